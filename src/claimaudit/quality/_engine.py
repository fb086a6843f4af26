"""Run suites with Great Expectations and collect what failed, where.

>>> report = run_checks(suites=["claims"])          # doctest: +SKIP
>>> report.ok, report.exit_code                     # doctest: +SKIP
(True, 0)

Data is loaded with :func:`claimaudit.datasets.load` (typed, sha256-checked) or
:func:`claimaudit.datasets.sources.load`, handed to GX as a pandas frame whose index is the CSV line
number (row index + 2), so every failing row GX reports is a line an editor can open.
Great Expectations is imported only when a suite actually runs, and one ephemeral context
serves the whole run.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import logging
import os
import shutil
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from claimaudit import paths
from claimaudit._lazy import defer, release
from claimaudit.errors import ClaimauditError, FetchError, NotAvailableError, RuleError
from claimaudit.quality._gxmemo import shared_configurations
from claimaudit.quality._html import write_html
from claimaudit.quality._parallel import run_files
from claimaudit.quality._report import CheckReport, ExpectationResult, SuiteResult
from claimaudit.quality._suite import ExpectationSpec, Suite, discover_suites, load_suite
from claimaudit.quality._vocabulary import _Context, row_condition, translate
from claimaudit.quality._writers import write_json, write_junit

__all__ = ["run_checks"]

EXAMPLES = 5


@dataclass(frozen=True)
class _Origin:
    """Where a target's rows come from and how to number them for an editor.

    CSV rows are numbered by file line (the header is line 1, so row index + 2); records of a
    JSON list by their position, from 1.
    """

    file: str | None
    label: str = "line"
    first: int = 2


def run_checks(
    *,
    suites: list[str] | None = None,
    out_dir: str | Path | None = None,
    now: dt.datetime | None = None,
    write: bool = True,
    jobs: int | None = None,
) -> CheckReport:
    """Run the suites in ``checks/quality/`` (or only those named) and write the results.

    Results go to ``out_dir`` (default ``reports/checks``, following ``CLAIMAUDIT_REPORTS``)
    when every suite passes, else to ``out_dir/failed``, so a failing run never replaces the
    last passing results. Files are staged in a temporary folder and moved in at the end.
    ``now`` fixes "today" for ``expect_column_values_to_not_be_in_future`` (default: the clock).
    An unknown suite name raises :class:`~claimaudit.errors.RuleError`; data problems do not
    raise, they are reported per suite.

    A run of only some suites (``suites=``) with the default ``out_dir`` writes to
    ``reports/checks/partial`` (``partial/failed`` when it does not pass): it never replaces
    the full results of all suites. ``write=False`` writes nothing: the
    audit uses it to refuse data that fails its checks.

    ``jobs`` is how many processes validate (default: two when two cores are usable and there are
    enough suites, see :mod:`claimaudit.quality._parallel`); the results are the same either way.
    """
    out = Path(out_dir).resolve() if out_dir is not None else paths.reports_dir() / "checks"
    files = discover_suites(list(suites) if suites else None)
    if out_dir is None and suites and len(files) < len(discover_suites()):
        out = out / "partial"
    if not files:
        from claimaudit.quality._suite import suites_dir

        raise RuleError(
            "no suites to run",
            file=suites_dir(),
            hint="add a YAML suite there (see checks/README.md) or set CLAIMAUDIT_CHECKS",
        )
    now = now or dt.datetime.now(dt.UTC)
    if not write:
        runner = _Runner(now=now)
        results = run_files(files, runner.run_file, now=now, jobs=jobs)
        return CheckReport(results=results, created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        runner = _Runner(now=now)
        results = run_files(files, runner.run_file, now=now, jobs=jobs)
        created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")  # the real time, even when `now` is fixed
        report = CheckReport(results=results, created=created)
        write_json(report, staging / "results.json")
        write_junit(report, staging / "junit.xml")
        final = out if report.ok else out / "failed"
        # checks/ is one folder below reports/index.html; failed/ and partial/ one more each
        write_html(report, staging / "index.html", depth=1 + (final != out) + (out.name == "partial"))
        _replace_dir(staging, final)
        report.out_dir = final
        return report
    finally:
        shutil.rmtree(staging, ignore_errors=True)


# --------------------------------------------------------------------------- the runner


def import_great_expectations() -> Any:
    """Import Great Expectations as the checks use it (also done ahead of time, by the run's checks
    process while the run fetches): its analytics off, its log quiet, its import-time warnings not
    shown, and what it imports but no suite uses deferred. scipy.stats (for expectations no suite
    uses) is imported if one does; altair (~0.3-0.5 s, only drawn by the KL-divergence expectation)
    is deferred for GX's import only, so anything else in the process that imports altair gets the
    real one."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    defer("scipy.stats")
    altair = defer("altair")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import great_expectations as gx
    finally:
        if altair:
            release("altair")
    return gx


