"""Local questions in the data: which groups of respondents each question applies to.

A *local* question (:attr:`Question.organizations`) is asked only of the
respondents of some organizations. The responses say whose respondent each
row is in the column :data:`ORGANIZATION`. The rules (``docs/surveys.md``):

* a result of a local question is given for a group of respondents only when
  the question applies to *every* organization of the group (one row per
  group and question, never a row of NaN for the others);
* comparisons across organizations use only the questions that apply to every
  compared organization;
* a respondent whose organization is unknown (no such column, or an empty
  cell) was asked the shared questions only.

Organization ids are text (``"021008"``); a column read as numbers
(``21008``) is matched to the ids without their leading zeros.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import attrs
import numpy as np
import numpy.typing as npt
import pandas as pd

from qualitapa.errors import DataError
from qualitapa.surveys._models import Instrument, Question
from qualitapa.surveys._stats import Groups, make_groups

#: The column of the responses naming each respondent's organization.
ORGANIZATION = "organization"


def _canonical(value: object) -> str | None:
    """A key matching an id to its value read as a number: no leading zeros."""
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return str(int(value))
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    text = str(value).strip()
    if text.isdigit():
        return text.lstrip("0") or "0"
    return text


def organization_ids(values: pd.Series[str], ids: Iterable[str]) -> npt.NDArray[np.object_]:
    """The organization of each row as one of ``ids`` when it is one, else as text.

    Missing organizations are None. ``21008`` (a code read as a number)
    matches the id ``"021008"``.

    Examples
    --------
    >>> organization_ids(pd.Series([21008, "022205", None]), ["021008"]).tolist()
    ['021008', '022205', None]
    """
    known = {_canonical(i): i for i in ids}
    uniq = pd.unique(values.to_numpy(dtype=object))
    table: dict[object, str | None] = {}
    for u in uniq:  # the few distinct organizations, not the rows
        key = _canonical(u)
        table[u] = None if key is None else known.get(key, str(u).strip())
    out = np.empty(len(values), dtype=object)
    codes, labels = pd.factorize(values.to_numpy(dtype=object), use_na_sentinel=True)
    mapped = np.array([table.get(x) for x in labels] + [None], dtype=object)
    out[:] = mapped[codes]  # code -1 (missing) takes the last entry, None
    return out


def local_ids(instrument: Instrument) -> list[str]:
    """Every organization id named by a local question of ``instrument``."""
    return sorted({o for q in instrument.local_questions() for o in q.organizations})


def organizations_in(instrument: Instrument, responses: pd.DataFrame) -> list[str | None] | None:
    """The organizations of the responses (None when they have no organization column)."""
    if ORGANIZATION not in responses.columns:
        return None
    orgs = organization_ids(responses[ORGANIZATION], local_ids(instrument))
    return [None if o is None else str(o) for o in pd.unique(orgs)]


def applicable(
    instrument: Instrument,
    responses: pd.DataFrame,
    groups: Groups,
    questions: Sequence[Question],
) -> npt.NDArray[np.bool_]:
    """(groups, questions): whether each question applies to every organization of the group.

    Shared questions apply everywhere. A respondent whose organization is
    unknown (no organization column, or an empty cell) is asked no local
    question.
    """
    out = np.ones((groups.n, len(questions)), dtype=bool)
    local = [j for j, q in enumerate(questions) if q.is_local]
    if not local:
        return out
    if ORGANIZATION not in responses.columns:
        out[:, local] = False
        return out
    orgs = organization_ids(responses[ORGANIZATION], local_ids(instrument))
    pairs = pd.DataFrame({"g": groups.codes, "o": orgs}).drop_duplicates()
    g = pairs["g"].to_numpy()
    o = pairs["o"].to_numpy(dtype=object)
    for j in local:  # loop over the few local questions; vectorised over groups
        ok = np.isin(o, np.asarray(questions[j].organizations, dtype=object))
        out[np.unique(g[~ok]), j] = False
    return out


def with_questions(instrument: Instrument, keep: Iterable[str]) -> Instrument:
    """``instrument`` with only the questions ``keep`` (closed under their references)."""
    ids = set(keep)
    if len(ids) == len(instrument.questions):
        return instrument
    questions = tuple(q for q in instrument.questions if q.id in ids)
    previous = {k: v for k, v in instrument.previous_version.items() if k in ids}
    return attrs.evolve(instrument, questions=questions, previous_version=previous)


def common_instrument(instrument: Instrument, responses: pd.DataFrame) -> Instrument:
    """The questions asked in every organization of the responses.

    The shared ones only when an organization is unknown (see :func:`applicable`).
    """
    if not instrument.local_questions():
        return instrument
    orgs = organizations_in(instrument, responses)
    known = [o for o in orgs or () if o is not None]
    if orgs is None or len(known) < len(orgs):
        return instrument.shared()
    return instrument.for_organizations(known)


def by_scope(
    instrument: Instrument,
    responses: pd.DataFrame,
    by: str | Sequence[str] | None,
    run: Callable[[Instrument, pd.DataFrame], pd.DataFrame],
) -> pd.DataFrame:
    """``run`` on each set of groups asked the same questions; the results in group order.

    Each group of ``by`` is analysed with the questions that apply to every
    organization of its respondents, so a group's rows are those of a
    separate run on its respondents. ``run`` must return a group-major
    table with the same number of rows for each group (as the scoring
    functions do).
    """
    if not instrument.local_questions():
        return run(instrument, responses)
    groups = make_groups(responses, by)
    qs = list(instrument.questions)
    ok = applicable(instrument, responses, groups, qs)
    keys, scope = np.unique(ok, axis=0, return_inverse=True)
    scope = np.asarray(scope).reshape(-1)
    if len(keys) == 1:
        if not keys[0].any():
            raise DataError(
                "none of the instrument's questions is asked of these respondents (its "
                "questions are local to other organizations)",
                column=ORGANIZATION,
            )
        return run(
            with_questions(instrument, [q.id for q, a in zip(qs, keys[0], strict=True) if a]),
            responses,
        )
    parts = []
    row_scope = scope[groups.codes]
    for s, key in enumerate(keys):  # loop over the few scopes, not over groups
        if not key.any():  # only local questions, none asked there: no result
            continue
        rows = np.flatnonzero(row_scope == s)
        inst = with_questions(instrument, [q.id for q, a in zip(qs, key, strict=True) if a])
        part = run(inst, responses.iloc[rows])
        members = np.flatnonzero(scope == s)  # global group codes, in sorted order
        per_group = len(part) // len(members) if len(members) else 0
        parts.append(part.assign(_group=np.repeat(members, per_group)))
    if not parts:
        return run(instrument, responses.iloc[:0])
    out = pd.concat(parts, ignore_index=True)
    order = np.argsort(out["_group"].to_numpy(), kind="stable")
    return out.iloc[order].drop(columns="_group").reset_index(drop=True)
