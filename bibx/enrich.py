"""Bring a user's own .bib up to date in place, changing only what bibx has better.

Every entry is resolved with the resolver's trust rules (its DOI or arXiv id first, else its
title, authors and year); a curated entry's own values win there (see `match.merge`). What
the resolved record has and the entry lacks or had incomplete is then written into the entry's
own text: a new field after its last one, in the entry's layout (indentation, `=` alignment,
delimiters, name case, trailing comma); a changed value in place; the type token when a preprint
becomes its published version. Every other byte of the file (other entries, fields, `@string`,
`@preamble`, comments, blocks that could not be parsed) is left exactly as it was, so a
`git diff` shows only what changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from bibx.match import deduplicate
from bibx.model import Record
from bibx.readers.bibtex import Block, EntrySpans, FieldSpan, blocks, expand, names
from bibx.resolver import Resolver
from bibx.text import match_key, page_range, tex_to_text
from bibx.vocab.bibtex import BIBLATEX_ONLY, VENUE_NAMES
from bibx.writers import WriteOptions
from bibx.writers.bibtex import entry_type, typed_fields

# Fields bibx may add to a user's entry, in the order it writes them. Not added: url (the DOI
# and eprint already link the paper), abstract, note, keywords and bibx's own bookkeeping.
ADDABLE = (
    "author", "title", "journal", "journaltitle", "booktitle", "volume", "number", "pages",
    "year", "month", "date", "publisher", "doi", "eprint", "archiveprefix", "primaryclass",
    "eprinttype", "eprintclass",
    # books, software, PubMed's articles: only ever added, never changed
    "edition", "version", "isbn", "pmid", "pmcid",
)  # fmt: skip
CONTAINERS = frozenset({"journal", "journaltitle", "booktitle"})
EPRINT_FIELDS = frozenset({"eprint", "archiveprefix", "primaryclass", "eprinttype", "eprintclass"})
# What a preprint's upgrade to its published version may change (the rest is only ever added).
UPGRADED = frozenset(
    {"journal", "journaltitle", "booktitle", "volume", "number", "pages", "year", "month", "date",
     "publisher", "doi"}
)  # fmt: skip
# Only in a BibLaTeX-style entry; only in a classic one.
BIBLATEX_FIELDS = frozenset({"journaltitle", "date", "eprinttype", "eprintclass"})
BIBTEX_FIELDS = frozenset({"journal", "year", "month", "archiveprefix", "primaryclass"})
# Which record attribute each BibTeX field holds, to know whether bibx changed it.
ATTRIBUTE = {
    "author": "authors", "title": "title", "journal": "container_title",
    "journaltitle": "container_title", "booktitle": "container_title", "volume": "volume",
    "number": "issue", "pages": "page", "year": "issued", "month": "issued", "date": "issued",
    "publisher": "publisher", "doi": "doi", "eprint": "arxiv_id", "archiveprefix": "arxiv_id",
    "eprinttype": "arxiv_id", "primaryclass": "arxiv_class", "eprintclass": "arxiv_class",
}  # fmt: skip


@dataclass(frozen=True)
class Change:
    field: str  # a BibTeX field name as the entry writes it, or "@type"
    old: str | None  # the value as written (None: the field is new)
    new: str | None  # the value to write, delimiters included (None: the field goes)

    def describe(self, width: int) -> str:
        name = self.field.ljust(width)
        if self.old is None:
            return f"  + {name} = {self.new}"
        if self.new is None:
            return f"  - {name} = {self.old}"
        if self.field == "@type":
            return f"  ~ {name}   @{self.old} -> @{self.new}"
        return f"  ~ {name} = {self.old} -> {self.new}"


@dataclass
class EntryResult:
    block: Block
    record: Record  # as resolved
    changes: list[Change] = field(default_factory=list)

    def describe(self) -> str:
        width = max((len(c.field) for c in self.changes), default=0)
        head = f"{self.block.record.origin if self.block.record else ''} {self.block.key}"
        why = f" ({self.record.reason})" if self.record.reason else ""
        return "\n".join([head + why] + [c.describe(width) for c in self.changes])


@dataclass
class EnrichResult:
    text: str
    entries: list[EntryResult]
    problems: list[str]  # blocks that could not be read (kept verbatim)
    warnings: list[str]
    duplicates: list[str]  # entries naming the same paper (all kept)

    @property
    def changed(self) -> list[EntryResult]:
        return [e for e in self.entries if e.changes]


@dataclass(frozen=True)
class EnrichOptions:
    keep: frozenset[str] = frozenset()  # field names bibx must not touch
    dialect: str | None = None  # None: each entry's own (BibLaTeX names if it uses any)
    venue: str = "long"  # "short": a journal or booktitle added is the venue's short form


# --- comparing values --------------------------------------------------------------------------


def _plain(raw: str) -> str:
    return tex_to_text(expand(raw, {}))


def same_value(name: str, old_raw: str, new_raw: str) -> bool:
    """Do two written values say the same thing (whatever their braces, accents, spacing)?"""
    old, new = _plain(old_raw), _plain(new_raw)
    if name == "author":
        mine, _ = names(expand(old_raw, {}))
        theirs, _ = names(expand(new_raw, {}))
        return [match_key(n.family or n.literal or "") for n in mine] == [
            match_key(n.family or n.literal or "") for n in theirs
        ]
    if name == "pages":
        return page_range(old) == page_range(new)
    if name in ("doi", "eprint", "url"):
        return old.strip().lower() == new.strip().lower()
    if name == "month":
        return old.strip().lower()[:3] == new.strip().lower()[:3]
    return match_key(old) == match_key(new)


# --- planning ----------------------------------------------------------------------------------


def _style(existing: dict[str, str], dialect: str | None, own: str | None = None) -> str:
    """The dialect of the fields an entry gets: the one its own fields are in (`journaltitle`,
    `date` … or `journal`, `year` …), so that one entry never holds both; for an entry whose
    fields say neither, the one asked for (--bib-dialect), else its file's, else BibTeX's;
    "mixed" for an entry the user wrote in both, which then gets neither's."""
    latex = (BIBLATEX_ONLY | BIBLATEX_FIELDS) & existing.keys()
    classic = BIBTEX_FIELDS & existing.keys()
    if latex and classic:
        return "mixed"
    if latex or classic:
        return "biblatex" if latex else "bibtex"
    return dialect or own or "bibtex"


