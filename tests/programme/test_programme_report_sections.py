"""The annual report's training, certified services and good practices sections (issue 20).

The sheets below are invented for the tests; every figure the page prints is worked
out by hand in the comments.
"""

from __future__ import annotations

import html
import itertools
import re
from importlib.resources import files
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualitapa.errors import DataError
from qualitapa.indicators import benchmark
from qualitapa.programme import annual_report, read_sheet
from qualitapa.testing import catalog_with

MODENA = "036023"
PLUGINS = ["qclub", "registry", "libraries", "nurseries", "personnel", "modena"]
PLAN = ("departments", "people", "roles", "plans", "activities", "activity_status")


def _frame(text: str) -> pd.DataFrame:
    rows = [line.split("|") for line in text.strip().splitlines()]
    return pd.DataFrame(rows[1:], columns=rows[0]).replace("", None)


TRAINING = {
    "courses": _frame("""
organization|course|title|topic|audience|trainer|kind|hours
036023|C1|Privacy negli uffici|privacy|staff|Ufficio qualità|internal|
036023|C2|Gestione per la qualità|quality|referents|Ente esterno|external|
"""),
    # C1 session 0 is of 2023: its attendance is not counted in 2024
    "course_sessions": _frame("""
organization|course|session|date|hours|place
036023|C1|0|2023-11-20|5|
036023|C1|1|2024-03-05|3|
036023|C1|2|2024-03-12|4|
036023|C2|1|2024-05-10|6|
"""),
    "attendance": _frame("""
organization|course|session|person|department|hours_attended|completed
036023|C1|1|e01|S01||yes
036023|C1|2|e01|S01|2|yes
036023|C1|1|e02|S01||yes
036023|C2|1|e03|S04||yes
036023|C1|2|e04|S04||no
036023|C1|0|e05|S04||yes
"""),
    "staff": _frame("""
organization|year|department|employees
036023|2024|S01|10
036023|2024|S03|5
036023|2024|S04|8
036023|2023|S04|9
"""),
    "training_needs": _frame("""
organization|year|department|topic|audience|people|hours|priority|reported_by|note
036023|2024|S01|privacy|staff|2|4|medium|P02|
036023|2024|S03|quality|referents|1|8|high|P03|
036023|2024|S04|privacy|staff|3|4|low||
036023|2024|S04|quality|referents|1|6|high||
"""),
}

CERTIFICATION = {
    "certifications": pd.DataFrame(
        {
            "organization": [MODENA],
            "certificate": ["C01"],
            "department": ["S04"],
            "service": ["Polizia locale"],
            "standard": ["ISO 9001:2015"],
            "scope": ["Gestione delle segnalazioni dei cittadini"],
            "body": ["Ente Cert Esempio"],
            "number": ["IT-12345"],
            "first_issued": ["2004-06-01"],
            "issued": ["2022-02-15"],
            "expires": ["2025-02-14"],
            "status": ["valid"],
        }
    ),
    "audits": _frame("""
organization|audit|certificate|kind|date|body|activity
036023|AU23|C01|surveillance|2023-02-20|Ente Cert Esempio|
036023|AU24|C01|surveillance|2024-02-19|Ente Cert Esempio|
036023|AU24I|C01|internal|2024-10-01|Ufficio qualità|
"""),
    "findings": _frame("""
organization|audit|finding|kind|clause|text|action|owner|due|closed
036023|AU23|1|minor_nc|7.5|Registro non aggiornato|Aggiornare|P02|2023-04-30|2023-04-10
036023|AU24|1|minor_nc|8.2|Modulo non aggiornato|Aggiornare il modulo|P02|2024-05-31|2024-05-20
036023|AU24|2|minor_nc|9.1|Indicatori non riesaminati|Riesame trimestrale|P02|2024-09-30|
036023|AU24|3|observation|7.2|Formazione da pianificare||||
036023|AU24I|1|major_nc|8.5|Reclami senza risposta|Piano di risposta|P04|2025-01-31|
036023|AU24I|2|opportunity|10.3|Sondaggio online||||
"""),
}

