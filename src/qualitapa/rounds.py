"""A benchmarking round: collection templates, and the check and merge of what the cities send back.

The coordinating city writes a data-collection workbook (the "scheda di
rilevazione") for each city with :func:`write_indicator_template`; the
cities fill its yellow cells and send it back, or send their own CSV and
Excel exports; :func:`collect` reads every file, checks it, merges the
valid values into one tidy table with the file each row came from, and
says for each organization, period and required variable whether it was
sent, is missing or is invalid. A filled template is also read as it is
by :func:`qualitapa.io.read_table`, :func:`qualitapa.io.read_sources` and
every command that reads indicator data.

The command line: ``qualitapa template indicators`` and ``qualitapa
collect`` (docs: "A benchmarking round").

Examples
--------
>>> import pathlib, tempfile
>>> from qualitapa import Catalog, TomlPlugin
>>> from qualitapa.rounds import EXAMPLE_TOML, collect, write_indicator_template
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "defs.toml").write_text(EXAMPLE_TOML, encoding="utf-8")
>>> catalog = Catalog.build([("example", TomlPlugin(folder / "defs.toml"))], entrypoints=False)
>>> _ = (folder / "trento.csv").write_text(
...     "organization,period,variable,value\\n022205,2024,registry.certificates,52000\\n")
>>> result = collect([folder / "trento.csv"], catalog=catalog)
>>> result.completeness[["variable", "status"]].values.tolist()
[['registry.certificates', 'sent'], ['registry.fte', 'missing']]
>>> result.complete
False
"""

from __future__ import annotations

from qualitapa._collecting import (
    CHANGES_COLUMNS,
    COMPLETENESS_COLUMNS,
    PROBLEM_COLUMNS,
    STATUSES,
    RoundData,
    Status,
    collect,
    completeness_matrix,
)
from qualitapa._data_templates import (
    EXAMPLE_TOML,
    METADATA_SHEET,
    TEMPLATE_KIND,
    is_indicator_template,
    read_indicator_template,
    required_variables,
    service_variables,
    write_indicator_template,
)

__all__ = [
    "CHANGES_COLUMNS",
    "COMPLETENESS_COLUMNS",
    "EXAMPLE_TOML",
    "METADATA_SHEET",
    "PROBLEM_COLUMNS",
    "STATUSES",
    "TEMPLATE_KIND",
    "RoundData",
    "Status",
    "collect",
    "completeness_matrix",
    "is_indicator_template",
    "read_indicator_template",
    "required_variables",
    "service_variables",
    "write_indicator_template",
]
