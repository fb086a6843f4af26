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

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from claimaudit import paths
from claimaudit._io import sha256_file, write_text_atomic
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

_POLARS_TYPES: dict[str, pl.DataType] = {
    "string": pl.String(),
    "integer": pl.Int64(),
    "number": pl.Float64(),
    "date": pl.Date(),
    "datetime": pl.Datetime("us", "UTC"),
    "boolean": pl.Boolean(),
    "year": pl.Int64(),
}

_TRUE = {"true", "True", "TRUE", "1", "yes"}
_FALSE = {"false", "False", "FALSE", "0", "no"}


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
            rows.append({
                "dataset": name,
                "resource": resource,
                "rows": frame.height,
                "columns": frame.width,
                "sha256": str(package.resource(resource).get("hash", "")).removeprefix("sha256:"),
            })
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
    try:
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise DataError(
            f"datapackage.json is not valid JSON: {exc}",
            dataset=name,
            file=descriptor_path,
            line=line,
            hint="fix the JSON syntax (a linter such as `python -m json.tool` shows where)",
        ) from None
    return Package(name=name, folder=folder, descriptor=descriptor)


def load(name: str, resource: str | None = None, *, root: Path | None = None, verify: bool = True) -> pl.DataFrame:
    """Load one resource of a curated dataset as a typed polars frame.

    ``name`` may be ``"claims"`` or ``"claims/sources"`` (dataset/resource).
    """
    if resource is None and "/" in name:
        name, resource = name.split("/", 1)
    package = read_package(name, root=root)
    return _load_resource(package, package.resource(resource), verify=verify)


def load_package(name: str, *, root: Path | None = None, verify: bool = True) -> dict[str, pl.DataFrame]:
    """Every local resource of a dataset, by resource name."""
    package = read_package(name, root=root)
    return {
        r["name"]: _load_resource(package, r, verify=verify)
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


def _load_resource(package: Package, resource: dict[str, Any], *, verify: bool) -> pl.DataFrame:
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
    text = _decode(raw, package.name, shown)
    fields = resource.get("schema", {}).get("fields", [])
    rows = _parse_csv(text, fields, package.name, shown, resource.get("dialect", {}))
    return _typed_frame(rows, fields, package.name, shown)


def _shown(file: Path) -> str:
    try:
        return str(file.relative_to(paths.project_root()))
    except ValueError:
        return str(file)


def _decode(raw: bytes, dataset: str, file: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DataError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at character {col} of the line)",
            dataset=dataset,
            file=file,
            line=line,
            hint="save the file as UTF-8 (for example `iconv -f cp1252 -t utf-8`)",
        ) from None
    return text.removeprefix("\ufeff")


def _parse_csv(
    text: str, fields: list[dict[str, Any]], dataset: str, file: str, dialect: dict[str, Any]
) -> list[tuple[int, list[str]]]:
    if not text.strip():
        raise DataError("file is empty", dataset=dataset, file=file, hint="restore it from git")
    if not text.endswith("\n"):
        raise DataError(
            "file does not end with a newline: it may be truncated",
            dataset=dataset,
            file=file,
            line=text.count("\n") + 1,
            hint="compare with git (`git diff`) and restore the missing rows",
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=dialect.get("delimiter", ","), strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise DataError(f"unreadable header: {exc}", dataset=dataset, file=file, line=1) from None
    expected = [f["name"] for f in fields]
    if header != expected:
        missing = [c for c in expected if c not in header]
        extra = [c for c in header if c not in expected]
        detail = []
        if missing:
            detail.append(f"missing columns {missing}")
        if extra:
            detail.append(f"unexpected columns {extra}")
        if not detail:
            detail.append(f"columns out of order; expected {expected}")
        raise DataError(
            "header does not match the schema: " + "; ".join(detail),
            dataset=dataset,
            file=file,
            line=1,
            hint="make the header match datapackage.json (or change the schema on purpose)",
        )
    rows: list[tuple[int, list[str]]] = []
    start = 2
    try:
        for record in reader:
            if len(record) != len(header):
                raise DataError(
                    f"expected {len(header)} fields, found {len(record)}"
                    + (" (the file may be truncated)" if len(record) < len(header) else ""),
                    dataset=dataset,
                    file=file,
                    line=start,
                    column=header[len(record)] if len(record) < len(header) else None,
                    hint="check quoting on this line: a field containing a comma must be in double quotes",
                )
            rows.append((start, record))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DataError(
            f"malformed CSV ({exc}); an unterminated quote often means a truncated file",
            dataset=dataset,
            file=file,
            line=start,
            hint="close the quote or restore the file from git",
        ) from None
    return rows


def _typed_frame(
    rows: list[tuple[int, list[str]]], fields: list[dict[str, Any]], dataset: str, file: str
) -> pl.DataFrame:
    columns: dict[str, pl.Series] = {}
    for index, field in enumerate(fields):
        name = field["name"]
        ftype = field.get("type", "string")
        dtype = _POLARS_TYPES.get(ftype)
        if dtype is None:
            raise DataError(f"schema type {ftype!r} is not supported", dataset=dataset, column=name)
        values = []
        for line, record in rows:
            cell = record[index]
            values.append(None if cell == "" else _convert(cell, ftype, dataset, file, line, name))
        columns[name] = pl.Series(name, values, dtype=dtype)
    return pl.DataFrame(columns)


def _convert(cell: str, ftype: str, dataset: str, file: str, line: int, column: str) -> Any:
    import datetime as dt

    try:
        if ftype == "string":
            return cell
        if ftype in ("integer", "year"):
            if cell.strip() != cell or not cell.lstrip("-").isdigit():
                raise ValueError
            return int(cell)
        if ftype == "number":
            if cell.strip() != cell or "," in cell:
                raise ValueError
            return float(cell)
        if ftype == "date":
            return dt.date.fromisoformat(cell) if len(cell) == 10 else _bad()
        if ftype == "datetime":
            return dt.datetime.fromisoformat(cell.replace("Z", "+00:00"))
        if ftype == "boolean":
            if cell in _TRUE:
                return True
            if cell in _FALSE:
                return False
            raise ValueError
    except ValueError:
        pass
    expected = {
        "integer": "a whole number without separators (844008)",
        "year": "a year (2024)",
        "number": "a number without thousands separators (844008 or 84.72)",
        "date": "a date as YYYY-MM-DD",
        "datetime": "an ISO 8601 timestamp",
        "boolean": "true or false",
    }[ftype]
    raise DataError(
        f"{cell!r} is not {expected}",
        dataset=dataset,
        file=file,
        line=line,
        column=column,
        hint="fix the cell; figures are typed exactly as the source prints them, without separators",
    )


def _bad() -> None:
    raise ValueError
