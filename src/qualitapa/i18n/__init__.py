"""Languages in one place: label fallbacks, message catalogs, locale formatting.

Italian is the language every label and message has; other languages are
optional and fall back along a configurable chain (by default to Italian).

Examples
--------
>>> from qualitapa.i18n import fallback_chain, set_fallbacks
>>> fallback_chain("de")
('de', 'it')
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

__all__ = [
    "LANGUAGE_PATTERN",
    "check_language",
    "configured_fallbacks",
    "fallback_chain",
    "is_language",
    "set_fallbacks",
]
