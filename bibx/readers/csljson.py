"""CSL-JSON: an array of items (or one item), as pandoc, Zotero and citeproc-js use it."""

from __future__ import annotations

import json
import re
from typing import Any

from bibx.ids import identify, identify_all
from bibx.model import Attachment, Date, Name, Record
from bibx.readers import ReadResult
from bibx.vocab.csl import (
    ALIASES,
    DATE_VARS,
    NAME_VARS,
    STRUCTURAL,
    TEXT_VARS,
    TYPED_VARS,
)

NAME = "csl-json"

CSL_TYPE_ALIASES = {
    "journal-article": "article-journal",
    "proceedings-article": "paper-conference",
    "posted-content": "article",
    "book-chapter": "chapter",
    "dissertation": "thesis",
}


def sniff(text: str) -> bool:
    """JSON text: an array or an object. Broken JSON is still ours, so that its error is
    reported with a line number instead of the text being read as a list of titles."""
    head = text.lstrip()
    if head[:1] == "[":  # an array, not "[1] A. Author, ..." (a numbered reference list)
        return not re.match(r"\[\s*\d+\s*\]", head)
    return head[:1] == "{"


def _issued(value: Any) -> tuple[int, ...] | None:
    if not isinstance(value, dict):
        return None
    parts = value.get("date-parts")
    if not (isinstance(parts, list) and parts and isinstance(parts[0], list)):
        return None
    out: list[int] = []
    for part in parts[0][:3]:
        try:
            out.append(int(part))
        except (TypeError, ValueError):
            break
    return tuple(out) or None


def _text(value: Any) -> str | None:
    if isinstance(value, list):  # Crossref's CSL puts some strings in arrays
        value = value[0] if value else None
    if value is None:
        return None
    text = str(value).strip()
    return text or None


KNOWN = frozenset(
    {*ALIASES, *DATE_VARS, *NAME_VARS, *STRUCTURAL, *TEXT_VARS, *TYPED_VARS, "citation-key"}
)


def _read_variables(record: Record, item: dict[str, Any]) -> None:
    """Every CSL variable the typed attributes do not hold: text, names and dates."""
    for alias, name in ALIASES.items():
        if alias in item and name not in item:
            item = {**item, name: item[alias]}
    for name in TEXT_VARS:
        if name == "number" and record.arxiv_id:
            continue  # "arXiv:2402.06147": the preprint's id, held as such
        value = item.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        text = _text(value)
        if text:
            record.vars[name] = text
    for name in NAME_VARS:
        people = item.get(name)
        if name != "author" and isinstance(people, list):
            found = [Name.from_csl(p) for p in people if isinstance(p, dict)]
            if found:
                record.names[name] = found
    for name, value in item.items():  # what CSL has no variable for (Better CSL JSON's `file`)
        if name not in KNOWN and isinstance(value, str | int | float) and str(value).strip():
            record.extra.setdefault(name, str(value).strip())
    for name in DATE_VARS:
        date = Date.from_csl(item.get(name))
        if name == "issued":
            if date is not None and date.end:
                record.issued_end = date.end
            if date is not None and not date.parts:
                record.issued_literal = date.literal
        elif date is not None:
            record.dates[name] = date


def _read_library(record: Record, custom: dict[str, Any]) -> None:
    """A Zotero item's collections, child notes and attachments, as bibx writes them in
    `custom`; the notes were also joined into `note`, which then is the first of them only."""
    collections, notes = custom.get("collections"), custom.get("notes")
    if isinstance(collections, list):
        record.collections = [str(c) for c in collections if c]
    if isinstance(notes, list):
        record.notes = [str(n) for n in notes if n]
        joined = "\n\n".join(record.notes)
        if record.note and joined and record.note.endswith(joined):
            record.note = record.note[: -len(joined)].strip() or None
    attachments = custom.get("attachments")
    if isinstance(attachments, list):
        fields = {"title", "path", "url", "mime", "mode"}
        record.attachments = [
            Attachment(**{k: v for k, v in a.items() if k in fields})
            for a in attachments
            if isinstance(a, dict)
        ]


def item_to_record(item: dict[str, Any], origin: str) -> Record:
    ctype = str(item.get("type") or "article")
    record = Record(
        type=CSL_TYPE_ALIASES.get(ctype, ctype),
        title=_text(item.get("title")),
        authors=[Name.from_csl(a) for a in item.get("author") or [] if isinstance(a, dict)],
        issued=_issued(item.get("issued")),
        container_title=_text(item.get("container-title")),
        volume=_text(item.get("volume")),
        issue=_text(item.get("issue")),
        page=_text(item.get("page")),
        publisher=_text(item.get("publisher")),
        url=_text(item.get("URL")),
        abstract=_text(item.get("abstract")),
        note=_text(item.get("note")),
        key=_text(item.get("citation-key")) or _text(item.get("id")),
        origin=origin,
        input_form=NAME,
        input_type=ctype,
        curated=True,
    )
    record.input_doi = _text(item.get("DOI"))
    number = _text(item.get("number")) if record.type == "article" else None
    found = identify_all(number, _text(item.get("DOI")))
    record.doi, record.arxiv_id, record.arxiv_version = (
        found.doi,
        found.arxiv_id,
        found.arxiv_version,
    )
    _read_variables(record, item)
    custom = item.get("custom")
    if isinstance(custom, dict):
        # what bibx itself wrote: keep the arXiv facts and the match confidence on a round trip
        record.arxiv_id = record.arxiv_id or identify(_text(custom.get("arxiv-id"))).arxiv_id
        fields = custom.get("input-fields")
        if isinstance(fields, dict):
            record.extra.update({str(k): str(v) for k, v in fields.items() if v is not None})
        record.et_al = custom.get("authors-incomplete") is True
        _read_library(record, custom)
        record.title = _text(custom.get("bibx-title-tex")) or record.title
        record.arxiv_class = _text(custom.get("arxiv-class"))
        record.journal_ref = _text(custom.get("arxiv-journal-ref"))
        version = custom.get("arxiv-version")
        record.arxiv_version = version if isinstance(version, int) else record.arxiv_version
        confidence = custom.get("bibx-confidence")
        if isinstance(confidence, int | float):
            record.confidence = float(confidence)
    return record.mark("input")


def read(text: str, input_name: str) -> ReadResult:
    result = ReadResult()
    try:
        data = json.loads(text)
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        result.problems.append(f"{input_name}:{line or 1}: not valid JSON: {exc}")
        return result
    items = data if isinstance(data, list) else [data]
    for index, item in enumerate(items, start=1):
        origin = f"{input_name}#{index}"
        if not isinstance(item, dict):
            result.problems.append(f"{origin}: item is not a JSON object; skipped")
            continue
        try:
            result.records.append(item_to_record(item, origin))
        except Exception as exc:  # one odd item must never sink the file
            result.problems.append(f"{origin}: skipped: {exc}")
    return result
