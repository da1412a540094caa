"""Benchmark: the pulse survey app in Chromium against a real Voilà on this machine.

Every server here is started as ``verloop serve`` starts its survey side
(``verloop.apps.server.voila_command`` with the survey notebooks, the survey home at ``/`` and
the preheated pools of ``verloop.apps.server.kernel_pools``), plus ``floor.ipynb``, an empty
notebook: Voilà's own floor, measured in the same run. Prints one JSON object:

* ``cold`` — time to interactive (page requested → the Start button of the rendered app is
  visible) when Voilà starts a kernel for the request (preheating off, ``VERLOOP_PRELOAD=0``,
  or a burst that emptied the pool), against the floor loaded the same way (cold);
* ``preheated`` — the same from the pool ``verloop serve`` keeps (the notebook waits for the
  request's code with Voilà's ``wait_for_request`` protocol), each load after the pool has
  refilled, against the floor from its own pool (one preheated kernel for floor.ipynb); both
  phases also load ``widget_floor.ipynb`` (one ipywidgets HTML, what any widget page pays:
  the widget manager, the kernel websocket) and report the ratio to it;
* ``memory`` — resident (RSS) and unique (USS) memory of each respondent's kernel (found by the
  kernel id in the page) and of the kernels waiting in the pool;
* ``simultaneous`` — for each level, ``--level-runs`` times, that many respondents on a fresh
  server, opening their links ``--arrival-s`` apart (0: all in the same instant), answering the
  first page and then waiting until *all* are open, so that that many sessions are open at
  once (their kernels' memory is taken then); then all click through and send at the same
  moment. Completed, errors, time to interactive, slowest "all at once" finish, responses
  found in the database, and how many respondents' kernels are still alive
  ``LEAVE_AFTER_S`` + 15 s after the thank-you page; the largest level served without any
  error in every run (target 30). A session that takes more than 5 minutes is an error;
* ``submit`` — per simultaneous level, the p95 of Send → thank-you page (target ≤ 300 ms);
* ``verdict`` — each target with its numbers and "met" / "not met" (also printed on stderr).

Every timing is the median of ``--runs`` loads (at least 2). A load that fails or times out is
recorded (``failures``), never a crash: the JSON is printed whatever happens, with the load
average at each phase.

    .venv/bin/python bench/survey_app.py
    .venv/bin/python bench/survey_app.py --runs 3 --levels 10,30 --level-runs 2
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
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

from verloop.apps.access import SURVEY_HOME, survey_notebooks  # noqa: E402
from verloop.apps.preheat import LEAVE_AFTER_S  # noqa: E402
from verloop.apps.server import app_environment, kernel_pools, voila_command  # noqa: E402

CHROMIUM = os.environ.get("VERLOOP_CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-extensions",
    "--disable-background-networking",
]
TIMEOUT_MS = 300_000
TARGETS = {
    "simultaneous_sessions": 30,
    "tti_ratio_to_floor": 1.5,
    "submit_p95_s": 0.3,
    "kernel_memory_mb": 100,
}
FLOOR = "floor.ipynb"
WIDGET_FLOOR = "widget_floor.ipynb"  # one ipywidgets HTML: what any widget page pays on top
FLOOR_NOTEBOOK = {
    "cells": [],
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}


WIDGET_FLOOR_NOTEBOOK = {
    **FLOOR_NOTEBOOK,
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "floor",
            "metadata": {},
            "outputs": [],
            "source": "import ipywidgets\nipywidgets.HTML(\"<p class='verloop-floor'>floor</p>\")",
        }
    ],
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def served_pools() -> dict[str, int]:
    """The survey side's preheated kernels as ``verloop serve`` sizes them on this machine, plus
    one for the floor notebook."""
    _hr, survey = kernel_pools([], list(survey_notebooks(ROOT / "apps")))
    return {**survey, FLOOR: 1, WIDGET_FLOOR: 1} if survey else {}


class Server:
    """One Voilà process serving the survey side of apps/ plus the floor notebook, as
    ``verloop serve`` does (own process group: its kernels stop with it). ``pools`` are the
    preheated kernels per notebook (none: every kernel is started for its request)."""

    def __init__(self, db_url: str, workdir: Path, pools: dict[str, int] | None = None):
        self.port = free_port()
        self.pools = dict(pools or {})
        env = app_environment(db_url)
        env["JUPYTER_RUNTIME_DIR"] = str(workdir / "runtime")
        env["JUPYTER_CONFIG_DIR"] = str(workdir / "config")
        self.log = open(workdir / f"voila-{self.port}.log", "ab")
        apps = workdir / "apps"
        if not apps.exists():  # the survey apps plus an empty notebook: the floor
            import shutil

            shutil.copytree(ROOT / "apps", apps)
            (apps / FLOOR).write_text(json.dumps(FLOOR_NOTEBOOK))
            (apps / WIDGET_FLOOR).write_text(json.dumps(WIDGET_FLOOR_NOTEBOOK))
        pages = [*survey_notebooks(apps), FLOOR, WIDGET_FLOOR]
        self.process = subprocess.Popen(
            voila_command(apps, self.port, pages=pages, home=SURVEY_HOME, pools=self.pools),
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"voila exited; see {self.log.name}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("voila did not open its port within 180 s")

    @property
    def pool_size(self) -> int:
        return sum(self.pools.values())

    def link(self, code: str) -> str:
        return f"http://127.0.0.1:{self.port}/voila/render/pulse.ipynb?token={code}"

    def floor_link(self) -> str:
        return f"http://127.0.0.1:{self.port}/voila/render/{FLOOR}"

    def kernels(self):
        import psutil

        try:
            children = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.Error:
            return []
        found = []
        for child in children:
            try:
                if "ipykernel" in " ".join(child.cmdline()):
                    found.append(child)
            except psutil.Error:
                pass
        return found

    def kernel_ids(self) -> dict[str, object]:
        """Kernel id (from its connection file ``kernel-<id>.json``) → process."""
        found = {}
        for kernel in self.kernels():
            try:
                line = " ".join(kernel.cmdline())
            except Exception:
                continue
            start = line.rfind("kernel-")
            if start >= 0:
                found[line[start + len("kernel-") :].split(".json")[0]] = kernel
        return found

    def wait_for_kernels(self, count: int, limit_s: float = 300) -> None:
        deadline = time.monotonic() + limit_s
        while len(self.kernels()) < count and time.monotonic() < deadline:
            time.sleep(0.2)

    def wait_idle(self, quiet_s: float = 2.0, limit_s: float = 300.0) -> None:
        """Until server and kernels are (almost) idle: a refilled pool kernel has run the
        notebook up to ``wait_for_request`` and is waiting for its respondent."""
        import psutil

        deadline = time.monotonic() + limit_s
        quiet_since = None
        while time.monotonic() < deadline:
            procs = [psutil.Process(self.process.pid), *self.kernels()]
            for p in procs:
                try:
                    p.cpu_percent(interval=None)
                except psutil.Error:
                    pass
            time.sleep(0.5)
            busy = 0.0
            for p in procs:
                try:
                    busy += p.cpu_percent(interval=None)
                except psutil.Error:
                    pass
            if busy < 5.0:
                quiet_since = quiet_since or time.monotonic()
                if time.monotonic() - quiet_since >= quiet_s:
                    return
            else:
                quiet_since = None

    def memory_mb(self, ids: list[str] | None = None) -> dict:
        """RSS / USS of the kernels with these ids (all kernels when None)."""
        import psutil

        by_id = self.kernel_ids()
        chosen = list(by_id.values()) if ids is None else [by_id[i] for i in ids if i in by_id]
        rss, uss = [], []
        for kernel in chosen:
            try:
                info = kernel.memory_full_info()
            except psutil.Error:
                continue
            rss.append(info.rss / 2**20)
            uss.append(info.uss / 2**20)
        return summarise_memory(rss, uss)

    def pool_memory_mb(self, exclude: list[str]) -> dict:
        """The kernels waiting in the pool: every kernel but the respondents' ``exclude``."""
        waiting = [i for i in self.kernel_ids() if i not in set(exclude)]
        return self.memory_mb(waiting)

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


