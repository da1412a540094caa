"""Kaplan–Meier survival through lifelines, with delayed entry, and a log-rank test that
respects it.

Every survival curve in Verloop (the retention page, the survival notebook) is fitted here:
``kaplan_meier`` wraps lifelines' ``KaplanMeierFitter`` (Greenwood variance, log(−log) interval)
and returns the curve as a tidy frame. Delayed entry (left truncation) matters for HR data that
cover a window: people hired before it are seen only from the window's start, so they enter the
risk set at their tenure on that day, not at zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from verloop.errors import InputError

CURVE_COLUMNS = ["time", "survival", "ci_low", "ci_high", "at_risk"]


@dataclass(frozen=True)
class KaplanMeier:
    """A fitted Kaplan–Meier curve. ``curve``: ``time, survival, ci_low, ci_high, at_risk`` (a row
    at 0, then one per time at which someone enters, leaves or is censored; ``at_risk`` = under
    observation just before that time). ``fitter``: the lifelines ``KaplanMeierFitter``."""

    fitter: object
    curve: pd.DataFrame

    @property
    def median(self) -> float:
        """Median survival time (``inf`` when the curve stays above 50 %)."""
        return float(self.fitter.median_survival_time_)

    @property
    def median_ci(self) -> tuple[float, float]:
        """Confidence interval of the median (lifelines' ``median_survival_times``)."""
        from lifelines.utils import median_survival_times

        ci = median_survival_times(self.fitter.confidence_interval_)
        return float(ci.iloc[0, 0]), float(ci.iloc[0, 1])

    def at(self, t: float) -> tuple[float, float, float]:
        """(survival, ci_low, ci_high) of the step function at time ``t``."""
        times = self.curve["time"].to_numpy(dtype=float)
        position = np.searchsorted(times, t, side="right") - 1
        if position < 0:
            return 1.0, 1.0, 1.0
        row = self.curve.iloc[position]
        return float(row["survival"]), float(row["ci_low"]), float(row["ci_high"])

    def at_risk(self, times) -> np.ndarray:
        """People under observation at each of ``times`` (entered by then and not yet gone);
        with delayed entry this can rise over time."""
        durations = np.asarray(self.fitter.durations, dtype=float)
        entry = np.zeros_like(durations) if self.fitter.entry is None else np.asarray(self.fitter.entry, dtype=float)
        t = np.asarray(times, dtype=float)[:, None]
        return ((entry[None, :] <= t) & (durations[None, :] > t)).sum(axis=1)


def kaplan_meier(durations, events, entry=None, alpha: float = 0.05, label: str = "survival") -> KaplanMeier:
    """Kaplan–Meier estimate with a (1 − alpha) log(−log) Greenwood interval, via lifelines.

    ``entry``: delayed entry times (same unit as ``durations``; None = everyone observed from 0).
    Raises ``InputError`` when nobody is at risk at some event time (e.g. everyone entered late)."""
    from lifelines import KaplanMeierFitter
    from lifelines.exceptions import StatError

    durations = np.asarray(durations, dtype=float)
    events = np.asarray(events, dtype=bool)
    if durations.size == 0:
        raise InputError("no durations: a survival curve needs at least one person.")
    if entry is not None:
        entry = np.asarray(entry, dtype=float)
        if np.any(entry > durations):
            raise InputError("an entry time lies after its duration; entry must be ≤ duration.")
    try:
        fitter = KaplanMeierFitter(alpha=alpha).fit(durations, events, entry=entry, label=label)
    except StatError as error:
        raise InputError(f"no Kaplan–Meier curve: {error}") from error
    sf = fitter.survival_function_.iloc[:, 0]
    ci = fitter.confidence_interval_
    curve = pd.DataFrame(
        {
            "time": sf.index.to_numpy(dtype=float),
            "survival": sf.to_numpy(dtype=float),
            "ci_low": ci.iloc[:, 0].to_numpy(dtype=float),
            "ci_high": ci.iloc[:, 1].to_numpy(dtype=float),
            "at_risk": fitter.event_table["at_risk"].reindex(sf.index).to_numpy(dtype="int64"),
        }
    )
    return KaplanMeier(fitter=fitter, curve=curve)


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
    ``multivariate_logrank_test`` (which has no entry argument: that is why it is written here)."""
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


__all__ = ["CURVE_COLUMNS", "KaplanMeier", "LogRank", "kaplan_meier", "logrank_test"]
