"""The ground truth of a synthetic organisation, as plain JSON, and its realised figures.

Models are judged against ``truth["hazard"]`` (structural log hazard ratios per SD of the true
latent construct) and ``truth["teams"]`` (each team's true risk). Because survey scores measure
the constructs with error, a model fitted on observed scale scores converges to attenuated
values; ``truth["observed_effects"]`` gives those expected values by regression calibration (the
slope of the true log-hazard driver part on the measured scores), so tests can check either.
``truth["figures"]`` are the realised marginals the generator tests check (turnover, response
rates, stated vs honest reasons, watermelon contrast, literature correlations).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd

from verloop.synth.answers import item_models, true_score_reliability
from verloop.synth.config import BASE_CONSTRUCTS, SAFE_REASONS, SCALES, SENSITIVE_REASONS
from verloop.synth.latent import STYLE_SHIFTS
from verloop.synth.simulate import ACTION_DECAY, DAYS_PER_MONTH

TRUTH_VERSION = 1
MIN_GROUP = 5


def _plain(value):
    """Recursively convert numpy / pandas values to JSON types (NaN → None)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def _ols(x: np.ndarray, y: np.ndarray) -> np.ndarray | None:
    ok = np.isfinite(x).all(axis=1) & np.isfinite(y)
    if ok.sum() <= x.shape[1] + 2:
        return None
    design = np.column_stack([np.ones(ok.sum()), x[ok]])
    coef, *_ = np.linalg.lstsq(design, y[ok], rcond=None)
    return coef[1:]


def _corr(a: np.ndarray, b: np.ndarray) -> float | None:
    ok = np.isfinite(a) & np.isfinite(b)
    if ok.sum() < 10 or np.std(a[ok]) == 0 or np.std(b[ok]) == 0:
        return None
    return float(np.corrcoef(a[ok], b[ok])[0, 1])


def latent_icc(
    frame: pd.DataFrame, columns: list[str], group: str = "team_id", by: str = "wave_id"
) -> dict[str, float | None]:
    """ICC(1) (one-way ANOVA, unequal group sizes) of each column by ``group``, computed within
    each ``by`` slice and averaged over slices. The estimator is
    ``verloop.stats.psychometrics.icc_oneway`` (with ``min_group=1``), written out here once for
    all columns and slices at a time because the generator runs it on every build; a test checks
    that both agree."""
    if frame.empty:
        return {c: None for c in columns}
    x = frame[columns].to_numpy(dtype=float)
    keys = frame[[by, group]]
    sums = pd.DataFrame(x, columns=columns).groupby([keys[by].to_numpy(), keys[group].to_numpy()])
    n_g = sums.size().to_numpy(dtype=float)
    s_g = sums.sum().to_numpy()
    ss_g = pd.DataFrame(x**2, columns=columns).groupby([keys[by].to_numpy(), keys[group].to_numpy()]).sum().to_numpy()
    slice_of = sums.size().index.get_level_values(0).to_numpy()
    out = np.full((0, len(columns)), np.nan)
    rows = []
    for value in np.unique(slice_of):
        sel = slice_of == value
        n, k = n_g[sel], sel.sum()
        N = n.sum()
        if k < 2 or N <= k:
            continue
        grand = s_g[sel].sum(axis=0) / N
        means = s_g[sel] / n[:, None]
        ssb = (n[:, None] * (means - grand) ** 2).sum(axis=0)
        ssw = ss_g[sel].sum(axis=0) - (n[:, None] * means**2).sum(axis=0)
        msb, msw = ssb / (k - 1), ssw / (N - k)
        k0 = (N - (n**2).sum() / N) / (k - 1)
        rows.append((msb - msw) / (msb + (k0 - 1) * msw))
    if rows:
        out = np.array(rows)
    return {c: (float(np.nanmean(out[:, j])) if len(out) else None) for j, c in enumerate(columns)}


