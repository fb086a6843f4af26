"""The package's layers hold (import-linter, configured in pyproject.toml): data flows one way,
fetch -> datasets -> quality -> audit -> notebook -> report -> pipeline -> cli, with no import
cycles and private modules used only inside their package."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([LINT, "--no-cache"], cwd=root, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def lint_tool() -> str:
    if LINT is None:
        pytest.fail("lint-imports not installed: pip install -e '.[test]' (import-linter is in the test extra)")
    return LINT


def test_the_package_keeps_its_layers(lint_tool):
    result = lint(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 kept, 0 broken" in result.stdout


def synthetic_copy(tmp_path: Path, module: str, line: str) -> Path:
    """A copy of the package with one import added, to show the contract catches it."""
    shutil.copytree(
        ROOT / "src" / "claimaudit", tmp_path / "src" / "claimaudit", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "src" / "claimaudit" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("module", "line", "says"),
    [
        (
            "datasets/_live.py",
            "from claimaudit import audit",
            "claimaudit.datasets is not allowed to import claimaudit.audit",
        ),
        (
            "fetch/_core.py",
            "from claimaudit.pipeline import fetch_all",
            "claimaudit.fetch is not allowed to import claimaudit.pipeline",
        ),
        (
            "report/_render.py",
            "from claimaudit.audit import _findings",
            "- claimaudit.report._render -> claimaudit.audit._findings",
        ),
    ],
)
def test_an_upward_or_private_import_breaks_a_contract(lint_tool, tmp_path, module, line, says):
    result = lint(synthetic_copy(tmp_path, module, line))
    assert result.returncode == 1, result.stdout
    assert says in " ".join(result.stdout.split())
