"""The words of the complaint codes (kinds, channels, statuses, actions) for messages.

An import problem names the code a file must hold (``received``) and says
what it means in the reader's language (``received (ricevuto)``): the codes
are :class:`~qualitapa.errors.Message` parameters, rendered by
:func:`qualitapa.errors.said`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from qualitapa._labelling import ACTION_WORDS, CHANNEL_WORDS, KIND_WORDS, STATUS_WORDS
from qualitapa.errors import Either, Message, _message
from qualitapa.i18n import N_

#: Said where a history has no status (its first event's ``from_status``).
NOTHING = Message("nothing", N_("nulla"))
#: Every code's word, for :func:`code_said`.
CODE_WORDS: Mapping[str, str] = {**KIND_WORDS, **CHANNEL_WORDS, **STATUS_WORDS, **ACTION_WORDS}


class _Verbatim:
    """A code as a message parameter: written as it is in every language.

    Not a ``str``, so that :func:`qualitapa.errors.said` never takes it for
    the English text of some other message.
    """

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text

    def __format__(self, spec: str) -> str:
        return format(self.text, spec)


def _unlisted(english: str, msgid: str, **params: object) -> Message:
    """A message held only by its parameter: not looked up by its (short) English text."""
    return _message(english.format(**{k: str(v) for k, v in params.items()}), msgid, params)


def code_said(code: object, *, quoted: bool = False) -> str:
    """``code`` with its word in the reader's language (English: the code alone).

    A code without a word (a free text) stays as it is, quoted with ``quoted``.

    Examples
    --------
    >>> from qualitapa.i18n import translator
    >>> from qualitapa.errors import said
    >>> shown = code_said("received", quoted=True)
    >>> str(shown), said(shown, translator("it")), said(shown, translator("de"))
    ("'received'", "'received' (ricevuto)", "'received' (eingegangen)")
    """
    text = str(code)
    word = CODE_WORDS.get(text)
    if word is None:
        return repr(text) if quoted else text
    meaning = _unlisted(text, word)
    if quoted:
        return _unlisted("'{code}'", N_("'{code}' ({word})"), code=_Verbatim(text), word=meaning)
    return _unlisted("{code}", N_("{code} ({word})"), code=_Verbatim(text), word=meaning)


def choices(codes: Iterable[str]) -> Either:
    """The codes a cell may hold, as alternatives each with its word (:func:`code_said`).

    Examples
    --------
    >>> from qualitapa.i18n import translator
    >>> from qualitapa.errors import said
    >>> str(choices(["web", "pec"])), said(choices(["web", "pec"]), translator("it"))
    ('web or pec', 'web (sito web) o pec (PEC)')
    """
    return Either([code_said(c) for c in codes])  # messages: said in the language
