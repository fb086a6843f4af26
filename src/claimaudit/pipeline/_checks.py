"""The run's data checks in a process of their own, beside the audit.

``claimaudit run`` starts this process when the run starts: it imports the quality package and
Great Expectations (a few seconds) while the run fetches; once the fetch step is done it is told
where the run's staging folder is, runs the check step (:func:`check_step`) there and sends the
step's outcome back. Meanwhile the run audits in its own process, on the other core. The audit's
verdicts are kept only when the checks passed: otherwise the run reports the audit as refused,
runs no notebook and publishes nothing, exactly as when the checks ran first.

The result travels as one JSON line on the process's original standard output (anything the
checks print goes to standard error); the process is killed when the run is interrupted.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from claimaudit.errors import ClaimauditError


class ChecksCrashed(RuntimeError):
    """The checks raised something other than a :class:`ClaimauditError` (a bug): its traceback."""


class CheckProcess:
    """One checks process started now, run by :meth:`start`."""

    def __init__(self) -> None:
        self._proc = subprocess.Popen(
            # not `-m`: the package imports this module first (runpy would warn)
            [sys.executable, "-c", f"from {__name__} import main; main()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )

    def start(self, reports: Path) -> None:
        """Run the checks now, writing into ``reports`` (the staging folder)."""
        assert self._proc.stdin is not None
        self._proc.stdin.write(json.dumps({"reports": str(reports)}) + "\n")
        self._proc.stdin.close()

    def result(self) -> dict[str, Any]:
        """``{"status", "detail", "seconds"}`` of the check step; :class:`ClaimauditError` as the
        step would have raised it; :class:`ChecksCrashed` for anything else."""
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        self._proc.wait()
        try:
            answer = json.loads(line)
        except json.JSONDecodeError:
            raise ChecksCrashed(f"the data checks stopped without a result (exit {self._proc.returncode})") from None
        if "error" in answer:
            raise ClaimauditError(answer["error"])
        if "crash" in answer:
            raise ChecksCrashed(answer["crash"])
        return answer

    def close(self) -> None:
        """Kill the process if it still runs (Ctrl-C, or the run did not need it)."""
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait()
        for stream in (self._proc.stdin, self._proc.stdout):
            if stream is not None and not stream.closed:
                stream.close()


def check_step(reports: Path) -> tuple[str, str]:
    """Run the quality suites with their results written into ``reports/checks``: the check
    step's status (``done`` / ``failed``) and what it says."""
    from claimaudit.quality import run_checks

    # one process: in a run the checks already share the two cores with the audit and the kernels
    # warming up, and a second checks process costs ~3 s of CPU to save wall time it cannot win here
    report = run_checks(out_dir=reports / "checks", jobs=1)
    summary = report.summary
    counts = summary.get_column("outcome").value_counts(sort=True).rows() if summary.height else []
    detail = f"{len(report.results)} suites; " + ", ".join(f"{n} {o}" for o, n in counts)
    if not report.ok:
        bad = [r.name for r in report.results if r.status != "passed"]
        return "failed", f"{detail}; NOT passed: {', '.join(bad)} (see {report.out_dir})"
    return "done", detail


def _serve() -> None:
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # whatever the checks print goes to standard error
    sys.stdout = sys.stderr
    # imported while the run fetches: what the checks import (the quality package and Great
    # Expectations, the way the checks import it), without garbage collection, then left out of
    # the collections the suites cause (claimaudit/_gc.py)
    from claimaudit._gc import warming_up

    with warming_up(freeze=True):  # this process is the run's own
        from claimaudit import quality

        try:
            quality.import_great_expectations()
        except ImportError:  # reported by the check step itself
            pass
    line = sys.stdin.readline()
    if not line:
        return  # the run did not need the checks after all
    started = time.perf_counter()
    try:
        status, detail = check_step(Path(json.loads(line)["reports"]))
        answer: dict[str, Any] = {"status": status, "detail": detail}
    except ClaimauditError as exc:
        answer = {"error": str(exc)}
    except Exception:
        import traceback

        answer = {"crash": traceback.format_exc()}
    answer["seconds"] = time.perf_counter() - started
    out.write(json.dumps(answer) + "\n")
    out.flush()


def main() -> None:
    """The process's entry point (``python -c "from claimaudit.pipeline._checks import main; main()"``)."""
    try:
        _serve()
    except KeyboardInterrupt:  # the run was interrupted and says so itself
        sys.exit(130)
