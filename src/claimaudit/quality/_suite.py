"""Suites: the YAML files in ``checks/quality/`` read into plain dataclasses.

>>> suite = load_suite(paths.checks_dir() / "quality" / "claims.yml")   # doctest: +SKIP
>>> suite.target.label, len(suite.expectations)                          # doctest: +SKIP
('claims/claims', 40)

Only the file's shape is checked here (keys, types, required arguments); whether an
expectation name exists in Great Expectations is checked when the suite runs, so reading a
suite never imports Great Expectations. The format is documented in ``checks/README.md``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from claimaudit import _yaml, paths
from claimaudit.errors import RuleError
from claimaudit.quality._vocabulary import PROJECT_EXPECTATIONS

__all__ = ["ExpectationSpec", "Suite", "Target", "discover_suites", "load_suite", "suites_dir"]

_LINE = "__line__"
_TOP_KEYS = {"dataset", "source", "resource", "description", "expectations"}
_OWN_KEYS = {"expect", "description", "severity", "when"}
SEVERITIES = ("critical", "warning")


@dataclass(frozen=True)
class Target:
    """What a suite checks: a curated dataset resource or a third-party source resource."""

    kind: Literal["dataset", "source"]
    name: str
    resource: str

    @property
    def label(self) -> str:
        """``claims/sources`` for a dataset, ``source:acsac-pakistan/tor-relay-users`` otherwise."""
        prefix = "" if self.kind == "dataset" else "source:"
        return f"{prefix}{self.name}/{self.resource}"

    def as_dict(self) -> dict[str, str]:
        return {self.kind: self.name, "resource": self.resource}


@dataclass(frozen=True)
class ExpectationSpec:
    """One entry of a suite's ``expectations`` list, as written."""

    expect: str
    description: str
    kwargs: dict[str, Any]
    severity: str = "critical"
    when: dict[str, list[Any]] | None = None
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"expect": self.expect, "description": self.description}
        out["kwargs"] = dict(self.kwargs)
        if self.when:
            out["kwargs"]["when"] = self.when
        out["severity"] = self.severity
        return out


@dataclass(frozen=True)
class Suite:
    name: str
    file: Path
    description: str
    target: Target
    expectations: tuple[ExpectationSpec, ...] = field(default_factory=tuple)


def suites_dir() -> Path:
    """``checks/quality`` (follows ``CLAIMAUDIT_CHECKS``)."""
    return paths.checks_dir() / "quality"


def discover_suites(names: list[str] | None = None, *, root: Path | None = None) -> list[Path]:
    """Suite files in run order (alphabetical), or only those named (file name without ``.yml``).

    >>> [p.stem for p in discover_suites(["claims"])]      # doctest: +SKIP
    ['claims']
    """
    root = root or suites_dir()
    files = [*root.glob("*.yml"), *root.glob("*.yaml")] if root.is_dir() else []
    found = {p.stem: p for p in sorted(files, key=lambda p: p.stem)}
    if not names:
        return list(found.values())
    chosen = []
    for name in names:
        stem = Path(name).stem if name.endswith((".yml", ".yaml")) else name
        if stem not in found:
            close = difflib.get_close_matches(stem, list(found), n=3)
            hint = f"did you mean {', '.join(close)}?" if close else f"known suites: {', '.join(found) or 'none'}"
            raise RuleError(f"no suite named {stem!r}", file=root, hint=hint)
        chosen.append(found[stem])
    return chosen


def load_suite(path: str | Path) -> Suite:
    """Read and shape-check one suite file; a malformed file raises :class:`RuleError`."""
    path = Path(path)
    shown = _shown(path)
    try:
        doc = _yaml.load(path.read_text(encoding="utf-8"), _LineLoader)
    except UnicodeDecodeError:
        raise RuleError("not valid UTF-8", file=shown, hint="save the suite as UTF-8") from None
    except _yaml.ExpansionError as exc:
        raise RuleError(str(exc), file=shown, hint="write the values out instead of nesting aliases") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise RuleError(
            f"not valid YAML: {getattr(exc, 'problem', exc)}",
            file=shown,
            line=mark.line + 1 if mark else None,
            hint="check indentation and quoting around that line",
        ) from None
    if not isinstance(doc, dict):
        raise RuleError("a suite must be a mapping with dataset/source, resource, expectations", file=shown)
    unknown = set(doc) - _TOP_KEYS - {_LINE}
    if unknown:
        raise RuleError(
            f"unknown top-level key(s) {sorted(unknown)}",
            file=shown,
            key=sorted(unknown)[0],
            hint=f"use only {sorted(_TOP_KEYS)}",
        )
    target = _target(doc, shown)
    description = doc.get("description")
    if not isinstance(description, str) or not description.strip():
        raise RuleError("the suite needs a one-sentence description (what a row is)", file=shown, key="description")
    items = doc.get("expectations")
    if not isinstance(items, list) or not items:
        raise RuleError("`expectations` must be a non-empty list", file=shown, key="expectations")
    specs = tuple(_spec(item, shown, index) for index, item in enumerate(items))
    return Suite(
        name=path.stem,
        file=path,
        description=" ".join(description.split()),
        target=target,
        expectations=specs,
    )


