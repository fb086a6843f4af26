"""IODA (Internet Outage Detection and Analysis) raw signals, live: BGP, active probing, telescope…

Base URL: ``CLAIMAUDIT_IODA_API`` (default ``https://api.ioda.inetintel.cc.gatech.edu``).
``GET /v2/signals/raw/{entity_type}/{entity_code}?from=<unix>&until=<unix>&datasource=<ds>``;
each series gives ``from``, ``step`` and ``values``: value *i* is at ``from + i*step``. Nulls
(no data) are kept as nulls. Licence: IODA's academic/research terms; check before redistributing.

What the server does, and what claimaudit does about it (InetIntel/ioda-api @a5fac0e):

* Without ``datasource`` it answers for every datasource (``SignalsController.php:356-358``), and
  several of those (ping-slash24-loss/-latency, gtr-sarima, mozilla, upstream-delay-*) are merged
  with the "append" strategy (``SignalsService.php:415-437``, ``InfluxV2Backend::mergeFrames``,
  ``InfluxV2Backend.php:161-220``): each value is then a *list of objects*, not a number. So
  :func:`signals` asks for the datasources of :data:`DATASOURCES` one at a time; a series whose
  values are not numbers is skipped, with a warning naming it, never silently parsed.
* A range over 100 days is refused with HTTP 400 (``SignalsController.php:133-137``), so longer
  windows are asked in pieces of at most 100 days, and joined.
* Errors come in the envelope's ``error`` (``Envelope.php:294-297``) with status 400
  (``SignalsController.php:349-351``); claimaudit's error shows it. But a failing backend gives
  status 200 with no series and no error (``SignalsController.php:364-370``: ``setData`` after
  ``setError`` clears the error, ``Envelope.php:305-309``), so an answer without series is
  recorded as empty and asked again on the next online fetch.

>>> pk = signals("country", "PK", "2024-11-01", "2024-12-01", offline=True)   # doctest: +SKIP
>>> pk.columns                                                               # doctest: +SKIP
['entity_type', 'entity_code', 'entity_name', 'datasource', 'subtype', 'timestamp', 'value', 'step']
"""

from __future__ import annotations

import calendar
import datetime as dt
import warnings
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import polars as pl

from claimaudit import config
from claimaudit.datasets._live import DateLike, api_error, as_date, read_json
from claimaudit.errors import DataError, FetchError
from claimaudit.fetch import fetch

__all__ = [
    "DASHBOARD",
    "DATASOURCES",
    "ENTITY_TYPES",
    "MAX_DAYS",
    "base_url",
    "dashboard_url",
    "signals",
    "signals_url",
]

ENTITY_TYPES = ("continent", "country", "region", "county", "asn")
#: The datasources the audit and the notebooks use; each has one number per time step.
DATASOURCES = ("bgp", "ping-slash24", "merit-nt", "gtr")
#: The longest range IODA answers in one request (SignalsController.php:133-137).
MAX_DAYS = 100
#: IODA's public dashboard.
DASHBOARD = "https://ioda.inetintel.cc.gatech.edu"
_SCHEMA = {
    "entity_type": pl.String(),
    "entity_code": pl.String(),
    "entity_name": pl.String(),
    "datasource": pl.String(),
    "subtype": pl.String(),
    "timestamp": pl.Datetime("us", "UTC"),
    "value": pl.Float64(),
    "step": pl.Int64(),
}


def base_url() -> str:
    return config.url("CLAIMAUDIT_IODA_API")


