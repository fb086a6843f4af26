"""``claimaudit check``: run the data-quality suites in ``checks/quality/``."""

from __future__ import annotations

import enum
from pathlib import Path

import typer


class Format(enum.StrEnum):
    table = "table"
    github = "github"
    json = "json"
    junit = "junit"


def register(app: typer.Typer) -> None:
    """Add ``check`` to the top-level app."""
    app.command("check")(check)


def check(
    suite: list[str] = typer.Option(
        None, "--suite", "-s", help="Run only this suite (file name in checks/quality/ without .yml). Repeatable."
    ),
    out: Path = typer.Option(
        None, "--out", help="Write results here instead of reports/checks (or $CLAIMAUDIT_REPORTS/checks)."
    ),
    failures_only: bool = typer.Option(False, "--failures-only", help="Show only expectations that did not pass."),
    output: Format = typer.Option(
        Format.table,
        "--format",
        "-f",
        help="table: the terminal view; github: GitHub Actions annotations on the failing cells (and a Markdown "
        "summary to $GITHUB_STEP_SUMMARY when set); json / junit: results.json / junit.xml on stdout.",
    ),
    annotate_warnings: bool = typer.Option(
        False,
        "--annotate-warnings",
        help="With --format github: annotate each row breaking a severity: warning expectation as a ::warning at "
        "its cell (default: one ::notice per such expectation, no row marked; the rows are in the step summary).",
    ),
    jobs: int = typer.Option(
        None,
        "--jobs",
        "-j",
        min=1,
        max=2,
        help="Processes that validate the suites (default: 2 when two cores are usable and there are 6 or more "
        "suites, else 1). The results are the same either way.",
    ),
    files: list[str] = typer.Argument(
        None,
        help="Run only the suites of the datasets these files belong to (a dataset file, its "
        "datapackage.json, or a suite file), as the pre-commit hook does with the files a commit touches.",
        show_default=False,
    ),
) -> None:
    """Check every dataset against its data-quality suite (checks/quality/*.yml).

    Prints one row per expectation and writes results.json, junit.xml and a self-contained results page (index.html) to reports/checks/ (a run that does not pass writes to reports/checks/failed/ and leaves the last passing results alone; a run of some suites only, -s, writes to reports/checks/partial/). Never downloads: third-party files must be in the cache or the mirror.

    With --format github (in GitHub Actions) every failing cell becomes an annotation on its file, line and column in the pull request, and a Markdown summary goes to $GITHUB_STEP_SUMMARY. Expectations a suite marks severity: warning are known, accepted properties of the data: each is one ::notice (no row marked) and its rows are listed in the summary under Accepted warnings; --annotate-warnings marks each such row as a ::warning instead.

    Exit codes: 0 all passed (third-party data not fetched is listed as "not checked"); 1 an expectation failed; 2 a dataset could not be loaded (bad type, encoding, truncated file, hash mismatch) or a suite is malformed.
    """  # noqa: E501 - typer keeps the docstring's line breaks, so each paragraph is one line
    from claimaudit.errors import ClaimauditError
    from claimaudit.quality import render_report, run_checks

    try:
        if files:
            chosen = suites_for_files(files)
            if not chosen:
                typer.echo("no dataset or suite among these files: nothing to check")
                raise typer.Exit(0)
            suite = sorted({*(suite or []), *chosen})
        report = run_checks(suites=suite or None, out_dir=out, jobs=jobs)
    except ClaimauditError as exc:  # an unknown suite name, no suites at all
        if output == "github":
            from claimaudit.cli._github import error_annotation

            typer.echo(error_annotation(exc, title="claimaudit check"))
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    if output == "github":
        from claimaudit.cli._github import check_annotations, check_summary, write_step_summary

        for line in check_annotations(report, warnings="annotate" if annotate_warnings else "notice"):
            typer.echo(line)
        write_step_summary(check_summary(report))
        render_report(report, failures_only=True)
    elif output in ("json", "junit"):
        name = "results.json" if output == "json" else "junit.xml"
        typer.echo((report.out_dir / name).read_text(encoding="utf-8"), nl=False)
    else:
        render_report(report, failures_only=failures_only)
    raise typer.Exit(report.exit_code)


def suites_for_files(files: list[str]) -> list[str]:
    """The suites to run for changed files: those reading a dataset a file belongs to
    (``datasets/<name>/...``) and any suite file itself (``checks/quality/<suite>.yml``)."""
    from claimaudit import paths
    from claimaudit.datasets import stamping as _stamping
    from claimaudit.pipeline import ledger as _ledger

    datasets_root, suites_root = paths.datasets_dir(), paths.checks_dir() / "quality"
    names: set[str] = set()
    suites: set[str] = set()
    for file in files:
        path = _stamping.resolve(file, datasets_root, suites_root)
        if path.is_relative_to(datasets_root) and len(path.relative_to(datasets_root).parts) >= 2:
            names.add(path.relative_to(datasets_root).parts[0])
        elif path.is_relative_to(suites_root) and path.suffix in (".yml", ".yaml"):
            suites.add(path.stem)
    if names:
        suites |= set(_ledger.suites_for(names))
    return sorted(suites)
