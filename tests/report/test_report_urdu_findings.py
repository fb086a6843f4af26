"""The Urdu edition's findings and data values: every finding sentence is the Urdu template filled
from the structured verdict (never the English text), data values (units, categories, venues,
sources, rule titles) are translated through the catalogue, counts take their plural forms, and the
Urdu scorecard (scorecard.ur.html) is right to left, published with the run and linked."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from test_report_findings import synthetic_inputs

from claimaudit import i18n
from claimaudit.audit import FINDINGS
from claimaudit.audit._findings import caveat, say, when
from claimaudit.report import _index
from claimaudit.report import _transparency as tr

_ARABIC = re.compile(r"[\u0600-\u06ff]")
INFO = {"version": "v", "commit": "c", "generated": "2026-12-01T00:00:00+00:00"}

#: the finding each synthetic verdict leads with (typed slots, as the audit writes them: a subject is a
#: step of the ledger fields it names)
SYNTHETIC_FINDINGS = {
    "url-blocking-series": (
        "series_consistency.fall",
        {
            "subject": say(
                "series_consistency.name_detail",
                authority="PTA",
                period="cumulative",
                metric="items_blocked",
                detail=["pornography", "all_content"],
            ),
            "earlier_value": 903074.0,
            "earlier_date": "2022-03-01",
            "later_value": 844008.0,
            "later_date": "2024-11-13",
            "difference": -59066.0,
            "change_share": -0.06540,
        },
    ),
    "url-blocking-report-agreement": (
        "report_agreement.reports_differ",
        {
            "subject": say(
                "report_agreement.subject",
                metric=say(
                    "report_agreement.metric_detail", metric="items_blocked", detail=["blasphemy", "all_content"]
                ),
                where=say("report_agreement.one_statement", statement="s-press"),
                date=when("2024-11-13"),
            ),
            "figures": [100183.0, 101083.0],
        },
    ),
    "gateway-attempts-unit-drift": (
        "unit_drift.inconsistent",
        {"value": 20000000.0, "claims": 2, "days": 5, "changed": ["unit", "period"]},
    ),
    "platform-block-assertions": (
        "evidence_vs_assertion.contradicted",
        {
            "claimant": "Synthetic Minister",
            "assertion": "“X is not blocked”",
            "date": "2024-03-01",
            "window_start": "2024-01-31",
            "window_end": "2024-03-01",
            "strength": "direct measurement",
            "sources": ["ooni-incidents/incidents"],
        },
    ),
    "vpn-outage-cause": (
        "evidence_vs_assertion.insufficient",
        {
            "claimant": "Synthetic Minister",
            "assertion": "“technical glitch”",
            "date": "2024-11-11",
            "window_start": "2024-11-04",
            "window_end": "2024-11-11",
        },
    ),
    "vpn-registration-same-day-reports": (
        "report_agreement.consistent",
        {
            "reports": 2,
            "subject": say(
                "report_agreement.subject",
                metric=say("report_agreement.metric", metric="vpns_registered"),
                where=say("report_agreement.one_statement", statement="s-dec"),
                date=when("2024-12-16"),
            ),
            "figures": [31000.0],
        },
    ),
}


def inputs_with_findings() -> tr.Inputs:
    from claimaudit.audit._findings import render

    inp = synthetic_inputs(
        rule_titles={
            "url-blocking-series": "Running totals of blocked items must not fall; "
            "blocked ≤ processed ≤ identified; parts ≤ total; additions match the running total"
        }
    )
    for v in inp.verdicts:
        template, slots = SYNTHETIC_FINDINGS[v["rule_id"]]
        v.update(finding_template=template, finding_slots=slots, finding=render(template, slots))
        first = v["claim_ids"][0]
        outlets = say("caveat.outlets", outlets=[say("caveat.outlet", claim_id=first, outlet="Synthetic Outlet")])
        v["caveats"] = [caveat("single_outlet", outlets, claim_ids=[first])]
    return inp


class _Findings(HTMLParser):
    """The text and ``lang`` of every element a finding sentence is in (``class="ca-finding-sentence"``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[dict] = []
        self._open: list[tuple[str, dict | None]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        entry = None
        if "ca-finding-sentence" in (attrs.get("class") or "").split():
            entry = {"lang": attrs.get("lang"), "text": ""}
            self.found.append(entry)
        self._open.append((tag, entry))

    def handle_endtag(self, tag):
        while self._open:
            name, _entry = self._open.pop()
            if name == tag:
                break

    def handle_data(self, data):
        for _name, entry in self._open:
            if entry is not None:
                entry["text"] += data


def findings_in(html: str) -> list[dict]:
    parser = _Findings()
    parser.feed(html)
    return parser.found


@pytest.fixture(scope="module")
def urdu_scorecard() -> str:
    i18n.untranslated(clear=True)
    with i18n.language("ur"):
        return tr.scorecard_page_html(inputs_with_findings(), info=INFO, editions=("en", "ur"))


def test_every_finding_in_the_urdu_scorecard_is_urdu_filled_from_the_verdict(urdu_scorecard):
    found = findings_in(urdu_scorecard)
    assert len(found) == len(SYNTHETIC_FINDINGS), "one finding sentence per verdict (cards and compact rows)"
    assert all(f["lang"] == "ur" for f in found), [f for f in found if f["lang"] != "ur"]
    for f in found:
        assert _ARABIC.search(f["text"]), f["text"]
        for word in ("fell from", "recurs in", "is contradicted by", "cannot be tested", "agree on one figure"):
            assert word not in f["text"], f["text"]
    text = " ".join(f["text"] for f in found)
    # figures by the one formatter, dates in Urdu, words of the data vocabulary translated
    assert "903,074" in text and "844,008" in text and "59,066" in text and "6.5%" in text
    assert "1 مارچ، 2022" in text and "13 نومبر، 2024" in text
    assert "فحش مواد" in text, "the category, worded from the ledger row, in Urdu"
    assert "براہِ راست پیمائش" in text and "OONI کے شائع شدہ نتائج" in text, "strength and source words"
    assert "اکائی اور مدت" in text, "the changed fields, joined the Urdu way"
    assert "\u2068“X is not blocked”\u2069" in text, "the claim's own words as stated, isolated left to right"
    assert "items_blocked" not in text and "all_content" not in text, "no English subject re-used"
    assert i18n.untranslated("ur") == []


def test_the_audits_english_working_is_kept_folded_and_marked_as_english(urdu_scorecard):
    assert 'class="ca-working"' in urdu_scorecard
    working = re.findall(
        r'<details class="ca-working"><summary>([^<]*)</summary><p lang="en" dir="ltr">', urdu_scorecard
    )
    assert working and working[0] == "جانچ کا تفصیلی حساب، انگریزی میں"


def test_caveats_are_worded_in_urdu_from_their_structure(urdu_scorecard):
    lines = re.findall(r'<p class="ca-caveat">([^<]*)</p>', urdu_scorecard)
    assert lines and all(line.startswith("صرف ایک ادارہ یہ رپورٹ کرتا ہے") for line in lines)
    assert "\u2068synthetic-porn-2022\u2069" in " ".join(lines)


def test_data_values_are_shown_translated(urdu_scorecard):
    body = urdu_scorecard.split("</style>")[-1]
    assert "پریس بیان" in body and "press statement" not in body, "venue through the catalogue"
    with i18n.language("ur"):
        assert i18n.value_words("unit", "websites_or_pages") == "ویب سائٹس یا صفحات"
        assert i18n.value_words("category", "contempt_of_court") == "توہینِ عدالت"
        assert tr.source_words("tor_metrics/userstats").startswith("Tor Metrics کے مطابق")
        assert tr.rule_title(inputs_with_findings(), "url-blocking-series").startswith("بلاک شدہ اشیا کی مجموعی تعداد")
        assert i18n.value_words("unit", "new_unit_key") == "new unit key", "an unknown value: its key in words"
    assert i18n.value_words("unit", "websites_or_pages", "en") == "websites or pages"


def test_urdu_scorecard_is_rtl_and_links_the_english_one_and_the_urdu_report(urdu_scorecard):
    assert re.search(r'<html lang="ur" dir="rtl">', urdu_scorecard)
    assert 'href="scorecard.html" hreflang="en"' in urdu_scorecard
    assert 'href="08-publish-transparency-report.ur.html"' in urdu_scorecard
    assert "یہ ایڈیشن انگریزی سے کیا گیا مسودہ ترجمہ ہے" in urdu_scorecard, "draft note while unreviewed"
    with i18n.language("en"):
        english = tr.scorecard_page_html(inputs_with_findings(), info=INFO, editions=("en",))
    assert '<html lang="en" dir="ltr">' in english and "scorecard.ur.html" not in english, (
        "no link to a missing edition"
    )
    assert all(f["lang"] == "en" for f in findings_in(english))
    assert "fell from 903,074 (2022-03-01) to 844,008 (2024-11-13)" in english, "English: the audit's own sentence"


def test_each_edition_writes_its_own_scorecard_and_one_csv(tmp_path):
    inp = inputs_with_findings()
    with i18n.language("ur"):
        urdu = tr.write_scorecard(inp, tmp_path, info=INFO, editions=("en", "ur"))
    with i18n.language("en"):
        english = tr.write_scorecard(inp, tmp_path, info=INFO, editions=("en", "ur"))
    assert [p.name for p in urdu] == ["scorecard.ur.html"]
    assert [p.name for p in english] == ["scorecard.html", "scorecard.csv"]
    assert '<html lang="ur" dir="rtl">' in (tmp_path / "scorecard.ur.html").read_text(encoding="utf-8")
    assert '<html lang="en" dir="ltr">' in (tmp_path / "scorecard.html").read_text(encoding="utf-8")


def test_the_urdu_scorecard_is_in_the_published_set_and_on_the_index(tmp_path):
    from claimaudit.pipeline._publish import managed

    for name in ("scorecard.html", "scorecard.ur.html", "scorecard.csv"):
        (tmp_path / name).write_text("<!DOCTYPE html><html><head><title>t</title></head></html>", encoding="utf-8")
    assert {"scorecard.html", "scorecard.ur.html", "scorecard.csv"} <= set(managed(tmp_path))
    links = [link["href"] for s in _index.index_sections(tmp_path) for link in s["links"]]
    assert "scorecard.html" in links and "scorecard.ur.html" in links


def test_the_lead_sentence_counts_take_their_plural_forms():
    item = tr.Finding("k", "A synthetic finding", None, [], [], [])
    one = [{"verdict": "inconsistent"}, {"verdict": "contradicted"}]
    lead = tr.lead_text([item], one, differ=1)
    assert "each other 1 time and" in lead and "contradicts 1 official statement;" in lead
    assert "1 statement was printed with different figures" in lead and "statements were" not in lead
    many = tr.lead_text([item], one * 3, differ=2)
    assert "3 times" in many and "3 official statements" in many and "2 statements were printed" in many
    with i18n.language("ur"):
        assert "1 بیان مختلف اداروں نے مختلف اعداد کے ساتھ شائع کیا" in tr.lead_text([item], one, differ=1)
        assert "2 بیانات مختلف اداروں" in tr.lead_text([item], one, differ=2)


def test_every_finding_template_has_an_urdu_draft_under_its_id():
    from claimaudit.audit import FINDING_SINGULARS

    cat = i18n.catalogue("ur")
    for template_id, english in FINDINGS.items():
        singular = FINDING_SINGULARS.get(template_id, (None, None))[1]
        message = cat.get(singular or english, context=template_id)
        assert message is not None and message.string, f"{template_id}: not in the Urdu catalogue"
        forms = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        assert len(forms) == (2 if singular else 1), template_id
        for form in forms:
            assert i18n.slots_of(form) == i18n.slots_of(english), template_id
            assert _ARABIC.search(form), template_id


def inputs_with_working() -> tr.Inputs:
    """The synthetic verdicts, two of them with the steps of their working (as the audit writes them)."""
    from claimaudit.audit._findings import cite, figure, say

    inp = inputs_with_findings()
    porn = {"value": 903074.0, "qualifier": "exact", "unit": "urls"}
    steps = {
        "url-blocking-series": [
            say(
                "series_consistency.step",
                subject=say("series_consistency.name", authority="PTA", period="cumulative", metric="items blocked"),
                earlier=figure(porn),
                later=figure({**porn, "value": 844008.0}),
                n_day=988,
                change=say("series_consistency.drop", difference=59066.0, change_share=0.0654),
            ),
            say("series_consistency.cannot_fall"),
        ],
        "platform-block-assertions": [
            say(
                "plausibility.no_baselines",
                problem="<b>synthetic</b> (see https://explorer.ooni.org/chart/mat?probe_cc=PK&test_name=x)",
            ),
            cite(
                {
                    "claim_id": "synthetic-x-2024",
                    "value": 1.0,
                    "qualifier": "exact",
                    "unit": "none",
                    "verb": "blocked",
                    "claimant": "Synthetic Minister",
                    "statement_date": "2024-03-01",
                    "date_precision": "day",
                    "confidence": "low",
                }
            ),
        ],
    }
    for v in inp.verdicts:
        if v["rule_id"] in steps:
            v["reasons"] = [{"kind": "synthetic", "working": steps[v["rule_id"]]}]
    return inp


class _Working(HTMLParser):
    """Each ``<details class="ca-working">``: its summary, and the ``lang``/``dir`` and text of its paragraph."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[dict] = []
        self._depth = 0
        self._where: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "details" and "ca-working" in (attrs.get("class") or "").split():
            self.found.append({"summary": "", "text": "", "lang": None, "dir": None, "links": []})
            self._depth = 1
        elif self._depth:
            self._depth += tag == "details"
            if tag == "summary":
                self._where = "summary"
            elif tag == "p":
                self._where = "text"
                self.found[-1].update(lang=attrs.get("lang"), dir=attrs.get("dir"))
            elif tag == "a":
                self.found[-1]["links"].append(attrs.get("href"))

    def handle_endtag(self, tag):
        if self._depth and tag == "details":
            self._depth -= 1
        if tag in ("summary", "p"):
            self._where = None

    def handle_data(self, data):
        if self._depth and self._where:
            self.found[-1][self._where] += data


def working_in(html: str) -> list[dict]:
    parser = _Working()
    parser.feed(html)
    return parser.found


def test_the_urdu_scorecard_shows_the_audits_working_in_urdu_from_the_verdicts_steps():
    inp = inputs_with_working()
    i18n.untranslated(clear=True)
    with i18n.language("ur"):
        html = tr.scorecard_page_html(inp, info=INFO, editions=("en", "ur"))
    found = working_in(html)
    urdu = [w for w in found if w["lang"] == "ur"]
    assert len(urdu) == 2, found
    for w in urdu:
        assert w["summary"] == "جانچ کا تفصیلی حساب" and w["dir"] is None, w
        assert _ARABIC.search(w["text"]), w
    series, platform = sorted(urdu, key=lambda w: "مجموعی" not in w["text"])
    # the steps, in Urdu: figures every digit, the plural noun, the sentence without slots
    assert "903,074" in series["text"] and "844,008" in series["text"] and "988 دن" in series["text"]
    assert "مجموعی تعداد کم نہیں ہو سکتی" in series["text"]
    assert "cannot fall" not in series["text"] and "later" not in series["text"]
    # a URL in a slot is a link (escaped), markup in data is text; names and ids isolated left to right
    assert platform["links"] == ["https://explorer.ooni.org/chart/mat?probe_cc=PK&test_name=x"]
    assert "<b>synthetic</b>" in platform["text"] and "<b>synthetic" not in html.replace("&lt;b&gt;", "")
    assert "\u2068Synthetic Minister\u2069" in platform["text"] and "synthetic-x-2024" in platform["text"]
    assert "اعتماد" in platform["text"], "the low-confidence flag, in Urdu"
    # the verdicts without steps keep the audit's English explanation, folded and marked English
    english = [w for w in found if w["lang"] == "en"]
    assert len(english) == len(found) - 2 and all(w["dir"] == "ltr" for w in english)
    assert i18n.untranslated("ur") == []


def test_the_english_scorecard_keeps_the_english_explanation():
    inp = inputs_with_working()
    with i18n.language("en"):
        html = tr.scorecard_page_html(inp, info=INFO, editions=("en", "ur"))
    assert 'class="ca-working"' not in html, "English: the explanation shown whole, not folded"
    assert "synthetic explanation, never parsed" in html
    assert "جانچ" not in html.split("</style>")[-1]
