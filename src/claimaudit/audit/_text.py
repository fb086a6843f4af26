"""Vocabulary words (units, periods) of the audit's wording, and the English number helpers the
evidence sentences of :mod:`claimaudit.audit._gather` still use, all by the one formatter
(:mod:`claimaudit.i18n`). Claims, figures and dates in explanations are steps rendered by
:func:`claimaudit.audit._findings.render_step`.

>>> fmt_number(844008.0)
'844,008'
>>> fmt_number(84.72)
'84.72'
>>> fmt_ratio(0.18018)
'0.18'
"""

from __future__ import annotations

from claimaudit import i18n

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


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"