PRACTICES = _frame("""
organization|practice|service|title_it|title_de|description|since|indicators
036023|BP-MO1|anagrafe|Prenotazione online degli appuntamenti|Online-Terminbuchung|Agenda online per gli sportelli|2019|registry.average_wait, modena.appointments.online_share
016024|BP-BG1|anagrafe|Certificati online senza SPID||||registry.online_certificates_share
022205|BP-TN1|anagrafe|Totem self-service||||registry.online_certificates_share
001272|BP-TO1|anagrafe|Agenda unica degli sportelli||||registry.average_wait
016024|BP-BG2|anagrafe|Coda virtuale|Virtuelle Warteschlange|||registry.average_wait
""")  # noqa: E501


@pytest.fixture(scope="module")
def catalog():
    return catalog_with(installed=PLUGINS)


@pytest.fixture(scope="module")
def plan():
    folder = Path(str(files("qualitapa_modena") / "programme"))
    return {name: read_sheet(folder / f"{name}.csv", name) for name in PLAN}


@pytest.fixture(scope="module")
def sheets(plan):
    return {**plan, **TRAINING, **CERTIFICATION, "practices": PRACTICES}


@pytest.fixture(scope="module")
def table(catalog):
    """A 2024 benchmark of four cities on two registry indicators (invented values)."""
    values = pd.DataFrame(
        {
            "organization": ["036023", "016024", "022205", "001272"] * 2,
            "period": 2024,
            "indicator": ["registry.average_wait"] * 4 + ["registry.online_certificates_share"] * 4,
            # wait (lower is better): 6.5 < 7.4 < 8.9 < 12.0 -> Modena 3rd of 4
            # online share (higher is better): 52 > 45 > 38.9 > 30 -> Modena 3rd of 4
            "value": [8.9, 6.5, 12.0, 7.4, 38.9, 52.0, 45.0, 30.0],
        }
    )
    return benchmark(values, catalog=catalog)


@pytest.fixture(scope="module")
def values():
    return pd.DataFrame(
        {
            "organization": MODENA,
            "period": 2024,
            "indicator": ["modena.appointments.online_share"],
            "value": [81.7],
        }
    )


def _report(sheets, **options):
    return annual_report(sheets, organization=MODENA, year=2024, **options)


@pytest.fixture(scope="module")
def page(sheets, catalog, table, values):
    return _report(sheets, catalog=catalog, benchmark=table, values=values)


@pytest.fixture(scope="module")
def unshuffled(sheets):
    """The page of the sheets as written, without the options (built once per module)."""
    return _report(sheets)


def _text(page: str) -> str:
    body = page[page.index("<body") :]
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", body)))


def _section(page: str, ident: str) -> str:
    """The text of the section ``ident`` of the page."""
    match = re.search(rf'<section id="{ident}">(.*?)</section>', page, re.S)
    assert match, ident
    return _text("<body>" + match.group(1))


def test_training_hours_per_employee_by_hand(page):
    text = _section(page, "formazione")
    # 2024 hours (C1 session 0 is of 2023, e05's 5 hours left out):
    # S01: e01 3 (whole session 1) + 2 (of session 2) + e02 3 = 8 hours, 2 people, 10 employees
    #      -> 8 / 10 = 0,80 hours per employee, 2 / 10 = 20% trained
    assert "Servizi demografici 10 8 2 0,80 20%" in text
    # S03: a headcount and no training: 0 hours, 0 / 5 = 0,00
    assert "Cultura e biblioteche 5 0 0 0,00 0%" in text
    # S04: e03 6 (C2) + e04 4 (C1 session 2) = 10 hours, 2 people, 8 employees -> 1,25; 25%
    assert "Polizia locale 8 10 2 1,25 25%" in text
    # city: ratio of the sums, 18 / 23 = 0,7826 -> 0,78 (not the mean of 0,80, 0 and 1,25);
    # 4 / 23 = 17,4% -> 17%
    assert "Totale dell'ente 23 18 4 0,78 17%" in text


