"""The catalogs translate every message of the source, and nothing else.

The messages are extracted from ``src/qualitapa`` as ``nox -s i18n`` extracts
them (``babel.cfg``: Python files and Jinja2 templates). A new Italian message
without its English or German translation fails here: run ``nox -s i18n`` and
fill in the empty ``msgstr`` of ``src/qualitapa/locale/{en,de}/LC_MESSAGES/qualitapa.po``.
"""

from __future__ import annotations

import io
import shutil
import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from qualitapa.i18n import DOMAIN, catalog_languages, template_environment, translator
from qualitapa.i18n._extract import (
    KEYWORDS,
    TRANSLATED,
    extract_jinja,
    extract_messages,
    extract_python,
    read_catalog,
    update_catalogs,
)

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(
    not (ROOT / "babel.cfg").is_file(), reason="needs the source tree (babel.cfg)"
)


@pytest.fixture(scope="module")
def source_messages():
    return {m.id: m for m in extract_messages(ROOT) if m.id}


@pytest.fixture(scope="module")
def catalogs():
    return {lang: read_catalog(ROOT, lang) for lang in ("it", *TRANSLATED)}


def _where(message) -> str:
    return ", ".join(f"{f}:{n}" for f, n in message.locations[:3])


def test_the_catalogs_are_it_en_de():
    assert catalog_languages() == ("de", "en", "it")


def test_the_source_has_messages(source_messages):
    assert len(source_messages) > 100
    assert "Rapporto di benchmarking" in source_messages
    # a plural message is extracted with both forms (t.plural in the report's sections)
    plural = ("{n} ente su {total} è sulla frontiera efficiente.",
              "{n} enti su {total} sono sulla frontiera efficiente.")  # fmt: skip
    assert plural in {m.id for m in source_messages.values()}


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_message_is_translated(lang, source_messages, catalogs):
    catalog = catalogs[lang]
    missing = []
    for key, message in source_messages.items():
        entry = catalog.get(key)
        strings = (
            entry.string if entry is not None and isinstance(entry.string, tuple) else
            (entry.string,) if entry is not None else ("",)
        )  # fmt: skip
        if entry is None or entry.fuzzy or not all(strings):
            missing.append(f"{key!r} ({_where(message)})")
    assert not missing, (
        f"{len(missing)} message(s) without a {lang} translation: run `nox -s i18n` and fill "
        f"in src/qualitapa/locale/{lang}/LC_MESSAGES/{DOMAIN}.po:\n" + "\n".join(missing)
    )


@pytest.mark.parametrize("lang", ["it", *TRANSLATED])
def test_no_catalog_has_obsolete_messages(lang, source_messages, catalogs):
    obsolete = sorted(str(m.id) for m in catalogs[lang] if m.id and m.id not in source_messages)
    assert not obsolete, f"{lang}: msgids no longer in the source (run `nox -s i18n`): {obsolete}"


def test_the_italian_catalog_lists_every_message(source_messages, catalogs):
    assert {m.id for m in catalogs["it"] if m.id} == set(source_messages)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("lang", TRANSLATED)
def test_translations_keep_the_placeholders(lang, catalogs):
    wrong = []
    for m in catalogs[lang]:
        if not m.id or not m.string:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        wanted = set().union(*(_fields(i) for i in ids))
        for s in strings:
            # a singular may leave {n} out ("one organization"), nothing may be added
            if not _fields(s) <= wanted or not (wanted - {"n"}) <= _fields(s):
                wrong.append(f"{m.id!r} -> {s!r}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("lang", ["it", *TRANSLATED])
def test_plural_entries_have_the_forms_of_the_header(lang, catalogs):
    catalog = catalogs[lang]
    for m in catalog:
        if m.id and isinstance(m.id, tuple):
            assert len(m.string) == catalog.num_plurals, m.id
    assert catalog.num_plurals == {"it": 3, "en": 2, "de": 2}[lang] or lang == "it"


def test_the_packaged_catalogs_compile_and_translate():
    assert translator("en")("Rapporto di benchmarking") == "Benchmarking report"
    assert translator("de")("Rapporto di benchmarking") == "Benchmarking-Bericht"
    assert translator("it")("Rapporto di benchmarking") == "Rapporto di benchmarking"


# -- the extraction itself -------------------------------------------------------


def test_python_extraction_takes_calls_not_subscripts():
    src = (
        b't = frame\nx = t["met"]\ny = t("Periodo")\nz = t.plural("{n} ente", "{n} enti", n)\n'
        b'w = t(_KPIS["received"])\nv = t(f"{x}")\nu = t(_("Valore"))\n'
        b'q = _("Nel {period} "\n      "i valori")\n'
    )
    found = [m[2] for m in extract_python(io.BytesIO(src), KEYWORDS, [], {})]
    assert found == ["Periodo", ("{n} ente", "{n} enti", None), "Valore", "Nel {period} i valori"]


def test_jinja_extraction_takes_t_and_t_plural_with_literal_arguments():
    src = (
        b'{% for x in rows %}<td>{{ t("Valore") }}: {{ t.number(x) }}</td>{% endfor %}\n'
        b'{{ t.plural("{n} ente", "{n} enti", n) }} {{ t(label) }} {{ other("no") }}'
    )
    found = [(m[0], m[2]) for m in extract_jinja(io.BytesIO(src), KEYWORDS, [], {})]
    assert found == [(1, "Valore"), (2, ("{n} ente", "{n} enti", None))]


def test_update_adds_new_messages_and_drops_obsolete_ones(tmp_path):
    shutil.copy(ROOT / "babel.cfg", tmp_path / "babel.cfg")
    pkg = tmp_path / "src" / "qualitapa"
    (pkg / "templates").mkdir(parents=True)
    (pkg / "_sections").mkdir()  # Babel's default would skip a folder starting with "_"
    (pkg / "_sections" / "mod.py").write_text(
        'def f(t):\n    return t("Periodo"), t("Nuovo messaggio")\n'
    )
    (pkg / "templates" / "page.html.j2").write_text('{{ t("Dal modello") }}\n')
    for lang in ("it", "en", "de"):
        target = pkg / "locale" / lang / "LC_MESSAGES"
        target.mkdir(parents=True)
        shutil.copy(ROOT / "src/qualitapa/locale" / lang / "LC_MESSAGES/qualitapa.po", target)
    done = update_catalogs(tmp_path)
    assert set(done) == {"it", "en", "de"}
    assert done["de"][0] == 2  # "Nuovo messaggio" and "Dal modello"
    with (pkg / "locale/de/LC_MESSAGES/qualitapa.po").open("rb") as f:
        de = read_po(f)
    ids = {m.id for m in de if m.id}
    assert ids == {"Periodo", "Nuovo messaggio", "Dal modello"}
    assert de.get("Periodo").string == "Zeitraum"  # kept
    assert de.get("Nuovo messaggio").string == ""  # to translate


def test_templates_get_the_translator():
    env = template_environment("qualitapa.standards")
    page = env.from_string('<p title="{{ t("Periodo") }}">{{ t.number(x, digits=1) }} {{ v }}</p>')
    out = page.render(t=translator("de"), x=1234.5, v="<script>")
    assert out == '<p title="Zeitraum">1.234,5 &lt;script&gt;</p>'
    assert env is template_environment("qualitapa.standards")
    with pytest.raises(Exception, match="'missing' is undefined"):
        env.from_string("{{ missing }}").render()
