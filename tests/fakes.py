"""Loopback stand-ins for arXiv and Crossref, answering in the services' exact formats.

The data is the seed papers' real metadata (fixtures/arxiv-snapshot.jsonl, seed-metadata.json,
crossref-works.json) and the genuine Crossref responses in fixtures/reference/crossref/. The
Atom layout is arXiv's current one (fixtures/reference/arxiv/current/); the JSON envelope is
Crossref's (`status`, `message-type`, `message-version`, `message`).

Faults are scripted: `server.faults.append(Fault(...))` makes the next request fail that way.
Latency (for the benchmark) is a per-response delay on the server side; tests use none.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit
from xml.sax.saxutils import escape

from bibx.sources import polite_limiters
from bibx.sources.arxiv import ArxivAPI
from bibx.sources.crossref import Crossref
from bibx.sources.dblp import DblpAPI
from bibx.sources.http import HttpSession, RetryPolicy
from bibx.text import match_key

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


@dataclass
class Fault:
    """What the next matching request gets instead of a normal answer."""

    status: int | None = None  # an HTTP status with `body`
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    reset: bool = False  # close the connection without answering
    stall: float = 0.0  # wait this long before answering (or resetting)
    truncate: bool = False  # announce the whole body's Content-Length, send half, hang up
    cut_chunk: bool = False  # a chunked body that stops in the middle of its chunk
    bad_gzip: bool = False  # `Content-Encoding: gzip` on a body that is not gzip
    path: str = ""  # only requests whose path starts with this


@dataclass
class Logged:
    path: str
    query: dict[str, list[str]]
    at: float


class FakeService(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, latency: float = 0.0) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.latency = latency
        self.faults: list[Fault] = []
        # every `fault_every`-th request gets the next of `fault_cycle` (a share of bad answers)
        self.fault_every = 0
        self.fault_cycle: list[Fault] = []
        self.log: list[Logged] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeService:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (timeout tests) closes its end: not an error of the server."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def next_fault(self, path: str) -> Fault | None:
        with self._lock:
            for index, fault in enumerate(self.faults):
                if path.startswith(fault.path):
                    return self.faults.pop(index)
            if self.fault_every and len(self.log) % self.fault_every == 0:
                turn = len(self.log) // self.fault_every - 1
                return self.fault_cycle[turn % len(self.fault_cycle)]
        return None

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, str, bytes, dict]:
        raise NotImplementedError


class _Handler(BaseHTTPRequestHandler):
    server: FakeService
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        server = self.server
        with server._lock:
            server.log.append(Logged(parts.path, query, time.monotonic()))
            server.in_flight += 1
            server.max_in_flight = max(server.max_in_flight, server.in_flight)
        counted = True

        def answered() -> None:
            """The request stops counting as in flight before its body is written: once the
            client has the body it may send the next, before this thread runs again."""
            nonlocal counted
            if counted:
                with server._lock:
                    server.in_flight -= 1
                counted = False

        try:
            fault = server.next_fault(parts.path)
            if fault and fault.stall:
                time.sleep(fault.stall)
            if fault and fault.reset:
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
                )
                self.close_connection = True
                self.connection.close()
                return
            if fault and fault.status:
                status, ctype, body, headers = fault.status, "text/plain", fault.body, fault.headers
                ctype = headers.pop("Content-Type", ctype)
            else:
                status, ctype, body, headers = server.answer(parts.path, query)
            if server.latency:
                time.sleep(server.latency)
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            if fault and fault.cut_chunk:
                self.send_header("Transfer-Encoding", "chunked")
            else:
                self.send_header("Content-Length", str(len(body)))
            if fault and fault.bad_gzip:
                self.send_header("Content-Encoding", "gzip")
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            answered()
            if fault and (fault.truncate or fault.cut_chunk):
                head = f"{len(body):x}\r\n".encode() if fault.cut_chunk else b""
                self.wfile.write(head + body[: len(body) // 2])
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            self.wfile.write(body)
        finally:
            answered()


# ---------------------------------------------------------------------------------------- arXiv


def _seed_papers() -> dict[str, dict]:
    meta = json.loads((FIXTURES / "seed-metadata.json").read_text(encoding="utf-8"))
    return {p["arxiv_id"]: p for p in meta["papers"] + meta["distractors"] if p.get("arxiv_id")}


class FakeArxiv(FakeService):
    """`/api/query` with `id_list` and the `ti:` AND/OR subset of `search_query`."""

    def __init__(self, latency: float = 0.0) -> None:
        super().__init__(latency)
        seeds = _seed_papers()
        self.records: dict[str, dict] = {}
        for line in (FIXTURES / "arxiv-snapshot.jsonl").read_text(encoding="utf-8").splitlines():
            data = json.loads(line)
            data["_submitted"] = seeds.get(data["id"], {}).get("submitted")
            self.records[data["id"]] = data

    @property
    def api(self) -> str:
        return f"{self.url}/api/query"

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, str, bytes, dict]:
        if path != "/api/query":
            return 404, "text/plain", b"Not Found", {}
        ids = [i for i in (query.get("id_list", [""])[0]).split(",") if i]
        search = query.get("search_query", [""])[0]
        limit = int(query.get("max_results", ["10"])[0])
        for ident in ids:
            if not re.fullmatch(r"\d{4}\.\d{4,5}(v\d+)?|[a-z\-]+(\.[A-Z]{2})?/\d{7}(v\d+)?", ident):
                return 400, "application/atom+xml", _error_feed(ident), {}
        if ids:
            hits = [self.records[i.split("v")[0]] for i in ids if i.split("v")[0] in self.records]
        else:
            hits = self._search(search)
        return 200, "application/atom+xml; charset=utf-8", self._feed(hits[:limit], len(hits)), {}

    def _search(self, search: str) -> list[dict]:
        groups = []
        for group in re.split(r"\s+OR\s+", search):
            terms = re.findall(r"(ti|abs):([^\s()]+)", group)
            if terms:
                groups.append([(field, t.lower()) for field, t in terms])
        scored = []
        for data in self.records.values():
            text = {
                "ti": set(match_key(data.get("title", "")).split()),
                "abs": set(match_key(data.get("abstract", "")).split()),
            }
            hits = [sum(_stem_in(t, text[f]) for f, t in g) / len(g) for g in groups]
            if hits and max(hits) == 1.0:
                scored.append((sum(hits), data["id"], data))
        scored.sort(key=lambda s: (-s[0], s[1]))
        return [d for _, _, d in scored]

    def _feed(self, hits: list[dict], total: int) -> bytes:
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        entries = "".join(_entry(d) for d in hits)
        return (
            "<?xml version='1.0' encoding='UTF-8'?>\n"
            '<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
            'xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">\n'
            "  <id>https://arxiv.org/api/fake</id>\n"
            "  <title>arXiv Query: fake</title>\n"
            f"  <updated>{now}</updated>\n"
            f"  <opensearch:itemsPerPage>{len(hits)}</opensearch:itemsPerPage>\n"
            f"  <opensearch:totalResults>{total}</opensearch:totalResults>\n"
            "  <opensearch:startIndex>0</opensearch:startIndex>\n"
            f"{entries}</feed>\n"
        ).encode()


def _stem_in(term: str, words: set[str]) -> bool:
    return term in words or term.rstrip("s") in {w.rstrip("s") for w in words}


def _entry(data: dict) -> str:
    ident = data["id"]
    lines = [
        f"    <id>http://arxiv.org/abs/{ident}v1</id>",
        f"    <title>{escape(data['title'])}</title>",
    ]
    submitted = data.get("_submitted") or ""
    stamp = f"{submitted}T00:00:00Z" if re.fullmatch(r"\d{4}-\d{2}-\d{2}", submitted) else None
    if stamp:  # the day is known; the time of day is not, and is written as midnight
        lines.append(f"    <updated>{stamp}</updated>")
    lines.append(
        f'    <link href="https://arxiv.org/abs/{ident}v1" rel="alternate" type="text/html"/>'
    )
    lines.append(
        f'    <link href="https://arxiv.org/pdf/{ident}v1" rel="related" '
        'type="application/pdf" title="pdf"/>'
    )
    if data.get("abstract"):
        lines.append(f"    <summary>{escape(data['abstract'])}</summary>")
    for category in (data.get("categories") or "").split():
        lines.append(f'    <category term="{category}" scheme="http://arxiv.org/schemas/atom"/>')
    if stamp:
        lines.append(f"    <published>{stamp}</published>")
    if data.get("categories"):
        lines.append(f'    <arxiv:primary_category term="{data["categories"].split()[0]}"/>')
    for family, given, _ in data.get("authors_parsed", []):
        name = f"{given} {family}".strip()
        lines.append(f"    <author>\n      <name>{escape(name)}</name>\n    </author>")
    if data.get("doi"):
        lines.append(f"    <arxiv:doi>{escape(data['doi'])}</arxiv:doi>")
        lines.append(
            f'    <link href="https://doi.org/{escape(data["doi"])}" rel="related" '
            'type="text/html" title="doi"/>'
        )
    return "  <entry>\n" + "\n".join(lines) + "\n  </entry>\n"


def _error_feed(ident: str) -> bytes:
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        '<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
        'xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">\n'
        "  <id>https://arxiv.org/</id>\n  <title>arXiv Search Results</title>\n"
        "  <updated>2026-04-12T22:59:06Z</updated>\n"
        "  <opensearch:itemsPerPage>1</opensearch:itemsPerPage>\n"
        "  <opensearch:totalResults>1</opensearch:totalResults>\n"
        "  <opensearch:startIndex>0</opensearch:startIndex>\n"
        "  <entry>\n"
        f"    <id>https://arxiv.org/api/errors#incorrect_id_format_for_{escape(ident)}</id>\n"
        "    <title>Error</title>\n"
        f"    <summary>incorrect id format for {escape(ident)}</summary>\n"
        "    <author>\n      <name>arXiv api core</name>\n    </author>\n"
        "  </entry>\n</feed>\n"
    ).encode()


# ------------------------------------------------------------------------------------- Crossref


class FakeCrossref(FakeService):
    """`/works/{doi}` and `/works?query.bibliographic=…&rows=…`."""

    def __init__(self, latency: float = 0.0) -> None:
        super().__init__(latency)
        self.works: dict[str, dict] = {}
        for message in json.loads((FIXTURES / "crossref-works.json").read_text("utf-8")):
            self.works[message["DOI"].lower()] = message
        for path in (FIXTURES / "reference/crossref").glob("work_*.json"):
            message = json.loads(path.read_text("utf-8"))["message"]
            self.works[message["DOI"].lower()] = message
        for path in (FIXTURES / "reference/crossref").glob("works_*notices*.json"):
            for message in json.loads(path.read_text("utf-8"))["message"]["items"]:
                self.works[message["DOI"].lower()] = message  # notices: real update-to

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, str, bytes, dict]:
        if path.startswith("/works/"):
            doi = unquote(path[len("/works/") :]).lower()
            if doi in self.works:
                return 200, "application/json", _envelope("work", self.works[doi]), {}
            return 404, "text/plain", b"Resource not found.", {}
        if path == "/works" and query.get("filter", [""])[0].startswith("updates:"):
            wanted: list[str] = []
            for piece in query["filter"][0].split(","):  # a piece with no name: a comma in a DOI
                if piece.startswith("updates:"):
                    wanted.append(piece.split(":", 1)[1].lower())
                elif wanted:
                    wanted[-1] += "," + piece.lower()
            notices = [
                m
                for m in self.works.values()
                if any((u.get("DOI") or "").lower() in wanted for u in m.get("update-to") or [])
            ]
            message = {"total-results": len(notices), "items": notices, "items-per-page": 100}
            return 200, "application/json", _envelope("work-list", message), {}
        if path == "/works":
            text = query.get("query.bibliographic", [""])[0]
            rows = int(query.get("rows", ["20"])[0])
            hits = self._search(text)
            message = {
                "facets": {},
                "total-results": len(hits),
                "items": hits[:rows],
                "items-per-page": rows,
                "query": {"start-index": 0, "search-terms": text},
            }
            return 200, "application/json", _envelope("work-list", message), {}
        return 404, "text/plain", b"Resource not found.", {}

    def _search(self, text: str) -> list[dict]:
        wanted = set(match_key(text).split())
        scored = []
        for message in self.works.values():
            words = set(match_key(" ".join(message.get("title") or [])).split())
            for author in message.get("author") or []:
                words |= set(match_key(author.get("family", "")).split())
            overlap = len(wanted & words)
            if overlap >= max(2, len(wanted) // 2):
                scored.append({**message, "score": round(overlap * 1.7, 3)})
        scored.sort(key=lambda m: -m["score"])
        return scored


def _envelope(kind: str, message: dict) -> bytes:
    return json.dumps(
        {"status": "ok", "message-type": kind, "message-version": "1.0.0", "message": message}
    ).encode()


# ------------------------------------------------------------------------------------- dblp

# A seed venue ("ICLR 2025", "Findings of NAACL 2025", "SPECOM 2024 (International ...)") as
# dblp's search API names it: its short venue (`ACL (Findings)` for Findings) and the year.
_SEED_VENUE = re.compile(r"^(?:Findings of )?(?P<venue>.+?)\s*\(?(?P<year>\d{4})\)?(?:\s*\(.*)?$")
_DBLP_VENUE = {"NAACL": "NAACL-HLT", "GEM² Workshop": "GEM", "Bioinformatics": "Bioinform."}


def seed_venue(venue: str | None) -> tuple[str, int, str] | None:
    """(dblp venue, year, dblp type) for a seed paper's venue; None when the seed has none or
    marks its year unconfirmed."""
    if not venue or "unconfirmed" in venue:
        return None
    match = _SEED_VENUE.match(venue)
    if not match:
        return None
    short = _DBLP_VENUE.get(match.group("venue"), match.group("venue"))
    if venue.startswith("Findings of "):
        short = f"{match.group('venue')} (Findings)"
    kind = "Journal Articles" if short == "Bioinform." else "Conference and Workshop Papers"
    return short, int(match.group("year")), kind


def dblp_hits(paper: dict) -> list[dict]:
    """What dblp lists for a seed paper, in its search API's `info` shape, with only the seed's
    facts: the CoRR record (from the arXiv id) and, when the seed names a venue, the published
    record (title, authors, venue, year, and the publisher DOI where the seed has one). No key,
    pages or link: the seed does not give them, so these hits have none."""
    names = [f"{a.get('given', '')} {a.get('family', '')}".strip() for a in paper["authors"]]
    authors = {"author": [{"text": n} for n in names] if len(names) > 1 else {"text": names[0]}}
    ident = paper["arxiv_id"]
    hits = [{
        "authors": authors, "title": paper["title"] + ".", "venue": "CoRR",
        "volume": f"abs/{ident}", "year": f"20{ident[:2]}",
        "type": "Informal and Other Publications", "access": "open",
        "doi": f"10.48550/ARXIV.{ident.upper()}", "ee": f"https://doi.org/10.48550/arXiv.{ident}",
    }]  # fmt: skip
    venue = seed_venue(paper.get("venue"))
    if venue:
        short, year, kind = venue
        hit = {"authors": authors, "title": paper["title"] + ".", "venue": short,
               "year": str(year), "type": kind}  # fmt: skip
        if paper.get("published_doi"):
            hit["doi"] = paper["published_doi"].upper()  # dblp's JSON has DOIs in upper case
        hits.insert(0, hit)
    return hits


def venue_outcomes(records: list, papers: dict[str, dict]) -> dict[str, list]:
    """Seed papers whose venue and year the seed confirms, by outcome: "right" (the venue
    named as users cite it, or the seed's publisher DOI, and the year), "none", "wrong"."""
    from bibx.sources.dblp import venue_name

    out: dict[str, list] = {"right": [], "none": [], "wrong": []}
    for record in records:
        paper = papers[record.arxiv_id]
        venue = seed_venue(paper.get("venue"))
        if venue is None:
            continue
        short, year, _ = venue
        if not record.container_title:
            out["none"].append(record.arxiv_id)
        elif record.year == year and (
            record.container_title == venue_name(short) or record.doi == paper["published_doi"]
        ):
            out["right"].append(record.arxiv_id)
        else:
            out["wrong"].append(f"{record.arxiv_id}: {record.container_title} {record.year}")
    return out


class FakeDblp(FakeService):
    """`/search/publ/api?q=…&format=json&h=…`: dblp's prefix AND search over the seed papers'
    hits, answered in dblp's JSON layout (all counters strings, CRLF line ends)."""

    def __init__(self, latency: float = 0.0) -> None:
        super().__init__(latency)
        meta = json.loads((FIXTURES / "seed-metadata.json").read_text(encoding="utf-8"))
        self.hits = [h for p in meta["papers"] if p.get("arxiv_id") for h in dblp_hits(p)]

    @property
    def api(self) -> str:
        return f"{self.url}/search/publ/api"

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, str, bytes, dict]:
        if path != "/search/publ/api":
            return 404, "text/html", b"<html>Not Found</html>", {}
        text = query.get("q", [""])[0]
        wanted = int(query.get("h", ["30"])[0])
        # dblp's syntax (its FAQ): space = AND, `a|b` = OR, a prefix match unless `word$`
        groups = [
            [(match_key(t), t.endswith("$")) for t in part.split("|") if match_key(t)]
            for part in text.split()
        ]
        terms = [t for group in groups for t, _ in group]

        def matches(hit: dict) -> bool:  # every group: some alternative matches a title word
            title = match_key(hit["title"]).split()
            return all(
                any(any(w == t if exact else w.startswith(t) for w in title) for t, exact in g)
                for g in groups
            )

        found = [h for h in self.hits if terms and matches(h)]
        body = {"result": {
            "query": " ".join(f"{t}*" for t in terms),
            "status": {"@code": "200", "text": "OK"},
            "time": {"@unit": "msecs", "text": "1.00"},
            "completions": {"@total": "0", "@computed": "0", "@sent": "0"},
            "hits": {"@total": str(len(found)), "@computed": str(min(len(found), 100)),
                     "@sent": str(min(len(found), wanted)), "@first": "0",
                     "hit": [{"@score": "1", "@id": str(n), "info": h, "url": f"URL#{n}"}
                             for n, h in enumerate(found[:wanted])]},
        }}  # fmt: skip
        text = json.dumps(body, ensure_ascii=False).replace("\n", "\r\n")
        return 200, "application/json", text.encode("utf-8"), {}


