"""The door's API as the dashboards and exports use it: shapes, notes, languages, clear refusals."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from tests.privacy.builders import org
from verloop.errors import InputError, PrivacyError
from verloop.privacy import (
    Door,
    Policy,
    check_published,
    comments,
    enps_by,
    group_values,
    kpi_vs_people,
    reasons,
    response_rates,
    scale_scores,
    score_distribution,
    suppress_people,
    turnover,
)
from verloop.store.schema import TeamKpi

TODAY = dt.date(2026, 1, 1)
W1, W2, W3 = dt.date(2025, 3, 3), dt.date(2025, 4, 14), dt.date(2025, 5, 26)


def small_org(store, open_last: bool = False):
    o = org(store)
    o.team("A1", "Amsterdam", 12).team("A2", "Amsterdam", 10).team("A3", "Amsterdam", 3)
    o.team("R1", "Rotterdam", 12).team("R2", "Rotterdam", 12)
    o.wave("W1", W1).wave("W2", W2, closed=not open_last)
    for wave in ("W1", "W2"):
        o.answer(
            wave, "A1", [4.0, 3.0, 5.0, 4.0, 4.0, 3.0, 4.0, 4.0, 5.0], comments=[f"a1 {wave} {i}" for i in range(9)]
        )
        o.answer(wave, "A2", [2.0, 3.0, 2.0, 3.0, 2.0, 3.0, 2.0])
        o.answer(wave, "A3", [1.0, 1.0, 2.0])
        o.answer(wave, "R1", [4.0] * 10, comments=[f"r1 {wave} {i}" for i in range(10)])
        o.answer(wave, "R2", [3.0, 4.0] * 5)
    return o


def test_scale_scores_shape_values_and_notes(store):
    small_org(store)
    door = Door(store, today=TODAY)
    frame = door.scale_scores(by="team", scales=["engagement"])
    check_published(frame)
    assert list(frame.columns[:7]) == ["wave", "opens_on", "closes_on", "level", "site", "team", "group"]
    assert str(frame["n"].dtype) == "Int64"
    r1 = frame[(frame["team"] == "R1") & (frame["wave"] == "W1")].iloc[0]
    assert r1["score"] == pytest.approx(4.0) and r1["n"] == 10 and r1["note"] == ""
    a2 = frame[(frame["team"] == "A2") & (frame["wave"] == "W1")].iloc[0]
    assert a2["score"] == pytest.approx(np.mean([2, 3, 2, 3, 2, 3, 2])) or a2["suppressed"]
    a3 = frame[frame["team"] == "A3"]
    assert a3["suppressed"].all() and (a3["reason"] == "min_group").all()
    assert (a3["note"] == "fewer than 5 responses").all()
    # the site shows; the hidden part of it is more than the small team alone
    sites = door.scale_scores(by="site", scales=["engagement"])
    assert not sites["suppressed"].any()
    ams = frame[(frame["site"] == "Amsterdam") & (frame["wave"] == "W1")]
    assert ams["suppressed"].sum() >= 2
    # the confidence interval brackets the mean
    shown = frame[~frame["suppressed"]]
    assert (shown["ci_low"] <= shown["score"]).all() and (shown["score"] <= shown["ci_high"]).all()


def test_dutch_notes_and_selection_by_site_and_team(store):
    o = small_org(store)
    door = Door(store, lang="nl", today=TODAY)
    frame = door.scale_scores(by="team", scales=["engagement"], filters={"site": "Amsterdam"})
    assert set(frame["site"]) == {"Amsterdam"}
    assert (frame.loc[frame["team"] == "A3", "note"] == "minder dan 5 reacties").all()
    by_id = door.scale_scores(by="team", scales=["engagement"], filters={"team_id": o.team_ids["R1"]})
    assert set(by_id["team"]) == {"R1"}
    with pytest.raises(InputError):
        door.scale_scores(by="team", filters={"team": "Nope"})
    with pytest.raises(InputError):
        door.scale_scores(by="team", filters={"colour": "red"})
    with pytest.raises(InputError):
        door.scale_scores(by="team", filters={"tenure_band": ["<3m", "3-12m"]})
    with pytest.raises(InputError):
        door.scale_scores(by="department")
    with pytest.raises(InputError):
        door.scale_scores(by="team", waves=["W9"])
    with pytest.raises(InputError):
        door.scale_scores(by="team", scales=["happiness"])


def test_open_waves_show_no_results_but_response_rates(store):
    small_org(store, open_last=True)
    door = Door(store, today=W2 + dt.timedelta(days=5))  # W2 still open that day
    scores = door.scale_scores(by="organisation", scales=["engagement"])
    open_rows = scores[scores["wave"] == "W2"]
    assert open_rows["suppressed"].all() and (open_rows["reason"] == "open_wave").all()
    assert open_rows["note"].str.contains("closed").all()
    assert not scores.loc[scores["wave"] == "W1", "suppressed"].any()
    rates = door.response_rates(by="organisation")
    live = rates[rates["wave"] == "W2"].iloc[0]
    assert live["state"] == "open" and live["responded"] == 39 and live["response_rate"] > 0
    assert door.waves()["results"].tolist() == [True, False]
    with pytest.raises(PrivacyError) as refused:
        door.response_rates(by="organisation", filters={"tenure_band": "<3m"})
    assert "response rates" in str(refused.value)
    latest = door.scale_scores(by="organisation", waves="latest", scales=["engagement"])
    assert set(latest["wave"]) == {"W1"}


def test_enps_distribution_comments_and_module_functions(store):
    small_org(store)
    enps = enps_by(store, by="site", today=TODAY)
    check_published(enps)
    row = enps[(enps["site"] == "Rotterdam") & (enps["wave"] == "W1")].iloc[0]
    # R1: score 4 -> eNPS answer 8 (passive); R2: 3 -> 6 (detractor) and 4 -> 8
    assert row["detractors"] == pytest.approx(25.0) and row["promoters"] == pytest.approx(0.0)
    assert row["enps"] == pytest.approx(-25.0)
    dist = score_distribution(store, by="organisation", scales=["engagement"], today=TODAY)
    check_published(dist)
    one = dist[dist["wave"] == "W1"]
    assert one["count"].sum() == 39 and one["share"].sum() == pytest.approx(100.0)
    texts = comments(store, by="team", today=TODAY)
    check_published(texts)
    shown = texts[texts["text"].notna()]
    assert set(shown["team"]) == {"R1"} and shown["text"].str.startswith("r1").all()
    quiet = texts[(texts["team"] == "R2")]
    assert (quiet["reason"] == "no_comments").all() and (quiet["note"] == "no comments").all()
    assert texts.loc[texts["team"] == "A1", "suppressed"].all()  # 9 responses < 10
    frames = [
        scale_scores(store, by="organisation", scales=["engagement"], today=TODAY),
        response_rates(store, by="site", today=TODAY),
    ]
    for frame in frames:
        check_published(frame)


def test_trend_guard_allows_a_joiner_when_enough_people_did_not_answer(store):
    o = org(store)
    o.team("J", "Hub", 10).team("K", "Hub", 12).team("L", "Hub", 12)
    o.wave("W1", W1).wave("W2", W2)
    o.answer("W1", "J", [4.0] * 7)  # 3 of 10 did not answer
    o.hire("J", 1, W1 + dt.timedelta(days=10))
    o.answer("W2", "J", [4.0] * 7 + [1.0])  # 3 of 11 did not answer
    for wave in ("W1", "W2"):
        o.answer(wave, "K", [3.0] * 9)
        o.answer(wave, "L", [3.0] * 8)
    frame = Door(store, today=TODAY).scale_scores(by="team", scales=["engagement"])
    assert not frame.loc[frame["team"] == "J", "suppressed"].any(), "1 joiner + 6 non-respondents ≥ k"


def test_filter_options_say_which_filters_a_wave_bears(store):
    o = org(store)
    o.team("T", "Hub", 14).team("U", "Hub", 14).team("V", "Hub", 14)
    o.wave("W1", W1)
    bands = ["<3m"] * 2 + ["1-2y"] * 5 + ["2y+"] * 5
    for team in ("T", "U", "V"):
        o.answer("W1", team, [4.0] * 12, tenure=bands, contract=["full-time"] * 12, invited=14)
    options = Door(store, today=TODAY).filter_options(by="organisation")
    allowed = dict(zip(options["filter"], options["allowed"]))
    assert allowed["tenure_band"] is True or allowed["tenure_band"] == np.True_
    team_options = Door(store, today=TODAY).filter_options(by="team").set_index("filter")
    assert not team_options.loc["tenure_band", "allowed"]
    assert team_options.loc["tenure_band", "problem"] == "small_cell"
    assert team_options.loc["contract_type", "allowed"]  # everyone full-time: the same as the team


def test_turnover_counts_everyone_and_hides_small_groups(store):
    o = org(store)
    o.team("Big", "Hub", 20, hired=dt.date(2024, 1, 1)).team("Tiny", "Hub", 3, hired=dt.date(2024, 1, 1))
    o.team("Other", "Hub", 15, hired=dt.date(2024, 1, 1))
    o.leave("Big", 4, dt.date(2025, 6, 30), "voluntary")
    o.leave("Big", 1, dt.date(2025, 7, 31), "involuntary")
    o.hire("Big", 2, dt.date(2025, 3, 1))
    o.leave("Big", 1, dt.date(2025, 4, 15), "voluntary")  # an early leaver (6 weeks)
    door = Door(store, today=TODAY)
    frame = door.turnover(by="team", start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    check_published(frame)
    big = frame.set_index("team").loc["Big"]
    assert big["leavers"] == 6 and big["voluntary"] == 5 and big["involuntary"] == 1
    assert big["hires"] == 2 and big["early_leavers"] >= 0
    assert big["voluntary_low"] < big["voluntary_rate"] < big["voluntary_high"]
    assert frame.set_index("team").loc["Tiny", "suppressed"]
    assert frame.set_index("team").loc["Tiny", "note"] == "fewer than 5 employees"
    # the tiny team cannot be worked out as site minus the rest
    hidden = frame[frame["suppressed"]]
    assert len(hidden) >= 2
    monthly = turnover(store, by="site", start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31), freq="M", today=TODAY)
    assert len(monthly) == 12 and monthly["leavers"].sum() == 6
    with pytest.raises(InputError):
        door.turnover(by="team", freq="W")
    with pytest.raises(InputError):
        door.turnover(by="team", start=dt.date(2025, 6, 1), end=dt.date(2025, 1, 1))


def test_turnover_filter_refused_when_it_narrows_to_few_people(store):
    o = org(store)
    o.team("Mixed", "Hub", 12, hired=dt.date(2024, 1, 1)).team("Rest", "Hub", 14, hired=dt.date(2024, 1, 1))
    o.hire("Mixed", 2, dt.date(2024, 1, 1), hours=20.0)
    o.hire("Rest", 8, dt.date(2024, 1, 1), hours=20.0)
    o.leave("Rest", 2, dt.date(2025, 5, 1))
    door = Door(store, today=TODAY)
    with pytest.raises(PrivacyError) as refused:
        door.turnover(
            by="team", start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31), filters={"contract_type": "part-time"}
        )
    assert "fewer than 5 employees" in str(refused.value)
    whole = door.turnover(
        by="organisation", start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31), filters={"contract_type": "full-time"}
    )
    check_published(whole)
    row = whole.iloc[0]
    assert row["reason"] == "few_leavers" and np.isnan(row["leavers"]) and np.isnan(row["voluntary_rate"])
    assert row["note"] == "fewer than 5 leavers" and row["n"] >= 5


def test_kpi_vs_people_puts_kpis_beside_suppressed_people_figures(store):
    o = small_org(store)
    with store.session() as s:
        for team_id in o.team_ids.values():
            for month in (dt.date(2025, 3, 1), dt.date(2025, 4, 1)):
                s.add(
                    TeamKpi(
                        team_id=team_id,
                        month=month,
                        aht_s=300.0,
                        service_level=85.0,
                        csat=4.1,
                        fcr=70.0,
                        repeat_rate=12.0,
                        absenteeism=6.0,
                    )
                )
    frame = kpi_vs_people(store, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31), today=TODAY)
    assert len(frame) == 5 and frame["aht_s"].eq(300.0).all()
    assert frame.loc[frame["team"] == "A3", "score_engagement"].isna().all()
    assert frame.loc[frame["team"] == "A3", "note"].str.contains("fewer than").all()
    assert frame.loc[frame["team"] == "R1", "score_engagement"].iloc[0] == pytest.approx(4.0)
    assert frame["wave"].eq("W2").all()


def test_group_values_publish_model_outputs_only_per_group(store):
    o = small_org(store)
    ids = [i for team in ("A1", "A2", "A3", "R1", "R2") for i in o.employees[team]]
    values = pd.DataFrame({"employee_id": ids, "risk": np.linspace(0.1, 0.5, len(ids))})
    frame = group_values(store, values, by="team", how="sum")
    check_published(frame)
    assert frame.set_index("team").loc["A3", "suppressed"]
    assert frame.loc[~frame["suppressed"], "risk"].gt(0).all()
    with pytest.raises(InputError):
        group_values(store, values.rename(columns={"employee_id": "id"}))


def test_exit_reasons_per_wave_with_every_code(store):
    o = org(store)
    o.team("X", "Hub", 12).team("Y", "Hub", 12)
    o.wave("Exit Q1", W1, kind="exit")
    o.answer("Exit Q1", "X", [3.0] * 6, reason="pay")
    o.answer("Exit Q1", "Y", [3.0] * 5, reason="team_lead")
    frame = reasons(store, kind="exit", by="organisation", today=TODAY)
    check_published(frame)
    assert len(frame) == 10 and frame["count"].sum() == 11
    assert frame.set_index("reason_code").loc["team_lead", "share"] == pytest.approx(5 / 11 * 100)
    with pytest.raises(InputError):
        reasons(store, kind="pulse")


def test_suppress_people_for_frames_computed_elsewhere():
    frame = pd.DataFrame(
        {
            "month": ["2025-01"] * 4 + ["2025-02"] * 2,
            "group": ["a", "b", "c", "d", "a", "b"],
            "n": [20, 12, 3, 0, 20, 3],
            "rate": [0.1, 0.2, 0.9, np.nan, 0.15, 0.5],
        }
    )
    out = suppress_people(frame, k=5, strata=["month"])
    check_published(out)
    jan = out[out["month"] == "2025-01"].set_index("group")
    assert jan.loc["c", "suppressed"] and jan.loc["b", "suppressed"]  # next-smallest hidden too
    assert not jan.loc["a", "suppressed"] and jan.loc["d", "reason"] == "no_responses"
    feb = out[out["month"] == "2025-02"].set_index("group")
    assert feb["suppressed"].all(), "a total of two groups, one small: both hidden"
    single = suppress_people(pd.DataFrame({"n": [3, 9], "rate": [1.0, 2.0]}), k=5, lang="nl")
    assert single["suppressed"].tolist() == [True, False] and single["note"][0] == "minder dan 5 medewerkers"


def test_policy_reads_the_organisation_settings(store):
    from verloop.store.settings import update_settings

    with store.session() as s:
        update_settings(s, "test", min_group_size=7, comment_min_group_size=12)
    policy = Policy.from_store(store)
    assert (policy.k, policy.comment_k) == (7, 12)
    assert policy.note("min_group", "en") == "fewer than 7 responses"
    assert policy.note("min_group", "nl", "comments").startswith("minder dan 12")
    with pytest.raises(Exception):
        Policy(k=2)