def cpu_seconds(server: Server) -> dict:
    """CPU-seconds used so far by the Voilà server with its kernels (ended kernels included:
    the server reaps them) and by the browser (every other process under this one)."""
    import psutil

    def used(process) -> float:
        try:
            times = process.cpu_times()
        except psutil.Error:
            return 0.0
        return times.user + times.system + times.children_user + times.children_system

    try:
        voila = psutil.Process(server.process.pid)
        served = [voila, *voila.children(recursive=True)]
    except psutil.Error:
        served = []
    served_pids = {p.pid for p in served}
    browser = [p for p in psutil.Process().children(recursive=True) if p.pid not in served_pids]
    return {"server_and_kernels": sum(map(used, served)), "browser": sum(map(used, browser))}


def summarise_memory(rss: list[float], uss: list[float]) -> dict:
    if not rss:
        return {"kernels": 0}
    return {
        "kernels": len(rss),
        "rss_median_mb": round(statistics.median(rss), 1),
        "rss_max_mb": round(max(rss), 1),
        "uss_median_mb": round(statistics.median(uss), 1),
        "uss_max_mb": round(max(uss), 1),
        "rss_total_mb": round(sum(rss), 1),
    }


async def kernel_id_of(page) -> str | None:
    """The id of the kernel serving ``page`` (Voilà's page configuration)."""
    try:
        return await page.evaluate(
            "() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"
        )
    except Exception:
        return None


