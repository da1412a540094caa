"""Reading what HR and workforce-management tools really export, as a frame of strings.

CSV: UTF-8 with or without BOM (UTF-16 "Unicode text" too), separated by ``,`` ``;`` tab or
``|`` (sniffed from the header line, or Excel's ``sep=;`` first line). XLSX: the first sheet,
via openpyxl. Everything becomes text here — cells stripped, blank rows dropped, each row
keeping the number a spreadsheet shows (header = row 1) — and typing happens in
``verloop.ingest.values`` so that every bad cell can be reported, not just the first.

Anything that is not a readable table is refused here with one sentence: missing file, empty
file, binary data, wrong encoding (naming the row of the first bad byte), a broken XLSX,
ragged rows, unknown or duplicate columns.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from verloop.errors import InputError
from verloop.ingest.report import Problem, refuse

SEPARATORS = (",", ";", "\t", "|")
SEP_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97-2003 .xls
XLSX_SUFFIXES = (".xlsx", ".xlsm")
MAX_CELL_CHARS = 1_000_000
HOW_TO_SAVE = "export it as 'CSV UTF-8' or .xlsx and import again"
_SPACE = re.compile(r"[\s_\-]+")


@dataclass
class RawTable:
    """A file read as text: header names as written, string cells, spreadsheet row numbers."""

    path: Path
    header: list[str]
    frame: pd.DataFrame  # columns 0..n-1 (positions), str cells, stripped, no blank rows
    rows: np.ndarray  # spreadsheet row number of each frame row
    header_row: int = 1
    format: str = "csv"
    separator: str | None = None
    encoding: str | None = None

    @property
    def description(self) -> str:
        if self.format == "xlsx":
            return "XLSX"
        return f"CSV ({self.encoding}, {SEP_NAMES.get(self.separator, repr(self.separator))}-separated)"


@dataclass
class Table:
    """A file with its columns renamed to Verloop's canonical names."""

    path: Path
    frame: pd.DataFrame  # canonical column names, str cells
    rows: np.ndarray
    columns: list[str] = field(default_factory=list)  # canonical names present, in file order
    source: str = "csv"


def normalise_name(name: str) -> str:
    """Header matching ignores case, surrounding blanks, and spaces/hyphens vs underscores."""
    name = unicodedata.normalize("NFKC", str(name)).replace("\ufeff", "")
    return _SPACE.sub("_", name.strip().lower()).strip("_")


# ---------------------------------------------------------------------------------- files


