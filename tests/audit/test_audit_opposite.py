"""Rule kind ``opposite_assertions``: the official record against itself, on synthetic pairs and the real ledger."""

from __future__ import annotations

import polars as pl
import pytest
from test_audit import D, audit, by_ids, rule, synthetic_assertion, synthetic_claim, synthetic_ledger

from claimaudit.audit import Status, Strength, run_audit
from claimaudit.audit._rules import load_rules
from claimaudit.errors import RuleError

POLARITY = {
    "vpns_not_blocked": "denies_blocking",
    "outage_was_technical_glitch": "denies_blocking",
    "vpn_blocking_started": "affirms_blocking",
}


def assertion(claim_id: str, assertion: str, date, **fields) -> dict:
    return synthetic_assertion(
        claim_id,
        assertion,
        date,
        f"synthetic {assertion}",
        **{
            "subject": "vpn_blocking",
            "metric": "vpn_blocking_status",
            "category": "not_applicable",
            "scope": "not_applicable",
            **fields,
        },
    )


def sources(*rows: tuple[str, str, str]) -> pl.DataFrame:
    return pl.DataFrame([{"claim_id": c, "url": u, "outlet": o} for c, u, o in rows])


def test_a_denial_and_an_affirmation_two_days_apart_contradict_each_other_with_both_sets_of_sources():
    ledger = synthetic_ledger(
        assertion("synthetic-glitch", "outage_was_technical_glitch", D(2024, 11, 11)),
        assertion(
            "synthetic-started",
            "vpn_blocking_started",
            D(2024, 11, 13),
            claimant="Synthetic PTA sources",
            confidence="medium",
        ),
    )
    src = sources(
        ("synthetic-glitch", "https://example.org/synthetic/glitch", "Synthetic Outlet A"),
        ("synthetic-started", "https://example.org/synthetic/started-1", "Synthetic Outlet B"),
        ("synthetic-started", "https://example.org/synthetic/started-2", "Synthetic Outlet C"),
    )
    verdicts = audit(ledger, rule("opposite_assertions", polarity=POLARITY), claims__sources=src)
    v = by_ids(verdicts, "synthetic-glitch", "synthetic-started")
    assert v.status is Status.INCONSISTENT and v.evidence_strength is Strength.LEDGER
    assert v.rule_kind == "opposite_assertions"
    assert set(v.links) == {
        "https://example.org/synthetic/glitch",
        "https://example.org/synthetic/started-1",
        "https://example.org/synthetic/started-2",
    }
    assert "2 days later" in v.explanation and "Synthetic Outlet B, Synthetic Outlet C" in v.explanation
    assert "contradicts itself" in v.explanation
    assert "high confidence" in v.explanation  # the medium-confidence side is named as a caveat
    assert v.figures["opposites"] == 1 and v.figures["max_gap_days"] == 2
    assert len(verdicts) == 1, "one verdict per denial, none for the affirmation on its own"


def test_statements_outside_the_window_do_not_contradict_and_the_verdict_says_what_it_compared():
    ledger = synthetic_ledger(
        assertion("synthetic-denial", "vpns_not_blocked", D(2024, 9, 10)),
        assertion("synthetic-later", "vpn_blocking_started", D(2024, 9, 18)),
    )
    (v,) = audit(ledger, rule("opposite_assertions", polarity=POLARITY, window_days=7))
    assert v.claim_ids == ("synthetic-denial",) and v.status is Status.CONSISTENT
    assert "says nothing about what was measured" in v.explanation
    (wider,) = audit(ledger, rule("opposite_assertions", polarity=POLARITY, window_days=7, lookahead_days=8))
    assert wider.status is Status.INCONSISTENT and "8 days later" in wider.explanation


def test_lookback_reaches_earlier_affirmations_and_same_authority_restricts_them():
    ledger = synthetic_ledger(
        assertion("synthetic-to-date", "vpns_not_blocked", D(2024, 12, 16)),
        assertion("synthetic-nov", "vpn_blocking_started", D(2024, 11, 11), authority="MoI"),
    )
    (short,) = audit(ledger, rule("opposite_assertions", polarity=POLARITY))
    assert short.status is Status.CONSISTENT
    (long,) = audit(ledger, rule("opposite_assertions", polarity=POLARITY, lookback_days=46))
    assert (
        long.status is Status.INCONSISTENT
        and "35 days earlier" in long.explanation
        and "MoI and PTA" in long.explanation
    )
    (same,) = audit(ledger, rule("opposite_assertions", polarity=POLARITY, lookback_days=46, same_authority=True))
    assert same.status is Status.CONSISTENT


def test_undated_and_unmapped_and_weak_claims():
    ledger = synthetic_ledger(
        assertion("synthetic-undated", "vpns_not_blocked", None, date_precision="unknown"),
        assertion("synthetic-other", "vpn_registration_portal", D(2024, 11, 11)),
        assertion("synthetic-weak", "vpn_blocking_started", D(2024, 11, 11), confidence="low"),
        assertion("synthetic-denial", "vpns_not_blocked", D(2024, 11, 12)),
    )
    verdicts = audit(ledger, rule("opposite_assertions", polarity=POLARITY, min_confidence="medium"))
    assert by_ids(verdicts, "synthetic-undated").status is Status.NOT_COMPARABLE
    assert by_ids(verdicts, "synthetic-denial").status is Status.CONSISTENT  # the low one is dropped
    assert not [v for v in verdicts if "synthetic-other" in v.claim_ids]
    both = audit(ledger, rule("opposite_assertions", polarity=POLARITY))
    weak = by_ids(both, "synthetic-denial", "synthetic-weak")
    assert weak.status is Status.INCONSISTENT and "about" not in weak.explanation.split("later")[0][-12:]
    assert "1 day earlier" in weak.explanation and "low confidence" in weak.explanation


