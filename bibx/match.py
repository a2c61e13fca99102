"""Scoring and merging: is this record the paper the entry names, and what of each to keep.

`score` weighs the signals an entry offers (title, abstract, authors, year, its own ids) and
`merge` joins the entry with the record accepted for it (a curated entry's values win). The
published-version helpers (`same_work`, `with_published`, `with_doi`) and `deduplicate` live
here too: everything that compares or combines records, and none of the asking, which is
`bibx/resolver.py`'s. The thresholds and the figures behind them are in docs/decisions.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz

from bibx.model import DATA_FIELDS, Record, Status
from bibx.text import STOPWORDS, match_key

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
# An entry's "abstract" shorter than this is no abstract to compare (a .bib's note put there:
# "We really liked this one."); real ones run 100 to 300 words.
ABSTRACT_MIN_WORDS = 30
# Years further apart than this contradict the match (a preprint may be published years later).
MAX_YEAR_GAP = 3
# Entry titles this far from the record found by id are flagged instead of trusted.
ID_TITLE_MISMATCH = 0.50
# A truncated title: at least this many words, and this share of the full title's words.
PREFIX_MIN_WORDS = 4
PREFIX_MIN_COVERAGE = 0.6
# Titles whose significant words (3 letters or more) do not pair up score at most this (below
# ACCEPT); a word pairs with one at least this similar (fuzz.ratio): a slip of a letter or two.
WORDS_DIFFER_CAP = 0.89
TYPO_WORD = 66  # a swap of two letters in a three-letter word still pairs ("adn" ~ "and")


@dataclass
class Score:
    confidence: float
    signals: dict[str, float] = field(default_factory=dict)
    contradictions: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """The signals in words: "title 93% alike, all authors in common, 1 year apart"."""
        parts = [_in_words(name, value) for name, value in self.signals.items()]
        parts += [f"contradiction: {c}" for c in self.contradictions]
        return ", ".join(parts)


def _in_words(name: str, value: float) -> str:
    if name == "doi":
        return "same DOI"
    if name == "arxiv_id":
        return "same arXiv id"
    if name == "year_gap":
        gap = round(value)
        return "same year" if gap == 0 else f"{gap} year{'s' * (gap != 1)} apart"
    if name == "authors":
        return "all authors in common" if value >= 1 else f"{value:.0%} of the authors in common"
    return f"{name} {value:.0%} alike"


def similarity(a: str, b: str) -> float:
    """Normalised similarity of two texts after folding case, accents, LaTeX and punctuation."""
    return fuzz.ratio(match_key(a), match_key(b)) / 100.0


def title_similarity(given: str, found: str) -> float:
    """`similarity`, except that a title cut short (the first words of `found`, at least
    PREFIX_MIN_WORDS of them and PREFIX_MIN_COVERAGE of its words) scores as a near match,
    from 0.93 to 0.95 with its coverage; two papers sharing the prefix then tie: ambiguous."""
    ratio = similarity(given, found)
    mine, theirs = match_key(given).split(), match_key(found).split()
    if PREFIX_MIN_WORDS <= len(mine) < len(theirs) and theirs[: len(mine)] == mine:
        coverage = len(mine) / len(theirs)
        if coverage >= PREFIX_MIN_COVERAGE:
            return max(ratio, round(0.90 + 0.05 * coverage, 3))
    if ratio > WORDS_DIFFER_CAP and (_unpaired(mine, theirs) or _unpaired(theirs, mine)):
        # a word on one side with no counterpart on the other (not even a misspelt one):
        # a different title that happens to share most letters, never a sure match
        return min(ratio, WORDS_DIFFER_CAP)
    return ratio


def _unpaired(these: list[str], those: list[str]) -> list[str]:
    """Significant words of `these` with no equal or near-equal (typo) word in `those`."""
    pool = set(those)
    return [
        w
        for w in these
        if len(w) > 2
        and w not in STOPWORDS
        and w not in pool
        and not any(fuzz.ratio(w, v) >= TYPO_WORD for v in pool)
    ]


def _families(record: Record) -> set[str]:
    return {match_key(n.family or n.literal or "") for n in record.authors} - {""}


def score(entry: Record, candidate: Record) -> Score:
    """How sure are we that `candidate` is the paper `entry` names? See docs/decisions.md."""
    result = Score(0.0)
    strongest = 0.0
    for name, mine, theirs in (
        ("doi", (entry.doi or "").lower(), (candidate.doi or "").lower()),
        ("arxiv_id", entry.arxiv_id or "", candidate.arxiv_id or ""),
    ):
        if mine and theirs and mine == theirs:
            strongest = result.signals[name] = 1.0  # the entry's own identifier agrees
    if entry.title and candidate.title:
        result.signals["title"] = title_similarity(entry.title, candidate.title)
        strongest = max(strongest, result.signals["title"])
    mine = match_key(entry.abstract or "")
    if len(mine.split()) >= ABSTRACT_MIN_WORDS and candidate.abstract:
        # a cut abstract is the opening of the whole: compared with as much of the other;
        # below the contradiction line the exact value does not matter, and rapidfuzz stops
        # early with a cutoff: most candidates' abstracts are far from the entry's
        theirs = match_key(candidate.abstract)[: len(mine) * 11 // 10]
        abstract = result.signals["abstract"] = (
            fuzz.ratio(mine, theirs, score_cutoff=ABSTRACT_CONTRADICTS * 100) / 100.0
        )
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


def identity(record: Record) -> str:
    """What names one work among candidates: its arXiv id or DOI; else its ISBN, PubMed id or
    address (a book of Open Library, a work without a DOI); else its title, year and authors.
    Two works are never one because neither has a DOI."""
    if record.arxiv_id:
        return f"arxiv:{record.arxiv_id}"
    if record.doi:
        return f"doi:{record.doi.lower()}"
    for variable in ("ISBN", "PMID", "PMCID"):
        if record.vars.get(variable):
            return f"{variable.lower()}:{record.vars[variable]}"
    if record.url:
        return f"url:{record.url}"
    families = ",".join(sorted(_families(record)))
    return f"work:{match_key(record.title or '')}|{record.year}|{families}"


# The fields that say where and when a paper appeared: they change together, from one version
# to another, never one at a time (a preprint's month with a journal's year is neither).
VENUE_FIELDS = ("type", "container_title", "volume", "issue", "page", "publisher", "issued")


# works published on their own, with no container: a source's publisher is theirs
STANDALONE = frozenset({"book", "thesis", "report", "software", "dataset", "patent", "pamphlet"})


def is_published(record: Record) -> bool:
    """Does the record name a published version: a venue, and a type that has one?"""
    return bool(record.container_title) and record.type != "article"


def fuller_authors(mine: Record, theirs: Record) -> bool:
    """Is `theirs` the complete list of which `mine` is the beginning (or an `and others`
    list)? Only then may it replace the user's list: a longer list is never cut short, and a
    list that disagrees is the user's to fix, not bibx's to overwrite."""
    if not theirs.authors or len(theirs.authors) < len(mine.authors):
        return False
    if len(theirs.authors) == len(mine.authors) and not mine.et_al:
        return False
    return all(
        match_key(a.family or a.literal or "") == match_key(b.family or b.literal or "")
        for a, b in zip(mine.authors, theirs.authors, strict=False)
    )


# What a preprint's record may add to a user's published entry: facts about the paper itself,
# never the preprint's venue, date, URL or the DOI it names (not checked against the venue).
PAPER_FIELDS = frozenset(
    {"title", "authors", "et_al", "abstract", "arxiv_id", "arxiv_version", "arxiv_class",
     "arxiv_updated", "categories", "journal_ref", "updates"}
)  # fmt: skip


def _fills(entry: Record, found: Record, name: str) -> bool:
    """May `found` fill the curated entry's empty field `name`?"""
    if name in PAPER_FIELDS:
        return True
    if is_published(entry):
        # a published record of another year may be another version (a journal extension of
        # a conference paper): its pages and volume are not the entry's
        return is_published(found) and (not entry.year or entry.year == found.year)
    if is_published(found) or found.type in STANDALONE:
        return True  # a book's, a report's, a dataset's publisher is its own
    return name not in ("publisher", "type")  # a preprint server is no publisher


