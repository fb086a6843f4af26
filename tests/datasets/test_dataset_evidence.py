"""The evidence datasets (signals, baselines, events): typed, valid, consistent with the data model.

Each rule is a small function that returns the offending rows, so the same rule is run on the
real dataset (must find nothing) and on a synthetic frame built to break it (must find the row):
a rule that can never fire would otherwise pass silently.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import frictionless
import polars as pl
import pytest

from claimaudit import datasets, paths

EVIDENCE = ["signals", "baselines", "events"]

DATE_COLUMNS = {
    "signals": ["event_date", "event_date_end", "publication_date"],
    "baselines": ["as_of", "publication_date"],
    "events": ["start_date", "end_date", "publication_date"],
}
PRECISION_OF = {
    "signals": [("event_date", "date_precision"), ("publication_date", "publication_date_precision")],
    "baselines": [("as_of", "date_precision"), ("publication_date", "publication_date_precision")],
    "events": [("start_date", "date_precision"), ("publication_date", "publication_date_precision")],
}
PERIODS = {"signals": ("event_date", "event_date_end"), "events": ("start_date", "end_date")}


@pytest.fixture(scope="module")
def frames() -> dict[str, pl.DataFrame]:
    return {name: datasets.load(name) for name in EVIDENCE}


# --------------------------------------------------------------------------- rules


def ranges_inverted(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows whose lower figure exceeds the upper one (value > value_high)."""
    return frame.filter(pl.col("value") > pl.col("value_high"))


def periods_inverted(frame: pl.DataFrame, start: str, end: str) -> pl.DataFrame:
    return frame.filter(pl.col(end) < pl.col(start))


def precision_mismatches(frame: pl.DataFrame, date: str, precision: str) -> pl.DataFrame:
    """Rows breaking the date-precision convention of docs/data-model.md.

    A null date goes with ``unknown`` and only with it; a ``month`` date is the 1st; a ``year``
    date is 1 January.
    """
    is_null = pl.col(date).is_null()
    unknown = pl.col(precision) == "unknown"
    month_off = (pl.col(precision) == "month") & (pl.col(date).dt.day() != 1)
    year_off = (pl.col(precision) == "year") & ((pl.col(date).dt.day() != 1) | (pl.col(date).dt.month() != 1))
    return frame.filter((is_null != unknown) | month_off | year_off)


def frictionless_errors(descriptor: Path) -> list[list]:
    report = frictionless.validate(str(descriptor))
    return [] if report.valid else report.flatten(["rowNumber", "fieldName", "type", "note"])


# --------------------------------------------------------------------------- loading and typing


@pytest.mark.parametrize("name", EVIDENCE)
def test_dataset_loads_with_date_columns_typed_as_dates(frames, name):
    frame = frames[name]
    assert frame.height > 0
    for column in DATE_COLUMNS[name]:
        assert frame.schema[column] == pl.Date, f"{name}.{column} is {frame.schema[column]}"


def test_figures_are_numbers_and_annotate_is_boolean(frames):
    assert frames["signals"].schema["value"] == pl.Float64
    assert frames["signals"].schema["value_high"] == pl.Float64
    assert frames["baselines"].schema["value"] == pl.Float64
    assert frames["events"].schema["annotate"] == pl.Boolean


@pytest.mark.parametrize("name", EVIDENCE)
def test_frictionless_validates_the_package(name):
    descriptor = paths.datasets_dir() / name / "datapackage.json"
    errors = frictionless_errors(descriptor)
    assert errors == [], f"{descriptor}: {errors[:5]}"


def test_frictionless_check_rejects_a_tampered_copy(tmp_path):
    folder = tmp_path / "signals"
    shutil.copytree(paths.datasets_dir() / "signals", folder)
    csv = folder / "signals.csv"
    # synthetic corruption: an evidence kind outside the enum (and a changed hash)
    text = csv.read_text(encoding="utf-8").replace(",media_report,", ",synthetic_kind,", 1)
    csv.write_text(text, encoding="utf-8")
    errors = frictionless_errors(folder / "datapackage.json")
    assert any(error[2] == "constraint-error" for error in errors), errors


# --------------------------------------------------------------------------- key evidence rows


def test_ooni_x_finding_is_present_with_its_networks_and_url(frames):
    signals = frames["signals"]
    x = signals.filter(
        (pl.col("observer") == "OONI")
        & (pl.col("event_date") == dt.date(2024, 2, 17))
        & pl.col("finding").str.contains("x.com")
    )
    assert x.height == 1
    row = x.row(0, named=True)
    assert "AS17557" in row["networks"].split(";")
    assert row["source_url"] == "https://explorer.ooni.org/findings/255040833200"
    assert row["evidence_kind"] == "direct_measurement"
    assert row["subject"] == "platform_block"


def test_top10vpn_213_percent_on_26_november_is_present_with_its_url(frames):
    rows = frames["signals"].filter(
        (pl.col("observer") == "Top10VPN") & (pl.col("event_date") == dt.date(2024, 11, 26)) & (pl.col("value") == 213)
    )
    assert rows.height == 1
    row = rows.row(0, named=True)
    assert row["source_url"] == (
        "https://www.thenews.com.pk/latest/1255191-vpn-demand-soars-amid-stricter-social-media-controls-in-pakistan"
    )
    assert row["unit"] == "percent"
    assert row["evidence_kind"] == "media_report"


