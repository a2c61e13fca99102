"""Benchmark: how long `bibx --version` and a `bibx cite` with nothing new take, beside Python.

    python benchmarks/bench_startup.py [--runs 21]

latexmk runs `bibx cite` on every pass of a document, so its cost when nothing new is cited is
paid again and again. Each command runs `--runs` times, interleaved (one of each in turn, so
that a busy moment of the machine falls on all of them), as the console script a user runs;
the median wall time is reported beside `python3 -c pass` (the least any Python program costs)
and as a ratio to it. The cite runs on a copy of `fixtures/cite/natbib-paper.aux` whose three
cited papers are already in its refs.bib (put there once, offline, from the bundled snapshot).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    script = Path(sys.executable).parent / "bibx"
    bibx = [str(script)] if script.exists() else [sys.executable, "-m", "bibx.quick"]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copy(ROOT / "fixtures/cite/natbib-paper.aux", work / "paper.aux")
        (work / "refs.bib").write_text("@book{knuth84, title = {The {\\TeX}book}}\n", "utf-8")
        snapshot = str(ROOT / "fixtures/arxiv-snapshot.jsonl")
        subprocess.run(
            [*bibx, "cite", "paper.aux", "--offline", "--snapshot", snapshot, "--cache", tmp],
            cwd=work, capture_output=True, check=False,
        )  # fmt: skip
        commands = {
            "python3 -c pass": [sys.executable, "-c", "pass"],
            "bibx --version": [*bibx, "--version"],
            "bibx cite (nothing new)": [*bibx, "cite", "paper.aux"],
            "bibx cite, full program": [sys.executable, "-m", "bibx.cli", "cite", "paper.aux"],
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                start = time.perf_counter()
                subprocess.run(command, cwd=work, capture_output=True, check=False)
                times[name].append(time.perf_counter() - start)
    base = statistics.median(times["python3 -c pass"])
    print(f"{'command':28} {'median s':>9} {'x python':>9}   ({args.runs} runs each)")
    for name, taken in times.items():
        median = statistics.median(taken)
        print(f"{name:28} {median:9.3f} {median / base:9.2f}")


if __name__ == "__main__":
    main()
