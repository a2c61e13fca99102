"""bibx's own error types: every failure the user can cause ends up as one of these."""

from __future__ import annotations


class BibxError(Exception):
    """An error with a message fit for the user; the CLI prints it without a traceback."""


class InputError(BibxError):
    """Bad input, named by file and line (or entry) where known."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.path = path
        self.line = line
        where = path or ""
        if path and line:
            where += f":{line}"
        super().__init__(f"{where}: {message}" if where else message)


class SourceError(BibxError):
    """A metadata source could not be used (missing file, unreachable service, bad answer)."""


class Unreachable(SourceError):
    """The service cannot be reached at all (no network, refused, name does not resolve)."""


class NotCached(SourceError):
    """Offline, and the cache has no answer for this request."""


class GaveUp(SourceError):
    """Retries exhausted (or their time budget spent) on a transient failure."""
