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
    offline: bool = typer.Option(
        True, "--offline/--online", help="Offline uses only the cache and mirror; online may fetch OONI / Tor data."
    ),
    output: Format = typer.Option(
        Format.text,
        "--format",
        "-f",
        help="text: plain lines; github: a bad rule file becomes a GitHub Actions annotation at its file, line and "
        "key, and the verdict counts go to $GITHUB_STEP_SUMMARY when set.",
    ),
) -> None:
    """Audit the claims ledger: write verdicts.json and verdicts.csv.

    The data-quality suites of the curated datasets run first: data that fails them is refused
    (exit 1, or 2 if a dataset cannot be read) and nothing is written. Otherwise exits 0 whatever
    the verdicts; a malformed rule file exits 2 naming file, line and key (with --format github,
    also as an annotation on that line).
    """
    from claimaudit.audit import load_rules, run_audit, write_verdicts

    try:
        loaded = load_rules(rules)  # a malformed rule file is reported before the (slower) checks
        refuse_failed_data()
        verdicts = run_audit(rules=loaded, offline=offline)
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


def refuse_failed_data() -> None:
    """Run the quality suites of the curated datasets the audit reads (without writing results);
    exit non-zero, naming what failed, if they do not pass. Third-party sets are pinned by sha256,
    so they are the bytes their suites passed on; curated datasets change with every edit."""
    from claimaudit import datasets
    from claimaudit.errors import RuleError
    from claimaudit.quality import discover_suites, load_suite, run_checks

    present = set(datasets.list_datasets())
    names = []
    for file in discover_suites():
        try:
            suite = load_suite(file)
        except RuleError:
            names.append(file.stem)  # a malformed suite is reported by run_checks
            continue
        if suite.target.kind == "dataset" and suite.target.name in present:
            names.append(file.stem)
    if not names:
        return
    report = run_checks(suites=names, write=False)
    if report.ok:
        return
    typer.secho(
        "error: the audit reads data that does not pass its checks; nothing was written.", fg=typer.colors.RED, err=True
    )
    for suite in report.results:
        if suite.status in ("passed", "unavailable"):
            continue
        if suite.error:
            typer.echo(f"  {suite.name}: {suite.error['message'].splitlines()[0]}", err=True)
        for exp in suite.expectations:
            if exp.outcome in ("fail", "error"):
                where = ", ".join(f"{k} {v}" for e in exp.examples[:1] for k, v in e.items() if k in ("line", "record"))
                detail = exp.error or f"{exp.failing_rows} row(s) fail" + (f" ({where})" if where else "")
                typer.echo(f"  {suite.name}: {exp.description}: {detail}", err=True)
    typer.echo("  What to do: fix the data (`claimaudit check` shows every failing row), then audit again.", err=True)
    raise typer.Exit(report.exit_code)


def register(app: typer.Typer) -> None:
    """Add ``audit`` to the top-level app."""
    app.command("audit")(audit)
