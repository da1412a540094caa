"""Every dashboard page, built on a synthetic organisation on SQLite and PostgreSQL (no browser).

The organisation is generated once per session and written once per backend. Checks: each page
draws its charts without a failure, switches language, follows the filter bar, shows hidden
groups with the door's note ("fewer than 5 responses"), and offers CSV downloads that hold
exactly the published frame the chart was drawn from.
"""

from __future__ import annotations

import io
import os
import re
import secrets

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from verloop.apps.dashboard import PAGE_KEYS, figures
from verloop.apps.dashboard.data import DashboardSource
from verloop.apps.dashboard.i18n import t
from verloop.apps.dashboard.pages import page_class
from verloop.errors import ConfigError
from verloop.store import Store

CHART_PAGES = {
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


@pytest.fixture(scope="session")
def demo_org():
    from verloop.synth import SynthConfig, generate

    return generate(SynthConfig(employees=200, months=12, seed=3, sites=2))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def demo(request, demo_org, tmp_path_factory):
    """A store holding the synthetic organisation (one per backend for this module)."""
    from verloop.synth import write

    admin = name = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('dash') / 'demo.db'}"
    else:
        admin_url = request.getfixturevalue("pg_admin_url")
        name = f"verloop_dash_{secrets.token_hex(4)}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    store = Store.open(url)
    write(store, demo_org)
    yield store
    store.dispose()
    if admin is not None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module")
def models_dir(demo, tmp_path_factory):
    """A team model trained on the demo organisation (what `verloop train` writes)."""
    from verloop.models.data import load_org
    from verloop.models.train import TrainOptions, train_models

    folder = tmp_path_factory.mktemp("models")
    train_models(load_org(demo), folder, options=TrainOptions(n_boot=20), which=("team",))
    return folder


@pytest.fixture(scope="module")
def source(demo, models_dir, tmp_path_factory):
    """The pages' data source, reading the trained model and caching figures in a tmp folder."""
    settings = {"VERLOOP_MODELS": str(models_dir), "VERLOOP_DASHBOARD_CACHE": str(tmp_path_factory.mktemp("figures"))}
    previous = {key: os.environ.get(key) for key in settings}
    os.environ.update(settings)
    yield DashboardSource.open(demo)
    for key, value in previous.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def walk(widget):
    yield widget
    for child in getattr(widget, "children", ()) or ():
        yield from walk(child)


def with_class(root, css: str):
    return [w for w in walk(root) if css in getattr(w, "_dom_classes", ())]


def page_text(root) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", w.value) for w in walk(root) if isinstance(getattr(w, "value", None), str))


def csv_downloads(root) -> dict[str, pd.DataFrame]:
    """Every CSV the page offers, as a click in the browser would receive it."""
    out = {}
    for widget in with_class(root, "verloop-downloads"):
        for kind, name, _label in widget.links:
            if kind == "csv":
                text_ = widget.payload("csv").decode("utf-8-sig")
                out[name] = pd.read_csv(io.StringIO(text_), keep_default_na=False, na_values=[""])
    return out


def build(key, source, lang="en"):
    page = page_class(key)(source=source, lang=lang)
    root = page.build()
    return page, root


@pytest.mark.slow
@pytest.mark.parametrize("key", PAGE_KEYS)
def test_every_page_draws_switches_language_and_follows_filters(key, source):
    page, root = build(key, source)
    assert "verloop-ready" in root._dom_classes and f"verloop-page-{key}" in root._dom_classes
    assert not with_class(root, "verloop-refused"), page.message.value
    assert t(f"page_{key}", "en") in page.title.value
    charts = [w for w in with_class(root, "verloop-chart") if w in list(walk(page.body)) and w.value]
    assert len(charts) >= CHART_PAGES.get(key, 0)
    assert all(c.value[:8] == b"\x89PNG\r\n\x1a\n" for c in charts)
    page.filterbar.set(lang="nl")
    assert t(f"page_{key}", "nl") in page.title.value and not with_class(root, "verloop-refused")
    assert "Vestiging" in page.filterbar.site.description or "site" not in page.show_filters
    if "site" in page.show_filters:
        site_id, site = source.options.sites[0]
        page.filterbar.set(site_id=site_id)
        assert "verloop-ready" in root._dom_classes and not with_class(root, "verloop-refused"), page.message.value


