"""``claimaudit audit``: apply the rules in checks/claims to the claims ledger."""

from __future__ import annotations

import enum
from collections import Counter
from pathlib import Path

import typer

from claimaudit.errors import ClaimauditError


class Format(enum.StrEnum):
    text = "text"
    github = "github"


def audit(
    rules: Path = typer.Option(None, "--rules", help="Folder of rule files (default: checks/claims)."),
    out: Path = typer.Option(None, "--out", help="Where to write verdicts.json and verdicts.csv (default: reports/)."),
    offline: bool = typer.Option(True, "--offline/--online",
                                 help="Offline uses only the cache and mirror; online may fetch OONI / Tor data."),
    output: Format = typer.Option(
        Format.text, "--format", "-f",
        help="text: plain lines; github: a bad rule file becomes a GitHub Actions annotation at its file, line and "
        "key, and the verdict counts go to $GITHUB_STEP_SUMMARY when set.",
    ),
) -> None:
    """Audit the claims ledger: write verdicts.json and verdicts.csv.

    Exits 0 whatever the verdicts; a malformed rule file exits 2 naming file, line and key (with --format github, also as an annotation on that line).
    """
    from claimaudit.audit import run_audit, write_verdicts

    try:
        verdicts = run_audit(rules_dir=rules, offline=offline)
        json_path, csv_path = write_verdicts(verdicts, out_dir=out)
    except ClaimauditError as exc:
        if output == Format.github:
            from claimaudit.cli._github import error_annotation, write_step_summary

            typer.echo(error_annotation(exc, title="claimaudit audit"))
            write_step_summary(f"## claimaudit audit: not run\n\n```\n{exc}\n```\n")
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    counts = Counter(v.status.value for v in verdicts)
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    if output == Format.github:
        from claimaudit.cli._github import write_step_summary

        rows = "".join(f"| {status} | {n} |\n" for status, n in sorted(counts.items()))
        write_step_summary(f"## claimaudit audit: {len(verdicts)} verdicts\n\n| verdict | count |\n|---|---:|\n{rows}")
    typer.echo(f"{len(verdicts)} verdicts ({summary or 'none'})")
    typer.echo(f"wrote {json_path}")
    typer.echo(f"wrote {csv_path}")


def register(app: typer.Typer) -> None:
    """Add ``audit`` to the top-level app."""
    app.command("audit")(audit)
