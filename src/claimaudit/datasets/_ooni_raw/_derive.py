"""Per-test columns from plain values; shared by the typed fast path and the tolerant path.

Each function returns the per-test columns in :data:`TEST_COLUMNS` order and appends any
problem to ``errors``. The derivations are documented in :mod:`claimaudit.datasets.ooni_raw`.
"""

from __future__ import annotations

from collections.abc import Iterable

WEB_COLUMNS = (
    "blocking",
    "accessible",
    "dns_experiment_failure",
    "control_failure",
    "tcp_connect_failure",
    "tls_handshake_failure",
    "http_experiment_failure",
)
CIRCUMVENTION_COLUMNS = ("success", "failure", "bootstrap_time")
TEST_COLUMNS = WEB_COLUMNS + CIRCUMVENTION_COLUMNS

NO_TEST_VALUES: tuple = (None,) * len(TEST_COLUMNS)
_NO_WEB = (None,) * len(WEB_COLUMNS)
_NO_CIRCUMVENTION = (None,) * len(CIRCUMVENTION_COLUMNS)

BLOCKING_VALUES = frozenset({"dns", "tcp_ip", "http-failure", "http-diff"})
TOR_ENTRY_PROTOCOLS = frozenset({"or_port", "or_port_dirauth", "obfs4"})


def _first(values: Iterable[str | None]) -> str | None:
    for value in values:
        if value is not None:
            return value
    return None


def web_connectivity(
    blocking: object,
    accessible: bool | None,
    dns_failure: str | None,
    control_failure: str | None,
    http_failure: str | None,
    tcp_failures: Iterable[str | None],
    tls_failures: Iterable[str | None],
    errors: list[str],
) -> tuple:
    if blocking is False:
        verdict = "none"
    elif blocking is None or blocking in BLOCKING_VALUES:
        verdict = blocking
    else:
        errors.append(f"test_keys.blocking: unexpected value {blocking!r} (kept as text)")
        verdict = str(blocking).lower() if isinstance(blocking, bool) else str(blocking)
    return (
        verdict,
        accessible,
        dns_failure,
        control_failure,
        _first(tcp_failures),
        _first(tls_failures),
        http_failure,
    ) + _NO_CIRCUMVENTION


def tor(counts: dict[str, int | None], targets: Iterable[tuple[str | None, str | None]]) -> tuple:
    """``counts``: the *_total/*_accessible keys; ``targets``: (target_protocol, failure) pairs."""
    totals = [counts.get(k) for k in ("or_port_total", "or_port_dirauth_total", "obfs4_total")]
    if any(t is not None for t in totals):
        reachable = sum(
            counts.get(k) or 0 for k in ("or_port_accessible", "or_port_dirauth_accessible", "obfs4_accessible")
        )
        success: bool | None = reachable > 0
    else:
        tried = [(p, f) for p, f in targets if p in TOR_ENTRY_PROTOCOLS]
        success = any(f is None for _, f in tried) if tried else None
    return _NO_WEB + (success, None, None)


def bootstrap(success: bool | None, failure: str | None, bootstrap_time: float | None) -> tuple:
    if success is None:  # psiphon and torsf 0.1 write no success key
        if failure is not None:
            success = False
        elif bootstrap_time is not None and bootstrap_time > 0:
            success = True
    if success is not True:
        bootstrap_time = None  # OONI writes 0 when it did not bootstrap: that is not a duration
    return _NO_WEB + (success, failure, bootstrap_time)


def riseupvpn(
    api_failures: list[str] | None,
    api_failure: str | None,
    ca_cert_status: bool | None,
    failure: str | None,
) -> tuple:
    failures = list(api_failures or [])
    if api_failure is not None:
        failures.append(api_failure)
    if ca_cert_status is None and not failures and failure is None:
        success = None
    else:
        success = not failures and ca_cert_status is not False and failure is None
    if failures:
        text: str | None = "; ".join(failures)
    elif failure is None and ca_cert_status is False:
        text = "ca_cert_status=false"
    else:
        text = failure
    return _NO_WEB + (success, text, None)
