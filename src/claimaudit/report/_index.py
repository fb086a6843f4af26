"""``reports/index.html``: one page linking every output of a run, only files that exist, each
with a line saying what it is."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from claimaudit._io import write_text_atomic
from claimaudit.report import _render
from claimaudit.report._provenance import run_info

#: What each fixed output is, in a line (files named after what they feed).
DESCRIPTIONS: dict[str, str] = {
    "report.html": "The transparency report: findings, scorecard of verdicts, method, limitations and sources. Start here.",
    "report.pdf": "The same report as a printable PDF (A4), source links printed with their address.",
    "report.ur.html": "The transparency report in Urdu (اردو): the same findings, charts, evidence and sources,"
                      " right to left.",
    "report.ur.pdf": "The Urdu report as a printable PDF (A4), with its Urdu fonts embedded.",
    "verdicts.csv": "Every verdict, one row each (rule, claims, verdict, explanation, evidence), for a spreadsheet.",
    "verdicts.json": "Every verdict with its evidence as structured data (windows, sample sizes, networks), for programs.",
    "results.json": "Results of the data-quality checks run before the audit, per suite and expectation.",
    "junit.xml": "The same data-quality checks in JUnit XML, for continuous-integration tools.",
    "failed/results.json": "Results of the last data-quality run that did not pass (every suite; failures with the"
                           " rows and values concerned). results.json keeps the last passing run.",
    "data_docs": "Great Expectations data docs: the checks and their results as browsable pages.",
}
_TITLE = re.compile(r"<title>(.*?)</title>", re.S | re.I)


def page_title(path: Path) -> str | None:
    """The ``<title>`` of an HTML file we wrote (read from its first 4 kB), or None."""
    try:
        with path.open(encoding="utf-8", errors="replace") as fh:
            head = fh.read(4096)
    except OSError:
        return None
    match = _TITLE.search(head)
    return html.unescape(match.group(1)).strip() or None if match else None


_FIRST_PARAGRAPH = re.compile(r'<div class="ca-markdown">.*?<p>(.*?)</p>', re.S)


def page_summary(path: Path, *, limit: int = 220) -> str | None:
    """The first sentence of a page's opening paragraph (its own words), or None.

    >>> import tempfile
    >>> page = Path(tempfile.mkdtemp()) / "p.html"
    >>> _ = page.write_text('<div class="ca-markdown"><h1>T</h1><p>PTA publishes <code>totals</code>. More.</p></div>')
    >>> page_summary(page)
    'PTA publishes totals.'
    """
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    match = _FIRST_PARAGRAPH.search(text)
    if not match:
        return None
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", "", match.group(1))).split())
    sentence = re.split(r"(?<=[.!?])\s", words, maxsplit=1)[0]
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rsplit(" ", 1)[0] + "…"


def table_note(path: Path) -> str:
    """``02-audit-x__url_blocking_claims.csv`` -> what the CSV holds and which page shows it.

    >>> table_note(Path("02-audit-url-blocking-statistics__url_blocking_claims.csv"))
    'All rows of the table "url blocking claims" shown in 02-audit-url-blocking-statistics.'
    """
    page, sep, name = path.stem.partition("__")
    if not sep:
        return "A table shown in a notebook, all rows."
    return f'All rows of the table "{name.replace("_", " ")}" shown in {page}.'


def index_sections(reports: Path) -> list[dict[str, Any]]:
    """What to link, by section, from the files present under ``reports``: each link has ``href``,
    ``text`` (a page's title, else the file name), ``file`` and ``note`` (what it is)."""

    def link(path: Path, note: str | None, text: str | None = None) -> dict[str, str | None]:
        return {"href": path.relative_to(reports).as_posix(), "text": text or path.name, "file": path.name, "note": note}

    def edition(path: Path) -> str:  # "report.html", "report.ur.html", ...
        return "report" + "".join(path.suffixes[-2:] if len(path.suffixes) > 1 else path.suffixes)

    report = [link(p, DESCRIPTIONS.get(edition(p), DESCRIPTIONS["report.html"]), page_title(p))
              for p in sorted(reports.glob("08-*.html"))]
    report += [link(p, DESCRIPTIONS.get(edition(p), DESCRIPTIONS["report.pdf"])) for p in sorted(reports.glob("08-*.pdf"))]
    notebooks = [
        link(p, page_summary(p) or "The notebook as a page: its narrative, charts, tables and verdicts.", page_title(p))
        for p in sorted(reports.glob("[0-9][0-9]-*.html"))
        if not p.name.startswith("08-")
    ]
    executed = sorted((reports / "notebooks").glob("*.ipynb")) if (reports / "notebooks").is_dir() else []
    verdicts = [link(p, DESCRIPTIONS[p.name]) for p in (reports / "verdicts.json", reports / "verdicts.csv") if p.is_file()]
    checks_dir = reports / "checks"
    checks = [link(checks_dir / f, DESCRIPTIONS[f]) for f in ("results.json", "junit.xml", "failed/results.json") if (checks_dir / f).is_file()]
    docs = sorted((checks_dir / "data_docs").rglob("index.html")) if (checks_dir / "data_docs").is_dir() else []
    checks += [link(p, DESCRIPTIONS["data_docs"], "Data docs") for p in docs[:1]]
    tables = sorted((reports / "tables").glob("*.csv")) if (reports / "tables").is_dir() else []
    return [
        {"title": "Transparency report", "links": report, "empty": "the report was not produced in this run"},
        {"title": "Audit notebooks (HTML)", "links": notebooks, "empty": "no notebook was exported"},
        {"title": "Verdicts", "links": verdicts, "empty": "no verdicts were written"},
        {"title": "Data-quality checks", "links": checks, "empty": "no check results"},
        {"title": "Tables shown (CSV)", "links": [link(p, table_note(p)) for p in tables], "empty": "no tables were exported"},
        {
            "title": "Executed notebooks",
            "links": [link(p, "The notebook with its outputs, to open in Jupyter and check each step.") for p in executed],
            "empty": "none kept",
        },
    ]


def write_index(reports: str | Path, *, problems: Iterable[str] = (), info: dict[str, Any] | None = None) -> Path:
    """Write ``<reports>/index.html`` (self-contained, escaped) and return its path."""
    reports = Path(reports)
    info = info or run_info()
    text = _render.render(
        "fragments/site_index.html.j2",
        css=_render.css() + "\n" + _render.css("editions.css"),
        sections=index_sections(reports),
        problems=list(problems),
        **info,
    )
    from claimaudit.report._fonts import embed_fonts

    text, _embedded = embed_fonts(text)  # the Urdu edition's title is shown in Urdu
    path = reports / "index.html"
    write_text_atomic(path, text)
    return path
