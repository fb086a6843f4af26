"""A real HTTP server on 127.0.0.1 (thread, ephemeral port) for testing the live loaders.

It serves responses in the documented formats of the OONI API, Tor Metrics and IODA (see
``../shared/research/API_FORMATS.md``), built from *synthetic* data the tests make up, plus
faults: a slow reply (timeout), 5xx, 429 with Retry-After, a body cut short of its
Content-Length, malformed bodies, an error JSON with status 200.

>>> with FakeServer() as server:                                   # doctest: +SKIP
...     server.route("/x.csv", Reply(body=b"a,b\\n1,2\\n"))
...     requests.get(server.url + "/x.csv").text
'a,b\\n1,2\\n'
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

Query = dict[str, list[str]]


@dataclass
class Reply:
    """One scripted HTTP response."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (to provoke a client timeout)
    truncate_to: int | None = None  # announce len(body) but send only this many bytes

    @classmethod
    def json(cls, data: Any, status: int = 200) -> Reply:
        return cls(status, json.dumps(data).encode(), {"Content-Type": "application/json"})

    @classmethod
    def csv(cls, text: str, status: int = 200) -> Reply:
        return cls(status, text.encode(), {"Content-Type": "text/csv"})


Handler = Callable[[Query], Reply]


class FakeServer:
    """Routes: path -> a Reply, a list of Replies (served in turn, the last repeats) or a handler."""

    def __init__(self) -> None:
        self._routes: dict[str, Reply | list[Reply] | Handler] = {}
        self._lock = threading.Lock()
        self.requests: list[tuple[str, Query]] = []
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server API
                parts = urlsplit(self.path)
                query = parse_qs(parts.query, keep_blank_values=True)
                with outer._lock:
                    outer.requests.append((parts.path, query))
                reply = outer._reply(parts.path, query)
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self.send_response(reply.status)
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(reply.body)))
                    if reply.truncate_to is not None:
                        self.send_header("Connection", "close")
                    self.end_headers()
                    body = reply.body if reply.truncate_to is None else reply.body[: reply.truncate_to]
                    self.wfile.write(body)
                    self.wfile.flush()
                    if reply.truncate_to is not None:
                        self.close_connection = True
                except (BrokenPipeError, ConnectionResetError):  # client gave up (timeout test)
                    self.close_connection = True

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def route(self, path: str, reply: Reply | list[Reply] | Handler) -> None:
        with self._lock:
            self._routes[path] = list(reply) if isinstance(reply, list) else reply

    def hits(self, path: str) -> list[Query]:
        with self._lock:
            return [q for p, q in self.requests if p == path]

    def _reply(self, path: str, query: Query) -> Reply:
        with self._lock:
            target = self._routes.get(path)
            if isinstance(target, list):
                reply = target.pop(0) if len(target) > 1 else target[0]
                return reply
        if target is None:
            return Reply(404, b"not found")
        if isinstance(target, Reply):
            return target
        return target(query)

    def __enter__(self) -> FakeServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


# --------------------------------------------------------------------------- OONI aggregation

AGGREGATION_COUNTERS = ("anomaly_count", "confirmed_count", "failure_count", "ok_count")


def synthetic_aggregation_rows(
    *, tests: Iterable[str], asns: Iterable[int], since: dt.date, until: dt.date, seed: int = 7
) -> list[dict[str, Any]]:
    """Synthetic daily counts per (test, ASN, day); measurement_count is the sum of the counters."""
    rows = []
    day = since
    n = seed
    while day < until:
        for test in tests:
            for asn in asns:
                n = (n * 1103515245 + 12345) % 2**31
                counts = {
                    "anomaly_count": n % 5,
                    "confirmed_count": (n >> 3) % 2,
                    "failure_count": (n >> 5) % 3,
                    "ok_count": (n >> 7) % 20,
                }
                rows.append(
                    {"test_name": test, "probe_asn": asn, "measurement_start_day": day.isoformat(),
                     **counts, "measurement_count": sum(counts.values())}
                )
        day += dt.timedelta(days=1)
    return rows


