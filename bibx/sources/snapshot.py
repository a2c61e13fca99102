"""arXiv's bulk metadata snapshot (JSON lines, gzipped or not) as a local, offline source.

On first use the snapshot is loaded into a SQLite database with an FTS5 full-text index over
titles and abstracts, kept in the cache dir and keyed by the snapshot's path, size and mtime, so
later runs open it at once and a changed snapshot is re-indexed.
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import sqlite3
import zlib
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

from bibx.errors import SourceError
from bibx.ids import identify, issued_from_arxiv_id, withdrawn_by
from bibx.match import ACCEPT, title_similarity
from bibx.model import Name, Record, Update
from bibx.sources.local_index import LocalIndex
from bibx.text import STOPWORDS, match_key, tex_to_text, words

# 3: term_docs (records per word); 4: title_key (exact titles at once); 5: contentless full-text
# index and compressed records; 6: titles and abstracts in two full-text indexes, records kept
# slim and compressed against a dictionary, exact titles found by a hash
SCHEMA_VERSION = 6
SEARCH_TERMS = 4  # the rarest words of a title that a candidate must all contain
OVERFETCH = 5  # records read per candidate kept, re-ranked by title similarity
STEM = 3  # letters of a word no title has that a narrowed search keeps (typos are rarely first)
STEM_TITLES = 10_000  # a stem in more titles than this (all its words together) narrows nothing
STEM_WORDS = 1_000  # words of a stem counted at most (each is a read of the counts table)
CROWDED = 2_000  # a word search whose rarest word is in more titles than this ranks noise
LOOSE = 100  # titles a group of the looser search is expected in, at most (each is ranked)
OPENING = 400  # characters of an abstract whose rarest words search the abstracts
SAMPLE = 2_000  # lines read before the first record is stored, to build the dictionary from
DICTIONARY = 32_768  # bytes (zlib's window): the shared text records are compressed against
LEVEL = 3  # zlib level: 0.35 of the line with the dictionary, at half the time of level 6
KEPT = ("id", "title", "authors_parsed", "authors", "abstract", "doi", "categories",
        "journal-ref", "comments")  # fmt: skip


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
    if withdrawn_by(record.note):
        record.updates = [Update("withdrawal", None, None, "arxiv", record.note)]
    return record.mark(f"{source}:{arxiv_id}")


def slim(data: dict[str, Any]) -> dict[str, Any]:
    """What `to_record` reads of a snapshot line: the submitter, licence, dates of later
    versions and the author string beside the parsed authors are left out of the index."""
    kept = {key: data[key] for key in KEPT if data.get(key) is not None}
    if kept.get("authors_parsed"):
        kept.pop("authors", None)
    versions = data.get("versions")
    if isinstance(versions, list) and versions:
        kept["versions"] = [versions[0], *({} for _ in versions[1:])]
    return kept


def opening_words(abstract: str) -> list[str]:
    """The distinct words of an abstract's first `OPENING` characters, the last one only when it
    is whole: "fusion o|f" cut there would ask for a word "o" the abstract does not have."""
    cut = abstract[:OPENING]
    if len(abstract) > OPENING and abstract[OPENING - 1].isalnum() and abstract[OPENING].isalnum():
        cut = cut.rsplit(None, 1)[0] if " " in cut.strip() else ""
    return list(dict.fromkeys(words(cut)))


def title_hash(key: str) -> int:
    """A title key as a signed 64-bit integer: an index of integers is a tenth of one of titles."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


