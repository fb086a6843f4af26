"""What every rule kind is handed: the rule, its claims, the ledger's links and the evidence."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from claimaudit.audit._evidence import EvidenceProvider
from claimaudit.audit._rules import Rule
from claimaudit.audit._verdict import Evidence, Status, Strength, Verdict


@dataclass
class Context:
    rule: Rule
    claims: pl.DataFrame  # the rule's selection, prepared (helper columns prefixed _)
    ledger: pl.DataFrame  # the whole ledger, prepared
    links: dict[str, tuple[str, ...]]
    provider: EvidenceProvider
    sources: pl.DataFrame | None = None
    notes: list[str] = field(default_factory=list)

    def verdict(
        self,
        claim_ids: Iterable[str],
        status: Status,
        explanation: str,
        *,
        evidence: Iterable[Evidence] = (),
        strength: Strength = Strength.LEDGER,
        extra_links: Iterable[str] = (),
        figures: dict[str, Any] | None = None,
    ) -> Verdict:
        ids = tuple(claim_ids)
        if status is Status.INSUFFICIENT:  # nothing decided it, whatever was consulted
            strength = Strength.NONE
        links: list[str] = []
        for cid in ids:
            links.extend(self.links.get(cid, ()))
        links.extend(extra_links)
        ledger = Evidence(source="datasets/claims", keys=tuple(sorted(set(ids))), strength=Strength.LEDGER)
        return Verdict(
            rule_id=self.rule.id,
            rule_kind=self.rule.kind,
            claim_ids=ids,
            status=status,
            explanation=explanation,
            evidence=(ledger, *evidence),
            evidence_strength=strength,
            links=tuple(dict.fromkeys(links)),
            figures=dict(figures or {}),
        )
