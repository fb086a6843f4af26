"""The gatherers of ``evidence_vs_assertion``: one function per independent source, named by its
entry in :data:`claimaudit.audit._evidence_sources.EVIDENCE_SOURCES` (which dispatches to them).

Each takes its registry entry (name, default strength, what it reads) and returns a
:class:`Finding`: the :class:`Evidence` record (what was used, window, n, networks), what it
showed as a step of the explanation (:func:`claimaudit.audit._findings.say`: a template of
:data:`~claimaudit.audit._findings.WORKING_TEMPLATES` with typed slots, rendered in any language
by :func:`~claimaudit.audit._findings.render_step`; nothing here writes a sentence), links, and
what it ``observes``: ``blocking``, ``no_blocking``, ``nothing``
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

from claimaudit.audit._evidence import CorpusNotBuiltError, EvidenceProvider
from claimaudit.audit._findings import caveat, render_step, say
from claimaudit.audit._verdict import Evidence, Strength
from claimaudit.datasets import ooni_api, sources, tor_metrics
from claimaudit.errors import ClaimauditError, FetchError, NotAvailableError

if TYPE_CHECKING:
    from claimaudit.audit._evidence_sources import EvidenceSource

#: What Tor relay users are read from when Tor Metrics cannot be had (ACSAC's extract, to 2023-04; a pinned file).
TOR_FALLBACK = ("acsac-pakistan", "tor-relay-users")
KIND_STRENGTH = {
    "direct_measurement": Strength.DIRECT_MEASUREMENT,
    "third_party_observation": Strength.THIRD_PARTY_OBSERVATION,
    "media_report": Strength.MEDIA_REPORT,
}


@dataclass
class Finding:
    evidence: Evidence
    #: What the source showed, as a step of the working (``say(...)``), rendered by the one renderer.
    step: dict[str, Any]
    observes: str
    links: tuple[str, ...] = ()
    figures: dict[str, Any] = field(default_factory=dict)
    #: Structured caveats as data (e.g. ``ooni_api.unscored``'s ``riseupvpn_unscored`` items).
    caveats: tuple[dict[str, Any], ...] = ()

    @property
    def strength(self) -> Strength:
        return self.evidence.strength

    @property
    def sentence(self) -> str:
        """:attr:`step` rendered in English (for readers that want text; the verdict keeps the step)."""
        return render_step(self.step)

    def text(self, lang: str = "en") -> str:
        """:attr:`step` rendered in ``lang``."""
        return render_step(self.step, lang)


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _span(frame: pl.DataFrame) -> dict[str, Any]:
    """The dates a series covers, as a step (``first..last``, or ``empty``)."""
    if not frame.height:
        return say("evidence.empty")
    return say("evidence.span", first=_iso(frame["date"].min()), last=_iso(frame["date"].max()))


def _reading(observes: str) -> dict[str, Any]:
    return say("evidence.read_blocking" if observes == "blocking" else "evidence.read_context")


#: A gatherer: (its registry entry, the item's options, window start, window end, provider, rule params).
Gatherer = Callable[["EvidenceSource", dict, dt.date, dt.date, EvidenceProvider, dict], Finding]


def missing_finding(
    source: EvidenceSource,
    start: dt.date,
    end: dt.date,
    reason: dict[str, Any],
    *,
    status: str | None = None,
    request_url: str | None = None,
    page_url: str | None = None,
) -> Finding:
    """A source that could not be had; ``reason`` is a step saying why (:func:`reason_step` of an error)."""
    evidence = source.item(
        window_start=start,
        window_end=end,
        available=False,
        observes="missing",
        note=reason,
        status=status,
        request_url=request_url,
        page_url=page_url,
    )
    return Finding(evidence, say("evidence.missing", source=source.name, reason=reason), "missing")


def reason_step(exc: ClaimauditError) -> dict[str, Any]:
    """Why a source could not be had, as a step: offline and not cached (the fetcher's
    :attr:`~claimaudit.errors.NotAvailableError.OFFLINE`) or the corpus not built are worded by
    their structure; any other error's first line is data, carried as it was written."""
    if isinstance(exc, NotAvailableError) and exc.problem == NotAvailableError.OFFLINE and exc.url:
        return say("evidence.not_cached", url=exc.url)
    if isinstance(exc, CorpusNotBuiltError):
        return say("evidence.corpus_not_built")
    return say("note.error", error=str(exc).splitlines()[0])


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
        evidence = source.item(
            window_start=start,
            window_end=end,
            n=0,
            observes="nothing",
            note=say("note.no_signal", subjects=list(options["subjects"])),
        )
        step = say(
            "signals.nothing", source=source.name, subjects=list(options["subjects"]), start=_iso(start), end=_iso(end)
        )
        return Finding(evidence, step, "nothing")
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
            listed = [
                say(
                    "caveat.observation",
                    signal_id=r["signal_id"],
                    verification=say(f"verification.{r['verification']}"),
                )
                for r in unverified.select("signal_id", "verification").to_dicts()
            ]
            counted = say(f"caveat.counted_{strength.value}")
            caveats.append(
                caveat(
                    "unverified_observation",
                    say("caveat.unverified", unverified=listed, counted=counted),
                    keys=unverified["signal_id"].to_list(),
                )
            )
    listed = []
    for row in rows.head(6).to_dicts():
        what = row["finding"]  # the observation in the words it was typed in (data)
        if not what:
            high = row.get("value_high")
            what = (
                say("signals.measured", signal=row["signal"], value=row["value"])
                if high is None
                else say("signals.measured_range", signal=row["signal"], value=row["value"], value_high=high)
            )
            if row.get("unit"):
                what = say("signals.with_unit", measured=what, signal_unit=row["unit"])
        listed.append(
            say(
                "signals.row",
                observer=row["observer"],
                what=what,
                date=_iso(row["event_date"]),
                evidence_kind=row["evidence_kind"].replace("_", " "),
                signal_id=row["signal_id"],
            )
        )
    networks = sorted({n for cell in rows["networks"].drop_nulls().to_list() for n in cell.split(";") if n})
    observes = "blocking" if options["shows"] == "blocking" else "context"
    evidence = source.item(
        keys=tuple(rows["signal_id"].to_list()),
        strength=strength,
        window_start=start,
        window_end=end,
        n=rows.height,
        networks=tuple(networks),
        observes=observes,
        verification=verification,
    )
    step = say(
        "signals.head",
        n_reported_observation=rows.height,
        source=source.name,
        start=_iso(start),
        end=_iso(end),
        reading=_reading(observes),
        rows=listed if rows.height <= 6 else say("evidence.and_more", rows=listed, more=rows.height - 6),
    )
    links = tuple(dict.fromkeys(rows["source_url"].drop_nulls().to_list()))
    return Finding(evidence, step, observes, links, {"signals": rows.height}, tuple(caveats))


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
        evidence = source.item(window_start=start, window_end=end, n=0, observes="nothing")
        step = say("events.nothing", source=source.name, kinds=list(options["kinds"]), start=_iso(start), end=_iso(end))
        return Finding(evidence, step, "nothing")
    listed = [
        say(
            "events.row",
            summary=row["summary"],
            date=_iso(row["start_date"]),
            outlet=row["outlet"],
            confidence=row["confidence"],
            event_id=row["event_id"],
        )
        for row in rows.to_dicts()
    ]
    evidence = source.item(
        keys=tuple(rows["event_id"].to_list()),
        window_start=start,
        window_end=end,
        n=rows.height,
        observes=observes,
        note=say("note.events"),
    )
    step = say(
        "events.head",
        n_reported_event=rows.height,
        source=source.name,
        start=_iso(start),
        end=_iso(end),
        reading=_reading(observes),
        rows=listed,
    )
    links = tuple(dict.fromkeys(rows["source_url"].drop_nulls().to_list()))
    return Finding(evidence, step, observes, links, {"events": rows.height})


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
        return missing_finding(
            source,
            start,
            end,
            say("trends.not_covered", span=_span(frame), baseline_days=params["baseline_days"]),
            request_url=pinned_url(dataset, options["resource"]),
        )
    peak_row = window.sort(["value", "date"], descending=[True, False]).row(0, named=True)
    mean, median = baseline["value"].mean(), baseline["value"].median()
    ratio = peak_row["value"] / mean if mean else None
    spike = ratio is not None and ratio >= params["spike_ratio"]
    step = say(
        "trends.peak",
        name=name,
        peak=peak_row["value"],
        peak_date=_iso(peak_row["date"]),
        against=(
            say("trends.ratio", ratio=ratio, baseline_days=params["baseline_days"], baseline_mean=mean)
            if ratio is not None
            else say("trends.no_ratio")
        ),
        computed_median=median,
        baseline_start=_iso(base_start),
        baseline_end=_iso(start - dt.timedelta(days=1)),
        spike=say("trends.spike", spike_ratio=params["spike_ratio"]) if spike else say("trends.no_spike"),
    )
    evidence = source.item(
        source=name,
        keys=(str(peak_row["date"]),),
        window_start=start,
        window_end=end,
        observes="context",
        request_url=pinned_url(dataset, options["resource"]),
        note=say("note.trends", n_day=window.height, ratio=ratio)
        if ratio is not None
        else say("note.trends_no_ratio", n_day=window.height),
    )
    figures = {
        "trends_peak": peak_row["value"],
        "trends_baseline_mean": mean,
        "trends_baseline_median": median,
        "trends_ratio": ratio,
    }
    return Finding(evidence, step, "context", (), figures)


