"""Turn a third-party file into a typed polars frame, following a Frictionless field list.

Each field has a clean snake_case ``name`` and, when the publisher's header differs, the original
in ``claimaudit:source_name``. Types: string, integer, number, date, datetime (UTC), boolean,
array (a polars list of ``claimaudit:item_type``). A cell that does not parse raises
:class:`~claimaudit.errors.DataError` naming the file, line (CSV) or record (JSON) and column.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import polars as pl

from claimaudit.datasets._datasets import _POLARS_TYPES as _SCALARS
from claimaudit.errors import DataError

def dtype_of(field: dict[str, Any]) -> pl.DataType:
    """The polars type of a schema field (the same type map as our own datasets)."""
    kind = field.get("type", "string")
    if kind == "array":
        item = field.get("claimaudit:item_type", "string")
        if item not in _SCALARS:
            raise DataError(f"array item type {item!r} is not supported", column=field.get("name"),
                            hint=f"use one of: {', '.join(_SCALARS)} in claimaudit:item_type of datapackage.json")
        return pl.List(_SCALARS[item])
    if kind not in _SCALARS:
        raise DataError(f"schema type {kind!r} is not supported", column=field.get("name"),
                        hint=f"use one of: {', '.join([*_SCALARS, 'array'])} in datapackage.json")
    return _SCALARS[kind]


def read_csv(path: Path, fields: list[dict[str, Any]], *, shown: str, drop: list[str] = ()) -> pl.DataFrame:
    """Read a CSV as text, check its header against the schema, rename and type the columns."""
    raw = path.read_bytes()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError("not valid UTF-8", file=shown, line=line, hint="re-fetch the file") from None
    if not raw.strip():
        raise DataError("file is empty", file=shown, hint="re-fetch the file (`claimaudit fetch`)")
    try:
        frame = pl.read_csv(raw, infer_schema=False, encoding="utf8")
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as exc:
        raise DataError(f"not a readable CSV: {str(exc).splitlines()[0]}", file=shown,
                        hint="re-fetch the file; a truncated download often ends in an open quote") from None
    return _apply_schema(frame, fields, shown=shown, drop=list(drop), first_line=2, unit="line")


def read_json_records(path: Path, fields: list[dict[str, Any]], *, shown: str, key: str | None) -> pl.DataFrame:
    """Read a JSON document holding a list of records (at ``key``), one row per record."""
    try:
        data = json.loads(path.read_bytes())
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError(f"not valid JSON ({exc})", file=shown, line=getattr(exc, "lineno", None),
                        hint="re-fetch the file (`claimaudit fetch`)") from None
    return records_frame(data[key] if key and isinstance(data, dict) and key in data else data,
                         fields, shown=shown)


def records_frame(records: Any, fields: list[dict[str, Any]], *, shown: str) -> pl.DataFrame:
    """A typed frame from a list of JSON objects; unknown keys are dropped, missing ones null."""
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise DataError("expected a list of JSON objects", file=shown, hint="check the URL and re-fetch")
    columns: dict[str, pl.Series] = {}
    for field in fields:
        source = field.get("claimaudit:source_name", field["name"])
        dtype = dtype_of(field)
        values = [r.get(source) for r in records]
        if field.get("type") in ("date", "datetime"):
            series = pl.Series(field["name"], [None if v is None else str(v) for v in values], dtype=pl.String)
            series = _parse_temporal(series.to_frame(), field["name"], field["type"]).to_series()
            _report_failures(pl.Series(values, dtype=pl.String, strict=False), series, field["name"], shown, 1, "record")
        else:
            try:
                series = pl.Series(field["name"], values, dtype=dtype, strict=True)
            except (TypeError, pl.exceptions.PolarsError):
                bad = next(i for i, v in enumerate(values) if not _fits(v, dtype))
                raise DataError(f"{values[bad]!r} is not of type {field.get('type')}", file=shown,
                                line=None, column=field["name"],
                                hint=f"record {bad + 1}: the publisher's format may have changed") from None
        columns[field["name"]] = series
    return pl.DataFrame(columns)


def _fits(value: Any, dtype: pl.DataType) -> bool:
    try:
        pl.Series([value], dtype=dtype, strict=True)
        return True
    except (TypeError, pl.exceptions.PolarsError):
        return False


def _apply_schema(
    frame: pl.DataFrame, fields: list[dict[str, Any]], *, shown: str, drop: list[str], first_line: int, unit: str
) -> pl.DataFrame:
    wanted = {f.get("claimaudit:source_name", f["name"]): f for f in fields}
    missing = [c for c in wanted if c not in frame.columns]
    extra = [c for c in frame.columns if c not in wanted and c not in drop]
    if missing or extra:
        detail = "; ".join(
            part for part in (f"missing columns {missing}" if missing else "",
                              f"unexpected columns {extra}" if extra else "") if part
        )
        raise DataError(f"header does not match the schema: {detail}", file=shown, line=1,
                        hint="the publisher's file changed: check its datapackage.json pin")
    text = frame.select([pl.col(src).alias(f["name"]) for src, f in wanted.items()])
    typed = text
    for field in fields:
        name, kind = field["name"], field.get("type", "string")
        if kind == "string":
            continue
        if kind == "array":
            raise DataError("array fields can only be read from JSON records", file=shown, column=name,
                            hint="give this field a scalar type (e.g. string) in datapackage.json")
        if kind in ("date", "datetime"):
            typed = _parse_temporal(typed, name, kind)
        elif kind == "boolean":
            typed = typed.with_columns(pl.col(name).str.to_lowercase().replace_strict(
                {"true": True, "false": False}, default=None, return_dtype=pl.Boolean))
        else:
            typed = typed.with_columns(pl.col(name).str.strip_chars().cast(dtype_of(field), strict=False))
        _report_failures(text[name], typed[name], name, shown, first_line, unit)
    return typed


def _parse_temporal(frame: pl.DataFrame, name: str, kind: str) -> pl.DataFrame:
    col = pl.col(name).str.strip_chars()
    if kind == "date":
        return frame.with_columns(col.str.to_date("%Y-%m-%d", strict=False))
    return frame.with_columns(
        col.str.replace(r"Z$", "").str.replace(" ", "T")
        .str.to_datetime("%Y-%m-%dT%H:%M:%S%.f", strict=False, time_unit="us")
        .dt.replace_time_zone("UTC")
    )


def _report_failures(original: pl.Series, typed: pl.Series, column: str, shown: str, first_line: int, unit: str) -> None:
    failed = (original.is_not_null() & (original.cast(pl.String).str.strip_chars() != "") & typed.is_null())
    if failed.any():
        index = int(failed.arg_true()[0])
        raise DataError(
            f"{original[index]!r} does not parse as {typed.dtype}" + (f" ({unit} {index + first_line})" if unit == "record" else ""),
            file=shown,
            line=index + first_line if unit == "line" else None,
            column=column,
            hint="the publisher's format may have changed; check the file and its datapackage.json",
        )
