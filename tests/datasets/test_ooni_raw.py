"""Raw OONI measurement parsing on synthetic measurements built here (runs anywhere)."""

from __future__ import annotations

import base64
import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import msgspec
import polars as pl
import pytest
from typer.testing import CliRunner

from claimaudit.cli import app
from claimaudit.datasets import ooni_raw
from claimaudit.datasets._ooni_raw._extract import Extractor
from claimaudit.datasets.fingerprints import read_fingerprints
from claimaudit.errors import DataError


def synthetic_measurement(test_name: str, test_keys: dict | None, **base) -> dict:
    measurement = {
        "report_id": f"20241115T100000Z_{test_name}_PK_0_n1_synthetic",
        "measurement_uid": f"20241115100000.000000_PK_{test_name}_synthetic",
        "test_name": test_name,
        "test_version": "0.0.1",
        "probe_cc": "PK",
        "probe_asn": "AS64496",
        "probe_network_name": "Synthetic Net",
        "measurement_start_time": "2024-11-15 10:00:00",
        "input": None,
        "software_name": "synthetic-probe",
        "software_version": "1.0",
        "test_keys": test_keys,
        "annotations": {"ignored": True},
    }
    measurement.update(base)
    return measurement


def synthetic_web(blocking, **keys) -> dict:
    test_keys = {
        "blocking": blocking,
        "accessible": blocking is False,
        "dns_experiment_failure": None,
        "control_failure": None,
        "http_experiment_failure": None,
        "tcp_connect": [],
        "tls_handshakes": None,
        "requests": [],
        "queries": [],
        "x_unused": {"deep": [1, 2, {"x": "y"}]},
    }
    test_keys.update(keys)
    return synthetic_measurement("web_connectivity", test_keys, input="http://synthetic.example/")


def write_jsonl(path: Path, measurements: list, *, raw_lines: dict[int, str] | None = None) -> Path:
    lines = [json.dumps(m) for m in measurements]
    for index, text in (raw_lines or {}).items():
        lines.insert(index, text)
    data = ("\n".join(lines) + "\n").encode()
    if path.suffix == ".gz":
        data = gzip.compress(data)
    path.write_bytes(data)
    return path


def parse_one(tmp_path: Path, measurement: dict, **kwargs) -> dict:
    path = write_jsonl(tmp_path / "synthetic.jsonl", [measurement])
    frame = ooni_raw.parse(path, **kwargs)
    assert frame.height == 1
    return frame.row(0, named=True)


# -- base columns ---------------------------------------------------------------------------
def test_base_columns_and_types(tmp_path: Path):
    row = parse_one(tmp_path, synthetic_web(False))
    assert row["measurement_uid"] == "20241115100000.000000_PK_web_connectivity_synthetic"
    assert row["measurement_id"] == row["measurement_uid"]
    assert row["report_id"].startswith("20241115T100000Z_web_connectivity")
    assert (row["test_name"], row["probe_cc"], row["probe_asn"]) == ("web_connectivity", "PK", "AS64496")
    assert row["measurement_start_time"] == datetime(2024, 11, 15, 10, 0, tzinfo=UTC)
    assert row["input"] == "http://synthetic.example/"
    assert row["line"] == 1 and row["file"].endswith("synthetic.jsonl")
    assert row["parse_error"] is None
    frame = ooni_raw.parse(tmp_path / "synthetic.jsonl")
    assert frame.schema == pl.Schema(ooni_raw.SCHEMA)


