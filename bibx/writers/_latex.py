"""Text to LaTeX for the BibTeX writer: escaping, safe math, accents, case protection.

Everything that reaches a .bib goes through `to_latex`, so a title or name from a service can
neither run a command (`\\write18`, `\\input`) nor unbalance the braces of the entry.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pylatexenc.latexencode import UnicodeToLatexEncoder

SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    # \{ and \} would still count as braces for BibTeX's own brace matching
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIAL_RE = re.compile(r"[\\&%$#_{}~^]")

COMBINING = {
    "\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0304": "=", "\u0306": "u",
    "\u0307": ".", "\u0308": '"', "\u030a": "r", "\u030b": "H", "\u030c": "v", "\u0323": "d",
    "\u0327": "c", "\u0328": "k", "\u0331": "b",
}  # fmt: skip

# Math kept as math only when it uses these commands and balanced braces; anything else in
# `$...$` is written as escaped text.
SAFE_MATH_COMMANDS = frozenset(
    [
        "alpha",
        "beta",
        "gamma",
        "delta",
        "epsilon",
        "varepsilon",
        "zeta",
        "eta",
        "theta",
        "vartheta",
        "iota",
        "kappa",
        "lambda",
        "mu",
        "nu",
        "xi",
        "pi",
        "varpi",
        "rho",
        "varrho",
        "sigma",
        "varsigma",
        "tau",
        "upsilon",
        "phi",
        "varphi",
        "chi",
        "psi",
        "omega",
        "Gamma",
        "Delta",
        "Theta",
        "Lambda",
        "Xi",
        "Pi",
        "Sigma",
        "Upsilon",
        "Phi",
        "Psi",
        "Omega",
        "infty",
        "ell",
        "times",
        "cdot",
        "cdots",
        "ldots",
        "dots",
        "le",
        "leq",
        "ge",
        "geq",
        "ne",
        "neq",
        "sim",
        "approx",
        "pm",
        "mp",
        "to",
        "rightarrow",
        "leftarrow",
        "leftrightarrow",
        "Rightarrow",
        "mapsto",
        "in",
        "notin",
        "subset",
        "subseteq",
        "cup",
        "cap",
        "sum",
        "prod",
        "int",
        "partial",
        "nabla",
        "log",
        "exp",
        "sqrt",
        "frac",
        "mathcal",
        "mathbb",
        "mathbf",
        "mathrm",
        "mathit",
        "mathsf",
        "text",
        "textrm",
        "textit",
        "textbf",
        "boldsymbol",
        "hat",
        "tilde",
        "bar",
        "vec",
        "dot",
        "prime",
        "star",
        "ast",
        "circ",
        "bullet",
        "langle",
        "rangle",
        "lfloor",
        "rfloor",
        "lceil",
        "rceil",
        "mid",
        "vert",
        "Vert",
        "top",
        "bot",
        "perp",
        "emptyset",
        "forall",
        "exists",
        "neg",
        "land",
        "lor",
        "oplus",
        "otimes",
        "odot",
        "propto",
        "equiv",
        "cong",
        "simeq",
    ]
)
_MATH_RE = re.compile(r"(?<!\\)\$([^$]*[^\s$][^$]*)\$")
_MATH_OK = re.compile(r"^[A-Za-z0-9\s^_{}+\-*/=()\[\]<>|,.:;'!\\]*$")


def safe_math(body: str) -> bool:
    if not _MATH_OK.match(body):
        return False
    commands = re.findall(r"\\([A-Za-z]+|.)", body)
    if any(
        c not in SAFE_MATH_COMMANDS and c not in {",", ";", "!", " ", "{", "}"} for c in commands
    ):
        return False
    depth = 0
    for char in re.sub(r"\\[{}]", "", body):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


class _Encoder:
    """Unicode to LaTeX commands, with a fallback for stacked accents (ǖ -> {\\={\\"u}}).

    Stateless: what it cannot express comes out as '?', and `unencodable` says which characters
    of a text those are, so each write keeps its own account."""

    def __init__(self) -> None:
        self._encoder = UnicodeToLatexEncoder(
            non_ascii_only=True,
            replacement_latex_protection="braces-all",
            unknown_char_policy=self._fallback,
            unknown_char_warning=False,
        )

    @staticmethod
    def _fallback(char: str) -> str:
        decomposed = unicodedata.normalize("NFD", char)
        base, marks = decomposed[0], decomposed[1:]
        if base.isascii() and marks and all(m in COMBINING for m in marks):
            out = "\\i" if base == "i" else "\\j" if base == "j" else base
            for mark in marks:
                out = f"\\{COMBINING[mark]}{{{out}}}"
            return "{" + out + "}"
        return "?"

    def encode(self, text: str) -> str:
        return self._encoder.unicode_to_latex(text)


ENCODER = _Encoder()


@lru_cache(maxsize=4096)
def _lost(char: str) -> bool:
    return ENCODER.encode(char) == "?"


def unencodable(text: str) -> set[str]:
    """The characters of `text` classic BibTeX cannot carry (written as '?')."""
    return {c for c in set(text) if not c.isascii() and _lost(c)}


_LIGATURE_RE = re.compile(r"(?<=-)(?=-)|(?<=')(?=')|(?<=`)(?=`)|(?<=[!?])(?=`)")


def escape_text(text: str, ascii_only: bool) -> str:
    """Plain text (no math) to LaTeX: specials escaped, non-ASCII encoded for classic BibTeX,
    and the ligatures TeX would make of data (`--` to a dash, `''` to a quote) broken up."""
    escaped = _SPECIAL_RE.sub(lambda m: SPECIALS[m.group()], text)
    escaped = _LIGATURE_RE.sub("{}", escaped)
    return ENCODER.encode(escaped) if ascii_only and not escaped.isascii() else escaped


# A word needs protection when lower-casing would change its meaning: acronyms (CLIP, LLMs),
# mixed case (LLaVA, DeAL), a capital with digits (F5, T2I), a capital after a hyphen (L-Eval:
# the whole word, or a style prints "L-eval"). A plain capitalised word (Models) does not:
# styles that lower-case titles are right to lower-case it.
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*")


def _needs(part: str) -> bool:
    uppers = sum(c.isupper() for c in part)
    return (
        uppers >= 2
        or (uppers == 1 and not part[0].isupper())
        or (uppers >= 1 and any(c.isdigit() for c in part))
    )


def _protect_token(token: str) -> str:
    parts = token.split("-")
    if len(parts) > 1 and any(p[:1].isupper() for p in parts[1:]):
        return "{" + token + "}"  # L-Eval, LM-Infinite, MT-Bench: braced whole, as BBT does
    flags = [_needs(p) for p in parts]
    if not any(flags):
        return token
    if len(parts) == 1:
        plural = re.fullmatch(r"([A-Z0-9]+)([a-z]{1,2})", token)
        if plural and sum(c.isupper() for c in plural.group(1)) >= 2:
            return "{" + plural.group(1) + "}" + plural.group(2)  # {LLM}s
        return "{" + token + "}"
    first = flags.index(True)
    last = len(flags) - 1 - flags[::-1].index(True)
    head = "-".join(parts[:first])
    body = "-".join(parts[first : last + 1])
    tail = "-".join(parts[last + 1 :])
    return (head + "-" if head else "") + "{" + body + "}" + ("-" + tail if tail else "")


OPEN, CLOSE = "\x01", "\x02"  # protection marks, turned into braces after escaping


def protect_case(text: str) -> str:
    """Brace the words whose case must survive a style that lower-cases titles."""
    return _marked(text).replace(OPEN, "{").replace(CLOSE, "}")


def _marked(text: str) -> str:
    return _TOKEN.sub(
        lambda m: _protect_token(m.group()).replace("{", OPEN).replace("}", CLOSE), text
    )


def to_latex(text: str, *, ascii_only: bool, protect: bool = False) -> str:
    """Text with optional `$math$` to BibTeX field content."""
    out: list[str] = []
    pos = 0
    for match in _MATH_RE.finditer(text):
        out.append(_text_part(text[pos : match.start()], ascii_only, protect))
        body = match.group(1)
        if safe_math(body):
            math = f"${body}$"
            out.append("{" + math + "}" if protect else math)
        else:
            out.append(_text_part(match.group(0), ascii_only, protect))
        pos = match.end()
    out.append(_text_part(text[pos:], ascii_only, protect))
    return "".join(out)


def _text_part(text: str, ascii_only: bool, protect: bool) -> str:
    text = text.replace(OPEN, "").replace(CLOSE, "")
    if protect:
        # mark the words to protect, escape everything (data braces included), then brace
        escaped = escape_text(_marked(text), ascii_only)
        return escaped.replace(OPEN, "{").replace(CLOSE, "}")
    return escape_text(text, ascii_only)
