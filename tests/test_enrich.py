"""`bibx enrich`: a user's own .bib brought up to date in place, nothing of theirs lost.

The files are real-shaped: a Google Scholar export (fixtures/user-bib/google-scholar.bib), a
hand-curated file with @string, @preamble, comments, odd layouts, UTF-8 and LaTeX accents,
`{\\TeX}` braces, a duplicate pair and a broken entry (fixtures/user-bib/hand-written.bib), and
Better BibTeX / Zotero exports (fixtures/reference/bibtex/). Published versions come from the
loopback Crossref; everything else from the bundled snapshot.
"""

from __future__ import annotations

import os
import re

import bibtexparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from bibx.cli import EXIT_CHANGES, EXIT_ERROR, EXIT_OK, app
from bibx.enrich import EnrichOptions, enrich_text
from bibx.readers.bibtex import blocks
from bibx.resolver import Resolver
from bibx.sources.snapshot import Snapshot
from tests.conftest import FIXTURES, REFERENCE, SNAPSHOT
from tests.fakes import session, sources

USER = FIXTURES / "user-bib"
SCHOLAR = USER / "google-scholar.bib"
HAND = USER / "hand-written.bib"
runner = CliRunner()


def enrich_cli(*args: str):
    return runner.invoke(app, ["enrich", *args, "--snapshot", str(SNAPSHOT), "--offline"])


@pytest.fixture
def online(arxiv_server, crossref_server, clock, tmp_path, snapshot_source):
    """A resolver on the snapshot, then the loopback arXiv and Crossref (real formats)."""
    http = session(arxiv_server, crossref_server, clock, tmp_path / "http")
    return lambda: Resolver([snapshot_source, *sources(http, arxiv_server, crossref_server)])


def fields_of(text: str, key: str) -> dict[str, str]:
    entry = next(e for e in bibtexparser.parse_string(text).entries if e.key == key)
    return {f.key.lower(): f.value for f in entry.fields}


def entry_type_of(text: str, key: str) -> str:
    return next(e for e in bibtexparser.parse_string(text).entries if e.key == key).entry_type


def test_google_scholar_preprints_become_their_published_versions(online):
    text = SCHOLAR.read_text(encoding="utf-8")
    result = enrich_text(text, "gs.bib", online())
    out = result.text
    # DeAL: arXiv preprint in Scholar's form -> the ACL 2025 paper, one version, not two mixed
    deal = fields_of(out, "huang2024deal")
    assert entry_type_of(out, "huang2024deal") == "inproceedings"
    assert deal["booktitle"] == "{ACL} 2025 (Long Papers)"
    assert (deal["year"], deal["pages"]) == ("2025", "26280--26300")
    assert deal["doi"] == "10.18653/v1/2025.acl-long.1274"
    assert (deal["eprint"], deal["archiveprefix"]) == ("2402.06147", "arXiv")
    assert "journal" not in deal and "month" not in deal
    assert deal["title"] == "DeAL: Decoding-time Alignment for Large Language Models"  # as typed
    # FastSpeech: already published (NeurIPS, no DOI): venue, volume, year and title kept
    fast = fields_of(out, "ren2019fastspeech")
    assert entry_type_of(out, "ren2019fastspeech") == "article"
    assert fast["journal"] == "Advances in neural information processing systems"
    assert (fast["volume"], fast["year"]) == ("32", "2019")
    assert fast["title"] == "Fastspeech: Fast, robust and controllable text to speech"
    assert fast["eprint"] == "1905.09263" and "doi" not in fast  # arXiv's DOI names the preprint
    # the CIKM paper keeps its booktitle; no arXiv URL or preprint year pushed into it, and it
    # gains the DOI of its published record (Crossref: same work, same year)
    beyond = fields_of(out, "yang2020beyond")
    assert beyond["booktitle"].startswith("Proceedings of the 29th ACM")
    assert beyond["year"] == "2020" and "url" not in beyond
    assert beyond["doi"] == "10.1145/3340531.3411908"
    # the diff is field lines only, in Scholar's own layout
    assert "  booktitle={{ACL} 2025 (Long Papers)},\n" in out
    assert "@inproceedings{huang2024deal,\n  title={DeAL" in out


