"""The fetch plan and ``fetch_all``: every pinned set plus the live windows the audit and the
notebooks use, into the cache. It sits above the loaders (it names ``sources``, ``ooni_api``,
``tor_metrics`` and ``ioda``), so the fetch layer below knows nothing of them.

Each item is tried on its own; one that cannot be had is reported (with the reason) and the rest
carry on. ``claimaudit fetch`` prints the outcomes; ``claimaudit run`` calls :func:`fetch_all`.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claimaudit.errors import ClaimauditError, NotAvailableError

D = dt.date
#: Threads copying (or downloading) pinned files at once in :func:`fetch_all`.
PINNED_THREADS = 4


@dataclass(frozen=True)
class LiveWindow:
    """One live question: a loader name, its keyword arguments, and a label for people."""

    label: str
    loader: str  # "ooni_aggregate" | "ooni_incidents" | "tor_userstats" | "ioda_signals"
    kwargs: dict = field(default_factory=dict)


@functools.cache
def default_windows() -> tuple[LiveWindow, ...]:
    """The suite's declared live windows: the 2024 events, X blocked (February) and the VPN
    disruptions (November, every circumvention test of :mod:`claimaudit.datasets.ooni_tests`).

    A function, so that importing the pipeline does not import the data layer (``claimaudit check``
    stays quick); ``DEFAULT_WINDOWS`` is the same tuple."""
    from claimaudit.datasets import ooni_tests

    return (
        LiveWindow(
            "OONI web_connectivity PK x.com,twitter.com 2024-02-01..2024-03-01",
            "ooni_aggregate",
            {
                "probe_cc": "PK",
                "test_name": "web_connectivity",
                "since": D(2024, 2, 1),
                "until": D(2024, 3, 1),
                "domain": "x.com,twitter.com",
            },
        ),
        *(
            LiveWindow(
                f"OONI {test} PK 2024-11-01..2024-12-01",
                "ooni_aggregate",
                {"probe_cc": "PK", "test_name": test, "since": D(2024, 11, 1), "until": D(2024, 12, 1)},
            )
            for test in ooni_tests.circumvention()
        ),
        LiveWindow("OONI findings PK", "ooni_incidents", {"country_code": "PK"}),
        LiveWindow(
            "Tor Metrics relay users PK 2024",
            "tor_userstats",
            {"country": "pk", "start": D(2024, 1, 1), "end": D(2024, 12, 31), "kind": "relay"},
        ),
        LiveWindow(
            "Tor Metrics bridge users PK 2024",
            "tor_userstats",
            {"country": "pk", "start": D(2024, 1, 1), "end": D(2024, 12, 31), "kind": "bridge"},
        ),
        LiveWindow(
            "IODA country PK 2024-11-01..2024-12-01",
            "ioda_signals",
            {"entity_type": "country", "entity_code": "PK", "since": D(2024, 11, 1), "until": D(2024, 12, 1)},
        ),
    )


def __getattr__(name: str) -> Any:
    if name == "DEFAULT_WINDOWS":  # read when first asked for (see default_windows)
        return default_windows()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class FetchOutcome:
    """What happened to one source: where it came from, or why it could not be had.

    For a live window, ``as_of`` is when its oldest cached answer was fetched (UTC, ISO) and
    ``page_url`` the public page (OONI Explorer, Tor Metrics, IODA dashboard) for the same question.
    """

    name: str
    kind: str  # "pinned" | "live"
    origin: str | None  # cache | mirror | network, "cache+network" for mixed requests; None if not had
    detail: str
    as_of: str | None = None
    page_url: str | None = None

    @property
    def ok(self) -> bool:
        return self.origin is not None


def _loaders() -> dict[str, Callable]:
    from claimaudit.datasets import ioda, ooni_api, tor_metrics

    return {
        "ooni_aggregate": ooni_api.aggregate,
        "ooni_incidents": ooni_api.incidents,
        "tor_userstats": tor_metrics.userstats,
        "ioda_signals": ioda.signals,
    }


def page_url(window: LiveWindow) -> str | None:
    """The public page a person can open for a live window's question (None for findings).

    >>> page_url(default_windows()[-1])
    'https://ioda.inetintel.cc.gatech.edu/country/PK?from=1730419200&until=1733011200'
    """
    from claimaudit.datasets import ioda, ooni_api, tor_metrics

    k = window.kwargs
    if window.loader == "ooni_aggregate":
        return ooni_api.explorer_chart_url(
            probe_cc=k["probe_cc"],
            test_name=k["test_name"],
            since=k["since"],
            until=k["until"],
            domain=k.get("domain"),
            axis_y="probe_asn",
        )
    if window.loader == "tor_userstats":
        return tor_metrics.graph_url(k["country"], k["start"], k["end"], kind=k.get("kind", "relay"))
    if window.loader == "ioda_signals":
        return ioda.dashboard_url(k["entity_type"], k["entity_code"], k["since"], k["until"])
    return None


def fetch_all(
    *,
    offline: bool | None = None,
    mirror: str | Path | None = None,
    windows: Iterable[LiveWindow] | None = None,
    pinned: Iterable[str] | None = None,
    on_outcome: Callable[[FetchOutcome], None] | None = None,
    refresh: bool = False,
) -> list[FetchOutcome]:
    """Fetch every pinned resource (``pinned`` names, default all) and every live window.

    Never raises for a source that cannot be had: its outcome has ``origin=None`` and the reason.
    ``on_outcome`` is called as each finishes (the CLI prints progressively). ``refresh`` asks
    every live window again online (pinned files are verified by hash and never re-asked).
    """
    from claimaudit.datasets import sources
    from claimaudit.fetch import asking_once, recording

    with asking_once():
        return _fetch_all(
            sources,
            recording,
            offline=offline,
            mirror=mirror,
            windows=default_windows() if windows is None else windows,
            pinned=pinned,
            on_outcome=on_outcome,
            refresh=refresh,
        )


def _fetch_all(
    sources: Any,
    recording: Any,
    *,
    offline: bool | None,
    mirror: str | Path | None,
    windows: Iterable[LiveWindow],
    pinned: Iterable[str] | None,
    on_outcome: Callable[[FetchOutcome], None] | None,
    refresh: bool,
) -> list[FetchOutcome]:
    outcomes: list[FetchOutcome] = []

    def done(outcome: FetchOutcome) -> None:
        outcomes.append(outcome)
        if on_outcome is not None:
            on_outcome(outcome)

    # Pinned files are independent: they are copied (or downloaded) by a few threads, so their
    # fsyncs and hashing overlap; outcomes are reported in plan order as before.
    items: list[tuple[str, str | None, FetchOutcome | None]] = []
    for name in pinned if pinned is not None else sources.list_sources():
        try:
            resources = sources.resource_names(name)
        except ClaimauditError as exc:  # an unknown name or a broken datapackage.json
            items.append((name, None, FetchOutcome(name, "pinned", None, _reason(exc))))
            continue
        items += [(name, resource, None) for resource in resources]

    def pin(item: tuple[str, str | None, FetchOutcome | None]) -> FetchOutcome:
        name, resource, known = item
        if known is not None:
            return known
        try:
            got = sources.fetch_resource(name, resource, offline=offline, mirror=mirror)
            return FetchOutcome(f"{name}/{resource}", "pinned", got.origin, f"{got.entry['bytes']} bytes")
        except ClaimauditError as exc:
            return FetchOutcome(f"{name}/{resource}", "pinned", None, _reason(exc))

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=PINNED_THREADS) as pool:
        for outcome in pool.map(pin, items):
            done(outcome)
    loaders = _loaders()
    for window in windows:
        kwargs = dict(window.kwargs)
        try:
            with recording() as seen:
                frame = loaders[window.loader](**kwargs, offline=offline, mirror=mirror, refresh=refresh)
            origins = sorted({r.origin for r in seen}) or ["cache"]
            fetched = [r.entry.get("retrieved_at") for r in seen if r.entry.get("retrieved_at")]
            as_of = min(fetched) if fetched else None
            empty = sum(bool(r.entry.get("empty")) for r in seen)
            detail = f"{frame.height} rows, {len(seen)} request(s)" + (f", {empty} answered empty" if empty else "")
            done(
                FetchOutcome(
                    window.label,
                    "live",
                    "+".join(origins),
                    detail + (f", as of {as_of}" if as_of else ""),
                    as_of=as_of,
                    page_url=page_url(window),
                )
            )
        except ClaimauditError as exc:
            done(FetchOutcome(window.label, "live", None, _reason(exc), page_url=page_url(window)))
    return outcomes


def _reason(exc: ClaimauditError) -> str:
    if isinstance(exc, NotAvailableError):
        return f"offline, and neither the cache nor the mirror has {exc.url}"
    return str(exc).splitlines()[0]


def notebook_windows(params: dict[str, Any]) -> list[Any]:
    """The live questions the notebooks read from the cache, for ``fetch_all`` to ask when online
    (same test lists, window and grid as :func:`claimaudit.notebook.views.ooni_daily`)."""
    from claimaudit.notebook import views

    start = dt.date.fromisoformat(str(params["window_start"]))
    end = dt.date.fromisoformat(str(params["window_end"]))
    country = str(params["country"])
    windows = [
        LiveWindow(
            f"OONI {asked['test_name']} {country} {start}..{end}",
            "ooni_aggregate",
            {
                "probe_cc": country,
                "test_name": asked["test_name"],
                "domain": asked["domain"],
                "since": start,
                "until": end + dt.timedelta(days=1),
            },
        )
        for asked in views.OONI_QUESTIONS.values()
    ]
    windows.append(
        LiveWindow(
            f"Tor Metrics relay users {country} {start}..{end}",
            "tor_userstats",
            {"country": country, "start": start, "end": end, "kind": "relay"},
        )
    )
    return windows


@dataclass(frozen=True)
class FetchPlan:
    """Everything a run reads from the cache: the pinned sets, the suite's declared live windows
    (:func:`default_windows`), the evidence windows each audit rule asks for, and the windows each
    notebook declares (:func:`notebook_windows`). ``claimaudit fetch``, the fetch step of
    ``claimaudit run`` and (through the same declarations) the notebooks all use it."""

    pinned: tuple[str, ...]
    windows: tuple[LiveWindow, ...]
    sections: tuple[tuple[str, int], ...] = ()  # (what, how many windows) in order, for people
    notes: tuple[str, ...] = ()  # what could not be planned, and why

    def lines(self) -> list[str]:
        """The plan as text, one item a line (``claimaudit fetch --plan``)."""
        out = [f"note: {note}" for note in self.notes]
        out += [f"pinned: {name}" for name in self.pinned]
        index = 0
        for what, count in self.sections:
            out += [f"{what}: {w.label}" for w in self.windows[index : index + count]]
            index += count
        return out


def fetch_plan(params: dict[str, Any] | None = None, *, rules_dir: str | Path | None = None) -> FetchPlan:
    """The one fetch plan (see :class:`FetchPlan`); ``params`` are the notebooks' parameters."""
    from claimaudit import audit
    from claimaudit.datasets import sources
    from claimaudit.pipeline._notebooks import default_parameters

    rules, notes = [], []
    try:
        requests = audit.evidence_requests(rules_dir=rules_dir)
    except ClaimauditError as exc:  # no ledger or a bad rule file: the audit step reports it precisely
        requests = []
        notes.append(f"the audit's evidence windows are not planned ({str(exc).splitlines()[0]})")
    for loader, kwargs in requests:
        rules.append(LiveWindow(_label(loader, kwargs), loader, kwargs))
    notebooks = notebook_windows(params or default_parameters())
    seen: set[str] = set()
    sections: list[tuple[str, int]] = []
    windows: list[LiveWindow] = []
    for what, group in (("declared", default_windows()), ("audit", rules), ("notebooks", notebooks)):
        kept = [w for w in group if _key(w) not in seen]
        seen.update(_key(w) for w in kept)
        windows += kept
        sections.append((what, len(kept)))
    return FetchPlan(
        pinned=tuple(sources.list_sources()), windows=tuple(windows), sections=tuple(sections), notes=tuple(notes)
    )


def _key(window: LiveWindow) -> str:
    return f"{window.loader}{sorted((k, str(v)) for k, v in window.kwargs.items() if v is not None)}"


def _label(loader: str, kwargs: dict[str, Any]) -> str:
    if loader == "ooni_aggregate":
        until = kwargs["until"] - dt.timedelta(days=1)  # the API's until is exclusive
        domain = f" {kwargs['domain']}" if kwargs.get("domain") else ""
        return f"OONI {kwargs['test_name']} {kwargs['probe_cc']}{domain} {kwargs['since']}..{until}"
    if loader == "tor_userstats":
        return f"Tor Metrics {kwargs.get('kind', 'relay')} users {kwargs['country']} {kwargs['start']}..{kwargs['end']}"
    return f"{loader} {kwargs}"
