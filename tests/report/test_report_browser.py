"""The published HTML in a real browser, offline: nothing requested, nothing broken, fits a phone."""

from __future__ import annotations

import pytest
from test_report import SCRIPT, synthetic_claims, synthetic_executed_notebook, synthetic_sources, synthetic_verdicts

from claimaudit import report
from support.report_browser import visit

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def synthetic_report(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    nb = synthetic_executed_notebook()
    card = report.scorecard_html(synthetic_verdicts(), synthetic_claims(), synthetic_sources())
    nb.cells[1].outputs.append({"output_type": "display_data", "data": {"text/html": card}, "metadata": {}})
    path = folder / "08-publish-transparency-report.html"
    path.write_text(report.html_from_notebook(nb), encoding="utf-8")
    return path


def test_report_loads_offline_without_requests_or_errors(synthetic_report):
    seen = visit(synthetic_report)
    assert seen.external == [], f"requests left the file: {seen.external}"
    assert seen.failed == [] and seen.console_errors == [] and seen.page_errors == []
    assert seen.title == "Synthetic report"


def test_injected_script_shows_as_text(synthetic_report):
    seen = visit(synthetic_report)
    assert SCRIPT in seen.text, "the script tag is shown to the reader as text"
    assert seen.page_errors == [] and seen.console_errors == []


def test_report_fits_a_phone_screen(synthetic_report):
    seen = visit(synthetic_report, width=390, height=844)
    assert seen.scroll_width <= seen.width + 1, f"page is {seen.scroll_width}px wide on a {seen.width}px phone"
