"""Stop altair from deep-copying every subchart of a compound chart, over and over, for nothing.

altair's compound charts (``alt.layer``, ``alt.concat``, ``alt.vconcat``, ...) merge the selection
parameters of their subcharts when they are built: ``_remove_duplicate_params`` and
``_combine_subchart_params`` each deep-copy *every* subchart first, whether it has parameters or
not. A deep copy rebuilds each object through its constructor, so copying a compound chart builds
its subcharts again, which copies theirs again; and every ``.properties()``, ``.resolve_scale()``
and ``to_dict()`` starts with a copy of the chart, which re-runs the constructor. For the report's
small multiples (layers in a concat in the source-line vconcat) that is ~750,000 ``_deep_copy``
calls per edition: about 1 s of CPU in building the charts and their specs, the same again in the
other edition.

Our charts have no selection parameters and no view names, so the merge has nothing to do. Inside
:func:`shared_subcharts` the two helpers, when none of the subcharts has parameters (and, in a
concat, no layer has a name to make unique), hand the subcharts over as they are instead of
copies; otherwise, and outside the block, altair's own functions run. Nothing else changes: the
other helpers that do change a subchart (moving its data or its width to the parent) still copy
it first. The one difference is that a compound chart built in the block shares its subcharts
with the objects it was built from, so a subchart changed *in place* afterwards (``chart.title =
...``, which no chart function here does) would change it too. The specs are the same as without
the block (``tests/notebook/test_subcharts.py`` compares every chart the report and the notebooks draw).

If altair (pinned) ever renames these helpers, the block does nothing rather than guess.
"""

from __future__ import annotations

import contextvars
import functools
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

__all__ = ["shared_subcharts"]

#: True in the code running inside a :func:`shared_subcharts` block (per thread and context, so
#: another thread building charts meanwhile keeps altair's copies)
_SHARING: contextvars.ContextVar[bool] = contextvars.ContextVar("claimaudit_shared_subcharts", default=False)
_LOCK = threading.Lock()
_USERS = 0  # blocks open (in any thread) while the helpers are replaced
_NAMES = ("_remove_duplicate_params", "_combine_subchart_params")


def _api() -> Any:
    import altair.vegalite.v6.api as api

    return api


def _unset(value: Any) -> bool:
    from altair.utils import is_undefined

    return is_undefined(value)


def _without_params(subcharts: Sequence[Any]) -> bool:
    """As altair tests it: a subchart without a ``params`` property, or with it unset."""
    return all(not hasattr(s, "params") or _unset(s.params) for s in subcharts)


def _named_layers(subcharts: Sequence[Any]) -> bool:
    """Whether a concat would rename a layer (altair makes named layers unique by position)."""
    api = _api()
    return any(
        isinstance(s, api.LayerChart)
        and any(isinstance(layer, api.Chart) and not _unset(layer.name) for layer in (s.layer or ()))
        for s in subcharts
    )


def _sharing_remove_duplicate_params(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def remove_duplicate_params(layer: Sequence[Any]) -> Any:
        if _SHARING.get() and _without_params(layer):
            return list(layer)  # what altair returns here, less the copies: no parameter to remove
        return original(layer)

    return remove_duplicate_params


def _sharing_combine_subchart_params(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def combine_subchart_params(params: Any, subcharts: Sequence[Any]) -> Any:
        if (
            _SHARING.get()
            and _unset(params)
            and _without_params(subcharts)
            and not (len(subcharts) > 1 and _named_layers(subcharts))
        ):
            return params, list(subcharts)  # altair: (Undefined, copies of the subcharts, unchanged)
        return original(params, subcharts)

    return combine_subchart_params


_WRAPPERS = {
    "_remove_duplicate_params": _sharing_remove_duplicate_params,
    "_combine_subchart_params": _sharing_combine_subchart_params,
}


@contextmanager
def shared_subcharts() -> Iterator[None]:
    """Within the block, compound charts without selection parameters are built (and copied, and
    turned into specs) without deep copies of their subcharts. Blocks nest."""
    global _USERS
    if _SHARING.get():  # nested: the outer block has set things up
        yield
        return
    api = _api()
    if not all(callable(getattr(api, name, None)) for name in _NAMES):
        yield
        return
    with _LOCK:
        if _USERS == 0:
            for name in _NAMES:
                setattr(api, name, _WRAPPERS[name](getattr(api, name)))
        _USERS += 1
    token = _SHARING.set(True)
    try:
        yield
    finally:
        _SHARING.reset(token)
        with _LOCK:
            _USERS -= 1
            if _USERS == 0:
                for name in _NAMES:
                    setattr(api, name, getattr(api, name).__wrapped__)