def test_enrich_is_idempotent_online(online):
    first = enrich_text(SCHOLAR.read_text(encoding="utf-8"), "gs.bib", online())
    assert len(first.changed) == 4
    second = enrich_text(first.text, "gs.bib", online())
    assert second.changed == []
    assert second.text == first.text


def test_hand_written_file_keeps_every_byte_it_does_not_change(snapshot_source):
    text = HAND.read_text(encoding="utf-8")
    result = enrich_text(text, "hand.bib", Resolver([snapshot_source]))
    out = result.text
    # everything that is not an entry bibx changed is there verbatim, in order
    found, _ = blocks(text, "hand.bib")
    changed = {e.block.key for e in result.changed}
    assert changed == {
        "An2024LEval", "Ljubesic2024ParlaSpeech", "Yang2023Honesty", "Chen2024F5",
        "f5tts-again", "Last2023Note",
    }  # fmt: skip
    untouched = [b.text for b in found if b.key not in changed]
    for piece in [
        "% Bibliography for my thesis, chapter 3 (long context).\n",
        '@STRING{acl = "Annual Meeting of the Association for Computational Linguistics"}\n',
        '@preamble{ "\\providecommand{\\noopsort}[1]{}" }\n',
        "This line is not an entry: BibTeX ignores it, and so must bibx.\n",
        "@article{Broken2024,\n  title = {An entry whose braces never close,\n  year = {2024}\n",
        *untouched,
    ]:
        assert piece in out
    # an unresolved entry is left exactly as written: {\TeX}, isbn, file
    assert "  title     = {The {\\TeX}book},\n" in out
    # a diff shows only added or changed field lines: every original line is still there (at
    # most with a comma or, inline, fields after it), except the author list that was cut short
    lines = out.splitlines()
    lost = [
        line
        for line in text.splitlines()
        if not any(o.startswith(line) or o.startswith(line.removesuffix("}")) for o in lines)
    ]
    assert lost == ["    author    = {An, Chenxin and Gong, Shansan and others},"]
    # never downgraded: L-Eval stays an ACL paper of 2024 (arXiv says 2023), @string intact
    leval = fields_of(out, "An2024LEval")
    assert "@InProceedings{An2024LEval," in out
    assert '    booktitle = "Proceedings of the 62nd " # acl,\n    year      = 2024,\n' in out
    assert leval["author"].endswith("Kong, Lingpeng and Qiu, Xipeng")
    assert "doi" not in leval  # arXiv's DOI is the preprint's, not the ACL paper's
    assert (leval["keywords"], leval["note"]) == (
        "long context, evaluation",
        "Read twice; see Table 3",
    )
    # new fields follow the entry's layout: indent, `=` column, trailing comma
    assert "    eprint    = {2307.11088},\n    archiveprefix = {arXiv},\n}" in out
    # an inline entry stays inline, with its own separator
    assert re.search(r"volume=\{abs/2312\.07000\},doi=\{10\.48550/arXiv\.2312\.07000\},", out)
    # a UTF-8 file gets UTF-8 in new fields; LaTeX accents the user typed are kept
    assert "Ljube{\\v{s}}i{\\'c}, Nikola and Rupnik, Peter and Koržinek, Danijel" in out
    # the duplicate pair is reported, never merged: both keys still cite
    assert any("'f5tts-again' is the same paper as 'Chen2024F5'" in d for d in result.duplicates)
    assert {"Chen2024F5", "f5tts-again"} <= {e.key for e in bibtexparser.parse_string(out).entries}
    assert any(p.startswith("hand.bib:49: could not parse") for p in result.problems)


def test_hand_written_file_second_run_is_the_identity(snapshot_source):
    first = enrich_text(HAND.read_text(encoding="utf-8"), "hand.bib", Resolver([snapshot_source]))
    second = enrich_text(first.text, "hand.bib", Resolver([snapshot_source]))
    assert second.changed == [] and second.text == first.text


