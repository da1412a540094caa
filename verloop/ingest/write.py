"""Writing validated rows: find-or-create sites and teams, upsert in chunks, one transaction.

Callers run everything inside one ``store.session()``: a crash, an error or a ``kill -9``
between the first and the last chunk leaves the database exactly as it was (SQLite's
journal and PostgreSQL's MVCC discard the open transaction).
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import pandas as pd
from sqlalchemy import Table, select
from sqlalchemy.engine import Connection

from verloop.ingest.values import key_of, name_key
from verloop.store.schema import Site, Team

CHUNK_ROWS = 5000
Progress = Callable[[str, int, int], None]


@dataclass
class ImportResult:
    """What an import did, in counts (what the CLI prints and ``--json`` returns)."""

    kind: str
    file: str
    source: str
    rows: int
    inserted: int
    updated: int
    unchanged: int
    new_sites: list[str] = field(default_factory=list)
    new_teams: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict:
        return {"imported": self.rows, **asdict(self)}

    def summary(self, where: str) -> str:
        parts = [f"{self.inserted} new", f"{self.updated} updated", f"{self.unchanged} unchanged"]
        text = f"Imported {self.rows} {self.kind} from {self.file} into {where}: {', '.join(parts)}"
        if self.new_sites:
            text += f"; new sites: {', '.join(self.new_sites)}"
        if self.new_teams:
            text += f"; new teams: {', '.join(self.new_teams)}"
        return text + f" ({self.seconds:.1f} s)."


def report(progress: Progress | None, phase: str, done: int, total: int) -> None:
    if progress is not None:
        progress(phase, done, total)


def dialect_insert(connection: Connection, table: Table):
    """INSERT with ON CONFLICT support for the connection's backend."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)


def upsert(
    connection: Connection,
    table: Table,
    records: list[dict],
    keys: list[str],
    update_columns: list[str],
    progress: Progress | None = None,
    chunk_rows: int = CHUNK_ROWS,
) -> None:
    """INSERT … ON CONFLICT (keys) DO UPDATE the given columns, in chunks, inside the caller's transaction.

    SQLite: executemany of the upsert. PostgreSQL: COPY into a temporary table, then one
    INSERT … SELECT … ON CONFLICT — about 2.5 times faster than executemany over the wire.
    """
    if not records:
        return
    if connection.dialect.name == "postgresql":
        _upsert_by_copy(connection, table, records, keys, update_columns, progress, chunk_rows)
        return
    statement = _on_conflict(dialect_insert(connection, table), keys, update_columns)
    total = len(records)
    for start in range(0, total, chunk_rows):
        connection.execute(statement, records[start : start + chunk_rows])
        report(progress, "writing", min(start + chunk_rows, total), total)


def _on_conflict(statement, keys: list[str], update_columns: list[str]):
    if update_columns:
        return statement.on_conflict_do_update(
            index_elements=keys, set_={c: statement.excluded[c] for c in update_columns}
        )
    return statement.on_conflict_do_nothing(index_elements=keys)


def _upsert_by_copy(connection, table, records, keys, update_columns, progress, chunk_rows) -> None:
    from sqlalchemy import column as sql_column
    from sqlalchemy import table as sql_table
    from sqlalchemy.dialects.postgresql import insert

    names = list(records[0])
    temp = f"verloop_ingest_{table.name}"
    quoted = ", ".join(f'"{n}"' for n in names)
    connection.exec_driver_sql(f'DROP TABLE IF EXISTS "{temp}"')
    connection.exec_driver_sql(
        f'CREATE TEMPORARY TABLE "{temp}" ON COMMIT DROP AS SELECT {quoted} FROM "{table.name}" WITH NO DATA'
    )
    total = len(records)
    with connection.connection.driver_connection.cursor() as cursor:
        with cursor.copy(f'COPY "{temp}" ({quoted}) FROM STDIN') as copy:
            for start in range(0, total, chunk_rows):
                for record in records[start : start + chunk_rows]:
                    copy.write_row([record[n] for n in names])
                report(progress, "writing", min(start + chunk_rows, total), total)
    source = sql_table(temp, *[sql_column(n) for n in names])
    statement = insert(table).from_select(names, source.select())
    connection.execute(_on_conflict(statement, keys, update_columns))
    connection.exec_driver_sql(f'DROP TABLE IF EXISTS "{temp}"')


