"""Writers: one module per output format, each with the same small interface.

A writer module has `NAME`, `EXTENSION` and `write(records, options) -> WriteResult`. It renders
every record, resolved or not (an unresolved one is written with what the input gave, and
marked), keeps no state between calls, and returns its warnings instead of printing them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bibx.model import Record


@dataclass(frozen=True)
class WriteOptions:
    dialect: str = "bibtex"  # BibTeX: "bibtex" (bibtex + natbib) or "biblatex" (biber)
    annotate: bool = False  # bibx's status and confidence on every entry, not only doubtful ones
    abstracts: bool = False  # BibTeX: abstracts of resolved entries too
    ascii_only: bool | None = None  # BibTeX: LaTeX accents, not UTF-8 (default: by dialect)
    # BibTeX: the inputs' own `@preamble`s and `@string`s, as written, put before the entries
    # (their macros are the ones the entries written as the user wrote them use)
    preamble: tuple[str, ...] = ()
    # Zotero RDF: the collection the items go in (None: none), and one under it per input
    collection: str | None = None
    by_input: bool = False
    # the citation keys of the records being written, when a run writes several formats of
    # them: made once, the same in each (None: each writer makes them)
    keys: tuple[str, ...] | None = None
    # BibTeX: "short" writes journal/booktitle as their short forms (container-title-short)
    # where the record has one and the user did not write the field; "long" (default): never
    venue: str = "long"


@dataclass
class WriteResult:
    """The document as pieces (an item's text each, about), joined only when asked: 10,000 Zotero
    RDF items are 32 MB of text, and joining them would hold it twice (four times as wide, with
    one character beyond the Basic Multilingual Plane)."""

    pieces: list[str]
    warnings: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.pieces)


def writers() -> dict[str, ModuleType]:
    from bibx.writers import bibtex, csljson, zotero_rdf

    return {m.NAME: m for m in (bibtex, csljson, zotero_rdf)}


def form_of_path(path: str) -> str | None:
    """The format a file name asks for by its extension (`refs.bib` -> bibtex), if any."""
    lowered = path.lower()
    for name, module in writers().items():
        if lowered.endswith(module.EXTENSION):
            return name
    return None


def keys_for(records: list[Record], options: WriteOptions) -> list[str]:
    """The records' citation keys: the run's, made once for all its formats, else made now."""
    from bibx.keys import assign_keys

    if options.keys is not None and len(options.keys) == len(records):
        return list(options.keys)
    return assign_keys(records)


def doubtful(status: str) -> bool:
    """Entries whose bibx marks and abstract help the reader: bibx could not settle them."""
    return status in ("unresolved", "ambiguous")