class Snapshot(LocalIndex):
    """The snapshot at `path`, indexed on first use."""

    name = "arxiv-snapshot"
    WHAT = "arXiv snapshot"
    INDEX_PREFIX = "snapshot"
    SCHEMA_VERSION = SCHEMA_VERSION
    SCHEMA = """
        CREATE TABLE paper(row INTEGER PRIMARY KEY, id TEXT UNIQUE, doi TEXT, title_hash INTEGER,
                           title_key TEXT, json BLOB NOT NULL);
        CREATE TABLE packing(dictionary BLOB NOT NULL);
        CREATE VIRTUAL TABLE title_fts USING fts5(
            title, content='', tokenize='unicode61 remove_diacritics 2');
        CREATE VIRTUAL TABLE abstract_fts USING fts5(
            abstract, content='', detail=none, tokenize='unicode61 remove_diacritics 2');
        CREATE VIRTUAL TABLE title_vocab USING fts5vocab(title_fts, 'row');
        CREATE VIRTUAL TABLE abstract_vocab USING fts5vocab(abstract_fts, 'row');
        CREATE TABLE term_docs(col TEXT, term TEXT, docs INTEGER, PRIMARY KEY (col, term))
            WITHOUT ROWID;
    """
    _dictionary: bytes | None = None
    _size: int | None = None  # records in the index (the last row), once asked

    def fill(self, db: sqlite3.Connection) -> None:
        try:
            # the full-text indexes keep no copy of the text (contentless): a record's words
            # point at its row in `paper`, whose slimmed line is kept compressed. Titles and
            # abstracts are indexed apart: a title search then walks the titles' lists only
            # (in one index, a column filter decodes every abstract holding a title's word),
            # and the abstracts' index keeps no word positions (no phrase is asked of them)
            self.store(
                db,
                self._rows(db),
                "INSERT OR REPLACE INTO paper VALUES (?, ?, ?, ?, ?, ?)",
                "INSERT INTO title_fts(rowid, title) VALUES (?, ?)",
                "INSERT INTO abstract_fts(rowid, abstract) VALUES (?, ?)",
            )
        except (OSError, UnicodeDecodeError, EOFError, gzip.BadGzipFile) as exc:
            raise SourceError(f"{self.path}: cannot read the arXiv snapshot: {exc}") from None
        db.execute("CREATE INDEX paper_doi ON paper(doi)")
        db.execute("CREATE INDEX paper_title ON paper(title_hash)")
        # fts5vocab counts a word by walking the index (0.7 ms a word at 100,000 records): the
        # counts are kept in a table once, read by the primary key at search time
        db.execute("INSERT INTO term_docs SELECT 'title', term, doc FROM title_vocab")
        db.execute("INSERT INTO term_docs SELECT 'abstract', term, doc FROM abstract_vocab")

    def _rows(self, db: sqlite3.Connection) -> Iterator[tuple[int, tuple[tuple[Any, ...], ...]]]:
        """Each line's (number, (`paper` row, title row, abstract row)); the line's number is
        its row. Records are compressed one by one (each is read alone) against a dictionary
        of the first lines' text, which halves them again: a record alone repeats too little."""
        records = self._parsed()
        sample = list(itertools.islice(records, SAMPLE))
        texts = [json.dumps(slim(data), ensure_ascii=False) for _, data, _ in sample]
        step = max(1, len(texts) // 200)
        dictionary = "".join(texts[::step]).encode()[-DICTIONARY:]
        db.execute("INSERT INTO packing VALUES (?)", (dictionary,))
        packer = zlib.compressobj(LEVEL, zdict=dictionary) if dictionary else None

        def row(number: int, data: dict[str, Any], ident: str) -> tuple[int, tuple[Any, ...]]:
            doi = str(data["doi"]).split()[0].lower() if data.get("doi") else None
            key = match_key(str(data.get("title") or ""))
            text = json.dumps(slim(data), ensure_ascii=False).encode()
            if packer is not None:
                one = packer.copy()  # the dictionary is read once, not once a record
                packed = one.compress(text) + one.flush()
            else:
                packed = zlib.compress(text, LEVEL)
            return number, (
                (number, ident, doi, title_hash(key) if key else None, key, packed),
                (number, data.get("title") or ""),
                (number, data.get("abstract") or ""),
            )

        for number, data, ident in itertools.chain(sample, records):
            yield row(number, data, ident)

    def _parsed(self) -> Iterator[tuple[int, dict[str, Any], str]]:
        """Each readable line's (number, parsed line, arXiv id); unreadable ones are noted."""
        for number, line in enumerate(_open(self.path), start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                ident = identify(str(data["id"])).arxiv_id or str(data["id"])
            except (ValueError, KeyError, TypeError):
                self.problems.append(f"{self.path}:{number}: not a snapshot record; skipped")
                continue
            yield number, data, ident

    def _records(self, blobs: list[bytes]) -> list[Record]:
        """The records stored as these compressed lines."""
        if self._dictionary is None:
            found = self.db.execute("SELECT dictionary FROM packing").fetchone()
            self._dictionary = found[0] if found else b""
        out = []
        for packed in blobs:
            if self._dictionary:
                unpacker = zlib.decompressobj(zdict=self._dictionary)
                text = unpacker.decompress(packed) + unpacker.flush()
            else:
                text = zlib.decompress(packed)
            out.append(to_record(json.loads(text)))
        return out

    def lookup_arxiv(self, ids: list[str]) -> dict[str, Record]:
        out: dict[str, Record] = {}
        for ident in ids:
            row = self.db.execute("SELECT json FROM paper WHERE id = ?", (ident,)).fetchone()
            if row:
                out[ident] = self._records([row[0]])[0]
        return out

    def lookup_doi(self, dois: list[str]) -> dict[str, Record]:
        out: dict[str, Record] = {}
        for doi in dois:
            rows = self.db.execute(
                "SELECT json FROM paper WHERE doi = ?", (doi.lower(),)
            ).fetchall()
            if len(rows) == 1:
                out[doi] = self._records([rows[0][0]])[0]
        return out

    def _counts(self, terms: list[str], column: str) -> dict[str, int]:
        """How many records have each of `terms` in `column`; words no record has are left out."""
        counts: dict[str, int] = {}
        for term in terms:
            row = self.db.execute(
                "SELECT docs FROM term_docs WHERE col = ? AND term = ?", (column, term)
            ).fetchone()
            if row and row[0]:
                counts[term] = row[0]
        return counts

    @staticmethod
    def _rarest(counts: dict[str, int]) -> list[tuple[str, int]]:
        """The `SEARCH_TERMS` words of `counts` that fewest records have, fewest first; words
        no record has (typos, words of another version's title) are not among them rather than
        sinking the query."""
        return sorted(counts.items(), key=lambda item: item[1])[:SEARCH_TERMS]

    def _expected(self, words: tuple[tuple[str, int], ...]) -> float:
        """How many titles hold all of `words` (word, titles holding it), were words independent:
        two words each in 4,000 of 3 million titles are both in some 5."""
        if self._size is None:
            self._size = self.db.execute("SELECT max(row) FROM paper").fetchone()[0] or 1
        expected = float(self._size)
        for _, docs in words:
            expected *= docs / self._size
        return expected

    def _stems(self, terms: list[str], known: dict[str, int]) -> list[str]:
        """Prefix queries for up to two words of `terms` that no title has (not in `known`,
        likely misspelt): their first `STEM` letters, when the words beginning so are in few
        enough titles to narrow a search (not "the", nor "lan" of "language": their lists are
        all merged)."""
        out = []
        for word in terms:
            if len(word) <= STEM + 1 or word in known:
                continue
            stem = word[:STEM]
            total = self.db.execute(
                "SELECT sum(docs) FROM (SELECT docs FROM term_docs WHERE col = 'title' "
                "AND term >= ? AND term < ? LIMIT ?)",
                (stem, stem[:-1] + chr(ord(stem[-1]) + 1), STEM_WORDS),
            ).fetchone()[0]
            if total is not None and total <= STEM_TITLES:
                out.append(f'"{stem}" *')
        return out[:2]

    def _match(self, table: str, query: str, limit: int) -> list[int]:
        """The rows of `table`'s records matching `query`, best first by the engine's ranking
        (the ranking is done on the full-text index alone, before any record is read)."""
        rows = self.db.execute(
            f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH ? "
            f"ORDER BY bm25({table}_fts) LIMIT ?",
            (query, limit),
        ).fetchall()
        return [row for (row,) in rows]

    def _closest(self, rows: list[int], title: str, limit: int) -> list[Record]:
        """The `limit` records of `rows` whose titles are closest to `title` (common words match
        many records, and the engine's ranking is not the resolver's)."""
        if not rows:
            return []
        marks = ",".join("?" * len(rows))
        found = self.db.execute(
            f"SELECT row, title_key FROM paper WHERE row IN ({marks})", rows
        ).fetchall()
        found.sort(key=lambda item: -title_similarity(title, item[1] or ""))
        return self._rows_records([row for row, _ in found[:limit]])

    def _rows_records(self, rows: list[int]) -> list[Record]:
        """The records of `rows`, in that order."""
        if not rows:
            return []
        marks = ",".join("?" * len(rows))
        packed = dict(self.db.execute(f"SELECT row, json FROM paper WHERE row IN ({marks})", rows))
        return self._records([packed[row] for row in rows if row in packed])

    def search(self, entry: Record, limit: int = 10) -> list[Record]:
        """Candidates for an entry, best first: records with exactly its title; records whose
        title has the entry title's rarest words (narrowed first by the first letters of a word
        no title has), re-ranked by title similarity; when none of those titles is close and
        the entry has an abstract, records whose abstract has its rarest opening words (titles
        change between versions); last, when nothing was found, records whose titles have all
        but one or two of those rarest words."""
        title = entry.title or ""
        terms = [w for w in dict.fromkeys(words(title)) if w not in STOPWORDS]
        found: dict[str, Record] = {}

        def add(records: list[Record]) -> None:
            for record in records:
                found.setdefault(record.arxiv_id or "", record)

        def by_title(query: str) -> None:
            add(self._closest(self._match("title", query, limit * OVERFETCH), title, limit))

        def close() -> bool:
            return any(title_similarity(title, r.title or "") >= ACCEPT for r in found.values())

        # the title exactly (case, accents, LaTeX and punctuation aside): found at once, however
        # common its words (a title of common words is easily crowded out of a word search)
        key = match_key(title)
        if key:
            rows = self.db.execute(
                "SELECT json, title_key FROM paper WHERE title_hash = ? LIMIT ?",
                (title_hash(key), limit),
            ).fetchall()
            add(self._records([packed for packed, other in rows if other == key]))
        counts = self._counts(terms, "title")
        rare = self._rarest(counts)
        # a title whose rarest word is in thousands of titles and that was found exactly gains
        # nothing from ranking those thousands (tens of ms at a million records)
        crowded = bool(rare) and rare[0][1] > CROWDED and bool(found)
        if rare and not crowded:
            query = " AND ".join(f'"{t}"' for t, _ in rare)
            # a word no title has is most likely misspelt: its first letters narrow a search of
            # common words to the titles that may be the one (tried first, then without them)
            stems = self._stems(terms, counts)
            if stems and not found:
                by_title(" AND ".join([query, *stems]))
            if not close():
                by_title(query)
        if entry.abstract and not close():  # the title is not enough: its version may differ
            opening = [w for w in opening_words(entry.abstract) if w not in STOPWORDS]
            rare_abstract = self._rarest(self._counts(opening, "abstract"))
            if len(rare_abstract) == SEARCH_TERMS:
                query = " AND ".join(f'"{t}"' for t, _ in rare_abstract)
                add(self._rows_records(self._match("abstract", query, limit)))
        if not found and rare:  # a word or two of the title differ (a typo that is a word)
            size = 1 if len(rare) <= 2 else max(2, len(rare) - 2)
            parts = [" AND ".join(f'"{t}"' for t, _ in combo)
                     for combo in itertools.combinations(rare, size)
                     if self._expected(combo) <= LOOSE]  # fmt: skip
            if parts:  # (a part of common words alone would rank thousands of titles)
                by_title(" OR ".join(f"({part})" for part in parts))
        return list(found.values())[:limit]
