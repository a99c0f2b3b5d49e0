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

#: A number convention: ``"it"`` writes ``1.234,5``, ``"en"`` writes ``1,234.5``.
Numbers = Literal["it", "en"]
NUMBER_CONVENTIONS: tuple[str, ...] = get_args(Numbers)

#: How each convention is called in messages.
CONVENTION_NAMES = {"it": "Italian (1.234,5)", "en": "English (1,234.5)"}

# ASCII digits only ("\d" would take other scripts' digits); a thousands group
# never starts with 0; "(?=,[0-9])" lets ",5" stand for 0,5
_EXP = r"(?:[eE][+-]?[0-9]+)?"
_IT = rf"[+-]?(?:[1-9][0-9]{{0,2}}(?:\.[0-9]{{3}})+|[0-9]+|(?=,[0-9]))(?:,[0-9]+)?{_EXP}"
_EN = rf"[+-]?(?:[1-9][0-9]{{0,2}}(?:,[0-9]{{3}})+|[0-9]+|(?=\.[0-9]))(?:\.[0-9]+)?{_EXP}"


#: Spaces that may separate thousands (``1 234``): space, no-break space,
#: narrow no-break space (what French and Swiss tools write).
SPACES = " \u00a0\u202f"


@attrs.frozen
class Separators:
    """A number convention other than ``"it"`` and ``"en"``: its two separators.

    ``decimal`` comes before the decimals; ``thousands`` (None: none)
    between groups of three digits. A space as ``thousands`` stands for
    any of :data:`SPACES`. Built by :func:`number_convention`.

    Examples
    --------
    >>> swiss = Separators(",", "'")
    >>> parse_numbers(pd.Series(["1'234,5", "12,5", "1.5"]), swiss).canonical.tolist()
    ['1234.5', '12.5', nan]
    """

    decimal: str
    thousands: str | None = None

    def translation(self) -> dict[int, str]:
        """What each separator becomes to be read in the English convention.

        The thousands separator becomes ``,`` and the decimal one ``.``; any
        other ``.`` or ``,`` becomes a character no number has.
        """
        table = {ord("."): "x", ord(","): "x"}
        if self.thousands is not None:
            spaces = SPACES if self.thousands in SPACES else self.thousands
            table.update({ord(c): "," for c in spaces})
        table[ord(self.decimal)] = "."
        return table


#: What ``numbers=`` accepts inside the library: a named convention, or separators.
Convention = Numbers | Separators


def number_convention(
    numbers: str | None, decimal: str | None = None, thousands: str | None = None
) -> Convention | None:
    """The convention named by ``numbers`` or by ``decimal`` and ``thousands``.

    ``decimal="," , thousands="."`` is ``"it"`` and ``decimal=".",
    thousands=","`` is ``"en"``; other separators give a :class:`Separators`.

    Raises
    ------
    OptionError
        ``numbers`` given with ``decimal`` or ``thousands``; a separator that is
        not one character, or digits, or the same for both.

    Examples
    --------
    >>> number_convention(None, ",", "."), number_convention(None, ",", "'")
    ('it', Separators(decimal=',', thousands="'"))
    """
    from qualitapa.errors import OptionError

    if decimal is None and thousands is None:
        return check_numbers(numbers)
    given = " and ".join(
        f"{name} {value!r}"
        for name, value in (("--decimal", decimal), ("--thousands", thousands))
        if value is not None
    )
    if numbers is not None:
        raise OptionError(
            f"--numbers {numbers} and {given} both say how numbers are written: give "
            "--numbers (it or en) or --decimal/--thousands, not both (numbers=, decimal=, "
            "thousands= in Python)",
            option="numbers",
            value=numbers,
        )
    decimal = "." if decimal is None else decimal
    for name, sep in (("decimal", decimal), ("thousands", thousands)):
        if sep is not None and (len(sep) != 1 or sep in _DIGITS + "+-eE"):
            raise OptionError(
                f"the {name} separator must be one character other than a digit, a sign or e, "
                f"not {sep!r}",
                option=name,
                value=sep,
            )
    if thousands == decimal:
        raise OptionError(
            f"the decimal and thousands separators must differ (both are {decimal!r})",
            option="thousands",
            value=thousands,
        )
    if (decimal, thousands) == (",", "."):
        return "it"
    if (decimal, thousands) == (".", ","):
        return "en"
    return Separators(decimal, thousands)


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


