"""Page 1 — turnover, honestly: annualised voluntary and involuntary turnover with 95 % CIs,
first-90-day attrition, regretted leavers, the monthly trend, by site and team, and the cost."""

from __future__ import annotations

import pandas as pd

from verloop.apps.dashboard import charts, figures
from verloop.apps.dashboard.i18n import money, number, percent, span, t
from verloop.apps.dashboard.layout import Block, DashboardPage, kpi_cards

TOP_TEAMS = 20


def pct(value, lang: str, digits: int = 0) -> str:
    return percent(value, lang, digits)


def interval(lo, hi, lang: str, digits: int = 0) -> str:
    return span(lo, hi, lang, digits, "%")


def whole(value, lang: str) -> str:
    return number(value, lang, 0)


def voluntary_card(row: pd.Series, lang: str) -> tuple[str, str, str]:
    """The voluntary-turnover card (label, rate, interval), as the turnover page and the HR home
    show it; a hidden row shows '—' and the door's note."""
    if not len(row) or bool(row.get("suppressed", False)):
        return t("kpi_voluntary", lang), "—", str(row.get("note") or t("no_data", lang))
    return (
        t("kpi_voluntary", lang),
        pct(row.get("voluntary_rate"), lang, 1),
        f"{t('ci95', lang)}: {interval(row.get('voluntary_low'), row.get('voluntary_high'), lang, 1)}",
    )


class TurnoverPage(DashboardPage):
    key = "turnover"

    def compute(self, filters):
        return {
            "summary": figures.turnover_summary(self.source, filters),
            "trend": figures.turnover_trend(self.source, filters),
            "by_site": figures.turnover_by(self.source, filters, "site"),
            "by_team": figures.turnover_by(self.source, filters, "team"),
        }

    def sections(self, data, filters):
        lang = filters.lang
        summary = data["summary"]
        row = summary.iloc[0] if len(summary) else pd.Series(dtype=object)
        if len(summary) and bool(row["suppressed"]):
            cards = [voluntary_card(row, lang)]
        else:
            ci = t("ci95", lang)
            cards = [
                voluntary_card(row, lang),
                (
                    t("kpi_involuntary", lang),
                    pct(row.get("involuntary_rate"), lang, 1),
                    f"{ci}: {interval(row.get('involuntary_low'), row.get('involuntary_high'), lang, 1)}",
                ),
                (
                    t("kpi_early", lang),
                    pct(row.get("early_share"), lang),
                    f"{whole(row.get('early_leavers'), lang)} / {whole(row.get('hires'), lang)} {t('of_hires', lang)}",
                ),
                (
                    t("kpi_regretted", lang),
                    pct(row.get("regretted_share"), lang),
                    f"{whole(row.get('regretted'), lang)} / {whole(row.get('voluntary'), lang)} {t('of_voluntary', lang)}",
                ),
                (
                    t("kpi_cost", lang),
                    money(row.get("cost_eur"), lang),
                    f"{ci}: {money(row.get('cost_low'), lang)} – {money(row.get('cost_high'), lang)}",
                ),
            ]
        cost = t(
            "cost_basis",
            lang,
            share=self.source.replacement_cost_share,
            salary=money(self.source.annual_salary_eur, lang),
        )
        out = [
            kpi_cards(cards),
            self.block(
                Block(
                    name="turnover-summary",
                    title=t("turnover_kpis", lang),
                    frame=summary,
                    lead=f"{t('all_staff_counted', lang)} {cost}",
                )
            ),
        ]
        trend = data["trend"]
        long = figures.trend_long(trend) if len(trend) else pd.DataFrame()
        if len(long):
            long["kind_label"] = long["kind"].map(lambda k: t(k, lang))
        out.append(
            self.block(
                Block(
                    name="turnover-trend",
                    title=t("turnover_trend", lang),
                    figure=lambda: charts.lines(
                        long,
                        x="month",
                        y="rate",
                        hue="kind_label" if len(long) else None,
                        lower="lower",
                        upper="upper",
                        title=t("turnover_trend", lang),
                        ylabel=t("rate_pct", lang),
                        percent=True,
                        empty_message=t("no_data", lang),
                    ),
                    frame=trend,
                    label="period_start",
                )
            )
        )
        for by in ("site", "team"):
            frame = data[f"by_{by}"]
            ranked = frame.sort_values("voluntary_rate", ascending=False, na_position="last") if len(frame) else frame
            shown = ranked[~ranked["suppressed"]].head(TOP_TEAMS) if by == "team" and len(ranked) else ranked
            title = t(f"turnover_by_{by}", lang)
            lead = (
                t("top_teams", lang, n=len(shown), total=len(frame))
                if by == "team" and len(frame) > len(shown)
                else None
            )
            out.append(
                self.block(
                    Block(
                        name=f"turnover-by-{by}",
                        title=title,
                        figure=lambda shown=shown, title=title: charts.bar_ci(
                            shown,
                            label="group",
                            value="voluntary_rate",
                            lower="voluntary_low",
                            upper="voluntary_high",
                            title=f"{title} — {t('voluntary', lang).lower()}",
                            xlabel=t("rate_pct", lang),
                            percent=True,
                            empty_message=t("no_data", lang),
                        ),
                        frame=frame,
                        table=_table(ranked, lang) if by == "site" else None,
                        lead=lead,
                    )
                )
            )
        return out


def _table(frame: pd.DataFrame, lang: str) -> pd.DataFrame | None:
    if not len(frame):
        return None
    return pd.DataFrame(
        {
            t("site", lang): frame["group"],
            t("headcount", lang): frame["headcount"].map(lambda v: whole(v, lang)),
            t("voluntary", lang): frame["voluntary_rate"].map(lambda v: pct(v, lang, 1)),
            t("ci95", lang): [interval(a, b, lang, 1) for a, b in zip(frame["voluntary_low"], frame["voluntary_high"])],
            t("involuntary", lang): frame["involuntary_rate"].map(lambda v: pct(v, lang, 1)),
            t("kpi_leavers", lang): frame["leavers"].map(lambda v: whole(v, lang)),
            "note": frame["note"],
            "suppressed": frame["suppressed"],
        }
    )
