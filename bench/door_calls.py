"""Benchmark: the door calls the HR pages make, set-based (GROUP BY in the database) against the
per-response path, on one organisation (issue 12, item 2).

Each path runs in a fresh Python process per repetition (so that memory is that process's
own): a new ``Door``, then scale scores (team, site, organisation; every wave), response
rates (team, site, organisation) and turnover (team, the last 12 months, and monthly by site).
Printed as JSON: seconds per call and in total, the process's resident memory after the calls
(psutil) and its peak (getrusage), medians over ``--runs``; the floor measured in the same run
(one bare GROUP BY over every answer per wave, team and item, read into pandas — the database
work no page can avoid) and each path's ratio to it, with the load average. (tracemalloc is left out: it
slows pandas several-fold and would distort the times.)

    .venv/bin/python bench/door_calls.py --db /tmp/org10k.db          # an existing database
    .venv/bin/python bench/door_calls.py --employees 10000              # builds one (bench/dashboard.py)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CALLS = {
    "scale_scores": [("scale_scores", {"by": b, "waves": "all"}) for b in ("team", "site", "organisation")],
    "enps": [("enps_by", {"by": b, "waves": "all"}) for b in ("team", "site", "organisation")],
    "response_rates": [("response_rates", {"by": b, "waves": "all"}) for b in ("team", "site", "organisation")],
    "turnover": [("turnover", {"by": "team"}), ("turnover", {"by": "site", "freq": "M"})],
}


def one_run(db: str, set_based: bool) -> dict:
    import resource

    import psutil

    from verloop.privacy import Door
    from verloop.store import Store

    store = Store.open(f"sqlite:///{db}")
    door = Door(store)
    door._set_based = set_based
    out = {"seconds": {}}
    started = time.perf_counter()
    for name, calls in CALLS.items():
        t0 = time.perf_counter()
        for method, kwargs in calls:
            getattr(door, method)(**kwargs)
        out["seconds"][name] = time.perf_counter() - t0
    out["seconds"]["total"] = time.perf_counter() - started
    out["rss_mb"] = psutil.Process().memory_info().rss / 2**20
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    return out


def floor_run(db: str) -> dict:
    """The bare aggregate every scale figure needs: one GROUP BY over all answers, no scoring."""
    import resource

    import pandas as pd
    import psutil
    from sqlalchemy import func, select

    from verloop.store import Store
    from verloop.store.schema import Answer, Response

    store = Store.open(f"sqlite:///{db}")
    query = (
        select(Response.wave_id, Response.team_id, Answer.item_id, func.count(), func.sum(Answer.value))
        .join(Response, Answer.response_id == Response.id)
        .group_by(Response.wave_id, Response.team_id, Answer.item_id)
    )
    started = time.perf_counter()
    with store.engine.connect() as connection:
        frame = pd.DataFrame(connection.execute(query).all())
    seconds = time.perf_counter() - started
    return {
        "seconds": {"total": seconds},
        "groups": len(frame),
        "rss_mb": psutil.Process().memory_info().rss / 2**20,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="an existing SQLite database (else one is built)")
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--child", choices=["sql", "pandas", "floor"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(floor_run(args.db) if args.child == "floor" else one_run(args.db, args.child == "sql")))
        return 0
    built = None
    db = args.db
    if db is None:
        sys.path.insert(0, str(ROOT / "bench"))
        from dashboard import build_database

        db = str(Path(tempfile.mkdtemp()) / "org.db")
        built = build_database(Path(db), args.employees, args.months, seed=1)
    results: dict = {"db": db, "built": built, "runs": args.runs, "load_average_before": os.getloadavg()}
    for mode in ("floor", "pandas", "sql"):
        runs = []
        for _ in range(args.runs):
            done = subprocess.run(
                [sys.executable, __file__, "--db", db, "--child", mode], capture_output=True, text=True, check=True
            )
            runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
        results[mode] = {
            "seconds": {k: round(statistics.median(r["seconds"][k] for r in runs), 2) for k in runs[0]["seconds"]},
            "rss_mb": round(statistics.median(r["rss_mb"] for r in runs)),
            "peak_rss_mb": round(statistics.median(r["peak_rss_mb"] for r in runs)),
        }
    floor = results["floor"]["seconds"]["total"]
    results["ratio_to_floor"] = {
        mode: round(results[mode]["seconds"]["total"] / floor, 1) if floor else None for mode in ("pandas", "sql")
    }
    results["load_average_after"] = os.getloadavg()
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
