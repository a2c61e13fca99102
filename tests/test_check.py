"""`bibx check`: one verdict per reference, and the trust rules hold.

The test set (tests/check_set.py) is the seed papers as a careful user writes them, and a copy
of each altered in one known way; it is checked against the loopback arXiv, Crossref and dblp
(real formats, the seed's facts). The command itself is run offline on the bundled snapshot.
"""

from __future__ import annotations

import json
import os
from collections import Counter

import pytest
from typer.testing import CliRunner

from bibx.check import check
from bibx.cli import app
from bibx.readers import read_text
from bibx.resolver import Resolver
from bibx.run import EXIT_FLAGGED, EXIT_OK
from bibx.vocab.venues import same_venue, venues_named
from tests.check_set import entries
from tests.conftest import SNAPSHOT
from tests.fakes import FakeDblp, session, sources

runner = CliRunner()


@pytest.fixture
def checker(arxiv_server, crossref_server, clock, tmp_path):
    dblp = FakeDblp().start()
    http = session(arxiv_server, crossref_server, clock, tmp_path / "http", dblp=dblp)
    yield lambda records: check(
        records, Resolver(sources(http, arxiv_server, crossref_server, dblp))
    )
    dblp.stop()


def verdicts_of(checker, text: str):
    return checker(read_text(text, "refs.bib", "bibtex").records)


def test_every_alteration_is_caught_and_no_correct_entry_is_flagged(checker):
    pairs = entries()
    verdicts = verdicts_of(checker, "\n".join(text for _, text in pairs))
    outcomes: dict[str, Counter[str]] = {}
    for (kind, _), verdict in zip(pairs, verdicts, strict=True):
        outcomes.setdefault(kind, Counter())[verdict.verdict] += 1
    for kind, counts in outcomes.items():
        if kind.startswith("correct"):
            assert counts == Counter({"verified": 65}), kind
        elif kind == "invented-title":
            assert counts == Counter({"not-found": 65}), kind
        else:
            assert set(counts) == {"disagrees"}, (kind, counts)


def test_each_disagreement_names_both_values(checker):
    by_key = {e.split("{", 1)[1].split(",", 1)[0]: e for _, e in entries()}
    text = "\n".join(by_key[k] for k in ("p00-year", "p00-dropped", "p00-invented",
                                         "p01-misspelt", "p00-doi", "p01-venue"))  # fmt: skip
    year, dropped, invented, misspelt, doi, venue = verdicts_of(checker, text)
    assert [d.message for d in year.differences] == [
        "year: entry 2021, record 2024 (arXiv:2410.11817), 2025 (ICLR)"
    ]
    assert dropped.differences[0].message == (
        "authors: the entry lacks a co-author the record has: Zehan Wang"
    )
    assert invented.differences[0].message == (
        "authors: the entry has 'Ansel Quillfeather'; the record has no Quillfeather"
    )
    assert misspelt.differences[0].field == "authors"
    assert "is spelt 'James Y. Huang' in the record" in misspelt.differences[0].message
    assert doi.differences[0].field == "doi"
    assert "names 'DeAL: Decoding-time Alignment for Large Language Models'" in (
        doi.differences[0].message
    )
    assert venue.differences[0].message.startswith("venue: entry says EMNLP 2025, record says ACL")


def test_a_preprint_and_its_published_version_are_not_the_entrys_fault(checker):
    # The entry cites the preprint (its year, arXiv as venue) of a paper published at ICLR
    # 2025; and another cites the published title of a paper whose preprint had another one.
    text = """
@article{liu2024, title = {Improving Long-Text Alignment for Text-to-Image Diffusion Models},
  author = {Liu, Luping and Du, Chao and Pang, Tianyu and Wang, Zehan and Li, Chongxuan
            and Xu, Dong},
  journal = {arXiv preprint arXiv:2410.11817}, year = {2024}}
@inproceedings{ahrabian2025, title = {A Practical Analysis of Human Alignment with *PO},
  author = {Ahrabian, Kian and Lin, Xihui and Patra, Barun and Chaudhary, Vishrav
            and Benhaim, Alon and Pujara, Jay and Song, Xia},
  booktitle = {Findings of NAACL}, year = {2025}}
"""
    preprint, published = verdicts_of(checker, text)
    assert preprint.verdict == "verified", preprint.differences
    assert "published version: ICLR 2025" in preprint.notes
    assert published.verdict == "verified", published.differences
    assert published.record is not None
    assert published.record.doi == "10.18653/v1/2025.findings-naacl.446"


