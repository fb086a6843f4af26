"""Tor Metrics and IODA loaders against a local server speaking their documented formats."""

from __future__ import annotations

import calendar
import datetime as dt

import polars as pl
import pytest
from support.fake_servers import FakeServer, Reply, ioda_envelope, ioda_handler, synthetic_ioda_series, tor_handler

from claimaudit.datasets import ioda, tor_metrics
from claimaudit.errors import DataError, FetchError, NotAvailableError
from claimaudit.fetch import manifest_entries


@pytest.fixture
def server(monkeypatch, isolated_cache):
    with FakeServer() as srv:
        monkeypatch.setenv("CLAIMAUDIT_TOR_METRICS", srv.url)
        monkeypatch.setenv("CLAIMAUDIT_IODA_API", srv.url)
        monkeypatch.delenv("CLAIMAUDIT_MIRROR", raising=False)
        srv.route("/userstats-relay-country.csv", tor_handler("relay"))
        srv.route("/userstats-bridge-country.csv", tor_handler("bridge"))
        srv.route("/v2/signals/raw/country/PK", ioda_handler())
        yield srv


def test_relay_users_skip_comment_lines_and_are_typed(server):
    frame = tor_metrics.userstats("PK", "2024-11-01", "2024-11-30")
    assert frame.columns == ["date", "country", "users", "lower", "upper", "frac", "kind"]
    assert frame.height == 30 and frame["date"].min() == dt.date(2024, 11, 1)
    assert frame.schema["users"] == pl.Int64 and frame.schema["lower"] == pl.Float64
    assert (frame["lower"] <= frame["users"]).all() and (frame["users"] <= frame["upper"]).all()
    query = server.hits("/userstats-relay-country.csv")[0]
    assert query == {"start": ["2024-01-01"], "end": ["2024-12-31"], "country": ["pk"], "events": ["on"]}


def test_whole_years_are_fetched_so_narrower_windows_are_answered_offline(server):
    tor_metrics.userstats("pk", "2023-12-01", "2024-02-01")
    assert sorted(q["start"][0] for q in server.hits("/userstats-relay-country.csv")) == ["2023-01-01", "2024-01-01"]
    narrow = tor_metrics.userstats("pk", "2024-01-10", "2024-01-12", offline=True)
    assert narrow["date"].to_list() == [dt.date(2024, 1, d) for d in (10, 11, 12)]


def test_bridge_users_have_no_range_and_are_cached_for_offline_use(server):
    online = tor_metrics.userstats("pk", "2024-11-01", "2024-11-10", kind="bridge")
    assert online["lower"].null_count() == 10 and set(online["kind"]) == {"bridge"}
    offline = tor_metrics.userstats("pk", "2024-11-01", "2024-11-10", kind="bridge", offline=True)
    assert offline.equals(online) and len(server.hits("/userstats-bridge-country.csv")) == 1


def test_tor_bad_cell_names_the_line(server):
    server.route("/userstats-relay-country.csv", Reply.csv(
        "# synthetic\ndate,country,users,lower,upper,frac\n2024-11-01,pk,many,1,2,50\n"))
    with pytest.raises(DataError) as info:
        tor_metrics.userstats("pk", "2024-11-01", "2024-11-01")
    assert info.value.line == 3 and info.value.column == "users"
    assert manifest_entries() == {}


def test_tor_days_outside_the_request_are_refused(server):
    server.route("/userstats-relay-country.csv", Reply.csv(
        "date,country,users,lower,upper,frac\n2023-01-01,pk,5,1,9,50\n"))
    with pytest.raises(DataError, match="outside"):
        tor_metrics.userstats("pk", "2024-11-01", "2024-11-02")


def test_tor_offline_without_cache(server):
    with pytest.raises(NotAvailableError, match="userstats-relay-country.csv"):
        tor_metrics.userstats("pk", "2024-01-01", "2024-12-31", offline=True)


def _unix(day: str) -> int:
    return calendar.timegm(dt.date.fromisoformat(day).timetuple())


def test_ioda_signals_are_tidy_with_timestamps_from_step_and_nulls_kept(server):
    frame = ioda.signals("country", "PK", "2024-11-01", "2024-11-02")
    assert set(frame["datasource"]) == {"bgp", "ping-slash24"}
    bgp = frame.filter(pl.col("datasource") == "bgp")
    assert bgp.height == 24
    assert bgp["timestamp"][0] == dt.datetime(2024, 11, 1, tzinfo=dt.UTC)
    assert bgp["timestamp"][5] == dt.datetime(2024, 11, 1, 5, tzinfo=dt.UTC)
    assert bgp["value"].null_count() == sum(1 for i in range(24) if i % 5 == 3)
    query = server.hits("/v2/signals/raw/country/PK")[0]
    assert query == {"from": [str(_unix("2024-11-01"))], "until": [str(_unix("2024-11-02"))]}


def test_ioda_datasource_filter_and_offline_reuse(server):
    online = ioda.signals("country", "PK", "2024-11-01", "2024-11-02", datasource="bgp")
    assert set(online["datasource"]) == {"bgp"}
    assert ioda.signals("country", "PK", "2024-11-01", "2024-11-02", datasource="bgp", offline=True).equals(online)


def test_ioda_error_envelope_is_refused(server):
    server.route("/v2/signals/raw/country/PK", Reply.json({**ioda_envelope([]), "data": None,
                                                           "error": "synthetic: bad entity"}))
    with pytest.raises(FetchError, match="bad entity"):
        ioda.signals("country", "PK", "2024-11-01", "2024-11-02")
    assert manifest_entries() == {}


def test_ioda_nested_values_are_refused_clearly(server):
    series = synthetic_ioda_series(entity_type="country", entity_code="PK", start=_unix("2024-11-01"),
                                   until=_unix("2024-11-01") + 7200, step=3600, datasource="ping-slash24-loss")
    series["values"] = [{"loss": 0.1}, None]
    server.route("/v2/signals/raw/country/PK", Reply.json(ioda_envelope([series])))
    with pytest.raises(DataError, match="ping-slash24-loss"):
        ioda.signals("country", "PK", "2024-11-01", "2024-11-02")


def test_ioda_malformed_json(server):
    server.route("/v2/signals/raw/country/PK", Reply(200, b'{"data": [[{"from": 1'))
    with pytest.raises(FetchError, match="not valid JSON"):
        ioda.signals("country", "PK", "2024-11-01", "2024-11-02")


def test_ioda_rejects_unknown_entity_types():
    with pytest.raises(DataError, match="entity_type"):
        ioda.signals("planet", "PK", "2024-11-01", "2024-11-02")
