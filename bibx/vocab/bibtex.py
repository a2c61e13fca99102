"""BibTeX's vocabulary: entry types and months, read and written."""

from __future__ import annotations

import re

MONTH_NAMES = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
MONTHS = {name: number for number, name in enumerate(MONTH_NAMES, start=1)}

# BibTeX/BibLaTeX entry type -> CSL type (reading)
TYPE_TO_CSL = {
    "article": "article-journal",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "book": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "techreport": "report",
    "report": "report",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "misc": "article",
    "unpublished": "manuscript",
    "online": "article",
    "preprint": "article",
    "electronic": "article",
    # the rest of BibTeX's and BibLaTeX's standard types (BibLaTeX manual, section 2.1)
    "proceedings": "book",
    "mvproceedings": "book",
    "collection": "book",
    "mvcollection": "book",
    "mvbook": "book",
    "reference": "book",
    "bookinbook": "chapter",
    "suppbook": "chapter",
    "inreference": "entry",
    "booklet": "pamphlet",
    "manual": "report",
    "periodical": "periodical",
    "patent": "patent",
    "dataset": "dataset",
    "software": "software",
    "www": "webpage",
    # BibLaTeX's entry sets and data containers, and its custom types: no work of their own in
    # CSL, but a .bib written from them keeps their type (`@set` stays `@set`)
    "set": "article",
    "xdata": "article",
    **{f"custom{letter}": "article" for letter in "abcdef"},
}

# CSL type -> BibTeX entry type (writing): the three with a container only when they have one
# (else @misc); BibLaTeX names two of them differently. A preprint is @misc (@online in biblatex).
CSL_TO_TYPE = {
    "article-journal": "article",
    "paper-conference": "inproceedings",
    "chapter": "incollection",
    "book": "book",
    "report": "techreport",
    "thesis": "phdthesis",
    "pamphlet": "booklet",
    "manuscript": "unpublished",
}
# CSL types with a BibLaTeX type of their own (classic BibTeX writes them as @misc)
BIBLATEX_OWN = {
    "software": "software",
    "dataset": "dataset",
    "webpage": "online",
    "patent": "patent",
    "periodical": "periodical",
    "manuscript": "unpublished",
}
NEEDS_CONTAINER = frozenset({"article", "inproceedings", "incollection"})
BIBLATEX_TYPE = {"techreport": "report", "phdthesis": "thesis"}

# Entry types that name a published work (with its venue); the rest are preprints or misc.
PUBLISHED_TYPES = frozenset(
    {"article", "inproceedings", "conference", "book", "inbook", "incollection", "techreport",
     "report", "phdthesis", "mastersthesis", "thesis", "proceedings", "manual"}
)  # fmt: skip

# Fields that name where a paper appeared.
VENUE_NAMES = ("journal", "journaltitle", "booktitle", "howpublished")
# What of those a preprint's entry may hold (`journal = {arXiv preprint ...}`, dblp's CoRR
# `volume = {abs/...}`): the user's while the entry is a preprint, gone once it is published.
PREPRINT_VENUE_FIELDS = (*VENUE_NAMES, "volume")

# --- fields, both ways (pandoc's BibTeX reader is the model: jgm/pandoc Citeproc/BibTeX.hs) ---

