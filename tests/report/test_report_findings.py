"""The report leads with its findings: charts made for each finding (titles from data, data in the
spec), honest badges, outlets' prints apart from official inconsistencies, the incomplete-run banner,
no operator instructions, and the index's first screen."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections import Counter
from types import SimpleNamespace

import polars as pl
import pytest

from claimaudit.report import _finding_charts as fc
from claimaudit.report import _index
from claimaudit.report import _transparency as tr

D = dt.date


def synthetic_claims() -> pl.DataFrame:
    rows = [
        # claim_id, statement_id, date, subject, metric, category, value, unit, period, qualifier, confidence,
        # assertion, claimant
        (
            "synthetic-porn-2022",
            "s-ar",
            D(2022, 3, 1),
            "url_blocking",
            "items_blocked",
            "pornography",
            903074,
            "urls",
            "cumulative",
            "exact",
            "medium",
            None,
            "PTA (Annual Report)",
        ),
        (
            "synthetic-porn-2024",
            "s-press",
            D(2024, 11, 13),
            "url_blocking",
            "items_blocked",
            "pornography",
            844008,
            "web_links",  # same unit family as the URLs above: one series (links vs websites would not be)
            "cumulative",
            "exact",
            "high",
            None,
            "PTA",
        ),
        (
            "synthetic-porn-over",
            "s-chair",
            D(2024, 11, 18),
            "url_blocking",
            "items_blocked",
            "pornography",
            500000,
            "websites",
            "cumulative",
            "over",
            "medium",
            None,
            "PTA Chairman (retd) X",
        ),
        (
            "synthetic-blas-2022",
            "s-ar",
            D(2022, 3, 1),
            "url_blocking",
            "items_blocked",
            "blasphemy",
            77692,
            "urls",
            "cumulative",
            "exact",
            "medium",
            None,
            "PTA (Annual Report)",
        ),
        (
            "synthetic-blas-2024",
            "s-press",
            D(2024, 11, 13),
            "url_blocking",
            "items_blocked",
            "blasphemy",
            100183,
            "urls",
            "cumulative",
            "exact",
            "high",
            None,
            "PTA",
        ),
        (
            "synthetic-blas-2024-misprint",
            "s-press",
            D(2024, 11, 13),
            "url_blocking",
            "items_blocked",
            "blasphemy",
            101083,
            "urls",
            "cumulative",
            "exact",
            "low",
            None,
            "PTA",
        ),
        (
            "synthetic-attempts-day",
            "s-g1",
            D(2024, 11, 13),
            "gateway_attempts",
            "access_attempts_blocked",
            "pornography",
            20000000,
            "attempts",
            "per_day",
            "about",
            "high",
            None,
            "PTA",
        ),
        (
            "synthetic-people-week",
            "s-g2",
            D(2024, 11, 18),
            "gateway_attempts",
            "people_accessing",
            "pornography",
            20000000,
            "people",
            "per_week",
            "about",
            "medium",
            None,
            "PTA Chairman",
        ),
        (
            "synthetic-vpn-sep",
            "s-v1",
            D(2024, 9, 9),
            "vpn_registration",
            "vpns_registered",
            "not_applicable",
            20000,
            "vpns",
            "cumulative",
            "exact",
            "medium",
            None,
            "PTA Chairman",
        ),
        (
            "synthetic-vpn-dec-a",
            "s-v2",
            D(2024, 12, 16),
            "vpn_registration",
            "vpns_registered",
            "not_applicable",
            31000,
            "vpns",
            "cumulative",
            "over",
            "medium",
            None,
            "PTA Chairman",
        ),
        (
            "synthetic-vpn-dec-b",
            "s-v2",
            D(2024, 12, 16),
            "vpn_registration",
            "vpns_registered",
            "not_applicable",
            33000,
            "vpns",
            "cumulative",
            "over",
            "medium",
            None,
            "PTA Chairman",
        ),
        (
            "synthetic-x-denied",
            "s-x1",
            D(2024, 3, 1),
            "platform_block",
            "platform_block_status",
            "not_applicable",
            None,
            None,
            "point_in_time",
            None,
            "medium",
            "x_not_blocked",
            "Caretaker PM",
        ),
        (
            "synthetic-x-said",
            "s-x2",
            D(2024, 3, 20),
            "platform_block",
            "platform_block_status",
            "not_applicable",
            None,
            None,
            "point_in_time",
            None,
            "high",
            "x_blocked",
            "PTA",
        ),
    ]
    cols = [
        "claim_id",
        "statement_id",
        "statement_date",
        "subject",
        "metric",
        "category",
        "value",
        "unit",
        "period",
        "qualifier",
        "confidence",
        "assertion",
        "claimant",
    ]
    frame = pl.DataFrame([dict(zip(cols, r, strict=True)) for r in rows], schema_overrides={"value": pl.Float64})
    return frame.with_columns(
        pl.lit("all_content").alias("scope"),
        pl.when(pl.col("value").is_null())
        .then(pl.lit("none"))
        .when(pl.col("unit") == "people")
        .then(pl.lit("accessed"))
        .otherwise(pl.lit("blocked"))
        .alias("verb"),
        (pl.lit("Synthetic summary of ") + pl.col("claim_id")).alias("summary"),
        pl.lit("synthetic wording <b>").alias("wording"),
        pl.lit("press_statement").alias("venue"),
    )


def synthetic_sources() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "claim_id": [
                "synthetic-blas-2024",
                "synthetic-blas-2024",
                "synthetic-blas-2024-misprint",
                "synthetic-porn-2024",
            ],
            "outlet": ["Synthetic Daily", "Synthetic Weekly", "Synthetic <Blog>", "Synthetic Daily"],
            "url": ["https://example.org/a", "https://example.org/b", "javascript:alert(1)", "https://example.org/c"],
            "verification": ["synthetic"] * 4,
        }
    )


def verdict(rule_id, kind, ids, state, strength="claims_ledger", evidence=()):
    return {
        "rule_id": rule_id,
        "rule_kind": kind,
        "claim_ids": list(ids),
        "verdict": state,
        "evidence_strength": strength,
        "explanation": "synthetic explanation, never parsed",
        "evidence": list(evidence),
    }


def synthetic_inputs(**extra) -> tr.Inputs:
    missing = {"source": "ooni_api/aggregation", "available": False, "note": "synthetic: not in the cache"}
    verdicts = [
        verdict(
            "url-blocking-series", "series_consistency", ["synthetic-porn-2022", "synthetic-porn-2024"], "inconsistent"
        ),
        verdict(
            "url-blocking-report-agreement",
            "report_agreement",
            ["synthetic-blas-2024", "synthetic-blas-2024-misprint"],
            "inconsistent",
        ),
        verdict(
            "gateway-attempts-unit-drift",
            "unit_drift",
            ["synthetic-attempts-day", "synthetic-people-week"],
            "inconsistent",
        ),
        verdict(
            "platform-block-assertions",
            "evidence_vs_assertion",
            ["synthetic-x-denied"],
            "contradicted",
            "direct_measurement",
        ),
        verdict(
            "vpn-outage-cause",
            "evidence_vs_assertion",
            ["synthetic-x-said"],
            "insufficient_evidence",
            "none",
            [missing],
        ),
        verdict(
            "vpn-registration-same-day-reports",
            "report_agreement",
            ["synthetic-vpn-dec-a", "synthetic-vpn-dec-b"],
            "inconsistent",
        ),
    ]
    signals = pl.DataFrame(
        {
            "signal": ["vpn_bandwidth_gbps"] * 2,
            "event_date": [D(2024, 10, 1), D(2024, 11, 1)],
            "value": [815.0, 378.0],
            "finding": [None, None],
            "networks": [None, None],
            "event_date_end": [None, None],
            "verification": [None, None],
        },
        schema_overrides={
            "finding": pl.String,
            "networks": pl.String,
            "event_date_end": pl.Date,
            "verification": pl.String,
        },
    )
    return tr.Inputs(
        verdicts=verdicts, claims=synthetic_claims(), sources=synthetic_sources(), signals=signals, **extra
    )


def spec_title(chart) -> str:
    return fc.title_text(chart)


def inline_data(spec) -> list[dict]:
    """Every row of inline data anywhere in a Vega-Lite spec (datasets are named by hash)."""
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


# --------------------------------------------------------------------------- charts


def test_running_totals_title_states_the_largest_fall_and_a_lower_bound_is_not_a_fall():
    chart = fc.running_totals(synthetic_claims())
    assert spec_title(chart) == (
        "PTA's running total of items blocked as pornography fell from 903,074 (March 2022) to 844,008 (November 2024)"
    )
    rows = fc.running_total_rows(synthetic_claims())
    fell = rows.filter("dropped").get_column("claim_id").to_list()
    assert fell == ["synthetic-porn-2024"], "'over 500,000' is a lower bound, not a fall"
    spec = chart.to_dict()
    values = {r.get("value") for r in inline_data(spec)}
    assert {903074.0, 844008.0, 500000.0} <= values, "the figures drawn are in the spec"
    segments = [r for r in inline_data(spec) if "value2" in r]
    assert segments == [{"date": "2022-03-01", "value": 903074.0, "date2": "2024-11-13", "value2": 844008.0}]


def test_running_totals_panels_are_one_per_category_with_their_own_scale():
    spec = fc.running_totals(synthetic_claims()).to_dict()
    grid = spec["vconcat"][0]
    titles = [p["title"]["text"] for p in grid["concat"]]
    assert titles == ["pornography: 903,074 → 844,008", "blasphemy"], "one panel per category, the fall named"
    assert grid["resolve"]["scale"]["y"] == "independent"


def test_restatements_title_follows_the_figure_through_its_units_and_periods():
    chart = fc.restatements(synthetic_claims())
    assert (
        spec_title(chart)
        == "PTA's “20 million blocked attempts a day” (13 November 2024) became 20 million people a week within 5 days"
    )
    labels = {r["label"] for r in inline_data(chart.to_dict()) if "label" in r}
    assert labels == {"20,000,000 access attempts blocked a day", "20,000,000 people accessing a week"}


def test_per_subscriber_divides_by_the_baselines_the_verdict_used():
    baselines = pl.DataFrame(
        {
            "baseline_id": ["synthetic-bb", "synthetic-users", "synthetic-fixed"],
            "as_of": [D(2024, 11, 30), D(2024, 1, 1), D(2024, 9, 1)],
            "metric": ["broadband_subscribers", "internet_users", "fixed_broadband_subscribers"],
            "value": [143_000_000, 111_000_000, 3_600_000],
            "publisher": ["PTA", "DataReportal", "PTA"],
        }
    )
    rows = fc.per_subscriber_rows(synthetic_claims(), baselines)
    assert rows.get_column("baseline_id").to_list() == ["synthetic-users", "synthetic-bb"], (
        "fixed broadband only when asked"
    )
    assert rows.get_column("per_unit").to_list() == pytest.approx([20e6 / 111e6, 20e6 / 143e6])
    chart = fc.per_subscriber(synthetic_claims(), baselines, baseline_ids=["synthetic-bb"])
    assert spec_title(chart) == "20 million blocked attempts a day is 0.14–0.14 a day per subscription or internet user"


def test_registrations_draw_a_statements_prints_as_one_range_and_only_the_deadline():
    events = pl.DataFrame(
        {
            "event_id": ["2024-11-30-deadline", "2024-11-10-outage"],
            "start_date": [D(2024, 11, 30), D(2024, 11, 10)],
            "kind": ["deadline", "vpn_disruption"],
            "summary": ["synthetic deadline", "synthetic outage"],
            "annotate": [True, True],
        }
    )
    chart = fc.registrations(synthetic_claims(), events)
    assert (
        spec_title(chart)
        == "Registered VPNs, as stated, went from 20,000 (9 September 2024) to 31,000–33,000 (16 December 2024)"
    )
    ranges = [r for r in inline_data(chart.to_dict()) if "low" in r]
    assert [(r["low"], r["high"], r["prints"]) for r in ranges] == [(20000.0, 20000.0, 1), (31000.0, 33000.0, 2)]
    key = [r["line"] for r in inline_data(chart.to_dict()) if "line" in r]
    assert any("deadline" in line for line in key) and not any("outage" in line for line in key), "only relevant events"


def test_outage_panels_draw_what_is_there_and_name_what_is_not():
    signals = pl.DataFrame(
        {"signal": ["vpn_bandwidth_gbps"] * 2, "event_date": [D(2024, 10, 1), D(2024, 11, 1)], "value": [815.0, 378.0]}
    )
    chart = fc.outage_panels(signals=signals)
    assert (
        spec_title(chart)
        == "PTA's own figure for VPN bandwidth fell from 815 Gbps (October 2024) to 378 Gbps (November 2024)"
    )
    key = [r["line"] for r in inline_data(chart.to_dict()) if "line" in r]
    assert sum(line.startswith("Not drawn (not available)") for line in key) == 3, key
    with pytest.raises(ValueError, match="nothing to draw"):
        fc.outage_panels()


def test_x_timeline_counts_the_denials_against_the_finding_that_covers_them():
    incidents = pl.DataFrame(
        {
            "ccs": [["PK"], ["PK"]],
            "domains": [["twitter.com"], ["twitter.com", "x.com"]],
            "start_time": [dt.datetime(2023, 5, 9), dt.datetime(2024, 2, 17)],
            "end_time": [dt.datetime(2023, 5, 17), None],
            "title": ["synthetic 2023", "synthetic 2024"],
            "asns": [["AS1"], ["AS1", "AS2"]],
        }
    )
    denial_dates = (
        fc.x_statement_rows(synthetic_claims())
        .filter(pl.col("said") == "said X was not blocked")
        .get_column("statement_date")
    )
    finding = fc.x_finding(None, incidents, around=denial_dates.to_list())
    assert finding["title"] == "synthetic 2024", "the finding that covers the statements, not the first one"
    chart = fc.x_timeline(synthetic_claims(), finding=finding)
    assert (
        spec_title(chart)
        == "1 official statements said X was not blocked while OONI found it blocked from 17 February 2024 to ongoing"
    )


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_every_finding_chart_is_valid_vega_lite(lang):
    """The report renders chart specs without altair's schema validation (cost); here each one is
    validated against the Vega-Lite schema, in each edition's language."""
    from claimaudit import i18n

    with i18n.language(lang):
        charts = [chart for finding in tr.findings(synthetic_inputs()) for chart in finding.charts]
        assert charts
        for chart in charts:
            chart.to_dict(validate=True)  # raises altair's SchemaValidationError on an invalid spec


