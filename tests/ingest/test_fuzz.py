"""Fuzzing the importers: thousands of malformed and mutated files, never a traceback, never partial data.

Each generated file is one of three kinds:
- ``clean``: valid rows in a random export dialect → must import, and the database must then
  equal an independent model (the baseline upserted with the file's rows);
- ``corrupt``: valid rows with cells broken in known ways → must be refused with an InputError
  naming each broken row, and the database must be unchanged;
- ``wild``: random text in cells and/or random byte mutations → either refused (database
  unchanged) or imported, and then consistent (the stored rows equal the parsed file, and a
  second import changes nothing).
Any other exception fails the test. SQLite only, to stay fast; PostgreSQL shares the code path
except the writer, which the other tests cover on both backends.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, text

from verloop.errors import InputError
from verloop.ingest import import_employees, import_kpis, read_employees, read_kpis
from verloop.ingest.samples import Style, format_date, format_month, format_number
from verloop.ingest.values import key_of
from verloop.store import Store
from verloop.store.schema import Employee, Site, Team, TeamKpi

from .helpers import snapshot

pytestmark = pytest.mark.slow

TODAY = dt.date(2025, 7, 1)
# Examples per importer; at least 1,000 of them malformed (asserted). Lower it locally to iterate.
EXAMPLES = int(os.environ.get("VERLOOP_FUZZ_EXAMPLES", 1200))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

SITES = [{"id": 1, "name": "Utrecht"}, {"id": 2, "name": "Zwolle"}]
TEAMS = [
    {"id": 1, "name": "Team A", "site_id": 1},
    {"id": 2, "name": "Team B", "site_id": 2},
    {"id": 3, "name": "Team C", "site_id": 1},
]
EMPLOYEES = [
    {
        "id": 1,
        "hr_id": "B1",
        "team_id": 1,
        "site_id": 1,
        "role": "coach",
        "contract_hours": 32.0,
        "hire_date": dt.date(2019, 4, 1),
        "exit_date": None,
        "exit_type": None,
        "regretted": None,
    },
    {
        "id": 2,
        "hr_id": "B2",
        "team_id": 2,
        "site_id": 2,
        "role": "agent",
        "contract_hours": 24.0,
        "hire_date": dt.date(2020, 1, 6),
        "exit_date": dt.date(2021, 3, 31),
        "exit_type": "voluntary",
        "regretted": True,
    },
]
KPIS = [
    {
        "team_id": 1,
        "month": dt.date(2024, 1, 1),
        "aht_s": 300.0,
        "service_level": 80.0,
        "csat": 4.0,
        "fcr": 70.0,
        "repeat_rate": 10.0,
        "absenteeism": 5.0,
    }
]

EMPLOYEE_COLUMNS = [
    "employee_id",
    "team",
    "site",
    "role",
    "contract_hours",
    "hire_date",
    "exit_date",
    "exit_type",
    "regretted",
]
KPI_COLUMNS = ["team", "month", "aht_s", "service_level", "csat", "fcr", "repeat_rate", "absenteeism"]


def reset(store: Store) -> None:
    """Back to the baseline organisation before every example."""
    with store.engine.begin() as connection:
        for table in (TeamKpi, Employee, Team, Site):
            connection.execute(delete(table))
        connection.execute(insert(Site), SITES)
        connection.execute(insert(Team), TEAMS)
        connection.execute(insert(Employee), EMPLOYEES)
        connection.execute(insert(TeamKpi), KPIS)


@pytest.fixture
def fuzz_store(tmp_path):
    store = Store.open(f"sqlite:///{tmp_path / 'fuzz.db'}")
    yield store
    store.dispose()


# ------------------------------------------------------------------------------ file rendering

styles = st.builds(
    Style,
    separator=st.sampled_from([",", ";", "\t"]),
    decimal=st.sampled_from([".", ","]),
    dates=st.sampled_from(["iso", "nl", "nl_short", "slash"]),
    months=st.sampled_from(["iso", "nl", "day"]),
    booleans=st.sampled_from([("yes", "no"), ("ja", "nee"), ("1", "0"), ("TRUE", "False")]),
    bom=st.booleans(),
    exit_words=st.sampled_from([("voluntary", "involuntary"), ("Vrijwillig", "ONVRIJWILLIG")]),
)
header_case = st.sampled_from([str, str.upper, str.title, lambda s: " " + s.replace("_", " ") + " "])


def render(header: list[str], cells: list[list[str]], style: Style, case) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=style.separator, lineterminator="\r\n")
    writer.writerow([case(h) for h in header])
    writer.writerows(cells)
    data = buffer.getvalue().encode("utf-8")
    return b"\xef\xbb\xbf" + data if style.bom else data


@st.composite
def byte_mutations(draw, data: bytes) -> bytes:
    """1-4 random edits of the file's bytes: deletions, insertions, flips, line shuffles, truncation."""
    data = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["delete", "insert", "replace", "truncate", "dup_line", "swap_lines", "junk"]))
        at = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "delete" and data:
            del data[at : at + draw(st.integers(1, 8))]
        elif kind == "insert":
            data[at:at] = draw(
                st.sampled_from(
                    [
                        b",",
                        b";",
                        b"\t",
                        b'"',
                        b"\n",
                        b"\r",
                        b"\xef\xbb\xbf",
                        b"\x00",
                        b"\xe9",
                        b"\xff\xfe",
                        b" ",
                        b"%",
                        b"-",
                        b"9",
                    ]
                )
            )
        elif kind == "replace" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "truncate":
            del data[at:]
        elif kind in ("dup_line", "swap_lines"):
            lines = bytes(data).split(b"\n")
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            if kind == "dup_line":
                lines.insert(j, lines[i])
            else:
                lines[i], lines[j] = lines[j], lines[i]
            data = bytearray(b"\n".join(lines))
        else:
            data[at:at] = draw(st.binary(min_size=1, max_size=6))
    return bytes(data)


