"""Every service's charter, for Modena and Bolzano, in Italian, English and German.

Read as a citizen would: the HTML is parsed, its visible text is searched for
English words in the Italian and German charters, for Italian words in the
German ones, and for raw ids and status codes in all of them.
"""

from __future__ import annotations

import html.parser
import re
from pathlib import Path

import pytest

from qualitapa.catalog import Catalog
from qualitapa.i18n import translator
from qualitapa.standards import (
    Charter,
    CharterContent,
    charter_standards,
    render_charter,
    render_html,
)
from qualitapa.testing import catalog_with

SERVICES = ("registry", "libraries", "nurseries")
MODENA, BOLZANO = "036023", "021008"
CITIES = {MODENA: "Comune di Modena", BOLZANO: "Comune di Bolzano"}
LANGS = ("it", "en", "de")
CASES = [(s, o, lang) for s in SERVICES for o in CITIES for lang in LANGS]
SRC = Path(__file__).resolve().parents[2] / "src" / "qualitapa" / "standards"

#: English words that must not reach an Italian or German reader.
ENGLISH = {
    "hour", "hours", "minute", "minutes", "day", "days", "week", "weekly", "working",
    "counter", "email", "phone", "letter", "address", "website", "channels", "status",
    "draft", "approved", "published", "revision", "valid", "from", "until", "refund",
    "refunds", "complaints", "answer", "within", "cases", "general", "specific",
    "dimension", "timeliness", "accessibility", "effectiveness", "transparency",
    "resolution", "version", "the", "and", "of", "at",
}  # fmt: skip
#: ... of which German writes these the same way.
ALSO_GERMAN = {"status", "version", "dimension", "website"}
ENGLISH_PHRASES = ("at most", "at least", "equal to", "per week", "per cent")
#: Italian words of the charter's own messages that a German reader must not meet.
ITALIAN = {
    "sportello", "giorni", "giorno", "lavorativi", "almeno", "massimo", "minuti", "ore",
    "settimanali", "reclami", "suggerimenti", "stato", "vigore", "approvazione", "validità",
    "versione", "canali", "accesso", "posta", "elettronica", "telefono", "indirizzo",
    "deliberazione", "bozza", "pubblicata", "approvata", "revisione", "casi", "obiettivo",
    "generale", "specifico", "impegno", "dimensione", "tipo", "indennizzo", "indennizzi",
    "orari", "apertura", "contattarci", "risposta", "entro", "ogni", "informazioni",
    "utili", "garantito", "dal", "del", "dei", "della", "che", "cosa", "garantiamo",
}  # fmt: skip
ID_LIKE = re.compile(r"\b[a-z][a-z0-9_]{2,}(?:\.[a-z0-9_]+)+\b|\b[a-z]+_[a-z0-9_]+\b")
EMAIL_OR_URL = re.compile(r"\S+@\S+|https?://\S+")


