"""The audit engine on small synthetic ledgers with known answers (no network, no mirror)."""

from __future__ import annotations

import datetime as dt
import functools
import json

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimaudit.audit import (
    EVIDENCE_SOURCES,
    RULE_KINDS,
    EvidenceSpec,
    FrameEvidence,
    Rule,
    Selector,
    Status,
    Strength,
    Verdict,
    run_audit,
    verdicts_frame,
    verdicts_json,
)
from claimaudit.errors import FetchError

D = dt.date

CLAIM_SCHEMA = {
    "claim_id": pl.String,
    "statement_id": pl.String,
    "statement_date": pl.Date,
    "date_precision": pl.String,
    "claimant": pl.String,
    "authority": pl.String,
    "venue": pl.String,
    "kind": pl.String,
    "subject": pl.String,
    "metric": pl.String,
    "category": pl.String,
    "category_as_stated": pl.String,
    "scope": pl.String,
    "value": pl.Float64,
    "qualifier": pl.String,
    "unit": pl.String,
    "verb": pl.String,
    "period": pl.String,
    "period_start": pl.Date,
    "period_end": pl.Date,
    "assertion": pl.String,
    "wording": pl.String,
    "summary": pl.String,
    "confidence": pl.String,
    "notes": pl.String,
}


def synthetic_claim(claim_id: str, **fields) -> dict:
    """One synthetic ledger row: a PTA cumulative count of pornography URLs blocked, unless overridden."""
    row = {
        "claim_id": claim_id,
        "statement_id": f"stmt-{claim_id}",
        "statement_date": D(2024, 1, 1),
        "date_precision": "day",
        "claimant": "Synthetic PTA",
        "authority": "PTA",
        "venue": "press_statement",
        "kind": "count",
        "subject": "url_blocking",
        "metric": "items_blocked",
        "category": "pornography",
        "category_as_stated": None,
        "scope": "all_content",
        "value": 100.0,
        "qualifier": "exact",
        "unit": "urls",
        "verb": "blocked",
        "period": "cumulative",
        "period_start": None,
        "period_end": None,
        "assertion": None,
        "wording": "synthetic",
        "summary": "synthetic",
        "confidence": "high",
        "notes": None,
    }
    row.update(fields)
    return row


@functools.cache
def real_audit() -> tuple[Verdict, ...]:
    """The real audit (the shipped rules on the shipped ledger, offline), run once per test process
    for the modules that read it (their ``real_verdicts`` / ``real_records`` fixtures)."""
    return tuple(run_audit(offline=True))


@functools.cache
def real_records() -> tuple[dict, ...]:
    """:func:`real_audit` as ``verdicts.json`` records (what the report and ``explain`` read)."""
    return tuple(json.loads(verdicts_json(list(real_audit())))["verdicts"])


def synthetic_ledger(*rows: dict) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=CLAIM_SCHEMA)


def synthetic_assertion(claim_id: str, assertion: str, date: dt.date, wording: str, **fields) -> dict:
    """One synthetic ledger row of an assertion (no figure, stated at a point in time); ``fields``
    give its subject (and the rest :func:`synthetic_claim` defaults)."""
    return synthetic_claim(
        claim_id,
        **{
            "statement_date": date,
            "kind": "assertion",
            "value": None,
            "qualifier": None,
            "unit": "none",
            "verb": "stated",
            "period": "point_in_time",
            "assertion": assertion,
            "wording": wording,
            **fields,
        },
    )


def x_assertion(claim_id: str, assertion: str, date: dt.date, wording: str) -> pl.DataFrame:
    """A ledger of one synthetic assertion about the X block (the ``platform_block`` subject)."""
    return synthetic_ledger(synthetic_assertion(claim_id, assertion, date, wording, subject="platform_block"))


def rule(kind: str, rule_id: str = "synthetic-rule", evidence=(), **params) -> Rule:
    full = {k: default for k, (_, default) in RULE_KINDS[kind].params.items()}
    full.update(params)
    return Rule(id=rule_id, kind=kind, title="synthetic", select=Selector(), params=full, evidence=tuple(evidence))


def spec(source: str, **options) -> EvidenceSpec:
    full = {k: default for k, (_, default) in EVIDENCE_SOURCES[source].options.items()}
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
        synthetic_claim("synthetic-late", statement_date=D(2024, 11, 13), value=844008.0, unit="web_links"),
    )
    verdict = by_ids(audit(ledger, rule("series_consistency")), "synthetic-early", "synthetic-late")
    assert verdict.status is Status.INCONSISTENT
    assert "903,074" in verdict.explanation and "844,008" in verdict.explanation
    assert "−59,066" in verdict.explanation
    assert "unit changed from URLs to web links" in verdict.explanation


