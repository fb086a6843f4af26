"""The one formatter: how every number, share, ratio and date is printed, in every language.

Explanations, finding slots, chart titles, notebook and report tables, the scorecard, index.html
and the report all print through these functions (CSV files keep raw values), so a figure reads
the same everywhere. Two kinds of number, two rules:

- **A stated figure** (an official or reported figure, a count, a difference of stated figures)
  is printed exactly as stated: :func:`stated` keeps every digit and every decimal it had, adds
  thousands grouping and never rounds (``84.725``, ``1,091,095``).
- **A computed statistic** (a ratio, share, rate, mean, or a difference of computed values) is
  rounded by one rule: :func:`statistic` prints two decimals (``0.18``), two significant digits
  when it is non-zero and below 0.01 (``0.0035``), and a whole number from 1,000 up (``12,346``);
  :func:`share` prints a fraction as a percentage with one decimal (``5.5%``), two significant
  digits when it is non-zero and below 0.1% (``0.035%``), and, set against a stated percentage
  (``like=``), as many decimals as that figure has, so a comparison is not blurred by rounding.

Numbers use Babel's symbols for the language's locale and Latin digits (also in Urdu); a missing
number prints ``—``. Dates are printed with the precision they were stated with (:func:`date`):
ISO in English (``2024-11-18``, ``2024-11``, ``2024``), Babel's long form in Urdu.

>>> stated(84.725), stated(1091095), stated(844008.0), stated(None)
('84.725', '1,091,095', '844,008', '—')
>>> statistic(0.18018), statistic(0.0035273), statistic(12345.67), statistic(2.5)
('0.18', '0.0035', '12,346', '2.50')
>>> share(0.055), share(1 / 2835), share(0.1234, like=12.5), share(0.123456, like="12.35%")
('5.5%', '0.035%', '12.3%', '12.35%')
>>> date("2024-11-18"), date("2024-11-18", precision="month"), date("2024-11-18", "ur", precision="year")
('2024-11-18', '2024-11', '2024')
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

_LOCALES = {"en": "en_GB", "ur": "ur_PK"}
#: date precision -> Babel pattern per language (``day`` is the default).
_DATE_PATTERNS = {
    "en": {"day": "yyyy-MM-dd", "month": "yyyy-MM", "year": "yyyy"},
    "ur": {"day": "long", "month": "MMMM y", "year": "yyyy"},
}
MISSING = "—"


def _locale(lang: str | None) -> str:
    from claimaudit.i18n import current

    return _LOCALES.get(lang or current(), "en_GB")


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


# --------------------------------------------------------------------------- stated figures


def stated(value: float | int | Decimal | None, lang: str | None = None) -> str:
    """An official or reported figure exactly as stated: thousands grouping, every digit and every
    decimal it had, never rounded (a whole float prints without ``.0``).

    >>> stated(82.2927252793334), stated(-120000), stated(20_000_000)
    ('82.2927252793334', '-120,000', '20,000,000')
    """
    from babel.numbers import format_decimal

    if _missing(value):
        return MISSING
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if isinstance(value, float) and abs(value) >= 1e15:
        return f"{value:,}"  # beyond a float's exact digits: as Python prints it
    return format_decimal(value, format="#,##0.###", locale=_locale(lang), decimal_quantization=False)


#: :func:`stated` under the name the rest of i18n has always used.
number = stated


def stated_difference(a: float | int, b: float | int) -> float | int:
    """``a - b`` of two stated figures, in decimal arithmetic, so the difference has no digit the
    figures did not have (``84.725 - 84.72`` is ``0.005``, not ``0.0049999…``).

    >>> stated_difference(84.725, 84.72), stated_difference(903074, 844008)
    (0.005, 59066)
    """
    exact = Decimal(str(a)) - Decimal(str(b))
    return int(exact) if exact == exact.to_integral_value() else float(exact)


# --------------------------------------------------------------------------- computed statistics


def statistic(value: float | int | None, lang: str | None = None) -> str:
    """A computed statistic (ratio, rate, mean, a difference of computed values), rounded by the one
    rule: two decimals; two significant digits when non-zero and below 0.01; a whole number from
    1,000 up.

    >>> statistic(0), statistic(-0.25), statistic(1.0), statistic(None)
    ('0.00', '-0.25', '1.00', '—')
    """
    from babel.numbers import format_decimal

    if _missing(value):
        return MISSING
    size = abs(value)
    if size >= 1000:
        pattern = "#,##0"
    elif size == 0 or size >= 0.01:
        pattern = "#,##0.00"
    else:
        pattern = "@@"
    return format_decimal(value, format=pattern, locale=_locale(lang))


def _decimals(figure: Any) -> int:
    text = figure if isinstance(figure, str) else stated(figure, "en")
    frac = text.partition(".")[2]
    return len(frac.rstrip("%").strip())


def share(fraction: float | None, lang: str | None = None, *, like: Any = None) -> str:
    """A computed share (a fraction: 0.055) as a percentage: one decimal; two significant digits
    when non-zero and below 0.1% (never a misleading ``0.0%``); set against a stated percentage
    ``like`` (``12.35`` or ``"12.35%"``), as many decimals as it has (at least one).

    >>> share(0), share(-0.109), share(0.5), share(None)
    ('0.0%', '-10.9%', '50.0%', '—')
    """
    from babel.numbers import format_percent

    if _missing(fraction):
        return MISSING
    pct = abs(fraction) * 100
    if like is not None:
        return percent(fraction, lang, digits=max(1, _decimals(like)))
    if pct != 0 and pct < 0.1:
        return format_percent(fraction, format="@@%", locale=_locale(lang))
    return percent(fraction, lang, digits=1)


def percent(fraction: float, lang: str | None = None, *, digits: int = 1) -> str:
    """A fraction (0.055) as a percentage with exactly ``digits`` decimals (``5.5%``); :func:`share`
    chooses the digits for a computed share.

    >>> percent(0.055), percent(0.5, digits=0)
    ('5.5%', '50%')
    """
    from babel.numbers import format_percent

    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return format_percent(fraction, format=pattern, locale=_locale(lang))


# --------------------------------------------------------------------------- dates


def date(value: dt.date | dt.datetime | str | None, lang: str | None = None, *, precision: str | None = None) -> str:
    """A date with the precision it was stated with (``day``, ``month``, ``year``; ``approx``
    prints "about <day>"; ``unknown`` prints "undated"), by the language's pattern: ISO in
    English, Babel's long form in Urdu. Without a ``precision`` a missing date prints ``""``;
    with one (a claim's date) it prints "undated".

    >>> date("2024-11-18"), date(dt.date(2024, 11, 18), "ur"), date(None), date(None, precision="day")
    ('2024-11-18', '18 نومبر، 2024', '', 'undated')
    >>> date("2024-11-18", precision="approx"), date("2024-11-18", "ur", precision="month")
    ('about 2024-11-18', 'نومبر 2024')
    """
    from babel.dates import format_date

    from claimaudit.i18n import current, gettext

    if value is None or precision == "unknown":
        return "" if precision is None else gettext("undated", lang)
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    if isinstance(value, dt.datetime):
        value = value.date()
    lang = lang or current()
    patterns = _DATE_PATTERNS.get(lang, _DATE_PATTERNS["en"])
    if precision == "approx":
        return gettext("about {date}", lang).format(date=date(value, lang))
    pattern = patterns.get(precision or "day", patterns["day"])
    return format_date(value, pattern, locale=_LOCALES.get(lang, "en_GB"))


# --------------------------------------------------------------------------- slots


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: slot names whose number is a computed statistic (:func:`statistic`); ``*_ratio``, ``*_mean``
#: and ``computed_*`` too. ``share``/``rate``/``*_share``/``*_rate`` is a computed share, a
#: fraction (:func:`share`); ``stated_*`` is always a stated figure.
STATISTIC_SLOTS = frozenset({"ratio", "ratios", "threshold", "mean"})


def kind_of(name: str) -> str:
    """How a slot named ``name`` prints a number: ``share``, ``statistic``, ``magnitude`` (a
    stated difference, printed without its sign: the template's words say up or down) or
    ``stated``.

    >>> kind_of("change_share"), kind_of("anomaly_rate"), kind_of("ratios"), kind_of("computed_rate")
    ('share', 'share', 'statistic', 'statistic')
    >>> kind_of("difference"), kind_of("stated_rate"), kind_of("value")
    ('magnitude', 'stated', 'stated')
    """
    if name.startswith("stated_"):
        return "stated"
    if name.startswith("computed_") or name in STATISTIC_SLOTS or name.endswith(("_ratio", "_mean")):
        return "statistic"
    if name in ("share", "rate") or name.endswith(("_share", "_rate")):
        return "share"
    if name == "difference" or name.endswith("_difference"):
        return "magnitude"
    return "stated"


def slot(name: str, value: Any, lang: str | None = None) -> str:
    """One slot value of a message, printed by its value and its name (:func:`kind_of`): a number
    by its kind, an ISO date by :func:`date`, a list as "a, b and c", ``None`` as ``—``, a word the
    catalogue has translated, an id or name kept (isolated in right-to-left text).

    >>> slot("figures", [101083, 110083]), slot("change_share", -0.109), slot("ratio", 0.18018)
    ('101,083 and 110,083', '10.9%', '0.18')
    >>> slot("difference", -120000), slot("date", "2024-11-18"), slot("x", None), slot("ok", True)
    ('120,000', '2024-11-18', '—', 'yes')
    """
    from claimaudit.i18n import current, gettext, isolate, messages

    if value is None:
        return MISSING
    if isinstance(value, bool):
        return gettext("yes", lang) if value else gettext("no", lang)
    if isinstance(value, int | float | Decimal):
        kind = kind_of(name)
        if kind == "share":
            return share(abs(value), lang)
        if kind == "statistic":
            return statistic(value, lang)
        return stated(abs(value) if kind == "magnitude" else value, lang)
    if isinstance(value, dt.date | dt.datetime) or (isinstance(value, str) and _ISO_DATE.match(value)):
        return date(value, lang)
    if isinstance(value, Sequence) and not isinstance(value, str):
        return items([slot(name, v, lang) for v in value], lang)
    if isinstance(value, Mapping):
        return str(value)
    text = str(value)
    # a slot value is data (a name, an id); a vocabulary word the catalogue has is translated
    return isolate(messages(lang or current()).get(text, text) if text else text)


def items(texts: Sequence[str], lang: str | None = None) -> str:
    """``a, b and c`` (``none`` when empty).

    >>> items(["a"]), items(["a", "b", "c"]), items([])
    ('a', 'a, b and c', 'none')
    """
    from claimaudit.i18n import gettext

    texts = list(texts)
    if not texts:
        return gettext("none", lang)
    if len(texts) == 1:
        return texts[0]
    return gettext("{first} and {last}", lang).format(first=gettext(", ", lang).join(texts[:-1]), last=texts[-1])
