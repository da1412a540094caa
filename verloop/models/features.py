"""Features per team and pulse wave (anonymous mode) and per person (HR records).

The team × wave panel is what the anonymous mode allows: respondents' scale scores are only
ever used as a team mean, and only when at least ``min_group_size`` people answered — the same
minimum group size the dashboards apply, so the models never see a group figure that HR could
not see. Outcomes are counted in a *closed cohort*: the people employed in the team when the
wave closed, followed for 3 or 6 months (exposure in person-years ends at any exit).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from verloop.domain.period import shift_months
from verloop.models.data import (
    DAYS_PER_YEAR,
    KPI_COLUMNS,
    PART_TIME_BELOW_HOURS,
    OrgData,
    headcount_at,
)

TEAM_FACTS = ("headcount", "mean_tenure_years", "share_tenure_lt_1y", "share_new_3m", "share_part_time")
DEFAULT_HORIZONS = (3, 6, 12)


def cohort_outcome(
    employees: pd.DataFrame, start: pd.Timestamp, months: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For everyone employed on ``start``: voluntary exit within ``months`` (bool), person-years
    at risk in the window (ends at any exit), and the employed mask itself."""
    end = shift_months(start, months)
    employed = headcount_at(employees, start).to_numpy()
    exit_date = employees["exit_date"]
    stop = exit_date.where(exit_date.notna() & (exit_date < end), end)
    years = ((stop - start) / pd.Timedelta(days=1) / DAYS_PER_YEAR).to_numpy(dtype=float)
    voluntary = ((employees["exit_type"] == "voluntary") & (exit_date > start) & (exit_date <= end)).to_numpy()
    return voluntary & employed, np.where(employed, np.clip(years, 0, None), 0.0), employed


def kpi_window(kpis: pd.DataFrame, start: pd.Timestamp, months: int = 3) -> pd.DataFrame:
    """Mean KPIs per team over the ``months`` calendar months before ``start``'s month."""
    first = (pd.Timestamp(start) - pd.DateOffset(months=months)).to_period("M").to_timestamp()
    last = pd.Timestamp(start).to_period("M").to_timestamp()
    window = kpis[(kpis["month"] >= first) & (kpis["month"] < last)]
    if window.empty:  # the first wave: use the wave's own month
        window = kpis[kpis["month"] == last]
    cols = [c for c in KPI_COLUMNS if c in kpis]
    return window.groupby("team_id")[cols].mean()


def team_facts(employees: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """Headcount and tenure / contract mix per team on ``day``."""
    present = employees[headcount_at(employees, day)]
    tenure = (day - present["hire_date"]) / pd.Timedelta(days=1) / DAYS_PER_YEAR
    frame = pd.DataFrame(
        {
            "team_id": present["team_id"].to_numpy(),
            "tenure": tenure.to_numpy(),
            "lt1": (tenure < 1).to_numpy(dtype=float),
            "new": (tenure < 0.25).to_numpy(dtype=float),
            "pt": (present["contract_hours"] < PART_TIME_BELOW_HOURS).to_numpy(dtype=float),
        }
    )
    g = frame.groupby("team_id")
    return pd.DataFrame(
        {
            "headcount": g.size(),
            "mean_tenure_years": g["tenure"].mean(),
            "share_tenure_lt_1y": g["lt1"].mean(),
            "share_new_3m": g["new"].mean(),
            "share_part_time": g["pt"].mean(),
        }
    )


def team_panel(
    org: OrgData,
    horizons: tuple[int, ...] = DEFAULT_HORIZONS,
    min_group_size: int | None = None,
    kpi_months: int = 3,
) -> pd.DataFrame:
    """One row per team and pulse wave: survey means (n ≥ k only), KPIs, team facts, and for
    each horizon h the voluntary leavers ``leavers_{h}m``, person-years ``exposure_{h}m`` and
    whether the window is complete (``complete_{h}m``: it ends before the data do)."""
    k = int(min_group_size or org.settings.get("min_group_size", 5))
    scores = org.scale_scores()
    scales = org.scales()
    waves = org.pulse_waves
    employees = org.employees
    rows = []
    for wave in waves.itertuples(index=False):
        start = pd.Timestamp(wave.closes_on if pd.notna(wave.closes_on) else wave.opens_on)
        facts = team_facts(employees, start)
        if facts.empty:
            continue
        wave_scores = scores[scores["wave_id"] == wave.id]
        means = wave_scores.groupby("team_id")[scales].mean()
        n = wave_scores.groupby("team_id").size().rename("n_respondents")
        part = facts.join(n, how="left").join(means, how="left")
        part["n_respondents"] = part["n_respondents"].fillna(0).astype("int64")
        part.loc[part["n_respondents"] < k, scales] = np.nan  # never model a group below k
        part = part.join(kpi_window(org.kpis, start, kpi_months), how="left")
        for h in horizons:
            left, years, employed = cohort_outcome(employees, start, h)
            team = employees["team_id"].to_numpy()
            part[f"leavers_{h}m"] = (
                pd.Series(left.astype(float)).groupby(team).sum().reindex(part.index).fillna(0)
            ).astype("int64")
            part[f"exposure_{h}m"] = pd.Series(years).groupby(team).sum().reindex(part.index).fillna(0.0)
            part[f"complete_{h}m"] = bool(shift_months(start, h) <= org.as_of)
        part["wave_id"] = int(wave.id)
        part["start"] = start
        rows.append(part.reset_index().rename(columns={"index": "team_id"}))
    if not rows:
        return pd.DataFrame()
    panel = pd.concat(rows, ignore_index=True)
    if org.invitations is not None and len(org.invitations):
        inv = org.invitations.rename(columns={"invited": "invited"})
        panel = panel.merge(inv[["wave_id", "team_id", "invited"]], on=["wave_id", "team_id"], how="left")
        panel["response_rate"] = panel["n_respondents"] / panel["invited"].where(panel["invited"] > 0)
    teams = org.teams.set_index("id")
    panel["site_id"] = panel["team_id"].map(teams["site_id"]).astype("int64")
    front = ["team_id", "site_id", "wave_id", "start", "n_respondents"]
    panel = panel[front + [c for c in panel.columns if c not in front]]
    panel.attrs.update({"scales": scales, "min_group_size": k, "horizons": tuple(horizons)})
    return panel.sort_values(["start", "team_id"]).reset_index(drop=True)
