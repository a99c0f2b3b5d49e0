"""The checks of a built site: links, HTML5, headings, languages, text alternatives (issue 21).

:func:`check_site` reads every file of a site folder (what
:func:`qualitapa.site.build_site` writes, or any static site) and returns one
problems table (:mod:`qualitapa.problems`): a link or an asset that does not
resolve, an ``#id`` missing from its page, a page that is not valid HTML5 for
the WHATWG parser (html5lib), a page without exactly one ``<h1>``, a heading
that skips a level, an ``<html lang>`` other than its language folder, an
image or a chart without a text alternative, an ARIA reference to an id the
page lacks, a repeated id, and any address outside the site (the site must
work offline and from any sub-folder, so no ``http(s)://`` and no absolute
``/`` path). The browser's own checks (axe-core) live in the tests
(``tests/site/test_site_axe.py``).
"""

from __future__ import annotations

import enum
import html.parser
import posixpath
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import unquote, urlsplit

import attrs
import pandas as pd

from qualitapa._languages import LANGUAGE_PATTERN
from qualitapa.errors import DataError, Message
from qualitapa.i18n import N_
from qualitapa.problems import Problems, Rule


class SiteCheck(enum.StrEnum):
    """What :func:`check_site` checks (the ``check`` column of its table).

    The values are stable identifiers, safe to filter on.
    """

    #: The WHATWG parser (html5lib) finds a parse error: the page is not valid HTML5.
    HTML_PARSE = "html_parse"
    #: A link or an asset (``href``, ``src``, CSS ``url()``) names no file of the site.
    BROKEN_LINK = "broken_link"
    #: A link's ``#fragment`` names no id of its target page (or SVG sprite).
    MISSING_ANCHOR = "missing_anchor"
    #: An absolute ``/path``: it breaks under a sub-folder of a server and from ``file://``.
    ABSOLUTE_URL = "absolute_url"
    #: A resource (style sheet, script, image, font...) from outside the site
    #: (``http(s)://``, ``//host``): the site must work offline, with no CDN.
    EXTERNAL_URL = "external_url"
    #: A link (``<a href>``, a form's ``action``) to an address outside the site.
    EXTERNAL_LINK = "external_link"
    #: A page without exactly one ``<h1>``.
    H1 = "h1"
    #: A heading more than one level below the previous one (``<h2>`` then ``<h4>``).
    HEADING_ORDER = "heading_order"
    #: ``<html lang>`` missing, or other than the language of the page's folder.
    LANG = "lang"
    #: A page without a ``<title>``.
    TITLE = "title"
    #: An ``<img>`` without ``alt``.
    IMG_ALT = "img_alt"
    #: An ``<svg role="img">`` without ``<title>``, ``aria-label`` or ``aria-labelledby``.
    SVG_LABEL = "svg_label"
    #: ``aria-labelledby``, ``aria-controls``, ``for``... naming an id the page lacks.
    ARIA_REFERENCE = "aria_reference"
    #: An id given to two elements of a page.
    DUPLICATE_ID = "duplicate_id"
    #: A page no chain of links from the home page (``index.html``) reaches.
    UNREACHABLE = "unreachable"


#: The problems rule (:class:`qualitapa.problems.Rule`) of each check.
_RULES: Mapping[SiteCheck, Rule] = {
    SiteCheck.HTML_PARSE: Rule.INVALID,
    SiteCheck.BROKEN_LINK: Rule.FILE,
    SiteCheck.MISSING_ANCHOR: Rule.UNKNOWN_VALUE,
    SiteCheck.ABSOLUTE_URL: Rule.INVALID,
    SiteCheck.EXTERNAL_URL: Rule.INVALID,
    SiteCheck.EXTERNAL_LINK: Rule.INVALID,
    SiteCheck.H1: Rule.INVALID,
    SiteCheck.HEADING_ORDER: Rule.INCONSISTENT,
    SiteCheck.LANG: Rule.INCONSISTENT,
    SiteCheck.TITLE: Rule.REQUIRED,
    SiteCheck.IMG_ALT: Rule.REQUIRED,
    SiteCheck.SVG_LABEL: Rule.REQUIRED,
    SiteCheck.ARIA_REFERENCE: Rule.UNKNOWN_VALUE,
    SiteCheck.DUPLICATE_ID: Rule.DUPLICATE,
    SiteCheck.UNREACHABLE: Rule.INCOMPLETE,
}

