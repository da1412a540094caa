"""The HR dashboards (Voilà): one builder per page, a shared filter bar, Dutch and English.

Every group figure on these pages comes through ``verloop.privacy`` (the one door); the pages
only arrange what the door publishes into charts, tables and downloads. Notebooks in ``apps/``
call ``build_page("<key>")`` (or a page module's ``build``) and display the result.
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


__all__ = ["PAGE_KEYS", "build_page"]
