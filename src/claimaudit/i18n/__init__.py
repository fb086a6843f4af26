"""Every string a reader sees, in English and Urdu: gettext catalogues managed with Babel.

The English text in the code and templates is the message id; ``locale/<lang>/LC_MESSAGES/
claimaudit.po`` holds each language's translation. Catalogues are read from the ``.po`` files
when first needed (no compiled ``.mo`` is built or committed), so a translator edits one text
file and the next run uses it.

>>> _("Verdict")
'Verdict'
>>> with language("ur"):
...     _("Verdict"), number(844008), direction()
('فیصلہ', '844,008', 'rtl')
>>> fill("{n} of {total} networks", {"n": 3, "total": 41}, lang="en")
'3 of 41 networks'

Slots are named (``{name}``): a translator moves them, never renames them (a test checks that
each translation has exactly the slots of its English message). Numbers are formatted by one
rule per language (Babel, ``#,##0`` grouping, Latin digits, never rounded: an official figure
keeps every digit it was stated with); dates by the language's pattern (ISO in English, "18
نومبر، 2024" in Urdu).

Translation status is data: a message whose Urdu is a draft not yet reviewed by a native speaker
carries gettext's ``fuzzy`` flag (see ``docs/translating.md``); :func:`is_draft` is true while
any message of a language is fuzzy, and the report then says its text is a draft translation.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import re
from collections.abc import Iterator, Mapping
from typing import Any

from claimaudit.i18n._catalog import (
    CatalogueStatus,
    catalogue,
    catalogue_path,
    contextual,
    messages,
    status,
    template_path,
)
from claimaudit.i18n._extract import markdown_key
from claimaudit.i18n._format import (
    MISSING,
    date,
    items,
    kind_of,
    number,
    percent,
    share,
    slot,
    stated,
    stated_difference,
    stated_percent,
    statistic,
)
from claimaudit.i18n._values import NAME_SLOTS, SLOT_KINDS, VALUES
from claimaudit.i18n._values import register as register_values

__all__ = [
    "CatalogueStatus",
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "MISSING",
    "NAME_SLOTS",
    "NP_",
    "N_",
    "SLOT_KINDS",
    "SOURCE_LANGUAGE",
    "VALUES",
    "_",
    "catalogue",
    "catalogue_path",
    "compose",
    "current",
    "date",
    "direction",
    "edition_suffix",
    "fill",
    "finding",
    "finding_slot_text",
    "gettext",
    "is_draft",
    "isolate",
    "items",
    "kind_of",
    "language",
    "language_name",
    "markdown_key",
    "messages",
    "name_words",
    "ngettext",
    "number",
    "parse_languages",
    "percent",
    "pgettext",
    "plural_form",
    "plural_index",
    "register_values",
    "set_language",
    "share",
    "slot",
    "slots_of",
    "stated",
    "stated_difference",
    "stated_percent",
    "statistic",
    "status",
    "template_path",
    "time_format_locale",
    "untranslated",
    "value_words",
]

#: Languages the report is published in, source language first.
LANGUAGES: tuple[str, ...] = ("en", "ur")
SOURCE_LANGUAGE = "en"
DEFAULT_LANGUAGE = "en"
_RTL = {"ur", "ar", "fa", "ps", "sd"}
#: Each language's own name, for the link between editions.
_NAMES = {"en": "English", "ur": "اردو"}

_active: contextvars.ContextVar[str | None] = contextvars.ContextVar("claimaudit_language", default=None)


def current() -> str:
    """The active language: set by :func:`language` / :func:`set_language`, else
    ``CLAIMAUDIT_LANG``, else English."""
    chosen = _active.get()
    if chosen:
        return chosen
    from claimaudit import config

    env = (config.get("CLAIMAUDIT_LANG") or "").strip()
    return env if env in LANGUAGES else DEFAULT_LANGUAGE


def _check(lang: str) -> str:
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}: choose from {', '.join(LANGUAGES)}")
    return lang


def set_language(lang: str) -> None:
    """Make ``lang`` the active language (a notebook does this once, from its ``lang`` parameter)."""
    _active.set(_check(lang))


@contextlib.contextmanager
def language(lang: str) -> Iterator[str]:
    """Within the block, text is translated into ``lang``."""
    token = _active.set(_check(lang))
    try:
        yield lang
    finally:
        _active.reset(token)


def parse_languages(value: str | None) -> tuple[str, ...]:
    """``"en,ur"`` -> ``("en", "ur")``, in the order of :data:`LANGUAGES`; an unknown one is an error.

    >>> parse_languages("ur,en"), parse_languages(None)
    (('en', 'ur'), ('en', 'ur'))
    """
    if value is None or not value.strip():
        return LANGUAGES
    asked = {part.strip() for part in value.split(",") if part.strip()}
    unknown = sorted(asked - set(LANGUAGES))
    if unknown:
        raise ValueError(
            f"unknown language {', '.join(unknown)}: choose from {', '.join(LANGUAGES)} (e.g. --lang en,ur)"
        )
    return tuple(lang for lang in LANGUAGES if lang in asked)


def direction(lang: str | None = None) -> str:
    """``"rtl"`` or ``"ltr"``: the writing direction of ``lang`` (default: the active language)."""
    return "rtl" if (lang or current()) in _RTL else "ltr"


def language_name(lang: str) -> str:
    """The language's name in itself (``"اردو"``), for the link between editions."""
    return _NAMES.get(lang, lang)


