"""BibTeX and BibLaTeX files: blocks split by bibtexparser v2, field values read by bibx.

bibtexparser finds the blocks (entries, `@string`, `@preamble`, comments, and what it cannot
parse, with their lines). Field values are taken from the entry's own text by `scan_fields`,
which knows where each field starts and ends: the reader expands `@string` macros and `#`
concatenations from it, and `bibx enrich` edits a file in place with the same spans, leaving
every byte it does not change as it was.

What the record has no place for is kept in `Record.extra` (plain text) and `Record.markup` (the
LaTeX as written), so converting a .bib loses nothing.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import bibtexparser
from bibtexparser.middlewares.names import (
    parse_single_name_into_parts,
    split_multiple_persons_names,
)
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ImplicitComment,
    ParsingFailedBlock,
    Preamble,
    String,
)

from bibx.ids import identify_all, preprint_venue
from bibx.model import Attachment, Date, Name, RawField, Record, read_date
from bibx.readers import ReadResult
from bibx.text import latex_to_unicode, page_range, tex_to_text
from bibx.vocab.bibtex import (
    BIBLATEX_ONLY,
    BIBLATEX_TYPES,
    FIELD_TO_DATE,
    FIELD_TO_ROLE,
    FIELD_TO_VAR,
    LANGID,
    MONTHS,
    PUBLISHER_STANDINS,
    TYPE_TO_CSL,
    UNMAPPED_ROLES,
    UNMAPPED_VARS,
    VENUE_NAMES,
    parse_file_field,
)

NAME = "bibtex"

# bibtexparser logs each block it cannot parse; bibx reports those itself, by file and line.
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)

_ENTRY_START = re.compile(r"^\s*@[a-zA-Z]+\s*[{(]", re.MULTILINE)

# Fields of prose whose paragraphs are kept: a Zotero item's child notes, one a paragraph
PARAGRAPHED = frozenset({"annote", "annotation", "comment", "abstract"})
_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")

# Fields BibLaTeX reads verbatim: no LaTeX decoding ("--" in a DOI is two hyphens).
VERBATIM = frozenset({"doi", "url", "eprint", "eprintclass", "primaryclass", "archiveprefix"})
_ARXIV_FIELDS = ("eprint", "archiveprefix", "eprinttype", "primaryclass", "eprintclass")
_CONTAINERS = VENUE_NAMES


def sniff(text: str) -> bool:
    return bool(_ENTRY_START.search(text))


# --- field spans -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldSpan:
    """One `name = value,` of an entry, by offsets into the entry's text."""

    name: str  # as written: case kept
    start: int  # the name's first character
    value_start: int
    value_end: int  # just after the value
    end: int  # just after the comma that ends the field, or `value_end` when there is none
    joined: bool = False  # the value is pieces joined by `#`


@dataclass(frozen=True)
class EntrySpans:
    type_start: int  # offsets of the entry type after `@`
    type_end: int
    body_end: int  # the closing brace (or parenthesis) of the entry
    fields: list[FieldSpan]


_NAME_RE = re.compile(r"[^\s=,{}()#\"]+")
_BARE_RE = re.compile(r"[^\s,#{}()\"]+")


_SPACE = re.compile(r"\s*")


def _skip_space(text: str, pos: int) -> int:
    return _SPACE.match(text, pos).end()  # type: ignore[union-attr]  # \s* always matches


_DELIMITERS = re.compile(r'[\\{}"]')  # what a braced or quoted value's scan stops at


def _piece_end(text: str, pos: int) -> int | None:
    """End of one value piece at `pos`: {balanced}, "quoted" (braces balanced inside), bare."""
    if pos >= len(text):
        return None
    if text[pos] in '{"':
        quoted = text[pos] == '"'
        depth = 0
        i = pos + 1
        search = _DELIMITERS.search  # jump from delimiter to delimiter over the plain text
        while (found := search(text, i)) is not None:
            i = found.start()
            char = text[i]
            if char == "\\":
                i += 2
                continue
            if char == "{":
                depth += 1
            elif char == "}":
                if depth == 0:
                    return None if quoted else i + 1
                depth -= 1
            elif quoted and depth == 0:  # a quote ends a quoted value outside braces
                return i + 1
            i += 1
        return None
    match = _BARE_RE.match(text, pos)
    return match.end() if match else None


