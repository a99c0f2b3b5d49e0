"""ComplaintRegister.cases(time_zones=...): each organization's office days (issue 14).

The organizations of the catalog are in their own time zone; an organization the
catalog does not name is in the register's ``tz``. Hand-computed: 2024-02-01
04:30Z is Thursday 1 February in Rome (05:30) and still Wednesday 31 January in
New York (23:30 EST).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from qualitapa import Organization, hookimpl
from qualitapa.complaints import Complaint, ComplaintRegister
from qualitapa.testing import catalog_with

ROME, UNKNOWN = "036023", "999999"


class _Offices:
    @hookimpl
    def qualitapa_organizations(self):
        return [Organization(ROME, "Modena", province="MO")]  # Europe/Rome by default


def test_cases_are_in_the_catalogs_zones_else_in_the_registers() -> None:
    at = dt.datetime(2024, 2, 1, 4, 30, tzinfo=dt.UTC)
    with ComplaintRegister(":memory:", tz="America/New_York") as reg:
        for cid, org in (("A", ROME), ("B", UNKNOWN)):
            reg.add(Complaint(cid, "complaint", "email", "registry", at, organization=org))
        cases = reg.cases(as_of="2024-03-01", time_zones=catalog_with(_Offices()))
        plain = reg.cases(as_of="2024-03-01")
    received = cases.set_index("id")["received_date"]
    assert received["A"] == pd.Timestamp("2024-02-01")  # Rome, from the catalog
    assert received["B"] == pd.Timestamp("2024-01-31")  # not in the catalog: the register's tz
    assert plain.set_index("id")["received_date"].tolist() == [pd.Timestamp("2024-01-31")] * 2
