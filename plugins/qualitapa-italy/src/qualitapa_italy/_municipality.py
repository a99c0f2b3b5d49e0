"""One municipality of the ISTAT list, found by code, cadastral code or name."""

from __future__ import annotations

from collections.abc import Iterable

import attrs
import numpy as np
import pandas as pd

from qualitapa.errors import UnknownItemError, UnknownValueError
from qualitapa.models import Organization, Text
from qualitapa_italy._table import AmbiguousMunicipalityError, _table, find_row


@attrs.frozen
class Municipality:
    """A comune as the ISTAT list describes it.

    Attributes
    ----------
    code
        ISTAT code, six digits (``"021008"``).
    name
        Italian name (``"Bolzano"``).
    label
        The name in Italian and, where official, the other language
        (``Text("Bolzano", de="Bozen")``).
    province, region, nuts3, cadastral_code
        Two-letter province (``"BZ"``), region, NUTS 2024 level-3 code,
        codice catastale.
    """

    code: str
    name: str
    label: Text
    province: str
    region: str
    nuts3: str
    cadastral_code: str

    def to_organization(self, population: int | None = None) -> Organization:
        """This municipality as a catalog organization (its id is the ISTAT code).

        Parameters
        ----------
        population
            Resident population from your own data (the ISTAT list has none).

        Examples
        --------
        >>> from qualitapa_italy import resolve
        >>> org = resolve("Bozen").to_organization(population=107_000)
        >>> org.id, org.name, org.display_name("de"), org.province
        ('021008', 'Bolzano', 'Bozen', 'BZ')
        """
        label = self.label if len(self.label.languages) > 1 else None
        return Organization(
            self.code,
            self.name,
            population=population,
            province=self.province,
            region=self.region,
            label=label,
        )


def resolve(value: object, *, province: str | None = None) -> Municipality:
    """The municipality that a code or a name in any of its languages names.

    Parameters
    ----------
    value
        An ISTAT code (``"036023"``, or ``36023`` / ``"36023"`` as Excel leaves
        it without its leading zero), a cadastral code (``"F257"``) or a name
        in Italian or the other official language, with or without accents,
        case or "Comune di" (``"Bozen"``, ``"Bolzano/Bozen"``, ``"FORLI"``).
    province
        Two-letter province, to tell apart the few names two municipalities
        share (``resolve("Castro", province="LE")``).

    Returns
    -------
    Municipality

    Raises
    ------
    UnknownItemError
        No municipality has that code or name; the closest names are
        suggested.
    AmbiguousMunicipalityError
        Several municipalities have that name; they are listed.

    Examples
    --------
    >>> resolve("36023").name
    'Modena'
    >>> resolve("Bozen").code, resolve("Bozen").label.get("de")
    ('021008', 'Bozen')
    >>> resolve("Castro", province="LE").code
    '075096'
    >>> from qualitapa.errors import UnknownItemError
    >>> try:
    ...     resolve("Modna")
    ... except UnknownItemError as exc:
    ...     print(exc.suggestions[0])
    Modena (MO, 036023)
    """
    row = _table().iloc[find_row(value, province=province)]
    other = {row["lang_other"]: row["name_other"]} if row["name_other"] else {}
    return Municipality(
        code=row["code"],
        name=row["name"],
        label=Text(row["name"], **other),
        province=row["province"],
        region=row["region"],
        nuts3=row["nuts3"],
        cadastral_code=row["cadastral_code"],
    )


def resolve_codes(
    values: Iterable[object],
    *,
    province: str | None = None,
    source: str | None = None,
    column: str | None = None,
) -> pd.Series[str]:
    """The ISTAT code of every value of a column, as :func:`resolve` finds it.

    Each distinct value is looked up once. Missing values stay missing;
    nothing is guessed: a value that names no municipality, or several,
    stops the whole column with one error listing every such value.

    Parameters
    ----------
    values
        A column (a pandas Series keeps its index) or any sequence of codes
        (with or without leading zeros), cadastral codes or names.
    province
        Two-letter province for every value (all of one province).
    source, column
        The file and column, for messages.

    Returns
    -------
    pandas.Series
        Six-digit codes (text), on the index of ``values``.

    Raises
    ------
    UnknownValueError
        Values that name no municipality or several; ``failure_cases`` has
        one row per such value (``value``, ``row``, first 1-based row
        holding it, ``problem``).

    Examples
    --------
    >>> resolve_codes(["Modena", 36023, "Bozen", None, "A952"]).tolist()
    ['036023', '036023', '021008', None, '021008']
    """
    series = values if isinstance(values, pd.Series) else pd.Series(list(values), dtype=object)
    positions, uniques = pd.factorize(series, use_na_sentinel=True)
    found: list[str | None] = []
    failures: list[dict[str, object]] = []
    table = _table()
    for i, value in enumerate(uniques):  # once per distinct value, not per row
        try:
            found.append(table["code"].iloc[find_row(value, province=province)])
        except (UnknownItemError, AmbiguousMunicipalityError) as exc:
            found.append(None)
            row = int(np.flatnonzero(positions == i)[0]) + 1
            failures.append({"value": value, "row": row, "problem": str(exc)})
    if failures:
        first = failures[0]
        raise UnknownValueError(
            "municipality",
            str(first["value"]),
            detail=str(first["problem"]),
            source=source,
            row=int(str(first["row"])),
            column=column,
            failure_cases=pd.DataFrame(failures),
        )
    mapped = np.array([*found, None], dtype=object)  # the sentinel -1 takes the last
    return pd.Series(mapped[positions], index=series.index, dtype=object, name=series.name)