def test_every_finding_chart_has_a_source_line():
    inp = synthetic_inputs()
    for finding in tr.findings(inp):
        for chart in finding.charts:
            lines = [r["line"] for r in inline_data(chart.to_dict()) if "line" in r]
            assert any(line.startswith("Source: ") for line in lines), finding.key


# --------------------------------------------------------------------------- the report


def test_outlets_printing_different_figures_is_its_own_state_not_an_official_contradiction():
    inp = synthetic_inputs()
    states = {v["rule_id"]: v["verdict"] for v in inp.verdicts}
    assert states["url-blocking-report-agreement"] == "reports_differ"
    assert states["url-blocking-series"] == "inconsistent"
    prints = next(f for f in tr.findings(inp) if f.key == "prints-differ")
    assert prints.sentence == (
        "Outlets printed 2 official statements with different figures; PTA Chairman's count of vpns "
        "registered on 16 December 2024 appeared as 31,000 and 33,000"
    ), "the widest spread leads"
    assert tr.badge(prints.verdict)["words"] == "Outlets printed different figures"
    blasphemy = next(v for v in inp.verdicts if v["rule_id"] == "url-blocking-report-agreement")
    assert tr.badge(blasphemy)["weak"], "resting on a low-confidence print, the badge says weak"


def test_badge_shows_weak_evidence_in_words():
    assert tr.badge({"verdict": "contradicted", "evidence_strength": "media_report"})["weak_words"] == "weak evidence"
    strong = tr.badge({"verdict": "contradicted", "evidence_strength": "direct_measurement", "caveats": []})
    assert not strong["weak"] and strong["marks"] == "●●●"
    unverified = tr.badge(
        {
            "verdict": "contradicted",
            "evidence_strength": "direct_measurement",
            "caveats": [{"kind": "unverified_observation"}],
        }
    )
    assert unverified["weak"]