def test_training_needs_vs_delivered_by_hand(page):
    text = _section(page, "formazione")
    # needs, hours needed, hours delivered, courses attended, open needs:
    # S01 privacy/staff 2 x 4 = 8 needed, 8 delivered by 2 people: met -> 0 open; course C1
    assert "Servizi demografici 1 8 8 1 0" in text
    # S03 quality/referents 1 x 8 = 8, nothing delivered -> 1 open, no course
    assert "Cultura e biblioteche 1 8 0 0 1" in text
    # S04 privacy 3 x 4 = 12 + quality 1 x 6 = 6 -> 18; e04 4 (privacy) + e03 6 (quality) = 10;
    # courses C1 and C2; privacy open (4 of 12 hours, 1 of 3 people)
    assert "Polizia locale 2 18 10 2 1" in text
    # the open needs in words: the topic by its courses' title, audience, priority, status
    assert (
        "Cultura e biblioteche Gestione per la qualità referenti della qualità alta 8 0 "
        "non soddisfatto" in text
    )
    assert "Polizia locale Privacy negli uffici personale bassa 12 4 in parte" in text


def test_certified_services_audits_and_alerts_by_hand(page):
    text = _section(page, "certificazioni")
    assert (
        "Polizia locale certificato dal 01/06/2004 ISO 9001:2015 Gestione delle "
        "segnalazioni dei cittadini Ente Cert Esempio IT-12345 15/02/2022 14/02/2025 "
        "valido"
    ) in text
    # AU23 is of 2023: not an audit of the year
    assert "20/02/2023" not in text
    # AU24: 0 major, 2 minor, 1 observation, 0 opportunities; actions: finding 1 closed
    # 20/05, finding 2 due 30/09 and open on 31/12 -> 1 closed, 0 open, 1 late
    assert "19/02/2024 Polizia locale audit di sorveglianza Ente Cert Esempio 0 2 1 0 1 0 1" in text
    # AU24I: 1 major (due 31/01/2025: open, not late), 1 opportunity (no action)
    assert "01/10/2024 Polizia locale audit interno Ufficio qualità 1 0 0 1 0 1 0" in text
    assert "Avvisi al 31/12/2024" in text
    # most severe first: the open major non-conformity, audit of 01/10: 30 + 30 + 31 = 91 days;
    # the action due 30/09: 31 + 30 + 31 = 92 days late; the certificate expires 14/02/2025:
    # 31 + 14 = 45 days left
    alerts = text[text.index("Avviso Servizio") :]
    assert re.search(
        r"non conformità maggiore aperta Polizia locale 01/10/2024 da 91 giorni Luca Campione "
        r"azione correttiva in ritardo Polizia locale 30/09/2024 da 92 giorni Marco Fittizio "
        r"certificato in scadenza Polizia locale 14/02/2025 tra 45 giorni",
        alerts,
    )


def test_the_alerts_follow_as_of(sheets):
    text = _section(_report(sheets, as_of="2024-06-30"), "certificazioni")
    # on 30/06: AU24I not yet held; finding 2 of AU24 due 30/09 is open, not late;
    # the expiry is 229 days away (more than 90): no alert
    assert "01/10/2024" not in text
    assert "19/02/2024 Polizia locale audit di sorveglianza Ente Cert Esempio 0 2 1 0 1 1 0" in text
    assert "Avvisi al 30/06/2024 " in text
    assert "Nessun avviso" in text


def test_practices_with_their_evidence_and_suggestions(page):
    text = _section(page, "buone-pratiche")
    # the city's practice: values of 2024, rank from the benchmark (6,5 < 7,4 < 8,9 < 12)
    assert (
        "Prenotazione online degli appuntamenti Agenda online per gli sportelli anagrafe "
        "2019 Attesa media allo sportello: 8,90 minuti (3° su 4) Quota di appuntamenti "
        "prenotati online: 81,7%"
    ) in text
    # worst gap first: online share (52 - 38,9) / (52 - 30) = 0,595 > wait (8,9 - 6,5) /
    # (12 - 6,5) = 0,436; within it, the better cities by rank
    share = text.index("Quota di certificati rilasciati online: 38,9%, 3° su 4 nel periodo 2024")
    wait = text.index("Attesa media allo sportello: 8,90 minuti, 3° su 4 nel periodo 2024")
    assert share < wait
    assert re.search(
        r"Bergamo Certificati online senza SPID anagrafe 52,0% 1° su 4 "
        r"Trento Totem self-service anagrafe 45,0% 2° su 4",
        text,
    )
    assert re.search(
        r"Bergamo Coda virtuale anagrafe 6,50 minuti 1° su 4 "
        r"Torino Agenda unica degli sportelli anagrafe 7,40 minuti 2° su 4",
        text,
    )
    # Modena's own practice is never suggested to it
    assert text.count("Prenotazione online degli appuntamenti") == 1


