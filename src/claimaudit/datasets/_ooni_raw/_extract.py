"""One measurement's bytes -> its column values, problems and fingerprint candidates.

Fast path: strict msgspec Structs (:mod:`._structs`) that declare only the needed keys.
Anything the fast path does not accept (a missing base key, a null, a value of another type,
a test_keys that is not an object) is re-read by the tolerant path, which walks plain Python
objects, keeps every value it can and names each problem in ``parse_error``. Both paths feed
the same derivations (:mod:`._derive`), so they agree on every well-formed measurement.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable
from typing import Any

import msgspec
from msgspec import UNSET

from claimaudit.datasets import _ooni_tests as ooni_tests
from claimaudit.datasets._ooni_raw import _derive, _structs

BASE_COLUMNS = (
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
)
REQUIRED_KEYS = ("report_id", "test_name", "probe_cc", "probe_asn", "measurement_start_time", "test_keys")
VALUE_COLUMNS = BASE_COLUMNS + _derive.TEST_COLUMNS

Candidate = tuple[str, str]  # (location, value): location is dns, body or header.<name>
# (values, problems, candidates); candidates is None when test_keys could not be read or
# fingerprint matching is off, [] when there was nothing to match.
Extracted = tuple[tuple, str | None, list[Candidate] | None]

_EMPTY_VALUES = (None,) * len(VALUE_COLUMNS)


class _Slow(Exception):
    """The fast path declines; the tolerant path takes over."""


def _input_text(value: Any) -> str | None:
    """``input`` is a string, or in a few old tests (meek) a list: kept as compact JSON text."""
    if value is UNSET or value is None or isinstance(value, str):
        return None if value is UNSET else value
    return msgspec.json.encode(value).decode()


def _header_text(value: Any) -> str | None:
    """A header value: a string, a base64 object, or (old probes) a list of strings."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and value.get("format") == "base64":
        return _b64_text(value.get("data")) if isinstance(value.get("data"), str) else None
    if isinstance(value, list) and value and isinstance(value[0], str):
        return value[0]
    return None


def _b64_text(data: str | None) -> str | None:
    if data is None:
        return None
    try:
        return base64.b64decode(data).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return None


#: test name -> how its measurements are read (the ``family`` of its entry in
#: :mod:`claimaudit.datasets.ooni_tests`); any other test: ``other``.
_TEST_KINDS = {t.name: t.family for t in ooni_tests.TESTS}


_TOO_DEEP = (
    "invalid JSON: nested too deeply to decode (thousands of levels of [ or {);"
    " not an OONI measurement, the row is skipped"
)


