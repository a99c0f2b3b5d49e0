"""The programme's results in words: names of measures, their units, expected vs obtained.

One place says how an expected result reads for people (the annual report's
table and ``qualitapa programme results``): the activity's title and the
department's name in the language (Italian where it has none), the name of
the indicator, standard or survey index, the numbers with their unit, the
outcome in words. A general standard is measured in its indicator's unit.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING, Final

import pandas as pd

from qualitapa.i18n import N_, Translator, Unit, translator, unit
from qualitapa.models import Text
from qualitapa.programme._models import LABELS, ExpectedKind

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog

#: The unit of a satisfaction index (0-100).
INDEX_POINTS: Final = Unit(
    "points",
    Text("punto su 100", en="point out of 100", de="Punkt von 100"),
    Text("punti su 100", en="points out of 100", de="Punkte von 100"),
)

#: The outcomes of :func:`~qualitapa.programme.expected_vs_obtained` in words (msgids).
OUTCOMES: Final = {
    "met": N_("raggiunto"),
    "not_met": N_("non raggiunto"),
    "no_data": N_("dato non disponibile"),
}

#: Columns of :func:`results_in_words`, in order.
RESULT_WORDS_COLUMNS: Final = [
    "activity", "title", "department", "kind", "measure", "expected", "obtained", "outcome",
    "gap",
]  # fmt: skip


def digits(value: float) -> int:
    """Two decimals below 10 (0,91 prestiti per abitante), one above (69,8 punti)."""
    return 2 if abs(value) < 10 else 1


def blank(value: object) -> bool:
    """None, NaN or an empty string."""
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""


def pick(row: Mapping[Hashable, object], prefix: str, lang: str) -> str:
    """``row``'s ``{prefix}_{lang}`` (a title, a name), the Italian one where it is blank."""
    own = row.get(f"{prefix}_{lang}")
    return str(own) if not blank(own) else str(row[f"{prefix}_it"])


def names(frame: pd.DataFrame | None, key: str, prefix: str, lang: str) -> dict[str, str]:
    """``key`` -> its ``{prefix}_{lang}`` text (Italian where blank) of each row of ``frame``."""
    if frame is None or frame.empty:
        return {}
    return {str(r[key]): pick(r, prefix, lang) for r in frame.to_dict("records")}


def measure_name(catalog: Catalog | None, kind: str, ident: str, t: Translator) -> str:
    """The name of an indicator, standard or survey index (its id without a catalog)."""
    base, _, dimension = ident.partition(":")
    if catalog is None:
        return ident
    if kind == "indicator" and base in catalog.indicators:
        return t.text(catalog.indicators[base].label)
    if kind == "standard" and base in catalog.standards:
        return t.text(catalog.standards[base].label)
    if kind == "survey_index" and base in catalog.instruments:
        instrument = catalog.instruments[base]
        name = t.text(instrument.label)
        dims = {d.id: d.label for d in instrument.dimensions}
        if dimension and dimension in dims:
            return f"{name}: {t.text(dims[dimension])}"
        return f"{name}: {t(N_('indice complessivo'))}"
    return ident


def unit_of(catalog: Catalog | None, kind: str, ident: str, name: object) -> Unit | None:
    """The unit of a measure: ``name``, or points (a survey index), or a general standard's
    indicator's unit (the standard is measured on its indicator)."""
    if kind == "survey_index":
        return INDEX_POINTS
    text = name if isinstance(name, str) else ""
    base = ident.partition(":")[0]
    if catalog is not None and kind == "standard" and base in catalog.standards:
        std = catalog.standards[base]
        indicator = std.indicator or ""
        if std.scope.value == "general" and indicator in catalog.indicators:
            text = str(catalog.indicators[indicator].unit or text)
    return unit(text) if text else None


def results_in_words(
    results: pd.DataFrame,
    activities: pd.DataFrame | None = None,
    departments: pd.DataFrame | None = None,
    *,
    catalog: Catalog | None = None,
    lang: str = "it",
    missing: str | None = None,
) -> pd.DataFrame:
    """Expected vs obtained results as people read them, in ``lang``.

    The table the annual report and ``qualitapa programme results`` show.

    Parameters
    ----------
    results
        :func:`~qualitapa.programme.expected_vs_obtained`'s table.
    activities, departments
        The ``activities`` and ``departments`` sheets: the activities'
        titles and the departments' names (their codes where not given).
    catalog
        Names the indicators, standards and questionnaires, and gives the
        unit of a general standard (its indicator's).
    lang
        Language of the words (Italian where a title or name has none).
    missing
        What a value not measured reads as (default: "dato non disponibile"
        in ``lang``).

    Returns
    -------
    DataFrame
        One row per row of ``results``, columns ``activity`` (the id),
        ``title``, ``department`` (its name), ``kind``, ``measure``,
        ``expected`` (``almeno 80,0%``), ``obtained``, ``outcome`` and
        ``gap`` (signed, in the measure's unit), all text.

    Examples
    --------
    >>> import pandas as pd
    >>> results = pd.DataFrame({"activity": ["A1"], "department": ["S01"],
    ...     "expected_kind": ["indicator"], "expected_id": ["registry.average_wait"],
    ...     "operator": ["<="], "expected": [10.0], "obtained": [12.5], "unit": ["minutes"],
    ...     "outcome": ["not_met"], "gap": [-2.5]})
    >>> row = results_in_words(results).iloc[0]
    >>> row["expected"], row["obtained"], row["outcome"], row["gap"]
    ('al massimo 10,0 minuti', '12,5 minuti', 'non raggiunto', '-2,50')
    """
    t = translator(lang)
    shown = t(N_("dato non disponibile")) if missing is None else missing
    titles = names(activities, "activity", "title", t.lang)
    departments_ = names(departments, "department", "name", t.lang)

    def quantity(value: float, unit_: Unit | None) -> str:
        return shown if math.isnan(value) else t.quantity(value, unit_, digits=digits(value))

    rows = []
    for r in results.to_dict("records"):
        kind, ident = str(r["expected_kind"]), str(r["expected_id"])
        unit_ = unit_of(catalog, kind, ident, r["unit"])
        bound = N_("almeno {value}") if r["operator"] == ">=" else N_("al massimo {value}")
        gap = float(r["gap"])
        rows.append(
            {
                "activity": str(r["activity"]),
                "title": titles.get(str(r["activity"]), ""),
                "department": departments_.get(str(r["department"]), str(r["department"])),
                "kind": t.text(LABELS[ExpectedKind(kind)]),
                "measure": measure_name(catalog, kind, ident, t),
                "expected": str(t(bound, value=quantity(float(r["expected"]), unit_))),
                "obtained": quantity(float(r["obtained"]), unit_),
                "outcome": str(t(OUTCOMES[str(r["outcome"])])),
                "gap": "–" if math.isnan(gap) else t.signed(gap, digits=digits(gap)),
            }
        )
    return pd.DataFrame(rows, columns=RESULT_WORDS_COLUMNS, dtype=object)
