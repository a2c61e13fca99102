"""dblp's publication search API (`/search/publ/api?q=…&format=json`): the published versions of
papers that have no publisher DOI (NeurIPS, ICLR, ICML, and many workshops).

dblp is asked last and only for papers the other sources left without a venue (`venue_only`):
one request per paper, at dblp's published pace (at least 1-2 s between requests; a 429 comes
with Retry-After, as an HTML page even for JSON). Its hits are parsed in every shape seen in real
responses (fixtures/reference/dblp/): authors as a list, a bare object or plain strings, homonym
numbers (`Wei Liu 0001`) dropped, `venue` as a string or a list, titles ending in '.', XML
entities left inside JSON strings, DOIs in upper case. CoRR hits are arXiv's own records and are
not published versions. Venue names are written out the way users cite them (`venue_name`).
"""

from __future__ import annotations

import html
import json
import os
import re
from typing import Any

from bibx.errors import SourceError
from bibx.ids import identify
from bibx.model import Name, Record
from bibx.sources import LiveSource, host
from bibx.sources.http import Clock, RateLimiter, Sleep
from bibx.text import STOPWORDS, squash, words

DEFAULT_API = "https://dblp.org/search/publ/api"
INTERVAL = 2.0  # dblp: "at least one or two second between two consecutive requests"
HITS = 10
MAX_WORDS = 8
TITLES_PER_REQUEST = 10  # one distinctive word each, OR'ed (`a$|b$|c$`), up to BATCH_HITS hits
BATCH_HITS = 1000  # dblp's cap on `h`

TYPES = {
    "Conference and Workshop Papers": "paper-conference",
    "Journal Articles": "article-journal",
    "Parts in Books or Collections": "chapter",
    "Books and Theses": "book",
}
_HOMONYM = re.compile(r"\s+\d{4}$")
_PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "le", "la", "dos"}

# dblp's short venue -> the name users cite. ICML's PMLR volumes are those dblp records
# (fixtures/reference/dblp/README.md); a year not listed gets no volume.
VENUES = {
    "nips": "Advances in Neural Information Processing Systems",
    "neurips": "Advances in Neural Information Processing Systems",
    "iclr": "International Conference on Learning Representations",
    "icml": "International Conference on Machine Learning",
    "aaai": "AAAI Conference on Artificial Intelligence",
    "acl": "Annual Meeting of the Association for Computational Linguistics",
    "emnlp": "Conference on Empirical Methods in Natural Language Processing",
    "naacl": "Conference of the North American Chapter of the Association for Computational "
    "Linguistics: Human Language Technologies",
    "naacl-hlt": "Conference of the North American Chapter of the Association for "
    "Computational Linguistics: Human Language Technologies",
    "eacl": "Conference of the European Chapter of the Association for Computational Linguistics",
    "coling": "International Conference on Computational Linguistics",
    "iccv": "IEEE/CVF International Conference on Computer Vision",
    "cvpr": "IEEE/CVF Conference on Computer Vision and Pattern Recognition",
    "eccv": "European Conference on Computer Vision",
    "icra": "IEEE International Conference on Robotics and Automation",
    "cikm": "ACM International Conference on Information and Knowledge Management",
    "specom": "International Conference on Speech and Computer",
    "ijcai": "International Joint Conference on Artificial Intelligence",
    "kdd": "ACM SIGKDD Conference on Knowledge Discovery and Data Mining",
    "bioinform.": "Bioinformatics",
}
PMLR_ICML = {2017: "70", 2018: "80", 2019: "97", 2020: "119", 2021: "139", 2022: "162",
             2023: "202"}  # fmt: skip


def short_venue(venue: str) -> str | None:
    """The short name users cite, as dblp has it for the paper's year ("NIPS" up to 2017,
    "NeurIPS" after: dblp names each year's proceedings as they were): `ACL (1)` -> `ACL`,
    `ACL (Findings)` -> `Findings of ACL`; None for a journal's abbreviation, which the
    journal lists give (dblp's `J. Mach. Learn. Res.` style is its own)."""
    base = re.sub(r"\s*\(.*?\)\s*", "", venue).strip()
    if not base or "." in base:
        return None
    if "findings" in venue.lower():
        return f"Findings of {base.split()[0].upper()}"
    return base


