"""Requests and wall time of a full ``claimaudit fetch`` against the test server with a modelled
per-minute quota.

Run: ``CLAIMAUDIT_MIRROR=/work/shared/mirror .venv/bin/python benchmarks/bench_fetch.py``
(options: ``--quota 20`` requests per window, ``--window 60`` seconds, ``--scale 10`` to shrink
the window and claimaudit's spacing by that factor so a run takes seconds, not minutes).

The local server (``tests/support/fake_servers.py``) answers the OONI API, Tor Metrics and IODA
with synthetic data and applies a moving-window quota to the OONI API paths, answering 429
without Retry-After when it is spent, as the OONI API does
(ooni/backend ``ooniapi/common/src/common/rate_limit_quotas.py:126-130``). claimaudit is told the
same quota (``CLAIMAUDIT_REQUESTS_PER_MINUTE``), so a full fetch should see no 429. Pinned files
come from ``CLAIMAUDIT_MIRROR`` into a fresh temporary cache; the online audit prefetch runs on
the project's own claims and rules, so its OONI windows are counted too.

Prints: requests per service, 429s served, wall time, the seconds claimaudit waited for the
quota (from its own progress messages), and the wall time projected to the real window
(wall time + waits × (scale − 1)).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from support.fake_servers import (  # noqa: E402
    FakeServer,
    Quota,
    Reply,
    aggregation_handler,
    ioda_handler,
    synthetic_aggregation_rows,
    synthetic_incidents,
    tor_handler,
)

TESTS = (
    "web_connectivity",
    "tor",
    "psiphon",
    "torsf",
    "vanilla_tor",
    "openvpn",
    "riseupvpn",
    "signal",
    "telegram",
    "whatsapp",
    "facebook_messenger",
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quota", type=int, default=20, help="requests per quota window (server and client)")
    parser.add_argument("--window", type=float, default=60.0, help="quota window in seconds, before scaling")
    parser.add_argument("--scale", type=float, default=10.0, help="shrink the window by this factor")
    parser.add_argument(
        "--client-quota",
        type=int,
        default=None,
        help="the quota claimaudit is told (default: --quota; 0: none, so it meets 429s)",
    )
    args = parser.parse_args(argv)
    window = args.window / args.scale
    rows = synthetic_aggregation_rows(
        tests=TESTS, asns=[17557, 9541, 45595], since=dt.date(2023, 1, 1), until=dt.date(2025, 7, 1)
    )
    with FakeServer(quota=Quota(args.quota, window=window)) as server, tempfile.TemporaryDirectory() as tmp:
        server.route("/api/v1/aggregation", aggregation_handler(rows))
        server.route("/api/v1/incidents/search", Reply.json(synthetic_incidents()))
        server.route("/userstats-relay-country.csv", tor_handler("relay"))
        server.route("/userstats-bridge-country.csv", tor_handler("bridge"))
        server.route("/v2/signals/raw/country/PK", ioda_handler())
        env = dict(
            os.environ,
            CLAIMAUDIT_CACHE=str(Path(tmp) / "cache"),
            CLAIMAUDIT_REPORTS=str(Path(tmp) / "reports"),
            CLAIMAUDIT_OONI_API=server.url,
            CLAIMAUDIT_TOR_METRICS=server.url,
            CLAIMAUDIT_IODA_API=server.url,
            CLAIMAUDIT_REQUESTS_PER_MINUTE=str(args.quota if args.client_quota is None else args.client_quota),
            CLAIMAUDIT_BENCH_QUOTA_WINDOW=str(window),
        )
        env.pop("CLAIMAUDIT_OFFLINE", None)
        code = (
            "import sys; import claimaudit.fetch._download as d; "
            "d.QUOTA_WINDOW_SECONDS = float(__import__('os').environ['CLAIMAUDIT_BENCH_QUOTA_WINDOW']); "
            "from claimaudit.cli import app; sys.argv = ['claimaudit', 'fetch']; app()"
        )
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT)
        wall = time.perf_counter() - started
    per: dict[str, int] = {}
    for path, _ in server.requests:
        service = "ooni" if path.startswith("/api/") else "tor" if path.startswith("/userstats") else "ioda"
        per[service] = per.get(service, 0) + 1
    summary = [line for line in done.stdout.splitlines() if "sources available" in line or "audit evidence" in line]
    print(f"claimaudit fetch exit {done.returncode}: {'; '.join(summary) or done.stderr.strip()[-300:]}")
    print(f"requests: {sum(per.values())} ({', '.join(f'{k} {v}' for k, v in sorted(per.items()))})")
    print(f"429s served: {server.quota.refused}  (quota {args.quota} per {args.window:g} s, scaled by {args.scale:g})")
    import re

    waited = sum(float(m) for m in re.findall(r"waiting ([0-9.]+) s", done.stderr))
    print(
        f"wall time: {wall:.1f} s, of which {waited:.1f} s waiting for the quota; projected with a real"
        f" {args.window:g}-s window: {wall + waited * (args.scale - 1):.0f} s"
    )
    told = args.quota if args.client_quota is None else args.client_quota
    return 0 if done.returncode == 0 and (server.quota.refused == 0 or told != args.quota) else 1


if __name__ == "__main__":
    raise SystemExit(main())
