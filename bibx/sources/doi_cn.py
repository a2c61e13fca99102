"""Any DOI, through DOI content negotiation (doi.org): for what Crossref does not hold.

`GET {base}/{doi}` with `Accept: application/vnd.citationstyles.csl+json` is redirected by
doi.org to the DOI's registration agency (DataCite for software and datasets, mEDRA, JaLC,
KISTI, …), which answers with the work as CSL-JSON; 404 is "no such DOI". The base is
`BIBX_DOI_API` (default https://doi.org). arXiv's own DOIs never come here: they are arXiv ids.
"""

from __future__ import annotations

from typing import ClassVar
from urllib.parse import quote

from bibx.errors import SourceError
from bibx.ids import identify
from bibx.model import Record
from bibx.sources import LiveSource

CSL_JSON = "application/vnd.citationstyles.csl+json"


class DoiContentNegotiation(LiveSource):
    name = "doi.org"
    publishes = True
    searches = False  # by identifier only
    ENDPOINT_ENV: ClassVar[str] = "BIBX_DOI_API"
    RATE: ClassVar[float] = 1000 / 300  # DataCite: 1,000 per 5 minutes through doi.org
    DEFAULT_URL: ClassVar[str] = "https://doi.org"

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

        item = self.get_json(
            f"{self.url}/{quote(doi, safe='/:;()')}",
            what=doi,
            headers={"Accept": CSL_JSON},
            missing=(404,),
        )
        if item is None:
            return None
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