def venue_name(venue: str) -> str:
    """`NeurIPS` -> `Advances in Neural Information Processing Systems`; `ACL (Findings)` ->
    `Findings of the Association for Computational Linguistics: ACL`; others as dblp has them."""
    base = re.sub(r"\s*\(.*?\)\s*", "", venue).strip()
    if "findings" in venue.lower():
        named = base.split()[0] if base else venue
        return f"Findings of the Association for Computational Linguistics: {named.upper()}"
    return VENUES.get(base.lower(), venue)


def _name(text: str) -> Name:
    text = _HOMONYM.sub("", html.unescape(text)).strip()
    parts = text.split()
    if len(parts) < 2:
        return Name(literal=text)
    cut = len(parts) - 1
    while cut > 1 and parts[cut - 1].lower() in _PARTICLES:
        cut -= 1
    return Name(family=" ".join(parts[cut:]), given=" ".join(parts[:cut]))


def _authors(info: dict[str, Any]) -> list[Name]:
    authors = info.get("authors")
    people = authors.get("author") if isinstance(authors, dict) else None
    if people is None:
        return []
    if not isinstance(people, list):
        people = [people]  # one author: a bare object (or a bare string)
    out = []
    for person in people:
        text = person.get("text") if isinstance(person, dict) else person
        if isinstance(text, str) and text.strip():
            out.append(_name(text))
    return out


def _text(value: Any) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    if not isinstance(value, str | int):
        return None
    text = squash(html.unescape(str(value)))
    return text or None


def _doi(info: dict[str, Any]) -> str | None:
    """The DOI, in the publisher's case where `ee` links it (dblp's `doi` is upper-cased)."""
    doi = identify(_text(info.get("doi"))).doi
    linked = identify(_text(info.get("ee"))).doi
    if linked and (doi is None or linked.lower() == doi.lower()):
        return linked
    return doi


def hit_to_record(info: dict[str, Any]) -> Record | None:
    """One hit's `info` as a Record; None for what is not a paper's published version (CoRR,
    editorships, withdrawn items)."""
    venue = _text(info.get("venue"))
    kind = str(info.get("type") or "")
    volume = _text(info.get("volume"))
    if venue == "CoRR" or (volume or "").startswith("abs/") or kind not in TYPES:
        return None
    title = _text(info.get("title"))
    if title and title.endswith(".") and not title.endswith(".."):
        title = title[:-1]  # dblp ends titles with a period; one, not an ellipsis
    year = _text(info.get("year"))
    record = Record(
        type=TYPES[kind],
        title=title,
        authors=_authors(info),
        issued=(int(year),) if year and year.isdigit() else None,
        container_title=venue_name(venue) if venue else None,
        volume=volume,
        issue=_text(info.get("number")),
        page=_text(info.get("pages")),
        doi=_doi(info),
        url=_text(info.get("ee")),
    )
    short = re.sub(r"\s*\(.*?\)\s*", "", venue or "").strip().lower()
    cited = short_venue(venue or "")
    if cited and record.container_title and cited != record.container_title:
        record.vars["container-title-short"] = cited
    if short == "icml" and record.year in PMLR_ICML:
        record.volume = PMLR_ICML[record.year]
        record.publisher = "PMLR"
        record.vars["collection-title"] = "Proceedings of Machine Learning Research"
    elif short == "iclr":
        record.publisher = "OpenReview.net"
    if record.doi and record.doi.lower().startswith("10.48550/"):
        return None  # an arXiv record under another name
    key = _text(info.get("key"))
    return record.mark(f"dblp:{key}" if key else "dblp")


def parse_hits(body: bytes) -> list[Record]:
    """The records of a search response; a body that is not dblp's JSON is a SourceError."""
    return parse_response(body)[0]


