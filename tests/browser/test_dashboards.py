"""The HR dashboards in a real Voilà server and headless Debian Chromium.

One synthetic organisation (SQLite, built once for the module, with a team model trained on
it) and one Voilà server serve every page. For each page: it renders with no ``.voila-error``
and no failure message, shows its charts, switches to Dutch and back, applies a filter, and a
CSV download arrives holding the published frame; pages with hidden groups show "fewer than 5
responses" and the download hides the same rows. A screenshot of every page is saved under
``test-artifacts/dashboards/`` (and, with ``VERLOOP_SCREENSHOT_DIR`` set, also there — that is
how ``docs/screenshots/`` is made).
"""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from verloop.apps.dashboard import PAGE_KEYS
from verloop.apps.dashboard.i18n import t

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "dashboards"
READY = ".verloop-page.verloop-ready"
EMPLOYEES = int(os.environ.get("VERLOOP_DASHBOARD_TEST_EMPLOYEES", "200"))
MIN_CHARTS = {
    "turnover": 3,
    "engagement": 4,
    "drivers": 1,
    "risk": 1,
    "watermelon": 1,
    "exits": 2,
    "retention": 3,
    "whatif": 1,
    "actions": 1,
    "employees": 1,
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """A synthetic organisation in SQLite and a team model trained on it."""
    from verloop.models.data import load_org
    from verloop.models.train import TrainOptions, train_models
    from verloop.store import Store
    from verloop.synth import SynthConfig, generate, write

    folder = tmp_path_factory.mktemp("dashboards")
    url = f"sqlite:///{folder / 'demo.db'}"
    store = Store.open(url)
    write(store, generate(SynthConfig(employees=EMPLOYEES, months=12, seed=3, sites=2)))
    models = folder / "models"
    train_models(load_org(store), models, options=TrainOptions(n_boot=20), which=("team",))
    yield {"url": url, "models": models, "store": store}
    store.dispose()


@pytest.fixture(scope="module")
def base_url(voila_server, demo):
    return voila_server(
        demo["url"],
        env={"VERLOOP_MODELS": str(demo["models"]), "VERLOOP_DASHBOARD_CACHE": str(demo["models"].parent / "figures")},
    )


@pytest.fixture(scope="module")
def published(demo):
    """What the door publishes, to know where suppression must show (the test's own door)."""
    from verloop.privacy import Door

    door = Door(demo["store"], lang="en")
    wave = door.waves("pulse").query("results")["wave"].iloc[-1]
    return {"door": door, "team_scores": door.scale_scores(by="team", waves=[wave])}


def open_page(page, wait_voila, base_url, key, query="lang=en"):
    wait_voila(page, f"{base_url}/voila/render/dashboard_{key}.ipynb?{query}", selector=READY)
    assert page.locator(".verloop-failure").count() == 0, page.locator(".verloop-message").inner_text()
    return page


def wait_redrawn(page, action) -> None:
    """Run ``action`` (a filter change) and wait until the page has been redrawn."""
    page.evaluate(
        "() => { window.__verloopSeen = false; const root = document.querySelector('.verloop-page');"
        " window.__verloopObserver = new MutationObserver(() => {"
        " if (!root.classList.contains('verloop-ready')) window.__verloopSeen = true; });"
        " window.__verloopObserver.observe(root, {attributes: true, attributeFilter: ['class']}); }"
    )
    action()
    page.wait_for_function(
        "() => window.__verloopSeen && document.querySelector('.verloop-page').classList.contains('verloop-ready')"
    )
    assert page.locator(".verloop-failure").count() == 0


def download_csv(page, locator) -> pd.DataFrame:
    with page.expect_download() as info:
        locator.click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    return pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""])


