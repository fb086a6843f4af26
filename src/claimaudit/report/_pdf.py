"""HTML -> PDF with headless Chromium (print-to-pdf), written atomically.

>>> find_chromium() is None or find_chromium().name.startswith(("chromium", "chrome", "google"))
True
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from claimaudit import config
from claimaudit.errors import ClaimauditError

INSTALL_HINT = (
    "install Chromium (`apt-get install chromium` on Debian/Ubuntu) or set CLAIMAUDIT_CHROMIUM=/path/to/chromium"
)


class ChromiumMissing(ClaimauditError):
    """No Chromium/Chrome binary: the PDF cannot be made (the HTML report still is)."""


def find_chromium() -> Path | None:
    """``CLAIMAUDIT_CHROMIUM``, else ``/usr/bin/chromium``, else chromium/chrome on PATH."""
    env = config.get("CLAIMAUDIT_CHROMIUM")
    if env:
        return Path(env) if Path(env).is_file() else None
    for candidate in ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(candidate)
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


def export_pdf(html: str | Path, pdf: str | Path, *, chromium: str | Path | None = None, timeout: float = 120) -> Path:
    """Print ``html`` to ``pdf``. Raises :class:`ChromiumMissing` when there is no browser."""
    browser = Path(chromium) if chromium else find_chromium()
    if browser is None:
        env = config.get("CLAIMAUDIT_CHROMIUM")
        because = f" (CLAIMAUDIT_CHROMIUM={env} is not a file)" if env and not chromium else ""
        raise ChromiumMissing(f"no Chromium found to make the PDF{because}\n  What to do: {INSTALL_HINT}")
    html = Path(html).resolve()
    pdf = Path(pdf)
    pdf.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="claimaudit-chromium-") as profile:
        tmp = pdf.parent / f".{pdf.name}.{os.getpid()}.tmp"
        command = [
            str(browser),
            *chromium_flags(profile),
            "--no-pdf-header-footer",
            f"--print-to-pdf={tmp}",
            html.as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
            if done.returncode != 0 or not tmp.is_file() or tmp.stat().st_size == 0:
                raise ClaimauditError(
                    f"Chromium could not print {html} to PDF (exit {done.returncode}): "
                    f"{done.stderr.strip()[-500:]}\n"
                    f"  What to do: run the command by hand to see why: {' '.join(command)}"
                )
            if not tmp.read_bytes()[:5] == b"%PDF-":
                raise ClaimauditError(
                    f"Chromium wrote something that is not a PDF for {html}\n"
                    f"  What to do: run the command by hand to see why: {' '.join(command)}"
                )
            os.replace(tmp, pdf)
        except OSError as exc:  # not executable, wrong architecture, ...
            raise ChromiumMissing(
                f"Chromium at {browser} could not be started ({exc})\n  What to do: {INSTALL_HINT}"
            ) from None
        except subprocess.TimeoutExpired:
            raise ClaimauditError(
                f"Chromium took more than {timeout:.0f} s to print {html}\n"
                "  What to do: try again on a less busy machine, or pass a larger timeout"
            ) from None
        finally:
            tmp.unlink(missing_ok=True)
    return pdf
