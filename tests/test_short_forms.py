"""Short forms of venues and journals: from the work's own record (Crossref's
`short-container-title`, dblp's venue), from the bundled JabRef lists, and from the user's own
list, which wins; written in each format's own field, and as BibTeX's journal/booktitle with
`--venue short`."""

from __future__ import annotations

import json

import pytest

from bibx.abbreviations import Abbreviations, bundled
from bibx.errors import InputError
from bibx.model import Record
from bibx.sources.crossref import work_to_record
from bibx.sources.dblp import hit_to_record
from bibx.writers import WriteOptions, bibtex, csljson, zotero_rdf
from tests.conftest import FIXTURES

CROSSREF = FIXTURES / "reference/crossref"
DBLP = FIXTURES / "reference/dblp/search-api"


def crossref(name: str) -> Record:
    message = json.loads((CROSSREF / name).read_text(encoding="utf-8"))["message"]
    return work_to_record(message)


def test_crossrefs_short_form_reaches_every_format():
    record = crossref("work_journal-article_10.1136_jclinpath-2020-206745.json")
    assert record.container_title == "Journal of Clinical Pathology"
    assert record.vars["container-title-short"] == "J Clin Pathol"
    assert csljson.item(record, "x")["container-title-short"] == "J Clin Pathol"
    assert (
        "<dcterms:alternative>J Clin Pathol</dcterms:alternative>"
        in zotero_rdf.write([record]).text
    )
    biblatex = bibtex.write([record], WriteOptions(dialect="biblatex")).text
    assert "shortjournal = {J Clin Pathol}" in biblatex.replace("  ", " ").replace("  ", " ")
    classic = bibtex.write([record]).text
    assert "shortjournal" not in classic  # BibTeX's styles know no such field
    assert "{Journal of Clinical Pathology}" in classic
    short = bibtex.write([record], WriteOptions(venue="short")).text
    assert "{J Clin Pathol}" in short and "Journal of Clinical Pathology" not in short


def test_proceedings_have_no_short_form_from_crossref():
    record = crossref("work_proceedings-article_10.1145_2831244.2831252.json")
    assert "container-title-short" not in record.vars  # "short-container-title": []


def test_dblps_venue_is_the_short_form_of_the_name_users_cite():
    hits = json.loads((DBLP / "toc_conf-aaai-aaai2020_h1000_first3of1000_crlf.json").read_text())
    info = hits["result"]["hits"]["hit"][0]["info"]
    record = hit_to_record(info)
    assert record is not None
    assert record.container_title == "AAAI Conference on Artificial Intelligence"
    assert record.vars["container-title-short"] == "AAAI"


def test_the_users_list_wins_and_a_bad_line_is_named(tmp_path):
    record = crossref("work_journal-article_10.1136_jclinpath-2020-206745.json")
    mine = tmp_path / "journals.csv"
    mine.write_text('"Journal of Clinical Pathology","J. Clin. Pathol."\n', encoding="utf-8")
    assert Abbreviations.load(mine).apply([record]) == 1
    assert record.vars["container-title-short"] == "J. Clin. Pathol."
    mine.write_text('"Journal of Clinical Pathology","J. Clin. Pathol."\n"Nature"\n', "utf-8")
    with pytest.raises(InputError, match=r"journals\.csv:2: "):
        Abbreviations.load(mine)


def test_the_bundled_lists_fill_a_journal_without_a_short_form():
    table = bundled()
    assert table["ieee transactions on pattern analysis and machine intelligence"] == (
        "IEEE Trans. Pattern Anal. Mach. Intell."
    )
    record = Record(type="article-journal", title="x",
                    container_title="IEEE Transactions on Pattern Analysis and Machine "
                    "Intelligence")  # fmt: skip
    paper = Record(type="paper-conference", title="y", container_title="Advances in Neural "
                   "Information Processing Systems")  # fmt: skip
    assert Abbreviations().apply([record, paper]) == 1
    assert record.vars["container-title-short"] == "IEEE Trans. Pattern Anal. Mach. Intell."
    assert "container-title-short" not in paper.vars  # a proceedings' comes from dblp