# ------------------------------------------------------------------------- client helpers


class FakeClock:
    """Monotonic time that moves only when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def session(arxiv: FakeArxiv, crossref: FakeCrossref, clock: FakeClock, cache, **kw) -> HttpSession:
    mailto = kw.pop("mailto", "dev@example.org")
    urls = {ArxivAPI: arxiv.api, Crossref: crossref.url}
    dblp = kw.pop("dblp", None)
    if dblp is not None:
        urls[DblpAPI] = dblp.api
    limiters = polite_limiters(urls, mailto, clock, clock.sleep)
    retry = kw.pop("retry", RetryPolicy(jitter=lambda: 1.0))
    return HttpSession(
        cache=cache,
        mailto=mailto,
        limiters=limiters,
        retry=retry,
        sleep=clock.sleep,
        clock=clock,
        timeout=kw.pop("timeout", (2.0, 5.0)),
        **kw,
    )


def sources(http: HttpSession, arxiv: FakeArxiv, crossref: FakeCrossref, dblp=None):
    found = [ArxivAPI(http, arxiv.api), Crossref(http, crossref.url)]
    if dblp is not None:
        found.append(DblpAPI(http, dblp.api))
    return found


# ---------------------------------------------- DOI content negotiation, Open Library, PubMed


class FakeDoi(FakeService):
    """doi.org's content negotiation: `/{doi}` answers the CSL-JSON the registration agency
    serves (the real DataCite and JaLC answers of fixtures/reference/), else 404 as DataCite's."""

    def __init__(self, latency: float = 0.0) -> None:
        super().__init__(latency)
        self.items: dict[str, dict] = {}
        for path in (
            FIXTURES / "reference/csl/doi-cn-datacite-csl_10.5281_zenodo.8242099.json",
            FIXTURES / "reference/doi-cn/jalc-cn-csl_10.18942_apg.201812.json",
        ):
            data = json.loads(path.read_text("utf-8"))
            item = data[0] if isinstance(data, list) else data
            self.items[str(item["DOI"]).lower()] = item
        self.not_found = (
            FIXTURES / "reference/doi-cn/datacite-cn_404_unknown-doi.txt"
        ).read_bytes()

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, str, bytes, dict]:
        doi = unquote(path.lstrip("/")).lower()
        if doi in self.items:
            return 200, "application/vnd.citationstyles.csl+json", json.dumps(
                self.items[doi]).encode(), {}  # fmt: skip
        return 404, "text/plain", self.not_found, {}


