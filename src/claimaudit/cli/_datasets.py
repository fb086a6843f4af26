"""`claimaudit datasets ...`: list and stamp the curated datasets."""

from __future__ import annotations

import tempfile
from pathlib import Path

import typer

datasets_app = typer.Typer(help="Inspect and maintain the curated datasets under datasets/.", no_args_is_help=True)


@datasets_app.command("list")
def list_command() -> None:
    """List the curated datasets and their resources (rows, sha256)."""
    from claimaudit import datasets

    for row in datasets.inventory().iter_rows(named=True):
        typer.echo(f"{row['dataset']}/{row['resource']}\t{row['rows']} rows\tsha256 {row['sha256']}")


@datasets_app.command("stamp")
def stamp_command(
    names: list[str] | None = typer.Argument(None, help="Datasets to stamp (default: all)."),
    check: bool = typer.Option(
        False,
        "--check",
        help="Run the quality suites of these datasets on the edited files first; stamp only if "
        "they pass (nothing is stamped otherwise).",
    ),
) -> None:
    """Record the sha256 of each dataset file in its datapackage.json.

    Run this after a deliberate, reviewed edit of a dataset file; `claimaudit check` and `claimaudit.datasets.load` refuse files whose hash does not match. Each file must still load (header, types, encoding): one that does not is not stamped (exit 2). With --check, the quality suites of the datasets run on the edited files first (exit 1 on a failure, nothing stamped).

    For each file stamped, one line says what changed since the last stamp (rows added, removed and changed, matched by primary key; the stamped version is looked up in git).
    """  # noqa: E501 - typer keeps the docstring's line breaks, so each paragraph is one line
    from claimaudit import datasets
    from claimaudit.datasets import stamping as _stamping
    from claimaudit.errors import ClaimauditError

    try:
        chosen = list(names) if names else datasets.list_datasets()
        pending = {n: _stamping.changes_since_stamp(n) for n in chosen}
        edited = [n for n, changes in pending.items() if changes]
        for name in edited:  # the file must still be a readable dataset: types, header, encoding
            datasets.load_package(name, verify=False)
        if check and edited:
            _check_before_stamp(edited)
        written = datasets.stamp(chosen)
    except ClaimauditError as exc:
        typer.secho(f"error: not stamped: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    if not written:
        typer.echo("all hashes already up to date")
    for path in written:
        typer.echo(f"stamped {path}")
        for resource, changes, rows_now in pending.get(path.parent.name, []):
            typer.echo("  " + _stamping.summary_line(path.parent.name, resource, changes, rows_now=rows_now))


def _check_before_stamp(names: list[str]) -> None:
    """Run the suites reading ``names`` on a stamped temporary copy; exit 1 if they do not pass."""
    from claimaudit import paths
    from claimaudit.pipeline import ledger as _ledger
    from claimaudit.quality import render_report, run_checks

    real = str(paths.datasets_dir())
    with _ledger.candidate_datasets() as root, tempfile.TemporaryDirectory() as out:
        report = run_checks(suites=_ledger.suites_for(set(names)), out_dir=Path(out) / "checks")
        for suite in report.results:  # name the real files, not the temporary copy
            if suite.data_file:
                suite.data_file = _ledger.shown_path(Path(suite.data_file.replace(str(root), real)))
            if suite.error:
                suite.error = {
                    k: v.replace(str(root), real) if isinstance(v, str) else v for k, v in suite.error.items()
                }
        report.out_dir = None
    if not report.ok:
        render_report(report, failures_only=True)
        typer.secho(
            f"not stamped: the quality suites of {', '.join(names)} do not pass on the edited files",
            fg=typer.colors.RED,
            err=True,
        )
        raise typer.Exit(report.exit_code or 1)
    typer.echo(f"checked: {len(report.results)} suite(s) of {', '.join(names)} pass on the edited files")


@datasets_app.command("verify")
def verify_command(
    items: list[str] | None = typer.Argument(
        None, help="Dataset names or files under datasets/ (default: every dataset).", show_default=False
    ),
) -> None:
    """Exit 1 if a dataset file was edited but not stamped (its sha256 is not the one recorded).

    Used by the pre-commit hook claimaudit-stamp-check with the files a commit touches; files outside datasets/ are ignored.
    """  # noqa: E501 - typer keeps the docstring's line breaks, so each paragraph is one line
    from claimaudit.datasets import stamping as _stamping
    from claimaudit.errors import ClaimauditError

    names: set[str] = set()
    for item in items or []:
        dataset = _stamping.dataset_of(item)
        if dataset is not None:
            names.add(dataset)
        elif "/" not in item and not item.endswith((".csv", ".json", ".yml", ".yaml", ".md", ".py")):
            names.add(item)
    if items and not names:
        typer.echo("no dataset among these files: nothing to verify")
        return
    try:
        found = _stamping.unstamped(sorted(names) or None)
    except ClaimauditError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    for item in found:
        from claimaudit.pipeline import ledger as _ledger

        typer.secho(
            f"{_ledger.shown_path(item.file)}: edited but not stamped (datapackage.json records "
            f"{item.recorded[:12] or 'no hash'}…, the file is {item.actual[:12]}…); review the change, then run "
            f"`claimaudit datasets stamp --check {item.dataset}`",
            fg=typer.colors.RED,
            err=True,
        )
    if found:
        raise typer.Exit(1)
    typer.echo(f"stamps match: {', '.join(sorted(names)) or 'every dataset'}")


def register(app: typer.Typer) -> None:
    app.add_typer(datasets_app, name="datasets")
