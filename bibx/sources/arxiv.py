"""The arXiv API (`/api/query`, Atom), in both the layout served until 2025 and the current one.

Id look-ups are batched through `id_list` (up to `IDS_PER_REQUEST` ids a request). Title searches
are built from cleaned words (arXiv's search reads `-` as NOT, breaks on `:` and quotes, and stems
quoted phrases) and several titles share one request as an OR of `ti:` clauses; the resolver
validates every candidate locally and asks again one title at a time for entries a shared request
did not settle, so batching saves time without costing recall.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from datetime import datetime

from lxml import etree

from bibx.errors import SourceError
from bibx.ids import identify, withdrawn_by
from bibx.model import Name, Record, Update
from bibx.sources import LiveSource, host
from bibx.sources.http import Clock, RateLimiter, Sleep
from bibx.text import STOPWORDS, tex_to_text, words
from bibx.xmlsafe import parse_xml

DEFAULT_API = "https://export.arxiv.org/api/query"
INTERVAL = 3.0  # arXiv's terms: one request every 3 s, one connection
# kept a little wider: a request's arrival jitters, and one landed 0.4 ms inside the 3 s once in
# five processes (benchmarks/bench_live.py); 50 ms more costs 1.7 % of a cold run's arXiv time
MARGIN = 0.05
IDS_PER_REQUEST = 100
TITLES_PER_REQUEST = 12
RETRIES_PER_REQUEST = 4  # entries a shared request left open, asked again in smaller groups
RESULTS_PER_TITLE = 5
# A retry's clauses are broader (parts of titles, abstracts): more results each, same requests.
RETRY_RESULTS_PER_TITLE = 10
MAX_WORDS_PER_TITLE = 8
ABSTRACT_WORDS = 6

ATOM = "http://www.w3.org/2005/Atom"
ARXIV = "http://arxiv.org/schemas/atom"
OPENSEARCH = "http://a9.com/-/spec/opensearch/1.1/"
NS = {"a": ATOM, "arxiv": ARXIV, "os": OPENSEARCH}


def _text(element: etree._Element, path: str) -> str | None:
    found = element.find(path, NS)
    if found is None or found.text is None:
        return None
    text = " ".join(found.text.split())
    return text or None


def _date(value: str | None) -> tuple[int, int, int] | None:
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return (when.year, when.month, when.day)


def _name(author: etree._Element) -> Name | None:
    """arXiv gives "Given Family" (and sometimes an affiliation); a one-word name stays whole."""
    text = _text(author, "a:name")
    if not text:
        return None
    text = tex_to_text(text)
    affiliation = _text(author, "arxiv:affiliation")
    given, _, family = text.rpartition(" ")
    if not family:
        return Name(literal=text, affiliation=affiliation)
    return Name(family=family, given=given or None, affiliation=affiliation)


def entry_to_record(entry: etree._Element, source: str = "arxiv-api") -> Record | None:
    """One Atom `<entry>` as a Record; None for the empty entries the old API gave for misses."""
    ident = _text(entry, "a:id")
    if not ident or "/api/errors" in ident:
        return None
    found = identify(ident)
    if found.arxiv_id is None:
        return None
    arxiv_id, version = found.arxiv_id, found.arxiv_version
    primary = entry.find("arxiv:primary_category", NS)
    categories = [str(c.get("term")) for c in entry.findall("a:category", NS) if c.get("term")]
    # MSC/ACM codes ("28A80 (Primary) 39B62") were listed as categories by the old API
    categories = [c for c in categories if re.fullmatch(r"[a-z\-]+(\.[A-Za-z\-]+)?", c)]
    title = _text(entry, "a:title")
    names = [_name(a) for a in entry.findall("a:author", NS)]
    record = Record(
        type="article",
        title=tex_to_text(title) if title else None,
        authors=[n for n in names if n],
        issued=_date(_text(entry, "a:published")),
        arxiv_updated=_date(_text(entry, "a:updated")),
        abstract=tex_to_text(_text(entry, "a:summary") or "") or None,
        doi=identify(_text(entry, "arxiv:doi")).doi,
        url=f"https://arxiv.org/abs/{arxiv_id}",
        publisher="arXiv",
        arxiv_id=arxiv_id,
        arxiv_version=version,
        arxiv_class=(primary.get("term") if primary is not None else None)
        or (categories[0] if categories else None),
        categories=categories,
        journal_ref=_text(entry, "arxiv:journal_ref"),
        note=_text(entry, "arxiv:comment"),
    )
    if withdrawn_by(record.note):
        record.updates = [Update("withdrawal", None, record.arxiv_updated, "arxiv", record.note)]
    return record.mark(f"{source}:{arxiv_id}v{version}" if version else f"{source}:{arxiv_id}")


def parse_feed(body: bytes) -> list[Record]:
    """All paper entries of an Atom feed; raises SourceError for an error feed or bad XML."""
    root = parse_xml(body, "arXiv")
    if root.tag != f"{{{ATOM}}}feed":
        raise SourceError(f"arXiv answered with a <{etree.QName(root).localname}>, not a feed")
    entries = root.findall("a:entry", NS)
    for entry in entries:
        ident = _text(entry, "a:id") or ""
        if "/api/errors" in ident:
            raise SourceError(f"arXiv: {_text(entry, 'a:summary') or 'error'}")
    return [r for r in (entry_to_record(e) for e in entries) if r is not None]


def title_clause(title: str) -> str | None:
    """`ti:` clause for a title: significant cleaned words ANDed (no quotes, dashes or colons)."""
    terms = [w for w in dict.fromkeys(words(title)) if w not in STOPWORDS and len(w) > 1]
    if not terms:
        return None
    # the longest words are the most specific; keep title order among them
    keep = set(sorted(terms, key=len, reverse=True)[:MAX_WORDS_PER_TITLE])
    return "(" + " AND ".join(f"ti:{w}" for w in terms if w in keep) + ")"


def half_clauses(title: str) -> list[str]:
    """`ti:` clauses that each hold part of the title's words, for a title that found nothing
    whole: arXiv ANDs every word, so one misspelled word hides the paper. Alternate words go to
    two groups (four or five words) or three (six or more: two misspelled words can break two
    groups, never three); a title of three words is asked as its three pairs, one of two words
    as each word alone."""
    terms = [w for w in dict.fromkeys(words(title)) if w not in STOPWORDS and len(w) > 1]
    keep = set(sorted(terms, key=len, reverse=True)[:MAX_WORDS_PER_TITLE])
    terms = [w for w in terms if w in keep]
    if len(terms) == 3:  # every pair: one misspelled word leaves one pair whole
        pairs = ((terms[0], terms[1]), (terms[0], terms[2]), (terms[1], terms[2]))
        return [f"(ti:{a} AND ti:{b})" for a, b in pairs]
    if len(terms) == 2:  # each word alone; the scoring still judges every candidate
        return [f"ti:{terms[0]}", f"ti:{terms[1]}"]
    if len(terms) < 2:
        whole = title_clause(title)
        return [whole] if whole else []
    # thirds for a long title: two misspelled words can break two of them, never all three
    parts = 3 if len(terms) >= 6 else 2
    groups = [terms[start::parts] for start in range(parts)]
    return ["(" + " AND ".join(f"ti:{w}" for w in group) + ")" for group in groups]


def abstract_clause(abstract: str) -> str | None:
    """`abs:` clause for an abstract: its most specific words from the opening, ANDed. Used when
    a title finds nothing (titles change between versions; the opening of an abstract rarely)."""
    terms = [w for w in dict.fromkeys(words(abstract[:400])) if w not in STOPWORDS and len(w) > 3]
    if len(terms) < 4:
        return None
    keep = set(sorted(terms, key=len, reverse=True)[:ABSTRACT_WORDS])
    return "(" + " AND ".join(f"abs:{w}" for w in terms if w in keep) + ")"


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class ArxivAPI(LiveSource):
    """The live arXiv API through the shared HTTP session."""

    name = "arxiv"
    batched_search = True
    ENDPOINT_ENV = "BIBX_ARXIV_API"  # the full query URL, as for a mirror
    DEFAULT_URL = DEFAULT_API

    @classmethod
    def limiters(
        cls, url: str, mailto: str | None, clock: Clock, sleep: Sleep
    ) -> dict[str, RateLimiter]:
        """One request every 3 s (and `MARGIN`), one connection, counted from the end of the
        previous request too, so no two ever arrive closer than 3 s. `BIBX_ARXIV_INTERVAL`
        sets another spacing for a mirror of one's own (and the tests), never below 3 s (and
        the margin) for arxiv.org."""
        interval = float(os.environ.get("BIBX_ARXIV_INTERVAL") or INTERVAL + MARGIN)
        if host(url).endswith("arxiv.org"):
            interval = max(interval, INTERVAL + MARGIN)
        return {host(url): RateLimiter(interval, 1, clock, sleep, from_finish=True)}

    def least(self, titles: int = 0, arxiv_ids: int = 0, dois: int = 0) -> tuple[int, float]:
        requests = -(-arxiv_ids // IDS_PER_REQUEST) + -(-titles // TITLES_PER_REQUEST)
        return requests, self.spaced(requests)

    def _query(self, params: dict[str, str | int]) -> list[Record]:
        response = self.http.get(self.url, params=params)
        if response.status_code == 400:
            try:
                parse_feed(response.content)
            except SourceError as exc:
                raise SourceError(f"arXiv rejected the query: {exc}") from None
            raise SourceError("arXiv rejected the query (HTTP 400)")
        if response.status_code != 200:
            raise SourceError(f"arXiv answered HTTP {response.status_code}")
        try:
            return parse_feed(response.content)
        except SourceError:
            self.http.forget(response)
            raise

    def lookup_arxiv(self, ids: list[str]) -> dict[str, Record]:
        found: dict[str, Record] = {}
        for chunk in _chunks(sorted(set(ids)), IDS_PER_REQUEST):
            records = self._query(
                {"id_list": ",".join(chunk), "start": 0, "max_results": len(chunk)}
            )
            for record in records:
                if record.arxiv_id and record.arxiv_id in chunk:
                    found[record.arxiv_id] = record
        return found

    def search(self, entry: Record, limit: int = 10) -> list[Record]:
        return self._search_many([entry], retry=True)[0][:limit]

    def search_many(
        self, entries: list[Record], *, retry: bool = False
    ) -> list[list[Record] | SourceError]:
        try:
            return list(self._search_many(entries, retry=retry))
        except SourceError as exc:  # a shared request failed: for every entry it served
            return [exc] * len(entries)

    def _search_many(self, entries: list[Record], retry: bool) -> list[list[Record]]:
        """Candidates for each entry, several entries to a request (an OR of their clauses).
        Every entry gets every record of its request: the resolver's scoring sorts them out.
        On `retry` (entries a first pass left open) the groups are smaller, the title is asked
        in two halves (a misspelled word hides a paper from an AND of every word; it can break
        only one half) and an entry's abstract is searched too, since titles change between
        versions and abstracts less. Still one request per group: the retry costs no more."""
        out: list[list[Record]] = [[] for _ in entries]
        todo = []
        for index, entry in enumerate(entries):
            if retry:  # no word may exclude the paper now: parts of the title, the abstract;
                # and the whole title, so that a paper matching it all ranks first
                title = entry.title or ""
                clauses = [title_clause(title), *half_clauses(title),
                           abstract_clause(entry.abstract or "")]  # fmt: skip
            else:
                clauses = [title_clause(entry.title or "")]
            found = [c for c in clauses if c]
            if found:
                todo.append((index, " OR ".join(found)))
        size = RETRIES_PER_REQUEST if retry else TITLES_PER_REQUEST
        for chunk in _chunks(todo, size):
            query = " OR ".join(c for _, c in chunk)
            per_title = RETRY_RESULTS_PER_TITLE if retry else RESULTS_PER_TITLE
            records = self._query(
                {"search_query": query, "start": 0, "max_results": per_title * len(chunk)}
            )
            for index, _ in chunk:
                out[index] = records
        return out
