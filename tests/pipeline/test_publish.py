"""A run is published whole or not at all (issue 13): failed checks, a failed step, Ctrl-C and
--no-pdf never leave reports/ mixed. Notebook execution is replaced by a synthetic stand-in that
writes what a notebook writes (page, executed notebook, tables), so these tests start no kernel."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimaudit import datasets, paths, pipeline
from claimaudit.cli import app
from claimaudit.pipeline import _publish, _run
from support.published import assert_only_failed_checks_added, claims_checks_only, tree

BOOKS = ["01-synthetic-ledger", "08-publish-transparency-report"]


@pytest.fixture
def books(tmp_path: Path) -> Path:
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for name in BOOKS:
        (folder / f"{name}.ipynb").write_text("{}", encoding="utf-8")
    return folder


@pytest.fixture
def previous(tmp_path: Path) -> Path:
    """reports/ as an earlier run left it (synthetic)."""
    reports = tmp_path / "reports"
    for rel, text in {
        "index.html": "<title>earlier</title>",
        "01-synthetic-ledger.html": "earlier 01",
        "08-publish-transparency-report.html": "earlier report",
        "08-publish-transparency-report.pdf": "%PDF-earlier",
        "verdicts.json": '{"earlier": true}',
        "verdicts.csv": "earlier\n",
        "tables/01-synthetic-ledger__t.csv": "x\n1\n",
        "tables/08-publish-transparency-report__t.csv": "x\n8\n",
        "checks/results.json": '{"earlier": true}',
        "notebooks/01-synthetic-ledger.ipynb": "{}",
    }.items():
        (reports / rel).parent.mkdir(parents=True, exist_ok=True)
        (reports / rel).write_text(text, encoding="utf-8")
    return reports


@pytest.fixture
def fake_notebooks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Notebook execution replaced by a synthetic one that writes this run's outputs."""
    ran: list[str] = []

    def execute(notebook: Path, *, out_dir: Path, parameters, info, kernel="python3", lang="en", editions=None):
        if lang != "en":  # another edition of the report: its own page, nothing else
            html = out_dir / f"{notebook.stem}.{lang}.html"
            html.write_text(f"<title>new {notebook.stem} ({lang})</title>", encoding="utf-8")
            return pipeline.NotebookOutcome(f"{notebook.stem}.{lang}", True, 0.0, html=html)
        ran.append(notebook.stem)
        (out_dir / "notebooks").mkdir(parents=True, exist_ok=True)
        (out_dir / "notebooks" / notebook.name).write_text("{}", encoding="utf-8")
        tables = Path(os.environ["CLAIMAUDIT_TABLES"])
        tables.mkdir(parents=True, exist_ok=True)
        (tables / f"{notebook.stem}__t.csv").write_text("x\nnew\n", encoding="utf-8")
        html = out_dir / f"{notebook.stem}.html"
        html.write_text(f"<title>new {notebook.stem}</title>", encoding="utf-8")
        return pipeline.NotebookOutcome(
            notebook.stem, True, 0.0, executed=out_dir / "notebooks" / notebook.name, html=html
        )

    monkeypatch.setattr(_run, "execute_notebook", execute)
    monkeypatch.setattr(_run, "WARM_KERNELS", False)  # the stand-in needs no kernel
    return ran


