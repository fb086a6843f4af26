"""Charts in one house style: altair, colour-blind-safe, every chart with a source line.

Rules the functions here enforce, so notebooks cannot forget them:

- the Okabe–Ito palette, and colour is never the only signal (shapes, dashes and direct
  labels carry the same information);
- the title states the finding and is computed from the data (:func:`peak_title`,
  :func:`share_title`), never typed as a conclusion in a notebook;
- a source line under every chart (:func:`with_source`);
- a sample-size strip under every rate (:func:`rate_chart`);
- networks are labelled by name, not bare ASN (:func:`network_label`; names from the curated
  dataset ``datasets/networks``, each with its source; an unverified name is never shown);
- dated events from ``datasets/events`` with ``annotate = true`` are drawn on time series.

>>> import polars as pl
>>> frame = pl.DataFrame({"date": ["2024-11-01", "2024-11-02"], "value": [10.0, 40.0]})
>>> chart = time_series(frame, y="value", y_title="Interest", source="Google Trends (CenAlert)")
>>> spec = chart.to_dict()
>>> spec["vconcat"][0]["title"]["text"]
'Interest peaked at 40 on 2024-11-02'
"""

from __future__ import annotations

import datetime as dt
import functools
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import altair as alt
import polars as pl

from claimaudit.i18n import VALUES, stated, value_words
from claimaudit.i18n import date as fmt_date
from claimaudit.notebook._subcharts import shared_subcharts

__all__ = [
    "DASHES",
    "OKABE_ITO",
    "SHAPES",
    "chart_font",
    "event_key",
    "event_layer",
    "figure_points",
    "network_label",
    "network_name",
    "network_names",
    "network_panels",
    "peak_subtitle",
    "peak_title",
    "rate_chart",
    "share_title",
    "shared_subcharts",
    "strip_chart",
    "time_series",
    "use_theme",
    "with_source",
]

