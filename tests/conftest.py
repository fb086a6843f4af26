"""Shared test set-up. Area-specific fixtures live in tests/support/ or in the test modules."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def mirror_path() -> Path | None:
    value = os.environ.get("CLAIMAUDIT_MIRROR")
    return Path(value) if value and Path(value).is_dir() else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if mirror_path() is None:
        skip = pytest.mark.skip(reason="needs CLAIMAUDIT_MIRROR (third-party files); CI sets it")
        for item in items:
            if "mirror" in item.keywords:
                item.add_marker(skip)


@pytest.fixture
def mirror() -> Path:
    path = mirror_path()
    if path is None:
        pytest.skip("needs CLAIMAUDIT_MIRROR (third-party files); CI sets it")
    return path


@pytest.fixture
def isolated_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private CLAIMAUDIT_CACHE and CLAIMAUDIT_REPORTS for one test."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("CLAIMAUDIT_CACHE", str(cache))
    monkeypatch.setenv("CLAIMAUDIT_REPORTS", str(tmp_path / "reports"))
    return cache
