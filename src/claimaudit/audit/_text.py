"""Wording for explanations: claims in brief; numbers, shares and dates by the one formatter
(:mod:`claimaudit.i18n`), in English.

>>> fmt_number(844008.0)
'844,008'
>>> fmt_number(84.72)
'84.72'
>>> fmt_ratio(0.18018)
'0.18'
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from claimaudit import i18n

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
    """A stated figure exactly as stated (:func:`claimaudit.i18n.stated`; the audit writes English)."""
    return i18n.stated(value, "en")


def fmt_ratio(value: float) -> str:
    """A computed ratio (:func:`claimaudit.i18n.statistic`)."""
    return i18n.statistic(value, "en")


def fmt_share(value: float) -> str:
    """A computed share as a percentage (:func:`claimaudit.i18n.share`).

    >>> fmt_share(1 / 2835), fmt_share(0.055)
    ('0.035%', '5.5%')
    """
    return i18n.share(value, "en")


def unit_word(unit: str | None) -> str:
    return _UNIT_WORDS.get(unit or "", unit or "")


def period_word(period: str | None) -> str:
    return _PERIOD_WORDS.get(period or "", period or "")


def fmt_date(date: dt.date | None, precision: str | None = "day") -> str:
    """A claim date as precise as the source allows (:func:`claimaudit.i18n.date`)."""
    return i18n.date(date, "en", precision=precision or "day")


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
