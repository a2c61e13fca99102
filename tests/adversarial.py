"""Adversarial matching cases built from the seed papers' real titles (no invented papers except
the deliberately non-existent spliced titles), and the precision/recall they give.

Used by tests/test_adversarial.py (which holds the bar) and benchmarks/eval_matching.py (which
prints the table for the docs).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

from bibx.model import Name, Record
from bibx.text import match_key
from tests.conftest import FIXTURES


@dataclass
class Case:
    kind: str
    entry: Record
    expected: str | None  # the arXiv id it must resolve to, or None: must not resolve


def _seed() -> dict:
    return json.loads((FIXTURES / "seed-metadata.json").read_text(encoding="utf-8"))


def _typo(title: str) -> str:
    """Swap two letters inside the longest word (a real-world typing slip)."""
    words = title.split()
    longest = max(range(len(words)), key=lambda i: len(words[i]))
    word = words[longest]
    if len(word) >= 5:
        i = len(word) // 2
        words[longest] = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return " ".join(words)


def _latex(title: str) -> str:
    """What a hand-written .bib makes of a title: braced acronyms, an escaped ampersand."""
    return " ".join(f"{{{w}}}" if sum(c.isupper() for c in w) > 1 else w for w in title.split())


def cases() -> list[Case]:
    seed = _seed()
    papers = seed["papers"]
    present = [d for d in seed["distractors"] if d["arxiv_id"]]
    absent = [d for d in seed["distractors"] if not d["arxiv_id"]]
    out: list[Case] = []
    for p in papers:
        ident = p["arxiv_id"]
        out.append(Case("arXiv title", Record(title=p["title"]), ident))
        out.append(Case("title, lower case", Record(title=p["title"].lower()), ident))
        out.append(Case("title, upper case", Record(title=p["title"].upper()), ident))
        out.append(Case("title with a typo", Record(title=_typo(p["title"])), ident))
        out.append(Case("title with LaTeX braces", Record(title=_latex(p["title"])), ident))
        words = p["title"].split()
        if len(words) >= 8:
            cut = " ".join(words[: max(4, round(len(words) * 0.7))])
            out.append(Case("truncated title", Record(title=cut), ident))
        out.append(
            Case(
                "title + authors + year",
                Record(
                    title=p["title"],
                    authors=[
                        Name(family=a["family"], given=a["given"] or None) for a in p["authors"]
                    ],
                    issued=(int(p["submitted"][:4]),),
                ),
                ident,
            )
        )
        out.append(
            Case(
                "right title, wrong first author",
                Record(title=p["title"], authors=[Name(family="Nonexistentauthor")]),
                None,
            )
        )
        if match_key(p["title"]) != match_key(p["seed_title"]):
            out.append(
                Case("old title only (changed on arXiv)", Record(title=p["seed_title"]), None)
            )
    for d in present:
        out.append(Case("distractor title", Record(title=d["title"]), d["arxiv_id"]))
    for d in absent:
        out.append(Case("close title, paper not in sources", Record(title=d["title"]), None))
    for a, b in zip(papers, papers[1:] + papers[:1], strict=True):
        wa, wb = a["title"].split(), b["title"].split()
        spliced = " ".join(wa[: len(wa) // 2] + wb[len(wb) // 2 :])
        out.append(Case("spliced title (no such paper)", Record(title=spliced), None))
    return out


@dataclass
class Score:
    kind: str
    cases: int = 0
    correct: int = 0  # resolved to the expected paper
    wrong: int = 0  # resolved to another paper, or resolved when it must not be
    declined: int = 0  # unresolved or ambiguous
    should_resolve: int = 0

    @property
    def precision(self) -> float:
        accepted = self.correct + self.wrong
        return self.correct / accepted if accepted else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.should_resolve if self.should_resolve else 1.0


def evaluate(resolve) -> tuple[list[Score], list[str]]:
    """Score every case with `resolve(list[Record]) -> list[Record]`; list every wrong match."""
    all_cases = cases()
    results = resolve([c.entry for c in all_cases])
    by_kind: dict[str, Score] = {}
    wrong: list[str] = []
    for case, result in zip(all_cases, results, strict=True):
        score = by_kind.setdefault(case.kind, Score(case.kind))
        score.cases += 1
        score.should_resolve += case.expected is not None
        if result.status != "resolved":
            score.declined += 1
        elif result.arxiv_id == case.expected:
            score.correct += 1
        else:
            score.wrong += 1
            wrong.append(f"{case.kind}: {case.entry.title!r} -> {result.arxiv_id} {result.title!r}")
    total = Score("all")
    for score in by_kind.values():
        for field in ("cases", "correct", "wrong", "declined", "should_resolve"):
            setattr(total, field, getattr(total, field) + getattr(score, field))
    return [*by_kind.values(), total], wrong


def table(scores: list[Score]) -> str:
    lines = [
        "| cases | n | correct | wrong | declined | precision | recall |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in scores:
        lines.append(
            f"| {s.kind} | {s.cases} | {s.correct} | {s.wrong} | {s.declined} | "
            f"{s.precision:.3f} | {s.recall:.3f} |"
        )
    return "\n".join(lines)


def kinds() -> Counter:
    return Counter(c.kind for c in cases())
