"""Which venue a name means: "NeurIPS 2023", "NIPS" and "Advances in Neural Information
Processing Systems" are one venue; "ICLR" is another. `bibx check` compares an entry's venue with
its record's through this table; a name it does not know is never called a disagreement.

The names are the ones users cite and the ones Crossref and dblp give (full proceedings titles,
dblp's short venues); a phrase matches whole words of the folded name (`bibx.text.match_key`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from bibx.text import match_key

# canonical name -> phrases (folded) that name it
VENUES: dict[str, tuple[str, ...]] = {
    "NeurIPS": ("neurips", "nips", "neural information processing systems"),
    "ICLR": ("iclr", "international conference on learning representations"),
    "ICML": ("icml", "international conference on machine learning"),
    "ACL": ("acl", "annual meeting of the association for computational linguistics"),
    "EMNLP": ("emnlp", "empirical methods in natural language processing"),
    "NAACL": ("naacl", "north american chapter of the association for computational linguistics"),
    "EACL": ("eacl", "european chapter of the association for computational linguistics"),
    "AACL": ("aacl", "asia pacific chapter of the association for computational linguistics"),
    "COLING": ("coling", "international conference on computational linguistics"),
    "TACL": ("tacl", "transactions of the association for computational linguistics"),
    "COLM": ("colm", "conference on language modeling"),
    "AAAI": ("aaai",),
    "IJCAI": ("ijcai", "international joint conference on artificial intelligence"),
    "CVPR": ("cvpr", "computer vision and pattern recognition"),
    "ICCV": ("iccv", "international conference on computer vision"),
    "ECCV": ("eccv", "european conference on computer vision"),
    "KDD": ("kdd", "knowledge discovery and data mining"),
    "CIKM": ("cikm", "conference on information and knowledge management"),
    "SIGIR": ("sigir", "research and development in information retrieval"),
    "WWW": ("the web conference", "world wide web conference"),
    "ICRA": ("icra", "international conference on robotics and automation"),
    "JMLR": ("jmlr", "journal of machine learning research"),
    "TMLR": ("tmlr", "transactions on machine learning research"),
    "SPECOM": ("specom", "conference on speech and computer"),
    "Interspeech": ("interspeech",),
    "ICASSP": ("icassp", "acoustics speech and signal processing"),
}
# Names that say "one part of a venue", whose main venue's name they also hold: a workshop at
# NeurIPS is not NeurIPS, and the venue of a workshop is not compared at all.
_WORKSHOP = re.compile(r"\b(workshops?|wkshp|symposium)\b")
_FINDINGS = re.compile(r"\bfindings\b")
_AND = re.compile(r"(?:^| )and(?= |$)")  # "Information & Knowledge" and "... and ...": one name
_PHRASES = [
    (name, re.compile(rf"(?:^| ){re.escape(_AND.sub('', phrase).strip())}(?: |$)"))
    for name, phrases in VENUES.items()
    for phrase in phrases
]


@lru_cache(maxsize=4096)
def venues_named(text: str) -> frozenset[str]:
    """The canonical venues a name names: {"NeurIPS"}; {"Findings", "Findings of EMNLP"} for
    ACL's Findings; empty for a workshop or a name the table does not know."""
    key = _AND.sub("", match_key(text)).strip()
    if _WORKSHOP.search(key):
        return frozenset()
    found = {name for name, pattern in _PHRASES if pattern.search(key)}
    if _FINDINGS.search(key):
        return frozenset({"Findings"} | {f"Findings of {name}" for name in found})
    return frozenset(found)


def same_venue(a: str, b: str) -> bool | None:
    """True when the two names name one venue, False when they name different ones, None when
    either is not known (then nothing can be said)."""
    mine, theirs = venues_named(a), venues_named(b)
    if not mine or not theirs:
        return None
    return bool(mine & theirs)
