"""HTML -> PDF with headless Chromium (print-to-pdf), written atomically.

>>> find_chromium() is None or find_chromium().name.startswith(("chromium", "chrome", "google"))
True
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import select
import shutil
import signal
import tempfile
import threading
import time
from pathlib import Path

from claimaudit import config
from claimaudit._io import atomic_write
from claimaudit.errors import ClaimauditError

INSTALL_HINT = (
    "install Chromium (`apt-get install chromium` on Debian/Ubuntu) or set CLAIMAUDIT_CHROMIUM=/path/to/chromium"
)


class ChromiumMissing(ClaimauditError):
    """No Chromium/Chrome binary: the PDF cannot be made (the HTML report still is)."""


#: Browsers looked for, best first. The headless shells (Debian's ``chromium-headless-shell``, Google's
#: ``chrome-headless-shell``) are Chromium's "old" headless build, made for automation: the same
#: Blink prints the same pages for about half the CPU of the full browser (no browser UI layers to
#: start), so a run prefers them where they are installed.
BROWSER_NAMES = (
    "chromium-headless-shell",
    "chrome-headless-shell",
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
)


def find_chromium(search_path: str | None = None) -> Path | None:
    """``CLAIMAUDIT_CHROMIUM``, else the first of :data:`BROWSER_NAMES` in ``/usr/bin`` or on
    ``PATH`` (``search_path``, when given, is searched instead of both)."""
    env = config.get("CLAIMAUDIT_CHROMIUM")
    if env:
        return Path(env) if Path(env).is_file() else None
    if search_path is None:
        # /usr/bin first: a distribution's package before wrappers earlier on PATH (e.g. snap's)
        search_path = os.pathsep.join(["/usr/bin", os.environ.get("PATH", os.defpath)])
    for candidate in BROWSER_NAMES:
        found = shutil.which(candidate, path=search_path)
        if found:
            return Path(found)
    return None


def chromium_flags(user_data_dir: str | Path) -> list[str]:
    """Flags for a quiet, offline, throw-away headless browser."""
    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-dev-shm-usage",
        f"--user-data-dir={user_data_dir}",
    ]


def _browser(chromium: str | Path | None) -> Path:
    browser = Path(chromium) if chromium else find_chromium()
    if browser is None:
        env = config.get("CLAIMAUDIT_CHROMIUM")
        because = f" (CLAIMAUDIT_CHROMIUM={env} is not a file)" if env and not chromium else ""
        raise ChromiumMissing(f"no Chromium found to make the PDF{because}\n  What to do: {INSTALL_HINT}")
    return browser


#: What ``chromium --print-to-pdf --no-pdf-header-footer`` asks of the page (Page.printToPDF).
PRINT_OPTIONS = {"displayHeaderFooter": False, "printBackground": True, "preferCSSPageSize": True}


class Printer:
    """One headless Chromium that prints page after page to PDF, so a run with two editions starts
    one browser, not one per edition (and can start it before the first page is there).

    It is driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``: file
    descriptors 3 and 4 of the browser, no port is opened): for each page a new tab is opened on
    the file, the printing waits for its load event and its fonts, and ``Page.printToPDF`` with
    :data:`PRINT_OPTIONS` writes the PDF atomically. :meth:`print` may be called from several
    threads; pages are printed one at a time. Use it as a context manager, or :meth:`close` it."""

    def __init__(self, chromium: str | Path | None = None, *, timeout: float = 120) -> None:
        self.browser = _browser(chromium)
        self.timeout = timeout
        self._lock = threading.Lock()
        self._profile = tempfile.TemporaryDirectory(prefix="claimaudit-chromium-")
        self._log = Path(self._profile.name) / "chromium.log"
        self._command = [
            str(self.browser),
            *chromium_flags(Path(self._profile.name) / "profile"),
            "--remote-debugging-pipe",
            "about:blank",
        ]
        to_browser, self._out = os.pipe()
        self._in, from_browser = os.pipe()
        try:
            # posix_spawn places the pipe ends at fds 3 and 4 without running Python in the child
            # (safe beside the run's threads); every other descriptor stays close-on-exec
            self.pid = os.posix_spawn(
                str(self.browser),
                self._command,
                os.environ,
                file_actions=[
                    (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                    (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                    (os.POSIX_SPAWN_OPEN, 2, str(self._log), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600),
                    (os.POSIX_SPAWN_DUP2, to_browser, 3),
                    (os.POSIX_SPAWN_DUP2, from_browser, 4),
                ],
            )
        except OSError as exc:  # not executable, wrong architecture, ...
            for fd in (to_browser, from_browser, self._in, self._out):
                os.close(fd)
            self._profile.cleanup()
            raise ChromiumMissing(
                f"Chromium at {self.browser} could not be started ({exc})\n  What to do: {INSTALL_HINT}"
            ) from None
        finally:
            if hasattr(self, "pid"):
                os.close(to_browser)
                os.close(from_browser)
        self._buffer = b""
        self._next_id = 0
        self._events: list[dict] = []
        self._closed = False

    # ------------------------------------------------------------------ protocol

    def _send(self, method: str, params: dict | None = None, *, session: str | None = None) -> int:
        self._next_id += 1
        message: dict = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode("utf-8") + b"\0"
        while data:
            data = data[os.write(self._out, data) :]
        return self._next_id

    def _receive(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            ready, _, _ = select.select([self._in], [], [], left)
            if ready:
                chunk = os.read(self._in, 1 << 20)
                if not chunk:
                    raise ConnectionError("the browser closed its end of the pipe")
                self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def _call(self, method: str, params: dict | None = None, *, session: str | None = None, deadline: float) -> dict:
        wanted = self._send(method, params, session=session)
        while True:
            message = self._receive(deadline)
            if message.get("id") == wanted:
                if "error" in message:
                    raise ClaimauditError(f"Chromium: {method}: {message['error'].get('message', message['error'])}")
                return message.get("result", {})
            if "method" in message:
                self._events.append(message)

    def _event(self, method: str, *, session: str, deadline: float) -> dict:
        while True:
            for i, event in enumerate(self._events):
                if event.get("method") == method and event.get("sessionId") == session:
                    return self._events.pop(i)
            message = self._receive(deadline)
            if "method" in message:
                self._events.append(message)

    # ------------------------------------------------------------------ printing

    def print(self, html: str | Path, pdf: str | Path) -> Path:
        """Print ``html`` to ``pdf`` (written atomically)."""
        html = Path(html).resolve()
        pdf = Path(pdf)
        pdf.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            if self._closed:
                raise ClaimauditError(f"Chromium was closed before it could print {html}")
            deadline = time.monotonic() + self.timeout
            try:
                target = self._call("Target.createTarget", {"url": "about:blank"}, deadline=deadline)["targetId"]
                session = self._call("Target.attachToTarget", {"targetId": target, "flatten": True}, deadline=deadline)[
                    "sessionId"
                ]
                self._call("Page.enable", session=session, deadline=deadline)
                self._events = [e for e in self._events if e.get("sessionId") != session]
                self._call("Page.navigate", {"url": html.as_uri()}, session=session, deadline=deadline)
                self._event("Page.loadEventFired", session=session, deadline=deadline)
                self._call(
                    "Runtime.evaluate",
                    {"expression": "document.fonts.ready.then(() => true)", "awaitPromise": True},
                    session=session,
                    deadline=deadline,
                )
                data = self._call("Page.printToPDF", PRINT_OPTIONS, session=session, deadline=deadline)["data"]
                self._call("Target.closeTarget", {"targetId": target}, deadline=deadline)
            except TimeoutError:
                self.close()
                raise ClaimauditError(
                    f"Chromium took more than {self.timeout:.0f} s to print {html}\n"
                    "  What to do: try again on a less busy machine, or pass a larger timeout"
                ) from None
            except (ConnectionError, OSError, KeyError, json.JSONDecodeError) as exc:
                self.close()
                raise ClaimauditError(
                    f"Chromium could not print {html} to PDF ({exc}): {self._stderr()}\n"
                    f"  What to do: run the command by hand to see why: {' '.join(self._command)}"
                ) from None
        content = base64.b64decode(data)
        if content[:5] != b"%PDF-":
            raise ClaimauditError(
                f"Chromium wrote something that is not a PDF for {html}\n"
                f"  What to do: run the command by hand to see why: {' '.join(self._command)}"
            )
        with atomic_write(pdf, "wb") as fh:
            fh.write(content)
        return pdf

    def _stderr(self) -> str:
        try:
            return self._log.read_text(encoding="utf-8", errors="replace").strip()[-500:]
        except OSError:
            return ""

    def close(self) -> None:
        """Close the browser (killed if it does not exit in a few seconds) and its profile."""
        if self._closed:
            return
        self._closed = True
        try:
            self._send("Browser.close")
        except OSError:
            pass
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if os.waitpid(self.pid, os.WNOHANG) != (0, 0):
                break
            time.sleep(0.05)
        else:
            with contextlib.suppress(OSError):
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
        for fd in (self._in, self._out):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._profile.cleanup()

    def __enter__(self) -> Printer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def export_pdf(html: str | Path, pdf: str | Path, *, chromium: str | Path | None = None, timeout: float = 120) -> Path:
    """Print ``html`` to ``pdf`` with a Chromium of its own (:class:`Printer`; a run prints every
    edition with one). Raises :class:`ChromiumMissing` when there is no browser."""
    with Printer(chromium, timeout=timeout) as printer:
        return printer.print(html, pdf)
