"""The audit engine: rules (``checks/claims/*.yml``) applied to the claims ledger give verdicts.

>>> from claimaudit.audit import run_audit, verdicts_frame   # doctest: +SKIP
>>> frame = verdicts_frame(run_audit(offline=True))           # doctest: +SKIP
>>> frame.filter(pl.col("verdict") == "inconsistent")         # doctest: +SKIP

Verdicts are data (``reports/verdicts.json`` schema 2, ``docs/verdicts.md``): a ``finding``
rendered from one of :data:`FINDINGS` with typed slots, ``reasons``, ``evidence`` items and
``caveats``; ``explanation`` is rendered from them by :func:`explain`.

Rule kinds: ``series_consistency``, ``report_agreement``, ``unit_drift``, ``plausibility``,
``evidence_vs_assertion``, ``opposite_assertions`` (see ``checks/claims/README.md``). Verdicts are one of
:class:`Status`; ``insufficient_evidence`` is a state of its own, never "OK".
"""

from claimaudit.audit._engine import (
    SCHEMA_VERSION,
    VERDICT_COLUMNS,
    evidence_requests,
    read_verdicts,
    run_audit,
    verdict_records,
    verdicts_csv,
    verdicts_frame,
    verdicts_json,
    write_verdicts,
)
from claimaudit.audit._evidence import EvidenceProvider, FrameEvidence, LiveEvidence
from claimaudit.audit._findings import CAVEATS, FINDINGS, explain
from claimaudit.audit._findings import render as render_finding
from claimaudit.audit._rules import KINDS, EvidenceSpec, Rule, Selector, load_rule_file, load_rules, rules_dir
from claimaudit.audit._rules import PARAMS as RULE_PARAMETERS  # kind -> parameter -> (check, default)
from claimaudit.audit._verdict import EVIDENCE_STATUSES, VERDICT_LABELS, Evidence, Status, Strength, Verdict

__all__ = [
    "CAVEATS",
    "EVIDENCE_STATUSES",
    "Evidence",
    "EvidenceProvider",
    "EvidenceSpec",
    "FINDINGS",
    "FrameEvidence",
    "KINDS",
    "LiveEvidence",
    "RULE_PARAMETERS",
    "Rule",
    "SCHEMA_VERSION",
    "Selector",
    "Status",
    "Strength",
    "VERDICT_COLUMNS",
    "VERDICT_LABELS",
    "Verdict",
    "evidence_requests",
    "explain",
    "load_rule_file",
    "load_rules",
    "read_verdicts",
    "render_finding",
    "rules_dir",
    "run_audit",
    "verdict_records",
    "verdicts_csv",
    "verdicts_frame",
    "verdicts_json",
    "write_verdicts",
]
