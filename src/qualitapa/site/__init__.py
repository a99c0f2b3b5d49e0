"""The quality portal: a static, accessible site of the quality system (issue 21).

* :func:`build_site` renders a multi-page static site (Bootstrap Italia,
  Italian at the root, ``en/`` and ``de/``) from a results folder; every
  link is relative, so the folder can be opened from disk or published on
  any web server or CMS. :class:`SiteBuild` says what it wrote.
* Pages come from :class:`PageKind` objects (home, cities, services,
  methodology, open data, programme...); :class:`SiteSection` objects add
  blocks to the pages of another kind. Plugins add both with the
  :func:`~qualitapa.hookspecs.qualitapa_site_pages` hook;
  :func:`site_registry` lists those of a build.
* :func:`check_site` lists the problems of a built site (links, HTML5,
  headings, languages, text alternatives; :class:`SiteCheck` names the checks).
* A kind's ``build(ctx)`` gets a :class:`SiteContext`: the
  :class:`Results` folder, the catalog, the language and the paths every
  page links the same way (``ctx.city_path(org)``, ``ctx.service_path(id)``).

Templates get ``url(path)`` and ``static(path)`` (links relative to the
page), ``t`` (the translator), ``ctx``, ``page`` and the page's context;
``{% import "_macros.html.j2" as m with context %}`` gives ``m.table``,
``m.bar_chart``, ``m.interval``, ``m.sections``. The layout writes the
``<h1>`` (the page's title): a page template starts at ``<h2>``.

Examples
--------
>>> import tempfile
>>> from pathlib import Path
>>> from qualitapa.site import build_site
>>> with tempfile.TemporaryDirectory() as d:
...     _ = Path(d, "complaint_kpis.csv").write_text("organization,received\\n036023,10\\n")
...     site = build_site(d, Path(d) / "site", languages=("it", "en"))
...     [(lang, path) for lang, path, kind in site.pages if kind == "home"]
[('it', 'index.html'), ('en', 'index.html')]
"""

from qualitapa.site._build import KNOWN_TABLES, MANIFEST, SiteBuild, build_site
from qualitapa.site._check import SiteCheck, check_site
from qualitapa.site._context import (
    Results,
    SectionBlock,
    SiteContext,
    language_root,
    relative_url,
    slug,
)
from qualitapa.site._model import Page, PageBuilder, PageKind, SectionBuilder, SiteSection
from qualitapa.site._registry import site_registry

__all__ = [
    "KNOWN_TABLES",
    "MANIFEST",
    "Page",
    "PageBuilder",
    "PageKind",
    "Results",
    "SectionBlock",
    "SectionBuilder",
    "SiteBuild",
    "SiteCheck",
    "SiteContext",
    "SiteSection",
    "build_site",
    "check_site",
    "language_root",
    "relative_url",
    "site_registry",
    "slug",
]
