"""Triangulated drivers: every source of evidence side by side, one verdict per factor.

Sources (whatever the organisation has):

- ``team``: the pooled team model (``team.PooledTeamModel``): each team's scale means pooled over
  all waves against the voluntary leavers and person-years of all its staff; rate ratios with a
  bootstrap over teams. Works in anonymous mode.
- ``exit``: exit-survey answers against everyone's pulse answers (a case-base comparison: the
  odds ratio of "this answer came from a leaver" per SD approximates the hazard ratio per SD).
  Anonymous, but it assumes leavers' answers are not coloured by having decided to leave.
- ``followup``: the share of honest follow-up reasons that name the factor (no ratio; a
  direction check only).
- ``cox``: confidential mode with the pseudonym key: the person-level Cox model on each agent's
  own calibrated scores (``individual.own_score_cox``), cluster-robust intervals.

The verdict rule (``RULE``), written down so a reader can check it:

1. The *primary* source is the team model when it has the power to separate drivers (its
   estimate needs no calibration of individual answers and is unbiased against the generator's
   truth from about 3,000 positions); otherwise the person-level Cox model when it exists
   (confidential mode), else the team model. The verdict's ratio and 95 % interval are the
   primary source's.
2. A factor is **clear** only when the primary interval excludes 1 *and* survives the
   multiplicity step — its p-value, Benjamini–Hochberg adjusted over all the factors the primary
   source tests, is at most 5 % (``FALSE_DISCOVERY_RATE``; ten factors tested at once at 5 %
   each would call a no-effect factor clear in about one organisation in four) — the primary
   source has the power to separate drivers in this organisation (its median minimum detectable effect over the
   factors, at 80 % power, is at most a 25 % change per SD, ``team.SMALLEST_RELEVANT_LOG_RATIO``:
   a power analysis per organisation), and no other ratio source has an interval that excludes 1
   in the opposite direction. Each source's per-factor power is shown beside its estimate.
3. The exit comparison and the follow-up reasons never make a factor clear on their own (exit
   answers may be coloured by the decision to leave; reasons are not effects); they corroborate
   or contradict.
   A factor whose interval excludes 1 but whose adjusted p-value does not pass is shown as
   ``not_clear_among_factors`` ("possible").
4. Only clear factors are ranked (by their effect per SD). When the primary source is not
   powered for any factor, the report says in plain words that the organisation is too small to
   separate drivers, and ranks nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from verloop.errors import InputError
from verloop.i18n import t
from verloop.models.data import DRIVER_SCALES, OrgData
from verloop.models.drivers import _unit_for
from verloop.models.report import load_report, models_root, report_frame, report_text  # noqa: F401
from verloop.models.results import bounds_columns
from verloop.models.team import MDE_Z, SMALLEST_RELEVANT_LOG_RATIO, fit_pooled

Z95 = 1.959964
FALSE_DISCOVERY_RATE = 0.05
"""Rule 2's multiplicity step: Benjamini–Hochberg over the primary source's factors."""
# The rule in both languages, as written into every drivers card (text in ``verloop.i18n``).
RULE = {lang: t("model.rule", lang) for lang in ("en", "nl")}
REASON_OF = {
    "mandate": "no_mandate",
    "workload": "workload",
    "wellbeing": "health",
    "autonomy": "schedule",
    "leadership": "team_lead",
    "growth": "no_growth",
}


@dataclass
class SourceEstimate:
    """One source's estimate for one factor: a ratio per SD (or a share, for reasons)."""

    source: str
    factor: str
    ratio: float
    low: float
    high: float
    unit: str  # "SD", "point", "10 points" or "share"
    n: int
    powered: bool | None = None
    mde_ratio: float | None = None  # smallest detectable ratio per SD (below 1)
    ratio_point: float | None = None
    low_point: float | None = None
    high_point: float | None = None
    unit_point: str | None = None
    p: float | None = None  # two-sided p-value of "no effect" (bootstrap for the team model)

    @property
    def clear(self) -> bool:
        if self.unit == "share":
            return False
        return bool(self.high < 1 or self.low > 1)

    def to_dict(self) -> dict:
        out = {k: _num(v) for k, v in self.__dict__.items()}
        out["clear"] = self.clear
        return out


def _num(v):
    if isinstance(v, (np.floating, float)):
        return None if not np.isfinite(v) else float(v)
    if isinstance(v, np.bool_):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    return v


# -- sources -------------------------------------------------------------------------------------


