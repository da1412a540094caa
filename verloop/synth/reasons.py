"""Why each voluntary leaver really left, what they say at exit, and what they say later.

True reason. A leaver's hazard is a baseline (tenure, contract) times a push from each measured
driver (exp(β_k z_k)) and from unmeasured personal circumstances. The reason is drawn with
probability proportional to where the push came from: a baseline share spread over the everyday
reasons (pay, personal, study, …), plus each driver's positive push β_k z_k mapped onto the reasons
it produces (low mandate → no_mandate or team_lead; high workload → workload or health, …). Low
leadership adds to team_lead even though it has no direct hazard effect — people attribute their
leaving to the lead. So true reasons follow the simulated causes.

Stated reason. While still employed, leavers prefer socially safe reasons: a sensitive reason
(team_lead, workload, no_mandate) is stated honestly only 20-40 % of the time, otherwise replaced
by pay / personal / study / other (Dutch practitioner reports; SYNTHETIC.md: over half of stated
reasons are safe ones).

Follow-up reason. Eight to twelve weeks later, through an anonymous link, 85 % give the true
reason; the rest repeat a safe one.
"""

from __future__ import annotations

import numpy as np

from verloop.synth.config import BASE_CONSTRUCTS, REASONS, SAFE_REASONS
from verloop.synth.latent import IDX

R = {code: i for i, code in enumerate(REASONS)}

# Everyday (baseline) reasons for leaving a contact-centre job.
BASELINE_MIX = {
    "pay": 0.28,
    "personal": 0.17,
    "study": 0.12,
    "no_growth": 0.13,
    "schedule": 0.10,
    "health": 0.06,
    "other": 0.14,
}
STUDY_PART_TIME_FACTOR = 2.0

# Where each driver's push goes.
DRIVER_MAP = {
    "mandate": {"no_mandate": 0.65, "team_lead": 0.25, "no_growth": 0.10},
    "wellbeing": {"workload": 0.35, "health": 0.30, "team_lead": 0.20, "personal": 0.15},
    "autonomy": {"schedule": 0.45, "team_lead": 0.30, "no_mandate": 0.25},
    "workload": {"workload": 0.80, "health": 0.20},
    "leadership": {"team_lead": 1.0},
    "growth": {"no_growth": 1.0},
    "frailty": {"personal": 0.45, "study": 0.30, "pay": 0.25},
}
LEADERSHIP_ATTRIBUTION = 0.30  # push per SD of low leadership, though it has no hazard effect
GROWTH_ATTRIBUTION = 0.15
PUSH_WEIGHT = 2.5  # weight of the drivers' push relative to the baseline share

# Chance of stating the true reason at exit, by reason; otherwise a safe one is stated.
HONEST_AT_EXIT = {
    "team_lead": 0.20,
    "workload": 0.40,
    "no_mandate": 0.30,
    "schedule": 0.60,
    "no_growth": 0.55,
    "health": 0.50,
    "other": 0.80,
    "pay": 0.95,
    "personal": 0.95,
    "study": 0.95,
}
SAFE_STATED_MIX = {"pay": 0.42, "personal": 0.35, "study": 0.10, "other": 0.13}
HONEST_AT_FOLLOWUP = 0.85


def _mix(weights: dict[str, float]) -> np.ndarray:
    out = np.zeros(len(REASONS))
    for code, w in weights.items():
        out[R[code]] = w
    return out


def true_reason_weights(
    latent: np.ndarray,
    frailty: np.ndarray,
    part_time: np.ndarray,
    betas: dict[str, float],
    frailty_beta: float,
) -> np.ndarray:
    """(n, reasons) unnormalised probabilities from the constructs at exit (n, ≥10)."""
    n = len(latent)
    base = np.tile(_mix(BASELINE_MIX), (n, 1))
    base[:, R["study"]] *= np.where(part_time, STUDY_PART_TIME_FACTOR, 1.0)
    weights = base / base.sum(axis=1, keepdims=True)
    pushes = {k: betas.get(k, 0.0) * latent[:, IDX[k]] for k in BASE_CONSTRUCTS if betas.get(k)}
    pushes["leadership"] = pushes.get("leadership", 0) - LEADERSHIP_ATTRIBUTION * latent[:, IDX["leadership"]]
    pushes["growth"] = pushes.get("growth", 0) - GROWTH_ATTRIBUTION * latent[:, IDX["growth"]]
    pushes["frailty"] = frailty_beta * frailty
    for driver, push in pushes.items():
        if driver not in DRIVER_MAP:
            continue
        weights = weights + PUSH_WEIGHT * np.clip(push, 0, None)[:, None] * _mix(DRIVER_MAP[driver])
    return weights


def draw_reasons(
    rng: np.random.Generator,
    latent: np.ndarray,
    frailty: np.ndarray,
    part_time: np.ndarray,
    betas: dict[str, float],
    frailty_beta: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """True, stated-at-exit and follow-up reason codes (object arrays) for n leavers."""
    n = len(latent)
    weights = true_reason_weights(latent, frailty, part_time, betas, frailty_beta)
    probs = weights / weights.sum(axis=1, keepdims=True)
    true_idx = (probs.cumsum(axis=1) > rng.random(n)[:, None]).argmax(axis=1)
    codes = np.array(REASONS, dtype=object)
    true = codes[true_idx]

    safe_codes = np.array(list(SAFE_STATED_MIX), dtype=object)
    safe_p = np.array(list(SAFE_STATED_MIX.values()))
    honest_p = np.array([HONEST_AT_EXIT[c] for c in true])
    honest = rng.random(n) < honest_p
    safe_draw = rng.choice(safe_codes, size=n, p=safe_p)
    stated = np.where(honest, true, safe_draw)

    later_honest = rng.random(n) < HONEST_AT_FOLLOWUP
    followup = np.where(later_honest | np.isin(true, list(SAFE_REASONS)), true, stated)
    return true, stated, followup