def aggregation_csv(rows: list[dict[str, Any]], keys: Iterable[str]) -> str:
    """Rows rendered as the API does: header = sorted keys, empty result = empty body."""
    if not rows:
        return ""
    header = sorted(keys)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def aggregation_handler(rows: list[dict[str, Any]]) -> Handler:
    """Answer /api/v1/aggregation like the OONI API: filter, group by axes, CSV or JSON."""

    def handle(query: Query) -> Reply:
        one = {k: v[0] for k, v in query.items()}
        if one.get("time_grain") not in (None, "day"):
            return Reply.json({"msg": "Choose time_grain between day, week"}, status=400)
        since = dt.date.fromisoformat(one["since"])
        until = dt.date.fromisoformat(one["until"])
        if (until - since).days > 30 and one.get("time_grain") == "day":
            pass  # the real API allows day grain on longer ranges too
        tests = one.get("test_name", "").split(",") if one.get("test_name") else None
        asns = {int(a.removeprefix("AS")) for a in one["probe_asn"].split(",")} if one.get("probe_asn") else None
        axes = [a for a in (one.get("axis_x"), one.get("axis_y")) if a]
        picked = [
            r for r in rows
            if since <= dt.date.fromisoformat(r["measurement_start_day"]) < until
            and (tests is None or r["test_name"] in tests)
            and (asns is None or r["probe_asn"] in asns)
        ]
        grouped: dict[tuple, dict[str, Any]] = {}
        for r in picked:
            key = tuple(r[a] for a in axes)
            agg = grouped.setdefault(key, {**{a: r[a] for a in axes}, **dict.fromkeys(
                (*AGGREGATION_COUNTERS, "measurement_count"), 0)})
            for c in (*AGGREGATION_COUNTERS, "measurement_count"):
                agg[c] += r[c]
        result = [grouped[k] for k in sorted(grouped)]
        keys = [*axes, *AGGREGATION_COUNTERS, "measurement_count"]
        if one.get("format", "JSON").upper() == "CSV":
            return Reply.csv(aggregation_csv(result, keys))
        return Reply.json({"v": 0, "dimension_count": len(axes), "db_stats": {}, "result": result})

    return handle


def ooni_error_reply(message: str = "Invalid probe_asn value") -> Reply:
    """An error the API returns as JSON with status 200, even when CSV was asked for."""
    return Reply.json({"v": 0, "error": message, "msg": message})


# --------------------------------------------------------------------------- OONI measurements


