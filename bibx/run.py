"""The work of each command, callable without the CLI: read, resolve, deduplicate, write, enrich.

Each function reports what it finds as it goes through `report(level, message)` (levels:
"error", "warning", "merged", "duplicate", "progress", "change", "info"), so the CLI can print
it at once and a library user or a test can collect it; each returns a `Run` with the records
and what went wrong, from which the exit code follows.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TextIO

from bibx.errors import BibxError, NotCached
from bibx.match import deduplicate
from bibx.model import Record
from bibx.output import write_atomic
from bibx.progress import Progress, Report, ignore
from bibx.readers import ReadResult, decode, read_path, read_text
from bibx.resolver import Resolver
from bibx.sources import SourceOptions, build
from bibx.writers import WriteOptions, writers

if TYPE_CHECKING:  # imported when a live source is built: requests-cache is slow to import
    from bibx.check import Verdict
    from bibx.enrich import EnrichOptions, EnrichResult
    from bibx.sources.http import HttpSession

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_UNRESOLVED, EXIT_CHANGES, EXIT_UNDEFINED = 0, 1, 2, 3, 4, 5
EXIT_FLAGGED = 6  # bibx check: an entry disagrees with its record or was not found
EXIT_INTERRUPTED = 130


@dataclass
class Run:
    records: list[Record]
    problems: list[str] = field(default_factory=list)  # input that could not be read
    source_errors: list[str] = field(default_factory=list)  # services that failed
    http: HttpSession | None = None
    strict: bool = False
    changed: int = 0  # enrich: entries changed (or that would be, on a dry run)
    undefined: int = 0  # cite: keys cited that the bibliography still lacks
    flagged: int = 0  # check: entries whose verdict fails the run (--fail-on)
    preamble: list[str] = field(default_factory=list)  # the .bib inputs' @preamble/@string

    @property
    def incomplete(self) -> bool:
        return any(r.status not in ("resolved", "input") for r in self.records)

    @property
    def exit_code(self) -> int:
        """0 complete; 3 some entries unresolved or ambiguous; 1 input that could not be read,
        or a service that failed and left an entry unresolved (any failure, if strict)."""
        if self.problems or (self.source_errors and (self.strict or self.incomplete)):
            return EXIT_ERROR
        if self.undefined:
            return EXIT_UNDEFINED
        if self.flagged:
            return EXIT_FLAGGED
        if self.incomplete:
            return EXIT_UNRESOLVED
        return EXIT_OK


def read_inputs(
    inputs: list[str],
    form: str | None,
    report: Report = ignore,
    stdin: BinaryIO | None = None,
    preamble: list[str] | None = None,
) -> tuple[list[Record], list[str]]:
    """Every entry of every input (`-`: standard input), and the problems found, reported as
    they are found; one bad input or entry never stops the others. A .bib's `@preamble`s and
    `@string`s are added to `preamble`."""
    records: list[Record] = []
    problems: list[str] = []
    for name in inputs:
        try:
            if name == "-":
                data = (stdin or sys.stdin.buffer).read()
                result: ReadResult = read_text(decode(data, "<stdin>"), "<stdin>", form)
            else:
                result = read_path(name, form)
        except BibxError as exc:
            result = ReadResult(problems=[str(exc)])
        for line in result.problems:
            report("error", line)
        for line in result.warnings:
            report("warning", line)
        records.extend(result.records)
        problems.extend(result.problems)
        if preamble is not None:
            preamble.extend(result.preamble)
    return records, problems


def _resolver(
    options: SourceOptions, report: Report, progress: Progress | None, prefer: str = "published"
) -> tuple[Resolver, HttpSession | None]:
    """The run's sources, and a resolver over them that tells `progress` how it goes."""
    told = progress or Progress()
    sources, http = build(options, told)
    for source in sources:  # lines of a snapshot that could not be indexed
        for line in source.problems:
            report("warning", line)
    if not sources:
        raise BibxError("no metadata source: give --snapshot PATH, or allow --live")
    return Resolver(sources, progress=told, prefer=prefer), http