# BibTeX/BibLaTeX field -> CSL standard or number variable (`Record.vars`), reading. The fields
# the reader handles itself (author, title, the venues, year/month/date, volume, number, pages,
# publisher and its stand-ins, doi, url, the eprint fields, abstract, note) are not here.
FIELD_TO_VAR = {
    "address": "publisher-place",
    "location": "publisher-place",
    "edition": "edition",
    "chapter": "chapter-number",
    "series": "collection-title",
    "type": "genre",
    "isbn": "ISBN",
    "issn": "ISSN",
    "pmid": "PMID",
    "pmcid": "PMCID",
    "language": "language",
    "keywords": "keyword",
    "annote": "annote",
    "annotation": "annote",
    "eventtitle": "event-title",
    "venue": "event-place",
    "pagetotal": "number-of-pages",
    "volumes": "number-of-volumes",
    "version": "version",
    "shorttitle": "title-short",
    "shortjournal": "container-title-short",
    "shortseries": "collection-title-short",
    "origtitle": "original-title",
    "origpublisher": "original-publisher",
    "origlocation": "original-publisher-place",
    "library": "call-number",
    "lccn": "call-number",
    "part": "part",
    "section": "section",
}
# BibLaTeX's `langid` (a babel language) -> the BCP 47 tag CSL's `language` holds, as pandoc
# reads it; a `langid` not here is kept as written
LANGID = {
    "english": "en-US", "american": "en-US", "USenglish": "en-US", "british": "en-GB",
    "UKenglish": "en-GB", "australian": "en-AU", "canadian": "en-CA", "german": "de-DE",
    "ngerman": "de-DE", "austrian": "de-AT", "naustrian": "de-AT", "swissgerman": "de-CH",
    "french": "fr-FR", "spanish": "es-ES", "italian": "it-IT", "dutch": "nl-NL",
    "portuguese": "pt-PT", "brazil": "pt-BR", "brazilian": "pt-BR", "russian": "ru-RU",
    "ukrainian": "uk-UA", "polish": "pl-PL", "czech": "cs-CZ", "slovak": "sk-SK",
    "swedish": "sv-SE", "danish": "da-DK", "norsk": "nb-NO", "nynorsk": "nn-NO",
    "finnish": "fi-FI", "greek": "el-GR", "turkish": "tr-TR", "hungarian": "hu-HU",
    "croatian": "hr-HR", "slovene": "sl-SI", "serbian": "sr-RS", "catalan": "ca-ES",
    "latin": "la", "hebrew": "he-IL", "japanese": "ja-JP", "chinese": "zh-CN",
}  # fmt: skip
# name field -> CSL name role (`Record.names`); `author` is `Record.authors`
FIELD_TO_ROLE = {
    "editor": "editor",
    "translator": "translator",
    "bookauthor": "container-author",
    "commentator": "contributor",
    "annotator": "contributor",
    "director": "director",
    "holder": "contributor",
}
# date field -> CSL date variable (`Record.dates`); `date`/`year`/`month` are `issued`
FIELD_TO_DATE = {
    "urldate": "accessed",
    "eventdate": "event-date",
    "origdate": "original-date",
}
# What stands for the publisher where an entry type names it otherwise (read in this order,
# after `publisher`): a thesis's school, a report's institution, a manual's organization.
PUBLISHER_STANDINS = ("school", "institution", "organization")
# The same both ways: CSL variable -> field to write, by dialect (BibLaTeX's names first).
VAR_TO_FIELD: dict[str, tuple[str, str]] = {  # var -> (bibtex name, biblatex name)
    "publisher-place": ("address", "location"),
    "edition": ("edition", "edition"),
    "chapter-number": ("chapter", "chapter"),
    "collection-title": ("series", "series"),
    "genre": ("type", "type"),
    "ISBN": ("isbn", "isbn"),
    "ISSN": ("issn", "issn"),
    "PMID": ("pmid", "pmid"),
    "PMCID": ("pmcid", "pmcid"),
    "language": ("language", "language"),
    "keyword": ("keywords", "keywords"),
    "annote": ("annote", "annotation"),
    "event-title": ("eventtitle", "eventtitle"),
    "event-place": ("venue", "venue"),
    "number-of-pages": ("pagetotal", "pagetotal"),
    "number-of-volumes": ("volumes", "volumes"),
    "version": ("version", "version"),
    "title-short": ("shorttitle", "shorttitle"),
    "container-title-short": ("shortjournal", "shortjournal"),
    "collection-title-short": ("shortseries", "shortseries"),
    "original-title": ("origtitle", "origtitle"),
    "original-publisher": ("origpublisher", "origpublisher"),
    "original-publisher-place": ("origlocation", "origlocation"),
    "call-number": ("library", "library"),
    "part": ("part", "part"),
    "section": ("section", "section"),
    "collection-number": ("number", "number"),
    "number": ("number", "number"),
}
ROLE_TO_FIELD = {
    "editor": "editor",
    "translator": "translator",
    "container-author": "bookauthor",
    "director": "director",
    "contributor": "commentator",
}
DATE_TO_FIELD = {"accessed": "urldate", "event-date": "eventdate", "original-date": "origdate"}
# CSL variables with no BibTeX or BibLaTeX field of their own: a .bib written from a record
# keeps them in a field of their CSL name (BibTeX and biber skip a field they do not know, bibx
# reads it back), so a round trip through a .bib loses none.
UNMAPPED_VARS = frozenset(
    {"archive", "archive_collection", "archive_location", "archive-place", "authority",
     "available-date", "citation-key", "citation-label", "citation-number",
     "dimensions", "division", "event",
     "first-reference-note-number", "jurisdiction", "license", "locator", "medium",
     "part-title", "page-first", "printing", "supplement", "printing-number", "references",
     "reviewed-genre", "reviewed-title", "scale",
     "source", "status", "supplement-number", "volume-title", "volume-title-short",
     "year-suffix"}
)  # fmt: skip

