"""Benchmark: concurrent survey submissions through the app's one code path, against the floor.

Prints one JSON object. For SQLite and (when ``$VERLOOP_BENCH_PG`` names a PostgreSQL server
we may create a database on) PostgreSQL:

* ``submit`` — ``--workers`` processes (one per Voilà kernel in real use) each submit their
  share of ``--n`` full pulse questionnaires (about 30 answers and 2 comments each) with
  ``verloop.surveys.submit.submit``, all at once: throughput, p50 / p95 / max latency, refused,
  errors and ``lost`` (tokens accepted minus complete responses found after the ballots still
  sealed are opened as the wave's close would — must be 0). Each submission seals a ballot and
  every k-th opens a shuffled batch (docs/anonymity.md); the timed latency includes that;
* ``floor`` — the same processes writing the same rows (1 response, its answers, 2 comments, one
  token flag) per transaction with the bare driver (sqlite3 / psycopg) and no checks at all:
  what the database itself can do on this machine;
* ``ratio_to_floor`` and the issue's targets (≥ 0.5 of the floor, p95 ≤ 100 ms).

Submit and floor runs alternate ``--rounds`` times and medians are reported, because on a
shared 2-core machine one run says more about the neighbours than about the code; the load
average before and after is part of the result.

    .venv/bin/python bench/survey_submit.py
    VERLOOP_BENCH_PG=postgresql+psycopg://verloop@127.0.0.1:5432/postgres .venv/bin/python bench/survey_submit.py --n 2000 --rounds 5
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import multiprocessing
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGETS = {"ratio_to_floor": 0.5, "p95_ms": 100.0}
TODAY = dt.date.today()


def questionnaire(instrument, seed: int) -> tuple[dict, dict]:
    """A full pulse with a few skipped items and both open questions answered."""
    answers = {}
    for index, item in enumerate(instrument.items):
        if (index + seed) % 9 == 0:
            continue  # skipped
        points = list(item.points)
        answers[item.id] = points[(index * 7 + seed) % len(points)]
    comments = {q.id: f"Opmerking {seed} — “meer mandaat” 👍 " * 3 for q in instrument.open_questions}
    return answers, comments


def prepare(url: str, n_tokens: int) -> list[str]:
    from verloop.store import Store
    from verloop.store.schema import Site, Team
    from verloop.surveys.tokens import issue_tokens
    from verloop.surveys.waves import open_wave

    store = Store.open(url)
    with store.session() as s:
        site = Site(name="Bench site")
        s.add(site)
        s.flush()
        s.add(Team(name="Bench team", site_id=site.id))
    open_wave(store, "pulse", "bench", today=TODAY)
    open_wave(store, "pulse", "bench-floor", today=TODAY)  # the floor's rows go here
    codes = [t.code for t in issue_tokens(store, "bench", "Bench team", n_tokens, today=TODAY)]
    store.dispose()
    return codes


def _submit_worker(url: str, warmup: str, codes: list[str], barrier, results) -> None:
    from verloop.errors import StoreError, SurveyError
    from verloop.store import Store
    from verloop.surveys.instruments import load_instrument
    from verloop.surveys.submit import submit

    store = Store.open(url, migrate=False)
    instrument = load_instrument("pulse")
    forms = [questionnaire(instrument, seed) for seed in range(len(codes) + 1)]
    submit(store, warmup, *forms[-1], "nl", today=TODAY)  # connection + caches, not timed
    latencies, refused, errors = [], 0, []
    barrier.wait(timeout=300)
    for code, (answers, comments) in zip(codes, forms):
        start = time.perf_counter()
        try:
            submit(store, code, answers, comments, "nl", today=TODAY)
        except SurveyError:
            refused += 1
            continue
        except StoreError as exc:
            errors.append(str(exc)[:200])
            continue
        latencies.append(time.perf_counter() - start)
    results.put({"latencies": latencies, "refused": refused, "errors": errors, "end": time.time()})
    store.dispose()


def _floor_worker(url: str, backend: str, n: int, rows: int, barrier, results) -> None:
    """The same rows per transaction with the bare driver: the database's own speed."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if backend == "sqlite":
        import sqlite3

        conn = sqlite3.connect(parsed.database, timeout=30, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA busy_timeout=30000")
        placeholder = "?"
    else:
        import psycopg

        conn = psycopg.connect(
            parsed.set(drivername="postgresql").render_as_string(hide_password=False), autocommit=True
        )
        placeholder = "%s"
    p = placeholder
    wave_id, team_id = conn.execute(
        "SELECT id, (SELECT id FROM teams LIMIT 1) FROM waves WHERE name = 'bench-floor'"
    ).fetchone()
    hashes = []
    for _ in range(n):
        digest = secrets.token_hex(32)
        conn.execute(
            f"INSERT INTO tokens (token_hash, wave_id, team_id, used) VALUES ({p}, {p}, {p}, {p})",
            (digest, wave_id, team_id, False),
        )
        hashes.append(digest)
    comment = "Opmerking — “meer mandaat” 👍 " * 3
    latencies = []
    barrier.wait(timeout=300)
    for digest in hashes:
        start = time.perf_counter()
        response_id = secrets.token_hex(16)
        conn.execute("BEGIN")
        conn.execute(f"UPDATE tokens SET used = {p} WHERE token_hash = {p} AND used = {p}", (True, digest, False))
        conn.execute(
            f"INSERT INTO responses (id, wave_id, team_id, submitted_on, language) VALUES ({p}, {p}, {p}, {p}, {p})",
            (response_id, wave_id, team_id, TODAY.isoformat() if backend == "sqlite" else TODAY, "nl"),
        )
        cursor = conn.cursor()
        cursor.executemany(
            f"INSERT INTO answers (response_id, item_id, value) VALUES ({p}, {p}, {p})",
            [(response_id, f"item_{i}", 3.0) for i in range(rows)],
        )
        cursor.executemany(
            f"INSERT INTO comments (id, response_id, question, text) VALUES ({p}, {p}, {p}, {p})",
            [(secrets.token_hex(16), response_id, q, comment) for q in ("stop", "start")],
        )
        conn.execute("COMMIT")
        latencies.append(time.perf_counter() - start)
    results.put({"latencies": latencies, "refused": 0, "errors": [], "end": time.time()})
    conn.close()


def run_workers(target, per_worker_args: list[tuple]) -> dict:
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(len(per_worker_args) + 1)
    results = ctx.Queue()
    processes = [ctx.Process(target=target, args=(*args, barrier, results)) for args in per_worker_args]
    for process in processes:
        process.start()
    barrier.wait(timeout=300)
    start = time.time()
    outcomes = [results.get(timeout=900) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    wall = max(o["end"] for o in outcomes) - start
    latencies = sorted(x for o in outcomes for x in o["latencies"])
    done = len(latencies)

    def pct(q: float) -> float:
        return round(1000 * latencies[min(done - 1, int(q * done))], 2) if done else float("nan")

    return {
        "accepted": done,
        "refused": sum(o["refused"] for o in outcomes),
        "errors": sum(len(o["errors"]) for o in outcomes),
        "first_errors": [e for o in outcomes for e in o["errors"]][:3],
        "wall_s": round(wall, 3),
        "per_s": round(done / wall, 1) if wall > 0 else None,
        "p50_ms": round(1000 * statistics.median(latencies), 2) if done else None,
        "p95_ms": pct(0.95),
        "max_ms": round(1000 * latencies[-1], 2) if done else None,
    }


def check_stored(url: str, accepted: int, expected_answers: int) -> dict:
    from sqlalchemy import func, select

    from verloop.store import Store
    from verloop.store.schema import Answer, Response, Token, Wave
    from verloop.surveys.ballots import finalise_wave, waiting

    store = Store.open(url, migrate=False)
    with store.session() as s:
        wave_id = s.scalar(select(Wave.id).where(Wave.name == "bench"))
    sealed = waiting(store, wave_id)  # ballots still sealed after the run (fewer than 2k per team)
    finalise_wave(store, wave_id, tidy=False)  # what closing the wave does, untimed
    with store.session() as s:
        responses = s.scalar(select(func.count()).select_from(Response).where(Response.wave_id == wave_id))
        used = s.scalar(select(func.count()).select_from(Token).where(Token.wave_id == wave_id, Token.used))
        answers = s.scalar(select(func.count()).select_from(Answer).join(Response).where(Response.wave_id == wave_id))
    store.dispose()
    return {
        "responses": responses,
        "tokens_used": used,
        "answers": answers,
        "answers_expected": expected_answers,
        "accepted_incl_warmup": accepted,
        "sealed_until_close": sealed,
    }


def bench_backend(url: str, backend: str, n: int, workers: int, rounds: int) -> dict:
    """``rounds`` × (submit run, floor run), alternated so that both see the same machine."""
    from verloop.surveys.instruments import load_instrument

    instrument = load_instrument("pulse")
    per = max(1, n // workers)
    codes = prepare(url, rounds * (per * workers + workers))
    rows = round(sum(len(questionnaire(instrument, s)[0]) for s in range(20)) / 20)
    submits, floors = [], []
    for _ in range(rounds):
        batch, codes = codes[: per * workers + workers], codes[per * workers + workers :]
        warmups, batch = batch[:workers], batch[workers:]
        shares = [batch[i * per : (i + 1) * per] for i in range(workers)]
        submits.append(run_workers(_submit_worker, [(url, warmups[i], shares[i]) for i in range(workers)]))
        floors.append(run_workers(_floor_worker, [(url, backend, per, rows) for _ in range(workers)]))

    # every worker of every round sends forms 0..per-1 plus the warm-up form number `per`
    expected_answers = rounds * workers * sum(len(questionnaire(instrument, seed)[0]) for seed in range(per + 1))
    accepted = sum(r["accepted"] for r in submits) + rounds * workers
    stored = check_stored(url, accepted, expected_answers)
    errors = sum(r["errors"] for r in submits)

    def median(results, key):
        values = [r[key] for r in results if r[key] is not None]
        return round(statistics.median(values), 2) if values else None

    submit_summary = {
        "per_s": median(submits, "per_s"),
        "p50_ms": median(submits, "p50_ms"),
        "p95_ms": median(submits, "p95_ms"),
        "max_ms": max(r["max_ms"] for r in submits),
        "refused": sum(r["refused"] for r in submits),
        "errors": errors,
        "first_errors": [e for r in submits for e in r["first_errors"]][:3],
        "lost": accepted - stored["responses"],
        "stored": stored,
        "rounds": [{k: r[k] for k in ("per_s", "p50_ms", "p95_ms", "max_ms")} for r in submits],
    }
    floor_summary = {
        "per_s": median(floors, "per_s"),
        "p50_ms": median(floors, "p50_ms"),
        "p95_ms": median(floors, "p95_ms"),
        "answers_per_transaction": rows,
        "rounds": [{k: r[k] for k in ("per_s", "p50_ms", "p95_ms")} for r in floors],
    }
    ratio = (
        submit_summary["per_s"] / floor_summary["per_s"] if submit_summary["per_s"] and floor_summary["per_s"] else None
    )
    return {
        "submit": submit_summary,
        "floor": floor_summary,
        "ratio_to_floor": round(ratio, 3) if ratio else None,
        "meets_targets": bool(
            ratio
            and ratio >= TARGETS["ratio_to_floor"]
            and submit_summary["p95_ms"] <= TARGETS["p95_ms"]
            and submit_summary["lost"] == 0
            and errors == 0
            and stored["answers"] == expected_answers
        ),
    }


def with_pg_database(admin_url: str):
    """Create a throw-away database on the server named by $VERLOOP_BENCH_PG."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from verloop.store import resolve_url

    admin_url = resolve_url(admin_url)
    name = f"verloop_bench_{secrets.token_hex(4)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)

    def drop():
        with admin.connect() as connection:
            connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :n AND pid <> pg_backend_pid()"
                ),
                {"n": name},
            )
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()

    return url, drop


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=800, help="timed submissions per database")
    parser.add_argument("--workers", type=int, default=8, help="concurrent processes")
    parser.add_argument("--rounds", type=int, default=3, help="alternating submit/floor runs; medians are reported")
    args = parser.parse_args(argv)

    import platform

    report: dict = {
        "benchmark": "survey_submit",
        "n": args.n,
        "workers": args.workers,
        "rounds": args.rounds,
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "targets": TARGETS,
    }
    with tempfile.TemporaryDirectory(prefix="verloop-bench-") as folder:
        report["sqlite"] = bench_backend(
            f"sqlite:///{Path(folder) / 'bench.db'}", "sqlite", args.n, args.workers, args.rounds
        )
    pg = os.environ.get("VERLOOP_BENCH_PG")
    if not pg:
        report["postgresql"] = {
            "skipped": "set VERLOOP_BENCH_PG to a PostgreSQL URL on which a database may be created"
        }
    else:
        url, drop = with_pg_database(pg)
        try:
            report["postgresql"] = bench_backend(url, "postgresql", args.n, args.workers, args.rounds)
        finally:
            drop()
    report["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
