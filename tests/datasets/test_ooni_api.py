"""claimaudit.datasets.ooni_api against a local server speaking the OONI API's documented formats."""

from __future__ import annotations

import datetime as dt
import itertools

import polars as pl
import pytest

import claimaudit.fetch
from claimaudit.datasets import ooni_api
from claimaudit.errors import DataError, FetchError, NotAvailableError
from claimaudit.fetch import manifest_entries
from support.fake_servers import (
    FakeServer,
    Reply,
    aggregation_handler,
    measurements_handler,
    ooni_error_reply,
    synthetic_aggregation_rows,
    synthetic_incidents,
    synthetic_measurements,
)

NOV, DEC = dt.date(2024, 11, 1), dt.date(2024, 12, 1)
SYNTHETIC_ROWS = synthetic_aggregation_rows(
    tests=["tor", "psiphon"], asns=[17557, 9541, 45595], since=dt.date(2024, 10, 1), until=dt.date(2025, 1, 1)
)


@pytest.fixture
def api(monkeypatch, isolated_cache):
    with FakeServer() as server:
        monkeypatch.setenv("CLAIMAUDIT_OONI_API", server.url)
        monkeypatch.delenv("CLAIMAUDIT_MIRROR", raising=False)
        server.route("/api/v1/aggregation", aggregation_handler(SYNTHETIC_ROWS))
        yield server


def _expected(tests, since, until) -> pl.DataFrame:
    return pl.DataFrame(
        [
            r
            for r in SYNTHETIC_ROWS
            if r["test_name"] in tests and since.isoformat() <= r["measurement_start_day"] < until.isoformat()
        ]
    )


def test_daily_counts_per_network_and_test(api):
    frame = ooni_api.aggregate(probe_cc="PK", test_name="tor,psiphon", since=NOV, until=DEC)
    assert frame.columns == ["measurement_start_day", "probe_asn", "test_name", *ooni_api.COUNTERS]
    assert frame.schema["measurement_start_day"] == pl.Date and frame.schema["probe_asn"] == pl.Int64
    expected = _expected({"tor", "psiphon"}, NOV, DEC)
    assert frame.height == expected.height == 30 * 3 * 2
    key = ["measurement_start_day", "probe_asn", "test_name"]
    got = frame.with_columns(pl.col("measurement_start_day").cast(pl.String)).sort(key)
    assert got.select(key + ["ok_count", "measurement_count"]).equals(
        expected.select(key + ["ok_count", "measurement_count"]).sort(key)
    )
    queries = api.hits("/api/v1/aggregation")
    assert {q["test_name"][0] for q in queries} == {"tor", "psiphon"}
    assert all(q["time_grain"] == ["day"] and q["format"] == ["CSV"] for q in queries)


def test_without_the_day_axis_the_totals_cover_only_the_window(api):
    frame = ooni_api.aggregate(
        probe_cc="PK", test_name="tor", since=NOV, until=dt.date(2024, 11, 11), axis_x=None, axis_y="probe_asn"
    )
    expected = (
        _expected({"tor"}, NOV, dt.date(2024, 11, 11))
        .group_by("probe_asn")
        .agg(pl.col("measurement_count").sum())
        .sort("probe_asn")
    )
    assert frame.select("probe_asn", "measurement_count").sort("probe_asn").equals(expected)
    assert [(q["since"], q["until"]) for q in api.hits("/api/v1/aggregation")] == [(["2024-11-01"], ["2024-11-11"])]


def test_an_empty_test_list_is_a_clear_error(api):
    with pytest.raises(DataError, match="names no test"):
        ooni_api.aggregate(probe_cc="PK", test_name=" , ", since=NOV, until=DEC)


def test_ranges_are_asked_in_30_day_blocks_on_a_fixed_grid_and_until_is_exclusive(api):
    frame = ooni_api.aggregate(probe_cc="PK", test_name="tor", since="2024-10-01", until="2024-12-31")
    windows = sorted((q["since"][0], q["until"][0]) for q in api.hits("/api/v1/aggregation"))
    assert windows == [
        ("2024-09-14", "2024-10-14"),
        ("2024-10-14", "2024-11-13"),
        ("2024-11-13", "2024-12-13"),
        ("2024-12-13", "2025-01-12"),
    ]
    assert frame["measurement_start_day"].max() == dt.date(2024, 12, 30)
    assert frame["measurement_start_day"].n_unique() == 91


