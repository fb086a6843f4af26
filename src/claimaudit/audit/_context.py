"""What every rule kind is handed: the rule, its claims, the ledger's links and the evidence; and
:meth:`Context.verdict`, which gives every verdict its statements, structured reasons and caveats."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import polars as pl

from claimaudit.audit._evidence import EvidenceProvider
from claimaudit.audit._findings import FINDINGS, caveat, say, slot_names
from claimaudit.audit._verdict import Evidence, Status, Strength, Verdict

if TYPE_CHECKING:
    from claimaudit.audit._rules import Rule


def claim_entry(row: Mapping[str, Any], outlets: Iterable[str] = ()) -> dict[str, Any]:
    """A claim as a reason cites it: the figure as recorded, who said it, when, how sure."""
    outlets = sorted({o for o in outlets if o})
    date = row.get("statement_date")
    return {
        "claim_id": row.get("claim_id"),
        "statement_id": row.get("statement_id"),
        "claimant": row.get("claimant"),
        "value": row.get("value"),
        "qualifier": row.get("qualifier"),
        "unit": row.get("unit"),
        "verb": row.get("verb"),
        "period": row.get("period"),
        "date": date.isoformat() if isinstance(date, dt.date) else date,
        "date_precision": row.get("date_precision"),
        "outlet": outlets[0] if outlets else None,
        "outlets": outlets,
        "confidence": row.get("confidence"),
    }


@dataclass
class Context:
    rule: Rule
    claims: pl.DataFrame  # the rule's selection, prepared (helper columns prefixed _)
    ledger: pl.DataFrame  # the whole ledger, prepared
    links: dict[str, tuple[str, ...]]
    provider: EvidenceProvider
    sources: pl.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    #: ``reasons[].kind`` unless a verdict says otherwise (the rule kind's ``reason_kind``)
    reason_kind: str = "comparison"
    _rows: dict[str, dict[str, Any]] | None = field(default=None, repr=False)
    _outlets: dict[str, list[str]] | None = field(default=None, repr=False)
    _states: dict[Any, list[str]] | None = field(default=None, repr=False)

    def row(self, claim_id: str) -> dict[str, Any]:
        if self._rows is None:
            self._rows = {r["claim_id"]: r for r in self.ledger.to_dicts()}
        return self._rows.get(claim_id, {"claim_id": claim_id})

    def outlets(self, claim_id: str) -> list[str]:
        if self._outlets is None:
            self._outlets = {}
            if self.sources is not None and {"claim_id", "outlet"} <= set(self.sources.columns):
                for cid, outlet in self.sources.select("claim_id", "outlet").iter_rows():
                    self._outlets.setdefault(cid, []).append(outlet)
        return self._outlets.get(claim_id, [])

    def claim_entries(self, claim_ids: Iterable[str]) -> list[dict[str, Any]]:
        return [claim_entry(self.row(cid), self.outlets(cid)) for cid in claim_ids]

    def verdict(
        self,
        claim_ids: Iterable[str],
        status: Status,
        working: Sequence[Mapping[str, Any]],
        *,
        finding: tuple[str, Mapping[str, Any]],
        evidence: Iterable[Evidence] = (),
        strength: Strength = Strength.LEDGER,
        extra_links: Iterable[str] = (),
        figures: dict[str, Any] | None = None,
        reason: Mapping[str, Any] | None = None,
        caveats: Iterable[Mapping[str, Any]] = (),
    ) -> Verdict:
        """``working`` is the rule's working as steps (:func:`claimaudit.audit._findings.say`), kept in
        the reason as ``working``; ``finding`` is (template name within the rule kind, slots);
        ``reason`` the computed comparison (``difference``, ``ratio``, ``share``, ``threshold``, ...;
        ``claims`` defaults to the verdict's claims). Caveats that follow from the claims and the
        evidence are added here."""
        ids = tuple(claim_ids)
        if status is Status.INSUFFICIENT:  # nothing decided it, whatever was consulted
            strength = Strength.NONE
        template = f"{self.rule.kind}.{finding[0]}"
        slots = dict(finding[1])
        if template not in FINDINGS:
            raise KeyError(f"no finding template {template!r} in claimaudit.audit._findings")
        absent = slot_names(template) - set(slots)
        if absent:
            raise KeyError(f"finding {template!r} lacks slots {sorted(absent)}")
        links: list[str] = []
        for cid in ids:
            links.extend(self.links.get(cid, ()))
        links.extend(extra_links)
        ledger = Evidence(
            source="datasets/claims",
            keys=tuple(sorted(set(ids))),
            strength=Strength.LEDGER,
            verification=self._verification(ids),
        )
        items = (ledger, *evidence)
        reason = dict(reason or {})
        reason_kind = reason.pop("kind", self.reason_kind)
        claims = reason.pop("claims", None)
        if isinstance(working, str):
            raise TypeError("a verdict's working is a list of steps (say(...)), not prose")
        reasons = (
            {
                "kind": reason_kind,
                "claims": claims if claims is not None else self.claim_entries(ids),
                **reason,
                "working": [dict(step) for step in working],
            },
        )
        statements = tuple(sorted({s for s in (self.row(cid).get("statement_id") for cid in ids) if s}))
        return Verdict(
            rule_id=self.rule.id,
            rule_kind=self.rule.kind,
            claim_ids=ids,
            status=status,
            finding_template=template,
            finding_slots=slots,
            evidence=items,
            evidence_strength=strength,
            links=tuple(dict.fromkeys(links)),
            figures=dict(figures or {}),
            statement_ids=statements,
            reasons=reasons,
            caveats=tuple(self._caveats(ids, status, strength, items, caveats)),
        )

    def _verification(self, ids: Iterable[str]) -> dict[str, int] | None:
        """Verification states of the ledger's source rows behind the claims (hand-entered)."""
        if self.sources is None or "verification" not in self.sources.columns:
            return None
        if self._states is None:  # claim id -> the states of its source rows, in file order (read once)
            self._states = {}
            for cid, state in self.sources.select("claim_id", "verification").iter_rows():
                if cid is not None:
                    self._states.setdefault(cid, []).append(str(state))
        counts: dict[str, int] = {}
        for cid in dict.fromkeys(ids):  # a source row counts once, however often its claim is named
            for state in self._states.get(cid, ()):
                counts[state] = counts.get(state, 0) + 1
        return counts or None

    def _caveats(
        self,
        ids: tuple[str, ...],
        status: Status,
        strength: Strength,
        evidence: tuple[Evidence, ...],
        given: Iterable[Mapping[str, Any]],
    ) -> list[dict[str, Any]]:
        out = [dict(c) for c in given]
        kinds = {c["kind"] for c in out}
        low = [cid for cid in ids if self.row(cid).get("confidence") == "low"]
        if low and "low_confidence" not in kinds:
            out.append(caveat("low_confidence", say("caveat.claims", claim_ids=low), claim_ids=low))
        single = [cid for cid in ids if len(set(self.outlets(cid))) == 1]
        if single and status is not Status.INSUFFICIENT:
            outlets = [say("caveat.outlet", claim_id=cid, outlet=self.outlets(cid)[0]) for cid in single]
            out.append(caveat("single_outlet", say("caveat.outlets", outlets=outlets), claim_ids=single))
        absent = [e for e in evidence if e.state in ("missing", "not_fetched")]
        if absent:
            listed = [say(f"caveat.source_{e.state}", source=e.source) for e in absent]
            out.append(
                caveat("evidence_missing", say("caveat.sources", sources=listed), sources=[e.source for e in absent])
            )
        if status in (Status.SUPPORTED, Status.CONTRADICTED) and strength in (
            Strength.THIRD_PARTY_OBSERVATION,
            Strength.MEDIA_REPORT,
        ):
            deciding = sorted({e.source for e in evidence if e.contributes is strength})
            out.append(
                caveat("third_party_only", say(f"caveat.{strength.value}", sources=deciding), strength=strength.value)
            )
        return out
