"""The raw corpus as audit evidence (``source: ooni_corpus``) on SYNTHETIC parsed measurements."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest
from test_audit import rule, spec, x_assertion

from claimaudit.audit import FrameEvidence, Status, Strength, run_audit
from claimaudit.audit._evidence import LiveEvidence
from claimaudit.datasets import ooni_corpus, ooni_raw
from claimaudit.errors import FetchError

D = dt.date
NETWORKS = ["AS59257", "AS17557", "AS45595", "AS9541", "AS38193", "AS23674"]


def synthetic_row(
    asn: str,
    i: int,
    *,
    blocking: str | None = None,
    fingerprint: tuple | None = None,
    domain: str = "x.com",
    day: str = "2024-03-05",
    **extra,
) -> dict:
    row = {c: None for c in ooni_raw.SCHEMA}
    row.update(
        file="s3://synthetic/raw.jsonl.gz",
        line=i,
        measurement_id=f"synthetic-{asn}-{i}",
        measurement_uid=f"synthetic-{asn}-{i}",
        report_id="synthetic",
        test_name="web_connectivity",
        probe_cc="PK",
        probe_asn=asn,
        probe_network_name=f"Synthetic {asn}",
        measurement_start_time=dt.datetime.fromisoformat(day + " 10:00:00").replace(tzinfo=dt.UTC),
        input=f"https://{domain}/",
        blocking=blocking or "none",
        accessible=blocking is None,
        fingerprint_checked=True,
    )
    if fingerprint:
        row.update(
            fingerprint_name=fingerprint[0],
            fingerprint_scope=fingerprint[1],
            fingerprint_is_optin_filter=fingerprint[2],
        )
    row.update(extra)
    return row


def synthetic_corpus() -> pl.DataFrame:
    """6 networks, 10 x.com measurements each: 4 show the state blockpage, 1 only Nayatel Safeweb."""
    rows = []
    for n, asn in enumerate(NETWORKS):
        for i in range(10):
            if n < 4 and i < 6:
                state = ("synthetic.pk_state", "isp", False)
                rows.append(synthetic_row(asn, i, blocking="http-diff", fingerprint=state))
            elif n == 4 and i < 6:
                rows.append(synthetic_row(asn, i, blocking="http-diff", fingerprint=("synthetic.safeweb", "isp", True)))
            else:
                rows.append(synthetic_row(asn, i))
    rows.append(synthetic_row("AS59257", 99, domain="example.org", blocking="dns"))  # another domain
    rows.append(synthetic_row("AS59257", 98, parse_error="synthetic: invalid JSON"))
    return pl.DataFrame(rows, schema=ooni_raw.SCHEMA)


def x_claim(assertion: str = "x_not_blocked"):
    return x_assertion("synthetic-x", assertion, D(2024, 3, 10), "X is not blocked")


def x_rule():
    return rule(
        "evidence_vs_assertion",
        polarity={"x_not_blocked": "denies_blocking", "x_blocked": "affirms_blocking"},
        lookback_days=30,
        evidence=[spec("ooni_corpus", test_names=["web_connectivity"], domains=["x.com"])],
    )


def test_summary_counts_state_blockpages_apart_from_optin_filters():
    summary = ooni_corpus.summarize_frame(synthetic_corpus())
    x = summary.filter(pl.col("domain") == "x.com")
    assert x["n"].sum() == 60
    assert x["blockpage_state"].sum() == 24 and x["blockpage_optin"].sum() == 6
    assert x["anomalies"].sum() == 30
    assert summary["parse_errors"].sum() == 1
    assert summary.filter(pl.col("domain") == "example.org")["dns_failures"].sum() == 0
    assert summary.schema == pl.Schema(ooni_corpus.SUMMARY_SCHEMA)


def test_a_denial_against_blockpages_on_4_of_6_networks_is_contradicted_by_direct_measurement():
    summary = ooni_corpus.summarize_frame(synthetic_corpus())
    verdict = run_audit(rules=[x_rule()], provider=FrameEvidence({"claims": x_claim()}, corpus=summary))[0]
    assert verdict.status is Status.CONTRADICTED
    assert verdict.evidence_strength is Strength.DIRECT_MEASUREMENT
    assert "blocked by blockpage on 4 of 6 networks (AS17557, AS45595, AS59257, AS9541)" in verdict.explanation
    assert "opt-in subscriber filter" in verdict.explanation
    used = [e for e in verdict.evidence if e.source == "ooni_corpus/summary"][0]
    assert used.n == 60 and len(used.networks) == 6


def test_only_optin_filter_pages_are_not_a_block():
    rows = [
        synthetic_row(
            asn,
            i,
            blocking="http-diff" if i < 5 else None,
            fingerprint=("synthetic.safeweb", "isp", True) if i < 5 else None,
        )
        for asn in NETWORKS[:3]
        for i in range(40)
    ]
    summary = ooni_corpus.summarize_frame(pl.DataFrame(rows, schema=ooni_raw.SCHEMA))
    verdict = run_audit(rules=[x_rule()], provider=FrameEvidence({"claims": x_claim()}, corpus=summary))[0]
    assert "blocked by blockpage" not in verdict.explanation
    assert "no blockpage, but an anomaly rate" in verdict.explanation  # 5 of 40: 12.5 % >= 10 %


def test_without_a_corpus_the_evidence_is_missing_and_says_how_to_build_it(monkeypatch):
    monkeypatch.delenv("CLAIMAUDIT_OONI_CORPUS", raising=False)
    with pytest.raises(FetchError, match="claimaudit ooni corpus"):
        LiveEvidence().ooni_corpus(
            probe_cc="PK", test_names=["web_connectivity"], since=D(2024, 3, 1), until=D(2024, 3, 11)
        )
    verdict = run_audit(rules=[x_rule()], provider=FrameEvidence({"claims": x_claim()}))[0]
    assert verdict.status is Status.INSUFFICIENT
    assert any(e.source == "ooni_corpus/summary" and not e.available for e in verdict.evidence)


def test_live_evidence_reads_the_corpus_folder(tmp_path: Path, monkeypatch):
    folder = tmp_path / "pk"
    part = folder / "date=2024-03-05" / "country=PK" / "test=web_connectivity"
    part.mkdir(parents=True)
    synthetic_corpus().write_parquet(part / "2024030510_PK_webconnectivity.n1.0.parquet")
    monkeypatch.setenv("CLAIMAUDIT_OONI_CORPUS", str(folder))
    rows = LiveEvidence().ooni_corpus(
        probe_cc="PK", test_names=["web_connectivity"], since=D(2024, 3, 1), until=D(2024, 3, 11), domains=["x.com"]
    )
    assert rows["n"].sum() == 60 and rows["blockpage_state"].sum() == 24
    assert (
        LiveEvidence()
        .ooni_corpus(probe_cc="PK", test_names=["web_connectivity"], since=D(2024, 3, 6), until=D(2024, 3, 11))
        .is_empty()
    )
