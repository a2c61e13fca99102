from __future__ import annotations

import os

import pytest

from bibx.writers import WriteOptions, bibtex, csljson, zotero_rdf
from tests.golden import GOLDEN, hard_records

CASES = {
    "hard.bib": lambda records: bibtex.write(records, WriteOptions(dialect="bibtex")).text,
    "hard-biblatex.bib": lambda records: (
        bibtex.write(records, WriteOptions(dialect="biblatex")).text
    ),
    "hard.json": lambda records: csljson.write(records).text,
    "hard.rdf": lambda records: zotero_rdf.write(records).text,
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_writers_match_their_golden_files(name, tmp_path):
    text = CASES[name](hard_records(tmp_path))
    path = GOLDEN / name
    if os.environ.get("BIBX_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")
