"""The formula language of indicator definitions.

Plugin authors write formulas such as ``loans / population`` or
``coalesce(online, 0) / (online + counter)``. A formula is parsed once, by a
small tokenizer and recursive-descent parser written for this grammar, into
an expression tree; the tree is evaluated vectorised over whole columns.
Nothing is ever passed to :func:`eval` or :func:`exec`, and Python's own
parser is not used: anything outside the grammar is a
:class:`~qualitapa.errors.FormulaError` naming the offending token and its
position.

Grammar (lowest precedence first)::

    expr       := or_expr
    or_expr    := and_expr ("or" and_expr)*
    and_expr   := not_expr ("and" not_expr)*
    not_expr   := "not" not_expr | comparison
    comparison := additive [("<" | "<=" | ">" | ">=" | "==" | "!=") additive]
    additive   := term (("+" | "-") term)*
    term       := unary (("*" | "/") unary)*
    unary      := ("-" | "+") unary | primary
    primary    := NUMBER | NAME | FUNCTION "(" expr ("," expr)* ")" | "(" expr ")"

* ``NUMBER``: ``12``, ``0.5``, ``.5``, ``1e3``.
* ``NAME``: a variable, letters, digits and ``_``, with dots between parts
  (``registry.certificates``); no part may start with ``_`` and Python
  keywords are reserved.
* ``FUNCTION``: ``abs(x)``, ``min(a, b, ...)``, ``max(a, b, ...)``,
  ``sum(a, b, ...)`` (element-wise across the arguments) and
  ``coalesce(a, b, ...)`` (the first argument that is not missing).
* Comparisons and ``and`` / ``or`` / ``not`` give 1.0 (true) or 0.0 (false);
  any non-zero value is true. Comparisons do not chain: write
  ``a < b and b < c``.

Missing values (NaN) propagate through every operation except
``coalesce``. A division by zero gives NaN, and the evaluation status says
which rows had a zero denominator (see :meth:`Formula.evaluate_with_status`).
An overflow to infinity gives NaN with status "not finite".

Examples
--------
>>> import numpy as np
>>> f = Formula.parse("loans / population * 1000")
>>> sorted(f.variables)
['loans', 'population']
>>> f.evaluate({"loans": np.array([500.0, 80.0]), "population": np.array([1000.0, 0.0])})
array([500.,  nan])
>>> Formula.parse("loans / __import__('os')", item="libraries.x")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
qualitapa.errors.FormulaError: 'libraries.x'...: names cannot start with '_' (token '__import__'...
"""

from __future__ import annotations

import enum
import keyword
import math
import re
from collections.abc import Callable, Collection, Mapping
from typing import Any, NamedTuple, TypeAlias

import attrs
import numpy as np
import pandas as pd

from qualitapa.errors import DataError, FormulaError, Message
from qualitapa.i18n import N_

#: Longest formula text accepted.
MAX_LENGTH = 4000
#: Deepest expression tree accepted (a bound on evaluation recursion).
MAX_DEPTH = 100
#: Deepest nesting of parentheses, calls and unary operators accepted.
MAX_NESTING = 40


class ValueStatus(enum.IntEnum):
    """Why a formula value is missing, per row; higher codes win when combined.

    ``label`` is the status text used in result tables.

    Examples
    --------
    >>> ValueStatus.ZERO_DENOMINATOR.label
    'zero_denominator'
    >>> ValueStatus(max(ValueStatus.MISSING, ValueStatus.ZERO_DENOMINATOR)).label
    'missing_variable'
    """

    OK = 0
    NOT_FINITE = 1
    ZERO_DENOMINATOR = 2
    MISSING = 3
    INVALID = 4

    @property
    def label(self) -> str:
        """The status text: ``ok``, ``not_finite``, ``zero_denominator``,
        ``missing_variable`` or ``invalid_input``."""
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    ValueStatus.OK: "ok",
    ValueStatus.NOT_FINITE: "not_finite",
    ValueStatus.ZERO_DENOMINATOR: "zero_denominator",
    ValueStatus.MISSING: "missing_variable",
    ValueStatus.INVALID: "invalid_input",
}

