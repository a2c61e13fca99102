"""Zotero RDF, as Zotero's "Zotero RDF" export writes it (and as bibx writes it).

The mapping follows Zotero's own importer (RDF.js): an item is a top-level node with a
`z:itemType` other than attachment or note; container fields (publication title, volume, issue,
DOI) are read from the `dcterms:isPartOf` node, inline or referenced (`urn:issn:…`), then from
the item itself; Extra (`dc:description`) gives the arXiv id and class and bibx's own facts.
"""

from __future__ import annotations

import contextlib
import re
from datetime import datetime

from lxml import etree

from bibx.errors import BibxError
from bibx.ids import identify, identify_all
from bibx.model import Name, Record
from bibx.readers import ReadResult
from bibx.text import page_range, squash
from bibx.vocab.zotero import ITEM_TO_CSL, NS, SKIPPED_ITEMS
from bibx.xmlsafe import parse_xml

NAME = "zotero-rdf"

ABOUT = f"{{{NS['rdf']}}}about"
RESOURCE = f"{{{NS['rdf']}}}resource"


def sniff(text: str) -> bool:
    head = text[:4096]
    return "<rdf:RDF" in head and "zotero.org/namespaces/export" in head


def _text(node: etree._Element | None, path: str) -> str | None:
    if node is None:
        return None
    found = node.find(path, NS)
    if found is None or not found.text or not found.text.strip():
        return None
    return squash(found.text)


def _date(value: str | None) -> tuple[int, ...] | None:
    """Zotero's free-form dates: 2024-12-01, 2024-08, 2023, "November 25, 2023", "12/2012"."""
    if not value:
        return None
    iso = re.fullmatch(r"(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", value.strip())
    if iso:
        return tuple(int(p) for p in iso.groups() if p)
    slash = re.fullmatch(r"(\d{1,2})/(\d{4})", value.strip())
    if slash:
        return (int(slash.group(2)), int(slash.group(1)))
    for form in ("%B %d, %Y", "%b %d, %Y", "%B %Y", "%d %B %Y"):
        try:
            when = datetime.strptime(value.strip(), form)
        except ValueError:
            continue
        return (when.year, when.month) if "%d" not in form else (when.year, when.month, when.day)
    year = re.search(r"\b(\d{4})\b", value)
    return (int(year.group(1)),) if year else None


def _names(item: etree._Element) -> list[Name]:
    out = []
    for person in item.findall("bib:authors/rdf:Seq/rdf:li/foaf:Person", NS):
        family, given = _text(person, "foaf:surname"), _text(person, "foaf:givenName")
        if given or (family and " " not in family):
            out.append(Name(family=family, given=given))
        elif family:
            out.append(Name(literal=family))  # a single-field name: a collective
    return out


def _identifiers(node: etree._Element | None) -> dict[str, str]:
    """`dc:identifier` literals such as "DOI 10.1145/…" and "ISSN 2666-8270"."""
    out: dict[str, str] = {}
    if node is None:
        return out
    for element in node.findall("dc:identifier", NS):
        if element.text and " " in element.text.strip():
            kind, _, value = element.text.strip().partition(" ")
            out.setdefault(kind.upper(), value.strip())
    return out


_EXTRA_FIELD = re.compile(r"^([a-z][a-z0-9_.+-]*): (.+)$")


