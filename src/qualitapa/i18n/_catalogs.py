"""The gettext catalogs: ``.po`` files compiled in memory at first use.

The catalogs live in ``qualitapa/locale/<lang>/LC_MESSAGES/qualitapa.po``;
their message ids are the Italian texts. No compiled ``.mo`` file is kept in
the repository or the wheel: Babel compiles a ``.po`` file when a language is
first asked for, and the result is cached.
"""

from __future__ import annotations

import functools
import gettext
import io
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from qualitapa._languages import fallback_chain

#: The gettext domain of qualitapa's messages.
DOMAIN = "qualitapa"


def _po_file(lang: str) -> resources.abc.Traversable:
    return resources.files("qualitapa") / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def catalog_languages() -> tuple[str, ...]:
    """The languages that have a catalog, sorted.

    Examples
    --------
    >>> catalog_languages()
    ('de', 'en', 'it')
    """
    root = resources.files("qualitapa") / "locale"
    if not root.is_dir():
        return ()
    return tuple(sorted(d.name for d in root.iterdir() if _po_file(d.name).is_file()))


@functools.cache
def _mo_bytes(lang: str) -> bytes | None:
    """The catalog of ``lang`` compiled to ``.mo`` bytes; None when there is none."""
    po = _po_file(lang)
    if not po.is_file():
        return None
    with po.open("rb") as f:
        catalog = read_po(f, domain=DOMAIN)
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def load_translations(lang: str) -> gettext.NullTranslations:
    """The translations of ``lang``, falling back along its chain (Italian last).

    Each language of :func:`qualitapa.i18n.fallback_chain` that has a catalog
    answers in turn; a message no catalog translates comes back as its msgid,
    which is the Italian text.

    Examples
    --------
    >>> load_translations("de").gettext("Mediana")
    'Median'
    >>> load_translations("fr").gettext("Mediana")
    'Mediana'
    """
    chain: gettext.NullTranslations | None = None
    for code in fallback_chain(lang):
        data = _mo_bytes(code)
        if data is None:
            continue
        catalog = Translations(io.BytesIO(data), domain=DOMAIN)
        if chain is None:
            chain = catalog
        else:
            chain.add_fallback(catalog)
    return chain if chain is not None else gettext.NullTranslations()
