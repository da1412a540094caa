"""Importing the HR employee list: validate every row, then upsert on the HR id in one transaction.

Columns (names matched ignoring case and spacing; ``--map`` renames others):
``employee_id, team, site, role, contract_hours, hire_date, exit_date, exit_type, regretted``.
``role``, ``exit_date``, ``exit_type`` and ``regretted`` may be left out: on insert they take
their defaults (role 'agent', no exit), on update the stored values are kept. Teams and sites
are created by name when new.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import select
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
    ensure_sites,
    ensure_teams,
    report,
    upsert,
)
from verloop.store.schema import Employee

COLUMNS = [
    "employee_id",
    "team",
    "site",
    "role",
    "contract_hours",
    "hire_date",
    "exit_date",
    "exit_type",
    "regretted",
]
REQUIRED = ["employee_id", "team", "site", "contract_hours", "hire_date"]
EXIT_TYPES = {
    "voluntary": "voluntary",
    "involuntary": "involuntary",
    "vrijwillig": "voluntary",
    "onvrijwillig": "involuntary",
}
DEFAULT_ROLE = "agent"
FUTURE_DAYS = 366  # hires signed and notices given may lie ahead; further is a typo
# Columns of the Employee table fed by each file column (when present).
STORED = {
    "team": ["team_id"],
    "site": ["site_id"],
    "role": ["role"],
    "contract_hours": ["contract_hours"],
    "hire_date": ["hire_date"],
    "exit_date": ["exit_date"],
    "exit_type": ["exit_type"],
    "regretted": ["regretted"],
}


def validate_employees(table: Table, today: dt.date | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Type and check every cell and row; returns the typed frame and every problem found.

    The frame has one row per file row: hr_id, team, site (display names), role,
    contract_hours (float), hire_date / exit_date (datetime64), exit_type, regretted.
    """
    today = today or dt.date.today()
    latest = today + dt.timedelta(days=FUTURE_DAYS)
    f, rows = table.frame, table.rows
    n = len(f)
    blank = pd.Series([""] * n, index=f.index, dtype=object)
    col = lambda name: f[name] if name in f.columns else blank  # noqa: E731
    problems: list[Problem] = []
    out = pd.DataFrame(index=f.index)

    out["hr_id"], p = v.text(col("employee_id"), rows, "employee_id", required=True, max_length=100)
    problems += p
    out["team"], p = v.text(col("team"), rows, "team", required=True, max_length=200, collapse_spaces=True)
    problems += p
    out["site"], p = v.text(col("site"), rows, "site", required=True, max_length=200, collapse_spaces=True)
    problems += p
    role, p = v.text(col("role"), rows, "role", required=False, max_length=100, collapse_spaces=True)
    out["role"] = role.where(role != "", DEFAULT_ROLE)
    problems += p
    out["contract_hours"], p = v.numbers(
        col("contract_hours"), rows, "contract_hours", low=0, high=60, low_inclusive=False, required=True,
        expected="contract hours per week: a number above 0 and at most 60 (e.g. 36 or 24,5)",
    )
    problems += p
    out["hire_date"], p = v.dates(col("hire_date"), rows, "hire_date", required=True, latest=latest)
    problems += p
    out["exit_date"], p = v.dates(col("exit_date"), rows, "exit_date", required=False, latest=latest)
    problems += p
    out["exit_type"], p = v.choice(
        col("exit_type"), rows, "exit_type", EXIT_TYPES,
        "voluntary or involuntary (vrijwillig/onvrijwillig), or empty for current staff",
    )
    problems += p
    out["regretted"], p = v.booleans(col("regretted"), rows, "regretted")
    problems += p

    # Rules across cells, checked where the cells themselves were readable.
    exit_raw, type_raw = col("exit_date"), col("exit_type")
    before_hire = out["exit_date"].notna() & out["hire_date"].notna() & (out["exit_date"] < out["hire_date"])
    problems += _each(before_hire, exit_raw, rows, "exit_date",
                      lambda i: f"a date on or after the hire date ({col('hire_date').iat[i]})")
    type_missing = (exit_raw != "") & (type_raw == "")
    problems += _each(type_missing, type_raw, rows, "exit_type",
                      lambda i: f"voluntary or involuntary, because exit_date is filled ({exit_raw.iat[i]})")
    type_orphan = (exit_raw == "") & (type_raw != "")
    problems += _each(type_orphan, type_raw, rows, "exit_type",
                      lambda i: "empty, because exit_date is empty (or fill in the exit date)")
    regret_orphan = (exit_raw == "") & (out["regretted"] == True)  # noqa: E712
    problems += _each(regret_orphan, col("regretted"), rows, "regretted",
                      lambda i: "empty or no for someone without an exit_date")

    ids = out["hr_id"]
    duplicate = (ids != "") & ids.duplicated(keep="first")
    if duplicate.any():
        first_row = pd.Series(rows, index=f.index).groupby(ids).transform("first")
        problems += _each(duplicate, col("employee_id"), rows, "employee_id",
                          lambda i: f"a unique employee_id; the same id is on row {first_row.iat[i]}")
    return out, problems


