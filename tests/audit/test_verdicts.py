"""The verdict contract (schema 2, docs/verdicts.md): findings from one template module,
structured reasons, evidence and caveats, reports_differ, and an honest evidence strength."""

from __future__ import annotations

import ast
import json
import re
import string
from pathlib import Path

import jsonschema
import polars as pl
import pytest
from test_audit import (
    SIGNAL_SCHEMA,
    audit,
    by_ids,
    denial,
    real_audit,
    rule,
    spec,
    synthetic_claim,
    synthetic_ledger,
    synthetic_signal,
    vpn_rule,
)

from claimaudit.audit import Status, Strength, verdicts_json, verdicts_schema, write_verdicts
from claimaudit.audit._agreement import one_digit_apart
from claimaudit.audit._findings import (
    CAVEATS,
    FINDINGS,
    PLURAL_TEMPLATES,
    WORKING_TEMPLATES,
    explain,
    render,
    render_step,
    say,
    slot_names,
)


def synthetic_sources(*rows: tuple[str, str, str | None, str]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "claim_id": c,
                "url": f"https://example.org/synthetic/{i}",
                "outlet": o,
                "figure_as_printed": f,
                "verification": v,
            }
            for i, (c, o, f, v) in enumerate(rows)
        ],
        schema={
            "claim_id": pl.String,
            "url": pl.String,
            "outlet": pl.String,
            "figure_as_printed": pl.String,
            "verification": pl.String,
        },
    )


def schema() -> dict:
    return verdicts_schema()


@pytest.fixture
def real_verdicts():
    return list(real_audit())


# --------------------------------------------------------------------------- the file


def test_the_written_verdicts_file_validates_against_the_packaged_schema(real_verdicts, tmp_path):
    json_path, _ = write_verdicts(real_verdicts, out_dir=tmp_path)
    document = json.loads(json_path.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema(), format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])
    assert document["schema_version"] == 2 and document["count"] == len(real_verdicts)


def test_verdicts_are_ordered_as_by_their_sort_key_and_each_written_once_for_both_files(real_verdicts, tmp_path):
    import dataclasses
    import random

    from claimaudit.audit import verdicts_csv
    from claimaudit.audit._engine import _ordered

    # ties on (rule id, claim ids) are broken by the rendered working, as the sort key says
    base = real_verdicts[0]
    steps = [say("report_agreement.spread", low=low, high=9, difference=9 - low) for low in (3, 1, 2)]
    tied = [dataclasses.replace(base, reasons=({"kind": "comparison", "working": [step]},)) for step in steps]
    mixed = [*real_verdicts, *tied, dataclasses.replace(tied[0])]
    random.Random(8).shuffle(mixed)
    expected = sorted(mixed, key=lambda v: v.sort_key)
    assert [id(v) for v in _ordered(mixed)] == [id(v) for v in expected]
    assert [v.detail for v in _ordered(tied)] == sorted(v.detail for v in tied)
    # the files written from one rendering of each verdict are the files each function writes
    shuffled = random.Random(10).sample(real_verdicts, len(real_verdicts))
    json_path, csv_path = write_verdicts(shuffled, out_dir=tmp_path)
    in_order = sorted(real_verdicts, key=lambda v: v.sort_key)
    assert json_path.read_text(encoding="utf-8") == verdicts_json(in_order)
    assert csv_path.read_text(encoding="utf-8") == verdicts_csv(in_order)


def test_the_schema_rejects_a_verdict_without_its_structure(real_verdicts):
    document = json.loads(verdicts_json(real_verdicts[:1]))
    del document["verdicts"][0]["reasons"]
    document["verdicts"][0]["evidence"][0]["status"] = "fine"
    errors = list(jsonschema.Draft202012Validator(schema()).iter_errors(document))
    assert len(errors) == 2


def test_verdict_ids_are_unique_and_name_rule_and_claims(real_verdicts):
    ids = [v.verdict_id for v in real_verdicts]
    assert len(set(ids)) == len(ids)
    first = real_verdicts[0]
    assert first.verdict_id == f"{first.rule_id}:{'+'.join(first.claim_ids)}"
    assert all(v.statement_ids for v in real_verdicts if v.rule_kind != "evidence_vs_assertion" or v.claim_ids)


# --------------------------------------------------------------------------- findings


def test_every_template_renders_from_typed_slots_and_translates_without_code():
    for template_id in FINDINGS:
        slots = {
            name: 1234.5 if "value" in name else ["a", "b"] if name.endswith("s") else "x"
            for name in slot_names(template_id)
        }
        assert "{" not in render(template_id, slots), template_id
    translated = {"report_agreement.consistent": "{subject}: {reports} رپورٹس، {figures}"}
    assert (
        render("report_agreement.consistent", {"reports": 2, "subject": "s", "figures": [1000, 2000]}, translated)
        == "s: 2 رپورٹس، 1,000 and 2,000"
    )


