"""OONI's blockpage fingerprints: load them, decide which are opt-in filters, match them fast.

"Anomaly" is not "blocked": only a blockpage fingerprint confirms a block. OONI publishes its
fingerprints as two CSV files (``fingerprints_dns.csv`` and ``fingerprints_http.csv``) with the
columns ``name, scope, other_names, location_found, pattern_type, pattern, confidence_no_fp,
expected_countries, source, exp_url, notes``. ``pattern_type`` is ``full`` (equality),
``prefix`` (starts with), ``contains`` (substring) or ``regexp``; ``location_found`` is ``dns``
(an A/AAAA/CNAME answer), ``body`` (the HTTP response body) or ``header.<name>`` (an HTTP
response header, name in lower case).

``scope`` (Citizen Lab's definitions): ``nat`` national-level blockpage, ``isp`` ISP-level
blockpage, ``prod`` a middlebox product, ``inst`` a voluntary institution (school, office),
``vbw`` a vague blocking word, ``fp`` a pattern of known *false positives*; a few rows carry
other values (``injb``, ``prov``) which are kept as they are.

Opt-in filters
--------------
A subscriber-chosen filter (Nayatel Safeweb in Pakistan, UK parental controls, TurkNet's family
DNS) is not a state block, but OONI files it under scope ``isp`` like a mandated ISP blockpage,
so the scope alone cannot tell them apart. The rule used here (:func:`is_optin_filter`) reads
the words of the row instead: a fingerprint is an **opt-in filter** when its ``name``,
``other_names`` or ``notes`` say ``opt-in`` / ``opt in`` / ``optin`` or name the ``Safeweb``
service, unless the mention is hedged (``might be opt-in``). With OONI's published files this
flags ``ooni.pk_2`` (Nayatel Safeweb, HTTP) and ``ooni.pk_4`` (Nayatel Safeweb, DNS), the UK and
Irish age-gate filters and TurkNet's family DNS; it does not flag ``ooni.pk_3`` (Nayatel
SurfSafely, whose notes do not say it is opt-in) nor MGTS ("might be opt-in").

>>> fps = read_fingerprints(http=pl.DataFrame({
...     "name": ["synthetic.x_1"], "scope": ["isp"], "location_found": ["body"],
...     "pattern_type": ["contains"], "pattern": ["blocked by order"],
...     "notes": ["opt-in family filter"]}))
>>> fps.select("name", "kind", "is_optin_filter").row(0)
('synthetic.x_1', 'http', True)
>>> matcher = compile_matcher(fps)
>>> cands = pl.DataFrame({"row": [0, 1], "location": ["body", "body"],
...                       "value": ["<p>blocked by order</p>", "hello"]})
>>> matcher.match(cands).select("row", "fingerprint_name").rows()
[(0, 'synthetic.x_1')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from claimaudit.errors import DataError

__all__ = [
    "FINGERPRINT_COLUMNS",
    "FingerprintMatcher",
    "compile_matcher",
    "is_optin_filter",
    "load_fingerprints",
    "read_fingerprints",
]

FINGERPRINT_COLUMNS = (
    "name",
    "scope",
    "other_names",
    "location_found",
    "pattern_type",
    "pattern",
    "confidence_no_fp",
    "expected_countries",
    "source",
    "exp_url",
    "notes",
)
_REQUIRED = ("name", "scope", "location_found", "pattern_type", "pattern")
_PATTERN_TYPES = ("full", "prefix", "contains", "regexp")
_LOCATION = re.compile(r"^(dns|body|header\.[a-z0-9-]+)$")

# "opt-in", "opt in", "optin" (also inside names such as cl.isp_gb_bt_optin_block), "Safeweb";
# a hedged "might be opt-in" / "may be opt-in" does not count.
_OPTIN = re.compile(
    r"(?<!might be )(?<!may be )(?<![a-z])opt[- ]?in(?![a-z])"
    r"|(?<![a-z])optin"
    r"|safeweb",
    re.IGNORECASE,
)


def is_optin_filter(name: str | None, other_names: str | None = None, notes: str | None = None) -> bool:
    """True when a fingerprint's own words say it is a subscriber opt-in filter (see module doc).

    >>> is_optin_filter(
    ...     "ooni.pk_2", "cl.isp_pk_nayatel_block_optin", "PK ISP Nayatel Safeweb Blockpage - Opt in filter."
    ... )
    True
    >>> is_optin_filter("ooni.pk_1", "", "PK ISP Mobillink (now Jazz) Blockpage Forward")
    False
    >>> is_optin_filter("cl.isp_ru_x", "", "content filter (this might be opt-in)")
    False
    """
    text = " ".join(part for part in (name, other_names, notes) if part)
    return bool(_OPTIN.search(text))


def read_fingerprints(
    dns: str | Path | pl.DataFrame | None = None,
    http: str | Path | pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Validate and combine OONI's DNS and HTTP fingerprint tables (CSV paths or frames).

    Returns one frame with the CSV columns (missing optional ones as null), ``kind``
    (``dns``/``http``), ``confidence_no_fp`` as Int64 and ``is_optin_filter`` (see module doc).
    Raises :class:`~claimaudit.errors.DataError` naming the file, row and column of a bad entry.
    """
    frames = []
    for kind, source in (("dns", dns), ("http", http)):
        if source is None:
            continue
        frames.append(_normalise(source, kind))
    if not frames:
        raise DataError("no fingerprint table given", hint="pass dns=..., http=... or both")
    return pl.concat(frames, how="vertical")


