from __future__ import annotations

import os
import re

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bibx.errors import InputError
from bibx.readers import decode, detect, read_path, read_text
from tests.conftest import FIXTURES, PAGE, REFERENCE


def page_paragraphs() -> list[str]:
    text = PAGE.read_text(encoding="utf-8")
    return [p.strip() for p in text.split("\n\n") if p.strip()]


def test_listing_page_yields_the_65_papers_in_page_order(page_records, seed):
    assert len(page_records) == 65
    assert [r.title for r in page_records] == [p["seed_title"] for p in seed["papers"]]


def test_listing_page_abstracts_equal_the_page(page_records):
    paras = page_paragraphs()
    for record in page_records:
        index = paras.index(record.title)
        assert record.abstract == paras[index + 1]


def test_listing_page_chrome_is_not_a_paper(page_records):
    titles = {r.title for r in page_records}
    for chrome in ("new", "Subscribe", "Get trending papers in your email inbox!", "Mar 11"):
        assert chrome not in titles
    assert page_records[0].origin.endswith("hf-papers-alignment.txt:11")


def test_listing_with_a_missing_abstract_keeps_the_title(tmp_path):
    paras = page_paragraphs()
    assert paras[4] == "Mar 11"  # 5 paragraphs of chrome, then title/abstract pairs
    # chrome, paper 1 with its abstract, paper 2 without, paper 3 with
    text = "\n\n".join([*paras[:7], paras[7], *paras[9:11]])
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    result = read_path(path)
    assert [r.title for r in result.records] == [paras[5], paras[7], paras[9]]
    assert [r.title for r in result.records if r.abstract is None] == [paras[7]]
    assert any(w.startswith(f"{path}:") and "no abstract" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("line", "arxiv", "version", "doi"),
    [
        ("2410.11817", "2410.11817", None, None),
        ("2410.11817v2", "2410.11817", 2, None),
        ("hep-th/9901001", "hep-th/9901001", None, None),
        ("arXiv:1609.08144", "1609.08144", None, None),
        ("https://arxiv.org/abs/2410.11817v3", "2410.11817", 3, None),
        ("https://arxiv.org/pdf/2410.11817", "2410.11817", None, None),
        ("http://arxiv.org/pdf/2410.11817v1.pdf", "2410.11817", 1, None),
        ("10.18653/v1/2025.acl-long.1274", None, None, "10.18653/v1/2025.acl-long.1274"),
        ("doi:10.1145/3340531.3411908", None, None, "10.1145/3340531.3411908"),
        ("https://doi.org/10.1609/aaai.v39i3.32285", None, None, "10.1609/aaai.v39i3.32285"),
        ("https://doi.org/10.48550/arXiv.2410.11817", "2410.11817", None, None),
    ],
)
def test_lines_recognises_ids_urls_and_dois(line, arxiv, version, doi):
    [record] = read_text(line + "\n", "list.txt", "lines").records
    assert (record.arxiv_id, record.arxiv_version, record.doi) == (arxiv, version, doi)
    assert record.title is None


def test_lines_reads_titles_and_skips_comments_and_blanks():
    text = "# my list\n\n- RULER: What's the Real Context Size?\n2. DeAL\r\n"
    result = read_text(decode(text.encode(), "l.txt"), "l.txt", "lines")
    assert [r.title for r in result.records] == ["RULER: What's the Real Context Size?", "DeAL"]
    assert [r.origin for r in result.records] == ["l.txt:3", "l.txt:4"]


def test_bibtex_reader_on_zotero_and_dblp_exports():
    zotero = read_path(
        REFERENCE / "bibtex/zotero-builtin-biblatex_same-items-as-zotero-rdf-sample.bib"
    )
    assert not zotero.problems
    preprint = next(r for r in zotero.records if r.key == "sanz-guerreroCreditRiskMeets2024")
    assert preprint.arxiv_id == "2401.16458"
    assert [a.family for a in preprint.authors] == ["Sanz-Guerrero", "Arroyo"]
    dblp = read_path(REFERENCE / "bibtex/dblp_excerpt_carlostome-latex-biblio.bib")
    abadi = dblp.records[0]
    assert abadi.type == "paper-conference"
    assert abadi.authors[0].given == "Martín"  # LaTeX accent decoded
    assert abadi.page == "147-160"


