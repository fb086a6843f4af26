"""quality/_parallel.py: two processes share the suites; the results are those of one process."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from pathlib import Path

import pytest

from claimaudit.quality import _parallel, run_checks
from claimaudit.quality._engine import _Runner
from claimaudit.quality._suite import discover_suites

PROJECT = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
OUR_SUITES = ("baselines", "claims", "claims-sources", "events", "networks", "signals")


@pytest.fixture
def checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The shipped suites of our own datasets, plus one that fails and one that is an error."""
    folder = tmp_path / "checks" / "quality"
    folder.mkdir(parents=True)
    for name in OUR_SUITES:
        shutil.copy(PROJECT / "checks" / "quality" / f"{name}.yml", folder)
    (folder / "synthetic-fails.yml").write_text(
        "description: Synthetic rules the shipped networks data breaks.\ndataset: networks\nresource: networks\n"
        "expectations:\n"
        "  - expect: expect_table_row_count_to_be_between\n    min_value: 1000\n    description: Many rows.\n"
        "  - expect: expect_column_values_to_be_null\n    column: asn\n    description: No ASN.\n"
        "  - expect: expect_column_values_to_not_be_null\n    column: no_such_column\n    description: Err.\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("CLAIMAUDIT_CHECKS", str(tmp_path / "checks"))
    monkeypatch.setenv("CLAIMAUDIT_REPORTS", str(tmp_path / "reports"))
    return folder


def _dicts(report) -> list[dict]:
    return [s.as_dict() for s in report.results]


def test_two_processes_give_the_results_of_one(checks: Path) -> None:
    one = run_checks(now=NOW, write=False, jobs=1)
    two = run_checks(now=NOW, write=False, jobs=2)
    assert _dicts(two) == _dicts(one)
    assert [s.status for s in one.results][-1] == "error"  # synthetic-fails: failures and an error
    outcomes = [e.outcome for e in one.results[-1].expectations]
    assert outcomes == ["fail", "fail", "error"]


def test_the_helper_takes_suites_while_this_process_works(checks: Path) -> None:
    files = discover_suites()
    runner = _Runner(now=NOW)
    here: list[str] = []

    def slow(file: Path):
        here.append(file.stem)
        time.sleep(3)  # long enough for the helper to start and take some, even on a busy machine
        return runner.run_file(file)

    results = _parallel.run_files(files, slow, now=NOW, jobs=2)
    assert [r.name for r in results] == [f.stem for f in files]
    assert 0 < len(here) < len(files)


def test_a_helper_that_dies_leaves_its_suites_to_this_process(checks: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_parallel, "HELPER", ["-c", "import sys; sys.stdin.buffer.read(1)"])  # reads, then exits
    files = discover_suites()
    runner = _Runner(now=NOW)
    here: list[str] = []

    def counted(file: Path):
        here.append(file.stem)
        return runner.run_file(file)

    results = _parallel.run_files(files, counted, now=NOW, jobs=2)
    assert sorted(here) == sorted(f.stem for f in files)
    assert [r.name for r in results] == [f.stem for f in files]


def test_an_interrupt_kills_the_helper(checks: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[_parallel._Helper] = []
    real_start = _parallel._Helper.start

    def start(now: dt.datetime):
        helper = real_start(now)
        started.append(helper)
        return helper

    monkeypatch.setattr(_parallel._Helper, "start", start)

    def interrupted(file: Path):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _parallel.run_files(discover_suites(), interrupted, now=NOW, jobs=2)
    assert started and started[0].process.poll() is not None


def test_one_core_or_few_suites_run_in_this_process_only(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_helper(now: dt.datetime):
        raise AssertionError("no helper process expected")

    monkeypatch.setattr(_parallel._Helper, "start", no_helper)
    files = [Path(f"s{i}.yml") for i in range(_parallel.MIN_SUITES - 1)]
    assert [r for r in _parallel.run_files(files, lambda f: f.stem, now=NOW)] == [f.stem for f in files]
    monkeypatch.setattr(_parallel, "usable_cores", lambda: 1)
    files = [Path(f"s{i}.yml") for i in range(_parallel.MIN_SUITES + 3)]
    assert len(_parallel.run_files(files, lambda f: f.stem, now=NOW)) == len(files)


def test_a_helper_that_never_answers_does_not_make_the_run_wait(checks: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_parallel, "HELPER", ["-c", "import time; time.sleep(120)"])
    files = discover_suites()
    runner = _Runner(now=NOW)
    started = time.monotonic()
    results = _parallel.run_files(files, runner.run_file, now=NOW, jobs=2)
    assert [r.name for r in results] == [f.stem for f in files]
    assert time.monotonic() - started < 60  # the helper would sleep 120 s
