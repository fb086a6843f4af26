"""The lint gate: `ruff check` and `ruff format --check` over the whole project pass.

The rule set and its reasons are in pyproject.toml ([tool.ruff]); ruff is pinned in the test
extra. A finding fails `make test`; fix it (`ruff check --fix .`, `ruff format .`) or, where a
rule is waived on purpose, say why in a `# noqa: CODE - reason` comment.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _ruff(*args: str) -> subprocess.CompletedProcess:
    ruff = Path(sys.executable).parent / "ruff"
    command = [str(ruff)] if ruff.is_file() else [sys.executable, "-m", "ruff"]
    return subprocess.run([*command, *args], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)


def test_ruff_check_finds_nothing():
    done = _ruff("check", "--no-cache", "--output-format", "concise", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_format_has_nothing_to_change():
    done = _ruff("format", "--no-cache", "--check", ".")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_gate_can_fail(tmp_path):
    """The same configuration reports an unsorted import and a zip without strict."""
    bad = tmp_path / "synthetic_bad.py"
    bad.write_text("import sys\nimport os\n\nprint(list(zip(os.sep, sys.argv)))\n", encoding="utf-8")
    done = _ruff(
        "check", "--no-cache", "--output-format", "concise", "--config", str(ROOT / "pyproject.toml"), str(bad)
    )
    assert done.returncode == 1
    assert "I001" in done.stdout and "B905" in done.stdout
