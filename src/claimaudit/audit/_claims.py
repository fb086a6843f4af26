"""The claims ledger as the audit reads it: selection, date intervals, value bounds, links.

>>> import polars as pl, datetime as dt
>>> frame = pl.DataFrame({"claim_id": ["synthetic-a"], "statement_date": [dt.date(2024, 11, 1)],
...                       "date_precision": ["month"], "value": [10.0], "qualifier": ["over"]})
>>> row = prepare(frame, about_tolerance=0.05, approx_days=15).row(0, named=True)
>>> row["_hi_date"], row["_lo"], row["_hi"]
(datetime.date(2024, 11, 30), 10.0, inf)
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

import polars as pl

from claimaudit.audit._vocab import PERIOD_FAMILIES, UNIT_FAMILIES

if TYPE_CHECKING:
    from claimaudit.audit._rules import Selector

# Columns the audit needs; a ledger missing any of them gets nulls (older or partial ledgers).
CLAIM_COLUMNS: dict[str, pl.DataType] = {
    "claim_id": pl.String(),
    "statement_id": pl.String(),
    "statement_date": pl.Date(),
    "date_precision": pl.String(),
    "claimant": pl.String(),
    "authority": pl.String(),
    "venue": pl.String(),
    "kind": pl.String(),
    "subject": pl.String(),
    "metric": pl.String(),
    "category": pl.String(),
    "category_as_stated": pl.String(),
    "scope": pl.String(),
    "value": pl.Float64(),
    "qualifier": pl.String(),
    "unit": pl.String(),
    "verb": pl.String(),
    "period": pl.String(),
    "period_start": pl.Date(),
    "period_end": pl.Date(),
    "assertion": pl.String(),
    "wording": pl.String(),
    "summary": pl.String(),
    "confidence": pl.String(),
    "notes": pl.String(),
}


def conform(claims: pl.DataFrame) -> pl.DataFrame:
    """The ledger with every audit column present and typed (missing columns are null)."""
    exprs = []
    for name, dtype in CLAIM_COLUMNS.items():
        if name in claims.columns:
            exprs.append(pl.col(name).cast(dtype))
        else:
            exprs.append(pl.lit(None, dtype=dtype).alias(name))
    return claims.select(exprs)


def select(claims: pl.DataFrame, selector: Selector) -> pl.DataFrame:
    """Claims matching every field of ``selector`` (dates: statement_date within the range)."""
    condition = pl.lit(True)
    for name, values in selector.fields.items():
        condition = condition & pl.col(name).is_in(list(values))
    if selector.exclude_claim_ids:
        condition = condition & ~pl.col("claim_id").is_in(list(selector.exclude_claim_ids))
    if selector.date_from is not None:
        condition = condition & (pl.col("statement_date") >= selector.date_from)
    if selector.date_to is not None:
        condition = condition & (pl.col("statement_date") <= selector.date_to)
    return claims.filter(condition)


def prepare(claims: pl.DataFrame, *, about_tolerance: float, approx_days: int) -> pl.DataFrame:
    """Add the audit's helper columns (all prefixed ``_``) without touching the caller's frame.

    ``_date`` is the date a figure speaks for (``period_end`` of a running total "till" a date,
    else ``statement_date``); ``_lo_date``/``_hi_date`` the interval its precision allows;
    ``_lo``/``_hi`` the interval its qualifier allows (``over 500,000`` → [500,000, ∞)).
    """
    frame = claims
    for name, dtype in CLAIM_COLUMNS.items():
        if name not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=dtype).alias(name))
    cumulative_till = pl.col("period").is_in(["cumulative", "cumulative_since"]) & pl.col("period_end").is_not_null()
    date = pl.when(cumulative_till).then(pl.col("period_end")).otherwise(pl.col("statement_date"))
    precision = pl.when(cumulative_till).then(pl.lit("day")).otherwise(pl.col("date_precision"))
    frame = frame.with_columns(_date=date, _precision=precision)
    d = pl.col("_date")
    frame = frame.with_columns(
        _lo_date=pl.when(pl.col("_precision") == "approx").then(d - dt.timedelta(days=approx_days)).otherwise(d),
        _hi_date=pl.when(pl.col("_precision") == "month")
        .then(d.dt.month_end())
        .when(pl.col("_precision") == "year")
        .then(pl.date(d.dt.year(), 12, 31))
        .when(pl.col("_precision") == "approx")
        .then(d + dt.timedelta(days=approx_days))
        .otherwise(d),
    )
    v, q = pl.col("value"), pl.col("qualifier")
    frame = frame.with_columns(
        _lo=pl.when(q == "about")
        .then(v * (1 - about_tolerance))
        .when(q.is_in(["under", "up_to"]))
        .then(pl.lit(0.0))
        .otherwise(v),
        _hi=pl.when(q == "about")
        .then(v * (1 + about_tolerance))
        .when(q.is_in(["over", "at_least"]))
        .then(pl.lit(math.inf))
        .otherwise(v),
        _unit_family=pl.col("unit").replace(UNIT_FAMILIES),
        _period_family=pl.col("period").replace(PERIOD_FAMILIES),
    )
    return frame


def source_links(sources: pl.DataFrame | None) -> dict[str, tuple[str, ...]]:
    """claim_id → its source URLs, sorted (the sources table of the ledger)."""
    if sources is None or sources.is_empty() or not {"claim_id", "url"} <= set(sources.columns):
        return {}
    grouped = sources.select("claim_id", "url").drop_nulls().unique().group_by("claim_id").agg(pl.col("url").sort())
    return {row["claim_id"]: tuple(row["url"]) for row in grouped.iter_rows(named=True)}
