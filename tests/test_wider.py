"""A bibliography wider than arXiv: identifiers of every scheme (DOI of any agency, ISBN-10/13,
PubMed and PMC ids), and the sources for what arXiv and Crossref do not hold (DOI content
negotiation, Open Library, PubMed), each against a loopback server that answers with the
services' real responses (fixtures/reference/)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bibx.cli import app
from bibx.ids import other_ids, parse_isbn, parse_pmcid, parse_pmid
from bibx.readers import read_text
from bibx.resolver import Resolver
from bibx.sources.doi_cn import DoiContentNegotiation
from bibx.sources.openlibrary import OpenLibrary
from bibx.sources.pubmed import PubMed
from bibx.writers import bibtex, csljson, zotero_rdf
from tests.fakes import FakeDoi, FakeOpenLibrary, FakePubMed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("978-0-316-03057-1", "9780316030571"),
        ("ISBN 0-316-03057-0", "9780316030571"),  # ISBN-10 and -13: one book
        ("isbn:0316030570", "9780316030571"),
        ("978-0-316-03057-2", None),  # a wrong check digit
        ("0-316-03057-1", None),
        ("12345", None),
    ],
)
def test_isbns_are_validated_and_one_book_either_way(text, expected):
    assert parse_isbn(text) == expected


def test_pubmed_and_pmc_ids_in_the_forms_people_paste_them():
    for text in ("pmid:30939045", "PMID: 30939045", "https://pubmed.ncbi.nlm.nih.gov/30939045/"):
        assert parse_pmid(text) == "30939045", text
    assert parse_pmid("30939045") is None  # a bare number could be anything
    for text in (
        "PMC6451595",
        "pmcid:PMC6451595",
        "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC6451595/",
    ):
        assert parse_pmcid(text) == "PMC6451595", text
    assert other_ids("isbn:0316030570") == {"ISBN": "9780316030571"}


@pytest.fixture
def services(tmp_path):
    from bibx.sources import polite_limiters
    from bibx.sources.http import HttpSession
    from tests.fakes import FakeClock

    servers = FakeDoi().start(), FakeOpenLibrary().start(), FakePubMed().start()
    clock = FakeClock()
    classes = (DoiContentNegotiation, OpenLibrary, PubMed)
    urls = {cls: server.url for cls, server in zip(classes, servers, strict=True)}
    http = HttpSession(
        cache=tmp_path / "cache",
        mailto="dev@example.org",
        limiters=polite_limiters(urls, "dev@example.org", clock, clock.sleep),
    )
    yield [cls(http, url) for cls, url in urls.items()], servers
    for server in servers:
        server.stop()


def test_a_datacite_doi_resolves_through_content_negotiation(services):
    sources, (doi, _, _) = services
    [entry] = read_text("10.5281/zenodo.8242099\n", "ids.txt", "lines").records
    [record] = Resolver(sources).resolve([entry])
    assert record.status == "resolved" and (record.doi or "").lower() == "10.5281/zenodo.8242099"
    assert record.title and record.authors
    [logged] = doi.log
    assert logged.path == "/10.5281/zenodo.8242099"
    [missing] = Resolver(sources).resolve(
        read_text("10.5281/zenodo.0000001\n", "i", "lines").records
    )
    assert missing.status == "unresolved"


def test_a_book_by_isbn_from_open_library_is_written_as_a_book_everywhere(services):
    sources, (_, library, _) = services
    [entry] = read_text("ISBN 0-316-03057-0\n", "books.txt", "lines").records
    [book] = Resolver(sources).resolve([entry])
    assert (book.status, book.type, book.title) == ("resolved", "book", "Use of Weapons")
    assert (book.authors[0].family, book.publisher, book.year) == ("Banks", "Orbit", 2008)
    assert book.vars["ISBN"] == "9780316030571" and book.vars["number-of-pages"] == "480"
    assert library.log[0].query["bibkeys"] == ["ISBN:9780316030571"]
    bib = bibtex.write([book]).text
    assert "@book{" in bib and "publisher = {Orbit}" in bib and "isbn      = {9780316030571}" in bib
    assert csljson.item(book, "b")["ISBN"] == "9780316030571"
    assert "<z:itemType>book</z:itemType>" in zotero_rdf.write([book]).text


def test_a_pubmed_article_by_pmid(services):
    sources, (_, _, pubmed) = services
    [entry] = read_text("PMID: 30939045\n", "refs.txt", "lines").records
    [article] = Resolver(sources).resolve([entry])
    assert (article.status, article.type) == ("resolved", "article-journal")
    assert article.container_title == "Circulation. Genomic and precision medicine"
    assert (article.volume, article.issue, article.page) == ("12", "5", "e002376")
    assert article.authors[0].family == "Peloso" and article.vars["PMID"] == "30939045"
    assert (article.doi or "").lower() == "10.1161/circgen.118.002376"
    assert pubmed.log[0].query["tool"] == ["bibx"] and pubmed.log[0].query["email"]


def test_a_bib_entry_with_only_an_isbn_and_its_title_is_completed(services):
    sources, _ = services
    text = "@book{banks, title = {Use of Weapons}, isbn = {978-0-316-03057-1}}\n"
    [entry] = read_text(text, "refs.bib", "bibtex").records
    [book] = Resolver(sources).resolve([entry])
    assert book.status == "resolved" and book.publisher == "Orbit"
    assert book.vars["ISBN"] == "978-0-316-03057-1"  # the user's own, as written


def test_offline_the_new_services_are_not_asked(tmp_path):
    ids = tmp_path / "ids.txt"
    ids.write_text("ISBN 0-316-03057-0\nPMID: 30939045\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["export", str(ids), "--offline", "-f", "bibtex"])
    assert "0 requests sent" in result.stderr
    assert "ISBN 9780316030571" in result.stderr or "isbn 9780316030571" in result.stderr


def test_cite_keys_of_every_scheme(services, tmp_path):
    from bibx.cite import cite

    sources, _ = services
    aux = tmp_path / "paper.aux"
    aux.write_text(
        "\\relax\n\\citation{isbn:9780316030571}\n\\citation{pmid:30939045}\n"
        "\\citation{doi:10.5281/zenodo.8242099}\n\\bibstyle{plainnat}\n\\bibdata{refs}\n",
        encoding="utf-8",
    )
    result = cite([aux], Resolver(sources))
    assert sorted(r.key for r in result.added) == [
        "doi:10.5281/zenodo.8242099", "isbn:9780316030571", "pmid:30939045"
    ]  # fmt: skip
    written = (tmp_path / "refs.bib").read_text(encoding="utf-8")
    assert "@book{isbn:9780316030571," in written and "@article{pmid:30939045," in written
