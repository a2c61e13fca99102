"""Sources: one module per metadata service, each returning `Record`s (shaped like CSL items).

Every source offers the same three calls, so the resolver never knows which service it talks to:

- `lookup_arxiv(ids)`: records for arXiv ids (unversioned), missing ids simply absent;
- `lookup_doi(dois)`: records for DOIs, missing ones absent;
- `search(entry, limit)`: candidate records for an entry known only by title (and maybe
  abstract, authors, year); the resolver scores and validates them, a source only proposes.

A source may also offer `search_many(entries)` to answer many entries in fewer requests (and
`batched_search = True` when one request serves several entries, so the resolver asks again one
by one for the entries a shared request left open). Errors are `bibx.errors.SourceError`.
"""

from __future__ import annotations

from typing import Protocol

from bibx.model import Record


class Source(Protocol):
    name: str
    local: bool  # a local file: asked first, costs no request
    publishes: bool  # holds published versions (journals, proceedings), not only preprints

    def lookup_arxiv(self, ids: list[str]) -> dict[str, Record]: ...

    def lookup_doi(self, dois: list[str]) -> dict[str, Record]: ...

    def search(self, entry: Record, limit: int = 10) -> list[Record]: ...
