"""Benchmark: resolving titles in one process, and on a local Dask cluster of 1 and 2 workers.

    python benchmarks/bench_cluster.py [--lines 100000] [--titles 2000]

The snapshot is bench_snapshot.py's synthetic file (the real fixture records inside, made-up
records with Zipf-distributed words around them); the titles are the seed page's 65 entries and
distinct made-up titles of that file (one in a hundred records is taken; they are repeated only
when the file has too few). The index is built once, before the clock starts; each run resolves
every title against it (snapshot only), and the results of every run must be identical. The same
titles are then resolved misspelt once each (two letters of the longest word swapped), which
needs the word searches an exact title skips.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_snapshot import misspelt, synthetic  # noqa: E402

from bibx.cluster import LocalSources, connect, resolve_on_cluster  # noqa: E402
from bibx.model import Record  # noqa: E402
from bibx.readers import read_path  # noqa: E402
from bibx.resolver import Resolver  # noqa: E402
from bibx.sources.snapshot import Snapshot  # noqa: E402


def run(entries: list[Record], path: Path, cache: Path, label: str) -> None:
    """Resolve `entries` in one process, then on local clusters of 1 and 2 workers."""
    start = time.perf_counter()
    alone = Resolver([Snapshot(path, cache=cache)]).resolve(entries)
    single = time.perf_counter() - start
    resolved = sum(r.status == "resolved" for r in alone)
    print(f"{len(entries)} titles, {label}: {resolved} resolved")
    print(f"  one process:  {single:6.1f} s")
    sources = LocalSources(snapshot=str(path), cache=str(cache))
    for workers in (1, 2):
        client = connect(f"local:{workers}")
        try:
            client.run(lambda: None)  # the workers are up before the clock starts
            start = time.perf_counter()
            out = resolve_on_cluster(entries, sources, client)
            took = time.perf_counter() - start
        finally:
            client.close()
            client.cluster.close()
        same = [asdict(r) for r in out] == [asdict(r) for r in alone]
        print(f"  {workers} worker{'s' if workers > 1 else ' '}:    {took:6.1f} s "
              f"(speed-up {single / took:.2f}; identical: {same})")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--titles", type=int, default=2000)
    parser.add_argument("--keep", metavar="DIR", help="keep (and reuse) the file and its index")
    args = parser.parse_args()
    logging.getLogger("distributed").setLevel(logging.CRITICAL)  # workers' shutdown chatter
    with contextlib.ExitStack() as stack:
        tmp = args.keep or stack.enter_context(tempfile.TemporaryDirectory())
        Path(tmp).mkdir(parents=True, exist_ok=True)
        path, cache = Path(tmp) / f"snapshot-{args.lines}.jsonl", Path(tmp) / "cache"
        listed = Path(tmp) / f"titles-{args.lines}-{args.titles}.json"
        if path.exists() and listed.exists():
            made = json.loads(listed.read_text(encoding="utf-8"))
        else:
            made = synthetic(path, args.lines, keep=args.titles)
            listed.write_text(json.dumps(made), encoding="utf-8")
        Snapshot(path, cache=cache)  # the index, built before any clock starts
        seed = read_path(ROOT / "fixtures" / "hf-papers-alignment.txt").records
        print(f"snapshot of {args.lines} lines")
        titles = [*seed, *(Record(title=t) for t, _ in made)]
        entries = (titles * (args.titles // len(titles) + 1))[: args.titles]
        run(entries, path, cache, "in the file exactly")
        typos = [Record(title=misspelt(r.title or "")) for r in entries]
        run(typos, path, cache, "each misspelt once")


if __name__ == "__main__":
    main()
