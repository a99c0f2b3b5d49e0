"""Local complaint categories (``organizations = [...]``, issue 16 "Local scope").

A category with organizations applies to those organizations only: intake
(imports, ``add``) refuses a complaint of another organization, naming the
row and column (or the field) and suggesting the categories that apply;
``Catalog.check`` / ``qualitapa plugin check`` report organizations no plugin
registers; KPIs of a local category exist only for its organizations.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from qualitapa import Organization, Service, Text, hookimpl
from qualitapa.catalog import Catalog, check_plugins
from qualitapa.complaints import (
    CategoryScopeError,
    Complaint,
    ComplaintCategory,
    ComplaintRegister,
    categories_for,
    kpis,
    open311_services,
    pareto,
)
from qualitapa.declarative import TomlPlugin
from qualitapa.errors import DataError, DefinitionError, UnknownItemError
from qualitapa.problems import Rule
from qualitapa.testing import catalog_with


@pytest.fixture(autouse=True)
def _english_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests read the command line's English messages (Italian is the default)."""
    monkeypatch.setenv("QUALITAPA_LANG", "en")


BOLZANO, MODENA, TRENTO = "021008", "036023", "022205"


class Cities:
    """Three cities, a registry with a general tree, and local categories of two cities."""

    @hookimpl
    def qualitapa_services(self) -> list[Service]:
        return [Service("registry", Text("Anagrafe", "Civil registry")),
                Service("roads", Text("Strade", "Roads"))]  # fmt: skip

    @hookimpl
    def qualitapa_organizations(self) -> list[Organization]:
        return [Organization(BOLZANO, "Bolzano"), Organization(MODENA, "Modena"),
                Organization(TRENTO, "Trento")]  # fmt: skip

    @hookimpl
    def qualitapa_complaint_categories(self) -> list[ComplaintCategory]:
        return [
            ComplaintCategory("registry.waiting", Text("Attese", "Waiting"), "registry"),
            ComplaintCategory("registry.documents", Text("Documenti", "Documents"), "registry"),
            ComplaintCategory("registry.bilingual", Text("Bilinguismo", "Bilingual service"),
                              "registry", parent="registry.waiting",
                              organizations=[BOLZANO]),
            ComplaintCategory("registry.modena_app", Text("App Modena", "Modena app"),
                              "registry", organizations=[MODENA]),
            ComplaintCategory("roads.potholes", Text("Buche", "Potholes"), "roads"),
        ]  # fmt: skip


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return catalog_with(("cities", Cities()))


T = dt.datetime(2024, 1, 8, 9, tzinfo=dt.UTC)


def _row(cid: str, category: str | None, org: str | None, service: str = "registry") -> dict:
    return {"id": cid, "kind": "complaint", "channel": "email", "service": service,
            "category": category, "organization": org,
            "received_at": "2024-01-08T09:00:00+01:00"}  # fmt: skip


# -- the model ---------------------------------------------------------------


def test_a_category_is_local_when_it_lists_organizations() -> None:
    general = ComplaintCategory.from_mapping(
        {"id": "registry.waiting", "label": "Attese", "service": "registry"}
    )
    local = ComplaintCategory.from_mapping(
        {
            "id": "registry.bilingual",
            "label": {"it": "Bilinguismo", "de": "Zweisprachigkeit"},
            "service": "registry",
            "organizations": [BOLZANO],
        }
    )
    assert general.organizations == ()
    assert not general.is_local
    assert general.applies_to(BOLZANO)
    assert general.applies_to("anything")
    assert local.organizations == (BOLZANO,)
    assert local.is_local
    assert local.applies_to(BOLZANO)
    assert not local.applies_to(MODENA)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (BOLZANO, "is a list of organization ids"),  # a text, not a list
        ([21008], "write '036023' in quotes"),  # a number: leading zero lost
        ([BOLZANO, BOLZANO], "listed twice"),
        ([""], "non-empty text"),
    ],
)
def test_organizations_must_be_a_list_of_ids(value: object, words: str) -> None:
    with pytest.raises(DefinitionError, match=words) as err:
        ComplaintCategory.from_mapping(
            {"id": "registry.x", "label": "X", "service": "registry", "organizations": value},
            source="bz.toml",
        )
    assert err.value.field == "organizations"
    assert err.value.item == "registry.x"


