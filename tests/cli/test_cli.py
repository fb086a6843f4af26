"""The command line: version, help on every command, and `check` exit codes end to end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from claimaudit import datasets
from claimaudit.cli import app


def _command_paths(command=None, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    command = command or typer.main.get_command(app)
    paths = [prefix]
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        paths += _command_paths(sub, (*prefix, name))
    return paths


COMMANDS = _command_paths()


def test_version_is_the_installed_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"claimaudit {version('claimaudit')}"


def test_every_area_registered_its_commands() -> None:
    top = {path[0] for path in COMMANDS if path}
    assert {"run", "fetch", "check", "audit", "datasets"} <= top


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "claimaudit")
def test_help_on_every_command(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    # Every command explains itself: the help has text beyond the usage line and options.
    command = typer.main.get_command(app)
    for name in path:
        command = command.commands[name]
    assert (command.help or command.short_help or "").strip(), f"{' '.join(path)} has no help text"


def test_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["no-such-command"])
    assert result.exit_code == 2


# --------------------------------------------------------------------------- `check` as a process

SUITE = """\
description: Synthetic items for testing the check command.
dataset: synthetic_items
resource: items
expectations:
  - expect: expect_column_values_to_be_unique
    column: item_id
    description: Item ids are unique.
  - expect: expect_column_values_to_not_be_negative
    column: count
    description: Counts are not negative.
"""


@pytest.fixture
def tree(tmp_path: Path) -> dict[str, str]:
    """Environment for a subprocess: a synthetic dataset, one suite, private reports."""
    folder = tmp_path / "datasets" / "synthetic_items"
    folder.mkdir(parents=True)
    (folder / "items.csv").write_text("item_id,count\nsynthetic-a,3\nsynthetic-b,0\n", encoding="utf-8")
    fields = [{"name": "item_id", "type": "string"}, {"name": "count", "type": "integer"}]
    descriptor = {
        "name": "synthetic_items",
        "resources": [{"name": "items", "path": "items.csv", "schema": {"fields": fields}}],
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    datasets.stamp(["synthetic_items"], root=tmp_path / "datasets")
    (tmp_path / "checks" / "quality").mkdir(parents=True)
    (tmp_path / "checks" / "quality" / "synthetic_items.yml").write_text(SUITE, encoding="utf-8")
    env = dict(os.environ)
    env.update(
        CLAIMAUDIT_DATASETS=str(tmp_path / "datasets"),
        CLAIMAUDIT_CHECKS=str(tmp_path / "checks"),
        CLAIMAUDIT_REPORTS=str(tmp_path / "reports"),
        CLAIMAUDIT_OFFLINE="1",
    )
    env["_ROOT"] = str(tmp_path)
    return env


def _claimaudit(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "claimaudit", *args], env=env, capture_output=True, text=True, timeout=300
    )


def _rewrite(env: dict[str, str], text: str, *, stamp: bool = True) -> None:
    root = Path(env["_ROOT"]) / "datasets"
    (root / "synthetic_items" / "items.csv").write_text(text, encoding="utf-8")
    if stamp:
        datasets.stamp(["synthetic_items"], root=root)


def test_check_exit_codes_as_a_process(tree: dict[str, str]) -> None:
    """0 on good data, 1 when a rule fails, 2 when the data cannot be loaded - never a traceback."""
    good = _claimaudit(tree, "check")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "1 suites: 1 passed" in good.stdout

    _rewrite(tree, "item_id,count\nsynthetic-a,3\nsynthetic-b,-2\n")
    failing = _claimaudit(tree, "check")
    assert failing.returncode == 1
    assert "items.csv line 3, column 'count' = -2" in failing.stdout

    _rewrite(tree, "item_id,count\nsynthetic-a,3\nsynthetic-b,two\n")
    broken = _claimaudit(tree, "check")
    assert broken.returncode == 2
    assert "Traceback" not in broken.stdout + broken.stderr
    assert "dataset 'synthetic_items', file" in broken.stdout and "line 3, column 'count'" in broken.stdout


def test_version_as_a_process() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "claimaudit", "--version"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0
    assert result.stdout.strip() == f"claimaudit {version('claimaudit')}"
