"""Opening the database: URL resolution, SQLite pragmas, migrations, clear errors."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from verloop.errors import ConfigError, StoreError

DEFAULT_SQLITE = "var/verloop.db"
SUPPORTED = ("sqlite", "postgresql")


def default_url() -> str:
    """$VERLOOP_DB (absolute, see ``verloop.config``), else the SQLite file ``var/verloop.db``."""
    from verloop.config import current

    return current().db or f"sqlite:///{DEFAULT_SQLITE}"


def resolve_url(url: str | None) -> str:
    """The URL to use: the argument, else $VERLOOP_DB, else the embedded SQLite file."""
    url = url or default_url()
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(
            f"'{safe_url(url)}' is not a database URL; use sqlite:///path/to/file.db or "
            "postgresql+psycopg://user:password@host:5432/dbname."
        ) from None
    if parsed.get_backend_name() not in SUPPORTED:
        raise ConfigError(f"database '{parsed.get_backend_name()}' is not supported; use SQLite or PostgreSQL.")
    return url


class MissingDatabaseError(StoreError):
    """The SQLite file a reader expected is not there (readers never create one)."""

    def __init__(self, path: Path, url: str):
        self.path = Path(path)
        self.url = url
        super().__init__(
            f"there is no database at {self.path}; create it with `verloop demo --db {url}` "
            f"(a synthetic demo organisation) or `verloop init --db {url}` (empty, for your own data), "
            "or point --db / $VERLOOP_DB at the database you meant."
        )


def sqlite_file(url: str) -> Path | None:
    """The file of an SQLite URL (``None`` for PostgreSQL or an in-memory database)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def absolute_url(url: str | None, base: Path | str | None = None) -> str:
    """The URL with a relative SQLite path made absolute against ``base`` (default: the working
    directory), so that every process that receives it (Voilà kernels run in ``apps/``) opens
    the same file. Done once, at the command line; other URLs come back as :func:`resolve_url`
    gives them."""
    url = resolve_url(url)
    path = sqlite_file(url)
    if path is None or path.is_absolute():
        return url
    absolute = (Path(base) if base is not None else Path.cwd()) / path
    return make_url(url).set(database=str(absolute.resolve())).render_as_string(hide_password=False)


def safe_url(url: str) -> str:
    """The URL with any password masked, for messages and `verloop status`."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("@")[-1] if "@" in url else url


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # SQLAlchemy's pysqlite recipe: let SQLAlchemy, not the driver, open transactions, so that
    # SAVEPOINTs work and nothing commits before the unit of work ends.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Deleted rows (opened ballots, a rewritten table) are overwritten with zeros, so free pages
    # keep no single submission (docs/anonymity.md, "At rest").
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def _sqlite_begin(connection) -> None:
    # IMMEDIATE takes the write lock up front: concurrent writers queue on busy_timeout instead
    # of failing when a read-then-write transaction tries to upgrade its lock.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            path = Path(database)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create the folder for {path}: {exc.strerror}.") from None
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 10}, pool_size=10, max_overflow=20)


def describe_operational_error(exc: SQLAlchemyError, url: str) -> str:
    """One sentence for a database failure, without the driver's stack of details."""
    message = str(getattr(exc, "orig", exc)).strip().splitlines()[0] if str(exc) else type(exc).__name__
    lowered = message.lower()
    where = safe_url(url)
    if "readonly" in lowered or "read-only" in lowered or "read only" in lowered:
        return f"the database {where} is read-only; check its file permissions."
    if "disk" in lowered and ("full" in lowered or "space" in lowered):
        return f"the disk holding {where} is full; free some space and try again."
    if "connection refused" in lowered or "could not connect" in lowered or "connection failed" in lowered:
        return f"cannot reach the database server at {where}: is it running? ({message})"
    if "unable to open database file" in lowered:
        return f"cannot open the database file of {where}; check the path and permissions."
    if "terminat" in lowered or "server closed the connection" in lowered or "connection" in lowered:
        return f"the connection to {where} was lost ({message}); nothing was saved, try again."
    return f"database error on {where}: {message}"


class Store:
    """A migrated database and its sessions. Cheap to hold, one per process and URL."""

    def __init__(self, engine: Engine, url: str):
        self.engine = engine
        self.url = url
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, url: str | None = None, *, migrate: bool = True, create: bool = True) -> Store:
        """Open (and migrate) the database at ``url``. Readers pass ``create=False``: a missing
        SQLite file is then a :class:`MissingDatabaseError` naming the expected path and how to
        create it, instead of a new, empty database in the wrong place."""
        url = resolve_url(url)
        if not create:
            path = sqlite_file(url)
            if path is not None and not path.is_file():
                raise MissingDatabaseError(path.resolve(), url if path.is_absolute() else f"sqlite:///{path.resolve()}")
        engine = make_engine(url)
        store = cls(engine, url)
        try:
            with engine.connect() as connection:
                connection.execute(text("select 1"))
        except OperationalError as exc:
            engine.dispose()
            raise StoreError(describe_operational_error(exc, url)) from None
        if migrate:
            from verloop.store.migrate import upgrade

            upgrade(store)
        return store

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    @property
    def display_url(self) -> str:
        return safe_url(self.url)

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: commits when the block ends, rolls back everything on any error."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except OperationalError as exc:
            session.rollback()
            raise StoreError(describe_operational_error(exc, self.url)) from exc
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def table_names(self) -> list[str]:
        return inspect(self.engine).get_table_names()

    def dispose(self) -> None:
        self.engine.dispose()


# -- the data revision: the one cache key of everything published ----------------------------------

_BUMP = {
    "sqlite": "INSERT INTO data_revision (id, revision) VALUES (1, abs(random()) % 281474976710656) "
    "ON CONFLICT (id) DO UPDATE SET revision = data_revision.revision + 1",
    "postgresql": "INSERT INTO data_revision (id, revision) VALUES (1, floor(random() * 281474976710656)::bigint) "
    "ON CONFLICT (id) DO UPDATE SET revision = data_revision.revision + 1",
}


def bump_revision(session: Session) -> None:
    """Count one change of published data, in ``session``'s transaction (so it commits or rolls
    back with the change itself).

    Rows of the tables that feed figures bump by themselves (database triggers, migration 0002);
    call this for changes the triggers cannot see: model cards written to disk, a batch of
    sealed ballots opened into ``responses`` by other means, a file the figures read."""
    session.execute(text(_BUMP[session.get_bind().dialect.name]))


def data_revision(session_or_connection) -> int:
    """The current data revision (0 for a database without one). Read it in the same transaction
    as the data it describes."""
    value = session_or_connection.execute(text("SELECT max(revision) FROM data_revision")).scalar()
    return int(value or 0)
