"""The one datapackage reader and schema typer, for our datasets and the pinned third-party sets.

>>> import polars as pl
>>> text = pl.DataFrame({"n": ["844008", None, "-3"], LINE: [2, 3, 4]})
>>> type_frame(text, [{"name": "n", "type": "integer"}], shown="x.csv")["n"].to_list()
[844008, None, -3]
>>> type_frame(pl.DataFrame({"n": ["1e400"], LINE: [2]}), [{"name": "n", "type": "number"}], shown="x.csv")
Traceback (most recent call last):
claimaudit.errors.DataError: file x.csv, line 2, column 'n': '1e400' is not a number ...

* :func:`read_descriptor` reads a ``datapackage.json`` and validates it against the Frictionless
  data-package profile (with the ``frictionless`` package) before anything indexes into it, so a
  descriptor that is valid JSON but not a data package is a :class:`DataError` naming the key.
* :func:`parse_csv` reads CSV text strictly (UTF-8, field counts, quoting) with the file line of
  every record, into a frame of text columns.
* :func:`type_frame` types those text columns with polars expressions (never a Python loop over
  cells) and enforces the schema's ``constraints``: ``required``, ``unique``, ``enum``,
  ``minimum`` / ``maximum``, ``minLength`` / ``maxLength`` and ``pattern``.

Numbers are ASCII digits with an optional sign and decimal point (``844008``, ``-3``, ``84.72``):
no exponent, ``inf``/``nan``, separators, underscores or other scripts' digits. Dates are
``YYYY-MM-DD``. Each field has a clean snake_case ``name`` and, when the publisher's header
differs, the original in ``claimaudit:source_name``. Types: string, integer, year, number, date,
datetime (UTC), boolean, array (JSON only: a polars list of ``claimaudit:item_type``).
Every error names the file, line (CSV) or record (JSON) and column, and says what to do.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import math
import sys
from pathlib import Path
from typing import Any

import polars as pl

from claimaudit.errors import DataError

__all__ = [
    "LINE",
    "SCALAR_TYPES",
    "dtype_of",
    "parse_csv",
    "read_csv",
    "read_descriptor",
    "read_json_records",
    "records_frame",
    "type_frame",
    "validate_descriptor",
]

#: The column holding each row's file line (CSV) or record number (JSON) while typing.
LINE = "__line__"

SCALAR_TYPES: dict[str, pl.DataType] = {
    "string": pl.String(),
    "integer": pl.Int64(),
    "number": pl.Float64(),
    "date": pl.Date(),
    "datetime": pl.Datetime("us", "UTC"),
    "boolean": pl.Boolean(),
    "year": pl.Int64(),
}

_INTEGER = r"^[+-]?[0-9]+$"
_NUMBER = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$"
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_DATETIME = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[+-]00:?00)?$"
_TRUE = ["true", "True", "TRUE", "1"]
_FALSE = ["false", "False", "FALSE", "0"]
_EXPECTED = {
    "integer": "a whole number (ASCII digits, optional sign, no separators: 844008)",
    "year": "a year (2024)",
    "number": "a number (ASCII digits, optional sign and decimal point, no exponent or separators: 84.72)",
    "date": "a date as YYYY-MM-DD",
    "datetime": "an ISO 8601 timestamp in UTC (2024-11-13T09:30:00Z)",
    "boolean": "true or false",
}


def dtype_of(field: dict[str, Any]) -> pl.DataType:
    """The polars type of a schema field."""
    kind = field.get("type", "string")
    if kind == "array":
        item = field.get("claimaudit:item_type", "string")
        if item not in SCALAR_TYPES:
            raise DataError(
                f"array item type {item!r} is not supported",
                column=field.get("name"),
                hint=f"use one of: {', '.join(SCALAR_TYPES)} in claimaudit:item_type of datapackage.json",
            )
        return pl.List(SCALAR_TYPES[item])
    if kind not in SCALAR_TYPES:
        raise DataError(
            f"schema type {kind!r} is not supported",
            column=field.get("name"),
            hint=f"use one of: {', '.join([*SCALAR_TYPES, 'array'])} in datapackage.json",
        )
    return SCALAR_TYPES[kind]


# --------------------------------------------------------------------------- descriptors


def read_descriptor(path: Path, *, dataset: str | None = None, shown: str | None = None) -> dict[str, Any]:
    """Parse and validate one ``datapackage.json`` (see :func:`validate_descriptor`)."""
    shown = shown or str(path)
    try:
        descriptor = json.loads(path.read_text(encoding="utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError, RecursionError) as exc:
        raise DataError(
            f"datapackage.json is not valid JSON: {_short(exc)}",
            dataset=dataset,
            file=shown,
            line=getattr(exc, "lineno", None),
            hint="fix the JSON syntax (a linter such as `python -m json.tool` shows where)",
        ) from None
    validate_descriptor(descriptor, dataset=dataset, shown=shown)
    return descriptor


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


_VALID: set[str] = set()  # descriptors (as JSON text) already validated in this process


def validate_descriptor(descriptor: Any, *, dataset: str | None = None, shown: str | None = None) -> None:
    """Refuse a descriptor that is not a Frictionless data package, or that we cannot type.

    Validates against the data-package profile with ``frictionless`` (resources a list of
    objects with ``name`` and ``path``, ``schema.fields`` a list of objects with ``name``,
    ``constraints`` of the right types, ...), then checks what the profile allows but the loaders
    need: a string ``path`` and ``name`` per resource and a supported ``type`` per field.

    Importing frictionless and its first validation cost ~0.3 s per process, and every process of
    a run (and every notebook in a warm kernel) reads the same descriptors, so a descriptor that
    frictionless found valid is remembered (:func:`_frictionless_memo`): in memory, and on disk
    under the cache folder keyed by the sha256 of its canonical JSON and the validators'
    versions. Only "no errors" is remembered; a descriptor with errors is validated every time,
    and our own checks below always run.
    """
    text = _canonical(descriptor)
    key = text if text is not None else json.dumps(descriptor, sort_keys=True, default=str)
    if key in _VALID:
        return
    hint = "fix datapackage.json (see https://specs.frictionlessdata.io/data-package/ and docs/data-model.md)"
    if not isinstance(descriptor, dict):
        raise DataError(
            f"datapackage.json must be a JSON object, found {type(descriptor).__name__}",
            dataset=dataset,
            file=shown,
            hint=hint,
        )
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        raise DataError(
            "`resources` must be a non-empty list of resources",
            dataset=dataset,
            file=shown,
            column="resources",
            hint=hint,
        )
    memo = _frictionless_memo(text) if text is not None else None
    if memo is None or not memo.is_file():
        errors = _frictionless_errors(descriptor)
        if errors:
            where, note = errors[0]
            more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
            raise DataError(
                f"not a valid data package: {note}{more}", dataset=dataset, file=shown, column=where, hint=hint
            )
        if memo is not None:
            _remember(memo)
    for index, resource in enumerate(resources):
        where = f"resources[{index}]"
        for prop in ("name", "path"):
            if not isinstance(resource.get(prop), str) or not resource[prop]:
                raise DataError(
                    f"{where} needs a `{prop}` (a non-empty string)",
                    dataset=dataset,
                    file=shown,
                    column=f"{where}.{prop}",
                    hint=hint,
                )
        fields = (resource.get("schema") or {}).get("fields", [])
        for number, field in enumerate(fields):
            try:
                dtype_of(field)
            except DataError as exc:
                raise DataError(
                    f"{where}.schema.fields[{number}]: {exc.problem}",
                    dataset=dataset,
                    file=shown,
                    column=field.get("name"),
                    hint=exc.hint,
                ) from None
    _VALID.add(key)


#: bump when what a memo file asserts changes (it asserts: frictionless reported no error)
_MEMO_FORMAT = 1


def _canonical(descriptor: Any) -> str | None:
    """The descriptor as canonical JSON text (sorted keys), or None when it holds anything JSON
    cannot carry (then it is never remembered on disk)."""
    try:
        return json.dumps(descriptor, sort_keys=True, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return None


@functools.cache
def _validators() -> str:
    """The installed versions of what validates a descriptor (without importing them)."""
    from importlib import metadata

    versions = []
    for package in ("frictionless", "jsonschema"):
        try:
            versions.append(f"{package}=={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package}==?")
    return " ".join(versions)


def _frictionless_memo(text: str) -> Path | None:
    """The file that says frictionless found no error in the descriptor ``text``:
    ``<cache>/descriptors/<sha256 of format, validators' versions and text>.json``."""
    from claimaudit import paths

    digest = hashlib.sha256(f"{_MEMO_FORMAT}\n{_validators()}\n{text}".encode()).hexdigest()
    try:
        return paths.cache_dir() / "descriptors" / f"{digest}.json"
    except OSError:  # an unusable CLAIMAUDIT_CACHE only costs the validation
        return None


