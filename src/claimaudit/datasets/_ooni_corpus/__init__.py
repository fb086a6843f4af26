"""OONI's raw corpus at any scale: list the bucket, parse every file on Dask, write Parquet.

:func:`plan` lists OONI's public bucket (``s3://ooni-data-eu-fra``, anonymous) for one country,
some tests and a window of days, in both eras' layouts (see :mod:`claimaudit.datasets._ooni_corpus._layout`);
:func:`build` parses every listed object with :mod:`claimaudit.datasets.ooni_raw` and OONI's blockpage
fingerprints on a Dask cluster and writes one Parquet file per object::

    DIR/date=YYYY-MM-DD/country=CC/test=<test_name>/<object name>.parquet

``pl.scan_parquet(DIR)`` reads the whole dataset lazily, with ``date`` (the bucket day: when OONI
received the measurements), ``country`` and ``test`` from the folder names; the rows are those of
:data:`claimaudit.datasets.ooni_raw.SCHEMA`, with ``file`` the object's ``s3://`` URL. Beside ``DIR``,
``DIR.manifest.json`` records what was asked for and listed, and ``.DIR.partial/`` holds
temporary files while a run is going (a file in ``DIR`` is always whole). A rerun skips the
objects already written, so a killed run resumes where it stopped.

The store: ``bucket`` (default ``ooni-data-eu-fra``) at ``endpoint_url`` (default AWS, or
``CLAIMAUDIT_OONI_S3``), read anonymously. The cluster: a ``LocalCluster`` of ``workers``
processes, or an existing one at ``scheduler`` (``DASK_SCHEDULER_ADDRESS``); see
``docs/corpus.md``.

>>> entries = plan("PK", ["web_connectivity"], "2024-03-01", "2024-03-02")  # doctest: +SKIP
>>> len(entries), sum(e.size for e in entries)                               # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from claimaudit import config
from claimaudit._io import write_text_atomic
from claimaudit.datasets._ooni_corpus import _layout as layout
from claimaudit.datasets._ooni_corpus._layout import BUCKET, ObjectEntry, batches
from claimaudit.datasets._ooni_corpus._run import (
    BatchResult,
    Failure,
    filesystem,
    manifest_path,
    output_path,
    storage_options,
)
from claimaudit.datasets._ooni_corpus._run import run as _run
from claimaudit.datasets._ooni_corpus._summary import SUMMARY_SCHEMA, scan, summarize, summarize_frame
from claimaudit.errors import DataError

__all__ = [
    "BUCKET",
    "BatchResult",
    "Failure",
    "ObjectEntry",
    "SUMMARY_SCHEMA",
    "build",
    "corpus_folder",
    "endpoint_url",
    "pending",
    "plan",
    "scan",
    "scheduler_address",
    "summarize",
    "summarize_frame",
]

ENDPOINT_ENV = "CLAIMAUDIT_OONI_S3"
SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"
CORPUS_ENV = "CLAIMAUDIT_OONI_CORPUS"


def corpus_folder() -> Path | None:
    """The corpus the audit reads (``CLAIMAUDIT_OONI_CORPUS``: a folder ``ooni corpus`` wrote), or None."""
    value = config.get(CORPUS_ENV)
    return Path(value) if value else None


def endpoint_url(value: str | None = None) -> str | None:
    """The S3 endpoint: ``value``, else ``CLAIMAUDIT_OONI_S3``, else None (AWS)."""
    return value or config.get(ENDPOINT_ENV) or None


def scheduler_address(value: str | None = None) -> str | None:
    """An existing Dask scheduler: ``value``, else ``DASK_SCHEDULER_ADDRESS``, else None (local)."""
    return value or os.environ.get(SCHEDULER_ENV) or None


def _date(value: str | dt.date, what: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise DataError(f"{what} must be a day YYYY-MM-DD, got {value!r}", hint=f"e.g. --{what} 2024-01-01") from None


def _tests(test_names: str | Iterable[str]) -> list[str]:
    names = test_names.split(",") if isinstance(test_names, str) else list(test_names)
    names = [n.strip() for n in names if n.strip()]
    if not names:
        raise DataError("no test name given", hint="e.g. --test-name web_connectivity,tor,psiphon")
    return names


def plan(
    country: str,
    test_names: str | Iterable[str],
    since: str | dt.date,
    until: str | dt.date,
    *,
    bucket: str = BUCKET,
    endpoint: str | None = None,
    prefer: str = "postcan",
) -> list[ObjectEntry]:
    """Every object holding ``country``'s measurements of ``test_names``, days ``since``..``until`` (exclusive)."""
    start, end = _date(since, "since"), _date(until, "until")
    if end <= start:
        raise DataError(
            f"until ({end}) must be after since ({start})", hint="until is exclusive: the day after the last"
        )
    if len(country) != 2 or not country.isalpha():
        raise DataError(f"country must be a two-letter code, got {country!r}", hint="e.g. --country PK")
    fs = filesystem(storage_options(endpoint_url(endpoint)))
    return layout.list_objects(fs, bucket, country, _tests(test_names), start, end, prefer=prefer)


