"""CSL-JSON, valid against the official csl-data.json schema (for pandoc and citeproc).

Dates are numeric date-parts only; names given/family, or `literal` for collectives; the DOI is
bare; an arXiv preprint is CSL `article` with publisher "arXiv" and number "arXiv:<id>" (as Zotero
maps its preprints); arXiv's facts, bibx's own (status and confidence, for doubtful entries or
with --annotate) and the input's fields with no CSL variable go in `custom`, the schema's place
for data with no CSL variable; the input's `note` is kept.
"""

from __future__ import annotations

import json
from typing import Any

from bibx.model import Date, Record
from bibx.text import render_math
from bibx.writers import WriteOptions, WriteResult, doubtful, keys_for

NAME = "csl-json"
EXTENSION = ".json"


def item(record: Record, key: str, options: WriteOptions | None = None) -> dict[str, Any]:
    options = options or WriteOptions()
    out: dict[str, Any] = {"id": key, "citation-key": key, "type": record.type}
    if record.title:
        out["title"] = render_math(record.title)
    if record.authors:
        out["author"] = [n.to_csl() for n in record.authors]
    for role, people in record.names.items():
        if people:
            out[role] = [n.to_csl() for n in people]
    if record.issued:
        out["issued"] = Date(parts=record.issued, end=record.issued_end or ()).to_csl()
    elif record.issued_literal:
        out["issued"] = {"literal": record.issued_literal}
    for name, date in record.dates.items():
        if date.to_csl():
            out[name] = date.to_csl()
    for name, value in (
        ("container-title", record.container_title),
        ("volume", record.volume),
        ("issue", record.issue),
        ("page", record.page),
        ("publisher", record.publisher),
        ("URL", record.url),
    ):
        if value:
            out[name] = value
    for name, value in record.vars.items():
        if value and name not in out:
            out[name] = value
    doi = record.doi_to_write
    if doi:
        out["DOI"] = doi
    if record.arxiv_id and record.type == "article":
        out["number"] = f"arXiv:{record.arxiv_id}"
        out.setdefault("publisher", "arXiv")
    if record.abstract:
        out["abstract"] = render_math(record.abstract)
    notes = [record.note] if record.note and record.from_input("note") else []
    notes += [n for n in record.notes if n not in notes]  # a Zotero item's child notes
    if notes:
        out["note"] = "\n\n".join(notes)
    custom: dict[str, Any] = {}
    if options.annotate or doubtful(record.status):
        custom["bibx-status"] = record.status
        if record.confidence is not None:
            custom["bibx-confidence"] = record.confidence
    if record.title and out["title"] != record.title:
        custom["bibx-title-tex"] = record.title  # the math as written, for a lossless read-back
    if record.reason and record.status != "resolved":
        custom["bibx-reason"] = record.reason
    if record.arxiv_id:
        custom["arxiv-id"] = record.arxiv_id
        if record.arxiv_version:
            custom["arxiv-version"] = record.arxiv_version
        if record.arxiv_class:
            custom["arxiv-class"] = record.arxiv_class
        if record.arxiv_updated:
            custom["arxiv-updated"] = "-".join(f"{p:02d}" for p in record.arxiv_updated)
    if record.journal_ref:
        custom["arxiv-journal-ref"] = record.journal_ref
    if record.et_al:
        custom["authors-incomplete"] = True  # the input's list ended in "and others"
    if record.updates:  # retractions, corrections: every format carries what bibx knows
        custom["bibx-notices"] = [u.describe() for u in record.updates]
    if record.collections:
        custom["collections"] = record.collections  # a Zotero library's; citeproc ignores it
    if record.attachments:
        custom["attachments"] = [
            {k: v for k, v in vars(a).items() if v is not None} for a in record.attachments
        ]
    if record.notes:
        custom["notes"] = record.notes  # each on its own, for a lossless read-back
    if record.extra:
        custom["input-fields"] = record.extra  # what the input had and CSL has no place for
    if custom:
        out["custom"] = custom
    return out


def _item_text(data: dict[str, Any]) -> str:
    """One item, a field a line, each value on its line (authors, dates, custom): readable, and
    made by the json module's C encoder (its indenting encoder is pure Python, 4 times slower:
    most of the time of writing 10,000 items)."""
    fields = ",\n".join(f"    {_dumps(name)}: {_dumps(value)}" for name, value in data.items())
    return "  {\n" + fields + "\n  }"


_dumps = json.JSONEncoder(ensure_ascii=False).encode


def write(records: list[Record], options: WriteOptions | None = None) -> WriteResult:
    keys = keys_for(records, options or WriteOptions())
    if not records:
        return WriteResult(["[]\n"])
    pieces = ["["]
    for n, (record, key) in enumerate(zip(records, keys, strict=True)):
        pieces.append(("\n" if n == 0 else ",\n") + _item_text(item(record, key, options)))
    pieces.append("\n]\n")
    return WriteResult(pieces)
