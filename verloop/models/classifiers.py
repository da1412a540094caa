"""Classifiers for "leaves voluntarily within h months", built on person snapshots.

Feature sets are nested so the survey's contribution can be measured honestly: the same model
with and without survey features, evaluated on the same held-out rows (``validation``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import SplineTransformer, StandardScaler

from verloop.models.data import DRIVER_SCALES, KPI_COLUMNS, OUTCOME_SCALES

TENURE = ["tenure_years"]
HR = ["tenure_years", "part_time", "contract_hours"]


def feature_sets(columns, confidential: bool = False) -> dict[str, list[str]]:
    """Nested feature sets available in ``columns``: baselines first, the survey last."""
    cols = set(columns)
    kpis = [c for c in KPI_COLUMNS if c in cols]
    team = [f"team_{s}" for s in (*DRIVER_SCALES, *OUTCOME_SCALES) if f"team_{s}" in cols]
    sets = {
        "tenure only": TENURE,
        "KPIs only": kpis,
        "HR + KPIs": HR + kpis,
        "HR + KPIs + team survey": HR + kpis + team,
    }
    if confidential:
        own = [s for s in DRIVER_SCALES if s in cols]
        sets["HR + KPIs + own survey"] = HR + kpis + team + own
    return {name: f for name, f in sets.items() if f}


def logistic_model(features: list[str], C: float = 1.0) -> Pipeline:
    """Mean-imputed (with missing indicators), scaled features; tenure through a spline (risk
    peaks at 3–12 months)."""
    parts = []
    if "tenure_years" in features:
        parts.append(
            (
                "tenure",
                make_pipeline(
                    SimpleImputer(strategy="median"), SplineTransformer(n_knots=5, degree=3, extrapolation="constant")
                ),
                ["tenure_years"],
            )
        )
    rest = [f for f in features if f != "tenure_years"]
    if rest:
        # mean imputation plus a missing-indicator: the indicator carries "no team mean (fewer
        # than k answered)" and the mean is cheap on millions of rows (a median sorts them)
        parts.append(
            ("rest", make_pipeline(SimpleImputer(strategy="mean", add_indicator=True), StandardScaler()), rest)
        )
    return Pipeline([("columns", ColumnTransformer(parts)), ("model", LogisticRegression(C=C, max_iter=2000))])


def boosting_model(features: list[str], seed: int = 0, calibrated: bool = True):
    """Histogram gradient boosting (NaN handled natively), sigmoid-calibrated on inner folds."""
    hgb = HistGradientBoostingClassifier(
        learning_rate=0.08,
        max_iter=100,
        max_leaf_nodes=15,
        min_samples_leaf=50,
        l2_regularization=1.0,
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change=10,
        random_state=seed,
    )
    pipe = Pipeline([("columns", ColumnTransformer([("all", "passthrough", features)])), ("model", hgb)])
    if not calibrated:
        return pipe
    return CalibratedClassifierCV(pipe, method="sigmoid", cv=3)


def make_classifier(kind: str, features: list[str], seed: int = 0):
    if kind == "logistic":
        return logistic_model(features)
    if kind == "boosting":
        return boosting_model(features, seed=seed)
    raise ValueError(f"unknown classifier kind {kind!r}; use 'logistic' or 'boosting'")


def complete_rows(snapshots: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """Snapshots whose h-month outcome window is fully observed."""
    return snapshots[snapshots[f"complete_{horizon}m"]].reset_index(drop=True)


def label(snapshots: pd.DataFrame, horizon: int) -> np.ndarray:
    return snapshots[f"left_{horizon}m"].to_numpy(dtype=int)