class VisibleText(html.parser.HTMLParser):
    """The text a reader sees (not the stylesheet), and whether the page is well nested."""

    VOID = frozenset({"meta", "link", "br", "img", "hr", "input"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.scripts += tag == "script"
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if not self.stack or self.stack[-1] not in ("style", "script"):
            self.parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


def visible(page: str) -> VisibleText:
    parser = VisibleText()
    parser.feed(page)
    parser.close()
    return parser


def words(text: str) -> set[str]:
    return set(re.findall(r"[^\W\d_]+", EMAIL_OR_URL.sub(" ", text).lower()))


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return catalog_with(installed=["qclub", "modena", "registry", "libraries", "nurseries"])


@pytest.fixture(scope="module")
def pages(catalog: Catalog) -> dict[tuple[str, str, str], str]:
    return {
        (s, o, lang): render_charter(
            catalog.charters[f"{s}.charter"],
            catalog.standards,
            fmt="html",
            lang=lang,
            organization=o,
            content=catalog.charter_content,
        )
        for s, o, lang in CASES
    }


def _ids(catalog: Catalog) -> set[str]:
    out: set[str] = set()
    for kind in ("standards", "charters", "charter_content", "indicators", "services"):
        out |= set(catalog.collection(kind))
    return {i for i in out if "." in i}


@pytest.mark.parametrize(("service", "org", "lang"), CASES)
def test_charter_page_is_well_formed_and_complete(
    pages: dict[tuple[str, str, str], str], catalog: Catalog, service: str, org: str, lang: str
) -> None:
    page = pages[service, org, lang]
    seen = visible(page)
    assert not seen.errors, seen.errors
    assert seen.stack == [], f"unclosed: {seen.stack}"
    assert seen.scripts == 0
    assert f'<html lang="{lang}">' in page
    charter = catalog.charters[f"{service}.charter"]
    content = catalog.charter_content[f"{service}.charter.{org}"]
    assert content.authority is not None
    text = seen.text
    assert content.authority.get(lang) in text
    assert charter.title.get(lang) in text
    t = translator(lang)
    # status, version, approval act and validity are shown
    status = content.status or charter.status
    assert status.label.get(lang) in text
    assert content.version is not None
    assert content.version in text
    if content.approval is not None:
        assert content.approval.number in text
        assert content.approval.body.get(lang) in text
    # every standard in force for the city is named by its label, with its target in words
    shown = charter_standards(charter, catalog.standards, org)
    assert len(shown) == len(charter.standards)
    for std in shown:
        assert std.label.get(lang) in text, std.id
        assert t("almeno {value}", value="") in text or t("al massimo {value}", value="") in text
    # contacts, channels, opening hours and notes of the city
    for contact in content.contacts:
        assert contact.label.get(lang) in text
        if contact.phone:
            assert contact.phone in text
    for hours in content.opening_hours:
        assert hours.days.get(lang) in text
    for note in content.notes:
        assert note.get(lang) in text
    assert t("Canali di accesso") in text


@pytest.mark.parametrize(("service", "org", "lang"), CASES)
def test_no_raw_id_or_code(
    pages: dict[tuple[str, str, str], str], catalog: Catalog, service: str, org: str, lang: str
) -> None:
    text = EMAIL_OR_URL.sub(" ", visible(pages[service, org, lang]).text)
    assert not ID_LIKE.findall(text), ID_LIKE.findall(text)
    leaked = sorted(i for i in _ids(catalog) if i in text)
    assert not leaked, leaked
    for code in ("under_revision", "draft", "published") if lang != "en" else ():
        assert code not in text


@pytest.mark.parametrize(("service", "org"), [(s, o) for s in SERVICES for o in CITIES])
@pytest.mark.parametrize("lang", ["it", "de"])
def test_no_english_word_in_italian_or_german(
    pages: dict[tuple[str, str, str], str], service: str, org: str, lang: str
) -> None:
    text = visible(pages[service, org, lang]).text
    found = words(text) & (ENGLISH - ALSO_GERMAN if lang == "de" else ENGLISH)
    phrases = [p for p in ENGLISH_PHRASES if p in text.lower()]
    assert not found, sorted(found)
    assert not phrases, phrases


def _sources() -> list[str]:
    paths = [SRC / "_view.py", *sorted((SRC / "templates").glob("*.j2"))]
    return [p.read_text(encoding="utf-8") for p in paths]


def _msgids() -> list[str]:
    """The Italian messages the charter uses (its templates and its wording module)."""
    found = [
        m for text in _sources() for m in re.findall(r'\b(?:t|N_)\(\s*"((?:[^"\\]|\\.)+)"', text)
    ]
    return sorted(set(found))


def _plurals() -> list[tuple[str, str]]:
    """The charter's plural messages, (singular, plural)."""
    pattern = r't\.plural\(\s*"([^"]+)",\s*"([^"]+)"'
    return sorted({pair for text in _sources() for pair in re.findall(pattern, text)})


def _untranslated(lang: str) -> list[str]:
    t = translator(lang)
    same_in_german = {"PEC", "app", "(± {tolerance})", "{body}, {kind} n. {number} del {date}"}
    missing = [m for m in _msgids() if m not in same_in_german and t(m) == m]
    return missing + [p for one, p in _plurals() if t.plural(one, p, 2) == p.format(n=2)]


def test_the_charter_messages_are_found() -> None:
    ids = _msgids()
    assert "almeno {value}" in ids
    assert "Come contattarci" in ids
    assert ("Risposta entro {n} giorno", "Risposta entro {n} giorni") in _plurals()


def _german_gaps(catalog: Catalog, service: str, org: str) -> list[str]:
    charter: Charter = catalog.charters[f"{service}.charter"]
    texts = {"title": charter.title, "introduction": charter.introduction,
             "refund_policy": charter.refund_policy}  # fmt: skip
    if charter.complaint_procedure is not None:
        texts["complaints"] = charter.complaint_procedure.description
    for std in charter_standards(charter, catalog.standards, org):
        texts[f"{std.id} label"] = std.label
        texts[f"{std.id} description"] = std.description
        if std.refund is not None:
            texts[f"{std.id} refund"] = std.refund.description
    content: CharterContent = catalog.charter_content[f"{service}.charter.{org}"]
    texts["authority"] = content.authority
    texts["city's introduction"] = content.introduction
    for n, c in enumerate(content.contacts):
        texts[f"contact {n}"] = c.label
        if org == BOLZANO:  # Modena's streets have no German name
            texts[f"address {n}"] = c.address
    for n, h in enumerate(content.opening_hours):
        texts[f"days {n}"], texts[f"place {n}"] = h.days, h.place
    for n, note in enumerate(content.notes):
        texts[f"note {n}"] = note
    if content.approval is not None:
        texts["approval body"] = content.approval.body
    return [k for k, v in texts.items() if v is not None and v.de is None]


@pytest.mark.parametrize(("service", "org"), [(s, o) for s in SERVICES for o in CITIES])
def test_german_texts_of_the_charters_are_complete(
    catalog: Catalog, service: str, org: str
) -> None:
    """The TOML side of German (no catalog needed): every text a German reader sees."""
    assert _german_gaps(catalog, service, org) == []


@pytest.mark.xfail(
    bool(_untranslated("de")),
    reason="the German catalog lacks some of the charter's messages "
    f"({len(_untranslated('de'))}, e.g. {_untranslated('de')[:3]}); the i18n owner adds them",
    strict=False,
)
@pytest.mark.parametrize(("service", "org"), [(s, o) for s in SERVICES for o in CITIES])
def test_no_italian_word_in_german(
    pages: dict[tuple[str, str, str], str], service: str, org: str
) -> None:
    text = visible(pages[service, org, "de"]).text
    found = words(text) & ITALIAN
    assert not found, sorted(found)


def test_a_local_note_with_markup_is_shown_as_text() -> None:
    charter = Charter("registry.charter", "registry", "Carta", "2025-01-01")
    evil = CharterContent.from_mapping(
        {
            "charter": "registry.charter",
            "organization": "036023",
            "authority": "Comune <b>di</b> Modena",
            "notes": [{"it": "<script>alert('x')</script> & <img src=x onerror=alert(1)>"}],
            "contacts": [{"label": "URP", "web": "javascript:alert(1)", "email": 'a"b@x.it'}],
            "channels": ["<i>piccione</i>"],
        }
    )
    page = render_html(charter, [], organization="036023", content=[evil])
    seen = visible(page)
    assert seen.scripts == 0
    assert "<script>" not in page
    assert "<img" not in page
    assert "<b>di</b>" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;img" in page
    assert "<script>alert('x')</script> & <img src=x onerror=alert(1)>" in seen.text
    assert 'href="javascript:' not in page  # not a link: shown as text
    assert "javascript:alert(1)" in seen.text
    assert "&lt;i&gt;piccione&lt;/i&gt;" in page
    assert 'mailto:a&#34;b@x.it"' in page
    md = render_charter(charter, [], organization="036023", content=[evil])
    assert "<script>" not in md
    assert "&lt;script&gt;" in md


def test_italian_dates_in_words() -> None:
    charter = Charter("x.c", "x", "Carta", "2025-01-01", valid_to="2027-12-08")
    content = CharterContent.from_mapping(
        {
            "charter": "x.c",
            "organization": "036023",
            "status": "approved",
            "approval": {"body": "Giunta comunale", "number": "87", "date": "2025-03-11"},
        }
    )
    it = visible(render_html(charter, [], organization="036023", content=[content])).text
    assert "In vigore dal 1° gennaio 2025 all'8 dicembre 2027" in it
    assert "Giunta comunale, deliberazione n. 87 dell'11 marzo 2025" in it
    de = visible(render_html(charter, [], lang="de", organization="036023", content=[content]))
    assert "1. Jänner 2025" in de.text
    assert "8. Dezember 2027" in de.text
    assert "11. März 2025" in de.text


def test_targets_in_words() -> None:
    from qualitapa.standards import StandardTarget
    from qualitapa.standards._view import target_words

    it, de = translator("it"), translator("de")
    assert target_words(it, StandardTarget.coerce("<= 10"), "minutes") == "al massimo 10 minuti"
    assert target_words(it, StandardTarget.coerce("<= 1"), "minutes") == "al massimo 1 minuto"
    assert target_words(it, StandardTarget.coerce(">= 30"), "hours per week") == (
        "almeno 30 ore settimanali"
    )
    assert target_words(it, StandardTarget.coerce("<= 0.5"), "%") == "al massimo 0,5%"
    assert target_words(it, StandardTarget.coerce(">= 1.5"), "documents per inhabitant") == (
        "almeno 1,5 documenti per abitante"
    )
    assert target_words(it, StandardTarget.coerce("<= 0"), "days") == "0 giorni"
    assert (
        target_words(it, StandardTarget.coerce("between 5 and 10"), "days") == "tra 5 e 10 giorni"
    )
    assert target_words(de, StandardTarget.coerce("<= 10"), "minutes") == de(
        "al massimo {value}", value="10 Minuten"
    )
    assert target_words(de, StandardTarget.coerce("<= 2"), "working days").endswith("2 Arbeitstage")


@pytest.mark.xfail(
    bool(_untranslated("en")),
    reason="the English catalog lacks some of the charter's messages "
    f"({len(_untranslated('en'))}, e.g. {_untranslated('en')[:3]}); the i18n owner adds them",
    strict=False,
)
@pytest.mark.parametrize(("service", "org"), [(s, o) for s in SERVICES for o in CITIES])
def test_no_italian_word_in_english(
    pages: dict[tuple[str, str, str], str], service: str, org: str
) -> None:
    text = visible(pages[service, org, "en"]).text
    found = words(text) & ITALIAN
    assert not found, sorted(found)
