"""GitHub Actions output: workflow commands that annotate failing cells, and a step summary.

>>> print(command("error", "kind is opinion", file="data/c.csv", line=121, col=14, title="check: claims"))
::error file=data/c.csv,line=121,col=14,title=check%3A claims::kind is opinion

A ``::error file=…,line=…,col=…::`` line printed by a step makes GitHub show the message on
that line of the pull request's diff. Data and properties are escaped as the runner expects
(``%``, CR, LF; plus ``:`` and ``,`` in properties). When ``GITHUB_STEP_SUMMARY`` names a
file, a Markdown summary is appended to it (the job's summary page).

Only what needs action annotates the diff. An expectation a suite marks ``severity: warning``
is a known, accepted property of the data ("reported, not fatal", e.g. Tor days outside the
expected range, which are what Tor's detector flags): by default each such expectation that
rows break is one ``::notice`` with no file or line (so no row of the diff is marked), and its
rows are listed under "Accepted warnings" in the summary, apart from "What to fix". With
``warnings="annotate"`` (``claimaudit check --format github --annotate-warnings``) each of
those rows is a ``::warning`` at its cell instead.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claimaudit import paths

if TYPE_CHECKING:
    from claimaudit.errors import ClaimauditError
    from claimaudit.quality import CheckReport, ExpectationResult, SuiteResult

__all__ = ["cell_position", "check_annotations", "check_summary", "command", "error_annotation", "write_step_summary"]


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def command(
    level: str,
    message: str,
    *,
    file: str | None = None,
    line: int | None = None,
    col: int | None = None,
    title: str | None = None,
) -> str:
    """One workflow command: ``::error``, ``::warning`` or ``::notice`` with its properties."""
    props = []
    if file:
        props.append(f"file={_prop(file)}")
        if line is not None:
            props.append(f"line={line}")
            if col is not None:
                props.append(f"col={col}")
    if title:
        props.append(f"title={_prop(title)}")
    return f"::{level}{' ' + ','.join(props) if props else ''}::{_data(message)}"


def cell_position(file: str | Path, line: int, column: str) -> tuple[int, int] | None:
    """(line, column) in characters, 1-based, where ``column``'s cell of the record starting on
    ``line`` begins in a CSV file; None if the file, header or record is not there.

    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "x.csv"
    >>> _ = path.write_text('a,b,c\\n1,"x, y",3\\n', encoding="utf-8")
    >>> cell_position(path, 2, "c")
    (2, 10)
    """
    path = Path(file)
    if not path.is_absolute():
        path = paths.project_root() / path
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    lines = text.split("\n")
    try:
        header = next(csv.reader(io.StringIO(lines[0])))
        index = header.index(column)
    except (StopIteration, ValueError, IndexError):
        return None
    if line < 1 or line > len(lines):
        return None
    rest = "\n".join(lines[line - 1 :])
    row, col, field, quoted = line, 1, 0, False
    for pos, char in enumerate(rest):
        if field == index:
            return (row, col)
        if char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            field += 1
        elif char == "\n":
            if not quoted:
                return None
            row, col = row + 1, 0
        col += 1
        if pos > 1_000_000:
            break
    return (row, col) if field == index else None


def _relative(file: str | None) -> str | None:
    """A path as GitHub wants it: relative to the repository root; URLs are not files."""
    if not file or file.startswith(("http://", "https://")):
        return None
    path = Path(file)
    if path.is_absolute():
        try:
            return str(path.resolve().relative_to(paths.project_root()))
        except ValueError:
            return None
    return file


#: How rows breaking a ``severity: warning`` expectation are shown (see the module docstring).
WARNING_MODES = ("notice", "annotate")


def check_annotations(report: CheckReport, *, warnings: str = "notice") -> list[str]:
    """One ``::error`` per failing cell, per dataset that could not be loaded, and per malformed
    suite entry; per ``severity: warning`` expectation that rows break, one ``::notice`` without
    a file (``warnings="notice"``) or one ``::warning`` per row at its cell (``"annotate"``)."""
    if warnings not in WARNING_MODES:
        raise ValueError(f"warnings={warnings!r} is not one of {WARNING_MODES}")
    out: list[str] = []
    for suite in report.results:
        title = f"claimaudit check: {suite.name}"
        if suite.status == "unavailable":
            out.append(command("notice", f"not checked: {suite.error['message'].splitlines()[0]}", title=title))
            continue
        if suite.error is not None:
            out.append(_error_dict_command(suite.error, title, fallback=suite.file))
            continue
        for exp in suite.expectations:
            if exp.outcome in ("pass",):
                continue
            if exp.outcome == "error":
                out.append(
                    command(
                        "error", f"{exp.expect}: {exp.error}", file=_relative(suite.file), line=exp.line, title=title
                    )
                )
                continue
            if exp.outcome == "warn" and warnings == "notice":
                out.append(_accepted_warning_notice(suite, exp))
                continue
            out.extend(_expectation_commands(suite, exp, title, results=_results_file(report)))
    return out


def _results_file(report: CheckReport) -> str:
    """Where this run's full results are (``reports/checks/failed/results.json`` for a run that did not pass)."""
    out_dir = getattr(report, "out_dir", None)
    if out_dir is None:
        return "the run's results.json"
    return _relative(str(Path(out_dir) / "results.json")) or str(Path(out_dir) / "results.json")


