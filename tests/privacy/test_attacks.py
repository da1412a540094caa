"""The attacks of ANONYMITY.md, each tried the way someone with HR dashboard access would try
them: through the door functions the dashboards and exports use, on both databases.
"""

from __future__ import annotations

import datetime as dt
import threading

import numpy as np
import pandas as pd
import pytest

from tests.privacy.attacker import shown_sums, solvable_teams, structure
from tests.privacy.builders import org
from verloop.errors import PrivacyError, SurveyError
from verloop.privacy import Door, check_published
from verloop.privacy.export import write_table

TODAY = dt.date(2026, 1, 1)
W1, W2 = dt.date(2025, 3, 3), dt.date(2025, 4, 14)


def door(store, lang="en") -> Door:
    return Door(store, lang=lang, today=TODAY)


def all_levels(d: Door, method: str, **kw) -> list[pd.DataFrame]:
    return [getattr(d, method)(by=by, **kw) for by in ("team", "site", "organisation")]


def four_person_team(store):
    o = org(store)
    o.team("North 1", "North", 12).team("North 2", "North", 10).team("North 3", "North", 4)
    o.team("South 1", "South", 12).team("South 2", "South", 9)
    o.wave("W1", W1)
    o.answer("W1", "North 1", [4.0] * 10, comments=["good team"] * 10)
    o.answer("W1", "North 2", [4.0, 3.0] * 4)
    o.answer("W1", "North 3", [1.0] * 4, comments=['=HYPERLINK("http://x","my lead must go")'] * 4)
    o.answer("W1", "South 1", [3.0] * 11)
    o.answer("W1", "South 2", [5.0] * 7)
    return o


