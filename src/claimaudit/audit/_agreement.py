"""Rule kind ``report_agreement``: one statement, as printed by different outlets, must agree.

Reports are the ledger's sources rows: each outlet's ``figure_as_printed`` (parsed: ``"101,083"``,
``"180 thousand"``), or the claim's value where the outlet's figure was not transcribed. Claims
that share the rule's ``same`` fields (default: statement_id, metric, category) are one statement.

>>> parse_figure("180 thousand"), parse_figure("over 33,000"), parse_figure("n/a")
(180000.0, 33000.0, None)
"""

from __future__ import annotations

import re
from collections import defaultdict

import polars as pl

from claimaudit.audit._context import Context
from claimaudit.audit._text import fmt_date, fmt_number, fmt_value, plural
from claimaudit.audit._verdict import Evidence, Status, Verdict

_FIGURE = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(thousand|lakh|million|crore|billion|m|k|bn)?\b", re.IGNORECASE)
_SCALE = {"thousand": 1e3, "k": 1e3, "lakh": 1e5, "million": 1e6, "m": 1e6, "crore": 1e7, "billion": 1e9, "bn": 1e9}


def parse_figure(text: str | None) -> float | None:
    """The number an outlet printed, or None when it cannot be read unambiguously."""
    if not text:
        return None
    found = _FIGURE.findall(text)
    if len(found) != 1:
        return None
    digits, scale = found[0]
    if re.search(r",\d{1,2}(?!\d)", digits):  # "1,22" is not a thousands separator
        return None
    return float(digits.replace(",", "")) * _SCALE.get(scale.lower(), 1.0)


def audit(ctx: Context) -> list[Verdict]:
    params = ctx.rule.params
    same = list(params["same"])
    claims = ctx.claims.filter(pl.col("value").is_not_null())
    if claims.is_empty():
        return []
    sources = ctx.sources
    if sources is None or sources.is_empty():
        sources = pl.DataFrame(schema={"claim_id": pl.String, "url": pl.String, "outlet": pl.String,
                                       "figure_as_printed": pl.String})
    for name in ("outlet", "figure_as_printed", "url"):
        if name not in sources.columns:
            sources = sources.with_columns(pl.lit(None, dtype=pl.String).alias(name))
    reports = claims.join(sources.select("claim_id", "url", "outlet", "figure_as_printed"), on="claim_id", how="left")
    verdicts = []
    for key, group in reports.group_by(same, maintain_order=False):
        rows = group.sort(["claim_id", "outlet", "url"], nulls_last=True).to_dicts()
        verdict = _agreement(rows, dict(zip(same, key, strict=True)), params, ctx)
        if verdict is not None:
            verdicts.append(verdict)
    return verdicts


def _agreement(rows: list[dict], key: dict, params: dict, ctx: Context) -> Verdict | None:
    figures: dict[float, list[str]] = defaultdict(list)
    unread = []
    keys = []
    for row in rows:
        printed = parse_figure(row["figure_as_printed"])
        if row["figure_as_printed"] and printed is None:
            unread.append(f"{row['outlet']} printed {row['figure_as_printed']!r}")
        value = printed if printed is not None else row["value"]
        outlet = row["outlet"] or f"{row['claimant']} (no source row)"
        figures[value].append(f"{outlet} [{row['claim_id']}]")
        keys.append(row["claim_id"])
    n_reports = sum(len(v) for v in figures.values())
    if n_reports < 2:
        return None
    ids = tuple(sorted(set(keys)))
    low, high = min(figures), max(figures)
    relative = (high - low) / low if low else 0.0
    described = "; ".join(f"{fmt_number(v)} by {', '.join(sorted(set(o)))}" for v, o in sorted(figures.items()))
    first = rows[0]
    what = (f"{first['metric']} ({first['category']}) in statement {first['statement_id']}"
            f" of {fmt_date(first['statement_date'], first['date_precision'])}")
    grouped_by = ", ".join(f"{k}={v}" for k, v in key.items())
    stats = {"min": low, "max": high, "relative_difference": relative, "reports": n_reports}
    unread_note = f" Not read as a number: {'; '.join(unread)}." if unread else ""
    evidence = (Evidence(source="datasets/claims/sources", keys=ids, note=f"{n_reports} reports grouped by {grouped_by}"),)
    if relative <= params["tolerance"]:
        return ctx.verdict(ids, Status.CONSISTENT,
                           f"{plural(n_reports, 'report')} of {what} agree: {described}.{unread_note}",
                           evidence=evidence, figures=stats)
    qualifiers = {r["qualifier"] for r in rows}
    bounds = qualifiers <= {"over", "at_least"}
    bound_note = ""
    if bounds:
        bound_note = (" All are printed as lower bounds, so they are logically compatible (the higher implies the"
                      " lower), " + ("and this rule accepts that." if params["bounds_agree"]
                                     else "but as reports of one statement they should carry one figure."))
        if params["bounds_agree"]:
            return ctx.verdict(ids, Status.CONSISTENT,
                               f"Reports of {what} differ: {described}; spread {fmt_number(high - low)}"
                               f" ({relative * 100:.1f}% of the lower).{bound_note}{unread_note}",
                               evidence=evidence, figures=stats)
    spread = (f"min {fmt_number(low)}, max {fmt_number(high)}, difference {fmt_number(high - low)}"
              f" ({relative * 100:.1f}% of the lower figure)")
    values = {fmt_value(r) for r in rows}
    stated = f" (the ledger records {', '.join(sorted(values))})" if len(values) > 1 else ""
    return ctx.verdict(ids, Status.INCONSISTENT,
                       f"{plural(n_reports, 'report')} of {what} disagree: {described}; {spread}{stated}."
                       f"{bound_note}{unread_note}",
                       evidence=evidence, figures=stats)
