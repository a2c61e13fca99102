"""Long runs: the estimate said up front, the progress shown, each service's deadline, and a
run through a quarter of faulty answers that stays right and is completed by a rerun (#12).

Everything runs against the loopback services with the real rate limits on an injected clock,
so nothing here waits.
"""

from __future__ import annotations

import io
import json

import pytest

from bibx.progress import Console, Progress, describe_plan, duration
from bibx.readers import read_path
from bibx.resolver import Resolver
from bibx.sources.http import HttpSession
from tests.conftest import FIXTURES, PAGE
from tests.fakes import FakeArxiv, FakeClock, FakeCrossref, FakeDblp, Fault, session, sources


class Recorder(Progress):
    def __init__(self) -> None:
        self.events: list[tuple] = []

    def stage(self, text: str) -> None:
        self.events.append(("stage", text))

    def planned(self, plan) -> None:
        self.events.append(("planned", dict(plan)))

    def settled(self, done: int, total: int) -> None:
        self.events.append(("settled", done, total))

    def sent(self, service: str) -> None:
        self.events.append(("sent", service))


def seed_answers() -> dict[str, tuple[str, str | None]]:
    """Seed title -> (arXiv id, publisher DOI): the paper each line of the page names."""
    meta = json.loads((FIXTURES / "seed-metadata.json").read_text(encoding="utf-8"))
    return {p["seed_title"]: (p["arxiv_id"], p.get("published_doi"))
            for p in meta["papers"] if p.get("arxiv_id")}  # fmt: skip


def right(record) -> bool:
    """The record is the paper its line names (by its arXiv id, or its publisher's DOI)."""
    arxiv_id, doi = seed_answers()[record.asked_as]
    return record.arxiv_id == arxiv_id or (record.arxiv_id is None and record.doi == doi)


def seed_page_run(tmp_path, **options) -> tuple[FakeClock, Recorder, HttpSession]:
    """The seed page resolved against loopback arXiv, Crossref and dblp, on a fake clock, with
    what the run told its progress."""
    arxiv, crossref, dblp = FakeArxiv().start(), FakeCrossref().start(), FakeDblp().start()
    clock, told = FakeClock(), Recorder()
    try:
        http = session(arxiv, crossref, clock, tmp_path / "http", dblp=dblp, **options)
        http.progress = told
        Resolver(sources(http, arxiv, crossref, dblp), progress=told).resolve(
            read_path(PAGE).records
        )
    finally:
        arxiv.stop(), crossref.stop(), dblp.stop()
    return clock, told, http


def test_the_estimate_is_a_true_lower_bound_and_progress_counts_every_request(tmp_path):
    clock, told, http = seed_page_run(tmp_path, mailto=None)
    plans = [e[1] for e in told.events if e[0] == "planned"]
    first = plans[0]
    # 65 titles: arXiv 12 a request, 3 s apart; Crossref's public pool one search each, 1.1 s
    assert first["arxiv"] == (6, pytest.approx(15.25))  # 5 gaps of 3 s and the 50 ms margin
    assert first["crossref"][0] == 65 and abs(first["crossref"][1] - 64 * 1.1) < 1e-6
    # the whole run took at least what the first step was said to take at least
    # (the fake clock adds up floats: 1070.3999999999967 - 1000 is 70.4 to a nanosecond)
    assert clock.now - 1000 >= max(seconds for _, seconds in first.values()) - 1e-9
    assert sum(e[0] == "sent" for e in told.events) == http.requests_sent
    settled = [e for e in told.events if e[0] == "settled"]
    assert settled[-1] == ("settled", 65, 65)
    assert [e[1] for e in settled] == sorted(e[1] for e in settled)  # never goes back


def test_offline_nothing_is_planned_since_nothing_is_sent(tmp_path):
    """An offline run sends no request: no step says it will take an hour at the rate limits."""
    _, told, http = seed_page_run(tmp_path, offline=True)
    assert http.requests_sent == 0
    assert not [e for e in told.events if e[0] == "planned" and e[1]]


def test_console_on_a_terminal_draws_one_status_line_in_place():
    stream, clock = io.StringIO(), FakeClock()
    console = Console(stream, live=True, clock=clock)
    console.stage("searching 65 titles in arxiv, crossref")
    console.planned({"arxiv": (6, 15.0), "crossref": (65, 70.4)})
    console.sent("export.arxiv.org")
    console.waiting("arxiv", 3.0)
    console.settled(31, 65)
    out = stream.getvalue()
    assert "searching 65 titles in arxiv, crossref ...\n" in out
    assert "at least 1 min 11 s at the services' rate limits (arxiv 6 requests, crossref 65 " in out
    last = out.rsplit("\r", 1)[1]
    assert last.startswith("  [")
    assert (
        "31/65 entries settled · 1/71 requests · waiting 3.0 s for arxiv · about 1 min 11 s" in last
    )
    assert last.endswith("\033[K")
    console.clear()
    assert stream.getvalue().endswith("\r\033[K")


