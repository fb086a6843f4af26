"""Rule files: the shipped ones load; malformed ones fail naming file, line and key (API and CLI)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from claimaudit import datasets
from claimaudit.audit import KINDS, load_rule_file, load_rules, rules_dir
from claimaudit.cli import app
from claimaudit.errors import RuleError

GOOD = """\
rules:
  - id: synthetic-series
    kind: series_consistency
    title: synthetic
    select:
      subject: url_blocking
      kind: [count]
    params:
      about_tolerance: 0.05
"""


def write(tmp_path: Path, text: str, name: str = "synthetic.yml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def test_the_shipped_rule_files_load_and_cover_every_kind():
    rules = load_rules(rules_dir())
    files = {Path(r.file).name for r in rules}
    assert {
        "url-blocking.yml",
        "gateway-attempts.yml",
        "vpn-registration.yml",
        "vpn-blocking.yml",
        "platform-blocks.yml",
    } <= files
    assert {r.kind for r in rules} == set(KINDS)
    assert len({r.id for r in rules}) == len(rules)


def test_a_valid_file_fills_in_defaults_and_keeps_the_line(tmp_path):
    rule = load_rule_file(write(tmp_path, GOOD))[0]
    assert rule.line == 2 and rule.params["headline_bound_ratio"] == 0.9
    assert rule.select.fields == {"subject": ("url_blocking",), "kind": ("count",)}


@pytest.mark.parametrize(
    ("text", "line", "key", "words"),
    [
        (
            GOOD.replace("    title: synthetic\n", "    title: synthetic\n    colour: red\n"),
            5,
            "colour",
            "unknown rule key",
        ),
        (
            GOOD.replace("about_tolerance: 0.05", "about_tolerance: five"),
            9,
            "params.about_tolerance",
            "must be a number",
        ),
        (GOOD.replace("about_tolerance: 0.05", "tolerance_about: 0.05"), 9, "params.tolerance_about", "unknown key"),
        (GOOD.replace("kind: series_consistency", "kind: vibes"), 3, "kind", "unknown rule kind"),
        (GOOD.replace("subject: url_blocking", "subject: url_blockin"), 6, "select.subject", "not a known subject"),
        (GOOD.replace("subject: url_blocking", "subjet: url_blocking"), 6, "select.subjet", "unknown selector"),
        (GOOD.replace("    title: synthetic\n", ""), 2, "title", "missing 'title'"),
        (GOOD.replace("kind: [count]", "kind: [count]\n      kind: [ratio]"), 8, "kind", "appears twice"),
        (GOOD + "    evidence:\n      - source: signals\n", 10, "evidence", "takes no `evidence:`"),
    ],
)
def test_a_malformed_rule_names_file_line_and_key(tmp_path, text, line, key, words):
    path = write(tmp_path, text)
    with pytest.raises(RuleError) as info:
        load_rule_file(path)
    error = info.value
    assert error.file.endswith("synthetic.yml") and error.line == line and error.key == key
    assert words in str(error)
    assert f"line {line}" in str(error) and f"key {key!r}" in str(error)


def test_bad_yaml_names_the_line(tmp_path):
    path = write(tmp_path, "rules:\n  - id: x\n    kind: [unclosed\n")
    with pytest.raises(RuleError) as info:
        load_rule_file(path)
    assert info.value.line is not None and info.value.line >= 3 and "not valid YAML" in str(info.value)


def test_a_control_character_names_the_line_instead_of_a_traceback(tmp_path):
    path = write(tmp_path, "rules:\n  - id: x\n    title: synthetic\x07\n")
    with pytest.raises(RuleError) as info:
        load_rule_file(path)
    assert info.value.line == 3 and "not allowed" in str(info.value) and "cat -A" in str(info.value)


def test_evidence_rules_need_a_polarity_and_known_sources(tmp_path):
    base = """\
    rules:
      - id: synthetic-evidence
        kind: evidence_vs_assertion
        title: synthetic
        select: {kind: assertion}
        params:
          polarity: {vpns_not_blocked: denies_blocking}
        evidence:
          - source: carrier_pigeons
    """
    with pytest.raises(RuleError, match="unknown evidence source 'carrier_pigeons'") as info:
        load_rule_file(write(tmp_path, base))
    assert info.value.line == 9 and info.value.key == "evidence.source"
    without = base.replace("        params:\n          polarity: {vpns_not_blocked: denies_blocking}\n", "")
    with pytest.raises(RuleError, match="params.polarity is required"):
        load_rule_file(
            write(tmp_path, without.replace("carrier_pigeons", "signals\n            subjects: [vpn_outage]"))
        )


def test_duplicate_ids_across_files_are_refused(tmp_path):
    write(tmp_path, GOOD, "a.yml")
    write(tmp_path, GOOD, "b.yml")
    with pytest.raises(RuleError, match="already used in"):
        load_rules(tmp_path)


def test_a_rules_folder_without_rule_files_is_refused_not_audited_as_nothing(tmp_path):
    with pytest.raises(RuleError, match=r"no rule files \(\*\.yml\)") as info:
        load_rules(tmp_path)
    assert info.value.file == str(tmp_path) and "checks/claims" in info.value.hint


def test_the_cli_exits_non_zero_naming_file_line_and_key(tmp_path):
    write(tmp_path, GOOD.replace("about_tolerance: 0.05", "about_tolerance: [1, 2]"))
    result = CliRunner().invoke(app, ["audit", "--rules", str(tmp_path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "synthetic.yml" in result.output and "line 9" in result.output and "params.about_tolerance" in result.output
    assert not (tmp_path / "out").exists()


def test_the_public_api_is_sorted_and_complete():
    import claimaudit.audit as audit

    assert audit.__all__ == sorted(audit.__all__)
    public = {
        name for name in dir(audit) if not name.startswith("_") and not isinstance(getattr(audit, name), type(audit))
    }
    assert public == set(audit.__all__)


def test_selector_values_come_from_the_ledgers_datapackage(tmp_path, monkeypatch):
    """The enums a selector is checked against are the claims datapackage's, not a copy in code:
    a value the descriptor adds is accepted, one it drops is refused with the file, line and key."""
    import json

    from claimaudit.audit._vocab import claim_enums

    assert claim_enums()["venue"] == frozenset(
        next(f for f in datasets.read_package("claims").resource("claims")["schema"]["fields"] if f["name"] == "venue")[
            "constraints"
        ]["enum"]
    )
    root = tmp_path / "datasets"
    (root / "claims").mkdir(parents=True)
    descriptor = {
        "resources": [
            {
                "name": "claims",
                "path": "claims.csv",
                "schema": {
                    "fields": [
                        {"name": "venue", "type": "string", "constraints": {"enum": ["synthetic_hearing"]}},
                        {"name": "subject", "type": "string", "constraints": {"enum": ["url_blocking"]}},
                        {"name": "kind", "type": "string", "constraints": {"enum": ["count"]}},
                    ]
                },
            }
        ]
    }
    (root / "claims" / "datapackage.json").write_text(json.dumps(descriptor), encoding="utf-8")
    rule_text = GOOD.replace("subject: url_blocking", "venue: synthetic_hearing")
    with pytest.raises(RuleError, match="not a known venue"):
        load_rule_file(write(tmp_path, rule_text))
    monkeypatch.setenv("CLAIMAUDIT_DATASETS", str(root))
    assert load_rule_file(write(tmp_path, rule_text))[0].select.fields["venue"] == ("synthetic_hearing",)
    dropped = GOOD.replace("subject: url_blocking", "venue: press_statement")  # in the real ledger, not here
    with pytest.raises(RuleError, match="'press_statement' is not a known venue") as caught:
        load_rule_file(write(tmp_path, dropped))
    assert caught.value.line is not None and caught.value.key == "select.venue"


# --------------------------------------------------------------------------- issue 13


@pytest.mark.parametrize(
    ("old", "new", "line", "key", "words"),
    [
        (
            "      kind: [count]\n",
            "      kind: [count]\n      date_from: 2024-13-45\n",
            8,
            "select.date_from",
            "valid date",
        ),
        (
            "      about_tolerance: 0.05\n",
            "      about_tolerance: 0.05\n      headline_bound_ratio: 2024-02-30\n",
            10,
            "params.headline_bound_ratio",
            "valid date",
        ),
        (
            "      about_tolerance: 0.05\n",
            "      about_tolerance: -0.05\n",
            9,
            "params.about_tolerance",
            "zero or more",
        ),
        (
            "      about_tolerance: 0.05\n",
            "      bracket_slack_days: -3\n",
            9,
            "params.bracket_slack_days",
            "zero or more",
        ),
        (
            "      kind: [count]\n",
            "      kind: [count]\n      date_from: 2024-12-01\n      date_to: 2024-01-01\n",
            8,
            "select.date_from",
            "after",
        ),
    ],
)
def test_bad_dates_order_and_negative_tolerances_are_rule_errors(tmp_path, old, new, line, key, words):
    path = write(tmp_path, GOOD.replace(old, new))
    with pytest.raises(RuleError) as info:
        load_rule_file(path)
    assert (info.value.line, info.value.key) == (line, key), str(info.value)
    assert words in str(info.value) and "synthetic.yml" in str(info.value)


def test_an_evidence_window_start_that_is_not_a_calendar_date_is_a_rule_error(tmp_path):
    text = (rules_dir() / "vpn-blocking.yml").read_text(encoding="utf-8")
    assert "window_start: 2024-" in text, "test set-up: the shipped file no longer sets window_start"
    import re

    write(tmp_path, re.sub(r"window_start: 2024-\d\d-\d\d", "window_start: 2024-02-30", text, count=1))
    result = CliRunner().invoke(app, ["audit", "--rules", str(tmp_path), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "params.window_start" in result.output and "'2024-02-30'" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("key", ["claim_ids", "exclude_claim_ids", "statement_ids"])
def test_a_rule_naming_an_unknown_claim_id_is_a_rule_error(tmp_path, key):
    from claimaudit.audit import run_audit

    text = GOOD.replace("      kind: [count]\n", f"      kind: [count]\n      {key}: [synthetic-no-such-claim]\n")
    write(tmp_path, text)
    with pytest.raises(RuleError) as info:
        run_audit(rules_dir=tmp_path, offline=True)
    assert info.value.key == f"select.{key}" and info.value.line == 8
    assert "synthetic-no-such-claim" in str(info.value) and "not a" in str(info.value)


BOMB = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
rules: [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_a_yaml_alias_bomb_is_refused_before_it_expands_with_a_short_message(tmp_path, monkeypatch):
    from claimaudit import _yaml

    walked = []
    real = _yaml.expanded_size
    monkeypatch.setattr(
        _yaml, "expanded_size", lambda root, limit=_yaml.MAX_NODES: walked.append(1) or real(root, limit)
    )
    write(tmp_path, BOMB)
    result = CliRunner().invoke(app, ["audit", "--rules", str(tmp_path), "--out", str(tmp_path / "out")])
    assert walked, "the expansion check ran on the composed graph"
    assert result.exit_code == 2 and "aliases" in result.output
    assert len(result.output) < 2000


def test_an_alias_bomb_in_a_quality_suite_is_a_suite_error(tmp_path, monkeypatch):
    (tmp_path / "quality").mkdir()
    (tmp_path / "quality" / "synthetic.yml").write_text(BOMB.replace("rules:", "expectations:"), encoding="utf-8")
    monkeypatch.setenv("CLAIMAUDIT_CHECKS", str(tmp_path))
    result = CliRunner().invoke(app, ["check", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "aliases" in result.output and len(result.output) < 5000
