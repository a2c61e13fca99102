"""A paper's reference list, as copied from a PDF or a web page: one formatted reference per line
or per numbered/bulleted item (wrapped over several lines, hyphenated at line ends), in the
styles papers use (IEEE, APA, ACL/natbib, Nature, Chicago author-date, ACM, Springer LNCS).

Each reference yields what it holds: a DOI or an arXiv id anywhere in it (the id then decides,
the title checks), else its title, the authors' family names and the year as evidence for the
resolver. The whole reference is kept as `Record.citation`, which Crossref's
`query.bibliographic` is made for.
"""

from __future__ import annotations

import re

from bibx.ids import identify, other_ids_in
from bibx.model import Name, Record
from bibx.readers import ReadResult
from bibx.text import squash

NAME = "references"

_MARKER = re.compile(r"^\s*(?:\[\d{1,4}\]|\(\d{1,4}\)|\d{1,4}[.)]|[-*•])\s+")
_YEAR = re.compile(r"(?<![\d/.])(19[5-9]\d|20[0-4]\d)[a-z]?(?![\d/])")
_DOI = re.compile(r"10\.\d{4,9}/[^\s\"<>]+")
_ARXIV = re.compile(
    r"(?:arxiv[:.\s]*(?:preprint\s*)?(?:arxiv:)?\s*|arxiv\.org/(?:abs|pdf)/|abs/)"
    r"(\d{4}\.\d{4,5}(?:v\d+)?|[a-z\-]+(?:\.[A-Z]{2})?/\d{7}(?:v\d+)?)",
    re.IGNORECASE,
)
# a quoted title: “…” or "…", or ‘…’ (Harvard) whose closing mark is no apostrophe (Hitchhiker’s)
_QUOTED = re.compile(r"[“\"]([^“”\"]{8,}?)[,.]?[”\"]|‘(.{8,}?)[,.]?’(?!\w)")
# an author's family name: "Huang, J. Y." / "Huang, James Y." (APA, LNCS, Nature, Chicago first)
_FAMILY_FIRST = re.compile(r"([A-Z][\w'’\-]+(?:\s[A-Z][\w'’\-]+)?),\s(?:[A-Z][\w'’\-]*\.?\s?){1,3}")
# ... or "J. Y. Huang" (IEEE) / "James Y. Huang" (ACL, ACM, Chicago others)
_GIVEN_FIRST = re.compile(r"(?:[A-Z][\w'’\-]*\.?\s){1,3}([A-Z][\w'’\-]+)")
# where an author list ends: its last initial, or "et al.", before the title's first word
_AUTHORS_END = re.compile(
    # after "et al." a title may start in lower case ("dataone: R interface …")
    r"\b[A-Z]\.(?:\s?-?[A-Z]\.)*(?=\s+[A-Z0-9“\"])|\bet al\.(?=\s+[\w“\"])"
)
_SENTENCE_END = re.compile(r"(?<![A-Z])(?<!\bet al)(?<!\bvs)\.\s+(?=[A-Z0-9“\"(\[])")


def _is_reference(item: str) -> bool:
    signs = (
        r"\bet al\.|,\s[A-Z]\.|\b[A-Z]\.\s[A-Z][a-z]"  # "et al.", "Huang, J.", "J. Huang"
        r"|\w\.\s\(?(?:19|20)\d\d[a-z]?\)?\.\s"  # "Names. 2023. Title" (ACL, ACM)
        r"|^[A-Z][\w'’\-]+\s[A-Z]{1,3}[,.]\s"  # "Peloso GM, Nomura A." (Vancouver)
    )
    return (
        len(item) >= 40
        and bool(_YEAR.search(item))
        and bool(re.search(signs, item) or _DOI.search(item) or _ARXIV.search(item))
    )


def items(text: str) -> list[tuple[int, str]]:
    """(first line number, text) of each reference: numbered or bulleted items with their
    wrapped lines joined (a word hyphenated at a line end is mended), else blank-line separated
    paragraphs, else one line each."""
    lines = text.split("\n")
    marked = sum(bool(_MARKER.match(line)) for line in lines if line.strip())
    out: list[tuple[int, list[str]]] = []
    paragraphs = any(not line.strip() for line in lines[1:-1])
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            if not marked and paragraphs:
                out.append((number + 1, []))
            continue
        starts = bool(_MARKER.match(line)) if marked else not paragraphs
        if starts or not out:
            out.append((number, [_MARKER.sub("", line).strip()]))
        else:
            if not out[-1][1]:
                out[-1] = (number, [])
            out[-1][1].append(line.strip())
    return [(n, _join(parts)) for n, parts in out if parts]


