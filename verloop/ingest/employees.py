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
    ensure_sites,
    ensure_teams,
    records_of,
    report,
    stored_values,
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
# The Employee column each file column feeds; on update only the file's columns change.
STORED = {
    "team": "team_id",
    "site": "site_id",
    "role": "role",
    "contract_hours": "contract_hours",
    "hire_date": "hire_date",
    "exit_date": "exit_date",
    "exit_type": "exit_type",
    "regretted": "regretted",
}


def validate_employees(table: Table, today: dt.date | None = None) -> tuple[pd.DataFrame, list[Problem]]:
    """Type and check every cell and row; returns the typed frame and every problem found.

    The frame has one row per file row: hr_id, team, site (display names), role,
    contract_hours (float), hire_date / exit_date (datetime64), exit_type, regretted.
    """
    today = today or dt.date.today()
    latest = today + dt.timedelta(days=FUTURE_DAYS)
    f, rows = table.frame, table.rows
    blank = pd.Series(np.full(len(f), "", dtype=object), index=f.index)
    col = lambda name: f[name] if name in f.columns else blank  # noqa: E731
    problems: list[Problem] = []
    out: dict[str, pd.Series] = {}

    def take(name: str, result) -> None:
        out[name], found = result
        problems.extend(found)

    take("hr_id", v.text(col("employee_id"), rows, "employee_id", required=True, max_length=100))
    take("team", v.text(col("team"), rows, "team", required=True, max_length=200, collapse_spaces=True))
    take("site", v.text(col("site"), rows, "site", required=True, max_length=200, collapse_spaces=True))
    take(
        "role",
        v.text(col("role"), rows, "role", required=False, max_length=100, collapse_spaces=True, default=DEFAULT_ROLE),
    )
    take(
        "contract_hours",
        v.numbers(
            col("contract_hours"),
            rows,
            "contract_hours",
            low=0,
            high=60,
            low_inclusive=False,
            required=True,
            expected="contract hours per week: a number above 0 and at most 60 (e.g. 36 or 24,5)",
        ),
    )
    take("hire_date", v.dates(col("hire_date"), rows, "hire_date", required=True, latest=latest))
    take("exit_date", v.dates(col("exit_date"), rows, "exit_date", required=False, latest=latest))
    take(
        "exit_type",
        v.choice(
            col("exit_type"),
            rows,
            "exit_type",
            EXIT_TYPES,
            "voluntary or involuntary (vrijwillig/onvrijwillig), or empty for current staff",
        ),
    )
    take("regretted", v.booleans(col("regretted"), rows, "regretted"))

    # Rules across cells, checked where the cells themselves were readable.
    hire_raw, exit_raw, type_raw = (col(c).to_numpy() for c in ("hire_date", "exit_date", "exit_type"))
    hire, exit_ = out["hire_date"].to_numpy(), out["exit_date"].to_numpy()
    no_exit = exit_raw == ""
    before_hire = ~np.isnat(exit_) & ~np.isnat(hire) & (exit_ < hire)
    problems += _each(
        before_hire, exit_raw, rows, "exit_date", lambda i: f"a date on or after the hire date ({hire_raw[i]})"
    )
    problems += _each(
        ~no_exit & (type_raw == ""),
        type_raw,
        rows,
        "exit_type",
        lambda i: f"voluntary or involuntary, because exit_date is filled ({exit_raw[i]})",
    )
    problems += _each(
        no_exit & pd.notna(out["exit_type"].to_numpy()),
        type_raw,
        rows,
        "exit_type",
        lambda i: "empty, because exit_date is empty (or fill in the exit date)",
    )
    regretted = out["regretted"].to_numpy()
    problems += _each(
        no_exit & (regretted == True),  # noqa: E712 (an object array: True, not merely truthy)
        col("regretted").to_numpy(),
        rows,
        "regretted",
        lambda i: "empty or no for someone without an exit_date",
    )

    ids = out["hr_id"]
    duplicate = (ids != "").to_numpy() & ids.duplicated(keep="first").to_numpy()
    if duplicate.any():
        first_row = dict(zip(ids[::-1].tolist(), rows[::-1].tolist()))
        problems += _each(
            duplicate,
            col("employee_id").to_numpy(),
            rows,
            "employee_id",
            lambda i: f"a unique employee_id; the same id is on row {first_row[ids.iat[i]]}",
        )
    return pd.DataFrame(out, index=f.index), problems


