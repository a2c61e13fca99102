"""Writers: one module per output format, each with the same small interface.

A writer module has `NAME`, `EXTENSION` and `write(records, **options) -> str`. It renders every
record, resolved or not (an unresolved one is written with what the input gave, and marked).
"""

from __future__ import annotations

from types import ModuleType


def writers() -> dict[str, ModuleType]:
    from bibx.writers import bibtex, csljson, zotero_rdf

    return {m.NAME: m for m in (bibtex, csljson, zotero_rdf)}
