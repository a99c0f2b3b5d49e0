"""Fuzz the file readers and the formula languages (issue 13).

Each reader gets hostile input built from structure - valid-looking files with
hostile cells, truncated files, random bytes - and must give a typed error or
a correct result, never a raw exception, a hang or a memory blow-up: every
hostile example runs in :func:`~.conftest.guarded` (2 s, 1 GiB) with the
shared :data:`~.conftest.FUZZ` settings (200 examples in CI, 50 locally). Where the
input is valid by construction, the result is checked too: what ``write_csv``
writes ``read_table`` reads back, a formula re-parsed from its canonical text
is the same tree, an expression evaluates to one truth value per row.

The fuzz tests are marked slow (4-13 s each at 200 examples on the shared 2-core
machine, mostly the fork per example); the whole file runs in about 50 s in CI.
"""

from __future__ import annotations

import io
import string
import warnings
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from qualitapa.declarative import load_definitions
from qualitapa.errors import DataWarning, QualitapaError
from qualitapa.indicators import Formula
from qualitapa.io import read_table, restore_formulas, write_csv
from qualitapa.surveys import read_xlsform
from qualitapa.surveys._expressions import Expression

from ._hostile import BILLION_LAUGHS, column_letters, sheet
from ._hostile import workbook as hand_made_workbook
from .conftest import FUZZ, assert_typed_or_ok, guarded

# -- cells -----------------------------------------------------------------------

HOSTILE = [
    "=cmd|' /C calc'!A0",
    "ok\r=1+2",
    "a;-b",
    "@SUM(1)",
    '"quoted"',
    "'",
    "112.500",
    "1.234,5",
    "1,234.5",
    "47,5",
    "0.82",
    "-3",
    "inf",
    "-inf",
    "nan",
    "NA",
    "",
    " ",
    "1e309",
    "\x00",
    "\x000",  # numpy's strings end at a NUL: this once read as the number '\x000'
    "0\x00",
    "1\x00.5",
    "\x1b[31m",
    "\x1c1",
    "٣",
    "²",
    "１２",
    "città",
    "\u202e",
    "022205",
    "31/01/2024",
    "TRUE",
]


def cells() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(HOSTILE),
        st.text(alphabet=string.printable + "àè€\u00a0\x00\x85\u2028٣²１", max_size=12),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.integers(-(10**20), 10**20).map(str),
    )


# -- CSV reader ---------------------------------------------------------------------

HEADERS = ["organization", "value", "id", "period", "note", "", "=x", "a;b", "value", "Unnamed: 0"]


@st.composite
def csv_bytes(draw: Any) -> bytes:
    kind = draw(st.sampled_from(["table", "table", "table", "truncated", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=400))
    header = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=5))
    sep = draw(st.sampled_from([",", ";", "\t", "|"]))
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    width = st.integers(0, len(header) + 2)
    rows = draw(
        st.lists(width.flatmap(lambda n: st.lists(cells(), min_size=n, max_size=n)), max_size=8)
    )
    quote = draw(st.booleans())

    def field(value: str) -> str:
        return '"' + value.replace('"', '""') + '"' if quote else value

    text = end.join(sep.join(field(c) for c in row) for row in [header, *rows]) + end
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    data = text.encode(encoding, errors="replace")
    if kind == "truncated":
        data = data[: draw(st.integers(0, len(data)))]
    return data