def test_the_rule_file_is_strict_about_its_parameters(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "rules:\n  - id: synthetic-opposite\n    kind: opposite_assertions\n    title: t\n"
        "    select: {kind: assertion}\n    params:\n      polarity: {vpns_not_blocked: denies_blocking}\n"
        "      window_days: a week\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleError, match="window_days must be a whole number"):
        load_rules(tmp_path)
    missing = tmp_path / "bad.yml"
    missing.write_text(
        "rules:\n  - id: synthetic-opposite\n    kind: opposite_assertions\n    title: t\n"
        "    select: {kind: assertion}\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleError, match="polarity is required"):
        load_rules(tmp_path)


# --------------------------------------------------------------------------- the real ledger


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("CLAIMAUDIT_CACHE", str(tmp_path_factory.mktemp("cache")))
    try:
        yield run_audit(offline=True)
    finally:
        mp.undo()


def test_offline_the_technical_glitch_is_contradicted_by_pta_s_own_same_day_statement(verdicts):
    glitch = "pta-2024-11-11-outage-was-technical-glitch"
    started = "pta-sources-2024-11-11-blocking-unregistered-vpns-started"
    ledger_verdicts = [v for v in verdicts if v.rule_kind == "opposite_assertions" and v.claim_ids[0] == glitch]
    assert len(ledger_verdicts) == 1
    v = ledger_verdicts[0]
    assert v.status is Status.INCONSISTENT and started in v.claim_ids
    assert "the same day" in v.explanation and "has started blocking unregistered VPNs" in v.explanation
    assert any("nation.com.pk/11-Nov-2024" in link for link in v.links)
    assert any("1871781" in link for link in v.links)
    # the evidence rule alone stays insufficient offline: the ledger rule is what decides
    evidence = [x for x in verdicts if x.rule_id == "vpn-outage-cause"]
    assert evidence and evidence[0].status is Status.INSUFFICIENT


def test_offline_the_to_date_denial_and_the_x_about_turns_are_inconsistent(verdicts):
    to_date = [v for v in verdicts if v.rule_id == "vpn-not-blocked-to-date-official-contradictions"]
    assert [v.claim_ids[0] for v in to_date] == ["pta-chair-2024-12-16-vpns-not-blocked"]
    assert to_date[0].status is Status.INCONSISTENT
    assert "pta-sources-2024-11-11-blocking-unregistered-vpns-started" in to_date[0].claim_ids
    x = {v.claim_ids[0]: v for v in verdicts if v.rule_id == "platform-block-official-contradictions"}
    assert x["pta-counsel-2024-09-12-x-block-notification-withdrawn"].status is Status.INCONSISTENT
    assert "pta-2024-09-16-x-still-blocked" in x["pta-counsel-2024-09-12-x-block-notification-withdrawn"].claim_ids
    assert x["info-min-2024-03-13-x-working"].status is Status.INCONSISTENT
    assert x["govt-2024-03-03-x-not-closed-by-caretaker-govt"].status is Status.CONSISTENT


def test_vpn_registration_series_are_checked_per_scheme(verdicts):
    from claimaudit import datasets

    ledger = datasets.load("claims")
    metric = dict(zip(ledger["claim_id"], zip(ledger["metric"], ledger["unit"], strict=True), strict=True))
    series = [v for v in verdicts if v.rule_id == "vpn-registration-series"]
    assert series
    for v in series:
        assert len({metric[c] for c in v.claim_ids}) == 1, v.claim_ids
    schemes = {metric[v.claim_ids[0]] for v in series}
    assert ("vpns_registered", "vpns") in schemes


def test_group_by_splits_a_series():
    ledger = synthetic_ledger(
        synthetic_claim(
            "synthetic-vpns",
            subject="vpn_registration",
            metric="vpns_registered",
            unit="vpns",
            category="not_applicable",
            verb="registered",
            value=20000.0,
            statement_date=D(2024, 8, 1),
        ),
        synthetic_claim(
            "synthetic-companies",
            subject="vpn_registration",
            metric="companies_registered",
            unit="vpns",
            category="not_applicable",
            verb="registered",
            value=15000.0,
            statement_date=D(2024, 9, 1),
        ),
    )
    merged = audit(ledger, rule("series_consistency", checks=["monotone"]))
    assert [v.status for v in merged] == [Status.INCONSISTENT]  # read as one series, it "fell"
    split = audit(ledger, rule("series_consistency", checks=["monotone"], group_by=["metric", "unit"]))
    assert split == []


def test_judge_claim_ids_limits_the_judged_denials():
    ledger = synthetic_ledger(
        assertion("synthetic-a", "vpns_not_blocked", D(2024, 11, 18)),
        assertion("synthetic-b", "vpns_not_blocked", D(2024, 12, 16)),
        assertion("synthetic-started", "vpn_blocking_started", D(2024, 11, 11)),
    )
    verdicts = audit(
        ledger, rule("opposite_assertions", polarity=POLARITY, lookback_days=46, judge_claim_ids=["synthetic-b"])
    )
    assert [v.claim_ids for v in verdicts] == [("synthetic-b", "synthetic-started")]
