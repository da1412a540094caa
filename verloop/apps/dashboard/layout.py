"""The page shell every dashboard shares: title, navigation, filter bar, progress, sections.

A page subclass says what to fetch through the privacy door (``compute``) and how to draw it
(``sections``); this module does the rest the same way everywhere: a progress indicator while
figures load, one clear sentence when the door refuses a filter, a download bar under every
chart and table, and stable CSS classes for the browser tests:

``verloop-page verloop-page-<key>`` (root, plus ``verloop-ready`` once drawn),
``verloop-filterbar``, ``verloop-progress``, ``verloop-message``, ``verloop-section``,
``verloop-chart``, ``verloop-table``, ``verloop-downloads``, ``verloop-suppressed``.
"""

from __future__ import annotations

import dataclasses
import html
import logging
import os
import time
import urllib.parse
from collections.abc import Sequence

import ipywidgets as widgets
import pandas as pd

from verloop.apps.dashboard import PAGE_KEYS, charts
from verloop.apps.dashboard.downloads import DownloadLinks
from verloop.apps.dashboard.filters import FilterBar, Filters
from verloop.apps.dashboard.i18n import check_lang, column_label, number, t, unit_word
from verloop.errors import VerloopError

log = logging.getLogger(__name__)

NAV_ORDER = PAGE_KEYS  # the one page list (``verloop.apps.dashboard.PAGE_KEYS``)
MODEL_PAGES = ("drivers", "risk", "whatif")  # pages drawn from the trained team model
HOME = "/voila/render/index.ipynb"  # the HR home (also served at the HR side's ``/``)

CSS = """
<style>
.verloop-page { max-width: 1100px; margin: 0 auto; font-family: system-ui, sans-serif; }
.verloop-page h1 { font-size: 1.6em; margin: 0.2em 0; }
.verloop-nav a { margin-right: 0.9em; font-size: 0.9em; white-space: nowrap; }
.verloop-nav a.verloop-current { font-weight: bold; text-decoration: none; color: #222; }
.verloop-section { border-top: 1px solid #ddd; padding-top: 0.4em; margin-top: 0.6em; }
.verloop-section h3 { margin: 0.2em 0; font-size: 1.1em; }
.verloop-section .verloop-lead { color: #444; margin: 0.1em 0 0.4em 0; }
.verloop-chart { max-width: 100%; height: auto; }
.verloop-sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
.verloop-downloads a { font-size: 0.85em; margin-right: 0.6em; }
table.verloop-table { border-collapse: collapse; font-size: 0.85em; margin: 0.3em 0; }
table.verloop-table th, table.verloop-table td { padding: 2px 8px; border-bottom: 1px solid #eee; text-align: right; }
table.verloop-table th:first-child, table.verloop-table td:first-child { text-align: left; }
table.verloop-table td.verloop-suppressed { color: #666; font-style: italic; }
.verloop-kpis { display: flex; flex-wrap: wrap; gap: 0.8em; }
.verloop-kpi { border: 1px solid #ddd; border-radius: 6px; padding: 0.4em 0.8em; min-width: 11em; }
.verloop-kpi .verloop-kpi-value { font-size: 1.5em; font-weight: bold; }
.verloop-kpi .verloop-kpi-sub { font-size: 0.8em; color: #555; }
.verloop-message { color: #8a4b00; }
.verloop-comment-columns { display: flex; flex-wrap: wrap; gap: 2em; }
.verloop-comment-column { flex: 1 1 22em; }
.verloop-footer { color: #666; font-size: 0.8em; margin-top: 1em; }
.verloop-app { max-width: 1200px; margin: 0 auto; font-family: system-ui, sans-serif; }
.verloop-tabs .lm-TabBar-tab, .verloop-tabs .p-TabBar-tab { flex: 0 0 auto !important; min-width: 0 !important;
  max-width: none !important; }
.verloop-spinner { display: inline-block; width: 14px; height: 14px; border: 2px solid #bbb;
  border-top-color: #0173B2; border-radius: 50%; animation: verloop-spin 0.8s linear infinite;
  vertical-align: middle; margin-right: 0.4em; }
@keyframes verloop-spin { to { transform: rotate(360deg); } }
</style>
"""


