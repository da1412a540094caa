"""Turnover figures from HR records, per employee and period (pure functions, no display).

Definitions (HR must be able to check them):

* **person-years**: days employed inside the period / 365.25, everyone counted (temps, people
  who left in their first weeks) — leaving them out is how turnover gets under-reported;
* **headcount** = person-years / length of the period in years (the average headcount);
* **leavers** = exits inside the period, split voluntary / involuntary; **regretted** among the
  voluntary ones; **early leavers** = exits within 90 days of hire;
* **annualised rate** = leavers / person-years × 100 %, with the exact Poisson (Garwood) 95 %
  interval of the count.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from verloop.domain.constants import DAYS_PER_YEAR, PART_TIME_BELOW_HOURS
from verloop.stats.intervals import poisson_interval

EARLY_DAYS = 90
COUNT_COLUMNS = ["hires", "leavers", "voluntary", "involuntary", "regretted", "early_leavers"]


def buckets(start: dt.date, end: dt.date, freq: str | None) -> list[tuple[dt.date, dt.date]]:
    """[start, end] as one period, or cut into months ("M") or quarters ("Q"), end inclusive."""
    from verloop.errors import InputError

    if end < start:
        raise InputError(f"the period ends ({end}) before it starts ({start}).")
    if freq is None:
        return [(start, end)]
    step = {"M": 1, "month": 1, "Q": 3, "quarter": 3}.get(freq)
    if step is None:
        raise InputError(f"unknown period '{freq}'; use M (months), Q (quarters) or nothing for the whole period.")
    out = []
    first = dt.date(start.year, ((start.month - 1) // step) * step + 1, 1)
    while first <= end:
        month = first.month - 1 + step
        nxt = dt.date(first.year + month // 12, month % 12 + 1, 1)
        out.append((max(first, start), min(nxt - dt.timedelta(days=1), end)))
        first = nxt
    return out


def contract_type(hours: pd.Series) -> pd.Series:
    return pd.Series(np.where(hours.astype(float) < PART_TIME_BELOW_HOURS, "part-time", "full-time"), index=hours.index)


def per_employee(employees: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Each employee's person-years and events inside [start, end]."""
    first = pd.Timestamp(start)
    stop = pd.Timestamp(end) + pd.Timedelta(days=1)
    hire = employees["hire_date"].clip(lower=first)
    leave = employees["exit_date"].fillna(stop).clip(upper=stop)
    days = (leave - hire).dt.days.clip(lower=0)
    exits = employees["exit_date"].notna() & (employees["exit_date"] >= first) & (employees["exit_date"] < stop)
    voluntary = exits & (employees["exit_type"] == "voluntary")
    out = pd.DataFrame(
        {
            "person_years": days / DAYS_PER_YEAR,
            "hires": (employees["hire_date"] >= first) & (employees["hire_date"] < stop),
            "leavers": exits,
            "voluntary": voluntary,
            "involuntary": exits & (employees["exit_type"] == "involuntary"),
            "regretted": voluntary & employees["regretted"].eq(True),
            "early_leavers": exits & ((employees["exit_date"] - employees["hire_date"]).dt.days <= EARLY_DAYS),
        },
        index=employees.index,
    )
    out[COUNT_COLUMNS] = out[COUNT_COLUMNS].astype("int64")
    return out


def rates(frame: pd.DataFrame, years) -> pd.DataFrame:
    """Add headcount and annualised rates (%, with 95 % intervals) to summed figures; ``years``
    is the length of each row's period (one number or one per row)."""
    out = frame.copy()
    exposure = out["person_years"].to_numpy(dtype=float)
    years = np.broadcast_to(np.asarray(years, dtype=float), exposure.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["headcount"] = np.where(years > 0, exposure / years, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        for kind in ("voluntary", "involuntary", "leavers"):
            name = "turnover" if kind == "leavers" else kind
            out[f"{name}_rate"] = np.where(exposure > 0, out[kind] / exposure * 100.0, np.nan)
        low, high = poisson_interval(out["voluntary"].to_numpy(), exposure)
    out["voluntary_low"] = low * 100.0
    out["voluntary_high"] = high * 100.0
    return out


__all__ = ["COUNT_COLUMNS", "buckets", "contract_type", "per_employee", "rates"]