def test_team_of_four_respondents_is_hidden_in_every_figure_chart_export_and_comment(store, tmp_path):
    four_person_team(store)
    d = door(store)
    team = lambda frame: frame[frame["team"] == "North 3"]  # noqa: E731
    frames = {
        "scores": d.scale_scores(by="team", scales=["engagement", "enps"]),
        "enps": d.enps_by(by="team"),
        "distribution": d.score_distribution(by="team", scales=["engagement", "enps"]),
        "responses": d.response_rates(by="team"),
        "comments": d.comments(by="team"),
    }
    for name, frame in frames.items():
        check_published(frame)
        rows = team(frame)
        assert len(rows), f"{name}: the hidden team must keep a row with a note"
        assert rows["suppressed"].all() and rows["n"].isna().all(), name
        assert rows["note"].str.contains("fewer than").all(), name
    assert team(frames["scores"])["score"].isna().all()
    assert team(frames["enps"])["enps"].isna().all()
    assert team(frames["distribution"])["count"].isna().all()
    assert team(frames["responses"])["response_rate"].isna().all()
    assert team(frames["comments"])["text"].isna().all()
    people = d.kpi_vs_people(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    assert people.loc[people["team"] == "North 3", ["score_engagement", "score_enps"]].isna().all().all()
    # exports: CSV and XLSX of the same frames hide the same cells
    for suffix in (".csv", ".xlsx"):
        path = write_table(frames["scores"], tmp_path / f"scores{suffix}")
        back = pd.read_csv(path) if suffix == ".csv" else pd.read_excel(path)
        rows = back[back["team"] == "North 3"]
        assert rows["score"].isna().all() and rows["n"].isna().all()
        assert rows["note"].str.contains("fewer than 5 responses").all()
    # and nothing shown anywhere adds up to it
    for scale in ("engagement", "enps"):
        frames = all_levels(d, "scale_scores", scales=[scale])
        assert "North 3" not in solvable_teams(structure(store), frames)


def test_a_plus_b_shown_and_a_shown_does_not_give_b(store):
    o = org(store)
    o.team("A", "Duo", 12).team("B", "Duo", 3).team("C", "Other", 12).team("D", "Other", 12)
    o.wave("W1", W1)
    o.answer("W1", "A", [4.0] * 11)
    o.answer("W1", "B", [1.0] * 3)
    o.answer("W1", "C", [3.0] * 9)
    o.answer("W1", "D", [3.5] * 10)
    d = door(store)
    frames = all_levels(d, "scale_scores", scales=["engagement"])
    shown = {}
    for frame in frames:
        shown.update(shown_sums(frame))
    # The attacker's subtraction needs both the site "A+B" and team A.
    assert not (("site", "Duo") in shown and ("team", "A") in shown)
    assert "B" not in solvable_teams(structure(store), frames)
    b = frames[0][frames[0]["team"] == "B"]
    assert b["suppressed"].all() and b["note"].str.contains("fewer than 5").all()


def test_site_total_minus_all_but_one_team_reveals_nothing(store):
    o = org(store)
    o.team("N1", "North", 12).team("N2", "North", 11).team("N3", "North", 10).team("N4", "North", 3)
    o.team("S1", "South", 12).team("S2", "South", 12)
    o.wave("W1", W1)
    for team, n in (("N1", 9), ("N2", 8), ("N3", 7), ("S1", 10), ("S2", 9)):
        o.answer("W1", team, [4.0] * n)
    o.answer("W1", "N4", [1.0, 1.0, 2.0])
    d = door(store)
    frames = all_levels(d, "scale_scores", scales=["engagement"])
    teams = frames[0]
    north = teams[teams["site"] == "North"]
    hidden = north[north["suppressed"]]
    assert "N4" in set(hidden["team"]) and len(hidden) >= 2, "the next-smallest team must be hidden too"
    # what the site minus the shown teams gives is a sum over at least k people of >= 2 teams
    site = frames[1].set_index("site").loc["North"]
    assert not site["suppressed"]
    shown_n = north.loc[~north["suppressed"], "n"].sum()
    assert int(site["n"]) - int(shown_n) >= d.policy.k
    attempt = site["n"] * site["score"] - (north["n"] * north["score"]).sum()  # what HR would type
    assert "N4" not in solvable_teams(structure(store), frames)
    assert attempt != pytest.approx(4.0), "the subtraction must not give the small team's sum"


def test_filter_tenure_under_three_months_in_a_team_of_twelve_with_two_new_is_refused(store):
    o = org(store)
    o.team("T", "Hub", 12).team("U", "Hub", 12).team("V", "Hub", 12)
    o.wave("W1", W1)
    o.answer("W1", "T", [1.0, 1.0] + [4.0] * 8, tenure=["<3m"] * 2 + ["1-2y"] * 5 + ["2y+"] * 3, invited=12)
    o.answer("W1", "U", [4.0] * 9, tenure=["<3m"] * 3 + ["1-2y"] * 3 + ["2y+"] * 3, invited=12)
    o.answer("W1", "V", [4.0] * 9, tenure=["<3m"] * 2 + ["1-2y"] * 3 + ["2y+"] * 4, invited=12)
    d = door(store)
    with pytest.raises(PrivacyError) as refused:
        d.scale_scores(by="team", filters={"tenure_band": "<3m"})
    message = str(refused.value)
    assert "tenure_band = <3m" in message and "fewer than 5" in message and "broader group" in message
    with pytest.raises(PrivacyError):
        d.enps_by(by="team", filters={"tenure_band": "<3m"})
    with pytest.raises(PrivacyError) as dutch:
        door(store, lang="nl").scale_scores(by="team", filters={"tenure_band": "<3m"})
    assert "minder dan 5" in str(dutch.value)
    # when one band lives in one team only, that band and the team total give away its new people
    o.team("W", "Hub", 12)
    o.answer("W1", "W", [4.0] * 10, tenure=["<3m"] * 2 + ["3-12m"] * 8, invited=12)
    with pytest.raises(PrivacyError) as subtraction:
        door(store).scale_scores(by="organisation", filters={"tenure_band": "<3m"})
    assert "subtraction" in str(subtraction.value)
    o.answer("W1", "U", [4.0] * 2, tenure=["3-12m"] * 2, invited=12)
    d = door(store)
    # over the whole organisation the nine new people may be shown: no cell below k, nothing solvable
    org_level = d.scale_scores(by="organisation", scales=["engagement"], filters={"tenure_band": "<3m"})
    check_published(org_level)
    assert int(org_level["n"].iloc[0]) == 9


def test_two_filters_that_differ_by_fewer_than_k_people_are_not_both_shown(store):
    o = org(store)
    o.team("P", "Hub", 12).team("Q", "Hub", 12).team("R", "Hub", 12)
    o.wave("W1", W1)
    # the five new people are all part-timers; two older part-timers make 'part-time' = new + 2
    o.answer(
        "W1",
        "P",
        [1.0] * 3 + [4.0] * 7,
        tenure=["<3m"] * 3 + ["2y+"] * 7,
        contract=["part-time"] * 3 + ["part-time"] * 2 + ["full-time"] * 5,
        invited=12,
    )
    o.answer(
        "W1",
        "Q",
        [2.0] * 2 + [4.0] * 7,
        tenure=["<3m"] * 2 + ["2y+"] * 7,
        contract=["part-time"] * 2 + ["full-time"] * 7,
        invited=12,
    )
    o.answer("W1", "R", [4.0] * 9, tenure=["2y+"] * 9, contract=["full-time"] * 9, invited=12)

    def outcome(d, first, second):
        results = {}
        for dim, value in (first, second):
            try:
                frame = d.scale_scores(by="organisation", scales=["engagement"], filters={dim: value})
                results[dim] = frame
            except PrivacyError as exc:
                results[dim] = exc
        return results

    a = outcome(door(store), ("tenure_band", "<3m"), ("contract_type", "part-time"))
    b = outcome(door(store), ("contract_type", "part-time"), ("tenure_band", "<3m"))
    refused = [dim for dim, r in a.items() if isinstance(r, PrivacyError)]
    assert len(refused) == 1, "exactly one of the two filters may be shown"
    assert "subtraction" in str(a[refused[0]])
    # the asking order does not matter
    assert {dim for dim, r in b.items() if isinstance(r, PrivacyError)} == set(refused)


def test_consecutive_waves_where_one_person_joined_do_not_reveal_that_person(store):
    o = org(store)
    o.team("J", "Hub", 10, hired=dt.date(2020, 1, 1)).team("K", "Hub", 12).team("L", "Hub", 12)
    o.wave("W1", W1).wave("W2", W2)
    o.answer("W1", "J", [4.0] * 10)  # everyone answered
    o.answer("W1", "K", [3.0] * 9)
    o.answer("W1", "L", [3.0] * 8)
    o.hire("J", 1, W1 + dt.timedelta(days=20))  # one person joins between the waves
    o.answer("W2", "J", [4.0] * 10 + [1.0])  # everyone answered again; the newcomer is unhappy
    o.answer("W2", "K", [3.0] * 9)
    o.answer("W2", "L", [3.0] * 8)
    d = door(store)
    teams = d.scale_scores(by="team", scales=["engagement"])
    j = teams[teams["team"] == "J"].set_index("wave")
    assert not j.loc["W1", "suppressed"]
    assert j.loc["W2", "suppressed"] and j.loc["W2", "reason"] == "trend"
    assert "changed since an earlier wave" in j.loc["W2", "note"]
    difference = j.loc["W2", "n"] * j.loc["W2", "score"] - j.loc["W1", "n"] * j.loc["W1", "score"]
    assert pd.isna(difference), "11 × mean(W2) − 10 × mean(W1) must not be computable"
    # nor through the site: in W2 the hidden part of the site is more than the newcomer's team
    site = d.scale_scores(by="site", scales=["engagement"]).set_index("wave")
    w2 = teams[teams["wave"] == "W2"]
    if not site.loc["W2", "suppressed"]:
        hidden = w2[w2["suppressed"]]
        assert len(hidden) >= 2
        assert "J" not in solvable_teams(structure(store), [w2, site.reset_index().query("wave == 'W2'")])


def test_exports_hold_the_same_suppression_as_the_screen_and_escape_formulas(store, tmp_path):
    from openpyxl import load_workbook

    from verloop.cli import main

    o = four_person_team(store)
    o.team('=HYPERLINK("http://evil","x")', "North", 10)
    o.answer(
        "W1",
        '=HYPERLINK("http://evil","x")',
        [4.0] * 10,
        comments=["+SUM(A1:A9)", "@cmd", "-2+3", "\tTAB", "\rCR", "plain", "=1+1", "ok", "fine", "good"],
    )
    screen = door(store).scale_scores(by="team")
    for suffix in (".csv", ".xlsx"):
        out = tmp_path / f"scores{suffix}"
        assert main(["export", "scores", "--by", "team", "--out", str(out), "--db", store.url]) == 0
        back = (
            pd.read_csv(out, dtype=str, keep_default_na=False)
            if suffix == ".csv"
            else pd.read_excel(out, dtype=str, keep_default_na=False)
        )
        assert len(back) == len(screen)
        hidden = back["suppressed"].str.lower() == "true"
        assert hidden.sum() == screen["suppressed"].sum()
        assert (back.loc[hidden, "score"] == "").all() and (back.loc[hidden, "n"] == "").all()
        assert set(back.loc[hidden, "team"]) == set(
            screen.loc[screen["suppressed"], "team"].map(lambda t: "'" + t if t.startswith("=") else t)
        )
        assert "n" in back.columns and "note" in back.columns
        assert not back["team"].str.startswith(("=", "+", "-", "@")).any()
        assert (back["team"] == '\'=HYPERLINK("http://evil","x")').any()
    comments_out = tmp_path / "comments.xlsx"
    assert main(["export", "comments", "--by", "team", "--out", str(comments_out), "--db", store.url]) == 0
    sheet = load_workbook(comments_out).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c for c in cells if c.data_type == "f"], "no cell may be stored as a formula"
    texts = {str(c.value).replace("\r", "\n") for c in cells}  # XML keeps a CR as a line break
    for dangerous in ("+SUM(A1:A9)", "@cmd", "-2+3", "\tTAB", "\nCR", "=1+1"):
        assert "'" + dangerous in texts and dangerous not in texts
    assert "plain" in texts
    csv_out = tmp_path / "comments.csv"
    assert main(["export", "comments", "--by", "team", "--out", str(csv_out), "--db", store.url]) == 0
    raw = csv_out.read_text(encoding="utf-8-sig")
    assert "\n=1+1" not in raw and ",=1+1" not in raw and "'=1+1" in raw
    # numbers stay numbers
    numbers = pd.read_csv(tmp_path / "scores.csv")
    assert pd.api.types.is_float_dtype(numbers["score"])


