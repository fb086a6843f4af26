"""The evidence sources an ``evidence_vs_assertion`` rule may consult: one entry each.

An entry is everything the suite knows of a source: the key rule files name it by
(``- source: ooni_aggregation``), the name its evidence items carry (``ooni_api/aggregation``),
the words a reader sees for it, the strength it carries unless the data says otherwise, the
options a rule may give, the dataset or pinned file it reads, and the function that gathers it
(:mod:`claimaudit.audit._gather`). The rule reader validates ``source:`` and the options against
this registry, :func:`claimaudit.audit._gather.gather` dispatches through it and the report takes
its words from it: adding or removing a source is adding or removing its entry here (and the
gatherer it names).

>>> EVIDENCE_SOURCES["ooni_aggregation"].name
'ooni_api/aggregation'
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from claimaudit.audit import _gather
from claimaudit.audit._options import REQUIRED, Options, one_of, strings, subset_of
from claimaudit.audit._verdict import EVIDENCE_KINDS, Evidence, Strength
from claimaudit.audit._vocab import event_kinds, signal_subjects
from claimaudit.datasets import ooni_tests
from claimaudit.errors import ClaimauditError, NotAvailableError
from claimaudit.i18n import N_, NP_, register_values

if TYPE_CHECKING:
    from claimaudit.audit._evidence import EvidenceProvider
    from claimaudit.audit._rules import EvidenceSpec


@dataclass(frozen=True)
class EvidenceSource:
    """One evidence source (see the module doc)."""

    key: str  #: as rule files name it (``evidence: - source: <key>``)
    name: str  #: as evidence items name it (``Evidence.source``, verdicts.json ``evidence[].source``)
    words: str  #: what a reader sees in a sentence (a message id, translated where shown)
    strength: Strength  #: what it carries unless its rows say otherwise
    kind: str  #: ``dataset`` (ours), ``pinned`` (a third-party file) or ``live`` (a service): its items' ``kind``
    options: Options  #: option -> (check, default) a rule may give (plus ``strength``)
    gather: _gather.Gatherer
    reads: tuple[str, ...] = ()  #: the curated dataset, or the pinned (name, resource), it reads
    label: str | None = None  #: its heading in evidence lists (a message id); None: the name

    def __post_init__(self) -> None:
        if self.kind not in EVIDENCE_KINDS:
            raise ValueError(f"evidence source {self.key!r}: kind {self.kind!r} is not one of {EVIDENCE_KINDS}")

    @property
    def heading(self) -> str:
        """Its heading in evidence lists: :attr:`label`, else :attr:`name`."""
        return self.label or self.name

    def item(self, **fields: Any) -> Evidence:
        """An evidence item of this source: its name, strength and kind unless ``fields`` say otherwise
        (a fallback read from elsewhere names its own source and kind)."""
        return Evidence(**{"source": self.name, "strength": self.strength, "kind": self.kind, **fields})


_TESTS = subset_of(among=lambda: ooni_tests.names())

EVIDENCE_SOURCES: dict[str, EvidenceSource] = {
    s.key: s
    for s in (
        EvidenceSource(
            key="events",
            name="datasets/events",
            words=NP_("source", "events timeline"),
            label=N_("Events timeline"),
            strength=Strength.MEDIA_REPORT,
            kind="dataset",
            options={
                "kinds": (subset_of(among=event_kinds), REQUIRED),
                "shows": (one_of("blocking", "context"), "blocking"),
            },
            gather=_gather.events,
            reads=("events",),
        ),
        EvidenceSource(
            key="google_trends_vpn",
            name="cenalert-google-trends-vpn/pk",
            words=NP_("source", "Google Trends interest in VPNs"),
            label=N_("Google Trends interest in VPNs (CenAlert)"),
            strength=Strength.THIRD_PARTY_OBSERVATION,
            kind="pinned",
            options={"resource": (one_of("pk"), "pk")},
            gather=_gather.trends,
            reads=("cenalert-google-trends-vpn", "pk"),
        ),
        EvidenceSource(
            key="ooni_aggregation",
            name="ooni_api/aggregation",
            words=NP_("source", "OONI network measurements"),
            label=N_("OONI measurements (API aggregation)"),
            strength=Strength.DIRECT_MEASUREMENT,
            kind="live",
            options={"test_names": (_TESTS, REQUIRED), "probe_cc": (one_of("PK"), "PK"), "domains": (strings, [])},
            gather=_gather.ooni,
        ),
        EvidenceSource(
            key="ooni_corpus",
            name="ooni_corpus/summary",
            words=NP_("source", "OONI raw measurements with blockpage checks"),
            strength=Strength.DIRECT_MEASUREMENT,
            kind="pinned",
            options={"test_names": (_TESTS, REQUIRED), "probe_cc": (one_of("PK"), "PK"), "domains": (strings, [])},
            gather=_gather.corpus,
        ),
        EvidenceSource(
            key="ooni_findings",
            name="ooni-incidents/incidents",
            words=NP_("source", "OONI's published findings"),
            label=N_("OONI published findings"),
            strength=Strength.DIRECT_MEASUREMENT,
            kind="pinned",
            options={"domains": (strings, []), "test_names": (_TESTS, []), "title_contains": (strings, [])},
            gather=_gather.findings,
            reads=("ooni-incidents", "incidents"),
        ),
        EvidenceSource(
            key="signals",
            name="datasets/signals",
            words=NP_("source", "reported observations (hand-entered from public reports)"),
            label=N_("Reported observations"),
            strength=Strength.THIRD_PARTY_OBSERVATION,
            kind="dataset",
            options={
                "subjects": (subset_of(among=signal_subjects, ordered=False), REQUIRED),
                "signals": (strings, []),
                "shows": (one_of("blocking", "context"), "blocking"),
            },
            gather=_gather.signals,
            reads=("signals",),
        ),
        EvidenceSource(
            key="tor_users",
            name="tor_metrics/userstats",
            words=NP_("source", "Tor Metrics relay users"),
            label=N_("Tor Metrics relay users"),
            strength=Strength.DIRECT_MEASUREMENT,
            kind="live",
            options={"country": (one_of("pk"), "pk")},
            gather=_gather.tor,
        ),
    )
}
# the sources' words join the report's vocabulary table (translated with the context "source")
register_values("source", {s.name: s.words for s in EVIDENCE_SOURCES.values()})


def gather(
    spec: EvidenceSpec, start: dt.date, end: dt.date, provider: EvidenceProvider, params: dict[str, Any]
) -> _gather.Finding:
    """Consult one source (its entry in :data:`EVIDENCE_SOURCES`) for the window ``start``..``end``
    (inclusive). A gatherer that raises a :class:`~claimaudit.errors.ClaimauditError` gives a
    ``missing`` finding with the reason (``not_fetched`` when offline and not cached)."""
    source = EVIDENCE_SOURCES[spec.source]
    try:
        finding = source.gather(source, spec.options, start, end, provider, params)
    except ClaimauditError as exc:  # FetchError, NotAvailableError, DataError: the evidence is missing
        finding = _gather.missing_finding(
            source,
            start,
            end,
            _gather.reason_step(exc),
            status="not_fetched" if isinstance(exc, NotAvailableError) else None,
        )
    override = spec.options.get("strength")
    if override:
        finding.evidence = replace(finding.evidence, strength=_gather.KIND_STRENGTH[override])
    return finding
