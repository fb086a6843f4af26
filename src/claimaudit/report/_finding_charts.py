"""One chart made for each headline finding of the report, in the house style (:mod:`claimaudit.notebook.charts`).

Each function takes the curated frames (and third-party frames where it draws them), keeps only
the rows its finding rests on, and computes its title from those rows: the title states the
finding with its figures, a source line names who published the data, a rate carries its n, and
only the events that bear on the chart are marked. Labels sit in panel titles or in the key under
the chart, so they never print over each other or over the data.

>>> import datetime as dt, polars as pl
>>> claims = pl.DataFrame({
...     "claim_id": ["synthetic-a", "synthetic-b"], "statement_id": ["s-a", "s-b"],
...     "statement_date": [dt.date(2022, 3, 1), dt.date(2024, 11, 13)], "subject": ["url_blocking"] * 2,
...     "metric": ["items_blocked"] * 2, "category": ["pornography"] * 2, "scope": ["all_content"] * 2,
...     "period": ["cumulative"] * 2, "value": [903074.0, 844008.0], "unit": ["urls", "web_links"],
...     "claimant": ["PTA"] * 2, "confidence": ["medium", "high"]})
>>> title_text(running_totals(claims))
"PTA's running total of items blocked as pornography fell from 903,074 (March 2022) to 844,008 (November 2024)"

A fall is only read between units that measure the same thing (the audit's unit families): links
then websites are drawn, never counted as a fall.

>>> title_text(running_totals(claims.with_columns(unit=pl.Series(["web_links", "websites"]))))
"None of PTA's running totals of blocked items fell between statements"
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Sequence
from html import unescape as html_unescape
from typing import Any

import altair as alt
import polars as pl

from claimaudit.audit import EVIDENCE_SOURCES, unit_family
from claimaudit.i18n import VALUES, name_words, stated, statistic, value_words
from claimaudit.notebook.charts import OKABE_ITO, event_key, event_layer, shared_subcharts, with_source
from claimaudit.report._text import N_, _, ngettext

_INK = "#1a1a1a"
_MUTED = "#595959"
_DROP = OKABE_ITO[5]  # vermillion: a fall in a running total
_CONFIDENCE_RANK = {"high": 0, "medium": 1, "low": 2}
LEDGER_SOURCE = N_(
    "claims ledger (datasets/claims): official statements as printed by the outlets cited for each claim"
)


def chart_title(text: str, subtitle: str | None = None, *, width: int = 72) -> alt.TitleParams:
    """A chart title wrapped to lines of ``width`` characters (Vega draws a list as lines), so a
    title that states a finding never widens the chart and never shrinks it on a phone.

    >>> chart_title("a " * 50).to_dict()["text"][0].strip()[:5]
    'a a a'
    """
    import textwrap

    lines = textwrap.wrap(text, width=width) or [text]
    return alt.TitleParams(text=lines if len(lines) > 1 else text, subtitle=subtitle if subtitle else alt.Undefined)


def title_text(chart: alt.TopLevelMixin) -> str:
    """The title a chart was given, as one line (however it was wrapped): read from the chart (its
    first part, under a source line), not from a whole spec made for it."""
    part = chart.vconcat[0] if isinstance(chart, alt.VConcatChart) else chart
    title = part._get("title", None)
    if isinstance(title, alt.SchemaBase):
        title = title.to_dict(validate=False)
    text = title.get("text") if isinstance(title, dict) else title
    return " ".join(text) if isinstance(text, list) else str(text)


def category_words(category: str | None) -> str:
    """A category key in words (``anti_state`` -> ``anti-state``).

    >>> category_words("contempt_of_court"), category_words("new_key")
    ('contempt of court', 'new key')
    """
    if category is None:
        return _("unstated category")
    return value_words("category", category)


def unit_words(unit: str | None) -> str:
    """``websites_or_pages`` -> ``websites or pages``.

    >>> unit_words("web_links")
    'web links'
    """
    return value_words("unit", unit or "")


def short_name(claimant: str | None) -> str:
    """A claimant without the bracketed detail: ``PTA Chairman Maj Gen (retd) Hafeezur Rehman`` ->
    ``PTA Chairman Maj Gen Hafeezur Rehman``.

    >>> short_name("PTA (document reported by Samaa TV)"), short_name(None)
    ('PTA', 'An official')
    """
    import re

    if not claimant:
        return _("An official")
    short = " ".join(re.sub(r"\s*\([^)]*\)", "", str(claimant)).split()) or str(claimant)
    # the established name in the edition's language where the data vocabulary has one
    return name_words("claimant", short) if short in VALUES["claimant"] else short


def short_figure(value: float | int) -> str:
    """A round figure in words as officials say it (``20,000,000`` -> ``20 million``); any other
    figure exactly, with separators. Never rounds: only exact millions become words.

    >>> short_figure(20000000), short_figure(1430000), short_figure(844008)
    ('20 million', '1,430,000', '844,008')
    """
    if float(value).is_integer() and int(value) % 1_000_000 == 0 and int(value) >= 1_000_000:
        return _("{n} million").format(n=int(value) // 1_000_000)
    return stated(value)


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _iso(value: Any) -> str:
    return _date(value).isoformat() if value is not None else ""


_MONTHS = (
    N_("January"),
    N_("February"),
    N_("March"),
    N_("April"),
    N_("May"),
    N_("June"),
    N_("July"),
    N_("August"),
    N_("September"),
    N_("October"),
    N_("November"),
    N_("December"),
)


def day_words(value: Any) -> str:
    """``2024-11-13`` -> ``13 November 2024`` (month names go through the message catalogue).

    >>> day_words("2024-11-13"), month_words("2024-10-01")
    ('13 November 2024', 'October 2024')
    """
    d = _date(value)
    return f"{d.day} {_(_MONTHS[d.month - 1])} {d.year}"


def month_words(value: Any) -> str:
    d = _date(value)
    return f"{_(_MONTHS[d.month - 1])} {d.year}"


def _one_print_per_statement(frame: pl.DataFrame, by: Sequence[str]) -> pl.DataFrame:
    """Of the prints of one statement, the most confident (a low-confidence variant print never
    stands for the statement); ties keep the ledger's order."""
    rank = pl.col("confidence").replace_strict(_CONFIDENCE_RANK, default=3, return_dtype=pl.Int32)
    key = [c for c in ("statement_id", *by) if c in frame.columns]
    return (
        frame.with_row_index("_order")
        .sort(rank, "_order")
        .unique(subset=key, keep="first", maintain_order=True)
        .sort("_order")
        .drop("_order")
    )


