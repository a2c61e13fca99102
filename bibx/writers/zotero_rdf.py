"""Zotero RDF, in the shape Zotero's own "Zotero RDF" export writes and its RDF.js import reads.

Journal articles are `bib:Article` with a `bib:Journal` container; conference papers and preprints
are `rdf:Description` (Zotero's exporter has no rdf:type for them); `z:itemType` comes first.
Container-level fields (publication title, volume, issue, DOI) sit on the container when there is
one, else on the item, exactly where Zotero's importer looks for them. What Zotero has no field for
goes into Extra (`dc:description`). See docs/field-mapping.md.
"""

from __future__ import annotations

import re

from bibx.keys import assign_keys
from bibx.model import Record
from bibx.text import render_math
from bibx.vocab.zotero import CSL_TO_ITEM, NS
from bibx.writers import WriteOptions, WriteResult, doubtful

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
    if _NOT_XML.search(text):
        text = _NOT_XML.sub("", text)  # control characters cannot appear in XML 1.0
    parent.children.append(f"<{name}>{text.translate(_TEXT_ESCAPES)}</{name}>")


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


def extra(record: Record, key: str | None = None, options: WriteOptions | None = None) -> str:
    """Zotero's Extra: the citation key where Zotero 7 and Better BibTeX read it, the arXiv line
    Zotero itself writes, the input's note and fields Zotero has no place for, then bibx's own
    facts for doubtful entries (or all, with --annotate)."""
    options = options or WriteOptions()
    lines = [f"Citation Key: {key}"] if key else []
    if record.arxiv_id:
        cls = f" [{record.arxiv_class}]" if record.arxiv_class else ""
        lines.append(f"arXiv:{record.arxiv_id}{cls}")
        if record.arxiv_version:
            lines.append(f"version: {record.arxiv_version}")
    if record.journal_ref:
        lines.append(f"arXiv journal-ref: {record.journal_ref}")
    if record.note and record.from_input("note"):
        lines.append(record.note)
    for name, value in record.extra.items():
        if name not in ("keywords", "series"):  # the item's tags; the container's series
            lines.append(f"{name}: {' '.join(value.split())}")
    if options.annotate or doubtful(record.status):
        lines.append(f"bibx-status: {record.status}")
        if record.confidence is not None:
            lines.append(f"bibx-confidence: {record.confidence:.2f}")
        if record.reason and record.status != "resolved":
            lines.append(f"bibx-reason: {record.reason}")
    return "\n".join(lines)


def _tags(record: Record) -> list[str]:
    """The input's keywords, as Zotero's BibTeX import splits them (on commas)."""
    return [t.strip() for t in record.extra.get("keywords", "").split(",") if t.strip()]


def _item(
    record: Record,
    index: int,
    used: set[str],
    key: str,
    options: WriteOptions,
) -> _Node:
    """The record as a Zotero item element."""
    ztype = item_type(record)
    about = record.url if record.url and record.url not in used else f"#item_{index}"
    used.add(about)
    node = _Node("bib:Article" if ztype == "journalArticle" else "rdf:Description")
    node.about = about
    _leaf(node, "z:itemType", ztype)
    doi = record.doi_to_write
    if ztype in ("journalArticle", "conferencePaper"):
        container = _sub(_sub(node, "dcterms:isPartOf"), "bib:Journal")
        holder = container
        if record.extra.get("series"):  # where Zotero's export puts a proceedings series
            series = _sub(_sub(container, "dcterms:isPartOf"), "bib:Series")
            _leaf(series, "dc:title", record.extra["series"])
        _leaf(container, "dc:title", record.container_title or "")
    else:
        holder = node
        if ztype == "preprint" and (record.publisher or record.arxiv_id):
            org = _sub(_sub(node, "dc:publisher"), "foaf:Organization")
            _leaf(org, "foaf:name", record.publisher or "arXiv")
    if record.volume:
        _leaf(holder, "prism:volume", record.volume)
    if record.issue and ztype == "journalArticle":
        _leaf(holder, "prism:number", record.issue)
    if doi:
        _leaf(holder, "dc:identifier", f"DOI {doi}")
    if record.publisher and ztype in ("journalArticle", "conferencePaper"):
        org = _sub(_sub(node, "dc:publisher"), "foaf:Organization")
        _leaf(org, "foaf:name", record.publisher)
    if record.authors:
        seq = _sub(_sub(node, "bib:authors"), "rdf:Seq")
        for name in record.authors:
            person = _sub(_sub(seq, "rdf:li"), "foaf:Person")
            # A collective is a single-field name: surname only, as Zotero writes it.
            _leaf(person, "foaf:surname", name.literal or name.family or "")
            if name.given and not name.literal:
                _leaf(person, "foaf:givenName", name.given)
    for tag in _tags(record):
        _leaf(node, "dc:subject", tag)  # a plain literal: a tag the user gave
    for category in record.categories:
        automatic = _sub(_sub(node, "dc:subject"), "z:AutomaticTag")
        _leaf(automatic, "rdf:value", category)
    if record.title:
        _leaf(node, "dc:title", render_math(record.title))
    if record.abstract:
        _leaf(node, "dcterms:abstract", render_math(record.abstract))
    date = _date(record.issued)
    if date:
        _leaf(node, "dc:date", date)
    if record.url:
        uri = _sub(_sub(node, "dc:identifier"), "dcterms:URI")
        _leaf(uri, "rdf:value", record.url)
    if record.page:
        _leaf(node, "bib:pages", record.page)
    _leaf(node, "dc:description", extra(record, key, options))
    if ztype == "preprint" and record.arxiv_id:
        _leaf(node, "prism:number", f"arXiv:{record.arxiv_id}")
    return node


def write(records: list[Record], options: WriteOptions | None = None) -> WriteResult:
    options = options or WriteOptions()
    used: set[str] = set()
    keys = assign_keys(records)
    namespaces = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NS.items())
    out = [f"<rdf:RDF {namespaces}>" if records else f"<rdf:RDF {namespaces}/>"]
    for index, (record, key) in enumerate(zip(records, keys, strict=True), start=1):
        lines: list[str] = []
        # one item at a time: never the whole document's nodes
        _item(record, index, used, key, options).lines(lines, 1)
        out.append("\n" + "\n".join(lines))
    out.append("\n</rdf:RDF>\n" if records else "\n")
    return WriteResult(out)