def edition_suffix(lang: str) -> str:
    """The file-name infix of an edition: ``""`` for English, ``".ur"`` for Urdu
    (``08-publish-transparency-report.ur.html``)."""
    return "" if lang == SOURCE_LANGUAGE else f".{_check(lang)}"


def is_draft(lang: str | None = None) -> bool:
    """True while any message of ``lang`` is a draft not reviewed by a native speaker."""
    lang = lang or current()
    if lang == SOURCE_LANGUAGE:
        return False
    return status(lang).unreviewed > 0


# --------------------------------------------------------------------------- translating


_UNTRANSLATED: set[tuple[str, str]] = set()


def gettext(message: str, lang: str | None = None) -> str:
    """The translation of ``message`` in ``lang`` (default: active), else ``message`` itself
    (and, in a language other than English, the message is remembered: :func:`untranslated`)."""
    lang = lang or current()
    if lang == SOURCE_LANGUAGE and not messages(lang):
        return message
    found = messages(lang).get(message)
    if found:
        return found
    if lang != SOURCE_LANGUAGE and message.strip():
        _UNTRANSLATED.add((lang, message))
    return message


def untranslated(lang: str | None = None, *, clear: bool = False) -> list[str]:
    """Messages asked for in ``lang`` (default: every language) since the start (or the last
    ``clear``) that its catalogue could not translate: shown in English. A render of the report
    should leave this empty; tests check it."""
    found = sorted(m for lg, m in _UNTRANSLATED if lang is None or lg == lang)
    if clear:
        _UNTRANSLATED.clear()
    return found


def _(message: str, /, **slots: Any) -> str:
    """Translate ``message`` into the active language and fill its ``{named}`` slots
    (numbers and dates formatted for the language).

    >>> _("{n} of {total} networks", n=3, total=1041)
    '3 of 1,041 networks'
    """
    text = gettext(message)
    return _format(text, slots, message) if slots else text


def pgettext(context: str, message: str, lang: str | None = None) -> str:
    """The translation of ``message`` in ``context`` (gettext's ``msgctxt``: a finding template's id,
    or the kind of a data value, e.g. ``"unit"``), else ``message`` itself (remembered, as with
    :func:`gettext`, when it is shown in English inside another edition)."""
    lang = lang or current()
    found = contextual(lang).get((context, message))
    if found:
        return found
    if lang != SOURCE_LANGUAGE and message.strip():
        _UNTRANSLATED.add((lang, f"[{context}] {message}"))
    return message


def NP_(context: str, message: str) -> str:
    """Mark ``message`` with its ``context`` for extraction (module-level tables); translate it
    where it is shown with :func:`pgettext`."""
    return message


def N_(message: str) -> str:
    """Mark ``message`` for extraction without translating it now (module-level tables);
    translate it where it is shown, with :func:`_`."""
    return message


def ngettext(singular: str, plural: str, n: int, /, **slots: Any) -> str:
    """Singular or plural by ``n`` (Urdu, like English, has two forms), slots filled; ``n`` is
    also available as the slot ``{n}``.

    >>> ngettext("{n} verdict", "{n} verdicts", 1), ngettext("{n} verdict", "{n} verdicts", 2400)
    ('1 verdict', '2,400 verdicts')
    """
    return _format(plural_form(singular, plural, n), {"n": n, **slots}, singular)


