"""Journal articles by PubMed id from NCBI's E-utilities (`esummary.fcgi?db=pubmed`, many ids a
request), with the `tool` and `email` parameters NCBI asks for. The base is `BIBX_PUBMED_API`
(default https://eutils.ncbi.nlm.nih.gov/entrez/eutils); 3 requests a second, 10 with an API key
(`NCBI_API_KEY`)."""

from __future__ import annotations

import os
import re
from typing import Any, ClassVar

from bibx.ids import parse_doi
from bibx.model import Name, Record
from bibx.sources import LiveSource
from bibx.text import squash

BATCH = 100  # ids a request (NCBI accepts a few hundred in one esummary)
_MONTHS = {
    m: n
    for n, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}


def _date(text: str) -> tuple[int, ...] | None:
    """PubMed's `pubdate`: "2019 May", "2023 Feb 1", "2020"."""
    parts = text.split()
    if not parts or not parts[0][:4].isdigit():
        return None
    out = [int(parts[0][:4])]
    if len(parts) > 1 and parts[1][:3].lower() in _MONTHS:
        out.append(_MONTHS[parts[1][:3].lower()])
        if len(parts) > 2 and parts[2].isdigit():
            out.append(int(parts[2]))
    return tuple(out)


def _name(text: str) -> Name:
    """MEDLINE's "Peloso GM": family name, then initials."""
    match = re.fullmatch(r"(.+?)\s+([A-Z]{1,4})", text.strip())
    if not match:
        return Name(literal=text.strip())
    return Name(family=match.group(1), given=" ".join(f"{c}." for c in match.group(2)))


def summary_to_record(data: dict[str, Any], pmid: str) -> Record:
    ids = {i.get("idtype"): str(i.get("value") or "") for i in data.get("articleids") or []}
    doi = parse_doi(ids.get("doi") or "") or parse_doi(
        str(data.get("elocationid") or "").removeprefix("doi: ")
    )
    record = Record(
        type="article-journal",
        title=squash(str(data.get("title") or "")).rstrip(".") or None,
        authors=[
            _name(str(a.get("name")))
            for a in data.get("authors") or []
            if a.get("authtype", "Author") == "Author" and a.get("name")
        ],
        issued=_date(str(data.get("pubdate") or "")),
        container_title=squash(str(data.get("fulljournalname") or "")) or None,
        volume=str(data.get("volume") or "") or None,
        issue=str(data.get("issue") or "") or None,
        page=str(data.get("pages") or "") or None,
        doi=doi,
        url=f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/",
    )
    record.vars["PMID"] = pmid
    if ids.get("pmc"):
        record.vars["PMCID"] = ids["pmc"]
    if data.get("source"):
        record.vars["container-title-short"] = str(data["source"])
    issn = data.get("issn") or data.get("essn")
    if issn:
        record.vars["ISSN"] = str(issn)
    return record.mark(f"pubmed:{pmid}")


class PubMed(LiveSource):
    name = "pubmed"
    publishes = True
    searches = False  # by identifier only
    schemes: ClassVar[frozenset[str]] = frozenset({"pmid"})
    ENDPOINT_ENV: ClassVar[str] = "BIBX_PUBMED_API"
    RATE: ClassVar[float] = 3.0  # NCBI: 3 a second; 10 with an API key (`rate`)
    DEFAULT_URL: ClassVar[str] = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"

    @classmethod
    def rate(cls) -> float:
        return 10.0 if os.environ.get("NCBI_API_KEY") else cls.RATE

    def lookup_ids(self, scheme: str, ids: list[str]) -> dict[str, Record]:
        if scheme != "pmid":
            return {}
        found: dict[str, Record] = {}
        wanted = [i for i in dict.fromkeys(ids) if i.isdigit()]
        for start in range(0, len(wanted), BATCH):
            batch = wanted[start : start + BATCH]
            params = {"db": "pubmed", "id": ",".join(batch), "retmode": "json", "tool": "bibx"}
            if self.http.mailto:
                params["email"] = self.http.mailto
            if os.environ.get("NCBI_API_KEY"):
                params["api_key"] = os.environ["NCBI_API_KEY"]
            answer = self.get_json(f"{self.url}/esummary.fcgi", params, what=f"{len(batch)} PMIDs")
            result = (answer.get("result") or {}) if isinstance(answer, dict) else {}
            for pmid in batch:
                data = result.get(pmid)
                if isinstance(data, dict) and not data.get("error"):
                    found[pmid] = summary_to_record(data, pmid)
        return found
