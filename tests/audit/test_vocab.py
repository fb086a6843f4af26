"""The audit's vocabularies are the datasets' datapackage enums, read through the one reader
(``claimaudit.datasets.read_package``), not copies in code."""

from __future__ import annotations

import json
import shutil

import pytest

from claimaudit import datasets, paths
from claimaudit.audit import _vocab, load_rule_file
from claimaudit.errors import RuleError
from support.rules import EVIDENCE_RULE_FILE


def _enum(dataset: str, field: str) -> list[str]:
    fields = datasets.read_package(dataset).resource(dataset)["schema"]["fields"]
    return next(f for f in fields if f["name"] == field)["constraints"]["enum"]


def test_each_vocabulary_is_its_datapackage_enum_in_order():
    assert list(_vocab.signal_subjects()) == _enum("signals", "subject")
    assert list(_vocab.baseline_metrics()) == _enum("baselines", "metric")
    assert list(_vocab.event_kinds()) == _enum("events", "kind")
    for field, values in _vocab.claim_enums().items():
        assert values == frozenset(_enum("claims", field))


def test_a_value_added_to_a_datapackage_is_accepted_without_a_code_change(tmp_path, monkeypatch):
    path = tmp_path / "synthetic.yml"
    path.write_text(EVIDENCE_RULE_FILE.format(source="events", option="kinds: [synthetic_kind]"), encoding="utf-8")
    with pytest.raises(RuleError, match="kinds must be a list drawn from platform_block"):
        load_rule_file(path)
    root = tmp_path / "datasets"
    shutil.copytree(paths.datasets_dir(), root, ignore=shutil.ignore_patterns("external"))
    descriptor_path = root / "events" / "datapackage.json"
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    field = next(f for f in descriptor["resources"][0]["schema"]["fields"] if f["name"] == "kind")
    field["constraints"]["enum"].append("synthetic_kind")
    descriptor_path.write_text(json.dumps(descriptor), encoding="utf-8")
    monkeypatch.setenv("CLAIMAUDIT_DATASETS", str(root))
    assert load_rule_file(path)[0].evidence[0].options["kinds"] == ["synthetic_kind"]