def prepare(url: str, tokens: int) -> list[str]:
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
    open_wave(store, "pulse", "bench")
    codes = [t.code for t in issue_tokens(store, "bench", "Bench team", tokens)]
    store.dispose()
    return codes


def stored(url: str) -> dict:
    """Accepted submissions (codes used) and what holds them (sealed ballots + opened responses:
    each submission is exactly one of the two, docs/anonymity.md)."""
    from sqlalchemy import func, select

    from verloop.store import Store
    from verloop.store.schema import Ballot, Response, Token

    store = Store.open(url, migrate=False)
    with store.session() as s:
        used = s.scalar(select(func.count()).select_from(Token).where(Token.used.is_(True)))
        held = s.scalar(select(func.count()).select_from(Ballot)) + s.scalar(select(func.count()).select_from(Response))
    store.dispose()
    return {"codes_used": int(used), "submissions_stored": int(held)}


async def time_to_interactive(browser, link: str) -> dict:
    """Seconds to the Start button (and Start → first question); a failure is a result."""
    context = await browser.new_context(viewport={"width": 390, "height": 844})
    page = await context.new_page()
    try:
        start = time.perf_counter()
        await page.goto(link, timeout=TIMEOUT_MS, wait_until="commit")
        await page.wait_for_selector(".verloop-start", state="visible", timeout=TIMEOUT_MS)
        interactive = time.perf_counter() - start
        click = time.perf_counter()
        await page.click(".verloop-start")
        await page.wait_for_selector(".verloop-item-engagement_1", state="visible", timeout=TIMEOUT_MS)
        return {
            "tti_s": interactive,
            "start_click_s": time.perf_counter() - click,
            "kernel_id": await kernel_id_of(page),
        }
    except Exception as exc:
        return {"tti_s": None, "failure": f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"}
    finally:
        await context.close()


async def floor_load(browser, link: str, selector: str | None = None) -> dict:
    """An empty notebook: Voilà's own floor (until #loading is gone); with ``selector``, the
    widget floor (until that widget is visible)."""
    context = await browser.new_context(viewport={"width": 390, "height": 844})
    page = await context.new_page()
    try:
        start = time.perf_counter()
        await page.goto(link, timeout=TIMEOUT_MS, wait_until="commit")
        await page.wait_for_selector("#loading", state="detached", timeout=TIMEOUT_MS)
        if selector:
            await page.wait_for_selector(selector, state="visible", timeout=TIMEOUT_MS)
        return {"tti_s": time.perf_counter() - start, "kernel_id": await kernel_id_of(page)}
    except Exception as exc:
        return {"tti_s": None, "failure": f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"}
    finally:
        await context.close()


def summarise(samples: list[dict], floor: list[dict] | None = None) -> dict:
    tti = [s["tti_s"] for s in samples if s.get("tti_s") is not None]
    clicks = [s["start_click_s"] for s in samples if s.get("start_click_s") is not None]
    out = {
        "runs": len(samples),
        "tti_median_s": round(statistics.median(tti), 2) if tti else None,
        "tti_runs_s": [round(v, 2) for v in tti],
        "first_tti_s": round(samples[0]["tti_s"], 2) if samples and samples[0].get("tti_s") else None,
        "start_click_median_ms": round(1000 * statistics.median(clicks), 1) if clicks else None,
        "failures": [s["failure"] for s in samples if s.get("failure")],
    }
    if floor is not None:
        floors = [s["tti_s"] for s in floor if s.get("tti_s") is not None]
        out["floor_median_s"] = round(statistics.median(floors), 2) if floors else None
        out["floor_runs_s"] = [round(v, 2) for v in floors]
        out["ratio_to_floor"] = (
            round(out["tti_median_s"] / out["floor_median_s"], 2)
            if out["tti_median_s"] and out["floor_median_s"]
            else None
        )
        out["failures"] += [s["failure"] for s in floor if s.get("failure")]
    return out


def p95(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


class Gate:
    """Holds every session after its first page until all have arrived, then lets them all
    click through and send at the same moment: that many sessions open *simultaneously*."""

    def __init__(self, size: int):
        self.size, self.arrived, self.open = size, 0, asyncio.Event()
        self.kernel_ids: list[str] = []

    def arrive(self, kernel_id: str | None = None) -> None:
        if kernel_id:
            self.kernel_ids.append(kernel_id)
        self.arrived += 1
        if self.arrived >= self.size:
            self.open.set()


async def one_session(browser, link: str, pages: int, delay_s: float, gate: Gate) -> dict:
    """A respondent: arrive, load, Start, answer page 1, wait for the others, click through,
    Send, see the thank-you page."""
    await asyncio.sleep(delay_s)
    context = await browser.new_context(viewport={"width": 390, "height": 844})
    page = await context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)[:200]))
    start = time.perf_counter()
    arrived = False
    try:
        await page.goto(link, timeout=TIMEOUT_MS, wait_until="commit")
        await page.wait_for_selector(".verloop-start:visible, .voila-error:visible", timeout=TIMEOUT_MS)
        tti = time.perf_counter() - start
        if await page.locator(".voila-error").count():
            raise RuntimeError("voila-error")
        await page.click(".verloop-start", timeout=TIMEOUT_MS)
        for n, item in enumerate(("engagement_1", "engagement_2", "engagement_3")):
            await page.locator(f".verloop-item-{item} label.vq-option").nth(n + 1).click(timeout=TIMEOUT_MS)
        await page.locator(".verloop-progress-label").filter(has_text="· 3 ").wait_for(timeout=TIMEOUT_MS)
        gate.arrive(await kernel_id_of(page))
        arrived = True
        await gate.open.wait()
        send = time.perf_counter()
        for _ in range(pages - 1):
            await page.click(".verloop-next", timeout=TIMEOUT_MS)
        submit = time.perf_counter()
        await page.click(".verloop-submit", timeout=TIMEOUT_MS)
        await page.wait_for_selector(".verloop-thanks:visible, .verloop-message:visible", timeout=TIMEOUT_MS)
        thanked = time.perf_counter()
        submitted = thanked - submit
        if not await page.locator(".verloop-thanks").is_visible():
            raise RuntimeError("message: " + (await page.inner_text(".verloop-message"))[:200])
        # the thank-you page stays as it is after the kernel has ended itself
        await asyncio.sleep(LEAVE_AFTER_S + 5)
        thanks_kept = (
            await page.locator(".verloop-thanks").is_visible() and not await page.locator(".voila-error").count()
        )
        return {
            "ok": not problems and thanks_kept,
            "tti_s": tti,
            "finish_s": thanked - send,
            "submit_s": submitted,
            "error": "; ".join(problems) or (None if thanks_kept else "thank-you page gone"),
        }
    except Exception as exc:  # a failed session is a result, not a crash of the benchmark
        return {
            "ok": False,
            "tti_s": None,
            "finish_s": None,
            "submit_s": None,
            "error": f"{type(exc).__name__}: {str(exc)[:200]}",
        }
    finally:
        if not arrived:
            gate.arrive()
        await context.close()


