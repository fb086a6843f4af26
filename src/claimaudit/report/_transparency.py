"""The published transparency report, built from structured verdicts and the curated datasets.

It leads with findings: a lead paragraph and 5–8 headline findings on the first screen, each one
sentence with its figures, who said it and when, a verdict badge in words, how strong the evidence
was, and a link to its section; one section per finding with a chart made for it, the statements
(one per statement, each outlet's print listed), the evidence looked at and the verdicts; then
what could not be checked. The full scorecard is its own page (:func:`scorecard_page`).

Nothing here reads explanation prose: sentences come from the data (chart titles computed from
the rows a finding rests on) and from the verdicts' structured fields; every reader-visible
string goes through :func:`claimaudit.report._text._`.

>>> import polars as pl
>>> badge({"verdict": "insufficient_evidence", "evidence_strength": "none"})["weak"]
True
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import polars as pl
from markupsafe import Markup

from claimaudit import i18n
from claimaudit.audit import EVIDENCE_SOURCES, note_text
from claimaudit.datasets import ooni_tests
from claimaudit.i18n import VALUES, isolate, name_words, number, pgettext, stated, value_words
from claimaudit.i18n import current as current_language
from claimaudit.i18n import date as i18n_date
from claimaudit.notebook.charts import shared_subcharts
from claimaudit.report import _finding_charts as fc
from claimaudit.report import _render
from claimaudit.report._scorecard import _summary_lang
from claimaudit.report._text import N_, _, ngettext

# --------------------------------------------------------------------------- words

#: verdict -> (words on the badge, symbol). Symbols are text: they survive print and screen readers.
VERDICT_WORDS: dict[str, tuple[str, str]] = {
    "contradicted": (N_("Contradicted by evidence"), "✘"),
    "inconsistent": (N_("Official figures contradict each other"), "≠"),
    "reports_differ": (N_("Outlets printed different figures"), "≈"),
    "not_comparable": (N_("Not comparable"), "⇹"),
    "supported": (N_("Supported by evidence"), "✔"),
    "consistent": (N_("Consistent with other claims"), "="),
    "insufficient_evidence": (N_("Not enough evidence to decide"), "?"),
}
SEVERITY = [
    "contradicted",
    "inconsistent",
    "reports_differ",
    "not_comparable",
    "supported",
    "consistent",
    "insufficient_evidence",
]
#: strength -> (words, marks). The marks say strength without colour.
STRENGTH_WORDS: dict[str, tuple[str, str]] = {
    "direct_measurement": (N_("network measurement"), "●●●"),
    "third_party_observation": (N_("third-party observation"), "●●○"),
    "media_report": (N_("media reports only"), "●○○"),
    "claims_ledger": (N_("official figures compared with each other"), "◆"),
    "none": (N_("no deciding evidence"), "○○○"),
}
#: Caveats that make a verdict weak, whatever its strength.
WEAK_CAVEATS = {
    "single_outlet",
    "low_confidence",
    "evidence_missing",
    "probable_misprint",
    "third_party_only",
    "unverified_observation",
}
#: Caveat kinds in words (message ids; an unknown kind is shown with its underscores as spaces).
CAVEAT_WORDS: dict[str, str] = {
    "single_outlet": N_("single outlet"),
    "low_confidence": N_("low confidence"),
    "third_party_only": N_("third party only"),
    "evidence_missing": N_("evidence missing"),
    "probable_misprint": N_("probable misprint"),
    "riseupvpn_unscored": N_("riseupvpn unscored"),
    "unverified_observation": N_("unverified observation"),
}
#: Evidence sources in words (for the banner and the evidence lists): the data vocabulary's, which the
#: rules' evidence sources join with their own words (``words`` of :data:`claimaudit.audit.EVIDENCE_SOURCES`).
SOURCE_WORDS: dict[str, str] = VALUES["source"]


def _summary_in(claim: Mapping[str, Any]) -> str | None:
    """A claim's summary in the active language: ``summary_<lang>`` when the ledger has it, else English."""
    lang = current_language()
    return (claim.get(f"summary_{lang}") if lang != "en" else None) or claim.get("summary")


def verdict_words(state: str) -> str:
    return _(VERDICT_WORDS.get(state, (state.replace("_", " "), "·"))[0])


def source_words(source: str) -> str:
    return value_words("source", source) if source in SOURCE_WORDS else source


def rule_title(inp: Inputs, rule_id: str) -> str:
    """A rule's title (``checks/claims``) in the active language (its message has the context ``rule.<id>``)."""
    title = inp.rule_titles.get(rule_id)
    return pgettext(f"rule.{rule_id}", title) if title else rule_id


def evidence_status(item: Mapping[str, Any]) -> str:
    """``used`` / ``missing`` / ``not_fetched`` / ``empty`` (the contract's field; older verdicts
    only say ``available``)."""
    status = item.get("status")
    if status:
        return str(status)
    return "used" if item.get("available", True) is not False else "missing"


def badge(verdict: Mapping[str, Any]) -> dict[str, Any]:
    """What the badge of a verdict says: the state in words, the strength of what was available, and
    whether it is weak (insufficient evidence, media reports only, or a weakening caveat)."""
    state = str(verdict.get("verdict"))
    strength = str(verdict.get("evidence_strength") or "none")
    caveats = [c.get("kind") for c in verdict.get("caveats") or () if isinstance(c, Mapping)]
    weak = state == "insufficient_evidence" or strength in ("media_report", "none") or bool(WEAK_CAVEATS & set(caveats))
    words, marks = STRENGTH_WORDS.get(strength, (strength, "·"))
    return {
        "state": state,
        "words": verdict_words(state),
        "symbol": VERDICT_WORDS.get(state, ("", "·"))[1],
        "strength": _(words),
        "marks": marks,
        "weak": weak,
        "weak_words": _("weak evidence") if weak else None,
        "caveats": [_(CAVEAT_WORDS.get(str(k), str(k).replace("_", " "))) for k in caveats if k],
    }


