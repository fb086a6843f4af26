"""IODA (Internet Outage Detection and Analysis) raw signals, live: BGP, active probing, telescope…

Base URL: ``CLAIMAUDIT_IODA_API`` (default ``https://api.ioda.inetintel.cc.gatech.edu``).
``GET /v2/signals/raw/{entity_type}/{entity_code}?from=<unix>&until=<unix>[&datasource=]``;
each series gives ``from``, ``step`` and ``values``: value *i* is at ``from + i*step``. Nulls
(no data) are kept as nulls. Licence: IODA's academic/research terms; check before redistributing.

>>> pk = signals("country", "PK", "2024-11-01", "2024-12-01", offline=True)   # doctest: +SKIP
>>> pk.columns                                                               # doctest: +SKIP
['entity_type', 'entity_code', 'entity_name', 'datasource', 'subtype', 'timestamp', 'value', 'step']
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import polars as pl

from claimaudit.datasets._live import DateLike, api_error, as_date, read_json
from claimaudit.errors import DataError, FetchError
from claimaudit.fetch import fetch

__all__ = ["ENTITY_TYPES", "base_url", "signals", "signals_url"]

ENTITY_TYPES = ("continent", "country", "region", "county", "asn")
_SCHEMA = {"entity_type": pl.String(), "entity_code": pl.String(), "entity_name": pl.String(),
           "datasource": pl.String(), "subtype": pl.String(), "timestamp": pl.Datetime("us", "UTC"),
           "value": pl.Float64(), "step": pl.Int64()}


def base_url() -> str:
    return os.environ.get("CLAIMAUDIT_IODA_API", "https://api.ioda.inetintel.cc.gatech.edu").rstrip("/")


def _unix(value: DateLike, name: str) -> int:
    if isinstance(value, dt.datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return int(moment.timestamp())
    return calendar.timegm(as_date(value, name=name).timetuple())


def signals_url(entity_type: str, entity_code: str, since: DateLike, until: DateLike,
                *, datasource: str | None = None) -> str:
    if entity_type not in ENTITY_TYPES:
        raise DataError(f"entity_type={entity_type!r} is not one of {', '.join(ENTITY_TYPES)}",
                        hint="use country, asn, region, county or continent")
    start, end = _unix(since, "since"), _unix(until, "until")
    if end <= start:
        raise DataError("until is not after since", hint="give an until after since")
    params: dict[str, Any] = {"from": start, "until": end}
    if datasource:
        params["datasource"] = datasource
    return f"{base_url()}/v2/signals/raw/{entity_type}/{quote(str(entity_code))}?{urlencode(params)}"


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
    """A tidy frame of IODA signals: one row per (series, timestamp), nulls kept."""
    url = signals_url(entity_type, entity_code, since, until, datasource=datasource)
    got = fetch(url, offline=offline, mirror=mirror, refresh=refresh, validate=lambda p: _parse(p, url))
    return _parse(got.path, url)


def _parse(path: Path, url: str) -> pl.DataFrame:
    data = read_json(path, url=url)
    if not isinstance(data, dict) or data.get("error") or not isinstance(data.get("data"), list):
        raise FetchError(f"IODA answered with an error: {api_error(data) or 'no data list'}", url=url,
                         hint="check entity type, code and datasource; the response was not cached")
    frames = []
    for group in data["data"]:
        for series in group if isinstance(group, list) else [group]:
            frames.append(_series(series, url))
    if not frames:
        return pl.DataFrame(schema=_SCHEMA)
    return pl.concat(frames, how="vertical")


def _series(series: dict[str, Any], url: str) -> pl.DataFrame:
    try:
        start, step, values = int(series["from"]), int(series["step"]), list(series["values"])
    except (KeyError, TypeError, ValueError) as exc:
        raise DataError(f"an IODA series lacks from/step/values ({exc})", file=url,
                        hint="the API format may have changed; the response was not cached") from None
    if step <= 0:
        raise DataError(f"an IODA series has step {step}", file=url, hint="the response was not cached")
    nested = next((v for v in values if v is not None and not isinstance(v, int | float)), None)
    if nested is not None:
        raise DataError(f"datasource {series.get('datasource')!r} has non-numeric values ({nested!r:.60})",
                        file=url, hint="ask for a datasource with scalar values (bgp, ping-slash24, merit-nt, gtr)")
    n = len(values)
    return pl.DataFrame({
        "entity_type": [series.get("entityType")] * n, "entity_code": [series.get("entityCode")] * n,
        "entity_name": [series.get("entityName")] * n, "datasource": [series.get("datasource")] * n,
        "subtype": [series.get("subtype")] * n,
        "timestamp": pl.Series(range(start, start + n * step, step), dtype=pl.Int64),
        "value": pl.Series(values, dtype=pl.Float64), "step": [step] * n,
    }, schema_overrides={k: v for k, v in _SCHEMA.items() if k != "timestamp"}).with_columns(
        pl.from_epoch("timestamp", time_unit="s").dt.replace_time_zone("UTC").dt.cast_time_unit("us")
    ).select(list(_SCHEMA))
