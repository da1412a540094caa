"""Benchmark: how fast the HR dashboards become usable on a 10,000-employee organisation.

Prints one JSON object. For every dashboard page, in headless Debian Chromium against a real
Voilà server, beside an empty Voilà notebook measured in the same run (the floor):

* ``cold_s``  — time to interactive with a kernel started for the request (no preheating);
* ``warm_s``  — the same with a preheated kernel pool (``--preheat_kernel=True --pool_size=1``);
* ``filter_change_s`` — from a filter change in the browser to the redrawn page;
* ``kernel_rss_mb`` — resident memory of the page's kernel once drawn;

plus the ratios to the floor and the issue's targets (≤ 1.5 × floor and ≤ 3 s warm, filter
change ≤ 300 ms, ≤ 600 MB per kernel). "Interactive" means: Voilà's ``#loading`` is gone and
the page root carries ``verloop-ready`` with its charts in the DOM (for the floor: ``#loading``
gone). Medians over ``--runs`` loads.

    .venv/bin/python bench/dashboard.py                      # 10,000 employees, 24 months
    .venv/bin/python bench/dashboard.py --employees 600 --runs 1 --pages turnover,risk
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from verloop.apps.dashboard import PAGE_KEYS  # noqa: E402
from verloop.apps.server import app_environment, voila_command  # noqa: E402

READY = ".verloop-page.verloop-ready"
TIMEOUT_MS = 300_000
TARGETS = {"ratio_to_floor": 1.5, "warm_s": 3.0, "filter_change_s": 0.3, "kernel_rss_mb": 600}
EMPTY_NOTEBOOK = {
    "cells": [],
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-extensions", "--disable-background-networking"]

# Measures a filter change inside the page: from the change event to the root regaining
# `verloop-ready` (the kernel removes it before recomputing and adds it after redrawing).
FILTER_JS = """
async (selector) => {
  const root = document.querySelector('.verloop-page');
  const done = new Promise((resolve, reject) => {
    let removed = false;
    const observer = new MutationObserver((records) => {
      for (const r of records) { if ((r.oldValue || '').includes('verloop-ready')) removed = true; }
      if (removed && root.classList.contains('verloop-ready')) { observer.disconnect(); resolve(performance.now()); }
    });
    observer.observe(root, {attributes: true, attributeFilter: ['class'], attributeOldValue: true});
    setTimeout(() => { observer.disconnect(); reject(new Error('no redraw within 120 s')); }, 120000);
  });
  const start = performance.now();
  const select = document.querySelector(selector + ' select');
  if (select) {
    select.selectedIndex = select.selectedIndex === 1 ? 2 : 1;
    select.dispatchEvent(new Event('change', {bubbles: true}));
  } else {
    const buttons = Array.from(document.querySelectorAll(selector + ' button'));
    buttons.find((b) => !b.classList.contains('mod-active')).click();
  }
  return (await done) - start;
}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- data ------------------------------------------------------------------------------------------


def build_database(path: Path, employees: int, months: int, seed: int) -> dict:
    from verloop.store import Store
    from verloop.synth import SynthConfig, generate, write

    started = time.perf_counter()
    org = generate(SynthConfig(employees=employees, months=months, seed=seed))
    store = Store.open(f"sqlite:///{path}")
    counts = write(store, org)
    store.dispose()
    return {"seconds": round(time.perf_counter() - started, 1), "rows": counts}


def train_models(db_url: str, models_dir: Path) -> dict:
    """Fit the models the drivers, risk and what-if pages read (``verloop train``)."""
    from verloop.cli import main

    started = time.perf_counter()
    env_before = os.environ.get("VERLOOP_MODELS")
    os.environ["VERLOOP_MODELS"] = str(models_dir)
    try:
        code = main(["train", "--db", db_url, "--out", str(models_dir)])
    finally:
        if env_before is None:
            os.environ.pop("VERLOOP_MODELS", None)
        else:
            os.environ["VERLOOP_MODELS"] = env_before
    return {"exit_code": code, "seconds": round(time.perf_counter() - started, 1)}


# -- server ----------------------------------------------------------------------------------------