def _remember(memo: Path) -> None:
    """Write the memo atomically (the staged-write helper); a read-only or unusable cache folder
    only means the next process validates again."""
    from claimaudit._io import write_text_atomic

    try:
        write_text_atomic(memo, json.dumps({"valid": True, "validators": _validators()}) + "\n")
    except OSError:
        pass


def _frictionless_errors(descriptor: dict[str, Any]) -> list[tuple[str | None, str]]:
    # jsonschema (used by frictionless) imports rfc3987_syntax when it is installed, which compiles
    # dozens of grammars at import (seconds). Data-package profiles need no IRI format checks.
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from frictionless import Package

        report = Package.validate_descriptor(descriptor)
    if report.valid:
        return []
    found = [*report.errors, *(e for task in report.tasks for e in task.errors)]
    out = []
    for error in found:
        note = getattr(error, "note", None) or getattr(error, "message", str(error))
        where = None
        if " at property '" in note:
            where = note.rsplit(" at property '", 1)[1].rstrip("'")
        out.append((where, note))
    return out


# --------------------------------------------------------------------------- CSV


def parse_csv(
    raw: bytes,
    *,
    shown: str,
    dataset: str | None = None,
    expected: list[str],
    ordered: bool = True,
    drop: list[str] | tuple[str, ...] = (),
    delimiter: str = ",",
    hint: str = "restore the file from git",
) -> pl.DataFrame:
    """Strictly parse CSV bytes into text columns (empty cells null) plus :data:`LINE`.

    ``expected`` are the header names the schema wants; ``ordered`` requires exactly that header
    in that order (our datasets), otherwise any order, with ``drop`` columns allowed and removed
    (third-party files).
    """
    text = _decode(raw, dataset, shown)
    if not text.strip():
        raise DataError("file is empty", dataset=dataset, file=shown, hint=hint)
    if not text.endswith("\n"):
        raise DataError(
            "file does not end with a newline: it may be truncated",
            dataset=dataset,
            file=shown,
            line=text.count("\n") + 1,
            hint="compare with git (`git diff`) or re-fetch; restore the missing rows",
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except csv.Error as exc:
        raise DataError(f"unreadable header: {exc}", dataset=dataset, file=shown, line=1, hint=hint) from None
    _check_header(header, expected, ordered=ordered, drop=drop, dataset=dataset, shown=shown)
    columns: list[list[str | None]] = [[] for _ in header]
    lines: list[int] = []
    start = reader.line_num + 1
    width = len(header)
    try:
        for record in reader:
            if len(record) != width:
                raise DataError(
                    f"expected {width} fields, found {len(record)}"
                    + (" (the file may be truncated)" if len(record) < width else ""),
                    dataset=dataset,
                    file=shown,
                    line=start,
                    column=header[len(record)] if len(record) < width else None,
                    hint="check quoting on this line: a field containing a comma must be in double quotes",
                )
            for column, cell in zip(columns, record, strict=True):
                column.append(cell if cell != "" else None)
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise DataError(
            f"malformed CSV ({exc}); an unterminated quote often means a truncated file",
            dataset=dataset,
            file=shown,
            line=start,
            hint="close the quote, or " + hint,
        ) from None
    kept = [(name, values) for name, values in zip(header, columns, strict=True) if name not in drop]
    return pl.DataFrame(
        [pl.Series(name, values, dtype=pl.String) for name, values in kept] + [pl.Series(LINE, lines, dtype=pl.Int64)]
    )


def _check_header(
    header: list[str], expected: list[str], *, ordered: bool, drop: Any, dataset: str | None, shown: str
) -> None:
    if LINE in header:
        raise DataError(f"a column may not be named {LINE!r}", dataset=dataset, file=shown, line=1)
    duplicated = sorted({c for c in header if header.count(c) > 1})
    missing = [c for c in expected if c not in header]
    extra = [c for c in header if c not in expected and c not in drop]
    if ordered and not (missing or extra or duplicated) and header == expected:
        return
    if not ordered and not (missing or extra or duplicated):
        return
    detail = []
    if missing:
        detail.append(f"missing columns {missing}")
    if extra:
        detail.append(f"unexpected columns {extra}")
    if duplicated:
        detail.append(f"repeated columns {duplicated}")
    if not detail:
        detail.append(f"columns out of order; expected {expected}")
    raise DataError(
        "header does not match the schema: " + "; ".join(detail),
        dataset=dataset,
        file=shown,
        line=1,
        hint="make the header match datapackage.json (or change the schema on purpose); "
        "for a third-party file, check its datapackage.json pin",
    )


def _decode(raw: bytes, dataset: str | None, shown: str) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DataError(
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at character {col} of the line)",
            dataset=dataset,
            file=shown,
            line=line,
            hint="save the file as UTF-8 (for example `iconv -f cp1252 -t utf-8`)",
        ) from None
    if "\x00" in text:
        at = text.index("\x00")
        raise DataError(
            "the file contains a NUL byte (binary data, not CSV text)",
            dataset=dataset,
            file=shown,
            line=text.count("\n", 0, at) + 1,
            hint="restore the file from git or re-fetch it",
        )
    return text.removeprefix("\ufeff")


