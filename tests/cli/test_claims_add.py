"""`claimaudit claims add` / `claims template`: checked before writing, errors point into the input.

Every test works on a temporary copy of datasets/ (CLAIMAUDIT_DATASETS); the claims added are
synthetic (made-up figures, example.org sources) and named so.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from claimaudit import datasets, paths
from claimaudit.cli import app
from claimaudit.pipeline import ledger as _ledger

REAL_DATASETS = paths.datasets_dir()

# A synthetic variant of the 2024-11-13 blasphemous-URL figure: same statement, made-up value.
SYNTHETIC = """\
# SYNTHETIC test claim: a made-up variant figure, never for the real ledger
claim:
  statement_id: pta-press-2024-11-13
  statement_date: 2024-11-13
  date_precision: day
  claimant: PTA
  authority: PTA
  venue: press_statement
  kind: count
  subject: url_blocking
  metric: items_blocked
  category: blasphemy
  category_as_stated: blasphemous content
  scope: all_content
  value: 100813
  qualifier: exact
  unit: urls
  verb: blocked
  period: cumulative
  wording: so far blocked
  summary: SYNTHETIC test variant of the blasphemous-URL figure.
  confidence: low
  notes: "research: none. SYNTHETIC test row."
sources:
  - url: https://example.org/synthetic-claim
    outlet: Synthetic Outlet
    publication_date: 2024-11-14
    publication_date_precision: day
    language: en
    figure_as_printed: "100,813"
    verification: search_verified
    verification_note: synthetic test source
