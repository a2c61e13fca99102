"""The one HTTP session every source shares: cache, per-host politeness, retries, fail-fast.

- **Cache**: requests-cache with its SQLite backend in the cache dir. 200s and 404s are cached
  (a miss is an answer too). A cache hit is answered before the rate limiter is asked, so it
  never waits.
- **Politeness**: a `RateLimiter` per (host, kind of request), shared by every caller in the
  process: a minimum interval between request starts and a cap on requests in flight.
- **Retries**: on 429, 5xx, timeouts and dropped connections, bounded in count and total time,
  exponential backoff with jitter, `Retry-After` honoured.
- **Fail fast**: a host that cannot be reached at all (no route, name does not resolve,
  connection refused) is marked down for the rest of the run, so each later call fails at once.
- **Offline**: only the cache answers; nothing is sent.

Clock and sleep are injectable so that tests check spacing without sleeping.
"""

from __future__ import annotations

import random
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
import requests_cache
from requests.adapters import HTTPAdapter
from urllib3.exceptions import NameResolutionError, NewConnectionError

from bibx import __version__
from bibx.errors import GaveUp, NotCached, Unreachable
from bibx.paths import cache_dir
from bibx.progress import Progress

Clock = Callable[[], float]
Sleep = Callable[[float], None]

CACHED_STATUSES = (200, 404)
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
CACHE_DAYS = 30


class SharedClock:
    """The next allowed start of one service, kept in a file that every bibx process of the user
    reads and writes under an exclusive lock (fcntl), so that two runs in a row or in parallel
    (a shell loop, `make -j`, latexmk) keep the service's spacing between them too.

    Times are the monotonic clock, which is system-wide (Linux CLOCK_MONOTONIC, macOS, Windows),
    not wall time that can jump. A value further ahead than any wait could be (a file from
    before a reboot) is ignored. Where the file cannot be used (read-only directory, no fcntl),
    `open` returns None and the limiter keeps its spacing within the process only."""

    STALE = 600.0  # seconds ahead beyond which a stored start cannot be real

    def __init__(self, path: Path) -> None:
        import fcntl  # POSIX only: imported here so the module loads everywhere

        self._fcntl = fcntl
        self.path = path
        self._handle = open(path, "a+", encoding="ascii")  # noqa: SIM115 (held for the run)

    @classmethod
    def open(cls, path: Path) -> SharedClock | None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            return cls(path)
        except (OSError, ImportError):
            return None

    def update(self, change: Callable[[float | None], float]) -> float:
        """Under the lock: read the stored next start, store `change(it)`, return that."""
        handle = self._handle
        self._fcntl.flock(handle, self._fcntl.LOCK_EX)
        try:
            handle.seek(0)
            text = handle.read().strip()
            try:
                stored: float | None = float(text) if text else None
            except ValueError:
                stored = None
            value = change(stored)
            handle.seek(0)
            handle.truncate()
            handle.write(repr(value))
            handle.flush()
            return value
        finally:
            self._fcntl.flock(handle, self._fcntl.LOCK_UN)


