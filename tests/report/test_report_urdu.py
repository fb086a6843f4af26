"""The Urdu edition of the report: right to left, its own fonts embedded as subsets, every visible
character drawable, nothing loaded from outside, escaped like the English one, and a PDF whose
Urdu text copies out letter for letter."""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
import unicodedata

import polars as pl
import pytest
from test_report import SCRIPT, synthetic_claims, synthetic_executed_notebook, synthetic_sources, synthetic_verdicts

from claimaudit import i18n, report
from claimaudit.report import _fonts

EDITIONS = {"en": "08-publish-transparency-report.html", "ur": "08-publish-transparency-report.ur.html"}
DRAFT_SENTENCE = "یہ ایڈیشن انگریزی سے کیا گیا مسودہ ترجمہ ہے"

needs_font = pytest.mark.skipif(
    _fonts.find_font(_fonts.URDU_FAMILIES) is None, reason="needs fonts-noto-core (CI installs it)"
)


def urdu_claims() -> pl.DataFrame:
    return synthetic_claims().with_columns(pl.Series("summary_ur", ["مصنوعی دعویٰ: وی پی این بند نہیں", None]))


def synthetic_urdu_notebook():
    nb = synthetic_executed_notebook()
    with i18n.language("ur"):
        card = report.scorecard_html(synthetic_verdicts(), urdu_claims(), synthetic_sources())
    nb.cells[1].outputs.append({"output_type": "display_data", "data": {"text/html": card}, "metadata": {}})
    return nb


@pytest.fixture(scope="module")
def urdu_html() -> str:
    return report.html_from_notebook(
        synthetic_urdu_notebook(),
        lang="ur",
        editions=EDITIONS,
        info={"version": "v", "commit": "c", "generated": "2026-12-01T00:00:00+00:00"},
    )


@pytest.fixture(scope="module")
def urdu_file(tmp_path_factory, urdu_html):
    path = tmp_path_factory.mktemp("urdu") / EDITIONS["ur"]
    path.write_text(urdu_html, encoding="utf-8")
    return path


def _tag(html: str, name: str, **attrs: str) -> bool:
    """Whether ``html`` has a ``<name>`` element with these attribute values (in any order)."""
    for tag in re.findall(rf"<{name}\b[^>]*>", html):
        if all(re.search(rf'\b{k}="{re.escape(v)}"', tag) for k, v in attrs.items()):
            return True
    return False


def test_urdu_edition_is_rtl_and_links_the_english_one(urdu_html):
    assert _tag(urdu_html, "html", lang="ur", dir="rtl")
    assert _tag(urdu_html, "a", href=EDITIONS["en"], hreflang="en")
    english = report.html_from_notebook(synthetic_urdu_notebook(), lang="en", editions=EDITIONS, info={"version": "v"})
    assert _tag(english, "html", lang="en", dir="ltr")
    assert _tag(english, "a", href=EDITIONS["ur"], hreflang="ur") and ">اردو</a>" in english


def test_urdu_edition_says_it_is_a_draft_translation_while_unreviewed(urdu_html):
    assert i18n.is_draft("ur"), "the shipped catalogue is unreviewed: this test expects the note"
    assert DRAFT_SENTENCE in urdu_html and 'class="ca-draft-note"' in urdu_html
    english = report.html_from_notebook(synthetic_urdu_notebook(), lang="en", info={"version": "v"})
    assert "ca-draft-note" not in english.split("</style>")[-1]


def test_urdu_edition_translates_the_scorecard_and_keeps_data_escaped(urdu_html):
    body = urdu_html.split("</style>")[-1]
    assert "کیا کہا گیا، کس نے" in body, "scorecard headers from the catalogue"
    assert "شواہد سے تردید" in body, "verdict names from the catalogue"
    assert "<script" not in body and "&lt;script&gt;" in body
    assert "evil.example" not in urdu_html and 'href="javascript:' not in urdu_html


