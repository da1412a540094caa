"""Page 2 — engagement and wellbeing: team × scale heatmap, the trend per wave, eNPS,
response rate and score distributions, every cell through the privacy door."""

from __future__ import annotations

import pandas as pd

from verloop.apps.dashboard import charts, figures
from verloop.apps.dashboard.i18n import note_text, scale_higher_is_better, scale_label, t
from verloop.apps.dashboard.layout import Block, DashboardPage

LIKERT_MAX = 5.0


class EngagementPage(DashboardPage):
    key = "engagement"

    def compute(self, filters):
        return {
            "heatmap": figures.scale_scores_by_team(self.source, filters),
            "trend": figures.scale_trend(self.source, filters),
            "waves": figures.wave_summary(self.source, filters),
            "distribution": figures.score_distribution(self.source, filters),
        }

    def sections(self, data, filters):
        lang = filters.lang
        out = []
        heat = data["heatmap"]
        if len(heat):
            scales = list(dict.fromkeys(heat["scale"]))
            labels = {s: scale_label(s, lang) for s in scales}
            values = heat.pivot(index="group", columns="scale", values="score").reindex(columns=scales)
            notes = heat.pivot(index="group", columns="scale", values="note").reindex(columns=scales)
            notes = notes.map(lambda v: note_text(v, lang))
            # normalise each column to its own range so WHO-5 (0–100) and eNPS sit beside 1–5
            shaded = values.copy()
            for scale in scales:
                lo, hi = figures.scale_range(scale)
                shaded[scale] = (values[scale] - lo) / (hi - lo)
            fig = charts.heatmap(
                values.rename(columns=labels),
                notes.rename(columns=labels),
                title=t("heatmap_title", lang),
                reverse_columns={labels[s] for s in scales if not scale_higher_is_better(s)},
                shade=shaded.rename(columns=labels),
            )
        else:
            fig = charts.empty(charts.new_figure(7.5, 2.4), t("heatmap_title", lang), t("no_data", lang))
        out.append(self.block(Block(name="scales-by-team", title=t("heatmap_title", lang), figure=fig, frame=heat,
                                    lead=t("reversed_scale_hint", lang))))

        trend = data["trend"]
        likert = trend[trend["scale"].map(lambda s: figures.scale_range(s)[1] == LIKERT_MAX)] if len(trend) else trend
        likert = likert.assign(scale_label=likert["scale"].map(lambda s: scale_label(s, lang))) if len(likert) else likert
        out.append(
            self.block(
                Block(
                    name="scales-per-wave",
                    title=t("trend_title", lang),
                    figure=charts.lines(
                        likert, x="date", y="score", hue="scale_label" if len(likert) else None,
                        title=t("trend_title", lang), ylabel=t("score", lang) + " (1–5)",
                        ylim=(1, 5), empty_message=t("no_data", lang),
                    ),
                    frame=trend,
                )
            )
        )
        waves = data["waves"]
        out.append(
            self.block(
                Block(
                    name="wellbeing-enps-response",
                    title=f"{scale_label('wellbeing', lang)} · {t('enps', lang)} · {t('response_rate', lang)}",
                    figure=charts.wave_panels(
                        waves,
                        panels=[
                            ("wellbeing", scale_label("wellbeing", lang) + " (0–100)", (0, 100), 50.0),
                            ("enps", t("enps_title", lang), (-100, 100), 0.0),
                            ("response_rate", t("response_rate_title", lang), (0, 100), None),
                        ],
                        empty_message=t("no_data", lang),
                    ),
                    frame=waves,
                )
            )
        )
        dist = data["distribution"]
        out.append(
            self.block(
                Block(
                    name="score-distributions",
                    title=t("distribution_title", lang),
                    figure=charts.distributions(
                        dist, facet="scale", bin="bin", share="share", title=t("distribution_title", lang),
                        facet_labels={s: scale_label(s, lang) for s in dist["scale"].unique()} if len(dist) else {},
                        empty_message=t("no_data", lang),
                    ),
                    frame=dist,
                )
            )
        )
        return out
