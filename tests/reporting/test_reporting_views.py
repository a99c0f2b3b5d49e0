"""The report's indicator views computed for all indicators at once (issue 25).

The views of a table of several indicators are those of each indicator's rows
alone (indicators are independent: ranks come from :func:`benchmark` within an
indicator and period), and an indicator's history is what
``pivot_table(aggfunc="first", dropna=False)`` gives, the code it replaced.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from qualitapa.indicators import IndicatorDefinition
from qualitapa.reporting import ReportInputs
from qualitapa.reporting._html import _context
from qualitapa.reporting._sections._view import _history, indicator_view, views

ORGS = ["036023", "022205", "001272", "015146", "21008"]
IDS = ["registry.wait", "registry.share", "registry.plain"]
DEFINITIONS = [
    IndicatorDefinition.from_mapping(
        {
            "id": i,
            "label": i,
            "service": "registry",
            "dimension": "quality",
            "formula": "a / b",
            "polarity": p,
            "unit": "%",
        }
    )
    for i, p in zip(IDS[:2], ["lower_is_better", "higher_is_better"], strict=True)
]

rows = st.lists(
    st.tuples(
        st.sampled_from(IDS),
        st.sampled_from(ORGS),
        st.sampled_from([2021, 2022, 2023, 2024, 2025]),
        st.one_of(st.none(), st.sampled_from([1.0, 2.0, 2.0, 3.5, -1.0])),
    ),
    max_size=40,
)


def _frame(found: list[tuple[str, str, int, float | None]]) -> pd.DataFrame:
    frame = pd.DataFrame(found, columns=["indicator", "organization", "period", "value"])
    frame["value"] = frame["value"].astype(float)
    # "registry.plain" has no definition: its polarity is the table's
    frame["polarity"] = np.where(frame["indicator"] == "registry.share", "", "lower_is_better")
    return frame


def _ctx():
    inputs = ReportInputs(period=2024, definitions=DEFINITIONS, charts=False, min_compared=2)
    return _context(inputs)


@given(rows)
def test_the_views_of_a_table_are_each_indicator_s_view_alone(found):
    frame = _frame(found)
    together = views(_context(ReportInputs(period=2024, definitions=DEFINITIONS, charts=False,
                                           min_compared=2, indicators=frame)))  # fmt: skip
    shown = dict.fromkeys(frame["indicator"])
    alone = [indicator_view(_ctx(), frame[frame["indicator"] == i], i) for i in shown]
    alone = [v for v in alone if len(v.current) or len(v.history)]
    assert [v.indicator for v in together] == [v.indicator for v in alone]
    for a, b in zip(together, alone, strict=True):
        assert (a.label, a.unit, a.sign) == (b.label, b.unit, b.sign)
        pd.testing.assert_frame_equal(a.current, b.current)
        pd.testing.assert_frame_equal(a.history, b.history)
        np.testing.assert_equal([a.median, a.previous_median], [b.median, b.previous_median])


@given(rows)
def test_the_history_is_pivot_table_s_first_value(found):
    frame = _frame(found)
    data = pd.DataFrame({"organization": frame["organization"].astype(str),
                         "period": frame["period"].astype(str),
                         "value": frame["value"]})  # fmt: skip
    periods = sorted(set(data["period"]) - {"2025"}, key=int)
    expected = (
        data.loc[data["period"].isin(periods)]
        .pivot_table(index="period", columns="organization", values="value", aggfunc="first",
                     dropna=False)
        .reindex(periods)
    )  # fmt: skip
    got = _history(*(data[c].to_numpy(dtype=object) for c in ("organization", "period")),
                   data["value"].to_numpy(), periods)  # fmt: skip
    if expected.empty:  # no row: nothing to compare but the periods
        assert list(got.index) == periods
        assert got.shape[1] == 0
        return
    pd.testing.assert_frame_equal(got, expected)
