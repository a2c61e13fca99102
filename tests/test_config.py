"""The config file (`bibx.toml`, `[tool.bibx]` in pyproject.toml): found from the working
directory up; precedence option > environment > file > default; an unknown setting or a bad
value is one error line naming the file and the line. Run as a user runs bibx: the console
entry point in a subprocess, in a throw-away directory."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from bibx.config import ConfigError, load
from tests.conftest import FIXTURES, SNAPSHOT

IDS = "arXiv:2402.06147\n"


def bibx(cwd, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("BIBX_")}
    environ.update({"BIBX_CACHE": str(cwd / ".cache"), **(env or {})})
    return subprocess.run(
        [sys.executable, "-c", "from bibx.quick import main; main()", *args],
        cwd=cwd, env=environ, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def test_pyproject_table_found_from_a_subdirectory(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "paper"\n\n[tool.bibx]\nmailto = "me@example.org"\n'
        'snapshot = "data/snap.jsonl"\nbib-dialect = "biblatex"\noffline = true\n',
        encoding="utf-8",
    )
    (tmp_path / "chapters").mkdir()
    config = load(tmp_path / "chapters", environ={})
    assert config.path == tmp_path / "pyproject.toml"
    assert config.values["snapshot"] == str(tmp_path / "data/snap.jsonl")  # from the file's place
    assert config.default_map({}) == {
        "mailto": "me@example.org", "snapshot": str(tmp_path / "data/snap.jsonl"),
        "bib_dialect": "biblatex", "offline": True,
    }  # fmt: skip
    # the environment wins over the file: the file's value is left out
    assert "mailto" not in config.default_map({"BIBX_MAILTO": "env@example.org"})


def test_bibx_toml_wins_over_pyproject_in_the_same_folder(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.bibx]\nvenue = "long"\n', "utf-8")
    (tmp_path / "bibx.toml").write_text('venue = "short"\n', "utf-8")
    assert load(tmp_path, environ={}).values == {"venue": "short"}
    (tmp_path / "other").mkdir()
    (tmp_path / "other/pyproject.toml").write_text('[project]\nname = "x"\n', "utf-8")
    assert load(tmp_path / "other", environ={}).values == {"venue": "short"}  # no table: upward
    with pytest.raises(ConfigError, match=r"none\.toml: no such config file"):
        load(tmp_path, environ={"BIBX_CONFIG": str(tmp_path / "none.toml")})


@pytest.mark.parametrize(
    ("text", "line", "says"),
    [
        ('mailto = "a@b.org"\nmailtoo = "x"\n', 2, "unknown setting 'mailtoo'"),
        ('\n\nvenue = "tiny"\n', 3, "venue = 'tiny': must be one of long, short"),
        ("offline = 1\n", 1, "offline = 1: must be true or false"),
        ('mailto = "a@b.org"\nsnapshot = \n', 2, "not valid TOML"),
    ],
)
def test_a_bad_setting_is_one_line_naming_file_and_line(tmp_path, text, line, says):
    (tmp_path / "bibx.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, environ={})
    assert str(caught.value).startswith(f"{tmp_path / 'bibx.toml'}:{line}: ")
    assert says in str(caught.value)
    done = bibx(tmp_path, "convert", str(FIXTURES / "user-bib/google-scholar.bib"), "-f", "bibtex")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [f"error: {caught.value}"]


def test_a_line_in_pyproject_is_counted_in_its_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\nvenue = "ok elsewhere"\n\n[tool.bibx]\nprefer = "newest"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"pyproject.toml:6: prefer = 'newest'"):
        load(tmp_path, environ={})


def test_option_over_environment_over_file_over_default(tmp_path):
    (tmp_path / "ids.txt").write_text(IDS, encoding="utf-8")
    (tmp_path / "bibx.toml").write_text(
        f'snapshot = "{SNAPSHOT}"\noffline = true\nbib-dialect = "biblatex"\n', encoding="utf-8"
    )
    export = ["export", "ids.txt", "-f", "bibtex", "-q"]
    # the file: offline, the bundled snapshot, biblatex fields
    done = bibx(tmp_path, *export)
    assert done.returncode == 0, done.stderr
    assert "(biblatex dialect)" in done.stdout and "@online{" in done.stdout
    # the option wins over the file
    done = bibx(tmp_path, *export, "--bib-dialect", "bibtex")
    assert "(bibtex dialect)" in done.stdout
    # the environment wins over the file, the option over the environment
    elsewhere = tmp_path / "none.jsonl"
    elsewhere.write_text("", encoding="utf-8")
    done = bibx(tmp_path, *export, env={"BIBX_SNAPSHOT": str(elsewhere)})
    assert done.returncode != 0  # an empty snapshot: the paper is not found offline
    done = bibx(tmp_path, *export, "--snapshot", str(SNAPSHOT),
                env={"BIBX_SNAPSHOT": str(elsewhere)})  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_the_cite_front_door_defers_a_bad_config_to_the_full_command(tmp_path):
    from bibx import quick

    (tmp_path / "paper.aux").write_text("\\citation{a}\n\\bibdata{refs}\n", encoding="utf-8")
    (tmp_path / "refs.bib").write_text("@misc{a, title = {A}}\n", encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        assert quick.nothing_new(["paper.aux"]) == 0
        (tmp_path / "bibx.toml").write_text("venue = 3\n", encoding="utf-8")
        assert quick.nothing_new(["paper.aux"]) is None
    finally:
        os.chdir(cwd)
    done = bibx(tmp_path, "cite", "paper.aux")
    assert done.returncode == 2 and "bibx.toml:1: venue = 3" in done.stderr
