"""Watermelon teams: KPIs green against the organisation's own targets, people red underneath.

``WatermelonDetector`` is a scikit-learn-style estimator on the door's published watermelon
frame (``Door.watermelon``: one row per team, people figures pooled over the team's shown
waves of the period; see ``verloop.privacy.watermelon``). It never sees an answer.

People status (how red inside)
    Per scale, a team's pooled mean is noisy in proportion to its within-team variance over the
    *effective* number of answers (the same people answer wave after wave, so answers are not
    independent: a design effect 1 + (m − 1)·r for m answers per person). The between-team
    variance τ² is estimated by moments; each team is shrunk towards its site by its
    reliability λ = τ² / (τ² + error): a team of six with one hidden wave moves towards its
    site, a team of twelve with eight waves barely moves (empirical Bayes). Voluntary turnover
    of the period is shrunk the same way (gamma–Poisson), and so is sickness absence
    (``people_kpis``: a KPI that is evidence about the people, not a target; its error is the
    month-to-month SD over the months). The figures are signed so that higher is better and
    combined with weights = the loading of each figure on the first principal component of the
    teams' shrunk figures (the one direction along which teams differ most; figures loading
    against it get none) × its mean team-level reliability (a figure on which teams really
    differ counts more than one that is mostly noise); ``weighting='reliability'`` uses the
    reliabilities alone. The composite is standardised to SDs between teams. Its standard
    error comes from the posterior variances, with the errors of one team's figures taken as
    correlated (``error_correlation``).

KPI status (how green outside)
    Per *active* KPI of the organisation's targets (table ``kpi_targets``, ``verloop settings
    kpi-target``): (mean − target) signed by its direction, over the SD between teams; the
    status is the mean over active KPIs; ≥ 0 is green. A centre that dropped AHT as a target
    sets it inactive and it no longer counts. Its standard error comes from the months.

Flag and certainty
    A watermelon team is green outside (KPI status ≥ 0), red inside (people status ≤
    ``red_below``, default: below the middle) and deep in that corner: its *watermelon gap* —
    people status minus KPI status (centred), standardised over the teams — is at most
    ``corner_below`` (−0.8 SD). Teams hitting their targets *because* they are squeezed (DOMAIN.md)
    are very green and quite red at once, which the gap measures better than either status
    alone. P(flag) is the product of the three probabilities under normal errors; a team is
    flagged when P(flag) ≥ 0.5, and its certainty is P(flag) when flagged, else 1 − P(flag).
    The one or two figures that pull a flagged team's people status down most are named.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator

from verloop.domain.constants import PULSE_SCALES, WATERMELON_CORNER_BELOW, WATERMELON_RED_BELOW
from verloop.errors import ConfigError, InputError

KPIS = ("aht_s", "service_level", "csat", "fcr", "repeat_rate", "absenteeism")
DIRECTIONS = ("higher", "lower")
# kpi: (target, direction, active). Dashboards of contact centres steer on AHT, service level
# and CSAT (DOMAIN.md); the other three are available but not counted until switched on.
DEFAULT_KPI_TARGETS: dict[str, tuple[float, str, bool]] = {
    "aht_s": (360.0, "lower", True),
    "service_level": (80.0, "higher", True),
    "csat": (3.8, "higher", True),
    "fcr": (72.0, "higher", False),
    "repeat_rate": (15.0, "lower", False),
    "absenteeism": (7.0, "lower", False),
}
KPI_RANGES = {
    "aht_s": (1.0, 7200.0),
    "service_level": (0.0, 100.0),
    "csat": (1.0, 5.0),
    "fcr": (0.0, 100.0),
    "repeat_rate": (0.0, 100.0),
    "absenteeism": (0.0, 100.0),
}
PEOPLE_SCALES = PULSE_SCALES  # every pulse scale is evidence about the people
TURNOVER = "voluntary_rate"
RED_BELOW = WATERMELON_RED_BELOW  # the thresholds live in the bottom layer (the page reads them without sklearn)
CORNER_BELOW = WATERMELON_CORNER_BELOW
# KPIs that are evidence about the people rather than targets: sickness absence (verzuim)
PEOPLE_KPIS = ("absenteeism",)


@functools.lru_cache(maxsize=64)
def higher_is_better(scale: str) -> bool:
    """From the pulse questionnaire (workload and metric gaming: lower is better)."""
    if scale == TURNOVER:
        return False
    if scale in DEFAULT_KPI_TARGETS:
        return DEFAULT_KPI_TARGETS[scale][1] == "higher"
    try:
        from verloop.surveys import load_instrument

        return bool(load_instrument("pulse").scale(scale).higher_is_better)
    except Exception:
        return scale not in ("workload", "metric_gaming")


# -- the organisation's KPI targets ------------------------------------------------------------------


def default_targets() -> pd.DataFrame:
    return pd.DataFrame(
        [{"kpi": k, "target": t, "direction": d, "active": a} for k, (t, d, a) in DEFAULT_KPI_TARGETS.items()]
    )


def kpi_targets(session) -> pd.DataFrame:
    """The targets in force: the table ``kpi_targets`` over the defaults (a KPI without a row
    keeps its default). Columns kpi, target, direction, active, source ('default' | 'set')."""
    from sqlalchemy import select

    from verloop.store.schema import KpiTarget

    out = default_targets().assign(source="default").set_index("kpi")
    for row in session.execute(select(KpiTarget)).scalars():
        out.loc[row.kpi, ["target", "direction", "active", "source"]] = [
            np.nan if row.target is None else float(row.target),
            row.direction,
            bool(row.active),
            "set",
        ]
    out["active"] = out["active"].astype(bool) & out["target"].notna()
    return out.reset_index()


def set_kpi_target(
    session,
    kpi: str,
    changed_by: str,
    *,
    target: float | None = None,
    direction: str | None = None,
    active: bool | None = None,
) -> dict:
    """Change one KPI's target, direction or whether it counts; every change is logged in
    ``settings_changes`` (field ``kpi_target.<kpi>.<what>``). Returns the KPI's new row."""
    from verloop.store.schema import KpiTarget, SettingsChange

    if not changed_by or not str(changed_by).strip():
        raise ConfigError("say who changes the KPI target (--by), for the audit log.")
    if kpi not in KPIS:
        raise InputError(f"unknown KPI '{kpi}'; use one of {', '.join(KPIS)}.")
    if direction is not None and direction not in DIRECTIONS:
        raise InputError(f"the direction must be 'higher' or 'lower', not '{direction}'.")
    if target is not None:
        if not isinstance(target, (int, float)) or not math.isfinite(float(target)):
            raise InputError(f"the target of {kpi} must be a number.")
        lo, hi = KPI_RANGES[kpi]
        if not lo <= float(target) <= hi:
            raise InputError(f"a target of {target:g} for {kpi} is outside {lo:g}–{hi:g}.")
    current = kpi_targets(session).set_index("kpi").loc[kpi]
    row = session.get(KpiTarget, kpi)
    if row is None:
        row = KpiTarget(
            kpi=kpi,
            target=float(current["target"]),
            direction=str(current["direction"]),
            active=bool(current["active"]),
        )
        session.add(row)
    changes = {
        "target": None if target is None else float(target),
        "direction": direction,
        "active": None if active is None else bool(active),
    }
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    for field, new in changes.items():
        if new is None:
            continue
        old = getattr(row, field)
        if old == new:
            continue
        setattr(row, field, new)
        session.add(
            SettingsChange(
                changed_at=now,
                changed_by=str(changed_by).strip(),
                field=f"kpi_target.{kpi}.{field}",
                old_value=None if old is None else str(old),
                new_value=str(new),
            )
        )
    session.flush()
    return {"kpi": row.kpi, "target": row.target, "direction": row.direction, "active": bool(row.active)}


