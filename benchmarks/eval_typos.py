"""Measurement: seed titles with one or two misspelled words, resolved through the loopback
arXiv API alone (whose search ANDs every title word), with the real rate limits on an injected
clock. Prints per case: right, wrong, unresolved, and arXiv requests. (issue #14)

    python benchmarks/eval_typos.py

A typo swaps two neighbouring letters in the middle of a word: "rare" takes the title's longest
word, "common" its shortest word of four letters or more; "two" misspells both.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bibx.model import Record  # noqa: E402
from bibx.resolver import Resolver  # noqa: E402
from bibx.sources.arxiv import ArxivAPI  # noqa: E402
from tests.fakes import FakeArxiv, FakeClock, FakeCrossref, session  # noqa: E402


def swap(word: str) -> str:
    middle = len(word) // 2
    return word[: middle - 1] + word[middle] + word[middle - 1] + word[middle + 1 :]


def misspell(title: str, which: str) -> str:
    words = [w for w in title.split() if w.isalpha() and len(w) >= 4]
    if not words:
        return title
    rare, common = max(words, key=len), min(words, key=len)
    targets = {"rare": [rare], "common": [common], "two": [rare, common]}[which]
    out = title
    for word in dict.fromkeys(targets):
        out = out.replace(word, swap(word), 1)
    return out


def main() -> None:
    meta = json.loads((ROOT / "fixtures" / "seed-metadata.json").read_text(encoding="utf-8"))
    papers = [p for p in meta["papers"] if p.get("arxiv_id")]
    print(f"{'case':8} {'titles':>6} {'right':>6} {'wrong':>6} {'open':>5} {'arXiv requests':>15}")
    for which in ("rare", "common", "two"):
        arxiv, crossref = FakeArxiv().start(), FakeCrossref().start()
        try:
            with tempfile.TemporaryDirectory() as cache:
                http = session(arxiv, crossref, FakeClock(), cache)
                entries = [Record(title=misspell(p["title"], which)) for p in papers]
                out = Resolver([ArxivAPI(http, arxiv.api)], prefer="preprint").resolve(entries)
        finally:
            arxiv.stop(), crossref.stop()
        right = sum(r.arxiv_id == p["arxiv_id"] for r, p in zip(out, papers, strict=True))
        wrong = sum(
            r.status == "resolved" and r.arxiv_id != p["arxiv_id"]
            for r, p in zip(out, papers, strict=True)
        )
        print(f"{which:8} {len(papers):>6} {right:>6} {wrong:>6} {len(papers) - right - wrong:>5} "
              f"{len(arxiv.log):>15}")  # fmt: skip


if __name__ == "__main__":
    main()
