"""Counts read right in both languages: every finding sentence and working step that carries a count has
plural forms (one plural message in the catalogue, ``msgid`` / ``msgid_plural``), so no reader sees
"by 1 official statements" or "on 1 of 1 networks"."""

from __future__ import annotations

import re

import pytest

from claimaudit import i18n
from claimaudit.audit import _findings

#: nouns that are plural in English; after a count of 1 none may follow
_PLURAL_NOUNS = {
    form.rsplit(" ", 1)[-1] for key, form in _findings.PLURAL_TEMPLATES.items() if key.endswith(".other")
} | {"reports", "statements", "claims", "days", "networks", "figures"}
_ONE_THEN_PLURAL = re.compile(r"(?<![\w.,])1 (?:[A-Za-z-]+ ){0,3}?(" + "|".join(sorted(_PLURAL_NOUNS)) + r")\b")
_ARABIC = re.compile(r"[\u0600-\u06ff]")

#: ``{slot} <word ending in s>`` that is not a count (a phrase, a name, a verb after its subject)
_NOT_COUNTS = {
    ("FINDINGS", "series_consistency.additions_agree", "window"),
    ("FINDINGS", "series_consistency.additions_disagree", "window"),
    ("FINDINGS", "series_consistency.additions_exceed", "window"),
    ("FINDINGS", "unit_drift.consistent", "value"),
    ("FINDINGS", "unit_drift.inconsistent", "value"),
    ("FINDINGS", "report_agreement.inconsistent", "date"),
    ("WORKING_TEMPLATES", "report_agreement.outside", "exact"),
    ("WORKING_TEMPLATES", "unit_drift.one_meaning", "value"),
    ("WORKING_TEMPLATES", "unit_drift.changing_meaning", "value"),
    ("WORKING_TEMPLATES", "series_consistency.spans_differ", "claim"),
    ("WORKING_TEMPLATES", "series_consistency.spans_differ", "first"),
    ("WORKING_TEMPLATES", "series_consistency.spans_differ", "other"),
    ("WORKING_TEMPLATES", "series_consistency.needs_total_before", "claim"),
    ("WORKING_TEMPLATES", "series_consistency.needs_total_after", "claim"),
    ("WORKING_TEMPLATES", "series_consistency.rate_compatible", "rounding"),  # ± points, not a count of things
    ("WORKING_TEMPLATES", "opposite_assertions.contradicted", "span"),
    ("WORKING_TEMPLATES", "opposite_assertions.contradicted_one_authority", "span"),
    ("WORKING_TEMPLATES", "opposite_assertions.contradicted_one_authority", "authority"),
    ("WORKING_TEMPLATES", "ooni_aggregation.counts", "tests"),  # a test's name
    ("WORKING_TEMPLATES", "ooni_corpus.what", "tests"),
    ("WORKING_TEMPLATES", "ooni_corpus.what_domains", "tests"),
    ("WORKING_TEMPLATES", "tor.not_covered", "name"),
    ("WORKING_TEMPLATES", "caveat.unscored", "test"),  # a test's name
}
_SLOT_THEN_PLURAL = re.compile(r"\{(\w+)\}((?: [a-z-]+){1,3})")


def _counted(table: str, template_id: str) -> set[str]:
    """The slots of a template that print as a count with plural forms."""
    if table == "FINDINGS":
        counted = set(_findings.FINDING_COUNTS.get(template_id, {}))
        if template_id in _findings.FINDING_SINGULARS:
            counted.add(_findings.FINDING_SINGULARS[template_id][0])
        return counted
    return set(_findings.WORKING_COUNTS.get(template_id, {}))


def _count_cases() -> list[tuple[str, str, str]]:
    cases = []
    for table in ("FINDINGS", "WORKING_TEMPLATES"):
        for template_id, text in getattr(_findings, table).items():
            names = i18n.slots_of(text)
            for name in sorted(names):
                if name in _counted(table, template_id) or (table == "WORKING_TEMPLATES" and name.startswith("n_")):
                    cases.append((table, template_id, name))
    return cases