# --------------------------------------------------------------------------- OONI measurements
# Two sources count OONI measurements per network: the API's aggregation (``ooni_aggregation``)
# and the raw corpus summarised by ``claimaudit ooni corpus`` (``ooni_corpus``). Each turns its rows
# into per-network counts; :func:`_per_network` and :func:`_judge` are shared: the same thresholds
# decide ``thin`` / ``blocking`` / ``no_blocking`` for both, only the words differ.

_COUNTS = ("measurement_count", "anomaly_count", "confirmed_count", "failure_count")


#: The template prefix of each source's judgement (``<prefix>.confirmed`` / ``.anomalous`` /
#: ``.clear`` in :data:`~claimaudit.audit._findings.WORKING_TEMPLATES`): ``{count}`` of ``{k}``
#: networks, ``{nets}`` their ASNs, ``{threshold_share}`` the rule's anomaly threshold, ``{min_usable}``.
_AGGREGATION_WORDS = "ooni_aggregation"
_CORPUS_WORDS = "ooni_corpus"


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
    per_network: pl.DataFrame, confirmed: str, n: int, params: dict, base: list[dict[str, Any]], words: str
) -> tuple[str, dict[str, Any], list[str], list[str]]:
    """(observes, step (the counts ``base``, then the judgement), networks with a confirmed block,
    anomalous networks) for per-network counts: too few measurements or networks -> ``thin``; a
    confirmed block (``confirmed`` > 0) -> ``blocking``; an anomaly rate at or above the threshold
    on a network with enough usable measurements -> ``blocking`` (signs of interference); else
    ``no_blocking``."""
    k = per_network.height
    confirmed_nets = per_network.filter(pl.col(confirmed) > 0)["probe_asn"].to_list()
    anomalous_nets = per_network.filter(
        (pl.col("rate") >= params["anomaly_threshold"]) & (pl.col("usable") >= params["min_network_measurements"])
    )["probe_asn"].to_list()
    if n < params["min_measurements"] or k < params["min_networks"]:
        observes = "thin"
        judgement = say("ooni.thin", min_measurements=params["min_measurements"], min_networks=params["min_networks"])
    elif confirmed_nets:
        observes = "blocking"
        judgement = say(f"{words}.confirmed", count=len(confirmed_nets), k=k, nets=confirmed_nets)
    elif anomalous_nets:
        observes = "blocking"
        judgement = say(
            f"{words}.anomalous",
            count=len(anomalous_nets),
            k=k,
            nets=anomalous_nets,
            threshold_share=params["anomaly_threshold"],
            min_usable=params["min_network_measurements"],
        )
    else:
        observes = "no_blocking"
        judgement = say(f"{words}.clear", threshold_share=params["anomaly_threshold"])
    return observes, say("evidence.judged", counts=base, judgement=judgement), confirmed_nets, anomalous_nets


