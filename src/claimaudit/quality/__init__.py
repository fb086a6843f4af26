"""Data-quality checks: YAML suites in ``checks/quality/`` run with Great Expectations.

>>> from claimaudit.quality import run_checks
>>> report = run_checks(suites=["claims"])      # doctest: +SKIP
>>> report.ok, report.summary.height            # doctest: +SKIP
(True, 40)

The suite format, the expectation vocabulary and the output files are described in
``checks/README.md``.
"""

from claimaudit.quality._console import render_report
from claimaudit.quality._engine import import_great_expectations, run_checks
from claimaudit.quality._report import CheckReport, ExpectationResult, SuiteResult
from claimaudit.quality._suite import ExpectationSpec, Suite, Target, discover_suites, load_suite
from claimaudit.quality._vocabulary import PROJECT_EXPECTATIONS
from claimaudit.quality._writers import latest_check_results

__all__ = [
    "CheckReport",
    "ExpectationResult",
    "ExpectationSpec",
    "PROJECT_EXPECTATIONS",
    "Suite",
    "SuiteResult",
    "Target",
    "discover_suites",
    "import_great_expectations",
    "latest_check_results",
    "load_suite",
    "render_report",
    "run_checks",
]
