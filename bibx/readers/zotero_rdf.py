"""Zotero RDF, as Zotero's "Zotero RDF" export writes it (and as bibx writes it).

The mapping follows Zotero's own importer (RDF.js): an item is a top-level node with a
`z:itemType` other than attachment or note; container fields (publication title, volume, issue,
DOI) are read from the `dcterms:isPartOf` node, inline or referenced (`urn:issn:…`), then from
the item itself; Extra (`dc:description`) gives the arXiv id and class and bibx's own facts.
"""

from __future__ import annotations

import contextlib
import html
import re
from datetime import datetime
from urllib.parse import unquote

from lxml import etree

from bibx.errors import BibxError
from bibx.ids import identify, identify_all
from bibx.model import Attachment, Name, Record, read_date
from bibx.readers import ReadResult
from bibx.text import page_range, squash
from bibx.vocab.csl import DATE_VARS, NAME_VARS, TEXT_VARS
from bibx.vocab.zotero import (
    BIB_CREATORS,
    CREATOR_TO_ROLE,
    FIELD_TO_VAR,
    ITEM_TO_CSL,
    NS,
    SKIPPED_ITEMS,
)
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


def _names(item: etree._Element, tag: str = "bib:authors") -> list[Name]:
    out = []
    for person in item.findall(f"{tag}/rdf:Seq/rdf:li/foaf:Person", NS):
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


_EXTRA_FIELD = re.compile(r"^([A-Za-z][A-Za-z0-9_.+-]*): (.+)$")


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
        elif line.lower().startswith(("citation key: ", "bibtex: ")):  # Better BibTeX's forms
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
        elif field and field.group(1) in TEXT_VARS:  # a CSL variable the type has no field for
            record.vars.setdefault(field.group(1), field.group(2))
        elif field and field.group(1) in NAME_VARS:  # `editor: Family || Given`
            family, _, given = field.group(2).partition(" || ")
            person = Name(family=family, given=given) if given else Name(literal=family)
            record.names.setdefault(field.group(1), []).append(person)
        elif field and field.group(1) in DATE_VARS:
            date = read_date(field.group(2))
            if field.group(1) == "issued" and date is not None and not date.parts:
                record.issued_literal = date.literal
            elif date is not None:
                record.dates[field.group(1)] = date
        elif field and field.group(1).startswith("tex."):  # Better BibTeX's `tex.field: value`
            record.extra[field.group(1)[4:].lower()] = field.group(2)
        elif line.startswith("DOI: ") and record.doi is None:
            record.doi = identify(line[5:]).doi
        elif field and field.group(1)[0].islower():
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
    record.key = _text(item, "z:citationKey") or record.key  # Zotero 7.1+'s own field first
    _read_fields(record, item, container)
    tags = [squash(t.text) for t in item.findall("dc:subject", NS) if t.text and t.text.strip()]
    if tags:  # manual tags, plain literals (automatic ones are arXiv's categories, above)
        record.vars["keyword"] = ", ".join(tags)
    return record.mark("input")


_OWN = ("itemType", "citationKey")  # read on their own


def _read_fields(record: Record, item: etree._Element, container: etree._Element | None) -> None:
    """The fields beyond a paper's, where Zotero's export writes them: series, place, edition,
    identifiers, the conference, other creators, and each `z:<field>`."""
    holder = container if container is not None else item
    series = holder.find("dcterms:isPartOf/bib:Series", NS)
    if series is None:
        series = item.find("dcterms:isPartOf/bib:Series", NS)
    fields: dict[str, str | None] = {
        "series": _text(series, "dc:title"),
        "seriesTitle": _text(series, "dcterms:alternative"),
        "seriesNumber": _text(series, "dc:identifier"),
        "place": _text(
            item, "dc:publisher/foaf:Organization/vcard:adr/vcard:Address/vcard:locality"
        ),
        "edition": _text(item, "prism:edition"),
        "journalAbbreviation": _text(holder, "dcterms:alternative"),
        "conferenceName": _text(item, "bib:presentedAt/bib:Conference/dc:title"),
        "archiveLocation": _text(item, "dc:coverage"),
        "accessDate": _text(item, "dcterms:dateSubmitted"),
    }
    ids = {**_identifiers(item), **_identifiers(container)}
    fields["ISBN"], fields["ISSN"] = ids.get("ISBN"), ids.get("ISSN")
    ztype = record.input_type or ""
    if ztype not in ("journalArticle", "conferencePaper", "preprint"):
        fields["number"] = _text(holder, "prism:number")
    for element in item:
        tag = etree.QName(element)
        text = element.text
        if tag.namespace == NS["z"] and text and text.strip() and tag.localname not in _OWN:
            fields[tag.localname] = squash(text)
    if ztype in ("computerProgram", "dataset") and fields.get("edition"):
        fields["versionNumber"] = fields.pop("edition")  # Zotero's importer reads it so
    fields["number"] = fields.get("number") or fields.pop("reportNumber", None)
    for field, value in fields.items():
        if not value:
            continue
        if field == "accessDate":
            date = read_date(value.split(" ")[0])
            if date is not None:
                record.dates["accessed"] = date
        elif field == "originalDate" and (date := read_date(value)) is not None:
            record.dates["original-date"] = date
        elif field in FIELD_TO_VAR:
            record.vars.setdefault(FIELD_TO_VAR[field], value)
        elif field == "seriesTitle":
            record.vars.setdefault("collection-title", value)
    for creator, role in CREATOR_TO_ROLE.items():
        where = f"bib:{creator}s" if creator in BIB_CREATORS else f"z:{creator}s"
        people = _names(item, where)
        if people:
            record.names[role] = people


