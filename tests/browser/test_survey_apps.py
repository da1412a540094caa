"""The employees' side in a real browser: Chromium against a real Voilà serving the survey side
(survey home at ``/``, the three surveys, the team results), mostly on a 390 px phone.

One Voilà server serves the survey apps from one SQLite database for the module (the database
logic runs on both backends in tests/surveys); a second one serves a synthetic organisation with
closed waves for the team results. Every test works the page as a respondent would — mouse,
or keyboard only — and then reads the database directly (after opening the sealed ballots, as
closing a wave does).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from verloop.apps.access import SURVEY_HOME, SURVEY_NOTEBOOKS
from verloop.apps.survey import survey_pages
from verloop.store import Store
from verloop.store.schema import Answer, Comment, Response, Site, Team, Wave
from verloop.surveys.ballots import finalise_wave
from verloop.surveys.submit import submit
from verloop.surveys.tokens import issue_tokens
from verloop.surveys.waves import close_wave, open_wave, wave_instrument

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 900}
WAVES = {"pulse": "2026-03", "exit": "exit-2026", "followup": "followup-2026"}
TEAM = "Team Noord"


@pytest.fixture
def viewport():
    return PHONE


@pytest.fixture(scope="module")
def survey_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("survey-db") / "verloop.db"
    store = Store.open(f"sqlite:///{path}")
    with store.session() as s:
        site = Site(name="Utrecht")
        s.add(site)
        s.flush()
        s.add_all([Team(name=TEAM, site_id=site.id), Team(name="Team Zuid", site_id=site.id)])
    for kind, name in WAVES.items():
        open_wave(store, kind, name)
    open_wave(store, "pulse", "closed-wave")
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def base_url(voila_server, survey_store):
    # As ``verloop serve`` runs the survey side: its notebooks only, the home at /, and one
    # preheated pulse kernel (a kernel that waited for its request and reads the code from it);
    # later loads and the other pages get a kernel started for the request. Both paths run here.
    return voila_server(survey_store.url, pages=list(SURVEY_NOTEBOOKS), home=SURVEY_HOME, pools={"pulse.ipynb": 1})


def new_code(store, kind="pulse", wave=None) -> str:
    return issue_tokens(store, wave or WAVES[kind], TEAM, 1)[0].code


def instrument_of(store, kind):
    with store.session() as s:
        wave = s.scalar(select(Wave).where(Wave.name == WAVES[kind]))
        return wave_instrument(s, wave)


def response_ids(store) -> set[str]:
    """The responses stored so far (sealed ballots opened first, as a wave's close does)."""
    with store.session() as s:
        wave_ids = list(s.scalars(select(Wave.id)))
    for wave_id in wave_ids:
        finalise_wave(store, wave_id, tidy=False)
    with store.session() as s:
        return set(s.scalars(select(Response.id)))


def stored(store, response_id):
    with store.session() as s:
        response = s.get(Response, response_id)
        answers = {a.item_id: a.value for a in s.scalars(select(Answer).where(Answer.response_id == response_id))}
        comments = {c.question: c.text for c in s.scalars(select(Comment).where(Comment.response_id == response_id))}
        team = s.get(Team, response.team_id).name if response.team_id is not None else None
        wave = s.get(Wave, response.wave_id).name
        return response, answers, comments, team, wave


def answer_plan(instrument, seed: int, every: int = 1) -> dict[str, int | None]:
    """A deterministic mix over the whole range: a value, or None for a click on "skip".
    With ``every`` > 1 only every n-th item is touched (the others are simply left open)."""
    plan = {}
    for index, item in enumerate(instrument.items):
        if index % every:
            continue
        points = list(item.points)
        choice = (index * 7 + seed) % (len(points) + 1)
        plan[item.id] = None if choice == len(points) else points[choice]
    return plan


def step_label(page, number: int, pages: int):
    return page.locator(".verloop-progress-label").filter(has_text=re.compile(rf"\b{number} (van|of) {pages}\b"))


def fill_and_send(page, instrument, plan, *, reason=None, comments=None):
    """Click through every page as planned; every choice is confirmed by the kernel's count."""
    pages = survey_pages(instrument)
    answered = 0
    label = page.locator(".verloop-progress-label")
    for number, (kind, payload) in enumerate(pages):
        if kind == "reason":
            page.wait_for_selector(".verloop-reason", state="visible")
            index = instrument.reason_codes.index(reason) if reason else len(instrument.reason_codes)
            page.locator(".verloop-reason label.vq-option").nth(index).click()
            page.wait_for_selector(".verloop-reason input:checked")
        elif kind == "scale":
            page.wait_for_selector(f".verloop-item-{payload.items[0].id}", state="visible")
            for item in payload.items:
                if item.id not in plan:
                    continue  # left open: skipping without a click
                value = plan[item.id]
                index = len(item.points) if value is None else value - item.min
                page.locator(f".verloop-item-{item.id} label.vq-option").nth(index).click()
                answered += value is not None
            label.filter(has_text=re.compile(rf"· {answered} ")).wait_for()
        else:
            for question in instrument.open_questions:
                text = (comments or {}).get(question.id)
                if not text:
                    continue
                box = page.locator(f".verloop-open-{question.id} textarea")
                box.fill(text)
                box.press("Tab")  # the value is synced when the box loses focus
                page.locator(f".verloop-count-{question.id}").filter(has_text=f"{len(text)} ").wait_for()
        if number < len(pages) - 1:
            page.click(".verloop-next")
            step_label(page, number + 2, len(pages)).wait_for()
    page.click(".verloop-submit")
    page.wait_for_selector(".verloop-thanks", state="visible")


def assert_no_horizontal_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    viewport = page.viewport_size["width"]
    assert width <= viewport, f"the page is {width}px wide on a {viewport}px screen"


def test_pulse_in_dutch_stores_exactly_the_clicked_values(page, base_url, survey_store, wait_voila, page_requests):
    code = new_code(survey_store)
    instrument = instrument_of(survey_store, "pulse")
    plan = answer_plan(instrument, seed=1)
    comments = {
        "stop": "Stoppen met <script>alert('x')</script> & AHT-sturing — “écht” 😀",
        "start": "Meer coaching 👍",
    }
    before = response_ids(survey_store)

    wait_voila(page, f"{base_url}/voila/render/pulse.ipynb?token={code}", selector=".verloop-start")
    assert "Hoe gaat het op je werk?" in page.inner_text(".verloop-title")
    assert "anoniem" in page.inner_text(".verloop-privacy")
    assert page.input_value(".verloop-token input") == code
    assert page.evaluate("document.documentElement.lang") == "nl"
    assert page.title().startswith("Hoe gaat het op je werk?")
    assert_no_horizontal_scroll(page)
    page.click(".verloop-start")
    page.wait_for_selector(f".verloop-item-{instrument.items[0].id}", state="visible")
    assert_no_horizontal_scroll(page)
    fill_and_send(page, instrument, plan, comments=comments)
    assert "Dank je wel" in page.inner_text(".verloop-thanks")
    assert page_requests.off_host() == []  # nothing asked of another host

    (new,) = response_ids(survey_store) - before
    response, answers, texts, team, wave = stored(survey_store, new)
    assert answers == {k: float(v) for k, v in plan.items() if v is not None}
    assert texts == comments  # Unicode and markup kept as text
    assert (response.language, team, wave, response.submitted_on) == ("nl", TEAM, WAVES["pulse"], dt.date.today())
    assert re.fullmatch(r"[0-9a-f]{32}", response.id)


def test_answers_are_a_labelled_radio_group_and_the_language_follows(page, base_url, survey_store, wait_voila):
    code = new_code(survey_store)
    instrument = instrument_of(survey_store, "pulse")
    first = instrument.items[0]
    wait_voila(page, f"{base_url}/voila/render/pulse.ipynb?token={code}", selector=".verloop-start")
    page.locator(".verloop-lang button", has_text="English").click()
    page.locator(".verloop-title").filter(has_text="How are things at work?").wait_for()
    page.wait_for_function("document.documentElement.lang === 'en' && document.title.startsWith('How are things')")
    assert page.inner_text(".verloop-start") == "Start"
    page.click(".verloop-start")
    group = page.get_by_role("radiogroup", name=first.text.en)  # the question is the group's label
    group.wait_for()
    radios = group.get_by_role("radio")
    assert radios.count() == len(first.points) + 1  # every point and "Skip"
    label = first.labels("en")[first.points[3]]
    chosen = page.locator(f".verloop-item-{first.id} label.vq-option").nth(3)
    chosen.click()  # a click on the answer's text checks its radio
    radio = group.get_by_role("radio", name=label, exact=True)
    page.wait_for_function("e => e.checked", arg=radio.element_handle())
    # visible without colour: a check mark and a thicker border on the chosen answer only
    assert chosen.locator(".vq-mark").is_visible()
    assert not page.locator(f".verloop-item-{first.id} label.vq-option").nth(2).locator(".vq-mark").is_visible()
    widths = [
        page.locator(f".verloop-item-{first.id} label.vq-option")
        .nth(i)
        .evaluate("e => getComputedStyle(e).borderTopWidth")
        for i in (2, 3)
    ]
    assert float(widths[1].rstrip("px")) > float(widths[0].rstrip("px"))
    page.locator(".verloop-progress-label").filter(has_text="· 1 ").wait_for()


def test_used_link_is_refused_on_screen(page, base_url, survey_store, wait_voila):
    code = new_code(survey_store)
    submit(survey_store, code, {"engagement_1": 4}, {}, "nl")
    wait_voila(page, f"{base_url}/voila/render/pulse.ipynb?token={code}", selector=".verloop-welcome [role=alert]")
    alert = page.locator(".verloop-welcome [role=alert]")
    alert.filter(has_text="al gebruikt").wait_for()
    assert alert.get_attribute("aria-live") == "assertive"  # announced, not only shown
    page.click(".verloop-start")  # trying anyway keeps refusing, and shows no question
    alert.filter(has_text="al gebruikt").wait_for()
    assert page.locator(".verloop-item").count() == 0


def test_same_code_in_two_tabs_the_losing_tab_says_not_saved(browser, base_url, survey_store, wait_voila):
    code = new_code(survey_store)
    before = response_ids(survey_store)
    pages_count = len(survey_pages(instrument_of(survey_store, "pulse")))
    context = browser.new_context(viewport=PHONE)  # two tabs of one browser
    try:
        tabs = [context.new_page() for _ in range(2)]
        for tab in tabs:
            tab.set_default_timeout(60_000)
            wait_voila(tab, f"{base_url}/voila/render/pulse.ipynb?token={code}&lang=en", selector=".verloop-start")
            tab.click(".verloop-start")
            tab.wait_for_selector(".verloop-item-engagement_1", state="visible")
            tab.locator(".verloop-item-engagement_1 label.vq-option").nth(1).click()
            tab.locator(".verloop-progress-label").filter(has_text="· 1 ").wait_for()
        for tab in tabs:  # to the last page of each
            for number in range(2, pages_count + 1):
                tab.click(".verloop-next")
                step_label(tab, number, pages_count).wait_for()
        tabs[0].click(".verloop-submit")
        tabs[0].wait_for_selector(".verloop-thanks", state="visible")
        tabs[1].click(".verloop-submit")
        tabs[1].locator(".verloop-questions [role=alert]").filter(has_text="were NOT saved").wait_for()
        assert not tabs[1].locator(".verloop-thanks").is_visible()
    finally:
        context.close()
    assert len(response_ids(survey_store) - before) == 1


def test_forged_malformed_and_closed_codes_are_refused_on_screen(page, base_url, survey_store, wait_voila):
    closed = issue_tokens(survey_store, "closed-wave", TEAM, 1)[0].code
    close_wave(survey_store, "closed-wave")
    exit_code = new_code(survey_store, "exit")
    wait_voila(page, f"{base_url}/voila/render/pulse.ipynb", selector=".verloop-token input")
    assert page.locator(".verloop-welcome [role=alert]").inner_text() == ""
    cases = [
        ("", "Vul de code"),
        ("hello", "geen geldige code"),
        ("7KQ2-XM9D-AB12-CD34-EF56", "niet bekend"),
        (closed, "gesloten"),
        (exit_code, "andere vragenlijst"),
        ("<img src=x onerror=alert(1)>", "geen geldige code"),
    ]
    for typed, expected in cases:
        box = page.locator(".verloop-token input")
        box.fill(typed)
        box.press("Enter")  # Enter in the code field starts
        page.locator(".verloop-welcome [role=alert]").filter(has_text=expected).wait_for()
        assert page.locator(".verloop-item").count() == 0
    assert page.locator(".voila-error").count() == 0


@pytest.mark.parametrize("kind, reason", [("exit", "no_mandate"), ("followup", "workload")])
def test_exit_and_followup_apps_submit(page, base_url, survey_store, wait_voila, kind, reason):
    code = new_code(survey_store, kind)
    instrument = instrument_of(survey_store, kind)
    plan = answer_plan(instrument, seed=2, every=3)
    question = instrument.open_questions[0].id
    before = response_ids(survey_store)

    wait_voila(page, f"{base_url}/voila/render/{kind}.ipynb?token={code}", selector=".verloop-start")
    assert instrument.title.nl in page.inner_text(".verloop-title")
    page.click(".verloop-start")
    fill_and_send(page, instrument, plan, reason=reason, comments={question: "Eerlijk gezegd: de roosters."})

    (new,) = response_ids(survey_store) - before
    response, answers, texts, _team, wave = stored(survey_store, new)
    assert (response.reason, wave) == (reason, WAVES[kind])
    assert answers == {k: float(v) for k, v in plan.items() if v is not None}
    assert texts == {question: "Eerlijk gezegd: de roosters."}


@pytest.mark.parametrize("kind", ["pulse", "exit", "followup"])
def test_survey_home_routes_by_the_code(page, base_url, survey_store, wait_voila, kind, page_requests):
    code = new_code(survey_store, kind)
    instrument = instrument_of(survey_store, kind)
    wait_voila(page, f"{base_url}/", selector=".verloop-home-code input")  # / is the survey home
    assert page.locator(".verloop-results-link a").get_attribute("href").startswith("team_results.ipynb")
    box = page.locator(".verloop-home-code input")
    box.fill("7KQ2-XM9D-AB12-CD34-EF56")
    box.press("Enter")
    page.locator(".verloop-home [role=alert]").filter(has_text="niet bekend").wait_for()
    box.fill(code)
    box.press("Enter")
    page.locator(".verloop-title").filter(has_text=instrument.title.nl).wait_for()
    assert not page.locator(".verloop-token input").is_visible()  # the code is not asked twice
    assert "?" not in page.url or "token" not in page.url  # the code stays out of the address
    page.keyboard.press("Enter")  # the Start button has the focus
    page.wait_for_selector(".verloop-progress-label", state="visible")
    first = survey_pages(instrument)[0]
    expected = ".verloop-reason" if first[0] == "reason" else f".verloop-item-{first[1].items[0].id}"
    page.wait_for_selector(expected, state="visible")
    assert page_requests.off_host() == []


def tab_to(page, selector: str, limit: int = 80):
    """Press Tab until the focused element matches ``selector`` (a keyboard user's way)."""
    for _ in range(limit):
        if page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


def test_keyboard_only_completion(page, base_url, survey_store, wait_voila):
    code = new_code(survey_store)
    instrument = instrument_of(survey_store, "pulse")
    pages = survey_pages(instrument)
    before = response_ids(survey_store)
    wait_voila(page, f"{base_url}/voila/render/pulse.ipynb?token={code}", selector=".verloop-start")
    tab_to(page, ".verloop-token input")
    page.keyboard.press("Enter")
    expected = {}
    for number, (kind, payload) in enumerate(pages):
        step_label(page, number + 1, len(pages)).wait_for()
        if number:  # after "next" the focus lands on the step's heading; the user tabs on from there
            page.wait_for_function(
                "document.activeElement && document.activeElement.matches('.verloop-progress-label .verloop-focus')"
            )
        if kind == "scale":
            item = payload.items[0]
            tab_to(page, f".verloop-item-{item.id} input[type=radio]")
            page.keyboard.press("Space")  # the first answer …
            page.keyboard.press("ArrowRight")  # … and the arrow moves the choice to the second
            expected[item.id] = float(item.points[1])
            page.locator(".verloop-progress-label").filter(has_text=re.compile(rf"· {len(expected)} ")).wait_for()
        elif kind == "open":
            question = instrument.open_questions[0]
            tab_to(page, f".verloop-open-{question.id} textarea")
            page.keyboard.type("Met het toetsenbord")
        tab_to(page, ".verloop-next:not([hidden]), .verloop-submit:not([hidden])")
        page.keyboard.press("Enter")
    page.wait_for_selector(".verloop-thanks", state="visible")
    (new,) = response_ids(survey_store) - before
    _response, answers, texts, _team, _wave = stored(survey_store, new)
    assert answers == expected
    assert texts == {instrument.open_questions[0].id: "Met het toetsenbord"}


FIND_SCROLLER = """() => {
  let e = document.querySelector('.verloop-survey');
  while (e && !(e.scrollHeight > e.clientHeight + 5 && /auto|scroll/.test(getComputedStyle(e).overflowY))) {
    e = e.parentElement;
  }
  window.__scroller = e || document.scrollingElement"""


def test_double_click_does_not_skip_and_each_step_opens_at_its_top(page, base_url, survey_store, wait_voila):
    code = new_code(survey_store)
    instrument = instrument_of(survey_store, "pulse")
    pages = survey_pages(instrument)
    wait_voila(page, f"{base_url}/voila/render/pulse.ipynb?token={code}", selector=".verloop-start")
    page.click(".verloop-start")
    step_label(page, 1, len(pages)).wait_for()
    # the element that scrolls (Voilà's page shell or the document), scrolled to the bottom
    assert page.evaluate(
        FIND_SCROLLER + "; window.__scroller.scrollTop = 1e6; return window.__scroller.scrollTop > 0 }"
    )
    page.dblclick(".verloop-next")
    step_label(page, 2, len(pages)).wait_for()
    page.wait_for_function("window.__scroller.scrollTop === 0 && window.scrollY === 0")  # the new step opens at its top
    # and the focus moved to the step's heading at the top, not left on the button at the bottom
    page.wait_for_function(
        "document.activeElement && document.activeElement.matches('.verloop-progress-label .verloop-focus')"
    )
    # a round trip through the kernel: had the second click been sent, it would be done by now
    item = pages[1][1].items[0]
    page.locator(f".verloop-item-{item.id} label.vq-option").nth(0).click()
    page.locator(".verloop-progress-label").filter(has_text="· 1 ").wait_for()
    assert step_label(page, 2, len(pages)).is_visible()


def test_answers_stack_on_a_phone_and_sit_in_one_row_when_wide(page, base_url, survey_store, wait_voila):
    code = new_code(survey_store)
    instrument = instrument_of(survey_store, "pulse")
    item = instrument.items[0]
    wait_voila(page, f"{base_url}/voila/render/pulse.ipynb?token={code}", selector=".verloop-start")
    page.click(".verloop-start")
    options = page.locator(f".verloop-item-{item.id} label.vq-option:not(.vq-skip)")
    options.first.wait_for()
    boxes = [options.nth(i).bounding_box() for i in range(options.count())]
    assert len({round(b["x"]) for b in boxes}) == 1 and boxes[-1]["y"] > boxes[0]["y"]  # stacked on 390 px
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(page_screenshot_dir() / "survey-phone.png"), full_page=False)
    page.set_viewport_size(WIDE)
    page.wait_for_function(
        "s => { const o = [...document.querySelectorAll(s)]; return o.length > 1 && o.every(e => Math.abs(e.getBoundingClientRect().top - o[0].getBoundingClientRect().top) < 2); }",
        arg=f".verloop-item-{item.id} label.vq-option:not(.vq-skip)",
    )  # one row on a wide screen
    page.screenshot(path=str(page_screenshot_dir() / "survey-wide.png"), full_page=False)


