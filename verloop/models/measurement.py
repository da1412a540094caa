"""Survey scores measure constructs with error; effects on leaving must account for it.

A scale score W = X + U: the true score X plus measurement error U (Cronbach's alpha tells how
much of W's variance is X). Regressing leaving on W attenuates every effect towards zero and
lets correlated scales steal each other's effects. *Regression calibration* (Carroll et al.,
Measurement Error in Nonlinear Models, ch. 4) replaces W by E[X | W] before fitting:

    E[X | W] = μ + Σ_X Σ_W⁻¹ (W − μ),   Σ_X = Σ_W − diag((1 − α_k) · var(W_k))

A score also ages: the hazard a month after the survey depends on the construct *then*, which
has drifted. With people linked over waves (confidential mode) the drift is measurable: the
correlation of a person's scores ``lag`` days apart, divided by the reliability, estimates the
true scores' autocorrelation ρ(lag), and E[X(t) | W(t₀)] = μ + ρ(t − t₀) · (E[X | W] − μ).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from verloop.models.data import OrgData


def scale_reliabilities(org: OrgData, scales: list[str] | None = None, max_responses: int = 50_000) -> dict[str, float]:
    """Cronbach's alpha of each multi-item pulse scale on the pulse answers (keyed items; a
    fixed random sample of ``max_responses`` responses in very large organisations).

    Uses ``verloop.stats.psychometrics`` (the project's reliability code). Single-item
    scales (eNPS) have no alpha and are left out.
    """
    from verloop.models.data import pulse_answers
    from verloop.stats.psychometrics import cronbach_alpha
    from verloop.surveys import item_matrix

    instrument = org.pulse_instrument()
    responses, answers = pulse_answers(org)
    answers = answers[answers["item_id"].isin([i.id for i in instrument.items])]
    if len(responses) > max_responses:  # alpha is precise long before this; keep it cheap
        chosen = np.random.default_rng(0).choice(len(responses), max_responses, replace=False)
        answers = answers[np.isin(answers["response_id"].to_numpy(), chosen)]
    wide = item_matrix(answers, instrument)
    out = {}
    for scale, items in instrument.scale_items(min_items=2).items():
        if scales is not None and scale not in scales:
            continue
        cols = [i for i in items if i in wide.columns]
        if len(cols) >= 2:
            out[scale] = float(cronbach_alpha(wide[cols]).alpha)
    return out


@dataclass
class RegressionCalibration:
    """E[true score | observed scores] for a set of scales, from their covariance and alphas."""

    scales: list[str]
    reliabilities: dict[str, float]
    mean_: np.ndarray | None = None
    matrix_: np.ndarray | None = None  # B = Σ_X Σ_W⁻¹
    true_sd_: np.ndarray | None = None  # SD of the true score (points)
    observed_sd_: np.ndarray | None = None
    cov_x_: np.ndarray | None = None  # Σ_X, covariance of the true scores
    error_var_: np.ndarray | None = None  # (1 − α_k) · var(W_k), the measurement error variances
    n_: int = 0

    def fit(self, scores: pd.DataFrame) -> RegressionCalibration:
        W = scores[self.scales].dropna().to_numpy(dtype=float)
        self.n_ = len(W)
        self.mean_ = W.mean(axis=0)
        cov_w = np.cov(W, rowvar=False)
        rel = np.array([min(max(self.reliabilities.get(s, 1.0), 0.3), 1.0) for s in self.scales])
        cov_x = cov_w - np.diag((1 - rel) * np.diag(cov_w))
        self.matrix_ = cov_x @ np.linalg.inv(cov_w)
        self.true_sd_ = np.sqrt(np.clip(np.diag(cov_x), 1e-12, None))
        self.observed_sd_ = np.sqrt(np.diag(cov_w))
        self.cov_x_ = cov_x
        self.error_var_ = (1 - rel) * np.diag(cov_w)
        return self

    def transform(self, scores: pd.DataFrame | np.ndarray, decay=None) -> np.ndarray:
        """Calibrated true scores (same units as the scales); ``decay`` (rows × scales, or one
        value per row) shrinks each deviation from the mean by ρ(age of the score)."""
        W = scores[self.scales].to_numpy(dtype=float) if hasattr(scores, "columns") else scores
        dev = (W - self.mean_) @ self.matrix_.T
        if decay is not None:
            decay = np.asarray(decay, dtype=float)
            dev = dev * (decay if decay.ndim == 2 else decay[:, None])
        return self.mean_ + dev


@dataclass
class RetestDecay:
    """ρ_k(lag): autocorrelation of each scale's true score over time, from repeated scores of
    one person. Scales drift at different speeds (a team climate is stable, a mood is not), so
    each scale has its own curve."""

    scales: list[str] = field(default_factory=list)
    lags: np.ndarray = field(default_factory=lambda: np.array([0.0]))
    rho: np.ndarray = field(default_factory=lambda: np.ones((1, 0)))  # lags × scales
    pairs: np.ndarray = field(default_factory=lambda: np.array([0]))

    @classmethod
    def estimate(
        cls,
        linked: pd.DataFrame,
        scales: list[str],
        reliabilities: dict[str, float],
        max_lag_waves: int = 8,
        min_pairs: int = 50,
    ) -> RetestDecay:
        """Median lag (days) and disattenuated retest correlation per scale for answers 1…k
        waves apart. ``linked``: one row per response with ``employee_id``, ``submitted_on``
        and the scales (confidential mode only). Each curve starts at 1 and never rises."""
        s = linked.dropna(subset=scales).sort_values(["employee_id", "submitted_on"])
        g = s.groupby("employee_id", sort=False)
        lags, rows, pairs = [0.0], [np.ones(len(scales))], [0]
        for k in range(1, max_lag_waves + 1):
            nxt = g[scales + ["submitted_on"]].shift(-k)
            ok = nxt[scales[0]].notna().to_numpy()
            if ok.sum() < min_pairs:
                break
            days = (nxt.loc[ok, "submitted_on"] - s.loc[ok, "submitted_on"]).dt.days
            r = np.empty(len(scales))
            for j, scale in enumerate(scales):
                a, b = s.loc[ok, scale].to_numpy(float), nxt.loc[ok, scale].to_numpy(float)
                corr = np.corrcoef(a, b)[0, 1] if a.std() > 0 and b.std() > 0 else 0.0
                r[j] = corr / reliabilities.get(scale, 1.0)
            lags.append(float(days.median()))
            rows.append(np.clip(np.minimum(r, rows[-1]), 0.0, 1.0))
            pairs.append(int(ok.sum()))
        return cls(list(scales), np.array(lags), np.vstack(rows), np.array(pairs))

    def __call__(self, lag_days) -> np.ndarray:
        """ρ per scale at the given ages (days): rows × scales, linear between measured lags,
        flat beyond the last."""
        lag = np.asarray(lag_days, dtype=float)
        return np.column_stack([np.interp(lag, self.lags, self.rho[:, j]) for j in range(len(self.scales))])

    def to_dict(self) -> dict:
        return {
            "lags_days": self.lags.tolist(),
            "rho": {s: self.rho[:, j].tolist() for j, s in enumerate(self.scales)},
            "pairs": self.pairs.tolist(),
        }


@dataclass
class HistoryCalibration:
    """E[X(t) | W₁ … W_m]: a person's true scores at time t from their last ``m`` answers and
    their ages, the best linear predictor under the measurement model of
    ``RegressionCalibration`` (Σ_X, error variances) and the drift of ``RetestDecay``.

    One answer shrinks towards the mean twice (error, age); several answers of one person,
    weighted by how old and how far apart they are, predict the construct *now* with less
    residual variance. Cov(X_k(s), X_l(s')) = Σ_X[k, l] · √(ρ_k ρ_l)(|s − s'|), errors
    independent between answers and scales. With one answer this is exactly
    ``calibration.transform(W, decay=ρ(age))`` for a single scale.
    """

    calibration: RegressionCalibration
    decay: RetestDecay
    chunk: int = 4096

    def _r(self, lag: np.ndarray) -> np.ndarray:
        """√(ρ_k ρ_l) at each lag: (..., K, K)."""
        rho = self.decay(lag.reshape(-1)).reshape(*lag.shape, -1)
        root = np.sqrt(np.clip(rho, 0.0, 1.0))
        return root[..., :, None] * root[..., None, :]

    def _blocks(self, age: np.ndarray, missing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Cov(answers) (c, mK, mK) and Cov(X(t), answers) (c, K, mK) for a chunk of rows; an
        answer a person does not have becomes an independent unit-variance placeholder."""
        cal = self.calibration
        c, m = age.shape
        K = len(cal.mean_)
        lag = np.abs(age[:, :, None] - age[:, None, :])
        cww = cal.cov_x_ * self._r(lag) + np.eye(m)[None, :, :, None, None] * np.diag(cal.error_var_)
        cww = np.where((missing[:, :, None] | missing[:, None, :])[..., None, None], 0.0, cww)
        cww = cww + (np.eye(m)[None] * missing[:, :, None])[..., None, None] * np.eye(K)
        cww = cww.transpose(0, 1, 3, 2, 4).reshape(c, m * K, m * K)
        cxw = (cal.cov_x_ * self._r(age)) * (~missing)[..., None, None]
        return cww, cxw.transpose(0, 2, 1, 3).reshape(c, K, m * K)

    def transform(self, W: np.ndarray, ages: np.ndarray) -> np.ndarray:
        """``W``: (n, m, K) scores (NaN rows for answers a person does not have), ``ages``:
        (n, m) days between each answer and t. Returns (n, K) calibrated scores."""
        mean = self.calibration.mean_
        n, m, K = W.shape
        out = np.empty((n, K))
        for a in range(0, n, self.chunk):
            w, age = W[a : a + self.chunk], ages[a : a + self.chunk]
            have = np.isfinite(w).all(axis=2) & np.isfinite(age)
            dev = np.where(have[..., None], w - mean, 0.0).reshape(len(w), m * K, 1)
            cww, cxw = self._blocks(np.where(have, age, 0.0), ~have)
            out[a : a + self.chunk] = mean + (cxw @ np.linalg.solve(cww, dev))[..., 0]
        return out

    def residual_variance(self, ages: np.ndarray, have: np.ndarray) -> np.ndarray:
        """Var(X_k(t) | answers) per scale for rows of answer ages (n, m) and which answers
        exist: (n, K) — what the calibrated score leaves unexplained."""
        n = len(ages)
        cov_x = np.diag(self.calibration.cov_x_)
        out = np.empty((n, len(cov_x)))
        for a in range(0, n, self.chunk):
            h = have[a : a + self.chunk]
            cww, cxw = self._blocks(np.where(h, ages[a : a + self.chunk], 0.0), ~h)
            gain = np.linalg.solve(cww, cxw.transpose(0, 2, 1))  # (c, mK, K)
            out[a : a + self.chunk] = cov_x - np.einsum("ckj,cjk->ck", cxw, gain)
        return out