def _value_end(text: str, pos: int) -> tuple[int, bool] | None:
    """The end of a value starting at `pos`, and whether it is pieces joined by `#`; None when
    a piece does not end."""
    joined = False
    while True:
        end = _piece_end(text, pos)
        if end is None:
            return None
        pos = _skip_space(text, end)
        if pos < len(text) and text[pos] == "#":
            pos = _skip_space(text, pos + 1)
            joined = True
            continue
        return end, joined


_HEAD = re.compile(r"\s*@\s*([A-Za-z][\w.:+-]*)\s*([{(])\s*[^,\s{}]*\s*,?")


def scan_fields(entry: str, start: int = 0) -> EntrySpans | None:
    """The spans of the type and fields of the entry at `start` of `entry` (offsets from
    `start`), or None when its syntax is not plain BibTeX."""
    head = _HEAD.match(entry, start)
    if not head:
        return None
    closing = "}" if head.group(2) == "{" else ")"
    pos = head.end()
    fields: list[FieldSpan] = []
    while True:
        pos = _skip_space(entry, pos)
        if pos >= len(entry):
            return None
        if entry[pos] == closing:
            return EntrySpans(head.start(1) - start, head.end(1) - start, pos - start, fields)
        name = _NAME_RE.match(entry, pos)
        if not name:
            return None
        after = _skip_space(entry, name.end())
        if after >= len(entry) or entry[after] != "=":
            return None
        value_start = _skip_space(entry, after + 1)
        value = _value_end(entry, value_start)
        if value is None:
            return None
        value_end, joined = value
        cursor = _skip_space(entry, value_end)
        field_end = cursor + 1 if cursor < len(entry) and entry[cursor] == "," else value_end
        fields.append(
            FieldSpan(
                name.group(),
                name.start() - start,
                value_start - start,
                value_end - start,
                field_end - start,
                joined,
            )
        )
        pos = field_end


def _pieces(value: str) -> Iterator[str]:
    pos = 0
    while pos < len(value):
        end = _piece_end(value, pos)
        if end is None:  # cannot happen for a scanned value; keep the rest as text
            yield value[pos:]
            return
        yield value[pos:end]
        pos = _skip_space(value, end)
        if pos < len(value) and value[pos] == "#":
            pos = _skip_space(value, pos + 1)


def expand(value: str, strings: dict[str, str]) -> str:
    """A raw field value (`{x}`, `"x"`, `2024`, `acl # " 2024"`) as its LaTeX text: delimiters
    removed, `@string` macros and month names expanded, pieces joined."""
    out = []
    for piece in _pieces(value.strip()):
        if piece[:1] in '{"':
            out.append(piece[1:-1])
        elif piece.isdigit():
            out.append(piece)
        else:
            out.append(strings.get(piece.lower(), piece))
    return "".join(out)


# --- entries to records ------------------------------------------------------------------------


_MONTH_WORD = re.compile(r"[a-z]+", re.IGNORECASE)
_DAYS = re.compile(r"\b(\d{1,2})(?:\s*[-–]+\s*(\d{1,2}))?\b")


def month_and_day(value: str) -> tuple[int, int | None, int | None] | None:
    """A month field as (month, day, last day): `jan`, `1`, `January`, `10~jan`, `December~3`,
    `24-28 sep`; None when it names no month."""
    value = value.replace("\xa0", " ").replace("~", " ").strip().lower()
    if value.isdigit():
        return (int(value), None, None) if 1 <= int(value) <= 12 else None
    months = [MONTHS.get(w[:3]) for w in _MONTH_WORD.findall(value) if len(w) >= 3]
    known = [m for m in months if m]
    if len(known) != 1:
        return None
    days = _DAYS.search(value)
    if days is None:
        return known[0], None, None
    first, last = int(days.group(1)), int(days.group(2)) if days.group(2) else None
    if not 1 <= first <= 31 or (last is not None and not first < last <= 31):
        return known[0], None, None
    return known[0], first, last


def _month(value: str) -> int | None:
    found = month_and_day(value)
    return found[0] if found else None