# Mostly malformed files: 12 in 13 are broken on purpose (corrupt) or at random (wild).
KINDS = st.sampled_from(["corrupt", "wild"] * 6 + ["clean"])


def cell_text(column: str, value, style: Style) -> str:
    """A value as a file in ``style`` writes it (the same rules as verloop.ingest.samples.as_text)."""
    if value is None:
        return ""
    if column in ("hire_date", "exit_date"):
        return format_date(value, style.dates)
    if column == "month":
        return format_month(value, style.months)
    if column == "regretted":
        return style.booleans[0] if value else style.booleans[1]
    if column == "exit_type":
        return dict(zip(("voluntary", "involuntary"), style.exit_words))[value]
    if isinstance(value, float):
        return format_number(value, style.decimal)
    return str(value)


def wild_text():
    return st.text(max_size=12)


# ------------------------------------------------------------------------------ employees

BAD_EMPLOYEE_CELLS = {
    "employee_id": ["", "E" * 101, "a\x01b"],
    "team": ["", "T" * 201, "x\x7fy"],
    "site": ["", "S" * 201],
    "contract_hours": ["0", "61", "-8", "abc", "", "nan", "1e400", "12,5,5", "36 uur"],
    "hire_date": ["31-02-2024", "2024-13-01", "", "gisteren", "2099-01-01", "1800-01-01", "24-1-1"],
    "exit_date": ["2099-01-01", "31-31-2020", "2020-02-30x"],
    "exit_type": ["ontslag", "vol", "1"],
    "regretted": ["misschien", "2", "yes!"],
}


