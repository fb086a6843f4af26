"""Every English sentence a verdict leads with, in one place, and the one function that renders
a verdict's ``explanation`` from its structure.

A verdict's ``finding`` is ``FINDINGS[finding_template]`` filled with ``finding_slots``. Slots
are typed data (numbers stay numbers, dates are ISO strings, lists stay lists); how a slot is
printed depends only on its value and its name, by the one formatter (:func:`claimaudit.i18n.slot`),
so a translation of a template needs no code:

- a number is a stated figure, printed exactly as stated (``844,008``; ``84.725``);
- a slot named ``*_share`` is a computed fraction printed as a percentage (``0.055`` → ``5.5%``);
- a slot named ``*_ratio``, ``ratios``, ``threshold`` or ``computed_*`` is a computed statistic
  (two decimals: ``0.18``); ``difference`` prints without its sign (the words say which way);
- a list prints as ``a, b and c``; ``None`` as ``—``.

>>> render("report_agreement.consistent", {"reports": 3, "subject": "statement s-1", "figures": [844008]})
'3 reports of statement s-1 agree on one figure (844,008).'
>>> render("series_consistency.fall", {"subject": "PTA's running total of websites blocked",
...        "earlier_value": 1100000, "earlier_date": "2024-03-01", "later_value": 980000,
...        "later_date": "2024-06-01", "difference": -120000, "change_share": -0.109})
"PTA's running total of websites blocked fell from 1,100,000 (2024-03-01) to 980,000 (2024-06-01), by 120,000 (10.9%);
a running total cannot fall."
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping, Sequence
from typing import Any

from claimaudit import i18n

_UNIT_WORDS = {
    "urls": "URLs",
    "web_links": "web links",
    "websites_or_pages": "websites or pages",
    "vpns": "VPNs",
    "vpns_or_ips": "VPNs or IP addresses",
}
_PERIOD_WORDS = {
    "cumulative": "cumulative",
    "cumulative_since": "cumulative since a start date",
    "fiscal_year": "fiscal year",
    "window": "window",
    "per_day": "per day",
    "per_week": "per week",
    "point_in_time": "at a point in time",
    "unspecified": "period unspecified",
}


def unit_word(unit: str | None) -> str:
    """A claim's unit in words (``web_links`` → ``web links``; the catalogue translates the words)."""
    return _UNIT_WORDS.get(unit or "", unit or "")