def test_every_ooni_finding_is_a_direct_measurement_on_explorer(frames):
    ooni = frames["signals"].filter(pl.col("observer") == "OONI")
    assert ooni.height == 6
    assert ooni["evidence_kind"].unique().to_list() == ["direct_measurement"]
    assert ooni["source_url"].str.starts_with("https://explorer.ooni.org/findings/").all()
    assert ooni["outlet"].unique().to_list() == ["OONI Explorer"]


def test_the_seven_chart_events_are_annotated(frames):
    annotated = frames["events"].filter(pl.col("annotate"))
    starts = set(annotated["start_date"].to_list())
    expected = {
        dt.date(2024, 2, 17),
        dt.date(2024, 2, 8),
        dt.date(2024, 11, 10),
        dt.date(2024, 11, 13),
        dt.date(2024, 11, 15),
        dt.date(2024, 11, 23),
        dt.date(2024, 11, 30),
    }
    assert starts == expected
    protest = annotated.filter(pl.col("start_date") == dt.date(2024, 11, 23))
    assert protest["end_date"].to_list() == [dt.date(2024, 11, 27)]
    assert protest["kind"].to_list() == ["shutdown"]


# --------------------------------------------------------------------------- consistency rules


def test_no_range_has_its_lower_end_above_the_upper(frames):
    both = frames["signals"].filter(pl.col("value").is_not_null() & pl.col("value_high").is_not_null())
    assert both.height >= 1  # the Surfshark 300-400% range
    assert ranges_inverted(frames["signals"]).height == 0


def test_range_rule_flags_a_synthetic_inverted_range():
    synthetic = pl.DataFrame(
        {"signal_id": ["synthetic-a", "synthetic-b"], "value": [400.0, 300.0], "value_high": [300.0, None]}
    )
    assert ranges_inverted(synthetic)["signal_id"].to_list() == ["synthetic-a"]


@pytest.mark.parametrize("name", ["signals", "events"])
def test_no_period_ends_before_it_starts(frames, name):
    start, end = PERIODS[name]
    assert periods_inverted(frames[name], start, end).height == 0


@pytest.mark.parametrize("name", EVIDENCE)
def test_dates_follow_the_precision_convention(frames, name):
    for date, precision in PRECISION_OF[name]:
        bad = precision_mismatches(frames[name], date, precision)
        assert bad.height == 0, f"{name}.{date}: {bad.head(3)}"


def test_precision_rule_flags_synthetic_breaches():
    synthetic = pl.DataFrame(
        {
            "id": ["synthetic-ok", "synthetic-null-day", "synthetic-month-15", "synthetic-dated-unknown"],
            "d": [dt.date(2024, 2, 1), None, dt.date(2024, 2, 15), dt.date(2024, 2, 1)],
            "p": ["month", "day", "month", "unknown"],
        }
    )
    flagged = precision_mismatches(synthetic, "d", "p")["id"].to_list()
    assert flagged == ["synthetic-null-day", "synthetic-month-15", "synthetic-dated-unknown"]


# --------------------------------------------------------------------------- the contract


def contract_enums(dataset: str) -> dict[str, set[str]]:
    """Enum values that docs/data-model.md gives for one dataset's fields (shared enums included)."""
    text = (paths.project_root() / "docs" / "data-model.md").read_text(encoding="utf-8")
    shared = {}
    for name, body in re.findall(r"^- `(\w+)`:(.*?)(?=^- |^$)", text, flags=re.M | re.S):
        # `high | medium | low` or `search_verified` (...), `search_other_outlet` (...), ...
        values = (v.strip() for chunk in re.findall(r"`([^`]+)`", body) for v in chunk.split("|"))
        shared[name] = {v for v in values if re.fullmatch(r"[a-z][a-z_]*", v)}
    section = text.split(f"## `datasets/{dataset}/`", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^\| (\w+) \| enum `([^`]+)`", section, flags=re.M)  # | kind | enum `a, b` |
    listed += re.findall(r"`(\w+)` enum `([^`]+)`", section)  # value | number; `unit` enum `a, b`
    enums = {name: {v.strip() for v in values.split(",")} for name, values in listed}
    for field in ("confidence", "verification"):
        enums[field] = shared[field]
    enums["date_precision"] = enums["publication_date_precision"] = shared["date_precision"]
    return enums


@pytest.mark.parametrize("name", EVIDENCE)
def test_schema_enums_match_the_data_model(name):
    descriptor = json.loads((paths.datasets_dir() / name / "datapackage.json").read_text(encoding="utf-8"))
    fields = {f["name"]: f for f in descriptor["resources"][0]["schema"]["fields"]}
    contract = contract_enums(name)
    assert contract, "no enums parsed from docs/data-model.md"
    for field, values in contract.items():
        assert field in fields, f"{name}: contract field {field!r} missing from the schema"
        assert set(fields[field]["constraints"]["enum"]) == values, f"{name}.{field}"


@pytest.mark.parametrize("name", EVIDENCE)
def test_each_resource_records_hash_and_size(name):
    descriptor = paths.datasets_dir() / name / "datapackage.json"
    resource = json.loads(descriptor.read_text(encoding="utf-8"))["resources"][0]
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", resource["hash"])
    assert resource["bytes"] == (paths.datasets_dir() / name / resource["path"]).stat().st_size
