"""Rule kind ``unit_drift``: the same number reused with another unit or meaning.

Claims with exactly the same value, dated within ``window_days`` of each other, should mean the
same thing; when they differ in any of ``dimensions`` (unit, period, metric, verb, category)
the number has drifted: "20 million attempts a day" becoming "20 million people a week".
"""

from __future__ import annotations

import polars as pl

from claimaudit.audit._context import Context
from claimaudit.audit._findings import say, when
from claimaudit.audit._verdict import Status, Verdict


def _meaning(row: dict, dimensions: list[str]) -> tuple:
    # a running total "since 2010" and a running total are the same kind of figure
    return tuple(row["_period_family"] if d == "period" else row[d] for d in dimensions)


def _describe(row: dict) -> dict:
    return say(
        "unit_drift.use",
        metric=row["metric"],
        unit=row["unit"],
        period=row["period"],
        claimant=row["claimant"],
        date=when(row["statement_date"], row["date_precision"]),
        claim_id=row["claim_id"],
    )


def audit(ctx: Context) -> list[Verdict]:
    params = ctx.rule.params
    dims, window = list(params["dimensions"]), params["window_days"]
    rows = (
        ctx.claims.filter(pl.col("value").is_not_null() & pl.col("statement_date").is_not_null())
        .sort(["value", "statement_date", "claim_id"])
        .to_dicts()
    )
    clusters: list[list[dict]] = []
    for row in rows:
        last = clusters[-1] if clusters else None
        if (
            last
            and last[-1]["value"] == row["value"]
            and (row["statement_date"] - last[0]["statement_date"]).days <= window
        ):
            last.append(row)
        else:
            clusters.append([row])
    verdicts = []
    for cluster in clusters:
        if len({r["statement_id"] for r in cluster}) < 2:
            continue
        meanings = {_meaning(r, dims) for r in cluster}
        ids = tuple(r["claim_id"] for r in cluster)
        value = cluster[0]["value"]
        days = (cluster[-1]["statement_date"] - cluster[0]["statement_date"]).days
        chain = [_describe(r) for r in cluster]
        figures = {"value": cluster[0]["value"], "statements": len({r["statement_id"] for r in cluster}), "days": days}
        if len(meanings) == 1:
            verdicts.append(
                ctx.verdict(
                    ids,
                    Status.CONSISTENT,
                    [say("unit_drift.one_meaning", value=value, n_claim=len(cluster), n_day=days, chain=chain)],
                    figures=figures,
                    finding=("consistent", {"value": cluster[0]["value"], "claims": len(cluster), "days": days}),
                    reason={"value": cluster[0]["value"], "days": days},
                )
            )
            continue
        changed = [d for d in dims if len({_meaning(r, [d]) for r in cluster}) > 1]
        verdicts.append(
            ctx.verdict(
                ids,
                Status.INCONSISTENT,
                [
                    say(
                        "unit_drift.changing_meaning",
                        value=value,
                        n_claim=len(cluster),
                        n_day=days,
                        changed=changed,
                        chain=chain,
                    )
                ],
                figures=figures,
                finding=(
                    "inconsistent",
                    {"value": cluster[0]["value"], "claims": len(cluster), "days": days, "changed": changed},
                ),
                reason={"value": cluster[0]["value"], "days": days, "changed": changed},
            )
        )
    return verdicts
