"""What makes people leave: effects with intervals, importance, partial dependence, sentences.

An ``Effect`` is a ratio (rate ratio for teams, hazard ratio for people) per unit of a factor,
with its 95 % interval and the number of teams or people behind it. ``sentence`` turns it into
one line HR can read, in Dutch or English:

    Teams scoring one point higher on mandate lose 18 % (9–26 %) fewer agents a year.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from verloop.models.data import DRIVER_SCALES

UNITS = {
    "point": {"en": "one point", "nl": "één punt"},
    "10 points": {"en": "ten points", "nl": "tien punten"},
    "SD": {"en": "one standard deviation", "nl": "één standaarddeviatie"},
}
# Scale labels when no instrument is at hand (the instrument's own labels win).
FALLBACK_LABELS = {
    "engagement": ("engagement", "bevlogenheid"),
    "wellbeing": ("wellbeing", "welbevinden"),
    "autonomy": ("autonomy", "autonomie"),
    "mandate": ("mandate", "mandaat"),
    "workload": ("workload", "werkdruk"),
    "connection": ("connection", "verbondenheid"),
    "growth": ("growth", "groei"),
    "leadership": ("leadership", "leiderschap"),
    "voice": ("voice and recognition", "inspraak en waardering"),
    "metric_gaming": ("metric gaming", "sturen op cijfers"),
    "intent_stay": ("intent to stay", "blijven"),
    "enps": ("eNPS", "eNPS"),
}


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
    if key in FALLBACK_LABELS:
        return FALLBACK_LABELS[key][0 if lang == "en" else 1]
    return key.replace("_", " ")


def _pct(x: float) -> str:
    return f"{abs(x) * 100:.0f}"


def sentence(effect: Effect, lang: str = "en") -> str:
    """One sentence for HR, e.g. "Teams scoring one point higher on mandate lose 18 % (9–26 %)
    fewer agents a year." Intervals that include no effect are said so."""
    if lang not in ("en", "nl"):
        raise ValueError("lang must be 'en' or 'nl'")
    label = (effect.label_en if lang == "en" else effect.label_nl) or scale_label(
        effect.factor, lang)
    unit = UNITS.get(effect.unit, {"en": f"one {effect.unit}", "nl": f"één {effect.unit}"})[lang]
    down = effect.ratio < 1
    size = _pct(1 - effect.ratio)
    if down:
        lo, hi = 1 - effect.high, 1 - effect.low  # reduction interval
    else:
        lo, hi = effect.low - 1, effect.high - 1
    if effect.level == "team":
        if lang == "en":
            head = (f"Teams scoring {unit} higher on {label} lose {size} %")
            tail = f" {'fewer' if down else 'more'} agents a year"
        else:
            head = f"Teams die {unit} hoger scoren op {label} verliezen per jaar {size} %"
            tail = f" {'minder' if down else 'meer'} medewerkers"
    else:
        if lang == "en":
            head = f"Agents scoring {unit} higher on {label} are {size} %"
            tail = f" {'less' if down else 'more'} likely to leave in any given month"
        else:
            head = f"Medewerkers die {unit} hoger scoren op {label} hebben {size} %"
            tail = f" {'minder' if down else 'meer'} kans om in een maand te vertrekken"
    if effect.clear:
        return f"{head} ({_pct(lo)}–{_pct(hi)} %){tail}."
    # the interval crosses "no effect": say so instead of printing a signed range
    more, fewer = ("more", "fewer") if effect.level == "team" else ("higher", "lower")
    if lang == "nl":
        more, fewer = ("meer", "minder") if effect.level == "team" else ("hoger", "lager")
    low_end = f"{_pct(effect.high - 1)} % {more}"
    high_end = f"{_pct(1 - effect.low)} % {fewer}"
    if lang == "en":
        return (f"{head}{tail}, but the 95 % interval (from {low_end} to {high_end}) includes "
                "no effect.")
    return (f"{head}{tail}, maar het 95 %-interval (van {low_end} tot {high_end}) omvat "
            "ook geen effect.")


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