# Commands that put a sort key into a value without printing it: `{\noopsort{1973c}}1981`.
_SORT_KEY = re.compile(r"\\(?:noopsort|SortNoop|sortnoop|NOOP|noop|nosort)\s*\{[^{}]*\}")
_YEAR = re.compile(r"(\d{4})([a-z])?")
_RANGE = re.compile(r"(\d{4})\s*(?:--|–|—|-|/)\s*(\d{4})")


def read_year(latex: str) -> Date | None:
    """A `year` field as BibTeX prints it, sort keys left out: `1981`, `1986a`, `1997--2018`;
    anything else (`in press`, `forthcoming`) is kept as text, never mined for digits."""
    text = tex_to_text(_SORT_KEY.sub("", latex)).strip()
    if not text or text.lower() in ("n.d.", "nd", "n. d."):
        return None
    if match := _YEAR.fullmatch(text):
        return Date(parts=(int(match.group(1)),))
    if match := _RANGE.fullmatch(text):
        first, last = int(match.group(1)), int(match.group(2))
        if first < last:
            return Date(parts=(first,), end=(last,))
    return Date(literal=text)


_AND = re.compile(r"[ \r\n\t]+and[ \r\n\t]+", re.IGNORECASE)


def split_names(value: str) -> list[str]:
    """bibtexparser's split of an author list at "and", done by one regex when there are no
    braces or escapes to respect (nearly always): its character loop is most of reading a
    large .bib. tests/test_readers.py checks the two agree."""
    if "{" in value or "\\" in value:
        return split_multiple_persons_names(value)
    value = value.strip(" \r\n\t")
    return _AND.split(value) if value else []


# A bibliography names the same people again and again: each name is parsed once.
_name_parts = lru_cache(maxsize=65536)(parse_single_name_into_parts)


_EXTENDED = re.compile(r"^\s*(family|given|prefix|suffix)\s*=", re.IGNORECASE)


def _extended_name(person: str) -> Name | None:
    """BibLaTeX's extended name format, `family=Smith, given=John, prefix=van`, or None."""
    if not _EXTENDED.match(person):
        return None
    parts: dict[str, str] = {}
    for piece in person.split(","):
        name, equals, value = piece.partition("=")
        if equals:
            parts[name.strip().lower()] = latex_to_unicode(value.strip().strip('"'))
    family = " ".join(p for p in (parts.get("prefix"), parts.get("family")) if p) or None
    return Name(family=family, given=parts.get("given") or None, suffix=parts.get("suffix"))


def names(value: str) -> tuple[list[Name], bool]:
    """An author field as names, and whether it ends in `and others` (an incomplete list). A
    name BibTeX's rules cannot split (too many commas) is kept whole, as one literal name."""
    out: list[Name] = []
    others = False
    for person in split_names(value):
        if person.strip().lower() == "others":
            others = True
            continue
        name = _person(person)
        if name is not None:
            out.append(name)
    return out, others


@lru_cache(maxsize=65536)
def _person(person: str) -> Name | None:
    """One person of a name list (a bibliography names the same people again and again, and
    a Name is immutable: each is made once)."""
    extended = _extended_name(person) if "=" in person else None
    if extended is not None:
        return extended
    try:
        parts = _name_parts(person)
    except Exception:  # "a, b, c, d": bibtex warns and prints it anyway; keep it whole
        return Name(literal=latex_to_unicode(person))
    last = " ".join(parts.last)
    braced = last.startswith("{") and last.endswith("}") and not last.startswith("{\\")
    if not parts.first and not parts.von and braced:
        return Name(literal=latex_to_unicode(last))  # {Team GLM}: a collective
    family = latex_to_unicode(" ".join(parts.von + parts.last)) or None
    given = latex_to_unicode(" ".join(parts.first)) or None
    if not (family or given):
        return None
    return Name(family=family, given=given, suffix=latex_to_unicode(" ".join(parts.jr)) or None)


def _verbatim(value: str) -> str:
    return re.sub(r"\\([%_&#])", r"\1", value).strip()  # \% and \_ written by other tools


def _is_arxiv(fields: dict[str, str]) -> bool:
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").lower()
    return prefix == "arxiv" or (
        "eprint" in fields and not prefix and identify_all(fields["eprint"]).arxiv_id is not None
    )


