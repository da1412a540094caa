"""What makes agents leave, for researchers: the models' driver analysis in one call.

This module only assembles ``verloop.models`` (team panel, Poisson GLM with bootstrap rate
ratios, gradient boosting, permutation importance, partial dependence, the Cox model on team
context, HR sentences) into one result for a notebook, and, for synthetic organisations, puts
the generator's truth beside it. It fits nothing of its own.

Anonymous mode: answers cannot be linked to people, so drivers are estimated at team level —
team means of at least k respondents (``team_panel``) against the team's voluntary leavers in
the next months, with person-years as exposure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from verloop.errors import InputError

PER_100 = 100.0


@dataclass
class TeamDrivers:
    """Team-level drivers of voluntary leaving over ``horizon`` months.

    ``effects``: adjusted rate ratios from the pooled team Poisson GLM (``PooledTeamModel``:
    every driver scale together, team means pooled over waves, leavers and person-years of all
    staff, no tenure controls), per scale point and per SD between agents, with bootstrap 95 %
    intervals over teams and sentences in English and Dutch. ``power``: per factor the smallest
    effect the data can detect (80 % power) — below it the ranking is noise. (The former "one
    scale at a time" view is gone: it flagged most no-effect scales.) ``importance``: permutation importance
    in the gradient-boosting model (all features known when a wave closes). ``dependence``:
    partial dependence of the GLM's rate (leavers per 100 person-years) on the strongest drivers.
    """

    horizon: int
    panel: pd.DataFrame = field(repr=False)
    model: object = field(repr=False)
    boost: object = field(repr=False)
    effects: pd.DataFrame
    power: pd.DataFrame
    importance: pd.DataFrame
    dependence: dict[str, pd.DataFrame]
    ranking: list[str]

    def facts(self) -> pd.DataFrame:
        """What the model rests on."""
        m = self.model
        rows = [
            (
                "outcome",
                "voluntary leavers of all staff since the first pulse wave (effects); "
                f"in the {self.horizon} months after a wave (importance)",
            ),
            ("teams", m.n_teams_),
            ("voluntary leavers", m.n_leavers_),
            ("person-years", round(m.person_years_, 1)),
            ("bootstrap resamples (over teams)", len(m.boot_coef_)),
            ("factors the data can separate (80 % power)", int(self.power["powered"].sum())),
            ("minimum group size k", self.panel.attrs.get("min_group_size")),
        ]
        return pd.DataFrame(rows, columns=["what", "value"]).astype({"value": "object"})

    def per(self, unit: str = "SD") -> pd.DataFrame:
        """Effects in one unit: ``SD`` or ``point`` (per ten points for 0–100 scales)."""
        if unit == "SD":
            return self.effects[self.effects["unit"] == "SD"].reset_index(drop=True)
        return self.effects[self.effects["unit"] != "SD"].reset_index(drop=True)

    def sentences(self, lang: str = "en") -> list[str]:
        """One HR sentence per driver (per scale point), strongest effects first."""
        column = f"sentence_{lang}"
        table = self.per("point")
        if column not in table:
            raise InputError(f"no sentences in language {lang!r}; use 'en' or 'nl'.")
        order = {f: i for i, f in enumerate(self.ranking)}
        table = table.assign(_rank=table["factor"].map(order)).sort_values("_rank")
        return table[column].tolist()


def sentences_markdown(result: TeamDrivers, lang: str = "en") -> str:
    """The HR sentences as a Markdown list."""
    return "\n".join(f"- {s}" for s in result.sentences(lang))


def team_drivers(
    org,
    horizon: int = 6,
    n_boot: int = 200,
    seed: int = 0,
    n_repeats: int = 3,
    dependence_on: int = 3,
) -> TeamDrivers:
    """Fit the team-level models of ``verloop.models`` on an organisation (``OrgData``) and
    collect effects, their power, permutation importance and partial dependence."""
    from verloop.models.drivers import (
        effects_frame,
        model_effects,
        partial_dependence_table,
        permutation_importance_table,
        rank_drivers,
    )
    from verloop.models.features import team_panel
    from verloop.models.team import fit_pooled, panel_xy, prediction_features, team_boosting
    from verloop.models.threads import limited

    panel = team_panel(org, horizons=(horizon,))
    if panel.empty:
        raise InputError("No team has pulse results yet; run a pulse wave before looking for drivers.")
    instrument = org.pulse_instrument()
    model, teams = fit_pooled(org, n_boot=n_boot, seed=seed)
    with limited():
        effects = model_effects(model, instrument)
        table = effects_frame(effects)
        ranking = rank_drivers(effects)
        power = model.power()

        X, y, weight, _ = panel_xy(panel, horizon, prediction_features(panel), allow_missing=True)
        boost = team_boosting(seed).fit(X, y, sample_weight=weight)
        importance = permutation_importance_table(boost, X, y, sample_weight=weight, n_repeats=n_repeats, seed=seed)
        dependence = {
            factor: partial_dependence_table(model, teams[model.features_], factor).assign(
                prediction=lambda t: t["prediction"] * PER_100
            )
            for factor in ranking[:dependence_on]
        }
    return TeamDrivers(
        horizon=horizon,
        panel=panel,
        model=model,
        boost=boost,
        effects=table,
        power=power,
        importance=importance,
        dependence=dependence,
        ranking=ranking,
    )


def person_drivers(org) -> pd.DataFrame:
    """Cox model of time to voluntary exit on HR facts and the team's survey means (anonymous
    mode: no answer is linked to a person): hazard ratios per point and per SD with 95 %
    intervals and sentences (``verloop.models.individual.team_context_cox``)."""
    from verloop.models.drivers import effects_frame, model_effects
    from verloop.models.individual import team_context_cox
    from verloop.models.threads import limited

    with limited():
        model, _ = team_context_cox(org)
    table = effects_frame(model_effects(model))
    table.attrs.update(
        people=model.n_people_, events=model.n_events_, rows=model.n_rows_, concordance=model.concordance_in_sample_
    )
    return table


def describe(result: TeamDrivers, lang: str = "en") -> str:
    """Markdown: what is clear, what is not, and the ranking."""
    per_sd = result.per("SD")
    clear = per_sd[per_sd["clear"]]
    facts = result.model
    text = (
        f"{facts.n_teams_} teams, {facts.n_leavers_} voluntary leavers over "
        f"{facts.person_years_:.0f} person-years (all staff since the first wave)."
    )
    if not result.power["powered"].any():
        worst = float(np.median(1 - result.power["mde_ratio_per_sd"]))
        text += (
            f" **Too few teams to separate drivers**: only an effect of about {worst:.0%} per SD "
            "or more would stand out, so the order of the estimates below is noise."
        )
    else:
        text += f" Strongest associations per SD (largest first): **{', '.join(result.ranking[:3])}**."
    if len(clear):
        text += "\n\nIntervals that exclude no effect:\n\n" + "\n".join(
            f"- {s}" for s in result.per("point").loc[result.per("point")["clear"], f"sentence_{lang}"]
        )
    else:
        text += (
            "\n\nNo single driver's 95 % interval excludes 'no effect' when all scales are in the "
            "model together: team means of correlated scales share their information, and a few dozen "
            "teams cannot tell them apart. Pool more waves or teams, or use the person-level model "
            "in confidential mode, before acting on one scale."
        )
    return text


# -- ground truth (synthetic organisations only) ------------------------------------------------


def truth_drivers(truth: dict | None) -> pd.DataFrame:
    """The generator's true effects: ``factor, beta`` (log hazard ratio per SD of the latent
    construct), ``hazard_ratio_per_sd``, ``rank``; empty without truth."""
    columns = ["factor", "beta", "hazard_ratio_per_sd", "rank"]
    if not truth or "hazard" not in truth:
        return pd.DataFrame(columns=columns)
    hazard = truth["hazard"]
    ranked = list(hazard.get("drivers_ranked", []))
    betas = hazard.get("betas", {})
    zero = list(hazard.get("zero_effect_constructs", []))
    rows = [
        {
            "factor": f,
            "beta": float(betas.get(f, 0.0)),
            "hazard_ratio_per_sd": float(np.exp(betas.get(f, 0.0))),
            "rank": ranked.index(f) + 1 if f in ranked else np.nan,
        }
        for f in ranked + zero
    ]
    return pd.DataFrame(rows, columns=columns)


def compare_with_truth(result: TeamDrivers, truth: dict | None) -> pd.DataFrame:
    """Per factor: the true β and rank beside the team model's rate ratio per SD, its interval,
    its rank and whether the sign agrees (zero-effect factors: whether the interval covers 1)."""
    true = truth_drivers(truth)
    if true.empty:
        return pd.DataFrame(
            columns=["factor", "true_beta", "true_rank", "ratio_per_sd", "low", "high", "model_rank", "agrees"]
        )
    per_sd = result.per("SD").set_index("factor")
    rank = {f: i + 1 for i, f in enumerate(result.ranking)}
    rows = []
    for row in true.itertuples(index=False):
        if row.factor not in per_sd.index:
            continue
        est = per_sd.loc[row.factor]
        if row.beta == 0:
            agrees = bool(est["low"] <= 1 <= est["high"])
        else:
            agrees = bool(np.sign(np.log(est["ratio"])) == np.sign(row.beta))
        rows.append(
            {
                "factor": row.factor,
                "true_beta": row.beta,
                "true_rank": row.rank,
                "ratio_per_sd": est["ratio"],
                "low": est["low"],
                "high": est["high"],
                "model_rank": rank.get(row.factor),
                "agrees": agrees,
            }
        )
    return pd.DataFrame(rows)


def team_risk_auc(result: TeamDrivers, truth: dict | None, n_splits: int = 5, seed: int = 0) -> float:
    """Out-of-fold check of the team ranking against the truth: refit the GLM without each fold's
    teams (GroupKFold), average each team's predicted rate over its waves, and compute the ROC
    AUC against the generator's ``high_risk`` flag (top quartile of true risk). NaN without truth."""
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import GroupKFold

    from verloop.models.team import TeamPoissonModel, panel_xy
    from verloop.models.threads import limited

    if not truth or not truth.get("teams"):
        return float("nan")
    X, y, weight, teams = panel_xy(result.panel, result.horizon, result.model.features_)
    rows = X.reset_index(drop=True)
    groups = teams.to_numpy()
    oof = np.full(len(rows), np.nan)
    splitter = GroupKFold(n_splits=min(n_splits, len(np.unique(groups))), shuffle=True, random_state=seed)
    with limited():
        for train, test in splitter.split(rows, groups=groups):
            model = TeamPoissonModel(n_boot=0).fit(rows.iloc[train], y.iloc[train], sample_weight=weight.iloc[train])
            oof[test] = model.predict(rows.iloc[test])
    score = pd.Series(oof).groupby(groups).mean()
    teams = pd.DataFrame(truth["teams"]).set_index("team_id")
    scored = teams.join(score.rename("score"), how="inner")
    if scored["high_risk"].nunique() < 2:
        return float("nan")
    return float(roc_auc_score(scored["high_risk"].astype(bool), scored["score"]))


def describe_truth(comparison: pd.DataFrame, auc: float) -> str:
    """Markdown on the truth check (``compare_with_truth`` and ``team_risk_auc``)."""
    if comparison.empty:
        return "No ground truth is available (a real organisation): nothing to compare."
    agree = int(comparison["agrees"].sum())
    text = (
        f"The team model agrees with the truth for **{agree} of {len(comparison)}** scales (right "
        "direction for true drivers; interval covering 1 for scales without effect)."
    )
    if np.isfinite(auc):
        text += (
            f" Ranking teams by predicted risk (out-of-fold, by team) against the generator's "
            f"high-risk teams: ROC AUC **{auc:.2f}**."
        )
    return text


__all__ = [
    "TeamDrivers",
    "describe_truth",
    "sentences_markdown",
    "compare_with_truth",
    "describe",
    "person_drivers",
    "team_drivers",
    "team_risk_auc",
    "truth_drivers",
]