def _join(parts: list[str]) -> str:
    text = ""
    for part in parts:
        if text.endswith("-") and part[:1].islower() and not text.endswith(" -"):
            text = text[:-1] + part  # "Decod-\ning" -> "Decoding"
        else:
            text = f"{text} {part}" if text else part
    return squash(text)


def sniff(text: str) -> bool:
    found = items(text)
    if len(found) < 2:
        return bool(found) and _is_reference(found[0][1]) and bool(_YEAR.search(found[0][1]))
    return sum(_is_reference(t) for _, t in found) >= 0.6 * len(found)


def _title(item: str, year: re.Match[str] | None) -> tuple[str | None, str]:
    """The title, and the text before it (the authors)."""
    quoted = _QUOTED.search(item)
    if quoted:
        return (quoted.group(1) or quoted.group(2)).strip(" ,."), item[: quoted.start()]
    vancouver = _VANCOUVER_AUTHORS.match(item)
    if vancouver and not re.match(r"[\d(\[]", item[vancouver.end() :]):
        # "Jiang YG. Out of Length …" (Vancouver: initials without dots, a period after them)
        return _first_sentence(item[vancouver.end() :]), item[: vancouver.end()]
    given_first = _IEEE_AUTHORS.match(item)
    if given_first and not _initials_only(item[given_first.end() :]):
        # "[1] I. M. Banks, Use of Weapons. Orbit, 2008." (IEEE: given names first, a comma)
        return _first_sentence(item[given_first.end() :]), item[: given_first.end()]
    # "Authors. 2023. Title", "Authors (2023). Title", and Harvard's "Authors (2023) Title"
    if year and re.match(r"(?:\)?[.,]|\))\s+\S", item[year.end() :]):
        after = item[year.end() :].lstrip(").:,; ")
        # not what a style prints after the year at the end (Vancouver: "arXiv; 2024.
        # Available from: https://…")
        late = r"(?:doi|https?:|arxiv|\d|available|retrieved|accessed|\[)"
        if len(after) > 10 and not re.match(late, after, re.IGNORECASE):
            # "Authors. 2023. Title. Venue" (ACL, ACM) / "Authors (2023). Title. Venue" (APA)
            return _first_sentence(after), item[: year.start()]
    initials = list(_AUTHORS_END.finditer(item[: len(item) // 2]))
    colon = re.search(r"(?<=[A-Z]\.):\s", item) or re.search(r"(?<=[a-z]):\s(?=[A-Z])", item)
    if colon and any(m.end() <= colon.start() and item[colon.start() - 1] != "." for m in initials):
        colon = None  # "Holur, P. et al. Embed-Search-Align: DNA ...": a colon of the title
    # "Authors: Title. In: Venue" (LNCS): in the first half, or further on after a list of
    # names only (Springer's lists of thirty authors)
    if colon and (
        colon.start() < len(item) // 2
        or (colon.start() < len(item) * 3 // 4 and _all_names(item[: colon.start()]))
    ):
        return _first_sentence(item[colon.end() :]), item[: colon.start()]
    if initials:  # "Liu, L. et al. Title. Venue 12, 1-9 (2024)." (Nature)
        end = initials[-1].end()
        return _first_sentence(item[end:].lstrip()), item[:end]
    sentences = _SENTENCE_END.split(item)
    if len(sentences) >= 2:  # "Authors. Title. Venue (2023)."
        return sentences[1].strip(" ."), sentences[0]
    return None, ""


# IEEE's author list: "M. Jones et al., ", "I. M. Banks, ", "A. B. Cee, D. Eff, and G. Aitch, "
_IEEE_AUTHORS = re.compile(
    r"^(?:(?:[A-Z][a-z]?\.\s?(?:-?[A-Z]\.\s?)*)[A-Z][\w'’\-]+(?:\s[A-Z][\w'’\-]+)?"
    r"(?:\set al\.,\s|,\s(?:and\s)?|\sand\s))+"
)
# one name as Vancouver and MEDLINE write it: family name(s), then initials without dots
_VANCOUVER_NAME = r"[A-Z][\w'’\-]+(?:\s[A-Z][\w'’\-]+)*\s[A-Z]{1,3}"
# Vancouver's author list: "Du Y, Chen Z, Jiang YG." or "Huang JY, …, Pappas N, et al."
_VANCOUVER_AUTHORS = re.compile(rf"^(?:{_VANCOUVER_NAME},\s)+(?:et al|{_VANCOUVER_NAME})\.\s")
# "Family, I., Family, I.:" a list of names and initials only (Springer's, however long)
_NAME_LIST = re.compile(
    r"^(?:(?:[a-z]+\s)*[A-Z][\w'’\-]+(?:\s[a-zA-Z][\w'’\-]+)*,\s(?:[A-Z]\.\s?-?)+,?\s?)+$"
)


def _all_names(text: str) -> bool:
    return bool(_NAME_LIST.match(re.sub(r",?\s*et al\.?", ",", text.strip()).strip() + " "))


def _initials_only(text: str) -> bool:
    """Whether what follows a supposed author list is more initials (it was a name list)."""
    return bool(re.match(r"[A-Z]\.", text))


# a title's own question or exclamation mark, then the venue: "… Models? In Proceedings of …"
_ASKED = re.compile(
    r"(?<=[?!])\s+(?=(?:In:?|in|Proceedings|Advances|arXiv|Journal|Transactions|Conference|"
    r"Findings|Workshop|ACM|IEEE|Nature|Science)\b)"
)
# a title that ends in the year, as the Springer basic style writes a preprint: "Title, (2024)."
_TRAILING_YEAR = re.compile(r",?\s*\((?:19|20)\d\d[a-z]?\)\.?\s*$")


# what a style adds after a title that is no part of it: "(Version 2.2.2)", "[Computer
# software]", "[Data set]" (APA), "(version 2.2.2)" when the title itself ends so it stays
_DESCRIPTOR = re.compile(r"(?:\s*\((?:Version|Ver\.)\s[^)]*\)|\s*\[[A-Z][^\]]{2,40}\])+\s*$")


def _first_sentence(text: str) -> str:
    venue = r"\s\(arXiv:|,\s(?:https?://|arXiv)|\.\s+(?:In:?|in|arXiv|at|Proceedings|Advances)\b"
    text = _ASKED.split(re.split(venue, text)[0], maxsplit=1)[0]
    parts = _SENTENCE_END.split(text, maxsplit=1)
    return _DESCRIPTOR.sub("", _TRAILING_YEAR.sub("", parts[0]).strip(" .,")).strip(" .,")


# Vancouver and MEDLINE: "Peloso GM, Nomura A, Khera AV." (family name, initials without dots)
_INITIALS_AFTER = re.compile(
    r"(?:^|,\s*)([A-Z][\w'’\-]+(?:\s[A-Z][\w'’\-]+)*)\s[A-Z]{1,3}(?=\s*[,.]|\s*$)"
)
_VANCOUVER_START = re.compile(rf"\s*{_VANCOUVER_NAME},")


def _authors(segment: str) -> list[Name]:
    segment = re.sub(r"\bet al\.?|\band\b|&", ",", segment)
    family_first = _FAMILY_FIRST.findall(segment)
    given_first = _GIVEN_FIRST.findall(segment)
    names = family_first if len(family_first) >= len(given_first) else given_first
    # a Vancouver list ("Peloso GM, Nomura A, et al."): its initials are no family names; one
    # name without a comma after it ("Team GLM.") is no such list
    if _VANCOUVER_START.match(segment):
        vancouver = _INITIALS_AFTER.findall(segment)
        given_first = [n for n in given_first if not re.fullmatch("[A-Z]{1,3}", n)]
        names = family_first if len(family_first) >= len(given_first) else given_first
        if len(vancouver) > len(names):
            names = vancouver
    return [Name(family=n.strip()) for n in names if len(n) > 1]


def parse(item: str, origin: str) -> Record:
    ids = identify(None)
    doi = _DOI.search(item)
    if doi:
        ids = identify(doi.group().rstrip(".,;)]"))
    arxiv = _ARXIV.search(item)
    if arxiv:
        ids = ids.merged(identify(arxiv.group(1)))
    years = list(_YEAR.finditer(item))
    year = years[0] if years else None
    title, before = _title(item, year)
    record = Record(
        title=title or None,
        authors=_authors(before),
        et_al=True,  # family names as evidence: a style may print only the first few
        issued=(int(year.group(1)),) if year else None,
        doi=ids.doi,
        arxiv_id=ids.arxiv_id,
        arxiv_version=ids.arxiv_version,
        origin=origin,
        input_form=NAME,
        citation=item,
        vars=other_ids_in(item),  # an ISBN, PubMed or PMC id the reference names
    )
    return record.mark("input")


def read(text: str, input_name: str) -> ReadResult:
    result = ReadResult()
    for line, item in items(text):
        if len(item) < 40 and not _YEAR.search(item):  # "References", a running head, "12"
            result.warnings.append(f"{input_name}:{line}: not a reference, skipped: {item!r}")
            continue
        record = parse(item, f"{input_name}:{line}")
        if not (record.title or record.doi or record.arxiv_id):
            result.problems.append(f"{input_name}:{line}: no title, DOI or arXiv id found in it")
            continue
        result.records.append(record)
    return result
