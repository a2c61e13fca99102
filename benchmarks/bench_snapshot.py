"""Benchmark: indexing an arXiv-snapshot-sized file, and look-ups in it.

    python benchmarks/bench_snapshot.py [--lines 200000]

arXiv's real snapshot (about 2.7 million lines, 4-5 GB) cannot be fetched here, so this writes a
SYNTHETIC file for timing only: the 88 real fixture lines repeated with made-up ids (9901.xxxxx
onwards) and a counter in the title. It measures how long the first run spends building the
SQLite full-text index, how long a later run takes to open it, and the cost of id look-ups and
title searches; it is no statement about any real paper.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bibx.model import Record  # noqa: E402
from bibx.sources.snapshot import Snapshot  # noqa: E402


def synthetic(path: Path, lines: int) -> None:
    base = [json.loads(line) for line in (ROOT / "fixtures/arxiv-snapshot.jsonl").open()]
    with path.open("w", encoding="utf-8") as out:
        for n in range(lines):
            record = dict(base[n % len(base)])
            record["id"] = f"{9901 + n // 99999}.{n % 99999:05d}"
            record["title"] = f"{record['title']} {n}"
            out.write(json.dumps(record) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "snapshot.jsonl"
        synthetic(path, args.lines)
        size = path.stat().st_size / 2**20
        start = time.perf_counter()
        Snapshot(path, cache=Path(tmp) / "cache")
        build = time.perf_counter() - start
        start = time.perf_counter()
        snap = Snapshot(path, cache=Path(tmp) / "cache")
        reopen = time.perf_counter() - start
        ids = [f"9901.{n:05d}" for n in range(0, 99999, 97)][:1000]
        start = time.perf_counter()
        found = snap.lookup_arxiv(ids)
        per_id = (time.perf_counter() - start) / len(ids)
        titles = [
            json.loads(line)["title"] for line in (ROOT / "fixtures/arxiv-snapshot.jsonl").open()
        ]
        start = time.perf_counter()
        for title in titles:
            snap.search(Record(title=title), limit=10)
        per_search = (time.perf_counter() - start) / len(titles)
    print(f"synthetic snapshot: {args.lines} lines, {size:.0f} MiB")
    print(f"first run, building the index: {build:.1f} s ({args.lines / build:,.0f} lines/s)")
    print(f"later run, opening the index:  {reopen * 1000:.1f} ms")
    print(f"id look-up: {per_id * 1e6:.0f} us each ({len(found)} of {len(ids)} found)")
    print(f"title search (top 10 of {args.lines}): {per_search * 1000:.1f} ms each")
    print(f"extrapolated build for 2.7 M lines: {2.7e6 / (args.lines / build) / 60:.1f} min")


if __name__ == "__main__":
    main()
