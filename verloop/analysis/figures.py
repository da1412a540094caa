"""Figures for the researcher notebooks (matplotlib + seaborn, colour-blind-safe palettes).

Each function takes a result of ``verloop.analysis`` (or ``verloop.models``) and returns a
matplotlib ``Figure``; notebooks only call them. Group labels carry ``n`` so that no figure shows
a group without its size, and suppressed groups are never drawn.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping

import numpy as np
import pandas as pd

PALETTE = "colorblind"  # seaborn's palette after Okabe & Ito: safe for the common colour-vision deficiencies
DIVERGING = "PuOr"  # purple–orange diverges without relying on red against green


def set_style() -> None:
    """Seaborn's white grid with the colour-blind palette, for every figure that follows."""
    import seaborn as sns

    sns.set_theme(style="whitegrid", palette=PALETTE, context="notebook")


def colours(n: int) -> list:
    import seaborn as sns

    return sns.color_palette(PALETTE, n_colors=max(n, 1))


def _figure(width: float, height: float):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(width, height), layout="constrained")
    return fig, ax


def _empty(title: str, message: str):
    """A small figure that says why there is nothing to draw."""
    fig, ax = _figure(7.0, 1.6)
    ax.set_axis_off()
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=10, color="dimgrey", transform=ax.transAxes)
    ax.set_title(title)
    return fig


def _label(mapping: Mapping | None, key) -> str:
    return str(mapping.get(key, key)) if mapping else str(key).replace("_", " ")


# -- reliability ----------------------------------------------------------------------------------


def reliability_figure(report: pd.DataFrame, threshold: float = 0.70, title: str | None = None):
    """Alpha (dot, Feldt 95 % interval) and omega (diamond) per scale, with the usual 0.70 line."""
    data = report.sort_values("alpha")
    fig, ax = _figure(7.5, 0.38 * len(data) + 1.4)
    y = np.arange(len(data))
    c = colours(2)
    ax.errorbar(
        data["alpha"],
        y,
        xerr=[data["alpha"] - data["alpha_ci_low"], data["alpha_ci_high"] - data["alpha"]],
        fmt="o",
        color=c[0],
        capsize=3,
        label="Cronbach's α (95% CI)",
    )
    if "omega" in data:
        ax.scatter(data["omega"], y + 0.18, marker="D", color=c[1], s=22, label="McDonald's ω", zorder=3)
    ax.axvline(threshold, color="grey", linestyle="--", linewidth=1)
    ax.set_yticks(y, [f"{s} (k={k}, n={n})" for s, k, n in zip(data["scale"], data["k"], data["n"])])
    ax.set_xlabel("reliability")
    lo = min(0.5, float(np.nanmin(data["alpha_ci_low"])) - 0.05)
    ax.set_xlim(lo, 1.0)
    ax.legend(loc="lower left", frameon=True)
    ax.set_title(title or "Internal consistency per scale")
    return fig


def alpha_waves_figure(by_wave: pd.DataFrame, threshold: float = 0.70):
    """Range of alpha across pulse waves per scale (bar from lowest to highest, dot = median)."""
    summary = (
        by_wave.groupby("scale", observed=True)
        .agg(
            low=("alpha", "min"),
            high=("alpha", "max"),
            median=("alpha", "median"),
            waves=("wave_id", "nunique"),
            n_min=("n", "min"),
        )
        .reset_index()
    )
    fig, ax = _figure(7.5, 0.38 * len(summary) + 1.4)
    y = np.arange(len(summary))
    c = colours(1)[0]
    ax.hlines(y, summary["low"], summary["high"], color=c, linewidth=6, alpha=0.45)
    ax.scatter(summary["median"], y, color=c, zorder=3, label="median over waves")
    ax.axvline(threshold, color="grey", linestyle="--", linewidth=1)
    ax.set_yticks(
        y, [f"{s} ({w} waves, n ≥ {n})" for s, w, n in zip(summary["scale"], summary["waves"], summary["n_min"])]
    )
    ax.set_xlabel("Cronbach's α per wave (bar: lowest to highest)")
    ax.set_xlim(min(0.5, float(summary["low"].min()) - 0.05), 1.0)
    ax.invert_yaxis()
    ax.legend(loc="lower left")
    ax.set_title("Is every scale reliable in every wave?")
    return fig


