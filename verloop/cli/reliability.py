"""``verloop reliability``: Cronbach's alpha, McDonald's omega and item statistics for any CSV.

For researchers: give a CSV with one row per respondent and one ``--scale NAME=COL,COL,…`` per
scale (columns keyed in the same direction). The database is not used; ``--db`` is accepted so
that every command takes the same options.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from verloop.cli.common import DbOption, JsonOption, app
from verloop.errors import InputError
from verloop.stats.psychometrics import item_report, reliability_report


def parse_scale_options(options: list[str]) -> dict[str, list[str]]:
    """``["sat=a,b,c", …]`` → ``{"sat": ["a", "b", "c"]}``; bad syntax raises InputError."""
    scales: dict[str, list[str]] = {}
    for option in options:
        name, sep, columns = option.partition("=")
        name = name.strip()
        cols = [c.strip() for c in columns.split(",") if c.strip()]
        if not sep or not name or not cols:
            raise InputError(
                f"--scale {option!r} is not NAME=COL,COL,…; write e.g. "
                f"--scale satisfaction=JobSatisfaction,EnvironmentSatisfaction."
            )
        if name in scales:
            raise InputError(f"--scale '{name}' is given twice; give each scale once.")
        if len(cols) < 2:
            raise InputError(f"--scale '{name}' has one column ({cols[0]}); reliability needs at least two.")
        if len(set(cols)) != len(cols):
            raise InputError(f"--scale '{name}' lists a column twice; list each column once.")
        scales[name] = cols
    return scales


def read_item_csv(path: Path, scales: dict[str, list[str]], sep: str = ",") -> pd.DataFrame:
    """Read the scale columns of a CSV as float64, with one clear error for each kind of problem."""
    if not path.is_file():
        raise InputError(f"CSV file '{path}' does not exist; check the path given to --csv.")
    try:
        frame = pd.read_csv(path, sep=sep, low_memory=False)
    except UnicodeDecodeError:
        raise InputError(f"CSV file '{path}' is not UTF-8 text; save it as UTF-8 CSV.") from None
    except pd.errors.EmptyDataError:
        raise InputError(f"CSV file '{path}' is empty; give a file with a header row.") from None
    except (pd.errors.ParserError, ValueError) as exc:
        raise InputError(f"CSV file '{path}' cannot be read as CSV ({exc}).") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    wanted = list(dict.fromkeys(c for cols in scales.values() for c in cols))
    for name, cols in scales.items():
        for col in cols:
            if col not in frame.columns:
                shown = ", ".join(frame.columns[:15]) + (", …" if len(frame.columns) > 15 else "")
                raise InputError(f"column '{col}' of --scale '{name}' is not in '{path}'; its columns are: {shown}.")
    out = {}
    for col in wanted:
        raw = frame[col]
        values = pd.to_numeric(raw, errors="coerce")
        bad = raw.notna() & values.isna()
        if bad.any():
            position = int(bad.to_numpy().argmax())
            raise InputError(
                f"column '{col}' in '{path}' is not numeric: row {position + 2} has "
                f"{raw.iloc[position]!r}; give only numeric item columns in --scale."
            )
        out[col] = values.astype("float64")
    return pd.DataFrame(out, index=frame.index)


def _clean(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item"):
        return _clean(value.item())
    return value


def reliability_json(frame: pd.DataFrame, scales: dict[str, list[str]], nan_policy: str) -> dict:
    """The JSON object printed by ``--json`` (NaN becomes null)."""
    summary = reliability_report(frame, scales, nan_policy)
    items = item_report(frame, scales, nan_policy)
    result = []
    for row in summary.itertuples(index=False):
        rows = items[items["scale"] == row.scale]
        result.append(
            {
                "scale": row.scale,
                "n": int(row.n),
                "k": int(row.k),
                "items": scales[row.scale],
                "alpha": _clean(row.alpha),
                "alpha_ci": [_clean(row.alpha_ci_low), _clean(row.alpha_ci_high)],
                "omega": _clean(row.omega),
                "min_item_rest": _clean(row.min_item_rest),
                "mean_inter_item_r": _clean(row.mean_inter_item_r),
                "item_rest": {r.item: _clean(r.item_rest_r) for r in rows.itertuples()},
                "alpha_if_deleted": {r.item: _clean(r.alpha_if_deleted) for r in rows.itertuples()},
            }
        )
    return {"missing": nan_policy, "scales": result}


def _fmt(value: float, digits: int = 3) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{value:.{digits}f}"


def reliability_text(frame: pd.DataFrame, scales: dict[str, list[str]], nan_policy: str) -> str:
    summary = reliability_report(frame, scales, nan_policy)
    items = item_report(frame, scales, nan_policy)
    table = pd.DataFrame(
        {
            "scale": summary["scale"],
            "n": summary["n"],
            "items": summary["k"],
            "alpha": summary["alpha"].map(_fmt),
            "95% CI": [
                f"[{_fmt(lo, 2)}, {_fmt(hi, 2)}]" for lo, hi in zip(summary["alpha_ci_low"], summary["alpha_ci_high"])
            ],
            "omega": summary["omega"].map(_fmt),
            "min item-rest r": summary["min_item_rest"].map(_fmt),
        }
    )
    detail = pd.DataFrame(
        {
            "scale": items["scale"],
            "item": items["item"],
            "n": items["n"],
            "mean": items["mean"].map(lambda v: _fmt(v, 2)),
            "sd": items["sd"].map(lambda v: _fmt(v, 2)),
            "item-rest r": items["item_rest_r"].map(_fmt),
            "alpha if deleted": items["alpha_if_deleted"].map(_fmt),
        }
    )
    return (
        f"Reliability (missing answers handled {nan_policy}; Feldt 95% CI; "
        "omega from a one-factor minres model)\n\n"
        + table.to_string(index=False)
        + "\n\n"
        + detail.to_string(index=False)
    )


@app.command("reliability")
def reliability(
    csv: Annotated[
        Path | None,
        typer.Option("--csv", help="CSV file: one row per respondent, one column per item."),
    ] = None,
    scale: Annotated[
        list[str] | None,
        typer.Option(
            "--scale",
            help="NAME=COL,COL,… (repeat for several scales; columns keyed in one direction).",
        ),
    ] = None,
    missing: Annotated[
        str, typer.Option("--missing", help="How to handle missing answers: pairwise or listwise.")
    ] = "pairwise",
    sep: Annotated[str, typer.Option("--sep", help="Field separator of the CSV.")] = ",",
    json_output: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Cronbach's alpha (Feldt 95% CI), McDonald's omega, item-rest r and alpha-if-deleted."""
    if csv is None:
        raise InputError("give the data file with --csv FILE.")
    if not scale:
        raise InputError("give at least one --scale NAME=COL,COL,… (two or more columns).")
    if missing not in ("pairwise", "listwise"):
        raise InputError(f"--missing must be 'pairwise' or 'listwise', not {missing!r}.")
    scales = parse_scale_options(scale)
    frame = read_item_csv(csv, scales, sep)
    if json_output:
        typer.echo(json.dumps(reliability_json(frame, scales, missing), ensure_ascii=False))
    else:
        typer.echo(reliability_text(frame, scales, missing))