def targets_from_store(store) -> pd.DataFrame:
    with store.session() as s:
        return kpi_targets(s)


# -- the estimator ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Scale:
    name: str
    sign: float
    tau2: float  # between-team variance of the true team means (site differences included)
    within_site_tau2: float  # between-team variance around the site means
    site_means: dict
    grand: float
    weight: float  # mean reliability of the team means


def _norm_cdf(x):
    from scipy.stats import norm

    return norm.cdf(x)


class WatermelonDetector(BaseEstimator):
    """Flag watermelon teams in a ``Door.watermelon`` frame; see the module docstring.

    Parameters: ``targets`` (a frame like ``kpi_targets``; None: the defaults), ``red_below``
    (people status, in SDs between teams, at or below which a team is red inside),
    ``corner_below`` (the watermelon gap at or below which a team is deep in the corner),
    ``scales`` (people scales used), ``use_turnover``, ``repeat_correlation`` (correlation of
    one person's answers across waves, for the design effect), ``error_correlation`` (between
    the errors of one team's scales).
    """

    def __init__(
        self,
        targets: pd.DataFrame | None = None,
        red_below: float = RED_BELOW,
        corner_below: float = CORNER_BELOW,
        scales: tuple[str, ...] = PEOPLE_SCALES,
        use_turnover: bool = True,
        repeat_correlation: float = 0.5,
        error_correlation: float = 0.4,
        weighting: str = "pc1",
        people_kpis: tuple[str, ...] = PEOPLE_KPIS,
    ):
        self.targets = targets
        self.people_kpis = people_kpis
        self.weighting = weighting
        self.red_below = red_below
        self.corner_below = corner_below
        self.scales = scales
        self.use_turnover = use_turnover
        self.repeat_correlation = repeat_correlation
        self.error_correlation = error_correlation

    # -- pieces ----------------------------------------------------------------------------------
    def _targets(self) -> pd.DataFrame:
        targets = default_targets() if self.targets is None else pd.DataFrame(self.targets)
        missing = {"kpi", "target", "direction", "active"} - set(targets.columns)
        if missing:
            raise InputError(f"the KPI targets lack {', '.join(sorted(missing))}.")
        bad = set(targets["direction"]) - set(DIRECTIONS)
        if bad:
            raise InputError(f"a KPI direction must be 'higher' or 'lower', not {', '.join(map(str, bad))}.")
        return targets

    def _errors(self, X: pd.DataFrame, scale: str) -> np.ndarray:
        """Sampling variance of each team's pooled mean (NaN where not shown); for a KPI, of
        its mean over the months."""
        if scale in KPIS:
            sd = X.get(f"{scale}_sd", pd.Series(np.nan, index=X.index)).astype(float).to_numpy()
            months = X.get("kpi_months", pd.Series(12, index=X.index)).astype(float).to_numpy()
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where(months > 0, sd**2 / months, np.nan)
        n = X.get(f"{scale}_n", pd.Series(np.nan, index=X.index)).astype(float).to_numpy()
        var = X.get(f"{scale}_var", pd.Series(np.nan, index=X.index)).astype(float).to_numpy()
        waves = np.maximum(X.get("waves_shown", pd.Series(1, index=X.index)).astype(float).to_numpy(), 1.0)
        people = n / waves
        if "person_years" in X:
            people = np.fmax(people, X["person_years"].astype(float).to_numpy())
        per_person = np.clip(n / np.maximum(people, 1.0), 1.0, None)
        deff = 1.0 + (per_person - 1.0) * self.repeat_correlation
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(n > 0, var * deff / n, np.nan)

    @staticmethod
    def _site_means(values, errors, tau2, sites) -> dict:
        out = {}
        for site in pd.unique(sites):
            sel = (sites == site) & np.isfinite(values)
            if not sel.any():
                continue
            w = 1.0 / (tau2 + errors[sel])
            out[site] = float((w * values[sel]).sum() / w.sum())
        return out

    def _fit_scale(self, name, values, errors, sites) -> _Scale | None:
        ok = np.isfinite(values) & np.isfinite(errors)
        if ok.sum() < 3:
            return None
        v, e, s = values[ok], errors[ok], sites[ok]
        total = max(float(np.var(v, ddof=1)) - float(np.mean(e)), 1e-6 * float(np.var(v, ddof=1)) + 1e-12)
        site = pd.Series(v).groupby(s).transform("mean").to_numpy()
        within = max(
            float(np.sum((v - site) ** 2) / max(len(v) - len(np.unique(s)), 1)) - float(np.mean(e)), 0.05 * total
        )
        means = self._site_means(v, e, within, s)
        reliability = float(np.mean(within / (within + e)))
        return _Scale(
            name, 1.0 if higher_is_better(name) else -1.0, total, within, means, float(np.mean(v)), reliability
        )

    def _turnover_arrays(self, X: pd.DataFrame):
        leavers = X.get("voluntary", pd.Series(np.nan, index=X.index)).astype(float).to_numpy()
        years = X.get("person_years", pd.Series(np.nan, index=X.index)).astype(float).to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.where(years > 0, leavers / years, np.nan)
        return leavers, years, rate

    # -- fit / predict ---------------------------------------------------------------------------------
    def fit(self, X: pd.DataFrame, y=None) -> WatermelonDetector:
        """Learn, from the teams of ``X``, the between-team variances, the site means, the scale
        weights, the KPI spreads and the standardisation of the people status."""
        X = self._check_frame(X)
        shown = ~X["suppressed"].astype(bool).to_numpy()
        sites = X["site"].astype(str).to_numpy()
        self.scales_: dict[str, _Scale] = {}
        for scale in (*self.scales, *self.people_kpis):
            if scale not in X:
                continue
            values = np.where(shown, X[scale].astype(float).to_numpy(), np.nan)
            fitted = self._fit_scale(scale, values, self._errors(X, scale), sites)
            if fitted is not None:
                self.scales_[scale] = fitted
        self.turnover_ = None
        if self.use_turnover:
            leavers, years, rate = self._turnover_arrays(X)
            ok = shown & np.isfinite(rate) & (years > 0)
            if ok.sum() >= 3:
                mu = float(leavers[ok].sum() / years[ok].sum())
                tau2 = max(float(np.var(rate[ok], ddof=1)) - float(np.mean(mu / years[ok])), 0.05 * mu**2, 1e-9)
                self.turnover_ = {
                    "mu": mu,
                    "tau2": tau2,
                    "prior_years": mu / tau2,
                    "weight": float(np.mean(years[ok] / (years[ok] + mu / tau2))),
                }
        if not self.scales_ and self.turnover_ is None:
            raise InputError("no team has people figures to judge (every team is hidden or without answers).")
        self.weights_ = None
        _, _, z = self._composite(X)
        reliability = {name: sc.weight for name, sc in self.scales_.items()}
        if self.turnover_ is not None:
            reliability[TURNOVER] = self.turnover_["weight"]
        if self.weighting == "pc1":
            self.weights_ = self._principal_weights(z, reliability)
        else:
            self.weights_ = reliability
        raw, se_raw, _ = self._composite(X)
        ok = np.isfinite(raw)
        self.centre_ = float(np.mean(raw[ok]))
        # SD of the true composite between teams: the posterior means vary less than the truth
        # by the mean posterior variance
        spread = float(np.var(raw[ok], ddof=1) + np.mean(se_raw[ok] ** 2)) if ok.sum() > 1 else 1.0
        self.spread_ = math.sqrt(spread) if spread > 0 else 1.0
        targets = self._targets()
        active = targets[targets["active"].astype(bool) & targets["target"].notna()]
        self.kpi_spread_ = {}
        for row in active.itertuples():
            if row.kpi in X:
                values = X[row.kpi].astype(float)
                sd = float(values.std(ddof=1)) if values.notna().sum() > 1 else float("nan")
                self.kpi_spread_[row.kpi] = (
                    sd if np.isfinite(sd) and sd > 0 else max(abs(float(row.target)) * 0.05, 1e-6)
                )
        self.active_kpis_ = list(self.kpi_spread_)
        self.targets_ = targets
        people = (raw - self.centre_) / self.spread_
        kpi_status = self._kpi(X)[0]
        both = np.isfinite(people) & np.isfinite(kpi_status)
        self.kpi_centre_ = float(np.mean(kpi_status[both])) if both.any() else 0.0
        gap = people - (kpi_status - self.kpi_centre_)
        self.contrast_centre_ = float(np.mean(gap[both])) if both.any() else 0.0
        spread = float(np.std(gap[both], ddof=1)) if both.sum() > 1 else 1.0
        self.contrast_spread_ = spread if spread > 0 else 1.0
        return self

    @staticmethod
    def _principal_weights(z: pd.DataFrame, reliability: dict) -> dict:
        """Loadings of the first principal component of the teams' (shrunk) standardised
        figures — the one direction along which teams differ most — times each figure's
        reliability; figures loading against it get no weight."""
        complete = z.dropna()
        if len(complete) < max(5, z.shape[1] // 2):
            return reliability
        values, vectors = np.linalg.eigh(np.corrcoef(complete.to_numpy(), rowvar=False))
        first = vectors[:, -1]
        first = first if first.sum() >= 0 else -first
        out = {name: max(float(v), 0.0) * reliability[name] for name, v in zip(z.columns, first)}
        return out if sum(out.values()) > 0 else reliability

    def _composite(self, X: pd.DataFrame):
        """Weighted composite (raw units), its standard error and per-scale z contributions."""
        shown = ~X["suppressed"].astype(bool).to_numpy()
        sites = X["site"].astype(str).to_numpy()
        parts, ses, weights, names = [], [], [], []
        for name, sc in self.scales_.items():
            values = np.where(shown, X[name].astype(float).to_numpy(), np.nan) if name in X else np.full(len(X), np.nan)
            errors = self._errors(X, name)
            prior = np.array([sc.site_means.get(s, sc.grand) for s in sites])
            lam = sc.within_site_tau2 / (sc.within_site_tau2 + errors)
            post = prior + lam * (values - prior)
            post_var = lam * errors
            sd = math.sqrt(sc.tau2)
            parts.append(sc.sign * (post - sc.grand) / sd)
            ses.append(np.sqrt(post_var) / sd)
            weights.append(self.weights_[name] if getattr(self, "weights_", None) else sc.weight)
            names.append(name)
        if self.turnover_ is not None:
            t = self.turnover_
            leavers, years, _ = self._turnover_arrays(X)
            years = np.where(shown, years, np.nan)
            post = (leavers + t["prior_years"] * t["mu"]) / (years + t["prior_years"])
            post_var = post / (years + t["prior_years"])
            sd = math.sqrt(t["tau2"])
            parts.append(-(post - t["mu"]) / sd)
            ses.append(np.sqrt(post_var) / sd)
            weights.append(self.weights_[TURNOVER] if getattr(self, "weights_", None) else t["weight"])
            names.append(TURNOVER)
        z = np.column_stack(parts)
        se = np.column_stack(ses)
        w = np.array(weights)
        # a team missing a figure is judged on the others (weights renormalised) as long as at
        # least half of the weight is there
        present = np.isfinite(z) & np.isfinite(se)
        wz = np.where(present, w, 0.0)
        total = wz.sum(axis=1)
        enough = total >= 0.5 * w.sum()
        safe = np.where(total > 0, total, 1.0)
        raw = np.where(enough, np.where(present, z, 0.0) @ w / safe, np.nan)
        wse = np.where(present, w * se, 0.0)
        independent = (wse**2).sum(axis=1)
        together = wse.sum(axis=1) ** 2
        rho = self.error_correlation
        se_raw = np.where(enough, np.sqrt((1 - rho) * independent + rho * together) / safe, np.nan)
        return raw, se_raw, pd.DataFrame(z, columns=names, index=X.index)

    def _check_frame(self, X) -> pd.DataFrame:
        if not isinstance(X, pd.DataFrame):
            raise InputError("the detector takes the door's watermelon frame (a DataFrame, one row per team).")
        missing = {"team", "site", "suppressed"} - set(X.columns)
        if missing:
            raise InputError(f"the watermelon frame lacks {', '.join(sorted(missing))} (use Door.watermelon).")
        return X

    def _kpi(self, X: pd.DataFrame):
        """KPI status, its SE, the KPIs on target and how many count (see the module docstring)."""
        gaps, gap_se, met = [], [], []
        targets = self.targets_.set_index("kpi")
        for kpi in self.active_kpis_:
            direction = 1.0 if targets.loc[kpi, "direction"] == "higher" else -1.0
            spread = self.kpi_spread_[kpi]
            values = X[kpi].astype(float).to_numpy()
            gaps.append(direction * (values - float(targets.loc[kpi, "target"])) / spread)
            months = X.get("kpi_months", pd.Series(12, index=X.index)).astype(float).clip(lower=1).to_numpy()
            sd = X.get(f"{kpi}_sd", pd.Series(0.0, index=X.index)).astype(float).fillna(0.0).to_numpy()
            gap_se.append(sd / np.sqrt(months) / spread)
            met.append(direction * (values - float(targets.loc[kpi, "target"])) >= 0)
        if gaps:
            stacked = np.column_stack(gaps)
            counted = np.isfinite(stacked).sum(axis=1)
            kpi_status = np.where(counted > 0, np.nansum(stacked, axis=1) / np.maximum(counted, 1), np.nan)
            kpi_se = np.sqrt((np.column_stack(gap_se) ** 2).sum(axis=1)) / len(gaps)
            kpis_met = np.column_stack(met).sum(axis=1)
        else:  # no KPI counts: nothing can be green outside
            kpi_status = np.full(len(X), np.nan)
            kpi_se = np.full(len(X), np.nan)
            kpis_met = np.zeros(len(X), dtype=int)
        return kpi_status, kpi_se, kpis_met, len(gaps)

    def assess(self, X: pd.DataFrame) -> pd.DataFrame:
        """Per team of ``X``: people_status (± people_se), kpi_status (± kpi_se), kpis_met,
        p_flag, flag (bool), certainty (0.5–1; NaN for hidden teams) and red_scales (the one or
        two scales that pull the people status down most, comma-separated keys)."""
        if not hasattr(self, "scales_"):
            raise InputError("fit the detector before asking it (WatermelonDetector().fit(frame)).")
        X = self._check_frame(X)
        raw, se_raw, z = self._composite(X)
        people = (raw - self.centre_) / self.spread_
        people_se = se_raw / self.spread_
        kpi_status, kpi_se, kpis_met, counted = self._kpi(X)
        p_green = _norm_cdf(kpi_status / np.maximum(kpi_se, 1e-9)) if counted else np.zeros(len(X))
        contrast = (people - (kpi_status - self.kpi_centre_) - self.contrast_centre_) / self.contrast_spread_
        contrast_se = np.sqrt(people_se**2 + kpi_se**2) / self.contrast_spread_
        p_corner = _norm_cdf((self.corner_below - contrast) / np.maximum(contrast_se, 1e-9))
        p_red = _norm_cdf((self.red_below - people) / np.maximum(people_se, 1e-9))
        p_flag = np.where(np.isfinite(people) & np.isfinite(contrast), p_red * p_green * p_corner, np.nan)
        flag = np.nan_to_num(p_flag, nan=0.0) >= 0.5
        certainty = np.where(np.isfinite(p_flag), np.where(flag, p_flag, 1.0 - p_flag), np.nan)
        red = []
        names = np.array(z.columns)
        values = z.to_numpy(dtype=float)
        for i in range(len(X)):
            if not flag[i]:
                red.append("")
                continue
            order = [j for j in np.argsort(values[i], kind="stable") if values[i, j] < 0][:2]
            red.append(",".join(names[order]))
        out = pd.DataFrame(
            {
                "team": X["team"].to_numpy(),
                "site": X["site"].to_numpy(),
                "people_status": people,
                "people_se": people_se,
                "kpi_status": kpi_status,
                "kpi_se": kpi_se,
                "kpis_met": kpis_met,
                "kpis_counted": counted,
                "watermelon_gap": contrast,
                "p_flag": p_flag,
                "flag": flag,
                "certainty": certainty,
                "red_scales": red,
            },
            index=X.index,
        )
        return out

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """True for the teams flagged as watermelon (hidden teams: False)."""
        return self.assess(X)["flag"].to_numpy(dtype=bool)

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """(n, 2): P(not watermelon), P(watermelon); NaN rows for hidden teams."""
        p = self.assess(X)["p_flag"].to_numpy(dtype=float)
        return np.column_stack([1.0 - p, p])

    def risk_score(self, X: pd.DataFrame) -> np.ndarray:
        """Higher = redder inside (− people status), for ranking teams by risk."""
        return -self.assess(X)["people_status"].to_numpy(dtype=float)


def certainty_band(certainty: float) -> str:
    """'high' (≥ 0.9), 'medium' (≥ 0.7), 'low' or '' for a hidden team."""
    if certainty is None or not np.isfinite(certainty):
        return ""
    return "high" if certainty >= 0.9 else ("medium" if certainty >= 0.7 else "low")


def detect(frame: pd.DataFrame, targets: pd.DataFrame | None = None, **params) -> pd.DataFrame:
    """The published watermelon frame with the detector's columns added (fit on the frame's
    own teams): people_status, people_se, kpi_status, kpi_se, kpis_met, kpis_counted,
    watermelon_gap, p_flag, watermelon (the flag), certainty, certainty_band, red_scales."""
    detector = WatermelonDetector(targets=targets, **params).fit(frame)
    status = detector.assess(frame).drop(columns=["team", "site"]).rename(columns={"flag": "watermelon"})
    status["certainty_band"] = [certainty_band(c) for c in status["certainty"]]
    out = frame.copy()
    for column in status.columns:
        out[column] = status[column].to_numpy()
    meta = ["n", "suppressed", "reason", "note"]
    return out[[c for c in out.columns if c not in meta] + [c for c in meta if c in out.columns]]


EXPORT_COLUMNS = [
    "period_start",
    "period_end",
    "team",
    "site",
    "kpi_status",
    "people_status",
    "people_se",
    "watermelon_gap",
    "flag",
    "certainty",
    "certainty_band",
    "red_scales",
    "kpis_met",
    "kpis_counted",
    "waves_shown",
    "n",
    "suppressed",
    "reason",
    "note",
]


def export_frame(door, start=None, end=None, by: str = "team") -> pd.DataFrame:
    """What ``verloop export watermelon`` writes and the page shows: per team the KPI status,
    people status (± SE), the flag, its certainty, the red scales, n and the door's
    suppression columns (hidden teams: no people figures, no flag, a note)."""
    if by not in ("team", "teams"):
        raise InputError("the watermelon view is per team; use --by team.")
    frame = door.watermelon(start=start, end=end)
    with door.store.session() as s:
        targets = kpi_targets(s)
    status = detect(frame, targets).rename(columns={"watermelon": "flag"})
    hidden = status["suppressed"].astype(bool)
    status.loc[hidden, "flag"] = False
    return status[[c for c in EXPORT_COLUMNS if c in status.columns]].reset_index(drop=True)


__all__ = [
    "CORNER_BELOW",
    "DEFAULT_KPI_TARGETS",
    "RED_BELOW",
    "EXPORT_COLUMNS",
    "export_frame",
    "KPIS",
    "PEOPLE_SCALES",
    "WatermelonDetector",
    "certainty_band",
    "default_targets",
    "detect",
    "higher_is_better",
    "kpi_targets",
    "set_kpi_target",
    "targets_from_store",
]