# --------------------------------------------------------------------------- 1. running totals


def running_total_rows(claims: pl.DataFrame, *, metric: str = "items_blocked") -> pl.DataFrame:
    """Dated cumulative counts of blocked items for all content, one print per statement and
    category, with ``dropped`` true where a figure is below the category's previous one and
    ``previous``/``previous_date`` naming that figure."""
    rows = claims.filter(
        (pl.col("subject") == "url_blocking")
        & (pl.col("metric") == metric)
        & (pl.col("period") == "cumulative")
        & (pl.col("scope") == "all_content")
        & pl.col("value").is_not_null()
        & pl.col("statement_date").is_not_null()
    )
    rows = _one_print_per_statement(rows, ["category"]).sort("category", "statement_date", "claim_id")
    if "qualifier" not in rows.columns:
        rows = rows.with_columns(pl.lit("exact").alias("qualifier"))
    # "over 500,000" is a lower bound, not a running total that fell: drawn, never counted as a fall
    bound = pl.col("qualifier").is_in(["over", "at_least", "more_than"]).fill_null(False)
    shaped = rows.select(
        "claim_id",
        "statement_date",
        "category",
        pl.col("value").cast(pl.Float64),
        "unit",
        "confidence",
        "qualifier",
        *(c for c in ("claimant", "statement_id") if c in rows.columns),
        bound.alias("lower_bound"),
    )
    # a fall is read only within a unit family (URLs and web links; websites and sites), as the audit reads it
    family = pl.col("unit").map_elements(unit_family, return_dtype=pl.String).alias("_family")
    series = ["category", "_family"]
    exact = (
        shaped.filter(~pl.col("lower_bound"))
        .with_columns(family)
        .with_columns(
            pl.col("value").shift(1).over(series).alias("previous"),
            pl.col("statement_date").shift(1).over(series).alias("previous_date"),
            pl.col("unit").shift(1).over(series).alias("previous_unit"),
            pl.col("claim_id").shift(1).over(series).alias("previous_claim_id"),
        )
        .with_columns((pl.col("value") < pl.col("previous")).fill_null(False).alias("dropped"))
        .drop("_family")
    )
    return (
        pl.concat([exact, shaped.filter("lower_bound")], how="diagonal_relaxed")
        .with_columns(pl.col("dropped").fill_null(False))
        .sort("category", "statement_date", "claim_id")
    )