def build_truth(org, *, model, c_v, c_i, calibration, pulse_scores, action_truth, instruments, alphas) -> dict:
    """The ground truth of ``org`` as plain JSON types (see the module docstring)."""
    config = org.config
    betas = {k: float(v) for k, v in config.hazard_betas.items()}
    ranked = sorted((k for k, v in betas.items() if v), key=lambda k: -abs(betas[k]))
    years = config.months / 12
    end = pd.Timestamp(config.end_date)
    window_start = pd.Timestamp(config.window_start)

    # -- realised turnover ------------------------------------------------------------------
    emp = org.employees
    month_starts = pd.date_range(window_start, periods=config.months, freq="MS")
    hire = emp["hire_date"].to_numpy()
    exit_ = emp["exit_date"].to_numpy()
    headcount = np.array([((hire <= s) & ((exit_ > s) | pd.isna(exit_))).sum() for s in month_starts.to_numpy()])
    mean_headcount = float(headcount.mean())
    in_window = emp["exit_date"] >= window_start
    vol = emp[in_window & (emp["exit_type"] == "voluntary")]
    inv = emp[in_window & (emp["exit_type"] == "involuntary")]
    vol_rate = len(vol) / mean_headcount / years if mean_headcount else None
    inv_rate = len(inv) / mean_headcount / years if mean_headcount else None
    first90 = ((vol["exit_date"] - vol["hire_date"]).dt.days <= 90).mean() if len(vol) else None

    # -- teams: true risk -----------------------------------------------------------------
    risk = org.team_risk.groupby("team_id").agg(
        mean_headcount=("headcount", "mean"),
        expected=("expected_voluntary", "sum"),
        observed=("voluntary_leavers", "sum"),
    )
    teams = org.teams.set_index("id").join(risk)
    teams["expected_voluntary_leavers_per_year"] = teams["expected"] / years
    teams["true_annual_rate"] = teams["expected_voluntary_leavers_per_year"] / teams["mean_headcount"].clip(lower=1)
    teams["observed_voluntary_leavers"] = teams["observed"]
    teams["observed_annual_rate"] = teams["observed"] / years / teams["mean_headcount"].clip(lower=1)
    teams["risk_rank"] = teams["true_annual_rate"].rank(ascending=False, method="first").astype(int)
    teams["high_risk"] = teams["true_annual_rate"] >= teams["true_annual_rate"].quantile(0.75)
    teams["watermelon"] = teams["lead_style"] == "taylorist"
    team_rows = [
        {
            "team_id": int(tid),
            "name": r["name"],
            "site_id": int(r["site_id"]),
            "lead_style": r["lead_style"],
            "watermelon": bool(r["watermelon"]),
            "mean_headcount": r["mean_headcount"],
            "expected_voluntary_leavers_per_year": r["expected_voluntary_leavers_per_year"],
            "true_annual_rate": r["true_annual_rate"],
            "observed_voluntary_leavers": int(r["observed_voluntary_leavers"]),
            "observed_annual_rate": r["observed_annual_rate"],
            "risk_rank": int(r["risk_rank"]),
            "high_risk": bool(r["high_risk"]),
        }
        for tid, r in teams.iterrows()
    ]

    # -- watermelon contrast --------------------------------------------------------------
    kpi = org.kpis.merge(org.teams[["id", "lead_style"]], left_on="team_id", right_on="id")
    kpi_means = kpi.groupby(kpi["lead_style"] == "taylorist")[
        ["aht_s", "service_level", "csat", "fcr", "repeat_rate", "absenteeism"]
    ].mean()
    water = teams[teams["watermelon"]]
    other = teams[~teams["watermelon"]]

    def pooled_rate(frame):
        hc = frame["mean_headcount"].sum()
        return float(frame["observed"].sum() / years / hc) if hc else None

    watermelon = {
        "teams": int(teams["watermelon"].sum()),
        "share_of_teams": float(teams["watermelon"].mean()),
        "kpi_means": {
            "watermelon": kpi_means.loc[True].to_dict() if True in kpi_means.index else None,
            "other": kpi_means.loc[False].to_dict() if False in kpi_means.index else None,
        },
        "voluntary_rate": {"watermelon": pooled_rate(water), "other": pooled_rate(other)},
        "true_rate": {
            "watermelon": float(water["expected"].sum() / years / max(water["mean_headcount"].sum(), 1)),
            "other": float(other["expected"].sum() / years / max(other["mean_headcount"].sum(), 1)),
        },
    }

    # -- surveys ----------------------------------------------------------------------------
    pw = org.person_waves
    pulse_waves = org.waves[org.waves["kind"] == "pulse"].set_index("id")
    emp_idx = emp.set_index("id")
    pw_exit = emp_idx.loc[pw["employee_id"], ["exit_date", "exit_type"]].reset_index(drop=True)
    wave_day = pulse_waves.loc[pw["wave_id"], "opens_on"].reset_index(drop=True)
    gap = (pw_exit["exit_date"] - wave_day).dt.days
    later = (pw_exit["exit_type"] == "voluntary") & (gap <= config.later_leaver_months * DAYS_PER_MONTH)
    left_12m = ((pw_exit["exit_type"] == "voluntary") & (gap <= 365)).to_numpy()
    followed_12m = (wave_day + pd.Timedelta(days=365) <= end).to_numpy()
    exits = org.exits
    responded_exit = exits["responded_exit"]
    invited_f = exits["followup_invited"]
    stated = exits.loc[responded_exit, "stated_reason"]
    honest = exits.loc[exits["responded_followup"], "followup_reason"]
    surveys = {
        "pulse_response_rate": float(pw["responded"].mean()) if len(pw) else None,
        "pulse_response_rate_later_leavers": float(pw.loc[later.to_numpy(), "responded"].mean())
        if later.any()
        else None,
        "pulse_response_rate_others": float(pw.loc[~later.to_numpy(), "responded"].mean()) if len(pw) else None,
        "exit_response_rate": float(responded_exit.mean()) if len(exits) else None,
        "followup_response_rate": float(exits.loc[invited_f, "responded_followup"].mean()) if invited_f.any() else None,
        "stated_safe_share": float(stated.isin(SAFE_REASONS).mean()) if len(stated) else None,
        "stated_sensitive_share": float(stated.isin(SENSITIVE_REASONS).mean()) if len(stated) else None,
        "followup_sensitive_share": float(honest.isin(SENSITIVE_REASONS).mean()) if len(honest) else None,
        "true_sensitive_share": float(exits["true_reason"].isin(SENSITIVE_REASONS).mean()) if len(exits) else None,
        "true_reason_counts": exits["true_reason"].value_counts().to_dict(),
        "stated_reason_counts": stated.value_counts().to_dict(),
        "followup_reason_counts": honest.value_counts().to_dict(),
    }

    # -- literature anchors: marginal correlations with leaving within 12 months ------------
    correlations: dict = {}
    enps = {}
    if len(pulse_scores):
        scored = pulse_scores.merge(
            pd.DataFrame(
                {
                    "employee_id": pw["employee_id"],
                    "wave_id": pw["wave_id"],
                    "left_12m": left_12m,
                    "followed": followed_12m,
                }
            ),
            on=["employee_id", "wave_id"],
        )
        scored = scored[scored["followed"]]
        y = scored["left_12m"].to_numpy(dtype=float)
        correlations = {s: _corr(scored[s].to_numpy(dtype=float), y) for s in SCALES}
        score = scored["enps"].to_numpy(dtype=float)
        promoters, detractors = score >= 9, score <= 6
    if len(pulse_scores) and len(score):
        p_rate = float(y[promoters].mean()) if promoters.any() else None
        d_rate = float(y[detractors].mean()) if detractors.any() else None
        enps = {
            "promoter_12m_leave_rate": p_rate,
            "detractor_12m_leave_rate": d_rate,
            "detractor_to_promoter_ratio": d_rate / p_rate if p_rate else None,
            "promoter_share": float(promoters.mean()),
            "detractor_share": float(detractors.mean()),
        }

    # -- expected coefficients on observed scale scores (regression calibration) ------------
    observed = {}
    if len(pulse_scores):
        merged = pulse_scores.merge(pw[["employee_id", "wave_id", "team_id", "eta"]], on=["employee_id", "wave_id"])
        eta = merged["eta"].to_numpy()
        sds = {s: float(merged[s].std()) for s in BASE_CONSTRUCTS}
        std = {s: ((merged[s] - merged[s].mean()) / sds[s]).to_numpy() for s in BASE_CONSTRUCTS}
        drivers = [k for k in ranked]
        coef = _ols(np.column_stack([std[s] for s in drivers]), eta) if drivers else None
        coef_all = _ols(np.column_stack([std[s] for s in BASE_CONSTRUCTS]), eta)
        team_frame = pd.DataFrame({s: std[s] for s in BASE_CONSTRUCTS})
        team_frame["wave_id"], team_frame["team_id"] = merged["wave_id"].to_numpy(), merged["team_id"].to_numpy()
        grouped = team_frame.groupby(["wave_id", "team_id"])
        team_means = grouped.mean()[grouped.size() >= MIN_GROUP]
        true_hazard = pw.groupby(["wave_id", "team_id"])["p_voluntary"].mean()
        target = np.log(true_hazard.reindex(team_means.index).clip(lower=1e-6)).to_numpy()
        coef_team = _ols(team_means[drivers].to_numpy(), target) if drivers and len(team_means) else None
        observed = {
            "unit": "log hazard ratio per SD of the observed scale score (respondent-level SD)",
            "individual": dict(zip(drivers, coef)) if coef is not None else None,
            "individual_all_base_scales": dict(zip(BASE_CONSTRUCTS, coef_all)) if coef_all is not None else None,
            "team": dict(zip(drivers, coef_team)) if coef_team is not None else None,
            "scale_score_sd": sds,
            "note": (
                "individual: slope of the true driver part of log h (Σβz, mean of the wave's "
                "month and the next) on the respondent's standardised scale scores, i.e. what "
                "a correctly specified log-linear model on measured scores over the weeks "
                "after a wave converges to (regression calibration); team: slope of the log of "
                "the team's true mean monthly voluntary exit probability on team means "
                f"(teams with >= {MIN_GROUP} respondents) of the same standardised scores."
            ),
        }

    # -- measurement and latent structure ----------------------------------------------------
    pulse = instruments["pulse"]
    reliability = true_score_reliability(item_models(pulse, SCALES))
    iccs = latent_icc(pw, list(SCALES))

    figures = {
        "mean_headcount": mean_headcount,
        "employees_in_records": int(len(emp)),
        "annual_voluntary_turnover": vol_rate,
        "annual_involuntary_turnover": inv_rate,
        "voluntary_leavers": int(len(vol)),
        "involuntary_leavers": int(len(inv)),
        "first_90_day_share_of_voluntary": float(first90) if first90 is not None else None,
        "turnover_definition": "leavers in the window / mean of the monthly headcounts on the 1st / years",
        **surveys,
        "watermelon": watermelon,
        "enps": enps,
        "correlation_with_leaving_12m": correlations,
        "latent_icc": iccs,
        "cronbach_alpha": alphas,
    }

    baseline = [
        {
            "from_tenure_month": start,
            "relative_hazard": mult,
            "monthly_log_hazard": c_v + math.log(mult),
            "monthly_hazard": math.exp(c_v + math.log(mult)),
        }
        for start, mult in config.tenure_hazard
    ]
    truth = {
        "generator": {"name": "verloop.synth", "truth_version": TRUTH_VERSION},
        "seed": config.seed,
        "config": config.to_json(),
        "window": {
            "start": config.window_start.isoformat(),
            "end": config.end_date.isoformat(),
            "months": config.months,
        },
        "hazard": {
            "model": (
                "monthly discrete time: P(exit in month) = 1 - exp(-(h_v + h_i)); "
                "log h_v = c_v + log m(tenure) + sum_k beta_k z_k + frailty_beta*u "
                "+ part_time_beta*[hours < 32]; z_k standardised true constructs"
            ),
            "betas": betas,
            "drivers_ranked": ranked,
            "top3": ranked[:3],
            "hazard_ratio_per_sd": {k: math.exp(v) for k, v in betas.items()},
            "zero_effect_constructs": [k for k in BASE_CONSTRUCTS if not betas.get(k)],
            "frailty_beta": config.frailty_beta,
            "frailty_note": "u = unmeasured personal circumstances; enters intent to stay, never surveyed",
            "part_time_beta": config.part_time_beta,
            "intercept_voluntary_monthly": c_v,
            "baseline_tenure": baseline,
            "involuntary": {
                "intercept_monthly": c_i,
                "probation_months": config.probation_months,
                "probation_multiplier": config.probation_multiplier,
                "engagement_beta": config.involuntary_engagement_beta,
            },
            "outcome_scales": ["intent_stay", "enps"],
            "outcome_note": (
                "intent_stay and eNPS are symptoms (they reflect the exit propensity), "
                "not drivers; leave them out when estimating driver effects"
            ),
            "calibration": calibration,
        },
        "observed_effects": observed,
        "assumptions": {
            "exit_recall_bias": config.exit_recall_bias,
            "exit_recall_bias_note": (
                "exit answers are shifted this many latent SDs towards the "
                "unfavourable end (workload and metric gaming up, the rest "
                "down); 0 = leavers answer as they felt"
            ),
            "score_ageing": {
                "trait_share": config.trait_share,
                "state_ar_monthly": config.state_ar,
                "team_ar_monthly": config.team_ar,
                "note": (
                    "a person's constructs drift between waves (monthly AR(1) state around a "
                    "stable trait; the team climate drifts too), so a score ages: the hazard "
                    "each month uses the current latent, the survey measured an older one"
                ),
            },
        },
        "latent_model": {
            "constructs": list(SCALES),
            "icc": dict(zip(BASE_CONSTRUCTS, model.icc.tolist())),
            "style_shifts": {s: STYLE_SHIFTS[s] for s in model.styles},
            "style_mix": dict(zip(model.styles, model.style_probs.tolist())),
            "correlation": model.correlation_all().round(4).tolist(),
            "trait_share": config.trait_share,
            "state_ar": config.state_ar,
            "team_ar": config.team_ar,
            "eta_sd": model.eta_sd,
        },
        "measurement": {"true_score_reliability": reliability, "cronbach_alpha": alphas},
        "teams": team_rows,
        "leavers": exits[
            ["employee_id", "team_id", "exit_date", "true_reason", "stated_reason", "followup_reason"]
        ].to_dict("records"),
        "actions": {"decay_per_month": ACTION_DECAY, "items": action_truth},
        "figures": figures,
    }
    return _plain(truth)


def write_truth(org, path) -> Path:
    """Write ``org.truth`` as pretty JSON (UTF-8) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(org.truth, indent=1, ensure_ascii=False, sort_keys=False), encoding="utf-8")
    return path


def read_truth(path) -> dict:
    """Read a ground-truth file written by :func:`write_truth`."""
    return json.loads(Path(path).read_text(encoding="utf-8"))