def _by_key(rows) -> dict[str, tuple]:
    """{match key: row}; an exact spelling wins over a case-insensitive match when a database holds both."""
    out: dict[str, tuple] = {}
    for row in rows:
        out.setdefault(key_of(row.name), tuple(row))
    return out


def site_ids(connection: Connection) -> dict[str, int]:
    rows = connection.execute(select(Site.id, Site.name).order_by(Site.id)).all()
    return {key: row[0] for key, row in _by_key(rows).items()}


def team_lookup(connection: Connection) -> dict[str, tuple[int, str, int]]:
    """Existing teams by match key: (id, name, site_id)."""
    return _by_key(connection.execute(select(Team.id, Team.name, Team.site_id).order_by(Team.id)).all())


def ensure_sites(connection: Connection, names: pd.Series) -> tuple[dict[str, int], list[str]]:
    """Ids of the sites named (matched case-insensitively), creating the missing ones."""
    known = site_ids(connection)
    new: dict[str, str] = {}
    for name in pd.unique(names):
        new.setdefault(key_of(name), name)
    new = {k: n for k, n in new.items() if k not in known}
    if new:
        connection.execute(Site.__table__.insert(), [{"name": n} for n in new.values()])
        known = site_ids(connection)
    return known, list(new.values())


def ensure_teams(
    connection: Connection, names: pd.Series, site_keys: pd.Series, sites: dict[str, int]
) -> tuple[dict[str, int], list[str]]:
    """Ids of the teams named, creating missing ones at the site most of their rows name.

    A new team takes its first spelling in the file; a tie between sites goes to the first seen.
    """
    known = team_lookup(connection)
    keys = name_key(names)
    fresh = ~keys.isin(list(known)).to_numpy()
    spelling: dict[str, str] = {}
    votes: dict[str, Counter] = {}
    for key, name, site in zip(keys[fresh].tolist(), names[fresh].tolist(), site_keys[fresh].tolist()):
        spelling.setdefault(key, name)
        votes.setdefault(key, Counter())[site] += 1
    records = [
        {"name": spelling[key], "site_id": int(sites[max(tally.items(), key=lambda kv: kv[1])[0]])}
        for key, tally in votes.items()
    ]
    if records:
        connection.execute(Team.__table__.insert(), records)
        known = team_lookup(connection)
    return {key: row[0] for key, row in known.items()}, [r["name"] for r in records]


def records_of(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts of plain Python values (None for missing), as executemany wants them."""
    values = frame.astype(object).to_numpy()
    values[pd.isna(values)] = None
    names = list(frame.columns)
    return [dict(zip(names, row)) for row in values.tolist()]


def stored_values(connection: Connection, keys: list, columns: list) -> dict[tuple, tuple]:
    """{key tuple: value tuple} of what the table holds now, for ``changed_rows``."""
    result = connection.execute(select(*keys, *columns))
    n = len(keys)
    return {tuple(row[:n]): tuple(row[n:]) for row in result}


def changed_rows(incoming: pd.DataFrame, stored: dict[tuple, tuple], keys: list[str], columns: list[str]) -> pd.Series:
    """Per incoming row: 'new', 'changed' or 'same' compared with the stored row of the same key."""

    def plain(name: str) -> list:
        values = incoming[name].astype(object).to_numpy()
        values[pd.isna(values)] = None
        return values.tolist()

    incoming_keys = list(zip(*[plain(k) for k in keys]))
    incoming_values = list(zip(*[plain(c) for c in columns])) if columns else [()] * len(incoming)
    status = []
    for key, value in zip(incoming_keys, incoming_values):
        old = stored.get(key)
        status.append("new" if old is None else "same" if old == value else "changed")
    return pd.Series(status, index=incoming.index, dtype=object)


class Timer:
    def __init__(self):
        self.start = time.perf_counter()

    @property
    def seconds(self) -> float:
        return round(time.perf_counter() - self.start, 3)
