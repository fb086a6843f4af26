"""Rule kind ``series_consistency``: official figures checked against each other.

Four checks, each optional through ``params.checks``:

- ``monotone``  a running total by the same authority, category and scope must not fall;
- ``additions`` a window or fiscal-year figure must match the change in the running total;
- ``ordering``  in one statement, blocked ≤ processed ≤ identified (and still accessible,
  rejected ≤ processed) for the same category and scope;
- ``parts``     in one statement, the categories (or platforms) add up to no more than the total;
- ``rates``     in one statement, a stated block rate matches blocked ÷ processed.

Figures are compared like with like: URLs and web links count the same thing (addresses), and so
do websites and sites (whole sites, each of which can hold many URLs); a change of unit within a
family is named in the verdict. A different verb, period (an all-time running total and one
"since 2016" included), scope or unit family makes a pair ``not_comparable``, with the reason,
never a contradiction.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import polars as pl

from claimaudit.audit._context import Context
from claimaudit.audit._findings import WORKING_TEMPLATES, cite, figure, render_step, say, when
from claimaudit.audit._verdict import Status, Strength, Verdict
from claimaudit.i18n import stated_difference

Row = dict[str, Any]

_ORDER = (
    ("blocked", "processed"),
    ("still_accessible", "processed"),
    ("rejected", "processed"),
    ("processed", "identified"),
    ("blocked", "identified"),
)
_LOWER_BOUNDS = {"over", "at_least"}


def audit(ctx: Context) -> list[Verdict]:
    params = ctx.rule.params
    valued = ctx.claims.filter(pl.col("kind").is_in(["count", "ratio"]) & pl.col("value").is_not_null())
    rows = valued.filter(pl.col("unit") != "percent").sort(["_date", "claim_id"], nulls_last=True).to_dicts()
    # The span a running total covers: all of it, or only since a start date. A rule may declare that its
    # "since" dates are the start of the series itself (VPN registration began in 2010), so both are all of it.
    for row in rows:
        since = row["period"] == "cumulative_since" and not params.get("since_is_series_start", False)
        row["_span"] = f"since {row['period_start']}" if since else "all"
    rates = valued.filter(pl.col("unit") == "percent").sort("claim_id").to_dicts()
    verdicts: list[Verdict] = []
    checks = set(params["checks"])
    if "monotone" in checks:
        verdicts += _monotone(rows, ctx)
    if "additions" in checks:
        verdicts += _additions(rows, ctx)
    if "ordering" in checks:
        verdicts += _ordering(rows, ctx)
    if "parts" in checks:
        verdicts += _parts(rows, ctx)
    if "rates" in checks:
        verdicts += _rates(rates, rows, ctx)
    return verdicts


# --------------------------------------------------------------------------- helpers


def _groups(rows: Iterable[Row], *keys: str) -> dict[tuple, list[Row]]:
    out: dict[tuple, list[Row]] = defaultdict(list)
    for row in rows:
        out[tuple(row[k] for k in keys)].append(row)
    return dict(sorted(out.items(), key=lambda kv: tuple(str(x) for x in kv[0])))


def _differences(a: Row, b: Row) -> list[dict[str, Any]]:
    """Why two figures of the same authority and category are not like with like, as steps of the
    working (empty: they are)."""
    out = []
    if a["verb"] != b["verb"]:
        narrower = {a["verb"], b["verb"]} <= {"blocked", "processed", "identified"}
        name = "different_verbs_narrower" if narrower else "different_verbs"
        out.append(say(f"series_consistency.{name}", verb=a["verb"], other_verb=b["verb"]))
    if a["scope"] != b["scope"]:
        out.append(say("series_consistency.different_scopes", scope=a["scope"], other_scope=b["scope"]))
    if a["_period_family"] != b["_period_family"]:
        out.append(say("series_consistency.different_periods", period=a["period"], other_period=b["period"]))
    elif a["period"] == b["period"] == "cumulative_since" and a["period_start"] != b["period_start"]:
        out.append(
            say(
                "series_consistency.different_starts",
                start=_iso_date(a["period_start"]),
                other_start=_iso_date(b["period_start"]),
            )
        )
    elif a.get("_span", "all") != b.get("_span", "all"):
        since = a if a["period"] == "cumulative_since" else b
        out.append(say("series_consistency.different_spans", start=_iso_date(since["period_start"])))
    if a["_unit_family"] != b["_unit_family"]:
        site_or_url = {a["_unit_family"], b["_unit_family"]} <= _SITE_OR_URL
        name = "different_units_site_url" if site_or_url else "different_units"
        out.append(say(f"series_consistency.{name}", unit=a["unit"], other_unit=b["unit"]))
    return out


def _iso_date(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _span_step(row: Row) -> dict[str, Any]:
    """The span a running total covers, as a step: since its start date, or all of it."""
    if row.get("_span", "all") == "all":
        return say("series_consistency.span_all")
    return say("series_consistency.span_since", start=_iso_date(row["period_start"]))


_SITE_OR_URL = {"urls", "websites", "websites_or_pages"}


def _unit_note(a: Row, b: Row) -> list[dict[str, Any]]:
    if a["unit"] == b["unit"]:
        return []
    key = f"series_consistency.family.{a['_unit_family']}"
    family = say(key) if key in WORKING_TEMPLATES else a["_unit_family"]
    return [say("series_consistency.unit_changed", unit=a["unit"], other_unit=b["unit"], family=family)]


def _change(a: float, b: float) -> dict[str, Any]:
    diff = stated_difference(b, a)
    share = diff / a if a else None
    return say(f"series_consistency.{'rise' if diff >= 0 else 'drop'}", difference=diff, change_share=share)


def _iso(row: Row) -> str | None:
    return row["_date"].isoformat() if row.get("_date") is not None else None


def _dated(row: Row) -> bool:
    return row["_lo_date"] is not None


def _before(a: Row, b: Row) -> bool:
    return a["_hi_date"] < b["_lo_date"]


def _series_step(row: Row) -> dict:
    """The series a row belongs to as a working step (rendered in the edition's language)."""
    what = [x for x in (row["category"], row["scope"]) if x not in (None, "not_applicable")]
    return (
        say(
            "series_consistency.name_detail",
            authority=row["authority"],
            period=row["period"],
            metric=row["metric"],
            detail=what,
        )
        if what
        else say("series_consistency.name", authority=row["authority"], period=row["period"], metric=row["metric"])
    )


# --------------------------------------------------------------------------- monotone


def _monotone(rows: list[Row], ctx: Context) -> list[Verdict]:
    params = ctx.rule.params
    verdicts: list[Verdict] = []
    # group_by splits a series further (e.g. one registration scheme per metric and unit)
    for _, group in _groups(rows, "authority", "category", *params.get("group_by", [])).items():
        dated = [r for r in group if _dated(r)]
        for b in dated:
            earlier = [a for a in dated if _before(a, b) and a["statement_id"] != b["statement_id"]]
            if b["_period_family"] == "cumulative":
                comparable = [a for a in earlier if not _differences(a, b)]
                if comparable:
                    verdicts.append(_fall_verdict(comparable, b, ctx, params))
                overlapping = [
                    a
                    for a in dated
                    if a is not b
                    and a["statement_id"] != b["statement_id"]
                    and a["claim_id"] < b["claim_id"]
                    and not _before(a, b)
                    and not _before(b, a)
                    and not _differences(a, b)
                    and a["value"] != b["value"]
                ]
                for a in overlapping:
                    if a["_lo_date"] == a["_hi_date"] == b["_lo_date"] == b["_hi_date"]:
                        why = say("series_consistency.same_day", date=_iso_date(a["_date"]))
                    else:
                        why = say(
                            "series_consistency.dates_overlap",
                            date=when(a["_date"], a["_precision"]),
                            other_date=when(b["_date"], b["_precision"]),
                        )
                    verdicts.append(
                        ctx.verdict(
                            (a["claim_id"], b["claim_id"]),
                            Status.NOT_COMPARABLE,
                            [say("series_consistency.unordered", claim=cite(a), other_claim=cite(b), why=why)],
                            finding=(
                                "unordered",
                                {
                                    "subject": _series_step(b),
                                    "figures": [a["value"], b["value"]],
                                    "dates": [_iso(a), _iso(b)],
                                },
                            ),
                        )
                    )
            # a lower figure that is not like with like, yet close enough to be read as a fall
            naive = [
                a
                for a in earlier
                if _differences(a, b)
                and a["_lo"] > b["_hi"]
                and b["value"] >= params["naive_fall_min_ratio"] * a["value"]
            ]
            if naive:
                a = max(naive, key=lambda r: (r["_hi_date"], r["_lo"]))
                verdicts.append(
                    ctx.verdict(
                        (a["claim_id"], b["claim_id"]),
                        Status.NOT_COMPARABLE,
                        [
                            say(
                                "series_consistency.unlike",
                                later=cite(b),
                                earlier=cite(a),
                                differences=_differences(a, b),
                            )
                        ],
                        figures={"earlier_value": a["value"], "later_value": b["value"]},
                        finding=(
                            "unlike",
                            {"subject": _series_step(b), "earlier_value": a["value"], "later_value": b["value"]},
                        ),
                        reason={
                            "difference": stated_difference(b["value"], a["value"]),
                            "differences": [render_step(d) for d in _differences(a, b)],
                        },
                    )
                )
        for u in (r for r in group if not _dated(r) and r["_period_family"] == "cumulative"):
            verdicts.append(_undated_verdict(u, [a for a in dated if not _differences(a, u)], ctx))
    return [v for v in verdicts if v is not None]


def _fall_verdict(comparable: list[Row], b: Row, ctx: Context, params: dict[str, Any]) -> Verdict:
    if b["qualifier"] in _LOWER_BOUNDS:
        exact = [a for a in comparable if a["qualifier"] in ("exact", "about", None)]
        a = max(exact or comparable, key=lambda r: (r["_hi_date"], r["_lo"]))
    else:
        a = max(comparable, key=lambda r: (r["_lo"], r["_hi_date"]))
    ids = (a["claim_id"], b["claim_id"])
    figures = {
        "earlier_value": a["value"],
        "later_value": b["value"],
        "change": stated_difference(b["value"], a["value"]),
        "days": (b["_date"] - a["_date"]).days,
    }
    head = say(
        "series_consistency.step",
        subject=_series_step(b),
        earlier=cite(a),
        later=cite(b),
        n_day=(b["_date"] - a["_date"]).days,
        change=_change(a["value"], b["value"]),
    )
    slots = {
        "subject": _series_step(b),
        "earlier_value": a["value"],
        "earlier_date": _iso(a),
        "later_value": b["value"],
        "later_date": _iso(b),
        "difference": stated_difference(b["value"], a["value"]),
        "change_share": stated_difference(b["value"], a["value"]) / a["value"] if a["value"] else None,
    }
    reason = {"difference": slots["difference"], "share": slots["change_share"], "days": figures["days"]}
    also_above = [r for r in comparable if r is not a and r["_lo"] > b["_hi"]]
    also = []
    if also_above:
        shown = [
            say("series_consistency.figure_on", figure=figure(r), date=when(r["_date"], r["_precision"]))
            for r in also_above[-3:]
        ]
        also = [say("series_consistency.also_above", n_other_figure=len(also_above), shown=shown)]
    if b["qualifier"] in _LOWER_BOUNDS and b["value"] < a["value"]:
        ratio = b["value"] / a["value"]
        logic = say(
            "series_consistency.lower_bound",
            bound=figure(b),
            earlier=figure(a),
            difference=stated_difference(a["value"], b["value"]),
            below_share=1 - ratio,
        )
        if params["headline_lower_bound_conflicts"] and ratio < params["headline_bound_ratio"]:
            return ctx.verdict(
                ids,
                Status.INCONSISTENT,
                [
                    head,
                    logic,
                    say(
                        "series_consistency.bound_conflicts",
                        later_share=ratio,
                        threshold_pct=params["headline_bound_ratio"],
                    ),
                    *_unit_note(a, b),
                ],
                figures=figures,
                finding=("bound_below", {**slots, "later_share": ratio}),
                reason={**reason, "kind": "threshold", "ratio": ratio, "threshold": params["headline_bound_ratio"]},
            )
        return ctx.verdict(
            ids,
            Status.CONSISTENT,
            [head, logic, say("series_consistency.bound_accepted"), *_unit_note(a, b)],
            figures=figures,
            finding=("bound_below", {**slots, "later_share": ratio}),
            reason={**reason, "ratio": ratio},
        )
    if b["_hi"] < a["_lo"]:
        approx = "_approx" if "about" in (a["qualifier"], b["qualifier"]) else ""
        return ctx.verdict(
            ids,
            Status.INCONSISTENT,
            [head, say(f"series_consistency.cannot_fall{approx}"), *also, *_unit_note(a, b)],
            figures=figures,
            finding=("fall", slots),
            reason=reason,
        )
    within = [say("series_consistency.within_approximation")] if b["value"] < a["value"] else []
    return ctx.verdict(
        ids,
        Status.CONSISTENT,
        [head, *within, say("series_consistency.none_above", n_figure=len(comparable)), *_unit_note(a, b)],
        figures=figures,
        finding=("no_fall", slots),
        reason=reason,
    )


def _undated_verdict(u: Row, dated: list[Row], ctx: Context) -> Verdict | None:
    if not dated:
        return None
    smaller = [a for a in dated if a["_hi"] < u["_lo"]]
    larger = [a for a in dated if a["_lo"] > u["_hi"]]
    after = max(smaller, key=lambda r: r["_hi_date"]) if smaller else None
    before = min(larger, key=lambda r: r["_lo_date"]) if larger else None
    if after and before and after["_hi_date"] >= before["_lo_date"]:
        fit = [say("series_consistency.no_date_fits", after=cite(after), before=cite(before))]
    elif after or before:
        bounds = [
            say(f"series_consistency.{side}", date=when(r["_date"], r["_precision"]), figure=figure(r))
            for side, r in (("after", after), ("before", before))
            if r
        ]
        fit = [say("series_consistency.would_fit", bounds=bounds)]
    else:
        fit = []
    return ctx.verdict(
        (u["claim_id"],),
        Status.NOT_COMPARABLE,
        [
            say("series_consistency.undated", claim=cite(u), n_dated_figure=len(dated), subject=_series_step(u)),
            *fit,
        ],
        finding=("undated", {"subject": _series_step(u), "value": u["value"]}),
    )


# --------------------------------------------------------------------------- additions


def _distance(d: dt.date, row: Row) -> int:
    if row["_lo_date"] <= d <= row["_hi_date"]:
        return 0
    return min(abs((d - row["_lo_date"]).days), abs((d - row["_hi_date"]).days))


def _span_groups(totals: list[Row]) -> list[list[Row]]:
    by_span: dict[str, list[Row]] = defaultdict(list)
    for r in totals:
        by_span[r.get("_span", "all")].append(r)
    return [by_span[k] for k in sorted(by_span)]


def _brackets(totals: list[Row], start: dt.date, end: dt.date, slack: int) -> tuple[Row | None, Row | None, bool]:
    """The running totals nearest a window's edges: (before, after, tight)."""
    near0 = [r for r in totals if _distance(start, r) <= slack]
    near1 = [r for r in totals if _distance(end, r) <= slack]
    c0 = min(near0, key=lambda r: (_distance(start, r), r["claim_id"])) if near0 else None
    c1 = min(near1, key=lambda r: (_distance(end, r), r["claim_id"])) if near1 else None
    if c0 is not None and c1 is not None and c0 is not c1:
        return c0, c1, True
    before = [r for r in totals if r["_hi_date"] <= start]
    after = [r for r in totals if r["_lo_date"] >= end]
    c0 = max(before, key=lambda r: r["_hi_date"]) if before else None
    c1 = min(after, key=lambda r: r["_lo_date"]) if after else None
    return c0, c1, False


def _additions(rows: list[Row], ctx: Context) -> list[Verdict]:
    params = ctx.rule.params
    tol, slack = params["addition_tolerance"], params["bracket_slack_days"]
    verdicts = []
    windows = [r for r in rows if r["_period_family"] == "window" and r["period_start"] and r["period_end"]]
    for w in windows:
        totals = [
            r
            for r in rows
            if _dated(r)
            and r["_period_family"] == "cumulative"
            and r["authority"] == w["authority"]
            and r["category"] == w["category"]
            and not [d for d in _differences(r, w) if d["template"] != "series_consistency.different_periods"]
        ]
        start, end = w["period_start"], w["period_end"]
        span = f"{start.isoformat()}..{end.isoformat()}"
        # the two brackets must be one running total: the same span (all of it, or since one date)
        c0 = c1 = None
        tight = False
        for group in _span_groups(totals):
            g0, g1, g_tight = _brackets(group, start, end, slack)
            if g0 is not None and g1 is not None:
                c0, c1, tight = g0, g1, g_tight
                if tight:
                    break
        if c0 is None or c1 is None:
            c0, c1, tight = _brackets(totals, start, end, slack)
            if c0 is not None and c1 is not None:  # brackets on both sides, but of different spans
                verdicts.append(
                    ctx.verdict(
                        (c0["claim_id"], w["claim_id"], c1["claim_id"]),
                        Status.INSUFFICIENT,
                        [
                            say(
                                "series_consistency.spans_differ",
                                claim=cite(w),
                                window=span,
                                first=cite(c0),
                                first_span=_span_step(c0),
                                other=cite(c1),
                                other_span=_span_step(c1),
                            )
                        ],
                        finding=(
                            "additions_unchecked",
                            {"subject": _series_step(w), "value": w["value"], "window": span},
                        ),
                    )
                )
                continue
        if c0 is None or c1 is None:
            missing = "before" if c0 is None else "after"
            edge = start if c0 is None else end
            have = (
                say(
                    f"series_consistency.totals_all_{'after' if c0 is None else 'before'}",
                    n_total=len(totals),
                    authority=w["authority"],
                    category=w["category"],
                )
                if totals
                else say("series_consistency.no_total", authority=w["authority"], category=w["category"])
            )
            verdicts.append(
                ctx.verdict(
                    (w["claim_id"],),
                    Status.INSUFFICIENT,
                    [
                        say(
                            f"series_consistency.needs_total_{missing}",
                            claim=cite(w),
                            window=span,
                            verb=w["verb"],
                            scope=w["scope"],
                            edge=edge.isoformat(),
                            have=have,
                        )
                    ],
                    finding=("additions_unchecked", {"subject": _series_step(w), "value": w["value"], "window": span}),
                )
            )
            continue
        change_lo, change_hi = c1["_lo"] - c0["_hi"], c1["_hi"] - c0["_lo"]
        change = stated_difference(c1["value"], c0["value"])
        if c0["qualifier"] == "about" or c1["qualifier"] == "about":
            # an open bound (a total printed as "over" or "up to") has no number: the range is one-sided
            variant = (
                "arithmetic_at_most"
                if math.isinf(change_lo)
                else "arithmetic_at_least"
                if math.isinf(change_hi)
                else "arithmetic_approx"
            )
            arithmetic = say(
                f"series_consistency.{variant}",
                later=cite(c1),
                earlier=cite(c0),
                change=change,
                computed_low=None if math.isinf(change_lo) else change_lo,
                computed_high=None if math.isinf(change_hi) else change_hi,
            )
        else:
            arithmetic = say("series_consistency.arithmetic", later=cite(c1), earlier=cite(c0), change=change)
        ids = (c0["claim_id"], w["claim_id"], c1["claim_id"])
        figures = {
            "window_value": w["value"],
            "change": change,
            "change_low": change_lo,
            "change_high": change_hi,
        }
        slots = {"subject": _series_step(w), "value": w["value"], "window": span, "change": change}
        reason = {
            "difference": stated_difference(w["value"], change),
            "change_low": change_lo,
            "change_high": change_hi,
            "tolerance": tol,
        }
        if change_hi < 0:
            verdicts.append(
                ctx.verdict(
                    ids,
                    Status.NOT_COMPARABLE,
                    [say("series_consistency.totals_fall", claim=cite(w), window=span, arithmetic=arithmetic)],
                    figures=figures,
                    finding=("additions_total_falls", slots),
                    reason=reason,
                )
            )
            continue
        if tight:
            agree = w["_lo"] * (1 - tol) <= change_hi and w["_hi"] * (1 + tol) >= change_lo
            status = Status.CONSISTENT if agree else Status.INCONSISTENT
            verdicts.append(
                ctx.verdict(
                    ids,
                    status,
                    [
                        say(
                            f"series_consistency.same_span_{'agree' if agree else 'disagree'}",
                            claim=cite(w),
                            window=span,
                            arithmetic=arithmetic,
                            tolerance_pct=tol,
                            n_day=slack,
                        )
                    ],
                    figures=figures,
                    finding=("additions_agree" if agree else "additions_disagree", slots),
                    reason=reason,
                )
            )
        else:
            fits = w["_lo"] <= change_hi * (1 + tol)
            status = Status.CONSISTENT if fits else Status.INCONSISTENT
            verdicts.append(
                ctx.verdict(
                    ids,
                    status,
                    [
                        say(
                            "series_consistency.wider_span",
                            claim=cite(w),
                            window=span,
                            from_date=when(c0["_date"], c0["_precision"]),
                            to_date=when(c1["_date"], c1["_precision"]),
                            arithmetic=arithmetic,
                        ),
                        say("series_consistency.within_bound")
                        if fits
                        else say(
                            "series_consistency.beyond_bound",
                            computed_excess=w["_lo"] - change_hi,
                            tolerance_pct=tol,
                        ),
                    ],
                    figures=figures,
                    finding=("additions_within" if fits else "additions_exceed", slots),
                    reason=reason,
                )
            )
    return verdicts


# --------------------------------------------------------------------------- ordering and parts


def _ordering(rows: list[Row], ctx: Context) -> list[Verdict]:
    verdicts = []
    keys = ("statement_id", "category", "scope", "_period_family", "_unit_family")
    for _, group in _groups(rows, *keys).items():
        by_verb: dict[str, Row] = {}
        for row in group:
            by_verb.setdefault(row["verb"], row)
        for small, big in _ORDER:
            if small in by_verb and big in by_verb:
                a, b = by_verb[small], by_verb[big]
                ok = a["_lo"] <= b["_hi"]
                gap = stated_difference(b["value"], a["value"])
                verdicts.append(
                    ctx.verdict(
                        (a["claim_id"], b["claim_id"]),
                        Status.CONSISTENT if ok else Status.INCONSISTENT,
                        [
                            say(
                                f"series_consistency.{'ordering' if ok else 'ordering_broken'}",
                                statement=a["statement_id"],
                                category=a["category"],
                                scope=a["scope"],
                                smaller_figure=figure(a),
                                smaller=small,
                                larger_figure=figure(b),
                                larger=big,
                                gap=gap,
                                excess=-gap,
                            )
                        ],
                        figures={small: a["value"], big: b["value"]},
                        finding=(
                            "ordering_holds" if ok else "ordering_broken",
                            {
                                "statement": a["statement_id"],
                                "smaller": small,
                                "smaller_value": a["value"],
                                "larger": big,
                                "larger_value": b["value"],
                            },
                        ),
                        reason={"difference": gap},
                    )
                )
    return verdicts


def _parts(rows: list[Row], ctx: Context) -> list[Verdict]:
    tol = ctx.rule.params["parts_tolerance"]
    verdicts = []
    by_category = _groups(rows, "statement_id", "verb", "scope", "_period_family", "_unit_family")
    for _, group in by_category.items():
        totals = [r for r in group if r["category"] == "total"]
        parts = [r for r in group if r["category"] not in ("total", "not_applicable")]
        if any(r["category"] == "proxy_and_misc" for r in parts):  # it already holds proxy and misc
            parts = [r for r in parts if r["category"] not in ("proxy", "misc")]
        if totals and len({r["category"] for r in parts}) >= 2:
            verdicts.append(_parts_verdict(totals, parts, "category", say("series_consistency.categories"), tol, ctx))
    by_scope = _groups(rows, "statement_id", "verb", "category", "_period_family", "_unit_family")
    for _, group in by_scope.items():
        totals = [r for r in group if r["scope"] == "social_media"]
        parts = [r for r in group if (r["scope"] or "").startswith("platform:")]
        if totals and len({r["scope"] for r in parts}) >= 2:
            verdicts.append(_parts_verdict(totals, parts, "scope", say("series_consistency.platforms"), tol, ctx))
    return verdicts


def _parts_verdict(
    totals: list[Row], parts: list[Row], key: str, what: dict[str, Any], tol: float, ctx: Context
) -> Verdict:
    # One figure per part: where outlets' variants were recorded as separate claims, the smallest
    # is used (the most lenient test of parts ≤ total), and the choice is said.
    chosen: dict[str, Row] = {}
    for row in parts:
        if row[key] not in chosen or row["value"] < chosen[row[key]]["value"]:
            chosen[row[key]] = row
    variants = sorted({r[key] for r in parts if r is not chosen[r[key]]})
    total = min(totals, key=lambda r: r["_hi"])
    used = sorted(chosen.values(), key=lambda r: r[key])
    low = sum(r["_lo"] for r in used)
    exact = sum(r["value"] for r in used)
    ok = low <= total["_hi"] * (1 + tol)
    rest = stated_difference(total["value"], exact)
    ids = (total["claim_id"], *sorted(r["claim_id"] for r in used))
    text = [
        say(
            "series_consistency.parts",
            statement=total["statement_id"],
            verb=total["verb"],
            period=total["period"],
            count=len(used),
            what=what,
            listed=[r["value"] for r in used],
            parts_sum=exact,
            total=figure(total),
        )
    ]
    if not ok:
        text.append(say("series_consistency.parts_exceed", computed_excess=low - total["_hi"]))
    elif total["qualifier"] in _LOWER_BOUNDS:
        text.append(say("series_consistency.total_is_bound"))
    elif rest < 0:
        text.append(say("series_consistency.parts_within_approximation", excess=-rest))
    else:
        text.append(say("series_consistency.parts_fit", rest=rest, what=what))
    if variants:
        text.append(say("series_consistency.smallest_variant", key=key, variants=variants))
    if len(totals) > 1:
        text.append(say("series_consistency.smallest_total", count=len(totals)))
    return ctx.verdict(
        ids,
        Status.CONSISTENT if ok else Status.INCONSISTENT,
        text,
        figures={"parts_sum": exact, "total": total["value"]},
        finding=(
            "parts_fit" if ok else "parts_exceed",
            {
                "statement": total["statement_id"],
                "parts": len(used),
                "what": what,
                "parts_sum": exact,
                "total": total["value"],
            },
        ),
        reason={"difference": exact - total["value"], "tolerance": tol},
    )


def _decimals(value: float) -> int:
    text = f"{value:.10f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def _rates(rates: list[Row], rows: list[Row], ctx: Context) -> list[Verdict]:
    """A stated block rate against blocked ÷ processed from the same statement."""
    verdicts = []
    keys = ("statement_id", "category", "scope", "_period_family")
    for rate in rates:
        same = [r for r in rows if all(r[k] == rate[k] for k in keys)]
        blocked = sorted((r for r in same if r["verb"] == "blocked"), key=lambda r: r["claim_id"])
        processed = sorted((r for r in same if r["verb"] == "processed"), key=lambda r: r["claim_id"])
        if not blocked or not processed:
            continue
        for b in blocked:
            p = processed[0]
            if not p["value"]:
                verdicts.append(
                    ctx.verdict(
                        (rate["claim_id"], b["claim_id"], p["claim_id"]),
                        Status.NOT_COMPARABLE,
                        [
                            say(
                                "series_consistency.rate_zero",
                                statement=rate["statement_id"],
                                processed=figure(p),
                                rate=figure(rate),
                            )
                        ],
                        strength=Strength.NONE,
                        finding=(
                            "rate_uncomputable",
                            {"statement": rate["statement_id"], "stated_rate": rate["value"]},
                        ),
                    )
                )
                continue
            computed = b["value"] / p["value"] * 100
            low, high = b["_lo"] / p["_hi"] * 100, min(b["_hi"] / p["_lo"] * 100 if p["_lo"] else 100.0, 100.0)
            half_step = 0.5 * 10 ** -_decimals(rate["value"])  # a printed rate is rounded to its last digit
            stated_lo, stated_hi = rate["_lo"] - half_step, rate["_hi"] + half_step
            ok = stated_lo <= high and stated_hi >= low
            arithmetic = say(
                "series_consistency.rate" if (low, high) == (computed, computed) else "series_consistency.rate_approx",
                statement=rate["statement_id"],
                blocked=figure(b),
                processed=figure(p),
                computed_rate=computed,
                computed_low=low,
                computed_high=high,
                rate=figure(rate),
            )
            verdicts.append(
                ctx.verdict(
                    (rate["claim_id"], b["claim_id"], p["claim_id"]),
                    Status.CONSISTENT if ok else Status.INCONSISTENT,
                    [
                        arithmetic,
                        say("series_consistency.rate_compatible", rounding=half_step)
                        if ok
                        else say("series_consistency.rate_incompatible"),
                    ],
                    figures={"computed_rate_pct": computed, "stated_rate_pct": rate["value"]},
                    finding=(
                        "rate_matches" if ok else "rate_differs",
                        {"statement": rate["statement_id"], "stated_rate": rate["value"], "computed_rate": computed},
                    ),
                    reason={
                        "difference": rate["value"] - computed,
                        "computed_low": low,
                        "computed_high": high,
                        "rounding": half_step,
                    },
                )
            )
    return verdicts