def plural_form(singular: str, plural: str, n: int, lang: str | None = None, *, context: str | None = None) -> str:
    """The translated form of a plural message (``msgid`` ``singular``, ``msgid_plural`` ``plural``,
    in ``context`` when given) for ``n``, slots not filled. The form is chosen by the language's
    plural rule (Babel's CLDR data, as the catalogue's ``Plural-Forms`` header states it: English and
    Urdu have one form for 1 and one for every other count).

    >>> plural_form("{n} day", "{n} days", 1, "en"), plural_form("{n} day", "{n} days", 0, "en")
    ('{n} day', '{n} days')
    """
    lang = lang or current()
    index = plural_index(n, lang)
    text = singular if index == 0 else plural
    cat = catalogue(lang) if lang != SOURCE_LANGUAGE else None
    found = cat.get(singular, context=context) if cat is not None else None
    if found is not None and isinstance(found.string, (list, tuple)):
        if index < len(found.string) and found.string[index]:
            text = found.string[index]
    elif lang != SOURCE_LANGUAGE and context is not None:
        _UNTRANSLATED.add((lang, f"[{context}] {singular}"))
    return text


def plural_index(n: int, lang: str | None = None) -> int:
    """Which plural form ``n`` takes in ``lang`` (0 the first, "one" in English and Urdu), by Babel's
    plural rule for the language (the ``plural=`` expression of gettext's ``Plural-Forms``).

    >>> plural_index(1, "ur"), plural_index(2, "ur"), plural_index(0, "en")
    (0, 1, 1)
    """
    return _plural_rule(lang or current())(int(n))


@functools.lru_cache(maxsize=8)
def _plural_rule(lang: str):
    import gettext as _gettext

    from babel.messages.plurals import get_plural

    return _gettext.c2py(get_plural(lang).plural_expr)


def fill(template: str, slots: Mapping[str, Any], *, lang: str | None = None) -> str:
    """A finding sentence: ``template`` (an English message id with ``{named}`` slots, e.g. a
    verdict's ``finding_template``) translated into ``lang`` and filled from ``slots`` (e.g. its
    ``finding_slots``). A slot the template names but ``slots`` lacks is an error.

    >>> fill("PTA's total fell from {before} to {after} on {date}", {"before": 903074, "after": 844008,
    ...      "date": "2024-11-18"}, lang="en")
    "PTA's total fell from 903,074 to 844,008 on 2024-11-18"
    """
    lang = lang or current()
    with language(lang):
        return _format(gettext(template, lang), dict(slots), template)


def finding(
    template_id: str,
    template: str,
    slots: Mapping[str, Any],
    *,
    lang: str | None = None,
    singular: str | None = None,
    n: int | None = None,
) -> str:
    """A verdict's finding sentence in ``lang``: the English ``template`` (``audit.FINDINGS[template_id]``)
    translated in the context ``template_id`` and filled from the typed ``slots`` (a verdict's
    ``finding_slots``), each printed for the language by :func:`finding_slot_text`. A sentence that
    counts something has its English ``singular`` too (one plural message): the form for ``n`` is used.

    >>> english = "The figure {value} recurs in {claims} claims over {days} with one meaning."
    >>> finding("unit_drift.consistent", english, {"value": 20000000.0, "claims": 2, "days": "63 days"}, lang="en")
    'The figure 20,000,000 recurs in 2 claims over 63 days with one meaning.'
    """
    lang = lang or current()
    with language(lang):
        if singular is not None and n is not None:
            text = plural_form(singular, template, n, lang, context=template_id)
        else:
            text = pgettext(template_id, template, lang)
        shown = _Slots({name: finding_slot_text(name, value) for name, value in slots.items()}, template)
        return compose(text, shown, lang)


