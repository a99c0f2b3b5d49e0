"""Local standards: per-organization scope and replacement of a general standard.

Two cities, Modena (036023) and Trento (022205); the general standard asks 80% of
customers called within 10 minutes, Modena's local standard replaces it with 90%.
Every expected value below is computed by hand in the comment next to it.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from qualitapa import hookimpl
from qualitapa.cli import cli
from qualitapa.errors import DefinitionError
from qualitapa.i18n import translator
from qualitapa.models import Organization, Service, Text
from qualitapa.standards import (
    Charter,
    QualityStandard,
    charter_standards,
    compliance,
    delivery_checks,
    refunds_due,
    render_html,
    render_markdown,
    replaced_for,
    standards_for,
)
from qualitapa.testing import catalog_with

MO, TN = "036023", "022205"

GENERAL = QualityStandard.from_mapping(
    {
        "id": "registry.std.served_within_10min",
        "service": "registry",
        "dimension": "timeliness",
        "label": {"it": "L'80% chiamato entro 10 minuti", "en": "80% called within 10 minutes"},
        "indicator": "registry.served_within_10min",
        "unit": "%",
        "target": ">= 80",
    }
)
MODENA = QualityStandard.from_mapping(
    {
        "id": "modena.std.served_within_10min",
        "replaces": "registry.std.served_within_10min",
        "organizations": [MO],
        "service": "registry",
        "dimension": "timeliness",
        "label": {"it": "Il 90% chiamato entro 10 minuti", "en": "90% called within 10 minutes"},
        "indicator": "registry.served_within_10min",
        "unit": "%",
        "target": ">= 90",
    }
)

# specific: the counter wait of each customer, with an automatic refund
WAIT = QualityStandard(
    "registry.std.wait", "registry", "timeliness", "Attesa", "<= 20", formula="waiting_minutes",
    unit="min", scope="specific", refund={"amount": 5, "per_unit": 1, "unit_size": 5, "cap": 20},
)  # fmt: skip
WAIT_MO = WAIT.local_variant(id="modena.std.wait", organizations=[MO], target="<= 15")


def _values() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "organization": [MO, TN, MO, TN],
            "period": [2024, 2024, 2023, 2023],
            "indicator": "registry.served_within_10min",
            "value": [85.0, 85.0, 92.0, 78.0],
        }
    )


def _deliveries() -> pd.DataFrame:
    # the data producer tags every record with the general standard's id
    return pd.DataFrame(
        {
            "standard": "registry.std.wait",
            "organization": [MO, MO, MO, TN, TN, TN],
            "period": 2024,
            "delivery": ["m1", "m2", "m3", "t1", "t2", "t3"],
            "waiting_minutes": [10, 18, 30, 10, 18, 30],
        }
    )


# -- the model ----------------------------------------------------------------------------


def test_from_mapping_reads_scope_fields() -> None:
    assert MODENA.organizations == (MO,)
    assert MODENA.replaces == GENERAL.id
    assert MODENA.is_local
    assert not GENERAL.is_local
    assert GENERAL.organizations == ()
    assert GENERAL.replaces is None
    assert (MODENA.applies_to(MO), MODENA.applies_to(TN)) == (True, False)
    assert GENERAL.applies_to(MO)
    assert GENERAL.applies_to(TN)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"replaces": "modena.std.x"}, "replaces", "cannot replace itself"),
        ({"organizations": []}, "organizations", "needs the 'organizations'"),
        ({"organizations": MO}, "organizations", "list of organization ids"),
        ({"organizations": [36023]}, "organizations", "in quotes"),
        ({"organizations": [MO, MO]}, "organizations", "listed twice"),
        ({"replaces": "Not An Id"}, "replaces", "not a valid id"),
    ],
)
def test_invalid_scope_fields(changes: dict[str, Any], field: str, message: str) -> None:
    entry = {
        "id": "modena.std.x", "service": "registry", "dimension": "timeliness", "label": "X",
        "indicator": "registry.x", "target": ">= 1", "organizations": [MO],
        "replaces": "registry.std.x", **changes,
    }  # fmt: skip
    with pytest.raises(DefinitionError, match=message) as info:
        QualityStandard.from_mapping(entry, source="modena.toml")
    assert (info.value.source, info.value.item, info.value.field) == (
        "modena.toml",
        "modena.std.x",
        field,
    )


def test_local_variant_copies_every_other_field() -> None:
    mo = GENERAL.local_variant(
        id="modena.std.served_within_10min", organizations=[MO], target=">= 90"
    )
    assert mo.replaces == GENERAL.id
    assert mo.organizations == (MO,)
    assert str(mo.target) == ">= 90"
    for field in ("service", "dimension", "indicator", "unit", "scope", "label"):
        assert getattr(mo, field) == getattr(GENERAL, field), field
    # a variant of a local standard still replaces the general one
    again = mo.local_variant(id="modena.std.other", organizations=[MO], target=">= 95")
    assert again.replaces == GENERAL.id
    with pytest.raises(DefinitionError, match="cannot replace itself"):
        GENERAL.local_variant(id=GENERAL.id, organizations=[MO])


def test_two_local_standards_for_the_same_organization_are_ambiguous() -> None:
    other = MODENA.local_variant(id="modena.std.again", organizations=[MO, TN])
    with pytest.raises(DefinitionError, match=r"replace 'registry\.std\.served_within_10min'"):
        replaced_for([GENERAL, MODENA, other])
    with pytest.raises(DefinitionError, match="for organization '036023'"):
        compliance([GENERAL, MODENA, other], indicator_values=_values())
    assert {k: sorted(v) for k, v in replaced_for([GENERAL, MODENA]).items()} == {GENERAL.id: [MO]}


# -- catalog check -------------------------------------------------------------------------


class _Base:
    @hookimpl
    def qualitapa_services(self) -> list[Any]:
        return [Service("registry", Text("Anagrafe", "Registry")),
                Service("libraries", Text("Biblioteche", "Libraries"))]  # fmt: skip

    @hookimpl
    def qualitapa_organizations(self) -> list[Any]:
        return [Organization(MO, "Modena"), Organization(TN, "Trento")]

    @hookimpl
    def qualitapa_standards(self) -> list[Any]:
        return [GENERAL]


class _City:
    def __init__(self, *standards: QualityStandard) -> None:
        self.standards = list(standards)

    @hookimpl
    def qualitapa_standards(self) -> list[Any]:
        return self.standards


def _problems(*standards: QualityStandard) -> list[str]:
    catalog = catalog_with(("base", _Base()), ("city", _City(*standards)))
    return [
        f"{p.severity}: {p.message}"
        for p in catalog.check()
        if p.item is not None and p.item.startswith("modena.")
    ]


def test_check_accepts_a_consistent_local_standard() -> None:
    # the general one's indicator is not defined in this catalog: that problem is the base's
    assert _problems(MODENA) == [
        "error: indicator 'registry.served_within_10min' is not defined by any plugin"
    ]


def test_check_reports_unknown_organizations_and_replaced_standards() -> None:
    bad = MODENA.local_variant(
        id="modena.std.bad", organizations=[MO, "099999"], replaces="registry.std.nope"
    )
    found = _problems(bad)
    assert "error: organization(s) ['099999'] are not registered by any plugin" in found
    assert "error: replaces standard 'registry.std.nope', which no plugin defines" in found


def test_check_reports_inconsistent_replacements() -> None:
    other_service = MODENA.local_variant(id="modena.std.svc", organizations=[MO],
                                         service="libraries")  # fmt: skip
    other_measure = MODENA.local_variant(id="modena.std.measure", organizations=[TN],
                                         indicator="registry.other")  # fmt: skip
    found = _problems(other_service, other_measure)
    assert any("of service 'registry' but belongs to 'libraries'" in f for f in found)
    assert any(f.startswith("warning: measures 'registry.other'") for f in found)
    twice = MODENA.local_variant(id="modena.std.twice", organizations=[MO])
    found = _problems(MODENA, twice)
    assert "error: 'modena.std.twice' also replaces " + repr(GENERAL.id) + " for ['036023']" in (
        found
    )


# -- compliance -----------------------------------------------------------------------------


def test_general_standard_judged_by_the_local_target_in_modena_only() -> None:
    res = compliance({s.id: s for s in (GENERAL, MODENA)}, indicator_values=_values())
    got = res.set_index(["organization", "period"])
    # one row per city and year: the general standard is not evaluated for Modena
    assert len(res) == 4
    assert got.loc[(MO, "2024"), "standard"] == MODENA.id
    assert got.loc[(MO, "2024"), "replaces"] == GENERAL.id
    assert got.loc[(TN, "2024"), "standard"] == GENERAL.id
    assert got.loc[(TN, "2024"), "replaces"] == ""
    # 85% in both cities in 2024: 85 - 90 = -5 in Modena (missed), 85 - 80 = +5 in Trento
    assert got.loc[(MO, "2024"), "target"] == ">= 90"
    assert got.loc[(MO, "2024"), "margin"] == -5.0
    assert not got.loc[(MO, "2024"), "met"]
    assert got.loc[(TN, "2024"), "target"] == ">= 80"
    assert got.loc[(TN, "2024"), "margin"] == 5.0
    assert got.loc[(TN, "2024"), "met"]
    # 2023: Modena 92 - 90 = +2 (met); Trento 78 - 80 = -2 (missed)
    assert got.loc[(MO, "2023"), "margin"] == 2.0
    assert got.loc[(TN, "2023"), "margin"] == -2.0


def test_without_the_local_standard_modena_is_judged_by_the_general_one() -> None:
    res = compliance([GENERAL], indicator_values=_values()).set_index(["organization", "period"])
    assert res.loc[(MO, "2024"), "margin"] == 5.0  # 85 - 80
    assert res.loc[(MO, "2024"), "met"]


def test_local_standard_alone_is_evaluated_for_its_organizations_only() -> None:
    res = compliance([MODENA], indicator_values=_values())
    assert res["organization"].tolist() == [MO, MO]
    assert res["margin"].tolist() == [2.0, -5.0]  # 2023: 92 - 90; 2024: 85 - 90


def test_reasons_when_scope_leaves_no_row() -> None:
    only_trento = _values().query("organization == @TN")
    res = compliance([GENERAL, MODENA], indicator_values=only_trento).set_index("standard")
    assert res.loc[MODENA.id, "reason"] == "no data for its organization(s) ['036023']"
    assert res.loc[MODENA.id, "met"] is pd.NA
    only_modena = _values().query("organization == @MO")
    res = compliance([GENERAL, MODENA], indicator_values=only_modena).set_index("standard")
    assert res.loc[GENERAL.id, "reason"] == (
        "replaced by ['modena.std.served_within_10min'] for their organizations"
    )


def test_specific_standard_and_refunds_by_city() -> None:
    res = compliance([WAIT, WAIT_MO], deliveries=_deliveries()).set_index("organization")
    assert res.loc[MO, "standard"] == WAIT_MO.id
    assert res.loc[TN, "standard"] == WAIT.id
    # Modena (<= 15): 10 within; 18 and 30 past -> 1 of 3
    assert res.loc[MO, "n_within"] == 1
    assert res.loc[MO, "share_within"] == pytest.approx(1 / 3)
    # Trento (<= 20): 10 and 18 within -> 2 of 3
    assert res.loc[TN, "n_within"] == 2
    assert res.loc[TN, "share_within"] == pytest.approx(2 / 3)
    # refund 5 + 1 per started 5 minutes past the threshold, at most 20
    # Modena: 18 -> 3 past -> 5 + 1 = 6; 30 -> 15 past -> 5 + 3 = 8; total 14
    # Trento: 30 -> 10 past -> 5 + 2 = 7
    assert (res.loc[MO, "refunds_due"], res.loc[MO, "refund_amount"]) == (2, 14.0)
    assert (res.loc[TN, "refunds_due"], res.loc[TN, "refund_amount"]) == (1, 7.0)

    owed = refunds_due([WAIT, WAIT_MO], _deliveries())
    assert owed[["standard", "organization", "delivery", "excess", "refund"]].to_dict(
        "records"
    ) == [
        {"standard": WAIT.id, "organization": TN, "delivery": "t3", "excess": 10.0, "refund": 7.0},
        {"standard": WAIT_MO.id, "organization": MO, "delivery": "m2", "excess": 3.0,
         "refund": 6.0},
        {"standard": WAIT_MO.id, "organization": MO, "delivery": "m3", "excess": 15.0,
         "refund": 8.0},
    ]  # fmt: skip
    # with the general standard only, Modena's 30 minutes is owed 7 like Trento's
    general_only = refunds_due([WAIT], _deliveries())
    assert general_only["refund"].tolist() == [7.0, 7.0]


def test_local_standard_reads_records_keyed_by_the_replaced_id() -> None:
    records = _deliveries().drop(columns="standard")
    checks = delivery_checks(WAIT_MO, {WAIT.id: records})
    assert checks is not None
    assert checks["delivery"].tolist() == ["m1", "m2", "m3"]
    assert checks["within"].tolist() == [True, False, False]
    # without an organization column no record can be Modena's
    assert delivery_checks(WAIT_MO, records.drop(columns="organization")).empty


# -- charters ---------------------------------------------------------------------------------

CHARTER = Charter(
    "registry.charter", "registry", "Carta dei servizi demografici", "2025-01-01",
    standards=[GENERAL.id, WAIT.id],
)  # fmt: skip


def test_standards_for_an_organization() -> None:
    table = {s.id: s for s in (GENERAL, MODENA, WAIT)}
    assert {k: s.id for k, s in standards_for(table, MO).items()} == {
        GENERAL.id: MODENA.id,
        WAIT.id: WAIT.id,
    }
    assert {k: s.id for k, s in standards_for(table, TN).items()} == {
        GENERAL.id: GENERAL.id,
        WAIT.id: WAIT.id,
    }


def test_charter_shows_the_local_target_for_its_organization() -> None:
    table = {s.id: s for s in (GENERAL, MODENA, WAIT, WAIT_MO)}
    assert [s.id for s in charter_standards(CHARTER, table, MO)] == [MODENA.id, WAIT_MO.id]
    assert [s.id for s in charter_standards(CHARTER, table, TN)] == [GENERAL.id, WAIT.id]
    assert [s.id for s in charter_standards(CHARTER, table)] == [GENERAL.id, WAIT.id]
    md = render_markdown(CHARTER, table, organization=MO)
    assert "almeno 90%" in md
    assert "almeno 80" not in md
    assert "al massimo 15 minuti" in md
    md = render_markdown(CHARTER, table, organization=TN)
    assert "almeno 80%" in md
    assert "almeno 90" not in md
    en = translator("en")  # "at least 90%" with the English catalog
    assert en("almeno {value}", value="90%") in render_html(
        CHARTER, table, lang="en", organization=MO
    )
    assert en("almeno {value}", value="80%") in render_html(CHARTER, table, lang="en")


def test_charter_listing_a_local_standard_omits_it_elsewhere() -> None:
    local_charter = Charter("modena.charter", "registry", "Carta", "2025-01-01",
                            standards=[MODENA.id, WAIT.id])  # fmt: skip
    table = [GENERAL, MODENA, WAIT]
    assert [s.id for s in charter_standards(local_charter, table, MO)] == [MODENA.id, WAIT.id]
    assert [s.id for s in charter_standards(local_charter, table, TN)] == [WAIT.id]
    # the model charter (no organization) shows no city's local standard
    assert [s.id for s in charter_standards(local_charter, table)] == [WAIT.id]
    assert "almeno 90" not in render_markdown(local_charter, table)
    with pytest.raises(KeyError):
        charter_standards(local_charter, [GENERAL], MO)


# -- command line ----------------------------------------------------------------------------

TOML = f"""
[[services]]
id = "registry"
label = {{ it = "Anagrafe", en = "Civil registry" }}

