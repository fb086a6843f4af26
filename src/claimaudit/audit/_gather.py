"""Evidence gathering for ``evidence_vs_assertion``: one function per independent source.

Each returns a :class:`Finding`: the :class:`Evidence` record (what was used, window, n,
networks), a sentence for the explanation, links, and what it ``observes``: ``blocking``,
``no_blocking``, ``nothing`` (looked, found nothing), ``thin`` (too few measurements),
``context`` (relevant but not evidence of blocking, e.g. VPN demand) or ``missing``.
A loader that raises a :class:`~claimaudit.errors.ClaimauditError` (``FetchError`` and its
subclasses, ``DataError``) gives a ``missing`` finding with the reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from claimaudit.audit._evidence import EvidenceProvider
from claimaudit.audit._rules import EvidenceSpec
from claimaudit.audit._text import fmt_number, fmt_ratio, fmt_share, plural
from claimaudit.audit._verdict import Evidence, Strength
from claimaudit.datasets import ooni_api, sources, tor_metrics
from claimaudit.errors import ClaimauditError, FetchError, NotAvailableError

TRENDS_SOURCE = ("cenalert-google-trends-vpn", "pk")
FINDINGS_SOURCE = ("ooni-incidents", "incidents")
TOR_FALLBACK = ("acsac-pakistan", "tor-relay-users")
_KIND_STRENGTH = {
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


def gather(
    spec: EvidenceSpec, start: dt.date, end: dt.date, provider: EvidenceProvider, params: dict[str, Any]
) -> Finding:
    """Consult one source for the window ``start``..``end`` (inclusive)."""
    handler = _HANDLERS[spec.source]
    try:
        finding = handler(spec.options, start, end, provider, params)
    except ClaimauditError as exc:  # FetchError, NotAvailableError, DataError: the evidence is missing
        reason = str(exc).splitlines()[0]
        finding = _missing(
            spec.source,
            _default_strength(spec.source),
            start,
            end,
            reason,
            status="not_fetched" if isinstance(exc, NotAvailableError) else None,
        )
    override = spec.options.get("strength")
    if override:
        finding.evidence = _replace(finding.evidence, strength=_KIND_STRENGTH[override])
    return finding


def _replace(evidence: Evidence, **changes: Any) -> Evidence:
    from dataclasses import replace

    return replace(evidence, **changes)


def _default_strength(source: str) -> Strength:
    return {
        "ooni_aggregation": Strength.DIRECT_MEASUREMENT,
        "ooni_corpus": Strength.DIRECT_MEASUREMENT,
        "ooni_findings": Strength.DIRECT_MEASUREMENT,
        "tor_users": Strength.DIRECT_MEASUREMENT,
        "google_trends_vpn": Strength.THIRD_PARTY_OBSERVATION,
        "signals": Strength.THIRD_PARTY_OBSERVATION,
        "events": Strength.MEDIA_REPORT,
    }[source]


_NAMES = {
    "ooni_aggregation": "ooni_api/aggregation",
    "ooni_corpus": "ooni_corpus/summary",
    "ooni_findings": "ooni-incidents/incidents",
    "tor_users": "tor_metrics/userstats",
    "google_trends_vpn": "cenalert-google-trends-vpn/pk",
    "signals": "datasets/signals",
    "events": "datasets/events",
}


def _missing(
    source: str,
    strength: Strength,
    start: dt.date,
    end: dt.date,
    reason: str,
    *,
    status: str | None = None,
    request_url: str | None = None,
    page_url: str | None = None,
) -> Finding:
    evidence = Evidence(
        source=_NAMES[source],
        strength=strength,
        window_start=start,
        window_end=end,
        available=False,
        observes="missing",
        note=reason,
        status=status,
        request_url=request_url,
        page_url=page_url,
    )
    return Finding(evidence, f"{_NAMES[source]}: missing ({reason})", "missing")


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


def _signals(options: dict, start: dt.date, end: dt.date, provider: EvidenceProvider, params: dict) -> Finding:
    frame = provider.dataset("signals")
    cond = pl.col("subject").is_in(options["subjects"])
    if options["signals"]:
        cond = cond & pl.col("signal").is_in(options["signals"])
    event_end = pl.coalesce("event_date_end", "event_date")
    rows = frame.filter(cond & (pl.col("event_date") <= end) & (event_end >= start)).sort(["event_date", "signal_id"])
    if rows.is_empty():
        evidence = Evidence(
            source="datasets/signals",
            strength=Strength.THIRD_PARTY_OBSERVATION,
            window_start=start,
            window_end=end,
            n=0,
            observes="nothing",
            note=f"no signal on {', '.join(options['subjects'])} in the window",
        )
        return Finding(
            evidence,
            f"datasets/signals: no observation on {', '.join(options['subjects'])} between {start} and {end}",
            "nothing",
        )
    kinds = [k for k in _KIND_STRENGTH if k in set(rows["evidence_kind"].to_list())]
    strength = _KIND_STRENGTH[kinds[0]] if kinds else Strength.MEDIA_REPORT
    verification = _counts(rows, "verification")
    caveats = []
    if strength is Strength.DIRECT_MEASUREMENT and "verification" in rows.columns:
        # a hand-entered observation we could not check on its source cannot alone carry direct measurement
        direct = rows.filter(pl.col("evidence_kind") == "direct_measurement")
        unverified = direct.filter(pl.col("verification") != "search_verified")
        if unverified.height == direct.height:
            strength = _KIND_STRENGTH[kinds[1]] if len(kinds) > 1 else Strength.THIRD_PARTY_OBSERVATION
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
        source="datasets/signals",
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
        f"{plural(rows.height, 'reported observation')} in datasets/signals between {start} and {end}"
        f" ({'read as signs of blocking' if observes == 'blocking' else 'context only'}): " + "; ".join(listed) + more
    )
    links = tuple(dict.fromkeys(rows["source_url"].drop_nulls().to_list()))
    return Finding(evidence, sentence, observes, links, {"signals": rows.height}, tuple(caveats))


# --------------------------------------------------------------------------- events


def _events(options: dict, start: dt.date, end: dt.date, provider: EvidenceProvider, params: dict) -> Finding:
    frame = provider.dataset("events")
    event_end = pl.coalesce("end_date", "start_date")
    rows = frame.filter(
        pl.col("kind").is_in(options["kinds"]) & (pl.col("start_date") <= end) & (event_end >= start)
    ).sort(["start_date", "event_id"])
    observes = "blocking" if options["shows"] == "blocking" else "context"
    if rows.is_empty():
        evidence = Evidence(
            source="datasets/events",
            strength=Strength.MEDIA_REPORT,
            window_start=start,
            window_end=end,
            n=0,
            observes="nothing",
        )
        return Finding(
            evidence, f"datasets/events: no {', '.join(options['kinds'])} event between {start} and {end}", "nothing"
        )
    listed = [
        f"{row['summary']} ({row['start_date']}; {row['outlet']}, {row['confidence']} confidence) [{row['event_id']}]"
        for row in rows.to_dicts()
    ]
    evidence = Evidence(
        source="datasets/events",
        keys=tuple(rows["event_id"].to_list()),
        strength=Strength.MEDIA_REPORT,
        window_start=start,
        window_end=end,
        n=rows.height,
        observes=observes,
        note="our timeline of reported events (media reports)",
    )
    sentence = (
        f"{plural(rows.height, 'reported event')} in datasets/events between {start} and {end}"
        f" ({'read as signs of blocking' if observes == 'blocking' else 'context only'}): " + "; ".join(listed)
    )
    links = tuple(dict.fromkeys(rows["source_url"].drop_nulls().to_list()))
    return Finding(evidence, sentence, observes, links, {"events": rows.height})


# --------------------------------------------------------------------------- Google Trends


def _trends(options: dict, start: dt.date, end: dt.date, provider: EvidenceProvider, params: dict) -> Finding:
    frame = provider.source(TRENDS_SOURCE[0], options["resource"])
    frame = _as_dates(frame, "date").select("date", pl.col("value").cast(pl.Float64)).drop_nulls()
    base_start = start - dt.timedelta(days=params["baseline_days"])
    baseline = frame.filter((pl.col("date") >= base_start) & (pl.col("date") < start))
    window = frame.filter((pl.col("date") >= start) & (pl.col("date") <= end)).sort("date")
    name = f"{TRENDS_SOURCE[0]}/{options['resource']}"
    if window.is_empty() or baseline.is_empty():
        span = f"{frame['date'].min()}..{frame['date'].max()}" if frame.height else "empty"
        return _missing(
            "google_trends_vpn",
            Strength.THIRD_PARTY_OBSERVATION,
            start,
            end,
            f"the series ({span}) does not cover the window and its {params['baseline_days']}-day baseline",
            request_url=pinned_url(TRENDS_SOURCE[0], options["resource"]),
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
        strength=Strength.THIRD_PARTY_OBSERVATION,
        window_start=start,
        window_end=end,
        observes="context",
        request_url=pinned_url(TRENDS_SOURCE[0], options["resource"]),
        note=f"{window.height} days; peak/mean ratio {fmt_ratio(ratio) if ratio is not None else 'n/a'}",
    )
    figures = {
        "trends_peak": peak_row["value"],
        "trends_baseline_mean": mean,
        "trends_baseline_median": median,
        "trends_ratio": ratio,
    }
    return Finding(evidence, sentence, "context", (), figures)


# --------------------------------------------------------------------------- OONI aggregation

_COUNTS = ("measurement_count", "anomaly_count", "confirmed_count", "failure_count")


def _ooni(options: dict, start: dt.date, end: dt.date, provider: EvidenceProvider, params: dict) -> Finding:
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
        finding = _missing(
            "ooni_aggregation",
            Strength.DIRECT_MEASUREMENT,
            start,
            end,
            reason,
            status="not_fetched" if offline_only else None,
            request_url=request_url,
            page_url=page_url,
        )
        if len(missing) > 1:
            finding.sentence = (
                f"ooni_api/aggregation: missing for {', '.join(failed)} (first: {missing[0].split(': ', 1)[1]})"
            )
        return finding
    data = pl.concat(frames)
    per_network = (
        data.filter(pl.col("probe_asn").is_not_null())
        .group_by("probe_asn")
        .agg(pl.col(c).sum() for c in _COUNTS)
        .with_columns(usable=pl.col("measurement_count") - pl.col("failure_count"), rate=ooni_api.anomaly_rate())
        .sort("probe_asn")
    )
    n = int(data["measurement_count"].sum())
    anomalies, confirmed, failures = (int(data[c].sum()) for c in _COUNTS[1:])
    networks = tuple(per_network["probe_asn"].to_list())
    k = len(networks)
    confirmed_nets = per_network.filter(pl.col("confirmed_count") > 0)["probe_asn"].to_list()
    anomalous_nets = per_network.filter(
        (pl.col("rate") >= params["anomaly_threshold"]) & (pl.col("usable") >= params["min_network_measurements"])
    )["probe_asn"].to_list()
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
    if n < params["min_measurements"] or k < params["min_networks"]:
        observes = "thin"
        sentence = (
            base + f" — too few to conclude (the rule asks for at least {params['min_measurements']:,}"
            f" measurements on {params['min_networks']} networks)"
        )
    elif confirmed_nets:
        observes = "blocking"
        sentence = (
            base + f" — blocking confirmed on {len(confirmed_nets)} of {k} networks ({', '.join(confirmed_nets)})"
        )
    elif anomalous_nets:
        observes = "blocking"
        sentence = (
            base + f" — anomaly rate at or above {fmt_share(params['anomaly_threshold'])} on"
            f" {len(anomalous_nets)} of {k} networks ({', '.join(anomalous_nets)}; networks with at least"
            f" {params['min_network_measurements']} usable measurements); anomalies are signs of"
            " interference, not confirmed blocking"
        )
    else:
        observes = "no_blocking"
        sentence = base + f" — no network at or above the {fmt_share(params['anomaly_threshold'])} anomaly threshold"
    evidence = Evidence(
        source="ooni_api/aggregation",
        keys=tuple(options["test_names"]),
        strength=Strength.DIRECT_MEASUREMENT,
        window_start=start,
        window_end=end,
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


# --------------------------------------------------------------------------- OONI raw corpus


def _corpus(options: dict, start: dt.date, end: dt.date, provider: EvidenceProvider, params: dict) -> Finding:
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
    name = _NAMES["ooni_corpus"]
    tests = ", ".join(options["test_names"])
    what = f"OONI raw {tests} measurements in {options['probe_cc']}" + (
        f" of {', '.join(options['domains'])}" if options["domains"] else ""
    )
    if rows.is_empty():
        evidence = Evidence(
            source=name,
            keys=tuple(options["test_names"]),
            strength=Strength.DIRECT_MEASUREMENT,
            window_start=start,
            window_end=end,
            n=0,
            observes="nothing",
            note="the corpus holds no matching measurement in the window",
        )
        return Finding(evidence, f"{what}, {start}..{end}: none in the corpus", "nothing")
    per_network = (
        rows.filter(pl.col("probe_asn").is_not_null())
        .group_by("probe_asn")
        .agg(pl.col("n", "anomalies", "blockpage_state", "blockpage_optin", "control_failures").sum())
        .with_columns(usable=pl.col("n") - pl.col("control_failures"))
        .with_columns(rate=pl.when(pl.col("usable") > 0).then(pl.col("anomalies") / pl.col("usable")).otherwise(0.0))
        .sort("probe_asn")
    )
    n = int(rows["n"].sum())
    anomalies, blockpages, optin = (int(rows[c].sum()) for c in ("anomalies", "blockpage_state", "blockpage_optin"))
    networks = tuple(per_network["probe_asn"].to_list())
    k = len(networks)
    blocked = per_network.filter(pl.col("blockpage_state") > 0)["probe_asn"].to_list()
    anomalous = per_network.filter(
        (pl.col("rate") >= params["anomaly_threshold"]) & (pl.col("usable") >= params["min_network_measurements"])
    )["probe_asn"].to_list()
    base = (
        f"{what}, {start}..{end}: {plural(n, 'measurement')} on {plural(k, 'network')}"
        f" ({fmt_number(anomalies)} anomalies, {fmt_number(blockpages)} with a state blockpage)"
    )
    if optin:
        base += (
            f"; {fmt_number(optin)} showed only an opt-in subscriber filter's page (e.g. Nayatel Safeweb),"
            " not counted as a block"
        )
    if n < params["min_measurements"] or k < params["min_networks"]:
        observes = "thin"
        sentence = (
            base + f" — too few to conclude (the rule asks for at least {params['min_measurements']:,}"
            f" measurements on {params['min_networks']} networks)"
        )
    elif blocked:
        observes = "blocking"
        sentence = base + f" — blocked by blockpage on {len(blocked)} of {k} networks ({', '.join(blocked)})"
    elif anomalous:
        observes = "blocking"
        sentence = (
            base + f" — no blockpage, but an anomaly rate at or above {fmt_share(params['anomaly_threshold'])}"
            f" on {len(anomalous)} of {k} networks ({', '.join(anomalous)}): signs of interference,"
            " not confirmed blocking"
        )
    else:
        observes = "no_blocking"
        sentence = base + (
            f" — no blockpage and no network at or above the {fmt_share(params['anomaly_threshold'])} anomaly threshold"
        )
    evidence = Evidence(
        source=name,
        keys=tuple(options["test_names"]),
        strength=Strength.DIRECT_MEASUREMENT,
        window_start=start,
        window_end=end,
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
    links = []
    for domain in options["domains"][:3]:
        links.append(
            f"https://explorer.ooni.org/search?probe_cc={options['probe_cc']}&test_name="
            f"{options['test_names'][0]}&domain={domain}&since={start}&until={until}"
        )
    return Finding(evidence, sentence, observes, tuple(links), figures)


# --------------------------------------------------------------------------- OONI findings


def _findings(options: dict, start: dt.date, end: dt.date, provider: EvidenceProvider, params: dict) -> Finding:
    frame = provider.source(*FINDINGS_SOURCE)
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
    name = "/".join(FINDINGS_SOURCE)
    if rows.is_empty():
        evidence = Evidence(
            source=name,
            strength=Strength.DIRECT_MEASUREMENT,
            window_start=start,
            window_end=end,
            n=0,
            observes="nothing",
            note="no matching OONI finding overlaps the window",
            request_url=pinned_url(*FINDINGS_SOURCE),
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
        strength=Strength.DIRECT_MEASUREMENT,
        window_start=start,
        window_end=end,
        n=rows.height,
        networks=tuple(networks),
        observes="blocking",
        note="OONI's published findings, drawn from its measurements",
        request_url=pinned_url(*FINDINGS_SOURCE),
        page_url=links[0] if len(links) == 1 else "https://explorer.ooni.org/findings",
    )
    sentence = f"{plural(rows.height, 'OONI finding')} overlapping {start}..{end}: " + "; ".join(listed)
    return Finding(evidence, sentence, "blocking", tuple(links), {"ooni_findings": rows.height})


# --------------------------------------------------------------------------- Tor users


def _tor(options: dict, start: dt.date, end: dt.date, provider: EvidenceProvider, params: dict) -> Finding:
    base_start = start - dt.timedelta(days=params["baseline_days"])
    try:
        frame = provider.tor_users(country=options["country"], start=base_start, end=end)
        name = "tor_metrics/userstats"
    except FetchError as first:
        try:
            frame = provider.source(*TOR_FALLBACK)
            name = "/".join(TOR_FALLBACK)
        except FetchError:
            raise first from None
    if name == "tor_metrics/userstats":
        request_url = tor_metrics.userstats_url(options["country"], base_start, end)
        page_url = tor_metrics.graph_url(options["country"], base_start, end)
    else:
        request_url, page_url = pinned_url(*TOR_FALLBACK), None
    frame = _as_dates(frame, "date").select("date", pl.col("users").cast(pl.Float64)).drop_nulls()
    baseline = frame.filter((pl.col("date") >= base_start) & (pl.col("date") < start))
    window = frame.filter((pl.col("date") >= start) & (pl.col("date") <= end))
    if window.is_empty() or baseline.is_empty():
        span = f"{frame['date'].min()}..{frame['date'].max()}" if frame.height else "empty"
        return _missing(
            "tor_users",
            Strength.DIRECT_MEASUREMENT,
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
        strength=Strength.DIRECT_MEASUREMENT,
        window_start=start,
        window_end=end,
        observes="context",
        request_url=request_url,
        page_url=page_url,
        note=f"{window.height} days; window/baseline ratio {fmt_ratio(ratio) if ratio else 'n/a'}",
    )
    return Finding(evidence, sentence, "context", (), {"tor_ratio": ratio})


_HANDLERS = {
    "events": _events,
    "signals": _signals,
    "google_trends_vpn": _trends,
    "ooni_aggregation": _ooni,
    "ooni_corpus": _corpus,
    "ooni_findings": _findings,
    "tor_users": _tor,
}
