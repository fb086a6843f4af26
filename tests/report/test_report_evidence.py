"""The scorecard's evidence: strength, n and kinds in the cell; every item on its own line in an
"Evidence used" details element; long URLs shortened for display but linked in full."""

from __future__ import annotations

import dataclasses
import html as html_lib
import re
from html.parser import HTMLParser

import polars as pl
import pytest

from claimaudit import report
from claimaudit.notebook import views
from claimaudit.report import _evidence, _render

SYNTHETIC_MISSING_URL = (
    "https://api.ooni.io/api/v1/aggregation?probe_cc=PK&test_name=web_connectivity&since=2024-01-18"
    "&until=2024-02-17&time_grain=day&axis_x=measurement_start_day&axis_y=probe_asn&domain=twitter.com%2Cx.com&format=CSV"
)
SYNTHETIC_NOTE = f"web_connectivity: {SYNTHETIC_MISSING_URL}: not in the cache and no mirror holds it"


@dataclasses.dataclass
class SyntheticEvidence:
    """Stands in for claimaudit.audit's Evidence: the scorecard only needs ``to_dict()``."""

    source: str
    keys: tuple[str, ...] = ()
    strength: str = "claims_ledger"
    window_start: str | None = None
    window_end: str | None = None
    n: int | None = None
    networks: tuple[str, ...] = ()
    probes: int | None = None
    available: bool = True
    observes: str | None = None
    note: str | None = None

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["keys"], d["networks"] = list(self.keys), list(self.networks)
        return d


@dataclasses.dataclass
class SyntheticVerdict:
    evidence: list[SyntheticEvidence]


def synthetic_evidence() -> list[SyntheticEvidence]:
    return [
        SyntheticEvidence("datasets/claims", keys=("synthetic-claim",)),
        SyntheticEvidence(
            "datasets/signals",
            keys=("synthetic-signal-1", "synthetic-signal-2"),
            strength="direct_measurement",
            window_start="2024-01-31",
            window_end="2024-03-01",
            n=1234,
            networks=("AS64500", "AS64501"),
            observes="blocking",
        ),
        SyntheticEvidence(
            "ooni_api/aggregation",
            strength="direct_measurement",
            window_start="2024-01-31",
            window_end="2024-03-01",
            available=False,
            observes="missing",
            note=SYNTHETIC_NOTE,
        ),
    ]


def synthetic_frame() -> pl.DataFrame:
    evidence = synthetic_evidence()
    text = " | ".join(  # the engine's text form, as in verdicts.csv
        [
            "datasets/claims[synthetic-claim]",
            "datasets/signals[synthetic-signal-1,synthetic-signal-2; window=2024-01-31..2024-03-01; n=1234;"
            " networks=AS64500,AS64501]",
            f"ooni_api/aggregation[window=2024-01-31..2024-03-01; missing: {SYNTHETIC_NOTE}]",
        ]
    )
    frame = pl.DataFrame(
        {
            "rule_id": ["r-synthetic"],
            "claim_ids": [["synthetic-claim"]],
            "verdict": ["contradicted"],
            "explanation": [
                f"synthetic: (2) ooni_api/aggregation: missing ({SYNTHETIC_NOTE}). The verdict rests on signals."
            ],
            "evidence_strength": ["direct_measurement"],
            "evidence": [text],
            "n": [1234],
        }
    )
    return views.with_evidence_items(frame, [SyntheticVerdict(evidence)])


