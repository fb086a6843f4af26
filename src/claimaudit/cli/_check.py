"""``claimaudit check``: run the data-quality suites in ``checks/quality/``."""

from __future__ import annotations

from pathlib import Path

import typer


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
) -> None:
    """Check every dataset against its data-quality suite (checks/quality/*.yml).

    Prints one row per expectation and writes results.json, junit.xml and a self-contained results page (index.html) to reports/checks/ (a run that does not pass writes to reports/checks/failed/ and leaves the last passing results alone; a run of some suites only, -s, writes to reports/checks/partial/). Never downloads: third-party files must be in the cache or the mirror.

    Exit codes: 0 all passed (third-party data not fetched is listed as "not checked"); 1 an expectation failed; 2 a dataset could not be loaded (bad type, encoding, truncated file, hash mismatch) or a suite is malformed.
    """  # noqa: E501 - typer keeps the docstring's line breaks, so each paragraph is one line
    from claimaudit.errors import ClaimauditError
    from claimaudit.quality import render_report, run_checks

    try:
        report = run_checks(suites=suite or None, out_dir=out)
    except ClaimauditError as exc:  # an unknown suite name, no suites at all
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    render_report(report, failures_only=failures_only)
    raise typer.Exit(report.exit_code)
