"""Extract the messages of the source and update the catalogs (maintainers' tool).

``nox -s i18n`` runs ``python -m qualitapa.i18n._extract`` from the
repository's root: the messages marked in ``src/qualitapa`` (``.py`` files and
Jinja2 templates, as ``babel.cfg`` maps them) are extracted with Babel and
merged into ``src/qualitapa/locale/*/LC_MESSAGES/qualitapa.po`` (what
``pybabel extract`` + ``pybabel update`` do): new msgids appear with an empty
translation, msgids no longer in the source are dropped.

The marking functions (:data:`KEYWORDS`): ``_``, ``gettext``, ``N_`` and
``gettext_noop`` (a message marked for later translation), ``t`` (the
:class:`~qualitapa.i18n.Translator`), ``ngettext`` and ``t.plural`` (singular,
plural).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO

import jinja2
from babel.messages import frontend
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po
from jinja2 import nodes

from qualitapa.i18n._catalogs import DOMAIN

#: Functions whose string arguments are messages: name -> the message arguments
#: (None: the first; ``(1, 2)``: singular and plural).
KEYWORDS: Mapping[str, tuple[int, ...] | None] = {
    "_": None,
    "gettext": None,
    "N_": None,
    "gettext_noop": None,
    "t": None,
    "ngettext": (1, 2),
    "plural": (1, 2),  # t.plural(singular, plural, n)
}

#: The languages whose catalogs must translate every message (Italian is the msgid).
TRANSLATED = ("en", "de")


def extract_jinja(
    fileobj: IO[bytes],
    keywords: Sequence[str] | Mapping[str, object],
    comment_tags: Sequence[str],
    options: Mapping[str, object],
) -> Iterator[tuple[int, str, str | tuple[str | None, ...], list[str]]]:
    """Babel extraction method for Jinja2 templates: ``t("...")`` and ``t.plural(...)``.

    Jinja2's own extractor finds calls of plain names only (``_("...")``);
    this one also finds a method of the translator (``t.plural``). Arguments
    that are not string literals are left out (a label from data is not a
    message).

    Examples
    --------
    >>> import io
    >>> src = b'{{ t("Periodo") }} {{ t.plural("{n} ente", "{n} enti", n) }} {{ t.number(x) }}'
    >>> [m[1:3] for m in extract_jinja(io.BytesIO(src), ["t", "plural"], [], {})]
    [('t', 'Periodo'), ('plural', ('{n} ente', '{n} enti', None))]
    """
    encoding = str(options.get("encoding", "utf-8"))
    source = fileobj.read().decode(encoding)
    env = jinja2.Environment(trim_blocks=True, lstrip_blocks=True)
    tree = env.parse(source)
    for call in tree.find_all(nodes.Call):
        func = call.node
        if isinstance(func, nodes.Name):
            name = func.name
        elif isinstance(func, nodes.Getattr):
            name = func.attr
        else:
            continue
        if name not in keywords:
            continue
        args = tuple(
            a.value if isinstance(a, nodes.Const) and isinstance(a.value, str) else None
            for a in call.args
        )
        if not args or args[0] is None:
            continue
        yield call.lineno, name, (args[0] if len(args) == 1 else args), []


def extract_python(
    fileobj: IO[bytes],
    keywords: Mapping[str, object],
    comment_tags: Sequence[str],
    options: Mapping[str, object],
) -> Iterator[tuple[int, str, str | tuple[str | None, ...], list[str]]]:
    """Babel extraction method for Python, from the syntax tree: calls with literal strings.

    Babel's own extractor reads tokens: it takes ``t["met"]`` (a frame
    called ``t``) for a call and the key in ``t(_KPIS["received"])`` for a
    message. Here a message is a string literal argument of a call of a
    marking function (``t("...")``, ``_("...")``) or method (``t.plural(...)``).

    Examples
    --------
    >>> import io
    >>> src = chr(10).join(["x = t['met']", "y = t(LABELS['k'])", "z = t('Periodo')"]).encode()
    >>> [m[2] for m in extract_python(io.BytesIO(src), {"t": None}, [], {})]
    ['Periodo']
    """
    tree = ast.parse(fileobj.read().decode(str(options.get("encoding", "utf-8"))))
    found: list[tuple[int, int, str, str | tuple[str | None, ...]]] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = (
            func.id
            if isinstance(func, ast.Name)
            else func.attr
            if isinstance(func, ast.Attribute)
            else None
        )
        if name is None or name not in keywords:
            continue
        args = tuple(
            a.value if isinstance(a, ast.Constant) and isinstance(a.value, str) else None
            for a in node.args
        )
        first = args[0] if args else None
        if first is not None:
            found.append((node.lineno, node.col_offset, name, first if len(args) == 1 else args))
    for lineno, _, name, messages in sorted(found, key=lambda f: (f[0], f[1])):
        yield lineno, name, messages, []


def _mapping(root: Path) -> tuple[list[tuple[str, str]], dict[str, dict[str, str]]]:
    parse = getattr(frontend, "parse_mapping_cfg", None) or frontend.parse_mapping
    with (root / "babel.cfg").open(encoding="utf-8") as f:
        method_map, options_map = parse(f)
    return method_map, options_map


def _directories(path: str) -> bool:
    """Babel's default skips folders starting with ``_`` (``reporting/_sections``): not here."""
    name = Path(path).name
    return not name.startswith(".") and name != "__pycache__"


