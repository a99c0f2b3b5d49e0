"""``--db`` of the complaint commands: a SQLite file, or a PostgreSQL server's URL.

A ``postgresql://`` URL must not go through :class:`pathlib.Path` (which
would fold its ``//``): :class:`DatabaseUrlType` keeps it as a
:class:`DatabaseUrl` and turns anything else into a ``Path`` as before.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from qualitapa.complaints import is_postgres_url, shown_url

F = TypeVar("F", bound=Callable[..., object])


class DatabaseUrl(str):
    """A server database given as ``--db postgresql://...``: not a file.

    Its ``str`` is the URL (with the password, to connect); its ``repr`` and
    :attr:`shown` hide the password.

    Examples
    --------
    >>> url = DatabaseUrl("postgresql://urp:segreta@db/reclami")
    >>> url.shown, url.exists()
    ('postgresql://urp:***@db/reclami', False)
    """

    __slots__ = ()

    @property
    def shown(self) -> str:
        """The URL without its password, for messages."""
        return shown_url(str(self))

    @property
    def name(self) -> str:
        """What messages call it (as ``Path.name``): the URL without its password."""
        return self.shown

    def exists(self) -> bool:
        """Always False: a URL is not a file (the server says whether the register exists)."""
        return False

    def __repr__(self) -> str:
        return f"DatabaseUrl({self.shown!r})"

    def __format__(self, spec: str) -> str:
        return format(self.shown, spec)


class DatabaseUrlType(click.ParamType):
    """A SQLite file (a ``Path``) or a ``postgresql://`` URL (a :class:`DatabaseUrl`)."""

    name = "file|url"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> Path | DatabaseUrl:
        if isinstance(value, (Path, DatabaseUrl)):
            return value
        if is_postgres_url(str(value)):
            return DatabaseUrl(str(value))
        path: Path = click.Path(dir_okay=False, path_type=Path).convert(str(value), param, ctx)
        return path


def server_database_option(option: Callable[[F], F]) -> Callable[[F], F]:
    """``option`` (a ``--db`` option) that also takes a ``postgresql://`` URL."""

    def decorate(func: F) -> F:
        func = option(func)
        params: list[click.Parameter] = getattr(func, "__click_params__", [])
        for param in params:
            if param.name == "db" and isinstance(param, click.Option):
                param.type = DatabaseUrlType()
                param.help = (param.help or "").replace(
                    "(SQLite file)", "(SQLite file, or postgresql://user@host/database)"
                )
        return func

    return decorate
