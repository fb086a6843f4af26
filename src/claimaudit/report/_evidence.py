"""The evidence behind a verdict, for reading: one line per body of evidence (what it is, its
window, n and networks), and a short "not fetched: …" for evidence that could not be had,
linked to the full URL that was asked for.

Only structured items are read (``Evidence.to_dict()``, in the ``evidence_items`` column
:func:`claimaudit.notebook.views.audit_verdicts` adds, or the ``evidence`` list of
``verdicts.json``); the engine's one-line text form in ``verdicts.csv`` is for spreadsheets and is
never parsed back. Nothing is recomputed or rounded.

>>> items = evidence_items([{"source": "ooni-incidents/incidents", "keys": ["255"], "window_start": "2024-01-31",
...                          "window_end": "2024-03-01", "n": 1, "networks": ["AS1", "AS2"]}])
>>> items[0]["label"], items[0]["window"], items[0]["n"], items[0]["networks"]
('OONI published findings', '2024-01-31..2024-03-01', 1, 'AS1, AS2')
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from claimaudit.audit import EVIDENCE_SOURCES, note_text
from claimaudit.i18n import N_, _
from claimaudit.i18n import current as current_language
from claimaudit.notebook.charts import network_name
from claimaudit.report import _render

#: Readable names of the sources verdicts rest on (message ids); others are shown as they are. The
#: evidence sources of the rules bring their own (``label`` of :data:`claimaudit.audit.EVIDENCE_SOURCES`).
SOURCE_LABELS: dict[str, str] = {
    "datasets/claims": N_("Claims ledger"),
    "datasets/claims/sources": N_("Claims ledger: reports of the statements"),
    "datasets/baselines": N_("Baselines (subscribers, users)"),
    **{s.name: s.label for s in EVIDENCE_SOURCES.values() if s.label},
}
#: Evidence kinds, plainly (the strength marks are in :data:`STRENGTH_LABELS` of the scorecard).
KIND_LABELS: dict[str, str] = {
    "direct_measurement": N_("network measurement"),
    "third_party_observation": N_("third-party observation"),
    "media_report": N_("media report"),
    "claims_ledger": N_("official figures"),
}


def evidence_items(structured: Iterable[Mapping[str, Any]] | None, text: str | None = None) -> list[dict[str, Any]]:
    """Display items from structured evidence. ``text`` (the CSV's one-line form) is ignored: it
    is never parsed back into fields."""
    return [_item(dict(e)) for e in structured or ()]


def evidence_kinds(items: Iterable[Mapping[str, Any]]) -> list[str]:
    """The kinds of evidence that were available, strongest first, without repeats."""
    order = list(KIND_LABELS)
    kinds = {i["strength"] for i in items if i.get("available", True) and i.get("strength") in KIND_LABELS}
    return [_(KIND_LABELS[k]) for k in sorted(kinds, key=order.index)]


def _network(asn: str) -> str:
    """``PTCL (AS17557)`` where ``datasets/networks`` has a verified name, else the ASN as given."""
    name = network_name(asn)
    return f"{name} ({asn})" if name else str(asn)


def _item(e: dict[str, Any]) -> dict[str, Any]:
    source = str(e.get("source") or "")
    start, end = e.get("window_start"), e.get("window_end")
    window = f"{start or '…'}..{end or '…'}" if (start or end) else None
    status = e.get("status")
    available = status == "used" if status else e.get("available", True) is not False
    note = note_text(e, current_language())  # from its note_step, in the edition's language
    return {
        "source": source,
        "label": _(SOURCE_LABELS[source]) if source in SOURCE_LABELS else source,
        "strength": e.get("strength"),
        "kind": _(KIND_LABELS[str(e.get("strength"))]) if str(e.get("strength")) in KIND_LABELS else None,
        "window": window,
        "n": e.get("n"),
        "networks": ", ".join(_network(n) for n in e.get("networks") or ()),
        "probes": e.get("probes"),
        "rows": list(e.get("keys") or ()),
        "available": available,
        "note": None if (not available or not note) else str(note),
        # a note made from its step is in the edition's language; one with no Urdu letter is English (data)
        "note_english": not _ARABIC_SCRIPT.search(str(note or "")),
        "missing": None if available else _missing(str(note or "no reason given"), e.get("request_url")),
    }


_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")


def _missing(note: str, request_url: Any = None) -> dict[str, Any]:
    """The request that could not be answered, short and linked in full, and why (the engine's note,
    shown as written: its web addresses become links, nothing else is taken apart)."""
    href = _render.safe_href(request_url)
    if href:
        return {"text": _render.short_url(href), "href": href, "what": None, "reason": note or None}
    return {"text": None, "href": None, "what": None, "reason": None, "note": _render.linked_text(note)}
