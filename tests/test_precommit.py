"""The pre-commit hooks, run by pre-commit itself on a temporary git repository, fail a bad commit.

The repository's .pre-commit-config.yaml uses `repo: local` hooks with `language: system`, so
pre-commit runs them offline with the claimaudit and ruff of this environment. The hooks that
forks use (.pre-commit-hooks.yaml, `language: python`, installed by pre-commit from the
repository: needs the network) are validated with pre-commit's own validator and must have the
same entry and file patterns as the local ones that are run here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PRE_COMMIT = str(BIN / "pre-commit")


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)


def test_the_manifest_and_the_config_are_valid_for_pre_commit():
    for command, file in (
        ("validate-manifest", ".pre-commit-hooks.yaml"),
        ("validate-config", ".pre-commit-config.yaml"),
    ):
        done = _run([PRE_COMMIT, command, file], ROOT, dict(os.environ))
        assert done.returncode == 0, done.stdout + done.stderr


def test_the_local_hooks_are_the_published_ones():
    published = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    local = {h["id"]: h for repo in config["repos"] for h in repo["hooks"]}
    assert set(published) == {"claimaudit-check", "claimaudit-stamp-check"}
    assert {"ruff-check", "ruff-format"} <= set(local)
    for hook_id, hook in published.items():
        for key in ("entry", "files", "pass_filenames"):
            assert local[hook_id][key] == hook[key], (hook_id, key)


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A git repository with copies of datasets/, checks/ and the hook config, hooks installed."""
    copy = tmp_path / "repo"
    copy.mkdir()
    for folder in ("datasets", "checks"):
        shutil.copytree(ROOT / folder, copy / folder)
    shutil.copy(ROOT / ".pre-commit-config.yaml", copy)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CLAIMAUDIT_DATASETS", "CLAIMAUDIT_CHECKS"))}
    env.update(
        CLAIMAUDIT_HOME=str(copy),
        CLAIMAUDIT_REPORTS=str(tmp_path / "reports"),
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.org",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.org",
    )
    for args in (
        ["git", "init", "-q"],
        ["git", "add", "-A"],
        ["git", "commit", "-qm", "synthetic test repository"],
        [PRE_COMMIT, "install"],
    ):
        done = _run(args, copy, env)
        assert done.returncode == 0, done.stdout + done.stderr
    return copy, env


def _edit(repo: Path, line: int, old: str, new: str) -> None:
    file = repo / "datasets" / "claims" / "claims.csv"
    lines = file.read_text(encoding="utf-8").split("\n")
    assert old in lines[line - 1], "test set-up"
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    file.write_text("\n".join(lines), encoding="utf-8")


def _commit(repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    _run(["git", "add", "-A"], repo, env)
    return _run(["git", "commit", "-m", "synthetic edit"], repo, env)


def _head(repo: Path, env: dict[str, str]) -> str:
    return _run(["git", "rev-parse", "HEAD"], repo, env).stdout


def test_a_commit_with_an_edit_that_is_not_stamped_is_stopped(repo):
    path, env = repo
    head = _head(path, env)
    _edit(path, 10, ",medium,", ",low,")
    done = _commit(path, env)
    out = done.stdout + done.stderr
    assert done.returncode != 0, out
    assert "datasets/claims/claims.csv: edited but not stamped" in out
    assert _head(path, env) == head  # nothing committed


def test_a_commit_with_a_stamped_bad_edit_is_stopped_by_the_checks(repo):
    path, env = repo
    head = _head(path, env)
    _edit(path, 10, ",count,", ",opinion,")
    stamp = _run([str(BIN / "claimaudit"), "datasets", "stamp", "claims"], path, env)
    assert stamp.returncode == 0, stamp.stdout + stamp.stderr
    done = _commit(path, env)
    out = done.stdout + done.stderr
    assert done.returncode != 0, out
    assert "claimaudit check" in out and "Failed" in out
    assert "datasets/claims/claims.csv line 10, column 'kind' = \"opinion\"" in out
    assert _head(path, env) == head
    # fixed, the same hooks pass
    _edit(path, 10, ",opinion,", ",count,")
    assert _run([str(BIN / "claimaudit"), "datasets", "stamp", "claims"], path, env).returncode == 0
    done = _run(
        [PRE_COMMIT, "run", "--files", "datasets/claims/claims.csv", "datasets/claims/datapackage.json"], path, env
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(
        r"^claimaudit check \(the suites of the datasets this commit touches\)\.+Passed$", done.stdout, re.M
    )


def test_a_python_file_with_a_lint_finding_is_stopped_by_ruff(repo):
    path, env = repo
    shutil.copy(ROOT / "pyproject.toml", path)  # the project's ruff settings
    (path / "synthetic_module.py").write_text("import os\nimport sys\n\nprint(sys.argv)\n", encoding="utf-8")
    done = _commit(path, env)
    out = done.stdout + done.stderr
    assert done.returncode != 0
    assert "F401" in out and "synthetic_module.py" in out
