"""Journal articles by PubMed id from NCBI's E-utilities (`esummary.fcgi?db=pubmed`, many ids a
request), with the `tool` and `email` parameters NCBI asks for. The base is `BIBX_PUBMED_API`
(default https://eutils.ncbi.nlm.nih.gov/entrez/eutils); 3 requests a second, 10 with an API key
(`NCBI_API_KEY`)."""

from __future__ import annotations

import os
import re
from typing import Any, ClassVar

from bibx.ids import parse_doi, parse_pmcid
from bibx.model import Name, Record
from bibx.sources import CANDIDATES, LiveSource
from bibx.text import query_words, squash

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


def summary_to_record(data: dict[str, Any], uid: str, db: str = "pubmed") -> Record:
    """An esummary document of PubMed (`uid` a PMID) or of PMC (`uid` a PMC id's number)."""
    ids = {i.get("idtype"): str(i.get("value") or "") for i in data.get("articleids") or []}
    pmcid = parse_pmcid(ids.get("pmc") or "") or parse_pmcid(
        ids.get("pmcid", "").removeprefix("pmc-id: ").split(";")[0]
    )
    if db == "pmc":
        pmcid = pmcid or parse_pmcid(f"PMC{uid}")
    pmid = uid if db == "pubmed" else (ids.get("pmid") if ids.get("pmid", "").isdigit() else None)
    url = (
        f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
        if pmid
        else f"https://pmc.ncbi.nlm.nih.gov/articles/{pmcid}/"
    )
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
        # PMC's `pubdate` is the online date; its `printpubdate`, the issue's (the volume's
        # year, which reference lists print: 2013;23(2) for PMC3539452, online 2012)
        issued=_date(str(data.get("printpubdate") or data.get("pubdate") or "")),
        container_title=squash(str(data.get("fulljournalname") or "")) or None,
        volume=str(data.get("volume") or "") or None,
        issue=str(data.get("issue") or "") or None,
        page=str(data.get("pages") or "") or None,
        doi=doi,
        url=url,
    )
    if pmid:
        record.vars["PMID"] = pmid
    if pmcid:
        record.vars["PMCID"] = pmcid
    if data.get("source"):
        record.vars["container-title-short"] = str(data["source"])
    issn = data.get("issn") or data.get("essn")
    if issn:
        record.vars["ISSN"] = str(issn)
    return record.mark(f"pubmed:{pmid}" if pmid else f"pmc:{pmcid}")


class PubMed(LiveSource):
    name = "pubmed"
    publishes = True
    kinds: ClassVar[frozenset[str]] = frozenset({"article-journal", "review"})
    schemes: ClassVar[frozenset[str]] = frozenset({"pmid", "pmcid"})
    ENDPOINT_ENV: ClassVar[str] = "BIBX_PUBMED_API"
    RATE: ClassVar[float] = 3.0  # NCBI: 3 a second; 10 with an API key (`rate`)
    DEFAULT_URL: ClassVar[str] = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"

    @classmethod
    def rate(cls) -> float:
        return 10.0 if os.environ.get("NCBI_API_KEY") else cls.RATE

    def least(self, titles: int = 0, arxiv_ids: int = 0, dois: int = 0) -> tuple[int, float]:
        return 2 * titles, self.spaced(2 * titles, self.limit_key(self.url))

    def _params(self, **given: str) -> dict[str, str]:
        """A request's parameters, with what NCBI asks every client to send."""
        params = {**given, "retmode": "json", "tool": "bibx"}
        if self.http.mailto:
            params["email"] = self.http.mailto
        if os.environ.get("NCBI_API_KEY"):
            params["api_key"] = os.environ["NCBI_API_KEY"]
        return params

    def lookup_ids(self, scheme: str, ids: list[str]) -> dict[str, Record]:
        """PubMed ids from db=pubmed; PMC ids ("PMC1234567") from db=pmc, by their number."""
        if scheme not in ("pmid", "pmcid"):
            return {}
        db = "pubmed" if scheme == "pmid" else "pmc"
        numbers = {i.upper().removeprefix("PMC"): i for i in dict.fromkeys(ids)}
        wanted = [n for n in numbers if n.isdigit()]
        found: dict[str, Record] = {}
        for start in range(0, len(wanted), BATCH):
            batch = wanted[start : start + BATCH]
            answer = self.get_json(
                f"{self.url}/esummary.fcgi",
                self._params(db=db, id=",".join(batch)),
                what=f"{len(batch)} {'PMIDs' if db == 'pubmed' else 'PMC ids'}",
            )
            result = (answer.get("result") or {}) if isinstance(answer, dict) else {}
            for number in batch:
                data = result.get(number)
                if isinstance(data, dict) and not data.get("error"):
                    found[numbers[number]] = summary_to_record(data, number, db)
        return found

    def search(self, entry: Record, limit: int = CANDIDATES) -> list[Record]:
        """esearch by the title's words in PubMed's title field, then esummary of the hits."""
        words = query_words(entry.title or "")
        if not words:
            return []
        answer = self.get_json(
            f"{self.url}/esearch.fcgi",
            self._params(db="pubmed", term=" ".join(f"{w}[Title]" for w in words),
                         retmax=str(min(limit, 5))),
            what=f"the title {entry.title!r}",
        )  # fmt: skip
        result = answer.get("esearchresult") if isinstance(answer, dict) else None
        ids = [str(i) for i in (result or {}).get("idlist") or [] if str(i).isdigit()]
        return list(self.lookup_ids("pmid", ids).values()) if ids else []