class Extractor:
    """Reusable decoders; ``header_names`` are the lower-case response headers worth matching."""

    def __init__(self, *, candidates: bool, header_names: Iterable[str] = (), dns: bool = True, body: bool = True):
        self.candidates = candidates
        self.header_names = frozenset(h.lower() for h in header_names)
        self.dns = dns
        self.body = body
        self._decoder = msgspec.json.Decoder(_structs.measurement_struct(candidates=candidates))
        self._fast_kind: dict[str, Callable[[Any, str], tuple]] = {
            "web": self._web_fast,
            "tor": self._tor_fast,
            "bootstrap": self._bootstrap_fast,
            "riseupvpn": self._riseupvpn_fast,
            "other": lambda keys, test_name: _derive.NO_TEST_VALUES,
        }

    # -- entry point -------------------------------------------------------------------------
    def extract(self, data: bytes) -> Extracted:
        try:
            return self._fast(data)
        except (msgspec.ValidationError, _Slow):  # ValidationError subclasses DecodeError
            pass
        except msgspec.DecodeError as exc:
            return _EMPTY_VALUES, f"invalid JSON: {exc}", None
        except RecursionError:
            return _EMPTY_VALUES, _TOO_DEEP, None
        try:
            obj = msgspec.json.decode(data)
            return self._tolerant(obj)
        except msgspec.DecodeError as exc:  # pragma: no cover - the fast path already decoded it
            return _EMPTY_VALUES, f"invalid JSON: {exc}", None
        except RecursionError:
            return _EMPTY_VALUES, _TOO_DEEP, None

    # -- fast path ---------------------------------------------------------------------------
    def _fast(self, data: bytes) -> Extracted:
        b = self._decoder.decode(data)
        keys = b.test_keys
        if (
            b.test_name is UNSET
            or b.report_id is UNSET
            or b.probe_cc is UNSET
            or b.probe_asn is UNSET
            or b.measurement_start_time is UNSET
            or keys is UNSET
            or keys is None
            or b.test_name is None
            or b.probe_cc is None
            or b.probe_asn is None
            or b.measurement_start_time is None
            or b.report_id is None
        ):
            raise _Slow
        test_name = b.test_name
        kind = _TEST_KINDS.get(test_name, "other")
        if kind == "web" and not (
            keys.blocking is None or keys.blocking is False or keys.blocking in _derive.BLOCKING_VALUES
        ):
            raise _Slow  # an odd verdict: let the tolerant path word the problem
        values = (
            None if b.measurement_uid is UNSET else b.measurement_uid,
            b.report_id,
            test_name,
            None if b.test_version is UNSET else b.test_version,
            b.probe_cc,
            b.probe_asn,
            None if b.probe_network_name is UNSET else b.probe_network_name,
            b.measurement_start_time,
            _input_text(b.input),
            None if b.software_name is UNSET else b.software_name,
            None if b.software_version is UNSET else b.software_version,
        ) + self._fast_kind[kind](keys, test_name)
        if not self.candidates:
            return values, None, None
        cands: list[Candidate] = []
        self._candidates_fast(keys, cands)
        return values, None, cands

    @staticmethod
    def _web_fast(k: Any, test_name: str) -> tuple:
        return _derive.web_connectivity(
            k.blocking,
            k.accessible,
            k.dns_experiment_failure,
            k.control_failure,
            k.http_experiment_failure,
            (
                e.status.failure if e.status is not None else None
                for e in (k.tcp_connect if isinstance(k.tcp_connect, list) else ())
            ),
            (e.failure for e in k.tls_handshakes or ()),
            [],
        )

    @staticmethod
    def _tor_fast(k: Any, test_name: str) -> tuple:
        counts = {
            "or_port_total": k.or_port_total,
            "or_port_accessible": k.or_port_accessible,
            "or_port_dirauth_total": k.or_port_dirauth_total,
            "or_port_dirauth_accessible": k.or_port_dirauth_accessible,
            "obfs4_total": k.obfs4_total,
            "obfs4_accessible": k.obfs4_accessible,
        }
        targets = k.targets.values() if isinstance(k.targets, dict) else (k.targets or ())
        return _derive.tor(counts, ((t.target_protocol, t.failure) for t in targets))

    @staticmethod
    def _bootstrap_fast(k: Any, test_name: str) -> tuple:
        return _derive.bootstrap(k.success, k.failure, k.bootstrap_time)

    @staticmethod
    def _riseupvpn_fast(k: Any, test_name: str) -> tuple:
        return _derive.riseupvpn(k.api_failures, k.api_failure, k.ca_cert_status, k.failure)

    def _candidates_fast(self, keys: Any, out: list[Candidate]) -> None:
        if self.body or self.header_names:
            wanted = self.header_names
            for request in keys.requests or ():
                response = request.response
                if response is None:
                    continue
                body = response.body
                if self.body and body is not None:
                    if isinstance(body, str):
                        out.append(("body", body))
                    elif body.format == "base64":
                        text = _b64_text(body.data)
                        if text is not None:
                            out.append(("body", text))
                if wanted:
                    if response.headers_list is not None:
                        pairs: Iterable = response.headers_list
                    else:
                        pairs = (response.headers or {}).items()
                    for name, value in pairs:
                        lower = name.lower()
                        if lower in wanted:
                            out.append(("header." + lower, value))
        if self.dns:
            for query in keys.queries or ():
                for answer in query.answers or ():
                    for value in (answer.ipv4, answer.ipv6, answer.hostname):
                        if value is not None:
                            out.append(("dns", value))

    # -- tolerant path -----------------------------------------------------------------------
    def _tolerant(self, obj: Any) -> Extracted:
        if not isinstance(obj, dict):
            return _EMPTY_VALUES, f"a measurement must be a JSON object, got {_type(obj)}", None
        errors: list[str] = []
        for key in REQUIRED_KEYS:
            if key not in obj:
                errors.append(f"missing key {key}")
            elif obj[key] is None and key != "test_keys":  # test_keys: reported below
                errors.append(f"{key} is null")
        base = tuple(
            _input_text(obj.get("input"))
            if key == "input" and isinstance(obj.get("input"), list)
            else _text(obj, key, errors, path=key)
            for key in BASE_COLUMNS
        )
        test_name = base[2]
        keys = obj.get("test_keys", None)
        cands: list[Candidate] | None = None
        if "test_keys" in obj and keys is None:
            errors.append("test_keys is null")
            test_values = _derive.NO_TEST_VALUES
        elif keys is None:
            test_values = _derive.NO_TEST_VALUES
        elif not isinstance(keys, dict):
            errors.append(f"test_keys: expected an object, got {_type(keys)}")
            test_values = _derive.NO_TEST_VALUES
        else:
            kind = _TEST_KINDS.get(test_name or "", "other")
            test_values = _TOLERANT[kind](keys, test_name or "", errors)
            if self.candidates:
                cands = []
                self._candidates_tolerant(keys, cands, errors)
        return base + test_values, ("; ".join(errors) or None), cands

    def _candidates_tolerant(self, keys: dict, out: list[Candidate], errors: list[str]) -> None:
        for _i, request in enumerate(_items(keys, "requests", errors, "test_keys.requests")):
            response = request.get("response") if isinstance(request, dict) else None
            if not isinstance(response, dict):
                continue
            body = response.get("body")
            if self.body:
                if isinstance(body, str):
                    out.append(("body", body))
                elif isinstance(body, dict) and body.get("format") == "base64" and isinstance(body.get("data"), str):
                    text = _b64_text(body["data"])
                    if text is not None:
                        out.append(("body", text))
            if not self.header_names:
                continue
            pairs = response.get("headers_list")
            if not isinstance(pairs, list):
                headers = response.get("headers")
                pairs = list(headers.items()) if isinstance(headers, dict) else []
            for pair in pairs:
                if not (isinstance(pair, (list, tuple)) and len(pair) == 2):
                    continue
                name, value = pair[0], _header_text(pair[1])
                if isinstance(name, str) and value is not None and name.lower() in self.header_names:
                    out.append(("header." + name.lower(), value))
        if self.dns:
            for query in _items(keys, "queries", errors, "test_keys.queries"):
                answers = query.get("answers") if isinstance(query, dict) else None
                for answer in answers if isinstance(answers, list) else ():
                    if isinstance(answer, dict):
                        for field in ("ipv4", "ipv6", "hostname"):
                            value = answer.get(field)
                            if isinstance(value, str):
                                out.append(("dns", value))