READ_OPTIONS = st.fixed_dictionaries(
    {},
    optional={
        "numbers": st.sampled_from([None, "it", "en"]),
        "dtype": st.sampled_from([None, str, {"value": "string"}, {"value": float}]),
        "text_columns": st.sampled_from([(), ("organization",), ("id", "note")]),
        "sep": st.sampled_from([",", ";", "\t"]),
        "encoding": st.sampled_from(["utf-8-sig", "cp1252"]),
        "keep_default_na": st.booleans(),
    },
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder for the fuzzed files; every reader has run once here, in this process.

    Modules imported on first use (the catalog's models, openpyxl's reader) are
    then imported once, not again in each forked example.
    """
    path = tmp_path_factory.mktemp("fuzz")
    (path / "warm.csv").write_text("organization;value\n022205;1,5\n", encoding="utf-8")
    read_table(path / "warm.csv")
    book = openpyxl.Workbook()
    book.active.append(["type", "name", "label"])
    book.active.append(["text", "q1", "Q"])
    book.save(path / "warm.xlsx")
    read_table(path / "warm.xlsx")
    with pytest.raises(QualitapaError):
        read_xlsform(path / "warm.xlsx")
    (path / "warm.toml").write_text(
        '[[services]]\nid = "libraries"\nlabel = { it = "Biblioteche" }\n', encoding="utf-8"
    )
    for section in SECTIONS:
        (path / "bad.toml").write_text(f"[[{section}]]\nx = 1\n", encoding="utf-8")
        with pytest.raises(QualitapaError):
            load_definitions(path / "bad.toml")
    load_definitions(path / "warm.toml")
    return path


def _frame_or_error(path: Path, options: dict[str, Any]) -> tuple[int, int]:
    with warnings.catch_warnings():
        # a file that is not UTF-8 is read as Windows-1252 with this note (issue 17)
        warnings.simplefilter("ignore", DataWarning)
        frame = read_table(path, **options)
    assert isinstance(frame, pd.DataFrame)
    return frame.shape


@pytest.mark.slow
@FUZZ
@given(data=csv_bytes(), options=READ_OPTIONS, suffix=st.sampled_from([".csv", ".tsv", ".txt"]))
@example(data=b"a;b\n\x000;1\n", options={}, suffix=".csv")  # a raw ValueError once
def test_fuzz_read_table_csv(folder, data, options, suffix):
    path = folder / f"fuzz{suffix}"
    path.write_bytes(data)
    assert_typed_or_ok(guarded(_frame_or_error, path, options), what=f"read_table {options}")


TEXT = st.text(alphabet=string.ascii_letters + string.digits + " =+-@;,\t\r\n\"'àé€", max_size=15)
PANDAS_NA = {"", "NA", "N/A", "NaN", "nan", "null", "NULL", "None", "n/a", "-NaN", "-nan", "#N/A"}


@st.composite
def frames(draw: Any) -> pd.DataFrame:
    n = draw(st.integers(1, 6))
    text = st.lists(TEXT, min_size=n, max_size=n).filter(
        lambda xs: all(x.strip() and x.strip() not in PANDAS_NA for x in xs)
    )
    finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
    return pd.DataFrame(
        {
            "note": draw(text),
            "value": draw(st.lists(finite, min_size=n, max_size=n)),
            "count": draw(st.lists(st.integers(-(10**12), 10**12), min_size=n, max_size=n)),
            "=col;x": draw(text),
        }
    )


def _round_trip(path: Path, frame: pd.DataFrame) -> None:
    write_csv(frame, path)
    back = read_table(path, text_columns=["note", "'=col;x"])
    assert list(back.columns) == ["note", "value", "count", "'=col;x"]
    np.testing.assert_array_equal(back["value"].to_numpy(dtype=float), frame["value"].to_numpy())
    assert back["count"].tolist() == frame["count"].tolist()
    restored = restore_formulas(back)
    assert restored["note"].tolist() == frame["note"].tolist()
    assert restored["=col;x"].tolist() == frame["=col;x"].tolist()


@pytest.mark.slow
@FUZZ
@given(frame=frames())
def test_fuzz_write_csv_then_read_table_gives_the_frame_back(folder, frame):
    # valid by construction: checked in this process (a fork costs 20-40 ms)
    _round_trip(folder / "round.csv", frame)


# -- xlsx reader -------------------------------------------------------------------


@st.composite
def openpyxl_bytes(draw: Any) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    values = st.one_of(
        cells(),
        st.floats(allow_nan=False, allow_infinity=False),
        st.integers(-(10**15), 10**15),
        st.booleans(),
        st.none(),
        st.datetimes(min_value=pd.Timestamp("1900-03-01").to_pydatetime()),
    )
    for row in draw(st.lists(st.lists(values, max_size=5), max_size=6)):
        ws.append(
            [
                openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v
                for v in row
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@st.composite
def sheet_bodies(draw: Any) -> str:
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        r = draw(
            st.one_of(st.none(), st.integers(0, 2_000_000), st.sampled_from(["x", "1.5", "-1"]))
        )
        parts = []
        for _ in range(draw(st.integers(0, 5))):
            ref = draw(
                st.one_of(
                    st.none(),
                    st.builds(
                        lambda c, n: f"{column_letters(c)}{n}",
                        st.integers(1, 20_000),
                        st.integers(1, 2_000_000),
                    ),
                    st.sampled_from(["A0", "1A", "$B$2", "AAAA1", ""]),
                )
            )
            kind = draw(st.sampled_from(["n", "s", "b", "e", "str", "inlineStr", "d"]))
            value = draw(st.sampled_from(["1", "-2.5", "0", "99", "x", "", "2024-01-31", "1e309"]))
            r_attr = "" if ref is None else f' r="{ref}"'
            inner = f"<is><t>{value}</t></is>" if kind == "inlineStr" else f"<v>{value}</v>"
            parts.append(f'<c{r_attr} t="{kind}">{inner}</c>')
        r_attr = "" if r is None else f' r="{r}"'
        rows.append(f"<row{r_attr}>{''.join(parts)}</row>")
    return "".join(rows)


@st.composite
def xlsx_bytes(draw: Any) -> bytes:
    kind = draw(st.sampled_from(["openpyxl", "hand", "hand", "mutated", "truncated", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=400))
    if kind == "hand":
        prolog = draw(
            st.sampled_from(['<?xml version="1.0" encoding="UTF-8"?>', "", BILLION_LAUGHS])
        )
        dimension = draw(st.sampled_from([None, "A1", "A1:XFD1048576", "garbage"]))
        body = sheet(draw(sheet_bodies()), dimension=dimension, prolog=prolog)
        if draw(st.booleans()):
            body = body[: draw(st.integers(0, len(body)))]
        out = io.BytesIO()
        hand_made_workbook(out, body)
        return out.getvalue()
    data = draw(openpyxl_bytes())
    # positions as fractions: the bytes openpyxl writes carry the time (their length
    # may vary between runs, and Hypothesis needs the same draws each time)
    fraction = st.floats(0, 1, exclude_max=True)
    if kind == "truncated":
        return data[: int(draw(fraction) * len(data))]
    if kind == "mutated":
        buf = bytearray(data)
        for _ in range(draw(st.integers(1, 8))):
            buf[int(draw(fraction) * len(buf))] = draw(st.integers(0, 255))
        return bytes(buf)
    return data


def _read_workbook(path: Path) -> list[str]:
    """Both readers of workbooks on ``path``: what each gave (a raw error propagates)."""
    said = []
    for reader in (read_table, read_xlsform):
        try:
            reader(path)
            said.append("ok")
        except QualitapaError as exc:
            said.append(type(exc).__name__)
    return said


@pytest.mark.slow
@FUZZ
@given(data=xlsx_bytes())
def test_fuzz_read_table_xlsx(folder, data):
    path = folder / "fuzz.xlsx"
    path.write_bytes(data)
    assert_typed_or_ok(guarded(_read_workbook, path), what="read_table and read_xlsform")


def test_hand_made_workbook_is_a_zip(folder):
    # the strategy above writes into a file-like object: check that it is a workbook
    out = io.BytesIO()
    hand_made_workbook(out, sheet('<row r="1"><c r="A1"><v>1</v></c></row>'))
    assert zipfile.is_zipfile(io.BytesIO(out.getvalue()))
    path = folder / "one.xlsx"
    path.write_bytes(out.getvalue())
    assert read_table(path, header=None).iloc[0, 0] == 1


# -- TOML plugin loader ----------------------------------------------------------

SECTIONS = ["services", "indicators", "variables", "organizations", "instruments", "standards"]
KEYS = ["id", "label", "service", "formula", "unit", "polarity", "dimension", "questions", "x"]
SCALARS = st.one_of(
    st.sampled_from(["libraries", "libraries.loans", "loans / population", "=x", "", "a" * 300]),
    st.text(max_size=10),
    st.integers(-(10**20), 10**20),
    st.floats(),
    st.booleans(),
)


def _toml_array(items: list[str]) -> str:
    return "[" + ", ".join(items) + "]"


def _toml_table(items: dict[str, str]) -> str:
    return "{" + ", ".join(f"{k} = {v}" for k, v in items.items()) + "}"


def _toml_scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return (
            "nan"
            if value != value
            else ("inf" if value > 0 else "-inf")
            if abs(value) == float("inf")
            else repr(value)
        )
    if isinstance(value, int):
        return str(value)
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


TOML_VALUES = st.recursive(
    SCALARS.map(_toml_scalar),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3).map(_toml_array),
        st.dictionaries(st.sampled_from(["it", "en", "de", "x"]), inner, max_size=3).map(
            _toml_table
        ),
    ),
    max_leaves=8,
)


@st.composite
def toml_bytes(draw: Any) -> bytes:
    kind = draw(st.sampled_from(["structured", "structured", "soup", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=300))
    if kind == "soup":
        return draw(st.text(alphabet="[]{}=\"'#.,\n abc1-_", max_size=200)).encode()
    parts = []
    for _ in range(draw(st.integers(0, 4))):
        section = draw(st.sampled_from([*SECTIONS, "overrides.services", "plugin", "nope"]))
        parts.append(f"[[{section}]]")
        for key in draw(st.lists(st.sampled_from(KEYS), max_size=5, unique=True)):
            parts.append(f"{key} = {draw(TOML_VALUES)}")
    return "\n".join(parts).encode()


@pytest.mark.slow
@FUZZ
@given(data=toml_bytes())
def test_fuzz_toml_plugin_loader(folder, data):
    path = folder / "defs.toml"
    path.write_bytes(data)
    assert_typed_or_ok(guarded(load_definitions, path), what="load_definitions")


# -- XLSForm expressions ---------------------------------------------------------

EXPRESSION_TOKENS = [
    "${a}", "${b}", "${missing}", ".", "1", "2.5", "-", "'yes'", '"no"', "''",
    "=", "!=", "<", "<=", ">", ">=", "and", "or", "not", "(", ")", ",",
    "selected", "count-selected", "pulldata", "$", "{", "}", "'",
]  # fmt: skip


def token_soup(tokens: list[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.lists(st.sampled_from(tokens), max_size=25).map(" ".join),
        st.lists(st.sampled_from(tokens), max_size=25).map("".join),
        st.text(max_size=40),
    )


EXPRESSION_DATA = pd.DataFrame(
    {"a": ["yes", "no", "", "3", None], "b": [1.0, 2.0, np.nan, 4.0, 5.0]}
)


def _parse_and_evaluate(text: str) -> list[bool]:
    expression = Expression.parse(text, item="q")
    values = expression.evaluate(EXPRESSION_DATA, self_values=pd.Series(["1", "x", "", "2", None]))
    assert values.dtype == bool
    assert values.shape == (len(EXPRESSION_DATA),)
    return values.tolist()


@pytest.mark.slow
@FUZZ
@given(text=token_soup(EXPRESSION_TOKENS))
def test_fuzz_xlsform_expression(folder, text):
    assert_typed_or_ok(guarded(_parse_and_evaluate, text), what=f"Expression {text!r}")


# -- indicator formulas -------------------------------------------------------------

FORMULA_TOKENS = [
    "a", "b", "x.y", "1", "0", "2.5", ".5", "1e3", "1e400", "+", "-", "*", "/", "(", ")", ",",
    "<", "<=", "==", "!=", ">", ">=", "and", "or", "not", "abs", "min", "max", "sum",
    "coalesce", "**", "=", "_x", "import", "[", "'",
]  # fmt: skip

FORMULA_DATA = {
    "a": np.array([1.0, 0.0, -2.0, np.nan, 1e308]),
    "b": np.array([0.0, 3.0, 2.0, 1.0, -1e308]),
    "x.y": np.array([5.0, 5.0, np.nan, 0.0, 1.0]),
}


def _parse_evaluate_reparse(text: str) -> None:
    formula = Formula.parse(text, item="fuzz.formula")
    values = formula.evaluate(FORMULA_DATA)
    assert values.shape in ((5,), ())  # a constant formula gives a scalar
    assert values.dtype == np.float64
    again = Formula.parse(formula.canonical)
    assert again.tree == formula.tree  # the canonical text means the same formula
    np.testing.assert_array_equal(again.evaluate(FORMULA_DATA), values)


@pytest.mark.slow
@FUZZ
@given(text=token_soup(FORMULA_TOKENS))
def test_fuzz_indicator_formula(folder, text):
    with np.errstate(all="ignore"):
        assert_typed_or_ok(guarded(_parse_evaluate_reparse, text), what=f"Formula {text!r}")


def test_fuzz_helpers_reach_the_evaluators():
    """The soups reach the evaluators: a test that cannot fail is a defect."""
    ok = 0
    for text in [
        "${a} = 'yes' or ${b} > 1",
        "not(selected(${a}, 'yes'))",
        "count-selected(.) >= 1",
    ]:
        ok += len(_parse_and_evaluate(text)) == 5
    _parse_evaluate_reparse("coalesce(a, 0) / (a + b) * 100 >= min(x.y, 2)")
    assert ok == 3
    with pytest.raises(QualitapaError):
        _parse_and_evaluate("${a} = = 1")
