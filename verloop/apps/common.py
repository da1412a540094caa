"""Small helpers shared by the app builders."""

from __future__ import annotations

import html

from verloop.config import current
from verloop.i18n import LANGS, t
from verloop.store import Store
from verloop.store.engine import MissingDatabaseError


def missing_database_html(error: MissingDatabaseError) -> str:
    """The page a Voilà app shows when its database is not there (Dutch and English)."""
    path = html.escape(str(error.path))
    url = html.escape(error.url)
    parts = [
        "<div class='verloop-missing-database' role='alert' style='font-family:system-ui,sans-serif;"
        "max-width:44rem;padding:1.2rem 1.5rem;border-left:4px solid #b3261e;background:#fdf3f2'>"
    ]
    for lang in LANGS:  # both languages: the page cannot know the reader's yet
        style = " style='margin-top:0'" if lang == LANGS[0] else ""
        parts.append(f"<h2 lang='{lang}'{style}>{html.escape(t('app.no_database_title', lang))}</h2>")
        parts.append(f"<p lang='{lang}'>{t('app.no_database_html', lang, path=path, url=url)}</p>")
    return "".join(parts) + "</div>"


def app_store(*, migrate: bool = True) -> Store:
    """The store a Voilà kernel uses: $VERLOOP_DB (an absolute URL, set by `verloop serve`),
    else the default. It never creates a database: a missing SQLite file shows
    :func:`missing_database_html` on the page and raises :class:`MissingDatabaseError`."""
    try:
        return Store.open(current().database_url, migrate=migrate, create=False)
    except MissingDatabaseError as error:
        show_html(missing_database_html(error))
        raise


def show_html(markup: str) -> None:
    """Display ``markup`` in the running notebook (nothing outside a kernel)."""
    try:
        from IPython import get_ipython
        from IPython.display import HTML, display
    except ImportError:  # pragma: no cover - IPython is a dependency of Voilà
        return
    if get_ipython() is not None:
        display(HTML(markup))
