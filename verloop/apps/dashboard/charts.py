"""Figures for the dashboards: matplotlib (object API, no pyplot state), colour-blind-safe.

Colours are seaborn's "colorblind" palette (Okabe–Ito based) for categories and cividis for
continuous values; they stay readable for the common forms of colour blindness and in grey.
seaborn itself is not imported, to keep a page's cold start short: the palette is copied here.
Each function takes tidy frames as the privacy door published them (suppressed rows carry a
``note``) and draws suppressed groups as a labelled grey gap, never as a silent blank.
Titles and axis labels arrive already translated.
"""

from __future__ import annotations

import io
import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.figure import Figure


class _Matplotlib:
    """matplotlib, imported at the first drawing: a kernel that shows pictures from the figure
    cache never imports it (tens of MB and a second of start-up less per page kernel)."""

    def __getattr__(self, name: str):
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.ticker  # noqa: F401  (matplotlib.ticker below)

        return getattr(matplotlib, name)


matplotlib = _Matplotlib()


def preload() -> None:
    """Import matplotlib in a background thread (once): a page shown from cached pictures
    then draws its first new one (another team) without waiting for the import."""
    import sys
    import threading

    if "matplotlib.backends.backend_agg" in sys.modules:
        return

    def load():
        from matplotlib.backends import backend_agg  # noqa: F401  (what savefig draws with)

        matplotlib.rc_context  # noqa: B018  (the backend, the ticker)
        from matplotlib.figure import Figure  # noqa: F401

    threading.Thread(target=load, name="verloop-preload-matplotlib", daemon=True).start()


# seaborn.color_palette("colorblind")
COLORBLIND = (
    "#0173B2",
    "#DE8F05",
    "#029E73",
    "#D55E00",
    "#CC78BC",
    "#CA9161",
    "#FBAFE4",
    "#949494",
    "#ECE133",
    "#56B4E9",
)
SEQUENTIAL = "cividis"
DIVERGING = "RdBu"  # only with a colour-blind-safe midpoint; used for the quadrant background
SUPPRESSED_COLOUR = "#d9d9d9"
GOOD, BAD, NEUTRAL = COLORBLIND[0], COLORBLIND[3], COLORBLIND[7]
DPI = 96

_RC = {
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "legend.frameon": False,
}


CHAR_IN = 0.072  # width of one 9-10 pt character in inches, for margins around labels


def styled(function):
    """Draw inside the dashboard's matplotlib style (rcParams apply while artists are made)."""
    import functools

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        with matplotlib.rc_context(_RC):
            return function(*args, **kwargs)

    return wrapper


def new_figure(width: float = 7.5, height: float = 3.6) -> Figure:
    """A figure with the dashboard style (no global pyplot state).

    Margins are set by ``fit`` from the label lengths instead of a layout engine: constrained
    layout doubles the drawing time, and a filter change should redraw in a few hundred ms.
    """
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=DPI)


def fit(
    fig: Figure,
    *,
    left_labels=(),
    left_in: float = 0.7,
    right_in: float = 0.25,
    top_in: float = 0.45,
    bottom_in: float = 0.55,
    legend_labels=(),
    **adjust,
) -> Figure:
    """Set the margins in inches: room for the longest y label and an outside legend."""
    width, height = fig.get_size_inches()
    longest = max((len(str(v)) for v in left_labels), default=0)
    left = max(left_in, 0.25 + CHAR_IN * longest)
    legend = max((len(str(v)) for v in legend_labels), default=0)
    right = right_in + (0.45 + 0.065 * legend if legend else 0.0)
    left = min(left, width * 0.45)
    right = min(right, width * 0.35)
    fig.subplots_adjust(
        left=left / width,
        right=1 - right / width,
        top=1 - min(top_in, height * 0.3) / height,
        bottom=min(bottom_in, height * 0.4) / height,
        **adjust,
    )
    return fig


