"""Tor Metrics and IODA loaders against a local server speaking their documented formats."""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import json

import polars as pl
import pytest

from claimaudit.datasets import ioda, tor_metrics
from claimaudit.errors import DataError, FetchError, NotAvailableError
from claimaudit.fetch import manifest_entries
from support.fake_servers import (
    FakeServer,
    Reply,
    ioda_backend_failure_reply,
    ioda_envelope,
    ioda_handler,
    synthetic_ioda_merged_series,
    synthetic_ioda_series,
    tor_handler,
)


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
    server.route(
        "/userstats-relay-country.csv",
        Reply.csv("# synthetic\ndate,country,users,lower,upper,frac\n2024-11-01,pk,many,1,2,50\n"),
    )
    with pytest.raises(DataError) as info:
        tor_metrics.userstats("pk", "2024-11-01", "2024-11-01")
    assert info.value.line == 3 and info.value.column == "users"
    assert manifest_entries() == {}


def test_tor_days_outside_the_request_are_refused(server):
    server.route(
        "/userstats-relay-country.csv", Reply.csv("date,country,users,lower,upper,frac\n2023-01-01,pk,5,1,9,50\n")
    )
    with pytest.raises(DataError, match="outside"):
        tor_metrics.userstats("pk", "2024-11-01", "2024-11-02")


def test_tor_offline_without_cache(server):
    with pytest.raises(NotAvailableError, match="userstats-relay-country.csv"):
        tor_metrics.userstats("pk", "2024-01-01", "2024-12-31", offline=True)


def _unix(day: str) -> int:
    return calendar.timegm(dt.date.fromisoformat(day).timetuple())


def test_ioda_signals_are_tidy_with_timestamps_from_step_and_nulls_kept(server):
    frame = ioda.signals("country", "PK", "2024-11-01", "2024-11-02")
    assert set(frame["datasource"]) == set(ioda.DATASOURCES)
    bgp = frame.filter(pl.col("datasource") == "bgp")
    assert bgp.height == 24
    assert bgp["timestamp"][0] == dt.datetime(2024, 11, 1, tzinfo=dt.UTC)
    assert bgp["timestamp"][5] == dt.datetime(2024, 11, 1, 5, tzinfo=dt.UTC)
    assert bgp["value"].null_count() == sum(1 for i in range(24) if i % 5 == 3)
    queries = server.hits("/v2/signals/raw/country/PK")
    assert queries[0] == {
        "from": [str(_unix("2024-11-01"))],
        "until": [str(_unix("2024-11-02"))],
        "datasource": ["bgp"],
    }


def test_defect_1_ioda_asks_each_datasource_on_its_own_and_never_meets_merged_series(server):
    # The remodelled server answers a request without datasource with every datasource, merged
    # ones as lists of objects (SignalsController.php:356-358); claimaudit must never ask so.
    frame = ioda.signals("country", "PK", "2024-11-01", "2024-11-03")
    asked = [q.get("datasource", [None])[0] for q in server.hits("/v2/signals/raw/country/PK")]
    assert asked == list(ioda.DATASOURCES)
    assert frame.group_by("datasource").len().sort("datasource")["len"].to_list() == [48] * 4
    assert frame.schema["value"] == pl.Float64


def test_defect_1_a_merged_series_in_an_answer_is_skipped_with_a_warning(server):
    bgp = synthetic_ioda_series(
        entity_type="country",
        entity_code="PK",
        start=_unix("2024-11-01"),
        until=_unix("2024-11-02"),
        step=3600,
        datasource="bgp",
    )
    merged = synthetic_ioda_merged_series(
        entity_type="country",
        entity_code="PK",
        start=_unix("2024-11-01"),
        until=_unix("2024-11-02"),
        step=3600,
        datasource="ping-slash24-loss",
    )
    server.route("/v2/signals/raw/country/PK", Reply.json(ioda_envelope([bgp, merged])))
    with pytest.warns(UserWarning, match="skipped IODA series 'ping-slash24-loss'"):
        frame = ioda.signals("country", "PK", "2024-11-01", "2024-11-02", datasource="bgp")
    assert set(frame["datasource"]) == {"bgp"} and frame.height == 24


