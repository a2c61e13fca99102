"""The one record type that flows through bibx.

A `Record` is shaped like a CSL-JSON item (the richest common bibliographic model), plus the arXiv
facts CSL has no field for, plus where each fact came from and how sure the match is. Readers make
records, sources return records, the resolver merges them, writers serialise them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal

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
    url: str | None = None
    abstract: str | None = None
    note: str | None = None
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
        """What a writer prints: a resolved preprint always has a DOI (arXiv's at least); a
        published paper only its publisher's (arXiv's DOI names the preprint, not the venue);
        an unresolved entry only the one its input gave."""
        if self.status == "resolved" and not self.container_title:
            return self.best_doi
        return self.doi

    def named_by(self) -> str:
        """What identifies the entry as the user gave it."""
        if self.arxiv_id and not self.title:
            return f"arXiv:{self.arxiv_id}"
        return self.title or (f"doi:{self.doi}" if self.doi else "") or self.key or ""

    def label(self) -> str:
        """How to name this entry to the user in messages."""
        where = f"{self.origin}: " if self.origin else ""
        what = self.title or self.arxiv_id or self.doi or self.key or "(empty entry)"
        if len(what) > 80:
            what = what[:77] + "..."
        return f"{where}{what}"

    def from_input(self, name: str) -> bool:
        """Is field `name` still the value the input gave (not replaced by a source's)?"""
        return self.provenance.get(name) == "input"

    def mark(self, by: str) -> Record:
        """Record `by` ("input", "crossref:<doi>", ...) as the provenance of every filled data
        field not yet attributed."""
        for name in DATA_FIELDS:
            if getattr(self, name) not in (None, [], "") and name not in self.provenance:
                self.provenance[name] = by
        return self


DATA_FIELDS = [
    f.name
    for f in fields(Record)
    if f.name
    not in (
        "key", "origin", "asked_as", "status", "confidence", "reason", "provenance",
        "extra", "markup", "input_form", "input_type", "curated", "citation",
    )
]  # fmt: skip