# ------------------------------------------------------------------- a verdict's sentences, in the edition's language


def finding_sentence(inp: Inputs, verdict: Mapping[str, Any]) -> tuple[str | None, str]:
    """A verdict's finding sentence in the active language, and the language it is in. English: the
    audit's own ``finding``. Another edition: the audit's one renderer (:func:`claimaudit.audit.finding_text`:
    the translated template, its context the template id, filled from the structured
    ``finding_slots``, whose ``subject`` and ``metric`` are steps of ledger fields rendered in the
    language), never re-read from the English. A verdict without a template keeps its English sentence."""
    from claimaudit.audit import FINDINGS, finding_text

    lang = current_language()
    english = verdict.get("finding")
    template_id = verdict.get("finding_template")
    if lang == "en" or not template_id or template_id not in FINDINGS:
        return (str(english) if english else None), "en"
    return finding_text(template_id, verdict.get("finding_slots") or {}, lang), lang


def _edition_item(e: Mapping[str, Any], item: pl.Struct, lang: str) -> dict[str, Any]:
    """An evidence item for the scorecard's frame: the struct's fields, its note rendered from its
    ``note_step`` in the edition's language (the struct keeps no steps)."""
    return {**{k: e.get(k) for k in item.to_schema()}, "note": note_text(e, lang)}


def caveat_lines(verdict: Mapping[str, Any]) -> list[str]:
    """A verdict's caveats as sentences in the active language (``audit.CAVEATS``), their details
    rendered from the caveat's ``detail_step`` by the audit's one renderer (:func:`claimaudit.audit.caveat_text`),
    not from its English ``detail``."""
    from claimaudit.audit import caveat_text

    lang = current_language()
    return [line for line in (caveat_text(c, lang) for c in verdict.get("caveats") or ()) if line]


# --------------------------------------------------------------------------- inputs


@dataclass
class Inputs:
    """Everything the report draws on. Third-party frames are None when this run did not have them."""

    verdicts: list[dict[str, Any]]
    claims: pl.DataFrame
    sources: pl.DataFrame | None = None
    signals: pl.DataFrame | None = None
    baselines: pl.DataFrame | None = None
    events: pl.DataFrame | None = None
    trends: pl.DataFrame | None = None
    tor: pl.DataFrame | None = None
    ooni: pl.DataFrame | None = None
    incidents: pl.DataFrame | None = None
    missing_sources: list[str] = field(default_factory=list)  # third-party data the notebook could not load
    rule_titles: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.verdicts = [_conform(v, self.claims) for v in self.verdicts]

    def by_rule(self, *rule_ids: str) -> list[dict[str, Any]]:
        return [v for v in self.verdicts if v.get("rule_id") in rule_ids]

    def claim(self, claim_id: str) -> dict[str, Any] | None:
        rows = self.claims.filter(pl.col("claim_id") == claim_id)
        return rows.row(0, named=True) if rows.height else None


def _conform(verdict: Mapping[str, Any], claims: pl.DataFrame) -> dict[str, Any]:
    """Verdicts written before the structured contract (``schema_version`` 2) lack ``caveats`` and the
    ``reports_differ`` state: derive them from structure, never from the explanation's words. Outlets
    printing different figures for one statement (a ``report_agreement`` rule) is ``reports_differ``;
    a claim of low confidence is a ``low_confidence`` caveat. Verdicts that have the fields are kept."""
    v = dict(verdict)
    if v.get("rule_kind") == "report_agreement" and v.get("verdict") == "inconsistent" and "finding" not in v:
        v["verdict"] = "reports_differ"
    if "caveats" not in v:
        ids = list(v.get("claim_ids") or ())
        low = (
            claims.filter(pl.col("claim_id").is_in(ids) & (pl.col("confidence") == "low"))
            .get_column("claim_id")
            .to_list()
        )
        v["caveats"] = [{"kind": "low_confidence", "detail": c} for c in low]
    return v


# --------------------------------------------------------------------------- findings


@dataclass
class Finding:
    """One headline finding: its sentence, the verdict that carries it, its charts, its claims."""

    key: str
    sentence: str
    verdict: dict[str, Any] | None
    charts: list[alt.TopLevelMixin]
    claim_ids: list[str]
    family: list[dict[str, Any]]
    note: str | None = None

    @property
    def who_when(self) -> str:
        return ""


def _lead(verdicts: Sequence[Mapping[str, Any]], focus: Iterable[str] = ()) -> dict[str, Any] | None:
    """The verdict that carries a finding: among those about the focus claims (all, if none are),
    the most severe state, then the strongest evidence."""
    focus = set(focus)
    about = [v for v in verdicts if focus & set(v.get("claim_ids") or ())] or list(verdicts)
    about = [v for v in about if v.get("verdict") != "consistent"] or about
    if not about:
        return None
    rank = {s: i for i, s in enumerate(SEVERITY)}
    strength = {s: i for i, s in enumerate(STRENGTH_WORDS)}
    return dict(
        min(
            about,
            key=lambda v: (
                -len(focus & set(v.get("claim_ids") or ())),
                rank.get(str(v.get("verdict")), 99),
                strength.get(str(v.get("evidence_strength")), 99),
            ),
        )
    )


def _running_totals(inp: Inputs) -> Finding | None:
    rows = fc.running_total_rows(inp.claims)
    drops = rows.filter("dropped").with_columns((pl.col("previous") - pl.col("value")).alias("fall"))
    if drops.is_empty():
        return None
    top = drops.sort("fall", descending=True).row(0, named=True)
    focus = [top["previous_claim_id"], top["claim_id"]]
    chart = fc.running_totals(inp.claims)
    family = inp.by_rule("url-blocking-series")
    falls = drops.height
    note = ngettext(
        "{n} running total fell between statements.", "{n} running totals fell between statements.", falls
    ).format(n=falls)
    return Finding("running-totals", _title(chart), _lead(family, focus), [chart], focus, family, note)