@shared_subcharts()
def running_totals(
    claims: pl.DataFrame, *, categories: Sequence[str] | None = None, columns: int = 2, max_panels: int = 6
) -> alt.VConcatChart:
    """Small multiples: one panel per category, each with its own y scale, the stated running totals
    as points joined in date order; a fall is drawn in vermillion and named in the panel title
    with its two figures. The title states the largest fall (or that none fell)."""
    rows = running_total_rows(claims)
    if categories is not None:
        rows = rows.filter(pl.col("category").is_in(list(categories)))
    if rows.is_empty():
        raise ValueError("no dated cumulative counts of blocked items in the claims given")
    drops = rows.filter("dropped").with_columns((pl.col("previous") - pl.col("value")).alias("fall"))
    if drops.is_empty():
        title = _("None of PTA's running totals of blocked items fell between statements")
    else:
        top = drops.sort("fall", descending=True).row(0, named=True)
        title = _(
            "PTA's running total of items blocked as {category} fell from {before} ({before_date})"
            " to {after} ({after_date})"
        ).format(
            category=category_words(top["category"]),
            before=stated(top["previous"]),
            before_date=month_words(top["previous_date"]),
            after=stated(top["value"]),
            after_date=month_words(top["statement_date"]),
        )
    order = (
        rows.group_by("category")
        .agg(
            pl.col("value").max().alias("peak"),
            pl.col("dropped").any().alias("fell"),
            (~pl.col("lower_bound")).sum().alias("points"),
        )
        .filter(pl.col("points") >= 2)
        .sort(["fell", "peak"], descending=[True, True])
        .head(max_panels)
        .get_column("category")
        .to_list()
    )
    panels = []
    x_scale = alt.Scale(
        domain=[_iso(rows.get_column("statement_date").min()), _iso(rows.get_column("statement_date").max())]
    )
    for category in order:
        part = rows.filter(pl.col("category") == category).with_columns(
            pl.col("statement_date").cast(pl.String).alias("date")
        )
        part = part.with_columns(words_column(part, "unit_words", lambda r: unit_words(r["unit"])))
        fell = part.filter("dropped")
        label = category_words(category)
        if not fell.is_empty():
            last = fell.row(fell.height - 1, named=True)
            label = _("{category}: {before} → {after}").format(
                category=label, before=stated(last["previous"]), after=stated(last["value"])
            )
        base = alt.Chart(part.filter(~pl.col("lower_bound"))).encode(
            x=alt.X("date:T", title=None, scale=x_scale, axis=alt.Axis(format="%Y", tickCount=4)),
            y=alt.Y("value:Q", title=None, axis=alt.Axis(format="~s", tickCount=3), scale=alt.Scale(zero=False)),
        )
        tooltip = [
            alt.Tooltip("date:T", title="stated"),
            alt.Tooltip("value:Q", format=","),
            alt.Tooltip("unit_words:N", title="unit"),
            alt.Tooltip("claim_id:N"),
        ]
        layers: list[Any] = [
            base.mark_line(color=_MUTED, strokeWidth=1),
        ]
        shape = alt.Shape(
            "unit_words:N",
            title=_("unit as stated"),
            scale=alt.Scale(domain=_units(rows), range=["circle", "square", "triangle-up", "diamond", "cross"]),
        )
        for bounds, filled in ((False, True), (True, False)):
            layers.append(
                alt.Chart(part.filter(pl.col("lower_bound") == bounds))
                .mark_point(filled=filled, size=40, color=_INK)
                .encode(x=alt.X("date:T"), y=alt.Y("value:Q"), shape=shape, tooltip=tooltip)
            )
        if not fell.is_empty():
            segments = fell.select(
                pl.col("previous_date").cast(pl.String).alias("date"),
                pl.col("previous").alias("value"),
                pl.col("statement_date").cast(pl.String).alias("date2"),
                pl.col("value").alias("value2"),
            )
            layers.append(
                alt.Chart(segments)
                .mark_rule(color=_DROP, strokeWidth=3)
                .encode(x=alt.X("date:T"), y=alt.Y("value:Q"), x2=alt.X2("date2:T"), y2=alt.Y2("value2:Q"))
            )
        panels.append(alt.layer(*layers).properties(width=250, height=110, title=alt.TitleParams(label, fontSize=12)))
    grid = (
        alt.concat(*panels, columns=columns)
        .resolve_scale(y="independent")
        .properties(
            title=chart_title(
                title,
                _(
                    "Each panel has its own scale; vermillion: a fall; hollow: a lower bound (\u201cover N\u201d);"
                    " one print per statement"
                ),
            )
        )
    )
    return with_source(grid, LEDGER_SOURCE)


def _units(rows: pl.DataFrame) -> list[str]:
    return sorted({unit_words(u) for u in rows.get_column("unit").to_list()})


# --------------------------------------------------------------------------- 2. restatements


def restatement_rows(claims: pl.DataFrame, *, subject: str = "gateway_attempts") -> pl.DataFrame:
    """The dated restatements of one figure, oldest first, with the unit, verb and period in words."""
    rows = claims.filter(
        (pl.col("subject") == subject) & pl.col("value").is_not_null() & pl.col("statement_date").is_not_null()
    )
    picked = rows.sort("statement_date", "claim_id").select(
        "claim_id",
        "statement_date",
        pl.col("value").cast(pl.Float64),
        "unit",
        "verb",
        "period",
        "claimant",
        "confidence",
        "metric",
    )
    return picked.with_columns(
        words_column(picked, "as_stated", lambda r: _as_stated(r["metric"], r["period"])),
        words_column(picked, "in_short", lambda r: _in_short(r["verb"], r["unit"], r["period"])),
    )


def words_column(frame: pl.DataFrame, name: str, words: Any) -> pl.Series:
    """A column of words computed row by row in this thread (``words(row)``): the words go through
    the message catalogue of the active language, which a polars worker thread would not see (the
    language is a context variable), so never ``map_elements`` for reader-visible text."""
    return pl.Series(name, [words(row) for row in frame.iter_rows(named=True)], dtype=pl.String)


def _who_on(row: dict[str, Any]) -> str:
    """``PTA Chairman Maj Gen, 18 Nov``: a point's label, who (the first 24 letters of the name; in
    another edition the name's established form there, when it has one) and the day."""
    from claimaudit import i18n

    day = row.get("statement_date")
    if i18n.current() == i18n.SOURCE_LANGUAGE:
        who = str(row.get("claimant") or "").split(" (")[0][:24]
        return f"{who}, {day.strftime('%d %b')}" if day else who
    import re

    short = " ".join(re.sub(r"\s*\([^)]*\)", "", str(row.get("claimant") or "")).split())
    who = name_words("claimant", short) if short in VALUES["claimant"] else short[:24]
    return _("{who}, {date}").format(who=who, date=i18n.date(day)) if day else who


def _with_period(what: str, period: str | None, *, unstated: str | None = None) -> str:
    """``what`` with its period in words (``attempts a day``); the sentence frames are messages."""
    if period == "per_day":
        return _("{what} a day").format(what=what)
    if period == "per_week":
        return _("{what} a week").format(what=what)
    if period == "window":
        return _("{what} on one day").format(what=what)
    return unstated.format(what=what) if unstated else what


def _as_stated(metric: str | None, period: str | None) -> str:
    """``people accessing a week``: the metric as stated, with its period (or "(no period)")."""
    return _with_period(value_words("metric", metric or ""), period, unstated=_("{what} (no period)"))


def _in_short(verb: str | None, unit: str | None, period: str | None) -> str:
    """``blocked attempts a day``: the unit (blocked, when it was), with its period."""
    what = _("blocked {unit}").format(unit=unit_words(unit)) if verb == "blocked" else unit_words(unit)
    return _with_period(what, period)


