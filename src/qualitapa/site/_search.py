"""The search page ``cerca.html``: client-side search over the portal's pages and indicators.

The builder writes ``search-index.js`` in each language's folder
(``window.QUALITAPA_SEARCH``: title, url, summary, kind, keywords of every
page); this page adds one entry per indicator with results, linking to its
definition on the methodology page, and ``static/qualitapa-search.js``
searches both in the browser: no server, no library, it works from
``file://``. The search ignores case and accents (``citta`` finds
``Città``) and Italian plural endings (``biblioteca`` finds
``Biblioteche``); every word asked must match the start of a word of the
entry.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from qualitapa.i18n import unit
from qualitapa.models import Text
from qualitapa.site._context import SiteContext
from qualitapa.site._methodology import INDICATORS_PATH, indicator_anchor, indicators_with_results
from qualitapa.site._model import Page, PageKind

#: The search page, at each language's root (the layout's search form sends ``q`` to it).
SEARCH_PATH = "cerca.html"


def indicator_entries(ctx: SiteContext) -> list[dict[str, Any]]:
    """One search entry per indicator with results: its label, service and definition's link.

    Entries have the fields of the builder's index (``title``, ``url``
    from the language root, ``summary``, ``kind``, ``keywords``).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from qualitapa import Catalog, Service, Text, hookimpl
    >>> from qualitapa.indicators import IndicatorDefinition
    >>> from qualitapa.site import Results
    >>> class Libraries:
    ...     @hookimpl
    ...     def qualitapa_services(self):
    ...         return [Service("libraries", Text("Biblioteche pubbliche"))]
    ...     @hookimpl
    ...     def qualitapa_indicators(self):
    ...         return [IndicatorDefinition("libraries.loans_per_user", Text("Prestiti per utente"),
    ...                                     "libraries", "effectiveness", "loans / users",
    ...                                     "higher_is_better")]
    >>> catalog = Catalog.build([Libraries()], entrypoints=False)
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "indicator_values.csv").write_text(
    ...     "organization,period,indicator,value,status\\n"
    ...     "036023,2024,libraries.loans_per_user,4,ok\\n")
    >>> ctx = SiteContext(results=Results(d), catalog=catalog, organizations=("036023",))
    >>> entry = indicator_entries(ctx)[0]
    >>> entry["title"], entry["url"]
    ('Prestiti per utente', 'metodologia/indicatori.html#ind-libraries.loans_per_user')
    >>> entry["summary"]
    'Indicatore del servizio Biblioteche pubbliche'
    """
    t = ctx.t
    out = []
    for ind_id in indicators_with_results(ctx):
        ind = ctx.catalog.indicators[ind_id]
        service = ctx.service_name(ind.service)
        keywords = [service, ind.id]
        if ind.unit:
            keywords.append(t.unit(unit(ind.unit)))
        out.append({
            "title": t.text(ind.label),
            "url": f"{INDICATORS_PATH}#{indicator_anchor(ind.id)}",
            "summary": t("Indicatore del servizio {service}", service=service),
            "kind": "indicator",
            "keywords": keywords,
        })  # fmt: skip
    return out


def build_search(ctx: SiteContext) -> Iterator[Page]:
    """The search page of ``ctx``'s language."""
    t = ctx.t
    yield Page(
        path=SEARCH_PATH,
        title=t("Cerca nel sito"),
        template="search.html.j2",
        context={"entries": indicator_entries(ctx)},
        summary=t("Cerca tra le pagine, i servizi e gli indicatori del sistema qualità."),
    )


#: The search page kind (not in the menu: the layout's search form leads to it).
SEARCH = PageKind(id="search", title=Text("Cerca", "Search", "Suche"), order=95,
                  build=build_search, in_menu=False)  # fmt: skip
