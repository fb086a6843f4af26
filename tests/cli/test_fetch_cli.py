"""`claimaudit fetch`, `fetch_all` and `claimaudit ooni aggregate` end to end on a local server."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import polars as pl
import pytest
from typer.testing import CliRunner

from claimaudit.cli import app
from claimaudit.pipeline import fetch_all
from support.fake_servers import (
    FakeServer,
    Reply,
    aggregation_handler,
    ioda_handler,
    synthetic_aggregation_rows,
    synthetic_incidents,
    tor_handler,
)

SYNTHETIC_CSV = b"date,value\n2024-11-01,1.5\n"


@pytest.fixture
def world(tmp_path, monkeypatch, isolated_cache):
    """A synthetic pinned set served by the local server, plus the live APIs on the same server."""
    rows = synthetic_aggregation_rows(
        tests=["tor", "web_connectivity"], asns=[17557, 9541], since=dt.date(2024, 1, 1), until=dt.date(2025, 1, 1)
    )
    with FakeServer() as server:
        folder = tmp_path / "datasets" / "external" / "synthetic-trend"
        folder.mkdir(parents=True)
        (folder / "datapackage.json").write_text(
            json.dumps(
                {
                    "name": "synthetic-trend",
                    "resources": [
                        {
                            "name": "pk",
                            "path": server.url + "/synthetic/trend.csv",
                            "format": "csv",
                            "hash": "sha256:" + hashlib.sha256(SYNTHETIC_CSV).hexdigest(),
                            "bytes": len(SYNTHETIC_CSV),
                            "schema": {
                                "fields": [{"name": "date", "type": "date"}, {"name": "value", "type": "number"}]
                            },
                        }
                    ],
                }
            )
        )
        server.route("/synthetic/trend.csv", Reply.csv(SYNTHETIC_CSV.decode()))
        server.route("/api/v1/aggregation", aggregation_handler(rows))
        server.route("/api/v1/incidents/search", Reply.json(synthetic_incidents()))
        server.route("/userstats-relay-country.csv", tor_handler("relay"))
        server.route("/userstats-bridge-country.csv", tor_handler("bridge"))
        server.route("/v2/signals/raw/country/PK", ioda_handler())
        for var in ("CLAIMAUDIT_OONI_API", "CLAIMAUDIT_TOR_METRICS", "CLAIMAUDIT_IODA_API"):
            monkeypatch.setenv(var, server.url)
        monkeypatch.setenv("CLAIMAUDIT_DATASETS", str(tmp_path / "datasets"))
        monkeypatch.delenv("CLAIMAUDIT_MIRROR", raising=False)
        monkeypatch.delenv("CLAIMAUDIT_OFFLINE", raising=False)
        yield server


def test_fetch_all_gets_everything_then_serves_it_from_the_cache(world):
    first = fetch_all()
    assert [o.name for o in first if o.kind == "pinned"] == ["synthetic-trend/pk"]
    assert all(o.ok for o in first), [o for o in first if not o.ok]
    assert {o.origin for o in first} == {"network"}
    assert len([o for o in first if o.kind == "live"]) == 11
    again = fetch_all(offline=True)
    assert {o.origin for o in again} == {"cache"}


def test_fetch_all_carries_on_past_a_failing_source(world):
    world.route("/userstats-bridge-country.csv", Reply(404, b"synthetic: gone"))
    outcomes = {o.name: o for o in fetch_all()}
    bridge = outcomes["Tor Metrics bridge users PK 2024"]
    assert not bridge.ok and "HTTP 404" in bridge.detail
    assert outcomes["IODA country PK 2024-11-01..2024-12-01"].ok


def test_fetch_all_reports_a_broken_descriptor_and_carries_on(world, tmp_path):
    broken = tmp_path / "datasets" / "external" / "synthetic-broken"
    broken.mkdir(parents=True)
    (broken / "datapackage.json").write_text('{"name": "synthetic-broken", ')
    outcomes = {o.name: o for o in fetch_all(windows=())}
    assert not outcomes["synthetic-broken"].ok
    assert "datapackage.json is not valid JSON" in outcomes["synthetic-broken"].detail
    assert outcomes["synthetic-trend/pk"].ok


def test_fetch_command_reports_origins_and_strict_exit(world):
    runner = CliRunner()
    offline = runner.invoke(app, ["fetch", "--offline", "--strict"])
    assert offline.exit_code == 1
    # 1 pinned + 11 declared + 3 notebook windows; no claims ledger here, so no audit windows
    assert "NOT AVAILABLE" in offline.output and "0 of 15 sources available" in offline.output
    online = runner.invoke(app, ["fetch"])
    assert online.exit_code == 0, online.output
    assert "network" in online.output and "15 of 15 sources available" in online.output
    plan = runner.invoke(app, ["fetch", "--plan"])
    assert "note: the audit's evidence windows are not planned" in plan.output and "claims" in plan.output
    cached = runner.invoke(app, ["fetch", "--offline", "--strict"])
    assert cached.exit_code == 0 and "cache" in cached.output and "NOT AVAILABLE" not in cached.output


def test_fetch_command_honours_claimaudit_offline(world, monkeypatch):
    monkeypatch.setenv("CLAIMAUDIT_OFFLINE", "1")
    result = CliRunner().invoke(app, ["fetch"])
    assert result.exit_code == 0, result.output
    assert "0 of 15 sources available" in result.output
    assert world.hits("/api/v1/aggregation") == []


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_ooni_aggregate_writes_a_tidy_daily_table(world, tmp_path, suffix):
    out = tmp_path / f"synthetic-ooni{suffix}"
    result = CliRunner().invoke(
        app,
        [
            "ooni",
            "aggregate",
            "--country",
            "pk",
            "--test-name",
            "tor,web_connectivity",
            "--since",
            "2024-11-01",
            "--until",
            "2024-12-01",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    frame = pl.read_csv(out, try_parse_dates=True) if suffix == ".csv" else pl.read_parquet(out)
    assert frame.columns == [
        "measurement_start_day",
        "probe_asn",
        "test_name",
        "measurement_count",
        "anomaly_count",
        "confirmed_count",
        "failure_count",
        "ok_count",
    ]
    assert frame.height == 30 * 2 * 2
    assert frame.select("measurement_start_day", "probe_asn", "test_name").is_unique().all()
    assert "120 rows (30 days, 2 networks" in result.output


def test_ooni_aggregate_refuses_other_suffixes_without_writing(world, tmp_path):
    result = CliRunner().invoke(
        app,
        [
            "ooni",
            "aggregate",
            "--country",
            "PK",
            "--test-name",
            "tor",
            "--since",
            "2024-11-01",
            "--until",
            "2024-12-01",
            "--out",
            str(tmp_path / "x.xlsx"),
        ],
    )
    assert result.exit_code != 0 and not (tmp_path / "x.xlsx").exists()


@pytest.mark.mirror
def test_every_pinned_resource_comes_from_the_mirror_then_the_cache(mirror, isolated_cache, monkeypatch):
    from claimaudit.datasets import sources
    from claimaudit.fetch import _manifest

    monkeypatch.delenv("CLAIMAUDIT_DATASETS", raising=False)
    writes: list[int] = []
    real_write = _manifest._write

    def counted(cache, entries):
        writes.append(len(entries))
        real_write(cache, entries)

    monkeypatch.setattr(_manifest, "_write", counted)
    first = fetch_all(offline=True, mirror=mirror, windows=())
    assert len(first) == 16 and {o.origin for o in first} == {"mirror"}
    # copied by several threads, reported in plan order; the manifest written once, with all 16
    assert [o.name for o in first] == [f"{n}/{r}" for n in sources.list_sources() for r in sources.resource_names(n)]
    assert writes == [16]
    again = fetch_all(offline=True, mirror=mirror, windows=())
    assert {o.origin for o in again} == {"cache"}
    assert writes == [16]


def test_a_full_fetch_stays_inside_the_services_per_minute_quota(world, monkeypatch):
    # The OONI API's quota is a moving window per client with 429s that carry no Retry-After
    # (ooni/backend ooniapi/common/src/common/rate_limit_quotas.py); here a minute is scaled down
    # to one second and the quota to 5 requests, and claimaudit is told the same quota.
    from claimaudit.fetch import _download as download
    from support.fake_servers import Quota

    monkeypatch.setattr(download, "QUOTA_WINDOW_SECONDS", 1.0)
    monkeypatch.setenv("CLAIMAUDIT_REQUESTS_PER_MINUTE", "5")
    world.quota = Quota(5, window=1.0)
    result = CliRunner().invoke(app, ["fetch", "--strict"])
    assert result.exit_code == 0, result.output
    assert "15 of 15 sources available" in result.output  # 1 pinned + 11 declared + 3 notebook windows
    ooni_requests = [p for p, _ in world.requests if p.startswith("/api/")]
    # 7 declared windows × 2 grid blocks + findings, then the notebooks' two year-long OONI windows
    assert len(ooni_requests) > 15
    assert world.quota.refused == 0  # not one 429
    assert "ooni_api: as of" in result.output and "tor_metrics: as of" in result.output


def test_fetch_refresh_asks_every_live_window_again_but_not_the_pinned_files(world):
    runner = CliRunner()
    assert runner.invoke(app, ["fetch"]).exit_code == 0
    before = {p: n for p, n in _counts(world).items()}
    # one request per distinct question: windows of the plan that ask the same thing share it
    distinct = len({(p, str(sorted(q.items()))) for p, q in world.requests if p == "/api/v1/aggregation"})
    assert before["/api/v1/aggregation"] == distinct
    from claimaudit.fetch import manifest_entries

    empty = sum(bool(e.get("empty")) for e in manifest_entries().values())
    # the synthetic world has no psiphon, torsf, vanilla_tor, openvpn, riseupvpn rows: 10 empty answers
    # for the declared windows, more for the notebooks' year-long windows that the plan adds
    assert empty > 10
    again = runner.invoke(app, ["fetch"])
    assert again.exit_code == 0
    # old windows come from the cache; only the empty answers are asked again
    assert _counts(world) == {**before, "/api/v1/aggregation": before["/api/v1/aggregation"] + empty}
    before = _counts(world)
    refreshed = runner.invoke(app, ["fetch", "--refresh"])
    assert refreshed.exit_code == 0, refreshed.output
    after = _counts(world)
    assert after["/synthetic/trend.csv"] == before["/synthetic/trend.csv"] == 1
    assert after["/api/v1/aggregation"] == before["/api/v1/aggregation"] + distinct
    for path in ("/api/v1/incidents/search", "/userstats-relay-country.csv", "/v2/signals/raw/country/PK"):
        assert after[path] == 2 * before[path], path


def test_live_outcomes_carry_as_of_and_a_page_people_can_open(world):
    outcomes = {o.name: o for o in fetch_all()}
    tor = outcomes["Tor Metrics relay users PK 2024"]
    assert tor.as_of and tor.as_of.endswith("Z") and "as of" in tor.detail
    assert tor.page_url == (
        "https://metrics.torproject.org/userstats-relay-country.html?start=2024-01-01"
        "&end=2024-12-31&country=pk&events=on"
    )
    x = outcomes["OONI web_connectivity PK x.com,twitter.com 2024-02-01..2024-03-01"]
    assert x.page_url.startswith("https://explorer.ooni.org/chart/mat?probe_cc=PK&test_name=web_connectivity")
    assert "domain=x.com%2Ctwitter.com" in x.page_url
    assert outcomes["IODA country PK 2024-11-01..2024-12-01"].page_url.startswith(
        "https://ioda.inetintel.cc.gatech.edu/country/PK?from="
    )


def _counts(server) -> dict[str, int]:
    counts: dict[str, int] = {}
    for path, _ in server.requests:
        counts[path] = counts.get(path, 0) + 1
    return counts
