"""Audit rules as data: read ``checks/claims/*.yml`` strictly, keeping line numbers.

>>> rules = load_rules()                              # doctest: +SKIP
>>> rules[0].id, rules[0].kind                        # doctest: +SKIP
('gateway-attempts-plausibility', 'plausibility')

A rule file holds ``rules:``, a list of mappings with keys ``id``, ``kind``, ``title``,
``select``, ``params`` and (for evidence rules) ``evidence``. Anything unknown, mistyped or
misspelt raises :class:`~claimaudit.errors.RuleError` naming the file, line and key.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from claimaudit import _yaml, paths
from claimaudit.audit._vocab import (
    BASELINE_METRICS,
    CLAIM_ENUMS,
    CLAIM_FREE_FIELDS,
    EVIDENCE_KINDS,
    SIGNAL_SUBJECTS,
    claim_enums,
)
from claimaudit.errors import RuleError

KINDS = (
    "evidence_vs_assertion",
    "opposite_assertions",
    "plausibility",
    "report_agreement",
    "series_consistency",
    "unit_drift",
)
RULE_KEYS = {"id", "kind", "title", "description", "select", "params", "evidence"}
SELECT_KEYS = sorted(
    set(CLAIM_ENUMS) | CLAIM_FREE_FIELDS | {"claim_ids", "statement_ids", "exclude_claim_ids", "date_from", "date_to"}
)
EVIDENCE_SOURCES = (
    "events",
    "google_trends_vpn",
    "ooni_aggregation",
    "ooni_corpus",
    "ooni_findings",
    "signals",
    "tor_users",
)
EVENT_KINDS = ("platform_block", "shutdown", "vpn_disruption", "statement", "directive", "deadline", "report", "policy")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Selector:
    """Which claims a rule looks at: every listed field must match one of its values."""

    fields: dict[str, tuple[str, ...]] = field(default_factory=dict)
    exclude_claim_ids: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    lines: dict[str, int] = field(default_factory=dict, compare=False, hash=False)  # selector key -> file line


@dataclass(frozen=True)
class EvidenceSpec:
    """One independent source an evidence rule consults, with its options."""

    source: str
    options: dict[str, Any]
    line: int | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    title: str
    select: Selector
    params: dict[str, Any]
    evidence: tuple[EvidenceSpec, ...] = ()
    description: str | None = None
    file: str | None = None
    line: int | None = None


# --------------------------------------------------------------------------- parameter schemas
# A parameter is (checker, default); ``_REQUIRED`` marks one the rule must give.
_REQUIRED = object()


def _number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _strs(v: Any) -> bool:
    return isinstance(v, list) and all(isinstance(x, str) for x in v)


def _choice(*choices: str) -> Callable[[Any], bool]:
    def check(v: Any) -> bool:
        return isinstance(v, str) and v in choices

    check.__doc__ = "one of " + ", ".join(choices)
    return check


def _subset(*choices: str) -> Callable[[Any], bool]:
    def check(v: Any) -> bool:
        return _strs(v) and all(x in choices for x in v)

    check.__doc__ = "a list drawn from " + ", ".join(choices)
    return check


def _polarity(v: Any) -> bool:
    return isinstance(v, dict) and all(
        isinstance(k, str) and v_ in ("denies_blocking", "affirms_blocking", "affirms_unblocking")
        for k, v_ in v.items()
    )


_polarity.__doc__ = "a mapping assertion -> denies_blocking | affirms_blocking | affirms_unblocking"
_number.__doc__ = "a number"


def _nonneg(v: Any) -> bool:
    return _number(v) and v >= 0


def _nonneg_int(v: Any) -> bool:
    return _int(v) and v >= 0


_nonneg.__doc__ = "a number, zero or more"
_nonneg_int.__doc__ = "a whole number, zero or more"
_int.__doc__ = "a whole number"
_strs.__doc__ = "a list of strings"


def _bool(v: Any) -> bool:
    return isinstance(v, bool)


_bool.__doc__ = "true or false"


def _date(v: Any) -> bool:
    return isinstance(v, dt.date) and not isinstance(v, dt.datetime)


_date.__doc__ = "a date YYYY-MM-DD"

PARAMS: dict[str, dict[str, tuple[Callable[[Any], bool], Any]]] = {
    "series_consistency": {
        "checks": (
            _subset("monotone", "additions", "ordering", "parts", "rates"),
            ["monotone", "additions", "ordering", "parts", "rates"],
        ),
        "about_tolerance": (_nonneg, 0.05),
        "addition_tolerance": (_nonneg, 0.05),
        "parts_tolerance": (_nonneg, 0.0),
        "bracket_slack_days": (_nonneg_int, 45),
        "approx_date_days": (_nonneg_int, 15),
        "headline_lower_bound_conflicts": (_bool, False),
        "headline_bound_ratio": (_nonneg, 0.9),
        "naive_fall_min_ratio": (_nonneg, 0.5),
        "group_by": (_subset("metric", "unit", "scope", "verb"), []),
        "since_is_series_start": (_bool, False),
    },
    "report_agreement": {
        "same": (
            _subset("statement_id", "statement_date", "authority", "metric", "category", "scope", "unit", "period"),
            ["statement_id", "metric", "category", "scope", "period"],
        ),
        "about_tolerance": (_nonneg, 0.05),
        "bounds_agree": (_bool, False),
    },
    "unit_drift": {
        "window_days": (_nonneg_int, 30),
        "dimensions": (_subset("unit", "period", "metric", "verb", "category"), ["unit", "period", "metric"]),
    },
    "plausibility": {
        "per": (_subset(*sorted(BASELINE_METRICS)), _REQUIRED),
        "max_ratio": (_nonneg, _REQUIRED),
        "max_gap_days": (_nonneg_int, 400),
    },
    "opposite_assertions": {
        "polarity": (_polarity, _REQUIRED),
        "window_days": (_nonneg_int, 7),
        "lookback_days": (_nonneg_int, None),
        "lookahead_days": (_nonneg_int, None),
        "same_authority": (_bool, False),
        "min_confidence": (_choice("low", "medium", "high"), "low"),
        "judge_claim_ids": (_strs, []),
    },
    "evidence_vs_assertion": {
        "polarity": (_polarity, _REQUIRED),
        "lookback_days": (_nonneg_int, 30),
        "lookahead_days": (_nonneg_int, 30),
        "window_start": (_date, None),
        "min_strength": (_choice(*EVIDENCE_KINDS), "third_party_observation"),
        "min_measurements": (_nonneg_int, 30),
        "min_networks": (_nonneg_int, 2),
        "anomaly_threshold": (_nonneg, 0.1),
        "min_network_measurements": (_nonneg_int, 5),
        "spike_ratio": (_nonneg, 2.0),
        "baseline_days": (_nonneg_int, 28),
    },
}

EVIDENCE_OPTIONS: dict[str, dict[str, tuple[Callable[[Any], bool], Any]]] = {
    "ooni_aggregation": {
        "test_names": (_strs, _REQUIRED),
        "probe_cc": (_choice("PK"), "PK"),
        "domains": (_strs, []),
    },
    "ooni_corpus": {
        "test_names": (_strs, _REQUIRED),
        "probe_cc": (_choice("PK"), "PK"),
        "domains": (_strs, []),
    },
    "ooni_findings": {"domains": (_strs, []), "test_names": (_strs, []), "title_contains": (_strs, [])},
    "tor_users": {"country": (_choice("pk"), "pk")},
    "google_trends_vpn": {"resource": (_choice("pk"), "pk")},
    "events": {
        "kinds": (_subset(*EVENT_KINDS), _REQUIRED),
        "shows": (_choice("blocking", "context"), "blocking"),
    },
    "signals": {
        "subjects": (_subset(*sorted(SIGNAL_SUBJECTS)), _REQUIRED),
        "signals": (_strs, []),
        "shows": (_choice("blocking", "context"), "blocking"),
    },
}
_STRENGTH_OPTION = (_choice(*EVIDENCE_KINDS), None)


# --------------------------------------------------------------------------- loading


def brief(value: Any, limit: int = 80) -> str:
    """A value as shown in an error message: its repr, cut short (never a whole large value)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def rules_dir() -> Path:
    """The default folder of rule files: ``checks/claims``."""
    return paths.checks_dir() / "claims"


