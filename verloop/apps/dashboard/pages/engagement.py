"""Page 2 — engagement and wellbeing: team × scale heatmap, the trend per wave, eNPS,
response rate and score distributions, every cell through the privacy door."""

from __future__ import annotations

import pandas as pd

from verloop.apps.dashboard import charts, figures
from verloop.apps.dashboard.i18n import scale_higher_is_better, scale_label, t
from verloop.apps.dashboard.layout import Block, DashboardPage

MAX_ROWS = 30


def _favourability(values: pd.DataFrame) -> pd.Series:
    """Mean position of a row's scores within their scales (0 = worst, 1 = best)."""
    parts = []
    for scale in values.columns:
        lo, hi = figures.scale_range(scale)
        share = (values[scale] - lo) / (hi - lo)
        parts.append(share if scale_higher_is_better(scale) else 1 - share)
    return pd.concat(parts, axis=1).mean(axis=1)


class EngagementPage(DashboardPage):
    key = "engagement"
    shared_data = True  # published frames only: a filter change reads its view in one go

    def compute(self, filters):
        distribution = figures.score_distribution(self.source, filters)
        return {
            "heatmap": figures.scale_scores_by_team(self.source, filters),
            "trend": figures.scale_trend(self.source, filters),
            "waves": figures.wave_summary(self.source, filters),
            "distribution": distribution,
            "bands": figures.distribution_bands(distribution) if len(distribution) else pd.DataFrame(),
        }

    def sections(self, data, filters):
        lang = filters.lang
        out = []
        lead_more = ""
        heat = data["heatmap"]
        title = t("heatmap_title_site" if len(heat) and (heat["level"] == "site").all() else "heatmap_title", lang)
        if len(heat):
            scales = [s for s in dict.fromkeys(heat["scale"]) if s != "enps"]  # eNPS has its own chart
            labels = {s: scale_label(s, lang) for s in scales}
            values = heat.pivot(index="group", columns="scale", values="score").reindex(columns=scales)
            notes = heat.pivot(index="group", columns="scale", values="note").reindex(columns=scales)
            k = self.source.k
            cells = heat.pivot(index="group", columns="scale", values="reason").reindex(columns=scales)
            cells = cells.map(lambda r: f"< {k}" if r == "min_group" else ("—" if r else None))
            if len(values) > MAX_ROWS:  # a big site: the teams that need attention first, all of them in the CSV
                order = _favourability(values).sort_values(na_position="last").index[:MAX_ROWS]
                lead_more = t("heatmap_more", lang, n=MAX_ROWS, total=len(values))
                values, notes, cells = values.loc[order], notes.loc[order], cells.loc[order]
            # normalise each column to its own range so WHO-5 (0–100) and eNPS sit beside 1–5
            shaded = values.copy()
            for scale in scales:
                lo, hi = figures.scale_range(scale)
                shaded[scale] = (values[scale] - lo) / (hi - lo)
            fig = lambda: charts.heatmap(
                values.rename(columns=labels),
                notes.rename(columns=labels),
                title=title,
                reverse_columns={labels[s] for s in scales if not scale_higher_is_better(s)},
                shade=shaded.rename(columns=labels),
                cell_labels=cells.rename(columns=labels),
            )
        else:
            fig = lambda: charts.empty(charts.new_figure(7.5, 2.4), title, t("no_data", lang))
        wave = heat["wave"].iloc[0] if len(heat) else ""
        out.append(
            self.block(
                Block(
                    name="scales-by-group",
                    title=f"{title} — {wave}",
                    figure=fig,
                    frame=heat,
                    lead=f"{t('reversed_scale_hint', lang)} {lead_more}".strip(),
                    label="group",
                )
            )
        )

        trend = data["trend"]
        likert = trend[trend["scale"].map(figures.is_likert)] if len(trend) else trend
        likert = (
            likert.assign(scale_label=likert["scale"].map(lambda s: scale_label(s, lang))) if len(likert) else likert
        )
        out.append(
            self.block(
                Block(
                    name="scales-per-wave",
                    title=t("trend_title", lang),
                    figure=lambda: charts.lines(
                        likert,
                        x="date",
                        y="score",
                        hue="scale_label" if len(likert) else None,
                        title=t("trend_title", lang),
                        ylabel=t("score", lang) + " (1–5)",
                        ylim=(1, 5),
                        empty_message=t("no_data", lang),
                    ),
                    frame=trend,
                    label="wave",
                )
            )
        )
        waves = data["waves"]
        out.append(
            self.block(
                Block(
                    name="wellbeing-enps-response",
                    title=f"{scale_label('wellbeing', lang)} · {t('enps', lang)} · {t('response_rate', lang)}",
                    figure=lambda: charts.wave_panels(
                        waves,
                        panels=[
                            ("wellbeing", scale_label("wellbeing", lang), (0, 100), 50.0),
                            ("enps", t("enps_title", lang), (-100, 100), 0.0),
                            ("response_rate", t("response_rate_title", lang), (0, 100), None),
                        ],
                        empty_message=t("no_data", lang),
                    ),
                    frame=waves,
                    label="wave",
                )
            )
        )
        bands = data["bands"]
        shown = bands.assign(label=bands["scale"].map(lambda s: scale_label(s, lang))) if len(bands) else bands
        out.append(
            self.block(
                Block(
                    name="score-distributions",
                    title=t("distribution_title", lang),
                    figure=lambda: charts.stacked_shares(
                        shown,
                        label="label" if len(shown) else "scale",
                        parts=[
                            ("unfavourable", t("unfavourable", lang), charts.BAD),
                            ("neutral", t("neutral", lang), charts.SUPPRESSED_COLOUR),
                            ("favourable", t("favourable", lang), charts.GOOD),
                        ],
                        title=t("distribution_title", lang),
                        xlabel=t("share", lang),
                        empty_message=t("no_data", lang),
                    ),
                    frame=data["distribution"],
                    lead=t("distribution_lead", lang),
                    hidden_label=lambda r: scale_label(r["scale"], lang),
                )
            )
        )
        return out
