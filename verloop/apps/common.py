"""Small helpers shared by the app builders."""

from __future__ import annotations

import html

from verloop.config import current
from verloop.store import Store
from verloop.store.engine import MissingDatabaseError


def missing_database_html(error: MissingDatabaseError) -> str:
    """The page a Voilà app shows when its database is not there (Dutch and English)."""
    path = html.escape(str(error.path))
    url = html.escape(error.url)
    return (
        "<div class='verloop-missing-database' role='alert' style='font-family:system-ui,sans-serif;"
        "max-width:44rem;padding:1.2rem 1.5rem;border-left:4px solid #b3261e;background:#fdf3f2'>"
        "<h2 lang='nl' style='margin-top:0'>Er is nog geen database</h2>"
        f"<p lang='nl'>Verloop verwachtte de database op <code>{path}</code>, maar daar staat niets. "
        f"Maak haar aan met <code>verloop demo --db {url}</code> (een voorbeeldorganisatie) of "
        f"<code>verloop init --db {url}</code> (leeg, voor uw eigen gegevens), en start daarna "
        "<code>verloop serve</code> opnieuw met dezelfde <code>--db</code>.</p>"
        "<h2 lang='en'>There is no database yet</h2>"
        f"<p lang='en'>Verloop expected the database at <code>{path}</code>, but there is nothing there. "
        f"Create it with <code>verloop demo --db {url}</code> (a demo organisation) or "
        f"<code>verloop init --db {url}</code> (empty, for your own data), then start "
        "<code>verloop serve</code> again with the same <code>--db</code>.</p></div>"
    )


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
