"""Where bibx keeps its caches: `BIBX_CACHE`, else the user's XDG cache dir."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_cache_dir


def cache_dir(override: str | Path | None = None) -> Path:
    path = Path(override or os.environ.get("BIBX_CACHE") or user_cache_dir("bibx"))
    path.mkdir(parents=True, exist_ok=True)
    return path
