"""Jinja2 with autoescaping for every piece of HTML built from data.

Strings from datasets (claim summaries, outlet names, URLs) are untrusted: they reach HTML only
through these templates, which escape them, and a link is only made from an http(s) URL.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
import os
import re
from importlib import resources
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jinja2
import jinja2.bccache

#: how the package's templates are compiled (part of the compiled templates' cache key)
_OPTIONS: dict[str, Any] = {
    "autoescape": True,
    "undefined": jinja2.StrictUndefined,
    "trim_blocks": False,
    "lstrip_blocks": False,
    "extensions": ["jinja2.ext.i18n"],
}


class _CompiledTemplates(jinja2.FileSystemBytecodeCache):
    """Jinja's own cache of compiled templates, under ``<cache>/templates/<options key>/``.

    Every notebook of a run imports claimaudit afresh (pipeline/_kernels.py), and so builds a new
    environment that would compile the templates again (~0.07 s each time); with this cache they
    are compiled once per cache folder. Jinja keys each file by the template's name and checks the
    source's sha1 and its own and Python's bytecode versions on load, so an edited template is
    compiled again; the folder name is a hash of :data:`_OPTIONS`, so other compile options never
    read these. A cache folder that cannot be written only means compiling, as without it."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # unreadable or damaged past Jinja's own version check: compiled anew
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            os.makedirs(self.directory, exist_ok=True)
            super().dump_bytecode(bucket)
        except OSError:
            pass


def _template_cache() -> _CompiledTemplates:
    from claimaudit import paths

    options = repr(sorted((k, getattr(v, "__name__", v)) for k, v in _OPTIONS.items()))
    key = hashlib.sha256(f"{jinja2.__version__}\n{options}".encode()).hexdigest()[:16]
    return _CompiledTemplates(str(paths.cache_dir() / "templates" / key))


