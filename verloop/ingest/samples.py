"""Example import files in the shapes real exports take, for tests, benchmarks and the docs.

``sample_employees`` / ``sample_kpis`` make typed frames; ``write_file`` writes one as CSV
(any separator, decimal comma or point, ISO or Dutch dates, with or without BOM) or XLSX.
The typed frame is the truth a test compares the database with after an import.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

ROLES = ("agent", "senior agent", "coach", "team lead")


@dataclass(frozen=True)
class Style:
    """How a file is written: what HR tools vary."""

    separator: str = ","
    decimal: str = "."
    dates: str = "iso"  # iso | nl (31-03-2024) | nl_short (3-1-2024) | slash (31/03/2024)
    months: str = "iso"  # iso (2024-03) | nl (03-2024) | day (2024-03-01)
    booleans: tuple[str, str] = ("yes", "no")
    bom: bool = False
    exit_words: tuple[str, str] = ("voluntary", "involuntary")


def sample_employees(
    n: int, seed: int = 0, teams: int = 12, sites: int = 3, today: dt.date = dt.date(2025, 6, 30)
) -> pd.DataFrame:
    """n employees (about a third of them leavers) over ``teams`` teams at ``sites`` sites."""
    rng = np.random.default_rng(seed)
    team_site = {f"Team {i + 1:02d}": f"Site {chr(65 + i % sites)}" for i in range(teams)}
    team = rng.choice(list(team_site), size=n)
    hire = pd.Timestamp(today) - pd.to_timedelta(rng.integers(30, 3650, size=n), unit="D")
    left = rng.random(n) < 0.35
    stay = pd.to_timedelta(rng.integers(1, 700, size=n), unit="D")
    exit_ = (hire + stay).where(left & ((hire + stay) <= pd.Timestamp(today)))
    has_exit = exit_.notna()
    kinds = np.where(rng.random(n) < 0.8, "voluntary", "involuntary")
    regretted = np.where(rng.random(n) < 0.4, True, False)
    return pd.DataFrame(
        {
            "employee_id": [f"E{seed:03d}-{i:06d}" for i in range(n)],
            "team": team,
            "site": [team_site[t] for t in team],
            "role": rng.choice(ROLES, size=n, p=[0.8, 0.1, 0.05, 0.05]),
            "contract_hours": rng.choice([16.0, 20.0, 24.0, 24.5, 32.0, 36.0, 38.0, 40.0], size=n),
            "hire_date": [d.date() for d in hire],
            "exit_date": [d.date() if ok else None for d, ok in zip(exit_, has_exit)],
            "exit_type": [k if ok else None for k, ok in zip(kinds, has_exit)],
            "regretted": [bool(r) if ok else None for r, ok in zip(regretted, has_exit)],
        }
    )


def sample_kpis(teams: list[str], months: int, end: dt.date = dt.date(2025, 6, 1), seed: int = 0) -> pd.DataFrame:
    """One row per team and month, ``months`` months up to ``end``, in the ranges of SYNTHETIC.md."""
    rng = np.random.default_rng(seed)
    periods = pd.period_range(end=pd.Period(end, "M"), periods=months, freq="M")
    grid = pd.MultiIndex.from_product([teams, periods], names=["team", "period"]).to_frame(index=False)
    n = len(grid)
    return pd.DataFrame(
        {
            "team": grid["team"],
            "month": [p.to_timestamp().date() for p in grid["period"]],
            "aht_s": rng.uniform(280, 450, n).round(1),
            "service_level": rng.uniform(70, 92, n).round(1),
            "csat": rng.uniform(3.2, 4.6, n).round(2),
            "fcr": rng.uniform(60, 85, n).round(1),
            "repeat_rate": rng.uniform(8, 20, n).round(1),
            "absenteeism": rng.uniform(4, 12, n).round(1),
        }
    )


def format_number(value, decimal: str = ".") -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    text = repr(float(value))
    if text.endswith(".0"):
        text = text[:-2]
    return text.replace(".", decimal) if decimal != "." else text


def format_date(value, style: str = "iso") -> str:
    if value is None or value is pd.NaT or (isinstance(value, float) and np.isnan(value)):
        return ""
    if style == "nl":
        return value.strftime("%d-%m-%Y")
    if style == "nl_short":
        return f"{value.day}-{value.month}-{value.year}"
    if style == "slash":
        return value.strftime("%d/%m/%Y")
    return value.isoformat()


def format_month(value, style: str = "iso") -> str:
    if style == "nl":
        return value.strftime("%m-%Y")
    if style == "day":
        return value.strftime("%Y-%m-01")
    return value.strftime("%Y-%m")


def as_text(frame: pd.DataFrame, style: Style = Style()) -> pd.DataFrame:
    """Every cell as the text a file in this style would hold."""
    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        values = frame[column]
        if column in ("hire_date", "exit_date"):
            out[column] = [format_date(x, style.dates) for x in values]
        elif column == "month":
            out[column] = [format_month(x, style.months) for x in values]
        elif column == "regretted":
            out[column] = ["" if x is None else style.booleans[0] if x else style.booleans[1] for x in values]
        elif column == "exit_type":
            words = dict(zip(("voluntary", "involuntary"), style.exit_words))
            out[column] = ["" if x is None else words[x] for x in values]
        elif pd.api.types.is_float_dtype(values):
            out[column] = [format_number(x, style.decimal) for x in values]
        else:
            out[column] = ["" if x is None else str(x) for x in values]
    return out


def csv_bytes(frame: pd.DataFrame, style: Style = Style()) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=style.separator, lineterminator="\r\n")
    text = as_text(frame, style)
    writer.writerow(list(text.columns))
    writer.writerows(text.itertuples(index=False, name=None))
    data = buffer.getvalue().encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if style.bom else data


def write_file(frame: pd.DataFrame, path: str | Path, style: Style = Style()) -> Path:
    """Write as CSV, or as XLSX (real date and number cells) when the path ends in .xlsx."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        import openpyxl

        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("data")
        sheet.append(list(frame.columns))
        for record in frame.itertuples(index=False, name=None):
            sheet.append([_xlsx_cell(x) for x in record])
        workbook.save(path)
        return path
    path.write_bytes(csv_bytes(frame, style))
    return path


def _xlsx_cell(value):
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    return value
