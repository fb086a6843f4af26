"""Run the rules over the ledger and write the verdicts.

>>> verdicts = run_audit(offline=True)                  # doctest: +SKIP
>>> verdicts_frame(verdicts).group_by("verdict").len()  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from claimaudit import paths
from claimaudit._io import write_text_atomic
from claimaudit.audit import _agreement, _assertion, _drift, _opposite, _plausibility, _series
from claimaudit.audit._claims import conform, prepare, select, source_links
from claimaudit.audit._context import Context
from claimaudit.audit._evidence import EvidenceProvider, LiveEvidence, NotProvided
from claimaudit.audit._rules import Rule, load_rules
from claimaudit.audit._verdict import Verdict

KIND_AUDITS: dict[str, Callable[[Context], list[Verdict]]] = {
    "series_consistency": _series.audit,
    "report_agreement": _agreement.audit,
    "unit_drift": _drift.audit,
    "plausibility": _plausibility.audit,
    "evidence_vs_assertion": _assertion.audit,
    "opposite_assertions": _opposite.audit,
}
VERDICT_COLUMNS = ("rule_id", "rule_kind", "claim_ids", "verdict", "evidence_strength", "explanation",
                   "evidence", "links")


def run_audit(
    *,
    rules_dir: str | Path | None = None,
    offline: bool = True,
    provider: EvidenceProvider | None = None,
    rules: Sequence[Rule] | None = None,
) -> list[Verdict]:
    """Apply every rule to the claims ledger; verdicts sorted by (rule id, claim ids).

    ``provider`` supplies the ledger and evidence (default: the project's datasets and
    loaders, offline unless ``offline=False``); ``rules`` overrides reading ``rules_dir``.
    """
    rules = list(rules) if rules is not None else load_rules(rules_dir)
    provider = provider if provider is not None else LiveEvidence(offline=offline)
    claims = conform(provider.dataset("claims"))
    try:
        sources = provider.dataset("claims", "sources")
    except NotProvided:
        sources = None
    links = source_links(sources)
    verdicts: list[Verdict] = []
    for rule in rules:
        ledger = prepare(claims, about_tolerance=rule.params.get("about_tolerance", 0.05),
                         approx_days=rule.params.get("approx_date_days", 15))
        ctx = Context(rule=rule, claims=select(ledger, rule.select), ledger=ledger, links=links,
                      provider=provider, sources=sources)
        verdicts.extend(KIND_AUDITS[rule.kind](ctx))
    return sorted(verdicts, key=lambda v: v.sort_key)


def _evidence_text(verdict: Verdict) -> str:
    parts = []
    for e in verdict.evidence:
        bits = []
        if e.keys:
            bits.append(",".join(e.keys))
        if e.window_start or e.window_end:
            bits.append(f"window={e.window_start}..{e.window_end}")
        if e.n is not None:
            bits.append(f"n={e.n}")
        if e.networks:
            bits.append(f"networks={','.join(e.networks)}")
        if not e.available:
            bits.append(f"missing: {e.note}")
        parts.append(f"{e.source}[{'; '.join(bits)}]")
    return " | ".join(parts)


def _sample_size(verdict: Verdict) -> int | None:
    """The n behind the verdict: of the evidence that decided it (or the reports compared)."""
    deciding = [e.n for e in verdict.evidence if e.n is not None and e.observes in (None, "blocking", "no_blocking")
                and e.strength is verdict.evidence_strength]
    return max(deciding, default=None)


def verdicts_frame(verdicts: Iterable[Verdict]) -> pl.DataFrame:
    """Verdicts as a polars frame, one row each (for notebooks and reports).

    Columns: rule_id, rule_kind, claim_ids (list), verdict, evidence_strength, explanation,
    evidence (text), evidence_sources (list), n (sample size of the evidence that decided the
    verdict, or null), links (list).
    """
    rows = [
        {
            "rule_id": v.rule_id,
            "rule_kind": v.rule_kind,
            "claim_ids": list(v.claim_ids),
            "verdict": v.status.value,
            "evidence_strength": v.evidence_strength.value,
            "explanation": v.explanation,
            "evidence": _evidence_text(v),
            "evidence_sources": [e.source for e in v.evidence],
            "n": _sample_size(v),
            "links": list(v.links),
        }
        for v in verdicts
    ]
    schema = {
        "rule_id": pl.String, "rule_kind": pl.String, "claim_ids": pl.List(pl.String), "verdict": pl.String,
        "evidence_strength": pl.String, "explanation": pl.String, "evidence": pl.String,
        "evidence_sources": pl.List(pl.String), "n": pl.Int64, "links": pl.List(pl.String),
    }
    return pl.DataFrame(rows, schema=schema)


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def verdicts_json(verdicts: Sequence[Verdict]) -> str:
    """The JSON text of ``verdicts.json``: stable bytes for the same verdicts (no timestamps)."""
    payload = {
        "schema": "claimaudit/verdicts/1",
        "count": len(verdicts),
        "verdicts": [_finite(v.to_dict()) for v in verdicts],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def verdicts_csv(verdicts: Sequence[Verdict]) -> str:
    """The CSV text of ``verdicts.csv``: one row per verdict, lists joined with ``;``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(VERDICT_COLUMNS)
    for v in verdicts:
        writer.writerow([v.rule_id, v.rule_kind, ";".join(v.claim_ids), v.status.value, v.evidence_strength.value,
                         v.explanation, _evidence_text(v), ";".join(v.links)])
    return buffer.getvalue()


def write_verdicts(verdicts: Sequence[Verdict], *, out_dir: str | Path | None = None) -> tuple[Path, Path]:
    """Write ``verdicts.json`` and ``verdicts.csv`` atomically into ``out_dir`` (default: reports/)."""
    out = Path(out_dir) if out_dir is not None else paths.reports_dir()
    ordered = sorted(verdicts, key=lambda v: v.sort_key)
    json_path, csv_path = out / "verdicts.json", out / "verdicts.csv"
    write_text_atomic(json_path, verdicts_json(ordered))
    write_text_atomic(csv_path, verdicts_csv(ordered))
    return json_path, csv_path
