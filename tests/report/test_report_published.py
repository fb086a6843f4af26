"""The published report on the shipped data, as a reader meets it: length in words and printed
pages, a chart per finding, findings on the first screen at 1280 and 390 px, no request leaves
the file, no operator instruction in it; and, on a run with no mirror and an empty cache, the
banner that says which evidence was missing."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from support.report_browser import chromium_or_skip, visit

pytestmark = [pytest.mark.browser]

REPORT = "08-publish-transparency-report"
APPENDIX = "Sources and provenance (appendix)"
INSTRUCTIONS = ("CLAIMAUDIT_MIRROR", "claimaudit run", "--online", "claimaudit fetch", "set CLAIMAUDIT")


def publish(folder: Path, *, mirror: str | None, pdf: bool) -> Path:
    """Run the report notebook alone (no fetch, no checks) into ``folder``; the report's path."""
    from claimaudit.pipeline import run

    mp = pytest.MonkeyPatch()
    try:
        mp.setenv("CLAIMAUDIT_CACHE", str(folder / "cache"))
        if mirror:
            mp.setenv("CLAIMAUDIT_MIRROR", mirror)
        else:
            mp.delenv("CLAIMAUDIT_MIRROR", raising=False)
        result = run(notebooks=["08"], skip=["fetch", "check"], pdf=pdf, reports=folder / "reports")
    finally:
        mp.undo()
    assert result.report_html is not None, [(s.name, s.status, s.detail) for s in result.steps]
    return result.report_html


@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> Path:
    from conftest import mirror_path

    mirror = mirror_path()
    if mirror is None:
        pytest.skip("needs CLAIMAUDIT_MIRROR (third-party files); CI sets it")
    chromium_or_skip()
    return publish(tmp_path_factory.mktemp("shipped"), mirror=str(mirror), pdf=True)


@pytest.fixture(scope="module")
def bare(tmp_path_factory) -> Path:
    chromium_or_skip()
    return publish(tmp_path_factory.mktemp("bare"), mirror=None, pdf=False)