def pending(entries: Iterable[ObjectEntry], out: str | Path) -> list[ObjectEntry]:
    """The entries whose Parquet file is not written yet."""
    out = Path(out)
    return [e for e in entries if not output_path(out, e).exists()]


def build(
    entries: list[ObjectEntry],
    out: str | Path,
    *,
    request: dict | None = None,
    bucket: str = BUCKET,
    endpoint: str | None = None,
    fingerprints=None,
    workers: int = 2,
    scheduler: str | None = None,
    batch_bytes: int = 60_000_000,
    retries: int = 2,
    dashboard: str | None = None,
    on_result: Callable[[BatchResult], None] | None = None,
) -> tuple[BatchResult, list[Failure]]:
    """Parse and write every entry not yet written; returns the totals and the failed tasks.

    ``fingerprints``: a table or compiled matcher (:mod:`claimaudit.datasets.fingerprints`), or None.
    ``request`` (what was asked for) is recorded in the manifest beside ``out``.
    """
    from claimaudit.datasets._ooni_raw import _matcher

    out = Path(out).resolve()
    if out.exists() and not out.is_dir():
        raise DataError("the output exists and is not a folder", file=out, hint="give a folder for --out")
    out.mkdir(parents=True, exist_ok=True)
    todo = pending(entries, out)
    _write_manifest(out, entries, request, bucket, endpoint, state="running")
    totals, failures = _run(
        batches(todo, batch_bytes),
        out,
        bucket=bucket,
        options=storage_options(endpoint_url(endpoint)),
        matcher=_matcher(fingerprints),
        workers=workers,
        scheduler=scheduler_address(scheduler),
        retries=retries,
        dashboard=dashboard,
        on_result=on_result,
    )
    totals.skipped += len(entries) - len(todo)
    _write_manifest(
        out, entries, request, bucket, endpoint, state="failed" if failures else "complete", failures=failures
    )
    return totals, failures


def _write_manifest(
    out: Path,
    entries: list[ObjectEntry],
    request: dict | None,
    bucket: str,
    endpoint: str | None,
    *,
    state: str,
    failures: list[Failure] = (),
) -> None:
    from claimaudit import __version__

    doc = {
        "claimaudit_version": __version__,
        "state": state,
        "bucket": bucket,
        "endpoint_url": endpoint_url(endpoint),
        "request": request or {},
        "listed": {"files": len(entries), "bytes": sum(e.size for e in entries)},
        "failed_keys": sorted(k for f in failures for k in f.keys),
        "objects": [{"key": e.key, "size": e.size, "partition": e.partition} for e in entries],
    }
    write_text_atomic(manifest_path(out), json.dumps(doc, indent=1) + "\n")
