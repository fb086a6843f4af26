"""The ``claimaudit`` command line.

Each area registers its own commands from a private module (``_datasets``, ``_claims``, ``_check``,
``_audit``, ``_fetch``, ``_ooni``, ``_run``); this module only assembles them and turns ``ClaimauditError``
into a clear message and a non-zero exit instead of a traceback.
"""

from __future__ import annotations

import sys

import typer

from claimaudit import __version__
from claimaudit.errors import ClaimauditError

__all__ = ["app", "main", "run"]

app = typer.Typer(
    name="claimaudit",
    help="Audit official claims about internet censorship in Pakistan against independent evidence.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain click help: paragraphs re-flow to the terminal and flags show no "<bool>" placeholder.
    rich_markup_mode=None,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"claimaudit {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Audit official claims about internet censorship in Pakistan against independent evidence.

    Typical use: `claimaudit run` does everything (fetch, check, audit, notebooks, report).
    """


def _register() -> None:
    from claimaudit.cli import _audit, _check, _claims, _datasets, _fetch, _ooni, _run

    for module in (_run, _fetch, _check, _audit, _datasets, _claims, _ooni):
        module.register(app)


_register()


def run() -> None:  # pragma: no cover - console entry point wrapper
    try:
        app()
    except ClaimauditError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        sys.exit(2)