def loadings_figure(loadings: pd.DataFrame, title: str | None = None):
    """Heatmap of factor loadings (items × factors), diverging purple–orange around zero."""
    import seaborn as sns

    values = loadings[[c for c in loadings.columns if c != "communality"]]
    fig, ax = _figure(0.55 * values.shape[1] + 3.5, 0.24 * values.shape[0] + 1.5)
    with warnings.catch_warnings():  # seaborn 0.13 calls a colormap method matplotlib 3.11 deprecates
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        sns.heatmap(
            values, cmap=DIVERGING, center=0, vmin=-1, vmax=1, linewidths=0.3, cbar_kws={"label": "loading"}, ax=ax
        )
    ax.set_ylabel("item")
    ax.set_xlabel("factor")
    ax.set_title(title or "Exploratory factor analysis (oblimin)")
    return fig


def icc_figure(icc: pd.DataFrame, icc2_target: float = 0.70):
    """ICC(1) (share of variance between teams, with its range over waves) and ICC(2)
    (reliability of a team mean) per scale."""
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 0.38 * len(icc) + 1.6), sharey=True, layout="constrained")
    y = np.arange(len(icc))
    c = colours(2)
    left.hlines(y, icc["icc1_min"], icc["icc1_max"], color=c[0], linewidth=5, alpha=0.4)
    left.scatter(icc["icc1"], y, color=c[0], zorder=3)
    left.set_xlabel("ICC(1): variance between teams")
    left.set_yticks(y, [f"{s} ({t} teams)" for s, t in zip(icc["scale"], icc["teams"])])
    left.invert_yaxis()
    right.barh(y, icc["icc2"], color=c[1])
    right.axvline(icc2_target, color="grey", linestyle="--", linewidth=1)
    right.set_xlim(0, 1)
    right.set_xlabel("ICC(2): reliability of a team mean")
    fig.suptitle(f"Team-level agreement (mean team size per wave ≈ {icc['mean_team_size'].mean():.1f})")
    return fig


# -- survival ---------------------------------------------------------------------------------------


def survival_figure(
    result,
    title: str | None = None,
    max_months: float = 36.0,
    at_risk_every: int = 6,
    labels: Mapping | None = None,
    bands: bool | None = None,
):
    """Kaplan–Meier curves with 95 % bands (by default only for up to four groups), one per group
    shown (label with n and exits), the log-rank test in the subtitle and the number at risk in
    a table under the axis."""
    import matplotlib.pyplot as plt

    groups = result.shown
    bands = len(groups) <= 4 if bands is None else bands
    summary = result.summary.set_index("group")
    fig, (ax, risk_ax) = plt.subplots(
        2,
        1,
        figsize=(8.5, 5.6 + 0.22 * len(groups)),
        sharex=True,
        layout="constrained",
        gridspec_kw={"height_ratios": [5.0, 0.6 + 0.22 * len(groups)]},
    )
    palette = colours(len(groups))
    names = [_label(labels, g) if result.by else "everyone" for g in groups]
    for colour, group, name in zip(palette, groups, names):
        curve = result.curves[result.curves["group"] == group]
        curve = curve[curve["months"] <= max_months]
        n, events = summary.at[group, "n"], summary.at[group, "events"]
        ax.step(
            curve["months"], curve["survival"], where="post", color=colour, label=f"{name} (n = {n}, {events} left)"
        )
        if bands:
            ax.fill_between(curve["months"], curve["ci_low"], curve["ci_high"], step="post", color=colour, alpha=0.15)
    ax.set_xlim(0, max_months)
    ax.set_ylim(0, 1.02)
    ax.set_ylabel("share still employed (no voluntary exit)")
    ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.axvline(3, color="grey", linestyle=":", linewidth=1)
    ax.legend(loc="upper right", fontsize=9)
    subtitle = result.test.sentence() if result.test is not None else ""
    hidden = result.summary.loc[result.summary["suppressed"], "group"].tolist()
    if hidden:
        subtitle += f"{'; ' if subtitle else ''}{len(hidden)} group(s) below k = {result.k} not shown"
    ax.set_title(
        (title or "Kaplan–Meier: tenure until voluntary exit") + (f"\n{subtitle}" if subtitle else ""), fontsize=11
    )
    times = np.arange(0, max_months + 0.1, at_risk_every)
    risk = result.at_risk(times)
    for j, group in enumerate(groups):
        for t, value in zip(times, risk.loc[group]):
            shown = str(value) if value == 0 or value >= result.k else f"<{result.k}"
            risk_ax.text(t, j, shown, ha="center", va="center", fontsize=8)
    risk_ax.set_ylim(len(groups) - 0.5, -0.5)
    risk_ax.set_yticks(range(len(groups)), names, fontsize=8)
    for tick, colour in zip(risk_ax.get_yticklabels(), palette):
        tick.set_color(colour)
    risk_ax.grid(False)
    for spine in risk_ax.spines.values():
        spine.set_visible(False)
    risk_ax.set_title("number at risk", fontsize=9, loc="left")
    risk_ax.set_xticks(times)
    risk_ax.set_xlabel("tenure (months)")
    return fig


