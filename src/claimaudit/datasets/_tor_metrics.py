"""Tor Metrics user estimates per country (live, CC0): relay (direct) or bridge users.

Base URL: ``CLAIMAUDIT_TOR_METRICS`` (default ``https://metrics.torproject.org``). The CSV
starts with ``#`` comment lines; relay users come with ``events=on`` so that ``lower`` and
``upper`` (the range Tor's censorship detector expected with no event) are included. Whole
calendar years are requested and the days asked for kept, so one ``claimaudit fetch`` answers
any later window from the cache, offline.

>>> tor = userstats("pk", "2024-01-01", "2024-12-31", offline=True)   # doctest: +SKIP
>>> tor.columns                                                       # doctest: +SKIP
['date', 'country', 'users', 'lower', 'upper', 'frac', 'kind']
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Literal
from urllib.parse import urlencode

import polars as pl

from claimaudit import config
from claimaudit.datasets._live import DateLike, as_date, refuse_unparsed
from claimaudit.errors import DataError
from claimaudit.fetch import fetch

__all__ = ["GRAPH_BASE", "base_url", "graph_url", "userstats", "userstats_url"]

Kind = Literal["relay", "bridge"]
_COLUMNS = {
    "date": pl.Date(),
    "country": pl.String(),
    "users": pl.Int64(),
    "lower": pl.Float64(),
    "upper": pl.Float64(),
    "frac": pl.Int64(),
}


def base_url() -> str:
    return config.url("CLAIMAUDIT_TOR_METRICS")


#: The public Tor Metrics site (graph pages are ``<id>.html``, torproject/metrics-web
#: src/main/java/org/torproject/metrics/web/GraphServlet.java:118; ids and parameters in
#: src/main/resources/web/json/metrics.json:143-155 and 197-208).
GRAPH_BASE = "https://metrics.torproject.org"


def graph_url(country: str, start: DateLike, end: DateLike, *, kind: Kind = "relay") -> str:
    """The Tor Metrics graph page for the same question (dates inclusive): a page a person can open.

    >>> graph_url("PK", "2024-11-01", "2024-11-30")
    'https://metrics.torproject.org/userstats-relay-country.html?start=2024-11-01&end=2024-11-30&country=pk&events=on'
    >>> graph_url("pk", "2024-01-01", "2024-12-31", kind="bridge")
    'https://metrics.torproject.org/userstats-bridge-country.html?start=2024-01-01&end=2024-12-31&country=pk'
    """
    if kind not in ("relay", "bridge"):
        raise DataError(f"kind={kind!r} is not relay or bridge", hint="use kind='relay' or kind='bridge'")
    params = {
        "start": as_date(start, name="start").isoformat(),
        "end": as_date(end, name="end").isoformat(),
        "country": country.lower(),
    }
    if kind == "relay":
        params["events"] = "on"
    return f"{GRAPH_BASE}/userstats-{kind}-country.html?{urlencode(params)}"


def userstats_url(country: str, start: DateLike, end: DateLike, *, kind: Kind = "relay") -> str:
    if kind not in ("relay", "bridge"):
        raise DataError(f"kind={kind!r} is not relay or bridge", hint="use kind='relay' or kind='bridge'")
    params = {
        "start": as_date(start, name="start").isoformat(),
        "end": as_date(end, name="end").isoformat(),
        "country": country.lower(),
    }
    if kind == "relay":
        params["events"] = "on"
    return f"{base_url()}/userstats-{kind}-country.csv?{urlencode(params)}"


def userstats(
    country: str,
    start: DateLike,
    end: DateLike,
    *,
    kind: Kind = "relay",
    offline: bool | None = None,
    mirror: str | Path | None = None,
    refresh: bool = False,
) -> pl.DataFrame:
    """Daily estimated Tor users from ``country`` between ``start`` and ``end`` (both inclusive).

    Columns: date, country, users, lower, upper (null for bridges), frac, kind.
    """
    first, last = as_date(start, name="start"), as_date(end, name="end")
    if last < first:
        raise DataError(f"end {last} is before start {first}", hint="give an end on or after start")
    frames = []
    for year in range(first.year, last.year + 1):
        lo, hi = dt.date(year, 1, 1), dt.date(year, 12, 31)
        url = userstats_url(country, lo, hi, kind=kind)
        # The current year's answer grows daily and late reports revise recent days: its window
        # ends within the recent days, so it is asked again after the TTL (claimaudit.fetch).
        got = fetch(
            url,
            offline=offline,
            mirror=mirror,
            refresh=refresh,
            live="tor_metrics",
            window=(lo, hi),
            validate=lambda p, u=url, a=lo, b=hi: _parse(p, u, a, b),
        )
        frames.append(_parse(got.path, url, lo, hi))
    return pl.concat(frames).filter(pl.col("date").is_between(first, last)).with_columns(kind=pl.lit(kind))


def _parse(path: Path, url: str, first, last) -> pl.DataFrame:
    raw = path.read_bytes()
    lines = raw.splitlines()
    kept = [line for line in lines if not line.lstrip().startswith(b"#")]
    comments = len(lines) - len(kept)  # the preamble precedes the header
    body = b"\n".join(kept)
    if not body.strip():
        raise DataError(
            "the Tor Metrics CSV has no header or rows",
            file=url,
            hint="check the country code and dates; the response was not cached",
        )
    try:
        text = pl.read_csv(io.BytesIO(body), infer_schema=False)
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as exc:
        raise DataError(
            f"malformed Tor Metrics CSV: {str(exc).splitlines()[0]}",
            file=url,
            hint="retry later; the response was not cached",
        ) from None
    required = ["date", "country", "users", "frac"]
    missing = [c for c in required if c not in text.columns]
    if missing:
        raise DataError(
            f"the Tor Metrics CSV lacks columns {missing} (has {text.columns})",
            file=url,
            hint="the format may have changed; see research/API_FORMATS.md",
        )
    exprs = []
    for column, dtype in _COLUMNS.items():
        if column not in text.columns:
            exprs.append(pl.lit(None, dtype).alias(column))
        elif dtype == pl.Date():
            exprs.append(pl.col(column).str.to_date("%Y-%m-%d", strict=False))
        else:
            exprs.append(pl.col(column).str.strip_chars().cast(dtype, strict=False))
    typed = text.select(exprs)
    refuse_unparsed(text, typed, url=url, first_line=comments + 2, hint="the response was not cached")
    if typed.filter(~pl.col("date").is_between(first, last)).height:
        raise DataError(
            f"the Tor Metrics CSV has days outside {first} .. {last}",
            file=url,
            hint="the response was not cached; retry",
        )
    if typed["date"].is_duplicated().any() or (typed["users"] < 0).any():
        raise DataError(
            "the Tor Metrics CSV repeats a day or has negative users",
            file=url,
            hint="the response was not cached; retry",
        )
    return typed