def _axes(fig: Figure, *args, **kwargs):
    return fig.add_subplot(*args, **kwargs)


def to_png(fig: Figure) -> bytes:
    """PNG bytes; fast zlib level (the image is sent once, drawing time matters more)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, pil_kwargs={"compress_level": 1})
    return buffer.getvalue()


def _shown(frame: pd.DataFrame, value: str) -> pd.Series:
    return frame[value].notna() & ~frame.get("suppressed", pd.Series(False, index=frame.index)).fillna(False).astype(
        bool
    )


@styled
def empty(fig: Figure, title: str, message: str) -> Figure:
    ax = _axes(fig, 111)
    ax.set_axis_off()
    ax.set_title(title, loc="left")
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="#555555")
    return fit(fig, left_in=0.2)


@styled
def bar_ci(
    frame: pd.DataFrame,
    *,
    label: str,
    value: str,
    title: str,
    xlabel: str,
    lower: str | None = None,
    upper: str | None = None,
    note: str = "note",
    colour: str = GOOD,
    highlight: pd.Series | None = None,
    percent: bool = False,
    empty_message: str = "",
    height: float | None = None,
) -> Figure:
    """Horizontal bars with interval whiskers, one row per group; suppressed rows say so."""
    rows = len(frame)
    fig = new_figure(7.5, height or max(2.2, 0.32 * rows + 1.2))
    if rows == 0:
        return empty(fig, title, empty_message)
    ax = _axes(fig, 111)
    y = np.arange(rows)[::-1]
    shown = _shown(frame, value).to_numpy()
    values = pd.to_numeric(frame[value], errors="coerce").to_numpy(dtype=float)
    scale = 1.0  # percentages arrive as 0–100 (the door publishes rates and shares in %)
    colours = [(BAD if (highlight is not None and bool(highlight.iloc[i])) else colour) for i in range(rows)]
    ax.barh(y[shown], values[shown] * scale, color=[c for c, s in zip(colours, shown) if s], height=0.7)
    if lower and upper:
        lo = pd.to_numeric(frame[lower], errors="coerce").to_numpy(dtype=float) * scale
        hi = pd.to_numeric(frame[upper], errors="coerce").to_numpy(dtype=float) * scale
        ok = shown & np.isfinite(lo) & np.isfinite(hi)
        centre = values * scale
        ax.errorbar(
            centre[ok],
            y[ok],
            xerr=np.vstack([np.clip(centre[ok] - lo[ok], 0, None), np.clip(hi[ok] - centre[ok], 0, None)]),
            fmt="none",
            ecolor="#333333",
            capsize=3,
            lw=1,
        )
    notes = frame[note] if note in frame.columns else pd.Series("", index=frame.index)
    for i in np.flatnonzero(~shown):
        ax.barh(y[i], 0, color=SUPPRESSED_COLOUR)
        ax.text(0, y[i], "  " + str(notes.iloc[i] or "—"), va="center", ha="left", color="#555555", fontsize=9)
    ax.set_yticks(y, [str(v) for v in frame[label]])
    ax.set_ylim(-0.6, rows - 0.4)
    ax.set_xlabel(xlabel)
    ax.set_title(title, loc="left")
    ax.grid(axis="y", visible=False)
    if percent:
        ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(nbins=6, steps=[1, 2, 5, 10]))
        ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(decimals=0))
    return fit(fig, left_labels=frame[label])


@styled
def lines(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    hue: str | None,
    title: str,
    ylabel: str,
    lower: str | None = None,
    upper: str | None = None,
    percent: bool = False,
    empty_message: str = "",
    ylim: tuple[float, float] | None = None,
    hline: float | None = None,
) -> Figure:
    """Lines per group over time with an optional interval band; suppressed points are gaps."""
    fig = new_figure(7.5, 3.4)
    data = frame[_shown(frame, y)] if len(frame) else frame
    if data.empty:
        return empty(fig, title, empty_message)
    ax = _axes(fig, 111)
    scale = 1.0  # percentages arrive as 0–100 (the door publishes rates and shares in %)
    groups = [(None, frame)] if hue is None else list(frame.groupby(hue, sort=False, observed=True))
    for i, (name, group) in enumerate(groups):
        group = group.sort_values(x)
        colour = COLORBLIND[i % len(COLORBLIND)]
        values = pd.to_numeric(group[y], errors="coerce").where(_shown(group, y)) * scale
        ax.plot(group[x], values, marker="o", ms=3, lw=1.6, color=colour, label=None if name is None else str(name))
        if lower and upper and lower in group and upper in group:
            lo = pd.to_numeric(group[lower], errors="coerce").where(_shown(group, y)) * scale
            hi = pd.to_numeric(group[upper], errors="coerce").where(_shown(group, y)) * scale
            ax.fill_between(group[x], lo, hi, color=colour, alpha=0.15, lw=0)
    if hline is not None:
        ax.axhline(hline, color="#555555", lw=0.8, ls="--")
    if hue is not None and len(groups) > 1:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left")
    if ylim:
        ax.set_ylim(*ylim)
    if percent:
        ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(decimals=0))
    dates = pd.api.types.is_datetime64_any_dtype(frame[x]) or _is_date(frame[x])
    if dates:
        ax.tick_params(axis="x", labelrotation=30)
    legend = [str(name) for name, _ in groups] if hue is not None and len(groups) > 1 else []
    return fit(fig, legend_labels=legend, bottom_in=0.8 if dates else 0.55)


def _is_date(series: pd.Series) -> bool:
    return len(series) > 0 and hasattr(series.iloc[0], "isoformat")


@styled
def heatmap(
    values: pd.DataFrame,
    notes: pd.DataFrame | None,
    *,
    title: str,
    vmin: float | None = None,
    vmax: float | None = None,
    reverse_columns: set[str] | None = None,
    colorbar_label: str = "",
    fmt: str = "{:.1f}",
    shade: pd.DataFrame | None = None,
    cell_labels: pd.DataFrame | None = None,
) -> Figure:
    """A rows × columns grid of scores (cividis); suppressed cells grey and labelled.

    Columns in ``reverse_columns`` (higher = worse) are coloured with the map reversed, so that
    dark always means unfavourable; the printed number stays the real score. ``shade`` (0–1,
    same shape) sets the colour when columns have different ranges.
    """
    n_rows, n_cols = values.shape
    fig = new_figure(min(9.5, 2.6 + 0.62 * max(n_cols, 1)), max(2.4, 0.3 * n_rows + 1.9))
    if values.empty:
        return empty(fig, title, "")
    ax = _axes(fig, 111)
    ax.grid(False)
    data = values.to_numpy(dtype=float)
    if shade is not None:
        shade = np.clip(shade.to_numpy(dtype=float), 0, 1)
    else:
        finite = np.isfinite(data).any()
        lo = vmin if vmin is not None else (np.nanmin(data) if finite else 0.0)
        hi = vmax if vmax is not None else (np.nanmax(data) if finite else 1.0)
        if hi <= lo:
            hi = lo + 1
        shade = (data - lo) / (hi - lo)
    for j, column in enumerate(values.columns):
        if reverse_columns and column in reverse_columns:
            shade[:, j] = 1 - shade[:, j]
    cmap = matplotlib.colormaps[SEQUENTIAL].with_extremes(bad=SUPPRESSED_COLOUR)
    image = ax.imshow(np.ma.masked_invalid(shade), cmap=cmap, vmin=0, vmax=1, aspect="auto")
    for i in range(n_rows):
        for j in range(n_cols):
            value = data[i, j]
            if math.isfinite(value):
                text = fmt.format(value)
                colour = "white" if shade[i, j] < 0.55 else "black"
            else:
                if cell_labels is not None and isinstance(cell_labels.iat[i, j], str):
                    text = cell_labels.iat[i, j]
                else:
                    text = _short_note("" if notes is None else str(notes.iat[i, j] or ""))
                colour = "#444444"
            ax.text(j, i, text, ha="center", va="center", fontsize=8, color=colour)
    ax.set_xticks(range(n_cols), [str(c) for c in values.columns], rotation=35, ha="right", fontsize=8)
    ax.set_yticks(range(n_rows), [str(r) for r in values.index])
    ax.set_title(title, loc="left")
    bar = fig.colorbar(image, ax=ax, fraction=0.03, pad=0.01, ticks=[0, 1])
    bar.ax.set_yticklabels(["−", "+"], fontsize=8)
    if colorbar_label:
        bar.set_label(colorbar_label)
    longest = max((len(str(c)) for c in values.columns), default=0)
    first = len(str(values.columns[0])) if n_cols else 0  # rotated labels reach left of their column
    return fit(
        fig,
        left_labels=values.index,
        left_in=0.62 * CHAR_IN * first,
        bottom_in=0.3 + 0.55 * CHAR_IN * longest,
        right_in=0.1,
    )


def _short_note(note: str) -> str:
    """'fewer than 5 responses' → '< 5' inside a heatmap cell; any other hidden cell '—' (the
    line under the chart says why in words)."""
    import re

    match = re.search(r"(?:fewer than|minder dan) (\d+) (?:responses|reacties)", note)
    return f"< {match.group(1)}" if match else "—"


@styled
def grouped_bars(
    frame: pd.DataFrame,
    *,
    category: str,
    group: str,
    value: str,
    title: str,
    xlabel: str,
    percent: bool = True,
    empty_message: str = "",
    base: float = 0.0,
    xlim: tuple[float, float] | None = None,
) -> Figure:
    """Side-by-side horizontal bars (e.g. stated against honest reasons). ``base`` is where the
    bars start (1 for a 1–5 scale, so that a bar's length is its distance from the bottom)."""
    categories = list(dict.fromkeys(frame[category])) if len(frame) else []
    groups = list(dict.fromkeys(frame[group])) if len(frame) else []
    fig = new_figure(7.5, max(2.4, 0.42 * len(categories) + 1.3))
    if not categories:
        return empty(fig, title, empty_message)
    ax = _axes(fig, 111)
    height = 0.8 / max(len(groups), 1)
    y = np.arange(len(categories))[::-1]
    scale = 1.0  # percentages arrive as 0–100 (the door publishes rates and shares in %)
    for g, name in enumerate(groups):
        part = frame[frame[group] == name].set_index(category)[value].reindex(categories)
        values = pd.to_numeric(part, errors="coerce").to_numpy(dtype=float) * scale
        ax.barh(
            y + (len(groups) - 1 - 2 * g) * height / 2,
            np.nan_to_num(values - base),
            left=base,
            height=height,
            color=COLORBLIND[g % len(COLORBLIND)],
            label=str(name),
        )
    ax.set_yticks(y, [str(c) for c in categories])
    ax.set_ylim(-0.6, len(categories) - 0.4)
    ax.set_xlabel(xlabel)
    ax.set_title(title, loc="left", pad=22)
    ax.grid(axis="y", visible=False)
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=len(groups), fontsize=8)
    if xlim:
        ax.set_xlim(*xlim)
    if percent:
        ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(decimals=0))
    return fit(fig, left_labels=categories, top_in=0.75)


