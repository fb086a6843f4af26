"""The report's charts fit a phone in both editions: each chart's drawing lies inside the screen, no
label (drawn in the page's embedded fonts, the Urdu face larger than Vega measured it) starts left
of its chart's box or ends right of it, nothing scrolls sideways, and the Urdu titles have room."""

from __future__ import annotations

import pytest
from test_report import synthetic_executed_notebook
from test_report_findings import synthetic_inputs

from claimaudit import i18n, report
from claimaudit.report import _finding_charts as fc
from claimaudit.report import _transparency as tr

EDITIONS = {"en": "08-publish-transparency-report.html", "ur": "08-publish-transparency-report.ur.html"}
INFO = {"version": "v", "commit": "c", "generated": "2026-12-01T00:00:00+00:00"}


def _report(lang: str) -> str:
    from claimaudit.notebook.charts import use_theme

    use_theme(renderer=None)
    nb = synthetic_executed_notebook()
    inp = synthetic_inputs()
    with i18n.language(lang):
        items = tr.findings(inp)
        sections = tr.sections_html(inp, items)
    assert sections.count("<svg") >= 3, "the synthetic findings draw charts"
    nb.cells[1].outputs.append({"output_type": "display_data", "data": {"text/html": sections}, "metadata": {}})
    return report.html_from_notebook(nb, lang=lang, editions=EDITIONS, info=INFO)


def test_a_label_wider_in_the_pages_font_widens_the_box_and_nothing_else_changes():
    svg = (
        '<svg class="marks" width="100" height="50" viewBox="0 0 100 50"><g transform="translate(30,5)">'
        '<text font-size="11px" text-anchor="end" transform="translate(-5,10)">ایک بہت لمبا لیبل</text></g></svg>'
    )
    fitted = fc.fit_svg_text(svg)
    width = fc.text_width("ایک بہت لمبا لیبل", 11)
    assert width > 25, "the label is wider than the room Vega left for it"
    left = 25 - width - 4
    assert f'viewBox="{left:g} 0 {100 - left:g} 50"' in fitted and f'width="{100 - left:g}"' in fitted
    assert fitted.endswith(svg[svg.index(">") + 1 :]), "the drawing itself is unchanged"
    assert fc.fit_svg_text(svg.replace("ایک بہت لمبا لیبل", "x")) == svg.replace("ایک بہت لمبا لیبل", "x")


def test_urdu_chart_titles_have_line_height_for_urdu_letters():
    from claimaudit.notebook.charts import use_theme

    use_theme(renderer=None)  # as the report notebook does
    inp = synthetic_inputs()
    with i18n.language("ur"):
        chart = tr.findings(inp)[0].charts[0]
        title = chart.to_dict()["config"]["title"]
    assert title["lineHeight"] >= 1.6 * title["fontSize"]
    assert title["subtitleLineHeight"] >= 1.6 * title["subtitleFontSize"]
    with i18n.language("en"):
        assert "lineHeight" not in chart.to_dict()["config"]["title"], "English titles keep Vega's spacing"


_CHARTS = """() => [...document.querySelectorAll('figure.ca-chart svg')].map((svg) => {
  const box = svg.getBoundingClientRect();
  const texts = [...svg.querySelectorAll('text')].filter((t) => t.getAttribute('opacity') !== '0')
    .map((t) => { const r = t.getBoundingClientRect(); return [t.textContent, r.left, r.right, r.width]; })
    .filter((t) => t[3] > 0);
  return {left: box.left, right: box.right, texts};
})"""


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "ur"])
@pytest.mark.parametrize("width", [390, 1280])
def test_every_chart_and_its_labels_lie_inside_the_screen(tmp_path, lang, width):
    from playwright.sync_api import sync_playwright

    from support.report_browser import chromium_or_skip

    chromium = chromium_or_skip()
    page_file = tmp_path / EDITIONS[lang]
    page_file.write_text(_report(lang), "utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_context(offline=True, viewport={"width": width, "height": 900}).new_page()
            page.goto(page_file.as_uri(), wait_until="load")
            charts = page.evaluate(_CHARTS)
            scroll = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        finally:
            browser.close()
    assert len(charts) >= 3
    assert scroll[0] <= scroll[1] + 1, f"the {lang} page scrolls sideways at {width}px: {scroll}"
    for chart in charts:
        assert chart["left"] >= 0 and chart["right"] <= width + 0.5, f"a chart leaves the screen: {chart}"
        for text, left, right, _w in chart["texts"]:
            assert left >= chart["left"] - 0.5, f"{text!r} starts {chart['left'] - left:.1f}px left of its chart"
            assert right <= chart["right"] + 0.5, f"{text!r} ends {right - chart['right']:.1f}px right of its chart"


def test_the_urdu_draft_note_says_names_with_an_urdu_form_are_given_in_it_and_they_are():
    """The note once said names are as in the English edition; names with an established Urdu form
    now show in it (``i18n.name_words``), the others in Latin letters, and the note says so."""
    html = report.html_from_notebook(synthetic_executed_notebook(), lang="ur", editions=EDITIONS, info=INFO)
    note = html.split('class="ca-draft-note"', 1)[1].split("</p>", 1)[0]
    assert "جن ناموں کی اردو میں رائج صورت موجود ہے" in note and "لاطینی حروف" in note, note
    assert "نام اور ماخذ انگریزی ایڈیشن کے مطابق" not in html
    with i18n.language("ur"):
        assert i18n.name_words("outlet", "ARY News", "ur") != "ARY News", "an outlet with an Urdu name"
        assert "Dawn" in i18n.name_words("outlet", "Dawn", "ur"), "an outlet without one stays Latin"
