"""Write files atomically: a temporary file beside the target, then a rename.

The user's old file is either left whole or replaced whole, never half-written. A symbolic link
is followed, so its target is replaced (beside the target) and the link stays a link; a device,
FIFO or other special file (`/dev/null`, `/dev/stdout`) is written to, never replaced.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

CHUNK = 1 << 20  # characters encoded at a time: a large output is never copied whole


def _pieces(text: str | bytes | list[str], newline: str) -> Iterator[bytes]:
    """The bytes to write, in pieces of about `CHUNK` characters: never the whole text encoded
    at once, nor a list of pieces joined."""
    if isinstance(text, bytes):
        yield text
        return
    pieces: Iterable[str] = text
    if isinstance(text, str):
        pieces = (text[start : start + CHUNK] for start in range(0, len(text), CHUNK))

    def encoded(batch: list[str]) -> bytes:
        joined = "".join(batch)
        return (joined.replace("\n", newline) if newline != "\n" else joined).encode("utf-8")

    batch: list[str] = []
    size = 0
    for piece in pieces:
        batch.append(piece)
        size += len(piece)
        if size >= CHUNK:
            yield encoded(batch)
            batch, size = [], 0
    if batch:
        yield encoded(batch)


def write_atomic(path: str | Path, text: str | bytes | list[str], *, newline: str = "\n") -> None:
    """Replace `path` with `text` (or exactly these bytes, or these pieces of text in order),
    or leave it as it was."""
    path = Path(os.path.realpath(path))  # a link's target, so the link itself survives
    try:
        info = path.stat()
    except FileNotFoundError:
        info = None
    if info is not None and not stat.S_ISREG(info.st_mode):
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(21, "is a directory", str(path))
        with open(path, "wb") as handle:
            for piece in _pieces(text, newline):  # a device or pipe: nothing to replace
                handle.write(piece)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    if info is not None:
        mode = info.st_mode & 0o777  # keep the mode of the file being replaced
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except PermissionError as exc:  # said of the user's file, not of a temporary name
        raise PermissionError(exc.errno, "permission denied", str(path)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            for piece in _pieces(text, newline):
                handle.write(piece)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def check_writable(path: str | Path) -> None:
    """Fail now, in the user's words, if `path` cannot be written: before any work is done
    for it. The nearest existing folder must let a file be made in it (the temporary file the
    write goes through), and an existing file must not be a folder."""
    target = Path(os.path.realpath(path))
    if target.is_dir():
        raise IsADirectoryError(21, "is a directory", str(path))
    folder = target.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise NotADirectoryError(20, f"cannot write here ({folder} is a file)", str(path))
    if not os.access(folder, os.W_OK | os.X_OK):
        raise PermissionError(13, f"cannot write here ({folder} is not writable)", str(path))
