"""A bibliography wider than arXiv: identifiers of every scheme (DOI of any agency, ISBN-10/13,
PubMed and PMC ids), and the sources for what arXiv and Crossref do not hold (DOI content
negotiation, Open Library, PubMed), each against a loopback server that answers with the
services' real responses (fixtures/reference/)."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from bibx.cli import app
from bibx.ids import other_ids, parse_isbn, parse_pmcid, parse_pmid
from bibx.readers import read_text
from bibx.resolver import Resolver
from bibx.sources.datacite import DataCite
from bibx.sources.doi_cn import DoiContentNegotiation
from bibx.sources.openlibrary import OpenLibrary
from bibx.sources.pubmed import PubMed
from bibx.writers import bibtex, csljson, zotero_rdf
from tests.fakes import FakeDataCite, FakeDoi, FakeOpenLibrary, FakePubMed


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

    servers = (
        FakeDataCite().start(),
        FakeDoi().start(),
        FakeOpenLibrary().start(),
        FakePubMed().start(),
    )
    clock = FakeClock()
    classes = (DataCite, DoiContentNegotiation, OpenLibrary, PubMed)
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
    sources, (_, doi, _, _) = services
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
    sources, (_, _, library, _) = services
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
    sources, (_, _, _, pubmed) = services
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
        "\\citation{doi:10.5281/zenodo.8242099}\n\\citation{pmcid:PMC3539452}\n"
        "\\bibstyle{plainnat}\n\\bibdata{refs}\n",
        encoding="utf-8",
    )
    result = cite([aux], Resolver(sources))
    assert sorted(r.key for r in result.added) == [
        "doi:10.5281/zenodo.8242099", "isbn:9780316030571", "pmcid:PMC3539452", "pmid:30939045"
    ]  # fmt: skip
    written = (tmp_path / "refs.bib").read_text(encoding="utf-8")
    assert "@book{isbn:9780316030571," in written and "@article{pmid:30939045," in written


def resolve_lines(sources, text: str) -> list:
    return Resolver(sources).resolve(read_text(text, "refs.txt", None).records)


def test_software_and_a_dataset_found_by_title_at_datacite(services):
    sources, (datacite, _, _, _) = services
    software, dataset = resolve_lines(
        sources,
        "dataone: R interface to the DataONE network of data repositories\n"
        "PsPM-SC4B: SCR, ECG, EMG, PSR and respiration measurements in a delay fear "
        "conditioning task with auditory CS and electrical US\n",
    )
    assert (software.status, software.type, software.doi) == (
        "resolved", "software", "10.5063/f1m61h5x"
    )  # fmt: skip
    assert software.vars["version"] == "2.2.2" and software.publisher == "KNB Data Repository"
    assert [a.family for a in software.authors][:3] == ["Jones", "Slaughter", "Boettiger"]
    assert (dataset.status, dataset.type, dataset.doi) == (
        "resolved", "dataset", "10.5281/zenodo.1196821"
    )  # fmt: skip
    assert datacite.log[0].query["query"][0].startswith("titles.title:(dataone R interface")
    bib = bibtex.write([software, dataset], bibtex.WriteOptions(dialect="biblatex")).text
    assert "@software{" in bib and "@dataset{" in bib
    assert re.search(r"version +\= \{2\.2\.2\}", bib)
    assert re.search(r"organization += \{KNB Data Repository\}", bib)  # biblatex's for software
    classic = bibtex.write([software]).text
    assert "@misc{" in classic  # natbib's styles know no @software
    rdf = zotero_rdf.write([software, dataset]).text
    assert "<z:itemType>computerProgram</z:itemType>" in rdf
    assert "<z:itemType>dataset</z:itemType>" in rdf


def test_a_pubmed_article_found_by_title_among_a_close_one(services):
    sources, (_, _, _, pubmed) = services
    [article] = resolve_lines(
        sources,
        "Peloso GM, et al. Rare protein-truncating variants in APOB, lower low-density "
        "lipoprotein cholesterol, and protection against coronary heart disease. "
        "Circ Genom Precis Med. 2019;12(5):e002376.\n",
    )
    assert article.status == "resolved" and article.vars["PMID"] == "30939045"
    assert article.container_title == "Circulation. Genomic and precision medicine"
    searched = [r for r in pubmed.log if r.path == "/esearch.fcgi"]
    assert searched and "[Title]" in searched[0].query["term"][0]


def test_a_book_by_title_and_author_and_the_edition_of_the_year_cited(services):
    sources, (_, _, library, _) = services
    text = (
        "@book{lotr, author = {Tolkien, J. R. R.}, title = {The Lord of the Rings},\n"
        "  publisher = {HarperCollins}, year = {2021}}\n"
        "@book{lotr68, author = {Tolkien, J. R. R.}, title = {The Lord of the Rings},\n"
        "  year = {1968}}\n"
        "@book{friedman, author = {Friedman, Milton}, title = {Capitalism and Freedom},\n"
        "  year = 1962}\n"
    )
    lotr, lotr68, friedman = Resolver(sources).resolve(
        read_text(text, "refs.bib", "bibtex").records
    )
    # the 2021 edition Open Library holds: its ISBN and publisher, the work's first year kept
    assert lotr.status == "resolved" and lotr.url.endswith("/books/OL58959679M")
    assert (lotr.year, lotr.vars["ISBN"]) == (2021, "9786555112511")
    assert lotr.dates["original-date"].parts == (1954,)
    asked = [r.query["q"][0] for r in library.log if r.path == "/search.json"]
    assert asked[0] == "title:(The Lord of the Rings) AND author:(Tolkien) AND publish_year:2021"
    # no edition of 1968 is known: the work, and no other edition's ISBN or year taken for it
    assert lotr68.status == "resolved" and lotr68.url.endswith("/works/OL27448W")
    assert lotr68.year == 1968 and "ISBN" not in lotr68.vars  # the user's year, as written
    assert friedman.status == "resolved" and friedman.url.endswith("/works/OL2747782W")


def test_what_no_source_holds_is_not_found_not_a_lookalike(services):
    sources, _ = services
    records = resolve_lines(
        sources,
        "Knuth, D. E. The TeXbook. Addison-Wesley, 1984.\n"
        "Capitalism and freedom\n",  # two real works have this title: abstain
    )
    assert [r.status for r in records] == ["unresolved", "ambiguous"]


def test_a_pmc_id_is_asked_of_pmc_by_its_number(services):
    sources, (_, _, _, pubmed) = services
    [article] = resolve_lines(sources, "PMCID: PMC3539452\n")
    assert article.status == "resolved" and article.vars["PMCID"] == "PMC3539452"
    assert article.vars["PMID"] == "22368089" and article.container_title
    assert (article.doi or "").lower() == "10.1093/cercor/bhs015"
    asked = pubmed.log[-1].query
    assert (asked["db"], asked["id"]) == (["pmc"], ["3539452"])


def test_check_judges_books_software_and_pubmed_articles(services):
    from bibx.check import check

    sources, _ = services
    bib = (
        "@book{lotr, author = {Tolkien, J. R. R.}, title = {The Lord of the Rings},\n"
        "  publisher = {HarperCollins}, year = {2021}}\n"
        "@misc{dataone, author = {Jones, Matthew and Slaughter, Peter and Boettiger, Carl and "
        "others},\n  title = {dataone: R interface to the DataONE network of data repositories},"
        "\n  year = {2022}, version = {2.2.1}, doi = {10.5063/f1m61h5x}}\n"
        "@article{peloso, author = {Peloso, Gina M. and Nomura, Akihiro and others},\n"
        "  title = {Rare Protein-Truncating Variants in APOB, Lower Low-Density Lipoprotein "
        "Cholesterol, and Protection Against Coronary Heart Disease},\n"
        "  journal = {Circulation: Genomic and Precision Medicine}, year = {2019},\n"
        "  volume = {12}, pages = {e002377}}\n"
        "@book{texbook, author = {Knuth, Donald E.}, title = {The {\\TeX}book},\n"
        "  publisher = {Addison-Wesley}, year = {1984}}\n"
    )
    verdicts = {
        v.entry.key: v for v in check(read_text(bib, "refs.bib", "bibtex").records,
                                      Resolver(sources))
    }  # fmt: skip
    assert verdicts["lotr"].verdict == "verified"
    dataone = verdicts["dataone"]  # DataCite's "(version 2.2.2)" in the title is no difference
    assert [d.field for d in dataone.differences] == ["version"]
    assert dataone.differences[0].message == "version: entry 2.2.1, record 2.2.2"
    peloso = verdicts["peloso"]
    assert [d.message for d in peloso.differences] == ["pages: entry e002377, record e002376"]
    texbook = verdicts["texbook"]
    assert texbook.verdict == "not-found"
    assert "openlibrary" in texbook.notes[0]


def test_a_reference_string_naming_an_isbn_or_pmc_id_is_looked_up_by_it(services):
    book, article = resolve_lines(
        services[0],
        "Banks, I. M. (2008). Use of Weapons. Orbit. ISBN 978-0-316-03057-1\n"
        "Kind PC, Sengpiel F, Beaver CJ, et al. The development and activity-dependent "
        "expression of aggrecan in the cat visual cortex. Cereb Cortex. 2013;23(2):349-60. "
        "PMCID: PMC3539452\n",
    )
    assert (book.status, book.vars["ISBN"], book.publisher) == (
        "resolved",
        "9780316030571",
        "Orbit",
    )
    assert article.status == "resolved" and article.vars["PMCID"] == "PMC3539452"
    assert article.year == 2013  # PMC's print date, the volume's year (online: 2012)


def test_enrich_fills_a_books_isbn_and_publisher_and_a_softwares_version(services):
    from bibx.enrich import EnrichOptions, enrich_text

    sources, _ = services
    text = (
        "@book{banks,\n  author = {Banks, Iain M.},\n  title = {Use of Weapons},\n"
        "  isbn = {0-316-03057-0}\n}\n\n"
        "@misc{dataone,\n  title = {dataone: R interface to the DataONE network of data "
        "repositories},\n  doi = {10.5063/f1m61h5x}\n}\n"
    )
    result = enrich_text(text, "refs.bib", Resolver(sources), EnrichOptions())
    # the user's fields as written (the ISBN-10 too), the book's publisher and year added in
    # the file's own layout, the software's version and authors from DataCite
    assert result.text.startswith(
        "@book{banks,\n  author = {Banks, Iain M.},\n  title = {Use of Weapons},\n"
        "  isbn = {0-316-03057-0},\n  year = {2008},\n  month = jul,\n  publisher = {Orbit}\n}"
    )
    assert "  version = {2.2.2}\n}" in result.text and "Boettiger, Carl" in result.text
