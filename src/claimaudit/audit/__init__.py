"""The audit engine: rules (``checks/claims/*.yml``) applied to the claims ledger give verdicts.

>>> from claimaudit.audit import run_audit, verdicts_frame   # doctest: +SKIP
>>> frame = verdicts_frame(run_audit(offline=True))           # doctest: +SKIP
>>> frame.filter(pl.col("verdict") == "inconsistent")         # doctest: +SKIP

Verdicts are data (``reports/verdicts.json`` schema 2, ``docs/verdicts.md``): a ``finding``
rendered from one of :data:`FINDINGS` with typed slots, ``reasons`` (each with its ``working``:
the rule's steps as templates of ``WORKING_TEMPLATES`` with typed slots), ``evidence`` items and
``caveats``; ``explanation`` is rendered from them by :func:`explain` (``explain(record,
lang="ur")`` renders a verdicts.json record in another language from the catalogue).

Rule kinds are the entries of :data:`RULE_KINDS` (one each, ``audit/_rule_kinds.py``), the
sources an evidence rule may consult those of :data:`EVIDENCE_SOURCES` (``audit/_evidence_sources.py``);
see ``checks/claims/README.md``. Verdicts are one of
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
    verdicts_schema,
    write_verdicts,
)
from claimaudit.audit._evidence import EvidenceProvider, FrameEvidence, LiveEvidence
from claimaudit.audit._evidence_sources import EVIDENCE_SOURCES, EvidenceSource
from claimaudit.audit._findings import (
    CAVEATS,
    FINDING_SINGULARS,
    FINDINGS,
    caveat_text,
    explain,
    finding_text,
    note_text,
    working,
)
from claimaudit.audit._findings import render as render_finding
from claimaudit.audit._rule_kinds import KINDS, RULE_KINDS, RuleKind
from claimaudit.audit._rules import PARAMS as RULE_PARAMETERS  # kind -> parameter -> (check, default)
from claimaudit.audit._rules import EvidenceSpec, Rule, Selector, load_rule_file, load_rules, rules_dir
from claimaudit.audit._verdict import EVIDENCE_STATUSES, VERDICT_LABELS, Evidence, Status, Strength, Verdict
from claimaudit.audit._vocab import unit_family  # units that measure the same thing (URLs vs websites)

__all__ = [
    "CAVEATS",
    "EVIDENCE_SOURCES",
    "EVIDENCE_STATUSES",
    "Evidence",
    "EvidenceProvider",
    "EvidenceSource",
    "EvidenceSpec",
    "FINDINGS",
    "FINDING_SINGULARS",
    "FrameEvidence",
    "KINDS",
    "LiveEvidence",
    "RULE_KINDS",
    "RULE_PARAMETERS",
    "Rule",
    "RuleKind",
    "SCHEMA_VERSION",
    "Selector",
    "Status",
    "Strength",
    "VERDICT_COLUMNS",
    "VERDICT_LABELS",
    "Verdict",
    "caveat_text",
    "evidence_requests",
    "explain",
    "finding_text",
    "load_rule_file",
    "load_rules",
    "note_text",
    "read_verdicts",
    "render_finding",
    "rules_dir",
    "run_audit",
    "unit_family",
    "verdict_records",
    "verdicts_csv",
    "verdicts_frame",
    "verdicts_json",
    "verdicts_schema",
    "working",
    "write_verdicts",
]
