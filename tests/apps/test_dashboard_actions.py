"""Team stop/start agreements: add, edit, close, refused input — on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from verloop.apps.dashboard import team_actions
from verloop.apps.dashboard.pages.actions import before_after
from verloop.errors import InputError
from verloop.store.schema import Site, Team


@pytest.fixture
def team_id(store) -> int:
    with store.session() as s:
        site = Site(name="Utrecht")
        s.add(site)
        s.flush()
        team = Team(name="Utrecht 01", site_id=site.id)
        s.add(team)
        s.flush()
        return int(team.id)


def test_add_edit_close_round_trip(store, team_id):
    first = team_actions.add_action(
        store, team_id, " 2026-C1 ", "AHT target on the dashboard", None, created_on=dt.date(2026, 1, 5)
    )
    second = team_actions.add_action(
        store, team_id, "2026-C2", None, "A weekly team moment", created_on=dt.date(2026, 2, 16)
    )
    frame = team_actions.list_actions(store, team_id)
    assert list(frame["id"]) == [second, first]  # newest first
    assert frame.iloc[1]["cycle"] == "2026-C1" and frame.iloc[1]["status"] == "open"
    team_actions.edit_action(store, first, start_text="Recovery time after tough calls")
    team_actions.close_action(store, first, closed_on=dt.date(2026, 2, 14))
    team_actions.close_action(store, first, closed_on=dt.date(2026, 3, 1))  # closing twice keeps the date
    row = team_actions.list_actions(store, team_id).set_index("id").loc[first]
    assert row["start_text"] == "Recovery time after tough calls" and row["stop_text"] == "AHT target on the dashboard"
    assert row["status"] == "closed" and row["closed_on"] == dt.date(2026, 2, 14)


@pytest.mark.parametrize(
    "cycle, stop, start, problem",
    [
        ("", "x", None, "give the cycle a name"),
        ("C1", None, "   ", "write what the team stops or starts"),
        ("C1", "x" * 501, None, "more than the 500 allowed"),
        ("C1", "bad\x00text", None, "NUL"),
        ("C1", 42, None, "must be text"),
    ],
)
def test_bad_agreements_are_refused_and_nothing_is_stored(store, team_id, cycle, stop, start, problem):
    with pytest.raises(InputError) as caught:
        team_actions.add_action(store, team_id, cycle, stop, start)
    assert problem in str(caught.value)
    assert team_actions.list_actions(store, team_id).empty


def test_unknown_team_or_agreement_is_refused(store, team_id):
    with pytest.raises(InputError, match="team 999 does not exist"):
        team_actions.add_action(store, 999, "C1", "x", None)
    with pytest.raises(InputError, match="agreement 12345 does not exist"):
        team_actions.close_action(store, 12345)
    action = team_actions.add_action(store, team_id, "C1", "x", None)
    with pytest.raises(InputError, match="needs a stop or a start"):
        team_actions.edit_action(store, action, stop_text="")
    assert team_actions.list_actions(store, team_id).iloc[0]["stop_text"] == "x"


def test_before_and_after_waves_of_a_cycle():
    import pandas as pd

    trend = pd.DataFrame(
        {
            "wave": ["w1", "w1", "w2", "w2", "w3", "w3"],
            "date": [dt.date(2026, 1, 1)] * 2 + [dt.date(2026, 2, 12)] * 2 + [dt.date(2026, 3, 26)] * 2,
            "scale": ["mandate", "workload"] * 3,
            "score": [3.0, 3.5, 3.1, 3.4, 3.6, 3.0],
            "n": [8] * 6,
            "note": [None] * 6,
            "suppressed": [False] * 6,
        }
    )
    frame = before_after(trend, dt.date(2026, 1, 10), None)  # cycle ends 21 Feb: after = w3
    assert list(frame["when"]) == ["before", "before", "after", "after"]
    assert list(frame["wave"]) == ["w1", "w1", "w3", "w3"]
    closed_early = before_after(trend, dt.date(2026, 1, 10), dt.date(2026, 2, 1))
    assert list(closed_early["wave"].unique()) == ["w1", "w2"]
    assert before_after(trend, dt.date(2025, 12, 1), None).empty  # no wave before
