"""Resolving on a Dask cluster: a local cluster of two worker processes (Dask's own local
mode) gives exactly what one process gives."""

from __future__ import annotations

import os
from dataclasses import asdict

import pytest

from bibx.readers import read_path
from bibx.resolver import Resolver
from tests.conftest import PAGE, SNAPSHOT

distributed = pytest.importorskip("dask.distributed") if os.environ.get("CI") != "true" else None


def test_two_workers_resolve_the_seed_page_exactly_as_one_process(tmp_path):
    from bibx.cluster import LocalSources, connect, resolve_on_cluster
    from bibx.sources.snapshot import Snapshot

    entries = read_path(PAGE).records
    sources = LocalSources(snapshot=str(SNAPSHOT), cache=str(tmp_path / "cache"))
    alone = Resolver([Snapshot(SNAPSHOT, cache=tmp_path / "cache")]).resolve(entries)
    client = connect("local:2")
    try:
        seen: list[tuple[int, int]] = []
        together = resolve_on_cluster(
            entries, sources, client, partition=10, progress=lambda d, t: seen.append((d, t))
        )
        workers = client.run(os.getpid)  # two worker processes, neither of them this one
    finally:
        client.close()
        client.cluster.close()
    assert len(workers) == 2 and os.getpid() not in workers.values()
    assert [asdict(r) for r in together] == [asdict(r) for r in alone]
    assert seen[-1] == (65, 65) and len(seen) == 7  # seven partitions of at most ten


def test_a_cluster_without_a_local_source_is_refused_before_it_starts():
    from bibx.cluster import LocalSources
    from bibx.errors import BibxError

    with pytest.raises(BibxError, match="needs a local source"):
        LocalSources().open()