def read_csv(
    path: Path,
    fields: list[dict[str, Any]],
    *,
    shown: str,
    drop: list[str] | tuple[str, ...] = (),
    dataset: str | None = None,
    ordered: bool = False,
    constraints: bool = True,
    raw: bytes | None = None,
) -> pl.DataFrame:
    """Read a CSV as text, check its header against the schema, rename and type the columns."""
    raw = path.read_bytes() if raw is None else raw
    sources = [f.get("claimaudit:source_name", f["name"]) for f in fields]
    text = parse_csv(
        raw,
        shown=shown,
        dataset=dataset,
        expected=sources,
        ordered=ordered,
        drop=drop,
        hint="restore it from git" if ordered else "re-fetch the file (`claimaudit fetch`)",
    )
    text = text.select([pl.col(src).alias(f["name"]) for src, f in zip(sources, fields, strict=True)] + [pl.col(LINE)])
    return type_frame(text, fields, shown=shown, dataset=dataset, constraints=constraints)


# --------------------------------------------------------------------------- typing


def type_frame(
    text: pl.DataFrame,
    fields: list[dict[str, Any]],
    *,
    shown: str,
    dataset: str | None = None,
    unit: str = "line",
    constraints: bool = True,
) -> pl.DataFrame:
    """Type text columns (null = empty cell) by the schema; refuse the first cell that does not
    parse or breaks a constraint, naming its line (or record) and column. Drops :data:`LINE`."""
    if LINE not in text.columns:
        text = text.with_row_index(LINE, offset=1 if unit == "record" else 2).with_columns(pl.col(LINE).cast(pl.Int64))
    exprs = []
    for field in fields:
        name, kind = field["name"], field.get("type", "string")
        dtype_of(field)
        if kind == "array":
            raise DataError(
                "array fields can only be read from JSON records",
                dataset=dataset,
                file=shown,
                column=name,
                hint="give this field a scalar type (e.g. string) in datapackage.json",
            )
        exprs.append(_parse(pl.col(name), field).alias(name))
    typed = text.select(*exprs, pl.col(LINE))
    for field in fields:
        name, kind = field["name"], field.get("type", "string")
        if kind != "string":
            bad = text[name].is_not_null() & typed[name].is_null()
            if bad.any():
                i = int(bad.arg_true()[0])
                _fail(
                    f"{_cell(text[name][i])} is not {_EXPECTED[kind]}",
                    text,
                    i,
                    name,
                    shown,
                    dataset,
                    unit,
                    "fix the cell; figures are typed exactly as the source prints them, without separators"
                    if unit == "line"
                    else "the publisher's format may have changed; check the file and its datapackage.json",
                )
    if constraints:
        check_constraints(typed, fields, shown=shown, dataset=dataset, unit=unit, text=text)
    return typed.drop(LINE)


