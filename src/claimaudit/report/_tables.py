"""Show a table in a notebook and export every table shown as CSV.

>>> import polars as pl
>>> page = Page("01-explore-claims-ledger", tables_dir="/tmp/claimaudit-doctest-tables")
>>> view = page.table(pl.DataFrame({"claim_id": ["a"], "value": [844008]}), "claims", display=False)
>>> view.csv_path.name
'01-explore-claims-ledger__claims.csv'
>>> "844,008" in view._repr_html_()
True
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from claimaudit import config, paths
from claimaudit._io import atomic_write, csv_safe_frame
from claimaudit.i18n import N_
from claimaudit.report import _render

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def tables_dir() -> Path:
    """Where table CSVs go: ``CLAIMAUDIT_TABLES`` if set (the pipeline stages a run there),
    else ``reports/tables``."""
    env = config.get("CLAIMAUDIT_TABLES")
    return Path(env) if env else paths.reports_dir() / "tables"


@dataclass
class HTML:
    """Pre-rendered, already-escaped HTML for notebook display."""

    html: str

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:  # the text/plain fallback
        return re.sub(r"<[^>]+>", " ", self.html).strip()[:2000]


@dataclass
class TableView(HTML):
    """A table as shown (HTML) and where its full CSV was written.

    Already displayed by :class:`Page`, so when it is also a cell's last value it does not
    show a second time.
    """

    csv_path: Path | None = None
    frame: pl.DataFrame = field(default_factory=pl.DataFrame, repr=False)
    shown: bool = False

    def _ipython_display_(self) -> None:
        if not self.shown:
            _display(HTML(self.html))
            self.shown = True


@dataclass
class Page:
    """One notebook's outputs: tables are shown and written to ``<tables>/<notebook>__<name>.csv``."""

    notebook: str
    tables_dir: str | Path | None = None

    def __post_init__(self) -> None:
        if not _NAME.match(self.notebook):
            raise ValueError(f"notebook name {self.notebook!r} must be lower-case letters, digits, '-' or '_'")

    @property
    def folder(self) -> Path:
        """Where this page's CSVs go. An edition in another language than English (the Urdu
        report) writes its copies apart (``<tables>/.ur/``): the published CSVs are the English
        run's, the same data with English headers."""
        from claimaudit import i18n

        base = Path(self.tables_dir) if self.tables_dir else tables_dir()
        lang = i18n.current()
        return base if lang == i18n.SOURCE_LANGUAGE else base / f".{lang}"

    def csv_path(self, name: str) -> Path:
        if not _NAME.match(name):
            raise ValueError(f"table name {name!r} must be lower-case letters, digits, '-' or '_'")
        return self.folder / f"{self.notebook}__{name}.csv"

    def table(
        self,
        frame: pl.DataFrame,
        name: str,
        *,
        caption: str | None = None,
        max_rows: int = 15,
        fold_rows: int = 100,
        display: bool = True,
    ) -> TableView:
        """Write ``frame`` (all rows) as CSV and show ``max_rows`` rows as an escaped HTML table,
        up to ``fold_rows`` more folded."""
        path = self.csv_path(name)
        write_csv(frame, path)
        view = TableView(
            html=table_html(
                frame, name=name, caption=caption, max_rows=max_rows, csv_name=path.name, fold_rows=fold_rows
            ),
            csv_path=path,
            frame=frame,
        )
        return _show(view, display)

    def scorecard(
        self,
        verdicts: pl.DataFrame,
        claims: pl.DataFrame | None = None,
        sources: pl.DataFrame | None = None,
        *,
        name: str = "scorecard",
        caption: str | None = None,
        compact: Collection[str] = (),
        display: bool = True,
    ) -> TableView:
        """Show verdicts as a scorecard and write its rows (one per verdict and claim) as CSV.

        Verdicts in a ``compact`` state (e.g. ``["consistent"]``) are shown as one line each in a
        folded table instead of cards; those lines are also written to ``<name>_compact.csv``.
        """
        from claimaudit.report._scorecard import compact_frame, scorecard_frame, scorecard_html

        path = self.csv_path(name)
        frame = scorecard_frame(verdicts, claims, sources)
        # the evidence is in the CSV as the engine's text; its structured copy is for display
        write_csv(frame.drop("verdict_row", "evidence_items", strict=False), path)
        compact_path = None
        if compact:
            compact_path = write_csv(
                compact_frame(verdicts, claims, sources, states=compact), self.csv_path(f"{name}_compact")
            )
        view = TableView(
            html=scorecard_html(
                verdicts,
                claims,
                sources,
                name=name,
                caption=caption,
                csv_name=path.name,
                compact=compact,
                compact_csv_name=compact_path.name if compact_path else None,
            ),
            csv_path=path,
            frame=frame,
        )
        return _show(view, display)

    def chart(self, chart: Any) -> None:
        """Show a chart (inline SVG with the house renderer). Use it inside ``if`` blocks, where a
        chart would otherwise not be the cell's value and would not be shown. Its spec is made
        without altair's subchart copies (:func:`claimaudit.notebook.charts.shared_subcharts`)."""
        from claimaudit.notebook.charts import shared_subcharts

        with shared_subcharts():
            _display(chart)

    def headline(self, text: str, *, display: bool = True) -> TableView:
        """A computed sentence in large type (escaped)."""
        view = TableView(html=_render.render("fragments/headline.html.j2", text=text))
        return _show(view, display)

    def unavailable(self, what: str, why: str, *, display: bool = True) -> TableView:
        """Say plainly that a piece of evidence is not available (never fake it)."""
        # a long request URL in the reason is shown short and linked in full
        view = TableView(html=_render.render("fragments/unavailable.html.j2", what=what, why=_render.linked_text(why)))
        return _show(view, display)

    def left_out(self, what: str, why: str, *, display: bool = True) -> TableView:
        """Say plainly that some evidence was there but deliberately left out, and why (a caveat,
        not a gap: e.g. measurements OONI no longer scores)."""
        view = TableView(html=_render.render("fragments/left_out.html.j2", what=what, why=_render.linked_text(why)))
        return _show(view, display)

    def export(self, frame: pl.DataFrame, name: str) -> Path:
        """Write a CSV of a table shown some other way (a scorecard, a chart's data)."""
        path = self.csv_path(name)
        write_csv(frame, path)
        return path


