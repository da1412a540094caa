"""Every figure a dashboard page shows, fetched through the privacy door.

This module is the pages' only source of numbers. Survey figures (scale scores, eNPS, response
rates, distributions, reasons, comments, KPI-vs-people) are the door's own functions; the HR
figures the door does not compute (turnover with intervals, first-90-day attrition, cost,
Kaplan–Meier curves) are computed by the pure functions in ``verloop.apps.dashboard.hr`` and
then passed through the door's suppression, so every row carries ``n`` and a ``note`` and a
group below the minimum size is hidden the same way everywhere. Model outputs (drivers, team
risk, what-if) come from ``verloop.models`` and team-level ones pass the door too.

Every frame returned here is exactly what a CSV download of that chart contains.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
from sqlalchemy import select

from verloop.apps.dashboard import hr
from verloop.apps.dashboard.filters import Filters
from verloop.store.schema import Employee

# -- ranges of the pulse scales (for colour and axis scaling) --------------------------------------


@functools.lru_cache(maxsize=64)
def scale_range(scale: str) -> tuple[float, float]:
    """(min, max) of a scale's scores: 1–5 Likert, 0–100 WHO-5, 0–10 eNPS item (−100…100 as eNPS)."""
    if scale == "response_rate":
        return (0.0, 100.0)
    try:
        from verloop.apps.dashboard.i18n import _instrument

        s = _instrument("pulse").scale(scale)
        if s.scoring == "percent":
            return (0.0, 100.0)
        return (float(s.items[0].min), float(s.items[0].max))
    except Exception:
        return (1.0, 5.0)


# -- HR records (structure + employment dates; never survey answers) ------------------------------


def employees(source) -> pd.DataFrame:
    """The HR records with team, site and lead style, dates as datetime64 (cached per kernel)."""
    cached = getattr(source, "_employees", None)
    if cached is not None:
        return cached
    columns = ["id", "team_id", "site_id", "hire_date", "exit_date", "exit_type", "regretted", "contract_hours"]
    with source.store.session() as s:
        rows = s.execute(select(*(getattr(Employee, c) for c in columns))).all()
    frame = hr.as_dates(pd.DataFrame(rows, columns=columns))
    teams = source.teams.set_index("team_id")
    frame["team"] = frame["team_id"].map(teams["team"])
    frame["site"] = frame["site_id"].map(source.teams.drop_duplicates("site_id").set_index("site_id")["site"])
    frame["lead_style"] = frame["team_id"].map(teams["lead_style"])
    source._employees = frame
    return frame


def _filtered(source, filters: Filters) -> pd.DataFrame:
    frame = employees(source)
    if filters.site_id is not None:
        frame = frame[frame["site_id"] == filters.site_id]
    if filters.team_id is not None:
        frame = frame[frame["team_id"] == filters.team_id]
    return frame


def _period(source, filters: Filters) -> tuple[pd.Timestamp, pd.Timestamp]:
    end = pd.Timestamp(filters.end or source.today)
    start = pd.Timestamp(filters.start or (end - pd.DateOffset(years=1) + pd.Timedelta(days=1)))
    return start, end


def _door():
    import verloop.privacy as door

    return door


# -- turnover ----------------------------------------------------------------------------------------


def turnover_summary(source, filters: Filters) -> pd.DataFrame:
    start, end = _period(source, filters)
    summary = hr.turnover_summary(_filtered(source, filters), start, end, source.replacement_cost_eur)
    return _door().suppress_people(summary, k=source.k)


def turnover_trend(source, filters: Filters) -> pd.DataFrame:
    start, end = _period(source, filters)
    trend = hr.monthly_turnover(_filtered(source, filters), start, end)
    return _door().suppress_people(trend, k=source.k)


def turnover_by(source, filters: Filters, by: str) -> pd.DataFrame:
    start, end = _period(source, filters)
    frame = hr.turnover_rates(_filtered(source, filters), start, end, by=by)
    return _door().suppress_people(frame, k=source.k, group="group")


# -- retention -------------------------------------------------------------------------------------


def retention_curves(source, filters: Filters, by: str) -> dict:
    """Kaplan–Meier curves per hiring cohort, site or lead style; small groups suppressed."""
    emp = _filtered(source, filters).copy()
    as_of = pd.Timestamp(source.today)
    if by == "cohort":
        first = int(as_of.year) - 2
        emp["cohort"] = hr.cohort_label(emp["hire_date"], first)
    curves, groups = hr.retention_by(emp, by, as_of)
    groups = _door().suppress_people(groups, k=source.k, group="group")
    hidden = set(groups.loc[groups["suppressed"], "group"])
    curves = curves.merge(groups[["group", "n", "note", "suppressed"]], on="group", how="left")
    curves = curves[~curves["group"].isin(hidden)]
    placeholders = groups.loc[groups["suppressed"], ["group", "n", "note", "suppressed"]]
    curves = pd.concat([curves, placeholders], ignore_index=True)
    return {"curves": curves, "groups": groups}
