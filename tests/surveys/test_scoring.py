"""Answer checks and scoring rules: reverse keys, the two-thirds rule, WHO-5 × 4, eNPS."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from verloop.errors import InputError, SurveyError
from verloop.surveys import (
    enps,
    item_matrix,
    load_instrument,
    score_responses,
    validate_answers,
    validate_open_answers,
    validate_reason,
)


@pytest.fixture(scope="module")
def pulse():
    return load_instrument("pulse")


def _long(rows: dict[str, dict[str, float | None]]) -> pd.DataFrame:
    records = [(rid, item, value) for rid, answers in rows.items() for item, value in answers.items()]
    frame = pd.DataFrame(records, columns=["response_id", "item_id", "value"])
    frame["value"] = frame["value"].astype("float64")
    return frame


def _scores(frame: pd.DataFrame, instrument) -> pd.DataFrame:
    return score_responses(frame, instrument).pivot(index="response_id", columns="scale", values="score")


# -- scoring ----------------------------------------------------------------------------------


def test_reverse_keying_and_mean(pulse):
    # workload_3 is reverse keyed (a break when needed = less pressure): 1 → 5.
    scores = _scores(_long({"r1": {"workload_1": 4, "workload_2": 3, "workload_3": 1}}), pulse)
    assert scores.loc["r1", "workload"] == pytest.approx((4 + 3 + 5) / 3)
    # HIGH = MORE pressure: a relaxed answer pattern scores low.
    relaxed = _scores(_long({"r2": {"workload_1": 1, "workload_2": 1, "workload_3": 5}}), pulse)
    assert relaxed.loc["r2", "workload"] == 1.0


def test_two_thirds_rule(pulse):
    frame = _long(
        {
            "two_of_three": {"mandate_1": 4, "mandate_2": 2, "mandate_3": None},
            "one_of_three": {"mandate_1": 4},
            "one_of_two": {"intent_stay_1": 5, "intent_stay_2": None},
            "two_of_two": {"intent_stay_1": 5, "intent_stay_2": 2},
        }
    )
    scores = _scores(frame, pulse)
    assert scores.loc["two_of_three", "mandate"] == 3.0
    assert math.isnan(scores.loc["one_of_three", "mandate"])
    assert math.isnan(scores.loc["one_of_two", "intent_stay"])
    assert scores.loc["two_of_two", "intent_stay"] == pytest.approx((5 + 4) / 2)  # item 2 reversed


def test_who5_is_raw_sum_times_four_and_prorated_from_four_items(pulse):
    full = {f"wellbeing_{n}": v for n, v in zip(range(1, 6), [5, 4, 3, 2, 3])}
    four = {**full, "wellbeing_5": None}
    three = {"wellbeing_1": 5, "wellbeing_2": 5, "wellbeing_3": 5}
    scores = _scores(_long({"full": full, "four": four, "three": three}), pulse)
    assert scores.loc["full", "wellbeing"] == pytest.approx(sum(full.values()) * 4)
    assert scores.loc["four", "wellbeing"] == pytest.approx((5 + 4 + 3 + 2) / 4 * 5 * 4)
    assert math.isnan(scores.loc["three", "wellbeing"])
    extremes = _scores(
        _long({"lo": {f"wellbeing_{n}": 0 for n in range(1, 6)}, "hi": {f"wellbeing_{n}": 5 for n in range(1, 6)}}),
        pulse,
    )
    assert (extremes.loc["lo", "wellbeing"], extremes.loc["hi", "wellbeing"]) == (0.0, 100.0)


def test_enps_scale_score_is_the_raw_answer(pulse):
    scores = _scores(_long({"a": {"enps_1": 7}, "b": {"enps_1": None}}), pulse)
    assert scores.loc["a", "enps"] == 7.0
    assert math.isnan(scores.loc["b", "enps"])


def test_output_is_tidy_with_every_response_and_scale(pulse):
    frame = _long({"r1": {"voice_1": 3}, "r2": {"enps_1": 10}})
    scores = score_responses(frame, pulse)
    assert list(scores.columns) == ["response_id", "scale", "score"]
    assert scores["score"].dtype == np.float64
    assert len(scores) == 2 * len(pulse.scales)
    assert list(scores["scale"][: len(pulse.scales)]) == [s.key for s in pulse.scales]
    empty = score_responses(frame.iloc[:0], pulse)
    assert empty.empty and list(empty.columns) == ["response_id", "scale", "score"]


def test_scoring_refuses_bad_frames(pulse):
    with pytest.raises(InputError, match="unknown item id"):
        score_responses(_long({"r": {"bogus_1": 3}}), pulse)
    with pytest.raises(InputError, match="outside the item's range"):
        score_responses(_long({"r": {"voice_1": 6}}), pulse)
    with pytest.raises(InputError, match="lacks column"):
        score_responses(pd.DataFrame({"response_id": ["r"], "item": ["voice_1"]}), pulse)
    doubled = pd.concat([_long({"r": {"voice_1": 3}})] * 2)
    with pytest.raises(InputError, match="duplicate answer"):
        score_responses(doubled, pulse)
    text = pd.DataFrame({"response_id": ["r"], "item_id": ["voice_1"], "value": ["high"]})
    with pytest.raises(InputError, match="non-numeric"):
        score_responses(text, pulse)


def test_item_matrix_is_wide_and_keyed(pulse):
    frame = _long({"r1": {"workload_3": 1, "voice_1": 4}, "r2": {"workload_3": 2}})
    keyed = item_matrix(frame, pulse)
    assert list(keyed.columns) == [i.id for i in pulse.items]
    assert keyed.loc["r1", "workload_3"] == 5 and keyed.loc["r2", "workload_3"] == 4
    assert math.isnan(keyed.loc["r2", "voice_1"])
    assert item_matrix(frame, pulse, keyed=False).loc["r1", "workload_3"] == 1


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=3, max_size=3))
def test_scores_stay_in_range_and_follow_the_rule(values):
    pulse = load_instrument("pulse")
    answers = dict(zip(["mandate_1", "mandate_2", "mandate_3"], values))
    score = _scores(_long({"r": answers}), pulse).loc["r", "mandate"]
    answered = [v for v in values if v is not None]
    if len(answered) >= 2:
        keyed = [6 - v if item == "mandate_3" else v for item, v in answers.items() if v is not None]
        assert score == pytest.approx(sum(keyed) / len(keyed))
        assert 1 <= score <= 5
    else:
        assert math.isnan(score)


# -- eNPS -------------------------------------------------------------------------------------


def test_enps_excludes_skipped_answers():
    # 2 promoters, 1 passive, 2 detractors out of 5 answers; the skipped one is not counted.
    assert enps(pd.Series([10, 9, 8, 3, 6, None])) == pytest.approx(0.0)
    assert enps(pd.Series([10, 9, 7, 3, None])) == pytest.approx(100 * (2 - 1) / 4)
    assert enps([10, 10]) == 100.0 and enps([0, 6]) == -100.0
    assert math.isnan(enps(pd.Series([None, np.nan], dtype="float64")))
    assert math.isnan(enps(pd.Series([], dtype="float64")))


def test_enps_refuses_values_outside_0_to_10():
    for bad in ([11], [-1], [7.5], ["nine"]):
        with pytest.raises(InputError):
            enps(bad)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(0, 10)), max_size=40))
def test_enps_matches_its_definition(values):
    answered = [v for v in values if v is not None]
    result = enps(pd.Series(values, dtype="float64"))
    if not answered:
        assert math.isnan(result)
    else:
        expected = 100 * (sum(v >= 9 for v in answered) - sum(v <= 6 for v in answered)) / len(answered)
        assert result == pytest.approx(expected)
        assert -100 <= result <= 100


# -- validating submissions -----------------------------------------------------------------------


def test_validate_answers_accepts_and_normalises(pulse):
    clean = validate_answers(
        pulse, {"voice_1": 3, "voice_2": None, "voice_3": 4.0, "enps_1": np.int64(10), "wellbeing_1": float("nan")}
    )
    assert clean == {"voice_1": 3, "voice_2": None, "voice_3": 4, "enps_1": 10, "wellbeing_1": None}
    assert all(v is None or type(v) is int for v in clean.values())


def test_validate_answers_lists_every_problem(pulse):
    with pytest.raises(SurveyError) as info:
        validate_answers(
            pulse,
            {"bogus_1": 3, "voice_1": 6, "voice_2": "3", "voice_3": 2.5, "enps_1": True, "wellbeing_1": -1},
        )
    problems = info.value.problems
    assert len(problems) == 6
    joined = " | ".join(problems)
    assert "unknown item id 'bogus_1'" in joined
    assert "item 'voice_1': value 6 is outside 1–5" in joined
    assert "item 'voice_2': value '3' is not a number" in joined
    assert "item 'voice_3': value 2.5 is not a whole number" in joined
    assert "item 'enps_1': value True is not a number" in joined
    assert "item 'wellbeing_1': value -1 is outside 0–5" in joined
    assert "refused" in str(info.value) and "5 more problems" in str(info.value)


def test_validate_open_answers(pulse):
    text = "Stop met <script>alert('x')</script> en 🙂 ‘quotes’ — ëxtra"
    assert validate_open_answers(pulse, {"stop": f"  {text}  ", "start": "  "}) == {"stop": text, "start": None}
    assert validate_open_answers(pulse, {"stop": "x" * 2000})["stop"] == "x" * 2000
    with pytest.raises(SurveyError) as info:
        validate_open_answers(pulse, {"stop": "x" * 2001, "comment": "hi", "start": "a\x00b"})
    joined = " | ".join(info.value.problems)
    assert "2001 characters, more than the 2000 allowed" in joined
    assert "unknown open question 'comment'" in joined
    assert "NUL" in joined


def test_validate_reason():
    exit_ = load_instrument("exit")
    assert validate_reason(exit_, "team_lead") == "team_lead"
    assert validate_reason(exit_, None) is None
    with pytest.raises(SurveyError, match="unknown reason 'boss'"):
        validate_reason(exit_, "boss")
    with pytest.raises(SurveyError, match="asks no reason"):
        validate_reason(load_instrument("pulse"), "pay")
