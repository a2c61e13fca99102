from __future__ import annotations

import pytest

from bibx.match import ACCEPT, deduplicate, score
from bibx.model import Name, Record
from bibx.resolver import Resolver


def test_every_seed_paper_resolves_to_its_arxiv_id(resolved_page, seed):
    expected = [p["arxiv_id"] for p in seed["papers"]]
    assert [r.arxiv_id for r in resolved_page] == expected
    assert all(r.status == "resolved" and r.confidence >= ACCEPT for r in resolved_page)


def test_no_seed_paper_resolves_to_a_distractor(resolved_page, seed):
    distractors = {d["arxiv_id"] for d in seed["distractors"]}
    assert not distractors & {r.arxiv_id for r in resolved_page}


def test_changed_titles_resolve_by_their_abstract(resolved_page, seed):
    changed = [p for p in seed["papers"] if p["title"] != p["seed_title"]]
    assert len(changed) == 5
    by_id = {r.arxiv_id: r for r in resolved_page}
    for paper in changed:
        record = by_id[paper["arxiv_id"]]
        assert record.title == paper["title"]  # the title as arXiv has it now
        assert "abstract 100% alike" in record.reason


def test_resolved_record_is_enriched_with_ordered_authors_and_dois(resolved_page, seed):
    for paper, record in zip(seed["papers"], resolved_page, strict=True):
        assert [(a.given or None, a.family) for a in record.authors if not a.literal] == [
            (a["given"] or None, a["family"]) for a in paper["authors"] if a["given"]
        ]
        assert record.best_doi == (paper["published_doi"] or paper["arxiv_doi"])
        assert record.url == f"https://arxiv.org/abs/{paper['arxiv_id']}"
        assert record.origin.split(":")[0].endswith("hf-papers-alignment.txt")


@pytest.mark.parametrize("which", ["distractors"])
def test_distractor_titles_resolve_to_themselves(snapshot_source, seed, which):
    papers = [d for d in seed[which] if d["arxiv_id"]]
    out = Resolver([snapshot_source]).resolve([Record(title=d["title"]) for d in papers])
    assert [r.arxiv_id for r in out] == [d["arxiv_id"] for d in papers]


@pytest.mark.parametrize(
    "title",
    [
        "A Survey of Quantum Gravity in Large Language Models",  # does not exist
        "Extending Context Window of Large Language Models",  # prefix of two papers
        "LongAlign",  # method name of one paper, title word of another
        "Ruler",
        # a distractor absent from the snapshot: its nearest neighbours must not be taken
        "Extending Context Window of Large Language Models via Semantic Compression",
        "PSC: Extending Context Window of Large Language Models via Phase Shift Calibration",
    ],
)
def test_titles_without_a_true_record_are_not_matched(snapshot_source, title):
    [record] = Resolver([snapshot_source]).resolve([Record(title=title)])
    assert record.status in ("unresolved", "ambiguous")
    assert record.arxiv_id is None
    assert record.reason


@pytest.mark.parametrize(
    "title",
    [
        "improving long-text alignment for text-to-image diffusion models",
        "Imporving Long-Text Alignmnet for Text-to-Image Diffusion Models",
        "Improving Long Text Alignment for Text to Image Diffusion Models",
        r"Improving Long-Text Alignment for {Text-to-Image} Diffusion Models",
    ],
)
def test_case_typos_and_markup_still_match(snapshot_source, title):
    [record] = Resolver([snapshot_source]).resolve([Record(title=title)])
    assert record.arxiv_id == "2410.11817"


def test_id_lookup_and_missing_id(snapshot_source):
    out = Resolver([snapshot_source]).resolve(
        [Record(arxiv_id="2410.11817", arxiv_version=2), Record(arxiv_id="2501.99999")]
    )
    assert out[0].status == "resolved" and out[0].confidence == 1.0
    assert out[0].arxiv_version == 2
    assert (
        out[1].status == "unresolved"
        and out[1].reason == "arXiv id 2501.99999: not in arxiv-snapshot"
    )


def test_id_whose_record_has_another_title_is_flagged(snapshot_source):
    [record] = Resolver([snapshot_source]).resolve(
        [Record(arxiv_id="2410.11817", title="Judging LLM-as-a-Judge with MT-Bench")]
    )
    assert record.status == "ambiguous"
    assert "check the id" in record.reason


def test_doi_lookup(snapshot_source):
    [record] = Resolver([snapshot_source]).resolve([Record(doi="10.1145/3340531.3411908")])
    assert record.arxiv_id == "2004.12297"


def test_contradicting_authors_refuse_a_perfect_title():
    entry = Record(title="RULER", authors=[Name(family="Nobody")])
    candidate = Record(title="RULER", authors=[Name(family="Hsieh")], arxiv_id="2404.06654")
    result = score(entry, candidate)
    assert result.confidence < ACCEPT
    assert "no author in common" in result.contradictions


def test_entry_fields_the_source_lacks_are_kept(snapshot_source):
    entry = Record(arxiv_id="2410.11817", key="mykey", container_title="ICLR 2025")
    [record] = Resolver([snapshot_source]).resolve([entry])
    assert record.key == "mykey"
    assert record.container_title == "ICLR 2025"
    assert record.provenance["container_title"] == "input"


def test_duplicates_are_written_once_and_reported(snapshot_source):
    entries = [
        Record(arxiv_id="2404.06654", origin="a:1"),
        Record(
            title="RULER: What's the Real Context Size of Your Long-Context Language Models?",
            origin="a:2",
        ),
    ]
    out, merges = deduplicate(Resolver([snapshot_source]).resolve(entries))
    assert len(out) == 1
    assert merges == ["a:2: same paper as a:1 (arxiv:2404.06654); written once"]


def test_an_unknown_id_beside_a_good_title_falls_back_to_the_title(snapshot_source):
    entry = Record(
        arxiv_id="2501.99999",
        title="RULER: What's the Real Context Size of Your Long-Context Language Models?",
    )
    [record] = Resolver([snapshot_source]).resolve([entry])
    assert record.status == "resolved" and record.arxiv_id == "2404.06654"
    assert "the entry's own 2501.99999 was not found" in record.reason


def test_a_note_in_a_bib_abstract_field_is_no_abstract_to_contradict(snapshot_source):
    # users keep notes in `abstract`; a few words cannot be compared with a paper's abstract
    entry = Record(title="Alignment for Honesty", abstract="We really liked this one.")
    [record] = Resolver([snapshot_source]).resolve([entry])
    assert record.status == "resolved" and record.arxiv_id == "2312.07000"
