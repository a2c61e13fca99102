"""One entry per line: arXiv ids and URLs, DOIs (bare, doi:, doi.org URLs), or titles."""

from __future__ import annotations

import re

from bibx.ids import identify, other_ids
from bibx.model import Name, Record
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


# What people paste around a title: a Markdown link, an id before it, "Title, Zheng et al. 2023",
# "Title (Yang et al., NeurIPS 2024)", quotes, a trailing period.
_MARKDOWN_LINK = re.compile(r"^\[(?P<text>[^\]]+)\]\((?P<url>[^)\s]+)\)\s*\.?$")
_LEADING_ID = re.compile(
    r"^(?P<id>(?:arxiv:)?\d{4}\.\d{4,5}(?:v\d+)?|10\.\d{4,9}/\S+)[\s:,-]+(?=\S)", re.I
)
_TRAILING_NOTE = re.compile(
    r"\s*(?:\((?P<paren>[^()]*\b(?:19|20)\d\d[a-z]?)\)"  # "(Yang et al., NeurIPS 2024)"
    r"|,\s*(?P<tail>[A-Z][\w'’\-]+(?: et al\.?| and [A-Z][\w'’\-]+)?,?\s+(?:19|20)\d\d))"
    r"\s*\.?$"  # ", Zheng et al. 2023"
)


def parse_line(line: str, origin: str) -> Record:
    """A line: an id, DOI or URL alone; else a title, with what surrounds it used as evidence
    (an id beside it, authors and year after it), not as part of the title."""
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
    other = other_ids(item)  # an ISBN, a PubMed or PMC id: `isbn:978-…`, `PMID: 123`
    if other:
        return Record(vars=other, origin=origin, input_form=NAME)
    record = Record(origin=origin, input_form=NAME)
    link = _MARKDOWN_LINK.match(item)
    if link:
        found, item = identify(link.group("url")), link.group("text")
    else:
        lead = _LEADING_ID.match(item)
        if lead and identify(lead.group("id")):
            found, item = identify(lead.group("id")), item[lead.end() :]
    note = _TRAILING_NOTE.search(item)
    if note and note.start() > 10:
        said = note.group("paren") or note.group("tail") or ""
        item = item[: note.start()]
        year = re.search(r"(?:19|20)\d\d", said)
        if year:
            record.issued = (int(year.group()),)
        family = re.match(r"\s*([A-Z][\w'’\-]+)", said)
        if family and ("et al" in said or " and " in said):
            record.authors = [Name(family=family.group(1))]
    record.title = squash(item.strip().strip("\"“”'‘’").rstrip(".").strip()) or None
    record.arxiv_id, record.arxiv_version, record.doi = (
        found.arxiv_id,
        found.arxiv_version,
        found.doi,
    )
    return record


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
