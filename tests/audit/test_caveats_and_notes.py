"""Caveat details, evidence notes and finding subjects are structure (issue 8): a step (template id +
typed slots) rendered by the one renderer, so a verdict reads in Urdu with no English fragment, and
the English (the schema's ``detail`` / ``note`` strings, the ``finding``) is what it always was."""

from __future__ import annotations

import re

import pytest
from test_audit import real_records as real_records_of_the_audit

from claimaudit import i18n
from claimaudit.audit import CAVEATS, caveat_text, explain, finding_text, note_text
from claimaudit.audit._findings import WORKING_TEMPLATES, render_step, say, slot_names

pytestmark = pytest.mark.mirror

LATIN = re.compile(r"[A-Za-z]")
URDU = re.compile(r"[\u0600-\u06ff]")
#: The allow-list outside isolated data: names of services and products, as their makers write
#: them, and the one setting a reader is told to set.
NAMES = ("Google Trends", "CenAlert", "Nayatel Safeweb", "OONI", "Tor Metrics", "Tor", "IODA", "VPN")
CODE = ("CLAIMAUDIT_OONI_CORPUS",)


def _leaves(node) -> set[str]:
    """Every string in a record's structure (slot values, ids, names, quoted wording, URLs)."""
    if isinstance(node, dict):
        return set().union(*map(_leaves, node.values())) if node else set()
    if isinstance(node, list | tuple):
        return set().union(*map(_leaves, node)) if node else set()
    return {node} if isinstance(node, str) else set()


_OPEN, _CLOSE = "\u2066\u2067\u2068", "\u2069"  # LRI RLI FSI ... PDI
_WRAP = "()[]'\"\u201c\u201d\u2018\u2019 "


def _isolated_runs(text: str) -> tuple[list[str], str]:
    """The outermost isolated runs of ``text`` (isolates nest: a bracketed quote is one run holding
    the quote's own run) with their inner marks removed, and the text outside them."""
    runs, outside, depth, run = [], [], 0, []
    for ch in text:
        if ch in _OPEN:
            depth += 1
            continue
        if ch == _CLOSE and depth:
            depth -= 1
            if not depth:
                runs.append("".join(run))
                run = []
                outside.append(" ")
            continue
        (run if depth else outside).append(ch)
    return runs, "".join(outside)


def _english_left(text: str, record: dict) -> list[str]:
    """The Latin-letter words of an Urdu text that are not on the allow-list: isolated runs must be
    data the record carries (a claim id, an outlet, a URL, an ASN, a claimant's wording, or a
    bracketed part of one, its brackets and quotes aside), and outside them only :data:`NAMES` and
    :data:`CODE` may stand."""
    data = _leaves(record)
    problems = []
    runs, rest = _isolated_runs(text)
    for span in runs:
        core = span.strip(_WRAP)
        carried = not core or any(core in d for d in data) or any(d.endswith(":" + core) for d in data)
        if not carried and not re.fullmatch(r"AS\d+|https?://\S+", core):
            problems.append(f"isolated but not data of the record: {span!r}")
    for allowed in (*CODE, *NAMES):
        rest = rest.replace(allowed, " ")
    problems += [f"English: {w!r}" for w in re.findall(r"[A-Za-z][A-Za-z_'’./:-]*", rest)]
    return problems


@pytest.fixture
def real_records():
    return [dict(r) for r in real_records_of_the_audit()]


def test_every_real_verdict_reads_in_urdu_with_no_english_but_names(real_records):
    found = {}
    lines = 0
    for record in real_records:
        texts = [explain(record, "ur")]
        texts += [caveat_text(c, "ur") for c in record["caveats"]]
        texts += [note_text(e, "ur") for e in record["evidence"] if e["note"]]
        lines += len(texts)
        for text in texts:
            assert text and URDU.search(text), (record["verdict_id"], text)
            left = _english_left(text, record)
            if left:
                found.setdefault(record["verdict_id"], (left[:5], text[:300]))
    assert found == {}, f"{len(found)} verdicts show English in Urdu, e.g. {next(iter(found.items()))}"
    assert lines > 600  # the explanations, every caveat and every note of the 300-odd verdicts