def test_club_practices_argument_replaces_the_sheet(sheets, catalog, table):
    club = PRACTICES[PRACTICES["practice"] == "BP-TO1"]
    text = _section(
        _report(sheets, catalog=catalog, benchmark=table, club_practices=club), "buone-pratiche"
    )
    assert "Agenda unica degli sportelli" in text
    assert "Coda virtuale" not in text
    assert "Totem" not in text
    # without a benchmark: the city's practices, no suggestion, no rank
    plain = _section(_report(sheets, catalog=catalog), "buone-pratiche")
    assert "Prenotazione online degli appuntamenti" in plain
    assert "Bergamo" not in plain
    assert "su 4" not in plain


def test_a_city_missing_from_the_benchmark_is_an_error(sheets, table):
    other = table[table["organization"] != MODENA]
    with pytest.raises(DataError, match="not in the benchmark"):
        _report(sheets, benchmark=other)


@pytest.mark.parametrize(
    ("left_out", "section"),
    [
        (set(TRAINING), "formazione"),
        (set(CERTIFICATION), "certificazioni"),
        ({"practices"}, "buone-pratiche"),
    ],
)
def test_a_section_disappears_without_its_sheets(sheets, left_out, section):
    kept = {k: v for k, v in sheets.items() if k not in left_out}
    page = _report(kept)
    assert f'id="{section}"' not in page
    assert f'href="#{section}"' not in page
    # an empty sheet (as the store gives a sheet never imported) is as absent
    empty = {**kept, **{k: sheets[k].iloc[:0] for k in left_out}}
    assert f'id="{section}"' not in _report(empty)


def test_an_old_workbook_renders_as_before(plan):
    page = _report(plan)
    for section in ("formazione", "certificazioni", "buone-pratiche"):
        assert f'id="{section}"' not in page
    assert "Formazione:" not in page
    assert "Servizi certificati:" not in page


def test_the_sections_are_listed_in_the_index_in_page_order(page):
    ids = re.findall(r'<section id="([^"]+)">', page)
    links = re.findall(r'<li><a href="#([^"]+)">', page)
    assert links == [i for i in ids if i in links]
    assert {"formazione", "certificazioni", "buone-pratiche"} <= set(links)
    # headings go down one level at a time (h2 > h3 > h4) within the new sections
    for ident in ("formazione", "certificazioni", "buone-pratiche"):
        body = re.search(rf'<section id="{ident}">(.*?)</section>', page, re.S).group(1)
        levels = [int(h) for h in re.findall(r"<h([1-6])", body)]
        assert levels[0] == 2
        assert all(b - a <= 1 for a, b in itertools.pairwise(levels))
        assert 'scope="col"' in body
        assert "<td scope" not in body


def test_german_labels_have_no_italian_or_english_leftover(sheets, catalog, table, values):
    page = _report(sheets, catalog=catalog, benchmark=table, values=values, lang="de")
    # the cells (the labels and figures; the headings are messages the catalogs translate)
    text = _text("<body>" + " ".join(re.findall(r"<td[^>]*>(.*?)</td>", page, re.S)))
    for german in (
        "Qualitätsbeauftragte",
        "Personal",
        "hoch",
        "niedrig",
        "nicht erfüllt",
        "teilweise erfüllt",
        "gültig",
        "Überwachungsaudit",
        "internes Audit",
        "Hauptabweichung offen",
        "Korrekturmaßnahme überfällig",
        "Zertifikat läuft ab",
        "01.06.2004",
        "14.02.2025",
        "Ortspolizei",
        "Online-Terminbuchung",
        "Virtuelle Warteschlange",
        "8,90 Minuten",
    ):
        assert german in text, german
    # the labels of codes, in Italian or English, or the codes themselves
    for leftover in (
        "referenti della qualità",
        "personale",
        "alta",
        "bassa",
        "non soddisfatto",
        "in parte",
        "valido",
        "audit di sorveglianza",
        "audit interno",
        "non conformità maggiore",
        "azione correttiva",
        "certificato in scadenza",
        "Polizia locale 8",
        "minuti",
        "quality referents",
        "staff",
        "high",
        "low",
        "partly met",
        "not met",
        "valid",
        "surveillance",
        "internal",
        "major_nc",
        "expiring",
        "action_overdue",
        "Prenotazione online",
        "Coda virtuale",
    ):
        assert not re.search(rf"(?<![\w-]){re.escape(leftover)}(?![\w-])", text), leftover


