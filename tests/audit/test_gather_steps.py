"""The evidence sources' part of an explanation is steps rendered by the one renderer (issue 8):
the English reads as the gatherers' sentences always did, the same steps render in Urdu from the
catalogue, and ``_gather.py`` writes no sentence of its own."""

from __future__ import annotations

import ast
import datetime as dt
import json
import re
from pathlib import Path

import polars as pl
from test_audit import SIGNAL_SCHEMA, audit, denial, rule, spec, synthetic_ooni, synthetic_signal

from claimaudit.audit import FrameEvidence, run_audit, verdicts_json
from claimaudit.audit._findings import WORKING_TEMPLATES, explain, render_step

D = dt.date
GATHER = Path(__file__).resolve().parents[2] / "src" / "claimaudit" / "audit" / "_gather.py"


def _synthetic_verdict():
    """A denial against synthetic OONI counts (one network with confirmed blocks), synthetic Tor
    users and Google Trends values, and eight synthetic reported observations with a range."""
    ooni = synthetic_ooni({"17557": 20, "9541": 1, "45595": 0}).with_columns(
        confirmed_count=pl.when(pl.col("probe_asn") == 17557).then(3).otherwise(0)
    )
    days = pl.date_range(D(2024, 9, 1), D(2024, 12, 16), eager=True)
    tor = pl.DataFrame({"date": days, "users": [1000.0 if d < D(2024, 11, 16) else 1500.0 for d in days]})
    trends = pl.DataFrame({"date": days, "value": [10.0 if d < D(2024, 11, 16) else 40.0 for d in days]})
    signals = pl.DataFrame(
        [
            synthetic_signal(f"synthetic-{i}", event_date=D(2024, 11, 20 + i), value=10.0, value_high=12.5)
            for i in range(8)
        ],
        schema=SIGNAL_SCHEMA,
    )
    evidence = [
        spec("ooni_aggregation", test_names=["psiphon", "tor"]),
        spec("signals", subjects=["vpn_outage"]),
        spec("google_trends_vpn"),
        spec("tor_users"),
    ]
    the_rule = rule("evidence_vs_assertion", polarity={"vpns_not_blocked": "denies_blocking"}, evidence=evidence)
    provider = FrameEvidence(
        {"claims": denial(), "signals": signals, "cenalert-google-trends-vpn/pk": trends}, ooni=ooni, tor=tor
    )
    [verdict] = run_audit(rules=[the_rule], provider=provider)
    return verdict


def test_evidence_steps_render_the_english_sentences_and_urdu_from_the_catalogue():
    verdict = _synthetic_verdict()
    [record] = json.loads(verdicts_json([verdict]))["verdicts"]
    english = explain(record)
    assert english == record["explanation"] == verdict.explanation
    # the English, as the gatherers wrote it before they gave steps (typed slots, one formatter)
    assert (
        "(1) OONI psiphon, tor measurements in PK, 2024-11-16..2024-12-16: 240 measurements on 3 networks"
        " (42 anomalies, 6 confirmed, 0 failures; anomaly rate 20.0% of 240 usable) — blocking confirmed on 1 of 3"
        " networks (AS17557)."
    ) in english
    assert (
        "(4) Tor relay users from Pakistan (tor_metrics/userstats): mean 1,500 a day in the window against 1,000 in"
        in english
    )
    assert "(ratio 1.50); Tor use is context for circumvention, not a test of VPN blocking." in english
    assert "peaked at 40 on 2024-11-16, 4.00 × the trailing 28-day mean of 10.00" in english
    assert "(median 10.00, 2024-10-19..2024-11-15): a spike (≥ 2.00 ×);" in english
    assert "outage_reports 10–12.5 reports (2024-11-20; third party observation) [synthetic-0]" in english
    assert "[synthetic-5] and 2 more." in english
    # every evidence step is data: a template id and typed slots (numbers stay numbers)
    [reason] = record["reasons"]
    observations = reason["working"][0]["slots"]["observations"]
    ooni_step = observations[0]["slots"]["sentence"]
    counts = ooni_step["slots"]["counts"][0]
    assert counts["template"] == "ooni_aggregation.counts"
    assert counts["slots"]["n_measurement"] == 240 and counts["slots"]["tests"] == ["psiphon", "tor"]
    assert counts["slots"]["start"] == "2024-11-16"
    # the same steps in Urdu: the evidence part is the catalogue's Urdu, not the English
    urdu = explain(record, lang="ur")
    assert "{" not in urdu
    for english_words in ("measurements on", "blocking confirmed on", "Tor relay users", "a spike", "and 2 more"):
        assert english_words not in urdu
    assert "240 پیمائشیں" in urdu and "بلاکنگ کی تصدیق" in urdu and "Tor ریلے کے صارفین" in urdu
    assert "مزید 2" in urdu


def test_a_missing_source_and_an_uncovered_series_read_as_before():
    verdict = audit(
        denial(),
        rule(
            "evidence_vs_assertion",
            polarity={"vpns_not_blocked": "denies_blocking"},
            evidence=[spec("google_trends_vpn"), spec("ooni_aggregation", test_names=["psiphon", "tor"])],
        ),
        cenalert_google_trends_vpn__pk=pl.DataFrame({"date": [D(2020, 1, 1)], "value": [1.0]}),
    )[0]
    [record] = json.loads(verdicts_json([verdict]))["verdicts"]
    text = explain(record)
    assert text == verdict.explanation
    assert "ooni_api/aggregation: missing for psiphon, tor (first: OONI aggregation for psiphon in PK is not" in text
    urdu = explain(record, lang="ur")
    assert "دستیاب نہیں" in urdu and "missing for" not in urdu


def test_gather_writes_no_sentence_of_its_own():
    """Every f-string left in _gather.py builds a key, URL or template id, or is an Evidence ``note``
    or a caveat ``detail`` (data fields, not the explanation's working); none is passed to a
    Finding, and every step it names is a template."""
    tree = ast.parse(GATHER.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}

    def inside(node, test) -> bool:
        while node in parents:
            node = parents[node]
            if test(node):
                return True
        return False

    sentences = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.JoinedStr):
            continue
        literal = "".join(v.value for v in node.values if isinstance(v, ast.Constant))
        if not re.search(r"[A-Za-z]{2,} [A-Za-z]{2,}", literal):
            continue  # "AS{a}", "{dataset}/{resource}", "{words}.confirmed", URLs
        if inside(node, lambda n: isinstance(n, ast.keyword) and n.arg == "note"):
            continue
        if inside(
            node,
            lambda n: (
                isinstance(n, ast.Dict) and any(isinstance(k, ast.Constant) and k.value == "detail" for k in n.keys)
            ),
        ):
            continue
        if inside(node, lambda n: isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "join") and inside(
            node, lambda n: isinstance(n, ast.keyword) and n.arg == "note"
        ):
            continue
        sentences.append((node.lineno, literal))
    assert sentences == []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Finding" and len(node.args) > 1:
            assert not isinstance(node.args[1], ast.Constant | ast.JoinedStr | ast.BinOp), node.lineno
    assert "_text" not in GATHER.read_text(encoding="utf-8")
    assert (
        render_step({"template": "evidence.read_context", "slots": {}}, "ur")
        != WORKING_TEMPLATES["evidence.read_context"]
    )