def test_summary_ur_is_shown_and_an_english_summary_is_marked_as_such(urdu_html):
    body = urdu_html.split("</style>")[-1]
    assert "مصنوعی دعویٰ: وی پی این بند نہیں" in body
    assert "Second synthetic claim" in body, "no summary_ur: the English summary is shown"
    assert "خلاصہ انگریزی میں ہے" in body, "... marked as English"
    assert "technical glitch" in body, "a claim's wording is shown as stated"


def test_rendering_the_urdu_edition_leaves_no_message_untranslated():
    i18n.untranslated(clear=True)
    report.html_from_notebook(
        synthetic_urdu_notebook(), lang="ur", editions=EDITIONS, info={"version": "v", "commit": "c"}
    )
    left = [m for m in i18n.untranslated("ur") if m != "# Synthetic report\n\nNarrative."]  # the test's own text
    assert left == [], f"shown in English in the Urdu edition: {left}"


def _embedded_cmaps(html: str) -> dict[str, set[int]]:
    from fontTools.ttLib import TTFont

    faces = {}
    for family, data in re.findall(
        r'font-family: "([^"]+)"; src: url\(data:font/woff2;base64,([A-Za-z0-9+/=]+)\)', html
    ):
        faces[family] = set(TTFont(io.BytesIO(base64.b64decode(data))).getBestCmap())
    return faces


@needs_font
def test_every_visible_character_is_drawn_by_an_embedded_font(urdu_html):
    faces = _embedded_cmaps(urdu_html)
    assert {"claimaudit-urdu", "claimaudit-latin"} <= set(faces), f"embedded faces: {sorted(faces)}"
    covered = set().union(*faces.values())
    text = _fonts.visible_text(urdu_html)
    missing = sorted({c for c in text if not c.isspace() and unicodedata.category(c) != "Cf" and ord(c) not in covered})
    assert missing == [], f"characters no embedded font can draw: {missing}"
    urdu = {ord(c) for c in text if "\u0600" <= c <= "\u06ff"}
    assert urdu and urdu <= faces["claimaudit-urdu"], "Urdu letters are in the Urdu face"


@needs_font
def test_fonts_are_subsets_not_whole_files(urdu_html):
    from fontTools.ttLib import TTFont

    full = TTFont(str(_fonts.urdu_font()))
    subset = _embedded_cmaps(urdu_html)["claimaudit-urdu"]
    assert len(subset) < len(full.getBestCmap()) / 4


@pytest.mark.parametrize("family", ["Noto Nastaliq Urdu", "Noto Naskh Arabic"])
def test_harfbuzz_and_fonttools_subsets_keep_the_same_glyphs(family, monkeypatch):
    """HarfBuzz computes the subset (fast), fontTools alone is the fallback: both keep the glyphs
    the shaping of the text can reach (contextual forms, marks) and map the same characters."""
    import builtins

    from fontTools.ttLib import TTFont

    font = _fonts.find_font((family,))
    if font is None:
        pytest.skip(f"{family} not installed")
    text = "ایکس کو ہم نے بند نہیں کیا، پی ٹی اے\u06d4" + "\u200c\u200d"
    fast = TTFont(io.BytesIO(_fonts._subset(font, text)))
    real_import = builtins.__import__

    def no_harfbuzz(name, *args, **kwargs):
        if name == "uharfbuzz":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_harfbuzz)
    plain = TTFont(io.BytesIO(_fonts._subset(font, text)))
    assert fast.flavor == plain.flavor == "woff2"
    assert set(fast.getGlyphOrder()) == set(plain.getGlyphOrder())
    assert fast.getBestCmap() == plain.getBestCmap()
    assert {ord(c) for c in text} <= set(fast.getBestCmap())
    assert len(fast.getGlyphOrder()) > len({c for c in text})  # contextual forms came along
    assert "GSUB" in fast and "name" in fast and fast["name"].getDebugName(13)  # layout kept, licence kept


def test_without_an_urdu_font_the_page_is_written_with_the_system_fallback(monkeypatch, tmp_path):
    monkeypatch.setenv("CLAIMAUDIT_URDU_FONT", str(tmp_path / "no-such-font.ttf"))
    fonts: list = []
    html = report.html_from_notebook(synthetic_urdu_notebook(), lang="ur", info={"version": "v"}, fonts=fonts)
    assert _tag(html, "html", lang="ur", dir="rtl") and 'claimaudit-urdu"; src' not in html
    assert "Noto Naskh Arabic" in html, "the CSS still names the system's Urdu fonts"
    assert (
        fonts
        and fonts[0].missing
        and "CLAIMAUDIT_URDU_FONT" in fonts[0].missing
        and "fonts-noto-core" in fonts[0].missing
    )


