"""The OONI test-kind registry (``datasets/_ooni_tests.py``): one entry per test is its one
definition. The raw parsers, the riseupvpn cut-off, the VPN questions of the fetch plan, the
notebooks and the report, and the check of rule files' ``test_names`` all read it."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from claimaudit import audit, pipeline
from claimaudit.audit import load_rule_file, load_rules
from claimaudit.datasets import ooni_api, ooni_tests
from claimaudit.datasets._ooni_raw import _extract
from claimaudit.errors import RuleError
from claimaudit.notebook import views
from claimaudit.report import _transparency
from support.rules import EVIDENCE_RULE_FILE

SRC = Path(audit.__file__).resolve().parents[1]
REGISTRY = Path(ooni_tests.__file__).resolve()


def test_every_entry_is_asked_for_by_a_rule_or_the_plan_and_every_test_asked_for_has_an_entry():
    asked = {t for r in load_rules() for spec in r.evidence for t in spec.options.get("test_names", [])}
    asked |= {w.kwargs["test_name"] for w in pipeline.default_windows() if w.loader == "ooni_aggregate"}
    asked |= {t for q in views.OONI_QUESTIONS.values() for t in str(q["test_name"]).split(",")}
    assert asked == set(ooni_tests.names())


def test_the_readers_take_their_lists_from_the_registry():
    circumvention = ooni_tests.circumvention()
    assert views.OONI_QUESTIONS["circumvention"]["test_name"] == ",".join(circumvention)
    assert _transparency.OUTAGE_OONI["test_name"] == ",".join(circumvention)
    vpn_windows = [
        w
        for w in pipeline.default_windows()
        if w.loader == "ooni_aggregate" and w.kwargs["since"] == dt.date(2024, 11, 1)
    ]
    assert [w.kwargs["test_name"] for w in vpn_windows] == list(circumvention)
    assert ooni_api.UNSCORED_SINCE == {"riseupvpn": dt.date(2023, 10, 17)}
    assert {t: _extract._TEST_KINDS[t] for t in ooni_tests.names()} == {t.name: t.family for t in ooni_tests.TESTS}


def test_every_family_has_a_parser_both_ways():
    for table in (_extract._TOLERANT, Extractor_fast_kinds()):
        assert set(table) - {"other"} == set(ooni_tests.FAMILIES)


def Extractor_fast_kinds():  # noqa: N802 - reads like the table it returns
    return _extract.Extractor(candidates=False)._fast_kind


def test_no_other_module_lists_test_names():
    """A tuple/list of two or more registry test names, or a comma-joined list of them, anywhere
    but the registry is a second definition."""
    names = set(ooni_tests.names())
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if path.resolve() == REGISTRY:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Tuple | ast.List | ast.Set):
                values = {e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)}
                if len(values & names) >= 2:
                    found.append(f"{path.relative_to(SRC)}:{node.lineno}")
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and " " not in node.value:
                if len(set(node.value.split(",")) & names) >= 2:
                    found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert found == []


def test_a_rule_naming_a_test_the_registry_does_not_know_fails_at_its_line(tmp_path):
    path = tmp_path / "synthetic.yml"
    rule = EVIDENCE_RULE_FILE.format(source="ooni_aggregation", option="test_names: [tor, psiphn]")
    path.write_text(rule, encoding="utf-8")
    with pytest.raises(RuleError, match=r"test_names must be a list drawn from web_connectivity, psiphon") as caught:
        load_rule_file(path)
    assert caught.value.line == 12 and caught.value.key == "evidence.ooni_aggregation.test_names"


def test_adding_a_test_is_adding_its_entry(monkeypatch, tmp_path):
    extra = ooni_tests.OoniTest("synthetic_vpn", "bootstrap", circumvention=True)
    monkeypatch.setattr(ooni_tests, "TESTS", (*ooni_tests.TESTS, extra))
    path = tmp_path / "synthetic.yml"
    rule = EVIDENCE_RULE_FILE.format(source="ooni_aggregation", option="test_names: [synthetic_vpn]")
    path.write_text(rule, encoding="utf-8")
    assert load_rule_file(path)[0].evidence[0].options["test_names"] == ["synthetic_vpn"]
    assert ooni_tests.circumvention()[-1] == "synthetic_vpn"
    assert ooni_tests.by_name("synthetic_vpn") is extra


def test_an_unknown_test_is_a_clear_error():
    with pytest.raises(Exception, match="unknown OONI test 'synthetic'"):
        ooni_tests.by_name("synthetic")
