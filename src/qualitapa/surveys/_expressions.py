"""A safe subset of XLSForm expressions for ``relevant`` and ``constraint``.

The language (documented in ``docs/surveys.md``) is:

* ``${q}``: the answer to question ``q``; ``.``: the answer being checked
  (in a ``constraint``);
* numbers (``3``, ``2.5``) and quoted strings (``'yes'``, ``"no"``);
* comparisons ``=  !=  <  <=  >  >=``;
* ``and``, ``or``, ``not(...)`` and parentheses;
* ``selected(${q}, 'code')`` (a multiple-choice answer contains ``code``)
  and ``count-selected(${q})`` (how many codes were chosen).

An expression is tokenised and parsed into a small tree once, then evaluated
*vectorised* over a whole response frame (one boolean per respondent). It is
never passed to ``eval``/``exec``. Anything outside the subset raises
:class:`~qualitapa.errors.FormulaError` naming the question and the token.

Missing answers follow XLSForm/XPath: an empty answer is the string ``''``
and the number NaN, so ``${q} = ''`` tests for an empty answer and numeric
comparisons with an empty answer are false (``!=`` is true).

Examples
--------
>>> import pandas as pd
>>> e = Expression.parse("${visited} = 'yes' and ${age} >= 18", item="q3")
>>> sorted(e.references)
['age', 'visited']
>>> frame = pd.DataFrame({"visited": ["yes", "no", "yes"], "age": [30, 40, 16]})
>>> e.evaluate(frame).tolist()
[True, False, False]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import numpy as np
import pandas as pd

from qualitapa.errors import FormulaError

#: Longest expression accepted (checked before tokenising).
MAX_LENGTH = 20_000
#: Deepest nesting of parentheses and function calls accepted (the parser,
#: the reference walk and the evaluation recurse once per level).
MAX_DEPTH = 50

#: Functions of the subset and their number of arguments.
FUNCTIONS: Mapping[str, int] = {"selected": 2, "count-selected": 1, "not": 1}

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<ref>\$\{(?P<refname>[A-Za-z_][A-Za-z0-9_.\-]*)\})
  | (?P<number>\d+(?:\.\d+)?|\.\d+)
  | (?P<string>'[^']*'|"[^"]*")
  | (?P<op><=|>=|!=|=|<|>)
  | (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<comma>,)
  | (?P<dot>\.)
  | (?P<minus>-)
  | (?P<name>[A-Za-z_][A-Za-z0-9_\-]*)
    """,
    re.VERBOSE,
)


@attrs.frozen
class _Token:
    kind: str
    text: str
    pos: int


def _tokenize(text: str, err: Callable[..., FormulaError]) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            raise err("unexpected character", token=text[pos], position=pos)
        kind = m.lastgroup or ""
        if kind == "refname":  # pragma: no cover - lastgroup is the outer group
            kind = "ref"
        if kind != "ws":
            value = m.group("refname") if kind == "ref" else m.group(0)
            tokens.append(_Token(kind, value, pos))
        pos = m.end()
    tokens.append(_Token("end", "", len(text)))
    return tokens


# -- tree -------------------------------------------------------------------


@attrs.frozen
class _Num:
    value: float


@attrs.frozen
class _Str:
    value: str


@attrs.frozen
class _Ref:
    name: str


@attrs.frozen
class _Self:
    pass


@attrs.frozen
class _Cmp:
    op: str
    left: Any
    right: Any


@attrs.frozen
class _BoolOp:
    op: str  # "and" | "or"
    parts: tuple[Any, ...]


@attrs.frozen
class _Call:
    name: str
    args: tuple[Any, ...]


