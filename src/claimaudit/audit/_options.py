"""What a rule's ``params`` and an evidence item's options may hold: ``{name: (check, default)}``.

A check is a predicate whose docstring says, for an error message, what the value must be
(``"a whole number, zero or more"``); :data:`REQUIRED` as the default marks an option the rule
must give. The registries of rule kinds (:mod:`claimaudit.audit._rule_kinds`) and evidence sources
(:mod:`claimaudit.audit._evidence_sources`) declare their options with these; the rule reader
(:mod:`claimaudit.audit._rules`) applies them.

Checks over a controlled vocabulary (:func:`one_of`, :func:`subset_of`) may take a function that
returns the values, so an enum is read from its ``datapackage.json`` when a rule is checked, not
copied here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

Check = Callable[[Any], bool]
Options = dict[str, tuple[Check, Any]]

#: The default of an option the rule must give.
REQUIRED = object()


def number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def whole(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def strings(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


def nonneg(v: Any) -> bool:
    return number(v) and v >= 0


def nonneg_whole(v: Any) -> bool:
    return whole(v) and v >= 0


def boolean(v: Any) -> bool:
    return isinstance(v, bool)


def date(v: Any) -> bool:
    return isinstance(v, dt.date) and not isinstance(v, dt.datetime)


def polarity(v: Any) -> bool:
    return isinstance(v, dict) and all(
        isinstance(k, str) and v_ in ("denies_blocking", "affirms_blocking", "affirms_unblocking")
        for k, v_ in v.items()
    )


number.__doc__ = "a number"
whole.__doc__ = "a whole number"
strings.__doc__ = "a list of strings"
nonneg.__doc__ = "a number, zero or more"
nonneg_whole.__doc__ = "a whole number, zero or more"
boolean.__doc__ = "true or false"
date.__doc__ = "a date YYYY-MM-DD"
polarity.__doc__ = "a mapping assertion -> denies_blocking | affirms_blocking | affirms_unblocking"


class _Vocabulary:
    """A check over a vocabulary given as values or as a function returning them (read late)."""

    def __init__(self, values: Iterable[str] | Callable[[], Iterable[str]], *, many: bool, ordered: bool) -> None:
        self._values = values
        self._many = many
        self._ordered = ordered

    def values(self) -> tuple[str, ...]:
        got = self._values() if callable(self._values) else self._values
        return tuple(got) if self._ordered else tuple(sorted(got))

    def __call__(self, v: Any) -> bool:
        allowed = set(self.values())
        if self._many:
            return strings(v) and all(x in allowed for x in v)
        return isinstance(v, str) and v in allowed

    @property
    def __doc__(self) -> str:  # type: ignore[override]  # read by the error messages
        return ("a list drawn from " if self._many else "one of ") + ", ".join(self.values())


def one_of(*values: str, among: Callable[[], Iterable[str]] | None = None, ordered: bool = True) -> Check:
    """A check: one of ``values`` (or of what ``among()`` returns)."""
    return _Vocabulary(among if among is not None else values, many=False, ordered=ordered)


def subset_of(*values: str, among: Callable[[], Iterable[str]] | None = None, ordered: bool = True) -> Check:
    """A check: a list drawn from ``values`` (or from what ``among()`` returns)."""
    return _Vocabulary(among if among is not None else values, many=True, ordered=ordered)