def load_fingerprints(*, offline: bool = False) -> pl.DataFrame:
    """OONI's pinned fingerprint tables through :func:`claimaudit.datasets.sources.load` (cache / mirror).

    ``offline=True`` never touches the network (cache or ``CLAIMAUDIT_MIRROR`` only); otherwise
    ``claimaudit.datasets.sources`` decides (cache, then mirror, then network; ``CLAIMAUDIT_OFFLINE``).

    >>> fps = load_fingerprints(offline=True)                 # doctest: +SKIP
    >>> fps.filter(pl.col("name") == "ooni.pk_2")["is_optin_filter"].item()  # doctest: +SKIP
    True
    """
    from claimaudit.datasets import _sources as sources  # late: fingerprints stay importable without the fetch layer

    # offline=False leaves the choice to claimaudit.datasets.sources (CLAIMAUDIT_OFFLINE, mirror first).
    tables: dict[str, Any] = {
        kind: sources.load("ooni-fingerprints", kind, offline=True if offline else None) for kind in ("dns", "http")
    }
    return read_fingerprints(dns=tables["dns"], http=tables["http"])


def _normalise(source: str | Path | pl.DataFrame, kind: str) -> pl.DataFrame:
    if isinstance(source, pl.DataFrame):
        frame, where = source, f"{kind} fingerprint frame"
    else:
        where = str(source)
        try:
            frame = pl.read_csv(source, infer_schema=False, encoding="utf8")
        except FileNotFoundError as exc:
            raise DataError("fingerprint file not found", file=where, hint="check the path") from exc
        except pl.exceptions.ComputeError as exc:
            raise DataError(f"not a readable CSV: {exc}", file=where, hint="re-fetch the file") from exc
    missing = [c for c in _REQUIRED if c not in frame.columns]
    if missing:
        raise DataError(
            f"missing column(s) {', '.join(missing)}",
            file=where,
            hint=f"a fingerprint table needs the columns {', '.join(FINGERPRINT_COLUMNS)}",
        )
    frame = frame.select(
        [
            (pl.col(c).cast(pl.String) if c in frame.columns else pl.lit(None, pl.String)).alias(c)
            for c in FINGERPRINT_COLUMNS
        ]
    )
    for column, ok, expected in (
        ("name", pl.col("name").is_not_null() & (pl.col("name") != ""), "a name"),
        ("pattern", pl.col("pattern").is_not_null() & (pl.col("pattern") != ""), "a non-empty pattern"),
        ("pattern_type", pl.col("pattern_type").is_in(_PATTERN_TYPES), f"one of {', '.join(_PATTERN_TYPES)}"),
        (
            "location_found",
            pl.col("location_found").str.contains(_LOCATION.pattern).fill_null(False),
            "dns, body or header.<lower-case name>",
        ),
    ):
        bad = frame.with_row_index("_row").filter(~ok.fill_null(False))
        if bad.height:
            row = bad.row(0, named=True)
            raise DataError(
                f"expected {expected}, got {row[column]!r} (fingerprint {row['name']!r})",
                file=where,
                line=int(row["_row"]) + 2,  # header is line 1
                column=column,
                hint="fix or drop that fingerprint row",
            )
    optin = [
        is_optin_filter(n, o, t)
        for n, o, t in zip(
            frame["name"].to_list(), frame["other_names"].to_list(), frame["notes"].to_list(), strict=True
        )
    ]
    return frame.with_columns(
        pl.col("confidence_no_fp").cast(pl.Int64, strict=False),
        kind=pl.lit(kind),
        is_optin_filter=pl.Series(optin, dtype=pl.Boolean),
    )


