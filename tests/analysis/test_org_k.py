"""Analysis helpers suppress with the organisation's k, never a k of their own."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from verloop.analysis import data, exits, survival
from verloop.errors import InputError


def test_survival_and_reasons_default_to_the_organisations_k(small_org):
    strict = dataclasses.replace(small_org, settings={**small_org.settings, "min_group_size": 40})
    table = survival.org_tenure_table(strict)
    assert table.attrs["min_group_size"] == 40
    curves = survival.kaplan_meier(table, by="site")
    assert curves.k == 40
    assert survival.kaplan_meier(table, by="site", k=5).k == 5  # an explicit k still wins
    reasons = exits.with_groups(data.exit_reasons(strict))
    by_style = exits.reasons_by(reasons, by="lead_style")
    small = by_style[(by_style["n"].isna()) | (by_style["n"] < 40)]
    assert small["suppressed"].all()  # no group of 5..39 answers is shown under k = 40
    with pytest.raises(InputError, match="pass k"):
        survival.kaplan_meier(_without_attrs(table), by="site")


def _without_attrs(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    out.attrs.clear()
    return out