def plan(
    entry_text: str,
    spans: EntrySpans,
    original: Record,
    resolved: Record,
    options: EnrichOptions,
    ascii_only: bool,
) -> list[Change]:
    """The changes that bring one entry up to `resolved` without downgrading anything: fields
    it lacks are added; a value it has changes only when its author list was cut short, or when
    the preprint becomes its published version (the venue fields together, and the DOI)."""
    written: dict[str, FieldSpan] = {}
    for span in spans.fields:  # a field given twice: the first, the one BibTeX reads
        written.setdefault(span.name.lower(), span)
    raw = {name: entry_text[s.value_start : s.value_end] for name, s in written.items()}
    style = _style(raw, options.dialect, original.dialect)
    mixed = style == "mixed"
    if mixed:
        style = options.dialect or original.dialect or "bibtex"
    options_ = WriteOptions(dialect=style, ascii_only=ascii_only, venue=options.venue)
    proposed = dict(typed_fields(resolved, options_))
    upgraded = not resolved.from_input("type")
    keep = options.keep
    changes: list[Change] = []
    old_type = entry_text[spans.type_start : spans.type_end]
    if upgraded and not keep & {"@type", "type"}:
        new_type = entry_type(resolved, style)
        if new_type.lower() != old_type.lower():
            changes.append(Change("@type", old_type, _case_like(old_type, new_type)))
    foreign_eprint = "eprint" in raw and not original.arxiv_id  # a PubMed id, say: not ours
    for name in ADDABLE:
        if name in keep or name not in proposed:
            continue
        if (
            (style == "bibtex" and name in BIBLATEX_FIELDS)
            or (style == "biblatex" and name in BIBTEX_FIELDS)
            or (mixed and name in BIBLATEX_FIELDS | BIBTEX_FIELDS)
        ):
            continue
        if foreign_eprint and name in EPRINT_FIELDS:
            continue
        new = proposed[name]
        like = written[name].name if name in written else _first_name(spans)
        if name not in raw:
            if name in CONTAINERS and CONTAINERS & raw.keys() and not upgraded:
                continue  # the user's venue stays the user's
            changes.append(Change(_name_like(like, name), None, new))
            continue
        may_change = (name == "author") or (upgraded and name in UPGRADED)
        if not may_change or resolved.from_input(ATTRIBUTE[name]):
            continue
        if not same_value(name, raw[name], new):
            changes.append(Change(_name_like(like, name), raw[name], new))
    if upgraded:
        changes += _leftovers(raw, written, proposed, keep)
    return changes


