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

``kaplan_meier`` fits one lifelines ``KaplanMeierFitter`` per group and a log-rank test of
equal curves that respects the delayed entry (lifelines' ``multivariate_logrank_test`` has no
entry argument, so the test is computed here and checked against lifelines without truncation).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from verloop.errors import InputError

DAYS_PER_MONTH = 30.4375
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
    event: str = "voluntary",
) -> pd.DataFrame:
    """One row per employee at risk inside [start, end]: ``duration`` and ``entry`` in months,
    ``event`` (left with ``exit_type == event`` by ``end``), ``cohort`` (hire quarter, only for
    people hired inside the window), ``cohort_year``, and every column of ``employees``.

    ``employees`` needs ``hire_date, exit_date, exit_type`` (e.g. ``data.employees_frame``).
    ``start`` defaults to the first recorded exit (nobody who left earlier is in the data);
    ``end`` to the last hire or exit date (the end of the HR data).
    """
    needed = {"hire_date", "exit_date", "exit_type"}
    if not needed <= set(employees.columns):
        missing = ", ".join(sorted(needed - set(employees.columns)))
        raise InputError(f"the employees frame lacks column(s) {missing}; load it with employees_frame(org).")
    frame = employees.copy()
    hire = pd.to_datetime(frame["hire_date"])
    leave = pd.to_datetime(frame["exit_date"])
    if hire.isna().any():
        raise InputError(f"{int(hire.isna().sum())} employee(s) have no hire date; every HR record needs one.")
    end = pd.Timestamp(end) if end is not None else max(hire.max(), leave.max() if leave.notna().any() else hire.max())
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
    frame["event"] = (leave.notna() & (leave <= end) & (frame["exit_type"] == event)).astype(bool)
    in_window = hire >= start
    frame["cohort"] = pd.Categorical(_quarter(hire.where(in_window)))
    frame["cohort_year"] = hire.dt.year.where(in_window).astype("Int64")
    # someone who leaves on the first day of the window enters and leaves at once: keep them
    # counted by nudging the exit a hair past their entry
    same = frame["duration"] <= frame["entry"]
    frame.loc[same, "duration"] = frame.loc[same, "entry"] + 1e-6
    frame.attrs.update(start=start, end=end, event=event)
    return frame.reset_index(drop=True)


# -- log-rank test with delayed entry -----------------------------------------------------------


@dataclass(frozen=True)
class LogRank:
    """Log-rank test of equal survival curves across groups (chi-square with groups − 1 df)."""

    statistic: float
    df: int
    p_value: float
    table: pd.DataFrame  # group, n, observed, expected

    def sentence(self) -> str:
        p = "< 0.001" if self.p_value < 0.001 else f"= {self.p_value:.3f}"
        return f"log-rank χ²({self.df}) = {self.statistic:.1f}, p {p}"


def logrank_test(duration, event, group, entry=None) -> LogRank:
    """Log-rank test across groups; ``entry`` (delayed entry times) keeps a person out of the
    risk set until their entry time. Without ``entry`` it equals lifelines'
    ``multivariate_logrank_test``."""
    duration = np.asarray(duration, dtype=float)
    event = np.asarray(event, dtype=bool)
    group = pd.Series(np.asarray(group, dtype=object))
    entry = np.zeros_like(duration) if entry is None else np.asarray(entry, dtype=float)
    if not (len(duration) == len(event) == len(group) == len(entry)):
        raise InputError("duration, event, group and entry must have the same length.")
    if np.any(entry > duration):
        raise InputError("an entry time lies after its duration; entry must be ≤ duration.")
    labels = list(pd.unique(group.dropna()))
    if len(labels) < 2:
        raise InputError("the log-rank test needs at least two groups.")
    codes = pd.Categorical(group, categories=labels).codes
    keep = codes >= 0
    duration, event, entry, codes = duration[keep], event[keep], entry[keep], codes[keep]
    g = len(labels)
    times = np.unique(duration[event & (entry < duration)])
    # at risk at t: entered before t and not yet gone (duration ≥ t), counted per group
    n_tg = np.empty((len(times), g))
    d_tg = np.zeros((len(times), g))
    for j in range(g):
        mine = codes == j
        n_tg[:, j] = np.searchsorted(np.sort(entry[mine]), times, side="left") - np.searchsorted(
            np.sort(duration[mine]), times, side="left"
        )
        hit = np.searchsorted(times, duration[mine & event & (entry < duration)])
        np.add.at(d_tg[:, j], hit, 1.0)
    n_t, d_t = n_tg.sum(axis=1), d_tg.sum(axis=1)
    ok = n_t > 0
    n_tg, d_tg, n_t, d_t = n_tg[ok], d_tg[ok], n_t[ok], d_t[ok]
    share = n_tg / n_t[:, None]
    observed = d_tg.sum(axis=0)
    expected = (d_t[:, None] * share).sum(axis=0)
    weight = np.where(n_t > 1, d_t * (n_t - d_t) / np.maximum(n_t - 1, 1), 0.0)
    covariance = np.diag((weight[:, None] * share).sum(axis=0)) - share.T @ (weight[:, None] * share)
    diff = (observed - expected)[:-1]
    v = covariance[:-1, :-1]
    statistic = float(diff @ np.linalg.pinv(v) @ diff)
    df = g - 1
    table = pd.DataFrame(
        {
            "group": labels,
            "n": np.bincount(codes[codes >= 0], minlength=g),
            "observed": observed,
            "expected": expected,
        }
    )
    return LogRank(statistic=statistic, df=df, p_value=float(stats.chi2.sf(statistic, df)), table=table)


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


