"""arXiv and Crossref parsers on genuine responses (fixtures/reference/) and hostile ones."""

from __future__ import annotations

import json

import pytest

from bibx.errors import SourceError
from bibx.sources.arxiv import abstract_clause, parse_feed, title_clause
from bibx.sources.crossref import work_to_record
from bibx.sources.http import RateLimiter, retry_after
from tests.conftest import REFERENCE

ARXIV = REFERENCE / "arxiv"
CROSSREF = REFERENCE / "crossref"


@pytest.mark.parametrize("layout", ["legacy", "current"])
def test_both_arxiv_layouts_give_the_same_record(layout):
    name = {
        "legacy": "id_list_2206.06921_doi_journalref.xml",
        "current": "id_list_2206.06921_doi_journalref_2025-11.xml",
    }[layout]
    [record] = parse_feed((ARXIV / layout / name).read_bytes())
    assert record.arxiv_id == "2206.06921"
    assert record.arxiv_version == 3
    assert record.title == "Attainable forms of Assouad spectra"
    assert record.doi == "10.1512/iumj.2024.73.9928"
    assert record.journal_ref == "Indiana Univ. Math. J. 73 (2024), 1331-1356"
    assert record.arxiv_class == "math.CA"
    assert record.categories == ["math.CA", "math.DS", "math.MG"]  # MSC codes dropped
    assert record.issued == (2022, 6, 14)
    assert [a.display() for a in record.authors] == ["Alex Rutar"]


def test_legacy_empty_entries_for_missing_ids_are_dropped():
    records = parse_feed((ARXIV / "legacy/id_list_four_ids_three_missing.xml").read_bytes())
    assert [r.arxiv_id for r in records] == ["2201.13452"]
    assert records[0].title.startswith("Asymptotic Analysis for a Nonlinear")  # unwrapped


def test_current_layout_search_feed_and_old_style_ids():
    records = parse_feed((ARXIV / "current/search_all_testing_first3of10.xml").read_bytes())
    assert len(records) == 3 and all(r.doi and r.journal_ref for r in records)
    [old] = parse_feed(
        (ARXIV / "current/id_list_astro-ph_0601001_journalref_affiliation.xml").read_bytes()
    )
    assert old.arxiv_id == "astro-ph/0601001"
    assert [(a.family, a.affiliation) for a in old.authors[:2]] == [
        ("Gould", "Ohio State"), ("Dorsher", "Ohio State")
    ]  # fmt: skip
    assert old.arxiv_updated == (2006, 1, 2)
    [many] = parse_feed((ARXIV / "current/id_list_two_ids_one_missing.xml").read_bytes())
    assert len(many.authors) == 34


@pytest.mark.parametrize(
    "name",
    ["current/error_http400_incorrect_id_format_abc.xml",
     "legacy/manual_example_error_incorrect_id_format.xml"],
)  # fmt: skip
def test_error_feeds_raise(name):
    with pytest.raises(SourceError, match="incorrect id format"):
        parse_feed((ARXIV / name).read_bytes())


def test_empty_feeds_are_empty():
    assert parse_feed((ARXIV / "current/empty_id_list_0000.0000.xml").read_bytes()) == []
    assert parse_feed((ARXIV / "legacy/empty_id_list_1201.56789.xml").read_bytes()) == []


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE feed [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>http://arxiv.org/abs/2410.11817v1</id>
<title>&xxe;</title></entry></feed>"""

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<feed xmlns="http://www.w3.org/2005/Atom"><title>&lol3;</title></feed>"""


@pytest.mark.parametrize("body", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
def test_hostile_xml_is_refused(body):
    with pytest.raises(SourceError, match="DOCTYPE or entities"):
        parse_feed(body)


@pytest.mark.parametrize(
    "body", [b"", b"<feed", b"<html><body>Rate exceeded.</body></html>", b"\x00\x01"]
)
def test_truncated_or_wrong_answers_are_source_errors(body):
    with pytest.raises(SourceError):
        parse_feed(body)


def test_query_clauses_survive_real_titles():
    clause = title_clause('LM-Infinite: "Zero-Shot" Length Generalization -- for $Q^*$')
    assert clause == "(ti:lm AND ti:infinite AND ti:zero AND ti:shot AND ti:length AND " \
        "ti:generalization)"  # fmt: skip
    assert '"' not in clause and ":" not in clause.replace("ti:", "") and "-" not in clause
    assert title_clause("The Of And") is None
    assert abstract_clause("Too short.") is None


def crossref_message(name: str) -> dict:
    return json.loads((CROSSREF / name).read_text(encoding="utf-8"))["message"]


def test_crossref_journal_article():
    record = work_to_record(
        crossref_message("work_journal-article_10.1136_jclinpath-2020-206745.json")
    )
    assert record.type == "article-journal"
    assert record.doi == "10.1136/jclinpath-2020-206745"
    assert record.issued == (2020, 8, 17)
    assert record.volume and record.issue and record.page
    assert "<" not in record.abstract  # JATS markup and section titles stripped
    assert record.abstract.startswith("The absence of high-quality next-generation sequencing")


def test_crossref_proceedings_article_with_null_issued_and_family_only_author():
    record = work_to_record(
        crossref_message("work_proceedings-article_null-issued_10.1109_icdcsw.2003.1203662.json")
    )
    assert record.type == "paper-conference"
    assert record.container_title
    minimal = work_to_record(
        crossref_message("work_journal-article_minimal_10.3892_ijo_00000353.json")
    )
    assert minimal.authors[0].given is None and minimal.authors[0].family


def test_crossref_search_list_items():
    items = json.loads(
        (CROSSREF / "works_query.bibliographic_fish_journal-2167-8359_top3of20.json").read_text()
    )["message"]["items"]
    records = [work_to_record(i) for i in items]
    assert len(records) == 3 and all(r.doi and r.title for r in records)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("7", 7.0), ("Fri, 27 Nov 2026 02:00:30 GMT", 30.0), ("soon", None), (None, None)],
)
def test_retry_after_forms(value, seconds):
    now = 1795744800.0  # 2026-11-27 02:00:00 UTC
    assert retry_after(value, now) == seconds


def test_rate_limiter_spaces_starts_on_an_injected_clock():
    now = [0.0]
    limiter = RateLimiter(
        3.0, 1, clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s)
    )
    for _ in range(4):
        with limiter:
            pass
    assert limiter.starts == [0.0, 3.0, 6.0, 9.0]
    limiter.defer(10.0)
    with limiter:
        pass
    assert limiter.starts[-1] == 19.0
