"""How long `make run` takes end to end, against executing the same notebooks one after another
with plain papermill.

    CLAIMAUDIT_MIRROR=/path/to/mirror .venv/bin/python benchmarks/bench_run.py [--repeat 1] [--json out.json]

Run with .venv already set up (so `make run` does not install anything) on an otherwise quiet
machine. Target: `make run` <= 60 s on 2 cores. Outputs go to a temporary folder, with a fresh
cache that the first `make run` fills from the mirror, as a new checkout would.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 60.0


def time_make_run(env: dict[str, str], *, direct: bool) -> float:
    command = [str(ROOT / ".venv" / "bin" / "claimaudit"), "run"] if direct else ["make", "run"]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"`make run` failed (exit {done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return elapsed


def time_plain_papermill(env: dict[str, str], out: Path) -> float:
    """Every notebook, sequentially, with papermill only (no fetch/check/audit, no HTML, no PDF)."""
    sys.path.insert(0, str(ROOT / "src"))
    import papermill

    from claimaudit.pipeline import default_parameters, discover_notebooks

    saved = dict(os.environ)
    os.environ.update(env)
    try:
        started = time.perf_counter()
        for notebook in discover_notebooks(ROOT / "notebooks"):
            papermill.execute_notebook(
                str(notebook),
                str(out / notebook.name),
                parameters=default_parameters(),
                kernel_name="python3",
                progress_bar=False,
                cwd=str(notebook.parent),
            )
        return time.perf_counter() - started
    finally:
        os.environ.clear()
        os.environ.update(saved)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="measure each side this many times (median reported)")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    parser.add_argument(
        "--direct",
        action="store_true",
        help="time `.venv/bin/claimaudit run` (what `make run` calls) instead of make itself",
    )
    args = parser.parse_args()
    if not args.direct and not (ROOT / ".venv" / ".installed").is_file():
        sys.exit("set up .venv first (`make run` once, or use --direct): this benchmark must not time the installation")
    if not os.environ.get("CLAIMAUDIT_MIRROR"):
        print("warning: CLAIMAUDIT_MIRROR is not set; third-party sections will say 'not available'", file=sys.stderr)

    make_times, papermill_times = [], []
    with tempfile.TemporaryDirectory(prefix="claimaudit-bench-") as tmp:
        tmp_path = Path(tmp)
        env = {
            **os.environ,
            "CLAIMAUDIT_CACHE": str(tmp_path / "cache"),
            "CLAIMAUDIT_REPORTS": str(tmp_path / "reports"),
        }
        for i in range(args.repeat):
            make_times.append(time_make_run(env, direct=args.direct))
            out = tmp_path / f"papermill-{i}"
            out.mkdir()
            papermill_times.append(time_plain_papermill(env, out))

    make_run = statistics.median(make_times)
    plain = statistics.median(papermill_times)
    result = {
        "make_run_seconds": round(make_run, 2),
        "plain_papermill_sequential_seconds": round(plain, 2),
        "ratio_make_run_to_plain_papermill": round(make_run / plain, 3),
        "target_seconds": TARGET_SECONDS,
        "within_target": make_run <= TARGET_SECONDS,
        "cores": os.cpu_count(),
        "repeat": args.repeat,
    }
    print(
        f"make run (fetch, check, audit, notebooks in parallel, HTML, PDF, index): {make_run:6.1f} s"
        f"  [target <= {TARGET_SECONDS:.0f} s: {'met' if result['within_target'] else 'MISSED'}]"
    )
    print(f"plain papermill, notebooks one after another (execution only):      {plain:6.1f} s")
    print(f"ratio make run / plain papermill:                                     {make_run / plain:6.2f}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
