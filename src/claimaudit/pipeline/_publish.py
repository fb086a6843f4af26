"""Publishing a run: staged outputs move into ``reports/`` by atomic renames, readable by all."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def _publish(staging: Path, reports: Path) -> None:
    """Move staged outputs into ``reports/``: files by atomic rename, ``tables/`` and
    ``notebooks/`` as whole folders (old one renamed away first, then removed)."""
    for folder in ("tables", "notebooks"):
        new = staging / folder
        if not new.is_dir():
            continue
        final = reports / folder
        old = reports / f".{folder}.old-{os.getpid()}"
        if final.exists():
            os.replace(final, old)
        os.replace(new, final)
        shutil.rmtree(old, ignore_errors=True)
    for file in sorted(staging.glob("*.*")):
        os.replace(file, reports / file.name)
    _readable(reports)


def _readable(reports: Path) -> None:
    """Temporary files are created private (0600); published outputs are meant to be read and
    served, so give them the usual permissions for the current umask."""
    umask = os.umask(0)
    os.umask(umask)
    for path in [reports / "index.html", *reports.glob("*.*"), *reports.glob("tables/*"), *reports.glob("notebooks/*")]:
        if path.is_file():
            os.chmod(path, 0o666 & ~umask)
