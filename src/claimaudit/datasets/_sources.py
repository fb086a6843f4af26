"""Pinned third-party data sets, described in ``datasets/external/<name>/datapackage.json``.

Each resource's ``path`` is its canonical URL (pinned to a commit) with its ``hash`` and
``bytes``; the bytes come through :func:`claimaudit.fetch.fetch` (cache, mirror, network) and
are verified before use. Frames come back typed, with clean snake_case column names, pandas
index columns dropped and dates as ``Date``.

>>> list_sources()                                             # doctest: +SKIP
['acsac-pakistan', 'cenalert-events', 'cenalert-google-trends-vpn', 'citizenlab-test-lists', ...]
>>> tor = load("acsac-pakistan", "tor-relay-users", offline=True)     # doctest: +SKIP
>>> tor.columns                                                # doctest: +SKIP
['date', 'country', 'users', 'lower', 'upper', 'frac']
>>> describe("acsac-pakistan")["resources"][1]["origin"]       # doctest: +SKIP
'mirror'
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from claimaudit import paths
from claimaudit.datasets._typed import read_csv, read_json_records
from claimaudit.datasets._typed import read_descriptor as _read_descriptor
from claimaudit.errors import DataError
from claimaudit.fetch import FetchResult, fetch, manifest_entries

__all__ = ["describe", "external_dir", "fetch_resource", "list_sources", "load", "read_descriptor", "resource_names"]


def external_dir() -> Path:
    """``datasets/external/``: one folder per third-party set."""
    return paths.datasets_dir() / "external"


def list_sources() -> list[str]:
    """Names of the pinned third-party sets."""
    return sorted(p.parent.name for p in external_dir().glob("*/datapackage.json"))


def read_descriptor(name: str) -> dict[str, Any]:
    """The parsed ``datapackage.json`` of a third-party set."""
    path = external_dir() / name / "datapackage.json"
    if not path.is_file():
        raise DataError(
            f"no third-party source named {name!r}",
            dataset=name,
            hint=f"use one of: {', '.join(list_sources()) or 'none'}",
        )
    return _read_descriptor(path, dataset=name)


def resource_names(name: str) -> list[str]:
    return [r["name"] for r in read_descriptor(name).get("resources", [])]


def fetch_resource(
    name: str, resource: str | None = None, *, offline: bool | None = None, mirror: str | Path | None = None
) -> FetchResult:
    """Make sure the pinned bytes of one resource are in the cache (verified); say where they came from."""
    name, res = _resource(name, resource)
    return fetch(res["path"], sha256=res.get("hash"), offline=offline, mirror=mirror)


def load(
    name: str,
    resource: str | None = None,
    *,
    offline: bool | None = None,
    mirror: str | Path | None = None,
    constraints: bool = True,
) -> pl.DataFrame:
    """One resource of a pinned third-party set as a typed polars frame.

    ``name`` may be ``"acsac-pakistan/tor-relay-users"``. ``offline=True`` uses only the cache
    and the mirror (``mirror=`` or ``CLAIMAUDIT_MIRROR``); the default follows
    ``CLAIMAUDIT_OFFLINE``. Raises :class:`~claimaudit.errors.NotAvailableError` when the file
    cannot be had, :class:`~claimaudit.errors.DataError` when it cannot be read.
    """
    name, res = _resource(name, resource)
    got = fetch(res["path"], sha256=res.get("hash"), offline=offline, mirror=mirror)
    fields = res.get("schema", {}).get("fields", [])
    shown = f"{res['path']} (cached at {got.path})"
    try:
        if res.get("format", "csv") == "json":
            return read_json_records(got.path, fields, shown=shown, key=res.get("claimaudit:json_records"))
        return read_csv(
            got.path, fields, shown=shown, drop=res.get("claimaudit:drop_columns", []), constraints=constraints
        )
    except DataError as exc:
        exc.dataset = exc.dataset or f"{name}/{res['name']}"
        raise type(exc)(
            exc.problem, dataset=exc.dataset, file=exc.file, line=exc.line, column=exc.column, hint=exc.hint
        ) from None


def describe(name: str) -> dict[str, Any]:
    """Provenance of a third-party set: URLs, sha256, licences, citation, and per resource when
    and from where (``mirror`` / ``network``) its bytes entered the cache (None if never fetched).
    """
    descriptor = read_descriptor(name)
    cached = manifest_entries()  # read once, not once per resource
    resources = []
    for res in descriptor.get("resources", []):
        entry = cached.get(res["path"]) or {}
        resources.append(
            {
                "name": res["name"],
                "url": res["path"],
                "sha256": str(res.get("hash", "")).removeprefix("sha256:") or None,
                "bytes": res.get("bytes"),
                "commit": res.get("claimaudit:commit"),
                "as_of": res.get("claimaudit:as_of"),
                "hash_verification": res.get("claimaudit:hash_verification"),
                "retrieved_at": entry.get("retrieved_at"),
                "origin": entry.get("origin"),
            }
        )
    return {
        "name": descriptor.get("name", name),
        "title": descriptor.get("title"),
        "description": descriptor.get("description"),
        "licenses": descriptor.get("licenses", []),
        "sources": descriptor.get("sources", []),
        "citation": descriptor.get("citation"),
        "resources": resources,
    }


def _resource(name: str, resource: str | None) -> tuple[str, dict[str, Any]]:
    if resource is None and "/" in name:
        name, resource = name.split("/", 1)
    found = read_descriptor(name).get("resources", [])
    if resource is None:
        if len(found) == 1:
            return name, found[0]
        raise DataError(
            "this source has several resources; name one",
            dataset=name,
            hint=f"resources: {', '.join(r['name'] for r in found)}",
        )
    for res in found:
        if res["name"] == resource:
            return name, res
    raise DataError(
        f"no resource named {resource!r}", dataset=name, hint=f"resources: {', '.join(r['name'] for r in found)}"
    )
