"""Zotero RDF's vocabulary, shared by its reader and writer: the XML namespaces with the
prefixes Zotero's own export uses, and item types, read and written side by side."""

from __future__ import annotations

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "z": "http://www.zotero.org/namespaces/export#",
    "dcterms": "http://purl.org/dc/terms/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "bib": "http://purl.org/net/biblio#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "prism": "http://prismstandard.org/namespaces/1.2/basic/",
}

# Zotero item type -> CSL type (reading)
ITEM_TO_CSL = {
    "journalArticle": "article-journal",
    "conferencePaper": "paper-conference",
    "preprint": "article",
    "bookSection": "chapter",
    "book": "book",
    "report": "report",
    "thesis": "thesis",
}
# CSL type -> Zotero item type (writing), for types with no container test of their own
CSL_TO_ITEM = {"book": "book", "chapter": "bookSection", "report": "report", "thesis": "thesis"}
SKIPPED_ITEMS = frozenset({"attachment", "note"})  # not bibliographic items
