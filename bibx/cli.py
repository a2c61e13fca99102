"""The `bibx` command: a thin typer layer over read -> resolve -> write.

Exit codes: 0 every entry resolved; 3 some entries unresolved or ambiguous (all still written);
1 an error (an input or an entry could not be read, a source could not be used, nothing written);
2 a usage error (typer's own).
"""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from bibx import __version__
from bibx.errors import BibxError, NotCached
from bibx.model import Record
from bibx.output import write_atomic
from bibx.readers import ReadResult, decode, forms, read_path, read_text
from bibx.report import render_report, render_table, report_row
from bibx.resolver import Resolver, deduplicate
from bibx.sources import SourceOptions, build
from bibx.writers import WriteOptions, form_of_path, writers

if TYPE_CHECKING:  # imported when a live source is built: requests-cache is slow to import
    from bibx.sources.http import HttpSession

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_UNRESOLVED, EXIT_CHANGES, EXIT_INTERRUPTED = (
    0,
    1,
    2,
    3,
    4,
    130,
)


class UsageError(BibxError):
    """A combination of options that cannot work: exit 2, as typer does for its own."""


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


def _progress(message: str) -> None:
    say(f"{message} ...")


def plan_outputs(
    out: str | None, fmt: Format | None, inputs: list[str], force: bool
) -> tuple[list[str], dict[str, Path]]:
    """Which formats to write, and where: {format: path}; a format with no path goes to
    standard output. `-o refs.bib` alone means BibTeX, by its extension."""
    table = writers()
    every = [f.value for f in Format if f is not Format.all]
    if fmt is None:
        by_suffix = form_of_path(out) if out and out != "-" and not out.endswith("/") else None
        if by_suffix and not Path(out or "").is_dir():
            fmt = Format(by_suffix)
        elif out == "-":
            raise UsageError("--out - writes one format to standard output; pick it with --format")
        else:
            fmt = Format.all
    chosen = every if fmt is Format.all else [fmt.value]
    if fmt is Format.all:
        if out == "-":
            raise UsageError("--out - writes one format to standard output; pick it with --format")
        if out and form_of_path(out) and not out.endswith("/") and not Path(out).is_dir():
            raise UsageError(f"--format all writes {len(every)} files: give --out a directory")
        out = out or "build/"
    if out is None or out == "-":
        return chosen, {}
    target = Path(out)
    if out.endswith(("/", "\\")) or target.is_dir() or len(chosen) > 1:
        stem = Path(inputs[0]).stem if len(inputs) == 1 and inputs[0] != "-" else "references"
        paths = {name: target / f"{stem}{table[name].EXTENSION}" for name in chosen}
    else:
        paths = {chosen[0]: target}
    given = {Path(i).resolve() for i in inputs if i != "-"}
    for path in paths.values():
        if path.resolve() in given and not force:
            raise BibxError(f"{path}: refusing to overwrite an input file (use --force)")
    return chosen, paths


def write_outputs(
    records: list[Record],
    chosen: list[str],
    paths: dict[str, Path],
    options: WriteOptions,
    quiet: bool,
) -> None:
    """Render every chosen format, then write them; an empty run replaces nothing."""
    if not records:
        raise BibxError("no entry could be read from the input; nothing written")
    table = writers()
    for name in chosen:
        result = table[name].write(records, options)
        if not quiet:
            for line in result.warnings:
                say(f"warning: {line}")
        if name in paths:
            write_atomic(paths[name], result.text)
            if not quiet:
                say(f"wrote {paths[name]} ({count(len(records))})")
        else:
            sys.stdout.write(result.text)
            sys.stdout.flush()


def count(n: int, what: str = "entry") -> str:
    plural = "entries" if what == "entry" else f"{what}s"
    return f"{n} {what if n == 1 else plural}"