def _apply_extra(record: Record, extra: str) -> None:
    """Zotero's Extra, one fact a line: the citation key, the arXiv line, bibx's own lines and
    `field: value` lines (fields Zotero has no place for); other lines are the note."""
    notes = []
    for line in extra.splitlines():
        line = line.strip()
        arxiv = re.fullmatch(r"arXiv:\s*(\S+)(?:\s+\[([^\]]+)\])?", line)
        found = identify(arxiv.group(1)) if arxiv else None
        field = _EXTRA_FIELD.match(line)
        if found and found.arxiv_id:
            record.arxiv_id, record.arxiv_version = found.arxiv_id, found.arxiv_version
            record.arxiv_class = record.arxiv_class or (arxiv.group(2) if arxiv else None)
        elif line.lower().startswith("citation key: "):
            record.key = line.split(": ", 1)[1].strip() or record.key
        elif line.startswith("version: ") and line[9:].isdigit():
            record.arxiv_version = int(line[9:])
        elif line.startswith("bibx-confidence: "):
            with contextlib.suppress(ValueError):
                record.confidence = float(line.split(": ", 1)[1])
        elif line.startswith("arXiv journal-ref: "):
            record.journal_ref = line.split(": ", 1)[1]
        elif line.startswith(("bibx-status: ", "bibx-reason: ")):
            continue  # bibx's own verdict of an earlier run: decided again now
        elif field:
            record.extra[field.group(1)] = field.group(2)
        elif line:
            notes.append(line)
    if notes:
        record.note = "\n".join(notes)


def item_to_record(
    item: etree._Element, containers: dict[str, etree._Element], origin: str
) -> Record:
    ztype = _text(item, "z:itemType") or ""
    part = item.find("dcterms:isPartOf", NS)
    container = None
    if part is not None:
        container = (
            containers.get(part.get(RESOURCE, ""))
            if part.get(RESOURCE)
            else (part[0] if len(part) else None)
        )
    ids = {**_identifiers(item), **_identifiers(container)}
    url = _text(item, "dc:identifier/dcterms:URI/rdf:value")
    title = _text(item, "dc:title")
    if title:  # Zotero's rich text back to TeX math, as bibx keeps titles
        title = re.sub(r"<sup>(.*?)</sup>", r"$^{\1}$", title)
        title = re.sub(r"<sub>(.*?)</sub>", r"$_{\1}$", title)
    record = Record(
        type=ITEM_TO_CSL.get(ztype, "article"),
        title=title,
        authors=_names(item),
        issued=_date(_text(item, "dc:date")),
        container_title=_text(container, "dc:title"),
        volume=_text(container, "prism:volume") or _text(item, "prism:volume"),
        issue=_text(container, "prism:number") if container is not None else None,
        page=_text(item, "bib:pages"),
        publisher=_text(item, "dc:publisher/foaf:Organization/foaf:name"),
        url=url,
        abstract=_text(item, "dcterms:abstract"),
        categories=[
            squash(v.text)
            for v in item.findall("dc:subject/z:AutomaticTag/rdf:value", NS)
            if v.text
        ],
        key=None,
        origin=origin,
        input_form=NAME,
        input_type=ztype,
        curated=True,
    )
    if record.page:
        record.page = page_range(record.page)
    found = identify_all(_text(item, "prism:number"), ids.get("DOI"))
    record.doi, record.arxiv_id, record.arxiv_version = (
        found.doi,
        found.arxiv_id,
        found.arxiv_version,
    )
    extra = item.find("dc:description", NS)
    if extra is not None and extra.text:
        _apply_extra(record, extra.text)
    series = _text(container, "dcterms:isPartOf/bib:Series/dc:title")
    if series:
        record.extra["series"] = series
    tags = [squash(t.text) for t in item.findall("dc:subject", NS) if t.text and t.text.strip()]
    if tags:  # manual tags, plain literals (automatic ones are arXiv's categories, above)
        record.extra["keywords"] = ", ".join(tags)
    return record.mark("input")


def read(text: str, input_name: str) -> ReadResult:
    result = ReadResult()
    try:
        root = parse_xml(text.encode("utf-8"), "Zotero RDF")
    except BibxError as exc:
        result.problems.append(f"{input_name}: {exc}")
        return result
    containers = {str(node.get(ABOUT)): node for node in root if node.get(ABOUT)}
    for index, node in enumerate(root, start=1):
        ztype = _text(node, "z:itemType")
        if ztype is None or ztype in SKIPPED_ITEMS:
            continue
        origin = f"{input_name}:{node.sourceline or index}"
        try:
            result.records.append(item_to_record(node, containers, origin))
        except Exception as exc:  # one odd item must never sink the file
            result.problems.append(f"{origin}: skipped a {ztype} item: {exc}")
    return result
