"""Any DOI, through DOI content negotiation (doi.org): for what Crossref does not hold.

`GET {base}/{doi}` with `Accept: application/vnd.citationstyles.csl+json` is redirected by
doi.org to the DOI's registration agency (DataCite for software and datasets, mEDRA, JaLC,
KISTI, …), which answers with the work as CSL-JSON; 404 is "no such DOI". The base is
`BIBX_DOI_API` (default https://doi.org). arXiv's own DOIs never come here: they are arXiv ids.
"""

from __future__ import annotations

import json
from typing import ClassVar
from urllib.parse import quote

from bibx.errors import SourceError
from bibx.ids import identify
from bibx.model import Record
from bibx.sources import LiveSource, host
from bibx.sources.http import Clock, RateLimiter, Sleep

CSL_JSON = "application/vnd.citationstyles.csl+json"


class DoiContentNegotiation(LiveSource):
    name = "doi.org"
    publishes = True
    ENDPOINT_ENV: ClassVar[str] = "BIBX_DOI_API"
    DEFAULT_URL: ClassVar[str] = "https://doi.org"

    @staticmethod
    def limit_key(url: str) -> str:
        return f"{host(url)}/content-negotiation"

    @classmethod
    def limiters(
        cls, url: str, mailto: str | None, clock: Clock, sleep: Sleep
    ) -> dict[str, RateLimiter]:
        """DataCite's published limit for content negotiation through doi.org: 1,000 requests
        per 5 minutes per address (3.3 a second); spaced 10 % wider, as for Crossref."""
        return {cls.limit_key(url): RateLimiter(1.1 * 300 / 1000, 1, clock, sleep)}

    def least(self, titles: int = 0, arxiv_ids: int = 0, dois: int = 0) -> tuple[int, float]:
        return dois, self.spaced(dois, self.limit_key(self.url))

    def lookup_doi(self, dois: list[str]) -> dict[str, Record]:
        found: dict[str, Record] = {}
        for doi in dois:
            if not identify(doi).doi:
                continue
            record = self.work(doi)
            if record is not None:
                found[doi] = record
        return found

    def work(self, doi: str) -> Record | None:
        from bibx.readers.csljson import item_to_record  # CSL-JSON is that reader's format

        response = self.http.get(
            f"{self.url}/{quote(doi, safe='/:;()')}",
            limit=self.limit_key(self.url),
            headers={"Accept": CSL_JSON},
        )
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise SourceError(f"doi.org answered HTTP {response.status_code} for {doi}")
        try:
            item = json.loads(response.content)
        except ValueError:
            self.http.forget(response)
            raise SourceError(f"doi.org: the answer for {doi} is not CSL-JSON") from None
        if isinstance(item, list):
            item = item[0] if item else {}
        if not isinstance(item, dict):
            raise SourceError(f"doi.org: the answer for {doi} is not a CSL item")
        record = item_to_record(item, f"doi:{doi}")
        record.key, record.curated, record.input_form, record.input_type = None, False, None, None
        record.origin = None
        record.provenance = {}
        record.doi = record.doi or doi.lower()
        return record.mark(f"doi.org:{doi.lower()}")
