from __future__ import annotations

import gzip
import json
import shutil

import pytest

from bibx.errors import SourceError
from bibx.model import Record
from bibx.sources.snapshot import Snapshot, to_record
from tests.conftest import SNAPSHOT


def test_snapshot_holds_seed_papers_and_distractors_with_an_id(seed):
    ids = [json.loads(line)["id"] for line in SNAPSHOT.read_text(encoding="utf-8").splitlines()]
    expected = {p["arxiv_id"] for p in seed["papers"]} | {
        d["arxiv_id"] for d in seed["distractors"] if d["arxiv_id"]
    }
    assert set(ids) == expected
    assert len(ids) == 65 + 23
    assert ids == sorted(ids)


def test_snapshot_lines_use_only_arxiv_field_names():
    allowed = {
        "id", "submitter", "authors", "title", "comments", "journal-ref", "doi", "report-no",
        "categories", "license", "abstract", "versions", "update_date", "authors_parsed",
    }  # fmt: skip
    for line in SNAPSHOT.read_text(encoding="utf-8").splitlines():
        assert set(json.loads(line)) <= allowed


def test_lookup_by_id_gives_ordered_authors_and_derived_facts(snapshot_source, seed):
    paper = next(p for p in seed["papers"] if p["arxiv_id"] == "1609.08144")
    record = snapshot_source.lookup_arxiv(["1609.08144", "9999.99999"])
    assert list(record) == ["1609.08144"]
    found = record["1609.08144"]
    assert [(a.given, a.family) for a in found.authors] == [
        (a["given"], a["family"]) for a in paper["authors"]
    ]
    assert len(found.authors) == 31
    assert found.issued == (2016, 9)  # from the id's YYMM: the snapshot line has no versions
    assert found.arxiv_class == "cs.CL"
    assert found.provenance["title"] == "arxiv-snapshot:1609.08144"


def test_collective_author_is_a_literal_name(snapshot_source):
    glm = snapshot_source.lookup_arxiv(["2406.12793"])["2406.12793"]
    assert glm.authors[0].literal == "Team GLM"
    assert len(glm.authors) == 58


def test_lookup_by_publisher_doi(snapshot_source):
    found = snapshot_source.lookup_doi(["10.18653/V1/2025.ACL-LONG.1274"])
    assert next(iter(found.values())).arxiv_id == "2402.06147"


def test_search_finds_by_title_words(snapshot_source):
    hits = snapshot_source.search(Record(title="RULER: What's the Real Context Size"), limit=5)
    assert hits[0].arxiv_id == "2404.06654"
    assert snapshot_source.search(Record(title="the of and"), limit=5) == []


def test_index_is_built_once_and_reused(tmp_path):
    cache = tmp_path / "cache"
    first = Snapshot(SNAPSHOT, cache=cache)
    [index] = list(cache.glob("snapshot-*.sqlite"))
    stamp = index.stat().st_mtime_ns
    second = Snapshot(SNAPSHOT, cache=cache)
    assert index.stat().st_mtime_ns == stamp
    assert second.lookup_arxiv(["2410.11817"]).keys() == first.lookup_arxiv(["2410.11817"]).keys()