def test_measurement_id_without_uid_is_oonis_trivial_id_never_report_id(tmp_path: Path):
    import hashlib

    first, second = synthetic_web(False), synthetic_web("dns")
    for m in (first, second):
        del m["measurement_uid"]  # as in OONI's raw/*.jsonl.gz files
    path = write_jsonl(tmp_path / "synthetic.jsonl", [first, second])
    frame = ooni_raw.parse(path)
    assert frame["measurement_uid"].null_count() == 2
    assert frame["report_id"].n_unique() == 1  # one probe run: report_id alone is no id
    assert frame["measurement_id"].n_unique() == 2
    line = (json.dumps(first) + "\n").encode()  # oonidata.datautils.trivial_id over the stored line
    expected = "0120241115" + hashlib.shake_128(line).hexdigest(15)
    assert frame["measurement_id"][0] == expected
    again = ooni_raw.parse(write_jsonl(tmp_path / "copy.jsonl.gz", [second, first]))  # same bytes elsewhere
    assert sorted(again["measurement_id"].to_list()) == sorted(frame["measurement_id"].to_list())


def test_placeholder_lines_are_skipped_and_counted(tmp_path: Path):
    path = write_jsonl(
        tmp_path / "up.jsonl.gz", [synthetic_web(False), synthetic_web("dns")], raw_lines={0: "{}", 2: "{}"}
    )
    stats = ooni_raw.ReadStats()
    frame = ooni_raw.parse(path, stats=stats)
    assert stats.placeholders == 2
    assert frame["line"].to_list() == [2, 4]  # later lines keep their line numbers
    assert frame["parse_error"].null_count() == 2
    stats_j = ooni_raw.ReadStats()
    assert ooni_raw.parse([path, path], workers=2, stats=stats_j).height == 4
    assert stats_j.placeholders == 4
    result = CliRunner().invoke(
        app, ["ooni", "parse", str(path), "--out", str(tmp_path / "o.csv"), "--no-fingerprints"]
    )
    assert result.exit_code == 0, result.output
    assert "2 rows from 1 file(s)" in result.output and "2 {} placeholder line(s) skipped" in result.output


def write_postcan(path: Path, members: dict[str, bytes], *, compress: bool = True) -> Path:
    import io
    import tarfile

    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    data = buffer.getvalue()
    path.write_bytes(gzip.compress(data) if compress else data)
    return path


def post(measurement: dict, fmt: str = "json") -> bytes:
    return json.dumps({"format": fmt, "content": measurement}).encode()


def test_postcan_members_become_rows_with_their_uid(tmp_path: Path):
    a, b = synthetic_web(False), synthetic_web("dns")
    for m in (a, b):
        del m["measurement_uid"]
    uid_a = "20241115100000.000001_PK_webconnectivity_0123456789abcdef"
    uid_b = "20241115100001.000002_PK_webconnectivity_fedcba9876543210"
    prefix = "var/lib/ooniapi/measurements/incoming/2024111510_PK_webconnectivity/"
    path = write_postcan(
        tmp_path / "2024111510_PK_webconnectivity.n1.0.tar.gz",
        {
            prefix + uid_a + ".post": post(a),
            prefix + uid_b + ".post": post(b),
            prefix + "20241115100002.000003_PK_webconnectivity_0000000000000000.post": post(a, "yaml"),
            prefix + "notes.txt": b"x",
        },
    )
    frame = ooni_raw.parse(path)
    assert frame["line"].to_list() == [1, 2, 3, 4]
    assert frame["measurement_uid"].to_list()[:2] == [uid_a, uid_b]
    assert frame["measurement_id"].to_list()[:2] == [uid_a, uid_b]
    assert frame["blocking"].to_list()[:2] == ["none", "dns"]
    assert frame["parse_error"][2].endswith("submission format 'yaml' is not read (only json)")
    assert "notes.txt: not a .post submission" in frame["parse_error"][3]
    plain = write_postcan(tmp_path / "plain.tar.gz", {uid_a + ".post": post(a)}, compress=False)
    assert ooni_raw.parse(plain)["measurement_uid"].to_list() == [uid_a]


