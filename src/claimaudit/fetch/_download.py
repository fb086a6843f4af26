"""One HTTP download with timeouts, a whole-request deadline, retries and backoff, checked before it is kept.

Retried: connection errors, timeouts, bodies cut short (fewer bytes than Content-Length), 5xx,
and 429. A 429 with ``Retry-After`` waits as long as it says (capped); a 429 without it (the OONI
API's: its quota is a moving per-minute window and it sends only ``X-RateLimit-Remaining``, see
ooni/backend ``ooniapi/common/src/common/rate_limit_quotas.py:126-130``) waits for the next quota
window, at most :data:`MAX_QUOTA_WAITS` times, and says so on stderr. Not retried: other 4xx
(the error names what the service said: OONI's ``detail``/``msg``, IODA's ``error``), a sha256
mismatch, a body the caller's validator rejects, a gzip body that is not gzip, a redirect loop, a
body with no length and no chunked framing (a cut could not be told from a whole answer).

Requests to one host are spaced so that no more than its quota (:func:`quota_for`) go out in
one window, and when a server says ``X-RateLimit-Remaining: 0`` the next request to it waits for
the window to pass. The sleep and the clock are injectable so tests never sleep for real.
"""

from __future__ import annotations

import hashlib
import json
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from tenacity import RetryCallState, Retrying, retry_if_exception_type
from urllib3.exceptions import NameResolutionError

from claimaudit import config
from claimaudit.errors import FetchError, HashMismatchError
from claimaudit.fetch._staging import staged

Validator = Callable[[Path], None]

MAX_WAIT_SECONDS = 120.0
PROGRESS_AFTER_SECONDS = 1.0
CHUNK = 1 << 16
#: How many times one URL waits for a quota window after a 429 without Retry-After.
MAX_QUOTA_WAITS = 3
#: Seconds in a quota window (the OONI API's limits are per minute: ``common/config.py:26``).
QUOTA_WINDOW_SECONDS = 60.0
#: Requests per quota window, per host, that claimaudit allows itself. The OONI API's deployed
#: quota is not in its code (``rate_limits`` is a setting, default "10/minute" in cost units of
#: 10 ms of server time), so this is a polite default; ``X-RateLimit-Remaining: 0`` and 429s
#: make claimaudit wait in any case. ``CLAIMAUDIT_REQUESTS_PER_MINUTE`` overrides it for every
#: host (0: no spacing).
DEFAULT_QUOTAS: dict[str, int] = {"api.ooni.io": 20}
#: Default whole-request deadline (seconds of one attempt, headers and body) and per-URL budget.
DEADLINE_SECONDS = 90.0

#: The clock used for spacing and deadlines (tests replace it together with the sleep).
clock: Callable[[], float] = time.monotonic


@dataclass(frozen=True)
class Downloaded:
    status: int
    bytes: int
    sha256: str
    etag: str | None
    last_modified: str | None
    attempts: int


