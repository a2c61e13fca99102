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

from bibx.model import Date, Name, Record
from bibx.vocab.bibtex import (
    BIBLATEX_OWN,
    BIBLATEX_TYPE,
    BIBLATEX_TYPES,
    CSL_TO_TYPE,
    DATE_TO_FIELD,
    MONTH_NAMES,
    NEEDS_CONTAINER,
    PREPRINT_VENUE_FIELDS,
    ROLE_TO_FIELD,
    VAR_TO_FIELD,
    file_field,
)
from bibx.writers import WriteOptions, WriteResult, doubtful, keys_for
from bibx.writers._latex import to_latex, unencodable

NAME = "bibtex"
EXTENSION = ".bib"
DIALECTS = ("bibtex", "biblatex")

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
    # the user's own type, as written, while bibx has not changed the paper's; a BibLaTeX
    # type classic BibTeX's styles do not know is named in BibTeX's words
    own = record.input_form == NAME and record.input_type and record.from_input("type")
    if own and (dialect == "biblatex" or record.input_type not in BIBLATEX_TYPES):
        return record.raw_type or record.input_type or "misc"
    etype = CSL_TO_TYPE.get(record.type)
    if etype == "phdthesis" and "master" in record.vars.get("genre", "").lower():
        etype = "mastersthesis"
    if etype and (record.container_title or etype not in NEEDS_CONTAINER):
        return BIBLATEX_TYPE.get(etype, etype) if dialect == "biblatex" else etype
    if dialect == "biblatex" and record.type in BIBLATEX_OWN:
        return BIBLATEX_OWN[record.type]
    return "online" if dialect == "biblatex" and record.arxiv_id else "misc"


def _braced(value: str) -> str:
    return "{" + value + "}"


def _year(record: Record) -> str | None:
    """BibTeX's `year`: the year, a range of years, or the date's text ("in press")."""
    if record.issued:
        end = (
            f"--{record.issued_end[0]}"
            if record.issued_end and record.issued_end[0] != record.issued[0]
            else ""
        )
        return f"{record.issued[0]}{end}"
    return record.issued_literal


# biblatex's shortjournal and shortseries: BibTeX's styles know neither (--venue short instead)
BIBLATEX_SHORT = frozenset({"container-title-short", "collection-title-short"})