def test_results_are_re_read_offline_from_the_cache(api):
    online = ooni_api.aggregate(probe_cc="PK", test_name="tor", since=NOV, until=DEC)
    hits = len(api.hits("/api/v1/aggregation"))
    offline = ooni_api.aggregate(probe_cc="PK", test_name="tor", since=NOV, until=DEC, offline=True)
    assert offline.equals(online) and len(api.hits("/api/v1/aggregation")) == hits
    entries = [e for u, e in manifest_entries().items() if "/api/v1/aggregation" in u]
    assert entries and all(e["origin"] == "network" and e["status"] == 200 for e in entries)


def test_offline_without_cache_raises_not_available(api):
    with pytest.raises(NotAvailableError, match="aggregation"):
        ooni_api.aggregate(probe_cc="PK", test_name="tor", since=NOV, until=DEC, offline=True)


def test_empty_body_means_no_measurements(api):
    frame = ooni_api.aggregate(probe_cc="PK", test_name="tor", since="2023-01-01", until="2023-01-10")
    assert frame.height == 0 and frame.columns[2] == "test_name"


def test_error_json_with_status_200_is_a_clear_error_and_not_cached(api):
    api.route("/api/v1/aggregation", ooni_error_reply("Invalid test_name value"))
    with pytest.raises(FetchError, match="Invalid test_name value"):
        ooni_api.aggregate(probe_cc="PK", test_name="tor", since=NOV, until=DEC)
    assert manifest_entries() == {}


def test_counts_that_do_not_add_up_are_refused(api):
    api.route(
        "/api/v1/aggregation",
        Reply.csv(
            "anomaly_count,confirmed_count,failure_count,measurement_count,measurement_start_day,ok_count,probe_asn\n"
            "1,0,0,5,2024-11-01,3,17557\n"
        ),
    )
    with pytest.raises(DataError, match="differs from measurement_count") as info:
        ooni_api.aggregate(probe_cc="PK", test_name="tor", since=NOV, until=DEC)
    assert info.value.line == 2
    assert manifest_entries() == {}


def test_days_outside_the_window_are_refused(api):
    api.route(
        "/api/v1/aggregation",
        Reply.csv(
            "anomaly_count,confirmed_count,failure_count,measurement_count,measurement_start_day,ok_count,probe_asn\n"
            "0,0,0,3,2024-12-01,3,17557\n"
        ),
    )
    with pytest.raises(DataError, match="outside the window"):
        ooni_api.aggregate(probe_cc="PK", test_name="tor", since=NOV, until=DEC)


def test_malformed_csv_is_refused(api):
    api.route("/api/v1/aggregation", Reply.csv('anomaly_count,ok_count\n"1,2\n'))
    with pytest.raises(DataError):
        ooni_api.aggregate(probe_cc="PK", test_name="tor", since=NOV, until=DEC)
    assert manifest_entries() == {}


def test_a_500_is_retried(api, monkeypatch):
    handler = aggregation_handler(SYNTHETIC_ROWS)
    calls = []

    def flaky(query):
        calls.append(1)
        return Reply(500, b"synthetic outage") if len(calls) == 1 else handler(query)

    api.route("/api/v1/aggregation", flaky)
    waits: list[float] = []
    monkeypatch.setattr(claimaudit.fetch._core, "backoff_sleep", waits.append)
    frame = ooni_api.aggregate(probe_cc="PK", test_name="tor", since=NOV, until=DEC)
    assert frame.height == 90 and len(calls) == 3 and waits == [1.0]  # 2 blocks, 1 retry


