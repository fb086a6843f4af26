"""The cache manifest: one JSON entry per cached URL, saying where and when its bytes came from.

The manifest is ``<cache>/manifest.json``::

    {"version": 1, "entries": {"<url>": {"url", "path", "retrieved_at", "bytes", "sha256",
                                         "status", "etag", "last_modified", "origin", ...}}}

``origin`` is where the bytes were first had (``mirror`` or ``network``); ``path`` is relative to
the cache root. Updates take an exclusive lock and are written atomically, so two processes
sharing a cache never lose or half-write an entry.

Inside :func:`batched` (a fetch session: ``fetch_all`` runs in one), entries for bytes copied from
the mirror (``durable=False``) are kept in memory and written with the next durable entry or when
the block ends, even on an error or Ctrl-C: filling a fresh cache from the mirror rewrites and
fsyncs the manifest once, not once per file. Readers in this process see them at once. If the
process is killed before the end, those files are simply copied (or re-recorded from their
pinned hash) again on the next fetch. Entries for network answers are written at once.
"""

from __future__ import annotations

import fcntl
import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from claimaudit._io import write_text_atomic

MANIFEST_NAME = "manifest.json"
FILES_DIR = "files"


def manifest_path(cache: Path) -> Path:
    return cache / MANIFEST_NAME


_PENDING: dict[Path, dict[str, dict[str, Any]]] = {}  # cache -> url -> entry, not yet written
_BATCHES = [0]  # how many batched() blocks are open
_PENDING_LOCK = threading.RLock()


@contextmanager
def batched() -> Iterator[None]:
    """Write the entries of mirror copies recorded inside the block once, at its end."""
    with _PENDING_LOCK:
        _BATCHES[0] += 1
    try:
        yield
    finally:
        with _PENDING_LOCK:
            _BATCHES[0] -= 1
            if _BATCHES[0] == 0:
                for cache in list(_PENDING):
                    _flush(cache)


def _flush(cache: Path) -> None:
    with _PENDING_LOCK:
        pending = _PENDING.pop(cache, None)
        if not pending:
            return
        try:
            with _locked(cache):
                entries = _read_disk(cache)
                entries.update(pending)
                _write(cache, entries)
        except BaseException:  # keep them for the next write
            _PENDING.setdefault(cache, {}).update({u: e for u, e in pending.items()})
            raise


def read_entries(cache: Path) -> dict[str, dict[str, Any]]:
    """All usable manifest entries by URL (empty when there is no manifest yet), including those
    recorded in this process and not yet written (see :func:`batched`)."""
    entries = _read_disk(cache)
    with _PENDING_LOCK:
        entries.update(_PENDING.get(_key(cache), {}))
    return entries


def _key(cache: Path) -> Path:
    return Path(os.path.abspath(cache))


def _read_disk(cache: Path) -> dict[str, dict[str, Any]]:
    """All usable manifest entries in the file, by URL (empty when there is no manifest yet).

    A manifest that is not valid JSON, or not shaped as above (``entries`` a list, an entry
    without ``path``), is not fatal: the usable entries are kept, the rest dropped, and the
    broken file is kept beside it as ``manifest.json.broken``; a pinned file whose entry was
    lost is re-recorded from its bytes on the next fetch (or copied again from the mirror).
    """
    path = manifest_path(cache)
    if not path.is_file():
        return {}
    problem = None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError, ValueError) as exc:
        data, problem = {}, f"not valid JSON ({str(exc).splitlines()[0][:120]})"
    raw = data.get("entries") if isinstance(data, dict) else None
    if problem is None and not isinstance(raw, dict):
        problem = "`entries` is not a mapping of URL to entry"
    entries: dict[str, dict[str, Any]] = {}
    dropped = 0
    for url, entry in raw.items() if isinstance(raw, dict) else ():
        if _usable(url, entry):
            entries[url] = entry
        else:
            dropped += 1
    if problem is None and dropped:
        problem = f"{dropped} entr{'y' if dropped == 1 else 'ies'} without a usable url, path or sha256"
    if problem is not None:
        _repair(cache, path, entries, problem)
    return entries


def _usable(url: Any, entry: Any) -> bool:
    if not isinstance(url, str) or not isinstance(entry, dict):
        return False
    rel = entry.get("path")
    if not isinstance(rel, str) or not rel or rel.startswith("/") or ".." in Path(rel).parts:
        return False
    return isinstance(entry.get("sha256"), str) and entry.get("url", url) == url


_REPAIRED: set[Path] = set()


def _repair(cache: Path, path: Path, entries: dict[str, dict[str, Any]], problem: str) -> None:
    """Keep the broken manifest aside, write the usable entries back, and say so once."""
    import sys

    try:
        with _locked(cache):
            if path.is_file():
                os.replace(path, path.with_name(MANIFEST_NAME + ".broken"))
            _write(cache, entries)
    except OSError as exc:  # a read-only cache: carry on with what could be read
        problem += f"; it could not be rewritten ({exc.strerror})"
    if path not in _REPAIRED:
        _REPAIRED.add(path)
        print(
            f"note: the cache manifest {path} was unreadable: {problem}. Kept {len(entries)} usable entries"
            f" (the old file is {path.name}.broken); missing entries are rebuilt from the cached files"
            " and the mirror as they are fetched.",
            file=sys.stderr,
        )


def _write(cache: Path, entries: dict[str, dict[str, Any]]) -> None:
    text = json.dumps({"version": 1, "entries": dict(sorted(entries.items()))}, indent=2)
    write_text_atomic(manifest_path(cache), text + "\n")


@contextmanager
def _locked(cache: Path) -> Iterator[None]:
    cache.mkdir(parents=True, exist_ok=True)
    with open(cache / ".manifest.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def record(cache: Path, entry: dict[str, Any], *, durable: bool = True) -> None:
    """Add or replace the entry for ``entry["url"]``; inside :func:`batched`, an entry that need
    not be ``durable`` (bytes a mirror can supply again) is written at the block's end."""
    key = _key(cache)
    with _PENDING_LOCK:
        if not durable and _BATCHES[0]:
            _PENDING.setdefault(key, {})[entry["url"]] = entry
            return
        pending = _PENDING.pop(key, {})
    try:
        with _locked(cache):
            entries = _read_disk(cache)
            entries.update(pending)
            entries[entry["url"]] = entry
            _write(cache, entries)
    except BaseException:  # keep the batched ones for the next write
        if pending:
            with _PENDING_LOCK:
                _PENDING.setdefault(key, {}).update({u: e for u, e in pending.items() if u not in _PENDING[key]})
        raise
