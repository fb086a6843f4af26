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

``--mirror-fill [--runs 5]`` measures instead the fetch step of ``claimaudit run`` (offline):
the fetch plan (pinned sets + the audit's evidence windows + the notebooks' windows) and
``fetch_all`` filling a fresh temporary cache from ``CLAIMAUDIT_MIRROR``, in a fresh process per
run, printing wall and CPU seconds of each part and the 1-minute load.

Where the fetch step's time went (issue 8, session 4): the lead measured 10.4 s inside
``make run`` (quiet machine, but with the two warm kernels importing on both cores at the same
time). In a process of its own (load 5-10): start-up 0.3 s CPU; the plan 2.1 s CPU (importing the
audit ~0.7 s, and a full audit pass with a recording provider ~1.5 s, of which ~0.4 s was
rebuilding the i18n locale path for each of ~5000 formatted slots, and ~30 % rendering every
verdict's working text for the final sort); ``fetch_all`` 0.15 s CPU but 1.5 s wall: 16 pinned
files copied one after another, each fsynced, and the whole manifest rewritten and fsynced after
each (32 fsyncs, 15-70 ms each on this disk), plus every copy read twice (copy, then hash).
Now: copies are hashed as they are copied, manifest entries of mirror copies are written once
per fetch session, and the pinned files are copied by 4 threads; ``fetch_all`` on a fresh cache
took 0.33-0.74 s wall at load 10-16 (was 0.57-1.5 s at load 7-11); ``audit.evidence_requests``
no longer sorts its verdicts and the i18n locale path is cached, so the plan took 1.5-1.6 s CPU at
load 16 (was 2.2-2.4 s at load 11) and the whole step (fresh process) 2.25 s CPU (was 3.1-3.3 s).
What is left is mostly the plan's audit pass, outside the fetch layer.
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


MIRROR_FILL = """
import json, resource, sys, time
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
t0, c0 = time.perf_counter(), cpu()
from claimaudit.pipeline._notebooks import default_parameters
from claimaudit.pipeline._plan import fetch_all, fetch_plan
t1, c1 = time.perf_counter(), cpu()
plan = fetch_plan(default_parameters())
t2, c2 = time.perf_counter(), cpu()
outcomes = fetch_all(offline=True, windows=plan.windows, pinned=plan.pinned)
t3, c3 = time.perf_counter(), cpu()
origins = {}
for o in outcomes:
    origins[str(o.origin)] = origins.get(str(o.origin), 0) + 1
print(json.dumps({"import": [t1 - t0, c1 - c0], "plan": [t2 - t1, c2 - c1], "fetch_all": [t3 - t2, c3 - c2],
                  "origins": origins}))
"""


def mirror_fill(runs: int) -> int:
    """Time the fetch step of ``claimaudit run`` filling a fresh cache from the mirror."""
    if not os.environ.get("CLAIMAUDIT_MIRROR"):
        sys.exit("set CLAIMAUDIT_MIRROR: this mode copies the pinned sets from the mirror")
    import json
    import resource

    for index in range(runs):
        with tempfile.TemporaryDirectory(prefix="bench-fetch-") as tmp:
            env = dict(os.environ, CLAIMAUDIT_CACHE=str(Path(tmp) / "cache"), CLAIMAUDIT_OFFLINE="1")
            load = os.getloadavg()[0]
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            done = subprocess.run([sys.executable, "-c", MIRROR_FILL], env=env, capture_output=True, text=True)
            wall = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if done.returncode != 0:
                print(done.stderr[-2000:], file=sys.stderr)
                return 1
            parts = json.loads(done.stdout.strip().splitlines()[-1])
            cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
            print(
                f"  run {index + 1}: {wall:.2f} s wall, {cpu:.2f} s CPU (load {load:.1f}); "
                + ", ".join(f"{k} {v[0]:.2f} s / {v[1]:.2f} s CPU" for k, v in parts.items() if k != "origins")
                + f"; outcomes by origin {parts['origins']}"
            )
    return 0


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
    parser.add_argument("--mirror-fill", action="store_true", help="time the run's offline fetch step instead")
    parser.add_argument("--runs", type=int, default=3, help="with --mirror-fill: fresh caches to fill")
    args = parser.parse_args(argv)
    if args.mirror_fill:
        return mirror_fill(args.runs)
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
