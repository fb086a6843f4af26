"""``reports/index.html``: one page linking every output of a run, only files that exist, each
with a line saying what it is."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from claimaudit import i18n
from claimaudit._io import write_text_atomic
from claimaudit.report import _render
from claimaudit.report._provenance import live_sources, run_info

#: What each fixed output is, in a line (files named after what they feed).
DESCRIPTIONS: dict[str, str] = {
    "report.html": (
        "The transparency report: headline findings with their charts and evidence, what could not be checked,"
        " method, limitations and sources. Start here."
    ),
    "scorecard.html": (
        "The full scorecard: every verdict of the run, contradictions first (scorecard.csv has the same rows)."
    ),
    "scorecard.ur.html": "The full scorecard in Urdu (اردو): every verdict, its finding in Urdu, right to left.",
    "report.pdf": "The same report as a printable PDF (A4), source links printed with their address.",
    "report.ur.html": "The transparency report in Urdu (اردو): the same findings, charts, evidence and sources,"
    " right to left.",
    "report.ur.pdf": "The Urdu report as a printable PDF (A4), with its Urdu fonts embedded.",
    "verdicts.csv": "Every verdict, one row each (rule, claims, verdict, explanation, evidence), for a spreadsheet.",
    "verdicts.json": (
        "Every verdict with its evidence as structured data (windows, sample sizes, networks), for programs."
    ),
    "results.json": "Results of the data-quality checks run before the audit, per suite and expectation.",
    "junit.xml": "The same data-quality checks in JUnit XML, for continuous-integration tools.",
    "failed/results.json": "Results of the last data-quality run that did not pass (every suite; failures with the"
    " rows and values concerned). results.json keeps the last passing run.",
    "index.html": "The data-quality checks and their results as a page: every suite and expectation, failing rows.",
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


def _edition_language(path: Path) -> str:
    """The language of a page from its name: ``report.ur.html`` is Urdu, ``report.html`` the source language.

    >>> _edition_language(Path("scorecard.ur.html")), _edition_language(Path("08-publish-x.html"))
    ('ur', 'en')
    """
    return next((s[1:] for s in path.suffixes[:-1] if s[1:] in i18n.LANGUAGES), i18n.SOURCE_LANGUAGE)


def index_sections(reports: Path) -> list[dict[str, Any]]:
    """What to link, by section, from the files present under ``reports``: each link has ``href``,
    ``text`` (a page's title, else the file name), ``file`` and ``note`` (what it is)."""

    def link(path: Path, note: str | None, text: str | None = None) -> dict[str, str | None]:
        return {
            "href": path.relative_to(reports).as_posix(),
            "text": text or path.name,
            "file": path.name,
            "note": note,
            "lang": _edition_language(path),
            "dir": i18n.direction(_edition_language(path)),
        }

    def edition(path: Path) -> str:  # "report.html", "report.ur.html", ...
        return "report" + "".join(path.suffixes[-2:] if len(path.suffixes) > 1 else path.suffixes)

    report = [
        link(p, DESCRIPTIONS.get(edition(p), DESCRIPTIONS["report.html"]), page_title(p))
        for p in sorted(reports.glob("08-*.html"))
    ]
    for p in sorted(reports.glob("08-*.pdf")):  # "PDF (English)", "PDF (اردو)": a file name is no link text
        pdf = link(p, DESCRIPTIONS.get(edition(p), DESCRIPTIONS["report.pdf"]), "PDF")
        pdf["text"] = f"PDF ({i18n.language_name(pdf['lang'])})"
        pdf["lang"], pdf["dir"] = i18n.SOURCE_LANGUAGE, i18n.direction(i18n.SOURCE_LANGUAGE)
        report.append(pdf)
    report += [
        link(p, DESCRIPTIONS[p.name], page_title(p) if p.name != "scorecard.html" else "Scorecard: every verdict")
        for p in (reports / "scorecard.html", reports / "scorecard.ur.html")
        if p.is_file()
    ]
    notebooks = [
        link(p, page_summary(p) or "The notebook as a page: its narrative, charts, tables and verdicts.", page_title(p))
        for p in sorted(reports.glob("[0-9][0-9]-*.html"))
        if not p.name.startswith("08-")
    ]
    executed = sorted((reports / "notebooks").glob("*.ipynb")) if (reports / "notebooks").is_dir() else []
    verdicts = [
        link(p, DESCRIPTIONS[p.name]) for p in (reports / "verdicts.json", reports / "verdicts.csv") if p.is_file()
    ]
    checks_dir = reports / "checks"
    checks = [
        link(checks_dir / f, DESCRIPTIONS[f], "Check results" if f == "index.html" else None)
        for f in ("index.html", "results.json", "junit.xml")
        if (checks_dir / f).is_file()
    ]
    if (checks_dir / "failed" / "results.json").is_file():
        checks.append(link(checks_dir / "failed" / "results.json", DESCRIPTIONS["failed/results.json"]))
    tables = sorted((reports / "tables").glob("*.csv")) if (reports / "tables").is_dir() else []
    return [
        {"title": "Transparency report", "links": report, "empty": "the report was not produced in this run"},
        {"title": "Audit notebooks (HTML)", "links": notebooks, "empty": "no notebook was exported"},
        {"title": "Verdicts", "links": verdicts, "empty": "no verdicts were written"},
        {"title": "Data-quality checks", "links": checks, "empty": "no check results"},
        {
            "title": "Tables shown (CSV)",
            "links": [link(p, table_note(p)) for p in tables],
            "empty": "no tables were exported",
        },
        {
            "title": "Executed notebooks",
            "links": [
                link(p, "The notebook with its outputs, to open in Jupyter and check each step.") for p in executed
            ],
            "empty": "none kept",
        },
    ]


_URL_IN_TEXT = re.compile(r"\s*\(?\bhttps?://[^\s)]*\)?")


def one_line(text: str | None, *, limit: int = 110) -> str:
    """A reason in one line: web addresses dropped (the console has them), whitespace collapsed,
    and, if still too long, cut at a word boundary with "…" — never in the middle of a word.

    >>> one_line("not in the cache (https://api.ooni.io/api/v1/aggregation?x=1): offline")
    'not in the cache: offline'
    >>> one_line("alpha beta gamma delta", limit=12)
    'alpha beta…'
    """
    words = " ".join(_URL_IN_TEXT.sub("", str(text or "")).split())
    if len(words) <= limit:
        return words
    cut = words[: limit - 1]
    if words[limit - 1] != " ":
        cut = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return cut.rstrip(" ,;:(") + "…"


def _source_group(name: str) -> str:
    """The source a missing item belongs to: a pinned set's name, or the live service."""
    if "/" in name and " " not in name:
        return name.split("/", 1)[0]
    first = name.split(" ", 1)[0]
    return {"OONI": "OONI API (live)", "Tor": "Tor Metrics (live)", "IODA": "IODA (live)"}.get(first, first)


def _reason(detail: str) -> str:
    text = one_line(detail, limit=400)
    for marker in (
        "not in the cache",
        "cannot resolve",
        "could not be reached",
        "offline",
        "timed out",
        "sha256",
        "HTTP",
    ):
        if marker in text:
            return {
                "not in the cache": "not in the cache, and no mirror holds it",
                "cannot resolve": "the service could not be reached",
                "could not be reached": "the service could not be reached",
                "offline": "not in the cache (offline run)",
                "timed out": "the service did not answer in time",
                "sha256": "the bytes did not match their recorded sha256",
                "HTTP": "the service answered with an error",
            }[marker]
    return one_line(text, limit=80)


def missing_groups(steps: Iterable[Any]) -> list[dict[str, Any]]:
    """What a run could not get, one line per source: ``{"source", "n", "what", "reason"}``."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for step in steps:
        for name, detail in getattr(step, "missing", None) or ():
            groups.setdefault(_source_group(name), []).append((name, detail))
    out = []
    for source, items in sorted(groups.items()):
        reasons = [_reason(d) for _n, d in items]
        live = source.endswith("(live)")
        out.append(
            {
                "source": source,
                "n": len(items),
                "what": ("query window" if live else "file") + ("" if len(items) == 1 else "s"),
                "reason": max(set(reasons), key=reasons.count),
            }
        )
    return out


def step_rows(steps: Iterable[Any]) -> list[dict[str, str]]:
    """The status table: step, state, one-line reason (addresses and long lists left to the console)."""
    rows = []
    for step in steps:
        detail = str(step.detail)
        missing = getattr(step, "missing", None) or ()
        if missing:
            detail = detail.split("; MISSING", 1)[0].split("; offline:", 1)[0].split("; live FAILED", 1)[0]
            detail += f"; {len(missing)} not available (below)"
        rows.append({"step": step.name, "state": step.status, "reason": one_line(detail, limit=150)})
    return rows


#: Said on index.html only (never in the published report) when a live answer came from a stale cache.
REFRESH = (
    "To bring stale live answers up to date: run `claimaudit fetch` online (it asks again what is due), "
    "or `claimaudit fetch --refresh` to ask every live window again."
)

#: Said once, on index.html only (never in the published report).
FIX = (
    "To fill in what is missing: point CLAIMAUDIT_MIRROR at a mirror directory (a copy laid out by URL), "
    "or run `claimaudit run --online`."
)


def write_index(
    reports: str | Path,
    *,
    problems: Iterable[str] = (),
    info: dict[str, Any] | None = None,
    steps: Iterable[Any] | None = None,
) -> Path:
    """Write ``<reports>/index.html`` (self-contained, escaped) and return its path.

    With ``steps`` (the run's step outcomes) the first screen is the report link, the run's date
    and commit, a status table (one line per step), "as of" for each live source (marked when its
    answers came from a stale cache or it was not fetched) and the missing sources grouped by source;
    ``problems`` (lines) are shown one line each; with ``steps``, only those the status table does
    not already say (``"<step>: <detail>"`` lines), e.g. that nothing of a failed run was published."""
    reports = Path(reports)
    info = info or run_info()
    steps = list(steps) if steps is not None else None
    missing = missing_groups(steps or ())
    with i18n.language("en"):  # index.html is in English
        live = live_sources()
    text = _render.render(
        "fragments/site_index.html.j2",
        css=_render.css() + "\n" + _render.css("editions.css"),
        sections=index_sections(reports),
        problems=[
            one_line(p, limit=200) for p in problems if not any(str(p) == f"{s.name}: {s.detail}" for s in steps or ())
        ],
        steps=step_rows(steps or ()),
        missing=missing,
        live=live,
        refresh=REFRESH if any(row["state"] == "stale" for row in live) else None,
        fix=FIX if missing or any(s.status in ("warning", "unavailable") for s in steps or ()) else None,
        **info,
    )
    from claimaudit.report._fonts import embed_fonts

    text, _embedded = embed_fonts(text)  # the Urdu edition's title is shown in Urdu
    path = reports / "index.html"
    write_text_atomic(path, text)
    return path
