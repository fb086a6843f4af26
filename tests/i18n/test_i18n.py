"""Message catalogues: every reader-visible message translated into Urdu, with the same slots;
numbers and dates by one rule per language; translations are text, never markup."""

from __future__ import annotations

import datetime as dt

import pytest
from babel.messages.pofile import read_po

from claimaudit import i18n
from claimaudit.i18n import _, _extract, _verify
from claimaudit.report import _render

OTHER_LANGUAGES = [lang for lang in i18n.LANGUAGES if lang != i18n.SOURCE_LANGUAGE]


@pytest.fixture(scope="module")
def extracted():
    return _extract.extract()


def _ids(catalogue) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalogue if m.id}


def test_extraction_finds_python_template_and_notebook_messages(extracted):
    ids = _ids(extracted)
    assert "Insufficient evidence" in ids, "N_() in report/_scorecard.py"
    assert "What was said, by whom" in ids, "_() in a Jinja2 template"
    assert "%(count)s verdict" in ids, "a {% trans %} block with a plural"
    assert any(i.startswith("## Method") for i in ids), "a Markdown cell of the report notebook"
    assert "Source: {source}" in ids, "chart source lines"
    assert "Official figures contradict each other" in ids, "N_() in report/_transparency.py (issue 9's report)"


def test_extraction_reads_gettext_calls_in_notebook_code_cells(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("## Synthetic heading"),
        nbformat.v4.new_code_cell('page.table(t, "x", caption=_("Synthetic caption {n}", n=1))'),
    ]
    path = tmp_path / "synthetic.ipynb"
    nbformat.write(nb, path)
    ids = {(m[2] if isinstance(m[2], str) else m[2][0]) for m in _extract.notebook_messages([path])}
    assert {"## Synthetic heading", "Synthetic caption {n}"} <= ids


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_every_extracted_message_is_in_the_catalogue_and_translated(lang, extracted):
    missing = _verify.missing_from_catalogue(lang, extracted)
    assert missing == [], "\n".join(missing[:20])
    untranslated = [p for p in _verify.slot_problems(lang) if "not translated" in p]
    assert untranslated == [], "\n".join(untranslated[:20])


@pytest.mark.parametrize("lang", OTHER_LANGUAGES)
def test_every_translation_has_exactly_the_slots_of_its_english_message(lang):
    differ = [p for p in _verify.slot_problems(lang) if "slots differ" in p]
    assert differ == [], "\n".join(differ[:20])


def test_the_slot_check_catches_a_renamed_or_dropped_slot(tmp_path, monkeypatch):
    po = tmp_path / "ur" / "LC_MESSAGES" / "claimaudit.po"
    po.parent.mkdir(parents=True)
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        'msgid "{n} of {total} networks"\nmsgstr "{total} میں سے {count}"\n\n'
        'msgid "Source: {source}"\nmsgstr "ماخذ"\n\n'
        'msgid "Verdict"\nmsgstr ""\n',
        encoding="utf-8",
    )
    monkeypatch.setattr("claimaudit.i18n._catalog.locale_dir", lambda: tmp_path)
    problems = _verify.slot_problems("ur")
    assert any("slots differ" in p and "{n} of {total}" in p for p in problems)
    assert any("slots differ" in p and "Source:" in p for p in problems)
    assert any("not translated" in p and "'Verdict'" in p for p in problems)


def test_catalogue_records_review_status_and_the_draft_rule_follows_it(tmp_path, monkeypatch):
    status = i18n.status("ur")
    assert status.translated == status.total > 50
    assert status.reviewed + status.unreviewed == status.total
    assert i18n.is_draft("ur") == (status.unreviewed > 0)
    assert not i18n.is_draft("en")
    po = tmp_path / "ur" / "LC_MESSAGES" / "claimaudit.po"
    po.parent.mkdir(parents=True)
    body = (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
        '#, fuzzy\nmsgid "Verdict"\nmsgstr "فیصلہ"\n'
    )
    po.write_text(body, encoding="utf-8")
    monkeypatch.setattr("claimaudit.i18n._catalog.locale_dir", lambda: tmp_path)
    assert i18n.status("ur").reviewed == 0 and i18n.is_draft("ur")
    po.write_text(body.replace("#, fuzzy\n", ""), encoding="utf-8")
    assert i18n.status("ur").reviewed == 1 and not i18n.is_draft("ur"), "a reviewed catalogue is no draft"


