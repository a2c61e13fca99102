"""The `bibx` command: options, and printing. The work is `bibx/run.py`'s.

Exit codes (docs/guide.md): 0 every entry resolved; 3 some entries unresolved or ambiguous (all
still written); 1 an error (an input or an entry could not be read, or a service failed and left
an entry unresolved; any service failure with --strict); 2 bad usage; 4 `enrich --dry-run` would
change something; 5 `cite`: a key still undefined; 6 `check`: a verdict named by --fail-on;
130 interrupted.
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from bibx import __version__
from bibx.check import VERDICTS
from bibx.errors import BibxError
from bibx.output import check_writable, write_atomic
from bibx.progress import Console, Progress
from bibx.readers import forms
from bibx.report import (
    check_summary,
    render_check,
    render_check_report,
    render_report,
    render_table,
    report_row,
)
from bibx.run import (
    EXIT_CHANGES,
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_UNRESOLVED,
    EXIT_USAGE,
    Run,
    causes,
    check_inputs,
    cite_documents,
    convert_inputs,
    count,
    enrich_files,
    for_run,
    resolve_inputs,
    summary,
    write_outputs,
)
from bibx.sources import DEADLINE, SourceOptions
from bibx.writers import WriteOptions, form_of_path, writers

__all__ = ["EXIT_CHANGES", "EXIT_ERROR", "EXIT_OK", "EXIT_UNRESOLVED", "EXIT_USAGE", "app"]


class UsageError(BibxError):
    """A combination of options that cannot work: exit 2, as typer does for its own."""


def _plain_argument_help() -> None:
    """Arguments in help as plain metavars (`INPUT...`, `FILE.bib`): this typer writes them
    `{INPUT}...` and `INPUT <list[str]>`, Python's types, which say nothing to a user."""
    from typer import core

    argument = getattr(core, "TyperArgument", None)
    if argument is None or not hasattr(argument, "_usage_display_name"):
        return  # another typer: its own way, whatever it is

    def usage(self: Any) -> str:
        name = self.metavar or self.name.upper()
        return name if self.nargs == 1 or name.endswith("...") else f"{name}..."

    argument._usage_display_name = usage
    argument._rich_display_name = usage
    argument.display_type_rich = lambda self, ctx: None


_plain_argument_help()

