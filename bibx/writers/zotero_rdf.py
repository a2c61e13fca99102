"""Zotero RDF, in the shape Zotero's own "Zotero RDF" export writes and its RDF.js import reads.

Journal articles are `bib:Article` with a `bib:Journal` container; conference papers and preprints
are `rdf:Description` (Zotero's exporter has no rdf:type for them); `z:itemType` comes first.
Container-level fields (publication title, volume, issue, DOI) sit on the container when there is
one, else on the item, exactly where Zotero's importer looks for them. What Zotero has no field for
goes into Extra (`dc:description`). See docs/field-mapping.md.
"""

from __future__ import annotations

import html
import re
from pathlib import PurePath
from urllib.parse import quote

from bibx.model import Attachment, Date, Name, Record
from bibx.text import render_math
from bibx.vocab.zotero import (
    BIB_CREATORS,
    CREATORS,
    CSL_TO_ITEM,
    DATE_TO_FIELD,
    FIELDS,
    NS,
    RDF_CLASS,
    ROLE_TO_CREATOR,
    VAR_TO_FIELD,
)
from bibx.writers import WriteOptions, WriteResult, doubtful, keys_for

NAME = "zotero-rdf"
EXTENSION = ".rdf"


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"})
_ATTR_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                               "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"})  # fmt: skip


class _Node:
    """An element of the document: built and written here, as lxml would write it indented
    (tests/test_writers.py checks the two agree), at a fifth of lxml's cost for 10,000 items.
    Its children are elements or, for elements of text only, their markup ready to indent."""

    __slots__ = ("about", "children", "tag")

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.about: str | None = None
        self.children: list[_Node | str] = []

    def lines(self, out: list[str], depth: int) -> None:
        pad = "    " * depth
        about = f' rdf:about="{self.about.translate(_ATTR_ESCAPES)}"' if self.about else ""
        if not self.children:
            out.append(f"{pad}<{self.tag}{about}/>")
            return
        out.append(f"{pad}<{self.tag}{about}>")
        inner = pad + "    "
        for child in self.children:
            if type(child) is str:
                out.append(inner + child)
            else:
                child.lines(out, depth + 1)  # type: ignore[union-attr]  # a _Node
        out.append(f"{pad}</{self.tag}>")


def _sub(parent: _Node, name: str) -> _Node:
    """A new element of elements, the last child of `parent`."""
    element = _Node(name)
    parent.children.append(element)
    return element


def _leaf(parent: _Node, name: str, text: str) -> None:
    """A new element of text, the last child of `parent`."""
    parent.children.append(_element(name, text))


def _element(name: str, text: str) -> str:
    """An element of text, rendered."""
    if _NOT_XML.search(text):
        text = _NOT_XML.sub("", text)  # control characters cannot appear in XML 1.0
    return f"<{name}>{text.translate(_TEXT_ESCAPES)}</{name}>"


def item_type(record: Record) -> str:
    if record.type == "article-journal" and record.container_title:
        return "journalArticle"
    if record.type == "paper-conference" and record.container_title:
        return "conferencePaper"
    if record.arxiv_id or (record.type == "article" and record.status == "resolved"):
        return "preprint"
    return CSL_TO_ITEM.get(record.type, "document")


def _date(issued: tuple[int, ...] | None) -> str | None:
    if not issued:
        return None
    return "-".join(f"{p:02d}" if i else f"{p:04d}" for i, p in enumerate(issued))


def _issued(record: Record) -> str | None:
    """Zotero's date: ISO, a range as Zotero reads it (`1997/2018`), or the text as given."""
    if record.issued:
        return Date(parts=record.issued, end=record.issued_end or ()).iso()
    return record.issued_literal


