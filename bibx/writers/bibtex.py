"""BibTeX (for bibtex + natbib) and BibLaTeX (for biber) output.

Entry types follow the paper: `@article` for journal papers, `@inproceedings` for conference
papers, and for arXiv preprints `@misc` (bibtex) or `@online` (biblatex) with the eprint fields
arXiv's own export, dblp and Better BibTeX write. An entry read from a .bib keeps its type and,
for every field still as the user wrote it, the user's own LaTeX (`{L-Eval}`, `The {\\TeX}book`);
the fields bibx has no place for are written back after bibx's own. Field mapping:
docs/field-mapping.md.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bibx.keys import assign_keys
from bibx.model import Name, Record
from bibx.vocab.bibtex import (
    BIBLATEX_TYPE,
    CSL_TO_TYPE,
    MONTH_NAMES,
    NEEDS_CONTAINER,
    PREPRINT_VENUE_FIELDS,
    TYPE_TO_CSL,
)
from bibx.writers import WriteOptions, WriteResult, doubtful
from bibx.writers._latex import to_latex, unencodable

NAME = "bibtex"
EXTENSION = ".bib"
DIALECTS = ("bibtex", "biblatex")

NO_DATE = "n.d."
_FIELD_NAME = re.compile(r"^[a-z][a-z0-9_.:+-]*$")


def _name(name: Name, tex: Callable[[str], str]) -> str:
    if name.literal:
        return "{" + tex(name.literal) + "}"
    family = tex(name.family or "")
    if "," in family or _AND.search(family) or (family.count(" ") and family[0].isupper()):
        family = "{" + family + "}"  # one unit: BibTeX must not split it
    parts = [family]
    for part in (name.suffix, name.given):
        if part:
            text = tex(part)
            parts.append("{" + text + "}" if _AND.search(text) else text)
    return ", ".join(parts)


# BibTeX and biber split an author list at the word "and" in any case ("AND" too): a name part
# holding that word is braced so that it stays one part.
_AND = re.compile(r"(?:^|\s)and(?:\s|$)", re.IGNORECASE)


def verbatim(value: str) -> str:
    """doi, url and eprint are read verbatim (biblatex; natbib's \\doi and \\url): no escaping,
    except `%`, which would start a comment; characters that could unbalance the entry or start
    a command are dropped (no real DOI, URL or arXiv id has them)."""
    return re.sub(r"[{}\\\s]", "", value).replace("%", "\\%")


def entry_type(record: Record, dialect: str) -> str:
    if record.input_form == NAME and record.input_type in TYPE_TO_CSL and record.from_input("type"):
        return record.input_type  # the user's own type, while bibx has not changed the paper's
    etype = CSL_TO_TYPE.get(record.type)
    if etype and (record.container_title or etype not in NEEDS_CONTAINER):
        return BIBLATEX_TYPE.get(etype, etype) if dialect == "biblatex" else etype
    return "online" if dialect == "biblatex" and record.arxiv_id else "misc"


def fields(
    record: Record, options: WriteOptions, lost: set[str] | None = None
) -> list[tuple[str, str]]:
    """(name, already-encoded value) pairs in the order a careful person would type them."""
    dialect = options.dialect
    ascii_only = options.ascii_only if options.ascii_only is not None else dialect == "bibtex"
    etype = entry_type(record, dialect)
    own = record.input_form == NAME

    def tex(text: str, protect: bool = False) -> str:
        if lost is not None and ascii_only:
            lost.update(unencodable(text))
        return to_latex(text, ascii_only=ascii_only, protect=protect)

    def as_written(name: str, attribute: str) -> str | None:
        """The user's own LaTeX for this field, while it still holds the user's value."""
        if own and record.from_input(attribute) and name in record.markup:
            return record.markup[name]
        return None

    out: list[tuple[str, str]] = []

    def put(name: str, attribute: str, make: Callable[[], str]) -> None:
        value = as_written(name, attribute)
        out.append((name, value if value is not None else make()))

    if record.authors:
        put(
            "author",
            "authors",
            lambda: " and ".join(
                [_name(n, tex) for n in record.authors] + (["others"] if record.et_al else [])
            ),
        )
    elif record.title and "key" not in record.extra:
        # BibTeX's own field for sorting and labelling an entry with no author
        out.append(("key", tex(" ".join(record.title.split()[:3]))))
    if record.title:
        put("title", "title", lambda: tex(record.title or "", protect=True))
    if record.container_title:
        if etype == "article":
            name = "journal" if dialect == "bibtex" else "journaltitle"
        elif etype in ("inproceedings", "incollection"):
            name = "booktitle"
        else:
            name = "howpublished"
        put(name, "container_title", lambda: tex(record.container_title or "", protect=True))
    if record.volume:
        put("volume", "volume", lambda: tex(record.volume or ""))
    if record.issue:
        put("number", "issue", lambda: tex(record.issue or ""))
    if record.page:
        put("pages", "page", lambda: tex((record.page or "").replace("–", "-")).replace("-", "--"))
    if record.issued:
        if dialect == "biblatex":
            out.append(
                ("date", "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(record.issued)))
            )
        else:
            out.append(("year", str(record.issued[0])))
            if len(record.issued) > 1 and 1 <= record.issued[1] <= 12:
                out.append(("month", MONTH_NAMES[record.issued[1] - 1]))  # a macro: no braces
    elif dialect == "bibtex" and "year" not in record.extra:
        out.append(("year", NO_DATE))  # says "no date" outright: classic styles warn on none
    # biblatex's data model has no publisher for @article, and a preprint server is no
    # publisher: a source's is written only where it belongs; the user's own always
    if record.publisher and (
        (record.curated and record.from_input("publisher"))
        or (etype not in ("misc", "online") and (dialect == "bibtex" or etype != "article"))
    ):
        put("publisher", "publisher", lambda: tex(record.publisher or ""))
    doi = record.doi_to_write
    if doi:
        out.append(("doi", verbatim(doi)))
    if record.url:
        out.append(("url", verbatim(record.url)))
    if record.arxiv_id:
        put("eprint", "arxiv_id", lambda: verbatim(record.arxiv_id or ""))
        if dialect == "bibtex":
            put("archiveprefix", "arxiv_id", lambda: "arXiv")
            if record.arxiv_class:
                put("primaryclass", "arxiv_class", lambda: verbatim(record.arxiv_class or ""))
        # Zotero's BibTeX import keeps the arXiv id only when eprinttype names arXiv.
        out.append(("eprinttype", "arxiv"))
        if dialect == "biblatex" and record.arxiv_class:
            out.append(("eprintclass", verbatim(record.arxiv_class)))
        if dialect == "biblatex" and etype == "online":
            out.append(("pubstate", "prepublished"))
    if record.note and record.from_input("note"):
        put("note", "note", lambda: tex(record.note or ""))
    if record.abstract and (
        options.abstracts
        or doubtful(record.status)
        or (record.curated and record.from_input("abstract"))
    ):
        put("abstract", "abstract", lambda: tex(record.abstract or ""))
    written = {name for name, _ in out}
    for name, value in record.extra.items():
        if name in written or not _FIELD_NAME.match(name):
            continue
        if name in PREPRINT_VENUE_FIELDS and not record.from_input("type"):
            continue  # "arXiv preprint ..." of an entry bibx turned into its published version
        written.add(name)
        out.append((name, record.markup[name] if own and name in record.markup else tex(value)))
    # bibx's own bookkeeping, in fields bibtex ignores (biber's data model does not know them:
    # in the biblatex dialect they are written only on request)
    if options.annotate or (doubtful(record.status) and dialect == "bibtex"):
        out.append(("bibxstatus", record.status))
        if record.confidence is not None:
            out.append(("bibxconfidence", f"{record.confidence:.2f}"))
    return out


def _comment(record: Record) -> str:
    """A line above a doubtful entry saying why; BibTeX and biber skip text between entries."""
    if not doubtful(record.status):
        return ""
    why = re.sub(r"\s+", " ", f"{record.status}: {record.reason or ''}").replace("@", "(at)")
    return f"% bibx: {why[:300]}\n"


def _entry(record: Record, key: str, options: WriteOptions, lost: set[str]) -> str:
    pairs = fields(record, options, lost)
    width = max(len(name) for name, _ in pairs) if pairs else 0
    body = ",\n".join(
        f"  {name.ljust(width)} = {value if name == 'month' else '{' + value + '}'}"
        for name, value in pairs
    )
    return f"{_comment(record)}@{entry_type(record, options.dialect)}{{{key},\n{body}\n}}\n"


def write(records: list[Record], options: WriteOptions | None = None) -> WriteResult:
    options = options or WriteOptions()
    if options.dialect not in DIALECTS:
        raise ValueError(f"unknown BibTeX dialect {options.dialect!r}")
    keys = assign_keys(records)
    lost: set[str] = set()
    entries = [_entry(r, k, options, lost) for r, k in zip(records, keys, strict=True)]
    count = f"{len(records)} {'entry' if len(records) == 1 else 'entries'}"
    header = f"% Written by bibx ({options.dialect} dialect): {count}\n\n"
    warnings = []
    if lost:
        warnings.append(
            f"classic BibTeX cannot carry {''.join(sorted(lost))!r}; written as '?' "
            "(use --bib-dialect biblatex to keep them)"
        )
    pieces = [header]
    for n, entry in enumerate(entries):
        pieces.append(entry if n == 0 else "\n" + entry)
    return WriteResult(pieces, warnings)
