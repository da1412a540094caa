"""Benchmark: generate a synthetic contact centre and write it to a temporary SQLite file.

    .venv/bin/python bench/synth.py [--employees 10000] [--months 24] [--seed 1] [--no-write]

Prints one JSON object: employees, months, seconds (generation, including the one-off hazard
calibration), peak_memory_mb (process peak RSS after generating), rows per table, and — unless
``--no-write`` — write_seconds and the database size for the SQLite file. Target (issue 3):
10,000 employees x 24 months in <= 60 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
import warnings
from pathlib import Path


def peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS)
    scale = 1 / 1024 if sys.platform != "darwin" else 1 / 1024 / 1024
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale, 1)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-write", action="store_true", help="skip the SQLite write")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")

    from verloop.store import Store
    from verloop.synth import SynthConfig, generate, write
    from verloop.synth.simulate import calibrate

    config = SynthConfig(employees=args.employees, months=args.months, seed=args.seed)
    baseline_mb = peak_rss_mb()
    start = time.perf_counter()
    calibrate(config)
    calibrated = time.perf_counter()
    org = generate(config)
    done = time.perf_counter()
    result = {
        "employees": args.employees,
        "months": args.months,
        "seed": args.seed,
        "seconds": round(done - start, 2),
        "calibration_seconds": round(calibrated - start, 2),
        "generate_seconds": round(done - calibrated, 2),
        "peak_memory_mb": peak_rss_mb(),
        "import_memory_mb": baseline_mb,
        "rows": org.row_counts(),
        "employees_in_records": len(org.employees),
        "annual_voluntary_turnover": round(org.truth["figures"]["annual_voluntary_turnover"], 4),
        "target_seconds": 60,
    }
    if not args.no_write:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench.db"
            store = Store.open(f"sqlite:///{path}")
            begin = time.perf_counter()
            write(store, org)
            result["write_seconds"] = round(time.perf_counter() - begin, 2)
            store.dispose()
            result["write_backend"] = "sqlite (temporary file)"
            result["database_mb"] = round(path.stat().st_size / 2**20, 1)
            result["peak_memory_mb_after_write"] = peak_rss_mb()
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    main()
