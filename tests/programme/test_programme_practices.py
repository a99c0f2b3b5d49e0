"""Good practices: the register in the store, and the practices suggested for a city's gaps."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualitapa.errors import DataError, DefinitionError
from qualitapa.indicators import benchmark
from qualitapa.programme import (
    SUGGESTION_COLUMNS,
    Practice,
    ProgrammeStore,
    check_sheet,
    suggest_practices,
)

BY = "ufficio.qualita"
AT = dt.datetime(2024, 3, 1, 9, 0, tzinfo=dt.UTC)

POLARITY = {
    "r.wait": "lower_is_better",
    "r.online": "higher_is_better",
    "r.complaints": "lower_is_better",
    "r.tie": "higher_is_better",
    "r.few": "higher_is_better",
}


def values() -> pd.DataFrame:
    rows = [
        # r.wait (lower is better): a 30, b 10, c 20, d 25; spread 30 - 10 = 20, a's gap
        # 30 - 10 = 20: relative gap 20 / 20 = 1.0; b, c, d rank 1, 2, 3 above a (4)
        ("a", "r.wait", 30.0), ("b", "r.wait", 10.0), ("c", "r.wait", 20.0),
        ("d", "r.wait", 25.0),
        # r.online (higher is better): c 80 best, a 60 rank 2; spread 80 - 40 = 40, a's
        # gap 80 - 60 = 20: 20 / 40 = 0.5; only c does better (b, 50, does worse)
        ("a", "r.online", 60.0), ("b", "r.online", 50.0), ("c", "r.online", 80.0),
        ("d", "r.online", 40.0),
        # r.complaints (lower): b 2 best, a 5; spread 9 - 2 = 7, gap 3: 3 / 7 = 0.43; only b
        # does better and b has no practice on it: skipped
        ("a", "r.complaints", 5.0), ("b", "r.complaints", 2.0), ("c", "r.complaints", 8.0),
        ("d", "r.complaints", 9.0),
        # r.tie (higher): a 0 worst, spread 10 - 0 = 10, gap 10: 1.0, ties with r.wait
        ("a", "r.tie", 0.0), ("b", "r.tie", 10.0), ("c", "r.tie", 5.0), ("d", "r.tie", 2.0),
        # r.few: two cities only, too few to compare (the benchmark's minimum is 3)
        ("a", "r.few", 1.0), ("b", "r.few", 9.0),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["organization", "indicator", "value"]).assign(period=2024)


def table() -> pd.DataFrame:
    return benchmark(values(), definitions=POLARITY)


def practices() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "organization": ["b", "c", "c", "d", "a", "b", "b"],
            "practice": ["BP1", "CP1", "CP2", "DP1", "AP1", "BP2", "BP3"],
            "service": ["anagrafe"] * 7,
            "title_it": [
                "Prenotazione online",
                "Sportello unico",
                "App",
                "Orari estesi",
                "Nostra pratica",
                "Servizio digitale",
                "Pratica rara",
            ],
            "indicators": [
                "r.wait, r.online",
                "r.wait",
                "r.online",
                "r.wait",
                "r.complaints, r.wait",
                "r.tie",
                "r.few",
            ],
            "contact": ["p01", None, None, None, None, None, None],
            "documents": ["https://example.org/bp1.pdf", None, None, None, None, None, None],
        }
    )


def test_suggestions_hand_built() -> None:
    got = suggest_practices(table(), practices(), "a")
    assert list(got.columns) == list(SUGGESTION_COLUMNS)
    rows = got[["indicator", "relative_gap", "practice_organization", "practice",
                "practice_rank"]].values.tolist()  # fmt: skip
    assert rows == [
        # r.tie and r.wait tie at 1.0: indicator id order (r.tie < r.wait)
        ["r.tie", 1.0, "b", "BP2", 1],
        # within an indicator, by the rank of the city that does better
        ["r.wait", 1.0, "b", "BP1", 1],
        ["r.wait", 1.0, "c", "CP1", 2],
        ["r.wait", 1.0, "d", "DP1", 3],
        # a's own AP1 is never suggested; b's BP1 lists r.online but b does worse there
        ["r.online", 0.5, "c", "CP2", 1],
    ]
    # r.complaints (0.43) skipped: b does better but lists no practice on it; r.few is not
    # comparable (2 cities)
    wait = got[got["indicator"].eq("r.wait")].iloc[0]
    assert (wait["value"], wait["rank"], wait["gap_to_best"], wait["spread"]) == (30, 4, -20, 20)
    assert (wait["practice_value"], wait["title_it"]) == (10.0, "Prenotazione online")
    assert wait["documents"] == "https://example.org/bp1.pdf"


def test_n_keeps_the_worst_gaps_that_have_a_practice() -> None:
    assert suggest_practices(table(), practices(), "a", n=1)["indicator"].unique().tolist() == [
        "r.tie"
    ]
    two = suggest_practices(table(), practices(), "a", n=2)["indicator"].unique().tolist()
    assert two == ["r.tie", "r.wait"]


def test_the_best_city_gets_nothing_where_it_is_best() -> None:
    # b is best on r.wait, r.complaints, r.tie; on r.online (rank 3 of 4) c and a do better:
    # c's CP2; a's AP1 does not list r.online
    got = suggest_practices(table(), practices(), "b")
    assert got[["indicator", "practice"]].values.tolist() == [["r.online", "CP2"]]
    # relative gap (80 - 50) / 40 = 0.75
    assert got["relative_gap"].item() == pytest.approx(0.75)


def test_period_latest_by_default_or_as_asked() -> None:
    old = values().assign(period=2023)
    old.loc[old["indicator"].eq("r.wait") & old["organization"].eq("a"), "value"] = 5.0
    both = benchmark(pd.concat([old, values()], ignore_index=True), definitions=POLARITY)
    latest = suggest_practices(both, practices(), "a")
    assert set(latest["period"]) == {"2024"}
    assert latest.equals(suggest_practices(both, practices(), "a", period=2024))
    # in 2023 a was best on r.wait (5): no r.wait practice for that year
    in_2023 = suggest_practices(both, practices(), "a", period="2023")
    assert "r.wait" not in set(in_2023["indicator"])
    assert set(in_2023["period"]) == {"2023"}


def test_bad_input_is_a_typed_error() -> None:
    with pytest.raises(DataError, match="'aa' is not in the benchmark; did you mean a"):
        suggest_practices(table(), practices(), "aa")
    with pytest.raises(DataError, match="column 'indicators'"):
        suggest_practices(table(), practices().drop(columns="indicators"), "a")
    with pytest.raises(DataError, match="n must be"):
        suggest_practices(table(), practices(), "a", n=0)


def test_no_practices_no_suggestions() -> None:
    got = suggest_practices(table(), practices().iloc[:0], "a")
    assert got.empty
    assert list(got.columns) == list(SUGGESTION_COLUMNS)


def test_peer_groups_are_separate_comparisons() -> None:
    # in the group {a, c, d} a's r.wait gap is 30 - 20 = 10 of a spread 10: still 1.0,
    # but b, in another group, is not suggested to a
    groups = {"a": "x", "c": "x", "d": "x", "b": "y"}
    grouped = benchmark(values(), definitions=POLARITY, peer_groups=groups)
    got = suggest_practices(grouped, practices(), "a")
    assert "b" not in set(got["practice_organization"])
    alone = benchmark(values().query("organization != 'b'"), definitions=POLARITY)
    expected = suggest_practices(alone, practices(), "a")
    pd.testing.assert_frame_equal(got, expected)


# -- the register -----------------------------------------------------------------------


def test_practices_round_trip_through_the_store(tmp_path: Path) -> None:
    sheet = practices().assign(organization="036023", since=["2019", 2020, None, None, None,
                                                             None, None])  # fmt: skip
    people = pd.DataFrame({"person": ["p01"], "name": ["Anna Bianchi"]})
    with ProgrammeStore(tmp_path / "p.db") as store:
        store.import_sheets({"people": people, "practices": sheet}, by=BY, at=AT)
        stored = store.table("practices")
        since = stored.set_index("practice")["since"]
        assert (since["BP1"], since["CP1"]) == (2019, 2020)
        assert pd.isna(since["AP1"])
        for target in ("buone.xlsx", "buone"):
            again = store.import_file(store.export(tmp_path / target), by=BY)
            assert not again.has_changes
            assert again.conflicts.empty
        row = store._text_table("practices").set_index("practice").loc["BP1"].to_dict()
        row["practice"] = "BP1"
        practice = Practice.from_mapping(row)
        assert practice.indicators == ("r.wait", "r.online")
        assert practice.since == 2019


def test_a_contact_is_a_person_of_the_people_sheet() -> None:
    with pytest.raises(DataError, match=r"row 1, column 'contact'.*unknown person 'p9'"):
        check_sheet(practices().assign(contact=["p9"] + [None] * 6), "practices",
                    known={"people": {"p01"}})  # fmt: skip


def test_documents_must_be_web_addresses() -> None:
    row = {"organization": "a", "practice": "P", "title_it": "x",
           "documents": "https://ok.example/a.pdf; javascript:alert(1)"}  # fmt: skip
    with pytest.raises(DefinitionError, match="not a web address"):
        Practice.from_mapping(row)


# -- properties -------------------------------------------------------------------------


@settings(max_examples=15)
@given(data=st.data())
def test_row_order_is_irrelevant(data: st.DataObject) -> None:
    bench, prac = table(), practices()
    shuffled_bench = bench.iloc[data.draw(st.permutations(list(range(len(bench)))))]
    shuffled_prac = prac.iloc[data.draw(st.permutations(list(range(len(prac)))))]
    pd.testing.assert_frame_equal(
        suggest_practices(bench, prac, "a"), suggest_practices(shuffled_bench, shuffled_prac, "a")
    )


@settings(max_examples=20)
@given(
    numbers=st.lists(st.integers(0, 20), min_size=3, max_size=6),
    who=st.integers(0, 5),
    higher=st.booleans(),
)
def test_polarity_flip_changes_which_cities_are_suggested(
    numbers: list[int], who: int, higher: bool
) -> None:
    cities = [f"c{i}" for i in range(len(numbers))]
    city = cities[who % len(cities)]
    vals = pd.DataFrame({"organization": cities, "period": 2024, "indicator": "r.x",
                         "value": [float(v) for v in numbers]})  # fmt: skip
    prac = pd.DataFrame({"organization": cities, "practice": [f"P{c}" for c in cities],
                         "title_it": "pratica", "indicators": "r.x"})  # fmt: skip
    mine = dict(zip(cities, numbers, strict=True))[city]
    for polarity, better in (("higher_is_better", lambda v: v > mine),
                             ("lower_is_better", lambda v: v < mine)):  # fmt: skip
        got = suggest_practices(benchmark(vals, definitions={"r.x": polarity}), prac, city)
        compared = len(set(numbers)) > 1
        expected = {c for c, v in zip(cities, numbers, strict=True) if better(v)}
        assert set(got["practice_organization"]) == (expected if compared else set())
        assert city not in set(got["practice_organization"])
        # best first: the suggested cities' values are in the order of the polarity
        shown = got["practice_value"].tolist()
        assert shown == sorted(shown, reverse=polarity == "higher_is_better")