EMPLOYEE_IDS = st.lists(
    st.sampled_from(("B1", "B2", *(f"E{i}" for i in range(1, 13)))), min_size=1, max_size=8, unique=True
)
FIRST_HIRE, LAST_HIRE, LAST_EXIT = dt.date(1995, 1, 1), dt.date(2025, 6, 30), dt.date(2025, 7, 1)
EMPLOYEE_ROW = st.tuples(
    st.sampled_from(("Team A", "team a", "Team B", "Nieuw Team", "nieuw  team", "Team C")),
    st.sampled_from(("Utrecht", "Zwolle", "ZWOLLE", "Amersfoort")),
    st.sampled_from(("agent", "coach", "team lead", None)),
    st.sampled_from((8.0, 16.0, 24.5, 32.0, 36.0, 38.0, 40.0, 60.0, 0.5, 37.25)),
    st.integers(0, (LAST_HIRE - FIRST_HIRE).days),  # hire date
    st.one_of(st.none(), st.integers(0, 12_000)),  # days until the exit, None for current staff
    st.sampled_from(("voluntary", "involuntary")),
    st.sampled_from((True, False, None)),
)


@st.composite
def employee_rows(draw):
    rows = []
    for hr_id in draw(EMPLOYEE_IDS):
        team, site, role, hours, hire_day, stay, exit_type, regretted = draw(EMPLOYEE_ROW)
        hire = FIRST_HIRE + dt.timedelta(days=hire_day)
        exit_ = None if stay is None else min(hire + dt.timedelta(days=stay), LAST_EXIT)
        rows.append(
            {
                "employee_id": hr_id,
                "team": team,
                "site": site,
                "role": role,
                "contract_hours": hours,
                "hire_date": hire,
                "exit_date": exit_,
                "exit_type": exit_type if exit_ else None,
                "regretted": regretted if exit_ else (regretted and None),  # current staff: False or empty
            }
        )
    return rows


@st.composite
def employee_cases(draw):
    kind = draw(KINDS)
    rows = draw(employee_rows())
    style = draw(styles)
    columns = list(EMPLOYEE_COLUMNS)
    if draw(st.booleans()):
        columns.remove("role")
    if draw(st.booleans()):
        columns.remove("regretted")
    if draw(st.booleans()):  # no exit columns: the file describes current staff only
        columns = [c for c in columns if c not in ("exit_date", "exit_type")]
        rows = [{**r, "exit_date": None, "exit_type": None, "regretted": r["regretted"] and None} for r in rows]
    rows = [fit_to_baseline(r, columns) for r in rows]
    columns = draw(st.permutations(columns))
    cells = [[cell_text(c, row[c], style) for c in columns] for row in rows]
    broken_rows: set[int] = set()
    if kind == "corrupt":
        broken = draw(st.lists(st.integers(0, len(rows) - 1), min_size=1, max_size=3, unique=True))
        for i in broken:  # bad cells first, then ids copied from earlier rows that stay intact
            column = draw(st.sampled_from([c for c in columns if c in BAD_EMPLOYEE_CELLS]))
            sources = [j for j in range(i) if j not in broken]
            if sources and draw(st.booleans()):
                j = draw(st.sampled_from(sources))
                cells[i][columns.index("employee_id")] = cells[j][columns.index("employee_id")]
            else:
                cells[i][columns.index(column)] = draw(st.sampled_from(BAD_EMPLOYEE_CELLS[column]))
            broken_rows.add(i + 2)
    elif kind == "wild":
        for _ in range(draw(st.integers(1, 3))):
            i = draw(st.integers(0, len(rows) - 1))
            cells[i][draw(st.integers(0, len(columns) - 1))] = draw(wild_text())
    data = render(list(columns), cells, style, draw(header_case))
    if kind == "wild" and draw(st.booleans()):
        data = draw(byte_mutations(data))
    return {"kind": kind, "rows": rows, "columns": list(columns), "data": data, "broken_rows": broken_rows}


