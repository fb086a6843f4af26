"""The terminal view of a check run: one rich table, then any load errors in full.

>>> import io
>>> from rich.console import Console
>>> from claimaudit.quality._report import CheckReport
>>> out = io.StringIO()
>>> render_report(CheckReport(results=[], created="2024-11-13T00:00:00+00:00"), console=Console(file=out))
>>> "0 suites: 0 passed, 0 failed, 0 errors" in out.getvalue()
True
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from claimaudit.quality._report import CheckReport, ExpectationResult, SuiteResult

__all__ = ["render_report"]

_STYLE = {"pass": "green", "fail": "bold red", "warn": "yellow", "error": "bold magenta"}
_LABEL = {"pass": "PASS", "fail": "FAIL", "warn": "WARN", "error": "ERROR"}


def render_report(report: CheckReport, *, console: Console | None = None, failures_only: bool = False) -> None:
    """Print the results table, load errors and a one-line summary."""
    console = console or Console()
    table = Table(title="Data-quality checks", show_lines=False, expand=False)
    table.add_column("suite", style="cyan", max_width=16, overflow="fold")
    table.add_column("expectation", ratio=3, min_width=16)
    table.add_column("result", no_wrap=True, min_width=5)
    table.add_column("failing", justify="right", no_wrap=True)
    table.add_column("examples (line: values)", ratio=2, min_width=12, overflow="fold")
    wide = console.width >= 120
    for suite in report.results:
        shown = suite.name
        if suite.error is not None:
            table.add_row(shown, "load data", Text("ERROR", style=_STYLE["error"]), "", "see below")
            shown = ""
        for exp in suite.expectations:
            if failures_only and exp.outcome == "pass":
                continue
            label = Text(_LABEL[exp.outcome], style=_STYLE[exp.outcome])
            name = Text(exp.description)
            if wide:
                name.append(f"\n{exp.expect}", style="dim")
            rows = "" if exp.failing_rows is None else f"{exp.failing_rows}/{exp.checked_rows}"
            table.add_row(shown, name, label, rows, "see below" if exp.error else _examples(exp))
            shown = ""  # the suite name once, on its first row
        if shown == "" and suite is not report.results[-1]:
            table.add_section()
    console.print(table)
    for suite in report.results:
        if suite.status == "unavailable":
            console.print(
                Text(f"NOT CHECKED {suite.name}: ", style="yellow") + Text(suite.error["message"]), soft_wrap=True
            )
        elif suite.error is not None:
            console.print(
                Text(f"ERROR {suite.name}: ", style=_STYLE["error"]) + Text(suite.error["message"]), soft_wrap=True
            )
        for exp in suite.expectations:
            if exp.outcome in ("fail", "error"):
                for line in _pointers(suite, exp):
                    console.print(
                        Text(f"{_LABEL[exp.outcome]} {suite.name}: ", style=_STYLE[exp.outcome]) + Text(line),
                        soft_wrap=True,
                    )
    statuses = [s.status for s in report.results]
    line = (
        f"{len(statuses)} suites: {statuses.count('passed')} passed, {statuses.count('failed')} failed, "
        f"{statuses.count('error')} errors"
        + (
            f", {statuses.count('unavailable')} not checked (data not fetched: run `claimaudit fetch`"
            " or set CLAIMAUDIT_MIRROR)"
            if "unavailable" in statuses
            else ""
        )
    )
    console.print(Text(line, style="green" if report.ok else "bold red"))
    if report.out_dir is not None:
        note = "" if report.ok else " (the last passing results are left untouched)"
        console.print(f"results written to {report.out_dir}{note}")


def _pointers(suite: SuiteResult, exp: ExpectationResult) -> list[str]:
    """One line per failing example: file, line, column, value and the rule it breaks."""
    if exp.error is not None:
        return [exp.error]
    where = suite.data_file or suite.target.get("source", suite.name)
    out = []
    label = suite.row_label
    for example in exp.examples:
        if label not in example:
            out.append(f"{where}: {exp.description} (observed {json.dumps(example.get('observed'), default=str)})")
            continue
        cells = [(k, v) for k, v in example.items() if k != label]
        columns = ", ".join(f"column {k!r} = {json.dumps(v, ensure_ascii=False)}" for k, v in cells)
        out.append(f'{where} {label} {example[label]}, {columns}: breaks "{exp.description}" ({exp.expect})')
    more = (exp.failing_rows or 0) - len(exp.examples)
    if more > 0:
        out.append(f"{where}: … and {more} more row(s); see results.json")
    return out


def _examples(exp: ExpectationResult) -> str:
    parts = []
    for example in exp.examples:
        number = example.get("line", example.get("record"))
        values = {k: v for k, v in example.items() if k not in ("line", "record")}
        shown = ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in values.items())
        parts.append(f"{number}: {shown}" if number is not None else shown)
    return "\n".join(parts)
