"""The one record type that flows through bibx.

A `Record` is shaped like a CSL-JSON item (the richest common bibliographic model), plus the arXiv
facts CSL has no field for, plus where each fact came from and how sure the match is. Readers make
records, sources return records, the resolver merges them, writers serialise them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal, NamedTuple

Status = Literal["input", "resolved", "ambiguous", "unresolved"]


@dataclass(frozen=True)
class Name:
    """A person (family/given) or a collective written as one `literal` ("Team GLM")."""

    family: str | None = None
    given: str | None = None
    literal: str | None = None
    suffix: str | None = None
    affiliation: str | None = None  # as arXiv gives it; CSL has no place for it

    def display(self) -> str:
        if self.literal:
            return self.literal
        return " ".join(p for p in (self.given, self.family, self.suffix) if p)

    def to_csl(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for key in ("family", "given", "literal", "suffix"):  # not affiliation: not CSL
            value = getattr(self, key)
            if value:
                out[key] = value
        return out

    @classmethod
    def from_csl(cls, data: dict[str, Any]) -> Name:
        def text(key: str) -> str | None:
            value = data.get(key)
            return str(value).strip() or None if value is not None else None

        family, given, literal = text("family"), text("given"), text("literal")
        if not family and not literal and given:
            # A name with only a given part is a single-field name; keep it whole.
            literal, given = given, None
        return cls(family=family, given=given, literal=literal, suffix=text("suffix"))


@dataclass(frozen=True)
class Date:
    """A CSL date: numeric parts (year, month, day), an optional end of a range, a season
    (1-4), `circa`, or the text as given when it is no date a program can read ("in press")."""

    parts: tuple[int, ...] = ()
    end: tuple[int, ...] = ()
    season: int | None = None
    circa: bool = False
    literal: str | None = None

    def to_csl(self) -> dict[str, Any]:
        if not self.parts:
            return {"literal": self.literal} if self.literal else {}
        out: dict[str, Any] = {
            "date-parts": [list(self.parts)] + ([list(self.end)] if self.end else [])
        }
        if self.season:
            out["season"] = self.season
        if self.circa:
            out["circa"] = True
        return out

    @classmethod
    def from_csl(cls, data: Any) -> Date | None:
        if not isinstance(data, dict):
            return None
        rows = data.get("date-parts")
        parts: list[tuple[int, ...]] = []
        if isinstance(rows, list):
            for row in rows[:2]:
                try:
                    numbers = tuple(int(p) for p in row if str(p).strip())
                except (TypeError, ValueError):
                    numbers = ()
                if numbers:
                    parts.append(numbers[:3])
        season = data.get("season")
        try:
            season_number = int(season) if season not in (None, "") else None
        except (TypeError, ValueError):
            season_number = None
        literal = data.get("literal") or data.get("raw")
        if not parts and not literal:
            return None
        return cls(
            parts=parts[0] if parts else (),
            end=parts[1] if len(parts) > 1 else (),
            season=season_number,
            circa=bool(data.get("circa")),
            literal=str(literal) if literal and not parts else None,
        )

    def iso(self) -> str:
        """EDTF as biblatex's `date` and Zotero read it: `2024-05-03`, `1997/2018`."""

        def one(parts: tuple[int, ...]) -> str:
            return "-".join(f"{p:02d}" if i else f"{p:04d}" for i, p in enumerate(parts))

        if not self.parts:
            return self.literal or ""
        return one(self.parts) + (f"/{one(self.end)}" if self.end else "")


# BibLaTeX's date (EDTF level 0/1 as biber reads it): 2024, 2024-05, 2024-05-03, a range with
# `/`, an open end, `~` circa, `?` uncertain, seasons 21-24
_ISO_PART = r"(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?([~?%]?)"
_ISO = re.compile(rf"{_ISO_PART}(?:/(?:{_ISO_PART}|\.\.)?)?")


def _iso_parts(groups: tuple[str | None, ...]) -> tuple[tuple[int, ...], int | None]:
    numbers = [int(g) for g in groups[:3] if g]
    season = None
    if len(numbers) > 1 and 21 <= numbers[1] <= 24:  # EDTF seasons: spring 21 .. winter 24
        season = numbers[1] - 20
        numbers = numbers[:1]
    return tuple(numbers), season


def read_date(text: str) -> Date | None:
    """An EDTF date (BibLaTeX's `date`, Zotero's ISO dates, `1997/2018`) as a Date; text
    that is no such date is kept as literal text."""
    text = text.strip()
    if not text:
        return None
    match = _ISO.fullmatch(text)
    if not match:
        return Date(literal=text)
    parts, season = _iso_parts(match.groups()[:3])
    end, _ = _iso_parts(match.groups()[4:7]) if match.group(5) else ((), None)
    if (len(parts) > 1 and not 1 <= parts[1] <= 12) or (len(end) > 1 and not 1 <= end[1] <= 12):
        return Date(literal=text)
    return Date(parts=parts, end=end, season=season, circa=match.group(4) == "~")