def test_unknown_page_is_refused_with_the_known_names():
    with pytest.raises(ConfigError, match="turnover"):
        page_class("payroll")


def test_site_filter_shows_only_published_rows_of_that_site(source):
    page, root = build("turnover", source)
    site_id, site = source.options.sites[1]
    page.filterbar.set(site_id=site_id)
    heat = build("engagement", source)
    heat[0].filterbar.set(site_id=site_id)
    sliced = csv_downloads(heat[1])["scales-by-group.csv"]
    wave = sliced["wave"].iloc[0]
    direct = figures.door(source).scale_scores(by="team", waves=[wave], filters={"site_id": site_id})
    assert (
        sliced[["team", "scale", "suppressed"]].astype(str).values.tolist()
        == direct[["team", "scale", "suppressed"]].astype(str).values.tolist()
    )  # a slice equals asking the door
    by_team = csv_downloads(root)["turnover-by-team.csv"]
    published = figures.door(source).turnover(by="team", start=page.filters.start, end=page.filters.end)
    published = published[published["site"] == site]
    assert sorted(by_team["team"]) == sorted(published["team"])
    assert (
        by_team["suppressed"].astype(bool).to_numpy()
        == published.sort_values("team")["suppressed"].to_numpy()[pd.Series(by_team["team"]).argsort().argsort()]
    ).all()
    assert set(by_team["site"]) == {site}


@pytest.mark.slow
def test_hidden_groups_say_fewer_than_5_responses_on_screen_and_in_the_csv(source):
    page, root = build("engagement", source)
    hidden_anywhere = False
    for site_id, _ in source.options.sites:  # the site view lists its teams
        page.filterbar.set(site_id=site_id)
        heat = csv_downloads(root)["scales-by-group.csv"]
        small = heat[heat["reason"] == "min_group"]
        if not len(small):
            continue
        hidden_anywhere = True
        notes = " ".join(w.value for w in with_class(root, "verloop-suppressed-note"))
        assert "fewer than 5 responses" in notes
        assert small["score"].isna().all() and small["n"].isna().all()
        assert (small["note"] == "fewer than 5 responses").all()
        for team in small["team"].unique():
            assert team in notes
        page.filterbar.set(lang="nl")
        heat_nl = csv_downloads(root)["scales-by-group.csv"]
        assert (heat_nl.loc[heat_nl["reason"] == "min_group", "note"] == "minder dan 5 reacties").all()
        page.filterbar.set(lang="en")
    assert hidden_anywhere, "the synthetic organisation should have a team with fewer than 5 responses"


def test_every_csv_is_the_published_frame_of_its_chart(source):
    page, root = build("engagement", source)
    downloads = csv_downloads(root)
    assert {
        "scales-by-group.csv",
        "scales-per-wave.csv",
        "wellbeing-enps-response.csv",
        "score-distributions.csv",
    } <= set(downloads)
    waves = list(figures.pulse_waves(source, page.filters)["wave"])
    expected = figures.door(source).scale_scores(by="organisation", waves=waves)  # the door, asked directly
    got = downloads["scales-per-wave.csv"]
    assert list(got.columns) == list(expected.columns) + ["date"]
    assert len(got) == len(expected) and list(got["wave"]) == list(expected["wave"])
    assert got["suppressed"].astype(bool).tolist() == expected["suppressed"].tolist()
    pd.testing.assert_series_equal(got["score"].astype(float), expected["score"].astype(float), check_names=False)


def test_turnover_cards_show_rates_with_intervals_cost_and_early_leavers(source):
    page, root = build("turnover", source)
    cards = page_text(with_class(root, "verloop-kpi-cards")[0])
    for label in (
        "Voluntary turnover",
        "Involuntary turnover",
        "Left within 90 days",
        "Regretted leavers",
        "Replacement cost",
    ):
        assert label in cards
    assert cards.count("95% confidence interval") >= 3 and "€" in cards
    summary = csv_downloads(root)["turnover-summary.csv"].iloc[0]
    assert summary["voluntary_low"] <= summary["voluntary_rate"] <= summary["voluntary_high"]
    assert summary["cost_eur"] == pytest.approx(summary["voluntary"] * source.replacement_cost_eur)


