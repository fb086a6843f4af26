"""``claimaudit run``: fetch, check, audit, execute the notebooks, publish the report.

>>> [step for step, _ in STEPS]
['fetch', 'check', 'audit', 'notebooks', 'pdf', 'publish']

Each step says what it did; a step that cannot be done here (no notebooks, no Chromium for the
PDF) says so and the run carries on. Every step writes into one private staging folder: check
results, verdicts, notebooks executed with papermill in parallel (``jobs`` warm kernels, started
with the run and reused from notebook to notebook: :mod:`claimaudit.pipeline._kernels`; the notebooks
start once the audit has written the verdicts, while the checks still run), their HTML, tables,
the report's PDF and the index. Only when the checks, the audit and every notebook succeeded is
the staged set swapped in for the published one (:mod:`claimaudit.pipeline._publish`), so a run
is published whole or not at all: data that fails its checks is not audited; a failing notebook
is kept, executed up to its error, as ``reports/failed/<name>.ipynb`` and named in the summary;
the run exits non-zero and the previous report stays.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from claimaudit import paths
from claimaudit._gc import warming_up
from claimaudit.errors import ClaimauditError
from claimaudit.pipeline._checks import CheckProcess, check_step
from claimaudit.pipeline._kernels import KernelPool
from claimaudit.pipeline._notebooks import (
    KERNEL,
    REPORT_NOTEBOOK,
    NotebookOutcome,
    default_parameters,
    discover_notebooks,
    execute_notebook,
)
from claimaudit.pipeline._publish import carry_over, publish, publish_failed_checks

#: Notebooks run in warm kernels, one per worker (pipeline/_kernels.py); False: a fresh kernel
#: for every notebook, as plain papermill does (the tests' stand-in notebooks start no kernel).
WARM_KERNELS = True
#: The data checks run in their own process beside the audit (pipeline/_checks.py); False: in
#: this process, before the audit.
CHECKS_BESIDE_AUDIT = True

Status = Literal["done", "warning", "failed", "unavailable", "skipped"]


@dataclass
class StepOutcome:
    """What one step did. ``failed`` makes the run exit non-zero; ``unavailable`` does not."""

    name: str
    status: Status
    detail: str
    seconds: float = 0.0
    #: what could not be had, as (source, reason) pairs, for index.html to group by source
    missing: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class RunResult:
    reports: Path
    steps: list[StepOutcome] = field(default_factory=list)
    notebooks: list[NotebookOutcome] = field(default_factory=list)
    index: Path | None = None
    report_html: Path | None = None
    report_pdf: Path | None = None
    #: every edition of the report published by this run: language -> HTML / PDF
    editions: dict[str, Path] = field(default_factory=dict)
    edition_pdfs: dict[str, Path] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not any(s.status == "failed" for s in self.steps)

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def problems(self) -> list[str]:
        return [f"{s.name}: {s.detail}" for s in self.steps if s.status in ("failed", "unavailable", "warning")]


# --------------------------------------------------------------------------- steps


def step_fetch(*, offline: bool, params: dict[str, Any] | None = None) -> StepOutcome:
    """Every item of the fetch plan (:func:`fetch_plan`: pinned sets, the audit's evidence
    windows, the notebooks' windows) into the cache — live windows only online; say where each
    came from and what is missing."""
    from claimaudit.pipeline._plan import fetch_all, fetch_plan

    plan = fetch_plan(params or default_parameters())
    outcomes = fetch_all(offline=offline, windows=plan.windows, pinned=plan.pinned)
    counts: dict[str, int] = {}
    for outcome in outcomes:
        if outcome.origin:
            counts[outcome.origin] = counts.get(outcome.origin, 0) + 1
    detail = ", ".join(f"{n} from {o}" for o, n in sorted(counts.items())) or "nothing fetched"
    pinned_missing = [o for o in outcomes if o.kind == "pinned" and not o.ok]
    live_missing = [o for o in outcomes if o.kind == "live" and not o.ok]
    missing = [(o.name, o.detail) for o in (*pinned_missing, *live_missing)]
    if live_missing:
        if offline:
            detail += f"; offline: {len(live_missing)} live window(s) not in the cache (run `claimaudit run --online`)"
        else:
            detail += "; live FAILED: " + "; ".join(f"{o.name} ({o.detail[:120]})" for o in live_missing)
    if pinned_missing:
        hint = "set CLAIMAUDIT_MIRROR=<mirror dir> or run online (`claimaudit run --online`)"
        names = ", ".join(f"{o.name} ({o.detail[:160]})" for o in pinned_missing)
        return StepOutcome(
            "fetch", "warning", f"{detail}; MISSING {len(pinned_missing)}: {names} ({hint})", missing=missing
        )
    if live_missing and not offline:
        return StepOutcome("fetch", "warning", detail, missing=missing)
    return StepOutcome("fetch", "done", detail, missing=missing)


def step_check(*, reports: Path) -> StepOutcome:
    """The quality suites, their results written into ``reports/checks`` (:func:`check_step`)."""
    status, detail = check_step(reports)
    return StepOutcome("check", status, detail)  # type: ignore[arg-type]  (status is a Status)


def step_audit(*, reports: Path, offline: bool) -> StepOutcome:
    from claimaudit.audit import run_audit, write_verdicts

    verdicts = run_audit(offline=offline)
    write_verdicts(verdicts, out_dir=reports)
    counts: dict[str, int] = {}
    for verdict in verdicts:
        key = verdict.status.value
        counts[key] = counts.get(key, 0) + 1
    return StepOutcome(
        "audit", "done", f"{len(verdicts)} verdicts: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    )


@contextlib.contextmanager
def _environment(**values: str) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


# --------------------------------------------------------------------------- the run

STEPS: list[tuple[str, str]] = [
    ("fetch", "Fetching third-party data (cache / mirror / network)"),
    ("check", "Checking data quality"),
    ("audit", "Auditing claims against evidence"),
    ("notebooks", "Executing notebooks"),
    ("pdf", "Printing the report to PDF"),
    ("publish", "Publishing reports/ and index.html"),
]

Progress = Callable[[str, str], None]


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a run; ``str()`` says what ``reports/`` holds now."""


def run(
    *,
    offline: bool = True,
    notebooks: Sequence[str] | None = None,
    jobs: int = 2,
    pdf: bool = True,
    reports: str | Path | None = None,
    parameters: dict[str, Any] | None = None,
    progress: Progress | None = None,
    notebook_dir: str | Path | None = None,
    skip: Sequence[str] = (),
    languages: Sequence[str] | None = None,
) -> RunResult:
    """Run everything and return what happened (``result.exit_code``: 0 ok, 1 a step failed).

    ``notebooks`` limits the run to notebooks whose names start with one of the given prefixes
    (``["01", "08"]``). ``progress(step, message)`` is called as each step starts and each
    notebook finishes (the CLI draws it with rich). ``notebook_dir`` defaults to ``notebooks/``.
    ``skip`` names steps not to run (``fetch``, ``check``, ``audit``, ``pdf``); they are reported
    as skipped. ``languages`` are the editions of the report to make (default: every language of
    :data:`claimaudit.i18n.LANGUAGES`, English and Urdu); each is its own HTML and PDF.

    Everything is made in a staging folder and published all or none (see
    :mod:`claimaudit.pipeline._publish`): data that fails its checks is not audited and nothing
    but ``checks/failed/`` is published; a failed audit or notebook publishes nothing (a failed
    notebook is kept in ``reports/failed/``). Ctrl-C raises :class:`Interrupted`, whose message
    says what ``reports/`` holds.
    """
    from claimaudit import i18n

    languages = tuple(languages) if languages else i18n.LANGUAGES
    bad = [lang for lang in languages if lang not in i18n.LANGUAGES]
    if bad:
        raise ValueError(f"unknown language {', '.join(bad)}: choose from {', '.join(i18n.LANGUAGES)}")
    unknown = set(skip) - {"fetch", "check", "audit", "pdf"}
    if unknown:
        raise ValueError(f"cannot skip {sorted(unknown)}: only fetch, check, audit and pdf can be skipped")

    say = progress or (lambda step, message: None)
    reports = Path(reports).resolve() if reports else paths.reports_dir()
    reports.mkdir(parents=True, exist_ok=True)
    result = RunResult(reports=reports)
    # Data flows one way: only the fetch step may use the network (and only when not `offline`);
    # check, audit and the notebooks read what it left in the cache or the mirror.
    params = {**default_parameters(), **(parameters or {}), "offline": True}
    staging = Path(tempfile.mkdtemp(prefix=".run-", dir=reports))
    # Every step writes into the staging folder: CLAIMAUDIT_REPORTS points there, so the notebooks
    # read this run's check results and verdicts, never the published ones.
    env = {"CLAIMAUDIT_REPORTS": str(staging), "CLAIMAUDIT_OFFLINE": "1", "CLAIMAUDIT_TABLES": str(staging / "tables")}
    published = False

    def timed(name: str, fn: Callable[[], StepOutcome], *, refuse: str | None = None) -> StepOutcome:
        say(name, dict(STEPS)[name])
        if name in skip or refuse:
            outcome = StepOutcome(name, "skipped", refuse or "skipped on request")
            result.steps.append(outcome)
            say(name, f"skipped: {outcome.detail}")
            return outcome
        started = time.perf_counter()
        try:
            outcome = fn()
        except ClaimauditError as exc:
            outcome = StepOutcome(name, "failed", str(exc))
        # a step that ran beside another (the audit beside the checks) brings its own seconds
        outcome.seconds = outcome.seconds or time.perf_counter() - started
        result.steps.append(outcome)
        say(name, f"{outcome.status}: {outcome.detail}")
        return outcome

    pool: KernelPool | None = None
    runner: _Notebooks | None = None  # the notebooks, started while the checks run
    info: dict[str, Any] | None = None
    checker: CheckProcess | None = None
    printers: _Printers | None = None
    folder = Path(notebook_dir) if notebook_dir else paths.notebooks_dir()
    available = discover_notebooks(folder)
    chosen = available
    if notebooks:
        chosen = [p for p in available if any(p.stem.startswith(prefix) for prefix in notebooks)]
    try:
        with _environment(**env):
            if chosen:
                # Warm kernels start now, importing what the notebooks import while this process
                # fetches, checks and audits (one core is idle meanwhile); see pipeline/_kernels.py.
                size = min(max(1, jobs), len(_editions_to_run(chosen, languages)))
                pool = KernelPool(size, cwd=folder, kernel_name=KERNEL, warm=WARM_KERNELS)
            if "check" not in skip and CHECKS_BESIDE_AUDIT:
                # its own process: imports Great Expectations while this one fetches (pipeline/_checks.py)
                checker = CheckProcess()
            # imported once the other processes are under way (altair and the charts: ~0.7 s), with
            # what every notebook's execution and export imports, without garbage collection, then
            # left out of the collections the rest of the run causes (claimaudit/_gc.py)
            with warming_up():
                from claimaudit.report import ChromiumMissing, Printer, run_info, write_index

                if chosen:
                    import nbconvert.exporters.html  # noqa: F401
                    import papermill  # noqa: F401

            timed("fetch", lambda: step_fetch(offline=offline, params=params))
            if checker is None:
                checked = timed("check", lambda: step_check(reports=staging))
                audit_beside = None
            else:
                # the checks run in their process while this one audits; the verdicts count only if
                # the checks pass (otherwise the audit is refused, as if the checks had run first)
                say("check", dict(STEPS)["check"])
                started = time.perf_counter()
                checker.start(staging)
                audit_beside = _audit_beside(skip, staging)
                if chosen and pool is not None and _succeeded(audit_beside):
                    # the notebooks start now, on the core the audit leaves idle while the checks
                    # finish (one that reads check results waits for them); they count only if the
                    # checks pass
                    info = run_info()
                    runner = _Notebooks(chosen, pool, staging, params, info, languages)
                    runner.start(checks_pending=True)
                try:
                    answer = checker.result()
                    checked = StepOutcome("check", answer["status"], answer["detail"], seconds=answer["seconds"])
                except ClaimauditError as exc:
                    checked = StepOutcome("check", "failed", str(exc), seconds=time.perf_counter() - started)
                finally:
                    checker.close()
                    checker = None
                    if runner is not None:
                        runner.checks_done()
                result.steps.append(checked)
                say("check", f"{checked.status}: {checked.detail}")
                if checked.status == "failed" and runner is not None and pool is not None:
                    # what started early is thrown away with its kernels: nothing of this run is published
                    pool.close(wait=False)
                    pool = runner = None
            refused = (
                "refused: the data did not pass its checks (see the check step); nothing of this run is published"
                if checked.status == "failed"
                else None
            )
            audited = timed(
                "audit",
                (lambda: step_audit(reports=staging, offline=True)) if audit_beside is None else audit_beside,
                refuse=refused,
            )
            if audited.status == "failed" and not refused:
                refused = "not run: the audit failed (see the audit step); nothing of this run is published"

            none_found = (
                f"no notebook in {folder} starts with {', '.join(notebooks)}"
                if notebooks
                else f"no notebooks (NN-*.ipynb) found in {folder}"
            )
            info = info or run_info()
            if pdf and not refused:
                # each edition's PDF is printed as soon as its HTML is there, while other notebooks run
                printers = _Printers(Printer)

            def run_notebooks() -> StepOutcome:
                if not chosen or pool is None:
                    return StepOutcome("notebooks", "unavailable", none_found)
                notebooks_run = runner or _Notebooks(chosen, pool, staging, params, info, languages)
                return notebooks_run.finish(result, say, printers.print_edition if printers is not None else None)

            ran = timed("notebooks", run_notebooks, refuse=refused)
            if pool is not None:
                pool.close()  # the kernels are not needed for the PDF and publishing
                pool = None
            notebooks_ok = ran.status in ("done", "unavailable")
            # an edition in another language writes its tables apart; the English ones are published
            # (or, when no English edition was made, the first other edition's tables are)
            for lang in languages:
                if lang == i18n.SOURCE_LANGUAGE:
                    continue
                apart = staging / "tables" / f".{lang}"
                if i18n.SOURCE_LANGUAGE not in languages and lang == languages[0] and apart.is_dir():
                    for table in apart.glob("*.csv"):
                        os.replace(table, staging / "tables" / table.name)
                shutil.rmtree(apart, ignore_errors=True)

            def make_pdf() -> StepOutcome:
                if not pdf:
                    return StepOutcome(
                        "pdf",
                        "skipped",
                        "--no-pdf: no PDF is published for this run's report (an earlier one is removed)",
                    )
                staged = [(lang, staging / f"{REPORT_NOTEBOOK}{i18n.edition_suffix(lang)}.html") for lang in languages]
                staged = [(lang, html) for lang, html in staged if html.is_file()]
                if not notebooks_ok or not staged:
                    return StepOutcome("pdf", "skipped", "no report HTML in this run")
                made, not_made, printable = [], [], []
                for _lang, html in staged:
                    outcome = next((o for o in result.notebooks if o.name == html.stem), None)
                    if outcome is not None and outcome.font_missing:
                        # a PDF in fallback fonts would print missing letters: not made, and said so
                        not_made.append(f"{html.with_suffix('.pdf').name} NOT made: {outcome.font_missing}")
                    else:
                        printable.append(html)
                # one Chromium prints every edition, most of them while the other notebooks ran
                # (each started as soon as its HTML was exported)
                assert printers is not None
                printing = [printers.job(html) for html in printable]
                try:
                    made = [job.result().name for job in printing]
                except ChromiumMissing as exc:
                    return StepOutcome("pdf", "unavailable", str(exc).replace("\n", " "))
                if not_made:
                    return StepOutcome("pdf", "unavailable", "; ".join([*made, *not_made]))
                return StepOutcome("pdf", "done", ", ".join(made))

            timed("pdf", make_pdf, refuse=refused)

            def do_publish() -> StepOutcome:
                nonlocal published
                if not result.ok:
                    return _keep_previous(result, staging, reports, info, write_index)
                not_run = {p.stem for p in available} - {p.stem for p in chosen}
                carried = carry_over(
                    reports,
                    staging,
                    pages=not_run,
                    checks=checked.status == "skipped",
                    verdicts=audited.status == "skipped",
                )
                problems = result.problems()
                pages = sorted(
                    {
                        Path(c).name.split("__")[0].removesuffix(".html").removesuffix(".pdf").removesuffix(".ipynb")
                        for c in carried
                        if not c.startswith(("checks", "verdicts"))
                    }
                )
                if pages:
                    problems.append("kept from an earlier run (not run this time): " + ", ".join(pages))
                if checked.status == "skipped" and "checks" in carried:
                    problems.append("check results are from an earlier run (--skip check)")
                if audited.status == "skipped" and any(c.startswith("verdicts") for c in carried):
                    problems.append("verdicts.json/csv are from an earlier run (--skip audit)")
                write_index(staging, problems=problems, info=info, steps=result.steps)
                publish(staging, reports)
                published = True
                result.index = reports / "index.html"
                _editions(result, reports, languages)
                return StepOutcome("publish", "done", f"{result.index}")

            timed("publish", do_publish)
    except KeyboardInterrupt:
        if published:
            raise Interrupted(f"interrupted after this run was published whole in {reports}") from None
        raise Interrupted(
            f"interrupted: nothing of this run was published; {reports} is as it was before the run"
            " (the partial outputs were deleted)"
        ) from None
    finally:
        if printers is not None:
            # Chromium is closed after publishing (its exit is not waited for before); on Ctrl-C
            # nothing starts printing into the staging folder after this
            printers.close(cancel=True)
        if checker is not None:
            checker.close()
        if pool is not None:
            pool.close(wait=False)
        shutil.rmtree(staging, ignore_errors=True)
    return result


class _Printers:
    """The run's PDFs, printed by one Chromium (:class:`claimaudit.report.Printer`, started with the
    notebooks step so that its start-up overlaps them) one after another, each as soon as its
    report edition's HTML is exported, while the other notebooks still run."""

    def __init__(self, printer: Callable[[], Any]) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="claimaudit-pdf")
        self._jobs: dict[Path, Future[Path]] = {}
        self._printer: Any = None
        self._missing: Exception | None = None
        try:
            self._printer = printer()
        except ClaimauditError as exc:  # no Chromium: said by the pdf step, as before
            self._missing = exc

    def print_edition(self, outcome: NotebookOutcome) -> None:
        """Called as each notebook finishes: start the PDF of a report edition now."""
        html = outcome.html
        if outcome.ok and html is not None and html.stem.split(".")[0] == REPORT_NOTEBOOK and not outcome.font_missing:
            self.job(html)

    def job(self, html: Path) -> Future[Path]:
        """The printing of ``html`` to ``<html stem>.pdf`` (started now unless it was)."""
        if html not in self._jobs:
            self._jobs[html] = self._pool.submit(self._print, html)
        return self._jobs[html]

    def _print(self, html: Path) -> Path:
        if self._missing is not None:
            raise self._missing
        return self._printer.print(html, html.with_suffix(".pdf"))

    def close(self, *, cancel: bool = False) -> None:
        """Wait for the printing under way (``cancel``: start none of what is queued), close Chromium."""
        self._pool.shutdown(wait=True, cancel_futures=cancel)
        if self._printer is not None:
            self._printer.close()


