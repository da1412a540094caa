"""Shared helpers for the import tests: what the database holds, in the shape of a sample frame."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, select

from verloop.store.schema import Employee, Site, Team, TeamKpi

EMPLOYEE_COLUMNS = [
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
KPI_COLUMNS = ["team", "month", "aht_s", "service_level", "csat", "fcr", "repeat_rate", "absenteeism"]


def stored_employees(store) -> pd.DataFrame:
    """Employees as the sample frames hold them, sorted by employee_id."""
    team, site = Team.__table__.alias("t"), Site.__table__.alias("s")
    query = (
        select(
            Employee.hr_id.label("employee_id"),
            team.c.name.label("team"),
            site.c.name.label("site"),
            Employee.role,
            Employee.contract_hours,
            Employee.hire_date,
            Employee.exit_date,
            Employee.exit_type,
            Employee.regretted,
        )
        .join(team, team.c.id == Employee.team_id)
        .join(site, site.c.id == Employee.site_id)
        .order_by(Employee.hr_id)
    )
    with store.engine.connect() as connection:
        rows = connection.execute(query).all()
    return _tidy(pd.DataFrame(rows, columns=EMPLOYEE_COLUMNS, dtype=object), "employee_id")


def stored_kpis(store) -> pd.DataFrame:
    query = (
        select(
            Team.name.label("team"),
            TeamKpi.month,
            TeamKpi.aht_s,
            TeamKpi.service_level,
            TeamKpi.csat,
            TeamKpi.fcr,
            TeamKpi.repeat_rate,
            TeamKpi.absenteeism,
        )
        .join(Team, Team.id == TeamKpi.team_id)
        .order_by(Team.name, TeamKpi.month)
    )
    with store.engine.connect() as connection:
        rows = connection.execute(query).all()
    return _tidy(pd.DataFrame(rows, columns=KPI_COLUMNS, dtype=object), ["team", "month"])


def _tidy(frame: pd.DataFrame, keys) -> pd.DataFrame:
    frame = frame.sort_values(keys).reset_index(drop=True)
    for column in frame.columns:
        values = frame[column]
        frame[column] = values.astype(object).where(values.notna(), None)
        if column in ("contract_hours", "aht_s", "service_level", "csat", "fcr", "repeat_rate", "absenteeism"):
            frame[column] = pd.Series(
                [None if x is None else float(x) for x in frame[column]], dtype=object, index=frame.index
            )
    return frame


def expected(frame: pd.DataFrame, keys) -> pd.DataFrame:
    """A sample frame in the same tidy shape as the stored ones."""
    return _tidy(frame.copy(), keys)


def counts(store) -> dict:
    with store.engine.connect() as connection:
        return {
            name: connection.execute(select(func.count()).select_from(table)).scalar()
            for name, table in [("sites", Site), ("teams", Team), ("employees", Employee), ("kpis", TeamKpi)]
        }


def snapshot(store) -> tuple:
    """Everything an import may touch, for before/after comparisons."""
    with store.engine.connect() as connection:
        out = []
        for table in (Site, Team, Employee, TeamKpi):
            rows = connection.execute(select(table.__table__).order_by(*table.__table__.primary_key.columns)).all()
            out.append(tuple(tuple(r) for r in rows))
    return tuple(out)
