"""Benchmark: the arXiv snapshot source at growing sizes: index, look-ups, searches, the seed page.

    python benchmarks/bench_snapshot.py [--lines 100000,300000]

arXiv's real snapshot (about 2.9 million lines) cannot be fetched here, so this writes a
SYNTHETIC file in the snapshot's real format: the 88 real fixture records, spread through it,
and made-up records (ids 0001.00000 onwards, which arXiv never assigned) whose titles and
abstracts are drawn from the fixtures' own words with Zipf frequencies, so that common words
("language", "models", "alignment") are in many titles, as in the real snapshot. Its facts are
not any real paper's.

Per size: the time and peak memory of building the index, the index's size against the file's,
the id look-up time, the title-search time (median and 99th percentile, warm) for three kinds
of title: in the file exactly (the 88 real records' titles and 935 made-up ones), the same
misspelt once (two letters of the longest word swapped; how many still find their record), and
absent (the words of two made-up titles mixed), and the seed page resolved against the file.
"""

from __future__ import annotations

import argparse
import bisect
import contextlib
import itertools
import json
import random
import resource
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bibx.model import Record  # noqa: E402
from bibx.readers import read_path  # noqa: E402
from bibx.resolver import Resolver  # noqa: E402
from bibx.sources.snapshot import Snapshot  # noqa: E402
from bibx.text import words  # noqa: E402

FIXTURE = ROOT / "fixtures" / "arxiv-snapshot.jsonl"


