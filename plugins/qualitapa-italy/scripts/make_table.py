"""Write data/municipalities.csv, the tidy table, from ISTAT's list in data/.

Run after replacing data/Elenco-comuni-italiani.csv with a newer ISTAT list
(then update data/SOURCE.md and the counts in the tests)::

    .venv/bin/python plugins/qualitapa-italy/scripts/make_table.py
"""

from __future__ import annotations

from qualitapa_italy._table import ISTAT_FILE, TABLE_FILE, data_path, read_istat


def main() -> None:
    table = read_istat(data_path(ISTAT_FILE))
    table.assign(capital=table["capital"].map({True: "1", False: "0"})).to_csv(
        data_path(TABLE_FILE), index=False, encoding="utf-8", lineterminator="\n"
    )
    print(f"{data_path(TABLE_FILE)}: {len(table)} municipalities")


if __name__ == "__main__":
    main()
