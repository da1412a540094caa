"""What makes people leave: effects with intervals, importance, partial dependence, sentences.

Effects come from any model's lifelines-style ``summary`` (``model_effects``); importance and
partial dependence are scikit-learn's (``sklearn.inspection``), which the models' estimator
contract allows.

An ``Effect`` is a ratio (rate ratio for teams, hazard ratio for people) per unit of a factor,
with its 95 % interval and the number of teams or people behind it. ``sentence`` turns it into
one line HR can read, in Dutch or English:

    Teams scoring one point higher on mandate lose 18 % (9–26 %) fewer agents a year.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from verloop.i18n import CATALOGUE, LANGS, t
from verloop.models.data import DRIVER_SCALES


@dataclass(frozen=True)
class Effect:
    """A ratio per ``unit`` of ``factor`` with its interval; ``n`` teams or people behind it."""

    factor: str
    level: str  # "team" (rate ratio of leavers) or "individual" (hazard ratio)
    ratio: float
    low: float
    high: float
    unit: str = "point"
    n: int = 0
    label_en: str | None = None
    label_nl: str | None = None

    @property
    def clear(self) -> bool:
        """True when the interval excludes "no effect" (ratio 1)."""
        return self.high < 1 or self.low > 1

    def to_dict(self) -> dict:
        out = asdict(self)
        out["sentence_en"] = sentence(self, "en")
        out["sentence_nl"] = sentence(self, "nl")
        out["clear"] = self.clear
        return out


def scale_label(factor: str, lang: str, instrument=None) -> str:
    key = factor.removeprefix("team_")
    if instrument is not None:
        try:
            text = instrument.scale(key).label[lang]
            return text.split(" (")[0].lower() if key != "enps" else text
        except KeyError:
            pass
    if f"model.scale.{key}" in CATALOGUE:
        return t(f"model.scale.{key}", lang)
    return key.replace("_", " ")


def _pct(x: float) -> str:
    return f"{abs(x) * 100:.0f}"


def sentence(effect: Effect, lang: str = "en") -> str:
    """One sentence for HR, e.g. "Teams scoring one point higher on mandate lose 18 % (9–26 %)
    fewer agents a year." Intervals that include no effect are said so."""
    if lang not in LANGS:  # a programmer's call with a model's output: say so, do not guess
        raise ValueError("lang must be 'en' or 'nl'")
    label = (effect.label_en if lang == "en" else effect.label_nl) or scale_label(effect.factor, lang)
    unit_key = "model.unit." + effect.unit.replace(" ", "_")
    unit = t(unit_key, lang) if unit_key in CATALOGUE else t("model.unit.other", lang, unit=effect.unit)
    down = effect.ratio < 1
    if down:
        lo, hi = 1 - effect.high, 1 - effect.low  # reduction interval
    else:
        lo, hi = effect.low - 1, effect.high - 1
    level = "team" if effect.level == "team" else "individual"
    words = {
        "unit": unit,
        "label": label,
        "size": _pct(1 - effect.ratio),
        "direction": t(f"model.{level}.{'down' if down else 'up'}", lang),
    }
    if effect.clear:
        return t(f"model.{level}_clear", lang, lo=_pct(lo), hi=_pct(hi), **words)
    # the interval crosses "no effect": say so instead of printing a signed range
    more, fewer = ("team.up", "team.down") if level == "team" else ("individual.higher", "individual.lower")
    low_end = f"{_pct(effect.high - 1)} % {t(f'model.{more}', lang)}"
    high_end = f"{_pct(1 - effect.low)} % {t(f'model.{fewer}', lang)}"
    return t(f"model.{level}_unclear", lang, low_end=low_end, high_end=high_end, **words)


def _unit_for(factor: str, instrument=None) -> tuple[str, float]:
    """Per point on 1–5 scales; per ten points on 0–100 scales (WHO-5)."""
    key = factor.removeprefix("team_")
    if instrument is not None:
        try:
            if instrument.scale(key).scoring == "percent":
                return "10 points", 10.0
        except KeyError:
            pass
    elif key == "wellbeing":
        return "10 points", 10.0
    return "point", 1.0