class Server:
    def __init__(self, apps_dir: Path, db_url: str, workdir: Path, extra: list[str], env: dict):
        self.port = free_port()
        environment = app_environment(db_url)
        environment.update(env)
        environment["JUPYTER_RUNTIME_DIR"] = str(workdir / "runtime")
        environment["JUPYTER_CONFIG_DIR"] = str(workdir / "config")
        self.log = open(workdir / f"voila-{self.port}.log", "ab")
        self.process = subprocess.Popen(
            voila_command(apps_dir, self.port, extra=extra), cwd=apps_dir.parent, env=environment,
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"voila exited; see {self.log.name}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("voila did not open its port within 120 s")

    def url(self, notebook: str) -> str:
        return f"http://127.0.0.1:{self.port}/voila/render/{notebook}"

    def kernels(self):
        import psutil

        try:
            parent = psutil.Process(self.process.pid)
            return [p for p in parent.children(recursive=True) if "ipykernel" in " ".join(p.cmdline())]
        except psutil.Error:
            return []

    def wait_idle(self, quiet_s: float = 2.0, limit_s: float = 600.0) -> None:
        """Wait until the server and its kernels use (almost) no CPU: pools refilled, work done."""
        import psutil

        deadline = time.monotonic() + limit_s
        quiet_since = None
        while time.monotonic() < deadline:
            procs = [psutil.Process(self.process.pid)] + self.kernels()
            busy = 0.0
            for p in procs:
                try:
                    busy += p.cpu_percent(interval=None)
                except psutil.Error:
                    pass
            time.sleep(0.5)
            busy = 0.0
            for p in procs:
                try:
                    busy += p.cpu_percent(interval=None)
                except psutil.Error:
                    pass
            if busy < 10.0:
                quiet_since = quiet_since or time.monotonic()
                if time.monotonic() - quiet_since >= quiet_s:
                    return
            else:
                quiet_since = None

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.log.close()


# -- measuring -------------------------------------------------------------------------------------


def load_page(browser, server: Server, notebook: str, dashboard: bool, filter_change: bool) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    before = {k.pid for k in server.kernels()}
    started = time.perf_counter()
    page.goto(server.url(notebook), wait_until="commit", timeout=TIMEOUT_MS)
    page.wait_for_selector("#loading", state="detached", timeout=TIMEOUT_MS)
    if dashboard:
        page.wait_for_selector(READY, state="attached", timeout=TIMEOUT_MS)
        page.wait_for_selector(f"{READY} .verloop-body > *", state="attached", timeout=TIMEOUT_MS)
    elapsed = time.perf_counter() - started
    errors = page.locator(".voila-error, .verloop-failure").count()
    result = {"seconds": elapsed, "errors": errors}
    kernels = [k for k in server.kernels() if k.pid not in before] or server.kernels()
    if kernels:
        newest = max(kernels, key=lambda k: k.create_time())
        try:
            result["kernel_rss_mb"] = newest.memory_info().rss / 2**20
        except Exception:
            pass
    if dashboard and filter_change:
        for selector in (".verloop-filter-site", ".verloop-filter-team", ".verloop-lang"):
            if page.locator(selector).count():
                result["filter_change_s"] = page.evaluate(FILTER_JS, selector) / 1000.0
                result["filter_changed"] = selector
                break
        if newest is not None:
            try:
                result["kernel_rss_mb"] = max(result.get("kernel_rss_mb", 0), newest.memory_info().rss / 2**20)
            except Exception:
                pass
    page.goto("about:blank")  # fires beforeunload: Voilà shuts the kernel down
    context.close()
    return result


def median(values):
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 3) if values else None


def measure(browser, server: Server, pages: list[str], runs: int, warm: bool) -> dict:
    results: dict[str, list[dict]] = {"floor": []} | {p: [] for p in pages}
    for run in range(runs):
        for key in ["floor"] + pages:
            if warm:
                server.wait_idle()  # the pool has refilled: the next load finds a preheated kernel
            notebook = "floor.ipynb" if key == "floor" else f"dashboard_{key}.ipynb"
            result = load_page(browser, server, notebook, key != "floor", filter_change=(key != "floor"))
            results[key].append(result)
            log(f"{'warm' if warm else 'cold'} run {run + 1} {key}: {result['seconds']:.2f} s"
                + (f", filter {result['filter_change_s'] * 1000:.0f} ms" if "filter_change_s" in result else ""))
            if not warm:
                time.sleep(1.0)
    return results


