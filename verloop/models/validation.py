"""Honest evaluation schemes: later months, other teams, baselines and the survey's lift.

- **temporal**: fit on rows whose outcome was known before a cut-off date, test on rows from
  the cut-off on (what happens when a model trained on last year meets this year);
- **team**: ``GroupKFold`` by team, so a team's waves are never on both sides (people in one
  team share a lead, a climate and KPIs).

Every metric on held-out rows; intervals by a bootstrap over teams; the survey's *lift* is the
paired difference between the same model with and without survey features on the same rows.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold

from verloop.domain.period import shift_months
from verloop.errors import InputError
from verloop.models.classifiers import complete_rows, feature_sets, label, make_classifier
from verloop.models.evaluate import (
    calibration_table,
    classification_metrics,
    concordance,
    metric_ci,
    paired_difference_ci,
)
from verloop.models.team import (
    TeamPoissonModel,
    driver_features,
    poisson_deviance,
    prediction_features,
    team_boosting,
    training_rows,
)
from verloop.models.threads import limited

SURVEY_SETS = ("HR + KPIs + own survey", "HR + KPIs + team survey")
NO_SURVEY_SET = "HR + KPIs"


def temporal_masks(
    dates: pd.Series, horizon: int, as_of: pd.Timestamp, test_months: int = 3
) -> tuple[np.ndarray, np.ndarray, pd.Timestamp]:
    """Train = outcome window closed before the cut-off; test = the last ``test_months`` of
    dates whose window is still complete. Raises InputError when the history is too short."""
    last = pd.Timestamp(as_of) - pd.DateOffset(months=horizon)
    cut = last - pd.DateOffset(months=test_months)
    train = (dates.apply(lambda d: shift_months(d, horizon)) <= cut).to_numpy()
    test = ((dates >= cut) & (dates <= last)).to_numpy()
    if train.sum() == 0 or test.sum() == 0:
        raise InputError(
            f"A temporal split for a {horizon}-month horizon needs more than {2 * horizon + 1} "
            "months of history; use the team split instead."
        )
    return train, test, cut


def _group_splits(groups, n_splits, seed):
    n_groups = len(pd.unique(groups))
    k = min(n_splits, n_groups)
    if k < 2:
        raise InputError("Grouped cross-validation needs at least two teams.")
    return list(GroupKFold(n_splits=k, shuffle=True, random_state=seed).split(np.zeros(len(groups)), groups=groups))


# -- individual classifiers ---------------------------------------------------------------------


@dataclass
class ClassifierReport:
    horizon: int
    metrics: pd.DataFrame
    lift: pd.DataFrame
    calibration: dict = field(default_factory=dict)  # (scheme, set, model) -> table
    predictions: dict = field(default_factory=dict)  # (scheme, set, model) -> (y, p, groups)

    def best(self, scheme: str = "team") -> pd.Series:
        m = self.metrics[self.metrics["scheme"] == scheme]
        return m.loc[m["roc_auc"].idxmax()]


def _threads_limited(fn):
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with limited():
            return fn(*args, **kwargs)

    return wrapper


@_threads_limited
def evaluate_classifiers(
    snapshots: pd.DataFrame,
    horizon: int,
    as_of: pd.Timestamp,
    sets: dict[str, list[str]] | None = None,
    kinds: tuple[str, ...] = ("logistic", "boosting"),
    schemes: tuple[str, ...] = ("temporal", "team"),
    n_splits: int = 5,
    n_boot: int = 200,
    seed: int = 0,
    baseline_kinds: tuple[str, ...] = ("logistic",),
) -> ClassifierReport:
    """Held-out ROC AUC, PR AUC and Brier (with team-bootstrap CIs) for every feature set and
    model, per scheme; the survey's lift over "HR + KPIs"; calibration of the full models."""
    data = complete_rows(snapshots, horizon)
    if data.empty:
        raise InputError(f"No snapshot has a complete {horizon}-month follow-up yet.")
    y = label(data, horizon)
    sets = sets or feature_sets(data.columns, confidential=any(s in data for s in ("mandate", "wellbeing")))
    groups = data["team_id"].to_numpy()
    survey_set = next((s for s in SURVEY_SETS if s in sets), None)
    rows, lifts, calib, preds = [], [], {}, {}
    for scheme in schemes:
        try:
            if scheme == "temporal":
                train, test, cut = temporal_masks(data["month"], horizon, as_of)
                splits = [(np.flatnonzero(train), np.flatnonzero(test))]
                note = f"fit before {cut.date()}, test from then"
            elif scheme == "team":
                splits = _group_splits(groups, n_splits, seed)
                note = f"GroupKFold by team, {len(splits)} folds"
            else:
                raise ValueError(f"unknown scheme {scheme!r}")
        except InputError as exc:
            rows.append({"scheme": scheme, "note": str(exc)})
            continue
        for set_name, features in sets.items():
            set_kinds = kinds if set_name in (survey_set, NO_SURVEY_SET) else baseline_kinds
            for kind in set_kinds:
                p = np.full(len(y), np.nan)
                for tr, te in splits:
                    if len(np.unique(y[tr])) < 2:
                        continue
                    model = make_classifier(kind, features, seed)
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        model.fit(data.iloc[tr], y[tr])
                    p[te] = model.predict_proba(data.iloc[te])[:, 1]
                held = ~np.isnan(p)
                yy, pp, gg = y[held], p[held], groups[held]
                m = classification_metrics(yy, pp)
                auc, lo, hi = metric_ci(yy, pp, "roc_auc", groups=gg, n_boot=n_boot, seed=seed)
                pr, plo, phi = metric_ci(yy, pp, "pr_auc", groups=gg, n_boot=n_boot, seed=seed)
                rows.append(
                    {
                        "scheme": scheme,
                        "features": set_name,
                        "model": kind,
                        "n_test": int(held.sum()),
                        "leavers": int(yy.sum()),
                        "roc_auc": m["roc_auc"],
                        "roc_auc_low": lo,
                        "roc_auc_high": hi,
                        "pr_auc": pr,
                        "pr_auc_low": plo,
                        "pr_auc_high": phi,
                        "brier": m["brier"],
                        "note": note,
                    }
                )
                preds[(scheme, set_name, kind)] = (yy, pp, gg, np.flatnonzero(held))
                if set_name == survey_set:
                    calib[(scheme, set_name, kind)] = calibration_table(yy, pp, n_bins=10)
        if survey_set is not None:
            for kind in kinds:
                a = preds.get((scheme, survey_set, kind))
                b = preds.get((scheme, NO_SURVEY_SET, kind))
                if a is None or b is None:
                    continue
                common = np.intersect1d(a[3], b[3])
                ia = np.searchsorted(a[3], common)
                ib = np.searchsorted(b[3], common)
                for metric in ("roc_auc", "pr_auc"):
                    d, lo, hi = paired_difference_ci(
                        a[0][ia],
                        a[1][ia],
                        b[1][ib],
                        metric,
                        groups=a[2][ia],
                        n_boot=n_boot,
                        seed=seed,
                    )
                    lifts.append(
                        {
                            "scheme": scheme,
                            "model": kind,
                            "metric": metric,
                            "with": survey_set,
                            "without": NO_SURVEY_SET,
                            "lift": d,
                            "ci_low": lo,
                            "ci_high": hi,
                        }
                    )
    return ClassifierReport(horizon, pd.DataFrame(rows), pd.DataFrame(lifts), calib, preds)


