"""Left-to-right text inside the Urdu edition keeps its place, and no reader sees a raw key: a quoted
English claim wording is ONE isolated run with its brackets and quote marks (the bug was
``("X is not restricted" (in Pakistan"`` on the Urdu scorecard at 390 px); assertion keys, platform
scopes and chart event labels read as words in both languages; outlets and claimants with an
established Urdu name carry it, the others stay Latin, isolated."""

from __future__ import annotations

import csv
import re
from html.parser import HTMLParser

import polars as pl
import pytest
from test_report_urdu_findings import INFO, inputs_with_working, working_in

from claimaudit import i18n, paths
from claimaudit.audit import _findings
from claimaudit.report import _transparency as tr

FSI, PDI = "\u2068", "\u2069"
WORDING = "X is not restricted in Pakistan"


def _with_assertion_step(inp: tr.Inputs) -> tr.Inputs:
    said = _findings.say(
        "evidence_vs_assertion.said",
        claimant="Caretaker Prime Minister Anwaarul Haq Kakar",
        date="2024-03-01",
        assertion="x_not_blocked",
        wording=WORDING,
    )
    for v in inp.verdicts:
        if v["rule_id"] == "platform-block-assertions":
            v["reasons"][0]["working"].insert(0, said)
    return inp


def _urdu_scorecard(inp: tr.Inputs) -> str:
    with i18n.language("ur"):
        return tr.scorecard_page_html(inp, info=INFO, editions=("en", "ur"))


def test_a_quoted_english_wording_in_parentheses_is_one_isolated_run_in_the_urdu_working():
    html = _urdu_scorecard(_with_assertion_step(inputs_with_working()))
    platform = next(w for w in working_in(html) if w["lang"] == "ur" and WORDING in w["text"])
    text = platform["text"]
    # brackets and quote marks inside the one run, the run isolated (FSI: the direction of its first letter)
    assert re.search(FSI + r'\("' + FSI + re.escape(WORDING) + PDI + r'"\)' + PDI, text), text
    # never a bracket or quote mark left outside the run it belongs to (the misplaced-quote bug)
    assert not re.search("(?<!" + FSI + r')\("', text) and not re.search(r'"\)(?!' + PDI + ")", text), text
    # the claimant has an established Urdu name; the assertion key reads as words
    assert "نگراں وزیراعظم انوار الحق کاکڑ" in text and "Anwaarul" not in text
    assert "x_not_blocked" not in html and "ایکس بند نہیں" in text


