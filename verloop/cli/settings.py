"""``verloop settings kpi-targets`` and ``verloop settings kpi-target KPI [--target X]
[--higher|--lower] [--active|--inactive] --by NAME``: the organisation's own KPI targets that
the watermelon view judges "green outside" against. Every change is logged with who and when
(``settings_changes``, like the privacy settings).
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from verloop.cli.common import DbOption, JsonOption, app

settings_app = typer.Typer(
    help="Organisation settings: KPI targets for the watermelon view (every change is logged).",
    no_args_is_help=True,
)
app.add_typer(settings_app, name="settings")


def _table(rows) -> str:
    lines = [f"{'kpi':<15}{'target':>10}  {'direction':<10}{'counts':<8}source"]
    for row in rows:
        target = "" if row["target"] is None or row["target"] != row["target"] else f"{row['target']:g}"
        lines.append(
            f"{row['kpi']:<15}{target:>10}  {row['direction']:<10}{'yes' if row['active'] else 'no':<8}{row['source']}"
        )
    return "\n".join(lines)


@settings_app.command("kpi-targets")
def kpi_targets_command(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Show the KPI targets in force (defaults where the organisation set none)."""
    from verloop.analysis.watermelon import kpi_targets
    from verloop.store import Store

    store = Store.open(db, create=False)
    try:
        with store.session() as s:
            rows = kpi_targets(s).to_dict("records")
    finally:
        store.dispose()
    if as_json:
        typer.echo(json.dumps(rows, default=float))
    else:
        typer.echo(_table(rows))


@settings_app.command("kpi-target")
def kpi_target_command(
    kpi: Annotated[str, typer.Argument(help="aht_s, service_level, csat, fcr, repeat_rate or absenteeism.")],
    by: Annotated[str, typer.Option("--by", help="Who makes the change (for the audit log).")],
    target: Annotated[float | None, typer.Option("--target", help="The target value.")] = None,
    direction: Annotated[str | None, typer.Option("--direction", help="higher or lower is better.")] = None,
    active: Annotated[
        bool | None,
        typer.Option("--active/--inactive", help="Whether the KPI counts (a centre that dropped AHT: --inactive)."),
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Set one KPI's target, direction or whether it counts for the watermelon view."""
    from verloop.analysis.watermelon import set_kpi_target
    from verloop.errors import InputError
    from verloop.store import Store

    if target is None and direction is None and active is None:
        raise InputError("nothing to change: give --target, --direction or --active/--inactive.")
    store = Store.open(db, create=False)
    try:
        with store.session() as s:
            row = set_kpi_target(s, kpi, by, target=target, direction=direction, active=active)
    finally:
        store.dispose()
    if as_json:
        typer.echo(json.dumps(row))
    else:
        state = "counts" if row["active"] else "does not count"
        typer.echo(
            f"KPI {row['kpi']}: target {row['target']:g} ({row['direction']} is better), {state}; change logged."
        )
