"""The curated-dataset loader: typing from the schema, sha256 checks, and precise errors."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from claimaudit import datasets
from claimaudit.errors import DataError, IntegrityError

FIELDS = [
    {"name": "item_id", "type": "string"},
    {"name": "seen_on", "type": "date"},
    {"name": "count", "type": "integer"},
    {"name": "share", "type": "number"},
    {"name": "flag", "type": "boolean"},
]

GOOD = (
    "item_id,seen_on,count,share,flag\n"
    "synthetic-a,2024-11-13,844008,84.72,true\n"
    "synthetic-b,,100183,,false\n"
    '"synthetic-c, quoted",2024-12-16,0,0.5,\n'
)


def make_package(root: Path, text: str | bytes, *, name: str = "synthetic_items", stamp: bool = True) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    data = text.encode("utf-8") if isinstance(text, str) else text
    (folder / "items.csv").write_bytes(data)
    descriptor = {
        "name": name,
        "resources": [
            {"name": name, "path": "items.csv", "format": "csv", "schema": {"fields": FIELDS}},
        ],
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    if stamp:
        datasets.stamp([name], root=root)
    return folder


def test_load_types_columns_from_schema(tmp_path: Path) -> None:
    make_package(tmp_path, GOOD)
    frame = datasets.load("synthetic_items", root=tmp_path)
    assert frame.schema == pl.Schema(
        {
            "item_id": pl.String,
            "seen_on": pl.Date,
            "count": pl.Int64,
            "share": pl.Float64,
            "flag": pl.Boolean,
        }
    )
    assert frame["count"].to_list() == [844008, 100183, 0]
    assert frame["seen_on"].to_list() == [dt.date(2024, 11, 13), None, dt.date(2024, 12, 16)]
    assert frame["item_id"][2] == "synthetic-c, quoted"
    assert frame["flag"].to_list() == [True, False, None]


def test_stamp_records_hash_and_size(tmp_path: Path) -> None:
    folder = make_package(tmp_path, GOOD)
    resource = json.loads((folder / "datapackage.json").read_text())["resources"][0]
    assert resource["hash"].startswith("sha256:") and len(resource["hash"]) == 7 + 64
    assert resource["bytes"] == len(GOOD.encode())
    assert datasets.stamp(["synthetic_items"], root=tmp_path) == []  # nothing changed


def test_hash_mismatch_names_file_and_says_how_to_restamp(tmp_path: Path) -> None:
    folder = make_package(tmp_path, GOOD)
    (folder / "items.csv").write_text(GOOD.replace("844008", "844009"), encoding="utf-8")
    with pytest.raises(IntegrityError) as info:
        datasets.load("synthetic_items", root=tmp_path)
    message = str(info.value)
    assert "items.csv" in message and "sha256 mismatch" in message
    assert "claimaudit datasets stamp synthetic_items" in message


def test_missing_hash_is_an_error(tmp_path: Path) -> None:
    make_package(tmp_path, GOOD, stamp=False)
    with pytest.raises(IntegrityError, match="no sha256"):
        datasets.load("synthetic_items", root=tmp_path)


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        (GOOD.replace("844008", '"844,008"'), 2, "count", "whole number"),
        (GOOD.replace("2024-12-16", "16/12/2024"), 4, "seen_on", "YYYY-MM-DD"),
        (GOOD.replace(",false", ",maybe"), 3, "flag", "true or false"),
        (GOOD.replace("84.72", "84.72%"), 2, "share", "number"),
    ],
)
def test_wrong_type_names_line_and_column(tmp_path: Path, text: str, line: int, column: str, fragment: str) -> None:
    make_package(tmp_path, text)
    with pytest.raises(DataError) as info:
        datasets.load("synthetic_items", root=tmp_path)
    err = info.value
    assert (err.line, err.column) == (line, column)
    assert fragment in str(err) and "items.csv" in str(err) and "synthetic_items" in str(err)


def test_truncated_file_is_reported(tmp_path: Path) -> None:
    make_package(tmp_path, GOOD[: GOOD.index("0.5")])
    with pytest.raises(DataError, match="truncated"):
        datasets.load("synthetic_items", root=tmp_path)


def test_short_row_is_reported_with_line(tmp_path: Path) -> None:
    make_package(tmp_path, GOOD + "synthetic-d,2024-01-01\n")
    with pytest.raises(DataError) as info:
        datasets.load("synthetic_items", root=tmp_path)
    assert info.value.line == 5 and info.value.column == "count"


def test_unterminated_quote_is_reported(tmp_path: Path) -> None:
    make_package(tmp_path, GOOD + '"synthetic-e,2024-01-01,1,1,true\n')
    with pytest.raises(DataError, match="quote"):
        datasets.load("synthetic_items", root=tmp_path)


def test_wrong_encoding_names_line(tmp_path: Path) -> None:
    make_package(tmp_path, GOOD.replace("synthetic-b", "synthetic-\u00e9").encode("cp1252"))
    with pytest.raises(DataError) as info:
        datasets.load("synthetic_items", root=tmp_path)
    assert info.value.line == 3 and "UTF-8" in str(info.value)


def test_header_mismatch_lists_missing_columns(tmp_path: Path) -> None:
    make_package(tmp_path, GOOD.replace("share,", "portion,", 1))
    with pytest.raises(DataError) as info:
        datasets.load("synthetic_items", root=tmp_path)
    assert info.value.line == 1 and "share" in str(info.value) and "portion" in str(info.value)


def test_unknown_dataset_lists_known_ones(tmp_path: Path) -> None:
    make_package(tmp_path, GOOD)
    with pytest.raises(DataError, match="synthetic_items"):
        datasets.load("nope", root=tmp_path)


def test_load_does_not_return_shared_state(tmp_path: Path) -> None:
    make_package(tmp_path, GOOD)
    first = datasets.load("synthetic_items", root=tmp_path)
    first = first.with_columns(pl.lit(0).alias("count"))
    assert datasets.load("synthetic_items", root=tmp_path)["count"][0] == 844008


def test_shipped_datasets_load_and_verify() -> None:
    names = datasets.list_datasets()
    assert {"baselines", "claims", "events", "signals"} <= set(names)
    for name in names:
        for resource, frame in datasets.load_package(name).items():
            assert frame.height > 0, f"{name}/{resource} is empty"


def test_cli_list_shows_rows_and_sha256(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from claimaudit.cli import app

    folder = make_package(tmp_path, GOOD)
    monkeypatch.setenv("CLAIMAUDIT_DATASETS", str(tmp_path))
    digest = json.loads((folder / "datapackage.json").read_text())["resources"][0]["hash"].removeprefix("sha256:")
    result = CliRunner().invoke(app, ["datasets", "list"])
    assert result.exit_code == 0
    assert result.output.strip() == f"synthetic_items/synthetic_items\t3 rows\tsha256 {digest}"


def test_cli_stamp_reports_what_it_rewrote(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from claimaudit.cli import app

    folder = make_package(tmp_path, GOOD)
    monkeypatch.setenv("CLAIMAUDIT_DATASETS", str(tmp_path))
    assert "already up to date" in CliRunner().invoke(app, ["datasets", "stamp"]).output
    (folder / "items.csv").write_text(GOOD + "synthetic-d,2024-01-01,1,1,true\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["datasets", "stamp", "synthetic_items"])
    assert result.exit_code == 0 and "stamped" in result.output
    assert datasets.load("synthetic_items", root=tmp_path).height == 4


# --------------------------------------------------------------------------- issue 13: strict cells


@pytest.mark.parametrize(
    ("old", "new", "line", "column"),
    [
        ("84.72", "1e400", 2, "share"),
        ("84.72", "inf", 2, "share"),
        ("84.72", "nan", 2, "share"),
        ("84.72", "-Infinity", 2, "share"),
        ("84.72", "1e30", 2, "share"),
        ("844008", "\u0661\u0660\u0660", 2, "count"),  # Arabic-Indic digits
        ("844008", "769_870", 2, "count"),
        ("84.72", "769_870", 2, "share"),
        ("844008", " 844008", 2, "count"),
        ("844008", "1e3", 2, "count"),
        ("844008", "99999999999999999999999", 2, "count"),
        ("84.72", "\u0968\u0966", 2, "share"),  # Devanagari digits
        ("2024-11-13", "2018-W42-5", 2, "seen_on"),
        ("2024-11-13", "20241113", 2, "seen_on"),
        ("2024-11-13", "2024-02-30", 2, "seen_on"),
        ("2024-11-13", "\u0662\u0660\u0662\u0664-11-13", 2, "seen_on"),
        ("2024-12-16", "2024-12-16T00:00", 4, "seen_on"),
    ],
)
def test_lenient_numbers_and_dates_are_refused_naming_the_cell(
    tmp_path: Path, old: str, new: str, line: int, column: str
) -> None:
    make_package(tmp_path, GOOD.replace(old, new, 1))
    with pytest.raises(DataError) as info:
        datasets.load("synthetic_items", root=tmp_path)
    err = info.value
    assert (err.line, err.column, err.file) == (line, column, str(tmp_path / "synthetic_items" / "items.csv"))
    assert repr(new) in str(err) or repr(new)[:50] in str(err)


@pytest.mark.parametrize("value", ["-3", "+3", "0", "-0.5", ".5", "3.", "+84.72"])
def test_plain_signed_and_decimal_numbers_are_numbers(tmp_path: Path, value: str) -> None:
    make_package(tmp_path, GOOD.replace("84.72", value, 1))
    assert datasets.load("synthetic_items", root=tmp_path)["share"][0] == float(value)


CONSTRAINED = [
    {"name": "item_id", "type": "string", "constraints": {"required": True, "unique": True, "pattern": "[a-z0-9-]+"}},
    {"name": "seen_on", "type": "date", "constraints": {"minimum": "2018-01-01", "maximum": "2025-12-31"}},
    {"name": "count", "type": "integer", "constraints": {"minimum": 0}},
    {"name": "share", "type": "number", "constraints": {"maximum": 100}},
    {"name": "flag", "type": "boolean"},
    {"name": "kind", "type": "string", "constraints": {"enum": ["count", "ratio"]}},
]
CONSTRAINED_GOOD = (
    "item_id,seen_on,count,share,flag,kind\n"
    "synthetic-a,2024-11-13,844008,84.72,true,count\n"
    "synthetic-b,,100183,,false,\n"
    "synthetic-c,2024-12-16,0,0.5,,ratio\n"
)


def _constrained(root: Path, text: str) -> None:
    folder = root / "synthetic_items"
    folder.mkdir(parents=True)
    (folder / "items.csv").write_text(text, encoding="utf-8")
    descriptor = {
        "name": "synthetic_items",
        "resources": [{"name": "synthetic_items", "path": "items.csv", "schema": {"fields": CONSTRAINED}}],
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    datasets.stamp(["synthetic_items"], root=root)


@pytest.mark.parametrize(
    ("old", "new", "line", "column", "says"),
    [
        ("synthetic-c,", "synthetic-a,", 4, "item_id", "duplicate"),
        ("synthetic-b,", ",", 3, "item_id", "required"),
        ("synthetic-b,", "Synthetic B,", 3, "item_id", "pattern"),
        ("2024-12-16", "2031-01-01", 4, "seen_on", "maximum"),
        ("2024-12-16", "2017-12-31", 4, "seen_on", "minimum"),
        (",100183,", ",-1,", 3, "count", "minimum"),
        ("84.72", "100.5", 2, "share", "maximum"),
        (",ratio", ",ratios", 4, "kind", "allowed"),
    ],
)
def test_schema_constraints_are_enforced_with_line_and_column(
    tmp_path: Path, old: str, new: str, line: int, column: str, says: str
) -> None:
    _constrained(tmp_path, CONSTRAINED_GOOD)
    assert datasets.load("synthetic_items", root=tmp_path).height == 3
    for child in (tmp_path / "synthetic_items").iterdir():
        child.unlink()
    (tmp_path / "synthetic_items").rmdir()
    _constrained(tmp_path, CONSTRAINED_GOOD.replace(old, new, 1))
    with pytest.raises(DataError) as info:
        datasets.load("synthetic_items", root=tmp_path)
    assert (info.value.line, info.value.column) == (line, column)
    assert says in str(info.value)
    # the quality suites load without constraints, to report every failing row themselves
    assert datasets.load("synthetic_items", root=tmp_path, constraints=False).height == 3


@pytest.mark.parametrize(
    ("descriptor", "says"),
    [
        ([], "JSON object"),
        ({"name": "x", "resources": "claims.csv"}, "resources"),
        ({"name": "x", "resources": [{"name": "x", "schema": {"fields": []}}]}, "path"),
        ({"name": "x", "resources": [{"name": "x", "path": "items.csv", "schema": {"fields": "item_id"}}]}, "fields"),
        (
            {
                "name": "x",
                "resources": [{"name": "x", "path": "items.csv", "schema": {"fields": [{"type": "string"}]}}],
            },
            "name",
        ),
        (
            {
                "name": "x",
                "resources": [
                    {
                        "name": "x",
                        "path": "items.csv",
                        "schema": {"fields": [{"name": "a", "constraints": {"enum": "a"}}]},
                    }
                ],
            },
            "enum",
        ),
        ({"name": "x", "resources": [{"name": "x", "path": 3}]}, "path"),
        ({"name": "x", "resources": [{"path": "items.csv"}]}, "name"),
    ],
)
def test_a_broken_but_valid_json_descriptor_is_a_data_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, descriptor: object, says: str
) -> None:
    make_package(tmp_path, GOOD)
    path = tmp_path / "synthetic_items" / "datapackage.json"
    path.write_text(json.dumps(descriptor), encoding="utf-8")
    with pytest.raises(DataError) as info:
        datasets.load("synthetic_items", root=tmp_path)
    assert str(path) in str(info.value) and says in str(info.value)
    # and every command that reads descriptors says so with exit 2, not a traceback
    from typer.testing import CliRunner

    from claimaudit.cli import app

    monkeypatch.setenv("CLAIMAUDIT_DATASETS", str(tmp_path))
    for args in (["datasets", "list"], ["datasets", "stamp"], ["check", "--out", str(tmp_path / "out")]):
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 2, (args, result.output, result.exception)
        assert "datapackage.json" in result.output, (args, result.output)


# --------------------------------------------------------------------------- the validation memo

BROKEN_FIELDS = {"name": "x", "resources": [{"name": "x", "path": "items.csv", "schema": {"fields": "item_id"}}]}


def _counting_frictionless(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Count the real frictionless validations (and forget what this process validated)."""
    from claimaudit.datasets import _typed

    calls: list[object] = []
    real = _typed._frictionless_errors

    def counted(descriptor: dict) -> list:
        calls.append(descriptor)
        return real(descriptor)

    monkeypatch.setattr(_typed, "_frictionless_errors", counted)
    monkeypatch.setattr(_typed, "_VALID", set())
    return calls