def _twenty_million(inp: Inputs) -> Finding | None:
    rows = fc.restatement_rows(inp.claims)
    if rows.height < 2:
        return None
    chart = fc.restatements(inp.claims, inp.events)
    charts: list[alt.TopLevelMixin] = [chart]
    if inp.baselines is not None:
        used = [
            k
            for v in inp.by_rule("gateway-attempts-per-subscription")
            for e in v.get("evidence") or ()
            if e.get("source") == "datasets/baselines"
            for k in e.get("keys") or ()
        ]
        try:
            charts.append(fc.per_subscriber(inp.claims, inp.baselines, baseline_ids=used or None))
        except ValueError:
            pass
    ids = rows.get_column("claim_id").to_list()
    family = inp.by_rule(
        "gateway-attempts-unit-drift", "gateway-attempts-per-subscription", "gateway-people-per-internet-user"
    )
    return Finding("twenty-million", _title(chart), _lead(family, ids), charts, ids, family)


def _x_statements(inp: Inputs) -> Finding | None:
    rows = fc.x_statement_rows(inp.claims)
    if rows.is_empty():
        return None
    denials = rows.filter(pl.col("said") == "said X was not blocked").get_column("statement_date").to_list()
    chart = fc.x_timeline(inp.claims, finding=fc.x_finding(inp.signals, inp.incidents, around=denials))
    family = inp.by_rule("platform-block-assertions")
    ids = rows.filter(pl.col("said") == "said X was not blocked").get_column("claim_id").to_list()
    return Finding("x-statements", _title(chart), _lead(family, ids), [chart], ids, family)


def _vpn_blocking(inp: Inputs) -> Finding | None:
    family = inp.by_rule("vpn-not-blocked-to-date", "vpn-blocking-statements", "vpn-outage-cause")
    if not family:
        return None
    lead = _lead(family)
    try:
        chart = fc.outage_panels(signals=inp.signals, trends=inp.trends, tor=inp.tor, ooni=inp.ooni, events=inp.events)
    except ValueError:  # nothing at all to draw around the outage in this run
        chart = None
    if lead is None:
        return None
    ids = list(lead.get("claim_ids") or ())
    note = (
        _("Chart: ") + _title(chart) + "."
        if chart is not None
        else _("No data around the outage could be drawn in this run.")
    )
    return Finding(
        "vpn-blocking", _assertion_sentence(inp, lead), lead, [chart] if chart is not None else [], ids, family, note
    )


def _registrations(inp: Inputs) -> Finding | None:
    rows = fc.registration_rows(inp.claims)
    if rows.height < 2:
        return None
    chart = fc.registrations(inp.claims, inp.events)
    family = inp.by_rule("vpn-registration-same-day-reports", "vpn-registration-series", "vpn-registration-unit-drift")
    ids = [c for ids in rows.get_column("claim_id").to_list() for c in ids]
    return Finding("vpn-registrations", _title(chart), _lead(family, ids), [chart], ids, family)


def _prints_differ(inp: Inputs) -> Finding | None:
    family = [v for v in inp.verdicts if v.get("rule_kind") == "report_agreement"]
    varied = varied_prints(inp.claims)
    if varied.is_empty() or inp.sources is None:
        return None
    chart, sentence, ids = prints_chart(inp, varied)
    differ = [v for v in family if v.get("verdict") == "reports_differ"]
    return Finding("prints-differ", sentence, _lead(differ or family, ids), [chart], ids, family)


def varied_prints(claims: pl.DataFrame) -> pl.DataFrame:
    """Claims of statements that were printed with more than one figure for the same thing (same
    statement, metric, category): the outlets' variants, straight from the ledger."""
    key = [c for c in ("statement_id", "subject", "metric", "category", "scope", "period") if c in claims.columns]
    numeric = claims.filter(pl.col("value").is_not_null() & pl.col("statement_id").is_not_null())
    return numeric.filter(pl.col("value").n_unique().over(key) > 1).sort("statement_date", *key, "value")


#: The headline findings, in the order the report gives them.
HEADLINES: list[Callable[[Inputs], Finding | None]] = [
    _running_totals,
    _x_statements,
    _twenty_million,
    _vpn_blocking,
    _registrations,
    _prints_differ,
]


def findings(inp: Inputs) -> list[Finding]:
    return [f for make in HEADLINES if (f := make(inp)) is not None]


def _title(chart: alt.TopLevelMixin) -> str:
    return fc.title_text(chart)


def _assertion_sentence(inp: Inputs, verdict: Mapping[str, Any]) -> str:
    """A sentence for an assertion verdict: who said what, when, and the verdict in words (the
    verdict's own ``finding`` sentence when the audit gives one)."""
    claim = inp.claim((verdict.get("claim_ids") or [""])[0]) or {}
    who = fc.short_name(claim.get("claimant"))
    said = claim.get("wording") or claim.get("summary") or ""
    # the quote marks go with the words, one isolated run: an English quote stays whole in Urdu text
    return _("{who} said on {date}: {wording} — {verdict}").format(
        who=isolate(who),
        date=fc.day_words(claim["statement_date"]) if claim.get("statement_date") else _("an unknown date"),
        wording=isolate(f"“{said}”"),
        verdict=verdict_words(str(verdict.get("verdict"))).lower(),
    )


# --------------------------------------------------------------------------- outlets' prints


def varied_statements(claims: pl.DataFrame) -> int:
    """How many statements outlets printed with more than one figure."""
    rows = varied_prints(claims)
    key = [c for c in ("statement_id", "subject", "metric", "category", "scope", "period") if c in rows.columns]
    return rows.select(key).unique().height