def test_links_and_websites_are_not_one_series():
    # 980,000 links (a court filing) then 418,139 websites: a website holds many links, so no fall is shown
    ledger = synthetic_ledger(
        synthetic_claim("synthetic-links", statement_date=D(2021, 1, 1), value=980000.0, unit="web_links"),
        synthetic_claim("synthetic-sites", statement_date=D(2021, 2, 2), value=900000.0, unit="websites"),
    )
    verdicts = audit(ledger, rule("series_consistency"))
    assert all(v.status is not Status.INCONSISTENT for v in verdicts)
    verdict = by_ids(verdicts, "synthetic-links", "synthetic-sites")
    assert verdict.status is Status.NOT_COMPARABLE
    assert "a website can hold many URLs" in verdict.explanation


def test_a_total_since_a_date_is_not_compared_with_one_that_gives_no_start_unless_the_rule_says_so():
    ledger = synthetic_ledger(
        synthetic_claim("synthetic-all", statement_date=D(2021, 1, 1), value=980000.0),
        synthetic_claim(
            "synthetic-since",
            statement_date=D(2021, 2, 2),
            value=900000.0,
            period="cumulative_since",
            period_start=D(2016, 1, 1),
        ),
    )
    verdict = by_ids(audit(ledger, rule("series_consistency")), "synthetic-all", "synthetic-since")
    assert verdict.status is Status.NOT_COMPARABLE and "different spans" in verdict.explanation
    same = by_ids(
        audit(ledger, rule("series_consistency", since_is_series_start=True)), "synthetic-all", "synthetic-since"
    )
    assert same.status is Status.INCONSISTENT


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
        synthetic_claim("synthetic-b", statement_date=D(2023, 1, 1), value=800.0, **{field: later}),
    )
    verdicts = audit(ledger, rule("series_consistency"))
    assert [v.status for v in verdicts] == [Status.NOT_COMPARABLE]
    assert reason in verdicts[0].explanation
    # far below (a part against a whole): not mistaken for a fall, so nothing to say
    far = ledger.with_columns(value=pl.when(pl.col("claim_id") == "synthetic-b").then(10.0).otherwise(pl.col("value")))
    assert audit(far, rule("series_consistency")) == []


def test_a_lower_bound_headline_conflicts_only_when_the_rule_says_so():
    ledger = synthetic_ledger(
        synthetic_claim("synthetic-exact", statement_date=D(2024, 11, 13), value=844008.0, unit="websites"),
        synthetic_claim(
            "synthetic-over", statement_date=D(2024, 11, 18), value=500000.0, unit="websites", qualifier="over"
        ),
    )
    strict = by_ids(
        audit(ledger, rule("series_consistency", headline_lower_bound_conflicts=True)),
        "synthetic-exact",
        "synthetic-over",
    )
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
    assert (
        by_ids(
            audit(near, rule("series_consistency", headline_lower_bound_conflicts=True)),
            "synthetic-exact",
            "synthetic-over",
        ).status
        is Status.CONSISTENT
    )


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
    over = synthetic_ledger(
        synthetic_claim("synthetic-total", statement_id="synthetic-stmt", category="total", value=1000.0), *rows
    )
    verdict = audit(over, rule("series_consistency", checks=["parts"]))[0]
    assert verdict.status is Status.INCONSISTENT
    assert "1,020" in verdict.explanation and "exceed the total by 20" in verdict.explanation
    fits = synthetic_ledger(
        synthetic_claim("synthetic-total", statement_id="synthetic-stmt", category="total", value=1100.0), *rows
    )
    verdict = audit(fits, rule("series_consistency", checks=["parts"]))[0]
    assert verdict.status is Status.CONSISTENT and "80 is not attributed" in verdict.explanation


def test_window_additions_are_checked_against_the_change_in_the_running_total():
    def ledger(addition: float) -> pl.DataFrame:
        return synthetic_ledger(
            synthetic_claim("synthetic-c0", statement_date=D(2022, 6, 30), value=1000.0),
            synthetic_claim("synthetic-c1", statement_date=D(2023, 7, 1), value=1300.0),
            synthetic_claim(
                "synthetic-fy",
                statement_date=D(2023, 9, 1),
                value=addition,
                period="fiscal_year",
                period_start=D(2022, 7, 1),
                period_end=D(2023, 6, 30),
            ),
        )

    ok = by_ids(
        audit(ledger(300.0), rule("series_consistency", checks=["additions"])),
        "synthetic-c0",
        "synthetic-fy",
        "synthetic-c1",
    )
    assert ok.status is Status.CONSISTENT and "= 300" in ok.explanation
    bad = by_ids(
        audit(ledger(500.0), rule("series_consistency", checks=["additions"])),
        "synthetic-c0",
        "synthetic-fy",
        "synthetic-c1",
    )
    assert bad.status is Status.INCONSISTENT


