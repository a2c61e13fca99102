"""`bibx convert` (no source asked, nothing lost) and the rules every output obeys: an empty run
replaces nothing, `-o FILE` takes its format from the extension, links and special files are
written through, never replaced."""

from __future__ import annotations

import json
import os
import stat
import threading

import bibtexparser
import jsonschema
import pytest
from lxml import etree
from typer.testing import CliRunner

from bibx.cli import EXIT_ERROR, EXIT_OK, EXIT_USAGE, app
from bibx.readers import read_path
from tests.conftest import FIXTURES, PAGE, REFERENCE, SNAPSHOT

runner = CliRunner()
ACL = "Annual Meeting of the Association for Computational Linguistics"
SCHOLAR = FIXTURES / "user-bib/google-scholar.bib"
HAND = FIXTURES / "user-bib/hand-written.bib"


def bibx(*args: str):
    return runner.invoke(app, list(args))


def entries(text: str) -> dict[str, dict[str, str]]:
    return {
        e.key: {f.key.lower(): f.value for f in e.fields}
        for e in bibtexparser.parse_string(text).entries
    }


def test_convert_bib_to_bib_keeps_every_field_type_and_brace(tmp_path):
    out = tmp_path / "out.bib"
    result = bibx("convert", str(HAND), "-o", str(out))
    assert result.exit_code == EXIT_ERROR  # the broken entry is reported; the rest written
    assert f"{HAND}:49: could not parse" in result.stderr
    written = out.read_text(encoding="utf-8")
    mine, theirs = entries(HAND.read_text(encoding="utf-8")), entries(written)
    assert set(theirs) == set(mine)  # the duplicate pair too
    for key, fields in mine.items():
        for name, value in fields.items():
            if name == "booktitle":  # an @string concatenation, written as written
                assert written.count('"Proceedings of the 62nd " # acl') == 1
                assert "@string{acl" in written.lower()
                continue
            if name == "year":
                value = value.strip()
            assert theirs[key][name] == value, (key, name)
    assert "@book{Knuth1984TeXbook," in written and "@InProceedings{An2024LEval," in written
    assert "title     = {The {\\TeX}book}" in written  # the user's LaTeX, not a re-encoding
    assert "{L-Eval}" in written
    assert "bibx" not in written.split("\n", 1)[1]  # no status, no note rewritten
    assert "abstract" not in written


def test_biblatex_entry_sets_keep_their_type(tmp_path):
    """biblatex-examples.bib (TeX Live) groups papers with `@set`: it must not come back @misc."""
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@set{stdmodel,\n  entryset = {glashow,weinberg},\n}\n"
        "@article{glashow,\n  author = {Glashow, Sheldon},\n  title = {Partial Symmetries of"
        " Weak Interactions},\n  journaltitle = {Nucl.~Phys.},\n  date = 1961,\n}\n"
        "@xdata{cup,\n  publisher = {Cambridge University Press},\n}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.bib"
    result = bibx("convert", str(bib), "-o", str(out), "--bib-dialect", "biblatex")
    assert result.exit_code == EXIT_OK
    assert "unknown entry type" not in result.stderr
    written = out.read_text(encoding="utf-8")
    assert "@set{stdmodel," in written and "@xdata{cup," in written
    assert entries(written)["stdmodel"]["entryset"] == "glashow,weinberg"


def test_convert_google_scholar_to_every_format_exits_0(tmp_path, csl_schema):
    result = bibx("convert", str(SCHOLAR), "-o", f"{tmp_path}/")
    assert result.exit_code == EXIT_OK, result.stderr
    assert "4 entries converted" in result.stderr
    items = json.loads((tmp_path / "google-scholar.json").read_text(encoding="utf-8"))
    jsonschema.validate(items, csl_schema)
    assert [i["citation-key"] for i in items] == [
        "huang2024deal", "han2023lm", "ren2019fastspeech", "yang2020beyond",
    ]  # fmt: skip
    assert all("bibx-status" not in i.get("custom", {}) for i in items)
    # the Scholar preprint statement is kept as the user wrote it, beside the arXiv id read in it
    assert items[0]["custom"]["input-fields"] == {"journal": "arXiv preprint arXiv:2402.06147"}
    assert items[0]["number"] == "arXiv:2402.06147"
    rdf = (tmp_path / "google-scholar.rdf").read_text(encoding="utf-8")
    assert "Citation Key: huang2024deal" in rdf and "bibx-status" not in rdf