def _counted(source: EvidenceSource, options: dict, start: dt.date, end: dt.date, **fields: Any) -> Evidence:
    """The evidence item of an OONI count: keyed by its tests, at the source's strength."""
    return source.item(
        keys=tuple(options["test_names"]),
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
            missing.append(say("evidence.test_missing", test=test, reason=reason_step(exc)))
            offline_only = offline_only and isinstance(exc, NotAvailableError)
            continue
        absent = [c for c in _COUNTS if c not in frame.columns]
        if absent:
            reason = say("evidence.unexpected_format", columns=absent)
            missing.append(say("evidence.test_missing", test=test, reason=reason))
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
    tests = list(options["test_names"])
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
    failed = [m["slots"]["test"] for m in missing]
    if not frames:
        first = missing[0]["slots"]["reason"]
        reason = missing[0] if len(missing) == 1 else say("evidence.test_missing", test=", ".join(failed), reason=first)
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
            finding.step = say("evidence.missing_for", source=source.name, tests=failed, reason=first)
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
    base = [
        say(
            "ooni_aggregation.counts",
            tests=tests,
            probe_cc=options["probe_cc"],
            start=_iso(start),
            end=_iso(end),
            n_measurement=n,
            n_network=k,
            anomalies=anomalies,
            confirmed=confirmed,
            failures=failures,
            rate=(
                say("ooni_aggregation.rate", anomaly_rate=rate, usable=usable)
                if rate is not None
                else say("ooni_aggregation.none_usable")
            ),
        )
    ]
    if missing:
        base.append(say("ooni_aggregation.missing", missing=missing))
    caveats = tuple(
        caveat(
            item["kind"],
            say("caveat.unscored", test=item["test_name"], since=item["since"], excluded_from=item["excluded_from"]),
            **{k: v for k, v in item.items() if k not in ("kind", "detail")},
            measurements=left_out,
        )
        for item in ooni_api.unscored([t for t in options["test_names"] if t not in set(failed)], start, until)
    )
    for item in caveats:
        base.append(say("ooni_aggregation.unscored", detail=item["detail_step"], n_measurement=left_out))
    observes, step, _, anomalous_nets = _judge(per_network, "confirmed_count", n, params, base, _AGGREGATION_WORDS)
    evidence = _counted(
        source,
        options,
        start,
        end,
        n=n,
        networks=networks,
        observes=observes,
        note=say(
            "note.parts",
            parts=[*missing, *(say("note.unscored", test=c["test_name"], detail=c["detail_step"]) for c in caveats)],
        )
        if missing or caveats
        else None,
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
    return Finding(evidence, step, observes, tuple(links), figures, caveats)


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
    tests = list(options["test_names"])
    what = (
        say("ooni_corpus.what_domains", tests=tests, probe_cc=options["probe_cc"], domains=list(options["domains"]))
        if options["domains"]
        else say("ooni_corpus.what", tests=tests, probe_cc=options["probe_cc"])
    )
    if rows.is_empty():
        evidence = _counted(
            source,
            options,
            start,
            end,
            n=0,
            observes="nothing",
            note=say("note.corpus_none"),
        )
        return Finding(evidence, say("ooni_corpus.none", what=what, start=_iso(start), end=_iso(end)), "nothing")
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
    base = [
        say(
            "ooni_corpus.counts",
            what=what,
            start=_iso(start),
            end=_iso(end),
            n_measurement=n,
            n_network=k,
            anomalies=anomalies,
            blockpages=blockpages,
        )
    ]
    if optin:
        base.append(say("ooni_corpus.optin", optin=optin))
    observes, step, blocked, _ = _judge(per_network, "blockpage_state", n, params, base, _CORPUS_WORDS)
    evidence = _counted(
        source,
        options,
        start,
        end,
        n=n,
        networks=networks,
        observes=observes,
        note=say("note.corpus"),
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
    return Finding(evidence, step, observes, tuple(links), figures)


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
    if rows.is_empty():
        evidence = source.item(
            window_start=start,
            window_end=end,
            n=0,
            observes="nothing",
            note=say("note.findings_none"),
            request_url=pinned_url(*source.reads),
            page_url="https://explorer.ooni.org/findings",
        )
        return Finding(evidence, say("ooni_findings.none", start=_iso(start), end=_iso(end)), "nothing")
    networks = sorted({f"AS{a}".replace("ASAS", "AS") for cell in rows["asns"].to_list() for a in cell})
    listed = []
    links = []
    for row in rows.to_dicts():
        nets = [f"AS{a}".replace("ASAS", "AS") for a in row["asns"]] or say("ooni_findings.networks_not_listed")
        title, began, ended, key = row["title"], _iso(row["start_time"]), _iso(row["end_time"]), str(row[id_col])
        listed.append(
            say("ooni_findings.row", title=title, start=began, end=ended, networks=nets, finding_id=key)
            if ended
            else say("ooni_findings.row_ongoing", title=title, start=began, networks=nets, finding_id=key)
        )
        links.append(f"https://explorer.ooni.org/findings/{row[id_col]}")
    evidence = source.item(
        keys=tuple(str(x) for x in rows[id_col].to_list()),
        window_start=start,
        window_end=end,
        n=rows.height,
        networks=tuple(networks),
        observes="blocking",
        note=say("note.findings"),
        request_url=pinned_url(*source.reads),
        page_url=links[0] if len(links) == 1 else "https://explorer.ooni.org/findings",
    )
    step = say("ooni_findings.head", n_ooni_finding=rows.height, start=_iso(start), end=_iso(end), rows=listed)
    return Finding(evidence, step, "blocking", tuple(links), {"ooni_findings": rows.height})


# --------------------------------------------------------------------------- Tor users


def tor(
    source: EvidenceSource, options: dict, start: dt.date, end: dt.date, provider: EvidenceProvider, params: dict
) -> Finding:
    base_start = start - dt.timedelta(days=params["baseline_days"])
    try:
        frame = provider.tor_users(country=options["country"], start=base_start, end=end)
        name, kind = source.name, source.kind
    except FetchError as first:
        try:
            frame = provider.source(*TOR_FALLBACK)
            name, kind = "/".join(TOR_FALLBACK), "pinned"
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
        return missing_finding(
            source,
            start,
            end,
            say("tor.not_covered", name=name, span=_span(frame), baseline_days=params["baseline_days"]),
            request_url=request_url,
            page_url=page_url,
        )
    mean_w, mean_b = window["users"].mean(), baseline["users"].mean()
    ratio = mean_w / mean_b if mean_b else None
    users, before, days = round(mean_w), round(mean_b), params["baseline_days"]
    step = (
        say(
            "tor.users",
            name=name,
            window_users=users,
            baseline_users=before,
            baseline_days=days,
            ratio=ratio,
        )
        if ratio is not None
        else say("tor.users_no_ratio", name=name, window_users=users, baseline_users=before, baseline_days=days)
    )
    evidence = source.item(
        source=name,
        kind=kind,
        window_start=start,
        window_end=end,
        observes="context",
        request_url=request_url,
        page_url=page_url,
        note=say("note.tor", n_day=window.height, ratio=ratio)
        if ratio
        else say("note.tor_no_ratio", n_day=window.height),
    )
    return Finding(evidence, step, "context", (), {"tor_ratio": ratio})