def read_table(path: str | Path, kind: str = "rows") -> RawTable:
    """Read a CSV or XLSX file into text cells, or raise InputError saying what is wrong."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"file not found: {path}")
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a file; give the path of a CSV or XLSX file.")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}.") from None
    if not data.strip():
        raise InputError(f"{path.name} is empty; expected a header row followed by one row per record.")
    if data.startswith(OLE_MAGIC) or path.suffix.lower() == ".xls":
        raise InputError(
            f"{path.name} is an old Excel 97-2003 (.xls) workbook; save it as .xlsx or 'CSV UTF-8' and import again."
        )
    if data.startswith(ZIP_MAGIC) or path.suffix.lower() in XLSX_SUFFIXES:
        if not data.startswith(ZIP_MAGIC):
            raise InputError(
                f"{path.name} is not a real XLSX workbook (its content is not an Excel file); {HOW_TO_SAVE}."
            )
        records, rows = _xlsx_records(path)
        return _table(path, records, rows, fmt="xlsx", kind=kind)
    text, encoding = _decode(path, data)
    separator, text, offset = _separator(text)
    records, rows = _csv_records(path, text, separator, offset)
    table = _table(path, records, rows, fmt="csv", kind=kind)
    table.separator, table.encoding = separator, encoding
    return table


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    """Bytes to text: UTF-8 (BOM optional) or BOM-marked UTF-16; anything else is refused."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise InputError(f"{path.name} claims to be UTF-16 but is not readable as such; {HOW_TO_SAVE}.") from None
    if b"\x00" in data:
        raise InputError(f"{path.name} does not look like a CSV or XLSX file (it contains binary data); {HOW_TO_SAVE}.")
    encoding = "UTF-8 with BOM" if data.startswith(b"\xef\xbb\xbf") else "UTF-8"
    try:
        return data.decode("utf-8-sig"), encoding
    except UnicodeDecodeError as exc:
        lossy = data.decode("utf-8", errors="replace")
        if lossy.count("\ufffd") > max(16, len(lossy) // 10):
            raise InputError(
                f"{path.name} does not look like a CSV or XLSX file (it contains binary data); {HOW_TO_SAVE}."
            ) from None
        bad = data[exc.start : exc.start + 1]
        row = data.count(b"\n", 0, exc.start) + 1
        guess = bad.decode("cp1252", errors="replace")
        hint = f" (in Windows-1252/Latin-1 it would be '{guess}')" if guess.isprintable() and guess != "\ufffd" else ""
        raise InputError(
            f"{path.name} is not UTF-8: byte 0x{bad.hex().upper()} on row {row} cannot be read{hint}; "
            "the file must be UTF-8 — in Excel use Save As → 'CSV UTF-8', or re-save it as UTF-8 in your editor."
        ) from None


def _separator(text: str) -> tuple[str, str, int]:
    """The separator from Excel's 'sep=X' line or from the header line; (sep, text, rows skipped)."""
    first_end = text.find("\n")
    first = (text if first_end < 0 else text[:first_end]).strip("\r")
    hint = re.fullmatch(r'"?sep=(.)"?\s*', first)
    if hint and hint.group(1) in SEPARATORS:
        return hint.group(1), ("" if first_end < 0 else text[first_end + 1 :]), 1
    for line in text.split("\n", 1000)[:1000]:  # the header is among the first lines
        if line.strip():
            counts = {sep: line.count(sep) for sep in SEPARATORS}
            best = max(SEPARATORS, key=lambda s: counts[s])
            return (best if counts[best] else ","), text, 0
    return ",", text, 0


def _csv_records(path: Path, text: str, separator: str, offset: int) -> tuple[list[list[str]], list[int]]:
    records: list[list[str]] = []
    rows: list[int] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, quotechar='"', strict=False)
    old_limit = csv.field_size_limit()
    csv.field_size_limit(MAX_CELL_CHARS)
    number = offset
    try:
        for number, record in enumerate(reader, start=offset + 1):
            records.append(record)
            rows.append(number)
    except csv.Error as exc:
        raise InputError(
            f'{path.name} cannot be read as CSV after row {number}: {exc}; check for an unclosed quote (").'
        ) from None
    finally:
        csv.field_size_limit(old_limit)
    return records, rows


def _xlsx_records(path: Path) -> tuple[list[list[str]], list[int]]:
    import warnings

    import openpyxl

    records: list[list[str]] = []
    rows: list[int] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            if not workbook.worksheets:
                raise InputError(f"{path.name} has no worksheets; put the table on the first sheet.")
            sheet = workbook.worksheets[0]
            if hasattr(sheet, "reset_dimensions"):
                sheet.reset_dimensions()  # the stored dimension may be wrong; read every row
            for number, cells in enumerate(sheet.iter_rows(min_row=1), start=1):
                records.append([_xlsx_text(cell) for cell in cells])
                rows.append(number)
        finally:
            workbook.close()
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - a damaged workbook surfaces as zip, XML, style or value errors
        raise InputError(
            f"{path.name} is not a readable XLSX workbook ({type(exc).__name__}); open it in Excel and save it "
            f"again, or {HOW_TO_SAVE}."
        ) from None
    return records, rows


