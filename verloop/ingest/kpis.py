"""Importing monthly team KPIs: validate every row, then upsert on (team, month) in one transaction.

Columns: ``team, month, aht_s, service_level, csat, fcr, repeat_rate, absenteeism``; team and
month are required, the measures may be left out (at least one is needed) or left empty
(unknown). A KPI row must name a team that already exists: KPIs never create teams, so a
typo cannot invent a team with no people.
"""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy.exc import DataError, IntegrityError

from verloop.errors import InputError, StoreError
from verloop.ingest import values as v
from verloop.ingest.read import Table, canonical_table, parse_mapping, read_table
from verloop.ingest.report import Problem, refuse
from verloop.ingest.write import (
    ImportResult,
    Progress,
    Timer,
    changed_rows,
    records_of,
    report,
    stored_values,
    team_lookup,
    upsert,
)
from verloop.store.schema import TeamKpi

MEASURES = {
    # column: (low, high, low inclusive, high inclusive, percent sign allowed, expected)
    "aht_s": (0, 7200, False, False, False, "average handling time in seconds: a number above 0 and below 7200"),
    "service_level": (0, 100, True, True, True, "a percentage from 0 to 100 (e.g. 82,5)"),
    "csat": (1, 5, True, True, False, "a customer satisfaction score from 1 to 5 (e.g. 4,2)"),
    "fcr": (0, 100, True, True, True, "a percentage from 0 to 100 (e.g. 71,3)"),
    "repeat_rate": (0, 100, True, True, True, "a percentage from 0 to 100 (e.g. 12)"),
    "absenteeism": (0, 100, True, True, True, "a percentage from 0 to 100 (e.g. 6,5)"),
}
COLUMNS = ["team", "month", *MEASURES]
REQUIRED = ["team", "month"]


def validate_kpis(table: Table, today: dt.date | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Type and check every cell; one row per file row: team, month (datetime64), the measures (float)."""
    today = today or dt.date.today()
    f, rows = table.frame, table.rows
    problems: list[Problem] = []
    out: dict[str, pd.Series] = {}

    def take(name: str, result) -> None:
        out[name], found = result
        problems.extend(found)

    take("team", v.text(f["team"], rows, "team", required=True, max_length=200, collapse_spaces=True))
    take("month", v.months(f["month"], rows, "month", latest=today))
    for column, (low, high, low_inc, high_inc, percent, expected) in MEASURES.items():
        if column in f.columns:
            take(
                column,
                v.numbers(
                    f[column],
                    rows,
                    column,
                    low=low,
                    high=high,
                    low_inclusive=low_inc,
                    high_inclusive=high_inc,
                    percent=percent,
                    expected=f"{expected}, or empty when unknown",
                ),
            )
    keys = v.name_key(out["team"]).tolist()
    months = out["month"].to_numpy()
    first_row: dict[tuple, int] = {}
    for i, (key, month) in enumerate(zip(keys, months)):
        if not key or np.isnat(month):
            continue
        first = first_row.setdefault((key, month), i)
        if first != i:
            problems.append(
                Problem(
                    int(rows[i]),
                    "month",
                    f["month"].iat[i],
                    f"one row per team and month; {out['team'].iat[i]} {str(month)[:7]} is also on row {rows[first]}",
                )
            )
    return pd.DataFrame(out, index=f.index), problems


def _read(path, mapping, today) -> tuple[Table, pd.DataFrame, list[Problem]]:
    raw = read_table(path, "KPI rows")
    table = canonical_table(raw, COLUMNS, REQUIRED, parse_mapping(mapping, COLUMNS))
    if not any(c in MEASURES for c in table.columns):
        raise InputError(
            f"{raw.path.name} has no KPI columns; expected at least one of {', '.join(MEASURES)} "
            "(rename with --map 'old=new')."
        )
    if table.frame.empty:
        raise InputError(f"{raw.path.name} has a header but no rows of KPIs; nothing to import.")
    data, problems = validate_kpis(table, today)
    return table, data, problems


def read_kpis(
    path: str | Path, mapping: list[str] | dict[str, str] | None = None, today: dt.date | None = None
) -> tuple[Table, pd.DataFrame]:
    """Read and validate a KPI file without touching a database; InputError lists every problem."""
    table, data, problems = _read(path, mapping, today)
    refuse(table.path, "KPI rows", problems, COLUMNS)
    return table, data


def import_kpis(
    store,
    path: str | Path,
    mapping: list[str] | dict[str, str] | None = None,
    *,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Validate the whole file, check every team exists, then upsert on (team, month) in one transaction.

    Unknown teams are reported together with every other problem of the file.
    """
    timer = Timer()
    report(progress, "reading", 0, 0)
    table, data, problems = _read(path, mapping, today)
    measures = [c for c in MEASURES if c in table.columns]
    total = len(data)
    try:
        with store.session() as session:
            connection = session.connection()
            teams = team_lookup(connection)
            ids = {key: row[0] for key, row in teams.items()}
            team_id = v.name_key(data["team"]).map(ids)
            unknown = (team_id.isna() & (data["team"] != "")).to_numpy()
            problems += _unknown_teams(table, data, unknown, [row[1] for row in teams.values()])
            refuse(table.path, "KPI rows", problems, COLUMNS)
            report(progress, "writing", 0, total)
            frame = pd.DataFrame(
                {
                    "team_id": team_id.astype("int64"),
                    "month": v.python_dates(data["month"]),
                    **{m: data[m].astype("float64") for m in measures},
                }
            )
            stored = stored_values(
                connection, [TeamKpi.team_id, TeamKpi.month], [getattr(TeamKpi, m) for m in measures]
            )
            status = changed_rows(frame, stored, ["team_id", "month"], measures)
            to_write = frame[(status != "same").to_numpy()]
            records = records_of(to_write)
            upsert(connection, TeamKpi.__table__, records, ["team_id", "month"], measures, progress)
    except (IntegrityError, DataError) as exc:
        raise StoreError(
            f"the database refused the KPIs of {Path(path).name} ({str(exc.orig).splitlines()[0]}); "
            "nothing was imported."
        ) from exc
    counts = status.value_counts()
    return ImportResult(
        kind="KPI rows",
        file=str(path),
        source=table.source,
        rows=total,
        inserted=int(counts.get("new", 0)),
        updated=int(counts.get("changed", 0)),
        unchanged=int(counts.get("same", 0)),
        seconds=timer.seconds,
    )


def _unknown_teams(table: Table, data: pd.DataFrame, unknown: np.ndarray, known: list[str]) -> list[Problem]:
    hints: dict[str, str] = {}
    for name in data.loc[unknown, "team"].unique():
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
        hints[name] = f"; did you mean '{close[0]}'?" if close else ""
    return [
        Problem(
            int(table.rows[i]),
            "team",
            table.frame["team"].iat[i],
            f"a known team ('{data['team'].iat[i]}' is not a known team; import employees first"
            f"{hints[data['team'].iat[i]]})",
        )
        for i in np.flatnonzero(unknown)
    ]
