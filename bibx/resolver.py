"""Find the one right record for each entry, or say plainly that there is none.

An entry with an arXiv id or DOI is looked up by it. An entry known only by its title is searched
in every source; each candidate is scored on the signals the entry offers (title, abstract,
authors, year) and the best is accepted only when it is both strong and clearly ahead of the
next. The thresholds and the figures behind them are in docs/decisions.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from bibx.errors import SourceError
from bibx.model import DATA_FIELDS, Record, Status
from bibx.sources import Source
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
        parts = [f"{k}={v:.2f}" for k, v in self.signals.items()]
        parts += [f"contradiction: {c}" for c in self.contradictions]
        return ", ".join(parts)


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
    if entry.abstract and candidate.abstract:
        # below the contradiction line the exact value does not matter, and rapidfuzz stops
        # early with a cutoff: most candidates' abstracts are far from the entry's
        abstract = result.signals["abstract"] = (
            fuzz.ratio(
                match_key(entry.abstract),
                match_key(candidate.abstract),
                score_cutoff=ABSTRACT_CONTRADICTS * 100,
            )
            / 100.0
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


def _identity(record: Record) -> str:
    return f"arxiv:{record.arxiv_id}" if record.arxiv_id else f"doi:{(record.doi or '').lower()}"


# The fields that say where and when a paper appeared: they change together, from one version
# to another, never one at a time (a preprint's month with a journal's year is neither).
VENUE_FIELDS = ("type", "container_title", "volume", "issue", "page", "publisher", "issued")


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
     "arxiv_updated", "categories", "journal_ref"}
)  # fmt: skip


def _fills(entry: Record, found: Record, name: str) -> bool:
    """May `found` fill the curated entry's empty field `name`?"""
    if name in PAPER_FIELDS:
        return True
    if is_published(entry):
        # a published record of another year may be another version (a journal extension of
        # a conference paper): its pages and volume are not the entry's
        return is_published(found) and (not entry.year or entry.year == found.year)
    if is_published(found):
        return True
    return name not in ("publisher", "type")  # a preprint server is no publisher


def merge(entry: Record, found: Record, confidence: float, reason: str) -> Record:
    """The found record, completed with what only the entry had; the entry's key is kept.

    A curated entry (from the user's .bib, CSL-JSON or Zotero file) keeps every value it has:
    the source fills what it lacks, completes an author list that was cut short, and turns a
    preprint into its published version (the venue fields together), never the reverse."""
    merged = found.copy(
        key=entry.key,
        origin=entry.origin,
        given=entry.given or entry.named_by(),
        status="resolved",
        confidence=confidence,
        reason=reason,
        provenance=dict(found.provenance),
        extra=entry.extra,
        markup=entry.markup,
        input_form=entry.input_form,
        input_type=entry.input_type,
        curated=entry.curated,
    )
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
        status=status, confidence=None, reason=reason, given=entry.given or entry.named_by()
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
    out.reason = f"{record.reason}; published version {published.doi}"
    return out


def _one_version(record: Record) -> Record:
    """A user's preprint entry whose published version was not found keeps no publisher DOI
    from a source: that DOI is the published version's, and with the preprint's year and venue
    it would mix two versions in one entry (arXiv's own DOI is written instead)."""
    if record.curated and awaits_venue(record) and record.doi and not record.from_input("doi"):
        record = record.copy(doi=None, provenance=dict(record.provenance))
        record.provenance.pop("doi", None)
    return record


