"""The README's own path, as a newcomer walks it: `make demo`, the printed HR address, a code.

The Makefile's ``demo`` target is read (so this test follows it when it changes) and its commands
run as it runs them — the relative URL ``sqlite:///var/verloop.db``, from a checkout-shaped
working directory (``apps/`` beside ``var/``) — except in a temporary copy, so that the real
``var/`` is never touched. The Voilà kernels run in ``apps/``: before issue 16 they resolved the
relative URL there and silently created an empty ``apps/var/verloop.db``, so every card said "—".

Then, in Debian's Chromium: the printed HR address (with its token) opens Verloop's HR home with
real figures, the turnover page shows real figures, an employee opens the survey address, types
a code printed by `verloop survey tokens`, fills a pulse, and the response is in the database the
HR side reads. Every request each page makes is recorded: none leaves 127.0.0.1. Each page's
time to interactive is written to ``readme-path.json`` in the test's folder (figures, not
assertions), and with ``$VERLOOP_SCREENSHOTS`` set the screenshots go there too (the README's).
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from verloop.apps.server import REPO_ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(1800)]  # a busy 2-core machine

START_TIMEOUT = 300
PAGE_TIMEOUT_MS = 300_000
VERLOOP = [sys.executable, "-c", "import sys; from verloop.cli import main; sys.exit(main())"]
WAVE = "Pulse README"


def makefile_demo() -> tuple[str, list[list[str]]]:
    """The Makefile's DB default and the `verloop …` commands of its ``demo`` target."""
    text = (REPO_ROOT / "Makefile").read_text()
    db = re.search(r"^DB \?= (\S+)$", text, re.M).group(1)
    target = re.search(r"^demo:.*?\n((?:\t.*\n|[ \t]*\\?\n)+)", text, re.M).group(1)
    commands = []
    for line in re.findall(r"\$\(VENV\)/bin/verloop ([^;\n]+)", target):
        words = line.replace("$(DB)", db).replace("$(PORT)", "8866").split()
        if words[0] in ("demo", "serve"):
            commands.append(words)
    return db, commands


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(args: list[str], cwd: Path, env: dict) -> str:
    done = subprocess.run([*VERLOOP, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"verloop {' '.join(args)} failed: {done.stderr[-2000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def readme(tmp_path_factory):
    db, commands = makefile_demo()
    assert db == "sqlite:///var/verloop.db", "the README's demo uses the relative SQLite URL"
    assert [c[0] for c in commands] == ["demo", "serve"], commands
    root = tmp_path_factory.mktemp("checkout")
    shutil.copytree(REPO_ROOT / "apps", root / "apps", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    env = {k: v for k, v in os.environ.items() if k not in ("VERLOOP_DB", "VERLOOP_HR_TOKEN")}
    env["VERLOOP_MODELS"] = str(root / "models")  # no stray trained model from the real checkout
    env["JUPYTER_RUNTIME_DIR"] = str(root / "runtime")
    env["JUPYTER_CONFIG_DIR"] = str(root / "config")

    started = time.monotonic()
    run(commands[0], root, env)  # verloop demo --db sqlite:///var/verloop.db --seed 1
    demo_seconds = time.monotonic() - started
    assert (root / "var" / "verloop.db").is_file()

    # HR opens a pulse wave and prints codes for one team, as the README's command list says
    from sqlalchemy import select

    from verloop.store import Store
    from verloop.store.schema import Team

    store = Store.open(f"sqlite:///{root / 'var' / 'verloop.db'}", create=False)
    with store.session() as s:
        team = s.execute(select(Team.name).order_by(Team.id)).scalars().first()
    run(["survey", "open", "pulse", "--wave", WAVE, "--db", db], root, env)
    run(
        ["survey", "tokens", "--wave", WAVE, "--team", team, "--count", "3", "--out", "codes.csv", "--db", db],
        root,
        env,
    )
    with open(root / "codes.csv", newline="", encoding="utf-8") as handle:
        codes = [row["code"] for row in csv.DictReader(handle)]
    assert len(codes) == 3

    hr_port, survey_port = free_port(), free_port()
    serve = commands[1][:]
    serve[serve.index("--port") + 1] = str(hr_port)
    serve += ["--survey-port", str(survey_port)]
    out = open(root / "serve.out", "w")
    err = open(root / "serve.err", "w")
    started = time.monotonic()
    process = subprocess.Popen([*VERLOOP, *serve], cwd=root, env=env, stdout=out, stderr=err, start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        printed = ""
        while time.monotonic() < deadline:
            assert process.poll() is None, (root / "serve.err").read_text()[-3000:]
            printed = (root / "serve.out").read_text()
            if "token=" in printed and all(_port_open(p) for p in (hr_port, survey_port)):
                break
            time.sleep(0.3)
        hr_url = re.search(rf"http://127\.0\.0\.1:{hr_port}/\?token=[\w-]+", printed).group(0)
        survey_url = re.search(rf"http://127\.0\.0\.1:{survey_port}/", printed).group(0)
        yield {
            "root": root,
            "store": store,
            "team": team,
            "codes": codes,
            "hr_url": hr_url,
            "survey_url": survey_url,
            "serve_started": started,
            "demo_seconds": demo_seconds,
            "timings": {"demo_s": round(demo_seconds, 1)},
        }
    finally:
        store.dispose()
        try:
            os.killpg(process.pid, signal.SIGINT)  # Ctrl-C, as a person stops it
            process.wait(60)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        out.close()
        err.close()
        assert not (root / "apps" / "var").exists(), "a kernel created a database beside the notebooks"


def _kernel_ends(kernel_id: str, timeout: float = 30.0) -> bool:
    """Whether the kernel process with ``kernel_id`` (in its connection file's name) is gone
    within ``timeout`` seconds."""
    import psutil

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        running = False
        for process in psutil.process_iter(["cmdline"]):
            if any(kernel_id in part for part in process.info["cmdline"] or ()):
                running = True
                break
        if not running:
            return True
        time.sleep(0.5)
    return False


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def record(readme, key: str, seconds: float) -> None:
    readme["timings"][key] = round(seconds, 1)
    (readme["root"] / "readme-path.json").write_text(json.dumps(readme["timings"], indent=2))
    print(f"readme-path {key}: {seconds:.1f} s")


def screenshot(page, readme, name: str) -> None:
    page.screenshot(path=str(readme["root"] / f"{name}.png"), full_page=False)
    target = os.environ.get("VERLOOP_SCREENSHOTS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(readme["root"] / f"{name}.png", Path(target) / f"{name}.png")


def test_hr_home_and_turnover_show_real_figures_from_the_printed_address(page, page_requests, readme, wait_voila):
    requests = page_requests
    started = time.monotonic()
    wait_voila(
        page, readme["hr_url"], selector=".verloop-home.verloop-ready .verloop-headline", timeout_ms=PAGE_TIMEOUT_MS
    )
    record(readme, "hr_home_first_tti_s", time.monotonic() - started)
    record(readme, "serve_to_hr_home_s", time.monotonic() - readme["serve_started"])
    assert page.url.endswith("/voila/render/index.ipynb"), page.url  # the home, not a file list
    assert "token=" not in page.url
    turnover = page.locator(".verloop-headline-voluntary_turnover, .verloop-headline").first.inner_text()
    assert re.search(r"\d+[,.]\d\s?%", turnover), turnover
    headlines = page.locator(".verloop-headlines").inner_text()
    assert "Geen gegevens" not in headlines and "No data" not in headlines
    assert re.search(r"\d+\s?%", headlines.split("\n", 3)[-1]), headlines  # more than one real figure
    screenshot(page, readme, "hr-home")
    assert not requests.off_host(), requests.off_host()

    # the turnover page from the home's own link
    home_kernel = page.evaluate("() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
    requests.clear()
    started = time.monotonic()
    page.locator(".verloop-home-page-turnover").click()
    wait_voila(page, None, selector=".verloop-page.verloop-ready", timeout_ms=PAGE_TIMEOUT_MS)
    record(readme, "hr_turnover_tti_s", time.monotonic() - started)
    # the home, once left, shut its kernel down (Voilà's beacon with the _xsrf cookie,
    # access.PageHandler): it does not wait minutes for the culler
    assert home_kernel and _kernel_ends(home_kernel), f"the home's kernel {home_kernel} still runs"
    said = (readme["root"] / "serve.err").read_text() + (readme["root"] / "serve.out").read_text()
    assert "403" not in said and "_xsrf" not in said and "websocket_ping" not in said, said[-2000:]
    assert "dashboard_turnover.ipynb" in page.url
    body = page.locator(".verloop-page").first.inner_text()
    assert "Geen gegevens" not in body and "No data for this selection" not in body, body[:1500]
    assert re.search(r"\d+[,.]\d\s?%", body), body[:1500]
    assert page.locator(".verloop-failure").count() == 0
    screenshot(page, readme, "dashboard-turnover")
    assert not requests.off_host(), requests.off_host()

    # a second visit of the home is the steady state (a preheated kernel)
    started = time.monotonic()
    wait_voila(
        page, readme["hr_url"], selector=".verloop-home.verloop-ready .verloop-headline", timeout_ms=PAGE_TIMEOUT_MS
    )
    record(readme, "hr_home_again_tti_s", time.monotonic() - started)


def test_an_employee_fills_a_pulse_through_the_survey_home(page, page_requests, readme, wait_voila):
    from sqlalchemy import func, select

    from verloop.store.schema import Ballot, Response, Wave

    def counts() -> tuple[int, int]:
        """(sealed ballots, responses) of the wave: a submission waits sealed until its group
        reaches k or the wave closes (verloop.surveys.ballots)."""
        with readme["store"].session() as s:
            wave_id = s.execute(select(Wave.id).where(Wave.name == WAVE)).scalar_one()
            return tuple(
                s.execute(select(func.count()).select_from(table).where(table.wave_id == wave_id)).scalar_one()
                for table in (Ballot, Response)
            )

    before = counts()
    requests = page_requests
    started = time.monotonic()
    wait_voila(page, readme["survey_url"], selector=".verloop-token input", timeout_ms=PAGE_TIMEOUT_MS)
    record(readme, "survey_home_tti_s", time.monotonic() - started)
    assert page.url.endswith("/voila/render/survey_home.ipynb"), page.url
    screenshot(page, readme, "survey-home")
    box = page.locator(".verloop-token input")
    box.fill(readme["codes"][0])
    started = time.monotonic()
    box.press("Enter")
    fill_pulse(page)
    record(readme, "survey_code_to_thanks_s", time.monotonic() - started)
    ballots, responses = counts()
    assert ballots + responses == sum(before) + 1  # in the very database the HR side reads
    # HR closes the wave (the README's command): the answer is opened into the responses
    env = {k: v for k, v in os.environ.items() if k not in ("VERLOOP_DB", "VERLOOP_HR_TOKEN")}
    run(["survey", "close", "--wave", WAVE, "--db", "sqlite:///var/verloop.db"], readme["root"], env)
    assert counts() == (0, before[1] + 1)
    assert not requests.off_host(), requests.off_host()


STEP = re.compile(r"(\d+) (?:van|of) (\d+) · (\d+) ")


def fill_pulse(page) -> None:
    """Start the survey the code opened, answer the first option of every question on every
    step (by its label, as a person clicks), then send. Like a person who looks before the next
    click, each step waits for what the page shows back: the answered count after the answers,
    the next step's number after "next"."""
    page.wait_for_selector(".verloop-start, [role=radiogroup]", state="visible", timeout=PAGE_TIMEOUT_MS)
    if page.locator(".verloop-start:visible").count():
        page.locator(".verloop-start:visible").first.click()
    label = page.locator(".verloop-progress-label")
    label.filter(has_text=STEP).wait_for(timeout=PAGE_TIMEOUT_MS)
    for _ in range(40):
        step, steps, answered = (int(g) for g in STEP.search(label.inner_text()).groups())
        items = page.locator(".verloop-item:visible:not(.verloop-reason) [role=radiogroup]")
        groups = page.locator("[role=radiogroup]:visible")
        clicked_items = items.count()
        for index in range(groups.count()):
            options = groups.nth(index).locator("label.vq-option:visible")
            if options.count():  # every question may be skipped: one without a label stays open
                options.first.click()
                groups.nth(index).locator("input:checked").wait_for(state="attached")
        if clicked_items:  # the kernel has counted every answer of this step
            label.filter(has_text=re.compile(rf"· {answered + clicked_items} ")).wait_for(timeout=PAGE_TIMEOUT_MS)
        if step == steps:
            page.locator(".verloop-submit:visible").first.click()
            page.wait_for_selector(".verloop-thanks", state="visible", timeout=PAGE_TIMEOUT_MS)
            return
        page.locator(".verloop-next:visible").first.click()
        label.filter(has_text=re.compile(rf"\b{step + 1} (van|of) {steps}\b")).wait_for(timeout=PAGE_TIMEOUT_MS)
    pytest.fail("the pulse did not end in a thank-you page within 40 steps")


def test_a_missing_database_is_a_clear_page_and_is_never_created(
    voila_server, tmp_path, page, page_requests, wait_voila
):
    missing = tmp_path / "var" / "verloop.db"
    base = voila_server(f"sqlite:///{missing}", pages=["index.ipynb"], home="index.ipynb")
    wait_voila(page, base + "/", selector=".verloop-missing-database", timeout_ms=PAGE_TIMEOUT_MS)
    text = page.inner_text(".verloop-missing-database")
    assert str(missing) in text and "verloop demo --db" in text and "verloop init --db" in text
    assert "Er is nog geen database" in text and "There is no database yet" in text
    assert page.locator(".verloop-cell-error").is_hidden()  # no second, generic sentence
    body = page.inner_text("body").lower()
    assert "voil" not in body and "jupyter" not in body and "traceback" not in body
    assert not missing.exists() and not missing.parent.exists()
    assert not page_requests.off_host(), page_requests.off_host()
