"""The rule-kind registry (``audit/_rule_kinds.py``): one entry per kind is its one definition.
The rule reader validates ``kind:`` and ``params:`` against it (the existing file/line errors),
the engine dispatches through it, and the published verdict schema lists the same kinds."""

from __future__ import annotations

import json
import textwrap
from importlib import resources

import jsonschema
import pytest
from test_audit import synthetic_claim, synthetic_ledger

from claimaudit.audit import (
    KINDS,
    RULE_KINDS,
    FrameEvidence,
    RuleKind,
    load_rule_file,
    load_rules,
    run_audit,
    verdicts_json,
    verdicts_schema,
)
from claimaudit.audit._findings import FINDINGS
from claimaudit.audit._options import nonneg
from claimaudit.audit._verdict import Status
from claimaudit.errors import RuleError


def test_every_kind_is_used_by_a_shipped_rule_and_every_rule_kind_has_an_entry():
    assert {r.kind for r in load_rules()} == set(RULE_KINDS)
    assert KINDS == tuple(RULE_KINDS)
    assert all(kind.key == key for key, kind in RULE_KINDS.items())


def test_the_verdict_schema_takes_its_rule_kinds_from_the_registry():
    """The schema file lists no rule kind (one place: the registry); :func:`verdicts_schema` fills
    the enum in from ``RULE_KINDS`` as it reads the file, so a kind not in the registry is refused."""
    text = resources.files("claimaudit").joinpath("audit/verdicts.schema.json").read_text("utf-8")
    assert not any(kind in text for kind in RULE_KINDS), "a rule kind is written in the schema file"
    schema = verdicts_schema()
    assert schema["$defs"]["verdict"]["properties"]["rule_kind"]["enum"] == list(RULE_KINDS)
    kind_schema = {"$defs": schema["$defs"], "$ref": "#/$defs/verdict/properties/rule_kind"}
    assert not list(jsonschema.Draft202012Validator(kind_schema).iter_errors("unit_drift"))
    assert list(jsonschema.Draft202012Validator(kind_schema).iter_errors("vibes"))


def _synthetic_audit(ctx):
    return [
        ctx.verdict(
            claim_ids=tuple(ctx.claims["claim_id"].to_list()),
            status=Status.CONSISTENT,
            working=[],
            finding=("consistent", {}),
        )
    ]


SYNTHETIC_RULE = """\
rules:
  - id: synthetic-kind
    kind: {kind}
    title: synthetic
    select:
      subject: url_blocking
    params:
      limit: 3
"""


def test_adding_a_kind_is_adding_its_entry(monkeypatch, tmp_path):
    """The entry (and, as the verdict contract wants, its finding templates in the one templates
    module): the rule reader accepts it, checks its params, and the engine runs its audit."""
    kind = RuleKind(key="synthetic_kind", audit=_synthetic_audit, params={"limit": (nonneg, 1)}, reason_kind="drift")
    monkeypatch.setitem(RULE_KINDS, kind.key, kind)
    monkeypatch.setitem(FINDINGS, "synthetic_kind.consistent", "Synthetic: consistent.")
    path = tmp_path / "synthetic.yml"
    path.write_text(textwrap.dedent(SYNTHETIC_RULE.format(kind=kind.key)), encoding="utf-8")
    [loaded] = load_rule_file(path)
    assert loaded.params == {"limit": 3}
    path.write_text(textwrap.dedent(SYNTHETIC_RULE.format(kind=kind.key)).replace("limit: 3", "limit: -1"), "utf-8")
    with pytest.raises(RuleError, match="params.limit must be a number, zero or more"):
        load_rule_file(path)
    ledger = synthetic_ledger(synthetic_claim("synthetic-a"))
    [verdict] = run_audit(rules=[loaded], provider=FrameEvidence({"claims": ledger}))
    assert (verdict.rule_kind, verdict.status, verdict.finding) == (
        "synthetic_kind",
        "consistent",
        "Synthetic: consistent.",
    )
    assert verdict.reasons[0]["kind"] == "drift"
    # a verdict of the new kind validates against the verdict schema, with no line added to its file
    document = json.loads(verdicts_json([verdict]))
    errors = list(jsonschema.Draft202012Validator(verdicts_schema()).iter_errors(document))
    assert errors == [], [e.message for e in errors]
    monkeypatch.delitem(RULE_KINDS, kind.key)  # and it is the registry that lets it through
    assert list(jsonschema.Draft202012Validator(verdicts_schema()).iter_errors(document))


def test_an_unknown_kind_is_refused_at_its_line_with_the_registrys_kinds(tmp_path):
    path = tmp_path / "synthetic.yml"
    path.write_text(textwrap.dedent(SYNTHETIC_RULE.format(kind="vibes")), encoding="utf-8")
    with pytest.raises(RuleError, match="unknown rule kind 'vibes'") as caught:
        load_rule_file(path)
    assert (caught.value.line, caught.value.key) == (3, "kind")
    assert caught.value.hint == "use one of: " + ", ".join(RULE_KINDS)


def test_removing_a_kind_makes_its_rule_files_fail_at_their_line(monkeypatch):
    monkeypatch.delitem(RULE_KINDS, "unit_drift")
    with pytest.raises(RuleError, match="unknown rule kind 'unit_drift'") as caught:
        load_rules()
    assert caught.value.line is not None and caught.value.key == "kind"
