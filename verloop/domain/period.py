"""The calendar of the data: its end, whole months, and the default period.

One definition each, used by the dashboards, the door (and so the CLI export), the models and
the notebooks:

* ``end_of_data`` — the last day something was *recorded*, never after today (what is planned,
  such as an open wave's closing day or a future exit date, is not data yet).
  ``verloop.status.data_span`` applies it to what a database holds.
* ``last_months`` — "the last 12 months": whole calendar months ending with the month of the
  end of the data, the last one cut at the end of the data, and never starting before the data.
* ``resolve_period`` — a period given in part (start and/or end, or neither) completed by the
  two rules above.
* Two ways of adding months, which mean different things: ``month_start(day, n)`` is the first
  day of the month ``n`` months after ``day``'s month (whole-month periods);
  ``shift_months(day, n)`` is the same day of the month ``n`` months later (follow-up windows:
  "within 6 months of the wave").
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

import pandas as pd

from verloop.domain.constants import DAYS_PER_YEAR

DEFAULT_MONTHS = 12
"""The default period: the last 12 months of data."""


def as_date(value) -> dt.date | None:
    """A date (or None) from a date, datetime, pandas Timestamp or ISO string; NaN/NaT → None."""
    if value is None:
        return None
    try:
        if value != value:  # NaN / NaT
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def month_start(day, months: int = 0) -> dt.date:
    """The first day of the month ``months`` months after ``day``'s month (0: its own month)."""
    day = as_date(day)
    index = day.year * 12 + day.month - 1 + int(months)
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(day) -> dt.date:
    """The last day of ``day``'s month."""
    day = as_date(day)
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def shift_months(day, months: int) -> pd.Timestamp:
    """The same day of the month ``months`` months later (the month's last day where that month
    is shorter: 31 Jan + 1 month = 28/29 Feb), as a Timestamp with ``day``'s time of day."""
    return pd.Timestamp(day) + pd.DateOffset(months=int(months))


def end_of_data(
    *,
    exits: Iterable = (),
    hires: Iterable = (),
    kpi_months: Iterable = (),
    responses: Iterable = (),
    closed_waves: Iterable = (),
    today: dt.date | None = None,
) -> dt.date | None:
    """THE end of the data (one definition for the dashboards, the door, the models and their
    cards): the last day something was *recorded* — an exit, a hire, the end of a KPI month, a
    submitted response, the closing day of a closed wave that has responses — never after
    ``today``.

    What is planned does not count: an open wave's closing day (e.g. a quarter's exit wave
    that closes on 31 December) is not data yet, nor is a future hire or exit date. ``None``
    when nothing is dated. Each argument takes dates (or the one latest date) of its kind.
    """
    today = as_date(today) or dt.date.today()
    candidates = []
    for values, as_month in (
        (exits, False),
        (hires, False),
        (kpi_months, True),
        (responses, False),
        (closed_waves, False),
    ):
        if values is None or isinstance(values, (str, dt.date)) or not hasattr(values, "__iter__"):
            values = [values]
        for value in values:
            day = as_date(value)
            if day is None:
                continue
            day = month_end(day) if as_month else day
            candidates.append(min(day, today))
    return max(candidates) if candidates else None


class Period(NamedTuple):
    """A closed interval of days [start, end] (both included); unpacks as ``start, end``."""

    start: dt.date | None
    end: dt.date | None

    @property
    def years(self) -> float:
        """Length in years (days / 365.25), both ends included."""
        return ((self.end - self.start).days + 1) / DAYS_PER_YEAR


def last_months(last_day, months: int = DEFAULT_MONTHS, first_day=None) -> Period:
    """ "The last ``months`` months" of data ending on ``last_day`` (the end of the data): whole
    calendar months, the last one ending on ``last_day``; never before the month of
    ``first_day`` (the data's first day, if known). ``months=0`` means all data (from the month
    of ``first_day``, or ``None`` when that is unknown)."""
    end = as_date(last_day)
    if end is None:
        return Period(None, None)
    first = month_start(first_day) if as_date(first_day) is not None else None
    if not months:
        return Period(first, end)
    start = month_start(end, -(int(months) - 1))
    if first is not None and start < first:
        start = first
    return Period(start, end)


def resolve_period(start=None, end=None, *, last_day, first_day=None, months: int = DEFAULT_MONTHS) -> Period:
    """The period a caller means: ``end`` defaults to ``last_day`` (the end of the data), and
    ``start`` to the start of the last ``months`` months up to that end (``last_months``)."""
    end = as_date(end) or as_date(last_day)
    if end is None:
        raise ValueError("no end: give an end date or the end of the data (last_day).")
    start = as_date(start) or last_months(end, months, first_day).start
    return Period(start, end)


__all__ = [
    "DEFAULT_MONTHS",
    "Period",
    "as_date",
    "end_of_data",
    "last_months",
    "month_end",
    "month_start",
    "resolve_period",
    "shift_months",
]
