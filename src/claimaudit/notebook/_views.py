"""The frames the notebooks show: small, tested transformations, so notebooks stay thin.

>>> import polars as pl, datetime as dt
>>> daily = pl.DataFrame({"date": [dt.date(2022, 1, 1)], "ok": [40], "total": [50]})
>>> anomaly_rate(daily).select("anomaly_rate", "n").row(0)
(0.2, 50)
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from claimaudit import paths
from claimaudit.errors import FetchError, HashMismatchError, NotAvailableError
from claimaudit.notebook._charts import network_label

if TYPE_CHECKING:  # a notebook's Page (report layer) is handed in; the views only call it
    from claimaudit.report import Page

__all__ = [
    "NOT_AVAILABLE",
    "OONI_QUESTIONS",
    "anomaly_rate",
    "as_of",
    "audit_verdicts",
    "check_results",
    "claims_about",
    "claims_overview",
    "claims_per_year",
    "confidence_summary",
    "dataset_inventory",
    "figure_series",
    "headline",
    "in_window",
    "incidents_for",
    "load_dataset",
    "load_source",
    "network_rates",
    "ooni_daily",
    "rejudge",
    "signals_about",
    "source_provenance",
    "test_list_categories",
    "top_networks",
    "tor_users",
    "verdict_counts",
    "verdict_records",
    "verdicts_about",
    "verification_summary",
    "with_evidence_items",
]

NOT_AVAILABLE = "not available yet"


# --------------------------------------------------------------------------- loading, honestly


def load_dataset(page: Page, name: str, resource: str | None = None) -> pl.DataFrame | None:
    """A curated dataset, or None after showing that it is not there (yet).

    Only absence is shown as "not available": a dataset that is there but fails its sha256 or
    its schema raises, so the notebook (and the run) fails loudly instead of publishing around it.
    """
    from claimaudit import datasets

    if not (paths.datasets_dir() / name / "datapackage.json").is_file():
        page.unavailable(f"dataset {name}{'/' + resource if resource else ''}", f"datasets/{name}/ is {NOT_AVAILABLE}")
        return None
    return datasets.load(name, resource)


def load_source(page: Page, name: str, resource: str, *, offline: bool = True) -> pl.DataFrame | None:
    """A pinned third-party resource from cache/mirror (never fetched live when offline), or None
    after showing why it cannot be had (not in the cache and no ``CLAIMAUDIT_MIRROR``). Bytes that
    fail their sha256 or cannot be parsed raise."""
    from claimaudit.datasets import sources

    try:
        return sources.load(name, resource, offline=offline)
    except NotAvailableError as exc:
        page.unavailable(f"source {name}/{resource}", str(exc))
        return None
    except FetchError as exc:
        if isinstance(exc, HashMismatchError):
            raise
        page.unavailable(f"source {name}/{resource}", _no_network(exc))
        return None


def _no_network(exc: Exception) -> str:
    """What a notebook says when ``offline=False`` and the fetch failed (no network, a service down)."""
    first = str(exc).splitlines()[0][:300]
    return (
        f"could not be fetched: {first} — with no network, set offline = True in the parameters cell "
        "(cache and mirror only); the notebook goes on without it"
    )


#: Live OONI questions the notebooks ask (the fetch step asks them when online, so notebooks
#: only ever read the answers from the cache). Same test lists as the audit rules.
OONI_QUESTIONS: dict[str, dict[str, str | None]] = {
    "circumvention": {"test_name": "psiphon,tor,torsf,vanilla_tor,riseupvpn,openvpn", "domain": None},
    "x_web_connectivity": {"test_name": "web_connectivity", "domain": "twitter.com,x.com"},
}


def ooni_daily(
    page: Page, question: str, *, country: str, since: Any, until: Any, offline: bool = True
) -> pl.DataFrame | None:
    """OONI daily counts per network for one of :data:`OONI_QUESTIONS`, from the cache (or the
    network when ``offline`` is False), or None after saying why not."""
    from claimaudit.datasets import ooni_api

    asked = OONI_QUESTIONS[question]
    try:
        daily = ooni_api.aggregate(
            probe_cc=country,
            test_name=str(asked["test_name"]),
            domain=asked["domain"],
            since=_date(since),
            until=_date(until) + dt.timedelta(days=1),
            offline=offline,
        )
        # tests OONI no longer scores (riseupvpn since 2023-10-17) would dilute the rates: left out, and said
        daily, left_out = ooni_api.drop_unscored(daily)
        for item in ooni_api.unscored(str(asked["test_name"]), _date(since), _date(until) + dt.timedelta(days=1)):
            page.left_out(
                f"{item['test_name']} measurements from {item['excluded_from']} ({left_out:,} of them)", item["detail"]
            )
        return daily
    except NotAvailableError as exc:
        first = str(exc).splitlines()[0]
        page.unavailable(
            f"OONI measurements ({asked['test_name']}) for {country}, {_date(since)} to {_date(until)}",
            f"{first[:300]} — run `claimaudit run --online` (or `claimaudit fetch`) to fill the cache",
        )
        return None
    except FetchError as exc:
        if isinstance(exc, HashMismatchError):
            raise
        page.unavailable(
            f"OONI measurements ({asked['test_name']}) for {country}, {_date(since)} to {_date(until)}",
            _no_network(exc),
        )
        return None


def tor_users(page: Page, *, country: str, since: Any, until: Any, offline: bool = True) -> pl.DataFrame | None:
    """Tor Metrics daily relay users for the window, from the cache (live when online), or None
    after saying why not."""
    from claimaudit.datasets import tor_metrics

    try:
        return tor_metrics.userstats(country, _date(since), _date(until), offline=offline)
    except NotAvailableError as exc:
        page.unavailable(
            f"Tor Metrics relay users for {country}, {_date(since)} to {_date(until)}",
            f"{str(exc).splitlines()[0][:300]} — run `claimaudit run --online` to fill the cache",
        )
        return None
    except FetchError as exc:
        if isinstance(exc, HashMismatchError):
            raise
        page.unavailable(f"Tor Metrics relay users for {country}, {_date(since)} to {_date(until)}", _no_network(exc))
        return None


def network_rates(daily: pl.DataFrame) -> pl.DataFrame:
    """Per network and day, summed over test names: ``n`` measurements, the share of usable ones
    (failures excluded) that were anomalous or confirmed (``rate``) and the confirmed share alone
    (only a fingerprint confirms) — the same definition as the audit (``ooni_api.anomaly_rate``)."""
    from claimaudit.datasets import ooni_api

    counts = ("measurement_count", "anomaly_count", "confirmed_count", "failure_count")
    return (
        daily.group_by("probe_asn", pl.col("measurement_start_day").alias("date"))
        .agg(pl.col(c).sum() for c in counts)
        .with_columns(
            pl.col("measurement_count").alias("n"),
            ooni_api.anomaly_rate().alias("rate"),
            ooni_api.anomaly_rate(confirmed_only=True).alias("confirmed_rate"),
        )
        .drop("measurement_count", "failure_count")
        .sort("probe_asn", "date")
    )


def top_networks(rates: pl.DataFrame, *, limit: int = 6) -> pl.DataFrame:
    """The ``limit`` networks with the most measurements (the rest are in the CSV, not the chart)."""
    keep = (
        rates.group_by("probe_asn")
        .agg(pl.col("n").sum())
        .sort("n", "probe_asn", descending=[True, False])
        .head(limit)
        .get_column("probe_asn")
    )
    return rates.filter(pl.col("probe_asn").is_in(keep.implode()))


def verdict_records(*, offline: bool = True, path: str | Path | None = None) -> tuple[list[dict[str, Any]], str | None]:
    """The verdicts the audit step wrote (``reports/verdicts.json``), as dicts, and None; or, when
    there is no such file yet (a notebook opened on its own), the verdicts of one audit run in this
    process and a sentence saying so. It never re-runs the audit when the file is there."""
    from claimaudit import audit

    file = Path(path) if path is not None else paths.reports_dir() / "verdicts.json"
    if file.is_file():
        return audit.read_verdicts(file), None
    key = (offline, str(paths.datasets_dir()), str(audit.rules_dir()))  # one run per ledger and rules
    if key not in _AUDITED:
        _AUDITED[key] = audit.verdict_records(audit.run_audit(offline=offline))
    return _AUDITED[key], (
        f"No {file} yet: the audit was run once here, as `claimaudit audit` does"
        " (run it, or `claimaudit run`, to write the file the report reads)."
    )


_AUDITED: dict[tuple[bool, str, str], list[dict[str, Any]]] = {}


def audit_verdicts(page: Page, *, offline: bool = True, path: str | Path | None = None) -> pl.DataFrame | None:
    """Every verdict as a frame (:func:`claimaudit.audit.verdicts_frame`), read from the verdicts
    file (see :func:`verdict_records`). A malformed rule file raises (the run must fail, not publish
    without verdicts).

    Besides the engine's columns, ``evidence_items`` holds each verdict's evidence as structs
    (``docs/verdicts.md``: source, kind, status, request/page URL, window, n, networks, ...),
    which the scorecard shows one line each."""
    from claimaudit import audit

    records, note = verdict_records(offline=offline, path=path)
    if note:
        print(note)
    return with_evidence_items(audit.verdicts_frame(records), records)


_EVIDENCE_ITEM = pl.Struct(
    {
        "source": pl.String,
        "kind": pl.String,
        "status": pl.String,
        "request_url": pl.String,
        "page_url": pl.String,
        "keys": pl.List(pl.String),
        "strength": pl.String,
        "window_start": pl.String,
        "window_end": pl.String,
        "n": pl.Int64,
        "networks": pl.List(pl.String),
        "probes": pl.Int64,
        "available": pl.Boolean,
        "observes": pl.String,
        "note": pl.String,
    }
)


def with_evidence_items(frame: pl.DataFrame, verdicts: Iterable[Any]) -> pl.DataFrame:
    """``frame`` (one row per verdict, same order) with an ``evidence_items`` column built from
    each verdict's ``evidence`` (dicts as in ``verdicts.json``, or objects with ``to_dict()``);
    a new frame, ``frame`` is unchanged."""
    items = []
    for v in verdicts:
        evidence = v["evidence"] if isinstance(v, dict) else [e.to_dict() for e in v.evidence]
        items.append([{k: e.get(k) for k in _EVIDENCE_ITEM.to_schema()} for e in evidence])
    if len(items) != frame.height:
        raise ValueError(
            f"{len(items)} verdicts for a frame of {frame.height} rows; pass the verdicts the frame was made from"
        )
    return frame.with_columns(pl.Series("evidence_items", items, dtype=pl.List(_EVIDENCE_ITEM)))


# --------------------------------------------------------------------------- claims


def in_window(frame: pl.DataFrame, column: str, start: Any, end: Any, *, keep_undated: bool = False) -> pl.DataFrame:
    """Rows whose ``column`` (date) lies in ``[start, end]``; nulls are dropped unless ``keep_undated``."""
    inside = pl.col(column).is_between(_date(start), _date(end))
    return frame.filter(inside | pl.col(column).is_null() if keep_undated else inside)


def as_of(claims: pl.DataFrame, end: Any) -> pl.DataFrame:
    """The claims ledger as it stood at ``end``: statements made later are left out, undated kept."""
    return claims.filter(pl.col("statement_date").is_null() | (pl.col("statement_date") <= pl.lit(_date(end))))


def claims_about(claims: pl.DataFrame, subjects: Iterable[str]) -> pl.DataFrame:
    """The claims on some subjects, oldest first, with the columns a reader needs."""
    columns = [  # what was said first: the claim, its figure and unit, who and when; the keys after
        "summary",
        "qualifier",
        "value",
        "unit",
        "verb",
        "period",
        "claimant",
        "statement_date",
        "confidence",
        "category",
        "metric",
        "scope",
        "assertion",
        "wording",
        "venue",
        "date_precision",
        "period_start",
        "period_end",
        "authority",
        "kind",
        "claim_id",
    ]
    return (
        claims.filter(pl.col("subject").is_in(list(subjects)))
        .select([c for c in columns if c in claims.columns])
        .sort("statement_date", "claim_id", nulls_last=True)
    )


def claims_overview(claims: pl.DataFrame) -> pl.DataFrame:
    """How many claims per subject and kind, by how many authorities, over which years."""
    return (
        claims.group_by("subject", "kind")
        .agg(
            pl.len().alias("claims"),
            pl.col("statement_id").n_unique().alias("statements"),
            pl.col("authority").unique().sort().alias("authorities"),
            pl.col("statement_date").min().alias("first"),
            pl.col("statement_date").max().alias("last"),
        )
        .sort("subject", "kind")
    )


def claims_per_year(claims: pl.DataFrame) -> pl.DataFrame:
    """Claims per statement year and subject (undated claims counted under ``year = null``)."""
    return (
        claims.group_by(pl.col("statement_date").dt.year().alias("year"), "subject")
        .agg(pl.len().alias("claims"))
        .sort("year", "subject", nulls_last=True)
    )


def verification_summary(sources: pl.DataFrame) -> pl.DataFrame:
    """How each cited source was verified (``verification`` counts, with outlets)."""
    return (
        sources.group_by("verification")
        .agg(
            pl.len().alias("sources"),
            pl.col("claim_id").n_unique().alias("claims"),
            pl.col("outlet").n_unique().alias("outlets"),
        )
        .sort("sources", "verification", descending=[True, False], nulls_last=True)
    )


def confidence_summary(claims: pl.DataFrame) -> pl.DataFrame:
    return (
        claims.group_by("confidence")
        .agg(pl.len().alias("claims"))
        .sort("claims", "confidence", descending=[True, False], nulls_last=True)
    )


def verdicts_about(verdicts: pl.DataFrame, claims: pl.DataFrame, subjects: Iterable[str]) -> pl.DataFrame:
    """Verdicts that concern at least one claim on the given subjects."""
    ids = claims.filter(pl.col("subject").is_in(list(subjects))).get_column("claim_id").implode()
    return verdicts.filter(pl.col("claim_ids").list.set_intersection(ids.first()).list.len() > 0)


def verdict_counts(verdicts: pl.DataFrame) -> pl.DataFrame:
    """Verdicts per state, with the state's label (the report's headline numbers)."""
    from claimaudit.audit import VERDICT_LABELS
    from claimaudit.i18n import _

    labels = {k: _(v[0]) for k, v in VERDICT_LABELS.items()}
    return (
        verdicts.group_by("verdict")
        .agg(pl.len().alias("verdicts"))
        .with_columns(pl.col("verdict").replace_strict(labels, default=pl.col("verdict")).alias("meaning"))
        .select("verdict", "meaning", "verdicts")
        .sort("verdicts", "verdict", descending=[True, False])
    )


def headline(verdicts: pl.DataFrame) -> str:
    """One sentence of counts, computed from the verdicts (the report's first line).

    >>> headline(pl.DataFrame({"verdict": ["inconsistent", "consistent", "insufficient_evidence"]}))
    'Of 3 verdicts, 1 found official figures inconsistent with each other, 0 found a claim contradicted by
    independent evidence, 0 found one supported, and 1 could not be decided for lack of evidence.'
    """
    from claimaudit.i18n import _

    counts = dict(verdicts.group_by("verdict").agg(pl.len()).iter_rows())
    return _(
        "Of {total} verdicts, {inconsistent} found official figures inconsistent with each other, "
        "{contradicted} found a claim contradicted by independent evidence, {supported} found one supported, "
        "and {insufficient} could not be decided for lack of evidence.",
        total=verdicts.height,
        inconsistent=counts.get("inconsistent", 0),
        contradicted=counts.get("contradicted", 0),
        supported=counts.get("supported", 0),
        insufficient=counts.get("insufficient_evidence", 0),
    )


def figure_series(claims: pl.DataFrame, *, subject: str, kind: str = "count") -> pl.DataFrame:
    """Dated numeric figures on one subject: one point per claim, labelled ``metric (unit)`` in
    words (``items blocked (web links)``; the claim_id column keeps the exact keys)."""
    return (
        claims.filter((pl.col("subject") == subject) & (pl.col("kind") == kind))
        .filter(pl.col("value").is_not_null() & pl.col("statement_date").is_not_null())
        .select(
            pl.col("statement_date").alias("date"),
            "value",
            (pl.col("metric") + pl.lit(" (") + pl.col("unit") + pl.lit(")")).str.replace_all("_", " ").alias("figure"),
            "category",
            "claim_id",
        )
        .sort("date")
    )


# --------------------------------------------------------------------------- evidence


def anomaly_rate(daily: pl.DataFrame) -> pl.DataFrame:
    """Daily OONI anomaly rate of the ACSAC extract (``ok``, ``dns``, ``http``, ``tls``, ``error``,
    ``total`` = ok + dns + http + tls) by the one definition, :func:`claimaudit.datasets.ooni_api.anomaly_rate`:
    anomalous among usable measurements (errors are failures, not anomalies), ``n = total``
    usable; null on a day with none usable.

    An anomaly is not a confirmed block (only a blockpage fingerprint confirms one).
    """
    from claimaudit.datasets import ooni_api

    error = pl.col("error") if "error" in daily.columns else pl.lit(0)
    counts = daily.select(
        "date",
        (pl.col("total") + error).alias("measurement_count"),
        error.alias("failure_count"),
        (pl.col("total") - pl.col("ok")).alias("anomaly_count"),
        pl.lit(0).alias("confirmed_count"),
        pl.col("total").alias("n"),
    )
    return counts.select("date", ooni_api.anomaly_rate().alias("anomaly_rate"), "n").sort("date")


def incidents_for(incidents: pl.DataFrame, country: str) -> pl.DataFrame:
    """OONI findings for one country, with networks named (``PTCL (AS17557)``), newest first."""
    rows = incidents.filter(pl.col("ccs").list.contains(country.upper()))
    return rows.select(
        "title",
        pl.col("start_time").dt.date().alias("start"),
        pl.col("end_time").dt.date().alias("end"),
        pl.col("asns").list.eval(pl.element().map_elements(network_label, return_dtype=pl.String)).alias("networks"),
        "test_names",
        "domains",
        pl.col("id").alias("finding_id"),
    ).sort("start", descending=True, nulls_last=True)


def signals_about(signals: pl.DataFrame, subjects: Iterable[str]) -> pl.DataFrame:
    """Independent observations on some subjects, with networks named."""
    return (
        signals.filter(pl.col("subject").is_in(list(subjects)))
        .select(
            "event_date",
            "observer",
            "evidence_kind",
            "signal",
            "value",
            "value_high",
            "unit",
            "finding",
            pl.col("networks")
            .str.split(";")
            .list.eval(pl.element().map_elements(network_label, return_dtype=pl.String))
            .alias("networks"),
            "outlet",
            "source_url",
            "confidence",
            "verification",
        )
        .sort("event_date", nulls_last=True)
    )


def test_list_categories(test_list: pl.DataFrame) -> pl.DataFrame:
    """URLs per category in a Citizen Lab test list (what OONI probes test; not a block list)."""
    return (
        test_list.group_by("category_code", "category_description")
        .agg(pl.len().alias("urls"))
        # equal counts in code order, so a rerun writes the same bytes
        .sort("urls", "category_code", "category_description", descending=[True, False, False], nulls_last=True)
    )


# --------------------------------------------------------------------------- data quality


def check_results(results_json: str | Path | None = None) -> pl.DataFrame | None:
    """Per-suite outcome counts from the last ``claimaudit check`` (``reports/checks/results.json``)."""
    from claimaudit.quality import latest_check_results

    path = latest_check_results(results_json)
    if path is None:
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    rows = [
        {
            "suite": s.get("name"),
            "status": s.get("status"),
            "rows": s.get("rows"),
            "expectations": len(s.get("expectations", [])),
            "passed": sum(e.get("outcome") == "pass" for e in s.get("expectations", [])),
            "failed": sum(e.get("outcome") == "fail" for e in s.get("expectations", [])),
            "warnings": sum(e.get("outcome") == "warn" for e in s.get("expectations", [])),
            "errors": sum(e.get("outcome") == "error" for e in s.get("expectations", [])),
        }
        for s in data.get("suites", [])
    ]
    schema = {
        "suite": pl.String,
        "status": pl.String,
        "rows": pl.Int64,
        "expectations": pl.Int64,
        "passed": pl.Int64,
        "failed": pl.Int64,
        "warnings": pl.Int64,
        "errors": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema)


def dataset_inventory() -> pl.DataFrame:
    """The curated datasets: resources, rows, sha256 (see :func:`claimaudit.datasets.inventory`)."""
    from claimaudit import datasets

    return datasets.inventory()


def source_provenance() -> pl.DataFrame:
    """Every pinned third-party resource: URL, sha256, licence, when and from where it was had."""
    from claimaudit.datasets import sources
    from claimaudit.notebook._provenance import source_items

    items = source_items(sources.list_sources())
    schema = {k: pl.String for k in ("name", "url", "licence", "sha256", "retrieved", "origin")}
    return pl.DataFrame([{k: i[k] for k in schema} for i in items], schema=schema)


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


# --------------------------------------------------------------------------- re-judging in a notebook


class _AsOf:
    """An evidence provider whose claims ledger stops at ``end``: the record as it stood then.
    Everything else is the live provider's (cache and mirror only when offline)."""

    def __init__(self, end: dt.date, *, offline: bool) -> None:
        from claimaudit.audit import LiveEvidence

        self._live = LiveEvidence(offline=offline)
        self.offline = offline
        self._end = end

    def dataset(self, name: str, resource: str | None = None) -> pl.DataFrame:
        frame = self._live.dataset(name, resource)
        if name == "claims" and resource is None and "statement_date" in frame.columns:
            return frame.filter(pl.col("statement_date").is_null() | (pl.col("statement_date") <= pl.lit(self._end)))
        return frame

    def __getattr__(self, name: str) -> Any:
        return getattr(self._live, name)


def rejudge(
    rules: str,
    *,
    window_start: Any,
    window_end: Any,
    params: dict[str, dict[str, Any]] | None = None,
    offline: bool = True,
) -> pl.DataFrame:
    """This notebook's rules (``checks/claims/<rules>.yml``) judged again for a window, through the
    audit package: verdicts about at least one statement made in ``[window_start, window_end]``,
    against the record as it stood at ``window_end``. ``params`` overrides rule parameters by rule
    id (``{"url-blocking-series": {"headline_bound_ratio": 0.8}}``); a parameter the rule kind does
    not have is a ``RuleError`` naming it.

    Same columns as :func:`audit_verdicts`, plus the evidence as structs.
    """
    import dataclasses

    from claimaudit import audit
    from claimaudit.audit import RULE_PARAMETERS as PARAMS
    from claimaudit.errors import RuleError

    start, end = _date(window_start), _date(window_end)
    if start > end:
        raise RuleError(f"window_start {start} is after window_end {end}", hint="swap them in the parameters cell")
    chosen = audit.load_rule_file(audit.rules_dir() / f"{rules}.yml")
    overrides = dict(params or {})
    unknown_rules = sorted(set(overrides) - {r.id for r in chosen})
    if unknown_rules:
        raise RuleError(
            f"no rule {unknown_rules} in {rules}.yml", hint=f"rules there: {', '.join(r.id for r in chosen)}"
        )
    changed = []
    for rule in chosen:
        given = overrides.get(rule.id, {})
        allowed = PARAMS.get(rule.kind, {})
        for key, value in given.items():
            if key not in allowed:
                raise RuleError(
                    f"rule {rule.id} ({rule.kind}) has no parameter {key!r}",
                    hint=f"its parameters: {', '.join(sorted(allowed)) or 'none'}",
                )
            check = allowed[key][0]
            if not check(value):
                raise RuleError(
                    f"rule {rule.id}: parameter {key!r} cannot be {value!r}", hint="see checks/claims/README.md"
                )
        changed.append(dataclasses.replace(rule, params={**rule.params, **given}) if given else rule)
    verdicts = audit.run_audit(rules=changed, provider=_AsOf(end, offline=offline))
    ledger = _AsOf(end, offline=offline).dataset("claims")
    dated = (
        ledger.filter(pl.col("statement_date").is_between(pl.lit(start), pl.lit(end))).get_column("claim_id").to_list()
    )
    keep = [v for v in verdicts if set(v.claim_ids) & set(dated)]
    if not keep:
        frame = audit.verdicts_frame(verdicts).head(0)
        return with_evidence_items(frame, [])
    return with_evidence_items(audit.verdicts_frame(keep), keep)