def _audit_beside(skip: Sequence[str], staging: Path) -> Callable[[], StepOutcome] | None:
    """Run the audit step now (while the checks run elsewhere) and return what ``timed`` calls to
    get its outcome: the same outcome, the same seconds, and an unexpected exception re-raised only
    then, i.e. only when the checks passed (on data that failed them it is the checks' failure that
    is reported, as before). None when the audit is skipped."""
    if "audit" in skip:
        return None
    started = time.perf_counter()
    try:
        outcome = step_audit(reports=staging, offline=True)
    except ClaimauditError as exc:
        outcome = StepOutcome("audit", "failed", str(exc))
    except Exception as exc:  # noqa: BLE001 - re-raised below when the audit's outcome is asked for
        error = exc

        def fail() -> StepOutcome:
            raise error

        return fail
    seconds = time.perf_counter() - started

    outcome.seconds = seconds  # measured as it ran, not when it is reported
    return lambda: outcome


def _succeeded(audit_beside: Callable[[], StepOutcome] | None) -> bool:
    """Whether the audit that ran beside the checks succeeded (its outcome is reported later)."""
    if audit_beside is None:
        return False
    try:
        return audit_beside().status == "done"
    except Exception:  # noqa: BLE001 - re-raised when the audit step is reported
        return False