# -- exit reasons -------------------------------------------------------------------------------------


def reasons_figure(counts: pd.DataFrame, labels: Mapping | None = None, title: str | None = None):
    """Stated and honest share per reason, side by side, with Wilson 95 % intervals."""
    codes = (
        list(counts["reason_code"].cat.categories)
        if isinstance(counts["reason_code"].dtype, pd.CategoricalDtype)
        else list(pd.unique(counts["reason_code"]))
    )
    fig, ax = _figure(8.0, 0.5 * len(codes) + 1.6)
    y = np.arange(len(codes))
    c = colours(2)
    for offset, (source, colour) in zip((-0.2, 0.2), zip(("stated", "honest"), c)):
        part = counts[counts["source"] == source].set_index("reason_code").reindex(codes)
        n = int(part["n"].iloc[0]) if len(part) else 0
        ax.barh(
            y + offset,
            part["share"],
            height=0.38,
            color=colour,
            label=f"{'stated at exit' if source == 'stated' else 'honest, in the follow-up'} (n = {n})",
        )
        ax.errorbar(
            part["share"],
            y + offset,
            xerr=[part["share"] - part["share_low"], part["share_high"] - part["share"]],
            fmt="none",
            ecolor="black",
            elinewidth=0.8,
            capsize=2,
        )
    ax.set_yticks(y, [_label(labels, code) for code in codes])
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_xlabel("share of answers (95% CI)")
    ax.legend(loc="lower right")
    ax.set_title(title or "Main reason for leaving: stated against honest")
    return fig


def shift_figure(shift, labels: Mapping | None = None, title: str | None = None):
    """Honest minus stated share per reason in percentage points, with Newcombe 95 % intervals."""
    table = shift.table.sort_values("shift")
    fig, ax = _figure(8.5, 0.42 * len(table) + 1.6)
    y = np.arange(len(table))
    c = colours(4)
    colour = [c[3] if v < 0 else c[0] for v in table["shift"]]
    ax.hlines(y, table["shift_low"], table["shift_high"], color=colour, linewidth=2)
    ax.scatter(table["shift"], y, color=colour, zorder=3)
    ax.axvline(0, color="grey", linewidth=1)
    ax.set_yticks(y, [_label(labels, code) for code in table["reason_code"]])
    ax.set_xlabel("honest − stated (percentage points, 95% CI)")
    ax.set_title((title or "Which reasons gain in the anonymous follow-up?") + f"\n{shift.sentence()}", fontsize=10)
    return fig