class _Retryable(Exception):
    def __init__(
        self, reason: str, *, retry_after: float | None = None, unreachable: bool = False, quota: bool = False
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.unreachable = unreachable
        self.quota = quota  # a 429 without Retry-After: wait for the next quota window


#: Hosts that could not be connected to at all after every retry, in this process. Later
#: requests to them fail at once instead of waiting through the backoff again (a machine
#: without internet would otherwise wait for every source in turn).
_UNREACHABLE: set[str] = set()


def notice(message: str) -> None:
    """Say something about a wait on stderr (the progress display of a fetch)."""
    from rich.console import Console

    Console(stderr=True, highlight=False).print(f"[yellow]{message}[/yellow]")


def quota_for(host: str) -> int:
    """Requests per :data:`QUOTA_WINDOW_SECONDS` claimaudit sends to ``host`` (0: unlimited).

    >>> quota_for("api.ooni.io") >= 1
    True
    """
    value = (config.get("CLAIMAUDIT_REQUESTS_PER_MINUTE") or "").strip()
    if value:
        try:
            return max(0, int(value))
        except ValueError:
            raise FetchError(
                f"CLAIMAUDIT_REQUESTS_PER_MINUTE={value!r} is not a whole number",
                hint="set it to a number of requests per minute, or 0 for no spacing",
            ) from None
    return DEFAULT_QUOTAS.get(host.split(":")[0].lower(), 0)


class _Pacer:
    """Per-host request log: waits before a request that would exceed the host's quota."""

    def __init__(self) -> None:
        self._sent: dict[str, deque[float]] = {}
        self._blocked_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def reset(self) -> None:
        with self._lock:
            self._sent.clear()
            self._blocked_until.clear()

    def before(self, host: str, sleep: Callable[[float], None]) -> float:
        """Wait if needed; return the seconds waited."""
        quota = quota_for(host)
        with self._lock:
            now = clock()
            sent = self._sent.setdefault(host, deque())
            while sent and sent[0] <= now - QUOTA_WINDOW_SECONDS:
                sent.popleft()
            blocked = max(0.0, self._blocked_until.get(host, 0.0) - now)
            spaced = sent[len(sent) - quota] + QUOTA_WINDOW_SECONDS - now if quota and len(sent) >= quota else 0.0
            wait = max(blocked, spaced)
            sent.append(now + wait)
        if wait > 0:
            why = (
                f"{host} said no quota is left (X-RateLimit-Remaining: 0)"
                if blocked >= spaced
                else f"to stay inside {host}'s quota of {quota} requests per {_seconds(QUOTA_WINDOW_SECONDS)} s"
            )
            notice(f"waiting {_seconds(wait)} s: {why}")
            sleep(wait)
        return wait

    def waited(self, host: str) -> None:
        """A quota window was just waited out: the block set by :meth:`exhausted` is over."""
        with self._lock:
            self._blocked_until.pop(host, None)

    def exhausted(self, host: str) -> None:
        """The server said no quota is left: the next request waits for the window."""
        with self._lock:
            self._blocked_until[host] = clock() + QUOTA_WINDOW_SECONDS


PACER = _Pacer()


def _seconds(value: float) -> str:
    """``'42'`` or, under ten seconds, ``'4.2'``."""
    return f"{value:.1f}" if value < 10 else f"{value:.0f}"


def download(
    url: str,
    target: Path,
    *,
    timeout: float,
    max_retries: int,
    backoff: float,
    sleep: Callable[[float], None] = time.sleep,
    sha256: str | None = None,
    validate: Validator | None = None,
    session: requests.Session | None = None,
    deadline: float = DEADLINE_SECONDS,
) -> Downloaded:
    """Download ``url`` into ``target`` (atomically), or raise :class:`FetchError`.

    ``timeout`` bounds each connect and each read; ``deadline`` bounds one whole attempt (a
    server that sends a byte every few seconds cannot hold it longer) and, summed over the
    attempts (not counting waits the server asked for), the URL.
    """
    host = urlsplit(url).netloc
    if host in _UNREACHABLE:
        raise FetchError(
            f"{host} could not be reached earlier in this run; not trying again",
            url=url,
            hint="check the network, or supply the file through a mirror (CLAIMAUDIT_MIRROR=DIR or --mirror DIR)",
        )
    own_session = session is None
    session = session or requests.Session()
    session.max_redirects = 10
    attempts = 0
    quota_hits = 0  # 429s without Retry-After so far
    active = 0.0  # seconds spent in attempts (not waiting)

    def once() -> Downloaded:
        nonlocal attempts, active, quota_hits
        attempts += 1
        PACER.before(host, sleep)
        started = clock()
        try:
            return _attempt(
                session,
                url,
                target,
                timeout=timeout,
                sha256=sha256,
                validate=validate,
                attempts=attempts,
                deadline=deadline,
            )
        except _Retryable as exc:
            if exc.quota:
                quota_hits += 1
            raise
        finally:
            active += clock() - started

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Retryable) and exc.retry_after is not None:
            return min(exc.retry_after, MAX_WAIT_SECONDS)
        if isinstance(exc, _Retryable) and exc.quota:
            if quota_hits > MAX_QUOTA_WAITS:  # tenacity may ask for the wait before the stop check
                return 0.0
            notice(
                f"{host} answered 429 (quota exceeded) without Retry-After: waiting"
                f" {_seconds(QUOTA_WINDOW_SECONDS)} s for the next quota window ({quota_hits} of {MAX_QUOTA_WAITS})"
            )
            PACER.waited(host)
            return QUOTA_WINDOW_SECONDS
        return min(backoff * 2 ** (state.attempt_number - 1), MAX_WAIT_SECONDS)

    def stop(state: RetryCallState) -> bool:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Retryable) and exc.quota:
            return quota_hits > MAX_QUOTA_WAITS
        return state.attempt_number >= max_retries + 1 or active >= deadline

    retrying = Retrying(retry=retry_if_exception_type(_Retryable), stop=stop, wait=wait, sleep=sleep, reraise=True)
    try:
        return retrying(once)
    except _Retryable as exc:
        if exc.unreachable:
            _UNREACHABLE.add(host)
        raise FetchError(
            f"gave up after {attempts} attempt(s): {exc.reason}",
            url=url,
            hint="the server may be down or rate-limiting; try again later, or supply the file "
            "through a mirror (CLAIMAUDIT_MIRROR=DIR or --mirror DIR)",
        ) from None
    finally:
        if own_session:
            session.close()


