"""Machine-readable results: ``results.json`` and JUnit XML (one testcase per expectation).

>>> from claimaudit.quality._report import CheckReport
>>> xml = junit_xml(CheckReport(results=[], created="2024-11-13T00:00:00+00:00"))
>>> xml.startswith("<?xml")
True
"""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING

from claimaudit import paths
from claimaudit._io import write_text_atomic

if TYPE_CHECKING:
    from claimaudit.quality._report import CheckReport, ExpectationResult

__all__ = ["junit_xml", "latest_check_results", "write_json", "write_junit"]


def write_json(report: CheckReport, path: str | Path) -> None:
    text = json.dumps(report.as_dict(), indent=2, ensure_ascii=False, default=_default)
    write_text_atomic(path, text + "\n")


def _default(value: object) -> str:
    if isinstance(value, dt.date):  # dates written in a suite, e.g. min_value: 2000-01-01
        return value.isoformat()
    return str(value)


def write_junit(report: CheckReport, path: str | Path) -> None:
    write_text_atomic(path, junit_xml(report))


def junit_xml(report: CheckReport) -> str:
    """The report as JUnit XML: a ``testsuite`` per suite, a ``testcase`` per expectation.

    A failed ``critical`` expectation is a ``failure``; a failed ``warning`` passes with the
    finding in ``system-out``; data that could not be loaded is one testcase with an ``error``.
    """
    root = ET.Element("testsuites", name="claimaudit check", timestamp=report.created)
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for suite in report.results:
        node = ET.SubElement(root, "testsuite", name=suite.name, file=suite.file)
        counts = {"tests": 0, "failures": 0, "errors": 0}
        if suite.status == "unavailable":  # not fetched: skipped, never passed
            case = ET.SubElement(node, "testcase", classname=f"claimaudit.check.{suite.name}", name="load data")
            ET.SubElement(case, "skipped", message=suite.error["message"].splitlines()[0]).text = suite.error["message"]
            counts["tests"] += 1
        elif suite.error is not None:
            case = ET.SubElement(node, "testcase", classname=f"claimaudit.check.{suite.name}", name="load data")
            ET.SubElement(case, "error", message=suite.error["message"].splitlines()[0]).text = suite.error["message"]
            counts["tests"] += 1
            counts["errors"] += 1
        for exp in suite.expectations:
            counts["tests"] += 1
            case = ET.SubElement(
                node,
                "testcase",
                classname=f"claimaudit.check.{suite.name}",
                name=f"{exp.expect}: {exp.description}",
            )
            outcome = exp.outcome
            if outcome == "error":
                counts["errors"] += 1
                ET.SubElement(case, "error", message=(exp.error or "error").splitlines()[0]).text = exp.error
            elif outcome == "fail":
                counts["failures"] += 1
                ET.SubElement(case, "failure", message=_failure_line(exp)).text = _details(exp)
            elif outcome == "warn":
                ET.SubElement(case, "system-out").text = "warning: " + _failure_line(exp) + "\n" + _details(exp)
        for key, value in counts.items():
            node.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _failure_line(exp: ExpectationResult) -> str:
    if exp.failing_rows is None:
        return f"{exp.description} - failed"
    of = f" of {exp.checked_rows}" if exp.checked_rows is not None else ""
    return f"{exp.description} - {exp.failing_rows}{of} rows fail"


def _details(exp: ExpectationResult) -> str:
    return "\n".join(json.dumps(example, ensure_ascii=False) for example in exp.examples)


def latest_check_results(results_json: str | Path | None = None, *, wait: float = 300.0) -> Path | None:
    """``results_json`` if it exists, else the newer of ``reports/checks/results.json`` and
    ``reports/checks/failed/results.json`` (a failing run writes there), else None.

    While the run writing into the reports folder has not finished its checks (the notebooks start
    beside them), this waits for them, at most ``wait`` seconds, then raises
    :class:`~claimaudit.errors.ChecksPending`: it never reports a run as having no check results."""
    if not results_json:
        _wait_for_checks(wait)
    base = paths.reports_dir() / "checks"
    candidates = [Path(results_json)] if results_json else [base / "results.json", base / "failed" / "results.json"]
    found = [p for p in candidates if p.is_file()]
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


def _wait_for_checks(wait: float) -> None:
    import time

    pending = paths.checks_pending()
    deadline = time.monotonic() + wait
    while pending.exists():
        if time.monotonic() >= deadline:
            from claimaudit.errors import ChecksPending

            raise ChecksPending(
                f"this run's data checks did not finish within {wait:.0f} s of asking for their results"
                f" ({pending} is still there)"
            )
        time.sleep(0.05)
