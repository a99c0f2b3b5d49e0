"""Rendering a page into the layout: template environments and the per-page globals."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from qualitapa.i18n import sandboxed_environment, template_environment
from qualitapa.site._context import SectionBlock, SiteContext, language_root, relative_url
from qualitapa.site._model import Page

#: The language names of the language switcher, each in its own language.
LANGUAGE_NAMES = {"it": "Italiano", "en": "English", "de": "Deutsch"}


def site_environment() -> jinja2.Environment:
    """The cached environment of the site's own templates (autoescape on)."""
    return template_environment("qualitapa.site")


def folder_environment(folders: tuple[Path, ...]) -> jinja2.Environment:
    """A sandboxed environment for the templates of plugins' kinds and sections.

    The plugin's ``folders`` come first, then the site's templates (the
    layout and ``_macros.html.j2``); :func:`qualitapa.i18n.sandboxed_environment`.
    """
    if not folders:
        return site_environment()
    return sandboxed_environment("qualitapa.site", folders)


class PageRenderer:
    """Renders the pages of one language with links relative to each page."""

    def __init__(
        self,
        ctx: SiteContext,
        languages: Sequence[str],
        menu: Sequence[tuple[str, str, str]],
        paths: Iterable[str] = (),
    ) -> None:
        self.ctx = ctx
        self.languages = tuple(languages)
        self.menu = tuple(menu)  # (kind id, label, path)
        self.paths = frozenset(paths)  # the pages of this language

    def globals(self, page: Page) -> dict[str, Any]:
        """The variables every template of ``page`` gets: ``url``, ``static``, ``t``..."""
        root = self.ctx.root
        here = root + page.path

        def url(path: str) -> str:
            target, sep, anchor = path.partition("#")
            return relative_url(root + target, here) + sep + anchor

        def static(path: str) -> str:
            return relative_url("static/" + path, here)

        def render_section(block: SectionBlock) -> Markup:
            return self.section(block, page)

        return {"t": self.ctx.t, "ctx": self.ctx, "page": page, "lang": self.ctx.lang,
                "url": url, "static": static, "render_section": render_section,
                "owner": self.owner(), "page_exists": self.paths.__contains__}  # fmt: skip

    def owner(self) -> str:
        """Who publishes the site: "Comune di Modena" for one city, the club for several."""
        orgs = self.ctx.organizations
        if len(orgs) == 1:
            return self.ctx.t("Comune di {nome}", nome=self.ctx.org_name(orgs[0]))
        return self.ctx.t("Benchmarking Q-Club")

    def section(self, block: SectionBlock, page: Page) -> Markup:
        """The HTML of a section's body on ``page``."""
        env = folder_environment(_folders(block.templates))
        variables = {**block.variables, **self.globals(page), "section": block}
        return Markup(env.get_template(block.template).render(variables))

    def render(self, page: Page, templates: Path | None = None) -> str:
        """The whole HTML document of ``page`` (its template inside ``base.html.j2``)."""
        common = self.globals(page)
        env = folder_environment(_folders(templates))
        body = env.get_template(page.template).render({**page.context, **common})
        layout = {**common, "body": Markup(body), "menu": self._menu(page),
                  "languages": self._languages(page), "crumbs": self._crumbs(page)}  # fmt: skip
        return site_environment().get_template("base.html.j2").render(layout)

    def _menu(self, page: Page) -> list[Mapping[str, Any]]:
        return [{"label": label, "path": path, "current": kind == page.kind}
                for kind, label, path in self.menu]  # fmt: skip

    def _languages(self, page: Page) -> list[Mapping[str, Any]]:
        here = self.ctx.root + page.path
        return [{"code": lang, "name": LANGUAGE_NAMES.get(lang, lang),
                 "current": lang == self.ctx.lang,
                 "href": relative_url(language_root(lang) + page.path, here)}
                for lang in self.languages]  # fmt: skip

    def _crumbs(self, page: Page) -> list[tuple[str, str]]:
        if page.path == "index.html":
            return []
        home_label = next((label for _k, label, path in self.menu if path == "index.html"), None)
        home = (home_label or self.ctx.t("Pagina iniziale"), "index.html")
        return [home, *(c for c in page.breadcrumbs if c[1] != "index.html")]


def _folders(folder: Path | None) -> tuple[Path, ...]:
    return () if folder is None else (folder,)
