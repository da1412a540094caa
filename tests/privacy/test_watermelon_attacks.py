"""Attacks on the watermelon view (issue 14): its people figures are pooled over each team's
shown waves, so they must be sums of rows the door already publishes — never a hidden wave, a
hidden team or the difference of two consecutive waves — and everything the page and the export
show of a small team stays hidden.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from tests.privacy.attacker import solvable_teams, structure
from tests.privacy.builders import org
from tests.privacy.test_attacks import W1, W2, door, four_person_team
from verloop.analysis.watermelon import export_frame
from verloop.privacy import check_published
from verloop.privacy.watermelon import pool_shown

PERIOD = {"start": dt.date(2025, 1, 1), "end": dt.date(2025, 12, 31)}
W3 = W2 + dt.timedelta(days=42)


def joiner_between_waves(store):
    """Team J: everyone answered in W1; one person joins and everyone answers again in W2 (the
    door hides J in W2: fewer than k people changed). In W3 six of eleven do not answer."""
    o = org(store)
    o.team("J", "Hub", 10, hired=dt.date(2020, 1, 1)).team("K", "Hub", 12).team("L", "Hub", 12)
    o.wave("W1", W1).wave("W2", W2).wave("W3", W3)
    o.answer("W1", "J", [4.0] * 10)
    o.answer("W1", "K", [3.0] * 9)
    o.answer("W1", "L", [3.0] * 8)
    o.hire("J", 1, W1 + dt.timedelta(days=20))
    o.answer("W2", "J", [4.0] * 10 + [1.0])  # the newcomer is unhappy
    o.answer("W2", "K", [3.0] * 9)
    o.answer("W2", "L", [3.0] * 8)
    o.answer("W3", "J", [4.0] * 3 + [2.0] * 2)  # six of eleven did not answer: shown again
    o.answer("W3", "K", [3.5] * 9)
    o.answer("W3", "L", [2.5] * 8)
    return o


def test_a_team_hidden_in_one_wave_is_pooled_from_its_shown_waves_only(store):
    joiner_between_waves(store)
    d = door(store)
    waves = d.scale_scores(by="team", scales=["engagement"])
    j = waves[waves["team"] == "J"].set_index("wave")
    assert j.loc["W2", "suppressed"] and j.loc["W2", "reason"] == "trend"  # the single-wave guard holds
    frame = d.watermelon(**PERIOD)
    row = frame.set_index("team").loc["J"]
    # J stays in the watermelon view (its shown waves) …
    assert not row["suppressed"] and row["waves_shown"] == 2 and row["waves_hidden"] == 1
    # … and its pooled figure is exactly the shown waves: W2's newcomer is not in it
    shown = j[~j["suppressed"]]
    assert int(row["engagement_n"]) == int(shown["n"].sum()) == 15
    assert row["engagement"] == pytest.approx(float((shown["n"] * shown["score"]).sum() / shown["n"].sum()), abs=1e-12)
    # so pooled total − shown waves = 0, not the newcomer's answer (11 × W2 − 10 × W1 = 1.0)
    leftover = row["engagement_n"] * row["engagement"] - float((shown["n"] * shown["score"]).sum())
    assert leftover == pytest.approx(0.0, abs=1e-9)


def test_every_pooled_team_figure_is_a_sum_of_published_rows(store):
    """The whole frame adds no equation: n and n × mean of every team and scale equal the sums
    over the door's shown single-wave rows, so nothing hidden can be solved from it."""
    joiner_between_waves(store)
    d = door(store)
    frame = d.watermelon(**PERIOD)
    waves = d.scale_scores(by="team", scales=["engagement", "enps"])
    for scale in ("engagement", "enps"):
        per_wave = waves[(waves["scale"] == scale) & ~waves["suppressed"]]
        for row in frame.itertuples():
            mine = per_wave[per_wave["team"] == row.team]
            n = getattr(row, f"{scale}_n")
            if row.suppressed or not len(mine):
                assert pd.isna(getattr(row, scale)) and (pd.isna(n) or n == 0)
                continue
            assert int(n) == int(mine["n"].sum())
            assert n * getattr(row, scale) == pytest.approx(float((mine["n"] * mine["score"]).sum()), rel=1e-12)
    # and with the pooled rows added to everything else shown, the hidden W2 of J stays unsolvable
    w2 = [
        f[f["wave"] == "W2"]
        for f in (
            waves[waves["scale"] == "engagement"],
            d.scale_scores(by="site", scales=["engagement"]),
            d.scale_scores(by="organisation", scales=["engagement"]),
        )
    ]
    assert "J" not in solvable_teams(structure(store), w2)


def test_a_team_of_four_is_hidden_in_the_watermelon_view_the_flag_and_the_export(store, tmp_path):
    four_person_team(store)
    d = door(store)
    frame = d.watermelon(**PERIOD)
    people = [c for c in frame.columns if c.startswith(("engagement", "enps")) or c in ("voluntary", "voluntary_rate")]
    check_published(frame, figures=people)
    north3 = frame.set_index("team").loc["North 3"]
    assert north3["suppressed"] and pd.isna(north3["n"]) and "fewer than 5" in north3["note"]
    assert north3[people].isna().all()
    exported = export_frame(d, **PERIOD)
    row = exported.set_index("team").loc["North 3"]
    assert row["suppressed"] and not row["flag"] and pd.isna(row["people_status"]) and pd.isna(row["certainty"])
    assert pd.isna(row["n"]) and "fewer than 5" in row["note"]
    from verloop.privacy.export import write_table

    back = pd.read_csv(write_table(exported, tmp_path / "watermelon.csv"))
    hidden = back[back["team"] == "North 3"]
    assert hidden["people_status"].isna().all() and hidden["n"].isna().all()
    assert hidden["note"].str.contains("fewer than 5").all()
    # a team name written as a formula is neutralised in the file
    assert not back["team"].astype(str).str.startswith("=").any()


def test_pooling_ignores_hidden_rows_even_when_their_figures_are_present():
    """``pool_shown`` must never read a hidden row's figures, even if a caller left them in."""
    frame = pd.DataFrame(
        {
            "level": "team",
            "site": "S",
            "team": "A",
            "scale": "engagement",
            "wave": ["W1", "W2"],
            "opens_on": [W1, W2],
            "score": [4.0, 1.0],
            "sd": [0.5, 0.5],
            "n": pd.array([6, 7], dtype="Int64"),
            "suppressed": [False, True],
            "reason": ["", "trend"],
            "note": ["", "hidden"],
        }
    )
    pooled = pool_shown(frame).iloc[0]
    assert pooled["score"] == 4.0 and pooled["n"] == 6 and pooled["waves_hidden"] == 1
    only_hidden = pool_shown(frame.iloc[[1]]).iloc[0]
    assert only_hidden["suppressed"] and np.isnan(only_hidden["score"]) and pd.isna(only_hidden["n"])
    assert only_hidden["reason"] == "trend"