"""
NEW_ID = "pta-2024-11-13-blasphemous-urls-blocked-100813"


def _with_required_columns(text: str) -> str:
    """Add a synthetic value for any required column the ledger gains later (e.g. a translation)."""
    descriptor = json.loads((REAL_DATASETS / "claims" / "datapackage.json").read_text(encoding="utf-8"))
    fields = {r["name"]: r["schema"]["fields"] for r in descriptor["resources"]}
    doc = yaml.safe_load(text)
    claim_extra = [
        f"  {f['name']}: SYNTHETIC test value\n"
        for f in fields["claims"]
        if f.get("constraints", {}).get("required") and f["name"] not in doc["claim"] and f["name"] != "claim_id"
    ]
    source_extra = [
        f"    {f['name']}: SYNTHETIC test value\n"
        for f in fields["sources"]
        if f.get("constraints", {}).get("required") and f["name"] not in doc["sources"][0] and f["name"] != "claim_id"
    ]
    head, tail = text.split("sources:\n", 1)
    return head + "".join(claim_extra) + "sources:\n" + tail + "".join(source_extra)


SYNTHETIC = _with_required_columns(SYNTHETIC)


@pytest.fixture
def ledger(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of datasets/ and reports/; returns the copy's claims folder."""
    root = tmp_path / "datasets"
    shutil.copytree(REAL_DATASETS, root)
    monkeypatch.setenv("CLAIMAUDIT_DATASETS", str(root))
    monkeypatch.setenv("CLAIMAUDIT_REPORTS", str(tmp_path / "reports"))
    monkeypatch.setenv("CLAIMAUDIT_CACHE", str(tmp_path / "cache"))
    return root / "claims"


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _write(tmp_path: Path, text: str, name: str = "synthetic-claim.yml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _position(text: str, needle: str) -> tuple[int, int]:
    """(line, column), 1-based, of the first occurrence of ``needle`` in ``text``."""
    before = text[: text.index(needle)]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def _add(*args: str) -> object:
    return CliRunner().invoke(app, ["claims", "add", *args])


# --------------------------------------------------------------------------- refused: nothing written


@pytest.mark.parametrize(
    ("old", "new", "needle", "expected"),
    [
        pytest.param(
            "  unit: urls\n",
            "  unit: webistes\n",
            "webistes",
            ["'webistes' is not one of", "did you mean 'websites'?", "(claim.unit)"],
            id="bad-enum",
        ),
        pytest.param(
            "  value: 100813\n",
            "  value: 100,813\n",
            "100,813\n",
            ["'100,813' is not a number", "(claim.value)"],
            id="thousands-separator",
        ),
        pytest.param(
            "  value: 100813\n",
            "  value: 100_813\n",
            "100_813",
            ["'100_813' is not a number"],
            id="yaml-1_000-stays-text",
        ),
        pytest.param("  value: 100813\n", "  value: inf\n", "inf", ["'inf' is not a number"], id="inf"),
        pytest.param(
            "  statement_date: 2024-11-13\n",
            "  statement_date: 2024-02-30\n",
            "2024-02-30",
            ["'2024-02-30' is not a valid date", "(claim.statement_date)"],
            id="impossible-date",
        ),
        pytest.param(
            "    language: en\n",
            "    language: english\n",
            "english",
            ["'english' is not one of en, ur", "(sources[1].language)"],
            id="bad-source-enum",
        ),
        pytest.param(
            "  verb: blocked\n",
            "  verb: blocked\n  figure: 3\n",
            "figure: 3",
            ["'figure' is not a column of claims.csv"],
            id="unknown-column",
        ),
        pytest.param(
            "  claimant: PTA\n", '  claimant: ""\n', '""', ["is required", "(claim.claimant)"], id="required-left-empty"
        ),
        pytest.param(
            "  - url: https://example.org/synthetic-claim\n",
            "  - url: example dot org\n",
            "example dot",
            ["is not a web address"],
            id="not-a-url",
        ),
    ],
)
def test_schema_errors_name_the_input_file_line_and_column(ledger, tmp_path, old, new, needle, expected):
    text = SYNTHETIC.replace(old, new)
    assert text != SYNTHETIC, "test set-up"
    path = _write(tmp_path, text)
    before = _snapshot(ledger)
    result = _add(str(path), "--no-audit")
    assert result.exit_code == 2, result.output
    line, col = _position(text, needle)
    assert f"{path}:{line}:{col}" in result.output
    for part in expected:
        assert part in result.output
    assert "nothing was written" in result.output
    assert _snapshot(ledger) == before


def test_a_claim_without_sources_is_refused(ledger, tmp_path):
    text = SYNTHETIC[: SYNTHETIC.index("sources:")] + "sources: []\n"
    before = _snapshot(ledger)
    result = _add(str(_write(tmp_path, text)), "--no-audit")
    assert result.exit_code == 2
    assert "no sources: every claim needs at least one" in result.output
    line, _ = _position(text, "sources: []")
    assert f":{line}:" in result.output
    assert _snapshot(ledger) == before
    # and with no sources key at all
    result = _add(str(_write(tmp_path, SYNTHETIC[: SYNTHETIC.index("sources:")])), "--no-audit")
    assert result.exit_code == 2 and "no sources" in result.output
    assert _snapshot(ledger) == before


def test_a_duplicate_id_or_a_repeated_claim_is_refused(ledger, tmp_path):
    before = _snapshot(ledger)
    rows = list(csv.DictReader(io.StringIO((ledger / "claims.csv").read_text(encoding="utf-8"))))
    taken = rows[3]["claim_id"]
    text = SYNTHETIC.replace("claim:\n", f"claim:\n  claim_id: {taken}\n")
    result = _add(str(_write(tmp_path, text)), "--no-audit")
    assert result.exit_code == 2
    assert f"claim_id {taken!r} already exists (claims.csv line 5)" in result.output
    line, col = _position(text, taken)
    assert f":{line}:{col} (claim.claim_id)" in result.output
    # The template is a real claim of the ledger: unchanged, it is the same claim again.
    template = _ledger.template()
    result = _add(str(_write(tmp_path, template, "template.yml")), "--no-audit")
    assert result.exit_code == 2
    assert "duplicate: claims.csv line" in result.output and "is the same claim" in result.output
    assert _snapshot(ledger) == before


def test_a_retired_id_is_never_given_to_a_new_claim(ledger, tmp_path):
    register = ledger / "claim_ids.csv"
    register.write_text(
        register.read_text(encoding="utf-8") + "synthetic-retired-id,some-claim,renamed\n", encoding="utf-8"
    )
    before = _snapshot(ledger)
    text = SYNTHETIC.replace("claim:\n", "claim:\n  claim_id: synthetic-retired-id\n")
    result = _add(str(_write(tmp_path, text)), "--no-audit")
    assert result.exit_code == 2
    assert "'synthetic-retired-id' was issued before (claim_ids.csv) and retired" in result.output
    assert _snapshot(ledger) == before


def test_a_claim_dated_in_the_future_is_refused_by_the_quality_suite(ledger, tmp_path):
    future = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    text = SYNTHETIC.replace("  statement_date: 2024-11-13\n", f"  statement_date: {future}\n")
    before = _snapshot(ledger)
    result = _add(str(_write(tmp_path, text)), "--no-audit")
    assert result.exit_code == 2, result.output
    line, col = _position(text, future)
    assert f":{line}:{col} (claim.statement_date)" in result.output
    assert "No claim is dated in the future" in result.output
    assert "checks/quality/claims.yml line" in result.output  # which rule, where
    assert _snapshot(ledger) == before


def test_a_yaml_syntax_error_points_at_its_line(ledger, tmp_path):
    text = SYNTHETIC.replace("  kind: count\n", "  kind: [count\n")
    result = _add(str(_write(tmp_path, text)), "--no-audit")
    assert result.exit_code == 2 and "not valid YAML" in result.output
    assert f"{tmp_path / 'synthetic-claim.yml'}:" in result.output


def test_without_a_file_and_without_a_terminal_it_says_what_to_give():
    result = _add()
    assert result.exit_code == 2
    assert "give a claim file" in result.output


# --------------------------------------------------------------------------- added


def _audit_dicts() -> list[dict]:
    from claimaudit.audit import run_audit

    return [v.to_dict() for v in run_audit(offline=True)]


def test_a_good_claim_is_appended_stamped_and_its_verdict_changes_printed(ledger, tmp_path):
    claims_before = (ledger / "claims.csv").read_text(encoding="utf-8")
    sources_before = (ledger / "sources.csv").read_text(encoding="utf-8")
    verdicts_before = _audit_dicts()

    result = _add(str(_write(tmp_path, SYNTHETIC)))
    assert result.exit_code == 0, result.output

    claims_after = (ledger / "claims.csv").read_text(encoding="utf-8")
    sources_after = (ledger / "sources.csv").read_text(encoding="utf-8")
    assert claims_after.startswith(claims_before) and sources_after.startswith(sources_before)  # appended, untouched
    new_claims = list(
        csv.DictReader(io.StringIO(claims_before.splitlines()[0] + "\n" + claims_after[len(claims_before) :]))
    )
    new_sources = list(
        csv.DictReader(io.StringIO(sources_before.splitlines()[0] + "\n" + sources_after[len(sources_before) :]))
    )
    assert [r["claim_id"] for r in new_claims] == [NEW_ID]
    assert new_claims[0]["value"] == "100813" and new_claims[0]["statement_date"] == "2024-11-13"
    assert [(r["claim_id"], r["url"], r["figure_as_printed"]) for r in new_sources] == [
        (NEW_ID, "https://example.org/synthetic-claim", "100,813")
    ]
    descriptor = json.loads((ledger / "datapackage.json").read_text(encoding="utf-8"))
    for res in descriptor["resources"]:
        data = (ledger / res["path"]).read_bytes()
        assert res["hash"] == "sha256:" + hashlib.sha256(data).hexdigest() and res["bytes"] == len(data)
    assert datasets.load("claims").height == len(claims_before.splitlines())  # loads, hash verified
    register = (ledger / "claim_ids.csv").read_text(encoding="utf-8")
    assert register.splitlines()[-1] == f"{NEW_ID},,", "a new id is registered with its claim"

    line = claims_before.count("\n") + 1
    assert f"claim_id: {NEW_ID} (proposed" in result.output
    assert f"claims.csv line {line}" in result.output

    # The printed changes are exactly the audit's before/after difference, and include every
    # verdict that now rests on the new claim.
    verdicts_after = _audit_dicts()
    expected = _ledger.diff_verdicts(verdicts_before, verdicts_after)
    assert expected, "the synthetic variant must change some verdict"
    assert f"{len(expected)} verdict change(s)" in result.output
    for change in expected:
        assert str(change).splitlines()[0] in result.output
    involving = [v for v in verdicts_after if NEW_ID in v["claim_ids"]]
    assert involving
    for verdict in involving:
        assert f"{verdict['rule_id']} [{', '.join(verdict['claim_ids'])}]" in result.output
    # The statement's report-agreement verdict grew by the new figure: changed, not new + gone.
    agreement = next(c for c in expected if c.rule_id == "url-blocking-report-agreement" and NEW_ID in c.claim_ids)
    assert agreement.change == "changed"
    assert agreement.before == next(
        v["verdict"]
        for v in verdicts_before
        if v["rule_id"] == "url-blocking-report-agreement"
        and set(v["claim_ids"]) == set(agreement.claim_ids) - {NEW_ID}
    )

    # Added once: the same file again is a duplicate.
    again = _add(str(_write(tmp_path, SYNTHETIC)), "--no-audit")
    assert again.exit_code == 2 and "duplicate" in again.output


def test_against_a_verdicts_file_and_dry_run_write_nothing(ledger, tmp_path):
    out = CliRunner().invoke(app, ["audit", "--out", str(tmp_path / "before")])
    assert out.exit_code == 0, out.output
    before = _snapshot(ledger)
    result = _add(
        str(_write(tmp_path, SYNTHETIC)), "--dry-run", "--against", str(tmp_path / "before" / "verdicts.json")
    )
    assert result.exit_code == 0, result.output
    assert "dry run: every check passed" in result.output
    assert "compared with" in result.output and "verdicts.json" in result.output
    assert NEW_ID in result.output
    assert _snapshot(ledger) == before


TOML = """\
# SYNTHETIC test claim in TOML
[claim]
claim_id = "synthetic-2024-11-13-toml"
statement_id = "pta-press-2024-11-13"
statement_date = 2024-11-13
date_precision = "day"
claimant = "PTA"
authority = "PTA"
venue = "press_statement"
kind = "count"
subject = "url_blocking"
metric = "items_blocked"
category = "blasphemy"
scope = "all_content"
value = 100318
qualifier = "exact"
unit = "urls"
verb = "blocked"
period = "cumulative"
wording = "so far blocked"
summary = "SYNTHETIC test claim written in TOML."
confidence = "low"

[[sources]]
url = "https://example.org/synthetic-toml"
outlet = "Synthetic Outlet"
publication_date = 2024-11-14
publication_date_precision = "day"
language = "en"
figure_as_printed = "100,318"
verification = "search_verified"
"""


def test_toml_input_is_checked_with_positions_and_added(ledger, tmp_path):
    bad = TOML.replace('verb = "blocked"', 'verb = "blockd"')
    result = _add(str(_write(tmp_path, bad, "claim.toml")), "--no-audit")
    assert result.exit_code == 2
    line, col = _position(bad, '"blockd"')
    assert f"claim.toml:{line}:{col} (claim.verb)" in result.output and "did you mean 'blocked'" in result.output
    result = _add(str(_write(tmp_path, TOML, "claim.toml")), "--no-audit")
    assert result.exit_code == 0, result.output
    rows = datasets.load("claims")
    assert rows.filter(rows["claim_id"] == "synthetic-2024-11-13-toml")["value"].to_list() == [100318.0]


def test_interactive_prompts_build_the_same_claim(ledger, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    package = datasets.read_package("claims")
    doc = yaml.safe_load(SYNTHETIC)
    answers = []
    for fld in package.resource("claims")["schema"]["fields"]:
        value = doc["claim"].get(fld["name"], "")
        answers.append(str(value))
    answers[answers.index("day")] = "dai"  # a wrong answer is asked again
    answers.insert(answers.index("dai") + 1, "day")
    for fld in package.resource("sources")["schema"]["fields"]:
        if fld["name"] != "claim_id":
            answers.append(str(doc["sources"][0].get(fld["name"], "")))
    answers.append("n")  # no second source
    result = CliRunner().invoke(app, ["claims", "add", "--interactive", "--no-audit"], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "date_precision 'dai' is not one of day, month" in result.output
    assert NEW_ID in result.output
    saved = tmp_path / "new-claim.yml"
    assert yaml.safe_load(saved.read_text(encoding="utf-8"))["claim"]["statement_id"] == "pta-press-2024-11-13"
    assert NEW_ID in datasets.load("claims")["claim_id"].to_list()


# --------------------------------------------------------------------------- template and ids


def test_template_explains_every_field_and_reads_back_as_the_ledger_row(ledger):
    text = CliRunner().invoke(app, ["claims", "template"]).output
    doc = yaml.safe_load(text)
    package = datasets.read_package("claims")
    lines = text.splitlines()
    for resource, mapping in (("claims", doc["claim"]), ("sources", doc["sources"][0])):
        for fld in package.resource(resource)["schema"]["fields"]:
            name = fld["name"]
            if name == "claim_id":
                assert any(line.strip().startswith("# claim_id:") for line in lines)
                continue
            assert name in mapping, name
            at = next(i for i, line in enumerate(lines) if line.strip().lstrip("- ").startswith(f"{name}:"))
            assert lines[at - 1].strip().startswith("#"), f"{name} has no explanation above it"
            assert any(f"# {name} (" in line for line in lines[max(0, at - 8) : at]), name
    entry = _ledger.parse_entry(text, "template.yml")
    rows = {r["claim_id"]: r for r in csv.DictReader(io.StringIO((ledger / "claims.csv").read_text(encoding="utf-8")))}
    matching = [r for r in rows.values() if all(r.get(k, "") == v for k, v in entry.claim.items())]
    assert len(matching) == 1  # every value reads back exactly as the ledger's cell


def test_proposed_ids_follow_the_ledgers_style_and_are_stable():
    claim = {
        "authority": "MoITT",
        "statement_date": "2025-02-24",
        "kind": "count",
        "category": "not_applicable",
        "unit": "providers",
        "verb": "licensed",
        "scope": "not_applicable",
        "value": "2",
    }
    first = _ledger.propose_claim_id(claim, set())
    assert first == "moitt-2025-02-24-providers-licensed"
    assert _ledger.propose_claim_id(dict(claim), set()) == first
    assert _ledger.propose_claim_id(claim, {first}) == f"{first}-2"
    claim["scope"] = "platform:x"
    claim["metric"] = "block_rate"
    assert _ledger.propose_claim_id(claim, set()) == "moitt-2025-02-24-x-block-rate"
