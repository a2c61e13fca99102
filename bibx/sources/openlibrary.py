"""Books by ISBN from Open Library (`/api/books?bibkeys=ISBN:…&format=json&jscmd=data`, many
ISBNs a request). The base is `BIBX_OPENLIBRARY_API` (default https://openlibrary.org); its API
routes allow 180 requests a minute to a client that is not on its lists (its nginx set-up)."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from bibx.ids import parse_isbn
from bibx.model import Name, Record
from bibx.sources import LiveSource
from bibx.text import squash

BATCH = 20  # ISBNs a request
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _date(text: str | None) -> tuple[int, ...] | None:
    """Open Library's free-form publish date ("July 28, 2008", "2008", "Mar 2013")."""
    year = _YEAR.search(text or "")
    if not year:
        return None
    words = (text or "").lower().split()
    month = next((n for n, m in enumerate(_MONTHS, 1) if any(w.startswith(m[:3]) for w in words)),
                 None)  # fmt: skip
    return (int(year.group(1)), month) if month else (int(year.group(1)),)


def book_to_record(data: dict[str, Any], isbn: str) -> Record:
    names = [squash(str(a.get("name") or "")) for a in data.get("authors") or []]
    title = squash(str(data.get("title") or "")) or None
    subtitle = squash(str(data.get("subtitle") or ""))
    if title and subtitle:
        title = f"{title}: {subtitle}"
    publishers = [squash(str(p.get("name") or "")) for p in data.get("publishers") or []]
    places = [squash(str(p.get("name") or "")) for p in data.get("publish_places") or []]
    record = Record(
        type="book",
        title=title,
        authors=[_name(n) for n in names if n],
        issued=_date(data.get("publish_date")),
        publisher=publishers[0] if publishers else None,
        url=str(data.get("url") or "") or None,
    )
    record.vars["ISBN"] = isbn
    if places:
        record.vars["publisher-place"] = places[0]
    if data.get("number_of_pages"):
        record.vars["number-of-pages"] = str(data["number_of_pages"])
    if data.get("edition_name"):
        record.vars["edition"] = squash(str(data["edition_name"]))
    return record.mark(f"openlibrary:{isbn}")


def _name(text: str) -> Name:
    """Open Library gives a name as one string ("Iain M. Banks"): the last word is the family."""
    parts = text.rsplit(" ", 1)
    return Name(family=parts[1], given=parts[0]) if len(parts) == 2 else Name(literal=text)


class OpenLibrary(LiveSource):
    name = "openlibrary"
    publishes = True
    searches = False  # by identifier only
    schemes: ClassVar[frozenset[str]] = frozenset({"isbn"})
    ENDPOINT_ENV: ClassVar[str] = "BIBX_OPENLIBRARY_API"
    RATE: ClassVar[float] = 180 / 60  # its nginx: 180 a minute on API routes
    DEFAULT_URL: ClassVar[str] = "https://openlibrary.org"

    def lookup_ids(self, scheme: str, ids: list[str]) -> dict[str, Record]:
        if scheme != "isbn":
            return {}
        wanted = {parse_isbn(i): i for i in ids if parse_isbn(i)}
        found: dict[str, Record] = {}
        keys = list(wanted)
        for start in range(0, len(keys), BATCH):
            batch = [k for k in keys[start : start + BATCH] if k]
            data = self.get_json(
                f"{self.url}/api/books",
                {
                    "bibkeys": ",".join(f"ISBN:{k}" for k in batch),
                    "format": "json",
                    "jscmd": "data",
                },
                what=f"{len(batch)} ISBNs",
            )
            for key, book in data.items() if isinstance(data, dict) else []:
                isbn = parse_isbn(key.split(":", 1)[-1])
                if isbn in wanted and isinstance(book, dict):
                    found[wanted[isbn]] = book_to_record(book, isbn or "")
        return found
