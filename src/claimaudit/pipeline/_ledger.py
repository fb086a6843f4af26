"""Add one claim and its sources to the claims ledger, checked before anything is written.

>>> text = '''
... claim:
...   statement_id: pta-press-2024-11-13
...   authority: PTA
... sources:
...   - url: https://www.dawn.com/news/1872252
... '''
>>> entry = parse_entry(text, "new-claim.yml")
>>> entry.claim["authority"], entry.where(("claim", "authority"))
('PTA', (4, 14))
>>> entry.sources[0]["url"], entry.where(("sources", 0, "url"))
('https://www.dawn.com/news/1872252', (6, 10))

The input is a small YAML or TOML file: a ``claim`` mapping (the columns of ``claims.csv``)
and a ``sources`` list (the columns of ``sources.csv`` without ``claim_id``). Values are read
as written (a YAML ``1_000`` or ``0123`` stays text, it is never turned into a number), checked
against the ledger's ``datapackage.json`` (types, enums, patterns, required fields), then
against the quality suites of the ledger on a temporary copy of ``datasets/`` with the new
rows appended. Every problem names the input file, line and column of the value at fault.
Only when all of that passes are ``claims.csv``, ``sources.csv`` and ``datapackage.json``
(re-stamped) replaced, together, and the audit is re-run to show what the claim changes.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import difflib
import io
import json
import os
import re
import shutil
import tempfile
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from claimaudit import config, paths
from claimaudit.errors import ClaimauditError, DataError

__all__ = [
    "AddResult",
    "Entry",
    "InputError",
    "Problem",
    "VerdictChange",
    "add_claim",
    "candidate_datasets",
    "check_cell",
    "diff_verdicts",
    "parse_entry",
    "propose_claim_id",
    "shown_path",
    "suites_for",
    "template",
    "yaml_scalar",
]

DATASET = "claims"
CLAIM_ID_REGISTER = "claim_ids.csv"  # every claim id ever issued; see datasets/claims/README.md
_Key = tuple[Any, ...]


# --------------------------------------------------------------------------- errors


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: where (file, line, column) and what to do."""

    file: str
    line: int | None
    col: int | None
    key: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}" + (f":{self.col}" if self.col is not None else "")
        key = f" ({self.key})" if self.key else ""
        return f"{where}{key}: {self.message}"


class InputError(DataError):
    """The claim file cannot be added; ``problems`` lists each fault with its position."""

    def __init__(self, problems: list[Problem], *, hint: str | None = None) -> None:
        self.problems = list(problems)
        first = self.problems[0]
        body = "\n".join(f"  {p}" for p in self.problems)
        noun = "problem" if len(self.problems) == 1 else "problems"
        super().__init__(
            f"not added, nothing was written ({len(self.problems)} {noun}):\n{body}",
            file=first.file,
            line=first.line,
            column=first.key,
            hint=hint or "fix the file and run `claimaudit claims add` again",
        )

    def _render(self) -> str:  # the problems carry their own positions
        text = self.problem
        if self.hint:
            text += f"\n  What to do: {self.hint}"
        return text


# --------------------------------------------------------------------------- input


@dataclass
class Entry:
    """A parsed claim file: raw cell texts and where each value stands in the file."""

    file: str
    claim: dict[str, Any]
    sources: list[dict[str, Any]]
    positions: dict[_Key, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[_Key, tuple[int, int]] = field(default_factory=dict)

    def where(self, key: _Key) -> tuple[int | None, int | None]:
        """(line, column), 1-based, of a value; falls back to its mapping, then the file."""
        for k in (key, key[:-1], key[:1]):
            if k in self.positions:
                return self.positions[k]
        return (None, None)

    def problem(self, key: _Key, message: str, *, at_key: bool = False) -> Problem:
        line, col = self.key_positions[key] if at_key and key in self.key_positions else self.where(key)
        label = ".".join(str(k) for k in key) if key else None
        if key and key[0] == "sources" and len(key) >= 2:
            label = f"sources[{key[1] + 1}]" + (f".{key[2]}" if len(key) > 2 else "")
        return Problem(self.file, line, col, label, message)


def parse_entry(text: str, file: str) -> Entry:
    """Parse a claim file (TOML when ``file`` ends in ``.toml``, else YAML)."""
    if str(file).endswith(".toml"):
        return _parse_toml(text, file)
    return _parse_yaml(text, file)


def _parse_yaml(text: str, file: str) -> Entry:
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                mark = event.start_mark
                raise InputError(
                    [
                        Problem(
                            file,
                            mark.line + 1,
                            mark.column + 1,
                            None,
                            "YAML aliases (*name) are not accepted in a claim file; write the value out",
                        )
                    ]
                )
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(
            [
                Problem(
                    file,
                    mark.line + 1 if mark else None,
                    mark.column + 1 if mark else None,
                    None,
                    f"not valid YAML: {getattr(exc, 'problem', None) or exc}",
                )
            ],
            hint="check indentation and quoting around that line",
        ) from None
    entry = Entry(file=file, claim={}, sources=[])
    if not isinstance(root, yaml.MappingNode):
        raise InputError(
            [
                Problem(
                    file,
                    1,
                    1,
                    None,
                    "expected a mapping with `claim:` and `sources:` (see `claimaudit claims template`)",
                )
            ]
        )
    problems: list[Problem] = []
    for key_node, value_node in root.value:
        key = key_node.value
        entry.positions[(key,)] = _mark(value_node)
        if key == "claim":
            if not isinstance(value_node, yaml.MappingNode):
                problems.append(entry.problem(("claim",), "`claim` must be a mapping of column: value"))
                continue
            entry.claim = _yaml_mapping(value_node, ("claim",), entry, problems)
        elif key == "sources":
            if not isinstance(value_node, yaml.SequenceNode):
                problems.append(entry.problem(("sources",), "`sources` must be a list of mappings (`- url: ...`)"))
                continue
            for index, item in enumerate(value_node.value):
                entry.positions[("sources", index)] = _mark(item)
                if not isinstance(item, yaml.MappingNode):
                    problems.append(
                        entry.problem(("sources", index), "each source must be a mapping (url, outlet, ...)")
                    )
                    entry.sources.append({})
                    continue
                entry.sources.append(_yaml_mapping(item, ("sources", index), entry, problems))
        else:
            line, col = _mark(key_node)
            problems.append(Problem(file, line, col, key, "unknown top-level key; use `claim:` and `sources:`"))
    if problems:
        raise InputError(problems)
    return entry


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


_NULL = "tag:yaml.org,2002:null"


def _yaml_mapping(node: yaml.MappingNode, prefix: _Key, entry: Entry, problems: list[Problem]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        entry.positions[(*prefix, key)] = _mark(value_node)
        entry.key_positions[(*prefix, key)] = _mark(key_node)
        if key in out:
            problems.append(entry.problem((*prefix, key), f"{key!r} is given twice", at_key=True))
        if not isinstance(value_node, yaml.ScalarNode):
            problems.append(entry.problem((*prefix, key), "expected one value, not a list or mapping"))
            continue
        # The text as written: never YAML's reading of it (1_000 -> 1000, 0123 -> 83, yes -> True).
        out[key] = "" if value_node.tag == _NULL and not value_node.style else value_node.value
    return out


_TOML_TABLE = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.-]+)\s*\]\]?")
_TOML_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=\s*")


