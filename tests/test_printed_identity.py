"""A generated .bib library, converted by bibx to a .bib of the same dialect, prints the same:
BibTeX's .bbl (plain and plainnat) of the converted file equals the original's. The libraries
are written the ways people write them: every standard entry type, field names in any case,
braced and quoted values, `@string` macros, month macros, `#` concatenation, bare numbers,
accents as TeX commands, protected capitals, `--` ranges. Each example runs bibtex twice per
style; BIBX_EXAMPLES raises the count for a deeper search."""

from __future__ import annotations

import os
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bibx.readers import read_text
from bibx.writers import WriteOptions, bibtex
from tests.printed import bibtex_bbl

if shutil.which("bibtex") is None and os.environ.get("CI") != "true":
    pytest.skip("bibtex is not installed", allow_module_level=True)

TYPES = ["article", "book", "inproceedings", "incollection", "inbook", "misc", "techreport",
         "phdthesis", "mastersthesis", "unpublished", "manual", "booklet",
         "proceedings"]  # fmt: skip
FIELDS = ["author", "editor", "title", "journal", "booktitle", "publisher", "address", "year",
          "month", "volume", "number", "pages", "edition", "series", "note", "school",
          "institution", "organization", "howpublished", "chapter", "doi", "url"]  # fmt: skip
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

plain_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1,
                     max_size=9)  # fmt: skip
word = st.one_of(
    plain_word,
    plain_word,
    plain_word.map(lambda w: "{" + w.capitalize() + "}"),  # protected capitals
    st.sampled_from(['{\\"o}', "{\\'e}", "\\&", "{\\ss}", "{\\c{c}}", "--", "{\\TeX}"]),
)
text = st.lists(word, min_size=1, max_size=8).map(" ".join)
person = st.tuples(plain_word, plain_word).map(
    lambda p: f"{p[0].capitalize()}, {p[1].capitalize()}"
)
people = st.lists(person, min_size=1, max_size=4).map(" and ".join)


def _value(field: str, draw: st.DrawFn, macros: list[str]) -> str:
    if field in ("author", "editor"):
        return "{" + draw(people) + "}"
    if field == "year":
        return draw(st.sampled_from(["{%d}", '"%d"', "%d"])) % draw(st.integers(1900, 2030))
    if field == "month":
        return draw(st.sampled_from(MONTHS))
    if field in ("volume", "number", "edition", "chapter") and draw(st.booleans()):
        return str(draw(st.integers(1, 99)))
    if field == "pages":
        first = draw(st.integers(1, 500))
        return f"{{{first}--{first + draw(st.integers(0, 40))}}}"
    if field in ("doi", "url"):
        return f"{{10.{draw(st.integers(1000, 99999))}/{draw(plain_word).lower()}}}"
    if macros and draw(st.integers(0, 4)) == 0:
        macro = draw(st.sampled_from(macros))
        return macro if draw(st.booleans()) else f'{macro} # " {draw(plain_word)}"'
    body = draw(text)
    return '"' + body + '"' if draw(st.integers(0, 3)) == 0 else "{" + body + "}"


@st.composite
def libraries(draw: st.DrawFn) -> str:
    macros = [f"m{n}" for n in range(draw(st.integers(0, 2)))]
    out = [f"@string{{{m} = {{{draw(text)}}}}}" for m in macros]
    for n in range(draw(st.integers(1, 6))):
        etype = draw(st.sampled_from(TYPES))
        etype = etype.upper() if draw(st.integers(0, 5)) == 0 else etype
        fields = draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=10, unique=True))
        if "title" not in fields:
            fields.insert(0, "title")
        lines = []
        for field in fields:
            name = field.capitalize() if draw(st.integers(0, 4)) == 0 else field
            lines.append(f"  {name} = {_value(field, draw, macros)}")
        out.append(f"@{etype}{{key{n},\n" + ",\n".join(lines) + "\n}")
    return "\n\n".join(out) + "\n"


def converted(source: str, annotate: bool) -> str:
    """bibx's .bib of the library in its own dialect; annotated, every entry goes through the
    writer's field-by-field path (an untouched entry is otherwise written as it was read)."""
    read = read_text(source, "lib.bib", "bibtex")
    assert not read.problems, read.problems
    dialect = {r.dialect for r in read.records if r.dialect}.pop() if read.records else "bibtex"
    options = WriteOptions(dialect=dialect, preamble=tuple(read.preamble), annotate=annotate)
    return bibtex.write(read.records, options).text


@settings(
    max_examples=int(os.environ.get("BIBX_EXAMPLES", "25")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(libraries())
def test_a_generated_library_prints_the_same_after_conversion(tmp_path_factory, library):
    work = tmp_path_factory.mktemp("printed")
    for style in ("plain", "plainnat"):
        before_bbl, _ = bibtex_bbl(library.encode("utf-8"), style, work / "before")
        for annotate in (False, True):
            after = converted(library, annotate)
            after_bbl, _ = bibtex_bbl(after.encode("utf-8"), style, work / "after")
            assert after_bbl == before_bbl, (style, annotate, library, after)
