"""dblp's whole database (`dblp.xml.gz`, several GB uncompressed) as a local, offline source of
published versions.

The dump is streamed once into a SQLite index in the cache directory (keyed by path, size and
mtime, like the arXiv snapshot): bounded memory, each record dropped once stored. It is parsed
safely: the DTD is never loaded or fetched, and its named character entities (`&uuml;`, from the
`dblp.dtd` beside the dump when there is one, else the ISO Latin-1 set it declares) are replaced
by numeric references before the XML parser sees the text, so no entity is ever expanded by the
parser and an internal DTD subset (`<!DOCTYPE x [ ... ]>`, the entity-bomb vector) is refused.
Records become `Record`s through the same conversion as the live API's hits.
"""

from __future__ import annotations

import gzip
import html.entities
import json
import re
import sqlite3
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from bibx.errors import SourceError
from bibx.model import Record
from bibx.sources import CANDIDATES
from bibx.sources.dblp import hit_to_record, query
from bibx.sources.local_index import LocalIndex
from bibx.text import words

SCHEMA_VERSION = 1
SEARCH_TERMS = 4
CHUNK = 1 << 20

# dblp element -> the search API's `type`, which `hit_to_record` understands
KINDS = {
    "inproceedings": "Conference and Workshop Papers",
    "article": "Journal Articles",
    "incollection": "Parts in Books or Collections",
    "book": "Books and Theses",
    "phdthesis": "Books and Theses",
    "mastersthesis": "Books and Theses",
}
_ENTITY_DECL = re.compile(r'<!ENTITY\s+([A-Za-z][\w.-]*)\s+"&#(x[0-9A-Fa-f]+|\d+);"\s*>')
_ENTITY_REF = re.compile(r"&([A-Za-z][\w.-]*);")
_DOCTYPE = re.compile(r"<!DOCTYPE[^>\[]*(\[)?", re.IGNORECASE)


def entities(dtd: Path | None) -> dict[str, str]:
    """Named entity -> numeric reference. From the DTD's `<!ENTITY name "&#N;">` lines (only
    character references are taken: no entity expands to markup or to other entities), else
    the ISO Latin-1 set the DTD declares (Python's own table of HTML's)."""
    table = {name: f"&#{code};" for name, code in html.entities.name2codepoint.items()}
    if dtd is not None and dtd.is_file():
        text = dtd.read_text(encoding="utf-8", errors="replace")
        for name, code in _ENTITY_DECL.findall(text):
            table[name] = f"&#{code};"
    for builtin in ("amp", "lt", "gt", "quot", "apos"):
        table.pop(builtin, None)  # XML's own: the parser knows them
    return table


