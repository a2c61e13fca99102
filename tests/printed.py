"""What BibTeX and biber print from a .bib: the .bbl of `\\nocite{*}`, for comparing a file with
bibx's conversion of it. No LaTeX run is needed for BibTeX (the .aux is written here); biber
reads a control file (.bcf) made once by one LaTeX run and reused for every file.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from bibx.readers import legacy_encoding

AUX = "\\relax\n\\citation{*}\n\\bibstyle{%s}\n\\bibdata{data}\n"
BIBLATEX_DOC = (
    "\\documentclass{article}\n\\usepackage[backend=biber]{biblatex}\n"
    "\\addbibresource{data.bib}\n\\begin{document}\n\\nocite{*}\n\\printbibliography\n"
    "\\end{document}\n"
)


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(command, cwd=cwd, capture_output=True, timeout=300)


def bibtex_bbl(bib: bytes, style: str, work: Path) -> tuple[str, list[str]]:
    """The .bbl BibTeX writes for every entry of `bib` in `style`, as text, and its warnings
    and errors (the lines of its log that say so)."""
    work.mkdir(parents=True, exist_ok=True)
    (work / "data.bib").write_bytes(bib)
    (work / "doc.aux").write_text(AUX % style)
    for stale in ("doc.bbl", "doc.blg"):
        (work / stale).unlink(missing_ok=True)
    _run(["bibtex", "-terse", "doc"], work)
    bbl = (work / "doc.bbl").read_bytes() if (work / "doc.bbl").exists() else b""
    log = (work / "doc.blg").read_bytes().decode("latin-1") if (work / "doc.blg").exists() else ""
    said = [line for line in log.splitlines() if re.match(r"Warning--|.*---line \d+", line)]
    return _text(bbl, bib_encoding(bib)), said


def bib_encoding(bib: bytes) -> str:
    try:
        bib.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return legacy_encoding(bib)[0]


def biber_control(work: Path) -> Path:
    """A .bcf for `\\nocite{*}` over `data.bib` with biblatex's defaults, made by one LaTeX run."""
    work.mkdir(parents=True, exist_ok=True)
    (work / "doc.tex").write_text(BIBLATEX_DOC)
    _run(["pdflatex", "-interaction=nonstopmode", "-draftmode", "doc.tex"], work)
    return work / "doc.bcf"


def biber_bbl(bib: bytes, control: Path, work: Path) -> tuple[str, list[str]]:
    """The .bbl biber writes for every entry of `bib`, and its warnings and errors."""
    work.mkdir(parents=True, exist_ok=True)
    (work / "data.bib").write_bytes(bib)
    shutil.copy(control, work / "doc.bcf")
    (work / "doc.bbl").unlink(missing_ok=True)
    done = _run(["biber", "--quiet", "--quiet", "doc"], work)
    bbl = (work / "doc.bbl").read_bytes() if (work / "doc.bbl").exists() else b""
    said = [
        line
        for line in done.stdout.decode("utf-8", "replace").splitlines()
        + done.stderr.decode("utf-8", "replace").splitlines()
        if re.match(r"(WARN|ERROR)", line)
    ]
    return _text(bbl), said


def _text(bbl: bytes, encoding: str | None = None) -> str:
    """A .bbl as text (in the .bib's own encoding: BibTeX copies bytes): biber's carries a
    comment line with its version and date, dropped."""
    try:
        text = bbl.decode(encoding or "utf-8")
    except UnicodeDecodeError:
        text = bbl.decode(legacy_encoding(bbl)[0])
    return re.sub(
        r"^% \$ biblatex auxiliary file \$.*\n|^% Do not modify.*\n", "", text, flags=re.M
    )
