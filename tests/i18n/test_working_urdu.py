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
CODE = ("params.polarity",)


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
    for code in CODE:
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
        assert urdu != english and URDU.search(urdu) and not LATIN.search(urdu), english