@needs_font
def test_the_english_edition_embeds_the_urdu_face_for_urdu_quotes_only():
    nb = synthetic_executed_notebook()
    nb.cells[0].source += "\n\nQuoted: “ایکس کو ہم نے بند نہیں کیا”"
    html = report.html_from_notebook(nb, lang="en", info={"version": "v"})
    faces = _embedded_cmaps(html)
    assert set(faces) == {"claimaudit-urdu"}, "no Latin face in the English edition"
    assert {ord(c) for c in "ایکسکوہمنےبندنہیںکیا"} <= faces["claimaudit-urdu"]
    assert "unicode-range: U+0600-06FF" in html


# --------------------------------------------------------------------------- in a browser


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_urdu_edition_fits_the_screen_and_loads_nothing(urdu_file, width):
    from support.report_browser import visit

    seen = visit(urdu_file, width=width, height=900)
    assert seen.external == [], f"requests left the file: {seen.external}"
    assert seen.failed == [] and seen.page_errors == [] and seen.console_errors == []
    assert seen.scroll_width <= seen.width + 1, f"page is {seen.scroll_width}px wide on a {seen.width}px screen"
    assert SCRIPT in seen.text


@pytest.mark.browser
@needs_font
def test_urdu_pdf_embeds_the_urdu_font_and_its_text_copies_out_whole(urdu_file, tmp_path):
    from support.report_browser import chromium_or_skip

    chromium_or_skip()
    if not (shutil.which("pdffonts") and shutil.which("pdftotext")):
        pytest.skip("needs poppler-utils (pdffonts, pdftotext)")
    pdf = report.export_pdf(urdu_file, tmp_path / "ur.pdf")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"\+NotoNaskhArabic-Regular\s.*\byes\s+yes\b", fonts), fonts
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    # pdftotext marks directions with embedding controls; the letters between them must be whole
    letters = re.sub(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069]", "", text)
    assert DRAFT_SENTENCE in " ".join(letters.split()), letters[:400]


# --------------------------------------------------------------------------- claimaudit run --lang

SYNTHETIC_REPORT = """{"cells": [
 {"cell_type": "markdown", "metadata": {}, "source": ["## Findings"]},
 {"cell_type": "code", "execution_count": null, "metadata": {"tags": ["parameters"]}, "outputs": [],\
 "source": ["lang = 'en'"]},
 {"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [],
  "source": ["from claimaudit import i18n, report\\n", "from claimaudit.i18n import _\\n", "i18n.set_language(lang)\\n",
             "import polars as pl\\n", "report.Page('08-publish-transparency-report')\
.table(pl.DataFrame({'verdict': ['supported']}), 'synthetic', caption=_('Outlets printed different figures'))"]}],
 "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
 "nbformat": 4, "nbformat_minor": 4}"""


@pytest.fixture
def synthetic_books(tmp_path):
    books = tmp_path / "notebooks"
    books.mkdir()
    (books / "08-publish-transparency-report.ipynb").write_text(SYNTHETIC_REPORT, encoding="utf-8")
    return books


@pytest.mark.slow
@pytest.mark.xdist_group("notebooks")
def test_run_writes_both_editions_linked_and_on_the_index(tmp_path, synthetic_books):
    from claimaudit import pipeline

    reports = tmp_path / "reports"
    result = pipeline.run(reports=reports, notebook_dir=synthetic_books, skip=("fetch", "check", "audit", "pdf"))
    assert result.exit_code == 0, result.problems()
    assert set(result.editions) == {"en", "ur"}
    english, urdu = (
        (reports / EDITIONS["en"]).read_text(encoding="utf-8"),
        (reports / EDITIONS["ur"]).read_text(encoding="utf-8"),
    )
    assert _tag(urdu, "html", lang="ur", dir="rtl") and re.search(r"<h2[^>]*>نتائج<", urdu), "Markdown cells translated"
    assert "اداروں نے مختلف اعداد شائع کیے" in urdu and "Outlets printed different figures" in english
    assert _tag(english, "a", href=EDITIONS["ur"]) and _tag(urdu, "a", href=EDITIONS["en"])
    index = (reports / "index.html").read_text(encoding="utf-8")
    assert f'href="{EDITIONS["en"]}"' in index and f'href="{EDITIONS["ur"]}"' in index
    assert [p.name for p in (reports / "tables").iterdir()] == ["08-publish-transparency-report__synthetic.csv"], (
        "one set of CSVs (the English run's); the Urdu run's copies are not published"
    )