def synthetic(path: Path, lines: int, seed: int = 15, keep: int = 935) -> list[tuple[str, str]]:
    """Write the file; return `keep` made-up records' (title, id) at most (for searches)."""
    real = [json.loads(line) for line in FIXTURE.open(encoding="utf-8")]
    counts = Counter(w for r in real for w in words(f"{r['title']} {r.get('abstract', '')}"))
    vocab = [w for w, _ in counts.most_common()]
    cumulative = list(itertools.accumulate(1 / (rank + 1) for rank in range(len(vocab))))
    total = cumulative[-1]
    rng = random.Random(seed)

    def draw(k: int) -> str:
        return " ".join(vocab[bisect.bisect(cumulative, rng.random() * total)] for _ in range(k))

    every = max(1, lines // len(real))
    titles: list[tuple[str, str]] = []
    with path.open("w", encoding="utf-8") as out:
        made = 0
        for n in range(lines):
            if n % every == 0 and n // every < len(real):
                out.write(json.dumps(real[n // every]) + "\n")
                continue
            template = real[n % len(real)]
            title = draw(rng.randint(5, 12)).capitalize()
            record = {**template, "id": f"{1 + made // 99999:04d}.{made % 99999:05d}",
                      "title": title, "abstract": draw(rng.randint(80, 160)), "doi": None,
                      "journal-ref": None}  # fmt: skip
            made += 1
            if len(titles) < keep and rng.random() < 0.01:
                titles.append((title, record["id"]))
            out.write(json.dumps(record) + "\n")
    return titles


def misspelt(title: str) -> str:
    """The title with two middle letters of its longest word swapped: a typo."""
    parts = title.split()
    i = max(range(len(parts)), key=lambda k: len(parts[k]))
    word = parts[i]
    if len(word) > 3:
        j = len(word) // 2
        parts[i] = word[: j - 1] + word[j] + word[j - 1] + word[j + 1 :]
    return " ".join(parts)


def absent(made: list[tuple[str, str]], rng: random.Random) -> list[str]:
    """Titles no record has: the words of two made-up titles, mixed."""
    out = []
    for (one, _), (two, _) in itertools.pairwise(made):
        mixed = one.split() + two.split()
        out.append(" ".join(rng.sample(mixed, k=min(9, len(mixed)))).capitalize())
    return out


def timed(snap: Snapshot, titles: list[str]) -> tuple[float, float, list[list[Record]]]:
    """Median and 99th percentile of warm title searches, in ms, and what each found."""
    for title in titles[:50]:  # warm the page cache
        snap.search(Record(title=title), limit=10)
    times, found = [], []
    for title in titles:
        start = time.perf_counter()
        found.append(snap.search(Record(title=title), limit=10))
        times.append(time.perf_counter() - start)
    p99 = statistics.quantiles(times, n=100)[98]
    return statistics.median(times) * 1000, p99 * 1000, found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", default="100000,300000")
    parser.add_argument(
        "--keep", metavar="DIR", help="keep each size's file and index in DIR, and reuse them"
    )
    args = parser.parse_args()
    real = [json.loads(line) for line in FIXTURE.open(encoding="utf-8")]
    seed = [(r["title"], r["id"]) for r in real]
    page = read_path(ROOT / "fixtures" / "hf-papers-alignment.txt").records
    meta = json.loads((ROOT / "fixtures" / "seed-metadata.json").read_text(encoding="utf-8"))
    answers = {p["seed_title"]: p["arxiv_id"] for p in meta["papers"] if p.get("arxiv_id")}
    print("searches: median / p99 in ms over titles that are in the file exactly, misspelt once,")
    print("and absent; 'typo found' counts misspelt titles whose record was among the candidates")
    print(f"{'lines':>9} {'file MiB':>9} {'index MiB':>10} {'build s':>8} {'peak MiB':>9} "
          f"{'id us':>6} {'exact':>11} {'misspelt':>11} {'absent':>11} {'typo found':>11} "
          f"{'seed page':>18}")  # fmt: skip
    for lines in [int(n) for n in args.lines.split(",")]:
        with contextlib.ExitStack() as stack:
            if args.keep:
                tmp = f"{args.keep}/{lines}"
                Path(tmp).mkdir(parents=True, exist_ok=True)
            else:
                tmp = stack.enter_context(tempfile.TemporaryDirectory())
            path = Path(tmp) / "snapshot.jsonl"
            kept = Path(tmp) / "made.json"  # with --keep: the titles, build time and memory
            if kept.exists() and path.exists():  # a kept file and its index, measured before
                made, build, peak = json.loads(kept.read_text(encoding="utf-8"))
                made = [tuple(pair) for pair in made]
                snap = Snapshot(path, cache=Path(tmp) / "cache")
            else:
                made = synthetic(path, lines)
                before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                start = time.perf_counter()
                snap = Snapshot(path, cache=Path(tmp) / "cache")
                build = time.perf_counter() - start
                peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 - before
                if args.keep:
                    kept.write_text(json.dumps([made, build, peak]), encoding="utf-8")
            size = path.stat().st_size / 2**20
            index = snap.index.stat().st_size / 2**20
            ids = [f"0001.{n:05d}" for n in range(0, 99999, 97)][:1000]
            start = time.perf_counter()
            snap.lookup_arxiv(ids)
            per_id = (time.perf_counter() - start) / len(ids)
            known = [*seed, *made]
            exact = timed(snap, [title for title, _ in known])
            typos = timed(snap, [misspelt(title) for title, _ in known])
            missing = timed(snap, absent(made, random.Random(lines)))
            typo_found = sum(
                any(r.arxiv_id == ident for r in candidates)
                for (_, ident), candidates in zip(known, typos[2], strict=True)
            )
            out = Resolver([snap], prefer="preprint").resolve(page)
            right = sum(r.arxiv_id == answers.get(r.asked_as or "") for r in out)
            wrong = sum(r.status == "resolved" for r in out) - right
            cells = [f"{m[0]:.1f} / {m[1]:.0f}" for m in (exact, typos, missing)]
            verdict = f"{right} right, {wrong} wrong"
            print(f"{lines:>9} {size:>9.0f} {index:>10.0f} {build:>8.1f} {peak:>9.0f} "
                  f"{per_id * 1e6:>6.0f} {cells[0]:>11} {cells[1]:>11} {cells[2]:>11} "
                  f"{f'{typo_found}/{len(known)}':>11} {verdict:>18}")  # fmt: skip


if __name__ == "__main__":
    main()
