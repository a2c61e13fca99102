"""Settings a user would otherwise repeat on every command: `bibx.toml`, or `[tool.bibx]` in
`pyproject.toml`, the nearest one from the working directory up (or the file `BIBX_CONFIG`
names).

Precedence, for every setting: a command-line option, then the environment, then the config
file, then bibx's default. The file's values become click's `default_map` (which click reads
only when neither the option nor its environment variable was given), and a setting whose
environment variable is set is left out of it, so that the environment wins also where the
variable is read past the command line (the services' endpoints). An unknown setting or a bad
value is one error line naming the file and the line.

Standard library only: the command line's front door (`bibx.quick`) reads it too.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from bibx.errors import BibxError

FILE = "bibx.toml"
TABLE = ("tool", "bibx")  # in pyproject.toml


@dataclass(frozen=True)
class Setting:
    param: str | None  # the commands' parameter it sets, if any (else only `env`)
    kind: str  # "str", "bool", "path", "number"
    env: str | None = None  # the environment variable that wins over the file
    choices: tuple[str, ...] = ()


SETTINGS: dict[str, Setting] = {
    "mailto": Setting("mailto", "str", "BIBX_MAILTO"),
    "offline": Setting("offline", "bool", "BIBX_OFFLINE"),
    "live": Setting("live", "bool"),
    "dblp": Setting("dblp", "bool"),
    "strict": Setting("strict", "bool"),
    "cache": Setting("cache", "path", "BIBX_CACHE"),
    "cache-responses": Setting("use_cache", "bool"),
    "snapshot": Setting("snapshot", "path", "BIBX_SNAPSHOT"),
    "dblp-dump": Setting("dblp_dump", "path", "BIBX_DBLP_DUMP"),
    "deadline": Setting("deadline", "number", "BIBX_DEADLINE"),
    "prefer": Setting("prefer", "str", None, ("published", "preprint")),
    "bib-dialect": Setting("bib_dialect", "str", None, ("bibtex", "biblatex")),
    "venue": Setting("venue", "str", None, ("long", "short")),
    "abbreviations": Setting("abbreviations", "path"),
    "arxiv-api": Setting("arxiv_api", "str", "BIBX_ARXIV_API"),
    "crossref-api": Setting("crossref_api", "str", "BIBX_CROSSREF_API"),
    "dblp-api": Setting("dblp_api", "str", "BIBX_DBLP_API"),
    "datacite-api": Setting(None, "str", "BIBX_DATACITE_API"),
    "doi-api": Setting(None, "str", "BIBX_DOI_API"),
    "openlibrary-api": Setting(None, "str", "BIBX_OPENLIBRARY_API"),
    "pubmed-api": Setting(None, "str", "BIBX_PUBMED_API"),
}


class ConfigError(BibxError):
    """A config file bibx cannot use: one line, naming the file and the line."""


@dataclass
class Config:
    path: Path | None = None
    values: dict[str, object] = field(default_factory=dict)  # setting -> value, checked

    def default_map(self, environ: dict[str, str] | None = None) -> dict[str, object]:
        """The values of parameters for click: those whose environment variable is unset."""
        env = os.environ if environ is None else environ
        out: dict[str, object] = {}
        for name, value in self.values.items():
            setting = SETTINGS[name]
            if setting.param and not (setting.env and env.get(setting.env)):
                out[setting.param] = value
        return out

    def environment(self, environ: dict[str, str] | None = None) -> dict[str, str]:
        """The variables the file sets that the environment does not (the other services'
        endpoints, which no option names)."""
        env = os.environ if environ is None else environ
        return {
            s.env: str(self.values[n])
            for n, s in SETTINGS.items()
            if n in self.values and s.param is None and s.env and not env.get(s.env)
        }


def find(start: Path, environ: dict[str, str] | None = None) -> tuple[Path, bool] | None:
    """The config file that applies from `start`: (path, whether it is a pyproject.toml)."""
    env = os.environ if environ is None else environ
    if env.get("BIBX_CONFIG"):
        path = Path(env["BIBX_CONFIG"])
        return path, path.name == "pyproject.toml"
    for folder in (start, *start.parents):
        if (folder / FILE).is_file():
            return folder / FILE, False
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _has_table(pyproject):
            return pyproject, True
    return None


def _has_table(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return bool(re.search(r"^\s*\[\s*tool\s*\.\s*bibx\s*\]", text, re.MULTILINE))


def load(start: Path | None = None, environ: dict[str, str] | None = None) -> Config:
    """The settings of the config file that applies (none: an empty Config)."""
    found = find(start or Path.cwd(), environ)
    if found is None:
        return Config()
    path, pyproject = found
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such config file (BIBX_CONFIG)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"line (\d+)", str(exc))
        raise ConfigError(f"{path}:{at.group(1) if at else 1}: not valid TOML: {exc}") from None
    if pyproject:
        for part in TABLE:
            data = data.get(part, {}) if isinstance(data, dict) else {}
    lines = text.splitlines()
    values: dict[str, object] = {}
    for name, value in data.items():
        line = _line_of(lines, name, pyproject)
        where = f"{path}:{line}"
        setting = SETTINGS.get(name)
        if setting is None:
            known = ", ".join(sorted(SETTINGS))
            raise ConfigError(f"{where}: unknown setting {name!r} (known: {known})")
        values[name] = _checked(where, name, setting, value, path.parent)
    return Config(path, values)


def _checked(where: str, name: str, setting: Setting, value: object, base: Path) -> object:
    kind = setting.kind
    if kind == "bool":
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: {name} = {value!r}: must be true or false")
        return value
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ConfigError(f"{where}: {name} = {value!r}: must be a number of seconds above 0")
        return float(value)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where}: {name} = {value!r}: must be a non-empty string")
    if setting.choices and value not in setting.choices:
        raise ConfigError(
            f"{where}: {name} = {value!r}: must be one of {', '.join(setting.choices)}"
        )
    if kind == "path":  # relative to the file that names it, as a user reads it
        return str((base / Path(value).expanduser()).resolve())
    return value


def _line_of(lines: list[str], name: str, pyproject: bool) -> int:
    """The line of `name = …` in the file's bibx table (1 if it cannot be told)."""
    inside = not pyproject
    key = re.compile(rf"""^\s*(["']?){re.escape(name)}\1\s*=""")
    for number, line in enumerate(lines, start=1):
        header = re.match(r"^\s*\[([^\]]*)\]", line)
        if header:
            inside = header.group(1).replace(" ", "") == ".".join(TABLE) if pyproject else False
            continue
        if inside and key.match(line):
            return number
    return 1