def test_truncated_postcan_keeps_members_before_the_cut(tmp_path: Path):
    import os

    uids = [f"2024111510{i:04d}.000000_PK_webconnectivity_{i:016x}" for i in range(40)]
    members = {}
    for uid in uids:
        measurement = synthetic_web(False, x_pad=os.urandom(3000).hex())  # incompressible padding
        del measurement["measurement_uid"]
        members[uid + ".post"] = post(measurement)
    path = write_postcan(tmp_path / "cut.tar.gz", members)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    frame = ooni_raw.parse(path)
    good = frame.filter(pl.col("parse_error").is_null())
    assert 5 < good.height < 40 and frame.height == good.height + 1
    assert frame["parse_error"][-1].startswith("gzip stream unreadable after member")
    assert good["measurement_uid"].to_list() == uids[: good.height]


def test_single_post_file_takes_uid_from_its_name(tmp_path: Path):
    measurement = synthetic_web(False)
    del measurement["measurement_uid"]
    uid = "20241115100000.000001_PK_webconnectivity_0123456789abcdef"
    path = tmp_path / f"{uid}.post"
    path.write_bytes(post(measurement))
    row = ooni_raw.parse(path).row(0, named=True)
    assert (row["measurement_uid"], row["measurement_id"], row["blocking"]) == (uid, uid, "none")


def test_list_input_is_kept_as_json_text(tmp_path: Path):
    row = parse_one(tmp_path, synthetic_measurement("meek_fronted_requests_test", {}, input=["a.example", "b.example"]))
    assert row["input"] == '["a.example","b.example"]'
    assert row["parse_error"] is None


# -- web_connectivity -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("blocking", "expected"),
    [
        (False, "none"),
        (None, None),
        ("dns", "dns"),
        ("tcp_ip", "tcp_ip"),
        ("http-failure", "http-failure"),
        ("http-diff", "http-diff"),
    ],
)
def test_web_connectivity_blocking_verdict(tmp_path: Path, blocking, expected):
    row = parse_one(tmp_path, synthetic_web(blocking))
    assert row["blocking"] == expected
    assert row["accessible"] is (blocking is False)
    assert row["parse_error"] is None


def test_web_connectivity_unexpected_verdict_is_kept_and_reported(tmp_path: Path):
    row = parse_one(tmp_path, synthetic_web("weird"))
    assert row["blocking"] == "weird"
    assert "test_keys.blocking" in row["parse_error"]


def test_web_connectivity_failure_strings(tmp_path: Path):
    measurement = synthetic_web(
        "tcp_ip",
        dns_experiment_failure="dns_nxdomain_error",
        control_failure="synthetic_control_failure",
        http_experiment_failure="connection_reset",
        tcp_connect=[
            {"ip": "192.0.2.1", "port": 443, "status": {"failure": None, "success": True}},
            {"ip": "192.0.2.2", "port": 443, "status": {"failure": "connection_refused", "success": False}},
            {"ip": "192.0.2.3", "port": 443, "status": {"failure": "generic_timeout_error", "success": False}},
        ],
        tls_handshakes=[{"failure": None}, {"failure": "ssl_invalid_hostname"}],
    )
    row = parse_one(tmp_path, measurement)
    assert row["dns_experiment_failure"] == "dns_nxdomain_error"
    assert row["control_failure"] == "synthetic_control_failure"
    assert row["tcp_connect_failure"] == "connection_refused"
    assert row["tls_handshake_failure"] == "ssl_invalid_hostname"
    assert row["http_experiment_failure"] == "connection_reset"


