"""`claimaudit datasets ...`: list and stamp the curated datasets."""

from __future__ import annotations

from typing import Optional

import typer

datasets_app = typer.Typer(
    help="Inspect and maintain the curated datasets under datasets/.", no_args_is_help=True
)


@datasets_app.command("list")
def list_command() -> None:
    """List the curated datasets and their resources (rows, sha256)."""
    from claimaudit import datasets

    for row in datasets.inventory().iter_rows(named=True):
        typer.echo(f"{row['dataset']}/{row['resource']}\t{row['rows']} rows\tsha256 {row['sha256']}")


@datasets_app.command("stamp")
def stamp_command(
    names: Optional[list[str]] = typer.Argument(
        None, help="Datasets to stamp (default: all)."
    ),
) -> None:
    """Record the sha256 of each dataset file in its datapackage.json.

    Run this after a deliberate, reviewed edit of a dataset file; `claimaudit check` and
    `claimaudit.datasets.load` refuse files whose hash does not match.
    """
    from claimaudit import datasets

    written = datasets.stamp(names or None)
    if not written:
        typer.echo("all hashes already up to date")
    for path in written:
        typer.echo(f"stamped {path}")


def register(app: typer.Typer) -> None:
    app.add_typer(datasets_app, name="datasets")
