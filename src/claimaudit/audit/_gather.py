"""The gatherers of ``evidence_vs_assertion``: one function per independent source, named by its
entry in :data:`claimaudit.audit._evidence_sources.EVIDENCE_SOURCES` (which dispatches to them).

Each takes its registry entry (name, default strength, what it reads) and returns a
:class:`Finding`: the :class:`Evidence` record (what was used, window, n, networks), a sentence
for the explanation, links, and what it ``observes``: ``blocking``, ``no_blocking``, ``nothing``
(looked, found nothing), ``thin`` (too few measurements), ``context`` (relevant but not evidence
of blocking, e.g. VPN demand) or ``missing``. The two OONI measurement sources (API aggregation,
raw corpus) share one per-network judgement (:func:`_judge`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import polars as pl

from claimaudit.audit._evidence import EvidenceProvider
from claimaudit.audit._text import fmt_number, fmt_ratio, fmt_share, plural
from claimaudit.audit._verdict import Evidence, Strength
from claimaudit.datasets import ooni_api, sources, tor_metrics
from claimaudit.errors import ClaimauditError, FetchError, NotAvailableError

if TYPE_CHECKING:
    from claimaudit.audit._evidence_sources import EvidenceSource

#: What Tor relay users are read from when Tor Metrics cannot be had (ACSAC's extract, to 2023-04).
TOR_FALLBACK = ("acsac-pakistan", "tor-relay-users")
KIND_STRENGTH = {
    "direct_measurement": Strength.DIRECT_MEASUREMENT,
    "third_party_observation": Strength.THIRD_PARTY_OBSERVATION,
    "media_report": Strength.MEDIA_REPORT,
}


@dataclass
class Finding:
    evidence: Evidence
    sentence: str
    observes: str
    links: tuple[str, ...] = ()
    figures: dict[str, Any] = field(default_factory=dict)
    #: Structured caveats as data (e.g. ``ooni_api.unscored``'s ``riseupvpn_unscored`` items).
    caveats: tuple[dict[str, Any], ...] = ()

    @property
    def strength(self) -> Strength:
        return self.evidence.strength


#: A gatherer: (its registry entry, the item's options, window start, window end, provider, rule params).
Gatherer = Callable[["EvidenceSource", dict, dt.date, dt.date, EvidenceProvider, dict], Finding]


def missing_finding(
    source: EvidenceSource,
    start: dt.date,
    end: dt.date,
    reason: str,
    *,
    status: str | None = None,
    request_url: str | None = None,
    page_url: str | None = None,
) -> Finding:
    evidence = Evidence(
        source=source.name,
        strength=source.strength,
        window_start=start,
        window_end=end,
        available=False,
        observes="missing",
        note=reason,
        status=status,
        request_url=request_url,
        page_url=page_url,
    )
    return Finding(evidence, f"{source.name}: missing ({reason})", "missing")


def pinned_url(name: str, resource: str) -> str | None:
    """The canonical URL of a pinned third-party resource (``datasets/external/<name>``), if described."""
    try:
        descriptor = sources.read_descriptor(name)
    except ClaimauditError:
        return None
    return next(
        (
            str(r["path"])
            for r in descriptor.get("resources", [])
            if r.get("name") == resource and str(r.get("path", "")).startswith("https://")
        ),
        None,
    )


def _counts(rows: pl.DataFrame, column: str) -> dict[str, int] | None:
    if column not in rows.columns:
        return None
    return {str(k): int(v) for k, v in rows.get_column(column).value_counts().iter_rows() if k is not None} or None


def _as_dates(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    dtype = frame.schema[column]
    if dtype == pl.Date:
        return frame
    if isinstance(dtype, pl.Datetime):
        return frame.with_columns(pl.col(column).dt.date())
    return frame.with_columns(pl.col(column).cast(pl.String).str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False))


def _as_list(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """A list-of-strings column from a list column or a ``;``/``,``-separated text column."""
    if column not in frame.columns:
        return frame.with_columns(pl.lit([], dtype=pl.List(pl.String)).alias(column))
    if isinstance(frame.schema[column], pl.List):
        return frame.with_columns(pl.col(column).list.eval(pl.element().cast(pl.String)))
    return frame.with_columns(
        pl.col(column)
        .cast(pl.String)
        .fill_null("")
        .str.replace_all(",", ";")
        .str.split(";")
        .list.eval(pl.element().str.strip_chars().filter(pl.element() != ""))
    )


# --------------------------------------------------------------------------- signals


def signals(
    source: EvidenceSource, options: dict, start: dt.date, end: dt.date, provider: EvidenceProvider, params: dict
) -> Finding:
    frame = provider.dataset(source.reads[0])
    cond = pl.col("subject").is_in(options["subjects"])
    if options["signals"]:
        cond = cond & pl.col("signal").is_in(options["signals"])
    event_end = pl.coalesce("event_date_end", "event_date")
    rows = frame.filter(cond & (pl.col("event_date") <= end) & (event_end >= start)).sort(["event_date", "signal_id"])
    if rows.is_empty():
        evidence = Evidence(
            source=source.name,
            strength=source.strength,
            window_start=start,
            window_end=end,
            n=0,
            observes="nothing",
            note=f"no signal on {', '.join(options['subjects'])} in the window",
        )
        return Finding(
            evidence,
            f"{source.name}: no observation on {', '.join(options['subjects'])} between {start} and {end}",
            "nothing",
        )
    kinds = [k for k in KIND_STRENGTH if k in set(rows["evidence_kind"].to_list())]
    strength = KIND_STRENGTH[kinds[0]] if kinds else Strength.MEDIA_REPORT
    verification = _counts(rows, "verification")
    caveats = []
    if strength is Strength.DIRECT_MEASUREMENT and "verification" in rows.columns:
        # a hand-entered observation we could not check on its source cannot alone carry direct measurement
        direct = rows.filter(pl.col("evidence_kind") == "direct_measurement")
        unverified = direct.filter(pl.col("verification") != "search_verified")
        if unverified.height == direct.height:
            strength = KIND_STRENGTH[kinds[1]] if len(kinds) > 1 else Strength.THIRD_PARTY_OBSERVATION
            caveats.append(
                {
                    "kind": "unverified_observation",
                    "keys": unverified["signal_id"].to_list(),
                    "detail": ", ".join(
                        f"{r['signal_id']} ({r['verification'].replace('_', ' ')})"
                        for r in unverified.select("signal_id", "verification").to_dicts()
                    )
                    + f"; counted as {strength.value.replace('_', ' ')}",
                }
            )
    listed = []
    for row in rows.head(6).to_dicts():
        what = row["finding"] or (
            f"{row['signal']} {fmt_number(row['value'])}"
            + (f"–{fmt_number(row['value_high'])}" if row.get("value_high") is not None else "")
            + (f" {row['unit']}" if row.get("unit") else "")
        )
        listed.append(
            f"{row['observer']}: {what} ({row['event_date']}; {row['evidence_kind'].replace('_', ' ')})"
            f" [{row['signal_id']}]"
        )
    more = f" and {rows.height - 6} more" if rows.height > 6 else ""
    networks = sorted({n for cell in rows["networks"].drop_nulls().to_list() for n in cell.split(";") if n})
    observes = "blocking" if options["shows"] == "blocking" else "context"
    evidence = Evidence(
        source=source.name,
        keys=tuple(rows["signal_id"].to_list()),
        strength=strength,
        window_start=start,
        window_end=end,
        n=rows.height,
        networks=tuple(networks),
        observes=observes,
        verification=verification,
    )
    sentence = (
        f"{plural(rows.height, 'reported observation')} in {source.name} between {start} and {end}"
        f" ({'read as signs of blocking' if observes == 'blocking' else 'context only'}): " + "; ".join(listed) + more
    )
    links = tuple(dict.fromkeys(rows["source_url"].drop_nulls().to_list()))
    return Finding(evidence, sentence, observes, links, {"signals": rows.height}, tuple(caveats))


# --------------------------------------------------------------------------- events


def events(
    source: EvidenceSource, options: dict, start: dt.date, end: dt.date, provider: EvidenceProvider, params: dict
) -> Finding:
    frame = provider.dataset(source.reads[0])
    event_end = pl.coalesce("end_date", "start_date")
    rows = frame.filter(
        pl.col("kind").is_in(options["kinds"]) & (pl.col("start_date") <= end) & (event_end >= start)
    ).sort(["start_date", "event_id"])
    observes = "blocking" if options["shows"] == "blocking" else "context"
    if rows.is_empty():
        evidence = Evidence(
            source=source.name,
            strength=source.strength,
            window_start=start,
            window_end=end,
            n=0,
            observes="nothing",
        )
        return Finding(
            evidence, f"{source.name}: no {', '.join(options['kinds'])} event between {start} and {end}", "nothing"
        )
    listed = [
        f"{row['summary']} ({row['start_date']}; {row['outlet']}, {row['confidence']} confidence) [{row['event_id']}]"
        for row in rows.to_dicts()
    ]
    evidence = Evidence(
        source=source.name,
        keys=tuple(rows["event_id"].to_list()),
        strength=source.strength,
        window_start=start,
        window_end=end,
        n=rows.height,
        observes=observes,
        note="our timeline of reported events (media reports)",
    )
    sentence = (
        f"{plural(rows.height, 'reported event')} in {source.name} between {start} and {end}"
        f" ({'read as signs of blocking' if observes == 'blocking' else 'context only'}): " + "; ".join(listed)
    )
    links = tuple(dict.fromkeys(rows["source_url"].drop_nulls().to_list()))
    return Finding(evidence, sentence, observes, links, {"events": rows.height})


# --------------------------------------------------------------------------- Google Trends


def trends(
    source: EvidenceSource, options: dict, start: dt.date, end: dt.date, provider: EvidenceProvider, params: dict
) -> Finding:
    dataset = source.reads[0]
    frame = provider.source(dataset, options["resource"])
    frame = _as_dates(frame, "date").select("date", pl.col("value").cast(pl.Float64)).drop_nulls()
    base_start = start - dt.timedelta(days=params["baseline_days"])
    baseline = frame.filter((pl.col("date") >= base_start) & (pl.col("date") < start))
    window = frame.filter((pl.col("date") >= start) & (pl.col("date") <= end)).sort("date")
    name = f"{dataset}/{options['resource']}"
    if window.is_empty() or baseline.is_empty():
        span = f"{frame['date'].min()}..{frame['date'].max()}" if frame.height else "empty"
        return missing_finding(
            source,
            start,
            end,
            f"the series ({span}) does not cover the window and its {params['baseline_days']}-day baseline",
            request_url=pinned_url(dataset, options["resource"]),
        )
    peak_row = window.sort(["value", "date"], descending=[True, False]).row(0, named=True)
    mean, median = baseline["value"].mean(), baseline["value"].median()
    ratio = peak_row["value"] / mean if mean else None
    spike = ratio is not None and ratio >= params["spike_ratio"]
    ratio_text = (
        f"{fmt_ratio(ratio)} × the trailing {params['baseline_days']}-day mean of {fmt_ratio(mean)}"
        if ratio is not None
        else "against a trailing mean of 0 (no ratio can be formed)"
    )
    sentence = (
        f"Google Trends interest in VPNs in Pakistan ({name}, CenAlert series) peaked at"
        f" {fmt_number(peak_row['value'])} on {peak_row['date']}, {ratio_text}"
        f" (median {fmt_ratio(median)}, {base_start}..{start - dt.timedelta(days=1)}): "
        + (f"a spike (≥ {fmt_ratio(params['spike_ratio'])} ×)" if spike else "no spike")
        + "; VPN demand shows people seeking circumvention, not by itself that VPNs were blocked"
    )
    evidence = Evidence(
        source=name,
        keys=(str(peak_row["date"]),),
        strength=source.strength,
        window_start=start,
        window_end=end,
        observes="context",
        request_url=pinned_url(dataset, options["resource"]),
        note=f"{window.height} days; peak/mean ratio {fmt_ratio(ratio) if ratio is not None else 'n/a'}",
    )
    figures = {
        "trends_peak": peak_row["value"],
        "trends_baseline_mean": mean,
        "trends_baseline_median": median,
        "trends_ratio": ratio,
    }
    return Finding(evidence, sentence, "context", (), figures)


# --------------------------------------------------------------------------- OONI measurements
# Two sources count OONI measurements per network: the API's aggregation (``ooni_aggregation``)
# and the raw corpus summarised by ``claimaudit ooni corpus`` (``ooni_corpus``). Each turns its rows
# into per-network counts; :func:`_per_network` and :func:`_judge` are shared: the same thresholds
# decide ``thin`` / ``blocking`` / ``no_blocking`` for both, only the words differ.

_COUNTS = ("measurement_count", "anomaly_count", "confirmed_count", "failure_count")


@dataclass(frozen=True)
class _Words:
    """How a verdict on OONI counts is worded for one source (``{count}`` of ``{k}`` networks,
    ``{nets}`` their ASNs, ``{threshold}`` the rule's anomaly threshold, ``{min_usable}``)."""

    confirmed: str
    anomalous: str
    clear: str


_AGGREGATION_WORDS = _Words(
    confirmed="blocking confirmed on {count} of {k} networks ({nets})",
    anomalous=(
        "anomaly rate at or above {threshold} on {count} of {k} networks ({nets}; networks with at least"
        " {min_usable} usable measurements); anomalies are signs of interference, not confirmed blocking"
    ),
    clear="no network at or above the {threshold} anomaly threshold",
)
_CORPUS_WORDS = _Words(
    confirmed="blocked by blockpage on {count} of {k} networks ({nets})",
    anomalous=(
        "no blockpage, but an anomaly rate at or above {threshold} on {count} of {k} networks ({nets}):"
        " signs of interference, not confirmed blocking"
    ),
    clear="no blockpage and no network at or above the {threshold} anomaly threshold",
)


def _per_network(rows: pl.DataFrame, sums: tuple[str, ...], usable: pl.Expr, rate: pl.Expr) -> pl.DataFrame:
    """``sums`` added up per ``probe_asn`` (rows without one left out), with ``usable`` and ``rate``."""
    return (
        rows.filter(pl.col("probe_asn").is_not_null())
        .group_by("probe_asn")
        .agg(pl.col(c).sum() for c in sums)
        .with_columns(usable=usable)
        .with_columns(rate=rate)
        .sort("probe_asn")
    )


def _judge(
    per_network: pl.DataFrame, confirmed: str, n: int, params: dict, base: str, words: _Words
) -> tuple[str, str, list[str], list[str]]:
    """(observes, sentence, networks with a confirmed block, anomalous networks) for per-network
    counts: too few measurements or networks -> ``thin``; a confirmed block (``confirmed`` > 0) ->
    ``blocking``; an anomaly rate at or above the threshold on a network with enough usable
    measurements -> ``blocking`` (signs of interference); else ``no_blocking``."""
    k = per_network.height
    confirmed_nets = per_network.filter(pl.col(confirmed) > 0)["probe_asn"].to_list()
    anomalous_nets = per_network.filter(
        (pl.col("rate") >= params["anomaly_threshold"]) & (pl.col("usable") >= params["min_network_measurements"])
    )["probe_asn"].to_list()
    slots = {
        "k": k,
        "threshold": fmt_share(params["anomaly_threshold"]),
        "min_usable": params["min_network_measurements"],
    }
    if n < params["min_measurements"] or k < params["min_networks"]:
        observes = "thin"
        sentence = (
            base + f" — too few to conclude (the rule asks for at least {params['min_measurements']:,}"
            f" measurements on {params['min_networks']} networks)"
        )
    elif confirmed_nets:
        observes = "blocking"
        sentence = (
            base + " — " + words.confirmed.format(count=len(confirmed_nets), nets=", ".join(confirmed_nets), **slots)
        )
    elif anomalous_nets:
        observes = "blocking"
        sentence = (
            base + " — " + words.anomalous.format(count=len(anomalous_nets), nets=", ".join(anomalous_nets), **slots)
        )
    else:
        observes = "no_blocking"
        sentence = base + " — " + words.clear.format(**slots)
    return observes, sentence, confirmed_nets, anomalous_nets


def _counted(source: EvidenceSource, options: dict, start: dt.date, end: dt.date, **fields: Any) -> Evidence:
    """The evidence item of an OONI count: keyed by its tests, at the source's strength."""
    return Evidence(
        source=source.name,
        keys=tuple(options["test_names"]),
        strength=source.strength,
        window_start=start,
        window_end=end,
        **fields,
    )


def ooni(
    source: EvidenceSource, options: dict, start: dt.date, end: dt.date, provider: EvidenceProvider, params: dict
) -> Finding:
    """OONI's daily aggregation (``/api/v1/aggregation``), one request per test: a block is
    *confirmed* where OONI's own fingerprints confirmed one (``confirmed_count``)."""
    frames, missing, links = [], [], []
    offline_only = True  # every failure so far: offline and not in the cache
    left_out = 0  # measurements of tests OONI no longer scores (riseupvpn since 2023-10-17)
    until = end + dt.timedelta(days=1)  # the API's `until` is exclusive
    domain = ",".join(options["domains"]) or None
    for test in options["test_names"]:
        try:
            frame = provider.ooni_aggregate(
                probe_cc=options["probe_cc"], test_name=test, since=start, until=until, domain=domain
            )
        except FetchError as exc:
            missing.append(f"{test}: {str(exc).splitlines()[0]}")
            offline_only = offline_only and isinstance(exc, NotAvailableError)
            continue
        absent = [c for c in _COUNTS if c not in frame.columns]
        if absent:
            missing.append(f"{test}: unexpected format (no {', '.join(absent)})")
            continue
        if "measurement_start_day" in frame.columns:
            frame, dropped = ooni_api.drop_unscored(frame, test)
            left_out += dropped
        if "probe_asn" not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias("probe_asn"))
        frames.append(
            frame.select(
                pl.lit(test).alias("test"),
                pl.col("probe_asn").cast(pl.String).str.replace(r"^(AS)?", "AS"),
                *(pl.col(c).cast(pl.Int64) for c in _COUNTS),
            )
        )
        links.append(
            ooni_api.explorer_chart_url(
                probe_cc=options["probe_cc"],
                test_name=test,
                since=start,
                until=until,
                domain=domain,
                axis_y="probe_asn",
            )
        )
    tests = ", ".join(options["test_names"])
    request_url = ooni_api.aggregation_url(
        probe_cc=options["probe_cc"], test_name=",".join(options["test_names"]), since=start, until=until, domain=domain
    )
    page_url = ooni_api.explorer_chart_url(
        probe_cc=options["probe_cc"],
        test_name=options["test_names"][0],
        since=start,
        until=until,
        domain=domain,
        axis_y="probe_asn",
    )
    if not frames:
        failed = [m.split(":", 1)[0] for m in missing]
        reason = f"{', '.join(failed)}: {missing[0].split(': ', 1)[1]}" if len(missing) > 1 else missing[0]
        finding = missing_finding(
            source,
            start,
            end,
            reason,
            status="not_fetched" if offline_only else None,
            request_url=request_url,
            page_url=page_url,
        )
        if len(missing) > 1:
            finding.sentence = f"{source.name}: missing for {', '.join(failed)} (first: {missing[0].split(': ', 1)[1]})"
        return finding
    data = pl.concat(frames)
    per_network = _per_network(
        data, _COUNTS, usable=pl.col("measurement_count") - pl.col("failure_count"), rate=ooni_api.anomaly_rate()
    )
    n = int(data["measurement_count"].sum())
    anomalies, confirmed, failures = (int(data[c].sum()) for c in _COUNTS[1:])
    networks = tuple(per_network["probe_asn"].to_list())
    k = len(networks)
    usable = n - failures
    # the one definition (ooni_api.anomaly_rate): null, never 0, when no measurement is usable
    rate = data.select(pl.col(c).sum() for c in _COUNTS).select(ooni_api.anomaly_rate()).item()
    base = (
        f"OONI {tests} measurements in {options['probe_cc']}, {start}..{end}: {plural(n, 'measurement')} on"
        f" {plural(k, 'network')} ({fmt_number(anomalies)} anomalies, {fmt_number(confirmed)} confirmed,"
        f" {fmt_number(failures)} failures; anomaly rate "
        + (f"{fmt_share(rate)} of {fmt_number(usable)} usable)" if rate is not None else "n/a: none usable)")
    )
    if missing:
        base += f"; missing: {'; '.join(missing)}"
    caveats = tuple(
        dict(item, measurements=left_out)
        for item in ooni_api.unscored(
            [t for t in options["test_names"] if t not in {m.split(":", 1)[0] for m in missing}], start, until
        )
    )
    for item in caveats:
        base += f"; {item['detail']} ({plural(left_out, 'measurement')} left out)"
    observes, sentence, _, anomalous_nets = _judge(per_network, "confirmed_count", n, params, base, _AGGREGATION_WORDS)
    evidence = _counted(
        source,
        options,
        start,
        end,
        n=n,
        networks=networks,
        observes=observes,
        note="; ".join([*missing, *(f"{c['kind']}: {c['detail']}" for c in caveats)]) or None,
        request_url=request_url,
        page_url=page_url,
    )
    figures = {
        "ooni_measurements": n,
        "ooni_networks": k,
        "ooni_anomaly_rate": rate,
        "ooni_confirmed": confirmed,
        "ooni_anomalous_networks": len(anomalous_nets),
    }
    if caveats:
        figures["ooni_unscored_left_out"] = left_out
    return Finding(evidence, sentence, observes, tuple(links), figures, caveats)


