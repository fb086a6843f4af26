"""`--format github`: failing cells as GitHub Actions annotations at file, line and column.

Each test edits a temporary copy of the project (CLAIMAUDIT_HOME) with a synthetic bad value.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimaudit import datasets, paths
from claimaudit.cli import app
from claimaudit.cli._github import cell_position, command

ROOT = paths.project_root()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "project"
    copy.mkdir()
    shutil.copytree(ROOT / "datasets", copy / "datasets")
    shutil.copytree(ROOT / "checks", copy / "checks")
    for var in ("CLAIMAUDIT_DATASETS", "CLAIMAUDIT_CHECKS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("CLAIMAUDIT_HOME", str(copy))
    monkeypatch.setenv("CLAIMAUDIT_REPORTS", str(copy / "reports"))
    monkeypatch.setenv("CLAIMAUDIT_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    for var in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"):
        monkeypatch.delenv(var, raising=False)
    return copy


def _edit_cell(file: Path, line: int, column: str, value: str) -> int:
    """Set one cell (on a record that is one physical line) and return its 1-based character column."""
    import csv
    import io

    lines = file.read_text(encoding="utf-8").split("\n")
    header = next(csv.reader([lines[0]]))
    cells = next(csv.reader([lines[line - 1]]))
    cells[header.index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    lines[line - 1] = out.getvalue()
    file.write_text("\n".join(lines), encoding="utf-8")
    prefix = io.StringIO()
    csv.writer(prefix, lineterminator="").writerow(cells[: header.index(column)])
    return len(prefix.getvalue()) + (2 if header.index(column) else 1)


def test_a_failing_cell_is_an_error_annotation_with_file_line_and_column(project, tmp_path):
    claims = project / "datasets" / "claims" / "claims.csv"
    col = _edit_cell(claims, 121, "kind", "opinion")
    datasets.stamp(["claims"], root=project / "datasets")
    result = CliRunner().invoke(app, ["check", "--format", "github", "datasets/claims/claims.csv"])
    assert result.exit_code == 1, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("::error ")]
    assert f"::error file=datasets/claims/claims.csv,line=121,col={col},title=claimaudit check%3A claims::" in errors[0]
    assert 'kind = "opinion"' in errors[0] and "The kind is count, ratio or assertion." in errors[0]
    assert len(errors) == 1  # only the failing cell; warnings are ::warning
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "## claimaudit check: NOT passed" in summary
    assert '| claims | `datasets/claims/claims.csv:121` | kind | "opinion" |' in summary


def test_summary_links_to_the_line_on_github_when_the_runner_says_where(project, tmp_path, monkeypatch):
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_REPOSITORY", "someone/claimaudit-fork")
    monkeypatch.setenv("GITHUB_SHA", "0123abcd")
    _edit_cell(project / "datasets" / "claims" / "sources.csv", 4, "language", "english")
    datasets.stamp(["claims"], root=project / "datasets")
    result = CliRunner().invoke(app, ["check", "-f", "github", "-s", "claims-sources"])
    assert result.exit_code == 1
    assert re.search(r"^::error file=datasets/claims/sources.csv,line=4,col=\d+,", result.output, re.M)
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    link = "https://github.com/someone/claimaudit-fork/blob/0123abcd/datasets/claims/sources.csv#L4"
    assert f"[`datasets/claims/sources.csv:4`]({link})" in summary


def test_a_cell_that_does_not_load_is_annotated_at_its_column(project):
    claims = project / "datasets" / "claims" / "claims.csv"
    col = _edit_cell(claims, 10, "value", "1,000")
    datasets.stamp(["claims"], root=project / "datasets")
    result = CliRunner().invoke(app, ["check", "--format", "github", "-s", "claims"])
    assert result.exit_code == 2
    line = next(x for x in result.output.splitlines() if x.startswith("::error "))
    assert line.startswith(f"::error file=datasets/claims/claims.csv,line=10,col={col},")
    assert "column 'value'" in line and "1,000" in line and "%0AWhat to do: " in line


def test_json_and_junit_formats_print_the_result_files(project):
    result = CliRunner().invoke(app, ["check", "--format", "json", "-s", "claims"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["suites"][0]["name"] == "claims"
    result = CliRunner().invoke(app, ["check", "--format", "junit", "-s", "claims"])
    assert result.exit_code == 0 and result.output.startswith("<?xml")


def test_files_that_belong_to_no_dataset_check_nothing(project):
    result = CliRunner().invoke(app, ["check", "README.md", "src/claimaudit/paths.py"])
    assert result.exit_code == 0 and "nothing to check" in result.output


def test_audit_annotates_a_bad_rule_file_at_its_line_and_key(project, tmp_path):
    rules = project / "checks" / "claims" / "vpn-blocking.yml"
    text = rules.read_text(encoding="utf-8")
    rules.write_text(text.replace("kind: evidence_vs_assertion", "kind: evidence_vs_asertion", 1), encoding="utf-8")
    line = text[: text.index("kind: evidence_vs_assertion")].count("\n") + 1
    col = len(text.splitlines()[line - 1]) - len(text.splitlines()[line - 1].lstrip()) + 1
    result = CliRunner().invoke(app, ["audit", "--format", "github"])
    assert result.exit_code == 2
    first = result.output.splitlines()[0]
    assert first.startswith(
        f"::error file=checks/claims/vpn-blocking.yml,line={line},col={col},title=claimaudit audit::"
    )
    assert "unknown rule kind 'evidence_vs_asertion'" in first
    assert "claimaudit audit: not run" in (tmp_path / "summary.md").read_text(encoding="utf-8")


def test_workflow_command_escaping_and_cell_positions(tmp_path):
    assert command("warning", "50% of\nrows", file="a,b.csv", line=2, title="x: y") == (
        "::warning file=a%2Cb.csv,line=2,title=x%3A y::50%25 of%0Arows"
    )
    path = tmp_path / "x.csv"
    path.write_text('a,b,c\n1,"two\nlines",3\n4,5,6\n', encoding="utf-8")
    assert cell_position(path, 2, "a") == (2, 1)
    assert cell_position(path, 2, "b") == (2, 3)
    assert cell_position(path, 2, "c") == (3, 8)  # after the quoted newline
    assert cell_position(path, 4, "c") == (4, 5)
    assert cell_position(path, 2, "nope") is None


# --------------------------------------------------------------------------- accepted (severity: warning) rows


def _warning_expectation(suite_file: Path) -> tuple[int, str]:
    """(line, description) of the claims suite's severity: warning expectation (windows without period_start)."""
    import yaml

    lines = suite_file.read_text(encoding="utf-8").splitlines()
    entries = yaml.safe_load("\n".join(lines))["expectations"]
    [entry] = [e for e in entries if e.get("severity") == "warning"]
    line = next(i for i, text in enumerate(lines, 1) if text.strip() == f"description: {entry['description']}")
    return line, entry["description"]


