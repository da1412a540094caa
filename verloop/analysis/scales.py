"""Scale quality beyond one alpha: stability across waves, team-level agreement, structure.

* ``alpha_by_wave`` — Cronbach's alpha per scale and pulse wave: a scale that is reliable only in
  some waves is not reliable.
* ``team_icc`` — ICC(1) and ICC(2) of each scale across teams (one-way random-effects ANOVA, per
  wave, then averaged). ICC(1) is the share of variance that lies between teams (the synthetic
  organisation targets 0.15–0.25 on the latent constructs); ICC(2) is the reliability of a team's
  *mean* (Bliese 2000) — the team-level model rests on team means, so ICC(2) ≥ 0.7 is wanted.
* ``factor_check`` — does every item load most on the factor its scale's other items load on?
  Input: loadings from ``verloop.stats.psychometrics.efa``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from verloop.errors import InputError
from verloop.stats.psychometrics import cronbach_alpha, icc_oneway, respondents_needed


def alpha_by_wave(
    items: pd.DataFrame,
    scales: Mapping[str, Sequence[str]],
    waves: pd.DataFrame,
    min_n: int = 30,
) -> pd.DataFrame:
    """Alpha with its Feldt 95 % interval per wave and scale: ``wave_id, wave, opens_on, scale,
    n, alpha, alpha_ci_low, alpha_ci_high``. ``waves`` holds ``wave_id, wave, opens_on`` per row
    of ``items`` (e.g. ``PulseItems.responses``); waves with fewer than ``min_n`` answers are left
    out (an alpha on a handful of people says little)."""
    if len(waves) != len(items):
        raise InputError("items and waves must have one row per response each, in the same order.")
    wave_ids = waves["wave_id"].to_numpy()
    rows = []
    meta = waves.drop_duplicates("wave_id").set_index("wave_id")
    for wave_id in sorted(pd.unique(wave_ids)):
        part = items[wave_ids == wave_id]
        for scale, columns in scales.items():
            data = part[list(columns)].dropna(how="all")
            if len(data) < min_n:
                continue
            result = cronbach_alpha(data)
            rows.append(
                {
                    "wave_id": int(wave_id),
                    "wave": meta.at[wave_id, "wave"],
                    "opens_on": meta.at[wave_id, "opens_on"],
                    "scale": scale,
                    "n": result.n,
                    "alpha": result.alpha,
                    "alpha_ci_low": result.ci_low,
                    "alpha_ci_high": result.ci_high,
                }
            )
    out = pd.DataFrame(
        rows, columns=["wave_id", "wave", "opens_on", "scale", "n", "alpha", "alpha_ci_low", "alpha_ci_high"]
    )
    out["scale"] = pd.Categorical(out["scale"], categories=list(scales))
    return out


def team_icc(
    scores: pd.DataFrame,
    group: str = "team_id",
    within: str | None = "wave_id",
    min_group: int = 2,
) -> pd.DataFrame:
    """ICC(1)/ICC(2) per scale from long scale scores (``scale, score, team_id, wave_id``, e.g.
    ``data.scale_scores_long``), computed within each ``within`` value (wave) and averaged:
    ``scale, icc1, icc1_min, icc1_max, icc2, mean_team_size, teams, waves, responses,
    respondents_for_icc2_70`` (respondents a team mean needs for ICC(2) = 0.70)."""
    needed = {"scale", "score", group} | ({within} if within else set())
    if not needed <= set(scores.columns):
        raise InputError(f"the scores need column(s) {', '.join(sorted(needed - set(scores.columns)))}.")
    scale_order = (
        list(scores["scale"].cat.categories)
        if isinstance(scores["scale"].dtype, pd.CategoricalDtype)
        else list(pd.unique(scores["scale"]))
    )
    rows = []
    for scale in scale_order:
        mine = scores[scores["scale"] == scale]
        if mine.empty:
            continue
        parts = mine.groupby(within, sort=True) if within else [(None, mine)]
        results = [icc_oneway(p["score"], p[group], min_group) for _, p in parts]
        results = [r for r in results if np.isfinite(r["icc1"])]
        if not results:
            continue
        icc1 = np.array([r["icc1"] for r in results])
        rows.append(
            {
                "scale": scale,
                "icc1": float(icc1.mean()),
                "icc1_min": float(icc1.min()),
                "icc1_max": float(icc1.max()),
                "icc2": float(np.mean([r["icc2"] for r in results])),
                "mean_team_size": float(np.mean([r["k0"] for r in results])),
                "teams": int(np.mean([r["groups"] for r in results]).round()),
                "waves": len(results),
                "responses": int(sum(r["n"] for r in results)),
            }
        )
    out = pd.DataFrame(
        rows, columns=["scale", "icc1", "icc1_min", "icc1_max", "icc2", "mean_team_size", "teams", "waves", "responses"]
    )
    out["respondents_for_icc2_70"] = respondents_needed(out["icc1"], 0.70)
    out["scale"] = pd.Categorical(out["scale"], categories=[s for s in scale_order if s in set(out["scale"])])
    return out


def factor_check(loadings: pd.DataFrame, scales: Mapping[str, Sequence[str]]) -> pd.DataFrame:
    """Per item: its scale, the factor it loads on most (``factor``, ``loading``), the largest
    loading elsewhere (``cross_loading``), the factor most of its scale's items load on
    (``scale_factor``) and ``fits`` — it loads most on its scale's factor, no other scale claims
    that factor, and the main loading beats the cross-loading by at least 0.2."""
    factors = [c for c in loadings.columns if c != "communality"]
    if not factors:
        raise InputError("the loadings have no factor columns (F1, F2, …); run efa() first.")
    values = loadings[factors]
    rows = []
    for scale, items in scales.items():
        for item in items:
            if item not in values.index:
                continue
            row = values.loc[item].abs()
            order = row.sort_values(ascending=False)
            rows.append(
                {
                    "item": item,
                    "scale": scale,
                    "factor": order.index[0],
                    "loading": float(values.at[item, order.index[0]]),
                    "cross_loading": float(order.iloc[1]) if len(order) > 1 else 0.0,
                }
            )
    out = pd.DataFrame(rows, columns=["item", "scale", "factor", "loading", "cross_loading"])
    modal = out.groupby("scale", sort=False)["factor"].agg(lambda f: f.value_counts().index[0])
    out["scale_factor"] = out["scale"].map(modal)
    claimed = modal.value_counts()
    shared = out["scale_factor"].map(claimed) > 1
    out["fits"] = (
        (out["factor"] == out["scale_factor"]) & ~shared & (out["loading"].abs() - out["cross_loading"] >= 0.2)
    )
    return out


def weak_items(items: pd.DataFrame, report: pd.DataFrame, min_item_rest: float = 0.30) -> pd.DataFrame:
    """Items worth a second look (from ``item_report`` and ``reliability_report``): item-rest
    correlation below ``min_item_rest``, or alpha rising when the item is dropped. Empty when
    every item pulls its weight."""
    alpha = report.set_index("scale")["alpha"]
    out = items.assign(scale_alpha=items["scale"].map(alpha))
    low = out["item_rest_r"] < min_item_rest
    raises = out["alpha_if_deleted"] > out["scale_alpha"] + 1e-9
    out["why"] = np.select(
        [low & raises, low, raises],
        [
            f"item-rest r < {min_item_rest:.2f} and alpha rises without it",
            f"item-rest r < {min_item_rest:.2f}",
            "alpha rises without it",
        ],
        "",
    )
    return out[low | raises].reset_index(drop=True)


def describe_weak_items(flagged: pd.DataFrame) -> str:
    """Markdown: how many items ``weak_items`` flagged, and which."""
    if flagged.empty:
        return "No item is flagged: every item correlates well with the rest of its scale."
    names = ", ".join(f"{r.item} ({r.scale}: {r.why})" for r in flagged.itertuples())
    return f"**{len(flagged)}** item(s) flagged: {names}."


def describe_factor_check(check: pd.DataFrame) -> str:
    """Markdown: how many items load mainly on their own scale's factor."""
    fits = int(check["fits"].sum())
    text = (
        f"**{fits} of {len(check)}** items load mainly on their own scale's factor "
        f"(largest cross-loading {check['cross_loading'].max():.2f})."
    )
    misfits = check.loc[~check["fits"], "item"].tolist()
    if misfits:
        text += f" Not fitting: {', '.join(misfits)}."
    return text


