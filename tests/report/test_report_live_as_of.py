"""The report's provenance and index.html say "as of" for each live source (OONI API, IODA, Tor
Metrics): when its cached answers were fetched and their window, marked when answers came from a
stale cache or the source was not fetched at all — in both editions."""

from __future__ import annotations

import datetime as dt
import html
import json

import pytest

from claimaudit import i18n, report
from claimaudit.report import _provenance
from support.live_as_of import SYNTHETIC, live_lines, write_synthetic_manifest


@pytest.fixture
def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)


def test_the_provenance_says_as_of_for_each_live_source(isolated_cache, now):
    t = write_synthetic_manifest(isolated_cache, now)
    lines = live_lines(report.provenance_html(datasets=["events"], sources=[]))
    assert list(lines) == ["ooni_api", "ioda", "tor_metrics"]
    assert lines["ooni_api"] == (
        f"OONI API: as of {t['ooni_date']}, {t['ooni_time']} UTC, window 2024-01-01–2024-12-31 (2 cached answers)"
    )
    assert lines["ioda"] == "IODA: not fetched: no answer from this service is in the cache"
    assert lines["tor_metrics"] == (
        f"Tor Metrics: as of {t['tor_date']}, {t['tor_time']} UTC, window {now.year}-01-01–{t['today']}"
        " (1 cached answer); from a stale cache: 1 of 1 answers are due to be fetched again and were used as they were"
    )


def test_the_urdu_edition_says_it_in_urdu(isolated_cache, now):
    t = write_synthetic_manifest(isolated_cache, now)
    with i18n.language("ur"):
        lines = live_lines(report.provenance_html(datasets=["events"], sources=[]))
        ooni_date, start, end = i18n.date(t["ooni_date"]), i18n.date("2024-01-01"), i18n.date("2024-12-31")
    assert "نومبر" in i18n.date("2024-11-18", "ur")  # dates are in Urdu words in this edition
    assert lines["ooni_api"] == (
        f"OONI API: {ooni_date}، {t['ooni_time']} UTC تک کی صورتِ حال، مدت {start} تا {end} (کیشے میں محفوظ 2 جوابات)"
    )
    assert lines["ioda"] == "IODA: حاصل نہیں کیا گیا: اس سروس کا کوئی جواب کیشے میں نہیں ہے"
    assert "پرانے کیشے سے: 1 میں سے 1 جوابات" in lines["tor_metrics"]


def test_empty_answers_are_marked(isolated_cache, now):
    write_synthetic_manifest(isolated_cache, now)
    data = json.loads((isolated_cache / "manifest.json").read_text())
    data["entries"][f"{SYNTHETIC}/ooni?w=2"]["empty"] = True
    (isolated_cache / "manifest.json").write_text(json.dumps(data))
    [ooni] = [row for row in _provenance.live_sources() if row["source"] == "ooni_api"]
    assert ooni["state"] == "stale"  # an empty answer is asked again online: what was used is stale
    assert ooni["marks"] == [
        "from a stale cache: 1 of 2 answers are due to be fetched again and were used as they were",
        "1 answer was empty",
    ]


def test_as_of_after_a_fetch_from_the_local_test_servers(isolated_cache, monkeypatch):
    from claimaudit import fetch
    from claimaudit.datasets import ioda, ooni_api, tor_metrics
    from support.fake_servers import (
        FakeServer,
        aggregation_handler,
        ioda_handler,
        synthetic_aggregation_rows,
        tor_handler,
    )

    monkeypatch.delenv("CLAIMAUDIT_MIRROR", raising=False)
    rows = synthetic_aggregation_rows(
        tests=["tor"], asns=[17557], since=dt.date(2024, 10, 1), until=dt.date(2025, 1, 1)
    )
    with FakeServer() as server:
        for variable in ("CLAIMAUDIT_OONI_API", "CLAIMAUDIT_TOR_METRICS", "CLAIMAUDIT_IODA_API"):
            monkeypatch.setenv(variable, server.url)
        server.route("/api/v1/aggregation", aggregation_handler(rows))
        server.route("/userstats-relay-country.csv", tor_handler("relay"))
        server.route("/v2/signals/raw/country/PK", ioda_handler())
        ooni_api.aggregate(probe_cc="PK", test_name="tor", since="2024-11-01", until="2024-12-01", offline=False)
        tor_metrics.userstats("pk", "2024-11-01", "2024-11-30", offline=False)
        ioda.signals("country", "PK", "2024-11-01", "2024-11-03", datasource="bgp", offline=False)
    seen = fetch.live_provenance()
    lines = live_lines(report.provenance_html(datasets=["events"], sources=[]))
    assert list(lines) == ["ooni_api", "ioda", "tor_metrics"]
    for source, name in (("ooni_api", "OONI API"), ("ioda", "IODA"), ("tor_metrics", "Tor Metrics")):
        moment = dt.datetime.fromisoformat(seen[source]["as_of"].replace("Z", "+00:00"))
        window = f"window {seen[source]['window_start']}–{seen[source]['window_end']}"
        n = seen[source]["requests"]
        answers = f"{n} cached answer" + ("" if n == 1 else "s")
        assert lines[source] == f"{name}: as of {moment:%Y-%m-%d, %H:%M} UTC, {window} ({answers})"
    assert seen["ooni_api"]["requests"] == 2  # two 30-day blocks of the fixed grid
    assert seen["tor_metrics"]["window_end"] == "2024-12-31"  # Tor's whole year is asked (inclusive dates)


def test_index_html_says_as_of_and_how_to_refresh_stale_answers(isolated_cache, now, tmp_path):
    t = write_synthetic_manifest(isolated_cache, now)
    reports = tmp_path / "reports"
    reports.mkdir()
    page = report.write_index(reports).read_text(encoding="utf-8")
    lines = live_lines(page)
    assert lines["ooni_api"].startswith(f"OONI API: as of {t['ooni_date']}, {t['ooni_time']} UTC, window 2024-01-01")
    assert lines["ioda"].startswith("IODA: not fetched")
    assert "from a stale cache" in lines["tor_metrics"]
    assert "claimaudit fetch --refresh" in html.unescape(page)  # index.html (not the report) says what to do
    (isolated_cache / "manifest.json").unlink()
    page = report.write_index(reports).read_text(encoding="utf-8")
    assert set(live_lines(page)) == {"ooni_api", "ioda", "tor_metrics"}
    assert "claimaudit fetch --refresh" not in html.unescape(page)  # nothing stale: nothing to refresh


def test_index_html_is_english_whatever_the_active_language(isolated_cache, now, tmp_path):
    write_synthetic_manifest(isolated_cache, now)
    reports = tmp_path / "reports"
    reports.mkdir()
    with i18n.language("ur"):
        page = report.write_index(reports).read_text(encoding="utf-8")
    assert live_lines(page)["ioda"] == "IODA: not fetched: no answer from this service is in the cache"
