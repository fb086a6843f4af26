"""Publishing: escaped tables and their CSVs, the scorecard, provenance, index, HTML and PDF."""

from __future__ import annotations

import csv
import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import polars as pl
import pytest
import vl_convert as vlc
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from claimaudit import report
from claimaudit.notebook import charts, views

SCRIPT = "<script>alert('synthetic')</script>"


class Links(HTMLParser):
    """Collects tags, their URL attributes and text of an HTML document."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.urls: list[tuple[str, str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            if name in ("href", "src", "xlink:href", "action", "poster", "data") and value:
                self.urls.append((tag, name, value))

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> Links:
    parser = Links()
    parser.feed(html)
    return parser


def synthetic_verdicts() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "rule_id": ["r-insufficient", "r-contradicted", "r-consistent"],
            "claim_ids": [["synthetic-a"], ["synthetic-a", "synthetic-b"], ["synthetic-b"]],
            "verdict": ["insufficient_evidence", "contradicted", "consistent"],
            "explanation": ["no measurements for the window", f"evidence says otherwise {SCRIPT}", "figures agree"],
            "evidence_strength": ["media_report", "direct_measurement", "claims_ledger"],
            "evidence": ["synthetic evidence", "synthetic evidence", None],
            "n": [None, 1234, None],
        }
    )


def synthetic_claims() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "claim_id": ["synthetic-a", "synthetic-b"],
            "subject": ["vpn_blocking", "url_blocking"],
            "summary": [f"Synthetic claim {SCRIPT}", "Second synthetic claim"],
            "wording": ["technical glitch", None],
            "claimant": ["Synthetic Authority", "Synthetic Chair"],
            "authority": ["PTA", "PTA"],
            "statement_date": [dt.date(2024, 11, 11), None],
            "venue": ["press_statement", "senate_committee"],
        }
    )


def synthetic_sources() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "claim_id": ["synthetic-a", "synthetic-a", "synthetic-b"],
            "url": ["https://example.org/a", "javascript:alert(1)", "https://example.org/b?x=1&y=2"],
            "outlet": ["Synthetic Daily", "Evil <i>Outlet</i>", "Synthetic Weekly"],
        }
    )


# --------------------------------------------------------------------------- tables


def test_table_escapes_data_and_writes_the_full_csv(tmp_path):
    page = report.Page("99-synthetic", tables_dir=tmp_path)
    frame = pl.DataFrame(
        {"summary": [SCRIPT, "b", "c"], "value": [844008, 2, 3], "url": ["javascript:x()", "https://e.org", None]}
    )
    view = page.table(frame, "synthetic_rows", caption="A <caption>", max_rows=2, display=False)
    html = view._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "A &lt;caption&gt;" in html
    assert "844,008" in html and "2 of 3 rows shown" in html
    hrefs = [u for _, name, u in parse(html).urls if name == "href"]
    assert hrefs == ["https://e.org"], "only http(s) URLs become links"
    with view.csv_path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert view.csv_path == tmp_path / "99-synthetic__synthetic_rows.csv"
    assert [r["summary"] for r in rows] == [SCRIPT, "b", "c"], "the CSV keeps every row, raw"


def test_table_names_must_be_safe_file_names(tmp_path):
    page = report.Page("99-synthetic", tables_dir=tmp_path)
    with pytest.raises(ValueError, match="table name"):
        page.csv_path("../escape")
    with pytest.raises(ValueError, match="notebook name"):
        report.Page("Bad Name")


def test_list_columns_are_joined_in_the_csv(tmp_path):
    path = report.write_csv(pl.DataFrame({"ids": [["a", "b"], []]}), tmp_path / "t.csv")
    assert path.read_text(encoding="utf-8").splitlines() == ["ids", "a; b", '""']


def test_tables_dir_follows_the_pipeline_staging_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("CLAIMAUDIT_TABLES", str(tmp_path / "stage"))
    assert report.Page("01-x").csv_path("t") == tmp_path / "stage" / "01-x__t.csv"


# --------------------------------------------------------------------------- scorecard


def test_scorecard_orders_contradictions_first_and_never_says_ok():
    html = report.scorecard_html(synthetic_verdicts(), synthetic_claims(), synthetic_sources())
    order = re.findall(r'class="ca-card ca-card-([a-z_]+)"', html)
    assert order == ["contradicted", "consistent", "insufficient_evidence"]
    assert not re.search(r"\bOK\b", html)
    assert "ca-verdict-insufficient_evidence" in html and "? Insufficient evidence" in html
    assert "n = 1,234" in html


def test_scorecard_escapes_claims_and_links_only_web_sources():
    html = report.scorecard_html(synthetic_verdicts(), synthetic_claims(), synthetic_sources())
    parsed = parse(html)
    assert "script" not in parsed.tags
    assert f"Synthetic claim {SCRIPT}" in "".join(parsed.text)
    assert "Evil <i>Outlet</i>" in "".join(parsed.text)
    hrefs = {u for _, name, u in parsed.urls if name == "href"}
    assert hrefs == {"https://example.org/a", "https://example.org/b?x=1&y=2"}


def test_scorecard_csv_has_one_row_per_verdict_and_claim(tmp_path):
    page = report.Page("99-synthetic", tables_dir=tmp_path)
    view = page.scorecard(synthetic_verdicts(), synthetic_claims(), synthetic_sources(), display=False)
    rows = list(csv.DictReader(view.csv_path.open(encoding="utf-8", newline="")))
    assert [(r["rule_id"], r["claim_id"]) for r in rows] == [
        ("r-insufficient", "synthetic-a"),
        ("r-contradicted", "synthetic-a"),
        ("r-contradicted", "synthetic-b"),
        ("r-consistent", "synthetic-b"),
    ]


def test_scorecard_rejects_frames_without_verdicts():
    with pytest.raises(ValueError, match="verdict"):
        report.scorecard_html(pl.DataFrame({"claim_ids": [["a"]]}))


# --------------------------------------------------------------------------- views


def test_verdicts_about_keeps_verdicts_touching_a_subject():
    kept = views.verdicts_about(synthetic_verdicts(), synthetic_claims(), ["url_blocking"])
    assert kept.get_column("rule_id").to_list() == ["r-contradicted", "r-consistent"]


def test_headline_counts_every_state():
    text = views.headline(synthetic_verdicts())
    assert text.startswith("Of 3 verdicts,") and "0 found official figures inconsistent" in text
    assert "1 found a claim contradicted" in text and "1 could not be decided" in text


def test_anomaly_rate_has_no_rate_without_measurements():
    daily = pl.DataFrame({"date": [dt.date(2022, 1, 2), dt.date(2022, 1, 1)], "ok": [0, 3], "total": [0, 4]})
    out = views.anomaly_rate(daily)
    assert out.rows() == [(dt.date(2022, 1, 1), 0.25, 4), (dt.date(2022, 1, 2), None, 0)]


def test_incidents_name_their_networks():
    incidents = pl.DataFrame(
        {
            "id": ["1", "2"],
            "title": ["synthetic PK finding", "synthetic elsewhere"],
            "start_time": [dt.datetime(2024, 2, 17, tzinfo=dt.UTC)] * 2,
            "end_time": [None, None],
            "asns": [[17557, 999999], [1]],
            "ccs": [["PK"], ["IR"]],
            "test_names": [["web_connectivity"], []],
            "domains": [["x.com"], []],
        },
        schema_overrides={"end_time": pl.Datetime("us", "UTC")},
    )
    out = views.incidents_for(incidents, "pk")
    assert out.height == 1
    assert out.get_column("networks").to_list() == [["PTCL (AS17557)", "AS999999 (name unverified)"]]


def test_page_says_plainly_what_is_not_available(tmp_path):
    view = report.Page("99-synthetic", tables_dir=tmp_path).unavailable("Tor <users>", "offline", display=False)
    assert "Not available:" in view.html and "Tor &lt;users&gt;" in view.html


# --------------------------------------------------------------------------- provenance and index


def test_provenance_lists_datasets_with_sha256_version_and_commit(monkeypatch):
    monkeypatch.setenv("CLAIMAUDIT_COMMIT", "synthetic-commit")
    html = report.provenance_html(datasets=["events", "no-such-dataset"], sources=[])
    assert "synthetic-commit" in html and report.run_info()["version"] in html
    from claimaudit import datasets

    expected = datasets.read_package("events").resource("events")["hash"].removeprefix("sha256:")
    assert expected in html
    assert "no-such-dataset" in html and "missing" in html


def test_check_summary_reads_results_json(tmp_path):
    results = tmp_path / "results.json"
    results.write_text(
        '{"created": "2026-01-01T00:00:00+00:00", "ok": false, "suites": [{"name": "s1", "status": "failed",'
        ' "expectations": [{"outcome": "pass"}, {"outcome": "fail"}]}]}',
        encoding="utf-8",
    )
    assert (
        report.checks_summary(results)
        == "1 suites, 2 expectations (1 pass, 1 fail): NOT all passed (s1); run 2026-01-01T00:00:00+00:00"
    )


def test_check_views_read_the_newer_of_passed_and_failed_results(tmp_path, monkeypatch):
    import json
    import os

    monkeypatch.setenv("CLAIMAUDIT_REPORTS", str(tmp_path))
    assert views.check_results() is None
    for folder, status, outcome, mtime in (
        ("checks", "passed", "pass", 1_000),
        ("checks/failed", "failed", "fail", 2_000),
    ):
        path = tmp_path / folder / "results.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            json.dumps(
                {
                    "created": "synthetic",
                    "ok": status == "passed",
                    "suites": [{"name": "s1", "status": status, "rows": 3, "expectations": [{"outcome": outcome}]}],
                }
            )
        )
        os.utime(path, (mtime, mtime))
    assert views.check_results().select("status", "passed", "failed").row(0) == ("failed", 0, 1)
    assert report.checks_summary().endswith("NOT all passed (s1); run synthetic")


def test_index_says_failed_results_hold_a_whole_failing_run(tmp_path):
    from claimaudit.report._index import index_sections

    (tmp_path / "checks" / "failed").mkdir(parents=True)
    (tmp_path / "checks" / "failed" / "results.json").write_text("{}", encoding="utf-8")
    checks = next(s for s in index_sections(tmp_path) if s["title"] == "Data-quality checks")["links"]
    assert [link["href"] for link in checks] == ["checks/failed/results.json"]
    assert checks[0]["note"].startswith("Results of the last data-quality run that did not pass (every suite")


def test_index_links_exactly_the_files_that_exist(tmp_path):
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "01-x__t.csv").write_text("a\n", encoding="utf-8")
    (tmp_path / "08-publish-transparency-report.html").write_text("<p>r</p>", encoding="utf-8")
    (tmp_path / "02-audit-x.html").write_text("<p>n</p>", encoding="utf-8")
    (tmp_path / "verdicts.csv").write_text("a\n", encoding="utf-8")
    index = report.write_index(tmp_path, problems=["synthetic <problem>"])
    html = index.read_text(encoding="utf-8")
    hrefs = [u for _, name, u in parse(html).urls if name == "href"]
    assert sorted(set(hrefs)) == [
        "02-audit-x.html",
        "08-publish-transparency-report.html",
        "tables/01-x__t.csv",
        "verdicts.csv",
    ]
    assert hrefs[0] == "08-publish-transparency-report.html", "the report is the first link"
    assert all((tmp_path / h).is_file() for h in hrefs)
    assert "synthetic &lt;problem&gt;" in html


# --------------------------------------------------------------------------- HTML export


def synthetic_executed_notebook() -> nbformat.NotebookNode:
    """A notebook with outputs as papermill would leave them (no kernel needed)."""
    chart = charts.time_series(
        pl.DataFrame({"date": ["2024-11-01", "2024-11-02"], "value": [1.0, 2.0]}),
        y="value",
        y_title="V",
        source="synthetic",
    )
    table = report.table_html(pl.DataFrame({"summary": [SCRIPT]}), name="t")
    code = new_code_cell("secret_code_marker = 1", execution_count=1)
    code.outputs = [
        new_output("display_data", data={"text/html": table, "text/plain": "table"}),
        new_output("display_data", data={"image/svg+xml": vlc.vegalite_to_svg(chart.to_dict()), "text/plain": "chart"}),
        new_output("display_data", data={"application/javascript": "fetch('https://evil.example/x')"}),
        new_output("stream", name="stdout", text="printed <b>text</b>\n"),
    ]
    return new_notebook(cells=[new_markdown_cell("# Synthetic report\n\nNarrative."), code])


def test_report_html_is_self_contained_and_hides_code():
    html = report.html_from_notebook(
        synthetic_executed_notebook(), show_code=False, info={"version": "v", "commit": "c"}
    )
    parsed = parse(html)
    assert "script" not in parsed.tags, "no script element of any kind"
    for tag, name, url in parsed.urls:
        assert not re.match(r"^(https?:)?//", url), f"{tag} {name}={url} would leave the file"
    assert "link" not in parsed.tags and "@import" not in html and "mathjax" not in html.lower()
    assert "secret_code_marker" not in html, "code cells are not in the report"
    assert "In&nbsp;[" not in html and "Out[" not in html
    assert "<svg" in html and "&lt;script&gt;" in html and "printed &lt;b&gt;text&lt;/b&gt;" in html
    assert "@media print" in html and "max-width: 40rem" in html and 'name="viewport"' in html
    assert "evil.example" not in html


def test_notebook_pages_can_show_code_escaped():
    html = report.html_from_notebook(synthetic_executed_notebook(), show_code=True)
    assert "secret_code_marker = 1" in html


def test_export_html_writes_atomically(tmp_path):
    source = tmp_path / "n.ipynb"
    nbformat.write(synthetic_executed_notebook(), str(source))
    out = report.export_html(source, tmp_path / "out" / "n.html")
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in out.parent.iterdir()] == ["n.html"], "no temporary file left behind"


# --------------------------------------------------------------------------- PDF


def test_missing_chromium_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("CLAIMAUDIT_CHROMIUM", str(tmp_path / "no-such-browser"))
    (tmp_path / "r.html").write_text("<p>x</p>", encoding="utf-8")
    with pytest.raises(report.ChromiumMissing, match="apt-get install chromium") as info:
        report.export_pdf(tmp_path / "r.html", tmp_path / "r.pdf")
    assert f"CLAIMAUDIT_CHROMIUM={tmp_path / 'no-such-browser'} is not a file" in str(info.value)
    assert not (tmp_path / "r.pdf").exists()


def _synthetic_browsers(folder: Path, *names: str) -> None:
    folder.mkdir()
    for name in names:
        (folder / name).write_text("#!/bin/sh\n", encoding="utf-8")
        (folder / name).chmod(0o755)


def test_the_headless_shell_is_preferred_to_the_full_browser(monkeypatch, tmp_path):
    monkeypatch.delenv("CLAIMAUDIT_CHROMIUM", raising=False)
    both, full_only, none = tmp_path / "both", tmp_path / "full", tmp_path / "none"
    _synthetic_browsers(both, "chromium", "google-chrome", "chromium-headless-shell")
    _synthetic_browsers(full_only, "google-chrome", "chromium")
    _synthetic_browsers(none, "firefox")
    assert report.find_chromium(str(both)) == both / "chromium-headless-shell"
    assert report.find_chromium(str(full_only)) == full_only / "chromium"
    assert report.find_chromium(str(none)) is None
    # CLAIMAUDIT_CHROMIUM wins over anything found
    monkeypatch.setenv("CLAIMAUDIT_CHROMIUM", str(full_only / "google-chrome"))
    assert report.find_chromium(str(both)) == full_only / "google-chrome"


def test_a_chromium_that_cannot_start_is_missing_not_a_crash(monkeypatch, tmp_path):
    synthetic_browser = tmp_path / "synthetic-not-executable"
    synthetic_browser.write_text("not a program", encoding="utf-8")
    synthetic_browser.chmod(0o644)
    monkeypatch.setenv("CLAIMAUDIT_CHROMIUM", str(synthetic_browser))
    (tmp_path / "r.html").write_text("<p>x</p>", encoding="utf-8")
    with pytest.raises(report.ChromiumMissing, match="could not be started"):
        report.export_pdf(tmp_path / "r.html", tmp_path / "r.pdf")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html", "synthetic-not-executable"]


@pytest.mark.browser
def test_pdf_export_prints_the_report(tmp_path):
    if report.find_chromium() is None:
        pytest.skip("needs Chromium (apt-get install chromium); CI installs it")
    html = tmp_path / "r.html"
    html.write_text(report.html_from_notebook(synthetic_executed_notebook()), encoding="utf-8")
    pdf = report.export_pdf(html, tmp_path / "r.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 1000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html", "r.pdf"]


@pytest.mark.browser
def test_one_printer_prints_page_after_page_and_closes_its_browser(tmp_path):
    if report.find_chromium() is None:
        pytest.skip("needs Chromium (apt-get install chromium); CI installs it")
    import os

    pages = []
    for name, words in (("a", "first synthetic page"), ("b", "second synthetic page")):
        page = tmp_path / f"{name}.html"
        page.write_text(f"<!doctype html><title>{name}</title><p>{words}</p>", encoding="utf-8")
        pages.append(page)
    with report.Printer() as printer:
        made = [printer.print(page, page.with_suffix(".pdf")) for page in pages]
        pid = printer.pid
    for pdf in made:
        assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 500
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html", "a.pdf", "b.html", "b.pdf"]
    with pytest.raises(ChildProcessError):  # the browser exited and was reaped
        os.waitpid(pid, os.WNOHANG)
    from claimaudit.errors import ClaimauditError

    with pytest.raises(ClaimauditError, match="closed"):
        printer.print(pages[0], tmp_path / "again.pdf")


def test_report_package_exports_are_complete():
    public = {n for n in dir(report) if not n.startswith("_")} - {"annotations"}
    assert set(report.__all__) == public - {
        n
        for n in public
        if isinstance(getattr(report, n), type(report)) and n not in ("views", "finding_charts", "transparency")
    }
    assert report.__all__ == sorted(report.__all__, key=str)


def test_network_rates_leave_failed_measurements_out_like_the_audit():
    from claimaudit.datasets.ooni_api import anomaly_rate

    daily = pl.DataFrame(
        {
            "measurement_start_day": [dt.date(2024, 11, 10)] * 2,
            "probe_asn": [17557, 17557],
            "test_name": ["tor", "psiphon"],
            "measurement_count": [6, 4],
            "anomaly_count": [1, 1],
            "confirmed_count": [0, 0],
            "failure_count": [3, 2],
            "ok_count": [2, 1],
        }
    )
    rates = views.network_rates(daily)
    assert rates.select("n", "rate").rows() == [(10, 0.4)]  # 2 anomalies among 5 usable, not 10
    summed = daily.select(
        pl.col(c).sum() for c in ("measurement_count", "anomaly_count", "confirmed_count", "failure_count")
    )
    assert summed.select(anomaly_rate()).item() == rates["rate"].item()


def test_network_rates_sum_tests_and_keep_confirmed_apart():
    daily = pl.DataFrame(
        {
            "measurement_start_day": [dt.date(2024, 11, 10)] * 3 + [dt.date(2024, 11, 11)],
            "probe_asn": [17557, 17557, 9541, 9541],
            "test_name": ["tor", "psiphon", "tor", "tor"],
            "measurement_count": [10, 10, 4, 0],
            "anomaly_count": [2, 1, 0, 0],
            "confirmed_count": [1, 0, 0, 0],
            "failure_count": [0, 0, 0, 0],
            "ok_count": [7, 9, 4, 0],
        }
    )
    rates = views.network_rates(daily)
    assert rates.select("probe_asn", "date", "n", "rate", "confirmed_rate").rows() == [
        (9541, dt.date(2024, 11, 10), 4, 0.0, 0.0),
        (9541, dt.date(2024, 11, 11), 0, None, None),
        (17557, dt.date(2024, 11, 10), 20, 0.2, 0.05),
    ]
    assert views.top_networks(rates, limit=1).get_column("probe_asn").unique().to_list() == [17557]


def test_live_evidence_missing_offline_is_said_not_faked(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMAUDIT_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("CLAIMAUDIT_MIRROR", raising=False)
    page = report.Page("99-synthetic", tables_dir=tmp_path)
    shown = []
    monkeypatch.setattr("claimaudit.report._tables._display", lambda obj: shown.append(obj.html))
    assert (
        views.ooni_daily(page, "circumvention", country="PK", since="2024-11-01", until="2024-11-30", offline=True)
        is None
    )
    assert views.tor_users(page, country="PK", since="2024-11-01", until="2024-11-30", offline=True) is None
    assert len(shown) == 2 and all("Not available:" in html and "--online" in html for html in shown)


def test_a_dataset_that_is_there_but_broken_raises_instead_of_being_skipped(tmp_path, monkeypatch):
    from claimaudit.errors import IntegrityError

    (tmp_path / "events").mkdir()
    source = Path(datasets_root()) / "events"
    for name in ("datapackage.json", "events.csv"):
        (tmp_path / "events" / name).write_bytes((source / name).read_bytes())
    with (tmp_path / "events" / "events.csv").open("a", encoding="utf-8") as fh:
        fh.write("\n")
    monkeypatch.setenv("CLAIMAUDIT_DATASETS", str(tmp_path))
    page = report.Page("99-synthetic", tables_dir=tmp_path)
    shown = []
    monkeypatch.setattr("claimaudit.report._tables._display", lambda obj: shown.append(obj.html))
    assert views.load_dataset(page, "no-such-dataset") is None and "Not available:" in shown[0]
    with pytest.raises(IntegrityError):
        views.load_dataset(page, "events")


def datasets_root() -> str:
    from claimaudit import paths

    return str(paths.datasets_dir())


def test_live_responses_in_the_cache_appear_in_the_provenance(isolated_cache):
    from claimaudit import fetch
    from claimaudit.notebook import live_items
    from support.fake_servers import FakeServer, Reply

    with FakeServer() as server:
        server.route("/api/v1/aggregation", Reply.csv("measurement_start_day,measurement_count\n"))
        url = server.url + "/api/v1/aggregation?probe_cc=PK&test_name=tor"
        got = fetch.fetch(url, offline=False)
    items = live_items()
    assert [(i["url"], i["sha256"], i["origin"]) for i in items] == [(url, got.sha256, "network")]
    assert items[0]["retrieved"].endswith("Z")


def test_an_online_fetch_fills_the_cache_the_notebooks_read_offline(isolated_cache, monkeypatch, tmp_path):
    from claimaudit import pipeline
    from support.fake_servers import FakeServer, aggregation_handler, synthetic_aggregation_rows, tor_handler

    start, end = dt.date(2024, 11, 1), dt.date(2024, 11, 5)
    rows = synthetic_aggregation_rows(
        tests=["tor", "psiphon", "web_connectivity"], asns=[17557, 9541], since=start, until=end + dt.timedelta(days=1)
    )
    params = {"country": "PK", "window_start": start.isoformat(), "window_end": end.isoformat(), "offline": False}
    monkeypatch.setattr("claimaudit.datasets.sources.list_sources", lambda: [])  # pinned files: see test_fetch
    monkeypatch.setattr("claimaudit.pipeline._plan.default_windows", lambda: ())
    monkeypatch.setattr("claimaudit.audit.evidence_requests", lambda **kw: [])  # only the notebooks' windows
    with FakeServer() as server:
        server.route("/api/v1/aggregation", aggregation_handler(rows))
        server.route("/userstats-relay-country.csv", tor_handler("relay"))
        monkeypatch.setenv("CLAIMAUDIT_OONI_API", server.url)
        monkeypatch.setenv("CLAIMAUDIT_TOR_METRICS", server.url)
        outcome = pipeline.step_fetch(offline=False, params=params)
    assert outcome.status == "done" and outcome.detail.startswith("3 from network")
    page = report.Page("99-synthetic", tables_dir=tmp_path)
    daily = views.ooni_daily(page, "circumvention", country="PK", since=start, until=end, offline=True)
    rates = views.network_rates(daily)
    assert sorted(rates.get_column("probe_asn").unique().to_list()) == [9541, 17557]
    assert rates.get_column("date").max() == end
    assert views.tor_users(page, country="PK", since=start, until=end, offline=True).height == 5


def test_dataset_inventory_lists_each_local_resource_with_its_stamped_sha256(tmp_path, monkeypatch):
    import hashlib
    import json

    from claimaudit import datasets

    folder = tmp_path / "synthetic_set"
    folder.mkdir()
    body = b"a,b\n1,x\n2,y\n"
    (folder / "rows.csv").write_bytes(body)
    (folder / "datapackage.json").write_text(
        json.dumps(
            {
                "name": "synthetic_set",
                "resources": [
                    {
                        "name": "rows",
                        "path": "rows.csv",
                        "schema": {"fields": [{"name": "a", "type": "integer"}, {"name": "b", "type": "string"}]},
                    },
                    {"name": "remote", "path": "https://synthetic.example/remote.csv"},
                ],
            }
        )
    )
    datasets.stamp(["synthetic_set"], root=tmp_path)
    monkeypatch.setenv("CLAIMAUDIT_DATASETS", str(tmp_path))
    assert views.dataset_inventory().to_dicts() == [
        {
            "dataset": "synthetic_set",
            "resource": "rows",
            "rows": 2,
            "columns": 2,
            "sha256": hashlib.sha256(body).hexdigest(),
        }
    ]


def test_index_links_each_edition_in_its_language_and_names_pdfs_by_edition(tmp_path):
    """Each edition's link carries its language and direction (an Urdu title is not laid out as
    English), a PDF is named by its edition rather than by its file name, and file names sit in
    their own isolated run."""
    for name in ("08-publish-transparency-report.html", "08-publish-transparency-report.ur.html"):
        (tmp_path / name).write_text("<title>t</title><p>r</p>", encoding="utf-8")
    for name in ("08-publish-transparency-report.pdf", "08-publish-transparency-report.ur.pdf"):
        (tmp_path / name).write_bytes(b"%PDF-1.4 synthetic")
    (tmp_path / "scorecard.ur.html").write_text("<title>s</title>", encoding="utf-8")
    html = report.write_index(tmp_path).read_text(encoding="utf-8")
    links = re.findall(r'<a href="([^"]+)" lang="(\w+)" dir="(\w+)">([^<]*)</a>', html)
    assert [(href, lang, d) for href, lang, d, _ in links] == [
        ("08-publish-transparency-report.html", "en", "ltr"),
        ("08-publish-transparency-report.ur.html", "ur", "rtl"),
        ("08-publish-transparency-report.pdf", "en", "ltr"),
        ("08-publish-transparency-report.ur.pdf", "en", "ltr"),
        ("scorecard.ur.html", "ur", "rtl"),
    ]
    assert [text for *_, text in links][2:4] == ["PDF (English)", "PDF (اردو)"]
    assert "(<bdi>08-publish-transparency-report.ur.html</bdi>)" in html
