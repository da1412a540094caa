"""What-if: raise or lower a factor for one team, a site or everyone → leavers and euros.

Uses the pooled team-level Poisson model (``team.PooledTeamModel``; it works in anonymous
mode, estimates rates over all staff and has no tenure controls that would absorb the effect):
each team's latest state (its running mean over waves, or the latest published wave) is the
starting point, the change is applied to its team mean (kept inside the scale's range), and the
expected voluntary leavers over ``months`` are rate × headcount × months/12 — headcount stays
roughly stable because leavers are replaced. The interval comes from the model's bootstrap over
teams, so it carries the uncertainty of the effect itself. Money saved = avoided leavers ×
replacement cost (default 20 % of an annual salary; Cornell / Callcentre Helper figures).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from verloop.errors import InputError, PrivacyError
from verloop.i18n import money, number, t

DEFAULT_ANNUAL_SALARY_EUR = 32_000.0
DEFAULT_REPLACEMENT_SHARE = 0.20
SCOPES = ("team", "site", "all")


@dataclass
class WhatIfResult:
    scope: str
    scope_id: int | None
    changes: dict
    months: int
    teams: int
    headcount: int
    baseline_leavers: float
    baseline_interval: tuple[float, float]
    scenario_leavers: float
    scenario_interval: tuple[float, float]
    leavers_avoided: float
    avoided_interval: tuple[float, float]
    replacement_cost_eur: float
    euros_saved: float
    euros_interval: tuple[float, float]
    assumptions: list[str] = field(default_factory=list)
    warnings: dict = field(default_factory=lambda: {"en": [], "nl": []})

    def to_dict(self) -> dict:
        return asdict(self)

    def sentence(self, lang: str = "en") -> str:
        lo, hi = self.avoided_interval
        elo, ehi = self.euros_interval
        return t(
            "model.whatif.result",
            lang,
            change=", ".join(f"{k} {v:+g}" for k, v in self.changes.items()),
            headcount=number(self.headcount, lang, 0),
            teams=self.teams,
            months=self.months,
            avoided=number(self.leavers_avoided, lang, 1),
            lo=number(lo, lang, 1),
            hi=number(hi, lang, 1),
            saved=money(self.euros_saved, lang),
            saved_lo=money(elo, lang),
            saved_hi=money(ehi, lang),
        )


@dataclass
class TeamRates:
    """The fitted team Poisson model as numbers only (``team.TeamPoissonModel``: coefficients,
    bootstrap refits, the team scores it saw): what ``what_if`` asks of a model — ``features_``,
    ``predict``, ``predict_draws``, ``boot_coef_``, ``feature_range_`` — in plain numpy, the same
    arithmetic as the estimator. The dashboard reads it from the figure cache (``TeamRates.of``
    once per trained model, by the refresh), so a what-if kernel imports neither scikit-learn
    nor SciPy."""

    features_: list[str]
    coef_: np.ndarray
    boot_coef_: np.ndarray
    feature_range_: dict = field(default_factory=dict)

    @classmethod
    def of(cls, model) -> TeamRates:
        """The numbers of a fitted ``TeamPoissonModel`` (copies: the estimator stays as it is)."""
        boot = getattr(model, "boot_coef_", None)
        return cls(
            features_=list(model.features_),
            coef_=np.array(model.coef_, dtype=float),
            boot_coef_=np.array(boot, dtype=float) if boot is not None else np.empty((0, len(model.coef_))),
            feature_range_=dict(getattr(model, "feature_range_", None) or {}),
        )

    def _design(self, X) -> np.ndarray:
        return np.asarray(X[self.features_] if isinstance(X, pd.DataFrame) else X, dtype=np.float64)

    def predict(self, X) -> np.ndarray:
        """Voluntary leavers per person-year at the given team means (``TeamPoissonModel.predict``)."""
        return np.exp(self.coef_[0] + self._design(X) @ self.coef_[1:])

    def predict_draws(self, X) -> np.ndarray:
        """The rate under every bootstrap refit (``TeamPoissonModel.predict_draws``)."""
        boot = self.boot_coef_
        return np.exp(boot[:, :1] + boot[:, 1:] @ self._design(X).T)


def running_means(
    published: pd.DataFrame,
    group: str = "team",
    wave: str = "wave",
    scale: str = "scale",
    score: str = "score",
    n: str = "n",
) -> pd.DataFrame:
    """Each group's running mean per scale from *published* wave means: the means of the waves
    in which the group was published, weighted by their respondents — the forward-looking
    starting point of the what-if. It equals ``team.pooled_team_frame``'s pooled mean when the
    only rows left out are those below the minimum group size; rows a privacy door hid for
    other reasons (trend, complement) are left out too, so nothing unpublished enters.

    ``published``: long rows (group, wave, scale, score, n), hidden rows already removed or
    with ``score`` / ``n`` missing. Returns one row per group (indexed by it): one column per
    scale, ``waves`` (waves pooled), ``respondents`` (summed over those waves; per wave the
    largest per-scale count), ``first_wave`` and ``last_wave`` (in the order of ``published``:
    pass it sorted by wave date).
    """
    rows = published.dropna(subset=[score, n])
    rows = rows[rows[n].astype(float) > 0]
    if rows.empty:
        return pd.DataFrame(columns=["waves", "respondents", "first_wave", "last_wave"])
    weight = rows[n].astype(float)
    pooled = (
        (rows[score].astype(float) * weight).groupby([rows[group], rows[scale]]).sum()
        / weight.groupby([rows[group], rows[scale]]).sum()
    ).unstack(scale)
    pooled.columns.name = None
    waves = rows.groupby([group, wave], sort=False, observed=True)[n].max().reset_index()
    g = waves.groupby(group, sort=False)
    pooled["waves"] = g[wave].nunique()
    pooled["respondents"] = g[n].sum().astype("int64")
    pooled["first_wave"] = g[wave].first()
    pooled["last_wave"] = g[wave].last()
    return pooled


def latest_state(panel: pd.DataFrame, features: list[str]) -> pd.DataFrame:
    """Each team's most recent wave with every feature present (n ≥ k respondents)."""
    usable = panel.dropna(subset=features).sort_values("start")
    return usable.groupby("team_id", as_index=False).tail(1).reset_index(drop=True)