def test_window_additions_without_running_totals_are_insufficient():
    ledger = synthetic_ledger(
        synthetic_claim("synthetic-fy", period="fiscal_year", period_start=D(2022, 7, 1), period_end=D(2023, 6, 30)),
    )
    verdict = audit(ledger, rule("series_consistency", checks=["additions"]))[0]
    assert verdict.status is Status.INSUFFICIENT and "before 2022-07-01" in verdict.explanation


_dates = st.lists(st.integers(min_value=0, max_value=3000), min_size=2, max_size=8, unique=True)


@settings(max_examples=40, deadline=None)
@given(
    days=_dates,
    steps=st.lists(st.integers(min_value=0, max_value=10**6), min_size=8, max_size=8),
    family=st.sampled_from([("urls", "web_links"), ("websites", "sites")]),
    picks=st.lists(st.integers(min_value=0, max_value=1), min_size=8, max_size=8),
)
def test_a_non_decreasing_series_never_yields_inconsistent(days, steps, family, picks):
    # units vary within one family (URLs and web links; websites and sites): one series
    units = [family[p] for p in picks]
    days = sorted(days)
    values = [float(sum(steps[: i + 1])) for i in range(len(days))]
    rows = [
        synthetic_claim(f"synthetic-{i}", statement_date=D(2015, 1, 1) + dt.timedelta(days=d), value=v, unit=units[i])
        for i, (d, v) in enumerate(zip(days, values, strict=True))
    ]
    verdicts = audit(synthetic_ledger(*rows), rule("series_consistency"))
    assert verdicts, "a series of two or more dated figures must be judged"
    assert all(v.status is not Status.INCONSISTENT for v in verdicts)


@settings(max_examples=30, deadline=None)
@given(values=st.lists(st.integers(min_value=1, max_value=10**6), min_size=3, max_size=7), data=st.data())
def test_row_order_changes_nothing(values, data):
    rows = [
        synthetic_claim(f"synthetic-{i}", statement_date=D(2016 + i, 1, 1), value=float(v))
        for i, v in enumerate(values)
    ]
    shuffled = data.draw(st.permutations(rows))
    first = audit(synthetic_ledger(*rows), rule("series_consistency"))
    second = audit(synthetic_ledger(*shuffled), rule("series_consistency"))
    assert [v.to_dict() for v in first] == [v.to_dict() for v in second]


# --------------------------------------------------------------------------- report_agreement

SOURCE_SCHEMA = {"claim_id": pl.String, "url": pl.String, "outlet": pl.String, "figure_as_printed": pl.String}


def synthetic_sources(*rows: tuple[str, str, str | None]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "claim_id": c,
                "url": f"https://example.org/synthetic/{o.lower().replace(' ', '-')}",
                "outlet": o,
                "figure_as_printed": f,
            }
            for c, o, f in rows
        ],
        schema=SOURCE_SCHEMA,
    )


def test_two_outlets_reporting_different_counts_of_one_event_disagree_with_the_spread():
    ledger = synthetic_ledger(
        synthetic_claim(
            "synthetic-31000",
            statement_id="synthetic-briefing",
            subject="vpn_registration",
            metric="vpns_registered",
            value=31000.0,
            qualifier="over",
            unit="vpns",
            verb="registered",
        ),
        synthetic_claim(
            "synthetic-33000",
            statement_id="synthetic-briefing",
            subject="vpn_registration",
            metric="vpns_registered",
            value=33000.0,
            qualifier="over",
            unit="vpns",
            verb="registered",
        ),
    )
    sources = synthetic_sources(
        ("synthetic-31000", "Outlet A", "over 31,000"), ("synthetic-33000", "Outlet B", "over 33,000")
    )
    verdicts = audit(ledger, rule("report_agreement"), claims__sources=sources)
    verdict = by_ids(verdicts, "synthetic-31000", "synthetic-33000")
    assert verdict.status is Status.REPORTS_DIFFER  # one statement: the outlets differ, not the claimant
    assert verdict.finding_template == "report_agreement.bounds_differ"
    assert verdict.reasons[0]["difference"] == 2000 and round(verdict.reasons[0]["share"], 3) == 0.065
    assert "min 31,000, max 33,000, difference 2,000 (6.5% of the lower figure)" in verdict.explanation
    assert "Outlet A" in verdict.explanation and "Outlet B" in verdict.explanation
    assert "lower bounds" in verdict.explanation
    assert set(verdict.links) == set(sources["url"])
    lenient = audit(ledger, rule("report_agreement", bounds_agree=True), claims__sources=sources)
    assert lenient[0].status is Status.CONSISTENT