def test_no_code_or_english_word_in_the_italian_sections(page):
    text = " ".join(_section(page, s) for s in ("formazione", "certificazioni", "buone-pratiche"))
    assert not re.findall(r"\b[a-z]+\.[a-z_]+(?:\.[a-z_]+)*\b", text)  # catalog ids
    assert not re.findall(r"\b[a-z]+_[a-z_]+\b", text)  # codes
    for word in (
        "staff",
        "referents",
        "managers",
        "high",
        "low",
        "met",
        "partial",
        "none",
        "valid",
        "surveillance",
        "internal",
        "observation",
        "expiring",
        "yes",
    ):
        assert not re.search(rf"\b{word}\b", text), word


def test_user_text_is_escaped(sheets):
    tampered = {
        **sheets,
        "practices": PRACTICES.assign(title_it="<script>alert(1)</script>"),
        "certifications": CERTIFICATION["certifications"].assign(scope="<b>x</b>"),
        "courses": TRAINING["courses"].assign(title="<img src=x onerror=alert(1)>"),
    }
    page = _report(tampered)
    assert "<script>" not in page
    assert "<b>x</b>" not in page
    assert "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


@settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 2**32 - 1))
def test_the_order_of_the_rows_does_not_change_the_sections(sheets, unshuffled, seed):
    # metamorphic: the training and certification sheets' rows shuffled, the same sections
    # (rows come in the order of the departments' codes, the audits' dates, the alerts'
    # severity, whatever the order of the sheets)
    shuffled = dict(sheets)
    for name in (*TRAINING, *CERTIFICATION):
        shuffled[name] = sheets[name].sample(frac=1, random_state=seed).reset_index(drop=True)
    got = _report(shuffled)
    for section in ("formazione", "certificazioni"):
        assert _section(got, section) == _section(unshuffled, section)


def test_a_priority_that_is_not_one_is_an_error(sheets):
    # S01's need is met (its priority is not printed): still checked
    needs = TRAINING["training_needs"].assign(priority=["urgente", "high", "low", "high"])
    with pytest.raises(DataError, match=r"training_needs, column 'priority': 'urgente' is not"):
        _report({**sheets, "training_needs": needs})


def test_the_summary_names_training_and_certification_figures(page):
    text = _section(page, "sintesi")
    # the city's total row (18 hours / 23 employees = 0,78; 4 / 23 = 17%)
    assert (
        "Formazione: 18 ore, 0,78 ore per dipendente; persone formate: 4 (17% dei dipendenti)."
        in text
    )
    assert "Servizi certificati: 1; avvisi al 31/12/2024: 3." in text


@pytest.mark.parametrize("value", ["3,5", "-2", 3.5, -1, "due", float("inf")])
def test_alert_timing_refuses_what_is_not_a_count_of_days(value: object) -> None:
    # "tra 3 giorni" for 3,5 days or "tra -2 giorni" would print a wrong sentence on the portal
    from qualitapa.i18n import translator
    from qualitapa.programme import alert_timing

    with pytest.raises(DataError, match="days"):
        alert_timing(translator("it"), value, None)
    with pytest.raises(DataError):
        alert_timing(translator("it"), None, value)


@pytest.mark.parametrize(
    ("left", "late", "said"),
    [
        ("74", None, "tra 74 giorni"),
        (None, "1", "da 1 giorno"),
        (0, None, "tra 0 giorni"),
        ("", None, ""),
        (None, float("nan"), ""),
        ("12.0", None, "tra 12 giorni"),
    ],
)
def test_alert_timing_reads_counts_from_cells(left: object, late: object, said: str) -> None:
    from qualitapa.i18n import translator
    from qualitapa.programme import alert_timing

    assert alert_timing(translator("it"), left, late) == said
