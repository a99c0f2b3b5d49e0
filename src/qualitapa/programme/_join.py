"""A left join on keys the right table holds once, as a dictionary: a sheet's rows cost less.

:func:`left_join` gives what ``left.merge(right, on=on, how="left",
validate=...)`` gives, and its errors: on the few rows of a programme's
sheets a merge costs ten times the lookup. Where the lookup would not be the
merge (keys repeated in ``right``, missing keys, key columns of different
dtypes, columns of the same name), it is the merge.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from qualitapa.programme._cells import blank


def left_join(
    left: pd.DataFrame,
    right: pd.DataFrame,
    on: Sequence[str],
    *,
    validate: Literal["many_to_one", "one_to_one"] = "many_to_one",
) -> pd.DataFrame:
    """``left.merge(right, on=on, how="left", validate=validate)``, by a dictionary.

    Examples
    --------
    >>> left = pd.DataFrame({"course": ["C1", "C2", "C1"], "person": ["e1", "e1", "e2"]})
    >>> right = pd.DataFrame({"course": ["C1"], "hours": [3.0]})
    >>> left_join(left, right, ["course"])
      course person  hours
    0     C1     e1    3.0
    1     C2     e1    NaN
    2     C1     e2    3.0
    """
    keys = list(on)
    rows = list(zip(*(right[c].tolist() for c in keys), strict=True))
    cells = list(zip(*(left[c].tolist() for c in keys), strict=True))
    where = {key: i for i, key in enumerate(rows)}
    others = [c for c in right.columns if c not in keys]
    if (
        len(where) < len(rows)
        or (validate == "one_to_one" and len(set(cells)) < len(cells))
        or any(left[c].dtype != right[c].dtype for c in keys)
        or any(blank(v) for key in (*rows, *cells) for v in key)
        or any(
            not isinstance(v, str)
            for i, c in enumerate(keys)
            if left[c].dtype == object
            for key in (*rows, *cells)
            for v in (key[i],)
        )  # objects that are not text: equal as pandas decides (1 and 1.0, True and 1)
        or set(others) & set(left.columns)
    ):
        return left.merge(right, on=keys, how="left", validate=validate)
    position = np.array([where.get(key, -1) for key in cells], dtype=np.intp)
    taken = right[others].reset_index(drop=True).reindex(position)
    return pd.concat([left.reset_index(drop=True), taken.reset_index(drop=True)], axis=1)
