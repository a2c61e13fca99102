"""Write files atomically: a temporary file beside the target, then a rename.

The user's old file is either left whole or replaced whole, never half-written. A symbolic link
is followed, so its target is replaced (beside the target) and the link stays a link; a device,
FIFO or other special file (`/dev/null`, `/dev/stdout`) is written to, never replaced.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def write_atomic(path: str | Path, text: str | bytes, *, newline: str = "\n") -> None:
    """Replace `path` with `text` (or exactly these bytes), or leave it as it was."""
    data = text if isinstance(text, bytes) else text.replace("\n", newline).encode("utf-8")
    path = Path(os.path.realpath(path))  # a link's target, so the link itself survives
    try:
        info = path.stat()
    except FileNotFoundError:
        info = None
    if info is not None and not stat.S_ISREG(info.st_mode):
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(21, "is a directory", str(path))
        with open(path, "wb") as handle:
            handle.write(data)  # a device or pipe: there is nothing to replace
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    if info is not None:
        mode = info.st_mode & 0o777  # keep the mode of the file being replaced
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