def read(text: str, input_name: str) -> ReadResult:
    result = ReadResult()
    try:
        root = parse_xml(text.encode("utf-8"), "Zotero RDF")
    except BibxError as exc:
        result.problems.append(f"{input_name}: {exc}")
        return result
    containers = {str(node.get(ABOUT)): node for node in root if node.get(ABOUT)}
    collections = _collections(root)
    for index, node in enumerate(root, start=1):
        ztype = _text(node, "z:itemType")
        if ztype is None or ztype in SKIPPED_ITEMS:
            continue
        origin = f"{input_name}:{node.sourceline or index}"
        try:
            record = item_to_record(node, containers, origin)
            record.collections = collections.get(str(node.get(ABOUT)), [])
            record.notes = _child_notes(node, containers)
            record.attachments = _child_attachments(node, containers)
            result.records.append(record.mark("input"))
        except Exception as exc:  # one odd item must never sink the file
            result.problems.append(f"{origin}: skipped a {ztype} item: {exc}")
    return result


def _collections(root: etree._Element) -> dict[str, list[str]]:
    """Each item's collections, as paths from the top (`Thesis/Chapter 2`), from the
    `z:Collection` nodes and their `dcterms:hasPart` (items and collections) of Zotero's export."""
    nodes = {str(n.get(ABOUT)): n for n in root.findall("z:Collection", NS) if n.get(ABOUT)}
    parent: dict[str, str] = {}
    for about, node in nodes.items():
        for part in node.findall("dcterms:hasPart", NS):
            if part.get(RESOURCE) in nodes:
                parent[str(part.get(RESOURCE))] = about

    def path(about: str) -> str:
        names, seen = [], set()
        while about and about not in seen:  # a cycle in a broken file ends the walk
            seen.add(about)
            names.append((_text(nodes[about], "dc:title") or "").replace("/", "∕"))
            about = parent.get(about, "")
        return "/".join(reversed(names))

    out: dict[str, list[str]] = {}
    for about, node in nodes.items():
        for part in node.findall("dcterms:hasPart", NS):
            item = str(part.get(RESOURCE))
            found = out.setdefault(item, [])
            if item not in nodes and path(about) not in found:  # old exports repeat a block
                found.append(path(about))
    return out


def _html_text(value: str) -> str:
    """A Zotero note (HTML) as plain text: paragraphs kept as blank lines."""
    value = re.sub(r"(?i)<br\s*/?>", "\n", value)
    value = re.sub(r"(?i)</(p|div|h\d|li)>", "\n\n", value)
    value = html.unescape(re.sub(r"<[^>]+>", "", value))
    return re.sub(r"\n{3,}", "\n\n", value).strip()


def _child_notes(item: etree._Element, nodes: dict[str, etree._Element]) -> list[str]:
    out = []
    for ref in item.findall("dcterms:isReferencedBy", NS):
        memo = (
            nodes.get(str(ref.get(RESOURCE)))
            if ref.get(RESOURCE)
            else (ref[0] if len(ref) else None)
        )
        text = _html_text(_text(memo, "rdf:value") or "")
        if text:
            out.append(text)
    return out


def file_path(uri: str) -> str:
    """A `file://` URI as the path it names; anything else as it is."""
    if not uri.lower().startswith("file://"):
        return uri
    path = unquote(uri[7:])
    return path[1:] if re.match(r"^/[A-Za-z]:/", path) else path


def _child_attachments(item: etree._Element, nodes: dict[str, etree._Element]) -> list[Attachment]:
    out = []
    for link in item.findall("link:link", NS):
        node = nodes.get(str(link.get(RESOURCE))) if link.get(RESOURCE) else None
        if node is None:
            continue
        where = node.find("z:path", NS)
        if where is None:
            where = node.find("rdf:resource", NS)
        path = where.get(RESOURCE) if where is not None else None
        mode = _text(node, "z:linkMode")
        out.append(
            Attachment(
                title=_text(node, "dc:title"),
                path=file_path(path) if path else None,
                url=_text(node, "dc:identifier/dcterms:URI/rdf:value"),
                mime=_text(node, "link:type"),
                mode=int(mode) if mode and mode.isdigit() else (2 if path else 3),
            )
        )
    return out
