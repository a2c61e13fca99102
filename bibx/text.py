"""Text normalisation shared by readers and the resolver: LaTeX to Unicode, and match keys."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pylatexenc.latex2text import LatexNodes2Text

_LATEX = LatexNodes2Text(math_mode="text", strict_latex_spaces=True)
_LATEX_HINT = re.compile(r"[\\{}$]|--|''|``")
_SPACE = re.compile(r"\s+")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def squash(text: str) -> str:
    """Collapse runs of white space (hard-wrapped titles, CRLF) into single spaces."""
    return _SPACE.sub(" ", text).strip()


# Text-mode commands for special characters (what bibx's own BibTeX writer emits) that
# pylatexenc drops or maps to look-alikes; swapped for private-use marks before it runs.
_TEXT_SYMBOLS = {
    r"\textbraceleft": "{",
    r"\textbraceright": "}",
    r"\textasciitilde": "~",
    r"\textasciicircum": "^",
    r"\textbackslash": "\\",
}
_SYMBOL_RE = re.compile(
    "(" + "|".join(re.escape(k) for k in _TEXT_SYMBOLS) + r")(?:\{\}|(?![A-Za-z])\s?)"
)
_MARKS = {chr(0xE000 + i): v for i, v in enumerate(_TEXT_SYMBOLS.values())}
_MARK_OF = {k: chr(0xE000 + i) for i, k in enumerate(_TEXT_SYMBOLS)}


# TeX's logos, which pylatexenc drops: `The {\\TeX}book` must read "The TeXbook".
_LOGO_RE = re.compile(
    r"\\(LaTeXe|LaTeX|BibTeX|TeX|XeTeX|XeLaTeX|LuaTeX|LuaLaTeX|ConTeXt)(?:\{\}|(?![A-Za-z])\s?)"
)

_PLAIN_LIGATURES = (("---", "—"), ("--", "–"), ("``", "“"), ("''", "”"))


@lru_cache(maxsize=8192)
def latex_to_unicode(text: str) -> str:
    """Turn LaTeX markup into plain Unicode (`M{\\"u}ller` -> `Müller`, `$^2$` -> `^2`).

    Text without any LaTeX sign is returned as it is, so plain titles cost nothing.
    """
    if not _LATEX_HINT.search(text):
        return squash(text)
    if not re.search(r"[\\{}$]", text):  # only TeX ligatures: no need to parse
        for ligature, char in _PLAIN_LIGATURES:
            text = text.replace(ligature, char)
        return squash(text)
    marked = _SYMBOL_RE.sub(lambda m: _MARK_OF[m.group(1)], text)
    marked = _LOGO_RE.sub(lambda m: m.group(1), marked)
    try:
        plain = _LATEX.latex_to_text(marked)
    except Exception:  # pylatexenc is lenient, but never let markup sink an entry
        plain = re.sub(r"[\\{}$]", "", marked)
    return squash("".join(_MARKS.get(c, c) for c in plain))


_MATH = re.compile(r"(?<!\\)(\$[^$]*[^\s$][^$]*\$)")  # $…$ with something in it


@lru_cache(maxsize=8192)
def tex_to_text(text: str) -> str:
    """Like `latex_to_unicode`, but inline math (`$Q^*$`, `$\\infty$`) is kept as math.

    This is the form bibx keeps titles and abstracts in: what arXiv itself serves. Writers render
    the math for their format (kept for BibTeX, converted for CSL-JSON and Zotero).
    """
    if "$" not in text:
        return latex_to_unicode(text)
    text = re.sub(r"(?<!\\)\{(\$[^$]+\$)\}", r"\1", text)  # {$Q^*$}: braces kept math's case
    out = []
    for i, part in enumerate(_MATH.split(text)):
        if i % 2:
            out.append(part)
        elif part.strip():
            lead = " " if part[0].isspace() else ""
            trail = " " if part[-1].isspace() else ""
            out.append(lead + latex_to_unicode(part) + trail)
        else:
            out.append(part)
    return squash("".join(out))


@lru_cache(maxsize=65536)
def match_key(text: str) -> str:
    """A comparison key: LaTeX, accents, case, dashes, quotes and punctuation folded away."""
    plain = latex_to_unicode(text)
    folded = unicodedata.normalize("NFKD", plain)
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    folded = folded.casefold().replace("ß", "ss")
    return _NON_WORD.sub(" ", folded).strip()


def page_range(pages: str) -> str:
    """`340 -- 348`, `340–348` -> `340-348`: one hyphen, as CSL and the writers expect."""
    return re.sub(r"\s*[-–—]+\s*", "-", pages)


def words(text: str) -> list[str]:
    """The words of a match key."""
    return match_key(text).split()


_SCRIPT = re.compile(r"([\^_])(?:\{([^{}]*)\}|(\\?[A-Za-z0-9*]))")


def render_math(text: str) -> str:
    """`$^2$` -> `<sup>2</sup>`, `$\\infty$` -> `∞`: CSL's rich-text subset, no LaTeX."""

    def one(match: re.Match[str]) -> str:
        body = _SCRIPT.sub(
            lambda m: (
                ("<sup>" if m.group(1) == "^" else "<sub>")
                + latex_to_unicode(m.group(2) if m.group(2) is not None else m.group(3))
                + ("</sup>" if m.group(1) == "^" else "</sub>")
            ),
            match.group(1)[1:-1],
        )
        return latex_to_unicode(body) if "\\" in body else body

    return _MATH.sub(one, text)


# Words too common in titles to help a full-text search find one paper.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "has",
        "have",
        "how",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "over",
        "than",
        "that",
        "the",
        "their",
        "this",
        "to",
        "towards",
        "toward",
        "under",
        "via",
        "vs",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "with",
        "without",
        "your",
        "you",
        "our",
        "we",
    ]
)
