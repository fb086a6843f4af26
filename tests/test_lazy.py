"""claimaudit/_lazy.py: rfc3987_syntax is not imported with jsonschema, and IRI checks still work."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytest.importorskip("rfc3987_syntax")

SCRIPT = """
import sys
import claimaudit, jsonschema, altair
assert "rfc3987_syntax.syntax_helpers" not in sys.modules, "the grammar was compiled at import"
checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
print(checker.conforms("http://example.org/\\u00fc", "iri"), checker.conforms("not an iri ::", "iri"),
      checker.conforms("a b", "iri-reference"), checker.conforms("../x?y#z", "iri-reference"))
import rfc3987_syntax
print(type(rfc3987_syntax).__module__, "rfc3987_syntax.syntax_helpers" in sys.modules)
"""


def test_jsonschema_imports_without_compiling_the_iri_grammar_and_still_checks_iris():
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["True False False True", "builtins True"]


def test_nothing_is_deferred_once_jsonschema_is_imported():
    import jsonschema  # noqa: F401

    from claimaudit._lazy import defer_rfc3987_syntax

    assert defer_rfc3987_syntax() is False


SCIPY = """
import sys
from claimaudit._lazy import defer
assert defer("scipy.stats")
import great_expectations
assert "scipy.stats._stats_py" not in sys.modules, "scipy.stats was imported with GX"
from scipy import stats
print(round(float(stats.entropy([0.5, 0.5], [0.9, 0.1])), 6), "scipy.stats._stats_py" in sys.modules)
import scipy.stats
print(scipy.stats.norm.cdf(0.0), type(sys.modules["scipy.stats"]).__name__)
"""


def test_great_expectations_imports_without_scipy_stats_which_still_works_when_asked():
    done = subprocess.run([sys.executable, "-c", SCIPY], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["0.510826 True", "0.5 module"]


ALTAIR = """
import sys
from claimaudit import quality
from claimaudit.quality import _engine
%s
assert "altair.vegalite" not in sys.modules, "altair was imported with GX"
assert "altair" not in sys.modules, "the stand-in stayed in sys.modules"
from great_expectations.expectations.core import expect_column_kl_divergence_to_be_less_than as kl
print(type(kl.alt).__name__)
print(kl.alt.Chart.__name__, "altair.vegalite" in sys.modules)
import altair
print(type(altair).__name__, altair.Chart is kl.alt.Chart)
"""


@pytest.mark.parametrize(
    "importing",
    [
        "_engine._Runner(now=None)._gx()",  # the checks
        "quality.import_great_expectations()",  # the run's checks process, while the run fetches
    ],
)
def test_great_expectations_imports_without_altair_which_still_works_for_gx_and_for_everyone_else(importing):
    done = subprocess.run([sys.executable, "-c", ALTAIR % importing], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["_Deferred", "Chart True", "module True"]
