"""What a page kind's builder gets: :class:`SiteContext` and the :class:`Results` folder."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import pandas as pd

from qualitapa.errors import DefinitionError
from qualitapa.i18n import Translator, translator
from qualitapa.io import read_table
from qualitapa.reporting import ID_COLUMNS, format_number

if TYPE_CHECKING:
    from qualitapa.catalog import Catalog
    from qualitapa.site._model import SiteSection

#: Columns read as text (ids, codes, periods), as :func:`qualitapa.reporting.read_results` does.
TEXT_COLUMNS = (*ID_COLUMNS, "service", "instrument", "peer_group", "index", "composite",
                "reference", "replaces", "source")  # fmt: skip

#: The files :meth:`SiteContext.add_file` copies: data and documents, never active content
#: (a page, a script or an SVG from a data package would be served as the portal's own).
DOWNLOAD_SUFFIXES = frozenset({".csv", ".json", ".xlsx", ".ods", ".zip", ".parquet", ".pdf",
                               ".txt", ".xml", ".geojson"})  # fmt: skip

#: The language roots of the site: Italian at the root, the others in a folder.
LANGUAGE_ROOTS = {"it": ""}

_PERIOD_TABLES = ("indicator_values", "indicator_benchmark", "charter_compliance",
                  "composite_ranks", "composite_scores", "programme_results")  # fmt: skip
_ORG_TABLES = ("indicator_values", "charter_compliance", "survey_dimensions", "complaint_kpis",
               "composite_ranks", "improvement_plan")  # fmt: skip


def _ids(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(str(v) for v in value)


def language_root(lang: str) -> str:
    """The folder of ``lang``'s pages, relative to the site root (``""`` or ``"en/"``).

    Examples
    --------
    >>> language_root("it"), language_root("de")
    ('', 'de/')
    """
    return LANGUAGE_ROOTS.get(lang, f"{lang}/")


def slug(text: str) -> str:
    """A lowercase ASCII slug of ``text`` for a page path (``"Forlì" -> "forli"``).

    Examples
    --------
    >>> slug("Forlì"), slug("Reggio nell'Emilia"), slug("Bolzano - Bozen")
    ('forli', 'reggio-nell-emilia', 'bolzano-bozen')
    """
    ascii_text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "x"


def relative_url(target: str, page: str) -> str:
    """``target`` (a path from the site root) as a link from the page at ``page``.

    Both are POSIX paths from the site root; the result is relative, so the
    site works from ``file://`` and from any folder of a web server.

    Examples
    --------
    >>> relative_url("servizi/registry.html", "citta/modena.html")
    '../servizi/registry.html'
    >>> relative_url("index.html", "index.html"), relative_url("en/index.html", "cerca.html")
    ('index.html', 'en/index.html')
    """
    start = posixpath.dirname(page) or "."
    return posixpath.relpath(target, start)


class Results:
    """The results folder a site is built from (what ``qualitapa demo --out DIR`` writes).

    Tables are read on first use and kept; id columns are read as text.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = Path(d, "caf_scores.csv").write_text("level,id,score\\ntotal,total,55\\n")
    ...     results = Results(d)
    ...     results.names(), results.table("caf_scores")["id"].tolist(), results.table("nope")
    (['caf_scores'], ['total'], None)
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._tables: dict[str, pd.DataFrame | None] = {}
        self._memo: dict[str, Any] = {}

    def memo(self, key: str, build: Callable[[], Any]) -> Any:
        """``build()``, computed once per build for every language (language-free views).

        For what does not depend on the language (a table filtered and
        ranked, a trend fitted); :meth:`SiteContext.memo` keeps what does.
        Treat the result as read-only: every language gets the same object.
        """
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]

    def __repr__(self) -> str:
        return f"Results({str(self.path)!r})"

    def names(self) -> list[str]:
        """The stems of the CSV tables in the folder, sorted."""
        return sorted(p.stem for p in self.path.glob("*.csv") if p.is_file())

    def file(self, name: str) -> Path | None:
        """The path of a file of the folder (``"relazione-qualita-2024.html"``), None if absent."""
        path = self.path / name
        return path if path.exists() else None

    def table(self, name: str) -> pd.DataFrame | None:
        """The table ``name.csv`` (a copy: change it freely), or None when absent."""
        if name not in self._tables:
            path = self.path / f"{name}.csv"
            text = {c: "string" for c in TEXT_COLUMNS}
            # qualitapa writes its results with a decimal point (the demo, --out FILE)
            found = path.is_file()
            self._tables[name] = read_table(path, dtype=text, numbers="en") if found else None
        table = self._tables[name]
        return None if table is None else table.copy()

    def latest_period(self) -> int | None:
        """The latest ``period`` in the period tables, None when none has one."""
        found = []
        for name in _PERIOD_TABLES:
            table = self.table(name)
            if table is not None and "period" in table.columns:
                periods = pd.to_numeric(table["period"], errors="coerce").dropna()
                if not periods.empty:
                    found.append(int(periods.max()))
        return max(found) if found else None

    def organizations(self) -> tuple[str, ...]:
        """The organization ids found in the results, sorted."""
        orgs: set[str] = set()
        for name in _ORG_TABLES:
            table = self.table(name)
            if table is not None and "organization" in table.columns:
                orgs.update(str(o) for o in table["organization"].dropna().unique())
        return tuple(sorted(orgs))