# -- the catalog check ---------------------------------------------------------

TOML = """
[[services]]
id = "registry"
label = { it = "Anagrafe", en = "Registry" }

[[organizations]]
id = "021008"
name = "Bolzano"

[[organizations]]
id = "036023"
name = "Modena"

[[complaint_categories]]
id = "registry.waiting"
label = { it = "Attese", en = "Waiting" }
service = "registry"

[[complaint_categories]]
id = "registry.bilingual"
label = { it = "Bilinguismo", en = "Bilingual service" }
service = "registry"
parent = "registry.waiting"
organizations = ["021008"]

[[complaint_categories]]
id = "registry.misspelt"
label = { it = "X", en = "X" }
service = "registry"
organizations = ["021009", "Modena", "099999"]

[[complaint_categories]]
id = "registry.bilingual.forms"
label = { it = "Moduli", en = "Forms" }
service = "registry"
parent = "registry.bilingual"

[[complaint_categories]]
id = "registry.bilingual.wider"
label = { it = "Altro", en = "Other" }
service = "registry"
parent = "registry.bilingual"
organizations = ["021008", "036023"]

[[complaint_categories]]
id = "registry.bilingual.ok"
label = { it = "Sportello", en = "Counter" }
service = "registry"
parent = "registry.bilingual"
organizations = ["021008"]
"""


@pytest.fixture
def toml_file(tmp_path: Path) -> Path:
    path = tmp_path / "bz.toml"
    path.write_text(TOML, encoding="utf-8")
    return path


def test_catalog_check_reports_unknown_organizations_and_a_wider_subcategory(
    toml_file: Path,
) -> None:
    cat = Catalog.build([("bz", TomlPlugin(toml_file))], entrypoints=False)
    found = {
        (p.item, p.value if p.rule == Rule.UNKNOWN_VALUE else p.rule.value): p
        for p in cat.check()
        if p.kind == "complaint category"
    }
    assert set(found) == {
        ("registry.misspelt", "021009"),
        ("registry.misspelt", "Modena"),
        ("registry.misspelt", "099999"),
        ("registry.bilingual.forms", "inconsistent"),
        ("registry.bilingual.wider", "inconsistent"),
    }
    # the closest registered organization; a name gets the id it stands for
    assert found[("registry.misspelt", "021009")].suggestion == "did you mean Bolzano (021008)?"
    assert found[("registry.misspelt", "Modena")].suggestion == "write its id '036023' (Modena)"
    assert "register the organization" in str(found[("registry.misspelt", "099999")].suggestion)
    for problem in found.values():
        assert problem.severity == "error"
        assert problem.field == "organizations"
        assert problem.plugin == "bz"
    forms = found[("registry.bilingual.forms", "inconsistent")]
    assert "applies to every organization" in forms.message
    assert forms.suggestion == 'organizations = ["021008"]'
    assert forms.value == []
    wider = found[("registry.bilingual.wider", "inconsistent")]
    assert "applies to ['036023']" in wider.message
    assert wider.value == ["021008", "036023"]


def test_plugin_check_names_the_file_entry_and_field(toml_file: Path) -> None:
    table = check_plugins([("bz", TomlPlugin(toml_file))], entrypoints=False)
    mine = table[table["id"] == "registry.misspelt"]
    assert mine["source"].map(lambda s: Path(s).name).unique().tolist() == ["bz.toml"]
    assert mine["section"].unique().tolist() == ["complaint_categories"]
    assert mine["row"].unique().tolist() == [3]  # the third [[complaint_categories]]
    assert mine["column"].unique().tolist() == ["organizations"]
    # each unknown organization once, with a suggestion
    assert sorted(mine["value"]) == ["021009", "099999", "Modena"]
    assert mine.loc[mine["value"] == "021009", "suggestion"].item() == "did you mean '021008'?"
    forms = table[table["id"] == "registry.bilingual.forms"]
    assert forms[["row", "column"]].values.tolist() == [[4, "organizations"]]
    # a local subcategory within its parent's organizations is fine
    assert not (table["id"] == "registry.bilingual.ok").any()
    assert not (table["id"] == "registry.bilingual").any()


