"""Every reader-visible string of the published report goes through :func:`_`.

The messages are gettext message ids, translated by :mod:`claimaudit.i18n` into the active
language (``i18n.set_language`` / ``i18n.language``; the Urdu edition runs with ``"ur"``).
Templates call ``_()`` too (the report's Jinja2 environment has gettext installed), and messages
with ``{named}`` slots are formatted *after* translation, so a translator can reorder the slots.

>>> _("Insufficient evidence")
'Insufficient evidence'
>>> _("{n} verdicts").format(n=3)
'3 verdicts'
"""

from __future__ import annotations

from typing import Any

from claimaudit import i18n
from claimaudit.i18n import N_

__all__ = ["N_", "_", "ngettext", "template_globals"]


def _(message: str) -> str:
    """The message in the active language (the English message when it has no translation)."""
    return i18n.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """``singular`` or ``plural`` for ``n``, in the active language (slots not filled).

    >>> ngettext("{n} source", "{n} sources", 2).format(n=2)
    '2 sources'
    """
    return i18n.plural_form(singular, plural, n)


def template_globals() -> dict[str, Any]:
    """``_`` and ``ngettext`` for a Jinja2 environment without the i18n extension."""
    return {"_": _, "ngettext": ngettext}
