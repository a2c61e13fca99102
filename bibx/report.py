"""The `bibx resolve` report: one row per entry, as a terminal table, CSV or JSON."""

from __future__ import annotations

import csv
import io
import json

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