def test_defect_2_ranges_over_100_days_are_asked_in_pieces(server):
    frame = ioda.signals("country", "PK", "2024-01-01", "2024-12-31", datasource="bgp")
    spans = [(int(q["from"][0]), int(q["until"][0])) for q in server.hits("/v2/signals/raw/country/PK")]
    assert [(b - a) // 86400 for a, b in spans] == [100, 100, 100, 65]
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    assert frame.height == 365 * 24 and frame["timestamp"].is_unique().all()
    assert frame["timestamp"].max() == dt.datetime(2024, 12, 30, 23, tzinfo=dt.UTC)


def test_defect_2_the_servers_100_day_refusal_is_shown_in_its_words(server):
    from claimaudit.fetch import fetch

    url = ioda.signals_url("country", "PK", "2024-01-01", "2024-06-01", datasource="bgp")
    with pytest.raises(FetchError, match="HTTP 400.*must be less than 100 days"):
        fetch(url, max_retries=0)


def test_defect_8_ioda_error_is_shown_with_the_request(server):
    with pytest.raises(FetchError) as info:
        ioda.signals("country", "PK", "2024-11-01", "2024-11-02", datasource="synthetic-nonsense")
    text = str(info.value)
    assert "invalid datasource synthetic-nonsense" in text and "datasource=synthetic-nonsense" in text


@pytest.mark.parametrize("bad", ["NaN", "Infinity", "-Infinity", "-1e999"])
def test_ioda_non_finite_numbers_are_refused_and_not_cached(server, bad):
    body = json.dumps(
        ioda_envelope(
            [
                synthetic_ioda_series(
                    entity_type="country",
                    entity_code="PK",
                    start=_unix("2024-11-01"),
                    until=_unix("2024-11-01") + 7200,
                    step=3600,
                    datasource="bgp",
                )
            ]
        )
    ).replace('"values": [1000, 1001]', f'"values": [1000, {bad}]')
    assert bad in body
    server.route("/v2/signals/raw/country/PK", Reply(200, body.encode(), {"Content-Type": "application/json"}))
    with pytest.raises(FetchError, match="not finite"):
        ioda.signals("country", "PK", "2024-11-01", "2024-11-02", datasource="bgp")
    assert manifest_entries() == {}


def test_links_to_the_tor_and_ioda_pages_people_can_open():
    assert tor_metrics.graph_url("PK", "2024-11-01", "2024-11-30") == (
        "https://metrics.torproject.org/userstats-relay-country.html?start=2024-11-01&end=2024-11-30"
        "&country=pk&events=on"
    )
    assert ioda.dashboard_url("asn", "17557", "2024-11-01", "2024-11-02") == (
        f"https://ioda.inetintel.cc.gatech.edu/asn/17557?from={_unix('2024-11-01')}&until={_unix('2024-11-02')}"
    )


def test_ioda_datasource_filter_and_offline_reuse(server):
    online = ioda.signals("country", "PK", "2024-11-01", "2024-11-02", datasource="bgp")
    assert set(online["datasource"]) == {"bgp"}
    assert ioda.signals("country", "PK", "2024-11-01", "2024-11-02", datasource="bgp", offline=True).equals(online)


def test_ioda_error_envelope_is_refused(server):
    server.route(
        "/v2/signals/raw/country/PK", Reply.json({**ioda_envelope([]), "data": None, "error": "synthetic: bad entity"})
    )
    with pytest.raises(FetchError, match="bad entity"):
        ioda.signals("country", "PK", "2024-11-01", "2024-11-02")
    assert manifest_entries() == {}


def test_ioda_nested_values_of_the_datasource_asked_for_are_refused_clearly(server):
    with pytest.raises(DataError, match="'ping-slash24-loss' has non-numeric values"):
        ioda.signals("country", "PK", "2024-11-01", "2024-11-02", datasource="ping-slash24-loss")
    assert manifest_entries() == {}


def test_ioda_malformed_json(server):
    server.route("/v2/signals/raw/country/PK", Reply(200, b'{"data": [[{"from": 1'))
    with pytest.raises(FetchError, match="not valid JSON"):
        ioda.signals("country", "PK", "2024-11-01", "2024-11-02")


def test_ioda_rejects_unknown_entity_types():
    with pytest.raises(DataError, match="entity_type"):
        ioda.signals("planet", "PK", "2024-11-01", "2024-11-02")


def test_an_ioda_answer_without_series_is_recorded_empty_and_asked_again(server):
    server.route("/v2/signals/raw/country/PK", ioda_backend_failure_reply())
    assert ioda.signals("country", "PK", "2024-11-01", "2024-11-02", datasource="bgp").height == 0
    [entry] = manifest_entries().values()
    assert entry["empty"] is True and entry["live"] == "ioda"
    server.route("/v2/signals/raw/country/PK", ioda_handler())
    assert ioda.signals("country", "PK", "2024-11-01", "2024-11-02", datasource="bgp").height == 24
    assert len(server.hits("/v2/signals/raw/country/PK")) == 2