@shared_subcharts()
def restatements(claims: pl.DataFrame, events: pl.DataFrame | None = None) -> alt.VConcatChart:
    """A dated strip of the restatements of one figure: one row per statement, the unit and period
    printed beside each point, so the change of meaning is read left to right."""
    rows = restatement_rows(claims)
    if rows.is_empty():
        raise ValueError("no dated restatements of the gateway figure in the claims given")
    first, last = rows.row(0, named=True), rows.row(rows.height - 1, named=True)
    days = (_date(last["statement_date"]) - _date(first["statement_date"])).days
    forms = rows.get_column("in_short").unique(maintain_order=True).to_list()
    figure = short_figure(first["value"])
    title = _("{who}'s “{figure} {first_form}” ({date}) became {later} within {days} days").format(
        who=short_name(first["claimant"]),
        figure=figure,
        first_form=forms[0],
        date=day_words(first["statement_date"]),
        later=_(", then ").join(f"{figure} {form}" for form in forms[1:]) or _("the same"),
        days=days,
    )
    data = rows.with_columns(
        pl.col("statement_date").cast(pl.String).alias("date"),
        words_column(rows, "who", _who_on),
        (pl.lit(stated(first["value"])) + pl.lit(" ") + pl.col("as_stated")).alias("label"),
    )
    base = alt.Chart(data).encode(
        x=alt.X("date:T", title=None, axis=alt.Axis(format="%d %b %Y", tickCount=4), scale=alt.Scale(padding=12)),
        y=alt.Y("label:N", title=None, sort=None, axis=alt.Axis(labelLimit=320)),
    )
    points = base.mark_point(filled=True, size=70, color=_INK).encode(
        tooltip=[alt.Tooltip("claim_id:N"), alt.Tooltip("label:N", title="as stated"), alt.Tooltip("confidence:N")]
    )
    labels = base.mark_text(align="left", dx=8, fontSize=11, color=_MUTED).encode(text=alt.Text("who:N"))
    chart = alt.layer(points, labels).properties(
        width=240,
        height=28 * rows.height,
        title=chart_title(title, _("One row per restatement: the figure, its unit and its period as stated")),
    )
    return with_source(chart, LEDGER_SOURCE)


# --------------------------------------------------------------------------- 3. plausibility


#: Baselines an "attempts a day" figure is set against, in words.
BASELINE_WORDS = {
    "broadband_subscribers": "broadband subscriptions",
    "mobile_broadband_subscribers": "mobile broadband subscriptions",
    "fixed_broadband_subscribers": "fixed broadband subscriptions",
    "internet_users": "internet users",
    "cellular_subscribers": "cellular subscriptions",
}  # English words; shown through value_words("baseline", ...) (claimaudit.i18n._values)


DEFAULT_BASELINES = ("broadband_subscribers", "mobile_broadband_subscribers", "internet_users")


def per_subscriber_rows(
    claims: pl.DataFrame,
    baselines: pl.DataFrame,
    *,
    claim_id: str | None = None,
    metrics: Sequence[str] = DEFAULT_BASELINES,
    baseline_ids: Sequence[str] | None = None,
) -> pl.DataFrame:
    """The per-day attempts figure divided by each baseline nearest before the statement:
    ``per_unit`` attempts per subscription (or user) per day."""
    rows = claims.filter(
        (pl.col("subject") == "gateway_attempts") & (pl.col("period") == "per_day") & pl.col("value").is_not_null()
    )
    if claim_id is not None:
        rows = rows.filter(pl.col("claim_id") == claim_id)
    if rows.is_empty():
        raise ValueError("no per-day gateway attempts figure in the claims given")
    claim = rows.row(0, named=True)
    said = _date(claim["statement_date"])
    wanted = [m for m in metrics if m in BASELINE_WORDS]
    chosen = baselines.filter(pl.col("metric").is_in(wanted))
    if baseline_ids is not None:
        chosen = baselines.filter(pl.col("baseline_id").is_in(list(baseline_ids)))
    base = (  # the figure nearest the statement, before or after, as the audit's plausibility rule takes it
        chosen.with_columns((pl.col("as_of") - pl.lit(said)).dt.total_days().abs().alias("_days"))
        .sort("_days", "as_of")
        .group_by("metric", maintain_order=True)
        .first()
        .drop("_days")
    )
    return base.select(
        pl.lit(claim["claim_id"]).alias("claim_id"),
        pl.lit(float(claim["value"])).alias("attempts_per_day"),
        "metric",
        pl.col("metric")
        .replace_strict({k: value_words("baseline", k) for k in BASELINE_WORDS}, return_dtype=pl.String)
        .alias("baseline"),
        pl.col("value").cast(pl.Float64).alias("baseline_value"),
        "as_of",
        "publisher",
        "baseline_id",
        (pl.lit(float(claim["value"])) / pl.col("value")).alias("per_unit"),
    ).sort("per_unit", descending=True)