_OK = np.int8(ValueStatus.OK)
_NOT_FINITE = np.int8(ValueStatus.NOT_FINITE)
_ZERO_DEN = np.int8(ValueStatus.ZERO_DENOMINATOR)
_MISSING = np.int8(ValueStatus.MISSING)


# ---------------------------------------------------------------------------
# Expression tree
# ---------------------------------------------------------------------------

# Precedence levels, used to render a tree back to text with few parentheses.
_PREC_OR, _PREC_AND, _PREC_NOT, _PREC_CMP, _PREC_ADD, _PREC_MUL, _PREC_UNARY, _PREC_ATOM = range(
    1, 9
)
_BINARY_PREC = {
    "or": _PREC_OR,
    "and": _PREC_AND,
    "<": _PREC_CMP,
    "<=": _PREC_CMP,
    ">": _PREC_CMP,
    ">=": _PREC_CMP,
    "==": _PREC_CMP,
    "!=": _PREC_CMP,
    "+": _PREC_ADD,
    "-": _PREC_ADD,
    "*": _PREC_MUL,
    "/": _PREC_MUL,
}
COMPARISONS = frozenset({"<", "<=", ">", ">=", "==", "!="})


def _children_depth(node: Any) -> int:
    if isinstance(node, Unary):
        return 1 + node.operand.depth
    if isinstance(node, Binary):
        return 1 + max(node.left.depth, node.right.depth)
    if isinstance(node, Call):
        return 1 + max(a.depth for a in node.args)
    return 1


def _check_number(instance: Any, attribute: attrs.Attribute[Any], value: float) -> None:
    if not math.isfinite(value):
        raise FormulaError(f"a number in a formula must be finite, not {value!r}")


@attrs.frozen
class Number:
    """A numeric constant."""

    value: float = attrs.field(converter=float, validator=_check_number)
    depth: int = attrs.field(init=False, eq=False, repr=False, default=1)

    @property
    def precedence(self) -> int:
        return _PREC_UNARY if self.value < 0 else _PREC_ATOM

    def __str__(self) -> str:
        v = self.value
        if v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return repr(v)


@attrs.frozen
class Name:
    """A variable, looked up in the data by name."""

    name: str
    depth: int = attrs.field(init=False, eq=False, repr=False, default=1)

    precedence = _PREC_ATOM

    def __str__(self) -> str:
        return self.name


@attrs.frozen
class Unary:
    """``-x``, ``+x`` or ``not x``."""

    op: str
    operand: Node
    depth: int = attrs.field(
        init=False, eq=False, repr=False, default=attrs.Factory(_children_depth, takes_self=True)
    )

    @property
    def precedence(self) -> int:
        return _PREC_NOT if self.op == "not" else _PREC_UNARY

    def __str__(self) -> str:
        inner = str(self.operand)
        if self.operand.precedence < self.precedence:
            inner = f"({inner})"
        return f"not {inner}" if self.op == "not" else f"{self.op}{inner}"


@attrs.frozen
class Binary:
    """An arithmetic, comparison or logical operation."""

    op: str
    left: Node
    right: Node
    depth: int = attrs.field(
        init=False, eq=False, repr=False, default=attrs.Factory(_children_depth, takes_self=True)
    )

    @property
    def precedence(self) -> int:
        return _BINARY_PREC[self.op]

    def __str__(self) -> str:
        prec = self.precedence
        left, right = str(self.left), str(self.right)
        # Comparisons do not chain: parenthesise a comparison on either side.
        if self.left.precedence < prec or (prec == _PREC_CMP and self.left.precedence == _PREC_CMP):
            left = f"({left})"
        if self.right.precedence <= prec:  # operators are left-associative
            right = f"({right})"
        return f"{left} {self.op} {right}"