def _words(text: str) -> set[str]:
    return set(re.findall(r"[^\W_]+", text.lower()))


def _ranked(query: str, docs: list[tuple[str, Any]]) -> list[Any]:
    """A search engine's loose answer: every document sharing a word with the query, most
    words in common first, as the real services answer (they never answer "no match" while
    some word matches), so that the matcher, not the fake, must reject what is wrong."""
    words = _words(query)
    scored = [(len(words & _words(text)), n, doc) for n, (text, doc) in enumerate(docs)]
    return [doc for hits, _, doc in sorted(scored, key=lambda t: (-t[0], t[1])) if hits]


class FakeOpenLibrary(FakeService):
    """`/api/books?bibkeys=ISBN:…&format=json&jscmd=data`: the real answer for ISBN
    9780316030571, an empty object for any other, as Open Library answers an unknown ISBN.
    `/search.json?q=title:(…) AND author:(…) AND publish_year:…&fields=…`: the real search
    documents of fixtures/reference/ (The Lord of the Rings' three works, two works titled
    Capitalism and Freedom), those sharing a word of the title and of the author. With a year,
    only works that have an edition of that year among the real edition records held (two of
    The Lord of the Rings, 2025), and that edition in `editions`, as Open Library answers."""

    def __init__(self, latency: float = 0.0) -> None:
        super().__init__(latency)
        folder = FIXTURES / "reference/openlibrary"
        path = folder / "api-books_jscmd-data_ISBN-9780316030571.json"
        self.books: dict[str, dict] = json.loads(path.read_text("utf-8"))
        self.docs: list[dict] = []
        for found in sorted(folder.glob("search_*_2013_*.json")):
            self.docs += json.loads(found.read_text("utf-8"))["docs"]
        self.editions: dict[str, list[dict]] = {}  # work key -> editions in search's shape
        for found in sorted(folder.glob("works_*_editions_*.json")):
            for entry in json.loads(found.read_text("utf-8"))["entries"]:
                work = entry["works"][0]["key"].rsplit("/", 1)[-1]
                year = re.search(r"\b(1[5-9]\d\d|20\d\d)\b", entry.get("publish_date", ""))
                edition = {"key": entry["key"], "title": entry.get("title"),
                           "publisher": entry.get("publishers", []),
                           "publish_date": [entry["publish_date"]] if "publish_date" in entry
                           else [], "publish_year": [int(year.group(1))] if year else [],
                           "isbn": entry.get("isbn_13", []) + entry.get("isbn_10", [])}  # fmt: skip
                self.editions.setdefault(work, []).append(edition)

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, str, bytes, dict]:
        if path == "/search.json":
            return self._search(query)
        if path != "/api/books":
            return 404, "text/plain", b"not found", {}
        keys = query.get("bibkeys", [""])[0].split(",")
        found = {k: self.books[k] for k in keys if k in self.books}
        return 200, "application/json", json.dumps(found).encode(), {}

    def _search(self, query: dict[str, list[str]]) -> tuple[int, str, bytes, dict]:
        q = query.get("q", [""])[0]
        clause = dict(re.findall(r"(\w+):\(([^)]*)\)", q))
        year = re.search(r"publish_year:(\d+)", q)
        fields = query.get("fields", [""])[0].split(",")
        docs = _ranked(clause.get("title", ""), [(f"{d.get('title')} {d.get('subtitle', '')}", d)
                                                  for d in self.docs])  # fmt: skip
        author = _words(clause.get("author", ""))
        docs = [d for d in docs if not author or author & _words(" ".join(d["author_name"]))]
        out = []
        for doc in docs:
            editions = self.editions.get(doc["key"].rsplit("/", 1)[-1], [])
            if year:
                editions = [e for e in editions if int(year.group(1)) in e["publish_year"]]
                if not editions:
                    continue
            shown = {k: v for k, v in doc.items() if k in fields}
            if "editions" in fields:
                wanted = [f.removeprefix("editions.") for f in fields if f.startswith("editions.")]
                shown["editions"] = {"numFound": len(editions), "start": 0, "numFoundExact": True,
                                     "docs": [{k: v for k, v in e.items() if k in wanted}
                                              for e in editions[:1]]}  # fmt: skip
            out.append(shown)
        limit = int(query.get("limit", ["100"])[0])
        body = {"numFound": len(out), "start": 0, "numFoundExact": True, "num_found": len(out),
                "q": q, "offset": None, "docs": out[:limit]}  # fmt: skip
        return 200, "application/json", json.dumps(body).encode(), {}


