"""``verloop export scores|enps|responses|distribution|turnover|comments|reasons --by team --out FILE``.

The file holds exactly what the dashboards show — the door's published frame, with ``n``,
``suppressed``, ``reason`` and ``note`` columns and the same hidden cells — written as CSV or
XLSX with spreadsheet formulas neutralised.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer

from verloop.cli.common import DbOption, JsonOption, app
from verloop.errors import InputError


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{option} '{value}' is not a date; write it as YYYY-MM-DD, e.g. 2026-03-31.") from None


@app.command("export")
def export_command(
    what: Annotated[
        str, typer.Argument(help="scores, enps, responses, distribution, turnover, comments, reasons or watermelon.")
    ],
    out: Annotated[Path, typer.Option("--out", help="File to write: .csv or .xlsx.")],
    by: Annotated[str, typer.Option("--by", help="Group by team, site or organisation.")] = "team",
    wave: Annotated[
        str | None, typer.Option("--wave", help="One wave (default: all waves; comments: the latest).")
    ] = None,
    kind: Annotated[
        str, typer.Option("--survey", help="pulse, exit or followup (reasons: exit or followup).")
    ] = "pulse",
    start: Annotated[str | None, typer.Option("--start", help="Turnover: first day, YYYY-MM-DD.")] = None,
    end: Annotated[
        str | None, typer.Option("--end", help="Turnover: last day, YYYY-MM-DD (default: last data).")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="Language of the notes: en or nl.")] = "en",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Export group figures through the privacy door (same suppression as the dashboards)."""
    from verloop.privacy.export import export
    from verloop.store import Store

    if what == "watermelon":
        return _export_watermelon(out, by, lang, _date(start, "--start"), _date(end, "--end"), db, as_json)
    store = Store.open(db, create=False)
    try:
        path, frame = export(
            store,
            what,
            out,
            by=by,
            wave=wave,
            kind=kind,
            lang=lang,
            start=_date(start, "--start"),
            end=_date(end, "--end"),
        )
    finally:
        store.dispose()
    hidden = int(frame["suppressed"].sum()) if "suppressed" in frame else 0
    if as_json:
        typer.echo(json.dumps({"path": str(path), "rows": len(frame), "hidden_rows": hidden}))
    else:
        typer.echo(f"Wrote {len(frame)} rows ({hidden} hidden to protect small groups) to {path}")


def _export_watermelon(out: Path, by: str, lang: str, start, end, db, as_json: bool) -> None:
    """``verloop export watermelon --by team --out FILE``: the watermelon page's table (team,
    site, KPI status, people status, flag, certainty, n, suppressed, note) through the door."""
    from verloop.analysis.watermelon import export_frame
    from verloop.privacy import Door
    from verloop.privacy.export import SUFFIXES, write_table
    from verloop.store import Store

    if Path(out).suffix.lower() not in SUFFIXES:
        raise InputError(f"cannot write '{Path(out).name}': the file name must end in .csv or .xlsx.")
    store = Store.open(db, create=False)
    try:
        frame = export_frame(Door(store, lang=lang), start=start, end=end, by=by)
        path = write_table(frame, out, sheet="watermelon")
    finally:
        store.dispose()
    hidden = int(frame["suppressed"].sum())
    flagged = int(frame["flag"].sum())
    if as_json:
        typer.echo(json.dumps({"path": str(path), "rows": len(frame), "hidden_rows": hidden, "flagged": flagged}))
    else:
        typer.echo(
            f"Wrote {len(frame)} teams ({flagged} flagged as watermelon, {hidden} hidden to protect small "
            f"groups) to {path}"
        )