def what_if(
    model,
    frame: pd.DataFrame,
    changes: dict[str, float],
    scope: str = "all",
    scope_id: int | None = None,
    months: int = 12,
    replacement_cost: float | None = None,
    annual_salary: float = DEFAULT_ANNUAL_SALARY_EUR,
    replacement_share: float = DEFAULT_REPLACEMENT_SHARE,
    ranges: dict[str, tuple[float, float]] | None = None,
    level: float = 0.95,
    starting_point: str = "each team's latest wave with enough respondents",
) -> WhatIfResult:
    """Expected voluntary leavers over ``months`` now and after ``changes`` (e.g.
    ``{"mandate": +1}``) for ``scope`` = "team" (``scope_id`` = team id), "site" (site id) or
    "all"; with the money saved at ``replacement_cost`` per leaver (default
    ``replacement_share`` × ``annual_salary``). ``starting_point`` says in the assumptions what
    each team's row in ``frame`` is (its running mean over published waves, its latest wave)."""
    if scope not in SCOPES:
        raise InputError(f"Scope must be one of {', '.join(SCOPES)}, not {scope!r}.")
    if scope != "all" and scope_id is None:
        raise InputError(f"Name the {scope} for a what-if on one {scope} (its id).")
    unknown = [k for k in changes if k not in model.features_]
    if unknown:
        raise InputError(f"The model has no factor {unknown[0]!r}; choose from {', '.join(model.features_)}.")
    state = latest_state(frame, model.features_)
    if scope == "team":
        chosen = state[state["team_id"] == scope_id]
        if chosen.empty:
            in_panel = frame["team_id"].eq(scope_id).any()
            if in_panel:
                raise PrivacyError(
                    f"Team {scope_id} has no recent wave with enough respondents to show a "
                    "result; the what-if needs the minimum group size."
                )
            raise InputError(f"There is no team with id {scope_id}.")
    elif scope == "site":
        chosen = state[state["site_id"] == scope_id]
        if chosen.empty:
            raise InputError(f"There is no site with id {scope_id} (or no team in it with enough respondents).")
    else:
        chosen = state
    if chosen.empty:
        raise InputError("No team has a recent wave with enough respondents for a what-if.")
    changed = chosen.copy()
    for factor, delta in changes.items():
        values = changed[factor].to_numpy(dtype=float) + float(delta)
        if ranges and factor in ranges:
            values = np.clip(values, *ranges[factor])
        changed[factor] = values
    person_years = chosen["headcount"].to_numpy(dtype=float) * months / 12
    cost = replacement_cost if replacement_cost is not None else replacement_share * annual_salary

    features = list(model.features_)
    warnings = outside_observed_range(model, changed, changes)
    base = float(np.sum(model.predict(chosen[features]) * person_years))
    new = float(np.sum(model.predict(changed[features]) * person_years))
    has_draws = hasattr(model, "predict_draws") and len(getattr(model, "boot_coef_", ())) >= 20
    alpha = (1 - level) / 2
    if has_draws:
        base_d = model.predict_draws(chosen[features]) @ person_years
        new_d = model.predict_draws(changed[features]) @ person_years
        q = lambda v: tuple(float(x) for x in np.quantile(v, [alpha, 1 - alpha]))  # noqa: E731
        base_i, new_i, avoided_i = q(base_d), q(new_d), q(base_d - new_d)
        interval_note = f"{level:.0%} intervals from {len(model.boot_coef_)} bootstrap refits over teams"
    else:
        base_i, new_i = (base, base), (new, new)
        avoided_i = (base - new, base - new)
        interval_note = "no interval: the model has no bootstrap refits"
    return WhatIfResult(
        scope=scope,
        scope_id=scope_id,
        changes=dict(changes),
        months=months,
        teams=int(len(chosen)),
        headcount=int(chosen["headcount"].sum()),
        baseline_leavers=base,
        baseline_interval=base_i,
        scenario_leavers=new,
        scenario_interval=new_i,
        leavers_avoided=base - new,
        avoided_interval=avoided_i,
        replacement_cost_eur=float(cost),
        euros_saved=(base - new) * cost,
        euros_interval=(avoided_i[0] * cost, avoided_i[1] * cost),
        assumptions=[
            f"starting point: {starting_point}",
            "headcount stays as it is (leavers are replaced)",
            f"replacement cost per leaver €{cost:,.0f}",
            "the change works like the association seen between teams (not a proven cause)",
            interval_note,
        ],
        warnings=warnings,
    )


