"""The ``Published`` frame convention every door function, chart and export follows.

A published frame is tidy (one row per group × wave × figure …) and always has:

* ``n`` (nullable Int64): the people behind the row's figures. ``<NA>`` when the row is
  hidden — a hidden count would give the hidden group away by subtraction just like its score;
  ``0`` when nobody answered;
* ``suppressed`` (bool): the row's figures are withheld (for privacy or because the wave is
  still open);
* ``reason`` (str): a code from ``verloop.privacy.policy`` ("" when shown);
* ``note`` (str): the sentence to show instead of a figure ("fewer than 5 responses",
  "minder dan 5 reacties" …); never empty when figures are missing.

Hidden rows are kept (with NaN figures), never dropped: a chart shows the note where the bar
would be, so nobody mistakes a hidden group for a missing one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from verloop.privacy.policy import NO_RESPONSES, REASONS, SHOWN

META_COLUMNS = ("n", "suppressed", "reason", "note")
# Numbers that describe the row rather than the people in it (shown even when hidden).
DESCRIPTIVE = ("invited", "bin_low", "bin_high", "headcount_invited")
GROUP_COLUMNS = ("level", "site", "team", "group")


def finish(frame: pd.DataFrame, figures: list[str], keys: list[str]) -> pd.DataFrame:
    """Order columns (keys, figures, n, suppressed, reason, note), set dtypes, blank hidden rows."""
    for column in META_COLUMNS:
        if column not in frame.columns:
            frame[column] = pd.Series(dtype="object")
    frame["reason"] = frame["reason"].fillna(SHOWN).astype(str)
    frame["suppressed"] = frame["suppressed"].fillna(False).astype(bool)
    frame["note"] = frame["note"].fillna("").astype(str)
    for column in figures:
        if column in frame.columns and column not in ("n",):
            if frame[column].dtype == object and frame[column].map(lambda v: isinstance(v, str)).any():
                frame.loc[frame["suppressed"], column] = None
            else:
                frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
                frame.loc[frame["suppressed"], column] = np.nan
    frame["n"] = pd.array(frame["n"].where(~frame["suppressed"], None), dtype="Int64")
    ordered = [c for c in keys if c in frame.columns] + [c for c in figures if c in frame.columns and c not in keys]
    rest = [c for c in frame.columns if c not in ordered and c not in META_COLUMNS]
    return frame[ordered + rest + list(META_COLUMNS)].reset_index(drop=True)


def check_published(frame: pd.DataFrame, figures: list[str] | None = None) -> None:
    """Raise AssertionError when ``frame`` breaks the convention (used by tests and apps)."""
    for column in META_COLUMNS:
        assert column in frame.columns, f"published frame lacks '{column}'"
    assert str(frame["n"].dtype) == "Int64", "n must be a nullable Int64 column"
    assert frame["reason"].isin(REASONS).all(), "unknown reason code"
    hidden = frame["suppressed"].astype(bool)
    assert frame.loc[hidden, "n"].isna().all(), "a suppressed row shows its n"
    silent = (frame["note"].astype(str).str.len() == 0) & (hidden | (frame["reason"] == NO_RESPONSES))
    assert not silent.any(), "a row without figures has no note"
    if figures is None:
        figures = [
            c
            for c in frame.columns
            if c not in META_COLUMNS
            and c not in DESCRIPTIVE
            and pd.api.types.is_numeric_dtype(frame[c])
            and not pd.api.types.is_bool_dtype(frame[c])
        ]
    for column in figures:
        if column in frame.columns:
            values = frame.loc[hidden, column]
            assert values.isna().all(), f"a suppressed row shows '{column}'"


__all__ = ["GROUP_COLUMNS", "META_COLUMNS", "check_published", "finish"]
