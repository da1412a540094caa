"""Check answers and turn them into scale scores.

Rules (documented here because dashboards, models and the model card depend on them):

* **Reverse keying**: a reverse item's answer becomes ``min + max - value`` before scoring, so
  every item of a scale points the same way.
* **Scale score** = mean of the answered (keyed) items, but only when at least two thirds of the
  scale's items were answered (2 of 3, 3 of 4, 4 of 5, both of 2); otherwise the score is
  missing. A single-item scale (eNPS) scores its raw answer (0–10).
* **Direction**: scores keep the direction of the construct. ``workload`` and
  ``metric_gaming`` are scored so that HIGH = MORE pressure / MORE gaming
  (``Scale.higher_is_better`` is false for them); every other scale is high = favourable.
* **WHO-5** (``scoring: percent``): ``(mean - min) / (max - min) × 100``. With all five items
  answered this equals the standard *raw sum × 4* (0–100; ≤ 50 suggests poor wellbeing).
  Deviation from the WHO-5 manual, which scores complete forms only: with four of five items
  answered we prorate (mean × 5 × 4) under the same two-thirds rule as every other scale, so a
  single skipped item does not lose the whole score. Filter on completeness if you need the
  strict WHO-5 rule.
* **eNPS** of a group = % promoters (9–10) − % detractors (0–6) among those who answered the
  question; skipped answers are left out of the denominator (they are neither promoters nor
  detractors, and counting them as passives would pull the figure towards 0). Nobody answered →
  NaN. Range −100…100.
"""

from __future__ import annotations

import math
import numbers
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas / numpy are imported where scores are computed: checking a
    import pandas as pd  # submission (the survey kernel) must not load them (light kernel)

from verloop.errors import InputError, SurveyError
from verloop.surveys.instruments import Instrument

MIN_ANSWERED_FRACTION = (2, 3)
"""A scale is scored when answered * 3 >= 2 * items (two thirds, rounded up)."""


def _is_skip(value: Any) -> bool:
    if value is None:
        return True
    pandas = sys.modules.get("pandas")  # pd.NA can only arrive if pandas is already loaded
    if pandas is not None and value is pandas.NA:
        return True
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isnan(value)


def _refuse(problems: list[str], what: str) -> None:
    more = len(problems) - 1
    tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    raise SurveyError(f"{what} refused: {problems[0]}{tail}; correct the answers and submit again.", problems)


def validate_answers(instrument: Instrument, answers: Mapping[str, Any]) -> dict[str, int | None]:
    """Check closed answers before they are stored; return them as ``{item_id: int | None}``.

    ``None`` (or NaN) means skipped and is kept as ``None``. Every problem (unknown item id,
    non-numeric, non-integer or out-of-range value) is listed in ``SurveyError.problems``; one
    bad answer refuses the whole submission so that nothing partial is stored.
    """
    if not isinstance(answers, Mapping):
        raise SurveyError("answers must be a mapping of item id to value; nothing was stored.")
    problems: list[str] = []
    clean: dict[str, int | None] = {}
    for item_id, value in answers.items():
        if not isinstance(item_id, str) or not instrument.has_item(item_id):
            problems.append(f"unknown item id {item_id!r} for instrument '{instrument.key}'")
            continue
        item = instrument.item(item_id)
        if _is_skip(value):
            clean[item_id] = None
            continue
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            problems.append(
                f"item '{item_id}': value {value!r} is not a number (give a whole number from {item.min} to {item.max})"
            )
            continue
        if not math.isfinite(value) or value != int(value):
            problems.append(
                f"item '{item_id}': value {value!r} is not a whole number "
                f"(give a whole number from {item.min} to {item.max})"
            )
            continue
        if not item.min <= value <= item.max:
            problems.append(f"item '{item_id}': value {int(value)} is outside {item.min}–{item.max}")
            continue
        clean[item_id] = int(value)
    if problems:
        _refuse(problems, "answers")
    return clean