#: The attributes whose value is an address the browser follows or loads, by element.
_URL_ATTRIBUTES: Mapping[str, tuple[str, ...]] = {
    "a": ("href",),
    "area": ("href",),
    "link": ("href",),
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "form": ("action",),
    "button": ("formaction",),
    "input": ("src", "formaction"),
    "use": ("href", "xlink:href"),
    "image": ("href", "xlink:href"),
    "blockquote": ("cite",),
    "q": ("cite",),
}

#: The addresses a reader follows (the others the browser loads with the page).
_LINKS = frozenset(
    {
        "a[href]",
        "area[href]",
        "form[action]",
        "button[formaction]",
        "input[formaction]",
        "blockquote[cite]",
        "q[cite]",
    }
)

#: The attributes whose value names ids of the same page (space-separated).
_ID_REFERENCES = (
    "aria-labelledby",
    "aria-describedby",
    "aria-controls",
    "aria-owns",
    "aria-details",
    "headers",
)

#: Schemes that leave the site without loading anything from the network.
_HARMLESS_SCHEMES = frozenset({"mailto", "tel", "data"})

_HEADING = re.compile(r"h([1-6])")
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)""")
_SVG_ID = re.compile(r"""\bid\s*=\s*["']([^"']+)["']""")


@attrs.frozen
class _Found:
    """One problem of a file, before it enters the table."""

    check: SiteCheck
    message: Message
    line: int | None = None
    column: str | None = None
    value: str | None = None


@attrs.define
class _Svg:
    """An open ``<svg>`` while a page is read."""

    line: int
    labelled: bool
    needs_label: bool
    depth: int = 0
    in_title: bool = False


class _PageScan(html.parser.HTMLParser):
    """One pass over a page: what the checks need (ids, addresses, headings, labels)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang: str | None = None
        self.title = ""
        self.headings: list[tuple[int, int]] = []  # (level, line)
        self.ids: dict[str, int] = {}  # id -> first line
        self.anchors: set[str] = set()  # ids and <a name>
        self.urls: list[tuple[int, str, str]] = []  # (line, "tag[attr]", value)
        self.references: list[tuple[int, str, str]] = []  # (line, "tag[attr]", id)
        self.found: list[_Found] = []
        self._svgs: list[_Svg] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        values = {name: value or "" for name, value in attrs}
        self._note_ids(tag, values, line)
        for name in _URL_ATTRIBUTES.get(tag, ()):
            if name in values:
                self.urls.extend((line, f"{tag}[{name}]", v) for v in _addresses(name, values))
        for name in (*_ID_REFERENCES, *(("for",) if tag in ("label", "output") else ())):
            idents = values.get(name, "").split()
            self.references.extend((line, f"{tag}[{name}]", ident) for ident in idents)
        if self._svgs and tag != "svg":
            self._enter_svg_child(tag)
        else:
            self._note_element(tag, values, line)

    def _note_element(self, tag: str, values: Mapping[str, str], line: int) -> None:
        """What a start tag outside an SVG says: lang, title, heading, image, chart."""
        if tag == "html":
            self.lang = values.get("lang")
        elif tag == "title":
            self._in_title = True
        elif (heading := _HEADING.fullmatch(tag)) is not None:
            self.headings.append((int(heading.group(1)), line))
        elif tag == "img" and "alt" not in values:
            message = Message(
                "<img> without alt (a text alternative; empty if the image is decoration)",
                N_("<img> senza alt (un'alternativa testuale; vuota se l'immagine è decorativa)"),
            )
            src = values.get("src")
            self.found.append(_Found(SiteCheck.IMG_ALT, message, line, "img[alt]", src))
        elif tag == "svg":
            self._svgs.append(_svg(values, line))

    def _note_ids(self, tag: str, values: Mapping[str, str], line: int) -> None:
        if tag == "a" and values.get("name"):
            self.anchors.add(values["name"])
        ident = values.get("id")
        if not ident:
            return
        if ident in self.ids:
            message = Message(
                "id {ident} repeats the one at line {first}",
                N_("l'id {ident} ripete quello alla riga {first}"),
                ident=repr(ident),
                first=self.ids[ident],
            )
            self.found.append(_Found(SiteCheck.DUPLICATE_ID, message, line, f"{tag}[id]", ident))
        else:
            self.ids[ident] = line
        self.anchors.add(ident)

    def _enter_svg_child(self, tag: str) -> None:
        svg = self._svgs[-1]
        svg.depth += 1
        svg.in_title = tag == "title" and svg.depth == 1

    def handle_endtag(self, tag: str) -> None:
        if self._svgs:
            svg = self._svgs[-1]
            if tag != "svg" or svg.depth > 0:
                svg.depth = max(svg.depth - 1, 0)
                svg.in_title = False
                return
            self._svgs.pop()
            if svg.needs_label and not svg.labelled:
                message = Message(
                    '<svg role="img"> without <title>, aria-label or aria-labelledby',
                    N_('<svg role="img"> senza <title>, aria-label né aria-labelledby'),
                )
                self.found.append(_Found(SiteCheck.SVG_LABEL, message, svg.line, "svg"))
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._svgs:
            svg = self._svgs[-1]
            svg.labelled |= svg.in_title and bool(data.strip())
        elif self._in_title:
            self.title += data