def test_caveats_and_notes_are_steps_and_their_english_is_their_rendering(real_records):
    kinds, notes = set(), set()
    for record in real_records:
        assert explain(record) == record["explanation"]
        for caveat in record["caveats"]:
            step = caveat["detail_step"]
            assert step["template"] in WORKING_TEMPLATES and isinstance(step["slots"], dict)
            assert caveat["detail"] == render_step(step)
            assert caveat_text(caveat) == CAVEATS[caveat["kind"]].format(detail=caveat["detail"])
            kinds.add(caveat["kind"])
        for item in record["evidence"]:
            if item["note"] is None:
                assert item["note_step"] is None
                continue
            assert item["note_step"]["template"] in WORKING_TEMPLATES
            assert note_text(item) == item["note"] == render_step(item["note_step"])
            notes.add(item["note"])
    assert {"single_outlet", "low_confidence", "evidence_missing", "third_party_only"} <= kinds
    assert {"probable_misprint", "unverified_observation"} <= kinds
    # the English reads as the audit wrote it before it was structure (strings of that audit)
    for before in (
        "no signal on platform_block in the window",
        "no signal on vpn_demand, vpn_signups in the window",
        "broadband_subscribers 143,000,000 as of 2024-11-30",
        "our timeline of reported events (media reports)",
        "OONI's published findings, drawn from its measurements",
        "no matching OONI finding overlaps the window",
        "the OONI raw corpus is not built (CLAIMAUDIT_OONI_CORPUS is not set)",
        "reports grouped by statement: pta-document-samaa-2018-10-19, metric: items blocked,"
        " category: contempt of court, scope: all content, period: window",
        "acsac-pakistan/tor-relay-users covers 2021-01-01..2023-04-01, not the window and its 28-day baseline",
    ):
        assert before in notes, before
    assert any(re.fullmatch(r"\d+ days; peak/mean ratio \d+\.\d\d", n) for n in notes)
    assert any(
        re.fullmatch(
            r"web_connectivity: https://api\.ooni\.io/\S+: not in the cache and no mirror holds it, and"
            r" fetching is offline",
            n,
        )
        for n in notes
    )


def test_caveat_details_read_as_before_in_english(real_records):
    details = {(c["kind"], c["detail"]) for r in real_records for c in r["caveats"]}
    for before in (
        ("probable_misprint", "2,835 and 2,836 differ by one digit or two swapped digits"),
        ("low_confidence", "2,836 (set aside)"),
        ("evidence_missing", "ooni_api/aggregation (not fetched); ooni_corpus/summary (missing)"),
        ("third_party_only", "third party observations (datasets/signals)"),
        ("unverified_observation", "ooni-255040833200 (unreachable); counted as third party observation"),
        (
            "single_outlet",
            "pta-chair-2024-11-18-people-accessing-per-week (Internews.pk), pta-chair-2024-11-18-people-attempting-"
            "last-sunday (Daily Pakistan), cii-chair-2024-11-20-people-visiting (The Current)",
        ),
    ):
        assert before in details, before


def test_a_findings_subject_is_the_ledger_fields_rendered_per_language(real_records):
    """``finding_slots["subject"]`` holds the fields (authority, period, metric, category, scope;
    statement, date), not English words; the finding renders it in each language."""
    subjects = [r for r in real_records if "subject" in slot_names(r["finding_template"])]
    assert {r["rule_kind"] for r in subjects} == {"report_agreement", "series_consistency"}
    for record in subjects:
        subject = record["finding_slots"]["subject"]
        assert subject["template"] in WORKING_TEMPLATES, record["verdict_id"]
        assert finding_text(record["finding_template"], record["finding_slots"]) == record["finding"]
        assert render_step(subject) in record["finding"]
        urdu = finding_text(record["finding_template"], record["finding_slots"], "ur")
        with i18n.language("ur"):
            shown = render_step(subject, "ur")
        assert URDU.search(shown) and shown in urdu, (record["verdict_id"], shown, urdu)
    series = next(r for r in subjects if r["rule_kind"] == "series_consistency")
    assert {"authority", "period", "metric"} <= set(series["finding_slots"]["subject"]["slots"])


def test_an_evidence_notes_grouping_fields_read_as_words_in_both_languages():
    """``reports grouped by statement: …, scope: Instagram``, never ``scope=platform:instagram``: the field
    and its value go through the data vocabulary; a statement id is data, shown as written."""
    step = say(
        "note.grouped_by",
        fields=[
            say("note.field", field=k, value=v)
            for k, v in (
                ("statement_id", "synthetic-stmt"),
                ("metric", "items_blocked"),
                ("scope", "platform:instagram"),
            )
        ],
    )
    english, urdu = render_step(step, "en"), render_step(step, "ur")
    assert english == "reports grouped by statement: synthetic-stmt, metric: items blocked, scope: Instagram"
    for text in (english, urdu):
        assert "=" not in text and "platform:" not in text, text
        assert "items_blocked" not in text and "statement_id" not in text, text
    assert "انسٹاگرام" in urdu and "بیان" in urdu and "synthetic-stmt" in urdu
