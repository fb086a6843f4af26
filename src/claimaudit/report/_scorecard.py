"""Verdicts as a scorecard: the claim, what was said and by whom (with its source), the verdict,
why, and how strong the evidence is.

A verdict is never shown as "OK"; ``insufficient_evidence`` has a style (dashed, hatched) and a
symbol of its own, and every state has a word and a symbol, so colour is never the only signal.

>>> import polars as pl
>>> verdicts = pl.DataFrame({"rule_id": ["r1"], "claim_ids": [["c1"]], "verdict": ["insufficient_evidence"],
...                          "explanation": ["no OONI data for the window"], "evidence_strength": ["media_report"]})
>>> html = scorecard_html(verdicts)
>>> "Insufficient evidence" in html and "OK" not in html
True
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection
from typing import Any

import polars as pl

from claimaudit.audit import VERDICT_LABELS
from claimaudit.i18n import N_, _, name_words, value_words
from claimaudit.i18n import current as current_language
from claimaudit.i18n import date as fmt_date
from claimaudit.report import _render
from claimaudit.report._evidence import evidence_items, evidence_kinds

#: English labels (message ids); shown through :func:`strength_label` in the active language.
STRENGTH_LABELS: dict[str, str] = {
    "direct_measurement": N_("●●● direct network measurement"),
    "third_party_observation": N_("●●○ third-party observation"),
    "media_report": N_("●○○ media report"),
    "claims_ledger": N_("○○○ official figures only"),
    "none": N_("○○○ nothing decisive"),
}
_ORDER = ["contradicted", "inconsistent", "supported", "consistent", "not_comparable", "insufficient_evidence"]


def verdict_label(verdict: str) -> str:
    """Human label of a verdict state; unknown states are shown as they are, never as "OK".

    >>> verdict_label("insufficient_evidence"), verdict_label("new_state")
    ('Insufficient evidence', 'new_state')
    """
    label = VERDICT_LABELS.get(verdict)
    return _(label[0]) if label else verdict


def strength_label(strength: str | None) -> str:
    """The evidence-strength badge in the active language (unknown values as they are)."""
    label = STRENGTH_LABELS.get(str(strength))
    return _(label) if label else str(strength or "")


def scorecard_frame(
    verdicts: pl.DataFrame,
    claims: pl.DataFrame | None = None,
    sources: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """One row per (verdict, claim) with the claim's words, claimant and first source: the CSV
    behind the scorecard."""
    frame = _normalise(verdicts).with_row_index("verdict_row")
    long = frame.explode("claim_ids").rename({"claim_ids": "claim_id"})
    if claims is not None and not claims.is_empty():
        keep = [
            c
            for c in (
                "claim_id",
                "summary",
                "summary_ur",
                "wording",
                "claimant",
                "authority",
                "statement_date",
                "venue",
            )
            if c in claims.columns
        ]
        long = long.join(claims.select(keep), on="claim_id", how="left")
    if sources is not None and not sources.is_empty():
        first = sources.group_by("claim_id", maintain_order=True).agg(
            pl.col("url").alias("source_urls"), pl.col("outlet").alias("source_outlets")
        )
        long = long.join(first, on="claim_id", how="left")
    return long


def scorecard_html(
    verdicts: pl.DataFrame,
    claims: pl.DataFrame | None = None,
    sources: pl.DataFrame | None = None,
    *,
    name: str = "scorecard",
    caption: str | None = None,
    csv_name: str | None = None,
    max_sources: int = 2,
    compact: Collection[str] = (),
    compact_csv_name: str | None = None,
) -> str:
    """Render the scorecard (Jinja2, autoescaped): contradictions first, insufficient last.

    Verdicts whose state is in ``compact`` (e.g. ``["consistent"]``) get no card: they are rows
    of one compact table (claims, who and when, rule, a one-line reason from the explanation,
    source) folded in a ``<details>`` that prints open; ``compact_csv_name`` names its CSV.
    """
    frame = _normalise(verdicts)
    folded = frame.filter(pl.col("verdict").is_in(list(compact)))
    long = scorecard_frame(frame.filter(~pl.col("verdict").is_in(list(compact))), claims, sources)
    cards: list[dict[str, Any]] = []
    for (_row,), group in long.group_by("verdict_row", maintain_order=True):
        first = group.row(0, named=True)
        verdict = str(first["verdict"])
        symbol = VERDICT_LABELS.get(verdict, (verdict, "·"))[1]
        label = verdict_label(verdict)
        items = evidence_items(first.get("evidence_items"), first.get("evidence"))
        cards.append(
            {
                "verdict": verdict,
                "label": label,
                "symbol": symbol,
                "rule": first.get("rule_id"),
                # the verdict's own sentence (in the edition's language when the frame has it
                # translated: ``finding_lang``), its caveats, then the audit's explanation whole
                "finding": _render.linked_text(first["finding"]) if first.get("finding") else None,
                "finding_lang": first.get("finding_lang") or "en",
                "caveats": list(first.get("caveat_lines") or ()),
                "explanation": _render.linked_text(first["explanation"]) if first.get("explanation") else None,
                # another edition folds the working apart: the audit's steps rendered in the edition's
                # language from the verdict's reasons (``working``) when the frame has them, else the
                # audit's English explanation, marked as English
                "explanation_apart": current_language() != "en",
                "working": _render.linked_text(first["working"]) if first.get("working") else None,
                "strength": strength_label(first.get("evidence_strength")),
                "evidence": items,
                "kinds": evidence_kinds(items),
                "not_fetched": sum(not i["available"] for i in items),
                "ledger_only": all(i["strength"] == "claims_ledger" for i in items),
                "n": first.get("n"),
                "claims": [_claim(row, max_sources) for row in group.iter_rows(named=True)],
            }
        )
    rank = {v: i for i, v in enumerate(_ORDER)}
    cards.sort(key=lambda c: rank.get(c["verdict"], len(_ORDER)))
    rows = _compact_rows(compact_frame(folded, claims, sources, states=compact), 1)  # one source a line; all in the CSV
    counted = Counter([c["verdict"] for c in cards] + [r["verdict"] for r in rows])
    counts = [(verdict_label(v), counted[v]) for v in sorted(counted, key=lambda v: rank.get(v, len(_ORDER)))]
    folded_labels = [
        verdict_label(v) for v in sorted({r["verdict"] for r in rows}, key=lambda v: rank.get(v, len(_ORDER)))
    ]
    return _render.render(
        "fragments/scorecard.html.j2",
        name=name,
        caption=caption,
        cards=cards,
        counts=counts,
        csv_name=csv_name,
        rows=rows,
        folded_labels=folded_labels,
        compact_csv_name=compact_csv_name,
        total=len(cards) + len(rows),
        # an evidence note with no word of the edition's language (data, an error's text) is marked English
        english_note="" if current_language() == "en" else ' lang="en" dir="ltr"',
    )


def compact_frame(
    verdicts: pl.DataFrame,
    claims: pl.DataFrame | None = None,
    sources: pl.DataFrame | None = None,
    *,
    states: Collection[str] = ("consistent",),
) -> pl.DataFrame:
    """One row per verdict in ``states``: its claims (ids, summaries), who said them and when, the
    rule, the ``reason`` (the verdict's ``finding`` sentence, else its whole explanation) and each claim's
    first source; the CSV behind the compact table. A new frame; ``verdicts`` is unchanged.

    >>> verdicts = pl.DataFrame({"rule_id": ["r1", "r2"], "claim_ids": [["c1", "c2"], ["c3"]],
    ...                          "verdict": ["consistent", "inconsistent"],
    ...                          "explanation": ["1 + 2 = 3 against 3 [c1]. The parts do not exceed the total.", "x"]})
    >>> compact_frame(verdicts).select("rule_id", "claim_ids", "reason").rows()
    [('r1', ['c1', 'c2'], '1 + 2 = 3 against 3 [c1]. The parts do not exceed the total.')]
    """
    long = scorecard_frame(_normalise(verdicts).filter(pl.col("verdict").is_in(list(states))), claims, sources)
    lang_column = ["finding_lang"] if "finding_lang" in long.columns else []
    for column, dtype in (
        ("summary", pl.String),
        ("claimant", pl.String),
        ("authority", pl.String),
        ("statement_date", pl.String),
        ("source_urls", pl.List(pl.String)),
        ("source_outlets", pl.List(pl.String)),
    ):
        if column not in long.columns:
            long = long.with_columns(pl.lit(None, dtype=dtype).alias(column))
    # the authority only when the claimant does not already name it ("PTA (report to parliament)")
    named = pl.col("claimant").str.contains(pl.col("authority"), literal=True).fill_null(False)
    # names in the edition's language where they have an established form (computed here, in the
    # notebook's thread, which knows the language)
    names = {
        kind: {v: name_words(kind, v) for v in long[kind].drop_nulls().unique().to_list()}
        for kind in ("claimant", "authority")
    }
    authority = pl.when(named).then(None).otherwise(pl.col("authority").replace(names["authority"]))
    who = pl.concat_str(pl.col("claimant").replace(names["claimant"]), authority, separator=" / ", ignore_nulls=True)
    said_by = pl.concat_str(
        pl.when(who.str.len_chars() > 0).then(who).otherwise(pl.lit(_("claimant not in the ledger"))),
        pl.col("statement_date").cast(pl.String),
        separator=", ",
        ignore_nulls=True,
    )
    first_source = pl.struct(
        pl.col("source_urls").list.first().alias("url"), pl.col("source_outlets").list.first().alias("outlet")
    )
    rows = (
        long.with_columns(said_by.alias("said_by"), first_source.alias("source"))
        .group_by("verdict_row", maintain_order=True)
        .agg(
            pl.col("rule_id", "verdict", "explanation", "finding", *lang_column).first(),
            pl.col("claim_id").alias("claim_ids"),
            pl.col("summary").alias("summaries"),
            pl.col("said_by").unique(maintain_order=True),
            pl.col("source").filter(pl.col("source").struct.field("url").is_not_null()).unique(maintain_order=True),
        )
    )
    return rows.select(
        "rule_id",
        "verdict",
        *lang_column,
        "finding",
        "claim_ids",
        "summaries",
        "said_by",
        pl.coalesce(pl.col("finding"), pl.col("explanation")).alias("reason"),
        "explanation",
        pl.col("source").list.eval(pl.element().struct.field("url")).alias("source_urls"),
        pl.col("source").list.eval(pl.element().struct.field("outlet")).alias("source_outlets"),
    )


def _compact_rows(frame: pl.DataFrame, max_sources: int) -> list[dict[str, Any]]:
    rank = {v: i for i, v in enumerate(_ORDER)}
    rows = [
        {
            "verdict": row["verdict"],
            "symbol": VERDICT_LABELS.get(row["verdict"], (row["verdict"], "·"))[1],
            "claims": [
                {"claim_id": claim_id or "", "said": said or _("(claim not found in the ledger)")}
                for claim_id, said in zip(row["claim_ids"], row["summaries"], strict=True)
            ],
            "said_by": row["said_by"],
            "rule": row["rule_id"],
            "reason": _render.linked_text(row["reason"]),
            "finding": bool(row.get("finding")),
            # the finding in the edition's language when it was translated, else English (marked)
            "reason_lang": (row.get("finding_lang") if row.get("finding") else None)
            or (None if current_language() == "en" else "en"),
            "sources": [
                {
                    "href": _render.safe_href(url),
                    "outlet": name_words("outlet", outlet) if outlet else url,
                    "short": _render.short_url(url, limit=32) if _render.safe_href(url) else None,
                }
                for url, outlet in list(zip(row["source_urls"], row["source_outlets"], strict=True))[:max_sources]
            ],
            "more_sources": max(len(row["source_urls"]) - max_sources, 0),
        }
        for row in frame.iter_rows(named=True)
    ]
    rows.sort(key=lambda r: rank.get(r["verdict"], len(_ORDER)))
    return rows


def _claim(row: dict[str, Any], max_sources: int) -> dict[str, Any]:
    urls = row.get("source_urls") or []
    outlets = row.get("source_outlets") or []
    who = " / ".join(name_words(kind, str(row[kind])) for kind in ("claimant", "authority") if row.get(kind)) or _(
        "claimant not in the ledger"
    )
    when = row.get("statement_date")
    said, said_note = _summary(row)
    return {
        "claim_id": row.get("claim_id") or "",
        "said": said,
        "said_note": said_note,
        "said_lang": _summary_lang(row),
        "wording": row.get("wording"),
        "wording_lang": _wording_lang(row.get("wording")),
        "who": who,
        "when": fmt_date(when) if when else "",
        "venue": value_words("venue", row.get("venue")) if row.get("venue") else "",
        "sources": [
            {"href": _render.safe_href(url), "outlet": name_words("outlet", outlet) if outlet else url}
            for url, outlet in list(zip(urls, outlets, strict=False))[:max_sources]
        ],
    }


_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]")


def _wording_lang(wording: Any) -> str | None:
    """The language of a claim's own words when it is not the edition's: ``"ur"`` for Arabic script
    in the English edition, ``"en"`` for Latin words in the Urdu one (the quote is one isolated run,
    ``<bdi>``, its brackets and quote marks inside)."""
    if not wording:
        return None
    lang = "ur" if _ARABIC_SCRIPT.search(str(wording)) else "en"
    return None if lang == current_language() else lang


def _normalise(verdicts: pl.DataFrame) -> pl.DataFrame:
    frame = verdicts
    if "verdict" not in frame.columns and "status" in frame.columns:
        frame = frame.rename({"status": "verdict"})
    if "claim_ids" not in frame.columns and "claim_id" in frame.columns:
        frame = frame.rename({"claim_id": "claim_ids"})
    missing = [c for c in ("claim_ids", "verdict") if c not in frame.columns]
    if missing:
        raise ValueError(f"verdicts need columns {missing}; got {frame.columns}")
    ids = frame.schema["claim_ids"]
    if ids == pl.String:
        frame = frame.with_columns(pl.col("claim_ids").str.split(";").list.eval(pl.element().str.strip_chars()))
    elif not isinstance(ids, pl.List):
        raise ValueError(f"claim_ids must be a list or ';'-separated string, not {ids}")
    for column in ("rule_id", "explanation", "evidence_strength", "evidence", "finding"):
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(column))
    if "n" not in frame.columns:
        frame = frame.with_columns(pl.lit(None, dtype=pl.Int64).alias("n"))
    keep = ["rule_id", "claim_ids", "verdict", "explanation", "evidence_strength", "evidence", "n", "finding"]
    optional = [c for c in ("evidence_items", "finding_lang", "caveat_lines", "working") if c in frame.columns]
    return frame.select(*keep, *optional)


def _summary(row: dict[str, Any]) -> tuple[str, str | None]:
    """A claim's summary in the active language, and a note when it is shown in English instead:
    the Urdu edition uses ``summary_ur`` and, where that is empty, the English summary marked as
    such. (A claim's own ``wording`` is always shown as stated.)"""
    english = row.get("summary")
    if not english and not row.get("summary_ur"):
        return _("(claim not found in the ledger)"), None
    lang = current_language()
    if lang == "en":
        return str(english), None
    own = row.get(f"summary_{lang}")
    if own:
        return str(own), None
    return str(english or ""), _("summary in English: not yet translated")


def _summary_lang(row: dict[str, Any]) -> str | None:
    """``"en"`` when the summary shown is English inside another edition, else None."""
    lang = current_language()
    return None if lang == "en" or row.get(f"summary_{lang}") else "en"
