"""Reading the ``.po`` catalogues (Babel), and what their translation status is."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

DOMAIN = "claimaudit"


def locale_dir() -> Path:
    """``claimaudit/locale``: ``claimaudit.pot`` and ``<lang>/LC_MESSAGES/claimaudit.po``."""
    return _package_locale_dir()


@functools.lru_cache(maxsize=1)
def _package_locale_dir() -> Path:
    # asked for every formatted slot (thousands per audit); where the package lies does not change
    return Path(str(resources.files("claimaudit").joinpath("locale")))


def template_path() -> Path:
    return locale_dir() / f"{DOMAIN}.pot"


def catalogue_path(lang: str) -> Path:
    return locale_dir() / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    return (info.st_mtime_ns, info.st_size)


def catalogue(lang: str):  # -> babel.messages.catalog.Catalog | None
    """The catalogue of ``lang`` as Babel reads it, or None when there is none. Re-read when the
    file changes (a translator's edit shows in the next render of a running kernel too)."""
    path = catalogue_path(lang)
    return _read(path, lang, _stamp(path))


@functools.lru_cache(maxsize=8)
def _read(path: Path, lang: str, stamp: tuple[int, int] | None):
    from babel.messages.pofile import read_po

    if stamp is None:
        return None
    with path.open("rb") as fh:
        return read_po(fh, locale=lang, domain=DOMAIN)


def messages(lang: str) -> dict[str, str]:
    """msgid -> translation for every message of ``lang`` that has one (drafts included: an
    unreviewed translation is shown, and the report says the translation is a draft)."""
    path = catalogue_path(lang)
    return _messages(path, lang, _stamp(path))


@functools.lru_cache(maxsize=8)
def _messages(path: Path, lang: str, stamp: tuple[int, int] | None) -> dict[str, str]:
    cat = _read(path, lang, stamp)
    if cat is None:
        return {}
    found: dict[str, str] = {}
    for message in cat:
        if not message.id or message.context:
            continue
        key = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
        text = message.string[0] if isinstance(message.string, (list, tuple)) else message.string
        if text:
            found[key] = text
    return found


def contextual(lang: str) -> dict[tuple[str, str], str]:
    """(msgctxt, msgid) -> translation for the messages of ``lang`` that have a context (a finding
    template is one: its context is the template id, e.g. ``report_agreement.consistent``)."""
    path = catalogue_path(lang)
    return _contextual(path, lang, _stamp(path))


@functools.lru_cache(maxsize=8)
def _contextual(path: Path, lang: str, stamp: tuple[int, int] | None) -> dict[tuple[str, str], str]:
    cat = _read(path, lang, stamp)
    if cat is None:
        return {}
    found: dict[tuple[str, str], str] = {}
    for message in cat:
        if not message.id or not message.context:
            continue
        key = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
        text = message.string[0] if isinstance(message.string, (list, tuple)) else message.string
        if text:
            found[(message.context, key)] = text
    return found


@dataclass(frozen=True)
class CatalogueStatus:
    """How far a language's catalogue is: messages in it, translated, reviewed by a native speaker."""

    lang: str
    total: int
    translated: int
    reviewed: int

    @property
    def unreviewed(self) -> int:
        return self.total - self.reviewed

    def __str__(self) -> str:
        return (
            f"{self.lang}: {self.translated} of {self.total} messages translated, "
            f"{self.reviewed} reviewed by a native speaker"
        )


def status(lang: str) -> CatalogueStatus:
    """Counts for ``lang``. A message is *reviewed* when it is translated and not ``fuzzy``."""
    cat = catalogue(lang)
    if cat is None:
        return CatalogueStatus(lang, 0, 0, 0)
    total = translated = reviewed = 0
    for message in cat:
        if not message.id:
            continue
        total += 1
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if all(strings):
            translated += 1
            if not message.fuzzy:
                reviewed += 1
    return CatalogueStatus(lang, total, translated, reviewed)