# --------------------------------------------------------------------------- internals


class _LineLoader(yaml.SafeLoader):
    """A safe loader that records the line of every mapping under ``__line__``."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        mapping = super().construct_mapping(node, deep=True)
        mapping[_LINE] = node.start_mark.line + 1
        return mapping


def _strip_lines(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip_lines(v) for k, v in value.items() if k != _LINE}
    if isinstance(value, list):
        return [_strip_lines(v) for v in value]
    return value


def _target(doc: dict[str, Any], shown: str) -> Target:
    has_dataset, has_source = "dataset" in doc, "source" in doc
    if has_dataset == has_source:
        raise RuleError(
            "name exactly one target: `dataset:` (curated, under datasets/) or `source:` (third-party)",
            file=shown,
            key="dataset",
        )
    kind: Literal["dataset", "source"] = "dataset" if has_dataset else "source"
    name, resource = doc.get(kind), doc.get("resource")
    for key, value in ((kind, name), ("resource", resource)):
        if not isinstance(value, str) or not value:
            raise RuleError(f"`{key}` must be a name", file=shown, key=key)
    return Target(kind=kind, name=name, resource=resource)


def _spec(item: Any, shown: str, index: int) -> ExpectationSpec:
    if not isinstance(item, dict):
        raise RuleError(
            f"expectation #{index + 1} must be a mapping with `expect:` and `description:`",
            file=shown,
            key="expectations",
        )
    line = item.get(_LINE)
    expect = item.get("expect")
    if not isinstance(expect, str) or not expect.startswith("expect_"):
        raise RuleError(
            "each expectation needs `expect: expect_...` (a Great Expectations or project expectation name)",
            file=shown,
            line=line,
            key="expect",
        )
    description = item.get("description")
    if not isinstance(description, str) or not description.strip():
        raise RuleError(
            f"{expect} needs a short human `description` (it is what the report shows)",
            file=shown,
            line=line,
            key="description",
        )
    severity = item.get("severity", "critical")
    if severity not in SEVERITIES:
        raise RuleError(
            f"severity {severity!r} is not one of {list(SEVERITIES)}", file=shown, line=line, key="severity"
        )
    when = _when(item.get("when"), shown, line)
    kwargs = _strip_lines({k: v for k, v in item.items() if k not in _OWN_KEYS and k != _LINE})
    _check_regexes(kwargs, shown, line)
    project = PROJECT_EXPECTATIONS.get(expect)
    if project is not None:
        missing = [a for a in project.required if a not in kwargs and not (a == "when" and when)]
        if missing:
            raise RuleError(
                f"{expect} needs argument(s) {missing}",
                file=shown,
                line=line,
                key=missing[0],
                hint=f"usage: {project.usage}",
            )
        if expect == "expect_column_values_to_exist_in":
            _check_reference(kwargs.get("in"), shown, line)
    return ExpectationSpec(
        expect=expect,
        description=" ".join(description.split()),
        kwargs=kwargs,
        severity=severity,
        when=when,
        line=line,
    )


def _check_regexes(kwargs: dict[str, Any], shown: str, line: int | None) -> None:
    """A regular expression that does not compile is a suite error (it would fail every row)."""
    import re

    for key in ("regex", "regex_list"):
        if key not in kwargs:
            continue
        patterns = kwargs[key] if isinstance(kwargs[key], list) else [kwargs[key]]
        for pattern in patterns:
            if not isinstance(pattern, str):
                raise RuleError(f"`{key}` must be text, found {_brief(pattern)}", file=shown, line=line, key=key)
            try:
                re.compile(pattern)
            except re.error as exc:
                raise RuleError(
                    f"`{key}` {_brief(pattern)} is not a valid regular expression: {exc}",
                    file=shown,
                    line=line,
                    key=key,
                    hint="fix the pattern (quote it in YAML; a backslash needs no doubling in '...')",
                ) from None


def _brief(value: Any, limit: int = 80) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _when(value: Any, shown: str, line: int | None) -> dict[str, list[Any]] | None:
    if value is None:
        return None
    value = _strip_lines(value)
    if not isinstance(value, dict) or not value:
        raise RuleError(
            "`when` must map column names to allowed values, e.g. `when: {kind: [count, ratio]}`",
            file=shown,
            line=line,
            key="when",
        )
    return {str(k): (list(v) if isinstance(v, list) else [v]) for k, v in value.items()}


def _check_reference(ref: Any, shown: str, line: int | None) -> None:
    ref = _strip_lines(ref)
    ok = (
        isinstance(ref, dict)
        and ("dataset" in ref) != ("source" in ref)
        and isinstance(ref.get("resource"), str)
        and isinstance(ref.get("column"), str)
    )
    if not ok:
        raise RuleError(
            "`in` must name the referenced resource and column",
            file=shown,
            line=line,
            key="in",
            hint="write `in: {dataset: claims, resource: claims, column: claim_id}`",
        )


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(paths.project_root()))
    except ValueError:
        return str(path)
