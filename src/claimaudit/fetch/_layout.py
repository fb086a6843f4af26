"""How a URL maps to a relative file path, in the mirror and in the cache.

``https://host/a/b.csv`` -> ``host/a/b.csv``. The scheme is dropped; a port is kept as
``host_port``. A URL with a query string gets a suffix on its last segment:
``__q_<sha1 of the canonical query>``, where the canonical query is the parameters sorted by
name (and value) and re-encoded, so the same request always maps to the same file whatever
order its parameters were written in. A path ending in ``/`` (or empty) maps to ``.../__index``.

>>> str(relative_path("https://raw.githubusercontent.com/o/r/abc/lists/pk.csv"))
'raw.githubusercontent.com/o/r/abc/lists/pk.csv'
>>> str(relative_path("https://api.ooni.io/api/v1/x?b=2&a=1")) == str(relative_path("https://api.ooni.io/api/v1/x?a=1&b=2"))
True
"""

from __future__ import annotations

import hashlib
from pathlib import PurePosixPath
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

QUERY_MARK = "__q_"
INDEX_NAME = "__index"


def canonical_query(query: str) -> str:
    """The query string with its parameters sorted, as used for the ``__q_`` suffix."""
    return urlencode(sorted(parse_qsl(query, keep_blank_values=True)))


def query_suffix(query: str) -> str:
    """``__q_<sha1 hex of the canonical query>``, or ``""`` for no query."""
    if not query:
        return ""
    return QUERY_MARK + hashlib.sha1(canonical_query(query).encode("utf-8")).hexdigest()


def relative_path(url: str) -> PurePosixPath:
    """The path, relative to a mirror or cache root, that holds the bytes of ``url``."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {url!r}")
    host = parts.hostname.lower() + (f"_{parts.port}" if parts.port else "")
    segments = [unquote(s) for s in parts.path.split("/")[1:]]
    if not segments or segments[-1] == "":
        segments = [*segments[:-1], INDEX_NAME] if segments else [INDEX_NAME]
    if any(s in ("", ".", "..") or "/" in s or "\\" in s for s in segments):
        raise ValueError(f"URL path cannot be mapped to a file safely: {url!r}")
    segments[-1] += query_suffix(parts.query)
    return PurePosixPath(host, *segments)
