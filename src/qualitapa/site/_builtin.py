"""The portal's built-in page kinds and sections.

Each capability's module adds its entries here: one import line and its
kinds/sections in :data:`BUILTIN` (plugins use the
:func:`~qualitapa.hookspecs.qualitapa_site_pages` hook instead).
"""

from __future__ import annotations

from qualitapa.site._city import CITY_KIND, CITY_SECTIONS
from qualitapa.site._home import HOME
from qualitapa.site._methodology import METHODOLOGY
from qualitapa.site._model import PageKind, SiteSection
from qualitapa.site._opendata import OPENDATA
from qualitapa.site._programme import PROGRAMME_KIND, PROGRAMME_SECTIONS
from qualitapa.site._search import SEARCH
from qualitapa.site._service import SERVICE_KIND

#: The built-in page kinds and sections, in no particular order (menus sort by ``order``).
BUILTIN: list[PageKind | SiteSection] = [
    HOME,
    CITY_KIND,
    *CITY_SECTIONS,
    SERVICE_KIND,
    PROGRAMME_KIND,
    *PROGRAMME_SECTIONS,
    METHODOLOGY,
    OPENDATA,
    SEARCH,
]