def finding_slot_text(name: str, value: Any, lang: str | None = None) -> str:
    """How one finding slot prints in ``lang``: numbers, dates and lists by the one formatter
    (:func:`slot`: a ``*_share`` a percentage of its size, a ratio two decimals, a ``difference``
    its size, a stated figure every digit); ``start..end`` windows as two dates; words of the
    data vocabulary (a unit, verb, strength, source: :data:`claimaudit.i18n._values.SLOT_KINDS`)
    translated; other text (names, ids, quoted wording) as it is, isolated in right-to-left text.

    >>> finding_slot_text("change_share", -0.109, "en"), finding_slot_text("ratios", [0.1398, 0.18], "en")
    ('10.9%', '0.14 and 0.18')
    >>> finding_slot_text("window", "2021-01-01..2024-06-30", "ur"), finding_slot_text("unit", "attempts", "en")
    ('1 جنوری، 2021 سے 30 جون، 2024 تک', 'attempts')
    """
    lang = lang or current()
    with language(lang):
        kind = SLOT_KINDS.get(name)
        if name in NAME_SLOTS and isinstance(value, str):
            return name_words(NAME_SLOTS[name], value, lang)
        if name in NAME_SLOTS and isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
            return items([name_words(NAME_SLOTS[name], v, lang) for v in value], lang)
        if isinstance(value, (list, tuple)) and kind:
            return items([value_words(kind, str(v), lang) for v in value], lang)
        if not isinstance(value, str) or _ISO_DATE.match(value):
            return slot(name, value, lang)
        window = _WINDOW.match(value)
        if window:
            return gettext("{start} to {end}").format(start=date(window[1], lang), end=date(window[2], lang))
        return value_words(kind, value, lang) if kind else isolate(value)


_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WINDOW = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


def value_words(kind: str | None, value: str | None, lang: str | None = None) -> str:
    """A data value a reader sees (a unit, verb, period, category, venue, source...) in words in
    ``lang``: :data:`claimaudit.i18n._values.VALUES` gives its English words (a message, with the
    kind as its context); a value it lacks is shown with its underscores as spaces. With ``kind``
    None, any kind's entry for ``value`` (as an English key or English words) is used.

    >>> value_words("unit", "websites_or_pages", "en"), value_words("unit", "websites_or_pages", "ur")
    ('websites or pages', 'ویب سائٹس یا صفحات')
    """
    from claimaudit.i18n._values import lookup

    lang = lang or current()
    if value is None:
        return ""
    found = lookup(kind, str(value))
    if found is None:
        if kind is None:
            return str(value)
        english = str(value).replace("_", " ")
        return english if lang == SOURCE_LANGUAGE else messages(lang).get(english, english)
    context, english = found
    return english if lang == SOURCE_LANGUAGE else pgettext(context, english, lang)


_DETAIL = re.compile(r"^(?P<name>[^()]*?)\s*(?P<detail>\(.*\))\s*$")


def name_words(kind: str, name: str | None, lang: str | None = None) -> str:
    """A name a reader sees (``kind``: ``authority``, ``claimant``, ``outlet``) in ``lang``: its
    established name in that language when the data vocabulary has one (an Urdu outlet's own Urdu
    name), also for a name with a bracketed detail (the detail kept as it is, isolated); any other
    name as it is, isolated left to right inside right-to-left text. English: unchanged.

    >>> name_words("outlet", "ARY News", "ur"), name_words("outlet", "Paris News TV", "ur")
    ('اے آر وائی نیوز', '\u2068Paris News TV\u2069')
    >>> name_words("claimant", "PTA (document reported by Samaa TV)", "ur")
    'پی ٹی اے \u2068(document reported by Samaa TV)\u2069'
    """
    lang = lang or current()
    if not name:
        return ""
    text = str(name)
    if lang == SOURCE_LANGUAGE:
        return text
    entries = VALUES.get(kind, {})
    with language(lang):
        if text in entries:
            return pgettext(kind, entries[text], lang)
        parts = _DETAIL.match(text)
        if parts and parts["name"] in entries:
            return f"{pgettext(kind, entries[parts['name']], lang)} {isolate(parts['detail'])}"
        return isolate(text)


_SLOT = re.compile(r"(?<!\{)\{([A-Za-z_][A-Za-z0-9_]*)(?:![rsa])?(?::[^{}]*)?\}(?!\})")
_PERCENT_SLOT = re.compile(r"%\(([A-Za-z_][A-Za-z0-9_]*)\)[sdifr]")


def slots_of(text: str) -> set[str]:
    """The named slots of a message: ``{name}`` (Python) and ``%(name)s`` (Jinja ``trans``).

    >>> sorted(slots_of("{a} of {b}; {{literal}} %(c)s"))
    ['a', 'b', 'c']
    """
    return set(_SLOT.findall(text)) | set(_PERCENT_SLOT.findall(text))


class _Slots(dict):
    def __init__(self, values: Mapping[str, Any], message: str) -> None:
        super().__init__(values)
        self.message = message

    def __missing__(self, key: str) -> str:
        raise KeyError(f"message {self.message!r} has slot {{{key}}} but no value was given for it")


