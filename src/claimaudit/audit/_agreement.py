"""Rule kind ``report_agreement``: one statement, as printed by different outlets, must agree.

Reports are the ledger's sources rows: each outlet's ``figure_as_printed`` (parsed: ``"101,083"``,
``"180 thousand"``), or the claim's value where the outlet's figure was not transcribed. Claims
that share the rule's ``same`` fields (default: statement_id, metric, category, scope) are one statement.

>>> parse_figure("180 thousand"), parse_figure("over 33,000"), parse_figure("8 لاکھ 44 ہزار 8")
(180000.0, 33000.0, 844008.0)
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from decimal import Decimal

import polars as pl

from claimaudit.audit._context import Context, claim_entry
from claimaudit.audit._findings import _iso, caveat, figure, render_step, say, when
from claimaudit.audit._verdict import Evidence, Status, Verdict
from claimaudit.i18n import stated_difference

_SCALE_WORDS = {
    "hundred": 100,
    "thousand": 1000,
    "k": 1000,
    "lakh": 100_000,
    "lac": 100_000,
    "million": 1_000_000,
    "m": 1_000_000,
    "crore": 10_000_000,
    "billion": 1_000_000_000,
    "bn": 1_000_000_000,
    "سو": 100,
    "ہزار": 1000,
    "لاکھ": 100_000,
    "کروڑ": 10_000_000,
    "ملین": 1_000_000,
    "ارب": 1_000_000_000,
}
_URDU_NUMBERS = {"ایک": 1, "دو": 2, "تین": 3, "چار": 4, "پانچ": 5, "چھ": 6, "سات": 7, "آٹھ": 8, "نو": 9, "دس": 10}
_TOKEN = re.compile(
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|(?<!\w)(?:" + "|".join(_URDU_NUMBERS) + r")(?!\w))\s*"
    r"(?P<scale>(?:hundred|thousand|lakh|lac|million|crore|billion|bn|k|m)\b|سو(?!\w)|ہزار|لاکھ|کروڑ|ملین|ارب)?",
    re.IGNORECASE,
)


def parse_figure(text: str | None) -> float | None:
    """The number an outlet printed, or None when it cannot be read unambiguously.

    Reads separators (``"763, 202"``, ``"980 000"``), scale words in English and Urdu
    (``"1.3 million"``, ``"8 لاکھ 44 ہزار 8"`` = 844,008, ``"70 ہزار آٹھ سو"`` = 70,800: ``سو`` is
    hundred) and rejects malformed groupings
    (``"111,9000"``).
    """
    if not text:
        return None
    text = re.sub(r"(?<=\d),? (?=\d{3}(?!\d))", ",", text)
    tokens = [(m["num"], m["scale"]) for m in _TOKEN.finditer(text)]
    if not tokens:
        return None
    values, scales = [], []
    for number, scale in tokens:
        base = Decimal(_URDU_NUMBERS[number]) if number in _URDU_NUMBERS else Decimal(number.replace(",", ""))
        factor = _SCALE_WORDS[scale.lower()] if scale else 1
        values.append(base * factor)
        scales.append(factor)
    if len(tokens) > 1:
        # "10 لاکھ 91 ہزار 95": every part but the last carries a scale, each smaller than the one before
        if any(f == 1 for f in scales[:-1]) or any(a <= b for a, b in zip(scales, scales[1:], strict=False)):
            return None
    return float(sum(values))


_QUALIFIER_WORDS = (
    (re.compile(r"\b(over|more than|above|at least|exceed\w*)\b|\+|زائد|سے زیادہ", re.IGNORECASE), "over"),
    (
        re.compile(
            r"\b(around|approximately|approx|about|nearly|almost|roughly|some|an estimated|estimated)\b|تقریباً|تقریبا",
            re.IGNORECASE,
        ),
        "about",
    ),
    (re.compile(r"\b(up to|under|less than|below)\b", re.IGNORECASE), "up_to"),
)


def printed_qualifier(text: str | None) -> str | None:
    """The qualifier an outlet's wording gives a figure (``"more than 500,000"`` → ``over``), or None.

    >>> printed_qualifier("approximately 20 million"), printed_qualifier("101,083")
    ('about', None)
    """
    for pattern, qualifier in _QUALIFIER_WORDS:
        if text and pattern.search(text):
            return qualifier
    return None


def _interval(value: float, qualifier: str | None, tolerance: float) -> tuple[float, float]:
    if qualifier == "about":
        return value * (1 - tolerance), value * (1 + tolerance)
    if qualifier in ("over", "at_least"):
        return value, math.inf
    if qualifier in ("under", "up_to"):
        return 0.0, value
    return value, value


def audit(ctx: Context) -> list[Verdict]:
    params = ctx.rule.params
    same = list(params["same"])
    claims = ctx.claims.filter(pl.col("value").is_not_null())
    if "statement_date" in same:  # undated claims are not "the same day" as each other
        claims = claims.filter(pl.col("statement_date").is_not_null())
    if claims.is_empty():
        return []
    sources = ctx.sources
    if sources is None or sources.is_empty():
        sources = pl.DataFrame(
            schema={"claim_id": pl.String, "url": pl.String, "outlet": pl.String, "figure_as_printed": pl.String}
        )
    for name in ("outlet", "figure_as_printed", "url", "verification"):
        if name not in sources.columns:
            sources = sources.with_columns(pl.lit(None, dtype=pl.String).alias(name))
    reports = claims.join(
        sources.select("claim_id", "url", "outlet", "figure_as_printed", "verification"), on="claim_id", how="left"
    )
    verdicts = []
    for key, group in reports.group_by(same, maintain_order=False):
        rows = group.sort(["claim_id", "outlet", "url"], nulls_last=True).to_dicts()
        verdict = _agreement(rows, dict(zip(same, key, strict=True)), params, ctx)
        if verdict is not None:
            verdicts.append(verdict)
    return verdicts


def one_digit_apart(a: float, b: float) -> bool:
    """Two whole figures whose digits differ in one place, by one digit more or less, or by two
    neighbouring digits swapped: the marks of a misprint.

    >>> one_digit_apart(101083, 110083), one_digit_apart(844008, 844009), one_digit_apart(1000, 2000000)
    (True, True, False)
    """
    if a % 1 or b % 1 or a == b:
        return False
    x, y = str(int(a)), str(int(b))
    if len(x) == len(y):
        diff = [i for i in range(len(x)) if x[i] != y[i]]
        if len(diff) == 1:
            return True
        return len(diff) == 2 and diff[1] == diff[0] + 1 and x[diff[0]] == y[diff[1]] and x[diff[1]] == y[diff[0]]
    short, long = sorted((x, y), key=len)
    return len(long) == len(short) + 1 and any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _decide(reports: list[dict], values: list[float], params: dict) -> tuple[Status, str, list[dict]]:
    """(status, finding name, the working's steps) for a set of prints of one figure;
    Status.INCONSISTENT marks any disagreement (the caller says whose)."""
    tolerance = params["about_tolerance"]
    precise = sorted({r["value"] for r in reports if r["qualifier"] is None})
    if len(precise) >= 2:
        return (
            Status.INCONSISTENT,
            "disagree",
            [say("report_agreement.exact_figures_differ", count=len(precise), figures=precise)],
        )
    if len(precise) == 1:
        exact = precise[0]
        off = [
            r
            for r in reports
            if r["qualifier"] is not None
            and not (
                _interval(r["value"], r["qualifier"], tolerance)[0]
                <= exact
                <= _interval(r["value"], r["qualifier"], tolerance)[1]
            )
        ]
        if off:
            prints = [
                say(
                    "report_agreement.outside_print",
                    figure=figure({"value": r["value"], "qualifier": r["qualifier"]}, unit=False),
                    who=r["who"],
                )
                for r in off
            ]
            return (
                Status.INCONSISTENT,
                "disagree",
                [say("report_agreement.outside", exact=exact, prints=prints, tolerance_pct=tolerance)],
            )
        why = (
            [say("report_agreement.exact_compatible", exact=exact, tolerance_pct=tolerance)] if len(values) > 1 else []
        )
        return Status.CONSISTENT, "compatible" if len(values) > 1 else "consistent", why
    lows = [_interval(r["value"], r["qualifier"], tolerance)[0] for r in reports]
    highs = [_interval(r["value"], r["qualifier"], tolerance)[1] for r in reports]
    overlap = max(lows) <= min(highs)
    bounds = all(r["qualifier"] in ("over", "at_least") for r in reports)
    if not overlap:
        return Status.INCONSISTENT, "disagree", [say("report_agreement.no_overlap")]
    if bounds and len(values) > 1:
        if params["bounds_agree"]:
            return Status.CONSISTENT, "compatible", [say("report_agreement.bounds_accepted")]
        return Status.INCONSISTENT, "bounds", [say("report_agreement.bounds_differ")]
    why = [say("report_agreement.approximations_compatible")] if len(values) > 1 else []
    return Status.CONSISTENT, "compatible" if len(values) > 1 else "consistent", why


def _agreement(rows: list[dict], key: dict, params: dict, ctx: Context) -> Verdict | None:
    tolerance = params["about_tolerance"]
    reports = []  # one per print: value, qualifier, who, and the claim it belongs to
    unread = []
    for row in rows:
        printed = parse_figure(row["figure_as_printed"])
        if row["figure_as_printed"] and printed is None:
            unread.append(say("report_agreement.unread_print", outlet=row["outlet"], printed=row["figure_as_printed"]))
        if printed is not None:
            qualifier = printed_qualifier(row["figure_as_printed"]) or row["qualifier"]
        else:
            qualifier = row["qualifier"]
        value = printed if printed is not None else row["value"]
        who = (
            say("report_agreement.who", outlet=row["outlet"], claim_id=row["claim_id"])
            if row["outlet"]
            else say("report_agreement.who_no_source", claimant=row["claimant"], claim_id=row["claim_id"])
        )
        reports.append(
            {
                "value": value,
                "qualifier": qualifier if qualifier != "exact" else None,
                "who": who,
                "row": row,
                "low": row.get("confidence") == "low",
            }
        )
    if len(reports) < 2:
        return None
    # A round figure printed without a qualifier beside a precise one is a rounding ("844,000" for
    # 844,008): read it as approximate rather than as a second exact figure.
    if any(r["qualifier"] is None and r["value"] % 1000 for r in reports):
        for r in reports:
            if r["qualifier"] is None and not r["value"] % 1000:
                r["qualifier"] = "about"
    ids = tuple(sorted({r["claim_id"] for r in rows}))
    values = sorted({r["value"] for r in reports})
    low, high = values[0], values[-1]
    relative = (high - low) / low if low else None  # no share of a lower figure of 0
    by_print: dict[tuple, dict[str, dict]] = defaultdict(dict)
    for r in reports:
        by_print[(r["value"], r["qualifier"] or "")][render_step(r["who"])] = r["who"]
    described = [
        say(
            "report_agreement.print",
            figure=figure({"value": v, "qualifier": q or "exact"}, unit=False),
            by=[w[k] for k in sorted(w)],
        )
        for (v, q), w in sorted(by_print.items())
    ]
    first = rows[0]
    detail = [x for x in (first["category"], first["scope"]) if x not in (None, "not_applicable")]
    statements = sorted({r["statement_id"] for r in rows})
    where = (
        say("report_agreement.one_statement", statement=statements[0])
        if len(statements) == 1
        else say(
            "report_agreement.statements", count=len(statements), authority=first["authority"], statements=statements
        )
    )
    metric_step = (
        say("report_agreement.metric_detail", metric=first["metric"], detail=detail)
        if detail
        else say("report_agreement.metric", metric=first["metric"])
    )
    subject = say(
        "report_agreement.subject",
        metric=metric_step,
        where=where,
        date=when(first["statement_date"], first["date_precision"]),
    )
    stats = {"min": low, "max": high, "relative_difference": relative, "reports": len(reports)}
    spread = (
        [
            say("report_agreement.spread", low=low, high=high, difference=stated_difference(high, low))
            if relative is None
            else say(
                "report_agreement.spread_share",
                low=low,
                high=high,
                difference=stated_difference(high, low),
                share=relative,
            )
        ]
        if high != low
        else []
    )
    unread_note = [say("report_agreement.unread", unread=unread)] if unread else []
    evidence = (
        Evidence(
            source="datasets/claims/sources",
            keys=ids,
            n=len(reports),
            note=say("note.grouped_by", fields=[say("note.field", field=k, value=_iso(v)) for k, v in key.items()]),
            verification=_verification(rows),
        ),
    )
    head = say("report_agreement.head", n_report=len(reports), subject=subject, prints=described)
    status, name, why = _decide(reports, values, params)
    caveats = []
    slots = {
        "reports": len(reports),
        "subject": subject,
        "figures": values,
        "claimant": first["authority"],
        "statements": len(statements),
        "metric": metric_step,
        "date": first["statement_date"].isoformat() if first["statement_date"] else "undated",
    }
    if status is Status.INCONSISTENT:
        # A low-confidence print never decides alone: decide again without the low-confidence prints.
        kept = [r for r in reports if not r["low"]]
        set_aside = sorted({r["value"] for r in reports if r["low"]})
        if set_aside:
            kept_values = sorted({r["value"] for r in kept})
            again = _decide(kept, kept_values, params) if len(kept) >= 2 else None
            if again is None or again[0] is not Status.INCONSISTENT:
                caveats.append(
                    caveat(
                        "low_confidence",
                        say("caveat.set_aside", set_aside=set_aside),
                        claim_ids=sorted({r["row"]["claim_id"] for r in reports if r["low"]}),
                    )
                )
                why.append(say("report_agreement.low_confidence", set_aside=set_aside))
                slots.update(figures=kept_values or values, set_aside=set_aside, reports=len(kept))
                if again is None:
                    status, name = Status.INSUFFICIENT, "low_confidence_single"
                else:
                    status, name = again[0], "low_confidence_only"
    # exact prints one digit apart (or two digits swapped) are probably misprints, set aside or not
    precise = sorted({r["value"] for r in reports if r["qualifier"] is None})
    pairs = [(a, b) for i, a in enumerate(precise) for b in precise[i + 1 :] if one_digit_apart(a, b)]
    if pairs and len(statements) == 1:
        misprints = [say("caveat.misprint", first=a, second=b) for a, b in pairs]
        caveats.append(
            caveat("probable_misprint", say("caveat.misprints", pairs=misprints), figures=[list(p) for p in pairs])
        )
    if status is Status.INCONSISTENT and len(statements) == 1:
        # one statement, several prints: the outlets differ, not the claimant's own figures
        status = Status.REPORTS_DIFFER
        deciding = [p for p in pairs if not any(r["low"] and r["value"] in p for r in reports)]
        if deciding:
            name = "probable_misprint"
        else:
            name = "reports_differ" if name != "bounds" else "bounds_differ"
    elif status is Status.INCONSISTENT:
        name = "inconsistent"
    reason = {
        "kind": "comparison",
        "claims": [
            {
                **claim_entry(r["row"], [r["row"].get("outlet") or ""]),
                "value": r["value"],
                "qualifier": r["qualifier"] or "exact",
                "figure_as_printed": r["row"].get("figure_as_printed"),
            }
            for r in reports
        ],
        "difference": stated_difference(high, low),
        "share": relative,
        "tolerance": tolerance,
        "statements": statements,
    }
    return ctx.verdict(
        ids,
        status,
        [head, *why, *spread, *unread_note],
        evidence=evidence,
        figures=stats,
        finding=(name, slots),
        reason=reason,
        caveats=caveats,
    )


def _verification(rows: list[dict]) -> dict[str, int] | None:
    counts: dict[str, int] = {}
    for row in rows:
        if row.get("verification"):
            counts[row["verification"]] = counts.get(row["verification"], 0) + 1
    return counts or None