def test_console_in_a_log_writes_plain_lines_now_and_then():
    stream, clock = io.StringIO(), FakeClock()
    console = Console(stream, live=False, clock=clock, every=30.0)
    console.stage("searching 65 titles in arxiv, crossref")
    console.planned({"crossref": (65, 70.4)})
    for _ in range(10):
        clock.sleep(1.1)
        console.waiting("crossref", 1.1)  # short waits: no line each
        console.sent("api.crossref.org")
    assert stream.getvalue().count("\n") == 2
    clock.sleep(25)
    console.sent("api.crossref.org")
    lines = stream.getvalue().splitlines()
    assert (
        lines[-1] == "  searching 65 titles in arxiv, crossref · 11/65 requests · about 35 s left"
    )
    console.waiting("arxiv", 12.0)  # a long wait is always said
    assert stream.getvalue().splitlines()[-1] == "  waiting 12.0 s for arxiv's rate limit"
    assert "\r" not in stream.getvalue() and "\033" not in stream.getvalue()


def test_durations_and_plans_read_as_people_write_them():
    assert [duration(s) for s in (0.2, 42, 60, 185, 3720)] == [
        "1 s", "42 s", "1 min", "3 min 5 s", "1 h 2 min"
    ]  # fmt: skip
    assert describe_plan({"arxiv": (1, 0.0)}) == ""  # not worth a line
    assert describe_plan({"arxiv": (2, 3.0), "dblp": (0, 0.0)}) == (
        "at least 3 s at the services' rate limits (arxiv 2 requests)"
    )


def test_a_service_past_its_deadline_is_not_asked_again_and_a_rerun_goes_on(tmp_path):
    arxiv, crossref = FakeArxiv().start(), FakeCrossref().start()
    entries = read_path(PAGE).records
    try:
        clock = FakeClock()
        http = session(arxiv, crossref, clock, tmp_path / "http", mailto=None)
        http.deadline = 10.0  # Crossref's public pool, 1.1 s a search: about 10 searches
        resolver = Resolver(sources(http, arxiv, crossref), prefer="preprint")
        first = resolver.resolve(entries)
        asked = len(crossref.log)
        # about 10 (arXiv's waits, in its own thread, move the shared clock too): well short
        assert 5 <= asked <= 20
        assert "for this run are up (--deadline)" in str(resolver.errors["crossref"])
        # the run went on without Crossref: arXiv still resolved the papers it knows
        assert all(right(r) for r in first if r.status == "resolved")
        # a rerun on the same cache asks only what the first run did not get
        http = session(arxiv, crossref, FakeClock(), tmp_path / "http", mailto=None)
        again = Resolver(sources(http, arxiv, crossref), prefer="preprint").resolve(entries)
        assert len(crossref.log) - asked == 65 - asked
        assert sum(r.status == "resolved" for r in again) == 65
    finally:
        arxiv.stop(), crossref.stop()


FAULTS = [
    Fault(status=503, headers={"Retry-After": "2"}),
    Fault(reset=True),
    Fault(truncate=True),
    Fault(cut_chunk=True),
    Fault(bad_gzip=True),
    Fault(status=429, body=b"Rate exceeded."),
    Fault(status=502, body=b"<html>Bad Gateway</html>", headers={"Content-Type": "text/html"}),
]


def test_the_seed_page_through_a_quarter_of_faulty_answers_is_never_wrong(tmp_path):
    servers = FakeArxiv().start(), FakeCrossref().start(), FakeDblp().start()
    for server in servers:  # every 4th answer of every service is broken, in turn each way
        server.fault_every, server.fault_cycle = 4, FAULTS
    arxiv, crossref, dblp = servers
    entries = read_path(PAGE).records
    try:
        http = session(arxiv, crossref, FakeClock(), tmp_path / "http", dblp=dblp)
        first = Resolver(sources(http, arxiv, crossref, dblp)).resolve(entries)
        assert all(right(r) for r in first if r.status == "resolved")
        assert sum(r.status == "resolved" for r in first) >= 60
        faulty = sum(len(s.log) for s in servers) // 4
        assert faulty >= 20  # the faults did happen
        # a rerun (the services well again) completes it, from the cache and a few requests
        for server in servers:
            server.fault_every = 0
        http = session(arxiv, crossref, FakeClock(), tmp_path / "http", dblp=dblp)
        again = Resolver(sources(http, arxiv, crossref, dblp)).resolve(entries)
        assert all(r.status == "resolved" and right(r) for r in again)
    finally:
        for server in servers:
            server.stop()
