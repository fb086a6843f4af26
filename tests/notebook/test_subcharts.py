"""Compound charts built without altair's subchart copies (notebook/_subcharts.py): the same specs,
altair's own behaviour wherever there are parameters, outside the block, and in other threads."""

from __future__ import annotations

import datetime as dt
import json
import threading

import altair as alt
import altair.vegalite.v6.api as api
import polars as pl
import pytest

from claimaudit import i18n
from claimaudit.notebook import _subcharts, charts
from claimaudit.notebook.charts import shared_subcharts
from claimaudit.report import _transparency as tr


def _every_chart() -> list[alt.TopLevelMixin]:
    """Every chart the report draws on the shipped data, and one of each notebook chart."""
    inputs = tr.load_inputs(offline=True, verdicts=[])
    drawn = [chart for finding in tr.findings(inputs) for chart in finding.charts]
    start = dt.date(2024, 11, 1)
    days = [start + dt.timedelta(days=i) for i in range(12)]
    frame = pl.DataFrame(
        {
            "date": days,
            "value": [float((i * 7) % 11) for i in range(12)],
            "rate": [(i % 5) / 10 for i in range(12)],
            "n": [10 + i for i in range(12)],
            "series": ["synthetic-a", "synthetic-b"] * 6,
            "asn": ["AS17557", "AS140499"] * 6,
        }
    )
    events = pl.DataFrame(
        {
            "event_id": ["2024-11-05-synthetic-outage"],
            "start_date": [dt.date(2024, 11, 5)],
            "kind": ["vpn_disruption"],
            "summary": ["synthetic outage"],
            "annotate": [True],
        }
    )
    drawn += [
        charts.time_series(frame, y="value", y_title="Interest", source="synthetic", series="series", events=events),
        charts.rate_chart(frame, rate="rate", n="n", rate_title="Anomalous share", source="synthetic", events=events),
        charts.network_panels(frame, asn="asn", y="rate", n="n", y_title="Anomalous share", source="synthetic"),
        charts.figure_points(frame, series="series", y_title="figures", source="synthetic"),
    ]
    return drawn


def _specs() -> list[str]:
    return [json.dumps(chart.to_dict(validate=False)) for chart in _every_chart()]


@pytest.mark.parametrize("lang", ["en", "ur"])
def test_every_chart_has_the_same_spec_as_with_altairs_copies(lang, monkeypatch):
    with i18n.language(lang):
        with shared_subcharts():
            shared = _specs()
        monkeypatch.setattr(_subcharts, "_NAMES", ("no_such_helper",))  # the block then leaves altair alone
        copied = _specs()
    assert len(shared) >= 8
    assert shared == copied


def test_inside_the_block_subcharts_are_shared_and_outside_they_are_copied():
    # different data each, so altair has no data to move up to the layer (it copies a subchart it changes)
    a = alt.Chart(pl.DataFrame({"x": [1]})).mark_point().encode(x=alt.X("x:Q"))
    b = alt.Chart(pl.DataFrame({"x": [2]})).mark_line().encode(x=alt.X("x:Q"))
    original = api._combine_subchart_params
    with shared_subcharts():
        assert api._combine_subchart_params is not original
        with shared_subcharts():  # blocks nest
            inner = alt.layer(a, b)
        assert api._combine_subchart_params is not original, "the outer block still holds"
        layered = alt.layer(a, b)
    assert api._combine_subchart_params is original, "altair's own helpers are back after the block"
    assert layered.layer[0] is a and inner.layer[1] is b
    assert alt.layer(a, b).layer[0] is not a


def test_another_thread_keeps_altairs_copies_while_a_block_is_open():
    a = alt.Chart(pl.DataFrame({"x": [1]})).mark_point().encode(x=alt.X("x:Q"))
    b = alt.Chart(pl.DataFrame({"x": [2]})).mark_line().encode(x=alt.X("x:Q"))
    found = {}
    with shared_subcharts():
        worker = threading.Thread(target=lambda: found.update(layer=alt.layer(a, b)))
        worker.start()
        worker.join()
        assert alt.layer(a, b).layer[0] is a
    assert found["layer"].layer[0] is not a


def test_selection_parameters_and_named_layers_are_merged_by_altair_itself():
    data = pl.DataFrame({"x": [1, 2], "y": [3, 4]})
    brush = alt.selection_interval(name="brush")
    base = alt.Chart(data).mark_point().encode(x=alt.X("x:Q"), y=alt.Y("y:Q"))
    named = alt.layer(base.properties(name="view_a"), base.mark_line())

    def build() -> tuple[dict, dict]:
        with_params = alt.vconcat(base.add_params(brush), base.mark_line().add_params(brush))
        return with_params.to_dict(), alt.concat(named, named).to_dict()

    with pytest.warns(UserWarning, match="deduplicated"):
        outside = build()
    with shared_subcharts(), pytest.warns(UserWarning, match="deduplicated"):
        inside = build()
    assert inside == outside
    assert inside[0]["params"][0]["name"] == "brush"
    views = [layer["name"] for part in inside[1]["concat"] for layer in part["layer"] if "name" in layer]
    assert views == ["view_a_0", "view_a_1"], "named layers in a concat are still made unique"
