"""dblp: the search API's real response shapes, published versions for papers with no DOI, its
politeness and faults, and the dump read safely and offline.

The loopback dblp (`tests/fakes.py: FakeDblp`) answers in the search API's layout with hits
built only from seed facts (fixtures/README.md); the samples in fixtures/reference/dblp/ are
dblp's own responses."""

from __future__ import annotations

import gzip
import itertools
import json
from pathlib import Path

import pytest

from bibx.errors import SourceError
from bibx.readers import read_path
from bibx.resolver import Resolver
from bibx.sources.dblp import DblpAPI, parse_hits, venue_name
from bibx.sources.dblp_dump import DblpDump, records
from bibx.writers import bibtex, csljson, zotero_rdf
from tests.conftest import PAGE, REFERENCE
from tests.fakes import (
    FakeDblp,
    Fault,
    dblp_hits,
    seed_venue,
    session,
    sources,
    venue_outcomes,
)

SAMPLES = REFERENCE / "dblp" / "search-api"


@pytest.fixture
def dblp_server():
    server = FakeDblp().start()
    yield server
    server.stop()


def test_every_real_search_response_parses():
    counts = {p.name: len(parse_hits(p.read_bytes())) for p in sorted(SAMPLES.glob("*.json"))}
    assert counts == {
        "publ_json_attention-is-all-you-need_h1_top-hit-not-vaswani.json": 1,
        "publ_json_test_h30_2019-authors-as-plain-strings.json": 30,
        "publ_json_title-catastrophic-risk_h1_c0_corr-hit_crlf.json": 0,  # CoRR: arXiv's own
        "toc_conf-aaai-aaai2020_h1000_first3of1000_crlf.json": 3,
        "toc_conf-huc-huc1999_editorship-venue-list_3of56_crlf.json": 2,  # not the Editorship
        "toc_conf-ijcai-ijcai2003_editorship-withdrawn_3of297_crlf.json": 1,
    }


def test_search_response_quirks():
    aaai = parse_hits(
        (SAMPLES / "toc_conf-aaai-aaai2020_h1000_first3of1000_crlf.json").read_bytes()
    )
    first = aaai[0]
    assert first.title == "Results on a Super Strong Exponential Time Hypothesis"  # no '.'
    assert [(a.given, a.family) for a in first.authors] == [
        ("Nikhil", "Vyas"), ("Ryan", "Williams")]  # homonym numbers dropped  # fmt: skip
    assert (first.type, first.year, first.page) == ("paper-conference", 2020, "13700-13703")
    assert first.container_title == "AAAI Conference on Artificial Intelligence"
    assert first.provenance["title"] == "dblp:conf/aaai/0001020"
    single = [r for r in aaai if len(r.authors) == 1]  # one author: a bare object in the JSON
    assert single and single[0].authors[0].family == "Singh"
    plain = parse_hits((SAMPLES / "publ_json_test_h30_2019-authors-as-plain-strings.json")
                       .read_bytes())  # fmt: skip
    assert plain[0].authors[0].family == "Shinogi"  # authors as plain strings (2019)
    assert any("l'injection" in (r.title or "") for r in plain)  # &apos; decoded
    # `doi` is upper-cased by dblp; the publisher's case comes from `ee`'s doi.org link
    assert any(r.doi == "10.1002/stvr.1560" for r in plain)


@pytest.mark.parametrize(
    ("venue", "name"),
    [
        ("NeurIPS", "Advances in Neural Information Processing Systems"),
        ("NIPS", "Advances in Neural Information Processing Systems"),
        ("ICLR", "International Conference on Learning Representations"),
        ("ICML", "International Conference on Machine Learning"),
        ("ACL (1)", "Annual Meeting of the Association for Computational Linguistics"),
        ("ACL (Findings)", "Findings of the Association for Computational Linguistics: ACL"),
        ("GEM", "GEM"),
    ],
)
def test_venue_names_users_cite(venue, name):
    assert venue_name(venue) == name


def resolve_page(arxiv, crossref, dblp, clock, cache, **kw):
    http = session(arxiv, crossref, clock, cache, dblp=dblp)
    out = Resolver(sources(http, arxiv, crossref, dblp), **kw).resolve(read_path(PAGE).records)
    return out, http