def test_catalogue_files_parse_and_name_their_language():
    for lang in i18n.LANGUAGES:
        with i18n.catalogue_path(lang).open("rb") as fh:
            cat = read_po(fh)
        assert str(cat.locale) == lang
    assert i18n.template_path().is_file()


def test_translation_in_urdu_and_fallback_to_english():
    assert _("Verdict") == "Verdict"
    with i18n.language("ur"):
        assert _("Verdict") == "فیصلہ"
        assert _("a message nobody wrote") == "a message nobody wrote"
        assert i18n.direction() == "rtl"
    assert i18n.current() == "en" and i18n.direction() == "ltr"


def test_numbers_keep_every_digit_and_latin_digits_in_both_languages():
    for lang in i18n.LANGUAGES:
        assert i18n.number(844008, lang) == "844,008"
        assert i18n.number(100183.0, lang) == "100,183"
        assert i18n.number(82.2927252793334, lang) == "82.2927252793334", "never rounded"
        assert i18n.number(2835, lang) == "2,835"


def test_dates_by_the_language_pattern():
    assert i18n.date(dt.date(2024, 11, 18), "en") == "2024-11-18"
    assert i18n.date("2024-11-18", "ur") == "18 نومبر، 2024"


def test_fill_translates_a_finding_template_and_formats_its_slots(monkeypatch):
    template = "PTA's running total fell from {before} to {after} on {date}"
    monkeypatch.setitem(
        i18n.messages("ur"), template, "پی ٹی اے کی مجموعی تعداد {before} سے کم ہو کر {after} رہ گئی ({date})"
    )
    slots = {"before": 903074, "after": 844008, "date": "2024-11-18"}
    assert i18n.fill(template, slots, lang="en") == "PTA's running total fell from 903,074 to 844,008 on 2024-11-18"
    assert (
        i18n.fill(template, slots, lang="ur")
        == "پی ٹی اے کی مجموعی تعداد 903,074 سے کم ہو کر 844,008 رہ گئی (18 نومبر، 2024)"
    )
    with pytest.raises(KeyError, match="after"):
        i18n.fill(template, {"before": 1, "date": "2024-11-18"}, lang="en")


def test_latin_runs_are_isolated_inside_urdu_text():
    with i18n.language("ur"):
        text = _("Source: {source}", source="OONI (AS17557)")
    assert "\u2068OONI (AS17557)\u2069" in text
    assert _("Source: {source}", source="OONI (AS17557)") == "Source: OONI (AS17557)"


def test_parse_languages():
    assert i18n.parse_languages("en") == ("en",)
    assert i18n.parse_languages("ur, en") == ("en", "ur")
    with pytest.raises(ValueError, match="unknown language fr"):
        i18n.parse_languages("en,fr")


def test_a_translation_cannot_inject_markup_into_a_template(monkeypatch):
    monkeypatch.setitem(i18n.messages("ur"), "Not available:", "<script>alert(1)</script>")
    with i18n.language("ur"):
        html = _render.render("fragments/unavailable.html.j2", what="x <b>", why=_render.linked_text("y"))
    assert "<script>" not in html and "&lt;script&gt;" in html and "x &lt;b&gt;" in html


