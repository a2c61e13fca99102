"""Never cite a retracted paper without knowing: retractions, corrections, expressions of
concern (Crossref's `updated-by` and, from the notice's side, `filter=updates:`), and arXiv's
withdrawn papers, in `check` verdicts and in what `export` says and writes.

The loopback Crossref serves the real PLOS correction samples (fixtures/reference/crossref/) and,
for what no real sample shows whole (a retracted work with its notice, a retraction known only
from the notice's side, an expression of concern), SYNTHETIC works under Crossref's own test
prefix 10.5555, made in exactly the shape of the real records (the `updated-by` entry of a
Retraction Watch retraction is the one Crossref's forum quotes for 10.1021/am300292v).
"""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from bibx.check import check
from bibx.cli import app
from bibx.readers import read_text
from bibx.resolver import Resolver
from bibx.run import EXIT_FLAGGED
from bibx.sources.crossref import work_to_record
from bibx.writers import WriteOptions, bibtex, zotero_rdf
from tests.fakes import FakeDblp, session, sources

AUTHOR = [{"given": "Ada", "family": "Testwriter", "sequence": "first", "affiliation": []}]


def synthetic_work(doi: str, title: str, **extra) -> dict:
    """A made-up journal article (test prefix 10.5555), in a real Crossref record's shape."""
    return {
        "DOI": doi,
        "type": "journal-article",
        "title": [title],
        "author": AUTHOR,
        "container-title": ["Journal of Synthetic Test Records"],
        "issued": {"date-parts": [[2018, 3, 1]]},
        "publisher": "Test Publisher",
        "volume": "1",
        "page": "1-10",
        **extra,
    }


def retraction_entry(doi: str, kind: str, source: str, label: str, date: list[int]) -> dict:
    return {
        "DOI": doi,
        "type": kind,
        "label": label,
        "source": source,
        "updated": {"date-parts": [date], "date-time": "2019-07-26T00:00:00Z"},
    }


RETRACTED = synthetic_work(
    "10.5555/bibx.retracted",
    "A Synthetic Study That Was Retracted",
    **{"updated-by": [retraction_entry("10.5555/bibx.retraction-notice", "retraction",
                                       "retraction-watch", "Retraction", [2019, 7, 26])]},
)  # fmt: skip
QUIET = synthetic_work("10.5555/bibx.quiet", "A Synthetic Study Whose Record Says Nothing")
QUIET_NOTICE = synthetic_work(
    "10.5555/bibx.quiet-notice",
    "Retraction: A Synthetic Study Whose Record Says Nothing",
    **{"update-to": [retraction_entry("10.5555/bibx.quiet", "retraction", "publisher",
                                      "Retraction", [2021, 2, 3])]},
)  # fmt: skip
CONCERN = synthetic_work(
    "10.5555/bibx.concern",
    "A Synthetic Study Under an Expression of Concern",
    **{"updated-by": [retraction_entry("10.5555/bibx.concern-notice", "expression_of_concern",
                                       "publisher", "Expression of Concern", [2020, 1, 5])]},
)  # fmt: skip


def entry(key: str, work: dict) -> str:
    return (
        f"@article{{{key}, title = {{{work['title'][0]}}}, author = {{Testwriter, Ada}},\n"
        f"  journal = {{Journal of Synthetic Test Records}}, year = {{2018}},"
        f" doi = {{{work['DOI']}}}}}\n"
    )


@pytest.fixture
def checker(arxiv_server, crossref_server, clock, tmp_path):
    for work in (RETRACTED, QUIET, QUIET_NOTICE, CONCERN):
        crossref_server.works[work["DOI"]] = work
    dblp = FakeDblp().start()
    http = session(arxiv_server, crossref_server, clock, tmp_path / "http", dblp=dblp)
    yield (
        lambda text: check(
            read_text(text, "refs.bib", "bibtex").records,
            Resolver(sources(http, arxiv_server, crossref_server, dblp)),
        ),
        crossref_server,
    )
    dblp.stop()


def test_a_retracted_work_is_retracted_with_its_notice(checker):
    run, _ = checker
    [verdict] = run(entry("r", RETRACTED))
    assert verdict.verdict == "retracted"
    assert verdict.notes[0] == (
        "retracted: retraction, 10.5555/bibx.retraction-notice, 2019-07-26, Retraction Watch"
    )