def table_html(
    frame: pl.DataFrame,
    *,
    name: str = "table",
    caption: str | None = None,
    max_rows: int = 15,
    csv_name: str | None = None,
    fold_rows: int = 100,
) -> str:
    """Render ``frame`` as an escaped HTML table (Jinja2, autoescape): ``max_rows`` rows open,
    up to ``fold_rows`` more folded under "Show N more rows", all of them in the CSV."""

    def cells(part: pl.DataFrame) -> list[list[dict[str, Any]]]:
        return [
            [_render.cell(v, column=c) for c, v in zip(frame.columns, row, strict=True)] for row in part.iter_rows()
        ]

    # the first rows open, the next ones folded (up to ``fold_rows``), the rest only in the CSV
    shown = frame.head(max_rows)
    folded = frame.slice(max_rows, fold_rows) if fold_rows else frame.head(0)
    from claimaudit.i18n import gettext

    return _render.render(
        "fragments/table.html.j2",
        name=name,
        caption=caption,
        columns=frame.columns,
        # a column's title in the active language when the catalogue has one (COLUMN_TITLES)
        headers=[gettext(COLUMN_TITLES.get(c, c)) for c in frame.columns],
        numeric=[frame.schema[c].is_numeric() for c in frame.columns],
        rows=cells(shown),
        folded=cells(folded),
        shown=shown.height,
        total=frame.height,
        csv_name=csv_name,
    )


#: Titles of the columns the published report shows (message ids; the CSVs keep the column names).
COLUMN_TITLES: dict[str, str] = {
    "verdict": N_("verdict"),
    "meaning": N_("meaning"),
    "verdicts": N_("verdicts"),
    "title": N_("title"),
    "start": N_("start"),
    "end": N_("end"),
    "networks": N_("networks"),
    "test_names": N_("test names"),
    "domains": N_("domains"),
    "finding_id": N_("finding id"),
}


def write_csv(frame: pl.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` as UTF-8 CSV atomically; list columns are joined with ``"; "``; text cells a
    spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR) start with ``'``."""
    flat = csv_safe_frame(
        frame.with_columns(
            pl.col(c).cast(pl.List(pl.String)).list.join("; ")
            for c, t in frame.schema.items()
            if isinstance(t, pl.List)
        )
    )
    path = Path(path)
    with atomic_write(path, "wb") as fh:
        flat.write_csv(fh)
    return path


def _show(view: TableView, display: bool) -> TableView:
    """Display ``view`` now (once) unless ``display`` is False; return it."""
    if display:
        view._ipython_display_()
    return view


def _display(obj: Any) -> None:
    try:
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython ships with ipykernel
        return
    display(obj)