async def load_phase(browser, server: Server, codes: list[str], runs: int) -> dict:
    """``runs`` floor loads and survey loads, each after the pool (if any) is full and idle."""
    samples, floor, widget_floor, sessions = [], [], [], []
    for _ in range(runs):
        if server.pool_size:
            server.wait_for_kernels(server.pool_size + len(sessions))
            server.wait_idle()
        link = server.floor_link().replace(FLOOR, WIDGET_FLOOR)
        widget_floor.append(await floor_load(browser, link, ".verloop-floor"))
        if widget_floor[-1].get("kernel_id"):
            sessions.append(widget_floor[-1]["kernel_id"])
        if server.pool_size:
            server.wait_for_kernels(server.pool_size + len(sessions))
            server.wait_idle()  # pool kernels have run their notebook up to the request
        floor.append(await floor_load(browser, server.floor_link()))
        if floor[-1].get("kernel_id"):
            sessions.append(floor[-1]["kernel_id"])
        if server.pool_size:
            server.wait_for_kernels(server.pool_size + len(sessions))
            server.wait_idle()
        samples.append(await time_to_interactive(browser, server.link(codes.pop())))
        if samples[-1].get("kernel_id"):
            sessions.append(samples[-1]["kernel_id"])
    out = summarise(samples, floor)
    widget = summarise(widget_floor)
    out["widget_floor_median_s"] = widget["tti_median_s"]
    out["widget_floor_runs_s"] = widget["tti_runs_s"]
    out["ratio_to_widget_floor"] = (
        round(out["tti_median_s"] / widget["tti_median_s"], 2)
        if out["tti_median_s"] and widget["tti_median_s"]
        else None
    )
    out["failures"] += widget["failures"]
    respondents = [s["kernel_id"] for s in samples if s.get("kernel_id")]
    out["memory"] = {"respondent_kernels": server.memory_mb(respondents)}
    if server.pool_size:
        out["memory"]["waiting_pool_kernels"] = server.pool_memory_mb(sessions)
    return out


