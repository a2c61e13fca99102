"""Sources: one module per metadata service, each returning `Record`s (shaped like CSL items).

`Source` is the contract the resolver relies on, with working defaults that a source may
override or speed up (requests-cache's `BaseCache` is the model):

- `lookup_arxiv(ids)`: records for arXiv ids (unversioned), missing ids simply absent;
- `lookup_doi(dois)`: records for DOIs, missing ones absent;
- `search(entry, limit)`: candidate records for an entry known by its title (and maybe
  abstract, authors, year); the resolver scores and validates them, a source only proposes;
- `search_many(entries, retry=)`: candidates for many entries, an error in place of an entry's
  list when its request failed; by default one `search` each. A source that serves several
  entries with one request says `batched_search = True`; the resolver then asks again, with
  `retry=True`, for the entries a shared request left open.

`lookup_ids(scheme, ids)` does the same for the other identifier schemes a source declares in
`schemes` (ISBN, PubMed id, PMC id).

Capabilities: `local` (a file: asked first, costs no request), `publishes` (holds published
versions, not only preprints), `venue_only` (asked last, and only for the published versions of
papers the other sources resolved but left without a venue: dblp). A live source also declares
its endpoint (`ENDPOINT_ENV`, `DEFAULT_URL`) and its published rate limits (`limiters`). Errors
are `SourceError`s. `build(options)` makes the sources of a run, in the order they are asked.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from bibx.errors import SourceError
from bibx.model import Record, Update
from bibx.progress import Progress

if TYPE_CHECKING:  # requests and requests-cache are imported only when a live source is built
    from bibx.sources.http import Clock, HttpSession, RateLimiter, Sleep

CANDIDATES = 10  # candidates a source proposes for one entry
# Each service's time in one run, from its first request (docs/guide.md): past it, the service
# is not asked again and what is left stays unresolved; a rerun goes on from the cache.
DEADLINE = 1800.0


class Source:
    name: ClassVar[str] = "source"
    local: ClassVar[bool] = False
    publishes: ClassVar[bool] = False
    batched_search: ClassVar[bool] = False
    venue_only: ClassVar[bool] = False  # asked only for the venues other sources could not give
    searches: ClassVar[bool] = True  # finds works by title (False: by identifier only)
    # the kinds of work (CSL types) a title search here is for, when not every kind: such a
    # source is asked last, only for entries still open that are of its kinds or of no
    # stated kind (a line of a list, a reference string), so papers never cost its requests
    kinds: ClassVar[frozenset[str]] = frozenset()
    # identifier schemes beyond arXiv ids and DOIs this source looks up (bibx.ids.SCHEMES)
    schemes: ClassVar[frozenset[str]] = frozenset()

    problems: Sequence[str] = ()  # what of the source could not be used (lines of a file)

    def lookup_arxiv(self, ids: list[str]) -> dict[str, Record]:
        return {}

    def lookup_doi(self, dois: list[str]) -> dict[str, Record]:
        return {}

    def search(self, entry: Record, limit: int = CANDIDATES) -> list[Record]:
        return []

    def lookup_ids(self, scheme: str, ids: list[str]) -> dict[str, Record]:
        """Works by an identifier of one of `schemes` ("isbn", "pmid", "pmcid"), by id."""
        return {}

    def notices(self, dois: list[str]) -> dict[str, list[Update]]:
        """Notices (retractions, corrections) about these DOIs that the works' own records
        may not carry, by DOI: a source that knows them from the notice's side says so."""
        return {}

    def plan(self, titles: int = 0, arxiv_ids: int = 0, dois: int = 0) -> tuple[int, float]:
        """The requests a search for `titles` entries and a look-up of these ids need at least,
        and the least time they take at the source's rate limits: (0, 0) for what the source
        does not ask a service for (a file; ids it does not look up)."""
        return 0, 0.0

    def search_many(
        self, entries: list[Record], *, retry: bool = False
    ) -> list[list[Record] | SourceError]:
        out: list[list[Record] | SourceError] = []
        for entry in entries:
            try:
                out.append(self.search(entry, CANDIDATES))
            except SourceError as exc:
                out.append(exc)
        return out


