"""`claimaudit ooni parse`: raw OONI measurement files -> one CSV/Parquet row per measurement."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    """Add this area's commands to the `claimaudit ooni` group."""
    app.command("parse")(parse)


def parse(
    files: list[Path] = typer.Argument(
        ..., help="Raw OONI measurements: .jsonl(.gz), .json (one or a list), postcans (.tar.gz), .post."
    ),
    out: Path = typer.Option(..., "--out", "-o", help="Output file, .csv or .parquet (written atomically)."),
    fingerprints: bool = typer.Option(
        True,
        "--fingerprints/--no-fingerprints",
        help="Match OONI's blockpage fingerprints (pinned copy, through the cache / CLAIMAUDIT_MIRROR).",
    ),
    offline: bool = typer.Option(False, "--offline", help="Never use the network to get the fingerprints."),
    workers: int = typer.Option(1, "--workers", "-j", min=1, help="Files parsed at a time, one process each."),
) -> None:
    """Parse raw OONI measurements into one row per measurement.

    Bad lines, missing keys, wrong types and truncated gzip files become rows with a
    `parse_error` (and `file`, `line`) instead of stopping the run. Columns are described in
    `claimaudit.datasets.ooni_raw`.

    \b
    Example:
      claimaudit ooni parse 2024111512_PK_webconnectivity.n0.0.jsonl.gz --out pk.parquet
    """
    from claimaudit._io import frame_suffix
    from claimaudit.datasets import ooni_raw

    frame_suffix(out)  # a wrong name fails before any parsing
    table = None
    if fingerprints:
        from claimaudit.datasets import fingerprints as fingerprint_tables

        table = fingerprint_tables.load_fingerprints(offline=offline)
    stats = ooni_raw.ReadStats()
    frame = ooni_raw.parse(files, fingerprints=table, workers=workers, stats=stats)
    ooni_raw.write(frame, out)
    errors = frame["parse_error"].is_not_null().sum()
    matched = frame["fingerprint_name"].is_not_null().sum()
    summary = f"{frame.height} rows from {len(files)} file(s) -> {out}; {errors} with parse_error"
    if stats.placeholders:
        summary += f"; {stats.placeholders} {{}} placeholder line(s) skipped (not measurements)"
    if fingerprints:
        summary += f"; {matched} with a blockpage fingerprint"
    typer.echo(summary)