@dataclass
class RateLimiter:
    """At most one request start every `interval` seconds, at most `in_flight` at once; with a
    `shared` clock, across every process of the user (docs/decisions.md)."""

    interval: float
    in_flight: int = 1
    clock: Clock = time.monotonic
    sleep: Sleep = time.sleep
    from_finish: bool = False  # also keep `interval` after each request ends
    shared: SharedClock | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _slots: threading.Semaphore = field(init=False, repr=False)
    _next: float = field(default=float("-inf"), repr=False)
    starts: list[float] = field(default_factory=list, repr=False)  # for tests and benchmarks

    def __post_init__(self) -> None:
        self._slots = threading.Semaphore(self.in_flight)

    def _reserve(self, after: Callable[[float], float]) -> float:
        """Atomically, here and (if shared) across processes: with `base` the next allowed
        start, store `after(base)` as the new one; return `base`."""
        now = self.clock()
        seen = self._next

        def change(stored: float | None) -> float:
            nonlocal seen
            if stored is not None and stored <= now + SharedClock.STALE:
                seen = max(seen, stored)
            return max(seen, after(seen))

        if self.shared is not None:
            self._next = self.shared.update(change)
        else:
            self._next = change(None)
        return seen

    def __enter__(self) -> RateLimiter:
        self._slots.acquire()
        with self._lock:
            now = self.clock()
            start = max(now, self._reserve(lambda base: max(now, base) + self.interval))
        if start > now:
            self.sleep(start - now)
        with self._lock:  # a late waker pushes the next start back: spacing is kept as sent
            sent = max(start, self.clock())
            self._reserve(lambda base: sent + self.interval)
        self.starts.append(sent)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.from_finish:
            with self._lock:
                done = self.clock()
                self._reserve(lambda base: done + self.interval)
        self._slots.release()

    def defer(self, seconds: float) -> None:
        """Push the next start back (a server said Retry-After, or we back off)."""
        with self._lock:
            until = self.clock() + seconds
            self._reserve(lambda base: until)


@dataclass
class RetryPolicy:
    attempts: int = 4  # tries in all, first one included
    base: float = 1.0  # first backoff, doubled each time
    cap: float = 30.0  # longest single wait
    budget: float = 90.0  # most time spent waiting on one request
    jitter: Callable[[], float] = random.random

    def backoff(self, attempt: int) -> float:
        return min(self.cap, self.base * 2**attempt * (0.5 + self.jitter() / 2))


def retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError):
        return None


def user_agent(mailto: str | None) -> str:
    contact = f"; mailto:{mailto}" if mailto else ""
    return f"bibx/{__version__} (bibliography exporter{contact})"


_PACING = threading.local()


class _PacedAdapter(HTTPAdapter):
    """Enters the caller's rate limiter as late as possible: after requests has prepared the
    request and settled proxies, just before urllib3 writes it. Work done between a limiter's
    slot and the socket (measured: up to 90 ms with several threads) would otherwise let two
    requests reach the server closer together than the limit."""

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        limiter = getattr(_PACING, "limiter", None)
        if limiter is None:
            return super().send(request, *args, **kwargs)
        with limiter:
            return super().send(request, *args, **kwargs)


