"""The house chart rules: source line, computed titles, events, sample-size strips, named networks."""

from __future__ import annotations

import datetime as dt
import json
import re

import altair as alt
import polars as pl
import pytest
import vl_convert as vlc

from claimaudit.notebook import charts


def synthetic_series(days: int = 20) -> pl.DataFrame:
    start = dt.date(2024, 11, 1)
    return pl.DataFrame(
        {
            "date": [start + dt.timedelta(days=i) for i in range(days)],
            "value": [float((i * 7) % 11) for i in range(days)],
            "n": [10 + i for i in range(days)],
            "asn": ["AS17557", "AS140499"] * (days // 2),
        }
    )


def synthetic_events() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "event_id": ["2024-11-10-vpn-outage", "2024-11-15-not-drawn", "2025-03-01-outside-window"],
            "start_date": [dt.date(2024, 11, 10), dt.date(2024, 11, 15), dt.date(2025, 3, 1)],
            "kind": ["vpn_disruption", "statement", "deadline"],
            "summary": ["synthetic outage <b>", "synthetic statement", "synthetic deadline"],
            "annotate": [True, False, True],
        }
    )


def nodes(spec) -> list[dict]:
    """Every dict inside a Vega-Lite spec, depth first."""
    found = []
    stack = [spec]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            found.append(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def layers_with_field(spec: dict, field: str) -> list[dict]:
    return [n for n in nodes(spec) if n.get("field") == field]


def marks(spec: dict) -> list[str]:
    return [n["mark"]["type"] if isinstance(n["mark"], dict) else n["mark"] for n in nodes(spec) if "mark" in n]


def datasets_of(spec: dict) -> list[list[dict]]:
    return list(spec.get("datasets", {}).values())


def test_theme_uses_okabe_ito_and_is_enabled():
    charts.use_theme(renderer=None)
    assert alt.theme.active == "claimaudit"
    config = alt.theme.get()()["config"]
    assert config["range"]["category"][:3] == ["#000000", "#E69F00", "#56B4E9"]


def test_every_chart_needs_a_source_line():
    with pytest.raises(ValueError, match="source"):
        charts.time_series(synthetic_series(), y="value", y_title="Interest", source="  ")


def test_source_line_is_drawn_under_the_chart():
    spec = charts.time_series(synthetic_series(), y="value", y_title="Interest", source="synthetic source").to_dict()
    lines = [row.get("line") for rows in datasets_of(spec) for row in rows]
    assert "Source: synthetic source" in lines


def test_title_states_the_peak_computed_from_the_data():
    frame = synthetic_series()
    top = frame.sort("value", descending=True).row(0, named=True)
    spec = charts.time_series(frame, y="value", y_title="Interest", source="s").to_dict()
    title = spec["vconcat"][0]["title"]["text"]
    assert title == f"Interest peaked at {int(top['value'])} on {top['date'].isoformat()}"


def test_only_annotated_events_inside_the_window_are_drawn():
    spec = charts.time_series(
        synthetic_series(), y="value", y_title="I", source="s", events=synthetic_events()
    ).to_dict()
    labels = [row["event_label"] for rows in datasets_of(spec) for row in rows if "event_label" in row]
    assert labels == ["VPN outage"], "the data vocabulary's words for a known event"


def test_rate_chart_carries_a_sample_size_strip():
    spec = charts.rate_chart(synthetic_series(), rate="value", n="n", rate_title="Rate", source="s").to_dict()
    assert "bar" in marks(spec), "no bar strip for the sample size"
    assert layers_with_field(spec, "n"), "n is not encoded"


def test_network_panels_are_labelled_by_name_and_unknown_asns_say_so():
    spec = charts.network_panels(synthetic_series(), asn="asn", y="value", n="n", y_title="Rate", source="s").to_dict()
    text = json.dumps(spec)
    assert "PTCL (AS17557)" in text
    assert "Khan Telecom (AS140499)" in text  # unknown and unverified ASNs: test_network_labels_come_from_...


def test_series_are_told_apart_by_dash_as_well_as_colour():
    frame = synthetic_series().with_columns(pl.Series("series", ["a", "b"] * 10))
    spec = charts.time_series(frame, y="value", y_title="I", source="s", series="series").to_dict()
    assert layers_with_field(spec, "series")
    assert '"strokeDash"' in json.dumps(spec)


def test_figure_points_use_shape_and_colour_and_count_in_the_title():
    frame = pl.DataFrame(
        {
            "date": [dt.date(2019, 1, 1), dt.date(2024, 6, 1)],
            "value": [1.0, 2.0],
            "figure": ["blocked (urls)", "processed (urls)"],
        }
    )
    spec = charts.figure_points(frame, series="figure", y_title="Figures", source="s").to_dict()
    assert spec["vconcat"][0]["title"]["text"] == "2 figures stated, 2019–2024"
    assert '"shape"' in json.dumps(spec)


def test_svg_is_self_contained_and_escapes_event_text():
    svg = vlc.vegalite_to_svg(
        charts.time_series(
            synthetic_series(), y="value", y_title="I", source="s <script>", events=synthetic_events()
        ).to_dict()
    )
    assert "<script" not in svg
    # Only XML namespace URIs, never a fetched resource.
    assert set(re.findall(r"https?://[^\s\"']+", svg)) <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def test_chart_titles_print_figures_by_the_one_formatter_never_rounded():
    frame = pl.DataFrame({"d": ["2024-11-18", "2024-11-19"], "v": [101083.0, 84.725]})
    assert charts.peak_title(frame, x="d", y="v", subject="Total") == "Total peaked at 101,083 on 2024-11-18"
    frame = pl.DataFrame({"d": ["2024-11-18"], "v": [0.123456789]})
    assert charts.peak_subtitle(frame, x="d", y="v") == "Highest value 0.123456789 (as in the data, unrounded)"


def test_many_series_keep_distinct_colour_and_shape_pairs_in_one_legend():
    names = [f"synthetic figure {i}" for i in range(12)]
    frame = pl.DataFrame(
        {"date": [dt.date(2024, 1, 1 + i) for i in range(12)], "value": [float(i) for i in range(12)], "figure": names}
    )
    spec = charts.figure_points(frame, series="figure", y_title="Figures", source="s").to_dict()
    colour = next(
        n
        for n in nodes(spec)
        if n.get("field") == "figure" and "range" in n.get("scale", {}) and n["scale"]["range"][0].startswith("#")
    )
    shape = next(
        n for n in nodes(spec) if n.get("field") == "figure" and n.get("scale", {}).get("range", [""])[0] == "circle"
    )
    pairs = set(zip(colour["scale"]["range"], shape["scale"]["range"], strict=True))
    assert len(pairs) == len(names), "two series would look the same"
    assert colour["title"] == shape["title"] and colour["legend"] == shape["legend"], "legends would not merge"


def test_events_are_numbered_on_the_chart_and_named_in_a_key_under_it():
    events = synthetic_events().with_columns(pl.lit(True).alias("annotate"))  # the 2025 one is outside the window
    spec = charts.time_series(synthetic_series(), y="value", y_title="I", source="s", events=events).to_dict()
    rows = [row for data in datasets_of(spec) for row in data]
    drawn = sorted((row["event_number"], row["event_label"]) for row in rows if "event_number" in row)
    assert drawn == [("1", "VPN outage"), ("2", "not drawn")]
    lines = [row["line"] for row in rows if "line" in row]
    assert lines[:2] == ["1 · 2024-11-10 · VPN outage", "2 · 2024-11-15 · not drawn"]
    assert lines[2] == "Source: s"
    # the words are in the key, never printed over the plot
    texts = [
        n["encoding"]["text"]["field"]
        for n in nodes(spec)
        if isinstance(n.get("encoding"), dict) and "text" in n["encoding"]
    ]
    assert "event_label" not in texts


def test_a_long_peak_value_moves_to_the_subtitle_unrounded():
    frame = synthetic_series().with_columns(pl.col("value") + 0.2927252793334)
    spec = charts.time_series(frame, y="value", y_title="Interest", source="s").to_dict()
    title = spec["vconcat"][0]["title"]
    top = frame.sort("value", descending=True).row(0, named=True)
    assert title["text"] == f"Interest peaked on {top['date'].isoformat()}"
    assert title["subtitle"] == f"Highest value {top['value']} (as in the data, unrounded)"


def test_rate_chart_numbers_events_too():
    spec = charts.rate_chart(
        synthetic_series(), rate="value", n="n", rate_title="Rate", source="s", events=synthetic_events()
    ).to_dict()
    lines = [row["line"] for data in datasets_of(spec) for row in data if "line" in row]
    assert lines == ["1 · 2024-11-10 · VPN outage", "Source: s"]


def test_a_rate_peak_says_how_many_measurements_it_rests_on():
    frame = synthetic_series().with_columns(
        pl.when(pl.col("date") == dt.date(2024, 11, 3)).then(1.0).otherwise(0.5).alias("value"),
    )
    spec = charts.rate_chart(frame, rate="value", n="n", rate_title="Anomalous share", source="s").to_dict()
    n_that_day = frame.filter(pl.col("date") == dt.date(2024, 11, 3))["n"].item()
    assert (
        spec["vconcat"][0]["title"]["text"]
        == f"Anomalous share peaked at 1 on 2024-11-03, from {n_that_day} measurements"
    )


def test_a_long_source_line_wraps_to_the_plot_width_and_keeps_every_word():
    source = "synthetic " + " ".join(f"word{i}" for i in range(40))
    spec = charts.time_series(synthetic_series(), y="value", y_title="I", source=source).to_dict()
    lines = [row["line"] for data in datasets_of(spec) for row in data if "line" in row]
    assert len(lines) > 1 and all(len(line) <= 88 for line in lines)
    assert " ".join(lines) == f"Source: {source}"


# --------------------------------------------------------------------------- network names (datasets/networks)


def test_network_labels_come_from_the_networks_dataset_and_never_show_an_unverified_name():
    from claimaudit import datasets

    rows = datasets.load("networks")
    verified = rows.filter(pl.col("verification") != "unverified")
    assert charts.network_names() == dict(verified.select("asn", "name").iter_rows())
    for asn, name in verified.select("asn", "name").iter_rows():
        assert charts.network_label(asn) == f"{name} ({asn})"
        assert charts.network_label(asn.removeprefix("AS")) == f"{name} ({asn})"
    for asn in rows.filter(pl.col("verification") == "unverified")["asn"]:
        assert charts.network_label(asn) == f"{asn} (name unverified)"
        assert charts.network_name(asn) is None
    assert rows.filter(pl.col("verification") == "unverified")["confidence"].to_list() == ["low"] * (
        rows.height - verified.height
    )
    assert rows["source_url"].null_count() == 0 and rows["outlet"].null_count() == 0


def test_a_name_changed_in_the_dataset_changes_the_chart_label(tmp_path, monkeypatch):
    import shutil

    from claimaudit import datasets, paths

    root = tmp_path / "datasets"
    shutil.copytree(paths.datasets_dir() / "networks", root / "networks")
    csv = root / "networks" / "networks.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("AS17557,PTCL,", "AS17557,Synthetic Telecom,"), "utf-8")
    datasets.stamp(["networks"], root=root)
    monkeypatch.setenv("CLAIMAUDIT_DATASETS", str(root))
    assert charts.network_label(17557) == "Synthetic Telecom (AS17557)"
    frame = pl.DataFrame({"probe_asn": ["AS17557", "AS9541"]})
    assert frame.select(charts._network_expr("probe_asn"))["probe_asn"].to_list() == [
        "Synthetic Telecom (AS17557)",
        "AS9541 (name unverified)",
    ]