def _each(mask: np.ndarray, raw: np.ndarray, rows: np.ndarray, column: str, expected) -> list[Problem]:
    """One Problem per row in mask; ``expected`` is a function of the row position."""
    return [Problem(int(rows[i]), column, raw[i], expected(i)) for i in np.flatnonzero(mask)]


def _read(path, mapping, today) -> tuple[Table, pd.DataFrame, list[Problem]]:
    raw = read_table(path, "employees")
    table = canonical_table(raw, COLUMNS, REQUIRED, parse_mapping(mapping, COLUMNS))
    has_date, has_type = "exit_date" in table.columns, "exit_type" in table.columns
    if has_date != has_type:
        given, lacking = ("exit_date", "exit_type") if has_date else ("exit_type", "exit_date")
        raise InputError(
            f"{raw.path.name} has a {given} column but no {lacking} column; the two come together "
            "(both empty for current staff), or leave both out to keep the stored exits."
        )
    if table.frame.empty:
        raise InputError(f"{raw.path.name} has a header but no rows of employees; nothing to import.")
    data, problems = validate_employees(table, today)
    return table, data, problems


def read_employees(
    path: str | Path, mapping: list[str] | dict[str, str] | None = None, today: dt.date | None = None
) -> tuple[Table, pd.DataFrame]:
    """Read and validate an employee file without touching a database; InputError lists every problem."""
    table, data, problems = _read(path, mapping, today)
    refuse(table.path, "employees", problems, COLUMNS)
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

    Nothing is written unless every row is valid — also against what is stored, when the
    file leaves out columns (a new hire date must not fall after a kept exit date). Importing
    the same file twice changes nothing; a changed row updates the record (only the columns the
    file has).
    """
    timer = Timer()
    report(progress, "reading", 0, 0)
    table, data, problems = _read(path, mapping, today)
    present = [c for c in COLUMNS if c in table.columns]
    update_columns = [STORED[c] for c in present if c in STORED]
    total = len(data)
    try:
        with store.session() as session:
            connection = session.connection()
            problems += _check_against_stored(connection, table, data)
            refuse(table.path, "employees", problems, COLUMNS)
            report(progress, "writing", 0, total)
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
            stored = stored_values(connection, [Employee.hr_id], [getattr(Employee, c) for c in update_columns])
            status = changed_rows(frame, stored, ["hr_id"], update_columns)
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


def _check_against_stored(connection, table: Table, data: pd.DataFrame) -> list[Problem]:
    """Rules that involve stored values the file leaves out: the exit columns and regretted."""
    has_exit, has_regret = "exit_date" in table.columns, "regretted" in table.columns
    if has_exit and has_regret:
        return []
    stored = stored_values(connection, [Employee.hr_id], [Employee.exit_date, Employee.regretted])
    problems: list[Problem] = []
    hire_raw = table.frame["hire_date"].to_numpy()
    exit_raw = table.frame["exit_date"].to_numpy() if has_exit else None
    hires = v.python_dates(data["hire_date"]).tolist()
    for i, (hr_id, hire) in enumerate(zip(data["hr_id"].tolist(), hires)):
        kept = stored.get((hr_id,))
        if kept is None:
            continue
        exit_date, regretted = kept
        if not has_exit and exit_date is not None and hire is not None and hire > exit_date:
            problems.append(
                Problem(
                    int(table.rows[i]),
                    "hire_date",
                    hire_raw[i],
                    f"a date on or before the exit date stored for {hr_id} ({exit_date.isoformat()}); add the "
                    "exit_date and exit_type columns to change both",
                )
            )
        if has_exit and not has_regret and regretted and exit_raw[i] == "":
            problems.append(
                Problem(
                    int(table.rows[i]),
                    "exit_date",
                    "",
                    f"an exit date, because {hr_id} is stored as a regretted leaver; add a regretted column "
                    "(empty for current staff) to clear that too",
                )
            )
    return problems
