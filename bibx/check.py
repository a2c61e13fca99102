"""`bibx check`: for every reference, is it a real work, and does the entry agree with it?

Each entry gets one verdict (worst first):

- **not-found**: no source knows a work by this title (nor by the entry's ids);
- **disagrees**: the work was found, but the entry contradicts its record: each difference is
  named with both values;
- **could-not-check**: a source failed, two works match equally, or the entry gives too little;
- **verified**: found, and everything the entry says agrees with a version of the work.

The work is found by the resolver's own trust rules (a title must match closely and be clearly
ahead of the next candidate), so "verified" is never said of another paper. An entry is
compared with every version found (the preprint and its published version): a difference
between the versions (a title changed on publication, an author added, the venue's year) is
not the entry's fault and is only noted. See docs/decisions.md for the figures.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from bibx.errors import BibxError, NotCached
from bibx.ids import issued_from_arxiv_id, preprint_venue
from bibx.match import ACCEPT, is_published, same_work, similarity, title_similarity
from bibx.model import RETRACTIONS, Name, Record, Update
from bibx.resolver import Case, Resolver
from bibx.text import match_key, page_range
from bibx.vocab.venues import same_venue, venues_named

# worst first: a work taken back is worse than a wrong field
VERDICTS = ("retracted", "withdrawn", "not-found", "disagrees", "could-not-check", "verified")
# A family name this close to one of the record's (fuzz.ratio) is that author, misspelt.
NAME_TYPO = 75
# A title at least this close to the entry's is named as the nearest one when none matched.
NEAR = 0.6
# Kinds of work the sources (arXiv, Crossref, dblp) often lack: "not found" says so.
OUTSIDE = frozenset({"book", "thesis", "report", "webpage", "software", "manuscript", "dataset",
                     "post", "post-weblog", "motion_picture", "patent", "document"})  # fmt: skip
# Missing co-authors named one by one up to this many; the rest are counted.
NAMES_SHOWN = 4


@dataclass
class Difference:
    """One way the entry contradicts its record, with both values."""

    field: str
    entry: str
    record: str
    message: str


@dataclass
class Verdict:
    entry: Record
    verdict: str
    record: Record | None = None  # the work the entry was compared with (its first version)
    published: Record | None = None  # its published version, when one was found
    differences: list[Difference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    searched: list[str] = field(default_factory=list)  # sources asked

    notice: Update | None = None  # the retraction or withdrawal, when the work was taken back

    @property
    def versions(self) -> list[Record]:
        return [r for r in (self.record, self.published) if r is not None]

    @property
    def doi_asked(self) -> str | None:
        """The publisher DOI of the work found (its published version's), asked for notices."""
        for record in reversed(self.versions):
            if record.doi and not record.doi.lower().startswith("10.48550/"):
                return record.doi.lower()
        return None


def check(entries: Sequence[Record], resolver: Resolver) -> list[Verdict]:
    """One verdict per entry, in input order. Ids are looked up first (one batch); the title is
    searched only for entries whose ids did not already name a work with the entry's title."""
    by_id = _look_up_ids(entries, resolver)
    verdicts: dict[int, Verdict] = {}
    wanted: list[int] = []
    pending: dict[int, Case] = {}  # found by id as published; its preprint is searched for
    for i, entry in enumerate(entries):
        named = [c for c in by_id.get(i, []) if c.found is not None]
        agreeing = [c for c in named if _titles_agree(entry, c)]
        if agreeing or (named and not entry.title):
            case = (agreeing or named)[0]
            if entry.title and _lacks_preprint(entry, case):
                pending[i] = case
                wanted.append(i)
            else:
                verdicts[i] = _compare(entry, case, by_id.get(i, []))
        elif entry.title:
            wanted.append(i)
        elif not by_id.get(i):
            verdicts[i] = Verdict(
                entry, "could-not-check", notes=["the entry has no title, arXiv id or DOI"]
            )
        else:
            verdicts[i] = _not_found(entry, None, by_id[i])
    if wanted:
        cases = resolver.resolve_cases([_title_probe(entries[i]) for i in wanted])
        for i, case in zip(wanted, cases, strict=True):
            if i in pending:
                verdicts[i] = _compare(entries[i], _with_preprint(pending[i], case), by_id[i])
            else:
                verdicts[i] = _by_title(entries[i], case, by_id.get(i, []), resolver)
    out = [verdicts[i] for i in range(len(entries))]
    _notices(out, resolver)
    return out


# ---------------------------------------------------------------- retractions, corrections


def _notices(verdicts: list[Verdict], resolver: Resolver) -> None:
    """Each found work's notices: those its records carry (Crossref's `updated-by`, arXiv's
    withdrawal), and, for the DOIs whose records say nothing, those found from the notice's side
    (one request a batch). A retraction or withdrawal of any version (a preprint whose published
    version was retracted too) is the verdict; a correction or an expression of concern a note."""
    quiet = [
        v.doi_asked for v in verdicts if v.doi_asked and not any(r.updates for r in v.versions)
    ]
    found: dict[str, list[Update]] = {}
    for source in resolver.sources:
        try:
            for doi, said in source.notices([d for d in quiet if d]).items():
                found.setdefault(doi, []).extend(said)
        except NotCached:
            continue  # offline, never asked: nothing to say, as for any other look-up
        except BibxError as exc:
            for verdict in verdicts:
                if verdict.doi_asked:
                    verdict.notes.append(f"notices not checked ({source.name}: {exc})")
    for verdict in verdicts:
        updates = [u for r in verdict.versions for u in r.updates]
        updates += found.get(verdict.doi_asked or "", [])
        seen = set()
        for update in updates:
            if (update.kind, update.doi) in seen:
                continue
            seen.add((update.kind, update.doi))
            if update.kind in RETRACTIONS:
                verdict.verdict = "withdrawn" if update.kind == "withdrawal" else "retracted"
                verdict.notes.insert(0, f"{verdict.verdict}: {update.describe()}")
                verdict.notice = update
            else:
                verdict.notes.append(f"{update.kind.replace('_', ' ')}: {update.describe()}")


# ------------------------------------------------------------------------------ finding the work


def _look_up_ids(entries: Sequence[Record], resolver: Resolver) -> dict[int, list[Case]]:
    """Each entry's arXiv id and DOI, looked up on their own (no title beside them, so that a
    DOI of another paper is found as that paper, to be named)."""
    probes: list[tuple[int, Record]] = []
    for i, entry in enumerate(entries):
        if entry.arxiv_id:
            probes.append((i, Record(arxiv_id=entry.arxiv_id, origin=entry.origin)))
        if entry.doi and not _is_arxiv_doi(entry.doi):
            probes.append((i, Record(doi=entry.doi, origin=entry.origin)))
    out: dict[int, list[Case]] = {}
    if probes:
        cases = resolver.resolve_cases([p for _, p in probes])
        for (i, _), case in zip(probes, cases, strict=True):
            out.setdefault(i, []).append(case)
    return out


def _lacks_preprint(entry: Record, case: Case) -> bool:
    """Found by its DOI as a published paper, with none of its years the entry's: the entry may
    give its preprint's year, which only the preprint's record can confirm."""
    versions = _versions(case)
    return (
        bool(entry.year)
        and entry.year not in _years(versions)
        and not any(v.arxiv_id for v in versions)
    )


def _with_preprint(by_id: Case, by_title: Case) -> Case:
    """The published record found by id, with the preprint the title search found for it."""
    preprint, published = by_title.found, by_id.found
    assert published is not None
    if preprint is None or not preprint.arxiv_id:
        return by_id
    if not (same_work(preprint, published) or _doi(by_title.published) == _doi(published)):
        return by_id
    return Case(by_id.entry, found=preprint, published=published, asked=by_title.asked)


def _doi(record: Record | None) -> str:
    return (record.doi or "").lower() if record else ""


def _title_probe(entry: Record) -> Record:
    """What the title search is given: the entry's evidence without its ids (looked up apart),
    and its kind, so that only the sources of that kind of work are asked (an entry with an
    arXiv id is a paper, whatever its form says)."""
    return Record(
        type="article" if entry.arxiv_id else entry.type,
        input_type=(entry.input_type or "arxiv") if entry.arxiv_id else entry.input_type,
        title=entry.title,
        authors=entry.authors,
        et_al=entry.et_al,
        issued=entry.issued,
        abstract=entry.abstract,
        citation=entry.citation,
        origin=entry.origin,
    )


def _titles_agree(entry: Record, case: Case) -> bool:
    return not entry.title or any(
        title_similarity(entry.title, v.title or "") >= ACCEPT for v in _versions(case)
    )


def _versions(case: Case) -> list[Record]:
    return [r for r in (case.found, case.published) if r is not None]


def _by_title(entry: Record, case: Case, id_cases: list[Case], resolver: Resolver) -> Verdict:
    if case.found is None and case.outcome and case.outcome.status == "unresolved":
        # the entry's authors or year may have kept the true paper out (an invented author is
        # a contradiction to the resolver): decide on the title alone, then name what differs
        alone = Record(title=entry.title, abstract=entry.abstract, origin=entry.origin)
        outcome, found = resolver.decide(alone, case.candidates, case.problems)
        if found is not None:  # `outcome` is then the merge upgrade() looks at
            case.outcome, case.found = outcome, found
            resolver.upgrade([case])
    if case.found is not None:
        return _compare(entry, case, id_cases)
    searched = sorted(case.asked)
    if case.outcome is not None and case.outcome.status == "ambiguous":
        return Verdict(
            entry, "could-not-check", notes=[case.outcome.reason or ""], searched=searched
        )
    if case.problems:
        notes = list(dict.fromkeys(case.problems))
        return Verdict(entry, "could-not-check", notes=notes, searched=searched)
    return _not_found(entry, case, id_cases)


def _not_found(entry: Record, case: Case | None, id_cases: list[Case]) -> Verdict:
    """Nothing matches the title. An id that names some other work makes it a disagreement
    (the entry's title against the work its DOI names); otherwise: not found."""
    searched = sorted(case.asked) if case else []
    for id_case in id_cases:
        if id_case.found is not None:
            what = _id_label(id_case.entry)
            verdict = Verdict(entry, "disagrees", record=id_case.found, searched=searched)
            verdict.published = id_case.published
            verdict.differences.append(
                Difference(
                    "title",
                    entry.title or "",
                    id_case.found.title or "",
                    f"title: the entry's {what} names {id_case.found.title!r}; no work "
                    f"titled {entry.title!r} was found",
                )
            )
            return verdict
    problems = [p for c in [*id_cases, *([case] if case else [])] for p in c.problems]
    if problems:
        return Verdict(entry, "could-not-check", notes=list(dict.fromkeys(problems)))
    asked = ", ".join(searched) or "every source"
    found = f"searched {asked}: no work with this title"
    nearest = max(
        case.candidates if case else [],
        key=lambda c: title_similarity(entry.title or "", c.title or ""),
        default=None,
    )
    if nearest is not None and title_similarity(entry.title or "", nearest.title or "") >= NEAR:
        found += f" (the nearest is {nearest.title!r})"
    notes = [found]
    unknown = [_id_label(c.entry) for c in id_cases if c.found is None]
    if unknown:
        notes.append(f"its {' and '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} "
                     "known to no source either")  # fmt: skip
    if entry.type in OUTSIDE:
        notes.append(
            f"a {entry.type.replace('-', ' ')} is often in none of the sources asked: check "
            "the reference, or its ISBN or DOI"
        )
    else:
        notes.append(
            "no source knows this work: check the reference (it may be misspelt, not yet "
            "indexed, or not exist)"
        )
    return Verdict(entry, "not-found", notes=notes, searched=searched)


# ------------------------------------------------------------------------------ comparing


def _compare(entry: Record, case: Case, id_cases: list[Case]) -> Verdict:
    """The entry against the work found for it (every version of it)."""
    record = case.found
    assert record is not None
    verdict = Verdict(entry, "verified", record=record, published=case.published)
    verdict.searched = sorted(case.asked)
    versions = verdict.versions
    for compare in (_title, _authors, _year, _venue, _details):
        compare(entry, versions, verdict)
    _ids(entry, versions, id_cases, verdict)
    if verdict.differences:
        verdict.verdict = "disagrees"
    published = verdict.published
    cites_preprint = not entry.container_title or preprint_venue(entry.container_title)
    if published is not None and cites_preprint:
        verdict.notes.append(f"published version: {_describe(published)}")
    return verdict


def _title(entry: Record, versions: list[Record], verdict: Verdict) -> None:
    if not entry.title:
        return
    # spaces aside: "Align²LLaVA" and "Align$^2$LLaVA" fold to "align2llava" and "align 2 llava";
    # a software's "(version 2.2.2)" (DataCite's titles) is its version, compared on its own
    keys = [match_key(_VERSIONED.sub("", v.title or "")).replace(" ", "") for v in versions]
    mine = match_key(entry.title).replace(" ", "")
    if mine in keys:
        if keys[0] != mine:
            verdict.notes.append(f"the preprint's title is {versions[0].title!r}")
        elif len(keys) > 1 and keys[1] != mine:
            verdict.notes.append(f"the published version's title is {versions[1].title!r}")
        return
    best = max(versions, key=lambda v: similarity(entry.title or "", v.title or ""))
    theirs = match_key(best.title or "").split()
    words = match_key(entry.title).split()
    if len(words) < len(theirs) and theirs[: len(words)] == words:
        message = f"title: the entry's title is cut short; the record's is {best.title!r}"
    else:
        wrong = [w for w in words if w not in theirs]
        spelt = [(w, _nearest(w, theirs)) for w in wrong]
        pairs = ", ".join(f"{w!r} is {t!r}" for w, t in spelt if fuzz.ratio(w, t) >= NAME_TYPO)
        message = f"title: entry {entry.title!r}, record {best.title!r}"
        if pairs:
            message += f" ({pairs} in the record)"
    verdict.differences.append(Difference("title", entry.title, best.title or "", message))


_VERSIONED = re.compile(r"\s*\((?:version|v)\s*[\w.\-]+\)\s*$", re.IGNORECASE)


def _nearest(word: str, words: list[str]) -> str:
    return max(words, key=lambda other: fuzz.ratio(word, other), default="")


def _family(name: Name) -> str:
    return match_key(name.family or name.literal or "")


def _same_person(mine: Name, theirs: Name) -> bool:
    """The same family name, or one name's family among the other's words (a given name and a
    family name swapped, a particle counted in or out: "Van Durme" and "Durme")."""
    a, b = _family(mine), _family(theirs)
    if not a or not b:
        return False
    return (
        a == b or a in match_key(theirs.display()).split() or b in match_key(mine.display()).split()
    )


def _author_differences(entry: Record, version: Record) -> list[Difference]:
    out: list[Difference] = []
    theirs = version.authors
    matched: list[int] = []  # index in theirs of each of the entry's authors that matched
    for name in entry.authors:
        at = next(
            (j for j, t in enumerate(theirs) if j not in matched and _same_person(name, t)), None
        )
        if at is not None:
            matched.append(at)
            continue
        near = max(
            (
                (j, fuzz.ratio(_family(name), _family(t)))
                for j, t in enumerate(theirs)
                if j not in matched
            ),
            key=lambda pair: pair[1],
            default=None,
        )
        if near is not None and near[1] >= NAME_TYPO and len(_family(name)) > 3:
            matched.append(near[0])
            right = theirs[near[0]].display()
            out.append(
                Difference(
                    "authors",
                    name.display(),
                    right,
                    f"authors: {name.display()!r} is spelt {right!r} in the record",
                )
            )
            continue
        family = name.family or name.literal or name.display()
        out.append(
            Difference(
                "authors",
                name.display(),
                "",
                f"authors: the entry has {name.display()!r}; the record has no {family}",
            )
        )
    missing = [t.display() for j, t in enumerate(theirs) if j not in matched]
    if missing and not entry.et_al:
        shown = ", ".join(missing[:NAMES_SHOWN])
        more = f" and {len(missing) - NAMES_SHOWN} more" if len(missing) > NAMES_SHOWN else ""
        label = "a co-author" if len(missing) == 1 else f"{len(missing)} co-authors"
        out.append(
            Difference(
                "authors",
                "",
                "; ".join(missing),
                f"authors: the entry lacks {label} the record has: {shown}{more}",
            )
        )
    if not out and matched != sorted(matched) and len(entry.authors) > 1:
        order = ", ".join(t.display() for t in theirs[: len(entry.authors)])
        out.append(
            Difference(
                "authors",
                ", ".join(n.display() for n in entry.authors),
                order,
                f"authors: the order differs; the record has {order}",
            )
        )
    return out


def _authors(entry: Record, versions: list[Record], verdict: Verdict) -> None:
    if not entry.authors:
        return
    found = [(_author_differences(entry, v), v) for v in versions if v.authors]
    if not found:
        return
    best, _ = min(found, key=lambda pair: len(pair[0]))
    if best:
        verdict.differences.extend(best)
    elif any(differences for differences, _ in found):
        verdict.notes.append("the versions' author lists differ; the entry agrees with one")


def _year_of(version: Record) -> int | None:
    """A version's year; an arXiv record's, when its date is not given, is its id's."""
    if version.year or not version.arxiv_id:
        return version.year
    assigned = issued_from_arxiv_id(version.arxiv_id)
    return assigned[0] if assigned else None


def _years(versions: list[Record]) -> set[int]:
    years = {v.year for v in versions if v.year}
    for version in versions:
        if version.arxiv_updated:
            years.add(version.arxiv_updated[0])
        if version.arxiv_id:
            assigned = issued_from_arxiv_id(version.arxiv_id)
            if assigned:
                years.add(assigned[0])
    return years


def _year(entry: Record, versions: list[Record], verdict: Verdict) -> None:
    years = _years(versions)
    if not entry.year or not years or entry.year in years:
        return
    if _names_unseen_published_version(entry, versions) and entry.year > max(years):
        # the entry cites the paper as published (its venue, or the DOI arXiv's record names
        # as the published version's), a year after the preprint: no contradiction, only a
        # version bibx did not see
        verdict.notes.append(
            f"year {entry.year} not checked: the published version was not looked up "
            "(offline, or no source holds it)"
        )
        return
    known = ", ".join(f"{_year_of(v)} ({_kind(v)})" for v in versions if _year_of(v))
    verdict.differences.append(
        Difference("year", str(entry.year), known, f"year: entry {entry.year}, record {known}")
    )


def _pages(text: str) -> tuple[str, str]:
    """A page range as (first, last): "314--320", "314–320", "e002376"."""
    parts = [p for p in page_range(text.strip().lower()).split("-") if p]
    return (parts[0], parts[-1]) if parts else ("", "")


def _number(text: str) -> str:
    """An edition or version as compared: "3rd" and "3" alike, "v2.2.2" and "2.2.2" alike."""
    text = text.strip().lower().removeprefix("version").strip().removeprefix("v")
    return re.sub(r"(?<=\d)(?:st|nd|rd|th)\b.*$", "", text).strip(" .")


def _details(entry: Record, versions: list[Record], verdict: Verdict) -> None:
    """A software's version, a book's edition, an article's volume and pages: each compared
    with the versions of the work that give it, when the entry gives it too."""
    checks: list[
        tuple[str, str | None, Callable[[Record], str | None], Callable[[str], object]]
    ] = [
        ("version", entry.vars.get("version"), lambda v: v.vars.get("version"), _number),
        ("edition", entry.vars.get("edition"), lambda v: v.vars.get("edition"), _number),
        ("volume", entry.volume, lambda v: v.volume, lambda t: t.strip().lower()),
        ("pages", entry.page, lambda v: v.page, _pages),
    ]
    for name, mine, of, key in checks:
        theirs = [t for t in (of(v) for v in versions) if t]
        if not mine or not theirs:
            continue
        if name == "pages":
            # the same first page, and the same last one unless the record gives only the first
            first, last = _pages(mine)
            if any(start == first and end in (last, first) for start, end in map(_pages, theirs)):
                continue
        elif key(mine) in {key(t) for t in theirs}:
            continue
        known = ", ".join(dict.fromkeys(theirs))
        verdict.differences.append(
            Difference(name, mine, known, f"{name}: entry {mine}, record {known}")
        )


def _names_unseen_published_version(entry: Record, versions: list[Record]) -> bool:
    """Does the entry name a published version, while only the preprint's record is at hand?"""
    if any(is_published(v) for v in versions):
        return False
    same_doi = bool(entry.doi) and any(
        v.doi and v.doi.lower() == (entry.doi or "").lower() for v in versions
    )
    return same_doi or is_published(entry)


def _venue(entry: Record, versions: list[Record], verdict: Verdict) -> None:
    venue = entry.container_title
    if not venue or preprint_venue(venue) is not None:
        return
    published = [v for v in versions if is_published(v) and v.container_title]
    if not published:
        verdict.notes.append(f"venue {venue!r} not confirmed: no published version was found")
        return
    answers = [same_venue(venue, v.container_title or "") for v in published]
    if True in answers:
        return
    if False in answers:
        theirs = published[answers.index(False)]
        said = f"{venue} {entry.year or ''}".strip()
        verdict.differences.append(
            Difference(
                "venue",
                venue,
                theirs.container_title or "",
                f"venue: entry says {said}, record says {_describe(theirs)}",
            )
        )
        return
    if similarity(venue, published[0].container_title or "") < ACCEPT:
        verdict.notes.append(
            f"venue {venue!r} not compared with the record's "
            f"{published[0].container_title!r} (a name bibx does not know)"
        )


def _ids(entry: Record, versions: list[Record], id_cases: list[Case], verdict: Verdict) -> None:
    """The entry's DOI and arXiv id against the work's; an id of another work is named."""
    dois = {(v.doi or "").lower() for v in versions} | {
        (v.arxiv_doi or "").lower() for v in versions
    }
    arxiv = {v.arxiv_id for v in versions if v.arxiv_id}
    for case in id_cases:
        probe = case.entry
        given, kind = (probe.arxiv_id, "arxiv") if probe.arxiv_id else (probe.doi, "doi")
        assert given is not None
        if (kind == "doi" and given.lower() in dois) or (kind == "arxiv" and given in arxiv):
            continue
        other = case.found
        if other is not None and any(same_work(other, v) or same_work(v, other) for v in versions):
            continue
        label = _id_label(probe)
        mine = verdict.versions[0]
        if other is not None:
            message = f"{kind}: {given} names {other.title!r}, another work"
            right = _own_id(versions, kind)
            if right:
                message += f"; this work's is {right}"
            verdict.differences.append(Difference(kind, given, other.title or "", message))
        elif case.problems:
            verdict.notes.append(f"{label} could not be looked up: {'; '.join(case.problems)}")
        elif _own_id(versions, kind):
            verdict.differences.append(
                Difference(
                    kind,
                    given,
                    _own_id(versions, kind) or "",
                    f"{kind}: {given} was found nowhere; this work's is {_own_id(versions, kind)}",
                )
            )
        else:
            verdict.notes.append(f"{label} not confirmed: no source knows it ({_kind(mine)})")


# ------------------------------------------------------------------------------ words


def _is_arxiv_doi(doi: str) -> bool:
    return doi.lower().startswith("10.48550/arxiv.")


def _id_label(probe: Record) -> str:
    return f"arXiv id {probe.arxiv_id}" if probe.arxiv_id else f"DOI {probe.doi}"


def _own_id(versions: list[Record], kind: str) -> str | None:
    for version in versions:
        if kind == "arxiv" and version.arxiv_id:
            return f"arXiv:{version.arxiv_id}"
        if kind == "doi" and version.doi:
            return f"doi:{version.doi}"
    return None


def _kind(record: Record) -> str:
    if is_published(record):
        return _short(record.container_title or "")
    return f"arXiv:{record.arxiv_id}" if record.arxiv_id else "record"


def _short(venue: str) -> str:
    names = sorted(venues_named(venue), key=len, reverse=True)
    return names[0] if names else venue


def _describe(record: Record) -> str:
    parts = [_short(record.container_title or "") or _kind(record), str(record.year or "")]
    if record.doi:
        parts.append(f"(doi:{record.doi})")
    return " ".join(p for p in parts if p)
