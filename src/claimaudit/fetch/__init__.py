"""The fetch layer: third-party bytes by canonical URL, from the cache, a local mirror or the
network, hash-verified and recorded in the cache manifest (see :mod:`claimaudit.fetch._core`).

It is the lowest layer: it imports nothing else of the package but ``paths``, ``errors`` and
``_io``. What to fetch (the plan) is decided above it, in :mod:`claimaudit.pipeline`.
"""

from claimaudit.fetch._core import (
    FetchResult,
    Origin,
    cache_path,
    cached_entry,
    fetch,
    is_offline,
    live_provenance,
    manifest_entries,
    mirror_path,
    recent_days,
    recording,
    refetch_reason,
    resolve_mirror,
    ttl_hours,
)

__all__ = [
    "FetchResult",
    "Origin",
    "cache_path",
    "cached_entry",
    "fetch",
    "is_offline",
    "live_provenance",
    "manifest_entries",
    "mirror_path",
    "recent_days",
    "recording",
    "refetch_reason",
    "resolve_mirror",
    "ttl_hours",
]
