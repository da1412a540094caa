"""Team-level models (anonymous mode): team survey means → voluntary leavers.

The effects model (issue 11, ``fit_pooled``): one row per team (``pooled_team_frame``), its
scale means pooled over every published wave, the voluntary leavers and person-years of *all*
its staff (new hires included), no tenure or new-hire controls (they are produced by past
leaving and absorb the effect), ≥ 1,000 bootstrap resamples of teams, and a power analysis
saying whether the organisation's teams can separate drivers at all. The per-wave panel
(``features.team_panel``, ``panel_xy``) is kept for held-out comparison and the notebooks.

Both use one estimator with the scikit-learn contract, ``TeamPoissonModel`` (alias
``PooledTeamModel``): ``fit(X, y, sample_weight)`` with ``y`` the voluntary leavers per
person-year and the person-years as ``sample_weight`` (as ``PoissonRegressor``), ``predict(X)``
the rate, ``summary`` a lifelines-style frame (``verloop.models.results``). On the per-wave
panel (``panel_xy``) ``y`` counts the leavers in the next ``horizon_months`` among the people in
the team when the wave closed; ``groups`` = team makes the bootstrap resample whole teams.
``team_boosting`` is gradient boosting with a Poisson loss on the same contract — no effects,
often better ranking.

What the team-level rate ratio estimates: the *contextual* association of a team's mean score
with its leaving rate, adjusted for the other features. It mixes the individual effect with
composition and is attenuated by the sampling error of means over a handful of respondents, so
it is not the individual hazard ratio of the person-level model (see ``individual``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from verloop.errors import InputError
from verloop.models.data import DRIVER_SCALES, KPI_COLUMNS, OUTCOME_SCALES
from verloop.models.features import TEAM_FACTS
from verloop.models.results import SummaryMixin, summary_frame
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


def training_rows(panel: pd.DataFrame, horizon: int, features: list[str], allow_missing: bool = False) -> pd.DataFrame:
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


def poisson_irls(
    X, y, offset, start=None, max_iter: int = 50, tol: float = 1e-8, return_cov: bool = False, l2: float = 0.0
):
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


def poisson_irls_weighted(X, y, offset, weights, start, max_iter: int = 50, tol: float = 1e-8) -> np.ndarray:
    """Many Poisson GLM fits at once: one per row of ``weights`` (B × rows, e.g. how often a
    bootstrap resample drew each row), all on the same ``X``, ``y`` and ``offset``, by batched
    Newton steps from ``start``. Returns B × (1 + features); a fit that fails to converge is a
    row of NaN. Weighted rows are the resampled data: the same estimates as ``poisson_irls`` on
    the repeated rows."""
    design = np.column_stack([np.ones(len(X)), X])
    weights = np.asarray(weights, dtype=float)
    B, p = len(weights), design.shape[1]
    beta = np.tile(np.asarray(start, dtype=float), (B, 1))
    active = np.ones(B, dtype=bool)
    done = np.zeros(B, dtype=bool)
    for _ in range(max_iter):
        idx = np.flatnonzero(active)
        if not len(idx):
            break
        w = weights[idx]
        mu = np.exp(np.clip(beta[idx] @ design.T + offset, -30, 30))  # (b, rows)
        grad = (w * (y - mu)) @ design  # (b, p)
        hess = ((w * mu)[:, None, :] * design.T) @ design  # (b, p, p)
        try:
            step = np.linalg.solve(hess, grad[..., None])[..., 0]
        except np.linalg.LinAlgError:  # a singular resample: solve one by one, NaN where singular
            step = np.full((len(idx), p), np.nan)
            for i in range(len(idx)):
                try:
                    step[i] = np.linalg.solve(hess[i], grad[i])
                except np.linalg.LinAlgError:
                    pass
        beta[idx] = beta[idx] + step
        bad = ~np.all(np.isfinite(beta[idx]), axis=1)
        converged = ~bad & (np.max(np.abs(np.nan_to_num(step, nan=np.inf)), axis=1) < tol)
        done[idx[converged]] = True
        active[idx[bad | converged]] = False
    beta[~done] = np.nan
    return beta


# -- pooled team model: the effects model of issue 11 -------------------------------------------


def pooled_team_frame(
    org,
    scales: list[str] | None = None,
    min_group_size: int | None = None,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
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
    voluntary = ((emp["exit_type"] == "voluntary") & (emp["exit_date"] > start) & (emp["exit_date"] <= end)).astype(
        float
    )
    team = emp["team_id"].to_numpy()
    frame["leavers"] = voluntary.groupby(team).sum().reindex(frame.index).fillna(0).astype("int64")
    frame["person_years"] = years.groupby(team).sum().reindex(frame.index).fillna(0.0)
    frame["headcount"] = (
        headcount_at(emp, end).astype(int).groupby(team).sum().reindex(frame.index).fillna(0).astype("int64")
    )
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


class TeamPoissonModel(SummaryMixin, RegressorMixin, BaseEstimator):
    """Poisson GLM (log link) of a team's voluntary leaving *rate* on its survey means, with
    rate ratios per point and per SD and percentile intervals from ``n_boot`` bootstrap
    resamples of teams. The effects model of the drivers, risk and what-if pages (fitted on
    ``pooled_team_frame``: one row per team) and the per-wave model of the held-out comparison
    (``panel_xy``: one row per team and wave, ``groups`` = team).

    Contract, as ``sklearn.linear_model.PoissonRegressor``: ``fit(X, y, sample_weight)`` with
    ``y`` = voluntary leavers / person-years and ``sample_weight`` = person-years; ``predict(X)``
    is the rate, so expected leavers are ``predict(X) * person_years``; ``score`` is D² (share of
    Poisson deviance explained). Why a weighted rate and not an ``exposure`` argument: for a
    Poisson log-link GLM the weighted rate likelihood Σ w·(y·log μ − μ) is the count likelihood
    with a log(person-years) offset up to a constant, so the estimates are the same, and in this
    shape scikit-learn's own tools (``cross_val_score``, ``permutation_importance``,
    ``partial_dependence``, ``parametrize_with_checks``) work unchanged. ``groups`` (team of each
    row) makes the bootstrap resample whole teams; by default every row is its own team.

    Fitting is our own Newton/IRLS (``poisson_irls``) rather than ``PoissonRegressor``: the
    same maximum-likelihood estimate (checked against statsmodels) plus the model-based
    covariance, and ≈ 10× faster per fit, which matters for 1,000 bootstrap refits.

    No tenure or new-hire controls belong in ``X`` (``POST_TREATMENT``). ``scale_sd`` (per
    feature name) sets the "per SD" unit — the SD between agents' individual scores when given
    (``fit_pooled``), else the SD between the rows' means. ``summary`` is the lifelines-style
    frame of ``verloop.models.results``; ``power()`` the per-factor minimum detectable effect.
    """

    effect_level = "team"

    def __init__(self, n_boot: int = 1000, seed: int = 0, level: float = 0.95, scale_sd: dict | None = None):
        self.n_boot = n_boot
        self.seed = seed
        self.level = level
        self.scale_sd = scale_sd

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.positive_only = True  # a rate of leaving
        return tags

    def fit(self, X, y, sample_weight=None, groups=None) -> TeamPoissonModel:
        """Fit on team means ``X``, leaving rates ``y`` and person-years ``sample_weight``."""
        Xv, y = validate_data(self, X, y, dtype=np.float64, y_numeric=True, ensure_min_samples=2)
        w = _check_sample_weight(sample_weight, Xv, ensure_non_negative=True)
        if np.any(y < 0):
            raise ValueError("y is a leaving rate (leavers / person-years); negative values are invalid.")
        if groups is not None and len(groups) != len(y):
            raise ValueError("groups must have one team per row of X.")
        keep = w > 0  # rows without exposure carry no information (weight 0 = left out)
        names = (
            list(self.feature_names_in_)
            if hasattr(self, "feature_names_in_")
            else [f"x{i}" for i in range(Xv.shape[1])]
        )
        Xv, y, w = Xv[keep], y[keep], w[keep]
        groups = np.arange(len(y)) if groups is None else np.asarray(groups)[keep]
        counts = y * w
        if len(Xv) < len(names) + 5 or counts.sum() < 5:
            raise InputError(
                f"Too little data for the team model: {len(Xv)} rows and {round(counts.sum())} "
                f"voluntary leavers for {len(names)} factors; collect more first."
            )
        offset = np.log(w)
        fit = poisson_irls(Xv, counts, offset, return_cov=True)
        if fit is None:
            raise InputError(
                "The team model did not converge; some features are (almost) "
                "constant or duplicate each other — drop them and try again."
            )
        self.features_ = names
        self.coef_, cov = fit
        self.bse_model_ = np.sqrt(np.clip(np.diag(cov), 0, None))
        self.boot_coef_ = self._bootstrap(Xv, counts, offset, groups)
        self.n_boot_failed_ = int(self.n_boot) - len(self.boot_coef_)
        frame = pd.DataFrame(Xv, columns=names)
        between = frame.std(ddof=1).to_numpy(dtype=float)
        given = self.scale_sd or {}
        self.feature_sd_ = np.array([given.get(f, s) for f, s in zip(names, between)])
        self.sd_kind_ = ["between agents" if f in given else "between teams" for f in names]
        self.feature_range_ = {f: (float(frame[f].min()), float(frame[f].max())) for f in names}
        self.n_rows_ = int(len(Xv))
        self.n_teams_ = int(len(pd.unique(groups)))
        self.n_leavers_ = int(round(counts.sum()))
        self.person_years_ = float(w.sum())
        return self

    def _bootstrap(self, X, counts, offset, groups) -> np.ndarray:
        """Refits on ``n_boot`` resamples of whole teams; a refit that fails or runs away
        (|coef| ≥ 20: a factor that hardly varies in the resample) is left out and counted.

        A resample of teams is the data with each team weighted by how often it was drawn, so
        all refits run at once (``poisson_irls_weighted``), each warm-started at the full-data
        estimate: the same estimates as one ``poisson_irls`` per resample, many times faster."""
        codes, uniques = pd.factorize(pd.Series(groups))
        n_groups = len(uniques)
        rng = np.random.default_rng(self.seed)
        picks = np.stack([rng.integers(0, n_groups, n_groups) for _ in range(int(self.n_boot))]) if self.n_boot else []
        if not len(picks):
            return np.empty((0, len(self.coef_)))
        drawn = np.stack([np.bincount(p, minlength=n_groups) for p in picks])  # (B, teams)
        weights = drawn[:, codes].astype(float)  # (B, rows)
        boot = poisson_irls_weighted(X, counts, offset, weights, start=self.coef_)
        ok = np.all(np.isfinite(boot), axis=1) & np.all(np.abs(boot[:, 1:]) < 20, axis=1)
        return boot[ok] if ok.any() else np.empty((0, len(self.coef_)))

    # -- predictions -------------------------------------------------------------------------
    def _design(self, X) -> np.ndarray:
        check_is_fitted(self, "coef_")
        if hasattr(self, "n_features_in_"):
            return validate_data(self, X, dtype=np.float64, reset=False)
        return np.asarray(X[self.features_] if isinstance(X, pd.DataFrame) else X, dtype=float)

    def predict(self, X) -> np.ndarray:
        """Voluntary leavers per person-year at the given team means (× person-years =
        expected leavers)."""
        Xv = self._design(X)
        return np.exp(self.coef_[0] + Xv @ self.coef_[1:])

    def predict_draws(self, X) -> np.ndarray:
        """The rate under every bootstrap refit: one row per resample, one column per row of
        ``X`` (empty without a bootstrap) — the intervals of the risk and what-if pages."""
        Xv = self._design(X)
        boot = self.boot_coef_
        return np.exp(boot[:, :1] + boot[:, 1:] @ Xv.T)

    def score(self, X, y, sample_weight=None) -> float:
        """D²: the share of Poisson deviance explained (as ``PoissonRegressor.score``)."""
        from sklearn.metrics import d2_tweedie_score

        return float(d2_tweedie_score(y, self.predict(X), sample_weight=sample_weight, power=1))

    # -- effects -----------------------------------------------------------------------------
    def _se(self) -> np.ndarray:
        if len(self.boot_coef_) >= 20:
            return self.boot_coef_.std(axis=0, ddof=1)
        return self.bse_model_

    def _bounds(self) -> tuple[np.ndarray, np.ndarray, str]:
        alpha = (1 - self.level) / 2
        if len(self.boot_coef_) >= 20:
            lo, hi = np.quantile(self.boot_coef_, [alpha, 1 - alpha], axis=0)
            return lo, hi, f"percentile bootstrap over teams ({len(self.boot_coef_)} resamples)"
        z = norm.ppf(1 - alpha)
        return (self.coef_ - z * self.bse_model_, self.coef_ + z * self.bse_model_, "Wald (model-based)")

    def p_values(self) -> np.ndarray:
        """Two-sided p-value of "no effect" per feature, from the same bootstrap as the
        intervals: twice the share of refits on the far side of zero, counting the estimate
        itself ((k + 1) / (B + 1)), so that p < 0.05 exactly when the percentile interval
        excludes 1 (up to that count). Without a bootstrap: Wald."""
        check_is_fitted(self, "coef_")
        boot = self.boot_coef_[:, 1:]
        if len(boot) >= 20:
            below = (np.sum(boot <= 0, axis=0) + 1) / (len(boot) + 1)
            above = (np.sum(boot >= 0, axis=0) + 1) / (len(boot) + 1)
            return np.minimum(1.0, 2 * np.minimum(below, above))
        return 2 * norm.sf(np.abs(self.coef_[1:] / self.bse_model_[1:]))

    @property
    def summary(self) -> pd.DataFrame:
        """lifelines-style table (``results.summary_frame``): log rate ratio per point, per SD."""
        check_is_fitted(self, "coef_")
        lo, hi, method = self._bounds()
        return summary_frame(
            ["Intercept", *self.features_],
            self.coef_,
            self._se(),
            lo,
            hi,
            self.level,
            sd=[np.nan, *self.feature_sd_],
            sd_kind=["", *self.sd_kind_],
            interval=method,
        )

    def _summary_header(self):
        return [
            ("teams", self.n_teams_),
            ("rows", self.n_rows_),
            ("voluntary leavers", self.n_leavers_),
            ("person-years", round(self.person_years_, 1)),
        ]

    def power(self) -> pd.DataFrame:
        """Per factor, the smallest effect per SD this organisation's data detect with 80 %
        power at the 5 % level (2.8 standard errors, bootstrap SE over teams), and whether that
        is small enough to separate drivers (``SMALLEST_RELEVANT_LOG_RATIO``)."""
        se = self._se()[1:]
        mde = MDE_Z * se * self.feature_sd_
        return pd.DataFrame(
            {
                "factor": self.features_,
                "se_log_per_sd": se * self.feature_sd_,
                "mde_log_per_sd": mde,
                "mde_ratio_per_sd": np.exp(-mde),
                "powered": mde <= SMALLEST_RELEVANT_LOG_RATIO,
            }
        )


PooledTeamModel = TeamPoissonModel
"""The name the drivers pages and trained artefacts use for the effects model (issue 11)."""


def team_boosting(seed: int = 0, max_iter: int = 200, learning_rate: float = 0.05):
    """Gradient boosting with a Poisson loss for the per-wave panel: fit it like the GLM,
    ``fit(X, leaving rate, sample_weight=person-years)``; no effects, often better ranking.
    A plain ``HistGradientBoostingRegressor`` (NaN handled natively), so every scikit-learn
    tool applies to it."""
    from sklearn.ensemble import HistGradientBoostingRegressor

    return HistGradientBoostingRegressor(
        loss="poisson",
        learning_rate=learning_rate,
        max_iter=max_iter,
        max_leaf_nodes=8,
        min_samples_leaf=20,
        l2_regularization=1.0,
        random_state=seed,
    )


def panel_xy(panel: pd.DataFrame, horizon: int, features: list[str], allow_missing: bool = False):
    """The per-wave panel in the estimator contract: ``X`` (the features), ``y`` (voluntary
    leavers per person-year in the next ``horizon`` months), ``sample_weight`` (those
    person-years) and ``groups`` (team ids), for rows whose window is complete."""
    missing = [f for f in features if f not in panel]
    if missing:
        raise InputError(f"The team panel lacks feature column(s) {', '.join(missing)}.")
    rows = training_rows(panel, horizon, features, allow_missing)
    exposure = rows[f"exposure_{horizon}m"].astype(float)
    return rows[features], rows[f"leavers_{horizon}m"] / exposure, exposure, rows["team_id"]


def fit_pooled(
    org, n_boot: int = 1000, seed: int = 0, scales: list[str] | None = None, frame: pd.DataFrame | None = None
) -> tuple[PooledTeamModel, pd.DataFrame]:
    """The pooled team model on an organisation (driver scales plus contract mix), with "per SD"
    meaning one SD between agents; returns the model and the team frame it was fitted on."""
    frame = pooled_team_frame(org, scales) if frame is None else frame
    features = [s for s in (scales or DRIVER_SCALES) if s in frame]
    rows = frame.dropna(subset=features)
    if rows.empty:
        raise InputError("No team has a published pulse mean yet; run a pulse wave first.")
    model = TeamPoissonModel(n_boot=n_boot, seed=seed, scale_sd=person_score_sd(org, features))
    with limited():
        model.fit(rows[features], rows["leavers"] / rows["person_years"], sample_weight=rows["person_years"])
    return model, rows
