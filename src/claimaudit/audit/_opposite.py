"""Rule kind ``opposite_assertions``: official statements that assert opposite things in a short window.

The ledger alone can show that the official record contradicts itself: when, within a few days,
one official statement denies blocking ("VPNs are not being blocked", "a technical glitch") and
another official statement affirms it ("PTA has started blocking unregistered VPNs"), both cannot
be true as stated, whatever the measurements say. This kind needs no independent evidence, so
offline it still decides.

``params.polarity`` (required) maps each assertion to ``denies_blocking``, ``affirms_blocking`` or
``affirms_unblocking`` (the latter counts as saying "not blocked now"). For every dated claim that
says "not blocked", the dated claims that affirm blocking and fall from ``lookback_days`` before
to ``lookahead_days`` after it (both default to ``window_days``, 7) are its opposites, counted
between statement dates (a gap involving an approximate date is worded "about"):

- one or more opposites → ``inconsistent``, naming both sides with their claimants, dates, key
  words, confidence and the outlets that printed each (every source URL is in ``links``);
- none → ``consistent``, which only says that the ledger holds no opposite official statement in
  the window (it says nothing about what happened on the networks);
- an undated "not blocked" claim → ``not_comparable``.

``judge_claim_ids`` (default: all) names the "not blocked" claims the rule judges, when the others
in its selection serve only as possible opposites. ``same_authority`` (default false) restricts
opposites to the same institution; ``min_confidence``
(default ``low``) drops weaker claims from either side. Confidence below high on either side is
named in the explanation, and statements attributed to unnamed sources say so through their
claimant.

>>> _side_of("affirms_unblocking"), _side_of("denies_blocking"), _side_of("affirms_blocking")
('not_blocked', 'not_blocked', 'blocked')
"""

from __future__ import annotations

from typing import Any

import polars as pl

from claimaudit.audit._context import Context
from claimaudit.audit._findings import say, when
from claimaudit.audit._verdict import Status, Verdict

_RANK = {"low": 0, "medium": 1, "high": 2}


def _side_of(polarity: str) -> str:
    return "blocked" if polarity == "affirms_blocking" else "not_blocked"


def audit(ctx: Context) -> list[Verdict]:
    params = ctx.rule.params
    polarity: dict[str, str] = params["polarity"]
    floor = _RANK[params["min_confidence"]]
    claims = [
        row
        for row in ctx.claims.filter(pl.col("kind") == "assertion").sort("claim_id").to_dicts()
        if (row.get("assertion") or "") in polarity and _RANK.get(row.get("confidence") or "low", 0) >= floor
    ]
    outlets = _outlets(ctx)
    judged = set(params["judge_claim_ids"])
    denials = [
        r
        for r in claims
        if _side_of(polarity[r["assertion"]]) == "not_blocked" and (not judged or r["claim_id"] in judged)
    ]
    affirmations = [r for r in claims if _side_of(polarity[r["assertion"]]) == "blocked"]
    return [_one(d, affirmations, outlets, ctx) for d in denials]


def _gap_days(denial: dict[str, Any], other: dict[str, Any]) -> int:
    """Signed days from the denial's statement date to the other statement's (negative: earlier)."""
    return (other["statement_date"] - denial["statement_date"]).days


def _exact(row: dict[str, Any]) -> bool:
    return row.get("date_precision") == "day"


def _outlets(ctx: Context) -> dict[str, list[str]]:
    sources = ctx.sources
    if sources is None or sources.is_empty() or not {"claim_id", "outlet"} <= set(sources.columns):
        return {}
    grouped = sources.group_by("claim_id").agg(pl.col("outlet").unique().sort())
    return {row["claim_id"]: list(row["outlet"]) for row in grouped.to_dicts()}