@dataclass(frozen=True)
class _Location:
    """The fingerprints of one location, compiled to be matched in one pass each.

    ``full``: equality, one hash join; ``literals``: every ``contains`` and ``prefix`` pattern in
    one Aho-Corasick automaton (``prefix`` confirmed with ``starts_with``); ``alternation``:
    every ``regexp`` polars' engine accepts, as one alternation that finds the few values worth
    testing pattern by pattern; ``python``: the rare regexps only Python's ``re`` accepts.
    """

    name: str
    full: pl.DataFrame  # pattern, fp
    literals: tuple[str, ...]
    literal_table: pl.DataFrame  # pattern, pattern_type, fp
    regexps: tuple[tuple[int, str], ...]  # (fp, polars pattern)
    alternation: str | None
    python: tuple[tuple[int, re.Pattern[str]], ...]


@dataclass(frozen=True)
class FingerprintMatcher:
    """Fingerprints compiled once for :meth:`match` (use :func:`compile_matcher`)."""

    table: pl.DataFrame
    locations: dict[str, _Location]
    header_names: frozenset[str]
    wants_dns: bool
    wants_body: bool
    _empty: pl.DataFrame = field(repr=False, default_factory=lambda: _empty_matches())

    def match(self, candidates: pl.DataFrame) -> pl.DataFrame:
        """Match candidate values; one row per (row, fingerprint), in the candidates' order.

        ``candidates`` has columns ``row`` (any integer key), ``location`` (``dns``, ``body``,
        ``header.<name>``) and ``value``. Returns ``row``, ``fingerprint_name``,
        ``fingerprint_scope``, ``fingerprint_is_optin_filter``, ``order`` (first candidate index).
        """
        if candidates.height == 0 or self.table.height == 0:
            return self._empty
        cands = candidates.select(
            pl.col("row").cast(pl.Int64), pl.col("location").cast(pl.String), pl.col("value").cast(pl.String)
        ).with_row_index("order")
        parts = []
        for (name,), sub in cands.partition_by("location", as_dict=True, include_key=False).items():
            location = self.locations.get(name)
            if location is not None:
                parts.extend(_match_location(location, sub))
        if not parts:
            return self._empty
        found = (
            pl.concat(parts)
            .group_by("row", "fp")
            .agg(pl.col("order").min())
            .join(self.table.select("fp", "name", "scope", "is_optin_filter"), on="fp")
            .sort("order", "fp")
        )
        return found.select(
            "row",
            pl.col("name").alias("fingerprint_name"),
            pl.col("scope").alias("fingerprint_scope"),
            pl.col("is_optin_filter").alias("fingerprint_is_optin_filter"),
            "order",
        )


