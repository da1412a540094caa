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
  without any error (target 30). A session that takes more than 5 minutes is an error.

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
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-extensions", "--disable-background-networking"]
PREHEAT = ["--preheat_kernel=True", "--pool_size=1", r"--VoilaKernelManager.preheat_denylist=['^(?!.*pulse\.ipynb).*$']"]
TIMEOUT_MS = 300_000
TARGETS = {"simultaneous_sessions": 30}


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
        apps = ROOT / "apps"
        self.process = subprocess.Popen(
            voila_command(apps, self.port, extra=extra), cwd=ROOT, env=env,
            stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
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
    finally:
        await context.close()


def summarise(samples: list[dict]) -> dict:
    tti = [s["tti_s"] for s in samples]
    clicks = [s["start_click_s"] for s in samples]
    return {
        "runs": len(tti),
        "tti_median_s": round(statistics.median(tti), 2),
        "tti_min_s": round(min(tti), 2),
        "tti_max_s": round(max(tti), 2),
        "first_tti_s": round(tti[0], 2),
        "start_click_median_ms": round(1000 * statistics.median(clicks), 1),
    }


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
        await page.click(".verloop-submit", timeout=TIMEOUT_MS)
        await page.wait_for_selector(".verloop-thanks:visible, .verloop-message:visible", timeout=TIMEOUT_MS)
        if not await page.locator(".verloop-thanks").is_visible():
            raise RuntimeError("message: " + (await page.inner_text(".verloop-message"))[:200])
        return {"ok": not problems, "tti_s": tti, "finish_s": time.perf_counter() - send,
                "error": "; ".join(problems) or None}
    except Exception as exc:  # a failed session is a result, not a crash of the benchmark
        return {"ok": False, "tti_s": None, "finish_s": None, "error": f"{type(exc).__name__}: {str(exc)[:200]}"}
    finally:
        if not arrived:
            gate.arrive()
        await context.close()


async def run(args) -> dict:
    from playwright.async_api import async_playwright

    from verloop.apps.survey import survey_pages
    from verloop.surveys.instruments import load_instrument

    pages = len(survey_pages(load_instrument("pulse")))
    levels = [int(x) for x in args.levels.split(",") if x.strip()]
    report: dict = {"benchmark": "survey_app", "cpus": os.cpu_count(), "targets": TARGETS, "viewport": "390x844",
                    "load_average_before": [round(x, 2) for x in os.getloadavg()]}
    with tempfile.TemporaryDirectory(prefix="verloop-bench-app-") as folder:
        work = Path(folder)
        url = f"sqlite:///{work / 'survey.db'}"
        codes = prepare(url, 2 * args.runs + 2 + sum(levels))
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)

            log("cold loads…")
            server = Server(url, work)
            try:
                report["cold"] = summarise([await time_to_interactive(browser, server.link(codes.pop())) for _ in range(args.runs)])
                report["memory"] = server.memory_mb()
            finally:
                server.stop()

            log("preheated loads…")
            server = Server(url, work, extra=PREHEAT)
            try:
                samples = []
                for used in range(args.runs):
                    server.wait_for_kernels(used + 1)  # the pool holds a fresh kernel again…
                    server.wait_idle()  # …that has run the notebook up to the request
                    samples.append(await time_to_interactive(browser, server.link(codes.pop())))
                report["preheated"] = summarise(samples)
            finally:
                server.stop()

            report["simultaneous"] = []
            report["arrival_interval_s"] = args.arrival_s
            for level in levels:
                log(f"{level} simultaneous sessions…")
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
                        *(one_session(browser, server.link(c), pages, i * args.arrival_s, gate) for i, c in enumerate(batch))
                    )
                    wall = time.perf_counter() - started
                    memory = server.memory_mb()
                finally:
                    server.stop()
                ok = [r for r in results if r["ok"]]
                errors = [r["error"] for r in results if not r["ok"]]
                ttis = sorted(r["tti_s"] for r in ok)
                finishes = sorted(r["finish_s"] for r in ok)
                report["simultaneous"].append({
                    "sessions": level,
                    "completed": len(ok),
                    "errors": len(errors),
                    "first_errors": errors[:3],
                    "responses_stored": responses(url) - before,
                    "wall_s": round(wall, 1),
                    "tti_median_s": round(statistics.median(ttis), 1) if ttis else None,
                    "tti_max_s": round(ttis[-1], 1) if ttis else None,
                    "all_at_once_to_thanks_max_s": round(finishes[-1], 1) if finishes else None,
                    "kernels_rss_total_mb": memory.get("rss_total_mb"),
                })
            await browser.close()
    clean = [x["sessions"] for x in report["simultaneous"] if x["errors"] == 0 and x["responses_stored"] == x["sessions"]]
    report["max_simultaneous_without_error"] = max(clean) if clean else 0
    report["meets_targets"] = report["max_simultaneous_without_error"] >= TARGETS["simultaneous_sessions"]
    report["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="page loads for the cold and preheated timings")
    parser.add_argument("--levels", default="10,20,30,40", help="simultaneous sessions to try, comma-separated")
    parser.add_argument("--arrival-s", type=float, default=2.0,
                        help="seconds between respondents opening their link (0 = all in the same instant)")
    parser.add_argument("--preheat", action="store_true", help="serve the simultaneous sessions from a preheated pool")
    args = parser.parse_args(argv)
    print(json.dumps(asyncio.run(run(args)), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