def source_failures(
    resolver: Resolver, incomplete: bool, strict: bool, report: Report
) -> list[str]:
    """The services that could not be used, said once each: an error when the run is left
    `incomplete` by them (an entry unresolved or unchecked) or when strict, else a warning
    (what failed was an extra, such as the look-up of a published version)."""
    failures = [
        f"{name}: {exc}"
        for name, exc in resolver.errors.items()
        if not isinstance(exc, NotCached)  # offline and not cached: said per entry
    ]
    level = "error" if strict or incomplete else "warning"
    for line in failures:
        report(level, line)
    return failures


def _unresolved(records: list[Record]) -> bool:
    return any(r.status != "resolved" for r in records)


def resolve_inputs(
    inputs: list[str],
    form: str | None,
    options: SourceOptions,
    prefer: str = "published",
    report: Report = ignore,
    stdin: BinaryIO | None = None,
    progress: Progress | None = None,
    cluster: str | None = None,
) -> Run:
    """Read, resolve, merge duplicates (`bibx export` and `bibx resolve`); with `cluster`, on a
    Dask cluster over the local sources only (`bibx/cluster.py`)."""
    preamble: list[str] = []
    records, problems = read_inputs(inputs, form, report, stdin, preamble)
    if not records:
        raise BibxError("no entry could be read from the input; nothing written")
    if cluster:
        resolved = _on_cluster(records, options, cluster, prefer, report, progress)
        source_errors: list[str] = []
        http = None
    else:
        resolver, http = _resolver(options, report, progress, prefer)
        resolved = resolver.resolve(records)
        source_errors = source_failures(resolver, _unresolved(resolved), options.strict, report)
    final, merges = deduplicate(resolved)
    for line in merges:
        report("merged", line)
    say_unseen_versions(final, options.offline, report)
    say_retractions(final, report)
    return Run(final, problems, source_errors, http, options.strict, preamble=preamble)


def say_retractions(records: list[Record], report: Report) -> None:
    """Say, every run, each work written though it was taken back (retracted, withdrawn),
    by the key it is written under: the user decides, knowing."""
    if not any(r.retraction for r in records):
        return  # nearly always: no keys to make
    from bibx.keys import assign_keys

    for record, key in zip(records, assign_keys(records), strict=True):
        notice = record.retraction
        if notice is not None:
            what = "withdrawn" if notice.kind == "withdrawal" else "retracted"
            report("warning", f"{key}: {what} ({notice.describe()}); written all the same")


def say_unseen_versions(records: list[Record], offline: bool, report: Report) -> None:
    """Say which papers are written as their preprints though arXiv's record names a published
    version (a DOI) that was not looked up: one version per entry, and the user told why."""
    unseen = [r for r in records if r.unseen_version]
    if not unseen:
        return
    why = "offline" if offline else "no source held it"
    keys = ", ".join(f"arXiv:{r.arxiv_id} ({r.unseen_version})" for r in unseen[:5])
    more = f" and {len(unseen) - 5} more" if len(unseen) > 5 else ""
    report(
        "warning",
        f"{count(len(unseen), 'paper')} written as the preprint: arXiv names a published "
        f"version that was not looked up ({why}): {keys}{more}",
    )


def _on_cluster(
    records: list[Record],
    options: SourceOptions,
    address: str,
    prefer: str,
    report: Report,
    progress: Progress | None,
) -> list[Record]:
    from bibx.cluster import LocalSources, connect, resolve_on_cluster

    local = LocalSources(
        snapshot=str(options.snapshot) if options.snapshot else None,
        dblp_dump=str(options.dblp_dump) if options.dblp_dump else None,
        cache=str(options.cache) if options.cache else None,
    )
    local.open()  # a missing local source is said before any cluster starts
    report("info", f"resolving {count(len(records))} on {address} (local sources only)")
    client = connect(address)
    told = progress or Progress()
    try:
        return resolve_on_cluster(records, local, client, prefer=prefer, progress=told.settled)
    finally:
        client.close()
        if address.startswith("local:"):
            client.cluster.close()


