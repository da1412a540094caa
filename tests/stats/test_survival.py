"""Kaplan–Meier with delayed entry against lifelines and values by hand; the log-rank test with
delayed entry against lifelines and by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from lifelines import KaplanMeierFitter
from lifelines.datasets import load_rossi
from lifelines.statistics import multivariate_logrank_test

from verloop.errors import InputError
from verloop.stats import kaplan_meier, logrank_test


def _rossi_groups():
    """Time to re-arrest (weeks) of 432 released prisoners, grouped by prior convictions."""
    rossi = load_rossi()
    group = pd.cut(rossi["prio"], [-1, 0, 2, 100], labels=["none", "1-2", "3+"]).astype(str)
    return rossi["week"].to_numpy(float), rossi["arrest"].to_numpy(bool), group.to_numpy()


# -- log-rank ------------------------------------------------------------------------------------


def test_logrank_without_entry_equals_lifelines():
    duration, event, group = _rossi_groups()
    ours = logrank_test(duration, event, group)
    theirs = multivariate_logrank_test(duration, group, event)
    assert ours.statistic == pytest.approx(theirs.test_statistic, rel=1e-9)
    assert ours.p_value == pytest.approx(theirs.p_value, rel=1e-7)
    assert ours.df == 2
    assert ours.table["observed"].sum() == event.sum()
    assert ours.table["observed"].sum() == pytest.approx(ours.table["expected"].sum())


def test_logrank_with_delayed_entry_by_hand():
    # group A: (entry, duration, event) = (0,2,1) (1,3,1) (0,4,0); group B: (0,1,1) (2,5,1) (0,3,0)
    # risk sets entry < t <= duration: t=1 A2 B2 dB; t=2 A3 B1 dA; t=3 A2 B2 dA; t=5 A0 B1 dB
    # O_A = 2, E_A = .5 + .75 + .5 + 0 = 1.75, V = .25 + .1875 + .25 = .6875
    entry = [0, 1, 0, 0, 2, 0]
    duration = [2, 3, 4, 1, 5, 3]
    event = [1, 1, 0, 1, 1, 0]
    group = ["A", "A", "A", "B", "B", "B"]
    result = logrank_test(duration, event, group, entry)
    assert result.statistic == pytest.approx(0.25**2 / 0.6875)
    expected = result.table.set_index("group")["expected"]
    assert expected["A"] == pytest.approx(1.75)


def test_logrank_common_delayed_entry_is_a_time_shift():
    duration, event, group = _rossi_groups()
    shifted = logrank_test(duration + 5.0, event, group, entry=np.full(len(duration), 5.0))
    plain = logrank_test(duration, event, group)
    assert shifted.statistic == pytest.approx(plain.statistic)


def test_logrank_rejects_bad_input():
    with pytest.raises(InputError):
        logrank_test([1, 2], [1, 1], ["a", "a"])
    with pytest.raises(InputError):
        logrank_test([1, 2], [1, 1], ["a", "b"], entry=[3, 0])


# -- Kaplan–Meier ----------------------------------------------------------------------------------


def test_kaplan_meier_by_hand():
    # durations 1 2 2 3 4 5, events 1 1 0 1 0 1: S(1) = 5/6, S(2) = 5/6·4/5 = 2/3 (one event, one
    # censored at 2), S(3) = 2/3·2/3 = 4/9, S(5) = 0
    km = kaplan_meier([1, 2, 2, 3, 4, 5], [1, 1, 0, 1, 0, 1])
    assert km.at(0.5)[0] == 1.0
    assert km.at(1)[0] == pytest.approx(5 / 6)
    assert km.at(2.5)[0] == pytest.approx(2 / 3)
    assert km.at(3)[0] == pytest.approx(4 / 9)
    assert km.at(5)[0] == 0.0
    assert km.median == 3.0
    assert list(km.curve.columns) == ["time", "survival", "ci_low", "ci_high", "at_risk"]
    assert km.curve["at_risk"].tolist()[:3] == [6, 6, 5]
    assert km.at_risk([0, 1.5, 4.5]).tolist() == [6, 5, 1]


def test_kaplan_meier_equals_lifelines_with_delayed_entry():
    rng = np.random.default_rng(3)
    durations = rng.exponential(12, 300).round(1) + 0.1
    events = rng.random(300) < 0.7
    entry = np.where(rng.random(300) < 0.4, durations * rng.random(300), 0.0)
    km = kaplan_meier(durations, events, entry=entry)
    reference = KaplanMeierFitter().fit(durations, events, entry=entry)
    sf = reference.survival_function_.iloc[:, 0]
    assert np.allclose(km.curve["survival"], sf.to_numpy())
    assert np.allclose(km.curve["ci_low"], reference.confidence_interval_.iloc[:, 0])
    assert np.allclose(km.curve["ci_high"], reference.confidence_interval_.iloc[:, 1])
    assert km.median == pytest.approx(reference.median_survival_time_)
    # left truncation matters: ignoring the entry times overstates survival here
    naive = kaplan_meier(durations, events)
    assert km.at(12)[0] < naive.at(12)[0]


def test_kaplan_meier_interval_is_log_minus_log_greenwood():
    km = kaplan_meier([2, 3, 3, 5, 8, 9, 12], [1, 1, 0, 1, 1, 0, 1])
    s, lo, hi = km.at(5)
    # by hand: deaths at 2 (7 at risk), 3 (6 at risk; the censored 3 leaves after it), 5 (4 at risk)
    greenwood = 1 / (7 * 6) + 1 / (6 * 5) + 1 / (4 * 3)
    expected_s = (6 / 7) * (5 / 6) * (3 / 4)
    assert s == pytest.approx(expected_s)
    se = np.sqrt(greenwood) / abs(np.log(expected_s))
    z = 1.959963984540054
    assert lo == pytest.approx(np.exp(-np.exp(np.log(-np.log(expected_s)) + z * se)))
    assert hi == pytest.approx(np.exp(-np.exp(np.log(-np.log(expected_s)) - z * se)))


def test_kaplan_meier_rejects_what_it_cannot_estimate():
    with pytest.raises(InputError):
        kaplan_meier([], [])
    with pytest.raises(InputError):
        kaplan_meier([1, 2], [1, 1], entry=[3, 0])
    frame = pd.DataFrame({"d": [5.0, 6.0], "e": [True, True], "entry": [4.0, 4.0]})
    km = kaplan_meier(frame["d"], frame["e"], entry=frame["entry"])  # late entry only: still estimable
    assert km.at(5)[0] == pytest.approx(0.5)