def test_gzipped_snapshot_and_bad_lines(tmp_path):
    lines = SNAPSHOT.read_text(encoding="utf-8").splitlines()[:3]
    path = tmp_path / "snap.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write(lines[0] + "\n{not json\n" + lines[1] + "\n" + '{"no_id": 1}\n' + lines[2] + "\n")
    snap = Snapshot(path, cache=tmp_path / "c")
    ids = [json.loads(line)["id"] for line in lines]
    assert set(snap.lookup_arxiv(ids)) == set(ids)
    assert [p.split(":")[-2] for p in snap.problems] == ["2", "4"]


def test_changed_snapshot_is_reindexed(tmp_path):
    path = tmp_path / "snap.jsonl"
    shutil.copy(SNAPSHOT, path)
    cache = tmp_path / "c"
    Snapshot(path, cache=cache)
    with path.open("a", encoding="utf-8") as out:
        out.write(json.dumps({"id": "2501.00001", "title": "A new line"}) + "\n")
    assert "2501.00001" in Snapshot(path, cache=cache).lookup_arxiv(["2501.00001"])


def test_missing_or_unreadable_snapshot_is_a_source_error(tmp_path):
    with pytest.raises(SourceError, match="not found"):
        Snapshot(tmp_path / "nope.jsonl")
    bad = tmp_path / "bad.jsonl.gz"
    bad.write_bytes(b"\x1f\x8b\x08garbage")
    with pytest.raises(SourceError, match="cannot read"):
        Snapshot(bad, cache=tmp_path / "c")


def test_to_record_reads_versions_and_old_style_ids():
    record = to_record(
        {
            "id": "hep-th/9901001",
            "title": "A  title\n  wrapped",
            "authors": "A. Author and B. Writer",
            "versions": [{"version": "v1", "created": "Mon, 4 Jan 1999 12:00:00 GMT"}],
            "categories": "hep-th gr-qc",
        }
    )
    assert record.arxiv_id == "hep-th/9901001"
    assert record.issued == (1999, 1, 4)
    assert record.title == "A title wrapped"
    assert [a.family for a in record.authors] == ["Author", "Writer"]
    assert record.categories == ["hep-th", "gr-qc"]


def test_the_index_keeps_every_fact_a_record_is_made_of(tmp_path):
    """The index stores each line slimmed and compressed: what comes back out is the record
    the whole line makes, for every fixture line and for a line with every field arXiv writes."""
    full = {
        "id": "0704.0001", "submitter": "Pavel Nadolsky", "authors": "C. Bal\\'azs, E. L. Berger",
        "title": "Calculation of prompt diphoton production cross sections",
        "comments": "37 pages", "journal-ref": "Phys.Rev.D76:013009,2007",
        "doi": "10.1103/PhysRevD.76.013009", "report-no": "ANL-HEP-PR-07-12",
        "categories": "hep-ph", "license": None, "abstract": "A fully differential calculation.",
        "versions": [{"version": "v1", "created": "Mon, 2 Apr 2007 19:18:42 GMT"},
                     {"version": "v2", "created": "Tue, 24 Jul 2007 20:10:27 GMT"}],
        "update_date": "2008-11-13",
        "authors_parsed": [["Balázs", "C.", ""], ["Berger", "E. L.", ""]],
    }  # fmt: skip
    lines = [*SNAPSHOT.read_text(encoding="utf-8").splitlines(), json.dumps(full)]
    path = tmp_path / "snap.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    source = Snapshot(path, cache=tmp_path / "c")
    for line in lines:
        data = json.loads(line)
        assert source.lookup_arxiv([data["id"]])[data["id"]] == to_record(data)
    assert source.lookup_arxiv(["0704.0001"])["0704.0001"].arxiv_version == 2


def test_an_exact_title_of_common_words_among_thousands_is_found(tmp_path):
    """'Alignment for Honesty' among 2,500 titles that share its words: found exactly at once,
    and found misspelt by its words (the ranking then runs over all of them)."""
    lines = [json.loads(line) for line in SNAPSHOT.read_text(encoding="utf-8").splitlines()]
    honest = next(r for r in lines if r["title"] == "Alignment for Honesty")
    made = [
        {**honest, "id": f"0001.{n:05d}", "title": f"Honesty and alignment, part {n}"}
        for n in range(2_500)
    ]  # made-up records (ids arXiv never assigned) that crowd the true one
    path = tmp_path / "snap.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in [*made, honest]), encoding="utf-8")
    source = Snapshot(path, cache=tmp_path / "c")
    found = source.search(Record(title="Alignment for honesty"))
    assert found[0].arxiv_id == honest["id"]
    misspelt = source.search(Record(title="Alignment for Honsety"))
    assert honest["id"] in [r.arxiv_id for r in misspelt]


def test_a_misspelt_word_narrows_a_search_of_common_words(tmp_path):
    """'Alignment for Honesyt': 'honesyt' is no title's word, 'alignment' is every title's; the
    misspelt word's first letters pick the one title out of 2,500 of the same length."""
    lines = [json.loads(line) for line in SNAPSHOT.read_text(encoding="utf-8").splitlines()]
    honest = next(r for r in lines if r["title"] == "Alignment for Honesty")
    made = [
        {**honest, "id": f"0001.{n:05d}", "title": f"Alignment for case{n}"} for n in range(2_500)
    ]  # made-up records (ids arXiv never assigned)
    path = tmp_path / "snap.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in [*made, honest]), encoding="utf-8")
    source = Snapshot(path, cache=tmp_path / "c")
    found = source.search(Record(title="Alignment for Honesyt"))
    assert honest["id"] in [r.arxiv_id for r in found]


def test_an_abstracts_opening_is_searched_by_whole_words_only():
    from bibx.sources.snapshot import OPENING, opening_words

    abstract = "x" * (OPENING - 11) + " a fusion of models"  # cut at "fusion o|f models"
    assert abstract[OPENING - 1 : OPENING + 1] == "of"
    assert opening_words(abstract)[-1] == "fusion"
    assert opening_words("short abstract") == ["short", "abstract"]
    assert opening_words(abstract[:OPENING])[-1] == "o"  # not cut: the text ends there
