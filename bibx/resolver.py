"""Find the one right record for each entry, or say plainly that there is none.

An entry with an arXiv id or DOI is looked up by it (in batches). An entry known by its title is
searched: local sources first, the services only for what those leave open, a batching service
asked again for entries a shared request left open. Each candidate is scored and the best is
accepted only when it is both strong and clearly ahead of the next (`bibx/match.py`). Then, by
default, the published version of each resolved preprint is looked for.

Each entry travels as one `Case` (entry, candidates, problems, outcome), as manubot's `CiteKey`
carries one citation from its input id to its CSL item.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from bibx.errors import SourceError
from bibx.ids import SCHEMES
from bibx.match import (
    ACCEPT,
    ID_TITLE_MISMATCH,
    MARGIN,
    awaits_venue,
    identity,
    is_published,
    lacks_doi,
    merge,
    one_version,
    same_work,
    score,
    similarity,
    unresolved,
    with_doi,
    with_published,
)
from bibx.model import Record
from bibx.progress import Plan, Progress
from bibx.sources import Source


@dataclass
class Case:
    """One entry on its way through the resolver."""

    entry: Record
    outcome: Record | None = None
    candidates: list[Record] = field(default_factory=list)
    venues: list[Record] = field(default_factory=list)  # from venue-only sources: never decide
    problems: list[str] = field(default_factory=list)
    searched: bool = False  # known by its title: its candidates come from searches
    asked: set[str] = field(default_factory=set)  # sources that searched for it already
    found: Record | None = None  # the source's record accepted for it, before any merging
    published: Record | None = None  # the published version swapped in, if any

    @property
    def open(self) -> bool:
        """Searched and not settled yet (ambiguous counts as settled: asking more won't help)."""
        return self.searched and (self.outcome is None or self.outcome.status == "unresolved")

    @property
    def result(self) -> Record:
        assert self.outcome is not None, "every case is decided before the resolver returns"
        return self.outcome


@dataclass
class Resolver:
    sources: Sequence[Source]
    progress: Progress = field(default_factory=Progress)
    prefer: str = "published"  # or "preprint"
    errors: dict[str, SourceError] = field(default_factory=dict)  # source name -> last error

    def _note(self, source: Source, exc: SourceError) -> str:
        self.errors[source.name] = exc
        return f"{source.name}: {exc}"

    def _say(self, message: str, plan: Plan | None = None) -> None:
        self.progress.stage(message)
        if plan:
            self.progress.planned(plan)

    def _settled(self, cases: list[Case]) -> None:
        done = sum(c.outcome is not None and not c.open for c in cases)
        self.progress.settled(done, len(cases))

    def _looking_up(self, source: Source, count: int, what: str) -> None:
        """A stage line and plan for a look-up of `count` ids that sends requests; nothing for
        a file, or a source that does not look such ids up (its plan is empty)."""
        arxiv = what == "arXiv id"
        requests, seconds = source.plan(arxiv_ids=count if arxiv else 0, dois=0 if arxiv else count)
        if requests:
            plural = "s" if count != 1 else ""
            self._say(f"looking up {count} {what}{plural} in {source.name}",
                      {source.name: (requests, seconds)})  # fmt: skip

    @staticmethod
    def _plan(jobs: list[tuple[Source, list[Case]]]) -> Plan:
        """What asking each source about its cases' titles costs at least."""
        plan: Plan = {}
        for source, asked in jobs:
            requests, seconds = source.plan(titles=len(asked))
            if requests:
                plan[source.name] = (requests, seconds)
        return plan

    def resolve(self, entries: list[Record]) -> list[Record]:
        return [one_version(c.result) for c in self.resolve_cases(entries)]

    def resolve_cases(self, entries: list[Record]) -> list[Case]:
        """Every entry's case, decided: what was accepted for it, from which records, and why
        (`bibx check` compares the entry with the records themselves, not with the merge)."""
        cases = [Case(entry) for entry in entries]
        self._by_id(cases)
        self._settled(cases)
        # Local sources first; the services only for what they leave open, and the services
        # that know published versions also for papers resolved without a venue.
        general = [s for s in self.sources if s.searches and not s.venue_only and not s.kinds]
        local = [s for s in general if s.local]
        remote = [s for s in general if not s.local]
        # a live source of venues is asked by title alongside the others (its requests overlap
        # theirs); by id, once the papers are known (`_published`)
        venues = [s for s in self.sources if s.venue_only and not s.local]
        for tier in (local, remote):
            todo = [c for c in cases if c.open]
            venue_less = [
                c for c in cases if c.searched and not c.open and not c.result.container_title
            ]
            jobs = [(s, todo + venue_less if s.publishes else todo) for s in tier]
            if tier is remote and tier and self.prefer == "published":
                jobs += [(s, [c for c in cases if c.searched]) for s in venues]
            if tier and todo:
                self._say(
                    f"searching {len(todo)} title{'s' * (len(todo) != 1)} in {_names(tier)}",
                    self._plan(jobs),
                )
            self._gather(jobs, batched=True)
            self._decide_all(todo)
            self._settled(cases)
        # A request shared by several titles may have crowded a paper out: ask those alone.
        batching = [s for s in self.sources if s.batched_search and not s.venue_only]
        todo = [c for c in cases if c.open]
        if batching and todo:
            said = f"asking again for {len(todo)} open title{'s' * (len(todo) != 1)}"
            self._round(said + _offline(batching), [(s, todo) for s in batching], todo, cases)
        self._by_kind(cases)
        if self.prefer == "published":
            self._published(cases)
        return cases

    def _by_kind(self, cases: list[Case]) -> None:
        """The sources of particular kinds of work (books, software, datasets, PubMed's
        articles), for the titles the paper sources left open that may be of their kinds."""
        special = [s for s in self.sources if s.kinds and s.searches and not s.venue_only]
        todo = [c for c in cases if c.open]
        jobs = [(s, [c for c in todo if of_kind(c.entry, s.kinds)]) for s in special]
        jobs = [(s, asked) for s, asked in jobs if asked]
        if not jobs:
            return
        asked = [c for c in todo if any(c in a for _, a in jobs)]
        said = f"searching {len(asked)} open title{'s' * (len(asked) != 1)} in "
        self._round(said + _names([s for s, _ in jobs]), jobs, asked, cases)

    def _round(
        self, said: str, jobs: list[tuple[Source, list[Case]]], asked: list[Case], cases: list[Case]
    ) -> None:
        """One more round of searches, each title alone: said, asked, decided, counted."""
        self._say(said, self._plan(jobs))
        self._gather(jobs, batched=False)
        self._decide_all(asked)
        self._settled(cases)

    def _by_id(self, cases: list[Case]) -> None:
        """Batch look-ups of every id in every source; decides the cases known by id only."""
        arxiv_ids = sorted({c.entry.arxiv_id for c in cases if c.entry.arxiv_id})
        dois = sorted({c.entry.doi for c in cases if c.entry.doi and not c.entry.arxiv_id})
        by_arxiv: dict[str, Record] = {}
        by_doi: dict[str, Record] = {}
        problems: list[str] = []
        for source in self.sources:
            try:
                missing = [i for i in arxiv_ids if i not in by_arxiv]
                if missing:
                    self._looking_up(source, len(missing), "arXiv id")
                    by_arxiv.update(source.lookup_arxiv(missing))
                missing = [d for d in dois if d.lower() not in by_doi]
                if missing:
                    self._looking_up(source, len(missing), "DOI")
                    by_doi.update({k.lower(): v for k, v in source.lookup_doi(missing).items()})
            except SourceError as exc:
                problems.append(self._note(source, exc))
        by_other = self._by_other_ids(cases, problems)
        # said of an id no source had: which files were searched (the asked services say
        # their own, offline or not)
        searched = [f"not in {s.name}" for s in self.sources if s.local and not s.venue_only]
        for case in cases:
            entry = case.entry
            found = (by_arxiv.get(entry.arxiv_id) if entry.arxiv_id else None) or (
                by_doi.get(entry.doi.lower()) if entry.doi else None
            )
            other = None if found or entry.arxiv_id or entry.doi else _other_id(entry)
            if other is not None:
                found = by_other.get(other)
            if found is not None:
                case.outcome = self._check_identity(entry, found, other[0] if other else None)
                case.found = found if case.outcome.status == "resolved" else None
            elif other is not None and not entry.title:
                why = "; ".join(searched + problems) or "not found in any source"
                case.outcome = unresolved(entry, f"{other[0]} {other[1]}: {why}")
            elif (entry.arxiv_id or entry.doi) and not entry.title:
                what = f"arXiv id {entry.arxiv_id}" if entry.arxiv_id else f"DOI {entry.doi}"
                why = "; ".join(searched + problems) or "not found in any source"
                case.outcome = unresolved(entry, f"{what}: {why}")
            elif entry.title:
                case.searched = True
            else:
                case.outcome = unresolved(entry, "entry has no title, arXiv id or DOI")

    def _gather(
        self,
        jobs: list[tuple[Source, list[Case]]],
        *,
        batched: bool,
        query: Callable[[Case], Record] = lambda case: case.entry,
        keep_problems: bool = True,
    ) -> None:
        """Ask each source for candidates for its cases, each source in its own thread."""

        def ask(job: tuple[Source, list[Case]]) -> list[list[Record] | SourceError]:
            source, asked = job
            # a batching source asked again (retry) searches harder, in smaller groups
            retry = not batched and source.batched_search
            return source.search_many([query(c) for c in asked], retry=retry)

        jobs = [(source, asked) for source, asked in jobs if asked]
        if not jobs:
            return
        with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
            answers = list(pool.map(ask, jobs))
        for (source, asked), answer in zip(jobs, answers, strict=True):
            for case, result in zip(asked, answer, strict=True):
                case.asked.add(source.name)
                if isinstance(result, SourceError):
                    note = self._note(source, result)
                    if keep_problems:
                        case.problems.append(note)
                elif source.venue_only:
                    case.venues.extend(result)
                else:
                    case.candidates.extend(result)

    def _decide_all(self, cases: list[Case]) -> None:
        for case in cases:
            case.outcome, case.found = self.decide(case.entry, case.candidates, case.problems)

    def decide(
        self, entry: Record, candidates: list[Record], problems: list[str]
    ) -> tuple[Record, Record | None]:
        """The entry's outcome among `candidates`, and the candidate accepted (None if none)."""
        unique: dict[str, Record] = {}
        for candidate in candidates:
            unique.setdefault(identity(candidate), candidate)
        if not unique:
            why = "; ".join(dict.fromkeys(problems)) or "no candidate found in any source"
            return unresolved(entry, why), None
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
                f"no candidate is close enough (the closest, {best.title!r}, scores "
                f"{best_score.confidence:.0%} where {ACCEPT:.0%} is needed: "
                f"{best_score.describe()}){extra}",
            ), None
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
                    f"ambiguous: {best.title!r} ({identity(best)}, {best_score.confidence:.2f}) "
                    f"and {second.title!r} ({identity(second)}, {second_score.confidence:.2f})",
                    status="ambiguous",
                ), None
        if not best.arxiv_id:  # prefer the arXiv record of the paper when it is among the top
            twin = next((c for s, c in scored[1:] if c.arxiv_id and same_work(c, best)), None)
            if twin is not None:
                best = twin
        reason = f"title search: {best_score.describe()}"
        given = entry.arxiv_id or entry.doi
        if given and given.lower() not in ((best.arxiv_id or "").lower(), (best.doi or "").lower()):
            reason += f"; the entry's own {given} was not found"
        return merge(entry, best, best_score.confidence, reason), best

    def _published(self, cases: list[Case]) -> None:
        """Swap in the published version where one exists (venue, publisher DOI, pages), and
        give a user's published entry without a DOI the DOI of its published record."""
        wanted = sorted({c.result.doi for c in cases if c.result.doi and awaits_venue(c.result)})
        # a search may already have brought the published record: no need to ask again; a
        # DOI's own source (Crossref) wins over a source of venues (dblp) for the same DOI
        published: dict[str, Record] = {}
        for c in [r for case in cases for r in case.candidates] + [
            r for case in cases for r in case.venues
        ]:
            if c.doi and c.container_title and not c.arxiv_id:
                published.setdefault(c.doi.lower(), c)
        for source in self.sources:
            missing = [d for d in wanted if d.lower() not in published]
            if not missing:
                break
            self._looking_up(source, len(missing), "published DOI")
            try:
                found = source.lookup_doi(missing)
            except SourceError as exc:
                self._note(source, exc)
                continue
            published.update({k.lower(): v for k, v in found.items() if v.container_title})
        # papers known by id alone, and a user's published entries without their DOI: search
        # the services that know published versions
        unsearched = [
            c
            for c in cases
            if (awaits_venue(c.result) and not c.result.doi and not c.candidates)
            or (lacks_doi(c.result) and not any(r.doi and not r.arxiv_id for r in c.candidates))
        ]
        publishers = [
            s
            for s in self.sources
            if s.publishes and not s.venue_only and s.searches and not s.kinds
        ]
        if unsearched and publishers:
            jobs = [(s, unsearched) for s in publishers]
            self._say(f"searching {len(unsearched)} published version"
                      f"{'s' * (len(unsearched) != 1)}{_offline(publishers)}",
                      self._plan(jobs))  # fmt: skip
            self._gather(
                jobs,
                batched=False,
                query=lambda case: case.result,
                keep_problems=False,
            )
        self.upgrade(cases, published)
        # what is still without a venue: the sources of venues that have no DOI (dblp)
        venue_only = [s for s in self.sources if s.venue_only]
        still = [c for c in cases if awaits_venue(c.result)]
        if venue_only and still:
            works = len({c.result.arxiv_id or c.result.doi or id(c) for c in still})
            self._say(f"looking for the venues of {works} paper{'s' * (works != 1)} in "
                      f"{_names(venue_only)}",
                      self._plan([(s, still) for s in venue_only]))  # fmt: skip
            for batched in (True, False):  # shared requests first, then one by one
                jobs = [
                    (s, [c for c in still if awaits_venue(c.result) and s.name not in c.asked])
                    for s in venue_only
                    if batched or s.batched_search
                ]
                self._gather(
                    jobs, batched=batched, query=lambda case: case.result, keep_problems=False
                )
                self.upgrade(still, {})

    def upgrade(self, cases: list[Case], published: dict[str, Record] | None = None) -> None:
        """Each case's published version, from `published` (by DOI) or its candidates."""
        for case in cases:
            record = case.result
            found = case.candidates + case.venues
            if lacks_doi(record):
                version = next(
                    (c for c in found if not c.arxiv_id and c.doi and is_published(c)
                     and c.year == record.year and same_work(record, c)),
                    None,
                )  # fmt: skip
                if version is not None:
                    case.outcome = with_doi(record, version)
                    case.published = version
            elif awaits_venue(record):
                version = (published or {}).get((record.doi or "").lower()) or next(
                    (c for c in found if not c.arxiv_id and c.container_title
                     and c.type != "article" and same_work(record, c)),
                    None,
                )  # fmt: skip
                if version is not None:
                    case.outcome = with_published(record, version)
                    case.published = version

    def _by_other_ids(
        self, cases: list[Case], problems: list[str]
    ) -> dict[tuple[str, str], Record]:
        """Look-ups by the other identifier schemes (ISBN, PubMed id), each in the sources that
        declare it, for the entries that have no arXiv id or DOI: {(scheme, id): record}."""
        wanted: dict[str, set[str]] = {}
        for case in cases:
            entry = case.entry
            other = None if entry.arxiv_id or entry.doi else _other_id(entry)
            if other is not None:
                wanted.setdefault(other[0], set()).add(other[1])
        found: dict[tuple[str, str], Record] = {}
        for scheme, ids in wanted.items():
            for source in self.sources:
                missing = sorted(i for i in ids if (scheme, i) not in found)
                if not missing or scheme not in source.schemes:
                    continue
                try:
                    self._looking_up(source, len(missing), scheme.upper())
                    for key, record in source.lookup_ids(scheme, missing).items():
                        found[(scheme, key)] = record
                except SourceError as exc:
                    problems.append(self._note(source, exc))
        return found

    def _check_identity(self, entry: Record, found: Record, scheme: str | None = None) -> Record:
        """An id names one record; a title given beside it must not contradict it."""
        how = scheme.upper() if scheme else "arXiv id" if entry.arxiv_id else "DOI"
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


def of_kind(entry: Record, kinds: frozenset[str]) -> bool:
    """Whether an entry may be of these kinds: its form states one of them, or states none
    (a line of a list or a reference string is typed "article" only by default); an entry
    with an arXiv id is a paper, whatever its form says."""
    if entry.arxiv_id:
        return False
    return entry.input_type is None or entry.type in kinds


def _offline(sources: list[Source]) -> str:
    """Said of live services asked offline: only their cached answers are read."""
    live = [s for s in sources if not s.local]
    if live and all(getattr(getattr(s, "http", None), "offline", False) for s in live):
        return " (offline: cached answers only)"
    return ""


def _names(sources: list[Source]) -> str:
    """The sources a stage asks, a live service named as offline when it is."""
    return ", ".join(s.name for s in sources) + _offline(sources)


def _other_id(entry: Record) -> tuple[str, str] | None:
    """The entry's identifier of another scheme (ISBN, PubMed id, PMC id), normalised, if any:
    ("isbn", "9780262035613")."""
    for scheme, variable, parse in SCHEMES:
        value = entry.vars.get(variable)
        if not value:
            continue
        normal = parse(value) or parse(f"{scheme}:{value}")
        if normal:
            return scheme, normal
    return None
