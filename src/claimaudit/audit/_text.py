"""Wording for explanations: numbers with separators, dates with their precision, claims in brief.

>>> fmt_number(844008.0)
'844,008'
>>> fmt_number(84.72)
'84.72'
>>> fmt_ratio(0.18018)
'0.18'
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

_QUALIFIER_WORDS = {
    "exact": "",
    "over": "over ",
    "at_least": "at least ",
    "about": "about ",
    "under": "under ",
    "up_to": "up to ",
}
_UNIT_WORDS = {
    "urls": "URLs",
    "web_links": "web links",
    "websites_or_pages": "websites or pages",
    "vpns": "VPNs",
    "vpns_or_ips": "VPNs or IP addresses",
}
_PERIOD_WORDS = {
    "cumulative": "cumulative",
    "cumulative_since": "cumulative since a start date",
    "fiscal_year": "fiscal year",
    "window": "window",
    "per_day": "per day",
    "per_week": "per week",
    "point_in_time": "at a point in time",
    "unspecified": "period unspecified",
}


def fmt_number(value: float | int | None) -> str:
    """A figure as printed in a report: thousands separators, no spurious decimals."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "n/a"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def fmt_ratio(value: float) -> str:
    """A ratio with enough digits to be read: 2 decimals, or 2 significant digits below 0.01."""
    if value == 0 or abs(value) >= 0.01:
        return f"{value:,.2f}"
    return f"{value:.2g}"


def fmt_pct(value: float) -> str:
    return f"{value * 100:,.1f}%"


def fmt_share(value: float) -> str:
    """A relative difference as a percentage, never rounded to a misleading 0.0%.

    >>> fmt_share(1 / 2835), fmt_share(0.055)
    ('0.035%', '5.5%')
    """
    pct = value * 100
    if pct != 0 and abs(pct) < 0.1:
        return f"{pct:.2g}%"
    return f"{pct:,.1f}%"


def unit_word(unit: str | None) -> str:
    return _UNIT_WORDS.get(unit or "", unit or "")


def period_word(period: str | None) -> str:
    return _PERIOD_WORDS.get(period or "", period or "")


def fmt_date(date: dt.date | None, precision: str | None = "day") -> str:
    """A claim date as precise as the source allows."""
    if date is None or precision == "unknown":
        return "undated"
    if precision == "month":
        return date.strftime("%Y-%m")
    if precision == "year":
        return str(date.year)
    if precision == "approx":
        return f"about {date.isoformat()}"
    return date.isoformat()


def fmt_value(row: dict[str, Any]) -> str:
    """``over 500,000 websites`` from a claim row."""
    words = _QUALIFIER_WORDS.get(row.get("qualifier") or "exact", "")
    unit = unit_word(row.get("unit"))
    return f"{words}{fmt_number(row.get('value'))}{' ' + unit if unit and unit != 'none' else ''}"


def fmt_claim(row: dict[str, Any]) -> str:
    """``over 500,000 websites blocked (PTA Chairman, 2024-11-18) [claim-id]``."""
    verb = row.get("verb") or ""
    when = fmt_date(row.get("statement_date"), row.get("date_precision"))
    as_of = row.get("_date")
    if as_of is not None and as_of != row.get("statement_date"):
        when = f"stated {when}, figure as of {as_of.isoformat()}"
    confidence = row.get("confidence")
    flag = f", {confidence} confidence" if confidence in ("medium", "low") else ""
    return f"{fmt_value(row)} {verb} ({row.get('claimant')}, {when}) [{row.get('claim_id')}{flag}]"


def days_between(a: dt.date, b: dt.date) -> int:
    return abs((b - a).days)


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"