class LiveSource(Source):
    """A service on the network, asked through the run's one `HttpSession`."""

    ENDPOINT_ENV: ClassVar[str]
    DEFAULT_URL: ClassVar[str]

    def __init__(self, http: HttpSession, url: str | None = None) -> None:
        self.http = http
        self.url = self.endpoint(url)

    @classmethod
    def endpoint(cls, given: str | None = None) -> str:
        """The option's URL, else the environment's (`ENDPOINT_ENV`), else the service's."""
        return (given or os.environ.get(cls.ENDPOINT_ENV) or cls.DEFAULT_URL).rstrip("/")

    RATE: ClassVar[float] = 0.0  # requests a second the service publishes, when it is one rate

    @classmethod
    def rate(cls) -> float:
        return cls.RATE

    @classmethod
    def limit_key(cls, url: str) -> str:
        """The key of the service's one limiter: its host and its name, so that two services
        on one host never share a limiter by mistake."""
        return f"{host(url)}/{cls.name}"

    @classmethod
    def limiters(
        cls, url: str, mailto: str | None, clock: Clock, sleep: Sleep
    ) -> dict[str, RateLimiter]:
        """The service's published rate limits, keyed as its requests name them: by default
        one limiter at `rate()`, starts spaced 10 % wider than published (requests reach the
        server with some jitter; the published rate must hold in every window it sees)."""
        from bibx.sources.http import RateLimiter

        if not cls.rate():
            return {}
        return {cls.limit_key(url): RateLimiter(1.1 / cls.rate(), 1, clock, sleep)}

    def get_json(
        self,
        url: str,
        params: dict[str, Any] | None = None,
        *,
        what: str,
        headers: dict[str, str] | None = None,
        missing: tuple[int, ...] = (),
    ) -> Any:
        """A JSON answer through the run's session, at the service's limit; None for a status
        in `missing` (404: no such work); a SourceError naming the service and `what` for any
        other status or a body that is not JSON (a cached bad answer is forgotten)."""
        import json

        response = self.http.get(url, params, limit=self.limit_key(self.url), headers=headers)
        if response.status_code in missing:
            return None
        if response.status_code != 200:
            raise SourceError(f"{self.name} answered HTTP {response.status_code} for {what}")
        try:
            return json.loads(response.content)
        except ValueError:
            self.http.forget(response)
            raise SourceError(f"{self.name}: the answer for {what} is not JSON") from None

    def plan(self, titles: int = 0, arxiv_ids: int = 0, dois: int = 0) -> tuple[int, float]:
        """Offline nothing is sent, so nothing is planned; else the service's `least`."""
        if self.http.offline:
            return 0, 0.0
        return self.least(titles, arxiv_ids, dois)

    def least(self, titles: int = 0, arxiv_ids: int = 0, dois: int = 0) -> tuple[int, float]:
        """The requests and time `plan` describes, at the service's own rate limits."""
        return 0, 0.0

    def spaced(self, requests: int, key: str | None = None) -> float:
        """The least time `requests` requests take under the limiter `key` (default: the
        endpoint's host): their starts are an interval apart."""
        limiter = self.http.limiters.get(key or host(self.url))
        return max(0, requests - 1) * limiter.interval if limiter is not None else 0.0


@dataclass
class SourceOptions:
    snapshot: Path | None = None
    cache: Path | None = None
    use_cache: bool = True
    offline: bool = False
    live: bool = True
    mailto: str | None = None
    arxiv_api: str | None = None
    crossref_api: str | None = None
    dblp_api: str | None = None
    dblp: bool = True  # ask dblp for venues that have no DOI
    dblp_dump: Path | None = None
    strict: bool = False  # a service that could not be used is an error even if all resolved
    deadline: float | None = DEADLINE  # seconds a service may take in one run, from its first ask
    ncbi_key: str | None = None  # NCBI's API key (--ncbi-key, else NCBI_API_KEY)


