"""One entry per line: arXiv ids and URLs, DOIs (bare, doi:, doi.org URLs), or titles."""

from __future__ import annotations

import re

from bibx.ids import arxiv_id_from_doi, parse_arxiv, parse_doi
from bibx.model import Record
from bibx.readers import ReadResult
from bibx.text import squash

NAME = "lines"

_BULLET = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
MAX_LINE_CHARS = 2000


def sniff(text: str) -> bool:
    return True  # the fallback form: any text is a list of lines


def parse_line(line: str, origin: str) -> Record:
    item = _BULLET.sub("", line).strip()
    arxiv = parse_arxiv(item)
    if arxiv:
        return Record(arxiv_id=arxiv[0], arxiv_version=arxiv[1], origin=origin)
    doi = parse_doi(item)
    if doi:
        arxiv_from_doi = arxiv_id_from_doi(doi)
        if arxiv_from_doi:
            return Record(arxiv_id=arxiv_from_doi, origin=origin)
        return Record(doi=doi, origin=origin)
    return Record(title=squash(item), origin=origin)


def read(text: str, source: str) -> ReadResult:
    result = ReadResult()
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if len(stripped) > MAX_LINE_CHARS:
            result.problems.append(
                f"{source}:{number}: line of {len(stripped)} characters is too long "
                f"for a title or identifier; skipped"
            )
            continue
        result.records.append(parse_line(stripped, f"{source}:{number}").mark("input"))
    return result
