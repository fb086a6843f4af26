"""The run's schedule (pipeline/_run.py): notebooks that do not read check results start while the
data checks still run, on the core the audit leaves idle; the others (metadata
``"claimaudit": {"reads_check_results": true}``) start after the checks passed; a notebook that
reads check results without saying so runs again after them; and checks that fail after some
notebooks started still publish nothing.

The first two tests replace notebook execution by a synthetic stand-in (no kernel); the checks run
in their real process, on a copy of the project's suites cut down to the claims ledger's."""

from __future__ import annotations

import hashlib
import shutil
import threading
from pathlib import Path

import nbformat
import pytest

from claimaudit import paths, pipeline, quality
from claimaudit.errors import ChecksPending
from claimaudit.pipeline import _checks, _run

READS_CHECKS = {"claimaudit": {"reads_check_results": True}}


def _tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _book(folder: Path, name: str, *cells: str, metadata: dict | None = None) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata.update(metadata or {})
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index}"
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, str(path))
    return path


@pytest.fixture
def suites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The project's checks folder with only the claims ledger's quality suites (quicker)."""
    checks = tmp_path / "checks"
    shutil.copytree(paths.checks_dir(), checks)
    for suite in (checks / "quality").glob("*.yml"):
        if suite.stem not in ("claims", "claims-sources"):
            suite.unlink()
    monkeypatch.setenv("CLAIMAUDIT_CHECKS", str(checks))
    return checks


@pytest.fixture
def books(tmp_path: Path) -> Path:
    folder = tmp_path / "notebooks"
    folder.mkdir()
    _book(folder, "01-synthetic-early")
    _book(folder, "08-publish-transparency-report", metadata=READS_CHECKS)
    return folder


@pytest.fixture
def started_early(monkeypatch: pytest.MonkeyPatch) -> dict[str, dict[str, bool]]:
    """Notebook execution replaced by a synthetic stand-in that records what it saw when it started;
    the run waits for the checks' answer only once a notebook has started (so that one did start
    while the checks ran, whatever the machine's speed)."""
    seen: dict[str, dict[str, bool]] = {}
    one_started = threading.Event()

    def execute(notebook: Path, *, out_dir: Path, parameters, info, kernel="python3", lang="en", editions=None):
        name = notebook.stem + ("" if lang == "en" else f".{lang}")
        seen[name] = {
            "pending": paths.checks_pending(out_dir).exists(),
            "results": (out_dir / "checks" / "results.json").is_file(),
        }
        one_started.set()
        html = out_dir / f"{name}.html"
        html.write_text(f"<title>new {name}</title>", encoding="utf-8")
        return pipeline.NotebookOutcome(name, True, 0.0, html=html, lang=lang)

    answer = _checks.CheckProcess.result

    def result_once_a_notebook_started(self):
        assert one_started.wait(120), "no notebook started while the checks ran"
        return answer(self)

    monkeypatch.setattr(_run, "execute_notebook", execute)
    monkeypatch.setattr(_run, "WARM_KERNELS", False)  # the stand-in needs no kernel
    monkeypatch.setattr(_checks.CheckProcess, "result", result_once_a_notebook_started)
    return seen


@pytest.mark.slow
def test_notebooks_that_do_not_read_check_results_start_while_the_checks_run(
    tmp_path, books, suites, started_early, isolated_cache
):
    reports = tmp_path / "reports"
    result = pipeline.run(reports=reports, notebook_dir=books, skip=("fetch",), pdf=False)
    assert result.exit_code == 0, result.problems()
    # the early one started while the checks ran (their results not there, the marker there) ...
    assert started_early["01-synthetic-early"] == {"pending": True, "results": False}
    # ... the report (which says it reads check results) after they passed, in every edition
    assert started_early["08-publish-transparency-report"] == {"pending": False, "results": True}
    assert started_early["08-publish-transparency-report.ur"] == {"pending": False, "results": True}
    steps = [s.name for s in result.steps]
    assert steps == ["fetch", "check", "audit", "notebooks", "pdf", "publish"]
    assert (reports / "01-synthetic-early.html").is_file() and (reports / "checks" / "results.json").is_file()
    assert not paths.checks_pending(reports).exists() and not list(reports.glob(".run-*"))


