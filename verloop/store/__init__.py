"""Storage through SQLAlchemy: SQLite by default, PostgreSQL by URL, migrated with Alembic."""

from verloop.store.engine import Store, default_url, resolve_url, safe_url
from verloop.store import schema

__all__ = ["Store", "default_url", "resolve_url", "safe_url", "schema"]