class _Runner:
    """Loads each target once, owns the single GX context of a run."""

    def __init__(self, *, now: dt.datetime) -> None:
        self.now = now
        self._frames: dict[tuple[str, str, str], pl.DataFrame | ClaimauditError] = {}
        self._context: Any = None
        self._batch_definition: Any = None

    # -- data

    def load(self, kind: str, name: str, resource: str) -> pl.DataFrame:
        key = (kind, name, resource)
        if key not in self._frames:
            try:
                self._frames[key] = _load_target(kind, name, resource)
            except ClaimauditError as exc:
                self._frames[key] = exc
        found = self._frames[key]
        if isinstance(found, ClaimauditError):
            raise found
        return found

    def reference(self, ref: dict[str, Any]) -> list[Any]:
        kind = "dataset" if "dataset" in ref else "source"
        frame = self.load(kind, ref[kind], ref["resource"])
        column = ref["column"]
        if column not in frame.columns:
            raise ValueError(f"the referenced resource has no column {column!r} (columns: {frame.columns})")
        return frame.get_column(column).unique().to_list()

    # -- one suite

    def run_file(self, file: Path) -> SuiteResult:
        try:
            suite = load_suite(file)
        except RuleError as exc:
            return SuiteResult(
                name=file.stem, file=exc.file or str(file), target={}, error=_error_dict(exc, kind="suite")
            )
        result = SuiteResult(name=suite.name, file=_shown(suite.file), target=suite.target.as_dict())
        try:
            frame = self.load(suite.target.kind, suite.target.name, suite.target.resource)
        except ClaimauditError as exc:
            result.error = _error_dict(exc, kind="data", target=suite.target.as_dict())
            return result
        origin = _origin(suite)
        result.rows = frame.height
        result.data_file, result.row_label = origin.file, origin.label
        result.expectations = self._validate(suite, frame, origin)
        return result

    def _validate(self, suite: Suite, frame: pl.DataFrame, origin: _Origin) -> list[ExpectationResult]:
        """Validate in two passes: pass/fail for all, then counts and examples where needed.

        Great Expectations takes about twice as long to describe failures (counts, example
        rows) as to decide pass/fail, and on shipped data almost everything passes. So every
        expectation is first validated with ``BOOLEAN_ONLY``; those that failed, or that allow
        some failures (``mostly``), are validated again with ``SUMMARY`` as a second GX suite
        ``<name>.failures``.
        """
        results = [_blank(spec) for spec in suite.expectations]
        plans: dict[int, tuple[str, dict[str, Any]]] = {}
        built: dict[int, Any] = {}
        ctx = _Context(dtypes=dict(frame.schema), reference=self.reference, now=self.now)
        for index, spec in enumerate(suite.expectations):
            try:
                plan = translate(spec.expect, spec.kwargs, ctx)
                _check_columns(spec, plan[1], frame)
                built[index] = _build(self._gx(), *plan, spec, index=index)
            except ClaimauditError as exc:  # a referenced resource would not load
                results[index].error = f"referenced data could not be loaded: {exc}"
            except ValueError as exc:
                results[index].error = f"{_where(suite, spec)}: {exc}"
            else:
                plans[index] = plan
        if not plans:
            return results
        pdf = frame.to_pandas()
        pdf.index = range(origin.first, frame.height + origin.first)  # GX reports failing rows by index
        batch = self._batch(pdf)
        quick = self._run_gx(suite, suite.name, batch, built, result_format="BOOLEAN_ONLY")
        again = {
            i: _build(self._gx(), *plans[i], suite.expectations[i], index=i)
            for i, r in quick.items()
            if not (r.exception_info or {}).get("raised_exception") and (not r.success or "mostly" in plans[i][1])
        }
        detailed = self._run_gx(suite, f"{suite.name}.failures", batch, again, result_format="SUMMARY") if again else {}
        for index, gx_result in quick.items():
            if index in detailed:
                _fill(results[index], detailed[index], frame, plans[index][1], origin)
            else:
                _fill(results[index], gx_result, frame, plans[index][1], origin)
                if results[index].success and results[index].error is None:
                    results[index].failing_rows = 0
                    results[index].checked_rows = _checked_rows(frame, suite.expectations[index], plans[index][0])
        return results

    # -- Great Expectations

    def warm_up(self) -> None:
        """Import Great Expectations and make the run's context now (a helper process does this
        while the first suites are validated elsewhere)."""
        self._gx()

    def _gx(self) -> Any:
        if self._context is None:
            gx = import_great_expectations()
            from great_expectations.data_context.types.base import ProgressBarsConfig

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                context = gx.get_context(mode="ephemeral")
            context.variables.progress_bars = ProgressBarsConfig(globally=False)
            # No Great Expectations Data Docs: their pages load jQuery, Bootstrap and Vega from CDNs.
            # The results page is ours (quality/_html.py), self-contained like the report.
            for site in list(context.variables.data_docs_sites or {}):
                context.delete_data_docs_site(site)
            self._source = context.data_sources.add_pandas("claimaudit")
            self._context = context
        return self._context

    def _batch(self, pdf: Any) -> Any:
        """A GX batch of ``pdf``: one data source, asset and batch definition serve every suite."""
        if self._batch_definition is None:
            asset = self._source.add_dataframe_asset("claimaudit")
            self._batch_definition = asset.add_batch_definition_whole_dataframe("claimaudit")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return self._batch_definition.get_batch(batch_parameters={"dataframe": pdf})

    def _run_gx(
        self, suite: Suite, name: str, batch: Any, built: dict[int, Any], *, result_format: str
    ) -> dict[int, Any]:
        """Validate the expectations ``built`` (by index in the suite) on ``batch`` in one GX call.

        The suite is validated on the batch directly (``Batch.validate``), not through a stored
        suite, validation definition and checkpoint: those only add store writes and freshness
        checks (about a third of GX's time here), and their results store is not used.
        """
        import great_expectations as gx

        self._gx()
        with warnings.catch_warnings(), shared_configurations():
            warnings.simplefilter("ignore")
            expectations = list(built.values())
            gx_suite = gx.ExpectationSuite(name=name, expectations=expectations, meta={"notes": suite.description})
            run = batch.validate(
                gx_suite, result_format={"result_format": result_format, "partial_unexpected_count": EXAMPLES}
            )
        outcomes: dict[int, Any] = {}
        for item in run.results:
            index = (item.expectation_config.meta or {}).get("claimaudit", {}).get("index")
            if index in built:
                outcomes[index] = item
        return outcomes


