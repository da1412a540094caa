"""Reading files as HR tools export them, and refusing what is not a readable table."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pytest

from verloop.errors import InputError
from verloop.ingest import read_employees, read_kpis, read_table
from verloop.ingest.read import canonical_table, normalise_name, parse_mapping
from verloop.ingest.report import Problem

HEADER = "employee_id,team,site,contract_hours,hire_date"
TODAY = dt.date(2025, 7, 1)


def write(tmp_path, name: str, content: bytes | str) -> object:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def refused(path, **kwargs) -> InputError:
    with pytest.raises(InputError) as info:
        read_employees(path, today=TODAY, **kwargs)
    return info.value


@pytest.mark.parametrize(
    "content",
    [
        'employee_id,team,site,contract_hours,hire_date\r\nE1,Team A,Utrecht,"24,5",01-02-2023\r\n',
        "\ufeffemployee_id;team;site;contract_hours;hire_date\nE1;Team A;Utrecht;24,5;1-2-2023\n",
        "employee_id\tteam\tsite\tcontract_hours\thire_date\nE1\tTeam A\tUtrecht\t24.5\t2023-02-01\n",
        "employee_id|team|site|contract_hours|hire_date\nE1|Team A|Utrecht|24.5|01/02/2023\n",
        "sep=;\nemployee_id;team;site;contract_hours;hire_date\nE1;Team A;Utrecht;24,5;01.02.2023\n",
        " Employee ID ; TEAM ;Site; Contract-Hours ;Hire_Date;;\nE1 ; Team A ;Utrecht;24,5;2023-02-01 00:00:00;;\n;;;;;;\n",
    ],
    ids=["crlf-quoted-comma", "bom-semicolon", "tab", "pipe", "excel-sep-line", "spaced-header-trailing-seps"],
)
def test_export_dialects_read_the_same(tmp_path, content):
    table, data = read_employees(write(tmp_path, "e.csv", content), today=TODAY)
    assert list(data["hr_id"]) == ["E1"]
    assert list(data["team"]) == ["Team A"]
    assert data["contract_hours"].iat[0] == 24.5
    assert data["hire_date"].iat[0] == dt.datetime(2023, 2, 1)
    assert data["role"].iat[0] == "agent"  # column absent or empty → the default role
    assert list(table.rows) == [2 + ("sep=" in content)]


def test_utf16_unicode_text_export(tmp_path):
    content = "employee_id\tteam\tsite\tcontract_hours\thire_date\r\nE1\tÉquipe Zoë\tUtrecht\t36\t2023-02-01\r\n"
    path = write(tmp_path, "e.txt", content.encode("utf-16"))
    _, data = read_employees(path, today=TODAY)
    assert list(data["team"]) == ["Équipe Zoë"]


def test_blank_lines_keep_spreadsheet_row_numbers(tmp_path):
    content = f"\n{HEADER}\nE1,A,S,36,2020-01-01\n\n,,,,\nE2,A,S,99,2020-01-01\n"
    error = refused(write(tmp_path, "e.csv", content))
    assert [(p.row, p.column, p.value) for p in error.problems] == [(6, "contract_hours", "99")]


def test_quoted_newline_is_one_row(tmp_path):
    content = f'{HEADER}\nE1,"Team\nA",S,36,2020-01-01\n"E\n2",A,S,0,2020-01-01\n'
    error = refused(write(tmp_path, "e.csv", content))
    # Rows as a spreadsheet shows them (the quoted line break stays inside row 2); a line break
    # inside a name collapses to a space, inside an id it is refused.
    assert {(p.row, p.column) for p in error.problems} == {(3, "employee_id"), (3, "contract_hours")}
    fixed = content.replace('"E\n2",A,S,0', "E2,A,S,1")
    _, data = read_employees(write(tmp_path, "f.csv", fixed), today=TODAY)
    assert list(data["team"]) == ["Team A", "A"]


def test_missing_file_and_folder(tmp_path):
    error = refused(tmp_path / "nope.csv")
    assert str(error) == f"file not found: {tmp_path / 'nope.csv'}"
    assert "folder" in str(refused(tmp_path))


@pytest.mark.parametrize(
    "content, words",
    [
        (b"", "is empty"),
        (b"  \r\n\n  ", "is empty"),
        (f"{HEADER}\n".encode(), "header but no rows"),
        (b"\n;;;\n\n", "no header row"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary data"),
        (bytes(range(128, 256)) * 20, "binary data"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "97-2003"),
    ],
    ids=["empty", "blank", "header-only", "separators-only", "png", "high-bytes", "old-xls"],
)
def test_malformed_files_are_refused_in_one_sentence(tmp_path, content, words):
    error = refused(write(tmp_path, "e.csv", content))
    assert words in str(error)
    assert "e.csv" in str(error)


def test_latin1_names_the_row_of_the_bad_byte(tmp_path):
    content = f"{HEADER}\nE1,A,S,36,2020-01-01\nE2,Café,S,36,2020-01-01\n".encode("latin-1")
    error = refused(write(tmp_path, "e.csv", content))
    assert "not UTF-8" in str(error) and "row 3" in str(error) and "0xE9" in str(error)
    assert "'é'" in str(error) and "CSV UTF-8" in str(error)


def test_ragged_rows_all_reported(tmp_path):
    content = f"{HEADER}\nE1,A,S,36,2020-01-01,extra\nE2,A,S,36\nE3,A,S,36,2020-01-01\nE4,A,S,36,2020-01-01,\n"
    error = refused(write(tmp_path, "e.csv", content))
    assert [p.row for p in error.problems] == [2, 3]  # a trailing empty cell (row 5) is harmless
    assert "found 6" in error.problems[0] and "found 4" in error.problems[1]


def test_unclosed_quote_is_refused(tmp_path):
    content = f'{HEADER}\nE1,"A,S,36,2020-01-01\nE2,A,S,36,2020-01-01\n'
    error = refused(write(tmp_path, "e.csv", content))
    assert error.problems and error.problems[0].row == 2


def test_unknown_missing_and_duplicate_columns(tmp_path):
    error = refused(write(tmp_path, "e.csv", "employee_id,team,Naam,contract_hours,hire_date\nE1,A,x,36,2020-01-01\n"))
    message = str(error)
    assert "'Naam'" in message and "missing: site" in message and "--map 'Naam=site'" in message
    assert [p.column for p in error.problems] == ["Naam"] and error.problems[0].row == 1

    error = refused(write(tmp_path, "f.csv", "employee_id,team,contract_hours,hire_date\nE1,A,36,2020-01-01\n"))
    assert "lacks the column site" in str(error)

    error = refused(
        write(tmp_path, "g.csv", "employee_id,team,site,Team,contract_hours,hire_date\nE1,A,S,B,36,2020-01-01\n")
    )
    assert "same column more than once" in str(error) and error.problems[0].column == "team"


def test_nameless_column_with_values_is_refused(tmp_path):
    error = refused(
        write(tmp_path, "e.csv", "employee_id,team,,site,contract_hours,hire_date\nE1,A,x,S,36,2020-01-01\n")
    )
    assert "no name" in str(error)
    _, data = read_employees(
        write(tmp_path, "f.csv", "employee_id,team,,site,contract_hours,hire_date\nE1,A,,S,36,2020-01-01\n"),
        today=TODAY,
    )
    assert list(data["site"]) == ["S"]


def test_map_renames_and_ignores_columns(tmp_path):
    path = write(
        tmp_path, "e.csv", "Personeelsnummer;Afdeling;Vestiging;Uren;In dienst;Naam\nP1;A;S;32;2020-01-01;Jan\n"
    )
    mapping = [
        "personeelsnummer=employee_id",
        "AFDELING=team",
        "vestiging=site",
        "uren=contract_hours",
        "in dienst=hire_date",
        "Naam=",
    ]
    _, data = read_employees(path, mapping=mapping, today=TODAY)
    assert list(data["hr_id"]) == ["P1"] and data["contract_hours"].iat[0] == 32.0
    _, same = read_employees(path, mapping=dict(m.split("=") for m in mapping), today=TODAY)
    assert same.equals(data)


@pytest.mark.parametrize(
    "mapping, words",
    [
        (["Afdeling"], "old=new"),
        (["Afdeling=teams"], "not a column Verloop knows"),
        (["Bestaat=team"], "does not have"),
        (["=team"], "names no column"),
    ],
)
def test_bad_maps_are_refused(tmp_path, mapping, words):
    path = write(tmp_path, "e.csv", "employee_id,Afdeling,site,contract_hours,hire_date\nE1,A,S,36,2020-01-01\n")
    assert words in str(refused(path, mapping=mapping))


def test_normalise_name_and_parse_mapping():
    assert normalise_name("  Contract - Hours ") == "contract_hours"
    assert normalise_name("\ufeffEmployee ID") == "employee_id"
    assert parse_mapping(None, ["team"]) == {}
    assert parse_mapping(["Afdeling naam=Team"], ["team"]) == {"afdeling_naam": "team"}


def test_canonical_table_orders_columns(tmp_path):
    raw = read_table(write(tmp_path, "k.csv", "csat,Month,team\n4,2024-01,A\n"))
    table = canonical_table(raw, ["team", "month", "csat"], ["team", "month"])
    assert table.columns == ["team", "month", "csat"] and list(table.frame.columns) == table.columns


# ------------------------------------------------------------------------------------------ XLSX


def test_xlsx_typed_cells_and_row_numbers(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Team", "Month", "Service level", "CSAT", "AHT_s"])
    sheet.append(["Team A", dt.datetime(2025, 3, 1), 0.825, 4.2, 310])
    sheet["C2"].number_format = "0.0%"
    sheet.append([])
    sheet.append(["Team B", "04-2025", 90, None, 301.5])
    workbook.create_sheet("ignored").append(["anything"])
    path = tmp_path / "k.xlsx"
    workbook.save(path)
    table, data = read_kpis(path, today=TODAY)
    assert table.source == "XLSX"
    assert list(table.rows) == [2, 4]
    assert list(data["service_level"]) == [82.5, 90.0]
    assert data["csat"].iat[0] == 4.2 and data["csat"].isna().iat[1]
    assert list(data["month"].dt.strftime("%Y-%m")) == ["2025-03", "2025-04"]


def test_xlsx_bad_cells_are_reported_by_sheet_row(tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["employee_id", "team", "site", "contract_hours", "hire_date", "regretted"])
    sheet.append(["E1", "A", "S", 36, dt.date(2020, 1, 1), True])
    sheet.append(["E2", "A", "S", "#N/A", dt.datetime(2020, 1, 1, 9, 30), None])
    path = tmp_path / "e.xlsx"
    workbook.save(path)
    error = refused(path)
    assert [(p.row, p.column, p.value) for p in error.problems] == [
        (2, "regretted", "true"),
        (3, "contract_hours", "#N/A"),
    ]  # 'true' regretted without an exit date; the 9:30 time is accepted as the date


@pytest.mark.parametrize(
    "content, name, words",
    [
        (b"just text, not a workbook\n", "e.xlsx", "not a real XLSX"),
        (None, "e.xlsx", "not a readable XLSX"),
        (b"PK\x03\x04" + b"\x00" * 60, "e.xlsx", "not a readable XLSX"),
    ],
    ids=["text-named-xlsx", "zip-without-workbook", "truncated-zip"],
)
def test_fake_xlsx_is_refused(tmp_path, content, name, words):
    path = tmp_path / name
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("hello.txt", "not a workbook")
    else:
        path.write_bytes(content)
    assert words in str(refused(path))


def test_problem_is_text_with_parts():
    problem = Problem(7, "team", "Team X", "a known team")
    assert problem == "row 7, column team: value 'Team X' — expected a known team"
    assert problem.to_dict() == {"row": 7, "column": "team", "value": "Team X", "expected": "a known team"}
    assert Problem(None, None, None, "a file") == "expected a file"
    assert len(Problem(2, "x", "y" * 500, "short")) < 200
