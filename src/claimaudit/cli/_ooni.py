"""`claimaudit ooni ...`: the OONI API (aggregate), raw measurements (parse), the bucket (corpus, summarize)."""

from __future__ import annotations

import typer

ooni_app = typer.Typer(help="OONI data: API aggregation and raw-measurement parsing.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    from claimaudit.cli import _ooni_aggregate, _ooni_corpus, _ooni_parse

    _ooni_aggregate.register(ooni_app)
    _ooni_parse.register(ooni_app)
    _ooni_corpus.register(ooni_app)
    app.add_typer(ooni_app, name="ooni")
