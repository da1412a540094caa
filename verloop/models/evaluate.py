"""Honest evaluation: held-out metrics, their spread, and bootstrap intervals.

Every number a model card or a dashboard shows comes from here, so the rules are in one place:
metrics are computed on data the model did not see (cross-validation folds, a later period, or
other teams), and uncertainty is shown as mean ± sd over folds or as a bootstrap interval —
over people, or over teams when people in one team are not independent.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold

METRICS = ("roc_auc", "pr_auc", "brier")


def classification_metrics(y, p) -> dict[str, float]:
    """ROC AUC, PR AUC (average precision) and Brier score of probabilities ``p`` for 0/1 ``y``.

    AUCs are NaN when only one class is present (no ranking to judge).
    """
    y = np.asarray(y).astype(int)
    p = np.asarray(p, dtype=float)
    two_classes = 0 < y.sum() < len(y)
    return {
        "roc_auc": float(roc_auc_score(y, p)) if two_classes else float("nan"),
        "pr_auc": float(average_precision_score(y, p)) if two_classes else float("nan"),
        "brier": float(brier_score_loss(y, np.clip(p, 0, 1))),
    }


@dataclass
class CVResult:
    """Per-fold metrics and the out-of-fold predicted probabilities."""

    folds: pd.DataFrame  # fold, roc_auc, pr_auc, brier, fit_seconds, n_test
    oof: np.ndarray  # out-of-fold probability for every row

    def summary(self) -> dict[str, float]:
        return summarise_folds(self.folds)


def summarise_folds(folds: pd.DataFrame) -> dict[str, float]:
    """``{metric}_mean`` and ``{metric}_sd`` (sample sd over folds) for each metric."""
    out: dict[str, float] = {}
    for m in METRICS:
        vals = folds[m].to_numpy(dtype=float)
        out[f"{m}_mean"] = float(np.nanmean(vals))
        out[f"{m}_sd"] = float(np.nanstd(vals, ddof=1)) if np.sum(~np.isnan(vals)) > 1 else 0.0
    return out


def make_splitter(n_splits: int = 5, seed: int = 0, groups=None):
    """Stratified shuffled K-fold, or GroupKFold when rows cluster in groups (teams)."""
    if groups is not None:
        return GroupKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    return StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)


def cross_validate_classifier(
    estimator,
    X,
    y,
    n_splits: int = 5,
    seed: int = 0,
    groups=None,
    cv=None,
) -> CVResult:
    """Fit a clone of ``estimator`` on each training fold and score its held-out fold."""
    from verloop.models.threads import limited

    y = np.asarray(y).astype(int)
    splitter = cv if cv is not None else make_splitter(n_splits, seed, groups)
    oof = np.full(len(y), np.nan)
    rows = []
    for fold, (train, test) in enumerate(splitter.split(X, y, groups)):
        model = clone(estimator)
        start = time.perf_counter()
        with warnings.catch_warnings(), limited():
            warnings.simplefilter("ignore", category=UserWarning)
            model.fit(_take(X, train), y[train])
        fit_seconds = time.perf_counter() - start
        with limited():
            p = model.predict_proba(_take(X, test))[:, 1]
        oof[test] = p
        rows.append(
            {"fold": fold, **classification_metrics(y[test], p), "fit_seconds": fit_seconds, "n_test": len(test)}
        )
    return CVResult(folds=pd.DataFrame(rows), oof=oof)


def _take(X, idx):
    return X.iloc[idx] if hasattr(X, "iloc") else X[idx]


def _group_indices(groups, n: int) -> list[np.ndarray]:
    if groups is None:
        return [np.array([i]) for i in range(n)]
    codes, _ = pd.factorize(pd.Series(groups), sort=True)
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    return np.split(order, bounds)


def bootstrap_ci(
    statistic: Callable[..., float],
    *arrays,
    groups=None,
    n_boot: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> tuple[float, float, float]:
    """Percentile bootstrap: (estimate on all rows, lower, upper).

    With ``groups`` whole groups are resampled (cluster bootstrap), because people in one team
    share a team lead and a KPI history and are not independent. Resamples on which the
    statistic is undefined (NaN, e.g. an AUC with one class) are skipped.
    """
    arrays = [np.asarray(a) for a in arrays]
    n = len(arrays[0])
    estimate = float(statistic(*arrays))
    blocks = _group_indices(groups, n)
    rng = np.random.default_rng(seed)
    values = []
    if groups is None:
        for _ in range(n_boot):
            idx = rng.integers(0, n, n)
            values.append(statistic(*[a[idx] for a in arrays]))
    else:
        for _ in range(n_boot):
            pick = rng.integers(0, len(blocks), len(blocks))
            idx = np.concatenate([blocks[i] for i in pick])
            values.append(statistic(*[a[idx] for a in arrays]))
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if len(values) == 0:
        return estimate, float("nan"), float("nan")
    alpha = (1 - level) / 2
    lo, hi = np.quantile(values, [alpha, 1 - alpha])
    return estimate, float(lo), float(hi)


def weighted_metrics(y, p, weights) -> dict[str, np.ndarray]:
    """ROC AUC, PR AUC and Brier for many row weightings at once (``weights``: n × B).

    A bootstrap resample is a weighting of the rows (how often each row was drawn), so one
    sort serves every resample. Ties are handled as scikit-learn does (AUC: half credit;
    average precision: one threshold per distinct score).
    """
    y = np.asarray(y).astype(bool)
    p = np.asarray(p, dtype=float)
    w = np.asarray(weights, dtype=float)
    if w.ndim == 1:
        w = w[:, None]
    order = np.argsort(-p, kind="mergesort")
    ps, ys, ws = p[order], y[order], w[order]
    starts = np.r_[0, np.flatnonzero(np.diff(ps)) + 1]  # tie groups, highest score first
    pos = np.add.reduceat(ws * ys[:, None], starts, axis=0)
    neg = np.add.reduceat(ws * (~ys)[:, None], starts, axis=0)
    total_pos, total_neg = pos.sum(axis=0), neg.sum(axis=0)
    neg_below = total_neg - np.cumsum(neg, axis=0)  # negatives with a lower score
    with np.errstate(invalid="ignore", divide="ignore"):
        auc = (pos * (neg_below + 0.5 * neg)).sum(axis=0) / (total_pos * total_neg)
        tp, fp = np.cumsum(pos, axis=0), np.cumsum(neg, axis=0)
        precision = tp / np.where(tp + fp > 0, tp + fp, np.nan)
        ap = np.nansum(pos * precision, axis=0) / total_pos
        brier = (w * (p[:, None] - y[:, None]) ** 2).sum(axis=0) / w.sum(axis=0)
    bad = (total_pos == 0) | (total_neg == 0)
    auc[bad] = np.nan
    ap[bad] = np.nan
    return {"roc_auc": auc, "pr_auc": ap, "brier": brier}


def _resample_weights(n: int, groups, n_boot: int, seed: int) -> np.ndarray:
    """Row weights (n × n_boot) of bootstrap resamples of rows or of whole groups."""
    rng = np.random.default_rng(seed)
    if groups is None:
        return np.stack([np.bincount(rng.integers(0, n, n), minlength=n) for _ in range(n_boot)], axis=1).astype(float)
    codes, uniques = pd.factorize(pd.Series(groups), sort=True)
    k = len(uniques)
    counts = np.stack([np.bincount(rng.integers(0, k, k), minlength=k) for _ in range(n_boot)], axis=1)
    return counts[codes].astype(float)


def _percentiles(values: np.ndarray, level: float) -> tuple[float, float]:
    values = values[np.isfinite(values)]
    if len(values) == 0:
        return float("nan"), float("nan")
    alpha = (1 - level) / 2
    lo, hi = np.quantile(values, [alpha, 1 - alpha])
    return float(lo), float(hi)


def metric_ci(
    y, p, metric: str = "roc_auc", groups=None, n_boot: int = 1000, seed: int = 0, level: float = 0.95
) -> tuple[float, float, float]:
    """A held-out metric with its (cluster) bootstrap percentile interval."""
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; choose one of {METRICS}")
    estimate = classification_metrics(y, p)[metric]
    w = _resample_weights(len(y), groups, n_boot, seed)
    lo, hi = _percentiles(weighted_metrics(y, p, w)[metric], level)
    return estimate, lo, hi


def paired_difference_ci(
    y,
    p_new,
    p_base,
    metric: str = "roc_auc",
    groups=None,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> tuple[float, float, float]:
    """metric(p_new) − metric(p_base) on the same rows, with a paired bootstrap interval.

    This is the survey's *lift* when ``p_base`` comes from a model without survey scores.
    """
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; choose one of {METRICS}")
    estimate = classification_metrics(y, p_new)[metric] - classification_metrics(y, p_base)[metric]
    w = _resample_weights(len(y), groups, n_boot, seed)
    diff = weighted_metrics(y, p_new, w)[metric] - weighted_metrics(y, p_base, w)[metric]
    lo, hi = _percentiles(diff, level)
    return estimate, lo, hi


def calibration_table(y, p, n_bins: int = 10) -> pd.DataFrame:
    """Predicted vs observed rate in bins of equal size (quantiles of ``p``), with counts."""
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    n_bins = max(1, min(n_bins, len(np.unique(p))))
    bins = pd.qcut(p, q=n_bins, labels=False, duplicates="drop")
    frame = pd.DataFrame({"bin": bins, "p": p, "y": y})
    out = (
        frame.groupby("bin", observed=True)
        .agg(n=("y", "size"), mean_predicted=("p", "mean"), observed=("y", "mean"))
        .reset_index()
    )
    out["n"] = out["n"].astype("int64")
    return out


def concordance(duration, risk, event) -> float:
    """Harrell's C: share of comparable pairs where the higher risk leaves first."""
    from lifelines.utils import concordance_index

    # lifelines expects a score that is high for long survival: pass minus the risk.
    return float(concordance_index(np.asarray(duration), -np.asarray(risk), np.asarray(event)))


