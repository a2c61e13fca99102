"""Zotero round trip: collections, child notes, attachments (a paper's PDF, a .bib's `file`) and
the citation key, written where Zotero's RDF import (zotero/translators RDF.js) reads them, and
read back from real Zotero exports."""

from __future__ import annotations

import rdflib
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from bibx.readers import read_path, read_text
from bibx.resolver import Resolver
from bibx.sources.snapshot import Snapshot
from bibx.vocab.zotero import NS
from bibx.writers import WriteOptions, bibtex, csljson, zotero_rdf
from tests.conftest import PAGE, REFERENCE, SNAPSHOT
from tests.test_convert import bibx

ZOTERO = REFERENCE / "zotero-rdf"
OPENGLAM = (
    ZOTERO / "collections-nested_tags-manual-automatic_linked-url-attachment_openglam-oach.rdf"
)
ARMENBIB = ZOTERO / "citationKey_book-booksection-article_armenbib.rdf"


def top_level_items(root: etree._Element) -> list[etree._Element]:
    """What Zotero's importer takes as items: top-level nodes with an item type that are no
    child (an attachment or note another node points to)."""
    pointed = {
        e.get(f"{{{NS['rdf']}}}resource")
        for e in root.iter(f"{{{NS['link']}}}link", f"{{{NS['dcterms']}}}isReferencedBy")
    }
    return [
        n
        for n in root
        if n.find("z:itemType", NS) is not None and n.get(f"{{{NS['rdf']}}}about") not in pointed
    ]


