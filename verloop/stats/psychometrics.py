"""Reliability and structure of multi-item scales: alpha, omega, item statistics, EFA, and the
agreement of scores within groups (ICC(1), ICC(2)).

Own survey scales are not externally validated, so the project shows their reliability itself.
Everything works on a *wide* frame (one row per respondent, one numeric column per item, all
items keyed in the same direction; see ``verloop.surveys.item_matrix``).

Missing answers: ``nan_policy="pairwise"`` (default, as pingouin and R ``psych::alpha``) uses
every available pair for the covariance matrix; ``"listwise"`` keeps complete rows only. Every
statistic of one call is derived from the same covariance matrix, so alpha, alpha-if-deleted and
item-rest correlations agree with each other.

Sample size ``n`` for the Feldt interval = rows with at least one answer (pairwise) or complete
rows (listwise). pingouin uses the row count *before* listwise deletion; we use the rows actually
used, so listwise intervals are (correctly) a little wider than pingouin's.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from scipy import stats

from verloop.errors import InputError

NanPolicy = Literal["pairwise", "listwise"]


@dataclass(frozen=True)
class AlphaResult:
    """Cronbach's alpha with its Feldt confidence interval, ``n`` respondents and ``k`` items."""

    alpha: float
    ci_low: float
    ci_high: float
    n: int
    k: int

    @property
    def ci(self) -> tuple[float, float]:
        return (self.ci_low, self.ci_high)


# -- input checks ------------------------------------------------------------------------------


def _numeric(frame: pd.DataFrame, what: str = "data") -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise InputError(f"{what} must be a pandas DataFrame with one column per item.")
    bad = [str(c) for c in frame.columns if frame[c].dtype.kind not in "biuf"]
    if bad:
        raise InputError(f"{what}: column(s) {', '.join(bad)} are not numeric; give item answers as numbers.")
    return frame.astype("float64")


def _prepare(frame: pd.DataFrame, nan_policy: NanPolicy, min_items: int = 2) -> pd.DataFrame:
    if nan_policy not in ("pairwise", "listwise"):
        raise InputError(f"nan_policy must be 'pairwise' or 'listwise', not {nan_policy!r}.")
    data = _numeric(frame)
    if data.shape[1] < min_items:
        raise InputError(
            f"a scale needs at least {min_items} items, got {data.shape[1]} "
            f"({', '.join(map(str, data.columns)) or 'none'})."
        )
    how = "any" if nan_policy == "listwise" else "all"
    return data.dropna(axis=0, how=how)


def _as_cov(cov) -> pd.DataFrame:
    matrix = cov if isinstance(cov, pd.DataFrame) else pd.DataFrame(np.asarray(cov, dtype=float))
    if matrix.shape[0] != matrix.shape[1] or matrix.shape[0] < 2:
        raise InputError(f"a covariance matrix must be square with at least 2 items, got {matrix.shape}.")
    return matrix.astype("float64")


# -- alpha -------------------------------------------------------------------------------------


def alpha_from_covariance(cov) -> float:
    """Cronbach's alpha = k/(k−1) · (1 − Σ item variances / variance of the sum)."""
    matrix = _as_cov(cov).to_numpy()
    k = matrix.shape[0]
    total = matrix.sum()
    if not np.isfinite(total) or total <= 0:
        return float("nan")
    return float(k / (k - 1) * (1.0 - np.trace(matrix) / total))


def feldt_interval(alpha: float, n: int, k: int, ci: float = 0.95) -> tuple[float, float]:
    """Feldt, Woodruff & Salih (1987) interval: 1 − (1 − α)·F(df1 = n−1, df2 = (n−1)(k−1))."""
    if n < 2 or k < 2 or not np.isfinite(alpha):
        return (float("nan"), float("nan"))
    df1 = n - 1
    df2 = df1 * (k - 1)
    tail = (1.0 - ci) / 2.0
    low = 1.0 - (1.0 - alpha) * stats.f.isf(tail, df1, df2)
    high = 1.0 - (1.0 - alpha) * stats.f.isf(1.0 - tail, df1, df2)
    return (float(low), float(high))