def cox_cv_concordance(
    design: pd.DataFrame,
    duration,
    event,
    n_splits: int = 5,
    seed: int = 0,
    penalizer: float = 0.01,
    groups=None,
) -> tuple[float, float, list[float]]:
    """Cross-validated concordance of a Cox model: (mean, sd, per-fold values).

    Folds are stratified on the event so each holds leavers; with ``groups`` they keep teams
    together.
    """
    from lifelines import CoxPHFitter

    duration = np.asarray(duration, dtype=float)
    event = np.asarray(event).astype(int)
    if groups is not None:
        splits = GroupKFold(n_splits=n_splits, shuffle=True, random_state=seed).split(design, event, groups)
    else:
        splits = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed).split(design, event)
    values = []
    for train, test in splits:
        frame = design.iloc[train].copy()
        frame["_duration"] = duration[train]
        frame["_event"] = event[train]
        keep = [c for c in design.columns if frame[c].nunique() > 1]
        cph = CoxPHFitter(penalizer=penalizer)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cph.fit(frame[keep + ["_duration", "_event"]], "_duration", "_event")
        risk = cph.predict_partial_hazard(design.iloc[test][keep]).to_numpy()
        values.append(concordance(duration[test], risk, event[test]))
    arr = np.asarray(values)
    return float(arr.mean()), float(arr.std(ddof=1)) if len(arr) > 1 else 0.0, values


def fold_splits(n: int, n_splits: int = 5, seed: int = 0) -> Sequence[tuple[np.ndarray, np.ndarray]]:
    """Plain shuffled K-fold index pairs (for regressors and count models)."""
    return list(KFold(n_splits=n_splits, shuffle=True, random_state=seed).split(np.arange(n)))