def test_a_message_without_translation_is_remembered_not_hidden():
    i18n.untranslated(clear=True)
    with i18n.language("ur"):
        assert _("A synthetic message with no translation") == "A synthetic message with no translation"
        _("Verdict")
        _("Source: {source}", source="Synthetic Outlet")
    assert i18n.untranslated("ur") == ["A synthetic message with no translation"]
    i18n.untranslated(clear=True)


def test_finding_templates_are_read_from_the_audit_source(tmp_path):
    audit = tmp_path / "src" / "claimaudit" / "audit"
    audit.mkdir(parents=True)
    (audit / "_findings.py").write_text(
        'FINDING_TEMPLATES = {"drop": "PTA\'s total fell from {before} to {after}", "n": 3}\n'
        'WORKING_TEMPLATES: dict[str, str] = {"same": "The figures agree.", "joined": "One " + "sentence.",\n'
        '    "n": 3, "pair": ("a tuple", "is not a message")}\n'
        'TEMPLATE_DIR = "templates"\n'
        'OTHER = {"x": "not a {template}"}\n',
        encoding="utf-8",
    )
    # every string value of a *TEMPLATES table, with or without slots; keys, values that are not
    # strings, a plain TEMPLATE_* setting and other tables are not messages
    assert _extract.finding_templates(tmp_path) == {
        "_findings.drop": "PTA's total fell from {before} to {after}",
        "_findings.same": "The figures agree.",
        "_findings.joined": "One sentence.",
    }


def test_finding_sentences_and_rule_titles_are_extracted_with_their_ids_as_context(tmp_path):
    audit = tmp_path / "src" / "claimaudit" / "audit"
    audit.mkdir(parents=True)
    (audit / "_findings.py").write_text(
        'FINDINGS: dict[str, str] = {\n    "series.fall": "{subject} fell from {before}"\n    " to {after}.",\n'
        '    "series.rise": "{subject} rose."}\nCAVEATS = {"single_outlet": "Only one outlet reports {detail}."}\n'
        'OTHER = {"x": "not {a} finding"}\n',
        encoding="utf-8",
    )
    rules = tmp_path / "checks" / "claims"
    rules.mkdir(parents=True)
    (rules / "r.yml").write_text(
        "rules:\n  - id: r-1\n    kind: unit_drift\n    title: A synthetic rule\n", encoding="utf-8"
    )
    found = {(context, text) for _where, _line, context, text, _note in _extract.finding_sentences(tmp_path)}
    assert found == {
        ("series.fall", "{subject} fell from {before} to {after}."),
        ("series.rise", "{subject} rose."),
        ("caveat.single_outlet", "Only one outlet reports {detail}."),
    }
    assert [(c, t) for _w, _l, c, t, _n in _extract.rule_titles(tmp_path)] == [("rule.r-1", "A synthetic rule")]


def test_the_catalogue_template_carries_every_audit_finding_under_its_id(extracted):
    from claimaudit.audit import FINDING_SINGULARS, FINDINGS

    for template_id, english in FINDINGS.items():
        singular = FINDING_SINGULARS.get(template_id, (None, None))[1]
        # a sentence that counts something is one plural message: msgid the singular, msgid_plural FINDINGS'
        message = extracted.get(singular or english, context=template_id)
        assert message is not None, template_id
        assert message.id == ((singular, english) if singular else english), template_id
        assert any(f"Finding {template_id}" in c for c in message.auto_comments), "the translator sees which finding"


def test_a_message_in_context_is_translated_only_in_that_context():
    with i18n.language("ur"):
        assert i18n.pgettext("unit", "urls") == "یو آر ایلز"
        assert i18n.pgettext("no-such-context", "urls") == "urls"
    assert any("[no-such-context] urls" in m for m in i18n.untranslated("ur", clear=True))


def test_time_format_locale_gives_chart_axes_urdu_month_names():
    locale = i18n.time_format_locale("ur")
    assert locale["months"][0] == "جنوری" and len(locale["shortMonths"]) == 12 and locale["days"][0] == "اتوار"
    assert i18n.time_format_locale("en") is None
