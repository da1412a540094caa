"""Page 1 — turnover, honestly: annualised voluntary and involuntary turnover with 95 % CIs,
first-90-day attrition, regretted leavers, the monthly trend, by site and team, and the cost."""

from __future__ import annotations

import math

import pandas as pd

from verloop.apps.dashboard import charts, figures
from verloop.apps.dashboard.i18n import t
from verloop.apps.dashboard.layout import Block, DashboardPage, kpi_cards


def pct(value: float, digits: int = 0) -> str:
    return "—" if value is None or not math.isfinite(value) else f"{100 * value:.{digits}f} %"


def interval(lo: float, hi: float, digits: int = 0) -> str:
    if lo is None or hi is None or not (math.isfinite(lo) and math.isfinite(hi)):
        return ""
    return f"{100 * lo:.{digits}f}–{100 * hi:.{digits}f} %"


def euros(value: float) -> str:
    return "—" if value is None or not math.isfinite(value) else f"€ {value:,.0f}".replace(",", ".")


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
        s = data["summary"]
        row = s.iloc[0] if len(s) else pd.Series(dtype=object)
        get = lambda name: float(row.get(name, float("nan")))  # noqa: E731
        cards = [
            (t("kpi_voluntary", lang), pct(get("voluntary_rate"), 1), f"{t('ci95', lang)}: {interval(get('voluntary_lower'), get('voluntary_upper'), 1)}"),
            (t("kpi_involuntary", lang), pct(get("involuntary_rate"), 1), f"{t('ci95', lang)}: {interval(get('involuntary_lower'), get('involuntary_upper'), 1)}"),
            (t("kpi_early", lang), pct(get("early_share")), f"{int(get('early_leavers') or 0) if math.isfinite(get('early_leavers')) else '—'} {t('of_hires', lang)} ({int(get('hires')) if math.isfinite(get('hires')) else '—'})"),
            (t("kpi_regretted", lang), pct(get("regretted_share")), t("of_voluntary", lang)),
            (t("kpi_cost", lang), euros(get("cost_eur")), f"{euros(get('cost_lower'))}–{euros(get('cost_upper'))}"),
        ]
        out = [
            kpi_cards(cards),
            self.block(
                Block(
                    name="turnover-summary",
                    title=t("turnover_kpis", lang),
                    frame=s,
                    lead=t("all_staff_counted", lang) + " " + t("cost_basis", lang, share=self.source.replacement_cost_share, salary=self.source.annual_salary_eur),
                )
            ),
        ]
        trend = data["trend"].copy()
        if len(trend):
            trend["kind_label"] = trend["kind"].map(lambda k: t(k, lang))
        out.append(
            self.block(
                Block(
                    name="turnover-trend",
                    title=t("turnover_trend", lang),
                    figure=charts.lines(
                        trend,
                        x="month",
                        y="rate",
                        hue="kind_label" if len(trend) else None,
                        lower="lower",
                        upper="upper",
                        title=t("turnover_trend", lang),
                        ylabel=t("rate_pct", lang),
                        percent=True,
                        empty_message=t("no_data", lang),
                    ),
                    frame=data["trend"],
                )
            )
        )
        for by in ("site", "team"):
            frame = data[f"by_{by}"]
            voluntary = frame[frame["kind"] == "voluntary"].sort_values("rate", ascending=False, na_position="last") if len(frame) else frame
            title = t(f"turnover_by_{by}", lang)
            out.append(
                self.block(
                    Block(
                        name=f"turnover-by-{by}",
                        title=title,
                        figure=charts.bar_ci(
                            voluntary,
                            label="group",
                            value="rate",
                            lower="lower",
                            upper="upper",
                            title=f"{title} — {t('voluntary', lang).lower()}",
                            xlabel=t("rate_pct", lang),
                            percent=True,
                            empty_message=t("no_data", lang),
                        ),
                        frame=frame,
                        table=_table(frame, lang) if by == "site" else None,
                    )
                )
            )
        return out


def _table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    if not len(frame):
        return frame
    wide = frame.pivot_table(index="group", columns="kind", values=["rate", "leavers"], aggfunc="first")
    table = pd.DataFrame(index=wide.index)
    for kind in ("voluntary", "involuntary"):
        if ("rate", kind) in wide:
            table[t(kind, lang)] = wide[("rate", kind)].map(lambda v: pct(v, 1) if pd.notna(v) else "—")
    n = frame.groupby("group")["n"].first()
    table[t("headcount", lang)] = n.reindex(table.index)
    return table.reset_index().rename(columns={"group": t("site", lang)})
