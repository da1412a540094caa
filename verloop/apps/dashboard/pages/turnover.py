"""Page 1 — turnover, honestly: annualised voluntary and involuntary turnover with 95 % CIs,
first-90-day attrition, regretted leavers, the monthly trend, by site and team, and the cost."""

from __future__ import annotations

import math

import pandas as pd

from verloop.apps.dashboard import charts, figures
from verloop.apps.dashboard.i18n import money, t
from verloop.apps.dashboard.layout import Block, DashboardPage, kpi_cards

TOP_TEAMS = 20


def _num(value) -> float:
    try:
        value = float(value)
    except (TypeError, ValueError):
        return float("nan")
    return value


def pct(value, digits: int = 0) -> str:
    value = _num(value)
    return "—" if not math.isfinite(value) else f"{value:.{digits}f} %"


def interval(lo, hi, digits: int = 0, unit: str = " %") -> str:
    lo, hi = _num(lo), _num(hi)
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return "—"
    return f"{lo:.{digits}f}–{hi:.{digits}f}{unit}"


def whole(value) -> str:
    value = _num(value)
    return "—" if not math.isfinite(value) else f"{value:.0f}"


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
            cards = [(t("kpi_voluntary", lang), "—", str(row["note"]))]
        else:
            ci = t("ci95", lang)
            cards = [
                (t("kpi_voluntary", lang), pct(row.get("voluntary_rate"), 1),
                 f"{ci}: {interval(row.get('voluntary_low'), row.get('voluntary_high'), 1)}"),
                (t("kpi_involuntary", lang), pct(row.get("involuntary_rate"), 1),
                 f"{ci}: {interval(row.get('involuntary_low'), row.get('involuntary_high'), 1)}"),
                (t("kpi_early", lang), pct(row.get("early_share")),
                 f"{whole(row.get('early_leavers'))} / {whole(row.get('hires'))} {t('of_hires', lang)}"),
                (t("kpi_regretted", lang), pct(row.get("regretted_share")),
                 f"{whole(row.get('regretted'))} / {whole(row.get('voluntary'))} {t('of_voluntary', lang)}"),
                (t("kpi_cost", lang), money(row.get("cost_eur"), lang),
                 f"{ci}: {money(row.get('cost_low'), lang)} – {money(row.get('cost_high'), lang)}"),
            ]
        cost = t("cost_basis", lang, share=self.source.replacement_cost_share, salary=money(self.source.annual_salary_eur, lang))
        out = [
            kpi_cards(cards),
            self.block(Block(name="turnover-summary", title=t("turnover_kpis", lang), frame=summary,
                             lead=f"{t('all_staff_counted', lang)} {cost}")),
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
                        long, x="month", y="rate", hue="kind_label" if len(long) else None, lower="lower",
                        upper="upper", title=t("turnover_trend", lang), ylabel=t("rate_pct", lang), percent=True,
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
            lead = t("top_teams", lang, n=len(shown), total=len(frame)) if by == "team" and len(frame) > len(shown) else None
            out.append(
                self.block(
                    Block(
                        name=f"turnover-by-{by}",
                        title=title,
                        figure=lambda shown=shown, title=title: charts.bar_ci(
                            shown, label="group", value="voluntary_rate", lower="voluntary_low",
                            upper="voluntary_high", title=f"{title} — {t('voluntary', lang).lower()}",
                            xlabel=t("rate_pct", lang), percent=True, empty_message=t("no_data", lang),
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
            t("headcount", lang): frame["headcount"].map(whole),
            t("voluntary", lang): frame["voluntary_rate"].map(lambda v: pct(v, 1)),
            t("ci95", lang): [interval(a, b, 1) for a, b in zip(frame["voluntary_low"], frame["voluntary_high"])],
            t("involuntary", lang): frame["involuntary_rate"].map(lambda v: pct(v, 1)),
            t("kpi_leavers", lang): frame["leavers"].map(whole),
            "note": frame["note"],
            "suppressed": frame["suppressed"],
        }
    )
