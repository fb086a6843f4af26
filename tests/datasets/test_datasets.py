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
    'synthetic-b,,100183,,false\n'
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
