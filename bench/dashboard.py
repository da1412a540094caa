"""Benchmark: how fast the HR dashboards become usable on a 10,000-employee organisation.

Prints one JSON object — always, even when a page times out or a server dies: a failed load is
a recorded failure (``failures``), never a crash that loses the other figures. For every
dashboard page (and the tabbed app), in headless Debian Chromium against a real Voilà server,
beside floors measured in the same run:

* ``floor``: an empty Voilà notebook (kernel start + page); ``widget_floor``: one HTML widget
  (adds Voilà's widget manager), so that a page's own cost can be told from Voilà's;
* ``refresh`` — a data change (``bump_revision``, as an import or a closed wave does), then the
  refresh that recomputes every published frame (``python -m verloop.apps.dashboard.cache``,
  what ``watch`` runs in the background): its seconds and peak memory;
* ``first_s`` — the first load after that data change, the refresh having run (a new kernel);
* ``cold_s``  — later loads with a kernel started for the request (no preheating): the median
  of every load; ``uncached_first_s`` (``--uncached``) — a first load *without* the refresh;
* ``warm_s``  — loads with a preheated kernel (``--preheat_kernel=True --pool_size=1``; one
  server per page so that only that page's kernel is preheated), against the preheated floor;
* ``filter_change_s`` — from a filter change in the browser to the redrawn page;
* ``kernel_rss_mb`` — resident memory of the page's kernel once drawn and filtered;

plus the ratios to the floors and the issue's targets (steady state ≤ 1.5 × the preheated
floor, first load after a change ≤ 2 × the floor, filter change ≤ 300 ms, ≤ 300 MB per
kernel). "Interactive" means: Voilà's ``#loading`` is gone and the page root carries
``verloop-ready`` with its sections in the DOM (for the floor: ``#loading`` gone). Every figure
is measured ``--runs`` times (at least 2) and reported as the median. The load average is
reported at each phase: on a busy 2-core machine every figure grows with it.

    nice -n 10 .venv/bin/python bench/dashboard.py              # 10,000 employees, 24 months
    .venv/bin/python bench/dashboard.py --employees 600 --runs 2 --pages turnover,risk
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
TIMEOUT_MS = 120_000  # --timeout
TARGETS = {"warm_ratio_to_floor": 1.5, "first_ratio_to_floor": 2.0, "filter_change_s": 0.3, "kernel_rss_mb": 300}
EMPTY_NOTEBOOK = {
    "cells": [],
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}
WIDGET_NOTEBOOK = {  # the floor with Voilà's widget manager in it: one HTML widget
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "w",
            "metadata": {},
            "outputs": [],
            "source": ["import ipywidgets as w\n", "x = w.HTML('ready')\n", "x.add_class('verloop-floor')\n", "x"],
        }
    ],
    "metadata": EMPTY_NOTEBOOK["metadata"],
    "nbformat": 4,
    "nbformat_minor": 5,
}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-extensions",
    "--disable-background-networking",
]

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
    """Fit the team model the drivers, risk and what-if pages read (what ``verloop train --only
    team`` writes), quietly: stdout carries only the benchmark's JSON."""
    from verloop.models.data import load_org
    from verloop.models.train import TrainOptions
    from verloop.models.train import train_models as fit
    from verloop.store import Store

    started = time.perf_counter()
    store = Store.open(db_url)
    fit(load_org(store), models_dir, options=TrainOptions(n_boot=50), which=("team",))
    store.dispose()
    return {"seconds": round(time.perf_counter() - started, 1)}


# -- server ----------------------------------------------------------------------------------------


