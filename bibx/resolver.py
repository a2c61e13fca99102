"""Find the one right record for each entry, or say plainly that there is none.

An entry with an arXiv id or DOI is looked up by it. An entry known only by its title is searched
in every source; each candidate is scored on the signals the entry offers (title, abstract,
authors, year) and the best is accepted only when it is both strong and clearly ahead of the
next. The thresholds and the figures behind them are in docs/decisions.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from bibx.model import DATA_FIELDS, Record
from bibx.sources import Source
from bibx.text import match_key

# Accept a title-searched candidate at or above this confidence. On the seed data the most
# similar title of a *different* paper scores 0.82; every true title with its wording unchanged
# scores 1.0, and a typo costs about 0.02 per character in a 60-character title.
ACCEPT = 0.90
# Two candidates above ACCEPT closer than this are too close to call: ambiguous.
MARGIN = 0.03
# An abstract this far from the entry's contradicts the match: on the seed data different papers'
# abstracts score at most 0.51, the same paper's 1.0.
ABSTRACT_CONTRADICTS = 0.60
# An abstract this close vouches for the paper even when its title changed between versions.
ABSTRACT_VOUCHES = 0.85
# Years further apart than this contradict the match (a preprint may be published years later).
MAX_YEAR_GAP = 3
# Entry titles this far from the record found by id are flagged instead of trusted.
ID_TITLE_MISMATCH = 0.50
CANDIDATES_PER_SOURCE = 10


@dataclass
class Score:
    confidence: float
    signals: dict[str, float] = field(default_factory=dict)
    contradictions: list[str] = field(default_factory=list)

    def describe(self) -> str:
        parts = [f"{k}={v:.2f}" for k, v in self.signals.items()]
        parts += [f"contradiction: {c}" for c in self.contradictions]
        return ", ".join(parts)


def similarity(a: str, b: str) -> float:
    """Normalised similarity of two texts after folding case, accents, LaTeX and punctuation."""
    return fuzz.ratio(match_key(a), match_key(b)) / 100.0


def _families(record: Record) -> set[str]:
    return {match_key(n.family or n.literal or "") for n in record.authors} - {""}


def score(entry: Record, candidate: Record) -> Score:
    """How sure are we that `candidate` is the paper `entry` names? See docs/decisions.md."""
    result = Score(0.0)
    strongest = 0.0
    if entry.title and candidate.title:
        strongest = result.signals["title"] = similarity(entry.title, candidate.title)
    if entry.abstract and candidate.abstract:
        abstract = result.signals["abstract"] = similarity(entry.abstract, candidate.abstract)
        if abstract < ABSTRACT_CONTRADICTS:
            result.contradictions.append("abstracts differ")
        elif abstract >= ABSTRACT_VOUCHES:
            strongest = max(strongest, abstract)
    entry_families, candidate_families = _families(entry), _families(candidate)
    if entry_families and candidate_families:
        overlap = len(entry_families & candidate_families) / len(entry_families)
        result.signals["authors"] = overlap
        if overlap == 0:
            result.contradictions.append("no author in common")
    if entry.year and candidate.year:
        gap = abs(entry.year - candidate.year)
        result.signals["year_gap"] = float(gap)
        if gap > MAX_YEAR_GAP:
            result.contradictions.append(f"years {entry.year} and {candidate.year}")
    result.confidence = round(min(strongest, 0.5) if result.contradictions else strongest, 3)
    return result


def _identity(record: Record) -> str:
    return f"arxiv:{record.arxiv_id}" if record.arxiv_id else f"doi:{(record.doi or '').lower()}"


def merge(entry: Record, found: Record, confidence: float, reason: str) -> Record:
    """The found record, completed with what only the entry had; the entry's key is kept."""
    merged = found.copy(
        key=entry.key,
        origin=entry.origin,
        status="resolved",
        confidence=confidence,
        reason=reason,
        provenance=dict(found.provenance),
    )
    for name in DATA_FIELDS:
        if getattr(merged, name) in (None, [], "") and getattr(entry, name) not in (None, [], ""):
            setattr(merged, name, getattr(entry, name))
            merged.provenance[name] = entry.provenance.get(name, "input")
    if entry.arxiv_version and merged.arxiv_id == entry.arxiv_id:
        merged.arxiv_version = entry.arxiv_version  # the user cited a version: keep it
    return merged


def unresolved(entry: Record, reason: str, status: str = "unresolved") -> Record:
    return entry.copy(status=status, confidence=None, reason=reason)  # type: ignore[arg-type]


