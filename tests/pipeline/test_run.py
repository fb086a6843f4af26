"""The run's schedule (pipeline/_run.py): the notebooks start as soon as the audit has written the
verdicts, while the data checks still run, on the core the audit leaves idle; a notebook that
reads check results waits for them and sees this run's; checks that fail after notebooks started
still publish nothing.

The first two tests replace notebook execution by a synthetic stand-in (no kernel); the checks run
in their real process, on a copy of the project's suites cut down to the claims ledger's."""

from __future__ import annotations

import threading
from pathlib import Path

import nbformat
import pytest

from claimaudit import paths, pipeline, quality
from claimaudit.errors import ChecksPending
from claimaudit.pipeline import _checks, _run
from support.published import assert_only_failed_checks_added, claims_checks_only, tree


def _book(folder: Path, name: str, *cells: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    for index, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{index}"
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, str(path))
    return path


@pytest.fixture
def suites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The project's checks folder with only the claims ledger's quality suites (quicker)."""
    checks = claims_checks_only(tmp_path / "checks")
    monkeypatch.setenv("CLAIMAUDIT_CHECKS", str(checks))
    return checks


@pytest.fixture
def books(tmp_path: Path) -> Path:
    folder = tmp_path / "notebooks"
    folder.mkdir()
    _book(folder, "01-synthetic-early")
    _book(folder, "08-publish-transparency-report")
    return folder


@pytest.fixture
def started_early(monkeypatch: pytest.MonkeyPatch) -> dict[str, dict[str, bool]]:
    """Notebook execution replaced by a synthetic stand-in that records what it saw when it started
    and which check results it then read (the report's editions read them, as the real report does);
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
        if notebook.stem == "08-publish-transparency-report":
            read = quality.latest_check_results()  # waits for the checks
            seen[name]["read"] = read == out_dir / "checks" / "results.json" and read.is_file()
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
def test_notebooks_start_while_the_checks_run_and_wait_for_their_results(
    tmp_path, books, suites, started_early, isolated_cache
):
    reports = tmp_path / "reports"
    result = pipeline.run(reports=reports, notebook_dir=books, skip=("fetch",), pdf=False)
    assert result.exit_code == 0, result.problems()
    # the first ones started while the checks ran (their results not there, the marker there) ...
    assert started_early["08-publish-transparency-report.ur"] == {"pending": True, "results": False, "read": True}
    # ... and the report, asking for check results, got this run's (it waited for them)
    assert started_early["08-publish-transparency-report"]["read"] is True
    assert set(started_early) == {
        "01-synthetic-early",
        "08-publish-transparency-report",
        "08-publish-transparency-report.ur",
    }
    steps = [s.name for s in result.steps]
    assert steps == ["fetch", "check", "audit", "notebooks", "pdf", "publish"]
    assert (reports / "01-synthetic-early.html").is_file() and (reports / "checks" / "results.json").is_file()
    assert not paths.checks_pending(reports).exists() and not list(reports.glob(".run-*"))


def test_the_report_editions_run_first_the_urdu_one_before_the_english(tmp_path):
    books = [tmp_path / f"{name}.ipynb" for name in ("00-start", "01-a", "08-publish-transparency-report", "07-b")]
    order = _run._editions_to_run(books, ("en", "ur"))
    assert [(nb.stem, lang) for nb, lang in order] == [
        ("08-publish-transparency-report", "ur"),
        ("08-publish-transparency-report", "en"),
        ("00-start", "en"),
        ("01-a", "en"),
        ("07-b", "en"),
    ]


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
    before = tree(reports)
    result = pipeline.run(reports=reports, notebook_dir=books, skip=("fetch",), pdf=False)
    steps = {s.name: s for s in result.steps}
    assert result.exit_code == 1 and steps["check"].status == "failed", steps["check"]
    assert steps["audit"].status == "skipped" and steps["notebooks"].status == "skipped"
    assert started_early  # notebooks did start while the checks ran ...
    assert all(seen["pending"] for seen in started_early.values())
    assert result.notebooks == []  # ... and what they made was thrown away
    after = tree(reports)
    assert_only_failed_checks_added(before, after)
    assert not list(reports.glob(".run-*"))


@pytest.mark.xdist_group("notebooks")
@pytest.mark.slow
def test_a_notebook_reading_check_results_while_the_checks_run_waits_and_sees_this_runs(
    tmp_path, suites, isolated_cache, monkeypatch
):
    folder = tmp_path / "notebooks"
    folder.mkdir()
    _book(
        folder,
        "01-synthetic-reads-checks",
        "from claimaudit import paths\nprint('checks still running:', paths.checks_pending().exists())",
        "from claimaudit.notebook import views\nresults = views.check_results()\n"
        "print('suites checked:', results.height)",
    )
    # the checks' answer is read only once the notebook runs (so it certainly meets them running)
    running = threading.Event()
    execute = _run.execute_notebook

    def execute_and_tell(*args, **kwargs):
        running.set()
        return execute(*args, **kwargs)

    answer = _checks.CheckProcess.result

    def result_once_the_notebook_runs(self):
        assert running.wait(300), "the notebook did not start while the checks ran"
        return answer(self)

    monkeypatch.setattr(_run, "execute_notebook", execute_and_tell)
    monkeypatch.setattr(_checks.CheckProcess, "result", result_once_the_notebook_runs)
    reports = tmp_path / "reports"
    result = pipeline.run(reports=reports, notebook_dir=folder, skip=("fetch",), pdf=False, jobs=1)
    assert result.exit_code == 0, result.problems()
    assert [o.name for o in result.notebooks] == ["01-synthetic-reads-checks"] and result.notebooks[0].ok
    executed = nbformat.read(reports / "notebooks" / "01-synthetic-reads-checks.ipynb", as_version=4)
    texts = ["".join(o.get("text", "") for o in cell.outputs) for cell in executed.cells]
    assert texts[-2:] == ["checks still running: True\n", "suites checked: 2\n"], texts  # after papermill's cell


def test_check_results_are_waited_for_while_a_run_checks(tmp_path, monkeypatch):
    monkeypatch.setenv("CLAIMAUDIT_REPORTS", str(tmp_path))
    (tmp_path / "checks").mkdir()
    results = tmp_path / "checks" / "results.json"
    results.write_text("{}", encoding="utf-8")  # an earlier run's
    assert quality.latest_check_results() == results
    pending = paths.checks_pending(tmp_path)
    pending.write_text("", encoding="utf-8")
    with pytest.raises(ChecksPending, match="did not finish within 0 s"):
        quality.latest_check_results(wait=0.2)
    # a file asked for by name is read as it is
    assert quality.latest_check_results(results, wait=0) == results
    # the checks finish while it waits: it returns then
    timer = threading.Timer(0.3, pending.unlink)
    timer.start()
    assert quality.latest_check_results(wait=30) == results
    assert not pending.exists()
