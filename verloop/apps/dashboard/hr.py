"""HR statistics the dashboards add to the privacy door's published figures (pure functions).

* **Intervals** of a published count come from ``verloop.stats`` (Garwood for rates, Wilson
  for shares); this module re-exports nothing of them.
* **Kaplan–Meier retention** from HR records: time from hire to any exit, censored at the end
  of the data, with delayed entry for people hired before the HR data begin — the tenure table
  and the fit are the survival notebook's (``verloop.analysis.survival.tenure_table``,
  ``verloop.stats.kaplan_meier``). Only the curves of groups the door lets through
  (``suppress_people``) are shown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from verloop.errors import InputError
from verloop.stats.survival import kaplan_meier

CURVE_COLUMNS = ["group", "months", "survival", "lower", "upper", "at_risk"]


def retention_by(
    emp: pd.DataFrame, by: str, as_of, data_start=None, max_months: float = 36.0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Kaplan–Meier curves of tenure until any exit per group: (curves, groups) with ``curves`` =
    group, months, survival, lower, upper, at_risk and ``groups`` = group, n, leavers,
    median_months. ``as_of`` is the end of the data; the HR window starts at ``data_start`` or at
    the first recorded exit if that is earlier (``verloop.analysis.survival.hr_window_start``),
    and people hired before it enter at their tenure on that day. Curves are cut at
    ``max_months``; a group whose curve cannot be estimated (nobody observed early in tenure)
    keeps its row with a blank median and no curve."""
    from verloop.analysis.survival import hr_window_start, tenure_table

    curves, groups = [], []
    emp = emp.assign(_group=emp[by])  # tenure_table adds columns of its own (e.g. a quarterly ``cohort``)
    if len(emp):
        table = tenure_table(emp, start=hr_window_start(emp, data_start), end=as_of, event=None)
    else:
        table = emp.assign(duration=pd.Series(dtype=float), entry=pd.Series(dtype=float), event=pd.Series(dtype=bool))
    for name, part in table.groupby("_group", sort=True, observed=True):
        row = {"group": name, "n": int(len(part)), "leavers": int(part["event"].sum()), "median_months": np.nan}
        try:
            km = kaplan_meier(part["duration"], part["event"], entry=part["entry"])
        except InputError:
            groups.append(row)
            continue
        curve = km.curve.rename(columns={"time": "months", "ci_low": "lower", "ci_high": "upper"})
        curve = curve[curve["months"] <= max_months]
        curve.insert(0, "group", name)
        curves.append(curve)
        if km.median <= max_months:
            row["median_months"] = km.median
        groups.append(row)
    curves_frame = pd.concat(curves, ignore_index=True) if curves else pd.DataFrame(columns=CURVE_COLUMNS)
    return curves_frame, pd.DataFrame(groups, columns=["group", "n", "leavers", "median_months"])


def as_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """Employees frame with hire/exit as datetime64 (the functions above expect that)."""
    frame = frame.copy()
    for column in ("hire_date", "exit_date"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


def cohort_label(hire_date: pd.Series, first_year: int | None = None) -> pd.Series:
    """Hiring cohort by year ('2025'); people hired before ``first_year`` as '< first_year'."""
    years = hire_date.dt.year
    if first_year is None:
        return years.astype(str)
    return years.where(years >= first_year).astype("Int64").astype(str).where(years >= first_year, f"< {first_year}")
