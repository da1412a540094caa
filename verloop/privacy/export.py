"""Exports: the door's published frames as CSV or XLSX, with spreadsheet formulas neutralised.

An export holds exactly what the screen holds — the same rows, the same ``n`` and ``note``
columns, the same hidden cells — because it is written from the same door call. Text that a
spreadsheet would run as a formula (a team named ``=HYPERLINK(...)``, a comment starting with
``+``, ``-`` or ``@``, or a tab / carriage return in front) is prefixed with an apostrophe,
as OWASP recommends against CSV injection; numbers stay numbers.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import tempfile
from pathlib import Path

import pandas as pd

from verloop.errors import InputError, StoreError

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
WHATS = ("scores", "enps", "responses", "distribution", "turnover", "comments", "reasons")
SUFFIXES = (".csv", ".xlsx")


def escape_cell(value):
    """A text value a spreadsheet would evaluate gets a leading apostrophe; others unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def escape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell (and column name) escaped; numeric columns untouched."""
    out = frame.copy()
    out.columns = [escape_cell(str(c)) for c in out.columns]
    for column in out.columns:
        if out[column].dtype == object or isinstance(out[column].dtype, pd.StringDtype):
            out[column] = out[column].map(escape_cell)
    return out


def csv_text(frame: pd.DataFrame) -> str:
    """The frame as CSV text (formula-escaped), for downloads and files alike."""
    buffer = io.StringIO()
    escape_frame(frame).to_csv(buffer, index=False, date_format="%Y-%m-%d", lineterminator="\n")
    return buffer.getvalue()


def write_table(frame: pd.DataFrame, path: str | os.PathLike, sheet: str = "verloop") -> Path:
    """Write ``frame`` to ``path`` (.csv: UTF-8 with BOM for Excel; .xlsx), atomically."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"cannot write '{path.name}': the file name must end in .csv or .xlsx.")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"the folder {folder} does not exist; create it or choose another --out.")
    safe = escape_frame(frame)
    fd, tmp = tempfile.mkstemp(prefix=".verloop-export-", suffix=suffix, dir=folder)
    os.close(fd)
    try:
        if suffix == ".csv":
            Path(tmp).write_text(csv_text(frame), encoding="utf-8-sig")
        else:
            for column in safe.columns:
                if pd.api.types.is_datetime64_any_dtype(safe[column]):
                    safe[column] = safe[column].dt.date
            with pd.ExcelWriter(tmp, engine="openpyxl") as writer:
                safe.to_excel(writer, index=False, sheet_name=sheet[:31])
                _force_text(writer.sheets[sheet[:31]])
        os.replace(tmp, path)
    except OSError as exc:
        raise StoreError(f"cannot write {path}: {exc.strerror or exc}.") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def _force_text(sheet) -> None:
    """openpyxl stores a string starting with '=' as a formula; make sure no cell is one."""
    for row in sheet.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.value = "'" + str(cell.value)
                cell.data_type = "s"


def published_frame(
    door,
    what: str,
    by: str,
    wave: str | None = None,
    kind: str = "pulse",
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pd.DataFrame:
    """The frame behind ``verloop export WHAT`` (one door call, as the dashboards make it);
    only the groups the door's scope covers (``verloop.privacy.scope``)."""
    from verloop.privacy.scope import EXPORTS

    door.scope.require(EXPORTS, door.lang)
    waves = [wave] if wave else None
    if what == "scores":
        return door.scale_scores(by=by, waves=waves, kind=kind)
    if what == "enps":
        return door.enps_by(by=by, waves=waves)
    if what == "responses":
        return door.response_rates(by=by, waves=waves, kind=kind)
    if what == "distribution":
        return door.score_distribution(by=by, waves=waves, kind=kind)
    if what == "turnover":
        return door.turnover(by=by, start=start, end=end)
    if what == "comments":
        return door.comments(by=by, waves=waves or "latest", kind=kind)
    if what == "reasons":
        return door.reasons(kind=kind if kind != "pulse" else "exit", by=by, waves=waves)
    raise InputError(f"cannot export '{what}'; choose one of {', '.join(WHATS)}.")


def export(
    store,
    what: str,
    out: str | os.PathLike,
    by: str = "team",
    wave: str | None = None,
    kind: str = "pulse",
    lang: str = "en",
    start: dt.date | None = None,
    end: dt.date | None = None,
    scope=None,
) -> tuple[Path, pd.DataFrame]:
    """Write one published frame to ``out``; returns the path and the frame written. ``scope``
    (``verloop.privacy.scope.Scope``, default HR) limits the groups written."""
    from verloop.privacy.door import Door

    if what not in WHATS:
        raise InputError(f"cannot export '{what}'; choose one of {', '.join(WHATS)}.")
    if Path(out).suffix.lower() not in SUFFIXES:
        raise InputError(f"cannot write '{Path(out).name}': the file name must end in .csv or .xlsx.")
    frame = published_frame(Door(store, lang=lang, scope=scope), what, by, wave, kind, start, end)
    return write_table(frame, out), frame


__all__ = [
    "FORMULA_STARTS",
    "WHATS",
    "csv_text",
    "escape_cell",
    "escape_frame",
    "export",
    "published_frame",
    "write_table",
]
