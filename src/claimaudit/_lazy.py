"""Defer a costly optional import that claimaudit never needs: ``rfc3987_syntax``.

``jsonschema`` (imported by altair, nbformat's validator and Great Expectations) imports
``rfc3987_syntax`` when it is installed (JupyterLab's ``jupyter-events`` installs it) in order to
offer the ``iri`` / ``iri-reference`` format checks, and that module compiles an Earley grammar
with lark when it is imported: 1.5-2.5 s in every process and kernel that draws a chart or runs
a check, on a 2-core machine — though nothing here checks an IRI format.

:func:`defer_rfc3987_syntax` puts a stand-in module under that name before ``jsonschema`` is
imported. Its ``is_valid_syntax`` and ``parse`` import the real module on first use and hand the
call on, and any other attribute does the same, so a format check that does need it works as
before, paying the cost then. Nothing is done when ``jsonschema`` or ``rfc3987_syntax`` is already
imported, or when ``rfc3987_syntax`` is not installed. ``tests/test_lazy.py`` checks both halves.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types
from typing import Any

NAME = "rfc3987_syntax"
_lock = threading.Lock()


class _Deferred(types.ModuleType):
    """Stands in for ``rfc3987_syntax`` until one of its names is used."""

    def _real(self) -> types.ModuleType:
        with _lock:
            real = self.__dict__.get("_claimaudit_real")
            if real is None:
                if sys.modules.get(self.__name__) is self:
                    del sys.modules[self.__name__]
                try:
                    real = importlib.import_module(self.__name__)
                except BaseException:
                    sys.modules.setdefault(self.__name__, self)
                    raise
                self.__dict__["_claimaudit_real"] = real
            return real

    def __getattr__(self, attribute: str) -> Any:
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        return getattr(self._real(), attribute)


def defer_rfc3987_syntax() -> bool:
    """Install the stand-in (True) or leave things as they are (False); see the module doc."""
    if NAME in sys.modules or "jsonschema" in sys.modules:
        return False
    try:
        spec = importlib.util.find_spec(NAME)
    except (ImportError, ValueError):
        return False
    if spec is None:
        return False
    stub = _Deferred(NAME, "stand-in for rfc3987_syntax, imported on first use (claimaudit._lazy)")
    stub.__spec__ = spec
    stub.__file__ = spec.origin
    stub.__path__ = list(spec.submodule_search_locations or [])  # its submodules import as usual

    def is_valid_syntax(term: str, value: str) -> Any:
        return stub._real().is_valid_syntax(term, value)

    def parse(term: str, value: str) -> Any:
        return stub._real().parse(term, value)

    stub.is_valid_syntax = is_valid_syntax  # type: ignore[attr-defined]
    stub.parse = parse  # type: ignore[attr-defined]
    sys.modules.setdefault(NAME, stub)
    return sys.modules[NAME] is stub