def _merge_tables(entry: Record, found: Record, merged: Record) -> None:
    """The variables, roles and dates of both, one by one: the entry's own where it has one
    (a curated entry's always), the source's where the entry has none and may be filled."""
    for table in ("vars", "names", "dates"):
        mine: dict = getattr(entry, table)
        theirs: dict = getattr(found, table)
        combined = {k: v for k, v in theirs.items() if not entry.curated or _fills(entry, found, k)}
        for name in theirs.keys() - combined.keys():
            merged.provenance.pop(name, None)
        for name, value in mine.items():
            if entry.curated or name not in combined:
                combined[name] = value
                merged.provenance[name] = entry.provenance.get(name, "input")
        setattr(merged, table, combined)


def merge(entry: Record, found: Record, confidence: float, reason: str) -> Record:
    """The found record, completed with what only the entry had; the entry's key is kept.

    A curated entry (from the user's .bib, CSL-JSON or Zotero file) keeps every value it has:
    the source fills what it lacks, completes an author list that was cut short, and turns a
    preprint into its published version (the venue fields together), never the reverse."""
    merged = found.copy(
        key=entry.key,
        origin=entry.origin,
        asked_as=entry.asked_as or entry.named_by(),
        status="resolved",
        confidence=confidence,
        reason=reason,
        provenance=dict(found.provenance),
        extra=entry.extra,
        markup=entry.markup,
        input_form=entry.input_form,
        input_type=entry.input_type,
        raw=entry.raw,
        raw_type=entry.raw_type,
        dialect=entry.dialect,
        curated=entry.curated,
    )
    _merge_tables(entry, found, merged)
    upgrade = entry.curated and not is_published(entry) and is_published(found)
    for name in DATA_FIELDS:
        mine = getattr(entry, name)
        theirs = getattr(merged, name)
        if entry.curated and mine in (None, [], "", False):
            if theirs not in (None, [], "", False) and not _fills(entry, found, name):
                setattr(merged, name, getattr(entry, name))  # not the source's to add
                merged.provenance.pop(name, None)
            continue
        if mine in (None, [], "", False):
            continue
        if entry.curated:
            if name in ("authors", "et_al") and fuller_authors(entry, found):
                continue
            if upgrade and name in VENUE_FIELDS:
                continue
        elif theirs not in (None, [], ""):
            continue
        setattr(merged, name, mine)
        merged.provenance[name] = entry.provenance.get(name, "input")
    if entry.arxiv_version and merged.arxiv_id == entry.arxiv_id:
        merged.arxiv_version = entry.arxiv_version  # the user cited a version: keep it
    return merged


