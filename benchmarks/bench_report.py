"""The published report: what the Urdu edition costs.

    CLAIMAUDIT_MIRROR=/path/to/mirror .venv/bin/python benchmarks/bench_report.py [--repeat 1] [--json out.json]

Measures, on the shipped data:

- **font bytes**: how much the embedded font subsets (``@font-face`` ``data:`` URLs) add to each
  edition's HTML. Target: the Urdu edition's fonts <= 150 KB.
- **second language**: wall time of ``claimaudit run --offline --lang en`` against
  ``--lang en,ur`` (same warm cache, PDFs included). Target: the Urdu edition adds <= 25 %.

Run with .venv set up on an otherwise quiet machine. Outputs go to temporary folders; the first,
untimed run fills a private cache from the mirror (and the font-subset cache), as a second run of
a checkout would find it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REPORT = "08-publish-transparency-report"
FONT_TARGET_BYTES = 150 * 1024
SECOND_LANGUAGE_TARGET = 0.25
_FACE = re.compile(r"@font-face \{[^}]*\}")


def font_bytes(html: Path) -> int:
    """Bytes of the ``@font-face`` rules (base64 woff2 subsets) embedded in ``html``."""
    text = html.read_text(encoding="utf-8")
    return sum(len(m.group(0).encode("utf-8")) for m in _FACE.finditer(text))


def timed_run(env: dict[str, str], reports: Path, lang: str) -> float:
    command = [str(ROOT / ".venv" / "bin" / "claimaudit"), "run", "--offline", "--lang", lang, "--reports", str(reports)]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"`{' '.join(command)}` failed (exit {done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="timed runs per language set (median is reported)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    if not os.environ.get("CLAIMAUDIT_MIRROR"):
        sys.exit("set CLAIMAUDIT_MIRROR=<mirror dir> (the run needs the third-party files)")

    with tempfile.TemporaryDirectory(prefix="claimaudit-bench-report-") as tmp:
        tmp = Path(tmp)
        env = {**os.environ, "CLAIMAUDIT_CACHE": str(tmp / "cache")}
        timed_run(env, tmp / "warm", "en,ur")  # fills the cache and the font-subset cache
        both, english = [], []
        for i in range(args.repeat):
            english.append(timed_run(env, tmp / f"en-{i}", "en"))
            both.append(timed_run(env, tmp / f"both-{i}", "en,ur"))
        last = tmp / f"both-{args.repeat - 1}"
        fonts = {
            "en": font_bytes(last / f"{REPORT}.html"),
            "ur": font_bytes(last / f"{REPORT}.ur.html"),
        }
        sizes = {"en": (last / f"{REPORT}.html").stat().st_size, "ur": (last / f"{REPORT}.ur.html").stat().st_size}

    en_s, both_s = statistics.median(english), statistics.median(both)
    added = (both_s - en_s) / en_s
    results = {
        "font_bytes_en": fonts["en"],
        "font_bytes_ur": fonts["ur"],
        "font_target_bytes": FONT_TARGET_BYTES,
        "html_bytes": sizes,
        "run_seconds_en": round(en_s, 1),
        "run_seconds_en_ur": round(both_s, 1),
        "second_language_added": round(added, 3),
        "second_language_target": SECOND_LANGUAGE_TARGET,
    }
    print(f"embedded fonts: English edition {fonts['en'] / 1024:.1f} KB, Urdu edition {fonts['ur'] / 1024:.1f} KB"
          f" (target <= {FONT_TARGET_BYTES // 1024} KB): {'ok' if fonts['ur'] <= FONT_TARGET_BYTES else 'OVER'}")
    print(f"claimaudit run --lang en: {en_s:.1f} s; --lang en,ur: {both_s:.1f} s; the Urdu edition adds {added:.0%}"
          f" (target <= {SECOND_LANGUAGE_TARGET:.0%}): {'ok' if added <= SECOND_LANGUAGE_TARGET else 'OVER'}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