def test_comments_only_for_groups_of_ten_and_never_with_filters(store):
    o = org(store)
    o.team("Big", "Hub", 14).team("Nine", "Hub", 10).team("Other", "Hub", 12)
    o.wave("W1", W1)
    o.answer("W1", "Big", [4.0] * 12, comments=[f"big {i}" for i in range(12)])
    o.answer("W1", "Nine", [4.0] * 9, comments=[f"nine {i}" for i in range(9)])
    o.answer("W1", "Other", [4.0] * 11, comments=[f"other {i}" for i in range(11)])
    d = door(store)
    teams = d.comments(by="team")
    check_published(teams)
    nine = teams[teams["team"] == "Nine"]
    assert nine["suppressed"].all() and nine["text"].isna().all()
    assert nine["note"].str.contains("fewer than 10 responses").all()
    # a hidden team's comments are never shown apart from another hidden team's
    hidden = set(teams.loc[teams["suppressed"], "team"])
    assert len(hidden) >= 2
    site = d.comments(by="site")
    shown_texts = set(site["text"].dropna()) | set(teams["text"].dropna())
    nine_texts = {f"nine {i}" for i in range(9)}
    visible_teams = set(teams.loc[~teams["suppressed"], "team"])
    for team in visible_teams:
        assert not (set(teams.loc[teams["team"] == team, "text"]) & nine_texts)
    if nine_texts & shown_texts:
        assert not site["suppressed"].all()
        # the site list mixes the hidden teams: at least 10 people behind it apart from shown teams
        assert int(site["n"].iloc[0]) - teams.loc[~teams["suppressed"], "n"].drop_duplicates().sum() >= 10
    # sorted by text, never by team or time
    for _, group in site.dropna(subset=["text"]).groupby("group"):
        assert list(group["text"]) == sorted(group["text"])
    for filters in ({"tenure_band": "<3m"}, {"contract_type": "part-time"}):
        with pytest.raises(PrivacyError) as refused:
            d.comments(by="organisation", filters=filters)
        assert "without demographic filters" in str(refused.value)


