"""Scopes in the door: each role sees exactly its groups, asks for no other, and learns no more.

Attacks per role (as a signed-in account would try them): pass another team's or site's id or
name to the door, ask by site as a lead, export another team, read comments as a researcher,
and solve a hidden group from the figures the role may see (team vs. organisation / site).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tests.privacy.attacker import solvable_teams, structure
from tests.privacy.builders import org
from verloop.errors import ConfigError, InputError, PrivacyError
from verloop.privacy import Door, check_published, training_rows
from verloop.privacy.export import export, published_frame
from verloop.privacy.scope import (
    COMMENTS,
    EXPORTS,
    FIGURES,
    MODEL_CARDS,
    Scope,
    ScopeError,
)

TODAY = dt.date(2026, 1, 1)
W1, W2 = dt.date(2025, 3, 3), dt.date(2025, 4, 14)


def small_org(store):
    o = org(store)
    o.team("A1", "Amsterdam", 12).team("A2", "Amsterdam", 10).team("A3", "Amsterdam", 3)
    o.team("R1", "Rotterdam", 12).team("R2", "Rotterdam", 12)
    o.wave("W1", W1).wave("W2", W2)
    for wave in ("W1", "W2"):
        o.answer(
            wave, "A1", [4.0, 3.0, 5.0, 4.0, 4.0, 3.0, 4.0, 4.0, 5.0], comments=[f"a1 {wave} {i}" for i in range(9)]
        )
        o.answer(wave, "A2", [2.0, 3.0, 2.0, 3.0, 2.0, 3.0, 2.0])
        o.answer(wave, "A3", [1.0, 1.0, 2.0])
        o.answer(wave, "R1", [4.0] * 10, comments=[f"r1 {wave} {i}" for i in range(10)])
        o.answer(wave, "R2", [3.0, 4.0] * 5)
    return o


def groups(frame: pd.DataFrame) -> set[tuple[str, str]]:
    return {(r.level, r.group) for r in frame.itertuples()}


def roles(o) -> dict[str, Scope]:
    return {
        "hr": Scope.everything(),
        "research": Scope.research(),
        "site": Scope.site(o.site_ids["Amsterdam"]),
        "lead": Scope.lead([o.team_ids["A1"]]),
        "lead2": Scope.lead([o.team_ids["A2"], o.team_ids["R1"]]),
    }


EXPECTED = {
    "hr": {
        ("organisation", "organisation"),
        ("site", "Amsterdam"),
        ("site", "Rotterdam"),
        ("team", "A1"),
        ("team", "A2"),
        ("team", "A3"),
        ("team", "R1"),
        ("team", "R2"),
    },
    "research": None,  # = hr
    "site": {("organisation", "organisation"), ("site", "Amsterdam"), ("team", "A1"), ("team", "A2"), ("team", "A3")},
    "lead": {("organisation", "organisation"), ("team", "A1")},
    "lead2": {("organisation", "organisation"), ("team", "A2"), ("team", "R1")},
}


def visible(door: Door, call: str, **kwargs) -> pd.DataFrame:
    parts = [getattr(door, call)(by=by, **kwargs) for by in ("organisation", "site", "team")]
    return pd.concat([p for p in parts if len(p)], ignore_index=True)


@pytest.mark.parametrize("call", ["scale_scores", "enps_by", "response_rates", "score_distribution", "turnover"])
def test_every_role_sees_exactly_its_groups(store, call):
    o = small_org(store)
    for role, scope in roles(o).items():
        door = Door(store, today=TODAY, scope=scope)
        kwargs = {"scales": ["engagement"]} if call in ("scale_scores", "score_distribution") else {}
        frame = visible(door, call, **kwargs)
        check_published(frame)
        assert groups(frame) == (EXPECTED[role] or EXPECTED["hr"]), (role, call)


def test_scoped_rows_are_the_hr_rows_with_the_same_hidden_cells(store):
    """A scope only removes rows: every role meets the same figures and the same hidden cells
    (no plan per role, which could show one role what another sees hidden)."""
    o = small_org(store)
    everything = Door(store, today=TODAY).scale_scores(by="team", scales=["engagement"])
    keys = ["wave", "team", "scale"]
    for scope in roles(o).values():
        mine = Door(store, today=TODAY, scope=scope).scale_scores(by="team", scales=["engagement"])
        merged = mine.merge(everything, on=keys, suffixes=("", "_hr"))
        assert len(merged) == len(mine) > 0
        assert (merged["suppressed"] == merged["suppressed_hr"]).all()
        shown = ~merged["suppressed"]
        assert (merged.loc[shown, "score"] == merged.loc[shown, "score_hr"]).all()
    a3 = everything[everything["team"] == "A3"]
    assert a3["suppressed"].all()


@pytest.mark.parametrize("role", ["lead", "lead2", "site"])
def test_another_team_or_site_passed_to_the_door_is_refused(store, role):
    o = small_org(store)
    door = Door(store, today=TODAY, scope=roles(o)[role])
    outside_team = "R2"
    for filters in (
        {"team": outside_team},
        {"team_id": o.team_ids[outside_team]},
        {"team_id": int(o.team_ids[outside_team])},
    ):
        with pytest.raises(ScopeError, match="outside what this account"):
            door.scale_scores(by="team", filters=filters)
        with pytest.raises(ScopeError):
            door.turnover(by="team", filters=filters)
        with pytest.raises(ScopeError):
            door.response_rates(by="team", filters=filters)
    with pytest.raises(ScopeError):
        door.scale_scores(by="site", filters={"site": "Rotterdam"})
    # A refusal is a PrivacyError (the dashboards show it as one sentence).
    assert issubclass(ScopeError, PrivacyError)


def test_a_lead_cannot_ask_for_their_own_site(store):
    o = small_org(store)
    door = Door(store, today=TODAY, scope=Scope.lead([o.team_ids["A1"]]), lang="nl")
    with pytest.raises(ScopeError, match="vestiging 'Amsterdam' valt buiten"):
        door.scale_scores(by="site", filters={"site_id": o.site_ids["Amsterdam"]})
    assert door.scale_scores(by="site").empty  # by site without a choice: nothing to show
    mine = door.scale_scores(by="team", filters={"team": "A1"}, scales=["engagement"])
    assert set(mine["team"]) == {"A1"}


def test_unknown_ids_stay_input_errors(store):
    o = small_org(store)
    door = Door(store, today=TODAY, scope=Scope.lead([o.team_ids["A1"]]))
    with pytest.raises(InputError, match="no team with id 99999"):
        door.scale_scores(filters={"team_id": 99999})


def test_a_lead_cannot_solve_a_hidden_team_from_the_figures_they_see(store):
    """Lead of A2 (beside the 3-person A3) sees A2 and the organisation; the site manager of
    Amsterdam sees A1, A2, the site and the organisation. Neither can solve A3 (or any hidden team)."""
    o = small_org(store)
    team_site = structure(store)
    hidden_everywhere = set()
    everything = Door(store, today=TODAY)
    for wave in ("W1", "W2"):
        frame = pd.concat(
            [
                everything.scale_scores(by=b, waves=[wave], scales=["engagement"])
                for b in ("organisation", "site", "team")
            ]
        )
        hidden_everywhere |= set(frame[(frame["level"] == "team") & frame["suppressed"]]["team"])
    assert "A3" in hidden_everywhere
    for scope in (
        Scope.lead([o.team_ids["A2"]]),
        Scope.site(o.site_ids["Amsterdam"]),
        Scope.lead([o.team_ids["A1"], o.team_ids["A2"]]),
    ):
        door = Door(store, today=TODAY, scope=scope)
        for wave in ("W1", "W2"):
            frames = [
                door.scale_scores(by=b, waves=[wave], scales=["engagement"]) for b in ("organisation", "site", "team")
            ]
            solved = solvable_teams(team_site, [f for f in frames if len(f)])
            assert not (set(solved) & hidden_everywhere), (scope, wave, solved)


def test_comments_follow_the_scope_and_research_gets_none(store):
    o = small_org(store)
    lead = Door(store, today=TODAY, scope=Scope.lead([o.team_ids["R1"]]))
    texts = lead.comments(by="team", waves="all")
    assert set(texts["team"]) == {"R1"} and texts["text"].str.startswith("r1").all()
    with pytest.raises(ScopeError):
        lead.comments(by="team", filters={"team": "A1"})
    research = Door(store, today=TODAY, scope=Scope.research())
    with pytest.raises(ScopeError, match="researcher cannot open comments"):
        research.comments()
    assert not Scope.research().allows(COMMENTS) and Scope.research().allows(MODEL_CARDS)
    assert Scope.lead([1]).allows(FIGURES) and not Scope.lead([1]).allows(MODEL_CARDS)


def test_exports_obey_the_scope(store, tmp_path):
    o = small_org(store)
    lead = Scope.lead([o.team_ids["A1"]])
    path, frame = export(store, "scores", tmp_path / "lead.csv", by="team", scope=lead)
    assert set(frame["team"]) == {"A1"}
    text = path.read_text(encoding="utf-8-sig")
    assert "A1" in text and "R1" not in text and "A2" not in text
    _, site = export(store, "turnover", tmp_path / "site.xlsx", by="site", scope=Scope.site(o.site_ids["Rotterdam"]))
    assert set(site["site"]) == {"Rotterdam"}
    with pytest.raises(ScopeError):
        export(store, "comments", tmp_path / "c.csv", scope=Scope.research())
    assert not (tmp_path / "c.csv").exists()
    assert Scope.research().allows(EXPORTS)
    door = Door(store, today=TODAY, scope=Scope.research())
    assert len(published_frame(door, "scores", "team")) == len(
        published_frame(Door(store, today=TODAY), "scores", "team")
    )


def test_kpis_model_outputs_and_outside_frames_are_scoped(store):
    o = small_org(store)
    scope = Scope.lead([o.team_ids["R1"]])
    door = Door(store, today=TODAY, scope=scope)
    kpis = door.kpi_vs_people(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    assert set(kpis["team"]) == {"R1"}
    employees = training_rows(Door(store, today=TODAY))
    values = pd.DataFrame({"employee_id": employees["id"], "risk": 0.1})
    risk = door.group_values(values, by="team")
    assert set(risk["team"]) == {"R1"}
    outside = pd.DataFrame(
        {
            "level": ["team", "team", "site", "organisation"],
            "site": ["Rotterdam", "Amsterdam", "Rotterdam", None],
            "team": ["R1", "A1", None, None],
            "x": [1, 2, 3, 4],
        }
    )
    assert door.scoped(outside)["x"].tolist() == [1, 4]
    assert door.scoped(pd.DataFrame({"team": ["R1", "A1"]}))["team"].tolist() == ["R1"]
    with pytest.raises(ConfigError):
        door.scoped(pd.DataFrame({"x": [1]}))
    everything = Door(store, today=TODAY)
    assert everything.scoped(outside).equals(outside)


def test_scope_values_are_checked():
    with pytest.raises(ConfigError, match="unknown role"):
        Scope("boss")
    with pytest.raises(ConfigError, match="exactly one site"):
        Scope("site", site_ids=frozenset({1, 2}))
    with pytest.raises(ConfigError, match="one or more teams"):
        Scope("lead")
    with pytest.raises(ConfigError, match="whole organisation"):
        Scope("hr", team_ids=frozenset({1}))
    with pytest.raises(ConfigError, match="whole number"):
        Scope.lead(["x"])
    with pytest.raises(ConfigError, match="unknown capability"):
        Scope.everything().allows("everything")
    assert Scope.lead(["3"]).team_ids == frozenset({3})
    with pytest.raises(InputError):
        Door(None, scope="hr")
    Scope.everything().require(COMMENTS)  # allowed: no error


def test_scope_view_lists_ids(store):
    o = small_org(store)
    door = Door(store, today=TODAY, scope=Scope.site(o.site_ids["Amsterdam"]))
    view = door.scope_view()
    assert view.team_ids(door.structure()) == sorted(o.team_ids[t] for t in ("A1", "A2", "A3"))
    assert view.site_ids(door.structure()) == [o.site_ids["Amsterdam"]]
    lead = Door(store, today=TODAY, scope=Scope.lead([o.team_ids["R2"]])).scope_view()
    assert lead.site_ids(door.structure()) == []
    hr = Door(store, today=TODAY).scope_view()
    assert len(hr.team_ids(door.structure())) == 5 and len(hr.site_ids(door.structure())) == 2


def test_watermelon_rows_follow_the_scope(store):
    o = small_org(store)
    frame = Door(store, today=TODAY, scope=Scope.lead([o.team_ids["R2"]])).watermelon(
        start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)
    )
    assert set(frame.loc[frame["level"] == "team", "team"]) <= {"R2"}
    everything = Door(store, today=TODAY).watermelon(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    assert set(everything["team"]) >= {"A1", "R1", "R2"}