def prepare_kernel(store=None):
    """What an HR page kernel does before it knows its request — in a preheated kernel, before
    it waits (``query_lang``): everything that depends neither on the request nor on the data.
    The modules a page shows cached figures with (the figure cache, the access log, Babel's
    number formats), the store's engine (opened and its schema checked, no data read),
    matplotlib in a background thread for the first new picture. The data — structure, the
    revision, every figure — is read only after the request (``DashboardSource.open``), so a
    kernel preheated before an import or a closed wave shows the new data. Returns the store
    (``store`` itself when given)."""
    import babel.numbers  # noqa: F401  (every number on a page)

    import verloop.accounts.web  # noqa: F401  (the request, the account, the access log)
    import verloop.apps.dashboard.app  # noqa: F401  (the access log of a page)
    import verloop.apps.dashboard.cache  # noqa: F401  (the shared figure cache)

    if os.environ.get("VOILA_PREHEAT") == "True":  # idle until the request: no page build to slow down
        charts.preload()
    if store is None:
        from verloop.apps.common import app_store

        store = app_store()
    return store


def query_lang() -> str | None:
    """The ``lang`` in the page URL (Voilà hands the query string to the kernel), if any."""
    from verloop.accounts.web import wait_for_request

    wait_for_request()  # a preheated HR kernel: the request (its query, its account) first
    query = os.environ.get("QUERY_STRING", "")
    values = urllib.parse.parse_qs(query).get("lang")
    return values[0] if values else None


# ---------------------------------------------------------------------------------------------
# Building blocks
# ---------------------------------------------------------------------------------------------


@dataclasses.dataclass
class Block:
    """One chart and/or table with its downloads (the frame is what the door published)."""

    name: str  # file name stem for downloads, e.g. "turnover-by-team"
    title: str
    figure: object | None = None  # a matplotlib Figure, or a function drawing it (drawn on demand)
    frame: pd.DataFrame | None = None  # the published frame behind the chart (CSV download)
    table: pd.DataFrame | None = None  # what to show as a table (defaults to nothing)
    lead: str | None = None  # a sentence above the chart
    cache: bool = True  # the picture depends only on the filters and the language
    persist: bool = True  # it may be stored in the shared figure cache (False: kept in this kernel)
    key: tuple | None = None  # what the picture depends on besides the language, when not the filters
    after: Sequence[widgets.Widget] = ()
    label: str = "group"  # the column naming a row's group, for the 'not shown' line
    hidden_label: callable | None = None  # row → words, when one column does not say it
    unit: str | None = None  # what a row is (team, site, wave…) when the frame does not say it


MAX_HIDDEN_NAMED = 12


_UNITS = {
    "team": "team",
    "site": "site",
    "wave": "wave",
    "period_start": "month",
    "month": "month",
    "scale": "scale",
    "reason_code": "reason",
}


def _unit_of(hidden: pd.DataFrame, label: str) -> str:
    """What a hidden row is (team, site, wave, …), for '7 teams: …'."""
    if "level" in hidden.columns:
        levels = set(hidden["level"].dropna().astype(str))
        if len(levels) == 1 and next(iter(levels)) in ("team", "site"):
            return next(iter(levels))
    return _UNITS.get(label, "group")


def hidden_groups(frame: pd.DataFrame | None, label: str = "group", describe=None) -> list[tuple[str, list[str], int]]:
    """The suppressed rows of a frame folded per note: ``[(note, names, count), …]`` in order of
    first appearance (a row the describer maps to ``None`` repeats another one and is skipped)."""
    if frame is None or not len(frame) or "suppressed" not in frame.columns:
        return []
    hidden = frame[frame["suppressed"].fillna(False).astype(bool)]
    folded: dict[str, tuple[list[str], set]] = {}
    for position, (_, row) in enumerate(hidden.iterrows()):
        if describe is not None:
            name = describe(row)
            if name is None:
                continue
        else:
            name = row.get(label) if label in row else None
        note = str(row.get("note") or "")
        names, seen = folded.setdefault(note, ([], set()))
        named = name is not None and str(name) not in ("nan", "None", "<NA>", "NaT", "")
        key = str(name) if named else f"#{position}"
        if key in seen:
            continue
        seen.add(key)
        if named:
            names.append(str(name))
    return [(note, names, len(seen)) for note, (names, seen) in folded.items()]