def test_bibtex_reader_reports_bad_entries_by_line_and_keeps_the_good(tmp_path):
    text = (
        '@article{good1, title={Good}, author={M{\\"u}ller, Hans and {Team GLM}}, year=2024}\n'
        "@misc{good1, title={Duplicate key}}\n"
        "@article{broken, title={unbalanced\n"
        "@inproceedings{good2, title={Also good}, booktitle={Proc}, year={2023}, month=aug}\n"
        "@weird{odd, title={Odd type}}\n"
    )
    path = tmp_path / "refs.bib"
    path.write_text(text, encoding="utf-8")
    result = read_path(path)
    assert [r.key for r in result.records] == ["good1", "good2", "odd"]
    good = result.records[0]
    assert good.authors[0].family == "Müller"
    assert good.authors[1].literal == "Team GLM"
    assert result.records[1].issued == (2023, 8)
    assert any(p.startswith(f"{path}:2: duplicate key 'good1'") for p in result.problems)
    assert any(p.startswith(f"{path}:3: could not parse") for p in result.problems)
    assert any("unknown entry type @weird" in w for w in result.warnings)


def test_csl_json_reader_on_crossref_and_datacite_csl():
    crossref = read_path(
        REFERENCE / "csl/doi-cn-crossref-csl_journal-article_suffix_10.1021_ja01577a030.json"
    )
    [record] = crossref.records
    assert record.type == "article-journal"
    assert record.doi == "10.1021/ja01577a030"
    assert record.authors[0].suffix == "Jr."
    assert record.issued == (1957, 10)


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("@article{a, title={x}}", "bibtex"),
        ('[{"id": "a", "type": "article"}]', "csl-json"),
        ("2410.11817\n10.1145/3340531.3411908\n", "lines"),
    ],
)
def test_detect(text, form):
    assert detect(text) == form


def test_detect_listing_page():
    assert detect(PAGE.read_text(encoding="utf-8")) == "listing"


def test_decode_handles_bom_utf16_and_crlf():
    assert decode("\ufeff2410.11817\r\n".encode(), "x") == "2410.11817\n"
    assert decode("Müller\r\n".encode("utf-16"), "x") == "Müller\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    ],
)
def test_decode_refuses_binary(data, message):
    with pytest.raises(InputError, match=message):
        decode(data, "bad.txt")


def test_text_that_is_not_utf8_is_read_as_windows_1252_or_as_it_declares():
    from bibx.readers import decode_noting

    assert decode_noting(b"caf\xe9 \x93x\x94\n", "old.bib") == (
        "café “x”\n",
        "old.bib:1: not UTF-8; read as cp1252 (guessed); what bibx writes is UTF-8",
    )
    declared = "% Encoding: windows-1251\n@misc{a, title = {Исходный код}}\n".encode("cp1251")
    text, warning = decode_noting(declared, "ru.bib")
    assert "Исходный код" in text and "read as windows-1251 (as it declares)" in str(warning)


def test_empty_file_is_an_input_error(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match=r"empty\.txt: the file is empty"):
        read_path(path)


