"""The statistics every layer shares, one home each: intervals of counts (Wilson, Newcombe,
Garwood), Kaplan–Meier survival with delayed entry and the log-rank test, and the reliability of
multi-item scales (alpha, omega, item statistics, EFA).

Bottom layer: it imports nothing of Verloop's but ``verloop.errors``; the analyses, the models,
the door and the dashboards use it. The formulas are statsmodels', lifelines', scipy's and
factor_analyzer's wherever those have them; a docstring says why where one is written here.
"""

import importlib

# Each name is imported from its module when first used (PEP 562): a dashboard kernel that only
# needs the intervals does not import scipy for the survival curves.
_HOMES = {
    "newcombe_difference": "intervals",
    "poisson_interval": "intervals",
    "wilson_interval": "intervals",
    "KaplanMeier": "survival",
    "LogRank": "survival",
    "kaplan_meier": "survival",
    "logrank_test": "survival",
}


def __getattr__(name: str):
    if name in _HOMES:
        return getattr(importlib.import_module(f"verloop.stats.{_HOMES[name]}"), name)
    raise AttributeError(f"module 'verloop.stats' has no attribute '{name}'")


__all__ = [
    "KaplanMeier",
    "LogRank",
    "kaplan_meier",
    "logrank_test",
    "newcombe_difference",
    "poisson_interval",
    "wilson_interval",
]
