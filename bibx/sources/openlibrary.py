"""Books by ISBN from Open Library (`/api/books?bibkeys=ISBN:…&format=json&jscmd=data`, many
ISBNs a request). The base is `BIBX_OPENLIBRARY_API` (default https://openlibrary.org); its API
routes allow 180 requests a minute to a client that is not on its lists (its nginx set-up)."""

from __future__ import annotations

import re
from typing import Any, ClassVar

from bibx.ids import parse_isbn
from bibx.model import Date, Name, Record
from bibx.sources import CANDIDATES, LiveSource
from bibx.text import query_words, squash

BATCH = 20  # ISBNs a request
# what a search asks for: the work's fields, and its one edition's (Open Library returns the
# edition the query's edition clauses, such as publish_year, chose)
WORK_FIELDS = (
    "key,title,subtitle,author_name,first_publish_year,publish_year,publisher,publish_place"
)
FIELDS = (
    f"{WORK_FIELDS},editions,editions.key,editions.title,editions.publisher,editions.publish_date,"
    "editions.publish_year,editions.publish_place,editions.isbn"
)
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


def _clause(field: str, text: str) -> str:
    """A search clause of the title's (or name's) words: `title:(lord rings)`."""
    words = query_words(text)
    return f"{field}:({' '.join(words)})" if words else ""


def doc_to_record(
    doc: dict[str, Any], base: str, with_edition: bool = True, year: int | None = None
) -> Record:
    """A work of `/search.json` as a book. With an edition (`editions.docs[0]`: the one the
    query's year chose), that edition's year, publisher, place and ISBN, the work's first year
    kept as `original-date`; without, the work: its first year, and a publisher or place only
    when every edition has the same (an edition's own are not in the document), and the `year`
    cited when one of its editions is of that year (which edition is not known)."""
    title = squash(str(doc.get("title") or "")) or None
    subtitle = squash(str(doc.get("subtitle") or ""))
    if title and subtitle:
        title = f"{title}: {subtitle}"
    first = doc.get("first_publish_year")
    editions = ((doc.get("editions") or {}).get("docs") or []) if with_edition else []
    edition = editions[0] if editions and isinstance(editions[0], dict) else None
    record = Record(
        type="book",
        title=title,
        authors=[_name(squash(str(a))) for a in doc.get("author_name") or [] if str(a).strip()],
        issued=(int(str(first)),) if str(first or "").isdigit() else None,
    )
    editions_years = {int(y) for y in doc.get("publish_year") or [] if str(y).isdigit()}
    if edition is None and year in editions_years and record.issued and record.issued[0] != year:
        record.dates["original-date"] = Date(record.issued)
        record.issued = (year,)
    # an edition's own publisher and place are its first; a work's only when all its editions
    # agree (in the order given: the first of a list, never an arbitrary one of a set)
    source = edition or doc
    publishers = list(dict.fromkeys(squash(str(p)) for p in source.get("publisher") or []))
    places = list(dict.fromkeys(squash(str(p)) for p in source.get("publish_place") or []))
    if edition is not None:
        years = [int(y) for y in edition.get("publish_year") or [] if str(y).isdigit()]
        dates = [_date(str(d)) for d in edition.get("publish_date") or []]
        issued = next((d for d in dates if d), None) or ((years[0],) if years else None)
        if issued:
            if record.issued and record.issued[0] != issued[0]:
                record.dates["original-date"] = Date(record.issued)
            record.issued = issued
        isbns = [parse_isbn(str(i)) for i in edition.get("isbn") or []]
        if any(isbns):
            record.vars["ISBN"] = next(i for i in isbns if i)
        publishers, places = publishers[:1], places[:1]
    if len(publishers) == 1:
        record.publisher = publishers[0]
    if len(places) == 1:
        record.vars["publisher-place"] = places[0]
    key = str((edition or {}).get("key") or doc.get("key") or "")
    if key:
        kind = "books" if edition is not None and edition.get("key") else "works"
        record.url = f"{base}/{kind}/{key.rsplit('/', 1)[-1]}"
    return record.mark(f"openlibrary:{key}")


class OpenLibrary(LiveSource):
    name = "openlibrary"
    publishes = True
    kinds: ClassVar[frozenset[str]] = frozenset({"book"})
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

    def least(self, titles: int = 0, arxiv_ids: int = 0, dois: int = 0) -> tuple[int, float]:
        return titles, self.spaced(titles, self.limit_key(self.url))

    def search(self, entry: Record, limit: int = CANDIDATES) -> list[Record]:
        """`/search.json?q=title:(…) AND author:(…) AND publish_year:…` with the `editions`
        field: the works, each with its edition of the year cited (Open Library then returns
        that edition); asked again without the year when no work has an edition that year."""
        if not entry.title:
            return []
        clauses = [_clause("title", entry.title)]
        family = next((a.family for a in entry.authors if a.family), None)
        if family:
            clauses.append(_clause("author", family))
        # (query, whether its edition is the one cited): without a year, the edition Open
        # Library returns is any (ranked by language and cover), so only the work is taken
        tries = [([*clauses, f"publish_year:{entry.year}"], True)] if entry.year else []
        for query, edition in [*tries, (clauses, False)]:
            answer = self.get_json(
                f"{self.url}/search.json",
                {"q": " AND ".join(c for c in query if c),
                 "fields": FIELDS if edition else WORK_FIELDS, "limit": str(limit)},
                what=f"the title {entry.title!r}",
            )  # fmt: skip
            docs = answer.get("docs") if isinstance(answer, dict) else None
            if docs:
                return [
                    doc_to_record(d, self.url, edition, entry.year)
                    for d in docs
                    if isinstance(d, dict)
                ]
        return []