def _xlsx_text(cell) -> str:
    """A cell as the text a CSV export would show: dates ISO, percentages as 0-100, no '.0'."""
    value = getattr(cell, "value", None)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        number_format = str(getattr(cell, "number_format", "") or "")
        if "%" in number_format:
            value = value * 100
        if isinstance(value, float):
            if not np.isfinite(value):
                return str(value)
            rounded = round(value, 10)
            if rounded == int(rounded) and abs(rounded) < 1e15:
                return str(int(rounded))
            return repr(rounded)
        return str(value)
    return str(value)


# ---------------------------------------------------------------------------------- shape


def _clean(value: str) -> str:
    return value.strip().strip("\ufeff").strip()


def _table(path: Path, records: list[list[str]], rows: list[int], fmt: str, kind: str = "rows") -> RawTable:
    """Header = first non-blank record; drop blank rows and nameless empty columns; refuse ragged rows."""
    start = next((i for i, r in enumerate(records) if any(_clean(c) for c in r)), None)
    if start is None:
        raise InputError(f"{path.name} has no header row (it holds only empty lines or cells).")
    header = [_clean(c) for c in records[start]]
    header_row = rows[start]
    body = records[start + 1 :]
    body_rows = rows[start + 1 :]
    width = len(header)
    # Trailing separators (Excel ';;;') give nameless columns: keep them only while a row uses them.
    problems: list[Problem] = []
    kept: list[list[str]] = []
    kept_rows: list[int] = []
    for record, number in zip(body, body_rows):
        cells = [c.strip() for c in record]
        while cells and not cells[-1] and len(cells) > width:
            cells.pop()
        if not any(cells):
            continue
        kept.append(cells)
        kept_rows.append(number)
    while header and not header[-1]:
        if any(len(r) >= len(header) and r[len(header) - 1] for r in kept):
            break
        header.pop()
    width = len(header)
    if width == 0:
        raise InputError(f"{path.name} has no column names in its header row (row {header_row}).")
    for record, number in zip(kept, kept_rows):
        if len(record) > width:
            extra = [c for c in record[width:] if c]
            if extra:
                problems.append(
                    Problem(
                        number,
                        None,
                        None,
                        f"at most {width} values like the header (row {header_row}), "
                        f"found {len(record)}; check the separator and quotes in this row",
                    )
                )
        elif len(record) < width and fmt == "csv":
            problems.append(
                Problem(
                    number,
                    None,
                    None,
                    f"{width} values like the header (row {header_row}), found "
                    f"{len(record)}; check the separator and quotes in this row",
                )
            )
    refuse(path, kind, problems)
    if not kept:
        frame = pd.DataFrame({i: pd.Series([], dtype=object) for i in range(width)})
    else:
        padded = [(r + [""] * (width - len(r)))[:width] if len(r) != width else r for r in kept]
        frame = pd.DataFrame(padded, columns=range(width), dtype=object)
    return RawTable(
        path=path,
        header=header,
        frame=frame,
        rows=np.asarray(kept_rows, dtype=np.int64),
        header_row=header_row,
        format=fmt,
    )


def parse_mapping(pairs: list[str] | dict[str, str] | None, canonical: list[str]) -> dict[str, str | None]:
    """``--map old=new`` pairs as {normalised old: new or None (drop)}; refuses unknown targets."""
    if not pairs:
        return {}
    if isinstance(pairs, dict):
        items = list(pairs.items())
    else:
        bad = [pair for pair in pairs if "=" not in pair]
        if bad:
            raise InputError(f"--map '{bad[0]}' is not of the form old=new; e.g. --map 'Personeelsnummer=employee_id'.")
        items = [tuple(pair.split("=", 1)) for pair in pairs]
    mapping: dict[str, str | None] = {}
    for old, new in items:
        key = normalise_name(old)
        target = normalise_name(new) if new and new.strip() else None
        if not key:
            raise InputError(f"--map '{old}={new}' names no column to rename; give the file's column name before '='.")
        if target is not None and target not in canonical:
            raise InputError(
                f"--map {old}={new}: '{new}' is not a column Verloop knows; expected one of "
                f"{', '.join(canonical)} (or nothing after '=' to ignore the column)."
            )
        mapping[key] = target
    return mapping


