"""Benchmark: how fast the HR dashboards become usable on a 10,000-employee organisation.

Prints one JSON object — always, even when a page times out or a server dies: a failed load is
a recorded failure (``failures``), never a crash that loses the other figures. For every
dashboard page (and the tabbed app), in headless Debian Chromium against real Voilà servers:

**Served (the user's path; the targets).** A server started as ``verloop serve`` starts the HR
side (``voila_command`` with the HR token, Verloop's sign-in, the account header,
``VERLOOP_REQUIRE_ACCOUNT``; a pool of one preheated kernel per notebook, as ``kernel_pools``
gives a page — here for every measured notebook; ``serve_pools_here`` says which pages
``verloop serve`` would preheat on this machine), signed in once with the token. Its pools fill
and go idle BEFORE the data change; then ``bump_revision`` (what an import or a closed wave
does) and the refresh ``watch`` runs in the background (``refresh_served``); then:

* ``first_served_s`` — the first load of each page after that change (a kernel preheated
  before the change: it must read the new data after its request, and does);
* ``warm_s`` — later loads on the same server (the steady state), median of ``--runs``;
* ``preheated_floor`` — the floor both are compared with: ``request_floor.ipynb``, a
  preheated one-widget notebook that waits for its request (``verloop.apps.preheat``) as every
  HR page does, then shows one HTML widget. Why this one: an HR page's kernel cannot render
  before its request (it needs the account and the query), so Voilà streams nothing ahead; a
  preheated *empty* notebook (``floor.served_s``) or a one-widget one that does not wait
  (``widget_floor.served_s``) is pre-rendered completely and measures something else. The old
  preheated floor was such an empty notebook, and bimodal (0.13–2.6 s). One cause is in
  Voilà's source: it counts a pool kernel that is still starting as available, and a request
  arriving before the refill is done waits for that kernel's whole start — so every served
  load here first waits until the server's kernels are exactly its full pools (used kernels
  culled) and idle (``loads_with_pools_not_full`` counts the exceptions). That is not the only
  cause: the 600-employee smoke of this version still saw the empty notebook at 0.24 s and
  3.81 s with full, idle pools (and the pre-rendered one-widget notebook never became ready
  within the timeout on the signed-in server — not investigated; it is no longer loaded
  there). The
  request floor does not depend on pre-rendering; it is the median of ``--runs``
  loads; every run is listed.

**No pool (for comparison).** A server with no preheating (a kernel started per request, the
floor an empty notebook started the same way): ``first_nopool_s`` — the first load after the
data change and the refresh; ``cold_s`` — later loads. ``uncached_first_s`` (``--uncached``)
— a first load *without* the refresh.

Also per page: ``filter_change_s`` (from a filter change in the browser to the redrawn page),
``kernel_rss_mb`` (the largest kernel of the server once the page is drawn and filtered), the
refresh's seconds and peak memory, and the issue's targets — steady state ≤ 1.5 × and first
load after a change ≤ 2 × the preheated floor (served path), filter change ≤ 300 ms, ≤ 300 MB
per kernel. "Interactive" means: Voilà's ``#loading`` is gone and the page root carries
``verloop-ready`` with its sections in the DOM (for the floors: ``#loading`` gone and, with a
widget, the widget shown). Every figure is measured ``--runs`` times (at least 2) and
reported as the median. The load average is reported at each phase: on a busy 2-core machine
every figure grows with it.

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
from verloop.apps.server import app_environment, kernel_pools, voila_command  # noqa: E402

READY = ".verloop-page.verloop-ready"
TIMEOUT_MS = 120_000  # --timeout
TARGETS = {"warm_ratio_to_floor": 1.5, "first_served_ratio_to_floor": 2.0, "filter_change_s": 0.3, "kernel_rss_mb": 300}
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
REQUEST_FLOOR_NOTEBOOK = {  # the preheated floor: waits for its request as a page does, then one widget
    "cells": [
        {
            **WIDGET_NOTEBOOK["cells"][0],
            "id": "r",
            "source": [
                "from verloop.apps.preheat import wait_for_request\n",
                "wait_for_request()\n",
                *WIDGET_NOTEBOOK["cells"][0]["source"],
            ],
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
    """A Voilà server started with ``voila_command`` (``served``: its keyword arguments as
    ``verloop serve`` passes them for the HR side — token, pages, pools)."""

    def __init__(self, apps_dir: Path, db_url: str, workdir: Path, extra: list[str], env: dict, **served):
        self.port = free_port()
        environment = app_environment(db_url)
        environment.update(env)
        environment["JUPYTER_RUNTIME_DIR"] = str(workdir / "runtime")
        environment["JUPYTER_CONFIG_DIR"] = str(workdir / "config")
        self.log = open(workdir / f"voila-{self.port}.log", "ab")
        command = voila_command(apps_dir, self.port, **served)
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


def load_page(
    browser, server: Server, notebook: str, ready: str | None, filter_change: bool, signed_in: dict | None = None
) -> dict:
    """Open ``notebook``; time until Voilà's #loading is gone and ``ready`` (a CSS selector) is
    in the DOM; then, optionally, time one filter change; and read the page's kernel memory.
    ``signed_in``: the browser state of a signed-in HR user (its cookie). A timeout or any
    other failure is returned as ``{"seconds": None, "failure": ...}``."""
    try:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, storage_state=signed_in)
    except Exception as exc:  # the browser itself is gone
        return {"seconds": None, "errors": 0, "failure": f"browser: {str(exc).splitlines()[0][:200]}"}
    result: dict = {"seconds": None, "errors": 0}
    try:
        page = context.new_page()
        started = time.perf_counter()
        page.goto(server.url(notebook), wait_until="commit", timeout=TIMEOUT_MS)
        page.wait_for_selector("#loading", state="detached", timeout=TIMEOUT_MS)
        if "/login" in page.url:
            raise RuntimeError("sent to the sign-in page")
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
    if key == "request_floor":
        return "request_floor.ipynb", ".verloop-floor"
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


SERVED_TOKEN = "the-hr-token-of-the-dashboard-benchmark"
SERVED_CULL = [  # used kernels go quickly (a pool's waiting kernels are never culled: Voilà)
    "--MappingKernelManager.cull_interval=2",
    "--MappingKernelManager.cull_idle_timeout=6",
    "--MappingKernelManager.cull_connected=True",
]
# (the pre-rendered one-widget notebook is left out here: on the signed-in preheated server it
# never became ready within the timeout in the smoke run, 120 s lost per run)
SERVED_FLOORS = ("floor", "request_floor")


def sign_in(browser, server: Server) -> dict | None:
    """The browser state (Jupyter's signed login cookie) of HR signed in with the token, as a
    user opens the address ``verloop serve`` prints; ``None`` when it fails (loads then fail)."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{server.port}/login?token={SERVED_TOKEN}", timeout=TIMEOUT_MS)
        state = context.storage_state()
        if not state.get("cookies"):
            raise RuntimeError("no sign-in cookie")
        return state
    except Exception as exc:
        log(f"sign-in failed: {str(exc).splitlines()[0][:200]}")
        return None
    finally:
        context.close()