def test_the_seed_page_imports_into_one_collection_with_each_papers_pdf(tmp_path):
    out = tmp_path / "out.rdf"
    result = bibx("export", str(PAGE), "--snapshot", str(SNAPSHOT), "--offline", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    rdflib.Graph().parse(str(out), format="xml")  # well-formed RDF
    root = etree.parse(str(out)).getroot()
    items = top_level_items(root)
    collections = [n for n in items if n.tag == f"{{{NS['z']}}}Collection"]
    assert collections == []  # a collection has no z:itemType
    [collection] = root.findall("z:Collection", NS)
    assert collection.findtext("dc:title", namespaces=NS) == "hf-papers-alignment"
    members = {p.get(f"{{{NS['rdf']}}}resource") for p in collection.findall("dcterms:hasPart", NS)}
    papers = [n for n in items if n.findtext("z:itemType", namespaces=NS) != "attachment"]
    assert len(papers) == 65
    assert members == {p.get(f"{{{NS['rdf']}}}about") for p in papers}
    nodes = {n.get(f"{{{NS['rdf']}}}about"): n for n in root}
    for paper in papers:
        [link] = paper.findall("link:link", NS)
        pdf = nodes[link.get(f"{{{NS['rdf']}}}resource")]
        assert pdf.findtext("dc:title", namespaces=NS) == "Preprint PDF"  # as Zotero's arXiv
        assert pdf.findtext("z:linkMode", namespaces=NS) == "3"  # a linked URL
        assert pdf.findtext("link:type", namespaces=NS) == "application/pdf"
        url = pdf.findtext("dc:identifier/dcterms:URI/rdf:value", namespaces=NS)
        assert url.startswith("https://arxiv.org/pdf/")
        key = paper.findtext("z:citationKey", namespaces=NS)
        assert key and f"Citation Key: {key}" in paper.findtext("dc:description", namespaces=NS)


def test_collection_name_and_one_sub_collection_per_input(tmp_path):
    first, second = tmp_path / "ml.txt", tmp_path / "speech.txt"
    first.write_text("2305.18290\n", encoding="utf-8")
    second.write_text("2409.15397\n", encoding="utf-8")
    out = tmp_path / "out.rdf"
    args = ["export", str(first), str(second), "--snapshot", str(SNAPSHOT), "--offline"]
    assert bibx(*args, "-o", str(out), "--collection", "Thesis").exit_code in (0, 3)
    [back] = [read_path(out)]
    paths = sorted(p for r in back.records for p in r.collections)
    assert paths == ["Thesis/ml", "Thesis/speech"][: len(paths)] and paths


def test_a_real_zotero_library_keeps_its_collections_attachments_and_tags_through_a_bib(tmp_path):
    records = read_path(OPENGLAM).records
    placed = {r.key or r.title: r.collections for r in records if r.collections}
    assert {p for paths in placed.values() for p in paths} >= {
        "LATE ADDS/Section 1", "LATE ADDS/Section 2"
    }  # fmt: skip
    with_files = [r for r in records if r.attachments]
    assert with_files and any(a.mode == 3 for r in with_files for a in r.attachments)
    bib = tmp_path / "lib.bib"
    assert bibx("convert", str(OPENGLAM), "-o", str(bib)).exit_code == 0
    text = bib.read_text(encoding="utf-8")
    assert "groups" in text and "file" in text
    rdf = tmp_path / "again.rdf"
    assert bibx("convert", str(bib), "-o", str(rdf)).exit_code == 0
    again = read_path(rdf).records
    assert [r.collections for r in again] == [r.collections or ["lib"] for r in records]
    assert [[(a.title, a.url, a.mime) for a in r.attachments if a.title != "Preprint PDF"]
            for r in again] == [[(a.title, a.url, a.mime) for a in r.attachments]
                                for r in records]  # fmt: skip
    assert [r.vars.get("keyword") for r in again] == [r.vars.get("keyword") for r in records]


def test_a_bib_file_field_and_notes_become_zotero_attachments_and_child_notes(tmp_path):
    text = (
        "@article{a, title = {One}, journal = {J}, year = {2020},\n"
        "  file = {Full Text PDF:/home/me/papers/one.pdf:application/pdf;"
        "Snapshot:https\\://example.org/one:text/html},\n"
        "  annote = {Read twice & liked <it>.}, comment = {Check the proofs.},\n"
        "  note = {In press}, groups = {Reading, Thesis}}\n"
        "@misc{m, title = {Two}, file = {:Users/me/Mendeley Desktop/two.pdf:pdf}}\n"
    )
    records = read_text(text, "lib.bib", "bibtex").records
    rdf = zotero_rdf.write(records, WriteOptions(collection="lib")).text
    root = etree.fromstring(rdf.encode())
    nodes = {n.get(f"{{{NS['rdf']}}}about"): n for n in root}
    article = top_level_items(root)[0]
    attachments = [nodes[link.get(f"{{{NS['rdf']}}}resource")]
                   for link in article.findall("link:link", NS)]  # fmt: skip
    assert attachments[0].find("z:path", NS).get(f"{{{NS['rdf']}}}resource") == (
        "file:///home/me/papers/one.pdf"
    )
    assert attachments[0].findtext("z:linkMode", namespaces=NS) == "2"  # a linked file
    assert attachments[1].findtext("z:linkMode", namespaces=NS) == "3"
    memos = [nodes[r.get(f"{{{NS['rdf']}}}resource")]
             for r in article.findall("dcterms:isReferencedBy", NS)]  # fmt: skip
    assert [m.findtext("rdf:value", namespaces=NS) for m in memos] == [
        "<p>Read twice &amp; liked &lt;it&gt;.</p>", "<p>Check the proofs.</p>"
    ]  # fmt: skip
    assert "In press" in article.findtext("dc:description", namespaces=NS)  # the printed note
    # and back to a .bib: the file field in JabRef's form, the notes as annote, the groups
    back = read_text(rdf, "lib.rdf", "zotero-rdf").records
    assert back[0].collections == ["Reading", "Thesis"] and back[1].collections == ["lib"]
    again = bibtex.write(back).text
    assert (
        "Full Text PDF:/home/me/papers/one.pdf:PDF;Snapshot:https\\://example.org/one:HTML" in again
    )
    assert "Users/me/Mendeley Desktop/two.pdf" in again
    item = csljson.item(back[0], "a")
    assert "Check the proofs." in item["note"] and item["custom"]["collections"] == [
        "Reading", "Thesis"
    ]  # fmt: skip


def test_the_citation_key_is_read_from_zotero_s_own_field_and_used_in_a_bib(tmp_path):
    records = read_path(ARMENBIB).records
    keys = [r.key for r in records]
    assert all(keys) and len(set(keys)) == len(keys)
    root = etree.parse(str(ARMENBIB)).getroot()
    assert keys[0] == root.findtext(".//z:citationKey", namespaces=NS)
    written = bibtex.write(records).text
    assert all(f"{{{key}," in written for key in keys if "," not in key and " " not in key)


def test_resolved_papers_keep_their_key_and_pdf_through_rdf_and_back(tmp_path):
    cache = tmp_path / "cache"
    page = Resolver([Snapshot(SNAPSHOT, cache=cache)]).resolve(read_path(PAGE).records)[:5]
    rdf = zotero_rdf.write(page, WriteOptions(collection="page")).text
    back = read_text(rdf, "page.rdf", "zotero-rdf").records
    from bibx.keys import assign_keys

    assert [r.key for r in back] == assign_keys(page)
    assert all(r.collections == ["page"] for r in back)
    assert all(a.title == "Preprint PDF" for r in back for a in r.attachments)
    # written again, the PDF link is not doubled
    twice = zotero_rdf.write(back, WriteOptions(collection="page")).text
    assert twice.count("Preprint PDF") == rdf.count("Preprint PDF") == 5


_TEXT = (
    st.text(
        alphabet=st.characters(
            min_codepoint=0x20,
            max_codepoint=0x17F,
            blacklist_categories=("Cc", "Cs"),
            blacklist_characters='{}\\%#~^$&_"@,;:\xa0\xad',
        ),
        min_size=1,
        max_size=12,
    )
    .map(str.strip)
    .filter(bool)
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            _TEXT,  # title
            st.lists(st.lists(_TEXT, min_size=1, max_size=2).map("/".join), max_size=2),
            st.lists(_TEXT, max_size=2),  # child notes
            st.lists(st.tuples(_TEXT, _TEXT, st.booleans()), max_size=2),  # attachments
        ),
        min_size=1,
        max_size=4,
    )
)
def test_a_generated_library_survives_rdf_to_bib_to_rdf(library):
    """Collections, child notes and attachments (files and links) of any library come back
    from Zotero RDF through a .bib (the biblatex dialect: classic BibTeX's ASCII cannot carry
    every letter, and says so) to Zotero RDF."""
    from bibx.model import Attachment, Record

    records = [
        Record(
            type="book",
            title=title,
            key=f"k{n}",
            collections=sorted(set(collections)),
            notes=list(dict.fromkeys(notes)),
            attachments=[
                Attachment(title=t, url=f"https://example.org/{n}/{i}", mode=3)
                if link
                else Attachment(title=t, path=f"files/{n}/{i}/{p}.pdf", mime="application/pdf")
                for i, (t, p, link) in enumerate(attachments)
            ],
        )
        for n, (title, collections, notes, attachments) in enumerate(library)
    ]
    rdf = zotero_rdf.write(records, WriteOptions(collection="gen")).text
    first = read_text(rdf, "gen.rdf", "zotero-rdf").records
    bib = bibtex.write(first, WriteOptions(dialect="biblatex")).text  # UTF-8: every letter
    second = read_text(bib, "gen.bib", "bibtex").records
    again = read_text(zotero_rdf.write(second, WriteOptions(collection="gen")).text, "g.rdf",
                      "zotero-rdf").records  # fmt: skip
    for original, back in zip(records, again, strict=True):
        assert back.key == original.key
        assert sorted(back.collections) == (original.collections or ["gen"])
        # a .bib holds an item's notes as one annote, a paragraph each: read back, one note
        assert "\n\n".join(back.notes) == "\n\n".join(original.notes)
        assert [(a.title, a.path, a.url) for a in back.attachments] == [
            (a.title, a.path, a.url) for a in original.attachments
        ]
