"""The Crossref REST API: `/works/{doi}` and `/works?query.bibliographic=…`.

Spoken directly through the shared HTTP session (habanero would bypass its cache, rate limits and
retries: docs/decisions.md). arXiv's own DOIs (10.48550/arXiv.*) are DataCite's: Crossref answers
404 for them, so they are never asked. Crossref's `score` is an unnormalised relevance number and
is never used as a threshold; the resolver scores candidates itself.
"""

from __future__ import annotations

import html
import json
import re
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote

from bibx.errors import SourceError
from bibx.ids import identify
from bibx.model import Name, Record, Update
from bibx.sources import LiveSource, host
from bibx.sources.http import Clock, HttpSession, RateLimiter, Sleep
from bibx.text import squash

DEFAULT_API = "https://api.crossref.org"
ROWS = 5
UPDATES_BATCH = 20  # DOIs asked for notices in one request (the URL stays under 2 kB)
UPDATES_ROWS = 100  # notices a batch may have: a work has a handful at most
SEARCH_THREADS = 3  # the polite pool allows 3 searches in flight
SELECT = (
    "DOI,title,author,issued,published,published-print,published-online,container-title,type,"
    "page,volume,issue,publisher,URL,abstract,event,short-container-title"
)

TYPE_MAP = {
    "journal-article": "article-journal",
    "proceedings-article": "paper-conference",
    "book-chapter": "chapter",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "report": "report",
    "dissertation": "thesis",
    "posted-content": "article",
}

_BLOCK_TAG = re.compile(r"</?(?:jats:)?(?:p|sec|title|list|list-item|br|div)\b[^>]*>")
_TAG = re.compile(r"<[^>]+>")


