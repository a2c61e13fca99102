"""How faithful `bibx convert` is to real .bib files, against each format's own tools.

For every .bib given (default: fixtures/realbib/ and every .bib of the TeX tree):

1. printed identity: `\\nocite{*}` with BibTeX (plain, plainnat) from the original and from
   `bibx convert FILE -f bibtex` (the file's own dialect) — same .bbl text or not;
2. CSL-JSON against pandoc's .bib reader: for each entry, the CSL variables pandoc's
   `pandoc -f biblatex -t csljson` gives that bibx's CSL-JSON lacks (by name), summed per variable.

Run: `python benchmarks/eval_fidelity.py [FILE.bib ...]` (needs bibtex and pandoc).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.printed import bibtex_bbl  # noqa: E402
from tests.test_fidelity import tex_live_bibs  # noqa: E402


def bibx_convert(source: Path, out: Path, fmt: str) -> bool:
    done = subprocess.run(
        ["bibx", "convert", str(source), "-f", fmt, "-o", str(out), "--quiet", "--force"],
        capture_output=True,
    )
    return out.exists() and done.returncode in (0, 1, 3)


def pandoc_items(source: Path) -> dict[str, dict]:
    done = subprocess.run(
        ["pandoc", "-f", "biblatex", "-t", "csljson", str(source)], capture_output=True
    )
    if done.returncode != 0:
        return {}
    return {item["id"]: item for item in json.loads(done.stdout or b"[]")}


def main(files: list[Path]) -> None:
    work = Path(tempfile.mkdtemp())
    same = {"plain": 0, "plainnat": 0}
    differ: list[str] = []
    missing: Counter[str] = Counter()
    pandoc_fields: Counter[str] = Counter()
    entries = 0
    for source in files:
        converted = work / "out.bib"
        if not bibx_convert(source, converted, "bibtex"):
            differ.append(f"{source.name}: nothing written")
            continue
        for style in same:
            before, _ = bibtex_bbl(source.read_bytes(), style, work / "a")
            after, _ = bibtex_bbl(converted.read_bytes(), style, work / "b")
            if before.split() == after.split():
                same[style] += 1
            else:
                differ.append(f"{source.name} ({style})")
        csl = work / "out.json"
        if not bibx_convert(source, csl, "csl-json"):
            continue
        mine = {item["id"]: item for item in json.loads(csl.read_text(encoding="utf-8"))}
        for key, theirs in pandoc_items(source).items():
            ours = mine.get(key)
            if ours is None:
                continue
            entries += 1
            for name, value in theirs.items():
                if name in ("id", "type") or value in ("", None, []):
                    continue
                pandoc_fields[name] += 1
                if name not in ours:
                    missing[name] += 1
    print(f"{len(files)} files; printed the same with BibTeX: plain {same['plain']}, "
          f"plainnat {same['plainnat']}")  # fmt: skip
    for line in differ:
        print("  differs:", line)
    print(f"\n{entries} entries read by both pandoc and bibx; CSL variables pandoc gives:")
    print("| variable | entries pandoc gives it | of those, bibx lacks |")
    print("|---|---|---|")
    for name, count in pandoc_fields.most_common():
        print(f"| `{name}` | {count} | {missing[name]} |")


if __name__ == "__main__":
    given = [Path(a) for a in sys.argv[1:]]
    main(given or [*sorted((ROOT / "fixtures" / "realbib").glob("*.bib")), *tex_live_bibs()])
