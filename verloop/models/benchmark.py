"""``verloop benchmark``: the whole pipeline on any tabular attrition file.

Researchers can check Verloop's models on their own extract (or on public data such as the IBM
HR attrition file) before trusting them on survey data: stratified 5-fold cross-validation of a
baseline and every model, and optionally a Cox model when a duration column is given.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from verloop.errors import InputError
from verloop.models.evaluate import cox_cv_concordance, cross_validate_classifier
from verloop.models.pipelines import (
    baseline_pipeline,
    hist_gradient_boosting_pipeline,
    logistic_pipeline,
    random_forest_pipeline,
)
from verloop.models.tabular import MISSING_LEVEL, PreparedTable, prepare_table, read_table

MODEL_NAMES = (
    "baseline (prior)",
    "logistic regression",
    "logistic regression + levels",
    "hist gradient boosting",
    "random forest",
)
COX_PENALIZER = 0.01
"""Ridge penalty of the benchmark's Cox model over every column (keeps it finite when columns
nearly duplicate each other); ``penalizer=0`` gives the textbook partial-likelihood fit of a
published table (``--features`` with ``--penalizer 0``)."""
ALL_TERMS_UP_TO = 20  # the text table shows every Cox term up to this many, else the ten largest


@dataclass
class BenchmarkResult:
    """Cross-validated metrics per model and, with a duration, a Cox model summary."""

    models: list[dict]
    survival: dict | None
    n_rows: int
    n_positive: int
    target: str
    positive_label: str
    n_splits: int
    notices: list[str] = field(default_factory=list)
    columns: dict = field(default_factory=dict)

    @property
    def best(self) -> dict:
        return max(self.models, key=lambda m: m["roc_auc_mean"])

    def to_dict(self) -> dict:
        return {
            "models": self.models,
            "survival": self.survival,
            "data": {
                "rows": self.n_rows,
                "positives": self.n_positive,
                "positive_rate": self.n_positive / self.n_rows,
                "target": self.target,
                "positive_label": self.positive_label,
                "cv": f"stratified {self.n_splits}-fold, shuffled, seed fixed",
                "columns": self.columns,
            },
            "best_model": self.best["name"],
            "notices": self.notices,
        }

    def to_markdown(self) -> str:
        """The table for a README: mean ± sd over folds."""
        lines = [
            f"{self.n_splits}-fold stratified cross-validation, {self.n_rows} rows, "
            f"{self.n_positive} leavers ({self.n_positive / self.n_rows:.1%}); mean ± sd over folds.",
            "",
            "| model | ROC AUC | PR AUC | Brier |",
            "| --- | --- | --- | --- |",
        ]
        for m in self.models:
            lines.append(
                f"| {m['name']} | {m['roc_auc_mean']:.3f} ± {m['roc_auc_sd']:.3f} | "
                f"{m['pr_auc_mean']:.3f} ± {m['pr_auc_sd']:.3f} | "
                f"{m['brier_mean']:.3f} ± {m['brier_sd']:.3f} |"
            )
        if self.survival:
            s = self.survival
            lines += [
                "",
                f"Cox model on duration '{s['duration']}' ({s['n']} rows, {s['events']} events, "
                f"penalizer {s['penalizer']}): concordance {s['concordance']:.3f} "
                f"± {s['concordance_sd']:.3f} ({s['concordance_method']}); "
                f"in-sample {s['concordance_in_sample']:.3f}.",
                "",
                "| term | hazard ratio | 95 % CI | p |",
                "| --- | --- | --- | --- |",
            ]
            terms = list(s["hazard_ratios"])
            shown = len(terms) if len(terms) <= ALL_TERMS_UP_TO else 10
            top = sorted(terms, key=lambda t: -abs(np.log(s["hazard_ratios_per_sd"][t])))[:shown]
            for t in top:
                lo, hi = s["hazard_ratio_ci"][t]
                p = s.get("p_values", {}).get(t)
                lines.append(
                    f"| {t} | {s['hazard_ratios'][t]:.3f} | {lo:.3f}–{hi:.3f} | {'—' if p is None else f'{p:.3g}'} |"
                )
            lines.append("")
            which = "every term" if shown == len(terms) else "ten largest effects per SD"
            lines.append(f"({s['hazard_ratio_unit']}; {which} shown.)")
            for note in s["notes"]:
                lines.append(f"Caution: {note}")
        return "\n".join(lines)

    def to_text(self) -> str:
        lines = [f"Notice: {n}" for n in self.notices]
        if lines:
            lines.append("")
        lines.append(self.to_markdown())
        lines.append("")
        lines.append(f"Best model: {self.best['name']} (ROC AUC {self.best['roc_auc_mean']:.3f}).")
        return "\n".join(lines)


def _candidate_models(table: PreparedTable, seed: int) -> dict[str, object]:
    plan = table.plan
    numeric, categorical = plan.numeric, plan.categorical
    return {
        "baseline (prior)": baseline_pipeline(),
        "logistic regression": logistic_pipeline(numeric, categorical),
        "logistic regression + levels": logistic_pipeline(
            numeric,
            categorical,
            few_levels=plan.few_level_numeric(table.X),
            skewed=plan.skewed_numeric(table.X),
        ),
        "hist gradient boosting": hist_gradient_boosting_pipeline(numeric, categorical, seed),
        "random forest": random_forest_pipeline(numeric, categorical, seed),
    }


_DESCRIPTIONS = {
    "baseline (prior)": "everyone gets the training share of leavers",
    "logistic regression": "one-hot categories, scaled numbers, L2 (C=0.1)",
    "logistic regression + levels": "as above, plus few-level numbers one-hot and log1p of skewed numbers",
    "hist gradient boosting": "native categories, early stopping",
    "random forest": "300 trees, min 3 per leaf",
}


def cox_design(table: PreparedTable) -> tuple[pd.DataFrame, dict[str, str]]:
    """Numeric columns (median-imputed) and one-hot categories against their most common level.

    Uses no target information, so building it once before cross-validation leaks nothing.
    Returns the design and, per categorical column, the reference level.
    """
    X = table.X.drop(columns=[table.time], errors="ignore")
    parts = []
    references = {}
    for c in table.plan.numeric:
        if c in X:
            parts.append(X[c].fillna(X[c].median()).rename(c))
    for c in table.plan.categorical:
        if c not in X:
            continue
        counts = X[c].value_counts()
        ref = counts.index[0]
        references[c] = ref
        levels = [lv for lv in counts.index[1:] if counts[lv] >= 5 or lv == MISSING_LEVEL]
        for lv in levels[:30]:
            parts.append((X[c] == lv).astype(float).rename(f"{c}[{lv}]"))
    design = pd.concat(parts, axis=1) if parts else pd.DataFrame(index=X.index)
    design = design.loc[:, design.nunique() > 1]
    return design, references


def fit_cox(table: PreparedTable, n_splits: int = 5, seed: int = 0, penalizer: float = COX_PENALIZER) -> dict:
    """Cox proportional hazards on the duration: hazard ratios with CIs, concordance."""
    from lifelines import CoxPHFitter
    from lifelines.exceptions import ConvergenceError

    design, references = cox_design(table)
    if design.shape[1] == 0:
        raise InputError("No covariates remain for the Cox model besides the time column.")
    duration = table.duration.copy()
    event = table.y.astype(int)
    frame = design.copy()
    frame["_duration"] = duration
    frame["_event"] = event
    cph = CoxPHFitter(penalizer=penalizer)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cph.fit(frame, "_duration", "_event")
            cv_mean, cv_sd, folds = cox_cv_concordance(
                design, duration, event, n_splits=n_splits, seed=seed, penalizer=penalizer
            )
    except ConvergenceError as exc:
        raise InputError(
            f"The Cox model on '{table.time}' did not converge; columns that almost perfectly "
            "separate leavers are the usual cause — drop them and try again."
        ) from exc
    summary = cph.summary
    sd = design.std(ddof=0)
    hr = {t: float(np.exp(summary.loc[t, "coef"])) for t in design.columns}
    hr_sd = {t: float(np.exp(summary.loc[t, "coef"] * sd[t])) for t in design.columns}
    ci = {
        t: [float(summary.loc[t, "exp(coef) lower 95%"]), float(summary.loc[t, "exp(coef) upper 95%"])]
        for t in design.columns
    }
    bounded = [
        c
        for c in table.plan.numeric
        if c in design
        and c != table.time
        and (design[c] <= duration + 1e-9).all()
        and np.corrcoef(design[c], duration)[0, 1] > 0.5
    ]
    notes = []
    cv_without = None
    if bounded and len(bounded) < design.shape[1]:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cv_without, _, _ = cox_cv_concordance(
                design.drop(columns=bounded),
                duration,
                event,
                n_splits=n_splits,
                seed=seed,
                penalizer=penalizer,
            )
    if bounded:
        notes.append(
            f"{', '.join(bounded)} never exceed{'s' if len(bounded) == 1 else ''} the duration "
            f"'{table.time}' and {'is' if len(bounded) == 1 else 'are'} probably measured at the "
            "end of follow-up; such covariates inflate the concordance"
            + (f" (without them: {cv_without:.3f})." if cv_without is not None else ".")
        )
    return {
        "concordance": cv_mean,
        "concordance_sd": cv_sd,
        "concordance_method": f"{n_splits}-fold cross-validated (stratified on the event)",
        "concordance_folds": folds,
        "concordance_in_sample": float(cph.concordance_index_),
        "concordance_without_end_of_followup_terms": cv_without,
        "hazard_ratios": hr,
        "hazard_ratio_ci": ci,
        "p_values": {t: float(summary.loc[t, "p"]) for t in design.columns},
        "coefficient_se": {t: float(summary.loc[t, "se(coef)"]) for t in design.columns},
        "hazard_ratios_per_sd": hr_sd,
        "hazard_ratio_unit": "numeric terms per unit of the column; 'col[level]' terms against the most common level",
        "reference_levels": references,
        "duration": table.time,
        "n": int(len(duration)),
        "events": int(event.sum()),
        "penalizer": penalizer,
        "notes": notes,
    }


def select_features(frame: pd.DataFrame, features, target: str, time: str | None) -> pd.DataFrame:
    """Only ``features`` plus the target (and time) columns; a precise error for unknown names."""
    features = [f.strip() for f in features if f and f.strip()]
    if not features:
        raise InputError("--features is empty; name at least one column, e.g. --features age,income.")
    unknown = [f for f in features if f not in frame.columns]
    if unknown:
        raise InputError(
            f"The file has no column {unknown[0]!r}; its columns are {', '.join(map(str, frame.columns))}."
        )
    clash = [f for f in features if f in (target, time)]
    if clash:
        raise InputError(f"Column {clash[0]!r} is the target or time, not a feature.")
    keep = features + [c for c in (target, time) if c is not None and c in frame.columns]
    return frame[keep]


def run_benchmark(
    data: pd.DataFrame | str | Path,
    target: str,
    time: str | None = None,
    n_splits: int = 5,
    seed: int = 0,
    positive: str | None = None,
    models: list[str] | tuple[str, ...] | None = None,
    features: list[str] | tuple[str, ...] | None = None,
    penalizer: float = COX_PENALIZER,
) -> BenchmarkResult:
    """Cross-validate the baseline and every model on a file or frame; add Cox with ``time``.

    ``models`` restricts the run to some of ``MODEL_NAMES`` (the baseline always runs).
    ``features`` fits only those columns (e.g. the covariates of a published Cox table) instead
    of every column of the file; ``penalizer`` is the Cox model's ridge penalty (0: the
    unpenalised fit a published table reports).
    """
    if not np.isfinite(penalizer) or penalizer < 0:
        raise InputError(f"--penalizer must be a number ≥ 0, not {penalizer!r}.")
    frame = read_table(data) if not isinstance(data, pd.DataFrame) else data
    if features is not None:
        frame = select_features(frame, features, target, time)
    table = prepare_table(frame, target=target, time=time, positive=positive)
    n_pos = table.n_positive
    n_neg = table.n_rows - n_pos
    if min(n_pos, n_neg) < n_splits:
        raise InputError(
            f"Target '{target}' has only {min(n_pos, n_neg)} rows in its smaller class; "
            f"{n_splits}-fold cross-validation needs at least {n_splits}."
        )
    if models is not None:
        unknown = [m for m in models if m not in MODEL_NAMES]
        if unknown:
            raise InputError(f"Unknown model {unknown[0]!r}; choose from {', '.join(MODEL_NAMES)}.")
    candidates = _candidate_models(table, seed)
    wanted = [n for n in MODEL_NAMES if models is None or n in models or n == MODEL_NAMES[0]]
    results = []
    for name in wanted:
        cv = cross_validate_classifier(candidates[name], table.X, table.y, n_splits, seed)
        row = {"name": name, **cv.summary()}
        row["fit_seconds_mean"] = float(cv.folds["fit_seconds"].mean())
        row["description"] = _DESCRIPTIONS[name]
        results.append(row)
    survival = fit_cox(table, n_splits=n_splits, seed=seed, penalizer=penalizer) if time is not None else None
    columns = {
        "numeric": table.plan.numeric,
        "categorical": table.plan.categorical,
        "dropped": table.plan.dropped,
    }
    return BenchmarkResult(
        models=results,
        survival=survival,
        n_rows=table.n_rows,
        n_positive=n_pos,
        target=target,
        positive_label=table.positive_label,
        n_splits=n_splits,
        notices=table.notices,
        columns=columns,
    )