def synthetic_measurements(n: int, *, probe_cc: str = "PK", test_name: str = "tor") -> list[dict[str, Any]]:
    start = dt.datetime(2024, 11, 1, tzinfo=dt.UTC)
    return [
        {
            "anomaly": i % 3 == 0, "confirmed": False, "failure": i % 7 == 0,
            "input": None, "probe_asn": f"AS{[17557, 9541, 45595][i % 3]}", "probe_cc": probe_cc,
            "report_id": f"synthetic-report-{i}", "scores": {"blocking_general": 0.0},
            "test_name": test_name,
            "measurement_start_time": (start + dt.timedelta(hours=i)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "measurement_uid": f"synthetic-uid-{i:05d}",
            "measurement_url": f"https://api.ooni.io/api/v1/raw_measurement?measurement_uid=synthetic-uid-{i:05d}",
        }
        for i in range(n)
    ]


def measurements_handler(items: list[dict[str, Any]], base_url: Callable[[], str]) -> Handler:
    """Answer /api/v1/measurements with offset/limit paging and next_url, like the API."""

    def handle(query: Query) -> Reply:
        one = {k: v[0] for k, v in query.items()}
        since = dt.datetime.fromisoformat(one["since"]).replace(tzinfo=dt.UTC)
        until = dt.datetime.fromisoformat(one["until"]).replace(tzinfo=dt.UTC)
        if (until - since).days > 180:
            return Reply.json({"msg": "The span between since and until is too long"}, status=400)
        limit, offset = int(one.get("limit", 100)), int(one.get("offset", 0))
        chosen = [
            m for m in items
            if since <= dt.datetime.fromisoformat(m["measurement_start_time"].replace("Z", "+00:00")) < until
            and m["test_name"] == one.get("test_name", m["test_name"])
        ]
        page = chosen[offset: offset + limit]
        more = offset + limit < len(chosen)
        next_url = None
        if more:
            following = {**one, "offset": str(offset + limit)}
            next_url = f"{base_url()}/api/v1/measurements?{urlencode(following)}"
        meta = {"count": -1 if more else len(chosen), "current_page": offset // limit + 1, "limit": limit,
                "next_url": next_url, "offset": offset, "pages": -1 if more else offset // limit + 1,
                "query_time": 0.01}
        return Reply.json({"metadata": meta, "results": page})

    return handle


# --------------------------------------------------------------------------- incidents


def synthetic_incidents() -> dict[str, Any]:
    def incident(i: int, cc: list[str], start: str, end: str | None) -> dict[str, Any]:
        return {
            "id": f"synthetic-{i}", "title": f"Synthetic incident {i}", "slug": f"synthetic-{i}",
            "short_description": "synthetic", "start_time": start, "end_time": end,
            "create_time": start, "update_time": start, "reported_by": "synthetic",
            "published": True, "event_type": "incident", "ASNs": [17557, 9541][: i + 1],
            "CCs": cc, "themes": ["social_media"], "tags": ["censorship"],
            "test_names": ["web_connectivity"], "domains": ["x.example"], "links": [],
        }

    return {"incidents": [
        incident(0, ["PK"], "2024-02-17T00:00:00.000000Z", None),
        incident(1, ["PK", "IR"], "2023-05-09T00:00:00.000000Z", "2023-05-17T00:00:00.000000Z"),
    ]}


# --------------------------------------------------------------------------- Tor Metrics


def synthetic_tor_userstats(
    start: dt.date, end: dt.date, *, country: str = "pk", kind: str = "relay"
) -> str:
    """userstats-<kind>-country.csv: ``#`` comment preamble, then date,country,users,lower,upper,frac."""
    lines = [
        "# © The Tor Project, Inc. Licensed under CC0. (synthetic test data)",
        f"# Estimated number of clients in the Tor network ({kind} users, synthetic)",
        "date,country,users,lower,upper,frac",
    ]
    day, i = start, 0
    while day <= end:
        users = 10000 + 37 * i
        if kind == "relay":
            lines.append(f"{day.isoformat()},{country},{users},{users - 900},{users + 1100},{60 + i % 30}")
        else:  # bridge users have no confidence interval
            lines.append(f"{day.isoformat()},{country},{users // 10},,,{60 + i % 30}")
        day += dt.timedelta(days=1)
        i += 1
    return "\n".join(lines) + "\n"


def tor_handler(kind: str = "relay") -> Handler:
    def handle(query: Query) -> Reply:
        one = {k: v[0] for k, v in query.items()}
        return Reply.csv(synthetic_tor_userstats(
            dt.date.fromisoformat(one["start"]), dt.date.fromisoformat(one["end"]),
            country=one.get("country", "pk"), kind=kind))

    return handle


# --------------------------------------------------------------------------- IODA


def ioda_envelope(series: list[Mapping[str, Any]]) -> dict[str, Any]:
    return {
        "type": "signals", "metadata": {"requestTime": "synthetic", "responseTime": "synthetic"},
        "requestParameters": {}, "error": None, "perf": None, "data": [list(series)],
        "copyright": "synthetic test data",
    }


def synthetic_ioda_series(
    *, entity_type: str, entity_code: str, start: int, until: int, step: int, datasource: str
) -> dict[str, Any]:
    n = (until - start) // step
    values = [None if i % 5 == 3 else 1000 + i for i in range(n)]
    return {
        "entityType": entity_type, "entityCode": entity_code, "entityName": "Synthetic",
        "entityFqid": f"synthetic.{entity_code}", "datasource": datasource, "subtype": "",
        "from": start, "until": until, "step": step, "nativeStep": step, "values": values,
    }


def ioda_handler(datasources: Iterable[str] = ("bgp", "ping-slash24"), step: int = 3600) -> Handler:
    sources = list(datasources)

    def handle(query: Query) -> Reply:
        one = {k: v[0] for k, v in query.items()}
        start, until = int(one["from"]), int(one["until"])
        chosen = [one["datasource"]] if "datasource" in one else sources
        return Reply.json(ioda_envelope([
            synthetic_ioda_series(entity_type="country", entity_code="PK", start=start,
                                  until=until, step=step, datasource=d)
            for d in chosen
        ]))

    return handle
