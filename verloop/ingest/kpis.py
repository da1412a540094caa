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
from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError

from verloop.errors import InputError, StoreError
from verloop.ingest import values as v
from verloop.ingest.read import Table, canonical_table, parse_mapping, read_table
from verloop.ingest.report import Problem, refuse
from verloop.ingest.write import ImportResult, Progress, Timer, changed_rows, records_of, report, team_lookup, upsert
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
    out = pd.DataFrame(index=f.index)
    out["team"], p = v.text(f["team"], rows, "team", required=True, max_length=200, collapse_spaces=True)
    problems += p
    out["month"], p = v.months(f["month"], rows, "month", latest=today)
    problems += p
    for column, (low, high, low_inc, high_inc, percent, expected) in MEASURES.items():
        if column not in f.columns:
            continue
        out[column], p = v.numbers(
            f[column], rows, column, low=low, high=high, low_inclusive=low_inc, high_inclusive=high_inc,
            percent=percent, expected=f"{expected}, or empty when unknown",
        )
        problems += p
    key = v.name_key(out["team"]) + "|" + out["month"].dt.strftime("%Y-%m").fillna("")
    duplicate = (out["team"] != "") & out["month"].notna() & key.duplicated(keep="first")
    if duplicate.any():
        first_row = pd.Series(rows, index=f.index).groupby(key).transform("first")
        for i in np.flatnonzero(duplicate.to_numpy()):
            problems.append(Problem(
                int(rows[i]), "month", f["month"].iat[i],
                f"one row per team and month; {out['team'].iat[i]} {out['month'].iat[i]:%Y-%m} "
                f"is also on row {first_row.iat[i]}",
            ))
    return out, problems


def read_kpis(
    path: str | Path, mapping: list[str] | dict[str, str] | None = None, today: dt.date | None = None
) -> tuple[Table, pd.DataFrame]:
    """Read and validate a KPI file without touching a database; InputError lists every problem."""
    raw = read_table(path)
    table = canonical_table(raw, COLUMNS, REQUIRED, parse_mapping(mapping, COLUMNS))
    if not any(c in MEASURES for c in table.columns):
        raise InputError(
            f"{raw.path.name} has no KPI columns; expected at least one of {', '.join(MEASURES)} "
            "(rename with --map 'old=new')."
        )
    if table.frame.empty:
        raise InputError(f"{raw.path.name} has a header but no rows of KPIs; nothing to import.")
    data, problems = validate_kpis(table, today)
    refuse(raw.path, "KPI rows", problems, COLUMNS)
    return table, data


def import_kpis(
    store,
    path: str | Path,
    mapping: list[str] | dict[str, str] | None = None,
    *,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Validate the whole file, check every team exists, then upsert on (team, month) in one transaction."""
    timer = Timer()
    report(progress, "reading", 0, 0)
    table, data = read_kpis(path, mapping, today)
    measures = [c for c in MEASURES if c in table.columns]
    total = len(data)
    report(progress, "writing", 0, total)
    try:
        with store.session() as session:
            connection = session.connection()
            teams = team_lookup(connection)
            ids = dict(zip(teams["key"], teams["id"].astype(int)))
            keys = v.name_key(data["team"])
            team_id = keys.map(ids)
            unknown = team_id.isna()
            if unknown.any():
                _refuse_unknown_teams(table, data, unknown, list(teams["name"]))
            frame = pd.DataFrame(
                {
                    "team_id": team_id.astype("int64"),
                    "month": v.python_dates(data["month"]),
                    **{m: data[m].astype("float64") for m in measures},
                }
            )
            existing = _stored(connection, measures)
            status = changed_rows(frame, existing, ["team_id", "month"], measures)
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


def _refuse_unknown_teams(table: Table, data: pd.DataFrame, unknown: pd.Series, known: list[str]) -> None:
    hints: dict[str, str] = {}
    for name in data.loc[unknown, "team"].unique():
        close = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
        hints[name] = f"; did you mean '{close[0]}'?" if close else ""
    problems = [
        Problem(int(table.rows[i]), "team", table.frame["team"].iat[i],
                f"a known team ('{data['team'].iat[i]}' is not a known team; import employees first"
                f"{hints[data['team'].iat[i]]})")
        for i in np.flatnonzero(unknown.to_numpy())
    ]
    refuse(table.path, "KPI rows", problems, COLUMNS)


def _stored(connection, measures: list[str]) -> pd.DataFrame:
    columns = [TeamKpi.team_id, TeamKpi.month, *[getattr(TeamKpi, m) for m in measures]]
    rows = connection.execute(select(*columns)).all()
    frame = pd.DataFrame(rows, columns=[c.key for c in columns], dtype=object)
    if len(frame):
        frame["team_id"] = frame["team_id"].astype("int64")
        for m in measures:
            frame[m] = frame[m].astype("float64")
    return frame
