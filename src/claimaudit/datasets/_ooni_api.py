"""The OONI API (live, not pinned): daily aggregation, measurement lists, and findings.

Base URL: ``CLAIMAUDIT_OONI_API`` (default ``https://api.ooni.io``). Every response goes through
:func:`claimaudit.fetch.fetch`, so it is cached with a manifest entry and can be re-read offline
after ``claimaudit fetch``; a response that fails the checks below never enters the cache.

>>> daily = aggregate(probe_cc="PK", test_name="tor", since="2024-11-01",
...                   until="2024-12-01", offline=True)                   # doctest: +SKIP
>>> daily.columns                                                        # doctest: +SKIP
['measurement_start_day', 'probe_asn', 'test_name', 'measurement_count', 'anomaly_count',
 'confirmed_count', 'failure_count', 'ok_count']

``aggregate`` always asks for ``time_grain=day`` (the API's ``auto`` grain turns into hours for
short ranges), treats ``until`` as exclusive (as the API does), and asks in 30-day blocks on a
fixed grid (counted from 1970-01-01), keeping the days asked for: the same blocks serve every
window, so ``claimaudit fetch`` once makes later questions answerable offline. Domain lists are
sorted, so ``x.com,twitter.com`` and ``twitter.com,x.com`` are one request. Checks on every
window: the four outcome counters add up to ``measurement_count``, no count is negative, every
day lies inside the window; an error document (which the API may send with status 200 even for
CSV) raises a clear FetchError.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import polars as pl

from claimaudit import config
from claimaudit.datasets._live import DateLike, api_error, as_date, grid_windows, read_json, refuse_unparsed, windows
from claimaudit.errors import DataError, FetchError
from claimaudit.fetch import fetch

__all__ = [
    "COUNTERS",
    "EXPLORER",
    "INCIDENT_FIELDS",
    "UNSCORED_SINCE",
    "aggregate",
    "aggregation_url",
    "anomaly_rate",
    "base_url",
    "drop_unscored",
    "explorer_chart_url",
    "explorer_search_url",
    "incidents",
    "measurements",
    "measurements_url",
    "unscored",
]

COUNTERS = ("measurement_count", "anomaly_count", "confirmed_count", "failure_count", "ok_count")
AGGREGATION_DAYS = 30
MEASUREMENT_DAYS = 180
_AXIS_TYPES: dict[str, pl.DataType] = {"measurement_start_day": pl.Date(), "probe_asn": pl.Int64()}


#: Tests OONI stopped scoring, and from which day: every measurement since counts as "ok", so it
#: would pad ``n`` and dilute anomaly rates. OONI disabled riseupvpn scoring on 2023-10-17
#: (ooni/backend fastpath/fastpath/core.py:1469-1475, ``score_riseupvpn`` returns ``{}``, so
#: core.py:1712-1714 derives anomaly=False, failure=False); see ooni/backend issue 745.
UNSCORED_SINCE: dict[str, dt.date] = {"riseupvpn": dt.date(2023, 10, 17)}


def unscored(test_names: str | list[str] | tuple[str, ...], since: DateLike, until: DateLike) -> list[dict[str, Any]]:
    """The tests among ``test_names`` that OONI did not score on some day of ``[since, until)``,
    as data a caller turns into a caveat (the audit's ``riseupvpn_unscored``)::

    >>> unscored(["tor", "riseupvpn"], "2024-11-01", "2024-12-01")[0]["kind"]
    'riseupvpn_unscored'
    >>> unscored("riseupvpn", "2023-01-01", "2023-02-01")
    []
    """
    names = [t.strip() for t in test_names.split(",")] if isinstance(test_names, str) else list(test_names)
    start, end = as_date(since, name="since"), as_date(until, name="until")
    out = []
    for test in names:
        cutoff = UNSCORED_SINCE.get(test)
        if cutoff is None or end <= cutoff:
            continue
        first = max(start, cutoff)
        out.append(
            {
                "kind": f"{test}_unscored",
                "test_name": test,
                "since": cutoff.isoformat(),
                "excluded_from": first.isoformat(),
                "excluded_until": end.isoformat(),
                "detail": f"OONI stopped scoring {test} measurements on {cutoff.isoformat()} (every one"
                " counts as ok); those from " + first.isoformat() + " on are left out of anomaly rates",
            }
        )
    return out


def drop_unscored(frame: pl.DataFrame, test_name: str | None = None) -> tuple[pl.DataFrame, int]:
    """``frame`` (daily aggregation rows) without the days on which its test was not scored, and the
    number of measurements left out. Needs ``measurement_start_day`` (a frame without the day axis
    cannot be cut by day) and either a ``test_name`` column or ``test_name=``.

    >>> rows = pl.DataFrame({"measurement_start_day": [dt.date(2023, 10, 16), dt.date(2023, 10, 17)],
    ...                      "measurement_count": [5, 7]})
    >>> kept, left_out = drop_unscored(rows, "riseupvpn")
    >>> kept.height, left_out
    (1, 7)
    """
    if "measurement_start_day" not in frame.columns:
        raise DataError(
            "drop_unscored needs the measurement_start_day axis",
            hint="aggregate with axis_x='measurement_start_day' (the default)",
        )
    test = pl.col("test_name") if test_name is None else pl.lit(test_name)
    cut = pl.lit(None, dtype=pl.Date)
    for name, day in UNSCORED_SINCE.items():
        cut = pl.when(test == name).then(pl.lit(day)).otherwise(cut)
    day_col = pl.col("measurement_start_day")
    if frame.schema["measurement_start_day"] == pl.String:
        day_col = day_col.str.to_date("%Y-%m-%d", strict=False)
    out = (day_col >= cut).fill_null(False)
    left_out = int(frame.filter(out)["measurement_count"].sum()) if frame.height else 0
    return frame.filter(~out), left_out


def anomaly_rate(*, confirmed_only: bool = False) -> pl.Expr:
    """The one definition of an OONI anomaly rate used by the audit and the notebooks.

    The share of *usable* measurements (``measurement_count − failure_count``: a failed
    measurement says nothing about blocking) that were anomalous or confirmed — or, with
    ``confirmed_only``, confirmed by a blockpage fingerprint. Null where nothing was usable.

    >>> frame = pl.DataFrame({"measurement_count": [10, 2], "failure_count": [2, 2],
    ...                       "anomaly_count": [3, 0], "confirmed_count": [1, 0]})
    >>> frame.select(anomaly_rate()).to_series().to_list()
    [0.5, None]
    """
    usable = pl.col("measurement_count") - pl.col("failure_count")
    hits = pl.col("confirmed_count") if confirmed_only else pl.col("anomaly_count") + pl.col("confirmed_count")
    return pl.when(usable > 0).then(hits / usable)


#: The columns of a findings frame; the same as the pinned ``ooni-incidents`` resource (a test keeps
#: them in step with datasets/external/ooni-incidents/datapackage.json).
INCIDENT_FIELDS: list[dict[str, Any]] = [
    {"name": "id", "type": "string"},
    {"name": "slug", "type": "string"},
    {"name": "title", "type": "string"},
    {"name": "short_description", "type": "string"},
    {"name": "start_time", "type": "datetime"},
    {"name": "end_time", "type": "datetime"},
    {"name": "create_time", "type": "datetime"},
    {"name": "update_time", "type": "datetime"},
    {"name": "reported_by", "type": "string"},
    {"name": "published", "type": "boolean"},
    {"name": "event_type", "type": "string"},
    {"name": "asns", "type": "array", "claimaudit:source_name": "ASNs", "claimaudit:item_type": "integer"},
    {"name": "ccs", "type": "array", "claimaudit:source_name": "CCs", "claimaudit:item_type": "string"},
    {"name": "themes", "type": "array", "claimaudit:item_type": "string"},
    {"name": "tags", "type": "array", "claimaudit:item_type": "string"},
    {"name": "test_names", "type": "array", "claimaudit:item_type": "string"},
    {"name": "domains", "type": "array", "claimaudit:item_type": "string"},
    {"name": "links", "type": "array", "claimaudit:item_type": "string"},
]


def base_url() -> str:
    return config.url("CLAIMAUDIT_OONI_API")


#: OONI Explorer, the public web pages over the same data (ooni/explorer).
EXPLORER = "https://explorer.ooni.org"


def explorer_chart_url(
    *,
    probe_cc: str,
    test_name: str,
    since: DateLike,
    until: DateLike,
    domain: str | None = None,
    probe_asn: str | int | None = None,
    axis_y: str | None = None,
) -> str:
    """The OONI Explorer chart (MAT) for the same aggregation question: a page a person can open.

    Explorer passes its query to ``/api/v1/aggregation`` unchanged (ooni/explorer
    pages/chart/mat.js), so ``since``/``until`` mean the same: ``until`` is exclusive.

    >>> explorer_chart_url(probe_cc="PK", test_name="tor", since="2024-11-01", until="2024-12-01", axis_y="probe_asn")
    'https://explorer.ooni.org/chart/mat?probe_cc=PK&test_name=tor&since=2024-11-01&until=2024-12-01&axis_x=measurement_start_day&time_grain=day&axis_y=probe_asn'
    """
    params: dict[str, Any] = {
        "probe_cc": probe_cc,
        "test_name": test_name,
        "since": as_date(since, name="since").isoformat(),
        "until": as_date(until, name="until").isoformat(),
        "axis_x": "measurement_start_day",
        "time_grain": "day",
    }
    if axis_y:
        params["axis_y"] = axis_y
    if domain:
        params["domain"] = domain
    if probe_asn is not None:
        params["probe_asn"] = f"AS{str(probe_asn).removeprefix('AS')}"
    return f"{EXPLORER}/chart/mat?{urlencode(params)}"


def explorer_search_url(
    *,
    probe_cc: str,
    test_name: str,
    since: DateLike,
    until: DateLike,
    domain: str | None = None,
    probe_asn: str | int | None = None,
    only: str | None = None,
) -> str:
    """The OONI Explorer search page listing the same measurements (``only``: ``anomalies`` or
    ``confirmed``). Parameters as ooni/explorer pages/search.js reads them.

    >>> explorer_search_url(probe_cc="PK", test_name="web_connectivity", since="2024-02-01",
    ...                     until="2024-03-01", domain="x.com")
    'https://explorer.ooni.org/search?probe_cc=PK&test_name=web_connectivity&since=2024-02-01&until=2024-03-01&domain=x.com'
    """
    params: dict[str, Any] = {
        "probe_cc": probe_cc,
        "test_name": test_name,
        "since": as_date(since, name="since").isoformat(),
        "until": as_date(until, name="until").isoformat(),
    }
    if domain:
        params["domain"] = domain
    if probe_asn is not None:
        params["probe_asn"] = f"AS{str(probe_asn).removeprefix('AS')}"
    if only:
        if only not in ("anomalies", "confirmed"):
            raise DataError(f"only={only!r} is not anomalies or confirmed", hint="use only='anomalies' or 'confirmed'")
        params["only"] = only
    return f"{EXPLORER}/search?{urlencode(params)}"


def aggregation_url(
    *,
    probe_cc: str,
    test_name: str,
    since: dt.date,
    until: dt.date,
    probe_asn: str | None = None,
    domain: str | None = None,
    category_code: str | None = None,
    axis_x: str | None = "measurement_start_day",
    axis_y: str | None = "probe_asn",
) -> str:
    """The aggregation URL for one window (daily grain, CSV)."""
    params: dict[str, Any] = {
        "probe_cc": probe_cc,
        "test_name": test_name,
        "since": since.isoformat(),
        "until": until.isoformat(),
        "time_grain": "day",
    }
    for key, value in (
        ("axis_x", axis_x),
        ("axis_y", axis_y),
        ("probe_asn", probe_asn),
        ("domain", domain),
        ("category_code", category_code),
    ):
        if value:
            params[key] = value
    params["format"] = "CSV"
    return f"{base_url()}/api/v1/aggregation?{urlencode(params)}"


def aggregate(
    *,
    probe_cc: str,
    test_name: str,
    since: DateLike,
    until: DateLike,
    probe_asn: str | int | None = None,
    domain: str | None = None,
    category_code: str | None = None,
    axis_x: str | None = "measurement_start_day",
    axis_y: str | None = "probe_asn",
    offline: bool | None = None,
    mirror: str | Path | None = None,
    refresh: bool = False,
) -> pl.DataFrame:
    """Daily OONI counts for ``[since, until)``, one row per combination of the two axes.

    ``test_name`` may be a comma list; unless ``test_name`` is an axis, each test is queried on
    its own so the result keeps a ``test_name`` column. Columns: the axes (``measurement_start_day``
    as Date, ``probe_asn`` as Int64), ``test_name``, then :data:`COUNTERS`.
    """
    start, end = as_date(since, name="since"), as_date(until, name="until")
    axes = [a for a in (axis_x, axis_y) if a]
    asn = f"AS{str(probe_asn).removeprefix('AS')}" if probe_asn is not None else None
    tests = [test_name] if "test_name" in axes else [t.strip() for t in test_name.split(",") if t.strip()]
    if domain:
        domain = ",".join(sorted({d.strip() for d in domain.split(",") if d.strip()}))
    if not tests:
        raise DataError(
            f"test_name={test_name!r} names no test", hint="give one or more OONI test names, e.g. tor,psiphon"
        )
    # The fixed grid needs the day axis to cut its blocks back to the window; without it the
    # counts of a block are totals and only blocks that are exactly the window can be asked.
    blocks = grid_windows if "measurement_start_day" in axes else windows
    frames = []
    for test in tests:
        for lo, hi in blocks(start, end, days=AGGREGATION_DAYS):
            url = aggregation_url(
                probe_cc=probe_cc,
                test_name=test,
                since=lo,
                until=hi,
                probe_asn=asn,
                domain=domain,
                category_code=category_code,
                axis_x=axis_x,
                axis_y=axis_y,
            )
            got = fetch(
                url,
                offline=offline,
                mirror=mirror,
                refresh=refresh,
                live="ooni_api",
                window=(lo, hi - dt.timedelta(days=1)),
                empty=_is_empty,
                validate=lambda p, u=url, a=lo, b=hi: _parse_aggregation(p, u, axes, a, b),
            )
            frame = _parse_aggregation(got.path, url, axes, lo, hi)
            if "measurement_start_day" in axes:
                frame = frame.filter(pl.col("measurement_start_day").is_between(start, end, closed="left"))
            if "test_name" not in axes:
                frame = frame.with_columns(test_name=pl.lit(test))
            frames.append(frame)
    order = [*axes, *([] if "test_name" in axes else ["test_name"]), *COUNTERS]
    return pl.concat([f.select(order) for f in frames], how="vertical")


def _is_empty(path: Path) -> bool:
    """An empty body is the API's "no measurements" (common/utils.py:51-54, convert_to_csv) — but
    also what a failing proxy may send; it is recorded as empty and asked again next time."""
    return not path.read_bytes().strip()


def _parse_aggregation(path: Path, url: str, axes: list[str], since: dt.date, until: dt.date) -> pl.DataFrame:
    raw = path.read_bytes()
    schema = {**{a: _AXIS_TYPES.get(a, pl.String()) for a in axes}, **dict.fromkeys(COUNTERS, pl.Int64())}
    if not raw.strip():  # the API's answer for "no measurements"
        return pl.DataFrame(schema=schema)
    if raw.lstrip()[:1] in (b"{", b"["):
        message = api_error(read_json(path, url=url)) or raw[:200].decode("utf-8", "replace")
        raise FetchError(
            f"the OONI API answered with an error: {message}",
            url=url,
            hint="check the parameters (test_name, probe_asn, dates); the response was not cached",
        )
    try:
        text = pl.read_csv(io.BytesIO(raw), infer_schema=False)
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as exc:
        raise DataError(
            f"malformed CSV from the OONI API: {str(exc).splitlines()[0]}",
            file=url,
            hint="retry later; the response was not cached",
        ) from None
    missing = [c for c in schema if c not in text.columns]
    if missing:
        raise DataError(
            f"the OONI aggregation CSV lacks columns {missing} (has {text.columns})",
            file=url,
            line=1,
            hint="the API format may have changed; see research/API_FORMATS.md",
        )
    exprs = []
    for column, dtype in schema.items():
        value = pl.col(column).str.strip_chars()
        if column == "probe_asn":
            value = value.str.replace(r"^AS", "")
        if dtype == pl.Date():
            exprs.append(value.str.to_date("%Y-%m-%d", strict=False).alias(column))
        else:
            exprs.append(value.cast(dtype, strict=False).alias(column))
    typed = text.select(exprs)
    refuse_unparsed(
        text, typed, url=url, first_line=2, hint="the API format may have changed; the response was not cached"
    )
    problems = {
        "anomaly + confirmed + failure + ok differs from measurement_count": pl.sum_horizontal(COUNTERS[1:])
        != pl.col("measurement_count"),
        "a count is negative": pl.any_horizontal([pl.col(c) < 0 for c in COUNTERS]),
    }
    if "measurement_start_day" in schema:
        problems[f"a day lies outside the window {since} .. {until} (exclusive)"] = ~pl.col(
            "measurement_start_day"
        ).is_between(since, until, closed="left")
    for problem, expr in problems.items():
        bad = typed.with_row_index("_i").filter(expr.fill_null(True))
        if bad.height:
            raise DataError(
                f"{problem} ({bad.height} row(s))",
                file=url,
                line=int(bad["_i"][0]) + 2,
                hint="the API returned inconsistent counts; retry later or report it to OONI",
            )
    return typed


def measurements_url(
    *,
    probe_cc: str,
    test_name: str,
    since: dt.datetime,
    until: dt.datetime,
    probe_asn: str | int | None = None,
    domain: str | None = None,
    limit: int = 1000,
    offset: int = 0,
) -> str:
    """One page of ``/api/v1/measurements`` (the API keeps ``start > since`` and ``start <= until``)."""
    params: dict[str, Any] = {
        "probe_cc": probe_cc,
        "test_name": test_name,
        "since": since.strftime("%Y-%m-%dT%H:%M:%S"),
        "until": until.strftime("%Y-%m-%dT%H:%M:%S"),
        "order_by": "measurement_start_time",
        "order": "asc",
        "limit": limit,
    }
    if offset:
        params["offset"] = offset
    if probe_asn is not None:
        params["probe_asn"] = f"AS{str(probe_asn).removeprefix('AS')}"
    if domain:
        params["domain"] = domain
    return f"{base_url()}/api/v1/measurements?{urlencode(params)}"


def measurements(
    *,
    probe_cc: str,
    test_name: str,
    since: DateLike,
    until: DateLike,
    probe_asn: str | int | None = None,
    domain: str | None = None,
    limit: int = 1000,
    max_pages: int = 1000,
    offline: bool | None = None,
    mirror: str | Path | None = None,
    refresh: bool = False,
) -> pl.DataFrame:
    """The list of measurements that started in ``[since, until)`` (UTC days), page by page.

    The API keeps ``measurement_start_time > since`` and ``<= until``
    (ooni/backend oonimeasurements routers/v1/measurements.py:782-788), so claimaudit asks from
    one second before ``since`` to one second before ``until`` and keeps ``[since, until)`` again
    itself. Its pages are by offset, ordered by start time only (measurements.py:887-894), so
    measurements sharing a start time can move between pages; claimaudit therefore pages by
    time instead: each next page starts one second before the last start time seen (those
    measurements come again and are de-duplicated by ``measurement_uid``). Only when a whole page
    shares one second does it page by offset inside that second, and it checks the count.
    Ranges longer than 180 days (the API's limit, measurements.py:756-763) are split. One row per
    measurement: measurement_uid, report_id, measurement_start_time (UTC), probe_cc, probe_asn
    (Int64), test_name, input, anomaly, confirmed, failure, measurement_url.
    """
    start, end = as_date(since, name="since"), as_date(until, name="until")
    second = dt.timedelta(seconds=1)
    frames: list[pl.DataFrame] = []
    pages = 0

    def page(lo: dt.datetime, hi: dt.datetime, window: tuple[dt.date, dt.date], offset: int = 0) -> pl.DataFrame:
        nonlocal pages
        url = measurements_url(
            probe_cc=probe_cc,
            test_name=test_name,
            since=lo,
            until=hi,
            probe_asn=probe_asn,
            domain=domain,
            limit=limit,
            offset=offset,
        )
        pages += 1
        if pages > max_pages:
            raise FetchError(
                f"more than {max_pages} pages of measurements",
                url=url,
                hint="narrow the query (shorter window, probe_asn) or raise max_pages",
            )
        got = fetch(
            url,
            offline=offline,
            mirror=mirror,
            refresh=refresh,
            live="ooni_api",
            window=window,
            validate=lambda p, u=url: _measurement_page(p, u),
        )
        frame, _ = _measurement_page(got.path, url)
        frames.append(frame)
        return frame

    for lo, hi in windows(start, end, days=MEASUREMENT_DAYS):
        window = (lo, hi - dt.timedelta(days=1))
        cursor = dt.datetime.combine(lo, dt.time()) - second
        last_moment = dt.datetime.combine(hi, dt.time()) - second
        while True:
            got = page(cursor, last_moment, window)
            if got.height < limit:
                break
            times = got["measurement_start_time"].dt.replace_time_zone(None)
            first, last = times.min(), times.max()
            if first == last:  # a whole page in one second: page by offset inside it
                _one_second(page, last, second, window, limit, frames)
                cursor = last
            else:
                cursor = last - second
    if not frames:
        return pl.DataFrame(schema=_MEASUREMENT_SCHEMA)
    whole = pl.concat(frames).unique("measurement_uid", keep="first", maintain_order=True)
    lo_t = dt.datetime.combine(start, dt.time(), tzinfo=dt.UTC)
    hi_t = dt.datetime.combine(end, dt.time(), tzinfo=dt.UTC)
    return whole.filter(pl.col("measurement_start_time").is_between(lo_t, hi_t, closed="left")).sort(
        "measurement_start_time", "measurement_uid"
    )


def _one_second(page, moment: dt.datetime, second: dt.timedelta, window, limit: int, frames) -> None:
    seen: set[str] = set()
    offset = 0
    while True:
        got = page(moment - second, moment, window, offset)
        seen.update(got["measurement_uid"].to_list())
        if got.height < limit:
            break
        offset += limit
    count = offset + got.height  # the API's own count when a page is short (measurements.py:949-952)
    if len(seen) < count:
        raise DataError(
            f"{count} measurements share the start time {moment.isoformat()}Z but only {len(seen)}"
            " distinct ones came back: the API pages by offset ordered by start time only, so"
            " some were skipped",
            hint="ask again with a larger limit= (one page for that second)",
        )


_MEASUREMENT_FIELDS: list[dict[str, Any]] = [
    {"name": "measurement_uid", "type": "string"},
    {"name": "report_id", "type": "string"},
    {"name": "measurement_start_time", "type": "datetime"},
    {"name": "probe_cc", "type": "string"},
    {"name": "probe_asn", "type": "string"},
    {"name": "test_name", "type": "string"},
    {"name": "input", "type": "string"},
    {"name": "anomaly", "type": "boolean"},
    {"name": "confirmed", "type": "boolean"},
    {"name": "failure", "type": "boolean"},
    {"name": "measurement_url", "type": "string"},
]


_MEASUREMENT_SCHEMA = {
    "measurement_uid": pl.String(),
    "report_id": pl.String(),
    "measurement_start_time": pl.Datetime("us", "UTC"),
    "probe_cc": pl.String(),
    "probe_asn": pl.Int64(),
    "test_name": pl.String(),
    "input": pl.String(),
    "anomaly": pl.Boolean(),
    "confirmed": pl.Boolean(),
    "failure": pl.Boolean(),
    "measurement_url": pl.String(),
}


def _measurement_page(path: Path, url: str) -> tuple[pl.DataFrame, str | None]:
    """One page as a typed frame (a value of the wrong type is a DataError naming the record)."""
    from claimaudit.datasets._typed import records_frame

    data = read_json(path, url=url)
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        message = api_error(data) or "no 'results' list"
        raise FetchError(
            f"the OONI API answered with an error: {message}",
            url=url,
            hint="check the parameters; the response was not cached",
        )
    frame = records_frame(data["results"], _MEASUREMENT_FIELDS, shown=url)
    asn = frame["probe_asn"].str.replace(r"^AS", "")
    typed = asn.cast(pl.Int64, strict=False)
    if (bad := asn.is_not_null() & typed.is_null()).any():
        i = int(bad.arg_true()[0])
        raise DataError(
            f"probe_asn {frame['probe_asn'][i]!r} is not an AS number (record {i + 1})",
            file=url,
            column="probe_asn",
            hint="the API format may have changed; the response was not cached",
        )
    metadata = data.get("metadata") or {}
    return frame.with_columns(probe_asn=typed), metadata.get("next_url") or None


def incidents(
    country_code: str, *, offline: bool | None = None, mirror: str | Path | None = None, refresh: bool = False
) -> pl.DataFrame:
    """OONI Explorer findings for a country, live; the same columns as the pinned ``ooni-incidents``."""
    from claimaudit.datasets._typed import records_frame

    url = f"{base_url()}/api/v1/incidents/search?{urlencode({'country_code': country_code})}"

    def parse(path: Path) -> pl.DataFrame:
        data = read_json(path, url=url)
        if not isinstance(data, dict) or not isinstance(data.get("incidents"), list):
            raise FetchError(
                f"the OONI API answered with an error: {api_error(data) or 'no incidents list'}",
                url=url,
                hint="check the country code; the response was not cached",
            )
        return records_frame(data["incidents"], INCIDENT_FIELDS, shown=url)

    got = fetch(
        url, offline=offline, mirror=mirror, refresh=refresh, validate=parse, live="ooni_api", window=(None, None)
    )  # the findings list grows: open-ended, asked again after the TTL
    return parse(got.path)