InputsArg = Annotated[list[str], typer.Argument(help="Input files (or - for stdin).")]
FromOpt = Annotated[
    str | None,
    typer.Option("--from", help=f"Input form, instead of detecting it: {', '.join(forms())}."),
]
SnapshotOpt = Annotated[
    Path | None, typer.Option(help="arXiv metadata snapshot (JSON lines, .gz or not).")
]
OfflineOpt = Annotated[
    bool, typer.Option(help="Never touch the network: snapshot and HTTP cache only.")
]
LiveOpt = Annotated[
    bool, typer.Option(help="Ask the live arXiv and Crossref APIs (--no-live: never).")
]
MailtoOpt = Annotated[
    str | None, typer.Option(envvar="BIBX_MAILTO", help="Your e-mail, for Crossref's polite pool.")
]
CacheOpt = Annotated[
    Path | None, typer.Option(envvar="BIBX_CACHE", help="Cache directory (default: XDG cache).")
]
UseCacheOpt = Annotated[
    bool, typer.Option("--cache-responses/--no-cache", help="Cache HTTP answers.")
]
ArxivOpt = Annotated[
    str | None, typer.Option(help="arXiv API endpoint [default: $BIBX_ARXIV_API, else arXiv's].")
]
CrossrefOpt = Annotated[
    str | None,
    typer.Option(help="Crossref API endpoint [default: $BIBX_CROSSREF_API, else Crossref's]."),
]
StrictOpt = Annotated[
    bool,
    typer.Option(help="Exit 1 when a service could not be used, even if every entry resolved."),
]
PreferOpt = Annotated[
    Prefer, typer.Option(help="Write the published version, or keep the preprint.")
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Only errors on stderr.")]


@dataclass
class Run:
    records: list[Record]
    problems: list[str]  # input that could not be read
    source_errors: list[str]  # services that failed
    http: HttpSession | None
    strict: bool = False

    @property
    def incomplete(self) -> bool:
        return any(r.status not in ("resolved", "input") for r in self.records)

    @property
    def exit_code(self) -> int:
        if self.problems or (self.source_errors and (self.strict or self.incomplete)):
            return EXIT_ERROR
        if self.incomplete:
            return EXIT_UNRESOLVED
        return EXIT_OK


def source_failures(resolver: Resolver, records: list[Record], strict: bool) -> list[str]:
    """The services that could not be used, said once each: an error when it left an entry
    unresolved (or with --strict), else a warning (every entry was resolved; what failed was
    an extra, such as the look-up of a published version)."""
    failures = [
        f"{name}: {exc}"
        for name, exc in resolver.errors.items()
        if not isinstance(exc, NotCached)  # offline and not cached: said per entry
    ]
    level = "error" if strict or any(r.status != "resolved" for r in records) else "warning"
    for line in failures:
        say(f"{level}: {line}")
    return failures


def report_reading(problems: list[str], warnings: list[str], quiet: bool) -> None:
    for line in problems:
        say(f"error: {line}")
    if not quiet:
        for line in warnings:
            say(f"warning: {line}")


def pipeline(
    inputs: list[str], form: str | None, options: SourceOptions, prefer: Prefer, quiet: bool
) -> Run:
    """Read, resolve, merge duplicates; report problems on stderr as they are found."""
    records, problems, warnings = read_inputs(inputs, form)
    report_reading(problems, warnings, quiet)
    if not records:
        raise BibxError("no entry could be read from the input; nothing written")
    sources, http = build(options)
    if not quiet:
        for source in sources:  # lines of a snapshot that could not be indexed
            for line in source.problems:
                say(f"warning: {line}")
    if not sources:
        raise BibxError("no metadata source: give --snapshot PATH, or allow --live")
    resolver = Resolver(sources, progress=None if quiet else _progress, prefer=prefer.value)
    resolved = resolver.resolve(records)
    source_errors = source_failures(resolver, resolved, options.strict)
    final, merges = deduplicate(resolved)
    if not quiet:
        for line in merges:
            say(f"merged: {line}")
    return Run(final, problems, source_errors, http, options.strict)


def guarded(action: Callable[[], Run], quiet: bool) -> None:
    """Run a command's work; turn every failure the user can cause into one line and an exit."""
    try:
        run = action()
    except UsageError as exc:
        say(f"error: {exc}")
        raise typer.Exit(EXIT_USAGE) from None
    except BibxError as exc:
        say(f"error: {exc}")
        raise typer.Exit(EXIT_ERROR) from None
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        say(f"error: {where}{exc.strerror or exc}")
        raise typer.Exit(EXIT_ERROR) from None
    except KeyboardInterrupt:
        say("interrupted: nothing written; the answers received so far are cached")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    if not quiet:
        summary(run.records)
    if run.http is not None and not quiet:
        for line in dict.fromkeys(run.http.warnings):
            say(f"warning: {line}")
        say(f"{count(run.http.requests_sent, 'request')} sent")
    if run.exit_code:
        raise typer.Exit(run.exit_code)


# The options both commands take for their sources, declared once: `with_sources` adds them
# to a command's signature (typer reads the signature) and hands the command a SourceOptions.
SOURCE_PARAMETERS: list[tuple[str, Any, Any]] = [
    ("snapshot", SnapshotOpt, None),
    ("offline", OfflineOpt, False),
    ("live", LiveOpt, True),
    ("mailto", MailtoOpt, None),
    ("cache", CacheOpt, None),
    ("use_cache", UseCacheOpt, True),
    ("arxiv_api", ArxivOpt, None),
    ("crossref_api", CrossrefOpt, None),
    ("strict", StrictOpt, False),
]


def with_sources(command: Callable[..., None]) -> Callable[..., None]:
    signature = inspect.signature(command, eval_str=True)
    own = [p for p in signature.parameters.values() if p.name != "sources"]
    shared = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=kind)
        for name, kind, default in SOURCE_PARAMETERS
    ]

    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> None:
        values = {name: kwargs.pop(name) for name, _, _ in SOURCE_PARAMETERS}
        command(**kwargs, sources=SourceOptions(**values))

    # typer reads a function's __signature__, which typeshed does not declare on callables
    wrapper.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own] + shared
    )
    return wrapper


