"""Fixtures shared by the audit's test modules: the real audit (the shipped rules on the shipped
ledger, offline) run once per test process."""

from __future__ import annotations

import json

import pytest

from claimaudit.audit import Verdict, run_audit, verdicts_json


@pytest.fixture(scope="session")
def real_verdicts() -> list[Verdict]:
    return run_audit(offline=True)


@pytest.fixture(scope="session")
def real_records(real_verdicts) -> list[dict]:
    """The real verdicts as ``verdicts.json`` records (what the report and ``explain`` read)."""
    return json.loads(verdicts_json(real_verdicts))["verdicts"]
