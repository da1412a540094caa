"""Names and numbers of the domain that every layer shares (one definition each).

The synthetic organisation (``verloop.synth``), the analyses, the models and the door import
these; none of them defines its own copy.
"""

from __future__ import annotations

DAYS_PER_YEAR = 365.25
"""A year in days, for person-years and tenure in years."""

DAYS_PER_MONTH = DAYS_PER_YEAR / 12
"""A month in days (30.4375), for tenure in months."""

PART_TIME_BELOW_HOURS = 32.0
"""A contract of fewer hours a week than this is part-time."""

CONTRACT_TYPES: tuple[str, ...] = ("full-time", "part-time")
"""Contract types (self-reported on responses; from ``contract_hours`` in HR records)."""

TENURE_BANDS: tuple[str, ...] = ("<3m", "3-12m", "1-2y", "2y+")
"""Self-reported tenure bands on responses (coarse on purpose)."""

LEAD_STYLES: tuple[str, ...] = ("servant", "neutral", "taylorist")
"""Team lead styles, in the order figures list them."""

PULSE_SCALES: tuple[str, ...] = (
    "engagement",
    "wellbeing",
    "autonomy",
    "mandate",
    "workload",
    "connection",
    "growth",
    "leadership",
    "voice",
    "metric_gaming",
    "intent_stay",
    "enps",
)
"""The pulse survey's scales, in the instrument's order (``surveys/pulse.yaml``; a test keeps them in step)."""

REASONS: tuple[str, ...] = (
    "pay",
    "schedule",
    "workload",
    "team_lead",
    "no_mandate",
    "no_growth",
    "personal",
    "study",
    "health",
    "other",
)
"""Exit reason codes (the fixed list of the exit and follow-up surveys)."""

SAFE_REASONS: frozenset[str] = frozenset({"pay", "personal", "study"})
"""Socially safe reasons leavers state when they still depend on the employer."""

SENSITIVE_REASONS: frozenset[str] = frozenset({"team_lead", "workload", "no_mandate"})
"""Reasons leavers tend to hide until the anonymous follow-up."""

REASON_GROUPS: tuple[str, ...] = ("safe", "sensitive", "other")
"""Groups of exit reasons: safe (``SAFE_REASONS``), sensitive (``SENSITIVE_REASONS``), other."""


WATERMELON_RED_BELOW = 0.0
"""People status (SDs between teams) at or below which a team is red inside (the watermelon view)."""

WATERMELON_CORNER_BELOW = -0.8
"""Watermelon gap (people − KPI status, standardised) at or below which a team is deep in the corner."""

__all__ = [
    "CONTRACT_TYPES",
    "DAYS_PER_MONTH",
    "DAYS_PER_YEAR",
    "LEAD_STYLES",
    "PART_TIME_BELOW_HOURS",
    "PULSE_SCALES",
    "REASONS",
    "REASON_GROUPS",
    "SAFE_REASONS",
    "SENSITIVE_REASONS",
    "TENURE_BANDS",
    "WATERMELON_CORNER_BELOW",
    "WATERMELON_RED_BELOW",
]
