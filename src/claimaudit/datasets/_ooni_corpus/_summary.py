"""The corpus' evidence: per day x network x domain (web tests) or x tool (circumvention tests).

Columns (:data:`SUMMARY_SCHEMA`):

- ``day`` (UTC day of ``measurement_start_time``: when the measurement was taken), ``probe_cc``,
  ``probe_asn``, ``test_name``; ``domain`` (the host of ``input``, lower case) for tests of a
  URL, ``tool`` (the test name) for circumvention tests (tor, vanilla_tor, torsf, psiphon,
  openvpn, riseupvpn); the other is null.
- ``n``: measurements that parsed (rows without ``parse_error``); ``parse_errors`` apart.
- ``anomalies``: web tests, the probe's own verdict ``blocking`` is dns, tcp_ip, http-failure
  or http-diff; circumvention tests, ``success`` is false.
- ``blockpage_state``: a blockpage fingerprint of scope ``nat`` (national) or ``isp`` matched
  and not every match is an opt-in subscriber filter (Nayatel Safeweb and the like are not
  state blocks; see :mod:`claimaudit.datasets.fingerprints`). ``blockpage_optin``: only opt-in filters
  matched. ``blockpage_other``: only ``prod`` (a middlebox product) or ``inst`` (an
  institution's own filter) matched. ``fp`` (known false positives) and ``vbw`` (a vague
  blocking word) count in none of them.
- ``dns_failures``, ``tcp_failures``, ``tls_failures``, ``http_failures``: measurements whose
  DNS / first TCP connect / first TLS handshake / HTTP experiment failed, with their shares of
  ``n`` (``*_share``); ``control_failures``: the test helper failed (the verdict is unreliable);
  ``failures``: circumvention tests whose ``failure`` is set.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from claimaudit.datasets import _ooni_tests as ooni_tests
from claimaudit.errors import DataError

CIRCUMVENTION_TESTS = ooni_tests.circumvention()  # their ``tool`` is the test name, ``domain`` null
WEB_ANOMALIES = ("dns", "tcp_ip", "http-failure", "http-diff")
STATE_SCOPES = ("nat", "isp")
OTHER_SCOPES = ("prod", "inst")
KEYS = ("day", "probe_cc", "probe_asn", "test_name", "domain", "tool")
FAILURES = {
    "dns": "dns_experiment_failure",
    "tcp": "tcp_connect_failure",
    "tls": "tls_handshake_failure",
    "http": "http_experiment_failure",
}

SUMMARY_SCHEMA: dict[str, pl.DataType] = {
    "day": pl.Date(),
    "probe_cc": pl.String(),
    "probe_asn": pl.String(),
    "probe_network_name": pl.String(),
    "test_name": pl.String(),
    "domain": pl.String(),
    "tool": pl.String(),
    "n": pl.Int64(),
    "parse_errors": pl.Int64(),
    "anomalies": pl.Int64(),
    "blockpage_state": pl.Int64(),
    "blockpage_optin": pl.Int64(),
    "blockpage_other": pl.Int64(),
    **{f"{k}_failures": pl.Int64() for k in FAILURES},
    "control_failures": pl.Int64(),
    "failures": pl.Int64(),
    **{f"{k}_failure_share": pl.Float64() for k in FAILURES},
}


def _scopes_in(scopes: tuple[str, ...]) -> pl.Expr:
    parts = pl.col("fingerprint_scope").fill_null("").str.split(";")
    return parts.list.eval(pl.element().is_in(list(scopes))).list.any()


def measurement_flags(frame: pl.LazyFrame | pl.DataFrame) -> pl.LazyFrame:
    """Rows of :data:`claimaudit.datasets.ooni_raw.SCHEMA` with the summary's keys and 0/1 flags."""
    lazy = frame.lazy()
    circumvention = pl.col("test_name").is_in(list(CIRCUMVENTION_TESTS))
    host = (
        pl.col("input")
        .str.extract(r"^[A-Za-z][A-Za-z0-9+.-]*://\[?([^/:?#\]]+)", 1)
        .str.to_lowercase()
        .str.strip_chars_end(".")
    )
    ok = pl.col("parse_error").is_null()
    optin = pl.col("fingerprint_is_optin_filter").fill_null(False)
    state = _scopes_in(STATE_SCOPES) & ~optin
    return lazy.select(
        day=pl.col("measurement_start_time").dt.date(),
        probe_cc=pl.col("probe_cc"),
        probe_asn=pl.col("probe_asn"),
        probe_network_name=pl.col("probe_network_name"),
        test_name=pl.col("test_name"),
        domain=pl.when(circumvention).then(pl.lit(None, pl.String)).otherwise(host),
        tool=pl.when(circumvention).then(pl.col("test_name")),
        ok=ok,
        anomaly=ok
        & pl.when(circumvention)
        .then(pl.col("success") == False)  # noqa: E712 - polars
        .otherwise(pl.col("blocking").is_in(list(WEB_ANOMALIES)))
        .fill_null(False),
        blockpage_state=ok & state,
        blockpage_optin=ok & pl.col("fingerprint_name").is_not_null() & optin,
        blockpage_other=ok & ~state & ~optin & _scopes_in(OTHER_SCOPES),
        **{f"{k}_failure": ok & pl.col(c).is_not_null() for k, c in FAILURES.items()},
        control_failure=ok & pl.col("control_failure").is_not_null(),
        failure=ok & circumvention & pl.col("failure").is_not_null(),
    )


