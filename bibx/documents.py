"""The citations of a document: LaTeX `.aux` files (bibtex and biblatex runs), biber's `.bcf`, and
pandoc Markdown.

Each reader returns the cited keys in the order they are first cited, and where the document
names its bibliography (`\\bibdata{refs}`, a `.bcf` datasource, `bibliography:` in the YAML
front matter), so that `bibx cite` knows which file to complete.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from bibx.errors import BibxError, InputError
from bibx.xmlsafe import parse_xml

ALL = "*"  # \nocite{*}: every entry of the bibliography is cited


@dataclass
class Citations:
    keys: list[str] = field(default_factory=list)  # in order of first citation, once each
    bibliographies: list[Path] = field(default_factory=list)  # as the document names them

    def add(self, key: str) -> None:
        key = key.strip()
        if key and key not in self.keys:
            self.keys.append(key)


# \citation{a,b} (bibtex runs), \abx@aux@cite{key} or \abx@aux@cite{0}{key} (biblatex), an
# \@input{chapter.aux} of an \include'd chapter, and \bibdata{refs,more}.
_AUX_CITATION = re.compile(r"\\citation\{([^}]*)\}")
_AUX_BIBLATEX = re.compile(r"\\abx@aux@cite\{([^}]*)\}(?:\{([^}]*)\})?")
_AUX_INPUT = re.compile(r"\\@input\{([^}]*)\}")
_AUX_BIBDATA = re.compile(r"\\bibdata\{([^}]*)\}")


def read_aux(path: Path, seen: set[Path] | None = None) -> Citations:
    """The keys an `.aux` file cites, with those of the `.aux` files it `\\@input`s."""
    seen = seen if seen is not None else set()
    found = Citations()
    real = path.resolve()
    if real in seen:  # an \@input loop: read each file once
        return found
    seen.add(real)
    text = _text(path)
    for line in text.splitlines():
        for match in _AUX_CITATION.finditer(line):
            for key in match.group(1).split(","):
                found.add(key)
        for match in _AUX_BIBLATEX.finditer(line):
            # biblatex 3.x writes \abx@aux@cite{<refsection>}{<key>}; older, \abx@aux@cite{<key>}
            found.add(match.group(2) if match.group(2) is not None else match.group(1))
        for match in _AUX_BIBDATA.finditer(line):
            for name in match.group(1).split(","):
                if name.strip():
                    found.bibliographies.append(path.parent / _with_suffix(name.strip(), ".bib"))
        for match in _AUX_INPUT.finditer(line):
            included = read_aux(path.parent / match.group(1), seen)
            for key in included.keys:
                found.add(key)
            found.bibliographies += included.bibliographies
    return found


def read_bcf(path: Path) -> Citations:
    """biber's control file: `<bcf:citekey>` elements, and `<bcf:datasource>` files."""
    try:
        root = parse_xml(path.read_bytes(), "biber control file")
    except FileNotFoundError:
        raise InputError("no such file", path=str(path)) from None
    except BibxError as exc:
        raise InputError(str(exc), path=str(path)) from None
    found = Citations()
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag.endswith("}citekey") and element.text:
            found.add(element.text)
        elif tag.endswith("}datasource") and element.text and element.get("type") == "file":
            found.bibliographies.append(path.parent / element.text.strip())
    return found


# pandoc's citation syntax: @key, [@key], [-@key], [see @a; @b, p. 3], @{key with odd chars}.
# A key starts with a letter, digit or _, and may hold :.#$%&-+?<>~/ when followed by a letter or
# digit; an @ after a word character is an e-mail address, not a citation.
_MD_CITATION = re.compile(r"(?<![\w@])-?@(?:\{([^{}]+)\}|([\w](?:[\w]|[:.#$%&\-+?<>~/](?=[\w]))*))")
_FENCE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n(?:---|\.\.\.)\n", re.DOTALL)


def read_markdown(path: Path) -> Citations:
    """The citations of a pandoc Markdown file (not inside code), and its `bibliography:`."""
    text = _text(path)
    found = Citations()
    front = _FRONT_MATTER.match(text)
    if front:
        for match in re.finditer(
            r"^bibliography:\s*(?:\[(.*?)\]|(.+))$", front.group(1), re.MULTILINE
        ):
            names = (match.group(1) or match.group(2) or "").split(",")
            for name in names:
                name = name.strip().strip("'\"")
                if name and not name.startswith("-"):
                    found.bibliographies.append(path.parent / name)
        for item in re.findall(r"^\s+-\s+(\S+)\s*$", front.group(1), re.MULTILINE):
            if item.endswith((".bib", ".json", ".yaml")):
                found.bibliographies.append(path.parent / item.strip("'\""))
        text = text[front.end() :]
    text = _CODE_SPAN.sub(" ", _FENCE.sub(" ", text))
    for match in _MD_CITATION.finditer(text):
        found.add(match.group(1) or match.group(2))
    return found


def read_document(path: Path) -> Citations:
    """By the file's kind: `.aux`, `.bcf`, else Markdown."""
    suffix = path.suffix.lower()
    if suffix == ".aux":
        return read_aux(path)
    if suffix == ".bcf":
        return read_bcf(path)
    return read_markdown(path)


def _text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        raise InputError("no such file", path=str(path)) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", path=str(path)) from None


def _with_suffix(name: str, suffix: str) -> str:
    return name if name.lower().endswith(suffix) else name + suffix
