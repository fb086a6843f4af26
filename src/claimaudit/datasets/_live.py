"""Helpers shared by the live-API loaders (OONI, Tor Metrics, IODA): dates, windows, JSON checks."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl

from claimaudit.errors import DataError, FetchError

DateLike = dt.date | dt.datetime | str


def as_date(value: DateLike, *, name: str) -> dt.date:
    """A ``date`` from a date, datetime or ``YYYY-MM-DD`` string.

    >>> as_date("2024-11-01", name="since")
    datetime.date(2024, 11, 1)
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise DataError(f"{name}={value!r} is not a date", hint="write dates as YYYY-MM-DD") from None


def windows(since: dt.date, until: dt.date, *, days: int) -> Iterator[tuple[dt.date, dt.date]]:
    """Split ``[since, until)`` into consecutive windows of at most ``days`` days.

    >>> [(a.day, b.day) for a, b in windows(dt.date(2024, 11, 1), dt.date(2024, 11, 8), days=3)]
    [(1, 4), (4, 7), (7, 8)]
    """
    if until <= since:
        raise DataError(
            f"empty window: since {since} is not before until {until} (until is exclusive)",
            hint="give an until date after since",
        )
    start = since
    while start < until:
        end = min(start + dt.timedelta(days=days), until)
        yield start, end
        start = end


def grid_windows(since: dt.date, until: dt.date, *, days: int) -> Iterator[tuple[dt.date, dt.date]]:
    """The fixed ``days``-long blocks (counted from 1970-01-01) that cover ``[since, until)``.

    Requests on a fixed grid are the same URLs whatever window a caller asks for, so results
    fetched once (``claimaudit fetch``) serve every later, narrower question from the cache.

    >>> [(str(a), str(b)) for a, b in grid_windows(dt.date(2024, 11, 1), dt.date(2024, 12, 1), days=30)]
    [('2024-10-14', '2024-11-13'), ('2024-11-13', '2024-12-13')]
    """
    if until <= since:
        raise DataError(
            f"empty window: since {since} is not before until {until} (until is exclusive)",
            hint="give an until date after since",
        )
    epoch = dt.date(1970, 1, 1)
    start = epoch + dt.timedelta(days=(since - epoch).days // days * days)
    while start < until:
        yield start, start + dt.timedelta(days=days)
        start += dt.timedelta(days=days)


class _NotFinite(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _NotFinite(name)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _NotFinite(text)
    return value


def read_json(path: Path, *, url: str) -> Any:
    """Parse a cached JSON body, or raise a FetchError naming the URL.

    Strict JSON only: ``NaN``, ``Infinity`` and numbers too large for a float (``-1e999``), which
    Python's parser would accept, are refused, so they never reach the cache as data.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "synthetic.json"
    >>> _ = p.write_text('{"values": [1, -1e999]}')
    >>> read_json(p, url="http://127.0.0.1/synthetic")
    Traceback (most recent call last):
    claimaudit.errors.FetchError: http://127.0.0.1/synthetic: the response has a number that is not finite ('-1e999');
      it was not cached
      What to do: the service sent a value JSON does not allow; retry later or report it to the service
    """
    try:
        return json.loads(path.read_bytes(), parse_constant=_refuse_constant, parse_float=_finite_float)
    except _NotFinite as exc:
        raise FetchError(
            f"the response has a number that is not finite ({str(exc)!r}); it was not cached",
            url=url,
            hint="the service sent a value JSON does not allow; retry later or report it to the service",
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FetchError(
            f"the response is not valid JSON ({exc})", url=url, hint="the API may be failing; retry later"
        ) from None


def api_error(data: Any) -> str | None:
    """The error message of an OONI/IODA-style error document, or None."""
    if isinstance(data, dict):
        for key in ("error", "msg", "detail"):
            if data.get(key):
                return str(data[key])
    return None


def refuse_unparsed(text: pl.DataFrame, typed: pl.DataFrame, *, url: str, first_line: int, hint: str) -> None:
    """Raise a DataError at the first cell of ``text`` (a CSV read as strings) that is null in
    ``typed`` (its columns after typing) without being null before: a value that did not parse.
    ``first_line`` is the file line of the first data row.

    >>> text = pl.DataFrame({"n": ["1", "two"]})
    >>> refuse_unparsed(text, text.select(pl.col("n").cast(pl.Int64, strict=False)), url="synthetic.csv",
    ...                 first_line=2, hint="check the file")
    Traceback (most recent call last):
    claimaudit.errors.DataError: file synthetic.csv, line 3, column 'n': 'two' is not a Int64
      What to do: check the file
    """
    for column in (c for c in typed.columns if c in text.columns):  # columns typed.select() added are all null
        bad = text[column].is_not_null() & typed[column].is_null()
        if bad.any():
            i = int(bad.arg_true()[0])
            raise DataError(
                f"{text[column][i]!r} is not a {typed.schema[column]}",
                file=url,
                line=first_line + i,
                column=column,
                hint=hint,
            )
