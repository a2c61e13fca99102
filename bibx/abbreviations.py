"""Journals' short forms (`container-title-short`: CSL-JSON's, Zotero's journalAbbreviation,
biblatex's shortjournal, and BibTeX's journal with `--venue short`).

Where a short form comes from, first that applies: the user's own list (`--abbreviations FILE`,
JabRef's CSV form `"full name","abbreviation"[,"shortest"]`), which wins over everything; the
work's own record (Crossref's `short-container-title`, dblp's venue, PubMed's `source`); then
JabRef's lists bundled with bibx (`bibx/data/`: the general and IEEE lists of
github.com/JabRef/abbrv.jabref.org, CC0 1.0, ISO 4 with periods). docs/decisions.md says why
these lists.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from bibx.errors import InputError
from bibx.model import Record

BUNDLED = ("journal_abbreviations_general.csv", "journal_abbreviations_ieee.csv")
# works whose container is a journal (a proceedings' short name comes from dblp, not a list)
JOURNALS = frozenset({"article-journal", "article-magazine", "article-newspaper", "review"})


def _key(name: str) -> str:
    """A journal's name as looked up: case, spacing, `&`/`and` and a leading "The" aside."""
    text = re.sub(r"\s+", " ", name.replace("&", "and").replace("\\&", "and")).strip().casefold()
    return text.removeprefix("the ")


def parse(text: str, origin: str) -> tuple[dict[str, str], list[str]]:
    """A JabRef CSV list: {looked-up name: abbreviation}, and the lines it could not use
    ("FILE:LINE: why"). A name listed twice takes its last abbreviation, as JabRef does."""
    table: dict[str, str] = {}
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        # JabRef's CSV form, or its older `full name;abbreviation` (still the IEEE list's)
        quoted = line.lstrip().startswith('"') or ";" not in line
        row = next(csv.reader(io.StringIO(line)), []) if quoted else line.split(";")
        if len(row) < 2 or not row[0].strip() or not row[1].strip():
            problems.append(f'{origin}:{number}: not "full name","abbreviation": {row!r}')
            continue
        table[_key(row[0])] = row[1].strip()
    return table, problems


@cache
def bundled() -> dict[str, str]:
    """JabRef's general and IEEE lists, read once a process."""
    table: dict[str, str] = {}
    folder = resources.files("bibx") / "data"
    for name in BUNDLED:
        found, _ = parse(folder.joinpath(name).read_text(encoding="utf-8"), name)
        table.update(found)
    return table


@dataclass
class Abbreviations:
    own: dict[str, str] = field(default_factory=dict)  # the user's list: wins
    origin: str | None = None

    @classmethod
    def load(cls, path: Path | None) -> Abbreviations:
        """The user's list (an InputError naming the file and line if it cannot be used)."""
        if path is None:
            return cls()
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise InputError(
                f"cannot read the abbreviation list: {exc.strerror}", path=str(path)
            ) from None
        except UnicodeDecodeError:
            raise InputError("the abbreviation list is not UTF-8", path=str(path)) from None
        own, problems = parse(text, str(path))
        if problems:
            raise InputError(f"{problems[0]} (a JabRef list has two or three quoted fields)")
        return cls(own, str(path))

    def apply(self, records: list[Record]) -> int:
        """Give each journal article its journal's short form; the user's list replaces a
        source's, the bundled lists only fill one that is missing. Returns how many changed."""
        changed = 0
        table = bundled()
        for record in records:
            title = record.container_title
            if not title or record.type not in JOURNALS:
                continue
            key = _key(title)
            short = self.own.get(key)
            origin = f"abbreviations:{self.origin}"
            if short is None and not record.vars.get("container-title-short"):
                short, origin = table.get(key), "abbreviations:jabref"
            if short and short != title and record.vars.get("container-title-short") != short:
                record.vars["container-title-short"] = short
                record.provenance["container-title-short"] = origin
                changed += 1
        return changed