def _parse(col: pl.Expr, field: dict[str, Any]) -> pl.Expr:
    kind = field.get("type", "string")
    if kind == "string":
        return col
    if kind in ("integer", "year"):
        ok = col.str.contains(_INTEGER)
        return pl.when(ok).then(col.str.strip_prefix("+").cast(pl.Int64, strict=False)).otherwise(None)
    if kind == "number":
        ok = col.str.contains(_NUMBER)
        return pl.when(ok).then(col.str.strip_prefix("+").cast(pl.Float64, strict=False)).otherwise(None)
    if kind == "date":
        ok = col.str.contains(_DATE)
        return pl.when(ok).then(col.str.to_date("%Y-%m-%d", strict=False)).otherwise(None)
    if kind == "datetime":
        ok = col.str.contains(_DATETIME)
        clean = (
            col.str.replace(r"(Z|[+-]00:?00)$", "")
            .str.replace(" ", "T")
            .str.replace(r"^(\S+T[0-9]{2}:[0-9]{2})$", "${1}:00")
        )
        parsed = clean.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f", strict=False, time_unit="us").dt.replace_time_zone("UTC")
        return pl.when(ok).then(parsed).otherwise(None)
    if kind == "boolean":
        true = list(field.get("trueValues", _TRUE))
        false = list(field.get("falseValues", _FALSE))
        mapping = {**{v: True for v in true}, **{v: False for v in false}}
        return col.replace_strict(mapping, default=None, return_dtype=pl.Boolean)
    raise AssertionError(kind)  # dtype_of refused it


