"""Get third-party bytes by canonical URL: from the cache, a local mirror, or the network.

>>> result = fetch("https://raw.githubusercontent.com/ooni/blocking-fingerprints/"
...                "171641e60b54231cad18753a72145da87b0d3e07/fingerprints_dns.csv",
...                sha256="66acd7b5c3449b03d01b8ae3b1c83146f1d99453c67597e59fc5f6d52b4a7013",
...                offline=True)                                   # doctest: +SKIP
>>> result.origin, result.path.name                                # doctest: +SKIP
('mirror', 'fingerprints_dns.csv')

Order of search:

1. **cache** — ``claimaudit.paths.cache_dir()`` (``.cache/claimaudit/``, ``CLAIMAUDIT_CACHE``
   overrides), used when the cached file still has the sha256 the manifest recorded (and the
   caller's ``sha256``, if given). ``refresh=True`` skips it when online.
2. **mirror** — ``mirror=DIR`` or ``CLAIMAUDIT_MIRROR=DIR``: ``https://host/path`` is
   ``DIR/host/path``. A URL with a query string maps to ``DIR/host/path__q_<sha1>`` where
   ``<sha1>`` is the SHA-1 of the query with its parameters sorted (see :func:`mirror_path`).
   A mirror file is copied into the cache so later runs need neither mirror nor network.
3. **network** — unless ``offline=True`` (or ``CLAIMAUDIT_OFFLINE=1``): requests with a timeout
   and a whole-request deadline, retries with exponential backoff on connection errors, 5xx and
   429 (honouring Retry-After, else waiting for the next quota window), spaced per host.

Live answers (``live=``: ``ooni_api``, ``tor_metrics``, ``ioda``) record the window they cover
(``window_start``, ``window_end``, both inclusive) besides ``retrieved_at``. Online, a cached live
answer is asked again when its window ends within the last :func:`recent_days` days (default 7,
``CLAIMAUDIT_LIVE_RECENT_DAYS``) and it is older than :func:`ttl_hours` (default 24,
``CLAIMAUDIT_LIVE_TTL_HOURS``): late uploads and partial days are picked up; older windows are
kept for good. An answer the caller calls empty (``empty=``) is recorded as empty
(``"empty": true``) and asked again on the next online fetch. If asking again fails, the cached
copy is used and a warning says so. :func:`live_provenance` says "as of" per live source.

Every file entering the cache is written beside its final name and renamed only once its
length, sha256 and the caller's ``validate`` hook pass; each gets a manifest entry (url,
retrieved_at UTC, bytes, sha256, HTTP status, ETag/Last-Modified, origin). When nothing can
supply the URL, :class:`~claimaudit.errors.NotAvailableError` says how to supply it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from claimaudit import config, paths
from claimaudit._io import sha256_file
from claimaudit.errors import FetchError, HashMismatchError, NotAvailableError
from claimaudit.fetch import _manifest as manifest
from claimaudit.fetch._download import Validator, download
from claimaudit.fetch._layout import relative_path
from claimaudit.fetch._staging import staged

Origin = Literal["cache", "mirror", "network"]
_CHUNK = 1 << 20

#: How :func:`fetch` waits between retries when no ``sleep=`` is passed. Tests replace it (with
#: ``monkeypatch.setattr(claimaudit.fetch._core, "backoff_sleep", recorder)``) so they never sleep.
backoff_sleep: Callable[[float], None] = time.sleep


@dataclass(frozen=True)
class FetchResult:
    """Where the bytes of ``url`` now are (always inside the cache) and where they came from.

    ``origin`` is how this call got them; ``entry["origin"]`` is how they first entered the cache.
    """

    url: str
    path: Path
    origin: Origin
    sha256: str
    entry: dict[str, Any]

    def read_bytes(self) -> bytes:
        return self.path.read_bytes()


_RECORDERS: list[list[FetchResult]] = []
#: Inside :func:`asking_once`: the URLs already asked of the network in this block.
_ASKED: list[set[str]] = []


@contextmanager
def asking_once() -> Iterator[None]:
    """Inside the block, a URL is asked of the network at most once: an answer due to be asked
    again (empty, a recent window past its TTL, or ``refresh=True``) that was already asked in
    the block is served from the cache. ``fetch_all`` runs in one, so two windows of the plan that
    make the same request cost one request. Manifest entries of mirror copies made in the block
    are written once, when it ends (:func:`claimaudit.fetch._manifest.batched`)."""
    _ASKED.append(set())
    try:
        with manifest.batched():  # mirror copies: one manifest write at the end of the block
            yield
    finally:
        _ASKED.pop()


@contextmanager
def recording() -> Iterator[list[FetchResult]]:
    """Collect every :class:`FetchResult` produced inside the block (to report origins).

    >>> with recording() as seen:                                   # doctest: +SKIP
    ...     ooni_api.aggregate(probe_cc="PK", test_name="tor", since="2024-11-01", until="2024-12-01")
    >>> {r.origin for r in seen}                                    # doctest: +SKIP
    {'network'}
    """
    seen: list[FetchResult] = []
    _RECORDERS.append(seen)
    try:
        yield seen
    finally:
        _RECORDERS.remove(seen)


def fetch(
    url: str,
    *,
    sha256: str | None = None,
    offline: bool | None = None,
    mirror: str | Path | None = None,
    refresh: bool = False,
    validate: Validator | None = None,
    timeout: float = 60.0,
    max_retries: int = 4,
    backoff: float = 1.0,
    sleep: Callable[[float], None] | None = None,
    cache: str | Path | None = None,
    live: str | None = None,
    window: tuple[dt.date | None, dt.date | None] | None = None,
    empty: Callable[[Path], bool] | None = None,
    deadline: float | None = None,
) -> FetchResult:
    """Return the cached bytes of ``url``, getting them from the mirror or network if needed.

    ``sha256`` (hex, optionally ``sha256:``-prefixed) pins the expected content; ``validate``
    is called with the finished temporary file and may raise to keep it out of the cache.
    ``sleep`` waits between retries (default :data:`backoff_sleep`). ``live`` names the live
    source and ``window`` the days (first, last, inclusive) the answer covers, for freshness;
    ``empty`` says whether a (valid) answer is empty, to be asked again next time. ``deadline``
    bounds one whole attempt in seconds (default ``claimaudit.fetch._download.DEADLINE_SECONDS``).
    """
    result = _fetch(
        url,
        sha256=sha256,
        offline=offline,
        mirror=mirror,
        refresh=refresh,
        validate=validate,
        timeout=timeout,
        max_retries=max_retries,
        backoff=backoff,
        sleep=sleep,
        cache=cache,
        live=live,
        window=window,
        empty=empty,
        deadline=deadline,
    )
    for seen in _RECORDERS:
        seen.append(result)
    return result


def _fetch(
    url: str,
    *,
    sha256: str | None,
    offline: bool | None,
    mirror: str | Path | None,
    refresh: bool,
    validate: Validator | None,
    timeout: float,
    max_retries: int,
    backoff: float,
    sleep: Callable[[float], None] | None,
    cache: str | Path | None,
    live: str | None = None,
    window: tuple[dt.date | None, dt.date | None] | None = None,
    empty: Callable[[Path], bool] | None = None,
    deadline: float | None = None,
) -> FetchResult:
    expected = sha256.removeprefix("sha256:").lower() if sha256 else None
    offline = is_offline(offline)
    cache_root = Path(cache) if cache is not None else paths.cache_dir()
    try:
        target = cache_root / manifest.FILES_DIR / relative_path(url)
    except ValueError as exc:
        raise FetchError(str(exc), url=url, hint="give an absolute http(s) URL without '..' segments") from None

    entry = manifest.read_entries(cache_root).get(url)
    stale = ""  # why a cached copy was not used, for the error below
    fallback: FetchResult | None = None  # a cached live answer due to be asked again
    if entry is not None and (offline or not refresh or _asked(url)):
        cached = cache_root / entry["path"]
        if cached.is_file():
            actual = sha256_file(cached)
            if actual == entry.get("sha256") and (expected is None or actual == expected):
                hit = FetchResult(url, cached, "cache", actual, entry)
                due = None if offline or _asked(url) else refetch_reason(entry)
                if due is None:
                    return hit
                fallback = hit
            elif actual == entry.get("sha256"):
                stale = (
                    f" (the cached copy has sha256 {actual[:12]}…, not the pinned {expected[:12]}…: the pin changed)"
                )

    if entry is None and expected is not None and target.is_file() and sha256_file(target) == expected:
        # the pinned bytes are in the cache but their manifest entry was lost: record them again
        mirrored = resolve_mirror(mirror)
        from_mirror = (
            mirrored is not None
            and (mirrored / relative_path(url)).is_file()
            and sha256_file(mirrored / relative_path(url)) == expected
        )
        entry = _entry(
            url, target, cache_root, target.stat().st_size, expected, origin="mirror" if from_mirror else "cache"
        )
        manifest.record(cache_root, entry, durable=False)  # pinned: re-derivable from the bytes
        return FetchResult(url, target, "cache", expected, entry)

    mirror_root = resolve_mirror(mirror)
    mismatch: HashMismatchError | None = None
    if mirror_root is not None and fallback is None:  # a live answer due again comes from the network
        source = mirror_root / relative_path(url)
        if source.is_file():
            try:
                return _from_mirror(url, source, target, cache_root, expected, validate)
            except HashMismatchError as exc:
                mismatch = exc

    if not offline:
        from claimaudit.fetch._download import DEADLINE_SECONDS

        try:
            got = download(
                url,
                target,
                timeout=timeout,
                max_retries=max_retries,
                backoff=backoff,
                sleep=sleep if sleep is not None else backoff_sleep,
                sha256=expected,
                validate=validate,
                deadline=deadline if deadline is not None else DEADLINE_SECONDS,
            )
        except FetchError as exc:
            if fallback is None or isinstance(exc, HashMismatchError):
                raise
            warnings.warn(
                f"{url}: asking again failed ({str(exc).splitlines()[0]}); using the copy"
                f" cached at {fallback.entry.get('retrieved_at')}",
                stacklevel=3,
            )
            return fallback
        entry = _entry(
            url,
            target,
            cache_root,
            got.bytes,
            got.sha256,
            origin="network",
            status=got.status,
            etag=got.etag,
            last_modified=got.last_modified,
        )
        _live_fields(entry, target, live, window, empty)
        manifest.record(cache_root, entry)
        if _ASKED:
            _ASKED[-1].add(url)
        return FetchResult(url, target, "network", got.sha256, entry)

    if mismatch is not None:
        raise mismatch
    where = f"{mirror_root}/{relative_path(url)}" if mirror_root else f"<DIR>/{relative_path(url)}"
    no_mirror = mirror_root is not None and not mirror_root.is_dir()
    raise NotAvailableError(
        NotAvailableError.OFFLINE
        + stale
        + (
            f" (the mirror folder {mirror_root} does not exist: check CLAIMAUDIT_MIRROR / --mirror)"
            if no_mirror
            else ""
        ),
        url=url,
        hint=f"set CLAIMAUDIT_MIRROR=DIR (or pass --mirror DIR) with the file at {where}, "
        "or run `claimaudit fetch` once with network access",
    )


def recent_days() -> int:
    """Windows ending within this many days of today are re-asked after :func:`ttl_hours`."""
    return _env_number("CLAIMAUDIT_LIVE_RECENT_DAYS", 7)


def ttl_hours() -> float:
    """How long a cached answer for a recent window is used before it is asked again."""
    return float(_env_number("CLAIMAUDIT_LIVE_TTL_HOURS", 24, integer=False))


def _env_number(name: str, default: float, *, integer: bool = True) -> Any:
    value = (config.get(name) or "").strip()
    if not value:
        return default
    try:
        number = int(value) if integer else float(value)
    except ValueError:
        number = -1
    if number < 0:
        raise FetchError(
            f"{name}={value!r} is not a non-negative {'whole ' if integer else ''}number",
            hint=f"unset it (default {default}) or give a number",
        )
    return number


def _asked(url: str) -> bool:
    return bool(_ASKED) and url in _ASKED[-1]


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def refetch_reason(entry: dict[str, Any], *, now: dt.datetime | None = None) -> str | None:
    """Why a cached live answer should be asked again online, or None if it is fresh.

    >>> old = {"retrieved_at": "2024-11-20T00:00:00Z", "window_start": "2024-11-01", "window_end": "2024-11-30"}
    >>> refetch_reason(old, now=dt.datetime(2024, 12, 2, tzinfo=dt.UTC))
    'its window ends 2024-11-30, within 7 days of 2024-12-02, and it was fetched 12 days ago'
    >>> refetch_reason(old, now=dt.datetime(2025, 6, 1, tzinfo=dt.UTC)) is None  # an old window: kept
    True
    >>> refetch_reason({**old, "empty": True}, now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    'the service answered it with no data'
    >>> refetch_reason({**old, "live": "ooni_api", "window_end": None}, now=dt.datetime(2024, 11, 21, 1, tzinfo=dt.UTC))
    'it has no end date (the list grows) and was fetched 25 hours ago'
    """
    if entry.get("empty"):
        return "the service answered it with no data"
    end = entry.get("window_end")
    fetched = entry.get("retrieved_at")
    open_ended = entry.get("live") and "window_end" in entry and end is None  # e.g. the findings list
    if not fetched or not (end or open_ended):
        return None
    now = now or _utcnow()
    try:
        when = dt.datetime.fromisoformat(str(fetched).replace("Z", "+00:00"))
        last = dt.date.fromisoformat(str(end)) if end else None
    except ValueError:
        return "its manifest entry has an unreadable window or time"
    age = now - when
    if last is None:
        if age >= dt.timedelta(hours=ttl_hours()):
            return f"it has no end date (the list grows) and was fetched {age.total_seconds() / 3600:.0f} hours ago"
        return None
    # the window still matters if it ends within the recent days (or in the future)
    if last >= now.date() - dt.timedelta(days=recent_days()) and age >= dt.timedelta(hours=ttl_hours()):
        days = age.days
        ago = f"{days} days ago" if days >= 2 else f"{age.total_seconds() / 3600:.0f} hours ago"
        return f"its window ends {last}, within {recent_days()} days of {now.date()}, and it was fetched {ago}"
    return None


def live_provenance(*, cache: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """Per live source, when its cached answers were fetched — for a report's "as of".

    ``{"ooni_api": {"as_of": oldest retrieved_at, "latest": newest, "requests": n, "empty": k,
    "window_start": first day, "window_end": last day, "refresh_due": m}, ...}``; a source with
    nothing cached is absent.
    """
    out: dict[str, dict[str, Any]] = {}
    for entry in manifest_entries(cache=cache).values():
        source = entry.get("live")
        if not source:
            continue
        row = out.setdefault(
            source,
            {
                "as_of": None,
                "latest": None,
                "requests": 0,
                "empty": 0,
                "window_start": None,
                "window_end": None,
                "refresh_due": 0,
            },
        )
        row["requests"] += 1
        row["empty"] += bool(entry.get("empty"))
        row["refresh_due"] += refetch_reason(entry) is not None
        for key, pick, field_ in (
            ("as_of", min, "retrieved_at"),
            ("latest", max, "retrieved_at"),
            ("window_start", min, "window_start"),
            ("window_end", max, "window_end"),
        ):
            value = entry.get(field_)
            if value:
                row[key] = value if row[key] is None else pick(row[key], value)
    return dict(sorted(out.items()))


def _live_fields(
    entry: dict[str, Any],
    target: Path,
    live: str | None,
    window: tuple[dt.date | None, dt.date | None] | None,
    empty: Callable[[Path], bool] | None,
) -> None:
    if live:
        entry["live"] = live
    if window is not None:
        entry["window_start"] = window[0].isoformat() if window[0] else None
        entry["window_end"] = window[1].isoformat() if window[1] else None
    if empty is not None and empty(target):
        entry["empty"] = True


def mirror_path(url: str, mirror: str | Path) -> Path:
    """Where ``url`` lives in a mirror directory.

    >>> str(mirror_path("https://metrics.torproject.org/userstats-relay-country.csv", "/m"))
    '/m/metrics.torproject.org/userstats-relay-country.csv'
    """
    return Path(mirror) / relative_path(url)


def cache_path(url: str, *, cache: str | Path | None = None) -> Path:
    """Where ``url`` is (or would be) cached."""
    root = Path(cache) if cache is not None else paths.cache_dir()
    return root / manifest.FILES_DIR / relative_path(url)


def manifest_entries(*, cache: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """Every manifest entry, by URL."""
    return manifest.read_entries(Path(cache) if cache is not None else paths.cache_dir())


def cached_entry(url: str, *, cache: str | Path | None = None) -> dict[str, Any] | None:
    """The manifest entry for ``url``, or None if it was never cached."""
    return manifest_entries(cache=cache).get(url)


def resolve_mirror(mirror: str | Path | None = None) -> Path | None:
    """``mirror`` if given, else ``CLAIMAUDIT_MIRROR``, else None."""
    if mirror is not None:
        return Path(mirror).resolve()
    return paths.mirror_dir()


def is_offline(offline: bool | None = None) -> bool:
    """``offline`` if given, else whether ``CLAIMAUDIT_OFFLINE`` is set to 1/true/yes."""
    if offline is not None:
        return offline
    return config.flag("CLAIMAUDIT_OFFLINE")


# --------------------------------------------------------------------------- internals


def _from_mirror(
    url: str,
    source: Path,
    target: Path,
    cache_root: Path,
    expected: str | None,
    validate: Validator | None,
) -> FetchResult:
    digest = hashlib.sha256()
    with staged(target) as (fh, tmp):
        with open(source, "rb") as src:  # hashed as it is copied: the bytes are read once
            while block := src.read(_CHUNK):
                digest.update(block)
                fh.write(block)
        actual = digest.hexdigest()
        if expected and actual != expected:
            raise HashMismatchError(
                f"sha256 mismatch in the mirror copy {source}: expected {expected}, found {actual}; it was not cached",
                url=url,
                hint="replace the mirror file with a byte-exact copy of the URL, or fetch online",
            )
        if validate is not None:
            validate(tmp)
    size = target.stat().st_size
    entry = _entry(url, target, cache_root, size, actual, origin="mirror", mirror_file=str(source))
    manifest.record(cache_root, entry, durable=False)  # the mirror can supply it again
    return FetchResult(url, target, "mirror", actual, entry)


def _entry(
    url: str,
    target: Path,
    cache_root: Path,
    size: int,
    digest: str,
    *,
    origin: str,
    status: int | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    mirror_file: str | None = None,
) -> dict[str, Any]:
    return {
        "url": url,
        "path": target.relative_to(cache_root).as_posix(),
        "retrieved_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "bytes": size,
        "sha256": digest,
        "status": status,
        "etag": etag,
        "last_modified": last_modified,
        "origin": origin,
        "mirror_file": mirror_file,
    }
