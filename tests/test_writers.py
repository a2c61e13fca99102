from __future__ import annotations

import json

import bibtexparser
import jsonschema
import pytest
import rdflib
from lxml import etree

from bibx.keys import assign_keys
from bibx.model import Name, Record
from bibx.writers import WriteOptions, bibtex, csljson, zotero_rdf
from bibx.writers._latex import protect_case, to_latex

Z = "http://www.zotero.org/namespaces/export#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


@pytest.fixture(scope="module")
def unresolved() -> Record:
    return Record(
        title="A paper nobody has heard of",
        status="unresolved",
        reason="not found",
        origin="list.txt:3",
    )


@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_bib_reparses_without_failed_blocks_and_with_unique_keys(
    resolved_page, unresolved, dialect
):
    text = bibtex.write([*resolved_page, unresolved], WriteOptions(dialect=dialect)).text
    library = bibtexparser.parse_string(text)
    assert library.failed_blocks == []
    keys = [e.key for e in library.entries]
    assert len(keys) == 66 == len({k.lower() for k in keys})
    last = library.entries[-1]
    # bibx's status where it helps: a field for bibtex (which ignores it), a comment for biber
    # (whose data model has no such field), never in the user's note
    assert ("bibxstatus" in last.fields_dict) == (dialect == "bibtex")
    assert "% bibx: unresolved: not found\n@misc{" in text
    assert "note" not in last
    assert all("bibxstatus" not in e and "abstract" not in e for e in library.entries[:-1])


def test_bibtex_dialect_is_ascii_only(resolved_page):
    text = bibtex.write(resolved_page, WriteOptions(dialect="bibtex")).text
    assert text.isascii()
    assert r"Kaiser, {\L}ukasz" in text
    assert r"Vuli{\'c}, Ivan" in text
    assert "{Team GLM} and Zeng, Aohan" in text


def test_biblatex_dialect_keeps_utf8(resolved_page):
    text = bibtex.write(resolved_page, WriteOptions(dialect="biblatex")).text
    assert "Kaiser, Łukasz" in text
    assert "eprintclass" in text and "@online{" in text


def test_every_author_is_kept(resolved_page):
    text = bibtex.write(resolved_page).text
    gnmt = next(e for e in bibtexparser.parse_string(text).entries if e["eprint"] == "1609.08144")
    assert gnmt["author"].count(" and ") == 30
    assert "others" not in gnmt["author"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("LLMs are CLIP-based", "{LLM}s are {CLIP}-based"),
        ("GPT-4 and F5-TTS", "{GPT}-4 and {F5-TTS}"),
        ("Align With Purpose", "Align With Purpose"),
        ("DeAL: Decoding-time Alignment", "{DeAL}: Decoding-time Alignment"),
        ("T2I models", "{T2I} models"),
        ("L-Eval and LM-Infinite on MT-Bench", "{L-Eval} and {LM-Infinite} on {MT-Bench}"),
        ("Self-Rewarding Language Models", "{Self-Rewarding} Language Models"),
    ],
)
def test_case_protection_is_per_word(text, expected):
    assert protect_case(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "50% & $5 # a_b {x} ~ ^ \\",
            r"50\% \& \$5 \# a\_b \textbraceleft{}x\textbraceright{} \textasciitilde{} "
            r"\textasciicircum{} \textbackslash{}",
        ),
        ("Müller", r"M{\"u}ller"),
        ("ğ ı", r"{\u{g}} {\i}"),
        ("ǖ", r"{\={\"{u}}}"),  # stacked accents nest
        ("$\\infty$-former", "$\\infty$-former"),
        (
            "$\\write18{rm -rf /}$",
            r"\$\textbackslash{}write18\textbraceleft{}rm -rf /\textbraceright{}\$",
        ),
        (
            "\\input{/etc/passwd}",
            r"\textbackslash{}input\textbraceleft{}/etc/passwd\textbraceright{}",
        ),
    ],
)
def test_latex_escaping(text, expected):
    assert to_latex(text, ascii_only=True) == expected


def test_math_in_titles_is_braced_so_styles_keep_its_case():
    assert to_latex("$Q^*$: Improving", ascii_only=True, protect=True) == "{$Q^*$}: Improving"


def test_keys_are_stable_readable_and_independent_of_order(resolved_page):
    keys = assign_keys(resolved_page)
    assert keys[0] == "liuImprovingLongText2024"
    shuffled = list(reversed(resolved_page))
    assert dict(zip([r.arxiv_id for r in shuffled], assign_keys(shuffled), strict=True)) == dict(
        zip([r.arxiv_id for r in resolved_page], keys, strict=True)
    )


def test_colliding_keys_get_suffixes_in_identity_order():
    a = Record(
        title="Same Title Here", authors=[Name(family="Wu")], issued=(2024,), arxiv_id="2401.2"
    )
    b = Record(
        title="Same Title Here", authors=[Name(family="Wu")], issued=(2024,), arxiv_id="2401.1"
    )
    assert assign_keys([a, b]) == ["wuSameTitleHere2024b", "wuSameTitleHere2024a"]
    assert assign_keys([Record(key="given:key"), Record(key="other")]) == ["given:key", "other"]


