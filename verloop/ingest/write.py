"""Writing validated rows: find-or-create sites and teams, upsert in chunks, one transaction.

Callers run everything inside one ``store.session()``: a crash, an error or a ``kill -9``
between the first and the last chunk leaves the database exactly as it was (SQLite's
journal and PostgreSQL's MVCC discard the open transaction).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import pandas as pd
from sqlalchemy import Table, select
from sqlalchemy.engine import Connection

from verloop.ingest.values import name_key
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


def _lookup(connection: Connection, *columns) -> pd.DataFrame:
    frame = pd.DataFrame(connection.execute(select(*columns)).all(), columns=[c.key for c in columns])
    frame["key"] = name_key(frame["name"]) if len(frame) else pd.Series(dtype=object)
    # Exact spellings win over case-insensitive matches when a database holds both.
    return frame.drop_duplicates("key", keep="first")


def site_ids(connection: Connection) -> dict[str, int]:
    frame = _lookup(connection, Site.id, Site.name)
    return dict(zip(frame["key"], frame["id"].astype(int)))


def team_lookup(connection: Connection) -> pd.DataFrame:
    """Existing teams: id, name, site_id, and the matching key."""
    return _lookup(connection, Team.id, Team.name, Team.site_id)


def ensure_sites(connection: Connection, names: pd.Series) -> tuple[dict[str, int], list[str]]:
    """Ids of the sites named (matched case-insensitively), creating the missing ones."""
    known = site_ids(connection)
    wanted = pd.DataFrame({"name": names, "key": name_key(names)}).drop_duplicates("key")
    new = wanted[~wanted["key"].isin(known.keys())]
    if len(new):
        connection.execute(Site.__table__.insert(), [{"name": n} for n in new["name"]])
        known = site_ids(connection)
    return known, list(new["name"])


def ensure_teams(
    connection: Connection, names: pd.Series, site_keys: pd.Series, sites: dict[str, int]
) -> tuple[dict[str, int], list[str]]:
    """Ids of the teams named, creating missing ones at the site most of their rows name."""
    known = team_lookup(connection)
    frame = pd.DataFrame({"name": names, "key": name_key(names), "site": site_keys})
    new = frame[~frame["key"].isin(set(known["key"]))]
    created: list[str] = []
    if len(new):
        first_name = new.drop_duplicates("key").set_index("key")["name"]
        counts = new.groupby(["key", "site"], sort=False).size().reset_index(name="n")
        counts["order"] = range(len(counts))
        modal = counts.sort_values(["key", "n", "order"], ascending=[True, False, True]).drop_duplicates("key")
        records = [
            {"name": first_name[k], "site_id": int(sites[s])} for k, s in zip(modal["key"], modal["site"])
        ]
        connection.execute(Team.__table__.insert(), records)
        created = [r["name"] for r in records]
        known = team_lookup(connection)
    return dict(zip(known["key"], known["id"].astype(int))), created


def records_of(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts of plain Python values (None for missing), the fastest way pandas allows."""
    columns = []
    for name in frame.columns:
        values = frame[name]
        column = values.astype(object).where(values.notna(), None).tolist()
        columns.append(column)
    names = list(frame.columns)
    return [dict(zip(names, row)) for row in zip(*columns)]


def changed_rows(incoming: pd.DataFrame, existing: pd.DataFrame, keys: list[str], columns: list[str]) -> pd.Series:
    """Per incoming row: 'new', 'changed' or 'same' compared with the stored row of the same key."""
    merged = incoming[keys + columns].merge(
        existing[keys + columns], on=keys, how="left", suffixes=("", "__db"), indicator=True
    )
    status = pd.Series("same", index=incoming.index, dtype=object)
    is_new = (merged["_merge"] == "left_only").to_numpy()
    differs = pd.Series(False, index=merged.index)
    for column in columns:
        a, b = merged[column], merged[f"{column}__db"]
        same = (a == b) | (a.isna() & b.isna())
        differs |= ~same.astype(bool)
    status[differs.to_numpy()] = "changed"
    status[is_new] = "new"
    return status


class Timer:
    def __init__(self):
        self.start = time.perf_counter()

    @property
    def seconds(self) -> float:
        return round(time.perf_counter() - self.start, 3)
