"""Every English sentence a verdict leads with, in one place, and the one function that renders
a verdict's ``explanation`` from its structure.

A verdict's ``finding`` is ``FINDINGS[finding_template]`` filled with ``finding_slots``. Slots
are typed data (numbers stay numbers, dates are ISO strings, lists stay lists); how a slot is
printed depends only on its value and its name, so a translation of a template needs no code:

- a number prints with thousands separators and no spurious decimals (``844,008``; ``84.72``);
- a slot named ``*_share`` is a fraction printed as a percentage (``0.055`` → ``5.5%``);
- a slot named ``*_ratio`` is a ratio printed with two decimals (``0.18``);
- a list prints as ``a, b and c``; ``None`` as ``n/a``.

>>> render("report_agreement.consistent", {"reports": 3, "subject": "statement s-1", "figures": [844008]})
'3 reports of statement s-1 agree on one figure (844,008).'
>>> render("series_consistency.fall", {"subject": "PTA's running total of websites blocked",
...        "earlier_value": 1100000, "earlier_date": "2024-03-01", "later_value": 980000,
...        "later_date": "2024-06-01", "difference": -120000, "change_share": -0.109})
"PTA's running total of websites blocked fell from 1,100,000 (2024-03-01) to 980,000 (2024-06-01), by 120,000 (10.9%);
a running total cannot fall."
"""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from typing import Any

from claimaudit.audit._text import fmt_number, fmt_ratio, fmt_share

#: finding_template -> English template with ``{named}`` slots (a gettext msgid).
FINDINGS: dict[str, str] = {
    # report_agreement: one statement as printed by several outlets
    "report_agreement.consistent": "{reports} reports of {subject} agree on one figure ({figures}).",
    "report_agreement.compatible": (
        "{reports} reports of {subject} print {figures}: rounded or bounded forms compatible with one figure."
    ),
    "report_agreement.reports_differ": (
        "Outlets printed different figures for {subject}: {figures}; at most one is what was said."
    ),
    "report_agreement.probable_misprint": (
        "Outlets printed different figures for {subject}: {figures}; they differ by one digit or two swapped digits, so"
        " a misprint is likely."
    ),
    "report_agreement.inconsistent": (
        "{statements} statements by {claimant} on {date} give figures for {metric} that cannot all be true: {figures}."
    ),
    "report_agreement.bounds_differ": (
        "{reports} reports of {subject} give different lower bounds ({figures}) as the headline figure."
    ),
    "report_agreement.low_confidence_only": (
        "{reports} reports of {subject} agree ({figures}); low-confidence prints ({set_aside}) differ but do not decide"
        " a verdict alone."
    ),
    "report_agreement.low_confidence_single": (
        "{subject}: the only print that differs ({set_aside}) is low-confidence, so no difference can be established"
        " from it."
    ),
    # series_consistency: official figures against each other
    "series_consistency.fall": (
        "{subject} fell from {earlier_value} ({earlier_date}) to {later_value} ({later_date}), by {difference}"
        " ({change_share}); a running total cannot fall."
    ),
    "series_consistency.bound_below": (
        "{subject}: a later lower bound of {later_value} ({later_date}) is {later_share} of the {earlier_value} already"
        " published ({earlier_date})."
    ),
    "series_consistency.no_fall": (
        "{subject} did not fall: {earlier_value} ({earlier_date}), then {later_value} ({later_date})."
    ),
    "series_consistency.unordered": "{subject}: {figures} cannot be put in order, their dates ({dates}) overlap.",
    "series_consistency.unlike": (
        "{subject}: the later {later_value} is below the earlier {earlier_value}, but they do not count the same thing,"
        " so the drop is no contradiction."
    ),
    "series_consistency.undated": "{subject}: {value} has no date, so it cannot be ordered against the other figures.",
    "series_consistency.additions_unchecked": (
        "{subject}: {value} for {window} cannot be checked; no running total brackets the window."
    ),
    "series_consistency.additions_total_falls": (
        "{subject}: {value} for {window} cannot be checked; the running totals around it fall."
    ),
    "series_consistency.additions_agree": (
        "{subject}: {value} for {window} matches the growth of the running total ({change})."
    ),
    "series_consistency.additions_disagree": (
        "{subject}: {value} for {window} does not match the growth of the running total ({change})."
    ),
    "series_consistency.additions_within": (
        "{subject}: {value} for {window} is within the growth of the running total over a wider span ({change})."
    ),
    "series_consistency.additions_exceed": (
        "{subject}: {value} for {window} exceeds the growth of the running total over a wider span ({change})."
    ),
    "series_consistency.ordering_holds": (
        "In statement {statement}, {smaller_value} {smaller} do not exceed {larger_value} {larger}."
    ),
    "series_consistency.ordering_broken": (
        "In statement {statement}, {smaller_value} {smaller} exceed {larger_value} {larger}, which cannot be."
    ),
    "series_consistency.parts_fit": (
        "In statement {statement}, the {parts} {what} ({parts_sum}) do not exceed the total of {total}."
    ),
    "series_consistency.parts_exceed": (
        "In statement {statement}, the {parts} {what} add up to {parts_sum}, more than the total of {total}."
    ),
    "series_consistency.rate_uncomputable": (
        "In statement {statement}, no block rate can be computed to check the stated {stated_rate}%: nothing was"
        " processed."
    ),
    "series_consistency.rate_matches": (
        "In statement {statement}, the stated block rate of {stated_rate}% matches blocked ÷ processed"
        " ({computed_rate}%)."
    ),
    "series_consistency.rate_differs": (
        "In statement {statement}, the stated block rate of {stated_rate}% does not follow from blocked ÷ processed"
        " ({computed_rate}%)."
    ),
    # unit_drift: one number, several meanings
    "unit_drift.consistent": "The figure {value} recurs in {claims} claims over {days} days with one meaning.",
    "unit_drift.inconsistent": (
        "The figure {value} recurs in {claims} claims within {days} days with changing meaning ({changed})."
    ),
    # plausibility: a figure against reference statistics
    "plausibility.no_baseline": (
        "{value} {unit} ({claimant}, {date}) cannot be checked for size: no reference figure is near its date."
    ),
    "plausibility.plausible": (
        "{value} {unit} ({claimant}, {date}) is {ratios} per reference unit, within the bound of {threshold}."
    ),
    "plausibility.implausible": (
        "{value} {unit} ({claimant}, {date}) is {ratios} per reference unit, above the bound of {threshold}:"
        " implausible as stated."
    ),
    # opposite_assertions: an official assertion against official statements of the opposite
    "opposite_assertions.undated": (
        "{claimant}'s assertion {assertion} is undated, so no statement can be set against it."
    ),
    "opposite_assertions.none_opposite": (
        "No official statement in the ledger asserts the opposite of {claimant}'s {assertion} ({date}) from"
        " {lookback_days} days before to {lookahead_days} days after."
    ),
    "opposite_assertions.inconsistent": (
        "{claimant}'s assertion {assertion} ({date}) is contradicted by {opposites} official statements of the opposite"
        " ({opposite_dates})."
    ),
    # evidence_vs_assertion: an assertion against independent evidence
    "evidence_vs_assertion.no_polarity": (
        "{claimant}'s assertion {assertion} ({date}) is not audited: the rule does not say what it claims."
    ),
    "evidence_vs_assertion.undated": "{claimant}'s assertion {assertion} is undated, so no evidence window can be set.",
    "evidence_vs_assertion.insufficient": (
        "{claimant}'s assertion {assertion} ({date}) cannot be tested: nothing decisive for {window_start} to"
        " {window_end}."
    ),
    "evidence_vs_assertion.contradicted": (
        "{claimant}'s assertion {assertion} ({date}) is contradicted by {strength} ({sources}) for {window_start} to"
        " {window_end}."
    ),
    "evidence_vs_assertion.supported": (
        "{claimant}'s assertion {assertion} ({date}) is supported by {strength} ({sources}) for {window_start} to"
        " {window_end}."
    ),
}

