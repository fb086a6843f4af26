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
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from claimaudit.audit import _findings
from claimaudit.i18n import N_  # labels are message ids, translated where they are shown


class Status(enum.StrEnum):
    CONSISTENT = "consistent"
    INCONSISTENT = "inconsistent"
    CONTRADICTED = "contradicted"
    SUPPORTED = "supported"
    NOT_COMPARABLE = "not_comparable"
    INSUFFICIENT = "insufficient_evidence"
    REPORTS_DIFFER = "reports_differ"  # outlets printed different figures for one statement


#: verdict -> (label, symbol). Symbols are text, so they survive print and screen readers.
VERDICT_LABELS: dict[str, tuple[str, str]] = {
    "supported": (N_("Supported by evidence"), "✔"),
    "contradicted": (N_("Contradicted by evidence"), "✘"),
    "consistent": (N_("Consistent with other claims"), "="),
    "inconsistent": (N_("Inconsistent with other claims"), "≠"),
    "not_comparable": (N_("Not comparable"), "⇹"),
    "insufficient_evidence": (N_("Insufficient evidence"), "?"),
    "reports_differ": (N_("Outlets printed different figures"), "⇄"),
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


#: What an evidence item's source is: one of our curated datasets, a pinned third-party file, or
#: a live service (the request can be repeated).
EVIDENCE_KINDS = ("dataset", "pinned", "live")
#: ``used``: had and read; ``missing``: could not be had or read (the note says why);
#: ``not_fetched``: offline and not in the cache or mirror; ``empty``: had, but no rows matched.
EVIDENCE_STATUSES = ("used", "missing", "not_fetched", "empty")
_NOT_CONTRIBUTING = {"nothing", "thin", "context", "missing"}


@dataclass(frozen=True)
class Evidence:
    """One body of evidence a verdict used (or looked for and did not find).

    ``source`` is a dataset (``datasets/claims``) or a third-party source
    (``ooni_api/aggregation``, ``cenalert-google-trends-vpn/pk``); ``keys`` the rows used.
    ``available`` is False when the source could not be had; ``note`` says why (or what the
    source is), as a step (:func:`claimaudit.audit._findings.say`, rendered in any language by the
    one renderer); ``status`` (``EVIDENCE_STATUSES``) is derived from them unless set
    (``not_fetched``). ``request_url`` is the machine request, ``page_url`` a page a person can
    open; ``verification`` counts the verification states of the hand-entered rows it rests on.
    ``kind`` (``EVIDENCE_KINDS``) is given by whoever makes the item: a gatherer takes it from the
    source's registry entry (:meth:`claimaudit.audit._evidence_sources.EvidenceSource.item`); the
    audit's own items (the ledger, baselines) are datasets.
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
    observes: str | None = None  # blocking | no_blocking | nothing | thin | context | missing (evidence rules)
    note: Mapping[str, Any] | None = None  # a step: say(...)
    status: str | None = None
    request_url: str | None = None
    page_url: str | None = None
    verification: dict[str, int] | None = None
    kind: str = "dataset"

    def __post_init__(self) -> None:
        if self.kind not in EVIDENCE_KINDS:
            raise ValueError(f"evidence kind {self.kind!r} is not one of {EVIDENCE_KINDS}")
        if self.note is not None and not isinstance(self.note, Mapping):
            raise TypeError("an evidence note is a step (say(...)), not prose")

    @property
    def state(self) -> str:
        """``used`` | ``missing`` | ``not_fetched`` | ``empty``."""
        if self.status:
            return self.status
        if not self.available:
            return "missing"
        if self.n == 0:
            return "empty"
        return "used"

    @property
    def contributes(self) -> Strength:
        """The strength this item adds to the verdict: none unless it was used and observed something."""
        if self.state != "used" or self.observes in _NOT_CONTRIBUTING:
            return Strength.NONE
        return self.strength

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "kind": self.kind,
            "status": self.state,
            "request_url": self.request_url,
            "page_url": self.page_url,
            "keys": list(self.keys),
            "strength": self.contributes.value,
            "source_strength": self.strength.value,
            "window_start": self.window_start.isoformat() if self.window_start else None,
            "window_end": self.window_end.isoformat() if self.window_end else None,
            "n": self.n,
            "networks": list(self.networks),
            "probes": self.probes,
            "verification": dict(sorted(self.verification.items())) if self.verification else None,
            "available": self.available,
            "observes": self.observes,
            "note": _findings.render_step(self.note) if self.note else None,
            "note_step": dict(self.note) if self.note else None,
        }


@dataclass(frozen=True)
class Verdict:
    """What one rule concluded about some claims. ``finding`` (one sentence for a reader) is
    rendered from ``finding_template`` and ``finding_slots`` (:mod:`claimaudit.audit._findings`);
    the rule's working is data in ``reasons`` (each reason's ``working`` steps); ``explanation``
    is rendered from the finding, the reasons and the caveats by one function
    (:func:`claimaudit.audit._findings.explain`)."""

    rule_id: str
    rule_kind: str
    claim_ids: tuple[str, ...]
    status: Status
    finding_template: str
    finding_slots: dict[str, Any] = field(default_factory=dict)
    evidence: tuple[Evidence, ...] = ()
    evidence_strength: Strength = Strength.LEDGER
    links: tuple[str, ...] = ()
    figures: dict[str, float | int | str | None] = field(default_factory=dict)
    statement_ids: tuple[str, ...] = ()
    reasons: tuple[dict[str, Any], ...] = ()
    caveats: tuple[dict[str, Any], ...] = ()

    @property
    def verdict_id(self) -> str:
        """Stable across runs: ``<rule_id>:<claim ids joined by +>``."""
        return f"{self.rule_id}:{'+'.join(self.claim_ids)}"

    @property
    def finding(self) -> str:
        return _findings.render(self.finding_template, self.finding_slots)

    @property
    def detail(self) -> str:
        """The rule's working, rendered from ``reasons``."""
        return _findings.working(self.reasons)

    @property
    def explanation(self) -> str:
        return _findings.explain(
            {
                "finding_template": self.finding_template,
                "finding_slots": self.finding_slots,
                "reasons": self.reasons,
                "caveats": self.caveats,
            }
        )

    @property
    def sort_key(self) -> tuple[str, tuple[str, ...], str]:
        return (self.rule_id, self.claim_ids, self.detail)

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict_id": self.verdict_id,
            "rule_id": self.rule_id,
            "rule_kind": self.rule_kind,
            "claim_ids": list(self.claim_ids),
            "statement_ids": list(self.statement_ids),
            "verdict": self.status.value,
            "evidence_strength": self.evidence_strength.value,
            "finding": self.finding,
            "finding_template": self.finding_template,
            "finding_slots": dict(self.finding_slots),
            "reasons": [dict(r) for r in self.reasons],
            "evidence": [e.to_dict() for e in self.evidence],
            "caveats": [dict(c) for c in self.caveats],
            "explanation": self.explanation,
            "links": list(self.links),
            "figures": dict(sorted(self.figures.items())),
        }
