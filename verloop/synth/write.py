"""Bulk-write a synthetic organisation into an empty store, in one transaction.

Rows go in parents before children, in chunks, through the session's own connection and
transaction: on SQLite as one ``executemany`` per chunk of the statement SQLAlchemy Core's
``insert()`` compiles (plain tuples, dates as ISO text exactly as SQLAlchemy's SQLite ``Date``
stores them: per-row parameter processing cost more than the inserts), and on PostgreSQL with
``COPY … FROM STDIN`` (psycopg's pipelined executemany managed about 20,000 rows a second; COPY
is several times faster). No column needs an ORM default: the frames carry every value. The
instruments the waves use are registered through :mod:`verloop.surveys.registry` (so their
versions and items are exactly what the survey app would register), the organisation settings
get the survey mode, and on PostgreSQL the id sequences are moved past the ids written here so
later inserts by the apps do not collide. Truth frames (person_waves, exits, team_risk) are
never written.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable

import numpy as np
import pandas as pd
from sqlalchemy import func, insert, select, text

from verloop.errors import StoreError
from verloop.store.schema import (
    Answer,
    Comment,
    Employee,
    Invitation,
    Response,
    Site,
    Team,
    TeamAction,
    TeamKpi,
    Wave,
)
from verloop.synth.generate import SynthOrg

CHUNK_ROWS = 20_000
SQLITE_CACHE_KB = 256 * 1024
ORM = {
    "sites": Site,
    "teams": Team,
    "employees": Employee,
    "kpis": TeamKpi,
    "waves": Wave,
    "invitations": Invitation,
    "responses": Response,
    "answers": Answer,
    "comments": Comment,
    "team_actions": TeamAction,
}
SERIAL_TABLES = ("sites", "teams", "employees", "waves", "team_actions")
CHANGED_BY = "verloop.synth (synthetic demo organisation)"


def _column_values(series: pd.Series) -> list:
    """A column as plain Python values for the DB driver: dates as date, missing as None."""
    if pd.api.types.is_datetime64_any_dtype(series):
        values = series.dt.date.astype(object)
        return values.where(series.notna(), None).tolist()
    if pd.api.types.is_bool_dtype(series) and series.dtype != object:
        if isinstance(series.dtype, pd.BooleanDtype):
            return [None if v is pd.NA else bool(v) for v in series.astype(object)]
        return series.astype(bool).tolist()
    if pd.api.types.is_integer_dtype(series):
        return series.astype("int64").tolist()
    if pd.api.types.is_float_dtype(series):
        values = series.tolist()
        if series.isna().any():
            values = [None if v != v else v for v in values]
        return values
    values = series.astype(object)
    if values.isna().any():
        values = values.where(values.notna(), None)
    out = values.tolist()
    if out and isinstance(out[0], (dt.datetime, pd.Timestamp)):
        out = [v.date() if v is not None else None for v in out]
    return out


def records(frame: pd.DataFrame, columns: list[str]) -> list[dict]:
    """Rows of ``frame[columns]`` as dicts of plain Python values."""
    lists = [_column_values(frame[c]) for c in columns]
    return [dict(zip(columns, row)) for row in zip(*lists)]


def _copy_rows(connection, table, columns: list[str], frame: pd.DataFrame) -> None:
    """PostgreSQL: stream rows with COPY in the session's own transaction."""
    lists = [_column_values(frame[c]) for c in columns]
    names = ", ".join(f'"{c}"' for c in columns)
    raw = connection.connection.driver_connection
    with raw.cursor() as cursor:
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in zip(*lists):
                copy.write_row(row)


def _sqlite_rows(connection, table, columns: list[str], frame: pd.DataFrame) -> None:
    """SQLite: the Core-compiled INSERT, executemany with plain tuples."""
    statement = insert(table).compile(dialect=connection.dialect, column_keys=columns)
    order = statement.positiontup
    lists = {c: _column_values(frame[c]) for c in columns}
    for c, values in lists.items():
        first = next((v for v in values if v is not None), None)
        if pd.api.types.is_datetime64_any_dtype(frame[c]) or isinstance(first, dt.date):
            lists[c] = [v.isoformat() if v is not None else None for v in values]
    connection.exec_driver_sql(str(statement), list(zip(*(lists[c] for c in order))))


def _insert_rows(connection, table, columns: list[str], frame: pd.DataFrame) -> None:
    if connection.dialect.name == "postgresql":
        _copy_rows(connection, table, columns, frame)
    elif connection.dialect.name == "sqlite":
        _sqlite_rows(connection, table, columns, frame)
    else:  # any other backend: plain Core executemany
        connection.execute(insert(table), records(frame, columns))


