"""Politeness across processes: two bibx runs at once (make -j), against one loopback arXiv,
keep arXiv's spacing between them, as the server sees the requests arrive."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys

from tests.conftest import NOWHERE, ROOT

INTERVAL = 0.5  # configured for the test (BIBX_ARXIV_INTERVAL); arXiv itself gets 3 s


def test_two_processes_at_once_keep_arxiv_spacing_between_them(arxiv_server, tmp_path, seed):
    titles = [p["title"] for p in seed["papers"]]
    env = {
        **os.environ,
        "BIBX_CACHE": str(tmp_path / "cache"),  # one user: one cache directory
        "BIBX_ARXIV_API": arxiv_server.api,
        "BIBX_CROSSREF_API": NOWHERE,  # refused at once: only arXiv is asked
        "BIBX_ARXIV_INTERVAL": str(INTERVAL),
    }
    runs = []
    for n in range(2):
        listing = tmp_path / f"list{n}.txt"  # 13 titles: two arXiv searches (12 to a request)
        listing.write_text("\n".join(titles[13 * n : 13 * n + 13]) + "\n", encoding="utf-8")
        command = [sys.executable, "-m", "bibx.cli", "export", str(listing), "--prefer",
                   "preprint", "-f", "bibtex", "-o", str(tmp_path / f"out{n}.bib")]  # fmt: skip
        runs.append(subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.PIPE))
    for run in runs:
        _, err = run.communicate(timeout=120)
        assert run.returncode == 0, err.decode()
    arrivals = sorted(hit.at for hit in arxiv_server.log)
    assert len(arrivals) >= 4
    gaps = [round(b - a, 3) for a, b in itertools.pairwise(arrivals)]
    assert min(gaps) >= INTERVAL * 0.95, gaps  # loopback jitter is a few ms


def test_the_shared_state_falls_back_when_its_directory_cannot_be_made(tmp_path):
    from bibx.sources import polite_limiters
    from bibx.sources.arxiv import ArxivAPI
    from bibx.sources.crossref import Crossref
    from bibx.sources.http import SharedClock

    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert SharedClock.open(tmp_path / "file" / "limits" / "arxiv") is None
    urls = {ArxivAPI: "http://a/api/query", Crossref: "http://c"}
    limiters = polite_limiters(urls, None, shared_dir=tmp_path / "file" / "limits")
    assert set(limiters) == {"a", "c/search", "c/works"}
    assert all(limiter.shared is None for limiter in limiters.values())
    with limiters["a"]:  # still a working, in-process limiter
        pass


def test_the_user_is_told_what_is_being_waited_for():
    from bibx.sources import polite_limiters
    from bibx.sources.arxiv import ArxivAPI
    from tests.fakes import FakeClock

    clock, told = FakeClock(), []
    limiters = polite_limiters(
        {ArxivAPI: "http://a/api/query"}, None, clock, clock.sleep,
        waiting=lambda service, seconds: told.append((service, round(seconds, 1))),
    )  # fmt: skip
    for _ in range(3):
        with limiters["a"]:
            pass
    assert told == [("arxiv", 3.0), ("arxiv", 3.0)]  # the first request does not wait