# -- circumvention tests ---------------------------------------------------------------------
def synthetic_tor_counts(or_ok: int, dirauth_ok: int, obfs4_ok: int) -> dict:
    return {
        "dir_port_total": 10,
        "dir_port_accessible": 10,
        "or_port_total": 5,
        "or_port_accessible": or_ok,
        "or_port_dirauth_total": 10,
        "or_port_dirauth_accessible": dirauth_ok,
        "obfs4_total": 14,
        "obfs4_accessible": obfs4_ok,
        "targets": {},
    }


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        (synthetic_tor_counts(0, 0, 3), True),
        (synthetic_tor_counts(1, 0, 0), True),
        (synthetic_tor_counts(0, 0, 0), False),  # directory ports alone do not count
        (
            {
                "targets": {
                    "a": {"target_protocol": "obfs4", "failure": None},
                    "b": {"target_protocol": "dir_port", "failure": None},
                }
            },
            True,
        ),
        (
            {
                "targets": [
                    {"target_protocol": "or_port", "failure": "generic_timeout_error"},
                    {"target_protocol": "dir_port", "failure": None},
                ]
            },
            False,
        ),
        ({"targets": {}}, None),
    ],
)
def test_tor_success_derivation(tmp_path: Path, keys, expected):
    row = parse_one(tmp_path, synthetic_measurement("tor", keys))
    assert row["success"] is expected
    assert row["bootstrap_time"] is None and row["parse_error"] is None


@pytest.mark.parametrize("test_name", ["vanilla_tor", "torsf", "openvpn"])
def test_bootstrap_tests_success(tmp_path: Path, test_name):
    ok = parse_one(
        tmp_path, synthetic_measurement(test_name, {"success": True, "failure": None, "bootstrap_time": 12.5})
    )
    assert (ok["success"], ok["failure"], ok["bootstrap_time"]) == (True, None, 12.5)
    bad = parse_one(
        tmp_path,
        synthetic_measurement(test_name, {"success": False, "failure": "generic_timeout_error", "bootstrap_time": 0}),
    )
    assert (bad["success"], bad["failure"], bad["bootstrap_time"]) == (False, "generic_timeout_error", None)


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ({"bootstrap_time": 6.6, "failure": None}, (True, None, 6.6)),
        ({"bootstrap_time": 0, "failure": "interrupted"}, (False, "interrupted", None)),
        ({"bootstrap_time": 0, "failure": None}, (None, None, None)),
    ],
)
@pytest.mark.parametrize("test_name", ["psiphon", "torsf"])
def test_success_without_success_key(tmp_path: Path, test_name, keys, expected):
    row = parse_one(tmp_path, synthetic_measurement(test_name, keys))
    assert (row["success"], row["failure"], row["bootstrap_time"]) == expected


@pytest.mark.parametrize(
    ("keys", "expected"),
    [
        ({"api_failures": None, "ca_cert_status": True, "failure": None}, (True, None)),
        (
            {"api_failures": ["generic_timeout_error", "connection_reset"], "ca_cert_status": True},
            (False, "generic_timeout_error; connection_reset"),
        ),
        ({"api_failures": None, "ca_cert_status": False}, (False, "ca_cert_status=false")),
        ({"api_failure": "eof_error", "ca_cert_status": True}, (False, "eof_error")),
    ],
)
def test_riseupvpn_success(tmp_path: Path, keys, expected):
    row = parse_one(tmp_path, synthetic_measurement("riseupvpn", keys))
    assert (row["success"], row["failure"]) == expected


def test_other_tests_have_no_per_test_columns(tmp_path: Path):
    row = parse_one(tmp_path, synthetic_measurement("signal", {"success": True, "failure": None}))
    assert row["success"] is None and row["blocking"] is None and row["parse_error"] is None


# -- malformed input -------------------------------------------------------------------------
def test_bad_json_line_becomes_an_error_row_and_the_rest_is_read(tmp_path: Path):
    path = write_jsonl(
        tmp_path / "synthetic_bad.jsonl",
        [synthetic_web(False), synthetic_web("dns")],
        raw_lines={1: '{"report_id": "cut', 2: "", 3: "[1, 2]"},
    )
    frame = ooni_raw.parse(path)
    assert frame["line"].to_list() == [1, 2, 4, 5]
    errors = dict(zip(frame["line"], frame["parse_error"], strict=True))
    assert errors[1] is None and errors[5] is None
    assert errors[2].startswith("invalid JSON")
    assert "JSON object" in errors[4]
    assert frame.filter(pl.col("line") == 5)["blocking"].item() == "dns"