def _memo_files(cache: Path) -> list[Path]:
    return sorted((cache / "descriptors").glob("*.json")) if (cache / "descriptors").is_dir() else []


def test_a_valid_descriptor_is_validated_once_and_remembered_on_disk(
    tmp_path: Path, isolated_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimaudit.datasets import _typed

    make_package(tmp_path, GOOD)
    # stamping validated the unstamped descriptor (and remembered it) unless an earlier test in this
    # process already had: count only what reading the stamped descriptor adds
    before = set(_memo_files(isolated_cache))
    calls = _counting_frictionless(monkeypatch)
    first = datasets.read_package("synthetic_items", root=tmp_path).descriptor
    assert len(calls) == 1 and len(set(_memo_files(isolated_cache)) - before) == 1
    # a new process (empty in-memory memo) finds the memo on disk: frictionless is not run again,
    # and the descriptor read is the same
    monkeypatch.setattr(_typed, "_VALID", set())
    again = datasets.read_package("synthetic_items", root=tmp_path).descriptor
    assert again == first and len(calls) == 1
    assert datasets.load("synthetic_items", root=tmp_path)["count"].to_list() == [844008, 100183, 0]
    # the memo is keyed by the validators' versions too: another frictionless validates again
    monkeypatch.setattr(_typed, "_VALID", set())
    monkeypatch.setattr(_typed, "_validators", lambda: "frictionless==0.0.0 jsonschema==0.0.0")
    datasets.read_package("synthetic_items", root=tmp_path)
    assert len(calls) == 2 and len(set(_memo_files(isolated_cache)) - before) == 2


def test_a_changed_descriptor_is_validated_again(
    tmp_path: Path, isolated_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = make_package(tmp_path, GOOD)
    calls = _counting_frictionless(monkeypatch)
    datasets.read_package("synthetic_items", root=tmp_path)
    descriptor = json.loads((folder / "datapackage.json").read_text())
    descriptor["resources"][0]["schema"]["fields"][0]["constraints"] = {"required": True}
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    datasets.read_package("synthetic_items", root=tmp_path)
    assert len(calls) == 2 and calls[1] == descriptor
    # into something frictionless refuses: refused, although an earlier version was remembered
    descriptor["resources"][0]["schema"]["fields"] = "item_id"
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    with pytest.raises(DataError, match="not a valid data package"):
        datasets.read_package("synthetic_items", root=tmp_path)


def test_a_broken_descriptor_is_never_remembered_and_says_the_same_each_time(
    tmp_path: Path, isolated_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimaudit.datasets import _typed

    path = tmp_path / "datapackage.json"
    path.write_text(json.dumps(BROKEN_FIELDS), encoding="utf-8")
    calls = _counting_frictionless(monkeypatch)
    said = []
    for _ in range(2):
        with pytest.raises(DataError) as info:
            _typed.read_descriptor(path, dataset="x")
        said.append((str(info.value), info.value.file, info.value.column))
    assert len(calls) == 2 and said[0] == said[1]
    assert said[0][2] == "fields" and "not a valid data package" in said[0][0] and str(path) in said[0][0]
    assert _memo_files(isolated_cache) == []
    # the same message as a validation that never looks at a memo (the memo is off for it)
    monkeypatch.setattr(_typed, "_frictionless_memo", lambda text: None)
    with pytest.raises(DataError) as plain:
        _typed.read_descriptor(path, dataset="x")
    assert (str(plain.value), plain.value.file, plain.value.column) == said[0]


def test_the_memo_does_not_skip_our_own_checks(
    tmp_path: Path, isolated_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claimaudit.datasets import _typed

    monkeypatch.setattr(_typed, "_VALID", set())  # not validated by an earlier test in this process
    descriptor = {"name": "x", "resources": [{"name": "x", "path": "items.csv", "schema": {"fields": FIELDS}}]}
    _typed.validate_descriptor(descriptor)
    assert len(_memo_files(isolated_cache)) == 1
    # frictionless accepts an unknown field type; we do not, memo or not
    odd = json.loads(json.dumps(descriptor))
    odd["resources"][0]["schema"]["fields"][0]["type"] = "geopoint"
    for _ in range(2):
        with pytest.raises(DataError, match="geopoint"):
            _typed.validate_descriptor(odd)


@pytest.mark.parametrize("cache_kind", ["missing", "unusable"])
def test_validation_works_without_a_usable_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_kind: str
) -> None:
    from claimaudit.datasets import _typed

    if cache_kind == "missing":
        cache = tmp_path / "not" / "yet" / "cache"
    else:  # a folder below a regular file can never be made (read-only for root too)
        (tmp_path / "a-file").write_text("not a folder\n", encoding="utf-8")
        cache = tmp_path / "a-file" / "cache"
    monkeypatch.setenv("CLAIMAUDIT_CACHE", str(cache))
    make_package(tmp_path / "data", GOOD)
    before = set(_memo_files(cache))  # what stamping remembered, if this process had not validated it yet
    calls = _counting_frictionless(monkeypatch)
    assert datasets.load("synthetic_items", root=tmp_path / "data").height == 3
    assert len(calls) == 1
    assert (len(set(_memo_files(cache)) - before) == 1) is (cache_kind == "missing")
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(BROKEN_FIELDS), encoding="utf-8")
    with pytest.raises(DataError, match="not a valid data package") as info:
        _typed.read_descriptor(path)
    assert info.value.column == "fields"