def test_one_entry_per_statement_lists_each_outlets_print_and_escapes_them():
    inp = synthetic_inputs()
    entries = tr.statements(inp, ["synthetic-blas-2024", "synthetic-blas-2024-misprint"])
    assert len(entries) == 1, "two prints of one statement are one entry"
    figures = [(p["figure"], [o["name"] for o in p["outlets"]]) for p in entries[0]["prints"]]
    assert figures == [
        ("100,183 urls", ["Synthetic Daily", "Synthetic Weekly"]),
        ("101,083 urls", ["Synthetic <Blog>"]),
    ]
    html = tr.sections_html(inp, tr.findings(inp))
    assert "Synthetic &lt;Blog&gt;" in html and "<Blog>" not in html
    assert "javascript:" not in html, "only http(s) links"
    assert "synthetic wording &lt;b&gt;" not in html or "<b>" not in html


def test_first_screen_has_lead_banner_and_headlines_without_operator_instructions():
    inp = synthetic_inputs(missing_sources=["tor_metrics/userstats"])
    items = tr.findings(inp)
    html = tr.first_screen_html(inp, items)
    assert 5 <= len(items) <= 8
    assert html.count('class="ca-headline-link"') == len(items)
    assert "This run did not have all the evidence." in html
    banner = re.search(r'<div class="ca-incomplete".*?</div>', html, re.S).group(0)
    assert "OONI network measurements" in banner and "Tor Metrics relay users" in banner
    assert "http" not in banner
    for instruction in ("CLAIMAUDIT_MIRROR", "claimaudit run", "--online", "claimaudit fetch"):
        assert instruction not in html
    assert tr.lead_text(items, inp.verdicts).startswith(
        "PTA's running total of items blocked as pornography fell from 903,074"
    )


