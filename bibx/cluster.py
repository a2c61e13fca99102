"""Resolving many entries on a Dask cluster (`bibx export --cluster ADDRESS|local:N`).

The entries are split into partitions; each is resolved on a worker by the same `Resolver`,
over the local sources only: the arXiv snapshot's index and the dblp dump's, which every worker
reads from shared (or replicated) storage. The live services are never asked from the workers,
so no service sees more than one bibx at a time. Each entry is decided on its own, so the
result is the one a single process gives (tests/test_cluster.py checks it); duplicates are
merged afterwards, in the calling process, as always. Dask is an optional dependency
(`pip install 'bibx[cluster]'`); docs/guide.md says how to point it at a real cluster.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bibx.errors import BibxError
from bibx.model import Record
from bibx.resolver import Resolver
from bibx.sources import Source

PARTITION = 500  # entries a task resolves: large enough that a task's start is nothing beside it


@dataclass(frozen=True)
class LocalSources:
    """What a worker opens: file paths every worker can read, and the cache dir of the indexes."""

    snapshot: str | None = None
    dblp_dump: str | None = None
    cache: str | None = None

    def open(self) -> list[Source]:
        from bibx.sources.dblp_dump import DblpDump
        from bibx.sources.snapshot import Snapshot

        cache = Path(self.cache) if self.cache else None
        sources: list[Source] = []
        if self.snapshot:
            sources.append(Snapshot(Path(self.snapshot), cache=cache))
        if self.dblp_dump:
            sources.append(DblpDump(Path(self.dblp_dump), cache=cache))
        if not sources:
            raise BibxError("--cluster needs a local source: --snapshot FILE or --dblp-dump FILE")
        return sources


def resolve_partition(entries: list[Record], sources: LocalSources, prefer: str) -> list[Record]:
    """One task: a partition of the entries, resolved on a worker."""
    return Resolver(sources.open(), prefer=prefer).resolve(entries)


def connect(address: str) -> Any:
    """A Dask client: `local:N` starts a local cluster of N worker processes (one thread each),
    anything else is a scheduler's address (`tcp://host:8786`)."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise BibxError(
            "--cluster needs Dask: pip install 'bibx[cluster]' (dask[distributed])"
        ) from None
    if address.startswith("local:"):
        workers = int(address.removeprefix("local:") or "2")
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
        return Client(cluster)
    return Client(address)


def resolve_on_cluster(
    entries: Sequence[Record],
    sources: LocalSources,
    client: Any,
    *,
    prefer: str = "published",
    partition: int = PARTITION,
    progress: Callable[[int, int], None] | None = None,
) -> list[Record]:
    """Every entry resolved on the cluster, in input order."""
    sources.open()  # built here, once, before any worker opens them (never built twice at once)
    parts = [list(entries[i : i + partition]) for i in range(0, len(entries), partition)]
    futures = client.map(resolve_partition, parts, sources=sources, prefer=prefer, pure=False)
    done = 0
    results: dict[int, list[Record]] = {}
    from dask.distributed import as_completed

    order = {future.key: index for index, future in enumerate(futures)}
    for future in as_completed(futures):
        results[order[future.key]] = future.result()
        done += len(results[order[future.key]])
        if progress:
            progress(done, len(entries))
    return [record for index in range(len(parts)) for record in results[index]]