def _format(text: str, slots: Mapping[str, Any], message: str) -> str:
    shown = _Slots({k: slot(k, v) for k, v in slots.items()}, message)
    return compose(text, shown)


def _group(opening: str, closing: str) -> str:
    # an opening mark, then only slots and characters that are not letters, then the closing mark
    inner = rf"(?:\{{[A-Za-z_][A-Za-z0-9_]*\}}|[^{{}}\w{re.escape(closing)}]|[\d_])"
    return rf"{re.escape(opening)}{inner}*?\{{[A-Za-z_][A-Za-z0-9_]*\}}{inner}*?{re.escape(closing)}"


#: a bracketed or quoted group of a message around its slots: ``("{wording}")``, ``[{claim_id}]``,
#: ``“{quote}”`` (brackets first, so a quote inside brackets goes with them)
_GROUPS = re.compile("|".join(_group(o, c) for o, c in ("()", "[]", '""', "“”", "‘’", "''", "«»")))


def compose(text: str, values: Mapping[str, Any], lang: str | None = None) -> str:
    """``text`` (a translated message) with its ``{slots}`` filled from ``values`` (already printed).
    In right-to-left text, each bracketed or quoted group of the message around slots (``("{wording}")``,
    ``[{claim_id}]``) whose filled text is left-to-right (Latin letters, no RTL letters) becomes ONE
    isolated run, brackets and quote marks included (FSI … PDI, the direction of its first strong
    letter), so the marks stay with the English words they enclose inside an Urdu sentence; unchanged
    in English.

    >>> compose('{who} نے کہا ("{wording}")', {"who": "PTA", "wording": "X is not restricted"}, "ur")
    'PTA نے کہا \u2068("X is not restricted")\u2069'
    >>> compose('{who} said ("{wording}")', {"who": "PTA", "wording": "X"}, "en")
    'PTA said ("X")'
    """
    lang = lang or current()
    if direction(lang) != "rtl":
        return text.format_map(values)
    out: list[str] = []
    start = 0
    for match in _GROUPS.finditer(text):
        out.append(text[start : match.start()].format_map(values))
        with language(lang):
            out.append(isolate(match.group(0).format_map(values)))
        start = match.end()
    out.append(text[start:].format_map(values))
    return "".join(out)


_STRONG_RTL = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_LATIN = re.compile(r"[A-Za-z]")
FSI, PDI = "\u2068", "\u2069"


def time_format_locale(lang: str | None = None) -> dict[str, Any] | None:
    """A d3-time-format locale for charts (Vega's axis dates: month and day names) in ``lang``,
    from Babel's data; None in English (Vega's own).

    >>> time_format_locale("ur")["months"][10], time_format_locale("en")
    ('نومبر', None)
    """
    from babel import Locale

    lang = lang or current()
    if lang == SOURCE_LANGUAGE:
        return None
    from claimaudit.i18n._format import _LOCALES

    loc = Locale.parse(_LOCALES.get(lang, lang))
    months = [loc.months["format"]["wide"][m] for m in range(1, 13)]
    days = [loc.days["format"]["wide"][(d - 1) % 7] for d in range(7)]  # d3 starts on Sunday
    short_days = [loc.days["format"]["abbreviated"][(d - 1) % 7] for d in range(7)]
    periods = [loc.day_periods["format"]["abbreviated"].get(p, p.upper()) for p in ("am", "pm")]
    return {
        "dateTime": "%x %X",
        "date": "%d/%m/%Y",
        "time": "%H:%M:%S",
        "periods": periods,
        "days": days,
        "shortDays": short_days,
        "months": months,
        # Urdu has no abbreviated month names: the charts' "%b" prints the whole name
        "shortMonths": [loc.months["format"]["abbreviated"][m] for m in range(1, 13)],
    }


def isolate(text: str) -> str:
    """In a right-to-left language, ``text`` with Latin letters (an id, URL, ASN, outlet) and no
    RTL letters is wrapped in Unicode isolates (FSI … PDI), so its punctuation keeps its place
    inside Urdu prose (in HTML, prefer ``<bdi>``); unchanged in English.

    >>> with language("ur"):
    ...     isolate("AS17557 (PTCL)") == "\\u2068AS17557 (PTCL)\\u2069"
    True
    """
    if direction() != "rtl" or not text or not _LATIN.search(text) or _STRONG_RTL.search(text):
        return text
    return f"{FSI}{text}{PDI}"