def test_what_could_not_be_checked_says_what_would_settle_it():
    groups = tr.not_checked(synthetic_inputs())
    assert groups == [
        {
            "rule": "vpn-outage-cause",
            "rule_id": "vpn-outage-cause",
            "n": 1,
            "examples": ["Synthetic summary of synthetic-x-said"],
            "needs": ["OONI network measurements"],
        }
    ]


def test_evidence_lines_carry_the_readers_page_beside_the_request():
    v = verdict(
        "r",
        "evidence_vs_assertion",
        ["c"],
        "supported",
        "direct_measurement",
        [
            {
                "source": "ooni_api/aggregation",
                "status": "used",
                "n": 40,
                "networks": ["AS1", "AS2"],
                "request_url": "https://api.ooni.io/api/v1/aggregation?probe_cc=PK",
                "page_url": "https://explorer.ooni.org/chart/mat?probe_cc=PK",
            },
        ],
    )
    (line,) = tr.evidence_lines(v)
    assert line["page"] == "https://explorer.ooni.org/chart/mat?probe_cc=PK"
    assert line["request"].startswith("https://api.ooni.io/") and line["n"] == 40 and line["networks"] == 2


def sentence_skeletons(text: str) -> Counter:
    """Sentences with figures, dates and quotations replaced: the template they were made from."""
    sentences = re.split(r"(?<=[.!?])\s+", " ".join(text.split()))
    skeleton = [
        re.sub(
            r"“[^”]*”|\"[^\"]*\"|\d[\d,.–-]*|\b(January|February|March|April|May|June|July|August|September|"
            r"October|November|December)\b",
            "#",
            s,
        )
        for s in sentences
        if len(s.split()) >= 6
    ]
    return Counter(skeleton)


