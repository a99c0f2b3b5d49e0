"""click's own messages (usage errors, ``Usage:``) in the language of ``--lang``.

click marks its messages for gettext (``from gettext import gettext as _``
and ``ngettext`` in each of its modules) and looks them up in the
process-wide default domain, with the language of the environment
(``LANGUAGE``, ``LANG``): a library that is imported by other programs
cannot take that domain over, and ``--lang`` is not in the environment.
So, while the ``qualitapa`` command runs (:func:`click_in_language`), the
``_`` and ``ngettext`` names of click's modules look click's English
message up in :data:`CLICK_MESSAGES`: its Italian message, a msgid of
qualitapa's own catalogs, said in the command's language by
:func:`qualitapa.i18n.translator` (English: click's text as it is). A
message not listed stays click's English. Everything is put back when the
command ends.

The language is the command's (:func:`~qualitapa.cli._context.language`);
once the command's context is closed (click prints a usage error after
it), the language the command had (:func:`remember`).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager

import click
import click.core

from qualitapa.cli._context import LANGUAGE, language
from qualitapa.i18n import N_, translator

#: click's English messages -> their Italian message (a msgid of the catalogs).
#: The placeholders are click's: each message keeps the ones it shows.
CLICK_MESSAGES: Mapping[str, str] = {
    "Usage:": N_("Uso:"),
    "Error: {message}": N_("Errore: {message}"),
    "Try '{command} {option}' for help.": N_("Per l'aiuto: '{command} {option}'."),
    "Missing argument": N_("Manca l'argomento"),
    "Missing option": N_("Manca l'opzione"),
    "Missing parameter": N_("Manca il parametro"),
    "Missing command.": N_("Manca il comando."),
    "Missing parameter: {param_name}": N_("Manca il parametro: {param_name}"),
    "No such option {name!r}.": N_("Opzione sconosciuta {name!r}."),
    "No such command {name!r}.": N_("Comando sconosciuto {name!r}."),
    "Did you mean {possibility}?": N_("Forse {possibility}?"),
    "(Did you mean one of: {possibilities}?)": N_("(Forse uno tra: {possibilities}?)"),
    "Invalid value: {message}": N_("Valore non valido: {message}"),
    "Invalid value for {param_hint}: {message}": N_(
        "Valore non valido per {param_hint}: {message}"
    ),
    "Got unexpected extra argument ({args})": N_("Argomento in più non previsto ({args})"),
    "Got unexpected extra arguments ({args})": N_("Argomenti in più non previsti ({args})"),
    "Option {name!r} requires an argument.": N_("L'opzione {name!r} richiede un valore."),
    "Option {name!r} requires {nargs} arguments.": N_(
        "L'opzione {name!r} richiede {nargs} valori."
    ),
    "Option {name!r} does not take a value.": N_("L'opzione {name!r} non prende valori."),
    "Argument {name!r} takes {nargs} values.": N_("L'argomento {name!r} prende {nargs} valori."),
    "{value!r} is not {choice}.": N_("{value!r} non è {choice}."),
    "{value!r} is not one of {choices}.": N_("{value!r} non è tra {choices}."),
    "Choose from:\n\t{choices}": N_("Scegliere tra:\n\t{choices}"),
    # the type (integer, float) is click's English word: not repeated
    "{value!r} is not a valid {number_type}.": N_("{value!r} non è un numero valido."),
    "{value} is not in the range {range}.": N_("{value} non è nell'intervallo {range}."),
    "{value!r} is not a valid boolean. Recognized values: {states}": N_(
        "{value!r} non è un sì o no. Valori riconosciuti: {states}"
    ),
    "{value!r} does not match the format {format}.": N_("{value!r} non è nel formato {format}."),
    "{value!r} does not match the formats {formats}.": N_(
        "{value!r} non è in nessuno dei formati {formats}."
    ),
    # a path's kind (click's English "File", "Directory", "Path"): not repeated
    "{name} {filename!r} does not exist.": N_("{filename!r} non esiste."),
    "{name} {filename!r} is a file.": N_("{filename!r} è un file, non una cartella."),
    "{name} {filename!r} is a directory.": N_("{filename!r} è una cartella, non un file."),
    "{name} {filename!r} is not readable.": N_("{filename!r} non si può leggere."),
    "{name} {filename!r} is not writable.": N_("{filename!r} non si può scrivere."),
    "Could not open file {filename!r}: {message}": N_(
        "Impossibile aprire il file {filename!r}: {message}"
    ),
    "Aborted!": N_("Interrotto."),
    # the usage line's words (click does not mark them: see UsageInLanguage)
    "[OPTIONS]": N_("[OPZIONI]"),
    "COMMAND [ARGS]...": N_("COMANDO [ARGOMENTI]..."),
}
#: The usage line's words that :class:`UsageInLanguage` says in the command's language.
_USAGE_WORDS = frozenset({"[OPTIONS]", "COMMAND [ARGS]..."})

#: The click modules whose ``_`` and ``ngettext`` say their messages.
_MODULES = ("click.core", "click.exceptions", "click.formatting", "click.parser", "click.types")


class _Said:
    """Says click's messages in the language of the command being run."""

    def __init__(self) -> None:
        self.meta: MutableMapping[str, object] | None = None

    def lang(self) -> str:
        if click.get_current_context(silent=True) is None and self.meta is not None:
            found = self.meta.get(LANGUAGE)
            if found:
                return str(found)
        return language()

    def gettext(self, message: str) -> str:
        italian = CLICK_MESSAGES.get(message)
        lang = self.lang()
        if italian is None or lang.split("_")[0] == "en":
            return message
        return translator(lang)(italian)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        # Italian and German: the singular for 1 only (click's own English rule)
        return self.gettext(singular if n == 1 else plural)