def team_source(org: OrgData, n_boot: int = 1000, seed: int = 0):
    """The pooled team model's estimates per factor (and the fitted model)."""
    model, rows = fit_pooled(org, n_boot=n_boot, seed=seed)
    instrument = org.pulse_instrument()
    table = model.summary
    power = model.power().set_index("factor")
    cols = bounds_columns(model.level)
    p_values = dict(zip(model.features_, model.p_values()))
    out = []
    for f in model.features_:
        r = table.loc[f]
        unit, step = _unit_for(f, instrument)
        out.append(
            SourceEstimate(
                "team",
                f,
                r["exp(coef*sd)"],
                r[cols["sd_lower"]],
                r[cols["sd_upper"]],
                "SD",
                model.n_teams_,
                bool(power.loc[f, "powered"]),
                float(power.loc[f, "mde_ratio_per_sd"]),
                float(r["exp(coef)"] ** step),
                float(r[cols["ratio_lower"]] ** step),
                float(r[cols["ratio_upper"]] ** step),
                unit,
                p_values[f],
            )
        )
    return out, model, rows


def exit_scores(org: OrgData) -> pd.DataFrame:
    """Scale scores of exit-survey responses (one row per response, driver scales only)."""
    from verloop.surveys import score_responses

    waves = org.waves[org.waves["kind"] == "exit"]
    parts = []
    for wave_id in waves["id"]:
        resp = org.responses[org.responses["wave_id"] == wave_id]
        if resp.empty:
            continue
        answers = org.answers[org.answers["response_id"].isin(resp["id"])]
        if answers.empty:
            continue
        tidy = score_responses(answers, org.instruments[int(wave_id)])
        parts.append(tidy.pivot(index="response_id", columns="scale", values="score"))
    if not parts:
        return pd.DataFrame(columns=list(DRIVER_SCALES))
    wide = pd.concat(parts)
    wide.columns.name = None
    return wide.reset_index(drop=True)


def exit_source(org: OrgData, scales: list[str], sd: dict) -> list[SourceEstimate]:
    """Logistic regression of "exit answer" (1) vs "pulse answer" (0) on the scales together:
    odds ratios per SD between agents with robust (HC1) 95 % intervals."""
    import statsmodels.api as sm

    exits = exit_scores(org)
    cols = [s for s in scales if s in exits.columns]
    if len(exits) < 20 or not cols:
        return []
    pulse = org.scale_scores()[cols].dropna()
    exits = exits[cols].dropna()
    X = pd.concat([exits, pulse], ignore_index=True)
    y = np.r_[np.ones(len(exits)), np.zeros(len(pulse))]
    design = sm.add_constant(X.to_numpy(float))
    try:
        fit = sm.Logit(y, design).fit(disp=0, cov_type="HC1")
    except Exception:  # noqa: BLE001 - separation or singular design: no estimate from this source
        return []
    instrument = org.pulse_instrument()
    out = []
    for j, f in enumerate(cols, start=1):
        b, se = float(fit.params[j]), float(fit.bse[j])
        s = sd.get(f, float(X[f].std()))
        unit, step = _unit_for(f, instrument)
        out.append(
            SourceEstimate(
                "exit",
                f,
                np.exp(b * s),
                np.exp((b - Z95 * se) * s),
                np.exp((b + Z95 * se) * s),
                "SD",
                int(len(exits)),
                bool(MDE_Z * se * s <= SMALLEST_RELEVANT_LOG_RATIO),
                float(np.exp(-MDE_Z * se * s)),
                float(np.exp(b * step)),
                float(np.exp((b - Z95 * se) * step)),
                float(np.exp((b + Z95 * se) * step)),
                unit,
                float(fit.pvalues[j]),
            )
        )
    return out


def followup_source(org: OrgData, scales: list[str]) -> list[SourceEstimate]:
    """Share of honest follow-up reasons that name each factor, with a Wilson 95 % interval."""
    from verloop.stats.intervals import wilson_interval

    waves = org.waves[org.waves["kind"] == "followup"]["id"]
    reasons = org.responses.loc[org.responses["wave_id"].isin(waves), "reason"].dropna()
    n = len(reasons)
    if n < 10:
        return []
    out = []
    for f in scales:
        code = REASON_OF.get(f)
        if code is None:
            continue
        count = int((reasons == code).sum())
        lo, hi = wilson_interval(np.array([count]), np.array([n]))
        out.append(SourceEstimate("followup", f, count / n, float(lo[0]), float(hi[0]), "share", n))
    return out