def test_watermelon_teams_are_named_and_hidden_teams_are_not_placed(source):
    page, root = build("watermelon", source)
    teams = csv_downloads(root)["watermelon-quadrant.csv"]
    named = page_text(with_class(root, "verloop-watermelon-named")[0])
    for team in teams.loc[teams["watermelon"].astype(str) == "True", "team"]:
        assert team in named
    assert teams.loc[teams["suppressed"].astype(bool), "people_status"].isna().all()


def test_exit_page_shows_stated_and_honest_reasons_and_unfiltered_comments(source):
    page, root = build("exits", source)
    reasons = csv_downloads(root)["exit-reasons.csv"]
    assert set(reasons["source"]) == {"stated", "honest"}
    comments = with_class(root, "verloop-comments")[0].value
    assert "<script" not in comments
    site_id, _ = source.options.sites[0]
    page.filterbar.set(site_id=site_id)
    assert with_class(root, "verloop-comments")[0].value == comments  # comments ignore filters


def test_actions_are_added_edited_and_closed_in_the_app(source):
    page, root = build("actions", source)
    team_id = page.filters.team_id
    before = len(page.actions())
    page.cycle.value, page.stop.value, page.start.value = "C-test", "<b>bold</b> scripts", "coaching"
    page.save.click()
    actions = page.actions()
    assert len(actions) == before + 1 and actions.iloc[0]["stop_text"] == "<b>bold</b> scripts"
    assert "&lt;b&gt;bold" in page_text(page.list_box) or "&lt;b&gt;" in " ".join(
        w.value for w in walk(page.list_box) if hasattr(w, "value") and isinstance(w.value, str)
    )
    newest = with_class(page.list_box, "verloop-action-row")[0]
    edit = with_class(newest, "verloop-action-edit")[0]
    edit.click()
    assert page.cycle.value == "C-test" and page.save.description == t("save", "en")
    page.start.value = "weekly coaching"
    page.save.click()
    assert page.actions().iloc[0]["start_text"] == "weekly coaching"
    close = with_class(with_class(page.list_box, "verloop-action-row")[0], "verloop-action-close")[0]
    close.click()
    assert page.actions().iloc[0]["status"] == "closed"
    page.filterbar.set(lang="nl")
    page.cycle.value = ""
    page.stop.value = "x"
    page.save.click()
    assert "niet opgeslagen" in page.form_message.value
    assert len(page.actions()) == before + 1 and page.filters.team_id == team_id


def test_employee_page_shows_a_small_team_only_as_a_note(source):
    door = figures.door(source)
    wave = door.waves("pulse").query("results")["wave"].iloc[-1]
    scores = door.scale_scores(by="team", waves=[wave])
    small = scores[scores["reason"] == "min_group"]
    if not len(small):
        pytest.skip("no team with fewer than 5 responses in the latest wave of this organisation")
    team = small["team"].iloc[0]
    team_id = int(source.teams.loc[source.teams["team"] == team, "team_id"].iloc[0])
    page, root = build("employees", source)
    page.filterbar.set(team_id=team_id)
    note = page_text(root)
    assert "fewer than 5 responses" in note
    results = csv_downloads(root)["team-results.csv"]
    mine = results[results["group_kind"] == "team"]
    assert mine.loc[mine["scale"] != "response_rate", "score"].isna().all()


def test_model_pages_say_when_there_is_no_model(demo, tmp_path, monkeypatch):
    monkeypatch.setenv("VERLOOP_MODELS", str(tmp_path))  # an empty folder: nothing trained
    fresh = DashboardSource.open(demo)
    for key in ("drivers", "risk", "whatif"):
        page, root = build(key, fresh)
        assert with_class(root, "verloop-no-model"), key
        assert "verloop train" in page_text(root)


