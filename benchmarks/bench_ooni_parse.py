"""Speed of ``claimaudit.datasets.ooni_raw.parse`` against a plain ``json.loads`` + dict-walking baseline.

Run: ``CLAIMAUDIT_MIRROR=/work/shared/mirror .venv/bin/python benchmarks/bench_ooni_parse.py``
(options: ``--mb 200`` uncompressed size, ``--repeat 3`` best-of runs, ``--keep DIR``).

It builds, in a temporary directory (never committed), a JSONL.gz of >= ``--mb`` MB by repeating
the genuine OONI measurements used as fixtures by OONI's backend (read from the mirror), then
times, single-process and in one core's worth of CPU:

- ``gzip (stdlib) read``, ``igzip (isal) read``: decompression alone, for reference;
- ``baseline``: stdlib ``gzip`` + ``json.loads`` + dict walking that extracts the same columns
  (base keys, web_connectivity verdict and failures, circumvention success/failure/bootstrap),
  rows collected into a polars frame; once without blockpage fingerprints, once with them
  matched the plain way (a set lookup for ``full``, then ``in`` / ``startswith`` / ``re.search``
  per pattern of the value's location);
- ``claimaudit, no fingerprints`` and ``claimaudit, fingerprints``: :func:`parse` without and
  with OONI's blockpage fingerprints (also from the mirror).

MB are uncompressed input bytes (10^6). "MB/cpu-s" divides by the process CPU time (all
threads), so it is a per-core figure even where polars uses a second thread.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import polars as pl
from isal import igzip

FIXTURES = (
    "raw.githubusercontent.com/ooni/backend/32d8349dc5440e75264c84c0ffe97495c7488e84/fastpath/fastpath/tests/data"
)
FINGERPRINTS = "raw.githubusercontent.com/ooni/blocking-fingerprints/171641e60b54231cad18753a72145da87b0d3e07"
TARGET_SPEEDUP = 3.0
TARGET_MB_PER_CORE = 60.0


def build_input(mirror: Path, out: Path, *, megabytes: int) -> tuple[int, int, int]:
    """Write the repeated fixtures as JSONL.gz; return (measurements, uncompressed bytes, gz bytes)."""
    lines = []
    for path in sorted((mirror / FIXTURES).glob("*.json")):
        try:
            doc = json.loads(path.read_bytes())
        except ValueError:
            continue
        if isinstance(doc, dict) and "test_name" in doc:  # measurements only, not fixture tables
            lines.append(json.dumps(doc, separators=(",", ":")).encode() + b"\n")
    if not lines:
        sys.exit(f"no measurements found under {mirror / FIXTURES}")
    block = b"".join(lines)
    copies = -(-megabytes * 1_000_000 // len(block))
    with gzip.open(out, "wb", compresslevel=6) as fh:  # gzip's default level
        for _ in range(copies):
            fh.write(block)
    return copies * len(lines), copies * len(block), out.stat().st_size


# -- baseline: the obvious way -------------------------------------------------------------------
def _first_failure(entries, get):
    for entry in entries or ():
        failure = get(entry)
        if failure is not None:
            return failure
    return None


def baseline_row(m: dict) -> tuple:
    k = m.get("test_keys") or {}
    name = m.get("test_name")
    blocking = accessible = dns_f = control_f = tcp_f = tls_f = http_f = None
    success = failure = boot = None
    if name == "web_connectivity":
        blocking = k.get("blocking")
        blocking = "none" if blocking is False else blocking
        accessible = k.get("accessible")
        dns_f, control_f, http_f = (
            k.get("dns_experiment_failure"),
            k.get("control_failure"),
            k.get("http_experiment_failure"),
        )
        tcp_f = _first_failure(k.get("tcp_connect"), lambda e: (e.get("status") or {}).get("failure"))
        tls_f = _first_failure(k.get("tls_handshakes"), lambda e: e.get("failure"))
    elif name == "tor":
        keys = ("or_port_accessible", "or_port_dirauth_accessible", "obfs4_accessible")
        if any(k.get(x.replace("accessible", "total")) is not None for x in keys):
            success = sum(k.get(x) or 0 for x in keys) > 0
        else:
            targets = k.get("targets") or {}
            targets = targets.values() if isinstance(targets, dict) else targets
            tried = [t for t in targets if t.get("target_protocol") in ("or_port", "or_port_dirauth", "obfs4")]
            success = any(t.get("failure") is None for t in tried) if tried else None
    elif name in ("vanilla_tor", "torsf", "openvpn", "psiphon"):
        success, failure, boot = k.get("success"), k.get("failure"), k.get("bootstrap_time")
        if success is None:
            success = False if failure is not None else (True if boot else None)
        boot = boot if success else None
    elif name == "riseupvpn":
        failures = list(k.get("api_failures") or []) + ([k["api_failure"]] if k.get("api_failure") else [])
        success = not failures and k.get("ca_cert_status") is not False and k.get("failure") is None
        failure = "; ".join(failures) or k.get("failure")
    given = m.get("input")
    given = json.dumps(given, separators=(",", ":")) if isinstance(given, list) else given
    return (
        m.get("measurement_uid"),
        m.get("report_id"),
        name,
        m.get("test_version"),
        m.get("probe_cc"),
        m.get("probe_asn"),
        m.get("probe_network_name"),
        m.get("measurement_start_time"),
        given,
        m.get("software_name"),
        m.get("software_version"),
        blocking,
        accessible,
        dns_f,
        control_f,
        tcp_f,
        tls_f,
        http_f,
        success,
        failure,
        boot,
    )


def _b64(value: dict) -> str | None:
    try:
        return base64.b64decode(value.get("data") or "").decode("utf-8", "replace")
    except ValueError:
        return None


class NaiveMatcher:
    """Blockpage matching the plain way: per location, try each pattern in turn."""

    def __init__(self, fingerprints: pl.DataFrame) -> None:
        self.full: dict[tuple[str, str], list[str]] = {}
        self.others: dict[str, list[tuple[str, str, object]]] = {}
        for name, location, kind, pattern in fingerprints.select(
            "name", "location_found", "pattern_type", "pattern"
        ).iter_rows():
            if kind == "full":
                self.full.setdefault((location, pattern), []).append(name)
            else:
                compiled = re.compile(pattern) if kind == "regexp" else pattern
                self.others.setdefault(location, []).append((name, kind, compiled))
        self.headers = {
            loc[len("header.") :] for loc in {*self.others, *(k[0] for k in self.full)} if loc.startswith("header.")
        }

    def match(self, m: dict) -> str | None:
        k = m.get("test_keys")
        if not isinstance(k, dict):
            return None
        values = []
        for request in k.get("requests") or ():
            response = (request or {}).get("response") or {}
            body = response.get("body")
            if isinstance(body, dict) and body.get("format") == "base64":
                body = _b64(body)
            if isinstance(body, str):
                values.append(("body", body))
            headers = response.get("headers")
            pairs = response.get("headers_list") or (headers.items() if isinstance(headers, dict) else ())
            for name, value in pairs:
                if isinstance(value, dict) and value.get("format") == "base64":
                    value = _b64(value)
                if name.lower() in self.headers and isinstance(value, str):
                    values.append(("header." + name.lower(), value))
        for query in k.get("queries") or ():
            for answer in (query or {}).get("answers") or ():
                for field in ("ipv4", "ipv6", "hostname"):
                    if answer.get(field):
                        values.append(("dns", answer[field]))
        found = []
        for location, value in values:
            found.extend(self.full.get((location, value), ()))
            for name, kind, pattern in self.others.get(location, ()):
                if (
                    (kind == "contains" and pattern in value)
                    or (kind == "prefix" and value.startswith(pattern))
                    or (kind == "regexp" and pattern.search(value))
                ):
                    found.append(name)
        return ";".join(dict.fromkeys(found)) or None


def baseline(path: Path, naive: NaiveMatcher | None = None) -> pl.DataFrame:
    rows = []
    with gzip.open(path, "rb") as fh:
        for line in fh:
            if line.strip():
                m = json.loads(line)
                row = baseline_row(m)
                rows.append(row + (naive.match(m),) if naive else row)
    columns = [
        "measurement_uid",
        "report_id",
        "test_name",
        "test_version",
        "probe_cc",
        "probe_asn",
        "probe_network_name",
        "measurement_start_time",
        "input",
        "software_name",
        "software_version",
        "blocking",
        "accessible",
        "dns_experiment_failure",
        "control_failure",
        "tcp_connect_failure",
        "tls_handshake_failure",
        "http_experiment_failure",
        "success",
        "failure",
        "bootstrap_time",
    ] + (["fingerprint_name"] if naive else [])
    frame = pl.DataFrame(rows, schema=columns, orient="row", infer_schema_length=None)
    return frame.with_columns(
        pl.col("measurement_start_time").str.strptime(pl.Datetime("us", "UTC"), "%Y-%m-%d %H:%M:%S", strict=False)
    )


def read_all(opener: Callable, path: Path) -> int:
    total = 0
    with opener(path, "rb") as fh:
        while chunk := fh.read(1 << 22):
            total += len(chunk)
    return total


# -- timing ------------------------------------------------------------------------------------------
def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float, object]:
    best_wall, best_cpu, result = float("inf"), float("inf"), None
    for _ in range(repeat):
        wall0, cpu0 = time.perf_counter(), time.process_time()
        result = fn()
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        if wall < best_wall:
            best_wall, best_cpu = wall, cpu
    return best_wall, best_cpu, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200, help="uncompressed size to build (MB)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per variant; the best is kept")
    parser.add_argument("--keep", type=Path, help="build the input in this folder and keep it")
    args = parser.parse_args()

    mirror = os.environ.get("CLAIMAUDIT_MIRROR")
    if not mirror or not Path(mirror).is_dir():
        sys.exit("set CLAIMAUDIT_MIRROR to the mirror folder (e.g. /work/shared/mirror)")
    mirror_path = Path(mirror)

    from claimaudit.datasets.fingerprints import compile_matcher, read_fingerprints
    from claimaudit.datasets.ooni_raw import parse

    fingerprints = read_fingerprints(
        dns=mirror_path / FINGERPRINTS / "fingerprints_dns.csv",
        http=mirror_path / FINGERPRINTS / "fingerprints_http.csv",
    )
    with tempfile.TemporaryDirectory(prefix="bench-ooni-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        data = folder / "bench.jsonl.gz"
        count, raw_bytes, gz_bytes = build_input(mirror_path, data, megabytes=args.mb)
        mb = raw_bytes / 1e6
        print(f"input: {count} measurements, {mb:.1f} MB uncompressed, {gz_bytes / 1e6:.1f} MB gzip ({data})")
        print(
            f"python {sys.version.split()[0]}, polars {pl.__version__}, {os.cpu_count()} CPUs; best of {args.repeat}\n"
        )

        matcher = compile_matcher(fingerprints)
        naive = NaiveMatcher(fingerprints)
        base_nofp, base_fp = "baseline: gzip + json.loads + dicts", "baseline + fingerprints (plain loops)"
        ours_nofp, ours_fp = "claimaudit, no fingerprints", "claimaudit, fingerprints"
        variants: list[tuple[str, Callable[[], object], str | None, int]] = [
            ("gzip (stdlib) read only", lambda: read_all(gzip.open, data), None, args.repeat),
            ("igzip (isal) read only", lambda: read_all(igzip.open, data), None, args.repeat),
            (base_nofp, lambda: baseline(data), None, args.repeat),
            (ours_nofp, lambda: parse(data), base_nofp, args.repeat),
            (base_fp, lambda: baseline(data, naive), None, 1),
            (ours_fp, lambda: parse(data, fingerprints=matcher), base_fp, args.repeat),
        ]
        results = {}
        header = (
            f"{'variant':40} {'wall s':>7} {'cpu s':>7} {'MB/s':>7} {'MB/cpu-s':>9} {'msm/s':>8}"
            f" {'x base (cpu)':>13} {'x base (wall)':>14}"
        )
        print(header)
        print("-" * len(header))
        for name, fn, versus, repeat in variants:
            wall, cpu, result = timed(fn, repeat)
            results[name] = (wall, cpu, result)
            rate = f"{count / cpu:8.0f}" if isinstance(result, pl.DataFrame) else f"{'':>8}"
            ratio_cpu = f"{results[versus][1] / cpu:13.2f}" if versus else f"{'':>13}"
            ratio_wall = f"{results[versus][0] / wall:14.2f}" if versus else f"{'':>14}"
            print(f"{name:40} {wall:7.2f} {cpu:7.2f} {mb / wall:7.1f} {mb / cpu:9.1f} {rate} {ratio_cpu} {ratio_wall}")

        ours, theirs = results[ours_fp][2], results[base_fp][2]
        assert isinstance(ours, pl.DataFrame) and isinstance(theirs, pl.DataFrame)
        same_rows = ours.height == theirs.height == count
        same_matches = ours["fingerprint_name"].is_not_null().sum() == theirs["fingerprint_name"].is_not_null().sum()
        print(
            f"\nrows: baseline {theirs.height}, claimaudit {ours.height} (expected {count}):"
            f" {'ok' if same_rows else 'MISMATCH'}"
        )
        print(
            f"rows with a fingerprint match: baseline {theirs['fingerprint_name'].is_not_null().sum()}, "
            f"claimaudit {ours['fingerprint_name'].is_not_null().sum()}: {'ok' if same_matches else 'MISMATCH'}"
        )
        speed_same_fields = results[base_fp][1] / results[ours_fp][1]
        speed_no_fp = results[base_nofp][1] / results[ours_nofp][1]
        per_core = mb / results[ours_fp][1]
        print(
            "speed-ups use CPU seconds (the machine is shared, wall times are noisy):\n"
            f"  same fields incl. fingerprints: {speed_same_fields:.2f}x (target >= {TARGET_SPEEDUP}x)\n"
            f"  without fingerprints on both sides: {speed_no_fp:.2f}x (target >= {TARGET_SPEEDUP}x)\n"
            f"  claimaudit with fingerprints: {per_core:.1f} MB per CPU-second (target >= {TARGET_MB_PER_CORE})"
        )
        ok = (
            same_rows
            and same_matches
            and speed_same_fields >= TARGET_SPEEDUP
            and speed_no_fp >= TARGET_SPEEDUP
            and per_core >= TARGET_MB_PER_CORE
        )
        print("targets met" if ok else "TARGETS NOT MET")
        return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