def _match_location(loc: _Location, sub: pl.DataFrame) -> list[pl.DataFrame]:
    """(order, row, fp) of every match in one location's candidates."""
    parts = []
    if loc.full.height:
        parts.append(sub.join(loc.full, left_on="value", right_on="pattern").select("order", "row", "fp"))
    if loc.literals:
        parts.append(
            sub.with_columns(pattern=pl.col("value").str.extract_many(list(loc.literals), overlapping=True))
            .explode("pattern")
            .drop_nulls("pattern")
            .join(loc.literal_table, on="pattern")
            .filter((pl.col("pattern_type") == "contains") | pl.col("value").str.starts_with(pl.col("pattern")))
            .select("order", "row", "fp")
        )
    if loc.alternation is not None:
        hits = sub.filter(pl.col("value").str.contains(loc.alternation))  # one pass; hits are few
        if hits.height:
            for fp, pattern in loc.regexps:
                parts.append(
                    hits.filter(pl.col("value").str.contains(pattern)).select(
                        "order", "row", pl.lit(fp, pl.UInt32).alias("fp")
                    )
                )
    if loc.python:
        values = sub["value"].to_list()
        for fp, compiled in loc.python:
            keep = [compiled.search(v) is not None for v in values]
            parts.append(
                sub.filter(pl.Series(keep, dtype=pl.Boolean)).select("order", "row", pl.lit(fp, pl.UInt32).alias("fp"))
            )
    return parts


# A '{' that opens no counted repetition ({2}, {2,}, {2,5}) is a literal for Python's re and OONI's
# re2, an error for polars' engine: escaping it keeps the meaning.
_LONE_BRACE = re.compile(r"(?<!\\)\{(?!\d+(?:,\d*)?\})")


def _polars_regexp(pattern: str) -> str | None:
    """``pattern`` for polars' engine, with ``.`` matching newlines as in OONI's matcher, or None."""
    for candidate in (pattern, _LONE_BRACE.sub(r"\\{", pattern)):
        translated = f"(?s:{candidate})"
        try:
            pl.Series([""]).str.contains(translated)
            return translated
        except pl.exceptions.PolarsError:
            continue
    return None


def _empty_matches() -> pl.DataFrame:
    return pl.DataFrame(
        schema={
            "row": pl.Int64,
            "fingerprint_name": pl.String,
            "fingerprint_scope": pl.String,
            "fingerprint_is_optin_filter": pl.Boolean,
            "order": pl.UInt32,
        }
    )


def compile_matcher(fingerprints: pl.DataFrame) -> FingerprintMatcher:
    """Compile a table from :func:`read_fingerprints` / :func:`load_fingerprints` for matching.

    Per location, all patterns are matched in one pass each: ``full`` patterns by one hash
    join, ``contains``/``prefix`` by one Aho-Corasick automaton, ``regexp`` by one alternation
    (then pattern by pattern on the few values it found). Regexps are searched as OONI's own
    matcher does (``oonipipeline.fingerprintdb``: re2 with ``dot_nl``): ``.`` matches a newline.
    The rare regexp polars' engine cannot take is run with Python's ``re`` (``re.DOTALL``).
    """
    if "is_optin_filter" not in fingerprints.columns or "kind" not in fingerprints.columns:
        fingerprints = read_fingerprints(http=fingerprints)
    table = fingerprints.with_row_index("fp")
    locations = {}
    for name in table["location_found"].unique(maintain_order=True).to_list():
        rows = table.filter(pl.col("location_found") == name)
        literal_table = rows.filter(pl.col("pattern_type").is_in(["contains", "prefix"])).select(
            "pattern", "pattern_type", "fp"
        )
        regexps, python = [], []
        for fp, pattern in rows.filter(pl.col("pattern_type") == "regexp").select("fp", "pattern").iter_rows():
            translated = _polars_regexp(pattern)
            if translated is not None:
                regexps.append((fp, translated))
                continue
            try:
                python.append((fp, re.compile(pattern, re.DOTALL)))
            except re.error as exc:
                raise DataError(
                    f"regexp does not compile: {exc}", column="pattern", hint=f"fix fingerprint row {fp}"
                ) from exc
        locations[name] = _Location(
            name=name,
            full=rows.filter(pl.col("pattern_type") == "full").select("pattern", "fp").unique(maintain_order=True),
            literals=tuple(literal_table["pattern"].unique(maintain_order=True).to_list()),
            literal_table=literal_table,
            regexps=tuple(regexps),
            alternation="|".join(p for _, p in regexps) if regexps else None,
            python=tuple(python),
        )
    return FingerprintMatcher(
        table=table,
        locations=locations,
        header_names=frozenset(loc[len("header.") :] for loc in locations if loc.startswith("header.")),
        wants_dns="dns" in locations,
        wants_body="body" in locations,
    )