def check_constraints(
    typed: pl.DataFrame,
    fields: list[dict[str, Any]],
    *,
    shown: str,
    dataset: str | None = None,
    unit: str = "line",
    text: pl.DataFrame | None = None,
) -> None:
    """Refuse the first row breaking a field's ``constraints`` (``typed`` has :data:`LINE`)."""
    text = typed if text is None else text
    for field in fields:
        name, kind = field["name"], field.get("type", "string")
        rules = field.get("constraints") or {}
        col = typed[name]
        hint = "fix the cell (the allowed values are in the field's constraints in datapackage.json)"
        if kind == "number":
            bad = col.is_not_null() & ~col.is_finite()
            if bad.any():
                i = int(bad.arg_true()[0])
                _fail(f"{_cell(text[name][i])} is not a finite number", text, i, name, shown, dataset, unit, hint)
        if rules.get("required"):
            bad = col.is_null()
            if bad.any():
                _fail(
                    "this cell is required and is empty",
                    text,
                    int(bad.arg_true()[0]),
                    name,
                    shown,
                    dataset,
                    unit,
                    "fill it in (the field is required in datapackage.json)",
                )
        present = col.is_not_null()
        if "enum" in rules and kind != "array":
            allowed = _typed_values(rules["enum"], field)
            bad = present & ~col.is_in(allowed)
            if bad.any():
                i = int(bad.arg_true()[0])
                shown_allowed = ", ".join(map(str, rules["enum"][:12])) + (" …" if len(rules["enum"]) > 12 else "")
                _fail(
                    f"{_cell(text[name][i])} is not an allowed value",
                    text,
                    i,
                    name,
                    shown,
                    dataset,
                    unit,
                    f"use one of: {shown_allowed}",
                )
        for key, op in (("minimum", "lt"), ("maximum", "gt")):
            if key in rules and kind in ("integer", "year", "number", "date", "datetime"):
                bound = _typed_values([rules[key]], field)[0]
                bad = present & (col < bound if op == "lt" else col > bound)
                if bad.any():
                    i = int(bad.arg_true()[0])
                    word = "below the minimum" if op == "lt" else "above the maximum"
                    _fail(f"{_cell(text[name][i])} is {word} {rules[key]}", text, i, name, shown, dataset, unit, hint)
        if kind == "string":
            for key, op in (("minLength", "lt"), ("maxLength", "gt")):
                if key in rules:
                    lengths = col.str.len_chars()
                    bad = present & (lengths < rules[key] if op == "lt" else lengths > rules[key])
                    if bad.any():
                        i = int(bad.arg_true()[0])
                        _fail(
                            f"{_cell(text[name][i])} is {'shorter' if op == 'lt' else 'longer'} than {key} "
                            f"{rules[key]}",
                            text,
                            i,
                            name,
                            shown,
                            dataset,
                            unit,
                            hint,
                        )
            if "pattern" in rules:
                try:
                    matches = col.str.contains(f"^(?:{rules['pattern']})$")
                except pl.exceptions.PolarsError as exc:
                    raise DataError(
                        f"the pattern constraint is not a valid regular expression: {_short(exc)}",
                        dataset=dataset,
                        file=shown,
                        column=name,
                        hint="fix it in datapackage.json",
                    ) from None
                bad = present & ~matches
                if bad.any():
                    i = int(bad.arg_true()[0])
                    _fail(
                        f"{_cell(text[name][i])} does not match the pattern {rules['pattern']}",
                        text,
                        i,
                        name,
                        shown,
                        dataset,
                        unit,
                        hint,
                    )
        if rules.get("unique"):
            bad = present & col.is_duplicated()
            if bad.any():
                rows = bad.arg_true()
                first, second = int(rows[0]), int(rows[1]) if len(rows) > 1 else int(rows[0])
                value = col[first]
                later = next((int(r) for r in rows[1:] if col[int(r)] == value), second)
                _fail(
                    f"{_cell(text[name][later])} is a duplicate: the value must be unique (first at "
                    f"{unit} {int(typed[LINE][first])})",
                    text,
                    later,
                    name,
                    shown,
                    dataset,
                    unit,
                    "remove or correct the duplicate row",
                )