class Server:
    def __init__(self, apps_dir: Path, db_url: str, workdir: Path, extra: list[str], env: dict):
        self.port = free_port()
        environment = app_environment(db_url)
        environment.update(env)
        environment["JUPYTER_RUNTIME_DIR"] = str(workdir / "runtime")
        environment["JUPYTER_CONFIG_DIR"] = str(workdir / "config")
        self.log = open(workdir / f"voila-{self.port}.log", "ab")
        command = voila_command(apps_dir, self.port)
        if any(a.startswith("--MappingKernelManager.cull") for a in extra):  # ours replace the defaults
            command = [a for a in command if not a.startswith("--MappingKernelManager.cull")]
        self.process = subprocess.Popen(
            command + list(extra),
            cwd=apps_dir.parent,
            env=environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.flush()
                tail = Path(self.log.name).read_text(errors="replace").splitlines()[-15:]
                raise RuntimeError("voila exited:\n" + "\n".join(tail))
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

# Kernels of closed pages are culled quickly so that memory stays flat during the run (Voilà's own
# shutdown-on-unload beacon is refused without an _xsrf cookie; see the closing note).
CULL = [
    "--MappingKernelManager.cull_interval=5",
    "--MappingKernelManager.cull_idle_timeout=15",
    "--MappingKernelManager.cull_connected=True",
]


def wait_for_kernels(server: Server, at_most: int, limit_s: float = 120.0) -> None:
    deadline = time.monotonic() + limit_s
    while len(server.kernels()) > at_most and time.monotonic() < deadline:
        time.sleep(1.0)


def kernel_rss(kernel) -> float | None:
    try:
        return kernel.memory_info().rss / 2**20
    except Exception:
        return None


def load_page(browser, server: Server, notebook: str, ready: str | None, filter_change: bool) -> dict:
    """Open ``notebook``; time until Voilà's #loading is gone and ``ready`` (a CSS selector) is
    in the DOM; then, optionally, time one filter change; and read the page's kernel memory.
    A timeout or any other failure is returned as ``{"seconds": None, "failure": ...}``."""
    try:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
    except Exception as exc:  # the browser itself is gone
        return {"seconds": None, "errors": 0, "failure": f"browser: {str(exc).splitlines()[0][:200]}"}
    result: dict = {"seconds": None, "errors": 0}
    try:
        page = context.new_page()
        started = time.perf_counter()
        page.goto(server.url(notebook), wait_until="commit", timeout=TIMEOUT_MS)
        page.wait_for_selector("#loading", state="detached", timeout=TIMEOUT_MS)
        if ready:
            page.wait_for_selector(ready, state="attached", timeout=TIMEOUT_MS)
        result["seconds"] = time.perf_counter() - started
        result["errors"] = page.locator(".voila-error, .verloop-failure").count()
        message = page.locator(".verloop-message").first
        if ready and message.count() and message.inner_text().strip():
            result["message"] = message.inner_text().strip()[:300]  # a refusal or failure, said on the page
        # the page's kernel: with preheating it is one that was waiting before the load (a new
        # one is the pool refilling), so the largest kernel of the server is taken — an upper
        # bound (a refill kernel is never larger than the page it pre-renders)
        newest = max(server.kernels(), key=lambda k: kernel_rss(k) or 0.0, default=None)
        if newest is not None:
            result["kernel_rss_mb"] = kernel_rss(newest)
        if ready and filter_change:
            for selector in (".verloop-filter-site", ".verloop-filter-team", ".verloop-lang"):
                if page.locator(selector).count():
                    try:
                        result["filter_change_s"] = page.evaluate(FILTER_JS, selector) / 1000.0
                        result["filter_changed"] = selector
                    except Exception as exc:
                        result["filter_failure"] = str(exc).splitlines()[0][:200]
                    break
            largest = max((kernel_rss(k) or 0.0 for k in server.kernels()), default=0.0)
            result["kernel_rss_mb"] = max(filter(None, [result.get("kernel_rss_mb"), largest]), default=None)
    except Exception as exc:  # playwright's TimeoutError and anything else: recorded, the run goes on
        result["failure"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
        result["after_s"] = round(time.perf_counter() - started, 1) if "started" in locals() else None
    finally:
        try:
            context.close()
        except Exception:
            pass
    return result


def describe(result: dict) -> str:
    if result.get("seconds") is None:
        return f"FAILED ({result.get('failure')})"
    return (
        f"{result['seconds']:.2f} s"
        + (f", filter {result['filter_change_s'] * 1000:.0f} ms" if "filter_change_s" in result else "")
        + (f", kernel {result['kernel_rss_mb']:.0f} MB" if result.get("kernel_rss_mb") else "")
    )


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def median(values):
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 3) if values else None


def notebook_of(key: str) -> tuple[str, str | None]:
    if key == "floor":
        return "floor.ipynb", None
    if key == "widget_floor":
        return "widget_floor.ipynb", ".verloop-floor"
    if key == "app":
        return "dashboard.ipynb", f".verloop-app {READY}"
    return f"dashboard_{key}.ipynb", READY


def measure_cold(browser, server: Server, keys: list[str], runs: int, results: dict | None = None) -> dict:
    """Every page with a kernel started for the request, the floor measured in between (into
    ``results``, so that what was measured survives a failure)."""
    results = results if results is not None else {k: [] for k in ["floor", "widget_floor", *keys]}
    for run in range(runs):
        for key in ["floor", "widget_floor", *keys]:
            wait_for_kernels(server, 0)
            server.wait_idle(quiet_s=1.0)
            notebook, ready = notebook_of(key)
            result = load_page(
                browser, server, notebook, ready, filter_change=key not in ("floor", "widget_floor", "app")
            )
            result["load_average"] = load_average()
            results[key].append(result)
            log(f"{'first' if run == 0 else 'cold'} run {run + 1} {key}: {describe(result)}")
    return results


def measure_warm(browser, apps: Path, db_url: str, work: Path, env: dict, keys: list[str], runs: int) -> dict:
    """Per page a server preheating one kernel for the floor and one for the page (a pool for
    every notebook at once would hold every page's data in memory at the same time). A server
    that fails to start is recorded for that page; the others go on."""
    results: dict[str, list[dict]] = {k: [] for k in ["floor", "widget_floor", *keys]}
    for key in keys:
        folder = work / f"warm-{key}"
        folder.mkdir()
        for name in ("floor.ipynb", "widget_floor.ipynb", notebook_of(key)[0]):
            shutil.copy(apps / name, folder)
        try:
            # no quick culling here: it would cull the idle preheated kernels before they are used
            server = Server(folder, db_url, work, ["--preheat_kernel=True", "--pool_size=1"], env)
        except Exception as exc:
            results[key].append({"seconds": None, "errors": 0, "failure": f"server: {str(exc)[:200]}"})
            continue
        try:
            for run in range(runs):
                for which in ("floor", "widget_floor", key):
                    server.wait_idle(quiet_s=3.0)  # the pool has (re)filled: a preheated kernel waits
                    notebook, ready = notebook_of(which)
                    result = load_page(browser, server, notebook, ready, filter_change=which == key and which != "app")
                    result["load_average"] = load_average()
                    results[which].append(result)
                    log(f"warm run {run + 1} {which}: {describe(result)}")
        finally:
            server.stop()
    return results


def seconds(results: list[dict]) -> list[float]:
    return [r["seconds"] for r in results if r.get("seconds") is not None]


def ratio(value, floor):
    return round(value / floor, 2) if value and floor else None


def summarise(cold: dict, warm: dict | None, keys: list[str]) -> dict:
    floor_cold = median(seconds(cold["floor"]))
    floor_warm = median(seconds(warm["floor"])) if warm else None
    out = {
        "floor": {
            "cold_s": floor_cold,
            "warm_s": floor_warm,
            "cold_runs": seconds(cold["floor"]),
            "warm_runs": seconds(warm["floor"]) if warm else [],
            "kernel_rss_mb": median(r.get("kernel_rss_mb") for r in cold["floor"]),
        },
        "widget_floor": {
            "cold_s": median(seconds(cold["widget_floor"])),
            "warm_s": median(seconds(warm["widget_floor"])) if warm else None,
        },
        "pages": {},
    }
    for key in keys:
        c = cold.get(key, [])
        w = warm.get(key, []) if warm else []
        first_s = round(c[0]["seconds"], 3) if c and c[0].get("seconds") is not None else None
        cold_s = median(seconds(c))
        warm_s = median(seconds(w))
        filter_s = median([r.get("filter_change_s") for r in c + w])
        rss_first = c[0].get("kernel_rss_mb") if c else None
        rss = max([r.get("kernel_rss_mb") or 0 for r in c + w] or [0])
        failures = [r["failure"] for r in c + w if r.get("failure")] + [
            r["filter_failure"] for r in c + w if r.get("filter_failure")
        ]
        entry = {
            "first_s": first_s,
            "first_ratio_to_floor": ratio(first_s, floor_cold),
            "first_kernel_rss_mb": round(rss_first, 1) if rss_first else None,
            "cold_s": cold_s,
            "cold_runs": [round(v, 2) for v in seconds(c)],
            "cold_ratio_to_floor": ratio(cold_s, floor_cold),
            "warm_s": warm_s,
            "warm_runs": [round(v, 2) for v in seconds(w)],
            "warm_ratio_to_floor": ratio(warm_s, floor_warm),
            "filter_change_s": filter_s,
            "filter_changed": next((r.get("filter_changed") for r in c + w if r.get("filter_changed")), None),
            "kernel_rss_mb": round(rss, 1) if rss else None,
            "errors": sum(r.get("errors") or 0 for r in c + w),
            "failures": failures,
            "messages": sorted({r["message"] for r in c + w if r.get("message")}),
        }
        unmet = []
        if entry["errors"] or failures:
            unmet.append("errors or failed loads")
        if entry["warm_ratio_to_floor"] is not None and entry["warm_ratio_to_floor"] > TARGETS["warm_ratio_to_floor"]:
            unmet.append(f"steady state {entry['warm_ratio_to_floor']} x floor > {TARGETS['warm_ratio_to_floor']}")
        if (
            entry["first_ratio_to_floor"] is not None
            and entry["first_ratio_to_floor"] > TARGETS["first_ratio_to_floor"]
        ):
            unmet.append(f"first load {entry['first_ratio_to_floor']} x floor > {TARGETS['first_ratio_to_floor']}")
        if filter_s is not None and filter_s > TARGETS["filter_change_s"]:
            unmet.append(f"filter change {filter_s} s > {TARGETS['filter_change_s']}")
        if rss and rss > TARGETS["kernel_rss_mb"]:
            unmet.append(f"kernel {round(rss)} MB > {TARGETS['kernel_rss_mb']}")
        entry["unmet"] = unmet
        entry["meets_targets"] = not unmet
        out["pages"][key] = entry
    return out


def measure_refresh(db_url: str, env: dict, bump: bool = True) -> dict:
    """A data change (``bump_revision``, as every import or closed wave bumps it), then the
    background refresh as ``watch`` runs it, in its own process: seconds and peak memory."""
    import psutil

    from verloop.store import Store, bump_revision

    if bump:
        store = Store.open(db_url)
        with store.session() as s:
            bump_revision(s)
        store.dispose()
    environment = {**os.environ, **env}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "verloop.apps.dashboard.cache", "--db", db_url],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
    )
    peak = 0.0
    watched = psutil.Process(process.pid)
    while process.poll() is None:
        try:
            peak = max(peak, watched.memory_info().rss / 2**20)
        except psutil.Error:
            pass
        time.sleep(0.2)
    out = process.stdout.read().decode(errors="replace") if process.stdout else ""
    result = {
        "seconds": round(time.perf_counter() - started, 1),
        "peak_rss_mb": round(peak),
        "exit_code": process.returncode,
    }
    try:
        result["report"] = json.loads(out.strip().splitlines()[-1])
    except (ValueError, IndexError):
        result["failure"] = out[-300:]
    return result