def summarize_frame(
    frame: pl.LazyFrame | pl.DataFrame, *, since: dt.date | None = None, until: dt.date | None = None
) -> pl.DataFrame:
    """The summary (module doc) of parsed rows; ``since``/``until`` filter the measurement day."""
    flags = measurement_flags(frame)
    if since is not None:
        flags = flags.filter(pl.col("day") >= since)
    if until is not None:
        flags = flags.filter(pl.col("day") < until)
    count = lambda name: pl.col(name).cast(pl.Int64).sum()  # noqa: E731
    summary = (
        flags.group_by(list(KEYS))
        .agg(
            probe_network_name=pl.col("probe_network_name").drop_nulls().mode().sort().first(),
            n=count("ok"),
            parse_errors=(~pl.col("ok")).cast(pl.Int64).sum(),
            anomalies=count("anomaly"),
            blockpage_state=count("blockpage_state"),
            blockpage_optin=count("blockpage_optin"),
            blockpage_other=count("blockpage_other"),
            **{f"{k}_failures": count(f"{k}_failure") for k in FAILURES},
            control_failures=count("control_failure"),
            failures=count("failure"),
        )
        .with_columns(
            **{
                f"{k}_failure_share": pl.when(pl.col("n") > 0).then(pl.col(f"{k}_failures") / pl.col("n"))
                for k in FAILURES
            }
        )
        .sort(list(KEYS), nulls_last=True)
        .collect()
    )
    return summary.select([pl.col(c).cast(t) for c, t in SUMMARY_SCHEMA.items()])


def scan(folder: str | Path) -> pl.LazyFrame:
    """The corpus dataset written by :func:`claimaudit.datasets.ooni_corpus.build`, lazily."""
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(
            "no corpus dataset here",
            file=folder,
            hint="build one with: claimaudit ooni corpus --country PK --test-name ... --out DIR",
        )
    if next(folder.rglob("*.parquet"), None) is None:
        raise DataError(
            "the corpus folder holds no Parquet files",
            file=folder,
            hint="run claimaudit ooni corpus with this --out (or check the path)",
        )
    return pl.scan_parquet(folder)


def summarize(
    folder: str | Path, *, since: str | dt.date | None = None, until: str | dt.date | None = None
) -> pl.DataFrame:
    """Summarize a corpus dataset folder (see module doc)."""
    as_day = lambda v: dt.date.fromisoformat(v) if isinstance(v, str) else v  # noqa: E731
    return summarize_frame(scan(folder), since=as_day(since), until=as_day(until))