def service_said(response: requests.Response, limit: int = 1 << 16) -> str | None:
    """What an error response says, in the service's own words: OONI's ``detail`` (a string, or
    FastAPI's list of validation errors) or ``msg``, IODA's ``error``; else the start of the body."""
    try:
        raw = response.raw.read(limit, decode_content=True) if response.raw is not None else b""
    except Exception:  # noqa: BLE001 - the reason is a courtesy; the status is the error
        return None
    text = raw.decode("utf-8", "replace").strip()
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return " ".join(text.split())[:200]
    if isinstance(data, dict):
        for key in ("detail", "error", "msg", "message"):
            value = data.get(key)
            if isinstance(value, list):  # FastAPI 422: [{"loc": [...], "msg": "...", ...}]
                parts = []
                for item in value:
                    if isinstance(item, dict):
                        where = ".".join(str(p) for p in item.get("loc", []) if p != "query")
                        parts.append(f"{where}: {item.get('msg')}" if where else str(item.get("msg")))
                    else:
                        parts.append(str(item))
                return "; ".join(parts)[:300]
            if value:
                return str(value)[:300]
    return " ".join(text.split())[:200]


def _socket_of(response: requests.Response) -> socket.socket | None:
    raw = response.raw
    conn = getattr(raw, "_connection", None)
    sock = getattr(conn, "sock", None)
    if sock is not None:
        return sock
    fp = getattr(getattr(getattr(raw, "_fp", None), "fp", None), "raw", None)
    return getattr(fp, "_sock", None)


#: A body that keeps arriving at least this fast (bytes per second) earns more time past the
#: deadline, so a large file on a slow but working line is not cut; a dribbling server is.
MIN_RATE = 64 * 1024


class _Watchdog:
    """Shuts the connection of ``response`` down when the attempt's deadline passes, so a read
    blocked on a server that dribbles bytes returns at once. The deadline grows by one second
    per :data:`MIN_RATE` bytes received."""

    def __init__(self, seconds: float) -> None:
        self.seconds = max(0.0, seconds)
        self.started = time.monotonic()
        self.received = 0
        self.fired = False
        self._timer: threading.Timer | None = None
        self._response: requests.Response | None = None

    def watch(self, response: requests.Response) -> None:
        self._response = response
        self._arm(self.seconds)

    def _arm(self, delay: float) -> None:
        self._timer = threading.Timer(max(0.01, delay), self._check)
        self._timer.daemon = True
        self._timer.start()

    def _check(self) -> None:
        allowed = self.started + self.seconds + self.received / MIN_RATE
        left = allowed - time.monotonic()
        if left > 0.01:
            self._arm(left)
            return
        self.fired = True
        sock = _socket_of(self._response) if self._response is not None else None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()


