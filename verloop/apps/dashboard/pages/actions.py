"""Page 9 — actions: per team, the stop/start agreements of each 4–6-week cycle (add, edit,
close, stored in ``team_actions``) and the team's scales in the wave before the agreement and
the first wave after its cycle, both through the privacy door."""

from __future__ import annotations

import datetime as dt
import hashlib
import html

import ipywidgets as widgets
import pandas as pd

from verloop.apps.dashboard import charts, figures, team_actions
from verloop.apps.dashboard.downloads import DownloadLinks
from verloop.apps.dashboard.i18n import scale_label, t
from verloop.apps.dashboard.layout import Block, DashboardPage, set_value
from verloop.errors import VerloopError

CYCLE_DAYS = 42  # a six-week stop/start cycle: the 'after' wave is the first one after this
MAX_LISTED = 8  # the latest agreements are listed; every one of them is in the CSV


def before_after(trend: pd.DataFrame, created_on: dt.date, closed_on: dt.date | None) -> pd.DataFrame:
    """Scale scores of the last wave before ``created_on`` and the first wave after the cycle.

    ``trend`` is the door's per-wave frame for one team (wave, date, scale, score, n, note,
    suppressed). Returns ``scale, when ('before'|'after'), wave, date, score, n, note,
    suppressed``; empty when either wave is missing.
    """
    if trend is None or not len(trend):
        return pd.DataFrame(columns=["scale", "when", "wave", "date", "score", "n", "note", "suppressed"])
    dates = pd.to_datetime(trend["date"]).dt.date
    end = closed_on or (created_on + dt.timedelta(days=CYCLE_DAYS))
    before = dates[dates < created_on]
    after = dates[dates >= max(end, created_on + dt.timedelta(days=1))]
    if before.empty or after.empty:
        return pd.DataFrame(columns=["scale", "when", "wave", "date", "score", "n", "note", "suppressed"])
    parts = []
    for when, day in (("before", before.max()), ("after", after.min())):
        part = trend[dates == day].copy()
        part.insert(1, "when", when)
        parts.append(part)
    frame = pd.concat(parts, ignore_index=True)
    keep = [c for c in ("scale", "when", "wave", "date", "score", "n", "note", "suppressed") if c in frame.columns]
    return frame[keep]


class ActionRow:
    """One listed agreement: its text and its edit / close buttons, kept between redraws (a
    filter change or a save updates the texts instead of sending new widgets)."""

    def __init__(self, page: ActionsPage):
        self.action = None
        self.label = widgets.HTML(layout=widgets.Layout(width="36em"))
        self.edit = widgets.Button(layout=widgets.Layout(width="8em"))
        self.edit.add_class("verloop-action-edit")
        self.edit.on_click(lambda _b: page.start_edit(self.action))
        self.close = widgets.Button(layout=widgets.Layout(width="8em"))
        self.close.add_class("verloop-action-close")
        self.close.on_click(lambda _b: page.close(int(self.action["id"])))
        self.box = widgets.HBox()
        self.box.add_class("verloop-action-row")

    def show(self, action, lang: str) -> widgets.HBox:
        self.action = action
        status = t(action["status"], lang)
        set_value(
            self.label,
            f"<b>{html.escape(str(action['cycle']))}</b> · {html.escape(status)}"
            f"<br>{html.escape(t('stop', lang))}: {html.escape(str(action['stop_text'] or '—'))}"
            f"<br>{html.escape(t('start', lang))}: {html.escape(str(action['start_text'] or '—'))}",
        )
        self.edit.description = t("edit", lang)
        self.close.description = t("close_action", lang)
        children = (self.label, self.edit, self.close) if action["status"] == "open" else (self.label, self.edit)
        if self.box.children != children:
            self.box.children = children
        for state in ("open", "closed"):
            if state != action["status"]:
                self.box.remove_class(f"verloop-action-{state}")
        self.box.add_class(f"verloop-action-{action['status']}")
        return self.box


