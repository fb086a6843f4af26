"""`claimaudit fetch`: put every third-party source the audit uses into the cache."""

from __future__ import annotations

from pathlib import Path

import typer


def fetch_command(
    mirror: Path | None = typer.Option(
        None,
        "--mirror",
        help="A local mirror laid out as DIR/<host>/<path> (default: $CLAIMAUDIT_MIRROR).",
        file_okay=False,
    ),
    offline: bool = typer.Option(False, "--offline", help="Never use the network: cache and mirror only."),
    strict: bool = typer.Option(False, "--strict", help="Exit with code 1 if any source could not be had."),
    plan: bool = typer.Option(False, "--plan", help="Print the fetch plan (every item, one a line) and fetch nothing."),
    refresh: bool = typer.Option(
        False,
        "--refresh",
        help="Ask every live window (OONI, Tor Metrics, IODA) again, even if cached and fresh.",
    ),
) -> None:
    """Fetch everything a run reads: the pinned third-party sets, the declared live OONI / Tor
    Metrics / IODA windows, every evidence window the audit rules ask for and the windows the
    notebooks declare (one plan, the same as the fetch step of `claimaudit run`).

    Prints, per source, whether it came from the cache, the mirror or the network, or could not
    be had (and why); it carries on past failures. Pinned files are verified by sha256. Cached
    live answers whose window ends within the last 7 days are asked again after 24 hours
    (CLAIMAUDIT_LIVE_RECENT_DAYS, CLAIMAUDIT_LIVE_TTL_HOURS); --refresh asks all of them again.
    Requests are spaced to stay inside the services' per-minute quotas; waits are shown.
    """
    from rich.console import Console
    from rich.markup import escape

    from claimaudit.fetch import is_offline, live_provenance
    from claimaudit.pipeline import FetchOutcome, fetch_all, fetch_plan

    the_plan = fetch_plan()
    if plan:
        for line in the_plan.lines():
            typer.echo(line)
        return

    console = Console(highlight=False)
    style = {"cache": "green", "mirror": "cyan", "network": "blue"}

    def show(outcome: FetchOutcome) -> None:
        where = outcome.origin or "NOT AVAILABLE"
        colour = style.get(outcome.origin or "", "yellow" if outcome.origin else "red")
        console.print(f"[{colour}]{where:<14}[/{colour}] {escape(outcome.name)}  [dim]{escape(outcome.detail)}[/dim]")

    offline = is_offline(offline or None)  # --offline, else CLAIMAUDIT_OFFLINE
    if refresh and offline:
        console.print("[yellow]--refresh has no effect offline: the cache is used as it is[/yellow]")
    outcomes = fetch_all(
        offline=offline,
        mirror=mirror,
        windows=the_plan.windows,
        pinned=the_plan.pinned,
        on_outcome=show,
        refresh=refresh and not offline,
    )
    for source, row in live_provenance().items():
        console.print(
            f"[dim]{escape(source)}: as of {row['as_of']}"
            + (f" (newest {row['latest']})" if row["latest"] != row["as_of"] else "")
            + f", {row['requests']} cached answer(s)"
            + (f", {row['empty']} empty" if row["empty"] else "")
            + "[/dim]"
        )
    missing = [o for o in outcomes if not o.ok]
    console.print(
        f"{len(outcomes) - len(missing)} of {len(outcomes)} sources available"
        + (f"; {len(missing)} could not be had (set CLAIMAUDIT_MIRROR or run online)" if missing else "")
    )
    if strict and missing:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("fetch")(fetch_command)