def fit_to_baseline(row: dict, columns: list[str]) -> dict:
    """Keep a valid row valid against the stored baseline where the file leaves columns out."""
    stored = next((e for e in EMPLOYEES if e["hr_id"] == row["employee_id"]), None)
    if stored is None or stored["exit_date"] is None:
        return row
    if "exit_date" not in columns and row["hire_date"] > stored["exit_date"]:
        return {**row, "hire_date": stored["exit_date"]}  # the kept exit date must not precede the hire
    if "exit_date" in columns and "regretted" not in columns and stored["regretted"] and row["exit_date"] is None:
        return {**row, "exit_date": row["hire_date"], "exit_type": "voluntary"}  # stays a leaver
    return row


def employee_model(rows: list[dict], columns: list[str]) -> dict:
    """The expected database after upserting rows onto the baseline: hr_id → comparable tuple."""
    team_key = {t["id"]: key_of(t["name"]) for t in TEAMS}
    site_key = {s["id"]: key_of(s["name"]) for s in SITES}
    model = {
        e["hr_id"]: {
            "team": team_key[e["team_id"]],
            "site": site_key[e["site_id"]],
            "role": e["role"],
            "contract_hours": e["contract_hours"],
            "hire_date": e["hire_date"],
            "exit_date": e["exit_date"],
            "exit_type": e["exit_type"],
            "regretted": e["regretted"],
        }
        for e in EMPLOYEES
    }
    for row in rows:
        record = model.get(
            row["employee_id"], {"role": "agent", "exit_date": None, "exit_type": None, "regretted": None}
        )
        record = dict(record)
        for column in columns:
            if column == "employee_id":
                continue
            value = row[column]
            if column in ("team", "site"):
                value = key_of(value)
            if column == "role" and value is None:
                value = "agent"
            record[column] = value
        model[row["employee_id"]] = record
    return model


def stored_model(store) -> dict:
    query = text(
        "select e.hr_id, t.name, s.name, e.role, e.contract_hours, e.hire_date, e.exit_date, e.exit_type, "
        "e.regretted from employees e join teams t on t.id = e.team_id join sites s on s.id = e.site_id"
    )
    with store.engine.connect() as connection:
        rows = connection.execute(query).all()
    return {
        r[0]: {
            "team": key_of(r[1]),
            "site": key_of(r[2]),
            "role": r[3],
            "contract_hours": r[4],
            "hire_date": as_date(r[5]),
            "exit_date": as_date(r[6]),
            "exit_type": r[7],
            "regretted": None if r[8] is None else bool(r[8]),
        }
        for r in rows
    }