def test_a_title_that_exists_nowhere_is_not_found_never_a_near_paper(checker):
    text = """@inproceedings{x, title = {Long-Text Alignment for Diffusion Models of Robots},
  author = {Liu, Luping}, booktitle = {ICLR}, year = {2025}}"""
    [verdict] = verdicts_of(checker, text)
    assert verdict.verdict == "not-found"
    assert verdict.record is None
    assert "searched arxiv, crossref" in verdict.notes[0]


def test_an_entry_that_gives_too_little_could_not_be_checked(checker):
    [verdict] = verdicts_of(checker, "@misc{x, note = {see the slides}}")
    assert verdict.verdict == "could-not-check"
    assert verdict.notes == ["the entry has no title, arXiv id or DOI"]


def test_a_service_down_is_could_not_check_not_not_found(tmp_path, clock):
    from tests.fakes import FakeArxiv, FakeCrossref, Fault

    arxiv, crossref = FakeArxiv(), FakeCrossref()
    arxiv.faults = [Fault(status=503)] * 50
    crossref.faults = [Fault(status=503)] * 50
    arxiv.start(), crossref.start()
    try:
        http = session(arxiv, crossref, clock, tmp_path / "http")
        text = (
            "@article{x, title = {Alignment for Honesty}, author = {Yang, Yuqing}, year = {2023}}"
        )
        [verdict] = check(read_text(text, "r.bib", "bibtex").records,
                          Resolver(sources(http, arxiv, crossref)))  # fmt: skip
    finally:
        arxiv.stop(), crossref.stop()
    assert verdict.verdict == "could-not-check"
    assert any("503" in note for note in verdict.notes)


def test_venue_names():
    assert venues_named("Advances in Neural Information Processing Systems") == {"NeurIPS"}
    assert same_venue("NeurIPS 2023", "Advances in neural information processing systems")
    assert same_venue("ICLR", "NeurIPS") is False
    assert same_venue("Findings of EMNLP 2024", "EMNLP 2024") is False
    assert same_venue("Findings of the Association for Computational Linguistics: EMNLP 2024",
                      "Findings of EMNLP")  # fmt: skip
    assert same_venue("Proceedings of the 29th {ACM} International Conference on Information "
                      "\\& Knowledge Management", "CIKM")  # fmt: skip
    assert same_venue("NeurIPS 2023 Workshop on Instruction Tuning", "NeurIPS") is None
    assert same_venue("Journal of Obscure Results", "ICLR") is None


# ---------------------------------------------------------------------------- the command

CHECKED = """@article{ouyang, title = {Alignment for Honesty},
  author = {Yang, Yuqing and Chern, Ethan and Qiu, Xipeng and Neubig, Graham and Liu, Pengfei},
  journal = {arXiv preprint arXiv:2312.07000}, year = {2023}}

@article{wrongyear, title = {Alignment for Honesty},
  author = {Yang, Yuqing and Chern, Ethan and Qiu, Xipeng and Neubig, Graham and Liu, Pengfei},
  year = {2019}}

@article{madeup, title = {Quantum Alignment of Llamas by Recursive Honesty Distillation},
  author = {Quillfeather, Ansel}, year = {2024}}
"""


def check_cli(*args: str):
    return runner.invoke(app, ["check", *args, "--snapshot", str(SNAPSHOT), "--offline"])


