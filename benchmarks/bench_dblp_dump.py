"""Benchmark: indexing dblp's XML dump, and looking papers up in it, at growing sizes.

    python benchmarks/bench_dblp_dump.py [--sizes 100000 300000]

Each size is a generated file in dblp.xml's own format (gzipped; the dump's header and DOCTYPE,
`inproceedings`/`article` records with `author`, `title`, `booktitle`/`journal`, `year`,
`pages`, `ee`, CoRR records marked `publtype="informal"`, `www` person records, and names written
with the DTD's Latin-1 entities), with a Zipf-like title vocabulary. The real dump is not
available offline; dblp reported 6,010,605 publications and 2,941,316 persons in March 2022
(fixtures/reference/dblp/README.md), so the full-dump figure is extrapolated from the measured
rate. Each size is indexed in its own process, so its peak memory (ru_maxrss) is its own.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FULL_DUMP_RECORDS = 6_010_605 + 2_941_316  # publications + person records, March 2022
WORDS = [
    "learning",
    "language",
    "model",
    "models",
    "neural",
    "network",
    "networks",
    "deep",
    "large",
    "data",
    "graph",
    "efficient",
    "robust",
    "alignment",
    "attention",
    "transformer",
    "generation",
    "retrieval",
    "reasoning",
    "vision",
    "image",
    "video",
    "speech",
    "text",
    "training",
    "optimization",
    "preference",
    "reinforcement",
    "policy",
    "agents",
    "evaluation",
    "benchmark",
    "dataset",
    "analysis",
    "approach",
    "method",
    "framework",
    "towards",
    "scalable",
    "adaptive",
    "sparse",
    "diffusion",
    "contrastive",
    "representation",
    "semantic",
    "knowledge",
    "question",
    "answering",
    "translation",
    "summarization",
    "detection",
    "segmentation",
    "recognition",
    "federated",
    "privacy",
    "secure",
    "fairness",
    "causal",
    "inference",
    "bayesian",
    "probabilistic",
    "stochastic",
    "gradient",
    "convex",
    "online",
    "distributed",
]
NAMES = ["M&uuml;ller", "Garc&iacute;a", "Nikola", "Wei", "Jun", "Anna", "Li", "Chen", "Zhang",
         "Smith", "Kowalski", "S&oslash;rensen", "Dubois", "Rossi", "Kim", "Tanaka"]  # fmt: skip
VENUES = ["NeurIPS", "ICLR", "ICML", "ACL (1)", "EMNLP", "AAAI", "CVPR", "KDD"]


def zipf_word(rng: random.Random) -> str:
    rank = min(int(rng.paretovariate(1.1)), len(WORDS)) - 1
    if rng.random() < 0.3:  # a long tail of rare words, as real titles have
        return f"{WORDS[rank]}{rng.randint(0, 50_000)}"
    return WORDS[rank]


def generate(path: Path, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with gzip.open(path, "wt", encoding="latin-1", compresslevel=1) as out:
        out.write('<?xml version="1.0" encoding="ISO-8859-1"?>\n')
        out.write('<!DOCTYPE dblp SYSTEM "dblp.dtd">\n<dblp>\n')
        for i in range(n):
            kind = rng.random()
            authors = "".join(
                f"<author>{rng.choice(NAMES)} {rng.choice(NAMES)}"
                f"{' 000' + str(rng.randint(1, 9)) if rng.random() < 0.05 else ''}</author>\n"
                for _ in range(rng.randint(1, 6))
            )
            title = " ".join(zipf_word(rng) for _ in range(rng.randint(4, 12))).capitalize()
            year = rng.randint(1990, 2025)
            if kind < 0.3:  # a person's page
                out.write(f'<www mdate="2024-01-01" key="homepages/{i}">{authors}'
                          "<title>Home Page</title>\n</www>\n")  # fmt: skip
            elif kind < 0.45:  # CoRR
                out.write(f'<article mdate="2024-01-01" key="journals/corr/abs-{i}" '
                          f'publtype="informal">\n{authors}<title>{title}.</title>\n'
                          f"<journal>CoRR</journal>\n<volume>abs/{i}</volume>\n"
                          f"<year>{year}</year>\n</article>\n")  # fmt: skip
            else:
                venue = rng.choice(VENUES)
                out.write(f'<inproceedings mdate="2024-01-01" key="conf/x/{i}">\n{authors}'
                          f"<title>{title}.</title>\n<pages>{i % 900}-{i % 900 + 9}</pages>\n"
                          f"<year>{year}</year>\n<booktitle>{venue}</booktitle>\n"
                          f"<ee>https://doi.org/10.9999/{i}</ee>\n</inproceedings>\n")  # fmt: skip
        out.write("</dblp>\n")


def child(path: str, cache: str) -> None:
    """Index `path` in this process; print seconds, papers and peak RSS as JSON."""
    from bibx.model import Record
    from bibx.sources.dblp_dump import DblpDump

    start = time.perf_counter()
    dump = DblpDump(path, cache=cache)
    seconds = time.perf_counter() - start
    rows = dump.db.execute("SELECT count(*) FROM paper").fetchone()[0]
    titles = [r[0] for r in dump.db.execute("SELECT json FROM paper LIMIT 200")]
    timings = []
    for text in titles:
        entry = Record(title=json.loads(text)["title"])
        t0 = time.perf_counter()
        dump.search(entry)
        timings.append(time.perf_counter() - t0)
    timings.sort()
    print(json.dumps({
        "seconds": seconds, "papers": rows,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "search_median_ms": 1000 * timings[len(timings) // 2],
        "search_p99_ms": 1000 * timings[int(len(timings) * 0.99) - 1],
        "index_mib": sum(p.stat().st_size for p in Path(cache).glob("dblp-*.sqlite")) / 2**20,
    }))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 300_000])
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    print(f"{'records':>9} {'file MiB':>9} {'index s':>8} {'rec/s':>8} {'peak MiB':>9} "
          f"{'index MiB':>9} {'search med ms':>13} {'p99 ms':>7}")  # fmt: skip
    rate = 0.0
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "dblp.xml.gz"
            generate(path, n)
            done = subprocess.run(
                [sys.executable, __file__, "--child", str(path), tmp],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            got = json.loads(done.stdout)
            rate = n / got["seconds"]
            print(f"{n:>9} {path.stat().st_size / 2**20:>9.1f} {got['seconds']:>8.1f} "
                  f"{rate:>8.0f} {got['peak_mib']:>9.0f} {got['index_mib']:>9.1f} "
                  f"{got['search_median_ms']:>13.2f} {got['search_p99_ms']:>7.2f}")  # fmt: skip
    minutes = FULL_DUMP_RECORDS / rate / 60
    print(f"full dump (~{FULL_DUMP_RECORDS:,} records) at the last rate: about {minutes:.0f} min")


if __name__ == "__main__":
    main()
