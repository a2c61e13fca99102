"""Bad input through the whole command: one clear line naming the file and line or entry, the
good entries still written, an exit code that says what happened, never a traceback."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from bibx.cli import EXIT_ERROR, EXIT_OK, EXIT_UNRESOLVED, app
from tests.conftest import PAGE, SNAPSHOT

runner = CliRunner()
GOOD = "2410.11817\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"


def export(*paths: str, out: str):
    return runner.invoke(
        app,
        ["export", *paths, "--snapshot", str(SNAPSHOT), "--no-live", "-f", "bibtex", "-o", out],
    )


def entries(path) -> int:
    return path.read_text(encoding="utf-8").count("\n@")


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "empty.txt: the file is empty"),
        ("blank.txt", b"\n \n\t\n", "blank.txt: the file is empty"),
        ("photo.png", PNG, "photo.png: looks like a binary"),
    ],
)  # fmt: skip
def test_unreadable_files_are_one_line_and_the_others_still_come_out(tmp_path, name, data, message):
    bad = tmp_path / name
    bad.write_bytes(data)
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    out = tmp_path / "out.bib"
    result = export(str(bad), str(good), out=str(out))
    assert result.exit_code == EXIT_ERROR
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and message in errors[0], result.stderr
    assert "Traceback" not in result.stderr
    assert entries(out) == 1


def test_utf16_with_bom_and_crlf_are_read(tmp_path):
    path = tmp_path / "list.txt"
    path.write_bytes("2410.11817\r\nhep-th/9901001\r\n".encode("utf-16"))
    out = tmp_path / "out.bib"
    result = export(str(path), out=str(out))
    assert result.exit_code == EXIT_UNRESOLVED  # hep-th/9901001 is not in the bundled snapshot
    assert f"unresolved: {path}:2: hep-th/9901001" in result.stderr
    assert entries(out) == 2


def test_a_10_mb_line_is_skipped_with_its_line_number(tmp_path):
    path = tmp_path / "list.txt"
    path.write_text(GOOD + "x" * 10_000_000 + "\n" + "2404.06654\n", encoding="utf-8")
    out = tmp_path / "out.bib"
    result = export(str(path), out=str(out))
    assert result.exit_code == EXIT_ERROR
    assert f"error: {path}:2: line of 10000000 characters is too long" in result.stderr
    assert entries(out) == 2


def test_broken_bibtex_entries(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text(
        "@misc{ruler, title={RULER: What's the Real Context Size of Your Long-Context Language"
        " Models?}}\n"
        "@misc{ruler, title={a duplicate key}}\n"
        "@article{broken, title={unbalanced braces\n"
        "@weird{longalign, eprint={2401.18058}, archiveprefix={arXiv}}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.bib"
    result = export(str(path), out=str(out))
    assert result.exit_code == EXIT_ERROR
    assert f"error: {path}:2: duplicate key 'ruler'" in result.stderr
    assert f"error: {path}:3: could not parse this entry" in result.stderr
    assert f"warning: {path}:4: unknown entry type @weird" in result.stderr
    text = out.read_text(encoding="utf-8")
    # keys kept, and the user's own type, which BibTeX's styles print as @misc
    assert "@misc{ruler," in text and "@weird{longalign," in text
    assert entries(out) == 2


def test_listing_with_missing_abstracts_warns_and_still_resolves(tmp_path):
    paras = [p for p in PAGE.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    page = tmp_path / "page.txt"
    page.write_text("\n\n".join([*paras[:7], paras[7], *paras[9:11]]), encoding="utf-8")
    out = tmp_path / "out.bib"
    result = export(str(page), out=str(out))
    assert result.exit_code == EXIT_OK
    assert f"warning: {page}:" in result.stderr and "no abstract" in result.stderr
    assert entries(out) == 3


def test_csl_json_with_bad_items(tmp_path):
    path = tmp_path / "refs.json"
    path.write_text('[{"id": "a", "DOI": "10.1145/3340531.3411908"}, 42, "x"]', encoding="utf-8")
    out = tmp_path / "out.bib"
    result = export(str(path), out=str(out))
    assert result.exit_code == EXIT_ERROR
    assert f"error: {path}#2: item is not a JSON object; skipped" in result.stderr
    assert f"error: {path}#3: item is not a JSON object; skipped" in result.stderr
    assert entries(out) == 1


def test_broken_json_is_reported_with_its_line(tmp_path):
    path = tmp_path / "refs.json"
    path.write_text('[\n  {"id": "a",\n  "title": }\n]\n', encoding="utf-8")
    result = export(str(path), out=str(tmp_path / "out.bib"))
    assert result.exit_code == EXIT_ERROR
    assert f"error: {path}:3: not valid JSON" in result.stderr


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("paper.aux", "\\relax\n\\citation{a,b}\n\\citation{vaswani2017}\n\\bibstyle{plainnat}\n"
                      "\\bibdata{refs}\n\\gdef \\@abspage@last{1}\n"),
        ("tool.py", "import re\n\n\ndef main():\n    x = re.compile('a')\n    return x\n\n"
                    "if __name__ == '__main__':\n    main()\n"),
    ],
)  # fmt: skip
def test_input_that_is_not_a_list_of_papers_is_refused_before_any_request(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out = tmp_path / "out.bib"
    result = runner.invoke(app, ["export", str(path), "-f", "bibtex", "-o", str(out)])
    assert result.exit_code == EXIT_ERROR
    assert f"error: {path}: does not look like a list of papers" in result.stderr
    assert "requests sent" not in result.stderr and not out.exists()
    insisted = runner.invoke(
        app, ["convert", str(path), "--from", "lines", "-f", "csl-json", "-o", str(out)]
    )
    assert insisted.exit_code == EXIT_OK  # --from lines reads it anyway


def test_the_size_limit_is_said_with_how_to_raise_it_and_replaces_nothing(tmp_path, monkeypatch):
    bib = tmp_path / "big.bib"
    bib.write_text(
        "".join(f"@article{{a{i}, title = {{A Title}}, year = {{2024}}}}\n" for i in range(60)),
        encoding="utf-8",
    )
    out = tmp_path / "out.bib"
    out.write_text("% the user's old output\n", encoding="utf-8")
    monkeypatch.setenv("BIBX_MAX_INPUT_MB", "0.001")  # about 1 KB; the file is 2.8 KB
    result = runner.invoke(app, ["convert", str(bib), "-o", str(out)])
    assert result.exit_code == EXIT_ERROR
    assert "larger than the 0.000999 MiB limit (BIBX_MAX_INPUT_MB raises it)" in result.stderr
    assert out.read_text(encoding="utf-8") == "% the user's old output\n"
    monkeypatch.setenv("BIBX_MAX_INPUT_MB", "1")
    assert runner.invoke(app, ["convert", str(bib), "-o", str(out)]).exit_code == EXIT_OK


def test_the_ending_names_what_made_the_exit_code(tmp_path):
    """The cause of a non-zero exit is said again last, where the user looks, with its place."""
    path = tmp_path / "refs.bib"
    path.write_text(
        "@misc{a, title = {Fine}}\n@article{broken, title = {unbalanced\n"
        "@misc{b, title = {Also}}\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app, ["convert", str(path), "-f", "bibtex", "-o", str(tmp_path / "o.bib")]
    )
    assert result.exit_code == EXIT_ERROR
    assert result.stderr.strip().splitlines()[-1] == (
        f"exit 1: 1 entry could not be read: {path}:2"
    )


def test_offline_progress_names_no_live_service_as_asked(tmp_path):
    path = tmp_path / "titles.txt"
    path.write_text("A Title No Snapshot Holds About Quantum Gardening\n", encoding="utf-8")
    result = runner.invoke(
        app, ["export", str(path), "--snapshot", str(SNAPSHOT), "--offline", "-f", "bibtex"]
    )
    stages = [line for line in result.stderr.splitlines() if line.endswith("...")]
    live = [line for line in stages if re.search(r"\b(arxiv|crossref|dblp)\b(?!-)", line)]
    assert live and all("(offline: cached answers only)" in line for line in live), stages


def test_an_unwritable_output_is_said_before_any_work_in_the_users_words(tmp_path):
    blocker = tmp_path / "notes.txt"
    blocker.write_text("a file where a folder should be\n", encoding="utf-8")
    result = runner.invoke(
        app,
        ["export", str(PAGE), "--snapshot", str(SNAPSHOT), "--offline", "-o", f"{blocker}/out/"],
    )
    assert result.exit_code == EXIT_ERROR
    assert result.stderr.strip().splitlines() == [
        f"error: {blocker}/out/hf-papers-alignment.bib: cannot write here ({blocker} is a file)"
    ]  # nothing resolved first, no temporary file named