def _ensure_empty(connection) -> None:
    for model in (Employee, Team, Wave, Response):
        if connection.execute(select(func.count()).select_from(model.__table__)).scalar():
            raise StoreError(
                f"the database already holds data (table '{model.__tablename__}' is not empty); "
                "write the synthetic organisation into a new, empty database."
            )


def _register_instruments(session, keys) -> dict[str, int]:
    from verloop.surveys import load_instrument
    from verloop.surveys.registry import register_instrument

    ids = {}
    for key in keys:
        result = register_instrument(session, load_instrument(key))
        ids[key] = int(getattr(result, "id", result))
    return ids


def _set_settings(session, org: SynthOrg) -> None:
    from verloop.store.settings import get_settings, update_settings

    settings = get_settings(session)
    changes = {}
    if settings.survey_mode != org.config.mode:
        changes["survey_mode"] = org.config.mode
    name = f"Synthetic contact centre (seed {org.config.seed})"
    if settings.name != name:
        changes["name"] = name
    if changes:
        update_settings(session, CHANGED_BY, **changes)


def _generalised(session, org: SynthOrg, responses: pd.DataFrame) -> pd.DataFrame:
    """Exit and follow-up responses stored as the submission path stores them (by site and
    quarter, small groups pooled): each consistent with at least k leavers (docs/anonymity.md)."""
    from verloop.store.settings import get_settings
    from verloop.surveys.ballots import generalise_responses

    k = get_settings(session).min_group_size
    wave_kind = dict(zip(org.waves["id"], org.waves["kind"]))
    site_of_team = dict(zip(org.teams["id"], org.teams["site_id"]))
    return generalise_responses(responses, wave_kind, site_of_team, k)


def _advance_sequences(connection) -> None:
    if connection.dialect.name != "postgresql":
        return
    for table in SERIAL_TABLES:
        name = ORM[table].__tablename__
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), MAX(id)) FROM \"{name}\" "
                f"HAVING MAX(id) IS NOT NULL AND pg_get_serial_sequence('{name}', 'id') IS NOT NULL"
            )
        )


def _begin_sqlite(connection) -> None:
    """pysqlite only opens a transaction at the first INSERT/UPDATE/DELETE, so a SAVEPOINT
    before that (the instrument registry uses one) would run outside any transaction and its
    RELEASE would commit on the spot; open the transaction explicitly so all or nothing holds."""
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.driver_connection
    if not raw.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    # a large page cache for this connection: the answers' primary-key index is built in
    # (wave, random id) order, which thrashes the default 2 MB cache on big organisations
    connection.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KB}")


def write(
    store,
    org: SynthOrg,
    *,
    chunk_rows: int = CHUNK_ROWS,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, int]:
    """Write every database frame of ``org`` into the empty ``store``; return rows per table.

    All or nothing: one transaction, rolled back on any error. ``progress(table, done, total)``
    is called after each chunk (for a progress bar).
    """
    counts: dict[str, int] = {}
    with store.session() as session:
        connection = session.connection()
        _begin_sqlite(connection)
        _ensure_empty(connection)
        keys = list(dict.fromkeys(org.waves["instrument"].tolist())) if len(org.waves) else []
        instrument_ids = _register_instruments(session, keys)
        _set_settings(session, org)
        session.flush()
        for name, frame in org.frames().items():
            table = ORM[name].__table__
            if name == "waves":
                # the salt keys the wave's token hashes: a real secret, never from the seed
                frame = frame.assign(
                    instrument_id=frame["instrument"].map(instrument_ids).astype("int64"),
                    token_salt=[secrets.token_hex(16) for _ in range(len(frame))],
                )
                columns = [c for c in frame.columns if c != "instrument"]
            else:
                if name == "responses":
                    frame = _generalised(session, org, frame)
                columns = list(frame.columns)
            if name == "answers" and len(frame):
                # primary-key order (the random response id): index pages fill sequentially,
                # which makes large writes about 1.5-2x faster on both backends
                codes = pd.Categorical(frame["response_id"]).codes
                frame = frame.iloc[np.argsort(codes, kind="stable")]
            total = len(frame)
            for start in range(0, total, chunk_rows):
                chunk = frame.iloc[start : start + chunk_rows]
                _insert_rows(connection, table, columns, chunk)
                if progress is not None:
                    progress(name, min(start + chunk_rows, total), total)
            counts[name] = total
        _advance_sequences(connection)
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA cache_size = -2000")  # back to SQLite's default
    counts["instruments"] = len(instrument_ids)
    return counts


__all__ = ["write", "records"]