def _parse_toml(text: str, file: str) -> Entry:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+), column (\d+)", str(exc))
        line, col = (int(found[1]), int(found[2])) if found else (None, None)
        raise InputError([Problem(file, line, col, None, f"not valid TOML: {str(exc).split(' (at')[0]}")]) from None
    entry = Entry(file=file, claim={}, sources=[])
    _toml_positions(text, entry)
    problems: list[Problem] = []
    for key, value in doc.items():
        if key == "claim":
            if not isinstance(value, dict):
                problems.append(entry.problem(("claim",), "`claim` must be a table ([claim])"))
                continue
            entry.claim = _toml_mapping(value, ("claim",), entry, problems)
        elif key == "sources":
            if not isinstance(value, list):
                problems.append(entry.problem(("sources",), "`sources` must be an array of tables ([[sources]])"))
                continue
            for index, item in enumerate(value):
                if not isinstance(item, dict):
                    problems.append(entry.problem(("sources", index), "each source must be a table"))
                    entry.sources.append({})
                    continue
                entry.sources.append(_toml_mapping(item, ("sources", index), entry, problems))
        else:
            problems.append(entry.problem((key,), f"unknown top-level key {key!r}; use [claim] and [[sources]]"))
    if problems:
        raise InputError(problems)
    return entry


def _toml_positions(text: str, entry: Entry) -> None:
    """Where each key's value starts, for ``[claim]`` and ``[[sources]]`` tables written out."""
    section: _Key = ()
    sources = -1
    for number, line in enumerate(text.splitlines(), start=1):
        table = _TOML_TABLE.match(line)
        if table:
            name = table[2]
            if table[1] == "[[" and name == "sources":
                sources += 1
                section = ("sources", sources)
            else:
                section = (name,)
            entry.positions.setdefault(section, (number, table.start(2) + 1))
            continue
        key = _TOML_KEY.match(line)
        if key and section:
            entry.positions.setdefault((*section, key[1]), (number, key.end() + 1))
            entry.key_positions.setdefault((*section, key[1]), (number, key.start(1) + 1))