def _accepted_warning_notice(suite: SuiteResult, exp: ExpectationResult) -> str:
    rows = exp.failing_rows if exp.failing_rows is not None else len(exp.examples)
    where = f" of {suite.data_file}" if suite.data_file else ""
    return command(
        "notice",
        f'{rows} row(s){where} break "{exp.description}" ({exp.expect}): a severity: warning expectation'
        f" ({suite.file} line {exp.line}), known and accepted, not fatal; the rows are listed in the step summary"
        " under Accepted warnings",
        title=f"claimaudit check: {suite.name} (accepted warning)",
    )


def _expectation_commands(suite: SuiteResult, exp: ExpectationResult, title: str, *, results: str) -> list[str]:
    level = "warning" if exp.outcome == "warn" else "error"
    file = _relative(suite.data_file)
    rule = f'breaks "{exp.description}" ({exp.expect}; {suite.file} line {exp.line})'
    out = []
    label = suite.row_label
    for example in exp.examples:
        if label not in example:
            observed = json.dumps(example.get("observed"), ensure_ascii=False, default=str)
            out.append(command(level, f"{rule}: observed {observed}", file=file, title=title))
            continue
        cells = [(k, v) for k, v in example.items() if k != label]
        values = ", ".join(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in cells)
        line, col = example[label], None
        if file and cells and label == "line":
            found = cell_position(file, int(example[label]), cells[0][0])
            if found:
                line, col = found
        where = f"{label} {example[label]}" if label != "line" or not file else ""
        text = f"{where + ': ' if where else ''}{values or 'row'} {rule}"
        out.append(command(level, text, file=file, line=line if label == "line" else None, col=col, title=title))
    more = (exp.failing_rows or 0) - len(exp.examples)
    if more > 0:
        out.append(
            command(
                level,
                f"… and {more} more row(s) {rule}; see {results}",
                file=file,
                title=title,
            )
        )
    return out


def _error_dict_command(error: dict[str, Any], title: str, *, fallback: str | None) -> str:
    file = _relative(error.get("file")) or _relative(fallback)
    line = error.get("line")
    col = None
    if file and line is not None and error.get("column"):
        found = cell_position(file, int(line), str(error["column"]))
        if found:
            line, col = found
    message = error.get("problem") or error.get("message", "")
    if error.get("column"):
        message = f"column {error['column']!r}: {message}"
    if error.get("hint"):
        message += f"\nWhat to do: {error['hint']}"
    return command("error", str(message), file=file, line=line, col=col, title=title)


def error_annotation(exc: ClaimauditError, *, title: str) -> str:
    """A ClaimauditError (rule file, dataset) as one ``::error`` at its file, line and column."""
    error = {
        a: getattr(exc, a) for a in ("file", "line", "column", "problem", "hint") if getattr(exc, a, None) is not None
    }
    error.setdefault("message", str(exc))
    key = getattr(exc, "key", None)
    if key and error.get("file") and error.get("line"):
        file = _relative(error["file"])
        col = _key_column(file, int(error["line"]), str(key)) if file else None
        message = f"key {key!r}: {error.get('problem', str(exc))}"
        if error.get("hint"):
            message += f"\nWhat to do: {error['hint']}"
        return command("error", message, file=file, line=error["line"], col=col, title=title)
    return _error_dict_command(error, title, fallback=None)