def test_seed_papers_get_their_venue_and_year_never_a_wrong_one(
    arxiv_server, crossref_server, dblp_server, clock, tmp_path, seed
):
    out, _ = resolve_page(arxiv_server, crossref_server, dblp_server, clock, tmp_path)
    by_id = {p["arxiv_id"]: p for p in seed["papers"] if p.get("arxiv_id")}
    for record in out:  # papers without a confirmed venue get none (unless Crossref's DOI)
        if seed_venue(by_id[record.arxiv_id].get("venue")) is None:
            assert not record.container_title or by_id[record.arxiv_id].get("published_doi")
    found = venue_outcomes(out, by_id)
    right, none, wrong = found["right"], found["none"], found["wrong"]
    assert wrong == [] and none == []
    assert len(right) == 31  # the 33 seed papers with a venue, but the two 'year unconfirmed'
    assert len(dblp_server.log) == 7  # shared requests, 10 titles each, beside arXiv's


def test_dblp_conference_paper_in_every_format(
    arxiv_server, crossref_server, dblp_server, clock, tmp_path, csl_schema
):
    out, _ = resolve_page(arxiv_server, crossref_server, dblp_server, clock, tmp_path)
    iclr = next(r for r in out if r.arxiv_id == "2410.11817")  # ICLR 2025, no DOI
    iclr_name = "International Conference on Learning Representations"
    assert (iclr.type, iclr.container_title, iclr.year) == ("paper-conference", iclr_name, 2025)
    assert iclr.publisher == "OpenReview.net" and iclr.doi is None
    bib = bibtex.write([iclr]).text
    assert (
        "@inproceedings{" in bib and "booktitle     = {International Conference on Learning" in bib
    )
    assert "eprint        = {2410.11817}" in bib and "10.48550" not in bib  # a venue: no arXiv DOI
    [item] = json.loads(csljson.write([iclr]).text)
    assert item["type"] == "paper-conference"
    assert item["container-title"] == iclr.container_title
    assert "event-title" not in item  # no event was named: the proceedings are not the event
    import jsonschema

    jsonschema.validate([item], csl_schema)
    rdf = zotero_rdf.write([iclr]).text
    assert "<z:itemType>conferencePaper</z:itemType>" in rdf
    assert "<dc:title>International Conference on Learning Representations</dc:title>" in rdf
    # a Crossref DOI still wins for the DOI: DeAL is the ACL paper with its DOI
    deal = next(r for r in out if r.arxiv_id == "2402.06147")
    assert deal.doi == "10.18653/v1/2025.acl-long.1274"


def test_prefer_preprint_keeps_the_preprint(
    arxiv_server, crossref_server, dblp_server, clock, tmp_path
):
    out, _ = resolve_page(
        arxiv_server, crossref_server, dblp_server, clock, tmp_path, prefer="preprint"
    )
    assert all(not r.container_title for r in out)
    assert dblp_server.log == []


def test_dblp_requests_keep_its_spacing(
    arxiv_server, crossref_server, dblp_server, clock, tmp_path
):
    _, http = resolve_page(arxiv_server, crossref_server, dblp_server, clock, tmp_path)
    starts = http.limiters[dblp_server.url.split("://")[1]].starts
    assert len(starts) == 7
    assert min(round(b - a, 6) for a, b in itertools.pairwise(starts)) >= 2.0


@pytest.mark.parametrize(
    "fault",
    [
        Fault(status=429, body=b"<html><head><title>429 Too Many Requests</title></head></html>",
              headers={"Content-Type": "text/html", "Retry-After": "5"}),
        Fault(status=503),
        Fault(status=200, body=b'{"result":{"hits":{"@total":"3","hit":[{"info":',
              headers={"Content-Type": "application/json"}),
    ],
    ids=["429-html-retry-after", "503", "truncated-json"],
)  # fmt: skip
def test_a_fault_costs_only_venues(arxiv_server, crossref_server, dblp_server, clock, tmp_path,
                                   fault):  # fmt: skip
    dblp_server.faults.append(fault)
    out, http = resolve_page(arxiv_server, crossref_server, dblp_server, clock, tmp_path)
    assert all(r.status == "resolved" for r in out)  # the papers themselves are unharmed
    venues = sum(bool(r.container_title) for r in out)
    if fault.status in (429, 503):
        starts = http.limiters[dblp_server.url.split("://")[1]].starts
        if fault.status == 429:
            assert starts[1] - starts[0] >= 5.0  # Retry-After honoured before asking again
        assert venues == 31  # retried: every venue found, as without the fault
    else:
        assert 21 <= venues < 31  # one shared request of 10 titles lost, and only that


# --- the dump ----------------------------------------------------------------------------------

