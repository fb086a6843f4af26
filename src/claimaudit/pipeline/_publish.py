"""Publishing a run: all of it or none of it.

A run writes everything it makes — check results, verdicts, pages, tables, executed notebooks,
the PDF and ``index.html`` — into a private staging folder ``reports/.run-*``. Only when every
step it depends on succeeded does :func:`publish` swap the staged set in for the published one:
each published entry that :func:`managed` names is renamed aside, each staged one renamed in, and
the old ones removed. If anything fails (or Ctrl-C arrives) in the middle, every rename is undone,
so ``reports/`` holds the previous run or this one, never a mix. Ctrl-C during the few renames is
held back until they are done.

Outputs that this run did not make on purpose — pages of notebooks not chosen with ``-n``, the
check results when ``--skip check`` — are carried over from the previous run first
(:func:`carry_over`), so the published set is always whole; a PDF is never carried over for a
report page this run replaced.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

__all__ = ["carry_over", "managed", "publish"]

#: Folders a run owns under ``reports/`` (``failed/`` is not one: it keeps failed notebooks).
MANAGED_DIRS = ("checks", "notebooks", "tables")
_MANAGED_FILE = re.compile(
    r"^(index\.html|verdicts\.(json|csv)|scorecard\.(html|csv)|scorecard\.[a-z]{2,3}\.html|[0-9][0-9]-[^/]*\.(html|pdf))$"
)


def managed(folder: Path) -> list[str]:
    """The names of the entries directly under ``folder`` that a run publishes."""
    if not folder.is_dir():
        return []
    return sorted(
        p.name
        for p in folder.iterdir()
        if (p.is_dir() and p.name in MANAGED_DIRS) or (p.is_file() and _MANAGED_FILE.match(p.name))
    )


def carry_over(
    reports: Path, staging: Path, *, pages: Iterable[str] = (), checks: bool = False, verdicts: bool = False
) -> list[str]:
    """Copy outputs of the previous run that this run did not remake into ``staging``.

    ``pages`` are notebook names (``01-explore-claims-ledger``): their HTML (and the report's PDF,
    which belongs to that HTML), executed notebook and tables. ``checks`` copies ``checks/``,
    ``verdicts`` the verdict files. Returns what was carried, as paths relative to ``reports``.
    """
    carried: list[str] = []

    def copy(rel: str) -> None:
        source, target = reports / rel, staging / rel
        if not source.exists() or target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target)
        else:
            shutil.copy2(source, target)
        carried.append(rel)

    for page in sorted(pages):
        for rel in (f"{page}.html", f"{page}.pdf", f"notebooks/{page}.ipynb"):
            copy(rel)
        for table in sorted((reports / "tables").glob(f"{page}__*.csv")) if (reports / "tables").is_dir() else []:
            copy(f"tables/{table.name}")
    if checks:
        copy("checks")
    if verdicts:
        copy("verdicts.json")
        copy("verdicts.csv")
    return carried


def publish(staging: Path, reports: Path) -> None:
    """Replace the published set in ``reports`` by the staged set in ``staging``, all or nothing."""
    old_names, new_names = managed(reports), managed(staging)
    trash = reports / f".old-{os.getpid()}-{staging.name.lstrip('.')}"
    trash.mkdir()
    moved: list[str] = []
    installed: list[str] = []
    try:
        with _interrupts_held():
            for name in old_names:
                os.replace(reports / name, trash / name)
                moved.append(name)
            for name in new_names:
                os.replace(staging / name, reports / name)
                installed.append(name)
    except BaseException:
        for name in reversed(installed):
            with contextlib.suppress(OSError):
                os.replace(reports / name, staging / name)
        for name in reversed(moved):
            with contextlib.suppress(OSError):
                os.replace(trash / name, reports / name)
        shutil.rmtree(trash, ignore_errors=True)
        raise
    shutil.rmtree(trash, ignore_errors=True)
    _readable(reports)


def publish_failed_checks(staging: Path, reports: Path) -> bool:
    """Publish only ``checks/failed/`` (what ``claimaudit check`` does for a failing run): the
    last passing results and the rest of the report stay. Returns whether there was one."""
    new = staging / "checks" / "failed"
    if not new.is_dir():
        return False
    final = reports / "checks" / "failed"
    final.parent.mkdir(parents=True, exist_ok=True)
    old = final.with_name(f".failed.old-{os.getpid()}")
    with _interrupts_held():
        if final.exists():
            os.replace(final, old)
        try:
            os.replace(new, final)
        except BaseException:
            if old.exists() and not final.exists():
                os.replace(old, final)
            raise
    shutil.rmtree(old, ignore_errors=True)
    return True


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold SIGINT back (main thread only) and deliver it once the block is done."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt


def _readable(reports: Path) -> None:
    """Published outputs are meant to be read and served: the usual permissions for the umask
    (files copied from elsewhere may have been private)."""
    umask = os.umask(0)
    os.umask(umask)
    for name in managed(reports):
        path = reports / name
        for item in [path, *path.rglob("*")] if path.is_dir() else [path]:
            if item.is_file():
                os.chmod(item, 0o666 & ~umask)