def _toml_mapping(doc: dict[str, Any], prefix: _Key, entry: Entry, problems: list[Problem]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in doc.items():
        if isinstance(value, bool):
            out[key] = "true" if value else "false"
        elif isinstance(value, int | str):
            out[key] = str(value)
        elif isinstance(value, float):
            out[key] = repr(value)
        elif isinstance(value, dt.datetime | dt.date):
            out[key] = value.isoformat()
        else:
            problems.append(entry.problem((*prefix, key), "expected one value, not an array or table"))
    return out


# --------------------------------------------------------------------------- the schema


@dataclass(frozen=True)
class _Ledger:
    """The ledger as it is on disk: descriptor, both resources' fields and texts."""

    root: Path
    descriptor: dict[str, Any]
    claims_fields: list[dict[str, Any]]
    sources_fields: list[dict[str, Any]]
    claims_text: str
    sources_text: str
    claims_path: Path
    sources_path: Path

    @property
    def descriptor_path(self) -> Path:
        return self.root / DATASET / "datapackage.json"


def _read_ledger(root: Path) -> _Ledger:
    from claimaudit import datasets

    package = datasets.read_package(DATASET, root=root)
    claims_res, sources_res = package.resource("claims"), package.resource("sources")
    claims_path = package.folder / claims_res["path"]
    sources_path = package.folder / sources_res["path"]
    # Loading verifies the stamped hashes: an unstamped edit is not silently folded in.
    datasets.load(DATASET, "claims", root=root)
    datasets.load(DATASET, "sources", root=root)
    return _Ledger(
        root=root,
        descriptor=package.descriptor,
        claims_fields=claims_res["schema"]["fields"],
        sources_fields=sources_res["schema"]["fields"],
        claims_text=claims_path.read_text(encoding="utf-8"),
        sources_text=sources_path.read_text(encoding="utf-8"),
        claims_path=claims_path,
        sources_path=sources_path,
    )


def _rows(text: str) -> list[tuple[int, dict[str, str]]]:
    """(line, row) for each record of a CSV text, the header being line 1."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    out, line = [], 2
    for row in reader:
        out.append((line, row))
        line = reader.line_num + 1
    return out


def check_cell(fld: dict[str, Any], cell: str) -> str | None:
    """What is wrong with one cell under its schema field, or None.

    >>> check_cell({"name": "unit", "constraints": {"enum": ["urls", "websites"]}}, "webistes")
    "'webistes' is not one of urls, websites; did you mean 'websites'?"
    >>> check_cell({"name": "statement_date", "type": "date"}, "2024-02-30")
    "'2024-02-30' is not a valid date"
    """
    constraints = fld.get("constraints", {})
    if cell == "":
        return "is required" + _choices(constraints) if constraints.get("required") else None
    if cell.strip() != cell:
        return f"{cell!r} has leading or trailing spaces"
    ftype = fld.get("type", "string")
    strict = _STRICT.get(ftype)
    if strict is not None and not strict[0].fullmatch(cell):
        return f"{cell!r} is not {strict[1]}"
    try:
        value = _typed(cell, ftype)
    except ValueError:
        return f"{cell!r} is not a valid {ftype}"
    if isinstance(value, float) and value != value or value in (float("inf"), float("-inf")):
        return f"{cell!r} is not a finite number"
    enum = constraints.get("enum")
    if enum is not None and cell not in [str(v) for v in enum]:
        close = difflib.get_close_matches(cell, [str(v) for v in enum], n=1)
        guess = f"; did you mean {close[0]!r}?" if close else ""
        return f"{cell!r} is not one of {', '.join(map(str, enum))}{guess}"
    pattern = constraints.get("pattern")
    if pattern is not None and not re.fullmatch(pattern, cell):
        return f"{cell!r} does not match the pattern {pattern}"
    if "minimum" in constraints and isinstance(value, int | float) and value < constraints["minimum"]:
        return f"{cell} is below the minimum {constraints['minimum']}"
    if "maximum" in constraints and isinstance(value, int | float) and value > constraints["maximum"]:
        return f"{cell} is above the maximum {constraints['maximum']}"
    if fld.get("format") == "uri" and not re.match(r"^https?://[^\s/]+\.[^\s]+$", cell):
        return f"{cell!r} is not a web address (https://...)"
    return None


def _typed(cell: str, ftype: str) -> Any:
    """The cell's value under a Table Schema type (its spelling already checked by ``_STRICT``)."""
    if ftype in ("integer", "year"):
        return int(cell)
    if ftype == "number":
        return float(cell)
    if ftype == "date":
        return dt.date.fromisoformat(cell)  # 2024-02-30 is refused here
    if ftype == "datetime":
        return dt.datetime.fromisoformat(cell.replace("Z", "+00:00"))
    if ftype == "boolean":
        if cell not in ("true", "false"):
            raise ValueError(cell)
        return cell == "true"
    return cell


# Stricter than Python's float()/int()/fromisoformat: ASCII digits only, no "1_000", "1e5", "inf",
# Arabic-Indic digits or week dates.
_STRICT = {
    "number": (
        re.compile(r"-?[0-9]+(\.[0-9]+)?", re.ASCII),
        "a number written with digits 0-9 and an optional decimal point, without separators (844008 or 84.72)",
    ),
    "integer": (re.compile(r"-?[0-9]+", re.ASCII), "a whole number written with digits 0-9 (844008)"),
    "year": (re.compile(r"[0-9]{4}", re.ASCII), "a year (2024)"),
    "date": (re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII), "a date as YYYY-MM-DD"),
}


def _choices(constraints: dict[str, Any]) -> str:
    enum = constraints.get("enum")
    return f" (one of {', '.join(map(str, enum))})" if enum else ""


# --------------------------------------------------------------------------- claim ids


_CATEGORY_WORD = {"pornography": "porn", "blasphemy": "blasphemous", "total": "total", "not_applicable": ""}
_UNIT_WORD = {"websites_or_pages": "pages", "web_links": "links", "none": "", "percent": "percent"}
_PERIOD_WORD = {"per_day": "per-day", "per_week": "per-week"}


