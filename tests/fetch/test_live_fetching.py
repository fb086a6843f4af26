"""Live answers against the remodelled test server: quotas (defect 6), freshness (defect 7), and
the faults of issue 13 (bad gzip, redirect loops, dribbling or silent servers, empty and unframed
bodies). Every server and body here is synthetic."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest

import claimaudit.fetch
from claimaudit.datasets import ooni_api, tor_metrics
from claimaudit.errors import FetchError
from claimaudit.fetch import _download as download
from claimaudit.fetch import cached_entry, fetch, live_provenance, manifest_entries
from support.fake_servers import (
    FakeServer,
    Quota,
    Reply,
    aggregation_handler,
    synthetic_aggregation_rows,
    tor_handler,
)

BODY = b"date,value\r\n2024-11-01,1\r\n"


@pytest.fixture
def server(monkeypatch, isolated_cache):
    monkeypatch.delenv("CLAIMAUDIT_MIRROR", raising=False)
    monkeypatch.delenv("CLAIMAUDIT_REQUESTS_PER_MINUTE", raising=False)
    with FakeServer() as srv:
        yield srv


def _quota_429() -> Reply:
    # ooni/backend ooniapi/common/src/common/rate_limit_quotas.py:126-130
    reply = Reply.json({"error": "quota exceeded"}, status=429)
    reply.headers["X-RateLimit-Remaining"] = "0"
    return reply


# --------------------------------------------------------------------------- defect 6: quotas


def test_defect_6_a_429_without_retry_after_waits_for_the_next_quota_window_and_says_so(server, capsys):
    server.route("/api/v1/synthetic", [_quota_429(), Reply(body=BODY)])
    sleeps: list[float] = []
    got = fetch(server.url + "/api/v1/synthetic", sleep=sleeps.append, max_retries=4, backoff=0.01)
    assert got.read_bytes() == BODY
    assert sleeps == [download.QUOTA_WINDOW_SECONDS]  # not 1 + 2 + 4 + 8 s of backoff
    err = capsys.readouterr().err
    assert "429 (quota exceeded) without Retry-After" in err and "waiting 60 s" in err and "(1 of 3)" in err


def test_defect_6_quota_waits_are_bounded_and_the_error_says_what_the_service_said(server):
    server.route("/api/v1/synthetic", _quota_429())
    sleeps: list[float] = []
    with pytest.raises(FetchError) as info:
        fetch(server.url + "/api/v1/synthetic", sleep=sleeps.append, max_retries=10, backoff=0.01)
    assert sleeps == [download.QUOTA_WINDOW_SECONDS] * download.MAX_QUOTA_WAITS
    text = str(info.value)
    assert "gave up after 4 attempt(s): HTTP 429" in text and "the service said: quota exceeded" in text
    assert server.url + "/api/v1/synthetic" in text
    assert cached_entry(server.url + "/api/v1/synthetic") is None


def test_defect_6_no_quota_left_makes_the_next_request_wait_for_the_window(server, capsys):
    last = Reply(body=BODY, headers={"X-RateLimit-Remaining": "0"})
    server.route("/api/v1/a", last)
    server.route("/api/v1/b", Reply(body=BODY))
    sleeps: list[float] = []
    fetch(server.url + "/api/v1/a", sleep=sleeps.append)
    assert sleeps == []
    fetch(server.url + "/api/v1/b", sleep=sleeps.append)
    assert len(sleeps) == 1 and 59 <= sleeps[0] <= 60
    assert "said no quota is left (X-RateLimit-Remaining: 0)" in capsys.readouterr().err


def test_defect_6_requests_are_spaced_to_stay_inside_a_per_window_quota(monkeypatch, isolated_cache):
    # A quota of 4 requests per second (a minute, scaled down), moving window like the API's.
    monkeypatch.setattr(download, "QUOTA_WINDOW_SECONDS", 1.0)
    monkeypatch.setenv("CLAIMAUDIT_REQUESTS_PER_MINUTE", "4")
    with FakeServer(quota=Quota(4, window=1.0)) as srv:
        for i in range(10):
            srv.route(f"/api/v1/s{i}", Reply(body=BODY))
        started = time.monotonic()
        for i in range(10):
            fetch(srv.url + f"/api/v1/s{i}", sleep=time.sleep, max_retries=0)
        elapsed = time.monotonic() - started
    assert srv.quota.refused == 0  # never a 429
    assert elapsed >= 2.0  # 10 requests at 4 per second need two waits


def test_a_bad_requests_per_minute_setting_is_named(server, monkeypatch):
    monkeypatch.setenv("CLAIMAUDIT_REQUESTS_PER_MINUTE", "lots")
    server.route("/api/v1/synthetic", Reply(body=BODY))
    with pytest.raises(FetchError, match="CLAIMAUDIT_REQUESTS_PER_MINUTE='lots'"):
        fetch(server.url + "/api/v1/synthetic")


# --------------------------------------------------------------------------- issue 13: faults


def test_a_gzip_header_over_a_body_that_is_not_gzip_is_a_clear_error(server):
    server.route("/bad-gzip.csv", Reply(body=b"synthetic, not gzip at all\n", headers={"Content-Encoding": "gzip"}))
    with pytest.raises(FetchError) as info:
        fetch(server.url + "/bad-gzip.csv", max_retries=0)
    text = str(info.value)
    assert "Content-Encoding: gzip" in text and "cannot be decoded" in text and "/bad-gzip.csv" in text
    assert cached_entry(server.url + "/bad-gzip.csv") is None


def test_a_redirect_to_itself_is_a_clear_error(server):
    server.route("/loop.csv", Reply(302, b"", {"Location": "/loop.csv"}))
    with pytest.raises(FetchError, match=r"loop\.csv: redirect loop: more than 10 redirects"):
        fetch(server.url + "/loop.csv", max_retries=0)
    assert 10 <= len(server.hits("/loop.csv")) <= 12


def test_a_server_dribbling_bytes_cannot_hold_a_url_past_its_deadline(server):
    server.route("/dribble.csv", Reply(body=b"x" * 200, dribble=0.1))
    started = time.monotonic()
    with pytest.raises(FetchError) as info:
        fetch(server.url + "/dribble.csv", timeout=5.0, deadline=0.8, max_retries=3, sleep=lambda s: None)
    assert time.monotonic() - started < 4.0  # not 200 × 0.1 s per attempt
    text = str(info.value)
    assert "/dribble.csv" in text and "timed out: the answer was not complete within 0.8 s" in text
    assert cached_entry(server.url + "/dribble.csv") is None


def test_a_body_that_keeps_arriving_fast_enough_earns_time_past_the_deadline(server, monkeypatch):
    # a large file on a slow but working line: scaled down to 30 bytes at up to 50 bytes/s against
    # a minimum rate of 2 bytes/s and a 0.3 s deadline (the 1.5 s it takes at 20 bytes/s is far past it)
    monkeypatch.setattr(download, "MIN_RATE", 2)
    monkeypatch.setattr(download, "CHUNK", 1)
    server.route("/steady.csv", Reply(body=b"y" * 30, dribble=0.02))
    assert fetch(server.url + "/steady.csv", deadline=0.3, max_retries=0).read_bytes() == b"y" * 30


def test_a_server_that_never_answers_fails_fast_naming_the_url(server):
    server.route("/silent.csv", Reply(body=BODY, delay=20.0))
    started = time.monotonic()
    with pytest.raises(
        FetchError, match=r"silent\.csv: gave up after \d attempt\(s\): timed out: no answer within 0.3 s"
    ):
        fetch(server.url + "/silent.csv", timeout=0.3, deadline=0.5, max_retries=5, sleep=lambda s: None)
    assert time.monotonic() - started < 3.0


def test_a_body_without_length_or_chunking_is_not_cached(server):
    # Cut on a line boundary, a close-delimited CSV looks whole: it cannot be trusted.
    server.route("/unframed.csv", Reply(body=b"date,value\n2024-11-01,1\n", framing="close"))
    with pytest.raises(FetchError, match="neither Content-Length nor a chunked body"):
        fetch(server.url + "/unframed.csv", max_retries=0)
    assert cached_entry(server.url + "/unframed.csv") is None
    server.route("/chunked.csv", Reply(body=BODY, framing="chunked"))
    assert fetch(server.url + "/chunked.csv").read_bytes() == BODY


# --------------------------------------------------------------------------- empty answers


@pytest.fixture
def ooni(server, monkeypatch):
    monkeypatch.setenv("CLAIMAUDIT_OONI_API", server.url)
    monkeypatch.setenv("CLAIMAUDIT_TOR_METRICS", server.url)
    return server


def test_an_empty_ooni_answer_is_recorded_as_empty_and_asked_again(ooni):
    ooni.route("/api/v1/aggregation", Reply.csv(""))
    first = ooni_api.aggregate(probe_cc="PK", test_name="tor", since="2024-11-13", until="2024-11-20")
    assert first.height == 0
    [entry] = manifest_entries().values()
    assert entry["empty"] is True and entry["retrieved_at"].endswith("Z") and entry["live"] == "ooni_api"
    # offline, the recorded empty answer is what there is
    assert (
        ooni_api.aggregate(probe_cc="PK", test_name="tor", since="2024-11-13", until="2024-11-20", offline=True).height
        == 0
    )
    assert len(ooni.hits("/api/v1/aggregation")) == 1
    # the server recovers: the next online fetch asks again and keeps the real answer
    rows = synthetic_aggregation_rows(
        tests=["tor"], asns=[17557], since=dt.date(2024, 11, 1), until=dt.date(2024, 12, 1)
    )
    ooni.route("/api/v1/aggregation", aggregation_handler(rows))
    again = ooni_api.aggregate(probe_cc="PK", test_name="tor", since="2024-11-13", until="2024-11-20")
    assert again.height == 7 and len(ooni.hits("/api/v1/aggregation")) == 2
    assert "empty" not in next(iter(manifest_entries().values()))
    ooni_api.aggregate(probe_cc="PK", test_name="tor", since="2024-11-13", until="2024-11-20")
    assert len(ooni.hits("/api/v1/aggregation")) == 2  # now cached for good (an old window)


# --------------------------------------------------------------------------- defect 7: freshness


def _backdate(hours: float) -> None:
    """Pretend every cached answer was fetched ``hours`` ago."""
    from claimaudit import paths

    path = paths.cache_dir() / "manifest.json"
    data = json.loads(path.read_text())
    when = dt.datetime.now(dt.UTC) - dt.timedelta(hours=hours)
    for entry in data["entries"].values():
        entry["retrieved_at"] = when.isoformat(timespec="seconds").replace("+00:00", "Z")
    path.write_text(json.dumps(data))


def _recent_rows() -> list[dict]:
    today = dt.datetime.now(dt.UTC).date()
    return synthetic_aggregation_rows(
        tests=["tor"], asns=[17557], since=today - dt.timedelta(days=90), until=today + dt.timedelta(days=60)
    )


def test_defect_7_a_stale_answer_for_a_recent_window_is_refreshed(ooni):
    today = dt.datetime.now(dt.UTC).date()
    ooni.route("/api/v1/aggregation", aggregation_handler(_recent_rows()))
    since, until = today - dt.timedelta(days=3), today
    ooni_api.aggregate(probe_cc="PK", test_name="tor", since=since, until=until)
    asked = len(ooni.hits("/api/v1/aggregation"))
    entries = list(manifest_entries().values())
    assert all(e["window_start"] and e["window_end"] and e["live"] == "ooni_api" for e in entries)
    _backdate(25)
    ooni_api.aggregate(probe_cc="PK", test_name="tor", since=since, until=until)
    assert len(ooni.hits("/api/v1/aggregation")) == 2 * asked
    assert all(
        e["retrieved_at"] > (dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat()
        for e in manifest_entries().values()
    )


def test_defect_7_a_fresh_answer_is_not_refreshed(ooni):
    today = dt.datetime.now(dt.UTC).date()
    ooni.route("/api/v1/aggregation", aggregation_handler(_recent_rows()))
    ooni_api.aggregate(probe_cc="PK", test_name="tor", since=today - dt.timedelta(days=3), until=today)
    asked = len(ooni.hits("/api/v1/aggregation"))
    _backdate(2)  # inside the 24 h TTL
    ooni_api.aggregate(probe_cc="PK", test_name="tor", since=today - dt.timedelta(days=3), until=today)
    assert len(ooni.hits("/api/v1/aggregation")) == asked


def test_defect_7_an_old_window_is_kept_however_old_the_answer(ooni):
    rows = synthetic_aggregation_rows(
        tests=["tor"], asns=[17557], since=dt.date(2024, 10, 1), until=dt.date(2025, 1, 1)
    )
    ooni.route("/api/v1/aggregation", aggregation_handler(rows))
    ooni_api.aggregate(probe_cc="PK", test_name="tor", since="2024-11-01", until="2024-12-01")
    _backdate(24 * 400)
    ooni_api.aggregate(probe_cc="PK", test_name="tor", since="2024-11-01", until="2024-12-01")
    assert len(ooni.hits("/api/v1/aggregation")) == 2  # two grid blocks, asked once


def test_defect_7_the_current_tor_year_is_refreshed_after_the_ttl(ooni, monkeypatch):
    ooni.route("/userstats-relay-country.csv", tor_handler("relay"))
    year = dt.datetime.now(dt.UTC).year
    tor_metrics.userstats("pk", f"{year}-01-01", f"{year}-01-05")
    _backdate(30)
    tor_metrics.userstats("pk", f"{year}-01-01", f"{year}-01-05")
    assert len(ooni.hits("/userstats-relay-country.csv")) == 2
    monkeypatch.setenv("CLAIMAUDIT_LIVE_TTL_HOURS", "48")  # a longer TTL: 30 h is fresh
    _backdate(30)
    tor_metrics.userstats("pk", f"{year}-01-01", f"{year}-01-05")
    assert len(ooni.hits("/userstats-relay-country.csv")) == 2


def test_defect_7_a_failed_refresh_keeps_the_cached_copy_and_warns(ooni):
    today = dt.datetime.now(dt.UTC).date()
    ooni.route("/api/v1/aggregation", aggregation_handler(_recent_rows()))
    before = ooni_api.aggregate(probe_cc="PK", test_name="tor", since=today - dt.timedelta(days=3), until=today)
    _backdate(25)
    ooni.route("/api/v1/aggregation", Reply(404, b"synthetic: gone"))
    with pytest.warns(UserWarning, match="asking again failed .*HTTP 404.*using the copy cached at"):
        after = ooni_api.aggregate(probe_cc="PK", test_name="tor", since=today - dt.timedelta(days=3), until=today)
    assert after.equals(before)


def test_live_provenance_says_as_of_per_source(ooni):
    rows = synthetic_aggregation_rows(
        tests=["tor"], asns=[17557], since=dt.date(2024, 10, 1), until=dt.date(2025, 1, 1)
    )
    ooni.route("/api/v1/aggregation", aggregation_handler(rows))
    ooni.route("/userstats-relay-country.csv", tor_handler("relay"))
    ooni_api.aggregate(probe_cc="PK", test_name="tor", since="2024-11-01", until="2024-12-01")
    tor_metrics.userstats("pk", "2024-11-01", "2024-11-30")
    seen = live_provenance()
    assert set(seen) == {"ooni_api", "tor_metrics"}
    assert seen["ooni_api"]["requests"] == 2 and seen["ooni_api"]["as_of"].endswith("Z")
    assert seen["ooni_api"]["window_start"] == "2024-10-14" and seen["ooni_api"]["window_end"] == "2024-12-12"
    assert seen["tor_metrics"]["window_end"] == "2024-12-31" and seen["tor_metrics"]["refresh_due"] == 0


def test_freshness_settings_that_are_not_numbers_are_named(monkeypatch):
    monkeypatch.setenv("CLAIMAUDIT_LIVE_RECENT_DAYS", "a week")
    with pytest.raises(FetchError, match="CLAIMAUDIT_LIVE_RECENT_DAYS='a week'"):
        claimaudit.fetch.recent_days()


def test_defect_7_the_findings_list_has_no_end_and_is_asked_again_after_the_ttl(ooni):
    from support.fake_servers import synthetic_incidents

    ooni.route("/api/v1/incidents/search", Reply.json(synthetic_incidents()))
    ooni_api.incidents("PK")
    [entry] = manifest_entries().values()
    assert entry["live"] == "ooni_api" and entry["window_end"] is None
    ooni_api.incidents("PK")
    assert len(ooni.hits("/api/v1/incidents/search")) == 1  # fresh
    _backdate(24 * 30)  # a month later: still asked again (the list grows)
    ooni_api.incidents("PK")
    assert len(ooni.hits("/api/v1/incidents/search")) == 2
