"""scikit-learn pipelines for tabular attrition data, built from a column plan.

Every step that learns from data (imputation medians, scaling, category levels) sits inside the
pipeline, so cross-validation refits it on each training fold and nothing leaks from the
held-out rows.
"""

from __future__ import annotations

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, OrdinalEncoder, StandardScaler

from verloop.models.tabular import MAX_CATEGORIES


def _one_hot() -> OneHotEncoder:
    return OneHotEncoder(handle_unknown="infrequent_if_exist", max_categories=MAX_CATEGORIES, sparse_output=False)


def _scaled(log: bool = False) -> Pipeline:
    steps = [SimpleImputer(strategy="median", add_indicator=True)]
    if log:
        steps.append(FunctionTransformer(np.log1p, feature_names_out="one-to-one"))
    steps.append(StandardScaler())
    return make_pipeline(*steps)


def baseline_pipeline() -> DummyClassifier:
    """Predicts the training share of leavers for everyone: AUC 0.5, the floor to beat."""
    return DummyClassifier(strategy="prior")


def logistic_pipeline(
    numeric: list[str],
    categorical: list[str],
    few_levels: list[str] | None = None,
    skewed: list[str] | None = None,
    C: float = 0.1,
) -> Pipeline:
    """One-hot categories + scaled numbers → L2 logistic regression.

    With ``few_levels`` the rating-scale and level columns are also one-hot encoded (their
    effect need not be a straight line), and ``skewed`` columns are log1p-transformed first.
    C = 0.1 is a moderate ridge penalty that suits tens of columns and hundreds of leavers.
    """
    few_levels = list(few_levels or [])
    skewed = [c for c in (skewed or []) if c in numeric]
    plain = [c for c in numeric if c not in skewed]
    parts = []
    if categorical:
        parts.append(("categories", _one_hot(), categorical))
    if few_levels:
        parts.append(("levels", make_pipeline(SimpleImputer(strategy="most_frequent"), _one_hot()), few_levels))
    if plain:
        parts.append(("numbers", _scaled(), plain))
    if skewed:
        parts.append(("log_numbers", _scaled(log=True), skewed))
    return Pipeline(
        [
            ("columns", ColumnTransformer(parts)),
            ("model", LogisticRegression(C=C, max_iter=5000)),
        ]
    )


def hist_gradient_boosting_pipeline(numeric: list[str], categorical: list[str], seed: int = 0) -> Pipeline:
    """Histogram gradient boosting with native categorical splits; NaN handled natively.

    Small trees, a slow learning rate and early stopping on an inner validation split keep it
    from memorising a few hundred leavers.
    """
    parts = []
    if categorical:
        parts.append(
            (
                "categories",
                OrdinalEncoder(
                    handle_unknown="use_encoded_value",
                    unknown_value=np.nan,
                    encoded_missing_value=np.nan,
                    max_categories=MAX_CATEGORIES,
                ),
                categorical,
            )
        )
    if numeric:
        parts.append(("numbers", "passthrough", numeric))
    model = HistGradientBoostingClassifier(
        learning_rate=0.05,
        max_iter=300,
        max_leaf_nodes=15,
        min_samples_leaf=20,
        l2_regularization=1.0,
        early_stopping=True,
        validation_fraction=0.15,
        n_iter_no_change=20,
        categorical_features=list(range(len(categorical))) if categorical else None,
        random_state=seed,
    )
    return Pipeline([("columns", ColumnTransformer(parts)), ("model", model)])


def random_forest_pipeline(numeric: list[str], categorical: list[str], seed: int = 0) -> Pipeline:
    """A random forest on one-hot categories and median-imputed numbers."""
    parts = []
    if categorical:
        parts.append(("categories", _one_hot(), categorical))
    if numeric:
        parts.append(("numbers", SimpleImputer(strategy="median", add_indicator=True), numeric))
    model = RandomForestClassifier(
        n_estimators=300, min_samples_leaf=3, max_features="sqrt", n_jobs=1, random_state=seed
    )
    return Pipeline([("columns", ColumnTransformer(parts)), ("model", model)])
