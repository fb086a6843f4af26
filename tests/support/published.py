"""What a reports folder holds, for tests that a run published whole or not at all (and the cut-down
checks folder those runs use)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from claimaudit import paths

#: what a run whose data fails its checks adds to the reports folder (besides the index's notice)
FAILED_CHECKS = {"checks/failed/results.json", "checks/failed/junit.xml", "checks/failed/index.html"}


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` (relative path) with its sha256."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def assert_only_failed_checks_added(before: dict[str, str], after: dict[str, str]) -> None:
    """Nothing that was there changed (but the index), and only the failed check results came."""
    assert {k: v for k, v in after.items() if k in before and k != "index.html"} == {
        k: v for k, v in before.items() if k != "index.html"
    }
    assert set(after) - set(before) == FAILED_CHECKS


def claims_checks_only(folder: Path) -> Path:
    """A copy of the project's checks folder (rules included) in ``folder`` with only the claims
    ledger's quality suites (a quicker check step); point CLAIMAUDIT_CHECKS at what it returns."""
    shutil.copytree(paths.checks_dir(), folder)
    for suite in (folder / "quality").glob("*.yml"):
        if suite.stem not in ("claims", "claims-sources"):
            suite.unlink()
    return folder