def validate_open_answers(instrument: Instrument, texts: Mapping[str, Any]) -> dict[str, str | None]:
    """Check free-text answers: known question, text, at most ``max_length`` characters.

    Text is kept exactly as typed apart from surrounding whitespace (Unicode, emoji, markup
    characters all stay; escaping is the job of whatever renders it). Empty means skipped.
    NUL characters are refused because databases cannot store them.
    """
    problems: list[str] = []
    clean: dict[str, str | None] = {}
    for question_id, text in texts.items():
        try:
            question = instrument.open_question(question_id)
        except KeyError:
            problems.append(f"unknown open question {question_id!r} for '{instrument.key}'")
            continue
        if _is_skip(text):
            clean[question_id] = None
            continue
        if not isinstance(text, str):
            problems.append(f"open question '{question_id}': the answer must be text")
            continue
        text = text.strip()
        if "\x00" in text:
            problems.append(f"open question '{question_id}': the text contains a NUL character")
            continue
        if len(text) > question.max_length:
            problems.append(
                f"open question '{question_id}': {len(text)} characters, more than the {question.max_length} allowed"
            )
            continue
        clean[question_id] = text or None
    if problems:
        _refuse(problems, "answers")
    return clean


def validate_reason(instrument: Instrument, code: Any) -> str | None:
    """Check a reason-for-leaving code (exit / follow-up); ``None`` means skipped."""
    if _is_skip(code) or code == "":
        return None
    if not instrument.reasons:
        _refuse([f"instrument '{instrument.key}' asks no reason"], "reason")
    if code not in instrument.reason_codes:
        _refuse([f"unknown reason {code!r} (known: {', '.join(instrument.reason_codes)})"], "reason")
    return str(code)


# ------------------------------------------------------------------------------------------
# Scoring
# ------------------------------------------------------------------------------------------

_ANSWER_COLUMNS = ("response_id", "item_id", "value")


