"""Data-quality checks: the shipped suites run against a synthetic claims package.

Each test copies the real suites in ``checks/quality/claims*.yml`` to a temporary checks folder,
pointed at ``synthetic_claims`` (rows written below, clearly not real claims), breaks the data in
one way, and asks ``claimaudit check`` what it sees.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimaudit import datasets
from claimaudit.cli import app
from claimaudit.quality import run_checks

PROJECT = Path(__file__).resolve().parents[2]
REAL_SUITES = PROJECT / "checks" / "quality"

CLAIM_FIELDS = [
    ("claim_id", "string"), ("statement_id", "string"), ("statement_date", "date"),
    ("date_precision", "string"), ("claimant", "string"), ("authority", "string"), ("venue", "string"),
    ("kind", "string"), ("subject", "string"), ("metric", "string"), ("category", "string"),
    ("category_as_stated", "string"), ("scope", "string"), ("value", "number"), ("qualifier", "string"),
    ("unit", "string"), ("verb", "string"), ("period", "string"), ("period_start", "date"),
    ("period_end", "date"), ("assertion", "string"), ("wording", "string"), ("summary", "string"),
    ("summary_ur", "string"), ("confidence", "string"), ("notes", "string"),
]  # fmt: skip
SOURCE_FIELDS = [
    ("claim_id", "string"), ("url", "string"), ("outlet", "string"), ("publication_date", "date"),
    ("publication_date_precision", "string"), ("language", "string"), ("figure_as_printed", "string"),
    ("verification", "string"), ("verification_note", "string"),
]  # fmt: skip

# Synthetic rows: line 2 a count, line 3 a ratio, line 4 an assertion.
CLAIMS = (
    ",".join(name for name, _ in CLAIM_FIELDS) + "\n"
    "synthetic-count,synthetic-statement-1,2024-11-13,day,Synthetic claimant,PTA,press_statement,count,"
    "url_blocking,items_blocked,total,,all_content,1000,over,urls,blocked,cumulative,,,,synthetic wording,"
    "Synthetic test row.,,high,\n"
    "synthetic-ratio,synthetic-statement-1,2024-11-13,day,Synthetic claimant,PTA,press_statement,ratio,"
    "url_blocking,block_rate,total,,all_content,50,about,percent,blocked,window,2024-01-01,2024-06-30,,"
    "synthetic wording,Synthetic test row.,,medium,\n"
    "synthetic-assertion,synthetic-statement-2,2024-08-18,day,Synthetic minister,MoITT,press_conference,"
    "assertion,vpn_blocking,vpn_blocking_status,not_applicable,,not_applicable,,,none,stated,point_in_time,"
    ",,vpns_not_blocked,synthetic wording,Synthetic test row.,سطر,high,\n"
)
SOURCES = (
    ",".join(name for name, _ in SOURCE_FIELDS) + "\n"
    "synthetic-count,https://example.org/synthetic/1,Synthetic Outlet,2024-11-13,day,en,1000,search_verified,\n"
    "synthetic-ratio,https://example.org/synthetic/1,Synthetic Outlet,2024-11-13,day,en,50%,search_verified,\n"
    "synthetic-assertion,https://example.org/synthetic/2,Synthetic Outlet,,unknown,ur,,research_notes_only,\n"
)


def _fields(spec: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"name": name, "type": kind} for name, kind in spec]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary datasets/ + checks/ + reports/ tree holding ``synthetic_claims``."""
    root = tmp_path / "datasets"
    folder = root / "synthetic_claims"
    folder.mkdir(parents=True)
    (folder / "claims.csv").write_text(CLAIMS, encoding="utf-8")
    (folder / "sources.csv").write_text(SOURCES, encoding="utf-8")
    descriptor = {
        "name": "synthetic_claims",
        "resources": [
            {"name": "claims", "path": "claims.csv", "schema": {"fields": _fields(CLAIM_FIELDS)}},
            {"name": "sources", "path": "sources.csv", "schema": {"fields": _fields(SOURCE_FIELDS)}},
        ],
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    datasets.stamp(["synthetic_claims"], root=root)
    checks = tmp_path / "checks" / "quality"
    checks.mkdir(parents=True)
    for real, copy in (("claims.yml", "synthetic_claims.yml"), ("claims-sources.yml", "synthetic_claims-sources.yml")):
        text = (REAL_SUITES / real).read_text(encoding="utf-8")
        (checks / copy).write_text(re.sub(r"dataset: claims\b", "dataset: synthetic_claims", text), encoding="utf-8")
    monkeypatch.setenv("CLAIMAUDIT_DATASETS", str(root))
    monkeypatch.setenv("CLAIMAUDIT_CHECKS", str(tmp_path / "checks"))
    monkeypatch.setenv("CLAIMAUDIT_REPORTS", str(tmp_path / "reports"))
    return tmp_path


def edit(project: Path, resource: str, old: str, new: str, *, stamp: bool = True) -> None:
    file = project / "datasets" / "synthetic_claims" / f"{resource}.csv"
    text = file.read_text(encoding="utf-8")
    assert old in text, f"test set-up: {old!r} not in {file.name}"
    file.write_text(text.replace(old, new, 1), encoding="utf-8")
    if stamp:
        datasets.stamp(["synthetic_claims"], root=project / "datasets")


def check(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["check", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def one_line(output: str, needle: str) -> str:
    """The first pointer line (below the table) containing ``needle``; pointers are never wrapped."""
    lines = [line for line in output.splitlines() if needle in line and line.startswith(("FAIL ", "ERROR "))]
    assert lines, f"{needle!r} not in output:\n{output}"
    return lines[0]


# --------------------------------------------------------------------------- good data


def test_good_synthetic_data_passes_and_writes_all_outputs(project: Path) -> None:
    code, output = check()
    assert code == 0, output
    out = project / "reports" / "checks"
    results = json.loads((out / "results.json").read_text())
    assert results["ok"] is True and results["exit_code"] == 0
    assert [s["name"] for s in results["suites"]] == ["synthetic_claims", "synthetic_claims-sources"]
    claims = results["suites"][0]
    assert claims["rows"] == 3 and claims["status"] == "passed"
    suite_entries = (REAL_SUITES / "claims.yml").read_text().count("- expect:")
    assert len(claims["expectations"]) == suite_entries
    # `when` filters count only the matching rows: one assertion among three claims.
    empty_value = next(
        e for e in claims["expectations"]
        if e["expect"] == "expect_column_values_to_be_empty_when" and e["kwargs"]["column"] == "value"
    )  # fmt: skip
    assert empty_value["checked_rows"] == 1
    junit = (out / "junit.xml").read_text()
    assert junit.count("<testcase ") == results["suites"][0]["expectations"].__len__() + len(
        results["suites"][1]["expectations"]
    )
    assert 'failures="0"' in junit and 'errors="0"' in junit
    assert (out / "index.html").is_file() and not (out / "data_docs").exists()
    assert not (out / "failed").exists()


def test_run_checks_returns_report_with_summary_frame(project: Path) -> None:
    report = run_checks(suites=["synthetic_claims-sources"], out_dir=project / "elsewhere")
    assert report.ok and report.exit_code == 0
    assert report.out_dir == (project / "elsewhere").resolve()
    summary = report.summary
    assert summary.height == len(report.results[0].expectations)
    assert set(summary["outcome"].unique()) == {"pass"}
    assert (project / "elsewhere" / "results.json").is_file()


# --------------------------------------------------------------------------- rules broken (exit 1)


@pytest.mark.parametrize(
    ("resource", "old", "new", "rule", "expected"),
    [
        pytest.param(
            "claims", ",assertion,vpn_blocking,", ",opinion,vpn_blocking,",
            "The kind is count, ratio or assertion", ["claims.csv line 4", "'kind' = \"opinion\""],
            id="unknown-enum-value",
        ),
        pytest.param(
            "sources", "synthetic-assertion,https://example.org/synthetic/2", "synthetic-count,https://example.org/synthetic/2",
            "at least one source", ["claims.csv line 4", "'claim_id' = \"synthetic-assertion\""],
            id="claim-without-source",
        ),
        pytest.param(
            "sources", "synthetic-ratio,", "synthetic-missing,",
            "points to a claim that exists", ["sources.csv line 3", "'claim_id' = \"synthetic-missing\""],
            id="source-pointing-to-no-claim",
        ),
        pytest.param(
            "claims", "2024-08-18", "2999-08-18",
            "dated in the future", ["claims.csv line 4", "'statement_date' = \"2999-08-18\""],
            id="future-date",
        ),
        pytest.param(
            "claims", ",1000,over,", ",-1000,over,",
            "No figure is negative", ["claims.csv line 2", "'value' = -1000.0"],
            id="negative-count",
        ),
        pytest.param(
            "claims", "not_applicable,,,none,", "not_applicable,5,,none,",
            "An assertion carries no figure", ["claims.csv line 4", "'value' = 5.0"],
            id="figure-on-an-assertion",
        ),
        pytest.param(
            "claims", "2024-01-01,2024-06-30", "2024-06-30,2024-01-01",
            "ends on or after",
            ["claims.csv line 3", "'period_start' = \"2024-06-30\"", "'period_end' = \"2024-01-01\""],
            id="reversed-period",
        ),
        pytest.param(
            "sources", "https://example.org/synthetic/2", "example.org/synthetic/2",
            "absolute http(s) addresses", ["sources.csv line 4", "'url' = \"example.org/synthetic/2\""],
            id="url-without-scheme",
        ),
        pytest.param(
            "claims", ",50,about,percent,", ",150,about,percent,",
            "Percentages lie between 0 and 100", ["claims.csv line 3", "'value' = 150.0"],
            id="percentage-over-100",
        ),
    ],
)  # fmt: skip
def test_broken_rule_fails_with_file_line_and_column(
    project: Path, resource: str, old: str, new: str, rule: str, expected: list[str]
) -> None:
    edit(project, resource, old, new)
    code, output = check()
    assert code == 1
    line = one_line(output, rule)
    assert line.startswith("FAIL synthetic_claims")
    for needle in expected:
        assert needle in line


def test_duplicate_id_fails_and_names_both_lines(project: Path) -> None:
    edit(project, "claims", "synthetic-ratio,", "synthetic-count,")
    code, output = check()
    assert code == 1
    pointers = [line for line in output.splitlines() if "No two claims share an id" in line and "FAIL" in line]
    assert any("claims.csv line 2" in p for p in pointers) and any("claims.csv line 3" in p for p in pointers)


def test_warning_is_reported_but_does_not_fail(project: Path) -> None:
    edit(project, "claims", "window,2024-01-01,", "window,,")
    report = run_checks()
    warned = [e for s in report.results for e in s.expectations if e.outcome == "warn"]
    assert [e.kwargs["column"] for e in warned] == ["period_start"]
    assert warned[0].examples == [{"line": 3, "period_start": None}]
    assert report.ok and report.exit_code == 0


# --------------------------------------------------------------------------- data that cannot load (exit 2)


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        pytest.param(
            lambda p: edit(p, "claims", ",1000,over,", ',"1,000",over,'),
            ["claims.csv", "line 2", "column 'value'", "'1,000' is not a number"],
            id="wrong-type",
        ),
        pytest.param(
            lambda p: _truncate(p),
            ["claims.csv", "line 4", "truncated"],
            id="truncated-file",
        ),
        pytest.param(
            lambda p: _cp1252(p),
            ["claims.csv", "line 3", "not valid UTF-8", "0x92"],
            id="wrong-encoding",
        ),
        pytest.param(
            lambda p: edit(p, "claims", "1000", "1001", stamp=False),
            ["claims.csv", "sha256 mismatch", "claimaudit datasets stamp synthetic_claims"],
            id="hash-mismatch",
        ),
    ],
)
def test_unloadable_data_is_an_error_without_traceback(project: Path, breakage, expected: list[str]) -> None:
    breakage(project)
    code, output = check()
    assert code == 2
    assert "Traceback" not in output
    line = one_line(output, "ERROR synthetic_claims:")
    assert "dataset 'synthetic_claims'" in line
    for needle in expected:
        assert needle in output
    results = json.loads((project / "reports" / "checks" / "failed" / "results.json").read_text())
    error = results["suites"][0]["error"]
    assert error["kind"] == "data" and error["dataset"] == "synthetic_claims"
    assert error["file"].endswith("claims.csv")


def _truncate(project: Path) -> None:
    file = project / "datasets" / "synthetic_claims" / "claims.csv"
    file.write_bytes(file.read_bytes()[:-40])
    datasets.stamp(["synthetic_claims"], root=project / "datasets")


def _cp1252(project: Path) -> None:
    file = project / "datasets" / "synthetic_claims" / "claims.csv"
    data = file.read_bytes().replace(
        b"synthetic wording,Synthetic test row.,,medium",
        "synthetic wording’s,Synthetic test row.,,medium".encode("cp1252"),
    )
    file.write_bytes(data)
    datasets.stamp(["synthetic_claims"], root=project / "datasets")


def test_a_broken_reference_is_an_error_in_the_other_suite(project: Path) -> None:
    edit(project, "sources", "1000,search_verified", "1000,search_verified,extra")
    code, output = check("--suite", "synthetic_claims")
    assert code == 2
    line = one_line(output, "ERROR synthetic_claims: referenced data could not be loaded")
    assert "sources.csv" in line


# --------------------------------------------------------------------------- results are never lost


def test_earlier_good_results_survive_a_failed_run(project: Path) -> None:
    assert check()[0] == 0
    out = project / "reports" / "checks"
    good = (out / "results.json").read_bytes()
    good_junit = (out / "junit.xml").read_bytes()
    edit(project, "claims", ",1000,over,", ",-1000,over,")
    code, output = check()
    assert code == 1
    assert (out / "results.json").read_bytes() == good
    assert (out / "junit.xml").read_bytes() == good_junit
    failed = json.loads((out / "failed" / "results.json").read_text())
    assert failed["ok"] is False and failed["exit_code"] == 1
    assert "last passing results are left untouched" in output
    # Fixing the data and passing again replaces the results and clears failed/.
    edit(project, "claims", ",-1000,over,", ",1000,over,")
    assert check()[0] == 0
    assert not (out / "failed").exists()


def test_interrupted_run_leaves_earlier_results_and_no_debris(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert check()[0] == 0
    reports = project / "reports"
    before = {p.relative_to(reports): p.read_bytes() for p in reports.rglob("*") if p.is_file()}

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("claimaudit.quality._engine.write_junit", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_checks()
    after = {p.relative_to(reports): p.read_bytes() for p in reports.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in reports.iterdir()) == ["checks"]


# --------------------------------------------------------------------------- malformed suites


def test_unknown_suite_name_is_an_error(project: Path) -> None:
    code, output = check("--suite", "synthetic_claim")
    assert code == 2
    assert "no suite named 'synthetic_claim'" in output and "synthetic_claims" in output


def test_malformed_suite_names_file_line_and_key(project: Path) -> None:
    suite = project / "checks" / "quality" / "synthetic_claims.yml"
    text = suite.read_text().replace("    description: Every claim has an id.\n", "", 1)
    suite.write_text(text)
    code, output = check()
    assert code == 2
    line = one_line(output, "ERROR synthetic_claims:")
    assert "synthetic_claims.yml" in line and "line 8" in line and "key 'description'" in line


@pytest.mark.parametrize("pattern", ['"^[a-z"', '"(unclosed"', '"a{2,1}"'])
def test_an_invalid_regex_is_a_suite_error_with_file_and_line(project: Path, pattern: str) -> None:
    suite = project / "checks" / "quality" / "synthetic_claims.yml"
    text = suite.read_text()
    assert 'regex: "^[a-z0-9][a-z0-9-]*$"' in text, "test set-up: the claims suite changed"
    suite.write_text(text.replace('regex: "^[a-z0-9][a-z0-9-]*$"', f"regex: {pattern}", 1))
    code, output = check()
    assert code == 2
    line = one_line(output, "ERROR synthetic_claims:")
    assert "synthetic_claims.yml" in line and "line " in line and "regular expression" in line


def test_unknown_expectation_and_column_are_errors(project: Path) -> None:
    suite = project / "checks" / "quality" / "synthetic_claims-sources.yml"
    text = suite.read_text()
    text = text.replace("expect_column_values_to_be_http_urls", "expect_column_values_to_be_http_url", 1)
    text = text.replace("column: outlet", "column: outlets", 1)
    suite.write_text(text)
    code, output = check("--suite", "synthetic_claims-sources")
    assert code == 2
    assert "unknown expectation 'expect_column_values_to_be_http_url'" in output
    assert "column 'outlets' is not in the data (did you mean 'outlet'?)" in output


# --------------------------------------------------------------------------- the shipped data


def test_shipped_suites_pass_on_shipped_datasets(tmp_path: Path) -> None:
    from claimaudit.quality import discover_suites, load_suite

    shipped = [load_suite(p) for p in discover_suites(root=REAL_SUITES)]
    curated = [s.name for s in shipped if s.target.kind == "dataset"]
    missing = sorted({s.target.name for s in shipped if s.target.kind == "dataset"} - set(datasets.list_datasets()))
    assert not missing, f"suites check datasets that are not shipped: {missing}"
    report = run_checks(suites=curated, out_dir=tmp_path / "checks")
    problems = report.summary.filter(report.summary["outcome"].is_in(["fail", "error"]))
    assert report.ok, problems.select("suite", "description", "example_lines", "error").to_dicts()


def test_every_shipped_suite_is_well_formed() -> None:
    from claimaudit.quality import discover_suites, load_suite

    files = discover_suites(root=REAL_SUITES)
    assert {"claims", "claims-sources", "signals", "baselines", "events"} <= {p.stem for p in files}
    for file in files:
        suite = load_suite(file)
        assert all(e.description for e in suite.expectations)


def test_copy_of_real_claims_when_present(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A byte-for-byte copy of the shipped claims passes; one edit without re-stamping does not."""
    real = PROJECT / "datasets" / "claims"
    assert (real / "datapackage.json").is_file()
    root = tmp_path / "datasets"
    shutil.copytree(real, root / "claims")
    monkeypatch.setenv("CLAIMAUDIT_DATASETS", str(root))
    monkeypatch.setenv("CLAIMAUDIT_REPORTS", str(tmp_path / "reports"))
    assert run_checks(suites=["claims", "claims-sources"]).exit_code == 0
    with (root / "claims" / "claims.csv").open("a", encoding="utf-8") as fh:
        fh.write("\n")
    assert run_checks(suites=["claims"]).exit_code == 2


# --------------------------------------------------------------------------- engine details


def _suite(project: Path, name: str, body: str) -> None:
    (project / "checks" / "quality" / f"{name}.yml").write_text(
        "description: Synthetic rules for one engine detail.\n"
        "dataset: synthetic_claims\nresource: claims\nexpectations:\n" + body,
        encoding="utf-8",
    )


def test_parts_summing_past_the_total_are_reported_by_line(project: Path) -> None:
    from claimaudit import datasets

    folder = project / "datasets" / "synthetic_counts"
    folder.mkdir()
    (folder / "counts.csv").write_text(
        "day,ok,dns,total\n2024-11-01,5,1,6\n2024-11-02,5,2,6\n2024-11-03,0,0,0\n2024-11-04,9,9,10\n",
        encoding="utf-8",
    )
    fields = [{"name": "day", "type": "date"}] + [{"name": n, "type": "integer"} for n in ("ok", "dns", "total")]
    (folder / "datapackage.json").write_text(
        json.dumps(
            {
                "name": "synthetic_counts",
                "resources": [{"name": "synthetic_counts", "path": "counts.csv", "schema": {"fields": fields}}],
            }
        )
    )
    datasets.stamp(["synthetic_counts"], root=project / "datasets")
    (project / "checks" / "quality" / "synthetic_counts.yml").write_text(
        "description: Synthetic daily counts.\ndataset: synthetic_counts\nresource: synthetic_counts\nexpectations:\n"
        "  - expect: expect_column_parts_to_sum_to_at_most\n    column: total\n    parts: [ok, dns]\n"
        "    description: Parts never exceed the total.\n",
        encoding="utf-8",
    )
    result = run_checks(suites=["synthetic_counts"]).results[0].expectations[0]
    assert (result.outcome, result.failing_rows) == ("fail", 2)
    assert [e["line"] for e in result.examples] == [3, 5]


def test_today_is_allowed_and_tomorrow_is_not(project: Path) -> None:
    import datetime as dt

    _suite(
        project,
        "synthetic_dates",
        "  - expect: expect_column_values_to_not_be_in_future\n"
        "    column: statement_date\n"
        "    description: Not in the future.\n",
    )
    on_the_day = dt.datetime(2024, 11, 13, 0, 0, 1, tzinfo=dt.UTC)
    day_before = dt.datetime(2024, 11, 12, 23, 59, tzinfo=dt.UTC)
    assert run_checks(suites=["synthetic_dates"], now=on_the_day).ok
    report = run_checks(suites=["synthetic_dates"], now=day_before)
    result = report.results[0].expectations[0]
    assert (result.outcome, result.failing_rows) == ("fail", 2)
    assert [e["line"] for e in result.examples] == [2, 3]


def test_table_expectation_reports_observed_value_and_mostly_passes_through(project: Path) -> None:
    _suite(
        project,
        "synthetic_table",
        "  - expect: expect_table_row_count_to_be_between\n"
        "    min_value: 5\n"
        "    description: At least five claims.\n"
        "  - expect: expect_column_values_to_be_present_when\n"
        "    column: period_start\n"
        "    when: {kind: [count, ratio]}\n"
        "    mostly: 0.5\n"
        "    description: Half the figures say when their period starts.\n",
    )
    report = run_checks(suites=["synthetic_table"])
    rows, mostly = report.results[0].expectations
    assert rows.outcome == "fail" and rows.examples == [{"observed": 3}]
    assert mostly.outcome == "pass" and mostly.failing_rows == 1 and mostly.checked_rows == 2


def test_when_on_a_missing_column_is_an_error_not_a_pass(project: Path) -> None:
    _suite(
        project,
        "synthetic_when",
        "  - expect: expect_column_values_to_not_be_null\n"
        "    column: value\n"
        "    when: {knd: [count]}\n"
        "    description: Counts have values.\n",
    )
    report = run_checks(suites=["synthetic_when"])
    assert report.exit_code == 2
    assert "column 'knd' is not in the data (did you mean 'kind'?)" in report.results[0].expectations[0].error
    assert "synthetic_when.yml, line 5" in report.results[0].expectations[0].error


def test_the_results_page_holds_every_suite_and_loads_nothing_from_outside(project: Path) -> None:
    edit(project, "claims", ",1000,over,", ",-1000,over,")
    report = run_checks()
    page = (report.out_dir / "index.html").read_text(encoding="utf-8")
    for suite in ("synthetic_claims", "synthetic_claims-sources"):
        assert f'id="{suite}"' in page
    assert "NOT passed" in page and "-1000" in page  # the failing row's value is shown
    assert "<script" not in page and not re.search(r'(src|href)="(https?:)?//', page)
    assert "default-src 'none'" in page  # the browser is told to load nothing else


def test_checking_some_suites_never_replaces_the_results_of_all(project: Path) -> None:
    assert check()[0] == 0
    out = project / "reports" / "checks"
    full = (out / "results.json").read_bytes()
    assert check("-s", "synthetic_claims")[0] == 0
    assert (out / "results.json").read_bytes() == full
    partial = json.loads((out / "partial" / "results.json").read_text(encoding="utf-8"))
    assert [s["name"] for s in partial["suites"]] == ["synthetic_claims"]


def test_public_names_are_complete_and_sorted() -> None:
    import types

    import claimaudit.quality as quality

    public = {n for n, v in vars(quality).items() if not n.startswith("_") and not isinstance(v, types.ModuleType)}
    public -= {"annotations"}
    assert set(quality.__all__) == public
    assert quality.__all__ == sorted(quality.__all__)


def test_great_expectations_is_imported_only_when_a_suite_runs() -> None:
    """`claimaudit --help` and `import claimaudit.quality` stay fast: GX costs seconds to import."""
    import subprocess
    import sys

    code = "import sys, claimaudit.cli, claimaudit.quality; print('great_expectations' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip() == "False", result.stderr


def test_junit_counts_failures_and_errors_per_suite(project: Path) -> None:
    import xml.etree.ElementTree as ET

    edit(project, "claims", ",1000,over,", ",-1000,over,")
    edit(project, "sources", "Synthetic Outlet,2024-11-13,day,en,50%", "Synthetic Outlet,2024-11-13,day,xx,50%")
    report = run_checks()
    root = ET.parse(report.out_dir / "junit.xml").getroot()
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    claims, sources = suites["synthetic_claims"], suites["synthetic_claims-sources"]
    assert (claims.get("failures"), claims.get("errors")) == ("1", "0")
    assert (sources.get("failures"), sources.get("errors")) == ("1", "0")
    assert root.get("failures") == "2" and int(root.get("tests")) == len(report.summary)
    failure = sources.find("testcase/failure")
    assert "1 of 3 rows fail" in failure.get("message")
    assert '"line": 3' in failure.text and '"language": "xx"' in failure.text


# --------------------------------------------------------------------------- third-party targets


@pytest.fixture
def synthetic_source(project: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A pinned third-party JSON resource served from a private mirror (never the network)."""
    import hashlib

    body = json.dumps({"records": [{"name": "synthetic-a", "count": 4}, {"name": "synthetic-b", "count": -1}]})
    url = "https://example.org/synthetic/feed.json"
    mirror = project / "mirror"
    (mirror / "example.org" / "synthetic").mkdir(parents=True)
    (mirror / "example.org" / "synthetic" / "feed.json").write_text(body, encoding="utf-8")
    resource = {
        "name": "records",
        "path": url,
        "format": "json",
        "hash": "sha256:" + hashlib.sha256(body.encode()).hexdigest(),
        "bytes": len(body.encode()),
        "claimaudit:json_records": "records",
        "schema": {"fields": [{"name": "name", "type": "string"}, {"name": "count", "type": "integer"}]},
    }
    folder = project / "datasets" / "external" / "synthetic-feed"
    folder.mkdir(parents=True)
    (folder / "datapackage.json").write_text(json.dumps({"name": "synthetic-feed", "resources": [resource]}))
    (project / "checks" / "quality" / "external-synthetic-feed-records.yml").write_text(
        "description: Synthetic third-party records.\nsource: synthetic-feed\nresource: records\nexpectations:\n"
        "  - expect: expect_column_values_to_not_be_negative\n    column: count\n"
        "    description: Counts are not negative.\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("CLAIMAUDIT_CACHE", str(project / "cache"))
    monkeypatch.setenv("CLAIMAUDIT_MIRROR", str(mirror))
    return mirror


def test_source_target_is_read_from_the_mirror_and_numbers_json_records(synthetic_source: Path) -> None:
    code, output = check("--suite", "external-synthetic-feed-records")
    assert code == 1
    line = one_line(output, "Counts are not negative")
    assert "https://example.org/synthetic/feed.json record 2, column 'count' = -1" in line


def test_source_not_fetched_is_reported_as_not_checked_and_says_to_fetch(
    synthetic_source: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Third-party data that is not there is not bad data: reported, never counted as passed."""
    monkeypatch.setenv("CLAIMAUDIT_MIRROR", str(synthetic_source.parent / "empty-mirror"))
    report = run_checks(suites=["external-synthetic-feed-records"])
    assert report.exit_code == 0 and report.ok
    assert report.results[0].status == "unavailable"
    assert report.unavailable == ["external-synthetic-feed-records"]
    assert report.results[0].expectations == []
    error = report.results[0].error
    assert error["kind"] == "unavailable" and "feed.json" in error["message"]
    junit = (report.out_dir / "junit.xml").read_text(encoding="utf-8")
    assert "<skipped" in junit and "<error" not in junit
    assert "claimaudit fetch" in error["message"] or "claimaudit fetch" in error["hint"]


@pytest.mark.mirror
def test_shipped_third_party_suites_pass_on_the_mirror(mirror: Path, isolated_cache: Path, tmp_path: Path) -> None:
    from claimaudit.quality import discover_suites, load_suite

    external = [s.name for s in map(load_suite, discover_suites(root=REAL_SUITES)) if s.target.kind == "source"]
    assert external, "no third-party suites found"
    report = run_checks(suites=external, out_dir=tmp_path / "checks")
    problems = report.summary.filter(report.summary["outcome"].is_in(["fail", "error"]))
    assert report.ok, problems.select("suite", "description", "example_lines", "error").to_dicts()


# --------------------------------------------------------------------------- speed shortcuts change nothing


def test_shared_configurations_give_the_same_results_as_plain_great_expectations(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """quality._gxmemo builds each expectation's configuration once per validation; on data that breaks
    many rules (failing rows, examples, a warning, `when` filters, references) the results are identical
    to GX's own, and GX's classes are restored after every suite."""
    import contextlib
    import datetime as dt

    from great_expectations.expectations.expectation import Expectation
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    original = (Expectation.__dict__["configuration"], ExpectationConfiguration.__dict__["to_domain_obj"])
    edit(project, "claims", ",1000,over,", ",-1000,over,")
    edit(project, "claims", "synthetic-ratio,", "synthetic-count,")
    edit(project, "claims", "window,2024-01-01,", "window,,")
    edit(project, "claims", ",50,about,percent,", ",150,about,percent,")
    edit(project, "sources", "https://example.org/synthetic/2", "example.org/synthetic/2")
    now = dt.datetime(2024, 11, 12, tzinfo=dt.UTC)  # both statements are "in the future"

    def results() -> list[dict]:
        return [s.as_dict() for s in run_checks(now=now, write=False).results]

    shared = results()
    assert (Expectation.__dict__["configuration"], ExpectationConfiguration.__dict__["to_domain_obj"]) == original
    monkeypatch.setattr("claimaudit.quality._engine.shared_configurations", contextlib.nullcontext)
    plain = results()
    assert shared == plain
    outcomes = [e["outcome"] for s in shared for e in s["expectations"]]
    assert outcomes.count("fail") >= 6 and "warn" in outcomes
