"""Jinja2 with autoescaping for every piece of HTML built from data.

Strings from datasets (claim summaries, outlet names, URLs) are untrusted: they reach HTML only
through these templates, which escape them, and a link is only made from an http(s) URL.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

import jinja2


@functools.cache
def environment() -> jinja2.Environment:
    """The package's template environment (``claimaudit/templates``), autoescaping on."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("claimaudit", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
    )


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def css() -> str:
    """The house stylesheet, to inline (never linked)."""
    return resources.files("claimaudit").joinpath("templates/claimaudit_report/report.css").read_text(encoding="utf-8")


def safe_href(value: Any) -> str | None:
    """``value`` if it is an absolute http(s) URL with a host, else None (no ``javascript:`` links).

    >>> safe_href("https://dawn.com/news/1"), safe_href("javascript:alert(1)"), safe_href(None)
    ('https://dawn.com/news/1', None, None)
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme in ("http", "https") and parts.netloc and not any(c.isspace() for c in text):
        return text
    return None


def display_value(value: Any) -> str:
    """A cell as text: integers with separators, other numbers exactly as stored, dates ISO.

    >>> display_value(844008), display_value(84.72), display_value(True), display_value(["a", "b"])
    ('844,008', '84.72', 'yes', 'a; b')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        return f"{int(value):,}" if value.is_integer() and abs(value) < 1e15 else f"{value:,}"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "; ".join(display_value(v) for v in value)
    return str(value)


def cell(value: Any) -> dict[str, Any]:
    """One table cell for the templates: text, whether numeric/null, and a safe link if a URL."""
    href = safe_href(value)
    return {
        "text": display_value(value),
        "href": href,
        "null": value is None,
        "numeric": isinstance(value, (int, float)) and not isinstance(value, bool),
    }
