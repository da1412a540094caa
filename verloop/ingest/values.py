"""Typing text cells, column at a time: numbers (Dutch decimal commas), dates, months, yes/no.

Every parser takes a column of stripped strings (``""`` = empty cell) with the spreadsheet
row numbers, and returns the typed column plus one ``Problem`` per refused cell (the first
rule a cell breaks). Columns repeat their values a lot (teams, dates, hours), so each parser
works on the distinct values only — vectorised with pandas string methods — and spreads the
result back over the rows; Python loops run only over refused cells.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable

import numpy as np
import pandas as pd

from verloop.ingest.report import Problem

YEAR_MIN = 1900
YEAR_MAX = 2200
_GROUP_SPACE = r"(?<=\d)[ \u00a0\u202f'](?=\d{3}(?!\d))"  # 1 234,5 / 1'234.5 as thousands
_PLAIN = re.compile(r"[+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)")  # one separator = the decimal one
_NL_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_EN_THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_EXPONENT = re.compile(r"[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d{1,3}")
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_ISO_DATE = re.compile(rf"(?P<y>\d{{4}})(?P<s>[-/.])(?P<m>\d{{1,2}})(?P=s)(?P<d>\d{{1,2}}){_TIME}")
_NL_DATE = re.compile(rf"(?P<d>\d{{1,2}})(?P<s>[-/.])(?P<m>\d{{1,2}})(?P=s)(?P<y>\d{{4}}){_TIME}")
_ISO_MONTH = re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})")
_NL_MONTH = re.compile(r"(?P<m>\d{1,2})[-/.](?P<y>\d{4})")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SPACES = re.compile(r"\s+")

TRUE_WORDS = ("yes", "ja", "y", "j", "1", "true", "waar")
FALSE_WORDS = ("no", "nee", "n", "0", "false", "onwaar")
DATE_EXPECTED = "a date like 2024-03-31, 31-03-2024 or 31/03/2024"
MONTH_EXPECTED = "a month like 2024-03, 03-2024 or 2024-03-01"

# A core parser maps distinct cell texts to (typed values, expected-text or None per value).
Core = Callable[[pd.Series], tuple[pd.Series, pd.Series]]


def _on_distinct(values: pd.Series, rows: np.ndarray, column: str, core: Core) -> tuple[pd.Series, list[Problem]]:
    """Run ``core`` on the distinct values, spread typed values and problems back to every row."""
    values = values.astype(str)
    codes, uniques = pd.factorize(values, sort=False)
    distinct = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
    typed, expected = core(distinct)
    typed_all = pd.Series(typed.to_numpy().take(codes), index=values.index)
    if typed.dtype.kind in "fM":
        typed_all = typed_all.astype(typed.dtype)
    expected_all = np.asarray(expected.to_numpy(dtype=object), dtype=object).take(codes)
    bad = np.flatnonzero(pd.notna(expected_all))
    problems = [Problem(int(rows[i]), column, values.iat[i], expected_all[i]) for i in bad]
    return typed_all, problems


def _flag(expected: pd.Series, mask, message: str) -> None:
    """Give ``message`` to the cells in mask that have no problem yet (first rule broken wins)."""
    mask = pd.Series(np.asarray(mask, dtype=bool), index=expected.index) & expected.isna()
    expected[mask] = message


def _no_problems(s: pd.Series) -> pd.Series:
    return pd.Series(np.full(len(s), None, dtype=object), index=s.index)


def text(
    values: pd.Series,
    rows: np.ndarray,
    column: str,
    *,
    required: bool,
    max_length: int,
    collapse_spaces: bool = False,
) -> tuple[pd.Series, list[Problem]]:
    """Names and ids: NFC-normalised, no control characters, not too long, not empty when required."""

    def core(s: pd.Series):
        cleaned = s.map(lambda x: unicodedata.normalize("NFC", x)) if s.str.contains(r"[^\x00-\x7f]").any() else s
        if collapse_spaces:
            cleaned = cleaned.str.replace(_SPACES, " ", regex=True)
        expected = _no_problems(s)
        empty = cleaned == ""
        if required:
            _flag(expected, empty, f"a {column.replace('_', ' ')} (this cell is empty)")
        _flag(expected, cleaned.str.contains(_CONTROL), "text without control characters or line breaks")
        _flag(expected, cleaned.str.len() > max_length, f"at most {max_length} characters")
        return cleaned, expected

    return _on_distinct(values, rows, column, core)


def numbers(
    values: pd.Series,
    rows: np.ndarray,
    column: str,
    *,
    low: float,
    high: float,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
    required: bool = False,
    percent: bool = False,
    expected: str,
) -> tuple[pd.Series, list[Problem]]:
    """Decimal numbers in Dutch or English notation ("12,5", "12.5", "1.234,5", "1,234.5"), range-checked.

    A single ',' or '.' is the decimal separator; thousands separators are recognised only in
    groups of three next to the other decimal mark. ``percent`` also allows a trailing '%'.
    Empty cells are NaN (refused when ``required``).
    """

    def core(raw: pd.Series):
        s = raw.str.replace(_GROUP_SPACE, "", regex=True)
        if percent:
            s = s.str.replace(r"\s*%$", "", regex=True)
        plain = s.str.fullmatch(_PLAIN)
        nl = ~plain & s.str.fullmatch(_NL_THOUSANDS)
        en = ~plain & ~nl & s.str.fullmatch(_EN_THOUSANDS)
        exp = ~plain & ~nl & ~en & s.str.fullmatch(_EXPONENT)
        converted = pd.Series(np.full(len(s), None, dtype=object), index=s.index)
        converted[plain | exp] = s[plain | exp].str.replace(",", ".", regex=False)
        converted[nl] = s[nl].str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        converted[en] = s[en].str.replace(",", "", regex=False)
        parsed = pd.to_numeric(converted, errors="coerce").astype("float64")
        readable = (plain | nl | en | exp) & parsed.notna()
        problems = _no_problems(raw)
        empty = raw == ""
        if required:
            _flag(problems, empty, f"{expected} (this cell is empty)")
        _flag(problems, ~empty & ~readable, expected)
        with np.errstate(invalid="ignore"):
            too_low = parsed < low if low_inclusive else parsed <= low
            too_high = parsed > high if high_inclusive else parsed >= high
        _flag(problems, readable & (too_low | too_high | ~np.isfinite(parsed.fillna(0.0))), expected)
        return parsed.where(problems.isna()), problems

    return _on_distinct(values, rows, column, core)


def _from_parts(year: pd.Series, month: pd.Series, day: pd.Series) -> pd.Series:
    """datetime64 from numeric parts; NaT where any part is missing or the date does not exist."""
    ok = year.notna() & month.notna() & day.notna()
    ok &= (year >= YEAR_MIN) & (year <= YEAR_MAX) & (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)
    parts = pd.DataFrame(
        {"year": year.where(ok, 2000), "month": month.where(ok, 1), "day": day.where(ok, 1)}
    ).astype("int64")
    if len(parts) == 0:
        return pd.Series(pd.to_datetime([]), index=year.index)
    stamps = pd.to_datetime(parts, errors="coerce")
    return stamps.where(ok)


def _numeric(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce")


def _date_core(latest: dt.date, required: bool, shape_message: str = DATE_EXPECTED) -> Core:
    def core(s: pd.Series):
        is_iso = s.str.fullmatch(_ISO_DATE)
        is_nl = ~is_iso & s.str.fullmatch(_NL_DATE)
        iso = s.str.extract(_ISO_DATE)
        nl = s.str.extract(_NL_DATE)
        year = _numeric(iso["y"].where(is_iso, nl["y"].where(is_nl)))
        month = _numeric(iso["m"].where(is_iso, nl["m"].where(is_nl)))
        day = _numeric(iso["d"].where(is_iso, nl["d"].where(is_nl)))
        stamps = _from_parts(year, month, day)
        problems = _no_problems(s)
        empty = s == ""
        shaped = is_iso | is_nl
        if required:
            _flag(problems, empty, f"{shape_message} (this cell is empty)")
        _flag(problems, ~empty & ~shaped, shape_message)
        _flag(problems, shaped & ((year < YEAR_MIN) | (year > YEAR_MAX)),
              f"a date from {YEAR_MIN} onwards, not in the far future")
        _flag(problems, shaped & stamps.isna(), "a date that exists (day-month-year, or year-month-day)")
        _flag(problems, stamps > pd.Timestamp(latest), f"a date not after {latest.isoformat()}")
        return stamps.where(problems.isna()), problems

    return core


def dates(
    values: pd.Series, rows: np.ndarray, column: str, *, required: bool, latest: dt.date
) -> tuple[pd.Series, list[Problem]]:
    """ISO (2024-03-31) or Dutch day-first (31-03-2024, 3-1-2024, 31/03/2024, 31.03.2024) dates; NaT if empty."""
    return _on_distinct(values, rows, column, _date_core(latest, required))


def months(
    values: pd.Series, rows: np.ndarray, column: str, *, latest: dt.date
) -> tuple[pd.Series, list[Problem]]:
    """yyyy-mm, mm-yyyy or a full date (ISO or day-first), as the first day of that month; required."""
    full_date = _date_core(dt.date(YEAR_MAX, 12, 31), required=False, shape_message=MONTH_EXPECTED)

    def core(s: pd.Series):
        a = s.str.fullmatch(_ISO_MONTH)
        b = ~a & s.str.fullmatch(_NL_MONTH)
        iso_m = s.str.extract(_ISO_MONTH)
        nl_m = s.str.extract(_NL_MONTH)
        year = _numeric(iso_m["y"].where(a, nl_m["y"].where(b)))
        month = _numeric(iso_m["m"].where(a, nl_m["m"].where(b)))
        stamps = _from_parts(year, month, pd.Series(1.0, index=s.index).where(a | b))
        problems = _no_problems(s)
        _flag(problems, s == "", f"{MONTH_EXPECTED} (this cell is empty)")
        _flag(problems, (a | b) & stamps.isna(), f"{MONTH_EXPECTED} (month 1-12, year from {YEAR_MIN})")
        rest = ~(a | b) & (s != "")
        if rest.any():
            full, full_problems = full_date(s[rest])
            stamps[rest] = full.dt.to_period("M").dt.to_timestamp()
            problems[rest] = full_problems
        limit = pd.Timestamp(latest.replace(day=1))
        _flag(problems, stamps > limit, f"a month not after the current month ({latest.strftime('%Y-%m')})")
        return stamps.where(problems.isna()), problems

    return _on_distinct(values, rows, column, core)


def booleans(values: pd.Series, rows: np.ndarray, column: str) -> tuple[pd.Series, list[Problem]]:
    """yes/no, ja/nee, 1/0, true/false (any case); empty = unknown (None)."""
    mapping = {**{w: True for w in TRUE_WORDS}, **{w: False for w in FALSE_WORDS}}
    return choice(values, rows, column, mapping, "yes or no (also ja/nee, 1/0, true/false) or empty")


def choice(
    values: pd.Series, rows: np.ndarray, column: str, mapping: dict, expected: str
) -> tuple[pd.Series, list[Problem]]:
    """A word from a fixed list (case-insensitive, with synonyms); empty = None."""

    def core(s: pd.Series):
        lowered = s.str.lower()
        parsed = lowered.map(mapping)
        problems = _no_problems(s)
        _flag(problems, (lowered != "") & parsed.isna(), expected)
        return parsed.astype(object).where(parsed.notna(), None), problems

    return _on_distinct(values, rows, column, core)


def name_key(names: pd.Series) -> pd.Series:
    """How names are matched (teams, sites): case-insensitive, spaces collapsed."""
    names = names.astype(str)
    codes, uniques = pd.factorize(names, sort=False)
    keys = pd.Series(np.asarray(uniques, dtype=object), dtype=object)
    keys = keys.str.replace(_SPACES, " ", regex=True).str.strip().str.casefold()
    return pd.Series(keys.to_numpy().take(codes) if len(codes) else [], index=names.index, dtype=object)


def python_dates(stamps: pd.Series) -> pd.Series:
    """datetime64 → object column of ``datetime.date`` / None, as the database driver wants."""
    out = pd.Series(np.full(len(stamps), None, dtype=object), index=stamps.index)
    ok = stamps.notna()
    if ok.any():
        codes, uniques = pd.factorize(stamps[ok])
        out[ok] = np.asarray([d.date() for d in uniques], dtype=object).take(codes)
    return out
