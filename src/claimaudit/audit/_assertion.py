"""Rule kind ``evidence_vs_assertion``: an official assertion against independent evidence.

The rule's ``polarity`` says what each assertion claims about blocking: ``denies_blocking``
(``vpns_not_blocked``, ``outage_was_technical_glitch``), ``affirms_blocking`` (``x_blocked``) or
``affirms_unblocking`` (``x_block_lifted``). Evidence is gathered for a window ending on the
claim's date (``lookback_days`` before it, or from ``window_start``); for a claim that a block was
lifted, the window starts on the claim's date and runs ``lookahead_days`` forward, since only what
happened afterwards can show whether the block really ended. Only evidence at or above
``min_strength`` may decide the verdict, and the strongest such evidence decides it:

- it shows blocking → a denial is ``contradicted``, an affirmation ``supported``;
- it shows no blocking → a denial is ``supported``, an affirmation ``contradicted``;
- nothing decisive → ``insufficient_evidence``, naming what was missing and why.

The verdict's ``evidence_strength`` is the kind of evidence it rests on
(direct_measurement > third_party_observation > media_report); anything below direct
measurement is called weak in the explanation.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from claimaudit.audit._context import Context
from claimaudit.audit._evidence_sources import gather
from claimaudit.audit._findings import say, strength_words, when
from claimaudit.audit._verdict import Status, Strength, Verdict

_DECISIVE = {"blocking", "no_blocking"}


def audit(ctx: Context) -> list[Verdict]:
    claims = ctx.claims.filter(pl.col("kind") == "assertion").sort("claim_id")
    return [_one(claim, ctx) for claim in claims.to_dicts()]


def window_for(claim: dict, params: dict, polarity: str | None = None) -> tuple[dt.date, dt.date] | None:
    """The evidence window for a claim: it ends on the claim's date (or its period_end), or for
    ``affirms_unblocking`` starts on it."""
    if polarity == "affirms_unblocking":
        start = claim.get("statement_date")
        return None if start is None else (start, start + dt.timedelta(days=params["lookahead_days"]))
    end = claim.get("period_end") or claim.get("statement_date")
    if end is None:
        return None
    start = params.get("window_start")
    if start is None or start >= end:
        start = end - dt.timedelta(days=params["lookback_days"])
    return start, end


def _one(claim: dict, ctx: Context) -> Verdict:
    params = ctx.rule.params
    ids = (claim["claim_id"],)
    said = say(
        "evidence_vs_assertion.said",
        claimant=claim["claimant"],
        date=when(claim["statement_date"], claim["date_precision"]),
        assertion=claim["assertion"],
        wording=claim["wording"],
    )
    polarity = params["polarity"].get(claim["assertion"] or "")
    slots = _slots(claim)
    if polarity is None:
        return ctx.verdict(
            ids,
            Status.NOT_COMPARABLE,
            [say("evidence_vs_assertion.no_polarity", said=said, assertion=claim["assertion"])],
            strength=Strength.NONE,
            finding=("no_polarity", slots),
        )
    window = window_for(claim, params, polarity)
    if window is None:
        return ctx.verdict(
            ids,
            Status.INSUFFICIENT,
            [say("evidence_vs_assertion.undated", said=said)],
            strength=Strength.NONE,
            finding=("undated", slots),
        )
    start, end = window
    findings = [gather(spec, start, end, ctx.provider, params) for spec in ctx.rule.evidence]
    min_rank = Strength(params["min_strength"]).rank
    deciding = [f for f in findings if f.observes in _DECISIVE and f.strength.rank >= min_rank]
    sentences = [say("evidence_vs_assertion.observation", number=i, sentence=f.step) for i, f in enumerate(findings, 1)]
    evidence = [f.evidence for f in findings]
    links = [link for f in findings for link in f.links]
    figures: dict = {}
    for f in findings:
        figures.update(f.figures)
    head = say(
        "evidence_vs_assertion.head",
        said=said,
        window_start=start.isoformat(),
        window_end=end.isoformat(),
        observations=sentences,
    )
    slots.update(window_start=start.isoformat(), window_end=end.isoformat())
    reason = {
        "kind": "evidence",
        "polarity": polarity,
        "window_start": start.isoformat(),
        "window_end": end.isoformat(),
        "min_strength": params["min_strength"],
        "observed": [
            {
                "source": f.evidence.source,
                "observes": f.observes,
                "strength": f.strength.value,
                "deciding": f in deciding,
            }
            for f in findings
        ],
    }
    if not deciding:
        missing = [f.evidence.source for f in findings if f.observes == "missing"]
        weak = [f.evidence.source for f in findings if f.observes in _DECISIVE and f.strength.rank < min_rank]
        why = []
        if missing:
            why.append(say("evidence_vs_assertion.why_missing", sources=missing))
        if weak:
            why.append(say("evidence_vs_assertion.why_weak", min_strength=params["min_strength"], sources=weak))
        context = [f.evidence.source for f in findings if f.observes in ("context", "nothing", "thin")]
        if context:
            why.append(say("evidence_vs_assertion.why_context", sources=context))
        return ctx.verdict(
            ids,
            Status.INSUFFICIENT,
            [head, say("evidence_vs_assertion.nothing_decisive", why=why)],
            evidence=evidence,
            extra_links=links,
            figures=figures,
            strength=Strength.NONE,
            finding=("insufficient", slots),
            reason=reason,
        )
    top = max(f.strength.rank for f in deciding)
    best = [f for f in deciding if f.strength.rank == top]
    strength = best[0].strength
    blocking = any(f.observes == "blocking" for f in best)
    if polarity in ("denies_blocking", "affirms_unblocking"):
        status = Status.CONTRADICTED if blocking else Status.SUPPORTED
    else:
        status = Status.SUPPORTED if blocking else Status.CONTRADICTED
    rests = sorted({f.evidence.source for f in best})
    if strength is Strength.DIRECT_MEASUREMENT:
        basis = say("evidence_vs_assertion.direct", sources=rests)
    else:
        absent = [
            f.evidence.source
            for f in findings
            if f.strength is Strength.DIRECT_MEASUREMENT and f.observes not in _DECISIVE
        ]
        words = strength.value.replace("_", " ")
        basis = (
            say("evidence_vs_assertion.weak_absent", strength=words, sources=rests, absent=absent)
            if absent
            else say("evidence_vs_assertion.weak", strength=words, sources=rests)
        )
    slots.update(strength=strength_words(strength.value), sources=sorted({f.evidence.source for f in best}))
    return ctx.verdict(
        ids,
        status,
        [head, basis],
        evidence=evidence,
        strength=strength,
        extra_links=links,
        figures=figures,
        finding=(status.value, slots),
        reason=reason,
        caveats=[c for f in findings for c in f.caveats],
    )


def _slots(claim: dict) -> dict:
    wording = (claim.get("wording") or "").strip()
    assertion = f"“{wording}”" if wording and len(wording) <= 120 else (claim.get("assertion") or "").replace("_", " ")
    date = claim.get("statement_date")
    return {"claimant": claim.get("claimant"), "assertion": assertion, "date": date.isoformat() if date else "undated"}
