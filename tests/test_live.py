"""The live path against loopback arXiv and Crossref servers: batching, politeness, cache,
retries, offline, and published versions. No test sleeps: the rate limiters run on a fake clock.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from urllib.parse import urlsplit

import pytest
from typer.testing import CliRunner

from bibx.cli import EXIT_ERROR, EXIT_OK, app
from bibx.errors import GaveUp
from bibx.model import Record
from bibx.readers import read_path
from bibx.resolver import Resolver
from bibx.sources.arxiv import TITLES_PER_REQUEST, ArxivAPI
from bibx.sources.crossref import Crossref
from tests.conftest import NOWHERE, PAGE
from tests.fakes import Fault, session, sources


def test_title_searches_share_requests_and_resolve_every_seed_paper(
    arxiv_server, crossref_server, clock, tmp_path, seed
):
    http = session(arxiv_server, crossref_server, clock, tmp_path)
    entries = read_path(PAGE).records
    out = Resolver(sources(http, arxiv_server, crossref_server)).resolve(entries)
    assert [r.arxiv_id for r in out] == [p["arxiv_id"] for p in seed["papers"]]
    assert all(r.status == "resolved" for r in out)
    arxiv_requests = len(arxiv_server.log)
    # 65 titles, 12 to a request, then the 4 left open (changed titles) asked again together
    assert arxiv_requests == math.ceil(65 / TITLES_PER_REQUEST) + 1
    # one search per title, for the published versions; their DOIs need no second request
    assert [entry.path for entry in crossref_server.log] == ["/works"] * 65


def test_ids_are_batched_into_one_request(arxiv_server, crossref_server, clock, tmp_path, seed):
    http = session(arxiv_server, crossref_server, clock, tmp_path)
    ids = [p["arxiv_id"] for p in seed["papers"]]
    found = ArxivAPI(http, arxiv_server.api).lookup_arxiv(ids)
    assert set(found) == set(ids)
    assert len(arxiv_server.log) == 1
    assert arxiv_server.log[0].query["id_list"][0].count(",") == 64


def test_arxiv_requests_are_three_seconds_apart(arxiv_server, crossref_server, clock, tmp_path):
    http = session(arxiv_server, crossref_server, clock, tmp_path)
    api = ArxivAPI(http, arxiv_server.api)
    for title in ("RULER long context", "LongAlign recipe", "DeAL decoding", "PoSE positional"):
        api.search(Record(title=title))
    starts = http.limiters[urlsplit(arxiv_server.url).netloc].starts
    assert len(starts) == 4
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert all(gap >= 3.0 for gap in gaps)
    assert sum(clock.sleeps) == pytest.approx(9.15)  # 3 s and the 50 ms margin, three times
    assert arxiv_server.max_in_flight == 1


@pytest.mark.parametrize(
    ("mailto", "interval", "in_flight"), [("dev@example.org", 1 / 3, 3), (None, 1.0, 1)]
)
def test_crossref_search_limits(
    arxiv_server, crossref_server, clock, tmp_path, mailto, interval, in_flight
):
    http = session(arxiv_server, crossref_server, clock, tmp_path, mailto=mailto)
    titles = [Record(title=f"Alignment paper number {i}") for i in range(12)]
    Crossref(http, crossref_server.url).search_many(titles)
    limiter = http.limiters[f"{urlsplit(crossref_server.url).netloc}/search"]
    starts = sorted(limiter.starts)
    assert len(starts) == 12
    assert all(b - a >= interval - 1e-9 for a, b in itertools.pairwise(starts))
    assert crossref_server.max_in_flight <= in_flight
    assert limiter.in_flight == in_flight
    assert mailto is None or f"mailto:{mailto}" in http.session.headers["User-Agent"]


def test_crossref_single_doi_limit_is_ten_per_second(
    arxiv_server, crossref_server, clock, tmp_path
):
    http = session(arxiv_server, crossref_server, clock, tmp_path)
    client = Crossref(http, crossref_server.url)
    for doi in ("10.18653/v1/2025.acl-long.1274", "10.1145/3340531.3411908", "10.1371/notarealdoi"):
        client.work(doi)
    starts = http.limiters[f"{urlsplit(crossref_server.url).netloc}/works"].starts
    assert [round(b - a, 6) for a, b in itertools.pairwise(starts)] == [0.11, 0.11]


def test_arxiv_dois_are_never_sent_to_crossref(arxiv_server, crossref_server, clock, tmp_path):
    http = session(arxiv_server, crossref_server, clock, tmp_path)
    assert Crossref(http, crossref_server.url).lookup_doi(["10.48550/arXiv.2410.11817"]) == {}
    assert crossref_server.log == []


def test_second_run_makes_no_request_and_404s_are_cached(
    arxiv_server, crossref_server, clock, tmp_path
):
    entries = [
        Record(arxiv_id="2410.11817"),
        Record(title="RULER: What's the Real Context Size of Your Long-Context Language Models?"),
        Record(doi="10.1371/notarealdoi"),
    ]
    for run in range(2):
        http = session(arxiv_server, crossref_server, clock, tmp_path)
        out = Resolver(sources(http, arxiv_server, crossref_server)).resolve(list(entries))
        assert [r.status for r in out] == ["resolved", "resolved", "unresolved"]
        if run == 0:
            first = len(arxiv_server.log) + len(crossref_server.log)
            assert first > 0 and http.requests_sent == first
        else:
            assert http.requests_sent == 0
            assert len(arxiv_server.log) + len(crossref_server.log) == first
            # a cache hit never waits for a rate limiter: none was even entered
            assert all(limiter.starts == [] for limiter in http.limiters.values())


def test_offline_makes_no_request(arxiv_server, crossref_server, clock, tmp_path):
    http = session(arxiv_server, crossref_server, clock, tmp_path, offline=True)
    out = Resolver(sources(http, arxiv_server, crossref_server)).resolve(
        [Record(arxiv_id="2410.11817"), Record(title="DeAL: Decoding-time Alignment")]
    )
    assert [r.status for r in out] == ["unresolved", "unresolved"]
    assert arxiv_server.log == [] and crossref_server.log == []
    assert "offline" in out[0].reason


def test_retry_after_is_honoured(arxiv_server, crossref_server, clock, tmp_path):
    arxiv_server.faults.append(Fault(status=503, headers={"Retry-After": "7"}))
    http = session(arxiv_server, crossref_server, clock, tmp_path)
    found = ArxivAPI(http, arxiv_server.api).lookup_arxiv(["2410.11817"])
    assert "2410.11817" in found
    assert len(arxiv_server.log) == 2
    starts = http.limiters[urlsplit(arxiv_server.url).netloc].starts
    assert starts[1] - starts[0] == pytest.approx(7.0)


def test_rate_exceeded_without_retry_after_backs_off(
    arxiv_server, crossref_server, clock, tmp_path
):
    for _ in range(2):
        arxiv_server.faults.append(Fault(status=429, body=b"Rate exceeded."))
    http = session(arxiv_server, crossref_server, clock, tmp_path)
    assert ArxivAPI(http, arxiv_server.api).lookup_arxiv(["2410.11817"])
    starts = http.limiters[urlsplit(arxiv_server.url).netloc].starts
    # backoff 1 s then 2 s (jitter pinned to its top), but never closer than arXiv's 3 s
    assert [round(b - a, 6) for a, b in itertools.pairwise(starts)] == [3.05, 3.05]
    assert len(arxiv_server.log) == 3


def test_retries_are_bounded_and_the_entry_says_why(arxiv_server, crossref_server, clock, tmp_path):
    for _ in range(10):
        arxiv_server.faults.append(Fault(status=502, body=b"Bad Gateway"))
    http = session(arxiv_server, crossref_server, clock, tmp_path)
    with pytest.raises(GaveUp, match=r"gave up after 4 tries: HTTP 502"):
        ArxivAPI(http, arxiv_server.api).lookup_arxiv(["2410.11817"])
    assert len(arxiv_server.log) == 4
    out = Resolver(sources(http, arxiv_server, crossref_server)).resolve(
        [Record(arxiv_id="2410.11817"), Record(doi="10.1145/3340531.3411908")]
    )
    assert out[0].status == "unresolved" and "HTTP 502" in out[0].reason
    assert out[1].status == "resolved"  # one failing service does not sink the other entries


def test_published_version_is_preferred(arxiv_server, crossref_server, clock, tmp_path):
    http = session(arxiv_server, crossref_server, clock, tmp_path)
    entries = [Record(arxiv_id="2402.06147"), Record(arxiv_id="2407.15229")]
    deal, po = Resolver(sources(http, arxiv_server, crossref_server)).resolve(entries)
    assert deal.type == "paper-conference"
    assert deal.container_title == "ACL 2025 (Long Papers)"
    assert deal.doi == "10.18653/v1/2025.acl-long.1274"
    assert deal.page == "26280-26300"
    assert deal.arxiv_id == "2402.06147"  # kept as eprint
    assert deal.publisher is None  # not "arXiv": the seed does not name ACL's publisher
    # published under another title: the DOI arXiv holds links the two
    assert po.title == "A Practical Analysis of Human Alignment with *PO"
    assert po.arxiv_id == "2407.15229"
    keep = Resolver(sources(http, arxiv_server, crossref_server), prefer="preprint").resolve(
        [Record(arxiv_id="2402.06147")]
    )[0]
    assert keep.type == "article" and keep.container_title is None


def test_no_network_fails_fast_with_one_line_per_service(tmp_path):
    out = tmp_path / "refs.bib"
    result = CliRunner().invoke(
        app,
        ["export", str(PAGE), "-f", "bibtex", "-o", str(out), "--arxiv-api", f"{NOWHERE}/api/query",
         "--crossref-api", NOWHERE, "--cache", str(tmp_path / "c")],
    )  # fmt: skip
    assert result.exit_code == EXIT_ERROR
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: arxiv: 127.0.0.1:9: cannot connect (Connection refused)",
        "error: crossref: 127.0.0.1:9: cannot connect (Connection refused)",
        "error: dblp: 127.0.0.1:9: cannot connect (Connection refused)",
        # the sources of books, software and PubMed's articles are asked for what is left
        "error: datacite: 127.0.0.1:9: cannot connect (Connection refused)",
        "error: openlibrary: 127.0.0.1:9: cannot connect (Connection refused)",
        "error: pubmed: 127.0.0.1:9: cannot connect (Connection refused)",
    ]
    assert "65 entries: 0 resolved, 0 ambiguous, 65 unresolved" in result.stderr
    assert len(re.findall(r"bibxstatus\s*= \{unresolved\}", out.read_text("utf-8"))) == 65


def test_cli_cold_then_warm_then_offline(arxiv_server, crossref_server, tmp_path):
    args = ["export", str(PAGE), "-f", "csl-json", "-o", str(tmp_path / "o.json"),
            "--arxiv-api", arxiv_server.api, "--crossref-api", crossref_server.url,
            "--cache", str(tmp_path / "c")]  # fmt: skip
    # The CLI runs on the real clock: ask for what one request answers (two ids in one id_list,
    # no published-version look-ups), so that the real politeness limits never make it wait.
    ids = tmp_path / "ids.txt"
    ids.write_text("2410.11817\n2404.06654\n", encoding="utf-8")
    args[1:2] = [str(ids), "--prefer", "preprint"]
    cold = CliRunner().invoke(app, args)
    assert cold.exit_code == EXIT_OK, cold.stderr
    sent = len(arxiv_server.log) + len(crossref_server.log)
    assert sent == 1
    assert "1 request sent" in cold.stderr
    warm = CliRunner().invoke(app, args)
    assert "0 requests sent" in warm.stderr
    offline = CliRunner().invoke(app, [*args, "--offline"])
    assert offline.exit_code == EXIT_OK, offline.stderr
    assert len(arxiv_server.log) + len(crossref_server.log) == sent


def test_a_paper_only_crossref_knows_resolves_by_title(
    arxiv_server, crossref_server, clock, tmp_path
):
    title = "Performance evaluation and tuning of BioPig for genomic analysis"  # ACM, 2015
    http = session(arxiv_server, crossref_server, clock, tmp_path)
    [record] = Resolver(sources(http, arxiv_server, crossref_server)).resolve([Record(title=title)])
    assert record.status == "resolved"
    assert record.doi == "10.1145/2831244.2831252"
    assert record.type == "paper-conference" and record.arxiv_id is None


def test_published_version_found_by_title_and_authors_when_arxiv_has_no_doi():
    """The same work in Crossref, linked without a DOI on the arXiv side: title and authors."""
    from bibx.match import same_work, with_published
    from bibx.sources.crossref import work_to_record
    from tests.fakes import FIXTURES

    works = json.loads((FIXTURES / "crossref-works.json").read_text(encoding="utf-8"))
    published = work_to_record(next(w for w in works if w["DOI"].endswith("acl-long.1274")))
    preprint = Record(
        title=published.title, authors=published.authors, issued=(2024, 2),
        arxiv_id="2402.06147", publisher="arXiv", status="resolved", confidence=1.0,
        reason="title search",
    )  # fmt: skip
    assert same_work(preprint, published)
    merged = with_published(preprint, published)
    assert merged.container_title == "ACL 2025 (Long Papers)" and merged.arxiv_id == "2402.06147"
    other = published.copy(title="Another paper entirely")  # same authors, other title
    assert not same_work(preprint, other)


def test_snapshot_first_then_crossref_for_published_versions(
    arxiv_server, crossref_server, clock, tmp_path, snapshot_source
):
    """With a snapshot, arXiv is not asked about what the snapshot settles; Crossref is still
    asked for the published version of each preprint."""
    http = session(arxiv_server, crossref_server, clock, tmp_path)
    entries = read_path(PAGE).records
    resolver = Resolver([snapshot_source, *sources(http, arxiv_server, crossref_server)])
    out = resolver.resolve(entries)
    assert all(r.status == "resolved" for r in out)
    assert arxiv_server.log == []
    assert len([e for e in crossref_server.log if e.path == "/works"]) == 65
    deal = next(r for r in out if r.arxiv_id == "2402.06147")
    assert (deal.type, deal.container_title) == ("paper-conference", "ACL 2025 (Long Papers)")
    published = [r for r in out if r.container_title]
    assert len(published) == 7  # the seed's seven papers with a publisher DOI


def test_a_short_title_is_asked_so_that_no_one_word_excludes_the_paper():
    from bibx.sources.arxiv import half_clauses

    assert half_clauses("Segment Any Text") == [
        "(ti:segment AND ti:any)", "(ti:segment AND ti:text)", "(ti:any AND ti:text)"
    ]  # fmt: skip
    assert half_clauses("Alignment for Honesty") == ["ti:alignment", "ti:honesty"]


@pytest.mark.parametrize(
    "title",
    [
        "DeAL: Decoding-time Alignmnet for Large Language Models",  # a common word misspelt
        "RULER: What's the Real Context Size of Your Long-Contxet Language Models?",
        "LM-Infinte: Zero-Shot Extreme Length Generalization for Large Language Models",
    ],
)
def test_a_title_with_a_typo_still_finds_its_paper(
    arxiv_server, crossref_server, clock, tmp_path, title
):
    """arXiv ANDs every title word, so a misspelt one finds nothing; the retry asks for half
    the words twice (OR'ed, in the same one request), so no single word can exclude the paper."""
    http = session(arxiv_server, crossref_server, clock, tmp_path)
    arxiv_only = [ArxivAPI(http, arxiv_server.api)]  # Crossref's fuzzier search would find it
    [out] = Resolver(arxiv_only, prefer="preprint").resolve([Record(title=title)])
    assert out.status == "resolved", out.reason
    assert len(arxiv_server.log) == 2  # the first search, and one retry