def _chunks(path: Path) -> Iterator[str]:
    with path.open("rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    opener = gzip.open if gzipped else open
    with opener(path, "rb") as handle:  # the dump is ASCII with entities; Latin-1 never fails
        while True:
            data = handle.read(CHUNK)
            if not data:
                return
            yield data.decode("latin-1")


def safe_text(path: Path, table: dict[str, str]) -> Iterator[str]:
    """The dump's text with its DOCTYPE removed and named entities made numeric, chunk by chunk
    (an entity cut by a chunk boundary is carried to the next chunk)."""
    carry = ""
    head = True
    for chunk in _chunks(path):
        text = carry + chunk
        cut = text.rfind("&")
        if cut != -1 and ";" not in text[cut:]:
            text, carry = text[:cut], text[cut:]
        else:
            carry = ""
        if head:
            doctype = _DOCTYPE.search(text[:4096])
            if doctype:
                if doctype.group(1):
                    raise SourceError(f"{path}: a DOCTYPE with an internal subset; refused")
                end = text.index(">", doctype.start())
                text = text[: doctype.start()] + text[end + 1 :]
            text = re.sub(r"^<\?xml[^>]*\?>", "", text.lstrip())  # Latin-1 already decoded
            head = False

        def numeric(match: re.Match[str]) -> str:
            known = table.get(match.group(1))
            return known if known else f"&amp;{match.group(1)};"

        yield _ENTITY_REF.sub(numeric, text)
    if carry:
        yield carry


def _element_text(element: ET.Element) -> str:
    return " ".join("".join(element.itertext()).split())


def record_info(element: ET.Element) -> dict[str, Any] | None:
    """A dump record as the search API's `info` (what `hit_to_record` reads); None for what is
    not a paper (persons, proceedings volumes, CoRR's informal records)."""
    kind = KINDS.get(element.tag)
    if kind is None or "informal" in (element.get("publtype") or ""):
        return None
    info: dict[str, Any] = {"type": kind, "key": element.get("key")}
    authors = []
    for child in element:
        text = _element_text(child)
        if not text:
            continue
        if child.tag == "author":
            authors.append({"text": text})
        elif child.tag in ("booktitle", "journal") and "venue" not in info:
            info["venue"] = text
        elif child.tag == "ee" and "ee" not in info:
            info["ee"] = text
        elif child.tag in ("title", "volume", "number", "pages", "year") and child.tag not in info:
            info[child.tag] = text
    if info.get("venue") == "CoRR":
        return None
    info["authors"] = {"author": authors}
    ee = str(info.get("ee") or "")
    if "doi.org/" in ee:
        info["doi"] = ee.split("doi.org/", 1)[1]
    return info


def records(path: Path, dtd: Path | None = None) -> Iterator[dict[str, Any]]:
    """Every paper of the dump, streamed: each element is freed once read."""
    # typeshed's XMLPullParser generics cannot say "start"/"end" events carry elements
    parser: Any = ET.XMLPullParser(events=("start", "end"))
    table = entities(dtd if dtd is not None else path.with_name("dblp.dtd"))
    depth = 0
    root: ET.Element | None = None
    for text in safe_text(path, table):
        parser.feed(text)
        for event, element in parser.read_events():
            if event == "start":
                depth += 1
                if depth == 1:
                    root = element
                continue
            depth -= 1
            if depth == 1:
                info = record_info(element)
                if info is not None:
                    yield info
                if root is not None:
                    root.remove(element)  # bounded memory: the tree never holds two records
    parser.close()


class DblpDump(LocalIndex):
    """The dblp dump at `path`, indexed on first use."""

    name = "dblp-dump"
    publishes = True
    venue_only = True
    WHAT = "dblp dump"
    INDEX_PREFIX = "dblp"
    SCHEMA_VERSION = SCHEMA_VERSION
    SCHEMA = """
        CREATE TABLE paper(id INTEGER PRIMARY KEY, json TEXT NOT NULL);
        CREATE VIRTUAL TABLE paper_fts USING fts5(
            title, content='', tokenize='unicode61 remove_diacritics 2');
        CREATE VIRTUAL TABLE paper_vocab USING fts5vocab(paper_fts, 'row');
    """

    def __init__(
        self,
        path: str | Path,
        cache: str | Path | None = None,
        progress: Callable[[int], None] | None = None,
        dtd: Path | None = None,
    ) -> None:
        self.dtd = dtd
        super().__init__(path, cache, progress)

    def fill(self, db: sqlite3.Connection) -> None:
        rows = (
            (n, ((n, json.dumps(info, ensure_ascii=False)), (n, str(info.get("title") or ""))))
            for n, info in enumerate(records(self.path, self.dtd), start=1)
        )
        try:
            self.store(
                db,
                rows,
                "INSERT INTO paper VALUES (?, ?)",
                "INSERT INTO paper_fts(rowid, title) VALUES (?, ?)",
            )
        except ET.ParseError as exc:
            raise SourceError(f"{self.path}: not a dblp XML dump ({exc})") from None
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            raise SourceError(f"{self.path}: cannot read the dblp dump: {exc}") from None

    def _rarest(self, terms: list[str]) -> list[str]:
        counts: dict[str, int] = {}
        for term in terms:  # one indexed look-up a term (IN (...) scans the vocabulary)
            row = self.db.execute("SELECT doc FROM paper_vocab WHERE term = ?", (term,)).fetchone()
            if row:
                counts[term] = row[0]
        return sorted(counts, key=lambda t: counts[t])[:SEARCH_TERMS]

    def search(self, entry: Record, limit: int = CANDIDATES) -> list[Record]:
        terms = [w for w in query(entry).split() if w in words(entry.title or "")]
        rare = self._rarest(terms)
        if not rare:
            return []
        rows = self.db.execute(
            "SELECT p.json FROM paper_fts f JOIN paper p ON p.id = f.rowid "
            "WHERE paper_fts MATCH ? LIMIT ?",
            (" AND ".join(f'"{t}"' for t in rare), limit * 5),
        ).fetchall()
        out = []
        for (text,) in rows:
            record = hit_to_record(json.loads(text))
            if record is not None:
                out.append(record)
        return out[:limit]
