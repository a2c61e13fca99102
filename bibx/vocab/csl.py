"""CSL-JSON's vocabulary (csl-data.json, CSL 1.0.2): every variable, by kind, and which of them
the record keeps in a typed attribute rather than in `Record.vars`, `names` or `dates`."""

from __future__ import annotations

# name variables (`author` is `Record.authors`; the others are `Record.names`)
NAME_VARS = (
    "author", "chair", "collection-editor", "compiler", "composer", "container-author",
    "contributor", "curator", "director", "editor", "editorial-director", "executive-producer",
    "guest", "host", "interviewer", "illustrator", "narrator", "organizer", "original-author",
    "performer", "producer", "recipient", "reviewed-author", "script-writer", "series-creator",
    "translator",
)  # fmt: skip
# date variables (`issued` is `Record.issued`, with `issued_end` and `issued_literal`)
DATE_VARS = ("accessed", "available-date", "event-date", "issued", "original-date", "submitted")
# standard and number variables held by a typed attribute of the record: CSL name -> attribute
TYPED_VARS = {
    "title": "title",
    "container-title": "container_title",
    "volume": "volume",
    "issue": "issue",
    "page": "page",
    "publisher": "publisher",
    "DOI": "doi",
    "URL": "url",
    "abstract": "abstract",
    "note": "note",
}
# every other standard and number variable: kept in `Record.vars` under its own name
TEXT_VARS = (
    "language", "annote", "archive", "archive_collection", "archive_location", "archive-place",
    "authority", "call-number", "chapter-number", "citation-number", "citation-label",
    "collection-number", "collection-title", "container-title-short", "dimensions", "division",
    "edition", "event", "event-title", "event-place", "first-reference-note-number", "genre",
    "ISBN", "ISSN", "jurisdiction", "keyword", "locator", "medium", "number", "number-of-pages",
    "number-of-volumes", "original-publisher", "original-publisher-place", "original-title",
    "page-first", "part", "part-title", "PMCID", "PMID", "printing", "publisher-place",
    "references", "reviewed-genre", "reviewed-title", "scale", "section", "source", "status",
    "supplement", "title-short", "version", "volume-title", "volume-title-short", "year-suffix",
)  # fmt: skip
# not data about the work: the item's own id and key, its type, and the schema's extension slot
STRUCTURAL = ("type", "id", "citation-key", "categories", "custom")
# older names CSL-JSON in the wild still uses, and the CSL name each is read as
ALIASES = {"journalAbbreviation": "container-title-short", "shortTitle": "title-short"}