def _fields(record: Record, ztype: str) -> tuple[dict[str, str], list[str]]:
    """The record's variables as Zotero fields of this item type (base names), and the lines
    for Extra of those the type has no field for (`csl-variable: value`, as Zotero reads)."""
    valid = FIELDS.get(ztype, FIELDS["document"])
    out: dict[str, str] = {}
    lines: list[str] = []
    for var, value in record.vars.items():
        field = VAR_TO_FIELD.get(var)
        if field == "type" and ztype == "preprint":
            field = None  # a preprint's genre is its server's word, not an input's `type`
        if field and field in valid and field not in out:
            out[field] = value
        elif var not in ("keyword", "annote"):  # the tags; a child note
            lines.append(f"{var}: {' '.join(value.split())}")
    for var, date in record.dates.items():
        field = DATE_TO_FIELD.get(var)
        if field and (field in valid or field == "accessDate"):
            out[field] = date.iso()
        else:
            lines.append(f"{var}: {date.iso()}")
    return out, lines


def extra(
    record: Record,
    key: str | None = None,
    options: WriteOptions | None = None,
    lines_for_extra: list[str] | None = None,
) -> str:
    """Zotero's Extra: the citation key where Zotero 7 and Better BibTeX read it, the arXiv line
    Zotero itself writes, the input's note and fields Zotero has no place for, then bibx's own
    facts for doubtful entries (or all, with --annotate)."""
    options = options or WriteOptions()
    ztype = item_type(record)
    lines = [f"Citation Key: {key}"] if key else []
    if record.arxiv_id:
        cls = f" [{record.arxiv_class}]" if record.arxiv_class else ""
        lines.append(f"arXiv:{record.arxiv_id}{cls}")
        if record.arxiv_version:
            lines.append(f"version: {record.arxiv_version}")
    if record.journal_ref:
        lines.append(f"arXiv journal-ref: {record.journal_ref}")
    doi = record.doi_to_write
    if doi and "DOI" not in FIELDS.get(ztype, FIELDS["document"]):
        lines.append(f"DOI: {doi}")  # where Zotero keeps a DOI its type has no field for
    lines.extend(_fields(record, ztype)[1] if lines_for_extra is None else lines_for_extra)
    valid_roles = CREATORS.get(ztype, ("author", "contributor", "editor", "translator"))
    for role, people in record.names.items():
        if ROLE_TO_CREATOR.get(role) not in valid_roles:
            for person in people:  # Zotero's Extra form of a creator: `editor: Family || Given`
                name = person.literal or " || ".join(p for p in (person.family, person.given) if p)
                lines.append(f"{role}: {name}")
    if record.issued_literal and not record.issued:
        lines.append(f"issued: {record.issued_literal}")
    if record.note and record.from_input("note"):
        lines.append(record.note)  # CSL's note is Zotero's Extra: a style prints it
    for name, value in record.extra.items():
        if name not in ("keywords", "comment"):  # the item's tags; a child note
            lines.append(f"{name}: {' '.join(value.split())}")
    if options.annotate or doubtful(record.status):
        lines.append(f"bibx-status: {record.status}")
        if record.confidence is not None:
            lines.append(f"bibx-confidence: {record.confidence:.2f}")
        if record.reason and record.status != "resolved":
            lines.append(f"bibx-reason: {record.reason}")
    return "\n".join(lines)


def _tags(record: Record) -> list[str]:
    """The input's keywords, as Zotero's BibTeX import splits them (on commas, semicolons)."""
    words = record.vars.get("keyword") or record.extra.get("keywords", "")
    return [t.strip() for t in re.split(r"[,;]", words) if t.strip()]


def _people(node: _Node, creator: str, names: list[Name]) -> None:
    """A creator list, rendered as its lines (indented within the item): a bibliography's
    most numerous elements, so no node is made for each."""
    tag = f"bib:{creator}s" if creator in BIB_CREATORS else f"z:{creator}s"
    lines = [f"<{tag}>", "    <rdf:Seq>"]
    for name in names:
        lines += ["        <rdf:li>", "            <foaf:Person>"]
        # A collective is a single-field name: surname only, as Zotero writes it.
        lines.append(
            "                " + _element("foaf:surname", name.literal or name.family or "")
        )
        if name.given and not name.literal:
            lines.append("                " + _element("foaf:givenName", name.given))
        lines += ["            </foaf:Person>", "        </rdf:li>"]
    node.children += [*lines, "    </rdf:Seq>", f"</{tag}>"]


