"""A synthetic cache manifest of live answers, and the report's "as of" lines read back from a page
(tests/report/test_report_live_as_of.py, tests/report/test_report_published.py)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

SYNTHETIC = "http://127.0.0.1:9/synthetic"


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def write_synthetic_manifest(cache: Path, now: dt.datetime) -> dict[str, str]:
    """A cache manifest with synthetic live answers: OONI two current windows (one answered empty),
    Tor Metrics one stale answer (its window ends today, fetched three days ago), no IODA."""
    today = now.date()
    entries = {
        f"{SYNTHETIC}/ooni?w=1": {
            "live": "ooni_api",
            "retrieved_at": _stamp(now - dt.timedelta(hours=2, minutes=10)),
            "window_start": "2024-01-01",
            "window_end": "2024-06-30",
        },
        f"{SYNTHETIC}/ooni?w=2": {
            "live": "ooni_api",
            "retrieved_at": _stamp(now - dt.timedelta(hours=1)),
            "window_start": "2024-07-01",
            "window_end": "2024-12-31",
        },
        f"{SYNTHETIC}/tor?w=1": {
            "live": "tor_metrics",
            "retrieved_at": _stamp(now - dt.timedelta(days=3)),
            "window_start": f"{today.year}-01-01",
            "window_end": today.isoformat(),
        },
    }
    for i, (url, entry) in enumerate(entries.items()):
        entry.update(url=url, path=f"files/synthetic-{i}", sha256=f"{i}" * 64, bytes=1, origin="network")
    cache.mkdir(parents=True, exist_ok=True)
    (cache / "manifest.json").write_text(json.dumps({"version": 1, "entries": entries}), encoding="utf-8")
    oldest_ooni = now - dt.timedelta(hours=2, minutes=10)
    tor = now - dt.timedelta(days=3)
    return {
        "ooni_date": oldest_ooni.date().isoformat(),
        "ooni_time": oldest_ooni.strftime("%H:%M"),
        "tor_date": tor.date().isoformat(),
        "tor_time": tor.strftime("%H:%M"),
        "today": today.isoformat(),
    }


def live_lines(page: str) -> dict[str, str]:
    """``data-live-source`` -> the line's text, from a page's HTML."""
    found = re.findall(r'<li class="ca-live-[a-z_]+" data-live-source="([a-z_]+)">(.*?)</li>', page, re.S)
    return {source: " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split()) for source, text in found}
