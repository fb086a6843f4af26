"""The audit engine: rules (``checks/claims/*.yml``) applied to the claims ledger give verdicts.

>>> from claimaudit.audit import run_audit, verdicts_frame   # doctest: +SKIP
>>> frame = verdicts_frame(run_audit(offline=True))           # doctest: +SKIP
>>> frame.filter(pl.col("verdict") == "inconsistent")         # doctest: +SKIP

Rule kinds: ``series_consistency``, ``report_agreement``, ``unit_drift``, ``plausibility``,
``evidence_vs_assertion``, ``opposite_assertions`` (see ``checks/claims/README.md``). Verdicts are one of
:class:`Status`; ``insufficient_evidence`` is a state of its own, never "OK".
"""

from claimaudit.audit._engine import run_audit, verdicts_csv, verdicts_frame, verdicts_json, write_verdicts
from claimaudit.audit._evidence import EvidenceProvider, FrameEvidence, LiveEvidence
from claimaudit.audit._rules import KINDS, EvidenceSpec, Rule, Selector, load_rule_file, load_rules, rules_dir
from claimaudit.audit._verdict import VERDICT_LABELS, Evidence, Status, Strength, Verdict

__all__ = [
    "Evidence",
    "EvidenceProvider",
    "EvidenceSpec",
    "FrameEvidence",
    "KINDS",
    "LiveEvidence",
    "Rule",
    "Selector",
    "Status",
    "Strength",
    "VERDICT_LABELS",
    "Verdict",
    "load_rule_file",
    "load_rules",
    "rules_dir",
    "run_audit",
    "verdicts_csv",
    "verdicts_frame",
    "verdicts_json",
    "write_verdicts",
]
