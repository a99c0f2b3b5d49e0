"""Reports and open data: the HTML benchmark report, Frictionless data packages, Excel.

* :func:`render_report` / :func:`write_report` - one self-contained HTML page
  per service and period from a :class:`ReportInputs` (charts with the
  ``plot`` extra), in Italian, English, German...; plugins add
  :class:`ReportSection` objects (hook ``qualitapa_report_sections``).
* :func:`write_datapackage` / :func:`check_datapackage` - CSV files with a
  Frictionless Data ``datapackage.json`` (Table Schema), and its problems
  (:func:`validate_datapackage` is the same function under its former name).
* :func:`write_excel` - one sheet per table (``excel`` extra).
* :func:`indicator_table` - the indicator definitions as a table to publish
  next to the values; :func:`read_results` - a folder of result tables
  (named as :data:`RESULT_FILES` says) ready for :func:`render_report`.

Formula injection is neutralised in every export (:mod:`qualitapa.io`).

Examples
--------
>>> import pandas as pd, tempfile
>>> from qualitapa.reporting import write_datapackage, check_datapackage
>>> values = pd.DataFrame({"organization": ["036023"], "period": [2024], "value": [3.5]})
>>> with tempfile.TemporaryDirectory() as d:
...     _ = write_datapackage({"values": values}, d, name="demo")
...     check_datapackage(d).empty
True
"""

from qualitapa.i18n import LANGUAGES
from qualitapa.reporting._charts import ImageFormat
from qualitapa.reporting._context import ReportContext
from qualitapa.reporting._excel import EXCEL_MAX_ROWS, sheet_names, write_excel
from qualitapa.reporting._format import format_number
from qualitapa.reporting._html import render_report, report_sections, write_report
from qualitapa.reporting._inputs import SECTIONS, ReportInputs
from qualitapa.reporting._opendata import (
    LICENCES,
    PROBLEM_COLUMNS,
    check_datapackage,
    resource_name,
    validate_datapackage,
    write_datapackage,
)
from qualitapa.reporting._schema import KNOWN_FIELDS, check_cells, field_type, infer_schema
from qualitapa.reporting._section import ReportSection, SectionBuilder
from qualitapa.reporting._tables import (
    ID_COLUMNS,
    RESULT_FILES,
    SERVICE_RESULT_FILES,
    guess_primary_key,
    indicator_table,
    read_results,
)
from qualitapa.reporting._words import WORDS as CODE_WORDS
from qualitapa.reporting._words import status_text

__all__ = [
    "CODE_WORDS",
    "EXCEL_MAX_ROWS",
    "ID_COLUMNS",
    "KNOWN_FIELDS",
    "LANGUAGES",
    "LICENCES",
    "PROBLEM_COLUMNS",
    "RESULT_FILES",
    "SECTIONS",
    "SERVICE_RESULT_FILES",
    "ImageFormat",
    "ReportContext",
    "ReportInputs",
    "ReportSection",
    "SectionBuilder",
    "check_cells",
    "check_datapackage",
    "field_type",
    "format_number",
    "guess_primary_key",
    "indicator_table",
    "infer_schema",
    "read_results",
    "render_report",
    "report_sections",
    "resource_name",
    "sheet_names",
    "status_text",
    "validate_datapackage",
    "write_datapackage",
    "write_excel",
    "write_report",
]