DUMP_HEAD = '<?xml version="1.0" encoding="ISO-8859-1"?>\n<!DOCTYPE dblp SYSTEM "dblp.dtd">\n'


def seed_dump(seed: dict, path: Path) -> Path:
    """The seed papers' dblp facts in dblp.xml's own format (records as the DTD defines them:
    inproceedings/article with author, title, booktitle/journal, year; CoRR as informal), one
    author's name written with a DTD entity as the dump writes non-ASCII."""
    parts = [DUMP_HEAD, "<dblp>\n"]
    for paper in seed["papers"]:
        for n, hit in enumerate(dblp_hits(paper)):
            corr = hit["venue"] == "CoRR"
            tag = "article" if corr or hit["type"] == "Journal Articles" else "inproceedings"
            venue_tag = "journal" if tag == "article" else "booktitle"
            names = hit["authors"]["author"]
            names = names if isinstance(names, list) else [names]
            authors = "".join(f"<author>{_entities(a['text'])}</author>\n" for a in names)
            attrs = f' key="seed/{paper["arxiv_id"]}/{n}"' + (
                ' publtype="informal"' if corr else ""
            )
            parts.append(
                f'<{tag} mdate="2025-01-01"{attrs}>\n{authors}<title>{_entities(hit["title"])}'
                f"</title>\n<{venue_tag}>{hit['venue']}</{venue_tag}>\n<year>{hit['year']}</year>\n"
                f"</{tag}>\n"
            )
    parts.append("</dblp>\n")
    path.write_bytes(gzip.compress("".join(parts).encode("ascii")))
    return path


def _entities(text: str) -> str:
    """Non-ASCII as dblp.xml writes it: a named entity where the DTD has one, else numeric."""
    import html.entities

    names = {v: k for k, v in html.entities.name2codepoint.items()}
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    return "".join(c if ord(c) < 128 else f"&{names[ord(c)]};" if ord(c) in names
                   else f"&#{ord(c)};" for c in text)  # fmt: skip


def test_dump_records_parse_with_dtd_entities(tmp_path, seed):
    dump = seed_dump(seed, tmp_path / "dblp.xml.gz")
    assert "&scaron;" not in dump.read_bytes().decode("latin-1")  # compressed, so check parse
    papers = list(records(dump))
    published = [p for p in papers if p["type"] == "Conference and Workshop Papers"]
    assert len(published) == 30 and not any(p.get("venue") == "CoRR" for p in papers)
    names = {a["text"] for p in papers for a in p["authors"]["author"]}
    assert "Nikola Ljubešić" in names  # &scaron; and &#263; decoded, no DTD loaded


def test_the_reference_dump_sample_reads_safely():
    sample = REFERENCE / "dblp/dump/dblp-xml_3-proceedings-records_from-ConferenceCorpus-test.xml"
    assert list(records(sample)) == []  # three proceedings volumes: not papers


def test_venues_from_the_dump_offline(tmp_path, seed, snapshot_source):
    dump = DblpDump(seed_dump(seed, tmp_path / "dblp.xml.gz"), cache=tmp_path)
    out = Resolver([snapshot_source, dump]).resolve(read_path(PAGE).records)
    iclr = next(r for r in out if r.arxiv_id == "2410.11817")
    assert iclr.container_title == "International Conference on Learning Representations"
    assert sum(bool(r.container_title) for r in out) >= 31


@pytest.mark.parametrize(
    "attack",
    [
        '<!DOCTYPE dblp [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
        '<!DOCTYPE dblp [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    ],
    ids=["entity-expansion", "external-entity"],
)
def test_a_dump_with_an_internal_subset_is_refused(tmp_path, attack):
    path = tmp_path / "evil.xml"
    path.write_text(f'<?xml version="1.0"?>\n{attack}\n<dblp><article key="x"><title>&b;&xxe;'
                    "</title></article></dblp>\n", encoding="ascii")  # fmt: skip
    with pytest.raises(SourceError, match="internal subset; refused"):
        DblpDump(path, cache=tmp_path)


def test_dblp_endpoint_is_configurable(monkeypatch):
    monkeypatch.delenv("BIBX_DBLP_API", raising=False)
    assert DblpAPI.endpoint() == "https://dblp.org/search/publ/api"
    monkeypatch.setenv("BIBX_DBLP_API", "http://127.0.0.1:1/search/publ/api")
    assert DblpAPI.endpoint() == "http://127.0.0.1:1/search/publ/api"
    assert DblpAPI.endpoint("http://mirror/api") == "http://mirror/api"