def test_one_claim_printed_differently_by_outlets_is_a_probable_misprint_not_an_inconsistency():
    ledger = synthetic_ledger(synthetic_claim("synthetic-blasphemy", value=100183.0))
    sources = synthetic_sources(
        ("synthetic-blasphemy", "Outlet A", "100,183"),
        ("synthetic-blasphemy", "Outlet B", "101,083"),
        ("synthetic-blasphemy", "Outlet C", "ایک لاکھ 183"),
    )
    verdict = audit(ledger, rule("report_agreement"), claims__sources=sources)[0]
    assert verdict.status is Status.REPORTS_DIFFER
    assert verdict.finding_template == "report_agreement.probable_misprint"
    misprint = [c for c in verdict.caveats if c["kind"] == "probable_misprint"]
    assert misprint and misprint[0]["figures"] == [[100183.0, 101083.0]]
    assert "100,183 and 101,083" in verdict.finding
    assert [c["outlet"] for c in verdict.reasons[0]["claims"]] == ["Outlet A", "Outlet B", "Outlet C"]
    assert "100,183 by Outlet A" in verdict.explanation and "Outlet C" in verdict.explanation
    assert "101,083 by Outlet B" in verdict.explanation


def test_rounded_and_bounded_prints_of_an_exact_figure_agree():
    ledger = synthetic_ledger(synthetic_claim("synthetic-porn", value=844008.0))
    sources = synthetic_sources(
        ("synthetic-porn", "Outlet A", "844,008"),
        ("synthetic-porn", "Outlet B", "844,000"),
        ("synthetic-porn", "Outlet C", "over 800,000"),
    )
    verdict = audit(ledger, rule("report_agreement"), claims__sources=sources)[0]
    assert verdict.status is Status.CONSISTENT
    assert "compatible with the exact figure 844,008" in verdict.explanation


def test_a_spread_from_zero_gives_no_share_of_the_lower_figure():
    ledger = synthetic_ledger(synthetic_claim("synthetic-zero", value=0.0))
    sources = synthetic_sources(("synthetic-zero", "Outlet A", "0"), ("synthetic-zero", "Outlet B", "5"))
    verdict = audit(ledger, rule("report_agreement"), claims__sources=sources)[0]
    assert verdict.status is Status.REPORTS_DIFFER
    assert "min 0, max 5, difference 5." in verdict.explanation and "of the lower figure" not in verdict.explanation
    assert verdict.figures["relative_difference"] is None


def test_a_single_report_gets_no_agreement_verdict():
    ledger = synthetic_ledger(synthetic_claim("synthetic-alone"))
    assert (
        audit(ledger, rule("report_agreement"), claims__sources=synthetic_sources(("synthetic-alone", "A", "100")))
        == []
    )


@pytest.mark.parametrize(
    ("printed", "value"),
    [
        ("763, 202", 763202.0),
        ("980 000", 980000.0),
        ("1.109 million", 1109000.0),
        ("10 لاکھ 91 ہزار 95", 1091095.0),
        ("تقریباً دو کروڑ", 20000000.0),
        ("70 ہزار آٹھ سو", 70800.0),  # Express Urdu's print of the 70,800 X links (LHC, 2026-01-16)
        ("40 سوشل میڈیا", 40.0),  # a word that merely starts with سو is not "hundred"
        ("over 111,9000", None),
        ("1,22", None),
        ("no figure", None),
    ],
)
def test_printed_figures_are_read_or_refused(printed, value):
    from claimaudit.audit._agreement import parse_figure

    assert parse_figure(printed) == value


# --------------------------------------------------------------------------- unit_drift


def _twenty_million(claim_id: str, day: int, unit: str, period: str, metric: str) -> dict:
    return synthetic_claim(
        claim_id,
        statement_date=D(2024, 11, day),
        value=20_000_000.0,
        unit=unit,
        period=period,
        metric=metric,
        subject="gateway_attempts",
        qualifier="about",
    )


def test_the_same_number_with_another_unit_is_flagged():
    ledger = synthetic_ledger(
        _twenty_million("synthetic-attempts", 13, "attempts", "per_day", "access_attempts_blocked"),
        _twenty_million("synthetic-weekly", 18, "people", "per_week", "people_accessing"),
        _twenty_million("synthetic-people", 20, "people", "unspecified", "people_accessing"),
    )
    verdict = audit(ledger, rule("unit_drift"))[0]
    assert verdict.status is Status.INCONSISTENT
    assert verdict.claim_ids == ("synthetic-attempts", "synthetic-weekly", "synthetic-people")
    assert "20,000,000" in verdict.explanation
    assert "attempts (per day" in verdict.explanation and "people (per week" in verdict.explanation


