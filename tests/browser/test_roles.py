"""Roles in a real HR server and headless Debian Chromium (issue 13).

One synthetic organisation with three accounts — HR (the bootstrap HR token), a site manager and
a team lead — and one HR-side Voilà server with Verloop's sign-in, the account header and a
preheated engagement page (the kernel waits for the request to learn who is looking). Each
account signs in with its one-time link and sees exactly its scope in the filter bar, the
figures and the CSV download; the lead cannot reach another team by editing the dropdown in
the page or the URL; the link works once; a disabled account is signed out at its next
request; and the access log holds each sign-in and page.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from verloop.accounts import add_account, disable_account, entries, sign_in_url
from verloop.privacy.scope import Scope

pytestmark = pytest.mark.browser

HR_TOKEN = "the-hr-token-of-the-roles-test"
READY = ".verloop-page.verloop-ready"
ENGAGEMENT = "/voila/render/dashboard_engagement.ipynb?lang=en"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from verloop.apps.dashboard.data import DashboardSource
    from verloop.privacy import Door
    from verloop.store import Store
    from verloop.synth import SynthConfig, generate, write

    folder = tmp_path_factory.mktemp("roles")
    url = f"sqlite:///{folder / 'demo.db'}"
    store = Store.open(url)
    write(store, generate(SynthConfig(employees=200, months=12, seed=3, sites=2)))
    teams = DashboardSource.open(store).teams
    door = Door(store, lang="en")
    wave = door.waves("pulse").query("results")["wave"].iloc[-1]
    scores = door.scale_scores(by="team", waves=[wave])
    shown = scores[~scores["suppressed"]]["team"].unique()
    lead_team = teams[teams["team"].isin(shown)].iloc[0]
    site_id = int(teams.loc[teams["site_id"] != lead_team["site_id"], "site_id"].iloc[0])
    site_name = teams.loc[teams["site_id"] == site_id, "site"].iloc[0]
    lead, lead_secret = add_account(store, "Lena Lead", "lead", teams=[lead_team["team"]])
    site, site_secret = add_account(store, "Sam Site", "site", site=site_name)
    yield {
        "url": url,
        "store": store,
        "teams": teams,
        "folder": folder,
        "lead": {"secret": lead_secret, "teams": {lead_team["team"]}, "sites": set()},
        "site": {
            "secret": site_secret,
            "teams": set(teams.loc[teams["site_id"] == site_id, "team"]),
            "sites": {site_name},
        },
        "hr": {"secret": HR_TOKEN, "teams": set(teams["team"]), "sites": set(teams["site"])},
    }
    store.dispose()


@pytest.fixture(scope="module")
def base_url(voila_server, demo):
    return voila_server(
        demo["url"],
        token=HR_TOKEN,
        env={"VERLOOP_REQUIRE_ACCOUNT": "1", "VERLOOP_DASHBOARD_CACHE": str(demo["folder"] / "figures")},
        pages=["index.ipynb", "dashboard_engagement.ipynb"],
        home="index.ipynb",
        pools={"dashboard_engagement.ipynb": 1},
    )


def sign_in(page, wait_voila, base_url, secret) -> None:
    """Open the one-time link: it signs in and lands on the HR home."""
    wait_voila(page, sign_in_url(secret, base_url))
    assert "/login" not in page.url, "the link did not sign in"


def engagement(page, wait_voila, base_url, query: str = ""):
    wait_voila(page, f"{base_url}{ENGAGEMENT}{query}", selector=READY)
    assert page.locator(".verloop-failure").count() == 0


def options(page, css: str) -> list[str]:
    # ipywidgets writes the spaces of a label as no-break spaces
    return [o.replace("\xa0", " ").strip() for o in page.locator(f"{css} select option").all_inner_texts()]


def scores_csv(page) -> pd.DataFrame:
    with page.expect_download() as info:
        page.locator(".verloop-section-scales-by-group .verloop-download-csv").first.click()
    text = Path(info.value.path()).read_text(encoding="utf-8-sig")
    return pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""])


def assert_scope(frame: pd.DataFrame, expected: dict) -> set[str]:
    """The groups of a published frame lie in the scope; returns them (teams and sites)."""
    levels = frame["level"].astype(str)
    teams = set(frame.loc[levels == "team", "team"].dropna().astype(str))
    sites = set(frame.loc[levels == "site", "site"].dropna().astype(str))
    assert teams <= expected["teams"], teams - expected["teams"]
    assert sites <= expected["sites"], sites - expected["sites"]
    return teams | sites


@pytest.mark.parametrize("role", ["hr", "site", "lead"])
def test_each_role_sees_exactly_its_scope(page, wait_voila, base_url, demo, role):
    expected = demo[role]
    sign_in(page, wait_voila, base_url, expected["secret"])
    engagement(page, wait_voila, base_url)
    teams = [t for t in options(page, ".verloop-filter-team") if t in set(demo["teams"]["team"])]
    assert set(teams) == expected["teams"]
    sites = [s for s in options(page, ".verloop-filter-site") if s in set(demo["teams"]["site"])]
    assert set(sites) == expected["sites"]
    groups = assert_scope(scores_csv(page), expected)
    # without a choice: HR sees every site, the site manager their site, the lead their team
    assert groups == (expected["teams"] if role == "lead" else expected["sites"])


def test_a_lead_cannot_reach_another_team_by_widget_or_url(page, wait_voila, base_url, demo):
    others = demo["teams"][~demo["teams"]["team"].isin(demo["lead"]["teams"])]
    other = others.iloc[-1]
    _, secret = __import__("verloop.accounts", fromlist=["reset_account"]).reset_account(demo["store"], "Lena Lead")
    sign_in(page, wait_voila, base_url, secret)
    # the URL: team and site ids in the query string are not choices the page takes
    engagement(
        page,
        wait_voila,
        base_url,
        f"&team_id={int(other['team_id'])}&site_id={int(other['site_id'])}&team={other['team']}",
    )
    assert assert_scope(scores_csv(page), demo["lead"]) == demo["lead"]["teams"]
    # the widget: an option forged into the dropdown is refused by the kernel (not offered)
    page.evaluate(
        """(name) => { const select = document.querySelector('.verloop-filter-team select');
        const option = document.createElement('option'); option.textContent = name; option.value = '99';
        select.appendChild(option); select.value = '99'; select.selectedIndex = select.options.length - 1;
        select.dispatchEvent(new Event('change', {bubbles: true})); }""",
        str(other["team"]),
    )
    page.wait_for_timeout(3000)  # a refused change has nothing to wait for; give the kernel time
    assert page.locator(".verloop-failure").count() == 0
    assert assert_scope(scores_csv(page), demo["lead"]) == demo["lead"]["teams"]
    body = page.locator(".verloop-body").inner_text()
    assert str(other["team"]) not in body or any(str(other["team"]) in t for t in demo["lead"]["teams"])


def test_a_link_works_once_and_a_disabled_account_is_signed_out(page, wait_voila, base_url, demo, browser):
    from verloop.accounts import reset_account

    _, secret = reset_account(demo["store"], "Sam Site")
    sign_in(page, wait_voila, base_url, secret)
    other = browser.new_context()
    try:
        again = other.new_page()
        again.goto(sign_in_url(secret, base_url), wait_until="commit")
        again.wait_for_selector("input[name=secret]", timeout=60_000)  # used: the sign-in page
    finally:
        other.close()
    disable_account(demo["store"], "Sam Site")
    page.goto(f"{base_url}{ENGAGEMENT}", wait_until="commit")
    page.wait_for_selector("input[name=secret]", timeout=60_000)
    disable_account(demo["store"], "Sam Site", disabled=False)


def test_the_access_log_records_each_account(demo, base_url):
    log = entries(demo["store"], Scope.everything())
    for account in ("hr", "Sam Site", "Lena Lead"):
        mine = log[log["account"] == account]
        assert "sign_in" in set(mine["action"]), account
        assert "engagement" in set(mine.loc[mine["action"] == "page", "target"]), account
    assert "sign_in_failed" in set(log["action"])
    assert not log["target"].str.contains(HR_TOKEN).any()
