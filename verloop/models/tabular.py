"""Any tabular attrition file → a clean feature frame and a 0/1 target.

Researchers bring their own HR extracts; the pipeline must not silently learn from an employee
number or a column that is the same everywhere. ``prepare_table`` decides what every column is
(numeric, categorical, dropped — and why) and says so in plain notices.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from verloop.errors import InputError

POSITIVE_TOKENS = frozenset({"yes", "y", "1", "1.0", "true", "t", "ja", "j", "left", "leaver"})
NEGATIVE_TOKENS = frozenset({"no", "n", "0", "0.0", "false", "f", "nee", "stayed", "stayer"})
MISSING_LEVEL = "(missing)"

# Names that usually carry an identifier rather than information about a person.
_ID_NAME = re.compile(
    r"(^|[_\s\-.])(id|ids|nr|no|number|num|code|key|uuid|guid)$|^(id|index|row|rownum|"
    r"employee_?number|employee_?id|emp_?id|personnel_?number|hr_?id)$|(?<=[a-z])(Id|ID|Number|Nr)$"
)
# Categorical columns with more levels than this are folded into "infrequent".
MAX_CATEGORIES = 50
# Numeric columns with at most this many distinct values are ordinal-like (also one-hot).
FEW_LEVELS = 10


@dataclass
class ColumnPlan:
    """What the pipeline does with each column, and why."""

    numeric: list[str] = field(default_factory=list)
    categorical: list[str] = field(default_factory=list)
    dropped: dict[str, str] = field(default_factory=dict)  # column -> reason

    @property
    def features(self) -> list[str]:
        return self.numeric + self.categorical

    def few_level_numeric(self, frame: pd.DataFrame) -> list[str]:
        """Numeric columns with few distinct values (rating scales, levels): also one-hot."""
        return [c for c in self.numeric if frame[c].nunique(dropna=True) <= FEW_LEVELS]

    def skewed_numeric(self, frame: pd.DataFrame) -> list[str]:
        """Non-negative, right-skewed numeric columns (income, years): log1p helps linear models."""
        out = []
        for c in self.numeric:
            col = frame[c].dropna()
            if len(col) and col.min() >= 0 and col.nunique() > FEW_LEVELS and col.skew() > 1:
                out.append(c)
        return out


@dataclass
class PreparedTable:
    """Features, target and (optionally) a duration, aligned row by row."""

    X: pd.DataFrame
    y: np.ndarray
    plan: ColumnPlan
    target: str
    positive_label: str
    duration: np.ndarray | None = None
    time: str | None = None
    notices: list[str] = field(default_factory=list)

    @property
    def n_rows(self) -> int:
        return len(self.y)

    @property
    def n_positive(self) -> int:
        return int(self.y.sum())


def _read_csv(path: Path, encoding: str) -> pd.DataFrame:
    try:  # sniff the delimiter (comma, semicolon, tab) ...
        return pd.read_csv(path, encoding=encoding, sep=None, engine="python")
    except csv.Error:  # ... and fall back to commas when there is nothing to sniff
        return pd.read_csv(path, encoding=encoding)


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a CSV export (comma, semicolon or tab separated; UTF-8 with or without BOM)."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"File '{path}' does not exist; check the path given to --csv.")
    if path.is_dir():
        raise InputError(f"'{path}' is a folder, not a CSV file; pass the file itself to --csv.")
    if path.stat().st_size == 0:
        raise InputError(f"'{path}' is empty; a header row and data rows are needed.")
    try:
        frame = _read_csv(path, "utf-8-sig")
    except UnicodeDecodeError:
        frame = _read_csv(path, "latin-1")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, OSError, ValueError) as exc:
        raise InputError(
            f"Could not read '{path}' as CSV ({exc}); save it as a comma-separated file with one header row."
        ) from exc
    if frame.empty or frame.shape[1] < 2:
        raise InputError(
            f"'{path}' has no data rows or fewer than two columns; a header row, a target "
            "column and at least one feature are needed."
        )
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def parse_target(values: pd.Series, positive: str | None = None) -> tuple[np.ndarray, str]:
    """Map a two-valued column (Yes/No, 1/0, true/false, …) to 0/1; return (y, positive label).

    Missing values must have been removed before. ``positive`` names the level meaning "left"
    when the levels are not self-explaining.
    """
    name = values.name
    text = values.astype(str).str.strip()
    folded = text.str.lower()
    if positive is None and folded.isin(POSITIVE_TOKENS | NEGATIVE_TOKENS).all():
        text = folded  # "Yes" and "yes" are one level
    levels = pd.unique(text)
    if len(levels) > 2:
        shown = ", ".join(repr(v) for v in sorted(levels)[:5])
        more = ", …" if len(levels) > 5 else ""
        raise InputError(
            f"Target column '{name}' has {len(levels)} distinct values ({shown}{more}); "
            "a binary target is needed: recode it to Yes/No, 1/0 or true/false."
        )
    if len(levels) < 2:
        raise InputError(
            f"Target column '{name}' has only the value {levels[0]!r} in every row; "
            "nothing can be learned without both leavers and stayers."
        )
    if positive is not None:
        if positive not in set(levels):
            raise InputError(
                f"Positive label {positive!r} does not occur in target column '{name}' "
                f"(values: {', '.join(repr(v) for v in sorted(levels))})."
            )
        return (text == positive).to_numpy(dtype=np.int8), positive
    lowered = {lv: lv.lower() for lv in levels}
    pos = [lv for lv in levels if lowered[lv] in POSITIVE_TOKENS]
    neg = [lv for lv in levels if lowered[lv] in NEGATIVE_TOKENS]
    if len(pos) != 1 or len(neg) != 1:
        raise InputError(
            f"Target column '{name}' has values {levels[0]!r} and {levels[1]!r}; recode them to "
            "Yes/No, 1/0 or true/false, or name the leaving value with --positive."
        )
    return (text == pos[0]).to_numpy(dtype=np.int8), pos[0]


def _looks_like_id(col: pd.Series) -> bool:
    """Unique per row and either named like an identifier or a running number."""
    s = col.dropna()
    if len(s) < 2 or s.nunique() != len(s):
        return False
    if _ID_NAME.search(str(col.name)):
        return True
    if pd.api.types.is_integer_dtype(s) or (pd.api.types.is_float_dtype(s) and np.all(np.mod(s, 1) == 0)):
        ordered = np.sort(s.to_numpy())
        return bool(s.is_monotonic_increasing or s.is_monotonic_decreasing) or bool(np.all(np.diff(ordered) == 1))
    return not pd.api.types.is_numeric_dtype(s)  # unique text per row: names, e-mails, codes


def _looks_like_date(col: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(col):
        return True
    if col.dtype != object:
        return False
    sample = col.dropna().astype(str).head(50)
    if sample.empty or not sample.str.match(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}").all():
        return False
    parsed = pd.to_datetime(sample, errors="coerce", format="mixed")
    return bool(parsed.notna().mean() > 0.9)


def _as_numeric(col: pd.Series) -> pd.Series | None:
    """The column as numbers when (nearly) every non-missing value is a number, else None."""
    if pd.api.types.is_bool_dtype(col):
        return col.astype(float)
    if pd.api.types.is_numeric_dtype(col):
        return col.astype(float)
    s = col.dropna().astype(str).str.strip().str.replace(",", ".", regex=False)
    if s.empty:
        return None
    converted = pd.to_numeric(s, errors="coerce")
    if converted.notna().all():
        return pd.to_numeric(col.astype(str).str.strip().str.replace(",", ".", regex=False), errors="coerce")
    return None


def plan_columns(frame: pd.DataFrame, exclude: list[str] | tuple[str, ...] = ()) -> ColumnPlan:
    """Classify every column of ``frame`` except ``exclude``: numeric, categorical or dropped."""
    plan = ColumnPlan()
    n = len(frame)
    for name in frame.columns:
        if name in exclude:
            continue
        col = frame[name]
        distinct = col.nunique(dropna=True)
        if distinct <= 1:
            plan.dropped[name] = "constant (the same value in every row)"
            continue
        if col.isna().mean() > 0.95:
            plan.dropped[name] = "almost empty (more than 95 % missing)"
            continue
        if _looks_like_date(col):
            plan.dropped[name] = "a date (turn it into a duration first to use it)"
            continue
        if _looks_like_id(col):
            plan.dropped[name] = "id-like (a different value in every row)"
            continue
        numeric = _as_numeric(col)
        if numeric is not None:
            plan.numeric.append(name)
            continue
        if distinct > max(20, 0.5 * n):
            plan.dropped[name] = f"free text ({distinct} different values in {n} rows)"
            continue
        plan.categorical.append(name)
    return plan


def prepare_table(
    frame: pd.DataFrame,
    target: str,
    time: str | None = None,
    positive: str | None = None,
    time_as_feature: bool = True,
) -> PreparedTable:
    """Check the target (and duration) columns, plan the features, and clean the values.

    Rows without a target (or duration) are dropped with a notice. Numeric columns become
    float (NaN kept for the models' imputers); categorical columns become strings with an
    explicit "(missing)" level. Nothing here looks at the target, so doing it before
    cross-validation leaks nothing.
    """
    columns = list(frame.columns)
    if target not in columns:
        raise InputError(
            f"Target column '{target}' is not in the file; available columns: "
            f"{', '.join(columns[:12])}{', …' if len(columns) > 12 else ''}."
        )
    if time is not None and time not in columns:
        raise InputError(
            f"Time column '{time}' is not in the file; pass the column holding the duration "
            "(for example tenure in years) to --time."
        )
    if time == target:
        raise InputError("The --time column must differ from the --target column.")
    notices: list[str] = []
    keep = frame[target].notna() & (frame[target].astype(str).str.strip() != "")
    if time is not None:
        duration_raw = _as_numeric(frame[time])
        if duration_raw is None:
            raise InputError(
                f"Time column '{time}' holds non-numeric values; it must be a duration "
                "(a number of days, months or years)."
            )
        keep &= duration_raw.notna()
    dropped_rows = int((~keep).sum())
    if dropped_rows:
        what = "target" if time is None else "target or duration"
        notices.append(f"Dropped {dropped_rows} rows with a missing {what}.")
    frame = frame.loc[keep].reset_index(drop=True)
    if len(frame) < 20:
        raise InputError(f"Only {len(frame)} usable rows; at least 20 are needed to cross-validate a model.")
    y, positive_label = parse_target(frame[target], positive=positive)
    duration = None
    if time is not None:
        duration = _as_numeric(frame[time]).to_numpy(dtype=float)
        if (duration < 0).any():
            bad = int(np.flatnonzero(duration < 0)[0]) + 2  # +header, 1-based
            raise InputError(
                f"Time column '{time}' has a negative duration (first at file row {bad}); "
                "durations must be zero or more."
            )
    exclude = [target] if time_as_feature or time is None else [target, time]
    plan = plan_columns(frame, exclude=exclude)
    for name, reason in plan.dropped.items():
        notices.append(f"Dropped column '{name}': {reason}.")
    if not plan.features:
        raise InputError(
            "No usable feature columns remain after dropping constant and id-like columns; "
            "the file needs at least one informative column besides the target."
        )
    X = pd.DataFrame(index=frame.index)
    for name in plan.numeric:
        X[name] = _as_numeric(frame[name]).astype("float64")
    for name in plan.categorical:
        col = frame[name]
        X[name] = col.astype(str).str.strip().where(col.notna(), MISSING_LEVEL).astype(object)
    X = X[plan.features]
    return PreparedTable(
        X=X,
        y=y,
        plan=plan,
        target=target,
        positive_label=positive_label,
        duration=duration,
        time=time,
        notices=notices,
    )