# -- Cox ------------------------------------------------------------------------------------------


@_threads_limited
def cox_concordance(
    model_factory,
    features: list[str],
    months: pd.DataFrame,
    snapshots: pd.DataFrame,
    as_of: pd.Timestamp,
    schemes=("temporal", "team"),
    n_splits: int = 5,
    seed: int = 0,
) -> pd.DataFrame:
    """Held-out concordance of a Cox model (``model_factory()`` on ``features``): the risk at a
    wave against time to exit after it.

    temporal: fit on person-months before the cut-off (12 months before the end), score the
    first wave from the cut-off on; team: fit on other teams' months, score each held-out team
    at the wave nearest the middle of the window.
    """
    from verloop.models.individual import cox_inputs

    def fitted(rows):
        X, y, params = cox_inputs(rows, features)
        return model_factory().fit(X, y, **params)

    out = []
    waves = snapshots.drop_duplicates("wave_id").sort_values("month")
    for scheme in schemes:
        if scheme == "temporal":
            cut = pd.Timestamp(as_of) - pd.DateOffset(months=12)
            later = waves[waves["month"] >= cut]
            if later.empty or (months["month"] < cut).sum() == 0:
                out.append({"scheme": scheme, "note": "history too short"})
                continue
            wave = later["wave_id"].iloc[0]
            model = fitted(months[months["month"] < cut])
            test = snapshots[snapshots["wave_id"] == wave]
            values = [_snapshot_c(model, test)]
            note = f"fit before {cut.date()}, scored at the first wave after"
        else:
            wave = waves["wave_id"].iloc[len(waves) // 2]
            test_all = snapshots[snapshots["wave_id"] == wave]
            values = []
            for tr, te in _group_splits(months["team_id"].to_numpy(), n_splits, seed):
                test_teams = set(months["team_id"].to_numpy()[te])
                model = fitted(months.iloc[tr])
                values.append(_snapshot_c(model, test_all[test_all["team_id"].isin(test_teams)]))
            note = "GroupKFold by team, scored at the middle wave"
        vals = np.array([v for v in values if np.isfinite(v)])
        out.append(
            {
                "scheme": scheme,
                "concordance": float(vals.mean()) if len(vals) else np.nan,
                "concordance_sd": float(vals.std(ddof=1)) if len(vals) > 1 else 0.0,
                "note": note,
            }
        )
    return pd.DataFrame(out)


def _snapshot_c(model, test: pd.DataFrame) -> float:
    test = test.dropna(subset=model.features_)
    if test["voluntary_exit"].sum() < 2:
        return float("nan")
    risk = model.predict(test[model.features_])
    return concordance(test["years_to_exit"], risk, test["voluntary_exit"])


# -- team models ---------------------------------------------------------------------------------


def team_feature_sets(panel: pd.DataFrame) -> dict[str, list[str]]:
    from verloop.models.data import KPI_COLUMNS

    facts = [c for c in ("mean_tenure_years", "share_new_3m", "share_part_time") if c in panel]
    kpis = [c for c in KPI_COLUMNS if c in panel]
    return {
        "team facts only": facts,
        "KPIs only": kpis,
        "facts + KPIs": facts + kpis,
        "facts + KPIs + survey": facts + kpis + [f for f in driver_features(panel) if f not in facts],
    }


@_threads_limited
def evaluate_team_models(
    panel: pd.DataFrame,
    horizon: int,
    as_of: pd.Timestamp,
    schemes=("temporal", "team"),
    n_splits: int = 5,
    n_boot: int = 200,
    seed: int = 0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Held-out Poisson deviance explained (D²) and rank correlation per feature set (GLM) and
    for boosting; the survey's lift in D² with a bootstrap over teams."""
    sets = team_feature_sets(panel)
    full = sets["facts + KPIs + survey"]
    rows_all = training_rows(panel, horizon, full).reset_index(drop=True)
    boost_features = prediction_features(rows_all)
    y = rows_all[f"leavers_{horizon}m"].to_numpy(dtype=float)
    e = rows_all[f"exposure_{horizon}m"].to_numpy(dtype=float)
    groups = rows_all["team_id"].to_numpy()
    metrics, lifts = [], []
    for scheme in schemes:
        try:
            if scheme == "temporal":
                train, test, cut = temporal_masks(rows_all["start"], horizon, as_of)
                splits = [(np.flatnonzero(train), np.flatnonzero(test))]
            else:
                splits = _group_splits(groups, n_splits, seed)
        except InputError as exc:
            metrics.append({"scheme": scheme, "note": str(exc)})
            continue
        preds = {}
        candidates = [(name, "poisson", f) for name, f in sets.items() if f]
        candidates.append(("facts + KPIs + survey", "boosting", None))
        for name, kind, features in candidates:
            mu = np.full(len(y), np.nan)
            X = rows_all[features if kind == "poisson" else boost_features]
            for tr, te in splits:
                base_rate = y[tr].sum() / e[tr].sum()
                model = TeamPoissonModel(n_boot=0) if kind == "poisson" else team_boosting(seed)
                try:
                    model.fit(X.iloc[tr], y[tr] / e[tr], sample_weight=e[tr])
                    mu[te] = model.predict(X.iloc[te]) * e[te]
                except InputError:
                    mu[te] = base_rate * e[te]
            preds[(name, kind)] = mu
        held = ~np.isnan(next(iter(preds.values())))
        null_mu = np.full(len(y), np.nan)
        for tr, te in splits:
            rate = y[tr].sum() / e[tr].sum()
            null_mu[te] = rate * e[te]
        for (name, kind), mu in preds.items():
            metrics.append(_team_metrics(scheme, name, kind, y[held], mu[held], null_mu[held], e[held]))
        a = preds[("facts + KPIs + survey", "poisson")]
        b = preds[("facts + KPIs", "poisson")]

        def d2_gain(yy, ma, mb, mn):
            dn = poisson_deviance(yy, mn)
            return (poisson_deviance(yy, mb) - poisson_deviance(yy, ma)) / dn

        from verloop.models.evaluate import bootstrap_ci

        est, lo, hi = bootstrap_ci(
            d2_gain, y[held], a[held], b[held], null_mu[held], groups=groups[held], n_boot=n_boot, seed=seed
        )
        lifts.append(
            {
                "scheme": scheme,
                "metric": "deviance explained (D²)",
                "with": "survey",
                "without": "facts + KPIs",
                "lift": est,
                "ci_low": lo,
                "ci_high": hi,
            }
        )
    return pd.DataFrame(metrics), pd.DataFrame(lifts)


def _team_metrics(scheme, name, kind, y, mu, null_mu, exposure) -> dict:
    dev = poisson_deviance(y, mu)
    dev0 = poisson_deviance(y, null_mu)
    rate_pred = mu / exposure
    rate_obs = y / exposure
    return {
        "scheme": scheme,
        "features": name,
        "model": kind,
        "n_test": int(len(y)),
        "leavers": int(y.sum()),
        "predicted": float(mu.sum()),
        "deviance": dev,
        "d2": 1 - dev / dev0 if dev0 > 0 else np.nan,
        "spearman": float(pd.Series(rate_pred).corr(pd.Series(rate_obs), method="spearman")),
    }