def _leftovers(
    raw: dict[str, str],
    written: dict[str, FieldSpan],
    proposed: dict[str, str],
    keep: frozenset[str],
) -> list[Change]:
    """Fields of the preprint that the published version replaces: its arXiv venue statement
    (`journal = {arXiv preprint ...}`, `howpublished`), dblp's `volume = {abs/...}`, the
    preprint's month, and arXiv named as publisher."""
    out = []
    for name, value in raw.items():
        if name in keep or name in proposed:
            continue
        plain = _plain(value).strip()
        if (
            (name in VENUE_NAMES and name not in proposed)
            or (name == "volume" and plain.startswith("abs/"))
            or (name == "month" and "month" not in proposed)
            or (name == "publisher" and plain.lower() == "arxiv")
        ):
            out.append(Change(written[name].name, value, None))
    return out


def _case_like(example: str, word: str) -> str:
    if example.isupper():
        return word.upper()
    if example[:1].isupper():
        return {"inproceedings": "InProceedings", "incollection": "InCollection"}.get(
            word, word.capitalize()
        )
    return word


def _name_like(example: str, name: str) -> str:
    return name.upper() if example.isupper() and len(example) > 1 else name


def _first_name(spans: EntrySpans) -> str:
    return spans.fields[0].name if spans.fields else "x"


# --- applying ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    inline: bool
    indent: str  # before a field on its own line; between two fields of an inline entry
    equals: str  # what stands between a name and its value (" = ", "=", ...)
    align: int | None  # the column names are padded to, when the entry aligns its `=`
    quotes: bool
    trailing_comma: bool


def layout(entry_text: str, spans: EntrySpans) -> Layout:
    fields_ = spans.fields
    if not fields_:
        return Layout(False, "  ", " = ", None, False, False)
    first = fields_[0]
    inline = "\n" not in entry_text[first.start : spans.body_end].rstrip()
    line_start = entry_text.rfind("\n", 0, first.start) + 1
    if inline:
        between = entry_text[fields_[-2].end : fields_[-1].start] if len(fields_) > 1 else " "
        indent = between if not between.strip() else " "
    else:
        indent = entry_text[line_start : first.start]
        if indent.strip():
            indent = "  "
    name_end = first.start + len(first.name)
    equals = entry_text[name_end : first.value_start]
    equals = " = " if "\n" in equals else equals
    columns = set()
    for span in fields_:
        start = entry_text.rfind("\n", 0, span.start) + 1
        columns.add(entry_text.find("=", span.start) - start)
    align = columns.pop() if len(columns) == 1 and len(fields_) > 1 and not inline else None
    quotes = entry_text[first.value_start] == '"'
    last = fields_[-1]
    return Layout(inline, indent, equals, align, quotes, last.end > last.value_end)


def _render(name: str, value: str, shape: Layout) -> str:
    if shape.quotes and value.startswith("{") and '"' not in value:
        value = '"' + value[1:-1] + '"'
    if shape.align is not None:
        pad = max(shape.align - len(shape.indent) - len(name), 1)
        return f"{name}{' ' * pad}={shape.equals.split('=', 1)[1]}{value}"
    return f"{name}{shape.equals}{value}"