@shared_subcharts()
def per_subscriber(
    claims: pl.DataFrame, baselines: pl.DataFrame, *, baseline_ids: Sequence[str] | None = None
) -> alt.VConcatChart:
    """Attempts a day per subscription / user, one bar per baseline, the exact division in the key.
    ``baseline_ids`` draws the baselines a verdict used (its ``datasets/baselines`` evidence keys)."""
    rows = per_subscriber_rows(claims, baselines, baseline_ids=baseline_ids)
    if rows.is_empty():
        raise ValueError("no subscriber or user baseline dated before the statement")
    low, high = rows.get_column("per_unit").min(), rows.get_column("per_unit").max()
    attempts = stated(rows.row(0, named=True)["attempts_per_day"])
    title = _("{attempts} blocked attempts a day is {low}–{high} a day per subscription or internet user").format(
        attempts=short_figure(rows.row(0, named=True)["attempts_per_day"]), low=statistic(low), high=statistic(high)
    )
    data = rows.with_columns(pl.col("per_unit").round(3).alias("shown"))
    data = data.with_columns(words_column(data, "label", lambda r: statistic(r["per_unit"])))
    base = alt.Chart(data).encode(y=alt.Y("baseline:N", sort="-x", title=None, axis=alt.Axis(labelLimit=220)))
    bars = base.mark_bar(color=OKABE_ITO[4]).encode(
        x=alt.X("per_unit:Q", title=_("blocked attempts per subscription (or user) per day")),
        tooltip=[
            alt.Tooltip("baseline:N"),
            alt.Tooltip("baseline_value:Q", format=","),
            alt.Tooltip("as_of:T"),
            alt.Tooltip("per_unit:Q", format=".3f"),
        ],
    )
    text = base.mark_text(align="left", dx=4, fontSize=11, color=_INK).encode(
        x=alt.X("per_unit:Q"), text=alt.Text("label:N")
    )
    key = [
        f"{attempts} ÷ {stated(r['baseline_value'])} {r['baseline']} ({_iso(r['as_of'])}) = {statistic(r['per_unit'])}"
        for r in rows.iter_rows(named=True)
    ]
    chart = alt.layer(bars, text).properties(
        width=360,
        height=26 * rows.height,
        title=chart_title(title, _("Claim and baselines as published; the division is ours")),
    )
    publishers = ", ".join(dict.fromkeys(str(p).split(" (")[0] for p in rows.get_column("publisher").to_list()))
    return with_source(
        chart, _("claims ledger; baselines (datasets/baselines) published by {who}").format(who=publishers), key=key
    )


# --------------------------------------------------------------------------- 4. registrations


def registration_rows(claims: pl.DataFrame) -> pl.DataFrame:
    """Registered-VPN counts per statement: the lowest and highest print, how many prints."""
    rows = claims.filter(
        (pl.col("metric") == "vpns_registered") & pl.col("value").is_not_null() & pl.col("statement_date").is_not_null()
    )
    return (
        rows.group_by("statement_id", "statement_date")
        .agg(
            pl.col("value").min().cast(pl.Float64).alias("low"),
            pl.col("value").max().cast(pl.Float64).alias("high"),
            pl.len().alias("prints"),
            pl.col("claim_id"),
            pl.col("claimant").first(),
        )
        .sort("statement_date", "statement_id")
    )


@shared_subcharts()
def registrations(claims: pl.DataFrame, events: pl.DataFrame | None = None) -> alt.VConcatChart:
    """Registered VPNs as stated over time, a statement's prints as a range, the registration
    deadline (events of kind ``deadline``) as a numbered rule."""
    rows = registration_rows(claims)
    if rows.is_empty():
        raise ValueError("no dated counts of registered VPNs in the claims given")
    first, last = rows.row(0, named=True), rows.row(rows.height - 1, named=True)

    def span(r: dict[str, Any]) -> str:
        return stated(r["low"]) if r["low"] == r["high"] else f"{stated(r['low'])}–{stated(r['high'])}"

    title = _("Registered VPNs, as stated, went from {first} ({first_date}) to {last} ({last_date})").format(
        first=span(first),
        first_date=day_words(first["statement_date"]),
        last=span(last),
        last_date=day_words(last["statement_date"]),
    )
    data = rows.with_columns(
        pl.col("statement_date").cast(pl.String).alias("date"), pl.col("claim_id").list.join(", ").alias("claims")
    )
    start, end = rows.get_column("statement_date").min(), rows.get_column("statement_date").max()
    deadlines = events.filter(pl.col("kind") == "deadline") if events is not None and "kind" in events.columns else None
    base = alt.Chart(data).encode(
        x=alt.X(
            "date:T",
            title=None,
            scale=alt.Scale(padding=14),
            axis=alt.Axis(format="%b %Y", tickCount={"interval": "month", "step": 1}),
        )
    )
    ranges = base.mark_rule(color=OKABE_ITO[4], strokeWidth=4).encode(
        y=alt.Y("low:Q", title=_("VPNs registered (as stated)"), axis=alt.Axis(format="~s")), y2=alt.Y2("high:Q")
    )
    points = base.mark_point(filled=True, size=50, color=_INK).encode(
        y=alt.Y("high:Q"),
        tooltip=[
            alt.Tooltip("date:T"),
            alt.Tooltip("low:Q", format=","),
            alt.Tooltip("high:Q", format=","),
            alt.Tooltip("prints:Q"),
            alt.Tooltip("claims:N"),
        ],
    )
    lows = base.mark_point(filled=True, size=50, color=_INK).encode(y=alt.Y("low:Q"))
    layers: list[Any] = [ranges, points, lows]
    marks = event_layer(deadlines, start=start, end=end)
    if marks is not None:
        layers.append(marks)
    chart = alt.layer(*layers).properties(
        width=520,
        height=200,
        title=chart_title(title, _("A vertical bar joins the different figures outlets printed for one statement")),
    )
    return with_source(chart, LEDGER_SOURCE, key=event_key(deadlines, start=start, end=end))


# --------------------------------------------------------------------------- 5. the November outage


OUTAGE_WINDOW = (dt.date(2024, 10, 1), dt.date(2024, 12, 31))


