"""The cache manifest: one JSON entry per cached URL, saying where and when its bytes came from.

The manifest is ``<cache>/manifest.json``::

    {"version": 1, "entries": {"<url>": {"url", "path", "retrieved_at", "bytes", "sha256",
                                         "status", "etag", "last_modified", "origin", ...}}}

``origin`` is where the bytes were first had (``mirror`` or ``network``); ``path`` is relative to
the cache root. Updates take an exclusive lock and are written atomically, so two processes
sharing a cache never lose or half-write an entry.
"""

from __future__ import annotations

import fcntl
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from claimaudit._io import write_text_atomic
from claimaudit.errors import FetchError

MANIFEST_NAME = "manifest.json"
FILES_DIR = "files"


def manifest_path(cache: Path) -> Path:
    return cache / MANIFEST_NAME


def read_entries(cache: Path) -> dict[str, dict[str, Any]]:
    """All manifest entries by URL (empty when there is no manifest yet)."""
    path = manifest_path(cache)
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return dict(data["entries"])
    except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise FetchError(
            f"the cache manifest {path} is unreadable ({exc})",
            hint=f"delete {path.parent} (the cache) and run `claimaudit fetch` again",
        ) from None


@contextmanager
def _locked(cache: Path) -> Iterator[None]:
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / ".manifest.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def record(cache: Path, entry: dict[str, Any]) -> None:
    """Add or replace the entry for ``entry["url"]``."""
    with _locked(cache):
        entries = read_entries(cache)
        entries[entry["url"]] = entry
        text = json.dumps({"version": 1, "entries": dict(sorted(entries.items()))}, indent=2)
        write_text_atomic(manifest_path(cache), text + "\n")
