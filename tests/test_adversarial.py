"""The bar for matching: not one wrong match on the adversarial cases, all confusable
distractors present at once; and almost every case that has a true answer found."""

from __future__ import annotations

from bibx.resolver import Resolver
from tests.adversarial import evaluate, kinds


def test_the_case_set_covers_every_kind_of_trap():
    counts = kinds()
    assert counts["spliced title (no such paper)"] == 65
    assert counts["distractor title"] == 23
    assert counts["close title, paper not in sources"] == 2
    assert counts["old title only (changed on arXiv)"] == 4
    assert counts["truncated title"] > 40
    assert sum(counts.values()) == 600


def test_no_wrong_match_and_high_recall(snapshot_source):
    scores, wrong = evaluate(Resolver([snapshot_source]).resolve)
    total = scores[-1]
    assert wrong == []
    assert total.precision == 1.0
    assert total.recall >= 0.99, [(s.kind, s.recall) for s in scores]
    by_kind = {s.kind: s for s in scores}
    exact = ["arXiv title", "title, lower case", "title, upper case", "title with LaTeX braces",
             "title + authors + year", "distractor title"]  # fmt: skip
    for kind in exact:
        assert by_kind[kind].recall == 1.0, kind
