"""Raw OONI measurements (as in OONI's public S3 bucket) -> one typed row per measurement.

>>> import json, tempfile, pathlib
>>> synthetic = {"report_id": "r1", "test_name": "vanilla_tor", "test_version": "0.2.0",
...     "probe_cc": "PK", "probe_asn": "AS0", "measurement_start_time": "2024-11-15 10:00:00",
...     "test_keys": {"success": True, "failure": None, "bootstrap_time": 12.5}}
>>> path = pathlib.Path(tempfile.mkdtemp()) / "synthetic.jsonl"
>>> _ = path.write_text(json.dumps(synthetic) + "\\n")
>>> parse([path]).select("test_name", "success", "bootstrap_time", "parse_error").row(0)
('vanilla_tor', True, 12.5, None)

Input: JSONL (``.jsonl``), JSONL.gz, JSON holding one measurement or a list of them, OONI
postcans (``.tar.gz`` of ``<measurement_uid>.post`` submissions) and single ``.post`` files
(gzip and tar are detected by their magic bytes). The ``{}`` lines OONI's uploader writes in
place of a submission it could not read are not measurements: they are skipped and counted
(pass a :class:`ReadStats` as ``stats``). Bad input never stops a file: an unreadable line, a measurement
with missing keys, nulls or values of the wrong type, ``test_keys: null``, or a gzip stream cut
short all give a row whose ``parse_error`` says what was wrong, with ``file`` and ``line``
(for a JSON list, the 1-based position in the list). Every value that could be read is kept;
a value of the wrong type is left empty (never guessed). A truncated gzip gives all rows before
the cut plus one error row.

Columns (:data:`SCHEMA`):

- ``file``, ``line``: where the measurement was read.
- ``measurement_uid`` as in the measurement or, for a postcan member or ``.post`` file, its
  name without ``.post`` (how OONI names submissions; the uid OONI Explorer links to).
  ``report_id`` as in the measurement (shared by all measurements of one probe run: never an
  id on its own). ``measurement_id`` is unique per measurement and stable: the
  ``measurement_uid`` where there is one; otherwise (the ``raw/*.jsonl.gz`` files in OONI's
  bucket carry none, nor do older files) OONI's own *trivial id* for such measurements
  (``oonidata.datautils.trivial_id``): ``"01"`` + the ``YYYYMMDD`` of
  ``measurement_start_time`` (``00000000`` when unreadable) + the first 15 bytes, in hex, of
  SHAKE-128 over the measurement's bytes as stored (for JSONL the line with its ``\\n``). It
  depends only on the bytes, so the same measurement gets the same id wherever it is read;
  it never looks like a ``measurement_uid`` (those start with a 14-digit timestamp and a dot).
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

import datetime as dt
import functools
import hashlib
import multiprocessing
import re
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import polars as pl

from claimaudit._io import write_frame
from claimaudit.datasets._fingerprints import FingerprintMatcher, compile_matcher
from claimaudit.datasets._ooni_raw._extract import VALUE_COLUMNS, Extractor
from claimaudit.datasets._ooni_raw._read import ReadStats, iter_records
from claimaudit.errors import DataError

__all__ = ["ReadStats", "SCHEMA", "iter_batches", "parse", "parse_file", "trivial_id", "write"]

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
    "_trivial_id": pl.String(),
}
_EMPTY_VALUES = (None,) * len(VALUE_COLUMNS)
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"

Fingerprints = pl.DataFrame | FingerprintMatcher | None


def parse(
    paths: str | Path | Iterable[str | Path],
    *,
    fingerprints: Fingerprints = None,
    workers: int = 1,
    stats: ReadStats | None = None,
) -> pl.DataFrame:
    """Parse raw OONI measurement files into one frame (see module doc for the columns).

    ``fingerprints``: a table from :func:`claimaudit.datasets.fingerprints.load_fingerprints` (or
    ``read_fingerprints``), or a compiled matcher; None skips blockpage matching.
    ``workers > 1`` parses that many files at a time in separate processes (rows keep the
    order of ``paths``); one file is always parsed by one process. ``stats`` (a
    :class:`ReadStats`) receives the count of skipped ``{}`` placeholder lines.
    Raises :class:`~claimaudit.errors.DataError` only for a file that does not exist.
    """
    files = _check_paths(paths)
    matcher = _matcher(fingerprints)
    stats = stats if stats is not None else ReadStats()
    if workers > 1 and len(files) > 1:
        # spawn, not fork: forking a process that runs polars' thread pool can deadlock
        context = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(max_workers=min(workers, len(files)), mp_context=context) as pool:
            frames = []
            for frame, skipped in pool.map(parse_file, files, [matcher] * len(files)):
                frames.append(frame)
                stats.placeholders += skipped
    else:
        frames = list(iter_batches(files, fingerprints=matcher, stats=stats))
    if not frames:
        return pl.DataFrame(schema=SCHEMA)
    return pl.concat(frames, how="vertical", rechunk=True)


def parse_file(path: str | Path, matcher: FingerprintMatcher | None) -> tuple[pl.DataFrame, int]:
    """One file's rows and its count of skipped ``{}`` placeholders (used by workers)."""
    stats = ReadStats()
    frames = list(iter_batches([path], fingerprints=matcher, stats=stats))
    frame = pl.concat(frames, how="vertical") if frames else pl.DataFrame(schema=SCHEMA)
    return frame, stats.placeholders


