"""Language codes and the fallback chain shared by labels and messages.

The core of :mod:`qualitapa.i18n`, kept apart so that :class:`qualitapa.models.Text`
can use it without importing Babel or Jinja2. The public names are re-exported
by :mod:`qualitapa.i18n`.

A language code is ``[a-z]{2,3}`` (ISO 639-1 or 639-3: ``it``, ``de``, ``lad``),
optionally followed by ``_`` and a region ``[A-Z]{2}`` (``de_IT``). Italian is
the language every label has, so every fallback chain ends with ``"it"``.

Examples
--------
>>> fallback_chain("de")
('de', 'it')
>>> fallback_chain("de_CH")
('de_CH', 'de', 'it')
>>> previous = set_fallbacks({"lad": ("de",)})
>>> fallback_chain("lad")
('lad', 'de', 'it')
>>> _ = set_fallbacks(previous)
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Mapping

from qualitapa.errors import N_, Message, OptionError

#: A well-formed language code: ``it``, ``lad``, ``de_IT``.
LANGUAGE_PATTERN = re.compile(r"[a-z]{2,3}(?:_[A-Z]{2})?")

#: The language every label has and every chain ends with.
REQUIRED = "it"

_lock = threading.Lock()
_fallbacks: dict[str, tuple[str, ...]] = {}
_chains: dict[str, tuple[str, ...]] = {}


def is_language(code: object) -> bool:
    """Whether ``code`` is a well-formed language code (``it``, ``lad``, ``de_IT``).

    Examples
    --------
    >>> is_language("de"), is_language("de_IT"), is_language("German"), is_language("DE")
    (True, True, False, False)
    """
    return isinstance(code, str) and LANGUAGE_PATTERN.fullmatch(code) is not None


def check_language(code: object, option: str = "lang") -> str:
    """Return ``code`` if it is a well-formed language code, else raise.

    Parameters
    ----------
    code
        The code to check.
    option
        The name of the parameter, for the message.

    Returns
    -------
    str
        ``code`` unchanged.

    Raises
    ------
    OptionError
        ``code`` is not two or three lowercase letters with an optional
        ``_XX`` region; the message names the code.

    Examples
    --------
    >>> check_language("de")
    'de'
    >>> check_language("Deutsch")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    qualitapa.errors.OptionError: lang must be a language code such as 'it', ..., not 'Deutsch'
    """
    if not is_language(code):
        said = Message(
            "{option} must be a language code such as 'it', 'en', 'de' or 'de_IT', not {value}",
            N_("{option} deve essere un codice di lingua come 'it', 'en', 'de' o 'de_IT', "
               "non {value}"),
            option=option, value=repr(code),
        )  # fmt: skip
        raise OptionError(said, option=option, value=code)
    return code  # type: ignore[return-value]


def set_fallbacks(
    fallbacks: Mapping[str, Iterable[str]] | None,
) -> dict[str, tuple[str, ...]]:
    """Configure which languages a text falls back to when it lacks one.

    The configuration replaces the previous one. A language not named falls
    back to Italian; a language with a region (``de_CH``) falls back to its
    configured languages, then to its base language (``de``) and that one's
    chain. Chains are followed transitively and always end with Italian.

    Parameters
    ----------
    fallbacks
        ``{language: (fallback, ...)}``, e.g. ``{"lad": ("de", "it")}``;
        None restores the default (every language falls back to Italian).

    Returns
    -------
    dict
        The previous configuration, to restore it later.

    Raises
    ------
    OptionError
        A code is malformed, or a fallback is not a sequence of codes.

    Examples
    --------
    >>> previous = set_fallbacks({"lad": ("de",), "fr": ("en",)})
    >>> fallback_chain("lad"), fallback_chain("fr")
    (('lad', 'de', 'it'), ('fr', 'en', 'it'))
    >>> set_fallbacks(previous)
    {'lad': ('de',), 'fr': ('en',)}
    >>> fallback_chain("lad")
    ('lad', 'it')
    """
    config: dict[str, tuple[str, ...]] = {}
    for lang, chain in (fallbacks or {}).items():
        check_language(lang, "fallbacks")
        if isinstance(chain, str):
            raise OptionError(
                f"the fallbacks of {lang!r} must be a sequence of codes such as ('it',), "
                f"not the string {chain!r}",
                option="fallbacks",
                value=chain,
            )
        config[lang] = tuple(check_language(c, "fallbacks") for c in chain)
    global _fallbacks
    with _lock:
        previous, _fallbacks = _fallbacks, config
        _chains.clear()
    return previous


def configured_fallbacks() -> dict[str, tuple[str, ...]]:
    """The fallback configuration set by :func:`set_fallbacks` (a copy).

    Examples
    --------
    >>> configured_fallbacks()
    {}
    """
    return dict(_fallbacks)


def fallback_chain(lang: str) -> tuple[str, ...]:
    """The languages tried, in order, for a text wanted in ``lang``.

    Parameters
    ----------
    lang
        A language code.

    Returns
    -------
    tuple of str
        ``lang`` first, Italian last, no code twice.

    Raises
    ------
    OptionError
        ``lang`` is malformed.

    Examples
    --------
    >>> fallback_chain("it"), fallback_chain("en")
    (('it',), ('en', 'it'))
    """
    try:
        return _chains[lang]
    except KeyError:
        pass
    check_language(lang)
    chain: list[str] = []
    _extend(chain, lang)
    if REQUIRED not in chain:
        chain.append(REQUIRED)
    result = tuple(chain)
    with _lock:
        _chains[lang] = result
    return result


def _extend(chain: list[str], lang: str) -> None:
    if lang in chain:
        return
    chain.append(lang)
    for other in _fallbacks.get(lang, ()):
        _extend(chain, other)
    base, _, region = lang.partition("_")
    if region:
        _extend(chain, base)
