"""BibTeX's vocabulary: entry types and months, read and written."""

from __future__ import annotations

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
    "unpublished": "article",
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

# Fields BibLaTeX alone uses; an entry with one of them is written in BibLaTeX's names.
BIBLATEX_ONLY = frozenset({"date", "journaltitle", "eprinttype", "eprintclass", "location"})