def test_measurements_are_paged_by_time_and_all_come_back(api):
    items = synthetic_measurements(250)
    api.route("/api/v1/measurements", measurements_handler(items, lambda: api.url))
    frame = ooni_api.measurements(probe_cc="PK", test_name="tor", since=NOV, until=DEC, limit=100)
    assert frame.height == 250 and frame["measurement_uid"].n_unique() == 250
    assert frame.schema["measurement_start_time"] == pl.Datetime("us", "UTC")
    assert frame["probe_asn"].unique().sort().to_list() == [9541, 17557, 45595]
    sinces = [q["since"][0] for q in api.hits("/api/v1/measurements")]
    # each next page starts one second before the last start time seen (item 99 is at +99 h, item 198 at +198 h)
    assert sinces == ["2024-10-31T23:59:59", "2024-11-05T02:59:59", "2024-11-09T05:59:59"]


def test_defect_4_the_window_is_since_inclusive_until_exclusive_whatever_the_api_filters(api):
    # The API keeps start > since and start <= until (measurements.py:782-788): asked naively with
    # since=2024-11-01, it would drop a measurement at 00:00:00 that day and keep one at 00:00:00
    # on 2024-12-01. The remodelled server filters like the API.
    at = [
        dt.datetime(2024, 11, 1, tzinfo=dt.UTC),
        dt.datetime(2024, 11, 15, 12, tzinfo=dt.UTC),
        dt.datetime(2024, 12, 1, tzinfo=dt.UTC),
    ]
    items = [
        synthetic_measurements(1, start=t)[0] | {"measurement_uid": f"synthetic-uid-{i}"} for i, t in enumerate(at)
    ]
    api.route("/api/v1/measurements", measurements_handler(items, lambda: api.url))
    frame = ooni_api.measurements(probe_cc="PK", test_name="tor", since=NOV, until=DEC)
    assert frame["measurement_start_time"].to_list() == at[:2]
    query = api.hits("/api/v1/measurements")[0]
    assert (query["since"], query["until"]) == (["2024-10-31T23:59:59"], ["2024-11-30T23:59:59"])


def _naive_offset_pages(api, limit: int) -> list[str]:
    """What following next_url would have collected (the old behaviour)."""
    import requests

    url = (
        f"{api.url}/api/v1/measurements?probe_cc=PK&test_name=tor&since=2024-10-31T23:59:59"
        f"&until=2024-11-30T23:59:59&order_by=measurement_start_time&order=asc&limit={limit}"
    )
    uids = []
    while url:
        data = requests.get(url, timeout=5).json()
        uids += [m["measurement_uid"] for m in data["results"]]
        url = data["metadata"]["next_url"]
    return uids


def test_defect_5_ties_at_page_boundaries_are_neither_skipped_nor_repeated(api):
    # 300 measurements, 7 sharing each start time, pages of 100: the server gives ties in a
    # different order on every query (ORDER BY start time only, measurements.py:887-894).
    items = synthetic_measurements(300, per_step=7)
    api.route("/api/v1/measurements", measurements_handler(items, lambda: api.url, seed=3))
    naive = _naive_offset_pages(api, 100)
    assert len(naive) == 300 and len(set(naive)) < 300  # the server does model the defect
    frame = ooni_api.measurements(probe_cc="PK", test_name="tor", since=NOV, until=DEC, limit=100)
    assert frame.height == 300 and set(frame["measurement_uid"]) == {m["measurement_uid"] for m in items}


def test_defect_5_a_whole_page_in_one_second_is_paged_by_offset_and_counted(api):
    items = synthetic_measurements(30, per_step=30)  # all at 2024-11-01T00:00:00
    api.route("/api/v1/measurements", measurements_handler(items, lambda: api.url, seed=5))
    frame = ooni_api.measurements(probe_cc="PK", test_name="tor", since=NOV, until=DEC, limit=50)
    assert frame.height == 30
    items = synthetic_measurements(60, per_step=60)
    api.route("/api/v1/measurements", measurements_handler(items, lambda: api.url, seed=5))
    # 60 ties in one second, pages of 25: offset pages of shuffled ties lose some — said, not hidden
    with pytest.raises(DataError, match=r"60 measurements share the start time 2024-11-01T00:00:00Z but only \d+"):
        ooni_api.measurements(probe_cc="PK", test_name="tor", since=NOV, until=DEC, limit=25, refresh=True)


