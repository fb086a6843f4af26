"""The ``claimaudit`` command line.

Each area registers its own commands from a private module (``_datasets``, ``_claims``, ``_check``,
``_audit``, ``_fetch``, ``_ooni``, ``_run``); this module only assembles them and turns ``ClaimauditError``
into a clear message and a non-zero exit instead of a traceback.
"""

from __future__ import annotations

import errno
import functools
import gc
import sys
from collections.abc import Callable
from typing import Any

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


_WHY = {
    errno.EROFS: (
        "the file system is read-only",
        "write somewhere writable (--out / --reports, or CLAIMAUDIT_REPORTS)",
    ),
    errno.ENOSPC: ("no space left on the device", "free some space (or write elsewhere) and run the command again"),
    errno.EDQUOT: ("the disk quota is exceeded", "free some space (or write elsewhere) and run the command again"),
    errno.EACCES: ("permission denied", "check the folder's permissions, or write elsewhere"),
    errno.EPERM: ("operation not permitted", "check the folder's permissions, or write elsewhere"),
}


def _os_error_message(exc: OSError) -> str:
    """``OSError`` as a user-facing message: which path, why, and what to do.

    >>> print(_os_error_message(OSError(28, "No space left on device", "reports/verdicts.json")))
    cannot write reports/verdicts.json: no space left on the device (errno 28)
      What to do: free some space (or write elsewhere) and run the command again
    """
    why, todo = _WHY.get(exc.errno or 0, (exc.strerror or str(exc), "check the path and try again"))
    where = exc.filename if exc.filename is not None else "a file"
    if exc.filename2 is not None:
        where = f"{where} -> {exc.filename2}"
    return f"cannot write {where}: {why} (errno {exc.errno})\n  What to do: {todo}"


def _clear_errors(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Run a command so that a user's problem is a message and exit 2, never a traceback:
    a :class:`ClaimauditError` (bad input) or an ``OSError`` (read-only folder, full disk)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ClaimauditError as exc:
            typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
            raise typer.Exit(2) from None
        except OSError as exc:
            if exc.errno is None:
                raise
            typer.secho(f"error: {_os_error_message(exc)}", fg=typer.colors.RED, err=True)
            raise typer.Exit(2) from None

    return wrapper


def _wrap_commands(typer_app: typer.Typer) -> None:
    for info in typer_app.registered_commands:
        if info.callback is not None and not getattr(info.callback, "__wrapped__", None):
            info.callback = _clear_errors(info.callback)
    for group in typer_app.registered_groups:
        if group.typer_instance is not None:
            _wrap_commands(group.typer_instance)


def _register() -> None:
    from claimaudit.cli import _audit, _check, _claims, _datasets, _fetch, _ooni, _run

    for module in (_run, _fetch, _check, _audit, _datasets, _claims, _ooni):
        module.register(app)
    _wrap_commands(app)


_register()


def run() -> None:  # pragma: no cover - console entry point wrapper
    from claimaudit._gc import own_this_process

    own_this_process()  # the command's process is ours: what it imports is frozen (claimaudit/_gc.py)
    try:
        _run()
    finally:
        # The command is over: the interpreter's closing garbage collections would walk every object
        # it made (altair's schema classes, polars, Great Expectations: ~0.5 s after `claimaudit run`)
        # just to free memory the OS frees anyway. Frozen objects are left out of them; files,
        # subprocesses and atexit handlers are closed and run as before.
        gc.freeze()


def _run() -> None:
    try:
        app()
    except ClaimauditError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        sys.exit(2)
    except OSError as exc:
        if exc.errno is None:
            raise
        typer.secho(f"error: {_os_error_message(exc)}", fg=typer.colors.RED, err=True)
        sys.exit(2)
