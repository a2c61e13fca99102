"""The reports of `bibx resolve` and `bibx check`: one row per entry, as a terminal table,
CSV or JSON."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from typing import Any

from bibx.check import VERDICTS, Verdict
from bibx.model import Record

COLUMNS = ["input", "given", "outcome", "confidence", "arxiv_id", "doi", "title_found", "signals"]


def report_row(record: Record) -> dict[str, str]:
    resolved = record.status == "resolved"
    return {
        "input": record.origin or "",
        "given": record.asked_as or record.named_by(),
        "outcome": record.status,
        "confidence": f"{record.confidence:.2f}" if record.confidence is not None else "",
        "arxiv_id": (record.arxiv_id or "") if resolved else "",
        "doi": (record.best_doi or "") if resolved else "",
        "title_found": (record.title or "") if resolved else "",
        "signals": record.reason or "",
    }


def _cut(text: str, width: int, keep_end: bool = False) -> str:
    if len(text) <= width:
        return text
    return "…" + text[-(width - 1) :] if keep_end else text[: width - 1] + "…"


def render_table(rows: list[dict[str, str]]) -> str:
    """A fixed-width table for the terminal; long cells are shortened (the report is not)."""
    widths = {"input": 24, "given": 36, "outcome": 10, "confidence": 10, "arxiv_id": 16, "doi": 34,
              "title_found": 40, "signals": 60}  # fmt: skip
    lines = ["  ".join(c.ljust(widths[c]) for c in COLUMNS).rstrip()]
    for row in rows:
        cells = [_cut(row[c], widths[c], keep_end=c == "input").ljust(widths[c]) for c in COLUMNS]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines) + "\n"


def render_report(rows: list[dict[str, str]], suffix: str) -> str:
    if suffix == ".json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


# ------------------------------------------------------------------------------ bibx check

CHECK_COLUMNS = ["input", "key", "verdict", "title", "found", "found_title", "differences",
                 "notes"]  # fmt: skip
HEADINGS = {"retracted": "RETRACTED", "withdrawn": "WITHDRAWN", "not-found": "not found",
            "disagrees": "disagrees",
            "could-not-check": "could not check", "verified": "verified"}  # fmt: skip


def _work(record: Record | None) -> dict[str, str | int | None] | None:
    if record is None:
        return None
    return {
        "title": record.title,
        "arxiv_id": record.arxiv_id,
        "doi": record.doi,
        "venue": record.container_title,
        "year": record.year,
    }


def _found(verdict: Verdict) -> str:
    record = verdict.record
    if record is None:
        return ""
    ids = [f"arXiv:{record.arxiv_id}" if record.arxiv_id else ""]
    for version in verdict.versions:
        if version.doi:
            ids.append(f"doi:{version.doi}")
    return " ".join(dict.fromkeys(i for i in ids if i))


def check_rows(verdicts: list[Verdict]) -> list[dict[str, Any]]:
    """One row per entry for programs (JSON); `check_table` flattens them for CSV."""
    return [
        {
            "input": v.entry.origin or "",
            "key": v.entry.key or "",
            "verdict": v.verdict,
            "title": v.entry.title or v.entry.named_by(),
            "found": _work(v.record),
            "published": _work(v.published),
            "differences": [asdict(d) for d in v.differences],
            "notes": v.notes,
            "searched": v.searched,
        }
        for v in verdicts
    ]


def render_check_report(verdicts: list[Verdict], suffix: str) -> str:
    rows = check_rows(verdicts)
    if suffix == ".json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CHECK_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for verdict, row in zip(verdicts, rows, strict=True):
        writer.writerow(
            {
                **{c: row[c] for c in ("input", "key", "verdict", "title")},
                "found": _found(verdict),
                "found_title": verdict.record.title if verdict.record else "",
                "differences": " | ".join(d.message for d in verdict.differences),
                "notes": " | ".join(verdict.notes),
            }
        )
    return buffer.getvalue()


def render_check(verdicts: list[Verdict]) -> str:
    """For a person: grouped by verdict, worst first; under each entry what differs and why."""
    lines: list[str] = []
    for name in VERDICTS:
        group = [v for v in verdicts if v.verdict == name]
        if not group:
            continue
        lines.append(f"{HEADINGS[name]} ({len(group)})")
        for verdict in group:
            entry = verdict.entry
            where = " ".join(p for p in (entry.origin, entry.key) if p)
            title = entry.title or entry.named_by()
            found = f"  -> {_found(verdict)}" if verdict.record is not None else ""
            lines.append(f"  {where}: {_cut(title, 70)}{found}")
            lines += [f"      {d.message}" for d in verdict.differences]
            lines += [f"      {note}" for note in verdict.notes]
        lines.append("")
    return "\n".join(lines)


def check_summary(verdicts: list[Verdict]) -> str:
    counts = {name: sum(v.verdict == name for v in verdicts) for name in VERDICTS}
    entries = f"{len(verdicts)} {'entry' if len(verdicts) == 1 else 'entries'}"
    taken_back = ""
    if counts["retracted"] or counts["withdrawn"]:
        taken_back = f"{counts['retracted']} retracted, {counts['withdrawn']} withdrawn, "
    return (
        f"{entries}: {taken_back}{counts['verified']} verified, {counts['disagrees']} disagree, "
        f"{counts['not-found']} not found, {counts['could-not-check']} could not be checked"
    )
