"""Measurement: the seed papers' reference-list entries in seven CSL styles (issue #14).

    python benchmarks/eval_references.py

Reads fixtures/references/<style>.txt (pandoc --citeproc output, fixtures/build_references.py)
as a pasted reference list, resolves it against the bundled arXiv snapshot (offline, the same
trust rules as everywhere), and prints per style: references read, resolved to the right paper
(recall), resolved to a wrong one, and left unresolved. Goal: recall >= 95 % per style, 0 wrong.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bibx.readers import read_text  # noqa: E402
from bibx.resolver import Resolver  # noqa: E402
from bibx.sources.snapshot import Snapshot  # noqa: E402

REFS = ROOT / "fixtures" / "references"


def main() -> None:
    answers = json.loads((REFS / "answers.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as cache:
        snapshot = Snapshot(ROOT / "fixtures" / "arxiv-snapshot.jsonl", cache=cache)
        print(f"{'style':44} {'read':>5} {'right':>6} {'wrong':>6} {'open':>5} {'recall':>7}")
        total_wrong = 0
        start = time.perf_counter()
        for path in sorted(REFS.glob("*.txt")):
            records = read_text(path.read_text(encoding="utf-8"), path.name).records
            out = Resolver([snapshot], prefer="preprint").resolve(records)
            right = sum(r.arxiv_id == a for r, a in zip(out, answers, strict=True))
            wrong = sum(
                r.status == "resolved" and r.arxiv_id != a
                for r, a in zip(out, answers, strict=True)
            )
            total_wrong += wrong
            print(f"{path.stem:44} {len(records):>5} {right:>6} {wrong:>6} "
                  f"{len(records) - right - wrong:>5} {right / len(answers):>7.1%}")  # fmt: skip
        print(f"wrong matches in all: {total_wrong}; {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