def test_known_accepted_warnings_are_one_notice_each_and_annotate_no_row(project, tmp_path):
    result = CliRunner().invoke(app, ["check", "--format", "github", "-s", "claims"])
    assert result.exit_code == 0, result.output  # the shipped ledger passes; its warnings are accepted
    commands = [x for x in result.output.splitlines() if x.startswith("::")]
    assert not [x for x in commands if x.startswith(("::warning", "::error"))], commands
    [notice] = [x for x in commands if x.startswith("::notice")]
    _line, description = _warning_expectation(project / "checks" / "quality" / "claims.yml")
    assert notice.startswith("::notice title=claimaudit check%3A claims (accepted warning)::")
    assert "file=" not in notice.split("::")[1]  # no row of the diff is marked
    rows = int(re.search(r"::(\d+) row\(s\) of datasets/claims/claims.csv break", notice).group(1))
    assert rows > 0 and description in notice and "checks/quality/claims.yml line" in notice
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "### What to fix" not in summary
    accepted = summary.split("### Accepted warnings", 1)[1]
    listed = re.findall(r"^\| claims \| `datasets/claims/claims.csv:(\d+)` \|", accepted, re.M)
    assert listed and all(description in row for row in accepted.splitlines() if row.startswith("| claims | `"))


def test_annotate_warnings_marks_each_accepted_row_as_a_warning_at_its_cell(project):
    result = CliRunner().invoke(app, ["check", "--format", "github", "--annotate-warnings", "-s", "claims"])
    assert result.exit_code == 0, result.output
    commands = [x for x in result.output.splitlines() if x.startswith("::")]
    assert not [x for x in commands if x.startswith("::notice")]
    warnings = [x for x in commands if x.startswith("::warning ")]
    rows, more = [x for x in warnings if "::… and " not in x], [x for x in warnings if "::… and " in x]
    assert rows and all(re.match(r"::warning file=datasets/claims/claims.csv,line=\d+,col=\d+,", x) for x in rows)
    for x in more:  # the rows past the examples, said once at the file, with where the full list is
        assert x.startswith("::warning file=datasets/claims/claims.csv,title=")
        assert x.endswith("; see reports/checks/partial/results.json")  # this run's own results (a -s run)
        assert (project / "reports" / "checks" / "partial" / "results.json").is_file()


def test_a_pull_request_with_a_bad_cell_and_accepted_warnings_lists_only_the_bad_cell_to_fix(project, tmp_path):
    claims = project / "datasets" / "claims" / "claims.csv"
    col = _edit_cell(claims, 121, "kind", "opinion")
    datasets.stamp(["claims"], root=project / "datasets")
    result = CliRunner().invoke(app, ["check", "--format", "github", "-s", "claims"])
    assert result.exit_code == 1
    commands = [x for x in result.output.splitlines() if x.startswith("::")]
    annotated = [x for x in commands if "file=" in x.split("::")[1]]
    assert len(annotated) == 1
    assert annotated[0].startswith(f"::error file=datasets/claims/claims.csv,line=121,col={col},")
    assert [x for x in commands if x.startswith("::notice")]  # the accepted warning is still said, once
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    fix = summary.split("### What to fix", 1)[1].split("### Accepted warnings", 1)[0]
    assert [row for row in fix.splitlines() if row.startswith("| claims |")] == [
        row for row in fix.splitlines() if row.startswith("| claims | `datasets/claims/claims.csv:121` | kind |")
    ]
    assert len([row for row in fix.splitlines() if row.startswith("| claims |")]) == 1


def test_an_unknown_warnings_mode_is_refused():
    from claimaudit.cli._github import check_annotations

    with pytest.raises(ValueError, match="warnings='loud'"):
        check_annotations(None, warnings="loud")  # type: ignore[arg-type]
