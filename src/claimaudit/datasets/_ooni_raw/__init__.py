"""Raw OONI measurements (as in OONI's public S3 bucket) -> one typed row per measurement.

>>> import json, tempfile, pathlib
>>> synthetic = {"report_id": "r1", "test_name": "vanilla_tor", "test_version": "0.2.0",
...     "probe_cc": "PK", "probe_asn": "AS0", "measurement_start_time": "2024-11-15 10:00:00",
...     "test_keys": {"success": True, "failure": None, "bootstrap_time": 12.5}}
>>> path = pathlib.Path(tempfile.mkdtemp()) / "synthetic.jsonl"
>>> _ = path.write_text(json.dumps(synthetic) + "\\n")
>>> parse([path]).select("test_name", "success", "bootstrap_time", "parse_error").row(0)
('vanilla_tor', True, 12.5, None)

Input: JSONL (``.jsonl``), JSONL.gz, or JSON holding one measurement or a list of them (gzip is
detected by its magic bytes). Bad input never stops a file: an unreadable line, a measurement
with missing keys, nulls or values of the wrong type, ``test_keys: null``, or a gzip stream cut
short all give a row whose ``parse_error`` says what was wrong, with ``file`` and ``line``
(for a JSON list, the 1-based position in the list). Every value that could be read is kept;
a value of the wrong type is left empty (never guessed). A truncated gzip gives all rows before
the cut plus one error row.

Columns (:data:`SCHEMA`):

- ``file``, ``line``: where the measurement was read.
- ``measurement_uid``, ``report_id`` as in the measurement (``report_id`` is shared by all
  measurements of one probe run: use it with ``input``); ``measurement_id`` is
  ``measurement_uid`` or, when that is absent (files older than the fastpath), a non-empty
  ``report_id``.
- ``test_name``, ``test_version``, ``probe_cc``, ``probe_asn``, ``probe_network_name``,
  ``input``, ``software_name``, ``software_version`` as in the measurement.
- ``measurement_start_time``: Datetime (UTC) from ``"YYYY-MM-DD HH:MM:SS"``; any other text is
  left empty and reported in ``parse_error``.
- web_connectivity: ``blocking`` is the probe's own verdict: ``dns``, ``tcp_ip``,
  ``http-failure``, ``http-diff``, ``none`` (the probe wrote ``false``) or null (``null``: the
  probe could not tell). ``accessible`` as written. ``dns_experiment_failure``,
  ``control_failure``, ``http_experiment_failure`` as written; ``tcp_connect_failure`` and
  ``tls_handshake_failure`` are the first non-null failure among ``tcp_connect[].status`` and
  ``tls_handshakes[]``.
- Circumvention tests, ``success`` / ``failure`` / ``bootstrap_time``:

  * ``tor``: ``success`` is true when at least one Tor entry point was reachable:
    ``or_port_accessible + or_port_dirauth_accessible + obfs4_accessible > 0``; measurements
    without these counts (older probes) are judged from ``targets``: true when any target with
    ``target_protocol`` ``or_port``, ``or_port_dirauth`` or ``obfs4`` has a null ``failure``.
    Directory ports alone (``dir_port_*``) do not count: they are plain HTTP. ``failure`` and
    ``bootstrap_time`` are null (the test does not bootstrap Tor).
  * ``vanilla_tor``, ``torsf``, ``openvpn``, ``psiphon``: ``success`` and ``failure`` as
    written. Where ``success`` is absent (psiphon; torsf 0.1): false when ``failure`` is set,
    true when ``failure`` is null and ``bootstrap_time > 0``, otherwise null.
  * ``riseupvpn``: ``success`` is true when there are no API failures (``api_failures`` list,
    or the older ``api_failure``) and ``ca_cert_status`` is not false; ``failure`` is the API
    failures joined by ``"; "``, or ``"ca_cert_status=false"`` when only the CA check failed.
    Gateway reachability (``failing_gateways``) is not part of this verdict.
  * ``bootstrap_time`` is the seconds it took to bootstrap, null when the run did not
    succeed (OONI writes 0 there, which is not a duration).
- Blockpage fingerprints (only when ``fingerprints`` is given): HTTP response bodies and the
  headers named by the fingerprints (``test_keys.requests[].response``, base64 bodies decoded)
  and DNS answers (``test_keys.queries[].answers[]`` ipv4/ipv6/hostname) of every test are
  matched against the table. ``fingerprint_name`` / ``fingerprint_scope``: the matching
  fingerprints and their scopes, ``;``-separated in the order first seen; null when none
  matched. ``fingerprint_is_optin_filter`` is true when every match is an opt-in subscriber
  filter (see :mod:`claimaudit.datasets.fingerprints`; an opt-in filter such as Nayatel Safeweb is not
  a state block), null when nothing matched. ``fingerprint_checked`` says matching ran on the
  row: null fingerprint columns with ``fingerprint_checked`` false mean "not looked at", not
  "no blockpage". Read the scope before calling a match a block: ``fp`` marks a known *false
  positive* (a CDN or server error page) and ``vbw`` only a vague blocking word; ``nat``,
  ``isp``, ``prod`` and ``inst`` are blockpages (see :mod:`claimaudit.datasets.fingerprints`).
- ``parse_error``: null, or every problem with the row, ``;``-separated.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import polars as pl

from claimaudit._io import write_frame
from claimaudit.datasets._ooni_raw._extract import VALUE_COLUMNS, Extractor
from claimaudit.datasets._ooni_raw._read import iter_records
from claimaudit.errors import DataError
from claimaudit.datasets._fingerprints import FingerprintMatcher, compile_matcher

__all__ = ["SCHEMA", "iter_batches", "parse", "write"]

SCHEMA: dict[str, pl.DataType] = {
    "file": pl.String(),
    "line": pl.Int64(),
    "measurement_id": pl.String(),
    "measurement_uid": pl.String(),
    "report_id": pl.String(),
    "test_name": pl.String(),
    "test_version": pl.String(),
    "probe_cc": pl.String(),
    "probe_asn": pl.String(),
    "probe_network_name": pl.String(),
    "measurement_start_time": pl.Datetime("us", "UTC"),
    "input": pl.String(),
    "software_name": pl.String(),
    "software_version": pl.String(),
    "blocking": pl.String(),
    "accessible": pl.Boolean(),
    "dns_experiment_failure": pl.String(),
    "control_failure": pl.String(),
    "tcp_connect_failure": pl.String(),
    "tls_handshake_failure": pl.String(),
    "http_experiment_failure": pl.String(),
    "success": pl.Boolean(),
    "failure": pl.String(),
    "bootstrap_time": pl.Float64(),
    "fingerprint_name": pl.String(),
    "fingerprint_scope": pl.String(),
    "fingerprint_is_optin_filter": pl.Boolean(),
    "fingerprint_checked": pl.Boolean(),
    "parse_error": pl.String(),
}

_ROW_SCHEMA: dict[str, pl.DataType] = {
    "file": pl.String(),
    "line": pl.Int64(),
    **{c: SCHEMA[c] if c != "measurement_start_time" else pl.String() for c in VALUE_COLUMNS},
    "fingerprint_checked": pl.Boolean(),
    "parse_error": pl.String(),
}
_EMPTY_VALUES = (None,) * len(VALUE_COLUMNS)
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

Fingerprints = pl.DataFrame | FingerprintMatcher | None


def parse(
    paths: str | Path | Iterable[str | Path], *, fingerprints: Fingerprints = None, workers: int = 1
) -> pl.DataFrame:
    """Parse raw OONI measurement files into one frame (see module doc for the columns).

    ``fingerprints``: a table from :func:`claimaudit.datasets.fingerprints.load_fingerprints` (or
    ``read_fingerprints``), or a compiled matcher; None skips blockpage matching.
    ``workers > 1`` parses that many files at a time in separate processes (rows keep the
    order of ``paths``); one file is always parsed by one process.
    Raises :class:`~claimaudit.errors.DataError` only for a file that does not exist.
    """
    files = _check_paths(paths)
    matcher = _matcher(fingerprints)
    if workers > 1 and len(files) > 1:
        # spawn, not fork: forking a process that runs polars' thread pool can deadlock
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(workers, len(files)), mp_context=context) as pool:
            frames = list(pool.map(_parse_file, files, [matcher] * len(files)))
    else:
        frames = list(iter_batches(files, fingerprints=matcher))
    if not frames:
        return pl.DataFrame(schema=SCHEMA)
    return pl.concat(frames, how="vertical", rechunk=True)


def _parse_file(path: Path, matcher: FingerprintMatcher | None) -> pl.DataFrame:
    frames = list(iter_batches([path], fingerprints=matcher))
    return pl.concat(frames, how="vertical") if frames else pl.DataFrame(schema=SCHEMA)


def iter_batches(
    paths: str | Path | Iterable[str | Path],
    *,
    fingerprints: Fingerprints = None,
    batch_size: int = 20_000,
) -> Iterator[pl.DataFrame]:
    """Like :func:`parse`, a frame of at most ``batch_size`` rows at a time (bounded memory).

    >>> for batch in iter_batches(["big.jsonl.gz"]):      # doctest: +SKIP
    ...     batch.filter(pl.col("probe_cc") == "PK")
    """
    files = _check_paths(paths)
    matcher = _matcher(fingerprints)
    extractor = Extractor(
        candidates=matcher is not None,
        header_names=matcher.header_names if matcher is not None else (),
        dns=matcher.wants_dns if matcher is not None else False,
        body=matcher.wants_body if matcher is not None else False,
    )
    rows: list[tuple] = []
    cand_rows: list[int] = []
    cand_locations: list[str] = []
    cand_values: list[str] = []
    extract = extractor.extract
    for path in files:
        name = str(path)
        for line, data, problem in iter_records(path):
            if data is None:
                rows.append((name, line, *_EMPTY_VALUES, False, problem))
            else:
                values, problem, cands = extract(data)
                if cands:
                    row = len(rows)
                    for location, value in cands:
                        cand_rows.append(row)
                        cand_locations.append(location)
                        cand_values.append(value)
                rows.append((name, line, *values, cands is not None, problem))
            if len(rows) >= batch_size:
                yield _frame(rows, cand_rows, cand_locations, cand_values, matcher)
                rows, cand_rows, cand_locations, cand_values = [], [], [], []
    if rows:
        yield _frame(rows, cand_rows, cand_locations, cand_values, matcher)


def write(frame: pl.DataFrame, path: str | Path) -> Path:
    """Write a parsed frame atomically as ``.csv`` or ``.parquet`` (chosen by the suffix)."""
    return write_frame(frame, path)


def _check_paths(paths: str | Path | Iterable[str | Path]) -> list[Path]:
    if isinstance(paths, (str, Path)):
        paths = [paths]
    files = [Path(p) for p in paths]
    for path in files:
        if not path.is_file():
            raise DataError(
                "no such file" if not path.exists() else "not a file",
                file=path,
                hint="give paths of .json, .jsonl or .jsonl.gz files of raw OONI measurements",
            )
    return files


def _matcher(fingerprints: Fingerprints) -> FingerprintMatcher | None:
    if fingerprints is None or isinstance(fingerprints, FingerprintMatcher):
        return fingerprints
    return compile_matcher(fingerprints)


def _frame(
    rows: list[tuple],
    cand_rows: list[int],
    cand_locations: list[str],
    cand_values: list[str],
    matcher: FingerprintMatcher | None,
) -> pl.DataFrame:
    frame = pl.DataFrame(rows, schema=_ROW_SCHEMA, orient="row")
    raw_time = pl.col("measurement_start_time")
    parsed_time = raw_time.str.strptime(pl.Datetime("us", "UTC"), _TIME_FORMAT, strict=False)
    bad_time = raw_time.is_not_null() & parsed_time.is_null()
    time_problem = pl.format("measurement_start_time: expected 'YYYY-MM-DD HH:MM:SS', got '{}'", raw_time)
    frame = frame.with_columns(
        measurement_id=pl.coalesce(pl.col("measurement_uid"), pl.when(pl.col("report_id") != "").then("report_id")),
        measurement_start_time=parsed_time,
        parse_error=pl.when(bad_time)
        .then(pl.concat_str(pl.col("parse_error"), time_problem, separator="; ", ignore_nulls=True))
        .otherwise(pl.col("parse_error")),
    )
    frame = frame.with_columns(
        fingerprint_checked=pl.col("fingerprint_checked") & pl.lit(matcher is not None),
    )
    matches = _fingerprint_columns(cand_rows, cand_locations, cand_values, matcher)
    frame = frame.with_row_index("_row").join(matches, on="_row", how="left").drop("_row")
    return frame.select([pl.col(c).cast(t) for c, t in SCHEMA.items()])


def _fingerprint_columns(
    cand_rows: list[int], cand_locations: list[str], cand_values: list[str], matcher: FingerprintMatcher | None
) -> pl.DataFrame:
    schema = {
        "_row": pl.UInt32,
        "fingerprint_name": pl.String,
        "fingerprint_scope": pl.String,
        "fingerprint_is_optin_filter": pl.Boolean,
    }
    if matcher is None or not cand_rows:
        return pl.DataFrame(schema=schema)
    candidates = pl.DataFrame(
        {"row": cand_rows, "location": cand_locations, "value": cand_values},
        schema={"row": pl.Int64, "location": pl.String, "value": pl.String},
    )
    found = matcher.match(candidates)
    return (
        found.group_by("row", maintain_order=True)
        .agg(
            pl.col("fingerprint_name").str.join(";"),
            pl.col("fingerprint_scope").str.join(";"),
            pl.col("fingerprint_is_optin_filter").all(),
        )
        .select(pl.col("row").cast(pl.UInt32).alias("_row"), *list(schema)[1:])
    )
