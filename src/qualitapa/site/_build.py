"""Building the portal: :func:`build_site` writes every page, the assets and the manifest."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs

from qualitapa.__about__ import __version__
from qualitapa.catalog import Catalog, default_catalog
from qualitapa.errors import DataError, DefinitionError, Message
from qualitapa.i18n import N_, check_language
from qualitapa.site._context import Results, SiteContext, language_root
from qualitapa.site._model import Page, PageKind, SiteSection
from qualitapa.site._registry import site_registry
from qualitapa.site._render import PageRenderer

#: The tables of a results folder the site knows (what ``qualitapa demo --out DIR`` writes).
KNOWN_TABLES = (
    "indicator_values", "indicator_benchmark", "indicator_trends", "indicator_targets",
    "composite_scores", "composite_ranks", "dea_scores", "survey_items", "survey_dimensions",
    "survey_nps", "survey_ipa", "survey_reliability", "complaint_kpis",
    "complaint_kpis_by_service", "complaint_pareto", "complaint_trend", "charter_compliance",
    "refunds_due", "caf_scores", "caf_consolidated", "improvement_plan", "programme_results",
    "training_hours", "training_needs", "certification_alerts", "practice_suggestions",
)  # fmt: skip

#: The manifest written at the site's root.
MANIFEST = "qualitapa-site.json"

STATIC = Path(__file__).parent / "static"


@attrs.frozen(kw_only=True)
class SiteBuild:
    """What :func:`build_site` wrote.

    Attributes
    ----------
    out
        The site's folder.
    pages
        ``(language, path under the language root, kind id)`` of every page.
    files
        Every file the build wrote, as POSIX paths from ``out`` (the manifest
        excluded; files someone added to the folder are not the build's).
    members
        True for the members' build.
    """

    out: Path
    pages: tuple[tuple[str, str, str], ...]
    files: tuple[str, ...]
    members: bool


def build_site(
    results: str | Path | Results,
    out: str | Path,
    *,
    catalog: Catalog | None = None,
    organizations: Iterable[str] | None = None,
    members: bool = False,
    languages: Sequence[str] = ("it", "en", "de"),
    extra: Iterable[PageKind | SiteSection] = (),
    reference_date: dt.date | None = None,
) -> SiteBuild:
    """Build the static quality portal from a results folder into ``out``.

    Every page kind (built-in, plugins' ``qualitapa_site_pages``,
    ``extra``) builds its pages in each language; Italian pages are at the
    root, the others under ``en/``, ``de/``. Links are relative, so the
    folder can be opened from disk or copied to any web server or CMS.
    ``out`` also gets ``static/`` (Bootstrap Italia), ``search-index.js``
    per language and the manifest ``qualitapa-site.json`` (sha256 of each file).

    Parameters
    ----------
    results
        The results folder (what ``qualitapa demo --out DIR`` writes).
    out
        The site's folder: created, or the earlier build it holds replaced
        (the files its manifest lists; files added since stay).
    catalog
        The catalog (labels, charters...); default :func:`~qualitapa.catalog.default_catalog`.
    organizations
        The organizations (ids or names) the site is about; default those in the results.
    members
        The members' build: adds drafts and unpublished items and sections.
    languages
        The languages of the pages: Italian (always built) at the root, the
        others in ``en/``, ``de/``...
    extra
        More page kinds and sections (as a plugin would give).
    reference_date
        The day that decides what is in force (charters and their
        standards); default today. The home and city pages say it, so a
        build made again later shows the same charters.

    Returns
    -------
    SiteBuild

    Raises
    ------
    DataError
        ``results`` is not a folder or has none of the known tables; ``out``
        is a folder with other files than an earlier build's.
    PluginConflictError
        Two page kinds or sections share an id.
    DefinitionError
        Two pages of a language have the same path.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = Path(d, "complaint_kpis.csv").write_text("organization,received\\n036023,10\\n")
    ...     site = build_site(d, Path(d) / "site", languages=("it",))
    ...     site.pages[0], (site.out / "index.html").read_text().count('lang="it"') > 0
    (('it', 'index.html', 'home'), True)
    """
    source = results if isinstance(results, Results) else Results(results)
    _check_results(source)
    languages = tuple(dict.fromkeys(["it", *(check_language(lang) for lang in languages)]))
    catalog = default_catalog() if catalog is None else catalog
    orgs = _organizations(catalog, source, organizations)
    kinds, sections = site_registry(catalog, extra)
    target = _prepare(Path(out))
    written: list[tuple[str, str, str]] = []
    files: set[str] = set()
    for lang in languages:
        ctx = SiteContext(results=source, catalog=catalog, organizations=orgs, lang=lang,
                          period=source.latest_period(), members=members,
                          reference_date=reference_date or dt.date.today(),
                          site_sections=tuple(sections))  # fmt: skip
        pages, names = _build_language(ctx, kinds, languages, target)
        written += pages
        files |= names
    files |= _copy_static(target)
    _write_manifest(target, kinds, written, languages, members, sorted(files))
    return SiteBuild(out=target, pages=tuple(written), files=tuple(sorted(files)), members=members)


def _build_language(
    ctx: SiteContext, kinds: Sequence[PageKind], languages: Sequence[str], out: Path
) -> tuple[list[tuple[str, str, str]], set[str]]:
    """Write the pages of ``ctx.lang``: ``(lang, path, kind)`` of each, and the files written."""
    root = out / ctx.root
    pages: list[tuple[PageKind, Page]] = []
    seen: dict[str, str] = {}
    for kind in kinds:
        for page in kind.build(ctx):
            if page.members_only and not ctx.members:
                continue
            if page.path in seen:
                message = Message(
                    "page {path} is built by both the {first} and the {second} kinds",
                    N_("la pagina {path} è generata sia dal tipo {first} sia dal tipo {second}"),
                    path=repr(page.path), first=repr(seen[page.path]), second=repr(kind.id),
                )  # fmt: skip
                raise DefinitionError(message, item=page.path, field="path")
            seen[page.path] = kind.id
            pages.append((kind, attrs.evolve(page, kind=kind.id)))
    menu = _menu(ctx, kinds, pages)
    renderer = PageRenderer(ctx, languages, menu, (page.path for _kind, page in pages))
    for kind, page in pages:
        path = root / page.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(renderer.render(page, kind.templates), encoding="utf-8")
    _write_search_index(root, [page for _kind, page in pages])
    taken = set(seen) | {"search-index.json", "search-index.js"}
    for name in ctx.files:
        if name in taken:  # a download must not replace a page or the search index
            raise DefinitionError(f"the file {name!r} would replace a page of the site",
                                  item=name, field="path")  # fmt: skip
    for name, file in ctx.files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(file, root / name)
    names = [page.path for _kind, page in pages]
    names += ["search-index.json", "search-index.js", *ctx.files]
    return [(ctx.lang, p.path, p.kind) for _kind, p in pages], {ctx.root + n for n in names}


def _copy_static(out: Path) -> set[str]:
    """Copy the assets (Bootstrap Italia, the portal's scripts) to ``out/static``."""
    if not STATIC.is_dir():
        return set()
    shutil.copytree(STATIC, out / "static", dirs_exist_ok=True)
    return {"static/" + p.relative_to(STATIC).as_posix() for p in STATIC.rglob("*") if p.is_file()}


def _menu(
    ctx: SiteContext, kinds: Sequence[PageKind], pages: Sequence[tuple[PageKind, Page]]
) -> list[tuple[str, str, str]]:
    first: dict[str, str] = {}
    for kind, page in pages:
        first.setdefault(kind.id, page.path)
    return [(k.id, ctx.t.text(k.title), first[k.id]) for k in kinds if k.in_menu and k.id in first]


def _write_search_index(root: Path, pages: Sequence[Page]) -> None:
    entries = [{"title": p.title, "url": p.path, "summary": p.summary, "kind": p.kind,
                "keywords": list(p.keywords)} for p in pages]  # fmt: skip
    text = json.dumps(entries, ensure_ascii=False, indent=0)
    root.mkdir(parents=True, exist_ok=True)
    (root / "search-index.json").write_text(text + "\n", encoding="utf-8")
    (root / "search-index.js").write_text(f"window.QUALITAPA_SEARCH = {text};\n", encoding="utf-8")


def _check_results(results: Results) -> None:
    folder = str(results.path)
    if not results.path.is_dir():
        message = Message("the results folder does not exist",
                          N_("la cartella dei risultati non esiste"))  # fmt: skip
        raise DataError(message, source=folder)
    if not set(results.names()) & set(KNOWN_TABLES):
        expected = ", ".join(f"{name}.csv" for name in KNOWN_TABLES[:6])
        message = Message(
            "the folder has none of the result tables the portal shows ({expected}...): give "
            "the folder that 'qualitapa demo --out DIR' or qualitapa's commands write",
            N_("la cartella non contiene nessuna delle tabelle di risultati che il portale "
               "mostra ({expected}...): indicare la cartella scritta da 'qualitapa demo --out "
               "DIR' o dai comandi di qualitapa"),
            expected=expected,
        )  # fmt: skip
        raise DataError(message, source=folder)


def _organizations(
    catalog: Catalog, results: Results, given: Iterable[str] | None
) -> tuple[str, ...]:
    if given is None:
        return results.organizations()
    return tuple(dict.fromkeys(catalog.resolve_organization(o) for o in given))


def _prepare(out: Path) -> Path:
    """Create ``out``, or remove the earlier build it holds (never another folder).

    Only the files the earlier build's manifest lists are removed (and the
    folders left empty): files added since, such as a web server's
    ``.htaccess`` protecting a members' build, stay.
    """
    if out.exists() and any(out.iterdir()):
        if not (out / MANIFEST).is_file():
            message = Message(
                "the folder is not empty and is not a portal built by qualitapa: give a new "
                "or empty folder",
                N_("la cartella non è vuota e non è un portale generato da qualitapa: indicare "
                   "una cartella nuova o vuota"),
            )  # fmt: skip
            raise DataError(message, source=str(out))
        _remove_build(out)
    out.mkdir(parents=True, exist_ok=True)
    return out


def _remove_build(out: Path) -> None:
    """Remove the files ``out``'s manifest lists, the manifest, then the empty folders."""
    try:
        listed = json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError):
        message = Message(
            "the folder's qualitapa-site.json cannot be read: give a new or empty folder",
            N_("il file qualitapa-site.json della cartella non è leggibile: indicare una "
               "cartella nuova o vuota"),
        )  # fmt: skip
        raise DataError(message, source=str(out)) from None
    root = out.resolve()
    for name in listed:
        path = (out / str(name)).resolve()
        if path.is_relative_to(root) and path.is_file():
            path.unlink()
    (out / MANIFEST).unlink()
    folders = sorted((p for p in out.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts))
    for folder in folders:
        if not any(folder.iterdir()):
            folder.rmdir()


def _write_manifest(
    out: Path,
    kinds: Sequence[PageKind],
    pages: Sequence[tuple[str, str, str]],
    languages: Sequence[str],
    members: bool,
    files: Sequence[str],
) -> None:
    manifest: dict[str, Any] = {
        "generator": "qualitapa site build",
        "qualitapa_version": __version__,
        "note": "The quality portal: every file of this folder with its sha256. A new build "
        "into this folder replaces it whole.",
        "members": members,
        "languages": list(languages),
        "roots": {lang: language_root(lang) for lang in languages},
        "kinds": [{"id": k.id, "order": k.order, "title": k.title.get("it")} for k in kinds],
        "pages": [{"lang": lang, "path": path, "kind": kind} for lang, path, kind in pages],
        "files": {
            name: {"bytes": (out / name).stat().st_size, "sha256": _sha256(out / name)}
            for name in files
        },
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                encoding="utf-8")  # fmt: skip


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
