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