def trivial_id(data: bytes | memoryview, measurement_start_time: str | None) -> str:
    """OONI's id for a measurement without ``measurement_uid``.

    The OONI backend's fastpath gives legacy measurements this id as their ``measurement_uid``
    (ooni/backend ``fastpath/fastpath/utils.py``, ``trivial_id``; also ``oonidata``): ``"01"``,
    the measurement day ``YYYYMMDD`` (``00000000`` when ``measurement_start_time`` is not
    ``YYYY-MM-DD HH:MM:SS``), 15 bytes of SHAKE-128 over the raw bytes, in hex. The backend's
    own test vector:

    >>> trivial_id(b"", "2021-02-03 10:11:12")
    '01202102037f9c2ba4e88f827d61604550760585'
    >>> trivial_id(b"", "2021-02-30 10:11:12")[:10], trivial_id(b"", None)[:10]
    ('0100000000', '0100000000')
    """
    return f"01{_id_day(measurement_start_time)}{hashlib.shake_128(data).hexdigest(15)}"


_TIME_SHAPE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")


def _id_day(text: str | None) -> str:
    """``YYYYMMDD`` when ``datetime.strptime(text, "%Y-%m-%d %H:%M:%S")`` accepts it, else ``00000000``."""
    if text and _TIME_SHAPE.fullmatch(text):  # the usual shape: no strptime (slow) needed
        if "00" <= text[11:13] <= "23" and "00" <= text[14:16] <= "59" and "00" <= text[17:19] <= "59":
            return _valid_day(text[:10])
        return "00000000"
    try:
        return dt.datetime.strptime(text or "", _TIME_FORMAT).strftime("%Y%m%d")
    except ValueError:
        return "00000000"


@functools.lru_cache(maxsize=4096)
def _valid_day(day: str) -> str:
    try:
        dt.date(int(day[:4]), int(day[5:7]), int(day[8:10]))
    except ValueError:
        return "00000000"
    return day[:4] + day[5:7] + day[8:10]


def iter_batches(
    paths: str | Path | Iterable[str | Path],
    *,
    fingerprints: Fingerprints = None,
    batch_size: int = 20_000,
    stats: ReadStats | None = None,
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
    stats = stats if stats is not None else ReadStats()
    for path in files:
        name = str(path)
        for line, data, problem, uid in iter_records(path, stats):
            if data is None:
                rows.append((name, line, uid, *_EMPTY_VALUES[1:], False, problem, None))
            else:
                values, problem, cands = extract(data)
                tid = None
                if values[0] is None:
                    if uid is not None:
                        values = (uid, *values[1:])
                    else:
                        tid = trivial_id(data, values[7])  # values[7]: measurement_start_time
                if cands:
                    row = len(rows)
                    for location, value in cands:
                        cand_rows.append(row)
                        cand_locations.append(location)
                        cand_values.append(value)
                rows.append((name, line, *values, cands is not None, problem, tid))
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
                hint="give paths of .json, .jsonl, .jsonl.gz, .tar.gz or .post files of raw OONI measurements",
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
        measurement_id=pl.coalesce(pl.col("measurement_uid"), pl.col("_trivial_id")),
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