def test_every_verdict_leads_with_its_finding_and_explanation_is_rendered_by_one_function(real_verdicts):
    for v in real_verdicts:
        assert v.finding_template in FINDINGS
        assert v.explanation == explain(v.to_dict())
        assert v.explanation.startswith(v.finding)
        assert all(c["kind"] in CAVEATS for c in v.caveats)
    slot_values = [x for v in real_verdicts for x in v.finding_slots.values()]
    assert any(isinstance(x, float | int) for x in slot_values), "numbers must stay numbers in finding_slots"


def test_the_explanation_is_a_rendering_of_the_written_structure_alone(real_verdicts):
    records = json.loads(verdicts_json(real_verdicts))["verdicts"]
    for record in records:
        assert explain(record) == record["explanation"], record["verdict_id"]
        assert all(isinstance(step, dict) and step["template"] for r in record["reasons"] for step in r["working"])
    # in Urdu the same structure renders from the catalogue: no slot left unfilled, Latin digits kept
    urdu = [explain(record, lang="ur") for record in records]
    assert all("{" not in text for text in urdu)
    assert any("رپورٹ" in text or "بیان" in text for text in urdu)


def _literal_say_calls() -> list[tuple[str, str, set[str]]]:
    root = Path(__file__).resolve().parents[2] / "src" / "claimaudit" / "audit"
    found = []
    for path in sorted(root.glob("_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "say" and node.args:
                first = node.args[0]
                keywords = {k.arg for k in node.keywords}
                if isinstance(first, ast.Constant):
                    found.append((path.name, first.value, keywords))
                elif isinstance(first, ast.JoinedStr):  # f"kind.{variant}": some template must match
                    pattern = "".join(
                        re.escape(v.value) if isinstance(v, ast.Constant) else "[a-z_]*" for v in first.values
                    )
                    assert any(re.fullmatch(pattern, t) for t in WORKING_TEMPLATES), (path.name, node.lineno)
    return found


def test_every_working_step_names_a_template_with_all_its_slots():
    calls = _literal_say_calls()
    assert len(calls) > 60
    for module, template_id, keywords in calls:
        assert template_id in WORKING_TEMPLATES, (module, template_id)
        needed = {f for _, f, _, _ in string.Formatter().parse(WORKING_TEMPLATES[template_id]) if f}
        assert needed <= keywords, (module, template_id, needed - keywords)
    for template_id, template in WORKING_TEMPLATES.items():
        names = {f for _, f, _, _ in string.Formatter().parse(template) if f}
        slots = {n: 3 if n.startswith("n_") else 1234.5 if "value" in n else "x" for n in names}
        assert "{" not in render_step(say(template_id, **slots)), template_id
    assert all(key.endswith((".one", ".other")) for key in PLURAL_TEMPLATES)


def test_no_rule_hands_the_verdict_prose():
    root = Path(__file__).resolve().parents[2] / "src" / "claimaudit" / "audit"
    for path in sorted(root.glob("_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "verdict" and len(node.args) >= 3:
                working = node.args[2]
                assert not isinstance(working, ast.Constant | ast.JoinedStr | ast.BinOp), (path.name, node.lineno)


def test_reasons_cite_the_claims_with_their_figures(real_verdicts):
    verdict = next(v for v in real_verdicts if v.rule_kind == "series_consistency" and v.status is Status.INCONSISTENT)
    reason = verdict.reasons[0]
    assert reason["kind"] in ("comparison", "threshold")
    cited = {c["claim_id"] for c in reason["claims"]}
    assert cited == set(verdict.claim_ids)
    assert all({"value", "unit", "verb", "period", "date", "outlet", "confidence"} <= set(c) for c in reason["claims"])


# --------------------------------------------------------------------------- reports_differ


def test_two_statements_that_disagree_are_inconsistent_not_reports_differ():
    ledger = synthetic_ledger(
        synthetic_claim("synthetic-a", statement_id="s1", value=25000.0),
        synthetic_claim("synthetic-b", statement_id="s2", value=27000.0),
    )
    sources = synthetic_sources(
        ("synthetic-a", "Outlet A", "25,000", "search_verified"),
        ("synthetic-b", "Outlet B", "27,000", "search_verified"),
    )
    verdict = by_ids(
        audit(
            ledger, rule("report_agreement", same=["authority", "statement_date", "metric"]), claims__sources=sources
        ),
        "synthetic-a",
        "synthetic-b",
    )
    assert verdict.status is Status.INCONSISTENT
    assert verdict.finding_template == "report_agreement.inconsistent"
    assert verdict.statement_ids == ("s1", "s2")


def test_a_single_low_confidence_print_never_drives_a_finding():
    ledger = synthetic_ledger(
        synthetic_claim("synthetic-good", statement_id="s", value=2835.0),
        synthetic_claim("synthetic-blog", statement_id="s", value=2836.0, confidence="low"),
    )
    sources = synthetic_sources(
        ("synthetic-good", "Outlet A", "2,835", "search_verified"),
        ("synthetic-blog", "Blog B", "2,836", "search_verified"),
    )
    verdict = audit(ledger, rule("report_agreement"), claims__sources=sources)[0]
    assert verdict.status is Status.INSUFFICIENT
    kinds = {c["kind"] for c in verdict.caveats}
    assert {"low_confidence", "probable_misprint"} <= kinds
    more = synthetic_sources(
        ("synthetic-good", "Outlet A", "2,835", "search_verified"),
        ("synthetic-good", "Outlet C", "2,835", "search_verified"),
        ("synthetic-blog", "Blog B", "2,836", "search_verified"),
    )
    agreed = audit(ledger, rule("report_agreement"), claims__sources=more)[0]
    assert agreed.status is Status.CONSISTENT and agreed.finding_template == "report_agreement.low_confidence_only"
    assert agreed.finding_slots["set_aside"] == [2836.0]


@pytest.mark.parametrize(
    ("a", "b", "close"),
    [
        (101083, 100183, True),
        (2835, 2836, True),
        (25000, 250000, True),
        (31000, 33000, True),
        (25000, 27500, False),
        (1000, 1000, False),
        (844008.5, 844009, False),
    ],
)
def test_one_digit_apart(a, b, close):
    assert one_digit_apart(a, b) is close


# --------------------------------------------------------------------------- evidence and strength


def test_missing_evidence_is_an_item_with_its_status_and_adds_no_strength():
    signals = pl.DataFrame([synthetic_signal("synthetic-outage")], schema=SIGNAL_SCHEMA)
    verdict = audit(denial(), vpn_rule(lookback_days=45), signals=signals)[0]
    items = {e["source"]: e for e in verdict.to_dict()["evidence"]}
    ooni = items["ooni_api/aggregation"]
    assert ooni["status"] in ("missing", "not_fetched") and ooni["strength"] == "none"
    assert ooni["request_url"].startswith("https://api.ooni.io/api/v1/aggregation?")
    assert ooni["page_url"].startswith("https://explorer.ooni.org/chart/mat?probe_cc=PK&test_name=psiphon")
    assert items["datasets/signals"]["status"] == "used" and items["datasets/signals"]["kind"] == "dataset"
    assert verdict.evidence_strength is Strength.THIRD_PARTY_OBSERVATION
    kinds = {c["kind"] for c in verdict.caveats}
    assert {"evidence_missing", "third_party_only"} <= kinds


def test_an_unverified_hand_entered_measurement_cannot_alone_carry_direct_measurement():
    schema_ = {**SIGNAL_SCHEMA, "verification": pl.String}
    unverified = pl.DataFrame(
        [synthetic_signal("synthetic-probe", evidence_kind="direct_measurement", verification="unreachable")],
        schema=schema_,
    )
    verdict = audit(denial(), vpn_rule(lookback_days=45), signals=unverified)[0]
    assert verdict.evidence_strength is not Strength.DIRECT_MEASUREMENT
    assert any(c["kind"] == "unverified_observation" for c in verdict.caveats)
    verified = unverified.with_columns(verification=pl.lit("search_verified"))
    checked = audit(denial(), vpn_rule(lookback_days=45), signals=verified)[0]
    assert checked.evidence_strength is Strength.DIRECT_MEASUREMENT
    signals_item = next(e for e in checked.to_dict()["evidence"] if e["source"] == "datasets/signals")
    assert signals_item["verification"] == {"search_verified": 1}


def test_an_empty_window_is_empty_not_used():
    signals = pl.DataFrame(schema=SIGNAL_SCHEMA)
    verdict = audit(
        denial(),
        rule(
            "evidence_vs_assertion",
            polarity={"vpns_not_blocked": "denies_blocking"},
            evidence=[spec("signals", subjects=["vpn_outage"])],
        ),
        signals=signals,
    )[0]
    item = next(e for e in verdict.to_dict()["evidence"] if e["source"] == "datasets/signals")
    assert item["status"] == "empty" and item["n"] == 0 and item["strength"] == "none"
    assert verdict.status is Status.INSUFFICIENT