def cox_source(org: OrgData, key: str, scales: list[str]) -> list[SourceEstimate]:
    """Confidential mode: person-level Cox on calibrated own scores (per SD of the true score)."""
    from verloop.models.individual import own_score_cox
    from verloop.models.threads import limited

    with limited():
        model, _, _ = own_score_cox(org, key, scales)
    table = model.summary
    cols = bounds_columns(model.level)
    instrument = org.pulse_instrument()
    out = []
    for f in scales:
        if f not in table.index:
            continue
        r = table.loc[f]
        unit, step = _unit_for(f, instrument)
        b, se, sd = r["coef"], r["se(coef)"], r["sd"]
        mde = MDE_Z * se * sd
        out.append(
            SourceEstimate(
                "cox",
                f,
                r["exp(coef*sd)"],
                r[cols["sd_lower"]],
                r[cols["sd_upper"]],
                "SD",
                int(model.n_people_ or model.n_rows_),
                bool(mde <= SMALLEST_RELEVANT_LOG_RATIO),
                float(np.exp(-mde)),
                float(np.exp(b * step)),
                float(np.exp((b - Z95 * se) * step)),
                float(np.exp((b + Z95 * se) * step)),
                unit,
                float(r["p"]),
            )
        )
    return out


# -- verdict -------------------------------------------------------------------------------------


@dataclass
class DriversReport:
    """One verdict per factor with its sources, the power statement and the written rule."""

    drivers: list[dict]
    primary: str
    powered: bool
    power_note: dict
    facts: dict
    rule: dict = field(default_factory=lambda: dict(RULE))
    team_model: object = field(default=None, repr=False)
    team_rows: pd.DataFrame | None = field(default=None, repr=False)
    estimates: list = field(default_factory=list, repr=False)

    def without(self, source: str) -> DriversReport:
        """The report as an organisation without ``source`` would see it (e.g. "cox": the
        anonymous view of a confidential organisation), from the same fitted estimates."""
        kept = [e for e in self.estimates if e.source != source]
        return _assemble(kept, self.team_model, self.team_rows, self.facts)

    def to_dict(self) -> dict:
        return {
            "drivers": self.drivers,
            "primary": self.primary,
            "powered": self.powered,
            "power_note": self.power_note,
            "rule": self.rule,
            "facts": self.facts,
        }

    def frame(self, lang: str = "en") -> pd.DataFrame:
        """One row per factor: verdict and each source, as the page and the CLI show them."""
        return report_frame(self.to_dict(), lang)


def source_powered(estimates: list[SourceEstimate], source: str) -> bool:
    """The per-organisation power analysis: can ``source`` separate drivers here? True when its
    median minimum detectable effect over the factors is at most ``SMALLEST_RELEVANT_LOG_RATIO``."""
    mde = [-np.log(e.mde_ratio) for e in estimates if e.source == source and e.mde_ratio]
    return bool(mde) and float(np.median(mde)) <= SMALLEST_RELEVANT_LOG_RATIO


def fdr_adjust(p) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (q-values) of a family of tests: a factor whose q
    is at most 0.05 belongs to a list of findings of which at most 5 % are expected to be
    false, however many factors were tested."""
    p = np.asarray(p, dtype=float)
    if not len(p):
        return p
    order = np.argsort(p)
    ranked = p[order] * len(p) / np.arange(1, len(p) + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty_like(q)
    out[order] = np.minimum(q, 1.0)
    return out


def verdict(estimates: list[SourceEstimate], primary: str) -> list[dict]:
    """Apply ``RULE`` to the sources' estimates: one entry per factor, verdict first."""
    org_powered = source_powered(estimates, primary)
    tested = [e for e in estimates if e.source == primary and e.unit != "share" and e.p is not None]
    q_of = dict(zip((e.factor for e in tested), fdr_adjust([e.p for e in tested])))
    by_factor: dict[str, list[SourceEstimate]] = {}
    for e in estimates:
        by_factor.setdefault(e.factor, []).append(e)
    out = []
    for factor, items in by_factor.items():
        main = next((e for e in items if e.source == primary), None)
        if main is None:
            continue
        direction = np.sign(np.log(main.ratio)) if main.ratio > 0 else 0.0
        contradicted = any(
            e.unit != "share" and e.clear and np.sign(np.log(e.ratio)) == -direction
            for e in items
            if e.source != primary
        )
        q = q_of.get(factor)
        survives = q is None or q <= FALSE_DISCOVERY_RATE
        clear = bool(main.clear and survives and org_powered and not contradicted)
        if clear:
            status = "clear"
        elif not org_powered:
            status = "too_little_data"
        elif contradicted:
            status = "sources_disagree"
        elif main.clear:
            status = "not_clear_among_factors"
        else:
            status = "no_clear_effect"
        out.append(
            {
                "factor": factor,
                "verdict": status,
                "ratio": _num(main.ratio),
                "low": _num(main.low),
                "high": _num(main.high),
                "unit": "SD",
                "ratio_point": _num(main.ratio_point),
                "low_point": _num(main.low_point),
                "high_point": _num(main.high_point),
                "unit_point": main.unit_point,
                "clear": clear,
                "q": _num(q),
                "rank": None,
                "primary": primary,
                "sources": [e.to_dict() for e in items],
            }
        )
    ranked = sorted((d for d in out if d["clear"]), key=lambda d: -abs(np.log(d["ratio"])))
    for i, d in enumerate(ranked, start=1):
        d["rank"] = i
    order = {d["factor"]: i for i, d in enumerate(ranked)}
    scale_order = {f: i for i, f in enumerate(DRIVER_SCALES)}
    # unclear factors follow in the instrument's order: no implied ranking of noise
    return sorted(
        out, key=lambda d: (order.get(d["factor"], len(order)), scale_order.get(d["factor"], len(scale_order)))
    )


