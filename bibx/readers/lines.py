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


# What a line of code or markup has and a title, id or DOI has not: a TeX command, a line
# ending in a brace or semicolon, a keyword that starts a statement, an assignment, a tag.
_CODE = re.compile(
    r"\\[A-Za-z@]|[{};]\s*$|^\s*[})\]]|^\s*<[/?!A-Za-z]|\s=\s|==|=>|->|"
    r"^\s*(?:import|from|def|class|return|if|elif|else|for|while|try|except|with|function|var|"
    r"let|const|public|private|package|end)\b(?!-)"
)
NOT_A_LIST = 0.3  # this share of code-like lines (and at least 3 of them): not a list of papers


def implausible(text: str) -> str | None:
    """Why `text` does not look like a list of papers (code, LaTeX's .aux, markup), or None.
    Checked before any request is sent: read as titles, such a file would be hundreds of
    queries for nothing."""
    lines = [s for s in (line.strip() for line in text.split("\n")) if s and s[0] != "#"]
    code = [line for line in lines if _CODE.search(line)]
    if len(code) >= 3 and len(code) >= NOT_A_LIST * len(lines):
        return (
            f"{len(code)} of its {len(lines)} lines look like code or markup "
            f"(e.g. {code[0][:40]!r}), not titles, ids or DOIs"
        )
    return None


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


def read(text: str, input_name: str) -> ReadResult:
    result = ReadResult()
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if len(stripped) > MAX_LINE_CHARS:
            result.problems.append(
                f"{input_name}:{number}: line of {len(stripped)} characters is too long "
                f"for a title or identifier; skipped"
            )
            continue
        result.records.append(parse_line(stripped, f"{input_name}:{number}").mark("input"))
    return result