@dataclass
class Resolver:
    sources: Sequence[Source]
    progress: Callable[[str], None] | None = None
    prefer: str = "published"  # or "preprint"
    errors: dict[str, SourceError] = field(default_factory=dict)  # source name -> last error

    def _note(self, source: Source, exc: SourceError) -> str:
        self.errors[source.name] = exc
        return f"{source.name}: {exc}"

    def _say(self, message: str) -> None:
        if self.progress:
            self.progress(message)

    def _by_id(self, entries: list[Record]) -> tuple[dict[int, Record], dict[int, list[str]]]:
        """Batch look-ups of every id in every source: entry index -> record found."""
        found: dict[int, Record] = {}
        failures: dict[int, list[str]] = {}
        arxiv_ids = sorted({e.arxiv_id for e in entries if e.arxiv_id})
        dois = sorted({e.doi for e in entries if e.doi and not e.arxiv_id})
        by_arxiv: dict[str, Record] = {}
        by_doi: dict[str, Record] = {}
        problems: list[str] = []
        for source in self.sources:
            try:
                missing = [i for i in arxiv_ids if i not in by_arxiv]
                if missing:
                    by_arxiv.update(source.lookup_arxiv(missing))
                missing = [d for d in dois if d.lower() not in by_doi]
                if missing:
                    by_doi.update({k.lower(): v for k, v in source.lookup_doi(missing).items()})
            except SourceError as exc:
                problems.append(self._note(source, exc))
        for index, entry in enumerate(entries):
            if entry.arxiv_id and entry.arxiv_id in by_arxiv:
                found[index] = by_arxiv[entry.arxiv_id]
            elif entry.doi and entry.doi.lower() in by_doi:
                found[index] = by_doi[entry.doi.lower()]
            elif problems and (entry.arxiv_id or entry.doi):
                failures[index] = problems
        return found, failures

    def _gather(
        self,
        jobs: list[tuple[Source, list[int]]],
        entries: list[Record],
        batched: bool,
        candidates: dict[int, list[Record]],
        problems: dict[int, list[str]],
    ) -> None:
        """Ask each source for candidates for its entries, each source in its own thread."""

        def ask(job: tuple[Source, list[int]]) -> list[list[Record] | SourceError]:
            source, indexes = job
            # a batching source asked again (retry) searches harder, in smaller groups
            retry = not batched and source.batched_search
            return source.search_many([entries[i] for i in indexes], retry=retry)

        jobs = [(source, indexes) for source, indexes in jobs if indexes]
        if not jobs:
            return
        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            answers = list(pool.map(ask, jobs))
        for (source, indexes), answer in zip(jobs, answers, strict=True):
            for index, result in zip(indexes, answer, strict=True):
                if isinstance(result, SourceError):
                    problems[index].append(self._note(source, result))
                else:
                    candidates[index].extend(result)

    def _decide(self, entry: Record, candidates: list[Record], problems: list[str]) -> Record:
        unique: dict[str, Record] = {}
        for candidate in candidates:
            unique.setdefault(_identity(candidate), candidate)
        if not unique:
            why = "; ".join(dict.fromkeys(problems)) or "no candidate found in any source"
            return unresolved(entry, why)
        scored = sorted(
            ((score(entry, c), c) for c in unique.values()),
            key=lambda pair: pair[0].confidence,
            reverse=True,
        )
        best_score, best = scored[0]
        if best_score.confidence < ACCEPT:
            extra = f"; {'; '.join(dict.fromkeys(problems))}" if problems else ""
            own = f"arXiv id {entry.arxiv_id}" if entry.arxiv_id else f"DOI {entry.doi}"
            if entry.arxiv_id or entry.doi:
                extra = f"; its {own} was not found in any source{extra}"
            return unresolved(
                entry,
                f"no candidate is close enough (best {best_score.confidence:.2f} < {ACCEPT}: "
                f"{best.title!r}, {best_score.describe()}){extra}",
            )
        # several records of the same paper (arXiv and its Crossref version) are not rivals;
        # only the strongest rival matters, so stop at the first (scored is sorted)
        rival = next(
            ((s, c) for s, c in scored[1:] if not same_work(best, c) and not same_work(c, best)),
            None,
        )
        if rival is not None:
            second_score, second = rival
            if second_score.confidence >= ACCEPT and (
                best_score.confidence - second_score.confidence < MARGIN
            ):
                return unresolved(
                    entry,
                    f"ambiguous: {best.title!r} ({_identity(best)}, {best_score.confidence:.2f}) "
                    f"and {second.title!r} ({_identity(second)}, {second_score.confidence:.2f})",
                    status="ambiguous",
                )
        if not best.arxiv_id:  # prefer the arXiv record of the paper when it is among the top
            twin = next((c for s, c in scored[1:] if c.arxiv_id and same_work(c, best)), None)
            if twin is not None:
                best = twin
        reason = f"title search: {best_score.describe()}"
        given = entry.arxiv_id or entry.doi
        if given and given.lower() not in ((best.arxiv_id or "").lower(), (best.doi or "").lower()):
            reason += f"; the entry's own {given} was not found"
        return merge(entry, best, best_score.confidence, reason)

    def resolve(self, entries: list[Record]) -> list[Record]:
        by_id, id_failures = self._by_id(entries)
        out: dict[int, Record] = {}
        searched: list[int] = []
        for index, entry in enumerate(entries):
            if index in by_id:
                out[index] = self._check_identity(entry, by_id[index])
            elif (entry.arxiv_id or entry.doi) and not entry.title:
                what = f"arXiv id {entry.arxiv_id}" if entry.arxiv_id else f"DOI {entry.doi}"
                why = "; ".join(id_failures.get(index, [])) or "not found in any source"
                out[index] = unresolved(entry, f"{what}: {why}")
            elif entry.title:
                searched.append(index)
            else:
                out[index] = unresolved(entry, "entry has no title, arXiv id or DOI")
        candidates: dict[int, list[Record]] = {i: [] for i in range(len(entries))}
        problems: dict[int, list[str]] = {i: [] for i in range(len(entries))}

        def open_entries() -> list[int]:
            return [i for i in searched if i not in out or out[i].status == "unresolved"]

        def decide(indexes: list[int]) -> None:
            for i in indexes:
                out[i] = self._decide(entries[i], candidates[i], problems[i])

        # Local sources first; the services only for what they leave open, and the services
        # that know published versions also for papers resolved without a venue.
        local = [s for s in self.sources if s.local]
        remote = [s for s in self.sources if not s.local]
        for tier in (local, remote):
            todo = open_entries()
            if tier and todo:
                names = ", ".join(s.name for s in tier)
                self._say(f"searching {len(todo)} titles in {names}")
            venue_less = [i for i in searched if i not in todo and not out[i].container_title]
            jobs = [(s, todo + venue_less if s.publishes else todo) for s in tier]
            self._gather(jobs, entries, True, candidates, problems)
            decide(todo)
        # A request shared by several titles may have crowded a paper out: ask those alone.
        batched = [s for s in self.sources if s.batched_search]
        todo = open_entries()
        if batched and todo:
            self._gather([(s, todo) for s in batched], entries, False, candidates, problems)
            decide(todo)
        final = [out[i] for i in range(len(entries))]
        if self.prefer == "published":
            self._say("looking for published versions")
            final = self._published(final, candidates)
        return [_one_version(r) for r in final]

    def _published(self, records: list[Record], seen: dict[int, list[Record]]) -> list[Record]:
        """Swap in the published version where one exists (venue, publisher DOI, pages)."""
        wanted = sorted({r.doi for r in records if r.doi and awaits_venue(r)})
        published: dict[str, Record] = {
            c.doi.lower(): c
            for found in seen.values()
            for c in found
            if c.doi and c.container_title and not c.arxiv_id
        }  # a search may already have brought the published record: no need to ask again
        for source in self.sources:
            missing = [d for d in wanted if d.lower() not in published]
            if not missing:
                break
            try:
                found = source.lookup_doi(missing)
            except SourceError as exc:
                self._note(source, exc)
                continue
            published.update({k.lower(): v for k, v in found.items() if v.container_title})
        # papers known by id alone, and a user's published entries without their DOI: search
        # the services that know published versions
        unsearched = [
            i
            for i, r in enumerate(records)
            if (awaits_venue(r) and not r.doi and not seen.get(i))
            or (lacks_doi(r) and not any(c.doi and not c.arxiv_id for c in seen.get(i, [])))
        ]
        publishers = [s for s in self.sources if s.publishes]
        if unsearched and publishers:
            seen = {i: list(seen.get(i, [])) for i in range(len(records))}
            ignored: dict[int, list[str]] = {i: [] for i in range(len(records))}
            self._gather([(s, unsearched) for s in publishers], records, False, seen, ignored)
        out = []
        for index, record in enumerate(records):
            if lacks_doi(record):
                version = next(
                    (c for c in seen.get(index, []) if not c.arxiv_id and c.doi
                     and is_published(c) and c.year == record.year and same_work(record, c)),
                    None,
                )  # fmt: skip
                out.append(with_doi(record, version) if version is not None else record)
                continue
            if not awaits_venue(record):
                out.append(record)
                continue
            version = published.get((record.doi or "").lower())
            if version is None:
                version = next(
                    (c for c in seen.get(index, []) if not c.arxiv_id and c.container_title
                     and c.type != "article" and same_work(record, c)),
                    None,
                )  # fmt: skip
            out.append(with_published(record, version) if version is not None else record)
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
