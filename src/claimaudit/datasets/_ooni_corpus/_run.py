"""The corpus job on Dask: one task per ~60 MB batch of objects, one Parquet file per object.

A task (:func:`process_batch`) runs on a worker: for each object of its batch it skips the
object if its Parquet file is already there (resumable), downloads it anonymously with s3fs to a
private temporary folder, parses it with :mod:`claimaudit.datasets.ooni_raw` (bad data becomes
``parse_error`` rows, never an exception), writes the rows to a temporary file in the staging
folder beside the output and renames it into place: a file in the output is always whole. A
download that fails raises, so Dask retries the task (objects already written are skipped on
the retry); a task that still fails is reported by key and the run exits with an error, the
rest complete.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from claimaudit.datasets._ooni_corpus._layout import REGION, ObjectEntry

MANIFEST_SUFFIX = ".manifest.json"


@dataclass
class BatchResult:
    """What one task did; summed on the client for the progress display and the manifest."""

    files: int = 0  # objects parsed and written by this task
    bytes: int = 0  # their compressed size as listed
    measurements: int = 0  # rows without parse_error
    errors: int = 0  # rows with parse_error
    placeholders: int = 0  # OONI's {} lines skipped
    skipped: int = 0  # objects already written (a resumed run)
    keys: list[str] = field(default_factory=list)

    def add(self, other: BatchResult) -> None:
        for name in ("files", "bytes", "measurements", "errors", "placeholders", "skipped"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.keys.extend(other.keys)


def storage_options(endpoint_url: str | None) -> dict:
    """s3fs options for anonymous reads of ``endpoint_url`` (None: AWS, OONI's region)."""
    client: dict = {"region_name": REGION}
    if endpoint_url:
        client["endpoint_url"] = endpoint_url
    return {"anon": True, "client_kwargs": client, "use_listings_cache": False}  # a rerun lists afresh


def filesystem(options: dict):
    """An anonymous s3fs filesystem; s3fs reuses one instance per options in a process (worker),
    so a task does not pay for a new client."""
    import s3fs

    return s3fs.S3FileSystem(**options)


def output_path(out: Path, entry: ObjectEntry) -> Path:
    return out / entry.partition / entry.name


def staging_folder(out: Path) -> Path:
    """Temporary files live beside the output, never in it (``pl.scan_parquet(out)`` reads all)."""
    return out.parent / f".{out.name}.partial"


def manifest_path(out: Path) -> Path:
    return out.parent / (out.name + MANIFEST_SUFFIX)


def process_batch(entries: Sequence[ObjectEntry], out: str, bucket: str, options: dict, matcher) -> BatchResult:
    """One task: fetch, parse and write each object of the batch (runs on a Dask worker)."""
    from claimaudit.datasets import _ooni_raw as ooni_raw

    out_dir = Path(out)
    staging = staging_folder(out_dir)
    staging.mkdir(parents=True, exist_ok=True)
    fs = filesystem(options)
    result = BatchResult()
    for entry in entries:
        final = output_path(out_dir, entry)
        if final.exists():
            result.skipped += 1
            continue
        source = f"s3://{bucket}/{entry.key}"
        tmp = Path(tempfile.mkdtemp(prefix="fetch-", dir=staging))
        try:
            local = tmp / entry.key.rsplit("/", 1)[-1]
            fs.get_file(f"{bucket}/{entry.key}", str(local))  # a failure raises: Dask retries the task
            try:
                frame, placeholders = ooni_raw.parse_file(local, matcher)
            except Exception as exc:  # noqa: BLE001 - a parser bug must not lose the batch
                frame, placeholders = _error_frame(f"could not be parsed ({type(exc).__name__}: {exc})"), 0
            frame = frame.with_columns(file=pl.lit(source, pl.String))
            final.parent.mkdir(parents=True, exist_ok=True)
            part = staging / f"{entry.name}.{uuid.uuid4().hex}.tmp"
            frame.write_parquet(
                part,
                metadata={
                    "claimaudit.source": source,
                    "claimaudit.size": str(entry.size),
                    "claimaudit.placeholders": str(placeholders),
                },
            )
            os.replace(part, final)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        errors = int(frame["parse_error"].is_not_null().sum())
        result.files += 1
        result.bytes += entry.size
        result.errors += errors
        result.measurements += frame.height - errors
        result.placeholders += placeholders
        result.keys.append(entry.key)
    return result


def _error_frame(problem: str) -> pl.DataFrame:
    from claimaudit.datasets import _ooni_raw as ooni_raw

    row = {c: None for c in ooni_raw.SCHEMA}
    row.update(line=1, fingerprint_checked=False, parse_error=problem)
    return pl.DataFrame([row], schema=ooni_raw.SCHEMA)


@dataclass
class Failure:
    keys: list[str]
    error: str


def run(
    batches: list[list[ObjectEntry]],
    out: Path,
    *,
    bucket: str,
    options: dict,
    matcher,
    workers: int = 2,
    scheduler: str | None = None,
    retries: int = 2,
    dashboard: str | None = None,
    on_result: Callable[[BatchResult], None] | None = None,
) -> tuple[BatchResult, list[Failure]]:
    """Run the batches on a LocalCluster of ``workers`` processes, or on ``scheduler``'s cluster."""
    from distributed import Client, LocalCluster, as_completed

    total, failures = BatchResult(), []
    if not batches:
        return total, failures
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        # the scheduler's HTTP server always starts: on a free port of 127.0.0.1 unless asked for
        cluster = LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=dashboard or "127.0.0.1:0",
        )
        client = Client(cluster)
    try:
        shared = client.scatter(matcher, broadcast=True) if matcher is not None else None
        futures = {}
        for batch in batches:
            future = client.submit(process_batch, batch, str(out), bucket, options, shared, retries=retries, pure=False)
            futures[future] = batch
        for future in as_completed(futures):
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001 - any task failure: report it, keep the rest
                failures.append(Failure([e.key for e in futures[future]], f"{type(exc).__name__}: {exc}"))
                continue
            total.add(result)
            if on_result is not None:
                on_result(result)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return total, failures