def extract_messages(root: Path | str = ".") -> Catalog:
    """The messages of the source under ``root`` (the repository), as a template catalog.

    Parameters
    ----------
    root
        The repository's root, which holds ``babel.cfg`` and ``src/``.

    Returns
    -------
    babel.messages.catalog.Catalog
        One message per msgid (a plural message has its id as ``(singular,
        plural)``), with the places it occurs.
    """
    root = Path(root)
    method_map, options_map = _mapping(root)
    template = Catalog(domain=DOMAIN, project="qualitapa", fuzzy=False)
    found = extract_from_dir(
        root, method_map, options_map, keywords=dict(KEYWORDS), directory_filter=_directories
    )
    for filename, lineno, message, comments, context in found:
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def po_path(root: Path | str, lang: str) -> Path:
    """The catalog of ``lang`` in the source tree under ``root``."""
    return Path(root) / "src" / "qualitapa" / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_catalog(root: Path | str, lang: str) -> Catalog:
    """The catalog of ``lang`` as it is in the source tree."""
    with po_path(root, lang).open("rb") as f:
        return read_po(f, locale=lang, domain=DOMAIN)


def update_catalogs(root: Path | str = ".") -> dict[str, tuple[int, int]]:
    """Merge the source's messages into every catalog (``pybabel update``).

    Returns
    -------
    dict
        ``{lang: (new msgids, obsolete msgids dropped)}``.
    """
    root = Path(root)
    template = extract_messages(root)
    done: dict[str, tuple[int, int]] = {}
    for po in sorted((root / "src" / "qualitapa" / "locale").glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        lang = po.parent.parent.name
        catalog = read_catalog(root, lang)
        before = {m.id for m in catalog if m.id}
        catalog.update(template, no_fuzzy_matching=True, update_creation_date=False)
        after = {m.id for m in catalog if m.id}
        obsolete = len(catalog.obsolete)
        with po.open("wb") as f:
            write_po(
                f, catalog, ignore_obsolete=True, width=100, include_lineno=False, sort_output=True
            )
        done[lang] = (len(after - before), obsolete)
    return done


def main() -> int:
    """``python -m qualitapa.i18n._extract [ROOT]``: update the catalogs, print what changed."""
    root = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    for lang, (new, obsolete) in update_catalogs(root).items():
        print(f"{lang}: {new} new message(s), {obsolete} obsolete message(s) dropped")
    return 0


if __name__ == "__main__":  # pragma: no cover - a maintainer's command
    raise SystemExit(main())