@styled
def quadrant(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    label: str,
    highlight: str,
    title: str,
    xlabel: str,
    ylabel: str,
    quadrant_labels: tuple[str, str, str, str],
    x_mid: float = 0.0,
    y_mid: float = 0.0,
    empty_message: str = "",
    yerr: str | None = None,
) -> Figure:
    """KPI status (x) against people status (y); the highlighted (watermelon) teams named, their
    labels spread so that they do not overlap (a thin line joins a moved label to its point).

    ``quadrant_labels``: (top-right, bottom-right, top-left, bottom-left). ``yerr``: a column
    with each highlighted team's standard error, drawn as a ±1 SE bar (how sure the flag is).
    """
    fig = new_figure(7.5, 5.2)
    data = frame[frame[x].notna() & frame[y].notna()] if len(frame) else frame
    if data.empty:
        return empty(fig, title, empty_message)
    ax = _axes(fig, 111)
    xs, ys = data[x].astype(float), data[y].astype(float)
    span_x = max(abs(xs - x_mid).max(), 1e-9) * 1.25
    span_y = max(abs(ys - y_mid).max(), 1e-9) * 1.25
    ax.set_xlim(x_mid - span_x, x_mid + span_x)
    ax.set_ylim(y_mid - span_y, y_mid + span_y)
    ax.axvline(x_mid, color="#777777", lw=0.8)
    ax.axhline(y_mid, color="#777777", lw=0.8)
    ax.fill_between([x_mid, x_mid + span_x], y_mid - span_y, y_mid, color=BAD, alpha=0.08, lw=0)
    flagged = data[highlight].fillna(False).astype(bool)
    ax.scatter(xs[~flagged], ys[~flagged], s=36, color=GOOD, alpha=0.75, edgecolor="white", lw=0.5)
    if yerr is not None and yerr in data and flagged.any():
        ax.errorbar(
            xs[flagged],
            ys[flagged],
            yerr=data.loc[flagged, yerr].astype(float).fillna(0.0),
            fmt="none",
            ecolor=BAD,
            elinewidth=0.8,
            alpha=0.6,
            capsize=2,
        )
    ax.scatter(xs[flagged], ys[flagged], s=70, color=BAD, marker="D", edgecolor="black", lw=0.6, zorder=3)
    tr, br, tl, bl = quadrant_labels
    for text, (px, py, ha, va) in zip(
        (tr, br, tl, bl),
        (
            (0.98, 0.98, "right", "top"),
            (0.98, 0.02, "right", "bottom"),
            (0.02, 0.98, "left", "top"),
            (0.02, 0.02, "left", "bottom"),
        ),
    ):
        ax.text(px, py, text, transform=ax.transAxes, ha=ha, va=va, fontsize=9, color="#555555", style="italic")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left")
    fit(fig, left_in=0.8)
    named = data[flagged]
    spread_labels(
        ax, named[x].astype(float).to_numpy(), named[y].astype(float).to_numpy(), [str(v) for v in named[label]]
    )
    return fig


