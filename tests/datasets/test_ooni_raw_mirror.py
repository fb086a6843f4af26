"""Raw parsing on genuine OONI measurements: the OONI backend's own test fixtures (through
CLAIMAUDIT_MIRROR) and the examples of OONI's spec (from ../shared/research, skipped if absent).
Nothing of them is copied here: only derived verdicts are asserted.
"""

from __future__ import annotations

from pathlib import Path

import msgspec
import polars as pl
import pytest

from claimaudit.datasets import ooni_raw
from claimaudit.datasets._ooni_raw._extract import Extractor
from claimaudit.datasets._ooni_raw._read import iter_records
from claimaudit.datasets.fingerprints import load_fingerprints

FIXTURES = (
    "raw.githubusercontent.com/ooni/backend/32d8349dc5440e75264c84c0ffe97495c7488e84/fastpath/fastpath/tests/data"
)
NOT_MEASUREMENTS = {"fingerprints_dns.json", "fingerprints_http.json", "detector_query_ww_BR_2018.json"}
SPEC_EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "research" / "ooni_spec_examples"


@pytest.fixture
def fixture_files(mirror: Path) -> list[Path]:
    folder = mirror / FIXTURES
    files = sorted(p for p in folder.glob("*.json") if p.name not in NOT_MEASUREMENTS)
    assert files, f"no fixtures under {folder}"
    return files


@pytest.fixture
def parsed(fixture_files: list[Path], isolated_cache: Path) -> pl.DataFrame:
    return ooni_raw.parse(fixture_files, fingerprints=load_fingerprints(offline=True))


def by_file(frame: pl.DataFrame, name: str) -> dict:
    rows = frame.filter(pl.col("file").str.ends_with("/" + name))
    assert rows.height == 1, name
    return rows.row(0, named=True)


@pytest.mark.mirror
def test_every_fixture_gives_one_row(parsed: pl.DataFrame, fixture_files: list[Path]):
    assert parsed.height == len(fixture_files)
    assert parsed["measurement_start_time"].null_count() == 0
    assert parsed["test_name"].null_count() == 0


@pytest.mark.mirror
def test_pakistani_measurement(parsed: pl.DataFrame):
    row = by_file(parsed, "http_header_field_manipulation_3.json")
    assert (row["probe_cc"], row["test_name"]) == ("PK", "http_header_field_manipulation")
    assert row["parse_error"] is None and row["fingerprint_checked"] is True


@pytest.mark.mirror
def test_circumvention_verdicts(parsed: pl.DataFrame):
    assert by_file(parsed, "tor.json")["success"] is True  # judged from targets (no counts)
    assert by_file(parsed, "tor_list.json")["success"] is True
    vanilla = by_file(parsed, "vanilla_tor.json")
    assert (vanilla["success"], vanilla["failure"], vanilla["bootstrap_time"]) == (False, "generic_timeout_error", None)
    ok = by_file(parsed, "vanilla_tor_ok.json")
    assert ok["success"] is True and ok["bootstrap_time"] > 0
    assert by_file(parsed, "torsf_1.json")["success"] is False
    assert by_file(parsed, "torsf_2.json")["success"] is True  # torsf 0.1: no success key
    riseup = by_file(parsed, "riseupvpn.json")
    assert (riseup["success"], riseup["failure"]) == (False, "ca_cert_status=false")
    openvpn = by_file(parsed, "openvpn.json")
    assert openvpn["success"] is True and openvpn["bootstrap_time"] > 0


@pytest.mark.mirror
def test_web_connectivity_verdicts_and_fingerprints(parsed: pl.DataFrame):
    iran = by_file(parsed, "web_connectivity_ir_fp.json")
    assert iran["blocking"] == "dns" and iran["accessible"] is False
    assert iran["fingerprint_name"].startswith("ooni.ir_") and iran["fingerprint_scope"] == "nat"
    assert iran["fingerprint_is_optin_filter"] is False
    assert by_file(parsed, "web_connectivity_null.json")["blocking"] is None
    assert by_file(parsed, "report1.json")["blocking"] == "none"
    assert by_file(parsed, "requests_none.json")["dns_experiment_failure"] == "dns_nxdomain_error"


@pytest.mark.mirror
def test_null_test_keys_fixture(parsed: pl.DataFrame):
    row = by_file(parsed, "test_keys_none.json")
    assert row["parse_error"] == "test_keys is null" and row["fingerprint_checked"] is False


@pytest.mark.mirror
def test_fast_and_tolerant_paths_agree_on_fixtures(fixture_files: list[Path]):
    extractor = Extractor(candidates=True, header_names=["location", "server", "via", "x-app-url"])
    fast_count = 0
    for path in fixture_files:
        for _, data, _, _ in iter_records(path):
            try:
                fast = extractor._fast(data)
            except Exception:  # the fast path declines odd shapes; the tolerant path reads them
                continue
            fast_count += 1
            assert fast == extractor._tolerant(msgspec.json.decode(data)), path.name
    assert fast_count >= len(fixture_files) - 8


def test_spec_examples():
    if not SPEC_EXAMPLES.is_dir():
        pytest.skip(f"{SPEC_EXAMPLES} not present")
    files = sorted(SPEC_EXAMPLES.glob("*.json"))
    frame = ooni_raw.parse(files)
    assert frame.height == len(files)
    tor = frame.filter(pl.col("test_name") == "tor")
    assert tor["success"].to_list() == [True]  # judged from the *_accessible counts
    assert frame.filter(pl.col("test_name") == "psiphon")["success"].to_list() == [True]
    errors = frame.filter(pl.col("parse_error").is_not_null())
    # some spec examples predate measurement_start_time; they are reported, not dropped
    assert errors["parse_error"].str.contains("missing key measurement_start_time").all()


@pytest.mark.mirror
def test_measurement_ids_are_unique_where_report_ids_collide(parsed: pl.DataFrame):
    """The backend's fixtures share report_ids (one probe run, several measurements); ids do not."""
    assert parsed["report_id"].n_unique() < parsed.height  # the collisions issue 12 (row 9) names
    assert parsed["measurement_id"].null_count() == 0
    assert parsed["measurement_id"].n_unique() == parsed.height - _identical_files(parsed)
    without_uid = parsed.filter(pl.col("measurement_uid").is_null())
    assert without_uid.height > 30 and without_uid["measurement_id"].str.starts_with("01").all()


def _identical_files(parsed: pl.DataFrame) -> int:
    """Fixtures that are byte-identical copies (report2.json / report2blocked.json) share an id, as in OONI."""
    import hashlib

    digests = [hashlib.sha256(Path(f).read_bytes()).hexdigest() for f in parsed["file"].to_list()]
    return len(digests) - len(set(digests))