def model_effects(model, instrument=None, scales_only: bool = True) -> list[Effect]:
    """Effects per point (per ten points on 0–100 scales) and per SD from any fitted model with
    a lifelines-style ``summary`` (``TeamPoissonModel``: rate ratios of teams; ``CoxModel``:
    hazard ratios of agents), with the number of teams or people behind them."""
    from verloop.models.results import bounds_columns

    table = model.summary
    cols = bounds_columns(table.attrs.get("level", 0.95))
    level = model.effect_level
    n = model.n_teams_ if level == "team" else (model.n_people_ or model.n_rows_)
    out = []
    for factor in model.features_:
        key = factor.removeprefix("team_") if level == "individual" else factor
        if scales_only and key not in DRIVER_SCALES:
            continue
        row = table.loc[factor]
        unit, step = _unit_for(key, instrument)
        labels = dict(label_en=scale_label(key, "en", instrument), label_nl=scale_label(key, "nl", instrument))
        out.append(
            Effect(
                key,
                level,
                float(np.exp(row["coef"] * step)),
                float(np.exp(row[cols["lower"]] * step)),
                float(np.exp(row[cols["upper"]] * step)),
                unit,
                n,
                **labels,
            )
        )
        out.append(
            Effect(
                key,
                level,
                float(row["exp(coef*sd)"]),
                float(row[cols["sd_lower"]]),
                float(row[cols["sd_upper"]]),
                "SD",
                n,
                **labels,
            )
        )
    return out


def effects_frame(effects: list[Effect]) -> pd.DataFrame:
    return pd.DataFrame([e.to_dict() for e in effects])


def rank_drivers(effects: list[Effect], unit: str = "SD") -> list[str]:
    """Factors ordered by the size of their effect per SD (|log ratio|), largest first."""
    chosen = [e for e in effects if e.unit == unit]
    return [e.factor for e in sorted(chosen, key=lambda e: -abs(np.log(e.ratio)))]


# -- model-agnostic explanations (scikit-learn's ``inspection``) ---------------------------------


def permutation_importance_table(
    estimator,
    X: pd.DataFrame,
    y,
    sample_weight=None,
    scoring: str | None = "neg_mean_poisson_deviance",
    n_repeats: int = 5,
    seed: int = 0,
) -> pd.DataFrame:
    """``sklearn.inspection.permutation_importance`` as a tidy frame (feature, importance,
    importance_sd), largest first: the drop in ``scoring`` when one feature is shuffled. The
    default score is the (person-year weighted) mean Poisson deviance of the leaving rates."""
    from sklearn.inspection import permutation_importance

    result = permutation_importance(
        estimator, X, y, scoring=scoring, n_repeats=n_repeats, random_state=seed, sample_weight=sample_weight
    )
    frame = pd.DataFrame(
        {"feature": list(X.columns), "importance": result.importances_mean, "importance_sd": result.importances_std}
    )
    return frame.sort_values("importance", ascending=False).reset_index(drop=True)


def partial_dependence_table(
    estimator, X: pd.DataFrame, feature: str, points: int = 9, percentiles: tuple[float, float] = (0.05, 0.95)
) -> pd.DataFrame:
    """``sklearn.inspection.partial_dependence`` (average prediction when every row's
    ``feature`` is set to each value) on ``points`` values evenly spaced between the 5th and
    95th percentile of the feature: the model's answer to "what if everyone scored x"."""
    from sklearn.inspection import partial_dependence

    values = X[feature].dropna().to_numpy(dtype=float)
    grid = np.linspace(*np.quantile(values, percentiles), points)
    result = partial_dependence(estimator, X, [feature], custom_values={feature: grid}, kind="average")
    return pd.DataFrame(
        {"value": result["grid_values"][0].astype(float), "prediction": result["average"][0].astype(float)}
    )