def describe_reliability(report: pd.DataFrame, threshold: float = 0.70) -> str:
    """Markdown sentences on the reliability table: how many scales pass, the weakest, the strongest."""
    if report.empty:
        return "No multi-item scale to assess."
    ordered = report.sort_values("alpha")
    low, high = ordered.iloc[0], ordered.iloc[-1]
    passing = int((report["alpha"] >= threshold).sum())
    text = (
        f"**{passing} of {len(report)}** multi-item scales reach α ≥ {threshold:.2f}. Lowest: "
        f"**{low['scale']}** (k = {low['k']}, α = {low['alpha']:.2f}, 95% CI {low['alpha_ci_low']:.2f}–"
        f"{low['alpha_ci_high']:.2f}); highest: **{high['scale']}** (α = {high['alpha']:.2f})."
    )
    below = ordered[ordered["alpha"] < threshold]["scale"].tolist()
    if below:
        text += f" Below {threshold:.2f}: {', '.join(below)} — interpret their scores with care."
    if "omega" in report and report["omega"].notna().any():
        gap = float((report["omega"] - report["alpha"]).abs().max())
        text += f" Omega and alpha differ by at most {gap:.2f}, " + (
            "so the items are close to equally strong indicators (tau-equivalence is plausible)."
            if gap < 0.02
            else "so some items measure their construct better than others."
        )
    return text


def describe_icc(icc: pd.DataFrame, icc2_target: float = 0.70) -> str:
    """Markdown sentences on team-level agreement."""
    if icc.empty:
        return "Too few teams with answers for an ICC."
    ordered = icc.sort_values("icc1")
    low, high = ordered.iloc[0], ordered.iloc[-1]
    good = int((icc["icc2"] >= icc2_target).sum())
    needed = float(np.median(respondents_needed(icc["icc1"], icc2_target)))
    per_wave = float(icc["mean_team_size"].mean())
    pooled = (
        f" For the median scale a team mean needs about **{needed:.0f} respondents** for ICC(2) ≥ "
        f"{icc2_target:.2f} — roughly {int(np.ceil(needed / per_wave))} waves pooled."
        if np.isfinite(needed) and per_wave > 0
        else ""
    )
    return (
        f"Between **{100 * low['icc1']:.0f} %** ({low['scale']}) and **{100 * high['icc1']:.0f} %** "
        f"({high['scale']}) of the variance in a wave lies between teams. A team mean is reliable "
        f"(ICC(2) ≥ {icc2_target:.2f}) for **{good} of {len(icc)}** scales at a mean of "
        f"{per_wave:.1f} respondents per team and wave.{pooled}"
    )


__all__ = [
    "alpha_by_wave",
    "describe_factor_check",
    "describe_icc",
    "describe_reliability",
    "describe_weak_items",
    "factor_check",
    "team_icc",
    "weak_items",
]
