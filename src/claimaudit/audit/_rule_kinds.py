"""The kinds of audit rule: one entry each.

An entry is everything the suite knows of a rule kind: the ``kind:`` value rule files name it by,
the parameters a rule of the kind may give (``params:``, checked with :mod:`claimaudit.audit._options`),
whether it takes ``evidence:`` items (:mod:`claimaudit.audit._evidence_sources`), the kind of reason
its verdicts give unless a verdict says otherwise, and the function that audits the selected claims.
The rule reader validates ``kind:`` and ``params:`` against this registry (an unknown kind is an
error naming the file and line) and :func:`claimaudit.audit.run_audit` dispatches through it:
adding or removing a kind is adding or removing its entry here (and the module it names).

>>> sorted(RULE_KINDS) == sorted(KINDS)
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from claimaudit.audit import _agreement, _assertion, _drift, _opposite, _plausibility, _series
from claimaudit.audit._options import (
    REQUIRED,
    Options,
    boolean,
    date,
    nonneg,
    nonneg_whole,
    one_of,
    polarity,
    strings,
    subset_of,
)
from claimaudit.audit._verdict import Strength
from claimaudit.audit._vocab import baseline_metrics

if TYPE_CHECKING:
    from claimaudit.audit._context import Context
    from claimaudit.audit._verdict import Verdict

#: The strengths a rule may ask for (``min_strength``) or give an evidence item (``strength``).
STRENGTH_CHOICES = tuple(s.value for s in Strength if s.rank > 0)


@dataclass(frozen=True)
class RuleKind:
    """One kind of rule (see the module doc)."""

    key: str  #: as rule files name it (``kind: <key>``)
    audit: Callable[[Context], list[Verdict]]  #: the selected claims -> verdicts
    params: Options  #: parameter -> (check, default)
    reason_kind: str = "comparison"  #: ``reasons[].kind`` of its verdicts unless a verdict says otherwise
    takes_evidence: bool = False  #: needs ``evidence:`` items (and no other kind may have them)


RULE_KINDS: dict[str, RuleKind] = {
    k.key: k
    for k in (
        RuleKind(
            key="evidence_vs_assertion",
            audit=_assertion.audit,
            reason_kind="evidence",
            takes_evidence=True,
            params={
                "polarity": (polarity, REQUIRED),
                "lookback_days": (nonneg_whole, 30),
                "lookahead_days": (nonneg_whole, 30),
                "window_start": (date, None),
                "min_strength": (one_of(*STRENGTH_CHOICES), "third_party_observation"),
                "min_measurements": (nonneg_whole, 30),
                "min_networks": (nonneg_whole, 2),
                "anomaly_threshold": (nonneg, 0.1),
                "min_network_measurements": (nonneg_whole, 5),
                "spike_ratio": (nonneg, 2.0),
                "baseline_days": (nonneg_whole, 28),
            },
        ),
        RuleKind(
            key="opposite_assertions",
            audit=_opposite.audit,
            params={
                "polarity": (polarity, REQUIRED),
                "window_days": (nonneg_whole, 7),
                "lookback_days": (nonneg_whole, None),
                "lookahead_days": (nonneg_whole, None),
                "same_authority": (boolean, False),
                "min_confidence": (one_of("low", "medium", "high"), "low"),
                "judge_claim_ids": (strings, []),
            },
        ),
        RuleKind(
            key="plausibility",
            audit=_plausibility.audit,
            reason_kind="threshold",
            params={
                "per": (subset_of(among=baseline_metrics, ordered=False), REQUIRED),
                "max_ratio": (nonneg, REQUIRED),
                "max_gap_days": (nonneg_whole, 400),
            },
        ),
        RuleKind(
            key="report_agreement",
            audit=_agreement.audit,
            params={
                "same": (
                    subset_of(
                        "statement_id", "statement_date", "authority", "metric", "category", "scope", "unit", "period"
                    ),
                    ["statement_id", "metric", "category", "scope", "period"],
                ),
                "about_tolerance": (nonneg, 0.05),
                "bounds_agree": (boolean, False),
            },
        ),
        RuleKind(
            key="series_consistency",
            audit=_series.audit,
            params={
                "checks": (
                    subset_of("monotone", "additions", "ordering", "parts", "rates"),
                    ["monotone", "additions", "ordering", "parts", "rates"],
                ),
                "about_tolerance": (nonneg, 0.05),
                "addition_tolerance": (nonneg, 0.05),
                "parts_tolerance": (nonneg, 0.0),
                "bracket_slack_days": (nonneg_whole, 45),
                "approx_date_days": (nonneg_whole, 15),
                "headline_lower_bound_conflicts": (boolean, False),
                "headline_bound_ratio": (nonneg, 0.9),
                "naive_fall_min_ratio": (nonneg, 0.5),
                "group_by": (subset_of("metric", "unit", "scope", "verb"), []),
                "since_is_series_start": (boolean, False),
            },
        ),
        RuleKind(
            key="unit_drift",
            audit=_drift.audit,
            reason_kind="drift",
            params={
                "window_days": (nonneg_whole, 30),
                "dimensions": (subset_of("unit", "period", "metric", "verb", "category"), ["unit", "period", "metric"]),
            },
        ),
    )
}
#: The kinds, in the order the error messages list them.
KINDS = tuple(RULE_KINDS)
