"""Verdicts: what a rule concluded about one or more claims, and on what evidence.

>>> Status.INSUFFICIENT.value
'insufficient_evidence'

A verdict is never "OK": ``consistent`` says figures agree with each other, ``supported``
that independent evidence agrees with an assertion; ``insufficient_evidence`` and
``not_comparable`` are states of their own, each with its reason in ``explanation``.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from typing import Any

from claimaudit.i18n import N_  # labels are message ids, translated where they are shown


class Status(enum.StrEnum):
    CONSISTENT = "consistent"
    INCONSISTENT = "inconsistent"
    CONTRADICTED = "contradicted"
    SUPPORTED = "supported"
    NOT_COMPARABLE = "not_comparable"
    INSUFFICIENT = "insufficient_evidence"


#: verdict -> (label, symbol). Symbols are text, so they survive print and screen readers.
VERDICT_LABELS: dict[str, tuple[str, str]] = {
    "supported": (N_("Supported by evidence"), "✔"),
    "contradicted": (N_("Contradicted by evidence"), "✘"),
    "consistent": (N_("Consistent with other claims"), "="),
    "inconsistent": (N_("Inconsistent with other claims"), "≠"),
    "not_comparable": (N_("Not comparable"), "⇹"),
    "insufficient_evidence": (N_("Insufficient evidence"), "?"),
}


class Strength(enum.StrEnum):
    """Evidence strength, strongest first. ``claims_ledger``: official figures compared with each
    other; ``none``: nothing decided the verdict."""

    DIRECT_MEASUREMENT = "direct_measurement"
    THIRD_PARTY_OBSERVATION = "third_party_observation"
    MEDIA_REPORT = "media_report"
    LEDGER = "claims_ledger"
    NONE = "none"  # nothing decided the verdict (insufficient evidence)

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {
    Strength.DIRECT_MEASUREMENT: 3,
    Strength.THIRD_PARTY_OBSERVATION: 2,
    Strength.MEDIA_REPORT: 1,
    Strength.LEDGER: 0,
    Strength.NONE: -1,
}


@dataclass(frozen=True)
class Evidence:
    """One body of evidence a verdict used (or looked for and did not find).

    ``source`` is a dataset (``datasets/claims``) or a third-party source
    (``ooni_api/aggregation``, ``cenalert-google-trends-vpn/pk``); ``keys`` the rows used.
    ``available`` is False when the source could not be had; ``note`` says why.
    """

    source: str
    keys: tuple[str, ...] = ()
    strength: Strength = Strength.LEDGER
    window_start: dt.date | None = None
    window_end: dt.date | None = None
    n: int | None = None
    networks: tuple[str, ...] = ()
    probes: int | None = None
    available: bool = True
    observes: str | None = None  # blocking | no_blocking | nothing | context, for evidence rules
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "keys": list(self.keys),
            "strength": self.strength.value,
            "window_start": self.window_start.isoformat() if self.window_start else None,
            "window_end": self.window_end.isoformat() if self.window_end else None,
            "n": self.n,
            "networks": list(self.networks),
            "probes": self.probes,
            "available": self.available,
            "observes": self.observes,
            "note": self.note,
        }


@dataclass(frozen=True)
class Verdict:
    rule_id: str
    rule_kind: str
    claim_ids: tuple[str, ...]
    status: Status
    explanation: str
    evidence: tuple[Evidence, ...] = ()
    evidence_strength: Strength = Strength.LEDGER
    links: tuple[str, ...] = ()
    figures: dict[str, float | int | str | None] = field(default_factory=dict)

    @property
    def sort_key(self) -> tuple[str, tuple[str, ...], str]:
        return (self.rule_id, self.claim_ids, self.explanation)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "rule_kind": self.rule_kind,
            "claim_ids": list(self.claim_ids),
            "verdict": self.status.value,
            "evidence_strength": self.evidence_strength.value,
            "explanation": self.explanation,
            "evidence": [e.to_dict() for e in self.evidence],
            "links": list(self.links),
            "figures": dict(sorted(self.figures.items())),
        }
