"""Page 4 — risk: teams ranked by expected voluntary leavers over the next 6 and 12 months,
with intervals, from the team-level model; teams below the minimum group size are hidden."""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd

from verloop.apps.dashboard import charts, figures
from verloop.apps.dashboard.i18n import number, span, t
from verloop.apps.dashboard.layout import Block, DashboardPage

TOP = 25
AT_RISK_WITHOUT_INTERVAL = 1.5  # no bootstrap interval: expected rate at least 1.5 × the average


def at_risk(frame: pd.DataFrame) -> pd.Series:
    """Which shown teams are *at risk* (the one definition; the HR home counts these): over the
    next 12 months even the lower end of a team's expected voluntary leaving per employee lies
    above the average of the shown teams (without an interval: 1.5 × the average). Indexed like
    the 12-month rows of ``frame`` (``figures.team_risk``'s ``risk``); hidden teams are never
    flagged."""
    twelve = frame[frame["horizon_months"] == 12] if len(frame) else frame
    if not len(twelve):
        return pd.Series(dtype=bool)
    shown = ~twelve["suppressed"].astype(bool)
    heads = pd.to_numeric(twelve["n"], errors="coerce").astype(float)
    expected = pd.to_numeric(twelve["expected"], errors="coerce").astype(float)
    lower = pd.to_numeric(twelve["lower"], errors="coerce").astype(float)
    usable = shown & (heads > 0) & expected.notna()
    if not usable.any():
        return pd.Series(False, index=twelve.index)
    average = expected[usable].sum() / heads[usable].sum()
    by_interval = lower / heads > average
    by_point = expected / heads >= AT_RISK_WITHOUT_INTERVAL * average
    flagged = usable & ((lower.notna() & by_interval) | (lower.isna() & by_point))
    return flagged.fillna(False).astype(bool)


class RiskPage(DashboardPage):
    key = "risk"
    show_filters = ("site",)

    def compute(self, filters):
        return figures.team_risk(self.source, filters)

    def sections(self, data, filters):
        lang = filters.lang
        frame = data["risk"]
        if data.get("message") == "no_model":
            note = widgets.HTML(f"<p>{html.escape(t('no_model', lang))}</p>")
            note.add_class("verloop-no-model")
            return [note]
        twelve = frame[frame["horizon_months"] == 12] if len(frame) else frame
        ranked = twelve[~twelve["suppressed"]].sort_values("expected", ascending=False).head(TOP)
        six = frame[frame["horizon_months"] == 6].set_index("group") if len(frame) else frame
        title = f"{t('risk_title', lang)} — {t('next_12', lang)}"
        flags = at_risk(frame)
        count = (
            t("at_risk_count", lang, n=int(flags.sum()), total=int((~twelve["suppressed"].astype(bool)).sum()))
            + " "
            + t("at_risk_rule", lang)
            if len(flags)
            else ""
        )
        lead = (
            (t("risk_rank_note", lang) + " " + t("risk_wave", lang, wave=frame["wave"].iloc[0]) + " " + count).strip()
            if len(frame)
            else None
        )
        return [
            self.block(
                Block(
                    name="risk",
                    title=title,
                    figure=lambda: charts.bar_ci(
                        ranked,
                        label="group",
                        value="expected",
                        lower="lower",
                        upper="upper",
                        title=title,
                        xlabel=t("expected", lang),
                        colour=charts.COLORBLIND[1],
                        empty_message=t("no_data", lang),
                    ),
                    frame=frame,  # both horizons, every team (hidden ones with their note)
                    table=_table(ranked, six, lang, flags),
                    lead=lead,
                    hidden_label=lambda r: r["group"] if r["horizon_months"] == 12 else None,
                    unit="team",
                )
            )
        ]


def _table(ranked: pd.DataFrame, six: pd.DataFrame, lang: str, flags: pd.Series | None = None) -> pd.DataFrame | None:
    """The ranked teams with 6- and 12-month expectations, their intervals and the at-risk flag."""
    if not len(ranked):
        return None
    half = six.reindex(ranked["group"]) if len(six) else None
    table = pd.DataFrame({t("team", lang): ranked["group"].to_numpy(), t("headcount", lang): ranked["n"].to_numpy()})
    if half is not None:
        table[t("next_6", lang)] = [number(v, lang, 1) for v in half["expected"]]
        table[t("interval", lang) + " (6)"] = [span(a, b, lang, 1) for a, b in zip(half["lower"], half["upper"])]
    table[t("next_12", lang)] = [number(v, lang, 1) for v in ranked["expected"]]
    table[t("interval", lang) + " (12)"] = [span(a, b, lang, 1) for a, b in zip(ranked["lower"], ranked["upper"])]
    if flags is not None and len(flags):
        table[t("at_risk", lang)] = [bool(flags.get(i, False)) for i in ranked.index]
    return table