def convert_inputs(
    inputs: list[str], form: str | None, report: Report = ignore, stdin: BinaryIO | None = None
) -> Run:
    """Read only (`bibx convert`): every entry as its input gave it."""
    preamble: list[str] = []
    records, problems = read_inputs(inputs, form, report, stdin, preamble)
    return Run(records, problems, preamble=preamble)


def for_run(
    options: WriteOptions,
    run: Run,
    dialect: str | None = None,
    inputs: list[str] | None = None,
    collection: str | None = None,
) -> WriteOptions:
    """The write options for what the run read: its inputs' `@preamble`s and `@string`s to
    keep; the BibTeX dialect asked for, else the .bib inputs' own (bibtex if they differ or
    there is none): a BibLaTeX file stays a BibLaTeX file; and the Zotero collection the items
    go in: `collection`, else the input's name (`hf-papers-alignment`), with one collection
    under it per input when there are several."""
    if dialect is None:
        found = {r.dialect for r in run.records if r.dialect}
        dialect = found.pop() if len(found) == 1 else "bibtex"
    inputs = inputs or []
    if collection is None and inputs:
        single = len(inputs) == 1 and inputs[0] != "-"
        collection = Path(inputs[0]).stem if single else "references"
    return replace(
        options,
        preamble=tuple(run.preamble),
        dialect=dialect,
        collection=collection or None,
        by_input=len(inputs) > 1,
    )


def write_outputs(
    records: list[Record],
    chosen: list[str],
    paths: dict[str, Path],
    options: WriteOptions,
    report: Report = ignore,
    stdout: TextIO | None = None,
) -> None:
    """Render every chosen format and write it (atomically) to its path, or to `stdout`; an
    empty run replaces nothing. A .bib of `@string`s only is written as a .bib of them."""
    if not records and not (options.preamble and "bibtex" in chosen):
        raise BibxError("no entry could be read from the input; nothing written")
    table = writers()
    if len(chosen) > 1 and options.keys is None:
        from bibx.keys import assign_keys

        options = replace(options, keys=tuple(assign_keys(records)))  # once for all formats
    for name in chosen:
        if not records and name != "bibtex":
            report("warning", f"no entry to write as {name}: the input has @string/@preamble only")
            continue
        result = table[name].write(records, options)
        for line in result.warnings:
            report("warning", line)
        if name in paths:
            write_atomic(paths[name], result.pieces)
            report("info", f"wrote {paths[name]} ({count(len(records))})")
        else:
            out = stdout or sys.stdout
            out.writelines(result.pieces)
            out.flush()


def enrich_file(
    bib: Path,
    sources: SourceOptions,
    options: EnrichOptions,
    *,
    prefer: str = "published",
    dry_run: bool = False,
    backup: bool = True,
    report: Report = ignore,
    progress: Progress | None = None,
    shared: Callable[[], tuple[Resolver, HttpSession | None]] | None = None,
) -> Run:
    """`bibx enrich`: bring `bib` up to date in place (atomically, with a backup), keeping its
    byte-order mark and line ends; on `dry_run` only report what would change. `shared` gives
    the resolver of a run over several files (made once, when first needed)."""
    from bibx.enrich import enrich_text

    try:
        data = bib.read_bytes()
    except FileNotFoundError:
        raise BibxError(f"{bib}: no such file") from None
    except IsADirectoryError:
        raise BibxError(f"{bib}: is a directory, not a file") from None
    text = decode(data, str(bib))
    if not text.strip():
        raise BibxError(f"{bib}: the file is empty")
    resolver, http = shared() if shared else _resolver(sources, report, progress, prefer)
    resolver.errors.clear()  # the services' failures are said for the file they left open
    result = enrich_text(text, str(bib), resolver, options)
    if not result.entries:
        raise BibxError(f"{bib}: no BibTeX entry found; nothing changed")
    for line in result.problems:
        report("error", line)
    for line in result.warnings:
        report("warning", line)
    records = [e.record for e in result.entries]
    say_retractions(records, report)
    source_errors = source_failures(resolver, _unresolved(records), sources.strict, report)
    for line in result.duplicates:
        report("duplicate", line)
    for entry in result.changed:
        report("change", entry.describe())
    if result.changed and not dry_run:
        if backup:
            write_atomic(bib.with_name(bib.name + ".bak"), data)
        write_atomic(bib, _like(data, result))
    report("info", _enrich_summary(bib, records, len(result.changed), dry_run, backup))
    for record in records:
        if record.status != "resolved":
            report("info", f"  {record.status}: {record.label()}: {record.reason}")
    return Run(records, result.problems, source_errors, http, sources.strict, len(result.changed))


