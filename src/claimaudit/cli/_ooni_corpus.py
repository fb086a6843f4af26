"""`claimaudit ooni corpus` (OONI's bucket -> a Parquet dataset, on Dask) and `ooni summarize`."""

from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    """Add this area's commands to the `claimaudit ooni` group."""
    app.command("corpus")(corpus)
    app.command("summarize")(summarize)


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if n < 1000 or unit == "TB":
            return f"{n:,.0f} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1000
    return f"{n:,.1f} TB"  # pragma: no cover


def corpus(
    country: str = typer.Option(..., "--country", help="Probe country code, e.g. PK."),
    test_name: str = typer.Option(..., "--test-name", help="OONI test name(s), comma-separated: web_connectivity,tor."),
    since: str = typer.Option(..., "--since", help="First bucket day, YYYY-MM-DD."),
    until: str = typer.Option(..., "--until", help="Day after the last, YYYY-MM-DD (exclusive)."),
    out: Path = typer.Option(..., "--out", help="Output folder: date=/country=/test= partitions of Parquet files."),
    bucket: str = typer.Option("ooni-data-eu-fra", "--bucket", help="Bucket to read (anonymously)."),
    endpoint: str | None = typer.Option(
        None, "--endpoint-url", envvar="CLAIMAUDIT_OONI_S3", help="S3 endpoint URL (default AWS; $CLAIMAUDIT_OONI_S3)."
    ),
    prefer: str = typer.Option(
        "postcan", "--prefer", help="Of each pair: postcan (.tar.gz, has measurement_uid) or jsonl."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="List and print the file count and bytes; download nothing."),
    workers: int = typer.Option(
        2, "--workers", min=1, help="Processes of the LocalCluster (ignored with --scheduler)."
    ),
    scheduler: str | None = typer.Option(
        None, "--scheduler", envvar="DASK_SCHEDULER_ADDRESS", help="An existing Dask cluster, tcp://host:8786."
    ),
    batch_mb: float = typer.Option(60.0, "--batch-mb", min=0.000001, help="Compressed MB of objects per task."),
    retries: int = typer.Option(2, "--retries", min=0, help="Times Dask re-runs a failed task."),
    fingerprints: bool = typer.Option(
        True, "--fingerprints/--no-fingerprints", help="Match OONI's blockpage fingerprints."
    ),
    offline: bool = typer.Option(False, "--offline", help="Fingerprints from cache/mirror only."),
    dashboard: str | None = typer.Option(
        None, "--dashboard", help="Serve the Dask dashboard here, e.g. 127.0.0.1:8787."
    ),
) -> None:
    """Parse OONI's raw measurements of one country from its public bucket into a Parquet dataset.

    Lists the bucket anonymously (per day and hour from 2020-10-20, per day and test before),
    parses every file on Dask and writes DIR/date=/country=/test=/<file>.parquet; a rerun
    skips files already written. pl.scan_parquet(DIR) reads the result.

    \b
    Example:
      claimaudit ooni corpus --country PK --test-name web_connectivity,tor,psiphon \\
          --since 2024-01-01 --until 2025-01-01 --out pk-2024
    """
    from claimaudit.datasets import ooni_corpus

    country = country.upper()
    entries = ooni_corpus.plan(country, test_name, since, until, bucket=bucket, endpoint=endpoint, prefer=prefer)
    todo = ooni_corpus.pending(entries, out.resolve())
    total = sum(e.size for e in entries)
    todo_bytes = sum(e.size for e in todo)
    typer.echo(
        f"{len(entries):,} files, {_size(total)} ({total:,} bytes) listed in s3://{bucket} for {country} "
        f"{test_name} {since}..{until} (exclusive); to read: {len(todo):,} files, {_size(todo_bytes)}"
        + (f" ({len(entries) - len(todo):,} already written)" if len(todo) < len(entries) else "")
    )
    if dry_run:
        return
    table = None
    if fingerprints:
        from claimaudit.datasets.fingerprints import load_fingerprints

        table = load_fingerprints(offline=offline)
    request = {
        "country": country,
        "test_names": test_name,
        "since": since,
        "until": until,
        "prefer": prefer,
        "fingerprints": fingerprints,
    }
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    columns = (
        TextColumn("files"),
        MofNCompleteColumn(),
        BarColumn(),
        DownloadColumn(binary_units=False),
        TextColumn("{task.fields[measurements]:,} measurements, {task.fields[errors]:,} errors"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, disable=not console.is_terminal) as progress:
        files_task = progress.add_task("corpus", total=len(todo), measurements=0, errors=0)
        bytes_done = [0]
        counts = {"measurements": 0, "errors": 0}

        def on_result(result) -> None:
            bytes_done[0] += result.bytes
            counts["measurements"] += result.measurements
            counts["errors"] += result.errors
            progress.update(
                files_task,
                advance=result.files + result.skipped,
                measurements=counts["measurements"],
                errors=counts["errors"],
            )

        totals, failures = ooni_corpus.build(
            entries,
            out,
            request=request,
            bucket=bucket,
            endpoint=endpoint,
            fingerprints=table,
            workers=workers,
            scheduler=scheduler,
            batch_bytes=int(batch_mb * 1e6),
            retries=retries,
            dashboard=dashboard,
            on_result=on_result,
        )
    typer.echo(
        f"wrote {totals.files:,} files ({_size(totals.bytes)}): {totals.measurements:,} measurements, "
        f"{totals.errors:,} parse_error rows, {totals.placeholders:,} {{}} placeholders skipped; "
        f"{totals.skipped:,} already written -> {out}"
    )
    if failures:
        keys = [k for f in failures for k in f.keys]
        typer.secho(
            f"error: {len(failures)} task(s) failed after {retries} retries ({len(keys)} files), "
            f"first: {failures[0].error}\n  files: {', '.join(keys[:5])}{' ...' if len(keys) > 5 else ''}\n"
            "  What to do: run the same command again; files already written are skipped",
            fg=typer.colors.RED,
            err=True,
        )
        raise typer.Exit(2)


def summarize(
    folder: Path = typer.Argument(..., help="A dataset written by `claimaudit ooni corpus`."),
    out: Path = typer.Option(..., "--out", help="Output file, .csv or .parquet (written atomically)."),
    since: str | None = typer.Option(None, "--since", help="Only measurements taken from this day."),
    until: str | None = typer.Option(None, "--until", help="...and before this day (exclusive)."),
) -> None:
    """Per day x network x domain (x tool for circumvention tests): n, anomalies, blockpages, failures.

    \b
    Example:
      claimaudit ooni summarize pk-2024 --out pk-2024-summary.csv
    """
    from claimaudit._io import frame_suffix, write_frame
    from claimaudit.datasets import ooni_corpus

    frame_suffix(out)
    frame = ooni_corpus.summarize(folder, since=since, until=until)
    write_frame(frame, out)
    typer.echo(
        f"wrote {out}: {frame.height:,} rows ({frame['n'].sum():,} measurements, "
        f"{frame['blockpage_state'].sum():,} with a state blockpage, "
        f"{frame['probe_asn'].n_unique()} networks)"
    )
