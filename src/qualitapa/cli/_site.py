"""``qualitapa site build|serve|check``: the quality portal, a static site of the quality system."""

from __future__ import annotations

import functools
import http.server
from collections import Counter
from pathlib import Path

import click

from qualitapa.cli._main import cli, echo, for_people, get_catalog, messages, nothing
from qualitapa.cli._options import LanguageType, date_value, output_options
from qualitapa.cli._output import emit
from qualitapa.errors import DataError, Message
from qualitapa.i18n import N_


@cli.group("site")
def site_group() -> None:
    """The quality portal: a static, accessible site of the quality system."""


@site_group.command("build")
@click.option(
    "--results",
    "-r",
    required=True,
    type=click.Path(path_type=Path),
    help="Results folder: what 'qualitapa demo --out DIR' or the commands write.",
)
@click.option(
    "--organization",
    "organizations",
    multiple=True,
    help="A city the portal is about (ISTAT code or name; repeat for more). "
    "Default: every organization in the results.",
)
@click.option(
    "--lang",
    "languages",
    type=LanguageType(),
    multiple=True,
    help="A language of the pages (repeat for more). Italian is always built, at the site's "
    "root; the others go in en/, de/... Default: it, en, de.",
)
@click.option(
    "--members",
    is_flag=True,
    help="The members' build: adds draft charters and unpublished items. Publish it only "
    "behind the city's authentication.",
)
@click.option(
    "--date",
    "reference_date",
    help="The day that decides which charters are in force (31/01/2024 or 2024-01-31; the "
    "pages say it). Default: today.",
)
@click.option(
    "--out",
    "-o",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the site: new, empty, or an earlier build (replaced).",
)
def site_build(
    results: Path,
    organizations: tuple[str, ...],
    languages: tuple[str, ...],
    members: bool,
    reference_date: str | None,
    out: Path,
) -> None:
    """Build the quality portal from a results folder into OUT.

    Home, cities (charters, standards, surveys, complaints, CAF, improvement
    plan), services (indicators across cities), methodology, open data and
    the pages plugins add, in Bootstrap Italia, with relative links: open
    OUT/index.html from disk, or copy the folder to any web server or CMS.
    OUT/qualitapa-site.json lists every file with its sha256.
    """
    from qualitapa.site import build_site

    site = build_site(
        results,
        out,
        catalog=get_catalog(),
        organizations=organizations or None,
        members=members,
        languages=languages or ("it", "en", "de"),
        reference_date=date_value(reference_date, "--date"),
    )
    t = messages()
    per_language = Counter(lang for lang, _path, _kind in site.pages)
    echo(
        t(
            "portale scritto in {out}: {pages} pagine ({languages}), {files} file; aprire {index}",
            out=site.out,
            pages=len(site.pages),
            languages=", ".join(f"{lang} {n}" for lang, n in per_language.items()),
            files=len(site.files),
            index=site.out / "index.html",
        ),
        err=True,
    )
    if members:
        echo(t("area riservata ai membri: pubblicarla solo dietro l'autenticazione dell'ente"),
             err=True)  # fmt: skip


def make_server(site: Path, port: int = 8000) -> http.server.ThreadingHTTPServer:
    """A web server of the folder ``site`` on 127.0.0.1 (port 0: a free one).

    Raises
    ------
    DataError
        ``site`` has no ``index.html`` (not a built portal).
    """
    if not (site / "index.html").is_file():
        message = Message(
            "the folder has no index.html: build the portal first with 'qualitapa site build'",
            N_("la cartella non contiene index.html: generare prima il portale con "
               "'qualitapa site build'"),
        )  # fmt: skip
        raise DataError(message, source=str(site))
    handler = functools.partial(_QuietHandler, directory=str(site))
    return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site's files; requests are not logged on the terminal."""

    def log_message(self, format: str, *args: object) -> None:
        return


@site_group.command("serve")
@click.argument("site", type=click.Path(file_okay=False, path_type=Path))
@click.option("--port", "-p", default=8000, show_default=True, help="Port (0: a free one).")
def site_serve(site: Path, port: int) -> None:
    """Preview a built portal SITE at http://127.0.0.1:PORT/ (Ctrl+C stops).

    For looking at the pages only: publish the folder on the city's web
    server or CMS.
    """
    server = make_server(site, port)
    t = messages()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    echo(t("anteprima del portale su {url} (Ctrl+C per fermare)", url=url), err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@site_group.command("check")
@click.argument("site", type=click.Path(file_okay=False, path_type=Path))
@output_options
def site_check(site: Path, fmt: str | None, output: Path | None) -> None:
    """List every problem of a built portal SITE; exit 1 if there is any.

    Links, assets and anchors that do not resolve, pages that are not valid
    HTML5, headings, languages, text alternatives, anything loaded from
    outside the site (needs html5lib: the 'site' extra).
    """
    from qualitapa.site import check_site

    problems = check_site(site)
    t = messages()
    pages = sum(1 for _ in site.rglob("*.html"))
    n_pages = t.plural("{n} pagina", "{n} pagine", pages)
    if problems.empty:
        if for_people(fmt, output):
            echo(t("nessun problema in {pages} di {site}", pages=n_pages, site=site), err=True)
        return
    if for_people(fmt, output):  # the message says the check; its code is for machines
        problems = problems.drop(columns="check")
    emit(problems, fmt, output)
    raise nothing(
        t("{problems} in {pages} di {site}",
          problems=t.plural("{n} problema", "{n} problemi", len(problems)), pages=n_pages,
          site=site)
    )  # fmt: skip
