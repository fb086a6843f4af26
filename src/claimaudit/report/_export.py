"""Notebook -> self-contained HTML with claimaudit's nbconvert template.

The template (``claimaudit/templates/claimaudit_report``) inlines the stylesheet, drops code cells
and prompts in the report (``show_code=False``), keeps charts as inline SVG, drops scripts and
widgets, and sets a Content-Security-Policy that forbids any request.
"""

from __future__ import annotations

import datetime as dt
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
) -> str:
    """Render an executed notebook to one self-contained HTML string."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name=TEMPLATE,
        extra_template_basedirs=[str(template_dir())],
        exclude_input=not show_code,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    if info is None:
        from claimaudit.report._provenance import run_info

        info = run_info()
    meta = {
        "title": title or notebook_title(nb, "claimaudit"),
        "show_code": show_code,
        "index_href": index_href,
        "version": info.get("version", ""),
        "commit": info.get("commit", ""),
        "generated": info.get("generated") or dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    body, _ = exporter.from_notebook_node(_one_parameters_cell(nb), resources={"claimaudit": meta})
    return body


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
) -> Path:
    """Read an executed ``.ipynb`` and write its HTML atomically to ``html``."""
    nb = nbformat.read(str(notebook), as_version=4)
    text = html_from_notebook(nb, show_code=show_code, index_href=index_href, info=info)
    write_text_atomic(html, text)
    return Path(html)