def code_stamp() -> str:
    """A digest of the code the cached frames and pictures depend on (as the kernels compute
    it, uncached): in a shared working tree an edit between the refresh and a page load makes
    that load compute again, which is then not a load "after the refresh"."""
    from verloop.apps.dashboard.cache import MODEL_CODE, PICTURE_CODE, code_version

    return code_version.__wrapped__(tuple(PICTURE_CODE + MODEL_CODE + ("apps/dashboard/pages",)))


def uncached_first(browser, apps: Path, db_url: str, work: Path, env: dict, keys: list[str]) -> dict:
    """Each page loaded right after a data change *without* the refresh (what a user paid before
    it): a new kernel computes its figures."""
    from verloop.store import Store, bump_revision

    out = {}
    server = Server(apps, db_url, work, CULL, env)
    try:
        for key in keys:
            store = Store.open(db_url)
            with store.session() as s:
                bump_revision(s)
            store.dispose()
            wait_for_kernels(server, 0)
            server.wait_idle(quiet_s=1.0)
            notebook, ready = notebook_of(key)
            result = load_page(browser, server, notebook, ready, filter_change=False)
            log(f"uncached first {key}: {describe(result)}")
            out[key] = {
                "seconds": round(result["seconds"], 2) if result.get("seconds") else None,
                "kernel_rss_mb": round(result["kernel_rss_mb"]) if result.get("kernel_rss_mb") else None,
                "failure": result.get("failure"),
            }
    finally:
        server.stop()
    return out


