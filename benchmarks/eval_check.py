"""Measurement: does `bibx check` catch every altered reference and flag no correct one? (#16)

    python benchmarks/eval_check.py [--show KIND]

The test set (tests/check_set.py) is every seed paper written as a careful user's .bib entry,
with its ids and by title alone, plus one copy per known alteration (wrong year, a dropped,
invented or misspelt author, another paper's DOI, a title of invented words, a swapped venue).
It is checked against the loopback arXiv, Crossref and dblp (tests/fakes.py: answers in each
service's real format, built from the seed's facts) with the real rate limits on an injected
clock. Then the seed papers' reference lines, as pandoc prints them in nine real styles: every
one is real, so any verdict but "verified" is a false alarm. For each kind: how many entries,
how many got which verdict; an altered entry is caught when its verdict is not "verified", a
correct one wrongly flagged when it is anything else.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bibx.check import VERDICTS, check  # noqa: E402
from bibx.readers import read_path, read_text  # noqa: E402
from bibx.resolver import Resolver  # noqa: E402
from tests.check_set import KINDS, entries  # noqa: E402
from tests.fakes import FakeArxiv, FakeClock, FakeCrossref, FakeDblp, session, sources  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--show", metavar="KIND", help="print each verdict of this kind")
    args = parser.parse_args()
    pairs = entries()
    text = "\n".join(entry for _, entry in pairs)
    records = read_text(text, "check-set.bib", "bibtex").records
    assert len(records) == len(pairs), (len(records), len(pairs))
    arxiv, crossref, dblp = FakeArxiv().start(), FakeCrossref().start(), FakeDblp().start()
    clock = FakeClock()
    start = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory() as cache:
            http = session(arxiv, crossref, clock, cache, dblp=dblp)
            verdicts = check(records, Resolver(sources(http, arxiv, crossref, dblp)))
            elapsed = time.perf_counter() - start
            asked = (len(arxiv.log), len(crossref.log), len(dblp.log), clock.now - 1000)
            styles = {
                path.stem: Counter(v.verdict for v in check(read_path(path).records,
                                   Resolver(sources(http, arxiv, crossref, dblp))))
                for path in sorted((ROOT / "fixtures" / "references").glob("*.txt"))
            }  # fmt: skip
    finally:
        arxiv.stop(), crossref.stop(), dblp.stop()
    table: dict[str, Counter[str]] = {kind: Counter() for kind in KINDS}
    for (kind, _), verdict in zip(pairs, verdicts, strict=True):
        table[kind][verdict.verdict] += 1
        if args.show == kind:
            print(f"{verdict.entry.key}: {verdict.verdict}")
            for line in [d.message for d in verdict.differences] + verdict.notes:
                print(f"    {line}")
    print(f"{'kind':20} {'n':>4} " + " ".join(f"{v:>15}" for v in VERDICTS) + "   result")
    for kind, counts in table.items():
        n = sum(counts.values())
        wrong = (
            counts["verified"] if kind.startswith("correct") is False else n - counts["verified"]
        )
        result = (f"{n - wrong}/{n} caught" if not kind.startswith("correct")
                  else f"{wrong}/{n} wrongly flagged")  # fmt: skip
        print(
            f"{kind:20} {n:>4} " + " ".join(f"{counts[v]:>15}" for v in VERDICTS) + f"   {result}"
        )
    print(
        f"requests: arXiv {asked[0]}, Crossref {asked[1]}, dblp {asked[2]}; "
        f"{len(records)} entries in {elapsed:.1f} s here, rate-limited time {asked[3]:.0f} s"
    )
    print("\nthe seed papers' reference lines in nine styles (fixtures/references/), all real:")
    for style, counts in styles.items():
        print(f"  {style:45} " + ", ".join(f"{n} {v}" for v, n in counts.items()))


if __name__ == "__main__":
    main()