def parse_response(body: bytes) -> tuple[list[Record], bool]:
    """The records of a search response, and whether dblp had more hits than it sent."""
    try:
        data = json.loads(body)
        hits = data["result"]["hits"]
    except (ValueError, KeyError, TypeError):
        raise SourceError("dblp's answer is not a search result (truncated or not JSON)") from None
    if not isinstance(hits, dict):
        raise SourceError("dblp's answer is not a search result (no hits)")
    try:
        more = int(hits.get("@total", 0)) > int(hits.get("@sent", 0))
    except (TypeError, ValueError):
        more = True
    found = hits.get("hit") or []
    if isinstance(found, dict):
        found = [found]
    out = []
    for hit in found:
        info = hit.get("info") if isinstance(hit, dict) else None
        if isinstance(info, dict):
            record = hit_to_record(info)
            if record is not None:
                out.append(record)
    return out, more


def query(entry: Record) -> str:
    """Title words for dblp's prefix AND search: no stop words, the longest kept."""
    terms = [w for w in dict.fromkeys(words(entry.title or "")) if w not in STOPWORDS]
    keep = set(sorted(terms, key=len, reverse=True)[:MAX_WORDS])
    return " ".join(w for w in terms if w in keep)


def distinctive(entry: Record) -> str | None:
    """The title's longest word, as an exact-word term (`honesty$`): the likeliest rare one."""
    terms = [w for w in words(entry.title or "") if w not in STOPWORDS and len(w) > 3]
    return max(terms, key=len) + "$" if terms else None


class DblpAPI(LiveSource):
    """dblp's publication search, through the shared HTTP session.

    Several papers share one request: dblp's search ORs words joined by `|` (its FAQ), so one
    distinctive word from each of `TITLES_PER_REQUEST` titles, up to 1,000 hits; the resolver
    keeps only the hits that are the same work. Only when dblp had more hits than it sent are
    that request's papers asked again one by one, by their title words: a paper a complete
    answer did not hold has no record in dblp with that word in its title."""

    name = "dblp"
    publishes = True
    venue_only = True  # asked only for papers the other sources left without a venue
    ENDPOINT_ENV = "BIBX_DBLP_API"  # the full search URL
    DEFAULT_URL = DEFAULT_API

    @classmethod
    def limiters(
        cls, url: str, mailto: str | None, clock: Clock, sleep: Sleep
    ) -> dict[str, RateLimiter]:
        """One request at a time, `INTERVAL` apart from the end of the previous one.
        `BIBX_DBLP_INTERVAL` sets another spacing for a mirror (never below it for dblp.org)."""
        interval = float(os.environ.get("BIBX_DBLP_INTERVAL") or INTERVAL)
        if host(url).endswith(("dblp.org", "uni-trier.de", "dagstuhl.de")):
            interval = max(interval, INTERVAL)
        return {host(url): RateLimiter(interval, 1, clock, sleep, from_finish=True)}

    def least(self, titles: int = 0, arxiv_ids: int = 0, dois: int = 0) -> tuple[int, float]:
        requests = -(-titles // TITLES_PER_REQUEST)
        return requests, self.spaced(requests)

    def search_many(
        self, entries: list[Record], *, retry: bool = False
    ) -> list[list[Record] | SourceError]:
        out: list[list[Record] | SourceError] = [[] for _ in entries]
        todo = [(i, w) for i, w in ((i, distinctive(e)) for i, e in enumerate(entries)) if w]
        for start in range(0, len(todo), TITLES_PER_REQUEST):
            chunk = todo[start : start + TITLES_PER_REQUEST]
            try:
                found, more = self._ask("|".join(dict.fromkeys(w for _, w in chunk)), BATCH_HITS)
            except SourceError as exc:
                for index, _ in chunk:
                    out[index] = exc
                continue
            for index, _ in chunk:
                out[index] = found
            if more:  # the answer was cut at dblp's cap: a paper may have been crowded out
                alone = super().search_many([entries[i] for i, _ in chunk])
                for (index, _), result in zip(chunk, alone, strict=True):
                    out[index] = result if isinstance(result, SourceError) else found + result
        return out

    def search(self, entry: Record, limit: int = HITS) -> list[Record]:
        return self._ask(query(entry), limit)[0]

    def _ask(self, terms: str, limit: int) -> tuple[list[Record], bool]:
        if not terms:
            return [], False
        response = self.http.get(self.url, params={"q": terms, "format": "json", "h": limit})
        if response.status_code != 200:
            raise SourceError(f"dblp answered HTTP {response.status_code}")
        try:
            return parse_response(response.content)
        except SourceError:
            self.http.forget(response)
            raise
