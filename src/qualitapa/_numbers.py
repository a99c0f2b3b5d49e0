"""Numbers written as text, in the Italian or the English convention, never guessed.

Italian offices write ``1.234,5`` (a dot between thousands, a comma before
the decimals); English-style tools write ``1,234.5``. Most values read the
same either way or only one way: ``0.82``, ``47,5``, ``1.234,5``. A value
whose only separator is followed by exactly three digits, with one to three
digits before it (``112.500``, ``335,211``), reads both ways, a thousand
times apart: it is *ambiguous* unless the convention is declared.

This module classifies a column of text cells in one vectorised pass per
pattern; :func:`qualitapa.io.read_table` and
:func:`qualitapa.io.to_numeric_column` build on it.

Examples
--------
>>> import pandas as pd
>>> p = parse_numbers(pd.Series(["112.500", "47,5", "12", "nd"]), "it")
>>> p.canonical.tolist()
['112500', '47.5', '12', nan]
>>> parse_numbers(pd.Series(["112.500", "0.82"]), None).ambiguous.tolist()
[True, False]
"""

from __future__ import annotations

from typing import Literal, get_args

import attrs
import numpy as np
import pandas as pd

__all__ = ["NUMBER_CONVENTIONS", "Numbers", "ParsedNumbers", "check_numbers", "parse_numbers"]

#: A number convention: ``"it"`` writes ``1.234,5``, ``"en"`` writes ``1,234.5``.
Numbers = Literal["it", "en"]
NUMBER_CONVENTIONS: tuple[str, ...] = get_args(Numbers)

#: How each convention is called in messages.
CONVENTION_NAMES = {"it": "Italian (1.234,5)", "en": "English (1,234.5)"}

_EXP = r"(?:[eE][+-]?\d+)?"
# a thousands group never starts with 0; "(?=,)" lets ",5" stand for 0,5
_IT = rf"[+-]?(?:[1-9]\d{{0,2}}(?:\.\d{{3}})+|\d+|(?=,\d))(?:,\d+)?{_EXP}"
_EN = rf"[+-]?(?:[1-9]\d{{0,2}}(?:,\d{{3}})+|\d+|(?=\.\d))(?:\.\d+)?{_EXP}"


def check_numbers(numbers: str | None) -> Numbers | None:
    """Return ``numbers`` if it names a convention (or is None); raise ValueError otherwise."""
    if numbers is not None and numbers not in NUMBER_CONVENTIONS:
        raise ValueError(
            f"numbers must be one of {list(NUMBER_CONVENTIONS)} or None, not {numbers!r}"
        )
    return numbers  # type: ignore[return-value]


@attrs.frozen
class ParsedNumbers:
    """What :func:`parse_numbers` found in each cell (arrays aligned with the input).

    Attributes
    ----------
    canonical
        The number as plain text (no thousands separators, ``.`` before the
        decimals) where the cell is a number in the convention; NaN
        elsewhere.
    number
        The cell is a number in the convention (and was read).
    integral
        The cell is a number written without decimals or exponent.
    ambiguous
        No convention declared and the cell reads both ways
        (``112.500``).
    contradicts
        A convention was declared and the cell is a number only in the
        other one (``1,234.5`` with ``"it"``).
    """

    canonical: pd.Series
    number: np.ndarray
    integral: np.ndarray
    ambiguous: np.ndarray
    contradicts: np.ndarray


def _match(text: pd.Series, pattern: str) -> np.ndarray:
    return text.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)


#: Longer text is never a number (and is kept out of the fixed-width arrays).
_MAX_LENGTH = 40
_DIGITS = "0123456789"


def _only(a: np.ndarray, chars: str) -> np.ndarray:
    """Each string is made of ``chars`` only (``str.isdigit`` takes other scripts' digits)."""
    return np.char.str_len(np.char.strip(a, chars)) == 0