def test_no_sentence_template_repeats_more_than_three_times():
    inp = synthetic_inputs()
    items = tr.findings(inp)
    html = tr.first_screen_html(inp, items) + tr.sections_html(inp, items) + tr.not_checked_html(inp)
    text = re.sub(r"<[^>]+>", " ", html)
    worst = sentence_skeletons(text).most_common(1)[0]
    assert worst[1] <= 3, worst


def test_scorecard_page_lists_every_verdict_and_its_csv(tmp_path):
    inp = synthetic_inputs()
    html, csv = tr.write_scorecard(
        inp, tmp_path, info={"version": "0", "commit": "c" * 40, "dirty": False, "generated": "now"}
    )
    text = html.read_text(encoding="utf-8")
    assert "All 6 verdicts" in text and "Content-Security-Policy" in text
    assert pl.read_csv(csv).height == 6


# --------------------------------------------------------------------------- index.html


def test_one_line_reasons_never_cut_a_word_and_drop_addresses():
    text = (
        "OONI web_connectivity PK (https://api.ooni.io/api/v1/aggregation?probe_cc=PK&since=2024): not in the cache "
        * 5
    )
    line = _index.one_line(text, limit=60)
    assert "http" not in line and len(line) <= 60 and line.endswith("…")
    assert line[:-1].rstrip() in text.replace(" (https://api.ooni.io/api/v1/aggregation?probe_cc=PK&since=2024)", "")
    assert not re.search(r"\w…$", line) or line[:-1].split()[-1] in text.split()