def cronbach_alpha(frame: pd.DataFrame, nan_policy: NanPolicy = "pairwise", ci: float = 0.95) -> AlphaResult:
    """Cronbach's alpha with Feldt's confidence interval (same formula as pingouin's).

    Unlike ``pingouin.cronbach_alpha`` the interval is not rounded, and ``n`` counts the rows
    actually used (see the module docstring). Fewer than two rows give NaN.
    """
    data = _prepare(frame, nan_policy)
    n, k = data.shape
    if n < 2:
        return AlphaResult(float("nan"), float("nan"), float("nan"), int(n), int(k))
    alpha = alpha_from_covariance(data.cov())
    low, high = feldt_interval(alpha, n, k, ci)
    return AlphaResult(alpha, low, high, int(n), int(k))


def alpha_if_deleted_from_covariance(cov) -> pd.Series:
    """Alpha of the scale without each item, each from the covariance submatrix."""
    matrix = _as_cov(cov)
    if matrix.shape[0] < 3:
        return pd.Series(np.nan, index=matrix.index, dtype="float64", name="alpha_if_deleted")
    values = {}
    for position, label in enumerate(matrix.index):
        keep = [i for i in range(matrix.shape[0]) if i != position]
        values[label] = alpha_from_covariance(matrix.iloc[keep, keep])
    return pd.Series(values, dtype="float64", name="alpha_if_deleted")


def alpha_if_deleted(frame: pd.DataFrame, nan_policy: NanPolicy = "pairwise") -> pd.Series:
    """Alpha without each item (NaN for a two-item scale: one item has no alpha)."""
    return alpha_if_deleted_from_covariance(_prepare(frame, nan_policy).cov())


# -- item-rest correlations --------------------------------------------------------------------


def item_rest_from_covariance(cov) -> pd.Series:
    """Correlation of each item with the sum of the other items (corrected item-total r)."""
    matrix = _as_cov(cov)
    c = matrix.to_numpy()
    values = {}
    for position, label in enumerate(matrix.index):
        others = [i for i in range(c.shape[0]) if i != position]
        cov_rest = c[position, others].sum()
        var_rest = c[np.ix_(others, others)].sum()
        denominator = np.sqrt(c[position, position] * var_rest)
        values[label] = cov_rest / denominator if denominator > 0 else np.nan
    return pd.Series(values, dtype="float64", name="item_rest_r")


def item_rest_correlations(frame: pd.DataFrame, nan_policy: NanPolicy = "pairwise") -> pd.Series:
    """Item-rest correlations from the (pairwise or listwise) covariance matrix.

    With complete data this equals ``corr(item, sum of the other items)`` exactly.
    """
    return item_rest_from_covariance(_prepare(frame, nan_policy).cov())


# -- factor models -----------------------------------------------------------------------------


