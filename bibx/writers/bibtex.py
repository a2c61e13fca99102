"""BibTeX (for bibtex + natbib) and BibLaTeX (for biber) output.

Entry types follow the paper: `@article` for journal papers, `@inproceedings` for conference
papers, and for arXiv preprints `@misc` (bibtex) or `@online` (biblatex) with the eprint fields
arXiv's own export, dblp and Better BibTeX write. Field mapping: docs/field-mapping.md.
"""

from __future__ import annotations

import re

from bibx.keys import assign_keys
from bibx.model import Name, Record
from bibx.writers._latex import ENCODER, to_latex

NAME = "bibtex"
EXTENSION = ".bib"
DIALECTS = ("bibtex", "biblatex")

NO_DATE = "n.d."
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


def _name(name: Name, ascii_only: bool) -> str:
    def tex(text: str) -> str:
        return to_latex(text, ascii_only=ascii_only)

    if name.literal:
        return "{" + tex(name.literal) + "}"
    family = tex(name.family or "")
    if "," in family or " and " in f" {family} " or (family.count(" ") and family[0].isupper()):
        family = "{" + family + "}"  # one unit: BibTeX must not split it
    parts = [family]
    if name.suffix:
        parts.append(tex(name.suffix))
    if name.given:
        parts.append(tex(name.given))
    return ", ".join(parts)


def verbatim(value: str) -> str:
    """doi, url and eprint are read verbatim (biblatex; natbib's \\doi and \\url): no escaping,
    except `%`, which would start a comment; characters that could unbalance the entry or start
    a command are dropped (no real DOI, URL or arXiv id has them)."""
    return re.sub(r"[{}\\\s]", "", value).replace("%", "\\%")


def entry_type(record: Record, dialect: str) -> str:
    if record.type == "article-journal" and record.container_title:
        return "article"
    if record.type == "paper-conference" and record.container_title:
        return "inproceedings"
    if record.type == "book":
        return "book"
    if record.type == "chapter" and record.container_title:
        return "incollection"
    if record.type == "report":
        return "techreport" if dialect == "bibtex" else "report"
    if record.type == "thesis":
        return "phdthesis" if dialect == "bibtex" else "thesis"
    return "online" if dialect == "biblatex" and record.arxiv_id else "misc"


def fields(record: Record, dialect: str) -> list[tuple[str, str]]:
    """(name, already-encoded value) pairs in the order a careful person would type them."""
    ascii_only = dialect == "bibtex"
    etype = entry_type(record, dialect)

    def tex(text: str, protect: bool = False) -> str:
        return to_latex(text, ascii_only=ascii_only, protect=protect)

    out: list[tuple[str, str]] = []
    if record.authors:
        out.append(("author", " and ".join(_name(n, ascii_only) for n in record.authors)))
    elif record.title:
        # BibTeX's own field for sorting and labelling an entry with no author
        out.append(("key", tex(" ".join(record.title.split()[:3]))))
    if record.title:
        out.append(("title", tex(record.title, protect=True)))
    if record.container_title:
        container = tex(record.container_title, protect=True)
        if etype == "article":
            out.append(("journal" if dialect == "bibtex" else "journaltitle", container))
        elif etype in ("inproceedings", "incollection"):
            out.append(("booktitle", container))
        else:
            out.append(("howpublished", container))
    for name, value in (("volume", record.volume), ("number", record.issue)):
        if value:
            out.append((name, tex(value)))
    if record.page:
        out.append(("pages", tex(record.page.replace("–", "-")).replace("-", "--")))
    if record.issued:
        if dialect == "biblatex":
            out.append(
                ("date", "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(record.issued)))
            )
        else:
            out.append(("year", str(record.issued[0])))
            if len(record.issued) > 1 and 1 <= record.issued[1] <= 12:
                out.append(("month", MONTHS[record.issued[1] - 1]))  # a macro: no braces
    elif dialect == "bibtex":
        out.append(("year", NO_DATE))  # says "no date" outright: classic styles warn on none
    if record.publisher and etype != "misc" and etype != "online":
        out.append(("publisher", tex(record.publisher)))
    doi = record.doi_to_write
    if doi:
        out.append(("doi", verbatim(doi)))
    if record.url:
        out.append(("url", verbatim(record.url)))
    if record.arxiv_id:
        out.append(("eprint", verbatim(record.arxiv_id)))
        if dialect == "bibtex":
            out.append(("archiveprefix", "arXiv"))
            if record.arxiv_class:
                out.append(("primaryclass", verbatim(record.arxiv_class)))
        # Zotero's BibTeX import keeps the arXiv id only when eprinttype names arXiv.
        out.append(("eprinttype", "arxiv"))
        if dialect == "biblatex" and record.arxiv_class:
            out.append(("eprintclass", verbatim(record.arxiv_class)))
        if dialect == "biblatex" and etype == "online":
            out.append(("pubstate", "prepublished"))
    notes = [record.note] if record.note and record.status == "input" else []
    if record.status != "resolved":
        notes.append(f"bibx: {record.status}")
    if notes:
        out.append(("note", tex("; ".join(notes))))
    if record.abstract:
        out.append(("abstract", tex(record.abstract)))
    # bibx's own bookkeeping, in fields bibtex and biber ignore
    out.append(("bibxstatus", record.status))
    if record.confidence is not None:
        out.append(("bibxconfidence", f"{record.confidence:.2f}"))
    return out


def _entry(record: Record, key: str, dialect: str) -> str:
    pairs = fields(record, dialect)
    width = max(len(name) for name, _ in pairs) if pairs else 0
    body = ",\n".join(
        f"  {name.ljust(width)} = {value if name == 'month' else '{' + value + '}'}"
        for name, value in pairs
    )
    return f"@{entry_type(record, dialect)}{{{key},\n{body}\n}}\n"


def write(records: list[Record], dialect: str = "bibtex", **_: object) -> str:
    if dialect not in DIALECTS:
        raise ValueError(f"unknown BibTeX dialect {dialect!r}")
    keys = assign_keys(records)
    ENCODER.unknown.clear()
    entries = [_entry(r, k, dialect) for r, k in zip(records, keys, strict=True)]
    header = f"% Written by bibx ({dialect} dialect): {len(records)} entries\n\n"
    return header + "\n".join(entries)


def unencodable() -> set[str]:
    """Characters the last `write` could not express in classic BibTeX (written as '?')."""
    return set(ENCODER.unknown)
