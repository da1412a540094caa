"""Cell parsers: Dutch and English numbers, day-first and ISO dates, months, yes/no words."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from verloop.ingest import values as v


def run(parser, cells, **kwargs):
    series = pd.Series(cells, dtype=object)
    rows = np.arange(len(cells)) + 2
    return parser(series, rows, "c", **kwargs)


HOURS = dict(low=0, high=60, low_inclusive=False, expected="hours")


@pytest.mark.parametrize(
    "cell, number",
    [
        ("12,5", 12.5),
        ("12.5", 12.5),
        (" 36 ", 36.0),
        ("1.234,5", 1234.5),
        ("1,234.5", 1234.5),
        ("1 234,5", 1234.5),
        ("1\u00a0234", 1234.0),
        (",5", 0.5),
        ("+7", 7.0),
        ("1,5e1", 15.0),
        ("1,234", 1.234),
    ],
)
def test_numbers_read_both_notations(cell, number):
    parsed, problems = run(v.numbers, [cell.strip()], low=-1e9, high=1e9, expected="a number")
    assert problems == [] and parsed.iat[0] == pytest.approx(number)


@pytest.mark.parametrize("cell", ["abc", "12,5,5", "1.2.3", "nan", "inf", "-", "12 uur", "1e999", "9" * 400, "0x10"])
def test_numbers_refuse_non_numbers(cell):
    parsed, problems = run(v.numbers, [cell], low=-1e300, high=1e300, expected="a number")
    assert [(p.row, p.value, p.expected) for p in problems] == [(2, cell, "a number")]
    assert parsed.isna().all()


def test_number_ranges_and_required():
    parsed, problems = run(v.numbers, ["0", "60", "60,01", "", "0,1"], required=True, **HOURS)
    assert [p.row for p in problems] == [2, 4, 5]
    assert "empty" in problems[-1].expected
    assert list(parsed.fillna(-1)) == [-1, 60.0, -1, -1, 0.1]


def test_percent_sign_only_where_allowed():
    _, problems = run(v.numbers, ["85%", "85 %"], low=0, high=100, percent=True, expected="pct")
    assert problems == []
    _, problems = run(v.numbers, ["85%"], low=0, high=100, expected="pct")
    assert len(problems) == 1


def test_repeated_values_each_reported():
    parsed, problems = run(v.numbers, ["x", "5", "x"], low=0, high=10, expected="n")
    assert [p.row for p in problems] == [2, 4]
    assert parsed.iat[1] == 5.0


@pytest.mark.parametrize(
    "cell, date",
    [
        ("2024-03-31", (2024, 3, 31)),
        ("31-03-2024", (2024, 3, 31)),
        ("3-1-2024", (2024, 1, 3)),
        ("31/03/2024", (2024, 3, 31)),
        ("31.03.2024", (2024, 3, 31)),
        ("2024/3/5", (2024, 3, 5)),
        ("2024-03-31 00:00:00", (2024, 3, 31)),
        ("2024-03-31T08:15", (2024, 3, 31)),
    ],
)
def test_dates_iso_and_day_first(cell, date):
    parsed, problems = run(v.dates, [cell], required=True, latest=dt.date(2030, 1, 1))
    assert problems == [] and parsed.iat[0] == pd.Timestamp(*date)


@pytest.mark.parametrize(
    "cell, words",
    [
        ("31-02-2024", "exists"),
        ("2024-13-01", "exists"),
        ("13/31/2024", "exists"),
        ("24-03-31", "like"),
        ("maart 2024", "like"),
        ("1899-12-31", "1900"),
        ("0001-01-01", "1900"),
        ("2031-01-01", "not after"),
        ("2024-03-31-01", "like"),
        ("2024-03/31", "like"),
        ("", "empty"),
    ],
)
def test_dates_refused(cell, words):
    parsed, problems = run(v.dates, [cell], required=True, latest=dt.date(2030, 1, 1))
    assert len(problems) == 1 and words in problems[0].expected
    assert parsed.isna().all()


def test_optional_date_may_be_empty():
    parsed, problems = run(v.dates, ["", "2020-01-01"], required=False, latest=dt.date(2030, 1, 1))
    assert problems == [] and parsed.isna().iat[0]
    assert list(v.python_dates(parsed)) == [None, dt.date(2020, 1, 1)]


@pytest.mark.parametrize("cell", ["2024-03", "03-2024", "3-2024", "2024-03-01", "2024-03-17", "17-03-2024", "2024/03"])
def test_months_to_first_day(cell):
    parsed, problems = run(v.months, [cell], latest=dt.date(2025, 6, 15))
    assert problems == [] and parsed.iat[0] == pd.Timestamp(2024, 3, 1)


@pytest.mark.parametrize(
    "cell, words",
    [("2024-13", "1-12"), ("", "empty"), ("2025-07", "current month"), ("maart", "like"), ("2024-02-30", "exists")],
)
def test_months_refused(cell, words):
    _, problems = run(v.months, [cell], latest=dt.date(2025, 6, 15))
    assert len(problems) == 1 and words in problems[0].expected


def test_booleans_and_choices():
    parsed, problems = run(v.booleans, ["Ja", "nee", "1", "0", "TRUE", "false", "yes", "No", "", "misschien"])
    assert list(parsed) == [True, False, True, False, True, False, True, False, None, None]
    assert [p.value for p in problems] == ["misschien"]
    parsed, problems = run(
        v.choice,
        ["Vrijwillig", "onvrijwillig", "x", ""],
        mapping={"vrijwillig": "voluntary", "onvrijwillig": "involuntary"},
        expected="a kind",
    )
    assert list(parsed) == ["voluntary", "involuntary", None, None] and [p.row for p in problems] == [4]


def test_text_rules():
    cells = ["  ok", "", "a\tb", "x" * 101, "Cafe\u0301", "two  spaces"]
    parsed, problems = run(v.text, cells, required=True, max_length=100, collapse_spaces=True)
    assert [p.row for p in problems] == [3, 5]  # 'a\tb' collapses to 'a b'; too long
    assert parsed.iat[4] == "Café" and parsed.iat[5] == "two spaces"
    _, problems = run(v.text, ["a\tb", "a\x00b"], required=False, max_length=100)
    assert [p.row for p in problems] == [2, 3]


def test_name_key_matches_case_and_spacing():
    keys = v.name_key(pd.Series(["Team  A", "team a", " TEAM A "]))
    assert keys.nunique() == 1


def test_empty_columns_parse():
    for parser, kwargs in [
        (v.numbers, dict(low=0, high=1, expected="n")),
        (v.dates, dict(required=True, latest=dt.date(2030, 1, 1))),
        (v.months, dict(latest=dt.date(2030, 1, 1))),
        (v.booleans, {}),
    ]:
        parsed, problems = run(parser, [], **kwargs)
        assert len(parsed) == 0 and problems == []