def fields_of(entry_text: str, spans: EntrySpans, strings: dict[str, str]) -> dict[str, str]:
    """An entry's fields, lower-cased name -> LaTeX value (first of repeated names)."""
    out: dict[str, str] = {}
    for span in spans.fields:
        name = span.name.lower()
        if name in out:
            continue
        value = entry_text[span.value_start : span.value_end]
        if span.joined:
            out[name] = expand(value, strings)
        elif value[0] in '{"':  # one piece, as the scan found it: no second scan
            out[name] = value[1:-1]
        else:
            out[name] = value if value.isdigit() else strings.get(value.lower(), value)
    return out


# field -> CSL variable, and field -> role, with the CSL names bibx writes as fields of their own
_VARS = {**FIELD_TO_VAR, **{var: var for var in UNMAPPED_VARS}}
_ROLES = {**FIELD_TO_ROLE, **{role: role for role in UNMAPPED_ROLES}}


def _is_url(path: str) -> bool:
    return bool(re.match(r"[a-z][a-z0-9+.-]*://", path, re.IGNORECASE))


def _decoded(name: str, latex: str) -> str:
    """A field's text; in prose fields a blank line is a paragraph break, as in LaTeX."""
    if name in PARAGRAPHED and "\n" in latex and _PARAGRAPH.search(latex):
        return "\n\n".join(p for p in map(tex_to_text, _PARAGRAPH.split(latex)) if p)
    return tex_to_text(latex)


def _number_var(csl_type: str) -> str:
    """Which CSL variable a `number` field is, by the kind of work (as pandoc reads it): a
    journal's issue, a report's or patent's own number, a series number for a book's parts."""
    if csl_type in ("article-journal", "periodical", "article-magazine", "article-newspaper"):
        return "issue"
    if csl_type in ("book", "chapter", "paper-conference", "entry"):
        return "collection-number"
    return "number"