def load_rules(directory: str | Path | None = None) -> list[Rule]:
    """Every rule in ``directory/*.yml`` (sorted by file name), validated.

    Rule ids must be unique across files.
    """
    directory = Path(directory) if directory is not None else rules_dir()
    if not directory.is_dir():
        raise RuleError(
            "rules folder does not exist", file=directory, hint="pass --rules DIR pointing at checks/claims"
        )
    files = sorted(directory.glob("*.yml")) + sorted(directory.glob("*.yaml"))
    if not files:
        raise RuleError(
            "no rule files (*.yml) in the rules folder: nothing would be audited",
            file=directory,
            hint="pass --rules DIR pointing at checks/claims, or add a rule file (see checks/claims/README.md)",
        )
    rules: list[Rule] = []
    seen: dict[str, Rule] = {}
    for file in files:
        for rule in load_rule_file(file):
            if rule.id in seen:
                first = seen[rule.id]
                raise RuleError(
                    f"rule id {rule.id!r} is already used in {first.file} line {first.line}",
                    file=rule.file,
                    line=rule.line,
                    key="id",
                    hint="give each rule a unique id",
                )
            seen[rule.id] = rule
            rules.append(rule)
    return rules


def load_rule_file(file: str | Path) -> list[Rule]:
    """The rules of one YAML file, validated strictly."""
    file = Path(file)
    shown = _shown(file)
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise RuleError(f"not valid UTF-8 ({exc.reason})", file=shown, hint="save the file as UTF-8") from None
    try:
        root = _yaml.compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise RuleError(
            f"not valid YAML: {exc.problem or exc.context}",
            file=shown,
            line=mark.line + 1 if mark else None,
            hint="fix the YAML syntax (indentation, a missing colon or an unclosed quote)",
        ) from None
    except _yaml.ExpansionError as exc:
        raise RuleError(str(exc), file=shown, hint="write the values out instead of nesting aliases") from None
    except yaml.reader.ReaderError as exc:  # a control character: YAML allows none
        raise RuleError(
            f"not valid YAML: control character U+{exc.character:04X} is not allowed",
            file=shown,
            line=text[: exc.position].count("\n") + 1,
            hint="delete the control character (it is often invisible; `cat -A` shows it)",
        ) from None
    if root is None:
        raise RuleError("file is empty", file=shown, hint="add `rules:` with a list of rules, or delete the file")
    doc = _Doc(shown)
    top = doc.mapping(root, "(top level)")
    unknown = set(top) - {"rules"}
    if unknown:
        key = sorted(unknown)[0]
        raise RuleError(
            f"unknown top-level key {key!r}",
            file=shown,
            line=top[key][0].start_mark.line + 1,
            key=key,
            hint="a rule file holds one key, `rules:`, with a list of rules",
        )
    if "rules" not in top:
        raise RuleError("missing `rules:`", file=shown, line=1, key="rules", hint="add `rules:` with a list of rules")
    key_node, rules_node = top["rules"]
    if not isinstance(rules_node, yaml.SequenceNode):
        raise RuleError(
            "`rules` must be a list of rules",
            file=shown,
            line=rules_node.start_mark.line + 1,
            key="rules",
            hint="start each rule with `- id: ...`",
        )
    return [doc.rule(node) for node in rules_node.value]


