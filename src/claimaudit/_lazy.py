"""Defer costly imports that claimaudit does not need: a stand-in module until first use.

Two third-party modules cost seconds to import on a 2-core machine and are imported only
because a library we use imports them at the top of a module, not because we use them:

- ``rfc3987_syntax``: ``jsonschema`` (imported by altair, nbformat's validator and Great
  Expectations) imports it, when it is installed (JupyterLab's ``jupyter-events`` installs it),
  to offer the ``iri`` / ``iri-reference`` format checks; it compiles an Earley grammar with lark
  when imported (1.5-2.5 s in every process and kernel that draws a chart or runs a check), though
  nothing here checks an IRI format. :func:`defer_rfc3987_syntax` runs when ``claimaudit`` is
  imported.
- ``scipy.stats`` (about 40 % of importing Great Expectations): three GX modules do
  ``from scipy import stats`` for the KL-divergence and KS-test expectations, which no suite in
  ``checks/quality`` uses. ``quality`` defers it (:func:`defer`) just before importing GX.

The stand-in (:class:`_Deferred`) has the real module's spec and ``__path__`` (its submodules
import as usual). Any attribute asked of it imports the real module, puts it in ``sys.modules``
and is answered from it, so code that does use the module works as before and pays the cost then.
Functions that importers take by name at import time (``from rfc3987_syntax import
is_valid_syntax``) are given as ``functions``: the stand-in holds a small function of that name
that imports the real module when called. Nothing is deferred when the module, or one of the
modules named in ``unless``, is imported already, or when the module is not installed.
``tests/test_lazy.py`` checks both halves: not imported at import time, working on first use.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types
from collections.abc import Sequence
from typing import Any

_lock = threading.RLock()


class _Deferred(types.ModuleType):
    """Stands in for a module until one of its names is used."""

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


def defer(name: str, *, functions: Sequence[str] = (), unless: Sequence[str] = ()) -> bool:
    """Put a stand-in for ``name`` in ``sys.modules`` (True), or leave things as they are (False)."""
    with _lock:
        if name in sys.modules or any(m in sys.modules for m in unless):
            return False
        try:
            spec = importlib.util.find_spec(name)  # imports the parent package, not the module
        except (ImportError, ValueError):
            return False
        if spec is None or name in sys.modules:
            return False
        stub = _Deferred(name, f"stand-in for {name}, imported on first use (claimaudit._lazy)")
        stub.__spec__ = spec
        stub.__file__ = spec.origin
        if spec.submodule_search_locations is not None:
            stub.__path__ = list(spec.submodule_search_locations)
        for function in functions:
            setattr(stub, function, _forwarding(stub, function))
        sys.modules[name] = stub
        return True


def _forwarding(stub: _Deferred, function: str) -> Any:
    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(stub._real(), function)(*args, **kwargs)

    call.__name__ = call.__qualname__ = function
    return call


def defer_rfc3987_syntax() -> bool:
    """Defer ``rfc3987_syntax`` unless ``jsonschema`` has been imported already (see above)."""
    return defer("rfc3987_syntax", functions=("is_valid_syntax", "parse"), unless=("jsonschema",))


def release(name: str) -> bool:
    """Take an unused stand-in for ``name`` out of ``sys.modules`` (True if there was one).

    Modules that imported it while it stood in keep their reference, and it still imports the
    real module the first time one of them uses it; any later ``import name`` imports the real
    module directly. So a module can be deferred for just the import of one library.
    """
    with _lock:
        stub = sys.modules.get(name)
        if isinstance(stub, _Deferred) and "_claimaudit_real" not in stub.__dict__:
            del sys.modules[name]
            return True
        return False