class _Wording(HTMLParser):
    """The ``lang`` and text of each ``<bdi class="ca-wording">`` (a claim's own words on a card)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[dict] = []
        self._in = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "bdi" and "ca-wording" in (attrs.get("class") or "").split():
            self.found.append({"lang": attrs.get("lang"), "dir": attrs.get("dir"), "text": ""})
            self._in = True

    def handle_endtag(self, tag):
        if tag == "bdi":
            self._in = False

    def handle_data(self, data):
        if self._in:
            self.found[-1]["text"] += data


def _wordings(html: str) -> list[dict]:
    parser = _Wording()
    parser.feed(html)
    return parser.found


def test_a_cards_quoted_wording_is_one_bdi_with_its_brackets_and_quotes_in_both_editions():
    inp = inputs_with_working()
    urdu = _wordings(_urdu_scorecard(inp))
    with i18n.language("en"):
        english = _wordings(tr.scorecard_page_html(inp, info=INFO, editions=("en", "ur")))
    assert urdu and english
    for found in urdu + english:
        # the parentheses and quote marks are inside the isolated run, around the whole wording
        assert found["text"] == "(“synthetic wording <b>”)", found
        assert found["dir"] is None, "dir=auto (the bdi default): an Urdu wording runs right to left"
    assert {f["lang"] for f in urdu} == {"en"}, "an English wording in the Urdu edition is marked English"
    assert {f["lang"] for f in english} == {None}


def test_compose_isolates_bracketed_english_but_not_urdu_and_leaves_english_alone():
    values = {"a": "c-1", "b": "نومبر", "w": "X is not blocked"}
    urdu = i18n.compose("[{a}] ({b}) “{w}” متن", values, "ur")
    assert urdu == f"{FSI}[c-1]{PDI} (نومبر) {FSI}“X is not blocked”{PDI} متن"
    assert i18n.compose("[{a}] ({b}) “{w}”", values, "en") == "[c-1] (نومبر) “X is not blocked”"


def test_names_with_an_established_urdu_form_carry_it_and_the_others_stay_latin_isolated():
    assert i18n.name_words("outlet", "Dunya (Urdu)", "ur") == "روزنامہ دنیا"
    assert i18n.name_words("outlet", "Paris News TV", "ur") == f"{FSI}Paris News TV{PDI}"
    assert (
        i18n.name_words("claimant", "PTA (report to parliament)", "ur") == f"پی ٹی اے {FSI}(report to parliament){PDI}"
    )
    assert i18n.name_words("outlet", "Dunya (Urdu)", "en") == "Dunya (Urdu)", "English unchanged"
    inp = inputs_with_working()
    inp.sources = inp.sources.with_columns(
        pl.when(pl.col("outlet") == "Synthetic Weekly")
        .then(pl.lit("ARY News"))
        .otherwise(pl.col("outlet"))
        .alias("outlet")
    )
    html = _urdu_scorecard(inp)
    assert "اے آر وائی نیوز" in html and ">ARY News<" not in html
    assert "Synthetic Daily" in html, "a name without an Urdu form is kept as it is"
    with i18n.language("en"):
        assert ">ARY News<" in tr.scorecard_page_html(inp, info=INFO, editions=("en", "ur"))


def _ledger(name: str) -> list[dict]:
    with (paths.project_root() / "datasets" / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_every_assertion_key_scope_and_charted_event_of_the_data_has_words():
    """A key the vocabulary lacks would be shown to readers as a key: add its words to
    ``i18n/_values.py`` (and a draft translation) when the ledger or the events gain one."""
    claims = _ledger("claims/claims.csv")
    assertions = {r["assertion"] for r in claims if r["assertion"]}
    scopes = {r["scope"] for r in claims if r["scope"]}
    events = {r["event_id"] for r in _ledger("events/events.csv") if r["annotate"].lower() == "true"}
    assert assertions - set(i18n.VALUES["assertion"]) == set()
    assert scopes - set(i18n.VALUES["scope"]) == set()
    assert events - set(i18n.VALUES["event"]) == set()
    for kind, keys in (("assertion", assertions), ("scope", scopes), ("event", events)):
        for key in keys:
            urdu = i18n.value_words(kind, key, "ur")
            assert re.search(r"[\u0600-\u06ff]", urdu) and urdu != key, (kind, key)


def test_assertion_keys_and_scopes_read_as_words_in_the_english_working_too():
    said = _findings.say(
        "evidence_vs_assertion.said", claimant="PTA", date="2024-09-10", assertion="vpns_not_blocked", wording="w"
    )
    assert _findings.render_step(said) == 'PTA (2024-09-10) asserted VPNs are not being blocked ("w")'
    differ = _findings.say("series_consistency.different_scopes", scope="all_content", other_scope="platform:x")
    assert _findings.render_step(differ) == "different scopes (all content vs X)"
    urdu = _findings.render_step(differ, "ur")
    assert "ایکس" in urdu and "platform" not in urdu and "all_content" not in urdu, urdu


def test_the_chart_event_key_reads_in_the_editions_language():
    import datetime as dt

    from claimaudit.notebook.charts import event_key

    events = pl.DataFrame(
        {
            "event_id": ["2024-11-10-vpn-outage", "2024-11-12-synthetic-unknown-event"],
            "start_date": [dt.date(2024, 11, 10), dt.date(2024, 11, 12)],
            "kind": ["vpn_disruption", "statement"],
            "summary": ["synthetic", "synthetic"],
            "annotate": [True, True],
        }
    )
    assert event_key(events) == ["1 · 2024-11-10 · VPN outage", "2 · 2024-11-12 · synthetic unknown event"]
    with i18n.language("ur"):
        urdu = event_key(events)
    assert urdu[0] == "1 · 10 نومبر، 2024 · وی پی این کی بندش"
    assert "vpn" not in urdu[0].lower()


_GLYPHS = """([needle]) => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const found = [];
  let node;
  while ((node = walker.nextNode())) {
    const i = node.data.indexOf(needle);
    if (i < 0) continue;
    const start = node.data.lastIndexOf('(', i), end = node.data.indexOf(')', i + needle.length);
    const glyphs = [];
    for (let k = start; k <= end; k++) {
      if ('\\u2066\\u2067\\u2068\\u2069'.includes(node.data[k])) continue;
      const range = document.createRange();
      range.setStart(node, k);
      range.setEnd(node, k + 1);
      const box = range.getBoundingClientRect();
      glyphs.push([node.data[k], box.left, Math.round(box.top)]);
    }
    found.push(glyphs);
  }
  return found;
}"""


@pytest.mark.browser
@pytest.mark.parametrize("width", [390, 1280])
def test_in_chromium_the_quote_marks_and_brackets_sit_with_the_english_words(tmp_path, width):
    """Rendered: in the Urdu working, ``("X is not restricted in Pakistan")`` reads left to right with its
    brackets and quote marks where they belong, on one line or wrapped (each line in order)."""
    from playwright.sync_api import sync_playwright

    from support.report_browser import chromium_or_skip

    chromium = chromium_or_skip()
    page_file = tmp_path / "scorecard.ur.html"
    html = _urdu_scorecard(_with_assertion_step(inputs_with_working()))
    page_file.write_text(html.replace('<details class="ca-working">', '<details class="ca-working" open>'), "utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_context(offline=True, viewport={"width": width, "height": 900}).new_page()
            page.goto(page_file.as_uri(), wait_until="load")
            runs = page.evaluate(_GLYPHS, ["X is not restricted"])
        finally:
            browser.close()
    assert runs, "the wording is not on the page"
    for glyphs in runs:
        opening, closing = glyphs[:3], glyphs[-3:]  # ( " X  …  n " )
        assert [g[0] for g in opening] == ["(", '"', "X"] and [g[0] for g in closing] == ["n", '"', ")"]
        for three in (opening, closing):
            if len({g[2] for g in three}) == 1:  # on one line: left to right, as in English
                assert three[0][1] < three[1][1] < three[2][1], f"misplaced at {width}px: {three}"