class HttpSession:
    """One per process; every source asks it, never `requests` directly."""

    def __init__(
        self,
        *,
        cache: str | Path | None = None,
        use_cache: bool = True,
        offline: bool = False,
        mailto: str | None = None,
        limiters: Mapping[str, RateLimiter] | None = None,
        retry: RetryPolicy | None = None,
        timeout: tuple[float, float] = (5.0, 20.0),
        sleep: Sleep = time.sleep,
        wall_clock: Clock = time.time,
        clock: Clock = time.monotonic,
        progress: Progress | None = None,
        deadline: float | None = None,
    ) -> None:
        self.offline = offline
        self.mailto = mailto
        self.timeout = timeout
        # the limiters keep their own clocks; the session only sleeps (no limiter) and reads
        # the wall clock (HTTP-date Retry-After)
        self.sleep, self.wall_clock = sleep, wall_clock
        self.retry = retry or RetryPolicy()
        self.limiters: dict[str, RateLimiter] = dict(limiters or {})
        self.down: dict[str, str] = {}  # host -> why it is unreachable
        self.clock, self.deadline = clock, deadline
        self.progress = progress or Progress()
        self.first_asked: dict[str, float] = {}  # host -> when it was first asked this run
        self.requests_sent = 0  # real requests, not cache hits
        self.warnings: list[str] = []  # the cache could not be used, and why
        self._count_lock = threading.Lock()
        self._nothing_cached = False
        self.session: requests.Session = requests.Session()
        if use_cache:
            try:
                self.session = requests_cache.CachedSession(
                    str(cache_dir(cache) / "http"),
                    backend="sqlite",
                    allowable_codes=CACHED_STATUSES,
                    allowable_methods=("GET",),
                    expire_after=CACHE_DAYS * 86400,
                    stale_if_error=False,
                )
                self.session.cache.responses.get("")  # reads the file: corrupt shows here
                # offline with nothing cached, no look-up can find anything: skip them all
                # (each costs a request's preparation and key, 0.7 ms: 7 s for 10,000 entries)
                self._nothing_cached = offline and len(self.session.cache.responses) == 0
            except (sqlite3.Error, OSError) as exc:
                self._uncache(exc)
        self._dress(self.session)

    def _dress(self, session: requests.Session) -> None:
        session.headers["User-Agent"] = user_agent(self.mailto)
        adapter = _PacedAdapter()
        session.mount("http://", adapter)
        session.mount("https://", adapter)

    def _uncache(self, exc: Exception) -> None:
        """The cache is corrupt, locked, read-only or on a full disk: say so once and go on
        without it (answers are then asked again next run, never lost outputs)."""
        self.warnings.append(f"the HTTP cache cannot be used ({exc}); going on without it")
        old, self.session = self.session, requests.Session()
        self._dress(self.session)
        old.close()

    def _cached(self, url: str, params: Mapping[str, Any] | None) -> requests.Response | None:
        """The cached answer, looked up by requests-cache's own key for this request, without
        going through `requests` (proxy settings, hooks): 4 ms a hit that way, under 1 ms this."""
        if self._nothing_cached or not isinstance(self.session, requests_cache.CachedSession):
            return None
        cache = self.session.cache
        request = requests.Request("GET", url, params=params).prepare()
        try:
            response = cache.get_response(cache.create_key(request))
        except sqlite3.Error as exc:
            self._uncache(exc)
            return None
        if response is None or response.is_expired:
            return None
        return response

    def get(
        self,
        url: str,
        params: Mapping[str, Any] | None = None,
        *,
        limit: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """GET with cache, politeness and retries. Returns any final response (200, 404, 400 …);
        raises `Unreachable`, `NotCached` or `GaveUp` when there is no answer to give."""
        host = urlsplit(url).netloc
        hit = self._cached(url, params)
        if hit is not None:
            return hit
        if self.offline:
            raise NotCached("not asked (offline, not in the cache)")
        if host in self.down:
            raise Unreachable(self.down[host])
        self._within_deadline(host)
        limiter = self.limiters.get(limit or host)
        waited = 0.0
        last_error = ""
        connect_timeouts = read_timeouts = 0
        for attempt in range(self.retry.attempts):
            try:
                response = self._send(url, params, headers, limiter)
            except requests.exceptions.ConnectTimeout:  # before ConnectionError, its parent
                connect_timeouts += 1
                last_error = f"no connection within {self.timeout[0]:g} s"
                wait = self.retry.backoff(attempt)
            except requests.exceptions.ConnectionError as exc:
                if _unreachable(exc):
                    self.down[host] = f"{host}: cannot connect ({_reason(exc)})"
                    raise Unreachable(self.down[host]) from None
                last_error = f"connection dropped ({_reason(exc)})"
                wait = self.retry.backoff(attempt)
            except requests.exceptions.Timeout:
                read_timeouts += 1
                last_error = f"no answer within {self.timeout[1]:g} s"
                wait = self.retry.backoff(attempt)
            except requests.exceptions.ChunkedEncodingError as exc:
                # Content-Length promised more than came, a chunk cut off, a reset mid-body:
                # raised before requests-cache stores anything, so nothing bad is cached
                last_error = f"answer cut short ({_reason(exc)})"
                wait = self.retry.backoff(attempt)
            except requests.exceptions.ContentDecodingError:
                last_error = "answer could not be decoded (a gzip body that is not gzip)"
                wait = self.retry.backoff(attempt)
            except requests.exceptions.RequestException as exc:
                # anything else on the transport (a TLS failure mid-answer, a bad chunk size):
                # transient as well; one entry's trouble never ends the run
                last_error = f"transport error ({_reason(exc)})"
                wait = self.retry.backoff(attempt)
            else:
                if response.status_code not in RETRY_STATUSES:
                    return response
                last_error = f"HTTP {response.status_code}"
                told = retry_after(response.headers.get("Retry-After"), self.wall_clock())
                wait = told if told is not None else self.retry.backoff(attempt)
                if told is not None and told > self.retry.budget:
                    break  # the server asks for longer than we may wait
            if attempt + 1 == self.retry.attempts or waited + wait > self.retry.budget:
                break
            if limiter is not None:
                limiter.defer(wait)  # every caller of this host waits, not only this one
            else:
                self.sleep(wait)
            waited += wait
        if connect_timeouts == attempt + 1:
            # never once connected: a network that drops packets; later calls fail at once
            self.down[host] = f"{host}: cannot connect ({last_error}, {attempt + 1} tries)"
            raise Unreachable(self.down[host])
        if read_timeouts == attempt + 1:
            # accepts and never answers, every try: each later request would cost the same
            # minutes of silence, so the service is done for this run
            self.down[host] = (
                f"{host}: gave up after {attempt + 1} tries: {last_error}; "
                "not asked again in this run"
            )
            raise Unreachable(self.down[host])
        raise GaveUp(f"{host}: gave up after {attempt + 1} tries: {last_error}")

    def _within_deadline(self, host: str) -> None:
        """Past the service's deadline for this run, it is not asked again (said once)."""
        now = self.clock()
        first = self.first_asked.setdefault(host, now)
        if self.deadline is not None and now - first > self.deadline:
            self.down[host] = (
                f"{host}: its {self.deadline:g} s for this run are up (--deadline); not asked "
                "again: run again to go on, the answers so far are cached"
            )
            raise Unreachable(self.down[host])

    def forget(self, response: requests.Response) -> None:
        """Drop a cached answer that turned out unusable (truncated, malformed), so that a
        later run asks again instead of failing from the cache."""
        if isinstance(self.session, requests_cache.CachedSession):
            try:
                self.session.cache.delete(requests=[response.request])
            except sqlite3.Error as exc:
                self._uncache(exc)

    def _send(
        self,
        url: str,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        limiter: RateLimiter | None,
    ) -> requests.Response:
        with self._count_lock:
            self.requests_sent += 1
        self.progress.sent(urlsplit(url).netloc)
        _PACING.limiter = limiter  # taken by the transport adapter, right before the wire
        try:
            return self.session.get(url, params=params, headers=headers, timeout=self.timeout)
        except sqlite3.Error as exc:  # the answer came, the cache could not store it
            self._uncache(exc)
            return self.session.get(url, params=params, headers=headers, timeout=self.timeout)
        finally:
            _PACING.limiter = None

    def close(self) -> None:
        self.session.close()


def _unreachable(exc: requests.exceptions.ConnectionError) -> bool:
    """Refused, no route, or no such host: the service is not there, retrying will not help."""
    if isinstance(exc, requests.exceptions.ProxyError):
        return True
    reason = exc.args[0] if exc.args else None
    inner = getattr(reason, "reason", reason)
    if isinstance(inner, NameResolutionError | NewConnectionError):
        return True
    return "Connection refused" in str(exc) or "Network is unreachable" in str(exc)


def _reason(exc: Exception) -> str:
    text = str(exc)
    for marker in ("Connection refused", "Network is unreachable", "Name or service not known",
                   "Temporary failure in name resolution", "Connection reset by peer",
                   "Remote end closed connection"):  # fmt: skip
        if marker in text:
            return marker
    incomplete = re.search(r"IncompleteRead\((\d+) bytes read, (\d+) more expected\)", text)
    if incomplete:
        return (
            f"{incomplete.group(1)} bytes of {int(incomplete.group(1)) + int(incomplete.group(2))}"
        )
    return text[:120]