def _key_column(file: str, line: int, key: str) -> int | None:
    path = Path(file) if Path(file).is_absolute() else paths.project_root() / file
    try:
        text = path.read_text(encoding="utf-8").split("\n")[line - 1]
    except (OSError, UnicodeDecodeError, IndexError):
        return None
    at = text.find(key.split(".")[-1].split("[")[0])
    return at + 1 if at >= 0 else None


# --------------------------------------------------------------------------- step summary


def _link(file: str | None, line: int | None) -> str:
    """A link to the line on GitHub when the runner says where the repository is."""
    if not file:
        return ""
    shown = f"{file}:{line}" if line else file
    server, repo, sha = (os.environ.get(k) for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"))
    if server and repo and sha:
        return f"[`{shown}`]({server}/{repo}/blob/{sha}/{file}{f'#L{line}' if line else ''})"
    return f"`{shown}`"


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def check_summary(report: CheckReport) -> str:
    """The run as Markdown: a verdict line, one row per suite, one row per failing cell."""
    statuses = [s.status for s in report.results]
    head = "passed" if report.ok else "NOT passed"
    counts = ", ".join(
        f"{statuses.count(s)} {s}" for s in ("passed", "failed", "error", "unavailable") if statuses.count(s)
    )
    out = [f"## claimaudit check: {head}", "", f"{len(statuses)} suites: {counts or 'none'}.", ""]
    out += ["| suite | data | status | expectations failing |", "|---|---|---|---:|"]
    icons = {"passed": "✅ passed", "failed": "❌ failed", "error": "❌ error", "unavailable": "⏸ not checked"}
    for suite in report.results:
        failing = sum(1 for e in suite.expectations if e.outcome in ("fail", "error"))
        out.append(f"| {suite.name} | {_cell(suite.data_file or '')} | {icons[suite.status]} | {failing} |")
    rows: list[str] = []
    warned: list[str] = []
    for suite in report.results:
        if suite.error is not None and suite.status != "unavailable":
            err = suite.error
            rows.append(
                f"| {suite.name} | {_link(_relative(err.get('file')), err.get('line'))} | "
                f"{_cell(err.get('column', ''))} | | {_cell(err.get('problem') or err.get('message'))} |"
            )
        for exp in suite.expectations:
            if exp.outcome not in ("fail", "error", "warn"):
                continue
            rule = _cell(f"{exp.description} ({exp.expect})")
            if exp.outcome == "error":
                rows.append(f"| {suite.name} | {_link(_relative(suite.file), exp.line)} | | | {_cell(exp.error)} |")
                continue
            target = warned if exp.outcome == "warn" else rows
            for example in exp.examples:
                cells = [(k, v) for k, v in example.items() if k not in ("line", "record")]
                line = example.get("line")
                values = ", ".join(f"{json.dumps(v, ensure_ascii=False, default=str)}" for _, v in cells)
                columns = ", ".join(k for k, _ in cells)
                where = _link(_relative(suite.data_file), line) if line else _cell(suite.data_file or "")
                target.append(f"| {suite.name} | {where} | {_cell(columns)} | {_cell(values)} | {rule} |")
            more = (exp.failing_rows or 0) - len(exp.examples)
            if more > 0:
                target.append(f"| {suite.name} | | | … {more} more | {rule} |")
    table = ["| suite | where | column | value | rule |", "|---|---|---|---|---|"]
    if rows:
        out += ["", "### What to fix", "", *table, *rows]
    if warned:
        out += [
            "",
            "### Accepted warnings",
            "",
            "Expectations the suites mark `severity: warning`: known properties of the data, reported, not fatal."
            " Nothing to fix unless a row you added or changed is among them.",
            "",
            *table,
            *warned,
        ]
    out += ["", "Run `claimaudit check` locally for the same list; see CONTRIBUTING.md."]
    return "\n".join(out) + "\n"


def write_step_summary(markdown: str) -> Path | None:
    """Append to ``$GITHUB_STEP_SUMMARY`` when it is set (the runner creates the file)."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return None
    path = Path(target)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(markdown)
    return path
