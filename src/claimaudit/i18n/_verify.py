"""What makes a catalogue unfit to publish: a message without translation, or a translation whose
slots differ from its English message, or a message the code uses that the catalogue lacks."""

from __future__ import annotations

from collections.abc import Iterable

from claimaudit.i18n._catalog import catalogue, catalogue_path


def slot_problems(lang: str) -> list[str]:
    from claimaudit.i18n import slots_of

    cat = catalogue(lang)
    if cat is None:
        return [f"{catalogue_path(lang)}: no catalogue"]
    problems = []
    for message in cat:
        if not message.id:
            continue
        ids = list(message.id) if isinstance(message.id, (list, tuple)) else [message.id]
        strings = list(message.string) if isinstance(message.string, (list, tuple)) else [message.string]
        wanted = set().union(*(slots_of(i) for i in ids))
        for text in strings:
            if not text:
                problems.append(f"{catalogue_path(lang)}: not translated: {ids[0]!r}")
                break
            have = slots_of(text)
            # a plural form may leave out {n} ("one verdict"), never add or rename a slot
            if have - wanted or (wanted - have) - ({"n"} if len(ids) > 1 else set()):
                problems.append(
                    f"{catalogue_path(lang)}: slots differ for {ids[0]!r}: "
                    f"English {sorted(wanted)}, {lang} {sorted(have)}"
                )
    return problems


def missing_from_catalogue(lang: str, template=None) -> list[str]:
    """Messages the code and templates use now that ``lang``'s catalogue does not have (run
    ``python -m claimaudit.i18n update`` and translate them)."""
    from claimaudit.i18n._extract import extract

    template = template if template is not None else extract()
    cat = catalogue(lang)

    def key(m) -> tuple[str | None, str]:
        return (m.context, m.id if isinstance(m.id, str) else m.id[0])

    have = {key(m) for m in cat if m.id} if cat is not None else set()
    return [
        f"{catalogue_path(lang)}: missing (run `python -m claimaudit.i18n update`, then translate): "
        + (f"[{m.context}] " if m.context else "")
        + repr(m.id)
        for m in template
        if m.id and key(m) not in have
    ]


def problems(languages: Iterable[str]) -> list[str]:
    from claimaudit.i18n._extract import extract

    template = extract()
    found: list[str] = []
    for lang in languages:
        found += missing_from_catalogue(lang, template)
        found += slot_problems(lang)
    return found