def corpus(
    source: EvidenceSource, options: dict, start: dt.date, end: dt.date, provider: EvidenceProvider, params: dict
) -> Finding:
    """The raw measurements themselves (``claimaudit ooni corpus`` + ``summarize``): a block is
    *confirmed* only by a state blockpage fingerprint (opt-in subscriber filters such as Nayatel
    Safeweb apart); anomalies without one are signs of interference."""
    until = end + dt.timedelta(days=1)
    rows = provider.ooni_corpus(
        probe_cc=options["probe_cc"],
        test_names=list(options["test_names"]),
        since=start,
        until=until,
        domains=list(options["domains"]) or None,
    )
    tests = ", ".join(options["test_names"])
    what = f"OONI raw {tests} measurements in {options['probe_cc']}" + (
        f" of {', '.join(options['domains'])}" if options["domains"] else ""
    )
    if rows.is_empty():
        evidence = _counted(
            source,
            options,
            start,
            end,
            n=0,
            observes="nothing",
            note="the corpus holds no matching measurement in the window",
        )
        return Finding(evidence, f"{what}, {start}..{end}: none in the corpus", "nothing")
    usable = pl.col("n") - pl.col("control_failures")
    per_network = _per_network(
        rows,
        ("n", "anomalies", "blockpage_state", "blockpage_optin", "control_failures"),
        usable=usable,
        rate=ooni_api.share_of_usable(pl.col("anomalies"), pl.col("usable")),
    )
    n = int(rows["n"].sum())
    anomalies, blockpages, optin = (int(rows[c].sum()) for c in ("anomalies", "blockpage_state", "blockpage_optin"))
    networks = tuple(per_network["probe_asn"].to_list())
    k = len(networks)
    base = (
        f"{what}, {start}..{end}: {plural(n, 'measurement')} on {plural(k, 'network')}"
        f" ({fmt_number(anomalies)} anomalies, {fmt_number(blockpages)} with a state blockpage)"
    )
    if optin:
        base += (
            f"; {fmt_number(optin)} showed only an opt-in subscriber filter's page (e.g. Nayatel Safeweb),"
            " not counted as a block"
        )
    observes, sentence, blocked, _ = _judge(per_network, "blockpage_state", n, params, base, _CORPUS_WORDS)
    evidence = _counted(
        source,
        options,
        start,
        end,
        n=n,
        networks=networks,
        observes=observes,
        note="raw measurements; blocks confirmed by blockpage fingerprints",
    )
    figures = {
        "corpus_measurements": n,
        "corpus_networks": k,
        "corpus_blockpage_networks": len(blocked),
        "corpus_blockpages": blockpages,
        "corpus_optin_blockpages": optin,
        "corpus_anomalies": anomalies,
    }
    links = [
        ooni_api.explorer_search_url(
            probe_cc=options["probe_cc"], test_name=options["test_names"][0], since=start, until=until, domain=domain
        )
        for domain in options["domains"][:3]
    ]
    return Finding(evidence, sentence, observes, tuple(links), figures)


