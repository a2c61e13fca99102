"""The `bibx` command: a thin typer layer over read -> resolve -> write.

Exit codes: 0 every entry resolved; 3 some entries unresolved or ambiguous (all still written);
1 an error (an input or an entry could not be read, a source could not be used, nothing written);
2 a usage error (typer's own).
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from bibx import __version__
from bibx.errors import BibxError
from bibx.model import Record
from bibx.output import write_atomic
from bibx.readers import ReadResult, decode, forms, read_path, read_text
from bibx.resolver import Resolver, deduplicate
from bibx.sources import Source
from bibx.writers import writers

EXIT_OK, EXIT_ERROR, EXIT_UNRESOLVED = 0, 1, 3

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Turn a list of papers into BibTeX, CSL-JSON and Zotero RDF.",
    pretty_exceptions_enable=False,
)


class Format(StrEnum):
    bibtex = "bibtex"
    csl_json = "csl-json"
    zotero_rdf = "zotero-rdf"
    all = "all"


class Dialect(StrEnum):
    bibtex = "bibtex"
    biblatex = "biblatex"


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _version(value: bool) -> None:
    if value:
        print(f"bibx {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show version.")
    ] = False,
) -> None:
    """bibx: read a list of papers, resolve each against arXiv and Crossref, write it out."""


def read_inputs(inputs: list[str], form: str | None) -> tuple[list[Record], list[str], list[str]]:
    records: list[Record] = []
    problems: list[str] = []
    warnings: list[str] = []
    for name in inputs:
        try:
            if name == "-":
                result: ReadResult = read_text(
                    decode(sys.stdin.buffer.read(), "<stdin>"), "<stdin>", form
                )
            else:
                result = read_path(name, form)
        except BibxError as exc:
            problems.append(str(exc))
            continue
        records.extend(result.records)
        problems.extend(result.problems)
        warnings.extend(result.warnings)
    return records, problems, warnings


def build_sources(snapshot: Path | None, cache: Path | None) -> list[Source]:
    from bibx.sources.snapshot import Snapshot

    sources: list[Source] = []
    if snapshot is not None:
        sources.append(Snapshot(snapshot, cache=cache))
    return sources


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty():
        print(f"\rresolving {done}/{total}", end="" if done < total else "\n", file=sys.stderr)


def output_paths(out: str, chosen: list[str], inputs: list[str], force: bool) -> dict[str, Path]:
    table = writers()
    if out == "-":
        if len(chosen) != 1:
            raise BibxError("--out - writes one format to standard output; pick one with --format")
        return {}
    target = Path(out)
    as_dir = out.endswith(("/", "\\")) or target.is_dir() or len(chosen) > 1
    if as_dir:
        stem = Path(inputs[0]).stem if len(inputs) == 1 and inputs[0] != "-" else "references"
        paths = {name: target / f"{stem}{table[name].EXTENSION}" for name in chosen}
    else:
        paths = {chosen[0]: target}
    given = {Path(i).resolve() for i in inputs if i != "-"}
    for path in paths.values():
        if path.resolve() in given and not force:
            raise BibxError(f"{path}: refusing to overwrite an input file (use --force)")
    return paths


@app.command()
def export(
    inputs: Annotated[list[str], typer.Argument(help="Input files (or - for stdin).")],
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.all,
    out: Annotated[
        str, typer.Option("--out", "-o", help="Output file, directory (ending in /), or -.")
    ] = "-",
    form: Annotated[
        str | None,
        typer.Option("--from", help=f"Input form, instead of detecting it: {', '.join(forms())}."),
    ] = None,
    snapshot: Annotated[
        Path | None, typer.Option(help="arXiv metadata snapshot (JSON lines, .gz or not).")
    ] = None,
    cache: Annotated[
        Path | None, typer.Option(help="Cache directory (default: $BIBX_CACHE or XDG cache).")
    ] = None,
    bib_dialect: Annotated[
        Dialect, typer.Option("--bib-dialect", help="BibTeX for bibtex/natbib or biber.")
    ] = Dialect.bibtex,
    force: Annotated[bool, typer.Option(help="Allow overwriting an input file.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only errors on stderr.")] = False,
) -> None:
    """Read INPUTS, resolve every entry, write the bibliography."""
    chosen = [f.value for f in Format if f is not Format.all] if fmt is Format.all else [fmt.value]
    if fmt is Format.all and out == "-":
        out = "build/"
    try:
        paths = output_paths(out, chosen, inputs, force)
        records, problems, warnings = read_inputs(inputs, form)
        for line in problems:
            say(f"error: {line}")
        if not quiet:
            for line in warnings:
                say(f"warning: {line}")
        sources = build_sources(snapshot, cache)
        if not sources:
            raise BibxError("no metadata source: give --snapshot PATH (an arXiv metadata snapshot)")
        resolved = Resolver(sources, progress=None if quiet else _progress).resolve(records)
        final, merges = deduplicate(resolved)
        if not quiet:
            for line in merges:
                say(f"merged: {line}")
        table = writers()
        for name in chosen:
            text = table[name].write(final, dialect=bib_dialect.value)
            if name in paths:
                write_atomic(paths[name], text)
                if not quiet:
                    say(f"wrote {paths[name]} ({len(final)} entries)")
            else:
                sys.stdout.write(text)
    except BibxError as exc:
        say(f"error: {exc}")
        raise typer.Exit(EXIT_ERROR) from None
    except OSError as exc:
        say(f"error: {exc.filename or ''}: {exc.strerror or exc}")
        raise typer.Exit(EXIT_ERROR) from None
    summary(final, quiet)
    if problems:
        raise typer.Exit(EXIT_ERROR)
    if any(r.status != "resolved" for r in final):
        raise typer.Exit(EXIT_UNRESOLVED)


def summary(records: list[Record], quiet: bool) -> None:
    counts = {
        s: sum(r.status == s for r in records) for s in ("resolved", "ambiguous", "unresolved")
    }
    say(
        f"{len(records)} entries: {counts['resolved']} resolved, {counts['ambiguous']} ambiguous, "
        f"{counts['unresolved']} unresolved"
    )
    for record in records:
        if record.status != "resolved":
            say(f"  {record.status}: {record.label()}: {record.reason}")


def main() -> None:
    app()