def reasons_by_figure(frame: pd.DataFrame, labels: Mapping | None = None, title: str | None = None):
    """Stacked shares of reasons (or reason groups) per group, n in each label; hidden groups
    are listed, not drawn."""
    shown = frame[~frame["suppressed"]]
    groups = list(dict.fromkeys(shown["group"]))
    codes = list(dict.fromkeys(frame["reason_code"]))
    wide = shown.pivot_table(index="group", columns="reason_code", values="share", aggfunc="first", observed=False)
    wide = wide.reindex(index=groups, columns=codes).fillna(0.0)
    sizes = shown.drop_duplicates("group").set_index("group")["n"]
    fig, ax = _figure(8.0, 0.55 * max(len(groups), 1) + 1.8)
    left = np.zeros(len(groups))
    for colour, code in zip(colours(len(codes)), codes):
        ax.barh(np.arange(len(groups)), wide[code], left=left, color=colour, label=_label(labels, code))
        left += wide[code].to_numpy()
    ax.set_yticks(np.arange(len(groups)), [f"{g} (n = {sizes[g]})" for g in groups])
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_xlim(0, 1)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=min(len(codes), 5), frameon=False)
    hidden = frame.loc[frame["suppressed"], "group"].unique().tolist()
    note = f" — {len(hidden)} group(s) below k hidden" if hidden else ""
    source = frame["source"].iloc[0] if len(frame) else ""
    by = str(frame["by"].iloc[0]).replace("_", " ") if len(frame) else ""
    ax.set_title((title or f"{source.capitalize()} reasons by {by}") + note)
    return fig


def crosstab_figure(crosstab: pd.DataFrame, labels: Mapping | None = None, title: str | None = None):
    """Stated (rows) × honest (columns) reasons of paired answers as row percentages."""
    import seaborn as sns

    counts = crosstab.drop(index="total", columns="total", errors="ignore")
    counts = counts.loc[counts.sum(axis=1) > 0, counts.sum(axis=0) > 0]
    if counts.empty:
        return _empty("Who changed their answer", "no paired answers: the exit and follow-up surveys are anonymous")
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = counts.div(counts.sum(axis=1), axis=0)
    fig, ax = _figure(0.6 * counts.shape[1] + 3.8, 0.45 * counts.shape[0] + 1.8)
    annot = np.array([[f"{v}" if v else "" for v in row] for row in counts.to_numpy()])
    with warnings.catch_warnings():  # seaborn 0.13 calls a colormap method matplotlib 3.11 deprecates
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        sns.heatmap(
            shares,
            cmap="cividis_r",
            vmin=0,
            vmax=1,
            annot=annot,
            fmt="",
            linewidths=0.3,
            mask=counts.to_numpy() == 0,
            cbar_kws={"label": "share of the row"},
            ax=ax,
        )
    ax.set_yticklabels([f"{_label(labels, r)} (n = {n})" for r, n in zip(counts.index, counts.sum(axis=1))], rotation=0)
    ax.set_xticklabels([_label(labels, c) for c in counts.columns], rotation=40, ha="right")
    ax.set_ylabel("stated at exit")
    ax.set_xlabel("honest, in the follow-up")
    hidden = crosstab.attrs.get("hidden", [])
    note = f"; {len(hidden)} row(s) below k hidden" if hidden else ""
    ax.set_title(title or f"Who changed their answer (paired, n = {int(counts.to_numpy().sum())}{note})")
    return fig


def honesty_figure(rates: pd.DataFrame, labels: Mapping | None = None):
    """Per true reason: share stating it at exit against share naming it in the follow-up."""
    shown = ~rates["suppressed"] if "suppressed" in rates else pd.Series(True, index=rates.index)
    data = rates[shown & (rates["n"].fillna(0) > 0)].sort_values("stated_true")
    if data.empty:
        return _empty(
            "Which true reasons are hidden at exit?", "no ground truth: true reasons are known for synthetic data only"
        )
    fig, ax = _figure(8.5, 0.42 * len(data) + 1.6)
    y = np.arange(len(data))
    c = colours(2)
    ax.hlines(y, data["stated_true"], data["followup_true"], color="grey", linewidth=1)
    ax.scatter(data["stated_true"], y, color=c[0], label="said so at exit", zorder=3)
    ax.scatter(data["followup_true"], y, color=c[1], label="said so in the follow-up", zorder=3)
    ax.set_yticks(y, [f"{_label(labels, r)} (n = {n})" for r, n in zip(data["true_reason"], data["n"])])
    ax.xaxis.set_major_formatter(lambda v, _: f"{v:.0%}")
    ax.set_xlim(0, 1.02)
    ax.set_xlabel("share who named their true reason")
    ax.legend(loc="upper left", frameon=True)
    hidden = int((~shown).sum())
    ax.set_title("Which true reasons are hidden at exit?" + (f" ({hidden} below k hidden)" if hidden else ""))
    return fig


