"""Numbers for people in a report language: a thin wrapper over qualitapa.i18n.

The report's words are gettext messages translated in the catalogs
``qualitapa/locale/*/LC_MESSAGES/qualitapa.po``; the templates and sections
call the :class:`~qualitapa.i18n.Translator` directly (``t("Mediana")``).
"""

from __future__ import annotations

import math
from typing import Any

from qualitapa.i18n import translator


def format_number(value: Any, lang: str = "it", digits: int | None = None) -> str:
    """A number for people in ``lang``'s locale (``1.234,5``, ``1,234.5``); ``–`` when missing.

    With ``digits=None`` the number of decimals follows the magnitude (0 from
    100, 1 from 10, else 2), whole numbers included. Rounding is half up.
    A thin wrapper over :meth:`qualitapa.i18n.Translator.number`.

    Examples
    --------
    >>> format_number(1234.567, "it"), format_number(1234.567, "en"), format_number(0.1234)
    ('1.235', '1,235', '0,12')
    >>> format_number(float("nan")), format_number(12, "en", 1), format_number(1234.5, "de", 1)
    ('–', '12.0', '1.234,5')
    """
    try:
        x = float(value)
    except (TypeError, ValueError):
        return "–" if value is None else str(value)
    if math.isnan(x):
        return "–"
    if math.isinf(x):
        return "∞" if x > 0 else "-∞"
    if digits is None:
        digits = 0 if abs(x) >= 100 else 1 if abs(x) >= 10 else 2
    return translator(lang).number(x, digits=digits)
