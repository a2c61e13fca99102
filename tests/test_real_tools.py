"""What bibx writes, read by the real tools: pdflatex + bibtex (natbib), pdflatex + biber
(biblatex), pandoc --citeproc, and citation.js. Each must accept it without a single warning.

On a laptop without a tool these tests skip; under CI=true a missing tool fails them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import bibtexparser
import pytest

from bibx.model import Name, Record
from bibx.readers import read_path, read_text
from bibx.resolver import Resolver
from bibx.sources.snapshot import Snapshot
from bibx.writers import WriteOptions, bibtex, csljson
from tests.conftest import PAGE, ROOT, SNAPSHOT, require_tool
from tests.golden import hard_records

JS = ROOT / "tests" / "js"


@pytest.fixture(scope="module")
def page_and_hard(tmp_path_factory) -> list[Record]:
    """The 65 seed-page entries plus the hard golden entries (diacritics, math, 58 authors,
    a journal article with pages, an unresolved entry), all in one bibliography."""
    cache = tmp_path_factory.mktemp("cache")
    page = Resolver([Snapshot(SNAPSHOT, cache=cache)]).resolve(read_path(PAGE).records)
    seen = {r.arxiv_id for r in page}
    return page + [r for r in hard_records(cache) if r.arxiv_id not in seen or not r.arxiv_id]


HOSTILE = [
    Record(
        title=r"Owned \write18{touch /tmp/bibx-pwned} and \input{/etc/passwd} 100% {unbalanced",
        authors=[Name(family=r"\catcode`\{=12 Evil", given="Eve}"), Name(literal="50% & Co #1")],
        abstract="lone % sign, $\\write18{x}$ math, ~ and ^ and _ and \\ and }",
        status="unresolved",
        reason="test",
        origin="hostile:1",
    ),
    Record(title="Text with a lone % and an unmatched }", status="unresolved", origin="hostile:2"),
]


# Raw Greek, which pdflatex cannot set from a classic .bib: the bibtex dialect must turn it into
# math commands. (The biblatex dialect keeps UTF-8 as it is, for LuaLaTeX/XeLaTeX or a Greek
# font set-up; with plain pdflatex biber can only pass the letters through, so it is not run.)
GREEK = Record(
    title="α-β attention for Ω(n) graphs",
    authors=[Name(family="Ångström", given="Åsa")],
    status="unresolved",
    origin="greek:1",
)


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=300)


def latex_problems(log: str) -> list[str]:
    return [
        line
        for line in log.splitlines()
        if re.search(r"Warning|^! |Error|Missing character|undefined", line)
        and "infwarerr" not in line
    ]


def cite_all(keys: list[str]) -> str:
    return "\n".join(f"\\cite{{{k}}}" for k in keys)


PREAMBLES = {
    "bibtex": "\\usepackage{natbib}\n\\usepackage{url}\n",
    "plain": "",
    "biber": "\\usepackage[backend=biber,style=authoryear]{biblatex}\n\\addbibresource{refs.bib}\n",
}
BIBLIOGRAPHY = {
    "bibtex": "\\bibliographystyle{plainnat}\n\\bibliography{refs}\n",
    "plain": "\\bibliographystyle{plain}\n\\bibliography{refs}\n",
    "biber": "\\printbibliography\n",
}


def compile_latex(
    tmp: Path, bib: str, keys: list[str], processor: str, validate: bool = False
) -> tuple[str, str]:
    """pdflatex, then `processor` (bibtex with natbib and plainnat, "plain" for bibtex with
    plain.bst, or biber), then pdflatex twice; the .log and .blg."""
    style, processor = processor, "bibtex" if processor == "plain" else processor
    require_tool("pdflatex")
    require_tool(processor)
    (tmp / "refs.bib").write_text(bib, encoding="utf-8")
    (tmp / "doc.tex").write_text(
        "\\documentclass{article}\n\\usepackage[utf8]{inputenc}\n" + PREAMBLES[style]
        + "\\begin{document}\n" + cite_all(keys) + "\n" + BIBLIOGRAPHY[style]
        + "\\end{document}\n",
        encoding="utf-8",
    )  # fmt: skip
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "doc"]
    assert run(latex, tmp).returncode == 0
    # with validate, biber checks every entry against biblatex's data model (an unknown field,
    # a field the entry type does not have, a missing date: each a warning)
    done = run([processor, *(["--validate-datamodel"] if validate else []), "doc"], tmp)
    assert done.returncode == 0, done.stdout
    for _ in range(2):
        done = run(latex, tmp)
        assert done.returncode == 0, done.stdout[-2000:]
    return (tmp / "doc.log").read_text(errors="replace"), (tmp / "doc.blg").read_text()


def compile_natbib(tmp: Path, bib: str, keys: list[str]) -> tuple[str, str]:
    return compile_latex(tmp, bib, keys, "bibtex")


def compile_biblatex(
    tmp: Path, bib: str, keys: list[str], validate: bool = False
) -> tuple[str, str]:
    return compile_latex(tmp, bib, keys, "biber", validate)


# The one entry nothing was found for, with only a title: BibTeX rightly says it has no author
# and no year. bibx invents neither (no `key`, no `year = {n.d.}`): the warning is the truth.
UNRESOLVED_WARNINGS = {
    "Warning--to sort, need author or key in anonSurveyQuantumGravitynd",
    "Warning--empty year in anonSurveyQuantumGravitynd",
    "Warning--to sort, need author, organization, or key in anonSurveyQuantumGravitynd",
    "Warning--empty author and key in anonSurveyQuantumGravitynd",
}


def bibtex_warnings(blg: str) -> list[str]:
    return [
        line
        for line in blg.splitlines()
        if line.startswith("Warning--") and line not in UNRESOLVED_WARNINGS
    ]


def test_bibtex_natbib_zero_warnings(page_and_hard, tmp_path):
    keys = [k for k in re.findall(r"^@\w+\{(.+),$", bibtex.write(page_and_hard).text, re.M)]
    log, blg = compile_natbib(tmp_path, bibtex.write(page_and_hard).text, keys)
    assert bibtex_warnings(blg) == [], blg
    assert latex_problems(log) == []
    assert len(keys) == len(page_and_hard) == 67


def test_bibtex_plain_style_zero_warnings(page_and_hard, tmp_path):
    text = bibtex.write(page_and_hard).text
    keys = re.findall(r"^@\w+\{(.+),$", text, re.M)
    log, blg = compile_latex(tmp_path, text, keys, "plain")
    assert bibtex_warnings(blg) == [], blg
    assert latex_problems(log) == []


def test_biblatex_biber_zero_warnings(page_and_hard, tmp_path):
    text = bibtex.write(page_and_hard, WriteOptions(dialect="biblatex")).text
    keys = re.findall(r"^@\w+\{(.+),$", text, re.M)
    log, blg = compile_biblatex(tmp_path, text, keys)
    assert [line for line in blg.splitlines() if "WARN" in line or "ERROR" in line] == []
    assert latex_problems(log) == []


def test_biblatex_dialect_passes_biber_datamodel_validation(page_and_hard, tmp_path):
    """Every resolved entry (preprints, conference papers, a journal article with publisher and
    pages) fits biblatex's data model. An unresolved entry with no date is left undated: biber
    rightly says so, so it is not part of this check."""
    resolved = [r for r in page_and_hard if r.status == "resolved"]
    text = bibtex.write(resolved, WriteOptions(dialect="biblatex")).text
    keys = re.findall(r"^@\w+\{(.+),$", text, re.M)
    log, blg = compile_biblatex(tmp_path, text, keys, validate=True)
    assert [line for line in blg.splitlines() if "WARN" in line or "ERROR" in line] == []
    assert latex_problems(log) == []
    assert len(keys) == len(resolved) == 66


@pytest.mark.parametrize("dialect", ["bibtex", "biblatex"])
def test_hostile_text_neither_runs_nor_breaks_latex(tmp_path, dialect):
    records = [*HOSTILE, GREEK] if dialect == "bibtex" else HOSTILE
    text = bibtex.write(records, WriteOptions(dialect=dialect)).text
    keys = re.findall(r"^@\w+\{(.+),$", text, re.M)
    compile_ = compile_natbib if dialect == "bibtex" else compile_biblatex
    log, _ = compile_(tmp_path, text, keys)
    assert not re.search(r"\(/etc/passwd", log)  # the file was never opened
    assert not Path("/tmp/bibx-pwned").exists()
    assert latex_problems(log) == []


def pandoc(tmp: Path, bibliography: Path) -> subprocess.CompletedProcess:
    require_tool("pandoc")
    doc = tmp / "doc.md"
    doc.write_text("---\nnocite: |\n  @*\n---\n\nText.\n", encoding="utf-8")
    done = run(
        ["pandoc", "--citeproc", "--bibliography", str(bibliography), str(doc), "-t", "plain"],
        tmp,
    )
    assert done.returncode == 0, done.stderr
    return done


def written(records: list[Record], tmp: Path, form: str) -> Path:
    """The records in `form` (csl-json, or a BibTeX dialect) in a file under `tmp`."""
    if form == "csl-json":
        path = tmp / "refs.json"
        path.write_text(csljson.write(records).text, encoding="utf-8")
    else:
        path = tmp / "refs.bib"
        path.write_text(bibtex.write(records, WriteOptions(dialect=form)).text, encoding="utf-8")
    return path


@pytest.mark.parametrize("form", ["csl-json", "bibtex", "biblatex"])
def test_pandoc_citeproc_reads_without_warnings(page_and_hard, tmp_path, form):
    done = pandoc(tmp_path, written(page_and_hard, tmp_path, form))
    assert done.stderr == ""  # pandoc prints its [WARNING] lines on stderr
    assert done.stdout.count("https://doi.org/") >= 65


def citation_js(path: Path) -> list[dict]:
    require_tool("node")
    if not (JS / "node_modules" / "@citation-js" / "core").is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail("citation.js is not installed (npm ci --prefix tests/js)")
        pytest.skip("citation.js not installed: npm ci --prefix tests/js")
    done = run(["node", str(JS / "parse.mjs"), str(path)], JS)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def plain(title: str) -> str:
    """Title text without markup: `<sup>2</sup>` (ours) and `²` (citation.js's) compare equal."""
    title = unicodedata.normalize("NFKC", re.sub(r"</?su[bp]>", "", title))
    return re.sub(r"\W", "", title.lower())


def family(name: dict) -> str:
    """A family name with its particles ("de Silva" may come back as particle + "Silva")."""
    parts = (name.get("dropping-particle"), name.get("non-dropping-particle"), name.get("family"))
    return " ".join(p for p in parts if p) or name.get("literal", "")


@pytest.mark.parametrize("form", ["csl-json", "biblatex"])
def test_citation_js_keeps_every_entry_and_field(page_and_hard, tmp_path, form):
    items = citation_js(written(page_and_hard, tmp_path, form))
    ours = json.loads(csljson.write(page_and_hard).text)
    assert len(items) == len(ours)
    for theirs, mine in zip(items, ours, strict=True):
        assert theirs["id"] == mine["id"]
        assert [family(a) for a in theirs.get("author", [])] == [
            family(a) for a in mine.get("author", [])
        ], mine["id"]
        if "DOI" in mine:
            assert theirs["DOI"].lower() == mine["DOI"].lower()
        if "issued" in mine:
            assert theirs["issued"]["date-parts"][0][0] == mine["issued"]["date-parts"][0][0]
        for key in ("volume", "issue", "page", "container-title"):
            if key in mine:
                assert str(theirs.get(key, "")).replace("–", "-") == mine[key], (mine["id"], key)
        assert plain(theirs["title"]) == plain(mine["title"]), mine["id"]


def _warnings(log: str, blg: str) -> set[str]:
    lines = [line for line in blg.splitlines() if re.search(r"> WARN|ERROR|Warning--", line)]
    lines = [re.sub(r"^\[\d+\] |/tmp/\S+|line \d+", "", line) for line in lines]
    return set(lines) | set(latex_problems(log))


@pytest.mark.parametrize("processor", ["bibtex", "biber"])
def test_enrich_adds_no_warning_to_user_files(processor, tmp_path, snapshot_source):
    """A user's own files before and after `bibx enrich`, every entry cited: a Google Scholar
    export and a hand-curated file (@string, @preamble, comments, odd layouts, UTF-8,
    `{\\TeX}`; its broken entry left out, which no tool could read). Whatever the tools said of
    the user's file (biber: the stray text line, dblp's `volume = {abs/...}`), they say nothing
    more of the enriched one; biber checks it against biblatex's data model."""
    from bibx.enrich import enrich_text
    from tests.conftest import FIXTURES

    hand = (FIXTURES / "user-bib/hand-written.bib").read_text(encoding="utf-8")
    hand = re.sub(r"@article\{Broken2024,.*?\n\n", "", hand, flags=re.S)
    scholar = (FIXTURES / "user-bib/google-scholar.bib").read_text(encoding="utf-8")
    before = "\n".join((hand, scholar))
    after = "\n".join(
        enrich_text(t, "refs.bib", Resolver([snapshot_source])).text for t in (hand, scholar)
    )
    assert after.count("eprint") > before.count("eprint")
    keys = [e.key for e in bibtexparser.parse_string(after).entries]
    assert len(keys) == 11
    validate = processor == "biber"
    (tmp_path / "before").mkdir()
    (tmp_path / "after").mkdir()
    old = _warnings(
        *reversed(compile_latex(tmp_path / "before", before, keys, processor, validate))
    )
    new = _warnings(*reversed(compile_latex(tmp_path / "after", after, keys, processor, validate)))
    assert new <= old, new - old


def test_pandoc_and_citation_js_read_converted_and_enriched_user_files(tmp_path, snapshot_source):
    """The user's hand-written file (broken entry left out), enriched, then converted to
    CSL-JSON with its own fields in `custom`: pandoc reads both without a warning and renders
    every entry; citation.js keeps every key."""
    from bibx.enrich import enrich_text
    from bibx.readers import read_text
    from tests.conftest import FIXTURES

    hand = (FIXTURES / "user-bib/hand-written.bib").read_text(encoding="utf-8")
    hand = re.sub(r"@article\{Broken2024,.*?\n\n", "", hand, flags=re.S)
    enriched = enrich_text(hand, "refs.bib", Resolver([snapshot_source])).text
    bib = tmp_path / "refs.bib"
    bib.write_text(enriched, encoding="utf-8")
    records = read_text(enriched, "refs.bib").records
    assert len(records) == 7
    json_path = written(records, tmp_path, "csl-json")
    for path in (bib, json_path):
        done = pandoc(tmp_path, path)
        assert done.stderr == "", path
        assert "TeXbook" in done.stdout and "L-Eval" in done.stdout
    items = citation_js(json_path)
    assert sorted(i["id"] for i in items) == sorted(r.key for r in records)


EXAMPLES = ROOT / "docs" / "examples"


def _bibx_env(tmp: Path) -> dict[str, str]:
    """bibx on PATH as a user has it, offline on the bundled snapshot, its own cache."""
    import sys

    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    return {**os.environ, "PATH": path, "BIBX_SNAPSHOT": str(SNAPSHOT), "BIBX_OFFLINE": "1",
            "BIBX_CACHE": str(tmp / "cache")}  # fmt: skip


@pytest.mark.parametrize("engine", ["bibtex", "biber"])
def test_latexmk_with_the_documented_recipe_builds_the_bibliography(tmp_path, engine):
    """A paper citing arXiv ids (new style, with a version) and a DOI, keys with : and /, built
    by latexmk with the recipe from docs/: no undefined citation, no warning; a second latexmk
    has nothing to do and the .bib keeps its modification time."""
    require_tool("latexmk")
    require_tool(engine)
    from tests.conftest import FIXTURES

    source = "natbib-paper.tex" if engine == "bibtex" else "biblatex-paper.tex"
    shutil.copy(FIXTURES / "cite" / source, tmp_path / "paper.tex")
    shutil.copy(EXAMPLES / f"latexmkrc-{engine}", tmp_path / ".latexmkrc")
    if engine == "bibtex":  # the natbib paper also cites one entry of the user's own
        (tmp_path / "refs.bib").write_text(
            "@book{knuth84, author = {Knuth, Donald E.}, title = {The {\\TeX}book},\n"
            "  publisher = {Addison-Wesley}, year = {1984}}\n",
            encoding="utf-8",
        )
    env = _bibx_env(tmp_path)
    command = ["latexmk", "-pdf", "-interaction=nonstopmode", "paper.tex"]
    done = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    log = (tmp_path / "paper.log").read_text(errors="replace")
    assert latex_problems(log) == []
    blg = (tmp_path / "paper.blg").read_text()
    assert not re.search(r"Warning--|WARN|ERROR", blg), blg
    bib = (tmp_path / "refs.bib").read_text(encoding="utf-8")
    assert "{arXiv:2402.06147," in bib and "{doi:10.18653/v1/2024.acl-long.776," in bib
    mtime = (tmp_path / "refs.bib").stat().st_mtime_ns
    again = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert again.returncode == 0
    assert (
        "All targets" in again.stdout + again.stderr and "up-to-date" in again.stdout + again.stderr
    )
    assert (tmp_path / "refs.bib").stat().st_mtime_ns == mtime


def test_the_documented_makefile_builds_the_paper(tmp_path):
    require_tool("make")
    require_tool("bibtex")
    from tests.conftest import FIXTURES

    shutil.copy(FIXTURES / "cite" / "natbib-paper.tex", tmp_path / "paper.tex")
    shutil.copy(EXAMPLES / "Makefile", tmp_path / "Makefile")
    (tmp_path / "refs.bib").write_text(
        "@book{knuth84, author = {Knuth, Donald E.}, title = {The {\\TeX}book},\n"
        "  publisher = {Addison-Wesley}, year = {1984}}\n",
        encoding="utf-8",
    )
    env = _bibx_env(tmp_path)
    done = subprocess.run(["make"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert latex_problems((tmp_path / "paper.log").read_text(errors="replace")) == []


def test_pandoc_renders_a_document_citing_by_identifier(tmp_path):
    require_tool("pandoc")
    from tests.conftest import FIXTURES

    shutil.copy(FIXTURES / "cite" / "pandoc-doc.md", tmp_path / "doc.md")
    env = _bibx_env(tmp_path)
    done = subprocess.run(["bibx", "cite", "doc.md", "-q"], cwd=tmp_path, env=env,
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    rendered = run(["pandoc", "--citeproc", "doc.md", "-t", "plain"], tmp_path)
    assert rendered.returncode == 0 and rendered.stderr == ""  # no citation left undefined
    assert "Huang et al. 2024" in rendered.stdout and "An et al." in rendered.stdout
    assert "???" not in rendered.stdout


@pytest.fixture(scope="module")
def conference_entries(tmp_path_factory) -> list[Record]:
    """The seed page resolved through the loopback arXiv, Crossref and dblp: its conference
    papers (NeurIPS, ICLR, ICML, ACL ... from dblp, or Crossref with a DOI)."""
    from tests.fakes import FakeArxiv, FakeClock, FakeCrossref, FakeDblp, session, sources

    servers = FakeArxiv().start(), FakeCrossref().start(), FakeDblp().start()
    try:
        http = session(*servers[:2], FakeClock(), tmp_path_factory.mktemp("c"), dblp=servers[2])
        out = Resolver(sources(http, *servers)).resolve(read_path(PAGE).records)
    finally:
        for server in servers:
            server.stop()
    found = [r for r in out if r.type == "paper-conference" and r.container_title]
    assert len(found) >= 25
    return found


@pytest.mark.parametrize("processor", ["bibtex", "biber"])
def test_conference_entries_compile_without_warnings(conference_entries, tmp_path, processor):
    dialect = "bibtex" if processor == "bibtex" else "biblatex"
    text = bibtex.write(conference_entries, WriteOptions(dialect=dialect)).text
    assert text.count("@inproceedings{") == len(conference_entries)
    keys = re.findall(r"^@\w+\{(.+),$", text, re.M)
    log, blg = compile_latex(tmp_path, text, keys, processor, validate=processor == "biber")
    assert not re.search(r"Warning--|WARN|ERROR", blg), blg
    assert latex_problems(log) == []


def test_conference_entries_through_pandoc_and_citation_js(conference_entries, tmp_path):
    path = written(conference_entries, tmp_path, "csl-json")
    done = pandoc(tmp_path, path)
    assert done.stderr == ""
    assert "Advances in Neural Information Processing Systems" in done.stdout
    items = citation_js(path)
    assert len(items) == len(conference_entries)
    assert all(i.get("container-title") for i in items)


CASE_BST = """ENTRY { title } { } { }
FUNCTION {show} { title "t" change.case$ write$ newline$ }
FUNCTION {misc} { show }
FUNCTION {article} { show }
FUNCTION {inproceedings} { show }
FUNCTION {default.type} { show }
READ
ITERATE {call.type$}
"""


def test_title_case_survives_bibtex_change_case(tmp_path):
    """BibTeX's `change.case$` (what plainnat does to a title) on every seed and distractor
    title as bibx writes it: a word with a capital after its first letter (LLaVA, L-Eval,
    LM-Infinite, MT-Bench, GPT-4) comes out exactly as written."""
    require_tool("bibtex")
    seed = json.loads((ROOT / "fixtures" / "seed-metadata.json").read_text(encoding="utf-8"))
    titles = [p["title"] for p in seed["papers"] + seed["distractors"]]
    records = [Record(title=t, key=f"t{n}", status="resolved") for n, t in enumerate(titles)]
    (tmp_path / "data.bib").write_text(bibtex.write(records).text, encoding="utf-8")
    (tmp_path / "case.bst").write_text(CASE_BST)
    (tmp_path / "doc.aux").write_text("\\citation{*}\n\\bibstyle{case}\n\\bibdata{data}\n")
    run(["bibtex", "-terse", "doc"], tmp_path)
    bbl = (tmp_path / "doc.bbl").read_text(encoding="utf-8")
    printed = bbl.replace("\n  ", " ").splitlines()  # BibTeX wraps long lines so
    assert len(printed) == len(titles)
    checked = 0
    for title, out in zip(titles, printed, strict=True):
        plain = re.sub(r"[{}]", "", out)
        for word in re.findall(r"[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*", title):
            if any(c.isupper() for c in word[1:]):
                checked += 1
                assert word in plain, (word, title, out)
    assert checked > 50


@pytest.fixture
def wider_records():
    """Works that are not papers, from the services' real answers (fixtures/reference/) through
    bibx's own converters: software and a dataset (DataCite), two books (Open Library), two
    PubMed articles and a PMC article, each marked resolved as a source's record is."""
    from fixtures.build_wider_references import works

    out = []
    for _, _, record in works():
        record.status, record.confidence = "resolved", 1.0
        out.append(record)
    return out


@pytest.mark.parametrize("processor", ["bibtex", "biber"])
def test_books_software_datasets_and_pubmed_articles_compile_without_warnings(
    wider_records, tmp_path, processor
):
    dialect = "bibtex" if processor == "bibtex" else "biblatex"
    text = bibtex.write(wider_records, WriteOptions(dialect=dialect)).text
    kinds = re.findall(r"^@(\w+)\{", text, re.M)
    expected = ["software", "software", "dataset", "book", "book", *["article"] * 3]
    assert kinds == (expected if dialect == "biblatex" else
                     ["misc", "misc", "misc", "book", "book", *["article"] * 3])  # fmt: skip
    keys = re.findall(r"^@\w+\{(.+),$", text, re.M)
    if processor == "biber":  # biblatex's data model has no field for a PMC id, and says so
        (tmp_path / "validated").mkdir()
        _, blg = compile_latex(tmp_path / "validated", text, keys, processor, validate=True)
        said = [line for line in blg.splitlines() if re.search(r"> (WARN|ERROR) ", line)]
        assert all("Field 'pmcid' invalid in data model" in line for line in said), blg
        assert len(said) == 3  # the PubMed and PMC articles' PMC ids
    log, blg = compile_latex(tmp_path, text, keys, processor)
    said = [line for line in blg.splitlines() if re.search(r"Warning--|WARN|ERROR", line)]
    # the truth, as for an unresolved entry: Open Library's work lists five publishers for its
    # editions and names none as the book's, so bibx names none (BibTeX says so; biber does not
    # require one)
    assert said == (["Warning--empty publisher in friedmanCapitalismFreedom1962"]
                    if processor == "bibtex" else []), blg  # fmt: skip
    assert latex_problems(log) == []
    # read back: the repository (biblatex's organization for software) and the PubMed id
    # (biblatex's eprint of type pubmed) are the record's again
    back = read_text(text, "refs.bib", "bibtex").records
    assert back[0].publisher == "KNB Data Repository" and back[5].vars["PMID"] == "30939045"


def test_books_software_datasets_through_pandoc_and_citation_js(wider_records, tmp_path):
    path = written(wider_records, tmp_path, "csl-json")
    done = pandoc(tmp_path, path)
    assert done.stderr == ""
    assert "KNB Data Repository" in done.stdout and "Orbit" in done.stdout
    items = citation_js(path)
    assert [i["type"] for i in items] == [
        "software", "software", "dataset", "book", "book", *["article-journal"] * 3
    ]  # fmt: skip
    assert items[0]["version"] == "2.2.2" and items[3]["ISBN"] == "9780316030571"
