"""Scale scores, response rates, the plans' counts and distributions from GROUP BY in the
database publish exactly what the per-response (pandas) path published, on SQLite and
PostgreSQL."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy import delete, select

from tests.privacy.builders import org
from verloop.privacy import Door, check_published
from verloop.privacy.survey_figures import _bin_edges, histogram
from verloop.store.schema import Answer, InstrumentItem, Response

TODAY = dt.date(2026, 1, 1)
SCALES = ("engagement", "wellbeing", "workload", "enps")


def _org(store):
    o = org(store)
    o.team("A1", "Amsterdam", 12).team("A2", "Amsterdam", 10).team("A3", "Amsterdam", 3)
    o.team("R1", "Rotterdam", 12).team("R2", "Rotterdam", 12)
    o.wave("W1", dt.date(2025, 3, 3)).wave("W2", dt.date(2025, 4, 14)).wave("W3", dt.date(2025, 12, 29), closed=False)
    for wave, shift in (("W1", 0.0), ("W2", 0.5), ("W3", 0.0)):
        o.answer(wave, "A1", [4.0, 3.0, 5.0, 4.0, 4.0, 3.0, 4.0, 4.0, 5.0], scales=SCALES)
        o.answer(wave, "A2", [2.0 + shift, 3.0, 2.0, 3.0, 2.0, 3.0, 2.0], scales=SCALES)
        o.answer(wave, "A3", [1.0, 1.0, 2.0], scales=SCALES)
        o.answer(wave, "R1", [4.0] * 10, scales=SCALES)
        o.answer(wave, "R2", [3.0, 4.0 - shift] * 5, scales=SCALES)
    o.wave("E1", dt.date(2025, 4, 1), kind="exit")
    o.answer("E1", "R1", [2.0] * 6, reason="pay")
    with store.session() as s:  # exit answers are stored by site only
        for response in s.scalars(select(Response).where(Response.wave_id == o.wave_ids["E1"])):
            response.site_id, response.team_id = o.site_ids["Rotterdam"], None
    # two-thirds rule: a response with 1 of 3 engagement items has no engagement score, one
    # with 2 of 3 has one; both keep their other scales
    with store.session() as s:
        first, second = s.scalars(
            select(Response.id).where(Response.wave_id == o.wave_ids["W1"]).order_by(Response.id).limit(2)
        ).all()
        items = s.scalars(select(InstrumentItem.item_id).where(InstrumentItem.scale == "engagement")).all()
        items = sorted(set(items))
        s.execute(delete(Answer).where(Answer.response_id == first, Answer.item_id.in_(items[:2])))
        s.execute(delete(Answer).where(Answer.response_id == second, Answer.item_id.in_(items[:1])))
    return o


def _doors(store):
    fast, slow = Door(store, today=TODAY), Door(store, today=TODAY)
    slow._set_based = False
    return fast, slow


def _same(a: pd.DataFrame, b: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-9, atol=1e-9)


def test_set_based_scale_scores_equal_the_per_response_path(store):
    _org(store)
    fast, slow = _doors(store)
    for by in ("team", "site", "organisation"):
        sql = fast.scale_scores(by=by, waves="all")
        check_published(sql)
        _same(sql, slow.scale_scores(by=by, waves="all"))
        assert sql["suppressed"].any() and (~sql["suppressed"]).any() and sql["reason"].eq("open_wave").any()
    # the set-based door has not loaded a single response
    assert ("survey", "pulse") not in fast._cache and ("survey", "pulse") in slow._cache
    _same(fast.scale_scores(by="site", kind="exit"), slow.scale_scores(by="site", kind="exit"))
    _same(
        fast.scale_scores(by="team", filters={"site": "Amsterdam"}),
        slow.scale_scores(by="team", filters={"site": "Amsterdam"}),
    )
    # a demographic filter goes the per-response way on both doors
    _same(
        fast.scale_scores(by="organisation", filters={"contract_type": "unknown"}),
        slow.scale_scores(by="organisation", filters={"contract_type": "unknown"}),
    )
    # the two-thirds rule holds in SQL: one W1 response in fewer engagement scores than wellbeing
    w1 = fast.scale_scores(by="organisation", waves=["W1"]).set_index("scale")
    assert w1.loc["engagement", "n"] == w1.loc["wellbeing", "n"] - 1


def test_set_based_response_rates_and_plans_equal_the_per_response_path(store):
    _org(store)
    fast, slow = _doors(store)
    for kind in ("pulse", "exit"):
        for by in ("team", "site", "organisation"):
            sql = fast.response_rates(by=by, waves="all", kind=kind)
            check_published(sql)
            _same(sql, slow.response_rates(by=by, waves="all", kind=kind))
    for metric in ("responses", "engagement", "wellbeing"):
        assert fast._counts("pulse", metric) == slow._counts("pulse", metric)
        assert fast._plans("pulse", metric) == slow._plans("pulse", metric)
    assert fast._counts("exit", "responses") == slow._counts("exit", "responses")
    _same(fast.enps_by(by="team"), slow.enps_by(by="team"))
    # distributions from the database's counts per scale score: the same bins (scores on the
    # edges: 2.5 on 1-5, 80 on WHO-5's 0-100, 5 and 100 in the closed last bin), shares,
    # suppression and open-wave rows as np.histogram over every response
    for kind, levels in (("pulse", ("team", "site", "organisation")), ("exit", ("site",))):
        frames = []
        for by in levels:
            frames.append(fast.score_distribution(by=by, waves="all", kind=kind))
            check_published(frames[-1])
            _same(frames[-1], slow.score_distribution(by=by, waves="all", kind=kind))
        both = pd.concat(frames)
        assert both["count"].sum() > 0 and (kind == "exit" or both["suppressed"].any())
    # a demographic filter goes the per-response way on both doors
    _same(
        fast.score_distribution(by="organisation", filters={"contract_type": "unknown"}),
        slow.score_distribution(by="organisation", filters={"contract_type": "unknown"}),
    )
    assert ("survey", "exit") not in fast._cache


def test_histogram_of_counted_scores_is_numpys_histogram():
    edges = _bin_edges(1.0, 5.0)
    values = np.array([1.0, 1.2, 1.5, 2.4999999, 2.5, 3.0, 4.9, 5.0, 5.0, 0.5, 5.5, np.nan])
    scores, counts = np.unique(values, return_counts=True)
    np.testing.assert_array_equal(histogram(scores, counts, edges), np.histogram(values, bins=edges)[0])
    for lo, hi in ((0.0, 10.0), (0.0, 100.0)):
        edges = _bin_edges(lo, hi)
        values = np.concatenate([edges, edges[:-1] + 1e-9, [lo - 1, hi + 1]])
        scores, counts = np.unique(values, return_counts=True)
        np.testing.assert_array_equal(histogram(scores, counts, edges), np.histogram(values, bins=edges)[0])