async def simultaneous_run(
    browser, url: str, work: Path, pools: dict, codes: list[str], level: int, args, pages
) -> dict:
    entry: dict = {"load_average_start": load_average()}
    try:
        before = stored(url)
        server = Server(url, work, pools)
        try:
            if server.pool_size:
                server.wait_for_kernels(server.pool_size)
                server.wait_idle()
            gate = Gate(level)
            batch = [codes.pop() for _ in range(level)]
            memory: dict = {}

            async def take_memory():
                await gate.open.wait()
                memory.update(server.memory_mb(list(gate.kernel_ids)))

            cpu_before = cpu_seconds(server)
            started = time.perf_counter()
            results, _ = await asyncio.gather(
                asyncio.gather(
                    *(
                        one_session(browser, server.link(c), pages, i * args.arrival_s, gate)
                        for i, c in enumerate(batch)
                    )
                ),
                take_memory(),
            )
            wall = time.perf_counter() - started
            await asyncio.sleep(10)  # every thank-you page is LEAVE_AFTER_S + 15 s old by now
            left = len([i for i in gate.kernel_ids if i in server.kernel_ids()])
            cpu_after = cpu_seconds(server)
        finally:
            server.stop()
    except Exception as exc:
        entry.update(
            {"completed": 0, "errors": level, "failure": f"{type(exc).__name__}: {str(exc)[:300]}", "stored": None}
        )
        return entry
    after = stored(url)
    ok = [r for r in results if r["ok"]]
    errors = [r["error"] for r in results if not r["ok"]]
    ttis = sorted(r["tti_s"] for r in ok)
    finishes = sorted(r["finish_s"] for r in ok)
    submits = [r["submit_s"] for r in results if r.get("submit_s") is not None]
    entry.update(
        {
            "completed": len(ok),
            "errors": len(errors),
            "first_errors": errors[:3],
            "codes_used": after["codes_used"] - before["codes_used"],
            "submissions_stored": after["submissions_stored"] - before["submissions_stored"],
            "wall_s": round(wall, 1),
            "tti_median_s": round(statistics.median(ttis), 1) if ttis else None,
            "tti_max_s": round(ttis[-1], 1) if ttis else None,
            "submit_p95_s": round(p95(submits), 3) if submits else None,
            "submit_median_s": round(statistics.median(submits), 3) if submits else None,
            "all_at_once_to_thanks_max_s": round(finishes[-1], 1) if finishes else None,
            "kernels_open_at_once": memory,
            "respondent_kernels_alive_after_thanks": left,
            "cpu_seconds": {key: round(cpu_after[key] - cpu_before[key], 1) for key in cpu_before},
            "load_average_end": load_average(),
        }
    )
    return entry