@dataclass
class Resolver:
    sources: Sequence[Source]
    progress: Callable[[int, int], None] | None = None

    def _by_id(self, entries: list[Record]) -> dict[int, Record]:
        """Batch look-ups of every id in every source; returns entry index -> record found."""
        found: dict[int, Record] = {}
        arxiv_ids = sorted({e.arxiv_id for e in entries if e.arxiv_id})
        dois = sorted({e.doi for e in entries if e.doi and not e.arxiv_id})
        by_arxiv: dict[str, Record] = {}
        by_doi: dict[str, Record] = {}
        for source in self.sources:
            missing = [i for i in arxiv_ids if i not in by_arxiv]
            if missing:
                by_arxiv.update(source.lookup_arxiv(missing))
            missing = [d for d in dois if d.lower() not in by_doi]
            if missing:
                by_doi.update({k.lower(): v for k, v in source.lookup_doi(missing).items()})
        for index, entry in enumerate(entries):
            if entry.arxiv_id and entry.arxiv_id in by_arxiv:
                found[index] = by_arxiv[entry.arxiv_id]
            elif entry.doi and entry.doi.lower() in by_doi:
                found[index] = by_doi[entry.doi.lower()]
        return found

    def _search(self, entry: Record) -> Record:
        candidates: dict[str, Record] = {}
        for source in self.sources:
            for candidate in source.search(entry, CANDIDATES_PER_SOURCE):
                candidates.setdefault(_identity(candidate), candidate)
        if not candidates:
            return unresolved(entry, "no candidate found in any source")
        scored = sorted(
            ((score(entry, c), c) for c in candidates.values()),
            key=lambda pair: pair[0].confidence,
            reverse=True,
        )
        best_score, best = scored[0]
        if best_score.confidence < ACCEPT:
            return unresolved(
                entry,
                f"no candidate is close enough (best {best_score.confidence:.2f} < {ACCEPT}: "
                f"{best.title!r}, {best_score.describe()})",
            )
        if len(scored) > 1:
            second_score, second = scored[1]
            if second_score.confidence >= ACCEPT and (
                best_score.confidence - second_score.confidence < MARGIN
            ):
                return unresolved(
                    entry,
                    f"ambiguous: {best.title!r} ({_identity(best)}, {best_score.confidence:.2f}) "
                    f"and {second.title!r} ({_identity(second)}, {second_score.confidence:.2f})",
                    status="ambiguous",
                )
        return merge(entry, best, best_score.confidence, f"title search: {best_score.describe()}")

    def resolve(self, entries: list[Record]) -> list[Record]:
        by_id = self._by_id(entries)
        out: list[Record] = []
        for index, entry in enumerate(entries):
            if self.progress:
                self.progress(index + 1, len(entries))
            if index in by_id:
                out.append(self._check_identity(entry, by_id[index]))
            elif entry.arxiv_id or entry.doi:
                what = f"arXiv id {entry.arxiv_id}" if entry.arxiv_id else f"DOI {entry.doi}"
                out.append(unresolved(entry, f"{what} not found in any source"))
            elif entry.title:
                out.append(self._search(entry))
            else:
                out.append(unresolved(entry, "entry has no title, arXiv id or DOI"))
        return out

    def _check_identity(self, entry: Record, found: Record) -> Record:
        """An id names one record; a title given beside it must not contradict it."""
        how = "arXiv id" if entry.arxiv_id else "DOI"
        if entry.title and found.title:
            title = similarity(entry.title, found.title)
            if title < ID_TITLE_MISMATCH:
                return unresolved(
                    entry,
                    f"the {how} names {found.title!r}, whose title differs from the entry's "
                    f"(title={title:.2f}); check the id",
                    status="ambiguous",
                )
        return merge(entry, found, 1.0, f"{how} look-up")


def deduplicate(records: list[Record]) -> tuple[list[Record], list[str]]:
    """Keep the first of records naming the same paper (same arXiv id or DOI); report merges."""
    seen: dict[str, Record] = {}
    out: list[Record] = []
    messages: list[str] = []
    for record in records:
        keys = [
            k
            for k in (
                record.arxiv_id and f"arxiv:{record.arxiv_id}",
                record.doi and f"doi:{record.doi.lower()}",
            )
            if k
        ]
        if record.status != "resolved":
            out.append(record)
            continue
        first = next((seen[k] for k in keys if k in seen), None)
        if first is not None:
            messages.append(
                f"{record.origin}: same paper as {first.origin} ({keys[0]}); written once"
            )
            continue
        for key in keys:
            seen[key] = record
        out.append(record)
    return out, messages