def propose_claim_id(claim: dict[str, str], taken: set[str]) -> str:
    """A readable id in the ledger's style: who, when, what, e.g. ``pta-2024-11-13-porn-websites-blocked``.

    >>> propose_claim_id({"authority": "PTA", "statement_date": "2024-11-13", "kind": "count",
    ...                   "category": "pornography", "unit": "websites", "verb": "blocked"}, set())
    'pta-2024-11-13-porn-websites-blocked'
    >>> propose_claim_id({"authority": "PTA", "statement_date": "2024-09-10", "kind": "assertion",
    ...                   "assertion": "vpns_not_blocked"}, set())
    'pta-2024-09-10-vpns-not-blocked'
    >>> propose_claim_id({"authority": "PTA", "date_precision": "unknown", "kind": "count", "value": "20500",
    ...                   "unit": "vpns", "verb": "registered", "category": "not_applicable"},
    ...                  {"pta-undated-vpns-registered"})
    'pta-undated-vpns-registered-20500'

    The id depends only on the claim's content, so the same file always proposes the same id;
    a second figure for the same claim (a variant) carries its value, as the ledger's do.
    """
    who = claim.get("authority", "") or "claim"
    precision = claim.get("date_precision", "")
    date = claim.get("statement_date", "")
    if not date or precision == "unknown":
        when = "undated"
    elif precision == "month":
        when = date[:7]
    elif precision == "year":
        when = date[:4]
    else:
        when = date
    if claim.get("kind") == "assertion" and claim.get("assertion"):
        what = [claim["assertion"]]
    else:
        scope = claim.get("scope", "")
        platform = scope.split(":", 1)[1] if scope.startswith("platform:") else ""
        category = claim.get("category", "")
        metric = claim.get("metric", "")
        if metric == "block_rate":
            what = [platform, _CATEGORY_WORD.get(category, category), "block-rate"]
        else:
            what = [
                platform,
                _CATEGORY_WORD.get(category, category),
                _UNIT_WORD.get(claim.get("unit", ""), claim.get("unit", "")),
                claim.get("verb", ""),
                _PERIOD_WORD.get(claim.get("period", ""), ""),
            ]
    base = _slug("-".join([who, when, *[w for w in what if w]]))
    if base not in taken:
        return base
    value = claim.get("value", "")
    if value:
        figure = value[:-2] if value.endswith(".0") else value
        candidate = _slug(f"{base}-{figure}")
        if candidate not in taken:
            return candidate
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def _slug(text: str) -> str:
    text = re.sub(r"[^a-z0-9]+", "-", text.lower().replace("_", "-"))
    return text.strip("-") or "claim"


# Columns that make two claims the same claim (a variant differs in value).
_SAME_CLAIM = (
    "statement_id",
    "statement_date",
    "claimant",
    "kind",
    "subject",
    "metric",
    "category",
    "scope",
    "value",
    "qualifier",
    "unit",
    "verb",
    "period",
    "period_start",
    "period_end",
    "assertion",
)


# --------------------------------------------------------------------------- validate


@dataclass
class _Candidate:
    claim_id: str
    claim_cells: dict[str, str]
    source_cells: list[dict[str, str]]
    claim_line: int
    source_lines: list[int]
    proposed: bool


def _validate(entry: Entry, ledger: _Ledger) -> _Candidate:
    problems: list[Problem] = []
    claim_names = [f["name"] for f in ledger.claims_fields]
    source_names = [f["name"] for f in ledger.sources_fields]

    for key in entry.claim:
        if key not in claim_names:
            close = difflib.get_close_matches(key, claim_names, n=1)
            guess = f"; did you mean {close[0]!r}?" if close else f"; columns: {', '.join(claim_names)}"
            problems.append(entry.problem(("claim", key), f"{key!r} is not a column of claims.csv{guess}", at_key=True))
    if "claim" not in {k[0] for k in entry.positions}:
        problems.append(Problem(entry.file, 1, 1, "claim", "no `claim:` mapping (see `claimaudit claims template`)"))
    cells = {name: str(entry.claim.get(name, "")) for name in claim_names}
    existing = _rows(ledger.claims_text)
    taken = {row["claim_id"]: line for line, row in existing}
    proposed = not cells.get("claim_id")
    for fld in ledger.claims_fields:
        name = fld["name"]
        if name == "claim_id" and proposed:
            continue
        problem = check_cell(fld, cells[name])
        if problem:
            problems.append(entry.problem(("claim", name), problem))

    if proposed:
        cells["claim_id"] = propose_claim_id(cells, set(taken))
    claim_id = cells["claim_id"]
    if claim_id in taken:
        problems.append(
            entry.problem(
                ("claim", "claim_id"),
                f"claim_id {claim_id!r} already exists (claims.csv line {taken[claim_id]}); "
                "choose another id, or correct that row instead of adding one",
            )
        )
    same = tuple(cells.get(c, "") for c in _SAME_CLAIM if c in cells)
    for line, row in existing:
        if tuple(row.get(c, "") for c in _SAME_CLAIM if c in cells) == same and row["claim_id"] != claim_id:
            problems.append(
                entry.problem(
                    ("claim",),
                    f"duplicate: claims.csv line {line} ({row['claim_id']}) is the same "
                    "claim (statement, claimant, date, figure, unit, verb, period); add your page "
                    "as a source of that claim instead",
                )
            )
            break

    if not entry.sources:
        problems.append(
            entry.problem(
                ("sources",) if ("sources",) in entry.positions else ("claim",),
                "no sources: every claim needs at least one `sources` entry (the page that "
                "reports it: url, outlet, verification)",
            )
        )
    source_cells: list[dict[str, str]] = []
    seen_urls: dict[str, int] = {}
    existing_sources = {(row["claim_id"], row["url"]): line for line, row in _rows(ledger.sources_text)}
    for index, source in enumerate(entry.sources):
        for key in source:
            if key not in source_names:
                close = difflib.get_close_matches(key, source_names, n=1)
                guess = f"; did you mean {close[0]!r}?" if close else f"; columns: {', '.join(source_names)}"
                problems.append(
                    entry.problem(
                        ("sources", index, key), f"{key!r} is not a column of sources.csv{guess}", at_key=True
                    )
                )
        given_id = source.get("claim_id")
        if given_id and given_id != claim_id:
            problems.append(
                entry.problem(
                    ("sources", index, "claim_id"),
                    f"claim_id {given_id!r} is not the claim being added ({claim_id!r}); leave it out",
                )
            )
        row = {name: str(source.get(name, "")) for name in source_names}
        row["claim_id"] = claim_id
        for fld in ledger.sources_fields:
            if fld["name"] == "claim_id":
                continue
            problem = check_cell(fld, row[fld["name"]])
            if problem:
                problems.append(entry.problem(("sources", index, fld["name"]), problem))
        url = row.get("url", "")
        if url in seen_urls:
            problems.append(
                entry.problem(("sources", index, "url"), f"the same url is listed as source {seen_urls[url] + 1}")
            )
        seen_urls.setdefault(url, index)
        if (claim_id, url) in existing_sources:
            problems.append(
                entry.problem(
                    ("sources", index, "url"),
                    f"sources.csv line {existing_sources[(claim_id, url)]} already has this claim and url",
                )
            )
        source_cells.append(row)
    if problems:
        raise InputError(problems)

    claim_line = _next_line(ledger.claims_text)
    lines, at = [], _next_line(ledger.sources_text)
    for row in source_cells:
        lines.append(at)
        at += _csv_row(row, source_names).count("\n")
    return _Candidate(claim_id, cells, source_cells, claim_line, lines, proposed)