def median_of(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 3) if values else None


async def run(args, report: dict) -> dict:
    """Fills ``report`` phase by phase (what was measured survives a later failure)."""
    from playwright.async_api import async_playwright

    from verloop.apps.survey import survey_pages
    from verloop.surveys.instruments import load_instrument

    pages = len(survey_pages(load_instrument("pulse")))
    levels = [int(x) for x in args.levels.split(",") if x.strip()]
    pools = served_pools()
    report["pools"] = pools
    with tempfile.TemporaryDirectory(prefix="verloop-bench-app-") as folder:
        work = Path(folder)
        url = f"sqlite:///{work / 'survey.db'}"
        codes = prepare(url, 2 * args.runs + 2 + args.level_runs * sum(levels))
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                for phase, phase_pools in (("cold", {}), ("preheated", pools)):
                    log(f"{phase} loads…")
                    report["load_average"][phase] = load_average()
                    try:
                        server = Server(url, work, phase_pools)
                        try:
                            report[phase] = await load_phase(browser, server, codes, args.runs)
                        finally:
                            server.stop()
                    except Exception as exc:
                        report[phase] = {"failure": f"{type(exc).__name__}: {str(exc)[:300]}"}
                    report["load_average"][phase + "_end"] = load_average()

                report["simultaneous"] = []
                report["arrival_interval_s"] = args.arrival_s
                report["simultaneous_pools"] = pools if args.preheat else {}
                for level in levels:
                    level_runs = []
                    for n in range(args.level_runs):
                        log(f"{level} simultaneous sessions, run {n + 1}…")
                        level_runs.append(
                            await simultaneous_run(
                                browser, url, work, pools if args.preheat else {}, codes, level, args, pages
                            )
                        )
                    report["simultaneous"].append(
                        {
                            "sessions": level,
                            "runs": level_runs,
                            "errors_max": max(r.get("errors", level) for r in level_runs),
                            "all_stored": all(
                                r.get("submissions_stored") == r.get("completed") == level
                                and r.get("codes_used") == level
                                for r in level_runs
                            ),
                            "submit_p95_median_s": median_of([r.get("submit_p95_s") for r in level_runs]),
                            "tti_median_s": median_of([r.get("tti_median_s") for r in level_runs]),
                            "tti_max_median_s": median_of([r.get("tti_max_s") for r in level_runs]),
                            "kernel_uss_median_mb": median_of(
                                [(r.get("kernels_open_at_once") or {}).get("uss_median_mb") for r in level_runs]
                            ),
                            "kernel_rss_median_mb": median_of(
                                [(r.get("kernels_open_at_once") or {}).get("rss_median_mb") for r in level_runs]
                            ),
                            "respondent_kernels_alive_after_thanks": [
                                r.get("respondent_kernels_alive_after_thanks") for r in level_runs
                            ],
                        }
                    )
            finally:
                await browser.close()
    return report


