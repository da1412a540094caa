"""Team-level model (anonymous mode): team survey means, KPIs and team facts → voluntary leavers.

Counts of leavers in the next ``horizon_months`` among the people in the team when the wave
closed, with their person-years as exposure (``log(exposure)`` offset), so the model estimates a
*rate per person-year* and predictions for any period are rate × person-years.

Two estimators with the scikit-learn contract (``fit(panel)`` returns ``self``):

- ``TeamPoissonModel``: a Poisson GLM (statsmodels) — rate ratios per scale point and per SD
  with 95 % intervals from a bootstrap over *teams* (waves of one team are not independent);
- ``TeamBoostModel``: ``HistGradientBoostingRegressor(loss="poisson")`` on the rate with the
  exposure as sample weight — no effects, often better ranking.

What the team-level rate ratio estimates: the *contextual* association of a team's mean score
with its leaving rate, adjusted for the other features. It mixes the individual effect with
composition and is attenuated by the sampling error of means over a handful of respondents, so
it is not the individual hazard ratio of the person-level model (see ``individual``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from verloop.errors import InputError
from verloop.models.data import DRIVER_SCALES, KPI_COLUMNS, OUTCOME_SCALES
from verloop.models.features import TEAM_FACTS
from verloop.models.threads import limited

DRIVER_CONTROLS = ("mean_tenure_years", "share_new_3m", "share_part_time")


def driver_features(panel: pd.DataFrame) -> list[str]:
    """Driver scales present in the panel plus tenure/contract mix: the effects model."""
    scales = [s for s in DRIVER_SCALES if s in panel]
    return scales + [c for c in DRIVER_CONTROLS if c in panel]


def prediction_features(panel: pd.DataFrame) -> list[str]:
    """Everything known when the wave closes: scales incl. intent/eNPS, KPIs, facts."""
    cols = [s for s in (*DRIVER_SCALES, *OUTCOME_SCALES) if s in panel]
    cols += [c for c in KPI_COLUMNS if c in panel]
    cols += [c for c in TEAM_FACTS if c in panel]
    if "response_rate" in panel:
        cols.append("response_rate")
    return cols


def training_rows(panel: pd.DataFrame, horizon: int, features: list[str],
                  allow_missing: bool = False) -> pd.DataFrame:
    """Rows whose outcome window is complete, with exposure and (unless allowed) all features."""
    complete = panel[f"complete_{horizon}m"] & (panel[f"exposure_{horizon}m"] > 0)
    rows = panel[complete]
    if not allow_missing:
        rows = rows.dropna(subset=features)
    return rows


def poisson_deviance(y, mu) -> float:
    """Total Poisson deviance of counts ``y`` against expected counts ``mu``."""
    y = np.asarray(y, dtype=float)
    mu = np.clip(np.asarray(mu, dtype=float), 1e-12, None)
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(y / mu), 0.0)
    return float(2 * np.sum(term - (y - mu)))


def poisson_irls(X, y, offset, start=None, max_iter: int = 50, tol: float = 1e-8,
                 return_cov: bool = False, l2: float = 0.0):
    """Poisson GLM (log link, intercept added) by Newton/IRLS; None if it fails to converge.

    The same maximum-likelihood estimate as ``statsmodels.GLM(family=Poisson())`` (checked in
    the tests) without its per-fit overhead, which matters for hundreds of bootstrap refits.
    With ``return_cov`` also the model-based covariance (inverse Fisher information).
    """
    design = np.column_stack([np.ones(len(X)), X])
    penalty = np.full(design.shape[1], float(l2))
    penalty[0] = 0.0  # never shrink the intercept
    beta = np.zeros(design.shape[1]) if start is None else np.array(start, dtype=float)
    if start is None:
        beta[0] = np.log(max(y.sum(), 0.5) / np.exp(offset).sum())
    for _ in range(max_iter):
        eta = np.clip(design @ beta + offset, -30, 30)
        mu = np.exp(eta)
        grad = design.T @ (y - mu) - penalty * beta
        hess = (design * mu[:, None]).T @ design + np.diag(penalty)
        try:
            step = np.linalg.solve(hess, grad)
        except np.linalg.LinAlgError:
            return None
        beta = beta + step
        if not np.all(np.isfinite(beta)):
            return None
        if np.max(np.abs(step)) < tol:
            if return_cov:
                mu = np.exp(np.clip(design @ beta + offset, -30, 30))
                hess = (design * mu[:, None]).T @ design + np.diag(penalty)
                return beta, np.linalg.pinv(hess)
            return beta
    return None


class _TeamModel(BaseEstimator):
    horizon_months: int

    def _xy(self, panel: pd.DataFrame, fit: bool = True):
        features = self.features_ if hasattr(self, "features_") else self._resolve(panel)
        missing = [f for f in features if f not in panel]
        if missing:
            raise InputError(f"The team panel lacks feature column(s) {', '.join(missing)}.")
        return panel[features].to_numpy(dtype=float)

    def _resolve(self, panel):
        return list(self.features) if self.features is not None else self._default(panel)

    def predict_rate(self, panel: pd.DataFrame) -> np.ndarray:
        """Voluntary leavers per person-year for each row (NaN where features are missing)."""
        raise NotImplementedError

    def predict(self, panel: pd.DataFrame, exposure: str | np.ndarray | None = None) -> np.ndarray:
        """Expected voluntary leavers: rate × exposure (default: the horizon's exposure)."""
        if exposure is None:
            exposure = f"exposure_{self.horizon_months}m"
        e = panel[exposure].to_numpy(dtype=float) if isinstance(exposure, str) else exposure
        return self.predict_rate(panel) * e


class TeamPoissonModel(_TeamModel):
    """Poisson GLM with a log-exposure offset; bootstrap over teams for intervals.

    Parameters: ``horizon_months`` (3 or 6 usually), ``features`` (default: driver scales and
    tenure / contract mix), ``n_boot`` bootstrap refits (0 = model-based intervals only),
    ``seed``.
    """

    def __init__(self, horizon_months: int = 6, features: list[str] | None = None,
                 n_boot: int = 200, seed: int = 0):
        self.horizon_months = horizon_months
        self.features = features
        self.n_boot = n_boot
        self.seed = seed

    @staticmethod
    def _default(panel):
        return driver_features(panel)

    def fit(self, panel: pd.DataFrame, y=None) -> "TeamPoissonModel":
        h = self.horizon_months
        self.features_ = self._resolve(panel)
        rows = training_rows(panel, h, self.features_)
        if len(rows) < len(self.features_) + 5 or rows[f"leavers_{h}m"].sum() < 5:
            raise InputError(
                f"Too little data for the team model: {len(rows)} team-waves with complete "
                f"{h}-month follow-up and enough respondents; collect more waves first."
            )
        X = rows[self.features_].to_numpy(dtype=float)
        y = rows[f"leavers_{h}m"].to_numpy(dtype=float)
        offset = np.log(rows[f"exposure_{h}m"].to_numpy(dtype=float))
        fit = poisson_irls(X, y, offset, return_cov=True)
        if fit is None:
            raise InputError(
                "The team model did not converge; some features are (almost) constant or "
                "duplicate each other — drop them and try again."
            )
        self.coef_, cov = fit
        self.bse_ = np.sqrt(np.clip(np.diag(cov), 0, None))
        self.feature_sd_ = rows[self.features_].std(ddof=1).to_numpy(dtype=float)
        self.feature_mean_ = rows[self.features_].mean().to_numpy(dtype=float)
        self.n_rows_ = int(len(rows))
        self.n_teams_ = int(rows["team_id"].nunique())
        self.n_leavers_ = int(y.sum())
        self.person_years_ = float(np.exp(offset).sum())
        self.boot_coef_ = self._bootstrap(rows, X, y, offset)
        return self

    def _bootstrap(self, rows, X, y, offset) -> np.ndarray:
        if not self.n_boot:
            return np.empty((0, len(self.coef_)))
        rng = np.random.default_rng(self.seed)
        teams = rows["team_id"].to_numpy()
        codes, uniques = pd.factorize(teams)
        blocks = [np.flatnonzero(codes == i) for i in range(len(uniques))]
        out = []
        for _ in range(self.n_boot):
            pick = rng.integers(0, len(blocks), len(blocks))
            idx = np.concatenate([blocks[i] for i in pick])
            coef = poisson_irls(X[idx], y[idx], offset[idx], start=self.coef_)
            if coef is not None:
                out.append(coef)
        return np.asarray(out)

    def predict_rate(self, panel: pd.DataFrame, coef: np.ndarray | None = None) -> np.ndarray:
        coef = self.coef_ if coef is None else coef
        X = panel[self.features_].to_numpy(dtype=float)
        return np.exp(coef[0] + X @ coef[1:])

    def effects(self, level: float = 0.95) -> pd.DataFrame:
        """Rate ratio per point and per SD (of the team-level feature) with intervals.

        Intervals are bootstrap percentiles over teams when ``n_boot`` > 0, else Wald.
        """
        alpha = (1 - level) / 2
        rows = []
        for j, name in enumerate(self.features_, start=1):
            b = self.coef_[j]
            if len(self.boot_coef_) >= 20:
                lo, hi = np.quantile(self.boot_coef_[:, j], [alpha, 1 - alpha])
                method = f"bootstrap over teams ({len(self.boot_coef_)} resamples)"
            else:
                from scipy.stats import norm

                z = norm.ppf(1 - alpha)
                lo, hi = b - z * self.bse_[j], b + z * self.bse_[j]
                method = "Wald (model-based)"
            sd = self.feature_sd_[j - 1]
            rows.append(
                {
                    "factor": name,
                    "coef": b,
                    "rate_ratio_per_point": float(np.exp(b)),
                    "ci_low_per_point": float(np.exp(lo)),
                    "ci_high_per_point": float(np.exp(hi)),
                    "feature_sd": float(sd),
                    "rate_ratio_per_sd": float(np.exp(b * sd)),
                    "ci_low_per_sd": float(np.exp(lo * sd)),
                    "ci_high_per_sd": float(np.exp(hi * sd)),
                    "interval": method,
                }
            )
        return pd.DataFrame(rows)


class TeamBoostModel(_TeamModel):
    """Gradient boosting with a Poisson loss on the leaving rate, weighted by exposure."""

    def __init__(self, horizon_months: int = 6, features: list[str] | None = None,
                 max_iter: int = 200, learning_rate: float = 0.05, seed: int = 0):
        self.horizon_months = horizon_months
        self.features = features
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.seed = seed

    @staticmethod
    def _default(panel):
        return prediction_features(panel)

    def fit(self, panel: pd.DataFrame, y=None) -> "TeamBoostModel":
        from sklearn.ensemble import HistGradientBoostingRegressor

        h = self.horizon_months
        self.features_ = self._resolve(panel)
        rows = training_rows(panel, h, self.features_, allow_missing=True)
        if len(rows) < 20:
            raise InputError(
                f"Too little data for the team model: {len(rows)} team-waves with complete "
                f"{h}-month follow-up; collect more waves first."
            )
        exposure = rows[f"exposure_{h}m"].to_numpy(dtype=float)
        rate = rows[f"leavers_{h}m"].to_numpy(dtype=float) / exposure
        self.model_ = HistGradientBoostingRegressor(
            loss="poisson",
            learning_rate=self.learning_rate,
            max_iter=self.max_iter,
            max_leaf_nodes=8,
            min_samples_leaf=20,
            l2_regularization=1.0,
            random_state=self.seed,
        )
        with limited():
            self.model_.fit(rows[self.features_].to_numpy(dtype=float), rate,
                            sample_weight=exposure)
        self.n_rows_ = int(len(rows))
        self.n_teams_ = int(rows["team_id"].nunique())
        self.n_leavers_ = int(rows[f"leavers_{h}m"].sum())
        return self

    def predict_rate(self, panel: pd.DataFrame) -> np.ndarray:
        with limited():
            return self.model_.predict(panel[self.features_].to_numpy(dtype=float))
