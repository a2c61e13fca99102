"""Benchmark: resolving titles in one process, and on a local Dask cluster of 1 and 2 workers.

    python benchmarks/bench_cluster.py [--lines 100000] [--titles 2000]

The snapshot is bench_snapshot.py's synthetic file (the real fixture records inside, made-up
records with Zipf-distributed words around them); the titles are the seed page's 65 entries and
distinct made-up titles of that file (one in a hundred records is taken; they are repeated only
when the file has too few). The index is built once, before the clock starts; each run resolves
every title against it (snapshot only), and the results of every run must be identical.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_snapshot import synthetic  # noqa: E402

from bibx.cluster import LocalSources, connect, resolve_on_cluster  # noqa: E402
from bibx.model import Record  # noqa: E402
from bibx.readers import read_path  # noqa: E402
from bibx.resolver import Resolver  # noqa: E402
from bibx.sources.snapshot import Snapshot  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--titles", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path, cache = Path(tmp) / "snapshot.jsonl", Path(tmp) / "cache"
        made = synthetic(path, args.lines, keep=args.titles)
        Snapshot(path, cache=cache)  # the index, built before any clock starts
        seed = read_path(ROOT / "fixtures" / "hf-papers-alignment.txt").records
        titles = [*seed, *(Record(title=t) for t, _ in made)]
        entries = (titles * (args.titles // len(titles) + 1))[: args.titles]
        start = time.perf_counter()
        alone = Resolver([Snapshot(path, cache=cache)]).resolve(entries)
        single = time.perf_counter() - start
        print(f"{len(entries)} titles, snapshot of {args.lines} lines")
        print(f"one process:      {single:6.1f} s")
        sources = LocalSources(snapshot=str(path), cache=str(cache))
        for workers in (1, 2):
            client = connect(f"local:{workers}")
            try:
                client.run(lambda: None)  # the workers are up before the clock starts
                start = time.perf_counter()
                out = resolve_on_cluster(entries, sources, client, partition=100)
                took = time.perf_counter() - start
            finally:
                client.close()
                client.cluster.close()
            same = [asdict(r) for r in out] == [asdict(r) for r in alone]
            print(f"{workers} worker{'s' if workers > 1 else ' '}:        {took:6.1f} s "
                  f"(speed-up {single / took:.2f}; identical: {same})")  # fmt: skip


if __name__ == "__main__":
    main()