class _Parser:
    def __init__(self, tokens: list[_Token], err: Callable[..., FormulaError]) -> None:
        self.tokens = tokens
        self.i = 0
        self.err = err
        self.depth = 0

    def enter(self, t: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.err(
                f"the expression is nested more than {MAX_DEPTH} levels deep",
                token=t.text,
                position=t.pos,
            )

    @property
    def tok(self) -> _Token:
        return self.tokens[self.i]

    def take(self, kind: str) -> _Token:
        t = self.tok
        if t.kind != kind:
            what = "end of expression" if t.kind == "end" else "token"
            raise self.err(f"expected {kind}, found {what}", token=t.text, position=t.pos)
        self.i += 1
        return t

    def parse(self) -> Any:
        node = self.or_expr()
        if self.tok.kind != "end":
            raise self.err("unexpected token", token=self.tok.text, position=self.tok.pos)
        return node

    def or_expr(self) -> Any:
        return self._joined("or", self.and_expr)

    def and_expr(self) -> Any:
        return self._joined("and", self.comparison)

    def _joined(self, word: str, operand: Callable[[], Any]) -> Any:
        """``operand (word operand)*``: one operand, or their ``_BoolOp``."""
        parts = [operand()]
        while self.tok.kind == "name" and self.tok.text == word:
            self.i += 1
            parts.append(operand())
        return parts[0] if len(parts) == 1 else _BoolOp(word, tuple(parts))

    def comparison(self) -> Any:
        left = self.primary()
        if self.tok.kind == "op":
            op = self.take("op").text
            right = self.primary()
            if self.tok.kind == "op":
                raise self.err(
                    "chained comparisons are not allowed; use 'and'",
                    token=self.tok.text,
                    position=self.tok.pos,
                )
            return _Cmp(op, left, right)
        return left

    def primary(self) -> Any:
        t = self.tok
        if t.kind == "number":
            self.i += 1
            return _Num(float(t.text))
        if t.kind == "minus":
            self.i += 1
            n = self.take("number")
            return _Num(-float(n.text))
        if t.kind == "string":
            self.i += 1
            return _Str(t.text[1:-1])
        if t.kind == "ref":
            self.i += 1
            return _Ref(t.text)
        if t.kind == "dot":
            self.i += 1
            return _Self()
        if t.kind == "lparen":
            self.i += 1
            self.enter(t)
            node = self.or_expr()
            self.take("rparen")
            self.depth -= 1
            return node
        if t.kind == "name":
            if t.text in ("and", "or"):
                raise self.err("operator without a left operand", token=t.text, position=t.pos)
            if t.text not in FUNCTIONS:
                raise self.err(
                    f"unknown function or name (allowed functions: {sorted(FUNCTIONS)})",
                    token=t.text,
                    position=t.pos,
                )
            self.i += 1
            self.take("lparen")
            self.enter(t)
            args: list[Any] = []
            if self.tok.kind != "rparen":
                args.append(self.or_expr())
                while self.tok.kind == "comma":
                    self.i += 1
                    args.append(self.or_expr())
            self.take("rparen")
            self.depth -= 1
            if len(args) != FUNCTIONS[t.text]:
                raise self.err(
                    f"{t.text}() takes {FUNCTIONS[t.text]} argument(s), not {len(args)}",
                    token=t.text,
                    position=t.pos,
                )
            if t.text in ("selected", "count-selected") and not isinstance(args[0], (_Ref, _Self)):
                raise self.err(
                    f"the first argument of {t.text}() must be a question reference",
                    token=t.text,
                    position=t.pos,
                )
            if t.text == "selected" and not isinstance(args[1], (_Str, _Num)):
                raise self.err(
                    "the second argument of selected() must be a code in quotes",
                    token=t.text,
                    position=t.pos,
                )
            return _Call(t.text, tuple(args))
        what = "end of expression" if t.kind == "end" else "token"
        raise self.err(f"unexpected {what}", token=t.text, position=t.pos)


# -- evaluation -------------------------------------------------------------


@attrs.frozen
class _Val:
    """A vectorised value: numbers (NaN when missing / not a number) and texts."""

    num: np.ndarray
    text: np.ndarray  # object array of str ('' when missing)
    numeric: bool  # whether the value is naturally a number


def _format_number(x: np.ndarray) -> np.ndarray:
    """Numbers as XPath 1.0's ``string()`` writes them (section 4.2).

    An integer has no decimal point, however large (its exact digits, beyond
    int64 too); infinities are ``Infinity`` and ``-Infinity``; a missing value
    is empty. Source: XPath 1.0, 4.2 String Functions, as quoted by MDN's
    ``string`` page (developer.mozilla.org/en-US/docs/web/XPath/Functions/string).
    """
    out = np.full(x.shape, "", dtype=object)
    ok = ~np.isnan(x)
    if ok.any():
        vals = x[ok]
        finite = np.isfinite(vals)
        whole = np.where(finite, np.round(np.where(finite, vals, 0.0)), 0.0)
        ints = finite & np.isclose(vals, whole)
        small = ints & (np.abs(whole) < 2.0**63)
        txt = vals.astype(str).astype(object)
        txt[small] = whole[small].astype(np.int64).astype(str)
        big = ints & ~small
        txt[big] = [str(int(v)) for v in whole[big]]
        txt[np.isposinf(vals)] = "Infinity"
        txt[np.isneginf(vals)] = "-Infinity"
        out[ok] = txt
    return out


def _column_value(series: pd.Series) -> _Val:
    if pd.api.types.is_bool_dtype(series):
        series = series.astype("float64")
    if pd.api.types.is_numeric_dtype(series):
        num = series.to_numpy(dtype=float, na_value=np.nan)
        return _Val(num, _format_number(num), True)
    text = series.astype("string").fillna("").str.strip()
    text_arr = text.to_numpy(dtype=object)
    num = pd.to_numeric(text.mask(text == ""), errors="coerce").to_numpy(
        dtype=float, na_value=np.nan
    )
    return _Val(num, text_arr, False)


def _const(value: float | str, n: int) -> _Val:
    if isinstance(value, str):
        try:
            num = float(value)
        except ValueError:
            num = np.nan
        return _Val(np.full(n, num), np.full(n, value, dtype=object), False)
    return _Val(np.full(n, float(value)), _format_number(np.full(n, float(value))), True)


def _truthy(v: _Val | np.ndarray) -> np.ndarray:
    if isinstance(v, np.ndarray):
        return v
    if v.numeric:
        return np.nan_to_num(v.num, nan=0.0) != 0
    return v.text != ""


_CMP: Mapping[str, Callable[[Any, Any], Any]] = {
    "=": np.equal,
    "!=": np.not_equal,
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
}


@attrs.frozen
class Expression:
    """A parsed ``relevant``/``constraint`` expression.

    Build it with :meth:`parse`; evaluate with :meth:`evaluate`.

    Attributes
    ----------
    text
        The expression as written.
    references
        The question ids it refers to with ``${...}``.
    uses_self
        Whether it uses ``.`` (the answer being checked).
    """

    text: str
    tree: Any = attrs.field(repr=False, eq=False)
    references: frozenset[str]
    uses_self: bool

    @classmethod
    def parse(
        cls,
        text: str,
        *,
        item: str | None = None,
        field: str | None = None,
        source: str | None = None,
    ) -> Expression:
        """Parse ``text``.

        Raises
        ------
        FormulaError
            A token or function outside the subset; ``item`` (the question)
            and the token are named in the message.

        Examples
        --------
        >>> Expression.parse("${q1} >= 4 or selected(${q2}, 'web')").references == {"q1", "q2"}
        True
        >>> try:
        ...     Expression.parse("pulldata('x')", item="q7")
        ... except FormulaError as exc:
        ...     print(exc.item, exc.token, exc.position)
        q7 pulldata 0
        """

        def err(message: str, *, token: str | None = None, position: int | None = None) -> Any:
            return FormulaError(
                message,
                formula=text if len(text) <= 200 else text[:200] + "...",
                token=token,
                position=position,
                item=item,
                field=field,
                source=source,
            )

        if not isinstance(text, str) or not text.strip():
            raise err("empty expression")
        if len(text) > MAX_LENGTH:
            raise err(f"the expression is longer than {MAX_LENGTH} characters")
        tree = _Parser(_tokenize(text, err), err).parse()
        refs: set[str] = set()
        uses_self = False

        def walk(node: Any) -> None:
            nonlocal uses_self
            if isinstance(node, _Ref):
                refs.add(node.name)
            elif isinstance(node, _Self):
                uses_self = True
            elif isinstance(node, _Cmp):
                walk(node.left)
                walk(node.right)
            elif isinstance(node, (_BoolOp, _Call)):
                for p in node.parts if isinstance(node, _BoolOp) else node.args:
                    walk(p)

        walk(tree)
        return cls(text, tree, frozenset(refs), uses_self)

    def evaluate(self, frame: pd.DataFrame, self_values: pd.Series | None = None) -> np.ndarray:
        """Evaluate over every row of ``frame``; return a boolean array.

        Parameters
        ----------
        frame
            Responses, one row per respondent, a column per question.
        self_values
            The answers ``.`` stands for (the question being constrained).

        Raises
        ------
        FormulaError
            A referenced question is not a column of ``frame``, or ``.`` is
            used without ``self_values``.
        """
        n = len(frame)
        cache: dict[str, _Val] = {}

        def value(node: Any) -> _Val | np.ndarray:
            if isinstance(node, _Num):
                return _const(node.value, n)
            if isinstance(node, _Str):
                return _const(node.value, n)
            if isinstance(node, _Ref):
                if node.name not in cache:
                    if node.name not in frame.columns:
                        raise FormulaError(
                            "refers to a question that is not in the responses",
                            formula=self.text,
                            token="${" + node.name + "}",
                        )
                    cache[node.name] = _column_value(frame[node.name])
                return cache[node.name]
            if isinstance(node, _Self):
                if self_values is None:
                    raise FormulaError(
                        "'.' (the current answer) can only be used in a constraint",
                        formula=self.text,
                        token=".",
                    )
                if "." not in cache:
                    cache["."] = _column_value(self_values.reset_index(drop=True))
                return cache["."]
            if isinstance(node, _BoolOp):
                parts = [_truthy(value(p)) for p in node.parts]
                fn = np.logical_and if node.op == "and" else np.logical_or
                out = parts[0]
                for p in parts[1:]:
                    out = fn(out, p)
                return out
            if isinstance(node, _Call):
                if node.name == "not":
                    return ~_truthy(value(node.args[0]))
                target = value(node.args[0])
                if not isinstance(target, _Val):  # pragma: no cover - the parser forbids it
                    raise FormulaError("expected a question reference", formula=self.text)
                tokens = pd.Series(target.text, dtype="string")
                if node.name == "count-selected":
                    n_tokens = tokens.str.count(r"\S+")
                    counts = n_tokens.fillna(0).to_numpy(dtype=float)
                    return _Val(counts, _format_number(counts), True)
                code = node.args[1].value
                code_text = _format_number(np.array([code]))[0] if isinstance(code, float) else code
                padded = " " + tokens.str.replace(r"\s+", " ", regex=True) + " "
                return padded.str.contains(f" {code_text} ", regex=False).to_numpy(
                    dtype=bool, na_value=False
                )
            # comparison
            left, right = value(node.left), value(node.right)
            if isinstance(left, np.ndarray) or isinstance(right, np.ndarray):
                lb = _truthy(left).astype(float)
                rb = _truthy(right).astype(float)
                return np.asarray(_CMP[node.op](lb, rb), dtype=bool)
            numeric = (left.numeric and right.numeric) or (
                (left.numeric or right.numeric) and node.op in ("<", "<=", ">", ">=")
            )
            if numeric or (
                node.op in ("<", "<=", ">", ">=") and not (left.numeric or right.numeric)
            ):
                with np.errstate(invalid="ignore"):
                    return np.asarray(_CMP[node.op](left.num, right.num), dtype=bool)
            return np.asarray(_CMP[node.op](left.text, right.text), dtype=bool)

        return _truthy(value(self.tree)).astype(bool)