# CSL name roles with no BibTeX field: written and read back under their CSL name
UNMAPPED_ROLES = frozenset(
    {"chair", "collection-editor", "compiler", "composer", "curator", "editorial-director",
     "executive-producer", "guest", "host", "illustrator", "interviewer", "narrator",
     "organizer", "original-author", "performer", "producer", "recipient", "reviewed-author",
     "script-writer", "series-creator"}
)  # fmt: skip

# Fields BibLaTeX alone uses; an entry with one of them is written in BibLaTeX's names. Not
# `eprinttype`: BibTeX files carry it too (bibx's own, Better BibTeX's), for Zotero's import.
BIBLATEX_ONLY = frozenset({"date", "journaltitle", "eprintclass", "location"})
# Entry types classic BibTeX's standard styles do not know: a file with one is a BibLaTeX file.
BIBLATEX_TYPES = frozenset(
    {"online", "report", "thesis", "software", "dataset", "mvbook", "bookinbook", "suppbook",
     "collection", "mvcollection", "mvproceedings", "reference", "inreference", "periodical",
     "set", "xdata", "patent"}
)  # fmt: skip


# --- the `file` field (JabRef, Mendeley, Better BibTeX, Zotero's own export) --------------------

_FILE_SPLIT = re.compile(r"(?<!\\);")
_PART_SPLIT = re.compile(r"(?<!\\):")
# a file type as JabRef names it -> MIME type
FILE_TYPES = {"pdf": "application/pdf", "html": "text/html", "url": None, "": None}


def parse_file_field(value: str) -> list[tuple[str | None, str, str | None]]:
    """A `file` field's files as (description, path or URL, MIME type): JabRef's
    `desc:path:type;…` (`\\:` and `\\;` escaped), Mendeley's `:path:pdf`, a bare path."""
    value = value.replace("$\\backslash$", "\\").replace("{\\_}", "_").replace("\\_", "_")
    out: list[tuple[str | None, str, str | None]] = []
    for item in _FILE_SPLIT.split(value):
        if not item.strip():
            continue
        parts = [
            p.replace("\\:", ":").replace("\\;", ";").replace("\\\\", "\\")
            for p in _PART_SPLIT.split(item)
        ]
        if len(parts) == 1:
            out.append((None, parts[0].strip(), None))
            continue
        description = parts[0].strip() or None
        kind = parts[-1].strip() if len(parts) > 2 else ""
        path = ":".join(parts[1:-1] if len(parts) > 2 else parts[1:]).strip()
        mime = kind if "/" in kind else FILE_TYPES.get(kind.lower())
        if path or description:  # a stored file exported without its file: its name is kept
            out.append((description, path, mime))
    return out


def file_field(files: list[tuple[str | None, str, str | None]]) -> str:
    """Files as JabRef's `desc:path:type;…` form (Better BibTeX and Zotero read it too)."""

    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace(":", "\\:").replace(";", "\\;")

    kinds = {mime: kind.upper() for kind, mime in FILE_TYPES.items() if mime}
    return ";".join(
        f"{escape(d or '')}:{escape(p)}:{kinds.get(m or '', m or '')}" for d, p, m in files
    )
