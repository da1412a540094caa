"""Storage through SQLAlchemy: SQLite by default, PostgreSQL by URL, migrated with Alembic."""

from verloop.store import schema
from verloop.store.engine import Store, bump_revision, data_revision, default_url, resolve_url, safe_url

__all__ = ["Store", "bump_revision", "data_revision", "default_url", "resolve_url", "safe_url", "schema"]
