"""One HTTP download with timeouts, retries and exponential backoff, checked before it is kept.

Retried: connection errors, timeouts, bodies cut short (fewer bytes than Content-Length), 5xx,
and 429 (waiting as long as ``Retry-After`` says, capped). Not retried: other 4xx, a sha256
mismatch, a body the caller's validator rejects. The sleep function is injectable so tests
never sleep for real.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests
from urllib3.exceptions import NameResolutionError
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt

from claimaudit.fetch._staging import staged
from claimaudit.errors import FetchError, HashMismatchError

Validator = Callable[[Path], None]

MAX_WAIT_SECONDS = 120.0
PROGRESS_AFTER_SECONDS = 1.0
CHUNK = 1 << 16


@dataclass(frozen=True)
class Downloaded:
    status: int
    bytes: int
    sha256: str
    etag: str | None
    last_modified: str | None
    attempts: int


class _Retryable(Exception):
    def __init__(self, reason: str, *, retry_after: float | None = None, unreachable: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.unreachable = unreachable


#: Hosts that could not be connected to at all after every retry, in this process. Later
#: requests to them fail at once instead of waiting through the backoff again (a machine
#: without internet would otherwise wait for every source in turn).
_UNREACHABLE: set[str] = set()


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
) -> Downloaded:
    """Download ``url`` into ``target`` (atomically), or raise :class:`FetchError`."""
    host = urlsplit(url).netloc
    if host in _UNREACHABLE:
        raise FetchError(
            f"{host} could not be reached earlier in this run; not trying again",
            url=url,
            hint="check the network, or supply the file through a mirror (CLAIMAUDIT_MIRROR=DIR or --mirror DIR)",
        )
    own_session = session is None
    session = session or requests.Session()
    attempts = 0

    def once() -> Downloaded:
        nonlocal attempts
        attempts += 1
        return _attempt(session, url, target, timeout=timeout, sha256=sha256, validate=validate, attempts=attempts)

    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _Retryable) and exc.retry_after is not None:
            return min(exc.retry_after, MAX_WAIT_SECONDS)
        return min(backoff * 2 ** (state.attempt_number - 1), MAX_WAIT_SECONDS)

    retrying = Retrying(
        retry=retry_if_exception_type(_Retryable),
        stop=stop_after_attempt(max_retries + 1),
        wait=wait,
        sleep=sleep,
        reraise=True,
    )
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


def _attempt(
    session: requests.Session,
    url: str,
    target: Path,
    *,
    timeout: float,
    sha256: str | None,
    validate: Validator | None,
    attempts: int,
) -> Downloaded:
    from claimaudit import __version__

    try:
        response = session.get(
            url, stream=True, timeout=timeout, headers={"User-Agent": f"claimaudit/{__version__}"}
        )
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
        raise _Retryable(f"connection failed ({type(exc).__name__}: {exc})", unreachable=unreachable) from None
    with response:
        status = response.status_code
        if status == 429 or status >= 500:
            raise _Retryable(
                f"HTTP {status} {response.reason}",
                retry_after=_retry_after(response.headers.get("Retry-After")),
            )
        if status >= 400:
            raise FetchError(
                f"HTTP {status} {response.reason}",
                url=url,
                hint="check the URL and its parameters; the server refused this request",
            )
        expected = _expected_length(response)
        digest = hashlib.sha256()
        size = 0
        try:
            with staged(target) as (fh, tmp):
                with _Progress(url, expected) as progress:
                    for chunk in response.iter_content(CHUNK):
                        fh.write(chunk)
                        digest.update(chunk)
                        size += len(chunk)
                        progress.advance(len(chunk))
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
        except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
            raise _Retryable(f"connection broken while reading the body ({type(exc).__name__})") from None
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
            self.bar = Progress(*Progress.get_default_columns(), DownloadColumn(), TransferSpeedColumn(),
                                console=console, transient=True)
            self.bar.start()
            self.task = self.bar.add_task(self.url.rsplit("/", 1)[-1][:40], total=self.total)
        if self.bar:
            self.bar.update(self.task, completed=self.done)

    def __exit__(self, *exc: object) -> None:
        if self.bar:
            self.bar.stop()