def hidden_line(
    frame: pd.DataFrame | None, lang: str, label: str = "group", describe=None, unit: str | None = None
) -> str:
    """One line for the suppressed rows of a frame, folded per reason with a count:
    'Not shown — 7 teams: fewer than 5 responses (Team A, Team B, … +2)'.

    Charts draw suppressed groups as grey gaps; this line says the same in words, so the
    reason is readable (and findable) without looking at the picture, and stays one line
    however many groups are hidden (at most ``MAX_HIDDEN_NAMED`` names, then a count).
    """
    groups = hidden_groups(frame, label, describe)
    if not groups:
        return ""
    hidden = frame[frame["suppressed"].fillna(False).astype(bool)]
    unit = unit or _unit_of(hidden, label)
    budget = MAX_HIDDEN_NAMED
    parts = []
    for note, names, count in groups:
        shown, budget = names[: max(budget, 0)], budget - len(names)
        rest = len(names) - len(shown)
        listing = ", ".join(shown) + (f", … +{rest}" if rest > 0 and shown else "")  # no names left: the count says it
        text = t("hidden_count", lang, n=count, what=unit_word(unit, count, lang), note=note or "—")
        parts.append(f"{text} ({listing})" if listing else text)
    return f"{t('not_shown', lang)} — " + "; ".join(parts)


def _is_missing(value) -> bool:
    return value is None or (pd.api.types.is_scalar(value) and not isinstance(value, str) and pd.isna(value))