def _checked_long(answers: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Validate a tidy answers frame and add keyed values; raise InputError listing problems."""
    import numpy as np
    import pandas as pd

    missing = [c for c in _ANSWER_COLUMNS if c not in answers.columns]
    if missing:
        raise InputError(
            f"answers frame lacks column(s) {', '.join(missing)}; it needs response_id, item_id and value."
        )
    frame = answers.loc[:, list(_ANSWER_COLUMNS)].copy()
    problems: list[str] = []
    unknown = sorted({str(i) for i in frame["item_id"].unique() if not instrument.has_item(i)})
    if unknown:
        problems.append(f"unknown item id(s) for instrument '{instrument.key}': {', '.join(unknown[:10])}")
    values = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
    bad = frame["value"].notna() & values.isna()
    if bad.any():
        problems.append(f"{int(bad.sum())} non-numeric value(s), e.g. {frame['value'][bad].iloc[0]!r}")
    frame["value"] = values
    if not unknown:
        items = pd.DataFrame(
            [(i.id, i.scale, i.min, i.max, i.reverse) for i in instrument.items],
            columns=["item_id", "scale", "min", "max", "reverse"],
        )
        frame = frame.merge(items, on="item_id", how="left", validate="many_to_one")
        outside = frame["value"].notna() & ((frame["value"] < frame["min"]) | (frame["value"] > frame["max"]))
        if outside.any():
            row = frame[outside].iloc[0]
            problems.append(
                f"{int(outside.sum())} value(s) outside the item's range, e.g. "
                f"{row['value']:g} for '{row['item_id']}' ({row['min']}–{row['max']})"
            )
        frame["keyed"] = np.where(frame["reverse"], frame["min"] + frame["max"] - frame["value"], frame["value"])
    dupes = frame.duplicated(["response_id", "item_id"])
    if dupes.any():
        first = frame[dupes].iloc[0]
        problems.append(
            f"{int(dupes.sum())} duplicate answer(s), e.g. item '{first['item_id']}' twice "
            f"in response {first['response_id']!r}"
        )
    if problems:
        raise InputError(f"cannot score the answers: {problems[0]}.", problems)
    return frame


def score_responses(answers: pd.DataFrame, instrument: Instrument) -> pd.DataFrame:
    """Score every response on every scale of ``instrument``.

    ``answers`` is tidy: one row per (response_id, item_id) with a numeric ``value`` (NaN =
    skipped). Returns a tidy frame ``response_id, scale, score`` (score float64, NaN where fewer
    than two thirds of the scale's items were answered), one row per response and scale, scales
    in instrument order. See the module docstring for the rules.
    """
    import numpy as np
    import pandas as pd

    frame = _checked_long(answers, instrument)
    responses = pd.unique(frame["response_id"])
    scales = [s.key for s in instrument.scales]
    if len(responses) == 0:
        return pd.DataFrame(
            {
                "response_id": pd.Series([], dtype=answers["response_id"].dtype),
                "scale": pd.Series([], dtype="object"),
                "score": pd.Series([], dtype="float64"),
            }
        )
    answered = frame.dropna(subset=["keyed"])
    stats = answered.groupby(["response_id", "scale"], sort=False)["keyed"].agg(["mean", "count"])
    grid = pd.MultiIndex.from_product([responses, scales], names=["response_id", "scale"])
    stats = stats.reindex(grid)
    n_items = pd.Series({s.key: len(s.items) for s in instrument.scales})
    k = n_items.reindex(grid.get_level_values("scale")).to_numpy()
    count = stats["count"].fillna(0).to_numpy()
    enough = count * MIN_ANSWERED_FRACTION[1] >= k * MIN_ANSWERED_FRACTION[0]
    score = np.where(enough, stats["mean"].to_numpy(dtype="float64"), np.nan)
    for scale in instrument.scales:
        if scale.scoring == "percent":
            lo, hi = scale.items[0].min, scale.items[0].max
            rows = grid.get_level_values("scale") == scale.key
            score[rows] = (score[rows] - lo) / (hi - lo) * 100.0
    result = pd.DataFrame(
        {
            "response_id": grid.get_level_values("response_id"),
            "scale": grid.get_level_values("scale").astype("object"),
            "score": score.astype("float64"),
        }
    )
    result["response_id"] = result["response_id"].astype(answers["response_id"].dtype)
    return result


def item_matrix(answers: pd.DataFrame, instrument: Instrument, keyed: bool = True) -> pd.DataFrame:
    """Wide frame (response × item, instrument order), reverse-keyed unless ``keyed=False``.

    This is the input psychometrics wants: ``reliability_report(item_matrix(a, inst),
    inst.scale_items(min_items=2))``.
    """
    import pandas as pd

    frame = _checked_long(answers, instrument)
    column = "keyed" if keyed else "value"
    wide = frame.pivot(index="response_id", columns="item_id", values=column)
    columns = [item.id for item in instrument.items]
    wide = wide.reindex(index=pd.unique(frame["response_id"]), columns=columns).astype("float64")
    wide.columns.name = None
    return wide


def enps(values: pd.Series | Any) -> float:
    """eNPS = % promoters (9–10) − % detractors (0–6) among answered values (skips excluded).

    Returns NaN when nobody answered. Values must be whole numbers 0–10.
    """
    import pandas as pd

    series = pd.to_numeric(pd.Series(values, dtype="object"), errors="coerce").astype("float64")
    raw = pd.Series(values, dtype="object")
    bad = raw.notna().to_numpy() & series.isna().to_numpy()
    answered = series.dropna()
    if bad.any() or ((answered < 0) | (answered > 10) | (answered != answered.round())).any():
        raise InputError("eNPS needs whole numbers from 0 to 10 (or missing for skipped answers).")
    if answered.empty:
        return float("nan")
    promoters = (answered >= 9).mean()
    detractors = (answered <= 6).mean()
    return float(100.0 * (promoters - detractors))