[[organizations]]
id = "{MO}"
name = "Modena"

[[organizations]]
id = "{TN}"
name = "Trento"

[[standards]]
id = "registry.std.served_within_10min"
service = "registry"
dimension = "timeliness"
label = {{ it = "Chiamati entro 10 minuti", en = "Called within 10 minutes" }}
indicator = "registry.served_within_10min"
unit = "%"
target = ">= 80"

[[standards]]
id = "modena.std.served_within_10min"
replaces = "registry.std.served_within_10min"
organizations = ["{MO}"]
service = "registry"
dimension = "timeliness"
label = {{ it = "Chiamati entro 10 minuti (Modena)", en = "Called within 10 minutes (Modena)" }}
indicator = "registry.served_within_10min"
unit = "%"
target = ">= 90"

[[charters]]
id = "registry.charter"
service = "registry"
title = {{ it = "Carta", en = "Charter" }}
valid_from = 2025-01-01
standards = ["registry.std.served_within_10min"]
"""


def test_cli_check_list_and_render_by_organization(tmp_path: Path) -> None:
    defs = tmp_path / "defs.toml"
    defs.write_text(TOML, encoding="utf-8")
    values = tmp_path / "values.csv"
    _values().to_csv(values, index=False)
    runner = CliRunner()
    checked = runner.invoke(
        cli, ["standards", "check", "--values", str(values), "-d", str(defs), "--format", "csv"]
    )
    assert checked.exit_code == 0, checked.output
    table = pd.read_csv(io.StringIO(checked.output), dtype={"organization": str})
    got = table.query("period == 2024").set_index("organization")
    assert got.loc[MO, "standard"] == "modena.std.served_within_10min"
    assert got.loc[MO, "margin"] == -5.0  # 85 - 90
    assert got.loc[TN, "margin"] == 5.0  # 85 - 80

    listed = runner.invoke(
        cli, ["standards", "list", "--organization", MO, "-d", str(defs), "--format", "csv"]
    )
    assert listed.exit_code == 0, listed.output
    rows = pd.read_csv(io.StringIO(listed.output), dtype=str)
    assert rows[["id", "target", "organizations"]].values.tolist() == [
        ["modena.std.served_within_10min", ">= 90", MO]
    ]

    md = runner.invoke(
        cli, ["charter", "render", "registry", "--on", "2025-06-01", "--organization", MO,
              "-d", str(defs)],
    )  # fmt: skip
    assert md.exit_code == 0, md.output
    assert "almeno 90%" in md.output
    general = runner.invoke(cli, ["charter", "render", "registry", "--on", "2025-06-01",
                                  "-d", str(defs)])  # fmt: skip
    assert "almeno 80%" in general.output
    unknown = runner.invoke(cli, ["charter", "render", "registry", "--on", "2025-06-01",
                                  "--organization", "999999", "-d", str(defs)])  # fmt: skip
    assert unknown.exit_code != 0
    assert "999999" in unknown.output


def test_scope_filter_is_vectorised_over_many_organizations() -> None:
    # 1,000 cities, one local standard for 10 of them: exactly those 10 rows move
    orgs = [f"{i:06d}" for i in range(1000)]
    values = pd.DataFrame(
        {"organization": orgs, "period": 2024, "indicator": GENERAL.indicator,
         "value": np.linspace(70.0, 99.9, 1000)}
    )  # fmt: skip
    local = GENERAL.local_variant(id="x.local", organizations=orgs[::100], target=">= 90")
    res = compliance([GENERAL, local], indicator_values=values)
    assert len(res) == 1000
    assert sorted(res.loc[res["standard"] == "x.local", "organization"]) == orgs[::100]