def _typed(
    record: Record, options: WriteOptions, lost: set[str] | None
) -> list[tuple[str, str, str | None]]:
    """Every field of the record rendered from its typed value: (name, value as written with
    its delimiters, the record field it comes from; None for the input's own extra fields)."""
    dialect = options.dialect
    ascii_only = options.ascii_only if options.ascii_only is not None else dialect == "bibtex"
    etype = entry_type(record, dialect).lower()
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

    out: list[tuple[str, str, str | None]] = []

    def put(name: str, attribute: str, make: Callable[[], str]) -> None:
        value = as_written(name, attribute)
        out.append((name, _braced(value if value is not None else make()), attribute))

    def people(names: list[Name], et_al: bool = False) -> str:
        return " and ".join([_name(n, tex) for n in names] + (["others"] if et_al else []))

    if record.authors:
        put("author", "authors", lambda: people(record.authors, record.et_al))
    for role, names in record.names.items():
        name = ROLE_TO_FIELD.get(role, role)  # a role BibTeX has no field for: its CSL name
        if names and _FIELD_NAME.match(name):
            put(name, role, lambda r=role: people(record.names[r]))  # type: ignore[misc]
    if record.title:
        put("title", "title", lambda: tex(record.title or "", protect=True))
    if record.container_title:
        if etype == "article":
            name = "journal" if dialect == "bibtex" else "journaltitle"
        elif etype in ("inproceedings", "incollection", "inbook", "inreference", "bookinbook"):
            name = "booktitle"
        else:
            name = "howpublished"
        venue = record.container_title or ""
        short = record.vars.get("container-title-short")
        if options.venue == "short" and short:
            venue = short
        put(name, "container_title", lambda: tex(venue, protect=True))
    if record.volume:
        put("volume", "volume", lambda: tex(record.volume or ""))
    if record.issue:
        put("number", "issue", lambda: tex(record.issue or ""))
    for var in ("number", "collection-number"):
        if record.vars.get(var) and not any(n == "number" for n, _, _ in out):
            put("number", var, lambda v=var: tex(record.vars[v]))  # type: ignore[misc]
    if record.page:
        put("pages", "page", lambda: tex((record.page or "").replace("–", "-")).replace("-", "--"))
    if record.issued and dialect == "biblatex":
        date = Date(parts=record.issued, end=record.issued_end or ())
        out.append(("date", _braced(date.iso()), "issued"))
    elif record.issued or record.issued_literal:
        out.append(("year", _braced(tex(_year(record) or "")), "issued"))
        if record.issued and len(record.issued) > 1 and 1 <= record.issued[1] <= 12:
            month = MONTH_NAMES[record.issued[1] - 1]  # a macro: no braces
            out.append(("month", month, "issued"))
    # biblatex's data model has no publisher for @article, and a preprint server is no
    # publisher: a source's is written only where it belongs; the user's own always
    data = record.type in ("software", "dataset")  # its repository publishes it (Zenodo)
    if record.publisher and (
        (record.curated and record.from_input("publisher"))
        or data
        or (etype not in ("misc", "online") and (dialect == "bibtex" or etype != "article"))
    ):
        where = "organization" if data and etype in ("misc", "software") else None
        put(where or _publisher_field(etype, dialect), "publisher",
            lambda: tex(record.publisher or ""))  # fmt: skip
    # biblatex has no pmid or pmcid field: a PubMed id is its `eprint` of type pubmed (when
    # no arXiv id holds the eprint); a PMC id, for which it has no place, keeps its CSL name
    # (biber passes it by; only --validate-datamodel names it)
    pubmed = (
        dialect == "biblatex"
        and not record.arxiv_id
        and bool(record.vars.get("PMID"))
        and not record.from_input("PMID")
    )
    for var, value in record.vars.items():
        if var in ("number", "collection-number") or not value:
            continue
        if pubmed and var == "PMID":
            continue
        if var in BIBLATEX_SHORT and dialect == "bibtex" and not record.from_input(var):
            continue  # biblatex's shortjournal: BibTeX's styles know none (--venue short)
        name = VAR_TO_FIELD[var][dialect == "biblatex"] if var in VAR_TO_FIELD else var
        if _FIELD_NAME.match(name):
            put(name, var, lambda v=value: tex(v))  # type: ignore[misc]
    for var, date in record.dates.items():
        name = DATE_TO_FIELD.get(var, var)
        if _FIELD_NAME.match(name):
            out.append((name, _braced(tex(date.iso())), var))
    doi = record.doi_to_write
    if doi:
        out.append(("doi", _braced(verbatim(doi)), "doi"))
    if record.url:
        out.append(("url", _braced(verbatim(record.url)), "url"))
    if pubmed:
        put("eprint", "PMID", lambda: verbatim(record.vars["PMID"]))
        out.append(("eprinttype", "{pubmed}", "PMID"))
    if record.arxiv_id:
        put("eprint", "arxiv_id", lambda: verbatim(record.arxiv_id or ""))
        if dialect == "bibtex":
            put("archiveprefix", "arxiv_id", lambda: "arXiv")
            if record.arxiv_class:
                put("primaryclass", "arxiv_id", lambda: verbatim(record.arxiv_class or ""))
        # Zotero's BibTeX import keeps the arXiv id only when eprinttype names arXiv.
        out.append(("eprinttype", "{arxiv}", "arxiv_id"))
        if dialect == "biblatex" and record.arxiv_class:
            out.append(("eprintclass", _braced(verbatim(record.arxiv_class)), "arxiv_id"))
        if dialect == "biblatex" and etype == "online":
            out.append(("pubstate", "{prepublished}", "arxiv_id"))
    if record.note and record.from_input("note"):
        put("note", "note", lambda: tex(record.note or ""))
    if record.abstract and (
        options.abstracts
        or doubtful(record.status)
        or (record.curated and record.from_input("abstract"))
    ):
        put("abstract", "abstract", lambda: tex(record.abstract or ""))
    if record.attachments:  # JabRef's form, paths as given (Better BibTeX and Zotero read it)
        files = [(a.title, a.path or a.url or "", a.mime) for a in record.attachments]
        out.append(("file", _braced(file_field(files)), "attachments"))
    if record.collections:
        put("groups", "collections", lambda: tex(", ".join(record.collections)))
    if record.notes and "annote" not in record.vars:  # a Zotero item's child notes
        name = "annotation" if dialect == "biblatex" else "annote"
        put(name, "notes", lambda: tex("\n\n".join(record.notes)))
    written = {name for name, _, _ in out}
    for name, value in record.extra.items():
        if name in written or not _FIELD_NAME.match(name):
            continue
        if name in PREPRINT_VENUE_FIELDS and not record.from_input("type"):
            continue  # "arXiv preprint ..." of an entry bibx turned into its published version
        written.add(name)
        latex = record.markup[name] if own and name in record.markup else tex(value)
        out.append((name, _braced(latex), None))
    # bibx's own bookkeeping, in fields bibtex ignores (biber's data model does not know them:
    # in the biblatex dialect they are written only on request)
    if options.annotate or (doubtful(record.status) and dialect == "bibtex"):
        out.append(("bibxstatus", _braced(record.status), BIBX))
        if record.confidence is not None:
            out.append(("bibxconfidence", _braced(f"{record.confidence:.2f}"), BIBX))
    return out


BIBX = "bibx"  # the key of bibx's own bookkeeping fields


def _publisher_field(etype: str, dialect: str) -> str:
    """Where an entry type names its publisher: a thesis's school, a report's institution."""
    if etype in ("phdthesis", "mastersthesis", "thesis"):
        return "school" if dialect == "bibtex" else "institution"
    if etype in ("techreport", "report"):
        return "institution"
    return "publisher"