def test_missing_keys_are_named(tmp_path: Path):
    measurement = synthetic_web(False)
    del measurement["probe_cc"], measurement["measurement_start_time"]
    row = parse_one(tmp_path, measurement)
    assert "missing key probe_cc" in row["parse_error"]
    assert "missing key measurement_start_time" in row["parse_error"]
    assert row["blocking"] == "none" and row["probe_asn"] == "AS64496"


def test_required_nulls_are_reported(tmp_path: Path):
    row = parse_one(tmp_path, synthetic_web("dns") | {"probe_cc": None, "test_name": None})
    assert "probe_cc is null" in row["parse_error"] and "test_name is null" in row["parse_error"]
    assert row["probe_asn"] == "AS64496"
    optional = parse_one(tmp_path, synthetic_web("dns") | {"probe_network_name": None, "software_name": None})
    assert optional["parse_error"] is None


def test_test_keys_null(tmp_path: Path):
    row = parse_one(tmp_path, synthetic_measurement("web_connectivity", None))
    assert row["parse_error"] == "test_keys is null"
    assert row["test_name"] == "web_connectivity" and row["blocking"] is None


def test_wrong_types_are_left_empty_and_reported(tmp_path: Path):
    measurement = synthetic_measurement(
        "vanilla_tor", {"success": "yes", "failure": None, "bootstrap_time": "fast"}, probe_asn=64496
    )
    row = parse_one(tmp_path, measurement)
    assert row["probe_asn"] is None and row["success"] is None and row["bootstrap_time"] is None
    for key in ("probe_asn", "test_keys.success", "test_keys.bootstrap_time"):
        assert key in row["parse_error"]
    assert row["probe_cc"] == "PK"


def test_test_keys_of_wrong_type(tmp_path: Path):
    row = parse_one(tmp_path, synthetic_measurement("tor", ["not", "an", "object"]))
    assert "test_keys: expected an object, got a list" in row["parse_error"]


def test_bad_start_time_is_reported(tmp_path: Path):
    row = parse_one(tmp_path, synthetic_web(False) | {"measurement_start_time": "15/11/2024"})
    assert row["measurement_start_time"] is None
    assert "measurement_start_time: expected 'YYYY-MM-DD HH:MM:SS', got '15/11/2024'" in row["parse_error"]


# -- formats ---------------------------------------------------------------------------------
def test_jsonl_gz(tmp_path: Path):
    measurements = [
        synthetic_web(False),
        synthetic_measurement("vanilla_tor", {"success": True, "bootstrap_time": 3.0}),
    ]
    frame = ooni_raw.parse(write_jsonl(tmp_path / "synthetic.jsonl.gz", measurements))
    assert frame["test_name"].to_list() == ["web_connectivity", "vanilla_tor"]
    assert frame["parse_error"].null_count() == 2


def test_truncated_gz_keeps_rows_before_the_cut(tmp_path: Path):
    measurements = [synthetic_web(False, input=f"http://synthetic{i}.example/") for i in range(3000)]
    whole = gzip.compress(("\n".join(json.dumps(m) for m in measurements) + "\n").encode())
    path = tmp_path / "synthetic_truncated.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])
    frame = ooni_raw.parse(path)
    good = frame.filter(pl.col("parse_error").is_null())
    assert 0 < good.height < 3000
    assert good["line"].to_list() == list(range(1, good.height + 1))
    last = frame.row(-1, named=True)
    assert "truncated or corrupt" in last["parse_error"] and last["line"] > good.height
    assert frame.height <= good.height + 2  # the cut line and the stream error, nothing else


def test_json_list_and_single_document(tmp_path: Path):
    listed = tmp_path / "synthetic_list.json"
    listed.write_text(json.dumps([synthetic_web(False), synthetic_web("dns")], indent=2))
    frame = ooni_raw.parse(listed)
    assert frame["line"].to_list() == [1, 2] and frame["blocking"].to_list() == ["none", "dns"]
    single = tmp_path / "synthetic_single.json"
    single.write_text(json.dumps(synthetic_web("http-diff"), indent=2))
    assert ooni_raw.parse(single)["blocking"].to_list() == ["http-diff"]


