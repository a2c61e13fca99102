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
    fast = _plain_latex(text)
    if fast is not None:
        return squash(fast)
    marked = _SYMBOL_RE.sub(lambda m: _MARK_OF[m.group(1)], text)
    marked = _LOGO_RE.sub(lambda m: m.group(1), marked)
    try:
        plain = _LATEX.latex_to_text(marked)
    except Exception:  # pylatexenc is lenient, but never let markup sink an entry
        plain = re.sub(r"[\\{}$]", "", marked)
    return squash("".join(_MARKS.get(c, c) for c in plain))


# The LaTeX of nearly every .bib (accents, special letters, escapes, font commands, braces) is
# converted here, without pylatexenc's full parse, which costs a millisecond a value: most of
# the time of reading a large .bib. Anything else (math, unknown commands) goes to pylatexenc;
# tests/test_text.py checks both give the same text.
_ACCENTS = {'"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303",
            "=": "\u0304", ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b",
            "c": "\u0327", "k": "\u0328", "r": "\u030a", "d": "\u0323", "b": "\u0331"}  # fmt: skip
_LETTERS = {"ss": "ß", "o": "ø", "O": "Ø", "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ", "oe": "œ",
            "OE": "Œ", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ"}  # fmt: skip
_BASE = r"(\\[ij](?![A-Za-z])\s*|[A-Za-z](?![\u0300-\u036f]))"  # no accent on an accent
_SYMBOL_ACCENT = re.compile(rf"\\([\"'`^~=.])\s*(?:\{{\s*{_BASE}\s*\}}|{_BASE})")
_WORD_ACCENT = re.compile(rf"\\([uvHckrdb])(?:\s*\{{\s*{_BASE}\s*\}}|\s+{_BASE})")
_LETTER = re.compile(r"\\(ss|aa|AA|ae|AE|oe|OE|o|O|l|L|i|j)(?![A-Za-z])(?:\{\}|\s*)")
_FONT = re.compile(
    r"\\(?:text(?:bf|it|sl|sc|rm|sf|tt|up|md|normal)|emph|math(?:rm|bf|it|sf|tt)|mbox)\s*(?=\{)"
)
_ESCAPE = re.compile(r"\\([&%$#_{}])")
_ESCAPED = {c: chr(0xE100 + i) for i, c in enumerate("&%$#_{}")}
_UNESCAPED = {v: k for k, v in _ESCAPED.items()}


def _accented(match: re.Match[str]) -> str:
    base = match.group(2) or match.group(3)
    base = base[1] if base.startswith("\\") else base  # an accent on a dotless i is on an i
    return unicodedata.normalize("NFC", base + _ACCENTS[match.group(1)])


def _plain_latex(text: str) -> str | None:
    """`text` as Unicode when it holds only the common LaTeX of bibliographies, else None."""
    text = _ESCAPE.sub(lambda m: _ESCAPED[m.group(1)], text)
    if "$" in text:
        return None  # math: pylatexenc's
    text = text.replace("\\\\", "\n")
    text = _WORD_ACCENT.sub(_accented, text)  # first: `\c \^x` is no plain accent, kept whole
    text = _SYMBOL_ACCENT.sub(_accented, text)
    text = _LETTER.sub(lambda m: _LETTERS[m.group(1)], text)
    text = _FONT.sub("", text)
    if "\\" in text:
        return None  # a command not known here
    for ligature, char in _PLAIN_LIGATURES:  # before the braces go: `-{---}` is no `----`
        text = text.replace(ligature, char)
    text = text.replace("{", "").replace("}", "").replace("~", "\xa0")
    return "".join(_UNESCAPED.get(c, c) for c in text)


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


_QUERY_WORD = re.compile(r"[^\W_]+")


def query_words(text: str) -> list[str]:
    """A title's words as a search service is asked for them: letters and digits as written
    (case and accents kept: the service folds them), punctuation dropped."""
    return _QUERY_WORD.findall(text)


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
