"""``verloop import employees|kpis FILE``: bring HR and KPI exports into the database."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from verloop.cli.common import DbOption, JsonOption, app
from verloop.errors import InputError, VerloopError

import_app = typer.Typer(
    help="Import HR employee lists and monthly team KPIs (CSV or XLSX). Any invalid row refuses the "
    "whole file with a list of every problem; nothing is half-imported.",
    no_args_is_help=True,
)
app.add_typer(import_app, name="import")

FileArgument = Annotated[
    Path,
    typer.Argument(
        help="CSV (UTF-8, separated by , ; or tab; decimal comma or point) or XLSX file.",
        show_default=False,
    ),
]
MapOption = Annotated[
    list[str] | None,
    typer.Option(
        "--map",
        help="Rename a column: --map 'Personeelsnummer=employee_id' (repeat for more); --map 'Naam=' ignores a column.",
        show_default=False,
    ),
]


class _Progress:
    """tqdm on stderr, shown only when the import takes more than a second (and stderr is a terminal)."""

    def __init__(self, kind: str):
        self.kind = kind
        self.bar = None
        self.announced = False

    def __call__(self, phase: str, done: int, total: int) -> None:
        if phase != "writing":
            return
        if not self.announced:
            typer.echo(f"Writing {total} {self.kind}…", err=True)
            self.announced = True
            from tqdm import tqdm

            self.bar = tqdm(
                total=total,
                desc=f"import {self.kind}",
                unit="row",
                delay=1.0,
                disable=None,
                file=sys.stderr,
                leave=False,
            )
        if self.bar is not None and done > self.bar.n:
            self.bar.update(done - self.bar.n)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _run(kind: str, file: Path, mappings: list[str] | None, db: str | None, as_json: bool) -> None:
    from verloop.ingest import import_employees, import_kpis
    from verloop.ingest.report import problem_dicts
    from verloop.store import Store

    importer = import_employees if kind == "employees" else import_kpis
    progress = _Progress(kind if kind == "employees" else "KPI rows")
    try:
        store = Store.open(db)
        try:
            result = importer(store, file, mappings or None, progress=progress)
        finally:
            progress.close()
            store.dispose()
    except VerloopError as exc:
        if not as_json:
            raise
        typer.echo(json.dumps({"message": str(exc), "errors": problem_dicts(exc)}, ensure_ascii=False))
        # The details went to stdout as JSON; stderr gets the one sentence and the exit code is 1.
        raise type(exc)(str(exc)) if isinstance(exc, InputError) else exc from None
    if as_json:
        typer.echo(json.dumps({**result.to_dict(), "database": store.display_url}, ensure_ascii=False))
    else:
        typer.echo(result.summary(store.display_url))


@import_app.command("employees")
def employees(file: FileArgument, mapping: MapOption = None, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Import or update employees from an HR export (upsert on employee_id).

    Columns: employee_id, team, site, role, contract_hours, hire_date, exit_date, exit_type,
    regretted (exit fields empty for current staff). New teams and sites are created by name.
    """
    _run("employees", file, mapping, db, as_json)


@import_app.command("kpis")
def kpis(file: FileArgument, mapping: MapOption = None, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Import or update monthly team KPIs (upsert on team and month).

    Columns: team, month, aht_s, service_level, csat, fcr, repeat_rate, absenteeism. The teams
    must exist already (import employees first).
    """
    _run("kpis", file, mapping, db, as_json)