def _suggest(name: str, candidates: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(normalise_name(name), candidates, n=1, cutoff=0.5)
    return close[0] if close else candidates[0]


def canonical_table(
    raw: RawTable,
    canonical: list[str],
    required: list[str],
    mapping: dict[str, str | None] | None = None,
    kind: str = "rows",
) -> Table:
    """Rename the header to canonical names (with --map), refusing unknown, missing and duplicate columns."""
    mapping = mapping or {}
    header_norm = [normalise_name(h) for h in raw.header]
    unused = [old for old in mapping if old not in header_norm]
    if unused:
        raise InputError(
            f"--map names column{'s' if len(unused) > 1 else ''} {', '.join(repr(u) for u in unused)} that "
            f"{raw.path.name} does not have; its columns are: {', '.join(raw.header)}."
        )
    names: list[str | None] = []
    for i, (original, norm) in enumerate(zip(raw.header, header_norm)):
        if not original:
            # A nameless column is harmless while it is empty (stray separators); otherwise refused below.
            empty = raw.frame.empty or not raw.frame[i].astype(bool).any()
            names.append(None if empty else "")
            continue
        if not norm:  # a name of only punctuation: unknown, reported as written
            names.append(original)
            continue
        names.append(mapping[norm] if norm in mapping else norm)
    problems: list[Problem] = []
    unknown = [raw.header[i] for i, n in enumerate(names) if n and n not in canonical]
    nameless = [i for i, n in enumerate(names) if n == ""]
    if nameless:
        raise InputError(
            f"{raw.path.name}: column {', '.join(str(i + 1) for i in nameless)} of the header (row "
            f"{raw.header_row}) has no name but holds values; give it a name or delete it."
        )
    if unknown:
        missing = [c for c in canonical if c not in names]
        raise InputError(
            f"{raw.path.name} has column{'s' if len(unknown) > 1 else ''} Verloop does not know: "
            f"{', '.join(repr(u) for u in unknown)}"
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + f". Expected: {', '.join(canonical)}. "
            + (
                "The header has only one column: separate the columns with , ; or a tab."
                if len(raw.header) == 1 and len(unknown[0]) > 20
                else f"Rename with --map 'old=new' (e.g. --map '{unknown[0]}="
                f"{_suggest(unknown[0], missing or canonical)}'), or ignore a column with --map 'old='."
            ),
            problems=[Problem(raw.header_row, u, u, f"one of {', '.join(canonical)} (or --map it)") for u in unknown],
        )
    seen: dict[str, str] = {}
    for original, name in zip(raw.header, names):
        if name is None:
            continue
        if name in seen:
            problems.append(Problem(raw.header_row, name, original, f"each column once; '{seen[name]}' is also {name}"))
        seen[name] = original
    if problems:
        raise InputError(
            f"{raw.path.name} has the same column more than once; keep one of each (or ignore one with --map 'old=').",
            problems=problems,
        )
    missing = [c for c in required if c not in seen]
    if missing:
        raise InputError(
            f"{raw.path.name} lacks the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}; "
            f"its columns are: {', '.join(raw.header)}. Expected: {', '.join(canonical)} "
            "(rename with --map 'old=new').",
            problems=[Problem(raw.header_row, m, None, f"a column named {m}") for m in missing],
        )
    keep = [i for i, n in enumerate(names) if n is not None]
    frame = raw.frame[keep].copy()
    frame.columns = [names[i] for i in keep]
    present = [c for c in canonical if c in frame.columns]
    frame = frame[present]
    return Table(path=raw.path, frame=frame, rows=raw.rows, columns=present, source=raw.description)