def as_date(value):
    """Raw SQL on SQLite returns ISO text; the ORM types are not applied to text() queries."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def check_employees_match_file(store, path) -> None:
    """After a wild file imported: every parsed row is stored as parsed."""
    _, parsed = read_employees(path, today=TODAY)
    stored = stored_model(store)
    for record in parsed.to_dict("records"):
        row = stored[record["hr_id"]]
        assert row["team"] == key_of(record["team"]) and row["site"] == key_of(record["site"])
        assert row["contract_hours"] == record["contract_hours"]
        assert row["hire_date"] == record["hire_date"].date()


def fuzz(store, path, cases, importer, clean_model, stored, check_wild) -> Counter:
    """Run the importer on every generated case and check the outcome against its kind."""
    tally: Counter = Counter()

    @FUZZ
    @given(case=cases)
    def run(case):
        reset(store)
        before = snapshot(store)
        path.write_bytes(case["data"])
        try:
            importer(store, path, today=TODAY)
        except InputError as error:
            assert str(error) and all(str(p) for p in error.problems)
            assert snapshot(store) == before, "a refused file left data behind"
            assert case["kind"] != "clean", f"a valid file was refused: {error} {error.problems}"
            if case["kind"] == "corrupt":
                reported = {p.row for p in error.problems}
                assert case["broken_rows"] <= reported, (case["broken_rows"], error.problems)
            tally[f"{case['kind']} refused"] += 1
            return
        assert case["kind"] != "corrupt", "a file with broken cells was imported"
        if case["kind"] == "clean":
            assert stored(store) == clean_model(case["rows"], case["columns"])
        else:
            check_wild(store, path)
        after = snapshot(store)
        again = importer(store, path, today=TODAY)
        assert (again.inserted, again.updated) == (0, 0) and snapshot(store) == after, "a second import changed data"
        tally[f"{case['kind']} imported"] += 1

    run()
    malformed = sum(n for k, n in tally.items() if not k.startswith("clean"))
    assert malformed >= min(1000, EXAMPLES * 3 // 4), tally
    assert tally["clean imported"] and tally["wild imported"] and tally["wild refused"], tally
    return tally


def test_fuzz_employee_import(fuzz_store, tmp_path):
    tally = fuzz(
        fuzz_store,
        tmp_path / "employees.csv",
        employee_cases(),
        import_employees,
        employee_model,
        stored_model,
        check_employees_match_file,
    )
    print(f"employee fuzz: {dict(tally)}")


# ------------------------------------------------------------------------------ KPIs

BAD_KPI_CELLS = {
    "team": ["", "Team X", "Team  Z"],
    "month": ["2024-13", "", "13-2024", "2099-01", "maart", "2024-02-30"],
    "aht_s": ["0", "7200", "-1", "abc", "1e9"],
    "service_level": ["100,5", "-0,1", "101%", "x"],
    "csat": ["0,9", "5,01", "6", "vier"],
    "fcr": ["-1", "100.01", "?"],
    "repeat_rate": ["200", "--1"],
    "absenteeism": ["101", "1,2,3"],
}
MEASURE_VALUES = {
    "aht_s": st.integers(1, 71999).map(lambda x: x / 10),
    "service_level": st.integers(0, 1000).map(lambda x: x / 10),
    "csat": st.integers(100, 500).map(lambda x: x / 100),
    "fcr": st.integers(0, 100).map(float),
    "repeat_rate": st.integers(0, 1000).map(lambda x: x / 10),
    "absenteeism": st.integers(0, 10000).map(lambda x: x / 100),
}


KPI_KEYS = st.lists(
    st.tuples(st.sampled_from(("Team A", "Team B", "Team C")), st.integers(0, 30)),  # 30 months from 2023-01
    min_size=1,
    max_size=8,
    unique=True,
)
KPI_MEASURES = st.lists(st.sampled_from(tuple(KPI_COLUMNS[2:])), min_size=1, unique=True)
KPI_ROW = st.tuples(
    st.sampled_from((str, str.lower, lambda t: f" {t.upper()} ")),
    *(st.one_of(st.none(), MEASURE_VALUES[m]) for m in KPI_COLUMNS[2:]),
)


@st.composite
def kpi_cases(draw):
    kind = draw(KINDS)
    measures = draw(KPI_MEASURES)
    rows = []
    for team, month_index in draw(KPI_KEYS):
        spell, *values = draw(KPI_ROW)
        row = {"team": spell(team), "month": dt.date(2023 + month_index // 12, 1 + month_index % 12, 1)}
        row.update({m: x if m in measures else None for m, x in zip(KPI_COLUMNS[2:], values)})
        rows.append(row)
    style = draw(styles)
    columns = draw(st.permutations(["team", "month", *measures]))
    cells = [[cell_text(c, row[c], style) for c in columns] for row in rows]
    broken_rows: set[int] = set()
    if kind == "corrupt":
        broken = draw(st.lists(st.integers(0, len(rows) - 1), min_size=1, max_size=3, unique=True))
        for i in broken:  # bad cells, or the (team, month) of an earlier row that stays intact
            sources = [j for j in range(i) if j not in broken]
            if sources and draw(st.booleans()):
                j = draw(st.sampled_from(sources))
                for c in ("team", "month"):
                    cells[i][columns.index(c)] = cells[j][columns.index(c)]
            else:
                column = draw(st.sampled_from(list(columns)))
                cells[i][columns.index(column)] = draw(st.sampled_from(BAD_KPI_CELLS[column]))
            broken_rows.add(i + 2)
    elif kind == "wild":
        for _ in range(draw(st.integers(1, 3))):
            i = draw(st.integers(0, len(rows) - 1))
            cells[i][draw(st.integers(0, len(columns) - 1))] = draw(wild_text())
    data = render(list(columns), cells, style, draw(header_case))
    if kind == "wild" and draw(st.booleans()):
        data = draw(byte_mutations(data))
    return {"kind": kind, "rows": rows, "columns": list(columns), "data": data, "broken_rows": broken_rows}


def kpi_model(rows: list[dict], columns: list[str]) -> dict:
    names = {t["id"]: t["name"] for t in TEAMS}
    model = {(names[k["team_id"]], k["month"]): {m: k[m] for m in KPI_COLUMNS[2:]} for k in KPIS}
    for row in rows:
        key = (next(t["name"] for t in TEAMS if key_of(t["name"]) == key_of(row["team"])), row["month"])
        record = dict(model.get(key, {m: None for m in KPI_COLUMNS[2:]}))
        record.update({m: row[m] for m in columns if m in KPI_COLUMNS[2:]})
        model[key] = record
    return model


def stored_kpi_model(store) -> dict:
    query = text(
        "select t.name, k.month, k.aht_s, k.service_level, k.csat, k.fcr, k.repeat_rate, k.absenteeism "
        "from team_kpis k join teams t on t.id = k.team_id"
    )
    with store.engine.connect() as connection:
        rows = connection.execute(query).all()
    return {(r[0], as_date(r[1])): dict(zip(KPI_COLUMNS[2:], r[2:])) for r in rows}


def check_kpis_match_file(store, path) -> None:
    """After a wild file imported: every parsed row is stored as parsed."""
    _, parsed = read_kpis(path, today=TODAY)
    stored = stored_kpi_model(store)
    teams = {key_of(t["name"]): t["name"] for t in TEAMS}
    for record in parsed.to_dict("records"):
        row = stored[(teams[key_of(record["team"])], record["month"].date())]
        for m in KPI_COLUMNS[2:]:
            if m in record:
                assert row[m] == (None if record[m] != record[m] else record[m])


def test_fuzz_kpi_import(fuzz_store, tmp_path):
    tally = fuzz(
        fuzz_store, tmp_path / "kpis.csv", kpi_cases(), import_kpis, kpi_model, stored_kpi_model, check_kpis_match_file
    )
    print(f"KPI fuzz: {dict(tally)}")


# ------------------------------------------------------------------------------ XLSX


@pytest.fixture(scope="module")
def xlsx_bytes(tmp_path_factory) -> bytes:
    from verloop.ingest.samples import sample_employees, write_file

    path = tmp_path_factory.mktemp("xlsx") / "employees.xlsx"
    return write_file(sample_employees(8, seed=3), path).read_bytes()


def test_fuzz_damaged_xlsx(fuzz_store, tmp_path, xlsx_bytes):
    """Byte-damaged workbooks: refused with an InputError (nothing written) or imported whole."""
    path = tmp_path / "employees.xlsx"
    tally: Counter = Counter()

    @settings(FUZZ, max_examples=max(EXAMPLES // 6, 20))
    @given(data=byte_mutations(xlsx_bytes))
    def run(data):
        reset(fuzz_store)
        before = snapshot(fuzz_store)
        path.write_bytes(data)
        try:
            result = import_employees(fuzz_store, path, today=TODAY)
        except InputError as error:
            assert str(error) and snapshot(fuzz_store) == before
            tally["refused"] += 1
            return
        assert result.rows == 8  # zip CRCs catch damaged content, so what imports is the whole sheet
        tally["imported"] += 1

    run()
    print(f"XLSX fuzz: {dict(tally)}")
    assert tally["refused"] > 0