# --------------------------------------------------------------------------- OONI findings


def findings(
    source: EvidenceSource, options: dict, start: dt.date, end: dt.date, provider: EvidenceProvider, params: dict
) -> Finding:
    frame = provider.source(*source.reads)
    id_col = "incident_id" if "incident_id" in frame.columns else "id"
    # The OONI API spells them CCs/ASNs; claimaudit.datasets.sources gives snake_case ccs/asns.
    frame = frame.rename({c: c.lower() for c in frame.columns if c in ("CCs", "ASNs")})
    for column in ("ccs", "asns", "test_names", "domains"):
        frame = _as_list(frame, column)
    frame = _as_dates(frame, "start_time")
    frame = (
        _as_dates(frame, "end_time")
        if "end_time" in frame.columns
        else frame.with_columns(end_time=pl.lit(None, dtype=pl.Date))
    )
    cond = (pl.col("start_time") <= end) & (pl.col("end_time").is_null() | (pl.col("end_time") >= start))
    if frame["ccs"].list.len().sum():
        cond = cond & pl.col("ccs").list.contains("PK")
    matches = []
    if options["domains"]:
        matches.append(pl.col("domains").list.eval(pl.element().is_in(options["domains"])).list.any())
    if options["test_names"]:
        matches.append(pl.col("test_names").list.eval(pl.element().is_in(options["test_names"])).list.any())
    for word in options["title_contains"]:
        matches.append(pl.col("title").str.to_lowercase().str.contains(word.lower(), literal=True))
    if matches:
        cond = cond & pl.any_horizontal(matches)
    rows = frame.filter(cond).sort("start_time")
    name = source.name
    if rows.is_empty():
        evidence = Evidence(
            source=name,
            strength=source.strength,
            window_start=start,
            window_end=end,
            n=0,
            observes="nothing",
            note="no matching OONI finding overlaps the window",
            request_url=pinned_url(*source.reads),
            page_url="https://explorer.ooni.org/findings",
        )
        return Finding(evidence, f"OONI findings: none matching overlaps {start}..{end}", "nothing")
    networks = sorted({f"AS{a}".replace("ASAS", "AS") for cell in rows["asns"].to_list() for a in cell})
    listed = []
    links = []
    for row in rows.to_dicts():
        ends = row["end_time"].isoformat() if row["end_time"] else "ongoing"
        nets = ", ".join(f"AS{a}".replace("ASAS", "AS") for a in row["asns"]) or "networks not listed"
        listed.append(f"'{row['title']}' ({row['start_time']}..{ends}; {nets}) [{row[id_col]}]")
        links.append(f"https://explorer.ooni.org/findings/{row[id_col]}")
    evidence = Evidence(
        source=name,
        keys=tuple(str(x) for x in rows[id_col].to_list()),
        strength=source.strength,
        window_start=start,
        window_end=end,
        n=rows.height,
        networks=tuple(networks),
        observes="blocking",
        note="OONI's published findings, drawn from its measurements",
        request_url=pinned_url(*source.reads),
        page_url=links[0] if len(links) == 1 else "https://explorer.ooni.org/findings",
    )
    sentence = f"{plural(rows.height, 'OONI finding')} overlapping {start}..{end}: " + "; ".join(listed)
    return Finding(evidence, sentence, "blocking", tuple(links), {"ooni_findings": rows.height})


