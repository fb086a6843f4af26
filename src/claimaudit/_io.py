"""Atomic file output: write to a temporary file beside the target, then rename.

A failure part-way never leaves a half-written report, cache entry or dataset.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl


@contextmanager
def atomic_write(path: str | Path, mode: str = "w", *, encoding: str | None = "utf-8") -> Iterator[IO]:
    """Open a temporary file next to ``path``; on success rename it over ``path``.

    >>> with atomic_write("/tmp/claimaudit-doctest.txt") as fh:
    ...     _ = fh.write("hello")
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    binary = "b" in mode
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode, encoding=None if binary else encoding, newline=None if binary else "") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp makes the file private (0600); published files get the usual umask mode.
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    with atomic_write(path, "wb") as fh:
        fh.write(data)


def write_text_atomic(path: str | Path, text: str) -> None:
    with atomic_write(path, "w") as fh:
        fh.write(text)


FRAME_SUFFIXES = (".csv", ".parquet")


def frame_suffix(path: str | Path) -> str:
    """The output format of ``path`` (``.csv`` or ``.parquet``), or a DataError saying what to use.

    Commands call it before doing any work, so a wrong name fails before a download.
    """
    from claimaudit.errors import DataError

    suffix = Path(path).suffix.lower()
    if suffix not in FRAME_SUFFIXES:
        raise DataError(
            f"cannot write {suffix or 'a file without suffix'}",
            file=path,
            hint="name the output .csv or .parquet",
        )
    return suffix


def write_frame(frame: "pl.DataFrame", path: str | Path) -> Path:
    """Write a polars frame atomically as ``.csv`` or ``.parquet`` (chosen by the suffix)."""
    suffix = frame_suffix(path)
    with atomic_write(path, "wb") as fh:
        if suffix == ".csv":
            frame.write_csv(fh)
        else:
            frame.write_parquet(fh)
    return Path(path)


def sha256_file(path: str | Path, *, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()
