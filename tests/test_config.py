"""Every CLAIMAUDIT_* variable is read in claimaudit.config and listed in the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from claimaudit import config, paths

ROOT = Path(__file__).resolve().parents[1]
# a read: environ.get("X"), getenv("X"), environ["X"] not assigned to (setting one for a child is fine)
READ = re.compile(
    r"(?:environ\.get\s*\(|getenv\s*\()\s*[\"'](CLAIMAUDIT_[A-Z_]+)"
    r"|environ\s*\[\s*[\"'](CLAIMAUDIT_[A-Z_]+)[\"']\s*\](?!\s*=[^=])"
)


def test_no_module_but_config_reads_a_claimaudit_variable():
    readers = {}
    for path in (ROOT / "src" / "claimaudit").rglob("*.py"):
        if path.name == "config.py":
            continue
        for match in READ.finditer(path.read_text(encoding="utf-8")):
            readers.setdefault(match.group(1) or match.group(2), []).append(str(path.relative_to(ROOT)))
    assert not readers, f"read these through claimaudit.config: {readers}"


def test_the_readme_lists_every_variable_and_only_those():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Environment variables", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"CLAIMAUDIT_[A-Z0-9_]+", table))
    assert listed == set(config.VARIABLES)


def test_values_are_read_when_asked_and_empty_is_unset(monkeypatch, tmp_path):
    monkeypatch.setenv("CLAIMAUDIT_REPORTS", str(tmp_path))
    assert paths.reports_dir() == tmp_path.resolve()
    monkeypatch.setenv("CLAIMAUDIT_OONI_API", "")
    assert config.url("CLAIMAUDIT_OONI_API") == "https://api.ooni.io"
    monkeypatch.setenv("CLAIMAUDIT_OFFLINE", "Yes")
    assert config.flag("CLAIMAUDIT_OFFLINE")
    with pytest.raises(KeyError, match="not a claimaudit variable"):
        config.get("CLAIMAUDIT_TYPO")