def spread_labels(ax, xs, ys, texts, fontsize: float = 8.0) -> list:
    """Name points without overlapping labels. Top down, each label takes the first free place
    among: right of its point, left of it, then one line higher or lower at a time (up to eight
    lines away); a label moved off its point's line gets a thin leader line. Call after the
    axes' limits and margins are final."""
    if not len(texts):
        return []
    fig = ax.figure
    scale = fig.dpi / 72.0
    points = ax.transData.transform(np.column_stack([xs, ys]))
    box = ax.get_window_extent()
    height = fontsize * scale * 1.2
    taken: list[tuple[float, float, float, float]] = []  # x0, y0, x1, y1 in pixels
    marker = 6 * scale  # keep labels off the diamonds themselves
    for px, py in points:
        taken.append((px - marker, py - marker, px + marker, py + marker))

    def free(x0, y0, x1, y1) -> bool:
        if x0 < box.x0 or x1 > box.x1 or y0 < box.y0 or y1 > box.y1:
            return False
        return all(x1 <= a0 or x0 >= a1 or y1 <= b0 or y0 >= b1 for a0, b0, a1, b1 in taken)

    out = []
    for i in np.argsort(-points[:, 1], kind="stable"):
        px, py = points[i]
        width = len(texts[i]) * fontsize * scale * 0.62
        choice = None
        for lines in (0, -1, 1, -2, 2, -3, 3, -4, 4, -5, 5, -6, 6, -7, 7, -8, 8):
            for side in ("right", "left"):
                cy = py + lines * height
                x0 = px + marker if side == "right" else px - marker - width
                if free(x0, cy - height / 2, x0 + width, cy + height / 2):
                    choice = (side, cy, x0)
                    break
            if choice:
                break
        if choice is None:  # nowhere free: beside the point, as before
            choice = ("right", py, px + marker)
        side, cy, x0 = choice
        taken.append((x0, cy - height / 2, x0 + width, cy + height / 2))
        dy = (cy - py) / scale
        out.append(
            ax.annotate(
                texts[i],
                (xs[i], ys[i]),
                xytext=(marker / scale if side == "right" else -marker / scale, dy),
                textcoords="offset points",
                ha="left" if side == "right" else "right",
                va="center",
                fontsize=fontsize,
                color="#222222",
                arrowprops=dict(arrowstyle="-", lw=0.5, color="#888888", shrinkA=0, shrinkB=3) if abs(dy) > 1 else None,
            )
        )
    return out