def to_record(
    etype: str,
    key: str,
    latex: dict[str, str],
    origin: str,
    raw: list[tuple[str, str]] | None = None,
) -> tuple[Record, list[str]]:
    """One entry (type, key, LaTeX fields, and the fields as written) as a Record, plus
    warnings about what was ignored. Every field the record has no place for is kept in
    `extra`, and every field as written in `raw`, with the record field it was read into."""
    problems: list[str] = []
    text = {k: _verbatim(v) if k in VERBATIM else _decoded(k, v) for k, v in latex.items()}
    written_type = etype
    etype = etype.lower()
    csl_type = TYPE_TO_CSL.get(etype)
    if csl_type is None:
        problems.append(f"{origin}: unknown entry type @{etype} for {key!r}; kept as written")
        csl_type = "article"
    record = Record(
        type=csl_type,
        key=key,
        origin=origin,
        title=text.get("title"),
        input_form=NAME,
        input_type=etype,
        raw_type=written_type,
        curated=True,
        markup=dict(latex),
    )
    feeds: dict[str, str] = {"title": "title"}  # field -> the record field it was read into
    statements: set[str] = set()  # what a preprint's entry states: fed, and kept as written
    if "author" in latex:
        record.authors, record.et_al = names(latex["author"])
        feeds["author"] = "authors"
    _read_dates(record, latex, text, feeds)
    # `howpublished = {\url{https://arxiv.org/abs/...}}`, as many .bib files give a preprint
    linked = re.search(r"\\url\{([^{}]*)\}", latex.get("howpublished", ""))
    ids = identify_all(text.get("doi"), text.get("url"), linked.group(1) if linked else None)
    if "doi" in text:
        if not ids.doi and not (ids.arxiv_id and "10.48550" in text["doi"]):
            problems.append(f"{origin}: doi {text['doi']!r} of {key!r} is not a DOI; kept as text")
        else:
            feeds["doi"] = "doi"
            record.input_doi = text["doi"].strip()
            if not ids.doi:  # arXiv's own DOI stays in `extra` too: it is the user's field
                statements.add("doi")
    if _is_arxiv(text) and text.get("eprint"):
        eprint = identify_all(text["eprint"].split()[0])
        if eprint.arxiv_id:
            ids = eprint.merged(ids)
            record.arxiv_class = text.get("primaryclass") or text.get("eprintclass")
            feeds.update({f: "arxiv_id" for f in _ARXIV_FIELDS if f in text})
    elif (text.get("eprinttype") or "").lower() == "pubmed" and text.get("eprint"):
        record.vars["PMID"] = text["eprint"].strip()
        feeds.update({"eprint": "PMID", "eprinttype": "PMID"})
    for name in _CONTAINERS:
        if name not in text or (name == "howpublished" and re.search(r"\\url|://", text[name])):
            continue
        feeds[name] = "container_title"  # replaced together when bibx finds the venue
        preprint = preprint_venue(text[name], text.get("volume"))
        if preprint is not None:  # "arXiv preprint arXiv:2402.06147", CoRR: not a venue
            ids = ids.merged(preprint)  # kept in `extra` as written, while the type is the user's
            statements.add(name)
        elif record.container_title is None:
            record.container_title = text[name]
    if record.container_title is None and set(_CONTAINERS) & text.keys():
        record.type = "article"  # its only venue was arXiv: a preprint, whatever its @type
    record.doi, record.arxiv_id = ids.doi, ids.arxiv_id
    record.arxiv_version = ids.arxiv_version
    if "url" in text:
        record.url = text["url"]
        feeds["url"] = "url"
    elif linked:  # `howpublished = {\url{…}}`, the older way to give a link: it is the URL
        # (the field itself stays the user's, as written, in `extra`)
        record.url = linked.group(1).strip()
    if "volume" in text:
        feeds["volume"] = "volume"
        if not text["volume"].startswith("abs/"):
            record.volume = text["volume"]
        else:  # dblp's CoRR volume: the user's, not a venue's
            statements.add("volume")
    number = _number_var(record.type)
    for name in ("number", "issue"):
        if name in text:
            target = number if name == "number" else "issue"
            if target == "issue" and record.issue is None:
                record.issue, feeds[name] = text[name], "issue"
            elif target != "issue" and target not in record.vars:
                record.vars[target], feeds[name] = text[name], target
    if "pages" in text:
        record.page = page_range(text["pages"])
        feeds["pages"] = "page"
    for name in ("publisher", *PUBLISHER_STANDINS):  # the first present, as pandoc reads them
        if name in text and record.publisher is None and text[name]:
            record.publisher = text[name]
            feeds[name] = "publisher"
    for name in ("abstract", "note"):
        if name in text:
            setattr(record, name, text[name])
            feeds[name] = name
    for name, value in text.items():  # in the entry's order: `address` before `location`
        if name in _VARS and value and _VARS[name] not in record.vars:
            record.vars[_VARS[name]] = value
            feeds[name] = _VARS[name]
        elif name in _ROLES and _ROLES[name] not in record.names:
            people, _ = names(latex[name])
            if people:
                record.names[_ROLES[name]] = people
                feeds[name] = _ROLES[name]
        elif name in FIELD_TO_DATE and (date := read_date(value)) is not None:
            record.dates[FIELD_TO_DATE[name]] = date
            feeds[name] = FIELD_TO_DATE[name]
    if latex.get("file", "").strip():  # JabRef's, Mendeley's, Better BibTeX's attachments
        record.attachments = [
            Attachment(title=d, path=None if _is_url(p) else p or None,
                       url=p if _is_url(p) else None, mime=m, mode=3 if _is_url(p) else 2)
            for d, p, m in parse_file_field(latex["file"])
        ]  # fmt: skip
        feeds["file"] = "attachments"
    if text.get("groups", "").strip():  # JabRef's groups: the collections the entry is in
        record.collections = [g.strip() for g in text["groups"].split(",") if g.strip()]
        feeds["groups"] = "collections"
    if text.get("langid"):  # the language babel sets: CSL's, as a BCP 47 tag
        if "language" in feeds and feeds.get("language") == "language":
            del feeds["language"]  # biblatex's `language` says what to print: kept as written
        record.vars["language"] = LANGID.get(text["langid"].strip(), text["langid"].strip())
        feeds["langid"] = "language"
    if etype in THESIS_GENRE and "genre" not in record.vars:
        record.vars["genre"] = THESIS_GENRE[etype]  # what the type says, as pandoc and Zotero
    feeds = {name: target for name, target in feeds.items() if name in text}
    record.extra = {k: v for k, v in text.items() if k not in feeds or k in statements}
    if raw is not None:
        record.raw = [RawField(name, value, feeds.get(name.lower())) for name, value in raw]
    return record.mark("input"), problems


