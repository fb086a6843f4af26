"""Every ``CLAIMAUDIT_*`` environment variable, read here and nowhere else.

>>> sorted(VARIABLES)[:3]
['CLAIMAUDIT_CACHE', 'CLAIMAUDIT_CHECKS', 'CLAIMAUDIT_CHROMIUM']
>>> get("CLAIMAUDIT_OONI_API", environ={}) == VARIABLES["CLAIMAUDIT_OONI_API"].default
True

Each is read when asked for (tests and ``claimaudit run`` set them per call), so values are
never cached. The README's table lists them all (a test keeps the two in step).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["VARIABLES", "Variable", "flag", "get", "url"]


@dataclass(frozen=True)
class Variable:
    name: str
    meaning: str
    default: str | None = None


VARIABLES: dict[str, Variable] = {
    v.name: v
    for v in (
        Variable("CLAIMAUDIT_HOME", "the project checkout (default: the folder holding datasets/ and pyproject.toml)"),
        Variable("CLAIMAUDIT_DATASETS", "the datasets folder (default <home>/datasets)"),
        Variable("CLAIMAUDIT_CHECKS", "the checks folder: quality suites and audit rules (default <home>/checks)"),
        Variable("CLAIMAUDIT_REPORTS", "where reports are written (default <home>/reports)"),
        Variable("CLAIMAUDIT_TABLES", "where notebooks write their tables as CSV (default <reports>/tables)"),
        Variable("CLAIMAUDIT_CACHE", "where fetched files and their manifest go (default <home>/.cache/claimaudit)"),
        Variable("CLAIMAUDIT_MIRROR", "a local mirror of third-party files laid out as DIR/<host>/<path>"),
        Variable("CLAIMAUDIT_OFFLINE", "1, true or yes: never use the network, cache and mirror only"),
        Variable("CLAIMAUDIT_OONI_API", "base URL of the OONI API", "https://api.ooni.io"),
        Variable("CLAIMAUDIT_TOR_METRICS", "base URL of Tor Metrics", "https://metrics.torproject.org"),
        Variable("CLAIMAUDIT_IODA_API", "base URL of the IODA API", "https://api.ioda.inetintel.cc.gatech.edu"),
        Variable(
            "CLAIMAUDIT_LIVE_RECENT_DAYS",
            "a cached live answer whose window ends within this many days is asked again after the TTL (default 7)",
        ),
        Variable(
            "CLAIMAUDIT_LIVE_TTL_HOURS", "hours after which such a recent live answer is asked again (default 24)"
        ),
        Variable(
            "CLAIMAUDIT_REQUESTS_PER_MINUTE",
            "requests per minute claimaudit sends to one live service"
            " (0: no spacing; default: each service's published quota)",
        ),
        Variable(
            "CLAIMAUDIT_OONI_S3", "S3 endpoint URL of OONI's bucket for `ooni corpus` (default: AWS, read anonymously)"
        ),
        Variable(
            "CLAIMAUDIT_OONI_CORPUS", "a folder `ooni corpus` wrote: the audit's ooni_corpus evidence (default: none)"
        ),
        Variable("CLAIMAUDIT_CHROMIUM", "the Chromium/Chrome binary for PDF export (default: searched on PATH)"),
        Variable("CLAIMAUDIT_COMMIT", "the git commit named in the report's provenance (default: asked of git)"),
        Variable(
            "CLAIMAUDIT_LANG",
            "the language of text rendered outside a run: en or ur (default en;"
            " claimaudit run --lang chooses the editions)",
        ),
        Variable("CLAIMAUDIT_URDU_FONT", "the Urdu text font to embed (default: Noto Naskh Arabic from the system)"),
    )
}


def get(name: str, *, environ: Mapping[str, str] | None = None) -> str | None:
    """The variable's value, or its default; empty counts as unset."""
    if name not in VARIABLES:
        raise KeyError(f"{name} is not a claimaudit variable (see claimaudit.config.VARIABLES)")
    value = (os.environ if environ is None else environ).get(name)
    return value if value else VARIABLES[name].default


def flag(name: str) -> bool:
    """A yes/no variable: ``1``, ``true`` or ``yes`` (any case) is yes."""
    return (get(name) or "").strip().lower() in {"1", "true", "yes"}


def url(name: str) -> str:
    """A base URL, without a trailing slash."""
    return (get(name) or "").rstrip("/")