def test_drivers_show_effects_with_intervals_and_sentences(source):
    page, root = build("drivers", source)
    drivers = csv_downloads(root)["drivers.csv"]
    assert {"factor", "effect", "lower", "upper", "sentence_en", "sentence_nl"} <= set(drivers.columns)
    assert (drivers["lower"] <= drivers["effect"]).all() and (drivers["effect"] <= drivers["upper"]).all()
    sentences = page_text(with_class(root, "verloop-sentences")[0])
    assert "Teams scoring one point higher on" in sentences
    page.filterbar.set(lang="nl")
    assert "Teams die één punt hoger scoren op" in page_text(with_class(root, "verloop-sentences")[0])


def test_risk_ranks_shown_teams_and_names_hidden_ones(source):
    page, root = build("risk", source)
    both = csv_downloads(root)["risk.csv"]
    risk = both[both["horizon_months"] == 12]
    shown = risk[~risk["suppressed"].astype(bool)]
    assert len(shown) and (shown["lower"] <= shown["expected"]).all() and (shown["expected"] <= shown["upper"]).all()
    hidden = risk[risk["suppressed"].astype(bool)]
    assert hidden["expected"].isna().all() and hidden["n"].isna().all()
    door = figures.door(source)
    wave = door.waves("pulse").query("results")["wave"].iloc[-1]
    scores = door.scale_scores(by="team", waves=[wave])
    assert set(hidden["group"]) >= set(scores.loc[scores["suppressed"], "team"])  # the door's hidden teams stay hidden
    six = both[both["horizon_months"] == 6].set_index("group")["expected"]
    twelve = risk.set_index("group")["expected"]
    both = six.dropna().index
    assert np.allclose(
        twelve[both].to_numpy(dtype=float), 2 * six[both].to_numpy(dtype=float)
    )  # same rate, twice the time


def test_what_if_moves_expected_leavers_and_refuses_hidden_teams(source):
    page, root = build("whatif", source)
    first = page_text(page.result_box)
    page.sliders["mandate"].value = 1.0
    moved = csv_downloads(page.result_box)["whatif.csv"].iloc[0]
    assert moved["scenario"] < moved["baseline"] and moved["saved_eur"] > 0
    assert moved["saved_lower"] <= moved["saved_eur"] <= moved["saved_upper"]
    assert page_text(page.result_box) != first
    page.sliders["mandate"].value = 7.0  # out of range from a browser: clamped to the slider's maximum
    assert page.sliders["mandate"].value == 1.0
    # each team starts from the running mean of its published waves: a team the door hid in the
    # latest wave still has one; a team it never published has none and is refused
    assert "running mean of its published results" in page_text(with_class(page.result_box, "verloop-whatif-state")[0])
    from verloop.apps.dashboard import modelcards

    state = modelcards.running_state(source)
    door = figures.door(source)
    wave = door.waves("pulse").query("results")["wave"].iloc[-1]
    scores = door.scale_scores(by="team", waves=[wave])
    latest_hidden = state[state["team"].isin(scores.loc[scores["suppressed"], "team"]) & ~state["hidden"]]
    if len(latest_hidden):
        row = latest_hidden.iloc[0]
        page.filterbar.set(team_id=int(row["team_id"]))
        assert not with_class(page.result_box, "verloop-refused")
        assert f"over {row['waves']} waves" in page_text(with_class(page.result_box, "verloop-whatif-state")[0])
    never = state[state["hidden"]]
    if len(never):
        page.filterbar.set(team_id=int(never["team_id"].iloc[0]))
        assert with_class(page.result_box, "verloop-refused")
        assert "choose its site or everyone" in page_text(page.result_box)


