"""Rule kind ``plausibility``: a figure set against reference statistics (``datasets/baselines``).

For each claim and each baseline metric in ``per``, the nearest baseline (by ``as_of``, within
``max_gap_days``) divides the figure; a ratio above ``max_ratio`` is ``inconsistent``. The
verdict shows the arithmetic, both numbers and where each comes from.
"""

from __future__ import annotations

import polars as pl

from claimaudit.audit._context import Context
from claimaudit.audit._evidence import NotProvided
from claimaudit.audit._findings import cite, say, unit_word, when
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
                [say("plausibility.no_baselines", problem=str(exc))],
                finding=("no_baseline", _slots(c)),
            )
            for c in claims.to_dicts()
        ]
    verdicts = []
    for claim in claims.to_dicts():
        verdicts.append(_one(claim, baselines, params, ctx))
    return verdicts


def _one(claim: dict, baselines: pl.DataFrame, params: dict, ctx: Context) -> Verdict:
    stated_on = claim["statement_date"]
    parts, evidence, links, figures, over, ratios = [], [], [], {}, [], []
    missing = []
    for metric in params["per"]:
        # a baseline of 0 cannot divide a figure: it is no reference for plausibility
        candidates = baselines.filter(
            (pl.col("metric") == metric) & (pl.col("value") > 0) & pl.col("as_of").is_not_null()
        )
        if stated_on is None or candidates.is_empty():
            missing.append(metric)
            continue
        candidates = (
            candidates.with_columns(_gap=(pl.col("as_of") - pl.lit(stated_on)).dt.total_days().abs())
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
        parts.append(
            say(
                "plausibility.division",
                value=claim["value"],
                unit=claim["unit"],
                period=claim["period"],
                baseline=base["value"],
                metric=metric.replace("_", " "),
                publisher=base.get("publisher") or base.get("outlet"),
                as_of=when(base["as_of"], base.get("date_precision")),
                gap_days=base["_gap"],
                baseline_id=base["baseline_id"],
                ratio=ratio,
                per=_SINGULAR.get(base.get("unit"), base.get("unit") or "unit"),
            )
        )
        if ratio > params["max_ratio"]:
            over.append(metric)
        evidence.append(
            Evidence(
                source="datasets/baselines",
                keys=(base["baseline_id"],),
                note=say("note.baseline", baseline=metric, value=base["value"], as_of=when(base["as_of"])),
            )
        )
        if base.get("source_url"):
            links.append(base["source_url"])
    if not parts:
        return ctx.verdict(
            (claim["claim_id"],),
            Status.INSUFFICIENT,
            [
                say(
                    "plausibility.no_baseline_near",
                    claim=cite(claim),
                    missing=missing,
                    max_gap_days=params["max_gap_days"],
                )
            ],
            finding=("no_baseline", _slots(claim)),
        )
    text = [say("plausibility.arithmetic", claim=cite(claim), divisions=parts)]
    if missing:
        text.append(say("plausibility.missing", missing=missing))
    bound = params["max_ratio"]
    if over:
        text.append(say("plausibility.above", threshold=bound, over=over))
        status = Status.INCONSISTENT
    else:
        text.append(say("plausibility.within", threshold=bound))
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
