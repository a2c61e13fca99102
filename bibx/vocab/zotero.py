"""Zotero RDF's vocabulary, shared by its reader and writer: the XML namespaces with the
prefixes Zotero's own export uses, item types, fields and creator roles, read and written side
by side. The CSL side of each table is zotero-schema's own `csl` mapping (schema.json, version
41); which fields each item type has is its `itemTypes` (fields by their base name, as Zotero's
RDF export writes them and its RDF.js import reads them back)."""

from __future__ import annotations

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "z": "http://www.zotero.org/namespaces/export#",
    "dcterms": "http://purl.org/dc/terms/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "bib": "http://purl.org/net/biblio#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "prism": "http://prismstandard.org/namespaces/1.2/basic/",
    "vcard": "http://nwalsh.com/rdf/vCard#",
    "link": "http://purl.org/rss/1.0/modules/link/",
}

# CSL type -> Zotero item type (writing); an arXiv preprint is `preprint`, another `article`
# (a .bib's @misc) a `document`, as Zotero's BibTeX import makes it
CSL_TO_ITEM = {
    "article-journal": "journalArticle",
    "article-magazine": "magazineArticle",
    "article-newspaper": "newspaperArticle",
    "paper-conference": "conferencePaper",
    "book": "book",
    "chapter": "bookSection",
    "report": "report",
    "thesis": "thesis",
    "manuscript": "manuscript",
    "webpage": "webpage",
    "software": "computerProgram",
    "dataset": "dataset",
    "patent": "patent",
    "entry-encyclopedia": "encyclopediaArticle",
    "entry-dictionary": "dictionaryEntry",
    "speech": "presentation",
    "personal_communication": "letter",
    "interview": "interview",
    "motion_picture": "film",
    "graphic": "artwork",
    "legal_case": "case",
    "legislation": "statute",
    "bill": "bill",
    "map": "map",
    "song": "audioRecording",
    "post-weblog": "blogPost",
    "post": "forumPost",
    "standard": "standard",
    "pamphlet": "book",
    "document": "document",
}
# Zotero item type -> CSL type (reading)
ITEM_TO_CSL = {item: csl for csl, item in CSL_TO_ITEM.items() if csl != "pamphlet"}
ITEM_TO_CSL.update({"preprint": "article", "videoRecording": "motion_picture",
                    "email": "personal_communication", "podcast": "broadcast",
                    "tvBroadcast": "broadcast", "radioBroadcast": "broadcast"})  # fmt: skip
SKIPPED_ITEMS = frozenset({"attachment", "note"})  # not bibliographic items

# the element Zotero's export writes each item type as (rdf:Description for the others)
RDF_CLASS = {
    "book": "bib:Book",
    "bookSection": "bib:BookSection",
    "journalArticle": "bib:Article",
    "thesis": "bib:Thesis",
    "report": "bib:Report",
    "manuscript": "bib:Manuscript",
    "webpage": "bib:Document",
    "computerProgram": "bib:Data",
    "patent": "bib:Patent",
    "letter": "bib:Letter",
    "interview": "bib:Interview",
}

_COMMON = ("title", "abstractNote", "date", "url", "accessDate", "archive", "archiveLocation",
           "shortTitle", "language", "libraryCatalog", "callNumber", "rights", "extra")  # fmt: skip