@shared_subcharts()
def outage_panels(
    *,
    signals: pl.DataFrame | None = None,
    trends: pl.DataFrame | None = None,
    tor: pl.DataFrame | None = None,
    ooni: pl.DataFrame | None = None,
    events: pl.DataFrame | None = None,
    window: tuple[dt.date, dt.date] = OUTAGE_WINDOW,
) -> alt.VConcatChart:
    """What there is around the November 2024 VPN outage, one panel per source on one date axis:
    PTA's own monthly VPN bandwidth (``datasets/signals``), Google Trends VPN interest, Tor relay
    users, OONI circumvention tests (n per day). A source that is not there is named in the key,
    never drawn as zero."""
    start, end = window
    scale = alt.Scale(domain=[start.isoformat(), end.isoformat()])
    x = alt.X("date:T", title=None, scale=scale, axis=alt.Axis(format="%d %b", tickCount=6))
    keep = (
        events.filter(pl.col("kind").is_in(["vpn_disruption", "deadline", "shutdown"])) if events is not None else None
    )
    panels: list[Any] = []
    missing: list[str] = []
    sources: list[str] = []
    title = None

    def framed(chart: Any, heading: str) -> Any:
        marks = event_layer(keep, start=start, end=end)
        layered = alt.layer(chart, marks) if marks is not None else chart
        return layered.properties(width=520, height=90, title=alt.TitleParams(heading, fontSize=12))

    if signals is not None and not signals.is_empty():
        bw = (
            signals.filter(pl.col("signal") == "vpn_bandwidth_gbps")
            .sort("event_date")
            .select(pl.col("event_date").cast(pl.String).alias("date"), pl.col("value").cast(pl.Float64))
        )
        if not bw.is_empty():
            in_window = bw.filter(pl.col("date").is_between(pl.lit(start.isoformat()), pl.lit(end.isoformat())))
            before = bw.filter(pl.col("date") < pl.lit("2024-11-01")).tail(1)
            nov = bw.filter(pl.col("date").str.starts_with("2024-11")).head(1)
            if not before.is_empty() and not nov.is_empty():
                title = _(
                    "PTA's own figure for VPN bandwidth fell from {before} Gbps ({before_month})"
                    " to {after} Gbps (November 2024)"
                ).format(
                    before=stated(before.item(0, "value")),
                    before_month=month_words(before.item(0, "date")),
                    after=stated(nov.item(0, "value")),
                )
            bars = (
                alt.Chart(in_window)
                .mark_bar(color=OKABE_ITO[4], width=12)
                .encode(
                    x=x,
                    y=alt.Y("value:Q", title="Gbps", axis=alt.Axis(tickCount=3)),
                    tooltip=[alt.Tooltip("date:T", format="%b %Y"), alt.Tooltip("value:Q", title="Gbps")],
                )
            )
            panels.append(framed(bars, _("PTA: VPN bandwidth per month (Gbps, self-reported)")))
            sources.append(_("PTA VPN bandwidth as reported by Edge of Times (datasets/signals)"))
    else:
        missing.append(_("PTA's VPN bandwidth figures (datasets/signals)"))
    if trends is not None and not trends.is_empty():
        t = trends.filter(pl.col("date").cast(pl.Date).is_between(pl.lit(start), pl.lit(end))).select(
            pl.col("date").cast(pl.String), pl.col("value").cast(pl.Float64)
        )
        panels.append(
            framed(
                alt.Chart(t)
                .mark_line(color=_INK)
                .encode(x=x, y=alt.Y("value:Q", title="0–100", axis=alt.Axis(tickCount=3))),
                _("Google Trends: interest in VPNs (relative, 0–100)"),
            )
        )
        sources.append(_("Google Trends via CenAlert"))
    else:
        missing.append(_("Google Trends VPN interest (not in this run's data)"))
    if tor is not None and not tor.is_empty():
        t = tor.filter(pl.col("date").cast(pl.Date).is_between(pl.lit(start), pl.lit(end))).select(
            pl.col("date").cast(pl.String), pl.col("users").cast(pl.Float64)
        )
        panels.append(
            framed(
                alt.Chart(t)
                .mark_line(color=OKABE_ITO[3])
                .encode(x=x, y=alt.Y("users:Q", title="users", axis=alt.Axis(format="~s", tickCount=3))),
                _("Tor Metrics: relay users from Pakistan per day"),
            )
        )
        sources.append(_("Tor Metrics"))
    else:
        missing.append(_("Tor Metrics relay users (not in this run's data)"))
    if ooni is not None and not ooni.is_empty():
        o = (
            ooni.group_by("measurement_start_day")
            .agg(pl.col("measurement_count").sum().alias("n"), pl.col("anomaly_count").sum().alias("anomalies"))
            .select(pl.col("measurement_start_day").cast(pl.String).alias("date"), "n", "anomalies")
            .sort("date")
        )
        panels.append(
            framed(
                alt.layer(
                    alt.Chart(o)
                    .mark_bar(color="#cccccc")
                    .encode(x=x, y=alt.Y("n:Q", title="tests", axis=alt.Axis(tickCount=3))),
                    alt.Chart(o).mark_bar(color=_DROP).encode(x=x, y=alt.Y("anomalies:Q")),
                ),
                _("OONI circumvention tests per day (grey: n; vermillion: anomalous)"),
            )
        )
        heading = EVIDENCE_SOURCES["ooni_aggregation"].heading  # a message id (audit/_evidence_sources.py)
        sources.append(_(heading))
    else:
        missing.append(_("OONI circumvention tests (not in this run's data)"))
    if not panels:
        raise ValueError("nothing to draw around the outage: no signals, trends, Tor or OONI frame given")
    title = title or _("What the data show around the November 2024 VPN outage")
    chart = alt.vconcat(*panels, spacing=14).properties(
        title=chart_title(
            title, _("Numbered lines: events in the key; sources not available in this run are listed under the chart")
        )
    )
    key = event_key(keep, start=start, end=end) + [
        _("Not drawn (not available): {what}").format(what=w) for w in missing
    ]
    return with_source(chart, "; ".join(sources), key=key)


