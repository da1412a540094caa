"""Benchmark: the pulse survey app in Chromium against a real Voilà on this machine.

Prints one JSON object:

* ``cold`` — time to interactive (page requested → the Start button of the rendered app is
  visible) when Voilà starts a kernel for the request, as ``verloop serve`` does today;
* ``preheated`` — the same from Voilà's preheated pool (``--preheat_kernel=True --pool_size=1``,
  pulse only; the notebook waits for the request's token with ``voila.utils.wait_for_request``),
  each load after the pool has refilled;
* ``memory`` — resident (RSS) and unique (USS) memory per session kernel;
* ``simultaneous`` — for each level, that many respondents on a fresh server, opening their
  links ``--arrival-s`` apart (0: all in the same instant), answering the first page and then
  waiting until *all* are open, so that that many sessions are open at once; then all click
  through and send at the same moment. Completed, errors, time to interactive, slowest
  "all at once" finish, responses found in the database; and the largest level served
  without any error (target 30). A session that takes more than 5 minutes is an error;
* ``floor`` — an empty Voilà notebook on the same server, cold and preheated, measured in the
  same run, and each time to interactive as a ratio to it (target ≤ 1.5 ×);
* ``submit`` — per simultaneous level, the p95 of Send → thank-you page (target ≤ 300 ms).

Every timing is the median of ``--runs`` loads (at least 2). A load that fails or times out is
recorded (``failures``), never a crash: the JSON is printed whatever happens, with the load
average at each phase.

    .venv/bin/python bench/survey_app.py
    .venv/bin/python bench/survey_app.py --runs 3 --levels 10,30
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

from verloop.apps.server import app_environment, voila_command  # noqa: E402

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
PREHEAT = [
    "--preheat_kernel=True",
    "--pool_size=1",
    r"--VoilaKernelManager.preheat_denylist=['^(?!.*pulse\.ipynb).*$']",
]
TIMEOUT_MS = 300_000
TARGETS = {"simultaneous_sessions": 30, "tti_ratio_to_floor": 1.5, "submit_p95_s": 0.3}
FLOOR_NOTEBOOK = {
    "cells": [],
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One Voilà process serving apps/ (own process group: its kernels stop with it)."""

    def __init__(self, db_url: str, workdir: Path, extra: list[str] | None = None):
        self.port = free_port()
        env = app_environment(db_url)
        env["JUPYTER_RUNTIME_DIR"] = str(workdir / "runtime")
        env["JUPYTER_CONFIG_DIR"] = str(workdir / "config")
        self.log = open(workdir / f"voila-{self.port}.log", "ab")
        apps = workdir / "apps"
        if not apps.exists():  # the survey apps plus an empty notebook: the floor
            import shutil

            shutil.copytree(ROOT / "apps", apps)
            (apps / "floor.ipynb").write_text(json.dumps(FLOOR_NOTEBOOK))
        self.process = subprocess.Popen(
            voila_command(apps, self.port, extra=extra),
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

    def link(self, code: str) -> str:
        return f"http://127.0.0.1:{self.port}/voila/render/pulse.ipynb?token={code}"

    def floor_link(self) -> str:
        return f"http://127.0.0.1:{self.port}/voila/render/floor.ipynb"

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

    def memory_mb(self) -> dict:
        import psutil

        rss, uss = [], []
        for kernel in self.kernels():
            try:
                info = kernel.memory_full_info()
            except psutil.Error:
                continue
            rss.append(info.rss / 2**20)
            uss.append(info.uss / 2**20)
        if not rss:
            return {"kernels": 0}
        return {
            "kernels": len(rss),
            "rss_median_mb": round(statistics.median(rss), 1),
            "rss_max_mb": round(max(rss), 1),
            "uss_median_mb": round(statistics.median(uss), 1),
            "rss_total_mb": round(sum(rss), 1),
        }

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


def responses(url: str) -> int:
    from sqlalchemy import func, select

    from verloop.store import Store
    from verloop.store.schema import Response

    store = Store.open(url, migrate=False)
    with store.session() as s:
        n = s.scalar(select(func.count()).select_from(Response))
    store.dispose()
    return int(n)


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
        return {"tti_s": interactive, "start_click_s": time.perf_counter() - click}
    except Exception as exc:
        return {"tti_s": None, "failure": f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"}
    finally:
        await context.close()


async def floor_load(browser, link: str) -> dict:
    """An empty notebook: Voilà's own floor (until #loading is gone)."""
    context = await browser.new_context(viewport={"width": 390, "height": 844})
    page = await context.new_page()
    try:
        start = time.perf_counter()
        await page.goto(link, timeout=TIMEOUT_MS, wait_until="commit")
        await page.wait_for_selector("#loading", state="detached", timeout=TIMEOUT_MS)
        return {"tti_s": time.perf_counter() - start}
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

    def arrive(self) -> None:
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
            await page.locator(f".verloop-item-{item} button").nth(n + 1).click(timeout=TIMEOUT_MS)
        await page.locator(".verloop-progress-label").filter(has_text="· 3 ").wait_for(timeout=TIMEOUT_MS)
        gate.arrive()
        arrived = True
        await gate.open.wait()
        send = time.perf_counter()
        for _ in range(pages - 1):
            await page.click(".verloop-next", timeout=TIMEOUT_MS)
        submit = time.perf_counter()
        await page.click(".verloop-submit", timeout=TIMEOUT_MS)
        await page.wait_for_selector(".verloop-thanks:visible, .verloop-message:visible", timeout=TIMEOUT_MS)
        submitted = time.perf_counter() - submit
        if not await page.locator(".verloop-thanks").is_visible():
            raise RuntimeError("message: " + (await page.inner_text(".verloop-message"))[:200])
        return {
            "ok": not problems,
            "tti_s": tti,
            "finish_s": time.perf_counter() - send,
            "submit_s": submitted,
            "error": "; ".join(problems) or None,
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


async def run(args, report: dict) -> dict:
    """Fills ``report`` phase by phase (what was measured survives a later failure)."""
    from playwright.async_api import async_playwright

    from verloop.apps.survey import survey_pages
    from verloop.surveys.instruments import load_instrument

    pages = len(survey_pages(load_instrument("pulse")))
    levels = [int(x) for x in args.levels.split(",") if x.strip()]
    with tempfile.TemporaryDirectory(prefix="verloop-bench-app-") as folder:
        work = Path(folder)
        url = f"sqlite:///{work / 'survey.db'}"
        codes = prepare(url, 2 * args.runs + 2 + sum(levels))
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                log("cold loads…")
                report["load_average"]["cold"] = load_average()
                try:
                    server = Server(url, work)
                    try:
                        samples, floor = [], []
                        for _ in range(args.runs):
                            floor.append(await floor_load(browser, server.floor_link()))
                            samples.append(await time_to_interactive(browser, server.link(codes.pop())))
                        report["cold"] = summarise(samples, floor)
                        report["memory"] = server.memory_mb()
                    finally:
                        server.stop()
                except Exception as exc:
                    report["cold"] = {"failure": f"{type(exc).__name__}: {str(exc)[:300]}"}

                log("preheated loads…")
                report["load_average"]["preheated"] = load_average()
                try:
                    server = Server(url, work, extra=PREHEAT)
                    try:
                        samples, floor = [], []
                        for _ in range(args.runs):
                            floor.append(await floor_load(browser, server.floor_link()))  # not preheated: denylisted
                            server.wait_for_kernels(1)  # the pool holds a fresh kernel again…
                            server.wait_idle()  # …that has run the notebook up to the request
                            samples.append(await time_to_interactive(browser, server.link(codes.pop())))
                        report["preheated"] = summarise(samples, floor)
                        report["preheated"]["memory"] = server.memory_mb()
                    finally:
                        server.stop()
                except Exception as exc:
                    report["preheated"] = {"failure": f"{type(exc).__name__}: {str(exc)[:300]}"}

                report["simultaneous"] = []
                report["arrival_interval_s"] = args.arrival_s
                for level in levels:
                    log(f"{level} simultaneous sessions…")
                    entry: dict = {"sessions": level, "load_average": load_average()}
                    report["simultaneous"].append(entry)
                    try:
                        before = responses(url)
                        server = Server(url, work, extra=PREHEAT if args.preheat else None)
                        try:
                            if args.preheat:
                                server.wait_for_kernels(1)
                                server.wait_idle()
                            gate = Gate(level)
                            batch = [codes.pop() for _ in range(level)]
                            started = time.perf_counter()
                            results = await asyncio.gather(
                                *(
                                    one_session(browser, server.link(c), pages, i * args.arrival_s, gate)
                                    for i, c in enumerate(batch)
                                )
                            )
                            wall = time.perf_counter() - started
                            memory = server.memory_mb()
                        finally:
                            server.stop()
                    except Exception as exc:
                        entry.update(
                            {
                                "completed": 0,
                                "errors": level,
                                "failure": f"{type(exc).__name__}: {str(exc)[:300]}",
                                "responses_stored": 0,
                            }
                        )
                        continue
                    ok = [r for r in results if r["ok"]]
                    errors = [r["error"] for r in results if not r["ok"]]
                    ttis = sorted(r["tti_s"] for r in ok)
                    finishes = sorted(r["finish_s"] for r in ok)
                    submits = [r["submit_s"] for r in ok if r.get("submit_s") is not None]
                    entry.update(
                        {
                            "completed": len(ok),
                            "errors": len(errors),
                            "first_errors": errors[:3],
                            "responses_stored": responses(url) - before,
                            "wall_s": round(wall, 1),
                            "tti_median_s": round(statistics.median(ttis), 1) if ttis else None,
                            "tti_max_s": round(ttis[-1], 1) if ttis else None,
                            "submit_p95_s": round(p95(submits), 3) if submits else None,
                            "submit_median_s": round(statistics.median(submits), 3) if submits else None,
                            "all_at_once_to_thanks_max_s": round(finishes[-1], 1) if finishes else None,
                            "kernels_rss_total_mb": memory.get("rss_total_mb"),
                        }
                    )
            finally:
                await browser.close()
    return report


def verdict(report: dict) -> None:
    simultaneous = report.get("simultaneous", [])
    clean = [x["sessions"] for x in simultaneous if x.get("errors") == 0 and x.get("responses_stored") == x["sessions"]]
    report["max_simultaneous_without_error"] = max(clean) if clean else 0
    unmet = []
    if report["max_simultaneous_without_error"] < TARGETS["simultaneous_sessions"]:
        unmet.append(
            f"{report['max_simultaneous_without_error']} simultaneous sessions without error "
            f"< {TARGETS['simultaneous_sessions']}"
        )
    for phase in ("cold", "preheated"):
        ratio = (report.get(phase) or {}).get("ratio_to_floor")
        if ratio is None or ratio > TARGETS["tti_ratio_to_floor"]:
            unmet.append(f"{phase} time to interactive {ratio} x floor > {TARGETS['tti_ratio_to_floor']}")
    at_target = [x for x in simultaneous if x["sessions"] == TARGETS["simultaneous_sessions"]]
    if at_target and (
        at_target[0].get("submit_p95_s") is None or at_target[0]["submit_p95_s"] > TARGETS["submit_p95_s"]
    ):
        unmet.append(
            f"p95 submit at {TARGETS['simultaneous_sessions']} sessions {at_target[0].get('submit_p95_s')} s "
            f"> {TARGETS['submit_p95_s']}"
        )
    report["unmet"] = unmet
    report["meets_targets"] = not unmet


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


def _stop(signum, frame):
    raise KeyboardInterrupt(f"stopped by signal {signum}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs", type=int, default=3, help="page loads for the cold and preheated timings (at least 2)"
    )
    parser.add_argument("--levels", default="10,20,30,40", help="simultaneous sessions to try, comma-separated")
    parser.add_argument(
        "--arrival-s",
        type=float,
        default=2.0,
        help="seconds between respondents opening their link (0 = all in the same instant)",
    )
    parser.add_argument("--preheat", action="store_true", help="serve the simultaneous sessions from a preheated pool")
    args = parser.parse_args(argv)
    if args.runs < 2:
        parser.error("--runs must be at least 2 (every timing is a median of at least two loads)")
    signal.signal(signal.SIGTERM, _stop)  # a timeout or kill still prints what was measured
    report: dict = {
        "benchmark": "survey_app",
        "cpus": os.cpu_count(),
        "nice": os.nice(0),
        "targets": TARGETS,
        "viewport": "390x844",
        "runs": args.runs,
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
