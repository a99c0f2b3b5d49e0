"""What the root command's options say to every command: verbosity and language.

``qualitapa --quiet|--verbose --lang CODE COMMAND ...`` keeps its choices in
the click context's ``meta`` (shared by every nested context); the commands,
the notes and the progress read them with :func:`verbosity` and
:func:`language`.

The language of messages (notes, confirmations, progress) is the command's
``--lang`` when it has one, else the root's ``--lang``, else the
``QUALITAPA_LANG`` environment variable, else Italian.
"""

from __future__ import annotations

import os

import click

#: ``ctx.meta`` key of the verbosity: -1 quiet, 0 normal, 1 verbose.
VERBOSITY = "qualitapa.verbosity"
#: ``ctx.meta`` key of the language of the command being run.
LANGUAGE = "qualitapa.lang"
#: The environment variable giving the default language.
LANG_ENV = "QUALITAPA_LANG"


def verbosity() -> int:
    """-1 with ``--quiet``, 1 with ``--verbose``, else 0 (also outside a command)."""
    ctx = click.get_current_context(silent=True)
    return 0 if ctx is None else int(ctx.meta.get(VERBOSITY, 0))


def language() -> str:
    """The language of the command being run (see the module's description)."""
    ctx = click.get_current_context(silent=True)
    found = None if ctx is None else ctx.meta.get(LANGUAGE)
    if found:
        return str(found)
    from qualitapa.i18n import is_language

    env = os.environ.get(LANG_ENV, "")
    return env if is_language(env) else "it"


def in_language(message: str, /, **values: object) -> str:
    """``message`` in the command's language (:func:`language`).

    A :class:`~qualitapa.errors.Message` says itself in it; any other text is
    an Italian msgid (mark it with ``N_``), its ``{placeholders}`` filled
    from ``values``.
    """
    from qualitapa.errors import Message
    from qualitapa.i18n import translator

    t = translator(language())
    return message.render(t) if isinstance(message, Message) else str(t(message, **values))
