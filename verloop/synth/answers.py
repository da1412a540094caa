"""From true latent values to answers: a one-factor measurement model per scale.

For item i of scale s, the keyed answer is ``clip(round(μ_i + σ_i · (λ_i z_s + √(1−λ_i²) ε)))``
on the item's own range; reverse-keyed items are then stored reversed (``min + max − keyed``),
exactly as a respondent would tick them. Loadings of .76–.90 give Cronbach's alpha of about
.75–.90 after discretisation, the range published for short work-attitude scales; reverse-keyed
items load a little lower, as they do in practice. Item parameters depend only on the item's
position, so every seed measures with the same instrument.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Mean and SD of the keyed answer on a 1-5 agree scale, per construct (contact-centre pulse
# norms: connection high, mandate and autonomy low, pressure above the midpoint).
LIKERT_MEANS = {
    "engagement": 3.6,
    "wellbeing": 3.1,
    "autonomy": 3.0,
    "mandate": 2.7,
    "workload": 3.3,
    "connection": 3.8,
    "growth": 3.0,
    "leadership": 3.4,
    "voice": 3.0,
    "metric_gaming": 2.9,
    "intent_stay": 3.4,
    "enps": 6.0,
    "candour": 3.2,
}
_LOADINGS = (0.88, 0.85, 0.82, 0.86, 0.83)
_OFFSETS = (0.15, -0.10, 0.0, -0.15, 0.10)
REVERSE_LOADING_PENALTY = 0.04
ENPS_LOADING = 0.92
ITEM_SKIP_RATE = 0.01


@dataclass(frozen=True)
class ItemModel:
    """Measurement parameters of one item."""

    item_id: str
    scale: str
    min: int
    max: int
    reverse: bool
    loading: float
    mean: float
    sd: float


def item_models(instrument, scales: tuple[str, ...]) -> list[ItemModel]:
    """Measurement parameters for every closed item of ``instrument`` whose scale is simulated."""
    out = []
    for scale in instrument.scales:
        if scale.key not in scales:
            continue
        for pos, item in enumerate(scale.items):
            width = item.max - item.min
            if scale.key == "enps":
                loading, mean, sd = ENPS_LOADING, item.min + 0.60 * width, 0.23 * width
            else:
                loading = _LOADINGS[pos % len(_LOADINGS)] - (REVERSE_LOADING_PENALTY if item.reverse else 0)
                # the construct mean on 1-5, mapped to this item's range (WHO-5 is 0-5)
                share = (LIKERT_MEANS.get(scale.key, 3.0) - 1) / 4
                mean = item.min + share * width + _OFFSETS[pos % len(_OFFSETS)] * width / 4
                sd = 0.26 * width if width <= 5 else 0.23 * width
            out.append(ItemModel(item.id, scale.key, item.min, item.max, item.reverse, loading, mean, sd))
    return out


def answer_matrix(
    models: list[ItemModel], latent: dict[str, np.ndarray], rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Stored answers (n, items) as float, NaN where skipped, and the keyed values (for scoring)."""
    n = len(next(iter(latent.values()))) if latent else 0
    stored = np.empty((n, len(models)))
    keyed = np.empty((n, len(models)))
    for j, item in enumerate(models):
        z = latent[item.scale]
        y = item.loading * z + np.sqrt(1 - item.loading**2) * rng.standard_normal(n)
        value = np.clip(np.rint(item.mean + item.sd * y), item.min, item.max)
        keyed[:, j] = value
        stored[:, j] = item.min + item.max - value if item.reverse else value
    skipped = rng.random(stored.shape) < ITEM_SKIP_RATE
    stored[skipped] = np.nan
    keyed[skipped] = np.nan
    return stored, keyed


def scale_scores(models: list[ItemModel], keyed: np.ndarray) -> dict[str, np.ndarray]:
    """Mean keyed answer per scale (NaN if every item was skipped)."""
    out: dict[str, np.ndarray] = {}
    scales = sorted({m.scale for m in models}, key=[m.scale for m in models].index)
    for scale in scales:
        cols = [j for j, m in enumerate(models) if m.scale == scale]
        block = keyed[:, cols]
        counts = np.isfinite(block).sum(axis=1)
        total = np.nansum(block, axis=1)
        out[scale] = np.where(counts > 0, total / np.maximum(counts, 1), np.nan)
    return out


def true_score_reliability(models: list[ItemModel]) -> dict[str, float]:
    """Reliability of each scale's (continuous) item mean: (Σλ)² / ((Σλ)² + Σ(1−λ²)).
    Discretisation lowers the observed alpha by a few hundredths."""
    out = {}
    for scale in dict.fromkeys(m.scale for m in models):
        loads = np.array([m.loading for m in models if m.scale == scale])
        out[scale] = float(loads.sum() ** 2 / (loads.sum() ** 2 + (1 - loads**2).sum()))
    return out
