"""The audit end to end: byte-identical outputs through the CLI, and the findings the real ledger must show."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from test_audit import CLAIM_SCHEMA, D, synthetic_claim, synthetic_ledger
from typer.testing import CliRunner

from claimaudit import datasets, paths
from claimaudit.audit import FrameEvidence, Status, Strength, run_audit, verdicts_frame
from claimaudit.cli import app

_TYPES = {pl.String: "string", pl.Date: "date", pl.Float64: "number"}
REAL_ENUMS = {
    f["name"]: f["constraints"]["enum"]
    for f in datasets.read_package("claims").resource("claims")["schema"]["fields"]
    if "enum" in f.get("constraints", {})
}


def _field(name: str, dtype: pl.DataType) -> dict:
    """A field of the synthetic ledger, with the real ledger's enum (the vocabularies rule
    selectors are checked against come from the datapackage)."""
    field: dict = {"name": name, "type": _TYPES[dtype]}
    enum = REAL_ENUMS.get(name)
    if enum:
        field["constraints"] = {"enum": list(enum)}
    return field


def write_synthetic_claims_package(root: Path, ledger: pl.DataFrame, sources: pl.DataFrame) -> None:
    folder = root / "claims"
    folder.mkdir(parents=True)
    ledger.write_csv(folder / "claims.csv", line_terminator="\n")
    sources.write_csv(folder / "sources.csv", line_terminator="\n")
    descriptor = {
        "name": "claims",
        "resources": [
            {
                "name": "claims",
                "path": "claims.csv",
                "schema": {"fields": [_field(n, t) for n, t in CLAIM_SCHEMA.items()]},
            },
            {
                "name": "sources",
                "path": "sources.csv",
                "schema": {"fields": [{"name": n, "type": "string"} for n in sources.columns]},
            },
        ],
    }
    (folder / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    datasets.stamp(["claims"], root=root)


@pytest.fixture
def synthetic_datasets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_cache: Path) -> Path:
    ledger = synthetic_ledger(
        synthetic_claim("synthetic-2022", statement_date=D(2022, 3, 3), value=903074.0),
        synthetic_claim("synthetic-2024", statement_date=D(2024, 11, 13), value=844008.0, unit="websites"),
        synthetic_claim("synthetic-over", statement_date=D(2024, 11, 18), value=500000.0, qualifier="over"),
    )
    sources = pl.DataFrame(
        {
            "claim_id": ["synthetic-2024", "synthetic-2024"],
            "url": ["https://example.org/synthetic/a", "https://example.org/synthetic/b"],
            "outlet": ["Outlet A", "Outlet B"],
            "figure_as_printed": ["844,008", "844,080"],
        }
    )
    root = tmp_path / "datasets"
    write_synthetic_claims_package(root, ledger, sources)
    monkeypatch.setenv("CLAIMAUDIT_DATASETS", str(root))
    # The shipped rules name real claim ids (refused against another ledger) and the shipped
    # suites check the real ledger's columns: this synthetic ledger gets rules that select by
    # field only, and no quality suites.
    checks = tmp_path / "checks"
    (checks / "claims").mkdir(parents=True)
    (checks / "quality").mkdir()
    shutil.copy(paths.checks_dir() / "claims" / "url-blocking.yml", checks / "claims")
    monkeypatch.setenv("CLAIMAUDIT_CHECKS", str(checks))
    return root


def test_the_cli_writes_byte_identical_sorted_outputs(tmp_path, synthetic_datasets):
    runner = CliRunner()
    first = runner.invoke(app, ["audit", "--out", str(tmp_path / "one")])
    second = runner.invoke(app, ["audit", "--out", str(tmp_path / "two")])
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    for name in ("verdicts.json", "verdicts.csv"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    payload = json.loads((tmp_path / "one" / "verdicts.json").read_text(encoding="utf-8"))
    keys = [(v["rule_id"], v["claim_ids"]) for v in payload["verdicts"]]
    assert keys == sorted(keys) and payload["count"] == len(keys) > 0
    assert {"inconsistent", "reports_differ", "not_comparable"} & {v["verdict"] for v in payload["verdicts"]}
    assert payload["schema_version"] == 2 and payload["generated_from"]["rules"]
    csv = pl.read_csv(tmp_path / "one" / "verdicts.csv")
    assert csv.columns == [
        "verdict_id",
        "rule_id",
        "rule_kind",
        "claim_ids",
        "statement_ids",
        "verdict",
        "evidence_strength",
        "finding",
        "caveats",
        "explanation",
        "evidence",
        "links",
    ]
    assert csv.height == len(keys)
    assert not list((tmp_path / "one").glob(".*.tmp"))


def test_the_cli_writes_to_the_reports_dir_by_default(synthetic_datasets):
    result = CliRunner().invoke(app, ["audit"])
    assert result.exit_code == 0, result.output
    assert (paths.reports_dir() / "verdicts.json").is_file() and (paths.reports_dir() / "verdicts.csv").is_file()


# --------------------------------------------------------------------------- the real ledger


@pytest.fixture(scope="module")
def ledger() -> pl.DataFrame:
    return datasets.load("claims")


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    cache = tmp_path_factory.mktemp("cache")
    mp.setenv("CLAIMAUDIT_CACHE", str(cache))
    try:
        yield run_audit(offline=True)
    finally:
        mp.undo()


def claim_ids(ledger: pl.DataFrame, **match) -> list[str]:
    cond = pl.lit(True)
    for name, value in match.items():
        cond = cond & (pl.col(name) == value)
    return ledger.filter(cond)["claim_id"].to_list()


def one(ledger: pl.DataFrame, **match) -> str:
    ids = claim_ids(ledger, **match)
    assert len(ids) == 1, f"expected one claim for {match}, found {ids}"
    return ids[0]


def verdict_for(verdicts, kind: str, *ids: str):
    found = [v for v in verdicts if v.rule_kind == kind and all(i in v.claim_ids for i in ids)]
    assert found, f"no {kind} verdict with {ids}"
    return found


def test_pta_2024_porn_count_sits_below_earlier_figures_that_count_other_things(ledger, verdicts):
    # The 2021 and 2022 annual reports count URLs *processed* for blocking (ProPakistani prints the 2021
    # column 'Total Processed'); the 844,008 of November 2024 are *websites blocked*. A lower figure under
    # the narrower verb and another unit is no contradiction, and the verdict says why.
    porn = dict(authority="PTA", category="pornography", period="cumulative", scope="all_content")
    nov = one(ledger, value=844008.0, verb="blocked", **porn)
    ar2021 = one(ledger, value=903074.0, verb="processed", **porn)
    ar2022 = one(ledger, value=905009.0, verb="processed", **porn)
    assert not [v for v in verdicts if v.rule_kind == "series_consistency" and {ar2021, nov} <= set(v.claim_ids)]
    unlike = verdict_for(verdicts, "series_consistency", ar2022, nov)[0]
    assert unlike.status is Status.NOT_COMPARABLE
    assert "different verbs" in unlike.explanation and "a website can hold many URLs" in unlike.explanation
    rise = verdict_for(verdicts, "series_consistency", ar2021, ar2022)[0]
    assert rise.status is Status.CONSISTENT and "+1,935" in rise.explanation
    assert any(link.startswith("http") for link in unlike.links)


def test_the_processed_miscellaneous_total_falls_between_the_2021_and_2022_reports(ledger, verdicts):
    misc = dict(authority="PTA", category="misc", period="cumulative", scope="all_content", verb="processed")
    fall = verdict_for(
        verdicts, "series_consistency", one(ledger, value=6562.0, **misc), one(ledger, value=6474.0, **misc)
    )[0]
    assert fall.status is Status.INCONSISTENT and "−88" in fall.explanation


def test_links_in_court_and_websites_since_2016_are_not_one_series(ledger, verdicts):
    links = one(ledger, value=980000.0, unit="web_links", category="total")
    since = one(ledger, value=418139.0, unit="websites", period="cumulative_since")
    pair = [v for v in verdicts if v.rule_kind == "series_consistency" and {links, since} <= set(v.claim_ids)]
    assert all(v.status is not Status.INCONSISTENT for v in pair)


def test_the_chairmans_lower_bound_disagrees_with_the_count_five_days_earlier(ledger, verdicts):
    nov = one(ledger, value=844008.0, verb="blocked", category="pornography", period="cumulative", scope="all_content")
    bound = one(ledger, value=500000.0, qualifier="over", category="pornography")
    verdict = verdict_for(verdicts, "series_consistency", nov, bound)[0]
    assert verdict.status is Status.INCONSISTENT
    assert "lower bound" in verdict.explanation and "5 days later" in verdict.explanation


def test_twenty_million_changes_unit_across_statements(ledger, verdicts):
    ids = claim_ids(ledger, value=20_000_000.0)
    units = set(ledger.filter(pl.col("claim_id").is_in(ids))["unit"])
    assert {"attempts", "people"} <= units
    drift = verdict_for(verdicts, "unit_drift", *ids)[0]
    assert drift.status is Status.INCONSISTENT and "20,000,000" in drift.explanation


def test_registration_counts_for_the_same_event_disagree(ledger, verdicts):
    reg = ledger.filter((pl.col("subject") == "vpn_registration") & pl.col("value").is_in([31000.0, 33000.0]))
    same_day = reg.group_by("statement_date").agg(pl.col("claim_id"), pl.col("value").n_unique().alias("n"))
    pair = same_day.filter(pl.col("n") == 2)
    assert not pair.is_empty(), "the 31,000 / 33,000 registrations of the same day are no longer both in the ledger"
    verdict = verdict_for(verdicts, "report_agreement", *pair["claim_id"][0])[0]
    assert verdict.status is Status.REPORTS_DIFFER  # outlets' prints of one statement
    assert "min 31,000, max 33,000" in verdict.explanation


def test_offline_the_vpn_denial_is_insufficient_or_weakly_contradicted_and_says_which(ledger, verdicts):
    denials = claim_ids(ledger, assertion="vpns_not_blocked")
    assert denials, "no vpns_not_blocked claims in the ledger"
    judged = [v for v in verdicts if v.rule_kind == "evidence_vs_assertion" and v.claim_ids[0] in denials]
    assert judged
    for verdict in judged:
        assert verdict.status in (Status.INSUFFICIENT, Status.CONTRADICTED)
        assert "ooni_api/aggregation" in verdict.explanation
        if verdict.status is Status.CONTRADICTED:
            assert verdict.evidence_strength is not Strength.DIRECT_MEASUREMENT
            assert "weak" in verdict.explanation
        else:
            assert "Nothing decisive" in verdict.explanation


def test_with_ooni_measurements_the_vpn_denial_gets_a_measured_verdict(ledger):
    frames = {"claims": ledger, "claims/sources": datasets.load("claims", "sources")}
    for name in ("signals", "events", "baselines"):
        frames[name] = datasets.load(name)
    ooni = pl.DataFrame(
        {  # synthetic aggregation rows: Psiphon failing on two of three networks
            "test_name": ["psiphon"] * 3,
            "measurement_start_day": [D(2024, 11, 10)] * 3,
            "probe_asn": [17557, 9541, 45595],
            "measurement_count": [60, 50, 40],
            "anomaly_count": [30, 20, 0],
            "confirmed_count": [0, 0, 0],
            "failure_count": [0, 0, 0],
            "ok_count": [30, 30, 40],
        }
    )
    verdicts = run_audit(provider=FrameEvidence(frames, ooni=ooni))
    denial = [v for v in verdicts if v.rule_id == "vpn-not-blocked-to-date"]
    assert denial and denial[0].status is Status.CONTRADICTED
    assert denial[0].evidence_strength is Strength.DIRECT_MEASUREMENT
    assert "150 measurements on 3 networks" in denial[0].explanation
    assert "2 of 3 networks" in denial[0].explanation
    assert verdicts_frame(verdicts).height == len(verdicts)


def test_a_tampered_sources_file_stops_the_audit_instead_of_dropping_links(tmp_path, monkeypatch):
    """A real dataset that fails its sha256 is bad input, not 'no data': the audit must say so."""
    import shutil

    from claimaudit import paths
    from claimaudit.audit import run_audit
    from claimaudit.errors import IntegrityError

    root = tmp_path / "datasets"
    shutil.copytree(paths.datasets_dir(), root)
    with (root / "claims" / "sources.csv").open("a", encoding="utf-8") as fh:
        fh.write("synthetic-tamper,https://example.org/,Synthetic,,unknown,en,,unreachable,\n")
    monkeypatch.setenv("CLAIMAUDIT_DATASETS", str(root))
    with pytest.raises(IntegrityError, match="sources.csv"):
        run_audit(offline=True)