def test_a_valid_catalog_has_no_scope_problem(catalog: Catalog) -> None:
    assert [p for p in catalog.check() if p.kind == "complaint category"] == []


# -- which categories apply ------------------------------------------------------


def test_categories_for_an_organization(catalog: Catalog) -> None:
    ids = [c.id for c in categories_for(catalog, BOLZANO)]
    assert ids == ["registry.waiting", "registry.documents", "registry.bilingual",
                   "roads.potholes"]  # fmt: skip
    assert [c.id for c in categories_for(catalog, TRENTO, service="registry")] == [
        "registry.waiting", "registry.documents"
    ]  # fmt: skip


def test_open311_services_of_one_city_leave_out_other_cities_local_categories(
    catalog: Catalog,
) -> None:
    codes = [s["service_code"] for s in open311_services(catalog, organization=MODENA)]
    assert "registry.modena_app" in codes
    assert "registry.bilingual" not in codes
    every = [s["service_code"] for s in open311_services(catalog)]
    assert {"registry.modena_app", "registry.bilingual"} <= set(every)


# -- intake: imports ---------------------------------------------------------------


def test_import_refuses_a_local_category_of_another_city(catalog: Catalog) -> None:
    frame = pd.DataFrame(
        [
            _row("BZ1", "registry.bilingual", BOLZANO),  # its own city: accepted
            _row("MO1", "registry.bilingual", MODENA),  # another city: refused
            _row("MO2", "registry.modena_app", MODENA),
            _row("TN1", "registry.modena_app", TRENTO),  # refused
            _row("MO3", "registry.waiting", MODENA),  # a general category: everyone
            _row("XX1", "registry.bilingual", None),  # no organization: not checkable
        ]
    )
    with ComplaintRegister(":memory:") as reg:
        report = reg.import_frame(frame, source="reclami.csv", catalog=catalog)
        assert (report.imported, report.rejected) == (4, 2)
        assert sorted(reg.to_frame()["id"]) == ["BZ1", "MO2", "MO3", "XX1"]
    problems = report.problems
    assert problems[["row", "id", "column", "value"]].values.tolist() == [
        [2, "MO1", "category", "registry.bilingual"],
        [4, "TN1", "category", "registry.modena_app"],
    ]
    mo1, tn1 = problems["problem"].tolist()
    assert mo1 == (
        "the category 'registry.bilingual' applies to Bolzano (021008) only, not to Modena "
        "(036023); categories of service 'registry' that apply: 'registry.waiting', "
        "'registry.documents', 'registry.modena_app'"
    )
    # Trento gets the general categories only (no other city's local one)
    assert tn1.endswith("that apply: 'registry.waiting', 'registry.documents'")
    with pytest.raises(DataError) as err:
        report.raise_for_problems()
    assert (err.value.source, err.value.row, err.value.column) == ("reclami.csv", 2, "category")
    assert str(err.value).startswith(
        "reclami.csv, row 2, column 'category': the category 'registry.bilingual' applies to"
    )
    assert "(2 row(s) were not imported)" in str(err.value)


def test_without_a_catalog_nothing_is_checked(catalog: Catalog) -> None:
    """The catalog is the scope's authority: an import without it keeps every row."""
    frame = pd.DataFrame([_row("MO1", "registry.bilingual", MODENA)])
    with ComplaintRegister(":memory:") as reg:
        assert reg.import_frame(frame).imported == 1


