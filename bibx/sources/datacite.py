"""Software, datasets and the other works DataCite registers, from its REST API.

`GET {base}/dois/{doi}` gives one work (JSON:API: `data.attributes`), 404 when DataCite has no
such DOI; `GET {base}/dois?query=titles.title:(…)&page[size]=…` finds works by title, which is
how software and datasets cited by name are found. The base is `BIBX_DATACITE_API` (default
https://api.datacite.org). DataCite allows 1,000 requests per 5 minutes to a client that names
an e-mail address in its User-Agent (bibx does, with `--mailto`), 500 to one that does not.
arXiv registers its preprints' DOIs (10.48550/arXiv.…) at DataCite: such a record is arXiv's,
and is returned as the arXiv id it names.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import quote

from bibx.ids import arxiv_id_from_doi, parse_doi
from bibx.model import Name, Record
from bibx.sources import CANDIDATES, LiveSource
from bibx.text import query_words, squash

if TYPE_CHECKING:
    from bibx.sources.http import Clock, RateLimiter, Sleep

# DataCite's resourceTypeGeneral -> CSL type (DataCite Metadata Schema 4.5, its CSL mapping)
TYPES = {
    "Audiovisual": "motion_picture", "Book": "book", "BookChapter": "chapter",
    "Collection": "collection", "ComputationalNotebook": "software",
    "ConferencePaper": "paper-conference", "ConferenceProceeding": "book",
    "DataPaper": "article-journal", "Dataset": "dataset", "Dissertation": "thesis",
    "Event": "event", "Image": "graphic", "InteractiveResource": "webpage",
    "Journal": "periodical", "JournalArticle": "article-journal", "Model": "dataset",
    "OutputManagementPlan": "document", "PeerReview": "review", "PhysicalObject": "document",
    "Preprint": "article", "Report": "report", "Service": "software", "Software": "software",
    "Sound": "song", "Standard": "standard", "Text": "document", "Workflow": "software",
    "Other": "document",
}  # fmt: skip


def _name(creator: dict[str, Any]) -> Name:
    family = squash(str(creator.get("familyName") or ""))
    given = squash(str(creator.get("givenName") or ""))
    if creator.get("nameType") != "Organizational" and family:
        return Name(family=family, given=given or None)
    name = squash(str(creator.get("name") or ""))
    if creator.get("nameType") == "Personal" and ", " in name:
        family, given = name.split(", ", 1)
        return Name(family=family, given=given or None)
    return Name(literal=name)


def _date(text: str) -> tuple[int, ...] | None:
    parts = [int(p) for p in re.findall(r"\d+", text)[:3]]
    return tuple(parts) if parts and 1000 <= parts[0] <= 2999 else None


def attributes_to_record(attributes: dict[str, Any]) -> Record:
    """A DataCite work (the `attributes` of a `dois` resource) as a record."""
    doi = parse_doi(str(attributes.get("doi") or "")) or None
    types = attributes.get("types") or {}
    titles = [t for t in attributes.get("titles") or [] if isinstance(t, dict)]
    main = next((t for t in titles if not t.get("titleType")), titles[0] if titles else {})
    subtitle = next((t for t in titles if t.get("titleType") == "Subtitle"), None)
    title = squash(str(main.get("title") or "")) or None
    if title and subtitle and subtitle.get("title"):
        title = f"{title}: {squash(str(subtitle['title']))}"
    dates = {d.get("dateType"): str(d.get("date") or "") for d in attributes.get("dates") or []}
    issued = _date(dates.get("Issued") or "") or (
        (int(attributes["publicationYear"]),)
        if str(attributes.get("publicationYear") or "").isdigit()
        else None
    )
    publisher = attributes.get("publisher")
    if isinstance(publisher, dict):  # the API's newer form: {"name": …, "publisherIdentifier"}
        publisher = publisher.get("name")
    container = attributes.get("container") or {}
    abstract = next(
        (squash(str(d.get("description") or "")) for d in attributes.get("descriptions") or []
         if d.get("descriptionType") == "Abstract"),
        None,
    )  # fmt: skip
    record = Record(
        type=TYPES.get(str(types.get("resourceTypeGeneral") or ""), "document"),
        title=title,
        authors=[_name(c) for c in attributes.get("creators") or [] if isinstance(c, dict)],
        issued=issued,
        publisher=squash(str(publisher or "")) or None,
        container_title=squash(str(container.get("title") or "")) or None,
        volume=str(container.get("volume") or "") or None,
        issue=str(container.get("issue") or "") or None,
        page="--".join(p for p in (str(container.get("firstPage") or ""),
                                   str(container.get("lastPage") or "")) if p) or None,
        doi=doi,
        url=str(attributes.get("url") or "") or None,
        abstract=abstract or None,
    )  # fmt: skip
    if attributes.get("version"):
        record.vars["version"] = squash(str(attributes["version"]))
    if types.get("resourceType") and record.type in ("thesis", "report", "document"):
        record.vars["genre"] = squash(str(types["resourceType"]))
    if attributes.get("language"):
        record.vars["language"] = str(attributes["language"])
    arxiv = arxiv_id_from_doi(doi or "")
    if arxiv:  # arXiv's own DOI: the arXiv preprint it names
        record.arxiv_id, record.doi, record.type = arxiv, None, "article"
    return record.mark(f"datacite:{doi}")


class DataCite(LiveSource):
    name = "datacite"
    publishes = True
    # what a title search here is for: works that are not papers (papers: arXiv, Crossref, dblp)
    kinds: ClassVar[frozenset[str]] = frozenset(
        {"software", "dataset", "report", "thesis", "document", "collection"}
    )
    ENDPOINT_ENV: ClassVar[str] = "BIBX_DATACITE_API"
    DEFAULT_URL: ClassVar[str] = "https://api.datacite.org"
    RATE: ClassVar[float] = 1000 / 300  # identified (e-mail in the User-Agent)

    @classmethod
    def limiters(
        cls, url: str, mailto: str | None, clock: Clock, sleep: Sleep
    ) -> dict[str, RateLimiter]:
        """1,000 requests per 5 minutes with an e-mail address in the User-Agent, 500 without."""
        from bibx.sources.http import RateLimiter

        rate = cls.RATE if mailto else 500 / 300
        return {cls.limit_key(url): RateLimiter(1.1 / rate, 1, clock, sleep)}

    def least(self, titles: int = 0, arxiv_ids: int = 0, dois: int = 0) -> tuple[int, float]:
        return titles + dois, self.spaced(titles + dois, self.limit_key(self.url))

    def lookup_doi(self, dois: list[str]) -> dict[str, Record]:
        found: dict[str, Record] = {}
        for doi in dois:
            if not parse_doi(doi) or arxiv_id_from_doi(doi):
                continue
            answer = self.get_json(
                f"{self.url}/dois/{quote(doi.lower(), safe='/:;()')}", what=doi, missing=(404,)
            )
            data = (answer or {}).get("data") if isinstance(answer, dict) else None
            if isinstance(data, dict) and isinstance(data.get("attributes"), dict):
                found[doi] = attributes_to_record(data["attributes"])
        return found

    def search(self, entry: Record, limit: int = CANDIDATES) -> list[Record]:
        words = query_words(entry.title or "")
        if not words:
            return []
        query = f"titles.title:({' '.join(words)})"
        answer = self.get_json(
            f"{self.url}/dois",
            {"query": query, "page[size]": str(limit)},
            what=f"the title {entry.title!r}",
        )
        items = (answer or {}).get("data") if isinstance(answer, dict) else None
        return [
            attributes_to_record(i["attributes"])
            for i in items or []
            if isinstance(i, dict) and isinstance(i.get("attributes"), dict)
        ]
