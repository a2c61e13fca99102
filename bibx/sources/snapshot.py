"""arXiv's bulk metadata snapshot (JSON lines, gzipped or not) as a local, offline source.

On first use the snapshot is loaded into a SQLite database with an FTS5 full-text index over
titles and abstracts, kept in the cache dir and keyed by the snapshot's path, size and mtime, so
later runs open it at once and a changed snapshot is re-indexed.
"""

from __future__ import annotations

import gzip
import json
import sqlite3
import zlib
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from bibx.errors import SourceError
from bibx.ids import identify, issued_from_arxiv_id
from bibx.match import ACCEPT, title_similarity
from bibx.model import Name, Record
from bibx.sources.local_index import LocalIndex
from bibx.text import STOPWORDS, match_key, tex_to_text, words

# 3: term_docs (records per word); 4: title_key (exact titles at once); 5: contentless full-text
# index and compressed records (the index no larger than the snapshot)
SCHEMA_VERSION = 5
SEARCH_TERMS = 4  # the rarest words of a title that a candidate must all contain
OVERFETCH = 5  # records read per candidate kept, re-ranked by title similarity


def _open(path: Path) -> Iterator[str]:
    with path.open("rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    if gzipped:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            yield from handle
    else:
        with path.open(encoding="utf-8") as handle:
            yield from handle


def _names(data: dict[str, Any]) -> list[Name]:
    parsed = data.get("authors_parsed")
    if isinstance(parsed, list) and parsed:
        out = []
        for parts in parsed:
            family, given, suffix = ([*parts, "", "", ""])[:3]
            family, given = tex_to_text(family or ""), tex_to_text(given or "")
            if not given and " " in family:
                out.append(Name(literal=family))  # a collective: "Team GLM"
            elif family or given:
                out.append(Name(family=family or None, given=given or None, suffix=suffix or None))
        return out
    raw = data.get("authors") or ""
    names = [n.strip() for n in raw.replace(" and ", ", ").split(",") if n.strip()]
    out = []
    for name in names:
        given, _, family = tex_to_text(name).rpartition(" ")
        out.append(Name(family=family, given=given or None))
    return out


def _issued(data: dict[str, Any], arxiv_id: str) -> tuple[int, ...] | None:
    versions = data.get("versions")
    if isinstance(versions, list) and versions and isinstance(versions[0], dict):
        try:
            created = parsedate_to_datetime(versions[0]["created"])
            return (created.year, created.month, created.day)
        except (KeyError, TypeError, ValueError):
            pass
    return issued_from_arxiv_id(arxiv_id)


def to_record(data: dict[str, Any], source: str = "arxiv-snapshot") -> Record:
    """One snapshot line (already parsed) as a Record."""
    arxiv_id = identify(str(data["id"])).arxiv_id or str(data["id"])
    categories = str(data.get("categories") or "").split()
    versions = data.get("versions")
    record = Record(
        type="article",
        title=tex_to_text(data.get("title") or "") or None,
        authors=_names(data),
        issued=_issued(data, arxiv_id),
        abstract=tex_to_text(data.get("abstract") or "") or None,
        doi=identify(str(data["doi"]).split()[0]).doi if data.get("doi") else None,
        arxiv_id=arxiv_id,
        arxiv_version=len(versions) if isinstance(versions, list) and versions else None,
        arxiv_class=categories[0] if categories else None,
        categories=categories,
        journal_ref=tex_to_text(data["journal-ref"]) if data.get("journal-ref") else None,
        note=tex_to_text(data["comments"]) if data.get("comments") else None,
        url=f"https://arxiv.org/abs/{arxiv_id}",
        publisher="arXiv",
    )
    return record.mark(f"{source}:{arxiv_id}")


class Snapshot(LocalIndex):
    """The snapshot at `path`, indexed on first use."""

    name = "arxiv-snapshot"
    WHAT = "arXiv snapshot"
    INDEX_PREFIX = "snapshot"
    SCHEMA_VERSION = SCHEMA_VERSION
    SCHEMA = """
        CREATE TABLE paper(row INTEGER PRIMARY KEY, id TEXT UNIQUE, doi TEXT, title_key TEXT,
                           json BLOB NOT NULL);
        CREATE VIRTUAL TABLE paper_fts USING fts5(
            title, abstract, content='', tokenize='unicode61 remove_diacritics 2');
        CREATE VIRTUAL TABLE paper_vocab USING fts5vocab(paper_fts, 'col');
        CREATE TABLE term_docs(col TEXT, term TEXT, docs INTEGER, PRIMARY KEY (col, term))
            WITHOUT ROWID;
    """

    def fill(self, db: sqlite3.Connection) -> None:
        try:
            # the full-text index keeps no copy of the text (contentless): a record's words
            # point at its row in `paper`, whose line is kept compressed (a third of its size)
            self.store(
                db,
                self._rows(),
                "INSERT OR REPLACE INTO paper VALUES (?, ?, ?, ?, ?)",
                "INSERT INTO paper_fts(rowid, title, abstract) VALUES (?, ?, ?)",
            )
        except (OSError, UnicodeDecodeError, EOFError, gzip.BadGzipFile) as exc:
            raise SourceError(f"{self.path}: cannot read the arXiv snapshot: {exc}") from None
        db.execute("CREATE INDEX paper_doi ON paper(doi)")
        db.execute("CREATE INDEX paper_title ON paper(title_key)")
        # fts5vocab counts a word by walking the index (0.7 ms a word at 100,000 records): the
        # counts are kept in a table once, read by the primary key at search time
        db.execute("INSERT INTO term_docs SELECT col, term, doc FROM paper_vocab")

    def _rows(self) -> Iterator[tuple[int, tuple[Any, ...], tuple[Any, ...]]]:
        """Each line's (number, `paper` row, full-text row); the line's number is its row."""
        for number, line in enumerate(_open(self.path), start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                ident = identify(str(data["id"])).arxiv_id or str(data["id"])
            except (ValueError, KeyError, TypeError):
                self.problems.append(f"{self.path}:{number}: not a snapshot record; skipped")
                continue
            doi = str(data["doi"]).split()[0].lower() if data.get("doi") else None
            title_key = match_key(str(data.get("title") or ""))
            packed = zlib.compress(line.strip().encode())
            yield (
                number,
                (number, ident, doi, title_key, packed),
                (number, data.get("title") or "", data.get("abstract") or ""),
            )

    def _records(self, rows: list[tuple[bytes]]) -> list[Record]:
        return [to_record(json.loads(zlib.decompress(row[0]))) for row in rows]

    def lookup_arxiv(self, ids: list[str]) -> dict[str, Record]:
        out: dict[str, Record] = {}
        for ident in ids:
            row = self.db.execute("SELECT json FROM paper WHERE id = ?", (ident,)).fetchone()
            if row:
                out[ident] = self._records([row])[0]
        return out

    def lookup_doi(self, dois: list[str]) -> dict[str, Record]:
        out: dict[str, Record] = {}
        for doi in dois:
            rows = self.db.execute(
                "SELECT json FROM paper WHERE doi = ?", (doi.lower(),)
            ).fetchall()
            if len(rows) == 1:
                out[doi] = self._records(rows)[0]
        return out

    def _rarest(self, terms: list[str], column: str) -> list[str]:
        """The `SEARCH_TERMS` words that fewest records have in `column`; words no record has
        (typos, words of another version's title) are left out rather than sinking the query."""
        if not terms:
            return []
        counts: dict[str, int] = {}
        for term in terms:
            row = self.db.execute(
                "SELECT docs FROM term_docs WHERE col = ? AND term = ?", (column, term)
            ).fetchone()
            if row:
                counts[term] = row[0]
        known = sorted((t for t in terms if counts.get(t)), key=lambda t: counts[t])
        return known[:SEARCH_TERMS]

    def _match(self, query: str, limit: int, title: str | None = None) -> list[Record]:
        """The records matching `query`, best first: by the engine's ranking, or, given a
        `title`, `OVERFETCH` times as many re-ranked by their titles' similarity to it (common
        words match many records, and the engine's ranking is not the resolver's)."""
        if title is None:
            rows = self.db.execute(
                "SELECT p.json FROM paper_fts f JOIN paper p ON p.row = f.rowid "
                "WHERE paper_fts MATCH ? ORDER BY bm25(paper_fts, 4.0, 1.0) LIMIT ?",
                (query, limit),
            ).fetchall()
            return self._records(rows)
        found = self.db.execute(
            "SELECT p.id, p.title_key FROM paper_fts f JOIN paper p ON p.row = f.rowid "
            "WHERE paper_fts MATCH ? ORDER BY bm25(paper_fts, 4.0, 1.0) LIMIT ?",
            (query, limit * OVERFETCH),
        ).fetchall()
        found.sort(key=lambda row: -title_similarity(title, row[1] or ""))
        chosen = [ident for ident, _ in found[:limit]]
        return list(self.lookup_arxiv(chosen).values())

    def search(self, entry: Record, limit: int = 10) -> list[Record]:
        """Candidates for an entry, best first: records with exactly its title; records whose
        title has the entry title's rarest words; when none of those titles is close and the
        entry has an abstract, records whose abstract has its rarest opening words (titles
        change between versions); last, when nothing was found, any title word at all."""
        terms = [w for w in dict.fromkeys(words(entry.title or "")) if w not in STOPWORDS]
        found: dict[str, Record] = {}

        def add(records: list[Record]) -> None:
            for record in records:
                found.setdefault(record.arxiv_id or "", record)

        # the title exactly (case, accents, LaTeX and punctuation aside): found at once, however
        # common its words (a title of common words is easily crowded out of a word search)
        key = match_key(entry.title or "")
        if key:
            rows = self.db.execute(
                "SELECT json FROM paper WHERE title_key = ? LIMIT ?", (key, limit)
            ).fetchall()
            add(self._records(rows))
        rare = self._rarest(terms, "title")
        if rare:
            query = "title : (" + " AND ".join(f'"{t}"' for t in rare) + ")"
            add(self._match(query, limit, title=entry.title or ""))
        close = any(title_similarity(entry.title or "", r.title or "") >= ACCEPT
                    for r in found.values())  # fmt: skip
        if entry.abstract and not close:  # the title is not enough: its version may differ
            opening = [w for w in dict.fromkeys(words(entry.abstract[:400])) if w not in STOPWORDS]
            rare_abstract = self._rarest(opening, "abstract")
            if len(rare_abstract) == SEARCH_TERMS:
                query = "abstract : (" + " AND ".join(f'"{t}"' for t in rare_abstract) + ")"
                add(self._match(query, limit))
        if not found and terms:
            add(self._match("title : (" + " OR ".join(f'"{t}"' for t in terms) + ")", limit))
        return list(found.values())[:limit]