def test_csl_json_validates_against_the_schema(resolved_page, unresolved, csl_schema):
    items = json.loads(csljson.write([*resolved_page, unresolved]).text)
    jsonschema.validate(items, csl_schema)
    first = items[0]
    assert first["type"] == "article"
    assert first["number"] == "arXiv:2410.11817"
    assert first["DOI"] == "10.48550/arXiv.2410.11817"
    assert first["issued"] == {"date-parts": [[2024, 10]]}
    assert "bibx-confidence" not in first["custom"]  # clean by default
    assert items[-1]["custom"]["bibx-status"] == "unresolved"
    annotated = json.loads(csljson.write(resolved_page, WriteOptions(annotate=True)).text)
    jsonschema.validate(annotated, csl_schema)
    assert annotated[0]["custom"]["bibx-confidence"] == 1.0
    for item in items:
        assert "raw" not in item.get("issued", {})
        assert not item.get("DOI", "").startswith("http")


def test_csl_json_renders_math_as_rich_text(resolved_page):
    items = json.loads(csljson.write(resolved_page).text)
    titles = [i["title"] for i in items]
    assert any(t.startswith("Align<sup>2</sup>LLaVA") for t in titles)
    assert not any("$" in t for t in titles)


def test_zotero_rdf_parses_and_follows_zotero_structure(resolved_page, unresolved):
    text = zotero_rdf.write([*resolved_page, unresolved]).text
    graph = rdflib.Graph().parse(data=text, format="xml")
    assert len(graph) > 1000
    root = etree.fromstring(text.encode())
    # the items, each followed by its attachments (an arXiv paper's PDF link)
    items = [n for n in root if n.tag not in (f"{{{Z}}}Attachment", f"{{{Z}}}Collection")]
    assert len(items) == 66
    for item in items:
        assert item[0].tag == f"{{{Z}}}itemType"  # z:itemType first, as Zotero writes it
    preprint = items[0]
    assert preprint[0].text == "preprint"
    ns = {
        "z": Z,
        "rdf": RDF,
        "dc": "http://purl.org/dc/elements/1.1/",
        "foaf": "http://xmlns.com/foaf/0.1/",
        "bib": "http://purl.org/net/biblio#",
        "prism": "http://prismstandard.org/namespaces/1.2/basic/",
    }
    surnames = preprint.xpath(
        "bib:authors/rdf:Seq/rdf:li/foaf:Person/foaf:surname/text()", namespaces=ns
    )
    assert surnames == ["Liu", "Du", "Pang", "Wang", "Li", "Xu"]
    assert [
        t.strip() for t in preprint.xpath("dc:identifier/text()", namespaces=ns) if t.strip()
    ] == ["DOI 10.48550/arXiv.2410.11817"]
    assert preprint.xpath("prism:number/text()", namespaces=ns) == ["arXiv:2410.11817"]
    extra = preprint.xpath("dc:description/text()", namespaces=ns)[0]
    # the key where Zotero 7 and Better BibTeX read it; bibx's marks only on doubtful entries
    assert extra.splitlines() == ["Citation Key: liuImprovingLongText2024", "arXiv:2410.11817"]
    last = items[-1].xpath("dc:description/text()", namespaces=ns)[0]
    assert "bibx-status: unresolved" in last
    assert items[-1][0].text == "document"


def test_zotero_rdf_journal_article_puts_container_fields_on_the_container():
    record = Record(
        type="article-journal",
        title="T",
        container_title="J",
        volume="16",
        issue="2",
        page="1-9",
        doi="10.1016/j.x",
        status="resolved",
        confidence=1.0,
    )
    root = etree.fromstring(zotero_rdf.write([record]).text.encode())
    [item] = list(root)
    assert item.tag == "{http://purl.org/net/biblio#}Article"
    journal = item.find("{http://purl.org/dc/terms/}isPartOf/{http://purl.org/net/biblio#}Journal")
    assert [c.text for c in journal] == ["J", "16", "2", "DOI 10.1016/j.x"]


def test_writers_survive_control_characters_and_hostile_text():
    record = Record(
        title="Bad \x01 title } { % \\write18{x}",
        authors=[Name(literal="A & B")],
        status="unresolved",
        reason="x",
    )
    assert bibtexparser.parse_string(bibtex.write([record]).text).failed_blocks == []
    etree.fromstring(zotero_rdf.write([record]).text.encode())
    json.loads(csljson.write([record]).text)


def test_zotero_rdf_escapes_what_xml_must_and_reads_back_exactly():
    from lxml import etree

    from bibx.vocab.zotero import NS
    from bibx.writers import zotero_rdf

    record = Record(
        title='A <b> & "c" \x01 > d', url='http://x.org/?a=1&b="2"', note="n\tt",
        authors=[Name(family=""), Name(literal="X & Y")], status="resolved",
    ).mark("input")  # fmt: skip
    root = etree.fromstring(zotero_rdf.write([record]).text.encode())
    [item] = root
    assert item.get(f"{{{NS['rdf']}}}about") == 'http://x.org/?a=1&b="2"'
    assert item.findtext("dc:title", namespaces=NS) == 'A <b> & "c"  > d'
    surnames = [e.text or "" for e in item.iter(f"{{{NS['foaf']}}}surname")]
    assert surnames == ["", "X & Y"]
    assert (
        zotero_rdf.write([]).text
        == etree.tostring(etree.Element(f"{{{NS['rdf']}}}RDF", nsmap=NS), encoding="unicode") + "\n"
    )