def test_the_command_reports_worst_first_and_changes_nothing(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text(CHECKED, encoding="utf-8")
    before = (bib.read_bytes(), os.stat(bib).st_mtime_ns)
    result = check_cli(str(bib), "--report", str(tmp_path / "report.json"))
    assert result.exit_code == EXIT_FLAGGED, result.output
    out = result.stdout
    # offline, a title the snapshot lacks cannot be told apart from one that exists nowhere:
    # it could not be checked (the live services were not asked), never "not found"
    assert out.index("disagrees (1)") < out.index("could not check (1)") < out.index("verified (1)")
    assert "year: entry 2019, record 2023 (arXiv:2312.07000)" in out
    assert "3 entries: 1 verified, 1 disagree, 0 not found, 1 could not be checked" in (
        result.stderr
    )
    assert (bib.read_bytes(), os.stat(bib).st_mtime_ns) == before
    rows = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert [r["verdict"] for r in rows] == ["verified", "disagrees", "could-not-check"]
    assert rows[1]["differences"] == [
        {"field": "year", "entry": "2019", "record": "2023 (arXiv:2312.07000)",
         "message": "year: entry 2019, record 2023 (arXiv:2312.07000)"}
    ]  # fmt: skip
    assert rows[0]["found"]["arxiv_id"] == "2312.07000"


def test_fail_on_decides_the_exit_code(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text(CHECKED, encoding="utf-8")
    assert check_cli(str(bib), "--fail-on", "none").exit_code == EXIT_OK
    assert check_cli(str(bib), "--fail-on", "not-found").exit_code == EXIT_OK
    assert check_cli(str(bib), "--fail-on", "could-not-check").exit_code == EXIT_FLAGGED
    result = check_cli(str(bib), "--fail-on", "wrong")
    assert result.exit_code == 2 and "unknown verdict wrong" in result.stderr
    csv_report = tmp_path / "r.csv"
    check_cli(str(bib), "--report", str(csv_report), "--fail-on", "none")
    header, *lines = csv_report.read_text(encoding="utf-8").splitlines()
    assert header == "input,key,verdict,title,found,found_title,differences,notes"
    assert len(lines) == 3


def test_reference_lists_in_nine_styles_verify_line_by_line(checker):
    # the seed papers as pandoc prints them in nine real CSL styles (fixtures/references/):
    # a title cut from a reference line by the reader, a year of the preprint beside the DOI
    # of the published paper, and the few names a style prints are no disagreement
    from bibx.readers import read_path
    from tests.conftest import FIXTURES

    for path in sorted((FIXTURES / "references").glob("*.txt")):
        verdicts = checker(read_path(path).records)
        flagged = [(v.entry.origin, v.verdict, [d.message for d in v.differences])
                   for v in verdicts if v.verdict != "verified"]  # fmt: skip
        assert len(verdicts) == 65 and not flagged, (path.name, flagged)


DEAL_PUBLISHED = """@inproceedings{huang2024deal,
  title = {DeAL: Decoding-time Alignment for Large Language Models},
  author = {Huang, James Y. and Sengupta, Sailik and Bonadiman, Daniele and Lai, Yi-An and
            Gupta, Arshit and Pappas, Nikolaos and Mansour, Saab and Kirchhoff, Katrin and
            Roth, Dan},
  year = {2025},
  booktitle = {Proceedings of the 63rd Annual Meeting of the Association for Computational
               Linguistics (Volume 1: Long Papers)},
  pages = {26280--26300},
  doi = {10.18653/v1/2025.acl-long.1274},
  eprint = {2402.06147},
  archiveprefix = {arXiv}
}
"""


def test_a_correct_published_entry_is_no_false_alarm_offline(tmp_path):
    """The guide's own "after" entry, checked offline against the preprint's record only: its
    later year is the published version's, not a contradiction."""
    bib = tmp_path / "deal.bib"
    bib.write_text(DEAL_PUBLISHED, encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(bib), "--snapshot", str(SNAPSHOT), "--offline"])
    assert result.exit_code == EXIT_OK, result.stderr
    assert "1 verified" in result.stderr
    said = result.stdout + result.stderr
    assert "year 2025 not checked: the published version was not looked up" in said
    # the same entry with a year before the preprint's is still a contradiction
    bib.write_text(DEAL_PUBLISHED.replace("{2025}", "{2019}"), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", str(bib), "--snapshot", str(SNAPSHOT), "--offline"])
    assert result.exit_code == EXIT_FLAGGED
    assert "year: entry 2019" in result.stdout + result.stderr
