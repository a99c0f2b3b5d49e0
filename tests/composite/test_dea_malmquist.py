"""Malmquist productivity index: a published worked example, an independent LP, properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from qualitapa.composite import dea, malmquist, radial_scores
from qualitapa.errors import DataError


def _long(X: list[list[float]], Y: list[list[float]]) -> pd.DataFrame:
    """One input, one output: X[t][i], Y[t][i] as a long frame."""
    return pd.DataFrame(
        [
            {"organization": f"u{i}", "period": t, "x": X[t][i], "y": Y[t][i]}
            for t in range(len(X))
            for i in range(len(X[t]))
        ]
    )


# The test suite of the Julia package DataEnvelopmentAnalysis.jl (Barbero & Zofio), opened
# with the search tool: javierbarbero/DataEnvelopmentAnalysis.jl at commit 290feb40,
# test/malmquist.jl: five units, one input, one output, three periods; CRS, input orientation,
# geometric-mean reference ("Default Malmquist Productivity Index"); output orientation gives
# the same numbers (the same test).
JULIA_X = [[2, 3, 5, 4, 4], [1, 2, 4, 3, 4], [0.5, 1.5, 3, 2, 4]]
JULIA_Y = [[1, 4, 6, 3, 5], [1, 4, 6, 3, 3], [2, 4, 6, 3, 1]]
JULIA_M = [[2.0, 1.5, 1.25, 1.3333333333, 0.6], [4.0, 1.3333333, 1.3333333, 1.5, 0.3333333]]
JULIA_EC = [
    [1.3333333333, 1.0, 0.8333333333, 0.8888888889, 0.4],
    [2.0, 0.6666667, 0.6666667, 0.75, 0.1666667],
]
JULIA_TC = [[1.5] * 5, [2.0] * 5]


@pytest.mark.parametrize("orientation", ["input", "output"])
def test_julia_worked_example_three_periods(orientation):
    res = malmquist(_long(JULIA_X, JULIA_Y), inputs=["x"], outputs=["y"], orientation=orientation)
    ind = res.indices
    for k, (p0, p1) in enumerate([(0, 1), (1, 2)]):
        pair = ind[(ind["period_from"] == p0) & (ind["period_to"] == p1)]
        assert pair["organization"].tolist() == [f"u{i}" for i in range(5)]
        np.testing.assert_allclose(pair["malmquist"], JULIA_M[k], atol=1e-7)
        np.testing.assert_allclose(pair["efficiency_change"], JULIA_EC[k], atol=1e-7)
        np.testing.assert_allclose(pair["technical_change"], JULIA_TC[k], atol=1e-7)
    assert (ind["status"] == "ok").all()


def _distance(x0, y0, X, Y, rts, orientation):
    """Radial efficiency of (x0, y0) against the technology of (X, Y): one envelopment LP.

    Written here independently of the library: variables (lambda_1..n, t), minimise theta
    (input) or maximise phi (output); returns theta or 1/phi, NaN when infeasible.
    """
    n, m = X.shape
    s = Y.shape[1]
    if orientation == "input":  # X'l - theta x0 <= 0 ; -Y'l <= -y0
        c = np.r_[np.zeros(n), 1.0]
        A = np.vstack([np.hstack([X.T, -x0[:, None]]), np.hstack([-Y.T, np.zeros((s, 1))])])
        b = np.r_[np.zeros(m), -y0]
    else:  # X'l <= x0 ; -Y'l + phi y0 <= 0 ; maximise phi
        c = np.r_[np.zeros(n), -1.0]
        A = np.vstack([np.hstack([X.T, np.zeros((m, 1))]), np.hstack([-Y.T, y0[:, None]])])
        b = np.r_[x0, np.zeros(s)]
    A_eq = b_eq = None
    if rts == "vrs":
        A_eq, b_eq = np.r_[np.ones(n), 0.0][None, :], [1.0]
    res = linprog(c, A_ub=A, b_ub=b, A_eq=A_eq, b_eq=b_eq, bounds=(0, None), method="highs")
    if res.status == 2:
        return np.nan
    assert res.status == 0, res.message
    return res.fun if orientation == "input" else 1.0 / -res.fun


def _reference_malmquist(X0, Y0, X1, Y1, rts, orientation):
    """M, EC, TC of each unit from the four distances, one linprog each."""
    d = {
        key: np.array([_distance(xa[i], ya[i], xb, yb, rts, orientation) for i in range(len(X0))])
        for key, (xa, ya, xb, yb) in {
            "00": (X0, Y0, X0, Y0),
            "11": (X1, Y1, X1, Y1),
            "10": (X1, Y1, X0, Y0),
            "01": (X0, Y0, X1, Y1),
        }.items()
    }
    ec = d["11"] / d["00"]
    tc = np.sqrt(d["10"] / d["11"] * d["00"] / d["01"])
    return ec * tc, ec, tc, d


def _panel(seed: int, n: int = 12, m: int = 2, s: int = 2):
    rng = np.random.default_rng(seed)
    X0 = rng.uniform(1, 10, (n, m))
    Y0 = rng.uniform(1, 10, (n, s))
    # the next period: a frontier shift and idiosyncratic changes
    X1 = X0 * rng.uniform(0.6, 1.2, (n, m))
    Y1 = Y0 * rng.uniform(0.8, 1.5, (n, s))
    rows = []
    for t, (X, Y) in enumerate([(X0, Y0), (X1, Y1)]):
        for i in range(n):
            rows.append(
                {"organization": f"c{i:02d}", "period": 2023 + t}
                | {f"x{j}": X[i, j] for j in range(m)}
                | {f"y{j}": Y[i, j] for j in range(s)}
            )
    return (
        pd.DataFrame(rows),
        (X0, Y0, X1, Y1),
        [f"x{j}" for j in range(m)],
        [f"y{j}" for j in range(s)],
    )


@pytest.mark.parametrize("rts", ["crs", "vrs"])
@pytest.mark.parametrize("orientation", ["input", "output"])
@pytest.mark.parametrize("seed", [1, pytest.param(2, marks=pytest.mark.slow)])
def test_against_an_independent_lp_per_unit(rts, orientation, seed):
    df, (X0, Y0, X1, Y1), inputs, outputs = _panel(seed)
    res = malmquist(df, inputs=inputs, outputs=outputs, rts=rts, orientation=orientation)
    m, ec, tc, d = _reference_malmquist(X0, Y0, X1, Y1, rts, orientation)
    np.testing.assert_allclose(res.indices["malmquist"], m, rtol=1e-6)
    np.testing.assert_allclose(res.indices["efficiency_change"], ec, rtol=1e-6)
    np.testing.assert_allclose(res.indices["technical_change"], tc, rtol=1e-6)
    np.testing.assert_allclose(res.distances["eff_to_on_from"], d["10"], rtol=1e-6)
    np.testing.assert_allclose(res.distances["eff_from_on_to"], d["01"], rtol=1e-6)
    infeasible = np.isnan(d["10"]) | np.isnan(d["01"])
    assert (res.indices["status"] != "ok").tolist() == infeasible.tolist()


def test_vrs_cross_period_infeasible_lp_is_nan_with_its_reason():
    # u0's period-1 input (1) is below every period-0 input: under VRS and output orientation
    # the period-0 technology has no point using so little (DataEnvelopmentAnalysis.jl data)
    res = malmquist(
        _long(JULIA_X[:2], JULIA_Y[:2]),
        inputs=["x"],
        outputs=["y"],
        rts="vrs",
        orientation="output",
    )
    row = res.indices.iloc[0]
    assert row["status"] == "infeasible_on_earlier"
    assert np.isnan(row["malmquist"])
    assert np.isnan(row["technical_change"])
    assert row["efficiency_change"] == pytest.approx(1.0)  # within-period scores still exist
    assert "pure_efficiency_change" not in res.indices.columns
    assert res.summary.loc[0, "n"] == 4


def test_crs_decomposition_and_dea_consistency():
    df, _, inputs, outputs = _panel(7)
    res = malmquist(df, inputs=inputs, outputs=outputs)
    ind, dist = res.indices, res.distances
    np.testing.assert_allclose(ind["efficiency_change"] * ind["technical_change"], ind["malmquist"])
    np.testing.assert_allclose(
        ind["pure_efficiency_change"] * ind["scale_efficiency_change"], ind["efficiency_change"]
    )
    for period, column, vcol in [
        (2023, "eff_from", "vrs_eff_from"),
        (2024, "eff_to", "vrs_eff_to"),
    ]:
        one = df[df["period"] == period]
        for rts, col in (("crs", column), ("vrs", vcol)):
            scores = dea(one, inputs=inputs, outputs=outputs, rts=rts, slacks=False).scores
            np.testing.assert_allclose(dist[col], scores["efficiency"], rtol=1e-7)


def test_reversing_time_inverts_the_crs_index():
    df, _, inputs, outputs = _panel(4)
    forward = malmquist(df, inputs=inputs, outputs=outputs)
    back = malmquist(df.assign(period=-df["period"]), inputs=inputs, outputs=outputs)
    for col in ("malmquist", "efficiency_change", "technical_change"):
        np.testing.assert_allclose(forward.indices[col], 1 / back.indices[col], rtol=1e-7)


@settings(max_examples=5, deadline=None)
@given(seed=st.integers(0, 10_000), factor=st.floats(0.5, 2.0))
def test_crs_input_scaling_of_a_period_scales_the_index(seed, factor):
    # all period-2 inputs times c: the period-2 frontier moves with them, so EC is unchanged and
    # productivity (and TC) change by 1/c
    df, _, inputs, outputs = _panel(seed, n=8)
    later = df["period"] == 2024
    scaled = df.copy()
    scaled.loc[later, inputs] = scaled.loc[later, inputs] * factor
    a = malmquist(df, inputs=inputs, outputs=outputs).indices
    b = malmquist(scaled, inputs=inputs, outputs=outputs).indices
    np.testing.assert_allclose(b["efficiency_change"], a["efficiency_change"], rtol=1e-6)
    np.testing.assert_allclose(b["malmquist"], a["malmquist"] / factor, rtol=1e-6)


def test_row_order_and_text_periods():
    df, _, inputs, outputs = _panel(5)
    a = malmquist(df, inputs=inputs, outputs=outputs).indices
    shuffled = df.sample(frac=1.0, random_state=3).assign(period=lambda d: d["period"].astype(str))
    b = malmquist(shuffled, inputs=inputs, outputs=outputs).indices
    b = b.sort_values("organization").reset_index(drop=True)
    assert b["period_from"].unique().tolist() == ["2023"]
    np.testing.assert_allclose(b["malmquist"], a["malmquist"], rtol=1e-7)


def test_unbalanced_panel_says_who_is_missing():
    df = _long(JULIA_X, JULIA_Y)
    df = df[~((df["organization"] == "u4") & (df["period"] == 1))]
    res = malmquist(df, inputs=["x"], outputs=["y"])
    ind = res.indices
    gone = ind[ind["organization"] == "u4"]
    assert gone["status"].tolist() == ["not_in_both_periods", "not_in_both_periods"]
    assert gone["malmquist"].isna().all()
    assert res.summary["n"].tolist() == [4, 4]


def test_summary_is_the_geometric_mean():
    res = malmquist(_long(JULIA_X, JULIA_Y), inputs=["x"], outputs=["y"])
    expected = np.exp(np.log(JULIA_M[0]).mean())
    assert res.summary.loc[0, "malmquist"] == pytest.approx(expected)
    assert res.summary.loc[0, "n"] == 5


def test_radial_scores_beyond_the_frontier_exceed_one():
    eff, ok = radial_scores(
        np.array([[1.0]]), np.array([[4.0]]), np.array([[2.0]]), np.array([[4.0]])
    )
    assert ok[0]
    assert eff[0] == pytest.approx(2.0)


def test_errors():
    df = _long(JULIA_X, JULIA_Y)
    with pytest.raises(DataError, match="at least two periods"):
        malmquist(df[df["period"] == 0], inputs=["x"], outputs=["y"])
    with pytest.raises(DataError, match="period is missing"):
        malmquist(df.assign(period=df["period"].where(df.index != 3)), inputs=["x"], outputs=["y"])
    with pytest.raises(DataError, match="input must be positive"):
        malmquist(df.assign(x=df["x"].where(df.index != 7, 0.0)), inputs=["x"], outputs=["y"])
    with pytest.raises(DataError, match="once"):
        malmquist(pd.concat([df, df.iloc[[0]]]), inputs=["x"], outputs=["y"])


def test_each_pair_of_periods_is_its_own_two_period_run():
    df = _long(JULIA_X, JULIA_Y)
    whole = malmquist(df, inputs=["x"], outputs=["y"], rts="vrs").indices
    for p0, p1 in [(0, 1), (1, 2)]:
        alone = malmquist(df[df["period"].isin([p0, p1])], inputs=["x"], outputs=["y"], rts="vrs")
        part = whole[whole["period_from"] == p0].reset_index(drop=True)
        pd.testing.assert_frame_equal(part, alone.indices)


def test_deap_published_distances_give_deap_published_indices():
    # DEAP 2.1's example 4 (Coelli 1996, "A Guide to DEAP Version 2.1", CEPA WP 96/08): its
    # output file EG4-OUT.TXT, opened with the search tool (jthuang.nccu.edu.tw, "Results from
    # DEAP Version 2.1 ... Output orientated Malmquist DEA"), prints for five firms the
    # distances of year 1 and 2 (3 decimals) and the indices from year 1 to 2. We could not
    # open its data file, so this checks our formulas and their conventions (which
    # cross-period distance goes where, the VRS decomposition) on DEAP's own numbers.
    from qualitapa.composite._malmquist import _from_distances

    e00 = np.array([0.500, 0.500, 1.000, 0.800, 0.833])  # year 1, "crs te rel to tech in yr t"
    e01 = np.array([0.375, 0.375, 0.750, 0.600, 0.625])  # year 1 on the year-2 technology
    e10 = np.array([0.500, 0.750, 1.333, 0.600, 1.000])  # year 2 on the year-1 technology
    e11 = np.array([0.375, 0.563, 1.000, 0.450, 0.750])  # year 2, own technology
    vrs = (np.array([1.0, 0.545, 1.0, 0.923, 1.0]), np.array([1.0, 0.667, 1.0, 0.600, 1.0]))
    got = _from_distances(e00, e11, e10, e01, vrs)
    published = {  # "MALMQUIST INDEX SUMMARY, year = 2"
        "efficiency_change": [0.750, 1.125, 1.000, 0.562, 0.900],
        "technical_change": [1.333] * 5,
        "pure_efficiency_change": [1.000, 1.222, 1.000, 0.650, 1.000],
        "scale_efficiency_change": [0.750, 0.920, 1.000, 0.865, 0.900],
        "malmquist": [1.000, 1.500, 1.333, 0.750, 1.200],
    }
    for name, values in published.items():
        np.testing.assert_allclose(got[name], values, atol=3e-3, err_msg=name)
    # the "mean" row is the geometric mean: effch 0.844, tfpch 1.125
    assert np.exp(np.log(got["efficiency_change"]).mean()) == pytest.approx(0.844, abs=1e-3)
    assert np.exp(np.log(got["malmquist"]).mean()) == pytest.approx(1.125, abs=1e-3)


@pytest.mark.parametrize(
    "labels",
    [
        ["2024-9", "2024-10", "2024-11"],  # text order: 2024-10, 2024-11, 2024-9
        ["2024Q4", "2025Q1", "2025-Q2"],
        ["2024-09-30", "2024-10-31", "2024-11-30"],
        ["9", "10", "11"],  # numbers written as text
    ],
)
def test_text_periods_are_put_in_time_order_not_letter_order(labels):
    # before: "2024-9, 2024-10, 2024-11" gave the pairs 2024-10 -> 2024-11 -> 2024-9 without a word
    X = [[2, 3, 5, 4], [1, 2, 4, 3], [0.5, 1.5, 3, 2]]
    Y = [[1, 4, 6, 3], [1, 4, 6, 3], [2, 4, 6, 3]]
    numbered = malmquist(_long(X, Y), inputs=["x"], outputs=["y"]).indices
    df = _long(X, Y).assign(period=lambda d: d["period"].map(dict(enumerate(labels))))
    named = malmquist(df.iloc[::-1], inputs=["x"], outputs=["y"]).indices
    pairs = named[["period_from", "period_to"]].drop_duplicates().values.tolist()
    assert pairs == [[labels[0], labels[1]], [labels[1], labels[2]]]
    position = {label: t for t, label in enumerate(labels)}
    named = named.assign(period_from=named["period_from"].map(position))
    named = named.sort_values(["period_from", "organization"]).reset_index(drop=True)
    numbered = numbered.sort_values(["period_from", "organization"]).reset_index(drop=True)
    np.testing.assert_allclose(named["malmquist"], numbered["malmquist"], rtol=1e-9)


@pytest.mark.parametrize("labels", [["T1 2024", "T2 2024", "T3 2024"], ["2024", "2024-10", "2025"]])
def test_periods_without_a_time_order_are_refused(labels):
    X = [[2, 3, 5, 4], [1, 2, 4, 3], [0.5, 1.5, 3, 2]]
    Y = [[1, 4, 6, 3], [1, 4, 6, 3], [2, 4, 6, 3]]
    df = _long(X, Y).assign(period=lambda d: d["period"].map(dict(enumerate(labels))))
    with pytest.raises(DataError, match="time order") as caught:
        malmquist(df, inputs=["x"], outputs=["y"], source="dati.csv")
    assert caught.value.column == "period"
    assert caught.value.source == "dati.csv"
