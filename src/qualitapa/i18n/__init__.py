"""Languages in one place: labels, messages, numbers, dates and units.

- **Labels** (:class:`qualitapa.models.Text`) carry Italian (required) and any
  other language; a missing language falls back along a chain
  (:func:`set_fallbacks`; by default every language falls back to Italian).
- **Messages** are gettext catalogs whose msgids are the Italian texts
  (``qualitapa/locale/{it,en,de}/LC_MESSAGES/qualitapa.po``), compiled in
  memory at first use; placeholders are ``str.format`` fields.
- **Numbers, percentages, dates, currency** are formatted with Babel after the
  language's locale: ``it_IT``, ``de_IT`` (South Tyrol), ``en_GB``.
- **Units** are labels with a singular and a plural (:class:`Unit`, :func:`unit`).
- **Templates** come from :func:`template_environment` (Jinja2, autoescape on).

Examples
--------
>>> from qualitapa.i18n import translator
>>> t = translator("de")
>>> t("Rapporto di benchmarking"), t.number(1234.5, digits=1), t.quantity(10, "minutes")
('Benchmarking-Bericht', '1.234,5', '10 Minuten')
"""

from __future__ import annotations

from qualitapa._languages import (
    LANGUAGE_PATTERN,
    check_language,
    configured_fallbacks,
    fallback_chain,
    is_language,
    set_fallbacks,
)
from qualitapa.i18n._catalogs import DOMAIN, catalog_languages
from qualitapa.i18n._notes import translatable
from qualitapa.i18n._templates import sandboxed_environment, template_environment
from qualitapa.i18n._translator import (
    LOCALES,
    MISSING,
    Translator,
    default_digits,
    locale_for,
    translator,
)
from qualitapa.i18n._units import UNITS, Unit, UnitStyle, unit

__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "LANGUAGE_PATTERN",
    "LOCALES",
    "MISSING",
    "N_",
    "UNITS",
    "Translator",
    "Unit",
    "UnitStyle",
    "catalog_languages",
    "check_language",
    "configured_fallbacks",
    "default_digits",
    "fallback_chain",
    "is_language",
    "locale_for",
    "sandboxed_environment",
    "set_fallbacks",
    "template_environment",
    "translatable",
    "translator",
    "unit",
]

#: The languages qualitapa's own messages are translated into.
LANGUAGES = ("it", "en", "de")


def N_(message: str) -> str:
    """Mark ``message`` for the catalogs without translating it now.

    For tables of messages built at import time; translate when shown, with
    ``t(message)``.

    Examples
    --------
    >>> TITLE = N_("Periodo")
    >>> TITLE, translator("en")(TITLE)
    ('Periodo', 'Period')
    """
    return message
