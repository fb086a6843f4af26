"""Blockpage fingerprints: validation, the opt-in rule, matching semantics (synthetic tables)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from claimaudit.datasets.fingerprints import compile_matcher, is_optin_filter, load_fingerprints, read_fingerprints
from claimaudit.errors import DataError


def synthetic_http_table() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "name": [
                "synthetic.optin_body",
                "synthetic.isp_location",
                "synthetic.nat_server",
                "synthetic.re_py",
                "synthetic.re_rust",
            ],
            "scope": ["isp", "isp", "nat", "vbw", "fp"],
            "other_names": ["synthetic.isp_xx_block_optin", "", "", "", ""],
            "location_found": ["body", "header.location", "header.server", "body", "body"],
            "pattern_type": ["contains", "prefix", "full", "regexp", "regexp"],
            "pattern": [
                "blocked for your viewing",
                "http://block.example/",
                "BlockServer/1.0",
                r"(?<=ref=)SYN\d+",
                r"<title>Denied.*</title>",
            ],
            "notes": ["Synthetic ISP filter - Opt in filter.", "synthetic forward", None, None, None],
        }
    )


def synthetic_dns_table() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "name": ["synthetic.dns_state", "synthetic.dns_safeweb"],
            "scope": ["nat", "isp"],
            "location_found": ["dns", "dns"],
            "pattern_type": ["full", "full"],
            "pattern": ["10.10.34.34", "192.0.2.86"],
            "notes": ["synthetic national DNS blockpage", "synthetic Safeweb blockpage"],
        }
    )


def candidates(*rows: tuple[int, str, str]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"row": pl.Int64, "location": pl.String, "value": pl.String}, orient="row")


@pytest.mark.parametrize(
    ("name", "other", "notes", "expected"),
    [
        ("x.pk_2", "cl.isp_pk_x_block_optin", "PK ISP Safeweb Blockpage - Opt in filter.", True),
        ("x.pk_4", "cl.dns_isp_pk_x_safeweb", "Pakistani ISP Safeweb blockpage", True),
        ("x.gb_1", "", "This is a parental opt-in porn filter.", True),
        ("cl.isp_gb_x_optinporn_forward", "", "", True),
        ("x.ru_4", "", "content filter (this might be opt-in)", False),
        ("x.pk_1", "", "PK ISP Blockpage Forward with IFrame", False),
        ("x.pk_3", "", "Pakistani ISP Surf Safely blockpage", False),
        ("x.zz_1", "", "adopting new rules; options inside", False),
    ],
)
def test_optin_rule_reads_the_fingerprint_words(name, other, notes, expected):
    assert is_optin_filter(name, other, notes) is expected


def test_read_fingerprints_combines_kinds_and_flags_optin():
    table = read_fingerprints(dns=synthetic_dns_table(), http=synthetic_http_table())
    assert table.height == 7
    assert set(table["kind"]) == {"dns", "http"}
    optin = dict(zip(table["name"], table["is_optin_filter"], strict=True))
    assert optin["synthetic.optin_body"] is True
    assert optin["synthetic.dns_safeweb"] is True
    assert optin["synthetic.dns_state"] is False
    assert table.schema["confidence_no_fp"] == pl.Int64


def test_read_fingerprints_from_csv(tmp_path: Path):
    path = tmp_path / "synthetic_fingerprints_http.csv"
    synthetic_http_table().write_csv(path)
    table = read_fingerprints(http=path)
    assert table["pattern"].to_list() == synthetic_http_table()["pattern"].to_list()


def test_read_fingerprints_missing_column_names_it():
    with pytest.raises(DataError, match="pattern_type"):
        read_fingerprints(http=synthetic_http_table().drop("pattern_type"))


def test_read_fingerprints_bad_value_names_row_and_column():
    bad = synthetic_http_table().with_columns(
        pattern_type=pl.when(pl.col("name") == "synthetic.nat_server").then(pl.lit("glob")).otherwise("pattern_type")
    )
    with pytest.raises(DataError) as info:
        read_fingerprints(http=bad)
    assert info.value.line == 4 and info.value.column == "pattern_type" and "glob" in str(info.value)


def test_read_fingerprints_rejects_empty_pattern():
    bad = synthetic_dns_table().with_columns(pattern=pl.lit(""))
    with pytest.raises(DataError, match="non-empty pattern"):
        read_fingerprints(dns=bad)


def test_match_semantics_per_pattern_type_and_location():
    matcher = compile_matcher(read_fingerprints(dns=synthetic_dns_table(), http=synthetic_http_table()))
    found = matcher.match(
        candidates(
            (0, "body", "<p>This site is blocked for your viewing.</p>"),  # contains
            (1, "header.location", "http://block.example/?u=x"),  # prefix
            (2, "header.location", "https://x.org/?r=http://block.example/"),  # not a prefix
            (3, "header.server", "BlockServer/1.0"),  # full
            (4, "header.server", "BlockServer/1.0 (x)"),  # not full
            (5, "dns", "10.10.34.34"),
            (6, "dns", "110.10.34.345"),  # superstring of a full pattern
            (7, "header.server", "blocked for your viewing"),  # body pattern, wrong location
            (8, "body", "a ref=SYN42 b"),  # python-only regexp (look-behind)
            (9, "body", "<title>Denied here</title>"),  # regexp polars runs
        )
    )
    got = dict(zip(found["row"], found["fingerprint_name"], strict=True))
    assert got == {
        0: "synthetic.optin_body",
        1: "synthetic.isp_location",
        3: "synthetic.nat_server",
        5: "synthetic.dns_state",
        8: "synthetic.re_py",
        9: "synthetic.re_rust",
    }
    scopes = dict(zip(found["row"], found["fingerprint_scope"], strict=True))
    assert scopes[3] == "nat" and scopes[9] == "fp"


def test_match_reports_every_fingerprint_once_in_first_seen_order():
    matcher = compile_matcher(read_fingerprints(http=synthetic_http_table()))
    found = matcher.match(
        candidates(
            (0, "header.location", "http://block.example/1"),
            (0, "body", "blocked for your viewing ... blocked for your viewing"),
            (0, "header.location", "http://block.example/2"),
        )
    )
    assert found["fingerprint_name"].to_list() == ["synthetic.isp_location", "synthetic.optin_body"]


def test_match_of_nothing_is_empty():
    matcher = compile_matcher(read_fingerprints(http=synthetic_http_table()))
    assert matcher.match(candidates((0, "body", "all fine"))).height == 0
    assert matcher.match(candidates()).height == 0


def test_load_fingerprints_goes_through_sources(monkeypatch: pytest.MonkeyPatch):
    calls = []

    def fake_load(name, resource, *, offline=None):
        calls.append((name, resource, offline))
        return synthetic_dns_table() if resource == "dns" else synthetic_http_table()

    monkeypatch.setattr("claimaudit.datasets.sources.load", fake_load)
    table = load_fingerprints(offline=True)
    assert calls == [("ooni-fingerprints", "dns", True), ("ooni-fingerprints", "http", True)]
    assert table.height == 7


@pytest.mark.mirror
def test_real_fingerprints_optin_rule_on_pakistani_entries(mirror: Path, isolated_cache: Path):
    table = load_fingerprints(offline=True)
    optin = dict(zip(table["name"], table["is_optin_filter"], strict=True))
    assert optin["ooni.pk_2"] is True  # Nayatel Safeweb (HTTP)
    assert optin["ooni.pk_4"] is True  # Nayatel Safeweb (DNS)
    assert optin["ooni.pk_1"] is False  # Mobilink / Jazz ISP blockpage
    assert optin["ooni.pk_3"] is False  # Nayatel SurfSafely: its notes do not say opt-in
    matcher = compile_matcher(table)
    assert {"location", "server"} <= matcher.header_names


class OONIReference:
    """OONI's matching semantics, pattern by pattern, as ``oonipipeline/fingerprintdb.py``
    (ooni/data @c8fcc72) writes them: ``full`` equality, ``contains`` substring, ``prefix``
    startswith, ``regexp`` a search with ``.`` matching newlines (re2 ``dot_nl``; Python's
    ``re.DOTALL`` here). Unlike oonipipeline's ``matches_http``, which only tries header
    fingerprints that are regexps, every pattern type is tried in every location.
    """

    def __init__(self, table: pl.DataFrame) -> None:
        import re

        self.rows = []
        for fp, (location, kind, pattern) in enumerate(
            table.select("location_found", "pattern_type", "pattern").iter_rows()
        ):
            compiled = re.compile(pattern, re.DOTALL) if kind == "regexp" else None
            self.rows.append((fp, location, kind, pattern, compiled))

    def matches(self, kind: str, pattern: str, compiled, value: str) -> bool:
        if kind == "full":
            return value == pattern
        if kind == "contains":
            return pattern in value
        if kind == "prefix":
            return value.startswith(pattern)
        return compiled.search(value) is not None

    def match(self, cands: pl.DataFrame) -> set[tuple[int, str]]:
        by_location: dict[str, list] = {}
        for item in self.rows:
            by_location.setdefault(item[1], []).append(item)
        found = set()
        for row, location, value in cands.iter_rows():
            for fp, _, kind, pattern, compiled in by_location.get(location, ()):
                if self.matches(kind, pattern, compiled, value):
                    found.add((row, fp))
        return found


@pytest.mark.mirror
def test_matching_agrees_with_oonis_semantics_on_every_real_fingerprint(mirror: Path, isolated_cache: Path):
    from claimaudit.datasets._ooni_raw._extract import Extractor
    from claimaudit.datasets._ooni_raw._read import iter_records

    table = load_fingerprints(offline=True)
    matcher = compile_matcher(table)
    rows: list[tuple[int, str, str]] = []
    # genuine candidates: every HTTP body, header and DNS answer of the OONI backend's fixtures
    extractor = Extractor(candidates=True, header_names=matcher.header_names)
    fixtures = (
        mirror
        / "raw.githubusercontent.com/ooni/backend/32d8349dc5440e75264c84c0ffe97495c7488e84/fastpath/fastpath/tests/data"
    )
    for path in sorted(fixtures.glob("*.json")):
        for _, data, _, _ in iter_records(path):
            if data is not None:
                for location, value in extractor.extract(data)[2] or ():
                    rows.append((len(rows), location, value))
    # every literal fingerprint made to fire (and near misses), regexps across newlines
    for location, kind, pattern in table.select("location_found", "pattern_type", "pattern").iter_rows():
        if kind != "regexp":
            for value in (pattern, f"<p>\n{pattern}\n</p>", pattern + " tail", pattern[:-1], pattern.upper()):
                rows.append((len(rows), location, value))
    for value in (
        "<p>Sorry, but the URL you\nare requesting is prohibited!</p>",
        '{"msg": 1,\n "id": 2}',
        "U.S.\nCyber Command",
        "URL blocked by Spider\nGate",
        "You don't have permission to access /x on this server.<P>",
        'a {"msg"} b',
    ):
        rows.append((len(rows), "body", value))
    cands = pl.DataFrame(
        rows,
        schema={"row": pl.Int64, "location": pl.String, "value": pl.String},
        orient="row",
        infer_schema_length=None,
    )
    found = matcher.match(cands)
    ours = set(found.select("row", "fingerprint_name").iter_rows())
    reference = OONIReference(table).match(cands)
    names = table["name"].to_list()
    assert ours == {(row, names[fp]) for row, fp in reference}
    assert found.height == len(ours)  # one row per (row, fingerprint name)
    literal = {fp for fp, kind in enumerate(table["pattern_type"]) if kind != "regexp"}
    assert {fp for _, fp in reference} >= literal  # every literal fingerprint fired
    assert len({fp for _, fp in reference} - literal) >= 5  # and regexps, some across newlines
