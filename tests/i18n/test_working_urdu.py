"""Every step of the audit's working reads in Urdu from the catalogue (issue 10): the extractor
collects every template of the audit's ``*_TEMPLATES`` tables, slots or not, and each has an Urdu
draft, so ``explain(record, lang="ur")`` leaves no English sentence."""

import re

import pytest

from claimaudit import i18n
from claimaudit.audit import _findings

LATIN = re.compile(r"[A-Za-z]")
URDU = re.compile(r"[\u0600-\u06ff]")
#: code a reader is told to edit, kept as it is inside the Urdu sentence
CODE = ("params.polarity", "CLAIMAUDIT_OONI_CORPUS")
#: names of services and products, which stay as their makers write them
NAMES = ("Google Trends", "CenAlert", "Nayatel Safeweb", "OONI", "Tor Metrics", "Tor", "IODA", "VPN")


def _words(template: str) -> str:
    """The template without its slots: the words a translator wrote."""
    return re.sub(r"\{[^{}]*\}", "", template)


@pytest.mark.parametrize("template_id", sorted(_findings.WORKING_TEMPLATES))
def test_every_working_step_renders_in_urdu_from_the_catalogue(template_id):
    english = _findings.WORKING_TEMPLATES[template_id]
    names = sorted(_findings._names(english))
    # each slot a distinct number (n_<noun> slots print with their Urdu noun), so each can be found
    slots = {name: 11 + i for i, name in enumerate(names)}
    i18n.untranslated(clear=True)
    shown = _findings.render_step(_findings.say(template_id, **slots), "ur")
    assert i18n.untranslated("ur") == [], f"{template_id}: not in the Urdu catalogue"
    assert _findings._names(i18n.gettext(english, "ur")) == set(names)
    for value in slots.values():  # shares print as percentages (0.12 → 12%, 12 → 1,200%)
        assert str(value) in shown.replace(",", ""), f"{template_id}: slot value {value} lost in {shown!r}"
    rest = shown
    for code in (*CODE, *NAMES):
        rest = rest.replace(code, "")
    assert not LATIN.search(rest), f"{template_id}: English left in the Urdu working: {shown!r}"
    if LATIN.search(_words(english)):  # a sentence, not only slots and punctuation
        assert URDU.search(shown), f"{template_id}: no Urdu in {shown!r}"


def test_steps_without_slots_are_in_the_catalogue():
    """The steps that have no slot (once left out by the extractor) are translated too."""
    plain = [t for t in _findings.WORKING_TEMPLATES.values() if "{" not in t]
    assert plain, "the audit has steps without slots"
    for english in plain:
        urdu = i18n.gettext(english, "ur")
        rest = urdu
        for code in (*CODE, *NAMES):
            rest = rest.replace(code, "")
        assert urdu != english and URDU.search(urdu) and not LATIN.search(rest), english


def test_the_ledger_words_in_a_step_are_urdu_and_english_is_unchanged():
    """Units, verbs, periods, confidence, metrics, categories and scopes are ledger keys in a step's
    slots: in Urdu they read through the data vocabulary; ids and names are isolated."""
    from claimaudit.audit._series import _series_step

    row = {
        "claim_id": "synthetic-1",
        "value": 6035.0,
        "qualifier": "exact",
        "unit": "urls",
        "verb": "blocked",
        "claimant": "Synthetic Authority",
        "statement_date": "2019-09-04",
        "date_precision": "month",
        "confidence": "medium",
    }
    series = {"authority": "PTA", "period": "cumulative", "metric": "items_blocked"}
    steps = [
        _findings.cite(row),
        _findings.say(
            "unit_drift.use",
            metric="items_blocked",
            unit="websites_or_pages",
            period="cumulative",
            claimant="PTA",
            date="2018-10-19",
            claim_id="synthetic-2",
        ),
        _findings.say("series_consistency.different_verbs", verb="blocked", other_verb="processed"),
        _findings.say("series_consistency.different_scopes", scope="all_content", other_scope="social_media"),
        _findings.say(
            "unit_drift.changing_meaning", value=800000.0, n_claim=2, n_day=271, changed=["category", "unit"], chain=[]
        ),
        _findings.say(
            "series_consistency.undated",
            claim=_findings.cite(row),
            n_dated_figure=3,
            subject=_series_step({**series, "category": "contempt_of_court", "scope": "all_content"}),
        ),
    ]
    i18n.untranslated(clear=True)
    with i18n.language("ur"):
        shown = [_findings.render_step(step, "ur") for step in steps]
    for text in shown:
        rest = re.sub("\u2068[^\u2069]*\u2069", "", text)  # isolated names and ids are data
        assert not LATIN.search(rest), text
        assert URDU.search(text), text
    assert "\u2068synthetic-1\u2069" in shown[0] and "\u2068Synthetic Authority\u2069" in shown[0]
    assert i18n.untranslated("ur") == []
    english = [_findings.render_step(step, "en") for step in steps]
    assert english[0] == "6,035 URLs blocked (Synthetic Authority, 2019-09) [synthetic-1, medium confidence]"
    assert english[2] == "different verbs ('blocked' vs 'processed')"
    # ledger keys read as words in English too (never "items_blocked (contempt_of_court, all_content)")
    assert english[5].endswith("of PTA's cumulative count of items blocked (contempt of court, all content).")
    assert english[3] == "different scopes (all content vs social media)"
    for key in ("items_blocked", "contempt_of_court", "all_content", "social_media", "websites_or_pages"):
        assert key not in " ".join(shown), f"the ledger key {key} shown in Urdu"
