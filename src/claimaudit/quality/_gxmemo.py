"""Stop Great Expectations from rebuilding the same expectation hundreds of times per suite.

While a suite is validated, GX reads ``Expectation.configuration`` (a property that re-serialises
the pydantic model with ``.dict()``, deep-copying every argument, e.g. a ``value_set`` of several
hundred values) about 80 times per expectation, and ``ExpectationConfiguration.to_domain_obj()``
(which builds and re-validates a new pydantic model) about 8 times: measured on the shipped
suites, 22 670 ``configuration`` reads for 291 expectations, about 40 % of GX's validation time.
Neither an expectation nor its configuration changes during a validation, so inside
:func:`shared_configurations` each object's configuration (and each configuration's expectation)
is built once and handed out again.

Outside the ``with`` block GX is untouched. The results are the same as without it (tests compare
the two on failing data). If GX (pinned) ever changes these two attributes, the block does
nothing rather than guess.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["shared_configurations"]

_LOCK = threading.Lock()


@contextmanager
def shared_configurations() -> Iterator[None]:
    """Within the block, ``Expectation.configuration`` and ``ExpectationConfiguration.to_domain_obj``
    are computed once per object."""
    from great_expectations.expectations.expectation import Expectation
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    with _LOCK:  # one patch at a time; the engine validates suites one after another per process
        prop = Expectation.__dict__.get("configuration")
        to_domain = ExpectationConfiguration.__dict__.get("to_domain_obj")
        if not isinstance(prop, property) or prop.fget is None or not callable(to_domain):
            yield
            return
        build_configuration = prop.fget
        # keyed by id(); the object itself is kept in the value so an id is never reused meanwhile
        configurations: dict[int, tuple[Any, Any]] = {}
        expectations: dict[int, tuple[Any, Any, Any]] = {}  # configuration -> (it, its kwargs, expectation)
        origins: dict[int, tuple[Any, Any]] = {}  # a configuration made here -> the expectation it describes

        def configuration(self: Any) -> Any:
            hit = configurations.get(id(self))
            if hit is None or hit[0] is not self:
                made = build_configuration(self)
                hit = configurations[id(self)] = (self, made)
                origins[id(made)] = (made, self)
            return hit[1]

        def to_domain_obj(self: Any) -> Any:
            kwargs = getattr(self, "_kwargs", None)
            hit = expectations.get(id(self))
            if hit is None or hit[0] is not self or hit[1] is not kwargs:
                origin = origins.get(id(self))
                if origin is not None and origin[0] is self and getattr(self, "_raw_kwargs", None) is None:
                    made = origin[1]  # made from that expectation and unchanged since (no suite parameters)
                else:
                    made = to_domain(self)
                hit = expectations[id(self)] = (self, kwargs, made)
            return hit[2]

        Expectation.configuration = property(configuration, doc=prop.__doc__)  # type: ignore[method-assign,assignment]
        ExpectationConfiguration.to_domain_obj = to_domain_obj  # type: ignore[method-assign]
        try:
            yield
        finally:
            Expectation.configuration = prop  # type: ignore[method-assign]
            ExpectationConfiguration.to_domain_obj = to_domain  # type: ignore[method-assign]
            configurations.clear()
            expectations.clear()
            origins.clear()