def polite_limiters(
    urls: dict[type[LiveSource], str],
    mailto: str | None,
    clock: Clock = time.monotonic,
    sleep: Sleep = time.sleep,
    shared_dir: Path | None = None,
    waiting: Callable[[str, float], None] | None = None,
) -> dict[str, RateLimiter]:
    """Every live source's limits, kept across every bibx process sharing `shared_dir`."""
    from bibx.sources.http import SharedClock

    limiters: dict[str, RateLimiter] = {}
    for cls, url in urls.items():
        limiters.update(cls.limiters(url, mailto, clock, _said(sleep, cls.name, waiting)))
    if shared_dir is not None:
        for key, limiter in limiters.items():
            name = "".join(c if c.isalnum() or c in ".-" else "_" for c in key)
            limiter.shared = SharedClock.open(shared_dir / name)
    return limiters


def _said(sleep: Sleep, service: str, waiting: Callable[[str, float], None] | None) -> Sleep:
    """`sleep`, telling `waiting` first what is being waited for (a second or more)."""
    if waiting is None:
        return sleep

    def told(seconds: float) -> None:
        if seconds >= 1.0:
            waiting(service, seconds)
        sleep(seconds)

    return told


def build(
    options: SourceOptions, progress: Progress | None = None
) -> tuple[list[Source], HttpSession | None]:
    """The snapshot (if any) first, then the live services through one shared session."""
    from bibx.paths import cache_dir
    from bibx.sources.snapshot import Snapshot

    sources: list[Source] = []
    if options.snapshot is not None:
        sources.append(Snapshot(options.snapshot, cache=options.cache))
    if options.dblp_dump is not None:
        from bibx.sources.dblp_dump import DblpDump

        sources.append(DblpDump(options.dblp_dump, cache=options.cache))
    if not options.live:
        return sources, None
    from bibx.sources.arxiv import ArxivAPI
    from bibx.sources.crossref import Crossref
    from bibx.sources.datacite import DataCite
    from bibx.sources.dblp import DblpAPI
    from bibx.sources.doi_cn import DoiContentNegotiation
    from bibx.sources.http import HttpSession
    from bibx.sources.openlibrary import OpenLibrary
    from bibx.sources.pubmed import PubMed

    if options.ncbi_key:  # PubMed reads it where NCBI wants it: in its limit and its requests
        os.environ["NCBI_API_KEY"] = options.ncbi_key
    urls: dict[type[LiveSource], str] = {
        ArxivAPI: ArxivAPI.endpoint(options.arxiv_api),
        Crossref: Crossref.endpoint(options.crossref_api),
        # for what Crossref does not hold: DataCite's DOIs (software, datasets), any other DOI,
        # books (Open Library), PubMed's articles; by id, and by title for their kinds of work
        DataCite: DataCite.endpoint(),
        DoiContentNegotiation: DoiContentNegotiation.endpoint(),
        OpenLibrary: OpenLibrary.endpoint(),
        PubMed: PubMed.endpoint(),
    }
    if options.dblp and options.dblp_dump is None:  # the dump, when given, answers for dblp
        urls[DblpAPI] = DblpAPI.endpoint(options.dblp_api)
    try:  # the services' spacing is kept across every bibx process sharing this directory
        shared: Path | None = cache_dir(options.cache) / "limits"
    except OSError:
        shared = None
    http = HttpSession(
        cache=options.cache,
        use_cache=options.use_cache,
        offline=options.offline,
        mailto=options.mailto,
        limiters=polite_limiters(
            urls,
            options.mailto,
            shared_dir=shared,
            waiting=progress.waiting if progress else None,
        ),
        progress=progress,
        deadline=options.deadline,
    )
    sources += [cls(http, url) for cls, url in urls.items()]
    return sources, http


def host(url: str) -> str:
    return urlsplit(url).netloc