def test_every_slot_followed_by_a_plural_noun_is_a_count_with_plural_forms():
    """A template that prints ``{slot} things`` must print the count with its noun by a plural message
    (or say here why the slot is no count): a new "{n} things" without plural forms fails this test."""
    unhandled = []
    for table in ("FINDINGS", "WORKING_TEMPLATES", "CLAIM_TEMPLATES"):
        for template_id, text in getattr(_findings, table).items():
            for match in _SLOT_THEN_PLURAL.finditer(text):
                name, words = match.group(1), match.group(2).split()
                if not any(w.endswith("s") and len(w) > 3 for w in words[:3]):
                    continue
                if name in _counted(table, template_id) or (table, template_id, name) in _NOT_COUNTS:
                    continue
                unhandled.append(f"{table}[{template_id!r}]: {match.group(0)!r}")
    assert not unhandled, "counts without plural forms:\n" + "\n".join(unhandled)


def _render(table: str, template_id: str, counted: str, n: int, lang: str) -> str:
    text = getattr(_findings, table)[template_id]
    slots: dict = {name: f"S{index}" for index, name in enumerate(sorted(i18n.slots_of(text)))}
    slots.update({name: 7 for name in _counted(table, template_id)})  # other counts: 7
    slots[counted] = n
    with i18n.language(lang):
        if table == "FINDINGS":
            return _findings.finding_text(template_id, slots, lang)
        return _findings.render_step(_findings.say(template_id, **slots), lang)


@pytest.mark.parametrize(("table", "template_id", "counted"), _count_cases())
def test_a_count_of_one_and_of_two_read_right_in_english_and_urdu(table, template_id, counted):
    one, two = (_render(table, template_id, counted, n, "en") for n in (1, 2))
    assert not _ONE_THEN_PLURAL.search(one), one
    assert one.replace("1", "2") != two, f"the same words for 1 and 2: {two}"
    # a singular noun after 1 becomes its plural after 2 (the form, not just the digit, changes)
    assert _ONE_THEN_PLURAL.search(two.replace("2", "1")), two
    i18n.untranslated("ur", clear=True)
    for n in (1, 2):
        urdu = _render(table, template_id, counted, n, "ur")
        assert _ARABIC.search(urdu) and "{" not in urdu, urdu
        assert str(n) in urdu, urdu
    assert not i18n.untranslated("ur", clear=True), "every form comes from the Urdu catalogue"


def test_each_plural_message_has_every_form_of_the_language_with_equal_slots():
    from babel.messages.plurals import get_plural

    cat = i18n.catalogue("ur")
    assert cat.num_plurals == get_plural("ur").num_plurals == 2
    plural = [m for m in cat if m.id and isinstance(m.id, (list, tuple))]
    contexts = {m.context for m in plural}
    assert {f"plural.{key.rsplit('.', 1)[0]}" for key in _findings.PLURAL_TEMPLATES} <= contexts
    assert set(_findings.FINDING_SINGULARS) <= contexts
    for message in plural:
        forms = list(message.string)
        assert len(forms) == 2 and all(forms), message.id
        english = i18n.slots_of(message.id[0]) | i18n.slots_of(message.id[1])
        for form in forms:
            assert i18n.slots_of(form) == english, (message.id, form)


def test_the_plural_form_follows_the_languages_rule():
    assert [i18n.plural_index(n, "ur") for n in (0, 1, 2, 21)] == [1, 0, 1, 1]
    assert _findings.count_words("network", 1) == "1 network"
    assert _findings.count_words("network", 1, "ur") == "1 نیٹ ورک"
    assert _findings.count_words("network", 3, "ur") == "3 نیٹ ورکس"
    english = _findings.finding_text(
        "opposite_assertions.inconsistent",
        {"claimant": "PTA", "assertion": "a", "date": "2024-11-10", "opposites": 1, "opposite_dates": ["2024-11-12"]},
    )
    assert "by 1 official statement of the opposite" in english
