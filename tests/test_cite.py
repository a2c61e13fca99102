"""`bibx cite`: the citations of LaTeX and pandoc documents, keys that are identifiers resolved
and appended under exactly the cited key, nothing else touched.

`fixtures/cite/` holds a natbib paper and a biblatex paper with the .aux and .bcf that TeX Live
2022 (pdfTeX 1.40.24, biblatex 3.18b) wrote for them here, and a pandoc Markdown document.
"""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from bibx.cli import EXIT_OK, app
from bibx.documents import read_aux, read_bcf, read_markdown
from bibx.run import EXIT_UNDEFINED
from tests.conftest import FIXTURES, SNAPSHOT

CITE = FIXTURES / "cite"
KEYS = ["arXiv:2402.06147", "doi:10.18653/v1/2024.acl-long.776", "arxiv:2410.11817v2"]
KNUTH = b"@book{knuth84, author = {Knuth, Donald E.}, title = {The {\\TeX}book},\n  year = 1984}\n"
runner = CliRunner()


def cite(*args: str, offline: bool = True):
    extra = ["--snapshot", str(SNAPSHOT), "--offline"] if offline else ["--no-live"]
    return runner.invoke(app, ["cite", *args, *extra])


def test_natbib_aux_citations_and_bibdata():
    found = read_aux(CITE / "natbib-paper.aux")
    assert found.keys == [*KEYS, "knuth84"]
    assert found.bibliographies == [CITE / "refs.bib"]


def test_biblatex_aux_and_bcf_citations():
    assert read_aux(CITE / "biblatex-paper.aux").keys == KEYS
    found = read_bcf(CITE / "biblatex-paper.bcf")
    assert found.keys == KEYS
    assert found.bibliographies == [CITE / "refs.bib"]


def test_included_chapters_and_nocite_all(tmp_path):
    (tmp_path / "main.aux").write_text(
        "\\relax \n\\citation{a,b}\n\\@input{chapters/one.aux}\n\\citation{*}\n"
        "\\bibstyle{plainnat}\n\\bibdata{refs,more}\n",
        encoding="utf-8",
    )
    (tmp_path / "chapters").mkdir()
    (tmp_path / "chapters/one.aux").write_text(
        "\\relax \n\\citation{doi:10.1145/3340531.3411908}\n\\citation{a}\n", encoding="utf-8"
    )
    found = read_aux(tmp_path / "main.aux")
    assert found.keys == ["a", "b", "doi:10.1145/3340531.3411908", "*"]
    assert found.bibliographies == [tmp_path / "refs.bib", tmp_path / "more.bib"]


