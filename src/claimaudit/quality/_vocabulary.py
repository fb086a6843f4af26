"""Project expectations: rules Great Expectations has no single name for.

Each one is translated into a core Great Expectations expectation with its arguments filled in
at run time (today's date, the values of a referenced column), so it is validated by GX and
shown in the results like any other.

>>> name, kwargs = translate(
...     "expect_column_values_to_not_be_negative", {"column": "value"}, _Context.empty()
... )
>>> name, kwargs
('expect_column_values_to_be_between', {'column': 'value', 'min_value': 0})
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["PROJECT_EXPECTATIONS", "ProjectExpectation", "row_condition", "translate"]

# An absolute http(s) URL: a host with at least one dot, optional port, no whitespace anywhere.
URL_REGEX = r"^https?://[^\s/?#@:]+\.[^\s/?#@:]+(?::[0-9]+)?(?:[/?#]\S*)?$"


@dataclass(frozen=True)
class _Context:
    """What a translation may need: column dtypes and a way to read a referenced column."""

    dtypes: dict[str, Any] = field(default_factory=dict)
    reference: Callable[[dict[str, Any]], list[Any]] | None = None
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @classmethod
    def empty(cls) -> _Context:
        return cls()


@dataclass(frozen=True)
class ProjectExpectation:
    name: str
    required: tuple[str, ...]
    optional: tuple[str, ...]
    usage: str
    build: Callable[[dict[str, Any], _Context], tuple[str, dict[str, Any]]]


def _exist_in(kw: dict[str, Any], ctx: _Context) -> tuple[str, dict[str, Any]]:
    if ctx.reference is None:  # pragma: no cover - the engine always provides one
        raise ValueError("no reference loader")
    values = sorted({v for v in ctx.reference(kw["in"]) if v is not None}, key=str)
    return "expect_column_values_to_be_in_set", {"column": kw["column"], "value_set": values}


def _not_in_future(kw: dict[str, Any], ctx: _Context) -> tuple[str, dict[str, Any]]:
    dtype = str(ctx.dtypes.get(kw["column"], "Date"))
    if dtype.startswith("Datetime"):
        limit = ctx.now if "UTC" in dtype or "time_zone" in dtype else ctx.now.replace(tzinfo=None)
    elif dtype == "Date":
        # pandas sees a polars Date as a midnight timestamp: any date up to today passes.
        limit = dt.datetime.combine(ctx.now.date(), dt.time())
    else:
        raise ValueError(f"column {kw['column']!r} is {dtype}, not a date: type it as date in the schema")
    return "expect_column_values_to_be_between", {"column": kw["column"], "max_value": limit}


def _in_order(kw: dict[str, Any], ctx: _Context) -> tuple[str, dict[str, Any]]:
    return "expect_column_pair_values_a_to_be_greater_than_b", {
        "column_A": kw["end"],
        "column_B": kw["start"],
        "or_equal": True,
        "ignore_row_if": "either_value_is_missing",
    }


def _present(kw: dict[str, Any], ctx: _Context) -> tuple[str, dict[str, Any]]:
    return "expect_column_values_to_not_be_null", {"column": kw["column"]}


def _empty(kw: dict[str, Any], ctx: _Context) -> tuple[str, dict[str, Any]]:
    return "expect_column_values_to_be_null", {"column": kw["column"]}


def _http(kw: dict[str, Any], ctx: _Context) -> tuple[str, dict[str, Any]]:
    return "expect_column_values_to_match_regex", {"column": kw["column"], "regex": URL_REGEX}


def _percent(kw: dict[str, Any], ctx: _Context) -> tuple[str, dict[str, Any]]:
    return "expect_column_values_to_be_between", {"column": kw["column"], "min_value": 0, "max_value": 100}


def _not_negative(kw: dict[str, Any], ctx: _Context) -> tuple[str, dict[str, Any]]:
    return "expect_column_values_to_be_between", {"column": kw["column"], "min_value": 0}


def _parts_at_most_total(kw: dict[str, Any], ctx: _Context) -> tuple[str, dict[str, Any]]:
    # GX has no "A + B + ... <= C" for pandas; a row-conditioned null check reports exactly the
    # rows where the parts exceed the total (their line numbers and the total's value).
    parts = kw["parts"]
    if not isinstance(parts, list) or len(parts) < 2 or not all(isinstance(p, str) for p in parts):
        raise ValueError("parts must be a list of two or more column names")
    missing = [c for c in [*parts, kw["column"]] if ctx.dtypes and c not in ctx.dtypes]
    if missing:
        raise ValueError(f"no column(s) {missing} in the data")
    total = " + ".join(f"`{p}`" for p in parts)
    return "expect_column_values_to_be_null", {
        "column": kw["column"],
        "row_condition": f"({total}) > `{kw['column']}`",
        "condition_parser": "pandas",
    }


PROJECT_EXPECTATIONS: dict[str, ProjectExpectation] = {
    p.name: p
    for p in (
        ProjectExpectation(
            "expect_column_values_to_exist_in",
            ("column", "in"),
            ("mostly",),
            "column: claim_id, in: {dataset: claims, resource: claims, column: claim_id}",
            _exist_in,
        ),
        ProjectExpectation(
            "expect_column_values_to_not_be_in_future",
            ("column",),
            ("mostly",),
            "column: statement_date",
            _not_in_future,
        ),
        ProjectExpectation(
            "expect_column_pair_values_to_be_in_order",
            ("start", "end"),
            ("mostly",),
            "start: period_start, end: period_end",
            _in_order,
        ),
        ProjectExpectation(
            "expect_column_values_to_be_present_when",
            ("column", "when"),
            ("mostly",),
            "column: value, when: {kind: [count, ratio]}",
            _present,
        ),
        ProjectExpectation(
            "expect_column_values_to_be_empty_when",
            ("column", "when"),
            ("mostly",),
            "column: value, when: {kind: [assertion]}",
            _empty,
        ),
        ProjectExpectation(
            "expect_column_parts_to_sum_to_at_most",
            ("column", "parts"),
            ("mostly",),
            "column: total, parts: [ok, dns, http, tls]",
            _parts_at_most_total,
        ),
        ProjectExpectation("expect_column_values_to_be_http_urls", ("column",), ("mostly",), "column: url", _http),
        ProjectExpectation(
            "expect_column_values_to_be_percentages", ("column",), ("mostly",), "column: value", _percent
        ),
        ProjectExpectation(
            "expect_column_values_to_not_be_negative", ("column",), ("mostly",), "column: value", _not_negative
        ),
    )
}


def translate(expect: str, kwargs: dict[str, Any], ctx: _Context) -> tuple[str, dict[str, Any]]:
    """The core GX expectation name and arguments for ``expect`` (core names pass through).

    Dates written in a suite (``min_value: 2020-01-01``) become midnight timestamps, because
    pandas holds date columns as timestamps.
    """
    project = PROJECT_EXPECTATIONS.get(expect)
    if project is None:
        return expect, {k: _as_timestamp(v) for k, v in kwargs.items()}
    extra = set(kwargs) - set(project.required) - set(project.optional)
    if extra:
        raise ValueError(f"unknown argument(s) {sorted(extra)}; usage: {project.usage}")
    name, out = project.build(kwargs, ctx)
    out.update({k: kwargs[k] for k in project.optional if k in kwargs})
    return name, out


def row_condition(when: dict[str, list[Any]]) -> str:
    """A pandas ``query`` string for a ``when`` filter.

    >>> row_condition({"kind": ["count", "ratio"], "unit": ["percent"]})
    "`kind` in ['count', 'ratio'] and `unit` in ['percent']"
    """
    parts = [f"`{column}` in {list(values)!r}" for column, values in when.items()]
    return " and ".join(parts)


def _as_timestamp(value: Any) -> Any:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime.combine(value, dt.time())
    return value