def test_zotero_rdf_reader_on_genuine_zotero_exports():
    result = read_path(
        REFERENCE
        / "zotero-rdf/conference-acm_conference-acl_preprint-arxiv_preprint-ssrn_journal.rdf"
    )
    assert not result.problems
    acm, arxiv, ssrn, journal, acl = result.records
    assert (acm.type, acm.doi, acm.page, acm.issued) == (
        "paper-conference", "10.1145/3604237.3626902", "340-348", (2023, 11, 25)
    )  # fmt: skip
    assert acm.container_title.startswith("Proceedings of the Fourth ACM")
    assert (arxiv.type, arxiv.arxiv_id, arxiv.arxiv_class) == ("article", "2401.16458", "q-fin")
    assert ssrn.doi == "10.2139/ssrn.4965227"
    assert (journal.container_title, journal.volume) == ("Machine Learning with Applications", "16")
    assert acl.doi == "10.18653/v1/2024.acl-long.829"
    [aer] = read_path(REFERENCE / "zotero-rdf/journal-article_single_aer.rdf").records
    assert (aer.volume, aer.issue, aer.page) == ("114", "12", "3789-3811")  # from urn:issn node
    assert aer.container_title == "American Economic Review"


def test_zotero_rdf_with_entities_is_refused_not_expanded(tmp_path):
    path = tmp_path / "evil.rdf"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns:z="http://www.zotero.org/namespaces/export#" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        "<rdf:Description><z:itemType>preprint</z:itemType><dc:title>&x;</dc:title>"
        "</rdf:Description></rdf:RDF>\n",
        encoding="utf-8",
    )
    result = read_path(path)
    assert result.records == []
    assert result.problems == [
        f"{path}: Zotero RDF: the XML declares a DOCTYPE or entities; refused"
    ]


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(["a", "n", "d", "A", "N", "D", " ", "\n", "\t", "~", "x", ",",
                                 "and", " and ", "AND", "Anderson", "Band"]),
                min_size=0, max_size=14).map("".join))  # fmt: skip
def test_the_fast_split_of_author_lists_agrees_with_bibtexparsers(value):
    from bibtexparser.middlewares.names import split_multiple_persons_names

    from bibx.readers.bibtex import split_names

    assert split_names(value) == split_multiple_persons_names(value)


def test_every_standard_entry_type_is_known():
    """BibTeX's and BibLaTeX's standard types read without a warning, and come back as written."""
    from bibx.writers import WriteOptions, bibtex

    kinds = ["proceedings", "booklet", "manual", "collection", "mvbook", "inreference", "patent",
             "dataset", "software", "periodical", "unpublished", "techreport"]  # fmt: skip
    text = "\n".join(
        f"@{k}{{k{i}, title = {{A {k}}}, year = {{2020}}}}" for i, k in enumerate(kinds)
    )
    result = read_text(text, "types.bib", "bibtex")
    assert not result.warnings and not result.problems
    assert {r.dialect for r in result.records} == {"biblatex"}  # BibLaTeX's types in it
    written = bibtex.write(result.records, WriteOptions(dialect="biblatex")).text
    for kind in kinds:
        assert f"@{kind}{{" in written


def test_an_arxiv_url_in_howpublished_names_the_paper():
    text = "@misc{y, title = {Alignment for Honesty}, year = {2023},\n" \
           "  howpublished = {\\url{https://arxiv.org/abs/2312.07000}}}"  # fmt: skip
    [record] = read_text(text, "m.bib", "bibtex").records
    assert record.arxiv_id == "2312.07000"
    assert record.extra["howpublished"]  # the user's field stays theirs


def _splits(found):
    return [(b.kind, b.start, b.text, b.type, b.key, b.value) for b in found]


def test_the_fast_block_split_agrees_with_bibtexparsers_on_every_fixture():
    from bibx.readers.bibtex import _split, _split_bibtexparser, _split_plain

    for path in sorted(FIXTURES.glob("**/*.bib")):
        if "realbib" in path.parts:
            continue  # real files, read as BibTeX reads them: tests/test_fidelity.py
        text = path.read_text(encoding="utf-8")
        slow = _split_bibtexparser(text)
        assert _splits(_split(text)) == _splits(slow), path
        if not any(block.kind in ("failed", "duplicate") for block in slow):
            assert _split_plain(text)[1] == len(text), path  # unbroken: the scan reads it all