# --------------------------------------------------------------------------- 6. X


def x_statement_rows(claims: pl.DataFrame) -> pl.DataFrame:
    """Statements on whether X was blocked: ``said`` is ``blocked`` or ``not blocked``."""
    rows = claims.filter(
        (pl.col("subject") == "platform_block")
        & pl.col("assertion").is_not_null()
        & pl.col("assertion").str.starts_with("x_")
        & pl.col("statement_date").is_not_null()
    )
    said = (
        pl.when(pl.col("assertion").str.contains("not_blocked"))
        .then(pl.lit("said X was not blocked"))
        .when(pl.col("assertion").str.contains("lifted"))
        .then(pl.lit("said the block was lifted"))
        .otherwise(pl.lit("said X was blocked"))
    )
    return rows.sort("statement_date").select(
        "claim_id", "statement_date", "claimant", "assertion", "confidence", said.alias("said")
    )


@shared_subcharts()
def x_timeline(claims: pl.DataFrame, *, finding: dict[str, Any] | None = None) -> alt.VConcatChart:
    """Official statements about X on a timeline, in two rows (said blocked / said not blocked),
    against the period OONI's published finding says X was blocked (``finding``: ``start``,
    ``end``, ``title``, ``networks``)."""
    rows = x_statement_rows(claims)
    if rows.is_empty():
        raise ValueError("no dated statements about X in the claims given")
    denials = rows.filter(pl.col("said") == "said X was not blocked")
    if finding:
        title = _(
            "{n} official statements said X was not blocked while OONI found it blocked from {start} to {end}"
        ).format(
            n=denials.height,
            start=day_words(finding["start"]),
            end=day_words(finding["end"]) if finding.get("end") else _("ongoing"),
        )
    else:
        title = _("{n} official statements said X was not blocked; {m} said it was").format(
            n=denials.height, m=rows.filter(pl.col("said") == "said X was blocked").height
        )
    data = rows.with_columns(pl.col("statement_date").cast(pl.String).alias("date"))
    lo = min([_date(rows.get_column("statement_date").min())] + ([_date(finding["start"])] if finding else []))
    hi = max(
        [_date(rows.get_column("statement_date").max())]
        + ([_date(finding["end"])] if finding and finding.get("end") else [])
    )
    x = alt.X(
        "date:T",
        title=None,
        scale=alt.Scale(domain=[lo.isoformat(), hi.isoformat()], padding=10),
        axis=alt.Axis(format="%b %Y", tickCount=6),
    )
    layers: list[Any] = []
    if finding:
        band = pl.DataFrame(
            {"date": [_iso(finding["start"])], "end": [_iso(finding.get("end") or hi)], "label": [_("OONI: blocked")]}
        )
        layers.append(alt.Chart(band).mark_rect(color=_DROP, opacity=0.12).encode(x=x, x2=alt.X2("end:T")))
    colour = alt.Color(
        "said:N",
        title=None,
        scale=alt.Scale(
            domain=["said X was blocked", "said X was not blocked", "said the block was lifted"],
            range=[_INK, _DROP, OKABE_ITO[3]],
        ),
        legend=None,
    )
    layers.append(
        alt.Chart(data)
        .mark_point(filled=True, size=80)
        .encode(
            x=x,
            y=alt.Y("said:N", title=None, axis=alt.Axis(labelLimit=200)),
            color=colour,
            shape=alt.Shape(
                "said:N",
                legend=None,
                scale=alt.Scale(
                    domain=["said X was blocked", "said X was not blocked", "said the block was lifted"],
                    range=["circle", "diamond", "square"],
                ),
            ),
            tooltip=[alt.Tooltip("date:T"), alt.Tooltip("claimant:N"), alt.Tooltip("claim_id:N")],
        )
    )
    chart = alt.layer(*layers).properties(
        width=520,
        height=110,
        title=chart_title(
            title, _("Shaded: the period of OONI's published finding of blocking") if finding else alt.Undefined
        ),
    )
    key = []
    if finding:
        nets = finding.get("networks") or []
        key.append(
            _("OONI finding: {title}{nets}").format(
                title=finding.get("title") or "",
                nets=ngettext(" ({n} network)", " ({n} networks)", len(nets)).format(n=len(nets)) if nets else "",
            )
        )
    return with_source(chart, _("claims ledger (datasets/claims); OONI published findings"), key=key)


def x_finding(
    signals: pl.DataFrame | None, incidents: pl.DataFrame | None = None, *, around: Sequence[Any] = ()
) -> dict[str, Any] | None:
    """OONI's finding that X was blocked: from the OONI incidents file when it is there, else from
    the hand-entered row in ``datasets/signals`` (its ``verification`` says whether its page was read)."""
    if incidents is not None and not incidents.is_empty() and "domains" in incidents.columns:
        rows = incidents.filter(pl.col("ccs").list.contains("PK") & pl.col("domains").list.contains("twitter.com"))
        if not rows.is_empty():
            dates = [_date(d) for d in around]

            def covered(r: dict[str, Any]) -> int:
                lo, hi = _date(r["start_time"]), _date(r["end_time"]) if r.get("end_time") else dt.date.max
                return sum(lo <= d <= hi for d in dates)

            r = max(rows.sort("start_time").iter_rows(named=True), key=covered)
            return {
                "start": _date(r["start_time"]),
                "end": _date(r["end_time"]) if r.get("end_time") else None,
                "title": r.get("title"),
                "networks": list(r.get("asns") or []),
                "source": "ooni-incidents",
            }
    if signals is not None and not signals.is_empty():
        rows = signals.filter(
            (pl.col("signal") == "ooni_finding_blocking") & pl.col("finding").str.contains("twitter.com")
        )
        if not rows.is_empty():
            r = rows.row(0, named=True)
            nets = [n for n in (r.get("networks") or "").split(";") if n]
            return {
                "start": _date(r["event_date"]),
                "end": _date(r["event_date_end"]) if r.get("event_date_end") else None,
                "title": r.get("finding"),
                "networks": nets,
                "source": EVIDENCE_SOURCES["signals"].name,
                "verification": r.get("verification"),
            }
    return None


