"""CPU of the run's HTML export and PDF printing, measured standalone on a real run's notebooks.

    CLAIMAUDIT_MIRROR=/path/to/mirror .venv/bin/python benchmarks/bench_export.py REPORTS [--repeat 3]
        [--out DIR] [--no-pdf]

``REPORTS`` is the ``reports/`` folder of a finished ``claimaudit run`` (its ``notebooks/`` holds
the executed notebooks the run exported). Each executed notebook is exported again exactly as
``pipeline/_notebooks.py: execute_notebook`` does (same ``show_code``, language, edition links;
the run's version, commit and time stamp read from the published page's footer), in this
process, one after another, with an empty font-subset cache for every round (as in a fresh
checkout, and as ``bench_run.py`` does). Printed per page and in total, as the median of the
rounds: CPU seconds (``time.process_time``) of the export, of nbconvert's
``from_notebook_node``, of ``embed_fonts`` and, inside it, of the subsets (HarfBuzz) and of
writing them as woff2 (fontTools). Then the two report editions are printed to PDF by one
``Printer`` (one Chromium), and Chromium's CPU (user + system of the browser and all its
processes, read when it has exited) is printed.

Each exported page is compared with the published one byte for byte (``same``/``DIFFERS``);
``--out`` also keeps the pages and PDFs written in the last round.
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

REPORT = "08-publish-transparency-report"
LANGUAGES = ("en", "ur")
FOOTER = re.compile(r"Generated (\S+) by claimaudit ([^\s,]+?)(?:, commit (\w+))?\.\s")

CPU: dict[str, float] = defaultdict(float)


def timed(name: str, fn):
    """``fn``, adding the CPU seconds of each call to ``CPU[name]`` (not inside another timed call of it)."""
    depth = {"n": 0}

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        depth["n"] += 1
        started = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            depth["n"] -= 1
            if not depth["n"]:
                CPU[name] += time.process_time() - started

    return wrapper


def instrument() -> None:
    from fontTools.ttLib import TTFont
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter

    from claimaudit.report import _export, _fonts

    try:
        from claimaudit.report import _soup
    except ImportError:  # a tree from before the one-pass writer (for before/after comparisons)
        _soup = None

    HTMLExporter.from_notebook_node = timed("nbconvert (nbconvert's own exporter)", HTMLExporter.from_notebook_node)
    TemplateExporter.from_notebook_node = timed("nbconvert template", TemplateExporter.from_notebook_node)
    if _soup is not None:
        _soup.reserialize = timed("page re-serialized (_soup.reserialize)", _soup.reserialize)
    _export.embed_fonts = timed("embed_fonts", _fonts.embed_fonts)
    _fonts.embed_fonts = _export.embed_fonts
    _fonts._subset = timed("subset+woff2", _fonts._subset)
    TTFont.save = timed("woff2 write (TTFont.save)", TTFont.save)
    _fonts._parse = timed("visible text (HTMLParser)", _fonts._parse)


def pages(reports: Path) -> list[tuple[Path, str]]:
    out = []
    for executed in sorted((reports / "notebooks").glob("*.ipynb")):
        stem, _, lang = executed.stem.partition(".")
        out.append((executed, lang or "en"))
    return out


def export_round(reports: Path, out: Path) -> dict[str, float]:
    from claimaudit import i18n
    from claimaudit.report import export_html

    per_page: dict[str, float] = {}
    # the run's version, commit and time stamp, as the English pages' footer says them
    found = FOOTER.search((reports / f"{REPORT}.html").read_text(encoding="utf-8"))
    assert found, f"no footer in {reports / f'{REPORT}.html'}"
    info = {"generated": found.group(1), "version": found.group(2), "commit": found.group(3) or ""}
    for executed, lang in pages(reports):
        stem = executed.stem.partition(".")[0]
        published = reports / f"{executed.stem}.html"
        links = {other: f"{stem}{i18n.edition_suffix(other)}.html" for other in LANGUAGES}
        started = time.process_time()
        export_html(
            executed,
            out / published.name,
            show_code=stem != REPORT,
            index_href="index.html",
            info=info,
            lang=lang,
            editions=links,
        )
        per_page[published.name] = time.process_time() - started
    return per_page


def tree_cpu(root: int) -> float:
    """User + system CPU seconds of process ``root`` and all its descendants (living ones from
    /proc, finished ones through their parents' children times)."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")
    family, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in family} - family
        family |= more
        grew = bool(more)
    return sum(times.get(pid, 0.0) for pid in family)


def print_round(out: Path) -> float:
    """Chromium's CPU seconds for starting and printing both editions (read before it closes)."""
    from claimaudit.report import Printer

    with Printer() as printer:
        for lang in LANGUAGES:
            html = out / f"{REPORT}{'' if lang == 'en' else '.' + lang}.html"
            printer.print(html, html.with_suffix(".pdf"))
        return tree_cpu(printer.pid)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reports", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path, help="keep the last round's pages and PDFs here")
    parser.add_argument("--no-pdf", action="store_true")
    args = parser.parse_args()
    instrument()
    rounds: list[dict[str, float]] = []
    parts: list[dict[str, float]] = []
    chromium: list[float] = []
    import nbconvert  # noqa: F401

    import claimaudit.report  # noqa: F401  (imports are not what is measured)

    with tempfile.TemporaryDirectory(prefix="claimaudit-bench-export-") as tmp:
        for i in range(args.repeat):
            os.environ["CLAIMAUDIT_CACHE"] = str(Path(tmp) / f"cache-{i}")  # fresh font subsets
            out = args.out if args.out and i == args.repeat - 1 else Path(tmp) / f"out-{i}"
            out.mkdir(parents=True, exist_ok=True)
            CPU.clear()
            rounds.append(export_round(args.reports, out))
            parts.append(dict(CPU))
            if not args.no_pdf:
                chromium.append(print_round(out))
            total = sum(rounds[-1].values())
            print(f"round {i + 1}: export {total:.2f} s CPU" + (f", Chromium {chromium[-1]:.2f} s" if chromium else ""))
        for name in rounds[0]:
            same = (out / name).read_bytes() == (args.reports / name).read_bytes()
            print(f"  {name:45s} {statistics.median(r[name] for r in rounds):6.2f} s  {'same' if same else 'DIFFERS'}")
    print(f"  {'all pages':45s} {statistics.median(sum(r.values()) for r in rounds):6.2f} s")
    for name in sorted({k for p in parts for k in p}):
        print(f"    {name:43s} {statistics.median(p.get(name, 0.0) for p in parts):6.2f} s")
    if chromium:
        print(f"  Chromium, both editions to PDF                {statistics.median(chromium):6.2f} s")


if __name__ == "__main__":
    main()