def _read_dates(
    record: Record, latex: dict[str, str], text: dict[str, str], feeds: dict[str, str]
) -> None:
    """`date` (BibLaTeX) or `year` and `month` (BibTeX) as the record's issued date: a day and
    a range of days or years where the input gives them, the text itself when it is no date."""
    if "date" in text:
        date, feeds["date"] = read_date(text["date"]), "issued"
    elif "year" in latex:
        date, feeds["year"] = read_year(latex["year"]), "issued"
    else:
        return
    if date is None:
        return
    if not date.parts:
        record.issued_literal = date.literal
        return
    record.issued, record.issued_end = date.parts, date.end or None
    if "month" in text and len(date.parts) == 1 and not date.end:
        found = month_and_day(text["month"])
        if found:
            month, day, last = found
            record.issued = (date.parts[0], month) + ((day,) if day else ())
            if last:
                record.issued_end = (date.parts[0], month, last)
            feeds["month"] = "issued"


@dataclass
class Block:
    """An entry as found in the file: where it starts (offset, line), its text, its record."""

    start: int
    line: int
    text: str
    key: str
    record: Record | None  # None: the entry could not be read
    spans: EntrySpans | None  # where its type and fields are in `text` (None: not plain BibTeX)


@dataclass
class _Split:
    """A block as the splitter found it: an entry, a `@string`, or what cannot be used."""

    kind: str  # "entry", "string", "duplicate" (a key seen before), "failed"
    start: int  # offset of its `@` in the file
    text: str
    type: str = ""  # an entry's type, lower-cased
    key: str = ""
    value: str = ""  # a `@string`'s value as written
    spans: EntrySpans | None = None  # an entry's, when the splitter scanned them
    repeated: tuple[str, ...] = ()  # an entry's field names given twice (BibTeX keeps the first)


_TYPE_NAME = re.compile(r"[a-z][\w.:+-]*")
# where bibtexparser starts a block: `@`, a word, spaces or tabs, then `{` or `(`
_BLOCK_START = re.compile(r"@(\w*)[ \t]*(?=[{(])")
# an escaped backslash before a delimiter: bibtexparser reads the delimiter as escaped
_ODD_ESCAPE = re.compile(r'\\\\[{}"]')
_ENTRY_KEY = re.compile(r'\s*([^\s,{}"=#@\\]+)\s*,')  # `key(1)`: BibTeX reads it
_STRING_NAME = re.compile(r'\s*([^\s,{}()"=#@\\]+)\s*=')


def _plain_block(text: str, mark: re.Match[str]) -> tuple[int, _Split | None] | None:
    """The end of the block `mark` starts, and the entry or `@string` it is (None for a comment
    or preamble); None when the block is not plain: bibtexparser then reads it."""
    start = mark.start()
    if text[mark.end()] != "{":
        return None  # a block in parentheses
    kind = mark.group(1).lower()
    body = mark.end() + 1
    if kind == "comment":
        end = _piece_end(text, mark.end())  # a comment's braces balance; nothing else counts
        return None if end is None or _ODD_ESCAPE.search(text, start, end) else (end, None)
    if kind in ("preamble", "string"):
        name = _STRING_NAME.match(text, body) if kind == "string" else None
        if kind == "string" and name is None:
            return None
        value_start = _skip_space(text, name.end() if name else body)
        value = _value_end(text, value_start)
        if value is None:
            return None
        value_end = value[0]
        close = _skip_space(text, value_end)
        if close >= len(text) or text[close] != "}" or _ODD_ESCAPE.search(text, start, close):
            return None
        if name is None:
            return close + 1, _Split("preamble", start, text[start : close + 1])
        written = text[value_start:value_end]
        block = _Split("string", start, text[start : close + 1], key=name.group(1), value=written)
        return close + 1, block
    head = _ENTRY_KEY.match(text, body)
    # `@bibdesk_info` and `@commented` are entry types to BibTeX: only `@comment` is not
    if not _TYPE_NAME.fullmatch(kind) or not head:
        return None
    spans = scan_fields(text, start)
    if spans is None:
        return None
    end = start + spans.body_end + 1
    names = [field.name.lower() for field in spans.fields]
    if any("\\" in name for name in names):
        return None
    # a quote inside braces inside a quoted value (`"zeitgem{"a}{\\ss}"`) is read as BibTeX
    # reads it, as a letter; bibtexparser would end the value there and lose the entry
    if _ODD_ESCAPE.search(text, start, end):
        return None
    repeated = tuple(sorted({name for name in names if names.count(name) > 1}))
    split = _Split(
        "entry", start, text[start:end], kind, head.group(1), spans=spans, repeated=repeated
    )
    return end, split