def test_pandoc_markdown_citations(tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_text(
        "---\ntitle: x\nbibliography: [refs.json, 'other.bib']\n---\n\n"
        "One [@arXiv:2402.06147]. Two @doi:10.18653/v1/2024.acl-long.776 says.\n"
        "[see @a; @b, p. 3] and [-@c]. Mail me@example.org. End of @d.\n"
        "Odd @{weird key}; `@code` and\n\n```\n@fenced\n```\n",
        encoding="utf-8",
    )
    found = read_markdown(doc)
    assert found.keys == [
        "arXiv:2402.06147", "doi:10.18653/v1/2024.acl-long.776", "a", "b", "c", "d",
        "weird key",
    ]  # fmt: skip
    assert found.bibliographies == [tmp_path / "refs.json", tmp_path / "other.bib"]


@pytest.fixture
def paper(tmp_path):
    shutil.copy(CITE / "natbib-paper.aux", tmp_path / "paper.aux")
    (tmp_path / "refs.bib").write_bytes(KNUTH)
    return tmp_path


def test_cited_identifiers_are_appended_under_the_cited_keys(paper):
    result = cite(str(paper / "paper.aux"))
    assert result.exit_code == EXIT_OK, result.stderr
    text = (paper / "refs.bib").read_bytes()
    assert text.startswith(KNUTH)  # the user's entries, byte for byte
    for key in KEYS:
        assert f"{{{key},\n".encode() in text
    assert b"eprint        = {2410.11817}" in text
    assert "added 3 entries (arXiv:2402.06147, doi:10.18653/v1/2024.acl-long.776" in result.stderr


def test_a_second_run_asks_nothing_and_touches_nothing(paper):
    assert cite(str(paper / "paper.aux")).exit_code == EXIT_OK
    before = (paper / "refs.bib").stat().st_mtime_ns
    # no source at all: building one would fail, so this proves none is asked
    again = cite(str(paper / "paper.aux"), offline=False)
    assert again.exit_code == EXIT_OK, again.stderr
    assert "every citation is defined; nothing written" in again.stderr
    assert (paper / "refs.bib").stat().st_mtime_ns == before


def test_undefined_citations_are_named_with_the_nearest_keys(paper):
    (paper / "paper.aux").write_text(
        "\\citation{knuth86}\n\\citation{arXiv:2402.06147}\n\\citation{doi:10.9999/not.here}\n"
        "\\bibdata{refs}\n",
        encoding="utf-8",
    )
    result = cite(str(paper / "paper.aux"))
    assert result.exit_code == EXIT_UNDEFINED
    assert "error: undefined citation knuth86: not in refs.bib (nearest: knuth84)" in result.stderr
    assert "error: undefined citation doi:10.9999/not.here: unresolved" in result.stderr
    assert b"{arXiv:2402.06147," in (paper / "refs.bib").read_bytes()  # the rest was done


def test_entries_nothing_cites_are_listed(paper):
    (paper / "paper.aux").write_text("\\citation{arXiv:2402.06147}\n\\bibdata{refs}\n", "utf-8")
    result = cite(str(paper / "paper.aux"))
    assert "in refs.bib but cited by nothing: knuth84" in result.stderr


def test_pandoc_document_gets_csl_json(tmp_path):
    shutil.copy(CITE / "pandoc-doc.md", tmp_path / "doc.md")
    result = cite(str(tmp_path / "doc.md"))
    assert result.exit_code == EXIT_OK, result.stderr
    items = json.loads((tmp_path / "refs.json").read_text(encoding="utf-8"))
    assert [i["id"] for i in items] == KEYS


def test_no_bibliography_named_is_one_clear_line(tmp_path):
    (tmp_path / "x.aux").write_text("\\citation{a}\n", encoding="utf-8")
    result = cite(str(tmp_path / "x.aux"))
    assert result.exit_code == 1
    assert "names no .bib or CSL-JSON bibliography; give --to FILE" in result.stderr


def test_the_guides_quick_start_works_offline_with_the_bundled_snapshot(tmp_path):
    """Every key the guide's first example cites is defined from what ships, with no network."""
    import re

    from tests.conftest import ROOT

    guide = (ROOT / "docs" / "guide.md").read_text(encoding="utf-8")
    example = guide.split("```latex", 1)[1].split("```", 1)[0]
    keys = re.findall(r"\\citep?\{([^}]+)\}", example)
    assert keys == ["arXiv:2401.18058", "arXiv:2402.06147"]
    aux = tmp_path / "paper.aux"
    aux.write_text(
        "\\relax\n" + "".join(f"\\citation{{{k}}}\n" for k in keys)
        + "\\bibstyle{plainnat}\n\\bibdata{refs}\n",
        encoding="utf-8",
    )  # fmt: skip
    result = cite(str(aux))
    assert result.exit_code == EXIT_OK, result.stderr
    written = (tmp_path / "refs.bib").read_text(encoding="utf-8")
    assert all(f"{{{k}," in written for k in keys)


def test_a_bcf_gets_biblatex_fields_and_an_aux_bibtex_fields_untold(tmp_path):
    """One dialect a file: biber's control file means BibLaTeX, an .aux BibTeX, unless the
    bibliography already has entries of its own dialect."""
    for name, dialect_field in (("biblatex-paper.bcf", "date"), ("natbib-paper.aux", "year")):
        work = tmp_path / name.split(".")[0]
        work.mkdir()
        shutil.copy(CITE / name, work / name)
        result = cite(str(work / name))
        assert result.exit_code in (EXIT_OK, EXIT_UNDEFINED), result.stderr  # knuth84: not ids
        written = (work / "refs.bib").read_text(encoding="utf-8")
        fields = {line.split("=")[0].strip() for line in written.splitlines() if "=" in line}
        assert dialect_field in fields, (name, sorted(fields))
        assert ({"date", "year"} - {dialect_field}) & fields == set(), (name, sorted(fields))


def test_an_id_nowhere_says_the_snapshot_was_searched(tmp_path):
    aux = tmp_path / "p.aux"
    aux.write_text("\\relax\n\\citation{arXiv:2305.18290}\n\\bibdata{refs}\n", encoding="utf-8")
    result = cite(str(aux))
    assert result.exit_code == EXIT_UNDEFINED
    assert "not in arxiv-snapshot; arxiv: not asked (offline, not in the cache)" in result.stderr


# The front door (`bibx.quick`): `bibx cite` with nothing new to look up answers before the
# program is loaded; it must say exactly what the full command says, and defer otherwise.


def quick_and_full(args: list[str], capsys) -> tuple[tuple[int, str], tuple[int, str]]:
    from bibx import quick

    code = quick.nothing_new(args)
    assert code is not None, "the front door deferred to the full command"
    quick_err = capsys.readouterr().err
    full = runner.invoke(app, ["cite", *args])
    return (code, quick_err), (full.exit_code, full.stderr)


def test_the_front_door_says_what_the_full_command_says(paper, capsys):
    assert cite(str(paper / "paper.aux")).exit_code == EXIT_OK  # all three ids now in refs.bib
    aux = str(paper / "paper.aux")
    quick, full = quick_and_full([aux, "--offline"], capsys)
    assert quick == full and quick[0] == EXIT_OK
    assert "every citation is defined; nothing written" in quick[1]
    # keys that are no identifier, missing: named with the nearest keys, exit 5, nothing asked
    (paper / "paper.aux").write_text(
        "\\citation{knuth86}\n\\citation{arXiv:2402.06147}\n\\citation{a key}\n\\bibdata{refs}\n",
        encoding="utf-8",
    )
    quick, full = quick_and_full([aux, "-q"], capsys)
    assert quick == full and quick[0] == EXIT_UNDEFINED
    assert "knuth86: not in refs.bib (nearest: knuth84)" in quick[1]
    quick, full = quick_and_full([aux], capsys)
    assert quick == full
    assert "cited by nothing: knuth84, doi:10.18653/v1/2024.acl-long.776" in quick[1]


def test_the_front_door_defers_whatever_it_cannot_judge(paper):
    from bibx import quick

    aux = str(paper / "paper.aux")
    assert quick.nothing_new([aux]) is None  # three identifiers to look up
    assert cite(aux).exit_code == EXIT_OK
    assert quick.nothing_new([aux]) == EXIT_OK
    assert quick.nothing_new([aux, "--arxiv-api", "http://127.0.0.1:1"]) is None  # unknown
    assert quick.nothing_new([aux, "--prefer", "newest"]) is None  # a usage error: full says
    assert quick.nothing_new([str(paper / "nothing.aux")]) is None  # full names the file
    (paper / "refs.bib").write_bytes("@book{knuth84, title = {caf\xe9}}\n".encode("latin-1"))
    assert quick.nothing_new([aux]) is None  # not UTF-8: the full reader decodes it


def test_the_front_doors_options_are_cites_own():
    import typer.main

    from bibx import quick

    command = typer.main.get_command(app).commands["cite"]  # type: ignore[attr-defined]
    options = {o: not getattr(p, "is_flag", False) for p in command.params for o in p.opts}
    for name, (takes_value, _allowed) in quick._CITE_OPTIONS.items():
        assert options.get(name) == takes_value, name


def test_the_front_door_finds_the_keys_the_reader_finds():
    from bibx import quick
    from bibx.readers import read_path
    from tests.test_fidelity import REALBIB, tex_live_bibs

    for path in [*sorted(REALBIB.glob("*.bib")), *tex_live_bibs()]:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # the front door defers such a file to the full reader
        keys = [r.key for r in read_path(path, "bibtex").records if r.key]
        assert sorted(set(quick.entry_keys(text))) == sorted(set(keys)), path.name


def test_the_front_door_loads_no_more_than_it_needs(paper):
    import subprocess
    import sys

    assert cite(str(paper / "paper.aux")).exit_code == EXIT_OK
    probe = (
        "import sys; from bibx import quick; code = quick.nothing_new(sys.argv[1:]); "
        "print(code, sorted(m for m in ('typer', 'bibx.cli', 'bibx.text', 'requests') "
        "if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(paper / "paper.aux")], capture_output=True, text=True
    )
    assert done.stdout.strip() == "0 []", done.stderr
    version = subprocess.run(
        [sys.executable, "-m", "bibx.quick", "--version"], capture_output=True, text=True
    )
    assert version.stdout.startswith("bibx ") and version.returncode == 0
