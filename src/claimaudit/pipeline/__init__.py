"""``claimaudit run`` and the fetch plan: the top of the package, above the report.

- :mod:`claimaudit.pipeline._plan`: what to fetch (pinned sets, the audit's and the notebooks'
  live windows) and :func:`fetch_all`;
- :mod:`claimaudit.pipeline._notebooks`: executing notebooks with papermill and exporting HTML;
- :mod:`claimaudit.pipeline._publish`: moving a finished run into ``reports/``;
- :mod:`claimaudit.pipeline._run`: the steps and :func:`run`;
- :mod:`claimaudit.pipeline.ledger` (``_ledger``): adding a claim to the claims ledger, checked
  against the schema, the quality suites and the audit before anything is written
  (``claimaudit claims add``).
"""

import sys

from claimaudit.pipeline import _ledger as ledger
from claimaudit.pipeline._notebooks import (
    REPORT_NOTEBOOK,
    IPCKernelManager,
    NotebookOutcome,
    default_parameters,
    discover_notebooks,
    execute_notebook,
)
from claimaudit.pipeline._plan import (
    FetchOutcome,
    FetchPlan,
    LiveWindow,
    default_windows,
    fetch_all,
    fetch_plan,
    notebook_windows,
    page_url,
)
from claimaudit.pipeline._run import STEPS, RunResult, StepOutcome, run, step_audit, step_check, step_fetch

__all__ = [
    "DEFAULT_WINDOWS",
    "FetchOutcome",
    "FetchPlan",
    "IPCKernelManager",
    "LiveWindow",
    "NotebookOutcome",
    "REPORT_NOTEBOOK",
    "RunResult",
    "STEPS",
    "StepOutcome",
    "default_parameters",
    "default_windows",
    "discover_notebooks",
    "execute_notebook",
    "fetch_all",
    "fetch_plan",
    "ledger",
    "notebook_windows",
    "page_url",
    "run",
    "step_audit",
    "step_check",
    "step_fetch",
]


def __getattr__(name: str) -> object:
    if name == "DEFAULT_WINDOWS":  # the declared live windows, read when first asked for
        return default_windows()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


sys.modules.setdefault(f"{__name__}.ledger", ledger)  # `import claimaudit.pipeline.ledger` works
