"""The domain's shared definitions: constants (reason groups, lead styles, contract types, days
per year) and the calendar of the data (end of data, the default period, adding months).

Bottom layer: it imports nothing of Verloop's, and everything above uses it.
"""

from verloop.domain.constants import (
    CONTRACT_TYPES,
    DAYS_PER_MONTH,
    DAYS_PER_YEAR,
    LEAD_STYLES,
    PART_TIME_BELOW_HOURS,
    REASON_GROUPS,
    REASONS,
    SAFE_REASONS,
    SENSITIVE_REASONS,
    TENURE_BANDS,
)
from verloop.domain.period import (
    DEFAULT_MONTHS,
    Period,
    as_date,
    end_of_data,
    last_months,
    month_end,
    month_start,
    resolve_period,
    shift_months,
)

__all__ = [
    "CONTRACT_TYPES",
    "DAYS_PER_MONTH",
    "DAYS_PER_YEAR",
    "DEFAULT_MONTHS",
    "LEAD_STYLES",
    "PART_TIME_BELOW_HOURS",
    "REASONS",
    "REASON_GROUPS",
    "SAFE_REASONS",
    "SENSITIVE_REASONS",
    "TENURE_BANDS",
    "Period",
    "as_date",
    "end_of_data",
    "last_months",
    "month_end",
    "month_start",
    "resolve_period",
    "shift_months",
]