def test_bad_json_document_is_one_error_row(tmp_path: Path):
    path = tmp_path / "synthetic_broken.json"
    path.write_text('[{"test_name": "tor"},\n  {oops}]')
    frame = ooni_raw.parse(path)
    assert frame.height == 1 and frame["parse_error"].item().startswith("invalid JSON list")


def test_missing_file_is_a_data_error(tmp_path: Path):
    with pytest.raises(DataError, match="no such file"):
        ooni_raw.parse(tmp_path / "nope.jsonl")


def test_iter_batches_bounds_rows(tmp_path: Path):
    path = write_jsonl(tmp_path / "synthetic.jsonl", [synthetic_web(False)] * 7)
    sizes = [b.height for b in ooni_raw.iter_batches(path, batch_size=3)]
    assert sizes == [3, 3, 1]


# -- fingerprints ----------------------------------------------------------------------------
def synthetic_fingerprints() -> pl.DataFrame:
    http = pl.DataFrame(
        {
            "name": ["synthetic.optin", "synthetic.state_forward"],
            "scope": ["isp", "nat"],
            "location_found": ["body", "header.location"],
            "pattern_type": ["contains", "prefix"],
            "pattern": ["blocked as per your subscription", "http://blocked.example/"],
            "notes": ["synthetic Safeweb-like opt in filter", "synthetic state forward"],
        }
    )
    dns = pl.DataFrame(
        {
            "name": ["synthetic.dns"],
            "scope": ["nat"],
            "location_found": ["dns"],
            "pattern_type": ["full"],
            "pattern": ["10.10.34.35"],
        }
    )
    return read_fingerprints(dns=dns, http=http)


def synthetic_response(body, headers=None, headers_list=None) -> dict:
    response = {"body": body, "code": 200}
    if headers is not None:
        response["headers"] = headers
    if headers_list is not None:
        response["headers_list"] = headers_list
    return {"failure": None, "request": {"url": "http://synthetic.example/"}, "response": response}


def test_fingerprint_columns(tmp_path: Path):
    optin = synthetic_web("http-diff", requests=[synthetic_response("<b>blocked as per your subscription</b>")])
    state = synthetic_web(
        "http-diff",
        requests=[synthetic_response("", headers_list=[["Location", "http://blocked.example/?u=1"]])],
    )
    both = synthetic_web(
        "dns",
        queries=[{"answers": [{"answer_type": "A", "ipv4": "10.10.34.35"}]}],
        requests=[
            synthetic_response(
                {"format": "base64", "data": base64.b64encode(b"blocked as per your subscription").decode()},
                headers={"location": "http://elsewhere.example/"},
            )
        ],
    )
    clean = synthetic_web(False, requests=[synthetic_response("hello")], queries=[{"answers": [{"ipv4": "192.0.2.1"}]}])
    null_keys = synthetic_measurement("web_connectivity", None)
    path = write_jsonl(tmp_path / "synthetic.jsonl", [optin, state, both, clean, null_keys])
    frame = ooni_raw.parse(path, fingerprints=synthetic_fingerprints())
    rows = frame.select(
        "fingerprint_name", "fingerprint_scope", "fingerprint_is_optin_filter", "fingerprint_checked"
    ).rows()
    assert rows == [
        ("synthetic.optin", "isp", True, True),
        ("synthetic.state_forward", "nat", False, True),
        ("synthetic.optin;synthetic.dns", "isp;nat", False, True),
        (None, None, None, True),
        (None, None, None, False),
    ]
    unmatched = ooni_raw.parse(path)
    assert unmatched["fingerprint_checked"].to_list() == [False] * 5
    assert unmatched["fingerprint_name"].null_count() == 5


