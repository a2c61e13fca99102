"""Measurement: do the seed papers come out with their venue and year? (issue #11)

    python benchmarks/eval_venues.py

Resolves the seed page against the loopback arXiv, Crossref and dblp (tests/fakes.py: answers
in each service's real format, built from the seed's own facts), with the real rate limits on
an injected clock (so it runs in seconds, and the rate-limited time is reported). A seed paper
counts when its metadata names a venue with a confirmed year: right (venue name as users cite
it, or the seed's publisher DOI, and the year), none (no venue), or wrong (any other).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bibx.readers import read_path  # noqa: E402
from bibx.resolver import Resolver  # noqa: E402
from tests.fakes import (  # noqa: E402
    FakeArxiv,
    FakeClock,
    FakeCrossref,
    FakeDblp,
    seed_venue,
    session,
    sources,
    venue_outcomes,
)


def main() -> None:
    arxiv, crossref, dblp = FakeArxiv().start(), FakeCrossref().start(), FakeDblp().start()
    clock = FakeClock()
    try:
        with tempfile.TemporaryDirectory() as cache:
            http = session(arxiv, crossref, clock, cache, dblp=dblp)
            entries = read_path(ROOT / "fixtures" / "hf-papers-alignment.txt").records
            out = Resolver(sources(http, arxiv, crossref, dblp)).resolve(entries)
    finally:
        arxiv.stop(), crossref.stop(), dblp.stop()
    meta = json.loads((ROOT / "fixtures" / "seed-metadata.json").read_text(encoding="utf-8"))
    papers = {p["arxiv_id"]: p for p in meta["papers"] if p.get("arxiv_id")}
    found = venue_outcomes(out, papers)
    right, none, wrong = found["right"], found["none"], found["wrong"]
    skipped = sum(1 for p in papers.values() if p.get("venue") and not seed_venue(p["venue"]))
    print(f"seed papers with a venue: {len(right) + len(none) + len(wrong)} "
          f"(+{skipped} with 'year unconfirmed', skipped)")  # fmt: skip
    print(f"right venue and year: {len(right)}; no venue: {len(none)}; wrong: {len(wrong)}")
    for line in wrong:
        print(f"  wrong: {line}")
    print(f"requests: arXiv {len(arxiv.log)}, Crossref {len(crossref.log)}, dblp {len(dblp.log)}; "
          f"rate-limited time {clock.now - 1000:.1f} s")  # fmt: skip


if __name__ == "__main__":
    main()
