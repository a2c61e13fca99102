"""Parse XML from services without trusting it: no DTDs, no entities, no network, no huge trees.

An answer that declares a DOCTYPE is refused outright: neither arXiv's Atom nor any format bibx
reads needs one, and refusing it rules out external entities (XXE) and entity bombs.
"""

from __future__ import annotations

import re

from lxml import etree

from bibx.errors import SourceError

_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
)


def parse_xml(body: bytes, service: str) -> etree._Element:
    if _DOCTYPE.search(body[:4096]) or b"<!ENTITY" in body:
        raise SourceError(f"{service}: the XML declares a DOCTYPE or entities; refused")
    try:
        return etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise SourceError(f"{service}: not well-formed XML ({exc.msg})") from None
