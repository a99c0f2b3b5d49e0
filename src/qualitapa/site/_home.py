"""The home page: the quality system at a glance."""

from __future__ import annotations

from collections.abc import Iterator

from qualitapa.models import Text
from qualitapa.site._context import SiteContext
from qualitapa.site._model import Page, PageKind


def build_home(ctx: SiteContext) -> Iterator[Page]:
    """The home page (``index.html``) of ``ctx``'s language."""
    cities = [(ctx.org_name(o), ctx.city_path(o)) for o in ctx.organizations]
    yield Page(
        path="index.html",
        title=ctx.t("Sistema Qualità"),
        template="home.html.j2",
        context={"cities": sorted(cities), "sections": ctx.sections("home", "")},
        summary=ctx.t("Il sistema qualità dei servizi comunali: indicatori, carte dei servizi, "
                      "indagini, autovalutazioni e piani di miglioramento."),
    )  # fmt: skip


#: The home page kind.
HOME = PageKind(id="home", title=Text("Pagina iniziale", en="Home", de="Startseite"), order=0,
                build=build_home)  # fmt: skip