def _svg(values: Mapping[str, str], line: int) -> _Svg:
    """An ``<svg>`` just opened: whether it is an image that needs a label, and has one."""
    labelled = bool(values.get("aria-label", "").strip() or values.get("aria-labelledby"))
    return _Svg(line=line, labelled=labelled, needs_label=values.get("role") == "img")


def _addresses(name: str, values: Mapping[str, str]) -> list[str]:
    """The addresses of one attribute (``srcset`` holds several: ``a.png 1x, b.png 2x``)."""
    value = values[name]
    if name != "srcset":
        return [value]
    return [c.split()[0] for c in value.split(",") if c.strip()]


def _parse_errors(text: str) -> list[_Found]:
    """The WHATWG parser's errors of a page (html5lib, as a browser parses)."""
    import html5lib
    from html5lib.constants import E

    parser = html5lib.HTMLParser(strict=False)
    parser.parse(text)
    found = []
    for (line, col), code, data in parser.errors:
        try:
            detail = E.get(code, code) % (data or {})
        except (KeyError, TypeError, ValueError):  # a message whose fields html5lib left out
            detail = code
        message = Message(
            "not valid HTML5 (column {col}): {detail}",
            N_("HTML5 non valido (colonna {col}): errore «{code}» del parser"),
            col=col,
            detail=detail,
            code=code,
        )
        found.append(_Found(SiteCheck.HTML_PARSE, message, line, None, code))
    return found