@styled
def step_curves(
    frame: pd.DataFrame,
    *,
    time: str,
    value: str,
    group: str,
    lower: str,
    upper: str,
    title: str,
    xlabel: str,
    ylabel: str,
    empty_message: str = "",
) -> Figure:
    """Kaplan–Meier style step curves with confidence bands, one per group."""
    fig = new_figure(7.5, 3.8)
    if frame.empty:
        return empty(fig, title, empty_message)
    ax = _axes(fig, 111)
    for i, (name, part) in enumerate(frame.groupby(group, sort=False, observed=True)):
        part = part.sort_values(time)
        colour = COLORBLIND[i % len(COLORBLIND)]
        ax.step(part[time], part[value] * 100, where="post", color=colour, lw=1.6, label=str(name))
        ax.fill_between(part[time], part[lower] * 100, part[upper] * 100, step="post", color=colour, alpha=0.15, lw=0)
    ax.set_ylim(0, 101)
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(decimals=0))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left")
    names = [str(name) for name, _ in frame.groupby(group, sort=False, observed=True)]
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    return fit(fig, left_in=0.8, legend_labels=names)


@styled
def wave_panels(
    frame: pd.DataFrame,
    *,
    panels: list[tuple[str, str, tuple[float, float], float | None]],
    x: str = "date",
    empty_message: str = "",
) -> Figure:
    """Side-by-side small line charts over waves: (column, title, y-range, reference line).

    ``frame`` has one row per wave with the columns named in ``panels`` (NaN = suppressed).
    """
    fig = new_figure(7.5, 2.6)
    if frame.empty:
        return empty(fig, "", empty_message)
    for i, (column, title, (lo, hi), ref) in enumerate(panels):
        ax = _axes(fig, 1, len(panels), i + 1)
        part = frame.sort_values(x)
        values = pd.to_numeric(part[column], errors="coerce") if column in part else pd.Series(np.nan, index=part.index)
        ax.plot(part[x], values, marker="o", ms=3, lw=1.6, color=COLORBLIND[i % len(COLORBLIND)])
        if ref is not None:
            ax.axhline(ref, color="#555555", lw=0.8, ls="--")
        ax.set_ylim(lo, hi)
        ax.set_title(title, loc="left", fontsize=9)
        ax.tick_params(axis="x", labelrotation=45, labelsize=7)
        ax.tick_params(axis="y", labelsize=8)
    return fit(fig, left_in=0.5, bottom_in=0.8, wspace=0.3)