_VALUE = st.lists(
    st.sampled_from(["word", "word", "word", " ", " ", "{A}", "{A}", '{b"c}', '{"}', "{\\'e}", "{",
                     "}", '"', ",", "=", "#", "@", "@misc{", "\n", "\\", "\\{", "\\}", '\\"',
                     "\\\\", "(", ")", "%", "and", "\n@misc{x,"]),
    max_size=6,
).map("".join)  # fmt: skip
_FIELD = st.tuples(st.sampled_from(["title", "Author", "year", "title", "x\\y", "note"]), _VALUE)
_ENTRY = st.tuples(
    st.sampled_from(["@article", "@Misc", "@string", "@comment", "@preamble", "@ misc", "@"]),
    st.sampled_from(["{", "(", " {"]),
    st.sampled_from(["k1", "k2", "K1", "a b", ""]),
    st.lists(_FIELD, max_size=3),
    st.sampled_from(["}", ",}", "\n}", ")", ""]),
    st.sampled_from(["\n", "\n\n% a comment @misc{\n", " ", "\\\n"]),
)


def _entry_text(entry) -> str:
    kind, opening, key, fields, closing, after = entry
    body = ",\n".join(f"  {name} = {{{value}}}" if i % 2 else f'  {name} = "{value}"'
                      for i, (name, value) in enumerate(fields))  # fmt: skip
    if kind == "@string":
        return f"{kind}{opening}{key} = {{{fields[0][1] if fields else ''}}}{closing}{after}"
    return f"{kind}{opening}{key},\n{body}{closing}{after}"


# entries well formed but for their values: what the fast split mostly meets
_CLEAN_VALUE = st.lists(
    st.sampled_from(["word", " ", "{A}", '{b"c}', '{"}', "{\\'e}", '\\"', "@", "@ {x}", ",",
                     "=", "#", "(", ")", "\n", "%", "\\&"]),
    max_size=5,
).map("".join)  # fmt: skip
_CLEAN = st.lists(
    st.tuples(st.sampled_from(["title", "note", "year"]), _CLEAN_VALUE, st.booleans()),
    max_size=3,
    unique_by=lambda field: field[0],
).map(lambda fields: ",\n".join(f'  {n} = "{v}"' if quoted else f"  {n} = {{{v}}}"
                                 for n, v, quoted in fields))  # fmt: skip
_CLEAN_FILE = st.lists(_CLEAN, min_size=1, max_size=3).map(
    lambda bodies: "".join(f"@misc{{k{i},\n{body}\n}}\n\n" for i, body in enumerate(bodies))
)


@settings(max_examples=int(os.environ.get("BIBX_EXAMPLES", "600")), deadline=None)
@given(
    st.one_of(
        st.lists(_ENTRY, min_size=1, max_size=4).map(lambda es: "".join(map(_entry_text, es))),
        _CLEAN_FILE,
    )
)
def test_the_fast_block_split_agrees_with_bibtexparsers_on_any_text(text):
    """On any text, the blocks are exactly bibtexparser's (the scan's as far as they are plain,
    bibtexparser's own from there), but where a quoted value holds a quote inside braces:
    there BibTeX reads on, and so does bibx, where bibtexparser ends the value."""
    from bibx.readers.bibtex import _split, _split_bibtexparser

    assume(not (re.search(r'=\s*"', text) and _INNER_QUOTE.search(text)))
    assert _splits(_split(text)) == _splits(_split_bibtexparser(text))


# a quote inside braces inside a quoted value, as the generators above write one
_INNER_QUOTE = re.compile(r'\{[^{}]*"')


