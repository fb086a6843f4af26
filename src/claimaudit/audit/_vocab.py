"""The controlled vocabularies rule files may name, read from the datasets' ``datapackage.json``.

The datapackage is the one home of an enum (``docs/data-model.md`` describes it, the quality
suites' value sets are checked against it by ``tests/quality/test_enums.py``): selectors and
evidence options are checked against the enums of the claims, signals, baselines and events
descriptors, read through :func:`claimaudit.datasets.read_package`, so that a typo in a rule file
(``subjet``, ``PTAA``) is an error naming the line, not a rule that silently selects nothing, and
a value added to a datapackage is accepted without editing code.

What stays here is the audit's own grouping of those values (unit and period families).
"""

from __future__ import annotations

import functools
from pathlib import Path

# Free-text or pattern fields a selector may also filter on (any string is accepted).
CLAIM_FREE_FIELDS = frozenset({"metric", "claimant", "scope", "assertion", "claim_id", "statement_id"})

# Units that count blocked items, in families that measure the same thing. A URL and a web link are one
# address (one page, post or video); a website or site is a whole domain that can hold many URLs; "websites or
# pages" mixes the two. Counts are compared only within a family: 980,000 links and 418,139 websites are not
# one series, whatever the order of their sizes.
URL_UNITS = frozenset({"urls", "web_links"})
SITE_UNITS = frozenset({"websites", "sites"})
BLOCKED_ITEM_UNITS = URL_UNITS | SITE_UNITS | {"websites_or_pages"}


UNIT_FAMILIES = (
    {unit: "urls" for unit in sorted(URL_UNITS)}
    | {unit: "websites" for unit in sorted(SITE_UNITS)}
    | {"websites_or_pages": "websites_or_pages", "vpns_or_ips": "vpns"}
)
PERIOD_FAMILIES = {"cumulative_since": "cumulative", "fiscal_year": "window"}


def unit_family(unit: str | None) -> str | None:
    """Units that count the same kind of thing share a family.

    >>> unit_family("web_links") == unit_family("urls")
    True
    >>> unit_family("web_links") == unit_family("websites")
    False
    """
    if unit is None:
        return None
    return UNIT_FAMILIES.get(unit, unit)


def period_family(period: str | None) -> str | None:
    """``cumulative`` and ``cumulative_since`` are both running totals."""
    if period in {"cumulative", "cumulative_since"}:
        return "cumulative"
    if period in {"fiscal_year", "window"}:
        return "window"
    return period


def enums(dataset: str, resource: str | None = None) -> dict[str, tuple[str, ...]]:
    """Field -> its ``constraints.enum`` (in the descriptor's order), for one resource of a curated
    dataset (default: the resource named like the dataset).

    >>> enums("claims")["confidence"]
    ('high', 'medium', 'low')
    """
    from claimaudit import paths

    return dict(_enums(paths.datasets_dir(), dataset, resource or dataset))


@functools.lru_cache(maxsize=32)
def _enums(root: Path, dataset: str, resource: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    from claimaudit import datasets

    fields = datasets.read_package(dataset, root=root).resource(resource).get("schema", {}).get("fields", [])
    out = []
    for field in fields:
        enum = field.get("constraints", {}).get("enum") if isinstance(field, dict) else None
        if isinstance(enum, list):
            out.append((str(field["name"]), tuple(str(v) for v in enum)))
    return tuple(out)


def claim_enums() -> dict[str, frozenset[str]]:
    """The claims ledger's enums (``datasets/claims/datapackage.json``, resource ``claims``)."""
    return {name: frozenset(values) for name, values in enums("claims").items()}


def signal_subjects() -> tuple[str, ...]:
    """``subject`` of ``datasets/signals``."""
    return enums("signals")["subject"]


def baseline_metrics() -> tuple[str, ...]:
    """``metric`` of ``datasets/baselines``."""
    return enums("baselines")["metric"]


def event_kinds() -> tuple[str, ...]:
    """``kind`` of ``datasets/events``."""
    return enums("events")["kind"]
