"""Measurement: the seed papers' reference-list entries in nine CSL styles (issue #14).

    python benchmarks/eval_references.py

Reads fixtures/references/<style>.txt (pandoc --citeproc output, fixtures/build_references.py)
as a pasted reference list, resolves it against the bundled arXiv snapshot (offline, the same
trust rules as everywhere), and prints per style: references read, resolved to the right paper
(recall), resolved to a wrong one, and left unresolved. Goal: recall >= 95 % per style, 0 wrong.

Then the same lines against the loopback arXiv, Crossref and dblp (tests/fakes.py: their real
formats, the seed's facts; real rate limits on an injected clock) with no snapshot, each style
with a cold cache: recall, wrong matches, and the requests each line cost, by service.
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
from tests.fakes import FakeArxiv, FakeClock, FakeCrossref, FakeDblp, session, sources  # noqa: E402

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
    live(answers)


def live(answers: list[str]) -> None:
    """Each style against the loopback services, from a cold cache: the requests per line."""
    print(f"\nloopback services, cold cache each style:\n{'style':44} {'right':>6} {'wrong':>6} "
          f"{'arXiv':>6} {'Crossref':>9} {'dblp':>5} {'per line':>9}")  # fmt: skip
    meta = json.loads((ROOT / "fixtures" / "seed-metadata.json").read_text(encoding="utf-8"))
    dois = {p["arxiv_id"]: p["published_doi"].lower() for p in meta["papers"]
            if p.get("arxiv_id") and p.get("published_doi")}  # fmt: skip
    servers = FakeArxiv().start(), FakeCrossref().start(), FakeDblp().start()
    arxiv, crossref, dblp = servers
    try:
        for path in sorted(REFS.glob("*.txt")):
            before = [len(s.log) for s in servers]
            with tempfile.TemporaryDirectory() as cache:
                http = session(arxiv, crossref, FakeClock(), cache, dblp=dblp)
                records = read_text(path.read_text(encoding="utf-8"), path.name).records
                out = Resolver(sources(http, arxiv, crossref, dblp)).resolve(records)
            asked = [len(s.log) - b for s, b in zip(servers, before, strict=True)]
            # a line that gives the publisher's DOI resolves to that record, with no arXiv id
            found = [r.status == "resolved" and (r.arxiv_id == a or (r.arxiv_id is None
                     and r.doi is not None and r.doi.lower() == dois.get(a, "")))
                     for r, a in zip(out, answers, strict=True)]  # fmt: skip
            right = sum(found)
            wrong = sum(r.status == "resolved" for r in out) - right
            print(f"{path.stem:44} {right:>6} {wrong:>6} {asked[0]:>6} {asked[1]:>9} "
                  f"{asked[2]:>5} {sum(asked) / len(records):>9.2f}")  # fmt: skip
    finally:
        for server in servers:
            server.stop()


if __name__ == "__main__":
    main()
