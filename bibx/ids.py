"""Recognise arXiv identifiers and DOIs in the forms people paste them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote

# What a citation key may hold and every tool reads alike (bibx.keys says why).
KEY_CHARS = "A-Za-z0-9_:.\\-/+"
KEY_OK = re.compile(f"^[{KEY_CHARS}]+$")

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


@dataclass(frozen=True)
class PaperId:
    """What identifies a paper: a publisher DOI and/or an arXiv id. arXiv's own DataCite DOI
    (10.48550/arXiv.*) is never kept as `doi`: it names an arXiv id, so it becomes one."""

    doi: str | None = None
    arxiv_id: str | None = None
    arxiv_version: int | None = None

    def __bool__(self) -> bool:
        return bool(self.doi or self.arxiv_id)

    def merged(self, other: PaperId) -> PaperId:
        """This id, completed by `other` where this one has nothing."""
        same_arxiv = other.arxiv_id and other.arxiv_id == self.arxiv_id
        return PaperId(
            doi=self.doi or other.doi,
            arxiv_id=self.arxiv_id or other.arxiv_id,
            arxiv_version=self.arxiv_version
            or (other.arxiv_version if same_arxiv or not self.arxiv_id else None),
        )


def identify(text: str | None) -> PaperId:
    """The one rule for every reader and source: an arXiv id (new or old style, `arXiv:`
    prefix, version, abs/pdf/html URL), a DOI (bare, `doi:`, doi.org URL) or arXiv's own DOI,
    as a PaperId (empty when `text` names neither)."""
    if not text or not text.strip():
        return PaperId()
    arxiv = parse_arxiv(text)
    if arxiv:
        return PaperId(arxiv_id=arxiv[0], arxiv_version=arxiv[1])
    doi = parse_doi(text)
    if doi is None:
        return PaperId()
    match = ARXIV_DOI_RE.match(doi)
    if match:
        arxiv = parse_arxiv(match.group("id"))
        return PaperId(arxiv_id=arxiv[0], arxiv_version=arxiv[1]) if arxiv else PaperId()
    return PaperId(doi=doi)


def identify_all(*texts: str | None) -> PaperId:
    """The first DOI and the first arXiv id found among `texts` (fields of one entry)."""
    found = PaperId()
    for text in texts:
        found = found.merged(identify(text))
    return found


# A venue that only says "this is an arXiv preprint", as Google Scholar, Semantic Scholar and
# dblp write it: `arXiv preprint arXiv:2402.06147`, `ArXiv`, `arXiv e-prints`, `CoRR`.
_PREPRINT_VENUE = re.compile(
    r"^\s*(?:arxiv(?:\s+preprint)?(?:\s+e-?prints?)?|corr|computing\s+research\s+repository)"
    r"(?:\s*[,:]?\s*(?:abs/|arxiv:\s*)?(?P<id>[\w./-]+?))?(?:\s*\[[\w.-]+\])?\s*\.?\s*$",
    re.IGNORECASE,
)


def preprint_venue(venue: str | None, volume: str | None = None) -> PaperId | None:
    """If `venue` (with dblp's `volume = {abs/2402.06147}`) only names arXiv, the arXiv id it
    gives (possibly an empty PaperId); None when it is a real venue."""
    if not venue:
        return None
    match = _PREPRINT_VENUE.match(venue)
    if not match:
        return None
    found = identify(match.group("id")) if match.group("id") else PaperId()
    if match.group("id") and not found.arxiv_id:
        return None  # "CoRR 2019 workshop ..." style: not only a preprint statement
    if not found.arxiv_id and volume:
        found = identify(volume.strip().removeprefix("abs/"))
    return found


# How arXiv authors word a withdrawal in the comment of the version that withdraws a paper
# ("This paper has been withdrawn by the author due to ...", "Withdrawn: ..."); arXiv then
# serves that version with no full text.
_WITHDRAWN = re.compile(
    r"^\s*withdrawn\b|\b(?:paper|article|manuscript|submission|preprint|work)\s+(?:has\s+been|"
    r"is|was)\s+withdrawn\b|\bwithdrawn\s+by\s+(?:the\s+)?(?:authors?|arxiv|admin)",
    re.IGNORECASE,
)


def withdrawn_by(comment: str | None) -> bool:
    """Does an arXiv version's comment say the paper is withdrawn?"""
    return bool(comment and _WITHDRAWN.search(comment))


# --- other schemes: ISBN, PubMed, PubMed Central ---------------------------------------------

_ISBN_PREFIX = re.compile(r"^\s*(?:isbn(?:-1[03])?\s*:?\s*)", re.IGNORECASE)
_ISBN_BODY = re.compile(r"^(?:97[89][\d\s-]{10,16}|[\d\s-]{9,13}[\dXx])$")


def _isbn10_ok(digits: str) -> bool:
    total = sum((10 - i) * (10 if c in "Xx" else int(c)) for i, c in enumerate(digits))
    return len(digits) == 10 and total % 11 == 0


def _isbn13_check(first12: str) -> str:
    return str((10 - sum((3 if i % 2 else 1) * int(c) for i, c in enumerate(first12)) % 10) % 10)


def parse_isbn(text: str | None) -> str | None:
    """An ISBN-13 (digits only) for an ISBN-10 or -13 written with or without hyphens, spaces or
    an `ISBN` prefix, when its check digit is right; else None. ISBN-10 and its ISBN-13 are one
    book, so both come out as the same ISBN-13."""
    if not text:
        return None
    body = _ISBN_PREFIX.sub("", text.strip())
    if not _ISBN_BODY.match(body):
        return None
    digits = re.sub(r"[\s-]", "", body)
    if len(digits) == 10 and _isbn10_ok(digits):
        first12 = "978" + digits[:9]
        return first12 + _isbn13_check(first12)
    if len(digits) == 13 and digits.isdigit() and digits[-1] == _isbn13_check(digits[:12]):
        return digits
    return None


_PMID = re.compile(
    r"^\s*(?:pmid\s*:?\s*|pubmed\s*:?\s*|https?://(?:www\.)?(?:ncbi\.nlm\.nih\.gov/pubmed|"
    r"pubmed\.ncbi\.nlm\.nih\.gov)/)(\d{1,9})/?\s*$",
    re.IGNORECASE,
)
_PMCID = re.compile(
    r"^\s*(?:pmcid\s*:?\s*)?(?:https?://(?:www\.)?(?:ncbi\.nlm\.nih\.gov/pmc/articles|"
    r"pmc\.ncbi\.nlm\.nih\.gov/articles)/)?(PMC\d{4,9})/?\s*$",
    re.IGNORECASE,
)


def parse_pmid(text: str | None) -> str | None:
    """A PubMed id from `pmid:34265844`, `PMID: 34265844` or a PubMed URL (a bare number is
    not one: it could be anything)."""
    match = _PMID.match(text or "")
    return match.group(1).lstrip("0") or None if match else None


def parse_pmcid(text: str | None) -> str | None:
    """A PubMed Central id, `PMC1234567`, from itself, `pmcid:…` or a PMC URL."""
    match = _PMCID.match(text or "")
    return match.group(1).upper() if match else None


# Identifier schemes beyond arXiv and DOI: (scheme, CSL variable, parser). A reader puts what it
# recognises into the record's CSL variable; the resolver asks the sources that declare the
# scheme (`Source.schemes`); `bibx cite` reads `scheme:value` keys.
SCHEMES = (
    ("isbn", "ISBN", parse_isbn),
    ("pmid", "PMID", parse_pmid),
    ("pmcid", "PMCID", parse_pmcid),
)


# where a reference string names one: "ISBN 978-0-316-03057-1", "PMID: 30939045", "PMCID:
# PMC3539452", a PubMed or PMC address; each candidate is then parsed (and an ISBN's check digit
# checked) by its scheme's parser
_IN_TEXT = re.compile(
    r"\bISBN(?:-1[03])?:?\s*[\dXx][\d\s-]{8,16}[\dXx]"
    r"|\b(?:PMID|pubmed):?\s*\d{1,9}\b"
    r"|(?:\bpmcid:?\s*)?\bPMC\d{4,9}\b"
    r"|https?://(?:www\.)?(?:ncbi\.nlm\.nih\.gov/(?:pubmed|pmc/articles)|"
    r"pubmed\.ncbi\.nlm\.nih\.gov|pmc\.ncbi\.nlm\.nih\.gov/articles)/\w+/?",
    re.IGNORECASE,
)


def other_ids_in(text: str) -> dict[str, str]:
    """The identifiers of the other schemes named anywhere in a text (a reference string), by
    CSL variable; the first of each scheme."""
    out: dict[str, str] = {}
    for match in _IN_TEXT.finditer(text):
        for variable, value in other_ids(match.group().rstrip(".,;")).items():
            out.setdefault(variable, value)
    return out


def other_ids(text: str | None) -> dict[str, str]:
    """The identifiers of the other schemes `text` is (`isbn:978-…`, `PMID: 123`, `PMC123…`),
    by CSL variable: {"ISBN": "9780262035613"}."""
    out = {}
    for _, variable, parse in SCHEMES:
        found = parse(text)
        if found:
            out[variable] = found
    return out
