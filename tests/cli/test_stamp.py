"""`datasets stamp` (with --check and its change summary) and `datasets verify`.

Each test works on a temporary git repository holding a copy of datasets/ and checks/; the
edits are synthetic.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimaudit import paths
from claimaudit.cli import app
from claimaudit.datasets import stamping as _stamping

ROOT = paths.project_root()


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=repo, check=True, capture_output=True
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "repo"
    copy.mkdir()
    shutil.copytree(ROOT / "datasets", copy / "datasets")
    shutil.copytree(ROOT / "checks", copy / "checks")
    _git(copy, "init", "-q")
    _git(copy, "add", "-A")
    _git(copy, "commit", "-qm", "synthetic test repository")
    for var in ("CLAIMAUDIT_DATASETS", "CLAIMAUDIT_CHECKS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("CLAIMAUDIT_HOME", str(copy))
    monkeypatch.setenv("CLAIMAUDIT_REPORTS", str(copy / "reports"))
    monkeypatch.chdir(copy)
    return copy


def _lines(repo: Path) -> list[str]:
    return (repo / "datasets" / "claims" / "claims.csv").read_text(encoding="utf-8").split("\n")


def _save(repo: Path, lines: list[str]) -> None:
    (repo / "datasets" / "claims" / "claims.csv").write_text("\n".join(lines), encoding="utf-8")


def test_stamp_says_what_changed_since_the_last_stamp(repo):
    lines = _lines(repo)
    lines[3] = lines[3].replace(",medium,", ",low,", 1)  # one row changed (synthetic edit)
    del lines[5]  # one row removed
    _save(repo, lines)
    result = CliRunner().invoke(app, ["datasets", "stamp", "claims"])
    assert result.exit_code == 0, result.output
    rows = len([x for x in _lines(repo)[1:] if x])
    assert f"claims/claims: 0 rows added, 1 removed, 1 changed ({rows + 1} -> {rows} rows)" in result.output
    assert "claims/sources" not in result.output  # unchanged files are not listed
    assert "stamps match" in CliRunner().invoke(app, ["datasets", "verify"]).output


def test_stamp_without_the_stamped_version_in_git_says_so(repo):
    lines = _lines(repo)
    lines.insert(2, lines[2].replace("pta-", "synthetic-pta-", 1))
    _save(repo, lines)
    shutil.rmtree(repo / ".git")
    result = CliRunner().invoke(app, ["datasets", "stamp", "claims"])
    assert result.exit_code == 0
    assert "the stamped version is not in git history" in result.output


def test_stamp_refuses_a_file_that_does_not_load(repo):
    lines = _lines(repo)
    lines[7] = lines[7] + ",extra"
    _save(repo, lines)
    descriptor = (repo / "datasets" / "claims" / "datapackage.json").read_bytes()
    result = CliRunner().invoke(app, ["datasets", "stamp"])
    assert result.exit_code == 2
    assert "not stamped" in result.output and "line 8" in result.output
    assert (repo / "datasets" / "claims" / "datapackage.json").read_bytes() == descriptor


def test_stamp_check_runs_the_suites_first_and_stamps_nothing_on_a_failure(repo):
    lines = _lines(repo)
    descriptor = (repo / "datasets" / "claims" / "datapackage.json").read_bytes()
    # a value the schema refuses (an enum) is refused when the file is read, before any suite
    _save(repo, [*lines[:9], lines[9].replace(",count,", ",opinion,", 1), *lines[10:]])
    result = CliRunner().invoke(app, ["datasets", "stamp", "--check", "claims"])
    assert result.exit_code == 2, result.output
    assert "not stamped" in result.output and "line 10, column 'kind'" in result.output
    assert (repo / "datasets" / "claims" / "datapackage.json").read_bytes() == descriptor
    # a value that loads but fails a quality suite (a claim dated in the future)
    lines[9] = lines[9].replace(",2018-10-19,approx,", ",2031-10-19,approx,", 1)
    assert ",2031-10-19," in lines[9], "test set-up"
    _save(repo, lines)
    result = CliRunner().invoke(app, ["datasets", "stamp", "--check", "claims"])
    assert result.exit_code == 1, result.output
    assert "not stamped: the quality suites of claims do not pass" in result.output
    assert "datasets/claims/claims.csv line 10, column 'statement_date'" in result.output  # the real file
    assert (repo / "datasets" / "claims" / "datapackage.json").read_bytes() == descriptor
    # a good edit passes and is stamped
    lines[9] = lines[9].replace(",2031-10-19,approx,", ",2018-10-19,approx,", 1).replace(",medium,", ",low,", 1)
    _save(repo, lines)
    result = CliRunner().invoke(app, ["datasets", "stamp", "--check", "claims"])
    assert result.exit_code == 0, result.output
    assert "pass on the edited files" in result.output and "stamped" in result.output


def test_verify_names_a_dataset_edited_but_not_stamped(repo):
    lines = _lines(repo)
    lines[2] = lines[2].replace(",medium,", ",low,", 1)
    _save(repo, lines)
    result = CliRunner().invoke(app, ["datasets", "verify", "datasets/claims/claims.csv", "README.md"])
    assert result.exit_code == 1
    assert "datasets/claims/claims.csv: edited but not stamped" in result.output
    assert "claimaudit datasets stamp --check claims" in result.output
    assert CliRunner().invoke(app, ["datasets", "verify", "README.md"]).exit_code == 0


def test_dataset_of_maps_paths_to_datasets(repo):
    assert _stamping.dataset_of("datasets/claims/claims.csv") == "claims"
    assert _stamping.dataset_of(repo / "datasets" / "events" / "datapackage.json") == "events"
    assert _stamping.dataset_of("datasets/external/ooni-incidents/datapackage.json") is None
    assert _stamping.dataset_of("checks/quality/claims.yml") is None
