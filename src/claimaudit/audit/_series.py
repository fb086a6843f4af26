"""Rule kind ``series_consistency``: official figures checked against each other.

Four checks, each optional through ``params.checks``:

- ``monotone``  a running total by the same authority, category and scope must not fall;
- ``additions`` a window or fiscal-year figure must match the change in the running total;
- ``ordering``  in one statement, blocked ≤ processed ≤ identified (and still accessible,
  rejected ≤ processed) for the same category and scope;
- ``parts``     in one statement, the categories (or platforms) add up to no more than the total;
- ``rates``     in one statement, a stated block rate matches blocked ÷ processed.

Figures are compared like with like: URLs, web links, websites, websites or pages and sites
all count blocked items (a change of unit is named in the verdict); a different verb, period,
scope or unit family makes a pair ``not_comparable``, with the reason, never a contradiction.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import polars as pl

from claimaudit.audit._context import Context
from claimaudit.audit._text import fmt_claim, fmt_date, fmt_number, fmt_value, period_word, plural, unit_word
from claimaudit.audit._verdict import Status, Strength, Verdict

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


def _differences(a: Row, b: Row) -> list[str]:
    """Why two figures of the same authority and category are not like with like (empty: they are)."""
    out = []
    if a["verb"] != b["verb"]:
        text = f"different verbs ('{a['verb']}' vs '{b['verb']}')"
        if {a["verb"], b["verb"]} <= {"blocked", "processed", "identified"}:
            text += (
                "; items blocked can be fewer than items processed or identified, so a lower figure under the"
                " narrower verb is expected"
            )
        out.append(text)
    if a["scope"] != b["scope"]:
        out.append(f"different scopes ({a['scope']} vs {b['scope']})")
    if a["_period_family"] != b["_period_family"]:
        out.append(f"different periods ({period_word(a['period'])} vs {period_word(b['period'])})")
    elif a["period"] == b["period"] == "cumulative_since" and a["period_start"] != b["period_start"]:
        out.append(f"running totals from different start dates ({a['period_start']} vs {b['period_start']})")
    if a["_unit_family"] != b["_unit_family"]:
        out.append(f"different units ({unit_word(a['unit'])} vs {unit_word(b['unit'])})")
    return out


_FAMILY_WORDS = {"blocked_items": "blocked items", "vpns": "registered VPNs"}


def _unit_note(a: Row, b: Row) -> str:
    if a["unit"] == b["unit"]:
        return ""
    family = _FAMILY_WORDS.get(a["_unit_family"], a["_unit_family"])
    return (
        f" The unit changed from {unit_word(a['unit'])} to {unit_word(b['unit'])}; both count {family}"
        " and are compared as like with like, but the change of wording may also mark a change of counting."
    )


def _span(a: Row, b: Row) -> str:
    days = (b["_date"] - a["_date"]).days
    return plural(days, "day")


def _change(a: float, b: float) -> str:
    diff = b - a
    pct = diff / a * 100 if a else math.nan
    sign = "+" if diff >= 0 else "−"
    return f"{sign}{fmt_number(abs(diff))} ({sign}{abs(pct):.1f}%)"


def _iso(row: Row) -> str | None:
    return row["_date"].isoformat() if row.get("_date") is not None else None


def _dated(row: Row) -> bool:
    return row["_lo_date"] is not None


def _before(a: Row, b: Row) -> bool:
    return a["_hi_date"] < b["_lo_date"]


def _series_name(row: Row) -> str:
    what = [x for x in (row["category"], row["scope"]) if x not in (None, "not_applicable")]
    return f"{row['authority']}'s {period_word(row['period'])} count of {row['metric']}" + (
        f" ({', '.join(what)})" if what else ""
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
                        why = (
                            f"they were stated on the same day ({a['_date']}) in different statements, so their"
                            " order is unknown; same-day figures are compared by the report-agreement rules."
                        )
                    else:
                        why = (
                            f"their dates overlap at the precision the sources give"
                            f" ({fmt_date(a['_date'], a['_precision'])} vs {fmt_date(b['_date'], b['_precision'])}),"
                            " so whether the running total rose or fell between them cannot be said."
                        )
                    verdicts.append(
                        ctx.verdict(
                            (a["claim_id"], b["claim_id"]),
                            Status.NOT_COMPARABLE,
                            f"{fmt_claim(a)} and {fmt_claim(b)} cannot be ordered: {why}",
                            finding=(
                                "unordered",
                                {
                                    "subject": _series_name(b),
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
                        f"{fmt_claim(b)} is below the earlier {fmt_claim(a)}, but they are not like with like: "
                        + "; ".join(_differences(a, b))
                        + ". The drop is therefore not a contradiction.",
                        figures={"earlier_value": a["value"], "later_value": b["value"]},
                        finding=(
                            "unlike",
                            {"subject": _series_name(b), "earlier_value": a["value"], "later_value": b["value"]},
                        ),
                        reason={"difference": b["value"] - a["value"], "differences": _differences(a, b)},
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
        "change": b["value"] - a["value"],
        "days": (b["_date"] - a["_date"]).days,
    }
    head = (
        f"{_series_name(b)}: {fmt_claim(a)} → {fmt_claim(b)}, {_span(a, b)} later: {_change(a['value'], b['value'])}."
    )
    slots = {
        "subject": _series_name(b),
        "earlier_value": a["value"],
        "earlier_date": _iso(a),
        "later_value": b["value"],
        "later_date": _iso(b),
        "difference": b["value"] - a["value"],
        "change_share": (b["value"] - a["value"]) / a["value"] if a["value"] else None,
    }
    reason = {"difference": b["value"] - a["value"], "share": slots["change_share"], "days": figures["days"]}
    also_above = [r for r in comparable if r is not a and r["_lo"] > b["_hi"]]
    also = ""
    if also_above:
        shown = ", ".join(f"{fmt_value(r)} ({fmt_date(r['_date'], r['_precision'])})" for r in also_above[-3:])
        also = f" {plural(len(also_above), 'other earlier comparable figure')} also above it: {shown}."
    if b["qualifier"] in _LOWER_BOUNDS and b["value"] < a["value"]:
        ratio = b["value"] / a["value"]
        logic = (
            f"'{fmt_value(b)}' is a lower bound, so it is logically compatible with the earlier {fmt_value(a)};"
            f" as a figure it is {fmt_number(a['value'] - b['value'])} ({(1 - ratio) * 100:.1f}%) below it."
        )
        if params["headline_lower_bound_conflicts"] and ratio < params["headline_bound_ratio"]:
            return ctx.verdict(
                ids,
                Status.INCONSISTENT,
                head
                + " "
                + logic
                + f" This rule reads a lower bound given as the headline figure as the speaker's figure:"
                f" at {ratio * 100:.1f}% of a figure already published (threshold"
                f" {params['headline_bound_ratio'] * 100:.0f}%), the two statements disagree." + _unit_note(a, b),
                figures=figures,
                finding=("bound_below", {**slots, "later_share": ratio}),
                reason={**reason, "kind": "threshold", "ratio": ratio, "threshold": params["headline_bound_ratio"]},
            )
        return ctx.verdict(
            ids,
            Status.CONSISTENT,
            head
            + " "
            + logic
            + " This rule does not treat a lower bound as the speaker's figure, so there is no conflict."
            + _unit_note(a, b),
            figures=figures,
            finding=("bound_below", {**slots, "later_share": ratio}),
            reason={**reason, "ratio": ratio},
        )
    if b["_hi"] < a["_lo"]:
        approx = " even allowing for the stated approximation" if "about" in (a["qualifier"], b["qualifier"]) else ""
        return ctx.verdict(
            ids,
            Status.INCONSISTENT,
            head
            + f" A running total cannot fall{approx} unless items were unblocked or the counting changed."
            + also
            + _unit_note(a, b),
            figures=figures,
            finding=("fall", slots),
            reason=reason,
        )
    within = ""
    if b["value"] < a["value"]:
        within = (
            " The figure is lower, but within the approximation the sources state ('about'), so no fall can be shown."
        )
    return ctx.verdict(
        ids,
        Status.CONSISTENT,
        head
        + within
        + f" No earlier comparable figure ({plural(len(comparable), 'figure')}) is above it."
        + _unit_note(a, b),
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
        fit = (
            f" No date would fit a non-decreasing series: it is above {fmt_claim(after)} but below the earlier"
            f" {fmt_claim(before)}."
        )
    elif after or before:
        lo = f"after {fmt_date(after['_date'], after['_precision'])} ({fmt_value(after)})" if after else ""
        hi = f"before {fmt_date(before['_date'], before['_precision'])} ({fmt_value(before)})" if before else ""
        fit = f" It would fit a non-decreasing series if dated {' and '.join(x for x in (lo, hi) if x)}."
    else:
        fit = ""
    return ctx.verdict(
        (u["claim_id"],),
        Status.NOT_COMPARABLE,
        f"{fmt_claim(u)} has no date, so it cannot be ordered against the"
        f" {plural(len(dated), 'dated comparable figure')} of {_series_name(u)}.{fit}",
        finding=("undated", {"subject": _series_name(u), "value": u["value"]}),
    )


# --------------------------------------------------------------------------- additions


def _distance(d: dt.date, row: Row) -> int:
    if row["_lo_date"] <= d <= row["_hi_date"]:
        return 0
    return min(abs((d - row["_lo_date"]).days), abs((d - row["_hi_date"]).days))


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
            and not [d for d in _differences(r, w) if not d.startswith("different periods")]
        ]
        start, end = w["period_start"], w["period_end"]
        span = f"{start.isoformat()}..{end.isoformat()}"
        near0 = [r for r in totals if _distance(start, r) <= slack]
        near1 = [r for r in totals if _distance(end, r) <= slack]
        c0 = min(near0, key=lambda r: (_distance(start, r), r["claim_id"])) if near0 else None
        c1 = min(near1, key=lambda r: (_distance(end, r), r["claim_id"])) if near1 else None
        tight = c0 is not None and c1 is not None and c0 is not c1
        if not tight:
            before = [r for r in totals if r["_hi_date"] <= start]
            after = [r for r in totals if r["_lo_date"] >= end]
            c0 = max(before, key=lambda r: r["_hi_date"]) if before else None
            c1 = min(after, key=lambda r: r["_lo_date"]) if after else None
        if c0 is None or c1 is None:
            missing = "before" if c0 is None else "after"
            edge = start if c0 is None else end
            have = (
                f"the ledger's {plural(len(totals), 'comparable running total')} for {w['authority']} /"
                f" {w['category']} all lie {'after' if c0 is None else 'before'} it"
                if totals
                else f"the ledger has no comparable running total for {w['authority']} / {w['category']}"
            )
            verdicts.append(
                ctx.verdict(
                    (w["claim_id"],),
                    Status.INSUFFICIENT,
                    f"{fmt_claim(w)} covers {span}; checking it needs a running total ({w['verb']}, {w['scope']},"
                    f" same unit family) {missing} {edge.isoformat()}, and {have}.",
                    finding=("additions_unchecked", {"subject": _series_name(w), "value": w["value"], "window": span}),
                )
            )
            continue
        change_lo, change_hi = c1["_lo"] - c0["_hi"], c1["_hi"] - c0["_lo"]
        arithmetic = f"{fmt_claim(c1)} − {fmt_claim(c0)} = {fmt_number(c1['value'] - c0['value'])}"
        if c0["qualifier"] == "about" or c1["qualifier"] == "about":
            arithmetic += (
                f" (between {fmt_number(change_lo)} and {fmt_number(change_hi)} given the stated approximation)"
            )
        ids = (c0["claim_id"], w["claim_id"], c1["claim_id"])
        figures = {
            "window_value": w["value"],
            "change": c1["value"] - c0["value"],
            "change_low": change_lo,
            "change_high": change_hi,
        }
        slots = {"subject": _series_name(w), "value": w["value"], "window": span, "change": c1["value"] - c0["value"]}
        reason = {
            "difference": w["value"] - (c1["value"] - c0["value"]),
            "change_low": change_lo,
            "change_high": change_hi,
            "tolerance": tol,
        }
        if change_hi < 0:
            verdicts.append(
                ctx.verdict(
                    ids,
                    Status.NOT_COMPARABLE,
                    f"{fmt_claim(w)} for {span}: the running totals around the window fall ({arithmetic}), so additions"
                    " cannot be checked against them; the fall itself is judged by the running-total check.",
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
                    f"{fmt_claim(w)} for {span} against the change in the running total over the same span:"
                    f" {arithmetic}. {'They agree' if agree else 'They do not agree'}"
                    f" within the rule's tolerance of {tol * 100:.0f}%"
                    f" (bracketing figures at most {plural(slack, 'day')} from the window's edges).",
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
                    f"{fmt_claim(w)} for {span}; the nearest running totals bracket a wider span"
                    f" ({fmt_date(c0['_date'], c0['_precision'])} to {fmt_date(c1['_date'], c1['_precision'])}),"
                    f" so only a bound can be checked: the additions in the window cannot exceed the growth over the"
                    f" wider span, {arithmetic}. "
                    + (
                        "The window figure is within that bound."
                        if fits
                        else f"The window figure exceeds it by {fmt_number(w['_lo'] - change_hi)} beyond the"
                        f" {tol * 100:.0f}% tolerance."
                    ),
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
                gap = b["value"] - a["value"]
                verdicts.append(
                    ctx.verdict(
                        (a["claim_id"], b["claim_id"]),
                        Status.CONSISTENT if ok else Status.INCONSISTENT,
                        f"In statement {a['statement_id']} ({a['category']}, scope {a['scope']}):"
                        f" {fmt_value(a)} {small} vs {fmt_value(b)} {big}. Items {small} must not exceed items {big}; "
                        + (
                            f"they do not (difference {fmt_number(gap)})."
                            if ok
                            else f"they exceed them by {fmt_number(-gap)}."
                        ),
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
            verdicts.append(_parts_verdict(totals, parts, "category", "categories", tol, ctx))
    by_scope = _groups(rows, "statement_id", "verb", "category", "_period_family", "_unit_family")
    for _, group in by_scope.items():
        totals = [r for r in group if r["scope"] == "social_media"]
        parts = [r for r in group if (r["scope"] or "").startswith("platform:")]
        if totals and len({r["scope"] for r in parts}) >= 2:
            verdicts.append(_parts_verdict(totals, parts, "scope", "platforms", tol, ctx))
    return verdicts


def _parts_verdict(totals: list[Row], parts: list[Row], key: str, what: str, tol: float, ctx: Context) -> Verdict:
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
    rest = total["value"] - exact
    ids = (total["claim_id"], *sorted(r["claim_id"] for r in used))
    listed = " + ".join(fmt_number(r["value"]) for r in used)
    text = (
        f"In statement {total['statement_id']} ({total['verb']}, {period_word(total['period'])}): {len(used)} {what}"
        f" add up to {listed} = {fmt_number(exact)} against a total of {fmt_value(total)}. "
    )
    if not ok:
        text += f"The parts exceed the total by {fmt_number(low - total['_hi'])}."
    elif total["qualifier"] in _LOWER_BOUNDS:
        text += "The total is a lower bound, so the parts are compatible with it."
    elif rest < 0:
        text += (
            f"The parts exceed the stated total by {fmt_number(-rest)}, within the approximation the source"
            " states ('about'), so no conflict can be shown."
        )
    else:
        text += f"The parts do not exceed the total; {fmt_number(rest)} is not attributed to the {what} listed."
    if variants:
        text += f" Where a {key} has several recorded figures ({', '.join(variants)}), the smallest is used."
    if len(totals) > 1:
        text += f" The smallest of {len(totals)} recorded totals is used."
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
                        f"In statement {rate['statement_id']}: {fmt_value(p)} processed is zero, so no block rate"
                        f" can be computed from the counts to set against the stated {fmt_value(rate)}.",
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
            approx = (
                f" ({low:.2f}%–{high:.2f}% given the stated approximation)"
                if (low, high) != (computed, computed)
                else ""
            )
            verdicts.append(
                ctx.verdict(
                    (rate["claim_id"], b["claim_id"], p["claim_id"]),
                    Status.CONSISTENT if ok else Status.INCONSISTENT,
                    f"In statement {rate['statement_id']}: {fmt_value(b)} blocked ÷ {fmt_value(p)} processed ="
                    f" {computed:.2f}%{approx}, against the stated block rate of {fmt_value(rate)}. "
                    + (
                        f"They are compatible (the stated rate read as ±{half_step:g} points for rounding)."
                        if ok
                        else "The stated rate does not follow from the stated counts."
                    ),
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