class _Doc:
    """Turns YAML nodes into validated rule objects, keeping line numbers for errors."""

    def __init__(self, file: str) -> None:
        self.file = file
        self._scalars = yaml.constructor.SafeConstructor()

    def fail(self, node: yaml.Node, key: str, problem: str, hint: str | None = None) -> RuleError:
        return RuleError(problem, file=self.file, line=node.start_mark.line + 1, key=key, hint=hint)

    def mapping(self, node: yaml.Node, key: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, key, f"{key!r} must be a mapping of `key: value` lines")
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for k, v in node.value:
            name = self.value(k, key)
            if not isinstance(name, str):
                raise self.fail(k, str(name), f"keys under {key!r} must be names")
            if name in out:
                raise self.fail(k, name, f"key {name!r} appears twice", hint="keep one of them")
            out[name] = (k, v)
        return out

    def value(self, node: yaml.Node, key: str) -> Any:
        if isinstance(node, yaml.ScalarNode):
            try:
                return self._scalars.construct_object(node)
            except (ValueError, OverflowError, yaml.constructor.ConstructorError) as exc:
                # YAML reads 2024-13-45 as a timestamp and the calendar refuses it
                raise self.fail(
                    node,
                    key,
                    f"{brief(node.value)} is not a valid date or value ({exc})",
                    hint="write a real calendar date as YYYY-MM-DD",
                ) from None
        if isinstance(node, yaml.SequenceNode):
            return [self.value(n, key) for n in node.value]
        return {k: self.value(v, f"{key}.{k}") for k, (_, v) in self.mapping(node, key).items()}

    def rule(self, node: yaml.Node) -> Rule:
        m = self.mapping(node, "rule")
        line = node.start_mark.line + 1
        for k, (kn, _) in m.items():
            if k not in RULE_KEYS:
                raise self.fail(kn, k, f"unknown rule key {k!r}", hint=f"use one of: {', '.join(sorted(RULE_KEYS))}")
        for required in ("id", "kind", "title", "select"):
            if required not in m:
                raise RuleError(
                    f"rule is missing {required!r}",
                    file=self.file,
                    line=line,
                    key=required,
                    hint=f"add `{required}:` to the rule starting on line {line}",
                )
        rid = self.string(m["id"][1], "id")
        if not _ID.match(rid):
            raise self.fail(
                m["id"][1],
                "id",
                f"rule id {rid!r} must match {_ID.pattern}",
                hint="use lower-case letters, digits and hyphens",
            )
        kind = self.string(m["kind"][1], "kind")
        if kind not in KINDS:
            raise self.fail(m["kind"][1], "kind", f"unknown rule kind {kind!r}", hint=f"use one of: {', '.join(KINDS)}")
        title = self.string(m["title"][1], "title")
        description = self.string(m["description"][1], "description") if "description" in m else None
        select = self.selector(m["select"][1])
        params_node = m["params"][1] if "params" in m else None
        params = self.options(params_node, PARAMS[kind], "params", line)
        evidence: tuple[EvidenceSpec, ...] = ()
        if kind == "evidence_vs_assertion":
            if "evidence" not in m:
                raise RuleError(
                    "an evidence_vs_assertion rule needs `evidence:`",
                    file=self.file,
                    line=line,
                    key="evidence",
                    hint=f"list sources: {', '.join(EVIDENCE_SOURCES)}",
                )
            evidence = self.evidence(m["evidence"][1])
        elif "evidence" in m:
            raise self.fail(
                m["evidence"][0],
                "evidence",
                f"rule kind {kind!r} takes no `evidence:`",
                hint="remove it, or use kind evidence_vs_assertion",
            )
        return Rule(
            id=rid,
            kind=kind,
            title=title,
            select=select,
            params=params,
            evidence=evidence,
            description=description,
            file=self.file,
            line=line,
        )

    def string(self, node: yaml.Node, key: str) -> str:
        v = self.value(node, key)
        if not isinstance(v, str) or not v.strip():
            raise self.fail(node, key, f"{key!r} must be non-empty text, found {brief(v)}")
        return v

    def selector(self, node: yaml.Node) -> Selector:
        m = self.mapping(node, "select")
        fields: dict[str, tuple[str, ...]] = {}
        exclude: tuple[str, ...] = ()
        date_from = date_to = None
        lines: dict[str, int] = {}
        for k, (kn, vn) in m.items():
            if k not in SELECT_KEYS:
                raise self.fail(
                    kn, f"select.{k}", f"unknown selector {k!r}", hint=f"select by one of: {', '.join(SELECT_KEYS)}"
                )
            v = self.value(vn, f"select.{k}")
            if k in ("date_from", "date_to"):
                if not _date(v):
                    raise self.fail(vn, f"select.{k}", f"{k} must be a date YYYY-MM-DD, found {brief(v)}")
                date_from, date_to = (v, date_to) if k == "date_from" else (date_from, v)
                lines[k] = vn.start_mark.line + 1
                continue
            values = [v] if isinstance(v, str) else v
            if not _strs(values) or not values:
                raise self.fail(
                    vn, f"select.{k}", f"select.{k} must be a value or a non-empty list of values, found {brief(v)}"
                )
            lines[k] = vn.start_mark.line + 1
            if k == "exclude_claim_ids":
                exclude = tuple(values)
                continue
            name = {"claim_ids": "claim_id", "statement_ids": "statement_id"}.get(k, k)
            allowed = claim_enums().get(name)
            if allowed is not None:
                bad = [x for x in values if x not in allowed]
                if bad:
                    raise self.fail(
                        vn,
                        f"select.{k}",
                        f"{bad[0]!r} is not a known {name}",
                        hint=f"use one of: {', '.join(sorted(allowed))}",
                    )
            fields[name] = tuple(values)
        if date_from is not None and date_to is not None and date_from > date_to:
            raise RuleError(
                f"select.date_from {date_from} is after select.date_to {date_to}: no claim could match",
                file=self.file,
                line=lines.get("date_from"),
                key="select.date_from",
                hint="swap them, or correct the one that is wrong",
            )
        return Selector(fields=fields, exclude_claim_ids=exclude, date_from=date_from, date_to=date_to, lines=lines)

    def options(
        self, node: yaml.Node | None, schema: dict[str, tuple[Callable[[Any], bool], Any]], where: str, line: int
    ) -> dict[str, Any]:
        given = self.mapping(node, where) if node is not None else {}
        out: dict[str, Any] = {}
        for k, (kn, vn) in given.items():
            if k not in schema:
                raise self.fail(
                    kn,
                    f"{where}.{k}",
                    f"unknown key {k!r} in {where}",
                    hint=f"use one of: {', '.join(sorted(schema)) or '(none)'}",
                )
            check, _ = schema[k]
            v = self.value(vn, f"{where}.{k}")
            if not check(v):
                raise self.fail(vn, f"{where}.{k}", f"{where}.{k} must be {check.__doc__}, found {brief(v)}")
            out[k] = v
        for k, (_, default) in schema.items():
            if k not in out:
                if default is _REQUIRED:
                    raise RuleError(
                        f"{where}.{k} is required",
                        file=self.file,
                        line=(node.start_mark.line + 1) if node is not None else line,
                        key=f"{where}.{k}",
                        hint=f"add `{k}:` under `{where}:`",
                    )
                out[k] = default
        return out

    def evidence(self, node: yaml.Node) -> tuple[EvidenceSpec, ...]:
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            raise self.fail(node, "evidence", "`evidence` must be a non-empty list of `- source: ...` items")
        specs = []
        for item in node.value:
            m = self.mapping(item, "evidence")
            if "source" not in m:
                raise self.fail(
                    item,
                    "evidence.source",
                    "evidence item without `source:`",
                    hint=f"use one of: {', '.join(EVIDENCE_SOURCES)}",
                )
            source = self.string(m["source"][1], "evidence.source")
            if source not in EVIDENCE_SOURCES:
                raise self.fail(
                    m["source"][1],
                    "evidence.source",
                    f"unknown evidence source {source!r}",
                    hint=f"use one of: {', '.join(EVIDENCE_SOURCES)}",
                )
            schema = dict(EVIDENCE_OPTIONS[source], strength=_STRENGTH_OPTION)
            rest = yaml.MappingNode(
                "tag:yaml.org,2002:map",
                [(k, v) for k, v in item.value if self.value(k, "evidence") != "source"],
                start_mark=item.start_mark,
                end_mark=item.end_mark,
            )
            options = self.options(rest, schema, f"evidence.{source}", item.start_mark.line + 1)
            specs.append(EvidenceSpec(source=source, options=options, line=item.start_mark.line + 1))
        return tuple(specs)


def _shown(file: Path) -> str:
    try:
        return str(file.resolve().relative_to(paths.project_root()))
    except ValueError:
        return str(file)