def test_keep_freezes_fields(snapshot_source):
    text = HAND.read_text(encoding="utf-8")
    options = EnrichOptions(keep=frozenset({"author", "eprint", "archiveprefix"}))
    out = enrich_text(text, "hand.bib", Resolver([snapshot_source]), options).text
    assert fields_of(out, "An2024LEval")["author"] == "An, Chenxin and Gong, Shansan and others"
    assert "eprint" not in fields_of(out, "An2024LEval")


def test_keep_type_freezes_the_entry_type(online):
    options = EnrichOptions(keep=frozenset({"type", "journal"}))
    out = enrich_text(SCHOLAR.read_text(encoding="utf-8"), "gs.bib", online(), options).text
    assert entry_type_of(out, "huang2024deal") == "article"
    assert fields_of(out, "huang2024deal")["journal"] == "arXiv preprint arXiv:2402.06147"


@pytest.mark.parametrize(
    "name",
    [
        "better-bibtex_inproceedings-acm_bbt-fixture-1471.bib",
        "better-biblatex_online-preprint-arxiv_bbt-fixture-2911.bib",
        "zotero-builtin-biblatex_same-items-as-zotero-rdf-sample.bib",
        "acl-anthology_expected-bibtex_from-library-tests.bib",
    ],
)
def test_zotero_and_anthology_exports_not_in_the_sources_are_left_byte_for_byte(
    name, snapshot_source
):
    text = (REFERENCE / "bibtex" / name).read_text(encoding="utf-8")
    result = enrich_text(text, name, Resolver([snapshot_source]))
    assert result.changed == [] and result.text == text


# --- the command -----------------------------------------------------------------------------


