"""Empty CAF scoring sheets for assessors to fill in."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from qualitapa.caf._model import ScoringMethod, caf_model
from qualitapa.caf._validate import COMMENT_COLUMNS, ENABLER_PARTS, RESULT_PARTS
from qualitapa.errors import DataError
from qualitapa.io import neutralise_formulas, write_csv


def scoring_template(
    *,
    method: ScoringMethod | str = "classical",
    assessors: Sequence[str] = ("",),
    lang: str = "it",
) -> pd.DataFrame:
    """An empty scoring sheet: one row per assessor and sub-criterion.

    Parameters
    ----------
    method
        ``"classical"`` (a ``score`` column) or ``"fine_tuned"`` (``plan,
        do, check, act`` for enablers, ``trends, targets`` for results).
    assessors
        Names to pre-fill (one block of 28 rows each); by default one
        block with an empty ``assessor``.
    lang
        Language of the ``title`` column.

    Returns
    -------
    DataFrame
        Columns ``assessor, subcriterion, criterion, kind, title``, the
        score column(s), ``not_assessed`` and ``evidence, strengths,
        improvements``; read back by
        :func:`~qualitapa.caf.validate_scores` (which ignores ``title``).

    Examples
    --------
    >>> t = scoring_template(method="fine_tuned", assessors=["anna", "bruno"])
    >>> len(t), list(t.columns[5:11])
    (56, ['plan', 'do', 'check', 'act', 'trends', 'targets'])
    """
    method = ScoringMethod(method)
    base = caf_model().to_frame(lang)[["subcriterion", "criterion", "kind", "title"]]
    blocks = [base.assign(assessor=a) for a in assessors]
    frame = pd.concat(blocks, ignore_index=True)
    score_cols = ["score"] if method is ScoringMethod.CLASSICAL else [*ENABLER_PARTS, *RESULT_PARTS]
    for col in score_cols:
        frame[col] = pd.array([pd.NA] * len(frame), dtype="Float64")
    frame["not_assessed"] = ""
    for col in COMMENT_COLUMNS:
        frame[col] = ""
    return frame[["assessor", "subcriterion", "criterion", "kind", "title", *score_cols,
                  "not_assessed", *COMMENT_COLUMNS]]  # fmt: skip


def write_template(
    path: str | Path,
    *,
    method: ScoringMethod | str = "classical",
    assessors: Sequence[str] = ("",),
    lang: str = "it",
) -> pd.DataFrame:
    """Write :func:`scoring_template` to ``path`` (``.csv``, or ``.xlsx`` with the excel extra).

    The Excel workbook has a ``scores`` sheet and one sheet per scoring
    panel of the chosen method, so assessors see the bands while scoring.

    Returns the template written.

    Raises
    ------
    DataError
        ``.xlsx`` without openpyxl installed, or another suffix.
    """
    p = Path(path)
    frame = scoring_template(method=method, assessors=assessors, lang=lang)
    suffix = p.suffix.lower()
    if suffix == ".csv":
        write_csv(frame, p)
    elif suffix == ".xlsx":
        try:
            import openpyxl  # noqa: F401
        except ImportError:  # pragma: no cover - depends on the environment
            raise DataError(
                "writing Excel files needs the 'excel' extra: pip install 'qualitapa[excel]'",
                source=str(p),
            ) from None
        model = caf_model()
        with pd.ExcelWriter(p, engine="openpyxl") as writer:
            neutralise_formulas(frame).to_excel(writer, sheet_name="scores", index=False)
            for panel in model.panels:
                if panel.method is ScoringMethod(method):
                    neutralise_formulas(panel.to_frame(lang)).to_excel(
                        writer, sheet_name=f"panel_{panel.kind.value}", index=False
                    )
    else:
        raise DataError("write the template as .csv or .xlsx", source=str(p))
    return frame
