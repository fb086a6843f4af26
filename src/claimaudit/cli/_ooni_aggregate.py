"""`claimaudit ooni aggregate`: a tidy daily table from the OONI aggregation API."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer


def aggregate_command(
    country: str = typer.Option(..., "--country", help="Probe country code, e.g. PK."),
    test_name: str = typer.Option(..., "--test-name", help="OONI test name(s), comma-separated: tor,psiphon."),
    since: str = typer.Option(..., "--since", help="First day, YYYY-MM-DD."),
    until: str = typer.Option(..., "--until", help="Day after the last, YYYY-MM-DD (exclusive, as in the API)."),
    out: Path = typer.Option(..., "--out", help="Output file: .csv or .parquet (written atomically)."),
    domain: str | None = typer.Option(None, "--domain", help="Only these domains, comma-separated."),
    asn: str | None = typer.Option(None, "--asn", help="Only this network, e.g. AS17557."),
    offline: bool = typer.Option(False, "--offline", help="Cache and mirror only."),
    mirror: Path | None = typer.Option(None, "--mirror", help="Mirror directory (default $CLAIMAUDIT_MIRROR)."),
) -> None:
    """One row per day x network x test: measurement, anomaly, confirmed, failure and ok counts.

    Example: claimaudit ooni aggregate --country PK --test-name tor,psiphon
    --since 2024-11-01 --until 2024-12-01 --out ooni-pk-vpn.csv
    """
    from claimaudit._io import frame_suffix, write_frame
    from claimaudit.datasets import ooni_api

    frame_suffix(out)  # a wrong name fails before any request
    frame = ooni_api.aggregate(
        probe_cc=country.upper(),
        test_name=test_name,
        since=since,
        until=until,
        domain=domain,
        probe_asn=asn,
        offline=offline or None,
        mirror=mirror,
    ).sort("measurement_start_day", "probe_asn", "test_name")
    write_frame(frame, out)
    days = frame["measurement_start_day"].n_unique()
    networks = frame["probe_asn"].n_unique()
    typer.echo(
        f"wrote {out}: {frame.height} rows ({days} days, {networks} networks, "
        f"{frame['measurement_count'].sum()} measurements) for {country.upper()} {test_name} "
        f"{dt.date.fromisoformat(since)}..{until} (exclusive)"
    )


def register(app: typer.Typer) -> None:
    """Add this area's commands to the `claimaudit ooni` group."""
    app.command("aggregate")(aggregate_command)
