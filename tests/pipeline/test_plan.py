"""One fetch plan: pinned sets + the audit's evidence windows + the notebooks' windows, used by
`claimaudit fetch` and the fetch step of `claimaudit run`; after it, offline needs no request."""

from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from claimaudit import audit, pipeline
from claimaudit.cli import app
from claimaudit.fetch import recording
from claimaudit.notebook import views
from claimaudit.pipeline._plan import _key
from support.fake_servers import (
    FakeServer,
    Reply,
    aggregation_handler,
    ioda_handler,
    synthetic_aggregation_rows,
    synthetic_incidents,
    tor_handler,
)

TESTS = ["web_connectivity", "psiphon", "tor", "torsf", "vanilla_tor", "riseupvpn", "openvpn"]


class SyntheticPage:
    def unavailable(self, what: str, why: str) -> None:
        raise AssertionError(f"offline after `claimaudit fetch`, still unavailable: {what}: {why}")

    def left_out(self, what: str, why: str) -> None:  # a caveat (unscored tests), not missing evidence
        pass


def test_the_plan_holds_every_window_the_audit_asks_for_and_the_notebooks_declare():
    plan = pipeline.fetch_plan()
    keys = {_key(w) for w in plan.windows}
    asked = audit.evidence_requests()
    assert asked and all(_key(pipeline.LiveWindow("", loader, kwargs)) in keys for loader, kwargs in asked)
    declared = pipeline.notebook_windows(pipeline.default_parameters())
    assert all(_key(w) in keys for w in declared)
    assert len(keys) == len(plan.windows), "the plan lists a window twice"
    assert dict(plan.sections)["audit"] > 0 and dict(plan.sections)["notebooks"] == len(declared)


def test_fetch_plan_prints_the_plan_and_fetches_nothing(isolated_cache):
    with recording() as seen:
        result = CliRunner().invoke(app, ["fetch", "--plan"])
    assert result.exit_code == 0, result.output
    assert seen == []
    lines = result.output.splitlines()
    assert lines == pipeline.fetch_plan().lines()
    assert any(line.startswith("audit: OONI psiphon PK") for line in lines)
    assert any(line.startswith("notebooks: Tor Metrics relay users PK") for line in lines)


@pytest.mark.mirror
def test_after_claimaudit_fetch_the_offline_audit_and_notebooks_make_no_request_and_miss_nothing(
    isolated_cache, mirror, monkeypatch
):
    rows = synthetic_aggregation_rows(
        tests=TESTS, asns=[17557, 9541], since=dt.date(2023, 12, 1), until=dt.date(2025, 8, 1)
    )
    with FakeServer() as server:
        server.route("/api/v1/aggregation", aggregation_handler(rows))
        server.route("/api/v1/incidents/search", Reply.json(synthetic_incidents()))
        server.route("/userstats-relay-country.csv", tor_handler("relay"))
        server.route("/userstats-bridge-country.csv", tor_handler("bridge"))
        server.route("/v2/signals/raw/country/PK", ioda_handler())
        for var in ("CLAIMAUDIT_OONI_API", "CLAIMAUDIT_TOR_METRICS", "CLAIMAUDIT_IODA_API"):
            monkeypatch.setenv(var, server.url)
        monkeypatch.setenv("CLAIMAUDIT_MIRROR", str(mirror))
        monkeypatch.delenv("CLAIMAUDIT_OFFLINE", raising=False)
        result = CliRunner().invoke(app, ["fetch", "--strict"])
        assert result.exit_code == 0, result.output
        monkeypatch.setenv("CLAIMAUDIT_OFFLINE", "1")
        with recording() as seen:
            verdicts = audit.run_audit(offline=True)
            params = pipeline.default_parameters()
            page = SyntheticPage()
            for question in views.OONI_QUESTIONS:
                assert (
                    views.ooni_daily(
                        page,
                        question,
                        country=params["country"],
                        since=params["window_start"],
                        until=params["window_end"],
                        offline=True,
                    )
                    is not None
                )
            assert (
                views.tor_users(
                    page,
                    country=params["country"],
                    since=params["window_start"],
                    until=params["window_end"],
                    offline=True,
                )
                is not None
            )
    assert {r.origin for r in seen} <= {"cache"}, "an offline read left the cache"
    live = [e for v in verdicts for e in v.evidence if e.kind == "live"]
    assert live, "the audit looked at no live source"
    unmet = sorted({(e.source, e.state, e.note) for e in live if e.state in ("missing", "not_fetched")})
    assert not unmet, unmet