def screenshot(page, key: str) -> None:
    """The whole page: Voilà scrolls inside a container, so the viewport is grown to fit it."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{key}.png"
    size = page.viewport_size
    height = page.evaluate(
        "() => Math.max(...Array.from(document.querySelectorAll('.verloop-page, body')).map((e) => e.scrollHeight))"
    )
    page.set_viewport_size({"width": size["width"], "height": min(max(int(height) + 40, size["height"]), 8000)})
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    extra = os.environ.get("VERLOOP_SCREENSHOT_DIR")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(extra) / f"dashboard-{key}.png")


@pytest.mark.parametrize("key", PAGE_KEYS)
def test_page_renders_switches_language_filters_and_downloads(page, wait_voila, base_url, key):
    open_page(page, wait_voila, base_url, key)
    assert page.locator(".verloop-title").inner_text().strip() == t(f"page_{key}", "en")
    charts = page.locator(".verloop-body img.verloop-chart")
    charts.first.wait_for(state="visible")
    assert charts.count() >= MIN_CHARTS[key]
    assert page.locator(".verloop-no-model").count() == 0  # a model was trained for this server
    screenshot(page, key)

    wait_redrawn(page, lambda: page.locator(".verloop-lang button", has_text="NL").click())
    assert page.locator(".verloop-title").inner_text().strip() == t(f"page_{key}", "nl")
    wait_redrawn(page, lambda: page.locator(".verloop-lang button", has_text="EN").click())

    for selector in (".verloop-filter-site select", ".verloop-filter-team select"):
        select = page.locator(selector)
        if select.count() and select.is_visible():
            options = select.locator("option")
            wait_redrawn(
                page, lambda select=select, options=options: select.select_option(index=1 if options.count() > 1 else 0)
            )
            break
    links = page.locator(".verloop-body .verloop-download-csv")
    if links.count():
        frame = download_csv(page, links.first)
        assert len(frame.columns) > 1
        if {"n", "suppressed", "note"} <= set(frame.columns):
            hidden = frame[frame["suppressed"].astype(str) == "True"]
            assert hidden["n"].isna().all() and (hidden["note"].astype(str).str.len() > 0).all()


def test_hidden_teams_say_fewer_than_5_responses_and_the_csv_hides_them_too(page, wait_voila, base_url, published):
    scores = published["team_scores"]
    small = scores[scores["reason"] == "min_group"]
    assert len(small), "the synthetic organisation should have a team with fewer than 5 responses"
    site = small["site"].iloc[0]
    open_page(page, wait_voila, base_url, "engagement")
    wait_redrawn(page, lambda: page.locator(".verloop-filter-site select").select_option(label=site))
    note = page.locator(".verloop-section-scales-by-group .verloop-suppressed-note").inner_text()
    assert "fewer than 5 responses" in note
    for team in small.loc[small["site"] == site, "team"].unique():
        assert team in note
    heat = download_csv(page, page.locator(".verloop-section-scales-by-group .verloop-download-csv"))
    hidden = heat[heat["team"].isin(small["team"])]
    assert len(hidden) and hidden["score"].isna().all() and hidden["n"].isna().all()
    assert (hidden.loc[hidden["reason"] == "min_group", "note"] == "fewer than 5 responses").all()
    assert set(heat["team"]) <= set(scores.loc[scores["site"] == site, "team"])
    screenshot(page, "engagement-suppressed")


def test_employee_page_of_a_small_team_shows_only_the_note(page, wait_voila, base_url, published):
    scores = published["team_scores"]
    small = scores[scores["reason"] == "min_group"]
    team = small["team"].iloc[0]
    open_page(page, wait_voila, base_url, "employees")
    wait_redrawn(page, lambda: page.locator(".verloop-filter-team select").select_option(label=team))
    assert "fewer than 5 responses" in page.locator(".verloop-body").inner_text()
    results = download_csv(page, page.locator(".verloop-section-team-results .verloop-download-csv"))
    mine = results[(results["group_kind"] == "team") & (results["scale"] != "response_rate")]
    assert mine["score"].isna().all() and (mine["note"] == "fewer than 5 responses").all()


def test_png_download_is_the_chart(page, wait_voila, base_url):
    open_page(page, wait_voila, base_url, "turnover")
    with page.expect_download() as info:
        page.locator(".verloop-body .verloop-download-png").first.click()
    assert info.value.suggested_filename.endswith(".png")
    assert Path(info.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_actions_are_added_and_closed_in_the_browser(page, wait_voila, base_url):
    open_page(page, wait_voila, base_url, "actions")
    before = page.locator(".verloop-action-row").count()
    page.locator(".verloop-action-cycle input").fill("C-browser")
    page.locator(".verloop-action-stop textarea").fill("<img src=x onerror=alert(1)> checklists")
    page.locator(".verloop-action-start textarea").fill("peer coaching")
    page.locator("button.verloop-action-save").click()
    page.wait_for_function("() => document.querySelector('.verloop-action-message').innerText.length > 0")
    message = page.locator(".verloop-action-message").inner_text()
    assert message.strip() == t("saved", "en"), message
    row = page.locator(".verloop-action-row", has_text="C-browser")
    row.wait_for(state="visible")
    assert "<img src=x onerror=alert(1)> checklists" in row.inner_text()  # shown as text, not run
    assert page.locator(".verloop-action-row").count() >= min(before + 1, 8)
    row.locator("button.verloop-action-close").click()
    page.locator(".verloop-action-row.verloop-action-closed", has_text="C-browser").wait_for(state="visible")


def test_what_if_slider_changes_the_expected_leavers(page, wait_voila, base_url):
    open_page(page, wait_voila, base_url, "whatif")
    sentence = page.locator(".verloop-whatif-sentence")
    before = sentence.inner_text()
    # the starting point is named: each team's running mean of its published wave means
    state = page.locator(".verloop-whatif-state")
    assert "running mean of its published results" in state.inner_text()
    assert page.locator(".verloop-whatif-warning").count() == 0  # no change yet, nothing to warn about
    slider = page.locator(".verloop-slider-mandate .slider-container, .verloop-slider-mandate .noUi-target").first
    box = slider.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.9, box["y"] + box["height"] / 2)
    page.wait_for_function(
        "(old) => document.querySelector('.verloop-whatif-sentence') && "
        "document.querySelector('.verloop-whatif-sentence').innerText !== old",
        arg=before,
    )
    assert "€" in sentence.inner_text()
    # +0.8 points on mandate takes the best teams beyond the team scores the model has seen
    warning = page.locator(".verloop-whatif-warning")
    warning.wait_for(state="visible")
    assert "outside the team scores seen so far" in warning.inner_text()
    screenshot(page, "whatif-out-of-range")


def test_tabbed_app_opens_pages_in_one_kernel_with_one_filter_bar(page, wait_voila, base_url):
    wait_voila(
        page,
        f"{base_url}/voila/render/dashboard.ipynb?lang=en",
        selector=".verloop-app .verloop-page-turnover.verloop-ready",
    )
    assert page.locator(".verloop-filterbar").count() == 1
    page.locator(".lm-TabBar-tab, .p-TabBar-tab", has_text=t("page_engagement", "en")).first.click()
    page.wait_for_selector(".verloop-page-engagement.verloop-ready img.verloop-chart", state="visible")
    page.locator(".verloop-filter-site select").select_option(index=1)
    page.wait_for_selector(
        ".verloop-page-engagement.verloop-ready .verloop-suppressed-note, "
        ".verloop-page-engagement.verloop-ready img.verloop-chart",
        state="visible",
    )
    page.locator(".verloop-lang button", has_text="NL").click()
    page.locator(".lm-TabBar-tab, .p-TabBar-tab", has_text=t("page_turnover", "nl")).first.wait_for(state="visible")
    page.wait_for_function(
        "() => document.querySelector('.verloop-page-engagement').innerText.includes('Niet getoond')"
        " || document.querySelector('.verloop-page-engagement').innerText.includes('Aandeel')"
    )
    page.wait_for_selector(".verloop-page-engagement.verloop-ready")
    assert page.locator(".voila-error, .verloop-failure").count() == 0
    screenshot(page, "app")