@styled
def forest(
    frame: pd.DataFrame,
    *,
    label: str,
    value: str,
    lower: str,
    upper: str,
    title: str,
    xlabel: str,
    reference: float = 1.0,
    log: bool = True,
) -> Figure:
    """Effect sizes with intervals (a forest plot), a reference line at 'no effect'.

    Effects whose interval lies wholly below the reference are drawn in the 'good' colour,
    wholly above in the 'bad' colour, and crossing it in grey.
    """
    rows = len(frame)
    fig = new_figure(7.5, max(2.2, 0.36 * rows + 1.2))
    if rows == 0:
        return empty(fig, title, "")
    ax = _axes(fig, 111)
    y = np.arange(rows)[::-1]
    est = frame[value].astype(float).to_numpy()
    lo = frame[lower].astype(float).to_numpy()
    hi = frame[upper].astype(float).to_numpy()
    colours = np.where(hi < reference, GOOD, np.where(lo > reference, BAD, NEUTRAL))
    for i in range(rows):
        ax.plot([lo[i], hi[i]], [y[i], y[i]], color=colours[i], lw=2)
        ax.plot(est[i], y[i], "o", color=colours[i], ms=6)
    ax.axvline(reference, color="#555555", lw=0.8, ls="--")
    if log:
        ax.set_xscale("log")
        finite = np.concatenate([lo[np.isfinite(lo) & (lo > 0)], hi[np.isfinite(hi) & (hi > 0)], [reference]])
        left, right = finite.min() / 1.1, finite.max() * 1.1
        ax.set_xlim(left, right)
        ticks = [
            v for v in (0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 1.0, 1.25, 1.5, 2.0, 3.0, 5.0, 10.0) if left <= v <= right
        ]
        ax.xaxis.set_major_locator(matplotlib.ticker.FixedLocator(ticks))
        ax.xaxis.set_major_formatter(matplotlib.ticker.FormatStrFormatter("%g"))
        ax.xaxis.set_minor_locator(matplotlib.ticker.NullLocator())
    ax.set_yticks(y, [str(v) for v in frame[label]])
    ax.set_xlabel(xlabel)
    ax.set_title(title, loc="left")
    ax.grid(axis="y", visible=False)
    return fit(fig, left_labels=frame[label])