def _readings(
    numbers: Numbers | None, it_ok: np.ndarray, en_ok: np.ndarray, sep: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(read as Italian, read as English, ambiguous, contradicts) for each cell."""
    none = np.zeros(len(it_ok), dtype=bool)
    if numbers == "it":
        return it_ok, none, none, en_ok & ~it_ok
    if numbers == "en":
        return none, en_ok, none, it_ok & ~en_ok
    both = it_ok & en_ok & sep
    return it_ok & ~en_ok, en_ok & ~both, both, none


def parse_numbers(text: pd.Series, numbers: Numbers | None) -> ParsedNumbers:
    """Classify text cells as numbers in the ``numbers`` convention.

    Vectorised: the cells with at most one separator (nearly all) are
    classified with NumPy string functions; only cells with several
    separators or an exponent are matched with a regular expression.

    Parameters
    ----------
    text
        Text cells (missing cells may be NaN/None); surrounding blanks are
        ignored.
    numbers
        ``"it"``, ``"en"`` or None (no convention declared: every value is
        read the only way it can be, and values that read both ways are
        flagged ``ambiguous``).

    Returns
    -------
    ParsedNumbers
    """
    numbers = check_numbers(numbers)
    n = len(text)
    number = np.zeros(n, dtype=bool)
    integral = np.zeros(n, dtype=bool)
    ambiguous = np.zeros(n, dtype=bool)
    contradicts = np.zeros(n, dtype=bool)
    plain = np.full(n, np.nan, dtype=object)
    cells = text.to_numpy(dtype=object)
    present = pd.notna(cells)
    if present.any():
        lengths = np.zeros(n, dtype=np.int64)
        lengths[present] = text[present].astype("string").str.len().to_numpy(dtype=np.int64)
        present &= lengths <= _MAX_LENGTH
    where = np.flatnonzero(present)
    if len(where):
        raw = np.char.strip(np.asarray(cells[where], dtype=str))
        body = np.char.lstrip(raw, "+-")
        one_sign = np.char.str_len(raw) - np.char.str_len(body) <= 1
        minus = np.char.startswith(raw, "-")
        dots = np.char.count(body, ".")
        commas = np.char.count(body, ",")
        seps = dots + commas
        digits = _only(body, _DIGITS + ".,") & (np.char.str_len(body) > seps) & one_sign
        simple = digits & (seps <= 1)
        if simple.any():
            idx = where[simple]
            b = body[simple]
            is_dot, is_comma = dots[simple] == 1, commas[simple] == 1
            pos = np.where(is_dot, np.char.find(b, "."), np.char.find(b, ","))
            after = np.char.str_len(b) - pos - 1
            # a thousands group: one to three digits, not starting with 0, then three digits
            group = (pos >= 1) & (pos <= 3) & ~np.char.startswith(b, "0") & (after == 3)
            no_sep = ~is_dot & ~is_comma
            it_ok = no_sep | (is_dot & group) | (is_comma & (after >= 1))
            en_ok = no_sep | (is_comma & group) | (is_dot & (after >= 1))
            read_it, read_en, amb, contra = _readings(numbers, it_ok, en_ok, ~no_sep)
            ambiguous[idx], contradicts[idx] = amb, contra
            read = read_it | read_en
            number[idx] = read
            grouped = (is_dot & read_it) | (is_comma & read_en)
            integral[idx] = read & (no_sep | grouped)
            out = np.where(minus[simple], np.char.add("-", b), b)
            if grouped.any():  # drop the thousands separator
                out[grouped] = np.char.replace(np.char.replace(out[grouped], ".", ""), ",", "")
            decimal_comma = is_comma & read_it
            if decimal_comma.any():
                out[decimal_comma] = np.char.replace(out[decimal_comma], ",", ".")
            kept = out.astype(object)
            kept[~read] = np.nan
            plain[idx] = kept
        # several separators, or an exponent: the few such cells go through a regex
        maybe = ~simple & one_sign
        maybe[maybe] = digits[maybe] | (
            np.char.count(body[maybe], "e") + np.char.count(body[maybe], "E") == 1
        )
        if maybe.any():
            idx = where[maybe]
            sub = pd.Series(raw[maybe].astype(object))
            it_ok, en_ok = _match(sub, _IT), _match(sub, _EN)
            read_it, read_en, amb, contra = _readings(numbers, it_ok, en_ok, seps[maybe] > 0)
            ambiguous[idx], contradicts[idx] = amb, contra
            read = read_it | read_en
            number[idx] = read
            it_text = sub.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
            en_text = sub.str.replace(",", "", regex=False)
            out_c = np.where(read_it, it_text, np.where(read_en, en_text, np.nan))
            plain[idx] = out_c
            integral[idx] = read & _match(pd.Series(out_c).astype("string"), r"[+-]?\d+")
    canonical = pd.Series(plain, index=text.index, dtype=object)
    return ParsedNumbers(canonical, number, integral, ambiguous, contradicts)