def test_an_organization_by_name_or_stripped_code_is_recognised(catalog: Catalog) -> None:
    frame = pd.DataFrame(
        [
            _row("A", "registry.bilingual", "Bolzano"),
            _row("B", "registry.bilingual", "21008"),  # leading zero lost in Excel
            _row("C", "registry.bilingual", "Comune di Modena"),
            _row("D", "registry.bilingual", "Atlantide"),  # no such organization
        ]
    )
    with ComplaintRegister(":memory:") as reg:
        report = reg.import_frame(frame, catalog=catalog)
    assert report.problems["id"].tolist() == ["C", "D"]
    c, d = report.problems["problem"].tolist()
    assert "not to Modena (036023)" in c
    assert "not to 'Atlantide'" in d


def test_a_subcategory_suggests_its_applicable_parent_first(catalog: Catalog) -> None:
    frame = pd.DataFrame([_row("MO1", "registry.bilingual", MODENA)])
    with ComplaintRegister(":memory:") as reg:
        problem = reg.import_frame(frame, catalog=catalog).problems["problem"].item()
    assert "that apply: 'registry.waiting', " in problem  # the parent, first


def test_import_open311_refuses_a_local_category_of_another_city(catalog: Catalog) -> None:
    requests = [
        {"service_request_id": "R1", "service_code": "registry.bilingual", "status": "open",
         "requested_datetime": "2024-01-08T09:00:00+01:00", "agency_responsible": MODENA},
        {"service_request_id": "R2", "service_code": "registry.bilingual", "status": "open",
         "requested_datetime": "2024-01-08T09:00:00+01:00",
         "extended_attributes": {"organization": BOLZANO, "service": "registry",
                                 "category": "registry.bilingual"}},
    ]  # fmt: skip
    with ComplaintRegister(":memory:") as reg:
        report = reg.import_open311(json.dumps(requests), catalog=catalog)
        assert list(reg.to_frame()["id"]) == ["R2"]
    assert report.problems[["row", "id", "column"]].values.tolist() == [[1, "R1", "category"]]
    assert "not to Modena (036023)" in report.problems["problem"].item()


