"""Page 5 — watermelon teams: KPI status (AHT, service level, CSAT against targets) against
people status (scales, turnover) as a quadrant, the teams green outside and red inside named."""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd

from verloop.apps.dashboard import charts, figures
from verloop.apps.dashboard.i18n import t
from verloop.apps.dashboard.layout import Block, DashboardPage


MAX_NAMED = 20  # the reddest first; every watermelon team is flagged in the CSV


class WatermelonPage(DashboardPage):
    key = "watermelon"
    show_filters = ("site", "period")

    def compute(self, filters):
        return figures.kpi_vs_people(self.source, filters)

    def sections(self, data, filters):
        lang = filters.lang
        frame = data["teams"]
        fig = lambda: charts.quadrant(
            frame,
            x="kpi_status",
            y="people_status",
            label="group",
            highlight="watermelon",
            title=t("watermelon_title", lang),
            xlabel=t("kpi_status", lang),
            ylabel=t("people_status", lang),
            quadrant_labels=(
                t("quadrant_green_green", lang),
                t("quadrant_green_red", lang),
                t("quadrant_red_green", lang),
                t("quadrant_red_red", lang),
            ),
            empty_message=t("no_data", lang),
        )
        named = frame[frame["watermelon"].fillna(False).astype(bool)] if len(frame) else frame
        worst = named.sort_values("people_status") if len(named) else named
        names = [str(n) for n in worst["group"].head(MAX_NAMED)] if len(named) else []
        more = len(named) - len(names)
        listing = widgets.HTML(
            f"<h3>{html.escape(t('watermelon_named', lang))}</h3>"
            + (
                "<ul class='verloop-watermelon-list'>" + "".join(f"<li>{html.escape(n)}</li>" for n in names)
                + (f"<li>{html.escape(t('more_in_csv', lang, n=more))}</li>" if more > 0 else "") + "</ul>"
                if names
                else f"<p>{html.escape(t('none_watermelon', lang))}</p>"
            )
        )
        listing.add_class("verloop-watermelon-named")
        out = [
            self.block(Block(name="watermelon-quadrant", title=t("watermelon_title", lang), figure=fig, frame=frame,
                             table=_table(worst.head(MAX_NAMED), lang) if len(named) else None)),
            listing,
        ]
        return out


def _table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    keep = [c for c in ("group", "site", "n", "aht_s", "service_level", "csat", "people_status", "voluntary_rate", "note", "suppressed") if c in frame.columns]
    return frame[keep].rename(columns={"group": t("team", lang)})