def test_user_fields_reach_csl_json_and_zotero(tmp_path, csl_schema):
    bib = tmp_path / "knuth.bib"
    bib.write_text(
        "@book{Knuth1984TeXbook, author = {Knuth, Donald E.}, title = {The {\\TeX}book},\n"
        " publisher = {Addison-Wesley}, year = {1984}, isbn = {0-201-13447-0},\n"
        " keywords = {tex, typesetting}, note = {My copy}, file = {/home/me/texbook.pdf}}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert bibx("convert", str(bib), "-o", f"{out}/").exit_code == EXIT_OK
    [item] = json.loads((out / "knuth.json").read_text(encoding="utf-8"))
    jsonschema.validate([item], csl_schema)
    assert (item["type"], item["title"], item["note"]) == ("book", "The TeXbook", "My copy")
    assert (item["ISBN"], item["keyword"]) == ("0-201-13447-0", "tex, typesetting")
    assert item["custom"]["attachments"] == [{"path": "/home/me/texbook.pdf", "mode": 2}]
    root = etree.parse(str(out / "knuth.rdf")).getroot()
    ns = {"dc": "http://purl.org/dc/elements/1.1/"}
    node, attachment, _collection = list(root)  # the book, its linked file, its collection
    assert attachment.xpath("*[local-name()='path']/@*[local-name()='resource']") == [
        "file:///home/me/texbook.pdf"
    ]
    assert node.xpath("dc:subject/text()", namespaces=ns) == ["tex", "typesetting"]
    extra = node.xpath("dc:description/text()", namespaces=ns)[0].splitlines()
    assert extra == ["Citation Key: Knuth1984TeXbook", "My copy"]
    assert "ISBN 0-201-13447-0" in node.xpath("dc:identifier/text()", namespaces=ns)
    # and back: each format read again gives the user's fields and key
    for name in ("knuth.json", "knuth.rdf"):
        [back] = read_path(out / name).records
        assert back.key == "Knuth1984TeXbook"
        assert back.vars["ISBN"] == "0-201-13447-0" and back.note == "My copy"
        assert back.vars["keyword"] == "tex, typesetting"
        assert [a.path for a in back.attachments] == ["/home/me/texbook.pdf"]


def test_a_run_that_read_nothing_replaces_no_output(tmp_path):
    out = tmp_path / "refs.bib"
    out.write_text("% my 65 good entries\n", encoding="utf-8")
    for args in (
        ["export", str(tmp_path / "typo.txt"), "--snapshot", str(SNAPSHOT), "--no-live"],
        ["export", str(PAGE), "--from", "nonsense", "--snapshot", str(SNAPSHOT), "--no-live"],
        ["convert", str(tmp_path / "typo.txt")],
    ):
        result = bibx(*args, "-o", str(out))
        assert result.exit_code == EXIT_ERROR, (args, result.stderr)
        assert out.read_text(encoding="utf-8") == "% my 65 good entries\n"
        assert "Traceback" not in result.stderr


def test_output_format_comes_from_the_extension(tmp_path):
    for name, check in (
        ("refs.bib", lambda t: t.startswith("% Written by bibx")),
        ("refs.json", lambda t: json.loads(t)[0]["citation-key"] == "huang2024deal"),
        ("refs.rdf", lambda t: t.startswith("<rdf:RDF")),
    ):
        out = tmp_path / name
        assert bibx("convert", str(SCHOLAR), "-o", str(out)).exit_code == EXIT_OK
        assert out.is_file() and check(out.read_text(encoding="utf-8"))


def test_all_formats_to_standard_output_is_a_usage_error():
    for args in (["-o", "-"], ["-f", "all", "-o", "-"], ["-f", "all", "-o", "refs.bib"]):
        result = bibx("convert", str(SCHOLAR), *args)
        assert result.exit_code == EXIT_USAGE, args
        assert result.stderr.startswith("error: ")


def test_writing_through_a_symlink_keeps_the_link(tmp_path):
    target = tmp_path / "real" / "refs.bib"
    target.parent.mkdir()
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "refs.bib"
    link.symlink_to(target)
    assert bibx("convert", str(SCHOLAR), "-o", str(link)).exit_code == EXIT_OK
    assert link.is_symlink()
    assert target.read_text(encoding="utf-8").startswith("% Written by bibx")
    assert not [p for p in target.parent.iterdir() if p.name != "refs.bib"]  # no temp left


def test_a_fifo_is_written_to_not_replaced(tmp_path):
    fifo = tmp_path / "pipe.bib"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = bibx("convert", str(SCHOLAR), "-f", "bibtex", "-o", str(fifo))
    reader.join(timeout=30)
    assert result.exit_code == EXIT_OK, result.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert received and received[0].startswith(b"% Written by bibx")


def test_quiet_is_quiet(tmp_path):
    result = bibx("convert", str(SCHOLAR), "-q", "-o", str(tmp_path / "x.bib"))
    assert result.exit_code == EXIT_OK and result.stderr == ""
    result = bibx(
        "export", str(PAGE), "-q", "-o", f"{tmp_path}/", "--snapshot", str(SNAPSHOT), "--no-live"
    )
    assert result.exit_code == EXIT_OK and result.stderr == ""


@pytest.mark.parametrize(
    "name",
    [
        "better-bibtex_inproceedings-acm_bbt-fixture-1471.bib",
        "zotero-builtin-biblatex_same-items-as-zotero-rdf-sample.bib",
    ],
)
def test_zotero_exports_convert_without_loss(name, tmp_path):
    source = REFERENCE / "bibtex" / name
    out = tmp_path / "out.bib"
    assert bibx("convert", str(source), "-o", str(out)).exit_code == EXIT_OK
    mine, theirs = entries(source.read_text(encoding="utf-8")), entries(out.read_text("utf-8"))
    assert set(mine) == set(theirs)
    for key, fields in mine.items():
        # a biblatex file stays biblatex: every field kept, as written
        assert fields == theirs[key], key


def test_converting_ids_invents_nothing_and_keys_them_by_id(tmp_path):
    ids = tmp_path / "ids.txt"
    ids.write_text("2305.18290\n10.18653/v1/2025.acl-long.1274\n", encoding="utf-8")
    result = bibx("convert", str(ids), "-f", "bibtex")
    assert result.exit_code == EXIT_OK
    assert "@misc{arXiv:2305.18290," in result.stdout
    assert "@misc{doi:10.18653/v1/2025.acl-long.1274," in result.stdout
    assert "n.d." not in result.stdout and "anon" not in result.stdout


def test_an_arxiv_doi_in_a_bib_reaches_csl_json(tmp_path):
    bib = tmp_path / "a.bib"
    bib.write_text("@misc{x, title = {LongAlign}, doi = {10.48550/arXiv.2401.18058}}\n")
    result = bibx("convert", str(bib), "-f", "csl-json")
    assert result.exit_code == EXIT_OK
    [item] = json.loads(result.stdout)
    assert item["DOI"] == "10.48550/arXiv.2401.18058"
