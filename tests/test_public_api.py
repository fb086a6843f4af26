"""The public API stays curated: each public module's ``__all__`` is sorted, resolvable and complete."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import pytest

import claimaudit
from claimaudit import errors

PUBLIC_MODULES = [
    "audit",
    "cli",
    "datasets",
    "datasets.fingerprints",
    "datasets.ioda",
    "datasets.ooni_api",
    "datasets.ooni_corpus",
    "datasets.ooni_raw",
    "datasets.sources",
    "datasets.tor_metrics",
    "fetch",
    "i18n",
    "notebook",
    "notebook.charts",
    "notebook.views",
    "pipeline",
    "quality",
    "report",
]


def public(name: str):
    """``claimaudit.<package>`` or a public alias of a private module (``datasets.ooni_api``)."""
    package, _, alias = name.partition(".")
    module = importlib.import_module(f"claimaudit.{package}")
    return getattr(module, alias) if alias else module


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_all_is_sorted_and_resolves(name: str) -> None:
    module = public(name)
    exported = module.__all__
    assert exported == sorted(exported), f"claimaudit.{name}.__all__ is not sorted"
    assert len(set(exported)) == len(exported)
    missing = [n for n in exported if not hasattr(module, n)]
    assert not missing, f"claimaudit.{name}.__all__ names undefined {missing}"


@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_all_lists_every_public_function_and_class_defined_there(name: str) -> None:
    module = public(name)
    defined = {
        n
        for n, obj in vars(module).items()
        if not n.startswith("_")
        and (inspect.isfunction(obj) or inspect.isclass(obj))
        and getattr(obj, "__module__", "") == module.__name__
    }
    assert defined <= set(module.__all__), f"add to claimaudit.{name}.__all__: {sorted(defined - set(module.__all__))}"


def test_every_error_class_is_exported_at_top_level() -> None:
    classes = {n for n, obj in vars(errors).items() if inspect.isclass(obj) and issubclass(obj, Exception)}
    assert classes <= set(claimaudit.__all__)
    assert all(issubclass(getattr(errors, n), errors.ClaimauditError) for n in classes)


@pytest.mark.parametrize("name", ["fetch", "datasets", "quality", "audit", "notebook", "report", "pipeline", "cli"])
def test_every_layer_is_a_package_of_private_modules(name: str) -> None:
    """One pattern throughout: a layer's modules are private; its ``__init__`` is the public API."""
    module = importlib.import_module(f"claimaudit.{name}")
    folder = Path(module.__file__).parent
    public_files = sorted(
        p.name for p in folder.iterdir() if p.suffix == ".py" and p.name != "__init__.py" and not p.name.startswith("_")
    )
    assert not public_files, f"claimaudit.{name} has public modules {public_files}: make them private"


def test_aliases_are_the_private_modules() -> None:
    from claimaudit import datasets, notebook

    assert datasets.ooni_api.__name__ == "claimaudit.datasets._ooni_api"
    assert notebook.views.__name__ == "claimaudit.notebook._views"