FormatOpt = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        help="Output format [default: all, or what --out's extension names].",
        show_default=False,
    ),
]
OutOpt = Annotated[
    str | None,
    typer.Option(
        "--out",
        "-o",
        help="Output file (.bib/.json/.rdf), directory (ending in /), or - "
        "[default: build/ for all formats, else standard output].",
        show_default=False,
    ),
]
DialectOpt = Annotated[
    Dialect, typer.Option("--bib-dialect", help="BibTeX for bibtex/natbib or biber.")
]
ForceOpt = Annotated[bool, typer.Option(help="Allow overwriting an input file.")]
AnnotateOpt = Annotated[
    bool, typer.Option(help="bibx's status and confidence on every entry, not only doubtful ones.")
]
AbstractsOpt = Annotated[
    bool, typer.Option(help="Write abstracts into the .bib (always kept in CSL-JSON and Zotero).")
]


@app.command()
@with_sources
def export(
    inputs: InputsArg,
    fmt: FormatOpt = None,
    out: OutOpt = None,
    form: FromOpt = None,
    prefer: PreferOpt = Prefer.published,
    bib_dialect: DialectOpt = Dialect.bibtex,
    annotate: AnnotateOpt = False,
    abstracts: AbstractsOpt = False,
    force: ForceOpt = False,
    quiet: QuietOpt = False,
    *,
    sources: SourceOptions,
) -> None:
    """Read INPUTS, resolve every entry, write the bibliography."""
    options = WriteOptions(dialect=bib_dialect.value, annotate=annotate, abstracts=abstracts)

    def work() -> Run:
        chosen, paths = plan_outputs(out, fmt, inputs, force)
        run = pipeline(inputs, form, sources, prefer, quiet)
        write_outputs(run.records, chosen, paths, options, quiet)
        return run

    guarded(work, quiet)