def test_measurements_split_windows_of_180_days(api):
    api.route("/api/v1/measurements", measurements_handler(synthetic_measurements(3), lambda: api.url))
    ooni_api.measurements(probe_cc="PK", test_name="tor", since="2024-01-01", until="2024-12-31")
    spans = [(q["since"][0][:10], q["until"][0][:10]) for q in api.hits("/api/v1/measurements")]
    assert spans == [("2023-12-31", "2024-06-28"), ("2024-06-28", "2024-12-25"), ("2024-12-25", "2024-12-30")]


def test_the_servers_180_day_refusal_is_shown_in_its_words(api):
    from claimaudit.fetch import fetch

    api.route("/api/v1/measurements", measurements_handler([], lambda: api.url))
    url = ooni_api.measurements_url(
        probe_cc="PK", test_name="tor", since=dt.datetime(2024, 1, 1), until=dt.datetime(2024, 12, 1)
    )
    with pytest.raises(FetchError, match=r"HTTP 400.*the service said: Time range must not exceed 6 months"):
        fetch(url, max_retries=0)


def test_defect_8_an_ooni_400_says_what_the_api_said_with_the_request(api):
    with pytest.raises(FetchError) as info:
        ooni_api.aggregate(probe_cc="PK", test_name="tor", since=NOV, until=DEC, probe_asn="synthetic")
    text = str(info.value)
    assert "HTTP 400" in text and "the service said: Invalid ASN value in parameter probe_asn" in text
    assert "probe_asn=ASsynthetic" in text  # the request


def test_defect_8_fastapi_validation_errors_are_listed(api):
    api.route(
        "/api/v1/aggregation",
        Reply.json(
            {
                "detail": [
                    {"loc": ["query", "since"], "msg": "Input should be a valid datetime", "type": "datetime_parsing"}
                ]
            },
            status=422,
        ),
    )
    with pytest.raises(FetchError, match="the service said: since: Input should be a valid datetime"):
        ooni_api.aggregate(probe_cc="PK", test_name="tor", since=NOV, until=dt.date(2024, 11, 2))


def test_aggregation_csv_with_crlf_line_ends_is_read(api):
    frame = ooni_api.aggregate(probe_cc="PK", test_name="tor", since=NOV, until=dt.date(2024, 11, 3))
    assert frame.height == 6 and frame.schema["ok_count"] == pl.Int64
    body = next(iter(manifest_entries().values()))
    from claimaudit.fetch import cache_path

    assert b"\r\n" in cache_path(body["url"]).read_bytes()  # the server does send CRLF


def test_defect_3_riseupvpn_after_2023_10_17_is_unscored_data():
    assert ooni_api.UNSCORED_SINCE == {"riseupvpn": dt.date(2023, 10, 17)}
    [item] = ooni_api.unscored(["tor", "riseupvpn"], "2023-10-01", "2023-11-01")
    assert item["kind"] == "riseupvpn_unscored" and item["excluded_from"] == "2023-10-17"
    assert ooni_api.unscored("riseupvpn,tor", "2023-01-01", "2023-10-17") == []
    days = pl.DataFrame(
        {
            "measurement_start_day": [dt.date(2023, 10, 16), dt.date(2023, 10, 17)] * 2,
            "test_name": ["riseupvpn", "riseupvpn", "tor", "tor"],
            "measurement_count": [3, 4, 5, 6],
        }
    )
    kept, left_out = ooni_api.drop_unscored(days)
    assert left_out == 4 and kept["measurement_count"].to_list() == [3, 5, 6]