def test_the_same_number_with_the_same_meaning_is_consistent_and_far_apart_is_ignored():
    same = synthetic_ledger(
        _twenty_million("synthetic-a", 13, "attempts", "per_day", "x"),
        _twenty_million("synthetic-b", 14, "attempts", "per_day", "x"),
    )
    assert audit(same, rule("unit_drift"))[0].status is Status.CONSISTENT
    far = synthetic_ledger(
        _twenty_million("synthetic-a", 1, "attempts", "per_day", "x"),
        _twenty_million("synthetic-b", 28, "people", "per_week", "x"),
    )
    assert audit(far, rule("unit_drift", window_days=10)) == []


# --------------------------------------------------------------------------- plausibility

BASELINE_SCHEMA = {
    "baseline_id": pl.String,
    "as_of": pl.Date,
    "date_precision": pl.String,
    "metric": pl.String,
    "value": pl.Float64,
    "unit": pl.String,
    "publisher": pl.String,
    "source_url": pl.String,
}


def synthetic_baselines() -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "baseline_id": "synthetic-users",
                "as_of": D(2024, 1, 1),
                "date_precision": "month",
                "metric": "internet_users",
                "value": 100_000_000.0,
                "unit": "people",
                "publisher": "Synthetic Stats",
                "source_url": "https://example.org/synthetic/users",
            },
            {
                "baseline_id": "synthetic-broadband",
                "as_of": D(2024, 11, 30),
                "date_precision": "day",
                "metric": "broadband_subscribers",
                "value": 140_000_000.0,
                "unit": "subscriptions",
                "publisher": "Synthetic Regulator",
                "source_url": "https://example.org/synthetic/broadband",
            },
        ],
        schema=BASELINE_SCHEMA,
    )


def test_plausibility_shows_the_arithmetic_and_flags_a_figure_above_the_bound():
    ledger = synthetic_ledger(
        synthetic_claim(
            "synthetic-people", statement_date=D(2024, 11, 18), value=150_000_000.0, unit="people", period="per_week"
        )
    )
    verdict = audit(
        ledger, rule("plausibility", per=["internet_users"], max_ratio=1.0), baselines=synthetic_baselines()
    )[0]
    assert verdict.status is Status.INCONSISTENT
    assert "150,000,000" in verdict.explanation and "100,000,000" in verdict.explanation
    assert "= 1.50" in verdict.explanation and "synthetic-users" in verdict.explanation
    assert "https://example.org/synthetic/users" in verdict.links


def test_plausibility_within_the_bound_and_without_a_near_baseline():
    ledger = synthetic_ledger(
        synthetic_claim(
            "synthetic-attempts", statement_date=D(2024, 11, 13), value=20_000_000.0, unit="attempts", period="per_day"
        )
    )
    verdict = audit(
        ledger,
        rule("plausibility", per=["broadband_subscribers", "internet_users"], max_ratio=1.0),
        baselines=synthetic_baselines(),
    )[0]
    assert verdict.status is Status.CONSISTENT
    assert (
        "= 0.14 attempts per subscription" in verdict.explanation
        and "= 0.20 attempts per person" in verdict.explanation
    )
    far = audit(
        ledger,
        rule("plausibility", per=["internet_users"], max_ratio=1.0, max_gap_days=30),
        baselines=synthetic_baselines(),
    )[0]
    assert far.status is Status.INSUFFICIENT


def test_plausibility_passes_over_a_zero_baseline_instead_of_dividing_by_it():
    ledger = synthetic_ledger(
        synthetic_claim(
            "synthetic-attempts", statement_date=D(2024, 11, 13), value=20_000_000.0, unit="attempts", period="per_day"
        )
    )
    zero = synthetic_baselines().with_columns(value=pl.lit(0.0))
    verdict = audit(ledger, rule("plausibility", per=["internet_users"], max_ratio=1.0), baselines=zero)[0]
    assert verdict.status is Status.INSUFFICIENT and "no baseline (internet_users)" in verdict.explanation


# --------------------------------------------------------------------------- evidence_vs_assertion

SIGNAL_SCHEMA = {
    "signal_id": pl.String,
    "observer": pl.String,
    "evidence_kind": pl.String,
    "subject": pl.String,
    "signal": pl.String,
    "event_date": pl.Date,
    "event_date_end": pl.Date,
    "value": pl.Float64,
    "value_high": pl.Float64,
    "unit": pl.String,
    "finding": pl.String,
    "networks": pl.String,
    "source_url": pl.String,
}


def synthetic_signal(signal_id: str, **fields) -> dict:
    row = {
        "signal_id": signal_id,
        "observer": "Synthetic Observer",
        "evidence_kind": "third_party_observation",
        "subject": "vpn_outage",
        "signal": "outage_reports",
        "event_date": D(2024, 11, 10),
        "event_date_end": None,
        "value": 10.0,
        "value_high": None,
        "unit": "reports",
        "finding": None,
        "networks": None,
        "source_url": f"https://example.org/synthetic/{signal_id}",
    }
    row.update(fields)
    return row


