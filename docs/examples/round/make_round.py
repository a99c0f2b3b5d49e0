"""Write the example files of docs/round.md: the workbooks the cities send back.

Each city's data-collection template for the registry service, 2024, is
written as `qualitapa template indicators` writes it and filled with the
installed plugins' demo data (the registry plugin's, plus Bolzano's and
Modena's local datasets), as a city office would fill it. Bergamo's second
version corrects one value (the staff, registry.fte). Run from this folder:

    python make_round.py
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from qualitapa import default_catalog
from qualitapa._data_templates import write_indicator_template

HERE = Path(__file__).parent
PERIOD = 2024
DATASETS = ["registry.demo.indicators", "bolzano.demo.bilingualism", "modena.demo.appointments"]


def fill(path: Path, values: pd.DataFrame) -> None:
    """Type each value into its cell (the metadata sheet says which cell is which)."""
    book = load_workbook(path)
    rows = list(book["_qualitapa"].iter_rows(values_only=True))
    lookup = values.set_index("variable")["value"]
    for row in rows[3:]:
        entry = dict(zip(rows[2], row, strict=False))
        if entry["variable"] in lookup.index:
            value = float(lookup[entry["variable"]])
            book[entry["sheet"]][entry["cell"]] = int(value) if value.is_integer() else value
    book.save(path)


def main() -> None:
    catalog = default_catalog()
    data = pd.concat([catalog.datasets[d].read() for d in DATASETS], ignore_index=True)
    data = data[data["period"] == PERIOD]
    for org, values in data.groupby("organization"):
        name = catalog.organizations[org].name.lower()
        path = HERE / f"scheda_{name}.xlsx"
        write_indicator_template(path, catalog, ["registry"], organizations=[org], period=PERIOD)
        fill(path, values)
        if org == "016024":  # Bergamo sends a correction
            fixed = values.copy()
            fixed.loc[fixed["variable"] == "registry.fte", "value"] += 2
            corrected = HERE / "corretta" / f"scheda_{name}.xlsx"
            corrected.parent.mkdir(exist_ok=True)
            write_indicator_template(
                corrected, catalog, ["registry"], organizations=[org], period=PERIOD
            )
            fill(corrected, fixed)


if __name__ == "__main__":
    main()
