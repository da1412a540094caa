"""The HR home on a real (synthetic) organisation, and what "the end of the data" and "the
latest wave" mean for every dashboard: the home's figures are the pages' own, the default
period says which months it covers, and nothing opens on an open, empty or future wave."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil

import pandas as pd
import pytest

from verloop.apps.dashboard import figures
from verloop.apps.dashboard.data import DashboardSource
from verloop.apps.dashboard.filters import FilterBar, default_filters
from verloop.apps.dashboard.pages import page_class
from verloop.apps.dashboard.pages.risk import at_risk
from verloop.apps.dashboard.pages.turnover import voluntary_card
from verloop.apps.index import HomePage, headlines
from verloop.status import data_span, end_of_data, organisation_status
from verloop.store import Store

END = dt.date(2026, 10, 31)  # the synthetic organisation's last simulated day


@pytest.fixture(scope="module")
def org_db(tmp_path_factory):
    from verloop.synth import SynthConfig, generate, write

    path = tmp_path_factory.mktemp("home") / "org.db"
    store = Store.open(f"sqlite:///{path}")
    write(store, generate(SynthConfig(employees=200, months=12, seed=3, sites=2, end_date=END)))
    store.dispose()
    return path


@pytest.fixture(scope="module")
def models_dir(org_db, tmp_path_factory):
    from verloop.models.data import load_org
    from verloop.models.train import TrainOptions, train_models

    folder = tmp_path_factory.mktemp("models")
    store = Store.open(f"sqlite:///{org_db}")
    train_models(load_org(store), folder, options=TrainOptions(n_boot=20), which=("team",))
    store.dispose()
    return folder


@pytest.fixture(scope="module")
def source(org_db, models_dir, tmp_path_factory):
    settings = {"VERLOOP_MODELS": str(models_dir), "VERLOOP_DASHBOARD_CACHE": str(tmp_path_factory.mktemp("figures"))}
    previous = {key: os.environ.get(key) for key in settings}
    os.environ.update(settings)
    store = Store.open(f"sqlite:///{org_db}")
    yield DashboardSource.open(store)
    store.dispose()
    for key, value in previous.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def test_the_end_of_data_is_the_last_recorded_day_not_a_planned_one():
    today = dt.date(2026, 12, 2)
    assert end_of_data(exits=[dt.date(2026, 10, 31)], kpi_months=[dt.date(2026, 9, 1)], today=today) == END
    assert end_of_data(kpi_months=[dt.date(2026, 10, 1)], today=today) == END  # a KPI month counts to its end
    assert end_of_data(exits=[dt.date(2027, 1, 31)], today=today) == today  # a planned exit is not data yet
    assert end_of_data(exits=[pd.NaT, None], hires=[pd.Timestamp("2026-03-02")], today=today) == dt.date(2026, 3, 2)
    assert end_of_data(today=today) is None


def test_dashboards_models_and_status_share_one_end_of_data(source, org_db):
    from verloop.models.data import load_org

    assert source.today == END and source.options.last_day == END
    store = source.store
    with store.session() as s:
        first, last = data_span(s)
    assert last == END and first == source.options.first_month
    assert organisation_status(store)["data_end"] == END.isoformat()
    org = load_org(store)
    assert org.data_window()[1] == pd.Timestamp(END)  # what the model card prints


def test_the_default_period_says_which_months_it_covers(source):
    bar = FilterBar(source.options, "en")
    assert bar.value.start == dt.date(2025, 11, 1) and bar.value.end == END
    assert dict((v, k) for k, v in bar.period.options)[12] == "Last 12 months (Nov 2025 – Oct 2026)"
    bar.set(lang="nl")
    assert dict((v, k) for k, v in bar.period.options)[3] == "Laatste 3 maanden (aug 2026 – okt 2026)"
    assert default_filters(source.options, "nl") == bar.value


def test_open_and_empty_waves_neither_move_the_data_nor_become_the_latest_wave(org_db, tmp_path):
    """A wave still open (closing in the future) and a closed wave nobody answered come after
    the data: the period, the engagement page's wave and the models' window stay where the
    results are."""
    from verloop.surveys.waves import close_wave, open_wave

    copy = tmp_path / "org.db"
    shutil.copy(org_db, copy)
    store = Store.open(f"sqlite:///{copy}")
    before = DashboardSource.open(store)
    latest = figures.latest_wave(before, default_filters(before.options))
    open_wave(store, "pulse", "Pulse empty", opens=dt.date(2026, 11, 2), today=dt.date(2026, 11, 2))
    close_wave(store, "Pulse empty", today=dt.date(2026, 11, 16))
    open_wave(
        store,
        "pulse",
        "Pulse running",
        opens=dt.date(2026, 11, 30),
        closes=dt.date(2027, 1, 15),
        today=dt.date(2026, 11, 30),
    )
    after = DashboardSource.open(store)
    assert after.today == END and after.options == before.options
    filters = default_filters(after.options, "en")
    assert figures.latest_wave(after, filters) == latest is not None
    shown = figures.waves_with_results(after)
    assert "Pulse empty" not in set(shown["wave"]) and "Pulse running" not in set(shown["wave"])
    page = page_class("engagement")(source=after, lang="en")
    page.build()
    assert f"— {latest}" in page._views["scales-by-group"].title.value
    store.dispose()


def test_the_home_shows_the_pages_own_figures(source):
    lang = "en"
    cards = {c.key: c for c in headlines(source, lang)}
    assert list(cards) == ["turnover", "response", "risk", "watermelon"]
    filters = default_filters(source.options, lang)
    summary = figures.turnover_summary(source, filters).iloc[0]
    label, value, sub = voluntary_card(summary, lang)
    assert cards["turnover"].value == value and sub in cards["turnover"].sub and value.endswith("%")
    assert "95% confidence interval" in cards["turnover"].sub
    latest = figures.waves_with_results(source).iloc[-1]["wave"]
    waves = figures.wave_summary(source, default_filters(source.options, lang, months=0))
    rate = waves.loc[waves["wave"] == latest, "response_rate"].iloc[0]
    assert cards["response"].value == f"{rate:.0f}%" and latest in cards["response"].sub
    risk = figures.team_risk(source, filters)["risk"]
    assert cards["risk"].value == str(int(at_risk(risk).sum()))
    teams = figures.kpi_vs_people(source, filters)["teams"]
    expected = int(teams.loc[~teams["suppressed"].astype(bool), "watermelon"].astype(bool).sum())
    assert cards["watermelon"].value == str(expected)
    for card in cards.values():
        assert card.page in ("turnover", "engagement", "risk", "watermelon") and card.sub


def test_the_home_in_dutch_formats_numbers_and_links_to_its_pages(source):
    home = HomePage(source=source, lang="nl")
    root = home.build()
    body = home.content.value
    assert "Vrijwillig verloop" in body and "Watermeloenteams" in body and "Teams met verhoogd risico" in body
    turnover = re.search(r'verloop-headline-value">([^<]+)<', body).group(1)
    assert re.fullmatch(r"\d+,\d%", turnover)  # '35,2%': a Dutch decimal comma
    assert "Gegevens t/m 31 okt 2026; periode nov 2025 – okt 2026." in body
    hrefs = re.findall(r'href="([^"]+)"', body)
    assert (
        "/voila/render/dashboard_risk.ipynb?lang=nl" in hrefs
        and "/voila/render/dashboard_turnover.ipynb?lang=nl" in hrefs
    )
    home.language.value = "en"
    assert "Voluntary turnover" in home.content.value and "Data up to 31 Oct 2026" in home.content.value
    assert "verloop-ready" in root._dom_classes


def test_teams_at_risk_are_clearly_above_the_average_and_never_hidden_ones():
    frame = pd.DataFrame(
        {
            "group": ["A", "B", "C", "D", "E"],
            "horizon_months": [12] * 5,
            "expected": [6.0, 2.0, 2.0, 2.0, None],
            "lower": [4.5, 1.0, 1.5, None, None],
            "upper": [8.0, 3.0, 2.5, None, None],
            "n": pd.array([20, 20, 20, 5, None], dtype="Int64"),
            "suppressed": [False, False, False, False, True],
        }
    )
    # average = 12 / 65 per employee; A: 4.5/20 > it; B, C: below; D: no interval, 2/5 ≥ 1.5 × average
    assert at_risk(frame).tolist() == [True, False, False, True, False]
    assert at_risk(frame.iloc[0:0]).empty


def test_the_refresh_leaves_the_home_nothing_to_compute(source, monkeypatch):
    """The refresh's last tasks are the home in each language (``cache.HOME``); once they ran, a
    new home kernel reads its facts and headline figures from the cache and computes none."""
    from verloop.apps.dashboard.cache import HOME, refresh_tasks

    tasks = refresh_tasks(source)
    assert tasks[-2:] == [(HOME, {"lang": "nl"}), (HOME, {"lang": "en"})]
    for _, choice in tasks[-2:]:  # what the refresh runs for them
        HomePage(source=source, lang=choice["lang"]).body(choice["lang"])
    fresh = DashboardSource.open(source.store)

    def counted_again(store):
        raise AssertionError("the home counted the organisation at load")

    monkeypatch.setattr("verloop.status.organisation_status", counted_again)
    home = HomePage(source=fresh, lang="nl")
    body = home.body("nl") + home.body("en")
    assert "verloop-headline-value" in body and home.status["teams"] > 0
    assert [key for key, persisted in fresh.figure_cache.computed if persisted] == []
