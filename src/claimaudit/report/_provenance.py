"""The provenance appendix: every dataset used (source URL, licence, sha256, retrieval time),
the git commit and package version, and the data-quality check summary.

>>> info = run_info()
>>> sorted(info)
['commit', 'dirty', 'generated', 'version']
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from claimaudit import __version__, paths
from claimaudit.errors import ClaimauditError
from claimaudit.report import _render
from claimaudit.report._tables import HTML


def run_info() -> dict[str, Any]:
    """Version, git commit (``CLAIMAUDIT_COMMIT`` overrides), whether the tree is dirty, and now (UTC)."""
    commit = os.environ.get("CLAIMAUDIT_COMMIT")
    dirty = False
    if not commit:
        commit, dirty = _git_commit(paths.project_root())
    return {
        "version": __version__,
        "commit": commit,
        "dirty": dirty,
        "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def dataset_items(names: Iterable[str]) -> list[dict[str, Any]]:
    """Provenance rows for curated datasets (``datasets/<name>/datapackage.json``)."""
    from claimaudit import datasets

    items = []
    for name in names:
        try:
            package = datasets.read_package(name)
        except ClaimauditError as exc:  # a missing dataset is shown as such, not hidden
            items.append(_missing(name, f"dataset not readable: {exc}"))
            continue
        descriptor = package.descriptor
        licence = _licences(descriptor.get("licenses"))
        retrieved = descriptor.get("created") or ""
        for resource in descriptor.get("resources", []):
            if not package.is_local(resource):
                continue
            items.append(
                {
                    "name": f"{name}/{resource.get('name', '')}",
                    "url": f"datasets/{name}/{resource.get('path', '')} (curated in this repository; every row cites its source)",
                    "href": None,
                    "licence": _licences(resource.get("licenses")) or licence or "see dataset README",
                    "sha256": str(resource.get("hash", "")).removeprefix("sha256:") or "not recorded",
                    "retrieved": retrieved,
                    "origin": "repository",
                }
            )
    return items


def source_items(names: Iterable[str | tuple[str, str]]) -> list[dict[str, Any]]:
    """Provenance rows for third-party sources via ``claimaudit.sources.describe(name)``."""
    from claimaudit import sources

    items = []
    for entry in names:
        name, resource = entry if isinstance(entry, tuple) else (entry, None)
        try:
            described = sources.describe(name)
        except ClaimauditError as exc:
            items.append(_missing(_label(entry), f"not described: {exc}"))
            continue
        records = _records(described, resource)
        if not records:
            known = ", ".join(r["name"] for r in described["resources"])
            items.append(_missing(_label(entry), f"no resource named {resource!r} (resources: {known})"))
        for record in records:
            url = str(record["url"] or "")
            items.append(
                {
                    "name": _label((name, record.get("resource") or resource)),
                    "url": url,
                    "href": _render.safe_href(url),
                    "licence": _licences(record.get("licenses")) or "unknown",
                    "sha256": str(record.get("sha256") or "") or "not recorded",
                    "retrieved": str(record.get("retrieved_at") or "not retrieved"),
                    "origin": str(record.get("origin") or "not fetched"),
                }
            )
    return items


#: Licences of the live services, by host (their own published terms).
LIVE_LICENCES = {
    "api.ooni.io": "CC-BY-NC-SA-4.0 (OONI data)",
    "metrics.torproject.org": "CC0-1.0 (Tor Metrics)",
}


def live_items(pinned_urls: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Provenance rows for live API responses in the cache (OONI API, Tor Metrics, …): every
    cached URL that is not a pinned third-party file."""
    from claimaudit import fetch

    pinned = set(pinned_urls)
    items = []
    for url, entry in sorted(fetch.manifest_entries().items()):
        if url in pinned or url.startswith("https://raw.githubusercontent.com/"):
            continue
        host = url.split("/")[2] if "://" in url else ""
        items.append(
            {
                "name": f"live: {host}",
                "url": url,
                "href": _render.safe_href(url),
                "licence": LIVE_LICENCES.get(host, "see the service's terms"),
                "sha256": str(entry.get("sha256") or "not recorded"),
                "retrieved": str(entry.get("retrieved_at") or ""),
                "origin": str(entry.get("origin") or ""),
            }
        )
    return items


def latest_check_results(results_json: str | Path | None = None) -> Path | None:
    """``results_json`` if it exists, else the newer of ``reports/checks/results.json`` and
    ``reports/checks/failed/results.json`` (a failing run writes there), else None."""
    base = paths.reports_dir() / "checks"
    candidates = [Path(results_json)] if results_json else [base / "results.json", base / "failed" / "results.json"]
    found = [p for p in candidates if p.is_file()]
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


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
    return f"{len(suites)} suites, {sum(outcomes.values())} expectations ({parts or 'none'}): {verdict}; run {data.get('created', '?')}"


def provenance_html(
    *,
    datasets: Iterable[str] = ("claims", "signals", "baselines", "events"),
    sources: Iterable[str | tuple[str, str]] = (),
    results_json: str | Path | None = None,
) -> str:
    info = run_info()
    items = dataset_items(datasets) + source_items(sources)
    items += live_items(item["url"] for item in items)
    return _render.render(
        "fragments/provenance.html.j2", items=items, checks=checks_summary(results_json), **info
    )


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
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout
        return commit, bool(status.strip())
    except (OSError, subprocess.SubprocessError):
        return "unknown (not a git checkout)", False


def _licences(value: Any) -> str:
    if not value:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return str(value.get("name") or value.get("title") or value.get("path") or "")
    return ", ".join(filter(None, (_licences(v) for v in value)))


def _records(described: Mapping[str, Any], resource: str | None) -> list[dict[str, Any]]:
    """One record per resource of ``sources.describe(name)``, the set's fields (licences) merged
    in; only ``resource`` when one is named (none if the set has no such resource)."""
    records = [{**described, **r, "resource": r["name"]} for r in described.get("resources", [])]
    return [r for r in records if r["resource"] == resource] if resource else records


def _label(entry: str | tuple[str, str | None]) -> str:
    if isinstance(entry, tuple):
        return "/".join(e for e in entry if e)
    return entry


def _missing(name: str, why: str) -> dict[str, Any]:
    return {"name": name, "url": why, "href": None, "licence": "", "sha256": "", "retrieved": "", "origin": "missing"}