# the containers Zotero's importer looks for, by item type
_CONTAINER = {"journalArticle": "bib:Journal", "conferencePaper": "bib:Journal",
              "bookSection": "bib:Book"}  # fmt: skip


def _item(
    record: Record,
    index: int,
    used: set[str],
    key: str,
    options: WriteOptions,
) -> tuple[_Node, list[_Node]]:
    """The record as a Zotero item element, each field where Zotero's RDF import reads it, and
    its child notes and attachments (top-level elements the item points to)."""
    ztype = item_type(record)
    fields, for_extra = _fields(record, ztype)
    valid = FIELDS.get(ztype, FIELDS["document"])
    about = record.url if record.url and record.url not in used else f"#item_{index}"
    used.add(about)
    node = _Node(RDF_CLASS.get(ztype, "rdf:Description"))
    node.about = about
    _leaf(node, "z:itemType", ztype)
    doi = record.doi_to_write if "DOI" in valid else None
    holder = node
    if ztype in _CONTAINER:
        holder = _sub(_sub(node, "dcterms:isPartOf"), _CONTAINER[ztype])
    series_holder = holder
    if fields.get("series") or fields.get("seriesNumber") or fields.get("seriesTitle"):
        series = _sub(_sub(series_holder, "dcterms:isPartOf"), "bib:Series")
        for field, tag in (("series", "dc:title"), ("seriesTitle", "dcterms:alternative"),
                           ("seriesNumber", "dc:identifier")):  # fmt: skip
            if fields.get(field):
                _leaf(series, tag, fields[field])
    if holder is not node:
        _leaf(holder, "dc:title", record.container_title or "")
    if fields.get("journalAbbreviation"):
        _leaf(holder, "dcterms:alternative", fields["journalAbbreviation"])
    if record.volume:
        _leaf(holder, "prism:volume", record.volume)
    if record.issue and ztype in ("journalArticle", "conferencePaper"):
        _leaf(holder, "prism:number", record.issue)
    elif fields.get("number") and ztype != "preprint":
        _leaf(holder, "prism:number", fields["number"])
    if doi:
        _leaf(holder, "dc:identifier", f"DOI {doi}")
    for scheme in ("ISBN", "ISSN"):
        if fields.get(scheme):
            _leaf(holder, "dc:identifier", f"{scheme} {fields[scheme]}")
    publisher = record.publisher
    if ztype == "preprint" and record.arxiv_id:
        publisher = publisher or "arXiv"
    if (publisher and "publisher" in valid) or fields.get("place"):
        org = _sub(_sub(node, "dc:publisher"), "foaf:Organization")
        if fields.get("place"):
            address = _sub(_sub(org, "vcard:adr"), "vcard:Address")
            _leaf(address, "vcard:locality", fields["place"])
        if publisher and "publisher" in valid:
            _leaf(org, "foaf:name", publisher)
    if fields.get("conferenceName"):
        conference = _sub(_sub(node, "bib:presentedAt"), "bib:Conference")
        _leaf(conference, "dc:title", fields["conferenceName"])
    if record.authors:
        _people(node, "author", record.authors)
    roles = CREATORS.get(ztype, ("author", "contributor", "editor", "translator"))
    for role, people in record.names.items():
        creator = ROLE_TO_CREATOR.get(role)
        if creator in roles and people:
            _people(node, creator, people)
    for tag in _tags(record):
        _leaf(node, "dc:subject", tag)  # a plain literal: a tag the user gave
    for category in record.categories:
        automatic = _sub(_sub(node, "dc:subject"), "z:AutomaticTag")
        _leaf(automatic, "rdf:value", category)
    if record.title:
        _leaf(node, "dc:title", render_math(record.title))
    if record.abstract:
        _leaf(node, "dcterms:abstract", render_math(record.abstract))
    date = _issued(record) if record.issued else None
    if date:
        _leaf(node, "dc:date", date)
    if fields.get("accessDate"):
        # with no date, Zotero's importer would take dcterms:dateSubmitted as the date
        _leaf(node, "dcterms:dateSubmitted" if date else "z:accessDate", fields["accessDate"])
    if record.url:
        uri = _sub(_sub(node, "dc:identifier"), "dcterms:URI")
        _leaf(uri, "rdf:value", record.url)
    if record.page:
        _leaf(node, "bib:pages", record.page)
    if fields.get("edition") or fields.get("versionNumber"):
        _leaf(node, "prism:edition", fields.get("edition") or fields["versionNumber"])
    if fields.get("archiveLocation"):
        _leaf(node, "dc:coverage", fields["archiveLocation"])
    for field in sorted(fields.keys() - _STRUCTURED):
        _leaf(node, f"z:{field}", fields[field])  # read back by the importer's z: catch-all
    if ztype == "report" and fields.get("number"):
        _leaf(node, "z:reportNumber", fields["number"])  # older importers read no other
    if "citationKey" in valid and key:
        _leaf(node, "z:citationKey", key)  # Zotero 7.1+'s own field; Extra too, for the others
    _leaf(node, "dc:description", extra(record, key, options, for_extra))
    if ztype == "preprint" and record.arxiv_id:
        _leaf(node, "prism:number", f"arXiv:{record.arxiv_id}")
    children: list[_Node] = []
    for number, text in enumerate(_notes(record, options), start=1):
        memo = _Node("bib:Memo")
        memo.about = f"#item_{index}_note_{number}"
        _leaf(memo, "rdf:value", _note_html(text))
        node.children.append(f'<dcterms:isReferencedBy rdf:resource="{_attr(memo.about)}"/>')
        children.append(memo)
    for number, attachment in enumerate(_attachments(record), start=1):
        child = _attachment(attachment, f"#item_{index}_attachment_{number}")
        node.children.append(f'<link:link rdf:resource="{_attr(child.about or "")}"/>')
        children.append(child)
    return node, children


