"""Page 10 — for employees: the team-level results staff themselves may see. Their team beside
the whole organisation on every scale of the latest wave, eNPS and response rate, and the
team's stop/start agreements. No HR figures, no other team's results, no comments."""

from __future__ import annotations

import html

import ipywidgets as widgets

from verloop.apps.dashboard import charts, figures, team_actions
from verloop.apps.dashboard.i18n import scale_label, t
from verloop.apps.dashboard.layout import Block, DashboardPage


class EmployeesPage(DashboardPage):
    key = "employees"
    show_filters = ("team",)
    require_team = True

    def compute(self, filters):
        if filters.team_id is None:
            return {"scores": None}
        return {"scores": figures.team_vs_organisation(self.source, filters.team_id, filters.lang)}

    def sections(self, data, filters):
        lang = filters.lang
        k = self.source.k
        if data["scores"] is None:
            choose = widgets.HTML(f"<p>{html.escape(t('choose_team', lang))}</p>")
            choose.add_class("verloop-choose-team")
            return [choose]
        out = [widgets.HTML(f"<p>{html.escape(t('employees_intro', lang, k=k))}</p>")]
        scores = data["scores"]
        shown = scores.copy()
        if len(shown):
            shown["scale_label"] = shown["scale"].map(lambda s: scale_label(s, lang))
            shown["who"] = shown["group_kind"].map(
                lambda g: t("your_team", lang) if g == "team" else t("organisation", lang)
            )
        likert = shown[shown["scale"].map(lambda s: figures.scale_range(s)[1] == 5.0)] if len(shown) else shown
        fig = lambda: charts.grouped_bars(
            likert,
            category="scale_label" if len(likert) else "scale",
            group="who" if len(likert) else "group_kind",
            value="score",
            title=t("page_employees", lang),
            xlabel=t("score", lang) + " (1–5)",
            percent=False,
            base=1.0,
            xlim=(1, 5),
            empty_message=t("no_data", lang),
        )
        hidden = (
            scores[(scores["group_kind"] == "team") & scores["suppressed"].fillna(False).astype(bool)]
            if len(scores)
            else scores
        )
        after = []
        if len(hidden):
            note = widgets.HTML(
                f"<p class='verloop-suppressed'>{html.escape(t('your_team', lang))}: "
                f"{html.escape(str(hidden['note'].iloc[0]))}</p>"
            )
            note.add_class("verloop-team-hidden")
            after.append(note)
        out.append(
            self.block(
                Block(
                    name="team-results",
                    title=t("page_employees", lang),
                    figure=fig,
                    frame=scores,
                    table=_extra_table(scores, lang),
                    after=after,
                )
            )
        )
        actions = team_actions.list_actions(self.source.store, filters.team_id) if filters.team_id is not None else None
        items = ""
        if actions is not None and len(actions):
            items = "".join(
                f"<li><b>{html.escape(str(a['cycle']))}</b> ({html.escape(t(a['status'], lang))}) — "
                f"{html.escape(t('stop', lang))}: {html.escape(str(a['stop_text'] or '—'))}; "
                f"{html.escape(t('start', lang))}: {html.escape(str(a['start_text'] or '—'))}</li>"
                for _, a in actions.head(6).iterrows()
            )
        agreements = widgets.HTML(
            f"<h3>{html.escape(t('team_agreements', lang))}</h3>"
            + (f"<ul>{items}</ul>" if items else f"<p>{html.escape(t('no_actions', lang))}</p>")
        )
        agreements.add_class("verloop-team-agreements")
        out.append(agreements)
        return out


def _extra_table(scores, lang):
    """eNPS, wellbeing and response rate as a small table (team against organisation)."""
    if not len(scores):
        return None
    part = scores[scores["scale"].isin(["wellbeing", "enps", "response_rate"])]
    if not len(part):
        return None
    table = part.pivot_table(index="scale", columns="group_kind", values="score", aggfunc="first")
    notes = part[part["group_kind"] == "team"].set_index("scale")["note"]
    out = table.reindex(columns=["team", "organisation"])
    out.columns = [t("your_team", lang), t("organisation", lang)]
    out.index = [t("response_rate", lang) if s == "response_rate" else scale_label(s, lang) for s in out.index]
    out["note"] = notes.reindex(table.index).to_numpy()
    out["suppressed"] = out[t("your_team", lang)].isna() & out["note"].notna()
    return out.reset_index().rename(columns={"index": t("scale", lang)})