def _said(row: dict[str, Any], outlets: dict[str, list[str]]) -> dict[str, Any]:
    confidence = row.get("confidence")
    printed = outlets.get(row["claim_id"], [])
    return say(
        "opposite_assertions.said",
        claimant=row["claimant"],
        date=when(row["statement_date"], row.get("date_precision")),
        wording=row["wording"],
        assertion=row["assertion"],
        claim_id=row["claim_id"],
        flag=say("opposite_assertions.flag", confidence=confidence) if confidence in ("medium", "low") else "",
        printed=say("opposite_assertions.printed", outlets=printed) if printed else "",
    )


def _one(
    denial: dict[str, Any], affirmations: list[dict[str, Any]], outlets: dict[str, list[str]], ctx: Context
) -> Verdict:
    params = ctx.rule.params
    window = params["window_days"]
    back = params["lookback_days"] if params["lookback_days"] is not None else window
    ahead = params["lookahead_days"] if params["lookahead_days"] is not None else window
    ids = (denial["claim_id"],)
    if denial.get("statement_date") is None:
        return ctx.verdict(
            ids,
            Status.NOT_COMPARABLE,
            [say("opposite_assertions.undated", said=_said(denial, outlets), n_day=back, n_day_after=ahead)],
            finding=("undated", _slots(denial)),
        )
    opposites = []
    for other in affirmations:
        if other.get("statement_date") is None or other["claim_id"] == denial["claim_id"]:
            continue
        if params["same_authority"] and other["authority"] != denial["authority"]:
            continue
        gap = _gap_days(denial, other)
        if -back <= gap <= ahead:
            opposites.append((gap, other))
    span = say(
        "opposite_assertions.span",
        n_day=back,
        n_day_after=ahead,
        date=when(denial["statement_date"], denial.get("date_precision")),
    )
    if not opposites:
        return ctx.verdict(
            ids,
            Status.CONSISTENT,
            [say("opposite_assertions.none", said=_said(denial, outlets), span=span)],
            figures={"opposites": 0, "lookback_days": back, "lookahead_days": ahead},
            finding=("none_opposite", {**_slots(denial), "lookback_days": back, "lookahead_days": ahead}),
        )
    opposites.sort(key=lambda pair: (pair[1]["statement_date"], pair[1]["claim_id"]))
    parts = []
    for gap, other in opposites:
        about = "" if _exact(denial) and _exact(other) else "about_"
        side = "same_day" if gap == 0 else "later" if gap > 0 else "earlier"
        parts.append(say(f"opposite_assertions.{about}{side}", n_day=abs(gap), said=_said(other, outlets)))
    weak = [r["claim_id"] for r in (denial, *(o for _, o in opposites)) if r.get("confidence") != "high"]
    caveat = [say("opposite_assertions.not_all_high", claim_ids=weak)] if weak else []
    authorities = sorted({denial["authority"], *(o["authority"] for _, o in opposites)})
    said = _said(denial, outlets)
    contradiction = (
        say("opposite_assertions.contradicted", said=said, span=span, opposites=parts, authorities=authorities)
        if len(authorities) > 1
        else say(
            "opposite_assertions.contradicted_one_authority",
            said=said,
            span=span,
            opposites=parts,
            authority=authorities[0],
        )
    )
    return ctx.verdict(
        (*ids, *(o["claim_id"] for _, o in opposites)),
        Status.INCONSISTENT,
        [contradiction, *caveat],
        figures={
            "opposites": len(opposites),
            "max_gap_days": max(abs(g) for g, _ in opposites),
            "lookback_days": back,
            "lookahead_days": ahead,
        },
        finding=(
            "inconsistent",
            {
                **_slots(denial),
                "opposites": len(opposites),
                "opposite_dates": [o["statement_date"].isoformat() for _, o in opposites],
            },
        ),
        reason={"kind": "comparison", "days": [g for g, _ in opposites], "authorities": authorities},
    )


def _slots(row: dict[str, Any]) -> dict[str, Any]:
    date = row.get("statement_date")
    return {
        "claimant": row.get("claimant"),
        "assertion": f"“{row.get('wording')}”",
        "date": date.isoformat() if date else "undated",
    }