def _page_problems(scan: _PageScan, expected_lang: str) -> list[_Found]:
    """The page-level problems of one scanned page: lang, title, ``<h1>``, heading order."""
    found = list(scan.found)
    if scan.lang is None or not scan.lang.strip():
        message = Message(
            "<html> without lang (expected {expected})",
            N_("<html> senza lang (atteso {expected})"),
            expected=expected_lang,
        )
        found.append(_Found(SiteCheck.LANG, message, None, "html[lang]"))
    elif _primary(scan.lang) != _primary(expected_lang):
        message = Message(
            "lang {lang} in the folder of language {expected}",
            N_("lang {lang} nella cartella della lingua {expected}"),
            lang=scan.lang,
            expected=expected_lang,
        )
        found.append(_Found(SiteCheck.LANG, message, None, "html[lang]", scan.lang))
    if not scan.title.strip():
        message = Message("the page has no <title>", N_("la pagina non ha un <title>"))
        found.append(_Found(SiteCheck.TITLE, message, None, "title"))
    h1 = [line for level, line in scan.headings if level == 1]
    if len(h1) != 1:
        message = Message(
            "{count} <h1> on the page: a page has exactly one",
            N_("{count} <h1> nella pagina: una pagina ne ha esattamente uno"),
            count=len(h1),
        )
        found.append(_Found(SiteCheck.H1, message, h1[1] if len(h1) > 1 else None, "h1"))
    for (before, _), (level, line) in zip(scan.headings, scan.headings[1:], strict=False):
        if level > before + 1:
            message = Message(
                "<h{level}> after <h{before}>: a heading level is skipped",
                N_("<h{level}> dopo <h{before}>: salta un livello di titolo"),
                level=level,
                before=before,
            )
            found.append(_Found(SiteCheck.HEADING_ORDER, message, line, f"h{level}"))
    for line, column, ident in scan.references:
        if ident not in scan.ids:
            message = Message(
                "{attribute} names the id {ident}, which the page lacks",
                N_("{attribute} indica l'id {ident}, che nella pagina non c'è"),
                attribute=column,
                ident=repr(ident),
            )
            found.append(_Found(SiteCheck.ARIA_REFERENCE, message, line, column, ident))
    return found


def _primary(lang: str) -> str:
    """The primary subtag of a language tag, lower case (``de-IT`` -> ``de``)."""
    return lang.strip().replace("_", "-").split("-")[0].lower()


@attrs.define
class _Site:
    """The files of a site folder and the anchors of its pages, read once."""

    root: Path
    files: frozenset[str]
    dirs: frozenset[str]
    scans: dict[str, _PageScan] = attrs.field(factory=dict)
    links: dict[str, set[str]] = attrs.field(factory=dict)  # page -> the files it links
    _svg_ids: dict[str, frozenset[str]] = attrs.field(factory=dict)

    def anchors(self, target: str) -> Iterable[str] | None:
        """The ids a ``#fragment`` of ``target`` may name; None for a file of no ids."""
        if target in self.scans:
            return self.scans[target].anchors
        if target.endswith(".svg"):
            if target not in self._svg_ids:
                text = (self.root / target).read_text(encoding="utf-8", errors="replace")
                self._svg_ids[target] = frozenset(_SVG_ID.findall(text))
            return self._svg_ids[target]
        return None

    def resolve(self, page: str, value: str, *, link: bool = False) -> _Found | None:
        """The problem of the address ``value`` written in ``page``, or None.

        ``link``: the address is a link the reader follows (not a resource loaded).
        """
        raw = value.strip()
        parts = urlsplit(raw)
        if not raw or parts.scheme in _HARMLESS_SCHEMES:
            return None
        if (parts.scheme or parts.netloc) and link:
            message = Message(
                "a link outside the site: it needs the network",
                N_("un collegamento fuori dal sito: richiede la rete"),
            )
            return _Found(SiteCheck.EXTERNAL_LINK, message, value=value)
        if parts.scheme or parts.netloc:
            message = Message(
                "a resource from outside the site: the site must work offline",
                N_("una risorsa da fuori del sito: il sito deve funzionare senza rete"),
            )
            return _Found(SiteCheck.EXTERNAL_URL, message, value=value)
        if parts.path.startswith("/"):
            message = Message(
                "an absolute path breaks under a sub-folder and from file://: "
                "write it relative to the page",
                N_(
                    "un percorso assoluto non funziona in una sottocartella né da file://: "
                    "va scritto relativo alla pagina"
                ),
            )
            return _Found(SiteCheck.ABSOLUTE_URL, message, value=value)
        path = unquote(parts.path)
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path)) if path else page
        if target in self.dirs or target == ".":
            target = posixpath.normpath(posixpath.join(target, "index.html"))
        if target not in self.files:
            outside = target == ".." or target.startswith("../")
            message = Message(
                "{target} is outside the site" if outside else "{target} does not exist",
                N_("{target} è fuori dal sito") if outside else N_("{target} non esiste"),
                target=target,
            )
            return _Found(SiteCheck.BROKEN_LINK, message, value=value)
        if link:
            self.links.setdefault(page, set()).add(target)
        return self._anchor(target, unquote(parts.fragment), value)

    def unreachable(self, home: str = "index.html") -> list[str]:
        """The pages no chain of links from ``home`` reaches (none if there is no home)."""
        if home not in self.scans:
            return []
        seen, todo = {home}, [home]
        while todo:
            for target in self.links.get(todo.pop(), ()):
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
        return sorted(set(self.scans) - seen)

    def _anchor(self, target: str, fragment: str, value: str) -> _Found | None:
        anchors = self.anchors(target)
        # an empty fragment and #top are the top of the page (HTML, "scroll to the fragment")
        if anchors is None or fragment in ("", "top") or fragment in anchors:
            return None
        message = Message(
            "no element with the id {fragment} in {target}",
            N_("nessun elemento con l'id {fragment} in {target}"),
            fragment=repr(fragment),
            target=target,
        )
        return _Found(SiteCheck.MISSING_ANCHOR, message, value=value)