def wait_for_pools(server: Server, pooled: int, limit_s: float = 300.0) -> bool:
    """Until the server's kernels are exactly its pools (used kernels culled, every pool
    refilled) and all of them idle; False when that did not happen within ``limit_s``. Voilà
    counts a pool kernel that is still starting as available: a request arriving then waits
    for its start (one cause of the bimodal preheated floor)."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if len(server.kernels()) == pooled:
            server.wait_idle(quiet_s=2.0, limit_s=max(1.0, deadline - time.monotonic()))
            if len(server.kernels()) == pooled:
                return True
        time.sleep(0.5)
    return False


def measure_served(
    browser, apps: Path, db_url: str, work: Path, env: dict, keys: list[str], runs: int, report: dict
) -> dict:
    """The HR side as ``verloop serve`` starts it (``voila_command`` with the HR token, Verloop's
    sign-in, the account header, ``VERLOOP_REQUIRE_ACCOUNT``; a pool of one kernel per page as
    ``kernel_pools`` sizes it, here for every measured notebook): the pools fill and go idle
    BEFORE the data change; then a data change and the refresh (``refresh_served``); then the
    first load of each page (``first_served``), then ``runs`` rounds of floors and pages (the
    steady state). Every load waits for the pools to be full and idle. Failures are recorded."""
    results: dict[str, list[dict]] = {k: [] for k in [*SERVED_FLOORS, *keys, *(f"first:{k}" for k in keys)]}
    notebooks = [notebook_of(k)[0] for k in [*SERVED_FLOORS, *keys]]
    pools = {name: 1 for name in notebooks}
    try:
        server = Server(
            apps,
            db_url,
            work,
            SERVED_CULL,
            {**env, "VERLOOP_REQUIRE_ACCOUNT": "1"},
            token=SERVED_TOKEN,
            pages=notebooks,
            pools=pools,
        )
    except Exception as exc:
        report["served_failure"] = f"server: {str(exc)[:300]}"
        return results
    try:
        signed_in = sign_in(browser, server)

        def load(key: str, label: str, filter_change: bool) -> None:
            full = wait_for_pools(server, len(pools))
            notebook, ready = notebook_of(key)
            result = load_page(browser, server, notebook, ready, filter_change, signed_in=signed_in)
            result["load_average"] = load_average()
            result["pools_full"] = full
            results[label].append(result)
            log(f"served {label}: {describe(result)}{'' if full else ' (pools not full)'}")

        report["load_average"]["served_pools_full"] = load_average() if wait_for_pools(server, len(pools)) else None
        code = code_stamp()
        report["refresh_served"] = measure_refresh(db_url, env)
        log(f"refresh (served round): {report['refresh_served'].get('seconds')} s")
        if code_stamp() != code:  # an edit in a shared tree meanwhile: its keys are gone
            log("the code changed during the refresh: refreshing again …")
            report["refresh_served_again"] = measure_refresh(db_url, env, bump=False)
        for key in keys:
            load(key, f"first:{key}", filter_change=False)
        for _ in range(runs):
            for key in [*SERVED_FLOORS, *keys]:
                load(key, key, filter_change=key not in SERVED_FLOORS and key != "app")
    finally:
        server.stop()
    return results


def seconds(results: list[dict]) -> list[float]:
    return [r["seconds"] for r in results if r.get("seconds") is not None]


def ratio(value, floor):
    return round(value / floor, 2) if value and floor else None


def summarise(cold: dict, served: dict | None, keys: list[str]) -> dict:
    """Medians, ratios and the targets per page. The cold figures are compared with the cold
    (empty notebook) floor, the served ones with the preheated floor (``request_floor``)."""
    served = served or {}
    floor_cold = median(seconds(cold["floor"]))
    floor_served = median(seconds(served.get("request_floor", [])))
    out = {
        "floor": {
            "cold_s": floor_cold,
            "cold_runs": seconds(cold["floor"]),
            "served_s": median(seconds(served.get("floor", []))),
            "served_runs": [round(v, 3) for v in seconds(served.get("floor", []))],
            "kernel_rss_mb": median(r.get("kernel_rss_mb") for r in cold["floor"]),
        },
        "widget_floor": {
            "cold_s": median(seconds(cold["widget_floor"])),
            "served_s": median(seconds(served.get("widget_floor", []))),
            "served_runs": [round(v, 3) for v in seconds(served.get("widget_floor", []))],
        },
        "preheated_floor": {
            "what": "request_floor: a preheated one-widget notebook that waits for its request",
            "served_s": floor_served,
            "served_runs": [round(v, 3) for v in seconds(served.get("request_floor", []))],
        },
        "pages": {},
    }
    for key in keys:
        c = cold.get(key, [])
        w = served.get(key, [])
        f = served.get(f"first:{key}", [])
        first_s = round(c[0]["seconds"], 3) if c and c[0].get("seconds") is not None else None
        first_served = round(f[0]["seconds"], 3) if f and f[0].get("seconds") is not None else None
        cold_s = median(seconds(c))
        warm_s = median(seconds(w))
        filter_s = median([r.get("filter_change_s") for r in c + w])
        rss_first = c[0].get("kernel_rss_mb") if c else None
        rss = max([r.get("kernel_rss_mb") or 0 for r in c + w + f] or [0])
        everything = c + w + f
        failures = [r["failure"] for r in everything if r.get("failure")] + [
            r["filter_failure"] for r in everything if r.get("filter_failure")
        ]
        entry = {
            "first_served_s": first_served,
            "first_served_ratio_to_floor": ratio(first_served, floor_served),
            "first_nopool_s": first_s,
            "first_nopool_ratio_to_floor": ratio(first_s, floor_cold),
            "first_nopool_kernel_rss_mb": round(rss_first, 1) if rss_first else None,
            "cold_s": cold_s,
            "cold_runs": [round(v, 2) for v in seconds(c)],
            "cold_ratio_to_floor": ratio(cold_s, floor_cold),
            "warm_s": warm_s,
            "warm_runs": [round(v, 2) for v in seconds(w)],
            "warm_ratio_to_floor": ratio(warm_s, floor_served),
            "filter_change_s": filter_s,
            "filter_changed": next((r.get("filter_changed") for r in everything if r.get("filter_changed")), None),
            "kernel_rss_mb": round(rss, 1) if rss else None,
            "errors": sum(r.get("errors") or 0 for r in everything),
            "failures": failures,
            "loads_with_pools_not_full": sum(1 for r in w + f if r.get("pools_full") is False),
            "messages": sorted({r["message"] for r in everything if r.get("message")}),
        }
        unmet = []
        if entry["errors"] or failures:
            unmet.append("errors or failed loads")
        for name, what in (("warm_ratio_to_floor", "steady state"), ("first_served_ratio_to_floor", "first load")):
            if entry[name] is not None and entry[name] > TARGETS[name]:
                unmet.append(f"{what} {entry[name]} x preheated floor > {TARGETS[name]}")
            elif entry[name] is None:
                unmet.append(f"{what} on the served path not measured")
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
    parser.add_argument("--no-warm", action="store_true", help="skip the served (preheated) round")
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
        (apps / "request_floor.ipynb").write_text(json.dumps(REQUEST_FLOOR_NOTEBOOK))
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
                if code_stamp() != code:  # (the served round changes the data and refreshes itself)
                    report["code_changed"].append("cold")
                    code = code_stamp()
                if not args.no_warm:
                    report["load_average"]["served"] = load_average()
                    report["serve_pools_here"] = kernel_pools([notebook_of(k)[0] for k in pages], [])[0]
                    warm = measure_served(browser, apps, db_url, work, env, pages, args.runs, report)
                    if code_stamp() != code:
                        report["code_changed"].append("served")
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
