"""Notebook -> self-contained HTML with claimaudit's nbconvert template.

The template (``claimaudit/templates/claimaudit_report``) inlines the stylesheet, drops code cells
and prompts in the report (``show_code=False``), keeps charts as inline SVG, drops scripts and
widgets, and sets a Content-Security-Policy that forbids any request.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from copy import deepcopy
from importlib import resources
from pathlib import Path
from typing import Any

import nbformat

from claimaudit._io import write_text_atomic

TEMPLATE = "claimaudit_report"


def template_dir() -> Path:
    return Path(str(resources.files("claimaudit").joinpath("templates")))


def notebook_title(nb: nbformat.NotebookNode, default: str) -> str:
    """The first Markdown heading of the notebook, else ``default``."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return default


def html_from_notebook(
    nb: nbformat.NotebookNode,
    *,
    title: str | None = None,
    show_code: bool = False,
    index_href: str | None = "index.html",
    info: dict[str, Any] | None = None,
    lang: str | None = None,
    editions: dict[str, str] | None = None,
    fonts: list[Any] | None = None,
) -> str:
    """Render an executed notebook to one self-contained HTML string, in ``lang`` (default: the
    active language): its Markdown cells from the catalogue, ``lang``/``dir`` on ``<html>``, the
    Urdu typeface (and in an RTL edition a Latin face) embedded as a subset. ``editions`` maps
    each other language of this report to its file name, linked at the top. ``fonts``, when a
    list, receives what was embedded (:class:`claimaudit.report._fonts.Embedded`)."""
    from claimaudit import i18n

    lang = lang or i18n.current()
    with i18n.language(lang):
        text, embedded = _html(
            nb, title=title, show_code=show_code, index_href=index_href, info=info, lang=lang, editions=editions or {}
        )
    if fonts is not None:
        fonts.append(embedded)
    return text


def _html(
    nb: nbformat.NotebookNode,
    *,
    title: str | None,
    show_code: bool,
    index_href: str | None,
    info: dict[str, Any] | None,
    lang: str,
    editions: dict[str, str],
) -> tuple[str, Any]:
    from nbconvert import HTMLExporter

    from claimaudit import i18n
    from claimaudit.i18n import _
    from claimaudit.report._fonts import embed_fonts

    exporter = _exporter(HTMLExporter, show_code=show_code)
    if info is None:
        from claimaudit.report._provenance import run_info

        info = run_info()
    nb = translated_notebook(nb, lang)
    version = info.get("version", "")
    commit = info.get("commit", "")
    generated = info.get("generated") or dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    rtl = i18n.direction(lang) == "rtl"
    meta = {
        "title": title or notebook_title(nb, "claimaudit"),
        "show_code": show_code,
        "index_href": index_href,
        "version": version,
        "commit": commit,
        "generated": generated,
        "lang": lang,
        "dir": i18n.direction(lang),
        "rtl_css": _css("editions.css") + (_css("rtl.css") if rtl else ""),
        "editions": [
            {"lang": other, "href": href, "name": i18n.language_name(other), "dir": i18n.direction(other)}
            for other, href in editions.items()
            if other != lang
        ],
        "draft_note": _(
            "This edition is a draft translation from English that has not yet been reviewed by a "
            "native speaker. Figures and sources are as in the English edition; names with an established "
            "Urdu form are given in it, others in Latin letters."
        )
        if i18n.is_draft(lang)
        else "",
        "t": {
            "all_outputs": _("all outputs of this run"),
            "footer": (
                _(
                    "Generated {generated} by claimaudit {version}, commit {commit}.",
                    generated=generated,
                    version=version,
                    commit=commit,
                )
                if commit
                else _("Generated {generated} by claimaudit {version}.", generated=generated, version=version)
            ),
            "other_edition": _("This report in another language:"),
        },
    }
    body, _resources = exporter.from_notebook_node(_one_parameters_cell(nb), resources={"claimaudit": meta})
    return embed_fonts(body, latin=rtl)


_EXPORTERS = threading.local()


