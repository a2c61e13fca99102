"""A test set for `bibx check` (issue #16), built from the seed papers' real metadata.

Every seed paper (fixtures/seed-metadata.json: titles, authors, arXiv ids, venues and publisher
DOIs from public sources) is written as a careful user's .bib entry, once with its ids and once
by title alone: those entries are all correct. Then a copy of each is altered in one known way:

- `wrong-year`: a year three before the earliest of the paper's (preprint or venue);
- `dropped-author`: one co-author left out (papers with two authors or more);
- `invented-author`: a name that is no author of the paper inserted second;
- `misspelt-author`: two letters of the first author's family name swapped (a person's name of
  5+ letters, not a collective's);
- `other-doi`: the publisher DOI of another seed paper, beside the paper's own arXiv id;
- `invented-title`: a title of invented words, authors and year kept, no ids (as a language
  model writes a reference that does not exist);
- `swapped-venue`: another major venue instead of the paper's (papers with a named venue).

The invented words and the invented name are made up here, on purpose, and are the only facts of
the set that are not the seed's. `entries()` returns (kind, .bib text) pairs; `bib()` one file.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
KINDS = ("correct", "correct-title-only", "wrong-year", "dropped-author", "invented-author",
         "misspelt-author", "other-doi", "invented-title", "swapped-venue")  # fmt: skip
INVENTED_NAME = ("Ansel", "Quillfeather")  # no seed paper has an author of this name
SWAP = {"ICLR": "NeurIPS", "NeurIPS": "ICML", "ICML": "ICLR", "ACL": "EMNLP", "EMNLP": "ACL",
        "NAACL": "ACL", "Findings of ACL": "ACL", "Findings of NAACL": "NAACL", "ICCV": "CVPR",
        "CIKM": "KDD", "AAAI": "IJCAI", "ICRA": "ICML"}  # fmt: skip
_VENUE = re.compile(r"^(?P<venue>Findings of \w+|[A-Za-z]+) \(?(?P<year>\d{4})\)?$")


def papers() -> list[dict]:
    meta = json.loads((FIXTURES / "seed-metadata.json").read_text(encoding="utf-8"))
    return [p for p in meta["papers"] if p.get("arxiv_id")]


def _venue(paper: dict) -> tuple[str, int] | None:
    """("ICLR", 2025) for a seed venue the set can use: a named venue with a confirmed year."""
    match = _VENUE.match(paper.get("venue") or "")
    if not match:
        return None
    return match.group("venue"), int(match.group("year"))


def _escape(text: str) -> str:
    return re.sub(r"(?<!\\)([&%#_])", r"\\\1", text)


def _entry(key: str, fields: dict[str, str], kind: str) -> str:
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields.items())
    return f"@{kind}{{{key},\n{body}\n}}\n"


def _invented_title(rng: random.Random, words: int) -> str:
    syllables = ["qua", "vel", "tor", "min", "ex", "dra", "lo", "zen", "pri", "mak", "sul", "ber"]
    made = ["".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(words)]
    return " ".join(w.capitalize() for w in made)


def _fields(paper: dict, ids: bool) -> tuple[dict[str, str], str]:
    names = [f"{a['family']}, {a['given']}" if a.get("given") else a["family"]
             for a in paper["authors"]]  # fmt: skip
    venue = _venue(paper)
    year = venue[1] if venue else int(paper["submitted"][:4])
    fields = {"title": _escape(paper["title"]), "author": " and ".join(names)}
    if venue:
        fields["booktitle"] = venue[0]
    else:
        fields["journal"] = f"arXiv preprint arXiv:{paper['arxiv_id']}"
    fields["year"] = str(year)
    if ids:
        if paper.get("published_doi"):
            fields["doi"] = paper["published_doi"]
        fields |= {"eprint": paper["arxiv_id"], "archiveprefix": "arXiv"}
    return fields, "inproceedings" if venue else "article"


def entries() -> list[tuple[str, str]]:
    """(kind, .bib entry) for every seed paper and every alteration that applies to it."""
    rng = random.Random(16)
    seed = papers()
    dois = [p["published_doi"] for p in seed if p.get("published_doi")]
    out: list[tuple[str, str]] = []
    for n, paper in enumerate(seed):
        key = f"p{n:02d}"
        fields, kind = _fields(paper, ids=True)
        out.append(("correct", _entry(f"{key}-correct", fields, kind)))
        plain, kind = _fields(paper, ids=False)
        out.append(("correct-title-only", _entry(f"{key}-title", plain, kind)))
        names = plain["author"].split(" and ")
        assigned = int(paper["submitted"][:4])
        altered = {**plain, "year": str(min(assigned, int(plain["year"])) - 3)}
        out.append(("wrong-year", _entry(f"{key}-year", altered, kind)))
        if len(names) >= 2:
            dropped = names[: len(names) // 2] + names[len(names) // 2 + 1 :]
            altered = {**plain, "author": " and ".join(dropped)}
            out.append(("dropped-author", _entry(f"{key}-dropped", altered, kind)))
        invented = [*names[:1], f"{INVENTED_NAME[1]}, {INVENTED_NAME[0]}", *names[1:]]
        altered = {**plain, "author": " and ".join(invented)}
        out.append(("invented-author", _entry(f"{key}-invented", altered, kind)))
        first = paper["authors"][0]
        family = first["family"]
        if first.get("given") and len(family) >= 5 and " " not in family and family[2] != family[3]:
            wrong = family[:2] + family[3] + family[2] + family[4:]
            altered = {**plain, "author": " and ".join([names[0].replace(family, wrong, 1),
                                                        *names[1:]])}  # fmt: skip
            out.append(("misspelt-author", _entry(f"{key}-misspelt", altered, kind)))
        others = [d for d in dois if d != paper.get("published_doi")]
        altered = {**fields, "doi": others[n % len(others)]}
        out.append(("other-doi", _entry(f"{key}-doi", altered, kind)))
        words = len(paper["title"].split())
        altered = {**plain, "title": _invented_title(rng, max(words, 4))}
        if "journal" in altered:
            altered["journal"] = "arXiv preprint"
        out.append(("invented-title", _entry(f"{key}-made-up", altered, kind)))
        venue = _venue(paper)
        if venue and venue[0] in SWAP:
            altered = {**plain, "booktitle": SWAP[venue[0]]}
            out.append(("swapped-venue", _entry(f"{key}-venue", altered, kind)))
    return out


def bib(kinds: tuple[str, ...] = KINDS) -> str:
    return "\n".join(text for kind, text in entries() if kind in kinds)
