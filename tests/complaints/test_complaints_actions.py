"""Analysis to action: recurring complaint categories and late answers open improvement actions.

Expected actions are counted by hand from small case tables; properties (row order,
thresholds) are checked with hypothesis; the counts are compared with a plain pandas
groupby and loop of the same rules; the CLI runs them from a register (``plan derive
--complaints``).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from qualitapa import Service, Text, hookimpl
from qualitapa.cli import cli
from qualitapa.complaints import ComplaintCategory
from qualitapa.improvement import ImprovementPlan, actions_from_complaints
from qualitapa.testing import catalog_with


def _cases(rows: list[tuple[str, str, str, str, str, float | None, bool | None]]) -> pd.DataFrame:
    """(kind, service, category, organization, received, answer_days, within) per complaint."""
    frame = pd.DataFrame(
        rows,
        columns=[
            "kind",
            "service",
            "category",
            "organization",
            "received_date",
            "answer_days",
            "within_deadline",
        ],
    )
    frame.insert(0, "id", [f"2024/{i:06d}" for i in range(1, len(rows) + 1)])
    frame["received_date"] = pd.to_datetime(frame["received_date"])
    frame["category"] = frame["category"].replace("", None)
    frame["within_deadline"] = frame["within_deadline"].astype("boolean")
    return frame


def _office() -> pd.DataFrame:
    """Modena (036023) and Trento (022205), 2023-2024, counted by hand below."""
    rows: list[tuple[str, str, str, str, str, float | None, bool | None]] = []
    # Modena, 2024: 4 complaints "waiting", 1 fault report "waiting", 1 praise "waiting"
    rows += [("complaint", "registry", "registry.waiting", "036023", "2024-02-01", 5.0, True)] * 4
    rows += [("fault_report", "registry", "registry.waiting", "036023", "2024-05-01", 40.0, False)]
    rows += [("praise", "registry", "registry.waiting", "036023", "2024-06-01", None, None)]
    # Modena, 2023: 3 complaints "waiting" (below 5 in their year), all answered late
    rows += [("complaint", "registry", "registry.waiting", "036023", "2023-11-01", 35.0, False)] * 3
    # Trento, 2024: 5 "staff" complaints, 2 answered late, 2 on time, 1 open
    rows += [("complaint", "registry", "registry.staff", "022205", "2024-03-01", 45.0, False)] * 2
    rows += [("complaint", "registry", "registry.staff", "022205", "2024-03-02", 9.0, True)] * 2
    rows += [("complaint", "registry", "registry.staff", "022205", "2024-12-30", None, None)]
    # Trento, 2024: libraries, 5 answered, 1 late (20%: not above the 20% threshold)
    rows += [("complaint", "libraries", "", "022205", "2024-04-01", 3.0, True)] * 4
    rows += [("complaint", "libraries", "", "022205", "2024-04-01", 33.0, False)]
    return _cases(rows)


def test_hand_counted_actions() -> None:
    acts = actions_from_complaints(_office(), recurring=5, late_share=0.2, min_answered=3)
    by_id = acts.set_index("id")
    # recurring (>= 5 complaints and fault reports of a category in a year):
    #   Modena 2024 waiting: 4 complaints + 1 fault report = 5 (the praise does not count) -> yes
    #   Modena 2023 waiting: 3 -> no;  Trento 2024 staff: 5 -> yes;  libraries: no category
    # late (answered >= 3, late share > 20%):
    #   Modena 2024 registry: 5 answered, 1 late = 20% -> no
    #   Modena 2023 registry: 3 answered, 3 late = 100% -> yes, urgency 5 (>= 40%)
    #   Trento 2024 registry: 4 answered, 2 late = 50% -> yes, urgency 5
    #   Trento 2024 libraries: 5 answered, 1 late = 20% -> no
    assert sorted(by_id.index) == [
        "complaints-category-registry.staff-022205-2024",
        "complaints-category-registry.waiting-036023-2024",
        "complaints-late-registry-022205-2024",
        "complaints-late-registry-036023-2023",
    ]
    late = by_id.loc["complaints-late-registry-036023-2023"]
    assert late["evidence"] == "2023: 3 risposte su 3 oltre la scadenza (100%; soglia 20%)"
    assert (late["impact"], late["urgency"], late["source"]) == (4, 5, "complaints")
    assert late["title"] == "Rispondere ai reclami entro i termini: registry"
    assert late["expected_effect"] == "risposte oltre la scadenza non più del 20%"
    assert by_id.loc["complaints-late-registry-022205-2024", "evidence"] == (
        "2024: 2 risposte su 4 oltre la scadenza (50%; soglia 20%)"
    )
    waiting = by_id.loc["complaints-category-registry.waiting-036023-2024"]
    assert waiting["evidence"] == "2024: 5 reclami della categoria (soglia 5)"
    assert (waiting["impact"], waiting["urgency"], waiting["reference"]) == (
        3,
        3,
        "registry.waiting",
    )
    assert waiting["organization"] == "036023"
    # the table is an improvement plan's
    plan = ImprovementPlan.from_frame(acts)
    assert len(plan.actions) == 4


def test_impact_grows_with_the_count_and_quarters_split_the_year() -> None:
    rows = [("complaint", "registry", "registry.waiting", "036023", "2024-01-10", None, None)] * 20
    rows += [("complaint", "registry", "registry.waiting", "036023", "2024-04-10", None, None)] * 9
    acts = actions_from_complaints(_cases(rows), recurring=5).set_index("id")
    # 29 in the year: at least 4 x 5 -> impact 5
    assert acts.loc["complaints-category-registry.waiting-036023-2024", "impact"] == 5
    quarters = actions_from_complaints(_cases(rows), recurring=5, period="quarter")
    # 20 in Q1 (>= 4 x 5: impact 5), 9 in Q2 (>= 5 but < 10: impact 3)
    assert quarters.set_index("reference")["impact"].tolist() == [5, 3]
    assert quarters["evidence"].tolist() == [
        "1º trimestre 2024: 20 reclami della categoria (soglia 5)",
        "2º trimestre 2024: 9 reclami della categoria (soglia 5)",
    ]
    assert quarters["id"].str.endswith(("2024Q1", "2024Q2")).all()


def test_numbers_in_the_locale_and_texts_in_the_language() -> None:
    rows = [("complaint", "registry", "registry.waiting", "036023", "2024-01-10", 40.0, False)]
    rows = rows * 1234 + [(*rows[0][:5], 3.0, True)] * 2000
    catalog = catalog_with(_Plugin())
    it = actions_from_complaints(_cases(rows), recurring=1000, catalog=catalog)
    assert it["evidence"].tolist() == [
        "2024: 1.234 risposte su 3.234 oltre la scadenza (38,2%; soglia 20%)",
        "2024: 3.234 reclami della categoria (soglia 1.000)",
    ]
    assert it["title"].tolist() == [
        "Rispondere ai reclami entro i termini: Anagrafe",
        "Ridurre i reclami ricorrenti: Tempi di attesa",
    ]
    de = actions_from_complaints(_cases(rows), recurring=1000, catalog=catalog, lang="de")
    assert de["evidence"].tolist()[1] == "2024: 3.234 Beschwerden der Kategorie (Schwelle 1.000)"
    assert de["title"].tolist()[1] == "Wiederkehrende Beschwerden verringern: Wartezeiten"
    en = actions_from_complaints(_cases(rows), recurring=1000, catalog=catalog, lang="en")
    assert en["evidence"].tolist()[0] == (
        "2024: 1,234 of 3,234 answers after the deadline (38.2%; threshold 20%)"
    )


class _Plugin:
    @hookimpl
    def qualitapa_services(self) -> list[Service]:
        return [Service("registry", Text("Anagrafe", "Civil registry", de="Meldeamt"))]

    @hookimpl
    def qualitapa_complaint_categories(self) -> list[ComplaintCategory]:
        label = Text("Tempi di attesa", "Waiting times", de="Wartezeiten")
        return [ComplaintCategory("registry.waiting", label, "registry")]


def test_nothing_to_do_and_bad_input() -> None:
    assert actions_from_complaints(_office().iloc[:0]).empty
    assert actions_from_complaints(_office()).empty  # defaults: 10 a year, 5 answers
    with pytest.raises(Exception, match="period"):
        actions_from_complaints(_office(), period="week")
    with pytest.raises(Exception, match="received_date"):
        actions_from_complaints(_office().drop(columns="received_date"))


KINDS = st.sampled_from(["complaint", "fault_report", "praise", "suggestion"])
ROWS = st.lists(
    st.tuples(
        KINDS,
        st.sampled_from(["registry", "libraries"]),
        st.sampled_from(["a", "b", ""]),
        st.sampled_from(["036023", "022205"]),
        st.sampled_from(["2023-12-31", "2024-01-01", "2024-07-15"]),
        st.one_of(st.none(), st.sampled_from([3.0, 40.0])),
    ),
    max_size=60,
)


def _from(rows: list[tuple[str, str, str, str, str, float | None]]) -> pd.DataFrame:
    return _cases([(*r, None if r[5] is None else r[5] < 30) for r in rows])


def _by_hand(cases: pd.DataFrame, recurring: int, share: float, least: int) -> set[str]:
    """The same rules with a groupby and a loop over the groups: the independent count."""
    year = cases["received_date"].dt.year.astype(str)
    out = set()
    grievance = cases["kind"].isin(["complaint", "fault_report"]) & cases["category"].notna()
    counts = cases[grievance].groupby(["category", "organization", year[grievance]]).size()
    for (cat, org, y), n in counts.items():
        if n >= recurring:
            out.add(f"complaints-category-{cat}-{org}-{y}")
    answered = cases["answer_days"].notna()
    for (svc, org, y), group in cases[answered].groupby(
        ["service", "organization", year[answered]]
    ):
        late = int((~group["within_deadline"].astype(bool)).sum())
        if len(group) >= least and late / len(group) > share:
            out.add(f"complaints-late-{svc}-{org}-{y}")
    return out


@settings(max_examples=25, deadline=None)
@given(
    rows=ROWS,
    recurring=st.integers(1, 6),
    share=st.sampled_from([0.0, 0.2, 0.5]),
    least=st.integers(1, 4),
    seed=st.integers(0, 1000),
)
def test_properties_and_the_independent_count(
    rows: list[tuple[str, str, str, str, str, float | None]],
    recurring: int,
    share: float,
    least: int,
    seed: int,
) -> None:
    cases = _from(rows)
    acts = actions_from_complaints(cases, recurring=recurring, late_share=share, min_answered=least)
    ids = set(acts["id"])
    assert ids == _by_hand(cases, recurring, share, least)
    # the order of the rows does not matter
    shuffled = cases.sample(frac=1, random_state=seed).reset_index(drop=True)
    again = actions_from_complaints(
        shuffled, recurring=recurring, late_share=share, min_answered=least
    )
    pd.testing.assert_frame_equal(again, acts)
    # a higher threshold never adds an action
    stricter = actions_from_complaints(
        cases, recurring=recurring + 1, late_share=share + 0.1, min_answered=least + 1
    )
    assert set(stricter["id"]) <= ids
    # praise and suggestions never make a category recurring
    kinds = cases["kind"].to_numpy()
    praise = cases.assign(
        kind=np.where(np.isin(kinds, ["complaint", "fault_report"]), "praise", kinds)
    )
    assert not actions_from_complaints(praise, recurring=1)["id"].str.contains("category").any()


def test_plan_derive_from_the_register(tmp_path: Path) -> None:
    db = str(tmp_path / "urp.db")
    runner = CliRunner()
    src = tmp_path / "c.csv"
    src.write_text(
        "id;kind;channel;service;category;organization;received_at;status;answered_at\n"
        + "".join(
            f"2024/{i:06d};complaint;email;registry;registry.waiting;036023;"
            f"{'08/01/2024' if i <= 3 else '15/02/2024'};answered;"
            f"{'20/03/2024' if i <= 3 else '20/02/2024'}\n"
            for i in range(1, 7)
        ),
        encoding="cp1252",
    )
    result = runner.invoke(cli, ["complaints", "import", str(src), "--db", db, "--create"])
    assert result.exit_code == 0, result.stderr
    args = ["plan", "derive", "--complaints", db, "--recurring", "6", "--min-answered", "6"]
    result = runner.invoke(cli, [*args, "--format", "csv"], env={"QUALITAPA_LANG": "it"})
    assert result.exit_code == 0, result.stderr
    plan = pd.read_csv(io.StringIO(result.stdout), dtype=str).set_index("id")
    # six complaints of one category in 2024; three of six answered after 30 days
    # (8 January -> 20 March: 72 days), three within (15 -> 20 February)
    assert plan.loc["complaints-late-registry-036023-2024", "evidence"] == (
        "2024: 3 risposte su 6 oltre la scadenza (50%; soglia 20%)"
    )
    assert plan.loc["complaints-category-registry.waiting-036023-2024", "evidence"] == (
        "2024: 6 reclami della categoria (soglia 6)"
    )
    result = runner.invoke(
        cli,
        ["plan", "derive", "--complaints", db, "--recurring", "7", "--min-answered", "7"],
        env={"QUALITAPA_LANG": "it"},
    )
    assert result.exit_code == 0
    assert "nessuna azione proposta" in result.stderr
    result = runner.invoke(cli, ["plan", "derive", "--complaints", str(tmp_path / "no.db")])
    assert result.exit_code == 1
