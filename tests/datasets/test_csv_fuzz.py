"""Property tests: the CSV loader, fed random bytes and random cell edits, either loads or says
exactly where the problem is (file, line, column) — never a traceback, never a changed reports/."""

from __future__ import annotations

import shutil
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from claimaudit import datasets, paths
from claimaudit.cli import app
from claimaudit.errors import DataError
from support.published import tree

REAL = paths.datasets_dir() / "claims"
CLAIMS = (REAL / "claims.csv").read_bytes()
LINES = CLAIMS.decode("utf-8").splitlines(keepends=True)

# Cells worth trying besides random text: the lenient spellings the typer must refuse, formulas,
# quotes and separators that break the CSV structure.
NASTY = st.sampled_from(
    [
        "",
        "1e400",
        "inf",
        "nan",
        "-Infinity",
        "1e30",
        "\u0661\u0660\u0660",
        "769_870",
        "2018-W42-5",
        "2024-02-30",
        "20241113",
        '=HYPERLINK("https://evil.example")',
        '"',
        "a,b",
        "\r",
        "\n",
        "\x00",
        "-1",
        "9" * 40,
        "TRUE",
        "pta-2024-11-13-porn-websites-blocked",
        " 844008",
        "844,008",
    ]
)


def _cell_edit(data: st.DataObject) -> bytes:
    """The real claims.csv with one cell (or the header) replaced."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(CLAIMS.decode("utf-8"), newline="")))
    line = data.draw(st.integers(0, len(rows) - 1), label="row")
    column = data.draw(st.integers(0, len(rows[0]) - 1), label="column")
    rows[line][column] = data.draw(st.one_of(NASTY, st.text(max_size=12)), label="value")
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


def _byte_edit(data: st.DataObject) -> bytes:
    """The real claims.csv with random bytes spliced in, cut short, or replaced entirely."""
    how = data.draw(st.sampled_from(["splice", "truncate", "replace"]), label="how")
    if how == "replace":
        return data.draw(st.binary(max_size=400), label="bytes")
    at = data.draw(st.integers(0, len(CLAIMS)), label="at")
    if how == "truncate":
        return CLAIMS[:at]
    return CLAIMS[:at] + data.draw(st.binary(min_size=1, max_size=8), label="bytes") + CLAIMS[at:]


def _copy(root: Path, body: bytes) -> Path:
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(paths.datasets_dir(), root, ignore=shutil.ignore_patterns("external"))
    (root / "claims" / "claims.csv").write_bytes(body)
    datasets.stamp(["claims"], root=root)  # an edit someone stamped: the typer must catch it, not the hash
    return root


def _where_ok(err: DataError, file: Path) -> None:
    assert err.file and Path(err.file).name == file.name, str(err)
    if "header" not in err.problem and "empty" not in err.problem:
        assert err.line is not None and err.line >= 1, str(err)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=st.data())
def test_the_loader_loads_or_names_file_and_line(tmp_path_factory, data):
    body = _cell_edit(data) if data.draw(st.booleans(), label="cell edit") else _byte_edit(data)
    root = _copy(tmp_path_factory.mktemp("fuzz") / "datasets", body)
    try:
        frame = datasets.load("claims", root=root)
    except DataError as exc:
        _where_ok(exc, root / "claims" / "claims.csv")
        if exc.column is not None:
            assert exc.column in str(exc)
    else:
        assert frame.height >= 0


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(data=st.data())
def test_the_cli_on_fuzzed_claims_exits_2_naming_where_and_leaves_reports_alone(tmp_path_factory, monkeypatch, data):
    """``claimaudit datasets list`` loads every curated dataset, as the audit and the notebooks do
    (the audit's refusal of data that fails its suites is tested in tests/pipeline/test_publish.py)."""
    body = _cell_edit(data) if data.draw(st.booleans(), label="cell edit") else _byte_edit(data)
    home = tmp_path_factory.mktemp("fuzz-cli")
    root = _copy(home / "datasets", body)
    reports = home / "reports"
    reports.mkdir()
    (reports / "verdicts.json").write_text('{"synthetic": "earlier run"}\n', encoding="utf-8")
    before = tree(reports)
    monkeypatch.setenv("CLAIMAUDIT_DATASETS", str(root))
    monkeypatch.setenv("CLAIMAUDIT_REPORTS", str(reports))
    result = CliRunner().invoke(app, ["datasets", "list"])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert tree(reports) == before
    if result.exit_code == 0:  # the edit left valid data (a free-text cell, say)
        return
    assert result.exit_code in (1, 2), result.output
    assert "claims.csv" in result.output, result.output
    if "header" not in result.output and "empty" not in result.output:
        assert "line " in result.output, result.output