def outside_observed_range(model, changed: pd.DataFrame, changes: dict) -> dict:
    """Warnings (en/nl) for every changed factor whose new team scores leave the range of team
    scores the model saw (``feature_range_``): beyond it the effect is an extrapolation."""
    from verloop.models.drivers import scale_label

    ranges = getattr(model, "feature_range_", None) or {}
    out = {"en": [], "nl": []}
    for factor in changes:
        if factor not in ranges or factor not in changed:
            continue
        lo, hi = ranges[factor]
        values = changed[factor].to_numpy(dtype=float)
        share = float(np.mean((values < lo - 1e-9) | (values > hi + 1e-9))) if len(values) else 0.0
        if share > 0:
            for lang in out:
                out[lang].append(
                    t(
                        "model.whatif.outside",
                        lang,
                        factor=scale_label(factor, lang)[:1].upper() + scale_label(factor, lang)[1:],
                        share=share,
                        lo=number(lo, lang, 2),
                        hi=number(hi, lang, 2),
                    )
                )
    return out


def scale_ranges(instrument) -> dict[str, tuple[float, float]]:
    """The possible range of each scale score (1–5, 0–100 for WHO-5, 0–10 for eNPS)."""
    out = {}
    for scale in instrument.scales:
        lo, hi = scale.items[0].min, scale.items[0].max
        out[scale.key] = (0.0, 100.0) if scale.scoring == "percent" else (float(lo), float(hi))
    return out