class ActionsPage(DashboardPage):
    key = "actions"
    show_filters = ("site", "team")
    require_team = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing: int | None = None
        self.form_message = widgets.HTML()
        self.form_message.add_class("verloop-action-message")
        self.cycle = widgets.Text(placeholder="2026-C1")
        self.cycle.add_class("verloop-action-cycle")
        self.stop = widgets.Textarea(layout=widgets.Layout(width="32em", height="4em"))
        self.stop.add_class("verloop-action-stop")
        self.start = widgets.Textarea(layout=widgets.Layout(width="32em", height="4em"))
        self.start.add_class("verloop-action-start")
        self.save = widgets.Button(button_style="primary")
        self.save.add_class("verloop-action-save")
        self.save.on_click(lambda _b: self.save_form())
        self.list_box = widgets.VBox()
        self.list_box.add_class("verloop-action-list")
        self._team_drawn: int | None = None
        # made once, updated on every redraw
        self.rows = [ActionRow(self) for _ in range(MAX_LISTED)]
        self.list_empty = widgets.HTML()
        self.list_more = widgets.HTML()
        self.list_links = DownloadLinks()
        self.choose = widgets.HTML()
        self.choose.add_class("verloop-choose-team")
        self.list_title = widgets.HTML()
        self.form_title = widgets.HTML()
        self.form = widgets.VBox([self.form_title, self.cycle, self.stop, self.start, self.save, self.form_message])
        self.form.add_class("verloop-action-form")

    def build(self) -> widgets.VBox:
        """As every page; a ``team_id`` in the URL (the watermelon page links each flagged team
        here) opens on that team."""
        import os
        import urllib.parse

        from traitlets import TraitError

        root = super().build()
        wanted = urllib.parse.parse_qs(os.environ.get("QUERY_STRING", "")).get("team_id") or [""]
        if self.shared is None and wanted[0].isdigit():
            try:
                self.filterbar.set(team_id=int(wanted[0]))
            except TraitError:  # not a team of this organisation: keep the default team
                pass
        return root

    def compute(self, filters):
        if filters.team_id is None:
            return {"trend": None}
        return {"trend": figures.team_scale_trend(self.source, filters.team_id, filters.lang)}

    # -- drawing ------------------------------------------------------------------------------
    def sections(self, data, filters):
        lang = filters.lang
        if filters.team_id != self._team_drawn:  # another team: never save over the previous team's agreement
            self.editing = None
            self.cycle.value = self.stop.value = self.start.value = ""
            self.form_message.value = ""
            self._team_drawn = filters.team_id
        if filters.team_id is None:
            set_value(self.choose, f"<p>{html.escape(t('choose_team', lang))}</p>")
            return [self.choose]
        self.cycle.description = t("cycle", lang)
        self.stop.description = t("stop", lang)
        self.start.description = t("start", lang)
        self._label_save(lang)
        set_value(self.form_title, f"<h3>{html.escape(t('new_action', lang))}</h3>")
        set_value(self.list_title, f"<h3>{html.escape(t('actions_title', lang))}</h3>")
        actions = self.actions()
        self._draw_list(lang, actions)
        return [self.list_title, self.list_box, self.form, self._before_after_block(data["trend"], lang, actions)]

    def _label_save(self, lang: str) -> None:
        self.save.description = t("save", lang) if self.editing else t("add", lang)

    def actions(self) -> pd.DataFrame:
        return team_actions.list_actions(self.source.store, self.filters.team_id)

    def _draw_list(self, lang: str, actions: pd.DataFrame | None = None) -> None:
        actions = self.actions() if actions is None else actions
        if not len(actions):
            set_value(self.list_empty, f"<p>{html.escape(t('no_actions', lang))}</p>")
            shown = (self.list_empty,)
        else:
            rows = [row.show(action, lang) for row, (_, action) in zip(self.rows, actions.head(MAX_LISTED).iterrows())]
            more = (
                f"<p>{html.escape(t('older_in_csv', lang, n=len(actions) - MAX_LISTED))}</p>"
                if len(actions) > MAX_LISTED
                else ""
            )
            set_value(self.list_more, more)
            team = self.source.options.team_name(self.filters.team_id) or "team"
            links = self.list_links.show(f"actions-{team}", lang, frame=actions)
            shown = (*rows, self.list_more, links) if more else (*rows, links)
        if self.list_box.children != shown:
            self.list_box.children = shown

    def _before_after_block(self, trend, lang: str, actions: pd.DataFrame) -> widgets.Widget:
        """The first listed agreement with a wave before it and one after its cycle. The chart
        is a function of that frame and its title: cached by their content (the refresh draws
        each site's first team; an edited agreement makes a new key)."""
        frame = pd.DataFrame()
        title = t("before_after", lang)
        for _, action in actions.iterrows():
            frame = before_after(trend, action["created_on"], action["closed_on"])
            if len(frame):
                title = f"{t('before_after', lang)}: {action['cycle']}"
                break
        shown = frame.copy()
        if len(shown):
            shown["scale_label"] = shown["scale"].map(lambda s: scale_label(s, lang))
            shown["when_label"] = shown["when"].map(lambda w: t(w, lang))
            likert = shown[shown["scale"].map(lambda s: figures.scale_range(s)[1] == 5.0)]
            fig = lambda: charts.grouped_bars(
                likert,
                category="scale_label",
                group="when_label",
                value="score",
                title=title,
                xlabel=t("score", lang) + " (1–5)",
                percent=False,
                base=1.0,
                xlim=(1, 5),
            )
        else:
            fig = lambda: charts.empty(charts.new_figure(7.5, 2.0), title, t("no_data", lang))
        digest = hashlib.sha256(frame.to_csv(index=False).encode()).hexdigest()[:20]
        return self.block(Block(name="actions-before-after", title=title, figure=fig, frame=frame, key=(title, digest)))

    # -- editing ------------------------------------------------------------------------------
    def start_edit(self, action) -> None:
        self.editing = int(action["id"])
        self.cycle.value = str(action["cycle"] or "")
        self.stop.value = str(action["stop_text"] or "")
        self.start.value = str(action["start_text"] or "")
        self._label_save(self.filters.lang)

    def save_form(self) -> None:
        lang = self.filters.lang
        try:
            if self.editing is None:
                team_actions.add_action(
                    self.source.store,
                    self.filters.team_id,
                    self.cycle.value,
                    self.stop.value,
                    self.start.value,
                    created_on=dt.date.today(),
                    lang=lang,
                )
            else:
                team_actions.edit_action(
                    self.source.store,
                    self.editing,
                    cycle=self.cycle.value,
                    stop_text=self.stop.value,
                    start_text=self.start.value,
                    lang=lang,
                )
        except VerloopError as exc:
            self.form_message.value = f"<p class='verloop-refused'>{html.escape(str(exc))}</p>"
            return
        self.editing = None
        self.cycle.value = self.stop.value = self.start.value = ""
        self._label_save(lang)
        self._draw_list(lang)
        self.form_message.value = f"<p>{html.escape(t('saved', lang))}</p>"

    def close(self, action_id: int) -> None:
        lang = self.filters.lang
        try:
            team_actions.close_action(self.source.store, action_id, closed_on=dt.date.today(), lang=lang)
        except VerloopError as exc:
            self.form_message.value = f"<p class='verloop-refused'>{html.escape(str(exc))}</p>"
            return
        self._draw_list(lang)
        self.form_message.value = f"<p>{html.escape(t('saved', lang))}</p>"
