"""``verloop train``: fit the models on an organisation's data and write their cards.

Four cards:

- ``team-risk`` (always; anonymous mode is enough): the pooled team Poisson model (team means
  over all waves, leavers and person-years of all staff, no tenure controls, bootstrap over
  teams; ``team.PooledTeamModel``) for drivers, risk and what-if, and gradient boosting;
- ``drivers``: the triangulated verdict per factor (``triangulate``) that the drivers page and
  ``verloop drivers`` show;
- ``individual-survival``: a Cox model of time to voluntary exit — on each person's own
  calibrated scores in confidential mode (with the pseudonym key), otherwise on HR facts and
  the team's survey means;
- ``leave-within``: calibrated classifiers for leaving within 6 and 12 months.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from verloop.errors import InputError
from verloop.models.cards import write_card
from verloop.models.classifiers import complete_rows, feature_sets, label, make_classifier
from verloop.models.data import OrgData
from verloop.models.drivers import effects_frame, model_effects
from verloop.models.features import team_panel
from verloop.models.individual import (
    CoxModel,
    OwnScores,
    cox_inputs,
    person_months,
    person_snapshots,
)
from verloop.models.team import fit_pooled, panel_xy, prediction_features, team_boosting
from verloop.models.threads import limited
from verloop.models.validation import (
    NO_SURVEY_SET,
    SURVEY_SETS,
    cox_concordance,
    evaluate_classifiers,
    evaluate_team_models,
)

COMMON_LIMITATIONS = [
    "Associations, not proven causes: a what-if assumes that changing a factor works like the "
    "differences seen between teams and people.",
    "Verloop's own scales are not yet externally validated; their reliability is reported by "
    "the project itself (Cronbach's alpha, omega).",
    "Trained on one organisation's history; refit when the organisation, the survey or the labour market changes.",
]


@dataclass
class TrainOptions:
    n_boot: int = 200
    seed: int = 0
    horizons: tuple[int, ...] = (3, 6)
    classifier_horizons: tuple[int, ...] = (6, 12)
    kinds: tuple[str, ...] = ("logistic", "boosting")
    schemes: tuple[str, ...] = ("temporal", "team")


def _versions() -> dict:
    import lifelines
    import sklearn

    import verloop

    return {
        "verloop": verloop.__version__,
        "scikit-learn": sklearn.__version__,
        "lifelines": lifelines.__version__,
        "python": platform.python_version(),
    }


def _data_block(org: OrgData, extra: dict | None = None) -> dict:
    start, end = org.data_window()
    emp = org.employees
    vol = emp[(emp["exit_type"] == "voluntary") & (emp["exit_date"] >= start)]
    block = {
        "window_start": start.date().isoformat(),
        "window_end": end.date().isoformat(),
        "teams": int(org.teams["id"].nunique()),
        "employees_in_records": int(len(emp)),
        "voluntary_leavers_in_window": int(len(vol)),
        "pulse_waves": int(len(org.pulse_waves)),
        "pulse_responses": int(len(org.scale_scores())),
        "survey_mode": org.survey_mode,
        "min_group_size": int(org.settings.get("min_group_size", 5)),
    }
    block.update(extra or {})
    return block


def train_team(org: OrgData, out: Path, options: TrainOptions) -> Path:
    panel = team_panel(org, horizons=tuple(sorted(set(options.horizons))))
    if panel.empty:
        raise InputError("No team has pulse results yet; run a pulse wave before training.")
    instrument = org.pulse_instrument()
    models: dict = {"poisson": {}, "boosting": {}}
    metrics, lifts = [], []
    pooled, pooled_rows = fit_pooled(org, n_boot=max(options.n_boot, 1000), seed=options.seed)
    with limited():
        for h in options.horizons:
            # the pooled model is a rate per person-year: one model serves every horizon
            models["poisson"][h] = pooled
            X, y, weight, _ = panel_xy(panel, h, prediction_features(panel), allow_missing=True)
            models["boosting"][h] = team_boosting(options.seed).fit(X, y, sample_weight=weight)
    for h in options.horizons:
        m, lift = evaluate_team_models(
            panel, h, org.as_of, schemes=options.schemes, n_boot=min(options.n_boot, 200), seed=options.seed
        )
        metrics.append(m.assign(horizon_months=h))
        lifts.append(lift.assign(horizon_months=h))
    main = pooled
    effects = model_effects(main, instrument)
    metric_rows = pd.concat(metrics, ignore_index=True)
    card = {
        "title": "Team risk: voluntary leavers per team in the next 3 and 6 months",
        "level": "team",
        "summary": (
            "Drivers, risk and what-if: a Poisson GLM of each team's voluntary leavers (all "
            "staff, new hires included) on its survey means pooled over every wave, with "
            "person-years as exposure and no tenure or new-hire controls (they are produced by "
            "past leaving); rate ratios per scale point and per SD between agents, 95 % "
            "intervals from a bootstrap over teams. Gradient boosting (Poisson loss) on "
            "team-waves with survey means, KPIs and team facts is kept for held-out comparison. "
            "Works in anonymous mode: only team means of at least the minimum group size."
        ),
        "data": _data_block(
            org,
            {
                "team_waves": int(len(panel)),
                "teams_used": int(main.n_teams_),
                "leavers_used": int(main.n_leavers_),
                "person_years": round(main.person_years_, 1),
                "bootstrap_resamples": int(len(main.boot_coef_)),
            },
        ),
        "features": {
            "poisson": main.features_,
            "boosting": list(models["boosting"][max(options.horizons)].feature_names_in_),
        },
        "metrics": [
            {
                "title": "held-out team models",
                "note": (
                    "D² = share of Poisson deviance explained beyond a constant rate; Spearman = "
                    "rank correlation of predicted and observed leaving rates; temporal = fit on "
                    "earlier waves, test on later; team = GroupKFold by team."
                ),
                "columns": [
                    "horizon_months",
                    "scheme",
                    "features",
                    "model",
                    "n_test",
                    "leavers",
                    "predicted",
                    "d2",
                    "spearman",
                ],
                "rows": metric_rows.to_dict("records"),
            },
            {
                "title": "pooled team model (lifelines-style summary, log rate ratio per point)",
                "columns": ["covariate", "coef", "exp(coef)", "se(coef)", "coef lower 95%", "coef upper 95%", "p"],
                "rows": main.summary.reset_index().to_dict("records"),
            },
            {
                "title": "power: smallest effect per SD detectable with 80 % power",
                "columns": ["factor", "mde_ratio_per_sd", "powered"],
                "rows": main.power().to_dict("records"),
            },
            {
                "title": "survey lift (team level)",
                "columns": ["horizon_months", "scheme", "metric", "lift", "ci_low", "ci_high"],
                "rows": pd.concat(lifts, ignore_index=True).to_dict("records"),
            },
        ],
        "drivers": effects_frame(effects).to_dict("records"),
        "limitations": [
            "Team-level rate ratios are contextual associations of team means with the team's "
            "leaving rate: they mix individual effects with composition. Pooling waves reduces, "
            "but does not remove, the pull of sampling error towards no effect.",
            "With a few dozen teams, ten correlated team means cannot be told apart: read the "
            "power table and the drivers card's verdict, not the order of the estimates.",
            "Teams with fewer respondents than the minimum group size in a wave are left out of that wave.",
            *COMMON_LIMITATIONS,
        ],
        "versions": _versions(),
    }
    artefact = {
        "models": models,
        "horizons": list(options.horizons),
        "min_group_size": int(org.settings.get("min_group_size", 5)),
    }
    return write_card(out, "team-risk", artefact, card)


def train_drivers(org: OrgData, out: Path, options: TrainOptions, key: str | None) -> Path:
    """The triangulated verdict per factor (``verloop.models.triangulate``) as a card."""
    from verloop.models.triangulate import RULE, triangulate

    report = triangulate(org, key=key, n_boot=max(options.n_boot, 1000), seed=options.seed)
    metrics = [
        {
            "title": "verdict per factor (ratio per SD)",
            "columns": ["factor", "verdict", "ratio", "low", "high", "clear", "rank"],
            "rows": [
                {k: d[k] for k in ("factor", "verdict", "ratio", "low", "high", "clear", "rank")}
                for d in report.drivers
            ],
        }
    ]
    metrics += measured_against_truth(out)
    card = {
        "title": "What drives leaving: every source side by side, one verdict per factor",
        "level": "organisation",
        "summary": RULE["en"],
        "data": _data_block(org, report.facts),
        "features": [d["factor"] for d in report.drivers],
        "metrics": metrics,
        "report": report.to_dict(),
        "limitations": [
            report.power_note["en"],
            "Exit answers may be coloured by the decision to leave (recall bias): the exit "
            "comparison therefore never decides a verdict on its own.",
            *COMMON_LIMITATIONS,
        ],
        "versions": _versions(),
    }
    return write_card(out, "drivers", {"report": report.to_dict()}, card)


def measured_against_truth(root: Path) -> list[dict]:
    """The verdict's record on synthetic organisations with known truth, from the JSON files
    ``bench/drivers.py --out <models>/drivers-benchmark*.json`` wrote (none: nothing shown).
    A real organisation has no truth; this is how the method did where the truth is known,
    including under recall bias in exit answers."""
    import json

    rows = []
    for path in sorted(Path(root).glob("drivers-benchmark*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        for size, block in data.get("sizes", {}).items():
            for design, m in block.get("designs", {}).items():
                if design.startswith("verdict"):
                    rows.append(
                        {
                            "file": path.name,
                            "positions": size,
                            "seeds": data.get("seeds"),
                            "exit_recall_bias": data.get("exit_recall_bias", 0.0),
                            "design": design,
                            "both_top_clear": m["both_top_clear"],
                            "false_discoveries": m["false_discoveries"],
                            "covered": m["covered"],
                            "estimate_over_truth": m.get("mandate_estimate_over_truth_median"),
                        }
                    )
    if not rows:
        return []
    return [
        {
            "title": "the verdict against the synthetic generator's truth (bench/drivers.py)",
            "note": (
                "false discoveries = no-effect scales flagged clear; covered = true effects "
                "inside the 95 % interval; estimate_over_truth = the verdict's effect of the "
                "strongest true driver (mandate) over its true effect, median over seeds (below "
                "1: too small); exit_recall_bias = how much leavers coloured their exit answers "
                "(latent SDs)"
            ),
            "columns": [
                "positions",
                "seeds",
                "exit_recall_bias",
                "design",
                "both_top_clear",
                "false_discoveries",
                "covered",
                "estimate_over_truth",
            ],
            "rows": rows,
        }
    ]


def team_mean_features(columns) -> list[str]:
    """The team's survey means a person-month carries (``team_<scale>``): not the team's id or
    size, and not intent to stay or eNPS, which restate the outcome rather than explain it."""
    return [
        c
        for c in columns
        if c.startswith("team_")
        and c not in ("team_id", "team_n")
        and c.removeprefix("team_") not in ("intent_stay", "enps")
    ]


def train_survival(org: OrgData, out: Path, options: TrainOptions, key: str | None) -> Path:
    snapshots_own = None
    if org.survey_mode == "confidential" and key:
        own = OwnScores.build(org, key)
        months = person_months(org, own=own).dropna(subset=own.scales)
        features = [*own.scales, "part_time"]
        true_sd = dict(zip(own.scales, own.calibration.true_sd_))
        factory = lambda: CoxModel(true_sd=true_sd)  # noqa: E731
        snapshots_own = person_snapshots(org, own=own)
        kind = "own scores (confidential mode), calibrated for measurement error and age"
        calibration = {
            "reliabilities": own.reliabilities,
            "decay": own.decay.to_dict(),
            "linked_responses": int(len(own.linked)),
        }
    else:
        months = person_months(org)
        features = team_mean_features(months.columns) + ["part_time"]
        factory = CoxModel
        kind = "HR facts and the team's survey means (anonymous mode)"
        calibration = None
    X, y, params = cox_inputs(months, features)
    with limited():
        model = factory().fit(X, y, **params)
    snaps = snapshots_own if snapshots_own is not None else person_snapshots(org)
    conc = cox_concordance(factory, features, months, snaps, org.as_of, schemes=options.schemes, seed=options.seed)
    effects = model_effects(model, org.pulse_instrument())
    card = {
        "title": "Individual survival: time to voluntary exit (Cox)",
        "level": "individual",
        "summary": (
            f"Cox proportional hazards on tenure, covariates: {kind}. Involuntary exits are "
            "censored (cause-specific hazard ratios). Results are reported for groups only."
        ),
        "data": _data_block(
            org, {"person_months": model.n_rows_, "people": model.n_people_, "events": model.n_events_}
        ),
        "features": model.features_,
        "measurement": calibration,
        "metrics": [
            {
                "title": "concordance",
                "note": (f"In-sample concordance {model.concordance_in_sample_:.3f}; held-out below."),
                "columns": ["scheme", "concordance", "concordance_sd", "note"],
                "rows": conc.to_dict("records"),
            },
            {
                "title": "Cox model (lifelines-style summary, hazard ratio per point and per SD)",
                "columns": [
                    "covariate",
                    "exp(coef)",
                    "exp(coef) lower 95%",
                    "exp(coef) upper 95%",
                    "exp(coef*sd)",
                    "sd kind",
                    "p",
                ],
                "rows": model.summary.reset_index().to_dict("records"),
            },
        ],
        "drivers": effects_frame(effects).to_dict("records"),
        "limitations": [
            "Proportional hazards assumed; hazard ratios are averages over tenure.",
            "Unmeasured personal circumstances (moving, study) are not in the data and pull the "
            "hazard ratios slightly towards 1.",
            *COMMON_LIMITATIONS,
        ],
        "versions": _versions(),
    }
    return write_card(out, "individual-survival", {"model": model, "features": features}, card)


def train_classifiers(org: OrgData, out: Path, options: TrainOptions, key: str | None) -> Path:
    own = OwnScores.build(org, key) if (org.survey_mode == "confidential" and key) else None
    snapshots = person_snapshots(org, horizons=options.classifier_horizons, own=own)
    sets = feature_sets(snapshots.columns, confidential=own is not None)
    chosen = next((s for s in SURVEY_SETS if s in sets), NO_SURVEY_SET)
    models: dict = {}
    metric_rows, lift_rows = [], []
    for h in options.classifier_horizons:
        data = complete_rows(snapshots, h)
        if data.empty or data[f"left_{h}m"].nunique() < 2:
            continue
        with limited():
            models[h] = {
                k: make_classifier(k, sets[chosen], options.seed).fit(data, label(data, h)) for k in options.kinds
            }
        report = evaluate_classifiers(
            snapshots,
            h,
            org.as_of,
            sets=sets,
            kinds=options.kinds,
            schemes=options.schemes,
            n_boot=options.n_boot,
            seed=options.seed,
        )
        metric_rows.append(report.metrics.assign(horizon_months=h))
        if len(report.lift):
            lift_rows.append(report.lift.assign(horizon_months=h))
    if not models:
        raise InputError("No complete 6- or 12-month follow-up yet; the classifiers need more history.")
    metrics = pd.concat(metric_rows, ignore_index=True)
    card = {
        "title": "Leave within 6 and 12 months (calibrated classifiers)",
        "level": "individual",
        "summary": (
            f"Logistic regression and calibrated gradient boosting on '{chosen}'. Honest "
            "evaluation: temporal split and GroupKFold by team, baselines (tenure only, KPIs "
            "only, HR + KPIs) and the survey's lift with a bootstrap interval over teams."
        ),
        "data": _data_block(org, {"snapshots": int(len(snapshots))}),
        "features": sets[chosen],
        "metrics": [
            {
                "title": "held-out classification",
                "columns": [
                    "horizon_months",
                    "scheme",
                    "features",
                    "model",
                    "n_test",
                    "leavers",
                    "roc_auc",
                    "roc_auc_low",
                    "roc_auc_high",
                    "pr_auc",
                    "brier",
                ],
                "rows": metrics.to_dict("records"),
            },
            {
                "title": "survey lift",
                "columns": ["horizon_months", "scheme", "model", "metric", "lift", "ci_low", "ci_high"],
                "rows": pd.concat(lift_rows, ignore_index=True).to_dict("records") if lift_rows else [],
            },
        ],
        "limitations": [
            "Individual probabilities exist only inside the model; they are never shown per "
            "person, only as averages over groups of at least the minimum group size.",
            *COMMON_LIMITATIONS,
        ],
        "versions": _versions(),
    }
    return write_card(out, "leave-within", {"models": models, "features": sets[chosen]}, card)


def train_models(
    org: OrgData,
    out: str | Path = "models",
    key: str | None = None,
    options: TrainOptions | None = None,
    which: tuple[str, ...] = ("team", "drivers", "survival", "classifiers"),
) -> list[Path]:
    """Fit and write the cards; returns their folders."""
    options = options or TrainOptions()
    out = Path(out)
    folders = []
    if "team" in which:
        folders.append(train_team(org, out, options))
    if "drivers" in which:
        folders.append(train_drivers(org, out, options, key))
    if "survival" in which:
        folders.append(train_survival(org, out, options, key))
    if "classifiers" in which:
        folders.append(train_classifiers(org, out, options, key))
    return folders


def summarise(folders: list[Path]) -> list[dict]:
    """Name, title and the headline numbers of each written card (for the CLI)."""
    import json

    out = []
    for folder in folders:
        card = json.loads((folder / "card.json").read_text(encoding="utf-8"))
        head = {
            "name": card["name"],
            "folder": str(folder),
            "title": card["title"],
            "sha256": card["artefact"]["sha256"],
        }
        if card["metrics"] and card["metrics"][0]["rows"]:
            head["first_metrics"] = card["metrics"][0]["rows"][:3]
        out.append(head)
    return out


__all__ = ["TrainOptions", "measured_against_truth", "train_models", "summarise"]
