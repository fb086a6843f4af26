"""The steps of `claimaudit run` that do not execute notebooks (those are in test_notebooks.py)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from claimaudit import pipeline
from claimaudit.cli import app


def test_offline_fetch_without_a_mirror_names_what_is_missing(isolated_cache, monkeypatch):
    monkeypatch.delenv("CLAIMAUDIT_MIRROR", raising=False)
    outcome = pipeline.step_fetch(offline=True)
    assert outcome.status == "warning"
    assert "MISSING" in outcome.detail and "cenalert-google-trends-vpn/pk" in outcome.detail
    assert "CLAIMAUDIT_MIRROR" in outcome.detail, "says how to supply the files"


@pytest.mark.mirror
def test_offline_fetch_with_the_mirror_fills_the_cache(isolated_cache, mirror, monkeypatch):
    monkeypatch.setenv("CLAIMAUDIT_MIRROR", str(mirror))
    first = pipeline.step_fetch(offline=True)
    assert first.status == "done" and "from mirror" in first.detail and "MISSING" not in first.detail
    second = pipeline.step_fetch(offline=True)
    assert "from cache" in second.detail and "from mirror" not in second.detail


def test_only_some_steps_can_be_skipped(tmp_path):
    with pytest.raises(ValueError, match="cannot skip"):
        pipeline.run(reports=tmp_path, skip=("notebooks",))


def test_cli_refuses_an_unknown_step():
    result = CliRunner().invoke(app, ["run", "--skip", "bogus"])
    assert result.exit_code == 2 and "cannot skip bogus" in result.output


def test_default_parameters_match_the_notebooks_parameter_cells():
    assert pipeline.default_parameters() == {
        "country": "PK",
        "window_start": "2024-01-01",
        "window_end": "2024-12-31",
        "offline": True,
    }


@pytest.mark.slow
def test_online_run_without_a_network_carries_on_offline(isolated_cache, tmp_path, monkeypatch):
    """`make run` defaults to online; with no network the fetch step warns and the notebooks still
    run, reading only the cache and mirror (they never fetch themselves)."""
    import socket

    with socket.socket() as probe:  # a port nothing listens on: connections are refused at once
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    for variable in ("CLAIMAUDIT_OONI_API", "CLAIMAUDIT_TOR_METRICS", "CLAIMAUDIT_IODA_API"):
        monkeypatch.setenv(variable, dead)
    monkeypatch.delenv("CLAIMAUDIT_OFFLINE", raising=False)
    result = pipeline.run(offline=False, notebooks=["00"], pdf=False, reports=tmp_path / "reports", skip=("check",))
    fetch = next(s for s in result.steps if s.name == "fetch")
    assert fetch.status == "warning" and "live FAILED" in fetch.detail
    assert [o.ok for o in result.notebooks] == [True]
    assert result.exit_code == 0
    assert (tmp_path / "reports" / "00-start-here.html").is_file()


def test_online_fetch_prefetches_the_audit_evidence_for_the_offline_audit(isolated_cache, monkeypatch):
    """The fetch step asks for every evidence window the rules need; afterwards the audit,
    offline, finds OONI circumvention-test data for the 'technical glitch' statement."""
    import datetime as dt

    from claimaudit.audit import run_audit
    from support.fake_servers import FakeServer, aggregation_handler, synthetic_aggregation_rows

    rows = synthetic_aggregation_rows(
        tests=["psiphon", "tor", "torsf", "vanilla_tor", "riseupvpn", "openvpn", "web_connectivity"],
        asns=[17557, 9541, 59257],
        since=dt.date(2024, 10, 1),
        until=dt.date(2024, 12, 31),
    )
    with FakeServer() as server:
        server.route("/api/v1/aggregation", aggregation_handler(rows))
        monkeypatch.setenv("CLAIMAUDIT_OONI_API", server.url)
        monkeypatch.setenv("CLAIMAUDIT_TOR_METRICS", server.url)
        monkeypatch.setenv("CLAIMAUDIT_IODA_API", server.url)
        monkeypatch.delenv("CLAIMAUDIT_OFFLINE", raising=False)
        before = {v.claim_ids: v for v in run_audit(offline=True)}
        outcome = pipeline.step_fetch(offline=False)
    assert "from network" in outcome.detail
    after = {v.claim_ids: v for v in run_audit(offline=True)}  # the server is gone: cache only
    glitch = ("pta-2024-11-11-outage-was-technical-glitch",)
    assert "ooni_api/aggregation: missing" in before[glitch].explanation
    assert "ooni_api/aggregation: missing" not in after[glitch].explanation
    assert "measurements on 3 networks" in after[glitch].explanation


def test_audit_step_writes_the_verdicts_it_counts(isolated_cache, tmp_path, monkeypatch):
    import json

    monkeypatch.delenv("CLAIMAUDIT_MIRROR", raising=False)
    outcome = pipeline.step_audit(reports=tmp_path, offline=True)
    written = json.loads((tmp_path / "verdicts.json").read_text())
    assert outcome.status == "done" and outcome.detail.startswith(f"{written['count']} verdicts: ")
    assert (tmp_path / "verdicts.csv").read_text().count("\n") > written["count"] > 0


def test_a_notebook_filter_that_matches_nothing_names_the_folder_and_prefix(tmp_path):
    books = tmp_path / "synthetic-notebooks"
    books.mkdir()
    (books / "01-synthetic.ipynb").write_text("{}", encoding="utf-8")
    result = pipeline.run(
        reports=tmp_path / "reports", notebook_dir=books, notebooks=["99"], skip=("fetch", "check", "audit", "pdf")
    )
    step = next(s for s in result.steps if s.name == "notebooks")
    assert step.status == "unavailable" and step.detail == f"no notebook in {books} starts with 99"


def test_a_broken_audit_import_is_not_reported_as_a_step_not_there_yet(tmp_path, monkeypatch):
    import sys

    import claimaudit
    from claimaudit.notebook import views
    from claimaudit.report import Page

    monkeypatch.setitem(sys.modules, "claimaudit.audit", None)  # importing it now raises ImportError
    monkeypatch.delattr(claimaudit, "audit", raising=False)
    with pytest.raises(ImportError):
        pipeline.step_audit(reports=tmp_path, offline=True)
    with pytest.raises(ImportError):
        views.audit_verdicts(Page("synthetic-page", tables_dir=tmp_path), offline=True)
    assert not (tmp_path / "verdicts.json").exists()
