"""Pinned third-party sets: typed loading, provenance, and clear errors (synthetic packages)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import polars as pl
import pytest

from claimaudit.datasets import sources
from claimaudit.errors import DataError, HashMismatchError, NotAvailableError
from claimaudit.fetch import mirror_path

SYNTHETIC_CSV = b",Date,Users,lower\n0,2024-11-01,10,8.0\n1,2024-11-02,12,\n"
SYNTHETIC_JSON = json.dumps(
    {
        "incidents": [
            {
                "id": "s1",
                "start_time": "2024-02-17T00:00:00.000000Z",
                "ASNs": [17557, 9541],
                "CCs": ["PK"],
                "mine": False,
            },
            {"id": "s2", "start_time": "2023-05-09T00:00:00.000000Z", "ASNs": [], "CCs": ["PK", "IR"]},
        ]
    }
).encode()


def _package(root: Path, mirror: Path, name: str, resources: list[tuple[str, str, bytes, dict]]) -> None:
    folder = root / "external" / name
    folder.mkdir(parents=True)
    described = []
    for res_name, url, body, extra in resources:
        target = mirror_path(url, mirror)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        described.append(
            {
                "name": res_name,
                "path": url,
                "hash": "sha256:" + hashlib.sha256(body).hexdigest(),
                "bytes": len(body),
                **extra,
            }
        )
    (folder / "datapackage.json").write_text(
        json.dumps(
            {
                "name": name,
                "title": "synthetic",
                "licenses": [{"name": "CC0-1.0"}],
                "citation": "synthetic",
                "sources": [{"title": "synthetic", "path": "https://synthetic.example/"}],
                "resources": described,
            }
        )
    )


CSV_RESOURCE = {
    "format": "csv",
    "claimaudit:drop_columns": [""],
    "schema": {
        "fields": [
            {"name": "date", "type": "date", "claimaudit:source_name": "Date"},
            {"name": "users", "type": "integer", "claimaudit:source_name": "Users"},
            {"name": "lower", "type": "number"},
        ]
    },
}
JSON_RESOURCE = {
    "format": "json",
    "claimaudit:json_records": "incidents",
    "schema": {
        "fields": [
            {"name": "id", "type": "string"},
            {"name": "start_time", "type": "datetime"},
            {"name": "asns", "type": "array", "claimaudit:item_type": "integer", "claimaudit:source_name": "ASNs"},
            {"name": "ccs", "type": "array", "claimaudit:source_name": "CCs"},
        ]
    },
}


@pytest.fixture
def synthetic(tmp_path, monkeypatch, isolated_cache):
    root, mirror = tmp_path / "datasets", tmp_path / "mirror"
    _package(
        root,
        mirror,
        "synthetic-set",
        [
            ("daily", "https://synthetic.example/abc/daily.csv", SYNTHETIC_CSV, CSV_RESOURCE),
            ("incidents", "https://synthetic.example/abc/incidents.json", SYNTHETIC_JSON, JSON_RESOURCE),
        ],
    )
    monkeypatch.setenv("CLAIMAUDIT_DATASETS", str(root))
    monkeypatch.setenv("CLAIMAUDIT_MIRROR", str(mirror))
    return mirror


def test_csv_is_typed_renamed_and_index_dropped(synthetic):
    frame = sources.load("synthetic-set", "daily", offline=True)
    assert frame.columns == ["date", "users", "lower"]
    assert frame.schema == {"date": pl.Date, "users": pl.Int64, "lower": pl.Float64}
    assert frame["date"].to_list() == [dt.date(2024, 11, 1), dt.date(2024, 11, 2)]
    assert frame["lower"].to_list() == [8.0, None]
    assert sources.load("synthetic-set/daily", offline=True).equals(frame)


def test_json_records_become_rows_with_list_columns(synthetic):
    frame = sources.load("synthetic-set", "incidents", offline=True)
    assert frame.schema["asns"] == pl.List(pl.Int64) and frame.schema["ccs"] == pl.List(pl.String)
    assert frame["asns"].to_list() == [[17557, 9541], []]
    assert frame["start_time"].dtype == pl.Datetime("us", "UTC")
    assert frame["start_time"][0] == dt.datetime(2024, 2, 17, tzinfo=dt.UTC)


def test_several_resources_need_a_name(synthetic):
    with pytest.raises(DataError, match="daily, incidents"):
        sources.load("synthetic-set", offline=True)
    with pytest.raises(DataError, match="no resource named 'nope'"):
        sources.load("synthetic-set", "nope", offline=True)
    with pytest.raises(DataError, match="synthetic-set"):
        sources.load("missing-set", offline=True)


def test_a_bad_cell_names_line_and_column(synthetic, tmp_path, monkeypatch):
    body = b",Date,Users,lower\n0,2024-11-01,10,8.0\n1,2024-11-02,twelve,\n"
    root = tmp_path / "other"
    _package(
        root, tmp_path / "mirror2", "bad-set", [("daily", "https://synthetic.example/bad.csv", body, CSV_RESOURCE)]
    )
    monkeypatch.setenv("CLAIMAUDIT_DATASETS", str(root))
    with pytest.raises(DataError) as info:
        sources.load("bad-set", offline=True, mirror=tmp_path / "mirror2")
    assert info.value.line == 3 and info.value.column == "users" and "'twelve'" in str(info.value)


def test_a_changed_header_is_refused(synthetic, tmp_path, monkeypatch):
    body = b"Date,Users,upper\n2024-11-01,10,8.0\n"
    root = tmp_path / "other"
    _package(
        root, tmp_path / "mirror2", "hdr-set", [("daily", "https://synthetic.example/hdr.csv", body, CSV_RESOURCE)]
    )
    monkeypatch.setenv("CLAIMAUDIT_DATASETS", str(root))
    with pytest.raises(DataError, match=r"missing columns \['lower'\]; unexpected columns \['upper'\]"):
        sources.load("hdr-set", offline=True, mirror=tmp_path / "mirror2")


@pytest.mark.parametrize(
    ("body", "fmt", "field", "says"),
    [
        (b"a\n1;2\n", "csv", {"name": "a", "type": "array"}, "array fields can only be read from JSON records"),
        (
            b'[{"a": [1]}]',
            "json",
            {"name": "a", "type": "array", "claimaudit:item_type": "synthetic_kind"},
            "array item type 'synthetic_kind' is not supported",
        ),
    ],
)
def test_an_unsupported_schema_type_is_a_data_error_naming_the_column(
    tmp_path, monkeypatch, isolated_cache, body, fmt, field, says
):
    root, mirror = tmp_path / "other", tmp_path / "mirror2"
    _package(
        root,
        mirror,
        "odd-set",
        [("odd", f"https://synthetic.example/odd.{fmt}", body, {"format": fmt, "schema": {"fields": [field]}})],
    )
    monkeypatch.setenv("CLAIMAUDIT_DATASETS", str(root))
    with pytest.raises(DataError, match=says) as info:
        sources.load("odd-set", offline=True, mirror=mirror)
    assert info.value.column == "a" and "datapackage.json" in info.value.hint


def test_a_tampered_mirror_file_is_refused(synthetic):
    mirror_path("https://synthetic.example/abc/daily.csv", synthetic).write_bytes(SYNTHETIC_CSV + b"2,2024-11-03,1,1\n")
    with pytest.raises(HashMismatchError):
        sources.load("synthetic-set", "daily", offline=True)


def test_offline_without_the_file_says_how_to_get_it(synthetic, monkeypatch):
    monkeypatch.delenv("CLAIMAUDIT_MIRROR")
    with pytest.raises(NotAvailableError, match="https://synthetic.example/abc/daily.csv"):
        sources.load("synthetic-set", "daily", offline=True)


def test_describe_reports_provenance_and_origin(synthetic):
    before = sources.describe("synthetic-set")
    assert before["citation"] == "synthetic" and before["resources"][0]["origin"] is None
    sources.load("synthetic-set", "daily", offline=True)
    after = sources.describe("synthetic-set")["resources"][0]
    assert after["origin"] == "mirror" and after["retrieved_at"]
    assert after["sha256"] == hashlib.sha256(SYNTHETIC_CSV).hexdigest()
    assert sources.list_sources() == ["synthetic-set"]


def test_provenance_rows_name_the_resource_asked_for_or_say_it_is_not_there(synthetic):
    from claimaudit.notebook import source_items

    sources.load("synthetic-set", "daily", offline=True)
    daily, unknown, *rest = source_items([("synthetic-set", "daily"), ("synthetic-set", "synthetic_nope")])
    assert rest == []
    assert daily["name"] == "synthetic-set/daily" and daily["licence"] == "CC0-1.0" and daily["origin"] == "mirror"
    assert daily["sha256"] == hashlib.sha256(SYNTHETIC_CSV).hexdigest()
    assert unknown["origin"] == "missing" and "no resource named 'synthetic_nope'" in unknown["url"]
    assert [i["name"] for i in source_items(["synthetic-set"])] == ["synthetic-set/daily", "synthetic-set/incidents"]


# --------------------------------------------------------------------------- the shipped packages

EXPECTED = {
    "citizenlab-test-lists": [
        "pk-2024-11-11",
        "global-2024-11-11",
        "pk-2026-06-30",
        "global-2026-06-30",
        "category-codes",
        "new-category-codes",
    ],
    "ooni-fingerprints": ["dns", "http"],
    "ooni-incidents": ["incidents"],
    "acsac-pakistan": [
        "ooni-web-connectivity",
        "tor-relay-users",
        "censoredplanet-http",
        "censoredplanet-https",
        "censoredplanet-satellite",
    ],
    "cenalert-google-trends-vpn": ["pk"],
    "cenalert-events": ["pk"],
}


def test_shipped_packages_have_the_agreed_names_and_full_provenance():
    assert set(EXPECTED) <= set(sources.list_sources())
    for name, resources in EXPECTED.items():
        assert sources.resource_names(name) == resources
        descriptor = sources.read_descriptor(name)
        assert descriptor["licenses"] and descriptor["citation"] and descriptor["sources"]
        for res in descriptor["resources"]:
            assert res["path"].startswith("https://raw.githubusercontent.com/")
            assert res["claimaudit:commit"] in res["path"]
            assert len(res["hash"].removeprefix("sha256:")) == 64 and res["bytes"] > 0
            names = [f["name"] for f in res["schema"]["fields"]]
            assert all(n == n.lower() and " " not in n for n in names)


@pytest.mark.mirror
def test_shipped_packages_load_from_the_mirror(mirror, isolated_cache):
    sums = {
        line.split()[1].removeprefix("./"): line.split()[0] for line in (mirror / "SHA256SUMS").read_text().splitlines()
    }
    for name, resources in EXPECTED.items():
        for resource in resources:
            res = next(r for r in sources.read_descriptor(name)["resources"] if r["name"] == resource)
            assert res["hash"] == "sha256:" + sums[res["path"].removeprefix("https://")]
            frame = sources.load(name, resource, offline=True, mirror=mirror)
            assert frame.height > 0
            assert frame.columns == [f["name"] for f in res["schema"]["fields"]]
            assert "" not in frame.columns
    tor = sources.load("acsac-pakistan", "tor-relay-users", offline=True, mirror=mirror)
    assert tor["date"].dtype == pl.Date and tor["date"].is_sorted()
    incidents = sources.load("ooni-incidents", offline=True, mirror=mirror)
    assert incidents.filter(pl.col("ccs").list.contains("PK")).height >= 1


def test_a_recorded_hash_verification_is_of_the_pinned_commit_and_file_and_says_its_result():
    """``claimaudit:hash_verification`` (issue 12): the two transcribed CenAlert files were compared with the
    repository's own files; each record names the pinned commit and path, states a full match or where the bytes
    differ, and its sha256 (when it quotes one) is the pin."""
    checked = {}
    for name in sources.list_sources():
        for res in sources.read_descriptor(name)["resources"]:
            record = res.get("claimaudit:hash_verification")
            if record is None:
                continue
            checked[(name, res["name"])] = record["result"]
            repo_path = res["path"].split(res["claimaudit:commit"] + "/", 1)[1]
            assert f"@{res['claimaudit:commit']} {repo_path}" in record["against"], record["against"]
            assert record["result"] == "match" or record["result"].startswith("first differing byte at "), record
            dt.date.fromisoformat(record["checked_on"])
            quoted = [w.strip(",.;:()") for w in record["method"].split() if len(w.strip(",.;:()")) == 64]
            assert all(q == res["hash"].removeprefix("sha256:") for q in quoted), quoted
    assert checked == {("cenalert-events", "pk"): "match", ("cenalert-google-trends-vpn", "pk"): "match"}
    assert sources.describe("cenalert-google-trends-vpn")["resources"][0]["hash_verification"]["result"] == "match"