def _at(frame: pd.DataFrame, t: float) -> pd.Series:
    """Step-function value of every column of a lifelines frame (index = time) at time t."""
    index = frame.index.to_numpy(dtype=float)
    position = np.searchsorted(index, t, side="right") - 1
    if position < 0:
        return pd.Series(1.0, index=frame.columns)
    return frame.iloc[position]


def _group_label(value) -> str:
    return "all" if value is None else str(value)


def kaplan_meier(
    table: pd.DataFrame,
    by: str | None = None,
    k: int = 5,
    horizons: tuple[int, ...] = HORIZONS,
    alpha: float = 0.05,
) -> SurvivalCurves:
    """Kaplan–Meier curves of ``table`` (from ``tenure_table``), one per value of ``by``.

    Rows where ``by`` is missing (e.g. ``cohort`` for people hired before the window) are left
    out. Groups with fewer than ``k`` people are suppressed, and so is the next-smallest group
    when the hidden one could otherwise be worked out from the total.
    """
    from lifelines import KaplanMeierFitter
    from lifelines.exceptions import StatError
    from lifelines.utils import median_survival_times

    from verloop.privacy import suppress_people

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
            kmf = KaplanMeierFitter(alpha=alpha).fit(part["duration"], part["event"], entry=part["entry"], label=label)
        except StatError:  # nobody at risk early in tenure (everyone entered late): no curve
            rows.append({**row, "estimable": False})
            continue
        row["estimable"] = True
        fitters[label] = kmf
        median = float(kmf.median_survival_time_)
        ci = median_survival_times(kmf.confidence_interval_)
        row.update(median=median, median_low=float(ci.iloc[0, 0]), median_high=float(ci.iloc[0, 1]))
        entry, duration = part["entry"].to_numpy(float), part["duration"].to_numpy(float)
        for h in horizons:
            if ((entry <= h) & (duration > h)).sum() < k:  # beyond follow-up, or too few left to show
                row.update({f"stay_{h}m": np.nan, f"stay_{h}m_low": np.nan, f"stay_{h}m_high": np.nan})
                continue
            s = float(_at(kmf.survival_function_, h).iloc[0])
            lo, hi = _at(kmf.confidence_interval_, h).to_numpy(dtype=float)
            row.update({f"stay_{h}m": s, f"stay_{h}m_low": lo, f"stay_{h}m_high": hi})
        rows.append(row)
        sf = kmf.survival_function_.iloc[:, 0]
        ci_frame = kmf.confidence_interval_
        at_risk = kmf.event_table["at_risk"].reindex(sf.index).to_numpy()
        curves.append(
            pd.DataFrame(
                {
                    "group": label,
                    "months": sf.index.to_numpy(dtype=float),
                    "survival": sf.to_numpy(),
                    "ci_low": ci_frame.iloc[:, 0].to_numpy(),
                    "ci_high": ci_frame.iloc[:, 1].to_numpy(),
                    "at_risk": at_risk,
                }
            )
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


def org_tenure_table(org, event: str = "voluntary") -> pd.DataFrame:
    """``tenure_table`` of an organisation (``OrgData``): the window starts at the first survey
    wave or KPI month, or at the first recorded exit if HR data reach back further."""
    from verloop.analysis.data import employees_frame

    employees = employees_frame(org)
    first_exit = employees["exit_date"].min()
    start = org.data_window()[0] if pd.isna(first_exit) else min(org.data_window()[0], first_exit)
    return tenure_table(employees, start=start, event=event)


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
    "LogRank",
    "SurvivalCurves",
    "describe",
    "kaplan_meier",
    "logrank_test",
    "org_tenure_table",
    "survival_by",
    "tenure_table",
    "window_text",
]
