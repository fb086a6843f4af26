"""A real HTTP server on 127.0.0.1 (thread, ephemeral port) that models the live services.

It serves *synthetic* data the tests make up, in the formats and with the behaviours of the real
servers, each traced to the server code it models (read with the search tool's ``fetch``):

* OONI API — ooni/backend @32d8349 (``ooniapi/services/oonimeasurements/...`` below ``om/``):
  aggregation CSV with CRLF line ends, an empty body for no rows; ``[since, until)``;
  measurement lists ``> since`` / ``<= until``, paged by offset ordered by start time only (ties
  come in any order), ``next_url`` whenever a page is full; the 180-day limit; error bodies
  (FastAPI ``detail``, ``jerror``'s ``msg``); a per-minute moving-window quota answered with 429
  *without* ``Retry-After``.
* IODA — InetIntel/ioda-api @a5fac0e: every datasource when none is asked, merged datasources
  whose values are lists of objects, the 100-day limit, errors in the envelope's ``error``.
* Tor Metrics — torproject/metrics-web: ``#`` comment lines, then R's ``write.csv`` output.

Plus faults: a slow reply (timeout), a reply that never comes, a body dribbled a byte at a time,
5xx, 429 with Retry-After, a body cut short of its Content-Length, a body with no length and no
chunked framing, a "gzip" body that is not gzip, a redirect to itself, an error JSON with 200.

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
import random
import threading
import time
from collections import deque
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
    framing: str = "length"  # "length": Content-Length; "chunked"; "close": neither, close at the end
    dribble: float = 0.0  # seconds between single bytes of the body

    @classmethod
    def json(cls, data: Any, status: int = 200) -> Reply:
        return cls(status, json.dumps(data).encode(), {"Content-Type": "application/json"})

    @classmethod
    def csv(cls, text: str, status: int = 200) -> Reply:
        return cls(status, text.encode(), {"Content-Type": "text/csv"})


Handler = Callable[[Query], Reply]


class Quota:
    """A moving-window request quota per client, like the OONI API's rate limiter.

    Models ooni/backend ``ooniapi/common/src/common/rate_limit_quotas.py``: a
    ``MovingWindowRateLimiter`` (line 63) over ``rate_limits`` ("10/minute;..." in
    ``ooniapi/common/src/common/config.py:26``); when no quota remains it answers 429 with
    ``{"error": "quota exceeded"}`` and ``X-RateLimit-Remaining: 0`` and **no Retry-After**
    (lines 126-130); otherwise it sets ``X-RateLimit-Remaining`` (line 142). Here each request
    costs 1 (the real cost is 10 ms units of server time, line 139) and ``window`` is seconds.
    """

    def __init__(self, limit: int, window: float = 60.0) -> None:
        self.limit, self.window = limit, window
        self._hits: deque[float] = deque()
        self.refused = 0
        self._lock = threading.Lock()

    def take(self) -> int | None:
        """The remaining quota after this request, or None if the request is refused."""
        with self._lock:
            now = time.monotonic()
            while self._hits and self._hits[0] <= now - self.window:
                self._hits.popleft()
            if len(self._hits) >= self.limit:
                self.refused += 1
                return None
            self._hits.append(now)
            return self.limit - len(self._hits)


class FakeServer:
    """Routes: path -> a Reply, a list of Replies (served in turn, the last repeats) or a handler.

    ``quota`` (a :class:`Quota`) applies to every path starting with ``quota_prefix``.
    """

    def __init__(self, quota: Quota | None = None, quota_prefix: str = "/api/") -> None:
        self._routes: dict[str, Reply | list[Reply] | Handler] = {}
        self._lock = threading.Lock()
        self.requests: list[tuple[str, Query]] = []
        self.quota = quota
        self.quota_prefix = quota_prefix
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
                remaining: int | None = -1
                if outer.quota is not None and parts.path.startswith(outer.quota_prefix):
                    remaining = outer.quota.take()
                if remaining is None:  # rate_limit_quotas.py:126-130: 429, no Retry-After
                    reply = Reply.json({"error": "quota exceeded"}, status=429)
                    reply.headers["X-RateLimit-Remaining"] = "0"
                else:
                    reply = outer._reply(parts.path, query)
                    if remaining >= 0:  # rate_limit_quotas.py:142
                        reply = Reply(
                            reply.status,
                            reply.body,
                            {**reply.headers, "X-RateLimit-Remaining": str(remaining)},
                            reply.delay,
                            reply.truncate_to,
                            reply.framing,
                            reply.dribble,
                        )
                if reply.delay:
                    time.sleep(reply.delay)
                try:
                    self._send(reply)
                except (BrokenPipeError, ConnectionResetError, OSError):  # client gave up (timeout test)
                    self.close_connection = True

            def _send(self, reply: Reply) -> None:
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.framing == "length":
                    self.send_header("Content-Length", str(len(reply.body)))
                elif reply.framing == "chunked":
                    self.send_header("Transfer-Encoding", "chunked")
                if reply.truncate_to is not None or reply.framing == "close":
                    self.send_header("Connection", "close")
                self.end_headers()
                body = reply.body if reply.truncate_to is None else reply.body[: reply.truncate_to]
                if reply.framing == "chunked":
                    if body:
                        self.wfile.write(f"{len(body):x}\r\n".encode() + body + b"\r\n")
                    self.wfile.write(b"0\r\n\r\n")
                elif reply.dribble:
                    for i in range(len(body)):
                        self.wfile.write(body[i : i + 1])
                        self.wfile.flush()
                        time.sleep(reply.dribble)
                else:
                    self.wfile.write(body)
                self.wfile.flush()
                if reply.truncate_to is not None or reply.framing == "close":
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
                    {
                        "test_name": test,
                        "probe_asn": asn,
                        "measurement_start_day": day.isoformat(),
                        **counts,
                        "measurement_count": sum(counts.values()),
                    }
                )
        day += dt.timedelta(days=1)
    return rows


def aggregation_csv(rows: list[dict[str, Any]], keys: Iterable[str]) -> str:
    """Rows rendered as the API does (ooni/backend ooniapi/common/src/common/utils.py:51-68,
    ``convert_to_csv``): no rows -> an empty body; header = sorted keys; ``csv.DictWriter``'s
    default line end, CRLF."""
    if not rows:
        return ""
    header = sorted(keys)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore")  # lineterminator "\r\n"
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def aggregation_handler(rows: list[dict[str, Any]]) -> Handler:
    """Answer /api/v1/aggregation like the OONI API (om/routers/v1/aggregation.py): filter
    ``measurement_start_time >= since`` and ``< until`` (lines 353, 357), group by the axes, CSV
    or JSON. A bad probe_asn is HTTPException 400 ``{"detail": ...}`` (lines 259-260)."""

    def handle(query: Query) -> Reply:
        one = {k: v[0] for k, v in query.items()}
        if one.get("time_grain") not in (None, "day"):
            return Reply.json({"msg": "Choose time_grain between day, week"}, status=400)
        asn_text = one.get("probe_asn", "")
        if asn_text and not all(a.removeprefix("AS").isdigit() for a in asn_text.split(",")):
            return Reply.json({"detail": "Invalid ASN value in parameter probe_asn"}, status=400)
        since = dt.date.fromisoformat(one["since"])
        until = dt.date.fromisoformat(one["until"])
        if (until - since).days > 30 and one.get("time_grain") == "day":
            pass  # the real API allows day grain on longer ranges too
        tests = one.get("test_name", "").split(",") if one.get("test_name") else None
        asns = {int(a.removeprefix("AS")) for a in one["probe_asn"].split(",")} if one.get("probe_asn") else None
        axes = [a for a in (one.get("axis_x"), one.get("axis_y")) if a]
        picked = [
            r
            for r in rows
            if since <= dt.date.fromisoformat(r["measurement_start_day"]) < until
            and (tests is None or r["test_name"] in tests)
            and (asns is None or r["probe_asn"] in asns)
        ]
        grouped: dict[tuple, dict[str, Any]] = {}
        for r in picked:
            key = tuple(r[a] for a in axes)
            agg = grouped.setdefault(
                key, {**{a: r[a] for a in axes}, **dict.fromkeys((*AGGREGATION_COUNTERS, "measurement_count"), 0)}
            )
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


def synthetic_measurements(
    n: int,
    *,
    probe_cc: str = "PK",
    test_name: str = "tor",
    start: dt.datetime = dt.datetime(2024, 11, 1, tzinfo=dt.UTC),
    step: dt.timedelta = dt.timedelta(hours=1),
    per_step: int = 1,
) -> list[dict[str, Any]]:
    """``n`` synthetic measurements; ``per_step`` of them share each start time (ties)."""
    return [
        {
            "anomaly": i % 3 == 0,
            "confirmed": False,
            "failure": i % 7 == 0,
            "input": None,
            "probe_asn": f"AS{[17557, 9541, 45595][i % 3]}",
            "probe_cc": probe_cc,
            "report_id": f"synthetic-report-{i}",
            "scores": {"blocking_general": 0.0},
            "test_name": test_name,
            "measurement_start_time": (start + step * (i // per_step)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "measurement_uid": f"synthetic-uid-{i:05d}",
            "measurement_url": f"https://api.ooni.io/api/v1/raw_measurement?measurement_uid=synthetic-uid-{i:05d}",
        }
        for i in range(n)
    ]


def _moment(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def measurements_handler(items: list[dict[str, Any]], base_url: Callable[[], str], *, seed: int = 1) -> Handler:
    """Answer /api/v1/measurements like om/routers/v1/measurements.py:

    * more than 180 days between since and until: 400 ``{"detail": ...}`` (lines 756-763);
    * ``measurement_start_time > since`` and ``<= until`` (lines 782-788);
    * ``ORDER BY measurement_start_time`` only, then ``OFFSET``/``LIMIT`` (lines 887-894): rows
      with the same start time come in an order that changes from query to query (ClickHouse
      gives no order among ties), so offset pages can skip or repeat them;
    * a page shorter than ``limit`` ends the list (count known); a full page gets a ``next_url``
      with ``offset + limit`` (lines 949-963).
    """
    shuffle = random.Random(seed)

    def handle(query: Query) -> Reply:
        one = {k: v[0] for k, v in query.items()}
        since, until = _moment(one["since"]), _moment(one["until"])
        days = (until - since).days
        if days > 180:
            return Reply.json(
                {"detail": f"Time range must not exceed 6 months. Requested: {days} days (limit: 180 days)."},
                status=400,
            )
        limit, offset = int(one.get("limit", 100)), int(one.get("offset", 0))
        chosen = [
            m
            for m in items
            if since < _moment(m["measurement_start_time"]) <= until
            and m["test_name"] == one.get("test_name", m["test_name"])
        ]
        keyed = [(m["measurement_start_time"], shuffle.random(), m) for m in chosen]
        keyed.sort(key=lambda k: (k[0], k[1]), reverse=one.get("order", "desc") == "desc")
        page = [m for _, _, m in keyed[offset : offset + limit]]
        if len(page) < limit:
            count, pages, next_url = offset + len(page), -(-(offset + len(page)) // limit), None
        else:
            count = pages = -1
            next_query = urlencode({**one, "offset": str(offset + limit), "limit": str(limit)})
            next_url = f"{base_url()}/api/v1/measurements?{next_query}"
        meta = {
            "count": count,
            "current_page": offset // limit + 1,
            "limit": limit,
            "next_url": next_url,
            "offset": offset,
            "pages": pages,
            "query_time": 0.01,
        }
        return Reply.json({"metadata": meta, "results": page})

    return handle


# --------------------------------------------------------------------------- incidents


def synthetic_incidents() -> dict[str, Any]:
    def incident(i: int, cc: list[str], start: str, end: str | None) -> dict[str, Any]:
        return {
            "id": f"synthetic-{i}",
            "title": f"Synthetic incident {i}",
            "slug": f"synthetic-{i}",
            "short_description": "synthetic",
            "start_time": start,
            "end_time": end,
            "create_time": start,
            "update_time": start,
            "reported_by": "synthetic",
            "published": True,
            "event_type": "incident",
            "ASNs": [17557, 9541][: i + 1],
            "CCs": cc,
            "themes": ["social_media"],
            "tags": ["censorship"],
            "test_names": ["web_connectivity"],
            "domains": ["x.example"],
            "links": [],
        }

    return {
        "incidents": [
            incident(0, ["PK"], "2024-02-17T00:00:00.000000Z", None),
            incident(1, ["PK", "IR"], "2023-05-09T00:00:00.000000Z", "2023-05-17T00:00:00.000000Z"),
        ]
    }


# --------------------------------------------------------------------------- Tor Metrics


def synthetic_tor_userstats(start: dt.date, end: dt.date, *, country: str = "pk", kind: str = "relay") -> str:
    """userstats-<kind>-country.csv: ``#`` comment preamble, then date,country,users,lower,upper,frac.

    The body is R's ``write.csv(..., quote = FALSE, row.names = FALSE)`` (torproject/metrics-web
    src/main/R/rserver/rserve-init.R:1716): ``\n`` line ends, empty cells for NA."""
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
        return Reply.csv(
            synthetic_tor_userstats(
                dt.date.fromisoformat(one["start"]),
                dt.date.fromisoformat(one["end"]),
                country=one.get("country", "pk"),
                kind=kind,
            )
        )

    return handle


# --------------------------------------------------------------------------- IODA


def ioda_envelope(series: list[Mapping[str, Any]], error: str | None = None) -> dict[str, Any]:
    """IODA's response envelope (InetIntel/ioda-api src/Response/Envelope.php): ``data`` is a list
    of series sets, one per entity; ``error`` a message or null (lines 294-297)."""
    return {
        "type": "signals",
        "metadata": {"requestTime": "synthetic", "responseTime": "synthetic"},
        "requestParameters": {},
        "error": error,
        "perf": None,
        "data": [list(series)] if error is None else None,
        "copyright": "synthetic test data",
    }


def synthetic_ioda_series(
    *, entity_type: str, entity_code: str, start: int, until: int, step: int, datasource: str
) -> dict[str, Any]:
    n = (until - start) // step
    values = [None if i % 5 == 3 else 1000 + i for i in range(n)]
    return {
        "entityType": entity_type,
        "entityCode": entity_code,
        "entityName": "Synthetic",
        "entityFqid": f"synthetic.{entity_code}",
        "datasource": datasource,
        "subtype": "",
        "from": start,
        "until": until,
        "step": step,
        "nativeStep": step,
        "values": values,
    }


#: Datasources IODA merges with the "append" strategy (src/Service/SignalsService.php:415-437):
#: each value becomes a list of objects (src/TimeSeries/Backend/InfluxV2Backend.php:185-195).
IODA_MERGED = ("ping-slash24-loss", "ping-slash24-latency", "gtr-sarima", "upstream-delay-penult-asns")
IODA_SCALAR = ("bgp", "ping-slash24", "merit-nt", "gtr")


def synthetic_ioda_merged_series(
    *, entity_type: str, entity_code: str, start: int, until: int, step: int, datasource: str
) -> dict[str, Any]:
    """A merged series: each value a list of ``{labels..., "agg_values": {metric: value}}``."""
    series = synthetic_ioda_series(
        entity_type=entity_type, entity_code=entity_code, start=start, until=until, step=step, datasource=datasource
    )
    series["values"] = [
        [{"probe_count": "synthetic", "agg_values": {"loss_pct": 1.5, "probe_count": 3}}] for _ in series["values"]
    ]
    return series


def ioda_backend_failure_reply() -> Reply:
    """What IODA sends when its time-series backend fails: status 200, ``data`` the empty list and
    ``error`` null — SignalsController.php:364-370 calls ``setError`` then ``setData([])``, and
    ``setData`` clears the error (src/Response/Envelope.php:305-309)."""
    return Reply.json({**ioda_envelope([]), "data": [], "error": None})


def ioda_handler(
    datasources: Iterable[str] = IODA_SCALAR + IODA_MERGED, step: int = 3600, entity_code: str = "PK"
) -> Handler:
    """Answer /v2/signals/raw/{type}/{code} like src/Controller/SignalsController.php:

    * ``until - from`` over 100 days: 400 with the envelope's error "Time range for a single query
      must be less than 100 days" (lines 133-137, returned at 349-351);
    * an unknown datasource: 400 "invalid datasource ..." (lines 139-143);
    * no datasource: every datasource (lines 356-358), merged ones with lists as values.
    """
    sources = list(datasources)

    def handle(query: Query) -> Reply:
        one = {k: v[0] for k, v in query.items()}
        start, until = int(one["from"]), int(one["until"])
        if start > until:
            return Reply.json(ioda_envelope([], error=f"from ({start}) must be earlier than until ({until})"), 400)
        if until - start > 100 * 24 * 60 * 60:
            return Reply.json(ioda_envelope([], error="Time range for a single query must be less than 100 days"), 400)
        if "datasource" in one and one["datasource"] not in sources:
            return Reply.json(
                ioda_envelope(
                    [],
                    error=f"invalid datasource {one['datasource']} (must be one of the"
                    f" following [{', '.join(sources)}])",
                ),
                400,
            )
        chosen = [one["datasource"]] if "datasource" in one else sources
        made = [
            (synthetic_ioda_merged_series if d in IODA_MERGED else synthetic_ioda_series)(
                entity_type="country", entity_code=entity_code, start=start, until=until, step=step, datasource=d
            )
            for d in chosen
        ]
        return Reply.json(ioda_envelope(made))

    return handle
