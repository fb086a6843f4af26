"""Our own curated datasets: read, type and hash-check them from their ``datapackage.json``.

>>> claims = load("claims")                      # doctest: +SKIP
>>> claims.schema["statement_date"]              # doctest: +SKIP
Date

Each dataset lives in ``datasets/<name>/`` as CSV described by a Frictionless data package.
:func:`load` verifies the file's sha256 against the package, parses it strictly (UTF-8,
field counts, types) and returns a polars frame typed from the schema. Errors name the
dataset, file, line and column. After a deliberate edit, re-stamp with
``claimaudit datasets stamp``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from claimaudit import paths
from claimaudit._io import sha256_file, write_text_atomic
from claimaudit.datasets._typed import SCALAR_TYPES, parse_csv, read_descriptor, type_frame
from claimaudit.errors import DataError, IntegrityError

__all__ = [
    "Package",
    "inventory",
    "list_datasets",
    "load",
    "load_package",
    "read_package",
    "stamp",
]

_POLARS_TYPES: dict[str, pl.DataType] = SCALAR_TYPES  # kept for callers of the old name


@dataclass(frozen=True)
class Package:
    """A parsed ``datapackage.json``: its folder and its descriptor."""

    name: str
    folder: Path
    descriptor: dict[str, Any]

    @property
    def descriptor_path(self) -> Path:
        return self.folder / "datapackage.json"

    def resource(self, name: str | None = None) -> dict[str, Any]:
        resources = self.descriptor.get("resources", [])
        if name is None:
            matching = [r for r in resources if r.get("name") == self.name] or resources[:1]
        else:
            matching = [r for r in resources if r.get("name") == name]
        if not matching:
            known = ", ".join(r.get("name", "?") for r in resources)
            raise DataError(
                f"no resource named {name!r} (resources: {known})",
                dataset=self.name,
                file=self.descriptor_path,
            )
        return matching[0]

    def is_local(self, resource: dict[str, Any]) -> bool:
        path = str(resource.get("path", ""))
        return not path.startswith(("http://", "https://"))


def list_datasets(root: Path | None = None) -> list[str]:
    """Names of the curated datasets (folders under ``datasets/`` with local resources)."""
    root = root or paths.datasets_dir()
    names = []
    for descriptor in sorted(root.glob("*/datapackage.json")):
        package = read_package(descriptor.parent.name, root=root)
        if any(package.is_local(r) for r in package.descriptor.get("resources", [])):
            names.append(descriptor.parent.name)
    return names


def inventory(*, root: Path | None = None) -> pl.DataFrame:
    """One row per local resource of every curated dataset: rows, columns and stamped sha256.

    Loading each resource verifies its hash, so a listed sha256 is one the file really has.
    """
    rows = []
    for name in list_datasets(root):
        package = read_package(name, root=root)
        for resource, frame in load_package(name, root=root).items():
            rows.append(
                {
                    "dataset": name,
                    "resource": resource,
                    "rows": frame.height,
                    "columns": frame.width,
                    "sha256": str(package.resource(resource).get("hash", "")).removeprefix("sha256:"),
                }
            )
    schema = {"dataset": pl.String, "resource": pl.String, "rows": pl.Int64, "columns": pl.Int64, "sha256": pl.String}
    return pl.DataFrame(rows, schema=schema)


def read_package(name: str, *, root: Path | None = None) -> Package:
    """Read ``datasets/<name>/datapackage.json``."""
    root = root or paths.datasets_dir()
    folder = root / name
    descriptor_path = folder / "datapackage.json"
    if not descriptor_path.is_file():
        known = ", ".join(list_datasets(root)) if root.is_dir() else "none"
        raise DataError(
            f"no datapackage.json in {folder}",
            dataset=name,
            hint=f"use one of: {known}",
        )
    descriptor = read_descriptor(descriptor_path, dataset=name, shown=_shown(descriptor_path))
    return Package(name=name, folder=folder, descriptor=descriptor)


def load(
    name: str, resource: str | None = None, *, root: Path | None = None, verify: bool = True, constraints: bool = True
) -> pl.DataFrame:
    """Load one resource of a curated dataset as a typed polars frame.

    ``name`` may be ``"claims"`` or ``"claims/sources"`` (dataset/resource). The schema's
    constraints (required, unique, enum, minimum/maximum, pattern) are enforced unless
    ``constraints=False`` (the quality suites load that way, to report every failing row).
    """
    if resource is None and "/" in name:
        name, resource = name.split("/", 1)
    package = read_package(name, root=root)
    return _load_resource(package, package.resource(resource), verify=verify, constraints=constraints)


def load_package(
    name: str, *, root: Path | None = None, verify: bool = True, constraints: bool = True
) -> dict[str, pl.DataFrame]:
    """Every local resource of a dataset, by resource name."""
    package = read_package(name, root=root)
    return {
        r["name"]: _load_resource(package, r, verify=verify, constraints=constraints)
        for r in package.descriptor.get("resources", [])
        if package.is_local(r)
    }


def stamp(names: Iterable[str] | None = None, *, root: Path | None = None) -> list[Path]:
    """Record each local resource's sha256 and size in its ``datapackage.json``.

    Run after a deliberate edit of a dataset file. Returns the descriptors rewritten.
    """
    root = root or paths.datasets_dir()
    names = list(names) if names else list_datasets(root)
    written = []
    for name in names:
        package = read_package(name, root=root)
        changed = False
        for res in package.descriptor.get("resources", []):
            if not package.is_local(res):
                continue
            file = package.folder / res["path"]
            if not file.is_file():
                raise DataError("file listed in datapackage.json is missing", dataset=name, file=file)
            digest = f"sha256:{sha256_file(file)}"
            size = file.stat().st_size
            if res.get("hash") != digest or res.get("bytes") != size:
                res["hash"], res["bytes"] = digest, size
                changed = True
        if changed:
            write_text_atomic(
                package.descriptor_path,
                json.dumps(package.descriptor, indent=2, ensure_ascii=False) + "\n",
            )
            written.append(package.descriptor_path)
    return written


# --------------------------------------------------------------------------- internals


def _load_resource(
    package: Package, resource: dict[str, Any], *, verify: bool, constraints: bool = True
) -> pl.DataFrame:
    rel = resource.get("path")
    if not package.is_local(resource):
        raise DataError(
            f"resource {resource.get('name')!r} is remote ({rel}); load it with claimaudit.datasets.sources",
            dataset=package.name,
            file=package.descriptor_path,
        )
    file = package.folder / rel
    shown = _shown(file)
    if not file.is_file():
        raise DataError(
            "file listed in datapackage.json is missing",
            dataset=package.name,
            file=shown,
            hint="restore it from git (`git checkout -- <file>`) or fix the resource path",
        )
    raw = file.read_bytes()
    if verify:
        expected = str(resource.get("hash", "")).removeprefix("sha256:")
        if not expected:
            raise IntegrityError(
                "datapackage.json records no sha256 for this file",
                dataset=package.name,
                file=shown,
                hint=f"run `claimaudit datasets stamp {package.name}`",
            )
        import hashlib

        actual = hashlib.sha256(raw).hexdigest()
        if actual != expected:
            raise IntegrityError(
                f"sha256 mismatch: datapackage.json says {expected[:12]}…, the file is {actual[:12]}…"
                " (the file changed since it was stamped)",
                dataset=package.name,
                file=shown,
                hint=(
                    "if you edited the file on purpose, review the change and run "
                    f"`claimaudit datasets stamp {package.name}`; otherwise restore it with git"
                ),
            )
    fields = (resource.get("schema") or {}).get("fields", [])
    delimiter = (resource.get("dialect") or {}).get("delimiter", ",")
    text = parse_csv(
        raw, shown=shown, dataset=package.name, expected=[f["name"] for f in fields], ordered=True, delimiter=delimiter
    )
    return type_frame(text, fields, shown=shown, dataset=package.name, constraints=constraints)


def _shown(file: Path) -> str:
    try:
        return str(file.relative_to(paths.project_root()))
    except ValueError:
        return str(file)