def test_a_retraction_known_only_from_the_notices_side_is_found(checker):
    run, server = checker
    [verdict] = run(entry("q", QUIET))
    assert verdict.verdict == "retracted"
    assert "10.5555/bibx.quiet-notice" in verdict.notes[0]
    asked = [e for e in server.log if "filter" in e.query]
    assert [e.query["filter"] for e in asked] == [["updates:10.5555/bibx.quiet"]]


def test_corrections_and_concerns_are_notes_on_a_verified_entry(checker):
    run, server = checker
    plos = server.works["10.1371/journal.pone.0033693"]  # real: corrected by the publisher
    text = entry("c", CONCERN) + (
        "@article{p, title = {" + plos["title"][0] + "}, author = {"
        + " and ".join(f"{a['family']}, {a['given']}" for a in plos["author"])
        + "}, journal = {PLoS ONE}, year = {2012}, doi = {10.1371/journal.pone.0033693}}\n"
    )  # fmt: skip
    concern, corrected = run(text)
    assert concern.verdict == "verified"
    assert any(n.startswith("expression of concern: ") for n in concern.notes)
    assert corrected.verdict == "verified"
    assert any(
        n.startswith("correction: correction, 10.1371/annotation/c76da2c1") for n in corrected.notes
    )


def test_the_notices_query_batches_dois_and_asks_a_doi_with_a_comma_alone(
    arxiv_server, crossref_server, clock, tmp_path
):
    from bibx.sources.crossref import Crossref

    for work in (QUIET, QUIET_NOTICE):
        crossref_server.works[work["DOI"]] = work
    client = Crossref(session(arxiv_server, crossref_server, clock, tmp_path), crossref_server.url)
    found = client.notices(["10.5555/bibx.quiet", "10.5555/a,b", "10.5555/bibx.concern"])
    assert list(found) == ["10.5555/bibx.quiet"]
    filters = [e.query["filter"][0] for e in crossref_server.log if "filter" in e.query]
    assert filters == [
        "updates:10.5555/bibx.quiet,updates:10.5555/bibx.concern",
        "updates:10.5555/a,b",
    ]


def test_no_false_alarm_on_the_check_set(checker):
    """None of the correct entries of the check set (the seed papers) gets a notice verdict."""
    from tests.check_set import entries

    run, _ = checker
    correct = [text for kind, text in entries() if kind == "correct"]
    verdicts = run("\n".join(correct))
    assert [v.verdict for v in verdicts if v.verdict in ("retracted", "withdrawn")] == []


def test_a_withdrawn_arxiv_paper(tmp_path):
    """A synthetic arXiv record (made up, in the snapshot's real shape) whose last version's
    comment says it is withdrawn."""
    snapshot = tmp_path / "snap.jsonl"
    snapshot.write_text(
        json.dumps(
            {
                "id": "2501.99991",
                "title": "A Synthetic Paper Its Authors Withdrew",
                "authors_parsed": [["Testwriter", "Ada", ""]],
                "abstract": "Made up for a test.",
                "categories": "cs.CL",
                "comments": "This paper has been withdrawn by the author due to an error",
                "versions": [{"version": "v1"}, {"version": "v2"}],
                "update_date": "2025-01-20",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@misc{w, title = {A Synthetic Paper Its Authors Withdrew}, author = {Testwriter, Ada},"
        " year = {2025}, eprint = {2501.99991}, archiveprefix = {arXiv}}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["check", str(bib), "--snapshot", str(snapshot), "--offline"])
    assert result.exit_code == EXIT_FLAGGED
    said = result.stdout + result.stderr
    assert "WITHDRAWN (1)" in said and "1 withdrawn" in said
    # export writes it all the same, and says so, naming the key; --annotate marks it
    out = tmp_path / "out.bib"
    result = CliRunner().invoke(
        app,
        ["export", str(bib), "--snapshot", str(snapshot), "--offline", "-o", str(out),
         "--annotate"],
    )  # fmt: skip
    assert "warning: w: withdrawn (withdrawal, arXiv); written all the same" in result.stderr
    assert "% bibx: withdrawn: withdrawal, arXiv" in out.read_text(encoding="utf-8")


def test_every_writer_carries_the_notice():
    record = work_to_record(RETRACTED).copy(status="resolved", key="r")
    assert record.retraction is not None
    rdf = zotero_rdf.write([record], WriteOptions(annotate=True)).text
    assert "Retracted: retraction, 10.5555/bibx.retraction-notice" in rdf
    bib = bibtex.write([record], WriteOptions(annotate=True)).text
    assert bib.startswith("% Written by bibx") and "% bibx: retracted: retraction" in bib
