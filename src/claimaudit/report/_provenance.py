"""The provenance appendix: every dataset used (source URL, licence, sha256, retrieval time),
the git commit and package version, and the data-quality check summary.

>>> info = run_info()
>>> sorted(info)
['commit', 'dirty', 'generated', 'version']
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from claimaudit import __version__, config, paths
from claimaudit.notebook import dataset_items, live_items, source_items
from claimaudit.quality import latest_check_results
from claimaudit.report import _render
from claimaudit.report._tables import HTML


def run_info() -> dict[str, Any]:
    """Version, git commit (``CLAIMAUDIT_COMMIT`` overrides), whether the tree is dirty, and now (UTC)."""
    commit = config.get("CLAIMAUDIT_COMMIT")
    dirty = False
    if not commit:
        commit, dirty = _git_commit(paths.project_root())
    return {
        "version": __version__,
        "commit": commit,
        "dirty": dirty,
        "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def checks_summary(results_json: str | Path | None = None) -> str:
    """One line about the last data-quality run (``reports/checks/results.json``)."""
    path = latest_check_results(results_json)
    if path is None:
        return "no check results found (run `claimaudit check`)"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        return f"check results at {path} unreadable: {exc}"
    suites = data.get("suites", [])
    outcomes = Counter(e.get("outcome") for s in suites for e in s.get("expectations", []))
    failed = [s.get("name") for s in suites if s.get("status") != "passed"]
    parts = ", ".join(f"{outcomes[k]} {k}" for k in ("pass", "fail", "warn", "error") if outcomes[k])
    verdict = "all suites passed" if data.get("ok") else f"NOT all passed ({', '.join(map(str, failed))})"
    return (
        f"{len(suites)} suites, {sum(outcomes.values())} expectations ({parts or 'none'}): {verdict};"
        f" run {data.get('created', '?')}"
    )


def provenance_html(
    *,
    datasets: Iterable[str] = ("claims", "signals", "baselines", "events"),
    sources: Iterable[str | tuple[str, str]] = (),
    results_json: str | Path | None = None,
) -> str:
    info = run_info()
    items = dataset_items(datasets) + source_items(sources)
    items += live_items(item["url"] for item in items)
    items = [{**item, "href": _render.safe_href(item["url"])} for item in items]  # a link only to http(s)
    return _render.render("fragments/provenance.html.j2", items=items, checks=checks_summary(results_json), **info)


def provenance(
    *,
    datasets: Iterable[str] = ("claims", "signals", "baselines", "events"),
    sources: Iterable[str | tuple[str, str]] = (),
    results_json: str | Path | None = None,
) -> HTML:
    """The appendix as displayable HTML (``display(provenance(...))`` in a notebook)."""
    return HTML(provenance_html(datasets=datasets, sources=sources, results_json=results_json))


# --------------------------------------------------------------------------- internals


def _git_commit(root: Path) -> tuple[str, bool]:
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
        status = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
        return commit, bool(status.strip())
    except (OSError, subprocess.SubprocessError):
        return "unknown (not a git checkout)", False
