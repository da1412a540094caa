"""The HR dashboards (Voilà): one builder per page, a shared filter bar, Dutch and English.

Every group figure on these pages comes through ``verloop.privacy`` (the one door); the pages
only arrange what the door publishes into charts, tables and downloads. Notebooks in ``apps/``
are thin: ``dashboard.ipynb`` calls ``build_app()`` (every page as a tab, one kernel) and
``dashboard_<key>.ipynb`` calls ``build_page("<key>")`` (one page, for deep links).
"""

from __future__ import annotations

PAGE_KEYS = (
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


def build_page(key: str, store=None, lang: str | None = None):
    """Build the page ``key`` (one of ``PAGE_KEYS``) as a widget, data loaded and drawn."""
    from verloop.apps.dashboard.pages import page_class

    return page_class(key)(store=store, lang=lang).build()


def build_app(store=None, lang: str | None = None, start: str | None = None):
    """All pages as tabs in one app (one kernel, one filter bar); see ``dashboard.app``."""
    from verloop.apps.dashboard.app import build_app as build

    return build(store=store, lang=lang, start=start)


__all__ = ["PAGE_KEYS", "build_app", "build_page"]
