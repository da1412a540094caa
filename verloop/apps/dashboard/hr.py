"""Turnover figures from HR records, as pure functions (no database, no display).

The dashboards need a few HR aggregates the privacy door does not compute itself; they are
computed here from a tidy employees frame and then handed to the door's suppression before
anything is shown. Definitions (so that HR can check them):

* **Annualised turnover** of a group over a period = leavers in the period / person-years
  employed in the period. Everyone employed counts — temps, fixed-term contracts and people who
  left in their first weeks — because leaving them out is how turnover gets under-reported.
  The 95 % interval is the exact Poisson (Garwood) interval of the leaver count.
* **First-90-day attrition** = share of the people hired in the period (and hired at least 90
  days before its end, so that everyone had 90 days to leave) who left, for any reason, within
  90 days. Wilson 95 % interval.
* **Regretted** = share of voluntary leavers in the period marked as regretted (unknown
  markings are left out of the denominator).
* **Cost** = voluntary leavers × replacement cost per leaver (default 20 % of an annual
  salary; organisation setting), with the interval of the leaver count.
* **Kaplan–Meier retention**: time from hire to any exit, censored at the end of the data;
  Greenwood variance with a log(−log) 95 % interval (as lifelines does).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DAYS_PER_YEAR = 365.25
Z95 = 1.959963984540054
EARLY_DAYS = 90
EMPLOYEE_COLUMNS = ["id", "team_id", "site_id", "hire_date", "exit_date", "exit_type", "regretted", "contract_hours"]


def _ts(day) -> pd.Timestamp:
    return pd.Timestamp(day).normalize()


def poisson_interval(count, exposure, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) interval for a rate ``count / exposure``; NaN where exposure is 0."""
    from scipy.special import gammaincinv

    count = np.asarray(count, dtype=float)
    exposure = np.asarray(exposure, dtype=float)
    alpha = 1 - level
    with np.errstate(divide="ignore", invalid="ignore"):
        lower = np.where(count > 0, gammaincinv(np.maximum(count, 1e-12), alpha / 2), 0.0) / exposure
        upper = gammaincinv(count + 1, 1 - alpha / 2) / exposure
    bad = ~(exposure > 0)
    return np.where(bad, np.nan, lower), np.where(bad, np.nan, upper)