# --------------------------------------------------------------------------- helpers


def _load_target(kind: str, name: str, resource: str) -> pl.DataFrame:
    if kind == "dataset":
        from claimaudit import datasets

        return datasets.load(name, resource, constraints=False)
    from claimaudit.datasets import sources

    # Checks never download: data flows fetch -> check. Cache or mirror only.
    return sources.load(name, resource, offline=True, constraints=False)


def _origin(suite: Suite) -> _Origin:
    """The file behind a target as shown to the user (a path, or a third-party URL)."""
    if suite.target.kind == "dataset":
        from claimaudit import datasets

        package = datasets.read_package(suite.target.name)
        return _Origin(_shown(package.folder / package.resource(suite.target.resource)["path"]))
    from claimaudit.datasets import sources

    descriptor = sources.read_descriptor(suite.target.name)  # it loaded a moment ago
    resource = next((r for r in descriptor.get("resources", []) if r.get("name") == suite.target.resource), {})
    path = resource.get("path")
    if str(resource.get("format", "csv")).lower() == "csv":
        return _Origin(path)
    return _Origin(path, label="record", first=1)


def _blank(spec: ExpectationSpec) -> ExpectationResult:
    d = spec.as_dict()
    return ExpectationResult(
        expect=spec.expect, description=spec.description, kwargs=d["kwargs"], severity=spec.severity, line=spec.line
    )


def _columns_of(kwargs: dict[str, Any]) -> list[str]:
    cols = [kwargs[k] for k in ("column", "column_A", "column_B") if isinstance(kwargs.get(k), str)]
    cols += [c for c in kwargs.get("column_list") or [] if isinstance(c, str)]
    return cols


