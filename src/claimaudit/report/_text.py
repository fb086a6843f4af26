"""Every reader-visible string of the published report goes through :func:`_`.

Today it returns the English message as given. The Urdu edition plugs a gettext catalogue in
here (``install(translations)``) without touching templates or code: templates call ``_()``
too (it is a global of the report's Jinja2 environment), and messages with ``{named}`` slots are
formatted *after* translation, so a translator can reorder the slots.

>>> _("Insufficient evidence")
'Insufficient evidence'
>>> _("{n} verdicts").format(n=3)
'3 verdicts'
"""

from __future__ import annotations

from typing import Any, Protocol


class _Translations(Protocol):
    def gettext(self, message: str) -> str: ...

    def ngettext(self, singular: str, plural: str, n: int) -> str: ...


_active: _Translations | None = None


def install(translations: _Translations | None) -> None:
    """Use ``translations`` (a :class:`gettext.GNUTranslations`, or Babel's) for every message; None
    goes back to English."""
    global _active
    _active = translations


def _(message: str) -> str:
    """The message in the active language (English when none is installed)."""
    return _active.gettext(message) if _active is not None else message


def ngettext(singular: str, plural: str, n: int) -> str:
    """``singular`` or ``plural`` for ``n``, in the active language.

    >>> ngettext("{n} source", "{n} sources", 2).format(n=2)
    '2 sources'
    """
    if _active is not None:
        return _active.ngettext(singular, plural, n)
    return singular if n == 1 else plural


def template_globals() -> dict[str, Any]:
    """What the report's Jinja2 templates get: ``_`` and ``ngettext``."""
    return {"_": _, "ngettext": ngettext}
