"""Network faults against the loopback servers: each ends in bounded retries and then an honest
"unresolved: <why>" for the entries concerned only; the rest of the run goes on, and a rerun
picks up from the cache."""

from __future__ import annotations

import pytest

from bibx.errors import Unreachable
from bibx.model import Record
from bibx.resolver import Resolver
from bibx.sources.arxiv import ArxivAPI
from bibx.sources.crossref import Crossref
from bibx.sources.http import RetryPolicy
from tests.fakes import FakeClock, Fault, session, sources

TRUNCATED = b"<?xml version='1.0'?><feed xmlns='http://www.w3.org/2005/Atom'><entry><id>ht"
ENTRIES = [Record(arxiv_id="2410.11817"), Record(doi="10.1145/3340531.3411908")]


def resolve(http, arxiv, crossref, entries=ENTRIES):
    return Resolver(sources(http, arxiv, crossref), prefer="preprint").resolve(list(entries))


@pytest.mark.parametrize(
    "fault",
    [
        Fault(reset=True),
        Fault(status=500),
        Fault(status=502, body=b"<html>Bad Gateway</html>", headers={"Content-Type": "text/html"}),
        Fault(status=503, headers={"Retry-After": "2"}),
        Fault(status=429, body=b"Rate exceeded."),
        Fault(stall=1.0),  # longer than the client's read timeout below
        Fault(truncate=True),
        Fault(cut_chunk=True),
        Fault(bad_gzip=True),
    ],
    ids=[
        "reset",
        "500",
        "502-html",
        "503-retry-after",
        "429-no-retry-after",
        "stall",
        "cut-short",
        "cut-mid-chunk",
        "bad-gzip",
    ],
)
def test_a_passing_fault_is_retried_and_the_run_succeeds(
    arxiv_server, crossref_server, clock, tmp_path, fault
):
    arxiv_server.faults.append(fault)
    http = session(arxiv_server, crossref_server, clock, tmp_path, timeout=(1.0, 0.3))
    out = resolve(http, arxiv_server, crossref_server)
    assert [r.status for r in out] == ["resolved", "resolved"]
    assert len(arxiv_server.log) == 2  # the failed try and the good one


def test_a_server_that_stalls_for_30_s_costs_bounded_time(
    arxiv_server, crossref_server, clock, tmp_path
):
    for _ in range(3):
        arxiv_server.faults.append(Fault(stall=30.0))
    retry = RetryPolicy(attempts=3, jitter=lambda: 1.0)
    http = session(arxiv_server, crossref_server, clock, tmp_path, timeout=(1.0, 0.2), retry=retry)
    out = resolve(http, arxiv_server, crossref_server)
    assert out[0].status == "unresolved"
    assert "gave up after 3 tries: no answer within 0.2 s" in out[0].reason
    assert out[1].status == "resolved"  # Crossref's entry is untouched by arXiv's trouble


@pytest.mark.parametrize(
    ("body", "ctype", "why"),
    [
        (TRUNCATED, "application/atom+xml", "not well-formed"),
        (b"<html><body>Service Unavailable</body></html>", "text/html", "not a feed"),
        (b"", "application/atom+xml", "not well-formed"),
    ],
    ids=["truncated-atom", "html-instead-of-atom", "empty-body"],
)  # fmt: skip
def test_malformed_answers_leave_the_entry_unresolved_and_are_not_cached(
    arxiv_server, crossref_server, clock, tmp_path, body, ctype, why
):
    arxiv_server.faults.append(Fault(status=200, body=body, headers={"Content-Type": ctype}))
    http = session(arxiv_server, crossref_server, clock, tmp_path)
    out = resolve(http, arxiv_server, crossref_server)
    assert out[0].status == "unresolved" and why in out[0].reason
    assert out[1].status == "resolved"
    # the rerun asks again (the bad answer was not cached) and gets the good one
    again = resolve(session(arxiv_server, crossref_server, FakeClock(), tmp_path),
                    arxiv_server, crossref_server)  # fmt: skip
    assert [r.status for r in again] == ["resolved", "resolved"]