# -- the two decoding paths agree --------------------------------------------------------------
@pytest.mark.parametrize(
    "measurement",
    [
        synthetic_web(
            "dns",
            tcp_connect=[{"status": {"failure": "connection_refused"}}],
            requests=[synthetic_response("x", headers={"Server": "synthetic"})],
            queries=[{"answers": [{"ipv4": "192.0.2.7"}, {"hostname": "cname.example"}]}],
        ),
        synthetic_measurement("tor", synthetic_tor_counts(0, 1, 0)),
        synthetic_measurement("vanilla_tor", {"success": False, "failure": "x", "bootstrap_time": 0}),
        synthetic_measurement("psiphon", {"bootstrap_time": 1.5, "failure": None}),
        synthetic_measurement("riseupvpn", {"api_failures": ["a"], "ca_cert_status": True}),
        synthetic_measurement("openvpn", {"success": True, "bootstrap_time": 2.0, "tcp_connect": {"status": {}}}),
        synthetic_measurement("whatsapp", {"requests": [synthetic_response("body")]}),
    ],
    ids=["web", "tor", "vanilla_tor", "psiphon", "riseupvpn", "openvpn", "other"],
)
def test_fast_and_tolerant_paths_agree(measurement):
    extractor = Extractor(candidates=True, header_names=["server", "location"])
    data = json.dumps(measurement).encode()
    fast = extractor._fast(data)
    assert fast == extractor._tolerant(msgspec.json.decode(data))


# -- CLI -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_cli_writes_csv_and_parquet(tmp_path: Path, suffix: str):
    source = write_jsonl(tmp_path / "synthetic.jsonl.gz", [synthetic_web("dns"), synthetic_web(False)])
    out = tmp_path / f"out{suffix}"
    result = CliRunner().invoke(app, ["ooni", "parse", str(source), "--out", str(out), "--no-fingerprints"])
    assert result.exit_code == 0, result.output
    assert "2 rows" in result.output and "0 with parse_error" in result.output
    back = pl.read_csv(out) if suffix == ".csv" else pl.read_parquet(out)
    assert back["blocking"].to_list() == ["dns", "none"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]  # no temporary left


def test_cli_uses_fingerprints_by_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(
        "claimaudit.datasets.fingerprints.load_fingerprints", lambda *, offline=False: synthetic_fingerprints()
    )
    source = write_jsonl(
        tmp_path / "synthetic.jsonl",
        [synthetic_web("http-diff", requests=[synthetic_response("blocked as per your subscription")])],
    )
    out = tmp_path / "out.parquet"
    result = CliRunner().invoke(app, ["ooni", "parse", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "1 with a blockpage fingerprint" in result.output
    assert pl.read_parquet(out)["fingerprint_is_optin_filter"].to_list() == [True]


def test_cli_rejects_unknown_output_format(tmp_path: Path):
    source = write_jsonl(tmp_path / "synthetic.jsonl", [synthetic_web(False)])
    result = CliRunner().invoke(
        app, ["ooni", "parse", str(source), "--out", str(tmp_path / "out.xlsx"), "--no-fingerprints"]
    )
    assert result.exit_code == 2 and ".csv or .parquet" in result.output  # a message, not a traceback
    assert not (tmp_path / "out.xlsx").exists()


def test_workers_keep_file_order_and_match_serial(tmp_path: Path):
    paths = [
        write_jsonl(tmp_path / f"synthetic_{i}.jsonl", [synthetic_web(b) for b in ("dns", False, None)][: i + 1])
        for i in range(3)
    ]
    serial = ooni_raw.parse(paths, fingerprints=synthetic_fingerprints())
    parallel = ooni_raw.parse(paths, fingerprints=synthetic_fingerprints(), workers=2)
    assert parallel.equals(serial)
    assert serial["file"].str.extract(r"synthetic_(\d)").to_list() == ["0", "1", "1", "2", "2", "2"]
