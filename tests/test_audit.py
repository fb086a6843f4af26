"""The audit engine on small synthetic ledgers with known answers (no network, no mirror)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimaudit.audit import FrameEvidence, Rule, Selector, Status, Strength, run_audit, verdicts_frame
from claimaudit.audit._rules import PARAMS, EvidenceSpec, EVIDENCE_OPTIONS
from claimaudit.errors import FetchError

D = dt.date

CLAIM_SCHEMA = {
    "claim_id": pl.String, "statement_id": pl.String, "statement_date": pl.Date, "date_precision": pl.String,
    "claimant": pl.String, "authority": pl.String, "venue": pl.String, "kind": pl.String, "subject": pl.String,
    "metric": pl.String, "category": pl.String, "category_as_stated": pl.String, "scope": pl.String,
    "value": pl.Float64, "qualifier": pl.String, "unit": pl.String, "verb": pl.String, "period": pl.String,
    "period_start": pl.Date, "period_end": pl.Date, "assertion": pl.String, "wording": pl.String,
    "summary": pl.String, "confidence": pl.String, "notes": pl.String,
}


def synthetic_claim(claim_id: str, **fields) -> dict:
    """One synthetic ledger row: a PTA cumulative count of pornography URLs blocked, unless overridden."""
    row = {
        "claim_id": claim_id, "statement_id": f"stmt-{claim_id}", "statement_date": D(2024, 1, 1),
        "date_precision": "day", "claimant": "Synthetic PTA", "authority": "PTA", "venue": "press_statement",
        "kind": "count", "subject": "url_blocking", "metric": "items_blocked", "category": "pornography",
        "category_as_stated": None, "scope": "all_content", "value": 100.0, "qualifier": "exact", "unit": "urls",
        "verb": "blocked", "period": "cumulative", "period_start": None, "period_end": None, "assertion": None,
        "wording": "synthetic", "summary": "synthetic", "confidence": "high", "notes": None,
    }
    row.update(fields)
    return row


def synthetic_ledger(*rows: dict) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=CLAIM_SCHEMA)


def rule(kind: str, rule_id: str = "synthetic-rule", evidence=(), **params) -> Rule:
    full = {k: default for k, (_, default) in PARAMS[kind].items()}
    full.update(params)
    return Rule(id=rule_id, kind=kind, title="synthetic", select=Selector(), params=full, evidence=tuple(evidence))


def spec(source: str, **options) -> EvidenceSpec:
    full = {k: default for k, (_, default) in EVIDENCE_OPTIONS[source].items()}
    full.update(options, strength=options.get("strength"))
    return EvidenceSpec(source=source, options=full)


def audit(ledger: pl.DataFrame, *rules: Rule, **frames) -> list:
    ooni = frames.pop("ooni", None)
    data = {"claims": ledger, **{k.replace("__", "/"): v for k, v in frames.items()}}
    return run_audit(rules=list(rules), provider=FrameEvidence(data, ooni=ooni))


def by_ids(verdicts, *ids):
    found = [v for v in verdicts if v.claim_ids == ids]
    assert found, f"no verdict for {ids}: {[v.claim_ids for v in verdicts]}"
    return found[0]


# --------------------------------------------------------------------------- series_consistency


def test_a_falling_running_total_is_inconsistent_and_the_unit_change_is_named():
    ledger = synthetic_ledger(
        synthetic_claim("synthetic-early", statement_date=D(2022, 3, 3), value=903074.0, unit="urls"),
        synthetic_claim("synthetic-late", statement_date=D(2024, 11, 13), value=844008.0, unit="websites"),
    )
    verdict = by_ids(audit(ledger, rule("series_consistency")), "synthetic-early", "synthetic-late")
    assert verdict.status is Status.INCONSISTENT
    assert "903,074" in verdict.explanation and "844,008" in verdict.explanation
    assert "−59,066" in verdict.explanation
    assert "unit changed from URLs to websites" in verdict.explanation


def test_a_rising_running_total_is_consistent():
    ledger = synthetic_ledger(
        synthetic_claim("synthetic-early", statement_date=D(2019, 9, 4), value=831362.0),
        synthetic_claim("synthetic-late", statement_date=D(2022, 3, 3), value=903074.0),
    )
    verdict = by_ids(audit(ledger, rule("series_consistency")), "synthetic-early", "synthetic-late")
    assert verdict.status is Status.CONSISTENT
    assert "+71,712" in verdict.explanation


def test_a_lower_blocked_count_after_a_processed_count_is_not_comparable():
    ledger = synthetic_ledger(
        synthetic_claim("synthetic-processed", statement_date=D(2023, 1, 10), value=905009.0, verb="processed"),
        synthetic_claim("synthetic-blocked", statement_date=D(2024, 11, 13), value=844008.0),
    )
    verdicts = audit(ledger, rule("series_consistency"))
    assert all(v.status is not Status.INCONSISTENT for v in verdicts)
    verdict = by_ids(verdicts, "synthetic-processed", "synthetic-blocked")
    assert verdict.status is Status.NOT_COMPARABLE
    assert "different verbs" in verdict.explanation


@pytest.mark.parametrize(
    ("field", "earlier", "later", "reason"),
    [
        ("scope", "all_content", "platform:facebook", "different scopes"),
        ("period", "cumulative", "fiscal_year", "different periods"),
        ("unit", "urls", "apps", "different units"),
    ],
)
def test_unlike_figures_are_never_a_contradiction(field, earlier, later, reason):
    ledger = synthetic_ledger(
        synthetic_claim("synthetic-a", statement_date=D(2022, 1, 1), value=900.0, **{field: earlier}),
        synthetic_claim("synthetic-b", statement_date=D(2023, 1, 1), value=10.0, **{field: later}),
    )
    verdicts = audit(ledger, rule("series_consistency"))
    assert [v.status for v in verdicts] == [Status.NOT_COMPARABLE]
    assert reason in verdicts[0].explanation


def test_a_lower_bound_headline_conflicts_only_when_the_rule_says_so():
    ledger = synthetic_ledger(
        synthetic_claim("synthetic-exact", statement_date=D(2024, 11, 13), value=844008.0, unit="websites"),
        synthetic_claim("synthetic-over", statement_date=D(2024, 11, 18), value=500000.0, unit="websites",
                        qualifier="over"),
    )
    strict = by_ids(audit(ledger, rule("series_consistency", headline_lower_bound_conflicts=True)),
                    "synthetic-exact", "synthetic-over")
    lenient = by_ids(audit(ledger, rule("series_consistency")), "synthetic-exact", "synthetic-over")
    assert strict.status is Status.INCONSISTENT
    assert lenient.status is Status.CONSISTENT
    for verdict in (strict, lenient):
        assert "lower bound" in verdict.explanation and "logically compatible" in verdict.explanation
        assert "5 days later" in verdict.explanation
    # a bound close to the exact figure is not a conflict even under the strict reading
    near = synthetic_ledger(
        synthetic_claim("synthetic-exact", statement_date=D(2024, 11, 13), value=844008.0),
        synthetic_claim("synthetic-over", statement_date=D(2024, 11, 18), value=800000.0, qualifier="over"),
    )
    assert by_ids(audit(near, rule("series_consistency", headline_lower_bound_conflicts=True)),
                  "synthetic-exact", "synthetic-over").status is Status.CONSISTENT


def test_an_approximate_figure_within_its_tolerance_is_not_a_fall():
    ledger = synthetic_ledger(
        synthetic_claim("synthetic-a", statement_date=D(2022, 1, 1), value=1000.0),
        synthetic_claim("synthetic-b", statement_date=D(2023, 1, 1), value=980.0, qualifier="about"),
    )
    assert by_ids(audit(ledger, rule("series_consistency")), "synthetic-a", "synthetic-b").status is Status.CONSISTENT


def test_an_undated_figure_is_not_comparable_and_says_where_it_would_fit():
    ledger = synthetic_ledger(
        synthetic_claim("synthetic-2019", statement_date=D(2019, 9, 4), value=831362.0),
        synthetic_claim("synthetic-2022", statement_date=D(2022, 3, 3), value=903074.0),
        synthetic_claim("synthetic-undated", statement_date=None, date_precision="unknown", value=831674.0),
    )
    verdict = by_ids(audit(ledger, rule("series_consistency")), "synthetic-undated")
    assert verdict.status is Status.NOT_COMPARABLE
    assert "no date" in verdict.explanation
    assert "after 2019-09-04" in verdict.explanation and "before 2022-03-03" in verdict.explanation


def test_month_precision_dates_that_overlap_cannot_be_ordered():
    ledger = synthetic_ledger(
        synthetic_claim("synthetic-month", statement_date=D(2021, 1, 1), date_precision="month", value=900.0),
        synthetic_claim("synthetic-day", statement_date=D(2021, 1, 20), value=800.0),
    )
    verdicts = audit(ledger, rule("series_consistency"))
    assert [v.status for v in verdicts] == [Status.NOT_COMPARABLE]
    assert "cannot be ordered" in verdicts[0].explanation


def test_blocked_above_processed_in_one_statement_is_inconsistent():
    ledger = synthetic_ledger(
        synthetic_claim("synthetic-processed", statement_id="synthetic-stmt", value=100.0, verb="processed"),
        synthetic_claim("synthetic-blocked", statement_id="synthetic-stmt", value=120.0),
        synthetic_claim("synthetic-identified", statement_id="synthetic-stmt", value=150.0, verb="identified"),
    )
    verdicts = audit(ledger, rule("series_consistency", checks=["ordering"]))
    bad = by_ids(verdicts, "synthetic-blocked", "synthetic-processed")
    assert bad.status is Status.INCONSISTENT and "exceed them by 20" in bad.explanation
    assert by_ids(verdicts, "synthetic-processed", "synthetic-identified").status is Status.CONSISTENT


def test_categories_adding_up_to_more_than_the_total_are_inconsistent():
    parts = [("pornography", 900.0), ("blasphemy", 80.0), ("anti_state", 40.0)]
    rows = [synthetic_claim(f"synthetic-{c}", statement_id="synthetic-stmt", category=c, value=v) for c, v in parts]
    over = synthetic_ledger(synthetic_claim("synthetic-total", statement_id="synthetic-stmt", category="total",
                                            value=1000.0), *rows)
    verdict = audit(over, rule("series_consistency", checks=["parts"]))[0]
    assert verdict.status is Status.INCONSISTENT
    assert "1,020" in verdict.explanation and "exceed the total by 20" in verdict.explanation
    fits = synthetic_ledger(synthetic_claim("synthetic-total", statement_id="synthetic-stmt", category="total",
                                            value=1100.0), *rows)
    verdict = audit(fits, rule("series_consistency", checks=["parts"]))[0]
    assert verdict.status is Status.CONSISTENT and "80 is not attributed" in verdict.explanation


def test_window_additions_are_checked_against_the_change_in_the_running_total():
    def ledger(addition: float) -> pl.DataFrame:
        return synthetic_ledger(
            synthetic_claim("synthetic-c0", statement_date=D(2022, 6, 30), value=1000.0),
            synthetic_claim("synthetic-c1", statement_date=D(2023, 7, 1), value=1300.0),
            synthetic_claim("synthetic-fy", statement_date=D(2023, 9, 1), value=addition, period="fiscal_year",
                            period_start=D(2022, 7, 1), period_end=D(2023, 6, 30)),
        )

    ok = by_ids(audit(ledger(300.0), rule("series_consistency", checks=["additions"])),
                "synthetic-c0", "synthetic-fy", "synthetic-c1")
    assert ok.status is Status.CONSISTENT and "= 300" in ok.explanation
    bad = by_ids(audit(ledger(500.0), rule("series_consistency", checks=["additions"])),
                 "synthetic-c0", "synthetic-fy", "synthetic-c1")
    assert bad.status is Status.INCONSISTENT


def test_window_additions_without_running_totals_are_insufficient():
    ledger = synthetic_ledger(
        synthetic_claim("synthetic-fy", period="fiscal_year", period_start=D(2022, 7, 1), period_end=D(2023, 6, 30)),
    )
    verdict = audit(ledger, rule("series_consistency", checks=["additions"]))[0]
    assert verdict.status is Status.INSUFFICIENT and "before 2022-07-01" in verdict.explanation


_dates = st.lists(st.integers(min_value=0, max_value=3000), min_size=2, max_size=8, unique=True)


@settings(max_examples=40, deadline=None)
@given(days=_dates, steps=st.lists(st.integers(min_value=0, max_value=10**6), min_size=8, max_size=8),
       units=st.lists(st.sampled_from(["urls", "web_links", "websites", "sites"]), min_size=8, max_size=8))
def test_a_non_decreasing_series_never_yields_inconsistent(days, steps, units):
    days = sorted(days)
    values = [float(sum(steps[: i + 1])) for i in range(len(days))]
    rows = [synthetic_claim(f"synthetic-{i}", statement_date=D(2015, 1, 1) + dt.timedelta(days=d), value=v,
                            unit=units[i]) for i, (d, v) in enumerate(zip(days, values, strict=True))]
    verdicts = audit(synthetic_ledger(*rows), rule("series_consistency"))
    assert verdicts, "a series of two or more dated figures must be judged"
    assert all(v.status is not Status.INCONSISTENT for v in verdicts)


@settings(max_examples=30, deadline=None)
@given(values=st.lists(st.integers(min_value=1, max_value=10**6), min_size=3, max_size=7), data=st.data())
def test_row_order_changes_nothing(values, data):
    rows = [synthetic_claim(f"synthetic-{i}", statement_date=D(2016 + i, 1, 1), value=float(v))
            for i, v in enumerate(values)]
    shuffled = data.draw(st.permutations(rows))
    first = audit(synthetic_ledger(*rows), rule("series_consistency"))
    second = audit(synthetic_ledger(*shuffled), rule("series_consistency"))
    assert [v.to_dict() for v in first] == [v.to_dict() for v in second]
