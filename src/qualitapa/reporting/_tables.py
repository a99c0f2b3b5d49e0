"""Result tables on disk, and the definition tables published next to the results.

* :data:`RESULT_FILES` names the CSV file of each report section, so that a
  folder of results (e.g. written by ``qualitapa demo``) can be turned into
  a report with :func:`read_results`.
* :func:`indicator_table` lists indicator definitions (labels, units,
  polarity, formulas) for open data: values are meaningless without them.
* :func:`guess_primary_key` finds the identifying columns of a result table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from qualitapa.i18n import check_language
from qualitapa.io import read_table

#: The file name of each report section's table in a results folder (keys: the
#: fields of :class:`~qualitapa.reporting.ReportInputs`).
RESULT_FILES: dict[str, str] = {
    "indicators": "indicator_values.csv",
    "trends": "indicator_trends.csv",
    "composite": "composite_ranks.csv",
    "dea": "dea_scores.csv",
    "survey": "survey_dimensions.csv",
    "ipa": "survey_ipa.csv",
    "complaints": "complaint_kpis.csv",
    "complaint_trend": "complaint_trend.csv",
    "compliance": "charter_compliance.csv",
    "caf": "caf_scores.csv",
}

#: Columns holding ids that must stay text when read back (ISTAT codes keep
#: their leading zeros).
ID_COLUMNS = ("organization", "peer", "peers", "best_performers", "standard", "indicator",
              "question", "dimension", "id", "subcriterion", "criterion", "period")  # fmt: skip

_KEY_CANDIDATES: tuple[tuple[str, ...], ...] = (
    ("organization", "period", "indicator"),
    ("organization", "period", "peer_group", "indicator"),
    ("standard", "organization", "period"),
    ("organization", "period", "dimension"),
    ("organization", "dimension"),
    ("organization", "indicator"),
    ("organization", "period", "question"),
    ("organization", "question"),
    ("service", "period"),
    ("level", "id"),
    ("subcriterion",),
    ("organization", "period"),
    ("organization",),
    ("id",),
    ("period",),
)


#: Tables by service, read instead of the :data:`RESULT_FILES` ones for a
#: service's report (``qualitapa demo`` writes both).
SERVICE_RESULT_FILES: dict[str, str] = {
    "complaints": "complaint_kpis_by_service.csv",
    "complaint_trend": "complaint_trend_by_service.csv",
}


def read_results(directory: str | Path, *, service: str | None = None) -> dict[str, pd.DataFrame]:
    """Read the section tables found in ``directory`` (named as in :data:`RESULT_FILES`).

    Id columns (:data:`ID_COLUMNS`) are read as text. Missing files are
    skipped: the result has the sections that are there, ready for
    ``render_report(ReportInputs(period=..., **results))``.

    With ``service``, complaint tables come from the by-service files of
    :data:`SERVICE_RESULT_FILES`, and a complaint table that does not say
    which service each row is about (no ``service`` column) is not read:
    it would put other services' complaints in the service's report.
    ``ReportInputs(service=...)`` keeps the service's rows of the others.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = Path(d, "caf_scores.csv").write_text("level,id,score\\ntotal,total,55\\n")
    ...     sorted(read_results(d))
    ['caf']
    """
    base = Path(directory)
    out = {}
    for section, name in RESULT_FILES.items():
        path = base / name
        if service is not None and section in SERVICE_RESULT_FILES:
            path = base / SERVICE_RESULT_FILES[section]
        if path.is_file():
            table = read_table(path, dtype=dict.fromkeys(ID_COLUMNS, "string"))
            unattributed = "service" not in table.columns
            if service is not None and section in SERVICE_RESULT_FILES and unattributed:
                continue
            out[section] = table
    return out


def guess_primary_key(frame: pd.DataFrame) -> list[str]:
    """The first usual key of a qualitapa result table that identifies ``frame``'s rows.

    Returns an empty list when none does (no missing values, no duplicates).

    Examples
    --------
    >>> guess_primary_key(pd.DataFrame({"organization": ["a", "a"], "period": [1, 2],
    ...                                 "indicator": ["x", "x"], "value": [1.0, 2.0]}))
    ['organization', 'period', 'indicator']
    >>> guess_primary_key(pd.DataFrame({"value": [1.0, 1.0]}))
    []
    """
    for key in _KEY_CANDIDATES:
        cols = list(key)
        if set(cols) <= set(frame.columns):
            part = frame[cols]
            if not bool(part.isna().any(axis=None)) and not bool(part.duplicated().any()):
                return cols
    return []


def _text(value: Any, lang: str) -> str:
    if value is None:
        return ""
    return str(value.get(lang)) if hasattr(value, "get") else str(value)


#: The columns of :func:`indicator_table`, in order.
INDICATOR_TABLE_COLUMNS = ("indicator", "indicator_label", "service", "dimension", "unit",
                           "scale", "polarity", "formula", "target", "description")  # fmt: skip


def indicator_table(
    definitions: Iterable[Any] | Mapping[str, Any] | Any, *, lang: str = "it"
) -> pd.DataFrame:
    """Indicator definitions as a table: what each published value means.

    Parameters
    ----------
    definitions
        Indicator definitions: a list, a mapping by id, or a catalog (its
        ``indicators``).
    lang
        The language of the labels and descriptions (``it``, ``en``, ``de``
        or any code, falling back as :meth:`qualitapa.models.Text.get` does).
        As in every labelled table (``docs/cli.md``), the id column comes
        first and its label follows under the same English column name in
        every language.

    Returns
    -------
    DataFrame
        ``indicator, indicator_label, service, dimension, unit, scale,
        polarity, formula, target, description``, one row per definition,
        sorted by id. ``dimension``, ``unit`` and ``polarity`` are codes.

    Raises
    ------
    OptionError
        ``lang`` is not a well-formed language code.

    Examples
    --------
    >>> from qualitapa.indicators import IndicatorDefinition
    >>> d = IndicatorDefinition.from_mapping({"id": "registry.cert_per_fte",
    ...     "label": {"it": "Certificati per addetto", "de": "Bescheinigungen je VZÄ"},
    ...     "service": "registry", "dimension": "efficiency",
    ...     "formula": "registry.certificates / registry.fte", "polarity": "higher_is_better"})
    >>> indicator_table([d], lang="de")[["indicator", "indicator_label", "polarity"]].iloc[0].tolist()
    ['registry.cert_per_fte', 'Bescheinigungen je VZÄ', 'higher_is_better']
    >>> indicator_table([d], lang="fr")["indicator_label"].iloc[0]  # French falls back to Italian
    'Certificati per addetto'
    """  # noqa: E501
    check_language(lang, "lang")
    coll = getattr(definitions, "indicators", definitions)
    items: Sequence[Any] = list(coll.values() if isinstance(coll, Mapping) else coll)
    rows = []
    for d in items:
        target = getattr(d, "target", None)
        rows.append(
            {
                "indicator": d.id,
                "indicator_label": _text(d.label, lang),
                "service": d.service,
                "dimension": str(getattr(d.dimension, "value", d.dimension)),
                "unit": d.unit or "",
                "scale": float(d.scale),
                "polarity": str(getattr(d.polarity, "value", d.polarity)),
                "formula": str(getattr(d.formula, "text", d.formula)),
                "target": "" if target is None else str(target),
                "description": _text(getattr(d, "description", None), lang),
            }
        )
    frame = pd.DataFrame(rows, columns=list(INDICATOR_TABLE_COLUMNS))
    return frame.sort_values("indicator", ignore_index=True)
