"""The notebook suite: stored clean, thin and offline; executed end to end on the shipped data.

The slow tests share one full ``claimaudit run`` (module fixture) so the notebooks execute once.
With ``CLAIMAUDIT_MIRROR`` set they read the mirror too; without it, the third-party sections say
"not available" and the notebooks must still run.
"""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from claimaudit import datasets, paths, pipeline
from support.report_browser import visit

NOTEBOOKS = paths.notebooks_dir()
EXPECTED = [
    "00-start-here",
    "01-explore-claims-ledger",
    "02-audit-url-blocking-statistics",
    "03-audit-gateway-attempts",
    "04-audit-vpn-registration",
    "05-audit-vpn-disruptions",
    "06-audit-platform-blocks",
    "07-review-data-quality",
    "08-publish-transparency-report",
]
#: what a run executes: every stored notebook, and the report once more for its Urdu edition
EDITIONS_RUN = sorted([*EXPECTED, "08-publish-transparency-report.ur"])


def notebook_paths() -> list[Path]:
    return pipeline.discover_notebooks()


class Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.hrefs += [v for k, v in attrs if k == "href" and v]


def parse(path: Path) -> Hrefs:
    parser = Hrefs()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


# --------------------------------------------------------------------------- stored notebooks


def test_the_suite_is_complete_and_numbered():
    assert [p.stem for p in notebook_paths()] == EXPECTED


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path.name} cell {index} has outputs: clear them before committing"
            assert cell.get("execution_count") is None, f"{path.name} cell {index} has an execution count"
    assert "papermill" not in nb["metadata"], f"{path.name} was saved from a papermill run"


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.stem)
def test_notebook_declares_papermill_parameters(path):
    nb = nbformat.read(str(path), as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1, "exactly one cell tagged 'parameters'"
    names = dict(re.findall(r"^(\w+) = (.+?)(?:\s+#.*)?$", tagged[0].source, re.M))
    expected = {"country": '"PK"', "window_start": '"2024-01-01"', "window_end": '"2024-12-31"', "offline": "True"}
    if path.stem == "08-publish-transparency-report":
        expected["lang"] = '"en"'  # the report is rendered once per language
        expected["editions"] = '""'  # the editions of the run, whose scorecards link each other
    assert names == expected


@pytest.mark.parametrize("path", notebook_paths(), ids=lambda p: p.stem)
def test_notebook_is_thin_and_never_fetches(path):
    nb = nbformat.read(str(path), as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# "), "starts with a title"
    for source in code:
        assert len(source.splitlines()) <= 12, f"a cell of {path.name} is too long; move the logic into claimaudit"
        for banned in ("requests", "urllib", "fetch(", "ooni_api", "tor_metrics", "write_csv(", ".write_", "open("):
            assert banned not in source, f"{path.name} uses {banned!r}: notebooks read through the loaders only"
        assert "offline=False" not in source


# --------------------------------------------------------------------------- one full run


@pytest.fixture(scope="module")
def full_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("run")
    patch = pytest.MonkeyPatch()
    patch.setenv("CLAIMAUDIT_CACHE", str(root / "cache"))
    try:
        result = pipeline.run(reports=root / "reports", offline=True, jobs=2, pdf=True)
    finally:
        patch.undo()
    return result


@pytest.mark.slow
@pytest.mark.xdist_group("notebooks")
def test_every_notebook_executes_on_the_shipped_data(full_run):
    failed = [f"{o.name}: {o.error}" for o in full_run.notebooks if not o.ok]
    assert not failed, failed
    assert sorted(o.name for o in full_run.notebooks) == EDITIONS_RUN
    for name in EDITIONS_RUN:
        assert (full_run.reports / f"{name}.html").is_file()
        assert (full_run.reports / "notebooks" / f"{name}.ipynb").is_file()
    assert not list(full_run.reports.glob(".run-*")), "staging folder left behind"


@pytest.mark.slow
@pytest.mark.xdist_group("notebooks")
def test_charts_drawn_from_the_ledger_are_in_the_pages(full_run):
    for name in ("01-explore-claims-ledger", "02-audit-url-blocking-statistics"):
        html = (full_run.reports / f"{name}.html").read_text(encoding="utf-8")
        assert "<svg" in html and "Source: claims ledger" in html, f"{name} lost its chart"


@pytest.mark.slow
@pytest.mark.xdist_group("notebooks")
def test_index_links_resolve(full_run):
    index = full_run.reports / "index.html"
    hrefs = parse(index).hrefs
    assert "08-publish-transparency-report.html" in hrefs
    missing = [h for h in hrefs if not (full_run.reports / h).is_file()]
    assert not missing, missing


@pytest.mark.slow
@pytest.mark.xdist_group("notebooks")
def test_every_table_shown_has_its_csv(full_run):
    for page in full_run.reports.glob("[0-9][0-9]-*.html"):
        named = re.findall(r"<code>tables/([^<]+\.csv)</code>", page.read_text(encoding="utf-8"))
        for csv_name in named:
            assert (full_run.reports / "tables" / csv_name).is_file(), (
                f"{page.name} shows {csv_name} but it was not written"
            )
    assert list((full_run.reports / "tables").glob("08-publish-transparency-report__*.csv"))


@pytest.mark.slow
@pytest.mark.xdist_group("notebooks")
def test_report_has_findings_first_and_provenance_last(full_run):
    html = (full_run.reports / "08-publish-transparency-report.html").read_text(encoding="utf-8")
    order = [html.find(h) for h in (">Findings", ">Method", ">Limitations", ">Sources and provenance")]
    assert -1 not in order and order == sorted(order)
    assert "ca-scorecard" in html and "git commit" in html
    assert '<pre class="ca-input">' not in html, "no code in the report"
    for dataset in ("claims", "signals", "baselines", "events"):
        digest = datasets.read_package(dataset).descriptor["resources"][0]["hash"].removeprefix("sha256:")
        assert digest in html, f"sha256 of {dataset} missing from the provenance appendix"


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.xdist_group("notebooks")
def test_every_page_under_reports_opens_offline_in_chromium(full_run):
    pages = sorted(p for p in full_run.reports.rglob("*.html") if not p.name.startswith("."))
    names = {str(p.relative_to(full_run.reports)) for p in pages}
    assert {"index.html", "checks/index.html", "08-publish-transparency-report.html"} <= names, names
    for page in pages:
        seen = visit(page)
        assert seen.external == [] and seen.failed == [], (page, seen.external, seen.failed)
        assert seen.console_errors == [] and seen.page_errors == [], (page, seen.console_errors, seen.page_errors)
    assert (full_run.reports / "08-publish-transparency-report.pdf").read_bytes()[:5] == b"%PDF-"


# --------------------------------------------------------------------------- escaping and failure


@pytest.mark.slow
@pytest.mark.xdist_group("notebooks")
def test_a_script_in_a_claim_summary_renders_as_text(tmp_path, monkeypatch):
    """A synthetic copy of the ledger whose summaries carry a script tag."""
    copy = tmp_path / "datasets"
    shutil.copytree(paths.datasets_dir(), copy)
    claims_csv = copy / "claims" / "claims.csv"
    import polars as pl

    claims = datasets.load("claims", root=copy)
    injected = claims.with_columns(pl.col("summary") + pl.lit(" <script>alert('synthetic')</script>"))
    injected.write_csv(claims_csv, date_format="%Y-%m-%d")
    datasets.stamp(["claims"], root=copy)
    monkeypatch.setenv("CLAIMAUDIT_DATASETS", str(copy))
    monkeypatch.setenv("CLAIMAUDIT_CACHE", str(tmp_path / "cache"))
    result = pipeline.run(reports=tmp_path / "reports", notebooks=["08"], pdf=False, skip=("fetch", "check"))
    assert [(o.name, o.ok) for o in result.notebooks] == [
        ("08-publish-transparency-report", True),
        ("08-publish-transparency-report.ur", True),
    ], result.notebooks
    page = tmp_path / "reports" / "08-publish-transparency-report.html"
    html = page.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert('synthetic')&lt;/script&gt;" in html
    assert "script" not in parse(page).tags
    seen = visit(page)
    assert "<script>alert('synthetic')</script>" in seen.text and seen.page_errors == []


SYNTHETIC_OK = """{"cells": [{"cell_type": "markdown", "metadata": {}, "source": ["# ok"]},
 {"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [], "source": ["print('fine')"]}],
 "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
 "nbformat": 4, "nbformat_minor": 4}"""


@pytest.mark.slow
@pytest.mark.xdist_group("notebooks")
def test_a_failed_html_export_fails_that_notebook_not_the_run(tmp_path, monkeypatch):
    import claimaudit.report

    def synthetic_broken_export(*args, **kwargs):
        raise RuntimeError("synthetic template error")

    monkeypatch.setattr(claimaudit.report, "export_html", synthetic_broken_export)
    books = tmp_path / "notebooks"
    books.mkdir()
    (books / "01-synthetic-ok.ipynb").write_text(SYNTHETIC_OK, encoding="utf-8")
    result = pipeline.run(reports=tmp_path / "reports", notebook_dir=books, skip=("fetch", "check", "audit", "pdf"))
    step = next(s for s in result.steps if s.name == "notebooks")
    assert result.exit_code == 1 and step.status == "failed"
    assert "HTML export: RuntimeError: synthetic template error" in step.detail
    assert (tmp_path / "reports" / "failed" / "01-synthetic-ok.ipynb").is_file()


@pytest.mark.slow
@pytest.mark.xdist_group("notebooks")
def test_a_failing_notebook_fails_the_run_and_publishes_nothing(tmp_path):
    books = tmp_path / "notebooks"
    books.mkdir()
    (books / "01-synthetic-ok.ipynb").write_text(SYNTHETIC_OK, encoding="utf-8")
    (books / "02-synthetic-broken.ipynb").write_text(
        SYNTHETIC_OK.replace("print('fine')", "raise ValueError('synthetic failure')"), encoding="utf-8"
    )
    reports = tmp_path / "reports"
    (reports / "tables").mkdir(parents=True)
    (reports / "tables" / "previous.csv").write_text("kept\n", encoding="utf-8")
    result = pipeline.run(reports=reports, notebook_dir=books, skip=("fetch", "check", "audit", "pdf"))
    assert result.exit_code == 1
    step = next(s for s in result.steps if s.name == "notebooks")
    assert step.status == "failed" and "02-synthetic-broken" in step.detail and "synthetic failure" in step.detail
    assert not (reports / "01-synthetic-ok.html").exists(), "nothing from a failed run is published"
    assert (reports / "tables" / "previous.csv").read_text(encoding="utf-8") == "kept\n"
    assert (reports / "failed" / "02-synthetic-broken.ipynb").is_file()
    assert not list(reports.glob(".run-*"))
    assert "02-synthetic-broken" in (reports / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.xdist_group("notebooks")
def test_without_chromium_the_run_says_how_to_install_it_and_publishes_the_html(tmp_path, monkeypatch):
    books = tmp_path / "notebooks"
    books.mkdir()
    (books / f"{pipeline.REPORT_NOTEBOOK}.ipynb").write_text(SYNTHETIC_OK, encoding="utf-8")
    monkeypatch.setenv("CLAIMAUDIT_CHROMIUM", str(tmp_path / "no-chromium-here"))
    result = pipeline.run(reports=tmp_path / "reports", notebook_dir=books, skip=("fetch", "check", "audit"))
    pdf = next(s for s in result.steps if s.name == "pdf")
    assert pdf.status == "unavailable" and "apt-get install chromium" in pdf.detail
    assert result.exit_code == 0
    assert result.report_html is not None and result.report_html.is_file() and result.report_pdf is None
