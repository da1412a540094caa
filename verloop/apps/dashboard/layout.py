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

from verloop.apps.dashboard import charts
from verloop.apps.dashboard.downloads import download_links
from verloop.apps.dashboard.filters import FilterBar, Filters
from verloop.apps.dashboard.i18n import check_lang, t
from verloop.errors import VerloopError

log = logging.getLogger(__name__)

NAV_ORDER = (
    "turnover",
    "engagement",
    "drivers",
    "risk",
    "watermelon",
    "exits",
    "retention",
    "whatif",
    "actions",
    "employees",
)

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


def query_lang() -> str | None:
    """The ``lang`` in the page URL (Voilà hands the query string to the kernel), if any."""
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
    after: Sequence[widgets.Widget] = ()
    label: str = "group"  # the column naming a row's group, for the 'not shown' line
    hidden_label: callable | None = None  # row → words, when one column does not say it


MAX_HIDDEN_NAMED = 12


def hidden_line(frame: pd.DataFrame | None, lang: str, label: str = "group", describe=None) -> str:
    """'Not shown: Team A (fewer than 5 responses); …' for the suppressed rows of a frame.

    Charts draw suppressed groups as grey gaps; this line says the same in words, so the
    reason is readable (and findable) without looking at the picture.
    """
    if frame is None or not len(frame) or "suppressed" not in frame.columns:
        return ""
    hidden = frame[frame["suppressed"].fillna(False).astype(bool)]
    if not len(hidden):
        return ""
    items: list[str] = []
    for _, row in hidden.iterrows():
        if describe is not None:
            name = describe(row)
            if name is None:  # the describer says: this row repeats another one
                continue
        else:
            name = row.get(label) if label in row else None
        note = str(row.get("note") or "")
        item = f"{name} ({note})" if name is not None and str(name) != "nan" else note
        if item not in items:
            items.append(item)
    more = len(items) - MAX_HIDDEN_NAMED
    text = "; ".join(items[:MAX_HIDDEN_NAMED]) + (f"; … (+{more})" if more > 0 else "")
    return f"{t('not_shown', lang)}: {text}"


def table_html(frame: pd.DataFrame, lang: str, *, formats: dict | None = None, max_rows: int = 200) -> str:
    """An escaped HTML table; hidden cells show '—' and the row's note says why."""
    formats = formats or {}
    columns = [c for c in frame.columns if c not in ("suppressed", "reason")]
    if "note" in columns and not frame["note"].fillna("").astype(str).str.len().any():
        columns.remove("note")  # nothing hidden: no empty column
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
    rows = []
    suppressed = frame["suppressed"] if "suppressed" in frame.columns else pd.Series(False, index=frame.index)
    for idx, row in frame.head(max_rows).iterrows():
        hidden = bool(suppressed.get(idx, False))
        cells = []
        for column in columns:
            value = row[column]
            css = ""
            if value is None or (pd.api.types.is_scalar(value) and not isinstance(value, str) and pd.isna(value)):
                text = "—"  # the note column says why
                css = ' class="verloop-suppressed"' if hidden else ""
            elif column in formats:
                text = formats[column](value)
            elif isinstance(value, float):
                text = f"{value:,.2f}"
            elif column == "note":
                text = str(value)
                css = ' class="verloop-suppressed"' if value else ""
            else:
                text = str(value)
            cells.append(f"<td{css}>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="verloop-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


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
        self.downloads = widgets.HTML()
        self.downloads.add_class("verloop-downloads")
        self.box = widgets.VBox()
        self.box.add_class("verloop-section")
        self.box.add_class(f"verloop-section-{name}")

    def update(self, block: Block, lang: str, png: bytes | None) -> widgets.VBox:
        parts: list[widgets.Widget] = [self.title]
        # a chart carries its own title (so that a downloaded PNG does too): the heading stays
        # for screen readers and the page outline but is not shown twice
        hidden = ' class="verloop-sr-only"' if block.figure is not None else ""
        _set(self.title, f"<h3{hidden}>{html.escape(block.title)}</h3>")
        if block.lead:
            _set(self.lead, f'<p class="verloop-lead">{html.escape(block.lead)}</p>')
            parts.append(self.lead)
        if png is not None:
            if self.image.value != png:
                self.image.value = png
            parts.append(self.image)
        line = hidden_line(block.frame, lang, block.label, block.hidden_label)
        if line:
            _set(self.note, f'<p class="verloop-suppressed">{html.escape(line)}</p>')
            parts.append(self.note)
        if block.table is not None:
            _set(self.table, table_html(block.table, lang))
            parts.append(self.table)
        if block.frame is not None or png is not None:
            _set(self.downloads, download_links(block.name, lang, frame=block.frame, png=png))
            parts.append(self.downloads)
        parts.extend(block.after)
        if tuple(parts) != self.box.children:
            self.box.children = tuple(parts)
        return self.box


def _set(widget: widgets.HTML, value: str) -> None:
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
    links = []
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
    require_team = False
    default_period = 12

    def __init__(self, store=None, lang: str | None = None, source=None, filterbar: FilterBar | None = None):
        from verloop.apps.dashboard.data import DashboardSource

        self.shared = filterbar  # the tabbed app's one filter bar (it then owns title and nav)
        self.lang = check_lang(lang or query_lang())
        self.source = source or DashboardSource.open(store)
        self._cache: dict[tuple, object] = {}
        self._views: dict[str, BlockView] = {}
        self._pngs: dict[tuple, bytes] = {}
        self.timings: dict[str, float] = {}
        self.root: widgets.VBox | None = None

    # -- to implement -------------------------------------------------------------------------
    def compute(self, filters: Filters):  # pragma: no cover - abstract
        raise NotImplementedError

    def sections(self, data, filters: Filters) -> list[widgets.Widget]:  # pragma: no cover
        raise NotImplementedError

    # -- shell --------------------------------------------------------------------------------
    def build(self) -> widgets.VBox:
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
            parts = [widgets.HTML(CSS), self.title, self.nav, self.filterbar.widget, self.progress, self.message,
                     self.body, self.footer]
            self.filterbar.on_change(self.on_filters)
        else:  # inside the tabbed app: the app shows title, navigation, filters and footer once
            parts = [self.progress, self.message, self.body]
        self.root = widgets.VBox(parts)
        self.root.add_class("verloop-page")
        self.root.add_class(f"verloop-page-{self.key}")
        self.refresh()
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
        self.nav.children = (nav_html(self.key, lang),)
        k, kc = self.source.k, self.source.comment_k
        self.footer.value = html.escape(t("privacy_footer", lang, k=k, kc=kc))

    def fetch(self, filters: Filters):
        """The door's figures for ``filters`` and language (cached: switching back is instant;
        the door calls themselves are cached in ``figures``, so a language switch only re-words)."""
        key = (filters.data_key(), filters.lang)  # notes are worded per language
        if key not in self._cache:
            started = time.perf_counter()
            self._cache[key] = self.compute(filters)
            self.timings["compute"] = time.perf_counter() - started
        return self._cache[key]

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
        key = (block.name, filters.lang, filters.data_key())
        png = self._pngs.get(key) if block.cache else None
        if png is None and block.figure is not None:
            figure = block.figure() if callable(block.figure) else block.figure
            png = charts.to_png(figure)
            if block.cache:
                if len(self._pngs) > 200:
                    self._pngs.clear()
                self._pngs[key] = png
        return view.update(block, filters.lang, png)