def apply(entry_text: str, spans: EntrySpans, changes: Iterable[Change]) -> str:
    """The entry's text with `changes` made, every other character left where it was."""
    shape = layout(entry_text, spans)
    by_name = {s.name: s for s in spans.fields}
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement), applied from the end
    added: list[str] = []
    for change in changes:
        if change.field == "@type":
            edits.append((spans.type_start, spans.type_end, change.new or ""))
        elif change.old is None:
            added.append(_render(change.field, change.new or "", shape))
        elif change.new is None:
            edits.append(_removal(entry_text, spans, by_name[change.field]))
        else:
            span = by_name[change.field]
            new = change.new
            if entry_text[span.value_start] == '"' and new.startswith("{") and '"' not in new:
                new = '"' + new[1:-1] + '"'
            edits.append((span.value_start, span.value_end, new))
    if added:
        edits.append(_insertion(entry_text, spans, shape, added))
    out = entry_text
    for start, end, text in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        out = out[:start] + text + out[end:]
    return out


def _insertion(
    entry_text: str, spans: EntrySpans, shape: Layout, added: list[str]
) -> tuple[int, int, str]:
    if not spans.fields:
        # `@misc{key}` or `@misc{key,}`: fields go before the closing brace
        head = entry_text[: spans.body_end].rstrip()
        sep = "" if head.endswith(",") else ","
        body = "".join(f"\n{shape.indent}{line}," for line in added).rstrip(",")
        return (len(head), spans.body_end, sep + body + "\n")
    last = spans.fields[-1]
    if shape.inline:
        if shape.trailing_comma:
            return (last.end, last.end, "".join(f"{shape.indent}{line}," for line in added))
        return (last.value_end, last.value_end, "".join(f",{shape.indent}{line}" for line in added))
    if shape.trailing_comma:
        return (last.end, last.end, "".join(f"\n{shape.indent}{line}," for line in added))
    return (last.value_end, last.value_end, "".join(f",\n{shape.indent}{line}" for line in added))


def _removal(entry_text: str, spans: EntrySpans, span: FieldSpan) -> tuple[int, int, str]:
    index = spans.fields.index(span)
    is_last = index == len(spans.fields) - 1
    if is_last and span.end == span.value_end and index > 0:
        previous = spans.fields[index - 1]
        return (previous.value_end, span.end, "")  # take the comma that separated them
    line_start = entry_text.rfind("\n", 0, span.start) + 1
    if not entry_text[line_start : span.start].strip():
        end = span.end
        rest = entry_text[end:]
        newline = re.match(r"[ \t]*\n", rest)
        if newline:
            return (line_start, end + newline.end(), "")  # the whole line
    start, end = span.start, span.end
    while end < len(entry_text) and entry_text[end] in " \t":
        end += 1
    if end == len(entry_text) or entry_text[end] == "\n":  # it ended the line: no space left
        while start > line_start and entry_text[start - 1] in " \t":
            start -= 1
    return (start, end, "")


# --- the whole file ----------------------------------------------------------------------------


def enrich_text(
    text: str, input_name: str, resolver: Resolver, options: EnrichOptions | None = None
) -> EnrichResult:
    options = options or EnrichOptions()
    found, read = blocks(text, input_name)
    readable = [b for b in found if b.record is not None]
    resolved = resolver.resolve([b.record for b in readable if b.record is not None])
    _, duplicates = deduplicate(resolved)
    ascii_only = text.isascii()
    results: list[EntryResult] = []
    pieces: list[str] = []
    position = 0
    for block, record in zip(readable, resolved, strict=True):
        result = EntryResult(block, record)
        results.append(result)
        if record.status != "resolved":
            continue
        spans = block.spans  # read once, by the reader
        if spans is None:
            continue
        original = block.record
        assert original is not None
        result.changes = plan(block.text, spans, original, record, options, ascii_only)
        if result.changes:
            pieces.append(text[position : block.start])
            pieces.append(apply(block.text, spans, result.changes))
            position = block.start + len(block.text)
    pieces.append(text[position:])
    return EnrichResult("".join(pieces), results, read.problems, read.warnings, duplicates)
