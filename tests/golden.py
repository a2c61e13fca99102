"""The hard entries pinned as golden files in fixtures/golden/ (checked by eye once).

Regenerate after an intended change with `BIBX_UPDATE_GOLDEN=1 pytest tests/test_golden.py`,
then read the diff.
"""

from __future__ import annotations

import json

from bibx.model import Record
from bibx.resolver import Resolver
from bibx.sources.crossref import work_to_record
from bibx.sources.snapshot import Snapshot
from tests.conftest import FIXTURES, REFERENCE, SNAPSHOT

HARD_IDS = [
    "2409.15397",  # diacritics: Ljubešić, Koržinek
    "2406.12793",  # a collective author first ("Team GLM"), 58 authors
    "2409.18541",  # math in the title: Align$^2$LLaVA
    "1609.08144",  # 31 authors, Łukasz Kaiser
    "2412.08268",  # Costa-jussà, Sánchez; a publisher DOI
]
JOURNAL = REFERENCE / "crossref/work_journal-article_10.1136_jclinpath-2020-206745.json"


def hard_records(cache) -> list[Record]:
    snapshot = Snapshot(SNAPSHOT, cache=cache)
    entries = [Record(arxiv_id=i, origin=f"golden:{n}") for n, i in enumerate(HARD_IDS, 1)]
    records = Resolver([snapshot]).resolve(entries)
    message = json.loads(JOURNAL.read_text(encoding="utf-8"))["message"]
    journal = work_to_record(message).copy(status="resolved", confidence=1.0, reason="DOI look-up")
    unresolved = Record(
        title="A Survey of Quantum Gravity in Large Language Models",
        origin="golden:7",
        status="unresolved",
        reason="no candidate found in any source",
    ).mark("input")
    return [*records, journal, unresolved]


GOLDEN = FIXTURES / "golden"