#: Rows classified at a time (bounds the memory of the character matrices).
_CHUNK = 200_000
_DOT, _COMMA, _ZERO = ord("."), ord(","), ord("0")


def _grouping(
    chars: np.ndarray, length: np.ndarray, group: np.ndarray, decimal: np.ndarray
) -> np.ndarray:
    """Whether each row is a number with ``group`` separators and a ``decimal`` one.

    ``chars`` holds the code points of digits-and-separators strings (no
    sign), one row each, padded with zeros; ``group`` and ``decimal`` mark
    where the thousands and decimal separators of the convention are. A row
    is valid when it has at most one decimal separator with digits after
    it and no group separator after it, and the group separators before it
    are either absent or exactly every three digits from the right, the
    first group having one to three digits and not starting with 0.
    """
    width = chars.shape[1]
    pos = np.arange(width)[None, :]
    n_dec = decimal.sum(axis=1)
    dec_pos = np.where(n_dec == 1, decimal.argmax(axis=1), length)
    in_int = pos < dec_pos[:, None]
    groups = group & in_int
    k = groups.sum(axis=1)
    should = in_int & ((dec_pos[:, None] - 1 - pos) % 4 == 3)
    first = chars[:, 0]
    grouped = (groups == should).all(axis=1) & (first > _ZERO) & (first <= _ZERO + 9)
    after_ok = ~(group & ~in_int).any(axis=1)
    frac_ok = (n_dec == 0) | (length - dec_pos - 1 >= 1)
    int_ok = (dec_pos >= 1) | (k == 0)
    return (n_dec <= 1) & after_ok & frac_ok & int_ok & ((k == 0) | grouped)