#: Okabe & Ito (2008), "Color Universal Design": distinguishable with all common colour-vision
#: deficiencies. Black first so a single series is neutral.
OKABE_ITO: tuple[str, ...] = (
    "#000000",
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
    "#F0E442",
)
#: Seven shapes against eight colours: (colour, shape) pairs stay unique for 56 series.
SHAPES: tuple[str, ...] = ("circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "triangle-right")
DASHES: tuple[tuple[int, ...], ...] = ((1, 0), (6, 3), (2, 2), (8, 3, 2, 3), (4, 4), (1, 3))

_FONT = "DejaVu Sans, Helvetica, Arial, sans-serif"
_CAPTION_CHARS = 88  # characters of 11 px text that fit under a 560 px plot
_INK = "#1a1a1a"
_MUTED = "#595959"


# --------------------------------------------------------------------------- theme


@alt.theme.register("claimaudit", enable=False)
def _house_theme() -> alt.theme.ThemeConfig:
    from claimaudit import i18n

    font = chart_font()
    # Urdu letters stand taller than Latin ones (and the page draws them 12 % larger): lines of a
    # title need more room between them, and the title more room above the plot
    rtl = i18n.direction() == "rtl"
    spacing: dict[str, Any] = {"lineHeight": 26, "subtitleLineHeight": 21, "offset": 14} if rtl else {}
    return {
        "config": {
            "font": font,
            "background": "#ffffff",
            "view": {"stroke": None, "continuousWidth": 560, "continuousHeight": 220},
            "title": {
                "anchor": "start",
                "fontSize": 15,
                "fontWeight": "bold",
                "color": _INK,
                "subtitleColor": _MUTED,
                "subtitleFontSize": 12,
                "offset": 10,
                **spacing,
            },
            "axis": {
                "labelColor": _INK,
                "titleColor": _INK,
                "labelFontSize": 11,
                "titleFontSize": 12,
                "gridColor": "#e6e6e6",
                "domainColor": _MUTED,
                "tickColor": _MUTED,
            },
            "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "bottom", "symbolStrokeWidth": 2},
            "range": {"category": list(OKABE_ITO), "ordinal": list(OKABE_ITO)},
            "line": {"strokeWidth": 2},
            "point": {"size": 45, "filled": True},
            "text": {"font": font, "color": _INK},
            "header": {"labelFontSize": 12, "labelFontWeight": "bold", "labelColor": _INK, "labelAnchor": "start"},
            "concat": {"spacing": 6},
        }
    }


def chart_font(lang: str | None = None) -> str:
    """The font stack of chart text in ``lang`` (default: the active language): in Urdu the
    Urdu text face first (the published page embeds it as a subset), Latin after it."""
    from claimaudit import i18n

    if i18n.direction(lang) == "rtl":
        return "Noto Naskh Arabic, " + _FONT
    return _FONT


def use_theme(*, renderer: str | None = "svg") -> None:
    """Enable the house theme (and, by default, inline SVG output for self-contained reports).

    >>> use_theme(renderer=None)
    >>> alt.theme.active
    'claimaudit'
    """
    alt.theme.enable("claimaudit")
    if renderer:
        alt.renderers.enable(renderer)


# --------------------------------------------------------------------------- wording


def peak_title(frame: pl.DataFrame, *, x: str, y: str, subject: str) -> str:
    """``"<subject> peaked at <max> on <x>"`` computed from ``frame``. A figure too long for a
    headline (more than 8 characters, e.g. ``82.2927252793334``) is left out of the title, never
    rounded: :func:`peak_subtitle` gives it exactly.

    >>> peak_title(pl.DataFrame({"d": ["a", "b"], "v": [1, 3]}), x="d", y="v", subject="Demand")
    'Demand peaked at 3 on b'
    >>> peak_title(pl.DataFrame({"d": ["a"], "v": [82.2927252793334]}), x="d", y="v", subject="Interest")
    'Interest peaked on a'
    """
    from claimaudit.i18n import _

    top = _peak(frame, x=x, y=y)
    if top is None:
        return _("{subject}: no data in this window", subject=subject)
    when, value = top
    if len(value) > 8:
        return _("{subject} peaked on {date}", subject=subject, date=when)
    return _("{subject} peaked at {value} on {date}", subject=subject, value=value, date=when)


def peak_subtitle(frame: pl.DataFrame, *, x: str, y: str) -> str | None:
    """The exact peak value when :func:`peak_title` leaves it out, else None.

    >>> peak_subtitle(pl.DataFrame({"d": ["a"], "v": [82.2927252793334]}), x="d", y="v")
    'Highest value 82.2927252793334 (as in the data, unrounded)'
    """
    from claimaudit.i18n import _

    top = _peak(frame, x=x, y=y)
    if top is None or len(top[1]) <= 8:
        return None
    return _("Highest value {value} (as in the data, unrounded)", value=top[1])


def _peak(frame: pl.DataFrame, *, x: str, y: str) -> tuple[str, str] | None:
    rows = frame.filter(pl.col(y).is_not_null())
    if rows.is_empty():
        return None
    top = rows.sort(y, descending=True).row(0, named=True)
    return _iso(top[x]), stated(top[y])


def share_title(*, part: int, whole: int, what: str, of: str) -> str:
    """``"<what> on 3 of 41 <of>"``: counts, not a national average.

    >>> share_title(part=3, whole=41, what="Blocked", of="networks")
    'Blocked on 3 of 41 networks'
    """
    from claimaudit.i18n import _

    return _("{what} on {part} of {whole} {of}", what=what, part=part, whole=whole, of=of)


def network_names() -> dict[str, str]:
    """ASN (``AS17557``) -> the name a reader sees, from the curated dataset ``datasets/networks``
    (every name cites the page it was read on); names marked ``unverified`` are left out, so their
    networks are shown by ASN. Empty when the datasets folder has no ``networks``."""
    from claimaudit import paths

    return dict(_network_names(paths.datasets_dir()))


@functools.lru_cache(maxsize=4)
def _network_names(root: Path) -> tuple[tuple[str, str], ...]:
    from claimaudit import datasets

    if "networks" not in datasets.list_datasets(root):
        return ()
    rows = datasets.load("networks", root=root).filter(pl.col("verification") != "unverified")
    return tuple(rows.select("asn", "name").iter_rows())


def _asn_key(asn: str | int) -> str:
    text = str(asn).strip().upper()
    return text if text.startswith("AS") else f"AS{text}"


def network_name(asn: str | int | None) -> str | None:
    """The verified name of a network (``datasets/networks``), or None.

    >>> network_name(17557), network_name("AS9541")
    ('PTCL', None)
    """
    return None if asn is None else network_names().get(_asn_key(asn))


def network_label(asn: str | int | None) -> str:
    """A readable network label: ``"PTCL (AS17557)"``; ASNs without a verified name say so.

    >>> network_label("AS17557"), network_label(9541)
    ('PTCL (AS17557)', 'AS9541 (name unverified)')
    """
    if asn is None:
        return "unknown network"
    key = _asn_key(asn)
    name = network_names().get(key)
    return f"{name} ({key})" if name else f"{key} (name unverified)"


def _network_expr(column: str) -> pl.Expr:
    key = (
        pl.when(pl.col(column).cast(pl.String).str.to_uppercase().str.starts_with("AS"))
        .then(pl.col(column).cast(pl.String).str.to_uppercase())
        .otherwise(pl.lit("AS") + pl.col(column).cast(pl.String))
    )
    names = network_names()
    name = key.replace_strict(names, default=None, return_dtype=pl.String) if names else pl.lit(None, pl.String)
    return (
        pl.when(name.is_not_null())
        .then(name + pl.lit(" (") + key + pl.lit(")"))
        .otherwise(key + pl.lit(" (name unverified)"))
    )


# --------------------------------------------------------------------------- building blocks


@shared_subcharts()
def with_source(
    chart: alt.TopLevelMixin, source: str, *, note: str | None = None, key: Sequence[str] = ()
) -> alt.VConcatChart:
    """Put a "Source: …" line (an optional note, and the key to numbered events) under ``chart``.

    >>> c = with_source(alt.Chart(pl.DataFrame({"a": [1]})).mark_point().encode(x="a:Q"), "OONI")
    >>> c.to_dict()["vconcat"][1]["mark"]["type"]
    'text'
    """
    if not source or not source.strip():
        raise ValueError("every chart needs a source line: pass source='<who published the data>'")
    # Wrapped to the plot's width, so a long source line does not widen the chart (and shrink it on a phone).
    from claimaudit.i18n import _

    given = list(key) + [_("Source: {source}", source=source.strip())] + ([note.strip()] if note else [])
    lines = [part for line in given for part in (textwrap.wrap(line, width=_CAPTION_CHARS) or [line])]
    caption = (
        alt.Chart(pl.DataFrame({"line": lines, "order": list(range(len(lines)))}))
        .mark_text(align="left", baseline="top", fontSize=11, color=_MUTED, dx=0)
        .encode(
            text=alt.Text("line:N"),
            x=alt.XValue(0),
            y=alt.Y("order:O", axis=None),
        )
        .properties(height=16 * len(lines))
    )
    return (
        alt.vconcat(chart, caption)
        .resolve_scale(color="independent", shape="independent", strokeDash="independent", y="independent")
        .resolve_legend(color="independent", shape="independent", strokeDash="independent")
    )


def _event_rows(events: pl.DataFrame | None, start: Any, end: Any) -> pl.DataFrame | None:
    if events is None or events.is_empty():
        return None
    rows = events.filter(pl.col("annotate").fill_null(False))
    if start is not None:
        rows = rows.filter(pl.col("start_date") >= pl.lit(_as_date(start)))
    if end is not None:
        rows = rows.filter(pl.col("start_date") <= pl.lit(_as_date(end)))
    if rows.is_empty():
        return None
    # A short label: the data vocabulary's words for the event (a message, so the key reads in the
    # edition's language), else one made from the stable id ("2024-02-17-x-blocked" -> "x blocked");
    # the summary is the tooltip. Worded here, in the caller's thread, which knows the language.
    if "event_id" in rows.columns:
        known = {e: value_words("event", e) for e in rows["event_id"].to_list() if e in VALUES["event"]}
        label = (
            pl.when(pl.col("event_id").is_in(list(known)))
            .then(pl.col("event_id").replace(known))
            .otherwise(pl.col("event_id").str.replace(r"^\d{4}-\d{2}-\d{2}-", "").str.replace_all("-", " "))
        )
    else:
        label = pl.col("summary").str.slice(0, 40)
    return rows.sort("start_date").select(
        pl.col("start_date").alias("event_date"),
        pl.col("kind").alias("event_kind"),
        label.alias("event_label"),
        pl.col("summary").alias("event_summary"),
        pl.int_range(pl.len()).alias("event_row"),
        (pl.int_range(pl.len()) + 1).cast(pl.String).alias("event_number"),
    )


@shared_subcharts()
def event_layer(events: pl.DataFrame | None, *, start: Any = None, end: Any = None) -> alt.LayerChart | None:
    """Dashed rules, each numbered, for events with ``annotate`` true within ``[start, end]``;
    :func:`event_key` gives the lines that say what each number is (under the chart, where words
    never collide with the data or each other).

    ``events`` is ``datasets.load("events")`` (fields ``start_date``, ``kind``, ``summary``,
    ``annotate``). Returns None when nothing falls in the window.
    """
    rows = _event_rows(events, start, end)
    if rows is None:
        return None
    base = alt.Chart(rows)
    tooltip = [alt.Tooltip("event_date:T", title="date"), alt.Tooltip("event_summary:N", title="event")]
    rules = base.mark_rule(color=_MUTED, strokeDash=[4, 3], strokeWidth=1.2).encode(
        x=alt.X("event_date:T"), tooltip=tooltip
    )
    # Numbers stagger downwards in date order, so events days apart do not print over each other.
    numbers = base.mark_text(align="left", baseline="top", dx=3, fontSize=11, fontWeight="bold", color=_INK).encode(
        x=alt.X("event_date:T"),
        y=alt.YValue(2),
        yOffset=alt.YOffset("event_row:O", scale=alt.Scale(range=[0, 13 * max(rows.height - 1, 1)])),
        text=alt.Text("event_number:N"),
        tooltip=tooltip,
    )
    return alt.layer(rules, numbers)


def event_key(events: pl.DataFrame | None, *, start: Any = None, end: Any = None) -> list[str]:
    """One line per numbered event drawn by :func:`event_layer`: ``"1 · 2024-02-08 · election day …"``.

    >>> ev = pl.DataFrame({"event_id": ["2024-11-10-vpn-outage"], "start_date": [dt.date(2024, 11, 10)],
    ...                    "kind": ["vpn_disruption"], "summary": ["VPNs failed"], "annotate": [True]})
    >>> event_key(ev)
    ['1 · 2024-11-10 · VPN outage']
    """
    rows = _event_rows(events, start, end)
    if rows is None:
        return []
    return [
        f"{r['event_number']} · {fmt_date(r['event_date'])} · {r['event_label']}" for r in rows.iter_rows(named=True)
    ]


# --------------------------------------------------------------------------- charts


@shared_subcharts()
def time_series(
    frame: pl.DataFrame,
    *,
    y: str,
    y_title: str,
    source: str,
    x: str = "date",
    series: str | None = None,
    events: pl.DataFrame | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    note: str | None = None,
) -> alt.VConcatChart:
    """A line chart of ``y`` over ``x`` with event annotations and a source line.

    With ``series``, each series gets its own colour *and* dash *and* a direct end label.
    The default title is :func:`peak_title`.
    """
    _require(frame, [x, y] + ([series] if series else []))
    data = frame.select([x, y] + ([series] if series else [])).sort(x)
    subtitle = subtitle if title or subtitle else peak_subtitle(data, x=x, y=y)
    title = title or peak_title(data, x=x, y=y, subject=y_title)
    enc: dict[str, Any] = {
        "x": alt.X(f"{x}:T", title=None),
        "y": alt.Y(f"{y}:Q", title=y_title),
        "tooltip": [alt.Tooltip(f"{x}:T"), alt.Tooltip(f"{y}:Q")],
    }
    if series:
        names = data.get_column(series).unique(maintain_order=True).to_list()
        enc["color"] = alt.Color(f"{series}:N", scale=alt.Scale(domain=names, range=list(OKABE_ITO[: len(names)])))
        enc["strokeDash"] = alt.StrokeDash(
            f"{series}:N", scale=alt.Scale(domain=names, range=[list(d) for d in DASHES[: len(names)]])
        )
        enc["tooltip"].append(alt.Tooltip(f"{series}:N"))
    line = alt.Chart(data).mark_line(color=OKABE_ITO[0]).encode(**enc)
    layers: list[Any] = [line]
    if series:
        last = data.group_by(series, maintain_order=True).agg(pl.all().sort_by(x).last())
        layers.append(
            alt.Chart(last)
            .mark_text(align="left", dx=4, fontSize=11)
            .encode(
                x=alt.X(f"{x}:T"),
                y=alt.Y(f"{y}:Q"),
                text=alt.Text(f"{series}:N"),
                color=alt.Color(f"{series}:N", legend=None),
            )
        )
    window = {"start": data.get_column(x).min(), "end": data.get_column(x).max()}
    marks = event_layer(events, **window)
    if marks is not None:
        layers.append(marks)
    chart = alt.layer(*layers).properties(title=_title(title, subtitle), width=560, height=220)
    return with_source(chart, source, note=note, key=event_key(events, **window))


def strip_chart(frame: pl.DataFrame, *, x: str, n: str, n_title: str = "sample size") -> alt.Chart:
    """A small bar strip of sample sizes, to sit under a rate (no rate without its n)."""
    _require(frame, [x, n])
    return (
        alt.Chart(frame.select(x, n))
        .mark_bar(color=_MUTED)
        .encode(
            x=alt.X(f"{x}:T", title=None),
            y=alt.Y(f"{n}:Q", title=n_title, axis=alt.Axis(tickCount=2)),
            tooltip=[alt.Tooltip(f"{x}:T"), alt.Tooltip(f"{n}:Q", title=n_title)],
        )
        .properties(width=560, height=50)
    )


@shared_subcharts()
def rate_chart(
    frame: pl.DataFrame,
    *,
    rate: str,
    n: str,
    rate_title: str,
    source: str,
    x: str = "date",
    events: pl.DataFrame | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    note: str | None = None,
) -> alt.VConcatChart:
    """A rate over time (points + line) with the sample-size strip under it."""
    _require(frame, [x, rate, n])
    data = frame.select(x, rate, n).sort(x)
    subtitle = subtitle if title or subtitle else peak_subtitle(data, x=x, y=rate)
    title = title or _with_peak_n(peak_title(data, x=x, y=rate, subject=rate_title), data, y=rate, n=n)
    line = (
        alt.Chart(data)
        .mark_line(point=alt.OverlayMarkDef(shape="circle", size=18), color=OKABE_ITO[4])
        .encode(
            x=alt.X(f"{x}:T", title=None, axis=alt.Axis(labels=False)),
            y=alt.Y(f"{rate}:Q", title=rate_title),
            tooltip=[alt.Tooltip(f"{x}:T"), alt.Tooltip(f"{rate}:Q", format=".3f"), alt.Tooltip(f"{n}:Q")],
        )
    )
    layers: list[Any] = [line]
    window = {"start": data.get_column(x).min(), "end": data.get_column(x).max()}
    marks = event_layer(events, **window)
    if marks is not None:
        layers.append(marks)
    top = alt.layer(*layers).properties(width=560, height=200)
    body = alt.vconcat(top, strip_chart(data, x=x, n=n, n_title="n" if n == "n" else f"n ({n})")).properties(
        title=_title(title, subtitle)
    )
    return with_source(body, source, note=note, key=event_key(events, **window))


@shared_subcharts()
def network_panels(
    frame: pl.DataFrame,
    *,
    asn: str,
    y: str,
    y_title: str,
    source: str,
    x: str = "date",
    n: str | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    columns: int = 2,
) -> alt.VConcatChart:
    """One small panel per network, labelled ``"PTCL (AS17557)"``, optionally with n as bars."""
    _require(frame, [asn, x, y] + ([n] if n else []))
    data = frame.with_columns(_network_expr(asn).alias("network")).select(["network", x, y] + ([n] if n else []))
    networks = data.get_column("network").n_unique()
    title = title or f"{y_title}: {networks} network{'s' if networks != 1 else ''} shown"
    x_scale = alt.Scale(domain=[_iso(data.get_column(x).min()), _iso(data.get_column(x).max())])
    panels = []
    for (label,), part in data.sort("network", x).group_by("network", maintain_order=True):
        line = (
            alt.Chart(part)
            .mark_line(point=alt.OverlayMarkDef(shape="circle", size=14), color=OKABE_ITO[4])
            .encode(
                x=alt.X(f"{x}:T", title=None, scale=x_scale, axis=alt.Axis(labels=not n)),
                y=alt.Y(f"{y}:Q", title=y_title),
                tooltip=[alt.Tooltip(f"{x}:T"), alt.Tooltip(f"{y}:Q")] + ([alt.Tooltip(f"{n}:Q")] if n else []),
            )
            .properties(width=250, height=100, title=alt.TitleParams(str(label), fontSize=12))
        )
        if n:
            strip = strip_chart(part, x=x, n=n, n_title="n").encode(x=alt.X(f"{x}:T", title=None, scale=x_scale))
            panels.append(alt.vconcat(line, strip.properties(width=250, height=30), spacing=2))
        else:
            panels.append(line)
    chart = alt.concat(*panels, columns=columns).properties(title=_title(title, subtitle))
    return with_source(chart, source)


@shared_subcharts()
def figure_points(
    frame: pl.DataFrame,
    *,
    series: str,
    y_title: str,
    source: str,
    x: str = "date",
    y: str = "value",
    events: pl.DataFrame | None = None,
    title: str | None = None,
    subtitle: str | None = None,
    note: str | None = None,
) -> alt.VConcatChart:
    """Stated figures as points over time: one colour *and* shape per ``series``.

    For official figures, which are statements, not measurements: no line joins them. The default
    title counts the figures and the years they span.
    """
    _require(frame, [x, y, series])
    data = frame.filter(pl.col(y).is_not_null() & pl.col(x).is_not_null()).sort(x)
    if title is None:
        if data.is_empty():
            title = f"{y_title}: no dated figures"
        else:
            first, last = data.get_column(x).min(), data.get_column(x).max()
            span = f"{_iso(first)[:4]}–{_iso(last)[:4]}" if _iso(first)[:4] != _iso(last)[:4] else _iso(first)[:4]
            title = f"{data.height} {y_title.lower()} stated, {span}"
    names = data.get_column(series).unique(maintain_order=True).to_list()
    colours = [OKABE_ITO[i % len(OKABE_ITO)] for i in range(len(names))]
    shapes = [SHAPES[i % len(SHAPES)] for i in range(len(names))]
    legend = alt.Legend(columns=2, labelLimit=320, symbolSize=80)
    tooltip = [alt.Tooltip(f"{x}:T"), alt.Tooltip(f"{y}:Q", format=","), alt.Tooltip(f"{series}:N")]
    tooltip += [alt.Tooltip(f"{c}:N") for c in ("claim_id", "category") if c in data.columns]
    points = (
        alt.Chart(data)
        .mark_point(size=70, filled=True, opacity=0.9)
        .encode(
            x=alt.X(f"{x}:T", title=None),
            y=alt.Y(
                f"{y}:Q", title=y_title, axis=alt.Axis(format="~s", labelExpr="datum.value == 0 ? '0' : datum.label")
            ),
            # Same field, same title, same legend settings: Vega-Lite merges colour and shape into one legend.
            color=alt.Color(f"{series}:N", scale=alt.Scale(domain=names, range=colours), title=series, legend=legend),
            shape=alt.Shape(f"{series}:N", scale=alt.Scale(domain=names, range=shapes), title=series, legend=legend),
            tooltip=tooltip,
        )
    )
    layers: list[Any] = [points]
    key: list[str] = []
    if not data.is_empty():
        window = {"start": data.get_column(x).min(), "end": data.get_column(x).max()}
        marks = event_layer(events, **window)
        if marks is not None:
            layers.append(marks)
        key = event_key(events, **window)
    chart = alt.layer(*layers).properties(title=_title(title, subtitle), width=560, height=240)
    return with_source(chart, source, note=note, key=key)


def _with_peak_n(title: str, data: pl.DataFrame, *, y: str, n: str) -> str:
    """A rate's peak says how many measurements it rests on: a share of 1 from 3 tests is not news."""
    rows = data.filter(pl.col(y).is_not_null())
    if rows.is_empty():
        return title
    size = rows.sort(y, descending=True).row(0, named=True)[n]
    return f"{title}, from {stated(size)} measurement{'' if size == 1 else 's'}" if size is not None else title


def _title(text: str, subtitle: str | None) -> alt.TitleParams:
    return alt.TitleParams(text=text, subtitle=subtitle or alt.Undefined)


def _require(frame: pl.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"the frame has no column(s) {missing}; it has {frame.columns}")


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])