#: caveat kind -> English sentence with ``{detail}`` (how a caveat reads in ``explanation``).
CAVEATS: dict[str, str] = {
    "single_outlet": "Only one outlet reports {detail}.",
    "low_confidence": "Low-confidence source for {detail}.",
    "third_party_only": "No direct measurement decided this: it rests on {detail}.",
    "evidence_missing": "Evidence missing in this run: {detail}.",
    "probable_misprint": "Probably a misprint: {detail}.",
    "unverified_observation": "Rests on hand-entered observations not verified on their source: {detail}.",
    "riseupvpn_unscored": "Not scored by OONI, left out: {detail}.",
}

_STRENGTH_WORDS = {
    "direct_measurement": "direct measurement",
    "third_party_observation": "third-party observation",
    "media_report": "media reports",
    "claims_ledger": "official figures only",
    "none": "nothing decisive",
}


def strength_words(strength: str) -> str:
    """``direct_measurement`` → ``direct measurement`` (for a ``{strength}`` slot)."""
    return _STRENGTH_WORDS.get(strength, strength.replace("_", " "))


def slot_text(name: str, value: Any) -> str:
    """How one slot prints (see the module docstring)."""
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Sequence) and not isinstance(value, str):
        items = [slot_text(name, v) for v in value]
        return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1] if items else "none"
    if isinstance(value, int | float):
        if name.endswith("_share"):
            return fmt_share(abs(value))
        if name.endswith("_ratio") or name in ("ratios", "threshold"):
            return fmt_ratio(value)
        if name == "difference":
            return fmt_number(abs(value))
        return fmt_number(value)
    return str(value)


def slot_names(template_id: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(FINDINGS[template_id]) if f}


def render(template_id: str, slots: Mapping[str, Any], templates: Mapping[str, str] | None = None) -> str:
    """The finding sentence: the template (``templates`` may be a translation) with its slots."""
    template = (templates or FINDINGS)[template_id]
    return template.format_map({name: slot_text(name, slots.get(name)) for name in slot_names(template_id)})


def explain(finding: str, detail: str, caveats: Sequence[Mapping[str, Any]]) -> str:
    """A verdict's ``explanation``: its finding, the rule's working (``detail``), then its caveats."""
    parts = [finding]
    if detail and detail != finding:
        parts.append(detail)
    for caveat in caveats:
        template = CAVEATS.get(caveat["kind"])
        if template:
            parts.append(template.format(detail=caveat.get("detail") or ""))
    return " ".join(p.strip() for p in parts if p and p.strip())
