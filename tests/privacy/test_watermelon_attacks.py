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


def _pool_one_group_at_a_time(scores: pd.DataFrame) -> pd.DataFrame:
    """The definition of ``pool_shown``, one team × scale at a time (its earlier loop)."""
    from verloop.privacy.published import finish
    from verloop.privacy.suppress import HIDDEN_REASONS

    rows = []
    for (team, scale), part in scores.groupby(["team", "scale"], sort=True):
        shown = part[~part["suppressed"] & part["n"].notna() & part["score"].notna()]
        hidden = part[part["reason"].isin(HIDDEN_REASONS)]
        n = shown["n"].astype(float).to_numpy()
        row = {"site": part["site"].iloc[0], "team": team, "scale": scale}
        row.update(waves_shown=len(shown), waves_hidden=len(hidden), score=np.nan, within_var=np.nan)
        if len(shown) and n.sum() > 0:
            dof = np.clip(n - 1.0, 0.0, None)
            sds = shown["sd"].astype(float).fillna(0.0).to_numpy()
            row.update(score=float((n * shown["score"].to_numpy()).sum() / n.sum()), n=int(n.sum()))
            row.update(within_var=float((dof * sds**2).sum() / dof.sum()) if dof.sum() > 0 else np.nan)
            row.update(suppressed=False, reason="", note="")
        elif len(hidden):
            last = hidden.sort_values("opens_on").iloc[-1]
            row.update(n=None, suppressed=True, reason=last["reason"], note=last["note"])
        else:
            row.update(n=0, suppressed=False, reason="no_responses", note=part["note"].iloc[-1])
        rows.append(row)
    columns = ["site", "team", "scale", "score", "within_var", "waves_shown", "waves_hidden"]
    frame = pd.DataFrame(rows, columns=[*columns, "n", "suppressed", "reason", "note"])
    return finish(frame, ["score", "within_var"], ["site", "team", "scale"])


def test_pooling_all_teams_at_once_equals_pooling_each_team():
    """``pool_shown`` groups every team × scale at once; each pooled row is the one its own
    shown rows give (shown, hidden, one-answer and empty waves mixed)."""
    rng = np.random.default_rng(7)
    kinds = {"shown": "", "one": "", "hidden": "min_group", "trend": "trend", "empty": "no_responses"}
    rows = []
    for team in range(40):
        for scale in ("engagement", "enps"):
            for wave in range(int(rng.integers(1, 10))):
                kind = str(rng.choice(list(kinds)))
                answered = kind in ("shown", "one")
                rows.append(
                    {
                        "level": "team",
                        "site": f"S{team % 3}",
                        "team": f"T{team:02d}",
                        "scale": scale,
                        "opens_on": W1 + dt.timedelta(days=30 * wave),
                        "score": float(rng.normal(3, 1)) if answered else np.nan,
                        "sd": float(rng.uniform(0.2, 1)) if kind == "shown" else np.nan,
                        "n": {"shown": int(rng.integers(5, 15)), "one": 1, "empty": 0}.get(kind),
                        "suppressed": kind in ("hidden", "trend"),
                        "reason": kinds[kind],
                        "note": "" if answered else f"{kind} {wave}",
                    }
                )
    rows.append({**rows[-1], "team": "Z", "score": np.nan, "sd": np.nan, "n": 0, "suppressed": False})
    rows[-1].update(reason="no_responses", note="nobody answered")  # a team nobody answered in
    frame = pd.DataFrame(rows).astype({"n": "Int64"})
    pooled = pool_shown(frame)
    assert set(pooled["reason"]) == {"", "min_group", "trend", "no_responses"}
    pd.testing.assert_frame_equal(pooled, _pool_one_group_at_a_time(frame), check_exact=False, rtol=1e-12)
