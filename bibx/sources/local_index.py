"""A local file (the arXiv snapshot, dblp's dump) indexed once into SQLite in the cache directory.

The index is named after the file's path, size, modification time and the index's schema
version, so later runs open it at once and a changed file (or a new schema) is indexed again. It
is built in a scratch file beside its final name (no journal, no fsync per page) and renamed
into place whole: an interrupted build leaves no half index behind.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, ClassVar

from bibx.errors import SourceError
from bibx.paths import cache_dir
from bibx.sources import Source

BATCH = 10_000  # records written at a time while building


class LocalIndex(Source):
    """A `Source` answering from the SQLite index of a local file; subclasses `fill` it."""

    local = True
    WHAT: ClassVar[str]  # the file, as messages name it ("arXiv snapshot")
    INDEX_PREFIX: ClassVar[str]
    SCHEMA_VERSION: ClassVar[int]
    SCHEMA: ClassVar[str]  # the tables, created in the scratch database before `fill`

    def __init__(
        self,
        path: str | Path,
        cache: str | Path | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise SourceError(f"{self.path}: {self.WHAT} not found")
        self.progress = progress  # called with the number of records read, while building
        self.problems: list[str] = []  # records of the file that could not be read
        self.built = False  # this run built the index (else it was found)
        self.index = self.index_path(cache_dir(cache))
        self.db = self._connect()

    def index_path(self, cache: Path) -> Path:
        stat = self.path.stat()
        ident = f"{self.path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}|{self.SCHEMA_VERSION}"
        digest = hashlib.sha256(ident.encode()).hexdigest()[:16]
        return cache / f"{self.INDEX_PREFIX}-{digest}.sqlite"

    def _connect(self) -> sqlite3.Connection:
        if not self.index.exists():
            self.build(self.index)
        return sqlite3.connect(f"file:{self.index}?mode=ro", uri=True, check_same_thread=False)

    def build(self, index: Path) -> None:
        fd, tmp = tempfile.mkstemp(dir=index.parent, prefix=f".{self.INDEX_PREFIX}-", suffix=".tmp")
        os.close(fd)
        try:
            db = sqlite3.connect(tmp)
            db.executescript(
                "PRAGMA journal_mode = OFF;\nPRAGMA synchronous = OFF;\n" + self.SCHEMA
            )
            with db:
                self.fill(db)
            db.close()
            os.replace(tmp, index)
            self.built = True
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    def fill(self, db: sqlite3.Connection) -> None:
        """Read the file into the scratch database; raise SourceError on a file it cannot read."""
        raise NotImplementedError

    def tell(self, count: int) -> None:
        """Report progress every 100,000 records while building."""
        if self.progress is not None and count % 100_000 == 0:
            self.progress(count)

    def store(
        self,
        db: sqlite3.Connection,
        rows: Iterable[tuple[int, tuple[tuple[Any, ...], ...]]],
        *sql: str,
    ) -> None:
        """Write each (record number, (one row per statement of `sql`)) in batches of
        `BATCH`, telling the progress as the records are read."""
        batches: list[list[tuple[Any, ...]]] = [[] for _ in sql]
        count = 0
        for number, parts in rows:
            for batch, part in zip(batches, parts, strict=True):
                batch.append(part)
            count += 1
            if count >= BATCH:
                for statement, batch in zip(sql, batches, strict=True):
                    db.executemany(statement, batch)
                    batch.clear()
                count = 0
            self.tell(number)
        for statement, batch in zip(sql, batches, strict=True):
            db.executemany(statement, batch)
