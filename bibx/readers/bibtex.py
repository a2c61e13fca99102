"""BibTeX and BibLaTeX files, parsed with bibtexparser v2."""

from __future__ import annotations

import re

import bibtexparser
from bibtexparser import middlewares as mw
from bibtexparser.model import DuplicateBlockKeyBlock, Entry, ParsingFailedBlock

from bibx.ids import parse_arxiv, parse_doi
from bibx.model import Name, Record
from bibx.readers import ReadResult
from bibx.text import latex_to_unicode, page_range, tex_to_text

NAME = "bibtex"

_ENTRY_START = re.compile(r"^\s*@[a-zA-Z]+\s*[{(]", re.MULTILINE)

TYPE_MAP = {
    "article": "article-journal",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "book": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "techreport": "report",
    "report": "report",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "misc": "article",
    "unpublished": "article",
    "online": "article",
    "preprint": "article",
    "electronic": "article",
}

_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")

MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
        start=1,
    )
}


# Fields BibLaTeX reads verbatim: no LaTeX decoding ("--" in a DOI is two hyphens).
VERBATIM = frozenset({"doi", "url", "eprint", "eprintclass", "primaryclass", "archiveprefix"})


def _verbatim(value: str) -> str:
    value = value.strip()
    if value.startswith("{") and value.endswith("}"):
        value = value[1:-1]
    return re.sub(r"\\([%_&#])", r"\1", value).strip()  # \% and \_ written by other tools


def sniff(text: str) -> bool:
    return bool(_ENTRY_START.search(text))


def _month(value: str) -> int | None:
    value = value.strip().lower()
    if value.isdigit() and 1 <= int(value) <= 12:
        return int(value)
    return MONTHS.get(value[:3])


def _name(parts: mw.NameParts) -> Name | None:
    def join(tokens: list[str]) -> str | None:
        text = latex_to_unicode(" ".join(tokens))
        return text or None

    last = " ".join(parts.last)
    braced = last.startswith("{") and last.endswith("}") and not last.startswith("{\\")
    if not parts.first and not parts.von and braced:
        return Name(literal=latex_to_unicode(last))  # {Team GLM}: a collective
    family = join(parts.von + parts.last)
    given = join(parts.first)
    if not family and not given:
        return None
    return Name(family=family, given=given, suffix=join(parts.jr))


def _is_arxiv(fields: dict[str, str]) -> bool:
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").lower()
    return prefix == "arxiv" or (
        "eprint" in fields and not prefix and parse_arxiv(fields["eprint"]) is not None
    )


def entry_to_record(entry: Entry, source: str) -> tuple[Record, list[str]]:
    """The entry as a Record, plus warnings about what of it was ignored."""
    line = entry.start_line + 1
    origin = f"{source}:{line}"
    problems: list[str] = []
    fields = {f.key.lower(): f.value for f in entry.fields}
    text = {
        k: _verbatim(v) if k in VERBATIM else tex_to_text(v)
        for k, v in fields.items()
        if isinstance(v, str) and k != "author"
    }
    etype = entry.entry_type.lower()
    csl_type = TYPE_MAP.get(etype)
    if csl_type is None:
        problems.append(f"{origin}: unknown entry type @{etype} for {entry.key!r}; read as article")
        csl_type = "article"
    record = Record(type=csl_type, key=entry.key, origin=origin, title=text.get("title"))
    authors = fields.get("author")
    if isinstance(authors, list):
        record.authors = [n for n in (_name(p) for p in authors) if n]
    date = _DATE.search(text.get("date") or text.get("year") or "")
    if date:
        parts = [int(p) for p in date.groups() if p]
        month = _month(text.get("month", ""))
        if month and len(parts) == 1:
            parts.append(month)
        record.issued = tuple(parts)
    elif "year" in text and text["year"].strip().lower() not in ("n.d.", "nd", ""):
        problems.append(f"{origin}: year {text['year']!r} of {entry.key!r} is not a year; ignored")
    record.container_title = (
        text.get("journal")
        or text.get("booktitle")
        or text.get("journaltitle")
        or text.get("howpublished")
    )
    record.volume = text.get("volume")
    record.issue = text.get("number") if csl_type != "article" else None
    record.page = page_range(text["pages"]) if "pages" in text else None
    record.publisher = text.get("publisher")
    record.url = text.get("url")
    record.abstract = text.get("abstract")
    record.note = text.get("note")
    if "doi" in text:
        record.doi = parse_doi(text["doi"])
        if record.doi is None:
            problems.append(f"{origin}: doi {text['doi']!r} of {entry.key!r} is not a DOI; ignored")
    if _is_arxiv(text):
        arxiv = parse_arxiv(text["eprint"].split()[0]) if text.get("eprint") else None
        if arxiv:
            record.arxiv_id, record.arxiv_version = arxiv
            record.arxiv_class = text.get("primaryclass") or text.get("eprintclass")
    if record.doi and record.doi.lower().startswith("10.48550/arxiv."):
        record.doi = None  # arXiv's own DOI is derived from the id, not a publisher DOI
    return record.mark("input"), problems


def read(text: str, source: str) -> ReadResult:
    result = ReadResult()
    library = bibtexparser.parse_string(
        text, append_middleware=[mw.SeparateCoAuthors(), mw.SplitNameParts()]
    )
    for block in library.failed_blocks:
        line = block.start_line + 1
        if isinstance(block, DuplicateBlockKeyBlock):
            result.problems.append(
                f"{source}:{line}: duplicate key {block.key!r}; the second entry was skipped"
            )
        elif isinstance(block, ParsingFailedBlock):
            first = block.raw.strip().split("\n")[0][:60]
            result.problems.append(
                f"{source}:{line}: could not parse this entry (unbalanced braces or quotes?): "
                f"{first}"
            )
    for entry in library.entries:
        try:
            record, problems = entry_to_record(entry, source)
        except Exception as exc:  # one odd entry must never sink the file
            result.problems.append(f"{source}:{entry.start_line + 1}: skipped {entry.key!r}: {exc}")
            continue
        result.records.append(record)
        result.warnings.extend(problems)
    return result
