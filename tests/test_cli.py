from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import bibtexparser
import pytest
from typer.testing import CliRunner

from bibx.cli import EXIT_ERROR, EXIT_OK, EXIT_UNRESOLVED, app
from tests.conftest import PAGE, ROOT, SNAPSHOT

runner = CliRunner()


def export(*args: str):
    """`bibx export ARGS` against the bundled snapshot only."""
    return runner.invoke(app, ["export", *args, "--snapshot", str(SNAPSHOT), "--no-live"])


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("```sh", 1)[1].split("```", 1)[0]
    return [line.strip() for line in block.strip().splitlines() if line.strip()]


def test_readme_starts_with_the_two_commands():
    setup_and_run, run_tests = readme_commands()
    assert setup_and_run.startswith("pip install -e . && bibx export fixtures/hf-papers-alignment")
    assert "pytest" in run_tests


def test_readme_main_command_end_to_end(tmp_path):
    """The README's main job, as a user runs it: the installed console script, in the repo."""
    command = readme_commands()[0].split("&& ", 1)[1]
    out = tmp_path / "build"
    command = command.replace("--out build/", f"--out {out}/")
    env = {**os.environ, "BIBX_CACHE": str(tmp_path / "cache")}
    bindir = Path(sys.executable).parent
    env["PATH"] = f"{bindir}{os.pathsep}{env.get('PATH', '')}"
    done = subprocess.run(command, shell=True, cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == EXIT_OK, done.stderr
    assert "65 entries: 65 resolved, 0 ambiguous, 0 unresolved" in done.stderr
    bib = (out / "hf-papers-alignment.bib").read_text(encoding="utf-8")
    assert len(bibtexparser.parse_string(bib).entries) == 65
    assert len(json.loads((out / "hf-papers-alignment.json").read_text(encoding="utf-8"))) == 65
    rdf = (out / "hf-papers-alignment.rdf").read_text(encoding="utf-8")
    # 65 papers, each with the link to its PDF
    assert rdf.count("<z:itemType>") - rdf.count("<z:itemType>attachment<") == 65


def test_single_format_to_stdout():
    result = export(str(PAGE), "-f", "csl-json", "-q")
    assert result.exit_code == EXIT_OK
    assert len(json.loads(result.stdout)) == 65


def test_unresolved_entries_are_written_marked_and_exit_3(tmp_path):
    inp = tmp_path / "list.txt"
    inp.write_text("2410.11817\nA Survey of Quantum Gravity in Large Language Models\n", "utf-8")
    out = tmp_path / "refs.bib"
    result = export(str(inp), "-f", "bibtex", "-o", str(out))
    assert result.exit_code == EXIT_UNRESOLVED
    assert "2 entries: 1 resolved, 0 ambiguous, 1 unresolved" in result.stderr
    assert f"unresolved: {inp}:2: A Survey of Quantum Gravity" in result.stderr
    text = out.read_text(encoding="utf-8")
    entries = bibtexparser.parse_string(text).entries
    # bibx's marks only where they help: the unresolved entry, with why on a comment line
    assert [e.fields_dict.get("bibxstatus") is not None for e in entries] == [False, True]
    assert "% bibx: unresolved: no candidate" in text
    assert "abstract" not in entries[0]


def test_missing_input_is_one_clear_line_and_exit_1(tmp_path):
    out = str(tmp_path / "o.bib")
    result = export(str(tmp_path / "nope.txt"), str(PAGE), "-f", "bibtex", "-o", out)
    assert result.exit_code == EXIT_ERROR
    assert f"error: {tmp_path / 'nope.txt'}: no such file" in result.stderr
    assert "Traceback" not in result.stderr
    # the good input still comes out
    assert (tmp_path / "o.bib").read_text(encoding="utf-8").count("@misc{") == 65


def test_no_source_is_an_error_not_a_traceback(tmp_path):
    result = runner.invoke(app, ["export", str(PAGE), "-f", "bibtex", "--no-live"])
    assert result.exit_code == EXIT_ERROR
    assert "no metadata source" in result.stderr


def test_input_file_is_never_overwritten(tmp_path):
    inp = tmp_path / "refs.bib"
    original = "@misc{k, title={RULER: What's the Real Context Size?}}\n"
    inp.write_text(original, encoding="utf-8")
    result = export(str(inp), "-f", "bibtex", "-o", str(inp))
    assert result.exit_code == EXIT_ERROR
    assert "refusing to overwrite an input file" in result.stderr
    assert inp.read_text(encoding="utf-8") == original


def test_failed_write_leaves_the_old_output_whole(tmp_path, monkeypatch):
    out = tmp_path / "refs.bib"
    out.write_text("old content\n", encoding="utf-8")

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", boom)
    result = export(str(PAGE), "-f", "bibtex", "-o", str(out))
    assert result.exit_code == EXIT_ERROR
    assert "No space left on device" in result.stderr
    assert out.read_text(encoding="utf-8") == "old content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["refs.bib"]


@pytest.mark.parametrize("form", ["bibtex", "csl-json"])
def test_bibx_output_reads_back_as_input(tmp_path, form):
    first = tmp_path / f"first.{form}"
    result = export(str(PAGE), "-f", form, "-o", str(first), "-q")
    assert result.exit_code == EXIT_OK
    again = export(str(first), "-f", form, "-q")
    assert again.exit_code == EXIT_OK, again.stderr
    assert again.stdout.split("\n", 2)[2:] == first.read_text(encoding="utf-8").split("\n", 2)[2:]


def test_resolve_prints_a_table_and_writes_a_report(tmp_path):
    inp = tmp_path / "list.txt"
    inp.write_text(
        "2410.11817\nLarge Language Model Alignment\n"
        "Extending Context Window of Large Language Models\nA Survey of Quantum Gravity\n",
        encoding="utf-8",
    )
    report = tmp_path / "report.json"
    result = runner.invoke(
        app,
        ["resolve", str(inp), "--snapshot", str(SNAPSHOT), "--no-live", "--report", str(report)],
    )
    assert result.exit_code == EXIT_UNRESOLVED
    header = result.stdout.splitlines()[0].split()
    assert header == ["input", "given", "outcome", "confidence", "arxiv_id", "doi",
                      "title_found", "signals"]  # fmt: skip
    rows = json.loads(report.read_text(encoding="utf-8"))
    assert [(r["outcome"], r["arxiv_id"]) for r in rows] == [
        ("resolved", "2410.11817"),
        (
            "resolved",
            "2309.15025",
        ),  # truncated title: the survey, "Large Language Model Alignment: A Survey"
        ("ambiguous", ""),
        ("unresolved", ""),
    ]
    assert rows[0]["signals"] == "arXiv id look-up" and rows[0]["confidence"] == "1.00"
    assert "title 93% alike" in rows[1]["signals"]
    assert "2306.15595" in rows[2]["signals"] and "2410.01490" in rows[2]["signals"]
    csv_report = tmp_path / "report.csv"
    runner.invoke(app, ["resolve", str(inp), "--snapshot", str(SNAPSHOT), "--no-live", "-q",
                        "--report", str(csv_report)])  # fmt: skip
    assert csv_report.read_text(encoding="utf-8").splitlines()[0] == (
        "input,given,outcome,confidence,arxiv_id,doi,title_found,signals"
    )


def test_characters_classic_bibtex_cannot_carry_are_flagged(tmp_path):
    inp = tmp_path / "refs.json"
    inp.write_text(
        json.dumps([{"id": "x", "type": "article", "title": "大型语言模型 survey",
                     "author": [{"family": "Müller", "given": "Jürgen"}]}]),
        encoding="utf-8",
    )  # fmt: skip
    out = tmp_path / "refs.bib"
    result = export(str(inp), "-f", "bibtex", "-o", str(out))
    assert result.exit_code == EXIT_UNRESOLVED
    assert "warning: classic BibTeX cannot carry" in result.stderr
    assert "--bib-dialect biblatex" in result.stderr
    text = out.read_text(encoding="utf-8")
    assert text.isascii() and r"M{\"u}ller, J{\"u}rgen" in text
    kept = export(str(inp), "-f", "bibtex", "--bib-dialect", "biblatex", "-o", str(out))
    assert "cannot carry" not in kept.stderr
    assert "大型语言模型" in out.read_text(encoding="utf-8")


def test_bad_snapshot_lines_are_reported_once_when_indexed(tmp_path):
    snapshot = tmp_path / "snap.jsonl"
    lines = SNAPSHOT.read_text(encoding="utf-8").splitlines()
    snapshot.write_text("\n".join([*lines[:5], "{broken", *lines[5:]]) + "\n", encoding="utf-8")
    inp = tmp_path / "ids.txt"
    inp.write_text("2410.11817\n", encoding="utf-8")
    args = ["export", str(inp), "--snapshot", str(snapshot), "--no-live", "-f", "csl-json"]
    first = runner.invoke(app, args)
    assert first.exit_code == EXIT_OK
    assert f"warning: {snapshot}:6: not a snapshot record; skipped" in first.stderr
    assert "not a snapshot record" not in runner.invoke(app, args).stderr  # index reused


def test_standard_input(tmp_path):
    result = runner.invoke(
        app,
        ["export", "-", "--snapshot", str(SNAPSHOT), "--no-live", "-f", "csl-json", "-q"],
        input="2410.11817\nhttps://arxiv.org/abs/2404.06654v2\n",
    )
    assert result.exit_code == EXIT_OK, result.stderr
    items = json.loads(result.stdout)
    assert [i["custom"]["arxiv-id"] for i in items] == ["2410.11817", "2404.06654"]
    assert items[1]["custom"]["arxiv-version"] == 2  # the version the user cited


def test_interrupt_is_one_line_and_exit_130(capsys):
    import pytest
    import typer

    from bibx.cli import EXIT_INTERRUPTED, guarded

    def interrupted():
        raise KeyboardInterrupt

    with pytest.raises(typer.Exit) as stop:
        guarded(interrupted, quiet=True)
    assert stop.value.exit_code == EXIT_INTERRUPTED
    assert capsys.readouterr().err == (
        "interrupted: nothing written; the answers received so far are cached\n"
    )


def test_help_is_plain_and_fits_80_columns():
    env = {**os.environ, "COLUMNS": "80"}
    for args in (["--help"], ["export", "--help"], ["enrich", "--help"], ["convert", "--help"]):
        done = subprocess.run(
            [sys.executable, "-m", "bibx.cli", *args], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0
        lines = done.stdout.splitlines()
        assert max(len(line) for line in lines) <= 80, args
        assert "<bool>" not in done.stdout and "╭" not in done.stdout  # no noise, no boxes
    assert (
        "--no-force"
        not in subprocess.run(
            [sys.executable, "-m", "bibx.cli", "export", "--help"], capture_output=True, text=True
        ).stdout
    )


def test_shell_completion_completes_commands_and_choices():
    def complete(words: str, cword: int) -> list[str]:
        env = {**os.environ, "_BIBX_COMPLETE": "complete_bash", "COMP_WORDS": words,
               "COMP_CWORD": str(cword)}  # fmt: skip
        script = Path(sys.executable).parent / "bibx"  # the installed console script
        done = subprocess.run([str(script)], env=env, capture_output=True, text=True)
        return done.stdout.split()

    assert complete("bibx en", 1) == ["enrich"]
    assert complete("bibx export --bib-dialect ", 3) == ["bibtex", "biblatex"]


def test_index_a_snapshot_ahead_then_every_run_finds_it(tmp_path):
    from bibx.sources.snapshot import Snapshot

    cache = tmp_path / "cache"
    first = runner.invoke(app, ["index", "snapshot", str(SNAPSHOT), "--cache", str(cache)])
    assert first.exit_code == EXIT_OK, first.stderr
    assert "index built in" in first.stderr
    again = runner.invoke(app, ["index", "snapshot", str(SNAPSHOT), "--cache", str(cache)])
    assert "index already built" in again.stderr
    assert Snapshot(SNAPSHOT, cache=cache).built is False  # an export run opens it at once
    missing = runner.invoke(app, ["index", "dblp", str(tmp_path / "no.xml.gz")])
    assert missing.exit_code == EXIT_ERROR and "dblp dump not found" in missing.stderr


def test_help_shows_plain_metavars_and_whole_summaries():
    top = runner.invoke(app, ["--help"]).stdout
    commands = top.split("Commands:")[1].strip().splitlines()
    assert commands and not [line for line in commands if line.endswith("...")]
    for name, metavar in (("export", "INPUT..."), ("cite", "DOCUMENT..."), ("enrich", "FILE.bib")):
        text = runner.invoke(app, [name, "--help"]).stdout
        assert f"[OPTIONS] {metavar}" in text
        assert "list[" not in text and "<path>" not in text and "{" not in text.split("\n")[0]


def test_offline_a_preprint_is_written_as_one_version_and_the_user_told(tmp_path):
    """arXiv's record of DeAL names its ACL 2025 DOI; offline that version is not looked up, so
    the entry is the preprint, with arXiv's DOI, in every format, and the run says so."""
    ids = tmp_path / "ids.txt"
    ids.write_text("2402.06147\n", encoding="utf-8")
    result = runner.invoke(
        app, ["export", str(ids), "--snapshot", str(SNAPSHOT), "--offline", "-o", f"{tmp_path}/"]
    )
    assert result.exit_code == EXIT_OK, result.stderr
    assert (
        "1 paper written as the preprint: arXiv names a published version that was not looked "
        "up (offline): arXiv:2402.06147 (10.18653/v1/2025.acl-long.1274)" in result.stderr
    )
    bib = (tmp_path / "ids.bib").read_text(encoding="utf-8")
    [item] = json.loads((tmp_path / "ids.json").read_text(encoding="utf-8"))
    rdf = (tmp_path / "ids.rdf").read_text(encoding="utf-8")
    assert "doi           = {10.48550/arXiv.2402.06147}" in bib and "2025.acl" not in bib
    assert item["DOI"] == "10.48550/arXiv.2402.06147"
    assert "2025.acl" not in rdf
