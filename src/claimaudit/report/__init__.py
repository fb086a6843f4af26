"""Publishing: tables shown and exported as CSV, the verdict scorecard, the provenance appendix,
self-contained HTML, PDF and the index page of a run.

In a notebook:

>>> from claimaudit import report                                   # doctest: +SKIP
>>> page = report.Page("02-audit-url-blocking-statistics")          # doctest: +SKIP
>>> page.table(frame, "claims_by_year", caption="Figures by year")  # doctest: +SKIP
>>> page.scorecard(verdicts, claims, sources)                       # doctest: +SKIP

Everything that reaches HTML from data goes through Jinja2 templates with autoescaping.
"""

from claimaudit.report import _finding_charts as finding_charts
from claimaudit.report import _transparency as transparency
from claimaudit.report._export import export_html, html_from_notebook, notebook_title
from claimaudit.report._index import index_sections, write_index
from claimaudit.report._pdf import ChromiumMissing, Printer, chromium_flags, export_pdf, find_chromium
from claimaudit.report._provenance import checks_summary, provenance, provenance_html, run_info
from claimaudit.report._scorecard import (
    STRENGTH_LABELS,
    VERDICT_LABELS,
    compact_frame,
    scorecard_frame,
    scorecard_html,
    verdict_label,
)
from claimaudit.report._tables import HTML, Page, TableView, table_html, tables_dir, write_csv
from claimaudit.report._transparency import what_this_notebook_found

__all__ = [
    "ChromiumMissing",
    "HTML",
    "Page",
    "Printer",
    "STRENGTH_LABELS",
    "TableView",
    "VERDICT_LABELS",
    "checks_summary",
    "chromium_flags",
    "compact_frame",
    "export_html",
    "export_pdf",
    "find_chromium",
    "finding_charts",
    "html_from_notebook",
    "index_sections",
    "notebook_title",
    "provenance",
    "provenance_html",
    "run_info",
    "scorecard_frame",
    "scorecard_html",
    "table_html",
    "tables_dir",
    "transparency",
    "verdict_label",
    "what_this_notebook_found",
    "write_csv",
    "write_index",
]
