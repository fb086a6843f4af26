"""The examples in the package's docstrings run and show what they say (they are documentation)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import claimaudit

MODULES = sorted(
    m.name for m in pkgutil.walk_packages(claimaudit.__path__, "claimaudit.") if m.name != "claimaudit.__main__"
)  # importing it runs the command line


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, report=True)
    assert result.failed == 0, f"{result.failed} docstring example(s) in {name} show something else (see output)"
