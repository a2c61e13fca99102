"""Recognise arXiv identifiers and DOIs in the forms people paste them."""

from __future__ import annotations

import re
from urllib.parse import unquote

# New-style ids (0704.0001 onwards, 5-digit numbers from 1501) and old-style archive/YYMMNNN.
_NEW = r"(?P<new>\d{4}\.\d{4,5})"
_OLD = r"(?P<old>[a-z]+(?:-[a-z]+)?(?:\.[A-Z]{2})?/\d{7})"
_VERSION = r"(?:v(?P<version>\d+))?"
ARXIV_ID_RE = re.compile(rf"^(?:arxiv:)?(?:{_NEW}|{_OLD}){_VERSION}$", re.IGNORECASE)
ARXIV_URL_RE = re.compile(
    rf"^(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf|html)/(?:{_NEW}|{_OLD}){_VERSION}"
    r"(?:\.pdf)?/?(?:[?#].*)?$",
    re.IGNORECASE,
)
# Crossref's recommended pattern for modern DOIs, anchored.
DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
_DOI_PREFIXES = re.compile(
    r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/|(?:dx\.)?doi\.org/)", re.IGNORECASE
)
ARXIV_DOI_RE = re.compile(r"^10\.48550/arxiv\.(?P<id>.+)$", re.IGNORECASE)


def parse_arxiv(text: str) -> tuple[str, int | None] | None:
    """Return (unversioned id, version) for an arXiv id or abs/pdf URL, else None."""
    text = text.strip()
    match = ARXIV_ID_RE.match(text) or ARXIV_URL_RE.match(text)
    if not match:
        return None
    ident = match.group("new") or match.group("old")
    if match.group("old"):
        archive, number = ident.split("/")
        name, _, subject = archive.partition(".")
        ident = f"{name.lower()}{'.' + subject.upper() if subject else ''}/{number}"
    version = match.group("version")
    return ident, int(version) if version else None


def parse_doi(text: str) -> str | None:
    """Return the bare DOI for `10.x/y`, `doi:10.x/y` or a doi.org URL, else None."""
    text = _DOI_PREFIXES.sub("", text.strip())
    text = unquote(text).rstrip(".,;")
    return text if DOI_RE.match(text) else None


def arxiv_id_from_doi(doi: str) -> str | None:
    """`10.48550/arXiv.2410.11817` -> `2410.11817`: arXiv's DataCite DOIs name an arXiv id."""
    match = ARXIV_DOI_RE.match(doi)
    if not match:
        return None
    parsed = parse_arxiv(match.group("id"))
    return parsed[0] if parsed else None


def issued_from_arxiv_id(arxiv_id: str) -> tuple[int, int] | None:
    """The year and month an arXiv id was assigned, which its YYMM part states."""
    match = re.search(r"(?:^|/)(\d{2})(\d{2})", arxiv_id)
    if not match:
        return None
    yy, mm = int(match.group(1)), int(match.group(2))
    if not 1 <= mm <= 12:
        return None
    return (1900 + yy if yy >= 91 else 2000 + yy), mm
