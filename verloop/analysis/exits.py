"""Why people leave: the reason stated at exit against the honest reason in the follow-up.

At exit, leavers still depend on the employer (references, a last pay slip) and prefer socially
safe reasons (pay, personal circumstances, study). Eight to twelve weeks later, through a
one-time anonymous link, more of them name the team lead, the workload or the missing mandate.

The two surveys are anonymous and answered by different subsets of leavers, so they cannot be
paired per person: ``reason_shift`` compares the two *distributions* (share per reason with a
Wilson interval, the shift in percentage points with a Newcombe interval, and a test of equal
distributions). Where pairs are known — the ground truth of a synthetic organisation —
``reason_crosstab`` and ``honesty_rates`` show who changed their answer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from verloop.domain.constants import REASON_GROUPS, SAFE_REASONS, SENSITIVE_REASONS
from verloop.errors import InputError
from verloop.stats.intervals import newcombe_difference, wilson_interval

SOURCE_ORDER = ("stated", "honest")


def reason_group(codes) -> pd.Series:
    """safe (pay, personal, study), sensitive (team lead, workload, no mandate) or other."""
    codes = pd.Series(codes, dtype="object")
    out = np.where(codes.isin(SAFE_REASONS), "safe", np.where(codes.isin(SENSITIVE_REASONS), "sensitive", "other"))
    return pd.Series(pd.Categorical(out, categories=list(REASON_GROUPS)), index=codes.index)


def _check(reasons: pd.DataFrame, column: str = "reason") -> None:
    missing = {"source", column} - set(reasons.columns)
    if missing:
        raise InputError(
            f"the reasons frame lacks column(s) {', '.join(sorted(missing))}; load it with "
            "verloop.analysis.data.exit_reasons(org)."
        )


def _codes(reasons: pd.DataFrame, column: str) -> list:
    values = reasons[column]
    if isinstance(values.dtype, pd.CategoricalDtype):
        return list(values.cat.categories)
    return sorted(values.dropna().unique().tolist())


def reason_counts(reasons: pd.DataFrame, column: str = "reason", level: float = 0.95) -> pd.DataFrame:
    """Count, share and Wilson interval per source (stated | honest) and reason: ``source,
    reason_code, count, n, share, share_low, share_high`` (shares as fractions 0–1)."""
    _check(reasons, column)
    codes = _codes(reasons, column)
    rows = []
    for source in SOURCE_ORDER:
        part = reasons.loc[reasons["source"] == source, column]
        counts = part.value_counts().reindex(codes, fill_value=0)
        n = int(len(part.dropna()))
        low, high = wilson_interval(counts.to_numpy(), np.full(len(codes), n), level)
        rows.append(
            pd.DataFrame(
                {
                    "source": source,
                    "reason_code": codes,
                    "count": counts.to_numpy(dtype="int64"),
                    "n": n,
                    "share": counts.to_numpy() / n if n else np.nan,
                    "share_low": low,
                    "share_high": high,
                }
            )
        )
    out = pd.concat(rows, ignore_index=True)
    out["source"] = pd.Categorical(out["source"], categories=list(SOURCE_ORDER))
    out["reason_code"] = pd.Categorical(out["reason_code"], categories=codes)
    return out


@dataclass(frozen=True)
class ReasonShift:
    """Stated against honest reasons.

    ``table``: one row per ``reason_code`` with ``stated_count, stated_n, stated_share, honest_count,
    honest_n, honest_share, shift`` (honest − stated, in percentage points) and ``shift_low,
    shift_high`` (Newcombe 95 % interval). ``chi2, df, p_value``: chi-square test that both
    surveys draw from one distribution; ``p_permutation``: the same by permutation of the
    source labels (exact enough for the small counts of rare reasons).
    """

    table: pd.DataFrame
    chi2: float
    df: int
    p_value: float
    p_permutation: float
    stated_n: int
    honest_n: int

    def sentence(self) -> str:
        p = "< 0.001" if self.p_permutation < 0.001 else f"= {self.p_permutation:.3f}"
        return (
            f"stated (n = {self.stated_n}) vs honest (n = {self.honest_n}): "
            f"χ²({self.df}) = {self.chi2:.1f}, permutation p {p}"
        )


def _chi2(table: np.ndarray) -> float:
    rows = table.sum(axis=1, keepdims=True)
    cols = table.sum(axis=0, keepdims=True)
    expected = rows * cols / table.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(expected > 0, (table - expected) ** 2 / expected, 0.0)
    return float(terms.sum())


def reason_shift(
    reasons: pd.DataFrame,
    column: str = "reason",
    level: float = 0.95,
    n_permutations: int = 2000,
    seed: int = 0,
) -> ReasonShift:
    """Compare the stated (exit) and honest (follow-up) distributions of ``column``
    (``reason``, or ``reason_group`` after ``with_groups``)."""
    counts = reason_counts(reasons, column, level)
    stated = counts[counts["source"] == "stated"].set_index("reason_code")
    honest = counts[counts["source"] == "honest"].set_index("reason_code")
    n1, n2 = int(stated["n"].iloc[0]), int(honest["n"].iloc[0])
    if n1 == 0 or n2 == 0:
        raise InputError(
            "comparing stated and honest reasons needs answers to both the exit survey "
            f"({n1} now) and the follow-up ({n2} now)."
        )
    low, high = newcombe_difference(stated["count"], n1, honest["count"], n2, level)
    table = pd.DataFrame(
        {
            "reason_code": pd.Categorical(stated.index, categories=list(stated.index)),
            "stated_count": stated["count"].to_numpy(),
            "stated_n": n1,
            "stated_share": stated["share"].to_numpy(),
            "honest_count": honest["count"].to_numpy(),
            "honest_n": n2,
            "honest_share": honest["share"].to_numpy(),
        }
    )
    table["shift"] = 100.0 * (table["honest_share"] - table["stated_share"])
    table["shift_low"] = 100.0 * low
    table["shift_high"] = 100.0 * high
    observed = np.vstack([table["stated_count"], table["honest_count"]]).astype(float)
    observed = observed[:, observed.sum(axis=0) > 0]
    statistic = _chi2(observed)
    df = max(observed.shape[1] - 1, 0)
    p_value = float(stats.chi2.sf(statistic, df)) if df else 1.0
    # permutation test: shuffle which survey each answer came from
    labels = np.repeat(np.arange(observed.shape[1]), observed.sum(axis=0).astype(int))
    rng = np.random.default_rng(seed)
    hits = 0
    for _ in range(n_permutations):
        perm = rng.permutation(labels)
        first = np.bincount(perm[:n1], minlength=observed.shape[1])
        second = np.bincount(perm[n1:], minlength=observed.shape[1])
        hits += _chi2(np.vstack([first, second]).astype(float)) >= statistic - 1e-12
    p_perm = (hits + 1) / (n_permutations + 1)
    return ReasonShift(
        table=table, chi2=statistic, df=df, p_value=p_value, p_permutation=float(p_perm), stated_n=n1, honest_n=n2
    )


def with_groups(reasons: pd.DataFrame) -> pd.DataFrame:
    """The reasons frame with a ``reason_group`` column (safe | sensitive | other)."""
    groups = reason_group(reasons["reason"].astype("object").to_numpy())
    return reasons.assign(reason_group=pd.Categorical(groups.to_numpy(), categories=list(REASON_GROUPS)))


def reasons_by(
    reasons: pd.DataFrame,
    by: str,
    k: int | None = None,
    source: str = "honest",
    column: str = "reason_group",
) -> pd.DataFrame:
    """Share of each reason (group) per value of ``by`` (e.g. ``lead_style`` or ``site``) in one
    survey: ``by, group, reason_code, count, n, share, share_low, share_high, suppressed,
    reason`` (why hidden), ``note``, ``source``; ``n`` answers per group; groups below ``k`` answers are hidden (and one more
    when the hidden one could be worked out from the total). ``k`` defaults to the organisation's
    (recorded by ``data.exit_reasons``)."""
    from verloop.analysis.data import group_size_of
    from verloop.privacy import suppress_people

    k = group_size_of(reasons, k)

    if column == "reason_group" and column not in reasons.columns:
        reasons = with_groups(reasons)
    _check(reasons, column)
    if by not in reasons.columns:
        raise InputError(f"cannot split reasons by '{by}': no such column.")
    if source not in SOURCE_ORDER:
        raise InputError(f"source must be 'stated' or 'honest', not {source!r}.")
    part = reasons[reasons["source"] == source]
    codes = _codes(reasons, column)
    groups = (
        part[by].cat.categories
        if isinstance(part[by].dtype, pd.CategoricalDtype)
        else sorted(part[by].dropna().unique())
    )
    rows = []
    for group in groups:
        mine = part.loc[part[by] == group, column]
        n = int(len(mine))
        counts = mine.value_counts().reindex(codes, fill_value=0)
        low, high = wilson_interval(counts.to_numpy(), np.full(len(codes), n))
        for code, count, lo, hi in zip(codes, counts.to_numpy(), low, high):
            rows.append(
                {
                    "group": str(group),
                    "reason_code": code,
                    "count": float(count),
                    "n": n,
                    "share": count / n if n else np.nan,
                    "share_low": lo,
                    "share_high": hi,
                }
            )
    frame = pd.DataFrame(rows, columns=["group", "reason_code", "count", "n", "share", "share_low", "share_high"])
    # one reason's rows are the sibling groups of one total: suppress per reason
    out = suppress_people(
        frame,
        k,
        group="group",
        n="n",
        figures=["count", "share", "share_low", "share_high"],
        strata=["reason_code"],
        unit="responses",
    )
    out.insert(0, "by", by)
    out["source"] = source
    return out


# -- with known pairs (synthetic ground truth) -----------------------------------------------


def truth_pairs(truth: dict) -> pd.DataFrame:
    """Leavers who answered both surveys, from a synthetic organisation's ground truth
    (``verloop.synth.read_truth``): ``employee_id, team_id, exit_date, true_reason, stated,
    honest``. Real organisations never have this link: the follow-up is anonymous."""
    leavers = pd.DataFrame(truth.get("leavers", []))
    columns = ["employee_id", "team_id", "exit_date", "true_reason", "stated", "honest"]
    if leavers.empty:
        return pd.DataFrame(columns=columns)
    leavers = leavers.rename(columns={"stated_reason": "stated", "followup_reason": "honest"})
    both = leavers[leavers["stated"].notna() & leavers["honest"].notna()].copy()
    both["exit_date"] = pd.to_datetime(both["exit_date"])
    return both[columns].reset_index(drop=True)


def load_truth_pairs(path=None) -> pd.DataFrame:
    """``truth_pairs`` from a ground-truth file (``verloop demo`` writes one beside its SQLite
    database); ``path=None`` looks where ``verloop.analysis.data.truth_path`` looks. Empty (with
    the same columns) when there is no truth — the case for every real organisation."""
    from verloop.analysis.data import truth_path
    from verloop.synth import read_truth

    path = truth_path() if path is None else path
    if path is None:
        return truth_pairs({})
    return truth_pairs(read_truth(path))


def describe_pairs(pairs: pd.DataFrame) -> str:
    """One line on the paired answers available (none for a real organisation)."""
    if pairs.empty:
        return (
            "No ground truth is available, so stated and honest answers cannot be paired; "
            "this section applies to synthetic organisations only."
        )
    changed = int((pairs["stated"] != pairs["honest"]).sum())
    return (
        f"{len(pairs)} leavers answered both surveys; {changed} ({100 * changed / len(pairs):.0f} %) "
        "gave a different main reason in the follow-up."
    )


def reason_crosstab(
    pairs: pd.DataFrame, codes=None, row: str = "stated", col: str = "honest", k: int | None = None
) -> pd.DataFrame:
    """Counts of ``row`` (stated) × ``col`` (honest) reasons for paired answers; rows and
    columns in ``codes`` order (default: every code seen; codes outside it are appended), margins
    in ``total``. With ``k``, rows of 1 … k−1 people are left out (listed in ``attrs["hidden"]``)
    and the margins count the rows shown only."""
    missing = {row, col} - set(pairs.columns)
    if missing:
        raise InputError(f"the pairs lack column(s) {', '.join(sorted(missing))}.")
    seen = pd.unique(pd.concat([pairs[row], pairs[col]]).dropna()).tolist()
    codes = list(codes) if codes is not None else sorted(seen)
    codes += sorted(set(seen) - set(codes))
    table = pd.DataFrame(0, index=pd.Index(codes, name=row), columns=pd.Index(codes, name=col), dtype="int64")
    for (stated, honest), count in pairs.groupby([row, col]).size().items():
        table.loc[stated, honest] = int(count)
    sizes = table.sum(axis=1)
    hidden = sizes[(sizes > 0) & (sizes < k)].index.tolist() if k else []
    table = table.drop(index=hidden)
    table["total"] = table.sum(axis=1)
    table.loc["total"] = table.sum(axis=0)
    table = table.astype("int64")
    table.attrs["hidden"] = hidden
    return table


def honesty_rates(pairs: pd.DataFrame, codes=None, k: int | None = None) -> pd.DataFrame:
    """Per true reason: how many leavers, the share who stated it at exit and the share who
    gave it in the follow-up (with Wilson intervals) — which reasons are hidden at exit. With
    ``k``, reasons of fewer than k leavers are hidden (``verloop.privacy.suppress_people``)."""
    if "true_reason" not in pairs.columns:
        raise InputError("honesty rates need the true reason (synthetic ground truth).")
    codes = list(codes) if codes is not None else sorted(pairs["true_reason"].dropna().unique())
    rows = []
    for code in codes:
        mine = pairs[pairs["true_reason"] == code]
        n = len(mine)
        stated, honest = int((mine["stated"] == code).sum()), int((mine["honest"] == code).sum())
        s_lo, s_hi = wilson_interval(stated, n)
        h_lo, h_hi = wilson_interval(honest, n)
        rows.append(
            {
                "true_reason": code,
                "n": n,
                "stated_true": stated / n if n else np.nan,
                "stated_low": float(s_lo),
                "stated_high": float(s_hi),
                "followup_true": honest / n if n else np.nan,
                "followup_low": float(h_lo),
                "followup_high": float(h_hi),
            }
        )
    out = pd.DataFrame(
        rows,
        columns=[
            "true_reason",
            "n",
            "stated_true",
            "stated_low",
            "stated_high",
            "followup_true",
            "followup_low",
            "followup_high",
        ],
    )
    if k:
        from verloop.privacy import suppress_people

        out = suppress_people(out, k, group="true_reason", n="n", strata=[], unit="leavers")
    return out


def describe_shift(shift: ReasonShift, labels: dict | None = None) -> str:
    """Markdown: which reasons clearly gain or lose in the follow-up (interval excludes 0)."""
    table = shift.table

    def name(code) -> str:
        return (labels or {}).get(code, str(code).replace("_", " "))

    def items(rows) -> str:
        return "; ".join(
            f"**{name(r.reason_code)}** {r.shift:+.0f} pp (95% CI {r.shift_low:+.0f} to {r.shift_high:+.0f})"
            for r in rows.itertuples()
        )

    gain = table[table["shift_low"] > 0].sort_values("shift", ascending=False)
    lose = table[table["shift_high"] < 0].sort_values("shift")
    verdict = (
        "The two distributions differ"
        if shift.p_permutation < 0.05
        else "The data do not show that the two distributions differ"
    )
    text = f"{verdict} ({shift.sentence()})."
    if len(gain):
        text += f"\n\n- Named more often in the anonymous follow-up: {items(gain)}."
    if len(lose):
        text += f"\n- Named less often: {items(lose)}."
    if not len(gain) and not len(lose):
        text += " No single reason shifts clearly (every interval includes 0)."
    return text


__all__ = [
    "REASON_GROUPS",
    "describe_pairs",
    "describe_shift",
    "load_truth_pairs",
    "ReasonShift",
    "honesty_rates",
    "reason_counts",
    "reason_crosstab",
    "reason_group",
    "reason_shift",
    "reasons_by",
    "truth_pairs",
    "with_groups",
]
