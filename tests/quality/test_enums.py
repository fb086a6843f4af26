"""The quality suites' value sets agree with the enums of the datapackage.json they check: the
datapackage is the one home of an enum, a suite's expect_column_values_to_be_in_set restates it
(or, under a `when:` condition, a subset of it)."""

from __future__ import annotations

import json

import pytest

from claimaudit import paths
from claimaudit.quality import discover_suites, load_suite

#: in-set expectations whose column has no enum in its datapackage (third-party descriptors and
#: an events column); a new one must add the enum to the datapackage instead of joining this list.
WITHOUT_ENUM = {
    ("events.yml", "annotate"),
    ("external-acsac-pakistan-tor-relay-users.yml", "country"),
    ("external-cenalert-events-pk.yml", "country_code"),
    ("external-ooni-fingerprints-dns.yml", "pattern_type"),
    ("external-ooni-fingerprints-http.yml", "pattern_type"),
}


def in_set_expectations():
    for path in discover_suites():
        suite = load_suite(path)
        target = suite.target
        folder = target.name if target.kind == "dataset" else f"external/{target.name}"
        descriptor = json.loads((paths.datasets_dir() / folder / "datapackage.json").read_text(encoding="utf-8"))
        resource = next(r for r in descriptor["resources"] if r["name"] == target.resource)
        fields = {f["name"]: f for f in resource.get("schema", {}).get("fields", [])}
        for spec in suite.expectations:
            if spec.expect == "expect_column_values_to_be_in_set":
                column = spec.kwargs["column"]
                enum = fields.get(column, {}).get("constraints", {}).get("enum")
                yield path.name, column, spec, enum


CASES = list(in_set_expectations())


@pytest.mark.parametrize(("suite", "column", "spec", "enum"), CASES, ids=[f"{s}:{c}:{x.line}" for s, c, x, _ in CASES])
def test_a_value_set_restates_the_datapackage_enum(suite, column, spec, enum):
    if enum is None:
        assert (suite, column) in WITHOUT_ENUM, f"{suite}: add the enum of {column!r} to its datapackage.json"
        return
    values, allowed = set(map(str, spec.kwargs["value_set"])), set(map(str, enum))
    if spec.when:
        assert values <= allowed, f"{suite} line {spec.line}: {sorted(values - allowed)} not in the datapackage enum"
    else:
        assert values == allowed, (
            f"{suite} line {spec.line}: differs from the datapackage enum by {sorted(values ^ allowed)}"
        )


def test_the_list_of_value_sets_without_an_enum_is_current():
    assert {(s, c) for s, c, _, enum in CASES if enum is None} == WITHOUT_ENUM
