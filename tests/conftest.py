"""Shared fixtures: the bundled seed page, snapshot and reference samples; an isolated cache."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from tests.fakes import FakeArxiv, FakeClock, FakeCrossref

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
REFERENCE = FIXTURES / "reference"
PAGE = FIXTURES / "hf-papers-alignment.txt"
SNAPSHOT = FIXTURES / "arxiv-snapshot.jsonl"


def require_tool(name: str) -> str:
    """Path of an outside program; skip without it on a laptop, fail without it in CI."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is not installed, and CI must run this test")
        pytest.skip(f"{name} not installed")
    return path


# In CI the property tests run the same examples every time: a red CI must be reproducible.
# Locally they explore (1,500 examples a test passed before this was set).
settings.register_profile("ci", derandomize=True, database=None, deadline=None)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")

# Port 9 (discard) on loopback: nothing listens, so a request a test forgot to point at a fake
# server is refused at once instead of reaching the internet.
NOWHERE = "http://127.0.0.1:9"


@pytest.fixture(autouse=True)
def isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    cache = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("BIBX_CACHE", str(cache))
    monkeypatch.setenv("BIBX_ARXIV_API", f"{NOWHERE}/api/query")
    monkeypatch.setenv("BIBX_CROSSREF_API", NOWHERE)
    monkeypatch.setenv("BIBX_DBLP_API", f"{NOWHERE}/search/publ/api")
    for name in ("BIBX_DOI_API", "BIBX_DATACITE_API", "BIBX_OPENLIBRARY_API", "BIBX_PUBMED_API"):
        monkeypatch.setenv(name, NOWHERE)
    for name in ("BIBX_SNAPSHOT", "BIBX_OFFLINE", "BIBX_DBLP_DUMP"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("BIBX_MAILTO", raising=False)
    return cache


@pytest.fixture(scope="session")
def seed() -> dict:
    return json.loads((FIXTURES / "seed-metadata.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def snapshot_source(tmp_path_factory: pytest.TempPathFactory):
    from bibx.sources.snapshot import Snapshot

    return Snapshot(SNAPSHOT, cache=tmp_path_factory.mktemp("snapshot-cache"))


@pytest.fixture(scope="session")
def page_records():
    from bibx.readers import read_path

    return read_path(PAGE).records


@pytest.fixture(scope="session")
def resolved_page(snapshot_source, page_records):
    from bibx.resolver import Resolver

    return Resolver([snapshot_source]).resolve(page_records)


@pytest.fixture(scope="session")
def csl_schema() -> dict:
    return json.loads((REFERENCE / "csl/csl-data.json").read_text(encoding="utf-8"))


@pytest.fixture
def arxiv_server():
    server = FakeArxiv().start()
    yield server
    server.stop()


@pytest.fixture
def crossref_server():
    server = FakeCrossref().start()
    yield server
    server.stop()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
