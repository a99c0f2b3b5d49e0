"""Reports and open data: the HTML benchmark report, Frictionless data packages, Excel.

* :func:`render_report` / :func:`write_report` - one self-contained HTML page
  per service and period (charts with the ``plot`` extra), Italian or English.
* :func:`write_datapackage` / :func:`validate_datapackage` - CSV files with a
  Frictionless Data ``datapackage.json`` (Table Schema), and its validation.
* :func:`write_excel` - one sheet per table (``excel`` extra).



Formula injection is neutralised in every export (:mod:`qualitapa.io`).

Examples
--------
>>> import pandas as pd, tempfile
>>> from qualitapa.reporting import write_datapackage, validate_datapackage
>>> values = pd.DataFrame({"organization": ["036023"], "period": [2024], "value": [3.5]})
>>> with tempfile.TemporaryDirectory() as d:
...     _ = write_datapackage({"values": values}, d, name="demo")
...     validate_datapackage(d).empty
True
"""

from qualitapa.reporting._excel import EXCEL_MAX_ROWS, sheet_names, write_excel
from qualitapa.reporting._html import SECTIONS, render_report, write_report
from qualitapa.reporting._labels import LANGUAGES, format_number
from qualitapa.reporting._opendata import (
    LICENCES,
    PROBLEM_COLUMNS,
    resource_name,
    validate_datapackage,
    write_datapackage,
)
from qualitapa.reporting._schema import KNOWN_FIELDS, check_cells, field_type, infer_schema

__all__ = [
    "EXCEL_MAX_ROWS",
    "KNOWN_FIELDS",
    "LANGUAGES",
    "LICENCES",
    "PROBLEM_COLUMNS",
    "SECTIONS",
    "check_cells",
    "field_type",
    "format_number",
    "infer_schema",
    "render_report",
    "resource_name",
    "sheet_names",
    "validate_datapackage",
    "write_datapackage",
    "write_excel",
    "write_report",
]