@pytest.mark.parametrize(
    "text",
    [
        '@article{a,\n  title = "a {b"c} d",\n  year = {2020}\n}\n@misc{b, title={x}}\n',
        '@article{a,\n  title = "a{b",\n  year = {2020}}\n@misc{b, title={x}}\n',
        '@article{a,\n  title = "a {"} b",\n  year = {2020}\n}\n',
        '@article{a,\n  title = "M{\\"u}ller" # {x},\n  year = {2020}\n}\n',
        "@article{a,\n  note = {LeQua @ {CLEF}},\n  title = {\\\\{x}}\n}\n",
        "@article{a, title = {x}}@misc{b, title = {y}}\n@comment{x @misc{c, t={}} y}\n",
        "@article{a,\n  title = {x \\}\n@misc{b, title = {y}}\n",
    ],
)
def test_the_fast_block_split_on_quotes_escapes_and_at_signs(text):
    """Where bibtexparser recovers, the scan stops before that block; the blocks are
    bibtexparser's. Where it and BibTeX part ways (a quote inside braces inside quotes), bibx
    reads as BibTeX reads: the value goes on to its closing quote."""
    from bibx.readers.bibtex import _split, _split_bibtexparser, _split_plain

    if '"a {b"c} d"' in text:
        [first, second] = read_text(text, "q.bib", "bibtex").records
        assert (first.title, second.title) == ('a b"c d', "x")
        return
    assert _splits(_split(text)) == _splits(_split_bibtexparser(text))
    if "\\\\{" in text:
        assert _split_plain(text) == ([], 0)


def test_what_is_read_is_the_same_with_either_split(monkeypatch):
    """Every fixture .bib read by the fast split gives the very records, lines and problems
    that bibtexparser's split gives."""
    from bibx.readers import bibtex

    for path in sorted(FIXTURES.glob("**/*.bib")):
        if "realbib" in path.parts:
            continue  # real files, read as BibTeX reads them: tests/test_fidelity.py
        text = path.read_text(encoding="utf-8")
        fast_blocks, fast = bibtex.blocks(text, path.name)
        with monkeypatch.context() as patch:
            patch.setattr(bibtex, "_split_plain", lambda text: ([], 0))
            slow_blocks, slow = bibtex.blocks(text, path.name)
        assert fast.records == slow.records, path
        assert (fast.problems, fast.warnings) == (slow.problems, slow.warnings), path
        assert [(b.start, b.line, b.text, b.key) for b in fast_blocks] == [
            (b.start, b.line, b.text, b.key) for b in slow_blocks
        ], path


def test_a_field_given_twice_is_read_as_bibtex_reads_it(tmp_path):
    """Nelson Beebe's bibliographies (TeX Live's tugboat.bib) give `bibsource` twice; BibTeX
    and biber read the first value. bibtexparser fails such an entry: bibx reads it, says so."""
    path = tmp_path / "refs.bib"
    path.write_text(
        '@Article{Knuth:TB1,\n  author = "Donald E. Knuth",\n  title = "First",\n'
        '  bibsource = "one",\n  bibsource = "two",\n  year = "1980",\n}\n'
        "@misc{next, title = {Second}}\n",
        encoding="utf-8",
    )
    result = read_path(path)
    assert [r.title for r in result.records] == ["First", "Second"]
    assert result.records[0].extra["bibsource"] == "one"
    assert result.problems == []
    assert result.warnings == [
        f"{path}:1: 'Knuth:TB1' gives bibsource more than once; the first value is read, "
        "as BibTeX reads it (biber reads the last); a .bib written from it keeps both"
    ]


def test_a_link_given_in_howpublished_is_the_works_url_and_stays_where_it_was_written():
    # the older way many hand-written files give a web page (fdekeers/bibtex-shortener,
    # test/biblio.bib, has this entry): its link reached no CSL-JSON or Zotero field before
    from bibx.writers import bibtex as bibtex_writer
    from bibx.writers import csljson

    text = (
        "@misc{website_reference_2023,\n  title        = {Testing Resources},\n"
        "  author       = {Testing Association},\n  year         = {2023},\n"
        "  howpublished = {\\url{http://www.testing-resources.org}},\n"
        "  note         = {Accessed on February 2, 2024}\n}\n"
    )
    [record] = read_text(text, "biblio.bib", "bibtex").records
    assert record.url == "http://www.testing-resources.org"
    assert csljson.item(record, "w")["URL"] == "http://www.testing-resources.org"
    written = bibtex_writer.write([record]).text
    assert written.split("\n\n", 1)[1] == text  # no `url` field added beside it
