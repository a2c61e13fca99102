"""The `bibx` command: a thin typer layer over read -> resolve -> write.

Exit codes: 0 every entry resolved; 3 some entries unresolved or ambiguous (all still written);
1 an error (an input or an entry could not be read, a source could not be used, nothing written);
2 a usage error (typer's own).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import typer

from bibx import __version__
from bibx.errors import BibxError
from bibx.model import Record
from bibx.output import write_atomic
from bibx.readers import ReadResult, decode, forms, read_path, read_text
from bibx.resolver import Resolver, deduplicate
from bibx.sources import Source
from bibx.sources.http import HttpSession, NotCached
from bibx.writers import writers

EXIT_OK, EXIT_ERROR, EXIT_UNRESOLVED, EXIT_INTERRUPTED = 0, 1, 3, 130

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


class Prefer(StrEnum):
    published = "published"
    preprint = "preprint"


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


@dataclass
class SourceOptions:
    snapshot: Path | None = None
    cache: Path | None = None
    use_cache: bool = True
    offline: bool = False
    live: bool = True
    mailto: str | None = None
    arxiv_api: str | None = None
    crossref_api: str | None = None


def build_sources(options: SourceOptions) -> tuple[list[Source], HttpSession | None]:
    """The snapshot (if any) first, then the live services through one shared session."""
    from bibx.sources.arxiv import ArxivAPI
    from bibx.sources.arxiv import api_url as arxiv_url
    from bibx.sources.crossref import Crossref
    from bibx.sources.crossref import api_url as crossref_url
    from bibx.sources.http import polite_limiters
    from bibx.sources.snapshot import Snapshot

    sources: list[Source] = []
    if options.snapshot is not None:
        sources.append(Snapshot(options.snapshot, cache=options.cache))
    if not options.live:
        return sources, None
    arxiv = options.arxiv_api or arxiv_url()
    crossref = (options.crossref_api or crossref_url()).rstrip("/")
    http = HttpSession(
        cache=options.cache,
        use_cache=options.use_cache,
        offline=options.offline,
        mailto=options.mailto,
        limiters=polite_limiters(urlsplit(arxiv).netloc, urlsplit(crossref).netloc, options.mailto),
    )
    sources += [ArxivAPI(http, arxiv), Crossref(http, crossref)]
    return sources, http


def _progress(message: str) -> None:
    say(f"{message} ...")


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
    offline: Annotated[
        bool, typer.Option(help="Never touch the network: snapshot and HTTP cache only.")
    ] = False,
    live: Annotated[
        bool, typer.Option(help="Ask the live arXiv and Crossref APIs (--no-live: never).")
    ] = True,
    mailto: Annotated[
        str | None,
        typer.Option(envvar="BIBX_MAILTO", help="Your e-mail, for Crossref's polite pool."),
    ] = None,
    cache: Annotated[
        Path | None,
        typer.Option(envvar="BIBX_CACHE", help="Cache directory (default: XDG cache)."),
    ] = None,
    use_cache: Annotated[
        bool, typer.Option("--cache-responses/--no-cache", help="Cache HTTP answers.")
    ] = True,
    arxiv_api: Annotated[
        str | None, typer.Option(envvar="BIBX_ARXIV_API", help="arXiv API endpoint.")
    ] = None,
    crossref_api: Annotated[
        str | None, typer.Option(envvar="BIBX_CROSSREF_API", help="Crossref API endpoint.")
    ] = None,
    prefer: Annotated[
        Prefer, typer.Option(help="Write the published version, or keep the preprint.")
    ] = Prefer.published,
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
        options = SourceOptions(
            snapshot, cache, use_cache, offline, live, mailto, arxiv_api, crossref_api
        )
        sources, http = build_sources(options)
        if not sources:
            raise BibxError("no metadata source: give --snapshot PATH, or allow --live")
        resolver = Resolver(sources, progress=None if quiet else _progress, prefer=prefer.value)
        resolved = resolver.resolve(records)
        source_errors = [
            f"{name}: {exc}"
            for name, exc in resolver.errors.items()
            if not isinstance(exc, NotCached)
        ]
        for line in source_errors:
            say(f"error: {line}")
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
    except KeyboardInterrupt:
        say("interrupted: nothing written; the answers received so far are cached")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    summary(final, quiet)
    if http is not None and not quiet:
        say(f"{http.requests_sent} requests sent")
    if problems or source_errors:
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


if __name__ == "__main__":
    main()