@styled
def stacked_shares(
    frame: pd.DataFrame,
    *,
    label: str,
    parts: list[tuple[str, str, str]],
    title: str,
    xlabel: str,
    note: str = "note",
    empty_message: str = "",
) -> Figure:
    """100 % stacked horizontal bars, one row per group (e.g. unfavourable / neutral /
    favourable per scale); ``parts`` = (column, legend label, colour). Suppressed rows say so."""
    rows = len(frame)
    fig = new_figure(7.5, max(2.2, 0.3 * rows + 1.3))
    if rows == 0:
        return empty(fig, title, empty_message)
    ax = _axes(fig, 111)
    y = np.arange(rows)[::-1]
    left = np.zeros(rows)
    shown = ~frame.get("suppressed", pd.Series(False, index=frame.index)).fillna(False).astype(bool).to_numpy()
    for column, name, colour in parts:
        values = np.nan_to_num(pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)) * shown
        ax.barh(y, values, left=left, color=colour, height=0.7, label=name)
        for i in np.flatnonzero(values >= 8):
            ax.text(
                left[i] + values[i] / 2,
                y[i],
                f"{values[i]:.0f}",
                ha="center",
                va="center",
                fontsize=7,
                color="white" if colour in (GOOD, BAD) else "black",
            )
        left = left + values
    notes = frame[note] if note in frame.columns else pd.Series("", index=frame.index)
    for i in np.flatnonzero(~shown):
        ax.text(1, y[i], str(notes.iloc[i] or "—"), va="center", ha="left", color="#555555", fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_ylim(-0.6, rows - 0.4)
    ax.set_yticks(y, [str(v) for v in frame[label]])
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(decimals=0))
    ax.set_xlabel(xlabel)
    ax.set_title(title, loc="left")
    ax.grid(False)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    return fit(fig, left_labels=frame[label], legend_labels=[name for _, name, _ in parts])