def wilson_interval(successes, trials, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion; NaN where there are no trials."""
    x = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / n
        denominator = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denominator
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denominator
    bad = ~(n > 0)
    return np.where(bad, np.nan, centre - half), np.where(bad, np.nan, centre + half)


def _exposure_years(emp: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    """Person-years each employee was employed within [start, end] (end inclusive)."""
    hire = emp["hire_date"].clip(lower=start)
    stop = emp["exit_date"].fillna(end + pd.Timedelta(days=1)).clip(upper=end + pd.Timedelta(days=1))
    days = (stop - hire).dt.days.clip(lower=0)
    return days / DAYS_PER_YEAR


def _groups(emp: pd.DataFrame, by: str | None) -> pd.Series:
    return pd.Series("all", index=emp.index) if by is None else emp[by]


def turnover_rates(emp: pd.DataFrame, start, end, by: str | None = None) -> pd.DataFrame:
    """Annualised voluntary and involuntary turnover per group over [start, end].

    Returns ``group, kind, leavers, exposure_years, n, rate, lower, upper`` where ``n`` is the
    number of people employed at any time in the period (the group's size for suppression).
    """
    start, end = _ts(start), _ts(end)
    present = emp[(emp["hire_date"] <= end) & (emp["exit_date"].isna() | (emp["exit_date"] >= start))]
    exposure = _exposure_years(present, start, end)
    left = present["exit_date"].between(start, end)
    group = _groups(present, by)
    rows = []
    base = pd.DataFrame({"group": group, "exposure": exposure})
    size = base.groupby("group", sort=True)["exposure"].agg(["sum", "size"])
    for kind in ("voluntary", "involuntary"):
        leavers = (left & (present["exit_type"] == kind)).groupby(group).sum().reindex(size.index, fill_value=0)
        frame = pd.DataFrame(
            {
                "group": size.index,
                "kind": kind,
                "leavers": leavers.to_numpy().astype("int64"),
                "exposure_years": size["sum"].to_numpy(),
                "n": size["size"].to_numpy().astype("int64"),
            }
        )
        rows.append(frame)
    out = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    if not len(out):
        return pd.DataFrame(columns=["group", "kind", "leavers", "exposure_years", "n", "rate", "lower", "upper"])
    with np.errstate(divide="ignore", invalid="ignore"):
        out["rate"] = np.where(out["exposure_years"] > 0, out["leavers"] / out["exposure_years"], np.nan)
    out["lower"], out["upper"] = poisson_interval(out["leavers"], out["exposure_years"])
    return out


def month_starts(start, end) -> list[pd.Timestamp]:
    return list(pd.date_range(_ts(start).replace(day=1), _ts(end), freq="MS"))


def monthly_turnover(emp: pd.DataFrame, start, end) -> pd.DataFrame:
    """Annualised turnover per calendar month: ``month, kind, leavers, exposure_years, n, rate,
    lower, upper`` (n = people employed at some time in that month)."""
    parts = []
    for month in month_starts(start, end):
        last = (month + pd.offsets.MonthEnd(0)).normalize()
        frame = turnover_rates(emp, max(month, _ts(start)), min(last, _ts(end)))
        frame["month"] = month.date()
        parts.append(frame)
    if not parts:
        return pd.DataFrame(columns=["month", "kind", "leavers", "exposure_years", "n", "rate", "lower", "upper"])
    out = pd.concat(parts, ignore_index=True).drop(columns="group")
    return out[["month"] + [c for c in out.columns if c != "month"]]


def early_attrition(emp: pd.DataFrame, start, end, days: int = EARLY_DAYS) -> dict:
    """Share of people hired in the period who left within ``days`` (any exit type)."""
    start, end = _ts(start), _ts(end)
    hires = emp[emp["hire_date"].between(start, end - pd.Timedelta(days=days))]
    stayed_days = (hires["exit_date"] - hires["hire_date"]).dt.days
    early = int((stayed_days < days).sum())
    n = int(len(hires))
    lower, upper = wilson_interval(early, n)
    return {"hires": n, "early_leavers": early, "early_share": early / n if n else np.nan,
            "early_lower": float(lower), "early_upper": float(upper)}


def regretted_share(emp: pd.DataFrame, start, end) -> dict:
    start, end = _ts(start), _ts(end)
    voluntary = emp[(emp["exit_type"] == "voluntary") & emp["exit_date"].between(start, end)]
    marked = voluntary["regretted"].dropna().astype(bool)
    n = int(len(marked))
    regretted = int(marked.sum())
    lower, upper = wilson_interval(regretted, n)
    return {"regretted": regretted, "regretted_marked": n, "regretted_share": regretted / n if n else np.nan,
            "regretted_lower": float(lower), "regretted_upper": float(upper)}


def turnover_summary(emp: pd.DataFrame, start, end, replacement_cost_eur: float) -> pd.DataFrame:
    """One row with everything the turnover page's headline cards show."""
    rates = turnover_rates(emp, start, end)
    row: dict = {"period_start": _ts(start).date(), "period_end": _ts(end).date(), "n": int(rates["n"].iloc[0]) if len(rates) else 0}
    for kind in ("voluntary", "involuntary"):
        part = rates[rates["kind"] == kind]
        if len(part):
            r = part.iloc[0]
            row.update({f"{kind}_leavers": int(r["leavers"]), f"{kind}_rate": r["rate"],
                        f"{kind}_lower": r["lower"], f"{kind}_upper": r["upper"]})
            row["exposure_years"] = float(r["exposure_years"])
    row.update(early_attrition(emp, start, end))
    row.update(regretted_share(emp, start, end))
    voluntary = row.get("voluntary_leavers", 0)
    exposure = row.get("exposure_years", 0.0)
    lower, upper = poisson_interval(voluntary, exposure) if exposure else (np.nan, np.nan)
    row["cost_eur"] = voluntary * replacement_cost_eur
    row["cost_lower"] = float(lower * exposure * replacement_cost_eur) if exposure else np.nan
    row["cost_upper"] = float(upper * exposure * replacement_cost_eur) if exposure else np.nan
    row["replacement_cost_eur"] = replacement_cost_eur
    return pd.DataFrame([row])


def kaplan_meier(durations, observed) -> pd.DataFrame:
    """Kaplan–Meier survival with a log(−log) Greenwood interval: ``months, survival, lower,
    upper, at_risk`` (a row at time 0, then one per distinct event time)."""
    d = np.asarray(durations, dtype=float)
    e = np.asarray(observed, dtype=bool)
    if d.size == 0:
        return pd.DataFrame(columns=["months", "survival", "lower", "upper", "at_risk"])
    times = np.unique(d[e])
    order_d = np.sort(d)
    at_risk = d.size - np.searchsorted(order_d, times, side="left")
    deaths = pd.Series(d[e]).value_counts().reindex(times).to_numpy(dtype=float)
    surv = np.cumprod(1 - deaths / at_risk)
    with np.errstate(divide="ignore", invalid="ignore"):
        green = np.cumsum(deaths / (at_risk * (at_risk - deaths)))
        z = Z95
        log_s = np.log(surv)
        se = np.sqrt(green) / np.abs(log_s)
        lower = np.exp(-np.exp(np.log(-log_s) + z * se))
        upper = np.exp(-np.exp(np.log(-log_s) - z * se))
    lower = np.where(np.isfinite(lower), lower, surv)  # S = 0 or 1: the interval collapses
    upper = np.where(np.isfinite(upper), upper, surv)
    frame = pd.DataFrame({"months": times, "survival": surv, "lower": lower, "upper": upper, "at_risk": at_risk})
    start = pd.DataFrame({"months": [0.0], "survival": [1.0], "lower": [1.0], "upper": [1.0], "at_risk": [d.size]})
    return pd.concat([start, frame[frame["months"] > 0]], ignore_index=True)


def tenure_months(emp: pd.DataFrame, as_of) -> tuple[np.ndarray, np.ndarray]:
    """Months from hire to exit (observed) or to ``as_of`` (censored)."""
    end = emp["exit_date"].fillna(_ts(as_of))
    months = ((end - emp["hire_date"]).dt.days / (DAYS_PER_YEAR / 12)).clip(lower=0).to_numpy()
    return months, emp["exit_date"].notna().to_numpy()


def retention_by(emp: pd.DataFrame, by: str, as_of, max_months: float = 36.0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Kaplan–Meier curves per group: (curves, groups) with ``groups`` = group, n, leavers,
    median_months. Curves are cut at ``max_months`` (few people beyond it in 24 months of data)."""
    curves, groups = [], []
    for name, part in emp.groupby(by, sort=True, observed=True):
        months, observed = tenure_months(part, as_of)
        curve = kaplan_meier(months, observed)
        curve = curve[curve["months"] <= max_months]
        curve.insert(0, "group", name)
        curves.append(curve)
        below = curve[curve["survival"] <= 0.5]
        groups.append({"group": name, "n": int(len(part)), "leavers": int(observed.sum()),
                       "median_months": float(below["months"].iloc[0]) if len(below) else np.nan})
    curves_frame = pd.concat(curves, ignore_index=True) if curves else pd.DataFrame(
        columns=["group", "months", "survival", "lower", "upper", "at_risk"])
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