# -- tolerant helpers --------------------------------------------------------------------------
def _type(value: Any) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        int: "a number",
        float: "a number",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def _text(obj: dict, key: str, errors: list[str], *, path: str) -> str | None:
    value = obj.get(key)
    if value is None or isinstance(value, str):
        return value
    errors.append(f"{path}: expected a string, got {_type(value)} (left empty)")
    return None


def _typed(obj: dict, key: str, types: tuple[type, ...], what: str, errors: list[str], path: str) -> Any:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) and bool not in types:
        value = ...  # bool is an int subclass: a true/false count is a type error
    if value is not ... and isinstance(value, types):
        return value
    errors.append(f"{path}: expected {what}, got {_type(obj.get(key))} (left empty)")
    return None


def _items(obj: dict, key: str, errors: list[str], path: str) -> list:
    value = obj.get(key)
    if value is None:
        return []
    if isinstance(value, list):
        return value
    errors.append(f"{path}: expected a list, got {_type(value)} (ignored)")
    return []


def _web_tolerant(k: dict, test_name: str, errors: list[str]) -> tuple:
    blocking = k.get("blocking")
    tcp = [
        (e.get("status") or {}).get("failure") if isinstance(e.get("status"), dict) else None
        for e in _items(k, "tcp_connect", errors, "test_keys.tcp_connect")
        if isinstance(e, dict)
    ]
    tls = [
        e.get("failure") for e in _items(k, "tls_handshakes", errors, "test_keys.tls_handshakes") if isinstance(e, dict)
    ]
    return _derive.web_connectivity(
        blocking,
        _typed(k, "accessible", (bool,), "a boolean", errors, "test_keys.accessible"),
        _text(k, "dns_experiment_failure", errors, path="test_keys.dns_experiment_failure"),
        _text(k, "control_failure", errors, path="test_keys.control_failure"),
        _text(k, "http_experiment_failure", errors, path="test_keys.http_experiment_failure"),
        (f if isinstance(f, str) else None for f in tcp),
        (f if isinstance(f, str) else None for f in tls),
        errors,
    )


def _tor_tolerant(k: dict, test_name: str, errors: list[str]) -> tuple:
    counts = {
        key: _typed(k, key, (int,), "an integer", errors, f"test_keys.{key}")
        for key in (
            "or_port_total",
            "or_port_accessible",
            "or_port_dirauth_total",
            "or_port_dirauth_accessible",
            "obfs4_total",
            "obfs4_accessible",
        )
    }
    raw = k.get("targets")
    targets = raw.values() if isinstance(raw, dict) else raw if isinstance(raw, list) else ()
    pairs = [(t.get("target_protocol"), t.get("failure")) for t in targets if isinstance(t, dict)]
    return _derive.tor(counts, pairs)


def _bootstrap_tolerant(k: dict, test_name: str, errors: list[str]) -> tuple:
    return _derive.bootstrap(
        _typed(k, "success", (bool,), "a boolean", errors, "test_keys.success"),
        _text(k, "failure", errors, path="test_keys.failure"),
        _typed(k, "bootstrap_time", (int, float), "a number", errors, "test_keys.bootstrap_time"),
    )


def _riseupvpn_tolerant(k: dict, test_name: str, errors: list[str]) -> tuple:
    failures = [f for f in _items(k, "api_failures", errors, "test_keys.api_failures") if isinstance(f, str)]
    return _derive.riseupvpn(
        failures or None,
        _text(k, "api_failure", errors, path="test_keys.api_failure"),
        _typed(k, "ca_cert_status", (bool,), "a boolean", errors, "test_keys.ca_cert_status"),
        _text(k, "failure", errors, path="test_keys.failure"),
    )


_TOLERANT: dict[str, Callable[[dict, str, list[str]], tuple]] = {
    "web": _web_tolerant,
    "tor": _tor_tolerant,
    "bootstrap": _bootstrap_tolerant,
    "riseupvpn": _riseupvpn_tolerant,
    "other": lambda k, test_name, errors: _derive.NO_TEST_VALUES,
}
