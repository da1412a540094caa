"""Page 4 — risk: teams ranked by expected voluntary leavers over the next 6 and 12 months,
with intervals, from the team-level model; teams below the minimum group size are hidden."""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd

from verloop.apps.dashboard import charts, figures
from verloop.apps.dashboard.i18n import t
from verloop.apps.dashboard.layout import Block, DashboardPage

TOP = 25


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
        lead = (t("risk_rank_note", lang) + " " + t("risk_wave", lang, wave=frame["wave"].iloc[0])) if len(frame) else None
        return [
            self.block(
                Block(
                    name="risk",
                    title=title,
                    figure=lambda: charts.bar_ci(
                        ranked, label="group", value="expected", lower="lower", upper="upper",
                        title=title, xlabel=t("expected", lang), colour=charts.COLORBLIND[1],
                        empty_message=t("no_data", lang),
                    ),
                    frame=frame,  # both horizons, every team (hidden ones with their note)
                    table=_table(ranked, six, lang),
                    lead=lead,
                    hidden_label=lambda r: r["group"] if r["horizon_months"] == 12 else None,
                )
            )
        ]


def _table(ranked: pd.DataFrame, six: pd.DataFrame, lang: str) -> pd.DataFrame | None:
    """The ranked teams with 6- and 12-month expectations and their intervals."""
    if not len(ranked):
        return None

    def span(lo, hi):
        return f"{lo:.1f}–{hi:.1f}" if pd.notna(lo) and pd.notna(hi) else "—"

    half = six.reindex(ranked["group"]) if len(six) else None
    table = pd.DataFrame({t("team", lang): ranked["group"].to_numpy(), t("headcount", lang): ranked["n"].to_numpy()})
    if half is not None:
        table[t("next_6", lang)] = [f"{v:.1f}" if pd.notna(v) else "—" for v in half["expected"]]
        table[t("interval", lang) + " (6)"] = [span(a, b) for a, b in zip(half["lower"], half["upper"])]
    table[t("next_12", lang)] = [f"{v:.1f}" for v in ranked["expected"]]
    table[t("interval", lang) + " (12)"] = [span(a, b) for a, b in zip(ranked["lower"], ranked["upper"])]
    return table
