"""The provenance appendix: every dataset used (source URL, licence, sha256, retrieval time),
"as of" for each live source (when its cached answers were fetched, their window, and whether any
came from a stale cache or the source was not fetched at all), the git commit and package
version, and the data-quality check summary.

>>> info = run_info()
>>> sorted(info)
['commit', 'dirty', 'generated', 'version']
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from claimaudit import __version__, config, paths
from claimaudit.i18n import N_, _, ngettext
from claimaudit.notebook import dataset_items, live_items, source_items
from claimaudit.quality import latest_check_results
from claimaudit.report import _render
from claimaudit.report._tables import HTML


def run_info() -> dict[str, Any]:
    """Version, git commit (``CLAIMAUDIT_COMMIT`` overrides), whether the tree is dirty, and now (UTC)."""
    commit = config.get("CLAIMAUDIT_COMMIT")
    dirty = False
    if not commit:
        commit, dirty = _git_commit(paths.project_root())
    return {
        "version": __version__,
        "commit": commit,
        "dirty": dirty,
        "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def checks_summary(results_json: str | Path | None = None) -> str:
    """One line about the last data-quality run (``reports/checks/results.json``)."""
    path = latest_check_results(results_json)
    if path is None:
        return "no check results found (run `claimaudit check`)"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        return f"check results at {path} unreadable: {exc}"
    suites = data.get("suites", [])
    outcomes = Counter(e.get("outcome") for s in suites for e in s.get("expectations", []))
    failed = [s.get("name") for s in suites if s.get("status") != "passed"]
    parts = ", ".join(f"{outcomes[k]} {k}" for k in ("pass", "fail", "warn", "error") if outcomes[k])
    verdict = "all suites passed" if data.get("ok") else f"NOT all passed ({', '.join(map(str, failed))})"
    return (
        f"{len(suites)} suites, {sum(outcomes.values())} expectations ({parts or 'none'}): {verdict};"
        f" run {data.get('created', '?')}"
    )


#: The live services (``live`` of a cache manifest entry -> the service's name), in report order.
LIVE_SOURCES: dict[str, str] = {"ooni_api": N_("OONI API"), "ioda": N_("IODA"), "tor_metrics": N_("Tor Metrics")}


def live_sources(*, cache: str | Path | None = None) -> list[dict[str, Any]]:
    """ "As of" for each live service, from the cache manifest (:func:`claimaudit.fetch.live_provenance`),
    in the active language: one row per service of :data:`LIVE_SOURCES` (then any other live
    source the cache names), each ``{"source", "name", "state", "text", "marks", ...}`` with the
    manifest's ``as_of`` (oldest fetch), ``latest``, ``window_start``, ``window_end``,
    ``requests``, ``empty``, ``refresh_due``.

    ``state`` is ``"not_fetched"`` (no answer of the service is cached), ``"stale"`` (some cached
    answers are due to be fetched again — see :func:`claimaudit.fetch.refetch_reason` — and were
    used as they are) or ``"current"``. ``text`` is "as of <date>, <time> UTC, window
    <start>–<end>"; ``marks`` says what a reader must know besides (stale answers, empty answers).

    >>> import tempfile
    >>> [(row["source"], row["state"], row["text"]) for row in live_sources(cache=tempfile.mkdtemp())]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('ooni_api', 'not_fetched', 'not fetched: no answer from this service is in the cache'),
     ('ioda', 'not_fetched', 'not fetched: no answer from this service is in the cache'),
     ('tor_metrics', 'not_fetched', 'not fetched: no answer from this service is in the cache')]
    """
    from claimaudit import fetch

    found = fetch.live_provenance(cache=cache)
    rows = []
    for source in [*LIVE_SOURCES, *(s for s in found if s not in LIVE_SOURCES)]:
        name = _(LIVE_SOURCES[source]) if source in LIVE_SOURCES else source
        row = found.get(source)
        if row is None:
            rows.append(
                {
                    "source": source,
                    "name": name,
                    "state": "not_fetched",
                    "text": _("not fetched: no answer from this service is in the cache"),
                    "marks": [],
                }
            )
            continue
        date, time = _when(row["as_of"])
        if row["window_start"] or row["window_end"]:
            text = _(
                "as of {date}, {time} UTC, window {start}–{end}",
                date=date,
                time=time,
                start=row["window_start"] or "…",
                end=row["window_end"] or "…",
            )
        else:
            text = _("as of {date}, {time} UTC", date=date, time=time)
        text += " (" + ngettext("{n} cached answer", "{n} cached answers", row["requests"]) + ")"
        marks = []
        if row["refresh_due"]:
            marks.append(
                _(
                    "from a stale cache: {due} of {total} answers are due to be fetched again and were used as"
                    " they were",
                    due=row["refresh_due"],
                    total=row["requests"],
                )
            )
        if row["empty"]:
            marks.append(ngettext("{n} answer was empty", "{n} answers were empty", row["empty"]))
        rows.append(
            {
                **row,
                "source": source,
                "name": name,
                "state": "stale" if row["refresh_due"] else "current",
                "text": text,
                "marks": marks,
            }
        )
    return rows


def _when(stamp: str | None) -> tuple[str, str]:
    """``2026-12-01T21:03:04Z`` -> ``("2026-12-01", "21:03")`` (UTC); unreadable: the text as it is.

    >>> _when("2026-12-01T21:03:04Z"), _when("2026-12-01T23:03:04+02:00"), _when(None)
    (('2026-12-01', '21:03'), ('2026-12-01', '21:03'), ('?', '?'))
    """
    if not stamp:
        return "?", "?"
    try:
        moment = dt.datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    except ValueError:
        return str(stamp), "?"
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return moment.date().isoformat(), moment.strftime("%H:%M")


def provenance_html(
    *,
    datasets: Iterable[str] = ("claims", "signals", "baselines", "events", "networks"),
    sources: Iterable[str | tuple[str, str]] = (),
    results_json: str | Path | None = None,
) -> str:
    info = run_info()
    items = dataset_items(datasets) + source_items(sources)
    items += live_items(item["url"] for item in items)
    items = [{**item, "href": _render.safe_href(item["url"])} for item in items]  # a link only to http(s)
    return _render.render(
        "fragments/provenance.html.j2",
        items=items,
        live=live_sources(),
        checks=checks_summary(results_json),
        **info,
    )


def provenance(
    *,
    datasets: Iterable[str] = ("claims", "signals", "baselines", "events", "networks"),
    sources: Iterable[str | tuple[str, str]] = (),
    results_json: str | Path | None = None,
) -> HTML:
    """The appendix as displayable HTML (``display(provenance(...))`` in a notebook)."""
    return HTML(provenance_html(datasets=datasets, sources=sources, results_json=results_json))


# --------------------------------------------------------------------------- internals


def _git_commit(root: Path) -> tuple[str, bool]:
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
        status = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout
        return commit, bool(status.strip())
    except (OSError, subprocess.SubprocessError):
        return "unknown (not a git checkout)", False
