"""The suppression rules on their own (no database): tree, waves, families, linear algebra."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from verloop.privacy.audit import determined, row_basis, small_differences
from verloop.privacy.families import FAMILIES, FamilyAuditor, family_of, normalise_dims
from verloop.privacy.suppress import (
    ORG_NODE,
    Hierarchy,
    NodeStats,
    WaveCounts,
    check_level,
    drift,
    node_stats,
    plan_wave,
    plan_waves,
)

H = Hierarchy({"a1": "A", "a2": "A", "a3": "A", "b1": "B", "b2": "B"})


def members(team: str, n: int, start: int = 0) -> frozenset:
    return frozenset(f"{team}-{i}" for i in range(start, start + n))


def test_hierarchy_walks_organisation_sites_teams():
    assert H.nodes("site") == [("site", "A"), ("site", "B")]
    assert H.children(ORG_NODE) == [("site", "A"), ("site", "B")]
    assert H.parent(("team", "a2")) == ("site", "A") and H.parent(("site", "B")) == ORG_NODE
    assert H.teams_under(("site", "A")) == ["a1", "a2", "a3"] and H.parent(ORG_NODE) is None
    assert check_level("org") == "organisation"
    with pytest.raises(Exception):
        check_level("floor")


def test_one_small_team_hides_the_next_smallest_sibling():
    plan = plan_wave(H, WaveCounts("w", {"a1": 12, "a2": 8, "a3": 3, "b1": 10, "b2": 9}), k=5)
    assert plan[("team", "a3")].reason == "min_group"
    assert plan[("team", "a2")].reason == "complement" and plan[("team", "a1")].shown
    assert plan[("site", "A")].shown and plan[ORG_NODE].shown


def test_two_small_teams_that_add_up_to_less_than_k_take_a_third_along():
    plan = plan_wave(H, WaveCounts("w", {"a1": 12, "a2": 2, "a3": 2, "b1": 10, "b2": 9}), k=5)
    hidden = {name for (level, name), d in plan.items() if level == "team" and d.hidden}
    assert hidden == {"a1", "a2", "a3"} and plan[("site", "A")].shown  # 2 + 2 < 5: a1 joins them


def test_a_small_site_is_hidden_with_another_site():
    plan = plan_wave(H, WaveCounts("w", {"a1": 2, "a2": 1, "a3": 0, "b1": 10, "b2": 9}), k=5)
    assert plan[("site", "A")].reason == "min_group"
    assert plan[("site", "B")].hidden, "organisation minus site B would give site A"
    # and site B, hidden, must not be the sum of shown teams: one of its teams is hidden too
    assert plan[("team", "b1")].hidden or plan[("team", "b2")].hidden
    assert plan[("team", "a3")].reason == "no_responses" and plan[("team", "a3")].n == 0


def test_full_response_everywhere_leaves_no_team_to_hide_behind():
    counts = {"a1": 12, "a2": 8, "a3": 3, "b1": 10, "b2": 9}
    plan = plan_wave(H, WaveCounts("w", counts, invited=counts), k=5)
    # every team answered completely: a hidden sum of teams could be matched across waves,
    # so the site holding the small team is hidden rather than shown minus its teams
    assert plan[("team", "a3")].hidden and plan[("site", "A")].hidden
    # one team with a non-respondent elsewhere is what the organisation figure hides behind
    partial = plan_wave(H, WaveCounts("w", counts, invited={**counts, "b2": 12}), k=5)
    assert partial[ORG_NODE].shown and partial[("team", "b2")].hidden and partial[("site", "A")].hidden


def test_drift_counts_joiners_leavers_and_non_respondents():
    before = NodeStats(10, 10, 0, members("t", 10))
    after = NodeStats(11, 11, 0, members("t", 11))
    d = drift(before, after)
    assert (d.changed, d.drift, d.exact) == (1, 1, True)
    assert drift(NodeStats(8, 10, 2, None), NodeStats(9, 11, 2, None)).exact is False
    assert drift(NodeStats(8, None, None, None), after) is None
    assert drift(NodeStats(5, 10, 5, members("t", 10)), after, cap=5).drift == 5


def test_a_joiner_in_a_fully_answering_team_hides_the_next_wave():
    teams = {"a1": 10, "a2": 12, "a3": 12, "b1": 12, "b2": 12}
    first = WaveCounts(
        "w1",
        teams,
        invited={**teams, "a2": 15, "a3": 15, "b1": 15, "b2": 15},
        members={t: members(t, 15 if t != "a1" else 10) for t in teams},
    )
    second_members = {**first.members, "a1": members("a1", 11)}
    second = WaveCounts("w2", {**teams, "a1": 11}, invited={**first.invited, "a1": 11}, members=second_members)
    plans = plan_waves(H, [first, second], k=5)
    assert plans[0][("team", "a1")].shown and plans[1][("team", "a1")].reason == "trend"
    # without the trend guard the same counts would show it
    assert plan_wave(H, second, k=5)[("team", "a1")].shown


def test_the_same_people_all_answering_again_is_known_not_hidden():
    teams = {"a1": 10, "a2": 12, "a3": 12, "b1": 12, "b2": 12}
    wave = WaveCounts("w", teams, invited=teams, members={t: members(t, n) for t, n in teams.items()})
    plans = plan_waves(H, [wave, WaveCounts("w2", teams, wave.invited, wave.members)], k=5)
    assert all(d.shown and d.known for d in plans[1].values())


def test_node_stats_add_up_teams_and_handle_unknown_invitations():
    stats = node_stats(H, WaveCounts("w", {"a1": 4, "b1": 2}, invited={"a1": 6}))
    assert stats[ORG_NODE].n == 6 and stats[("team", "a1")].nonresp == 2
    assert stats[("team", "b1")].nonresp is None and stats[ORG_NODE].nonresp is None


def respondents(rows):
    return pd.DataFrame(rows, columns=["team", "tenure_band", "contract_type"])


def test_families_refuse_small_cells_and_allow_safe_margins():
    frame = respondents(
        [("a1", "<3m", "full")] * 2
        + [("a1", "old", "full")] * 10
        + [("a2", "<3m", "full")] * 3
        + [("a2", "old", "part")] * 9
        + [("b1", "<3m", "part")] * 2
        + [("b1", "old", "full")] * 8
    )
    h = Hierarchy({"a1": "A", "a2": "A", "b1": "B"})
    counts = frame.groupby("team").size().to_dict()
    plan = plan_wave(h, WaveCounts("w", counts), k=5)
    auditor = FamilyAuditor(h, frame, plan, {t: True for t in counts}, k=5)
    assert auditor.verdict(family_of("organisation", ["tenure_band"])).allowed
    assert auditor.verdict(family_of("team", ["tenure_band"])).problem == "small_cell"
    assert set(auditor.allowed_families()) <= set(FAMILIES)


def test_families_refuse_what_subtraction_would_give_away():
    # 'old' people live in a1 only: the 'old' cell and a1's total give a1's two new people
    frame = respondents(
        [("a1", "<3m", "full")] * 2
        + [("a1", "old", "full")] * 10
        + [("a2", "<3m", "full")] * 5
        + [("a2", "mid", "full")] * 7
    )
    h = Hierarchy({"a1": "A", "a2": "A"})
    counts = frame.groupby("team").size().to_dict()
    plan = plan_wave(h, WaveCounts("w", counts), k=5)
    auditor = FamilyAuditor(h, frame, plan, {"a1": True, "a2": True}, k=5)
    assert auditor.verdict(family_of("organisation", ["tenure_band"])).problem == "differencing"


def test_families_tell_nothing_new_about_fully_answering_teams():
    frame = respondents(
        [("a1", "<3m", "full")] * 6
        + [("a1", "old", "full")] * 6
        + [("a2", "<3m", "full")] * 6
        + [("a2", "old", "full")] * 6
    )
    h = Hierarchy({"a1": "A", "a2": "A"})
    plan = plan_wave(h, WaveCounts("w", {"a1": 12, "a2": 12}), k=5)
    linked = FamilyAuditor(h, frame, plan, {"a1": False, "a2": True}, k=5)
    assert linked.verdict(family_of("team", ["tenure_band"])).problem == "linked"
    free = FamilyAuditor(h, frame, plan, {"a1": True, "a2": True}, k=5)
    assert free.verdict(family_of("team", ["tenure_band"])).allowed


def test_missing_dimension_answers_are_a_category_of_their_own():
    frame = normalise_dims(pd.DataFrame({"team": ["a"], "tenure_band": [None]}))
    assert frame.loc[0, "tenure_band"] == "unknown" and frame.loc[0, "contract_type"] == "unknown"


def test_rank_test_and_small_differences():
    rows = np.array([[1, 1, 1], [1, 1, 0]], dtype=float)
    basis = row_basis(rows)
    assert determined(basis, np.array([[0, 0, 1], [1, 0, 0]], dtype=float)).tolist() == [True, False]
    assert small_differences(rows, np.array([3.0, 4.0, 2.0]), k=5) == [(0, 1)]
    assert small_differences(rows, np.array([3.0, 4.0, 6.0]), k=5) == []
    assert row_basis(np.zeros((0, 3))).shape == (3, 0)
    assert determined(row_basis(np.zeros((0, 2))), np.array([[0.0, 0.0], [1.0, 0.0]])).tolist() == [True, False]