def test_the_cli_import_lists_the_refused_row(
    catalog: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As an office exports it: ';', office times, the city by name (UTF-8: the CLI
    refuses Windows-1252 with its own error)."""
    from qualitapa.cli import _complaints, cli

    monkeypatch.setattr(_complaints, "get_catalog", lambda: catalog)
    src = tmp_path / "reclami.csv"
    src.write_text(
        "id;kind;channel;service;category;organization;received_at;description\n"
        "1;complaint;email;registry;registry.bilingual;Bolzano;2024-01-08 09:00;Sportello\n"
        "2;complaint;email;registry;registry.bilingual;Modena;2024-01-09 09:00;Già così\n",
        encoding="utf-8",
    )
    db = tmp_path / "urp.db"
    args = ["complaints", "import", str(src), "--create", "--check-catalog"]
    result = CliRunner().invoke(cli, [*args, "--db", str(db), "--format", "csv"])
    assert result.exit_code == 0, result.stderr
    assert "imported 1 complaint" in result.stderr
    problems = pd.read_csv(io.StringIO(result.stdout), dtype=str)
    assert problems[["row", "id", "column"]].values.tolist() == [["2", "2", "category"]]
    assert "not to Modena (036023)" in problems["problem"].item()
    strict = CliRunner().invoke(cli, [*args, "--db", str(tmp_path / "b.db"), "--strict"])
    assert strict.exit_code == 1


# -- intake: one complaint -----------------------------------------------------------


def test_add_refuses_a_local_category_of_another_city(catalog: Catalog) -> None:
    wrong = Complaint("2024/1", "complaint", "email", "registry", T,
                      category="registry.bilingual", organization=TRENTO)  # fmt: skip
    with ComplaintRegister(":memory:") as reg:
        with pytest.raises(CategoryScopeError) as err:
            reg.add(wrong, catalog=catalog)
        assert len(reg) == 0  # nothing written
        reg.add(Complaint("2024/2", "complaint", "email", "registry", T,
                          category="registry.bilingual", organization=BOLZANO),
                catalog=catalog)  # fmt: skip
        reg.add(Complaint("2024/3", "complaint", "email", "registry", T,
                          category="registry.bilingual"), catalog=catalog)  # fmt: skip
        assert len(reg) == 2
    e = err.value
    assert isinstance(e, DataError)
    assert (e.category, e.organization, e.scope, e.field) == (
        "registry.bilingual",
        TRENTO,
        (BOLZANO,),
        "category",
    )
    assert e.suggestions == ["registry.waiting", "registry.documents"]
    assert str(e) == (
        "complaint '2024/1', field 'category': the category 'registry.bilingual' applies to "
        "Bolzano (021008) only, not to Trento (022205); categories of service 'registry' that "
        "apply: 'registry.waiting', 'registry.documents'"
    )


def test_add_with_a_catalog_checks_service_and_category(catalog: Catalog) -> None:
    with ComplaintRegister(":memory:") as reg:
        with pytest.raises(UnknownItemError, match=r"registry\.waitin'.*registry\.waiting"):
            reg.add(Complaint("1", "complaint", "email", "registry", T,
                              category="registry.waitin"), catalog=catalog)  # fmt: skip
        with pytest.raises(DataError, match="belongs to service 'roads', not 'registry'"):
            reg.add(Complaint("2", "complaint", "email", "registry", T,
                              category="roads.potholes"), catalog=catalog)  # fmt: skip
        with pytest.raises(UnknownItemError, match="unknown service 'registri'"):
            reg.add(Complaint("3", "complaint", "email", "registri", T), catalog=catalog)
        assert len(reg) == 0


# -- row order does not matter -------------------------------------------------------

CATEGORIES = [None, "registry.waiting", "registry.bilingual", "registry.modena_app"]
ORGS = [None, BOLZANO, MODENA, TRENTO, "Bolzano", "Atlantide"]


@pytest.mark.slow
@given(
    st.lists(
        st.tuples(st.sampled_from(CATEGORIES), st.sampled_from(ORGS)), min_size=1, max_size=25
    ),
    st.randoms(use_true_random=False),
)
def test_row_order_does_not_change_which_rows_are_refused(
    catalog: Catalog, rows: list[tuple[str | None, str | None]], rnd: object
) -> None:
    frame = pd.DataFrame([_row(f"C{i}", c, o) for i, (c, o) in enumerate(rows)])
    order = list(range(len(frame)))
    rnd.shuffle(order)  # type: ignore[attr-defined]
    shuffled = frame.iloc[order].reset_index(drop=True)

    def refused(table: pd.DataFrame) -> dict[str, str]:
        with ComplaintRegister(":memory:") as reg:
            report = reg.import_frame(table, catalog=catalog)
            kept = set(reg.to_frame()["id"])
        problems = report.problems
        assert kept.isdisjoint(problems["id"])
        assert len(kept) + problems["id"].nunique() == len(table)  # nothing dropped silently
        return dict(zip(problems["id"], problems["problem"], strict=True))

    first, second = refused(frame), refused(shuffled)
    assert first == second
    # and exactly the rows whose local category is not their city's
    local = {"registry.bilingual": BOLZANO, "registry.modena_app": MODENA}
    code = {"Bolzano": BOLZANO}
    expected = {
        f"C{i}"
        for i, (c, o) in enumerate(rows)
        if c in local and o is not None and code.get(o, o) != local[c]
    }
    assert set(first) == expected


# -- KPIs --------------------------------------------------------------------------


def test_kpis_of_a_local_category_exist_for_its_organization_only(catalog: Catalog) -> None:
    rng = np.random.default_rng(16)
    n = 200
    orgs = rng.choice([BOLZANO, MODENA, TRENTO], size=n)
    cats = rng.choice(["registry.waiting", "registry.bilingual", "registry.modena_app"], size=n)
    days = rng.integers(0, 60, size=n)
    frame = pd.DataFrame(
        [_row(f"C{i}", c, o) for i, (c, o) in enumerate(zip(cats, orgs, strict=True))]
    )
    frame["received_at"] = [f"{dt.date(2024, 1, 1) + dt.timedelta(int(d))}T09:00:00+01:00"
                            for d in days]  # fmt: skip
    with ComplaintRegister(":memory:") as reg:
        report = reg.import_frame(frame, catalog=catalog)
        cases = reg.cases(as_of="2024-06-30")
    outside = ((cats == "registry.bilingual") & (orgs != BOLZANO)) | (
        (cats == "registry.modena_app") & (orgs != MODENA)
    )
    assert report.rejected == int(outside.sum()) > 0
    table = kpis(cases, by=["organization", "category"], as_of="2024-06-30")
    pairs = set(zip(table["organization"], table["category"], strict=True))
    assert {o for o, c in pairs if c == "registry.bilingual"} == {BOLZANO}
    assert {o for o, c in pairs if c == "registry.modena_app"} == {MODENA}
    assert {o for o, c in pairs if c == "registry.waiting"} == {BOLZANO, MODENA, TRENTO}
    # per category, the local category's KPIs are its city's (group-wise = separate run)
    by_category = kpis(cases, by="category", as_of="2024-06-30").set_index("category")
    alone = kpis(cases[cases["organization"] == BOLZANO], by="category", as_of="2024-06-30")
    pd.testing.assert_series_equal(
        by_category.loc["registry.bilingual"],
        alone.set_index("category").loc["registry.bilingual"],
    )
    assert by_category.loc["registry.bilingual", "received"] == int(
        ((cats == "registry.bilingual") & (orgs == BOLZANO)).sum()
    )
    # Pareto by organization ranks each city's categories within that city
    ranks = pareto(cases, by="organization")
    assert set(ranks.loc[ranks["category"] == "registry.bilingual", "organization"]) == {BOLZANO}


def test_the_cli_lists_the_categories_of_one_organization(
    catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qualitapa.cli import _complaints, cli

    monkeypatch.setattr(_complaints, "get_catalog", lambda: catalog)

    def ids(*args: str) -> list[str]:
        result = CliRunner().invoke(
            cli, ["complaints", "categories", *args, "--format", "json", "--lang", "en"]
        )
        assert result.exit_code == 0, result.stderr
        return [row["id"] for row in json.loads(result.stdout)]

    assert ids("--organization", "Bolzano", "-s", "registry") == [
        "registry.waiting",
        "registry.documents",
        "registry.bilingual",
    ]
    assert "registry.bilingual" not in ids("--organization", TRENTO)
    assert {"registry.bilingual", "registry.modena_app"} <= set(ids())
    unknown = CliRunner().invoke(cli, ["complaints", "categories", "--organization", "Bolzan"])
    assert unknown.exit_code == 1
    assert "Bolzano (021008)" in unknown.stderr


def test_with_history_a_refused_complaint_takes_its_events_along_and_says_so(
    catalog: Catalog,
) -> None:
    complaints = pd.DataFrame(
        [_row("BZ1", "registry.bilingual", BOLZANO), _row("TN1", "registry.bilingual", TRENTO)]
    )
    events = pd.DataFrame(
        {
            "complaint_id": ["BZ1", "BZ1", "TN1", "TN1"],
            "at": ["2024-01-08T09:00:00+01:00", "2024-01-09T09:00:00+01:00"] * 2,
            "to_status": ["received", "registered"] * 2,
        }
    )
    with ComplaintRegister(":memory:") as reg:
        report = reg.import_frame(
            complaints, events=events, source="c.csv", events_source="e.csv", catalog=catalog
        )
        assert list(reg.to_frame()["id"]) == ["BZ1"]
    assert (report.imported, report.events, report.rejected, report.rejected_events) == (
        1,
        2,
        1,
        2,
    )
    p = report.problems
    assert p[["table", "row", "id", "column"]].values.tolist()[0] == [
        "complaints",
        2,
        "TN1",
        "category",
    ]
    assert set(p.loc[p["table"] == "events", "row"]) == {3, 4}
