"""The problem report: every bad cell of a file, said the way a spreadsheet user finds it.

A ``Problem`` is a ``str`` ("row 7, column hire_date: value '31-13-2024' — expected a date
like 2024-03-31 or 31-03-2024") that also carries its parts, so the CLI can print it as is
and ``--json`` can emit ``{row, column, value, expected}`` without parsing text back.
Rows are numbered as a spreadsheet shows them: the header is row 1.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from verloop.errors import InputError

MAX_VALUE_CHARS = 60


def _shorten(value: str) -> str:
    value = str(value)
    if len(value) > MAX_VALUE_CHARS:
        return value[: MAX_VALUE_CHARS - 1] + "…"
    return value


class Problem(str):
    """One refused cell (or column, or file): readable as text, structured as attributes."""

    row: int | None
    column: str | None
    value: str | None
    expected: str

    def __new__(cls, row: int | None, column: str | None, value: str | None, expected: str):
        parts = []
        if row is not None:
            parts.append(f"row {row}")
        if column is not None:
            parts.append(f"column {column}")
        where = ", ".join(parts)
        shown = "" if value is None else f"value '{_shorten(value)}' — "
        text = f"{where}: {shown}expected {expected}" if where else f"{shown}expected {expected}"
        self = super().__new__(cls, text)
        self.row = row
        self.column = column
        self.value = value
        self.expected = expected
        return self

    def __reduce__(self):  # keep the parts when pickled (multiprocessing, pytest-xdist)
        return (Problem, (self.row, self.column, self.value, self.expected))

    def to_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "value": self.value, "expected": self.expected}


def sort_key(problem: Problem, column_order: dict[str, int] | None = None) -> tuple:
    order = column_order or {}
    row = problem.row if problem.row is not None else -1
    return (row, order.get(problem.column or "", len(order)), str(problem))


def refuse(path: Path | str, kind: str, problems: Iterable[Problem], columns: Iterable[str] = ()) -> None:
    """Raise one InputError listing every problem, sorted by row then column; no-op when none."""
    order = {name: i for i, name in enumerate(columns)}
    problems = sorted(set(problems), key=lambda p: sort_key(p, order))
    if not problems:
        return
    rows = {p.row for p in problems if p.row is not None}
    noun = "problem" if len(problems) == 1 else "problems"
    where = f" on {len(rows)} row{'s' if len(rows) != 1 else ''}" if rows else ""
    raise InputError(
        f"{Path(path).name}: {len(problems)} {noun}{where}, so no {kind} were imported; "
        "fix the file and import it again.",
        problems=problems,
    )


def problem_dicts(error: Exception) -> list[dict]:
    """The problems of an error as {row, column, value, expected}; a file-level error becomes one entry."""
    problems = getattr(error, "problems", None) or []
    out = []
    for p in problems:
        if isinstance(p, Problem):
            out.append(p.to_dict())
        else:
            out.append({"row": None, "column": None, "value": None, "expected": str(p)})
    if not out:
        out.append({"row": None, "column": None, "value": None, "expected": str(error)})
    return out
