"""Warnings that a user interface can show in its user's language.

The library warns in English (``str(warning)``); a warning made by
:func:`translatable` also keeps how to write itself with any
:class:`~qualitapa.i18n.Translator` (``warning.render(t)``), so the command
line prints ``Nota: ...`` in Italian and ``Hinweis: ...`` in German.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from qualitapa.errors import QualitapaWarning
from qualitapa.i18n._translator import Translator, translator

W = TypeVar("W", bound=QualitapaWarning)


def translatable(category: type[W], render: Callable[[Translator], str]) -> W:
    """A warning of ``category`` whose text is ``render(t)`` for a translator ``t``.

    Its ``str()`` is the English text; ``warning.render(translator(lang))``
    the text in ``lang``. Write ``render`` with Italian msgids
    (``lambda t: t("file {name} letto", name=...)``), as every message.

    Examples
    --------
    >>> from qualitapa.errors import DataWarning
    >>> w = translatable(DataWarning, lambda t: t("Periodo"))
    >>> str(w), w.render(translator("de"))
    ('Period', 'Zeitraum')
    """
    warning = category(render(translator("en")))
    warning.render = render
    return warning