def cell_text(value, lang: str) -> str:
    """One table cell in the reader's language: numbers by the locale (nl 1.234,5 · en 1,234.5),
    yes/no for flags, ISO dates, '—' for a missing (or hidden) value."""
    import datetime as dt

    import numpy as np

    if _is_missing(value):
        return "—"
    if isinstance(value, (bool, np.bool_)):
        return t("yes" if value else "no", lang)
    if isinstance(value, (int, np.integer)):
        return number(int(value), lang, 0)
    if isinstance(value, (float, np.floating)):
        return number(float(value), lang)
    if isinstance(value, (pd.Timestamp, dt.datetime)):
        stamp = pd.Timestamp(value)
        return stamp.date().isoformat() if stamp == stamp.normalize() else stamp.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def table_html(
    frame: pd.DataFrame, lang: str, *, formats: dict | None = None, max_rows: int = 200, fold_notes: bool = True
) -> str:
    """An escaped HTML table for people: headers in the reader's language (``column_label``),
    numbers formatted for it (``cell_text``), hidden cells '—'. The per-row ``note`` column is
    not shown: the notes are folded into one line under the table ('3 teams: fewer than 5
    responses (…)'), or left to the block's own line (``fold_notes=False``)."""
    formats = formats or {}
    columns = [c for c in frame.columns if c not in ("suppressed", "reason", "note")]
    label = columns[0] if columns else "group"
    words = [column_label(c, lang) for c in columns]
    head = "".join(f'<th scope="col">{html.escape(w[:1].upper() + w[1:])}</th>' for w in words)
    rows = []
    suppressed = frame["suppressed"] if "suppressed" in frame.columns else pd.Series(False, index=frame.index)
    for idx, row in frame.head(max_rows).iterrows():
        hidden = bool(suppressed.get(idx, False))
        cells = []
        for column in columns:
            value = row[column]
            css = ""
            if _is_missing(value):
                text = "—"
                css = ' class="verloop-suppressed"' if hidden else ""
            elif column in formats:
                text = formats[column](value)
            else:
                text = cell_text(value, lang)
            cells.append(f"<td{css}>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    table = f'<table class="verloop-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    line = hidden_line(frame, lang, label) if fold_notes and "note" in frame.columns else ""
    return table + (f'<p class="verloop-suppressed verloop-table-note">{html.escape(line)}</p>' if line else "")


def kpi_cards(cards: Sequence[tuple[str, str, str]]) -> widgets.HTML:
    """Big numbers: (label, value, subline) each; values already formatted and translated."""
    body = "".join(
        f'<div class="verloop-kpi"><div>{html.escape(label)}</div>'
        f'<div class="verloop-kpi-value">{html.escape(value)}</div>'
        f'<div class="verloop-kpi-sub">{html.escape(sub)}</div></div>'
        for label, value, sub in cards
    )
    widget = widgets.HTML(f'<div class="verloop-kpis">{body}</div>')
    widget.add_class("verloop-kpi-cards")
    return widget


class BlockView:
    """The widgets of one block, kept between redraws: a filter change updates their values
    instead of replacing them, so the browser patches a few properties rather than rebuilding
    the page."""

    def __init__(self, name: str):
        self.title = widgets.HTML()
        self.lead = widgets.HTML()
        self.image = widgets.Image(
            format="png", layout=widgets.Layout(width="auto", max_width="100%", height="auto", align_self="flex-start")
        )
        self.image.add_class("verloop-chart")
        self.note = widgets.HTML()
        self.note.add_class("verloop-suppressed-note")
        self.table = widgets.HTML()
        self.table.add_class("verloop-table-box")
        self.downloads = DownloadLinks()
        self.box = widgets.VBox()
        self.box.add_class("verloop-section")
        self.box.add_class(f"verloop-section-{name}")

    def update(self, block: Block, lang: str, png: bytes | None, texts: dict | None = None) -> widgets.VBox:
        """Show ``block``; ``texts``: its ``block_texts`` when already made (from the cache)."""
        parts: list[widgets.Widget] = [self.title]
        # a chart carries its own title (so that a downloaded PNG does too): the heading stays
        # for screen readers and the page outline but is not shown twice
        hidden = ' class="verloop-sr-only"' if block.figure is not None else ""
        set_value(self.title, f"<h3{hidden}>{html.escape(block.title)}</h3>")
        if block.lead:
            set_value(self.lead, f'<p class="verloop-lead">{html.escape(block.lead)}</p>')
            parts.append(self.lead)
        if png is not None:
            if self.image.value != png:
                self.image.value = png
            parts.append(self.image)
        texts = texts if texts is not None else block_texts(block, lang)
        if texts["note"]:
            set_value(self.note, texts["note"])
            parts.append(self.note)
        if texts["table"] is not None:
            set_value(self.table, texts["table"])
            parts.append(self.table)
        if block.frame is not None or png is not None:  # the files are made when clicked
            parts.append(self.downloads.show(block.name, lang, frame=block.frame, png=png))
        parts.extend(block.after)
        if tuple(parts) != self.box.children:
            self.box.children = tuple(parts)
        return self.box


def block_texts(block: Block, lang: str) -> dict:
    """The HTML under a block's chart: the 'not shown' line and the table (from the block's
    published frame; a function of it and the language). The downloads are made on click."""
    line = hidden_line(block.frame, lang, block.label, block.hidden_label, block.unit)
    return {
        "note": f'<p class="verloop-suppressed">{html.escape(line)}</p>' if line else "",
        "table": table_html(block.table, lang, fold_notes=not line) if block.table is not None else None,
    }


def set_value(widget: widgets.Widget, value) -> None:
    """Give a widget a new value only when it differs: an unchanged value is not sent again."""
    if widget.value != value:
        widget.value = value


def render_block(block: Block, lang: str, view: BlockView | None = None, png: bytes | None = None) -> widgets.VBox:
    """Draw ``block`` into ``view`` (a new one when not given); ``png`` skips drawing."""
    view = view or BlockView(block.name)
    if png is None and block.figure is not None:
        figure = block.figure() if callable(block.figure) else block.figure
        png = charts.to_png(figure)
    return view.update(block, lang, png)


def nav_html(current: str, lang: str) -> widgets.HTML:
    links = [f'<a class="verloop-home-link" href="{HOME}?lang={lang}">⌂ {html.escape(t("home", lang))}</a>']
    for key in NAV_ORDER:
        css = ' class="verloop-current"' if key == current else ""
        links.append(f'<a{css} href="dashboard_{key}.ipynb?lang={lang}">{html.escape(t("page_" + key, lang))}</a>')
    widget = widgets.HTML("".join(links))
    widget.add_class("verloop-nav")
    return widget


# ---------------------------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------------------------


class DashboardPage:
    """Base of every page: subclasses set ``key`` and implement ``compute`` and ``sections``.

    ``compute(filters)`` returns the figures the door published for those filters (cached per
    filter choice; a language switch redraws without fetching again); ``sections(data, filters)``
    returns widgets to show. A ``VerloopError`` from the door (a refused filter, no model yet) is
    shown as one sentence instead of the sections.
    """

    key = "base"
    show_filters: Sequence[str] = ("site", "team", "period")
    shared_data = False  # ``compute``'s result may be kept in the shared figure cache per view
    # (published frames only — never free text, which is not copied to disk)
    require_team = False
    default_period = 12

    def __init__(self, store=None, lang: str | None = None, source=None, filterbar: FilterBar | None = None):
        from verloop.apps.dashboard.data import DashboardSource

        self.shared = filterbar  # the tabbed app's one filter bar (it then owns title and nav)
        if source is None:
            store = prepare_kernel(store)  # a preheated kernel: all that needs no data, before the wait
        self.lang = check_lang(lang or query_lang())
        self.source = source or DashboardSource.open(store)
        self._cache: dict[tuple, object] = {}
        self._views: dict[str, BlockView] = {}
        self._pngs: dict[tuple, bytes] = {}
        self._navs: dict[str, widgets.HTML] = {}
        self.timings: dict[str, float] = {}
        self.root: widgets.VBox | None = None

    # -- to implement -------------------------------------------------------------------------
    def compute(self, filters: Filters):  # pragma: no cover - abstract
        raise NotImplementedError

    def sections(self, data, filters: Filters) -> list[widgets.Widget]:  # pragma: no cover
        raise NotImplementedError

    # -- shell --------------------------------------------------------------------------------
    def build(self) -> widgets.VBox:
        if self.shared is None:  # a page of its own (the tabbed app logs its tabs itself)
            from verloop.apps.dashboard.app import _log_page

            _log_page(self.source, self.key)
        self.title = widgets.HTML()
        self.title.add_class("verloop-title")
        self.nav = widgets.Box()
        self.filterbar = self.shared or FilterBar(
            self.source.options,
            self.lang,
            show=self.show_filters,
            period=self.default_period,
            require_team=self.require_team,
        )
        self.progress = widgets.HTML(layout=widgets.Layout(display="none"))
        self.progress.add_class("verloop-progress")
        self.message = widgets.HTML()
        self.message.add_class("verloop-message")
        self.body = widgets.VBox()
        self.body.add_class("verloop-body")
        self.footer = widgets.HTML()
        self.footer.add_class("verloop-footer")
        if self.shared is None:
            parts = [
                widgets.HTML(CSS),
                self.title,
                self.nav,
                self.filterbar.widget,
                self.progress,
                self.message,
                self.body,
                self.footer,
            ]
            self.filterbar.on_change(self.on_filters)
        else:  # inside the tabbed app: the app shows title, navigation, filters and footer once
            parts = [self.progress, self.message, self.body]
        self.root = widgets.VBox(parts)
        self.root.add_class("verloop-page")
        self.root.add_class(f"verloop-page-{self.key}")
        self.refresh()
        charts.preload()  # the first picture a filter change draws then pays no import (once)
        return self.root

    @property
    def filters(self) -> Filters:
        """The filter bar's choice, reduced to the filters this page uses (a shared bar offers
        all of them; a page ignores what does not apply to it, e.g. the drivers page)."""
        value = self.filterbar.value
        if self.shared is None:
            return value
        changes = {}
        if "site" not in self.show_filters:
            changes["site_id"] = None
        if "team" not in self.show_filters:
            changes["team_id"] = None
        if "period" not in self.show_filters:
            from verloop.apps.dashboard.filters import period_bounds

            start, end = period_bounds(self.source.options, 0)
            changes.update(months=0, start=start, end=end)
        return dataclasses.replace(value, **changes) if changes else value

    def on_filters(self, new: Filters, old: Filters) -> None:
        """The filter bar changed: redraw (the tabbed app calls this for the visible page)."""
        self.lang = new.lang
        self.refresh()

    def _chrome(self, lang: str) -> None:
        if self.shared is not None:
            return
        self.title.value = f"<h1>{html.escape(t('page_' + self.key, lang))}</h1>"
        if lang not in self._navs:  # one per language: a filter change sends none
            self._navs[lang] = nav_html(self.key, lang)
        if self.nav.children != (self._navs[lang],):
            self.nav.children = (self._navs[lang],)
        k, kc = self.source.k, self.source.comment_k
        self.footer.value = html.escape(t("privacy_footer", lang, k=k, kc=kc))

    def fetch(self, filters: Filters):
        """The door's figures for ``filters`` and language (cached: switching back is instant;
        the door calls themselves are cached in ``figures``, so a language switch only re-words)."""
        key = (filters.data_key(), filters.lang)  # notes are worded per language
        if key not in self._cache:
            started = time.perf_counter()
            if self.shared_data:  # one read of what the refresh computed for this view
                self._cache[key] = self.view_data("all", filters, lambda: self.compute(filters))
            else:
                self._cache[key] = self.compute(filters)
            self.timings["compute"] = time.perf_counter() - started
        return self._cache[key]

    def view_data(self, name: str, filters: Filters, build):
        """``build()``'s result for this page, view and language, kept in the shared figure cache
        (the refresh computes it for every view it builds): published figures only, never
        free text."""
        from verloop.apps.dashboard import figures
        from verloop.apps.dashboard.cache import FRAME_CODE

        key = ("page-data", self.key, name, filters.data_key(), filters.lang)
        return figures.cached(self.source, key, build, code=FRAME_CODE + (f"apps/dashboard/pages/{self.key}.py",))

    def refresh(self) -> None:
        """Fetch (or reuse) the figures for the current filters and redraw, showing progress."""
        filters = self.filters
        lang = filters.lang
        self.root.remove_class("verloop-ready")
        self.progress.value = f'<span class="verloop-spinner"></span>{html.escape(t("loading", lang))}'
        self.progress.layout.display = None
        started = time.perf_counter()
        try:
            self._chrome(lang)
            data = self.fetch(filters)
            drawn = time.perf_counter()
            children = self.sections(data, filters)
            self.timings["draw"] = time.perf_counter() - drawn
            self.message.value = ""
            self.message.remove_class("verloop-refused")
            self.body.children = tuple(children)
        except VerloopError as exc:
            self.message.value = f"<p>{html.escape(t('refused_filter', lang))}: {html.escape(str(exc))}</p>"
            self.message.add_class("verloop-refused")
            self.body.children = ()
        except Exception as exc:  # a bug: say so on the page instead of a broken page
            log.exception("dashboard page %s failed", self.key)
            self.message.value = (
                f"<p class='verloop-failure'>{html.escape(t('error', lang))}: "
                f"{html.escape(type(exc).__name__)}: {html.escape(str(exc))}</p>"
            )
            self.message.add_class("verloop-refused")
            self.body.children = ()
        finally:
            self.timings["refresh"] = time.perf_counter() - started
            self.progress.layout.display = "none"
            self.root.add_class("verloop-ready")

    # -- helpers for subclasses -----------------------------------------------------------------
    def block(self, block: Block) -> widgets.Widget:
        """The block's widgets, reused between redraws; its picture cached per filters and language."""
        filters = self.filters
        view = self._views.get(block.name)
        if view is None:
            view = self._views[block.name] = BlockView(block.name)
        key = (block.name, filters.lang, filters.data_key() if block.key is None else block.key)

        def draw(figure=block.figure) -> dict:
            png = charts.to_png(figure() if callable(figure) else figure) if figure is not None else None
            return {"png": png, **block_texts(block, filters.lang)}

        if not block.cache:
            drawn = draw()
        else:
            drawn = self._pngs.get(key)
            if drawn is None:
                drawn = self.picture(key, draw, persist=block.persist)
                if len(self._pngs) > 200:
                    self._pngs.clear()
                self._pngs[key] = drawn
        return view.update(block, filters.lang, drawn["png"], drawn)

    def picture(self, key: tuple, draw, persist: bool = True) -> dict:
        """A block's chart (PNG) and the HTML under it, made once per data revision and shared
        with the other kernels through the figure cache (``refresh`` draws every view it
        builds): pictures and tables of published frames only, a function of the page, the
        filters and the language."""
        from verloop.apps.dashboard import figures
        from verloop.apps.dashboard.cache import MODEL_CODE, PICTURE_CODE

        code = PICTURE_CODE + (f"apps/dashboard/pages/{self.key}.py",)
        extra: tuple = ()
        if self.key in MODEL_PAGES:  # a picture of the trained model: its card is part of the key
            extra = figures.model_card_stamp()
            code += MODEL_CODE
        return figures.cached(self.source, ("png", self.key, *key, *extra), draw, persist=persist, code=code)