def denial(claim_id: str = "synthetic-denial", day: dt.date = D(2024, 12, 16)) -> pl.DataFrame:
    return synthetic_ledger(
        synthetic_assertion(
            claim_id,
            "vpns_not_blocked",
            day,
            "not blocked any VPNs",
            subject="vpn_blocking",
            metric="vpn_blocking_status",
        )
    )


def vpn_rule(**params) -> Rule:
    return rule(
        "evidence_vs_assertion",
        polarity={"vpns_not_blocked": "denies_blocking", "x_blocked": "affirms_blocking"},
        evidence=[
            spec("ooni_aggregation", test_names=["psiphon", "tor"]),
            spec("signals", subjects=["vpn_outage"]),
            spec("google_trends_vpn"),
            spec("tor_users"),
        ],
        **params,
    )


def synthetic_ooni(anomalies_per_network: dict[str, int], *, measurements: int = 40) -> pl.DataFrame:
    rows = []
    for test in ("psiphon", "tor"):
        for asn, anomalies in anomalies_per_network.items():
            rows.append(
                {
                    "test_name": test,
                    "measurement_start_day": "2024-11-10",
                    "probe_asn": int(asn),
                    "measurement_count": measurements,
                    "anomaly_count": anomalies,
                    "confirmed_count": 0,
                    "failure_count": 0,
                    "ok_count": measurements - anomalies,
                }
            )
    return pl.DataFrame(rows)


def test_offline_a_denial_against_reported_outages_is_weakly_contradicted_and_says_why():
    signals = pl.DataFrame([synthetic_signal("synthetic-outage")], schema=SIGNAL_SCHEMA)
    verdict = audit(denial(), vpn_rule(lookback_days=45), signals=signals)[0]
    assert verdict.status is Status.CONTRADICTED
    assert verdict.evidence_strength is Strength.THIRD_PARTY_OBSERVATION
    assert "weak" in verdict.explanation and "ooni_api/aggregation" in verdict.explanation
    assert "not available offline" in verdict.explanation
    missing = [e for e in verdict.evidence if not e.available]
    assert {e.source for e in missing} >= {"ooni_api/aggregation", "tor_metrics/userstats"}
    assert "https://example.org/synthetic/synthetic-outage" in verdict.links


def test_offline_without_observations_a_denial_is_insufficient_evidence():
    signals = pl.DataFrame([synthetic_signal("synthetic-old", event_date=D(2020, 1, 1))], schema=SIGNAL_SCHEMA)
    verdict = audit(denial(), vpn_rule(), signals=signals)[0]
    assert verdict.status is Status.INSUFFICIENT and verdict.evidence_strength is Strength.NONE
    assert "missing: ooni_api/aggregation" in verdict.explanation
    assert verdicts_frame([verdict])["n"].to_list() == [None]


def test_media_reports_below_the_minimum_strength_cannot_decide():
    signals = pl.DataFrame([synthetic_signal("synthetic-media", evidence_kind="media_report")], schema=SIGNAL_SCHEMA)
    verdict = audit(denial(), vpn_rule(lookback_days=45), signals=signals)[0]
    assert verdict.status is Status.INSUFFICIENT
    assert "below the rule's minimum strength" in verdict.explanation


def test_measured_anomalies_contradict_a_denial_with_n_and_networks():
    ooni = synthetic_ooni({"17557": 20, "9541": 1, "45595": 0})
    verdict = audit(denial(), vpn_rule(lookback_days=45), ooni=ooni)[0]
    assert verdict.status is Status.CONTRADICTED
    assert verdict.evidence_strength is Strength.DIRECT_MEASUREMENT
    assert "240 measurements on 3 networks" in verdict.explanation
    assert "on 1 of 3 networks (AS17557;" in verdict.explanation and "not confirmed blocking" in verdict.explanation
    measured = next(e for e in verdict.evidence if e.source == "ooni_api/aggregation")
    assert measured.n == 240 and measured.networks == ("AS17557", "AS45595", "AS9541")
    assert verdicts_frame([verdict])["n"].to_list() == [240]
    assert any(
        link.startswith("https://explorer.ooni.org/chart/mat?probe_cc=PK&test_name=psiphon") for link in verdict.links
    )