def test_a_filter_change_sends_only_changed_pictures_and_no_download_data(source, monkeypatch):
    """A site change sends each picture that changed once (a binary buffer of the chart) and no
    download data at all: the CSV and PNG files are made when a link is clicked (issue 12: the
    data URIs were up to 1 MB per chart at 10,000 employees)."""
    import json

    import ipywidgets

    page, root = build("engagement", source)
    sent = []
    monkeypatch.setattr(ipywidgets.Widget, "_send", lambda self, msg, buffers=None: sent.append((self, msg, buffers)))
    charts = {id(w): bytes(w.value) for w in with_class(root, "verloop-chart")}
    page.filterbar.set(site_id=source.options.sites[0][0])
    assert not with_class(root, "verloop-refused") and "verloop-ready" in root._dom_classes
    text = json.dumps([msg for _, msg, _ in sent], default=str)
    assert "base64" not in text and "data:" not in text and len(text) < 60_000
    pictures = [(widget, bytes(buffer)) for widget, _, buffers in sent for buffer in buffers or ()]
    assert pictures and all(isinstance(widget, ipywidgets.Image) for widget, _ in pictures)
    assert len({id(widget) for widget, _ in pictures}) == len(pictures)  # each at most once
    assert all(png != charts.get(id(widget)) for widget, png in pictures)  # and only a changed one
    assert len(csv_downloads(root)["scales-by-group.csv"])  # the files are still offered


_WHATIF_KERNEL = """
import sys
from verloop.apps.dashboard.data import DashboardSource
from verloop.apps.dashboard.pages import page_class
from verloop.store import Store

page = page_class("whatif")(source=DashboardSource.open(Store.open(sys.argv[1], migrate=False)), lang="en")
page.build()
page.filterbar.set(site_id=page.source.options.sites[0][0])
page.sliders["mandate"].value = 1.0
assert page.sentence.value and not page.refused.value
print(" ".join(m for m in ("scipy", "sklearn", "statsmodels", "joblib") if m in sys.modules))
"""