@shared_subcharts()
def prints_chart(inp: Inputs, rows: pl.DataFrame) -> tuple[alt.TopLevelMixin, str, list[str]]:
    """The statements printed with different figures: one row per statement, one point per distinct
    figure, labelled with how many outlets printed it (log scale: the variants differ by digits)."""
    claims = rows
    if inp.sources is not None:
        outlets = inp.sources.group_by("claim_id").agg(pl.col("outlet").unique().sort())
        claims = claims.join(outlets, on="claim_id", how="left")
    else:
        claims = claims.with_columns(pl.lit([], dtype=pl.List(pl.String)).alias("outlet"))
    data = claims.with_columns(
        fc.words_column(claims, "statement", _statement_label),
        pl.col("outlet").list.len().alias("outlets"),
        pl.col("outlet").list.join(", ").alias("outlet_names"),
    )
    data = data.with_columns(fc.words_column(data, "label", lambda r: f"{stated(r['value'])} ({number(r['outlets'])})"))
    widest = (
        data.group_by("statement")
        .agg(
            pl.col("value").n_unique().alias("figures"), (pl.col("value").max() / pl.col("value").min()).alias("spread")
        )
        .sort(["figures", "spread", "statement"], descending=[True, True, False])
    )
    one = data.filter(pl.col("statement") == widest.item(0, "statement")).sort("value")
    first = one.row(0, named=True)
    shown = [stated(f) for f in one.get_column("value").unique(maintain_order=True).to_list()]
    what = (
        _("items blocked as {category}").format(category=fc.category_words(first.get("category")))
        if first.get("subject") == "url_blocking"
        else value_words("metric", first.get("metric") or "")
    )
    sentence = _(
        "Outlets printed {n} official statements with different figures; {who}'s count of {what} on {date} "
        "appeared as {figures}"
    ).format(
        n=varied_statements(rows),
        who=fc.short_name(first.get("claimant")),
        what=what,
        date=fc.day_words(first["statement_date"]),
        figures=_("{some} and {last}").format(some=", ".join(shown[:-1]), last=shown[-1]),
    )
    base = alt.Chart(data).encode(
        y=alt.Y("statement:N", title=None, sort=None, axis=alt.Axis(labelLimit=300)),
        x=alt.X(
            "value:Q", title=_("figure as printed (log scale)"), scale=alt.Scale(type="log"), axis=alt.Axis(format="~s")
        ),
    )
    chart = alt.layer(
        base.mark_point(filled=True, size=70, color=fc.OKABE_ITO[5]).encode(
            tooltip=[
                alt.Tooltip("claim_id:N"),
                alt.Tooltip("value:Q", format=","),
                alt.Tooltip("outlet_names:N", title="outlets"),
                alt.Tooltip("confidence:N"),
            ]
        ),
        base.mark_text(align="left", dx=7, dy=-8, fontSize=10, color="#1a1a1a").encode(text=alt.Text("label:N")),
    ).properties(
        width=380,
        height=34 * widest.height,
        title=fc.chart_title(sentence, _("Each point: a figure as printed; in brackets, how many outlets printed it")),
    )
    source = _("claims ledger: the outlets' reports of each statement (datasets/claims/sources)")
    return fc.with_source(chart, source), sentence, one.get_column("claim_id").to_list()


def _statement_label(row: Mapping[str, Any]) -> str:
    """``2024-11-13 · items blocked (blasphemy, X)``: a statement's date, metric, category and (a
    platform's) scope in words."""
    scope = str(row.get("scope") or "")
    what = fc.category_words(row.get("category")) + (
        _(", ") + value_words("scope", scope) if scope.startswith("platform:") else ""
    )
    day = i18n_date(row["statement_date"]) if row.get("statement_date") else ""
    return f"{day} · {value_words('metric', row.get('metric') or '')} ({what})"


# --------------------------------------------------------------------------- what reaches the page


@shared_subcharts()
def chart_svg(chart: alt.TopLevelMixin) -> Markup:
    """A chart as inline SVG (Vega's SVG renderer escapes the text it draws). The spec is not
    validated against the Vega-Lite schema here (a tenth of each edition's CPU): the tests validate
    every finding chart in each language (``test_every_finding_chart_is_valid_vega_lite``)."""
    import vl_convert as vlc

    locale = i18n.time_format_locale()  # month and day names on date axes in the edition's language
    spec = chart.to_dict(validate=False)
    svg = vlc.vegalite_to_svg(spec, time_format_locale=locale) if locale else vlc.vegalite_to_svg(spec)
    # the box holds every label as the page draws it (its embedded fonts), so none is cut off on a phone
    return Markup(fc.fit_svg_text(svg))


def statements(inp: Inputs, claim_ids: Iterable[str]) -> list[dict[str, Any]]:
    """One entry per statement behind ``claim_ids``: who, when, where, and each distinct print with
    the outlets that printed it (so a statement printed three ways is one entry with three prints)."""
    ids = list(dict.fromkeys(claim_ids))
    claims = inp.claims.filter(pl.col("claim_id").is_in(ids))
    if claims.is_empty():
        return []
    sources = (
        inp.sources
        if inp.sources is not None
        else pl.DataFrame(schema={"claim_id": pl.String, "outlet": pl.String, "url": pl.String})
    )
    out = []
    for (statement_id,), group in claims.sort("statement_date", "claim_id", nulls_last=True).group_by(
        "statement_id", maintain_order=True
    ):
        first = group.row(0, named=True)
        prints = []
        for row in group.iter_rows(named=True):
            cites = sources.filter(pl.col("claim_id") == row["claim_id"])
            prints.append(
                {
                    "figure": _print_figure(row),
                    "lang": script_lang(_print_figure(row)),
                    "confidence": row.get("confidence"),
                    "claim_id": row["claim_id"],
                    "outlets": [
                        {
                            "name": name_words("outlet", c.get("outlet")) if c.get("outlet") else c.get("url"),
                            "href": _render.safe_href(c.get("url")),
                            "verification": c.get("verification"),
                        }
                        for c in cites.iter_rows(named=True)
                    ],
                }
            )
        out.append(
            {
                "statement_id": statement_id,
                "who": name_words("claimant", first.get("claimant")) or _("claimant not in the ledger"),
                "when": fc.day_words(first["statement_date"]) if first.get("statement_date") else _("undated"),
                "venue": value_words("venue", first.get("venue")) if first.get("venue") else "",
                # the ledger's summary in the edition's language (``summary_ur``), else the English one marked as such
                "summary": _summary_in(first),
                "summary_lang": _summary_lang(first),
                "wording": first.get("wording"),
                "prints": prints,
            }
        )
    return out


