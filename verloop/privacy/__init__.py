"""The one door: every group figure, chart, export and comment leaves the engine through here.

Survey figures, turnover, KPIs beside people figures and model outputs per group are published
as tidy frames with ``n``, ``suppressed``, ``reason`` and ``note`` columns (``published.py``);
what is hidden is decided by ``suppress.py`` (minimum group k, complementary and trend
suppression) and ``families.py`` (demographic filters). ``export.py`` writes the same frames to
CSV / XLSX with spreadsheet formulas neutralised. See docs/design/ANONYMITY.md.
"""

from verloop.privacy.door import (
    Door,
    comments,
    enps_by,
    group_values,
    kpi_vs_people,
    reasons,
    response_rates,
    scale_scores,
    score_distribution,
    suppress_people,
    turnover,
)
from verloop.privacy.export import csv_text, escape_cell, escape_frame, write_table
from verloop.privacy.loading import training_rows
from verloop.privacy.policy import Policy
from verloop.privacy.published import check_published

__all__ = [
    "Door",
    "Policy",
    "check_published",
    "comments",
    "csv_text",
    "enps_by",
    "escape_cell",
    "escape_frame",
    "group_values",
    "kpi_vs_people",
    "reasons",
    "response_rates",
    "scale_scores",
    "score_distribution",
    "suppress_people",
    "training_rows",
    "turnover",
    "write_table",
]
