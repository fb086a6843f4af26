"""Run the rules over the ledger and write the verdicts.

>>> verdicts = run_audit(offline=True)                  # doctest: +SKIP
>>> verdicts_frame(verdicts).group_by("verdict").len()  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from claimaudit import paths
from claimaudit._io import csv_safe, write_text_atomic
from claimaudit.audit._claims import conform, prepare, select, source_links
from claimaudit.audit._context import Context
from claimaudit.audit._evidence import EvidenceProvider, LiveEvidence, NotProvided
from claimaudit.audit._rule_kinds import RULE_KINDS
from claimaudit.audit._rules import Rule, load_rules
from claimaudit.audit._verdict import Verdict
from claimaudit.errors import DataError, FetchError, RuleError

#: verdicts.csv, in order (docs/verdicts.md describes each column).
VERDICT_COLUMNS = (
    "verdict_id",
    "rule_id",
    "rule_kind",
    "claim_ids",
    "statement_ids",
    "verdict",
    "evidence_strength",
    "finding",
    "caveats",
    "explanation",
    "evidence",
    "links",
)
SCHEMA_VERSION = 2


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
    verdicts = _verdicts(rules_dir=rules_dir, offline=offline, provider=provider, rules=rules)
    return _ordered(verdicts)


def _ordered(verdicts: Iterable[Verdict]) -> list[Verdict]:
    """``sorted(verdicts, key=lambda v: v.sort_key)``, without rendering a verdict's working
    (the key's last part) unless another verdict has the same rule id and claim ids: the same
    order (both sorts are stable), for a fraction of the CPU."""
    by_ids = sorted(verdicts, key=lambda v: (v.rule_id, v.claim_ids))
    out: list[Verdict] = []
    start = 0
    while start < len(by_ids):
        ids = (by_ids[start].rule_id, by_ids[start].claim_ids)
        end = start + 1
        while end < len(by_ids) and (by_ids[end].rule_id, by_ids[end].claim_ids) == ids:
            end += 1
        group = by_ids[start:end]
        out.extend(sorted(group, key=lambda v: v.sort_key) if len(group) > 1 else group)
        start = end
    return out


def _verdicts(
    *,
    rules_dir: str | Path | None,
    offline: bool,
    provider: EvidenceProvider | None,
    rules: Sequence[Rule] | None,
) -> list[Verdict]:
    """:func:`run_audit` before sorting (the sort key renders each verdict's working)."""
    rules = list(rules) if rules is not None else load_rules(rules_dir)
    provider = provider if provider is not None else LiveEvidence(offline=offline)
    claims = conform(provider.dataset("claims"))
    if claims.height == 0:
        raise DataError(
            "the claims ledger has no rows: nothing to audit",
            dataset="claims",
            hint="restore datasets/claims/claims.csv from git (a header-only file audits nothing)",
        )
    check_rule_ids(rules, claims)
    try:
        sources = provider.dataset("claims", "sources")
    except NotProvided:
        sources = None
    links = source_links(sources)
    verdicts: list[Verdict] = []
    for rule in rules:
        ledger = prepare(
            claims,
            about_tolerance=rule.params.get("about_tolerance", 0.05),
            approx_days=rule.params.get("approx_date_days", 15),
        )
        kind = RULE_KINDS[rule.kind]
        ctx = Context(
            rule=rule,
            claims=select(ledger, rule.select),
            ledger=ledger,
            links=links,
            provider=provider,
            sources=sources,
            reason_kind=kind.reason_kind,
        )
        verdicts.extend(kind.audit(ctx))
    return verdicts


class _Planner(LiveEvidence):
    """Our datasets as usual; every live request the rules make is recorded and answered "not
    fetched", and pinned files are not read (they are in the plan), so planning fetches nothing."""

    def __init__(self) -> None:
        super().__init__(offline=True)
        self.asked: list[tuple[str, dict[str, Any]]] = []

    def ooni_aggregate(self, **kwargs: Any) -> pl.DataFrame:
        self.asked.append(("ooni_aggregate", {k: v for k, v in kwargs.items() if v is not None}))
        raise FetchError("planned, not fetched")

    def tor_users(self, **kwargs: Any) -> pl.DataFrame:
        self.asked.append(("tor_userstats", dict(kwargs)))
        raise FetchError("planned, not fetched")

    def source(self, name: str, resource: str) -> pl.DataFrame:  # pinned sets are in the plan already
        raise FetchError("planned, not fetched")


def evidence_requests(*, rules_dir: str | Path | None = None) -> list[tuple[str, dict[str, Any]]]:
    """The live requests (loader name, keyword arguments) the rules make for their evidence
    windows: exactly what the audit will ask the cache for, in order, without duplicates."""
    planner = _Planner()
    _verdicts(rules_dir=rules_dir, offline=True, provider=planner, rules=None)  # the order of verdicts is not needed
    unique: dict[str, tuple[str, dict[str, Any]]] = {}
    for loader, kwargs in planner.asked:
        unique.setdefault(f"{loader}{sorted(kwargs.items())}", (loader, kwargs))
    return list(unique.values())


def check_rule_ids(rules: Sequence[Rule], claims: pl.DataFrame) -> None:
    """Refuse a rule whose ``claim_ids``, ``exclude_claim_ids`` or ``statement_ids`` name an id
    the ledger does not have (a typo would quietly audit fewer claims)."""
    import difflib

    known = {
        "claim_ids": set(claims.get_column("claim_id").drop_nulls().to_list())
        if "claim_id" in claims.columns
        else set(),
        "statement_ids": set(claims.get_column("statement_id").drop_nulls().to_list())
        if "statement_id" in claims.columns
        else set(),
    }
    known["exclude_claim_ids"] = known["claim_ids"]
    for rule in rules:
        given = {
            "claim_ids": rule.select.fields.get("claim_id", ()),
            "statement_ids": rule.select.fields.get("statement_id", ()),
            "exclude_claim_ids": rule.select.exclude_claim_ids,
        }
        for key, values in given.items():
            unknown = [v for v in values if v not in known[key]]
            if unknown:
                close = difflib.get_close_matches(unknown[0], sorted(known[key]), n=1)
                what = "statement" if key == "statement_ids" else "claim"
                raise RuleError(
                    f"rule {rule.id!r}: select.{key} names {unknown[0]!r}, which is not a {what} id in the ledger"
                    + (f" ({len(unknown) - 1} more unknown)" if len(unknown) > 1 else ""),
                    file=rule.file,
                    line=rule.select.lines.get(key, rule.line),
                    key=f"select.{key}",
                    hint=(f"did you mean {close[0]!r}?" if close else "use an id from datasets/claims/claims.csv"),
                )


def _evidence_text(record: dict[str, Any]) -> str:
    parts = []
    for e in record["evidence"]:
        bits = []
        if e["keys"]:
            bits.append(",".join(e["keys"]))
        if e["window_start"] or e["window_end"]:
            bits.append(f"window={e['window_start']}..{e['window_end']}")
        if e["n"] is not None:
            bits.append(f"n={e['n']}")
        if e["networks"]:
            bits.append(f"networks={','.join(e['networks'])}")
        if not e["available"]:
            bits.append(f"missing: {e['note']}")
        parts.append(f"{e['source']}[{'; '.join(bits)}]")
    return " | ".join(parts)


def _sample_size(record: dict[str, Any]) -> int | None:
    """The n behind the verdict: of the evidence that decided it (or the reports compared)."""
    deciding = [
        e["n"]
        for e in record["evidence"]
        if e["n"] is not None
        and e["observes"] in (None, "blocking", "no_blocking")
        and e["source_strength"] == record["evidence_strength"]
    ]
    return max(deciding, default=None)


def verdict_records(verdicts: Iterable[Verdict | dict[str, Any]]) -> list[dict[str, Any]]:
    """Verdicts as the dicts of ``verdicts.json`` (what :func:`read_verdicts` gives back)."""
    return [v if isinstance(v, dict) else _finite(v.to_dict()) for v in verdicts]


def verdicts_schema() -> dict[str, Any]:
    """The JSON Schema of ``verdicts.json`` (``audit/verdicts.schema.json``) with the enums that
    have one home elsewhere filled in when it is read: ``rule_kind`` from :data:`RULE_KINDS`,
    caveat ``kind`` from :data:`~claimaudit.audit._findings.CAVEATS` (adding a rule kind is adding
    its registry entry, never a line in the file)."""
    from importlib import resources

    from claimaudit.audit._findings import CAVEATS

    text = resources.files("claimaudit").joinpath("audit/verdicts.schema.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    verdict = schema["$defs"]["verdict"]["properties"]
    verdict["rule_kind"]["enum"] = list(RULE_KINDS)
    verdict["caveats"]["items"]["properties"]["kind"]["enum"] = list(CAVEATS)
    return schema


def read_verdicts(path: str | Path | None = None) -> list[dict[str, Any]]:
    """The verdicts in ``verdicts.json`` (default ``reports/verdicts.json``) as dicts, schema 2."""
    from claimaudit.errors import DataError

    path = Path(path) if path is not None else paths.reports_dir() / "verdicts.json"
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise DataError(
            f"{path}: cannot read the verdicts ({exc})", hint="run `claimaudit audit` to write them"
        ) from None
    version = payload.get("schema_version") if isinstance(payload, dict) else None
    if version != SCHEMA_VERSION:
        raise DataError(
            f"{path}: verdicts schema_version {version!r}, this claimaudit reads {SCHEMA_VERSION}",
            hint="run `claimaudit audit` to write them again",
        )
    return list(payload["verdicts"])


def verdicts_frame(verdicts: Iterable[Verdict | dict[str, Any]]) -> pl.DataFrame:
    """Verdicts as a polars frame, one row each (for notebooks and reports).

    Columns: verdict_id, rule_id, rule_kind, claim_ids (list), statement_ids (list), verdict,
    evidence_strength, finding, finding_template, caveats (list of kinds), explanation,
    evidence (text), evidence_sources (list), n (sample size of the evidence that decided the
    verdict, or null), links (list).
    """
    rows = [
        {
            "verdict_id": r["verdict_id"],
            "rule_id": r["rule_id"],
            "rule_kind": r["rule_kind"],
            "claim_ids": list(r["claim_ids"]),
            "statement_ids": list(r["statement_ids"]),
            "verdict": r["verdict"],
            "evidence_strength": r["evidence_strength"],
            "finding": r["finding"],
            "finding_template": r["finding_template"],
            "caveats": [c["kind"] for c in r["caveats"]],
            "explanation": r["explanation"],
            "evidence": _evidence_text(r),
            "evidence_sources": [e["source"] for e in r["evidence"]],
            "n": _sample_size(r),
            "links": list(r["links"]),
        }
        for r in verdict_records(verdicts)
    ]
    schema = {
        "verdict_id": pl.String,
        "rule_id": pl.String,
        "rule_kind": pl.String,
        "claim_ids": pl.List(pl.String),
        "statement_ids": pl.List(pl.String),
        "verdict": pl.String,
        "evidence_strength": pl.String,
        "finding": pl.String,
        "finding_template": pl.String,
        "caveats": pl.List(pl.String),
        "explanation": pl.String,
        "evidence": pl.String,
        "evidence_sources": pl.List(pl.String),
        "n": pl.Int64,
        "links": pl.List(pl.String),
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


def generated_from(verdicts: Sequence[Verdict]) -> dict[str, Any]:
    """What the verdicts were computed from: package version, rules, and the ledger's sha256 (no
    timestamps, so the same inputs give the same bytes)."""
    from claimaudit import __version__, datasets
    from claimaudit.errors import ClaimauditError

    ledger: dict[str, str | None] = {}
    try:
        for resource in datasets.read_package("claims").descriptor.get("resources", []):
            ledger[str(resource.get("name"))] = resource.get("hash")
    except ClaimauditError:
        ledger = {}
    return {
        "claimaudit_version": __version__,
        "rules": sorted({v.rule_id for v in verdicts}),
        "ledger": dict(sorted(ledger.items())),
    }


def verdicts_json(verdicts: Sequence[Verdict]) -> str:
    """The JSON text of ``verdicts.json`` (schema 2, ``docs/verdicts.md``): stable bytes for the
    same verdicts (no timestamps)."""
    return _json_text(verdicts, verdict_records(verdicts))


def _json_text(verdicts: Sequence[Verdict], records: list[dict[str, Any]]) -> str:
    payload = {
        "schema_version": SCHEMA_VERSION,
        "generated_from": generated_from(verdicts),
        "count": len(verdicts),
        "verdicts": records,
    }
    return json.dumps(payload, indent=2, ensure_ascii=False, allow_nan=False) + "\n"


def verdicts_csv(verdicts: Sequence[Verdict]) -> str:
    """The CSV text of ``verdicts.csv``: one row per verdict, lists joined with ``;``; text a
    spreadsheet would run as a formula starts with ``'`` (:func:`claimaudit._io.csv_safe`)."""
    return _csv_text(verdict_records(verdicts))


def _csv_text(records: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(VERDICT_COLUMNS)
    for r in records:
        writer.writerow(
            [
                csv_safe(cell)
                for cell in (
                    r["verdict_id"],
                    r["rule_id"],
                    r["rule_kind"],
                    ";".join(r["claim_ids"]),
                    ";".join(r["statement_ids"]),
                    r["verdict"],
                    r["evidence_strength"],
                    r["finding"],
                    ";".join(c["kind"] for c in r["caveats"]),
                    r["explanation"],
                    _evidence_text(r),
                    ";".join(r["links"]),
                )
            ]
        )
    return buffer.getvalue()


def write_verdicts(verdicts: Sequence[Verdict], *, out_dir: str | Path | None = None) -> tuple[Path, Path]:
    """Write ``verdicts.json`` and ``verdicts.csv`` atomically into ``out_dir`` (default: reports/).
    Each verdict is rendered once (its record), for both files."""
    out = Path(out_dir) if out_dir is not None else paths.reports_dir()
    in_order = _ordered(verdicts)
    records = verdict_records(in_order)
    json_path, csv_path = out / "verdicts.json", out / "verdicts.csv"
    write_text_atomic(json_path, _json_text(in_order, records))
    write_text_atomic(csv_path, _csv_text(records))
    return json_path, csv_path