def _check_columns(spec: ExpectationSpec, kwargs: dict[str, Any], frame: pl.DataFrame) -> None:
    if spec.expect.startswith("expect_table_"):
        return
    wanted = _columns_of(kwargs) + list(spec.when or {})
    missing = [c for c in wanted if c not in frame.columns]
    if missing:
        close = difflib.get_close_matches(missing[0], frame.columns, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(f"column {missing[0]!r} is not in the data{hint}; columns: {', '.join(frame.columns)}")


def _build(gx: Any, name: str, kwargs: dict[str, Any], spec: ExpectationSpec, *, index: int) -> Any:
    from great_expectations.exceptions import ExpectationNotFoundError
    from great_expectations.expectations.registry import get_expectation_impl

    try:
        cls = get_expectation_impl(name)
    except ExpectationNotFoundError:
        from great_expectations.expectations.registry import list_registered_expectation_implementations

        close = difflib.get_close_matches(name, list_registered_expectation_implementations(), n=2)
        hint = f"; did you mean {' or '.join(close)}?" if close else "; see checks/README.md for the vocabulary"
        raise ValueError(f"unknown expectation {name!r}{hint}") from None
    extra: dict[str, Any] = {
        "description": spec.description,
        "severity": spec.severity,
        "meta": {"claimaudit": {"expect": spec.expect, "suite_line": spec.line, "index": index}},
    }
    if spec.when:
        condition = row_condition(spec.when)
        if "row_condition" in kwargs:  # a project expectation that filters rows itself
            kwargs = {**kwargs, "row_condition": f"({kwargs['row_condition']}) and ({condition})"}
        else:
            extra["row_condition"] = condition
            extra["condition_parser"] = "pandas"
    try:
        return cls(**kwargs, **extra)
    except Exception as exc:  # pydantic validation: bad or missing arguments
        first = str(exc).splitlines()
        detail = "; ".join(line.strip() for line in first[1:4]) or str(exc)
        raise ValueError(f"invalid arguments for {name}: {detail}") from None


def _fill(
    result: ExpectationResult, gx_result: Any, frame: pl.DataFrame, kwargs: dict[str, Any], origin: _Origin
) -> None:
    info = gx_result.exception_info or {}
    if info.get("raised_exception"):
        message = str(info.get("exception_message") or "Great Expectations raised an error").splitlines()[0]
        result.error = f"could not evaluate: {message}"
        return
    body = gx_result.result or {}
    result.success = bool(gx_result.success)
    result.checked_rows = body.get("element_count")
    result.failing_rows = body.get("unexpected_count")
    if result.success:
        return
    lines = body.get("partial_unexpected_index_list")
    if lines:
        columns = _columns_of(kwargs)
        result.examples = _examples(frame, [int(x) for x in lines[:EXAMPLES]], columns, origin)
    elif "observed_value" in body:
        result.examples = [{"observed": _jsonable(body["observed_value"])}]


def _checked_rows(frame: pl.DataFrame, spec: ExpectationSpec, name: str) -> int | None:
    """Rows an expectation looked at (after ``when``), as GX's ``element_count`` would say."""
    if name.startswith("expect_table_"):
        return None
    if not spec.when:
        return frame.height
    mask = pl.all_horizontal(pl.col(c).is_in([x for x in v if x is not None]) for c, v in spec.when.items())
    try:
        return frame.filter(mask).height
    except pl.exceptions.PolarsError:  # values of another type than the column: GX matched none either
        return 0


def _examples(frame: pl.DataFrame, lines: list[int], columns: list[str], origin: _Origin) -> list[dict[str, Any]]:
    """The failing rows' values of the columns a rule reads, keyed by ``line`` (or ``record``)."""
    rows = (
        frame.lazy()
        .with_row_index(origin.label, offset=origin.first)
        .filter(pl.col(origin.label).is_in(lines))
        .select(origin.label, *[c for c in dict.fromkeys(columns) if c in frame.columns])
        .collect()
    )
    return [{k: _jsonable(v) for k, v in row.items()} for row in rows.iter_rows(named=True)]


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return None if value != value else value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    try:
        json.dumps(value)
    except TypeError:
        return str(value)
    return value


def _error_dict(exc: ClaimauditError, *, kind: str, target: dict[str, str] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": kind, "message": str(exc)}
    for attr in ("dataset", "file", "line", "column", "key", "url", "problem", "hint"):
        if getattr(exc, attr, None) is not None:
            out[attr] = getattr(exc, attr)
    if isinstance(exc, FetchError):
        out["kind"] = "unavailable" if isinstance(exc, NotAvailableError) else "fetch"
        out["hint"] = out.get("hint") or "run `claimaudit fetch` first (or set CLAIMAUDIT_MIRROR)"
    if target and "dataset" not in out:
        out["dataset"] = next(iter(target.values()))
    return out


def _where(suite: Suite, spec: ExpectationSpec) -> str:
    line = f", line {spec.line}" if spec.line else ""
    return f"{_shown(suite.file)}{line}: {spec.expect}"


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(paths.project_root()))
    except ValueError:
        return str(path)


def _replace_dir(staging: Path, final: Path) -> None:
    """Move the finished ``staging`` folder to ``final``, swapping out what was there.

    Directories cannot be renamed over non-empty ones, so the old folder is first renamed
    aside and removed only once the new one is in place (and put back if that fails).
    """
    final.parent.mkdir(parents=True, exist_ok=True)
    old = final.with_name(f".{final.name}.old-{os.getpid()}")
    if final.exists():
        os.replace(final, old)
    try:
        os.replace(staging, final)
    except BaseException:
        if old.exists() and not final.exists():
            os.replace(old, final)
        raise
    shutil.rmtree(old, ignore_errors=True)