def _split_plain(text: str) -> tuple[list[_Split], int]:
    """The file's entries and `@string`s found by one scan, up to the first block that is not
    plain (a block in parentheses, a repeated key or field, an `@` that would start a block
    inside another, an escaped backslash before a brace, ...), and the offset there, where
    bibtexparser's splitter, with its recovery from errors, takes over (the end of the text
    when every block is plain). Each block is where bibtexparser would find it."""
    out: list[_Split] = []
    keys: set[str] = set()
    pos = 0  # the end of the last block read
    last: tuple[int, int, str] | None = None  # before that block: blocks, `pos`, its key
    for mark in _BLOCK_START.finditer(text):
        if mark.start() < pos:  # an `@` inside the last block: bibtexparser may stop it there
            if last is not None:
                del out[last[0] :]
                pos = last[1]
                keys.discard(last[2])
            return out, pos
        found = _plain_block(text, mark)
        if found is None:
            return out, pos
        end, block = found
        # an entry with a field given twice is no key of bibtexparser's library (it is its
        # failed block), so neither a repeat of a key nor repeated by a later one
        key = block.key.lower() if block is not None and not block.repeated else ""
        if key and key in keys:
            return out, pos  # a key seen before: which one bibtexparser keeps is its own rule
        last = (len(out), pos, key)
        if block is not None:
            out.append(block)
        if key:
            keys.add(key)
        pos = end
    return out, len(text)


def _split(text: str) -> list[_Split]:
    """The file's blocks: by the fast scan as far as every block is plain, by bibtexparser from
    the first that is not (a large file with one odd entry keeps nearly all the speed)."""
    out, cut = _split_plain(text)
    if cut >= len(text):
        return out
    seen = {(block.kind, block.key) for block in out if not block.repeated}
    for block in _split_bibtexparser(text[cut:]):
        block.start += cut
        if block.kind in ("entry", "string") and not block.repeated:
            if (block.kind, block.key) in seen:  # as bibtexparser marks a repeated key
                block = _Split("duplicate", block.start, block.text, key=block.key)
            seen.add((block.kind, block.key))
        out.append(block)
    return out


def _split_bibtexparser(text: str) -> list[_Split]:
    """The file's blocks as bibtexparser's splitter finds them, with its recovery from errors."""
    library = bibtexparser.parse_string(text, parse_stack=[])
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    out = []
    after = 0  # where the last block found ends: blocks come in order (a repeated one too)
    for block in library.blocks:
        raw = block.raw or ""
        # bibtexparser's line of a block can run early (a backslash before a line's end hides
        # that newline from it), never late: the block's text is found from that line on
        line_start = max(line_starts[min(block.start_line or 0, len(line_starts) - 1)], after)
        start = text.find(raw, line_start) if raw else -1
        start = line_start if start < 0 else start
        if not isinstance(block, ImplicitComment):
            after = start + len(raw)
        if isinstance(block, String):
            out.append(_Split("string", start, raw, key=block.key, value=str(block.value)))
        elif isinstance(block, Preamble):
            out.append(_Split("preamble", start, raw))
        elif isinstance(block, DuplicateFieldKeyBlock) and isinstance(
            entry := block.ignore_error_block, Entry
        ):  # a field given twice: read as BibTeX reads it, the first value
            repeated = tuple(sorted({k.lower() for k in block.duplicate_keys}))
            out.append(_Split("entry", start, raw, entry.entry_type, entry.key, repeated=repeated))
        elif isinstance(block, DuplicateBlockKeyBlock):
            out.append(_Split("duplicate", start, raw, key=block.key))
        elif isinstance(block, ParsingFailedBlock):
            out.append(_Split("failed", start, raw))
        elif isinstance(block, Entry):
            out.append(_Split("entry", start, raw, block.entry_type, block.key))
    return out