def period_word(period: str | None) -> str:
    """A claim's period in words (``per_day`` → ``per day``)."""
    return _PERIOD_WORDS.get(period or "", period or "")


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
    "unit_drift.consistent": "The figure {value} recurs in {claims} claims over {days} with one meaning.",
    "unit_drift.inconsistent": (
        "The figure {value} recurs in {claims} claims within {days} with changing meaning ({changed})."
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
        " {lookback_days} before to {lookahead_days} after."
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

#: The finding sentences that depend on a count: template id -> (the slot that counts, the English
#: sentence for a count of one). :data:`FINDINGS` holds the sentence for other counts; the catalogue keeps
#: the two as one plural message (``msgid`` / ``msgid_plural``, the template id its ``msgctxt``), and each
#: language picks its form by its own plural rule (Babel's).
FINDING_SINGULARS: dict[str, tuple[str, str]] = {
    "report_agreement.consistent": ("reports", "{reports} report of {subject} agrees on one figure ({figures})."),
    "report_agreement.compatible": (
        "reports",
        "{reports} report of {subject} prints {figures}: a rounded or bounded form compatible with one figure.",
    ),
    "report_agreement.inconsistent": (
        "statements",
        "{statements} statement by {claimant} on {date} gives figures for {metric} that cannot all be true: {figures}.",
    ),
    "report_agreement.bounds_differ": (
        "reports",
        "{reports} report of {subject} gives different lower bounds ({figures}) as the headline figure.",
    ),
    "report_agreement.low_confidence_only": (
        "reports",
        "{reports} report of {subject} agrees ({figures}); low-confidence prints ({set_aside}) differ but do not"
        " decide a verdict alone.",
    ),
    "unit_drift.consistent": ("claims", "The figure {value} recurs in {claims} claim over {days} with one meaning."),
    "unit_drift.inconsistent": (
        "claims",
        "The figure {value} recurs in {claims} claim within {days} with changing meaning ({changed}).",
    ),
    "opposite_assertions.inconsistent": (
        "opposites",
        "{claimant}'s assertion {assertion} ({date}) is contradicted by {opposites} official statement of the"
        " opposite ({opposite_dates}).",
    ),
}

#: Slots of a finding that hold a count printed with its noun (a second count in a sentence counted by
#: another slot): template id -> {slot: noun of :data:`PLURAL_TEMPLATES`} (``{days}`` -> ``63 days``).
FINDING_COUNTS: dict[str, dict[str, str]] = {
    "unit_drift.consistent": {"days": "day"},
    "unit_drift.inconsistent": {"days": "day"},
    "opposite_assertions.none_opposite": {"lookback_days": "day", "lookahead_days": "day"},
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


def slot_names(template_id: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(FINDINGS[template_id]) if f}


def _is_count(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer()


def count_words(noun: str, n: int, lang: str = "en") -> str:
    """A count with its noun in ``lang`` (:data:`PLURAL_TEMPLATES`; the catalogue's plural message in
    the context ``plural.<noun>``, its form chosen by the language's plural rule).

    >>> count_words("day", 1), count_words("day", 30), count_words("network", 2)
    ('1 day', '30 days', '2 networks')
    """
    one, other = PLURAL_TEMPLATES[f"{noun}.one"], PLURAL_TEMPLATES[f"{noun}.other"]
    return i18n.plural_form(one, other, int(n), lang, context=f"plural.{noun}").format(n=i18n.stated(int(n), lang))


def render(
    template_id: str, slots: Mapping[str, Any], templates: Mapping[str, str] | None = None, lang: str = "en"
) -> str:
    """The finding sentence: the template (``templates`` may be a translation) with its slots,
    printed for ``lang`` (the audit writes English); the sentence for one when its count is 1
    (:data:`FINDING_SINGULARS`), counts with their nouns (:data:`FINDING_COUNTS`). A slot holding a
    step (a finding's ``subject``: the ledger fields of a series or a statement) prints rendered in
    ``lang``."""
    template = (templates or FINDINGS)[template_id]
    counted, singular = FINDING_SINGULARS.get(template_id, (None, None))
    if templates is None and singular is not None and slots.get(counted) == 1:
        template = singular
    nouns = FINDING_COUNTS.get(template_id, {})

    def shown(name: str, value: Any) -> str:
        if _is_step(value):
            return render_step(value, lang)
        if name in nouns and _is_count(value):
            return count_words(nouns[name], value, lang)
        return i18n.slot(name, value, lang)

    return template.format_map({name: shown(name, slots.get(name)) for name in slot_names(template_id)})


def finding_text(template_id: str, slots: Mapping[str, Any], lang: str = "en") -> str:
    """A verdict's finding sentence in ``lang`` from its typed ``slots``: English by :func:`render`;
    another language from the catalogue (the template translated in its context ``template_id``, a
    plural message when the sentence counts something, :data:`FINDING_SINGULARS`, by
    :func:`claimaudit.i18n.finding`), counts with their nouns, its step slots (``subject``,
    ``metric``) rendered in that language by the one renderer. Used by :func:`explain` and the report.

    >>> finding_text("report_agreement.consistent", {"reports": 1, "subject": "s-1", "figures": [5]})
    '1 report of s-1 agrees on one figure (5).'
    """
    if lang == i18n.SOURCE_LANGUAGE:
        return render(template_id, slots, lang=lang)
    counted, singular = FINDING_SINGULARS.get(template_id, (None, None))
    nouns = FINDING_COUNTS.get(template_id, {})
    with i18n.language(lang):
        shown = {
            name: render_step(value, lang)
            if _is_step(value)
            else count_words(nouns[name], value, lang)
            if name in nouns and _is_count(value)
            else value
            for name, value in slots.items()
        }
        count = slots.get(counted) if counted else None
        return i18n.finding(
            template_id,
            FINDINGS[template_id],
            shown,
            lang=lang,
            singular=singular,
            n=int(count) if _is_count(count) else None,
        )


#: How a figure reads in the working: the qualifier's words around the number.
FIGURE_TEMPLATES: dict[str, str] = {
    "exact": "{value}",
    "over": "over {value}",
    "at_least": "at least {value}",
    "about": "about {value}",
    "under": "under {value}",
    "up_to": "up to {value}",
}

#: How a cited claim reads in the working.
CLAIM_TEMPLATES: dict[str, str] = {
    "cited": "{figure} {verb} ({claimant}, {when}) [{claim_id}]",
    "cited_flagged": "{figure} {verb} ({claimant}, {when}) [{claim_id}, {confidence} confidence]",
    "as_of": "stated {date}, figure as of {as_of}",
    "with_unit": "{figure} {unit}",
}

#: A count with its noun: ``<noun>.one`` / ``<noun>.other``; a working slot named ``n_<noun>``
#: prints with them (``{n_day}`` → ``3 days``).
PLURAL_TEMPLATES: dict[str, str] = {
    "report.one": "{n} report",
    "figure.one": "{n} figure",
    "figure.other": "{n} figures",
    "other_figure.one": "{n} other earlier comparable figure",
    "other_figure.other": "{n} other earlier comparable figures",
    "dated_figure.one": "{n} dated comparable figure",
    "dated_figure.other": "{n} dated comparable figures",
    "total.one": "{n} comparable running total",
    "total.other": "{n} comparable running totals",
    "report.other": "{n} reports",
    "claim.one": "{n} claim",
    "claim.other": "{n} claims",
    "day.one": "{n} day",
    "day.other": "{n} days",
    "day_after.one": "{n} day",
    "day_after.other": "{n} days",
    # evidence (audit._gather)
    "measurement.one": "{n} measurement",
    "measurement.other": "{n} measurements",
    "network.one": "{n} network",
    "network.other": "{n} networks",
    "reported_observation.one": "{n} reported observation",
    "reported_observation.other": "{n} reported observations",
    "reported_event.one": "{n} reported event",
    "reported_event.other": "{n} reported events",
    "ooni_finding.one": "{n} OONI finding",
    "ooni_finding.other": "{n} OONI findings",
    "statement.one": "{n} statement",
    "statement.other": "{n} statements",
    "recorded_total.one": "{n} recorded total",
    "recorded_total.other": "{n} recorded totals",
    "exact_figure.one": "{n} different exact figure",
    "exact_figure.other": "{n} different exact figures",
    "anomaly.one": "{n} anomaly",
    "anomaly.other": "{n} anomalies",
    "failure.one": "{n} failure",
    "failure.other": "{n} failures",
    "usable_measurement.one": "{n} usable measurement",
    "usable_measurement.other": "{n} usable measurements",
}

#: Slots of a working step that hold a count printed with its noun (slots named ``n_<noun>`` do so
#: anywhere): step id -> {slot: noun of :data:`PLURAL_TEMPLATES`} (``{k}`` -> ``1 network``).
WORKING_COUNTS: dict[str, dict[str, str]] = {
    "report_agreement.statements": {"count": "statement"},
    "report_agreement.exact_figures_differ": {"count": "exact_figure"},
    "plausibility.no_baseline_near": {"max_gap_days": "day"},
    "plausibility.division": {"gap_days": "day"},
    "series_consistency.smallest_total": {"count": "recorded_total"},
    "ooni_aggregation.counts": {"anomalies": "anomaly", "failures": "failure"},
    "ooni_aggregation.confirmed": {"k": "network"},
    "ooni_aggregation.anomalous": {"k": "network", "min_usable": "usable_measurement"},
    "ooni.thin": {"min_measurements": "measurement", "min_networks": "network"},
    "ooni_corpus.counts": {"anomalies": "anomaly"},
    "ooni_corpus.confirmed": {"k": "network"},
    "ooni_corpus.anomalous": {"k": "network"},
    "tor.users": {"baseline_days": "day"},
    "tor.users_no_ratio": {"baseline_days": "day"},
}

#: Each step of a rule's working (the ``working`` of a verdict's reasons): id -> English
#: sentence or phrase with ``{named}`` slots (gettext msgids). A slot holding a step (or a list of
#: steps) prints it rendered; see :func:`render_step`.
WORKING_TEMPLATES: dict[str, str] = {
    # report_agreement
    "report_agreement.head": "{n_report} of {subject}: {prints}.",
    "report_agreement.subject": "{metric} in {where} of {date}",
    "report_agreement.metric_detail": "{metric} ({detail})",
    "report_agreement.metric": "{metric}",
    "report_agreement.one_statement": "statement {statement}",
    "report_agreement.statements": "{count} by {authority} ({statements})",
    "report_agreement.print": "{figure} by {by}",
    "report_agreement.who": "{outlet} [{claim_id}]",
    "report_agreement.who_no_source": "{claimant} (no source row) [{claim_id}]",
    "report_agreement.exact_figures_differ": (
        "{count} are printed for one statement ({figures}); at most one can be what was said."
    ),
    "report_agreement.outside": (
        "The exact figure {exact} lies outside {prints} (approximations read as ±{tolerance_pct})."
    ),
    "report_agreement.outside_print": "'{figure}' ({who})",
    "report_agreement.exact_compatible": (
        "Every other print is a rounded or bounded form compatible with the exact figure {exact} (approximations read"
        " as ±{tolerance_pct})."
    ),
    "report_agreement.no_overlap": "The printed approximations and bounds cannot all be true of one figure.",
    "report_agreement.bounds_accepted": (
        "All are printed as lower bounds, so they are logically compatible (the higher implies the lower), and this"
        " rule accepts that."
    ),
    "report_agreement.bounds_differ": (
        "All are printed as lower bounds, so they are logically compatible (the higher implies the lower), but they"
        " give different headline figures for one statement: this rule counts that as disagreement."
    ),
    "report_agreement.approximations_compatible": "The printed approximations are compatible with one figure.",
    "report_agreement.low_confidence": (
        "The difference rests on low-confidence prints ({set_aside}), which do not decide a verdict alone."
    ),
    "report_agreement.spread": "Spread: min {low}, max {high}, difference {difference}.",
    "report_agreement.spread_share": (
        "Spread: min {low}, max {high}, difference {difference} ({share} of the lower figure)."
    ),
    "report_agreement.unread": "Not read as a number: {unread}.",
    "report_agreement.unread_print": "{outlet} printed '{printed}'",
    # unit_drift
    "unit_drift.one_meaning": "The figure {value} recurs in {n_claim} over {n_day} with one meaning: {chain}.",
    "unit_drift.changing_meaning": (
        "The figure {value} recurs in {n_claim} within {n_day} but its meaning changes ({changed}): {chain}. One"
        " number cannot count all of these; at most one use can be right, and the reuse suggests the figure travelled"
        " without its definition."
    ),
    "unit_drift.use": "{metric} in {unit} ({period}; {claimant}, {date}) [{claim_id}]",
    # plausibility
    "plausibility.no_baselines": "No baselines to compare with: {problem}",
    "plausibility.no_baseline_near": (
        "{claim}: no baseline ({missing}) within {max_gap_days} of the claim's date, so its size cannot be checked."
    ),
    "plausibility.arithmetic": "{claim}: {divisions}.",
    "plausibility.division": (
        "{value} {unit} ({period}) ÷ {baseline} {metric} ({publisher}, as of {as_of}, {gap_days} from the claim;"
        " {baseline_id}) = {ratio} {unit} per {per}"
    ),
    "plausibility.missing": "No usable baseline for {missing}.",
    "plausibility.above": (
        "Above the rule's bound of {threshold} per unit for {over}: the figure is implausible as stated."
    ),
    # series_consistency
    "series_consistency.name": "{authority}'s {period} count of {metric}",
    "series_consistency.name_detail": "{authority}'s {period} count of {metric} ({detail})",
    "series_consistency.different_verbs": "different verbs ('{verb}' vs '{other_verb}')",
    "series_consistency.different_verbs_narrower": (
        "different verbs ('{verb}' vs '{other_verb}'); items blocked can be fewer than items processed or identified,"
        " so a lower figure under the narrower verb is expected"
    ),
    "series_consistency.different_scopes": "different scopes ({scope} vs {other_scope})",
    "series_consistency.family.urls": "URLs (a web link is a URL)",
    "series_consistency.family.websites": "websites",
    "series_consistency.family.vpns": "registered VPNs",
    "series_consistency.categories": "categories",
    "series_consistency.platforms": "platforms",
    "series_consistency.different_periods": "different periods ({period} vs {other_period})",
    "series_consistency.different_starts": "running totals from different start dates ({start} vs {other_start})",
    "series_consistency.different_units": "different units ({unit} vs {other_unit})",
    "series_consistency.different_units_site_url": (
        "different units ({unit} vs {other_unit}): a website can hold many URLs, so a count of one is not a count of"
        " the other"
    ),
    "series_consistency.different_spans": (
        "running totals over different spans (one counts only since {start}, the other gives no start), so the"
        " shorter span can be the lower figure"
    ),
    "series_consistency.span_all": "all of it",
    "series_consistency.span_since": "since {start}",
    "series_consistency.spans_differ": (
        "{claim} covers {window}; the running totals around it are not one series ({first} counts {first_span},"
        " {other} counts {other_span}), so the additions cannot be checked against their difference."
    ),
    "series_consistency.unit_changed": (
        "The unit changed from {unit} to {other_unit}; both count {family} and are compared as like with like, but"
        " the change of wording may also mark a change of counting."
    ),
    "series_consistency.rise": "+{difference} (+{change_share})",
    "series_consistency.drop": "−{difference} (−{change_share})",
    "series_consistency.same_day": (
        "they were stated on the same day ({date}) in different statements, so their order is unknown; same-day"
        " figures are compared by the report-agreement rules."
    ),
    "series_consistency.dates_overlap": (
        "their dates overlap at the precision the sources give ({date} vs {other_date}), so whether the running total"
        " rose or fell between them cannot be said."
    ),
    "series_consistency.unordered": "{claim} and {other_claim} cannot be ordered: {why}",
    "series_consistency.unlike": (
        "{later} is below the earlier {earlier}, but they are not like with like: {differences}. The drop is"
        " therefore not a contradiction."
    ),
    "series_consistency.step": "{subject}: {earlier} → {later}, {n_day} later: {change}.",
    "series_consistency.figure_on": "{figure} ({date})",
    "series_consistency.also_above": "{n_other_figure} also above it: {shown}.",
    "series_consistency.lower_bound": (
        "'{bound}' is a lower bound, so it is logically compatible with the earlier {earlier}; as a figure it is"
        " {difference} ({below_share}) below it."
    ),
    "series_consistency.bound_conflicts": (
        "This rule reads a lower bound given as the headline figure as the speaker's figure: at {later_share} of a"
        " figure already published (threshold {threshold_pct}), the two statements disagree."
    ),
    "series_consistency.bound_accepted": (
        "This rule does not treat a lower bound as the speaker's figure, so there is no conflict."
    ),
    "series_consistency.cannot_fall": (
        "A running total cannot fall unless items were unblocked or the counting changed."
    ),
    "series_consistency.cannot_fall_approx": (
        "A running total cannot fall even allowing for the stated approximation unless items were unblocked or the"
        " counting changed."
    ),
    "series_consistency.within_approximation": (
        "The figure is lower, but within the approximation the sources state ('about'), so no fall can be shown."
    ),
    "series_consistency.none_above": "No earlier comparable figure ({n_figure}) is above it.",
    "series_consistency.no_date_fits": (
        "No date would fit a non-decreasing series: it is above {after} but below the earlier {before}."
    ),
    "series_consistency.would_fit": "It would fit a non-decreasing series if dated {bounds}.",
    "series_consistency.after": "after {date} ({figure})",
    "series_consistency.before": "before {date} ({figure})",
    "series_consistency.undated": (
        "{claim} has no date, so it cannot be ordered against the {n_dated_figure} of {subject}."
    ),
    "series_consistency.totals_all_after": "the ledger's {n_total} for {authority} / {category} all lie after it",
    "series_consistency.totals_all_before": "the ledger's {n_total} for {authority} / {category} all lie before it",
    "series_consistency.no_total": "the ledger has no comparable running total for {authority} / {category}",
    "series_consistency.needs_total_before": (
        "{claim} covers {window}; checking it needs a running total ({verb}, {scope}, same unit family) before"
        " {edge}, and {have}."
    ),
    "series_consistency.needs_total_after": (
        "{claim} covers {window}; checking it needs a running total ({verb}, {scope}, same unit family) after {edge},"
        " and {have}."
    ),
    "series_consistency.arithmetic": "{later} − {earlier} = {change}",
    "series_consistency.arithmetic_approx": (
        "{later} − {earlier} = {change} (between {computed_low} and {computed_high} given the stated approximation)"
    ),
    "series_consistency.arithmetic_at_most": (
        "{later} − {earlier} = {change} (at most {computed_high} given the stated approximation)"
    ),
    "series_consistency.arithmetic_at_least": (
        "{later} − {earlier} = {change} (at least {computed_low} given the stated approximation)"
    ),
    "series_consistency.totals_fall": (
        "{claim} for {window}: the running totals around the window fall ({arithmetic}), so additions cannot be"
        " checked against them; the fall itself is judged by the running-total check."
    ),
    "series_consistency.same_span_agree": (
        "{claim} for {window} against the change in the running total over the same span: {arithmetic}. They agree"
        " within the rule's tolerance of {tolerance_pct} (bracketing figures at most {n_day} from the window's"
        " edges)."
    ),
    "series_consistency.same_span_disagree": (
        "{claim} for {window} against the change in the running total over the same span: {arithmetic}. They do not"
        " agree within the rule's tolerance of {tolerance_pct} (bracketing figures at most {n_day} from the window's"
        " edges)."
    ),
    "series_consistency.wider_span": (
        "{claim} for {window}; the nearest running totals bracket a wider span ({from_date} to {to_date}), so only a"
        " bound can be checked: the additions in the window cannot exceed the growth over the wider span,"
        " {arithmetic}."
    ),
    "series_consistency.within_bound": "The window figure is within that bound.",
    "series_consistency.beyond_bound": (
        "The window figure exceeds it by {computed_excess} beyond the {tolerance_pct} tolerance."
    ),
    "series_consistency.ordering": (
        "In statement {statement} ({category}, scope {scope}): {smaller_figure} {smaller} vs {larger_figure}"
        " {larger}. Items {smaller} must not exceed items {larger}; they do not (difference {gap})."
    ),
    "series_consistency.ordering_broken": (
        "In statement {statement} ({category}, scope {scope}): {smaller_figure} {smaller} vs {larger_figure}"
        " {larger}. Items {smaller} must not exceed items {larger}; they exceed them by {excess}."
    ),
    "series_consistency.parts": (
        "In statement {statement} ({verb}, {period}): {count} {what} add up to {listed} = {parts_sum} against a total"
        " of {total}."
    ),
    "series_consistency.parts_exceed": "The parts exceed the total by {computed_excess}.",
    "series_consistency.total_is_bound": "The total is a lower bound, so the parts are compatible with it.",
    "series_consistency.parts_within_approximation": (
        "The parts exceed the stated total by {excess}, within the approximation the source states ('about'), so no"
        " conflict can be shown."
    ),
    "series_consistency.parts_fit": "The parts do not exceed the total; {rest} is not attributed to the {what} listed.",
    "series_consistency.smallest_variant": (
        "Where a {key} has several recorded figures ({variants}), the smallest is used."
    ),
    "series_consistency.smallest_total": "The smallest of {count} is used.",
    "series_consistency.rate_zero": (
        "In statement {statement}: {processed} processed is zero, so no block rate can be computed from the counts to"
        " set against the stated {rate}."
    ),
    "series_consistency.rate": (
        "In statement {statement}: {blocked} blocked ÷ {processed} processed = {computed_rate}%, against the stated"
        " block rate of {rate}."
    ),
    "series_consistency.rate_approx": (
        "In statement {statement}: {blocked} blocked ÷ {processed} processed = {computed_rate}%"
        " ({computed_low}%–{computed_high}% given the stated approximation), against the stated block rate of {rate}."
    ),
    "series_consistency.rate_compatible": (
        "They are compatible (the stated rate read as ±{rounding} points for rounding)."
    ),
    "series_consistency.rate_incompatible": "The stated rate does not follow from the stated counts.",
    # evidence_vs_assertion
    "evidence_vs_assertion.said": '{claimant} ({date}) asserted {assertion} ("{wording}")',
    "evidence_vs_assertion.no_polarity": (
        "{said}; the rule gives no polarity for assertion '{assertion}', so no evidence can bear on it. Add it to"
        " params.polarity to audit it."
    ),
    "evidence_vs_assertion.undated": "{said}, undated: no evidence window can be set.",
    "evidence_vs_assertion.head": "{said}; evidence for {window_start}..{window_end}: {observations}",
    "evidence_vs_assertion.observation": "({number}) {sentence}.",
    "evidence_vs_assertion.nothing_decisive": "Nothing decisive: {why}.",
    "evidence_vs_assertion.why_missing": "missing: {sources}",
    "evidence_vs_assertion.why_weak": "below the rule's minimum strength ({min_strength}): {sources}",
    "evidence_vs_assertion.why_context": "context or no observation only: {sources}",
    "evidence_vs_assertion.direct": "The verdict rests on direct measurement ({sources}).",
    "evidence_vs_assertion.weak": "The verdict is weak: it rests on {strength}s only ({sources}).",
    "evidence_vs_assertion.weak_absent": (
        "The verdict is weak: it rests on {strength}s only ({sources}); no direct measurement decided it ({absent}"
        " missing or not decisive)."
    ),
    # opposite_assertions
    "opposite_assertions.said": '{claimant} ({date}): "{wording}" ({assertion}) [{claim_id}{flag}{printed}]',
    "opposite_assertions.flag": ", {confidence} confidence",
    "opposite_assertions.printed": "; printed by {outlets}",
    "opposite_assertions.undated": (
        "{said} is undated, so no statement can be placed within {n_day} before or {n_day_after} after it."
    ),
    "opposite_assertions.span": "{n_day} before to {n_day_after} after {date}",
    "opposite_assertions.none": (
        "{said}. No official statement in the ledger asserts the opposite from {span}. This compares official"
        " statements with each other only; it says nothing about what was measured on the networks."
    ),
    "opposite_assertions.contradicted": (
        "{said} — but within {span} official statements asserted the opposite: {opposites}. Both cannot be true as"
        " stated: the official record contradicts itself ({authorities})."
    ),
    "opposite_assertions.contradicted_one_authority": (
        "{said} — but within {span} official statements asserted the opposite: {opposites}. Both cannot be true as"
        " stated: the official record contradicts itself ({authority} on both sides)."
    ),
    "opposite_assertions.same_day": "the same day, {said}",
    "opposite_assertions.about_same_day": "about the same day, {said}",
    "opposite_assertions.later": "{n_day} later, {said}",
    "opposite_assertions.about_later": "about {n_day} later, {said}",
    "opposite_assertions.earlier": "{n_day} earlier, {said}",
    "opposite_assertions.about_earlier": "about {n_day} earlier, {said}",
    "opposite_assertions.not_all_high": (
        "Not every statement is on record at high confidence ({claim_ids}): the contradiction is between what"
        " officials were reported to say."
    ),
    "plausibility.within": (
        "Within the rule's bound of {threshold} per unit; the arithmetic does not rule the figure out."
    ),
    # evidence: what each source of evidence_vs_assertion showed (audit._gather), one step each
    "evidence.missing": "{source}: missing ({reason})",
    "evidence.missing_for": "{source}: missing for {tests} (first: {reason})",
    "evidence.not_cached": "{url}: not in the cache and no mirror holds it, and fetching is offline",
    "evidence.corpus_not_built": "the OONI raw corpus is not built (CLAIMAUDIT_OONI_CORPUS is not set)",
    "evidence.test_missing": "{test}: {reason}",
    "evidence.unexpected_format": "unexpected format (no {columns})",
    "evidence.span": "{first}..{last}",
    "evidence.empty": "empty",
    "evidence.read_blocking": "read as signs of blocking",
    "evidence.read_context": "context only",
    "evidence.and_more": "{rows} and {more} more",
    "evidence.judged": "{counts} — {judgement}",
    "signals.nothing": "{source}: no observation on {subjects} between {start} and {end}",
    "signals.head": "{n_reported_observation} in {source} between {start} and {end} ({reading}): {rows}",
    "signals.row": "{observer}: {what} ({date}; {evidence_kind}) [{signal_id}]",
    "signals.measured": "{signal} {value}",
    "signals.measured_range": "{signal} {value}–{value_high}",
    "signals.with_unit": "{measured} {signal_unit}",
    "events.nothing": "{source}: no {kinds} event between {start} and {end}",
    "events.head": "{n_reported_event} in {source} between {start} and {end} ({reading}): {rows}",
    "events.row": "{summary} ({date}; {outlet}, {confidence} confidence) [{event_id}]",
    "trends.not_covered": "the series ({span}) does not cover the window and its {baseline_days}-day baseline",
    "trends.peak": (
        "Google Trends interest in VPNs in Pakistan ({name}, CenAlert series) peaked at {peak} on {peak_date},"
        " {against} (median {computed_median}, {baseline_start}..{baseline_end}): {spike}; VPN demand shows people"
        " seeking circumvention, not by itself that VPNs were blocked"
    ),
    "trends.ratio": "{ratio} × the trailing {baseline_days}-day mean of {baseline_mean}",
    "trends.no_ratio": "against a trailing mean of 0 (no ratio can be formed)",
    "trends.spike": "a spike (≥ {spike_ratio} ×)",
    "trends.no_spike": "no spike",
    "ooni_aggregation.counts": (
        "OONI {tests} measurements in {probe_cc}, {start}..{end}: {n_measurement} on {n_network} ({anomalies},"
        " {confirmed} confirmed, {failures}; anomaly rate {rate})"
    ),
    "ooni_aggregation.rate": "{anomaly_rate} of {usable} usable",
    "ooni_aggregation.none_usable": "n/a: none usable",
    "ooni_aggregation.missing": "missing: {missing}",
    "ooni_aggregation.unscored": "{detail} ({n_measurement} left out)",
    "ooni_aggregation.confirmed": "blocking confirmed on {count} of {k} ({nets})",
    "ooni_aggregation.anomalous": (
        "anomaly rate at or above {threshold_share} on {count} of {k} ({nets}; networks with at least"
        " {min_usable}); anomalies are signs of interference, not confirmed blocking"
    ),
    "ooni_aggregation.clear": "no network at or above the {threshold_share} anomaly threshold",
    "ooni.thin": ("too few to conclude (the rule asks for at least {min_measurements} on {min_networks})"),
    "ooni_corpus.what": "OONI raw {tests} measurements in {probe_cc}",
    "ooni_corpus.what_domains": "OONI raw {tests} measurements in {probe_cc} of {domains}",
    "ooni_corpus.none": "{what}, {start}..{end}: none in the corpus",
    "ooni_corpus.counts": (
        "{what}, {start}..{end}: {n_measurement} on {n_network} ({anomalies}, {blockpages} with a state blockpage)"
    ),
    "ooni_corpus.optin": (
        "{optin} showed only an opt-in subscriber filter's page (e.g. Nayatel Safeweb), not counted as a block"
    ),
    "ooni_corpus.confirmed": "blocked by blockpage on {count} of {k} ({nets})",
    "ooni_corpus.anomalous": (
        "no blockpage, but an anomaly rate at or above {threshold_share} on {count} of {k} ({nets}):"
        " signs of interference, not confirmed blocking"
    ),
    "ooni_corpus.clear": "no blockpage and no network at or above the {threshold_share} anomaly threshold",
    "ooni_findings.none": "OONI findings: none matching overlaps {start}..{end}",
    "ooni_findings.head": "{n_ooni_finding} overlapping {start}..{end}: {rows}",
    "ooni_findings.row": "'{title}' ({start}..{end}; {networks}) [{finding_id}]",
    "ooni_findings.row_ongoing": "'{title}' ({start}..ongoing; {networks}) [{finding_id}]",
    "ooni_findings.networks_not_listed": "networks not listed",
    "tor.not_covered": "{name} covers {span}, not the window and its {baseline_days}-day baseline",
    "tor.users": (
        "Tor relay users from Pakistan ({name}): mean {window_users} a day in the window against {baseline_users} in"
        " the {baseline_days} before (ratio {ratio}); Tor use is context for circumvention, not a test of VPN"
        " blocking"
    ),
    "tor.users_no_ratio": (
        "Tor relay users from Pakistan ({name}): mean {window_users} a day in the window against {baseline_users} in"
        " the {baseline_days} before; Tor use is context for circumvention, not a test of VPN blocking"
    ),
    # an evidence item's note (``Evidence.note``: verdicts.json ``evidence[].note_step``, rendered as ``note``)
    "note.error": "{error}",
    "note.parts": "{parts}",
    "note.unscored": "{test}_unscored: {detail}",
    "note.no_signal": "no signal on {subjects} in the window",
    "note.events": "our timeline of reported events (media reports)",
    "note.trends": "{n_day}; peak/mean ratio {ratio}",
    "note.trends_no_ratio": "{n_day}; peak/mean ratio n/a",
    "note.tor": "{n_day}; window/baseline ratio {ratio}",
    "note.tor_no_ratio": "{n_day}; window/baseline ratio n/a",
    "note.corpus_none": "the corpus holds no matching measurement in the window",
    "note.corpus": "raw measurements; blocks confirmed by blockpage fingerprints",
    "note.findings_none": "no matching OONI finding overlaps the window",
    "note.findings": "OONI's published findings, drawn from its measurements",
    "note.baseline": "{baseline} {value} as of {as_of}",
    "note.grouped_by": "reports grouped by {fields}",
    "note.field": "{field}: {value}",
    # a caveat's detail (``detail_step``; the caveat's sentence around it is ``CAVEATS[kind]``)
    "caveat.claims": "{claim_ids}",
    "caveat.set_aside": "{set_aside} (set aside)",
    "caveat.outlets": "{outlets}",
    "caveat.outlet": "{claim_id} ({outlet})",
    "caveat.sources": "{sources}",
    "caveat.source_missing": "{source} (missing)",
    "caveat.source_not_fetched": "{source} (not fetched)",
    "caveat.third_party_observation": "third party observations ({sources})",
    "caveat.media_report": "media reports ({sources})",
    "caveat.misprints": "{pairs}",
    "caveat.misprint": "{first} and {second} differ by one digit or two swapped digits",
    "caveat.unverified": "{unverified}; counted as {counted}",
    "caveat.observation": "{signal_id} ({verification})",
    "caveat.counted_third_party_observation": "third party observation",
    "caveat.counted_media_report": "media report",
    "caveat.unscored": (
        "OONI stopped scoring {test} measurements on {since} (every one counts as ok); those from {excluded_from} on"
        " are left out of anomaly rates"
    ),
    # a hand-entered row's verification state (datasets/signals ``verification``), in a caveat
    "verification.search_verified": "search verified",
    "verification.search_other_outlet": "search other outlet",
    "verification.research_notes_only": "research notes only",
    "verification.unreachable": "unreachable",
    "verification.conflict": "conflict",
}

#: slot name -> separator of a list of steps in that slot (default ``"; "``), translated where the
#: catalogue has it (``", "``, ``"; "``).
_SEPARATORS = {
    "chain": " → ",
    "by": ", ",
    "shown": ", ",
    "bounds": " and ",
    "listed": " + ",
    "observations": " ",
    "outlets": ", ",
    "unverified": ", ",
    "fields": ", ",
}
#: step lists joined "a and b" the language's way in another language (English: ``_SEPARATORS``).
_AND_STEPS = {"bounds"}
#: list slots printed "a, b and c" (other lists of values are comma-separated).
_AND_LISTS = {"authorities"}


def say(template_id: str, /, **slots: Any) -> dict[str, Any]:
    """One step of a rule's working, as data: ``{"template": id, "slots": {...}}`` (numbers stay
    numbers, dates ISO strings). A slot the template names but ``slots`` lacks is an error."""
    template = WORKING_TEMPLATES[template_id]
    absent = _names(template) - set(slots)
    if absent:
        raise KeyError(f"working step {template_id!r} lacks slots {sorted(absent)}")
    return {"template": template_id, "slots": slots}


def caveat(kind: str, detail: Mapping[str, Any], /, **fields: Any) -> dict[str, Any]:
    """A caveat as data: its ``kind`` (a key of :data:`CAVEATS`), the structured ``fields`` it rests
    on (claim ids, sources, figures...), its detail as a step (``detail_step``: ``say("caveat....")``)
    and that step rendered in English (``detail``, the schema's string), by the one renderer."""
    return {"kind": kind, **fields, "detail": render_step(detail), "detail_step": dict(detail)}


def caveat_text(item: Mapping[str, Any], lang: str = "en") -> str | None:
    """A caveat's sentence (:data:`CAVEATS`, translated in the context ``caveat.<kind>``) with its
    detail rendered in ``lang`` from ``detail_step`` (a caveat written before it had one keeps its
    ``detail`` text); None for a kind without a sentence."""
    template = CAVEATS.get(item.get("kind") or "")
    if template is None:
        return None
    step = item.get("detail_step")
    with i18n.language(lang):
        detail = render_step(step, lang) if step else i18n.isolate(str(item.get("detail") or ""))
        if lang != i18n.SOURCE_LANGUAGE:
            template = i18n.pgettext(f"caveat.{item['kind']}", template, lang)
    return template.format(detail=detail)


def note_text(item: Mapping[str, Any], lang: str = "en") -> str | None:
    """An evidence item's note (verdicts.json ``evidence[]``) in ``lang``, from its ``note_step``
    (an item written before it had one keeps its ``note`` text)."""
    step = item.get("note_step")
    if not step:
        return item.get("note")
    with i18n.language(lang):
        return render_step(step, lang)


def figure(row: Mapping[str, Any], *, unit: bool = True) -> dict[str, Any]:
    """A figure as a step: value, qualifier and (unless ``unit=False``) unit."""
    return {
        "template": "figure",
        "slots": {
            "value": row.get("value"),
            "qualifier": row.get("qualifier") or "exact",
            "unit": row.get("unit") if unit else None,
        },
    }


def cite(row: Mapping[str, Any]) -> dict[str, Any]:
    """A claim as a step: its figure, verb, claimant, date (with its precision; the date the
    figure is as of when it differs), id and confidence."""
    stated_on = row.get("statement_date")
    as_of = row.get("_date")
    return {
        "template": "claim",
        "slots": {
            **figure(row)["slots"],
            "verb": row.get("verb") or "",
            "claimant": row.get("claimant"),
            "date": _iso(stated_on),
            "date_precision": row.get("date_precision"),
            "as_of": _iso(as_of) if as_of is not None and as_of != stated_on else None,
            "claim_id": row.get("claim_id"),
            "confidence": row.get("confidence"),
        },
    }


def when(date: Any, precision: str | None = "day") -> dict[str, Any]:
    """A date with its precision, as a step."""
    return {"template": "date", "slots": {"date": _iso(date), "precision": precision or "day"}}


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _names(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f}


def _message(template: str, lang: str) -> str:
    return template if lang == i18n.SOURCE_LANGUAGE else i18n.gettext(template, lang)


def render_step(step: Mapping[str, Any], lang: str = "en") -> str:
    """One step of the working as text, by the one formatter: a slot holding a step prints it
    rendered; a list of steps joined by ``"; "`` (``" → "`` in a ``chain``, ``", "`` in ``by``); a
    list of values comma-separated; a slot ``n_<noun>`` a count with its noun
    (:data:`PLURAL_TEMPLATES`); any other slot by :func:`claimaudit.i18n.slot`.

    >>> render_step(say("report_agreement.spread", low=101083, high=110083, difference=9000))
    'Spread: min 101,083, max 110,083, difference 9,000.'
    >>> render_step(cite({"claim_id": "c-1", "value": 84.725, "qualifier": "over", "unit": "urls", "verb": "blocked",
    ...     "claimant": "PTA", "statement_date": "2024-11-18", "date_precision": "month", "confidence": "low"}))
    'over 84.725 URLs blocked (PTA, 2024-11) [c-1, low confidence]'
    """
    name, slots = step["template"], step["slots"]
    if name == "figure":
        text = _message(FIGURE_TEMPLATES.get(slots["qualifier"] or "exact", "{value}"), lang).format(
            value=i18n.stated(slots["value"], lang)
        )
        word = unit_word(slots.get("unit"))
        if word and word != "none":
            unit = word if lang == i18n.SOURCE_LANGUAGE else i18n.value_words("unit", slots["unit"], lang)
            text = _message(CLAIM_TEMPLATES["with_unit"], lang).format(figure=text, unit=unit)
        return text
    if name == "date":
        return i18n.date(slots["date"], lang, precision=slots.get("precision") or "day")
    if name == "claim":
        date = i18n.date(slots["date"], lang, precision=slots.get("date_precision") or "day")
        if slots.get("as_of"):
            date = _message(CLAIM_TEMPLATES["as_of"], lang).format(date=date, as_of=i18n.date(slots["as_of"], lang))
        flagged = slots.get("confidence") in ("medium", "low")
        return i18n.compose(
            _message(CLAIM_TEMPLATES["cited_flagged" if flagged else "cited"], lang),
            {
                "figure": render_step(figure(slots), lang),
                "verb": _word(slots.get("verb") or "", lang),
                "claimant": i18n.name_words("claimant", str(slots.get("claimant")), lang)
                if lang != i18n.SOURCE_LANGUAGE
                else str(slots.get("claimant")),
                "when": date,
                "claim_id": i18n.isolate(str(slots.get("claim_id"))),
                "confidence": _word(str(slots.get("confidence")), lang),
            },
            lang,
        )
    if name == "note.field":
        return _note_field(slots, lang)
    template = _message(WORKING_TEMPLATES[name], lang)
    nouns = WORKING_COUNTS.get(name, {})
    shown = {
        key: count_words(nouns[key], slots[key], lang)
        if key in nouns and _is_count(slots.get(key))
        else _working_slot(key, slots.get(key), lang)
        for key in _names(template)
    }
    # compose: in right-to-left text a bracketed or quoted group of English ("{wording}") is one isolated run
    return i18n.compose(template, shown, lang)


def _note_field(slots: Mapping[str, Any], lang: str) -> str:
    """``metric: items blocked``: a grouping field and its value in words (the field through the data
    vocabulary's ``field`` kind, the value through the kind the field names), never ``scope=platform:x``;
    a value the vocabulary lacks (a statement id) is data, shown as written (isolated in Urdu)."""
    field, value = str(slots.get("field")), slots.get("value")
    if isinstance(value, str) and value in i18n.VALUES.get(field, {}):
        shown = i18n.value_words(field, value, lang)
    else:
        shown = str(value) if lang == i18n.SOURCE_LANGUAGE else i18n.isolate(str(value))
    words = {"field": i18n.value_words("field", field, lang), "value": shown}
    return i18n.compose(_message(WORKING_TEMPLATES["note.field"], lang), words, lang)


def _word(text: str, lang: str) -> str:
    """A data value's English words (a unit, verb, period, confidence) in ``lang``: through the
    data vocabulary (whose messages have their kind as context), else a message without context."""
    if lang == i18n.SOURCE_LANGUAGE or not text:
        return text
    worded = i18n.value_words(None, text, lang)  # the text itself when the vocabulary lacks it
    return worded if worded != text else i18n.messages(lang).get(text, text)


#: working slots holding a ledger key that is never shown as a key, in any language: name -> kind
#: (an assertion key ``x_not_blocked`` reads "X is not blocked"; a scope ``platform:x`` reads "X";
#: a metric ``items_blocked`` "items blocked"); a ``detail`` holds a category or a scope
_WORDED_SLOTS = {"assertion": "assertion", "scope": "scope", "metric": "metric", "category": "category"}
#: working slots holding a ledger key of the data vocabulary (``other_<name>`` too): name -> kind
_VOCABULARY_SLOTS = {
    "metric": "metric",
    "category": "category",
    "scope": "scope",
    "verb": "verb",
    "confidence": "confidence",
    "changed": "field",
    "family": "unit",
    "evidence_kind": "strength",
    "source": "source",
    "sources": "source",
    "baseline": "baseline",
}


def _separator(name: str, default: str, lang: str) -> str:
    """The separator of a list in slot ``name`` (:data:`_SEPARATORS`), in ``lang`` where it is a
    message of the catalogue (``", "``, ``"; "``)."""
    separator = _SEPARATORS.get(name, default)
    return i18n.gettext(separator, lang) if separator in (", ", "; ") else separator


def _is_step(value: Any) -> bool:
    return isinstance(value, Mapping) and "template" in value and "slots" in value


def _working_slot(name: str, value: Any, lang: str) -> str:
    if _is_step(value):
        return render_step(value, lang)
    if isinstance(value, list | tuple):
        if value and all(_is_step(v) for v in value):
            if name in _AND_STEPS and lang != i18n.SOURCE_LANGUAGE:
                return i18n.items([render_step(v, lang) for v in value], lang)
            return _separator(name, "; ", lang).join(render_step(v, lang) for v in value)
        if name in _AND_LISTS:
            return i18n.items([_working_slot(name, v, lang) for v in value], lang)
        separator = _separator(name, ", ", lang)
        return separator.join(_working_slot(name, v, lang) for v in value)
    if name.startswith("n_") and _is_count(value):
        return count_words(name[2:], value, lang)
    if isinstance(value, str) and (name in ("unit", "period") or name.endswith(("_unit", "_period"))):
        if lang != i18n.SOURCE_LANGUAGE:  # the ledger key through the data vocabulary
            return _vocabulary_words("unit" if name.endswith("unit") else "period", value, lang)
        return _word(unit_word(value) if name.endswith("unit") else period_word(value), lang)
    worded = _WORDED_SLOTS.get(name.removeprefix("other_"))
    if worded and isinstance(value, str) and i18n.VALUES.get(worded, {}).get(value):
        return i18n.value_words(worded, value, lang)
    if name == "detail" and isinstance(value, str) and any(value in i18n.VALUES[k] for k in ("category", "scope")):
        return i18n.value_words("category" if value in i18n.VALUES["category"] else "scope", value, lang)
    if name in i18n.NAME_SLOTS and lang != i18n.SOURCE_LANGUAGE and isinstance(value, str):
        return i18n.name_words(i18n.NAME_SLOTS[name], value, lang)
    if name == "detail" and lang != i18n.SOURCE_LANGUAGE and isinstance(value, str):
        # a series' category or scope (a ledger key of either kind; a list prints item by item)
        return _vocabulary_words(None, value, lang)
    kind = _VOCABULARY_SLOTS.get(name.removeprefix("other_"))
    if kind and lang != i18n.SOURCE_LANGUAGE:
        if isinstance(value, str):
            return _vocabulary_words(kind, value, lang)
        if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            return i18n.items([_vocabulary_words(kind, v, lang) for v in value], lang)
    return i18n.slot(name, value, lang)


def _vocabulary_words(kind: str | None, value: str, lang: str) -> str:
    """A data value in ``lang`` (not English): its words in the data vocabulary (under ``kind``,
    else under any kind, by key or by English words); a platform scope (``platform:x``) is the
    platform's name; a value the vocabulary lacks is data, shown as written (isolated)."""
    if value.startswith("platform:"):
        return i18n.isolate(value.removeprefix("platform:"))
    for worded in (i18n.value_words(kind, value, lang), i18n.value_words(None, value, lang), _word(value, lang)):
        if _RIGHT_TO_LEFT.search(worded):  # translated
            return worded
    return i18n.isolate(value)


_RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def working(reasons: Sequence[Mapping[str, Any]], lang: str = "en") -> str:
    """The rule's working: every step of every reason, rendered, in order."""
    return " ".join(render_step(s, lang) for r in reasons for s in r.get("working") or ())


def explain(verdict: Mapping[str, Any], lang: str = "en") -> str:
    """A verdict's ``explanation``, rendered from its structure by this one function: the finding
    (``finding_template`` + ``finding_slots``), the working of its ``reasons``, then its caveats.
    ``verdict`` is a record of ``verdicts.json`` (or anything with those keys). In another
    language the finding and caveat sentences are translated in their template's context
    (``msgctxt`` ``<template id>``, ``caveat.<kind>``), as the catalogue keeps them."""
    with i18n.language(lang):  # names and ids are isolated in right-to-left text
        parts = [
            finding_text(verdict["finding_template"], verdict.get("finding_slots") or {}, lang),
            working(verdict.get("reasons") or (), lang),
        ]
        parts.extend(caveat_text(c, lang) or "" for c in verdict.get("caveats") or ())
    return " ".join(p.strip() for p in parts if p and p.strip())
