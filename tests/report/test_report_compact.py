"""Findings first: full cards only for verdicts that are not ``consistent``; consistent verdicts as
one line each in a folded table that prints open, every row still in a CSV."""

from __future__ import annotations

import csv
import datetime as dt
import re
from html.parser import HTMLParser

import polars as pl

from claimaudit import report
from claimaudit.report import _render, _scorecard

SCRIPT = "<script>alert('synthetic')</script>"


def synthetic_mixed_verdicts() -> pl.DataFrame:
    """Three consistent verdicts among two inconsistent ones and one contradicted."""
    return pl.DataFrame(
        {
            "rule_id": ["r-series", "r-inconsistent", "r-agree", "r-contradicted", "r-parts", "r-inconsistent"],
            "claim_ids": [
                ["synthetic-a", "synthetic-b"],
                ["synthetic-a"],
                ["synthetic-b"],
                ["synthetic-c"],
                ["synthetic-a", "synthetic-c"],
                ["synthetic-c"],
            ],
            "verdict": ["consistent", "inconsistent", "consistent", "contradicted", "consistent", "inconsistent"],
            "explanation": [
                "Synthetic count: 10 items [synthetic-a, medium confidence] → 12 items [synthetic-b]. "
                "No earlier synthetic figure is above it. The unit changed.",
                f"synthetic figures disagree {SCRIPT}",
                "2 synthetic reports of 10 items: by Synthetic Daily [synthetic-b], Synthetic Weekly [synthetic-b].",
                "synthetic evidence says otherwise",
                "Synthetic parts add up to 7 against a total of 12. The parts do not exceed the synthetic total.",
                "synthetic figures disagree again",
            ],
            "evidence_strength": [
                "claims_ledger",
                "claims_ledger",
                "claims_ledger",
                "direct_measurement",
                "claims_ledger",
                "claims_ledger",
            ],
        }
    )


def synthetic_claims() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "claim_id": ["synthetic-a", "synthetic-b", "synthetic-c"],
            "summary": [f"Synthetic claim {SCRIPT}", "Second synthetic claim", "Third synthetic claim"],
            "claimant": ["Synthetic Authority (report to parliament)", "Synthetic Chair", None],
            "authority": ["Synthetic Authority", "Synthetic Authority", None],
            "statement_date": [dt.date(2024, 11, 11), dt.date(2024, 12, 1), None],
        }
    )


def synthetic_sources() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "claim_id": ["synthetic-a", "synthetic-a", "synthetic-b", "synthetic-c"],
            "url": ["https://example.org/a", "https://example.org/a2", "javascript:alert(1)", "https://example.org/c"],
            "outlet": ["Synthetic Daily", "Synthetic Weekly", "Evil <i>Outlet</i>", "Synthetic Monthly"],
        }
    )


