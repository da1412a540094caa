"""Importing HR employee lists and monthly team KPIs from CSV or XLSX files.

Every row is validated before anything is written; any invalid row refuses the whole file
with an ``InputError`` whose ``problems`` name each bad cell by row (header = row 1), column,
value and what was expected. All writes happen in one transaction, so an interrupted import
leaves the database as it was; importing the same file twice changes nothing.
"""

from verloop.ingest.employees import import_employees, read_employees, validate_employees
from verloop.ingest.kpis import import_kpis, read_kpis, validate_kpis
from verloop.ingest.read import read_table
from verloop.ingest.report import Problem
from verloop.ingest.write import ImportResult

__all__ = [
    "ImportResult",
    "Problem",
    "import_employees",
    "import_kpis",
    "read_employees",
    "read_kpis",
    "read_table",
    "validate_employees",
    "validate_kpis",
]
