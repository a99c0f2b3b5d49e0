"""The quality standards as a table, one row each: what ``qualitapa standards list`` prints."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from qualitapa.standards._model import QualityStandard

#: The columns of :func:`standards_table`.
STANDARD_COLUMNS = (
    "id", "service", "dimension", "sub_dimension", "scope", "measure", "target", "unit",
    "refund", "organizations", "replaces",
)  # fmt: skip


def standards_table(standards: Iterable[QualityStandard]) -> pd.DataFrame:
    """One row per standard, in the order given, every cell text.

    Columns :data:`STANDARD_COLUMNS`: ``measure`` is the indicator id or the
    formula over delivery records, ``target`` as written (``">= 60"``),
    ``refund`` ``"yes"`` for a standard with an automatic refund,
    ``organizations`` the organizations a local standard applies to
    (space-separated) and ``replaces`` the general standard it takes the
    place of.

    Examples
    --------
    >>> from qualitapa.standards import QualityStandard
    >>> wait = QualityStandard("r.wait", "r", "timeliness", "Attesa", "<= 20",
    ...                        formula="waiting_minutes", unit="min")
    >>> local = wait.local_variant(id="mo.wait", organizations=["036023"], target="<= 15")
    >>> standards_table([wait, local])[["id", "measure", "target", "organizations", "replaces"]]
            id          measure target organizations replaces
    0   r.wait  waiting_minutes  <= 20
    1  mo.wait  waiting_minutes  <= 15        036023   r.wait
    """
    rows = [
        {
            "id": s.id,
            "service": s.service,
            "dimension": s.dimension.value,
            "sub_dimension": s.sub_dimension.value if s.sub_dimension else "",
            "scope": s.scope.value,
            "measure": s.indicator or s.formula,
            "target": str(s.target),
            "unit": s.unit or "",
            "refund": "yes" if s.refund else "",
            "organizations": " ".join(s.organizations),
            "replaces": s.replaces or "",
        }
        for s in standards
    ]
    return pd.DataFrame(rows, columns=list(STANDARD_COLUMNS))