def _read_site(root: Path) -> _Site:
    """The files and folders of ``root`` (POSIX paths relative to it)."""
    if not root.is_dir():
        raise DataError(
            Message(
                "no such folder: the site to check",
                N_("cartella inesistente: il sito da controllare"),
            ),
            source=str(root),
        )
    files: set[str] = set()
    dirs: set[str] = set()
    for path in root.rglob("*"):
        (dirs if path.is_dir() else files).add(path.relative_to(root).as_posix())
    if not any(f.endswith(".html") for f in files):
        raise DataError(
            Message(
                "no HTML page in the folder: is it the site qualitapa site build wrote?",
                N_(
                    "nessuna pagina HTML nella cartella: è il sito scritto da qualitapa site build?"
                ),
            ),
            source=str(root),
        )
    return _Site(root=root, files=frozenset(files), dirs=frozenset(dirs))


def _languages_of(site: _Site, root_lang: str) -> dict[str, str]:
    """The language of each language folder: ``""`` (the root) and ``en/``, ``de/``..."""
    found = {"": root_lang}
    for folder in site.dirs:
        if LANGUAGE_PATTERN.fullmatch(folder) and f"{folder}/index.html" in site.files:
            found[folder] = folder
    return found


def _page_lang(page: str, languages: Mapping[str, str]) -> str:
    folder = page.split("/", 1)[0] if "/" in page else ""
    return languages.get(folder, languages[""])


def _css_problems(site: _Site, sheet: str) -> list[_Found]:
    """The ``url()`` of a style sheet that does not resolve (fonts, images)."""
    text = (site.root / sheet).read_text(encoding="utf-8", errors="replace")
    found = []
    for match in _CSS_URL.finditer(text):
        value = next(g for g in match.groups() if g is not None)
        if value.startswith("#"):  # an SVG filter or marker of the same document
            continue
        problem = site.resolve(sheet, value)
        if problem is not None:
            line = text.count("\n", 0, match.start()) + 1
            found.append(attrs.evolve(problem, line=line, column="url()"))
    return found