@pytest.mark.parametrize(
    "body", [b'{"status": "ok", "message-type": "work", "mess', b"Resource not found.", b"[]"]
)
def test_malformed_crossref_json(arxiv_server, crossref_server, clock, tmp_path, body):
    crossref_server.faults.append(
        Fault(status=200, body=body, headers={"Content-Type": "application/json"})
    )
    http = session(arxiv_server, crossref_server, clock, tmp_path)
    out = resolve(http, arxiv_server, crossref_server)
    assert out[0].status == "resolved"
    assert out[1].status == "unresolved" and "Crossref" in out[1].reason
    assert Crossref(session(arxiv_server, crossref_server, FakeClock(), tmp_path),
                    crossref_server.url).work("10.1145/3340531.3411908") is not None  # fmt: skip


def test_empty_result_page_is_not_found(arxiv_server, crossref_server, clock, tmp_path):
    http = session(arxiv_server, crossref_server, clock, tmp_path)
    [record] = resolve(http, arxiv_server, crossref_server, [Record(arxiv_id="2501.00001")])
    assert record.status == "unresolved"
    assert record.reason == "arXiv id 2501.00001: not found in any source"


def test_interrupted_run_does_not_repeat_answered_requests(arxiv_server, crossref_server, tmp_path):
    """Ctrl-C while waiting for the next arXiv slot: what was answered is in the cache."""
    clock = FakeClock()
    titles = [
        Record(title="RULER: What's the Real Context Size of Your Long-Context Language Models?"),
        Record(title="LongAlign: A Recipe for Long Context Alignment of Large Language Models"),
    ]

    def interrupt(seconds: float) -> None:
        raise KeyboardInterrupt

    http = session(arxiv_server, crossref_server, clock, tmp_path)
    arxiv = ArxivAPI(http, arxiv_server.api)
    arxiv.search(titles[0])
    for limiter in http.limiters.values():
        limiter.sleep = interrupt
    with pytest.raises(KeyboardInterrupt):
        arxiv.search(titles[1])  # must wait 3 s for its slot: interrupted
    asked = len(arxiv_server.log)
    rerun = ArxivAPI(
        session(arxiv_server, crossref_server, FakeClock(), tmp_path), arxiv_server.api
    )
    rerun.search(titles[0])
    assert len(arxiv_server.log) == asked  # answered from the cache
    rerun.search(titles[1])
    assert len(arxiv_server.log) == asked + 1


def test_a_network_that_drops_packets_is_marked_down_after_one_round(
    arxiv_server, crossref_server, clock, tmp_path, monkeypatch
):
    """Connections that time out on every try (a firewall dropping packets) make the host
    unreachable for the rest of the run: later calls fail at once instead of waiting again."""
    import requests

    http = session(arxiv_server, crossref_server, clock, tmp_path)
    calls = []

    def dropped(*args, **kwargs):
        calls.append(1)
        raise requests.exceptions.ConnectTimeout("connect timed out")

    monkeypatch.setattr(http, "_send", dropped)
    out = resolve(http, arxiv_server, crossref_server)
    assert [r.status for r in out] == ["unresolved", "unresolved"]
    assert "cannot connect (no connection within" in out[0].reason
    tries = len(calls)
    assert tries == 8  # 4 tries for arXiv, 4 for Crossref, then both marked down
    resolve(http, arxiv_server, crossref_server)
    assert len(calls) == tries  # the second pass fails at once


@pytest.mark.parametrize(
    ("fault", "why"),
    [
        (Fault(truncate=True), "answer cut short"),
        (Fault(cut_chunk=True), "answer cut short"),
        (Fault(bad_gzip=True), "answer could not be decoded"),
    ],
    ids=["cut-short", "cut-mid-chunk", "bad-gzip"],
)
def test_a_body_cut_short_every_time_sinks_only_its_entries(
    arxiv_server, crossref_server, clock, tmp_path, fault, why
):
    """Content-Length 5108 and 2554 bytes sent, a chunk cut off, gzip that is not: a transient
    fault like a 503: bounded retries, then those entries unresolved with why, the others
    resolved, nothing bad cached (a rerun completes)."""
    retry = RetryPolicy(attempts=3, jitter=lambda: 1.0)
    for _ in range(3):
        arxiv_server.faults.append(fault)
    http = session(arxiv_server, crossref_server, clock, tmp_path, retry=retry)
    out = resolve(http, arxiv_server, crossref_server)
    assert out[0].status == "unresolved"
    assert f"gave up after 3 tries: {why}" in out[0].reason
    assert out[1].status == "resolved"
    again = resolve(session(arxiv_server, crossref_server, clock, tmp_path), arxiv_server,
                    crossref_server)  # fmt: skip
    assert [r.status for r in again] == ["resolved", "resolved"]