def _exporter(cls: Any, *, show_code: bool) -> Any:
    """One nbconvert exporter per thread and setting, reused from page to page: its Jinja
    environment compiles the templates once, not for every notebook of a run (jinja still
    reloads a template file that changed)."""
    cache = _EXPORTERS.__dict__.setdefault("cache", {})
    key = (cls, show_code, str(template_dir()))
    if key not in cache:
        cache[key] = _streaming(cls)(
            template_name=TEMPLATE,
            extra_template_basedirs=[str(template_dir())],
            exclude_input=not show_code,
            exclude_input_prompt=True,
            exclude_output_prompt=True,
            embed_images=True,
        )
    return cache[key]


@functools.cache
def _streaming(cls: Any) -> Any:
    """``cls`` (nbconvert's ``HTMLExporter``) whose final BeautifulSoup round trip is written in one
    pass by :func:`claimaudit.report._soup.reserialize` (the same string, ~1.5 s less CPU per run);
    with other Beautiful Soup or nbconvert versions than the ones it copies, nbconvert's own."""
    from nbconvert.exporters.html import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    from claimaudit.report import _soup

    if not (issubclass(cls, HTMLExporter) and _soup.supported()):
        return cls

    class StreamingHTMLExporter(cls):
        def from_notebook_node(self, nb: Any, resources: dict[str, Any] | None = None, **kw: Any) -> Any:
            if cls.from_notebook_node is not HTMLExporter.from_notebook_node:
                return super().from_notebook_node(nb, resources, **kw)  # cls changed it: not ours to copy
            # HTMLExporter.from_notebook_node of nbconvert 7.17.2, but for the BeautifulSoup round trip
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            highlight_code = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            resources = self._init_resources(resources)
            filter_data_type = WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources
            )
            self.register_filter("highlight_code", highlight_code)
            self.register_filter("filter_data_type", filter_data_type)
            html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            text, missing_alt = _soup.reserialize(html)
            if missing_alt:
                self.log.warning("Alternative text is missing on %s image(s).", missing_alt)
            return text, resources

    return StreamingHTMLExporter


def _css(name: str) -> str:
    return resources.files("claimaudit").joinpath(f"templates/claimaudit_report/{name}").read_text(encoding="utf-8")


def translated_notebook(nb: nbformat.NotebookNode, lang: str) -> nbformat.NotebookNode:
    """``nb`` with each Markdown cell in ``lang`` from the catalogue (the English source when the
    catalogue has no translation of it; tests make sure it has). ``nb`` is not changed."""
    from claimaudit import i18n
    from claimaudit.i18n import markdown_key

    if lang == i18n.SOURCE_LANGUAGE:
        return nb
    copy = deepcopy(nb)
    for cell in copy.cells:
        if cell.cell_type == "markdown" and cell.source.strip():
            translated = i18n.gettext(markdown_key(cell.source), lang)
            # a translation is text, never markup of its own: no raw HTML from a catalogue
            cell.source = translated.replace("<", "&lt;") if translated != markdown_key(cell.source) else cell.source
    return copy


def _one_parameters_cell(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` in which the notebook's default parameters are hidden when papermill
    injected the values the run used (a reader would otherwise see two "# Parameters" cells)."""

    def tags(cell: Any) -> list[str]:
        return list(cell.get("metadata", {}).get("tags", []))

    if not any("injected-parameters" in tags(c) for c in nb.cells):
        return nb
    copy = deepcopy(nb)
    for cell in copy.cells:
        if "parameters" in tags(cell):
            cell.setdefault("metadata", {})["tags"] = [*tags(cell), "remove-cell"]
    return copy


def export_html(
    notebook: str | Path,
    html: str | Path,
    *,
    show_code: bool = False,
    index_href: str | None = "index.html",
    info: dict[str, Any] | None = None,
    lang: str | None = None,
    editions: dict[str, str] | None = None,
    fonts: list[Any] | None = None,
) -> Path:
    """Read an executed ``.ipynb`` and write its HTML atomically to ``html`` (in ``lang``; see
    :func:`html_from_notebook`)."""
    nb = nbformat.read(str(notebook), as_version=4)
    text = html_from_notebook(
        nb, show_code=show_code, index_href=index_href, info=info, lang=lang, editions=editions, fonts=fonts
    )
    write_text_atomic(html, text)
    return Path(html)
