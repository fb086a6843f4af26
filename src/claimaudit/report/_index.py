"""``reports/index.html``: one page linking every output of a run, only files that exist."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from claimaudit._io import write_text_atomic
from claimaudit.report import _render
from claimaudit.report._provenance import run_info


def index_sections(reports: Path) -> list[dict[str, Any]]:
    """What to link, by section, from the files present under ``reports``."""

    def links(paths: Iterable[Path], note: str | None = None) -> list[dict[str, str | None]]:
        return [{"href": p.relative_to(reports).as_posix(), "text": p.name, "note": note} for p in sorted(paths)]

    report = sorted(reports.glob("08-*.html")) + sorted(reports.glob("08-*.pdf"))
    notebooks = [p for p in sorted(reports.glob("[0-9][0-9]-*.html")) if not p.name.startswith("08-")]
    executed = sorted((reports / "notebooks").glob("*.ipynb")) if (reports / "notebooks").is_dir() else []
    verdicts = [p for p in (reports / "verdicts.json", reports / "verdicts.csv") if p.is_file()]
    checks = [p for p in (reports / "checks" / "results.json", reports / "checks" / "junit.xml") if p.is_file()]
    checks += [p for p in (reports / "checks" / "failed" / "results.json",) if p.is_file()]
    docs = sorted((reports / "checks" / "data_docs").rglob("index.html")) if (reports / "checks" / "data_docs").is_dir() else []
    tables = sorted((reports / "tables").glob("*.csv")) if (reports / "tables").is_dir() else []
    return [
        {"title": "Transparency report", "links": links(report), "empty": "the report was not produced in this run"},
        {"title": "Audit notebooks (HTML)", "links": links(notebooks), "empty": "no notebook was exported"},
        {"title": "Verdicts", "links": links(verdicts), "empty": "no verdicts were written"},
        {"title": "Data-quality checks", "links": links(checks) + links(docs[:1], "Great Expectations data docs"), "empty": "no check results"},
        {"title": "Tables shown (CSV)", "links": links(tables), "empty": "no tables were exported"},
        {"title": "Executed notebooks", "links": links(executed), "empty": "none kept"},
    ]


def write_index(reports: str | Path, *, problems: Iterable[str] = (), info: dict[str, Any] | None = None) -> Path:
    """Write ``<reports>/index.html`` (self-contained, escaped) and return its path."""
    reports = Path(reports)
    info = info or run_info()
    html = _render.render(
        "fragments/site_index.html.j2",
        css=_render.css(),
        sections=index_sections(reports),
        problems=list(problems),
        **info,
    )
    path = reports / "index.html"
    write_text_atomic(path, html)
    return path