def check_site(site: str | Path, *, root_lang: str = "it") -> pd.DataFrame:
    """Check a built static site: links, HTML5, headings, languages, text alternatives.

    Every ``.html`` file is parsed twice: by the WHATWG parser (html5lib,
    strict as a browser's console) and by a scan that collects its ids,
    addresses, headings and labels. Every address of a page (``href``,
    ``src``, ``srcset``, ``action``, SVG ``use``...) and every CSS ``url()``
    must name a file of the site, relative to the file it is written in; a
    ``#fragment`` must name an id of its target page or SVG sprite (an
    empty one and ``#top`` are the top of the page). Every page must be
    reached from the home page (``index.html``) by following links.

    Parameters
    ----------
    site
        The site folder (``qualitapa site build --out SITE``).
    root_lang
        The language of the pages at the root; the pages under a top-level
        folder named as a language (``en/``, ``de/``) with an ``index.html``
        are in that language.

    Returns
    -------
    pandas.DataFrame
        The problems (:mod:`qualitapa.problems`): ``source`` (the file,
        relative to the site, POSIX), ``row`` (its line, when the problem
        has one), ``column`` (the element and attribute, e.g. ``a[href]``),
        ``value`` (the address, id or parser error code), ``rule``,
        ``message`` and ``check`` (a :class:`SiteCheck` value). Empty when
        the site passes.

    Raises
    ------
    qualitapa.errors.DataError
        ``site`` is not a folder, or holds no HTML page; html5lib is not
        installed (the ``site`` extra: ``pip install "qualitapa[site]"``).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> page = '''<!DOCTYPE html>
    ... <html lang="it"><head><title>Qualità</title></head>
    ... <body><main id="main"><h1>Qualità</h1>
    ... <a href="#main">Su</a> <a href="citta/modena.html">Modena</a>
    ... <img src="logo.png">
    ... </main></body></html>'''
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = Path(folder, "index.html").write_text(page, encoding="utf-8")
    ...     problems = check_site(folder)
    >>> problems[["source", "row", "column", "value", "check"]]
           source  row    column              value        check
    0  index.html    4   a[href]  citta/modena.html  broken_link
    1  index.html    5  img[alt]           logo.png      img_alt
    2  index.html    5  img[src]           logo.png  broken_link
    """
    root = Path(site)
    tree = _read_site(root)
    _require_html5lib(root)
    languages = _languages_of(tree, root_lang)
    pages = sorted(f for f in tree.files if f.endswith(".html"))
    found: dict[str, list[_Found]] = {}
    for page in pages:
        text = (root / page).read_text(encoding="utf-8", errors="replace")
        scan = _PageScan()
        scan.feed(text)
        scan.close()
        tree.scans[page] = scan
        found[page] = _parse_errors(text) + _page_problems(scan, _page_lang(page, languages))
    for page in pages:
        for line, column, value in tree.scans[page].urls:
            problem = tree.resolve(page, value, link=column in _LINKS)
            if problem is not None:
                found[page].append(attrs.evolve(problem, line=line, column=column))
    for page in tree.unreachable():
        message = Message(
            "no chain of links from the home page reaches this page",
            N_("nessuna catena di collegamenti dalla pagina iniziale porta a questa pagina"),
        )
        found[page].append(_Found(SiteCheck.UNREACHABLE, message))
    for sheet in sorted(f for f in tree.files if f.endswith(".css")):
        found[sheet] = _css_problems(tree, sheet)
    return _table(found)


def _require_html5lib(root: Path) -> None:
    """Raise a :class:`DataError` (about ``root``) when html5lib is missing."""
    try:
        import html5lib  # noqa: F401
    except ImportError:  # pragma: no cover - depends on the environment
        raise DataError(
            Message(
                "checking a site needs html5lib (the WHATWG parser): pip install 'qualitapa[site]'",
                N_(
                    "controllare un sito richiede html5lib (il parser WHATWG): "
                    "pip install 'qualitapa[site]'"
                ),
            ),
            source=str(root),
        ) from None


def _table(found: Mapping[str, list[_Found]]) -> pd.DataFrame:
    """The problems table of the files' problems, by file, line and column."""
    problems = Problems(extras=("check",), what="site", order=())
    for source in sorted(found):
        ordered = sorted(
            found[source],
            key=lambda f: (f.line is None, f.line or 0, f.column or "", f.check.value),
        )
        for f in ordered:
            problems.add(
                None if f.line is None else [f.line - 1],
                column=f.column,
                rule=_RULES[f.check],
                message=f.message,
                value=f.value,
                source=source,
                check=f.check.value,
            )
    return problems.frame()