def test_a_run_on_data_that_fails_its_checks_audits_nothing_and_publishes_nothing(
    tmp_path, monkeypatch, books, previous, fake_notebooks, isolated_cache
):
    # a copy of the project's datasets with one claim row duplicated, stamped as if on purpose
    root = tmp_path / "datasets"
    shutil.copytree(paths.datasets_dir(), root)
    claims = root / "claims" / "claims.csv"
    lines = claims.read_text(encoding="utf-8").splitlines(keepends=True)
    claims.write_text("".join([*lines, lines[1]]), encoding="utf-8")
    datasets.stamp(["claims"], root=root)
    checks = claims_checks_only(tmp_path / "checks")
    monkeypatch.setenv("CLAIMAUDIT_DATASETS", str(root))
    monkeypatch.setenv("CLAIMAUDIT_CHECKS", str(checks))
    before = tree(previous)
    result = pipeline.run(reports=previous, notebook_dir=books, skip=("fetch",), pdf=False)
    steps = {s.name: s for s in result.steps}
    assert result.exit_code == 1 and steps["check"].status == "failed" and "claims" in steps["check"].detail
    assert steps["audit"].status == "skipped" and "refused" in steps["audit"].detail
    assert steps["notebooks"].status == "skipped" and not fake_notebooks
    after = tree(previous)
    # nothing of the run replaced anything; only the failed check results and the index notice were added
    assert_only_failed_checks_added(before, after)
    index = (previous / "index.html").read_text(encoding="utf-8")
    assert "nothing of this run was published" in index
    assert not list(previous.glob(".run-*")) and not list(previous.glob(".old-*"))


def test_the_audit_cli_refuses_data_that_fails_its_checks_and_writes_nothing(tmp_path, monkeypatch):
    root = tmp_path / "datasets"
    shutil.copytree(paths.datasets_dir(), root)
    claims = root / "claims" / "claims.csv"
    text = claims.read_text(encoding="utf-8")
    second = text.splitlines(keepends=True)[1]
    claims.write_text(text + second, encoding="utf-8")
    datasets.stamp(["claims"], root=root)
    monkeypatch.setenv("CLAIMAUDIT_DATASETS", str(root))
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["audit", "--out", str(out)])
    assert result.exit_code in (1, 2) and "does not pass its checks" in result.output, result.output
    assert "claims.csv" in result.output or "claims:" in result.output
    assert not out.exists()


def test_ctrl_c_during_the_run_leaves_reports_as_they_were_and_says_so(tmp_path, monkeypatch, books, previous):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(_run, "execute_notebook", interrupted)
    monkeypatch.setattr(_run, "WARM_KERNELS", False)
    before = tree(previous)
    with pytest.raises(KeyboardInterrupt) as info:
        pipeline.run(reports=previous, notebook_dir=books, skip=("fetch", "check", "audit"), pdf=False)
    assert "nothing of this run was published" in str(info.value) and str(previous) in str(info.value)
    assert tree(previous) == before
    assert not list(previous.glob(".run-*"))
    # the CLI says the same and exits 130
    result = CliRunner().invoke(
        app,
        ["run", "--reports", str(previous), "--skip", "fetch", "--skip", "check", "--skip", "audit", "--no-pdf"],
        env={"CLAIMAUDIT_HOME": str(tmp_path)},
    )
    assert result.exit_code == 130 and "nothing of this run was published" in result.output, result.output
    assert tree(previous) == before


