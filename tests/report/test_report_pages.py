"""How the published pages read: the index says what each output is, table cells show dates,
ids and links readably, a notebook page shows one parameters cell, charts scale."""

from __future__ import annotations

import datetime as dt
import re

import polars as pl
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from claimaudit import report
from claimaudit.report import _render

INFO = {"version": "0", "commit": "synthetic", "generated": "2026-01-01T00:00:00+00:00"}


def test_index_says_what_each_output_is_and_uses_page_titles(tmp_path):
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "02-audit-x__url_blocking_claims.csv").write_text("a\n", encoding="utf-8")
    (tmp_path / "08-publish-transparency-report.html").write_text(
        "<html><head><title>Synthetic &amp; report</title></head></html>", encoding="utf-8"
    )
    (tmp_path / "verdicts.json").write_text("{}", encoding="utf-8")
    (tmp_path / "02-audit-x.html").write_text(
        '<title>Audit X</title><div class="ca-markdown"><h1>Audit X</h1>'
        "<p>Synthetic <em>first</em> sentence. Second.</p></div>",
        encoding="utf-8",
    )
    html = report.write_index(tmp_path, info=INFO).read_text(encoding="utf-8")
    # the outputs' sections (the report links at the top are a list of their own)
    sections = html.split('<ul class="ca-report-link">', 1)[1].split("</ul>", 1)[1]
    items = re.findall(r"<li>(.*?)</li>", sections, re.S)
    assert len(items) == 4
    assert '<div class="ca-meta">Synthetic first sentence.</div>' in html, "a notebook is described in its own words"
    assert all('class="ca-meta"' in item for item in items), "every output has a line saying what it is"
    assert ">Synthetic &amp; report</bdi></a>" in html and "<code>08-publish-transparency-report.html</code>" in html
    assert "All rows of the table &#34;url blocking claims&#34; shown in 02-audit-x." in html
    assert "Start here" in html


def test_table_cells_keep_dates_whole_mark_ids_and_shorten_long_links():
    long_url = "https://www.example.org/" + "deep/" * 15 + "synthetic-article.html"
    frame = pl.DataFrame(
        {
            "claim_id": ["synthetic-2024-02-17-a-long-claim-id"],
            "date": [dt.date(2024, 2, 17)],
            "n": [1234],
            "url": [long_url],
        }
    )
    html = report.table_html(frame)
    # alignment is inline too: JupyterLab right-aligns every cell unless told otherwise
    assert '<td class="ca-id" style="text-align:left">synthetic-2024-02-17-a-long-claim-id</td>' in html
    assert '<td class="date" style="text-align:left">2024-02-17</td>' in html
    assert '<td class="num" style="text-align:right">1,234</td>' in html
    assert f'<a class="ca-source" href="{long_url}">www.example.org/…/synthetic-article.html</a>' in html


def test_stylesheet_scrolls_wide_tables_and_scales_charts_and_prints_rows_whole():
    css = _render.css()
    assert re.search(r"\.ca-table-wrap \{[^}]*overflow-x: auto", css)
    assert re.search(r"figure\.ca-chart svg \{[^}]*width: 100%[^}]*height: auto", css)
    assert re.search(r"table\.ca-table td\.date \{[^}]*white-space: nowrap", css)
    printed = css[css.rindex("@media print") :]
    assert "break-inside: avoid" in printed
    assert "::details-content" in css, "evidence details print open"
    assert 'a.ca-source[href^="http"]::after { content: " (" attr(href) ")"' in css


def test_notebook_page_shows_only_the_parameters_the_run_used():
    defaults = new_code_cell('window_start = "synthetic-default"', metadata={"tags": ["parameters"]})
    injected = new_code_cell(
        '# Parameters\nwindow_start = "synthetic-injected"', metadata={"tags": ["injected-parameters"]}
    )
    nb = new_notebook(cells=[new_markdown_cell("# Synthetic"), defaults, injected, new_code_cell("x = 1")])
    html = report.html_from_notebook(nb, show_code=True, info=INFO)
    assert "synthetic-injected" in html and "synthetic-default" not in html
    assert nb.cells[1].metadata["tags"] == ["parameters"], "the caller's notebook is not changed"
    alone = new_notebook(cells=[defaults])
    assert "synthetic-default" in report.html_from_notebook(alone, show_code=True, info=INFO)


def test_hashes_wrap_and_numeric_headers_align_with_their_numbers():
    digest = "0123456789abcdef" * 4  # synthetic sha256
    html = report.table_html(pl.DataFrame({"name": ["synthetic"], "sha256": [digest], "rows": [12]}))
    assert f'<td class="ca-hash" style="text-align:left">{digest}</td>' in html
    assert '<th scope="col" class="num" style="text-align:right">rows</th>' in html
    assert '<th scope="col" style="text-align:left">sha256</th>' in html


def test_not_available_note_shows_a_long_request_url_short_and_links_it_in_full(tmp_path):
    url = "https://api.ooni.io/api/v1/aggregation?probe_cc=PK&test_name=psiphon&since=2024-01-01&until=2024-01-31&format=CSV"
    view = report.Page("99-synthetic", tables_dir=tmp_path).unavailable(
        "synthetic <measurements>", f"{url}: not in the cache — run `claimaudit run --online`", display=False
    )
    assert "synthetic &lt;measurements&gt;" in view.html
    assert (
        f'href="{url.replace("&", "&amp;")}">OONI aggregation PK psiphon since 2024-01-01 until 2024-01-31</a>'
        in view.html
    )
    assert ": not in the cache — run `claimaudit run --online`" in view.html
