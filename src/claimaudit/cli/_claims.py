"""`claimaudit claims ...`: add a claim to the ledger safely, print a template to start from."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

claims_app = typer.Typer(
    help="Add claims to the claims ledger (datasets/claims) with every check run before writing.",
    no_args_is_help=True,
)


@claims_app.command("add")
def add_command(
    file: Path = typer.Argument(
        None,
        help="A claim file (YAML, or TOML if it ends in .toml); see `claimaudit claims template`. "
        "Without it, in a terminal, you are asked for each field.",
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check and show the verdict changes; write nothing."),
    against: Path = typer.Option(
        None, "--against", help="Compare verdicts with this verdicts.json instead of auditing the ledger as it was."
    ),
    no_audit: bool = typer.Option(
        False, "--no-audit", help="Do not re-run the audit (faster; no verdict changes shown)."
    ),
    interactive: bool = typer.Option(
        False, "--interactive", "-i", help="Ask for each field (default without FILE in a terminal)."
    ),
) -> None:
    """Add one claim and its sources to datasets/claims, checked before anything is written.

    The file's values are checked against datasets/claims/datapackage.json (types, enums, patterns, required fields) and then against the ledger's quality suites on a temporary copy with the new rows added. Any problem is printed as file:line:column of the value in YOUR file, and nothing is written (exit 2). When every check passes, the claim is appended to claims.csv and its sources to sources.csv, datapackage.json is re-stamped, and the verdicts the claim changes are printed (the audit of the ledger before and after).

    Leave out claim_id and one is proposed from the claim (authority-date-what, as in the ledger). A claim that repeats an existing one, or an id already used, is refused.
    """  # noqa: E501 - typer keeps the docstring's line breaks, so each paragraph is one line
    from claimaudit.errors import ClaimauditError
    from claimaudit.pipeline import ledger as _ledger

    text = None
    if file is None:
        if not (interactive or sys.stdin.isatty()):
            typer.secho(
                "error: give a claim file (see `claimaudit claims template`), or run in a terminal "
                "to be asked for each field (--interactive)",
                fg=typer.colors.RED,
                err=True,
            )
            raise typer.Exit(2)
        file, text = _ask()
    try:
        result = _ledger.add_claim(file, text=text, dry_run=dry_run, audit=not no_audit, against=against)
    except ClaimauditError as exc:
        typer.secho(f"error: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from None
    note = " (proposed from the claim; set claim_id in the file to choose another)" if result.proposed else ""
    typer.echo(f"claim_id: {result.claim_id}{note}")
    for warning in result.warnings:
        typer.secho(warning, fg=typer.colors.YELLOW)
    if result.dry_run:
        typer.echo(
            f"dry run: every check passed; would add claims.csv line {result.claim_line} and "
            f"sources.csv {_lines(result.source_lines)}"
        )
    else:
        claims_path, sources_path, descriptor, *register = result.written
        typer.echo(f"added {_ledger.shown_path(claims_path)} line {result.claim_line}")
        typer.echo(f"added {_ledger.shown_path(sources_path)} {_lines(result.source_lines)}")
        typer.echo(f"stamped {_ledger.shown_path(descriptor)}")
        for path in register:  # claim_ids.csv, the register of issued ids
            typer.echo(f"registered {result.claim_id} in {_ledger.shown_path(path)}")
    if result.changes is None:
        return
    if not result.changes:
        typer.echo(
            f"no verdict changes (compared with {result.compared_with}): no rule selects this claim, "
            "or it does not change what the rules conclude"
        )
        return
    typer.echo(f"{len(result.changes)} verdict change(s) (compared with {result.compared_with}):")
    for change in result.changes:
        typer.echo("  " + str(change).replace("\n", "\n  "))
    if not result.dry_run:
        typer.echo("run `claimaudit run` to rebuild the report with the new claim")


def _lines(lines: list[int]) -> str:
    if len(lines) == 1:
        return f"line {lines[0]}"
    return f"lines {lines[0]}-{lines[-1]}"


@claims_app.command("template")
def template_command() -> None:
    """Print an example claim file (YAML) with every field explained; start a new claim from it.

    claimaudit claims template > new-claim.yml   # edit, then: claimaudit claims add new-claim.yml
    """
    from claimaudit.pipeline import ledger as _ledger

    typer.echo(_ledger.template(), nl=False)


def _ask() -> tuple[Path, str]:
    """Ask for each field, re-asking until the value fits the schema; save the answers as YAML."""
    from claimaudit import datasets
    from claimaudit.pipeline import ledger as _ledger

    package = datasets.read_package(_ledger.DATASET)
    claim_fields = package.resource("claims")["schema"]["fields"]
    source_fields = [f for f in package.resource("sources")["schema"]["fields"] if f["name"] != "claim_id"]
    typer.echo("New claim for datasets/claims. Empty answer = empty cell; Ctrl-C to stop (nothing is written).")

    def ask(fld: dict) -> str:
        enum = fld.get("constraints", {}).get("enum")
        label = fld["name"] + ("" if fld.get("constraints", {}).get("required") else " (optional)")
        typer.secho(f"  {fld.get('description', '')}", dim=True)
        if enum:
            label += f" [{'/'.join(map(str, enum))}]"
        while True:
            answer = str(typer.prompt(label, default="", show_default=False)).strip()
            if fld["name"] == "claim_id" and not answer:
                return ""
            problem = _ledger.check_cell(fld, answer)
            if problem is None:
                return answer
            typer.secho(f"  {fld['name']} {problem}", fg=typer.colors.RED)

    claim = {f["name"]: ask(f) for f in claim_fields}
    sources = []
    while True:
        typer.echo(f"Source {len(sources) + 1} (the page that reports the claim):")
        sources.append({f["name"]: ask(f) for f in source_fields})
        if not typer.confirm("Add another source?", default=False):
            break
    lines = ["claim:"]
    lines += [f"  {k}: {_ledger.yaml_scalar(v)}" for k, v in claim.items() if v or k != "claim_id"]
    lines.append("sources:")
    for source in sources:
        for i, (k, v) in enumerate(source.items()):
            lines.append(f"{'  - ' if i == 0 else '    '}{k}: {_ledger.yaml_scalar(v)}")
    text = "\n".join(lines) + "\n"
    draft = Path("new-claim.yml")
    n = 2
    while draft.exists():
        draft = Path(f"new-claim-{n}.yml")
        n += 1
    draft.write_text(text, encoding="utf-8")
    typer.echo(f"answers saved to {draft} (fix it and run `claimaudit claims add {draft}` if it is refused)")
    return draft, text


def register(app: typer.Typer) -> None:
    app.add_typer(claims_app, name="claims")
