"""Page 6 — exit truth: the reasons leavers state at exit against the reasons they give in
the anonymous follow-up, side by side; themes in exit comments. Comments come from the door
only (at least the comment threshold, never filtered by group)."""

from __future__ import annotations

import html

import ipywidgets as widgets
import pandas as pd

from verloop.apps.dashboard import charts, figures
from verloop.apps.dashboard.downloads import DownloadLinks
from verloop.apps.dashboard.i18n import percent, reason_label, t
from verloop.apps.dashboard.layout import Block, DashboardPage
from verloop.apps.dashboard.themes import comment_themes

MAX_COMMENTS_SHOWN = 15


class ExitsPage(DashboardPage):
    key = "exits"
    show_filters = ("site", "period")

    def compute(self, filters):
        """The reasons' counts and their table per view from the figure cache; the comments (the
        organisation's whatever the filters, never on disk) once per kernel."""
        if getattr(self, "_all_comments", None) is None:
            self._all_comments = figures.exit_comments(self.source)

        def reasons():
            frame = figures.exit_reasons(self.source, filters)
            return {"frame": frame, "table": _reason_table(frame, filters.lang)}

        made = self.view_data("reasons", filters, reasons)
        return {"reasons": made["frame"], "table": made["table"], "comments": self._all_comments}

    def sections(self, data, filters):
        lang = filters.lang
        reasons = data["reasons"]
        shown = reasons.copy()
        if len(shown):
            shown["reason_label"] = shown["reason_code"].map(lambda c: reason_label(c, lang))
            shown["source_label"] = shown["source"].map(lambda s: t(s, lang))
        fig = lambda: charts.grouped_bars(
            shown,
            category="reason_label" if len(shown) else "reason",
            group="source_label" if len(shown) else "source",
            value="share",
            title=t("stated_vs_honest", lang),
            xlabel=t("share", lang),
            empty_message=t("no_data", lang),
        )
        out = [
            self.block(
                Block(
                    name="exit-reasons",
                    title=t("stated_vs_honest", lang),
                    figure=fig,
                    frame=reasons,
                    table=data["table"],
                    lead=_reasons_lead(reasons, lang),
                    hidden_label=lambda r: t(r["source"], lang),
                )
            )
        ]

        comments = data["comments"]
        published = comments[~comments["suppressed"].fillna(False).astype(bool)] if len(comments) else comments
        themes = self._themes(published)
        if len(themes):
            themes = themes.assign(
                label=themes["theme"].map(lambda c: reason_label(c, lang) if c != "culture" else t("culture", lang))
            )
            theme_fig = lambda: charts.bar_ci(
                themes,
                label="label",
                value="share",
                title=t("themes_title", lang),
                xlabel=t("share", lang),
                percent=True,
                colour=charts.COLORBLIND[2],
            )
        else:
            notes = comments["note"].dropna() if "note" in comments else []
            message = str(notes.iloc[0]) if len(notes) else t("comments_hidden", lang, k=self.source.comment_k)
            theme_fig = lambda: charts.empty(charts.new_figure(7.5, 2.0), t("themes_title", lang), message)
        out.append(
            self.block(
                Block(
                    name="exit-comment-themes",
                    title=t("themes_title", lang),
                    figure=theme_fig,
                    frame=themes,
                    lead=t("comments_unfiltered", lang),
                    key=("unfiltered",),  # the organisation's comments whatever the filters
                )
            )
        )
        out.append(self._comments(comments, published, lang))
        return out

    def _themes(self, published: pd.DataFrame) -> pd.DataFrame:
        """The themes of the organisation's comments: found once per kernel, as the comments are
        the same whatever the filters (every comment read again took a second per filter change
        at 10,000 employees)."""
        if getattr(self, "_found_themes", None) is None:
            texts = published["text"] if len(published) else pd.Series([], dtype=object)
            self._found_themes = comment_themes(texts)
        return self._found_themes

    def _comments(self, comments, published, lang):
        """Up to MAX_COMMENTS_SHOWN comments per survey (at exit / afterwards), as escaped text;
        where the door shows none, its note says why. The comments are the organisation's
        whatever the filters: one widget, its HTML made once per language, and their CSV made
        on click (a filter change sends nothing of them again)."""
        made = getattr(self, "_comment_html", None)
        if made is None:
            made = self._comment_html = {}
        if lang not in made:
            made[lang] = self._comments_html(comments, lang)
        widget = getattr(self, "_comment_widget", None)
        if widget is None:
            widget = self._comment_widget = widgets.HTML()
            widget.add_class("verloop-comments")
            self._comment_links = DownloadLinks()
            self._comment_box = widgets.VBox([widget, self._comment_links])
        if widget.value != made[lang]:
            widget.value = made[lang]
        self._comment_links.show("exit-comments", lang, frame=comments)
        return self._comment_box

    def _comments_html(self, comments, lang) -> str:
        columns = []
        for survey, label in (("exit", "stated"), ("followup", "honest")):
            mine = comments[comments["survey"] == survey] if len(comments) else comments
            texts = mine[~mine["suppressed"].astype(bool) & mine["text"].notna()] if len(mine) else mine
            if len(texts):
                items = "".join(f"<li>{html.escape(str(text))}</li>" for text in texts["text"].head(MAX_COMMENTS_SHOWN))
                more = len(texts) - MAX_COMMENTS_SHOWN
                tail = f"<p>{html.escape(t('more_in_csv', lang, n=more))}</p>" if more > 0 else ""
                body = f"<ul>{items}</ul>{tail}"
            else:
                notes = [n for n in (mine["note"] if len(mine) else []) if n]
                why = notes[0] if notes else t("comments_hidden", lang, k=self.source.comment_k)
                body = f"<p class='verloop-suppressed'>{html.escape(str(why))}</p>"
            columns.append(f"<div class='verloop-comment-column'><h4>{html.escape(t(label, lang))}</h4>{body}</div>")
        return f"<h3>{html.escape(t('comments_title', lang))}</h3><div class='verloop-comment-columns'>{''.join(columns)}</div>"


def _reason_table(reasons, lang):
    if not len(reasons):
        return None
    wide = reasons.pivot_table(index="reason_code", columns="source", values="share", aggfunc="first", dropna=False)
    wide = wide.reindex(index=list(dict.fromkeys(reasons["reason_code"])), columns=["stated", "honest"])
    table = wide.rename(columns=lambda c: t(c, lang))
    table = table.map(lambda v: percent(v, lang))
    table.index = [reason_label(c, lang) for c in table.index]
    return table.reset_index().rename(columns={"index": t("reason", lang)})


def _reasons_lead(reasons, lang: str) -> str | None:
    """How many leavers each side rests on (the follow-up is answered by fewer people)."""
    if not len(reasons):
        return None
    counts = reasons.drop_duplicates("source").set_index("source")["n"]
    parts = [
        f"{t(source, lang)}: n = {counts[source]}"
        for source in ("stated", "honest")
        if source in counts and pd.notna(counts[source])  # a hidden side has no n (pd.NA)
    ]
    return " · ".join(parts) or None