def _next_line(text: str) -> int:
    return text.count("\n") + 1


def _csv_row(row: dict[str, str], names: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([row[n] for n in names])
    return out.getvalue()


# --------------------------------------------------------------------------- candidate copy


@contextlib.contextmanager
def candidate_datasets(edit: Any = None) -> Iterator[Path]:
    """A temporary copy of ``datasets/`` that loaders, checks and the audit read instead.

    ``edit(root)`` may change files in the copy; the copy's hashes are then re-stamped.
    ``CLAIMAUDIT_DATASETS`` points at the copy for the duration, and is put back after.
    """
    from claimaudit import datasets

    real = paths.datasets_dir()
    with tempfile.TemporaryDirectory(prefix="claimaudit-candidate-") as tmp:
        root = Path(tmp) / "datasets"
        shutil.copytree(real, root, ignore=shutil.ignore_patterns(".*"))
        if edit is not None:
            edit(root)
        previous = config.get("CLAIMAUDIT_DATASETS")
        os.environ["CLAIMAUDIT_DATASETS"] = str(root)
        try:
            datasets.stamp(None, root=root)
            yield root
        finally:
            if previous is None:
                os.environ.pop("CLAIMAUDIT_DATASETS", None)
            else:
                os.environ["CLAIMAUDIT_DATASETS"] = previous


def suites_for(names: set[str]) -> list[str]:
    """The quality suites that read any of these datasets (as their target or a reference)."""
    from claimaudit.quality import discover_suites, load_suite

    chosen = []
    for file in discover_suites():
        try:
            suite = load_suite(file)
        except ClaimauditError:
            chosen.append(file.stem)  # a malformed suite: let the run report it
            continue
        refs = {suite.target.name} if suite.target.kind == "dataset" else set()
        for spec in suite.expectations:
            ref = spec.kwargs.get("in")
            if isinstance(ref, dict) and "dataset" in ref:
                refs.add(str(ref["dataset"]))
        if refs & names:
            chosen.append(file.stem)
    return chosen


def _quality(
    entry: Entry, cand: _Candidate, ledger: _Ledger, root: Path, now: dt.datetime | None
) -> tuple[list[str], Any]:
    """Run the ledger's suites on the candidate copy; refuse on a failure, return warnings."""
    from claimaudit.quality import run_checks

    with tempfile.TemporaryDirectory(prefix="claimaudit-candidate-checks-") as out:
        report = run_checks(suites=suites_for({DATASET}), out_dir=Path(out) / "checks", now=now)
    claims_file = str(root / DATASET / ledger.claims_path.name)
    sources_file = str(root / DATASET / ledger.sources_path.name)
    ours: dict[tuple[str, int], _Key] = {("claims", cand.claim_line): ("claim",)}
    for index, line in enumerate(cand.source_lines):
        ours[("sources", line)] = ("sources", index)

    def which(data_file: str | None) -> str | None:
        if not data_file:
            return None
        resolved = str(Path(data_file).resolve()) if not data_file.startswith("http") else data_file
        if resolved == str(Path(claims_file).resolve()):
            return "claims"
        if resolved == str(Path(sources_file).resolve()):
            return "sources"
        return None

    problems: list[Problem] = []
    warnings: list[str] = []
    shown_claims = shown_path(ledger.claims_path)
    for suite in report.results:
        if suite.status == "unavailable":
            continue
        if suite.error is not None:
            err = suite.error
            kind = which(err.get("file"))
            key = ours.get((kind, err.get("line"))) if kind else None
            if key is not None and err.get("column"):
                problems.append(entry.problem((*key, err["column"]), str(err.get("problem") or err["message"])))
            else:
                problems.append(
                    Problem(
                        str(err.get("file") or suite.file),
                        err.get("line"),
                        None,
                        err.get("column"),
                        str(err.get("problem") or err["message"]),
                    )
                )
            continue
        kind = which(suite.data_file)
        for exp in suite.expectations:
            if exp.outcome == "pass":
                continue
            if exp.outcome == "error":
                problems.append(Problem(suite.file, exp.line, None, None, exp.error or "could not be evaluated"))
                continue
            rule = f"breaks {exp.description!r} ({suite.file} line {exp.line})"
            mine = [x for x in exp.examples if kind and (kind, x.get("line")) in ours]
            if exp.outcome == "warn":
                if mine:
                    warnings.append(f"warning: {rule}")
                continue
            if mine:
                for example in mine:
                    key = ours[(kind, example["line"])]
                    columns = [c for c in example if c != "line"] or [None]
                    for column in columns:
                        value = example.get(column) if column else None
                        shown = f" = {json.dumps(value, ensure_ascii=False)}" if column else ""
                        problems.append(
                            entry.problem((*key, column) if column else key, f"{column or 'row'}{shown} {rule}")
                        )
            else:
                lines = ", ".join(str(x.get("line")) for x in exp.examples if "line" in x)
                where = f"{suite.data_file or shown_claims}" + (f" line(s) {lines}" if lines else "")
                problems.append(
                    Problem(
                        where,
                        None,
                        None,
                        None,
                        f"with your claim added, the ledger {rule}; "
                        "if the ledger failed before, run `claimaudit check` and fix it first",
                    )
                )
    if problems:
        raise InputError(problems)
    return warnings, report


# --------------------------------------------------------------------------- verdicts


@dataclass(frozen=True)
class VerdictChange:
    """One verdict that a change to the ledger adds, removes or alters."""

    change: str  # "new" | "changed" | "gone"
    rule_id: str
    claim_ids: tuple[str, ...]
    before: str | None
    after: str | None
    explanation: str

    def __str__(self) -> str:
        claims = ", ".join(self.claim_ids)
        if self.change == "new":
            head = f"new      {self.rule_id} [{claims}]: {self.after}"
        elif self.change == "gone":
            head = f"gone     {self.rule_id} [{claims}]: was {self.before}"
        elif self.before == self.after:
            head = f"changed  {self.rule_id} [{claims}]: still {self.after}, explanation changed"
        else:
            head = f"changed  {self.rule_id} [{claims}]: {self.before} -> {self.after}"
        return head + (f"\n           {self.explanation}" if self.explanation else "")


def _verdict_list(doc: Any) -> list[dict[str, Any]]:
    if isinstance(doc, dict):
        doc = doc.get("verdicts", [])
    return [v for v in doc if isinstance(v, dict)] if isinstance(doc, list) else []


def _status(v: dict[str, Any]) -> str:
    return str(v.get("verdict") or v.get("status") or "")


def diff_verdicts(before: Any, after: Any) -> list[VerdictChange]:
    """Verdicts added, removed or changed between two audits (verdicts.json documents or lists).

    >>> old = [{"rule_id": "r", "claim_ids": ["a", "b"], "verdict": "consistent", "explanation": "agree"}]
    >>> new = [{"rule_id": "r", "claim_ids": ["a", "b", "c"], "verdict": "inconsistent", "explanation": "c differs"}]
    >>> [str(c).splitlines()[0] for c in diff_verdicts(old, new)]
    ['changed  r [a, b, c]: consistent -> inconsistent']

    Verdicts are matched by rule and claim ids; a verdict whose claims grew (the new claim
    joined a comparison) is matched to the one it grew from, so it reads as changed, not as
    one verdict gone and another new.
    """
    old = _verdict_list(before)
    new = _verdict_list(after)

    def key(v: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
        return (str(v.get("rule_id")), tuple(v.get("claim_ids") or ()))

    old_by_key = {key(v): v for v in old}
    unmatched_old = dict(old_by_key)
    changes: list[VerdictChange] = []
    pending: list[dict[str, Any]] = []
    for v in new:
        k = key(v)
        if k in unmatched_old:
            was = unmatched_old.pop(k)
            if _status(was) != _status(v) or was.get("explanation") != v.get("explanation"):
                changes.append(
                    VerdictChange("changed", k[0], k[1], _status(was), _status(v), str(v.get("explanation", "")))
                )
        else:
            pending.append(v)
    for v in pending:
        k = key(v)
        grown = [o for o in unmatched_old if o[0] == k[0] and set(o[1]) < set(k[1])]
        if grown:
            best = max(grown, key=lambda o: len(o[1]))
            was = unmatched_old.pop(best)
            changes.append(
                VerdictChange("changed", k[0], k[1], _status(was), _status(v), str(v.get("explanation", "")))
            )
        else:
            changes.append(VerdictChange("new", k[0], k[1], None, _status(v), str(v.get("explanation", ""))))
    for k, was in unmatched_old.items():
        changes.append(VerdictChange("gone", k[0], k[1], _status(was), None, str(was.get("explanation", ""))))
    order = {"changed": 0, "new": 1, "gone": 2}
    return sorted(changes, key=lambda c: (order[c.change], c.rule_id, c.claim_ids))


def _audit_dicts(rules_dir: Path | None) -> list[dict[str, Any]]:
    from claimaudit.audit import run_audit

    return [v.to_dict() for v in run_audit(rules_dir=rules_dir, offline=True)]


# --------------------------------------------------------------------------- add


@dataclass
class AddResult:
    claim_id: str
    proposed: bool
    claim_line: int
    source_lines: list[int]
    written: list[Path]
    warnings: list[str]
    changes: list[VerdictChange] | None
    compared_with: str
    dry_run: bool = False


def add_claim(
    file: str | Path,
    *,
    text: str | None = None,
    dry_run: bool = False,
    audit: bool = True,
    against: str | Path | None = None,
    rules_dir: str | Path | None = None,
    now: dt.datetime | None = None,
) -> AddResult:
    """Validate the claim file, append its rows, re-stamp, and diff the audit.

    Raises :class:`InputError` (nothing written) when the file, the schema or a quality suite
    refuses the claim. ``against`` is a ``verdicts.json`` to compare with (default: the audit
    of the ledger as it was, computed here, so the changes shown are the claim's alone).
    """
    file = Path(file)
    shown = shown_path(file)
    if text is None:
        try:
            raw = file.read_bytes()
        except OSError as exc:
            raise InputError([Problem(shown, None, None, None, f"cannot read the file: {exc.strerror}")]) from None
        try:
            text = raw.decode("utf-8").removeprefix("\ufeff")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise InputError([Problem(shown, line, None, None, "not valid UTF-8; save the file as UTF-8")]) from None
    entry = parse_entry(text, shown)
    real_root = paths.datasets_dir()
    ledger = _read_ledger(real_root)
    cand = _validate(entry, ledger)
    claim_names = [f["name"] for f in ledger.claims_fields]
    source_names = [f["name"] for f in ledger.sources_fields]
    claims_text = ledger.claims_text + _csv_row(cand.claim_cells, claim_names)
    sources_text = ledger.sources_text + "".join(_csv_row(r, source_names) for r in cand.source_cells)
    # The register of issued claim ids (claim_ids.csv): a new id is registered with its claim, and an id
    # once issued is never given to another claim, even after it was retired (ids are stable keys).
    register_path = ledger.claims_path.parent / CLAIM_ID_REGISTER
    register_text = None
    if register_path.is_file():
        register_text = register_path.read_text(encoding="utf-8")
        issued = {row["claim_id"] for _, row in _rows(register_text)}
        if cand.claim_id in issued:
            raise InputError(
                [
                    entry.problem(
                        ("claim", "claim_id"),
                        f"claim_id {cand.claim_id!r} was issued before ({CLAIM_ID_REGISTER}) and retired; "
                        "an id is never reused: choose another",
                    )
                ]
            )
        if register_text and not register_text.endswith("\n"):
            register_text += "\n"
        register_text += _csv_row(
            {"claim_id": cand.claim_id, "retired_in_favour_of": "", "reason": ""},
            ["claim_id", "retired_in_favour_of", "reason"],
        )

    def edit(root: Path) -> None:
        (root / DATASET / ledger.claims_path.name).write_text(claims_text, encoding="utf-8", newline="")
        (root / DATASET / ledger.sources_path.name).write_text(sources_text, encoding="utf-8", newline="")
        if register_text is not None:
            (root / DATASET / CLAIM_ID_REGISTER).write_text(register_text, encoding="utf-8", newline="")

    rules = Path(rules_dir) if rules_dir is not None else None
    if audit and against is None:
        before: Any = _audit_dicts(rules)
        compared_with = "the audit of the ledger before this claim"
    elif audit:
        against = Path(against)
        try:
            before = json.loads(against.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise DataError(
                f"cannot read the verdicts to compare with: {exc}",
                file=against,
                hint="run `claimaudit audit` first, or leave out --against",
            ) from None
        compared_with = shown_path(against)
    else:
        before, compared_with = None, ""
    with candidate_datasets(edit) as root:
        warnings, _ = _quality(entry, cand, ledger, root, now)
        after = _audit_dicts(rules) if audit else None
        descriptor_text = (root / DATASET / "datapackage.json").read_text(encoding="utf-8")
    changes = diff_verdicts(before, after) if audit else None
    written: list[Path] = []
    if not dry_run:
        files = {
            ledger.claims_path: claims_text,
            ledger.sources_path: sources_text,
            ledger.descriptor_path: descriptor_text,
        }
        if register_text is not None:
            files[register_path] = register_text
        _replace_together(files)
        written = list(files)
    return AddResult(
        cand.claim_id,
        cand.proposed,
        cand.claim_line,
        cand.source_lines,
        written,
        warnings,
        changes,
        compared_with,
        dry_run,
    )


def _replace_together(files: dict[Path, str]) -> None:
    """Write every file or none: all are staged first, then renamed in; a failure restores."""
    staged: dict[Path, Path] = {}
    originals = {path: path.read_bytes() for path in files}
    try:
        for path, text in files.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, path.stat().st_mode & 0o777)
            staged[path] = Path(tmp)
        done: list[Path] = []
        try:
            for path, tmp in staged.items():
                os.replace(tmp, path)
                done.append(path)
        except BaseException:
            for path in done:
                path.write_bytes(originals[path])
            raise
    finally:
        for tmp in staged.values():
            tmp.unlink(missing_ok=True)


def shown_path(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(paths.project_root()))
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------- template


def template(*, root: Path | None = None) -> str:
    """An example claim file (YAML) with every column explained, from the ledger's schema.

    The example values are those of a real claim of the ledger and its first verified source,
    so the file is valid as it stands; ``claims add`` refuses it unchanged, as a duplicate.
    """
    from claimaudit import datasets

    root = root or paths.datasets_dir()
    package = datasets.read_package(DATASET, root=root)
    claims_res, sources_res = package.resource("claims"), package.resource("sources")
    claims = _rows((package.folder / claims_res["path"]).read_text(encoding="utf-8"))
    sources = _rows((package.folder / sources_res["path"]).read_text(encoding="utf-8"))
    by_claim: dict[str, list[dict[str, str]]] = {}
    for _, row in sources:
        by_claim.setdefault(row["claim_id"], []).append(row)
    example = next(
        (
            row
            for _, row in claims
            if row.get("kind") == "count"
            and any(s.get("verification") == "search_verified" for s in by_claim.get(row["claim_id"], []))
        ),
        claims[0][1] if claims else {},
    )
    example_sources = [
        s for s in by_claim.get(example.get("claim_id", ""), []) if s.get("verification") == "search_verified"
    ][:1]
    out = [
        "# A claim for the claims ledger: `claimaudit claims add this-file.yml`",
        "# One claim as stated by one claimant on one date, and the page(s) that report it.",
        "# The values below are those of a real claim of the ledger, so adding this file unchanged",
        '# is refused as a duplicate: replace them with yours. Leave a value empty ("") when unknown.',
        "# Checked before anything is written: types, enums and patterns of datasets/claims/datapackage.json,",
        "# then the quality suites (checks/quality/claims*.yml). See CONTRIBUTING.md.",
        "claim:",
    ]
    for fld in claims_res["schema"]["fields"]:
        if fld["name"] == "claim_id":
            out += _explain(
                fld,
                "  ",
                extra="Optional: leave it out and one is proposed from the claim "
                "(who-date-what, e.g. pta-2024-11-13-porn-websites-blocked).",
            )
            out.append(f"  # claim_id: {example.get('claim_id', '')}")
            continue
        out += _explain(fld, "  ")
        out.append(f"  {fld['name']}: {yaml_scalar(example.get(fld['name'], ''))}")
    out += ["", "# One entry per page that reports the claim (at least one).", "sources:"]
    for source in example_sources or [{}]:
        first = True
        for fld in sources_res["schema"]["fields"]:
            if fld["name"] == "claim_id":
                continue
            out += _explain(fld, "    ")
            lead = "  - " if first else "    "
            first = False
            out.append(f"{lead}{fld['name']}: {yaml_scalar(source.get(fld['name'], ''))}")
    return "\n".join(out) + "\n"


def _explain(fld: dict[str, Any], indent: str, *, extra: str = "") -> list[str]:
    constraints = fld.get("constraints", {})
    bits = [fld.get("type", "string")]
    if fld.get("format") and fld.get("type") == "date":
        bits = ["date YYYY-MM-DD"]
    if constraints.get("required"):
        bits.append("required")
    else:
        bits.append("optional")
    if "pattern" in constraints:
        bits.append(f"pattern {constraints['pattern']}")
    head = f"{fld['name']} ({', '.join(bits)})"
    text = " ".join(filter(None, [fld.get("description", ""), extra]))
    lines = _wrap(f"{head}: {text}" if text else head, indent + "# ")
    if constraints.get("enum"):
        lines += _wrap("one of: " + ", ".join(map(str, constraints["enum"])), indent + "#   ")
    return lines


def _wrap(text: str, prefix: str, width: int = 100) -> list[str]:
    import textwrap

    return [prefix + line for line in textwrap.wrap(text, width=width - len(prefix))] or [prefix.rstrip()]


def yaml_scalar(value: str) -> str:
    """A cell as a YAML scalar that reads back as the same text."""
    if value == "":
        return '""'
    try:
        node = yaml.compose(value, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        node = None
    if isinstance(node, yaml.ScalarNode) and node.value == value and node.tag != _NULL and "\n" not in value:
        return value  # plain: reads back as the same text
    plain = yaml.safe_dump(value, default_style=None, allow_unicode=True, width=10_000).strip()
    plain = plain.removesuffix("\n...").strip()
    try:
        same = yaml.compose(plain, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        same = None
    if isinstance(same, yaml.ScalarNode) and same.value == value and same.tag != _NULL:
        return plain
    return json.dumps(value, ensure_ascii=False)
