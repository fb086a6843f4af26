"""The evidence behind a verdict, for reading: one line per body of evidence (what it is, its
window, n and networks), and a short "not fetched: …" for evidence that could not be had,
linked to the full URL that was asked for.

The audit engine gives evidence either as structured items (``Evidence.to_dict()``, in the
``evidence_items`` column :func:`claimaudit.notebook.views.audit_verdicts` adds) or as its one-line
text form (``source[keys; window=a..b; n=3; networks=AS1,AS2; missing: why]`` joined by `` | ``,
as in ``verdicts.csv``). Both become the same display items; nothing is recomputed or rounded.

>>> items = evidence_items(None, "ooni-incidents/incidents[255; window=2024-01-31..2024-03-01; n=1; networks=AS1,AS2]")
>>> items[0]["label"], items[0]["window"], items[0]["n"], items[0]["networks"]
('OONI published findings', '2024-01-31..2024-03-01', 1, 'AS1, AS2')
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from claimaudit.i18n import N_, _
from claimaudit.report import _render

#: Readable names of the evidence sources the audit engine uses; others are shown as they are.
SOURCE_LABELS: dict[str, str] = {
    "datasets/claims": N_("Claims ledger"),
    "datasets/claims/sources": N_("Claims ledger: reports of the statements"),
    "datasets/baselines": N_("Baselines (subscribers, users)"),
    "datasets/signals": N_("Reported observations"),
    "datasets/events": N_("Events timeline"),
    "ooni-incidents/incidents": N_("OONI published findings"),
    "ooni_api/aggregation": N_("OONI measurements (API aggregation)"),
    "tor_metrics/userstats": N_("Tor Metrics relay users"),
    "cenalert-google-trends-vpn/pk": N_("Google Trends interest in VPNs (CenAlert)"),
}
#: Evidence kinds, plainly (the strength marks are in :data:`STRENGTH_LABELS` of the scorecard).
KIND_LABELS: dict[str, str] = {
    "direct_measurement": N_("network measurement"),
    "third_party_observation": N_("third-party observation"),
    "media_report": N_("media report"),
    "claims_ledger": N_("official figures"),
}
_BITS = re.compile(r"^(?P<source>[^\[]+)\[(?P<body>.*)\]$", re.S)


def evidence_items(structured: Iterable[Mapping[str, Any]] | None, text: str | None = None) -> list[dict[str, Any]]:
    """Display items from structured evidence (preferred) or, failing that, the text form."""
    if structured:
        return [_item(dict(e)) for e in structured]
    if not text:
        return []
    return [_item(_parse(part)) for part in str(text).split(" | ") if part.strip()]


def evidence_kinds(items: Iterable[Mapping[str, Any]]) -> list[str]:
    """The kinds of evidence that were available, strongest first, without repeats."""
    order = list(KIND_LABELS)
    kinds = {i["strength"] for i in items if i.get("available", True) and i.get("strength") in KIND_LABELS}
    return [_(KIND_LABELS[k]) for k in sorted(kinds, key=order.index)]


def _item(e: dict[str, Any]) -> dict[str, Any]:
    source = str(e.get("source") or "")
    start, end = e.get("window_start"), e.get("window_end")
    window = f"{start or '…'}..{end or '…'}" if (start or end) else None
    available = e.get("available", True) is not False
    note = e.get("note")
    return {
        "source": source,
        "label": _(SOURCE_LABELS[source]) if source in SOURCE_LABELS else source,
        "strength": e.get("strength"),
        "kind": _(KIND_LABELS[str(e.get("strength"))]) if str(e.get("strength")) in KIND_LABELS else None,
        "window": window,
        "n": e.get("n"),
        "networks": ", ".join(e.get("networks") or ()),
        "probes": e.get("probes"),
        "rows": list(e.get("keys") or ()),
        "available": available,
        "note": None if (not available or not note) else str(note),
        "missing": None if available else _missing(str(note or "no reason given")),
    }


def _missing(note: str) -> dict[str, Any]:
    """``label: URL: reason`` -> a short text linked to the full URL, and the reason."""
    match = _render.URL.search(note)
    if not match:
        return {"text": note, "href": None, "what": None, "reason": None}
    url = _render.trim_url(match.group(0))
    before = note[: match.start()].strip().rstrip(":").strip()
    after = note[match.start() + len(url):].strip().lstrip(":").strip()
    text = _render.short_url(url)
    what = before if before and before not in text else None  # "web_connectivity" is in the short text already
    return {"text": text, "href": _render.safe_href(url), "what": what, "reason": after or None}


def _parse(part: str) -> dict[str, Any]:
    """One item of the engine's text form back into fields (the inverse of its formatting)."""
    match = _BITS.match(part.strip())
    if not match:
        return {"source": part.strip()}
    e: dict[str, Any] = {"source": match["source"].strip(), "available": True}
    body = match["body"]
    if "missing: " in body:
        body, e["note"] = body.split("missing: ", 1)
        e["available"] = False
    for bit in (b.strip() for b in body.split("; ")):
        if not bit:
            continue
        if bit.startswith("window="):
            start, _, end = bit[len("window="):].partition("..")
            e["window_start"], e["window_end"] = (None if v in ("", "None") else v for v in (start, end))
        elif bit.startswith("n=") and bit[2:].isdigit():
            e["n"] = int(bit[2:])
        elif bit.startswith("networks="):
            e["networks"] = bit[len("networks="):].split(",")
        elif "keys" not in e:
            e["keys"] = bit.split(",")
    return e