def enrich_files(
    bibs: list[Path],
    sources: SourceOptions,
    options: EnrichOptions,
    *,
    prefer: str = "published",
    dry_run: bool = False,
    backup: bool = True,
    report: Report = ignore,
    progress: Progress | None = None,
) -> Run:
    """`bibx enrich FILE.bib...`: each file in turn, over one set of sources (a snapshot opened
    once, each service's limits and cache kept across the files), as one run."""
    made: list[tuple[Resolver, HttpSession | None]] = []

    def shared() -> tuple[Resolver, HttpSession | None]:
        if not made:
            made.append(_resolver(sources, report, progress, prefer))
        return made[0]

    runs = [
        enrich_file(bib, sources, options, prefer=prefer, dry_run=dry_run, backup=backup,
                    report=report, progress=progress, shared=shared)
        for bib in bibs
    ]  # fmt: skip
    return Run(
        [r for one in runs for r in one.records],
        [p for one in runs for p in one.problems],
        [e for one in runs for e in one.source_errors],
        made[0][1] if made else None,
        sources.strict,
        changed=sum(one.changed for one in runs),
    )


def cite_documents(
    documents: list[Path],
    sources: SourceOptions,
    *,
    to: Path | None = None,
    prefer: str = "published",
    dialect: str | None = None,
    report: Report = ignore,
    progress: Progress | None = None,
    venue: str = "long",
    abbreviations: Path | None = None,
) -> Run:
    """`bibx cite`: complete the document's bibliography with the papers it cites by
    identifier. No source is built (nor any request made) when nothing new is cited."""
    from bibx.cite import cite

    made: list[Resolver] = []
    found: list[HttpSession | None] = []

    def resolver() -> Resolver:
        resolver, http = _resolver(sources, report, progress, prefer)
        found.append(http)
        made.append(resolver)
        return made[0]

    result = cite(documents, resolver, to=to, dialect=dialect, report=report, venue=venue,
                  abbreviations=abbreviations)  # fmt: skip
    records = result.added
    source_errors = (
        source_failures(made[0], _unresolved(records), sources.strict, report) if made else []
    )
    say_retractions(records, report)
    if records:
        keys = ", ".join(r.key or "" for r in records)
        report("info", f"{result.target}: added {count(len(records))} ({keys})")
    for key, why in result.undefined:
        report("error", f"undefined citation {key}: {why}")
    if result.uncited:
        report("info", f"in {result.target.name} but cited by nothing: {', '.join(result.uncited)}")
    if not records and not result.undefined:
        report("info", f"{result.target}: every citation is defined; nothing written")
    run = Run(records, result.problems, source_errors, found[0] if found else None, sources.strict)
    run.undefined = len(result.undefined)
    return run


