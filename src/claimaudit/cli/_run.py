"""``claimaudit run``: the whole audit, end to end (what ``make run`` calls)."""

from __future__ import annotations

from pathlib import Path

import typer

_STYLE = {"done": "green", "warning": "yellow", "failed": "bold red", "unavailable": "yellow", "skipped": "dim"}


def register(app: typer.Typer) -> None:
    """Add ``run`` to the top-level app."""

    @app.command("run")
    def run_command(
        online: bool = typer.Option(
            True,
            "--online/--offline",
            help="Online (default): cache, then CLAIMAUDIT_MIRROR, then the network; without a network it"
            " carries on with what it has. --offline: cache and mirror only, no request leaves the machine.",
        ),
        notebook: list[str] = typer.Option(
            None,
            "--notebook",
            "-n",
            help="Run only notebooks whose names start with this (repeatable), e.g. -n 01 -n 08.",
        ),
        jobs: int = typer.Option(2, "--jobs", "-j", min=1, help="Notebooks executed in parallel."),
        pdf: bool = typer.Option(True, "--pdf/--no-pdf", help="Print the report to PDF with headless Chromium."),
        reports: Path = typer.Option(
            None, "--reports", help="Output folder (default reports/, or CLAIMAUDIT_REPORTS)."
        ),
        skip: list[str] = typer.Option(
            None, "--skip", help="Step not to run: fetch, check, audit or pdf (repeatable)."
        ),
        lang: str = typer.Option(
            "en,ur",
            "--lang",
            help="Editions of the report to make: en, ur or en,ur (default). The Urdu edition is"
            " reports/08-publish-transparency-report.ur.html / .ur.pdf.",
        ),
    ) -> None:
        """Fetch, check, audit, execute the notebooks and publish the report (HTML, PDF, index).

        Third-party files come from the cache, then CLAIMAUDIT_MIRROR, then the network (unless
        --offline); anything that could not be had is named and the run carries on without it. Everything is
        made in a staging folder and published whole or not at all: exit 0 when every step succeeded, 1 when the
        data checks, the audit or a notebook failed (nothing of the run is published then: the previous report
        stays, failed notebooks go to reports/failed/ and failed check results to reports/checks/failed/).
        Ctrl-C (exit 130) leaves reports/ as it was and says so.
        """
        from claimaudit._gc import warming_up

        with warming_up():  # see claimaudit/_gc.py
            from rich.console import Console

            from claimaudit import i18n, pipeline

        try:
            languages = i18n.parse_languages(lang)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--lang") from None
        bad = set(skip or ()) - {"fetch", "check", "audit", "pdf"}
        if bad:
            raise typer.BadParameter(
                f"cannot skip {', '.join(sorted(bad))}; choose from fetch, check, audit, pdf", param_hint="--skip"
            )

        console = Console(stderr=True)
        status = console.status("starting", spinner="dots")

        def progress(step: str, message: str) -> None:
            titles = dict(pipeline.STEPS)
            if message == titles.get(step):
                status.update(f"[bold]{step}[/]: {message} …")
                console.print(f"[bold cyan]▶ {step}[/] {message}")
                return
            state = message.split(":", 1)[0]
            if state in _STYLE:
                console.print(f"   [{_STYLE[state]}]{message}[/]", highlight=False)
            else:  # one notebook finished
                console.print(f"   [dim]·[/] {message}", highlight=False)

        try:
            with status:
                result = pipeline.run(
                    offline=not online,
                    notebooks=notebook or None,
                    jobs=jobs,
                    pdf=pdf,
                    reports=reports,
                    progress=progress,
                    skip=tuple(skip or ()),
                    languages=languages,
                )
        except KeyboardInterrupt as exc:
            console.print(f"[bold yellow]{exc or 'interrupted'}[/]", highlight=False)
            raise typer.Exit(130) from None

        console.rule()
        for step in result.steps:
            console.print(
                f"  {step.name:<10} [{_STYLE.get(step.status, 'white')}]{step.status:<11}[/] {step.seconds:6.1f} s",
                highlight=False,
            )
        stale = not result.ok  # nothing of a failed run is published
        note = " [yellow](from an earlier run: this run did not replace it)[/]" if stale else ""
        for edition, html in result.editions.items():
            if edition in languages:
                console.print(f"Report ({edition}): [bold]{html}[/]{note}")
        for edition, pdf_path in result.edition_pdfs.items():
            if edition in languages:
                console.print(f"PDF ({edition}):    [bold]{pdf_path}[/]{note}")
        if result.index:
            console.print(f"Index:  [bold]{result.index}[/] (open it in a browser)")
        if not result.ok:
            console.print("[bold red]The run did not complete:[/]")
            for problem in result.problems():
                console.print(f"  - {problem}", highlight=False)
        raise typer.Exit(result.exit_code)