def _each(mask: pd.Series, raw: pd.Series, rows: np.ndarray, column: str, expected) -> list[Problem]:
    positions = np.flatnonzero(np.asarray(mask, dtype=bool))
    return [Problem(int(rows[i]), column, raw.iat[i], expected(i)) for i in positions]


def read_employees(
    path: str | Path, mapping: list[str] | dict[str, str] | None = None, today: dt.date | None = None
) -> tuple[Table, pd.DataFrame]:
    """Read and validate an employee file without touching a database; InputError lists every problem."""
    raw = read_table(path)
    table = canonical_table(raw, COLUMNS, REQUIRED, parse_mapping(mapping, COLUMNS))
    if table.frame.empty:
        raise InputError(f"{raw.path.name} has a header but no rows of employees; nothing to import.")
    data, problems = validate_employees(table, today)
    refuse(raw.path, "employees", problems, COLUMNS)
    return table, data


def import_employees(
    store,
    path: str | Path,
    mapping: list[str] | dict[str, str] | None = None,
    *,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Validate the whole file, then upsert every employee on its HR id in one transaction.

    Nothing is written unless every row is valid. Importing the same file twice changes
    nothing; a changed row updates the stored record (only the columns the file has).
    """
    timer = Timer()
    report(progress, "reading", 0, 0)
    table, data = read_employees(path, mapping, today)
    present = [c for c in COLUMNS if c in table.columns]
    update_columns = [stored for c in present if c in STORED for stored in STORED[c]]
    total = len(data)
    report(progress, "writing", 0, total)
    try:
        with store.session() as session:
            connection = session.connection()
            sites, new_sites = ensure_sites(connection, data["site"])
            site_keys = v.name_key(data["site"])
            teams, new_teams = ensure_teams(connection, data["team"], site_keys, sites)
            frame = pd.DataFrame(
                {
                    "hr_id": data["hr_id"],
                    "team_id": v.name_key(data["team"]).map(teams).astype("int64"),
                    "site_id": site_keys.map(sites).astype("int64"),
                    "role": data["role"],
                    "contract_hours": data["contract_hours"].astype("float64"),
                    "hire_date": v.python_dates(data["hire_date"]),
                    "exit_date": v.python_dates(data["exit_date"]),
                    "exit_type": data["exit_type"],
                    "regretted": data["regretted"],
                }
            )
            existing = _stored(connection)
            status = changed_rows(frame, existing, ["hr_id"], update_columns)
            to_write = frame[(status != "same").to_numpy()]
            records = records_of(to_write)
            upsert(connection, Employee.__table__, records, ["hr_id"], update_columns, progress)
    except (IntegrityError, DataError) as exc:
        raise StoreError(
            f"the database refused the employees of {Path(path).name} ({str(exc.orig).splitlines()[0]}); "
            "nothing was imported."
        ) from exc
    counts = status.value_counts()
    return ImportResult(
        kind="employees",
        file=str(path),
        source=table.source,
        rows=total,
        inserted=int(counts.get("new", 0)),
        updated=int(counts.get("changed", 0)),
        unchanged=int(counts.get("same", 0)),
        new_sites=new_sites,
        new_teams=new_teams,
        seconds=timer.seconds,
    )


def _stored(connection) -> pd.DataFrame:
    columns = [
        Employee.hr_id, Employee.team_id, Employee.site_id, Employee.role, Employee.contract_hours,
        Employee.hire_date, Employee.exit_date, Employee.exit_type, Employee.regretted,
    ]
    rows = connection.execute(select(*columns)).all()
    frame = pd.DataFrame(rows, columns=[c.key for c in columns], dtype=object)
    if len(frame):
        frame["contract_hours"] = frame["contract_hours"].astype("float64")
        frame["team_id"] = frame["team_id"].astype("int64")
        frame["site_id"] = frame["site_id"].astype("int64")
    return frame
