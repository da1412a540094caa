"""Page 5 — watermelon teams: KPI status (against the organisation's own targets) against people
status (scales pooled over the period's waves, shrunk to the site, and voluntary turnover) as a
quadrant; each team green outside and red inside named with how sure the flag is, the one or
two scales that make it red, and a link to its actions page. The numbers come from
``verloop.analysis.watermelon`` on the door's watermelon frame (``figures.kpi_vs_people``)."""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd

from verloop.apps.dashboard import charts, figures
from verloop.apps.dashboard.i18n import column_label, number, percent, t
from verloop.apps.dashboard.layout import Block, DashboardPage
from verloop.domain.constants import WATERMELON_CORNER_BELOW, WATERMELON_RED_BELOW

MAX_NAMED = 20  # the reddest first; every watermelon team is flagged in the CSV
KPI_WORDS = {"higher": "≥", "lower": "≤"}


def red_scales_text(keys: str, lang: str) -> str:
    """'leadership,absenteeism' → 'Leadership, Absenteeism (%)' in the reader's language."""
    return ", ".join(column_label(k, lang) for k in str(keys or "").split(",") if k)


def certainty_text(value, band: str, lang: str) -> str:
    """'94% (high)' / '94% (hoog)', '> 99% (high)' rather than a rounded 100%; '—' for a hidden team."""
    if value is None or pd.isna(value):
        return "—"
    word = t(f"certainty_{band}", lang) if band else ""
    share = percent(float(value) * 100.0, lang) if value < 0.995 else "> " + percent(99.0, lang)
    return f"{share} ({word})" if word else share


def targets_text(targets: pd.DataFrame, lang: str) -> str:
    """'Avg. handling time (s) ≤ 360 · Service level (%) ≥ 80 · …; not counted: …'."""
    if targets is None or not len(targets):
        return ""
    active = targets[targets["active"].astype(bool)]
    counted = " · ".join(
        f"{column_label(r.kpi, lang)} {KPI_WORDS[r.direction]} {number(r.target, lang)}" for r in active.itertuples()
    )
    text = t("watermelon_targets", lang, targets=counted or "—")
    dropped = targets[~targets["active"].astype(bool) & targets["source"].eq("set")]
    if len(dropped):
        text += " " + t("watermelon_not_counted", lang, kpis=", ".join(column_label(k, lang) for k in dropped["kpi"]))
    return text


class WatermelonPage(DashboardPage):
    key = "watermelon"
    show_filters = ("site", "period")

    def compute(self, filters):
        return figures.kpi_vs_people(self.source, filters)

    def _team_ids(self) -> dict[str, int]:
        teams = self.source.teams
        return dict(zip(teams["team"].astype(str), teams["team_id"].astype(int)))

    def sections(self, data, filters):
        lang = filters.lang
        frame = data["teams"]
        fig = lambda: charts.quadrant(  # noqa: E731
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
            y_mid=WATERMELON_RED_BELOW,
            yerr="people_se",
            empty_message=t("no_data", lang),
        )
        named = frame[frame["watermelon"].fillna(False).astype(bool)] if len(frame) else frame
        worst = named.sort_values("people_status") if len(named) else named
        lead = " ".join(
            p
            for p in (
                t("watermelon_lead", lang, gap=number(abs(WATERMELON_CORNER_BELOW), lang, 1)),
                targets_text(data.get("targets"), lang),
            )
            if p
        )
        out = [
            self.block(
                Block(
                    name="watermelon-quadrant",
                    title=t("watermelon_title", lang),
                    figure=fig,
                    frame=frame,
                    lead=lead,
                    table=_table(worst.head(MAX_NAMED), lang) if len(named) else None,
                )
            ),
            self._listing(worst, lang),
        ]
        return out

    def _listing(self, worst: pd.DataFrame, lang: str) -> widgets.HTML:
        ids = self._team_ids()
        items = []
        for row in worst.head(MAX_NAMED).itertuples():
            name = str(row.group)
            scales = red_scales_text(row.red_scales, lang)
            parts = [f"<strong>{html.escape(name)}</strong>"]
            if scales:
                parts.append(html.escape(t("watermelon_red_on", lang, scales=scales)))
            parts.append(
                html.escape(t("certainty", lang) + ": " + certainty_text(row.certainty, row.certainty_band, lang))
            )
            if name in ids:
                href = f"dashboard_actions.ipynb?lang={lang}&amp;team_id={ids[name]}"
                parts.append(
                    f'<a class="verloop-watermelon-actions" href="{href}">'
                    f"{html.escape(t('watermelon_actions_link', lang))}</a>"
                )
            items.append("<li>" + " · ".join(parts) + "</li>")
        more = len(worst) - len(items)
        if more > 0:
            items.append(f"<li>{html.escape(t('more_in_csv', lang, n=more))}</li>")
        body = (
            f"<ul class='verloop-watermelon-list'>{''.join(items)}</ul>"
            if items
            else f"<p>{html.escape(t('none_watermelon', lang))}</p>"
        )
        listing = widgets.HTML(f"<h3>{html.escape(t('watermelon_named', lang))}</h3>{body}")
        listing.add_class("verloop-watermelon-named")
        return listing


def _table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The flagged teams for people: localised headers (``column_label``), certainty in words,
    the red scales by name; ``table_html`` formats the numbers for the reader's language."""
    out = pd.DataFrame(
        {
            "team": frame["group"].astype(str),
            "site": frame["site"],
            "kpi_status": frame["kpi_status"].astype(float).round(2),
            "people_status": frame["people_status"].astype(float).round(2),
            "certainty": [certainty_text(c, b, lang) for c, b in zip(frame["certainty"], frame["certainty_band"])],
            "red_scales": [red_scales_text(s, lang) for s in frame["red_scales"]],
            "n": frame["n"],
            "suppressed": frame["suppressed"],
            "note": frame["note"],
        }
    )
    return out