# -- drivers ---------------------------------------------------------------------------------------------


def effects_figure(effects: pd.DataFrame, title: str | None = None, label_column: str = "label_en"):
    """Forest plot of ratios (rate or hazard ratio) with 95 % intervals on a log axis; filled
    dots where the interval excludes 1."""
    data = effects.sort_values("ratio")
    fig, ax = _figure(7.5, 0.42 * len(data) + 1.6)
    y = np.arange(len(data))
    c = colours(4)
    clear = (data["high"] < 1) | (data["low"] > 1)
    colour = [c[0] if r < 1 else c[3] for r in data["ratio"]]
    ax.hlines(y, data["low"], data["high"], color=colour, linewidth=2)
    ax.scatter(
        data["ratio"],
        y,
        color=[col if ok else "white" for col, ok in zip(colour, clear)],
        edgecolors=colour,
        zorder=3,
        s=40,
    )
    ax.axvline(1, color="grey", linewidth=1)
    ax.set_xscale("log")
    low, high = float(data["low"].min()), float(data["high"].max())
    ticks = [
        t for t in (0.25, 0.33, 0.5, 0.67, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 2.0, 3.0, 4.0) if low * 0.9 <= t <= high * 1.1
    ]
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.xaxis.set_minor_formatter(lambda v, _: "")
    names = data[label_column] if label_column in data else data["factor"]
    units = data["unit"] if "unit" in data else [""] * len(data)
    ax.set_yticks(y, [f"{name} (per {unit})" for name, unit in zip(names, units)])
    n = int(data["n"].max()) if "n" in data and len(data) else 0
    ax.set_xlabel("ratio (95% CI), log scale; < 1 = fewer leavers")
    ax.set_title(title or f"Effects on leaving (n = {n})")
    return fig


def importance_figure(table: pd.DataFrame, title: str | None = None, labels: Mapping | None = None):
    """Permutation importance (mean drop in the score, ± 1 SD over repeats)."""
    data = table.sort_values("importance")
    fig, ax = _figure(7.5, 0.36 * len(data) + 1.5)
    y = np.arange(len(data))
    ax.barh(y, data["importance"], xerr=data.get("importance_sd"), color=colours(1)[0], capsize=2)
    ax.set_yticks(y, [_label(labels, f) for f in data["feature"]])
    ax.axvline(0, color="grey", linewidth=1)
    ax.set_xlabel("drop in the score when the feature is shuffled")
    ax.set_title(title or "Permutation importance")
    return fig


def dependence_figure(
    curves: Mapping[str, pd.DataFrame], ylabel: str = "expected leavers", labels: Mapping | None = None
):
    """Partial dependence: one panel per feature (``value`` → ``prediction``)."""
    import matplotlib.pyplot as plt

    names = list(curves)
    cols = min(3, max(len(names), 1))
    rows = int(np.ceil(len(names) / cols)) or 1
    fig, axes = plt.subplots(rows, cols, figsize=(3.4 * cols, 2.8 * rows), squeeze=False, layout="constrained")
    colour = colours(1)[0]
    for ax, name in zip(axes.flat, names):
        curve = curves[name]
        ax.plot(curve["value"], curve["prediction"], color=colour, marker="o", markersize=3)
        ax.set_title(_label(labels, name), fontsize=10)
        ax.set_xlabel("team mean")
    for ax in list(axes.flat)[len(names) :]:
        ax.set_visible(False)
    for ax in axes[:, 0]:
        ax.set_ylabel(ylabel)
    fig.suptitle("Partial dependence")
    return fig


__all__ = [
    "alpha_waves_figure",
    "colours",
    "crosstab_figure",
    "dependence_figure",
    "effects_figure",
    "honesty_figure",
    "icc_figure",
    "importance_figure",
    "loadings_figure",
    "reasons_by_figure",
    "reasons_figure",
    "reliability_figure",
    "set_style",
    "shift_figure",
    "survival_figure",
]