def test_riseupvpn_measurements_ooni_no_longer_scores_are_left_out_and_said_as_data():
    # Defect 3 of issue 12: since 2023-10-17 every riseupvpn measurement counts as "ok" (ooni/backend
    # fastpath/core.py:1469-1475); 1,000 of them would dilute AS17557's anomaly rate below threshold.
    ooni = synthetic_ooni({"17557": 20, "9541": 1, "45595": 0})
    padding = pl.DataFrame(
        [
            {
                "test_name": "riseupvpn",
                "measurement_start_day": "2024-11-10",
                "probe_asn": 17557,
                "measurement_count": 1000,
                "anomaly_count": 0,
                "confirmed_count": 0,
                "failure_count": 0,
                "ok_count": 1000,
            }
        ]
    )
    rule_with_tests = rule(
        "evidence_vs_assertion",
        polarity={"vpns_not_blocked": "denies_blocking"},
        evidence=[spec("ooni_aggregation", test_names=["psiphon", "tor", "riseupvpn"])],
        lookback_days=45,
    )
    verdict = audit(denial(), rule_with_tests, ooni=pl.concat([ooni, padding], how="diagonal_relaxed"))[0]
    assert verdict.status is Status.CONTRADICTED
    assert "240 measurements on 3 networks" in verdict.explanation
    assert "OONI stopped scoring riseupvpn measurements on 2023-10-17" in verdict.explanation
    assert "1,000 measurements left out" in verdict.explanation
    assert verdict.figures["ooni_unscored_left_out"] == 1000
    measured = next(e for e in verdict.evidence if e.source == "ooni_api/aggregation")
    assert "riseupvpn_unscored" in measured.to_dict()["note"]


def test_clean_measurements_support_a_denial_and_thin_ones_do_not_decide():
    clean = audit(denial(), vpn_rule(), ooni=synthetic_ooni({"17557": 0, "9541": 1}))[0]
    assert clean.status is Status.SUPPORTED and clean.evidence_strength is Strength.DIRECT_MEASUREMENT
    thin = audit(denial(), vpn_rule(), ooni=synthetic_ooni({"17557": 0}, measurements=5))[0]
    assert thin.status is Status.INSUFFICIENT and "too few to conclude" in thin.explanation


def test_a_loader_failure_is_recorded_as_missing_never_raised():
    class SyntheticOffline(FetchError):
        pass

    def failing(**_):
        raise SyntheticOffline("synthetic: no cached aggregation")

    verdict = audit(denial(), vpn_rule(), ooni=failing)[0]
    assert verdict.status is Status.INSUFFICIENT
    assert "synthetic: no cached aggregation" in verdict.explanation


def test_a_vpn_demand_spike_is_reported_with_its_ratio_as_context_only():
    days = pl.date_range(D(2024, 9, 1), D(2024, 12, 31), eager=True)
    values = [80.0 if D(2024, 11, 25) <= d <= D(2024, 11, 26) else 20.0 for d in days]
    trends = pl.DataFrame({"date": days, "value": values})
    verdict = audit(denial(), vpn_rule(lookback_days=45), **{"cenalert-google-trends-vpn__pk": trends})[0]
    assert verdict.status is Status.INSUFFICIENT  # demand alone does not show blocking
    assert "peaked at 80 on 2024-11-25, 4.00 × the trailing 28-day mean of 20.00" in verdict.explanation
    assert "a spike" in verdict.explanation


def test_an_ooni_finding_supports_an_affirmation_with_its_explorer_link():
    claim = x_assertion("synthetic-x", "x_blocked", D(2024, 4, 17), "X blocked")
    findings = pl.DataFrame(
        {
            "id": ["255040833200"],
            "title": ["Synthetic: X blocked"],
            "start_time": ["2024-02-17T00:00:00.000000Z"],
            "end_time": [None],
            "CCs": [["PK"]],
            "ASNs": [[17557, 9541]],
            "test_names": [["web_connectivity"]],
            "domains": [["twitter.com", "x.com"]],
        }
    )
    evidence_rule = rule(
        "evidence_vs_assertion",
        polarity={"x_blocked": "affirms_blocking"},
        evidence=[spec("ooni_findings", domains=["x.com"])],
    )
    verdict = audit(claim, evidence_rule, **{"ooni-incidents__incidents": findings})[0]
    assert verdict.status is Status.SUPPORTED
    assert "https://explorer.ooni.org/findings/255040833200" in verdict.links
    assert "AS17557" in verdict.explanation or "17557" in verdict.explanation


def test_findings_from_the_loader_schema_keep_only_pakistan():
    """claimaudit.datasets.sources gives snake_case ccs/asns; findings for other countries must not count."""
    claim = x_assertion("synthetic-x", "x_blocked", D(2024, 4, 17), "X blocked")
    findings = pl.DataFrame(
        {
            "id": ["255040833200", "999"],
            "title": ["Synthetic: X blocked", "Synthetic: X blocked elsewhere"],
            "start_time": ["2024-02-17T00:00:00.000000Z", "2024-03-01T00:00:00.000000Z"],
            "end_time": [None, None],
            "ccs": [["PK"], ["VE"]],
            "asns": [[17557, 9541], [8048]],
            "test_names": [["web_connectivity"], ["web_connectivity"]],
            "domains": [["twitter.com", "x.com"], ["x.com"]],
        }
    )
    evidence_rule = rule(
        "evidence_vs_assertion",
        polarity={"x_blocked": "affirms_blocking"},
        evidence=[spec("ooni_findings", domains=["x.com"])],
    )
    verdict = audit(claim, evidence_rule, **{"ooni-incidents__incidents": findings})[0]
    assert verdict.status is Status.SUPPORTED
    assert "AS17557" in verdict.explanation and "AS8048" not in verdict.explanation
    assert "https://explorer.ooni.org/findings/999" not in verdict.links


