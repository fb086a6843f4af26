"""Rule kind ``plausibility``: a figure set against reference statistics (``datasets/baselines``).

For each claim and each baseline metric in ``per``, the nearest baseline (by ``as_of``, within
``max_gap_days``) divides the figure; a ratio above ``max_ratio`` is ``inconsistent``. The
verdict shows the arithmetic, both numbers and where each comes from.
"""

from __future__ import annotations

import polars as pl

from claimaudit.audit._context import Context
from claimaudit.audit._evidence import NotProvided
from claimaudit.audit._text import fmt_claim, fmt_date, fmt_number, fmt_ratio, period_word, unit_word
from claimaudit.audit._verdict import Evidence, Status, Verdict

_SINGULAR = {"subscriptions": "subscription", "people": "person", "identities": "identity", "connections": "connection"}


def audit(ctx: Context) -> list[Verdict]:
    params = ctx.rule.params
    claims = ctx.claims.filter(pl.col("value").is_not_null()).sort("claim_id")
    if claims.is_empty():
        return []
    try:
        baselines = ctx.provider.dataset("baselines")
    except NotProvided as exc:
        return [
            ctx.verdict(
                (c["claim_id"],),
                Status.INSUFFICIENT,
                f"No baselines to compare with: {exc}",
                finding=("no_baseline", _slots(c)),
            )
            for c in claims.to_dicts()
        ]
    verdicts = []
    for claim in claims.to_dicts():
        verdicts.append(_one(claim, baselines, params, ctx))
    return verdicts


def _one(claim: dict, baselines: pl.DataFrame, params: dict, ctx: Context) -> Verdict:
    when = claim["statement_date"]
    parts, evidence, links, figures, over, ratios = [], [], [], {}, [], []
    missing = []
    for metric in params["per"]:
        # a baseline of 0 cannot divide a figure: it is no reference for plausibility
        candidates = baselines.filter(
            (pl.col("metric") == metric) & (pl.col("value") > 0) & pl.col("as_of").is_not_null()
        )
        if when is None or candidates.is_empty():
            missing.append(metric)
            continue
        candidates = (
            candidates.with_columns(_gap=(pl.col("as_of") - pl.lit(when)).dt.total_days().abs())
            .filter(pl.col("_gap") <= params["max_gap_days"])
            .sort(["_gap", "baseline_id"])
        )
        if candidates.is_empty():
            missing.append(metric)
            continue
        base = candidates.row(0, named=True)
        ratio = claim["value"] / base["value"]
        figures[f"per_{metric}"] = ratio
        ratios.append(
            {
                "metric": metric,
                "baseline_id": base["baseline_id"],
                "baseline": base["value"],
                "as_of": base["as_of"].isoformat() if base["as_of"] else None,
                "ratio": ratio,
            }
        )
        unit = unit_word(claim["unit"])
        parts.append(
            f"{fmt_number(claim['value'])} {unit} ({period_word(claim['period'])}) ÷ {fmt_number(base['value'])}"
            f" {metric.replace('_', ' ')} ({base.get('publisher') or base.get('outlet')},"
            f" as of {fmt_date(base['as_of'], base.get('date_precision'))}, {base['_gap']} days from the claim;"
            f" {base['baseline_id']}) = {fmt_ratio(ratio)} {unit}"
            f" per {_SINGULAR.get(base.get('unit'), base.get('unit') or 'unit')}"
        )
        if ratio > params["max_ratio"]:
            over.append(metric)
        evidence.append(
            Evidence(
                source="datasets/baselines",
                keys=(base["baseline_id"],),
                note=f"{metric} {fmt_number(base['value'])} as of {base['as_of']}",
            )
        )
        if base.get("source_url"):
            links.append(base["source_url"])
    head = f"{fmt_claim(claim)}: "
    if not parts:
        return ctx.verdict(
            (claim["claim_id"],),
            Status.INSUFFICIENT,
            head + f"no baseline ({', '.join(missing)}) within {params['max_gap_days']} days of the"
            " claim's date, so its size cannot be checked.",
            finding=("no_baseline", _slots(claim)),
        )
    text = head + "; ".join(parts) + "."
    if missing:
        text += f" No usable baseline for {', '.join(missing)}."
    bound = fmt_ratio(params["max_ratio"])
    if over:
        text += (
            f" Above the rule's bound of {bound} per unit for {', '.join(over)}: the figure is implausible as stated."
        )
        status = Status.INCONSISTENT
    else:
        text += f" Within the rule's bound of {bound} per unit; the arithmetic does not rule the figure out."
        status = Status.CONSISTENT
    slots = {**_slots(claim), "ratios": [r["ratio"] for r in ratios], "threshold": params["max_ratio"]}
    return ctx.verdict(
        (claim["claim_id"],),
        status,
        text,
        evidence=evidence,
        extra_links=links,
        figures=figures,
        finding=("implausible" if over else "plausible", slots),
        reason={
            "ratio": max(r["ratio"] for r in ratios),
            "threshold": params["max_ratio"],
            "baselines": ratios,
            "missing": missing,
        },
    )


def _slots(claim: dict) -> dict:
    date = claim.get("statement_date")
    return {
        "value": claim["value"],
        "unit": unit_word(claim.get("unit")),
        "claimant": claim.get("claimant"),
        "date": date.isoformat() if date else "undated",
    }
