"""The OONI test kinds the suite asks for and reads: one entry each.

An entry says what the suite knows of one OONI test (``test_name`` as the OONI API, Explorer and
the raw measurements spell it): how its raw measurements are read (``family``, the parsers of
:mod:`claimaudit.datasets.ooni_raw`), whether it is a circumvention test (Tor, VPNs, Psiphon: the
VPN questions of the fetch plan, the notebooks and the report), and from which day OONI stopped
scoring it (every measurement since counts as "ok", so rates leave them out:
:func:`claimaudit.datasets.ooni_api.unscored`). Rule files' ``test_names`` are checked against
these names. Adding a test is adding its entry here.

>>> [t.name for t in TESTS if t.circumvention]
['psiphon', 'tor', 'torsf', 'vanilla_tor', 'riseupvpn', 'openvpn']
>>> by_name("riseupvpn").unscored_since
datetime.date(2023, 10, 17)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from claimaudit.errors import DataError

__all__ = ["FAMILIES", "TESTS", "OoniTest", "by_name", "circumvention", "names"]

#: How raw measurements of a test are read (:mod:`claimaudit.datasets.ooni_raw`); tests of no
#: entry are read as ``other`` (the common keys only).
FAMILIES = ("web", "tor", "bootstrap", "riseupvpn")


@dataclass(frozen=True)
class OoniTest:
    """One OONI test kind (see the module doc)."""

    name: str  #: OONI's ``test_name``
    family: str  #: one of :data:`FAMILIES`
    circumvention: bool = False  #: a Tor / VPN / Psiphon reachability test
    #: OONI stopped scoring it on this day (ooni/backend fastpath); None: scored throughout
    unscored_since: dt.date | None = None


TESTS: tuple[OoniTest, ...] = (
    OoniTest("web_connectivity", "web"),
    OoniTest("psiphon", "bootstrap", circumvention=True),
    OoniTest("tor", "tor", circumvention=True),
    OoniTest("torsf", "bootstrap", circumvention=True),
    OoniTest("vanilla_tor", "bootstrap", circumvention=True),
    # OONI disabled riseupvpn scoring on 2023-10-17 (ooni/backend fastpath/fastpath/core.py:1469-1475,
    # ``score_riseupvpn`` returns ``{}``, so core.py:1712-1714 derives anomaly=False, failure=False);
    # see ooni/backend issue 745.
    OoniTest("riseupvpn", "riseupvpn", circumvention=True, unscored_since=dt.date(2023, 10, 17)),
    OoniTest("openvpn", "bootstrap", circumvention=True),
)


def names() -> tuple[str, ...]:
    """Every test name of :data:`TESTS`, in order."""
    return tuple(t.name for t in TESTS)


def circumvention() -> tuple[str, ...]:
    """The circumvention tests' names, in order (the VPN / Tor questions)."""
    return tuple(t.name for t in TESTS if t.circumvention)


def by_name(name: str) -> OoniTest:
    """The entry of ``name``; a DataError naming the known tests if there is none."""
    for test in TESTS:
        if test.name == name:
            return test
    raise DataError(f"unknown OONI test {name!r}", hint=f"use one of: {', '.join(names())}")