class FakeDataCite(FakeService):
    """DataCite's REST API: `/dois/{doi}` answers the real records of fixtures/reference/
    datacite/ (software, datasets, an arXiv DOI, and the five works of a real list answer),
    else the real 404 body; `/dois?query=titles.title:(…)&page[size]=…` lists those sharing
    a word of the title, in the JSON:API list layout of the real list answer."""

    def __init__(self, latency: float = 0.0) -> None:
        super().__init__(latency)
        folder = FIXTURES / "reference/datacite"
        self.works: dict[str, dict] = {}
        listing = json.loads((folder / "dois_list_page-size-5_2020.json").read_text("utf-8"))
        self.meta = listing["meta"]
        for item in listing["data"]:
            self.works[item["id"].lower()] = item
        for path in sorted(folder.glob("dois_10.*.json")):
            item = json.loads(path.read_text("utf-8"))["data"]
            self.works[item["id"].lower()] = item
        self.not_found = (folder / "error_404_dois_unknown-doi_api-stage.json").read_bytes()

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, str, bytes, dict]:
        if path.startswith("/dois/"):
            doi = unquote(path.removeprefix("/dois/")).lower()
            if doi in self.works:
                return 200, "application/json", json.dumps({"data": self.works[doi]}).encode(), {}
            return 404, "application/json; charset=utf-8", self.not_found, {}
        if path != "/dois":
            return 404, "application/json; charset=utf-8", self.not_found, {}
        text = query.get("query", [""])[0]
        text = re.sub(r"^titles\.title:\((.*)\)$", r"\1", text)
        titles = [(" ".join(t["title"] for t in w["attributes"]["titles"]), w)
                  for w in self.works.values()]  # fmt: skip
        hits = _ranked(text, titles)
        size = int(query.get("page[size]", ["25"])[0])
        meta = {**self.meta, "total": len(hits), "totalPages": 1, "page": 1}
        body = {"data": hits[:size], "included": [], "meta": meta, "links": {}}
        return 200, "application/json", json.dumps(body).encode(), {}


