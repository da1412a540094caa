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
        out = []
        for horizon in (12, 6):
            part = frame[frame["horizon_months"] == horizon] if len(frame) else frame
            part = part[~part["suppressed"]].sort_values("expected", ascending=False).head(TOP)
            title = f"{t('risk_title', lang)} — {t(f'next_{horizon}', lang)}"
            out.append(
                self.block(
                    Block(
                        name=f"risk-{horizon}m",
                        title=title,
                        figure=lambda: charts.bar_ci(
                            part, label="group", value="expected", lower="lower", upper="upper",
                            title=title, xlabel=t("expected", lang), colour=charts.COLORBLIND[1],
                            empty_message=t("no_data", lang),
                        ),
                        frame=frame[frame["horizon_months"] == horizon] if len(frame) else frame,
                        table=_table(part, lang) if horizon == 12 else None,
                        lead=(t("risk_rank_note", lang) + " " + t("risk_wave", lang, wave=frame["wave"].iloc[0])) if horizon == 12 and len(frame) else None,
                    )
                )
            )
        return out


def _table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    if not len(frame):
        return frame
    table = pd.DataFrame(
        {
            t("team", lang): frame["group"],
            t("headcount", lang): frame["n"],
            t("expected", lang): frame["expected"].map(lambda v: f"{v:.1f}" if pd.notna(v) else None),
            t("interval", lang): [
                f"{lo:.1f}–{hi:.1f}" if pd.notna(lo) and pd.notna(hi) else None for lo, hi in zip(frame["lower"], frame["upper"])
            ],
            "note": frame["note"],
            "suppressed": frame["suppressed"],
        }
    )
    return table
