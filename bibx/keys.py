"""Citation keys shared by every writer, so a .bib and a .json of one run cite alike.

The key is Better BibTeX's default family: first author's family name, three significant title
words, year (`liuImprovingLongTextAlignment2024` style, here `liuImprovingLongText2024`). Keys
that collide all get a/b/c suffixes in an order fixed by the papers' identities, so a key depends
only on the papers in the file, never on their order. Keys the input gave are kept.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

from bibx.ids import KEY_OK
from bibx.model import Record
from bibx.text import STOPWORDS, latex_to_unicode, match_key

# KEY_OK: what a citation key may hold to work in LaTeX (\cite), bibtex, biber and pandoc alike
# (the DBLP:conf/nips/... and doi:10.18653/v1/... keys tested with each of them: docs/guide.md):
# no space, comma, brace, quote, parenthesis, %, # or ~. A key given with others loses them.


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", latex_to_unicode(text))
    folded = folded.replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("ß", "ss")
    return "".join(c for c in folded if c.isascii() and c.isalnum())


# What no key can hold and stay one key in a .bib: a key given with one of these loses it.
_KEY_BREAKS = re.compile(r'[\s,{}"#%\\]')


def base_key(record: Record) -> str:
    """The key the input gave, byte for byte (`Барковский1981`, `a(b)`: BibTeX and biber read
    them), else one made from the first author, title words and year."""
    if record.key:
        cleaned = _KEY_BREAKS.sub("", record.key)
        if cleaned:
            return cleaned
    if not record.authors and not record.title:  # an id only: the key `bibx cite` would use
        if record.arxiv_id:
            return f"arXiv:{record.arxiv_id}"
        if record.doi and KEY_OK.match(record.doi):
            return f"doi:{record.doi}"
        for variable in ("ISBN", "PMID", "PMCID"):
            if record.vars.get(variable):
                return f"{variable.lower()}:{record.vars[variable]}"
    first = record.authors[0] if record.authors else None
    author = _ascii((first.family or first.literal or "") if first else "").lower() or "anon"
    title = re.sub(r"(?<=\w)['’](?=\w)", "", record.title or "")  # Google's -> Googles
    title_words = [w for w in match_key(title).split() if w not in STOPWORDS]
    short = "".join(_ascii(w).capitalize() for w in title_words[:3])
    year = str(record.year) if record.year else "nd"
    return f"{author}{short}{year}"


def _identity(record: Record) -> str:
    return record.arxiv_id or (record.doi or "").lower() or match_key(record.title or "") or ""


def assign_keys(records: list[Record]) -> list[str]:
    """One unique key per record, in the records' order."""
    bases = [base_key(r) for r in records]
    groups: dict[str, list[int]] = defaultdict(list)
    for index, base in enumerate(bases):
        groups[base.lower()].append(index)  # BibTeX keys are case-insensitive
    keys = list(bases)
    taken = {b.lower() for b in bases}
    for members in groups.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda i: (_identity(records[i]), records[i].origin or ""))
        for rank, index in enumerate(members):
            suffix = _suffix(rank)
            candidate = bases[index] + suffix
            while candidate.lower() in taken:
                suffix += "x"
                candidate = bases[index] + suffix
            taken.add(candidate.lower())
            keys[index] = candidate
    return keys


def _suffix(rank: int) -> str:
    letters = ""
    rank += 1
    while rank:
        rank, rest = divmod(rank - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters
