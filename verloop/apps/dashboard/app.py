"""All dashboard pages in one Voilà app: one filter bar, one language switch, one tab per page.

Why one app besides the per-page notebooks: every Voilà page load starts a kernel, and a
kernel holds the privacy door's data (for a large organisation hundreds of MB). In the tabbed
app the pages share one kernel, one door and its caches, so moving between pages costs no new
kernel and a page that was seen before appears at once. A tab is built the first time it is
opened (with a progress indicator meanwhile); a filter change redraws only the visible page,
the others catch up when they are opened again.
"""

from __future__ import annotations

import html

import ipywidgets as widgets

from verloop.apps.dashboard import PAGE_KEYS
from verloop.apps.dashboard.filters import FilterBar, Filters
from verloop.apps.dashboard.i18n import check_lang, t
from verloop.apps.dashboard.layout import CSS, prepare_kernel, query_lang


class DashboardApp:
    """The tabbed dashboard. ``build()`` returns the widget; ``show(key)`` opens a tab."""

    def __init__(self, store=None, lang: str | None = None, pages=PAGE_KEYS, start: str | None = None, source=None):
        from verloop.apps.dashboard.data import DashboardSource
        from verloop.apps.dashboard.pages import page_class

        if source is None:
            store = prepare_kernel(store)  # a preheated kernel: all that needs no data, before the wait
        self.lang = check_lang(lang or query_lang())
        self.source = source or DashboardSource.open(store)
        self.keys = tuple(pages)
        self.start = start if start in self.keys else self.keys[0]
        self.filterbar = FilterBar(self.source.options, self.lang, show=("site", "team", "period"))
        self.pages = {
            key: page_class(key)(source=self.source, lang=self.lang, filterbar=self.filterbar) for key in self.keys
        }
        self._built: set[str] = set()
        self._stale: set[str] = set()
        self.root: widgets.VBox | None = None

    def build(self) -> widgets.VBox:
        self.title = widgets.HTML()
        self.title.add_class("verloop-title")
        self.footer = widgets.HTML()
        self.footer.add_class("verloop-footer")
        self.holders = {key: widgets.VBox() for key in self.keys}
        for key, holder in self.holders.items():
            holder.add_class(f"verloop-tab-{key}")
        self.tabs = widgets.Tab(children=[self.holders[k] for k in self.keys])
        self.tabs.add_class("verloop-tabs")
        self.root = widgets.VBox([widgets.HTML(CSS), self.title, self.filterbar.widget, self.tabs, self.footer])
        self.root.add_class("verloop-app")
        self._words(self.lang)
        self.filterbar.on_change(self._filters_changed)
        self.tabs.observe(self._tab_changed, names="selected_index")
        self.tabs.selected_index = self.keys.index(self.start)
        self.show(self.start)
        return self.root

    @property
    def active(self) -> str:
        index = self.tabs.selected_index
        return self.keys[index if index is not None else 0]

    def _words(self, lang: str) -> None:
        self.title.value = f"<h1>{html.escape(t('app_title', lang))}</h1>"
        self.tabs.titles = tuple(t(f"page_{key}", lang) for key in self.keys)
        self.footer.value = html.escape(t("privacy_footer", lang, k=self.source.k, kc=self.source.comment_k))

    def show(self, key: str) -> None:
        """Open the tab ``key``: build its page the first time, redraw it if filters changed."""
        page, holder = self.pages[key], self.holders[key]
        _log_page(self.source, key)
        if key not in self._built:
            spinner = widgets.HTML(
                f'<p><span class="verloop-spinner"></span>{html.escape(t("loading", self.filterbar.value.lang))}</p>'
            )
            spinner.add_class("verloop-progress")
            holder.children = (spinner,)
            holder.children = (page.build(),)
            self._built.add(key)
            self._stale.discard(key)
        elif key in self._stale:
            self._stale.discard(key)
            page.refresh()

    def _tab_changed(self, change) -> None:
        if change["new"] is not None:
            self.show(self.keys[change["new"]])

    def _filters_changed(self, new: Filters, old: Filters) -> None:
        if new.lang != old.lang:
            self._words(new.lang)
        self._stale |= self._built
        active = self.active
        if active in self._built:
            self._stale.discard(active)
            self.pages[active].on_filters(new, old)


def _log_page(source, key: str) -> None:
    """The access log (issue 13): which page the signed-in account opened, never its choices."""
    from verloop.accounts.web import log_access

    scope = getattr(source, "scope", None)
    log_access(source.store, getattr(source, "account", None), getattr(scope, "role", "hr"), "page", key)


def build_app(store=None, lang: str | None = None, start: str | None = None) -> widgets.VBox:
    """The tabbed dashboard, opened on ``start`` (or the ``page`` in the URL's query string)."""
    import os
    import urllib.parse

    start = start or (urllib.parse.parse_qs(os.environ.get("QUERY_STRING", "")).get("page") or [None])[0]
    return DashboardApp(store=store, lang=lang, start=start).build()
