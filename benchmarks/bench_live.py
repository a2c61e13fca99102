"""Benchmark: `bibx export` of the seed page against loopback arXiv, Crossref and dblp servers
that answer in about 300 ms, with the real politeness limits, cold (empty cache) and warm.

    python benchmarks/bench_live.py [--latency 0.3] [--runs 1]

Prints, per run: requests made to each service, wall time, and every politeness violation seen by
the servers (arXiv: two requests less than 3 s apart or two at once; Crossref polite pool: more
than 3 searches in any 1 s window or in flight, more than 10 single-work look-ups in any 1 s;
dblp: two requests less than 2 s apart). Targets (issues #3, #11): cold <= 35 s, warm <= 1 s
with no request, zero violations.
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.fakes import (  # noqa: E402
    FakeArxiv,
    FakeCrossref,
    FakeDataCite,
    FakeDblp,
    FakeDoi,
    FakeOpenLibrary,
    FakePubMed,
)

# the services for books, software and PubMed's articles, on loopback too: the seed page makes
# no request to them (its papers resolve first), and none may go to the real ones
OTHERS = {
    "BIBX_DATACITE_API": FakeDataCite, "BIBX_DOI_API": FakeDoi,
    "BIBX_OPENLIBRARY_API": FakeOpenLibrary, "BIBX_PUBMED_API": FakePubMed,
}  # fmt: skip

PAGE = ROOT / "fixtures" / "hf-papers-alignment.txt"
ARXIV_GAP = 3.0
DBLP_GAP = 2.0
SLACK = 0.05  # clock skew between the client's limiter and the server's arrival stamps


def violations(arxiv: FakeArxiv, crossref: FakeCrossref, dblp: FakeDblp) -> list[str]:
    found = []
    for a, b in itertools.pairwise(e.at for e in dblp.log):
        if b - a < DBLP_GAP - SLACK:
            found.append(f"dblp: two requests {b - a:.2f} s apart")
    times = [e.at for e in arxiv.log]
    for a, b in itertools.pairwise(times):
        if b - a < ARXIV_GAP - SLACK:
            found.append(f"arXiv: two requests {b - a:.2f} s apart")
    if arxiv.max_in_flight > 1:
        found.append(f"arXiv: {arxiv.max_in_flight} requests in flight")
    for path, limit in (("/works", 3), ("/works/", 10)):
        stamps = sorted(e.at for e in crossref.log if (e.path == "/works") == (path == "/works"))
        for i, start in enumerate(stamps):
            window = [t for t in stamps[i:] if t < start + 1.0 - SLACK]
            if len(window) > limit:
                gaps = ", ".join(f"{b - a:.3f}" for a, b in itertools.pairwise(window))
                found.append(f"Crossref {path}: {len(window)} requests within 1 s (gaps {gaps} s)")
                break
    if crossref.max_in_flight > 3 + 10:
        found.append(f"Crossref: {crossref.max_in_flight} requests in flight")
    return found


ENV = dict(os.environ)


def run(
    cache: Path, arxiv: FakeArxiv, crossref: FakeCrossref, dblp: FakeDblp, out: Path
) -> tuple[float, str]:
    command = [
        sys.executable, "-m", "bibx.cli", "export", str(PAGE), "--out", f"{out}/",
        "--arxiv-api", arxiv.api, "--crossref-api", crossref.url, "--dblp-api", dblp.api,
        "--cache", str(cache), "--mailto", "bench@example.org", "--quiet",
    ]  # fmt: skip
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=ENV)
    return time.perf_counter() - start, done.stderr.strip() + f" (exit {done.returncode})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency", type=float, default=0.3)
    args = parser.parse_args()
    others = {name: cls(latency=args.latency).start() for name, cls in OTHERS.items()}
    ENV.update({name: fake.url for name, fake in others.items()})
    arxiv = FakeArxiv(latency=args.latency).start()
    crossref = FakeCrossref(latency=args.latency).start()
    dblp = FakeDblp(latency=args.latency).start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            cache, out = Path(tmp) / "cache", Path(tmp) / "out"
            for label in ("cold", "warm"):
                before = (len(arxiv.log), len(crossref.log), len(dblp.log))
                seconds, stderr = run(cache, arxiv, crossref, dblp, out)
                made = [
                    len(s.log) - b for s, b in zip((arxiv, crossref, dblp), before, strict=True)
                ]
                print(
                    f"{label}: {seconds:6.2f} s wall, requests: arXiv {made[0]}, "
                    f"Crossref {made[1]}, dblp {made[2]}; "
                    f"{stderr.splitlines()[-1] if stderr else ''}"
                )
        print("requests to the other services: "
              + ", ".join(f"{n} {len(f.log)}" for n, f in others.items()))  # fmt: skip
        problems = violations(arxiv, crossref, dblp)
        print(f"politeness violations: {len(problems)}")
        for line in problems:
            print(f"  {line}")
    finally:
        arxiv.stop()
        crossref.stop()
        dblp.stop()
        for fake in others.values():
            fake.stop()


if __name__ == "__main__":
    main()
