"""`claimaudit ooni corpus` against a local model of OONI's bucket (moto on 127.0.0.1), on Dask.

The bucket holds genuine OONI measurements (the backend's fixtures, from the mirror) under
OONI's exact key layout, both eras (tests/support/ooni_bucket.py); every read is anonymous.
One LocalCluster of 2 workers serves the module (``--scheduler``); one test runs the default
LocalCluster in a subprocess and kills it mid-run.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
from typer.testing import CliRunner

from claimaudit.cli import app
from claimaudit.datasets import ooni_corpus, ooni_raw
from conftest import mirror_path
from support.ooni_bucket import BUCKET, LocalBucket, expected_keys, seed_objects

pytestmark = [pytest.mark.mirror, pytest.mark.xdist_group("ooni_corpus")]

ARGS = [
    "--country",
    "IT",
    "--test-name",
    "web_connectivity,tor,torsf",
    "--since",
    "2020-10-19",
    "--until",
    "2020-10-22",
]


@pytest.fixture(scope="module")
def seeded():
    mirror = mirror_path()
    if mirror is None:
        pytest.skip("needs CLAIMAUDIT_MIRROR")
    return seed_objects(mirror)


@pytest.fixture(scope="module")
def bucket(seeded):
    server = LocalBucket(seeded.objects)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def scheduler():
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address="127.0.0.1:0"
    ) as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    """A private cache for the fingerprints (read from the mirror); restored afterwards."""
    saved = {k: os.environ.get(k) for k in ("CLAIMAUDIT_CACHE", "CLAIMAUDIT_OONI_S3", "DASK_SCHEDULER_ADDRESS")}
    os.environ["CLAIMAUDIT_CACHE"] = str(tmp_path_factory.mktemp("cache"))
    for key in ("CLAIMAUDIT_OONI_S3", "DASK_SCHEDULER_ADDRESS"):
        os.environ.pop(key, None)
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def corpus(out: Path, bucket: LocalBucket, *extra: str):
    result = CliRunner().invoke(
        app, ["ooni", "corpus", *ARGS, "--out", str(out), "--endpoint-url", bucket.url, "--offline", *extra]
    )
    return result


@pytest.fixture(scope="module")
def built(tmp_path_factory, bucket, scheduler, env):
    out = tmp_path_factory.mktemp("corpus") / "it"
    result = corpus(out, bucket, "--scheduler", scheduler, "--batch-mb", "0.002")
    assert result.exit_code == 0, result.output
    return out, result.output


def read_dataset(out: Path) -> pl.DataFrame:
    frame = pl.scan_parquet(out).collect()
    return frame.with_columns(key=pl.col("file").str.strip_prefix(f"s3://{BUCKET}/")).sort("key", "line")


def test_dry_run_counts_what_it_would_read_and_downloads_nothing(tmp_path, bucket, seeded, env):
    out = tmp_path / "dry"
    result = corpus(out, bucket, "--dry-run")
    assert result.exit_code == 0, result.output
    keys = expected_keys(seeded)
    size = sum(len(seeded.objects[k]) for k in keys)
    assert f"{len(keys)} files, {size / 1000:.1f} KB ({size:,} bytes) listed in s3://{BUCKET} for IT" in result.output
    assert f"to read: {len(keys)} files" in result.output
    assert not out.exists()
    entries = ooni_corpus.plan("IT", "web_connectivity,tor,torsf", "2020-10-19", "2020-10-22", endpoint=bucket.url)
    assert [e.key for e in entries] == keys
    assert {e.key: e.size for e in entries} == {k: len(seeded.objects[k]) for k in keys}
    # jsonl twins instead of postcans: same count, other keys
    jsonl = ooni_corpus.plan(
        "IT", ["web_connectivity", "tor", "torsf"], "2020-10-19", "2020-10-22", endpoint=bucket.url, prefer="jsonl"
    )
    assert len(jsonl) == len(keys) and all(not e.key.endswith(".tar.gz") for e in jsonl)


def test_corpus_equals_ooni_parse_of_the_same_files_row_for_row(built, seeded, tmp_path):
    out, output = built
    frame = read_dataset(out)
    keys = expected_keys(seeded)
    assert frame["key"].unique().sort().to_list() == keys
    # the same objects, parsed by `claimaudit ooni parse`
    local = []
    for key in keys:
        path = tmp_path / "objects" / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(seeded.objects[key])
        local.append(str(path))
    result = CliRunner().invoke(app, ["ooni", "parse", *local, "--out", str(tmp_path / "parsed.parquet"), "--offline"])
    assert result.exit_code == 0, result.output
    parsed = (
        pl.read_parquet(tmp_path / "parsed.parquet")
        .with_columns(key=pl.col("file").str.strip_prefix(str(tmp_path / "objects") + "/"))
        .sort("key", "line")
    )
    columns = [c for c in ooni_raw.SCHEMA if c != "file"] + ["key"]
    assert frame.select(columns).equals(parsed.select(columns))
    assert frame.height == parsed.height > 10
    assert frame["fingerprint_checked"].any()
    # partitions: bucket day, country and test from the folders
    assert set(frame["country"].unique()) == {"IT"}
    assert set(frame["test"].unique()) == {"web_connectivity", "tor", "torsf"}
    assert frame.filter(pl.col("key").str.starts_with("jsonl/"))["date"].unique().to_list() == [
        __import__("datetime").date(2020, 10, 19)
    ]
    assert "wrote" in output and "placeholders" in output


def test_postcan_rows_carry_member_uids_and_the_unreadable_submission(built):
    frame = read_dataset(built[0])
    web = frame.filter(pl.col("key").str.ends_with("2020102009_IT_webconnectivity.n1.0.tar.gz"))
    assert web.height == 2
    bad = web.filter(pl.col("parse_error").is_not_null())
    assert bad.height == 1 and bad["measurement_uid"][0].endswith(bad["measurement_uid"][0][-16:])
    raw_era = frame.filter(pl.col("key").str.ends_with(".tar.gz") & pl.col("parse_error").is_null())
    assert raw_era["measurement_id"].null_count() == 0
    assert (raw_era["measurement_id"] == raw_era["measurement_uid"]).all()
    old = frame.filter(pl.col("key").str.starts_with("jsonl/"))
    assert old["measurement_id"].n_unique() <= old.height and old["measurement_id"].null_count() == 0


def test_corrupt_object_gives_parse_error_rows_and_the_rest_is_complete(built, seeded):
    frame = read_dataset(built[0])
    cut = frame.filter(pl.col("key") == "raw/20201021/15/IT/tor/2020102115_IT_tor.n1.0.jsonl.gz")
    assert cut["parse_error"][-1].startswith("gzip stream unreadable")
    assert cut.filter(pl.col("parse_error").is_null()).height >= 1
    others = frame.filter(pl.col("key") != cut["key"][0])
    assert others["key"].n_unique() == len(expected_keys(seeded)) - 1


def test_rerun_skips_written_files(built, bucket, scheduler):
    out, _ = built
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.parquet")}
    result = corpus(out, bucket, "--scheduler", scheduler)
    assert result.exit_code == 0, result.output
    assert "already written" in result.output and "wrote 0 files" in result.output
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.parquet")} == before


def test_killed_run_resumed_gives_the_same_dataset(built, bucket, tmp_path, env):
    out = tmp_path / "killed"
    command = [
        sys.executable,
        "-m",
        "claimaudit",
        "ooni",
        "corpus",
        *ARGS,
        "--out",
        str(out),
        "--endpoint-url",
        bucket.url,
        "--offline",
        "--workers",
        "1",
        "--batch-mb",
        "0.000001",
    ]
    proc = subprocess.Popen(command, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None and not any(out.rglob("*.parquet")):
        time.sleep(0.05)
    killed = proc.poll() is None
    if killed:
        os.killpg(proc.pid, signal.SIGKILL)  # the client, its LocalCluster and workers, at once
    proc.wait()
    written = len(list(out.rglob("*.parquet")))
    assert written >= 1, proc.stdout.read().decode()
    if killed:
        assert written < read_dataset(built[0])["key"].n_unique()  # the rerun has work left
    (out.parent / f".{out.name}.partial").mkdir(exist_ok=True)
    (out.parent / f".{out.name}.partial" / "stale.parquet.0.tmp").write_bytes(b"half a file")
    resumed = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert read_dataset(out).drop("file").equals(read_dataset(built[0]).drop("file"))


def test_missing_object_fails_its_task_reports_keys_and_the_rest_completes(bucket, seeded, scheduler, tmp_path, env):
    out = tmp_path / "partial"
    entries = ooni_corpus.plan("IT", "web_connectivity,tor,torsf", "2020-10-19", "2020-10-22", endpoint=bucket.url)
    victim = "raw/20201020/09/IT/tor/2020102009_IT_tor.n1.0.tar.gz"
    bucket.client.delete_object(Bucket=BUCKET, Key=victim)
    try:
        totals, failures = ooni_corpus.build(
            entries, out, endpoint=bucket.url, scheduler=scheduler, batch_bytes=1, retries=1
        )
    finally:
        bucket.put(victim, seeded.objects[victim])
    assert [f.keys for f in failures] == [[victim]]
    assert totals.files == len(entries) - 1
    manifest = __import__("json").loads((out.parent / "partial.manifest.json").read_text())
    assert manifest["state"] == "failed" and manifest["failed_keys"] == [victim]
    totals, failures = ooni_corpus.build(entries, out, endpoint=bucket.url, scheduler=scheduler)
    assert not failures and totals.files == 1 and totals.skipped == len(entries) - 1


def test_summarize_counts(built, tmp_path):
    out, _ = built
    result = CliRunner().invoke(app, ["ooni", "summarize", str(out), "--out", str(tmp_path / "s.csv")])
    assert result.exit_code == 0, result.output
    summary = ooni_corpus.summarize(out)
    rows = read_dataset(out)
    ok = rows.filter(pl.col("parse_error").is_null())
    assert summary["n"].sum() == ok.height
    assert summary["parse_errors"].sum() == rows.filter(pl.col("parse_error").is_not_null()).height
    tor = summary.filter(pl.col("tool") == "torsf")
    assert tor["domain"].null_count() == tor.height
    assert tor["anomalies"].sum() == ok.filter((pl.col("test_name") == "torsf") & (pl.col("success") == False)).height  # noqa: E712
    web = summary.filter(pl.col("test_name") == "web_connectivity")
    assert web["domain"].null_count() == 0 and web["tool"].null_count() == web.height