# Each item type's fields by base name (schema 41 for the first eight; the others as schema.json
# gives them, narrowed to what bibx writes). A field the type lacks goes into Extra instead,
# as a `csl-variable: value` line, which Zotero and citeproc read.
FIELDS: dict[str, frozenset[str]] = {
    name: frozenset(_COMMON + extra)
    for name, extra in {
        "book": ("series", "seriesNumber", "volume", "numberOfVolumes", "edition", "publisher",
                 "place", "originalDate", "originalPublisher", "originalPlace", "medium",
                 "numPages", "ISBN", "DOI", "citationKey", "ISSN"),
        "bookSection": ("publicationTitle", "series", "seriesNumber", "volume",
                        "numberOfVolumes", "edition", "publisher", "place", "originalDate",
                        "originalPublisher", "originalPlace", "medium", "pages", "ISBN", "DOI",
                        "citationKey", "ISSN"),
        "conferencePaper": ("publicationTitle", "conferenceName", "publisher", "place",
                            "eventPlace", "volume", "issue", "numberOfVolumes", "pages",
                            "series", "seriesNumber", "DOI", "ISBN", "citationKey", "ISSN"),
        "journalArticle": ("publicationTitle", "publisher", "place", "volume", "issue",
                           "section", "partNumber", "partTitle", "pages", "series",
                           "seriesTitle", "seriesText", "journalAbbreviation", "DOI",
                           "citationKey", "PMID", "PMCID", "ISSN"),
        "preprint": ("type", "publisher", "number", "place", "series", "seriesNumber", "DOI",
                     "citationKey"),
        "report": ("number", "type", "publisher", "place", "seriesTitle", "seriesNumber",
                   "pages", "DOI", "ISBN", "citationKey", "ISSN"),
        "thesis": ("type", "publisher", "place", "series", "seriesNumber", "numPages", "DOI",
                   "ISBN", "citationKey", "ISSN"),
        "webpage": ("publicationTitle", "type", "publisher", "place", "DOI", "citationKey"),
        "manuscript": ("type", "place", "numPages"),
        "document": ("publisher",),
        "computerProgram": ("seriesTitle", "versionNumber", "system", "place", "publisher",
                            "programmingLanguage", "ISBN"),
        "dataset": ("number", "type", "versionNumber", "publisher", "place", "medium", "DOI",
                    "citationKey"),
    }.items()
}  # fmt: skip
# the creator roles each item type has (schema 41); `author` is every type's
CREATORS = {
    "book": ("author", "contributor", "editor", "translator", "seriesEditor"),
    "bookSection": ("author", "contributor", "editor", "bookAuthor", "translator",
                    "seriesEditor"),
    "conferencePaper": ("author", "contributor", "editor", "translator", "seriesEditor"),
    "journalArticle": ("author", "contributor", "editor", "translator", "reviewedAuthor"),
    "preprint": ("author", "contributor", "editor", "translator", "reviewedAuthor"),
    "report": ("author", "editor", "contributor", "translator", "seriesEditor"),
    "thesis": ("author", "contributor"),
    "webpage": ("author", "contributor", "translator"),
}  # fmt: skip
# CSL variable -> Zotero base field (zotero-schema's csl.fields.text, inverted)
VAR_TO_FIELD = {
    "publisher-place": "place",
    "edition": "edition",
    "collection-title": "series",
    "collection-number": "seriesNumber",
    "number-of-pages": "numPages",
    "number-of-volumes": "numberOfVolumes",
    "language": "language",
    "title-short": "shortTitle",
    "ISBN": "ISBN",
    "ISSN": "ISSN",
    "genre": "type",
    "number": "number",
    "event-title": "conferenceName",
    "event-place": "eventPlace",
    "archive": "archive",
    "archive_location": "archiveLocation",
    "call-number": "callNumber",
    "source": "libraryCatalog",
    "license": "rights",
    "container-title-short": "journalAbbreviation",
    "version": "versionNumber",
    "medium": "medium",
    "PMID": "PMID",
    "PMCID": "PMCID",
    "section": "section",
    "part-title": "partTitle",
    "original-publisher": "originalPublisher",
    "original-publisher-place": "originalPlace",
}
FIELD_TO_VAR = {field: var for var, field in VAR_TO_FIELD.items()}
# CSL name role -> Zotero creator type (zotero-schema's csl.names, inverted)
ROLE_TO_CREATOR = {
    "editor": "editor",
    "translator": "translator",
    "container-author": "bookAuthor",
    "collection-editor": "seriesEditor",
    "contributor": "contributor",
    "reviewed-author": "reviewedAuthor",
    "director": "director",
    "composer": "composer",
    "interviewer": "interviewer",
    "recipient": "recipient",
    "original-author": "originalCreator",
    "series-creator": "seriesCreator",
    "script-writer": "scriptwriter",
    "executive-producer": "executiveProducer",
    "performer": "castMember",
    "chair": "chair",
    "guest": "guest",
    "host": "host",
    "narrator": "narrator",
    "organizer": "organizer",
    "producer": "producer",
}
CREATOR_TO_ROLE = {creator: role for role, creator in ROLE_TO_CREATOR.items()}
# CSL date -> Zotero date field
DATE_TO_FIELD = {"accessed": "accessDate", "original-date": "originalDate",
                 "submitted": "filingDate"}  # fmt: skip
# where Zotero's export writes a creator type: bib: for three, z: for the rest
BIB_CREATORS = frozenset({"author", "editor", "contributor"})