class Parts(HTMLParser):
    """Tags, text and attribute values, and which of them sit inside the compact ``<details>``."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.depth = 0  # inside details.ca-compact
        self.text = {"cards": [], "compact": []}
        self.titles: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        attrs = dict(attrs)
        if tag == "details" and "ca-compact" in (attrs.get("class") or ""):
            self.depth += 1
        if self.depth and attrs.get("title"):
            self.titles.append(attrs["title"])

    def handle_endtag(self, tag):
        if tag == "details" and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        self.text["compact" if self.depth else "cards"].append(data)


def parts(html: str) -> Parts:
    parser = Parts()
    parser.feed(html)
    return parser


def render() -> str:
    return report.scorecard_html(
        synthetic_mixed_verdicts(), synthetic_claims(), synthetic_sources(), compact=["consistent"]
    )


def test_cards_only_for_findings_and_one_compact_row_per_consistent_verdict():
    html = render()
    cards = re.findall(r'class="ca-card ca-card-([a-z_]+)"', html)
    assert cards == ["contradicted", "inconsistent", "inconsistent"], "findings first, no card for consistent"
    compact = html[html.index('<details class="ca-compact"') :]
    rows = re.findall(r'class="ca-compact-row ca-compact-([a-z_]+)"', compact)
    assert rows == ["consistent"] * 3
    assert html.index("ca-card-inconsistent") < html.index('<details class="ca-compact"')
    assert "3 verdicts consistent with other claims, one line each" in compact
    assert (
        "6 verdicts: 1 contradicted by evidence; 2 inconsistent with other claims; 3 consistent with other claims"
        in html
    )


def test_compact_rows_say_who_when_rule_reason_and_source():
    compact = render().split('<details class="ca-compact"', 1)[1]
    rows = re.findall(r'<tr class="ca-compact-row.*?</tr>', compact, re.S)
    first = rows[0]
    assert "<code" in first and ">synthetic-a</code>" in first and ">synthetic-b</code>" in first
    # the authority is not repeated when the claimant already names it
    assert (
        "Synthetic Authority (report to parliament), 2024-11-11; Synthetic Chair / Synthetic Authority, 2024-12-01"
        in first
    )
    assert "r-series" in first
    assert "No earlier synthetic figure is above it." in first  # the finding, in the engine's words
    assert 'href="https://example.org/a"' in first and "Synthetic Daily" in first
    assert "+1 more" in first and "Evil" not in first  # one source a line; the others are in the CSV
    assert "javascript:" not in compact
    assert (
        "2 synthetic reports of 10 items: by Synthetic Daily [synthetic-b], Synthetic Weekly [synthetic-b]." in rows[1]
    )
    assert "The parts do not exceed the synthetic total." in rows[2]
    assert "claimant not in the ledger" in rows[2]


def test_a_script_in_a_claim_summary_is_text_in_cards_and_in_compact_rows():
    parsed = parts(render())
    assert "script" not in parsed.tags
    assert f"Synthetic claim {SCRIPT}" in "".join(parsed.text["cards"])
    assert f"Synthetic claim {SCRIPT}" in parsed.titles, "the compact row names the claim's words on its id"
    assert "Evil <i>Outlet</i>" in "".join(parsed.text["compact"]) and "i" not in parsed.tags  # named, not linked
    assert "&lt;script&gt;" in render().split('<details class="ca-compact"', 1)[1]


def test_the_compact_table_prints_open():
    css = _render.css()
    assert re.search(r"@media print\s*\{[^}]*details\.ca-compact::details-content\s*\{[^}]*display:\s*block", css)


def test_page_writes_every_verdict_and_every_compact_row_as_csv(tmp_path):
    page = report.Page("99-synthetic", tables_dir=tmp_path)
    view = page.scorecard(
        synthetic_mixed_verdicts(),
        synthetic_claims(),
        synthetic_sources(),
        name="scorecard",
        compact=["consistent"],
        display=False,
    )
    everything = list(csv.DictReader(view.csv_path.open(encoding="utf-8", newline="")))
    assert len({r["rule_id"] + r["explanation"] for r in everything}) == 6
    compact_csv = tmp_path / "99-synthetic__scorecard_compact.csv"
    rows = list(csv.DictReader(compact_csv.open(encoding="utf-8", newline="")))
    assert [r["rule_id"] for r in rows] == ["r-series", "r-agree", "r-parts"]
    assert rows[0]["claim_ids"] == "synthetic-a; synthetic-b"
    assert rows[0]["explanation"].endswith("The unit changed.")  # the whole explanation, not just the line
    assert "<code>tables/99-synthetic__scorecard_compact.csv</code>" in view.html


def test_without_compact_states_every_verdict_is_a_card():
    html = report.scorecard_html(synthetic_mixed_verdicts(), synthetic_claims(), synthetic_sources())
    assert len(re.findall(r'class="ca-card ', html)) == 6 and "ca-compact" not in html


def test_only_compact_verdicts_give_no_card_table():
    consistent = synthetic_mixed_verdicts().filter(pl.col("verdict") == "consistent")
    html = report.scorecard_html(
        consistent, synthetic_claims(), compact=["consistent"], caption="Synthetic agreeing figures"
    )
    assert "ca-scorecard" not in html and html.count('class="ca-compact-row') == 3
    assert "<summary>Synthetic agreeing figures: 3 verdicts" in html


def test_compact_reason_is_the_verdicts_finding_else_its_whole_explanation():
    """The explanation is never cut into sentences or re-parsed: a finding sentence, when the audit
    gives one, stands for it; else the explanation is shown whole."""
    frame = synthetic_mixed_verdicts().filter(pl.col("verdict") == "consistent")
    whole = _scorecard.compact_frame(frame, synthetic_claims())
    assert whole.get_column("reason").to_list() == whole.get_column("explanation").to_list()
    given = frame.with_columns(pl.lit("Synthetic finding sentence.").alias("finding"))
    assert set(_scorecard.compact_frame(given, synthetic_claims()).get_column("reason")) == {
        "Synthetic finding sentence."
    }
