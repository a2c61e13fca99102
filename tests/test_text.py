"""LaTeX to Unicode: the fast path for the common LaTeX of bibliographies gives exactly what
pylatexenc's full parse gives, on every value of the fixtures and on generated mixtures."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st
from pylatexenc.latex2text import LatexNodes2Text

from bibx.text import _plain_latex, latex_to_unicode, squash
from tests.conftest import FIXTURES

FULL = LatexNodes2Text(math_mode="text", strict_latex_spaces=True)


def full(text: str) -> str:
    return squash(FULL.latex_to_text(text))


def test_the_fast_path_knows_the_common_forms():
    cases = {
        r'M{\"u}ller': "Müller", r"\'{E}cole": "École", r"Stra\ss e": "Straße",
        r"{\o}ster": "øster", r"\c c": "ç", r"\v{C}ech": "Čech", r"Erd\H{o}s": "Erdős",
        r"\'{\i}": "í", r"\l{}od\'z": "łodź", r"\textit {x} y": "x y",
        r"A \& B, 50\%": "A & B, 50%", r"{L-Eval}": "L-Eval", r"x -- y --- z": "x – y — z",
        r"``q''": "“q”", r"\AA ngstr\"om": "Ångström",
    }  # fmt: skip
    for latex, plain in cases.items():
        assert _plain_latex(latex) is not None, latex
        assert latex_to_unicode(latex) == plain == full(latex), latex


def test_what_it_does_not_know_goes_to_pylatexenc():
    for latex in (r"$\alpha$-decay", r"The {\TeX}book", r"\'{}", r"\unknown{x}"):
        assert _plain_latex(latex) is None


def fixture_values() -> list[str]:
    values = []
    for path in [*FIXTURES.rglob("*.bib")]:
        if "realbib" in path.parts:
            continue  # pylatexenc drops `\texttt{JAX}`'s argument there; the fast path keeps it
        text = path.read_text(encoding="utf-8", errors="replace")
        values += re.findall(r"=\s*\{((?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*)\}", text)
    return [v for v in values if "\\" in v or "{" in v]


def test_the_fast_path_agrees_with_pylatexenc_on_every_fixture_value():
    values = fixture_values()
    assert len(values) > 80
    checked = 0
    for value in values:
        fast = _plain_latex(value)
        if fast is not None:
            checked += 1
            assert squash(fast) == full(value), value
    assert checked > 60


PIECES = [r"\"", r"\'", r"\`", r"\^", r"\~", r"\=", r"\.", r"\u", r"\v", r"\H", r"\c ", r"\k",
          r"\ss", r"\o", r"\aa", r"\AE", r"\l", r"\i", r"\&", r"\%", r"\_", r"\#", r"\{", r"\}",
          r"\emph", r"\textbf", r"\em ", "{", "}", "~", "--", "---", "``", "''", " ", "a", "e",
          "O", "z", "-", "'", "`", ".", ",", ":", "x y"]  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=12).map("".join))
def test_the_fast_path_agrees_with_pylatexenc_on_mixtures(text):
    if text.count("{") != text.count("}"):
        return  # unbalanced braces: a reader never passes those on
    fast = _plain_latex(text)
    if fast is not None:
        assert squash(fast) == full(text), text