def test_exit_code_contract_when_only_the_published_version_check_fails(tmp_path):
    """Every entry resolved from the snapshot, Crossref unreachable for the published-version
    look-up: the bibliography is complete, so exit 0 with a warning; --strict makes it 1."""
    from typer.testing import CliRunner

    from bibx.cli import EXIT_ERROR, EXIT_OK, app
    from tests.conftest import SNAPSHOT

    ids = tmp_path / "ids.txt"
    ids.write_text("2402.06147\n2410.11817\n", encoding="utf-8")  # DeAL has a publisher DOI
    args = ["export", str(ids), "-f", "bibtex", "-o", str(tmp_path / "o.bib"),
            "--snapshot", str(SNAPSHOT)]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == EXIT_OK, result.stderr
    assert "warning: crossref: 127.0.0.1:9: cannot connect (Connection refused)" in result.stderr
    assert "2 entries: 2 resolved" in result.stderr
    strict = CliRunner().invoke(app, [*args, "--strict"])
    assert strict.exit_code == EXIT_ERROR
    assert "error: crossref: 127.0.0.1:9: cannot connect" in strict.stderr


def test_a_server_that_never_answers_is_given_up_for_the_run(
    arxiv_server, crossref_server, clock, tmp_path
):
    """Read timeouts on every try of one request mark the service down, as refused connections
    do: the next entries fail at once instead of each waiting through its own timeouts."""
    for _ in range(3):
        arxiv_server.faults.append(Fault(stall=30.0))
    retry = RetryPolicy(attempts=3, jitter=lambda: 1.0)
    http = session(arxiv_server, crossref_server, clock, tmp_path, timeout=(1.0, 0.2), retry=retry)
    client = ArxivAPI(http, arxiv_server.api)
    with pytest.raises(Unreachable, match="not asked again in this run"):
        client.lookup_arxiv(["2410.11817"])
    with pytest.raises(Unreachable):
        client.lookup_arxiv(["2404.06654"])
    assert len(arxiv_server.log) == 3  # the second look-up sent nothing


@pytest.mark.parametrize("damage", ["corrupt", "not-a-directory"])
def test_an_unusable_cache_is_a_warning_and_the_run_goes_on(
    arxiv_server, crossref_server, tmp_path, damage
):
    """A cache file that is not a database, or a cache directory that cannot be made: one
    warning, the run goes on uncached, every entry resolved, the output written."""
    from typer.testing import CliRunner

    from bibx.cli import EXIT_OK, app

    if damage == "corrupt":
        cache = tmp_path / "cache"
        cache.mkdir()
        (cache / "http.sqlite").write_bytes(b"this is not an SQLite database\n" * 100)
    else:
        (tmp_path / "file").write_text("x", encoding="utf-8")
        cache = tmp_path / "file" / "cache"  # a directory under a file cannot exist
    ids = tmp_path / "ids.txt"
    ids.write_text("2410.11817\n", encoding="utf-8")
    out = tmp_path / "o.bib"
    result = CliRunner().invoke(
        app,
        ["export", str(ids), "-o", str(out), "--prefer", "preprint", "--cache", str(cache),
         "--arxiv-api", arxiv_server.api, "--crossref-api", crossref_server.url],
    )  # fmt: skip
    assert result.exit_code == EXIT_OK, result.stderr
    assert "warning: the HTTP cache cannot be used" in result.stderr
    assert "Traceback" not in result.stderr
    assert "eprint" in out.read_text(encoding="utf-8")