def power_note(primary: str, estimates: list[SourceEstimate], n: int) -> tuple[bool, dict]:
    """Whether the primary source can separate drivers, in plain words."""
    main = [e for e in estimates if e.source == primary]
    if not main:
        return False, {lang: t("model.power.no_source", lang) for lang in ("en", "nl")}
    typical = float(np.median([1 - e.mde_ratio for e in main]))
    unit = "model.power.unit_team" if primary == "team" else "model.power.unit_person"
    powered = source_powered(estimates, primary)
    key = "model.power.enough" if powered else "model.power.too_small"
    note = {lang: t(key, lang, n=n, unit=t(unit, lang), typical=typical) for lang in ("en", "nl")}
    if primary == "cox":  # what the person-level estimates cannot recover, in plain words
        note = {lang: f"{text} {t('model.power.cox_attenuated', lang)}" for lang, text in note.items()}
    return powered, note


def triangulate(
    org: OrgData,
    key: str | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    sources: tuple[str, ...] = ("team", "exit", "followup", "cox"),
) -> DriversReport:
    """Fit every source the organisation supports and apply the verdict rule."""
    estimates: list[SourceEstimate] = []
    team_est, model, rows = team_source(org, n_boot=n_boot, seed=seed)
    scales = [f for f in model.features_ if f in DRIVER_SCALES]
    if "team" in sources:
        estimates += team_est
    sd = dict(zip(model.features_, model.feature_sd_))
    if "exit" in sources:
        estimates += exit_source(org, scales, sd)
    if "followup" in sources:
        estimates += followup_source(org, scales)
    if "cox" in sources and org.survey_mode == "confidential" and key:
        try:
            estimates += cox_source(org, key, scales)
        except InputError:
            pass
    if "team" not in sources:
        estimates += team_est
    facts = {
        "teams": model.n_teams_,
        "voluntary_leavers": model.n_leavers_,
        "person_years": round(model.person_years_, 1),
        "bootstrap": len(model.boot_coef_),
        "bootstrap_failed": model.n_boot_failed_,
        "survey_mode": org.survey_mode,
    }
    return _assemble(estimates, model, rows, facts)


def choose_primary(estimates: list[SourceEstimate]) -> str:
    """Rule 1: the team model when it can separate drivers, else Cox when present."""
    if source_powered(estimates, "team"):
        return "team"
    return "cox" if any(e.source == "cox" for e in estimates) else "team"


def _assemble(estimates, model, rows, facts) -> DriversReport:
    primary = choose_primary(estimates)
    n = next((e.n for e in estimates if e.source == primary), 0)
    powered, note = power_note(primary, estimates, n)
    facts = {**facts, "sources": sorted({e.source for e in estimates})}
    return DriversReport(
        verdict(estimates, primary),
        primary,
        powered,
        note,
        facts,
        team_model=model,
        team_rows=rows,
        estimates=estimates,
    )


# -- presentation: in verloop.models.report (re-exported here), read without the estimators ------


__all__ = [
    "DriversReport",
    "RULE",
    "SourceEstimate",
    "choose_primary",
    "cox_source",
    "source_powered",
    "exit_scores",
    "exit_source",
    "fdr_adjust",
    "followup_source",
    "load_report",
    "models_root",
    "power_note",
    "report_frame",
    "report_text",
    "team_source",
    "triangulate",
    "verdict",
]