def _unix(value: DateLike | int, name: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return int(moment.timestamp())
    return calendar.timegm(as_date(value, name=name).timetuple())


def signals_url(
    entity_type: str, entity_code: str, since: DateLike | int, until: DateLike | int, *, datasource: str | None = None
) -> str:
    if entity_type not in ENTITY_TYPES:
        raise DataError(
            f"entity_type={entity_type!r} is not one of {', '.join(ENTITY_TYPES)}",
            hint="use country, asn, region, county or continent",
        )
    start, end = _unix(since, "since"), _unix(until, "until")
    if end <= start:
        raise DataError("until is not after since", hint="give an until after since")
    params: dict[str, Any] = {"from": start, "until": end}
    if datasource:
        params["datasource"] = datasource
    return f"{base_url()}/v2/signals/raw/{entity_type}/{quote(str(entity_code))}?{urlencode(params)}"


def dashboard_url(entity_type: str, entity_code: str, since: DateLike, until: DateLike) -> str:
    """The IODA dashboard page for the same entity and range: a page a person can open.

    >>> dashboard_url("country", "PK", "2024-11-01", "2024-12-01")
    'https://ioda.inetintel.cc.gatech.edu/country/PK?from=1730419200&until=1733011200'
    """
    if entity_type not in ENTITY_TYPES:
        raise DataError(
            f"entity_type={entity_type!r} is not one of {', '.join(ENTITY_TYPES)}",
            hint="use country, asn, region, county or continent",
        )
    params = urlencode({"from": _unix(since, "since"), "until": _unix(until, "until")})
    return f"{DASHBOARD}/{entity_type}/{quote(str(entity_code))}?{params}"


def _pieces(start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` in pieces of at most :data:`MAX_DAYS` days (IODA's limit).

    >>> [(b - a) // 86400 for a, b in _pieces(0, 250 * 86400)]
    [100, 100, 50]
    """
    span = MAX_DAYS * 86400
    out, lo = [], start
    while lo < end:
        out.append((lo, min(lo + span, end)))
        lo += span
    return out


def signals(
    entity_type: str,
    entity_code: str,
    since: DateLike,
    until: DateLike,
    *,
    datasource: str | None = None,
    offline: bool | None = None,
    mirror: str | Path | None = None,
    refresh: bool = False,
) -> pl.DataFrame:
    """A tidy frame of IODA signals for ``[since, until)``: one row per (series, timestamp), nulls kept.

    ``datasource`` one of IODA's; by default each of :data:`DATASOURCES` is asked on its own.
    Ranges over :data:`MAX_DAYS` days are asked in pieces.
    """
    signals_url(entity_type, entity_code, since, until)  # validates the arguments
    start, end = _unix(since, "since"), _unix(until, "until")
    frames = []
    for source in [datasource] if datasource else DATASOURCES:
        for lo, hi in _pieces(start, end):
            url = signals_url(entity_type, entity_code, lo, hi, datasource=source)
            window = (dt.datetime.fromtimestamp(lo, dt.UTC).date(), dt.datetime.fromtimestamp(hi - 1, dt.UTC).date())
            got = fetch(
                url,
                offline=offline,
                mirror=mirror,
                refresh=refresh,
                live="ioda",
                window=window,
                validate=lambda p, u=url, d=source: _parse(p, u, warn=False, asked=d),
                empty=lambda p, u=url, d=source: _parse(p, u, warn=False, asked=d).height == 0,
            )
            frame = _parse(got.path, url, asked=source)
            frames.append(frame.filter(pl.col("timestamp") < dt.datetime.fromtimestamp(hi, dt.UTC)))
    if not frames:
        return pl.DataFrame(schema=_SCHEMA)
    return pl.concat(frames, how="vertical").unique(
        ["datasource", "subtype", "entity_code", "timestamp"], keep="first", maintain_order=True
    )


def _parse(path: Path, url: str, *, warn: bool = True, asked: str | None = None) -> pl.DataFrame:
    data = read_json(path, url=url)  # strict: NaN, Infinity and -1e999 are refused
    if not isinstance(data, dict) or data.get("error") or not isinstance(data.get("data"), list):
        raise FetchError(
            f"IODA answered with an error: {api_error(data) or 'no data list'}",
            url=url,
            hint="check entity type, code and datasource; the response was not cached",
        )
    frames = []
    for group in data["data"]:
        for series in group if isinstance(group, list) else [group]:
            frame = _series(series, url, warn=warn, asked=asked)
            if frame is not None:
                frames.append(frame)
    if not frames:
        return pl.DataFrame(schema=_SCHEMA)
    return pl.concat(frames, how="vertical")


def _series(series: dict[str, Any], url: str, *, warn: bool = True, asked: str | None = None) -> pl.DataFrame | None:
    if not isinstance(series, dict):
        raise DataError(
            f"an IODA series is not an object ({series!r:.60})",
            file=url,
            hint="the API format may have changed; the response was not cached",
        )
    try:
        start, step, values = int(series["from"]), int(series["step"]), list(series["values"])
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError(
            f"an IODA series lacks from/step/values ({exc})",
            file=url,
            hint="the API format may have changed; the response was not cached",
        ) from None
    if step <= 0:
        raise DataError(f"an IODA series has step {step}", file=url, hint="the response was not cached")
    nested = next(
        (v for v in values if v is not None and (isinstance(v, bool) or not isinstance(v, int | float))), None
    )
    if nested is not None:
        # A merged ("append") datasource: each value is a list of objects (InfluxV2Backend.php:185-195).
        if asked is not None and series.get("datasource") == asked:
            raise DataError(
                f"datasource {asked!r} has non-numeric values ({nested!r:.60}): IODA merges it into lists of objects",
                file=url,
                hint=f"ask for a datasource with one number per step ({', '.join(DATASOURCES)})",
            )
        if warn:
            warnings.warn(
                f"{url}: skipped IODA series {series.get('datasource')!r}: its values are not numbers"
                f" ({nested!r:.60}); ask for one of {', '.join(DATASOURCES)}",
                stacklevel=3,
            )
        return None
    n = len(values)
    return (
        pl.DataFrame(
            {
                "entity_type": [series.get("entityType")] * n,
                "entity_code": [series.get("entityCode")] * n,
                "entity_name": [series.get("entityName")] * n,
                "datasource": [series.get("datasource")] * n,
                "subtype": [series.get("subtype")] * n,
                "timestamp": pl.Series(range(start, start + n * step, step), dtype=pl.Int64),
                "value": pl.Series(values, dtype=pl.Float64),
                "step": [step] * n,
            },
            schema_overrides={k: v for k, v in _SCHEMA.items() if k != "timestamp"},
        )
        .with_columns(pl.from_epoch("timestamp", time_unit="s").dt.replace_time_zone("UTC").dt.cast_time_unit("us"))
        .select(list(_SCHEMA))
    )