# --------------------------------------------------------------------------- fitting the page's fonts

_TAG = re.compile(r"<(/?)(g|text|tspan)\b([^>]*)>|([^<]+)", re.S)
_TRANSLATE = re.compile(r"translate\(\s*([-\d.e]+)[ ,]+([-\d.e]+)\s*\)")
_ATTR = re.compile(r'([\w-]+)="([^"]*)"')
_URDU_SIZE = 1.12  # the page draws the Naskh face 12 % larger (``size-adjust`` in report._fonts)
_MARGIN = 4.0


@functools.lru_cache(maxsize=4)
def _advances(path: str) -> tuple[dict[int, float], float]:
    """Advance widths per code point of the font at ``path``, in em, and the average (for the rest)."""
    from fontTools.ttLib import TTFont

    font = TTFont(path, lazy=True)
    per_em = font["head"].unitsPerEm
    metrics = font["hmtx"].metrics
    cmap = font.getBestCmap()
    widths = {cp: metrics[name][0] / per_em for cp, name in cmap.items() if name in metrics}
    return widths, (sum(widths.values()) / len(widths) if widths else 0.6)


def _page_faces() -> tuple[str | None, str | None]:
    from claimaudit.report._fonts import LATIN_FAMILIES, URDU_FAMILIES, find_font

    urdu, latin = find_font(URDU_FAMILIES), find_font(LATIN_FAMILIES)
    return (str(urdu) if urdu else None, str(latin) if latin else None)


def text_width(text: str, size: float, faces: tuple[str | None, str | None] | None = None) -> float:
    """The width at ``size`` px of ``text`` as the published page draws it: Arabic-script letters in
    the embedded Urdu face (12 % larger), the rest in the Latin face. Unshaped advances: the isolated
    forms of Arabic letters are as wide as or wider than the joined ones, so this errs wide."""
    urdu, latin = faces if faces is not None else _page_faces()
    u = _advances(urdu) if urdu else ({}, 0.6)
    la = _advances(latin) if latin else ({}, 0.6)
    width = 0.0
    for ch in text:
        cp = ord(ch)
        if 0x0600 <= cp <= 0x08FF or 0xFB50 <= cp <= 0xFEFF:
            width += u[0].get(cp, u[1]) * _URDU_SIZE
        else:
            width += la[0].get(cp, la[1])
    return width * size


def fit_svg_text(svg: str) -> str:
    """Widen a Vega SVG's viewBox so every text, drawn in the page's fonts, lies inside it.

    Vega places text by its own measurement of the fonts it was given; the published page draws chart
    text in the embedded faces (the Urdu face larger), so a right-aligned axis label can start left of
    the chart and be cut off. The drawing is unchanged; only the box grows to hold the widest text.
    """
    head = re.match(r"<svg\b[^>]*>", svg)
    if head is None:
        return svg
    attrs = dict(_ATTR.findall(head.group(0)))
    try:
        width, height = float(attrs["width"]), float(attrs["height"])
    except (KeyError, ValueError):
        return svg
    faces = _page_faces()
    left, right = 0.0, width
    stack: list[float] = [0.0]
    text: dict[str, Any] | None = None
    for close, tag, rest, data in _TAG.findall(svg[head.end() :]):
        if data:
            if text is not None and data.strip():
                text["runs"][-1] += html_unescape(data)
            continue
        if tag == "g":
            if close:
                stack.pop() if len(stack) > 1 else None
            else:
                found = _TRANSLATE.search(dict(_ATTR.findall(rest)).get("transform", ""))
                stack.append(stack[-1] + (float(found.group(1)) if found else 0.0))
            continue
        if tag == "text" and not close:
            a = dict(_ATTR.findall(rest))
            transform = a.get("transform", "")
            found = _TRANSLATE.search(transform)
            size = re.match(r"[\d.]+", a.get("font-size", "11"))
            text = {
                "x": stack[-1] + (float(found.group(1)) if found else 0.0) + float(a.get("x", 0) or 0),
                "anchor": a.get("text-anchor", "start"),
                "size": float(size.group(0)) if size else 11.0,
                "rotated": "rotate" in transform,
                "runs": [""],
            }
        elif tag == "tspan" and not close and text is not None:
            text["runs"].append("")
        elif tag == "text" and close and text is not None:
            if not text["rotated"]:
                w = max(text_width(run, text["size"], faces) for run in text["runs"])
                start = text["x"] - {"end": w, "middle": w / 2}.get(text["anchor"], 0.0)
                left, right = min(left, start - _MARGIN), max(right, start + w + _MARGIN)
            text = None
    if left >= 0 and right <= width:
        return svg
    new_width = right - left
    tag = re.sub(r'\bwidth="[^"]*"', f'width="{new_width:g}"', head.group(0), count=1)
    tag = re.sub(r'\bviewBox="[^"]*"', f'viewBox="{left:g} 0 {new_width:g} {height:g}"', tag, count=1, flags=re.I)
    return tag + svg[head.end() :]
