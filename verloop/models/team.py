"""Team-level models (anonymous mode): team survey means → voluntary leavers.

The effects model is ``PooledTeamModel`` (issue 11; bottom of this module): one row per team,
its scale means pooled over every published wave, the voluntary leavers and person-years of
*all* its staff (new hires included), no tenure or new-hire controls (they are produced by past
leaving and absorb the effect), ≥ 1,000 bootstrap resamples of teams, and a power analysis
saying whether the organisation's teams can separate drivers at all. What follows first is the
per-wave panel model, kept for held-out comparison and the researchers' notebooks.

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

DRIVER_CONTROLS = ("share_part_time",)
"""Controls the effects model may use: contract mix is set by planning, not by leaving."""

POST_TREATMENT = ("mean_tenure_years", "share_new_3m", "share_tenure_lt_1y", "headcount")
"""Never controls in an effects model: a team's tenure mix and share of new hires are produced by
its own past leaving, so adjusting for them absorbs the very effect being estimated (issue 11:
mandate moved from −0.23 to −0.39 per SD at 600 positions when they were dropped)."""


def driver_features(panel: pd.DataFrame) -> list[str]:
    """Driver scales present in the panel plus contract mix (never post-treatment tenure mix)."""
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


# -- pooled team model: the effects model of issue 11 -------------------------------------------


def pooled_team_frame(org, scales: list[str] | None = None, min_group_size: int | None = None,
                      start: pd.Timestamp | None = None, end: pd.Timestamp | None = None
                      ) -> pd.DataFrame:
    """One row per team: its scale means pooled over every pulse wave in which at least
    ``min_group_size`` people answered (the published means, weighted by respondents), and the
    voluntary leavers and person-years of *all* its staff between ``start`` (default: the first
    pulse wave) and ``end`` (default: the end of the data) — new hires and their exits included.

    Pooling over waves raises the reliability of a team mean (single waves ≈ 0.8), which keeps
    effects from being attenuated and from leaking into correlated scales. Computed up to a date
    it is the *running* mean (``end``): the state a forward-looking what-if starts from.
    Columns: team_id, site_id, waves, respondents, one per scale, leavers, person_years,
    headcount (on ``end``), start (= ``end``, for ``whatif.latest_state``).
    """
    from verloop.models.data import DAYS_PER_YEAR, headcount_at

    k = int(min_group_size or org.settings.get("min_group_size", 5))
    waves = org.pulse_waves
    if waves.empty:
        raise InputError("There are no pulse waves yet; run a pulse survey before modelling.")
    first, last = org.data_window()
    start = pd.Timestamp(start) if start is not None else pd.Timestamp(waves["opens_on"].min())
    end = pd.Timestamp(end) if end is not None else pd.Timestamp(last)
    scores = org.scale_scores()
    scales = [s for s in (scales or DRIVER_SCALES) if s in scores.columns]
    closes = waves.set_index("id")["closes_on"].fillna(waves.set_index("id")["opens_on"])
    scores = scores[scores["wave_id"].map(closes) <= end]
    n = scores.groupby(["wave_id", "team_id"]).size()
    published = n[n >= k].index
    keyed = scores.set_index(["wave_id", "team_id"])
    kept = keyed[keyed.index.isin(published)].reset_index()
    g = kept.groupby("team_id")
    frame = g[scales].mean()
    frame["waves"] = g["wave_id"].nunique()
    frame["respondents"] = g.size()
    emp = org.employees
    hire = emp["hire_date"].clip(lower=start)
    stop = emp["exit_date"].where(emp["exit_date"].notna() & (emp["exit_date"] < end), end)
    years = ((stop - hire) / pd.Timedelta(days=1) / DAYS_PER_YEAR).clip(lower=0).fillna(0.0)
    voluntary = ((emp["exit_type"] == "voluntary") & (emp["exit_date"] > start)
                 & (emp["exit_date"] <= end)).astype(float)
    team = emp["team_id"].to_numpy()
    frame["leavers"] = voluntary.groupby(team).sum().reindex(frame.index).fillna(0).astype("int64")
    frame["person_years"] = years.groupby(team).sum().reindex(frame.index).fillna(0.0)
    frame["headcount"] = (headcount_at(emp, end).astype(int).groupby(team).sum()
                          .reindex(frame.index).fillna(0).astype("int64"))
    frame = frame.reset_index().rename(columns={"index": "team_id"})
    frame["team_id"] = frame["team_id"].astype("int64")  # read back as float when exits lack a team
    teams = org.teams.set_index("id")
    frame["site_id"] = frame["team_id"].map(teams["site_id"]).astype("int64")
    frame["start"] = end
    frame = frame[frame["person_years"] > 0]
    frame.attrs.update({"scales": scales, "min_group_size": k, "window": (start, end)})
    front = ["team_id", "site_id", "waves", "respondents"]
    return frame[front + [c for c in frame.columns if c not in front]].reset_index(drop=True)


def person_score_sd(org, scales: list[str]) -> dict[str, float]:
    """SD of individual pulse scores per scale: the unit "per SD" means one SD between agents,
    the same unit for the team model, the exit comparison and the person-level Cox model."""
    scores = org.scale_scores()
    return {s: float(scores[s].std(ddof=1)) for s in scales if s in scores}


MDE_Z = 2.8  # 1.96 + 0.84: two-sided 5 % test with 80 % power
SMALLEST_RELEVANT_LOG_RATIO = float(np.log(1 / 0.75))
"""A driver worth acting on changes leaving by at least 25 % per SD between agents; a source
whose minimum detectable effect is larger cannot separate drivers (``power``)."""


class PooledTeamModel(BaseEstimator):
    """Poisson GLM of each team's voluntary leavers on its pooled scale means, log person-years
    as offset (``fit(X, y, exposure=…)``): rate ratios per point and per SD with percentile
    intervals from ``n_boot`` (≥ 1,000 by default) bootstrap resamples of teams.

    No tenure or new-hire controls (``POST_TREATMENT``). ``scale_sd`` (per feature) sets the
    "per SD" unit, by default the SD between agents' individual scores when passed, else the SD
    between team means. ``summary`` is a lifelines-style frame (coef, exp(coef), se(coef),
    bounds, p).
    """

    horizon_months = 12

    def __init__(self, n_boot: int = 1000, seed: int = 0, level: float = 0.95,
                 scale_sd: dict | None = None):
        self.n_boot = n_boot
        self.seed = seed
        self.level = level
        self.scale_sd = scale_sd

    def fit(self, X: pd.DataFrame, y, exposure) -> "PooledTeamModel":
        if not isinstance(X, pd.DataFrame):
            raise InputError("PooledTeamModel.fit needs a DataFrame of team means (named columns).")
        self.features_ = list(X.columns)
        Xv = X.to_numpy(dtype=float)
        y = np.asarray(y, dtype=float)
        e = np.asarray(exposure, dtype=float)
        if len(Xv) != len(y) or len(y) != len(e):
            raise InputError("X, y and exposure must have one row per team.")
        if np.isnan(Xv).any():
            raise InputError("Some teams have no published mean for a feature; drop them first.")
        if np.any(e <= 0):
            raise InputError("Every team needs positive person-years (exposure).")
        if len(Xv) < len(self.features_) + 5 or y.sum() < 5:
            raise InputError(
                f"Too little data for the team model: {len(Xv)} teams and {int(y.sum())} "
                f"voluntary leavers for {len(self.features_)} factors; collect more first.")
        offset = np.log(e)
        fit = poisson_irls(Xv, y, offset, return_cov=True)
        if fit is None:
            raise InputError("The team model did not converge; some features are (almost) "
                             "constant or duplicate each other — drop them and try again.")
        self.coef_, cov = fit
        self.bse_model_ = np.sqrt(np.clip(np.diag(cov), 0, None))
        rng = np.random.default_rng(self.seed)
        boots = []
        for _ in range(int(self.n_boot)):
            idx = rng.integers(0, len(Xv), len(Xv))
            b = poisson_irls(Xv[idx], y[idx], offset[idx], start=self.coef_)
            if b is not None and np.all(np.abs(b[1:]) < 20):
                boots.append(b)
        self.boot_coef_ = np.asarray(boots) if boots else np.empty((0, len(self.coef_)))
        self.n_boot_failed_ = int(self.n_boot) - len(boots)
        between = X.std(ddof=1).to_numpy(dtype=float)
        given = self.scale_sd or {}
        self.feature_sd_ = np.array([given.get(f, s) for f, s in zip(self.features_, between)])
        self.sd_kind_ = ["between agents" if f in given else "between teams" for f in self.features_]
        self.feature_range_ = {f: (float(X[f].min()), float(X[f].max())) for f in self.features_}
        self.n_rows_ = self.n_teams_ = int(len(Xv))
        self.n_leavers_ = int(y.sum())
        self.person_years_ = float(e.sum())
        return self

    # -- predictions -------------------------------------------------------------------------
    def predict_rate(self, X: pd.DataFrame, coef: np.ndarray | None = None) -> np.ndarray:
        """Voluntary leavers per person-year at the given team means."""
        coef = self.coef_ if coef is None else coef
        missing = [f for f in self.features_ if f not in X]
        if missing:
            raise InputError(f"The team frame lacks feature column(s) {', '.join(missing)}.")
        return np.exp(coef[0] + X[self.features_].to_numpy(dtype=float) @ coef[1:])

    def predict(self, X: pd.DataFrame, exposure) -> np.ndarray:
        """Expected voluntary leavers: rate × person-years."""
        return self.predict_rate(X) * np.asarray(exposure, dtype=float)

    # -- effects -----------------------------------------------------------------------------
    def _se(self) -> np.ndarray:
        if len(self.boot_coef_) >= 20:
            return self.boot_coef_.std(axis=0, ddof=1)
        return self.bse_model_

    def _bounds(self, level: float) -> tuple[np.ndarray, np.ndarray, str]:
        from scipy.stats import norm

        alpha = (1 - level) / 2
        if len(self.boot_coef_) >= 20:
            lo, hi = np.quantile(self.boot_coef_, [alpha, 1 - alpha], axis=0)
            return lo, hi, f"percentile bootstrap over teams ({len(self.boot_coef_)} resamples)"
        z = norm.ppf(1 - alpha)
        return (self.coef_ - z * self.bse_model_, self.coef_ + z * self.bse_model_,
                "Wald (model-based)")

    @property
    def summary(self) -> pd.DataFrame:
        """lifelines-style table: one row per covariate (log rate ratio per point)."""
        from scipy.stats import norm

        lo, hi, _ = self._bounds(self.level)
        se = self._se()
        pct = round(self.level * 100)
        z = self.coef_ / np.where(se > 0, se, np.nan)
        frame = pd.DataFrame({
            "coef": self.coef_, "exp(coef)": np.exp(self.coef_), "se(coef)": se,
            f"coef lower {pct}%": lo, f"coef upper {pct}%": hi,
            f"exp(coef) lower {pct}%": np.exp(lo), f"exp(coef) upper {pct}%": np.exp(hi),
            "z": z, "p": 2 * norm.sf(np.abs(z)),
        }, index=pd.Index(["Intercept", *self.features_], name="covariate"))
        return frame

    def effects(self, level: float = 0.95) -> pd.DataFrame:
        """Rate ratio per point and per SD with intervals (the ``TeamPoissonModel.effects`` shape)."""
        lo, hi, method = self._bounds(level)
        rows = []
        for j, name in enumerate(self.features_, start=1):
            b, sd = self.coef_[j], self.feature_sd_[j - 1]
            rows.append({
                "factor": name, "coef": b, "rate_ratio_per_point": float(np.exp(b)),
                "ci_low_per_point": float(np.exp(lo[j])), "ci_high_per_point": float(np.exp(hi[j])),
                "feature_sd": float(sd), "sd_kind": self.sd_kind_[j - 1],
                "rate_ratio_per_sd": float(np.exp(b * sd)),
                "ci_low_per_sd": float(np.exp(lo[j] * sd)), "ci_high_per_sd": float(np.exp(hi[j] * sd)),
                "interval": method,
            })
        return pd.DataFrame(rows)

    def power(self) -> pd.DataFrame:
        """Per factor, the smallest effect per SD this organisation's data detect with 80 %
        power at the 5 % level (2.8 standard errors, bootstrap SE over teams), and whether that
        is small enough to separate drivers (``SMALLEST_RELEVANT_LOG_RATIO``)."""
        se = self._se()[1:]
        mde = MDE_Z * se * self.feature_sd_
        return pd.DataFrame({
            "factor": self.features_, "se_log_per_sd": se * self.feature_sd_,
            "mde_log_per_sd": mde, "mde_ratio_per_sd": np.exp(-mde),
            "powered": mde <= SMALLEST_RELEVANT_LOG_RATIO,
        })


def fit_pooled(org, n_boot: int = 1000, seed: int = 0, scales: list[str] | None = None,
               frame: pd.DataFrame | None = None) -> tuple[PooledTeamModel, pd.DataFrame]:
    """The pooled team model on an organisation (driver scales plus contract mix), with "per SD"
    meaning one SD between agents; returns the model and the team frame it was fitted on."""
    frame = pooled_team_frame(org, scales) if frame is None else frame
    features = [s for s in (scales or DRIVER_SCALES) if s in frame]
    rows = frame.dropna(subset=features)
    if rows.empty:
        raise InputError("No team has a published pulse mean yet; run a pulse wave first.")
    model = PooledTeamModel(n_boot=n_boot, seed=seed, scale_sd=person_score_sd(org, features))
    with limited():
        model.fit(rows[features], rows["leavers"], exposure=rows["person_years"])
    return model, rows