@pytest.mark.slow
@pytest.mark.xdist_group("notebooks")
def test_run_lang_en_makes_only_the_english_edition(tmp_path, synthetic_books):
    from claimaudit import pipeline

    reports = tmp_path / "reports"
    result = pipeline.run(
        reports=reports, notebook_dir=synthetic_books, skip=("fetch", "check", "audit", "pdf"), languages=("en",)
    )
    assert set(result.editions) == {"en"} and not (reports / EDITIONS["ur"]).exists()
    assert f'href="{EDITIONS["ur"]}"' not in (reports / EDITIONS["en"]).read_text(encoding="utf-8"), (
        "no link to a missing edition"
    )


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.xdist_group("notebooks")
def test_without_the_urdu_font_the_run_writes_the_html_and_says_the_pdf_was_not_made(
    tmp_path, synthetic_books, monkeypatch
):
    from claimaudit import pipeline
    from support.report_browser import chromium_or_skip

    chromium_or_skip()
    monkeypatch.setenv("CLAIMAUDIT_URDU_FONT", str(tmp_path / "no-such-font.ttf"))
    reports = tmp_path / "reports"
    result = pipeline.run(
        reports=reports, notebook_dir=synthetic_books, skip=("fetch", "check", "audit"), languages=("ur",)
    )
    assert (reports / EDITIONS["ur"]).is_file() and not (reports / EDITIONS["ur"]).with_suffix(".pdf").exists()
    pdf = next(s for s in result.steps if s.name == "pdf")
    assert pdf.status == "unavailable"
    assert "08-publish-transparency-report.ur.pdf NOT made" in pdf.detail and "fonts-noto-core" in pdf.detail
    assert result.exit_code == 0
    assert any("NOT made" in p for p in result.problems())


def test_cli_rejects_an_unknown_language():
    from typer.testing import CliRunner

    from claimaudit.cli import app

    done = CliRunner().invoke(app, ["run", "--lang", "en,fr"])
    assert done.exit_code == 2 and "unknown language fr" in done.output


def test_fontconfig_is_asked_once_per_family_and_setting(tmp_path, monkeypatch):
    """Every chart measures its text in the page's fonts: fc-match (a fork of the kernel) runs once
    per family, again when the fontconfig setting changes or the file it named is gone."""
    synthetic = tmp_path / "SyntheticSans-Regular.ttf"
    synthetic.write_bytes(b"synthetic font file")
    asked: list[list[str]] = []

    def fc_match(command, **kwargs):
        asked.append(command)
        return subprocess.CompletedProcess(command, 0, stdout=f"Synthetic Sans\n{synthetic}\n", stderr="")

    monkeypatch.setattr(_fonts.shutil, "which", lambda name: f"/synthetic/{name}")
    monkeypatch.setattr(_fonts.subprocess, "run", fc_match)
    _fonts._fc_match_once.cache_clear()
    try:
        assert [_fonts.find_font(("Synthetic Sans",)) for _ in range(3)] == [synthetic] * 3
        assert len(asked) == 1
        monkeypatch.setenv("FONTCONFIG_FILE", str(tmp_path / "fonts.conf"))
        assert _fonts.find_font(("Synthetic Sans",)) == synthetic and len(asked) == 2
        synthetic.unlink()
        assert _fonts.find_font(("Synthetic Sans",)) is None and len(asked) == 3
    finally:
        _fonts._fc_match_once.cache_clear()
