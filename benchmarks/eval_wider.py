"""Evaluation: a mixed reference list (papers, books, software, datasets, PubMed articles)
resolved against loopback services that answer with the services' real records.

    python benchmarks/eval_wider.py

The list: every work of fixtures/references-wider/ (built by fixtures/build_wider_references.py
from the real DataCite, Open Library, PubMed and PMC answers in fixtures/reference/) as nine
real CSL styles print it, once as printed and once with its DOI and links cut out (so that the
title must find it, where the loopback service holds the work for title search); the same
works by identifier alone (DOI, ISBN, PMID, PMC id); the 65 seed
papers as the APA style prints them (arXiv, Crossref, dblp); and works that no service here
holds, which must come back unresolved (the TeXbook, and the seed's distractors that have no
arXiv id). The services are the tests' loopback fakes with the real politeness limits on a
simulated clock, so the run takes seconds and counts requests exactly.

Prints recall per kind, wrong matches (the worst failure: must be 0), abstentions, and
requests per entry by service.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bibx.model import Record  # noqa: E402
from bibx.readers import read_text  # noqa: E402
from bibx.resolver import Resolver  # noqa: E402
from bibx.sources import polite_limiters  # noqa: E402
from bibx.sources.arxiv import ArxivAPI  # noqa: E402
from bibx.sources.crossref import Crossref  # noqa: E402
from bibx.sources.datacite import DataCite  # noqa: E402
from bibx.sources.dblp import DblpAPI  # noqa: E402
from bibx.sources.doi_cn import DoiContentNegotiation  # noqa: E402
from bibx.sources.http import HttpSession  # noqa: E402
from bibx.sources.openlibrary import OpenLibrary  # noqa: E402
from bibx.sources.pubmed import PubMed  # noqa: E402
from tests.fakes import (  # noqa: E402
    FakeArxiv,
    FakeClock,
    FakeCrossref,
    FakeDataCite,
    FakeDblp,
    FakeDoi,
    FakeOpenLibrary,
    FakePubMed,
)

WIDER = ROOT / "fixtures/references-wider"
LINKS = re.compile(r"\s*(?:https?://\S+|doi:\s*\S+)")


def right(record: Record, answer: str) -> bool:
    scheme, _, value = answer.partition(":")
    if scheme == "doi":
        return (record.doi or "").lower() == value.lower()
    if scheme == "openlibrary":
        return (record.url or "").endswith(f"/works/{value}")
    if scheme == "arxiv":
        return record.arxiv_id == value
    return record.vars.get({"isbn": "ISBN", "pmid": "PMID", "pmcid": "PMCID"}[scheme]) == value


def entries() -> list[tuple[str, str | None, str]]:
    """(kind, answer or None for a work no service holds, text of one reference list line)."""
    answers = json.loads((WIDER / "answers.json").read_text("utf-8"))
    out: list[tuple[str, str | None, str]] = []
    for style in sorted(WIDER.glob("*.txt")):
        lines = style.read_text("utf-8").splitlines()
        for answer, line in zip(answers, lines, strict=True):
            # a printed line is found by its DOI or its title: only for works the loopback
            # services hold that way (Open Library's search documents, PubMed's summaries,
            # DataCite's records; the ISBN record and the PMC summary are held for look-up by
            # their id alone, below, and the PMC article's DOI is in no fake Crossref)
            if answer["answer"].split(":")[0] in ("isbn", "pmcid"):
                continue
            out.append((answer["kind"], answer["answer"], line))
            bare = LINKS.sub("", line)
            if bare != line:
                out.append((answer["kind"], answer["answer"], bare))
    for answer in answers:
        if not answer["answer"].startswith("openlibrary:"):
            value = answer["answer"].split(":", 1)[1]
            label = {"doi": "", "isbn": "ISBN ", "pmid": "PMID: ", "pmcid": "PMCID: "}
            out.append((answer["kind"], answer["answer"],
                        label[answer["answer"].split(":")[0]] + value))  # fmt: skip
    seed = (ROOT / "fixtures/references/apa.txt").read_text("utf-8").splitlines()
    ids = json.loads((ROOT / "fixtures/references/answers.json").read_text("utf-8"))
    out += [("paper (arXiv)", f"arxiv:{i}", line) for i, line in zip(ids, seed, strict=True)]
    out.append(("not held", None, "Knuth, D. E. (1984). The TeXbook. Addison-Wesley."))
    meta = json.loads((ROOT / "fixtures/seed-metadata.json").read_text("utf-8"))
    for paper in meta.get("distractors", []):
        if not paper.get("arxiv_id"):
            out.append(("not held", None, paper["title"]))
    return out


def main() -> None:
    fakes = {
        ArxivAPI: FakeArxiv(), Crossref: FakeCrossref(), DblpAPI: FakeDblp(),
        DataCite: FakeDataCite(), DoiContentNegotiation: FakeDoi(),
        OpenLibrary: FakeOpenLibrary(), PubMed: FakePubMed(),
    }  # fmt: skip
    for fake in fakes.values():
        fake.start()
    try:
        urls = {cls: getattr(f, "api", f.url) for cls, f in fakes.items()}
        clock = FakeClock()
        with tempfile.TemporaryDirectory() as tmp:
            http = HttpSession(
                cache=Path(tmp), mailto="bench@example.org",
                limiters=polite_limiters(urls, "bench@example.org", clock, clock.sleep),
                clock=clock, sleep=clock.sleep,
            )  # fmt: skip
            sources = [cls(http, url) for cls, url in urls.items()]
            work = entries()
            read = [read_text(line + "\n", "refs.txt", None).records[:1] for _, _, line in work]
            resolved = iter(Resolver(sources).resolve([r for rs in read for r in rs]))
            # a line the readers could not take is counted as not resolved ("unread")
            results = [next(resolved) if rs else Record(status="unresolved") for rs in read]
    finally:
        for fake in fakes.values():
            fake.stop()
    table: dict[str, Counter[str]] = {}
    wrong = []
    for (kind, answer, line), record in zip(work, results, strict=True):
        row = table.setdefault(kind, Counter())
        row["entries"] += 1
        if record.status != "resolved":
            row["right" if answer is None else record.status] += 1
        elif answer is not None and right(record, answer):
            row["right"] += 1
        else:
            row["wrong"] += 1
            wrong.append(f"{line[:90]!r} -> {record.title!r} ({record.doi or record.url})")
    print(
        f"{'kind':18} {'entries':>7} {'right':>6} {'wrong':>6} {'unresolved':>10} {'ambiguous':>9}"
    )
    for kind, row in table.items():
        print(f"{kind:18} {row['entries']:7} {row['right']:6} {row['wrong']:6} "
              f"{row['unresolved']:10} {row['ambiguous']:9}")  # fmt: skip
    total = len(work)
    print(f"wrong matches: {len(wrong)}")
    for line in wrong:
        print(f"  {line}")
    sent = {cls.name: len(f.log) for cls, f in fakes.items()}
    print(f"requests: {sum(sent.values())} for {total} entries "
          f"({sum(sent.values()) / total:.2f} per entry): "
          + ", ".join(f"{name} {n}" for name, n in sent.items()))  # fmt: skip


if __name__ == "__main__":
    main()