def first_screen(path: Path, *, width: int, height: int, shot: Path) -> dict:
    """Where the headline findings sit on the first screen, and a screenshot of it."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium_or_skip()), headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_context(offline=True, viewport={"width": width, "height": height}).new_page()
            page.goto(path.resolve().as_uri(), wait_until="load")
            tops = page.eval_on_selector_all(
                "ol.ca-headlines > li", "els => els.map(e => e.getBoundingClientRect().top)"
            )
            lead = page.eval_on_selector(".ca-lead", "e => e.getBoundingClientRect().top")
            page.screenshot(path=str(shot))
        finally:
            browser.close()
    return {"tops": tops, "lead": lead}


def test_report_is_short_enough_to_read_and_print(shipped):
    text = visit(shipped).text
    assert APPENDIX in text
    before, _, appendix = text.partition(APPENDIX)
    words_before, words_all = len(before.split()), len(text.split())
    assert words_before <= 4000, f"{words_before} words before the appendix"
    assert words_all <= 6000, f"{words_all} words in all"
    pdf = shipped.with_suffix(".pdf")
    if not (pdf.is_file() and shutil.which("pdfinfo") and shutil.which("pdftotext")):
        pytest.skip("needs the PDF and poppler-utils (pdfinfo, pdftotext)")
    pages = int(
        re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout)[1]
    )
    assert pages <= 16, f"{pages} printed pages"
    appendix_page = next(
        i
        for i in range(1, pages + 1)
        if APPENDIX
        in subprocess.run(
            ["pdftotext", "-f", str(i), "-l", str(i), str(pdf), "-"], capture_output=True, text=True
        ).stdout
    )
    assert appendix_page - 1 <= 12, f"the appendix starts on page {appendix_page}"


def test_each_headline_finding_has_its_section_and_chart(shipped):
    html = shipped.read_text(encoding="utf-8")
    headlines = re.findall(r'<a class="ca-headline-link" href="#(finding-[a-z-]+)">', html)
    assert 5 <= len(headlines) <= 8, headlines
    for anchor in headlines:
        section = html[html.index(f'id="{anchor}"') :]
        section = section[: section.find("</section>")]
        assert '<figure class="ca-chart"><svg' in section, f"{anchor} has no chart"
    # The annual reports' 903,074 are URLs *processed* (ProPakistani prints the 2021 column 'Total Processed'), and
    # links are not websites: the largest fall within one verb and unit family is the 2019-2020 blasphemy count.
    assert (
        "PTA's running total of items blocked as blasphemy fell from 50,331 (September 2019) to 46,431 (October 2020)"
        in html
    )
    assert "fell from 865,187" not in html and "fell from 903,074" not in html
    assert 'class="ca-badge ca-verdict-reports_differ' in html, "outlets' prints are shown apart"


def test_findings_are_on_the_first_screen_at_desktop_and_phone_widths(shipped, tmp_path):
    desktop = first_screen(shipped, width=1280, height=900, shot=tmp_path / "first-1280.png")
    assert desktop["lead"] < 450 and sum(top < 900 for top in desktop["tops"]) >= 2, desktop
    phone = first_screen(shipped, width=390, height=844, shot=tmp_path / "first-390.png")
    assert phone["lead"] < 400 and phone["tops"][0] < 844 * 1.05, phone
    assert (tmp_path / "first-1280.png").stat().st_size > 10_000 and (
        tmp_path / "first-390.png"
    ).stat().st_size > 10_000


def test_published_report_loads_nothing_and_tells_readers_not_operators(shipped):
    seen = visit(shipped)
    assert seen.external == [] and seen.failed == [] and seen.page_errors == []
    for instruction in INSTRUCTIONS:
        assert instruction not in seen.text, instruction
    phone = visit(shipped, width=390, height=844)
    assert phone.scroll_width <= phone.width + 1, "fits a phone"


def test_urdu_quotes_are_marked_for_an_urdu_font(shipped):
    html = shipped.read_text(encoding="utf-8")
    assert re.search(r'<span (?=[^>]*class="ca-figure")(?=[^>]*lang="ur")(?=[^>]*dir="rtl")[^>]*>[\u0600-\u06FF]', html)
    assert '[lang="ur"] { font-family: "Noto Nastaliq Urdu"' in html
    pdf = shipped.with_suffix(".pdf")
    if (
        pdf.is_file()
        and shutil.which("pdffonts")
        and shutil.which("fc-list")
        and "Nastaliq" in subprocess.run(["fc-list"], capture_output=True, text=True).stdout
    ):
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
        assert "NotoNastaliqUrdu" in fonts, fonts


def test_a_run_without_mirror_or_cache_says_so_on_the_first_screen(bare):
    seen = visit(bare)
    text = seen.text
    assert seen.external == []
    banner = text[text.index("This run did not have all the evidence.") : text.index("Headline findings")]
    for kind in ("OONI's published findings", "Google Trends interest in VPNs", "OONI network measurements"):
        assert kind in banner, banner
    assert "http" not in banner
    for instruction in INSTRUCTIONS:
        assert instruction not in text, instruction


# --------------------------------------------------------------------------- "as of" per live source


def _editions(report_html: Path) -> dict[str, str]:
    from claimaudit import i18n

    return {
        lang: report_html.with_name(f"{REPORT}{i18n.edition_suffix(lang)}.html").read_text(encoding="utf-8")
        for lang in i18n.LANGUAGES
    }


def test_a_run_without_live_answers_says_each_live_source_was_not_fetched_in_both_editions(bare):
    from support.live_as_of import live_lines

    editions = _editions(bare)
    assert set(editions) == {"en", "ur"}
    assert live_lines(editions["en"]) == {
        "ooni_api": "OONI API: not fetched: no answer from this service is in the cache",
        "ioda": "IODA: not fetched: no answer from this service is in the cache",
        "tor_metrics": "Tor Metrics: not fetched: no answer from this service is in the cache",
    }
    assert set(live_lines(editions["ur"]).values()) == {
        f"{name}: حاصل نہیں کیا گیا: اس سروس کا کوئی جواب کیشے میں نہیں ہے"
        for name in ("OONI API", "IODA", "Tor Metrics")
    }


def test_the_published_report_says_as_of_for_each_live_source_in_both_editions(tmp_path):
    """A run whose cache manifest holds synthetic live answers (OONI current, Tor Metrics stale, no IODA)."""
    import datetime as dt

    from claimaudit import i18n
    from support.live_as_of import live_lines, write_synthetic_manifest

    chromium_or_skip()
    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    t = write_synthetic_manifest(tmp_path / "cache", now)
    editions = _editions(publish(tmp_path, mirror=None, pdf=False))
    en = live_lines(editions["en"])
    assert en["ooni_api"] == (
        f"OONI API: as of {t['ooni_date']}, {t['ooni_time']} UTC, window 2024-01-01–2024-12-31 (2 cached answers)"
    )
    assert en["ioda"] == "IODA: not fetched: no answer from this service is in the cache"
    assert en["tor_metrics"].startswith(f"Tor Metrics: as of {t['tor_date']}, {t['tor_time']} UTC")
    assert en["tor_metrics"].endswith(
        "from a stale cache: 1 of 1 answers are due to be fetched again and were used as they were"
    )
    ur = live_lines(editions["ur"])
    with i18n.language("ur"):
        when = i18n.date(t["ooni_date"])
    assert ur["ooni_api"].startswith(f"OONI API: {when}، {t['ooni_time']} UTC تک کی صورتِ حال")
    assert "پرانے کیشے سے" in ur["tor_metrics"]
    index = (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")
    assert live_lines(index)["ooni_api"] == en["ooni_api"]
    for instruction in INSTRUCTIONS:  # the report says what is stale; only index.html says what to do
        assert instruction not in editions["en"], instruction