# BibLaTeX's names for fields classic BibTeX does not read: in the BibTeX dialect they are
# written in BibTeX's words (`date` as `year` and `month`), even for a field the user wrote.
_RENAMED_FOR_BIBTEX = frozenset({"date", "journaltitle", "location"})


def _as_written(
    record: Record, typed: list[tuple[str, str, str | None]], options: WriteOptions
) -> list[tuple[str, str]]:
    """A .bib entry written back: every field as the user wrote it (name, value, order, a
    field given twice), except those whose value bibx changed, rendered where they stood;
    then the fields bibx added. Nothing the input did not have is added by a mere conversion."""
    rendered: dict[str, list[tuple[str, str]]] = {}
    for name, value, source in typed:
        if source is not None:
            rendered.setdefault(source, []).append((name, value))
    out: list[tuple[str, str]] = []
    placed: set[str] = set()
    for field in record.raw:
        source = field.feeds
        renamed = options.dialect == "bibtex" and field.name.lower() in _RENAMED_FOR_BIBTEX
        if source is None or (not record.changed(source) and not renamed):
            out.append((field.name, field.value))
        elif source not in placed:
            placed.add(source)
            out.extend(rendered.get(source, []))
    fed = {field.feeds for field in record.raw}
    found = record.status == "resolved"  # what a source gave, or bibx derived from it (a DOI)
    for source, pairs in rendered.items():
        added = record.changed(source) or (found and not record.from_input(source))
        if source not in placed and source not in fed and (source == BIBX or added):
            names = {name.lower() for name, _ in out}
            out.extend((name, value) for name, value in pairs if name not in names)
    return out


def typed_fields(record: Record, options: WriteOptions) -> list[tuple[str, str]]:
    """Every field rendered from the record's values (name, value with its delimiters), the
    user's LaTeX kept where a value is the user's: what `bibx enrich` compares with a file."""
    return [(name, value) for name, value, _ in _typed(record, options, None)]


def fields(
    record: Record, options: WriteOptions, lost: set[str] | None = None
) -> list[tuple[str, str]]:
    """(name, value as written, delimiters included) pairs: a .bib entry's own fields as its
    user wrote them, or, for a record from elsewhere, in the order a careful person would."""
    if record.input_form == NAME and record.raw:
        if _untouched(record, options):  # a mere conversion: the entry as written, at once
            return [(field.name, field.value) for field in record.raw]
        return _as_written(record, _typed(record, options, lost), options)
    return [(name, value) for name, value, _ in _typed(record, options, lost)]


def _untouched(record: Record, options: WriteOptions) -> bool:
    """Is the entry to be written exactly as read: nothing changed, nothing added, nothing to
    rename for classic BibTeX, no bookkeeping asked for?"""
    if record.status != "input" or options.annotate:
        return False
    if any(given != "input" for given in record.provenance.values()):
        return False
    return options.dialect != "bibtex" or not any(
        field.name.lower() in _RENAMED_FOR_BIBTEX for field in record.raw
    )


def _comment(record: Record, options: WriteOptions | None = None) -> str:
    """A line above a doubtful entry saying why (and, with --annotate, above a retracted or
    withdrawn work saying so); BibTeX and biber skip text between entries."""
    notice = record.retraction
    if notice is not None and options is not None and options.annotate:
        what = "withdrawn" if notice.kind == "withdrawal" else "retracted"
        line = re.sub(r"\s+", " ", f"{what}: {notice.describe()}").replace("@", "(at)")
        return f"% bibx: {line[:300]}\n" + _comment(record)
    if not doubtful(record.status):
        return ""
    why = re.sub(r"\s+", " ", f"{record.status}: {record.reason or ''}").replace("@", "(at)")
    return f"% bibx: {why[:300]}\n"


def _entry(record: Record, key: str, options: WriteOptions, lost: set[str]) -> str:
    pairs = fields(record, options, lost)
    width = max(len(name) for name, _ in pairs) if pairs else 0
    body = ",\n".join(f"  {name.ljust(width)} = {value}" for name, value in pairs)
    return (
        f"{_comment(record, options)}@{entry_type(record, options.dialect)}{{{key},\n{body}\n}}\n"
    )


def write(records: list[Record], options: WriteOptions | None = None) -> WriteResult:
    options = options or WriteOptions()
    if options.dialect not in DIALECTS:
        raise ValueError(f"unknown BibTeX dialect {options.dialect!r}")
    # a .bib entry's key as written, even none (`@misc{,`: BibTeX prints it so)
    keys = [
        "" if r.input_form == NAME and r.key is not None and not r.key.strip() else key
        for r, key in zip(records, keys_for(records, options), strict=True)
    ]
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
    for block in options.preamble:
        pieces.append(block.strip() + "\n\n")
    for n, entry in enumerate(entries):
        pieces.append(entry if n == 0 else "\n" + entry)
    return WriteResult(pieces, warnings)