class Elements(HTMLParser):
    """Text inside <details>, and (href, text) of every link."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.details: list[str] = []
        self.cells: dict[str, list[str]] = {}
        self.cell: str | None = None
        self.links: list[list[str]] = []
        self.items: list[str] = []
        self.in_item = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "details":
            self.depth += 1
            self.details.append("")
        if tag == "td":
            self.cell = attrs.get("data-label")
            self.cells.setdefault(self.cell, [])
        if tag == "a":
            self.links.append([attrs.get("href"), ""])
        if tag == "li" and self.depth:
            self.items.append("")
            self.in_item = True

    def handle_endtag(self, tag):
        if tag == "details":
            self.depth -= 1
        if tag == "td":
            self.cell = None
        if tag == "li":
            self.in_item = False

    def handle_data(self, data):
        if self.depth:
            self.details[-1] += data
        if self.cell:
            self.cells[self.cell].append(data)
        if self.links and self.links[-1][1] == "" and self.lasttag == "a":
            self.links[-1][1] = data
        if self.in_item:
            self.items[-1] += data


def parse(html: str) -> Elements:
    parser = Elements()
    parser.feed(html)
    return parser


def test_evidence_details_lists_each_item_with_window_n_and_networks():
    html = report.scorecard_html(synthetic_frame())
    parsed = parse(html)
    assert len(parsed.details) == 1 and parsed.details[0].startswith("Evidence used (3)")
    assert len(parsed.items) == 3
    signals = next(i for i in parsed.items if "synthetic-signal-1" in i)
    assert "window 2024-01-31..2024-03-01" in signals
    assert "n\u00a0=\u00a01,234" in signals
    assert "networks AS64500, AS64501" in signals
    missing = next(i for i in parsed.items if "ooni_api/aggregation" in i)
    assert "not fetched: " in missing
    assert "OONI aggregation PK web_connectivity (twitter.com, x.com) since 2024-01-18 until 2024-02-17" in missing
    assert "not in the cache and no mirror holds it" in missing


def test_evidence_strength_cell_shows_strength_n_and_kinds_not_raw_keys():
    cell = " ".join(parse(report.scorecard_html(synthetic_frame())).cells["Evidence strength"])
    assert "●●● direct network measurement" in cell
    assert "n = 1,234" in cell
    assert "from network measurement, official figures" in cell
    assert "1 source not fetched" in cell
    assert "synthetic-signal-1" not in cell and "api.ooni.io" not in cell and "window=" not in cell


def test_missing_evidence_url_is_short_in_display_but_full_in_href():
    parsed = parse(report.scorecard_html(synthetic_frame()))
    to_ooni = [(href, text) for href, text in parsed.links if href and "api.ooni.io" in href]
    assert len(to_ooni) == 2  # in the explanation and in the evidence list
    for href, text in to_ooni:
        assert href == SYNTHETIC_MISSING_URL
        assert "api.ooni.io" not in text and len(text) < 100
    why = "".join(parsed.cells["Why"])
    assert SYNTHETIC_MISSING_URL not in why
    assert why.startswith("synthetic: (2) ooni_api/aggregation: missing (web_connectivity: OONI aggregation")


def test_explanation_text_is_kept_apart_from_urls_and_escaped():
    frame = synthetic_frame().with_columns(pl.lit("<b>bold</b> see https://example.org/x. Done").alias("explanation"))
    html = report.scorecard_html(frame)
    assert "&lt;b&gt;bold&lt;/b&gt; see " in html
    assert re.search(r'<a class="ca-source ca-short" href="https://example.org/x">example.org/x</a>\. Done', html)


def test_linked_text_only_links_web_addresses_and_keeps_every_character():
    text = "a (https://dawn.com/news/1), b: javascript:alert(1) c https://x.org/p?q=1:"
    pieces = _render.linked_text(text)
    assert [p["href"] for p in pieces if p["href"]] == ["https://dawn.com/news/1", "https://x.org/p?q=1"]
    # nothing but the URLs themselves is replaced
    rebuilt = "".join(p["href"] if p["href"] else p["text"] for p in pieces)
    assert rebuilt == text


def test_short_url_keeps_host_and_end_of_long_paths():
    long = "https://www.example.org/" + "segment/" * 20 + "final-page.html"
    assert _render.short_url(long) == "www.example.org/…/final-page.html"
    assert _render.short_url("https://example.org/a") == "example.org/a"


def test_evidence_without_anything_gives_no_details():
    frame = synthetic_frame().drop("evidence_items").with_columns(pl.lit(None, dtype=pl.String).alias("evidence"))
    assert "<details" not in report.scorecard_html(frame)


def test_with_evidence_items_refuses_misaligned_verdicts():
    with pytest.raises(ValueError, match="verdicts for a frame"):
        views.with_evidence_items(synthetic_frame(), [])


def test_scorecard_csv_keeps_the_engine_evidence_text(tmp_path):
    page = report.Page("99-synthetic", tables_dir=tmp_path)
    view = page.scorecard(synthetic_frame(), display=False)
    text = view.csv_path.read_text(encoding="utf-8")
    assert "evidence_items" not in text.splitlines()[0]
    assert SYNTHETIC_MISSING_URL in text


def test_evidence_kinds_are_strongest_first_and_skip_missing():
    items = _evidence.evidence_items([e.to_dict() for e in synthetic_evidence()][::-1])
    assert _evidence.evidence_kinds(items) == ["network measurement", "official figures"]
    only_missing = _evidence.evidence_items([synthetic_evidence()[2].to_dict()])
    assert _evidence.evidence_kinds(only_missing) == []


def test_the_explanation_is_shown_whole_in_the_engines_words():
    text = (
        f"asserted x (2024); evidence: (1) 1 OONI finding (3 networks). (2) missing ({SYNTHETIC_NOTE})."
        " The verdict rests on it."
    )
    frame = synthetic_frame().with_columns(pl.lit(text).alias("explanation"))
    html = report.scorecard_html(frame)
    why = re.search(r'<div class="ca-why">(.*?)</div>', html, re.S).group(1)
    paragraphs = re.findall(r"<p>(.*?)</p>", why, re.S)
    assert len(paragraphs) == 1, "not cut into numbered points"
    shown = html_lib.unescape(re.sub(r"<[^>]+>", "", paragraphs[0]))
    assert shown.replace(_render.short_url(SYNTHETIC_MISSING_URL), SYNTHETIC_MISSING_URL) == text


def test_the_csv_text_form_of_evidence_is_never_parsed_back():
    frame = synthetic_frame().drop("evidence_items")
    assert "<details" not in report.scorecard_html(frame), "no structured evidence, no evidence list"
