"""`bibx cite`: a document cites papers by identifier, and its bibliography builds itself.

`\\cite{arXiv:2305.18290}`, `\\cite{doi:10.18653/v1/2025.acl-long.1274}`, `[@arXiv:2305.18290]`:
every cited key that is an identifier (`ids.identify`: `arXiv:`/`arxiv:` with a new- or old-style
id, with or without version; `doi:`; a bare arXiv id or DOI) and is not yet in the target file is
resolved with the resolver's trust rules and appended under exactly the key the document cites.
Entries already in the file are left alone, byte for byte; a run with nothing new writes nothing,
so the file's modification time stays and latexmk or make do not loop.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bibx.documents import ALL, Citations, read_document
from bibx.errors import BibxError
from bibx.ids import KEY_OK, PaperId, identify, other_ids
from bibx.model import Record
from bibx.output import write_atomic
from bibx.progress import Report, ignore
from bibx.readers import read_path
from bibx.resolver import Resolver
from bibx.writers import WriteOptions, form_of_path, writers


def identifier_of(key: str) -> PaperId | None:
    """The paper a citation key names, if it is an identifier."""
    found = identify(key)
    return found if found else None


@dataclass
class CiteResult:
    target: Path
    cited: list[str]
    added: list[Record] = field(default_factory=list)  # resolved and appended
    undefined: list[tuple[str, str]] = field(default_factory=list)  # (key, why)
    uncited: list[str] = field(default_factory=list)  # in the file, cited by nothing
    problems: list[str] = field(default_factory=list)  # the target could not be read (parts)


def target_of(citations: Citations, given: Path | None) -> Path:
    if given is not None:
        return given
    for path in citations.bibliographies:
        if form_of_path(str(path)) in ("bibtex", "csl-json"):
            return path
    raise BibxError("the document names no .bib or CSL-JSON bibliography; give --to FILE")


def cite(
    documents: list[Path],
    resolver: Resolver | Callable[[], Resolver],
    *,
    to: Path | None = None,
    dialect: str | None = None,
    report: Report = ignore,
    venue: str = "long",
    abbreviations: Path | None = None,
) -> CiteResult:
    """Add what `documents` cite by identifier to their bibliography. The dialect, unless
    given: the bibliography's own when it has entries, else the document's (biber's .bcf:
    BibLaTeX; an .aux: BibTeX): one dialect a file."""
    citations = Citations()
    for document in documents:
        found = read_document(document)
        for key in found.keys:
            citations.add(key)
        citations.bibliographies += found.bibliographies
    target = target_of(citations, to)
    form = form_of_path(str(target))
    if form not in ("bibtex", "csl-json"):
        raise BibxError(f"{target}: the bibliography must be a .bib or a CSL-JSON .json file")
    existing: list[str] = []
    problems: list[str] = []
    if target.exists():
        read = read_path(target, form)
        existing = [r.key for r in read.records if r.key]
        own = {r.dialect for r in read.records if r.dialect}
        if dialect is None and len(own) == 1:
            dialect = own.pop()
        problems = read.problems
        for line in problems:
            report("error", line)
    result = CiteResult(target, [k for k in citations.keys if k != ALL], problems=problems)
    have = set(existing)
    missing = [k for k in result.cited if k not in have]
    wanted: list[Record] = []
    for key in missing:
        paper = identifier_of(key)
        other = other_ids(key)  # isbn:…, pmid:…, pmcid:…
        if paper is None and other and KEY_OK.match(key):
            wanted.append(Record(vars=other, key=key, origin=f"cited as {key}"))
        elif paper is None:
            near = difflib.get_close_matches(key, existing, n=3, cutoff=0.6)
            why = f"not in {target.name}" + (f" (nearest: {', '.join(near)})" if near else "")
            result.undefined.append((key, why))
        elif not KEY_OK.match(key):
            result.undefined.append((key, "an identifier, but not a key BibTeX can hold"))
        else:
            wanted.append(
                Record(
                    arxiv_id=paper.arxiv_id,
                    arxiv_version=paper.arxiv_version,
                    doi=paper.doi,
                    key=key,
                    origin=f"cited as {key}",
                )
            )
    if wanted:
        from bibx.abbreviations import Abbreviations

        shortened = Abbreviations.load(abbreviations)
        asker = resolver if isinstance(resolver, Resolver) else resolver()
        answers = asker.resolve(wanted)
        shortened.apply(answers)
        for record in answers:
            if record.status == "resolved":
                result.added.append(record)
            else:
                result.undefined.append((record.key or "", f"{record.status}: {record.reason}"))
    if ALL not in citations.keys:
        cited = set(result.cited)
        result.uncited = [k for k in existing if k not in cited]
    if result.added:
        if dialect is None:
            bcf = any(str(d).lower().endswith(".bcf") for d in documents)
            dialect = "biblatex" if bcf else "bibtex"
        _append(target, form, result.added, WriteOptions(dialect=dialect, venue=venue))
    return result


def _append(target: Path, form: str, records: list[Record], options: WriteOptions) -> None:
    """The new entries after the file's own, the file written atomically; what it had stays
    byte for byte (a .bib) or item for item (CSL-JSON)."""
    text = writers()[form].write(records, options).text
    if form == "bibtex":
        body = text.split("\n\n", 1)[1]  # without bibx's header line
        old = target.read_bytes() if target.exists() else b""
        if old and not old.endswith(b"\n"):
            old += b"\n"
        write_atomic(target, old + (b"\n" if old else b"") + body.encode("utf-8"))
    else:
        items = json.loads(target.read_text(encoding="utf-8")) if target.exists() else []
        if not isinstance(items, list):
            items = [items]
        items += json.loads(text)
        write_atomic(target, json.dumps(items, ensure_ascii=False, indent=2) + "\n")