def test_a_lifted_block_is_judged_by_what_followed_the_statement():
    """affirms_unblocking looks forward: a finding that ended before the statement neither supports
    nor contradicts it; measurements afterwards showing the block decide."""
    claim = x_assertion("synthetic-x-lifted", "x_block_lifted", D(2025, 5, 7), "X restored")
    ended = pl.DataFrame(
        {
            "id": ["255040833200"],
            "title": ["Synthetic: X blocked"],
            "start_time": ["2024-02-17T00:00:00.000000Z"],
            "end_time": ["2025-05-06T00:00:00.000000Z"],
            "ccs": [["PK"]],
            "asns": [[17557]],
            "test_names": [["web_connectivity"]],
            "domains": [["x.com"]],
        }
    )
    forward = rule(
        "evidence_vs_assertion",
        polarity={"x_block_lifted": "affirms_unblocking"},
        lookahead_days=30,
        evidence=[spec("ooni_findings", domains=["x.com"])],
    )
    verdict = audit(claim, forward, **{"ooni-incidents__incidents": ended})[0]
    assert verdict.status is Status.INSUFFICIENT
    assert "2025-05-07..2025-06-06" in verdict.explanation
    still = ended.with_columns(end_time=pl.lit(None, dtype=pl.String))
    verdict = audit(claim, forward, **{"ooni-incidents__incidents": still})[0]
    assert verdict.status is Status.CONTRADICTED


def test_an_assertion_the_rule_has_no_polarity_for_is_not_comparable():
    claim = denial().with_columns(assertion=pl.lit("vpns_to_be_restricted"))
    verdict = audit(claim, vpn_rule())[0]
    assert verdict.status is Status.NOT_COMPARABLE and "polarity" in verdict.explanation


def test_a_network_with_too_few_measurements_is_not_called_anomalous():
    ooni = synthetic_ooni({"17557": 0, "9541": 0}).vstack(
        pl.DataFrame(
            {
                "test_name": ["psiphon"],
                "measurement_start_day": ["2024-11-10"],
                "probe_asn": [45595],
                "measurement_count": [2],
                "anomaly_count": [2],
                "confirmed_count": [0],
                "failure_count": [0],
                "ok_count": [0],
            }
        )
    )
    verdict = audit(denial(), vpn_rule(), ooni=ooni)[0]
    assert verdict.status is Status.SUPPORTED
    assert "162 measurements on 3 networks" in verdict.explanation


def test_a_stated_block_rate_must_follow_from_the_counts():
    def ledger(rate: float) -> pl.DataFrame:
        return synthetic_ledger(
            synthetic_claim("synthetic-blocked", statement_id="synthetic-stmt", value=1303000.0, category="total"),
            synthetic_claim(
                "synthetic-processed",
                statement_id="synthetic-stmt",
                value=1380000.0,
                category="total",
                verb="processed",
            ),
            synthetic_claim(
                "synthetic-rate",
                statement_id="synthetic-stmt",
                value=rate,
                category="total",
                kind="ratio",
                unit="percent",
                metric="block_rate",
            ),
        )

    ok = audit(ledger(94.42), rule("series_consistency", checks=["rates"]))[0]
    assert ok.status is Status.CONSISTENT and "= 94.42%" in ok.explanation
    bad = audit(ledger(84.72), rule("series_consistency", checks=["rates"]))[0]
    assert bad.status is Status.INCONSISTENT and "84.72" in bad.explanation


def test_a_block_rate_over_zero_processed_is_not_comparable_rather_than_a_crash():
    ledger = synthetic_ledger(
        synthetic_claim("synthetic-blocked", statement_id="synthetic-stmt", value=0.0, category="total"),
        synthetic_claim(
            "synthetic-processed", statement_id="synthetic-stmt", value=0.0, category="total", verb="processed"
        ),
        synthetic_claim(
            "synthetic-rate",
            statement_id="synthetic-stmt",
            value=0.0,
            category="total",
            kind="ratio",
            unit="percent",
            metric="block_rate",
        ),
    )
    verdict = audit(ledger, rule("series_consistency", checks=["rates"]))[0]
    assert verdict.status is Status.NOT_COMPARABLE and "processed is zero" in verdict.explanation