def summarise(cold: dict, warm: dict | None, pages: list[str]) -> dict:
    floor_cold = median(r["seconds"] for r in cold["floor"])
    floor_warm = median(r["seconds"] for r in warm["floor"]) if warm else None
    out = {"floor": {"cold_s": floor_cold, "warm_s": floor_warm,
                     "kernel_rss_mb": median(r.get("kernel_rss_mb") for r in cold["floor"])}, "pages": {}}
    for key in pages:
        c = cold[key]
        w = warm[key] if warm else []
        cold_s = median(r["seconds"] for r in c)
        warm_s = median(r["seconds"] for r in w) if w else None
        filter_s = median([r.get("filter_change_s") for r in c] + [r.get("filter_change_s") for r in w])
        rss = max([r.get("kernel_rss_mb", 0) for r in c + w] or [0])
        entry = {
            "cold_s": cold_s,
            "warm_s": warm_s,
            "cold_ratio_to_floor": round(cold_s / floor_cold, 2) if cold_s and floor_cold else None,
            "warm_ratio_to_floor": round(warm_s / floor_warm, 2) if warm_s and floor_warm else None,
            "filter_change_s": filter_s,
            "filter_changed": next((r.get("filter_changed") for r in c if r.get("filter_changed")), None),
            "kernel_rss_mb": round(rss, 1) if rss else None,
            "errors": sum(r["errors"] for r in c + w),
        }
        entry["meets_targets"] = bool(
            entry["errors"] == 0
            and (warm_s is None or warm_s <= TARGETS["warm_s"])
            and (entry["warm_ratio_to_floor"] is None or entry["warm_ratio_to_floor"] <= TARGETS["ratio_to_floor"])
            and (filter_s is None or filter_s <= TARGETS["filter_change_s"])
            and (not rss or rss <= TARGETS["kernel_rss_mb"])
        )
        out["pages"][key] = entry
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", default=",".join(PAGE_KEYS))
    parser.add_argument("--db", help="reuse this SQLite file (built when missing)")
    parser.add_argument("--no-warm", action="store_true", help="skip the preheated-kernel round")
    parser.add_argument("--no-train", action="store_true", help="do not fit models (drivers/risk/what-if pages then say so)")
    args = parser.parse_args(argv)
    pages = [p for p in args.pages.split(",") if p]
    unknown = set(pages) - set(PAGE_KEYS)
    if unknown:
        parser.error(f"unknown page(s): {', '.join(sorted(unknown))}")

    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("VERLOOP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    work = Path(tempfile.mkdtemp(prefix="verloop-bench-dash-"))
    db_path = Path(args.db) if args.db else work / "bench.db"
    report: dict = {"benchmark": "dashboard", "employees": args.employees, "months": args.months, "runs": args.runs,
                    "cpus": os.cpu_count(), "targets": TARGETS}
    try:
        if not db_path.exists():
            log(f"building a {args.employees}-employee organisation into {db_path} …")
            report["build"] = build_database(db_path, args.employees, args.months, args.seed)
        db_url = f"sqlite:///{db_path}"
        models_dir = work / "models"
        env = {"VERLOOP_MODELS": str(models_dir)}
        if not args.no_train:
            log("training models …")
            report["train"] = train_models(db_url, models_dir)
        apps = work / "apps"
        apps.mkdir()
        (apps / "floor.ipynb").write_text(json.dumps(EMPTY_NOTEBOOK))
        for key in pages:
            shutil.copy(ROOT / "apps" / f"dashboard_{key}.ipynb", apps)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
            try:
                server = Server(apps, db_url, work, [], env)
                try:
                    cold = measure(browser, server, pages, args.runs, warm=False)
                finally:
                    server.stop()
                warm = None
                if not args.no_warm:
                    server = Server(apps, db_url, work, ["--preheat_kernel=True", "--pool_size=1"], env)
                    try:
                        server.wait_idle(quiet_s=3.0)
                        warm = measure(browser, server, pages, args.runs, warm=True)
                    finally:
                        server.stop()
            finally:
                browser.close()
        report.update(summarise(cold, warm, pages))
        report["all_targets_met"] = all(p["meets_targets"] for p in report["pages"].values())
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