def team_effects(model, instrument=None, scales_only: bool = True) -> list[Effect]:
    """Effects (per point and per SD) from a fitted ``TeamPoissonModel``."""
    table = model.effects()
    out = []
    for row in table.itertuples(index=False):
        if scales_only and row.factor not in DRIVER_SCALES:
            continue
        unit, step = _unit_for(row.factor, instrument)
        b = np.log(row.rate_ratio_per_point)
        lo, hi = np.log(row.ci_low_per_point), np.log(row.ci_high_per_point)
        labels = dict(label_en=scale_label(row.factor, "en", instrument),
                      label_nl=scale_label(row.factor, "nl", instrument))
        out.append(Effect(row.factor, "team", float(np.exp(b * step)), float(np.exp(lo * step)),
                          float(np.exp(hi * step)), unit, model.n_teams_, **labels))
        out.append(Effect(row.factor, "team", row.rate_ratio_per_sd, row.ci_low_per_sd,
                          row.ci_high_per_sd, "SD", model.n_teams_, **labels))
    return out


def cox_effects(model, instrument=None, scales_only: bool = True) -> list[Effect]:
    """Effects (per point and per SD) from a fitted ``CoxModel``."""
    table = model.hazard_ratios()
    out = []
    for row in table.itertuples(index=False):
        key = row.factor.removeprefix("team_")
        if scales_only and key not in DRIVER_SCALES:
            continue
        unit, step = _unit_for(key, instrument)
        labels = dict(label_en=scale_label(key, "en", instrument),
                      label_nl=scale_label(key, "nl", instrument))
        lo, hi = row.coef - 1.959964 * row.se, row.coef + 1.959964 * row.se
        n = model.n_people_ or model.n_rows_
        out.append(Effect(key, "individual", float(np.exp(row.coef * step)), float(np.exp(lo * step)),
                          float(np.exp(hi * step)), unit, n, **labels))
        out.append(Effect(key, "individual", row.hazard_ratio_per_sd, row.ci_low_per_sd,
                          row.ci_high_per_sd, "SD", n, **labels))
    return out


def effects_frame(effects: list[Effect]) -> pd.DataFrame:
    return pd.DataFrame([e.to_dict() for e in effects])


def rank_drivers(effects: list[Effect], unit: str = "SD") -> list[str]:
    """Factors ordered by the size of their effect per SD (|log ratio|), largest first."""
    chosen = [e for e in effects if e.unit == unit]
    return [e.factor for e in sorted(chosen, key=lambda e: -abs(np.log(e.ratio)))]


# -- model-agnostic explanations -----------------------------------------------------------------


def permutation_importance_table(score_fn, frame: pd.DataFrame, features: list[str],
                                 n_repeats: int = 5, seed: int = 0,
                                 groups: str | None = None) -> pd.DataFrame:
    """Drop in ``score_fn(frame)`` (higher = better) when one feature is shuffled.

    With ``groups`` (e.g. "team_id") whole teams' values are shuffled together, which keeps
    the within-team pattern intact and asks only "does the team-level value matter".
    """
    rng = np.random.default_rng(seed)
    base = score_fn(frame)
    rows = []
    for f in features:
        drops = []
        for _ in range(n_repeats):
            shuffled = frame.copy()
            values = shuffled[f].to_numpy().copy()
            shuffled[f] = values[rng.permutation(len(values))]
            drops.append(base - score_fn(shuffled))
        rows.append({"feature": f, "importance": float(np.mean(drops)),
                     "importance_sd": float(np.std(drops, ddof=1)) if n_repeats > 1 else 0.0})
    return pd.DataFrame(rows).sort_values("importance", ascending=False).reset_index(drop=True)


def partial_dependence_table(predict_fn, frame: pd.DataFrame, feature: str,
                             grid: np.ndarray | None = None, points: int = 9) -> pd.DataFrame:
    """Average prediction when every row's ``feature`` is set to each grid value (5th–95th
    percentile by default): the model's answer to "what if everyone scored x"."""
    values = frame[feature].dropna().to_numpy(dtype=float)
    if grid is None:
        grid = np.linspace(*np.quantile(values, [0.05, 0.95]), points)
    out = []
    for v in grid:
        changed = frame.copy()
        changed[feature] = v
        out.append({"value": float(v), "prediction": float(np.nanmean(predict_fn(changed)))})
    return pd.DataFrame(out)