def _editions(result: RunResult, reports: Path, languages: Sequence[str]) -> None:
    """The published report editions (HTML and PDF per language), and the first asked as *the* report."""
    from claimaudit import i18n

    for lang in i18n.LANGUAGES:
        html = reports / f"{REPORT_NOTEBOOK}{i18n.edition_suffix(lang)}.html"
        if html.is_file():
            result.editions[lang] = html
        if html.with_suffix(".pdf").is_file():
            result.edition_pdfs[lang] = html.with_suffix(".pdf")
    first = next((lang for lang in (*languages, *result.editions) if lang in result.editions), None)
    result.report_html = result.editions.get(first) if first else None
    result.report_pdf = result.edition_pdfs.get(first) if first else None


def _keep_previous(
    result: RunResult, staging: Path, reports: Path, info: dict[str, Any], write_index: Any
) -> StepOutcome:
    """A failed run publishes nothing but what helps fix it: failed notebooks (``failed/``) and
    failed check results (``checks/failed/``); the index says the rest is the previous run's."""
    kept = []
    failed_dir = reports / "failed"
    for outcome in result.notebooks:
        if not outcome.ok and outcome.executed and outcome.executed.is_file():
            failed_dir.mkdir(exist_ok=True)
            os.replace(outcome.executed, failed_dir / outcome.executed.name)
            kept.append(f"failed/{outcome.executed.name}")
    if publish_failed_checks(staging, reports):
        kept.append("checks/failed/")
    problems = [
        *result.problems(),
        "nothing of this run was published: the pages, tables, verdicts and PDF"
        " linked here are the previous run's" + (f"; this run's {', '.join(kept)} are kept" if kept else ""),
    ]
    result.index = write_index(reports, problems=problems, info=info, steps=result.steps)
    _editions(result, reports, ())
    where = ", ".join(str(reports / k) for k in kept) or "nothing"
    return StepOutcome("publish", "warning", f"NOT published (kept the previous report); kept for diagnosis: {where}")