def page_screenshot_dir():
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.gettempdir()) / "verloop-screenshots"
    folder.mkdir(exist_ok=True)
    return folder


# -- team results for employees ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def results_store(tmp_path_factory):
    from verloop.synth import SynthConfig, generate, write

    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('results-db') / 'demo.db'}")
    write(store, generate(SynthConfig(employees=200, months=12, seed=3, sites=2)))
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def results_url(voila_server, results_store):
    return voila_server(results_store.url, pages=list(SURVEY_NOTEBOOKS), home=SURVEY_HOME)


def test_team_results_hide_a_small_team_and_need_the_team_link(
    page, results_url, results_store, wait_voila, page_requests
):
    from urllib.parse import urlsplit

    from verloop.apps.dashboard import figures
    from verloop.apps.dashboard.data import DashboardSource
    from verloop.apps.team_results import results_link

    source = DashboardSource.open(results_store)
    with results_store.session() as s:
        wave = s.scalars(
            select(Wave.name).where(Wave.kind == "pulse", Wave.status == "closed").order_by(Wave.opens_on.desc())
        ).first()
    hidden = next(
        name
        for team_id, name in zip(source.teams["team_id"], source.teams["team"])
        if (lambda f: len(f) and f["suppressed"].all())(
            (lambda f: f[(f["group_kind"] == "team") & (f["scale"] != "response_rate")])(
                figures.team_vs_organisation(source, int(team_id), "nl")
            )
        )
    )
    link = results_link(results_store, wave, hidden, results_url)
    wait_voila(page, link, selector=".verloop-results-latest")
    body = page.locator(".verloop-results-body")
    assert f"Resultaten van {hidden}" in body.inner_text()
    team_cells = page.locator(".verloop-results-latest tbody tr td:nth-of-type(1)").all_inner_texts()
    rows = page.locator(".verloop-results-latest tbody tr th").all_inner_texts()
    assert {cell for cell, row in zip(team_cells, rows) if not row.startswith("Respons")} == {"—"}
    assert "Niet getoond" in page.inner_text(".verloop-results-hidden")
    assert_no_horizontal_scroll(page)
    page.screenshot(path=str(page_screenshot_dir() / "team-results-phone.png"), full_page=True)
    # without the team's link (or with another key) the page shows no figure at all
    query = urlsplit(link).query
    wait_voila(
        page, f"{results_url}/voila/render/team_results.ipynb?{query[:-1]}x", selector=".verloop-results-problem"
    )
    assert "klopt niet" in page.inner_text(".verloop-results-problem") and page.locator("table").count() == 0
    wait_voila(page, f"{results_url}/voila/render/team_results.ipynb", selector=".verloop-results-problem")
    assert page.locator("table").count() == 0
    assert page_requests.off_host() == []