def unresolved(entry: Record, reason: str, status: Status = "unresolved") -> Record:
    return entry.copy(
        status=status, confidence=None, reason=reason, asked_as=entry.asked_as or entry.named_by()
    )


def same_work(preprint: Record, published: Record) -> bool:
    """Is `published` the published version of `preprint`? Titles may change on publication,
    so authors must agree and either the title or the DOI must."""
    if preprint.doi and published.doi and preprint.doi.lower() == published.doi.lower():
        return True
    mine, theirs = _families(preprint), _families(published)
    if not mine or not theirs or len(mine & theirs) / len(mine) < 0.5:
        return False
    if preprint.year and published.year and published.year < preprint.year:
        return False
    return similarity(preprint.title or "", published.title or "") >= ACCEPT


PUBLISHED_FIELDS = ("type", "title", "container_title", "volume", "issue", "page", "publisher",
                    "doi", "issued", "url")  # fmt: skip


def awaits_venue(record: Record) -> bool:
    """A resolved arXiv paper with no venue yet: its published version is worth looking for."""
    return record.status == "resolved" and bool(record.arxiv_id) and not record.container_title


def lacks_doi(record: Record) -> bool:
    """A user's published entry without its DOI: the published record may supply it."""
    return (
        record.status == "resolved" and record.curated and is_published(record) and not record.doi
    )


def with_doi(record: Record, published: Record) -> Record:
    """The user's published entry, with the DOI (and pages, volume, issue, publisher where it
    has none) of the published record of the same work and year; nothing of its own replaced."""
    out = record.copy(provenance=dict(record.provenance))
    for name in ("doi", "page", "volume", "issue", "publisher"):
        value = getattr(published, name)
        if value and not getattr(out, name):
            setattr(out, name, value)
            out.provenance[name] = published.provenance.get(name, "published")
    out.reason = f"{record.reason}; DOI of the published version"
    return out


def with_published(record: Record, published: Record) -> Record:
    """The published version's venue, DOI, pages and date; the arXiv facts kept as eprint.
    A curated entry keeps its own title, URL and (unless cut short) authors."""
    out = record.copy(provenance=dict(record.provenance))
    if out.publisher == "arXiv":
        out.publisher = None  # the preprint server is not the publisher of the published paper
        out.provenance.pop("publisher", None)
    for name in PUBLISHED_FIELDS:
        value = getattr(published, name)
        if value in (None, "", []) or (
            record.curated and name in ("title", "url") and record.from_input(name)
        ):
            continue
        setattr(out, name, value)
        out.provenance[name] = published.provenance.get(name, "published")
    if (
        fuller_authors(record, published)
        if record.curated and record.from_input("authors")
        else len(published.authors) >= len(record.authors)
    ):
        out.authors, out.et_al = published.authors, False
        out.provenance["authors"] = published.provenance.get("authors", "published")
    out.reason = f"{record.reason}; published version {published.doi or published.container_title}"
    return out


def one_version(record: Record) -> Record:
    """A user's preprint entry whose published version was not found keeps no publisher DOI
    from a source: that DOI is the published version's, and with the preprint's year and venue
    it would mix two versions in one entry (arXiv's own DOI is written instead)."""
    if record.curated and awaits_venue(record) and record.doi and not record.from_input("doi"):
        record = record.copy(doi=None, provenance=dict(record.provenance))
        record.provenance.pop("doi", None)
    return record


def deduplicate(records: list[Record]) -> tuple[list[Record], list[str]]:
    """Keep the first of records naming the same paper (same arXiv id or DOI); report merges.

    Entries of a curated file are never merged away, each is some `\\cite` key of the user's:
    they are all kept, and the pair reported."""
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
        if first is not None and record.curated:
            messages.append(
                f"{record.origin}: {record.key!r} is the same paper as {first.key!r} "
                f"({first.origin}, {keys[0]}); both kept"
            )
        elif first is not None:
            messages.append(
                f"{record.origin}: same paper as {first.origin} ({keys[0]}); written once"
            )
            continue
        for key in keys:
            seen.setdefault(key, record)
        out.append(record)
    return out, messages