class FakePubMed(FakeService):
    """E-utilities' `esummary.fcgi?db=pubmed&id=…&retmode=json`: the real summaries of PMIDs
    30939045 and 36723951 (db=pmc: of PMC3539452, by its number); an unknown id gets the error
    entry NCBI gives it. `esearch.fcgi` finds the held PubMed summaries by title words."""

    def __init__(self, latency: float = 0.0) -> None:
        super().__init__(latency)
        self.summaries: dict[str, dict] = {}
        for path in (FIXTURES / "reference/ncbi").glob("esummary_pubmed_*.json"):
            result = json.loads(path.read_text("utf-8"))["result"]
            for uid in result["uids"]:
                self.summaries[uid] = result[uid]
        self.pmc: dict[str, dict] = {}  # db=pmc, by the PMC id's number
        for path in (FIXTURES / "reference/ncbi").glob("esummary_pmc_*.json"):
            result = json.loads(path.read_text("utf-8"))["result"]
            for uid in result["uids"]:
                self.pmc[uid] = result[uid]

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, str, bytes, dict]:
        if path == "/esearch.fcgi":
            return self._esearch(query.get("term", [""])[0], int(query.get("retmax", ["20"])[0]))
        if path != "/esummary.fcgi":
            return 404, "text/plain", b"not found", {}
        ids = query.get("id", [""])[0].split(",")
        held = self.pmc if query.get("db") == ["pmc"] else self.summaries
        result: dict = {"uids": [i for i in ids if i in held]}
        for uid in ids:
            result[uid] = held.get(uid, {"uid": uid, "error": "cannot get document summary"})
        return 200, "application/json", json.dumps({"result": result}).encode(), {}

    def _esearch(self, term: str, retmax: int) -> tuple[int, str, bytes, dict]:
        """`word[Title] word[Title] …`: PubMed joins terms with AND, so every word must be in
        the title; the answer in the layout of the real zero-hit esearch answer."""
        words = {w.lower() for w in re.findall(r"([^\s\[\]]+)\[Title\]", term)}
        ids = [u for u, d in self.summaries.items() if words and words <= _words(d["title"])]
        result = {"count": str(len(ids)), "retmax": str(min(retmax, len(ids))),
                  "retstart": "0", "idlist": ids[:retmax], "translationset": [],
                  "querytranslation": term}  # fmt: skip
        if not ids:
            result["warninglist"] = {"phrasesignored": [], "quotedphrasesnotfound": [],
                                     "outputmessages": ["No items found."]}  # fmt: skip
        body = {"header": {"type": "esearch", "version": "0.3"}, "esearchresult": result}
        return 200, "application/json", json.dumps(body).encode(), {}