def _classify(body: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(valid Italian, valid English) for strings of digits and separators (no sign)."""
    n = len(body)
    it_ok = np.zeros(n, dtype=bool)
    en_ok = np.zeros(n, dtype=bool)
    for start in range(0, n, _CHUNK):  # a few chunks, not a loop over cells
        part = np.asarray(body[start : start + _CHUNK], dtype=str)
        width = max(part.dtype.itemsize // 4, 1)
        chars = part.view(np.uint32).reshape(len(part), width)
        length = np.char.str_len(part)
        dot, comma = chars == _DOT, chars == _COMMA
        it_ok[start : start + len(part)] = _grouping(chars, length, dot, comma)
        en_ok[start : start + len(part)] = _grouping(chars, length, comma, dot)
    return it_ok, en_ok


def _parse_separators(text: pd.Series, separators: Separators) -> ParsedNumbers:
    """:func:`parse_numbers` in other separators: translated to English, read as English."""
    translated = text.astype("string").str.strip().str.translate(separators.translation())
    english = parse_numbers(translated.astype(object).where(text.notna(), np.nan), "en")
    return attrs.evolve(english, contradicts=np.zeros(len(text), dtype=bool))


def _candidates(cells: np.ndarray) -> np.ndarray:
    """The cells that may be numbers: present, short, without a NUL character.

    numpy's fixed-width strings end at a NUL (``"0\\x00"`` would be read as 0,
    ``"\\x000"`` would pass the digits-only test): such cells are text. The
    lengths come from the Python strings and the NULs are looked for in all of
    them at once: pandas string methods cost ten times more on the small
    columns read most often (a survey's answer codes, read once per distinct
    value) and as much on a million cells.
    """
    present = pd.notna(cells)
    if present.any():
        strings = cells[present]
        try:
            joined = "".join(strings)
        except TypeError:  # cells that are not strings (numbers, dates): their text
            strings = np.array([str(c) for c in strings], dtype=object)
            joined = "".join(strings)
        ok = np.fromiter(map(len, strings), dtype=np.int64, count=len(strings)) <= _MAX_LENGTH
        if "\x00" in joined:  # rare: find the cells
            ok &= np.fromiter(("\x00" not in c for c in strings), dtype=bool, count=len(strings))
        present[present] = ok
    return present


def parse_numbers(text: pd.Series, numbers: Convention | None) -> ParsedNumbers:
    """Classify text cells as numbers in the ``numbers`` convention.

    Vectorised: cells of digits and separators are checked on a matrix of
    their characters (whole columns at a time); only cells with an
    exponent (``2.5e-05``) are matched with a regular expression.

    Parameters
    ----------
    text
        Text cells (missing cells may be NaN/None); surrounding blanks are
        ignored.
    numbers
        ``"it"``, ``"en"`` or None (no convention declared: every value is
        read the only way it can be, and values that read both ways are
        flagged ``ambiguous``), or :class:`Separators` (the cells are
        translated to the English convention and read in it).

    Returns
    -------
    ParsedNumbers
    """
    if isinstance(numbers, Separators):
        return _parse_separators(text, numbers)
    numbers = check_numbers(numbers)
    n = len(text)
    it_ok = np.zeros(n, dtype=bool)
    en_ok = np.zeros(n, dtype=bool)
    has_sep = np.zeros(n, dtype=bool)
    raw_all = np.full(n, "", dtype=object)
    cells = text.to_numpy(dtype=object)
    where = np.flatnonzero(_candidates(cells))
    if len(where):
        raw = np.char.strip(np.asarray(cells[where], dtype=str))
        body = np.char.lstrip(raw, "+-")
        one_sign = np.char.str_len(raw) - np.char.str_len(body) <= 1
        seps = np.char.count(body, ".") + np.char.count(body, ",")
        plain = _only(body, _DIGITS + ".,") & (np.char.str_len(body) > seps) & one_sign
        has_sep[where] = seps > 0
        raw_all[where] = raw.astype(object)
        if plain.any():
            it_ok[where[plain]], en_ok[where[plain]] = _classify(body[plain])
        # an exponent (2.5e-05): the few such cells go through a regex (only cells
        # of the characters a number has: words with one "e" are not numbers)
        maybe = ~plain & one_sign & _only(body, _DIGITS + ".,eE+-")
        maybe[maybe] = np.char.count(body[maybe], "e") + np.char.count(body[maybe], "E") == 1
        if maybe.any():
            sub = pd.Series(raw[maybe].astype(object))
            it_ok[where[maybe]] = _match(sub, _IT)
            en_ok[where[maybe]] = _match(sub, _EN)
    read_it, read_en, ambiguous, contradicts = _readings(numbers, it_ok, en_ok, has_sep)
    number = read_it | read_en
    plain_text = np.full(n, np.nan, dtype=object)
    integral = np.zeros(n, dtype=bool)
    if read_it.any():
        cells_it = np.asarray(raw_all[read_it], dtype=str)
        integral[read_it] = np.char.count(cells_it, ",") == 0
        cells_it = np.char.replace(np.char.replace(cells_it, ".", ""), ",", ".")
        plain_text[read_it] = cells_it.astype(object)
    if read_en.any():
        cells_en = np.asarray(raw_all[read_en], dtype=str)
        integral[read_en] = np.char.count(cells_en, ".") == 0
        plain_text[read_en] = np.char.replace(cells_en, ",", "").astype(object)
    # an exponent is never a whole number as written
    exponent = number.copy()
    if number.any():
        kept = np.asarray(plain_text[number], dtype=str)
        exponent[number] = (np.char.count(kept, "e") + np.char.count(kept, "E")) > 0
    integral &= number & ~exponent
    canonical = pd.Series(plain_text, index=text.index, dtype=object)
    return ParsedNumbers(canonical, number, integral, ambiguous, contradicts)