def _attempt(
    session: requests.Session,
    url: str,
    target: Path,
    *,
    timeout: float,
    sha256: str | None,
    validate: Validator | None,
    attempts: int,
    deadline: float = DEADLINE_SECONDS,
) -> Downloaded:
    from claimaudit import __version__

    ends = clock() + deadline
    try:
        response = session.get(
            url,
            stream=True,
            timeout=(min(timeout, deadline), min(timeout, deadline)),
            headers={"User-Agent": f"claimaudit/{__version__}"},
        )
    except requests.TooManyRedirects:
        raise FetchError(
            f"redirect loop: more than {session.max_redirects} redirects (the server keeps sending"
            " the request elsewhere, e.g. to itself)",
            url=url,
            hint="check the URL; the server's redirects never reach a document, nothing was cached",
        ) from None
    except requests.exceptions.ContentDecodingError:
        raise _gzip_error(url) from None
    except (requests.ConnectionError, requests.Timeout) as exc:
        reason = getattr(exc.args[0], "reason", None) if exc.args else None
        if isinstance(reason, NameResolutionError):  # no DNS: retrying in seconds will not help
            host = urlsplit(url).netloc
            _UNREACHABLE.add(host)
            raise FetchError(
                f"cannot resolve {host} (no network or no DNS)",
                url=url,
                hint="run with network access, or supply the file through a mirror "
                "(CLAIMAUDIT_MIRROR=DIR or --mirror DIR), or pass --offline",
            ) from None
        unreachable = not isinstance(exc, requests.Timeout) or isinstance(exc, requests.ConnectTimeout)
        if isinstance(exc, requests.Timeout) and not isinstance(exc, requests.ConnectTimeout):
            raise _Retryable(f"timed out: no answer within {min(timeout, deadline):g} s") from None
        raise _Retryable(f"connection failed ({type(exc).__name__}: {exc})", unreachable=unreachable) from None
    watchdog = _Watchdog(ends - clock())
    watchdog.watch(response)
    try:
        with response:
            return _read(
                response,
                url,
                target,
                sha256=sha256,
                validate=validate,
                attempts=attempts,
                watchdog=watchdog,
                deadline=deadline,
            )
    finally:
        watchdog.cancel()


def _gzip_error(url: str) -> FetchError:
    return FetchError(
        "the server said the body is compressed (Content-Encoding: gzip or deflate) but it is not:"
        " it cannot be decoded",
        url=url,
        hint="the server or a proxy is misconfigured; try again later or supply the file through a "
        "mirror (CLAIMAUDIT_MIRROR=DIR); nothing was cached",
    )