def _attr(text: str) -> str:
    return text.translate(_ATTR_ESCAPES)


def _notes(record: Record, options: WriteOptions) -> list[str]:
    """The item's child notes: the input's annote and comment fields and child notes, and,
    with --annotate, bibx's own remark on how the entry was resolved. (The input's `note` is a
    printed note: it goes to Extra, which is what Zotero gives citeproc as CSL's `note`.)"""
    notes = []
    for text in (record.vars.get("annote"), record.extra.get("comment")):
        if text:
            notes.append(text)
    notes.extend(n for n in record.notes if n not in notes)
    if options.annotate and record.retraction is not None:
        notice = record.retraction
        what = "Withdrawn" if notice.kind == "withdrawal" else "Retracted"
        notes.append(f"{what}: {notice.describe()}")
    if options.annotate and record.reason:
        notes.append(f"bibx: {record.status}: {record.reason}")
    return notes


def _note_html(text: str) -> str:
    """A note as the HTML Zotero keeps notes in: paragraphs, line breaks, text escaped."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "".join(
        "<p>" + html.escape(p.strip(), quote=False).replace("\n", "<br/>") + "</p>"
        for p in paragraphs
    )


# The title Zotero's own arXiv translator gives the PDF it attaches
ARXIV_PDF_TITLE = "Preprint PDF"


def _attachments(record: Record) -> list[Attachment]:
    """The input's attachments, and for an arXiv paper a link to its PDF, as Zotero's arXiv
    translator attaches it (a linked URL: Zotero's "Find Available PDF" is then one click)."""
    out = list(record.attachments)
    if record.arxiv_id:
        version = f"v{record.arxiv_version}" if record.arxiv_version else ""
        pdf = f"https://arxiv.org/pdf/{record.arxiv_id}{version}"
        if not any(a.url == pdf for a in out):
            out.append(Attachment(ARXIV_PDF_TITLE, url=pdf, mime="application/pdf", mode=3))
    return out


def _attachment(attachment: Attachment, about: str) -> _Node:
    node = _Node("z:Attachment")
    node.about = about
    _leaf(node, "z:itemType", "attachment")
    if attachment.path:
        uri = path_uri(attachment.path)
        node.children.append(f'<z:path rdf:resource="{_attr(uri)}"/>')  # Zotero 7's importer
        node.children.append(f'<rdf:resource rdf:resource="{_attr(uri)}"/>')  # and older ones
    if attachment.url:  # rendered as lines: one for each arXiv paper
        value = _element("rdf:value", attachment.url)
        node.children += ["<dc:identifier>", "    <dcterms:URI>", f"        {value}",
                          "    </dcterms:URI>", "</dc:identifier>"]  # fmt: skip
    if attachment.title:
        _leaf(node, "dc:title", attachment.title)
    _leaf(node, "z:linkMode", str(attachment.mode))
    if attachment.mime:
        _leaf(node, "link:type", attachment.mime)
    return node


def path_uri(path: str) -> str:
    """A file's path as the resource Zotero's importer reads: an absolute path as a file URI
    (`/home/me/a.pdf`, `C:\\x\\a.pdf`), a relative one as it is (relative to the .rdf)."""
    if re.match(r"^[A-Za-z]:[\\/]", path):
        return "file:///" + quote(path.replace("\\", "/"), safe="/:")
    if path.startswith("/"):
        return "file://" + quote(path, safe="/")
    return path


def _collections(records: list[Record], abouts: list[str], options: WriteOptions) -> list[_Node]:
    """The collections the items are in, as Zotero's export writes them: each item in the
    collections it came with (a Zotero library's own), else in the run's collection (named
    after the input, or --collection), under it one per input when there are several."""
    members: dict[str, list[str]] = {}
    for record, about in zip(records, abouts, strict=True):
        paths = record.collections or _default_collection(record, options)
        for path in paths:
            members.setdefault(path, []).append(about)
    if not members:
        return []
    every = set(members)
    for path in list(every):  # the parents of a nested collection, if none of their own
        parts = path.split("/")
        every.update("/".join(parts[:n]) for n in range(1, len(parts)))
    ids = {path: f"#collection_{n}" for n, path in enumerate(sorted(every), start=1)}
    nodes = []
    for path in sorted(every):
        node = _Node("z:Collection")
        node.about = ids[path]
        _leaf(node, "dc:title", path.rsplit("/", 1)[-1])
        for child in sorted(p for p in every if p.rsplit("/", 1)[0] == path and "/" in p):
            node.children.append(f'<dcterms:hasPart rdf:resource="{_attr(ids[child])}"/>')
        for about in members.get(path, []):
            node.children.append(f'<dcterms:hasPart rdf:resource="{_attr(about)}"/>')
        nodes.append(node)
    return nodes


def _default_collection(record: Record, options: WriteOptions) -> list[str]:
    if not options.collection:
        return []
    if options.by_input and record.origin:
        source = record.origin.rsplit(":", 1)[0].split("#")[0]
        stem = PurePath(source).stem or source
        return [f"{options.collection}/{stem}"]
    return [options.collection]


# fields written in Zotero's own structures above; the rest go as `z:<field>`
_STRUCTURED = frozenset(
    {"series", "seriesNumber", "seriesTitle", "journalAbbreviation", "number", "ISBN", "ISSN",
     "place", "conferenceName", "accessDate", "edition", "versionNumber", "archiveLocation"}
)  # fmt: skip


def write(records: list[Record], options: WriteOptions | None = None) -> WriteResult:
    options = options or WriteOptions()
    used: set[str] = set()
    keys = keys_for(records, options)
    namespaces = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NS.items())
    out = [f"<rdf:RDF {namespaces}>" if records else f"<rdf:RDF {namespaces}/>"]
    abouts: list[str] = []
    for index, (record, key) in enumerate(zip(records, keys, strict=True), start=1):
        lines: list[str] = []
        # one item at a time: never the whole document's nodes
        node, children = _item(record, index, used, key, options)
        abouts.append(node.about or "")
        for element in (node, *children):
            element.lines(lines, 1)
        out.append("\n" + "\n".join(lines))
    for collection in _collections(records, abouts, options):
        lines = []
        collection.lines(lines, 1)
        out.append("\n" + "\n".join(lines))
    out.append("\n</rdf:RDF>\n" if records else "\n")
    return WriteResult(out)