@attrs.frozen
class SectionBlock:
    """A section ready for a page: its id, heading and template variables.

    The page renders it with ``{{ render_section(block) }}`` (a template
    global set by the builder), or the ``m.sections(blocks)`` macro.
    """

    id: str
    title: str
    template: str
    templates: Path | None
    variables: Mapping[str, Any]


@attrs.frozen(kw_only=True)
class SiteContext:
    """What a page kind's builder gets: the results, the catalog, the language.

    Attributes
    ----------
    results
        The :class:`Results` folder (``ctx.results.table("indicator_benchmark")``).
    catalog
        The :class:`~qualitapa.catalog.Catalog` (labels, charters, services...).
    organizations
        The organizations the site is about (ids).
    period
        The latest period in the results (None if none).
    lang
        The pages' language (``"it"``, ``"en"``, ``"de"``).
    t
        The :class:`~qualitapa.i18n.Translator` of ``lang``.
    members
        The members' build: draft and unpublished items are shown.
    reference_date
        The day the build speaks of: what is in force (charters, standards)
        is what is in force on it; default today. The pages say it.
    site_sections
        The sections of every page kind (the builder fills it).

    Examples
    --------
    >>> from qualitapa import hookimpl
    >>> from qualitapa.catalog import Catalog
    >>> from qualitapa.models import Organization
    >>> class Cities:
    ...     @hookimpl
    ...     def qualitapa_organizations(self):
    ...         return [Organization("036023", "Modena")]
    >>> catalog = Catalog.build([("cities", Cities())], entrypoints=False)
    >>> ctx = SiteContext(results=Results("."), catalog=catalog,
    ...                   organizations=("036023",), lang="it")
    >>> ctx.org_name("036023"), ctx.city_path("036023"), ctx.number(1234.5, 1)
    ('Modena', 'citta/modena.html', '1.234,5')
    >>> ctx.date(dt.date(2024, 12, 31)), ctx.service_path("registry")
    ('31/12/2024', 'servizi/registry.html')
    """

    results: Results
    catalog: Catalog
    organizations: tuple[str, ...] = attrs.field(converter=_ids)
    lang: str = "it"
    period: int | None = None
    members: bool = False
    reference_date: dt.date = attrs.field(factory=dt.date.today)
    t: Translator = attrs.field()
    site_sections: tuple[SiteSection, ...] = ()
    cache: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)
    files: dict[str, Path] = attrs.field(factory=dict, eq=False, repr=False)

    @t.default
    def _translator(self) -> Translator:
        return translator(self.lang)

    @property
    def root(self) -> str:
        """The folder of this language's pages from the site root (``""``, ``"en/"``)."""
        return language_root(self.lang)

    def memo(self, key: str, build: Callable[[], Any]) -> Any:
        """``build()``, computed once per language (kinds that share a view).

        What does not depend on the language is better kept once for every
        language with ``ctx.results.memo(key, build)``.
        """
        if key not in self.cache:
            self.cache[key] = build()
        return self.cache[key]

    def add_file(self, path: str, source: str | Path) -> str:
        """Copy the file ``source`` to ``path`` under this language's root; returns ``path``.

        For downloads (``ctx.add_file("dati-aperti/values.csv", file)``);
        link it with ``url(path)``. Add members-only files only when ``ctx.members``.
        """
        parts = path.split("/")
        if path.startswith("/") or "" in parts or ".." in parts or "." in parts or "\\" in path:
            raise DefinitionError(
                f"a file of the site is a relative POSIX path without '..', not {path!r}",
                field="path",
            )
        if Path(path).suffix.lower() not in DOWNLOAD_SUFFIXES:  # no page, script or image
            raise DefinitionError(
                f"{path!r} is not a data file the portal offers for download "
                f"({', '.join(sorted(DOWNLOAD_SUFFIXES))})",
                field="path",
            )
        self.files[path] = Path(source)
        return path

    def label(self, item_id: Any, kind: str = "indicators") -> str:
        """The label of a catalog item (``kind`` a catalog collection) in ``lang``; else its id."""
        key = str(item_id)
        coll = getattr(self.catalog, kind, None)
        obj = coll[key] if coll is not None and key in coll else None
        label = getattr(obj, "label", None)
        return self.t.text(label) if label is not None else key

    def org_name(self, org_id: Any) -> str:
        """The name of an organization in ``lang`` (Bozen in German); else its id."""
        key = str(org_id)
        orgs = self.catalog.organizations
        if key not in orgs:
            return key
        org = orgs[key]
        return str(org.display_name(self.lang)) if hasattr(org, "display_name") else key

    def service_name(self, service_id: Any) -> str:
        """The label of a service in ``lang``; else its id."""
        return self.label(service_id, "services")

    def number(self, value: Any, digits: int | None = None) -> str:
        """A number in ``lang`` (``1.234,5`` in Italian); ``–`` when missing."""
        return format_number(value, self.lang, digits)

    def date(self, day: dt.date | None) -> str:
        """A day in ``lang``: ``31/12/2024`` (it), ``31.12.2024`` (de), ``31/12/2024`` (en)."""
        if day is None or pd.isna(day):
            return "–"
        if isinstance(day, dt.datetime):
            day = day.date()
        sep = "." if self.lang == "de" else "/"
        return f"{day.day:02d}{sep}{day.month:02d}{sep}{day.year:04d}"

    def city_slug(self, org_id: Any) -> str:
        """The slug of an organization's pages: its Italian name's (``"modena"``)."""
        return self.memo("_city_slugs", self._city_slugs).get(str(org_id), slug(str(org_id)))

    def _city_slugs(self) -> dict[str, str]:
        ids = sorted({*self.catalog.organizations, *self.organizations})
        names = {i: slug(self._italian_name(i)) for i in ids}
        seen: dict[str, int] = {}
        for name in names.values():
            seen[name] = seen.get(name, 0) + 1
        return {i: (n if seen[n] == 1 else f"{n}-{slug(i)}") for i, n in names.items()}

    def _italian_name(self, org_id: str) -> str:
        orgs = self.catalog.organizations
        if org_id not in orgs:
            return org_id
        org = orgs[org_id]
        return str(org.display_name("it")) if hasattr(org, "display_name") else org_id

    def city_path(self, org_id: Any) -> str:
        """The path of an organization's page: ``citta/<slug>.html``, the same in every language."""
        return f"citta/{self.city_slug(org_id)}.html"

    def service_path(self, service_id: Any) -> str:
        """The path of a service's page: ``servizi/<service id>.html`` (dots become ``-``)."""
        return f"servizi/{slug(str(service_id))}.html"

    def sections(self, page_kind: str, subject: str = "") -> list[SectionBlock]:
        """The sections of ``page_kind`` pages about ``subject``, in order, built.

        A section whose builder returns None is left out; members-only
        sections are left out of the public build.
        """
        out = []
        for section in sorted(self.site_sections, key=lambda s: s.order):
            if section.page != page_kind or (section.members_only and not self.members):
                continue
            variables = section.build(self, subject)
            if variables is None:
                continue
            out.append(SectionBlock(section.id, self.t.text(section.title), section.template,
                                    section.templates, variables))  # fmt: skip
        return out