@pytest.mark.slow
def test_checks_that_fail_after_some_notebooks_started_publish_nothing(
    tmp_path, books, suites, started_early, isolated_cache
):
    # valid data, and a suite that fails on it: the audit succeeds, so the early notebook starts
    suite = suites / "quality" / "claims.yml"
    suite.write_text(
        suite.read_text(encoding="utf-8")
        + "\n  - expect: expect_column_values_to_match_regex\n    column: claim_id\n"
        + '    regex: "^synthetic-no-id-looks-like-this$"\n    description: A synthetic expectation that fails.\n',
        encoding="utf-8",
    )
    reports = tmp_path / "reports"
    (reports / "checks").mkdir(parents=True)
    (reports / "index.html").write_text("<title>earlier</title>", encoding="utf-8")
    (reports / "01-synthetic-early.html").write_text("earlier 01", encoding="utf-8")
    (reports / "checks" / "results.json").write_text('{"earlier": true}', encoding="utf-8")
    before = _tree(reports)
    result = pipeline.run(reports=reports, notebook_dir=books, skip=("fetch",), pdf=False)
    steps = {s.name: s for s in result.steps}
    assert result.exit_code == 1 and steps["check"].status == "failed", steps["check"]
    assert steps["audit"].status == "skipped" and steps["notebooks"].status == "skipped"
    assert started_early == {"01-synthetic-early": {"pending": True, "results": False}}  # it did start
    assert result.notebooks == []  # and what it made was thrown away
    after = _tree(reports)
    assert {k: v for k, v in after.items() if k in before and k != "index.html"} == {
        k: v for k, v in before.items() if k != "index.html"
    }
    assert set(after) - set(before) == {
        "checks/failed/results.json",
        "checks/failed/junit.xml",
        "checks/failed/index.html",
    }
    assert not list(reports.glob(".run-*"))


@pytest.mark.xdist_group("notebooks")
@pytest.mark.slow
def test_a_notebook_that_reads_check_results_without_saying_so_runs_again_after_the_checks(
    tmp_path, suites, isolated_cache, monkeypatch
):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    _book(
        folder,
        "01-synthetic-reads-checks",
        "from claimaudit.notebook import views\nresults = views.check_results()\n"
        "print('suites checked:', results.height)",
    )
    # the checks' answer is read only after the notebook's first attempt is over (it then has
    # certainly met the checks still running)
    tried = threading.Event()
    execute = _run.execute_notebook

    def execute_and_tell(*args, **kwargs):
        outcome = execute(*args, **kwargs)
        tried.set()
        return outcome

    answer = _checks.CheckProcess.result

    def result_after_the_first_attempt(self):
        assert tried.wait(300), "the notebook did not run while the checks ran"
        return answer(self)

    monkeypatch.setattr(_run, "execute_notebook", execute_and_tell)
    monkeypatch.setattr(_checks.CheckProcess, "result", result_after_the_first_attempt)
    said: list[str] = []
    reports = tmp_path / "reports"
    result = pipeline.run(
        reports=reports,
        notebook_dir=folder,
        skip=("fetch",),
        pdf=False,
        jobs=1,
        progress=lambda step, message: said.append(message),
    )
    assert result.exit_code == 0, result.problems()
    assert any("read check results before the checks had finished" in m for m in said), said
    assert [o.name for o in result.notebooks] == ["01-synthetic-reads-checks"] and result.notebooks[0].ok
    executed = nbformat.read(reports / "notebooks" / "01-synthetic-reads-checks.ipynb", as_version=4)
    text = "".join(o.get("text", "") for o in executed.cells[-1].outputs)
    assert "suites checked: 2" in text, text


def test_check_results_cannot_be_read_while_a_run_checks(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMAUDIT_REPORTS", str(tmp_path))
    (tmp_path / "checks").mkdir()
    (tmp_path / "checks" / "results.json").write_text("{}", encoding="utf-8")  # an earlier run's
    assert quality.latest_check_results() == tmp_path / "checks" / "results.json"
    paths.checks_pending(tmp_path).write_text("", encoding="utf-8")
    with pytest.raises(ChecksPending, match="reads_check_results"):
        quality.latest_check_results()
    # a file asked for by name is read as it is
    assert quality.latest_check_results(tmp_path / "checks" / "results.json") == tmp_path / "checks" / "results.json"


def test_the_shipped_notebooks_that_read_check_results_say_so():
    """The start page, the data-quality review and the report read the run's check results; the
    audit notebooks do not (they start while the checks run)."""
    declared = {nb.stem for nb in pipeline.discover_notebooks() if _run.reads_check_results(nb)}
    assert declared == {"00-start-here", "07-review-data-quality", "08-publish-transparency-report"}