def test_index_first_screen_groups_missing_sources_and_says_the_fix_once(tmp_path):
    (tmp_path / "08-publish-transparency-report.html").write_text("<title>Synthetic report</title>", encoding="utf-8")
    url = "https://api.ooni.io/api/v1/aggregation?probe_cc=PK&test_name=psiphon&since=2024-01-01&until=2024-02-01"
    steps = [
        SimpleNamespace(
            name="fetch",
            status="warning",
            detail="16 from cache; MISSING 2: " + "x " * 300,
            missing=[
                ("acsac-pakistan/tor", f"not in the cache ({url})"),
                ("acsac-pakistan/ooni", "not in the cache"),
                ("OONI psiphon PK 2024-01-01..2024-12-31", f"not in the cache ({url})"),
            ],
        ),
        SimpleNamespace(name="audit", status="done", detail="223 verdicts", missing=[]),
    ]
    html = _index.write_index(
        tmp_path,
        steps=steps,
        info={"version": "0", "commit": "a" * 40, "dirty": False, "generated": "2026-12-01T00:00:00+00:00"},
    ).read_text(encoding="utf-8")
    first = html[: html.index("<h2>Transparency report</h2>")]
    assert first.index("Read the transparency report") < first.index("<table")
    assert "<td>fetch</td><td>warning</td><td>16 from cache; 3 not available (below)</td>" in first
    assert "<strong>acsac-pakistan</strong>: 2 files — not in the cache, and no mirror holds it" in first
    assert "<strong>OONI API (live)</strong>: 1 query window" in first
    assert "api.ooni.io" not in first, "no URL walls"
    assert html.count("CLAIMAUDIT_MIRROR") == 1, "the fix is said once"


# --------------------------------------------------------------------------- notebooks


def test_every_notebook_names_the_kernel_make_installs():
    import json

    from conftest import PROJECT_ROOT

    for path in sorted((PROJECT_ROOT / "notebooks").glob("*.ipynb")):
        spec = json.loads(path.read_text(encoding="utf-8"))["metadata"]["kernelspec"]
        assert (spec["name"], spec["display_name"]) == ("claimaudit", "claimaudit (.venv)"), path.name
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    assert '--name claimaudit --display-name "claimaudit (.venv)"' in makefile


def test_every_audit_notebook_rejudges_its_rules_and_ends_with_what_it_found():
    import json

    from conftest import PROJECT_ROOT

    for path in sorted((PROJECT_ROOT / "notebooks").glob("0[2-6]-audit-*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        sources = ["".join(c["source"]) for c in cells]
        assert any("views.rejudge(" in s and "rule_params" in s for s in sources), path.name
        assert "what_this_notebook_found" in sources[-1], path.name


def test_the_findings_report_in_urdu_leaves_no_message_untranslated():
    """Issue 9's report through issue 10's catalogue: every string a reader sees is in Urdu."""
    from claimaudit import i18n

    inp = synthetic_inputs(missing_sources=["tor_metrics/userstats"])
    i18n.untranslated(clear=True)
    with i18n.language("ur"):
        items = tr.findings(inp)
        html = tr.first_screen_html(inp, items) + tr.sections_html(inp, items) + tr.not_checked_html(inp)
    assert i18n.untranslated("ur") == [], f"shown in English in the Urdu edition: {i18n.untranslated('ur')}"
    assert "اداروں نے مختلف اعداد شائع کیے" in html, "verdict words (VERDICT_WORDS through N_) from the catalogue"
    assert "کمزور شواہد" in html, "badge words from the catalogue"
    with i18n.language("en"):
        english = tr.first_screen_html(inp, tr.findings(inp))
    assert "Outlets printed different figures" in english or "weak evidence" in english


def test_what_was_said_uses_summary_ur_in_urdu_and_marks_an_english_summary():
    from claimaudit import i18n

    inp = synthetic_inputs()
    ur = ["مصنوعی خلاصہ" if c == "synthetic-blas-2024" else None for c in inp.claims["claim_id"]]
    inp = dataclasses.replace(
        inp,
        claims=inp.claims.with_columns(
            pl.lit("Synthetic English summary").alias("summary"), pl.Series("summary_ur", ur, dtype=pl.String)
        ),
    )
    with i18n.language("ur"):
        [urdu] = tr.statements(inp, ["synthetic-blas-2024"])
        [english] = tr.statements(inp, ["synthetic-porn-2022"])
    assert (urdu["summary"], urdu["summary_lang"]) == ("مصنوعی خلاصہ", None)
    assert (english["summary"], english["summary_lang"]) == ("Synthetic English summary", "en")
    with i18n.language("en"):
        [plain] = tr.statements(inp, ["synthetic-blas-2024"])
    assert (plain["summary"], plain["summary_lang"]) == ("Synthetic English summary", None)
