"""How long agents stay: Kaplan–Meier curves of tenure until voluntary exit, per group.

Definitions (a researcher must be able to check them):

* **time** is tenure in months (days / 30.4375) from the hire date;
* **event** is a voluntary exit; involuntary exits and everyone still employed at the end of the
  HR data are censored. The curves therefore answer "how long do agents stay *if nobody were
  dismissed*" (the cause-specific view). With 5–8 % involuntary turnover the difference from
  a competing-risks cumulative incidence is small, and it is the question HR asks.
* **left truncation**: HR data cover a window. People hired before it are seen only from the
  window's start, when they already had some tenure; colleagues hired at the same time who left
  before the window are missing. Each person therefore enters the risk set at their tenure on
  the first day of the window (``entry``), not at zero — leaving this out makes long-serving
  survivors look like proof that everyone stays.
* **groups below k** (the organisation's minimum group size) get no curve and no figures; the
  summary table keeps them as suppressed rows (through ``verloop.privacy.suppress_people``). A
  curve stops, and a share "still here after h months" is left blank, where fewer than k people
  of the group remain at risk; numbers at risk below k are shown as "<k".

``kaplan_meier`` fits one curve per group with ``verloop.stats.kaplan_meier`` (lifelines, with
delayed entry) and a log-rank test of equal curves that respects the delayed entry
(``verloop.stats.logrank_test``). The door's retention figure (``Door.retention``, the
dashboards' retention page) uses the same tenure table and the same fit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from verloop.domain.constants import DAYS_PER_MONTH
from verloop.domain.period import end_of_data
from verloop.errors import InputError
from verloop.stats.survival import LogRank, logrank_test
from verloop.stats.survival import kaplan_meier as fit_kaplan_meier

HORIZONS = (3, 6, 12, 24)
EARLY_MONTHS = 3  # the first 90 days


# -- the tenure table --------------------------------------------------------------------------


def _quarter(dates: pd.Series) -> pd.Series:
    labels = dates.dt.year.astype("Int64").astype(str) + "Q" + dates.dt.quarter.astype("Int64").astype(str)
    return labels.where(dates.notna())


def tenure_table(
    employees: pd.DataFrame,
    start=None,
    end=None,
    event: str | None = "voluntary",
) -> pd.DataFrame:
    """One row per employee at risk inside [start, end]: ``duration`` and ``entry`` in months,
    ``event`` (left with ``exit_type == event`` by ``end``; ``event=None``: any exit), ``cohort``
    (hire quarter, only for people hired inside the window), ``cohort_year``, and every column
    of ``employees``.

    ``employees`` needs ``hire_date, exit_date, exit_type`` (e.g. ``data.employees_frame``).
    ``start`` defaults to the first recorded exit (nobody who left earlier is in the data);
    ``end`` to the end of the HR data (``verloop.domain.end_of_data`` of the hires and exits:
    the last recorded one, never after today).
    """
    needed = {"hire_date", "exit_date"} | ({"exit_type"} if event is not None else set())
    if not needed <= set(employees.columns):
        missing = ", ".join(sorted(needed - set(employees.columns)))
        raise InputError(f"the employees frame lacks column(s) {missing}; load it with employees_frame(org).")
    frame = employees.copy()
    hire = pd.to_datetime(frame["hire_date"])
    leave = pd.to_datetime(frame["exit_date"])
    if hire.isna().any():
        raise InputError(f"{int(hire.isna().sum())} employee(s) have no hire date; every HR record needs one.")
    end = pd.Timestamp(end if end is not None else end_of_data(exits=[leave.max()], hires=[hire.max()]))
    if start is None:
        start = leave.min() if leave.notna().any() else hire.min()
    start = pd.Timestamp(start)
    if end <= start:
        raise InputError(f"the observation window ends ({end.date()}) before it starts ({start.date()}).")
    at_risk = (hire <= end) & (leave.isna() | (leave >= start))
    frame, hire, leave = frame[at_risk].copy(), hire[at_risk], leave[at_risk]
    stop = leave.where(leave.notna() & (leave <= end), end)
    frame["duration"] = ((stop - hire).dt.days / DAYS_PER_MONTH).astype("float64")
    frame["entry"] = ((start - hire).dt.days.clip(lower=0) / DAYS_PER_MONTH).astype("float64")
    kind = frame["exit_type"] == event if event is not None else True
    frame["event"] = (leave.notna() & (leave <= end) & kind).astype(bool)
    in_window = hire >= start
    frame["cohort"] = pd.Categorical(_quarter(hire.where(in_window)))
    frame["cohort_year"] = hire.dt.year.where(in_window).astype("Int64")
    # someone who leaves on the first day of the window enters and leaves at once: keep them
    # counted by nudging the exit a hair past their entry
    same = frame["duration"] <= frame["entry"]
    frame.loc[same, "duration"] = frame.loc[same, "entry"] + 1e-6
    frame.attrs.update(start=start, end=end, event=event)
    return frame.reset_index(drop=True)


# -- Kaplan–Meier per group ---------------------------------------------------------------------


@dataclass
class SurvivalCurves:
    """Kaplan–Meier curves per group with a summary table and a log-rank test.

    ``summary``: ``group, n, events, median, median_low, median_high`` (months; ``inf`` when
    the curve stays above 50 %), ``stay_<h>m`` (share still employed after h months, with
    ``_low``/``_high``), then ``suppressed, reason, note``. ``curves``: ``group, months,
    survival, ci_low, ci_high, at_risk`` for the groups shown. ``test``: log-rank over the
    groups shown (None with fewer than two).
    """

    by: str | None
    k: int
    summary: pd.DataFrame
    curves: pd.DataFrame
    test: LogRank | None
    horizons: tuple[int, ...] = HORIZONS
    fitters: dict = field(default_factory=dict, repr=False)

    @property
    def shown(self) -> list:
        """Groups with a curve (large enough and estimable)."""
        return self.summary.loc[~self.summary["suppressed"] & self.summary["estimable"], "group"].tolist()

    def at_risk(self, times) -> pd.DataFrame:
        """Number of people under observation at each tenure in ``times`` (entered by then and
        not yet gone), one row per group shown. With delayed entry it can rise over time."""
        times = np.asarray(times, dtype=float)
        rows = {}
        for group in self.shown:
            kmf = self.fitters[group]
            entry = np.zeros(len(kmf.durations)) if kmf.entry is None else np.asarray(kmf.entry, dtype=float)
            duration = np.asarray(kmf.durations, dtype=float)
            rows[group] = [int(((entry <= t) & (duration > t)).sum()) for t in times]
        return pd.DataFrame.from_dict(rows, orient="index", columns=times)

    def table(self, digits: int = 1) -> pd.DataFrame:
        """The summary for reading: medians as "14.2 (11.0–18.3)" or "not reached", shares in %."""
        out = pd.DataFrame(
            {"group": self.summary["group"], "n": self.summary["n"], "voluntary exits": self.summary["events"]}
        )
        out["median months (95% CI)"] = [
            "suppressed" if s else (_median_text(m, lo, hi, digits) if e else "–")
            for m, lo, hi, s, e in zip(
                self.summary["median"],
                self.summary["median_low"],
                self.summary["median_high"],
                self.summary["suppressed"],
                self.summary["estimable"],
            )
        ]
        for h in self.horizons:
            col = f"stay_{h}m"
            out[f"still here after {h} m"] = [
                "suppressed"
                if s
                else ("–" if not np.isfinite(v) else f"{100 * v:.0f}% ({100 * lo:.0f}–{100 * hi:.0f})")
                for v, lo, hi, s in zip(
                    self.summary[col],
                    self.summary[f"{col}_low"],
                    self.summary[f"{col}_high"],
                    self.summary["suppressed"],
                )
            ]
        out["note"] = self.summary["note"]
        return out


def _median_text(m: float, lo: float, hi: float, digits: int) -> str:
    if not np.isfinite(m):
        return "not reached"

    def fmt(v):
        return f"{v:.{digits}f}" if np.isfinite(v) else "∞"

    return f"{fmt(m)} ({fmt(lo)}–{fmt(hi)})"


def _group_label(value) -> str:
    return "all" if value is None else str(value)


def kaplan_meier(
    table: pd.DataFrame,
    by: str | None = None,
    k: int | None = None,
    horizons: tuple[int, ...] = HORIZONS,
    alpha: float = 0.05,
) -> SurvivalCurves:
    """Kaplan–Meier curves of ``table`` (from ``tenure_table``), one per value of ``by``.

    Rows where ``by`` is missing (e.g. ``cohort`` for people hired before the window) are left
    out. Groups with fewer than ``k`` people are suppressed, and so is the next-smallest group
    when the hidden one could otherwise be worked out from the total. ``k`` defaults to the
    organisation's (recorded by ``org_tenure_table`` / ``employees_frame``).
    """
    from verloop.analysis.data import group_size_of
    from verloop.privacy import suppress_people

    k = group_size_of(table, k)

    if by is not None and by not in table.columns:
        raise InputError(f"cannot group by '{by}': the tenure table has no such column.")
    data = table if by is None else table[table[by].notna()]
    if data.empty:
        raise InputError("no employees to analyse" + (f" with a value for '{by}'" if by else "") + ".")
    if by is None:
        groups = [(None, data)]
    else:
        column = data[by]
        if isinstance(column.dtype, pd.CategoricalDtype):
            values = [c for c in column.cat.categories if (column == c).any()]
        else:
            values = sorted(column.unique().tolist())
        groups = [(v, data[column == v]) for v in values]

    rows, curves, fitters = [], [], {}
    for value, part in groups:
        label = _group_label(value)
        row = {"group": label, "n": len(part), "events": int(part["event"].sum())}
        try:
            km = fit_kaplan_meier(part["duration"], part["event"], entry=part["entry"], alpha=alpha, label=label)
        except InputError:  # nobody at risk early in tenure (everyone entered late): no curve
            rows.append({**row, "estimable": False})
            continue
        row["estimable"] = True
        fitters[label] = km.fitter
        median_low, median_high = km.median_ci
        row.update(median=km.median, median_low=median_low, median_high=median_high)
        for h, n_at_risk in zip(horizons, km.at_risk(horizons)):
            if n_at_risk < k:  # beyond follow-up, or too few left to show
                row.update({f"stay_{h}m": np.nan, f"stay_{h}m_low": np.nan, f"stay_{h}m_high": np.nan})
                continue
            s, lo, hi = km.at(h)
            row.update({f"stay_{h}m": s, f"stay_{h}m_low": lo, f"stay_{h}m_high": hi})
        rows.append(row)
        curves.append(
            km.curve.rename(columns={"time": "months"}).assign(group=label)[
                ["group", "months", "survival", "ci_low", "ci_high", "at_risk"]
            ]
        )
    summary = pd.DataFrame(rows)
    estimable = summary.pop("estimable").fillna(False).astype(bool).to_numpy()
    figures = [c for c in summary.columns if c not in ("group", "n")]
    summary = suppress_people(summary, k, group="group", n="n", figures=figures, strata=[], unit="employees")
    summary["events"] = summary["events"].astype("Int64")
    summary.insert(summary.columns.get_loc("suppressed"), "estimable", estimable)
    lacking = ~summary["estimable"] & ~summary["suppressed"]
    summary.loc[lacking, "note"] = "no curve: too few people were at risk early in their tenure"
    shown = summary.loc[~summary["suppressed"] & summary["estimable"], "group"].tolist()
    curves_frame = pd.concat(curves, ignore_index=True) if curves else pd.DataFrame()
    if len(curves_frame):  # a curve stops where fewer than k people remain at risk
        curves_frame = curves_frame[curves_frame["group"].isin(shown) & (curves_frame["at_risk"] >= k)]
        curves_frame = curves_frame.reset_index(drop=True)
    test = None
    if by is not None and len(shown) >= 2:
        keep = data[data[by].map(_group_label).isin(shown)]
        test = logrank_test(keep["duration"], keep["event"], keep[by].map(_group_label), keep["entry"])
    fitters = {g: f for g, f in fitters.items() if g in shown}
    return SurvivalCurves(
        by=by, k=int(k), summary=summary, curves=curves_frame, test=test, horizons=tuple(horizons), fitters=fitters
    )


def hr_window_start(employees: pd.DataFrame, data_start=None) -> pd.Timestamp | None:
    """The first day of the HR window: the data's first day (first survey wave or KPI month),
    or the first recorded exit if HR data reach back further (nobody who left before it is in
    the data). ``None`` when neither is known (``tenure_table`` then uses its own default)."""
    first_exit = pd.to_datetime(employees["exit_date"]).min()
    candidates = [pd.Timestamp(d) for d in (data_start, first_exit) if d is not None and not pd.isna(d)]
    return min(candidates) if candidates else None


def org_tenure_table(org, event: str = "voluntary") -> pd.DataFrame:
    """``tenure_table`` of an organisation (``OrgData``) over its HR window (``hr_window_start``)."""
    from verloop.analysis.data import employees_frame

    employees = employees_frame(org)
    return tenure_table(employees, start=hr_window_start(employees, org.data_window()[0]), event=event)


def survival_by(org, by: str | None = None, k: int | None = None, **kwargs) -> SurvivalCurves:
    """Kaplan–Meier of voluntary exits for an organisation (``OrgData``), grouped by a column of
    the tenure table: ``lead_style``, ``site``, ``team``, ``contract``, ``cohort``, ``cohort_year``."""
    from verloop.analysis.data import min_group_size

    table = org_tenure_table(org)
    return kaplan_meier(table, by=by, k=min_group_size(org) if k is None else k, **kwargs)


def window_text(table: pd.DataFrame) -> str:
    """One line on what the tenure table covers (for a notebook)."""
    start, end = table.attrs.get("start"), table.attrs.get("end")
    truncated = int((table["entry"] > 0).sum())
    return (
        f"{len(table)} employees observed from {start:%d %b %Y} to {end:%d %b %Y}; "
        f"{int(table['event'].sum())} voluntary exits; {truncated} were hired before the window "
        f"and enter the risk set at their tenure on {start:%d %b %Y}."
    )


def describe(result: SurvivalCurves) -> str:
    """A few sentences (Markdown) on what the curves show, naming only groups that are shown."""
    summary = result.summary[~result.summary["suppressed"] & result.summary["estimable"]]
    if summary.empty:
        return f"No group is large enough to show (minimum group size k = {result.k})."

    def median(row) -> str:
        if not np.isfinite(row["median"]):
            return "not reached within the observed tenure"
        high = "∞" if not np.isfinite(row["median_high"]) else f"{row['median_high']:.1f}"
        return f"{row['median']:.1f} months (95% CI {row['median_low']:.1f}–{high})"

    early = f"stay_{EARLY_MONTHS}m"
    if result.by is None:
        row = summary.iloc[0]
        text = f"Half of all agents have left voluntarily after **{median(row)}**"
        if early in summary and np.isfinite(row[early]):
            text += (
                f"; **{100 * (1 - row[early]):.0f} %** leave within their first {EARLY_MONTHS} months "
                f"(95% CI {100 * (1 - row[early + '_high']):.0f}–{100 * (1 - row[early + '_low']):.0f} %)"
            )
        return text + "."
    parts = [
        f"- **{row['group']}** (n = {row['n']}): median tenure until voluntary exit {median(row)}"
        + (
            f"; {100 * (1 - row[early]):.0f} % gone within {EARLY_MONTHS} months"
            if early in summary and np.isfinite(row[early])
            else ""
        )
        for _, row in summary.iterrows()
    ]
    text = "\n".join(parts)
    if result.test is not None:
        verdict = (
            "the curves differ more than chance would explain"
            if result.test.p_value < 0.05
            else "the data do not show a difference between the curves"
        )
        text += f"\n\nLog-rank test: {result.test.sentence()} — {verdict}."
    hidden = int(result.summary["suppressed"].sum())
    if hidden:
        text += f" {hidden} group(s) with fewer than k = {result.k} people are not shown."
    return text


__all__ = [
    "DAYS_PER_MONTH",
    "EARLY_MONTHS",
    "HORIZONS",
    "SurvivalCurves",
    "describe",
    "hr_window_start",
    "kaplan_meier",
    "org_tenure_table",
    "survival_by",
    "tenure_table",
    "window_text",
]
