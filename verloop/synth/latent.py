"""The latent-construct model: how team-lead style, team climate and the person combine.

Each person-month has ten base constructs z (engagement … metric_gaming), standardised so that
over the whole workforce each has mean ≈ 0 and SD 1:

    z = style_shift[lead style] − mix mean          (fixed per team)
      + team climate                                 (AR(1), correlation R, variance icc − var(style))
      + person: √τ · trait + √(1−τ) · state          (trait fixed, state AR(1); correlation R,
                                                      variance 1 − icc)

so the intra-class correlation of construct k is ``icc[k]`` and the total covariance ``Σ`` is
known in closed form. Three further person-level standard-normal series are independent of z:
unmeasured personal circumstances ``u`` (frailty), and the unique parts of intent to stay and
eNPS. Intent to stay and eNPS are derived: intent reflects the person's own exit propensity (the
measured drivers and ``u``) plus engagement and growth; eNPS reflects intent, engagement,
leadership and connection. Both are standardised with their exact variances.

Why a common correlation R for the team and the person parts: the literature reports the same
pattern of correlations between job resources, strain and attitudes at both levels, and it keeps
Σ exact. Values are plausible meta-analytic magnitudes (job resources r ≈ .3–.5 among themselves,
strain ↔ wellbeing r ≈ −.45, engagement ↔ wellbeing ≈ .55).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from verloop.synth.config import BASE_CONSTRUCTS, LEAD_STYLES, SynthConfig

K = len(BASE_CONSTRUCTS)
EXTRA = ("frailty", "intent_unique", "enps_unique")
IDX = {name: i for i, name in enumerate(BASE_CONSTRUCTS)}

# Correlation of the base constructs (person and team level alike).
_R_ROWS = {
    #               E     W     A     M    WL     C     G    LD     V    MG
    "engagement": [1.0, 0.55, 0.40, 0.40, -0.30, 0.45, 0.50, 0.45, 0.50, -0.25],
    "wellbeing": [0.55, 1.0, 0.35, 0.30, -0.45, 0.40, 0.35, 0.35, 0.35, -0.25],
    "autonomy": [0.40, 0.35, 1.0, 0.50, -0.35, 0.25, 0.30, 0.40, 0.40, -0.30],
    "mandate": [0.40, 0.30, 0.50, 1.0, -0.30, 0.25, 0.35, 0.45, 0.45, -0.30],
    "workload": [-0.30, -0.45, -0.35, -0.30, 1.0, -0.20, -0.20, -0.30, -0.25, 0.40],
    "connection": [0.45, 0.40, 0.25, 0.25, -0.20, 1.0, 0.30, 0.40, 0.40, -0.15],
    "growth": [0.50, 0.35, 0.30, 0.35, -0.20, 0.30, 1.0, 0.45, 0.45, -0.20],
    "leadership": [0.45, 0.35, 0.40, 0.45, -0.30, 0.40, 0.45, 1.0, 0.55, -0.35],
    "voice": [0.50, 0.35, 0.40, 0.45, -0.25, 0.40, 0.45, 0.55, 1.0, -0.30],
    "metric_gaming": [-0.25, -0.25, -0.30, -0.30, 0.40, -0.15, -0.20, -0.35, -0.30, 1.0],
}
CORRELATION = np.array([_R_ROWS[name] for name in BASE_CONSTRUCTS])

# Lead style → shift of the team component (SD units). Servant leads raise autonomy, mandate,
# connection and leadership; Taylorist leads (scripts, norm times) lower them and raise time
# pressure and metric gaming (DOMAIN.md).
STYLE_SHIFTS: dict[str, dict[str, float]] = {
    "servant": {
        "engagement": 0.10,
        "wellbeing": 0.10,
        "autonomy": 0.30,
        "mandate": 0.35,
        "workload": -0.15,
        "connection": 0.25,
        "growth": 0.15,
        "leadership": 0.50,
        "voice": 0.30,
        "metric_gaming": -0.20,
    },
    "neutral": {},
    "taylorist": {
        "engagement": -0.20,
        "wellbeing": -0.30,
        "autonomy": -0.55,
        "mandate": -0.60,
        "workload": 0.60,
        "connection": -0.25,
        "growth": -0.20,
        "leadership": -0.80,
        "voice": -0.40,
        "metric_gaming": 0.70,
    },
}

# Derived constructs: weights on the exit propensity (−η/sd), base constructs and the extras.
INTENT_WEIGHTS = {"propensity": 0.75, "engagement": 0.20, "growth": 0.05, "frailty": 0.55, "intent_unique": 0.35}
ENPS_WEIGHTS = {"intent_stay": 0.70, "engagement": 0.25, "leadership": 0.15, "connection": 0.05, "enps_unique": 0.35}

MIN_TEAM_RESIDUAL_VAR = 0.02


def nearest_correlation(matrix: np.ndarray) -> np.ndarray:
    """Clip negative eigenvalues so a hand-written correlation matrix is positive definite."""
    values, vectors = np.linalg.eigh(matrix)
    values = np.clip(values, 1e-3, None)
    fixed = vectors @ np.diag(values) @ vectors.T
    d = np.sqrt(np.diag(fixed))
    return fixed / np.outer(d, d)


@dataclass(frozen=True)
class LatentModel:
    """All fixed quantities of the latent model, derived once from a config."""

    styles: tuple[str, ...]
    style_probs: np.ndarray  # (S,)
    shift: np.ndarray  # (S, K) centred style shift
    team_sd: np.ndarray  # (K,) SD of the team climate residual
    person_sd: np.ndarray  # (K,) SD of the person part
    chol: np.ndarray  # (K, K) Cholesky factor of R
    sigma: np.ndarray  # (K, K) total covariance of z (≈ correlation)
    beta: np.ndarray  # (K,) hazard betas per SD of z
    eta_sd: float  # SD of beta·z over the workforce
    intent_w: np.ndarray  # (K+3,) weights of raw intent on [z, frailty, intent_u, enps_u]
    intent_sd: float
    enps_w: np.ndarray  # (K+3,) weights of raw eNPS on [z, extras] (intent expanded)
    enps_sd: float
    icc: np.ndarray  # (K,)

    @classmethod
    def from_config(cls, config: SynthConfig) -> LatentModel:
        styles = tuple(s for s in LEAD_STYLES if config.lead_style_mix.get(s, 0) > 0)
        probs = np.array([config.lead_style_mix[s] for s in styles], dtype=float)
        probs /= probs.sum()
        raw = np.array([[STYLE_SHIFTS[s].get(k, 0.0) for k in BASE_CONSTRUCTS] for s in styles])
        mean = probs @ raw
        shift = raw - mean
        style_var = probs @ (shift**2)
        icc = np.array([config.icc.get(k, 0.15) for k in BASE_CONSTRUCTS])
        team_var = np.maximum(icc - style_var, MIN_TEAM_RESIDUAL_VAR)
        person_var = 1.0 - style_var - team_var
        corr = nearest_correlation(CORRELATION)
        chol = np.linalg.cholesky(corr)
        ts, ps = np.sqrt(team_var), np.sqrt(person_var)
        style_cov = (shift * probs[:, None]).T @ shift
        sigma = np.outer(ts, ts) * corr + np.outer(ps, ps) * corr + style_cov

        beta = np.array([config.hazard_betas.get(k, 0.0) for k in BASE_CONSTRUCTS])
        eta_sd = float(np.sqrt(beta @ sigma @ beta)) or 1.0
        big = np.zeros((K + 3, K + 3))
        big[:K, :K] = sigma
        big[K:, K:] = np.eye(3)

        w = np.zeros(K + 3)
        w[:K] -= INTENT_WEIGHTS["propensity"] * beta / eta_sd
        w[IDX["engagement"]] += INTENT_WEIGHTS["engagement"]
        w[IDX["growth"]] += INTENT_WEIGHTS["growth"]
        w[K] += INTENT_WEIGHTS["frailty"] * np.sign(config.frailty_beta or 1.0) * -1
        w[K + 1] += INTENT_WEIGHTS["intent_unique"]
        intent_sd = float(np.sqrt(w @ big @ w))

        e = ENPS_WEIGHTS["intent_stay"] * w / intent_sd
        e[IDX["engagement"]] += ENPS_WEIGHTS["engagement"]
        e[IDX["leadership"]] += ENPS_WEIGHTS["leadership"]
        e[IDX["connection"]] += ENPS_WEIGHTS["connection"]
        e[K + 2] += ENPS_WEIGHTS["enps_unique"]
        enps_sd = float(np.sqrt(e @ big @ e))
        return cls(
            styles=styles,
            style_probs=probs,
            shift=shift,
            team_sd=ts,
            person_sd=ps,
            chol=chol,
            sigma=sigma,
            beta=beta,
            eta_sd=eta_sd,
            intent_w=w,
            intent_sd=intent_sd,
            enps_w=e,
            enps_sd=enps_sd,
            icc=icc,
        )

    # -- draws ----------------------------------------------------------------------------------
    def correlated(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """n draws of N(0, R) for the base constructs."""
        return rng.standard_normal((n, K)) @ self.chol.T

    def derived(self, z: np.ndarray, extras: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Standardised intent to stay and eNPS from z (n, K) and extras (n, 3)."""
        full = np.concatenate([z, extras], axis=1)
        intent = full @ (self.intent_w / self.intent_sd)
        enps = full @ (self.enps_w / self.enps_sd)
        return intent, enps

    def correlation_all(self) -> np.ndarray:
        """Implied correlation of all twelve constructs (base + intent + eNPS)."""
        big = np.zeros((K + 3, K + 3))
        big[:K, :K] = self.sigma
        big[K:, K:] = np.eye(3)
        load = np.zeros((K + 3, K + 2))
        load[:K, :K] = np.eye(K)
        load[:, K] = self.intent_w / self.intent_sd
        load[:, K + 1] = self.enps_w / self.enps_sd
        cov = load.T @ big @ load
        d = np.sqrt(np.diag(cov))
        return cov / np.outer(d, d)
