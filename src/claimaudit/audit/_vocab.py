"""The controlled vocabularies of ``docs/data-model.md`` that rule selectors may name.

Selectors are checked against these so that a typo in a rule file (``subjet``, ``PTAA``)
is an error naming the line, not a rule that silently selects nothing.
"""

from __future__ import annotations

import functools
from pathlib import Path

CLAIM_ENUMS: dict[str, frozenset[str]] = {
    "authority": frozenset({"PTA", "MoI", "MoITT", "MoRA", "CII", "NA", "Govt"}),
    "venue": frozenset(
        {
            "press_statement",
            "senate_committee",
            "na_committee",
            "court_filing",
            "annual_report",
            "na_session",
            "official_document",
            "official_letter",
            "press_conference",
            "interview",
            "social_media",
            "news_report",
        }
    ),
    "kind": frozenset({"count", "ratio", "assertion"}),
    "subject": frozenset(
        {
            "url_blocking",
            "app_blocking",
            "gateway_attempts",
            "vpn_registration",
            "vpn_blocking",
            "vpn_policy",
            "vpn_licensing",
            "platform_block",
        }
    ),
    "category": frozenset(
        {
            "pornography",
            "blasphemy",
            "anti_state",
            "sectarian_hate",
            "contempt_of_court",
            "defamation",
            "proxy",
            "misc",
            "proxy_and_misc",
            "total",
            "not_applicable",
        }
    ),
    "qualifier": frozenset({"exact", "over", "at_least", "about", "under", "up_to"}),
    "unit": frozenset(
        {
            "urls",
            "websites",
            "websites_or_pages",
            "web_links",
            "sites",
            "apps",
            "attempts",
            "people",
            "vpns",
            "vpns_or_ips",
            "companies",
            "providers",
            "percent",
            "none",
        }
    ),
    "verb": frozenset(
        {
            "blocked",
            "processed",
            "identified",
            "still_accessible",
            "rejected",
            "registered",
            "accessed",
            "licensed",
            "stated",
            "directed",
        }
    ),
    "period": frozenset(
        {
            "cumulative",
            "cumulative_since",
            "fiscal_year",
            "window",
            "per_day",
            "per_week",
            "point_in_time",
            "unspecified",
        }
    ),
    "confidence": frozenset({"high", "medium", "low"}),
    "date_precision": frozenset({"day", "month", "year", "approx", "unknown"}),
}

# Free-text or pattern fields a selector may also filter on (any string is accepted).
CLAIM_FREE_FIELDS = frozenset({"metric", "claimant", "scope", "assertion", "claim_id", "statement_id"})

SIGNAL_SUBJECTS = frozenset(
    {
        "vpn_demand",
        "vpn_signups",
        "vpn_outage",
        "platform_outage",
        "platform_block",
        "website_block",
        "shutdown",
        "shutdown_cost",
        "internet_freedom",
        "vpn_bandwidth",
        "network_performance",
    }
)

EVIDENCE_KINDS = ("direct_measurement", "third_party_observation", "media_report")

BASELINE_METRICS = frozenset(
    {
        "broadband_subscribers",
        "mobile_broadband_subscribers",
        "fixed_broadband_subscribers",
        "cellular_subscribers",
        "internet_users",
        "social_media_user_identities",
        "cellular_mobile_connections",
        "population_with_internet_access_pct",
        "freelancers",
    }
)

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


def claim_enums() -> dict[str, frozenset[str]]:
    """The enums above, widened by the claims ledger's own ``datapackage.json`` constraints.

    The ledger's descriptor is the contract's machine-readable copy: a value added there
    (a new venue, say) is accepted in rule selectors without editing this module.
    """
    from claimaudit import paths

    return _claim_enums(paths.datasets_dir())


@functools.lru_cache(maxsize=4)
def _claim_enums(root: Path) -> dict[str, frozenset[str]]:
    import json

    merged = dict(CLAIM_ENUMS)
    try:
        descriptor = json.loads((root / "claims" / "datapackage.json").read_text(encoding="utf-8"))
        resources = [r for r in descriptor.get("resources", []) if r.get("name") == "claims"]
        fields = resources[0]["schema"]["fields"] if resources else []
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return merged
    for field in fields:
        enum = field.get("constraints", {}).get("enum") if isinstance(field, dict) else None
        if field.get("name") in merged and isinstance(enum, list):
            merged[field["name"]] = merged[field["name"]] | frozenset(str(v) for v in enum)
    return merged
