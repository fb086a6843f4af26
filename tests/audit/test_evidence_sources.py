"""The evidence-source registry (``audit/_evidence_sources.py``): one entry per source is its one
definition. Rule files, the gatherers' dispatch, the evidence items and the report's words all
come from it, so adding or removing a source is adding or removing its entry."""

from __future__ import annotations

import ast
import dataclasses
import textwrap
from pathlib import Path

import pytest
from test_audit import audit, denial, rule
from test_audit import real_records as real_records_of_the_audit

from claimaudit import audit as audit_pkg
from claimaudit.audit import (
    EVIDENCE_SOURCES,
    EvidenceSource,
    EvidenceSpec,
    Strength,
    _evidence_sources,
    load_rule_file,
    load_rules,
)
from claimaudit.audit._findings import WORKING_TEMPLATES, say
from claimaudit.audit._gather import TOR_FALLBACK, Finding
from claimaudit.audit._options import REQUIRED, strings
from claimaudit.audit._verdict import Evidence
from claimaudit.errors import RuleError
from claimaudit.report import _evidence, _transparency
from support.rules import EVIDENCE_RULE_FILE

SRC = Path(audit_pkg.__file__).resolve().parents[1]
REGISTRY = Path(_evidence_sources.__file__).resolve()


@pytest.fixture
def real_records():
    return [dict(r) for r in real_records_of_the_audit()]


def test_every_entry_is_consulted_by_a_shipped_rule_and_every_rule_source_has_an_entry():
    used = {spec.source for r in load_rules() for spec in r.evidence}
    assert used == set(EVIDENCE_SOURCES)


def test_an_entry_is_keyed_by_its_own_key_and_names_what_it_reads():
    for key, source in EVIDENCE_SOURCES.items():
        assert source.key == key
        assert source.name and source.words and source.gather
        if source.reads and len(source.reads) == 2:  # a pinned file: name/resource
            assert source.name == "/".join(source.reads)
        if source.reads and len(source.reads) == 1:  # a curated dataset
            assert source.name == f"datasets/{source.reads[0]}"


def _string_constants(path: Path) -> list[tuple[int, str]]:
    return [
        (node.lineno, node.value)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def test_a_sources_name_and_words_are_written_only_in_its_entry():
    """Nothing else spells ``ooni_api/aggregation`` or 'OONI network measurements': readers take
    them from the registry (``EVIDENCE_SOURCES[key].name``), so an entry is the only change."""
    defined = {s.name for s in EVIDENCE_SOURCES.values()}
    defined |= {s.words for s in EVIDENCE_SOURCES.values()} | {s.label for s in EVIDENCE_SOURCES.values() if s.label}
    found = [
        f"{path.relative_to(SRC)}:{line}: {value!r}"
        for path in sorted(SRC.rglob("*.py"))
        if path.resolve() != REGISTRY
        for line, value in _string_constants(path)
        if value in defined
    ]
    assert found == []


def test_every_source_a_reader_can_meet_has_words():
    for source in EVIDENCE_SOURCES.values():
        assert _transparency.SOURCE_WORDS[source.name] == source.words
        if source.label:
            assert _evidence.SOURCE_LABELS[source.name] == source.label


def _synthetic_gatherer(source, options, start, end, provider, params):
    evidence = source.item(window_start=start, window_end=end, n=3, observes="blocking")
    return Finding(evidence, say("synthetic.observed", source=source.name, what=options["what"]), "blocking")


SYNTHETIC = EvidenceSource(
    key="synthetic_source",
    name="synthetic/observations",
    words="synthetic observations",
    strength=Strength.DIRECT_MEASUREMENT,
    kind="live",  # a service, though its name has none of the live services' prefixes
    options={"what": (strings, REQUIRED)},
    gather=_synthetic_gatherer,
)


def test_adding_a_source_is_adding_its_entry(monkeypatch, tmp_path):
    monkeypatch.setitem(EVIDENCE_SOURCES, SYNTHETIC.key, SYNTHETIC)
    # (and the templates its gatherer's steps name)
    monkeypatch.setitem(WORKING_TEMPLATES, "synthetic.observed", "{source}: synthetic finding of {what}")
    path = tmp_path / "synthetic.yml"
    path.write_text(
        textwrap.dedent(EVIDENCE_RULE_FILE.format(source=SYNTHETIC.key, option="what: [probes]")), encoding="utf-8"
    )
    [loaded] = load_rule_file(path)
    assert loaded.evidence[0].options["what"] == ["probes"]
    # the option schema is the entry's: a missing required option is refused with its line
    path.write_text(EVIDENCE_RULE_FILE.format(source=SYNTHETIC.key, option=""), encoding="utf-8")
    with pytest.raises(RuleError, match=r"evidence\.synthetic_source\.what is required"):
        load_rule_file(path)
    # and the audit dispatches to its gatherer, its evidence item carries its name
    spec = EvidenceSpec(source=SYNTHETIC.key, options={"what": ["probes"], "strength": None})
    [verdict] = audit(
        denial(), rule("evidence_vs_assertion", polarity={"vpns_not_blocked": "denies_blocking"}, evidence=[spec])
    )
    assert "synthetic/observations" in [e.source for e in verdict.evidence]
    # its items' kind is the entry's, not guessed from the name
    [item] = [e for e in verdict.to_dict()["evidence"] if e["source"] == "synthetic/observations"]
    assert item["kind"] == "live"
    assert verdict.status == "contradicted"
    assert "(1) synthetic/observations: synthetic finding of probes." in verdict.explanation


def test_removing_a_source_makes_the_rule_files_that_name_it_fail_at_their_line(monkeypatch):
    monkeypatch.delitem(EVIDENCE_SOURCES, "tor_users")
    with pytest.raises(RuleError, match="unknown evidence source 'tor_users'") as caught:
        load_rules()
    assert caught.value.file.endswith("vpn-blocking.yml") and caught.value.line is not None
    assert "tor_users" not in caught.value.hint


def test_an_entry_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        EVIDENCE_SOURCES["ooni_aggregation"].name = "synthetic"  # type: ignore[misc]


def test_an_items_kind_is_its_sources_entry(real_records):
    """Every evidence item of the real audit has the kind of the registry entry that made it (the
    Tor fallback, a pinned file, says so itself); the audit's own items are datasets."""
    by_name = {s.name: s.kind for s in EVIDENCE_SOURCES.values()}
    seen = set()
    for record in real_records:
        for item in record["evidence"]:
            expected = by_name.get(item["source"])
            if expected is None:
                expected = "pinned" if item["source"] == "/".join(TOR_FALLBACK) else "dataset"
                assert expected == "pinned" or item["source"].startswith("datasets/"), item["source"]
            assert item["kind"] == expected, (record["verdict_id"], item["source"], item["kind"])
            seen.add(item["kind"])
    assert seen == {"dataset", "pinned", "live"}


def test_a_kind_outside_the_three_is_refused():
    with pytest.raises(ValueError, match="kind 'remote'"):
        dataclasses.replace(SYNTHETIC, kind="remote")
    with pytest.raises(ValueError, match="evidence kind 'remote'"):
        Evidence(source="datasets/claims", kind="remote")
    with pytest.raises(TypeError, match="a step"):
        Evidence(source="datasets/claims", note="prose")
