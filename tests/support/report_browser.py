"""Open a report in headless Chromium with the network cut, and say what it tried to load.

Uses Playwright's Python package only to drive the system Chromium (``executable_path``); it
never downloads a browser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest


@dataclass
class PageVisit:
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    text: str = ""
    title: str = ""
    width: int = 0
    scroll_width: int = 0

    @property
    def external(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(("file://", "data:", "about:"))]


def chromium_or_skip() -> Path:
    from claimaudit.report import find_chromium

    pytest.importorskip("playwright.sync_api", reason="needs the playwright package (pip install -e '.[test]')")
    found = find_chromium()
    if found is None:
        pytest.skip("needs Chromium (apt-get install chromium); CI installs it")
    return found


def visit(path: Path, *, width: int = 1200, height: int = 900) -> PageVisit:
    """Load ``path`` offline; every request that is not the file itself is aborted and recorded."""
    from playwright.sync_api import sync_playwright

    chromium = chromium_or_skip()
    seen = PageVisit()
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(chromium),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        try:
            context = browser.new_context(offline=True, viewport={"width": width, "height": height})
            page = context.new_page()

            def route(r):
                seen.requests.append(r.request.url)
                if r.request.url.startswith(("file://", "data:")):
                    r.continue_()
                else:
                    r.abort()

            page.route("**/*", route)
            page.on("requestfailed", lambda r: seen.failed.append(f"{r.url} ({r.failure})"))
            page.on("console", lambda m: seen.console_errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: seen.page_errors.append(str(e)))
            page.goto(path.resolve().as_uri(), wait_until="load")
            seen.title = page.title()
            seen.text = page.inner_text("body")
            seen.width = page.evaluate("document.documentElement.clientWidth")
            seen.scroll_width = page.evaluate("document.documentElement.scrollWidth")
        finally:
            browser.close()
    return seen