def _first(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if not isinstance(value, str):
        return None
    return squash(value) or None


def _strip_markup(text: str) -> str:
    """JATS/HTML in titles and abstracts (`<jats:p>`, `<i>`) to plain text."""
    text = re.sub(r"<jats:title>[^<]*</jats:title>", " ", text)
    text = _TAG.sub("", _BLOCK_TAG.sub(" ", text))  # inline tags (italic, sup) leave no gap
    return squash(html.unescape(text))


def _issued(message: dict[str, Any]) -> tuple[int, ...] | None:
    for key in ("issued", "published", "published-print", "published-online"):
        parts = (message.get(key) or {}).get("date-parts") or [[]]
        numbers = []
        for part in parts[0][:3] if parts and isinstance(parts[0], list) else []:
            if not isinstance(part, int):
                break
            numbers.append(part)
        if numbers:
            return tuple(numbers)
    return None


def _name(author: dict[str, Any]) -> Name | None:
    if author.get("name") and not author.get("family"):
        return Name(literal=squash(str(author["name"])))
    family = squash(str(author.get("family") or "")) or None
    given = squash(str(author.get("given") or "")) or None
    if not family and not given:
        return None
    return Name(family=family, given=given, suffix=author.get("suffix") or None)


def work_to_record(message: dict[str, Any], source: str = "crossref") -> Record:
    doi = str(message.get("DOI") or "").lower()
    title = _first(message.get("title"))
    subtitle = _first(message.get("subtitle"))
    if title and subtitle and subtitle.lower() not in title.lower():
        title = f"{title}: {subtitle}"
    abstract = message.get("abstract")
    record = Record(
        type=TYPE_MAP.get(str(message.get("type")), "article"),
        title=_strip_markup(title) if title else None,
        authors=[n for n in (_name(a) for a in message.get("author") or []) if n],
        issued=_issued(message),
        container_title=_first(message.get("container-title")),
        volume=_first(message.get("volume")),
        issue=_first(message.get("issue")),
        page=_first(message.get("page")),
        publisher=_first(message.get("publisher")),
        doi=doi or None,
        url=f"https://doi.org/{doi}" if doi else None,
        abstract=_strip_markup(abstract) if isinstance(abstract, str) else None,
        updates=updated_by(message),
    )
    short = _first(message.get("short-container-title"))
    if short and record.container_title and short != record.container_title:
        record.vars["container-title-short"] = short  # "J Clin Pathol"; [] for proceedings
    return record.mark(f"{source}:{doi}")


def _update(entry: dict[str, Any], source: str | None = None) -> Update | None:
    kind = str(entry.get("type") or "").strip().lower()
    if not kind:
        return None
    parts = (entry.get("updated") or {}).get("date-parts") or [[]]
    date = tuple(p for p in (parts[0] if parts else [])[:3] if isinstance(p, int)) or None
    return Update(
        kind=kind,
        doi=str(entry.get("DOI") or "").lower() or None,
        date=date,
        source=str(entry.get("source") or source or "publisher"),
        label=entry.get("label") or None,
    )


def updated_by(message: dict[str, Any]) -> list[Update]:
    """The notices a work's own record carries (`updated-by`): what a retraction, correction
    or expression of concern says of it; a new version of itself is no notice."""
    doi = str(message.get("DOI") or "").lower()
    out = []
    for entry in message.get("updated-by") or []:
        update = _update(entry) if isinstance(entry, dict) else None
        if update and update.kind != "new_version" and update.doi != doi:
            out.append(update)
    return out


def notices_of(notice: dict[str, Any], dois: set[str]) -> dict[str, list[Update]]:
    """What a notice's record (from `filter=updates:`) says of each of `dois` (`update-to`)."""
    own = str(notice.get("DOI") or "").lower() or None
    out: dict[str, list[Update]] = {}
    for entry in notice.get("update-to") or []:
        if not isinstance(entry, dict):
            continue
        target = str(entry.get("DOI") or "").lower()
        update = _update(entry)
        if target in dois and update and update.kind != "new_version" and target != own:
            out.setdefault(target, []).append(
                Update(update.kind, own, update.date, update.source, update.label)
            )
    return out


def _message(body: bytes, what: str) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except ValueError:
        raise SourceError(f"Crossref: answer for {what} is not JSON") from None
    message = data.get("message") if isinstance(data, dict) else None
    if not isinstance(message, dict):
        raise SourceError(f"Crossref: answer for {what} has no message")
    return message


class Crossref(LiveSource):
    """The live Crossref API through the shared HTTP session."""

    name = "crossref"
    publishes = True  # knows the published versions of preprints
    ENDPOINT_ENV = "BIBX_CROSSREF_API"
    DEFAULT_URL = DEFAULT_API

    def __init__(self, http: HttpSession, url: str | None = None) -> None:
        super().__init__(http, url)
        self._works_limit, self._search_limit = self.limit_keys(self.url)

    @staticmethod
    def limit_keys(url: str) -> tuple[str, str]:
        """Crossref limits single-work look-ups and searches separately."""
        return f"{host(url)}/works", f"{host(url)}/search"

    @classmethod
    def limiters(
        cls, url: str, mailto: str | None, clock: Clock, sleep: Sleep
    ) -> dict[str, RateLimiter]:
        """The polite pool (a mailto) since 2025-12-01: 3 searches and 10 look-ups a second, 3
        searches in flight; the public pool: 1 a second. Starts are spaced 10 % wider than the
        published rate: requests reach the server with some jitter, and "3 a second" must hold
        in every one-second window as the server sees it (benchmarks/bench_live.py checks
        arrival times; 5 % was not always enough)."""
        works, search = cls.limit_keys(url)
        if mailto:
            return {
                search: RateLimiter(1.1 / 3, 3, clock, sleep),
                works: RateLimiter(1.1 / 10, 10, clock, sleep),
            }
        shared = RateLimiter(1.1, 1, clock, sleep)
        return {search: shared, works: shared}

    def least(self, titles: int = 0, arxiv_ids: int = 0, dois: int = 0) -> tuple[int, float]:
        """A search per title, a look-up per DOI; the two limits are separate in the polite pool
        (the public pool has one limit for both)."""
        searches, lookups = (
            self.spaced(titles, self._search_limit),
            self.spaced(dois, self._works_limit),
        )
        shared = self.http.limiters.get(self._search_limit) is self.http.limiters.get(
            self._works_limit
        )
        seconds = (
            self.spaced(titles + dois, self._search_limit) if shared else max(searches, lookups)
        )
        return titles + dois, seconds

    def work(self, doi: str) -> Record | None:
        if not identify(doi).doi:
            return None  # arXiv's DataCite DOI (or no DOI at all): Crossref would answer 404
        response = self.http.get(
            f"{self.url}/works/{quote(doi, safe='/:;()')}", limit=self._works_limit
        )
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise SourceError(f"Crossref answered HTTP {response.status_code} for {doi}")
        try:
            return work_to_record(_message(response.content, doi))
        except SourceError:
            self.http.forget(response)
            raise

    def lookup_doi(self, dois: list[str]) -> dict[str, Record]:
        found: dict[str, Record] = {}
        for doi in dois:
            record = self.work(doi)
            if record is not None:
                found[doi] = record
        return found

    def notices(self, dois: list[str]) -> dict[str, list[Update]]:
        """Notices about each DOI found from the notice's side: the works whose `update-to`
        names it (`filter=updates:{doi}`, several DOIs a request: the same filter given twice
        is OR). A DOI holding a comma would split the filter list: it is asked alone. A work's
        own record may not name its retraction (`updated-by` is the publisher's or Retraction
        Watch's to add), so this is asked too: neither side alone catches every case."""
        wanted = list(dict.fromkeys(d.lower() for d in dois if identify(d).doi))
        plain = [d for d in wanted if "," not in d]
        batches = [plain[i : i + UPDATES_BATCH] for i in range(0, len(plain), UPDATES_BATCH)]
        batches += [[d] for d in wanted if "," in d]
        found: dict[str, list[Update]] = {}
        for batch in batches:
            filters = ",".join(f"updates:{d}" for d in batch)
            for item in self._items({"filter": filters, "rows": UPDATES_ROWS}, "notices"):
                for doi, said in notices_of(item, set(batch)).items():
                    found.setdefault(doi, []).extend(said)
        return found

    def _items(self, params: dict[str, Any], what: str) -> list[dict[str, Any]]:
        """The works of a list query (a search, the notices of some DOIs), at the search
        limit; a SourceError for another status or a body that is no work list (a cached bad
        answer is forgotten)."""
        response = self.http.get(f"{self.url}/works", params=params, limit=self._search_limit)
        if response.status_code != 200:
            raise SourceError(f"Crossref answered HTTP {response.status_code} for {what}")
        try:
            items = _message(response.content, what).get("items") or []
        except SourceError:
            self.http.forget(response)
            raise
        return [i for i in items if isinstance(i, dict)]

    def search(self, entry: Record, limit: int = ROWS) -> list[Record]:
        if not entry.title and not entry.citation:
            return []
        query = entry.title or ""
        if entry.authors:
            first = entry.authors[0]
            query += " " + (first.family or first.literal or "")
        if entry.citation:
            query = entry.citation  # a whole reference: what query.bibliographic is made for
        params = {"query.bibliographic": query, "rows": limit, "select": SELECT}
        return [work_to_record(i) for i in self._items(params, "a search")]

    def search_many(
        self, entries: list[Record], *, retry: bool = False
    ) -> list[list[Record] | SourceError]:
        """One search per entry, up to `SEARCH_THREADS` at once (the limiter keeps the pace)."""

        def one(entry: Record) -> list[Record] | SourceError:
            try:
                return self.search(entry)
            except SourceError as exc:
                return exc

        with ThreadPoolExecutor(max_workers=SEARCH_THREADS) as pool:
            return list(pool.map(one, entries))
