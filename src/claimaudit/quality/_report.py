"""What a check run found: per expectation, per suite, and for the whole run.

>>> ok = ExpectationResult(expect="expect_column_values_to_be_unique", description="Ids are unique",
...                        kwargs={"column": "claim_id"}, success=True, checked_rows=3)
>>> SuiteResult(name="claims", file="checks/quality/claims.yml", target={"dataset": "claims"},
...             rows=3, expectations=[ok]).status
'passed'
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

__all__ = ["CheckReport", "ExpectationResult", "SuiteResult"]


@dataclass
class ExpectationResult:
    """One expectation's outcome. ``success`` is None when it could not be evaluated (``error``)."""

    expect: str
    description: str
    kwargs: dict[str, Any]
    severity: str = "critical"
    success: bool | None = None
    checked_rows: int | None = None
    failing_rows: int | None = None
    examples: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    line: int | None = None

    @property
    def outcome(self) -> str:
        """``pass``, ``fail``, ``warn`` (a failed warning) or ``error``."""
        if self.error is not None or self.success is None:
            return "error"
        if self.success:
            return "pass"
        return "warn" if self.severity == "warning" else "fail"


@dataclass
class SuiteResult:
    """One suite: its target, whether the data loaded, and its expectations."""

    name: str
    file: str
    target: dict[str, str]
    rows: int | None = None
    expectations: list[ExpectationResult] = field(default_factory=list)
    error: dict[str, Any] | None = None
    data_file: str | None = None
    row_label: str = "line"

    @property
    def status(self) -> str:
        """``unavailable`` (third-party data not fetched yet), ``error`` (data or suite could not
        be used), ``failed`` or ``passed``."""
        outcomes = {e.outcome for e in self.expectations}
        if self.error is not None and self.error.get("kind") == "unavailable":
            return "unavailable"
        if self.error is not None or "error" in outcomes:
            return "error"
        if "fail" in outcomes:
            return "failed"
        return "passed"

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["status"] = self.status
        for item, exp in zip(out["expectations"], self.expectations, strict=True):
            item["outcome"] = exp.outcome
        return out


@dataclass
class CheckReport:
    """A whole ``claimaudit check`` run.

    ``ok`` is True when every suite loaded and no critical expectation failed.
    ``summary`` is a polars frame with one row per expectation (or per suite that errored).
    """

    results: list[SuiteResult]
    created: str
    out_dir: Path | None = None

    @property
    def ok(self) -> bool:
        """No suite failed or errored. Third-party data that was not fetched is reported as
        ``unavailable`` (see :attr:`unavailable`) but does not make the data wrong."""
        return all(r.status in ("passed", "unavailable") for r in self.results)

    @property
    def unavailable(self) -> list[str]:
        """Suites whose third-party data is neither cached nor in the mirror."""
        return [r.name for r in self.results if r.status == "unavailable"]

    @property
    def exit_code(self) -> int:
        """0 all passed (or data not fetched), 1 an expectation failed, 2 a dataset or suite
        could not be used."""
        statuses = {r.status for r in self.results}
        if "error" in statuses:
            return 2
        return 1 if "failed" in statuses else 0

    @property
    def summary(self) -> pl.DataFrame:
        rows: list[dict[str, Any]] = []
        for suite in self.results:
            base = {"suite": suite.name, "target": _target_label(suite.target), "suite_status": suite.status}
            if suite.error is not None:
                rows.append({**base, "outcome": "error", "error": suite.error.get("message")})
            for e in suite.expectations:
                rows.append(
                    {
                        **base,
                        "expectation": e.expect,
                        "description": e.description,
                        "severity": e.severity,
                        "outcome": e.outcome,
                        "checked_rows": e.checked_rows,
                        "failing_rows": e.failing_rows,
                        "example_lines": [x.get("line", x.get("record")) for x in e.examples if "observed" not in x],
                        "error": e.error,
                    }
                )
        schema = {
            "suite": pl.String,
            "target": pl.String,
            "suite_status": pl.String,
            "expectation": pl.String,
            "description": pl.String,
            "severity": pl.String,
            "outcome": pl.String,
            "checked_rows": pl.Int64,
            "failing_rows": pl.Int64,
            "example_lines": pl.List(pl.Int64),
            "error": pl.String,
        }
        return pl.DataFrame(rows, schema=schema)

    def as_dict(self) -> dict[str, Any]:
        from claimaudit import __version__

        return {
            "created": self.created,
            "claimaudit_version": __version__,
            "ok": self.ok,
            "exit_code": self.exit_code,
            "suites": [s.as_dict() for s in self.results],
        }


def _target_label(target: dict[str, str]) -> str:
    if "dataset" in target:
        return f"{target['dataset']}/{target.get('resource', '')}"
    if "source" in target:
        return f"source:{target['source']}/{target.get('resource', '')}"
    return "?"
