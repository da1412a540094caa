"""The statistics every layer shares, one home each: intervals of counts (Wilson, Newcombe,
Garwood), Kaplan–Meier survival with delayed entry and the log-rank test, and the reliability of
multi-item scales (alpha, omega, item statistics, EFA).

Bottom layer: it imports nothing of Verloop's but ``verloop.errors``; the analyses, the models,
the door and the dashboards use it. The formulas are statsmodels', lifelines', scipy's and
factor_analyzer's wherever those have them; a docstring says why where one is written here.
"""

from verloop.stats.intervals import newcombe_difference, poisson_interval, wilson_interval
from verloop.stats.survival import KaplanMeier, LogRank, kaplan_meier, logrank_test

__all__ = [
    "KaplanMeier",
    "LogRank",
    "kaplan_meier",
    "logrank_test",
    "newcombe_difference",
    "poisson_interval",
    "wilson_interval",
]
