"""The command line's front door: what can be answered before the program is loaded.

latexmk runs `bibx cite` on every pass, and nearly always nothing new is cited. Loading the
whole program (typer, the readers, the matcher) takes four times Python's own start, so this
module answers two questions with the standard library and bibx's two light modules (ids,
documents): `bibx --version`, and `bibx cite` when every key the documents cite is already
an entry of the target file (or is no identifier, so nothing could be added). Anything else,
including any option it does not know, goes to the full command line (`bibx.cli`), which
says the same things the same way: `tests/test_cite.py` runs both on the same documents.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

# cite's options that cannot make anything new to add: (takes a value, allowed values or None)
_CITE_OPTIONS: dict[str, tuple[bool, frozenset[str] | None]] = {
    "--to": (True, None),
    "--quiet": (False, None),
    "-q": (False, None),
    "--offline": (False, None),
    "--prefer": (True, frozenset({"published", "preprint"})),
    "--bib-dialect": (True, frozenset({"bibtex", "biblatex"})),
    "--snapshot": (True, None),
    "--cache": (True, None),
    "--mailto": (True, None),
    "--venue": (True, frozenset({"long", "short"})),
    "--abbreviations": (True, None),
}
# An entry's start as BibTeX reads it: @type{key, or @type(key, (not @string, @preamble, @comment)
_ENTRY = re.compile(r"@\s*([A-Za-z][\w-]*)\s*[{(]\s*([^,\s{}()\"#%'=]*)\s*,")
_NOT_ENTRIES = frozenset({"string", "preamble", "comment"})
EXIT_UNDEFINED = 5  # bibx.run's


def main() -> None:
    args = sys.argv[1:]
    if args == ["--version"]:
        from bibx import __version__

        print(f"bibx {__version__}")
        return
    if args[:1] == ["cite"]:
        code = nothing_new(args[1:])
        if code is not None:
            sys.exit(code)
    from bibx.cli import main as full

    full()


def _options(args: list[str]) -> tuple[list[str], dict[str, str | bool]] | None:
    """The documents and the options given, or None for anything this module does not know."""
    documents: list[str] = []
    given: dict[str, str | bool] = {}
    rest = iter(args)
    for arg in rest:
        if not arg.startswith("-") or arg == "-":
            documents.append(arg)
            continue
        name, eq, value = arg.partition("=")
        known = _CITE_OPTIONS.get(name)
        if known is None or (eq and not known[0]):
            return None
        takes, allowed = known
        if takes and not eq:
            value = next(rest, "")
            if not value:
                return None
        if allowed is not None and value not in allowed:
            return None
        given[name] = value if takes else True
    return (documents, given) if documents else None


def entry_keys(text: str) -> list[str]:
    """The keys of a .bib file's entries, in order, as BibTeX finds them."""
    return [m.group(2) for m in _ENTRY.finditer(text) if m.group(1).lower() not in _NOT_ENTRIES]


def nothing_new(args: list[str]) -> int | None:
    """`bibx cite ARGS` when nothing new is cited: its report and exit code; None when the
    full command must run (something to look up, an option or a file this cannot judge)."""
    parsed = _options(args)
    if parsed is None:
        return None
    documents, given = parsed
    from bibx.config import load
    from bibx.documents import ALL, Citations, read_document
    from bibx.errors import BibxError
    from bibx.ids import KEY_OK, identify, other_ids

    try:  # a config file the full command would refuse: let it say so
        load()
    except BibxError:
        return None

    citations = Citations()
    try:
        for document in documents:
            found = read_document(Path(document))
            for key in found.keys:
                citations.add(key)
            citations.bibliographies += found.bibliographies
    except (BibxError, OSError):
        return None
    target = (
        Path(str(given["--to"]))
        if "--to" in given
        else next(
            (p for p in citations.bibliographies if p.suffix.lower() in (".bib", ".json")), None
        )
    )
    if target is None or target.suffix.lower() not in (".bib", ".json"):
        return None
    try:
        text = target.read_text(encoding="utf-8")
        if target.suffix.lower() == ".bib":
            existing = entry_keys(text)
        else:
            items = json.loads(text)
            items = items if isinstance(items, list) else [items]
            existing = [str(i["id"]) for i in items if isinstance(i, dict) and i.get("id")]
    except (OSError, UnicodeDecodeError, ValueError):
        return None
    have = set(existing)
    cited = [k for k in citations.keys if k != ALL]
    missing = [k for k in cited if k not in have]
    if any(KEY_OK.match(k) and (identify(k) or other_ids(k)) for k in missing):
        return None  # something to look up
    quiet = bool(given.get("--quiet") or given.get("-q"))
    for key in missing:
        if identify(key):
            why = "an identifier, but not a key BibTeX can hold"
        else:
            import difflib

            near = difflib.get_close_matches(key, existing, n=3, cutoff=0.6)
            why = f"not in {target.name}" + (f" (nearest: {', '.join(near)})" if near else "")
        print(f"error: undefined citation {key}: {why}", file=sys.stderr)
    if not quiet:
        if ALL not in citations.keys:
            uncited = [k for k in existing if k not in set(cited)]
            if uncited:
                print(f"in {target.name} but cited by nothing: {', '.join(uncited)}",
                      file=sys.stderr)  # fmt: skip
        if not missing:
            print(f"{target}: every citation is defined; nothing written", file=sys.stderr)
    return EXIT_UNDEFINED if missing else 0


if __name__ == "__main__":
    main()
