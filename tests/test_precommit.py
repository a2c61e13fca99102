"""The pre-commit hooks of `.pre-commit-hooks.yaml`, run by pre-commit itself on a throw-away
git repository. The hooks' own definitions (entry, files, serial) are copied into a `local`
repository of `language: system`, so the installed bibx runs them and no package is fetched;
they work offline from the bundled snapshot."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
import yaml

from tests.conftest import ROOT, SNAPSHOT

DEAL = (
    "@article{huang2024deal,\n"
    "  title={DeAL: Decoding-time Alignment for Large Language Models},\n"
    "  author={Huang, James Y and Sengupta, Sailik and Bonadiman, Daniele and Lai, Yi-An and "
    "Gupta, Arshit and Pappas, Nikolaos and Mansour, Saab and Kirchhoff, Katrin and Roth, Dan},\n"
    "  journal={arXiv preprint arXiv:2402.06147},\n"
    "  year={YEAR}\n}\n"
)


def hooks_config() -> str:
    """The repository's hooks as a local repository pre-commit runs with the installed bibx."""
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    local = [{**hook, "language": "system"} for hook in hooks]
    local[0]["args"] = ["--fail-on", "disagrees"]  # as a user's config would choose
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": local}]})


@pytest.fixture
def repo(tmp_path):
    if shutil.which("git") is None and os.environ.get("CI") != "true":
        pytest.skip("git is not installed")
    work = tmp_path / "paper"
    work.mkdir()
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit"),
           "BIBX_SNAPSHOT": str(SNAPSHOT), "BIBX_CACHE": str(tmp_path / "cache"),
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}  # fmt: skip
    subprocess.run(["git", "init", "-q", str(work)], check=True, env=env)
    (work / ".pre-commit-config.yaml").write_text(hooks_config(), encoding="utf-8")
    return work, env


def run_hooks(work, env, *files: str) -> subprocess.CompletedProcess:
    subprocess.run(["git", "add", *files], cwd=work, check=True, env=env)
    return subprocess.run(
        ["pre-commit", "run", "--files", *files], cwd=work, env=env,
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


def test_the_hooks_pass_a_right_bib_and_fail_a_wrong_one(repo):
    work, env = repo
    (work / "refs.bib").write_text(DEAL.replace("YEAR", "2024"), encoding="utf-8")
    # enrich's dry run: the snapshot would add the arXiv id as eprint: a change, so it fails
    done = run_hooks(work, env, "refs.bib")
    assert "bibx check (offline)" in done.stdout and "Passed" in done.stdout, done.stdout
    assert "bibx enrich --dry-run (offline)" in done.stdout
    assert "Failed" in done.stdout.split("bibx enrich --dry-run (offline)")[1]
    assert (work / "refs.bib").read_text(encoding="utf-8") == DEAL.replace("YEAR", "2024")
    # a wrong year: check's verdict "disagrees" fails the commit and says which entry
    (work / "refs.bib").write_text(DEAL.replace("YEAR", "2019"), encoding="utf-8")
    done = run_hooks(work, env, "refs.bib")
    failed = done.stdout.split("bibx check (offline)")[1].split("bibx enrich")[0]
    assert "Failed" in failed and "huang2024deal" in failed and "disagrees" in failed, failed
    assert done.returncode == 1
    # nothing else is asked of a commit that stages no .bib
    (work / "notes.txt").write_text("x\n", encoding="utf-8")
    done = run_hooks(work, env, "notes.txt")
    assert done.returncode == 0 and "(no files to check)Skipped" in done.stdout, done.stdout
