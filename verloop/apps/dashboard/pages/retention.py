"""Page 7 — retention curves: Kaplan–Meier curves (share still employed by months of tenure)
by hiring cohort, site and team-lead style, with 95 % confidence bands. Groups smaller than
the minimum group size are left out and named as such."""

from __future__ import annotations

from verloop.apps.dashboard import charts, figures
from verloop.apps.dashboard.i18n import t
from verloop.apps.dashboard.layout import Block, DashboardPage

GROUPINGS = ("cohort", "site", "lead_style")
TITLE_KEYS = {"cohort": "by_cohort", "site": "by_site", "lead_style": "by_lead_style"}


class RetentionPage(DashboardPage):
    key = "retention"
    show_filters = ("site",)

    def compute(self, filters):
        return {by: figures.retention_curves(self.source, filters, by) for by in GROUPINGS}

    def sections(self, data, filters):
        lang = filters.lang
        out = []
        for by in GROUPINGS:
            result = data[by]
            curves, groups = result["curves"], result["groups"]
            if by == "lead_style":
                words = {style: t(f"style_{style}", lang) for style in ("servant", "neutral", "taylorist")}
                curves = curves.assign(group=curves["group"].map(lambda g, words=words: words.get(g, g)))
                groups = groups.assign(group=groups["group"].map(lambda g, words=words: words.get(g, g)))
            title = f"{t('km_title', lang)} — {t(TITLE_KEYS[by], lang).lower()}"
            visible = curves[~curves["suppressed"].fillna(False).astype(bool)] if len(curves) else curves
            fig = lambda visible=visible, title=title: charts.step_curves(
                visible,
                time="months",
                value="survival",
                group="group",
                lower="lower",
                upper="upper",
                title=title,
                xlabel=t("tenure_months", lang),
                ylabel=t("survival", lang),
                empty_message=t("no_data", lang),
            )
            # hidden groups: the block's one folded line ('2 groups: fewer than 5 employees (…)'),
            # from the placeholder rows the curves frame carries for them
            table = groups.rename(columns={"median_months": t("median_tenure", lang)}) if len(groups) else None
            out.append(
                self.block(
                    Block(
                        name=f"retention-by-{by.replace('_', '-')}", title=title, figure=fig, frame=curves, table=table
                    )
                )
            )
        return out
