"""Precision and recall of the resolver on the adversarial cases (tests/adversarial.py), against
the bundled snapshot with every confusable distractor present.

    python benchmarks/eval_matching.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bibx.resolver import Resolver  # noqa: E402
from bibx.sources.snapshot import Snapshot  # noqa: E402
from tests.adversarial import evaluate, table  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as cache:
        resolver = Resolver([Snapshot(ROOT / "fixtures" / "arxiv-snapshot.jsonl", cache=cache)])
        start = time.perf_counter()
        scores, wrong = evaluate(resolver.resolve)
        seconds = time.perf_counter() - start
    print(table(scores))
    print(f"\n{scores[-1].cases} cases resolved in {seconds:.2f} s")
    print(f"wrong matches: {len(wrong)}")
    for line in wrong:
        print(f"  {line}")


if __name__ == "__main__":
    main()