@dataclass(frozen=True)
class Attachment:
    """A file or link attached to an item, as Zotero keeps it: a stored or linked file (`path`,
    as the input gave it) or a link (`url`), with its title and MIME type."""

    title: str | None = None
    path: str | None = None
    url: str | None = None
    mime: str | None = None
    # Zotero's link modes: 0 imported file, 1 imported URL, 2 linked file, 3 linked URL
    mode: int = 2


@dataclass(frozen=True)
class Update:
    """A notice about a work: a retraction, a correction, an expression of concern (Crossref's
    `updated-by`/`update-to`, from the publisher or Retraction Watch), or arXiv's withdrawal."""

    kind: str  # Crossref's type: "retraction", "correction", "expression_of_concern", ...;
    # "withdrawal" for a withdrawn arXiv paper
    doi: str | None = None  # the notice's own DOI
    date: tuple[int, ...] | None = None
    source: str | None = None  # "retraction-watch", "publisher", "arxiv"
    label: str | None = None  # as the source words it ("Retraction", the withdrawal comment)

    def describe(self) -> str:
        """`retraction 10.1021/acsami.9b11759, 2019-07-26, Retraction Watch`"""
        parts = [self.kind.replace("_", " ")]
        if self.doi:
            parts.append(self.doi)
        if self.date:
            parts.append("-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(self.date)))
        if self.source:
            parts.append(SOURCE_NAMES.get(self.source, self.source))
        return ", ".join(parts)


SOURCE_NAMES = {"retraction-watch": "Retraction Watch", "publisher": "the publisher",
                "arxiv": "arXiv"}  # fmt: skip
# notices that take a work back: citing it needs the reader told
RETRACTIONS = frozenset({"retraction", "withdrawal", "removal", "partial_retraction"})


class RawField(NamedTuple):
    """A field of a .bib entry exactly as written (`{\\noopsort{1973c}}1981`, `"10~" # jan`,
    `apj`): what a BibTeX writer writes back while the value it feeds is unchanged. (A tuple:
    a large .bib has hundreds of thousands.)"""

    name: str  # as written, case kept
    value: str  # the value's text between `=` and the comma, delimiters and macros included
    feeds: str | None  # the record key it was read into (provenance name), None: kept only


@dataclass
class Record:
    """A bibliographic item, CSL-shaped, with arXiv facts, provenance and match confidence."""

    type: str = "article"
    title: str | None = None
    authors: list[Name] = field(default_factory=list)
    et_al: bool = False  # the input's author list ended in "and others": it is incomplete
    issued: tuple[int, ...] | None = None  # (year,), (year, month) or (year, month, day)
    container_title: str | None = None
    volume: str | None = None
    issue: str | None = None
    page: str | None = None
    publisher: str | None = None
    doi: str | None = None  # bare, lower-case prefix kept as given: "10.18653/v1/..."
    input_doi: str | None = None  # the DOI as the input gave it, arXiv's own too
    url: str | None = None
    abstract: str | None = None
    note: str | None = None
    # every other CSL variable, by its CSL name: "edition", "publisher-place", "ISBN",
    # "collection-title", "chapter-number", "genre", "event-title", "title-short", ...
    vars: dict[str, str] = field(default_factory=dict)
    # every name role beyond author, by its CSL name: "editor", "translator", "container-author"
    names: dict[str, list[Name]] = field(default_factory=dict)
    # every date beyond issued, by its CSL name: "accessed", "event-date", "original-date"
    dates: dict[str, Date] = field(default_factory=dict)
    issued_end: tuple[int, ...] | None = None  # the end of a range: 1997--2018
    issued_literal: str | None = None  # a date as text, when it is none: "in press"
    # what a reference manager holds beside the data: the collections the item is in (paths,
    # "Thesis/Chapter 2"), its child notes (text), its attachments
    collections: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    # notices about the work (retractions, corrections, arXiv's withdrawal), as its sources say
    updates: list[Update] = field(default_factory=list)
    # arXiv
    arxiv_id: str | None = None  # unversioned: "2410.11817", "hep-th/9901001"
    arxiv_version: int | None = None
    arxiv_class: str | None = None  # primary category
    arxiv_updated: tuple[int, ...] | None = None  # date of the version arXiv served
    categories: list[str] = field(default_factory=list)
    journal_ref: str | None = None
    # what the input had beyond the fields above, kept so that nothing the user wrote is lost
    extra: dict[str, str] = field(default_factory=dict)  # input field name -> plain text
    markup: dict[str, str] = field(default_factory=dict)  # input field name -> LaTeX as written
    input_form: str | None = None  # the reader that made it ("bibtex", "csl-json", ...)
    input_type: str | None = None  # the entry type as that form named it ("inproceedings")
    raw: list[RawField] = field(default_factory=list)  # a .bib entry's fields as written
    raw_type: str | None = None  # a .bib entry's type as written, case kept ("InProceedings")
    dialect: str | None = None  # a .bib input's dialect: "bibtex" or "biblatex"
    curated: bool = False  # from a file the user curated (.bib, CSL-JSON, Zotero): its values win
    citation: str | None = None  # a formatted reference the input gave whole, for searching
    # bookkeeping
    key: str | None = None  # citation key given by the input, kept by the BibTeX writer
    origin: str | None = None  # "file:line" of the input entry this record came from
    asked_as: str | None = None  # how the input named it (title, arXiv id or DOI), for reports
    status: Status = "input"
    confidence: float | None = None
    reason: str | None = None  # why unresolved / ambiguous, or which signals decided
    provenance: dict[str, str] = field(default_factory=dict)  # field name -> who gave it

    def copy(self, **changes: Any) -> Record:
        return replace(self, **changes)

    @property
    def year(self) -> int | None:
        return self.issued[0] if self.issued else None

    @property
    def arxiv_doi(self) -> str | None:
        """arXiv's own DataCite DOI, which every arXiv paper has."""
        return f"10.48550/arXiv.{self.arxiv_id}" if self.arxiv_id else None

    @property
    def best_doi(self) -> str | None:
        """The publisher's DOI where there is one, else arXiv's."""
        return self.doi or self.arxiv_doi

    @property
    def doi_to_write(self) -> str | None:
        """What a writer prints: a resolved preprint its own DOI (arXiv's, never the published
        version's, which arXiv's record may name: one entry, one version); a published paper
        only its publisher's (arXiv's DOI names the preprint, not the venue); an unresolved
        entry only the one its input gave."""
        if self.status == "resolved" and not self.container_title:
            return self.arxiv_doi if self.arxiv_id else self.doi
        return self.doi or (self.input_doi if self.status != "resolved" else None)

    @property
    def retraction(self) -> Update | None:
        """The notice that takes this work back (retracted, withdrawn), if any."""
        return next((u for u in self.updates if u.kind in RETRACTIONS), None)

    @property
    def unseen_version(self) -> str | None:
        """The DOI of a published version this resolved preprint's record names but bibx did
        not look up (offline, or no source held it): written as the preprint, said so."""
        if self.status == "resolved" and self.arxiv_id and not self.container_title:
            return self.doi
        return None

    def named_by(self) -> str:
        """What identifies the entry as the user gave it."""
        if self.arxiv_id and not self.title:
            return f"arXiv:{self.arxiv_id}"
        if self.title:
            return self.title
        if self.doi:
            return f"doi:{self.doi}"
        for variable in ("ISBN", "PMID", "PMCID"):
            if self.vars.get(variable):
                return f"{variable.lower()}:{self.vars[variable]}"
        return self.key or ""

    def label(self) -> str:
        """How to name this entry to the user in messages."""
        where = f"{self.origin}: " if self.origin else ""
        what = self.title or self.arxiv_id or self.doi or self.named_by() or "(empty entry)"
        if len(what) > 80:
            what = what[:77] + "..."
        return f"{where}{what}"

    def from_input(self, name: str) -> bool:
        """Is field `name` still the value the input gave (not replaced by a source's)?"""
        return self.provenance.get(name) == "input"

    def changed(self, name: str) -> bool:
        """Has field `name` (an attribute, or a CSL name of `vars`, `names`, `dates`) a value
        that is not the input's? A field the input left empty and nobody filled is unchanged."""
        given = self.provenance.get(name)
        return given is not None and given != "input"

    def mark(self, by: str) -> Record:
        """Record `by` ("input", "crossref:<doi>", ...) as the provenance of every filled data
        field not yet attributed; a variable, role or date of `vars`, `names`, `dates` is
        attributed by its CSL name."""
        for name in DATA_FIELDS:
            if getattr(self, name) not in (None, [], "") and name not in self.provenance:
                self.provenance[name] = by
        for table in (self.vars, self.names, self.dates):
            for name in table:
                self.provenance.setdefault(name, by)
        return self


DATA_FIELDS = [
    f.name
    for f in fields(Record)
    if f.name
    not in (
        "key", "origin", "asked_as", "status", "confidence", "reason", "provenance",
        "extra", "markup", "input_form", "input_type", "curated", "citation",
        "vars", "names", "dates", "raw", "raw_type", "dialect", "input_doi",
    )
]  # fmt: skip
