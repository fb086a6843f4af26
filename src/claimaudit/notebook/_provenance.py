"""Provenance rows (name, url, licence, sha256, retrieved, origin) of the data a notebook reads:
curated datasets, pinned third-party sets and live responses in the cache. The report adds a
link to each (:func:`claimaudit.report.provenance`); notebook 00 shows them as a table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from claimaudit.errors import ClaimauditError

__all__ = ["LIVE_LICENCES", "dataset_items", "live_items", "source_items"]


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
                    "url": f"datasets/{name}/{resource.get('path', '')}"
                    " (curated in this repository; every row cites its source)",
                    "licence": _licences(resource.get("licenses")) or licence or "see dataset README",
                    "sha256": str(resource.get("hash", "")).removeprefix("sha256:") or "not recorded",
                    "retrieved": retrieved,
                    "origin": "repository",
                }
            )
    return items


def source_items(names: Iterable[str | tuple[str, str]]) -> list[dict[str, Any]]:
    """Provenance rows for third-party sources via ``claimaudit.datasets.sources.describe(name)``."""
    from claimaudit.datasets import sources

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
                "licence": LIVE_LICENCES.get(host, "see the service's terms"),
                "sha256": str(entry.get("sha256") or "not recorded"),
                "retrieved": str(entry.get("retrieved_at") or ""),
                "origin": str(entry.get("origin") or ""),
            }
        )
    return items


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
    return {"name": name, "url": why, "licence": "", "sha256": "", "retrieved": "", "origin": "missing"}
