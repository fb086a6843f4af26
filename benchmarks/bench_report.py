"""The published report as a reader meets it, measured on the shipped data with and without the
mirror: words (before the appendix and in all), printed A4 pages (and the page the appendix starts
on), charts, headline findings on the first screen at 1280 and 390 px, and time to render.

    CLAIMAUDIT_MIRROR=/path/to/mirror .venv/bin/python benchmarks/bench_report.py [--json out.json] [--no-pdf]

Targets (issue 9): before the appendix <= 12 pages and <= 4,000 words; whole <= 16 pages and
<= 6,000 words; one chart per headline finding; 5-8 headline findings, on the first screen.
Each case runs `claimaudit run -n 08 --skip fetch --skip check` into a temporary folder with a fresh
cache ("without the mirror": CLAIMAUDIT_MIRROR unset, so no third-party data at all), then times
rendering the report's parts in-process (verdicts, charts, HTML) separately from the notebook run.
"""

from __future__ import annotations

import argparse
import html as htmllib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORT = "08-publish-transparency-report"
APPENDIX = "Sources and provenance (appendix)"
TARGETS = {"words_before_appendix": 4000, "words": 6000, "pages_before_appendix": 12, "pages": 16}


def visible_text(page: str) -> str:
    """The report's text without markup, styles or chart SVG (what a reader reads as prose)."""
    page = re.sub(r"<(style|svg|script)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", page))


def pdf_pages(pdf: Path) -> tuple[int | None, int | None]:
    if not (pdf.is_file() and shutil.which("pdfinfo") and shutil.which("pdftotext")):
        return None, None
    pages = int(
        re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout)[1]
    )
    for i in range(1, pages + 1):
        text = subprocess.run(
            ["pdftotext", "-f", str(i), "-l", str(i), str(pdf), "-"], capture_output=True, text=True
        ).stdout
        if APPENDIX in text:
            return pages, i - 1
    return pages, None


def on_first_screen(path: Path) -> dict[str, int | None]:
    """Headline findings whose top is within the first screen, at 1280x900 and 390x844."""
    sys.path.insert(0, str(ROOT / "src"))
    from claimaudit.report import find_chromium

    chromium = find_chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        chromium = None
    if chromium is None:
        return {"1280": None, "390": None}
    seen: dict[str, int | None] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), headless=True, args=["--no-sandbox"])
        try:
            for width, height in ((1280, 900), (390, 844)):
                page = browser.new_context(offline=True, viewport={"width": width, "height": height}).new_page()
                page.goto(path.resolve().as_uri(), wait_until="load")
                tops = page.eval_on_selector_all(
                    "ol.ca-headlines > li", "els => els.map(e => e.getBoundingClientRect().top)"
                )
                seen[str(width)] = sum(top < height for top in tops)
        finally:
            browser.close()
    return seen


def render_seconds(env: dict[str, str]) -> float:
    """Verdicts, charts and the report's HTML, in-process (what notebook 08 does, without a kernel)."""
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        sys.path.insert(0, str(ROOT / "src"))
        from claimaudit.notebook import charts
        from claimaudit.report import transparency

        charts.use_theme(renderer=None)
        started = time.perf_counter()
        inputs = transparency.load_inputs(offline=True)
        built = transparency.TransparencyReport.build(inputs)
        built.first_screen(), built.sections(), built.not_checked()
        return time.perf_counter() - started
    finally:
        os.environ.clear()
        os.environ.update(saved)


def measure(case: str, *, mirror: str | None, pdf: bool) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix=f"bench-report-{case}-") as tmp:
        env = {k: v for k, v in os.environ.items() if k != "CLAIMAUDIT_MIRROR"}
        env.update({"CLAIMAUDIT_CACHE": str(Path(tmp) / "cache"), "CLAIMAUDIT_REPORTS": str(Path(tmp) / "reports")})
        if mirror:
            env["CLAIMAUDIT_MIRROR"] = mirror
        command = [str(ROOT / ".venv" / "bin" / "claimaudit"), "run", "-n", "08", "--skip", "fetch", "--skip", "check"]
        if not pdf:
            command.append("--no-pdf")
        started = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        run_seconds = time.perf_counter() - started
        if done.returncode != 0:
            sys.exit(
                f"{' '.join(command)} failed (exit {done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}"
            )
        report = Path(tmp) / "reports" / f"{REPORT}.html"
        page = report.read_text(encoding="utf-8")
        text = visible_text(page)
        before = text.split(APPENDIX, 1)[0]
        pages, pages_before = pdf_pages(report.with_suffix(".pdf"))
        return {
            "case": case,
            "words_before_appendix": len(before.split()),
            "words": len(text.split()),
            "pages_before_appendix": pages_before,
            "pages": pages,
            "charts": page.count('<figure class="ca-chart"><svg'),
            "headline_findings": page.count('class="ca-headline-link"'),
            "findings_on_first_screen": on_first_screen(report),
            "incomplete_banner": "This run did not have all the evidence." in page,
            "render_seconds": round(render_seconds(env), 2),
            "notebook_run_seconds": round(run_seconds, 1),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF (no page counts)")
    args = parser.parse_args()
    mirror = os.environ.get("CLAIMAUDIT_MIRROR")
    cases = [("with mirror", mirror)] if mirror else []
    cases.append(("without mirror", None))
    results = [measure(name.replace(" ", "-"), mirror=m, pdf=not args.no_pdf) for name, m in cases]
    for r in results:
        print(f"\n{r['case']}")
        for key, value in r.items():
            if key == "case":
                continue
            target = TARGETS.get(key)
            verdict = (
                ""
                if target is None or value is None
                else ("  ok" if value <= target else f"  OVER (target <= {target})")
            )
            print(f"  {key:26} {value}{verdict}")
    if not mirror:
        print("\n(CLAIMAUDIT_MIRROR not set: only the run without the mirror was measured)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