@attrs.frozen
class Call:
    """A call of one of the whitelisted :data:`FUNCTIONS`."""

    func: str
    args: tuple[Node, ...]
    depth: int = attrs.field(
        init=False, eq=False, repr=False, default=attrs.Factory(_children_depth, takes_self=True)
    )

    precedence = _PREC_ATOM

    def __str__(self) -> str:
        return f"{self.func}({', '.join(str(a) for a in self.args)})"


Node: TypeAlias = Number | Name | Unary | Binary | Call

#: The functions a formula may call: name -> (minimum, maximum) number of
#: arguments (None: no maximum).
FUNCTIONS: Mapping[str, tuple[int, int | None]] = {
    "abs": (1, 1),
    "min": (2, None),
    "max": (2, None),
    "sum": (1, None),
    "coalesce": (1, None),
}


# ---------------------------------------------------------------------------
# Tokenizer
# ---------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<op>\*\*|<=|>=|==|!=|[-+*/(),<>=])
    """,
    re.VERBOSE,
)
_WORD_OPERATORS = frozenset({"and", "or", "not"})
_RESERVED = frozenset(keyword.kwlist) - _WORD_OPERATORS
_POWERS = Message(
    "powers are not part of the formula language",
    N_("le potenze non fanno parte del linguaggio delle formule"),
)
_AND = Message("use 'and'", N_("usare 'and'"))
_OR = Message("use 'or'", N_("usare 'or'"))
_SUBSCRIPTS = Message(
    "subscripts are not part of the formula language",
    N_("gli indici tra parentesi quadre non fanno parte del linguaggio delle formule"),
)
_TEXT = Message(
    "text (strings) is not part of the formula language",
    N_("il testo (stringhe) non fa parte del linguaggio delle formule"),
)
_HINTS = {
    "**": _POWERS,
    "=": Message("use '==' to compare", N_("usare '==' per confrontare")),
    "&": _AND,
    "&&": _AND,
    "|": _OR,
    "||": _OR,
    "!": Message("use 'not' (or '!=' to compare)", N_("usare 'not' (o '!=' per confrontare)")),
    "^": _POWERS,
    "[": _SUBSCRIPTS,
    "]": _SUBSCRIPTS,
    "'": _TEXT,
    '"': _TEXT,
    "%": Message(
        "the remainder operator is not part of the formula language",
        N_("l'operatore di resto non fa parte del linguaggio delle formule"),
    ),
    ":": Message(
        "':' is not part of the formula language",
        N_("':' non fa parte del linguaggio delle formule"),
    ),
    ";": Message("a formula is a single expression", N_("una formula è un'unica espressione")),
}


class _Token(NamedTuple):
    kind: str  # "number", "name", "word" (and/or/not), "op", "end"
    text: str
    pos: int


class _Parser:
    def __init__(self, text: str, *, item: str | None, source: str | None) -> None:
        self.text = text
        self.item = item
        self.source = source
        if len(text) > MAX_LENGTH:  # before tokenising: 10 MB took 27 s and 1.3 GB
            raise self.error(
                Message(
                    "the formula is longer than {n} characters",
                    N_("la formula è più lunga di {n} caratteri"),
                    n=MAX_LENGTH,
                ),
                None,
                None,
            )
        self.tokens = self._tokenize()
        self.i = 0
        self.nesting = 0

    # -- errors ---------------------------------------------------------
    def error(self, message: Message, token: str | None, pos: int | None) -> FormulaError:
        shown = self.text if len(self.text) <= 120 else self.text[:120] + "..."
        return FormulaError(
            message,
            formula=shown,
            token=token,
            position=pos,
            source=self.source,
            item=self.item,
            field="formula",
        )

    # -- tokens ---------------------------------------------------------
    def _tokenize(self) -> list[_Token]:
        text = self.text
        tokens: list[_Token] = []
        pos = 0
        n = len(text)
        while pos < n:
            m = _TOKEN.match(text, pos)
            if m is None:
                ch = text[pos]
                two = text[pos : pos + 2]
                hint = (
                    _HINTS.get(two)
                    or _HINTS.get(ch)
                    or Message("unexpected character", N_("carattere inatteso"))
                )
                raise self.error(hint, two if two in _HINTS else ch, pos)
            kind = m.lastgroup or ""
            value = m.group()
            if kind == "number":
                end = m.end()
                if end < n and (text[end].isalnum() or text[end] in "_."):
                    bad = re.match(r"[\w.]+", text[pos:])
                    raise self.error(
                        Message("malformed number", N_("numero scritto male")),
                        bad.group() if bad else value,
                        pos,
                    )
                if not math.isfinite(float(value)):
                    raise self.error(
                        Message("number too large", N_("numero troppo grande")), value, pos
                    )
                tokens.append(_Token("number", value, pos))
            elif kind == "name":
                self._check_name(value, pos)
                tokens.append(_Token("word" if value in _WORD_OPERATORS else "name", value, pos))
            elif kind == "op":
                if value in ("**", "="):
                    raise self.error(_HINTS[value], value, pos)
                tokens.append(_Token("op", value, pos))
            pos = m.end()
        tokens.append(_Token("end", "", n))
        return tokens

    def _check_name(self, name: str, pos: int) -> None:
        offset = 0
        for part in name.split("."):
            if part.startswith("_"):
                raise self.error(
                    Message(
                        "names cannot start with '_'", N_("i nomi non possono iniziare con '_'")
                    ),
                    part,
                    pos + offset,
                )
            if part in _RESERVED:
                raise self.error(
                    Message(
                        "{word} is a reserved word",
                        N_("{word} è una parola riservata"),
                        word=repr(part),
                    ),
                    part,
                    pos + offset,
                )
            if part in _WORD_OPERATORS and "." in name:
                raise self.error(
                    Message(
                        "{word} cannot be part of a name",
                        N_("{word} non può far parte di un nome"),
                        word=repr(part),
                    ),
                    part,
                    pos + offset,
                )
            offset += len(part) + 1

    @property
    def tok(self) -> _Token:
        return self.tokens[self.i]

    def advance(self) -> _Token:
        t = self.tokens[self.i]
        self.i += 1
        return t

    def unexpected(self, what: Message | None = None) -> FormulaError:
        t = self.tok
        if t.kind == "end":
            return self.error(
                Message("the formula ends too early", N_("la formula finisce troppo presto")),
                None,
                t.pos,
            )
        if what is None:
            what = Message("unexpected token", N_("simbolo inatteso"))
        return self.error(what, t.text, t.pos)

    def enter(self) -> None:
        self.nesting += 1
        if self.nesting > MAX_NESTING:
            raise self.error(
                Message(
                    "the formula is nested more than {n} levels deep",
                    N_("la formula ha più di {n} livelli di parentesi"),
                    n=MAX_NESTING,
                ),
                self.tok.text,
                self.tok.pos,
            )

    def node(self, node: Node, pos: int) -> Node:
        if node.depth > MAX_DEPTH:
            raise self.error(
                Message(
                    "the formula is too complex (expression depth over {n})",
                    N_("la formula è troppo complessa (profondità oltre {n})"),
                    n=MAX_DEPTH,
                ),
                None,
                pos,
            )
        return node

    # -- grammar --------------------------------------------------------
    def parse(self) -> Node:
        if self.tok.kind == "end":
            raise self.error(Message("the formula is empty", N_("la formula è vuota")), None, 0)
        node = self.parse_or()
        if self.tok.kind != "end":
            raise self.unexpected(
                Message(
                    "unexpected token (missing operator?)",
                    N_("simbolo inatteso (manca un operatore?)"),
                )
            )
        return node

    def at(self, kind: str, texts: Collection[str]) -> bool:
        """The current token is of ``kind`` and one of ``texts``."""
        return self.tok.kind == kind and self.tok.text in texts

    def left_binary(self, kind: str, ops: tuple[str, ...], operand: Callable[[], Node]) -> Node:
        """``operand (op operand)*`` for ``ops`` of one precedence, grouped from the left."""
        left = operand()
        while self.at(kind, ops):
            op_tok = self.advance()
            left = self.node(Binary(op_tok.text, left, operand()), op_tok.pos)
        return left

    def prefix(self, kind: str, ops: tuple[str, ...], operand: Callable[[], Node]) -> Node:
        """``op* operand`` for prefix ``ops``; each nested one counts towards the depth limit."""
        if not self.at(kind, ops):
            return operand()
        op_tok = self.advance()
        self.enter()
        inner = self.prefix(kind, ops, operand)
        self.nesting -= 1
        return self.node(Unary(op_tok.text, inner), op_tok.pos)

    def parse_or(self) -> Node:
        return self.left_binary("word", ("or",), self.parse_and)

    def parse_and(self) -> Node:
        return self.left_binary("word", ("and",), self.parse_not)

    def parse_not(self) -> Node:
        return self.prefix("word", ("not",), self.parse_comparison)

    def parse_comparison(self) -> Node:
        left = self.parse_additive()
        if self.at("op", COMPARISONS):
            op_tok = self.advance()
            node = self.node(Binary(op_tok.text, left, self.parse_additive()), op_tok.pos)
            if self.at("op", COMPARISONS):
                raise self.unexpected(
                    Message(
                        "comparisons do not chain; write 'a < b and b < c'",
                        N_("i confronti non si concatenano; scrivere 'a < b and b < c'"),
                    )
                )
            return node
        return left

    def parse_additive(self) -> Node:
        return self.left_binary("op", ("+", "-"), self.parse_term)

    def parse_term(self) -> Node:
        return self.left_binary("op", ("*", "/"), self.parse_unary)

    def parse_unary(self) -> Node:
        return self.prefix("op", ("-", "+"), self.parse_primary)

    def parse_primary(self) -> Node:
        t = self.tok
        if t.kind == "number":
            self.advance()
            return Number(float(t.text))
        if t.kind == "name":
            self.advance()
            is_call = self.tok.kind == "op" and self.tok.text == "("
            if is_call:
                return self.parse_call(t)
            if t.text in FUNCTIONS:
                raise self.error(
                    Message(
                        "{name} is a function: write {call}",
                        N_("{name} è una funzione: scrivere {call}"),
                        name=repr(t.text),
                        call=f"{t.text}(...)",
                    ),
                    t.text,
                    t.pos,
                )
            return Name(t.text)
        if t.kind == "op" and t.text == "(":
            self.advance()
            self.enter()
            node = self.parse_or()
            self.expect(")")
            self.nesting -= 1
            return node
        if t.kind == "word":
            raise self.unexpected(
                Message(
                    "{word} cannot appear here; add parentheses",
                    N_("{word} non può stare qui; aggiungere le parentesi"),
                    word=f"'{t.text}'",
                )
            )
        raise self.unexpected()

    def parse_call(self, name_tok: _Token) -> Node:
        func = name_tok.text
        if func not in FUNCTIONS:
            raise self.error(
                Message(
                    "unknown function; allowed: {functions}",
                    N_("funzione sconosciuta; quelle ammesse: {functions}"),
                    functions=", ".join(sorted(FUNCTIONS)),
                ),
                func,
                name_tok.pos,
            )
        self.advance()  # "("
        self.enter()
        args = [self.parse_or()]
        while self.tok.kind == "op" and self.tok.text == ",":
            self.advance()
            args.append(self.parse_or())
        self.expect(")")
        self.nesting -= 1
        lo, hi = FUNCTIONS[func]
        if len(args) < lo or (hi is not None and len(args) > hi):
            message = (
                Message(
                    "{func}() takes exactly {want} argument(s), got {n}",
                    N_("{func}() vuole esattamente {want} argomenti, non {n}"),
                    func=func,
                    want=lo,
                    n=len(args),
                )
                if lo == hi
                else Message(
                    "{func}() takes at least {want} argument(s), got {n}",
                    N_("{func}() vuole almeno {want} argomenti, non {n}"),
                    func=func,
                    want=lo,
                    n=len(args),
                )
            )
            raise self.error(message, func, name_tok.pos)
        return self.node(Call(func, tuple(args)), name_tok.pos)

    def expect(self, text: str) -> None:
        if self.tok.kind == "op" and self.tok.text == text:
            self.advance()
            return
        raise self.unexpected(Message("expected {text}", N_("atteso {text}"), text=repr(text)))


# ---------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------


class Evaluation(NamedTuple):
    """Values of a formula and, per row, a :class:`ValueStatus` code (int8).

    ``status`` is 0 (:attr:`ValueStatus.OK`) wherever ``values`` is a number and
    says why wherever it is NaN.
    """

    values: np.ndarray
    status: np.ndarray

    def labels(self) -> np.ndarray:
        """The status of each row as text (``"ok"``, ``"zero_denominator"``...)."""
        table = np.array([_STATUS_LABELS[s] for s in ValueStatus], dtype=object)
        return table[np.asarray(self.status, dtype=np.intp)]


_Pair = tuple[np.ndarray, np.ndarray]


def _finite(values: np.ndarray, status: np.ndarray) -> _Pair:
    """Turn infinities into NaN with status NOT_FINITE."""
    inf = np.isinf(values)
    if inf.any():
        values = np.where(inf, np.nan, values)
        status = np.maximum(status, np.where(inf, _NOT_FINITE, _OK))
    return values, status


def _with_nan(values: np.ndarray, status: np.ndarray) -> _Pair:
    """NaN wherever the status says a value is missing."""
    return np.where(status > 0, np.nan, values), status


_ARITH: Mapping[str, Callable[[Any, Any], Any]] = {
    "+": np.add,
    "-": np.subtract,
    "*": np.multiply,
}
_CMP: Mapping[str, Callable[[Any, Any], Any]] = {
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
    "==": np.equal,
    "!=": np.not_equal,
}


class _Env:
    def __init__(
        self,
        columns: Mapping[str, Any],
        input_status: Mapping[str, Any] | None,
        formula: Formula,
    ) -> None:
        self.formula = formula
        self.cache: dict[str, _Pair] = {}
        self.columns = columns
        self.input_status = input_status or {}

    def lookup(self, name: str) -> _Pair:
        if name in self.cache:
            return self.cache[name]
        if name not in self.columns:
            item = self.formula.item
            raise DataError(
                Message(
                    "variable {variable} needed by formula {formula} of {item} is not in the data",
                    N_(
                        "la variabile {variable}, che serve alla formula {formula} di {item}, "
                        "non è nei dati"
                    ),
                    variable=repr(name),
                    formula=repr(self.formula.text),
                    item=repr(item),
                )
                if item
                else Message(
                    "variable {variable} needed by formula {formula} is not in the data",
                    N_("la variabile {variable}, che serve alla formula {formula}, non è nei dati"),
                    variable=repr(name),
                    formula=repr(self.formula.text),
                ),
                column=name,
            )
        raw = self.columns[name]
        try:
            if isinstance(raw, pd.Series):
                values = raw.to_numpy(dtype=np.float64, na_value=np.nan)
            else:
                values = np.asarray(raw, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise DataError(f"variable {name!r} is not numeric: {exc}", column=name) from None
        status = np.where(np.isnan(values), _MISSING, _OK)
        values, status = _finite(values, status)
        given = self.input_status.get(name)
        if given is not None:
            status = np.maximum(status, np.asarray(given, dtype=np.int8))
            values, status = _with_nan(values, status)
        self.cache[name] = (values, status)
        return values, status

    def eval(self, node: Node) -> _Pair:
        if isinstance(node, Number):
            return np.asarray(node.value, dtype=np.float64), np.asarray(_OK)
        if isinstance(node, Name):
            return self.lookup(node.name)
        if isinstance(node, Unary):
            v, s = self.eval(node.operand)
            if node.op == "-":
                return np.negative(v), s
            if node.op == "+":
                return v, s
            return _with_nan((v == 0).astype(np.float64), s)
        if isinstance(node, Binary):
            lv, ls = self.eval(node.left)
            rv, rs = self.eval(node.right)
            status = np.maximum(ls, rs)
            op = node.op
            with np.errstate(all="ignore"):
                if op in _ARITH:
                    return _finite(_ARITH[op](lv, rv), status)
                if op == "/":
                    zero = rv == 0
                    values = np.where(zero, np.nan, lv / np.where(zero, 1.0, rv))
                    status = np.maximum(status, np.where(zero, _ZERO_DEN, _OK))
                    return _finite(*_with_nan(values, status))
                if op in _CMP:
                    return _with_nan(_CMP[op](lv, rv).astype(np.float64), status)
                if op == "and":
                    return _with_nan(((lv != 0) & (rv != 0)).astype(np.float64), status)
                if op == "or":
                    return _with_nan(((lv != 0) | (rv != 0)).astype(np.float64), status)
            raise FormulaError(f"unknown operator {op!r}")  # pragma: no cover - parser guards
        if isinstance(node, Call):
            pairs = [self.eval(a) for a in node.args]
            func = node.func
            with np.errstate(all="ignore"):
                if func == "abs":
                    return np.abs(pairs[0][0]), pairs[0][1]
                if func == "coalesce":
                    values, status = pairs[0]
                    for v, s in pairs[1:]:
                        take = status > 0
                        values = np.where(take, v, values)
                        status = np.where(take, np.maximum(s, status), status)
                        # a value found later clears the reason of earlier misses
                        status = np.where(take & (s == 0), _OK, status)
                    return values, status
                reducer = {"min": np.minimum, "max": np.maximum, "sum": np.add}[func]
                values, status = pairs[0]
                for v, s in pairs[1:]:
                    values = reducer(values, v)
                    status = np.maximum(status, s)
                return _finite(*_with_nan(values, status))
        raise FormulaError(f"not a formula node: {node!r}")  # pragma: no cover


# ---------------------------------------------------------------------------
# Formula
# ---------------------------------------------------------------------------


def _collect_names(node: Node, out: set[str], funcs: set[str]) -> None:
    if isinstance(node, Name):
        out.add(node.name)
    elif isinstance(node, Unary):
        _collect_names(node.operand, out, funcs)
    elif isinstance(node, Binary):
        _collect_names(node.left, out, funcs)
        _collect_names(node.right, out, funcs)
    elif isinstance(node, Call):
        funcs.add(node.func)
        for a in node.args:
            _collect_names(a, out, funcs)


@attrs.frozen
class Formula:
    """A parsed formula: its text, expression tree and variables.

    Build it with :meth:`parse`. Two formulas are equal when their trees
    are equal (whitespace and redundant parentheses do not matter).

    Attributes
    ----------
    text : str
        The formula as written.
    tree : Node
        The expression tree.
    variables : frozenset[str]
        The names of the variables the formula needs.
    functions : frozenset[str]
        The functions it calls.
    item, source : str or None
        The definition and file it belongs to, for error messages.

    Examples
    --------
    >>> f = Formula.parse("(tax + non_tax) / current_revenue * 100")
    >>> sorted(f.variables)
    ['current_revenue', 'non_tax', 'tax']
    >>> str(f.tree)
    '(tax + non_tax) / current_revenue * 100'
    >>> Formula.parse("a/b") == Formula.parse("(a) / b")
    True
    """

    text: str = attrs.field(eq=False)
    tree: Node
    variables: frozenset[str] = attrs.field(eq=False)
    functions: frozenset[str] = attrs.field(eq=False, default=frozenset())
    item: str | None = attrs.field(default=None, eq=False, repr=False)
    source: str | None = attrs.field(default=None, eq=False, repr=False)

    @classmethod
    def parse(cls, text: str, *, item: str | None = None, source: str | None = None) -> Formula:
        """Parse ``text`` into a formula.

        Parameters
        ----------
        text
            The formula (see the module documentation for the grammar).
        item
            The id of the definition the formula belongs to (for errors).
        source
            The plugin or file the definition comes from (for errors).

        Returns
        -------
        Formula

        Raises
        ------
        FormulaError
            The text is outside the grammar; the error names ``item``, the
            offending token and its position.

        Examples
        --------
        >>> Formula.parse("min(a, b) / 2").variables == {"a", "b"}
        True
        >>> Formula.parse("a[0]", item="x.y")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        qualitapa.errors.FormulaError: 'x.y', ...: subscripts are not part ... (token '['...
        """
        if isinstance(text, Formula):
            return text
        if not isinstance(text, str):
            raise FormulaError(
                f"a formula must be text, not {type(text).__name__}",
                source=source,
                item=item,
                field="formula",
            )
        tree = _Parser(text, item=item, source=source).parse()
        names: set[str] = set()
        funcs: set[str] = set()
        _collect_names(tree, names, funcs)
        return cls(text, tree, frozenset(names), frozenset(funcs), item, source)

    def __str__(self) -> str:
        return self.text

    @property
    def canonical(self) -> str:
        """The formula rendered from its tree, with only the parentheses it needs."""
        return str(self.tree)

    def evaluate(self, columns: Mapping[str, Any]) -> np.ndarray:
        """Evaluate over columns of equal length (or scalars); float64 result.

        Parameters
        ----------
        columns
            Variable name -> array, Series or number. Arrays broadcast
            against each other (and scalars) as in numpy.

        Returns
        -------
        numpy.ndarray
            float64 values; NaN where an input is missing, a denominator is
            zero or a result is not finite.

        Raises
        ------
        DataError
            A variable is not in ``columns`` or is not numeric.

        Examples
        --------
        >>> import numpy as np
        >>> Formula.parse("coalesce(a, 0) + b").evaluate({"a": np.array([np.nan, 1.0]), "b": 2})
        array([2., 3.])
        """
        return self.evaluate_with_status(columns).values

    def evaluate_with_status(
        self,
        columns: Mapping[str, Any],
        *,
        input_status: Mapping[str, Any] | None = None,
    ) -> Evaluation:
        """Evaluate and say, per row, why a value is missing.

        Parameters
        ----------
        columns
            As for :meth:`evaluate`.
        input_status
            Optional variable name -> array of :class:`ValueStatus` codes per row
            (e.g. :attr:`ValueStatus.INVALID` for cells that failed validation);
            such cells count as missing, with that status.

        Returns
        -------
        Evaluation
            ``(values, status)``; ``status`` is an int8 array of
            :class:`ValueStatus` codes, 0 where the value is a number. When
            several reasons meet in a row the highest code wins
            (invalid input > missing variable > zero denominator > not
            finite).

        Examples
        --------
        >>> import numpy as np
        >>> f = Formula.parse("a / b")
        >>> res = f.evaluate_with_status({"a": np.array([1.0, np.nan, 2.0]),
        ...                               "b": np.array([0.0, 4.0, 4.0])})
        >>> res.values.tolist()
        [nan, nan, 0.5]
        >>> res.labels().tolist()
        ['zero_denominator', 'missing_variable', 'ok']
        """
        env = _Env(columns, input_status, self)
        try:
            values, status = env.eval(self.tree)
        except ValueError as exc:
            if isinstance(exc, DataError):
                raise
            raise DataError(
                f"the columns of formula {self.text!r} do not have matching lengths: {exc}"
            ) from None
        values = np.asarray(values, dtype=np.float64)
        status = np.asarray(status, dtype=np.int8)
        if status.shape != values.shape:
            status = np.broadcast_to(status, values.shape).copy()
        return Evaluation(values, status)