def _editions_to_run(chosen: Sequence[Path], languages: Sequence[str]) -> list[tuple[Path, str]]:
    """(notebook, language) in the order they are run: the report notebook's editions first, being
    the longest (the editions in other languages before the English one: their fonts make them the
    longest of all), so that parallel workers finish together and the PDFs print while the short
    notebooks still run."""
    from claimaudit.i18n import SOURCE_LANGUAGE

    ordered = sorted(chosen, key=lambda p: (p.stem != REPORT_NOTEBOOK, p.stem))
    editions = sorted(languages, key=lambda lang: lang == SOURCE_LANGUAGE)
    return [(nb, lang) for nb in ordered for lang in (editions if nb.stem == REPORT_NOTEBOOK else ("en",))]


class _Notebooks:
    """The run's notebook executions in the kernel pool.

    They start as soon as the audit has written the verdicts (:meth:`start`), while the data checks
    still run in their process: the core the audit leaves idle runs notebooks instead of waiting.
    Until the checks are over the staging folder holds :func:`claimaudit.paths.checks_pending`, and
    a notebook that reads check results waits there for them
    (:func:`claimaudit.quality.latest_check_results`). If the checks fail, the pool is killed and
    nothing the notebooks made is reported or published.
    """

    def __init__(
        self,
        chosen: Sequence[Path],
        pool: KernelPool,
        staging: Path,
        params: dict[str, Any],
        info: dict[str, Any],
        languages: Sequence[str],
    ) -> None:
        self.pool = pool
        self.futures: list[Future[NotebookOutcome]] = []
        self.started: float | None = None
        self.pending_marker: Path | None = None
        self._args = (chosen, staging, params, info, tuple(languages))
        (staging / "tables").mkdir(parents=True, exist_ok=True)

    def start(self, *, checks_pending: bool = False) -> None:
        """Queue every notebook (``checks_pending``: the checks still run, see the class)."""
        if self.started is not None:
            return
        chosen, staging, params, info, languages = self._args
        if checks_pending:
            self.pending_marker = paths.checks_pending(staging)
            self.pending_marker.write_text("the data checks of this run are still running\n", encoding="utf-8")
        self.started = time.perf_counter()
        self.futures = [
            self.pool.submit(
                execute_notebook, nb, out_dir=staging, parameters=params, info=info, lang=lang, editions=languages
            )
            for nb, lang in _editions_to_run(chosen, languages)
        ]

    def checks_done(self) -> None:
        """The checks are over (passed or not): check results can be read now."""
        if self.pending_marker is not None:
            self.pending_marker.unlink(missing_ok=True)
            self.pending_marker = None

    def finish(self, result: RunResult, say: Progress, done: Callable[[NotebookOutcome], None] | None) -> StepOutcome:
        """Wait for every notebook (started now unless it was) and report each as it finishes."""
        self.checks_done()
        self.start()
        assert self.started is not None
        try:
            for future in as_completed(self.futures):
                outcome = future.result()
                result.notebooks.append(outcome)
                if done is not None:
                    done(outcome)
                mark = "ok" if outcome.ok else f"FAILED ({outcome.error})"
                say("notebooks", f"{outcome.name}: {mark} in {outcome.seconds:.1f} s")
        except BaseException:  # Ctrl-C: start no further notebook; the kernels (own sessions) are killed
            self.pool.close(wait=False)
            raise
        result.notebooks.sort(key=lambda o: o.name)
        seconds = time.perf_counter() - self.started
        failed = [o for o in result.notebooks if not o.ok]
        if failed:
            return StepOutcome(
                "notebooks",
                "failed",
                "; ".join(f"{o.name} failed at {o.error}" for o in failed)
                + f" ({len(result.notebooks) - len(failed)} of {len(result.notebooks)} succeeded)",
                seconds=seconds,
            )
        return StepOutcome(
            "notebooks", "done", f"{len(result.notebooks)} executed and exported to HTML", seconds=seconds
        )