app = typer.Typer(
    rich_markup_mode=None,  # plain help, readable at 80 columns and in a pipe
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
    if _console is not None:
        _console.clear()
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


PREFIXES = {"error": "error: ", "warning": "warning: ", "merged": "merged: ",
            "duplicate": "duplicate: "}  # fmt: skip


class Printer:
    """What the run reports, on stderr as it comes: errors always, the rest unless quiet; and,
    unless quiet, its progress (a status line on a terminal, a line now and then otherwise)."""

    def __init__(self, quiet: bool) -> None:
        global _console
        self.quiet = quiet
        self.progress: Progress = Progress() if quiet else Console(sys.stderr)
        _console = self.progress

    def __call__(self, level: str, message: str) -> None:
        if self.quiet and level != "error":
            return
        say(f"{PREFIXES.get(level, '')}{message}")


_console: Progress | None = None  # the command's progress display, cleared before each line


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
        check_writable(path)  # before any entry is resolved: found now, not after the work
    return chosen, paths


InputsArg = Annotated[
    list[str], typer.Argument(metavar="INPUT", help="Input files (or - for stdin).")
]
FromOpt = Annotated[
    str | None,
    typer.Option(
        "--from", metavar="FORM", help=f"Input form, instead of detecting it: {', '.join(forms())}."
    ),
]
SnapshotOpt = Annotated[
    Path | None,
    typer.Option(
        envvar="BIBX_SNAPSHOT",
        metavar="FILE",
        help="arXiv metadata snapshot (JSON lines, .gz or not).",
    ),
]
OfflineOpt = Annotated[
    bool,
    typer.Option(
        "--offline",
        envvar="BIBX_OFFLINE",
        help="Never touch the network: snapshot and HTTP cache only.",
    ),
]
LiveOpt = Annotated[
    bool, typer.Option(help="Ask the live arXiv and Crossref APIs (--no-live: never).")
]
MailtoOpt = Annotated[
    str | None,
    typer.Option(
        envvar="BIBX_MAILTO", metavar="EMAIL", help="Your e-mail, for Crossref's polite pool."
    ),
]
CacheOpt = Annotated[
    Path | None,
    typer.Option(envvar="BIBX_CACHE", metavar="DIR", help="Cache directory [default: XDG cache]."),
]
UseCacheOpt = Annotated[
    bool, typer.Option("--cache-responses/--no-cache", help="Cache HTTP answers.")
]
ArxivOpt = Annotated[
    str | None,
    typer.Option(
        metavar="URL", help="arXiv API endpoint [default: $BIBX_ARXIV_API, else arXiv's]."
    ),
]
CrossrefOpt = Annotated[
    str | None,
    typer.Option(
        metavar="URL", help="Crossref API endpoint [default: $BIBX_CROSSREF_API, else Crossref's]."
    ),
]
DblpOpt = Annotated[
    bool,
    typer.Option(help="Ask dblp for the venues of papers that have no DOI (--no-dblp: never)."),
]
DblpApiOpt = Annotated[
    str | None,
    typer.Option(
        metavar="URL", help="dblp search endpoint [default: $BIBX_DBLP_API, else dblp's]."
    ),
]
DblpDumpOpt = Annotated[
    Path | None,
    typer.Option(
        envvar="BIBX_DBLP_DUMP",
        metavar="FILE",
        help="dblp's dblp.xml(.gz) dump: venues offline, instead of dblp's API.",
    ),
]
NcbiKeyOpt = Annotated[
    str | None,
    typer.Option(
        envvar="NCBI_API_KEY",
        metavar="KEY",
        help="Your NCBI API key: PubMed then allows 10 requests a second, not 3.",
        show_envvar=False,
    ),
]
StrictOpt = Annotated[
    bool,
    typer.Option(
        "--strict", help="Exit 1 when a service could not be used, even if every entry resolved."
    ),
]
DeadlineOpt = Annotated[
    float,
    typer.Option(
        envvar="BIBX_DEADLINE",
        metavar="SECONDS",
        help="Most time each service may take in one run, from its first request; past it, "
        "what is left stays unresolved and a rerun goes on from the cache.",
    ),
]
PreferOpt = Annotated[
    Prefer, typer.Option(help="Write the published version, or keep the preprint.")
]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="Only errors on stderr.")]


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
        for line in summary(run.records):
            say(line)
    if run.http is not None and not quiet:
        for line in dict.fromkeys(run.http.warnings):
            say(f"warning: {line}")
        say(f"{count(run.http.requests_sent, 'request')} sent")
    if run.exit_code:
        if not quiet:
            for line in causes(run):
                say(f"exit {run.exit_code}: {line}")
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
    ("dblp", DblpOpt, True),
    ("dblp_api", DblpApiOpt, None),
    ("dblp_dump", DblpDumpOpt, None),
    ("strict", StrictOpt, False),
    ("deadline", DeadlineOpt, DEADLINE),
    ("ncbi_key", NcbiKeyOpt, None),
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
        metavar="FILE|DIR/|-",
        help="Output file (.bib/.json/.rdf), directory (ending in /), or - "
        "[default: build/ for all formats, else standard output].",
        show_default=False,
    ),
]
DialectOpt = Annotated[
    Dialect, typer.Option("--bib-dialect", help="BibTeX for bibtex/natbib or biber.")
]
InputDialectOpt = Annotated[
    Dialect | None,
    typer.Option(
        "--bib-dialect",
        help="BibTeX for bibtex/natbib or biber (default: a .bib input's own, else bibtex).",
        show_default=False,
    ),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Allow overwriting an input file.")]


class Venue(StrEnum):
    long = "long"
    short = "short"


VenueOpt = Annotated[
    Venue,
    typer.Option(
        help="BibTeX's journal and booktitle as the venues' full names, or their short forms "
        "(NeurIPS, J. Mach. Learn. Res.) where known; every format also gets the short form "
        "in its own field.",
    ),
]
AbbreviationsOpt = Annotated[
    Path | None,
    typer.Option(
        metavar="FILE",
        help='Your journal abbreviations (JabRef\'s CSV: "full name","abbreviation"); '
        "they win over every other short form.",
    ),
]
CollectionOpt = Annotated[
    str | None,
    typer.Option(
        "--collection",
        metavar="NAME",
        help="Zotero RDF: the collection to import into (default: the input's name).",
    ),
]
AnnotateOpt = Annotated[
    bool,
    typer.Option(
        "--annotate", help="bibx's status and confidence on every entry, not only doubtful ones."
    ),
]
AbstractsOpt = Annotated[
    bool,
    typer.Option(
        "--abstracts", help="Write abstracts into the .bib (always kept in CSL-JSON and Zotero)."
    ),
]


@app.command(short_help="Read INPUTS, resolve every entry, write the bibliography.")
@with_sources
def export(
    inputs: InputsArg,
    fmt: FormatOpt = None,
    out: OutOpt = None,
    form: FromOpt = None,
    prefer: PreferOpt = Prefer.published,
    bib_dialect: InputDialectOpt = None,
    annotate: AnnotateOpt = False,
    abstracts: AbstractsOpt = False,
    force: ForceOpt = False,
    quiet: QuietOpt = False,
    collection: CollectionOpt = None,
    venue: VenueOpt = Venue.long,
    abbreviations: AbbreviationsOpt = None,
    cluster: Annotated[
        str | None,
        typer.Option(
            metavar="ADDRESS",
            help="Resolve on a Dask cluster (tcp://host:8786, or local:N for N local worker "
            "processes), over --snapshot and --dblp-dump only; needs bibx[cluster].",
        ),
    ] = None,
    *,
    sources: SourceOptions,
) -> None:
    """Read INPUTS, resolve every entry, write the bibliography."""
    dialect = bib_dialect.value if bib_dialect else None
    options = WriteOptions(annotate=annotate, abstracts=abstracts, venue=venue.value)

    def work() -> Run:
        from bibx.abbreviations import Abbreviations

        chosen, paths = plan_outputs(out, fmt, inputs, force)
        shortened = Abbreviations.load(abbreviations)  # a bad list: said before any work
        tell = Printer(quiet)
        run = resolve_inputs(
            inputs, form, sources, prefer.value, tell, progress=tell.progress, cluster=cluster
        )
        shortened.apply(run.records)
        write_options = for_run(options, run, dialect, inputs, collection)
        write_outputs(run.records, chosen, paths, write_options, tell)
        return run

    guarded(work, quiet)


@app.command(short_help="Convert INPUTS to another format, asking no source.")
def convert(
    inputs: InputsArg,
    fmt: FormatOpt = None,
    out: OutOpt = None,
    form: FromOpt = None,
    bib_dialect: InputDialectOpt = None,
    annotate: AnnotateOpt = False,
    abstracts: AbstractsOpt = False,
    force: ForceOpt = False,
    quiet: QuietOpt = False,
    collection: CollectionOpt = None,
) -> None:
    """Convert INPUTS to another format as they are: no source asked, nothing resolved."""
    dialect = bib_dialect.value if bib_dialect else None
    options = WriteOptions(annotate=annotate, abstracts=abstracts)

    def work() -> Run:
        chosen, paths = plan_outputs(out, fmt, inputs, force)
        report = Printer(quiet)
        run = convert_inputs(inputs, form, report)
        write_options = for_run(options, run, dialect, inputs, collection)
        write_outputs(run.records, chosen, paths, write_options, report)
        return run

    guarded(work, quiet)


@app.command(short_help="Bring a .bib up to date in place.")
@with_sources
def enrich(
    bibs: Annotated[
        list[Path],
        typer.Argument(
            metavar="FILE.bib",
            help="The .bib files to bring up to date, in place, one after the other.",
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Only show what would change (exit 4 if any).")
    ] = False,
    keep: Annotated[
        str,
        typer.Option(
            metavar="FIELDS",
            help="Fields never to touch, comma-separated (e.g. title,author,type).",
        ),
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
    venue: VenueOpt = Venue.long,
    quiet: QuietOpt = False,
    *,
    sources: SourceOptions,
) -> None:
    """Bring a .bib up to date in place: fill what is missing, upgrade preprints to their
    published versions, keep everything else byte for byte."""
    from bibx.enrich import EnrichOptions

    options = EnrichOptions(
        keep=frozenset(k.strip().lower() for k in keep.split(",") if k.strip()),
        dialect=bib_dialect.value if bib_dialect else None,
        venue=venue.value,
    )

    def work() -> Run:
        report = Printer(quiet)
        run = enrich_files(
            bibs,
            sources,
            options,
            prefer=prefer.value,
            dry_run=dry_run,
            backup=backup,
            report=report,
            progress=report.progress,
        )
        if dry_run:
            raise typer.Exit(EXIT_CHANGES if run.changed else EXIT_OK)
        return run

    guarded(work, quiet=True)


@app.command(short_help="Add the works a document cites by identifier to its .bib.")
@with_sources
def cite(
    documents: Annotated[
        list[Path],
        typer.Argument(
            metavar="DOCUMENT", help="LaTeX .aux or .bcf files, or pandoc Markdown documents."
        ),
    ],
    to: Annotated[
        Path | None,
        typer.Option(
            "--to",
            metavar="FILE",
            help="The .bib or CSL-JSON file to complete [default: the one the document names].",
        ),
    ] = None,
    prefer: PreferOpt = Prefer.published,
    bib_dialect: InputDialectOpt = None,
    quiet: QuietOpt = False,
    venue: VenueOpt = Venue.long,
    abbreviations: AbbreviationsOpt = None,
    *,
    sources: SourceOptions,
) -> None:
    """Add the papers DOCUMENTS cite by identifier (\\cite{arXiv:2305.18290},
    [@doi:10.1145/...]) to their bibliography, under exactly the cited key."""

    def work() -> Run:
        report = Printer(quiet)
        return cite_documents(
            documents,
            sources,
            to=to,
            prefer=prefer.value,
            dialect=bib_dialect.value if bib_dialect else None,
            report=report,
            progress=report.progress,
            venue=venue.value,
            abbreviations=abbreviations,
        )

    guarded(work, quiet=True)


@app.command(short_help="Say what was found for each entry of INPUTS, and why.")
@with_sources
def resolve(
    inputs: InputsArg,
    report: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="Also write the table to FILE (.csv or .json)."),
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
        tell = Printer(quiet)
        run = resolve_inputs(inputs, form, sources, prefer.value, tell, progress=tell.progress)
        rows = [report_row(r) for r in run.records]
        sys.stdout.write(render_table(rows))
        if report is not None:
            write_atomic(report, render_report(rows, report.suffix.lower()))
            if not quiet:
                say(f"wrote {report} ({len(rows)} rows)")
        return run

    guarded(work, quiet)


VERDICT_NAMES = tuple(v for v in VERDICTS if v != "verified")  # what --fail-on may name


@app.command(short_help="Check that every reference is real and right.")
@with_sources
def check(
    inputs: InputsArg,
    report: Annotated[
        Path | None,
        typer.Option(metavar="FILE", help="Also write the verdicts to FILE (.json or .csv)."),
    ] = None,
    fail_on: Annotated[
        str,
        typer.Option(
            metavar="VERDICTS",
            help="Exit 6 when an entry gets one of these verdicts, comma-separated: "
            f"{', '.join(VERDICT_NAMES)}; 'none' never fails.",
        ),
    ] = "retracted,withdrawn,disagrees,not-found",
    form: FromOpt = None,
    quiet: QuietOpt = False,
    *,
    sources: SourceOptions,
) -> None:
    """Check every reference of INPUTS: is it a real work, and does the entry agree with its
    record (title, authors, year, venue, DOI, arXiv id)? Nothing is changed."""
    failing = frozenset(v.strip() for v in fail_on.split(",") if v.strip()) - {"none"}
    unknown = failing - set(VERDICT_NAMES)
    if unknown:
        say(f"error: --fail-on: unknown verdict {', '.join(sorted(unknown))} "
            f"(choose from {', '.join(VERDICT_NAMES)}, or none)")  # fmt: skip
        raise typer.Exit(EXIT_USAGE)
    if report is not None and report.suffix.lower() not in (".csv", ".json"):
        say(f"error: {report}: the report must end in .csv or .json")
        raise typer.Exit(EXIT_USAGE)

    def work() -> Run:
        tell = Printer(quiet)
        run, verdicts = check_inputs(inputs, form, sources, failing, tell, progress=tell.progress)
        sys.stdout.write(render_check(verdicts))
        if report is not None:
            write_atomic(report, render_check_report(verdicts, report.suffix.lower()))
            if not quiet:
                say(f"wrote {report} ({count(len(verdicts))})")
        if not quiet:
            say(check_summary(verdicts))
            if run.http is not None:
                say(f"{count(run.http.requests_sent, 'request')} sent")
        return run

    guarded(work, quiet=True)


index_app = typer.Typer(
    rich_markup_mode=None, no_args_is_help=True, help="Build a local source's index ahead."
)
app.add_typer(index_app, name="index")


@index_app.command("snapshot")
def index_snapshot(
    path: Annotated[Path, typer.Argument(metavar="FILE", help="arXiv's metadata snapshot.")],
    cache: CacheOpt = None,
) -> None:
    """Index arXiv's metadata snapshot once (minutes for the whole file), for every later run."""
    from bibx.sources.snapshot import Snapshot

    _index(lambda progress: Snapshot(path, cache=cache, progress=progress), path)


@index_app.command("dblp")
def index_dblp(
    path: Annotated[Path, typer.Argument(metavar="FILE", help="dblp's dblp.xml(.gz) dump.")],
    cache: CacheOpt = None,
) -> None:
    """Index dblp's XML dump once (about 11 minutes for the whole dump), for every later run."""
    from bibx.sources.dblp_dump import DblpDump

    _index(lambda progress: DblpDump(path, cache=cache, progress=progress), path)


def _index(make: Callable[[Callable[[int], None]], Any], path: Path) -> None:
    """Build (or find) an index, saying how far it is and where it went."""
    import time

    start = time.perf_counter()

    def progress(count: int) -> None:
        rate = count / max(time.perf_counter() - start, 1e-9)
        say(f"{path}: {count:,} records read ({rate:,.0f}/s)")

    try:
        source = make(progress)
    except BibxError as exc:
        say(f"error: {exc}")
        raise typer.Exit(EXIT_ERROR) from None
    except KeyboardInterrupt:
        say("interrupted: no index written (the old one, if any, is kept)")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    for line in source.problems:
        say(f"warning: {line}")
    size = source.index.stat().st_size / 2**20
    how = f"built in {time.perf_counter() - start:.1f} s" if source.built else "already built"
    say(f"{path}: index {how}: {source.index} ({size:.1f} MiB); later runs use it at once")


def main() -> None:
    # requests-cache imports boto3, when it is installed, for a DynamoDB backend bibx never
    # uses: 110 ms of every run. Marking it absent makes requests-cache skip that backend.
    # None in sys.modules is Python's own "import fails" marker; typeshed types values as modules
    sys.modules.setdefault("boto3", None)  # type: ignore[arg-type]
    from bibx.config import ConfigError, load

    try:  # bibx.toml or [tool.bibx]: below the options and the environment (bibx/config.py)
        config = load()
    except ConfigError as exc:
        say(f"error: {exc}")
        raise SystemExit(EXIT_USAGE) from None
    os.environ.update(config.environment())
    defaults = config.default_map()
    names = [c.name or (c.callback.__name__ if c.callback else "") for c in app.registered_commands]
    app(default_map={n.replace("_", "-"): defaults for n in names} if defaults else None)


if __name__ == "__main__":
    main()