def test_ctrl_c_while_the_checks_run_beside_the_audit_kills_the_checks_and_publishes_nothing(
    tmp_path, monkeypatch, books, previous, fake_notebooks
):
    started: list[_run.CheckProcess] = []

    class Recorded(_run.CheckProcess):
        def __init__(self) -> None:
            super().__init__()
            started.append(self)

    def audit_interrupted(**kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(_run, "CheckProcess", Recorded)
    monkeypatch.setattr(_run, "step_audit", audit_interrupted)
    before = tree(previous)
    with pytest.raises(KeyboardInterrupt) as info:
        pipeline.run(reports=previous, notebook_dir=books, skip=("fetch",), pdf=False)
    assert "nothing of this run was published" in str(info.value)
    assert len(started) == 1 and started[0]._proc.poll() is not None, "the checks' process is not left running"
    assert tree(previous) == before and not fake_notebooks
    assert not list(previous.glob(".run-*"))


def test_ctrl_c_or_a_failure_in_the_middle_of_publishing_is_rolled_back(
    tmp_path, monkeypatch, books, previous, fake_notebooks
):
    before = tree(previous)
    real = os.replace
    calls = {"n": 0}

    def flaky(src, dst):
        calls["n"] += 1
        if calls["n"] == 6:  # old entries moved aside, some new ones in
            raise KeyboardInterrupt
        return real(src, dst)

    monkeypatch.setattr(_publish.os, "replace", flaky)
    with pytest.raises(KeyboardInterrupt):
        pipeline.run(reports=previous, notebook_dir=books, skip=("fetch", "check", "audit"), pdf=False)
    assert tree(previous) == before
    assert not list(previous.glob(".run-*")) and not list(previous.glob(".old-*"))


def test_no_pdf_publishes_no_pdf_and_the_index_does_not_offer_one(tmp_path, books, previous, fake_notebooks):
    result = pipeline.run(reports=previous, notebook_dir=books, skip=("fetch", "check", "audit"), pdf=False)
    assert result.exit_code == 0, result.problems()
    assert not (previous / "08-publish-transparency-report.pdf").exists()
    assert result.report_pdf is None and result.report_html == previous / "08-publish-transparency-report.html"
    index = (previous / "index.html").read_text(encoding="utf-8")
    assert ".pdf" not in index and "printable PDF" not in index
    assert (previous / "tables" / "08-publish-transparency-report__t.csv").read_text() == "x\nnew\n"


def test_a_partial_run_publishes_the_whole_set_and_says_which_pages_are_earlier(
    tmp_path, books, previous, fake_notebooks
):
    result = pipeline.run(
        reports=previous, notebook_dir=books, notebooks=["08"], skip=("fetch", "check", "audit"), pdf=False
    )
    assert result.exit_code == 0 and fake_notebooks == ["08-publish-transparency-report"]
    assert (previous / "01-synthetic-ledger.html").read_text() == "earlier 01"  # not run: carried over
    assert (previous / "tables" / "01-synthetic-ledger__t.csv").read_text() == "x\n1\n"
    assert (previous / "verdicts.json").read_text() == '{"earlier": true}'  # --skip audit: carried over
    index = (previous / "index.html").read_text(encoding="utf-8")
    assert "kept from an earlier run (not run this time): 01-synthetic-ledger" in index
    assert "verdicts.json/csv are from an earlier run" in index
    assert not list(previous.glob(".run-*")) and not list(previous.glob(".old-*"))


# --------------------------------------------------------------------------- determinism

#: What may differ between two runs on the same inputs: the run-time stamps (docs/determinism.md).
STAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?"


def normalised(path: Path) -> bytes:
    """A published file with its documented run-time stamps blanked."""
    import json
    import re

    data = path.read_bytes()
    if path.suffix == ".ipynb":
        notebook = json.loads(data)
        notebook.get("metadata", {}).pop("papermill", None)
        for cell in notebook.get("cells", []):
            cell.get("metadata", {}).pop("papermill", None)
            cell.get("metadata", {}).pop("execution", None)
        return json.dumps(notebook, sort_keys=True).encode()
    if path.suffix in (".html", ".json", ".xml"):
        return re.sub(STAMP.encode(), b"<stamp>", data)
    return data


@pytest.mark.slow
@pytest.mark.xdist_group("notebooks")
def test_two_runs_on_the_same_inputs_are_byte_identical_but_for_the_run_time_stamps(tmp_path, isolated_cache):
    runs = []
    for name in ("one", "two"):
        reports = tmp_path / name
        result = pipeline.run(reports=reports, notebooks=["02"], skip=("fetch", "check"), pdf=False)
        assert result.exit_code == 0, result.problems()
        runs.append(reports)
    one, two = (tree(r) for r in runs)
    assert sorted(one) == sorted(two)
    differ = [rel for rel in one if normalised(runs[0] / rel) != normalised(runs[1] / rel)]
    assert differ == [], differ
    # the tables, verdicts and the CSVs are byte-identical without any normalising
    assert all(one[rel] == two[rel] for rel in one if rel.endswith((".csv", "verdicts.json")))