def check_inputs(
    inputs: list[str],
    form: str | None,
    options: SourceOptions,
    fail_on: frozenset[str] = frozenset({"retracted", "withdrawn", "disagrees", "not-found"}),
    report: Report = ignore,
    stdin: BinaryIO | None = None,
    progress: Progress | None = None,
) -> tuple[Run, list[Verdict]]:
    """`bibx check`: a verdict for every entry; nothing of the input is changed. The run is
    flagged (exit 6) when a verdict is one of `fail_on`."""
    from bibx.check import check

    records, problems = read_inputs(inputs, form, report, stdin)
    if not records:
        raise BibxError("no entry could be read from the input; nothing checked")
    resolver, http = _resolver(options, report, progress)
    verdicts = check(records, resolver)
    unchecked = any(v.verdict == "could-not-check" for v in verdicts)
    failures = source_failures(resolver, unchecked, options.strict, report)
    run = Run(records, problems, failures if options.strict else [], http, options.strict)
    run.flagged = sum(v.verdict in fail_on for v in verdicts)
    return run, verdicts


def _like(original: bytes, result: EnrichResult) -> bytes:
    """The enriched text as the original file was: its line ends, its byte-order mark."""
    newline = "\r\n" if b"\r\n" in original else "\n"
    body = result.text.replace("\n", newline).encode("utf-8")
    return (b"\xef\xbb\xbf" if original.startswith(b"\xef\xbb\xbf") else b"") + body


def _enrich_summary(
    bib: Path, records: list[Record], changed: int, dry_run: bool, backup: bool
) -> str:
    resolved = sum(r.status == "resolved" for r in records)
    verb = "would change" if dry_run else "changed"
    line = (
        f"{count(len(records))}: {changed} {verb}, {resolved - changed} already complete, "
        f"{len(records) - resolved} not resolved (left as they were)"
    )
    if changed and not dry_run:
        line += f"\nwrote {bib}" + (f" (the old file is {bib.name}.bak)" if backup else "")
    return line


def summary(records: list[Record]) -> list[str]:
    """The closing lines: counts, then each entry bibx could not settle, with why."""
    if records and all(r.status == "input" for r in records):
        return [f"{count(len(records))} converted"]
    counts = {
        s: sum(r.status == s for r in records) for s in ("resolved", "ambiguous", "unresolved")
    }
    lines = [
        f"{count(len(records))}: {counts['resolved']} resolved, {counts['ambiguous']} ambiguous, "
        f"{counts['unresolved']} unresolved"
    ]
    lines += [
        f"  {r.status}: {r.label()}: {r.reason}"
        for r in records
        if r.status not in ("resolved", "input")
    ]
    return lines


def causes(run: Run) -> list[str]:
    """What made the exit code non-zero, one line each, named by file and line where it can
    be: said again at the end, where the user looks, after the run's own report."""
    out = []
    if run.problems:
        places = [_place(line) for line in run.problems]
        shown = ", ".join(places[:5]) + (f" and {len(places) - 5} more" if len(places) > 5 else "")
        out.append(f"{count(len(places))} could not be read: {shown}")
    if run.source_errors:
        out.append(f"{count(len(run.source_errors), 'source')} failed: "
                   + "; ".join(e.split(":")[0] for e in run.source_errors))  # fmt: skip
    if run.undefined:
        out.append(f"{count(run.undefined, 'cited key')} still undefined")
    if run.flagged:
        out.append(f"{count(run.flagged)} flagged by the check (--fail-on chooses which)")
    doubtful = [r for r in run.records if r.status in ("unresolved", "ambiguous")]
    if doubtful and run.exit_code:
        out.append(f"{count(len(doubtful))} not resolved (listed above)")
    return out


def _place(problem: str) -> str:
    """`refs.bib:53` of a problem line `refs.bib:53: could not parse ...`."""
    match = re.match(r"(.+?:\d+|<stdin>|[^:]+)(?::|$)", problem)
    return match.group(1) if match else problem[:60]


def count(n: int, what: str = "entry") -> str:
    plural = "entries" if what == "entry" else f"{what}s"
    return f"{n} {what if n == 1 else plural}"
