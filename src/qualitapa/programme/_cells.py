"""The cells of a sheet's column as text, read once for every computation of the programme.

:func:`texts` writes each cell as pandas writes it as text (``astype("string")``),
stripped, ``''`` where blank; :func:`code_texts` also gives a whole number
read as a float (``2024.0``, from a column with blanks) its digits. One
pass over the cells in Python: on a sheet's rows, pandas' five string
operations per column cost four times as much (the same text: tested
against them in ``tests/programme/test_programme_training_reader.py``).
"""

from __future__ import annotations

import re

import pandas as pd

#: A whole number as pandas writes a float cell ("2024.0"): its digits are the code.
_WHOLE = re.compile(r"^(\d+)\.0$")


def texts(frame: pd.DataFrame, column: str) -> list[str]:
    """Each cell of ``column`` as pandas writes it as text, stripped; ``''`` where blank.

    Examples
    --------
    >>> texts(pd.DataFrame({"code": [" S03 ", None, 2024.0, 7]}), "code")
    ['S03', '', '2024.0', '7']
    """
    values = frame[column]
    cells = values.tolist()
    if all(isinstance(cell, str) or blank(cell) for cell in cells):  # text as it is
        return ["" if blank(cell) else cell.strip() for cell in cells]
    written = values.astype("string").to_numpy(dtype=object, na_value="")
    return [cell.strip() for cell in written]


def blank(cell: object) -> bool:
    """None, NaN, NA or NaT: what pandas writes as no text.

    Examples
    --------
    >>> [blank(v) for v in (None, float("nan"), pd.NA, pd.NaT, "", 0)]
    [True, True, True, True, False, False]
    """
    return (
        cell is None
        or cell is pd.NA
        or cell is pd.NaT
        or (isinstance(cell, float) and cell != cell)
    )


def code_texts(frame: pd.DataFrame, column: str) -> pd.Series[str]:
    """``column`` as stripped text, ``2024.0`` as ``2024``; ``''`` where blank or absent.

    Examples
    --------
    >>> code_texts(pd.DataFrame({"year": [2024.0, None]}), "year").tolist()
    ['2024', '']
    >>> code_texts(pd.DataFrame({"year": [2024]}), "note").tolist()
    ['']
    """
    if column not in frame.columns:
        return pd.Series("", index=frame.index, dtype=str)
    cells = [
        _WHOLE.sub(r"\1", cell) if cell.endswith(".0") else cell for cell in texts(frame, column)
    ]
    return pd.Series(cells, index=frame.index, dtype=str, name=column)
