"""kill -9 in the middle of a real import leaves the database exactly as it was (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from verloop.ingest import import_employees
from verloop.ingest.samples import sample_employees, write_file

from .helpers import counts, snapshot

ROWS = 50_000
RUNNER = "import sys; from verloop.cli import main; sys.exit(main(sys.argv[1:]))"


def start_import(path, url) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("VERLOOP_DEBUG", None)
    return subprocess.Popen(
        [sys.executable, "-c", RUNNER, "import", "employees", str(path), "--db", url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def wait_for_writing(process: subprocess.Popen) -> None:
    """Block until the importer says it has validated the file and starts writing."""
    for line in process.stderr:
        if line.startswith("Writing"):
            return
    pytest.fail(f"the import ended before writing (exit {process.wait()}): {process.stdout.read()}")


@pytest.mark.slow
def test_kill_9_mid_import_leaves_the_database_unchanged(store, tmp_path):
    existing = sample_employees(25, seed=21)
    import_employees(store, write_file(existing, tmp_path / "existing.csv"))
    # The big file also changes the 25 existing people, so a partial write would show as changed rows too.
    big = sample_employees(ROWS, seed=22)
    big.loc[: len(existing) - 1, "employee_id"] = existing["employee_id"].to_numpy()
    big.loc[: len(existing) - 1, "contract_hours"] = 12.0
    path = write_file(big, tmp_path / "big.csv")
    before = snapshot(store)

    killed_mid_write = 0
    for delay in (0.0, 0.25, 0.6):
        process = start_import(path, store.url)
        wait_for_writing(process)
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
        code = process.wait(timeout=60)
        process.stdout.close()
        process.stderr.close()
        if code == -signal.SIGKILL:
            killed_mid_write += 1
            assert snapshot(store) == before, f"partial import visible after kill -9 at +{delay}s"
        else:  # the import finished before the signal arrived: then it must be complete
            assert code == 0
            assert counts(store)["employees"] == ROWS
            break
    assert killed_mid_write >= 2, "no kill landed while the import was writing; the file is too small"

    # The database is still healthy: the same import now runs to the end.
    result = import_employees(store, path)
    assert (result.inserted, result.updated) == (ROWS - len(existing), len(existing))
    assert counts(store)["employees"] == ROWS