@functools.cache
def environment() -> jinja2.Environment:
    """The package's template environment (``claimaudit/templates``), autoescaping on, with
    gettext (``{% trans %}``, ``_()``) translating into the active language
    (:mod:`claimaudit.i18n`) and the filters ``number`` / ``date`` formatting for it. Compiled
    templates are kept in the cache folder (:class:`_CompiledTemplates`)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("claimaudit", "templates"), bytecode_cache=_template_cache(), **_OPTIONS
    )
    install_i18n(env)
    return env


def install_i18n(env: jinja2.Environment) -> jinja2.Environment:
    """Give ``env`` gettext callables bound to the active language, and the ``number``/``date``
    filters. A translation is text: it is escaped like any value (a catalogue cannot inject HTML)."""
    from markupsafe import Markup, escape

    from claimaudit import i18n

    def gettext(message: str) -> str:
        return escape(i18n.gettext(message))

    def ngettext(singular: str, plural: str, n: int) -> str:
        return escape(i18n.plural_form(singular, plural, n))

    env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters["number"] = lambda value: i18n.number(value)
    env.filters["date"] = lambda value: i18n.date(value)
    # a left-to-right run (a file name, an id) kept whole and in order inside right-to-left text
    env.filters["ltr"] = lambda value: Markup('<bdi dir="ltr"><code>%s</code></bdi>') % value
    env.globals["lang"] = i18n.current
    env.globals["dir"] = i18n.direction
    return env


def render(template: str, **context: Any) -> str:
    return environment().get_template(template).render(**context)


def css(name: str = "report.css") -> str:
    """The house stylesheet (or another of ``templates/claimaudit_report``), to inline (never linked)."""
    return resources.files("claimaudit").joinpath(f"templates/claimaudit_report/{name}").read_text(encoding="utf-8")


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


def display_value(value: Any, column: str | None = None) -> str:
    """A cell as text, by the one formatter (:mod:`claimaudit.i18n`): a number is a stated figure,
    printed exactly as stored, unless its ``column`` names a computed statistic (``*_rate``,
    ``*_share``: a percentage; ``*_ratio``, ``computed_*``: the statistic rule); dates ISO.

    >>> display_value(844008), display_value(84.72), display_value(True), display_value(["a", "b"])
    ('844,008', '84.72', 'yes', 'a; b')
    >>> display_value(0.18018, "anomaly_rate"), display_value(-0.109, "change_share")
    ('18.0%', '-10.9%')
    >>> display_value(0.18018, "per_unit_ratio")
    '0.18'
    >>> display_value(0.18018, "value"), display_value(84.725)
    ('0.18018', '84.725')
    """
    from claimaudit import i18n

    if value is None:
        return ""
    if isinstance(value, bool):
        return i18n.gettext("yes") if value else i18n.gettext("no")
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, float) and column:
        kind = i18n.kind_of(column)
        if kind == "share":
            return i18n.share(value)
        if kind == "statistic":
            return i18n.statistic(value)
    if isinstance(value, int | float):
        return i18n.stated(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return i18n.date(value)  # ISO in English; the language's own pattern in another edition
    if isinstance(value, (list, tuple)):
        return "; ".join(display_value(v) for v in value)
    return str(value)


def cell(value: Any, *, column: str | None = None) -> dict[str, Any]:
    """One table cell for the templates: text, whether numeric/null, a safe link if a URL (shown
    short, linked in full), and a CSS class: ``num``, ``date`` (never broken across lines) or
    ``ca-id`` (stable ids in a ``*_id`` column, in a column wide enough to wrap once or twice) or
    ``ca-long`` (prose, in a column wide enough to read), ``ca-hash`` (a hex digest, which wraps
    anywhere) or ``ca-link``.

    >>> cell("https://example.org/" + "a/" * 30 + "p.html")["text"], cell(dt.date(2024, 2, 17))["cls"]
    ('example.org/…/p.html', 'date')
    """
    href = safe_href(value)
    numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
    if numeric:
        cls = "num"
    elif isinstance(value, (dt.date, dt.datetime)):
        cls = "date"
    elif column is not None and (column == "id" or column.endswith("_id")) and isinstance(value, str):
        cls = "ca-id"
    elif isinstance(value, str) and _HASH.fullmatch(value):
        cls = "ca-hash"  # a sha256 wraps inside its column instead of pushing the others aside
    elif href:
        cls = "ca-link"
    elif isinstance(value, str) and len(value) > 60:
        cls = "ca-long"  # prose gets a column wide enough to read, not one word a line
    else:
        cls = None
    return {
        "text": short_url(value) if href else display_value(value, column),
        "href": href,
        "null": value is None,
        "numeric": numeric,
        "cls": cls,
    }


_HASH = re.compile(r"[0-9a-f]{32,}")
#: A web address inside running text (explanations, notes).
#: a URL in running text: it ends at blank space, markup quotes, or a bidi control (an isolate
#: FSI…PDI or mark that right-to-left text puts around left-to-right runs is never part of it)
URL = re.compile(r"https?://[^\s<>\"'\u200e\u200f\u202a-\u202e\u2066-\u2069]+")


def trim_url(url: str) -> str:
    """A URL found in prose without the punctuation that ends the sentence around it.

    >>> trim_url("https://a.org/x?q=1:"), trim_url("https://a.org/x)."), trim_url("https://a.org/(b)")
    ('https://a.org/x?q=1', 'https://a.org/x', 'https://a.org/(b)')
    """
    while url and url[-1] in ".,;:!?)]":
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def short_url(url: str, *, limit: int = 48) -> str:
    """A short text for a long URL (the link keeps the whole URL): OONI API questions by what they
    ask, other addresses as host and the end of the path.

    >>> short_url("https://api.ooni.io/api/v1/aggregation?probe_cc=PK&test_name=web_connectivity&since=2024-01-18&until=2024-02-17&domain=twitter.com%2Cx.com")
    'OONI aggregation PK web_connectivity (twitter.com, x.com) since 2024-01-18 until 2024-02-17'
    >>> short_url("https://dawn.com/news/1"), short_url("https://example.org/" + "a/" * 30 + "page.html")
    ('dawn.com/news/1', 'example.org/…/page.html')
    """
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    if parts.netloc == "api.ooni.io" and "/aggregation" in parts.path:
        asked = [query[k] for k in ("probe_cc", "test_name") if query.get(k)]
        asked += [f"({query[k].replace(',', ', ')})" for k in ("domain", "input") if query.get(k)]
        window = [f"{k} {query[k]}" for k in ("since", "until") if query.get(k)]
        return " ".join(["OONI aggregation", *asked, *window])
    whole = parts.netloc + parts.path.rstrip("/") + (f"?{parts.query}" if parts.query else "")
    if len(whole) <= limit:
        return whole
    last = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if len(last) > limit // 2:
        last = last[: limit // 2] + "…"
    return f"{parts.netloc}/…/{last}" if last else f"{parts.netloc}/…"


def linked_text(text: Any) -> list[dict[str, str | None]]:
    """Running text as pieces for a template: plain text, and each http(s) URL as a short text
    with its full address as ``href`` (the template escapes both).

    >>> linked_text("missing (https://dawn.com/news/1: not cached)")
    [{'text': 'missing (', 'href': None},
     {'text': 'dawn.com/news/1', 'href': 'https://dawn.com/news/1'},
     {'text': ': not cached)', 'href': None}]
    """
    text = "" if text is None else str(text)
    pieces: list[dict[str, str | None]] = []
    at = 0
    for match in URL.finditer(text):
        url = trim_url(match.group(0))
        href = safe_href(url)
        if href is None:
            continue
        if match.start() > at:
            pieces.append({"text": text[at : match.start()], "href": None})
        pieces.append({"text": short_url(url), "href": href})
        at = match.start() + len(url)
    if at < len(text) or not pieces:
        pieces.append({"text": text[at:], "href": None})
    return pieces
