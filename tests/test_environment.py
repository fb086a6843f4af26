"""pyproject.toml and environment.yml name the same dependencies at compatible versions."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
# Conda-forge names that differ from the PyPI name after normalising case and -/_/. (none yet).
CONDA_TO_PYPI: dict[str, str] = {}
# Conda-only entries that are not Python dependencies of the package.
NOT_DEPENDENCIES = {"python", "pip"}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _split(spec: str, separators: str) -> tuple[str, str | None]:
    """("name", "==1.2") from "name==1.2" (or the conda "name=1.2"); version None when unpinned."""
    match = re.match(rf"^\s*([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*(?:({separators})\s*([^\s;#]+))?", spec)
    assert match, f"cannot read dependency {spec!r}"
    name, _op, ver = match.groups()
    return _norm(CONDA_TO_PYPI.get(_norm(name), name)), ver


def pyproject_dependencies() -> dict[str, str | None]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    specs = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        specs += extra
    return dict(_split(s, "==|>=|~=") for s in specs)


def environment_dependencies() -> dict[str, str | None]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    found: dict[str, str | None] = {}
    for entry in env["dependencies"]:
        if isinstance(entry, dict):  # the pip: list
            for spec in entry.get("pip", []):
                if spec.startswith("-"):  # "-e ." installs the package itself
                    continue
                name, ver = _split(spec, "==|>=|~=")
                found[name] = ver
            continue
        name, ver = _split(entry, "==|=|>=")
        if name not in NOT_DEPENDENCIES:
            found[name] = ver
    return found


def test_parsers_read_both_spellings() -> None:
    assert _split("vl-convert-python==1.9.0.post1", "==") == ("vl-convert-python", "1.9.0.post1")
    assert _split("great_expectations=1.24.1", "==|=") == ("great-expectations", "1.24.1")
    assert _split("PyYAML", "==") == ("pyyaml", None)


def test_same_dependency_names() -> None:
    py, conda = pyproject_dependencies(), environment_dependencies()
    assert sorted(set(py) - set(conda)) == [], "in pyproject.toml but not in environment.yml"
    assert sorted(set(conda) - set(py)) == [], "in environment.yml but not in pyproject.toml"


@pytest.mark.parametrize("name", sorted(pyproject_dependencies()))
def test_compatible_versions(name: str) -> None:
    py, conda = pyproject_dependencies()[name], environment_dependencies().get(name)
    assert py is not None, f"{name} is not pinned in pyproject.toml (reports must be reproducible)"
    assert conda is not None, f"{name} is not pinned in environment.yml"
    # conda's "=1.2" means 1.2.*: compatible when the pip pin starts with that release.
    assert py == conda or py.startswith(conda + "."), f"{name}: pyproject {py} vs environment.yml {conda}"
