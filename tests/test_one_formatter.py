"""One formatter (claimaudit.i18n): the same stated figure, computed share and date print
identically in the audit's finding and explanation, a chart title, a notebook/report table and
the report's scorecard HTML; a stated figure keeps every digit (synthetic data)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).parent / "audit"))

from test_audit import audit, by_ids, rule, synthetic_claim, synthetic_ledger  # noqa: E402

from claimaudit import i18n  # noqa: E402
from claimaudit.notebook import charts  # noqa: E402
from claimaudit.report import scorecard_html  # noqa: E402
from claimaudit.report._tables import table_html  # noqa: E402


def _fall(earlier: float, later: float):
    ledger = synthetic_ledger(
        synthetic_claim("synthetic-early", statement_date=dt.date(2024, 3, 1), value=earlier),
        synthetic_claim("synthetic-late", statement_date=dt.date(2024, 6, 1), value=later),
    )
    return by_ids(audit(ledger, rule("series_consistency")), "synthetic-early", "synthetic-late")


def test_a_figure_a_share_and_a_date_print_the_same_on_every_path():
    verdict = _fall(1091095.0, 980000.0)
    figure, share, date = "1,091,095", "10.2%", "2024-03-01"
    assert i18n.stated(1091095.0) == figure and i18n.share(111095 / 1091095) == share

    # the audit: finding and explanation (rendered from the structure)
    assert f"from {figure} ({date}) to 980,000" in verdict.finding and f"({share})" in verdict.finding
    assert f"{figure} URLs blocked" in verdict.explanation and f"(−{share})" in verdict.explanation
    # a chart title
    frame = pl.DataFrame({"date": [dt.date(2024, 3, 1)], "value": [1091095.0]})
    assert charts.peak_title(frame, x="date", y="value", subject="Total") == f"Total peaked on {date}"
    assert charts.peak_subtitle(frame, x="date", y="value") == f"Highest value {figure} (as in the data, unrounded)"
    # a notebook / report table
    html = table_html(
        pl.DataFrame({"date": [dt.date(2024, 3, 1)], "value": [1091095.0], "fall_share": [111095 / 1091095]})
    )
    assert f">{figure}<" in html and f">{share}<" in html and f">{date}<" in html
    # the report's scorecard
    record = verdict.to_dict()
    card = scorecard_html(
        pl.DataFrame(
            {k: [record[k]] for k in ("rule_id", "verdict", "explanation", "evidence_strength", "finding")}
            | {"claim_ids": [record["claim_ids"]]}
        )
    )
    assert figure in card and share in card and date in card
    # the Urdu edition prints the same digits (Latin) and the date in its own pattern
    urdu = i18n.fill("{earlier_value} / {change_share} / {earlier_date}", verdict.finding_slots, lang="ur")
    assert urdu == f"{figure} / {share} / {i18n.date(date, 'ur')}"


def test_a_stated_figure_prints_with_every_digit_in_the_explanation():
    verdict = _fall(84.725, 84.72)
    assert "84.725" in verdict.finding and "84.725" in verdict.explanation
    assert "84.73" not in verdict.explanation  # the old formatter rounded to 2 decimals
    # the difference of two stated figures has no digit they did not have
    assert verdict.reasons[0]["difference"] == -0.005
    assert "by 0.005 (0.0059%)" in verdict.finding