def test_a_what_if_kernel_imports_no_scipy_or_scikit_learn(source, demo):
    """Once the refresh has filled the figure cache (here: the page built once), a what-if kernel
    reads the team model's numbers and the teams' starting points from it: building the page,
    choosing a site and moving a slider import neither SciPy, scikit-learn nor statsmodels, nor
    unpickle the estimator (the kernel's memory, issue 12)."""
    import subprocess
    import sys

    if not demo.url.startswith("sqlite"):  # the imports do not depend on the database: once is enough
        pytest.skip("checked on SQLite")
    build("whatif", DashboardSource.open(demo))  # a kernel of its own: writes what the refresh would
    done = subprocess.run(
        [sys.executable, "-c", _WHATIF_KERNEL, demo.url], capture_output=True, text=True, env=os.environ, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "", done.stderr[-3000:]


_DRIVERS_KERNEL = """
import sys
from verloop.apps.dashboard.data import DashboardSource
from verloop.apps.dashboard.pages import page_class

from verloop.store import Store

page = page_class("drivers")(source=DashboardSource.open(Store.open(sys.argv[1], migrate=False)), lang="en")
root = page.build()
page.filterbar.set(lang="nl")
assert "verloop-ready" in root._dom_classes and not page.message.value, page.message.value
print(" ".join(m for m in ("scipy", "sklearn", "statsmodels", "joblib", "verloop.models.triangulate") if m in sys.modules))
"""


def test_a_drivers_kernel_reads_the_report_without_the_estimators(source, demo):
    """The drivers page shows the model cards' report (``verloop.models.report``): its kernel
    imports neither the triangulation nor SciPy/scikit-learn (was ~1.4 s and ~70 MB per request,
    issue 12)."""
    import subprocess
    import sys

    if not demo.url.startswith("sqlite"):  # the imports do not depend on the database: once is enough
        pytest.skip("checked on SQLite")
    done = subprocess.run(
        [sys.executable, "-c", _DRIVERS_KERNEL, demo.url], capture_output=True, text=True, env=os.environ, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "", done.stderr[-3000:]


@pytest.mark.slow
def test_tabbed_app_shares_one_filter_bar_and_builds_tabs_when_opened(source):
    from verloop.apps.dashboard.app import DashboardApp

    app = DashboardApp(source=source, lang="en", start="engagement")
    root = app.build()
    assert app.active == "engagement" and app._built == {"engagement"}
    assert list(app.tabs.titles) == [t(f"page_{k}", "en") for k in PAGE_KEYS]
    site_id, site = source.options.sites[0]
    app.filterbar.set(site_id=site_id)
    engagement = csv_downloads(app.holders["engagement"])["scales-by-group.csv"]
    assert set(engagement["site"].dropna()) == {site}
    app.tabs.selected_index = PAGE_KEYS.index("turnover")  # built on first opening, with the shared filters
    assert "turnover" in app._built
    by_team = csv_downloads(app.holders["turnover"])["turnover-by-team.csv"]
    assert set(by_team["site"]) == {site}
    app.filterbar.set(lang="nl")
    assert app.tabs.titles[0] == t("page_turnover", "nl") and "engagement" in app._stale
    app.tabs.selected_index = PAGE_KEYS.index("drivers")  # a page without filters ignores them
    assert app.pages["drivers"].filters.site_id is None and not with_class(root, "verloop-failure")
    app.tabs.selected_index = PAGE_KEYS.index("employees")
    if app.filterbar.value.team_id is None:
        assert with_class(app.holders["employees"], "verloop-choose-team")


@pytest.mark.slow
def test_refresh_fills_the_shared_cache_for_the_next_kernel(demo, models_dir, tmp_path, monkeypatch):
    from verloop.apps.dashboard.cache import HOME, last_refresh, refresh
    from verloop.apps.index import HomePage

    monkeypatch.setenv("VERLOOP_DASHBOARD_CACHE", str(tmp_path / "figures"))
    monkeypatch.setenv("VERLOOP_MODELS", str(models_dir))
    result = refresh(demo, progress=False)  # as the watcher beside `verloop serve` runs it
    assert set(result["pages"]) == {*PAGE_KEYS, HOME} and not result["stale"]
    assert last_refresh(demo)["revision"] == result["revision"]
    fresh = DashboardSource.open(demo)  # what a newly started kernel sees
    for key in PAGE_KEYS:
        build(key, fresh)
    for lang in ("nl", "en"):  # the HR home: its facts and headline figures too
        HomePage(source=fresh, lang=lang).body(lang)
    assert fresh.figure_cache.hits["disk"] > 0
    # every door frame and every picture of the default views came from disk
    assert [key for key, persisted in fresh.figure_cache.computed if persisted] == []
    for key in ("turnover", "engagement", "watermelon", "exits"):
        page, _ = build(key, fresh)
        for months in (3, 24, 0):  # every period the filter bar offers was computed and drawn
            page.filterbar.set(months=months)
        page.filterbar.set(lang="en")  # and the other language
    assert [key for key, persisted in fresh.figure_cache.computed if persisted] == []
    team_id, _, site_id = fresh.options.teams[-1]  # not the team the refresh looked at
    for key in ("turnover", "engagement"):
        page, _ = build(key, fresh)
        page.filterbar.set(site_id=site_id, team_id=team_id)  # a reader's filter change
    # a slice, no door frame computed: only that team's pictures are drawn and its view's bundle
    # of sliced frames is kept ("page-data"; its parts would be listed here if computed)
    frames = [key for key, persisted in fresh.figure_cache.computed if persisted and key[0] not in ("png", "page-data")]
    assert frames == []
    assert [key[:3] for key, _ in fresh.figure_cache.computed if key[0] == "page-data"] == [
        ("page-data", "engagement", "all")
    ]
    assert fresh.door is None or not fresh.door._cache.get(("survey", "pulse"))  # no answers loaded


def test_team_parts_hold_exactly_the_rows_of_the_whole_team_frame(source):
    """A team's page reads a part of the team-level frames (per wave, or its teams over every
    wave): the same rows the whole frame gives, sliced."""
    from verloop.apps.dashboard import figures

    waves = tuple(figures.all_pulse_waves(source).query("results")["wave"])
    team_id = int(source.teams["team_id"].iloc[-1])
    for what in ("scores", "enps", "rr"):
        whole = figures._all_waves(source, what, "team")
        for picks, chosen in (((("team_id", team_id),), waves), ((), waves[-1:])):
            part = figures._rows(source, what, "team", chosen, picks)
            expected = figures._slice(source, whole, chosen, picks)
            assert len(part) and len(part) < len(whole)
            pd.testing.assert_frame_equal(part, expected)
