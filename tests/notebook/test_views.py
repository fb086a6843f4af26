"""Notebooks read the verdicts the audit step wrote; with no file yet, one audit run, said so."""

from __future__ import annotations

import json

import pytest

from claimaudit import audit
from claimaudit.errors import DataError
from claimaudit.notebook import views


class SyntheticPage:
    def unavailable(self, what: str, why: str) -> None:  # pragma: no cover - not reached here
        raise AssertionError(f"{what}: {why}")


@pytest.fixture(scope="module")
def real_verdicts():
    return audit.run_audit(offline=True)


def test_with_the_file_there_the_views_read_it_and_never_run_the_audit(real_verdicts, tmp_path, monkeypatch):
    audit.write_verdicts(real_verdicts, out_dir=tmp_path)
    monkeypatch.setenv("CLAIMAUDIT_REPORTS", str(tmp_path))

    def must_not_run(**kwargs):
        raise AssertionError("the audit ran although reports/verdicts.json is there")

    monkeypatch.setattr(audit, "run_audit", must_not_run)
    frame = views.audit_verdicts(SyntheticPage())
    expected = views.with_evidence_items(audit.verdicts_frame(real_verdicts), real_verdicts)
    assert frame.equals(expected)
    assert frame["finding"].to_list() == [v.finding for v in real_verdicts]


def test_without_the_file_the_audit_runs_once_and_says_so(tmp_path, monkeypatch, capsys, real_verdicts):
    monkeypatch.setenv("CLAIMAUDIT_REPORTS", str(tmp_path / "nothing-yet"))
    monkeypatch.setattr(views, "_AUDITED", {})
    calls = []

    def counted(**kwargs):
        calls.append(kwargs)
        return real_verdicts

    monkeypatch.setattr(audit, "run_audit", counted)
    first = views.audit_verdicts(SyntheticPage())
    second = views.audit_verdicts(SyntheticPage())
    assert len(calls) == 1 and first.equals(second) and first.height == len(real_verdicts)
    said = capsys.readouterr().out
    assert "verdicts.json yet: the audit was run once here" in said and "claimaudit audit" in said


def test_a_verdicts_file_of_another_schema_says_what_to_do(tmp_path):
    old = tmp_path / "verdicts.json"
    old.write_text(json.dumps({"schema": "claimaudit/verdicts/1", "count": 0, "verdicts": []}), encoding="utf-8")
    with pytest.raises(DataError) as raised:
        views.audit_verdicts(SyntheticPage(), path=old)
    assert str(old) in str(raised.value) and "claimaudit audit" in str(raised.value)
