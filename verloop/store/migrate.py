"""Alembic migrations, run from the package (no alembic.ini needed by users)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from verloop.errors import StoreError

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(store) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", store.url.replace("%", "%%"))
    config.attributes["engine"] = store.engine
    return config


def current_revision(store) -> str | None:
    with store.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


def upgrade(store) -> None:
    """Bring the schema to head; refuse a database written by a newer Verloop."""
    config = alembic_config(store)
    script = ScriptDirectory.from_config(config)
    current = current_revision(store)
    if current is not None and current not in {rev.revision for rev in script.walk_revisions()}:
        raise StoreError(
            f"the database {store.display_url} has schema revision {current}, which this "
            f"version of Verloop does not know (newest known: {script.get_current_head()}); "
            "upgrade Verloop or use another database."
        )
    if current == script.get_current_head():
        return
    command.upgrade(config, "head")
