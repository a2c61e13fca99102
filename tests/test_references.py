"""A pasted reference list: the seed papers in nine real CSL styles, as pandoc --citeproc
prints them (fixtures/references/, built by fixtures/build_references.py), and the lines users
paste around titles."""

from __future__ import annotations

import json

import pytest

from bibx.readers import detect, read_text
from bibx.readers.lines import parse_line
from bibx.readers.references import items
from bibx.resolver import Resolver
from tests.conftest import FIXTURES

REFS = FIXTURES / "references"
STYLES = sorted(p.stem for p in REFS.glob("*.txt"))
ANSWERS = json.loads((REFS / "answers.json").read_text(encoding="utf-8"))


def test_the_nine_styles_are_there():
    assert len(STYLES) == 9  # seven from the shared styles, Vancouver and Harvard from TeX Live


@pytest.mark.parametrize("style", STYLES)
def test_every_style_resolves_its_papers_and_never_a_wrong_one(style, snapshot_source):
    text = (REFS / f"{style}.txt").read_text(encoding="utf-8")
    assert detect(text) == "references"
    result = read_text(text, f"{style}.txt")
    assert len(result.records) == 65 and not result.problems
    out = Resolver([snapshot_source], prefer="preprint").resolve(result.records)
    right = [r for r, want in zip(out, ANSWERS, strict=True) if r.arxiv_id == want]
    wrong = [
        (r.origin, r.arxiv_id, want)
        for r, want in zip(out, ANSWERS, strict=True)
        if r.status == "resolved" and r.arxiv_id != want
    ]
    assert wrong == []
    assert len(right) >= 0.95 * 65, [r.reason for r in out if r.status != "resolved"][:3]


def test_numbered_items_wrapped_over_lines_with_hyphenation():
    text = (
        "References\n"
        "[1] J. Y. Huang, S. Sengupta, D. Bonadiman et al., “DeAL: Decoding-time Align-\n"
        "    ment for Large Language Models,” in Proc. ACL, 2025.\n"
        "[2] Y. Yang, E. Chern, X. Qiu, G. Neubig, and P. Liu, “Alignment for Hon-\n"
        "    esty,” in NeurIPS, 2024.\n"
    )
    found = items(text)
    assert [t for _, t in found][1:] == [
        "J. Y. Huang, S. Sengupta, D. Bonadiman et al., “DeAL: Decoding-time Alignment for "
        "Large Language Models,” in Proc. ACL, 2025.",
        "Y. Yang, E. Chern, X. Qiu, G. Neubig, and P. Liu, “Alignment for Honesty,” in "
        "NeurIPS, 2024.",
    ]
    result = read_text(text, "refs.txt", "references")
    assert result.problems == [] and result.warnings == [
        "refs.txt:1: not a reference, skipped: 'References'"]  # a heading is no error  # fmt: skip
    records = result.records
    titles = ["DeAL: Decoding-time Alignment for Large Language Models", "Alignment for Honesty"]
    assert [r.title for r in records] == titles
    assert [a.family for a in records[1].authors] == ["Yang", "Chern", "Qiu", "Neubig", "Liu"]
    assert records[1].year == 2024


def test_a_reference_with_its_own_doi_is_resolved_by_it(snapshot_source):
    line = (
        "Huang, J. Y. et al. DeAL: Decoding-time Alignment for Large Language Models. in "
        "Proceedings of the 63rd Annual Meeting of the Association for Computational "
        "Linguistics (Volume 1: Long Papers) (2025). doi:10.18653/v1/2025.acl-long.1274.\n"
    )
    [record] = read_text(line * 2, "refs.txt", "references").records[:1]
    assert record.doi == "10.18653/v1/2025.acl-long.1274"
    assert record.title == "DeAL: Decoding-time Alignment for Large Language Models"
    [out] = Resolver([snapshot_source], prefer="preprint").resolve([record])
    assert (out.status, out.arxiv_id) == ("resolved", "2402.06147")


@pytest.mark.parametrize(
    ("line", "title", "arxiv", "year", "family"),
    [
        ("Judging LLM-as-a-Judge with MT-Bench and Chatbot Arena, Zheng et al. 2023",
         "Judging LLM-as-a-Judge with MT-Bench and Chatbot Arena", None, 2023, "Zheng"),
        ("Alignment for Honesty (Yang et al., NeurIPS 2024)", "Alignment for Honesty", None,
         2024, "Yang"),
        ("2306.05685 Judging LLM-as-a-Judge", "Judging LLM-as-a-Judge", "2306.05685", None, None),
        ("[DeAL: Decoding-time Alignment for Large Language Models]"
         "(https://arxiv.org/abs/2402.06147)",
         "DeAL: Decoding-time Alignment for Large Language Models", "2402.06147", None, None),
        ("“Alignment for Honesty.”", "Alignment for Honesty", None, None, None),
    ],
)  # fmt: skip
def test_lines_users_paste(line, title, arxiv, year, family):
    record = parse_line(line, "x:1")
    assert (record.title, record.arxiv_id, record.year) == (title, arxiv, year)
    assert [a.family for a in record.authors] == ([family] if family else [])


def test_pasted_lines_resolve(snapshot_source):
    text = (
        "Alignment for Honesty (Yang et al., NeurIPS 2024)\n"
        "[DeAL: Decoding-time Alignment for Large Language Models]"
        "(https://arxiv.org/abs/2402.06147)\n"
        "LM-Infinite: Zero-Shot Extreme Length Generalization for Large Language Models, "
        "Han et al. 2023\n"
    )
    out = Resolver([snapshot_source], prefer="preprint").resolve(
        read_text(text, "l.txt", "lines").records
    )
    assert [r.status for r in out] == ["resolved"] * 3
    assert [r.arxiv_id for r in out] == ["2312.07000", "2402.06147", "2308.16137"]


def test_a_title_ending_in_a_question_and_the_springer_preprint_form():
    """Two patterns that lost entries: a title's own `?` before the venue (ACL/ACM), and the
    Springer basic style's preprint, `Surname, I.: Title, (year).`"""
    from bibx.readers.references import parse

    acl = parse(
        "Chenxin An, Shansan Gong, and Xipeng Qiu. 2024. L-Eval: Instituting Standardized "
        "Evaluation for Long Context Language Models? In Proceedings of the 62nd Annual Meeting "
        "of the Association for Computational Linguistics, pages 14388–14411.",
        "refs:1",
    )
    assert acl.title == (
        "L-Eval: Instituting Standardized Evaluation for Long Context Language Models?"
    )
    springer = parse(
        "Huang, J.Y., Sengupta, S.: DeAL: Decoding-time Alignment for Large Language "
        "Models?, (2024).",
        "refs:2",
    )
    assert springer.title == "DeAL: Decoding-time Alignment for Large Language Models?"
    plain = parse(
        "Bai, Y., Lv, X., Zhang, J.: LongAlign: A Recipe for Long Context Alignment of Large "
        "Language Models, (2024).",
        "refs:3",
    )
    assert plain.title == "LongAlign: A Recipe for Long Context Alignment of Large Language Models"
    assert (plain.year, springer.year) == (2024, 2024)
