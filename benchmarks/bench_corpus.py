"""Speed of ``claimaudit ooni corpus`` on one input, three ways, cold and warm; and a sizing model.

Run: ``CLAIMAUDIT_MIRROR=/work/shared/mirror .venv/bin/python benchmarks/bench_corpus.py``
(options: ``--mb 120`` uncompressed input, ``--files 24``, ``--s3-mbps 40`` the stated per-worker
S3 read throughput used by the model, ``--skip-run`` for the model alone).

The input: ``--files`` postcans (``.tar.gz`` of ``<uid>.post`` members, as OONI's uploader writes
them) of the OONI backend's genuine test measurements, repeated to ``--mb`` MB uncompressed, in
OONI's key layout in a local S3 (moto's server on 127.0.0.1, anonymous reads), so every variant
lists, downloads (s3fs), parses with fingerprints and writes Parquet exactly as the command does:

- ``single process``: :func:`process_batch` over all objects in this process;
- ``-j 2``: the batches on a ``ProcessPoolExecutor`` of 2 (spawned) processes;
- ``LocalCluster(2)``: :func:`claimaudit.datasets._ooni_corpus._run.run` on a Dask LocalCluster of 2 workers.

*Cold* includes starting the processes / cluster (and, for the single process, compiling the
fingerprints); *warm* runs the same job again on the started workers (output emptied first).
MB are uncompressed bytes (10^6) over wall time. The machine is shared: read wall times as
upper bounds; the model uses the measured per-core parse rate.

The model: files, bytes and hours for Pakistan 2024 (all tests) and for 20 countries x 5 years,
from OONI's own published sizes (the figures in docs/corpus.md), at the measured parse rate and
the stated S3 throughput per worker, for several cluster sizes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

FIXTURES = (
    "raw.githubusercontent.com/ooni/backend/32d8349dc5440e75264c84c0ffe97495c7488e84/fastpath/fastpath/tests/data"
)
FINGERPRINTS = "raw.githubusercontent.com/ooni/blocking-fingerprints/171641e60b54231cad18753a72145da87b0d3e07"

# Sizes OONI published or that follow from them (see docs/corpus.md, "Sizing"):
# the Russia tutorial read 14,234 files = 38 GB (compressed) = 3.15 M measurements.
TUTORIAL_FILES, TUTORIAL_BYTES, TUTORIAL_MEASUREMENTS = 14_234, 38e9, 3.15e6
JOBS = {  # name: (compressed bytes low, high, days, countries)
    "Pakistan 2024, all tests": (7e9, 18e9, 366, 1),
    "20 countries x 5 years": (5e12, 10e12, 5 * 365, 20),
}


def build(mirror: Path, megabytes: int, files: int) -> tuple[dict[str, bytes], int, int]:
    from support.ooni_bucket import post, synthetic_uid, uploader_files

    measurements = []
    for path in sorted((mirror / FIXTURES).glob("*.json")):
        try:
            doc = json.loads(path.read_bytes())
        except ValueError:
            continue
        if isinstance(doc, dict) and "test_name" in doc:
            measurements.append(doc)
    block = sum(len(json.dumps(m)) + 1 for m in measurements)
    per_file = max(1, -(-megabytes * 1_000_000 // block // files))
    objects: dict[str, bytes] = {}
    count = raw = 0
    for i in range(files):
        hour = f"20240301{i % 24:02d}"
        posts = [post(m) for m in measurements] * per_file
        uids = [synthetic_uid(hour, "PK", "webconnectivity", j) + f"{i:04d}" for j in range(len(posts))]
        made = uploader_files(hour, "PK", "webconnectivity", i // 24, posts, uids)
        objects.update({k: v for k, v in made.items() if k.endswith(".tar.gz")})
        count += len(posts)
        raw += sum(len(json.dumps(m)) + 1 for m in measurements) * per_file
    return objects, count, raw


def run_single(entries, out, bucket, options, matcher):
    from claimaudit.datasets._ooni_corpus._run import process_batch

    return process_batch(entries, str(out), bucket, options, matcher)


def timed(fn):
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def reset(out: Path) -> None:
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=120, help="uncompressed input (MB)")
    parser.add_argument("--files", type=int, default=24, help="postcans to split it into")
    parser.add_argument(
        "--s3-mbps",
        type=float,
        default=40.0,
        help="assumed S3 read throughput per worker, compressed MB/s (a stated assumption)",
    )
    parser.add_argument("--skip-run", action="store_true", help="print the model from --core-mbps only")
    parser.add_argument("--core-mbps", type=float, default=None, help="parse rate per core for --skip-run")
    args = parser.parse_args()
    mirror = os.environ.get("CLAIMAUDIT_MIRROR")
    if not mirror or not Path(mirror).is_dir():
        sys.exit("set CLAIMAUDIT_MIRROR to the mirror folder (e.g. /work/shared/mirror)")
    core_mbps, ratio = args.core_mbps, None
    if not args.skip_run:
        core_mbps, ratio = measure(Path(mirror), args)
    model(core_mbps or 150.0, ratio or 3.5, args.s3_mbps)
    return 0


def measure(mirror: Path, args) -> tuple[float, float]:
    from distributed import LocalCluster

    from claimaudit.datasets import ooni_corpus
    from claimaudit.datasets._ooni_corpus._layout import batches
    from claimaudit.datasets._ooni_corpus._run import process_batch, run, storage_options
    from claimaudit.datasets.fingerprints import compile_matcher, read_fingerprints
    from support.ooni_bucket import BUCKET, LocalBucket

    objects, count, raw = build(mirror, args.mb, args.files)
    gz = sum(len(v) for v in objects.values())
    bucket = LocalBucket(objects, process=True)  # its CPU is not the client's
    mb = raw / 1e6
    print(
        f"input: {len(objects)} postcans, {count} measurements, {mb:.1f} MB uncompressed, {gz / 1e6:.1f} MB"
        f" compressed (ratio {raw / gz:.2f}); local S3 {bucket.url}"
    )
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs (shared machine)\n")
    table = read_fingerprints(
        dns=mirror / FINGERPRINTS / "fingerprints_dns.csv", http=mirror / FINGERPRINTS / "fingerprints_http.csv"
    )
    entries = ooni_corpus.plan("PK", ["web_connectivity"], "2024-03-01", "2024-03-02", endpoint=bucket.url)
    assert len(entries) == len(objects), (len(entries), len(objects))
    options = storage_options(bucket.url)
    groups = batches(entries, max(1, gz // 8))  # 8 tasks: enough to keep 2 workers busy
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-corpus-") as tmp:
        out = Path(tmp) / "out"

        def single(cold: bool):
            matcher = compile_matcher(table)  # cold and warm alike: compiling is part of a run
            return run_single(entries, out, BUCKET, options, matcher)

        for label in ("cold", "warm"):
            reset(out)
            wall, cpu, result = timed(lambda label=label: single(label == "cold"))
            rows.append(("single process", label, wall, cpu, result.measurements + result.errors))
        matcher = compile_matcher(table)
        import multiprocessing

        pool = None
        for label in ("cold", "warm"):
            reset(out)

            def jobs():
                nonlocal pool
                if pool is None:
                    pool = ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn"))
                done = list(
                    pool.map(
                        process_batch,
                        groups,
                        [str(out)] * len(groups),
                        [BUCKET] * len(groups),
                        [options] * len(groups),
                        [matcher] * len(groups),
                    )
                )
                return sum(r.measurements + r.errors for r in done)

            wall, cpu, n = timed(jobs)
            rows.append(("-j 2 (process pool)", label, wall, cpu, n))
        pool.shutdown()
        cluster = None
        for label in ("cold", "warm"):
            reset(out)

            def dask():
                nonlocal cluster
                if cluster is None:
                    cluster = LocalCluster(
                        n_workers=2,
                        threads_per_worker=1,
                        processes=True,
                        host="127.0.0.1",
                        dashboard_address="127.0.0.1:0",
                    )
                total, failures = run(
                    groups, out, bucket=BUCKET, options=options, matcher=matcher, scheduler=cluster.scheduler_address
                )
                assert not failures, failures
                return total.measurements + total.errors

            wall, cpu, n = timed(dask)
            rows.append(("LocalCluster(2)", label, wall, cpu, n))
        cluster.close()
    bucket.stop()
    print(f"{'variant':22} {'run':5} {'wall s':>7} {'MB/s':>7} {'msm/s':>8} {'client cpu s':>13}")
    for name, label, wall, cpu, n in rows:
        assert n == count, (name, n, count)
        print(f"{name:22} {label:5} {wall:7.2f} {mb / wall:7.1f} {n / wall:8.0f} {cpu:13.2f}")
    single_warm = [r for r in rows if r[0] == "single process" and r[1] == "warm"][0]
    core = mb / single_warm[3]  # one process: its CPU seconds are the work of one core
    print(
        f"\nper core (single process, warm, CPU time incl. download, parse, fingerprints, Parquet):"
        f" {core:.1f} MB/s uncompressed, {count / single_warm[3]:.0f} measurements/s"
    )
    return core, raw / gz


def model(core_mbps: float, ratio: float, s3_mbps: float) -> None:
    per_file = TUTORIAL_BYTES / TUTORIAL_FILES
    per_measurement = TUTORIAL_BYTES / TUTORIAL_MEASUREMENTS
    worker_mbps = min(s3_mbps, core_mbps / ratio)  # compressed MB/s one worker can take in
    bound = "S3" if s3_mbps < core_mbps / ratio else "parsing"
    print(
        f"\nsizing model: {per_file / 1e6:.2f} MB per file and {per_measurement / 1e3:.1f} kB per measurement"
        f" (compressed; OONI's Russia tutorial: {TUTORIAL_FILES:,} files = 38 GB = 3.15 M measurements);"
        f"\n  per worker: S3 {s3_mbps:.0f} MB/s (assumed), parsing {core_mbps:.0f} MB/s raw = "
        f"{core_mbps / ratio:.0f} MB/s compressed at ratio {ratio:.2f} (measured) -> {worker_mbps:.0f} MB/s,"
        f" {bound}-bound; listing: 24 requests per day and country"
    )
    print(
        f"{'job':26} {'files':>16} {'compressed':>14} {'measurements':>18} "
        + " ".join(f"{f'{w} workers, h':>15}" for w in (1, 8, 32, 128))
    )
    for job, (low, high, days, countries) in JOBS.items():
        hours = []
        for workers in (1, 8, 32, 128):
            lo, hi = (b / (worker_mbps * 1e6 * workers) / 3600 for b in (low, high))
            hours.append(f"{lo:6.1f}-{hi:6.1f}")
        print(
            f"{job:26} {low / per_file:7,.0f}-{high / per_file:7,.0f} {low / 1e9:5,.0f}-{high / 1e9:6,.0f} GB"
            f" {low / per_measurement / 1e6:7.1f}-{high / per_measurement / 1e6:7.1f} M "
            + " ".join(f"{h:>15}" for h in hours)
            + f"   ({24 * days * countries:,} listings)"
        )


if __name__ == "__main__":
    raise SystemExit(main())
