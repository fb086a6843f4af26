"""Where things live. Paths only, nothing else (cookiecutter-data-science habit)."""

from __future__ import annotations

from pathlib import Path

from claimaudit import config


def project_root() -> Path:
    """The project checkout: ``CLAIMAUDIT_HOME`` if set, else the folder holding ``datasets/``.

    >>> (project_root() / "datasets").is_dir()
    True
    """
    env = config.get("CLAIMAUDIT_HOME")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "datasets").is_dir():
            return parent
    return Path.cwd()


def datasets_dir() -> Path:
    return Path(config.get("CLAIMAUDIT_DATASETS") or project_root() / "datasets").resolve()


def checks_dir() -> Path:
    return Path(config.get("CLAIMAUDIT_CHECKS") or project_root() / "checks").resolve()


def notebooks_dir() -> Path:
    return project_root() / "notebooks"


def reports_dir() -> Path:
    return Path(config.get("CLAIMAUDIT_REPORTS") or project_root() / "reports").resolve()


def checks_pending(reports: Path | None = None) -> Path:
    """The file a run keeps in its reports folder while its data checks run (``reports``: default
    :func:`reports_dir`); check results are not to be read while it exists."""
    return (reports if reports is not None else reports_dir()) / ".checks-pending"


def cache_dir() -> Path:
    return Path(config.get("CLAIMAUDIT_CACHE") or project_root() / ".cache" / "claimaudit").resolve()


def mirror_dir() -> Path | None:
    """The local mirror of third-party files (``CLAIMAUDIT_MIRROR``), or None."""
    env = config.get("CLAIMAUDIT_MIRROR")
    return Path(env).resolve() if env else None