# -- the survey side of the promise: tokens -----------------------------------------------------


def stored_responses(store) -> int:
    """Responses stored once every sealed ballot is opened (as closing the wave would)."""
    from tests.privacy.builders import reveal
    from verloop.status import organisation_status

    reveal(store)
    return organisation_status(store)["responses"]


def _open_pulse(store, teams=("T",)):
    from verloop.surveys.tokens import issue_tokens
    from verloop.surveys.waves import open_wave

    o = org(store)
    for team in teams:
        o.team(team, "Hub", 5)
    open_wave(store, "pulse", "P1", opens=TODAY, today=TODAY)
    return [t.code for t in issue_tokens(store, "P1", teams[0], 3, today=TODAY)]


def test_replaying_a_used_token_is_refused(store):
    from verloop.surveys.submit import submit

    code = _open_pulse(store)[0]
    submit(store, code, {"engagement_1": 4}, today=TODAY, kind="pulse")
    with pytest.raises(SurveyError):
        submit(store, code, {"engagement_1": 1}, today=TODAY, kind="pulse")
    assert stored_responses(store) == 1


def test_a_forged_token_is_refused(store):
    from verloop.surveys.submit import submit

    real = _open_pulse(store)[0]
    forged = real[:-1] + ("A" if real[-1] != "A" else "B")
    for code in (forged, "0000-0000-0000", "' OR 1=1 --", ""):
        with pytest.raises(SurveyError):
            submit(store, code, {"engagement_1": 4}, today=TODAY, kind="pulse")
    assert stored_responses(store) == 0


def test_the_same_token_from_two_browsers_at_once_is_accepted_once(store):
    from verloop.surveys.submit import submit

    code = _open_pulse(store)[0]
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(value):
        barrier.wait()
        try:
            outcomes.append(submit(store, code, {"engagement_1": value}, today=TODAY, kind="pulse"))
        except SurveyError as exc:
            outcomes.append(exc)
        except Exception as exc:  # a StoreError (lock timeout) would count as 'not accepted'
            outcomes.append(exc)

    threads = [threading.Thread(target=attempt, args=(v,)) for v in (2, 5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    accepted = [o for o in outcomes if not isinstance(o, Exception)]
    assert len(outcomes) == 2 and len(accepted) == 1
    assert stored_responses(store) == 1


def test_nobody_can_read_answers_in_submission_order_through_the_door(store):
    o = four_person_team(store)
    del o
    comments = door(store).comments(by="organisation")
    texts = list(comments["text"].dropna())
    assert texts == sorted(texts)
    assert np.all(comments["level"] == "organisation")