def test_dry_run_changes_nothing_and_says_so_by_exit_code(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_bytes(HAND.read_bytes())
    before = (bib.read_bytes(), bib.stat().st_mtime_ns)
    result = enrich_cli(str(bib), "--dry-run")
    assert result.exit_code == EXIT_CHANGES, result.stderr
    assert "+ eprint        = {2307.11088}" in result.stderr
    assert "7 entries: 6 would change" in result.stderr
    assert (bib.read_bytes(), bib.stat().st_mtime_ns) == before
    assert not (tmp_path / "refs.bib.bak").exists()


def test_enrich_writes_in_place_with_a_backup_then_leaves_the_file_alone(tmp_path):
    bib = tmp_path / "refs.bib"
    original = SCHOLAR.read_bytes().replace(b"\n", b"\r\n")  # a Windows file stays one
    bib.write_bytes(original)
    result = enrich_cli(str(bib))
    assert result.exit_code == EXIT_OK, result.stderr
    assert (tmp_path / "refs.bib.bak").read_bytes() == original
    enriched = bib.read_bytes()
    assert b"eprint={1905.09263},\r\n" in enriched and b"\n" not in enriched.replace(b"\r\n", b"")
    mtime = bib.stat().st_mtime_ns
    again = enrich_cli(str(bib), "--dry-run")
    assert again.exit_code == EXIT_OK and "0 would change" in again.stderr
    assert enrich_cli(str(bib)).exit_code == EXIT_OK
    assert bib.stat().st_mtime_ns == mtime  # nothing new: not even touched (latexmk, make)


def test_enrich_through_a_symlink_updates_the_target(tmp_path):
    real = tmp_path / "real.bib"
    real.write_bytes(SCHOLAR.read_bytes())
    link = tmp_path / "refs.bib"
    link.symlink_to(real)
    assert enrich_cli(str(link), "--no-backup").exit_code == EXIT_OK
    assert link.is_symlink() and b"eprint={1905.09263}" in real.read_bytes()


def test_enrich_reports_a_broken_entry_and_keeps_it(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_bytes(HAND.read_bytes())
    result = enrich_cli(str(bib))
    assert result.exit_code == EXIT_ERROR  # an entry could not be read; the others were enriched
    assert f"error: {bib}:49: could not parse this entry" in result.stderr
    assert "Traceback" not in result.stderr
    assert b"@article{Broken2024,\n  title = {An entry whose braces" in bib.read_bytes()
    assert f"duplicate: {bib}:44: 'f5tts-again' is the same paper" in result.stderr


def test_enrich_missing_file_is_one_line(tmp_path):
    result = enrich_cli(str(tmp_path / "nope.bib"))
    assert result.exit_code == EXIT_ERROR
    assert result.stderr.strip() == f"error: {tmp_path / 'nope.bib'}: no such file"


# --- property: enrich of an enriched file changes nothing, whatever the layout ----------------

SEED_ENTRIES = [
    ("2402.06147", "DeAL: Decoding-time Alignment for Large Language Models", "Huang, James Y."),
    ("2307.11088", "L-Eval: Instituting Standardized Evaluation for Long Context Language Models",
     "An, Chenxin"),
    ("2312.07000", "Alignment for Honesty", "Yang, Yuqing"),
    ("2410.06885", "F5-TTS: A Fairytaler that Fakes Fluent and Faithful Speech with Flow Matching",
     "Chen, Yushen"),
    ("1905.09263", "FastSpeech: Fast, Robust and Controllable Text to Speech", "Ren, Yi"),
]  # fmt: skip


@st.composite
def user_files(draw) -> str:
    """A .bib of seed papers in the layouts people write: indents, aligned `=`, quotes,
    upper-case names, trailing commas, one-line entries, ids or titles only, and others."""
    parts = []
    chosen = draw(st.lists(st.sampled_from(SEED_ENTRIES), min_size=1, max_size=4))
    for n, (arxiv_id, title, first_author) in enumerate(chosen):
        fields = [("title", title)]
        if draw(st.booleans()):
            fields.append(("author", f"{first_author} and others"))
        how = draw(st.sampled_from(["eprint", "doi", "journal", "none"]))
        if how == "eprint":
            fields.append(("eprint", arxiv_id))
        elif how == "doi":
            fields.append(("doi", f"10.48550/arXiv.{arxiv_id}"))
        elif how == "journal":
            fields.append(("journal", f"arXiv preprint arXiv:{arxiv_id}"))
        if draw(st.booleans()):
            fields.append(("year", "20" + arxiv_id[:2]))
        fields.append(("keywords", "mine"))
        upper = draw(st.booleans())
        quotes = draw(st.booleans())
        indent = draw(st.sampled_from(["  ", "    ", "\t"]))
        inline = draw(st.booleans())
        trailing = draw(st.booleans())
        width = max(len(k) for k, _ in fields) if draw(st.booleans()) else 0
        rendered = [
            f"{(k.upper() if upper else k).ljust(width)} = "
            + (f'"{v}"' if quotes else "{" + v + "}")
            for k, v in fields
        ]
        etype = draw(st.sampled_from(["misc", "article", "Article", "online"]))
        if inline:
            body = ", ".join(rendered) + ("," if trailing else "")
            parts.append(f"@{etype}{{key{n}, {body}}}")
        else:
            body = ",\n".join(indent + r for r in rendered) + ("," if trailing else "")
            parts.append(f"@{etype}{{key{n},\n{body}\n}}")
        parts.append(draw(st.sampled_from(["\n", "\n\n", "\n% a comment\n", "\nfree text\n"])))
    return "".join(parts)


@settings(
    max_examples=int(os.environ.get("BIBX_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(user_files())
def test_enrich_twice_is_enrich_once_and_keeps_what_the_user_wrote(snapshot_source, text):
    first = enrich_text(text, "u.bib", Resolver([snapshot_source]))
    library = bibtexparser.parse_string(first.text)
    assert library.failed_blocks == []
    before = bibtexparser.parse_string(text)
    assert [e.key for e in library.entries] == [e.key for e in before.entries]
    for old, new in zip(before.entries, library.entries, strict=True):
        mine = {f.key.lower(): f.value for f in old.fields}
        theirs = {f.key.lower(): f.value for f in new.fields}
        for name in ("title", "keywords", "eprint", "doi", "year"):
            if name in mine and "journal" not in mine:  # (a preprint statement: upgraded)
                assert theirs[name] == mine[name]  # never rewritten
        if "and others" not in mine.get("author", "and others"):
            assert theirs["author"] == mine["author"]
    second = enrich_text(first.text, "u.bib", Resolver([snapshot_source]))
    assert second.changed == [], [e.describe() for e in second.changed]
    assert second.text == first.text


def test_property_examples_resolve(snapshot_source):
    """The generator's papers are in the snapshot: the property test exercises real changes."""
    text = "".join(
        f"@misc{{k{n}, title = {{{title}}}}}\n" for n, (_, title, _) in enumerate(SEED_ENTRIES)
    )
    result = enrich_text(text, "u.bib", Resolver([Snapshot(SNAPSHOT, cache=None)]))
    assert len(result.changed) == len(SEED_ENTRIES)


def test_a_field_removed_from_the_end_of_a_shared_line_leaves_no_trailing_space():
    from bibx.enrich import Change, apply
    from bibx.readers.bibtex import scan_fields

    entry = "@misc{y,\n  title = {T},\n  year = {2023}, month = dec,\n  note = {n}\n}"
    spans = scan_fields(entry)
    assert spans is not None
    out = apply(entry, spans, [Change("month", "dec", None)])
    assert out == "@misc{y,\n  title = {T},\n  year = {2023},\n  note = {n}\n}"


BIBLATEX_STYLE = frozenset({"journaltitle", "date", "eprinttype", "eprintclass", "location"})
BIBTEX_STYLE = frozenset({"journal", "year", "month", "archiveprefix", "primaryclass"})


def _fields(path) -> list[tuple[str, set[str]]]:
    from bibx.readers import read_path

    return [
        (r.key or "", {f.name.lower() for f in r.raw}) for r in read_path(path, "bibtex").records
    ]


def test_enrich_never_mixes_the_two_dialects_in_one_entry(tmp_path):
    """Over every .bib fixture (a user's files, 25 real files) and a BibLaTeX file whose
    entries say their dialect differently: no entry gets a field of the dialect it is not in."""
    from tests.test_fidelity import REALBIB

    (tmp_path / "latex.bib").write_text(
        "@online{deal, title = {DeAL: Decoding-time Alignment for Large Language Models},\n"
        "  eprint = {2402.06147}, eprinttype = {arxiv}}\n"
        "@online{longalign, title = {LongAlign: A Recipe for Long Context Alignment of Large "
        "Language Models}, year = {2024}}\n"
        "@article{lminf, title = {LM-Infinite: Zero-Shot Extreme Length Generalization for "
        "Large Language Models}, journaltitle = {arXiv}, year = {2023}}\n"
        "@online{bare, title = {Self-Play Preference Optimization for Language Model "
        "Alignment}}\n",
        encoding="utf-8",
    )
    files = [tmp_path / "latex.bib"]
    for path in [*sorted((FIXTURES / "user-bib").glob("*.bib")), *sorted(REALBIB.glob("*.bib"))]:
        files.append(tmp_path / path.name)
        files[-1].write_bytes(path.read_bytes())
    before = {p: _fields(p) for p in files}
    result = enrich_cli(*map(str, files), "--no-backup", "-q")
    assert result.exit_code in (0, 1, 3), result.stderr
    changed = 0
    for path in files:
        after = _fields(path)
        assert [k for k, _ in after] == [k for k, _ in before[path]], path.name
        for (key, old), (_, new) in zip(before[path], after, strict=True):
            added = new - old
            changed += bool(added)
            if (old & BIBLATEX_STYLE) and (old & BIBTEX_STYLE):
                assert not added & (BIBLATEX_STYLE | BIBTEX_STYLE), (path.name, key, added)
            else:
                assert not (new & BIBLATEX_STYLE and new & BIBTEX_STYLE), (path.name, key, new)
    assert changed >= 5  # the check saw entries that did get fields
    latex = dict(_fields(tmp_path / "latex.bib"))
    assert "date" in latex["bare"] and "year" not in latex["bare"]  # the file's dialect
    assert "year" in latex["longalign"] and "date" not in latex["longalign"]  # its own