def _stop(signum, frame):
    raise KeyboardInterrupt(f"stopped by signal {signum}")


def main(argv: list[str] | None = None) -> int:
    global TIMEOUT_MS
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=2, help="loads per page and round (at least 2; medians)")
    parser.add_argument(
        "--pages",
        default=",".join(PAGE_KEYS) + ",app",
        help="comma-separated page keys; 'app' is the tabbed app (all pages, one kernel)",
    )
    parser.add_argument("--db", help="reuse this SQLite file (built when missing)")
    parser.add_argument("--models", help="reuse (or write) the model cards in this folder")
    parser.add_argument("--timeout", type=float, default=TIMEOUT_MS / 1000, help="seconds before a load is a failure")
    parser.add_argument("--no-warm", action="store_true", help="skip the preheated-kernel round")
    parser.add_argument("--uncached", action="store_true", help="also time first loads without the refresh")
    parser.add_argument(
        "--no-train", action="store_true", help="do not fit models (drivers/risk/what-if pages then say so)"
    )
    args = parser.parse_args(argv)
    pages = [p for p in args.pages.split(",") if p]
    unknown = set(pages) - set(PAGE_KEYS) - {"app"}
    if unknown:
        parser.error(f"unknown page(s): {', '.join(sorted(unknown))}")
    if args.runs < 2:
        parser.error("--runs must be at least 2 (every figure is a median of at least two loads)")
    TIMEOUT_MS = int(args.timeout * 1000)

    signal.signal(signal.SIGTERM, _stop)  # a timeout or kill still prints what was measured
    from playwright.sync_api import sync_playwright

    chromium = os.environ.get("VERLOOP_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    work = Path(tempfile.mkdtemp(prefix="verloop-bench-dash-"))
    db_path = Path(args.db) if args.db else work / "bench.db"
    report: dict = {
        "benchmark": "dashboard",
        "employees": args.employees,
        "months": args.months,
        "runs": args.runs,
        "timeout_s": args.timeout,
        "cpus": os.cpu_count(),
        "nice": os.nice(0),
        "load_average": {"start": load_average()},
        "targets": TARGETS,
    }
    try:
        if not db_path.exists():
            log(f"building a {args.employees}-employee organisation into {db_path} …")
            report["build"] = build_database(db_path, args.employees, args.months, args.seed)
        db_url = f"sqlite:///{db_path}"
        models_dir = Path(args.models) if args.models else work / "models"
        env = {"VERLOOP_MODELS": str(models_dir), "VERLOOP_DASHBOARD_CACHE": str(work / "figure-cache")}
        if not args.no_train and not (models_dir / "team-risk" / "card.json").exists():
            log("training the team model …")
            report["train"] = train_models(db_url, models_dir)
        apps = work / "apps"
        apps.mkdir()
        (apps / "floor.ipynb").write_text(json.dumps(EMPTY_NOTEBOOK))
        (apps / "widget_floor.ipynb").write_text(json.dumps(WIDGET_NOTEBOOK))
        for key in pages:
            shutil.copy(ROOT / "apps" / notebook_of(key)[0], apps)
        cold: dict = {k: [] for k in ["floor", "widget_floor", *pages]}
        warm = None
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
            try:
                if args.uncached:
                    report["load_average"]["uncached"] = load_average()
                    report["uncached_first"] = uncached_first(
                        browser, apps, db_url, work, env, [p for p in pages if p != "app"]
                    )
                log("a data change, then the refresh …")
                report["load_average"]["refresh"] = load_average()
                code = code_stamp()
                report["refresh"] = measure_refresh(db_url, env)
                log(f"refresh: {report['refresh'].get('seconds')} s, peak {report['refresh'].get('peak_rss_mb')} MB")
                if code_stamp() != code:  # someone edited the code meanwhile: its keys are gone
                    log("the code changed during the refresh: refreshing again …")
                    code = code_stamp()
                    report["refresh_again"] = measure_refresh(db_url, env, bump=False)
                report["code_changed"] = []  # phases during which an edit made the cache miss
                try:
                    server = Server(apps, db_url, work, CULL, env)
                    try:
                        report["load_average"]["cold"] = load_average()
                        measure_cold(browser, server, pages, args.runs, cold)
                    finally:
                        server.stop()
                except Exception as exc:
                    report["cold_failure"] = f"{type(exc).__name__}: {str(exc)[:300]}"
                if code_stamp() != code:
                    report["code_changed"].append("cold")
                    log("the code changed during the cold round: its loads computed again; refreshing …")
                    code = code_stamp()
                    report["refresh_before_warm"] = measure_refresh(db_url, env, bump=False)
                if not args.no_warm:
                    report["load_average"]["warm"] = load_average()
                    warm = measure_warm(browser, apps, db_url, work, env, pages, args.runs)
                    if code_stamp() != code:
                        report["code_changed"].append("warm")
            finally:
                browser.close()
        report.update(summarise(cold, warm, pages))
        report["all_targets_met"] = all(p["meets_targets"] for p in report["pages"].values())
    except BaseException as exc:  # whatever happens, what was measured is printed
        report["failure"] = f"{type(exc).__name__}: {str(exc)[:300]}"
        if "pages" not in report and "cold" in locals():
            try:
                report.update(summarise(cold, warm, pages))
            except Exception:
                pass
        if isinstance(exc, KeyboardInterrupt):
            pass
        elif not isinstance(exc, Exception):
            raise
    finally:
        report["load_average"]["end"] = load_average()
        shutil.rmtree(work, ignore_errors=True)
        print(json.dumps(report, indent=1, default=str))
    return 0 if "failure" not in report else 1


if __name__ == "__main__":
    sys.exit(main())