@app.command()
def convert(
    inputs: InputsArg,
    fmt: FormatOpt = None,
    out: OutOpt = None,
    form: FromOpt = None,
    bib_dialect: DialectOpt = Dialect.bibtex,
    annotate: AnnotateOpt = False,
    abstracts: AbstractsOpt = False,
    force: ForceOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Convert INPUTS to another format as they are: no source asked, nothing resolved."""
    options = WriteOptions(dialect=bib_dialect.value, annotate=annotate, abstracts=abstracts)

    def work() -> Run:
        chosen, paths = plan_outputs(out, fmt, inputs, force)
        records, problems, warnings = read_inputs(inputs, form)
        report_reading(problems, warnings, quiet)
        write_outputs(records, chosen, paths, options, quiet)
        return Run(records, problems, [], None)

    guarded(work, quiet)


@app.command()
@with_sources
def enrich(
    bib: Annotated[Path, typer.Argument(help="The .bib file to bring up to date, in place.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Only show what would change (exit 4 if any).")
    ] = False,
    keep: Annotated[
        str, typer.Option(help="Fields never to touch, comma-separated (e.g. title,author,type).")
    ] = "",
    backup: Annotated[bool, typer.Option(help="Keep the old file as FILE.bak.")] = True,
    prefer: PreferOpt = Prefer.published,
    bib_dialect: Annotated[
        Dialect | None,
        typer.Option(
            "--bib-dialect",
            help="Field names for new fields [default: each entry's own].",
            show_default=False,
        ),
    ] = None,
    quiet: QuietOpt = False,
    *,
    sources: SourceOptions,
) -> None:
    """Bring a .bib up to date in place: fill what is missing, upgrade preprints to their
    published versions, keep everything else byte for byte."""
    from bibx.enrich import EnrichOptions, enrich_text

    options = EnrichOptions(
        keep=frozenset(k.strip().lower() for k in keep.split(",") if k.strip()),
        dialect=bib_dialect.value if bib_dialect else None,
    )

    def work() -> Run:
        try:
            data = bib.read_bytes()
        except FileNotFoundError:
            raise BibxError(f"{bib}: no such file") from None
        except IsADirectoryError:
            raise BibxError(f"{bib}: is a directory, not a file") from None
        text = decode(data, str(bib))
        if not text.strip():
            raise BibxError(f"{bib}: the file is empty")
        built, http = build(sources)
        if not built:
            raise BibxError("no metadata source: give --snapshot PATH, or allow --live")
        resolver = Resolver(built, progress=None if quiet else _progress, prefer=prefer.value)
        result = enrich_text(text, str(bib), resolver, options)
        if not result.entries:
            raise BibxError(f"{bib}: no BibTeX entry found; nothing changed")
        report_reading(result.problems, result.warnings, quiet)
        records = [e.record for e in result.entries]
        source_errors = source_failures(resolver, records, sources.strict)
        if not quiet:
            for line in result.duplicates:
                say(f"duplicate: {line}")
            for entry in result.changed:
                say(entry.describe())
        changed = result.changed
        if changed and not dry_run:
            if backup:
                write_atomic(bib.with_name(bib.name + ".bak"), data)
            newline = "\r\n" if b"\r\n" in data else "\n"
            body = result.text.replace("\n", newline).encode("utf-8")
            write_atomic(bib, (b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b"") + body)
        if not quiet:
            verb = "would change" if dry_run else "changed"
            say(
                f"{count(len(records))}: {len(changed)} {verb}, "
                f"{sum(r.status == 'resolved' for r in records) - len(changed)} already complete, "
                f"{sum(r.status != 'resolved' for r in records)} not resolved (left as they were)"
            )
            for record in records:
                if record.status != "resolved":
                    say(f"  {record.status}: {record.label()}: {record.reason}")
            if changed and not dry_run:
                say(f"wrote {bib}" + (f" (the old file is {bib.name}.bak)" if backup else ""))
        run = Run(records, result.problems, source_errors, http, sources.strict)
        if dry_run:
            raise typer.Exit(EXIT_CHANGES if changed else EXIT_OK)
        return run

    guarded(work, quiet=True)


@app.command()
@with_sources
def resolve(
    inputs: InputsArg,
    report: Annotated[
        Path | None, typer.Option(help="Also write the table to FILE (.csv or .json).")
    ] = None,
    form: FromOpt = None,
    prefer: PreferOpt = Prefer.published,
    quiet: QuietOpt = False,
    *,
    sources: SourceOptions,
) -> None:
    """Resolve INPUTS and print what was found for each entry, and why."""
    if report is not None and report.suffix.lower() not in (".csv", ".json"):
        say(f"error: {report}: the report must end in .csv or .json")
        raise typer.Exit(EXIT_ERROR)

    def work() -> Run:
        run = pipeline(inputs, form, sources, prefer, quiet)
        rows = [report_row(r) for r in run.records]
        sys.stdout.write(render_table(rows))
        if report is not None:
            write_atomic(report, render_report(rows, report.suffix.lower()))
            if not quiet:
                say(f"wrote {report} ({len(rows)} rows)")
        return run

    guarded(work, quiet)


def summary(records: list[Record]) -> None:
    if records and all(r.status == "input" for r in records):
        say(f"{count(len(records))} converted")
        return
    counts = {
        s: sum(r.status == s for r in records) for s in ("resolved", "ambiguous", "unresolved")
    }
    say(
        f"{count(len(records))}: {counts['resolved']} resolved, {counts['ambiguous']} ambiguous, "
        f"{counts['unresolved']} unresolved"
    )
    for record in records:
        if record.status not in ("resolved", "input"):
            say(f"  {record.status}: {record.label()}: {record.reason}")


def main() -> None:
    # requests-cache imports boto3, when it is installed, for a DynamoDB backend bibx never
    # uses: 110 ms of every run. Marking it absent makes requests-cache skip that backend.
    # None in sys.modules is Python's own "import fails" marker; typeshed types values as modules
    sys.modules.setdefault("boto3", None)  # type: ignore[arg-type]
    app()


if __name__ == "__main__":
    main()
