"""The public API stays curated: each public module's ``__all__`` is sorted, resolvable and complete."""

from __future__ import annotations

import importlib
import inspect

import pytest

import claimaudit
from claimaudit import errors

PUBLIC_MODULES = [
    "audit", "charts", "datasets", "fetch", "fingerprints", "i18n", "ioda", "ooni_api", "ooni_raw",
    "pipeline", "quality", "report", "sources", "tor_metrics",
]


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_all_is_sorted_and_resolves(name: str) -> None:
    module = importlib.import_module(f"claimaudit.{name}")
    exported = module.__all__
    assert exported == sorted(exported), f"claimaudit.{name}.__all__ is not sorted"
    assert len(set(exported)) == len(exported)
    missing = [n for n in exported if not hasattr(module, n)]
    assert not missing, f"claimaudit.{name}.__all__ names undefined {missing}"


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_all_lists_every_public_function_and_class_defined_there(name: str) -> None:
    module = importlib.import_module(f"claimaudit.{name}")
    defined = {
        n for n, obj in vars(module).items()
        if not n.startswith("_")
        and (inspect.isfunction(obj) or inspect.isclass(obj))
        and getattr(obj, "__module__", "") == module.__name__
    }
    assert defined <= set(module.__all__), f"add to claimaudit.{name}.__all__: {sorted(defined - set(module.__all__))}"


def test_every_error_class_is_exported_at_top_level() -> None:
    classes = {n for n, obj in vars(errors).items() if inspect.isclass(obj) and issubclass(obj, Exception)}
    assert classes <= set(claimaudit.__all__)
    assert all(issubclass(getattr(errors, n), errors.ClaimauditError) for n in classes)
