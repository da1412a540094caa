"""The calendar of the data: end of data, the default period, the two ways of adding months."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from verloop.domain import (
    DAYS_PER_MONTH,
    LEAD_STYLES,
    REASON_GROUPS,
    SAFE_REASONS,
    SENSITIVE_REASONS,
    Period,
    as_date,
    end_of_data,
    last_months,
    month_end,
    month_start,
    resolve_period,
    shift_months,
)

D = dt.date


def test_month_start_counts_whole_months_across_years():
    assert month_start(D(2026, 10, 15)) == D(2026, 10, 1)
    assert month_start(D(2026, 10, 15), 1) == D(2026, 11, 1)
    assert month_start(D(2026, 10, 15), 3) == D(2027, 1, 1)
    assert month_start(D(2026, 1, 31), -13) == D(2024, 12, 1)
    assert month_start(pd.Timestamp("2026-03-31 12:00")) == D(2026, 3, 1)


def test_shift_months_keeps_the_day_and_clips_at_month_end():
    assert shift_months(pd.Timestamp("2026-01-15"), 6) == pd.Timestamp("2026-07-15")
    assert shift_months(pd.Timestamp("2026-01-31"), 1) == pd.Timestamp("2026-02-28")
    assert shift_months(D(2024, 1, 31), 1) == pd.Timestamp("2024-02-29")
    assert shift_months(pd.Timestamp("2026-05-10"), -12) == pd.Timestamp("2025-05-10")
    # the two meanings differ: a follow-up window against a whole-month period
    assert shift_months(D(2026, 1, 15), 1).date() != month_start(D(2026, 1, 15), 1)


def test_month_end_and_as_date():
    assert month_end(D(2024, 2, 10)) == D(2024, 2, 29) and month_end(D(2026, 12, 1)) == D(2026, 12, 31)
    assert as_date("2026-03-02T10:00") == D(2026, 3, 2)
    assert as_date(pd.NaT) is None and as_date(float("nan")) is None and as_date(None) is None


def test_end_of_data_is_the_last_recorded_day_never_after_today():
    today = D(2026, 11, 15)
    assert end_of_data(exits=[D(2026, 10, 31)], kpi_months=[D(2026, 9, 1)], today=today) == D(2026, 10, 31)
    assert end_of_data(kpi_months=[D(2026, 10, 1)], today=today) == D(2026, 10, 31)  # a KPI month counts to its end
    assert end_of_data(exits=[D(2027, 1, 31)], today=today) == today  # a planned exit is not data yet
    assert end_of_data(hires=pd.Series(pd.to_datetime(["2026-03-02", None])), today=today) == D(2026, 3, 2)
    assert end_of_data(today=today) is None


def test_last_twelve_months_are_whole_months_ending_on_the_end_of_data():
    assert last_months(D(2026, 10, 15)) == Period(D(2025, 11, 1), D(2026, 10, 15))
    assert last_months(D(2026, 10, 31), 3) == (D(2026, 8, 1), D(2026, 10, 31))
    assert last_months(D(2026, 10, 31), 12, first_day=D(2026, 2, 20)) == (D(2026, 2, 1), D(2026, 10, 31))
    assert last_months(D(2026, 10, 31), 0, first_day=D(2024, 5, 3)) == (D(2024, 5, 1), D(2026, 10, 31))
    assert last_months(D(2026, 10, 31), 0) == (None, D(2026, 10, 31))
    assert last_months(None) == (None, None)
    assert Period(D(2025, 11, 1), D(2026, 10, 31)).years == pytest.approx(365 / 365.25)


def test_resolve_period_completes_what_the_caller_left_out():
    last = D(2026, 10, 15)
    assert resolve_period(last_day=last) == last_months(last)
    assert resolve_period(end="2026-06-30", last_day=last) == (D(2025, 7, 1), D(2026, 6, 30))
    assert resolve_period(start=D(2026, 1, 1), last_day=last) == (D(2026, 1, 1), last)
    assert resolve_period("2026-01-01", "2026-03-31", last_day=None) == (D(2026, 1, 1), D(2026, 3, 31))
    assert resolve_period(last_day=last, first_day=D(2026, 4, 9)).start == D(2026, 4, 1)
    with pytest.raises(ValueError):
        resolve_period(last_day=None)


def test_constants_agree_with_each_other():
    assert DAYS_PER_MONTH == pytest.approx(30.4375)
    assert not SAFE_REASONS & SENSITIVE_REASONS and REASON_GROUPS == ("safe", "sensitive", "other")
    assert LEAD_STYLES == ("servant", "neutral", "taylorist")
