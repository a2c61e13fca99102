"""A copied paper-listing page (Hugging Face Papers and the like): title, abstract, title, ...

Paragraphs are separated by blank lines. A paper is a short one-line title paragraph followed by a
long abstract paragraph. The page chrome above the first paper ("Subscribe", a date) is skipped;
a title found later with no abstract after it is still an entry (the abstract is optional).
"""

from __future__ import annotations

import itertools
import re

from bibx.model import Record
from bibx.readers import ReadResult
from bibx.text import squash

NAME = "listing"

MIN_ABSTRACT_CHARS = 200  # shortest abstract in the seed page: 514 characters
MAX_TITLE_CHARS = 300  # longest title in the seed page: 149 characters
MIN_TITLE_WORDS = 2


def paragraphs(text: str) -> list[tuple[int, str]]:
    """(first line number, text) of each blank-line separated paragraph."""
    out: list[tuple[int, str]] = []
    start, buf = 0, list[str]()
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            if not buf:
                start = number
            buf.append(line)
        elif buf:
            out.append((start, "\n".join(buf)))
            buf = []
    if buf:
        out.append((start, "\n".join(buf)))
    return out


def _is_abstract(para: str) -> bool:
    return len(para) >= MIN_ABSTRACT_CHARS and bool(re.search(r"[.!?]\s", para + " "))


def _is_title(para: str) -> bool:
    return (
        "\n" not in para.strip()
        and len(para) <= MAX_TITLE_CHARS
        and len(para.split()) >= MIN_TITLE_WORDS
        and not _is_abstract(para)
    )


def sniff(text: str) -> bool:
    """A listing page has abstract paragraphs, and most of them follow a title."""
    paras = [p for _, p in paragraphs(text)]
    abstracts = sum(1 for p in paras if _is_abstract(p))
    pairs = sum(1 for a, b in itertools.pairwise(paras) if _is_title(a) and _is_abstract(b))
    return pairs >= 1 and pairs * 2 >= abstracts


def read(text: str, input_name: str) -> ReadResult:
    result = ReadResult()
    paras = paragraphs(text)
    seen_paper = False
    i = 0
    while i < len(paras):
        line, para = paras[i]
        following = paras[i + 1][1] if i + 1 < len(paras) else None
        if _is_title(para) and following is not None and _is_abstract(following):
            result.records.append(
                Record(
                    title=squash(para), abstract=squash(following), origin=f"{input_name}:{line}"
                ).mark("input")
            )
            seen_paper = True
            i += 2
            continue
        if seen_paper and _is_title(para):
            result.records.append(
                Record(title=squash(para), origin=f"{input_name}:{line}").mark("input")
            )
            result.warnings.append(
                f"{input_name}:{line}: title with no abstract after it: {para!r}"
            )
        elif seen_paper:
            result.warnings.append(
                f"{input_name}:{line}: skipped a paragraph that is neither a title nor follows one"
            )
        i += 1
    return result
