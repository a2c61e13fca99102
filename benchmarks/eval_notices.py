"""Measurement: does `bibx check` catch retracted, withdrawn and corrected works, and flag none
of the seed papers? (#26)

    python benchmarks/eval_notices.py

Against the loopback Crossref (real PLOS correction records, and synthetic works under the test
prefix 10.5555 in the real records' shape: a retraction in the work's own record, one known only
from the notice's side, an expression of concern; tests/test_notices.py) and arXiv, with the real
rate limits on an injected clock: each case's verdict, and the requests it took; then the 65
seed papers' correct entries, where any notice verdict is a false alarm.
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bibx.check import check  # noqa: E402
from bibx.readers import read_text  # noqa: E402
from bibx.resolver import Resolver  # noqa: E402
from tests.check_set import entries  # noqa: E402
from tests.fakes import FakeArxiv, FakeClock, FakeCrossref, FakeDblp, session, sources  # noqa: E402
from tests.test_notices import CONCERN, QUIET, QUIET_NOTICE, RETRACTED, entry  # noqa: E402


def main() -> None:
    arxiv, crossref, dblp = FakeArxiv().start(), FakeCrossref().start(), FakeDblp().start()
    for work in (RETRACTED, QUIET, QUIET_NOTICE, CONCERN):
        crossref.works[work["DOI"]] = work
    plos = crossref.works["10.1371/journal.pone.0033693"]
    corrected = (
        "@article{plos, title = {" + plos["title"][0] + "}, author = {"
        + " and ".join(f"{a['family']}, {a['given']}" for a in plos["author"])
        + "}, journal = {PLoS ONE}, year = {2012}, doi = {10.1371/journal.pone.0033693}}\n"
    )  # fmt: skip
    cases = [
        ("retracted (its own record says so)", entry("r", RETRACTED), "retracted"),
        ("retracted (only the notice says so)", entry("q", QUIET), "retracted"),
        ("expression of concern", entry("c", CONCERN), "verified + note"),
        ("corrected (real PLOS record)", corrected, "verified + note"),
    ]
    try:
        print(f"{'case':40} {'verdict':12} {'expected':16} requests")
        for name, text, expected in cases:
            http = session(arxiv, crossref, FakeClock(), Path(tempfile.mkdtemp()), dblp=dblp)
            resolver = Resolver(sources(http, arxiv, crossref, dblp))
            [verdict] = check(read_text(text, "case.bib", "bibtex").records, resolver)
            noted = " + note" if verdict.verdict == "verified" and verdict.notes else ""
            print(f"{name:40} {verdict.verdict + noted:12} {expected:16} {http.requests_sent}")
        http = session(arxiv, crossref, FakeClock(), Path(tempfile.mkdtemp()), dblp=dblp)
        resolver = Resolver(sources(http, arxiv, crossref, dblp))
        correct = "\n".join(text for kind, text in entries() if kind == "correct")
        verdicts = check(read_text(correct, "seed.bib", "bibtex").records, resolver)
        counts = Counter(v.verdict for v in verdicts)
        notices = sum(1 for e in crossref.log if "filter" in e.query)
        print(f"\nseed papers, correct entries: {len(verdicts)}; {dict(counts)}; "
              f"false alarms: {counts['retracted'] + counts['withdrawn']}; "
              f"notice requests: {notices} of {http.requests_sent}")  # fmt: skip
    finally:
        for server in (arxiv, crossref, dblp):
            server.stop()


if __name__ == "__main__":
    main()
