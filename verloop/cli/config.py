"""``verloop config [--db URL] [--json]``: the configuration in force and where each value came
from (``verloop.config``), never a secret — tokens and keys show as "set" / "not set", a
database password is masked. The organisation's own settings (minimum group size, survey mode,
KPI targets) live in the database and have their own command, ``verloop settings``.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from verloop.cli.common import JsonOption, app


@app.command("config")
def config_command(
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Show the configuration a command given this --db would use (a relative SQLite path "
            "is relative to the current directory).",
            show_default=False,
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Show the effective configuration (VERLOOP_* variables, defaults, --db) without secrets."""
    from verloop.config import current

    rows = current().describe(db)
    if as_json:
        typer.echo(json.dumps(rows))
        return
    width = max(len(row["name"]) for row in rows)
    for row in rows:
        where = f"{row['source']}, ${row['variable']}" if row["variable"] else row["source"]
        typer.echo(f"{row['name']:<{width}}  {row['value']}  [{where}]")
