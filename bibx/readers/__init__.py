"""Readers: one module per input form, each with the same small interface.

A reader module has `NAME`, `sniff(text) -> bool` (is this text in my form?) and
`read(text, input_name) -> ReadResult`. `read_path` decodes a file, picks the reader (or takes the
user's `--from`) and returns records plus the problems found, one line each, never raising for one
bad entry.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from bibx.errors import InputError
from bibx.model import Record


@dataclass
class ReadResult:
    records: list[Record] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "file:line: ..." an entry was lost
    warnings: list[str] = field(default_factory=list)  # "file:line: ..." kept, but note this
    # what a .bib holds besides entries, as written: its `@preamble`s and `@string`s, in order
    preamble: list[str] = field(default_factory=list)


def _readers() -> dict[str, ModuleType]:
    from bibx.readers import bibtex, csljson, lines, listing, references, zotero_rdf

    # Order matters for detection: the most specific forms first.
    return {m.NAME: m for m in (csljson, zotero_rdf, bibtex, references, listing, lines)}


def forms() -> list[str]:
    return list(_readers())


# A file this large is refused before it is read (docs/guide.md): converting costs about 40
# times the file's size in memory at its peak (an 80 MB, 100,000-entry .bib: 3 GiB), so the
# default, 512 MiB, stops only what a 24 GB machine could not convert. BIBX_MAX_INPUT_MB sets
# another.
DEFAULT_MAX_INPUT_MB = 512


def max_input_bytes() -> int:
    try:
        megabytes = float(os.environ.get("BIBX_MAX_INPUT_MB") or DEFAULT_MAX_INPUT_MB)
    except ValueError:
        megabytes = DEFAULT_MAX_INPUT_MB
    return int(megabytes * 2**20)


_DECLARED = re.compile(rb"^%+\s*(?:!TEX\s+)?encoding\s*[:=]\s*([A-Za-z0-9_.:-]+)", re.I | re.M)


def legacy_encoding(data: bytes) -> tuple[str, bool]:
    """The encoding of text that is not UTF-8, and whether the text declares it: the one it
    declares where Python knows it and it decodes the text, else Windows-1252 (else Latin-1,
    where every byte is a character)."""
    declared = _DECLARED.search(data[:4096])
    candidates = [declared.group(1).decode("ascii")] if declared else []
    for encoding in [*candidates, "cp1252"]:
        try:
            data.decode(encoding)
            return encoding, encoding in candidates
        except (LookupError, UnicodeDecodeError):
            continue
    return "latin-1", False


def decode(data: bytes, input_name: str) -> str:
    """Bytes to text (see `decode_noting`), for callers with no place for a warning."""
    return decode_noting(data, input_name)[0]


def decode_noting(data: bytes, input_name: str) -> tuple[str, str | None]:
    """Bytes to text, and a warning when the text was not UTF-8: UTF-8 (with or without BOM),
    UTF-16 with a BOM, the encoding a file declares (JabRef's `% Encoding: windows-1252`),
    else Windows-1252 (Latin-1's superset: older German and French .bib files; BibTeX itself
    reads bytes). Binary is refused."""
    warning = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(f"not valid UTF-16 text ({exc.reason})", path=input_name) from None
    else:
        if b"\x00" in data[:8192]:
            raise InputError("looks like a binary file, not text", path=input_name)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            encoding, declared = legacy_encoding(data)
            text = data.decode(encoding)
            how = "as it declares" if declared else "guessed"
            warning = (
                f"{input_name}:{line}: not UTF-8; read as {encoding} ({how}); what bibx "
                "writes is UTF-8"
            )
    return text.replace("\r\n", "\n").replace("\r", "\n"), warning


def detect(text: str) -> str:
    for name, module in _readers().items():
        if module.sniff(text):
            return name
    return "lines"


SUFFIX_FORMS = {".bib": "bibtex", ".bibtex": "bibtex", ".json": "csl-json", ".rdf": "zotero-rdf"}


def read_text(text: str, input_name: str, form: str | None = None) -> ReadResult:
    readers = _readers()
    if form is not None and form not in readers:
        raise InputError(f"unknown input form {form!r} (known: {', '.join(readers)})")
    if not text.strip():
        raise InputError("the file is empty", path=input_name)
    chosen = form or detect(text)
    if form is None and chosen == "lines":
        from bibx.readers.lines import implausible

        why = implausible(text)
        if why:
            raise InputError(
                f"does not look like a list of papers: {why}; nothing was asked of any source "
                "(--from lines reads it anyway)",
                path=input_name,
            )
    return readers[chosen].read(text, input_name)


def read_path(path: str | Path, form: str | None = None) -> ReadResult:
    """Read one input file (or `-` for standard input is handled by the CLI)."""
    path = Path(path)
    input_name = str(path)
    try:
        limit = max_input_bytes()
        if path.stat().st_size > limit:
            raise InputError(
                f"{path.stat().st_size / 2**20:.3g} MiB, larger than the {limit / 2**20:.3g} MiB "
                "limit (BIBX_MAX_INPUT_MB raises it); nothing was read",
                path=input_name,
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", path=input_name) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", path=input_name) from None
    except PermissionError:
        raise InputError("permission denied", path=input_name) from None
    form = form or SUFFIX_FORMS.get(path.suffix.lower())
    text, warning = decode_noting(data, input_name)
    result = read_text(text, input_name, form)
    if warning:
        result.warnings.insert(0, warning)
    return result