def verdict(report: dict) -> None:
    """Each target with its numbers, "met" or "not met" (a missing figure is "not met")."""
    rows = []

    def row(name: str, value, limit, met: bool, detail: str) -> None:
        rows.append({"target": name, "value": value, "limit": limit, "met": bool(met), "detail": detail})

    simultaneous = report.get("simultaneous", [])
    clean = [x["sessions"] for x in simultaneous if x.get("errors_max") == 0 and x.get("all_stored")]
    report["max_simultaneous_without_error"] = max(clean) if clean else 0
    goal = TARGETS["simultaneous_sessions"]
    row(
        f"{goal} simultaneous respondents, no error, every answer stored once",
        report["max_simultaneous_without_error"],
        goal,
        report["max_simultaneous_without_error"] >= goal,
        "largest level with 0 errors in every run: "
        + ", ".join(f"{x['sessions']}: errors {[r.get('errors') for r in x['runs']]}" for x in simultaneous),
    )
    at_goal = next((x for x in simultaneous if x["sessions"] == goal), {})
    p95_s = at_goal.get("submit_p95_median_s")
    row(
        f"p95 Send → thank-you at {goal} simultaneous ≤ {TARGETS['submit_p95_s']} s",
        p95_s,
        TARGETS["submit_p95_s"],
        p95_s is not None and p95_s <= TARGETS["submit_p95_s"],
        f"median of runs {[r.get('submit_p95_s') for r in at_goal.get('runs', [])]}",
    )
    for phase in ("preheated", "cold"):
        data = report.get(phase) or {}
        ratio = data.get("ratio_to_floor")
        row(
            f"{phase} time to interactive ≤ {TARGETS['tti_ratio_to_floor']} × {phase} floor",
            ratio,
            TARGETS["tti_ratio_to_floor"],
            ratio is not None and ratio <= TARGETS["tti_ratio_to_floor"],
            f"survey {data.get('tti_median_s')} s / floor {data.get('floor_median_s')} s"
            + (" (as `verloop serve` runs)" if phase == "preheated" else " (no pool, or a burst that emptied it)"),
        )
    memory = ((report.get("preheated") or {}).get("memory") or {}).get("respondent_kernels") or {}
    at_once = at_goal.get("kernel_uss_median_mb")
    uss = [v for v in (memory.get("uss_max_mb"), at_once) if v is not None]
    row(
        f"memory per survey kernel ≤ {TARGETS['kernel_memory_mb']} MB (USS)",
        max(uss) if uss else None,
        TARGETS["kernel_memory_mb"],
        bool(uss) and max(uss) <= TARGETS["kernel_memory_mb"],
        f"respondent kernel USS max {memory.get('uss_max_mb')} MB, RSS max {memory.get('rss_max_mb')} MB; "
        f"{goal} open at once: USS median {at_once} MB, RSS median {at_goal.get('kernel_rss_median_mb')} MB",
    )
    report["verdict"] = rows
    report["unmet"] = [f"{r['target']}: {r['value']} ({r['detail']})" for r in rows if not r["met"]]
    report["meets_targets"] = not report["unmet"]
    log(f"load average: {report.get('load_average')}")
    for phase in ("cold", "preheated"):
        data = report.get(phase) or {}
        log(
            f"{phase}: survey {data.get('tti_median_s')} s, floor {data.get('floor_median_s')} s, "
            f"ratio {data.get('ratio_to_floor')}; one-widget floor {data.get('widget_floor_median_s')} s, "
            f"ratio {data.get('ratio_to_widget_floor')}"
        )
    for r in rows:
        log(f"{'met    ' if r['met'] else 'NOT MET'}  {r['target']}: {r['value']} — {r['detail']}")


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _stop(signum, frame):
    raise KeyboardInterrupt(f"stopped by signal {signum}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs", type=int, default=3, help="page loads for the cold and preheated timings (at least 2)"
    )
    parser.add_argument("--levels", default="10,20,30,40", help="simultaneous sessions to try, comma-separated")
    parser.add_argument("--level-runs", type=int, default=2, help="runs per simultaneous level (at least 2)")
    parser.add_argument(
        "--arrival-s",
        type=float,
        default=2.0,
        help="seconds between respondents opening their link (0 = all in the same instant)",
    )
    parser.add_argument(
        "--no-preheat",
        dest="preheat",
        action="store_false",
        help="serve the simultaneous sessions without a pool (default: the pools `verloop serve` keeps)",
    )
    args = parser.parse_args(argv)
    if args.runs < 2 or args.level_runs < 2:
        parser.error("--runs and --level-runs must be at least 2 (every figure is a median of at least two)")
    signal.signal(signal.SIGTERM, _stop)  # a timeout or kill still prints what was measured
    report: dict = {
        "benchmark": "survey_app",
        "cpus": os.cpu_count(),
        "nice": os.nice(0),
        "targets": TARGETS,
        "viewport": "390x844",
        "runs": args.runs,
        "level_runs": args.level_runs,
        "leave_after_thanks_s": LEAVE_AFTER_S,
        "load_average": {"start": load_average()},
    }
    try:
        asyncio.run(run(args, report))
    except BaseException as exc:  # whatever happens, what was measured is printed
        report["failure"] = f"{type(exc).__name__}: {str(exc)[:300]}"
        if not isinstance(exc, (Exception, KeyboardInterrupt)):
            raise
    finally:
        report["load_average"]["end"] = load_average()
        verdict(report)
        print(json.dumps(report, indent=2, default=str))
    return 0 if "failure" not in report else 1


if __name__ == "__main__":
    sys.exit(main())