def _factor_loadings(corr: np.ndarray, n_factors: int, method: str, rotation: str | None) -> np.ndarray:
    """Loadings from factor_analyzer on a correlation matrix (rotation only for >1 factor)."""
    from factor_analyzer import FactorAnalyzer
    from factor_analyzer.rotator import Rotator

    rotation = rotation if n_factors > 1 else None
    model = FactorAnalyzer(n_factors=n_factors, method=method, rotation=rotation, is_corr_matrix=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            model.fit(corr)
            loadings = np.asarray(model.loadings_, dtype=float)
        except TypeError as exc:
            # factor_analyzer 0.5.1 passes ``force_all_finite`` to scikit-learn's check_array,
            # which scikit-learn 1.8 removed. Run the same steps as FactorAnalyzer.fit on our
            # already-checked correlation matrix (minimisation, rotation, signs, ordering).
            if "force_all_finite" not in str(exc):
                raise
            model._arg_checker()
            loadings = np.asarray(model._fit_factor_analysis(corr), dtype=float)
            if rotation is not None:
                loadings = Rotator(method=rotation).fit_transform(loadings)
            if n_factors > 1:
                signs = np.sign(loadings.sum(axis=0))
                signs[signs == 0] = 1
                loadings = loadings @ np.diag(signs)
                variance = (loadings**2).sum(axis=0)
                loadings = loadings[:, list(reversed(np.argsort(variance)))]
    if n_factors == 1 and loadings.sum() < 0:
        loadings = -loadings
    return loadings


def _correlation(data: pd.DataFrame) -> pd.DataFrame:
    corr = data.corr()
    if corr.isna().to_numpy().any():
        constant = [str(c) for c in data.columns if data[c].nunique(dropna=True) < 2]
        raise InputError(
            "cannot fit a factor model: item(s) "
            f"{', '.join(constant) or 'with too few shared answers'} have no variance."
        )
    return corr


def omega_from_loadings(loadings: Sequence[float]) -> float:
    """McDonald's omega (total) of a one-factor model with standardised loadings:
    (Σλ)² / ((Σλ)² + Σ(1 − λ²))."""
    lam = np.asarray(loadings, dtype=float)
    common = lam.sum() ** 2
    unique = np.clip(1.0 - lam**2, 0.0, None).sum()
    return float(common / (common + unique)) if common + unique > 0 else float("nan")


def mcdonald_omega(frame: pd.DataFrame, nan_policy: NanPolicy = "pairwise") -> float:
    """McDonald's omega from a one-factor minres model of the correlation matrix.

    For three or more items the loadings come from factor_analyzer (minres, as psych::omega).
    Two items cannot identify a one-factor model unless both loadings are equal; under that
    constraint λ = √r and omega = 2r / (1 + r), the Spearman–Brown coefficient (NaN if r ≤ 0).
    """
    data = _prepare(frame, nan_policy)
    if data.shape[0] < 3:
        return float("nan")
    corr = _correlation(data)
    k = corr.shape[0]
    if k == 2:
        r = float(corr.iloc[0, 1])
        return 2 * r / (1 + r) if r > 0 else float("nan")
    loadings = _factor_loadings(corr.to_numpy(), 1, "minres", None)[:, 0]
    return omega_from_loadings(loadings)


def efa(
    frame: pd.DataFrame,
    n_factors: int,
    rotation: str | None = "oblimin",
    method: str = "minres",
    nan_policy: NanPolicy = "pairwise",
) -> pd.DataFrame:
    """Exploratory factor analysis (factor_analyzer) of the item correlation matrix.

    Returns loadings, one row per item, columns ``F1 … Fn`` (sorted by explained variance,
    signs so that column sums are positive) and ``communality`` (Σ loading², for oblique
    rotations an approximation). Missing answers are handled pairwise by default, not by
    factor_analyzer's median imputation.
    """
    data = _prepare(frame, nan_policy, min_items=3)
    if not 1 <= int(n_factors) < data.shape[1]:
        raise InputError(f"n_factors must be between 1 and {data.shape[1] - 1} for {data.shape[1]} items.")
    corr = _correlation(data)
    loadings = _factor_loadings(corr.to_numpy(), int(n_factors), method, rotation)
    result = pd.DataFrame(loadings, index=corr.index, columns=[f"F{i + 1}" for i in range(loadings.shape[1])])
    result["communality"] = (loadings**2).sum(axis=1)
    result.index.name = "item"
    return result


# -- agreement within groups (ICC) ------------------------------------------------------------


def icc_oneway(values, groups, min_group: int = 2) -> dict:
    """ICC(1) and ICC(2) of ``values`` nested in ``groups`` (one-way random effects, unbalanced
    groups through the adjusted mean group size k0). Groups smaller than ``min_group`` are
    dropped. Returns ``icc1, icc2, groups, n, k0`` (NaN ICCs with fewer than 2 groups)."""
    frame = pd.DataFrame({"v": np.asarray(values, dtype=float), "g": np.asarray(groups)}).dropna()
    sizes = frame.groupby("g")["v"].transform("size")
    frame = frame[sizes >= min_group]
    n = len(frame)
    stats = frame.groupby("g")["v"].agg(["size", "mean", "var"])
    g = len(stats)
    if g < 2 or n <= g:
        return {"icc1": np.nan, "icc2": np.nan, "groups": g, "n": n, "k0": np.nan}
    grand = frame["v"].mean()
    ssb = float((stats["size"] * (stats["mean"] - grand) ** 2).sum())
    ssw = float(((stats["size"] - 1) * stats["var"]).sum())
    msb, msw = ssb / (g - 1), ssw / (n - g)
    k0 = (n - float((stats["size"] ** 2).sum()) / n) / (g - 1)
    icc1 = (msb - msw) / (msb + (k0 - 1) * msw) if msb + (k0 - 1) * msw > 0 else np.nan
    icc2 = (msb - msw) / msb if msb > 0 else np.nan
    return {"icc1": float(icc1), "icc2": float(icc2), "groups": g, "n": n, "k0": float(k0)}


def respondents_needed(icc1, target: float = 0.70):
    """Respondents per team for a team mean with reliability ``target`` (Spearman–Brown on
    ICC(1)): n = target (1 − ICC1) / (ICC1 (1 − target)). Pooling waves adds respondents."""
    icc1 = np.asarray(icc1, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(icc1 > 0, target * (1 - icc1) / (icc1 * (1 - target)), np.inf)


# -- reports -----------------------------------------------------------------------------------


def _scale_columns(frame: pd.DataFrame, scales: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    if not scales:
        raise InputError("give at least one scale as {name: [column, column, ...]}.")
    problems = []
    for name, columns in scales.items():
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            problems.append(f"scale '{name}': column(s) {', '.join(map(str, missing))} not found")
        if len(columns) < 2:
            problems.append(f"scale '{name}' has {len(columns)} item; alpha needs at least 2")
        if len(set(columns)) != len(columns):
            problems.append(f"scale '{name}' lists a column twice")
    if problems:
        raise InputError(f"cannot compute reliability: {problems[0]}.", problems)
    return {name: list(columns) for name, columns in scales.items()}


def _scale_stats(data: pd.DataFrame, nan_policy: NanPolicy) -> tuple[dict, pd.DataFrame]:
    used = _prepare(data, nan_policy)
    cov = used.cov()
    result = cronbach_alpha(data, nan_policy)
    try:
        omega = mcdonald_omega(data, nan_policy)
    except InputError:
        omega = float("nan")
    rest = item_rest_from_covariance(cov)
    dropped = alpha_if_deleted_from_covariance(cov)
    corr = used.corr().to_numpy()
    mean_r = float(np.nanmean(corr[np.triu_indices_from(corr, k=1)]))
    summary = {
        "k": result.k,
        "n": result.n,
        "alpha": result.alpha,
        "alpha_ci_low": result.ci_low,
        "alpha_ci_high": result.ci_high,
        "omega": omega,
        "min_item_rest": float(rest.min()) if rest.notna().any() else float("nan"),
        "mean_inter_item_r": mean_r,
    }
    items = pd.DataFrame(
        {
            "item": list(map(str, used.columns)),
            "n": used.notna().sum().to_numpy(dtype="int64"),
            "mean": used.mean().to_numpy(),
            "sd": used.std().to_numpy(),
            "item_rest_r": rest.to_numpy(),
            "alpha_if_deleted": dropped.to_numpy(),
        }
    )
    return summary, items


def reliability_report(
    frame: pd.DataFrame,
    scales: Mapping[str, Sequence[str]],
    nan_policy: NanPolicy = "pairwise",
) -> pd.DataFrame:
    """One row per scale: ``scale, items, k, n, alpha, alpha_ci_low, alpha_ci_high, omega,
    min_item_rest, mean_inter_item_r`` (``items`` = comma-separated column names).

    ``scales`` maps a scale name to its columns, e.g. ``Instrument.scale_items(min_items=2)``.
    """
    columns = _scale_columns(frame, scales)
    rows = []
    for name, cols in columns.items():
        summary, _ = _scale_stats(frame[cols], nan_policy)
        rows.append({"scale": name, "items": ",".join(map(str, cols)), **summary})
    report = pd.DataFrame(rows)
    return report.astype(
        {"scale": "object", "items": "object", "k": "int64", "n": "int64"}
        | {c: "float64" for c in report.columns if c not in ("scale", "items", "k", "n")}
    )


def item_report(
    frame: pd.DataFrame,
    scales: Mapping[str, Sequence[str]],
    nan_policy: NanPolicy = "pairwise",
) -> pd.DataFrame:
    """One row per (scale, item): ``scale, item, n, mean, sd, item_rest_r, alpha_if_deleted``."""
    columns = _scale_columns(frame, scales)
    parts = []
    for name, cols in columns.items():
        _, items = _scale_stats(frame[cols], nan_policy)
        items.insert(0, "scale", name)
        parts.append(items)
    return pd.concat(parts, ignore_index=True)
