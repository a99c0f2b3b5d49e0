"""Shell completion of the catalog's ids: indicators, services, organizations, instruments...

click completes commands, options and choices by itself; :func:`install`
adds the catalog's ids to every option or argument that takes one (by its
parameter name, :data:`COMPLETED`), so ``qualitapa indicators compute -i
lib<TAB>`` offers ``libraries.loans_per_inhabitant`` and the others, with
their labels as help where the shell shows it (zsh, fish). A list option
(``-i a,b``) completes its last item. Organizations complete by code or by
name.

Enable it once per shell (docs/getting-started.md)::

    eval "$(_QUALITAPA_COMPLETE=bash_source qualitapa)"    # ~/.bashrc
    eval "$(_QUALITAPA_COMPLETE=zsh_source qualitapa)"     # ~/.zshrc
    _QUALITAPA_COMPLETE=fish_source qualitapa | source     # fish
"""

from __future__ import annotations

from collections.abc import Callable

import click
from click.shell_completion import CompletionItem

#: Parameter name -> the catalog's collection its values are ids of.
COMPLETED: dict[str, str] = {
    "indicator_id": "indicators",
    "indicators": "indicators",
    "service": "services",
    "organization": "organizations",
    "instrument": "instruments",
    "composite": "composites",
    "peer_group": "peer_groups",
    "charter_id": "charters",
    "standard_ids": "standards",
}

Completer = Callable[[click.Context, click.Parameter, str], list[CompletionItem]]


def _label(item: object) -> str | None:
    for name in ("label", "name"):
        value = getattr(item, name, None)
        if value is not None:
            return str(value.get() if hasattr(value, "get") else value)
    return None


def ids_of(kind: str) -> Completer:
    """A completer of the ids of the catalog's ``kind`` (``"indicators"``...)."""

    def complete(
        ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        head, _, last = incomplete.rpartition(",")
        prefix = f"{head}," if head else ""
        try:
            from qualitapa.catalog import default_catalog

            items = getattr(default_catalog(), kind)
            pairs = [(str(key), _label(item)) for key, item in items.items()]
        except Exception:  # a completion never fails the shell
            return []
        found = [CompletionItem(prefix + key, help=label) for key, label in pairs
                 if key.startswith(last)]  # fmt: skip
        if kind == "organizations" and last and not last.isdigit():  # by name
            wanted = last.casefold()
            found += [CompletionItem(prefix + label, help=key) for key, label in pairs
                      if label and label.casefold().startswith(wanted)]  # fmt: skip
        return found

    return complete


def install(group: click.Group) -> None:
    """Complete the catalog's ids in every command of ``group`` (see :data:`COMPLETED`)."""
    for command in _commands(group):
        for param in command.params:
            kind = COMPLETED.get(param.name or "")
            if kind is not None and param._custom_shell_complete is None:
                param._custom_shell_complete = ids_of(kind)


def _commands(group: click.Group) -> list[click.Command]:
    found: list[click.Command] = []
    for command in group.commands.values():
        found.append(command)
        if isinstance(command, click.Group):
            found += _commands(command)
    return found
