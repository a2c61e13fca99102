"""One entry per line: arXiv ids and URLs, DOIs (bare, doi:, doi.org URLs), or titles."""

from __future__ import annotations

import re

from bibx.ids import identify
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
    found = identify(item)
    if found:
        return Record(
            arxiv_id=found.arxiv_id,
            arxiv_version=found.arxiv_version,
            doi=found.doi,
            origin=origin,
            input_form=NAME,
        )
    return Record(title=squash(item), origin=origin, input_form=NAME)


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