def _read(
    response: requests.Response,
    url: str,
    target: Path,
    *,
    sha256: str | None,
    validate: Validator | None,
    attempts: int,
    watchdog: _Watchdog,
    deadline: float,
) -> Downloaded:
    status = response.status_code
    host = urlsplit(url).netloc
    if response.headers.get("X-RateLimit-Remaining", "").strip() == "0":
        PACER.exhausted(host)
    if status == 429 or status >= 500:
        said = service_said(response)
        retry_after = _retry_after(response.headers.get("Retry-After"))
        raise _Retryable(
            f"HTTP {status} {response.reason}" + (f" — the service said: {said}" if said else ""),
            retry_after=retry_after,
            quota=status == 429 and retry_after is None,
        )
    if status >= 400:
        said = service_said(response)
        raise FetchError(
            f"HTTP {status} {response.reason}" + (f" — the service said: {said}" if said else ""),
            url=url,
            hint="check the URL and its parameters; the server refused this request",
        )
    expected = _expected_length(response)
    chunked = "chunked" in response.headers.get("Transfer-Encoding", "").lower()
    if expected is None and not chunked and response.headers.get("Content-Length") is None:
        raise FetchError(
            "the server sent neither Content-Length nor a chunked body, so a body cut short could not"
            " be told from a whole one; it was not cached",
            url=url,
            hint="try again later; if it persists, fetch the file by other means into a mirror (CLAIMAUDIT_MIRROR=DIR)",
        )
    digest = hashlib.sha256()
    size = 0
    try:
        with staged(target) as (fh, tmp):
            with _Progress(url, expected) as progress:
                for chunk in response.iter_content(CHUNK):
                    if watchdog.fired:
                        break
                    fh.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
                    watchdog.received = size
                    progress.advance(len(chunk))
            if watchdog.fired:
                raise _Retryable(
                    f"timed out: the answer was not complete within {deadline:g} s ({size} bytes had arrived)"
                )
            if expected is not None and size != expected:
                raise _Retryable(f"truncated body: got {size} of {expected} bytes (Content-Length)")
            actual = digest.hexdigest()
            if sha256 and actual != sha256:
                raise HashMismatchError(
                    f"sha256 mismatch: expected {sha256}, the server sent {actual} ({size} bytes); "
                    "the file was not cached",
                    url=url,
                    hint="if the publisher changed the file, review it and update the hash in its "
                    "datapackage.json; otherwise retry later",
                )
            if validate is not None:
                fh.flush()
                validate(tmp)
    except requests.exceptions.ContentDecodingError:
        raise _gzip_error(url) from None
    except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
        if watchdog.fired:
            raise _Retryable(
                f"timed out: the answer was not complete within {deadline:g} s ({size} bytes had arrived)"
            ) from None
        raise _Retryable(f"connection broken while reading the body ({type(exc).__name__})") from None
    except OSError:
        if watchdog.fired:
            raise _Retryable(
                f"timed out: the answer was not complete within {deadline:g} s ({size} bytes had arrived)"
            ) from None
        raise
    return Downloaded(
        status=status,
        bytes=size,
        sha256=actual,
        etag=response.headers.get("ETag"),
        last_modified=response.headers.get("Last-Modified"),
        attempts=attempts,
    )


def _expected_length(response: requests.Response) -> int | None:
    if response.headers.get("Content-Encoding", "identity") != "identity":
        return None  # Content-Length counts the compressed bytes
    value = response.headers.get("Content-Length")
    return int(value) if value and value.isdigit() else None


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.replace(".", "", 1).isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    import datetime as dt

    if when.tzinfo is None:  # "-0000" (RFC 5322: zone unknown) parses naive; HTTP dates are UTC
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


class _Progress:
    """A rich progress bar that appears only once a download has taken more than a second."""

    def __init__(self, url: str, total: int | None) -> None:
        self.url = url
        self.total = total
        self.started = time.monotonic()
        self.done = 0
        self.bar: Any = None
        self.task: Any = None

    def __enter__(self) -> _Progress:
        return self

    def advance(self, n: int) -> None:
        self.done += n
        if self.bar is None:
            if time.monotonic() - self.started < PROGRESS_AFTER_SECONDS:
                return
            from rich.console import Console
            from rich.progress import DownloadColumn, Progress, TransferSpeedColumn

            console = Console(stderr=True)
            if not console.is_terminal:
                self.bar = False
                return
            self.bar = Progress(
                *Progress.get_default_columns(),
                DownloadColumn(),
                TransferSpeedColumn(),
                console=console,
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task(self.url.rsplit("/", 1)[-1][:40], total=self.total)
        if self.bar:
            self.bar.update(self.task, completed=self.done)

    def __exit__(self, *exc: object) -> None:
        if self.bar:
            self.bar.stop()