# --------------------------------------------------------------------------- Tor users


def tor(
    source: EvidenceSource, options: dict, start: dt.date, end: dt.date, provider: EvidenceProvider, params: dict
) -> Finding:
    base_start = start - dt.timedelta(days=params["baseline_days"])
    try:
        frame = provider.tor_users(country=options["country"], start=base_start, end=end)
        name = source.name
    except FetchError as first:
        try:
            frame = provider.source(*TOR_FALLBACK)
            name = "/".join(TOR_FALLBACK)
        except FetchError:
            raise first from None
    if name == source.name:
        request_url = tor_metrics.userstats_url(options["country"], base_start, end)
        page_url = tor_metrics.graph_url(options["country"], base_start, end)
    else:
        request_url, page_url = pinned_url(*TOR_FALLBACK), None
    frame = _as_dates(frame, "date").select("date", pl.col("users").cast(pl.Float64)).drop_nulls()
    baseline = frame.filter((pl.col("date") >= base_start) & (pl.col("date") < start))
    window = frame.filter((pl.col("date") >= start) & (pl.col("date") <= end))
    if window.is_empty() or baseline.is_empty():
        span = f"{frame['date'].min()}..{frame['date'].max()}" if frame.height else "empty"
        return missing_finding(
            source,
            start,
            end,
            f"{name} covers {span}, not the window and its {params['baseline_days']}-day baseline",
            request_url=request_url,
            page_url=page_url,
        )
    mean_w, mean_b = window["users"].mean(), baseline["users"].mean()
    ratio = mean_w / mean_b if mean_b else None
    sentence = (
        f"Tor relay users from Pakistan ({name}): mean {fmt_number(round(mean_w))} a day in the window against"
        f" {fmt_number(round(mean_b))} in the {params['baseline_days']} days before"
        + (f" (ratio {fmt_ratio(ratio)})" if ratio is not None else "")
        + "; Tor use is context for circumvention, not a test of VPN blocking"
    )
    evidence = Evidence(
        source=name,
        strength=source.strength,
        window_start=start,
        window_end=end,
        observes="context",
        request_url=request_url,
        page_url=page_url,
        note=f"{window.height} days; window/baseline ratio {fmt_ratio(ratio) if ratio else 'n/a'}",
    )
    return Finding(evidence, sentence, "context", (), {"tor_ratio": ratio})