_SAID = _Said()


def remember(meta: MutableMapping[str, object]) -> None:
    """Keep the ``meta`` of the command's context: its language after the context closes."""
    _SAID.meta = meta


@contextmanager
def click_in_language() -> Iterator[None]:
    """While it lasts, click's messages are said in the command's language.

    Examples
    --------
    >>> import click
    >>> from click.testing import CliRunner
    >>> @click.command()
    ... @click.option("--n", type=int, required=True)
    ... def count(n: int) -> None: ...
    >>> with click_in_language():
    ...     result = CliRunner().invoke(count, [])
    >>> result.stderr.splitlines()[-1]
    "Errore: Manca l'opzione '--n'."
    """
    saved: list[tuple[object, str, object]] = []
    for name in _MODULES:
        module = sys.modules.get(name)
        for attribute, said in (("_", _SAID.gettext), ("ngettext", _SAID.ngettext)):
            original = getattr(module, attribute, None)
            if callable(original):
                saved.append((module, attribute, original))
                setattr(module, attribute, said)
    previous, _SAID.meta = _SAID.meta, None
    try:
        yield
    finally:
        _SAID.meta = previous
        for patched, attribute, original in reversed(saved):
            setattr(patched, attribute, original)


class UsageInLanguage(click.Command):
    """A command whose usage line says ``[OPTIONS]`` and ``COMMAND [ARGS]...`` in its language.

    click writes them as they are, not through gettext as its other
    messages: they are looked up as click's messages are (the gettext of
    ``click.core``, which :func:`click_in_language` points to
    :data:`CLICK_MESSAGES`), so outside the ``qualitapa`` command (the CLI
    reference page) they stay click's English.
    """

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        say = click.core._  # looked up now: click_in_language replaces it while it lasts
        return [
            say(piece) if piece in _USAGE_WORDS else piece
            for piece in super().collect_usage_pieces(ctx)
        ]


class Command(UsageInLanguage):
    """A ``qualitapa`` command (its usage line in its language)."""


class Group(UsageInLanguage, click.Group):
    """A group of ``qualitapa`` commands: its commands and groups are of these classes."""

    command_class: type[click.Command] | None = Command
    group_class: type[click.Group | type] | None = type  # its groups: of its own class