def test_explorer_links_ask_the_same_question():
    from urllib.parse import parse_qs, urlsplit

    chart = ooni_api.explorer_chart_url(
        probe_cc="PK", test_name="web_connectivity", since=NOV, until=DEC, domain="x.com", probe_asn=17557
    )
    parts = urlsplit(chart)
    assert (parts.netloc, parts.path) == ("explorer.ooni.org", "/chart/mat")
    assert parse_qs(parts.query) == {
        "probe_cc": ["PK"],
        "test_name": ["web_connectivity"],
        "since": ["2024-11-01"],
        "until": ["2024-12-01"],
        "axis_x": ["measurement_start_day"],
        "time_grain": ["day"],
        "domain": ["x.com"],
        "probe_asn": ["AS17557"],
    }
    search = ooni_api.explorer_search_url(probe_cc="PK", test_name="tor", since=NOV, until=DEC, only="anomalies")
    assert search == (
        "https://explorer.ooni.org/search?probe_cc=PK&test_name=tor&since=2024-11-01&until=2024-12-01&only=anomalies"
    )
    with pytest.raises(DataError, match="only="):
        ooni_api.explorer_search_url(probe_cc="PK", test_name="tor", since=NOV, until=DEC, only="synthetic")


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("anomaly", "synthetic-yes", "'synthetic-yes' is not of type boolean"),
        ("report_id", 12345, "12345 is not of type string"),
        ("probe_asn", "ASsynthetic", "probe_asn 'ASsynthetic' is not an AS number (record 2)"),
    ],
)
def test_a_measurement_of_the_wrong_type_is_a_data_error_and_not_cached(api, field, value, says):
    items = synthetic_measurements(3)
    items[1][field] = value
    api.route("/api/v1/measurements", measurements_handler(items, lambda: api.url))
    with pytest.raises(DataError) as info:
        ooni_api.measurements(probe_cc="PK", test_name="tor", since=NOV, until=DEC)
    assert says in str(info.value) and info.value.column == field
    assert manifest_entries() == {}


def test_measurements_error_document_is_refused(api):
    api.route("/api/v1/measurements", Reply.json({"msg": "synthetic: span too long"}, status=200))
    with pytest.raises(FetchError, match="span too long"):
        ooni_api.measurements(probe_cc="PK", test_name="tor", since=NOV, until=DEC)


def test_incidents_have_the_pinned_columns(api):
    api.route("/api/v1/incidents/search", Reply.json(synthetic_incidents()))
    frame = ooni_api.incidents("PK")
    assert frame.height == 2 and frame["asns"].to_list()[1] == [17557, 9541]
    assert frame["end_time"][0] is None
    assert api.hits("/api/v1/incidents/search")[0]["country_code"] == ["PK"]


def test_a_narrower_window_and_reordered_domains_are_answered_from_the_cache(api):
    ooni_api.aggregate(probe_cc="PK", test_name="tor", since=NOV, until=DEC, domain="x.com,twitter.com")
    narrow = ooni_api.aggregate(
        probe_cc="PK", test_name="tor", since="2024-11-05", until="2024-11-08", domain="twitter.com,x.com", offline=True
    )
    assert sorted(narrow["measurement_start_day"].unique()) == [dt.date(2024, 11, d) for d in (5, 6, 7)]
    assert {q["domain"][0] for q in api.hits("/api/v1/aggregation")} == {"twitter.com,x.com"}


def test_incident_columns_match_the_pinned_datapackage():
    from claimaudit.datasets import sources

    pinned = sources.read_descriptor("ooni-incidents")["resources"][0]["schema"]["fields"]
    keys = ("name", "type", "claimaudit:source_name", "claimaudit:item_type")
    assert [{k: f[k] for k in keys if k in f} for f in pinned] == ooni_api.INCIDENT_FIELDS


from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2030, 1, 1)), st.integers(1, 400))
def test_grid_blocks_cover_the_window_without_gaps(since, length):
    from claimaudit.datasets._live import grid_windows

    until = since + dt.timedelta(days=length)
    blocks = list(grid_windows(since, until, days=30))
    assert blocks[0][0] <= since < blocks[0][1] and blocks[-1][0] < until <= blocks[-1][1]
    assert all(hi - lo == dt.timedelta(days=30) for lo, hi in blocks)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(blocks))
    assert all((lo - dt.date(1970, 1, 1)).days % 30 == 0 for lo, _ in blocks)
