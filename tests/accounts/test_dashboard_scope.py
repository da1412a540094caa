"""The dashboards under a scope (no browser): every page builds for a lead and a site manager,
the filter bar offers only their groups, every CSV download holds only their groups, the pages
log who opened them, and a forged widget value reaches the door as a refusal, never a figure."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from verloop.accounts import add_account, entries
from verloop.apps.dashboard import PAGE_KEYS
from verloop.apps.dashboard.data import DashboardSource
from verloop.apps.dashboard.filters import ALL
from verloop.apps.dashboard.pages import page_class
from verloop.privacy.scope import Scope, ScopeError


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from verloop.store import Store
    from verloop.synth import SynthConfig, generate, write

    folder = tmp_path_factory.mktemp("scoped")
    store = Store.open(f"sqlite:///{folder / 'demo.db'}")
    write(store, generate(SynthConfig(employees=200, months=12, seed=3, sites=2)))
    yield store
    store.dispose()


@pytest.fixture(scope="module", autouse=True)
def private_cache(tmp_path_factory):
    import os

    previous = os.environ.get("VERLOOP_DASHBOARD_CACHE")
    os.environ["VERLOOP_DASHBOARD_CACHE"] = str(tmp_path_factory.mktemp("figures"))
    yield
    if previous is None:
        os.environ.pop("VERLOOP_DASHBOARD_CACHE", None)
    else:
        os.environ["VERLOOP_DASHBOARD_CACHE"] = previous


def walk(widget):
    yield widget
    for child in getattr(widget, "children", ()) or ():
        yield from walk(child)


def downloads(root) -> dict[str, pd.DataFrame]:
    """Every CSV the page offers (``DownloadLinks``), as a click in the browser would receive it."""
    out = {}
    for widget in walk(root):
        if "verloop-downloads" in getattr(widget, "_dom_classes", ()):
            for kind, name, _label in widget.links:
                if kind == "csv":
                    text = widget.payload("csv").decode("utf-8-sig")
                    out[name] = pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""])
    return out


def teams_of(demo) -> pd.DataFrame:
    return DashboardSource.open(demo).teams


def assert_within(frame: pd.DataFrame, teams: set[str], sites: set[str], name: str) -> None:
    if "level" in frame.columns:
        levels = frame["level"].astype(str)
        if "team" in frame.columns:
            assert set(frame.loc[levels == "team", "team"].astype(str)) <= teams, name
        if "site" in frame.columns:
            assert set(frame.loc[levels == "site", "site"].astype(str)) <= sites, name
    elif "team" in frame.columns:
        assert set(frame["team"].dropna().astype(str)) <= teams, name


@pytest.mark.parametrize("role", ["lead", "site"])
def test_every_page_shows_only_the_scope(demo, role):
    structure = teams_of(demo)
    first_site = int(structure["site_id"].iloc[0])
    if role == "lead":
        mine = structure.iloc[:1]
        scope = Scope.lead(mine["team_id"].tolist())
        sites: set[str] = set()
    else:
        mine = structure[structure["site_id"] == first_site]
        scope = Scope.site(first_site)
        sites = set(mine["site"])
    teams = set(mine["team"])
    source = DashboardSource.open(demo, scope=scope)
    assert {t for _, t, _ in source.options.teams} == teams
    assert {s for _, s in source.options.sites} == sites
    for key in PAGE_KEYS:
        page = page_class(key)(source=source, lang="en")
        root = page.build()
        assert "verloop-ready" in root._dom_classes, key
        for name, frame in downloads(root).items():
            assert_within(frame, teams, sites, f"{key}: {name}")
        team_options = [v for _, v in page.filterbar.team.options if v != ALL]
        assert set(team_options) <= set(mine["team_id"]), key


def test_a_forged_team_reaches_the_door_as_a_refusal(demo):
    structure = teams_of(demo)
    mine, other = structure.iloc[0], structure.iloc[-1]
    source = DashboardSource.open(demo, scope=Scope.lead([int(mine["team_id"])]))
    page = page_class("engagement")(source=source, lang="en")
    page.build()
    with pytest.raises(Exception):  # the widget refuses a value it did not offer
        page.filterbar.team.value = int(other["team_id"])
    from verloop.apps.dashboard import figures

    with pytest.raises(ScopeError):
        figures.door(source).scale_scores(by="team", filters={"team_id": int(other["team_id"])})


def test_pages_are_logged_for_signed_in_accounts(demo):
    structure = teams_of(demo)
    info, _ = add_account(demo, "Lena", "lead", teams=[structure["team"].iloc[0]])
    source = DashboardSource.open(demo, scope=info.scope)
    source.account = info.name
    page_class("turnover")(source=source, lang="en").build()
    from verloop.apps.dashboard.app import DashboardApp

    app = DashboardApp(source=source, lang="en", pages=("engagement", "turnover"))
    app.build()
    log = entries(demo, Scope.everything(), account="Lena")
    assert log["action"].eq("page").all() and {"turnover", "engagement"} <= set(log["target"])
    assert (log["role"] == "lead").all()


def test_a_researcher_sees_every_group_but_no_comment(demo):
    source = DashboardSource.open(demo, scope=Scope.research())
    page = page_class("exits")(source=source, lang="en")
    root = page.build()
    text = " ".join(w.value for w in walk(root) if isinstance(getattr(w, "value", None), str))
    assert "researcher cannot open comments" in text
    from verloop.apps.dashboard import figures

    comments = figures.exit_comments(source, "nl")
    assert comments["text"].isna().all() and comments["note"].str.contains("onderzoeker").all()
    assert len(source.options.teams) == len(teams_of(demo))
