"""What the templates show: tables and charts as plain values (text already in the report language).

Sections build these from data; the templates lay them out (``_macros.html.j2``).
Every text is plain text: the template engine escapes it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs
from markupsafe import Markup


@attrs.frozen
class Column:
    """A table column: its heading and whether it holds numbers (right-aligned)."""

    label: str
    numeric: bool = False


@attrs.frozen
class Cell:
    """A table cell: text, optionally a link (``href``), a muted note and a CSS class."""

    text: str
    href: str | None = None
    note: str | None = None
    cls: str | None = None


def _cells(values: Iterable[str | Cell]) -> tuple[Cell, ...]:
    return tuple(v if isinstance(v, Cell) else Cell(str(v)) for v in values)


@attrs.frozen
class Row:
    """A table row; ``cls`` marks it (``best``, ``highlight``)."""

    cells: tuple[Cell, ...] = attrs.field(converter=_cells)
    cls: str = ""


@attrs.frozen
class Table:
    """A table: columns and rows, with an optional caption."""

    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    caption: str | None = None


def table(
    columns: Sequence[tuple[str, bool] | Column],
    rows: Iterable[Sequence[str | Cell]],
    *,
    classes: Sequence[str] | None = None,
    caption: str | None = None,
) -> Table:
    """A :class:`Table` from ``(label, numeric)`` pairs and rows of texts or cells."""
    cols = tuple(c if isinstance(c, Column) else Column(*c) for c in columns)
    body = [tuple(r) for r in rows]
    marks = list(classes) if classes is not None else [""] * len(body)
    return Table(cols, tuple(Row(r, m) for r, m in zip(body, marks, strict=True)), caption)


@attrs.frozen
class Chart:
    """A chart and its text: the drawing, a title, a caption and the data as a table.

    ``image`` is the SVG (or ``<img>``) built by :mod:`qualitapa.reporting._charts`
    with ``title`` and ``description`` as its text alternative; ``data`` is the
    table a reader (or a screen reader) can read instead.
    """

    image: Markup
    title: str
    description: str
    caption: str
    data: Table