_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]")


def script_lang(text: Any) -> str | None:
    """``"ur"`` for text in Arabic script (the ledger's Urdu quotes), else None: the templates mark
    it ``lang="ur" dir="rtl"`` so it is set in an Urdu font (Noto Nastaliq Urdu, embedded in the PDF).

    >>> script_lang("ایکس کو ہم نے بند نہیں کیا تھا"), script_lang("X is not restricted")
    ('ur', None)
    """
    return "ur" if isinstance(text, str) and _ARABIC_SCRIPT.search(text) else None


def _print_figure(row: Mapping[str, Any]) -> str:
    if row.get("value") is None:
        return str(row.get("wording") or row.get("assertion") or "").strip()
    qualifier = {"over": _("over "), "about": _("about "), "at_least": _("at least "), "up_to": _("up to ")}.get(
        str(row.get("qualifier") or ""), ""
    )
    return f"{qualifier}{stated(row['value'])} {fc.unit_words(row.get('unit'))}".strip()


def evidence_lines(verdict: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The evidence a verdict looked at, one line per source: what, its window and n, whether it
    was there in this run, a page a reader can open (``page_url``) beside the request made."""
    if not verdict:
        return []
    lines: dict[str, dict[str, Any]] = {}
    for item in verdict.get("evidence") or ():
        source = str(item.get("source") or "")
        status = evidence_status(item)
        line = lines.setdefault(
            source,
            {
                "what": source_words(source),
                "source": source,
                "status": status,
                "windows": [],
                "n": None,
                "networks": 0,
                "page": None,
                "request": None,
                "verification": item.get("verification"),
            },
        )
        if status != "used" and line["status"] == "used":
            line["status"] = "partly missing"
        window = (item.get("window_start"), item.get("window_end"))
        if any(window) and len(line["windows"]) < 1:
            line["windows"].append(
                f"{i18n_date(window[0]) if window[0] else '…'} – {i18n_date(window[1]) if window[1] else '…'}"
            )
        if item.get("n") is not None:
            line["n"] = (line["n"] or 0) + int(item["n"])
        line["networks"] = max(line["networks"], len(item.get("networks") or ()))
        line["page"] = line["page"] or _render.safe_href(item.get("page_url"))
        line["request"] = line["request"] or _render.safe_href(item.get("request_url"))
    status_words = {
        "used": _("used"),
        "missing": _("not available in this run"),
        "not_fetched": _("not fetched in this run"),
        "empty": _("no data for this window"),
        "partly missing": _("partly not available in this run"),
    }
    for line in lines.values():
        line["status_words"] = status_words.get(line["status"], line["status"])
    return list(lines.values())


#: States that get a row in a finding's table; the others are counted there and listed on the scorecard.
TABLE_STATES = ("contradicted", "inconsistent", "reports_differ", "supported")


def family_table(inp: Inputs, family: Sequence[Mapping[str, Any]], *, limit: int = 4) -> dict[str, Any]:
    """A finding's verdicts that carry news (contradicted, inconsistent, reports differ, supported),
    one row per set of statements (the prints of one statement are one row, with each figure
    printed), most severe first; every state is counted."""
    groups: dict[tuple[str, ...], list[Mapping[str, Any]]] = {}
    for v in family:
        if v.get("verdict") not in TABLE_STATES:
            continue
        claims = [inp.claim(c) or {"claim_id": c} for c in v.get("claim_ids") or ()]
        key = tuple(sorted({str(c.get("statement_id") or c.get("claim_id")) for c in claims}))
        groups.setdefault(key, []).append(v)
    rows = []
    for vs in groups.values():
        lead = min(vs, key=lambda v: SEVERITY.index(v["verdict"]) if v.get("verdict") in SEVERITY else 99)
        ids = list(dict.fromkeys(c for v in vs for c in v.get("claim_ids") or ()))
        rows.append(
            {
                "what": _figures_line(inp, ids),
                "badge": badge(lead),
                "claim_ids": ids,
                "verdicts": len(vs),
                "rank": SEVERITY.index(lead["verdict"]) if lead.get("verdict") in SEVERITY else 99,
            }
        )
    rows.sort(key=lambda r: r["rank"])
    counts = Counter(str(v.get("verdict")) for v in family)
    return {
        "rows": rows[:limit],
        "more": max(len(rows) - limit, 0),
        "counts": [(verdict_words(s), counts[s]) for s in SEVERITY if counts.get(s)],
        "total": len(family),
    }


def _figures_line(inp: Inputs, claim_ids: Sequence[str]) -> str:
    """``903,074 urls (1 March 2022) → 844,008 / 844,000 / over 800,000 websites (13 November 2024)``:
    each statement once, oldest first, with every figure it was printed with."""
    claims = [c for c in (inp.claim(i) for i in claim_ids) if c]
    by_statement: dict[str, list[dict[str, Any]]] = {}
    for c in sorted(claims, key=lambda c: (c.get("statement_date") or dt.date.max, c["claim_id"])):
        by_statement.setdefault(str(c.get("statement_id") or c["claim_id"]), []).append(c)
    parts = []
    for group in by_statement.values():
        first = group[0]
        when = fc.day_words(first["statement_date"]) if first.get("statement_date") else _("undated")
        if all(c.get("value") is None for c in group):
            said = first.get("wording") or first.get("summary") or first["claim_id"]
            parts.append(f"{fc.short_name(first.get('claimant'))}, {when}: “{said}”")
        else:
            figures = " / ".join(dict.fromkeys(_print_figure(c) for c in group))
            parts.append(f"{figures} ({when})")
    return " → ".join(parts)


def missing_evidence(inp: Inputs) -> list[str]:
    """The kinds of evidence this run did not have, in words, each once: third-party sources the
    verdicts looked for and could not get, and those the report's charts could not load."""
    missing: dict[str, None] = {}
    for v in inp.verdicts:
        for item in v.get("evidence") or ():
            if evidence_status(item) in ("missing", "not_fetched"):
                missing[source_words(str(item.get("source") or ""))] = None
    for name in inp.missing_sources:
        missing[source_words(name)] = None
    return list(missing)


def not_checked(inp: Inputs) -> list[dict[str, Any]]:
    """Insufficient-evidence verdicts by rule: how many, about what, and what would settle them
    (the evidence they looked for and did not have)."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for v in inp.verdicts:
        if v.get("verdict") == "insufficient_evidence":
            groups[str(v.get("rule_id"))].append(v)
    out = []
    for rule_id, vs in groups.items():
        needs = sorted(
            {
                source_words(str(e.get("source")))
                for v in vs
                for e in v.get("evidence") or ()
                if evidence_status(e) != "used"
            }
        )
        claims = [inp.claim(c) for v in vs for c in (v.get("claim_ids") or ())[:1]]
        examples = [_summary_in(c) for c in claims if c and c.get("summary")][:2]
        out.append(
            {
                "rule": rule_title(inp, rule_id),
                "rule_id": rule_id,
                "n": len(vs),
                "examples": examples,
                "needs": needs or [_("a figure stated for the same scope and date")],
            }
        )
    return sorted(out, key=lambda r: -r["n"])


# --------------------------------------------------------------------------- rendering


def lead_text(
    items: Sequence[Finding], verdicts: Sequence[Mapping[str, Any]] = (), *, differ: int | None = None
) -> str:
    """The lead paragraph: the main finding in its own sentence, then what else the audit found."""
    if not items:
        return _("This run produced no headline finding.")
    counts = Counter(str(v.get("verdict")) for v in verdicts)
    inconsistent = counts.get("inconsistent", 0)
    contradicted = counts.get("contradicted", 0)
    differ = counts.get("reports_differ", 0) if differ is None else differ
    # each count with its own plural form (gettext plural forms, in every language)
    rest = _(
        "Across the record, official figures contradict each other {times} and independent evidence contradicts "
        "{statements}; {printed}."
    ).format(
        times=ngettext("{n} time", "{n} times", inconsistent).format(n=number(inconsistent)),
        statements=ngettext("{n} official statement", "{n} official statements", contradicted).format(
            n=number(contradicted)
        ),
        printed=ngettext(
            "{n} statement was printed with different figures by different outlets",
            "{n} statements were printed with different figures by different outlets",
            differ,
        ).format(n=number(differ)),
    )
    return _sentence(items[0].sentence) + " " + rest if verdicts else _sentence(items[0].sentence)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?", "”")) else text + "."


def first_screen_html(inp: Inputs, items: Sequence[Finding]) -> str:
    """Lead, incomplete-run banner, the headline findings with their badges."""
    return _render.render(
        "fragments/report_first_screen.html.j2",
        lead=lead_text(items, inp.verdicts, differ=varied_statements(inp.claims)),
        missing=missing_evidence(inp),
        headlines=[
            {
                "key": f.key,
                "sentence": _sentence(f.sentence),
                "badge": badge(f.verdict) if f.verdict else None,
                "who_when": who_when(inp, f),
            }
            for f in items
        ],
        verdicts=len(inp.verdicts),
    )


def who_when(inp: Inputs, finding: Finding) -> str:
    claims = [c for c in (inp.claim(i) for i in finding.claim_ids) if c]
    who = list(dict.fromkeys(fc.short_name(c.get("claimant")) for c in claims if c.get("claimant")))
    dates = sorted(c["statement_date"] for c in claims if c.get("statement_date"))
    if not dates:
        return ", ".join(who[:3])
    span = fc.day_words(dates[0]) if dates[0] == dates[-1] else f"{fc.day_words(dates[0])} – {fc.day_words(dates[-1])}"
    names = ", ".join(who[:2]) + (_(" and others") if len(who) > 2 else "")
    return f"{names}; {span}" if names else span


#: Statements listed in a finding's section (the one its verdict is about first); the rest are on the scorecard.
MAX_STATEMENTS = 4


def sections_html(inp: Inputs, items: Sequence[Finding], *, scorecard_href: str = "scorecard.html") -> str:
    return _render.render(
        "fragments/report_sections.html.j2",
        scorecard_href=scorecard_href,
        sections=[
            {
                "key": f.key,
                "number": i,
                "sentence": f.sentence,
                "note": f.note,
                "badge": badge(f.verdict) if f.verdict else None,
                "charts": [chart_svg(c) for c in f.charts],
                "statements": statements(inp, [*((f.verdict or {}).get("claim_ids") or ()), *f.claim_ids])[
                    :MAX_STATEMENTS
                ],
                "more_statements": max(len(statements(inp, f.claim_ids)) - MAX_STATEMENTS, 0),
                "evidence": evidence_lines(f.verdict),
                "family": family_table(inp, f.family),
            }
            for i, f in enumerate(items, start=1)
        ],
    )


def not_checked_html(inp: Inputs) -> str:
    return _render.render("fragments/report_not_checked.html.j2", groups=not_checked(inp))


# --------------------------------------------------------------------------- loading, for the notebook


#: The outage chart's OONI question: every circumvention test (:mod:`claimaudit.datasets.ooni_tests`).
OUTAGE_OONI = {"test_name": ",".join(ooni_tests.circumvention()), "domain": None}


def load_inputs(
    *,
    offline: bool = True,
    country: str = "PK",
    verdicts: Sequence[Mapping[str, Any]] | None = None,
) -> Inputs:
    """The curated datasets, the verdicts and whatever third-party data the cache or mirror holds;
    what could not be had is recorded in ``missing_sources`` (never shown as an instruction: the
    console and index.html say what to do).

    The verdicts, unless given, are the ones the audit step wrote (``reports/verdicts.json``, read
    by :func:`claimaudit.notebook.views.verdict_records`, as every notebook reads them); only when
    there is no such file yet (the notebook opened on its own) is the audit run, once, here."""
    from claimaudit import audit, datasets
    from claimaudit.errors import ClaimauditError, NotAvailableError
    from claimaudit.notebook import views

    def third_party(name: str, load: Callable[[], pl.DataFrame]) -> pl.DataFrame | None:
        try:
            return load()
        except (NotAvailableError, ClaimauditError):
            missing.append(name)
            return None

    missing: list[str] = []
    if verdicts is None:
        verdicts, note = views.verdict_records(offline=offline)
        if note:
            print(note)
    from claimaudit.datasets import ooni_api, sources, tor_metrics

    start, end = fc.OUTAGE_WINDOW
    trends, findings = EVIDENCE_SOURCES["google_trends_vpn"], EVIDENCE_SOURCES["ooni_findings"]
    tor, ooni = EVIDENCE_SOURCES["tor_users"], EVIDENCE_SOURCES["ooni_aggregation"]
    inputs = Inputs(
        verdicts=[dict(v) for v in verdicts],
        claims=datasets.load("claims"),
        sources=datasets.load("claims", "sources"),
        signals=datasets.load("signals"),
        baselines=datasets.load("baselines"),
        events=datasets.load("events"),
        trends=third_party(trends.name, lambda: sources.load(*trends.reads, offline=offline)),
        incidents=third_party(findings.name, lambda: sources.load(*findings.reads, offline=offline)),
        tor=third_party(tor.name, lambda: tor_metrics.userstats(country, start, end, offline=offline)),
        ooni=third_party(
            ooni.name,
            lambda: ooni_api.aggregate(
                probe_cc=country,
                test_name=OUTAGE_OONI["test_name"],
                since=start,
                until=end + dt.timedelta(days=1),
                offline=offline,
            ),
        ),
        rule_titles={r.id: r.title for r in audit.load_rules()},
    )
    inputs.missing_sources = missing
    return inputs


@dataclass
class TransparencyReport:
    """The report's parts, each displayable in a notebook (``display(report.first_screen())``)."""

    inputs: Inputs
    items: list[Finding]

    @classmethod
    def build(cls, inputs: Inputs) -> TransparencyReport:
        return cls(inputs, findings(inputs))

    def first_screen(self) -> Any:
        from claimaudit.report._tables import HTML

        return HTML(first_screen_html(self.inputs, self.items))

    def sections(self) -> Any:
        from claimaudit.report._tables import HTML

        return HTML(sections_html(self.inputs, self.items, scorecard_href=scorecard_name(current_language())))

    def not_checked(self) -> Any:
        from claimaudit.report._tables import HTML

        return HTML(not_checked_html(self.inputs))

    def scorecard_page(self, *, notebook: str = "08-publish-transparency-report", editions: str = "") -> list[Any]:
        """Publish the scorecard page of this edition (``scorecard.html``, ``scorecard.ur.html``; the
        English edition also ``scorecard.csv``) beside the report (the parent of the run's tables
        folder) and the same rows as ``tables/<notebook>__scorecard.csv``; their paths. ``editions``
        (``"en,ur"``): the languages this run publishes, whose scorecards link each other."""
        from claimaudit.report._tables import Page, tables_dir

        chosen = i18n.parse_languages(editions) if editions.strip() else (current_language(),)
        written = write_scorecard(self.inputs, tables_dir().parent, editions=chosen)
        written.append(Page(notebook).export(scorecard_frame(self.inputs), "scorecard"))
        return written


# --------------------------------------------------------------------------- the scorecard page


def scorecard_frame(inp: Inputs) -> pl.DataFrame:
    """Every verdict, one row each: the CSV beside ``scorecard.html``."""
    rows = [
        {
            "verdict_id": v.get("verdict_id") or f"{v.get('rule_id')}:{'+'.join(v.get('claim_ids') or ())}",
            "rule_id": v.get("rule_id"),
            "rule_kind": v.get("rule_kind"),
            "claim_ids": "; ".join(v.get("claim_ids") or ()),
            "verdict": v.get("verdict"),
            "evidence_strength": v.get("evidence_strength"),
            "finding": v.get("finding"),
            "explanation": v.get("explanation"),
            "evidence_missing": "; ".join(
                sorted({str(e.get("source")) for e in v.get("evidence") or () if evidence_status(e) != "used"})
            ),
        }
        for v in inp.verdicts
    ]
    schema = {
        k: pl.String
        for k in (
            "verdict_id",
            "rule_id",
            "rule_kind",
            "claim_ids",
            "verdict",
            "evidence_strength",
            "finding",
            "explanation",
            "evidence_missing",
        )
    }
    return pl.DataFrame(rows, schema=schema)


def scorecard_page_html(
    inp: Inputs,
    *,
    info: Mapping[str, Any] | None = None,
    report_href: str | None = None,
    editions: Sequence[str] | None = None,
) -> str:
    """``scorecard.html`` (``scorecard.<lang>.html`` in another edition): every verdict of the run
    (consistent ones one line each), self-contained; in another language each finding is the
    translated template filled from the verdict (:func:`finding_sentence`), its caveats worded from
    their structure (:func:`caveat_lines`) and the audit's working folded beside it, rendered in the
    edition's language from the verdict's ``reasons`` (``audit.working``, the steps part of
    ``audit.explain``; a verdict without reasons shows its English explanation, marked English).
    ``editions``: the languages this run publishes (linked)."""
    from claimaudit.audit import working as audit_working
    from claimaudit.report._provenance import run_info
    from claimaudit.report._scorecard import scorecard_html

    sentences = [finding_sentence(inp, v) for v in inp.verdicts]
    lang = current_language()
    translated = lang != i18n.SOURCE_LANGUAGE
    report_href = report_href or f"08-publish-transparency-report{i18n.edition_suffix(current_language())}.html"

    item = pl.Struct(
        {
            "source": pl.String,
            "keys": pl.List(pl.String),
            "strength": pl.String,
            "window_start": pl.String,
            "window_end": pl.String,
            "n": pl.Int64,
            "networks": pl.List(pl.String),
            "probes": pl.Int64,
            "available": pl.Boolean,
            "status": pl.String,
            "note": pl.String,
            "request_url": pl.String,
            "page_url": pl.String,
        }
    )
    frame = pl.DataFrame(
        {
            "rule_id": [v.get("rule_id") for v in inp.verdicts],
            "claim_ids": [list(v.get("claim_ids") or ()) for v in inp.verdicts],
            "verdict": [v.get("verdict") for v in inp.verdicts],
            "explanation": [v.get("explanation") for v in inp.verdicts],
            "finding": [f for f, _lang in sentences],
            "finding_lang": [lang for _f, lang in sentences],
            "caveat_lines": [caveat_lines(v) if translated else [] for v in inp.verdicts],
            # the audit's working (the steps of the verdict's reasons) in this edition's language; the
            # finding and caveats above it are worded here (finding_sentence, caveat_lines)
            "working": [audit_working(v.get("reasons") or (), lang) if translated else None for v in inp.verdicts],
            "evidence_strength": [v.get("evidence_strength") for v in inp.verdicts],
            "evidence_items": [
                # the note rendered from its note_step in this edition's language (the struct keeps no steps)
                [
                    {**{k: e.get(k) for k in item.to_schema()}, "note": note_text(e, lang)}
                    for e in v.get("evidence") or ()
                ]
                for v in inp.verdicts
            ],
        },
        schema={
            "rule_id": pl.String,
            "claim_ids": pl.List(pl.String),
            "verdict": pl.String,
            "explanation": pl.String,
            "finding": pl.String,
            "finding_lang": pl.String,
            "caveat_lines": pl.List(pl.String),
            "working": pl.String,
            "evidence_strength": pl.String,
            "evidence_items": pl.List(item),
        },
    )
    body = scorecard_html(frame, inp.claims, inp.sources, name="scorecard", compact=["consistent"], csv_name=None)
    info = dict(info or run_info())
    lang = current_language()
    others = [other for other in i18n.LANGUAGES if other != lang and other in (editions or ())]
    page = _render.render(
        "fragments/scorecard_page.html.j2",
        css=_render.css() + "\n" + _render.css("editions.css") + ("\n" + _render.css("rtl.css") if translated else ""),
        body=Markup(body),
        report_href=report_href,
        total=len(inp.verdicts),
        lang=lang,
        dir=i18n.direction(lang),
        editions=[
            {
                "lang": other,
                "href": scorecard_name(other),
                "name": i18n.language_name(other),
                "dir": i18n.direction(other),
            }
            for other in others
        ],
        draft_note=_(
            "This edition is a draft translation from English that has not yet been reviewed by a "
            "native speaker. Figures and sources are as in the English edition; names with an established "
            "Urdu form are given in it, others in Latin letters."
        )
        if i18n.is_draft(lang)
        else "",
        **info,
    )
    from claimaudit.report._fonts import embed_fonts

    page, _embedded = embed_fonts(page, latin=translated)
    return page


def scorecard_name(lang: str) -> str:
    """``scorecard.html`` (English), ``scorecard.ur.html`` (Urdu)."""
    return f"scorecard{i18n.edition_suffix(lang)}.html"


def write_scorecard(
    inp: Inputs, folder: Any, *, info: Mapping[str, Any] | None = None, editions: Sequence[str] | None = None
) -> list[Any]:
    """Write the scorecard page of the active language (``scorecard.html``, ``scorecard.ur.html``)
    into ``folder`` (atomically), and, from the English edition, ``scorecard.csv`` (one CSV: the
    data with English headers and values); their paths."""
    from pathlib import Path

    from claimaudit._io import write_text_atomic
    from claimaudit.report._tables import write_csv

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    lang = current_language()
    page = folder / scorecard_name(lang)
    write_text_atomic(page, scorecard_page_html(inp, info=info, editions=editions))
    if lang != i18n.SOURCE_LANGUAGE:
        return [page]
    csv = write_csv(scorecard_frame(inp), folder / "scorecard.csv")
    return [page, csv]


# --------------------------------------------------------------------------- the end of an audit notebook


def what_this_notebook_found(
    verdicts: pl.DataFrame | None, claims: pl.DataFrame | None, *, window: tuple[Any, Any] | None = None
) -> Any:
    """The closing summary of an audit notebook, generated from its verdicts: how many of each
    state, and the verdicts that carry news (contradicted, inconsistent, outlets differing), each
    with the statements it is about."""
    from claimaudit.report._tables import HTML

    if verdicts is None or verdicts.is_empty():
        return HTML(_render.render("fragments/notebook_found.html.j2", counts=[], rows=[], total=0, window=window))
    records = [
        _conform(
            v,
            claims
            if claims is not None
            else pl.DataFrame(
                {"claim_id": [], "confidence": []}, schema={"claim_id": pl.String, "confidence": pl.String}
            ),
        )
        for v in verdicts.select("rule_id", "rule_kind", "claim_ids", "verdict", "evidence_strength").to_dicts()
    ]
    counts: dict[str, int] = {}
    for v in records:
        counts[v["verdict"]] = counts.get(v["verdict"], 0) + 1
    summaries = dict(claims.select("claim_id", "summary").iter_rows()) if claims is not None else {}
    rows = [
        {
            "verdict": verdict_words(v["verdict"]),
            "state": v["verdict"],
            "rule": v["rule_id"],
            "about": [summaries.get(c) or c for c in v["claim_ids"]][:2],
        }
        for v in sorted(records, key=lambda v: SEVERITY.index(v["verdict"]) if v["verdict"] in SEVERITY else 99)
        if v["verdict"] in TABLE_STATES and v["verdict"] != "supported"
    ]
    return HTML(
        _render.render(
            "fragments/notebook_found.html.j2",
            counts=[(verdict_words(s), counts[s]) for s in SEVERITY if counts.get(s)],
            rows=rows[:10],
            more=max(len(rows) - 10, 0),
            total=len(records),
            window=(fc._iso(window[0]), fc._iso(window[1])) if window else None,
        )
    )
