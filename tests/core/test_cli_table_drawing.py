"""The screen tables are rich's tables, character for character, drawn faster (issue 25).

``qualitapa.cli._output._draw`` lets rich wrap each distinct text of a column once and
lays the rows out itself (a rich ``Table`` wrapped every cell anew: ``standards check``
on the registry's 4,600 demo deliveries spent 2.5 s drawing). The reference here is
the drawing it replaced: the same columns given to a rich ``Table`` (``box.SIMPLE_HEAD``,
no edge, collapsed padding) and printed by rich.
"""

from __future__ import annotations

import string

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualitapa.cli import _output
from qualitapa.cli._output import _draw, _rich_console, _widths, table_text


def rich_draw(
    heads: list[str], cells: list[pd.Series], right: list[bool], chunk: list[int], width: int
) -> str:
    """The columns ``chunk`` printed by a rich ``Table`` (the drawing before issue 25)."""
    from rich import box
    from rich.table import Table

    widths = _widths(cells, heads, right, chunk, width)
    console = _rich_console(widths)  # plain text into a string, wide enough
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True)
    for i, w in zip(chunk, widths, strict=True):
        table.add_column(
            heads[i], justify="right" if right[i] else "left", width=w, overflow="fold"
        )
    for row in zip(*(cells[i] for i in chunk), strict=True):
        table.add_row(*row)
    console.print(table)
    lines = console.file.getvalue().splitlines()
    rule = "─" * min(width, sum(map(len, lines[:1])) or width)
    return (
        "\n".join(
            rule if "─" in line and set(line) <= {"─", " "} else line.rstrip() for line in lines
        ).strip("\n")
        + "\n"
    )


#: Words of a table: short and long, accented, wide (two cells each), empty, rules.
WORD = st.one_of(
    st.text(string.ascii_letters + string.digits + ".,%-–", min_size=1, max_size=8),
    st.text("abcdefghijklmnopqrstuvwxyz", min_size=15, max_size=45),  # folded
    st.sampled_from(["Università", "Straße", "漢字テキスト", "─", "──", "", "1.540,5", "–"]),
)
TEXT = st.lists(WORD, min_size=0, max_size=7).map(" ".join)


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[str], list[pd.Series], list[bool], list[int], int]:
    n_columns = draw(st.integers(1, 6))
    n_rows = draw(st.integers(0, 12))
    heads = draw(st.lists(TEXT, min_size=n_columns, max_size=n_columns))
    pool = draw(st.lists(TEXT, min_size=1, max_size=8))  # repeated texts, as in real tables
    cells = [
        pd.Series(
            draw(st.lists(st.sampled_from(pool), min_size=n_rows, max_size=n_rows)), dtype=object
        )
        for _ in range(n_columns)
    ]
    right = draw(st.lists(st.booleans(), min_size=n_columns, max_size=n_columns))
    chunk = sorted(draw(st.sets(st.integers(0, n_columns - 1), min_size=1)))
    width = draw(st.integers(1, 160))
    return heads, cells, right, chunk, width


@settings(max_examples=300)
@given(tables())
def test_a_table_is_drawn_as_rich_draws_it(table):
    heads, cells, right, chunk, width = table
    assert _draw(heads, cells, right, chunk, width) == rich_draw(heads, cells, right, chunk, width)


def test_a_wrapped_table_with_repeated_labels_is_rich_s(monkeypatch: pytest.MonkeyPatch):
    # the shape that was slow: long labels wrapped over lines, repeated on many rows
    labels = ["Apertura al pubblico di almeno 30 ore settimanali", "Certificato immediato"]
    frame = pd.DataFrame(
        {
            "Codice standard": [f"registry.std.{k % 7}" for k in range(300)],
            "Standard": [labels[k % 2] for k in range(300)],
            "Ente": ["Torino", "Reggio nell'Emilia", "Bolzano - Bozen"] * 100,
            "Valore": [f"{k / 3:,.1f}" for k in range(300)],
        }
    )
    numeric = {"Valore": True}
    drawn = table_text(frame, width=60, numeric=numeric, keys=["Codice standard"])
    monkeypatch.setattr(_output, "_draw", rich_draw)
    assert drawn == table_text(frame, width=60, numeric=numeric, keys=["Codice standard"])
    assert drawn.count("\n") > 300  # wrapped: more lines than rows