def _typed_values(values: list[Any], field: dict[str, Any]) -> list[Any]:
    kind = field.get("type", "string")
    if kind in ("date", "datetime"):
        frame = type_frame(
            pl.DataFrame({"v": [str(v) for v in values]}),
            [{"name": "v", "type": kind}],
            shown="datapackage.json",
            constraints=False,
        )
        return frame["v"].to_list()
    if kind == "string":
        return [str(v) for v in values]
    return list(values)


def _fail(
    problem: str, text: pl.DataFrame, index: int, column: str, shown: str, dataset: str | None, unit: str, hint: str
) -> None:
    number = int(text[LINE][index])
    if unit == "record":
        raise DataError(f"record {number}: {problem}", dataset=dataset, file=shown, column=column, hint=hint)
    raise DataError(problem, dataset=dataset, file=shown, line=number, column=column, hint=hint)


def _cell(value: Any, limit: int = 60) -> str:
    """A cell as shown in an error: quoted, and cut short when long (never the whole value)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…'"


def _short(exc: BaseException, limit: int = 200) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- JSON records


def read_json_records(path: Path, fields: list[dict[str, Any]], *, shown: str, key: str | None) -> pl.DataFrame:
    """Read a JSON document holding a list of records (at ``key``), one row per record."""
    try:
        data = json.loads(path.read_bytes(), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError, RecursionError) as exc:
        raise DataError(
            f"not valid JSON ({_short(exc)})",
            file=shown,
            line=getattr(exc, "lineno", None),
            hint="re-fetch the file (`claimaudit fetch`)",
        ) from None
    return records_frame(data[key] if key and isinstance(data, dict) and key in data else data, fields, shown=shown)


def records_frame(records: Any, fields: list[dict[str, Any]], *, shown: str) -> pl.DataFrame:
    """A typed frame from a list of JSON objects; unknown keys are dropped, missing ones null.

    Dates and timestamps arrive as strings and are parsed as in CSV; numbers must be finite.
    """
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise DataError("expected a list of JSON objects", file=shown, hint="check the URL and re-fetch")
    columns: dict[str, pl.Series] = {}
    for field in fields:
        source = field.get("claimaudit:source_name", field["name"])
        dtype = dtype_of(field)
        values = [r.get(source) for r in records]
        if field.get("type") in ("date", "datetime"):
            bad = next((i for i, v in enumerate(values) if v is not None and not isinstance(v, str)), None)
            if bad is not None:
                raise DataError(
                    f"record {bad + 1}: {_cell(values[bad])} is not {_EXPECTED[field['type']]}",
                    file=shown,
                    column=field["name"],
                    hint="the publisher's format may have changed",
                )
            text = pl.DataFrame({field["name"]: pl.Series(values, dtype=pl.String)})
            series = type_frame(text, [field], shown=shown, unit="record", constraints=False)[field["name"]]
        else:
            try:
                series = pl.Series(field["name"], values, dtype=dtype, strict=True)
            except (TypeError, OverflowError, pl.exceptions.PolarsError):
                bad = next(i for i, v in enumerate(values) if not _fits(v, dtype))
                raise DataError(
                    f"record {bad + 1}: {_cell(values[bad])} is not of type {field.get('type')}",
                    file=shown,
                    column=field["name"],
                    hint="the publisher's format may have changed",
                ) from None
            if dtype == pl.Float64:
                nonfinite = next(
                    (i for i, v in enumerate(values) if isinstance(v, float) and not math.isfinite(v)), None
                )
                if nonfinite is not None:
                    raise DataError(
                        f"record {nonfinite + 1}: {values[nonfinite]!r} is not a finite number",
                        file=shown,
                        column=field["name"],
                        hint="the publisher's format may have changed",
                    )
        columns[field["name"]] = series
    return pl.DataFrame(columns)


def _fits(value: Any, dtype: pl.DataType) -> bool:
    try:
        pl.Series([value], dtype=dtype, strict=True)
        return True
    except (TypeError, OverflowError, pl.exceptions.PolarsError):
        return False