def blocks(text: str, input_name: str) -> tuple[list[Block], ReadResult]:
    """Every entry of the file with its place in `text`, and what could not be read."""
    result = ReadResult()
    split = _split(text)
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    strings: dict[str, str] = {}
    found: list[Block] = []
    for block in split:
        line = bisect.bisect_right(line_starts, block.start)
        if block.kind == "string":
            strings[block.key.lower()] = expand(block.value, strings)
            result.preamble.append(block.text)
        elif block.kind == "preamble":
            result.preamble.append(block.text)
        elif block.kind == "duplicate":
            result.problems.append(
                f"{input_name}:{line}: duplicate key {block.key!r}; the second entry was skipped"
            )
        elif block.kind == "failed":
            first = block.text.strip().split("\n")[0][:60]
            result.problems.append(
                f"{input_name}:{line}: could not parse this entry (unbalanced braces or quotes?): "
                f"{first}"
            )
        else:
            origin = f"{input_name}:{line}"
            spans = block.spans or scan_fields(block.text)
            record = None
            try:
                if spans is None:
                    raise ValueError("its fields are not in BibTeX syntax")
                latex = fields_of(block.text, spans, strings)
                raw = [(f.name, block.text[f.value_start : f.value_end]) for f in spans.fields]
                written = block.text[spans.type_start : spans.type_end]  # `@BOOK`, case kept
                record, problems = to_record(written, block.key, latex, origin, raw)
                result.records.append(record)
                if block.repeated:
                    result.warnings.append(
                        f"{origin}: {block.key!r} gives {', '.join(block.repeated)} more than "
                        "once; the first value is read, as BibTeX reads it (biber reads the "
                        "last); a .bib written from it keeps both"
                    )
                result.warnings.extend(problems)
            except Exception as exc:  # one odd entry must never sink the file
                result.problems.append(f"{origin}: skipped {block.key!r}: {exc}")
            found.append(Block(block.start, line, block.text, block.key, record, spans))
    dialect = file_dialect(result.records)
    for record in result.records:
        record.dialect = dialect
    inherit(result.records)
    return found, result


# the genre a thesis's entry type names, in the words pandoc (biblatex's English strings) uses
THESIS_GENRE = {"phdthesis": "PhD thesis", "mastersthesis": "Master's thesis"}

# entry types that are a part of their crossref'd parent: its title is their container's
_PARTS = frozenset({"chapter", "paper-conference", "entry", "entry-encyclopedia"})


def inherit(records: list[Record]) -> None:
    """Fill each entry's empty fields from the entry its `crossref` (or `xdata`) names, as
    BibTeX, biber and pandoc do: a chapter or paper takes its book's or proceedings' title as
    its container, and the parent's editors, date, publisher, place, series, ISBN... The fields
    filled are the input's (provenance "input") but none is fed by a field of the entry's own,
    so a .bib written back is still the entry as written."""
    by_key = {r.key.lower(): r for r in records if r.key}
    for child in records:
        named = child.extra.get("crossref") or child.extra.get("xdata") or ""
        for key in re.split(r"[\s,]+", named.strip()):
            parent = by_key.get(key.lower())
            if parent is None or parent is child:
                continue
            if child.container_title is None:
                if child.type in _PARTS and parent.title:
                    child.container_title = parent.title
                else:
                    child.container_title = parent.container_title
            for name in ("issued", "issued_end", "issued_literal", "publisher", "volume",
                         "issue", "doi", "url"):  # fmt: skip
                if getattr(child, name) is None and getattr(parent, name) is not None:
                    setattr(child, name, getattr(parent, name))
            if not child.authors and parent.authors:
                child.authors = list(parent.authors)
            for table in ("vars", "names", "dates"):
                mine, theirs = getattr(child, table), getattr(parent, table)
                for name, value in theirs.items():
                    if name not in mine and name not in ("title-short",):
                        mine[name] = value
            child.mark("input")


def file_dialect(records: list[Record]) -> str:
    """`biblatex` when any entry uses a type or field classic BibTeX does not know (`date`,
    `journaltitle`, `location`, `@online`), else `bibtex`."""
    for record in records:
        if record.input_type in BIBLATEX_TYPES or any(
            f.name.lower() in BIBLATEX_ONLY for f in record.raw
        ):
            return "biblatex"
    return "bibtex"


def read(text: str, input_name: str) -> ReadResult:
    return blocks(text, input_name)[1]
