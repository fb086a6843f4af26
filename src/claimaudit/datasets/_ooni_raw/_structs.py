"""msgspec types that declare only the keys the parser needs; the decoder skips everything else.

Decoding is strict: a value of an unexpected type raises ``msgspec.ValidationError`` and the
measurement goes to the tolerant path (:mod:`._tolerant`), which names the offending key.
"""

from __future__ import annotations

import msgspec
from msgspec import UNSET, UnsetType

Str = str | None
OptStr = str | None | UnsetType


class Base(msgspec.Struct):
    """The base keys of every OONI measurement (df-000-base), test_keys kept raw."""

    measurement_uid: OptStr = UNSET
    report_id: OptStr = UNSET
    test_name: OptStr = UNSET
    test_version: OptStr = UNSET
    probe_cc: OptStr = UNSET
    probe_asn: OptStr = UNSET
    probe_network_name: OptStr = UNSET
    measurement_start_time: OptStr = UNSET
    input: str | list | None | UnsetType = UNSET  # a list in a few old tests (meek)
    software_name: OptStr = UNSET
    software_version: OptStr = UNSET


class Body64(msgspec.Struct):
    format: Str = None
    data: Str = None


class Response(msgspec.Struct):
    body: str | Body64 | None = None
    headers: dict[str, str] | None = None
    headers_list: list[tuple[str, str]] | None = None


class Request(msgspec.Struct):
    response: Response | None = None


class Answer(msgspec.Struct):
    ipv4: Str = None
    ipv6: Str = None
    hostname: Str = None


class Query(msgspec.Struct):
    answers: list[Answer] | None = None


class TcpStatus(msgspec.Struct):
    failure: Str = None


class TcpEntry(msgspec.Struct):
    status: TcpStatus | None = None


class TlsEntry(msgspec.Struct):
    failure: Str = None


class OpenVPNTcp(msgspec.Struct):
    """openvpn writes one tcp_connect object, not a list."""

    status: TcpStatus | None = None


class WebConnectivity(msgspec.Struct):
    blocking: str | bool | None = None
    accessible: bool | None = None
    dns_experiment_failure: Str = None
    control_failure: Str = None
    http_experiment_failure: Str = None
    tcp_connect: list[TcpEntry] | OpenVPNTcp | None = None
    tls_handshakes: list[TlsEntry] | None = None


class TorTarget(msgspec.Struct):
    failure: Str = None
    target_protocol: Str = None


class Tor(msgspec.Struct):
    or_port_total: int | None = None
    or_port_accessible: int | None = None
    or_port_dirauth_total: int | None = None
    or_port_dirauth_accessible: int | None = None
    obfs4_total: int | None = None
    obfs4_accessible: int | None = None
    targets: dict[str, TorTarget] | list[TorTarget] | None = None


class Bootstrap(msgspec.Struct):
    """vanilla_tor, torsf, openvpn, psiphon."""

    success: bool | None = None
    failure: Str = None
    bootstrap_time: float | None = None


class RiseupVPN(msgspec.Struct):
    api_failures: list[str] | None = None
    api_failure: Str = None
    ca_cert_status: bool | None = None
    failure: Str = None


class Candidates(msgspec.Struct):
    """Where blockpages show: HTTP responses and DNS answers (any test)."""

    requests: list[Request] | None = None
    queries: list[Query] | None = None


def _merge(name: str, parts: tuple[type[msgspec.Struct], ...]) -> type[msgspec.Struct]:
    fields = []
    seen = set()
    for part in parts:
        for field in msgspec.structs.fields(part):
            if field.name not in seen:
                seen.add(field.name)
                fields.append((field.name, field.type, field.default))
    return msgspec.defstruct(name, fields)


def measurement_struct(*, candidates: bool) -> type[msgspec.Struct]:
    """One Struct for a whole measurement, so the bytes are scanned once.

    ``test_keys`` is the union of the keys every supported test needs; a test whose keys have
    other types (a rare shape) fails validation and is re-read by the tolerant path.
    """
    parts = (WebConnectivity, Tor, Bootstrap, RiseupVPN) + ((Candidates,) if candidates else ())
    keys = _merge("TestKeysWithCandidates" if candidates else "TestKeys", parts)
    return msgspec.defstruct(
        "MeasurementWithCandidates" if candidates else "Measurement",
        [("test_keys", keys | None | UnsetType, UNSET)],
        bases=(Base,),
    )
