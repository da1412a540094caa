"""Benchmark: importing an HR export and a KPI file, on SQLite and (when given) PostgreSQL.

Prints one JSON object. Per backend, for an employee file of ``--rows`` rows in the Dutch
Excel dialect (semicolons, decimal commas, dd-mm-yyyy, BOM):

* ``first`` — import into an empty database (all rows new);
* ``again`` — the same file again (nothing changes, nothing is written);
* ``update`` — the file with 10 % of the rows changed;
* ``kpis`` — 24 months of KPIs for every team;

each with seconds and rows per second; plus ``read_validate_s``, the database-free part.
Target: 100,000 employees in a few seconds on SQLite.

    .venv/bin/python bench/ingest.py                       # SQLite; PostgreSQL too if $VERLOOP_TEST_PG
    .venv/bin/python bench/ingest.py --rows 20000 --pg postgresql+psycopg://verloop@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from verloop.ingest import import_employees, import_kpis, read_employees  # noqa: E402
from verloop.ingest.samples import Style, sample_employees, sample_kpis, write_file  # noqa: E402
from verloop.store import Store  # noqa: E402

DUTCH = Style(separator=";", decimal=",", dates="nl", bom=True, booleans=("ja", "nee"))


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def figures(result, seconds: float) -> dict:
    return {
        "seconds": round(seconds, 3),
        "rows": result.rows,
        "rows_per_s": round(result.rows / seconds),
        "inserted": result.inserted,
        "updated": result.updated,
        "unchanged": result.unchanged,
    }


def run_backend(url: str, files: dict) -> dict:
    store = Store.open(url)
    try:
        out = {}
        result, seconds = timed(import_employees, store, files["employees"])
        out["first"] = figures(result, seconds)
        result, seconds = timed(import_employees, store, files["employees"])
        out["again"] = figures(result, seconds)
        result, seconds = timed(import_employees, store, files["changed"])
        out["update"] = figures(result, seconds)
        result, seconds = timed(import_kpis, store, files["kpis"])
        out["kpis"] = figures(result, seconds)
        return out
    finally:
        store.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--pg", default=os.environ.get("VERLOOP_TEST_PG"), help="PostgreSQL admin URL (optional)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        frame = sample_employees(args.rows, seed=1, teams=max(12, args.rows // 400))
        changed = frame.copy()
        every_tenth = changed.index[::10]
        changed.loc[every_tenth, "contract_hours"] = 12.0
        teams = sorted(frame["team"].unique())
        files = {
            "employees": write_file(frame, folder / "employees.csv", DUTCH),
            "changed": write_file(changed, folder / "changed.csv", DUTCH),
            "kpis": write_file(sample_kpis(teams, months=24), folder / "kpis.csv", DUTCH),
        }
        _, read_seconds = timed(read_employees, files["employees"])
        report = {
            "benchmark": "ingest",
            "employees": args.rows,
            "file_mb": round(files["employees"].stat().st_size / 1e6, 2),
            "read_validate_s": round(read_seconds, 3),
            "sqlite": run_backend(f"sqlite:///{folder / 'bench.db'}", files),
        }
        if args.pg:
            name = f"verloop_bench_{secrets.token_hex(3)}"
            admin = create_engine(args.pg, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
            try:
                url = make_url(args.pg).set(database=name).render_as_string(hide_password=False)
                report["postgresql"] = run_backend(url, files)
            finally:
                with admin.connect() as connection:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                admin.dispose()
    print(json.dumps(report))


if __name__ == "__main__":
    main()
